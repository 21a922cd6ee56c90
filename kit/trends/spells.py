"""Spells: time on the waiting list and time in care, one row per toewijzing.

The waiting list is the one of :mod:`kit.waits` (:func:`kit.waits.waiting_list`, from the
``toewijzing_start`` definition in ``kit/waiting_times.yaml``); time in care runs from the 305
Begindatum to the 307 Einddatum.
"""

from __future__ import annotations

import pandas as pd

from kit.trends.months import ONBEKEND, REGIO
from kit.waits.definitions import WaitDefinition, load_definitions
from kit.waits.measure import waiting_list

UNIT_COLUMNS = ("client_id", "gemeente", "aanbieder", "categorie")

# ------------------------------------------------------------------------------------------
# Spells: time on the waiting list and time in care


def waiting_spells(
    pathways: pd.DataFrame,
    *,
    peildatum: pd.Timestamp | str,
    definition: WaitDefinition | None = None,
) -> pd.DataFrame:
    """One row per toewijzing: when it joined and left the waiting list, and why it left.

    The list is :func:`kit.waits.waiting_list` of the wait definition of the snapshot in
    notebook 02 (default ``toewijzing_start`` of ``kit/waiting_times.yaml``): its filters
    decide who can be on it and its competing exits (turned 18, moved, the toewijzing ended)
    take a child off it, so the list at the peildatum is the same number as that definition's
    momentopname.

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`.
    peildatum : pandas.Timestamp or str
        Exits after this date have not happened yet.
    definition : kit.waits.WaitDefinition, optional
        Default: ``toewijzing_start`` of the shipped definitions.

    Returns
    -------
    pandas.DataFrame
        ``client_id, gemeente, aanbieder, categorie`` and ``in, uit, reden_uit`` of
        :func:`kit.waits.waiting_list`.
    """
    d = definition or load_definitions().get("toewijzing_start")
    spells = waiting_list(pathways, d, peildatum=peildatum, keep=UNIT_COLUMNS)
    out = _units(spells)
    out["in"] = spells["in"].to_numpy()
    out["uit"] = spells["uit"]
    out["reden_uit"] = spells["reden_uit"]
    return out.reset_index(drop=True)


def care_spells(pathways: pd.DataFrame, *, peildatum: pd.Timestamp | str) -> pd.DataFrame:
    """One row per started toewijzing: ``in`` = 305 Begindatum, ``uit`` = 307 Einddatum.

    A child is in care at month end *e* when ``in <= e < uit`` (a stop on the last day of a
    month counts as gone by its end, as the stop counts in that month). Stops after the
    peildatum have not happened yet.

    Returns
    -------
    pandas.DataFrame
        ``client_id, gemeente, aanbieder, categorie, in, uit, reden_uit`` (RedenBeeindiging).
    """
    peil = pd.Timestamp(peildatum)
    s = pathways[pathways["start_begindatum"].notna() & (pathways["start_begindatum"] <= peil)]
    out = _units(s)
    stop = s["stop_einddatum"].where(s["stop_einddatum"] <= peil)
    out["in"] = s["start_begindatum"].to_numpy()
    out["uit"] = stop.to_numpy()
    out["reden_uit"] = s["stop_reden"].where(stop.notna()).to_numpy()
    return out.reset_index(drop=True)


def _units(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "client_id": frame["client_id"].to_numpy(),
            "gemeente": frame["gemeente"].astype("string").fillna(ONBEKEND).to_numpy(),
            "aanbieder": frame["aanbieder"].astype("string").fillna(ONBEKEND).to_numpy(),
            "categorie": frame["categorie"].astype("string").fillna(ONBEKEND).to_numpy(),
        },
        index=frame.index,
    )


def _stack_levels(frame: pd.DataFrame, levels: tuple[str, ...]) -> pd.DataFrame:
    """One copy of ``frame`` per level with columns ``niveau`` and ``eenheid``."""
    parts = []
    for level in levels:
        unit = REGIO if level == "regio" else frame[level]
        parts.append(frame.assign(niveau=level, eenheid=unit))
    return pd.concat(parts, ignore_index=True)


def _all_units(pathways: pd.DataFrame, levels: tuple[str, ...]) -> pd.MultiIndex:
    units = _units(pathways)
    pairs = [("regio", REGIO)] if "regio" in levels else []
    for level in levels:
        if level != "regio":
            pairs += [(level, u) for u in sorted(units[level].unique())]
    return pd.MultiIndex.from_tuples(pairs, names=["niveau", "eenheid"])
