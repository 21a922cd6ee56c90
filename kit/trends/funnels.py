"""Funnel plots: limits for a share per gemeente or aanbieder, and the indicators' counts."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from kit.privacy import Protection
from kit.trends.months import last_complete_month

#: disclosure control of :func:`funnel`
FUNNEL_PROTECTION = Protection(("x", "n"), {"pct": ["x", "n"], "beoordeling": ["x", "n"]})

FUNNEL_Z = {"95": NormalDist().inv_cdf(0.975), "998": NormalDist().inv_cdf(0.999)}

# ------------------------------------------------------------------------------------------
# Funnel plots


def funnel(counts: pd.DataFrame, *, target: float | None = None) -> pd.DataFrame:
    """Funnel-plot limits for a share per unit (normal approximation to the binomial).

    Parameters
    ----------
    counts : pandas.DataFrame
        One row per unit: ``eenheid``, ``x`` (units with the property), ``n`` (units judged);
        other columns are kept. Rows with ``n == 0`` are dropped.
    target : float, optional
        Target share (0..1); default the pooled share ``sum(x) / sum(n)``.

    Returns
    -------
    pandas.DataFrame
        ``counts`` plus (in %) ``pct``, ``doel_pct``, ``grens95_laag``, ``grens95_hoog``,
        ``grens998_laag``, ``grens998_hoog`` (``doel ± z·sqrt(doel(1-doel)/n)``, z = 1.96 and
        3.09, clipped to 0..100) and ``beoordeling``: ``boven 99,8%-grens``, ``boven
        95%-grens``, ``binnen de grenzen``, ``onder 95%-grens`` or ``onder 99,8%-grens``.
    """
    c = counts[counts["n"] > 0].copy()
    p0 = c["x"].sum() / c["n"].sum() if target is None else target
    c["pct"] = 100 * c["x"] / c["n"]
    c["doel_pct"] = 100 * p0
    se = np.sqrt(p0 * (1 - p0) / c["n"].astype(float))
    for name, z in FUNNEL_Z.items():
        c[f"grens{name}_laag"] = (100 * (p0 - z * se)).clip(0, 100)
        c[f"grens{name}_hoog"] = (100 * (p0 + z * se)).clip(0, 100)
    c["beoordeling"] = np.select(
        [
            c["pct"] > c["grens998_hoog"],
            c["pct"] > c["grens95_hoog"],
            c["pct"] < c["grens998_laag"],
            c["pct"] < c["grens95_laag"],
        ],
        ["boven 99,8%-grens", "boven 95%-grens", "onder 99,8%-grens", "onder 95%-grens"],
        default="binnen de grenzen",
    )
    return c.reset_index(drop=True)


def funnel_lines(target_pct: float, n_max: float, *, points: int = 80) -> pd.DataFrame:
    """The funnel's limit lines from n = 1 to ``n_max`` (for drawing).

    Returns
    -------
    pandas.DataFrame
        ``n, doel_pct, grens95_laag, grens95_hoog, grens998_laag, grens998_hoog``.
    """
    n = np.unique(np.geomspace(1, max(n_max, 2), points))
    frame = pd.DataFrame({"eenheid": "", "x": target_pct / 100 * n, "n": n})
    return funnel(frame, target=target_pct / 100).drop(
        columns=["eenheid", "x", "pct", "beoordeling"]
    )


FUNNEL_INDICATORS = {
    "binnen_norm": "Gestart binnen de norm (% van wie startte)",
    "auto_305": "Start lijkt automatisch (% van de 305's)",
    "nooit_gestart": "Toewijzing nooit gestart (% van de toewijzingen)",
}
#: 1 when a high share is favourable, -1 when it is unfavourable
FUNNEL_DIRECTION = {"binnen_norm": 1, "auto_305": -1, "nooit_gestart": -1}
#: counts that flag an aanbieder whose waits say little (never "gunstig"), with the key of its
#: threshold (% of its 305s) under ``aanbiederspatronen`` in ``checks.yaml``; ``laat_305`` is
#: counted for this flag only and gets no funnel plot
FLAG_INDICATORS = {"auto_305": "auto_aandeel_pct", "laat_305": "laat_aandeel_pct"}


def funnel_counts(
    pathways: pd.DataFrame,
    auto305: pd.DataFrame,
    waits: pd.DataFrame,
    *,
    peildatum: pd.Timestamp | str,
    months: int = 12,
    norm_days: int = 70,
    mature_days: int = 91,
    late305: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Numerators and denominators of the funnel indicators per gemeente and per aanbieder.

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`.
    auto305 : pandas.DataFrame
        One row per 305 judged: ``aanbieder, gemeente, datum, afwijkend`` (see
        :func:`auto_305_records`).
    waits : pandas.DataFrame
        :func:`measured_waits`; ``binnen_norm`` counts its starts in the period.
    peildatum : pandas.Timestamp or str
        Reference date.
    months : int
        The period: this many complete months up to the peildatum.
    norm_days : int
        ``binnen_norm``: started at most this many days after the start of the wait.
    mature_days : int
        ``nooit_gestart``: toewijzingen (not withdrawn) from the period shifted back by this many
        days, so each had time to start; x = those without a 305.
    late305 : pandas.DataFrame, optional
        :func:`late_305_records`, the same columns as ``auto305``; adds ``laat_305`` (305s of
        the period that came late).

    Returns
    -------
    pandas.DataFrame
        ``indicator, niveau, eenheid, x, n``.
    """
    end = pd.Period(last_complete_month(peildatum), "M").end_time.normalize()
    start = (pd.Period(last_complete_month(peildatum), "M") - months + 1).start_time
    started = waits[waits["gestart"] & waits["einde"].between(start, end)]
    shift = pd.Timedelta(days=mature_days)
    toew = pathways[
        pathways["ToewijzingNummer"].notna()
        & pathways["eerste_toewijzingsdatum"].between(start - shift, end - shift)
        & ~pathways["ingetrokken"].fillna(False).astype(bool)
    ]
    auto = auto305[auto305["datum"].between(start, end)]
    parts = [
        ("binnen_norm", started, started["duur"] <= norm_days),
        ("auto_305", auto, auto["afwijkend"]),
        ("nooit_gestart", toew, toew["start_begindatum"].isna()),
    ]
    if late305 is not None:
        late = late305[late305["datum"].between(start, end)]
        parts.append(("laat_305", late, late["afwijkend"]))
    rows = []
    for indicator, frame, hit in parts:
        for level in ("gemeente", "aanbieder"):
            g = pd.DataFrame({"eenheid": frame[level].astype("string"), "x": hit.astype(int)})
            agg = g.groupby("eenheid")["x"].agg(x="sum", n="size").reset_index()
            rows.append(agg.assign(indicator=indicator, niveau=level))
    out = pd.concat(rows, ignore_index=True)
    return out[["indicator", "niveau", "eenheid", "x", "n"]]


def _judged(data: object, check_id: str, params: dict | None) -> pd.DataFrame | None:
    """The outcome of a start check on the scan's data (its ``checks.yaml`` parameters by default)."""
    from kit.checks import load_checks
    from kit.checks.starts import automatic_305, start_te_laat

    if params is None:
        params = next(c.parameters for c in load_checks() if c.id == check_id)
    run = {"start_automatisch": automatic_305, "start_te_laat": start_te_laat}[check_id]
    return run(data, params)


#: the columns of :func:`auto_305_records` and :func:`late_305_records`
START_RECORD_COLUMNS = ["aanbieder", "gemeente", "datum", "afwijkend"]


def auto_305_records(data: object, *, params: dict | None = None) -> pd.DataFrame:
    """Every 305 judged by the quick-scan check ``start_automatisch``, GI categories left out.

    Parameters
    ----------
    data : kit.checks.base.ScanData
        The scan's data.
    params : dict, optional
        The check's parameters; default those in the shipped ``checks.yaml``.

    Returns
    -------
    pandas.DataFrame
        ``aanbieder, gemeente, datum, afwijkend`` (datum = the 305 Dagtekening). Starts in the
        categories where an automatic start is real or the agreed practice
        (``verwacht_categorieen``: crisis and GI) are left out of numerator and denominator, as
        in :func:`kit.checks.patterns.provider_patterns`.
    """
    result = _judged(data, "start_automatisch", params)
    if result is None:
        return pd.DataFrame(columns=START_RECORD_COLUMNS)
    result = result[~result["verwacht"]]
    return result[START_RECORD_COLUMNS].reset_index(drop=True)


def late_305_records(data: object, *, params: dict | None = None) -> pd.DataFrame:
    """Every current 305 judged by the quick-scan check ``start_te_laat``.

    Parameters
    ----------
    data : kit.checks.base.ScanData
        The scan's data.
    params : dict, optional
        The check's parameters; default those in the shipped ``checks.yaml``.

    Returns
    -------
    pandas.DataFrame
        ``aanbieder, gemeente, datum, afwijkend`` (datum = the 305 Dagtekening; afwijkend =
        sent more than ``max_werkdagen`` working days after the start, or after the 301 of a
        retroactive toewijzing).
    """
    result = _judged(data, "start_te_laat", params)
    if result is None:
        return pd.DataFrame(columns=START_RECORD_COLUMNS)
    return result[START_RECORD_COLUMNS].reset_index(drop=True)
