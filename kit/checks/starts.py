"""Checks on the start of care (305) and on toewijzingen that never started."""

from __future__ import annotations

import pandas as pd

from kit.checks.base import ScanData, outcome, register

PAIR = ["gemeente", "ToewijzingNummer"]


def current_301(data: ScanData) -> pd.DataFrame:
    """The current version of every toewijzing, from the pathways (one row per toewijzing)."""
    p = data.pathways
    return p[p["ToewijzingNummer"].notna()]


def starts_with_toewijzing(data: ScanData) -> pd.DataFrame:
    """Every 305 row (StatusAanlevering 1) joined to the current 301 of its toewijzing."""
    starts = data.rows("starts")
    starts = starts[starts["StatusAanlevering"] == "1"]
    toew = current_301(data)[
        [
            *PAIR,
            "ingangsdatum",
            "einddatum",
            "eerste_dagtekening",
            "eerste_toewijzingsdatum",
            "categorie",
            "productcode",
        ]
    ]
    return starts.merge(toew, on=PAIR, how="left")


@register("start_te_laat")
def start_te_laat(data: ScanData, params: dict) -> pd.DataFrame | None:
    """305 Dagtekening more than N working days after the Begindatum (OP271).

    For a retroactive toewijzing (Begindatum before the first 301 was sent) the term runs from
    the 301's Dagtekening instead.
    """
    starts = starts_with_toewijzing(data)
    if starts.empty:
        return None
    late_start = data.calendar.between(starts["Begindatum"], starts["Dagtekening"])
    retro = starts["eerste_dagtekening"].notna() & (
        starts["Begindatum"] < starts["eerste_dagtekening"]
    )
    late_301 = data.calendar.between(starts["eerste_dagtekening"], starts["Dagtekening"])
    lag = late_start.where(~retro, late_301)
    return outcome(starts, lag > params.get("max_werkdagen", 5))


@register("start_automatisch")
def start_automatisch(data: ScanData, params: dict) -> pd.DataFrame | None:
    """305 sent at most N days after the 301 with Begindatum = 301 Ingangsdatum (signal).

    Categories where this is the agreed practice (GI: 47/48) are not counted as failing.
    """
    starts = starts_with_toewijzing(data)
    starts = starts[starts["eerste_dagtekening"].notna()]
    if starts.empty:
        return None
    days_after = (starts["Dagtekening"] - starts["eerste_dagtekening"]).dt.days
    looks_auto = (days_after <= params.get("max_dagen_na_301", 1)) & (
        starts["Begindatum"] == starts["ingangsdatum"]
    )
    expected = starts["categorie"].isin([str(c) for c in params.get("verwacht_categorieen", [])])
    return outcome(starts, looks_auto & ~expected)


@register("toewijzing_zonder_start")
def toewijzing_zonder_start(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Current, not withdrawn toewijzing without a 305 by Ingangsdatum + 5 wd + N days.

    Only toewijzingen whose deadline lies on or before the peildatum are checked; the record's
    date is the deadline, so it counts in the month the start became overdue.
    """
    toew = current_301(data)
    toew = toew[~toew["ingetrokken"].astype(bool)]
    if toew.empty:
        return None
    deadline = data.calendar.add(toew["ingangsdatum"], 5) + pd.Timedelta(
        days=params.get("dagen", 30)
    )
    due = toew.assign(record=toew["rij_301"], berichttype="301", deadline=deadline)
    due = due[due["deadline"] <= data.peildatum]
    started_in_time = due["start_dagtekening"].notna() & (
        due["start_dagtekening"] <= due["deadline"]
    )
    return outcome(due, ~started_in_time, datum="deadline")
