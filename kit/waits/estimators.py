"""Estimators: every Kaplan–Meier and Aalen–Johansen computation of the kit.

Kaplan–Meier (:func:`estimate`: the median, its 95% confidence interval, P80/P90 and the
share within each norm, competing exits censored: "how long would a child wait if it kept
waiting") and Aalen–Johansen. lifelines is the reference; the estimators are written out here in
numpy, each for a stated reason, and tests compare each with lifelines:
:func:`fit_km` (lifelines' arithmetic, without its per-fit pandas frames: the summary needs
thousands of fits at national scale), :func:`aalen_johansen` (exact with ties and events on
day 0, where lifelines 0.30.3 jitters) and :func:`km_median` (vectorised over the many month x
unit groups of the trend series).

Privacy: no statistic is computed on fewer than ``min_n`` pathways and every step of a curve
rests on at least ``min_n`` events.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import NamedTuple

import numpy as np
import pandas as pd

from kit.waits.definitions import Norm, WaitDefinition
from kit.waits.measure import BREAKDOWNS, CENSORED, LEFT, OUTCOME_NAMES, STARTED, TOTAL, included

# ------------------------------------------------------------------------------------------
# Estimates


def norm_column(norm: Norm) -> str:
    """Column name of the share within a norm, e.g. ``pct_binnen_28d``."""
    return f"pct_binnen_{norm.days}d"


STAT_COLUMNS = [
    "mediaan_dagen",
    "mediaan_ci_laag",
    "mediaan_ci_hoog",
    "p80_dagen",
    "p90_dagen",
    "mediaan_afgerond_dagen",
    "pct_nul_dagen",
]


def summary_columns(norms: Sequence[Norm]) -> list[str]:
    """The columns of ``samenvatting.csv``, in order."""
    return [
        "definitie",
        "groep",
        "n",
        "n_gestart",
        "n_wachtend",
        "n_uitgevallen",
        "n_negatief_nul",
        *STAT_COLUMNS,
        *[norm_column(n) for n in norms],
    ]


CURVE_COLUMNS = ["dagen", "aandeel_wachtend", "ci_laag", "ci_hoog", "n_risico", "n_gestart"]


@dataclass(frozen=True)
class KMFit:
    """A Kaplan–Meier fit, one row per distinct follow-up or entry time (as lifelines keeps it).

    ``survival`` is the product-limit estimate, ``lower``/``upper`` its 95% exponential
    Greenwood band, ``observed`` the starts and ``at_risk`` the risk set at each time.
    """

    times: np.ndarray
    observed: np.ndarray
    at_risk: np.ndarray
    survival: np.ndarray
    lower: np.ndarray
    upper: np.ndarray

    def value_at(self, curve: np.ndarray, times: Sequence[float]) -> np.ndarray:
        """Value of the step function ``curve`` at ``times`` (1 before its first time)."""
        idx = np.searchsorted(self.times, np.asarray(times, float), "right")
        return np.where(idx > 0, curve[np.maximum(idx - 1, 0)], 1.0)

    def time_at(self, q: float, curve: np.ndarray) -> float:
        """First time ``curve`` is at or below ``q``; ``inf`` when it stays above.

        The same search as ``lifelines.utils.qth_survival_time`` (also on the band, which
        need not be monotone).
        """
        if curve[-1] > q:
            return np.inf
        return float(self.times[np.searchsorted(-curve, -q)])


def _cumsum_skipna(steps: np.ndarray) -> np.ndarray:
    """Cumulative sum that steps over NaN (pandas ``cumsum`` then ``ffill``, as lifelines does)."""
    missing = np.isnan(steps)
    total = np.cumsum(np.where(missing, 0.0, steps))
    total[: int(np.argmax(~missing)) if (~missing).any() else len(steps)] = np.nan
    return total


def fit_km(
    durations: np.ndarray, started: np.ndarray, entry: np.ndarray | None = None
) -> KMFit | None:
    """Kaplan–Meier with late entry, the arithmetic of ``lifelines.KaplanMeierFitter``.

    One lifelines fit builds several pandas frames; the waiting-time summary needs thousands
    of fits (every definition x breakdown group: 2,944 at a million messages, 78 of the
    141 s of ``wachttijden`` there under cProfile). This is the same computation in numpy:
    ``tests/test_waits_estimators.py`` compares every column with lifelines on random groups
    with ties, day-0 events, censoring and late entry.

    Parameters
    ----------
    durations : numpy.ndarray
        Follow-up per subject (not negative).
    started : numpy.ndarray of bool
        True for an event (a start), False for censored.
    entry : numpy.ndarray, optional
        Time at which a subject enters the risk set (only after it, as in lifelines).

    Returns
    -------
    KMFit or None
        None when left truncation empties the risk set in the first half of the times
        (lifelines raises ``StatError`` there).
    """
    t = np.asarray(durations, dtype=float)
    born = np.zeros_like(t) if entry is None else np.asarray(entry, dtype=float)
    if not (np.isfinite(t).all() and np.isfinite(born).all()):  # lifelines refuses these too
        raise ValueError("missing or infinite follow-up or entry time")
    if (born > t).any():
        raise ValueError("entry after the end of follow-up")
    times, where = np.unique(np.concatenate([t, born]), return_inverse=True)
    k, n = len(times), len(t)
    removed = np.bincount(where[:n], minlength=k)
    observed = np.bincount(where[:n], weights=np.asarray(started, bool), minlength=k)
    observed = observed.astype(np.int64)
    entrance = np.bincount(where[n:], minlength=k)
    at_risk = np.cumsum(entrance) - np.concatenate([[0], np.cumsum(removed)[:-1]])
    # the risk set falls to 0 before the last time only through late entry
    net = np.cumsum(entrance - removed)[: k // 2]
    if len(net) and net.min() == 0:
        return None
    # the deaths leave before the entrants of the same time come in, except at the first
    population = (at_risk - np.concatenate([[0], entrance[1:]])).astype(float)
    log_step, var_step = _km_steps(population, observed)
    survival = np.exp(_cumsum_skipna(log_step))
    with np.errstate(divide="ignore"):  # S = 0 after the last start
        log_s = np.log(survival)
    lower, upper = _greenwood_band(log_s, _cumsum_skipna(var_step))
    return KMFit(times, observed, at_risk, survival, lower, upper)


def _km_steps(at_risk: np.ndarray, events: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per time ``log(1 - d/n)`` and the Greenwood term ``d / (n (n - d))`` (0 where n = d)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_step = np.log(at_risk - events) - np.log(at_risk)
        var_step = events / (at_risk * (at_risk - events))
    var_step[np.isinf(var_step)] = 0.0
    return log_step, var_step


def _greenwood_band(
    log_s: np.ndarray, variance: np.ndarray, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """The exponential Greenwood band of lifelines around ``exp(log_s)``; 1 where undefined."""
    z = NormalDist().inv_cdf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = z * np.sqrt(variance) / log_s
        lower = np.exp(-np.exp(np.log(-log_s) - spread))  # log_s < 0, so this curve lies lower
        upper = np.exp(-np.exp(np.log(-log_s) + spread))
    return np.nan_to_num(lower, nan=1.0), np.nan_to_num(upper, nan=1.0)


class _Waits(NamedTuple):
    """The columns of measured waits that the estimates use, as arrays."""

    event: np.ndarray
    days: np.ndarray
    entry: np.ndarray
    negative: np.ndarray

    @classmethod
    def of(cls, waits: pd.DataFrame) -> _Waits:
        negative = waits["negatief"] if "negatief" in waits else pd.Series(False, waits.index)
        return cls(
            waits["event"].to_numpy(dtype=int),
            waits["dagen"].to_numpy(dtype=float),
            waits["entry"].to_numpy(dtype=float),
            negative.astype(bool).to_numpy(),
        )

    def take(self, positions: np.ndarray) -> _Waits:
        return _Waits(*(column[positions] for column in self))


def _fit_km(waits: _Waits) -> KMFit | None:
    """The KM fit of a group, or None when left truncation empties the risk set early."""
    entry = waits.entry
    # lifelines puts a late entrant in the risk set only after its entry time; the data include
    # the day it enters (the data begin that day, an event then is seen), as in aalen_johansen
    return fit_km(
        waits.days,
        waits.event == STARTED,
        np.where(entry > 0, entry - 0.5, 0.0) if entry.any() else None,
    )


def _aggregate_steps(
    events: np.ndarray, at_risk: np.ndarray, min_n: int, *, start: int
) -> list[int]:
    """Positions (event times) that close a step of a published curve.

    A step closes when, since the previous one, at least ``min_n`` events occurred, at least
    ``min_n`` pathways are at risk, and the other changes of the risk set in between (censored,
    other exits minus late entries), which a reader can nearly recompute from the published
    ``n_risico`` and event counts, are none or at least ``min_n``. ``start`` is the
    ``n_risico`` published at the origin.
    """
    keep, pending, risk, events_then = [], 0, start, 0
    for i in np.flatnonzero(events):
        pending += events[i]
        # at_risk counts a time's own events; remove those of both ends to get the other changes
        other = risk - at_risk[i] - pending + events[i] - events_then
        if pending >= min_n and at_risk[i] >= min_n and (other == 0 or abs(other) >= min_n):
            keep.append(int(i))
            pending, risk, events_then = 0, at_risk[i], events[i]
    return keep


def km_curve_points(fit: KMFit, n: int, *, min_n: int) -> dict[str, np.ndarray]:
    """Kaplan–Meier points aggregated so that no step rests on fewer than ``min_n`` starts.

    Consecutive event times are pooled until they hold at least ``min_n`` starts, at least
    ``min_n`` pathways are at risk and the other exits between two points are none or at least
    ``min_n`` (see :func:`_aggregate_steps`); the point shows the exact KM value (and 95%
    interval) at the last pooled time. The tail where this cannot be met is not shown.

    Parameters
    ----------
    fit : KMFit
        A fit of :func:`fit_km`.
    n : int
        Pathways in the group (the ``n_risico`` of the origin point).
    min_n : int
        Smallest number of starts per step and of pathways at risk.

    Returns
    -------
    dict of str to numpy.ndarray
        :data:`CURVE_COLUMNS`, starting with the origin ``(0, 1.0)``; shares rounded to 4
        decimals.
    """
    observed, at_risk = fit.observed, fit.at_risk
    keep = _aggregate_steps(observed, at_risk, min_n, start=n)
    at = fit.times[keep]
    cum = np.cumsum(observed)[keep]
    return {
        "dagen": np.concatenate([[0], at]).astype(int),
        "aandeel_wachtend": np.concatenate([[1.0], fit.value_at(fit.survival, at)]).round(4),
        "ci_laag": np.concatenate([[1.0], fit.value_at(fit.lower, at)]).round(4),
        "ci_hoog": np.concatenate([[1.0], fit.value_at(fit.upper, at)]).round(4),
        "n_risico": np.concatenate([[n], at_risk[keep]]).astype(int),
        "n_gestart": np.concatenate([[0], np.diff(np.concatenate([[0], cum]))]).astype(int),
    }


def estimate(
    waits: pd.DataFrame, *, norms: Sequence[Norm] = (), min_n: int = 10, curve: bool = True
) -> tuple[dict, pd.DataFrame]:
    """Counts, Kaplan–Meier estimates and naive figures for one group of pathways.

    Kaplan–Meier treats competing exits as censored: the median answers "how long would a
    child wait if it kept waiting". The completed-only median and the share of 0-day waits
    are the naive figures, over started pathways only.

    Parameters
    ----------
    waits : pandas.DataFrame
        Rows of :func:`measure_waits` that count (see :func:`included`).
    norms : sequence of Norm
        Shares within each norm are given as ``pct_binnen_<days>d``; empty for process times.
    min_n : int
        No median, percentile or share on fewer pathways; a share within a norm or the share
        of 0-day waits is also left empty when it rests on fewer than ``min_n`` (but some) starts.
    curve : bool
        Also return the aggregated KM curve.

    Returns
    -------
    dict
        The statistic columns of :func:`summary_columns` (without ``definitie``/``groep``).
        Medians and percentiles are ``inf`` when the curve does not get that low (more than
        half still waiting), NaN when withheld.
    pandas.DataFrame
        The aggregated KM curve (:func:`km_curve_points`); empty when withheld or not asked.
    """
    row, points = _estimate(_Waits.of(waits), norms=norms, min_n=min_n, curve=curve)
    return row, pd.DataFrame(points if points else None, columns=CURVE_COLUMNS)


def _estimate(
    waits: _Waits, *, norms: Sequence[Norm], min_n: int, curve: bool
) -> tuple[dict, dict[str, np.ndarray] | None]:
    """:func:`estimate` on arrays; the curve as :func:`km_curve_points` or None."""
    event, n = waits.event, len(waits.event)
    completed = waits.days[event == STARTED]
    n_started = len(completed)
    row = {
        "n": n,
        "n_gestart": n_started,
        "n_wachtend": int((event == CENSORED).sum()),
        "n_uitgevallen": int((event == LEFT).sum()),
        "n_negatief_nul": int(waits.negative.sum()),
        **dict.fromkeys(STAT_COLUMNS, np.nan),
        **{norm_column(nm): np.nan for nm in norms},
    }
    empty = None
    if n_started >= min_n:
        row["mediaan_afgerond_dagen"] = float(np.median(completed))
        n_zero = int((completed == 0).sum())
        # neither the 0-day starts nor the others may be a small group (99% of 300 gives 3)
        if not (0 < n_zero < min_n or 0 < n_started - n_zero < min_n):
            row["pct_nul_dagen"] = round(100 * n_zero / n_started, 1)
    if n < min_n or n_started == 0:
        return row, empty
    fit = _fit_km(waits)
    if fit is None:
        return row, empty
    # the interval: lifelines.utils.median_survival_times of the band, per bound
    row.update(
        mediaan_dagen=fit.time_at(0.5, fit.survival),
        mediaan_ci_laag=fit.time_at(0.5, fit.lower),
        mediaan_ci_hoog=fit.time_at(0.5, fit.upper),
        p80_dagen=fit.time_at(0.2, fit.survival),
        p90_dagen=fit.time_at(0.1, fit.survival),
    )
    if norms:
        share = 1 - fit.value_at(fit.survival, [nm.days for nm in norms])
        for nm, value in zip(norms, share, strict=True):
            n_within = int((completed <= nm.days).sum())
            if not (0 < n_within < min_n or 0 < n - n_within < min_n):
                row[norm_column(nm)] = round(100 * float(value), 1)
    return row, km_curve_points(fit, n, min_n=min_n) if curve else empty


def aalen_johansen(
    durations: Sequence[float] | np.ndarray,
    events: Sequence[int] | np.ndarray,
    *,
    entry: Sequence[float] | np.ndarray | None = None,
    causes: Sequence[int] = (STARTED, LEFT),
) -> pd.DataFrame:
    """Aalen–Johansen cumulative incidence per cause, exact with ties and events at time 0.

    At each distinct time t: ``n(t)`` at risk (entered on or before t, duration at least t),
    ``d_k(t)`` events of cause k and ``d(t)`` events of any cause; ``S(t-)`` is the product of
    ``1 - d(s)/n(s)`` over earlier times (the Kaplan–Meier estimate of no event of any cause)
    and ``CIF_k(t) = sum over s <= t of S(s-) d_k(s)/n(s)``. Ties between causes need no
    jitter, and events at time 0 count (lifelines 0.30.3 sets the first row to 0 and jitters).

    Parameters
    ----------
    durations : array-like of float
        Time from the start event to the outcome or censoring (not negative).
    events : array-like of int
        0 censored, otherwise the cause.
    entry : array-like of float, optional
        Late entry (left truncation): time at which a subject enters the risk set.
    causes : sequence of int
        Causes to report.

    Returns
    -------
    pandas.DataFrame
        Indexed by every distinct duration (``dagen``): ``at_risk``, ``observed`` (all
        causes), ``censored``, and per cause k ``observed_<k>`` and ``cif_<k>``.
    """
    t = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=int)
    times, idx = np.unique(t, return_inverse=True)
    removed = np.bincount(idx, minlength=len(times))
    at_risk = len(t) - np.concatenate([[0], np.cumsum(removed)[:-1]])
    if entry is not None:
        late = np.sort(np.asarray(entry, dtype=float))
        at_risk = at_risk - (len(late) - np.searchsorted(late, times, side="right"))
    observed = np.bincount(idx, weights=(e != 0), minlength=len(times))
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(at_risk > 0, observed / at_risk, 0.0)
    before = np.concatenate([[1.0], np.cumprod(1.0 - hazard)[:-1]])  # S(t-)
    table = pd.DataFrame(
        {
            "at_risk": at_risk.astype(int),
            "observed": observed.astype(int),
            "censored": (removed - observed).astype(int),
        },
        index=pd.Index(times, name="dagen"),
    )
    for k in causes:
        d_k = np.bincount(idx, weights=(e == k), minlength=len(times))
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(at_risk > 0, before * d_k / at_risk, 0.0)
        table[f"observed_{k}"] = d_k.astype(int)
        table[f"cif_{k}"] = np.cumsum(step)
    return table


def cumulative_incidence(waits: pd.DataFrame, *, min_n: int = 10) -> pd.DataFrame:
    """Aalen–Johansen cumulative incidence of "started" and "left without care".

    Computed by :func:`aalen_johansen` (exact with ties and with starts on day 0). Points are
    aggregated like :func:`km_curve_points`: each rests on at least ``min_n`` events of that
    kind.

    Parameters
    ----------
    waits : pandas.DataFrame
        Rows of :func:`measure_waits` that count.
    min_n : int
        Smallest number of events per step (and pathways per group).

    Returns
    -------
    pandas.DataFrame
        ``uitkomst, dagen, cumulatieve_incidentie, n_risico, n_gebeurtenissen``; empty when the
        group is smaller than ``min_n``.
    """
    columns = ["uitkomst", "dagen", "cumulatieve_incidentie", "n_risico", "n_gebeurtenissen"]
    if len(waits) < min_n:
        return pd.DataFrame(columns=columns)
    event = waits["event"].to_numpy(dtype=int)
    entry = waits["entry"].to_numpy(dtype=float)
    table = aalen_johansen(
        waits["dagen"].to_numpy(dtype=float), event, entry=entry if entry.any() else None
    )
    times = table.index.to_numpy(dtype=float)
    at_risk = table["at_risk"].to_numpy()
    parts = []
    for outcome in (STARTED, LEFT):
        own = table[f"observed_{outcome}"].to_numpy()
        if not own.any():
            continue
        keep = _aggregate_steps(own, at_risk, min_n, start=len(waits))
        cum = np.cumsum(own)
        cif = table[f"cif_{outcome}"].to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "uitkomst": OUTCOME_NAMES[outcome],
                    "dagen": np.concatenate([[0], times[keep]]).astype(int),
                    "cumulatieve_incidentie": np.concatenate([[0.0], cif[keep]]).round(4),
                    "n_risico": np.concatenate([[len(waits)], at_risk[keep]]),
                    "n_gebeurtenissen": np.concatenate(
                        [[0], np.diff(np.concatenate([[0], cum[keep]]))]
                    ),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def _group_positions(
    waits: pd.DataFrame, by: Sequence[str]
) -> Iterable[tuple[str, np.ndarray | None]]:
    """``totaal`` (positions None: all rows), then per breakdown value its row positions."""
    yield TOTAL, None
    for col in by:
        codes, values = pd.factorize(waits[col].astype("string").fillna("onbekend"), sort=True)
        if not len(values):
            continue
        order = np.argsort(codes, kind="stable")
        ends = np.cumsum(np.bincount(codes, minlength=len(values)))
        for value, positions in zip(values, np.split(order, ends[:-1]), strict=True):
            yield f"{col}={value}", positions


def _groups(waits: pd.DataFrame, by: Sequence[str]) -> Iterable[tuple[str, pd.DataFrame]]:
    """:func:`_group_positions` as frames."""
    for label, positions in _group_positions(waits, by):
        yield label, waits if positions is None else waits.iloc[positions]


def summarise(
    measured: pd.DataFrame,
    definition: WaitDefinition,
    *,
    norms: Sequence[Norm],
    min_n: int = 10,
    by: Sequence[str] = BREAKDOWNS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Estimates for the whole cohort and per breakdown group, one row per group.

    Parameters
    ----------
    measured : pandas.DataFrame
        Output of :func:`measure_waits` for ``definition``.
    definition : WaitDefinition
        Its definition (norm shares only for waiting times).
    norms : sequence of Norm
    min_n : int
        See :func:`estimate`.
    by : sequence of str
        Breakdown columns; groups are labelled ``<column>=<value>``.

    Returns
    -------
    pandas.DataFrame
        :func:`summary_columns`; row ``totaal`` always (also for an empty cohort), then one per
        non-empty group.
    pandas.DataFrame
        KM curve points with ``definitie, groep`` + :data:`CURVE_COLUMNS`.
    """
    rows, labels, curves = [], [], []
    use_norms = norms if definition.is_wait else ()
    counted = included(measured)
    arrays = _Waits.of(counted)
    for label, positions in _group_positions(counted, by):
        group = arrays if positions is None else arrays.take(positions)
        row, points = _estimate(group, norms=use_norms, min_n=min_n, curve=True)
        rows.append({"definitie": definition.id, "groep": label, **row})
        if points:
            labels.append(label)
            curves.append(points)
    table = pd.DataFrame(rows).reindex(columns=summary_columns(norms))
    curve_cols = ["definitie", "groep", *CURVE_COLUMNS]
    if not curves:
        return table, pd.DataFrame(columns=curve_cols)
    sizes = [len(points["dagen"]) for points in curves]
    curve = pd.DataFrame(
        {
            "definitie": definition.id,
            "groep": np.repeat(np.array(labels, dtype=object), sizes),
            **{col: np.concatenate([points[col] for points in curves]) for col in CURVE_COLUMNS},
        }
    )
    return table, curve


# ------------------------------------------------------------------------------------------
# Kaplan-Meier medians, vectorised over groups


def km_median(
    frame: pd.DataFrame,
    by: list[str],
    *,
    duration: str = "duur",
    event: str = "gestart",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Kaplan-Meier median per group, with the confidence interval lifelines reports.

    Same arithmetic as ``lifelines.KaplanMeierFitter`` (product-limit estimate, exponential
    Greenwood bounds) and ``lifelines.utils.median_survival_times`` on those bounds, but for
    all groups at once. The trend series need one median per month x unit: on the 20,000-child
    benchmark region (``bench/trends.py``, 1,279 groups) one lifelines fit per group took 6.2 s,
    this 0.03 s, with identical medians and bounds. ``tests/test_waits_km_median.py`` checks it
    against lifelines (random frames and hand-built ties and censoring).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per subject with the ``by`` columns, ``duration`` (non-negative numbers) and
        ``event`` (bool; False = censored).
    by : list of str
        Group columns.
    duration, event : str
        Column names.
    alpha : float
        1 - confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``n`` (subjects), ``n_gestart`` (events),
        ``mediaan``, ``ci_laag``, ``ci_hoog``, ``max_duur`` (longest follow-up). A median or
        bound that the curve does not reach is ``inf``.
    """
    if frame.empty:
        # typed, so that rounding and comparisons downstream work on an empty cohort too
        empty = {
            col: frame[col].iloc[:0] if col in frame else pd.Series(dtype=object) for col in by
        }
        counts = {col: pd.Series(dtype="int64") for col in ("n", "n_gestart")}
        stats = {
            col: pd.Series(dtype=float) for col in ("mediaan", "ci_laag", "ci_hoog", "max_duur")
        }
        return pd.DataFrame({**empty, **counts, **stats})
    ev = frame[event].astype(bool).astype(int)
    table = (
        frame.assign(_e=ev)
        .groupby([*by, duration], sort=True, observed=True)["_e"]
        .agg(d="sum", c="size")
        .reset_index()
    )
    grouped = table.groupby(by, sort=False, observed=True)
    n_at_risk = grouped["c"].transform("sum") - (grouped["c"].cumsum() - table["c"])
    table["log_s"], table["var"] = _km_steps(n_at_risk.to_numpy(float), table["d"].to_numpy(float))
    cum = table.groupby(by, sort=False, observed=True)[["log_s", "var"]].cumsum()
    v = cum["log_s"].to_numpy()
    table["s"] = np.exp(v)
    table["laag"], table["hoog"] = _greenwood_band(v, cum["var"].to_numpy(), alpha)
    summary = grouped.agg(n=("c", "sum"), n_gestart=("d", "sum"), max_duur=(duration, "max"))
    for col, curve in (("mediaan", "s"), ("ci_laag", "laag"), ("ci_hoog", "hoog")):
        crossed = table[table[curve] <= 0.5].groupby(by, sort=False, observed=True)[duration]
        summary[col] = crossed.first().reindex(summary.index).astype(float).fillna(np.inf)
    return summary.reset_index()[
        [*by, "n", "n_gestart", "mediaan", "ci_laag", "ci_hoog", "max_duur"]
    ]
