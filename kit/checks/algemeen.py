"""Checks that apply to every message: BSN, header, uniqueness, dates, retours, age."""

from __future__ import annotations

import pandas as pd

from kit.checks.base import ScanData, outcome, register

CLIENT_TABLES = (
    "toewijzingen",
    "starts",
    "stops",
    "verzoeken",
    "wijzigingsverzoeken",
    "prestaties",
)


def client_rows(data: ScanData) -> pd.DataFrame:
    """Every store row that carries a client (BSN-derived columns), all tables together."""
    parts = [data.rows(t) for t in CLIENT_TABLES if len(data.tables[t])]
    if not parts:
        return pd.DataFrame()
    cols = [
        "record",
        "berichttype",
        "aanbieder",
        "gemeente",
        "Dagtekening",
        "client_id",
        "BsnElfproef",
        "BsnTestnummer",
        "Geboortemaand",
    ]
    return pd.concat([p[[c for c in cols if c in p]] for p in parts], ignore_index=True)


@register("bsn_elfproef")
def bsn_elfproef(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Rows whose BSN fails the 11-proef (CS002; computed at ingest)."""
    rows = client_rows(data)
    if rows.empty:
        return None
    rows = rows[rows["BsnElfproef"].notna()]
    return outcome(rows, ~rows["BsnElfproef"].astype(bool))


@register("bsn_testnummer")
def bsn_testnummer(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Rows with a BSN from the test range; passes when ``testdata_toegestaan`` is set."""
    rows = client_rows(data)
    if rows.empty:
        return None
    rows = rows[rows["BsnTestnummer"].notna()]
    failing = rows["BsnTestnummer"].astype(bool) & (not params.get("testdata_toegestaan", False))
    return outcome(rows, failing)
