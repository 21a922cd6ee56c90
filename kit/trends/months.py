"""Months of the trend series: ``"JJJJ-MM"`` strings, month numbers and the series' span."""

from __future__ import annotations

import pandas as pd

LEVELS: tuple[str, ...] = ("regio", "gemeente", "aanbieder", "categorie")
REGIO = "totaal"
ONBEKEND = "onbekend"


# ------------------------------------------------------------------------------------------
# Months


def last_complete_month(peildatum: pd.Timestamp | str) -> str:
    """The last month that has ended on or before ``peildatum`` (``"JJJJ-MM"``)."""
    peil = pd.Timestamp(peildatum)
    month = peil.to_period("M")
    return str(month if peil.normalize() == month.end_time.normalize() else month - 1)


def _ordinal(dates: pd.Series) -> pd.Series:
    """Month number of each date (months since 1970-01; NaN for missing dates)."""
    return (dates.dt.year - 1970) * 12 + dates.dt.month - 1


def _month_of(ordinal: int) -> str:
    return f"{1970 + ordinal // 12:04d}-{ordinal % 12 + 1:02d}"


def _month_number(month: str) -> int:
    year, mon = month.split("-")
    return (int(year) - 1970) * 12 + int(mon) - 1


class NoTrendsError(ValueError):
    """The store holds nothing to draw a monthly series from (message in Dutch)."""


def month_span(pathways: pd.DataFrame, *, peildatum: pd.Timestamp | str) -> tuple[int, int]:
    """First and last month number of the series: first message month .. last complete month.

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`.
    peildatum : pandas.Timestamp or str
        Reference date.

    Returns
    -------
    tuple of int
        Month numbers (months since 1970-01), see :func:`_ordinal`.

    Raises
    ------
    NoTrendsError
        When the pathways hold no dated message before the last complete month.
    """
    sent = pathways[
        ["vot_dagtekening", "eerste_dagtekening", "start_dagtekening", "stop_dagtekening"]
    ].min(axis=1)
    last = _month_number(last_complete_month(peildatum))
    if sent.notna().sum() == 0:
        raise NoTrendsError(
            "Geen trends te berekenen: de store heeft op of vóór de peildatum geen verzoek om "
            "toewijzing (315), toewijzing (301), start (305) of stop (307)."
        )
    if _ordinal(sent).min() > last:
        raise NoTrendsError(
            "Geen trends te berekenen: er zijn geen berichten van vóór de laatste volledige "
            f"maand ({_month_of(last)}); kies een latere peildatum."
        )
    return int(_ordinal(sent).min()), last
