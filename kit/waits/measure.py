"""Measuring: one duration and outcome per pathway, and why a pathway does not count.

:func:`measure_waits` turns the pathways into one duration per pathway with an outcome
(1 started, 0 still waiting at the peildatum = censored, 2 left without care) and says for every
pathway left out why. :func:`waiting_spells` is the waiting list of a definition over time
(when a toewijzing joined and left the list), used by :mod:`kit.trends`.

Privacy: these frames are person-level (pseudonyms); they never leave the session.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from kit.waits.definitions import (
    NEGATIVE_ZERO,
    Condition,
    Definitions,
    Exit,
    Filter,
    WaitDefinition,
)

BREAKDOWNS = ("categorie", "aanbieder", "gemeente")
TOTAL = "totaal"
STARTED, CENSORED, LEFT = 1, 0, 2
KEEP_COLUMNS = ["pathway_id", "client_id", "categorie", "aanbieder", "gemeente", "geboortemaand"]

# reasons a pathway does not count, in the order they are checked
OUT_FILTER = "buiten filter"
OUT_NO_START = "geen startgebeurtenis"
OUT_START_AFTER = "start na peildatum"
OUT_PROVISIONAL = "start na laatste complete berichtmaand"
OUT_WINDOW = "start buiten cohortvenster"
OUT_FLAGGED = "gemarkeerd door quick scan"
OUT_STOP_MISSING = "stopgebeurtenis ontbreekt (later proces wel gezien)"
OUT_NEGATIVE = "negatieve duur"
OUT_BEFORE_DATA = "afgerond voor begin van de data"
OUT_REASONS = (
    OUT_FILTER,
    OUT_NO_START,
    OUT_START_AFTER,
    OUT_PROVISIONAL,
    OUT_WINDOW,
    OUT_FLAGGED,
    OUT_STOP_MISSING,
    OUT_NEGATIVE,
    OUT_BEFORE_DATA,
)
NEGATIVE_AS_ZERO = "start vóór de startgebeurtenis, geteld als 0 dagen"
OUTCOME_NAMES = {
    STARTED: "gestart",
    CENSORED: "loopt nog (gecensureerd)",
    LEFT: "zonder zorg uitgevallen",
}

# ------------------------------------------------------------------------------------------
# Measuring: one duration and outcome per pathway


def eighteenth_birthday(geboortemaand: pd.Series) -> pd.Series:
    """First day of the month after the birth month, 18 years on: the child is surely 18 then.

    Parameters
    ----------
    geboortemaand : pandas.Series of str
        ``YYYY-MM``; anything else gives NaT.

    Returns
    -------
    pandas.Series of datetime64
    """
    born = pd.to_datetime(geboortemaand, format="%Y-%m", errors="coerce")
    months = born.dt.year * 12 + born.dt.month - 1 + 18 * 12 + 1
    return pd.to_datetime(
        pd.DataFrame({"year": months // 12, "month": months % 12 + 1, "day": 1}), errors="coerce"
    )


def _dates(pathways: pd.DataFrame, column: str) -> pd.Series:
    if column == "achttien_jaar":
        return eighteenth_birthday(pathways["geboortemaand"])
    values = pathways[column]
    return values if pd.api.types.is_datetime64_dtype(values) else pd.to_datetime(values)


def _holds(pathways: pd.DataFrame, condition: Condition | None) -> pd.Series:
    if condition is None:
        return pd.Series(True, index=pathways.index)
    values = pathways[condition.column]
    if condition.values is not None:
        return values.astype("string").isin(condition.values).fillna(False).astype(bool)
    return values.astype("boolean").fillna(False).eq(condition.flag).astype(bool)


def passes_filters(pathways: pd.DataFrame, filters: Sequence[Filter]) -> pd.Series:
    """True where a pathway passes every filter of a definition (boolean, pathways' index)."""
    keep = pd.Series(True, index=pathways.index)
    for f in filters:
        isin = pathways[f.column].astype("string").isin(f.values).fillna(False).astype(bool)
        keep &= isin if f.keep else ~isin
    return keep


def _needed_columns(definition: WaitDefinition) -> set[str]:
    cols = {definition.start.column, definition.stop.column, *definition.stop_missing_if}
    cols |= {f.column for f in definition.filters}
    for x in definition.exits:
        if x.silent_days is not None:
            cols |= set(x.silent_after)
        else:
            cols.add("geboortemaand" if x.date == "achttien_jaar" else x.date)
        if x.condition:
            cols.add(x.condition.column)
    return cols | set(KEEP_COLUMNS)


def first_exit(
    pathways: pd.DataFrame, definition: WaitDefinition, start: pd.Series, peil: pd.Timestamp
) -> tuple[pd.Series, pd.Series]:
    """Earliest competing exit on or before the peildatum (ties: the first in the list)."""
    when = pd.Series(pd.NaT, index=pathways.index, dtype="datetime64[ns]")
    why = pd.Series(pd.NA, index=pathways.index, dtype="string")
    for x in definition.exits:
        d = _exit_dates(pathways, x, peil).where(_holds(pathways, x.condition))
        d = d.where(d <= peil)
        early = d < start
        d = d.mask(early, start) if x.before_start == "start" else d.mask(early)
        earlier = d.notna() & (when.isna() | (d < when))
        when = when.mask(earlier, d)
        why = why.mask(earlier, x.id)
    return when, why


def silent_exit_dates(
    pathways: pd.DataFrame, after: Sequence[str], days: int, peil: pd.Timestamp
) -> pd.Series:
    """When a pathway falls silent: ``days`` after the latest of the ``after`` dates.

    Only dates on or before the peildatum count (a later message is not known yet). A pathway
    with none of the dates gets no date.
    """
    known = pd.concat([_dates(pathways, c).where(lambda d: d <= peil) for c in after], axis=1).max(
        axis=1
    )
    return known + pd.Timedelta(days=days)


def _exit_dates(pathways: pd.DataFrame, x: Exit, peil: pd.Timestamp) -> pd.Series:
    if x.silent_days is not None:
        return silent_exit_dates(pathways, x.silent_after, x.silent_days, peil)
    return _dates(pathways, x.date)


def without_silent_exits(definitions: Definitions) -> Definitions:
    """The same definitions without their silent exits ("vermoedelijk vervallen" off)."""
    return replace(
        definitions,
        definitions=tuple(
            replace(d, exits=tuple(x for x in d.exits if x.silent_days is None))
            for d in definitions.definitions
        ),
    )


def measure_waits(
    pathways: pd.DataFrame,
    definition: WaitDefinition,
    *,
    peildatum: str | pd.Timestamp,
    van: str | pd.Timestamp | None = None,
    tot: str | pd.Timestamp | None = None,
    data_begin: str | pd.Timestamp | None = None,
    exclude: Iterable[str] = (),
    complete_until: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Measure one definition on every pathway: duration, outcome, and why a pathway is out.

    The outcome is decided by the first of the stop event and the competing exits on or before
    the peildatum (the stop event wins a tie); a pathway with neither is censored at the
    peildatum. Dates after the peildatum count as not (yet) known.

    Parameters
    ----------
    pathways : pandas.DataFrame
        One row per pathway, as returned by :func:`kit.pathways.build_pathways`.
    definition : WaitDefinition
        One entry of :func:`load_definitions`.
    peildatum : str or pandas.Timestamp
        Reference date. Pathways still waiting on this date are censored.
    van, tot : str or pandas.Timestamp, optional
        Cohort window: only pathways whose start event lies in ``[van, tot]`` count. Default: no
        lower bound, ``tot`` = peildatum.
    data_begin : str or pandas.Timestamp, optional
        First day of the data. A pathway whose start event lies before it was only seen because
        it was still open then: it enters the risk set late (``entry`` = days from start to
        ``data_begin``, left truncation); one whose outcome fell before it is left out.
    exclude : iterable of str
        ``pathway_id``s to leave out (records flagged by the quick scan, for the sensitivity).
    complete_until : str or pandas.Timestamp, optional
        Last day on which the stop event's messages are complete (``voorlopig_door``, see
        :func:`complete_until`). Before the peildatum it acts as the peildatum for the outcome
        (later stops and exits are not known yet, who still waits is censored on it) and a
        start event after it leaves the pathway out (:data:`OUT_PROVISIONAL`).

    Returns
    -------
    pandas.DataFrame
        One row per pathway: ``pathway_id, client_id, categorie, aanbieder, gemeente,
        geboortemaand, start, einde, dagen, entry, event, uitval, uit, negatief``. ``event`` is
        1 started,
        0 censored at the peildatum, 2 left without care (``uitval`` = the exit id); ``einde`` is
        the date of that outcome; ``uit`` is empty for pathways that count and otherwise the
        first reason in :data:`OUT_REASONS`. ``dagen``/``event`` are filled wherever a start
        event on or before the peildatum exists, also for pathways out of the cohort window.
        ``negatief`` marks a stop before the start event: with ``negatieve_duur: nul`` such a
        pathway counts with 0 days (``einde`` = ``start``), otherwise it is out.
        ``wacht_op_peildatum``: still waiting at the peildatum and out for no reason but the
        cohort window (the snapshot, the same for every window).

    Raises
    ------
    KeyError
        If ``pathways`` lacks a column the definition names.
    ValueError
        If the cohort window ends after the peildatum or starts after it ends.
    """
    missing = sorted(_needed_columns(definition) - set(pathways.columns))
    if missing:
        raise KeyError(f"definitie {definition.id}: trajecten missen kolom(men) {missing}")
    peil = pd.Timestamp(peildatum)
    lo = pd.Timestamp(van) if van is not None else pd.Timestamp.min
    hi = pd.Timestamp(tot) if tot is not None else peil
    if hi > peil or lo > hi:
        raise ValueError("het cohortvenster moet vóór of op de peildatum eindigen (van ≤ tot)")
    raw_start = _dates(pathways, definition.start.column)
    known = raw_start.notna() & (raw_start <= peil)
    start = raw_start.where(known)
    until = peil if complete_until is None else min(peil, pd.Timestamp(complete_until))
    provisional = (start > until).fillna(False)
    end, event, exit_id = _outcome(pathways, definition, start.mask(provisional), until)
    days = (end - start).dt.days.astype("Int64")
    negative = (days < 0).fillna(False).astype(bool)
    if definition.negative == NEGATIVE_ZERO:  # the stop came first: it happened on day 0
        days = days.mask(negative, 0)
        end = end.mask(negative, start)
    entry = pd.Series(0, index=pathways.index, dtype="Int64")
    if data_begin is not None:
        entry = (pd.Timestamp(data_begin) - start).dt.days.clip(lower=0).fillna(0).astype("Int64")
    evidence = pd.Series(False, index=pathways.index)
    for col in definition.stop_missing_if:
        evidence |= (_dates(pathways, col) <= peil).fillna(False)
    checks = [
        (OUT_FILTER, ~passes_filters(pathways, definition.filters)),
        (OUT_NO_START, raw_start.isna()),
        (OUT_START_AFTER, ~known),
        (OUT_PROVISIONAL, provisional),
        (OUT_WINDOW, (start < lo) | (start > hi)),
        (OUT_FLAGGED, pathways["pathway_id"].isin(list(exclude))),
        (OUT_STOP_MISSING, _dates(pathways, definition.stop.column).isna() & evidence),
        (OUT_NEGATIVE, (days < 0).fillna(False)),
        (OUT_BEFORE_DATA, ((entry > 0) & (days < entry) & (event != CENSORED)).fillna(False)),
    ]
    out = pd.Series(pd.NA, index=pathways.index, dtype="string")
    for reason, mask in checks:
        out = out.mask(out.isna() & mask.astype(bool), reason)
    # who waits at the peildatum does not depend on the cohort: every reason but the window
    counts_now = pd.Series(True, index=pathways.index)
    for reason, mask in checks:
        if reason != OUT_WINDOW:
            counts_now &= ~mask.astype(bool)
    result = pathways[KEEP_COLUMNS].copy()
    result["start"] = start
    result["einde"] = end
    result["dagen"] = days
    result["entry"] = entry.where(known)
    result["event"] = event.where(known & ~provisional).astype("Int64")
    result["uitval"] = exit_id.where(event == LEFT)
    result["uit"] = out
    result["negatief"] = negative
    result["wacht_op_peildatum"] = (counts_now & known & (event == CENSORED)).astype(bool)
    return result.reset_index(drop=True)


def _outcome(
    pathways: pd.DataFrame, definition: WaitDefinition, start: pd.Series, peil: pd.Timestamp
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Date, outcome (1/0/2) and exit id: the first of stop and exits, else the peildatum."""
    stop = _dates(pathways, definition.stop.column)
    stop = stop.where(stop <= peil)
    exit_date, exit_id = first_exit(pathways, definition, start, peil)
    known = start.notna()
    started = stop.notna() & (exit_date.isna() | (stop <= exit_date)) & known
    left = exit_date.notna() & ~started & known
    end = stop.where(started, exit_date.where(left, peil)).where(known)
    event = pd.Series(np.select([started, left], [STARTED, LEFT], CENSORED), index=pathways.index)
    return end, event, exit_id


def included(measured: pd.DataFrame) -> pd.DataFrame:
    """The pathways that count (``uit`` empty) of a :func:`measure_waits` result."""
    return measured[measured["uit"].isna()]


def reconcile(measured: pd.DataFrame) -> pd.DataFrame:
    """How many pathways are in, out (and why), and the outcome of those in.

    Parameters
    ----------
    measured : pandas.DataFrame
        Output of :func:`measure_waits`.

    Returns
    -------
    pandas.DataFrame
        ``stap, reden, n``: one row ``trajecten / in het model``, one per out reason (also
        when zero), ``telt mee / totaal``, and per outcome (``gestart``, ``wacht nog``, and
        ``uitgevallen: <exit id>`` per exit seen), then ``waarvan`` / :data:`NEGATIVE_AS_ZERO`:
        the pathways that count whose stop came before the start event (``negatieve_duur:
        nul``).
    """
    rows = [("trajecten", "in het model", len(measured))]
    counts = measured["uit"].value_counts()
    rows += [("uit", reason, int(counts.get(reason, 0))) for reason in OUT_REASONS]
    inn = included(measured)
    rows.append(("telt mee", TOTAL, len(inn)))
    rows.append(("uitkomst", OUTCOME_NAMES[STARTED], int((inn["event"] == STARTED).sum())))
    rows.append(("uitkomst", OUTCOME_NAMES[CENSORED], int((inn["event"] == CENSORED).sum())))
    for exit_id, n in inn.loc[inn["event"] == LEFT, "uitval"].value_counts().sort_index().items():
        rows.append(("uitkomst", f"uitgevallen: {exit_id}", int(n)))
    negative = inn["negatief"] if "negatief" in inn else pd.Series(False, index=inn.index)
    rows.append(("waarvan", NEGATIVE_AS_ZERO, int(negative.astype(bool).sum())))
    return pd.DataFrame(rows, columns=["stap", "reden", "n"])


# ------------------------------------------------------------------------------------------
# The waiting list over time

#: why a toewijzing left the waiting list (ties in this order)
WAIT_EXITS = ("gestart", "ingetrokken", "gestopt_zonder_start", "verlopen")
#: the competing exit (id in ``waiting_times.yaml``) that withdraws a toewijzing: own reason
WITHDRAWAL = "toewijzing_ingetrokken"
#: a 307 stop without a start ends the wait without care (reason ``gestopt_zonder_start``)
STOP_WITHOUT_START = "stop_einddatum"


def waiting_list(
    pathways: pd.DataFrame,
    definition: WaitDefinition,
    *,
    peildatum: str | pd.Timestamp,
    keep: Sequence[str] = (),
) -> pd.DataFrame:
    """The waiting list of a definition over time: when each toewijzing joined and left it.

    The one implementation of the waiting list: the trend series (:mod:`kit.trends`) count it
    at every month end, and at the peildatum it holds the pathways of :func:`waiting_now`
    (the momentopname) of the same definition (``toewijzing_start`` of
    ``kit/waiting_times.yaml``). The definition's filters decide who can be on it, its start
    event puts a toewijzing on it and its stop event and competing exits take it off.

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`.
    definition : WaitDefinition
        A waiting-time definition whose start event is a toewijzing date.
    peildatum : str or pandas.Timestamp
        Exits after this date have not happened yet.
    keep : sequence of str
        Columns of ``pathways`` to copy in front (e.g. the units a series is counted by).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``pathways`` (only toewijzingen that pass the filters): ``keep``, ``in``
        (the start event), ``uit`` (the first of the stop event, the withdrawal exit
        :data:`WITHDRAWAL`, a 307 stop without a start, the first sign of care without the stop
        event (``stop_ontbreekt_als``) and the definition's other competing exits, e.g. the
        Einddatum of a toewijzing that ended without a start; missing while still waiting on
        the peildatum) and ``reden_uit``, one of :data:`WAIT_EXITS` (ties in that order, then
        the last two): care without the stop event counts as ``gestart``, a competing exit other
        than the withdrawal as ``verlopen``. The withdrawal is dated on the withdrawing version
        (its Einddatum, often the Ingangsdatum, is void).
    """
    d = definition
    peil = pd.Timestamp(peildatum)
    t = pathways[pathways["ToewijzingNummer"].notna() & pathways[d.start.column].notna()]
    t = t[passes_filters(t, d.filters)]
    none = pd.Series(pd.NaT, index=t.index, dtype="datetime64[ns]")
    withdrawal = next((x for x in d.exits if x.id == WITHDRAWAL), None)
    withdrawn = (
        none
        if withdrawal is None
        else _exit_dates(t, withdrawal, peil).where(_holds(t, withdrawal.condition))
    )
    exit_date, exit_id = first_exit(t, d, t[d.start.column], peil)
    other_exit = exit_date.where(exit_id.ne(WITHDRAWAL).fillna(False))
    care = t[d.stop.column].isna()
    signs = [t[c] for c in d.stop_missing_if]
    evidence = pd.concat(signs, axis=1).min(axis=1).where(care) if signs else none
    exits = np.column_stack(
        [
            t[d.stop.column].to_numpy("datetime64[ns]"),
            withdrawn.to_numpy("datetime64[ns]"),
            t[STOP_WITHOUT_START].to_numpy("datetime64[ns]"),
            evidence.to_numpy("datetime64[ns]"),
            other_exit.to_numpy("datetime64[ns]"),
        ]
    )
    reasons = np.asarray(["gestart", "ingetrokken", "gestopt_zonder_start", "gestart", "verlopen"])
    as_int = exits.astype("int64")
    as_int[np.isnat(exits) | (exits > np.datetime64(peil))] = np.iinfo("int64").max
    first = as_int.argmin(axis=1)
    left = as_int.min(axis=1) != np.iinfo("int64").max
    out = t[list(keep)].copy()
    out["in"] = t[d.start.column].to_numpy()
    out["uit"] = pd.Series(exits[np.arange(len(t)), first], index=t.index).where(left)
    out["reden_uit"] = pd.Series(reasons[first], index=t.index, dtype="string")
    out.loc[~left, "reden_uit"] = pd.NA
    return out
