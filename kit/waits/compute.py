"""Everything at once (CLI, notebook, benchmark): :func:`compute_waits` and its shared tables.

Every frame of :class:`WaitResults` but ``measured`` is aggregated; shared files go through
:mod:`kit.outputs`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kit.privacy import Totals
from kit.waits.definitions import Definitions, WaitDefinition, load_definitions
from kit.waits.estimators import (
    CURVE_COLUMNS,
    _groups,
    cumulative_incidence,
    estimate,
    norm_column,
    summarise,
)
from kit.waits.measure import (
    BREAKDOWNS,
    LEFT,
    OUT_FILTER,
    TOTAL,
    included,
    measure_waits,
    reconcile,
    without_silent_exits,
)
from kit.waits.snapshot import (
    against_norms,
    flagged_pathways,
    harmful_waits,
    sensitivity,
    snapshot,
    waiting_now,
)

if TYPE_CHECKING:
    from kit.checks.base import ScanData

# ------------------------------------------------------------------------------------------
# Everything at once (CLI, notebook, benchmark)


@dataclass
class WaitResults:
    """All waiting-time figures for one peildatum and cohort window.

    ``measured`` holds person-level rows (pseudonyms) and never leaves the session; every
    other frame is aggregated (counts and statistics), ready for :func:`shared_tables`.
    """

    definitions: Definitions
    peildatum: pd.Timestamp
    van: pd.Timestamp | None
    tot: pd.Timestamp
    data_begin: pd.Timestamp | None
    min_n: int
    measured: dict[str, pd.DataFrame] = field(repr=False)
    summary: pd.DataFrame = field(repr=False)
    curves: pd.DataFrame = field(repr=False)
    incidence: pd.DataFrame = field(repr=False)
    reconciliation: pd.DataFrame = field(repr=False)
    snapshot: pd.DataFrame = field(repr=False)
    against_norms: pd.DataFrame = field(repr=False)
    harmful: pd.DataFrame = field(repr=False)
    sensitivity: pd.DataFrame = field(repr=False)
    flagged: list[str] = field(default_factory=list, repr=False)
    lapse: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    population: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    complete_until: dict[str, pd.Timestamp] = field(default_factory=dict)


SENSITIVITY_COLUMNS = [
    "definitie",
    "groep",
    "n",
    "mediaan_dagen",
    "n_zonder",
    "mediaan_zonder_dagen",
    "n_gemarkeerd",
    "verschil_dagen",
]
RESULT_COLUMNS = {
    "curves": ["definitie", "groep", *CURVE_COLUMNS],
    "incidence": [
        "definitie",
        "uitkomst",
        "dagen",
        "cumulatieve_incidentie",
        "n_risico",
        "n_gebeurtenissen",
    ],
    "reconciliation": ["definitie", "stap", "reden", "n"],
    "snapshot": ["definitie", "band", "n_wachtend"],
    "against_norms": [
        "definitie",
        "norm",
        "naam",
        "dagen",
        "n_wachtend",
        "n_boven_norm",
        "pct_boven_norm",
    ],
    "harmful": ["definitie", "leeftijd", "jeugdbescherming", "kinderen"],
}


def _without_flagged(
    measured: pd.DataFrame, definition: WaitDefinition, flagged: set[str], *, min_n: int
) -> tuple[pd.DataFrame, pd.Series]:
    """Estimates without the flagged pathways: overall and per aanbieder with ``min_n`` flagged.

    An aanbieder with fewer flagged pathways is not shown apart (its count would be suppressed
    and its estimate barely moves); they still count in the overall figure.
    """
    inn = included(measured)
    hit = inn["pathway_id"].isin(flagged)
    rest = inn[~hit]
    per_aanbieder = inn.loc[hit, "aanbieder"].value_counts()
    aanbieders = sorted(per_aanbieder[per_aanbieder >= min_n].index)
    groups = [(TOTAL, rest)] + [
        (f"aanbieder={a}", rest[rest["aanbieder"] == a]) for a in aanbieders
    ]
    rows = [
        {"definitie": definition.id, "groep": label, **estimate(g, min_n=min_n, curve=False)[0]}
        for label, g in groups
    ]
    counts = {(definition.id, TOTAL): int(hit.sum())}
    counts |= {(definition.id, f"aanbieder={a}"): int(per_aanbieder[a]) for a in aanbieders}
    return pd.DataFrame(rows), pd.Series(counts, dtype=int)


def _per_definition(
    pathways: pd.DataFrame,
    measured: pd.DataFrame,
    definition: WaitDefinition,
    definitions: Definitions,
    *,
    peildatum: pd.Timestamp,
    min_n: int,
    by: Sequence[str],
) -> dict[str, pd.DataFrame]:
    """Every aggregated table of one definition (see :class:`WaitResults`)."""
    d, m = definition, measured
    table, curve = summarise(m, d, norms=definitions.norms, min_n=min_n, by=by)
    out = {
        "summary": table,
        "curves": curve,
        "incidence": cumulative_incidence(included(m), min_n=min_n).assign(definitie=d.id),
        "reconciliation": reconcile(m).assign(definitie=d.id),
    }
    if d.is_wait:
        out["snapshot"] = snapshot(m, weeks=definitions.snapshot_weeks).assign(definitie=d.id)
        out["against_norms"] = against_norms(m, norms=definitions.norms).assign(definitie=d.id)
        out["harmful"] = harmful_waits(
            m,
            pathways,
            peildatum=peildatum,
            norm=definitions.harmful_norm,
            age_edges=definitions.age_bands,
            categories=definitions.protection_categories,
        ).assign(definitie=d.id)
    return out


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


LAPSE_COLUMNS = [
    "definitie",
    "groep",
    "n",
    "n_wachtend",
    "n_vervallen",
    "mediaan_dagen",
    "n_zonder_regel",
    "n_wachtend_zonder_regel",
    "mediaan_zonder_regel_dagen",
]
POPULATION_COLUMNS = ["definitie", "populatie", "n_buiten_populatie"]
FILTER_LABELS = {"categorie": "productcategorie", "afwijzing_reden": "afwijzingsreden"}


def lapse_comparison(
    pathways: pd.DataFrame,
    definitions: Definitions,
    measured: dict[str, pd.DataFrame],
    *,
    peildatum: pd.Timestamp,
    van: str | pd.Timestamp | None = None,
    tot: str | pd.Timestamp | None = None,
    data_begin: str | pd.Timestamp | None = None,
    min_n: int = 10,
    by: Sequence[str] = ("categorie",),
    until: dict[str, pd.Timestamp] | None = None,
) -> pd.DataFrame:
    """The waiting list and the KM median with and without the silent exits.

    For every waiting-time definition with a silent exit ("vermoedelijk vervallen"): the
    pathways that count (``n``), those still waiting at the peildatum (``n_wachtend``, the
    waiting list), those the rule takes off the list (``n_vervallen``) and the KM median; the
    same measured without the rule (``*_zonder_regel``). Rows: ``totaal`` and each group of
    ``by``. ``until`` (definition id -> last complete day, as in :func:`compute_waits`) applies
    to both measurements, so the difference is the rule's alone.
    """
    plain = without_silent_exits(definitions)
    rows = []
    for d in definitions.definitions:
        silent = {x.id for x in d.exits if x.silent_days is not None}
        if not d.is_wait or not silent or d.id not in measured:
            continue
        without = measure_waits(
            pathways,
            plain.get(d.id),
            peildatum=peildatum,
            van=van,
            tot=tot,
            data_begin=data_begin,
            complete_until=(until or {}).get(d.id),
        )
        groups_without = dict(_groups(included(without), by))
        waiting_without = dict(_groups(waiting_now(without), by))
        waiting_with = dict(_groups(waiting_now(measured[d.id]), by))
        for label, group in _groups(included(measured[d.id]), by):
            other = groups_without.get(label, group.iloc[:0])
            rows.append(
                {
                    "definitie": d.id,
                    "groep": label,
                    "n": len(group),
                    "n_wachtend": len(waiting_with.get(label, ())),
                    "n_vervallen": int(
                        ((group["event"] == LEFT) & group["uitval"].isin(silent)).sum()
                    ),
                    "mediaan_dagen": estimate(group, min_n=min_n, curve=False)[0]["mediaan_dagen"],
                    "n_zonder_regel": len(other),
                    "n_wachtend_zonder_regel": len(waiting_without.get(label, ())),
                    "mediaan_zonder_regel_dagen": estimate(other, min_n=min_n, curve=False)[0][
                        "mediaan_dagen"
                    ],
                }
            )
    return pd.DataFrame(rows, columns=LAPSE_COLUMNS)


def population(
    measured: dict[str, pd.DataFrame],
    definitions: Definitions,
    *,
    van: str | pd.Timestamp | None = None,
    tot: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Per definition: which pathways its filters leave out, and how many of the cohort.

    ``populatie`` says it in Dutch ("zonder productcategorie 46, 47, 48"); ``n_buiten_populatie``
    counts the pathways with a start event in the cohort window that a filter leaves out, so a
    total is never compared with a dashboard total of another population unknowingly.
    """
    lo = pd.Timestamp(van) if van is not None else pd.Timestamp.min
    rows = []
    for d in definitions.definitions:
        if d.id not in measured:
            continue
        m = measured[d.id]
        hi = pd.Timestamp(tot) if tot is not None else m["start"].max()
        parts = [
            f"{'alleen' if f.keep else 'zonder'} {FILTER_LABELS.get(f.column, f.column)} "
            + ", ".join(f.values)
            for f in d.filters
        ]
        left_out = (m["uit"] == OUT_FILTER) & (m["start"] >= lo) & (m["start"] <= hi)
        rows.append(
            {
                "definitie": d.id,
                "populatie": "; ".join(parts) if parts else "alle trajecten",
                "n_buiten_populatie": int(left_out.fillna(False).sum()),
            }
        )
    return pd.DataFrame(rows, columns=POPULATION_COLUMNS)


def compute_waits(
    pathways: pd.DataFrame,
    definitions: Definitions,
    *,
    peildatum: str | pd.Timestamp,
    van: str | pd.Timestamp | None = None,
    tot: str | pd.Timestamp | None = None,
    data_begin: str | pd.Timestamp | None = None,
    flagged: Sequence[str] = (),
    min_n: int | None = None,
    by: Sequence[str] = BREAKDOWNS,
    only: Sequence[str] | None = None,
    complete: dict[str, pd.Timestamp] | None = None,
) -> WaitResults:
    """Measure and estimate every definition with breakdowns, naive figures and sensitivity.

    Parameters
    ----------
    pathways : pandas.DataFrame
        The pathway model, built from data cut at the peildatum.
    definitions : Definitions
        From :func:`load_definitions`.
    peildatum, van, tot, data_begin
        See :func:`measure_waits`.
    flagged : sequence of str
        ``pathway_id``s the quick scan flagged (:func:`flagged_pathways`); the sensitivity table
        compares the estimates without them (overall and per aanbieder with at least ``min_n``).
    min_n : int, optional
        Smallest group for a statistic (default: ``min_groep`` of the definitions file).
    by : sequence of str
        Breakdown columns.
    only : sequence of str, optional
        Definition ids to compute (default: all).
    complete : dict of str to pandas.Timestamp, optional
        Per berichttype the last day its messages are complete (:func:`complete_until`); a
        definition with ``voorlopig_door`` is measured up to that day. Missing: the peildatum.

    Returns
    -------
    WaitResults
    """
    peil = pd.Timestamp(peildatum)
    min_n = definitions.min_group if min_n is None else min_n
    chosen = [definitions.get(i) for i in only] if only else list(definitions.definitions)
    flagged_set = set(flagged)
    measured, parts, without, n_flagged, until = {}, [], [], [], {}
    for d in chosen:
        last = (complete or {}).get(d.provisional_message) if d.provisional_message else None
        if last is not None and last < peil:
            until[d.id] = pd.Timestamp(last)
        m = measure_waits(
            pathways,
            d,
            peildatum=peil,
            van=van,
            tot=tot,
            data_begin=data_begin,
            complete_until=until.get(d.id),
        )
        measured[d.id] = m
        parts.append(
            _per_definition(pathways, m, d, definitions, peildatum=peil, min_n=min_n, by=by)
        )
        if flagged_set:
            rows, counts = _without_flagged(m, d, flagged_set, min_n=min_n)
            without.append(rows)
            n_flagged.append(counts)
    summary = pd.concat([p["summary"] for p in parts], ignore_index=True)
    sens = pd.DataFrame(columns=SENSITIVITY_COLUMNS)
    if without:
        counts = pd.concat(n_flagged)
        counts.index = counts.index.set_names(["definitie", "groep"])
        sens = sensitivity(summary, pd.concat(without, ignore_index=True), counts)
    tables = {
        name: _concat([p[name] for p in parts if name in p], cols)
        for name, cols in RESULT_COLUMNS.items()
    }
    return WaitResults(
        definitions=definitions,
        peildatum=peil,
        van=pd.Timestamp(van) if van is not None else None,
        tot=pd.Timestamp(tot) if tot is not None else peil,
        data_begin=pd.Timestamp(data_begin) if data_begin is not None else None,
        min_n=min_n,
        measured=measured,
        summary=summary,
        sensitivity=sens[SENSITIVITY_COLUMNS],
        flagged=sorted(flagged_set),
        lapse=lapse_comparison(
            pathways,
            definitions,
            measured,
            peildatum=peil,
            van=van,
            tot=tot,
            data_begin=data_begin,
            until=until,
            min_n=min_n,
        ),
        population=population(measured, definitions, van=van, tot=tot),
        complete_until=until,
        **tables,
    )


def shared_tables(results: WaitResults) -> dict:
    """The shareable tables of :func:`compute_waits` for :func:`kit.outputs.write_shared`.

    Returns
    -------
    dict of kit.outputs.SharedTable
        ``samenvatting`` (one row per definitie × groep, columns :func:`summary_columns`),
        ``km`` (aggregated curve points), ``cumulatieve_incidentie``, ``aansluiting``,
        ``momentopname``, ``wachtenden_per_norm``, ``schadelijk_wachten``, ``gevoeligheid``,
        ``vermoedelijk_vervallen`` (waiting list and median with and without the silent-lapse
        rule, :func:`lapse_comparison`) and ``populatie`` (:func:`population`).
    """
    from kit.outputs import SharedTable

    on_n = ["mediaan_dagen", "mediaan_ci_laag", "mediaan_ci_hoog", "p80_dagen", "p90_dagen"]
    on_n += [norm_column(n) for n in results.definitions.norms]
    derived = {c: ["n"] for c in on_n}
    derived |= {"mediaan_afgerond_dagen": ["n_gestart"], "pct_nul_dagen": ["n_gestart"]}
    return {
        "samenvatting": SharedTable(
            results.summary,
            ["n", "n_gestart", "n_wachtend", "n_uitgevallen", "n_negatief_nul"],
            derived,
            Totals("groep", TOTAL, within=("definitie",)),  # groups: "<breakdown>=<value>"
            sums={"n": ("n_gestart", "n_wachtend", "n_uitgevallen")},
        ),
        "km": SharedTable(
            results.curves,
            ["n_risico", "n_gestart"],
            {c: ["n_risico"] for c in ("aandeel_wachtend", "ci_laag", "ci_hoog")},
        ),
        "cumulatieve_incidentie": SharedTable(
            results.incidence,
            ["n_risico", "n_gebeurtenissen"],
            {"cumulatieve_incidentie": ["n_risico"]},
        ),
        "aansluiting": SharedTable(results.reconciliation, ["n"]),
        "momentopname": SharedTable(results.snapshot, ["n_wachtend"]),
        "wachtenden_per_norm": SharedTable(
            results.against_norms,
            ["n_wachtend", "n_boven_norm"],
            {"pct_boven_norm": ["n_boven_norm", "n_wachtend"]},
        ),
        "schadelijk_wachten": SharedTable(results.harmful, ["kinderen"]),
        "vermoedelijk_vervallen": SharedTable(
            results.lapse,
            ["n", "n_wachtend", "n_vervallen", "n_zonder_regel", "n_wachtend_zonder_regel"],
            {"mediaan_dagen": ["n"], "mediaan_zonder_regel_dagen": ["n_zonder_regel"]},
            Totals("groep", TOTAL, within=("definitie",)),
        ),
        "populatie": SharedTable(results.population, ["n_buiten_populatie"]),
        "gevoeligheid": SharedTable(
            results.sensitivity,
            ["n", "n_zonder", "n_gemarkeerd"],
            {
                "mediaan_dagen": ["n"],
                "mediaan_zonder_dagen": ["n_zonder"],
                "verschil_dagen": ["n", "n_zonder"],
            },
            sums={"n": ("n_zonder", "n_gemarkeerd")},
        ),
    }


def waits_from_store(
    store: str | Path,
    *,
    peildatum: str | pd.Timestamp,
    van: str | pd.Timestamp | None = None,
    tot: str | pd.Timestamp | None = None,
    definitions: Definitions | None = None,
    min_n: int | None = None,
    gemeenten: Sequence[str] = (),
) -> WaitResults:
    """Read a store at the peildatum and compute every definition (CLI and notebook entry).

    Messages dated after the peildatum are left out (:func:`kit.checks.prepare_scan`); the
    quick-scan checks named under ``gevoeligheid`` flag records for the sensitivity; the data
    begin at the earliest Dagtekening in the store (left truncation before it).

    Parameters
    ----------
    store : str or pathlib.Path
        Store folder.
    peildatum, van, tot
        See :func:`measure_waits`.
    definitions : Definitions, optional
        Default: the shipped ``waiting_times.yaml``.
    min_n : int, optional
        See :func:`compute_waits`.
    gemeenten : sequence of str
        Gemeentecodes to keep; empty = all.

    Returns
    -------
    WaitResults
    """
    from kit.checks import ANALYSIS_CHECKS, ANALYSIS_COLUMNS, prepare_scan

    definitions = definitions or load_definitions()
    # only the columns the pathways and the sensitivity's checks read (a third of the memory);
    # a region's own sensitivity naming other checks gets the full read those checks need
    narrow = set(definitions.sensitivity_checks) <= ANALYSIS_CHECKS
    data = prepare_scan(
        Path(store), peildatum=peildatum, columns=ANALYSIS_COLUMNS if narrow else None
    )
    return waits_from_data(
        data,
        peildatum=peildatum,
        van=van,
        tot=tot,
        definitions=definitions,
        min_n=min_n,
        gemeenten=gemeenten,
    )


def waits_from_data(
    data: ScanData,
    *,
    peildatum: str | pd.Timestamp,
    van: str | pd.Timestamp | None = None,
    tot: str | pd.Timestamp | None = None,
    definitions: Definitions | None = None,
    min_n: int | None = None,
    gemeenten: Sequence[str] = (),
) -> WaitResults:
    """:func:`waits_from_store` on a store already read (a deelpakket reads it once for all).

    ``data`` comes from :func:`kit.checks.prepare_scan` at the same peildatum; the other
    parameters are those of :func:`waits_from_store`.
    """
    from kit.checks import evaluate_checks, load_checks

    definitions = definitions or load_definitions()
    checks = [c for c in load_checks() if c.id in definitions.sensitivity_checks]
    flags = evaluate_checks(data, checks).flagged()
    pathways = data.pathways
    if gemeenten:
        pathways = pathways[pathways["gemeente"].isin(list(gemeenten))].reset_index(drop=True)
    begin = data.tables["berichten"]["Dagtekening"].min()
    messages = {d.provisional_message for d in definitions.definitions} - {""}
    return compute_waits(
        pathways,
        definitions,
        peildatum=peildatum,
        van=van,
        tot=tot,
        data_begin=None if pd.isna(begin) else begin,
        flagged=flagged_pathways(pathways, flags, checks=definitions.sensitivity_checks),
        min_n=min_n,
        complete=complete_until(
            data, peildatum=peildatum, messages=messages, threshold=definitions.min_complete
        ),
    )


def complete_until(
    data: object, *, peildatum: str | pd.Timestamp, messages: Iterable[str], threshold: float
) -> dict[str, pd.Timestamp]:
    """Per berichttype the last day of the last month whose messages are complete.

    Uses the completeness that :mod:`kit.trends` estimates from the messages' own lags
    (:func:`kit.trends.message_lags`, :func:`kit.trends.completeness`,
    :func:`kit.trends.last_complete`), learnt from the whole store.

    Parameters
    ----------
    data : kit.checks.base.ScanData
        From :func:`kit.checks.prepare_scan` (messages after the peildatum left out).
    peildatum : str or pandas.Timestamp
    messages : iterable of str
        Berichttypen to look at (``voorlopig_door`` of the definitions).
    threshold : float
        Smallest completeness of a final month (``voorlopig.min_volledigheid``).

    Returns
    -------
    dict of str to pandas.Timestamp
        Only berichttypen whose last complete month ends before the peildatum.
    """
    from kit.trends.provisional import completeness, last_complete, message_lags

    messages = sorted(set(messages))
    if not messages:
        return {}
    peil = pd.Timestamp(peildatum)
    lags = message_lags(data.pathways, data.tables.get("prestaties"))
    lags = lags[lags["bericht"].isin(messages)]
    if lags.empty:
        return {}
    first = pd.Period(lags["datum"].min(), "M")
    months = [str(m) for m in pd.period_range(first, peil.to_period("M"), freq="M")]
    volledigheid = completeness(lags, peildatum=peil, months=months)
    out = {}
    for bericht in messages:
        month = last_complete(volledigheid, bericht, threshold=threshold)
        if month is None:
            continue
        end = pd.Period(month, "M").end_time.normalize()
        if end < peil:
            out[bericht] = end
    return out


def days_text(value: float) -> str:
    """A median or percentile in Dutch: ``44 dagen``, ``niet bereikt`` (inf) or ``—`` (withheld)."""
    if value is None or pd.isna(value):
        return "—"
    if np.isinf(value):
        return "niet bereikt"
    return f"{value:.0f} dag" if value == 1 else f"{value:.0f} dagen"
