"""Beschikbaarheidswijzer and queueing indicators (Fong et al. 2022, NHSRwaitinglist), Little's law."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kit.privacy import Protection
from kit.trends.months import (
    REGIO,
    _month_number,
    _month_of,
    _ordinal,
    last_complete_month,
    month_span,
)
from kit.trends.series import _grid, _stock_wide, measured_waits
from kit.trends.spells import _all_units, _stack_levels, waiting_spells
from kit.waits.estimators import km_median

#: disclosure control of :func:`littles_law`
LITTLE_PROTECTION = Protection(
    ("wachtlijst", "n_instroom", "n_uit"),
    {c: ["n_instroom", "n_uit"] for c in ("schatting", "band_laag", "band_hoog")},
)

_COHORT = ["n_cohort", "n_gestart"]
#: disclosure control of the Beschikbaarheidswijzer (``wijzer`` of :func:`shared_tables`)
WIJZER_PROTECTION = Protection(
    ("wachtlijst", *_COHORT, "n_cohort_vorig", "n_gestart_vorig"),
    {
        "mediaan_dagen": _COHORT,
        "ci_laag_dagen": _COHORT,
        "ci_hoog_dagen": _COHORT,
        "verwachte_wachttijd": _COHORT,
        "mediaan_vorig_dagen": ["n_cohort_vorig", "n_gestart_vorig"],
        "richting": [*_COHORT, "n_cohort_vorig", "n_gestart_vorig"],
    },
)
#: disclosure control of :func:`queue_indicators` (rates rest on their counts)
QUEUE_PROTECTION = Protection(
    ("n_instroom", "n_gestart", "n_uitval", "wachtlijst"),
    {
        "vraag_per_week": ["n_instroom"],
        "capaciteit_per_week": ["n_gestart"],
        "uitval_per_week": ["n_uitval"],
        "belasting": ["n_instroom", "n_gestart"],
        "doel_wachtlijst": ["n_instroom"],
        "gem_wachttijd_weken": ["wachtlijst"],
        "druk": ["wachtlijst"],
        "herstelcapaciteit_per_week": ["n_instroom", "wachtlijst"],
        "wachtlijst_te_groot": ["n_instroom", "wachtlijst"],
    },
)

# ------------------------------------------------------------------------------------------
# Beschikbaarheidswijzer and queueing indicators


def availability(
    pathways: pd.DataFrame,
    *,
    peildatum: pd.Timestamp | str,
    quarter_months: int = 3,
    waits: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Beschikbaarheidswijzer: per aanbieder x productcategorie the list now and the expected wait.

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`.
    peildatum : pandas.Timestamp or str
        Reference date: the waiting list is taken on this date.
    quarter_months : int
        Length of a cohort: the toewijzingen of the last ``quarter_months`` complete months
        (and of the same span before, for the trend).
    waits : pandas.DataFrame, optional
        :func:`measured_waits` (computed here when None).

    Returns
    -------
    pandas.DataFrame
        ``aanbieder, categorie, wachtlijst, n_cohort, n_gestart, mediaan_dagen, ci_laag_dagen,
        ci_hoog_dagen, max_duur, n_cohort_vorig, n_gestart_vorig, mediaan_vorig_dagen,
        max_duur_vorig, richting``. ``wachtlijst`` follows :func:`waiting_spells`; the median
        is the Kaplan-Meier median of :func:`measured_waits` (other exits censored); ``inf`` when
        the curve has not reached 50% yet (the median then lies beyond ``max_duur``, the longest
        follow-up). ``richting``: ``langer`` when the lower 95% bound now lies above the previous
        median, ``korter`` when the upper bound lies below it, else ``geen duidelijk verschil``;
        ``onbekend`` without a cohort now or before. A bound or median that was not reached
        counts as its longest follow-up (a safe lower bound).
    """
    peil = pd.Timestamp(peildatum)
    last = pd.Period(last_complete_month(peil), "M")
    if waits is None:
        waits = measured_waits(pathways, peildatum=peil)
    cohort = _ordinal(waits["start"])
    m_last = _month_number(str(last))
    now = waits[cohort.between(m_last - quarter_months + 1, m_last)]
    before = waits[cohort.between(m_last - 2 * quarter_months + 1, m_last - quarter_months)]
    wait = waiting_spells(pathways, peildatum=peil)
    keys = ["aanbieder", "categorie"]
    km_now = km_median(now, keys)
    km_before = km_median(before, keys)[[*keys, "n", "n_gestart", "mediaan", "max_duur"]].rename(
        columns={
            "n": "n_cohort_vorig",
            "n_gestart": "n_gestart_vorig",
            "mediaan": "mediaan_vorig_dagen",
            "max_duur": "max_duur_vorig",
        }
    )
    on_list = wait[(wait["in"] <= peil) & (wait["uit"].isna() | (wait["uit"] > peil))]
    listed = on_list.groupby(keys).size().rename("wachtlijst").reset_index()
    out = (
        listed.merge(km_now, on=keys, how="outer")
        .merge(km_before, on=keys, how="left")
        .rename(
            columns={
                "n": "n_cohort",
                "mediaan": "mediaan_dagen",
                "ci_laag": "ci_laag_dagen",
                "ci_hoog": "ci_hoog_dagen",
            }
        )
    )
    for col in ("wachtlijst", "n_cohort", "n_gestart", "n_cohort_vorig", "n_gestart_vorig"):
        out[col] = out[col].fillna(0).astype(int)
    out["richting"] = _direction(out)
    cols = [
        *keys,
        "wachtlijst",
        "n_cohort",
        "n_gestart",
        "mediaan_dagen",
        "ci_laag_dagen",
        "ci_hoog_dagen",
        "max_duur",
        "n_cohort_vorig",
        "n_gestart_vorig",
        "mediaan_vorig_dagen",
        "max_duur_vorig",
        "richting",
    ]
    return out[cols].sort_values(keys).reset_index(drop=True)


def _direction(w: pd.DataFrame) -> pd.Series:
    # a median the curve did not reach lies beyond the longest follow-up: use that as its bound
    now_low = w["ci_laag_dagen"].where(~np.isinf(w["ci_laag_dagen"].astype(float)), w["max_duur"])
    prev = w["mediaan_vorig_dagen"]
    prev = prev.where(~np.isinf(prev.astype(float)), w["max_duur_vorig"])
    unknown = prev.isna() | w["mediaan_dagen"].isna()
    return pd.Series(
        np.select(
            [unknown, now_low > prev, w["ci_hoog_dagen"] < prev],
            ["onbekend", "langer", "korter"],
            default="geen duidelijk verschil",
        ),
        index=w.index,
        dtype="string",
    )


def wait_text(mediaan: float, laag: float, hoog: float) -> str:
    """Dutch text for a KM median with its 95% interval, e.g. ``35 dagen (95%-BI 28–44)``.

    A median the curve has not reached reads ``nog niet te schatten (meer dan de helft wacht
    nog)``; a bound not reached reads ``?``. No longest follow-up is shown: a maximum can
    point at one child's dates.
    """
    if pd.isna(mediaan):
        return ""
    if np.isinf(mediaan):
        return "nog niet te schatten (meer dan de helft wacht nog)"
    low = "?" if np.isinf(laag) else f"{laag:.0f}"
    high = "?" if np.isinf(hoog) else f"{hoog:.0f}"
    return f"{mediaan:.0f} dagen (95%-BI {low}–{high})"


@dataclass(frozen=True)
class QueueSettings:
    """Assumptions of the queueing indicators.

    Attributes
    ----------
    norm_weeks : float
        The waiting-time norm (e.g. the Treeknorm of 10 weeks).
    weeks : int
        Demand and capacity are weekly means over this many weeks up to the peildatum.
    factor : float
        Target mean wait = norm / factor; 4 gives about a 2% chance of exceeding the norm
        (Fong et al. 2022; NHSRwaitinglist ``calc_target_mean_wait``).
    relief_weeks : int
        Weeks in which an oversized list should come down to its target size.
    """

    norm_weeks: float
    weeks: int
    factor: float
    relief_weeks: int

    @classmethod
    def from_yaml(cls, norm_weeks: float | None = None) -> QueueSettings:
        """The settings of ``trends.wachtrij`` in ``waiting_times.yaml`` (:func:`kit.config.trend_settings`).

        ``norm_weeks`` overrides ``trends.norm_weken`` (the notebook's or CLI's ``norm_weken``).
        """
        from kit import config

        s = config.trend_settings()
        q = s["wachtrij"]
        return cls(
            norm_weeks=s["norm_weken"] if norm_weeks is None else norm_weeks,
            weeks=int(q["weken"]),
            factor=float(q["factor"]),
            relief_weeks=int(q["afbouw_weken"]),
        )


def queue_indicators(
    pathways: pd.DataFrame,
    *,
    peildatum: pd.Timestamp | str,
    settings: QueueSettings | None = None,
) -> pd.DataFrame:
    """Queueing indicators per productcategorie and for the region (NHSRwaitinglist ``wl_stats``).

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`.
    peildatum : pandas.Timestamp or str
        Reference date.
    settings : QueueSettings, optional
        Norm, window and factor.

    Returns
    -------
    pandas.DataFrame
        One row per categorie plus ``totaal``: ``categorie, n_instroom, n_gestart, n_uitval,
        wachtlijst, vraag_per_week`` (new toewijzingen), ``capaciteit_per_week`` (starts from
        the list), ``uitval_per_week`` (withdrawn, lapsed, stopped without start),
        ``belasting`` (vraag / capaciteit), ``belasting_te_hoog`` (belasting >= 1: the list
        keeps growing, whatever its size), ``doel_wachtlijst`` (Little: vraag x norm / factor,
        only reachable when belasting < 1), ``wachtlijst_te_groot`` (list > 2 x target), ``gem_wachttijd_weken`` (mean time waited
        so far by those on the list), ``druk`` (2 x gem_wachttijd / norm; above 1 the norm
        will most likely be missed), ``herstelcapaciteit_per_week`` (vraag + (list - target) /
        relief_weeks, when the list is too big).
    """
    s = settings or QueueSettings.from_yaml()
    peil = pd.Timestamp(peildatum)
    start = peil - pd.Timedelta(weeks=s.weeks)
    wait = waiting_spells(pathways, peildatum=peil)
    wait = pd.concat([wait, wait.assign(categorie=REGIO)], ignore_index=True)
    exit_at = wait["uit"].where(wait["uit"] >= wait["in"], wait["in"])
    in_window = wait["in"].between(start, peil, inclusive="right")
    left = exit_at.between(start, peil, inclusive="right") & wait["uit"].notna()
    on_list = (wait["in"] <= peil) & wait["uit"].isna()
    frame = wait.assign(
        instroom=in_window,
        gestart=left & (wait["reden_uit"] == "gestart"),
        uitval=left & (wait["reden_uit"] != "gestart"),
        wacht=on_list,
        weken_gewacht=((peil - wait["in"]).dt.days / 7).where(on_list),
    )
    g = frame.groupby("categorie")
    out = pd.DataFrame(
        {
            "n_instroom": g["instroom"].sum(),
            "n_gestart": g["gestart"].sum(),
            "n_uitval": g["uitval"].sum(),
            "wachtlijst": g["wacht"].sum(),
            "gem_wachttijd_weken": g["weken_gewacht"].mean(),
        }
    ).astype({"n_instroom": int, "n_gestart": int, "n_uitval": int, "wachtlijst": int})
    out["vraag_per_week"] = out["n_instroom"] / s.weeks
    out["capaciteit_per_week"] = out["n_gestart"] / s.weeks
    out["uitval_per_week"] = out["n_uitval"] / s.weeks
    out["belasting"] = out["vraag_per_week"] / out["capaciteit_per_week"].where(
        out["capaciteit_per_week"] > 0
    )
    out["belasting_te_hoog"] = out["belasting"].isna() | (out["belasting"] >= 1)
    out["doel_wachtlijst"] = out["vraag_per_week"] * s.norm_weeks / s.factor
    too_big = out["wachtlijst"] > 2 * out["doel_wachtlijst"]
    out["wachtlijst_te_groot"] = too_big
    out["druk"] = 2 * out["gem_wachttijd_weken"] / s.norm_weeks
    relief = out["vraag_per_week"] + (out["wachtlijst"] - out["doel_wachtlijst"]) / s.relief_weeks
    out["herstelcapaciteit_per_week"] = relief.where(too_big)
    out = out.reset_index()
    order = out["categorie"].eq(REGIO)
    return pd.concat([out[~order], out[order]], ignore_index=True)


def littles_law(
    pathways: pd.DataFrame,
    *,
    peildatum: pd.Timestamp | str,
    level: str = "regio",
    window: int = 6,
    margin: float = 0.25,
    stable_change: float = 0.10,
) -> pd.DataFrame:
    """Little's-law plausibility band for the waiting list at each month end.

    L = lambda x W holds for long-run averages of a *stable* list: lambda = arrivals per day
    over the last ``window`` months, W = mean days on the list of those who left it in that
    window (all exits). The list is plausible when it lies within ``(1 ± margin) x lambda x W``.
    A growing list lies above the band (recent arrivals have not left yet and completed waits
    understate the current wait); a shrinking one below it.

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`.
    peildatum : pandas.Timestamp or str
        Reference date.
    level : str
        ``regio`` or ``categorie`` (or ``gemeente``, ``aanbieder``).
    window : int
        Months over which lambda and W are averaged.
    margin : float
        Half-width of the band, relative to lambda x W.
    stable_change : float
        The list counts as stable when it changed by at most this share over the window.

    Returns
    -------
    pandas.DataFrame
        ``maand, niveau, eenheid, wachtlijst, n_instroom, n_uit, aankomst_per_dag,
        gem_dagen_op_lijst, schatting, band_laag, band_hoog, binnen_band, stabiel``
        (months from the ``window``-th month on).
    """
    m0, m1 = month_span(pathways, peildatum=peildatum)
    months = range(m0, m1 + 1)
    units = _all_units(pathways, (level,))
    wait = waiting_spells(pathways, peildatum=peildatum)
    stock = _stock_wide(wait, (level,), units, months)
    m_in = _ordinal(wait["in"])
    left = wait["uit"].notna()
    m_out = np.maximum(_ordinal(wait["uit"]), m_in)
    stay = (wait["uit"] - wait["in"]).dt.days.clip(lower=0)
    base = wait[["gemeente", "aanbieder", "categorie"]]
    arrivals = _stack_levels(base.assign(m=m_in), (level,)).groupby(["niveau", "eenheid", "m"])
    exits = _stack_levels(base[left].assign(m=m_out[left], d=stay[left]), (level,)).groupby(
        ["niveau", "eenheid", "m"]
    )
    n_in = _grid(arrivals.size(), units, months)
    n_out = _grid(exits.size(), units, months)
    days_out = _grid(exits["d"].sum(), units, months)
    month_days = pd.Series(
        [pd.Period(_month_of(m), "M").days_in_month for m in months], index=list(months)
    )

    def rolling(wide: pd.DataFrame) -> pd.DataFrame:
        return wide.T.rolling(window).sum().T

    lam = rolling(n_in) / month_days.rolling(window).sum()
    w = rolling(days_out) / rolling(n_out).where(rolling(n_out) > 0)
    estimate = lam * w
    previous = stock.shift(window, axis=1)
    frames = {
        "wachtlijst": stock,
        "n_instroom": rolling(n_in),
        "n_uit": rolling(n_out),
        "aankomst_per_dag": lam,
        "gem_dagen_op_lijst": w,
        "schatting": estimate,
        "band_laag": estimate * (1 - margin),
        "band_hoog": estimate * (1 + margin),
        "stabiel": ((stock - previous).abs() <= stable_change * previous).where(previous.notna()),
    }
    long = pd.concat({k: v.stack(future_stack=True) for k, v in frames.items()}, axis=1)
    long = long.reset_index().rename(columns={"level_2": "m"})
    long.columns = ["niveau", "eenheid", "m", *frames]
    long = long[long["m"] >= m0 + window - 1]
    long["binnen_band"] = long["wachtlijst"].between(long["band_laag"], long["band_hoog"])
    long["stabiel"] = long["stabiel"].astype("boolean")
    long["maand"] = [_month_of(int(m)) for m in long.pop("m")]
    cols = ["maand", "niveau", "eenheid", *frames, "binnen_band"]
    cols.remove("stabiel")
    return long[[*cols, "stabiel"]].reset_index(drop=True)
