"""SPC: XmR charts with the Making Data Count rules (as NHSRplotthedots implements them)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kit.privacy import Protection
from kit.trends.series import series_direction

#: disclosure control of an SPC frame (:func:`spc_series`): a month on a small count is not
#: judged; ``waarde`` of a count series is its count
SPC_PROTECTION = Protection(
    ("n",), {c: ["n"] for c in ("waarde", "regels", "oordeel", "bijzonder")}, same={"waarde": "n"}
)

# ------------------------------------------------------------------------------------------
# SPC: XmR charts with the Making Data Count rules

XMR_LIMIT = 2.66  # 3 / 1.128: three sigma from the mean moving range
MR_SCREEN = 3.267  # upper range limit: moving ranges above it are left out of the mean


@dataclass(frozen=True)
class SpcRules:
    """Settings of the special-cause rules (defaults as NHSRplotthedots / Making Data Count).

    Attributes
    ----------
    run : int
        Points in a row on one side of the mean (a point on the mean breaks the run).
    trend : int
        Points in a row each higher (or each lower) than the one before (equal breaks it).
    two_of_three : bool
        Two of three points in a row beyond two sigma on the same side (the third on that
        side too).
    screen_outliers : bool
        Leave moving ranges above 3.267 x their mean out of the limits.
    """

    run: int = 7
    trend: int = 7
    two_of_three: bool = True
    screen_outliers: bool = True


def xmr(
    values: pd.Series,
    *,
    direction: int = 0,
    baseline: tuple[str, str] | None = None,
    rules: SpcRules | None = None,
) -> pd.DataFrame:
    """An XmR (individuals) chart with special-cause flags.

    Parameters
    ----------
    values : pandas.Series
        Indexed by month (``JJJJ-MM``, sorted); missing values are left out.
    direction : int
        1 when higher is better, -1 when lower is better, 0 when neither.
    baseline : tuple of str, optional
        First and last month (inclusive) from which mean and limits are computed; the limits
        then apply to every month. None = all months.
    rules : SpcRules, optional
        Rule settings; defaults when None.

    Returns
    -------
    pandas.DataFrame
        ``maand, waarde, gemiddelde, ondergrens, bovengrens, basislijn, buiten_grenzen,
        reeks_een_kant, trend, twee_van_drie, bijzonder, kant, oordeel, regels``. ``kant`` is
        ``hoog``/``laag`` for special points (for a trend: its direction); ``oordeel`` is
        ``verbetering``, ``verslechtering``, ``bijzonder hoog``/``bijzonder laag`` (direction 0)
        or ``geen bijzondere variatie``.

    Raises
    ------
    ValueError
        When the baseline holds fewer than two values.
    """
    rules = rules or SpcRules()
    y = values.dropna().astype(float).sort_index()
    in_base = (
        pd.Series(True, index=y.index)
        if baseline is None
        else (y.index >= baseline[0]) & (y.index <= baseline[1])
    )
    base = y[np.asarray(in_base)]
    if len(base) < 2:
        raise ValueError("De basisperiode van een SPC-grafiek heeft minstens twee maanden nodig.")
    mean = base.mean()
    mr = base.diff().abs().dropna()
    amr = mr.mean()
    if rules.screen_outliers and len(mr):
        kept = mr[mr < MR_SCREEN * amr]
        amr = kept.mean() if len(kept) else amr
    upper, lower = mean + XMR_LIMIT * amr, mean - XMR_LIMIT * amr
    sigma2 = 2 * XMR_LIMIT / 3 * amr
    v = y.to_numpy()
    side = np.sign(v - mean)
    outside = (v > upper) | (v < lower)
    run = _part_of_run(side, rules.run)
    trend_dir = _trend_direction(v, rules.trend)
    close = ~outside & ((v > mean + sigma2) | (v < mean - sigma2))
    two3 = _two_of_three(close, side) if rules.two_of_three else np.zeros(len(v), bool)
    trend = trend_dir != 0
    special = outside | run | trend | two3
    only_trend = trend & ~(outside | run | two3)
    high = np.where(only_trend, trend_dir > 0, side > 0)
    out = pd.DataFrame(
        {
            "maand": y.index,
            "waarde": v,
            "gemiddelde": mean,
            "ondergrens": lower,
            "bovengrens": upper,
            "basislijn": np.asarray(in_base),
            "buiten_grenzen": outside,
            "reeks_een_kant": run,
            "trend": trend,
            "twee_van_drie": two3,
            "bijzonder": special,
        }
    )
    out["kant"] = pd.Series(np.where(high, "hoog", "laag"), dtype="string").where(special)
    out["oordeel"] = [_verdict(s, k, direction) for s, k in zip(special, out["kant"], strict=True)]
    out["regels"] = _rule_names(out, rules)
    return out


def _part_of_run(side: np.ndarray, length: int) -> np.ndarray:
    """Points that belong to ``length`` or more consecutive points on one side (not on it)."""
    s = pd.Series(side)
    segment = (s != s.shift()).cumsum()
    size = s.groupby(segment).transform("size")
    return ((s != 0) & (size >= length)).to_numpy()


def _trend_direction(v: np.ndarray, length: int) -> np.ndarray:
    """+1/-1 for points in ``length`` or more points each higher/lower than the previous."""
    step = pd.Series(np.sign(np.diff(v, prepend=np.nan)))
    segment = (step != step.shift()).cumsum()
    size = step.groupby(segment).transform("size")
    ends = (step.abs() == 1) & (size >= length - 1)  # the later point of each step in a trend
    direction = step.where(ends)
    starts = direction.shift(-1)  # the point before a trend's first step belongs to it too
    return direction.combine_first(starts).fillna(0).to_numpy()


def _two_of_three(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Close points in a window of three with two or more close and all on one side."""
    c = pd.Series(close.astype(int))
    s = pd.Series(side)
    window = (c.rolling(3).sum() >= 2) & (s.rolling(3).sum().abs() == 3)  # window ending at i
    hit = window | window.shift(-1, fill_value=False) | window.shift(-2, fill_value=False)
    return (hit & c.astype(bool)).to_numpy()


def _verdict(special: bool, side: str | None, direction: int) -> str:
    if not special:
        return "geen bijzondere variatie"
    if direction == 0:
        return f"bijzonder {side}"
    return "verbetering" if (side == "hoog") == (direction > 0) else "verslechtering"


def _rule_names(spc: pd.DataFrame, rules: SpcRules) -> pd.Series:
    names = {
        "buiten_grenzen": "buiten de grenzen",
        "reeks_een_kant": f"{rules.run} of meer op rij aan één kant",
        "trend": f"{rules.trend} of meer op rij stijgend of dalend",
        "twee_van_drie": "2 van 3 dicht bij de grens",
    }
    parts = [spc[col].map({True: name, False: ""}) for col, name in names.items()]
    joined = parts[0].str.cat(parts[1:], sep="; ")
    return joined.str.replace(r"(; )+", "; ", regex=True).str.strip("; ")


def spc_series(
    series: pd.DataFrame,
    *,
    niveau: str,
    eenheid: str,
    reeks: str,
    baseline: tuple[str, str] | None = None,
    rules: SpcRules | None = None,
) -> pd.DataFrame:
    """XmR chart of one monthly series; provisional months are shown but not judged.

    Parameters
    ----------
    series : pandas.DataFrame
        :func:`monthly_series` with ``voorlopig`` (see :func:`flag_provisional`).
    niveau, eenheid, reeks : str
        Which series.
    baseline : tuple of str, optional
        See :func:`xmr`.
    rules : SpcRules, optional
        See :class:`SpcRules`.

    Returns
    -------
    pandas.DataFrame
        :func:`xmr`'s columns plus ``n`` and ``voorlopig``; provisional months carry the limits
        but ``oordeel`` ``voorlopig (niet beoordeeld)``. Empty when fewer than two final months.
    """
    one = series[
        (series["niveau"] == niveau) & (series["eenheid"] == eenheid) & (series["reeks"] == reeks)
    ].sort_values("maand")
    final = one[~one["voorlopig"]].set_index("maand")
    if final["waarde"].notna().sum() < 2:
        return pd.DataFrame()
    chart = xmr(final["waarde"], direction=series_direction(reeks), baseline=baseline, rules=rules)
    chart = chart.assign(voorlopig=False, n=final["n"].reindex(chart["maand"]).to_numpy())
    late = one[one["voorlopig"] & one["waarde"].notna()]
    if len(late):
        filler = chart.iloc[[-1]][["gemiddelde", "ondergrens", "bovengrens"]]
        extra = pd.DataFrame(
            {
                "maand": late["maand"].to_numpy(),
                "waarde": late["waarde"].to_numpy(float),
                "n": late["n"].to_numpy(),
                "voorlopig": True,
                "oordeel": "voorlopig (niet beoordeeld)",
                "bijzonder": False,
                "basislijn": False,
            }
        ).assign(**{c: filler[c].iloc[0] for c in filler})
        chart = pd.concat([chart, extra], ignore_index=True)
    return chart
