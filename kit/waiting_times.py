"""Step 3b (waiting times): pathways + definitions -> waits per pathway -> KM/AJ estimates.

The definitions and norms are data: ``kit/waiting_times.yaml`` (a region may use its own copy).
Each definition names a start and a stop event (columns of the pathway model, see
:mod:`kit.pathways`), the events that end waiting *without* care (competing exits) and filters.

:func:`measure_waits` turns the pathways into one duration per pathway with an outcome
(1 started, 0 still waiting at the peildatum = censored, 2 left without care) and says for every
pathway left out why. The estimators then use lifelines: Kaplan–Meier for the median, its 95%
confidence interval, P80/P90 and the share within each norm (competing exits censored: "how long
would a child wait if it kept waiting"), Aalen–Johansen for the cumulative incidence of "started"
versus "left without care". The naive figures users know (median of completed waits only, the
snapshot of who waits now) are computed next to them, labelled as such.

Privacy: every function here returns person-level frames (``measure_waits``) or aggregates with
their counts; no statistic is computed on fewer than ``min_n`` pathways and every step of a
curve rests on at least ``min_n`` events. Shared files go through :mod:`kit.outputs`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kit import config
from kit.codelists import resolve_codes
from kit.config import load_yaml, read_yaml
from kit.pathways import PATHWAY_COLUMNS
from kit.privacy import Totals

if TYPE_CHECKING:
    from lifelines import KaplanMeierFitter

DATE_COLUMNS = tuple(
    c for c in PATHWAY_COLUMNS if c.endswith(("datum", "dagtekening", "productperiode"))
)
DERIVED_DATES = ("achttien_jaar",)
KINDS = ("wachttijd", "procestijd")
BEFORE_START = ("start", "negeren")
NEGATIVE_ZERO, NEGATIVE_OUT = "nul", "uitsluiten"
NEGATIVE_RULES = (NEGATIVE_ZERO, NEGATIVE_OUT)
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
# Definitions as data


@dataclass(frozen=True)
class Event:
    """A start or stop event: a date column of the pathway model (``bericht``/``veld`` explain)."""

    column: str
    message: str
    field: str


@dataclass(frozen=True)
class Condition:
    """``column`` is one of ``values`` (``in:``) or equals ``flag`` (``is:``)."""

    column: str
    values: tuple[str, ...] | None = None
    flag: bool | None = None


@dataclass(frozen=True)
class Exit:
    """A competing exit: waiting ended without care on ``date`` (when ``condition`` holds).

    A *silent* exit (``silent_days`` set, e.g. "vermoedelijk vervallen") has no date column:
    its date is ``silent_days`` after the latest of the ``silent_after`` dates (the Ingangsdatum
    and the pathway's messages), see :func:`silent_exit_dates`.
    """

    id: str
    name: str
    date: str
    condition: Condition | None
    before_start: str
    silent_days: int | None = None
    silent_after: tuple[str, ...] = ()
    explanation: str = ""


@dataclass(frozen=True)
class Filter:
    """Keep pathways whose ``column`` is in ``values`` (``keep``) or not in them."""

    column: str
    values: tuple[str, ...]
    keep: bool


@dataclass(frozen=True)
class Norm:
    """A norm in days (weeks and months in the YAML are converted)."""

    id: str
    name: str
    days: int
    explanation: str = ""


@dataclass(frozen=True)
class WaitDefinition:
    """One entry of ``definities:`` in ``waiting_times.yaml``."""

    id: str
    name: str
    kind: str
    start: Event
    stop: Event
    exits: tuple[Exit, ...] = ()
    filters: tuple[Filter, ...] = ()
    stop_missing_if: tuple[str, ...] = ()
    negative: str = NEGATIVE_OUT
    provisional_message: str = ""
    explanation: str = ""
    distortion: str = ""

    @property
    def is_wait(self) -> bool:
        """True for waiting times (norms apply), false for other process times."""
        return self.kind == "wachttijd"


@dataclass(frozen=True)
class Definitions:
    """Everything in ``waiting_times.yaml``: definitions, norms and reporting settings."""

    definitions: tuple[WaitDefinition, ...]
    norms: tuple[Norm, ...]
    min_group: int
    snapshot_weeks: tuple[int, ...]
    harmful_norm: Norm
    age_bands: tuple[int, ...]
    protection_categories: tuple[str, ...]
    sensitivity_checks: tuple[str, ...]
    min_complete: float
    sensitivity_explanation: str = ""
    source: str = "kit/waiting_times.yaml"

    def get(self, definition_id: str) -> WaitDefinition:
        """The definition with this id (KeyError with a Dutch message if unknown)."""
        for d in self.definitions:
            if d.id == definition_id:
                return d
        raise KeyError(f"onbekende wachttijddefinitie {definition_id!r}")

    @property
    def ids(self) -> list[str]:
        """Definition ids in file order."""
        return [d.id for d in self.definitions]


def _text(value: object) -> str:
    return " ".join(str(value or "").split())


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError(f"{where}: verwacht een lijst")
    return tuple(str(v) for v in value)


def _require(entry: dict, keys: Iterable[str], where: str) -> None:
    missing = [k for k in keys if entry.get(k) in (None, "")]
    if missing:
        raise ValueError(f"{where}: ontbrekend veld {', '.join(missing)}")


def _column(name: object, where: str, *, dates: bool = False, derived: bool = False) -> str:
    allowed = (DATE_COLUMNS + (DERIVED_DATES if derived else ())) if dates else PATHWAY_COLUMNS
    if name not in allowed:
        kind = "datumkolom" if dates else "kolom"
        raise ValueError(f"{where}: {name!r} is geen {kind} van het trajectmodel")
    return str(name)


def _norm(entry: dict, src: str) -> Norm:
    nid = entry.get("id", "?")
    where = f"{src}: norm {nid}"
    _require(entry, ("id", "naam"), where)
    units = [k for k in ("dagen", "weken", "maanden") if k in entry]
    if len(units) != 1:
        raise ValueError(f"{where}: geef precies één van dagen, weken of maanden")
    amount = entry[units[0]]
    if not isinstance(amount, int | float) or amount <= 0:
        raise ValueError(f"{where}: {units[0]} moet een positief getal zijn")
    days = {"dagen": 1, "weken": 7, "maanden": 365.25 / 12}[units[0]] * amount
    return Norm(nid, _text(entry["naam"]), int(round(days)), _text(entry.get("uitleg")))


def _condition(value: object, where: str) -> Condition | None:
    if value is None:
        return None
    if not isinstance(value, dict) or "kolom" not in value:
        raise ValueError(
            f"{where}: voorwaarde moet {{kolom: ..., in: [...]}} of {{kolom, is}} zijn"
        )
    column = _column(value["kolom"], f"{where} voorwaarde")
    if "in" in value:
        return Condition(column, values=_strings(value["in"], f"{where} voorwaarde in"))
    if "is" in value and isinstance(value["is"], bool):
        return Condition(column, flag=value["is"])
    raise ValueError(f"{where}: voorwaarde mist 'in: [...]' of 'is: true/false'")


def _exit(entry: dict, src: str) -> Exit:
    xid = entry.get("id", "?")
    where = f"{src}: uitval {xid}"
    before = entry.get("als_voor_start", "start")
    if before not in BEFORE_START:
        raise ValueError(f"{where}: als_voor_start moet 'start' of 'negeren' zijn")
    if "stil_dagen" in entry:
        _require(entry, ("id", "naam", "stil_dagen", "stil_na"), where)
        days = entry["stil_dagen"]
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise ValueError(f"{where}: stil_dagen moet een positief geheel getal zijn")
        after = _strings(entry["stil_na"], f"{where} stil_na")
        return Exit(
            xid,
            _text(entry["naam"]),
            "",
            _condition(entry.get("voorwaarde"), where),
            before,
            silent_days=days,
            silent_after=tuple(_column(c, f"{where} stil_na", dates=True) for c in after),
            explanation=_text(entry.get("uitleg")),
        )
    _require(entry, ("id", "naam", "datum"), where)
    return Exit(
        xid,
        _text(entry["naam"]),
        _column(entry["datum"], f"{where} datum", dates=True, derived=True),
        _condition(entry.get("voorwaarde"), where),
        before,
    )


def _event(value: object, where: str) -> Event:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: verwacht {{bericht, veld, kolom}}")
    _require(value, ("kolom",), where)
    return Event(
        _column(value["kolom"], f"{where} kolom", dates=True),
        str(value.get("bericht", "")),
        _text(value.get("veld")),
    )


def _filter(value: object, where: str) -> Filter:
    if not isinstance(value, dict) or "kolom" not in value:
        raise ValueError(f"{where}: filter moet {{kolom, in}} of {{kolom, niet_in}} zijn")
    column = _column(value["kolom"], f"{where} filter")
    if ("in" in value) == ("niet_in" in value):
        raise ValueError(f"{where}: filter op {column} heeft precies één van in of niet_in nodig")
    key = "in" if "in" in value else "niet_in"
    return Filter(column, resolve_codes(value[key], f"{where} filter {column}"), keep=key == "in")


def _definition(entry: dict, exits: dict[str, Exit], src: str) -> WaitDefinition:
    did = entry.get("id", "?")
    where = f"{src}: definitie {did}"
    _require(entry, ("id", "naam", "soort", "start", "stop", "uitleg"), where)
    if entry["soort"] not in KINDS:
        raise ValueError(f"{where}: soort moet {' of '.join(KINDS)} zijn")
    unknown = [x for x in entry.get("uitval") or [] if x not in exits]
    if unknown:
        raise ValueError(f"{where}: onbekende uitval {', '.join(map(str, unknown))}")
    evidence = _strings(entry.get("stop_ontbreekt_als") or [], f"{where} stop_ontbreekt_als")
    negative = entry.get("negatieve_duur", NEGATIVE_OUT)
    if negative not in NEGATIVE_RULES:
        raise ValueError(f"{where}: negatieve_duur moet {' of '.join(NEGATIVE_RULES)} zijn")
    return WaitDefinition(
        id=did,
        name=_text(entry["naam"]),
        kind=entry["soort"],
        start=_event(entry["start"], f"{where} start"),
        stop=_event(entry["stop"], f"{where} stop"),
        exits=tuple(exits[x] for x in entry.get("uitval") or []),
        filters=tuple(_filter(f, where) for f in entry.get("filters") or []),
        stop_missing_if=tuple(
            _column(c, f"{where} stop_ontbreekt_als", dates=True) for c in evidence
        ),
        negative=negative,
        provisional_message=str(entry.get("voorlopig_door") or ""),
        explanation=_text(entry["uitleg"]),
        distortion=_text(entry.get("vertekening")),
    )


def _bands(value: object, where: str) -> tuple[int, ...]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, int) and v >= 0 for v in value)
        or list(value) != sorted(set(value))
        or value[0] != 0
    ):
        raise ValueError(f"{where}: verwacht oplopende gehele getallen die bij 0 beginnen")
    return tuple(value)


def _check_ids() -> set[str]:
    import kit.checks  # noqa: F401  (registers every check)
    from kit.checks.base import REGISTRY

    return set(REGISTRY)


def load_definitions(path: str | Path | None = None) -> Definitions:
    """Read and validate a waiting-time definitions file (the shipped one when ``path`` is None).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A region's copy of ``waiting_times.yaml``.

    Returns
    -------
    Definitions

    Raises
    ------
    ValueError
        In Dutch, naming the file, the definition/norm/exit id and the field, when an entry is
        incomplete, names a column the pathway model does not have, refers to an unknown exit or
        norm, or when ids or norm lengths repeat.
    """
    src = str(path) if path else "kit/waiting_times.yaml"
    doc = (
        read_yaml(path)
        if path
        else load_yaml(
            resources.files("kit").joinpath("waiting_times.yaml").read_text(encoding="utf-8")
        )
    )
    if not isinstance(doc.get("definities"), list) or not doc["definities"]:
        raise ValueError(f"{src}: verwacht een lijst 'definities:'")
    if not isinstance(doc.get("normen"), list):
        raise ValueError(f"{src}: verwacht een lijst 'normen:'")
    for key in ("definities", "normen", "uitval"):
        entries = doc.get(key) or []
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ValueError(f"{src}: '{key}:' moet een lijst zijn van items met 'id:' en velden")
    norms = tuple(_norm(n, src) for n in doc["normen"])
    exits = {x.id: x for x in (_exit(e, src) for e in doc.get("uitval") or [])}
    definitions = tuple(_definition(d, exits, src) for d in doc["definities"])
    for kind, ids in (("definitie", [d.id for d in definitions]), ("norm", [n.id for n in norms])):
        double = sorted({i for i in ids if ids.count(i) > 1})
        if double:
            raise ValueError(f"{src}: {kind}-id komt meer dan eens voor: {', '.join(double)}")
    days = [n.days for n in norms]
    if len(days) != len(set(days)):
        raise ValueError(f"{src}: twee normen hebben hetzelfde aantal dagen")
    min_group = doc.get("min_groep", 10)
    if not isinstance(min_group, int) or min_group < 1:
        raise ValueError(f"{src}: min_groep moet een positief geheel getal zijn")
    harmful = doc.get("schadelijk_wachten") or {}
    by_id = {n.id: n for n in norms}
    if harmful.get("norm") not in by_id:
        raise ValueError(f"{src}: schadelijk_wachten.norm moet een norm-id zijn")
    sensitivity = doc.get("gevoeligheid") or {}
    unknown = [c for c in sensitivity.get("controles") or [] if c not in _check_ids()]
    if unknown:
        raise ValueError(f"{src}: gevoeligheid.controles: onbekende controle {', '.join(unknown)}")
    min_complete = (doc.get("voorlopig") or {}).get("min_volledigheid", config.min_complete())
    if not isinstance(min_complete, int | float) or not 0 < min_complete <= 1:
        raise ValueError(f"{src}: voorlopig.min_volledigheid moet tussen 0 en 1 liggen")
    return Definitions(
        definitions=definitions,
        norms=norms,
        min_group=min_group,
        snapshot_weeks=_bands(
            (doc.get("momentopname") or {}).get("banden_weken"), f"{src}: momentopname.banden_weken"
        ),
        harmful_norm=by_id[harmful["norm"]],
        age_bands=_bands(
            harmful.get("leeftijdsbanden"), f"{src}: schadelijk_wachten.leeftijdsbanden"
        ),
        protection_categories=resolve_codes(
            harmful.get("jeugdbescherming") or [], f"{src}: schadelijk_wachten.jeugdbescherming"
        ),
        sensitivity_checks=_strings(
            sensitivity.get("controles") or [], f"{src}: gevoeligheid.controles"
        ),
        sensitivity_explanation=_text(sensitivity.get("uitleg")),
        min_complete=float(min_complete),
        source=src,
    )


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
    known = pd.concat(
        [_dates(pathways, c).where(lambda d: d <= peil) for c in after], axis=1
    ).max(axis=1)
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
# Estimates


def norm_column(norm: Norm) -> str:
    """Column name of the share within a norm, e.g. ``pct_binnen_28d``."""
    return f"pct_binnen_{norm.days}d"


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
        "mediaan_dagen",
        "mediaan_ci_laag",
        "mediaan_ci_hoog",
        "p80_dagen",
        "p90_dagen",
        "mediaan_afgerond_dagen",
        "pct_nul_dagen",
        *[norm_column(n) for n in norms],
    ]


STAT_COLUMNS = [
    "mediaan_dagen",
    "mediaan_ci_laag",
    "mediaan_ci_hoog",
    "p80_dagen",
    "p90_dagen",
    "mediaan_afgerond_dagen",
    "pct_nul_dagen",
]
CURVE_COLUMNS = ["dagen", "aandeel_wachtend", "ci_laag", "ci_hoog", "n_risico", "n_gestart"]


def _fit_km(waits: pd.DataFrame) -> KaplanMeierFitter | None:
    """The KM fit, or None when left truncation empties the risk set early (lifelines refuses)."""
    from lifelines import KaplanMeierFitter  # imported on first use: it loads scipy (~1 s)
    from lifelines.exceptions import StatError

    entry = waits["entry"].to_numpy(dtype=float)
    # lifelines puts a late entrant in the risk set only after its entry time; the data include
    # the day it enters (the data begin that day, an event then is seen), as in aalen_johansen
    try:
        return KaplanMeierFitter().fit(
            waits["dagen"].to_numpy(dtype=float),
            (waits["event"] == STARTED).to_numpy(),
            entry=np.where(entry > 0, entry - 0.5, 0.0) if entry.any() else None,
        )
    except StatError:  # everyone seen from the start has left before the late entrants come in
        return None


def _step_values(frame: pd.DataFrame | pd.Series, times: Sequence[float]) -> np.ndarray:
    """Value of a right-continuous step function (indexed by time) at ``times`` (1 before it)."""
    idx = np.searchsorted(frame.index.to_numpy(dtype=float), np.asarray(times, float), "right")
    values = np.asarray(frame, dtype=float).reshape(len(frame), -1)[:, 0]
    return np.where(idx > 0, values[np.maximum(idx - 1, 0)], 1.0)


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


def km_curve_points(kmf: KaplanMeierFitter, n: int, *, min_n: int) -> pd.DataFrame:
    """Kaplan–Meier points aggregated so that no step rests on fewer than ``min_n`` starts.

    Consecutive event times are pooled until they hold at least ``min_n`` starts, at least
    ``min_n`` pathways are at risk and the other exits between two points are none or at least
    ``min_n`` (see :func:`_aggregate_steps`); the point shows the exact KM value (and 95%
    interval) at the last pooled time. The tail where this cannot be met is not shown.

    Parameters
    ----------
    kmf : lifelines.KaplanMeierFitter
        A fitted estimator.
    n : int
        Pathways in the group (the ``n_risico`` of the origin point).
    min_n : int
        Smallest number of starts per step and of pathways at risk.

    Returns
    -------
    pandas.DataFrame
        :data:`CURVE_COLUMNS`, starting with the origin ``(0, 1.0)``.
    """
    table = kmf.event_table
    times = table.index.to_numpy(dtype=float)
    observed = table["observed"].to_numpy()
    at_risk = table["at_risk"].to_numpy()
    keep = _aggregate_steps(observed, at_risk, min_n, start=n)
    at = times[keep]
    ci = kmf.confidence_interval_
    cum = np.cumsum(observed)[keep]
    points = pd.DataFrame(
        {
            "dagen": np.concatenate([[0], at]).astype(int),
            "aandeel_wachtend": np.concatenate([[1.0], _step_values(kmf.survival_function_, at)]),
            "ci_laag": np.concatenate([[1.0], _step_values(ci.iloc[:, 0], at)]),
            "ci_hoog": np.concatenate([[1.0], _step_values(ci.iloc[:, 1], at)]),
            "n_risico": np.concatenate([[n], at_risk[keep]]).astype(int),
            "n_gestart": np.concatenate([[0], np.diff(np.concatenate([[0], cum]))]).astype(int),
        }
    )
    return points.round({"aandeel_wachtend": 4, "ci_laag": 4, "ci_hoog": 4})


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
    event = waits["event"].to_numpy(dtype=int)
    days = waits["dagen"].to_numpy(dtype=float)
    completed = days[event == STARTED]
    n_started = len(completed)
    row = {
        "n": len(waits),
        "n_gestart": n_started,
        "n_wachtend": int((event == CENSORED).sum()),
        "n_uitgevallen": int((event == LEFT).sum()),
        "n_negatief_nul": int(waits["negatief"].astype(bool).sum()) if "negatief" in waits else 0,
        **dict.fromkeys(STAT_COLUMNS, np.nan),
        **{norm_column(nm): np.nan for nm in norms},
    }
    empty = pd.DataFrame(columns=CURVE_COLUMNS)
    if n_started >= min_n:
        row["mediaan_afgerond_dagen"] = float(np.median(completed))
        n_zero = int((completed == 0).sum())
        # neither the 0-day starts nor the others may be a small group (99% of 300 gives 3)
        if not (0 < n_zero < min_n or 0 < n_started - n_zero < min_n):
            row["pct_nul_dagen"] = round(100 * n_zero / n_started, 1)
    if len(waits) < min_n or n_started == 0:
        return row, empty
    from lifelines.utils import qth_survival_time

    kmf = _fit_km(waits)
    if kmf is None:
        return row, empty
    sf = kmf.survival_function_.iloc[:, 0]
    ci = kmf.confidence_interval_
    # the same as lifelines.utils.median_survival_times(kmf.confidence_interval_), per column
    row.update(
        mediaan_dagen=float(kmf.median_survival_time_),
        mediaan_ci_laag=float(qth_survival_time(0.5, ci.iloc[:, 0])),
        mediaan_ci_hoog=float(qth_survival_time(0.5, ci.iloc[:, 1])),
        p80_dagen=float(qth_survival_time(0.2, sf)),
        p90_dagen=float(qth_survival_time(0.1, sf)),
    )
    if norms:
        share = 1 - _step_values(sf, [nm.days for nm in norms])
        for nm, value in zip(norms, share, strict=True):
            n_within = int((completed <= nm.days).sum())
            if not (0 < n_within < min_n or 0 < len(waits) - n_within < min_n):
                row[norm_column(nm)] = round(100 * float(value), 1)
    return row, km_curve_points(kmf, len(waits), min_n=min_n) if curve else empty


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


def _groups(waits: pd.DataFrame, by: Sequence[str]) -> Iterable[tuple[str, pd.DataFrame]]:
    yield TOTAL, waits
    for col in by:
        keys = waits[col].astype("string").fillna("onbekend")
        for value, group in waits.groupby(keys, sort=True):
            yield f"{col}={value}", group


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
    rows, curves = [], []
    use_norms = norms if definition.is_wait else ()
    for label, group in _groups(included(measured), by):
        row, curve = estimate(group, norms=use_norms, min_n=min_n)
        rows.append({"definitie": definition.id, "groep": label, **row})
        if len(curve):
            curves.append(curve.assign(definitie=definition.id, groep=label))
    table = pd.DataFrame(rows).reindex(columns=summary_columns(norms))
    curve_cols = ["definitie", "groep", *CURVE_COLUMNS]
    curve = (
        pd.concat(curves, ignore_index=True)[curve_cols]
        if curves
        else pd.DataFrame(columns=curve_cols)
    )
    return table, curve


# ------------------------------------------------------------------------------------------
# Naive figures, snapshot and "schadelijk wachten"


def band_labels(weeks: Sequence[int]) -> list[str]:
    """Labels of snapshot bands: ``0–4 weken`` ... ``> 52 weken``."""
    return [f"{a}–{b} weken" for a, b in zip(weeks, weeks[1:], strict=False)] + [
        f"> {weeks[-1]} weken"
    ]


def waiting_now(measured: pd.DataFrame) -> pd.DataFrame:
    """Pathways still waiting at the peildatum, whatever the cohort window (snapshot basis).

    A pathway outside the window counts when no other reason leaves it out (``uit`` names only
    the first reason, so it is not used here): the snapshot is one number for a peildatum.
    """
    return measured[measured["wacht_op_peildatum"].astype(bool)]


def snapshot(measured: pd.DataFrame, *, weeks: Sequence[int]) -> pd.DataFrame:
    """The naive snapshot: who waits at the peildatum, by time waited so far.

    Parameters
    ----------
    measured : pandas.DataFrame
        Output of :func:`measure_waits`; every pathway still waiting at the peildatum counts,
        also when its start lies outside the cohort window.
    weeks : sequence of int
        Band edges in weeks (from ``momentopname.banden_weken``).

    Returns
    -------
    pandas.DataFrame
        ``band, n_wachtend`` with every band (zero included), in order.
    """
    now = waiting_now(measured)
    labels = band_labels(weeks)
    edges = [7 * w for w in weeks] + [np.inf]
    bands = pd.cut(now["dagen"].astype(float), edges, right=False, labels=labels)
    counts = bands.value_counts().reindex(labels, fill_value=0)
    return pd.DataFrame({"band": labels, "n_wachtend": counts.to_numpy(dtype=int)})


def against_norms(measured: pd.DataFrame, *, norms: Sequence[Norm]) -> pd.DataFrame:
    """Who waits at the peildatum, and how many of them longer than each norm.

    Returns
    -------
    pandas.DataFrame
        ``norm, naam, dagen, n_wachtend, n_boven_norm, pct_boven_norm``.
    """
    now = waiting_now(measured)["dagen"]
    rows = [
        {
            "norm": nm.id,
            "naam": nm.name,
            "dagen": nm.days,
            "n_wachtend": len(now),
            "n_boven_norm": int((now > nm.days).sum()),
        }
        for nm in norms
    ]
    out = pd.DataFrame(rows, columns=["norm", "naam", "dagen", "n_wachtend", "n_boven_norm"])
    out["pct_boven_norm"] = (
        100 * out["n_boven_norm"] / out["n_wachtend"].where(out["n_wachtend"] > 0)
    ).round(1)
    return out


def age_band(
    geboortemaand: pd.Series, *, peildatum: pd.Timestamp, edges: Sequence[int]
) -> pd.Series:
    """Age band at the peildatum from ``YYYY-MM`` (age in whole years, birth day unknown).

    Returns
    -------
    pandas.Series of str
        ``0–4``, ``4–12``, ``12–18``, ``18+`` for edges ``[0, 4, 12, 18]``; ``onbekend`` when
        the birth month is missing.
    """
    born = pd.to_datetime(geboortemaand, format="%Y-%m", errors="coerce")
    months = (peildatum.year * 12 + peildatum.month) - (born.dt.year * 12 + born.dt.month)
    years = (months // 12).astype(float)
    labels = [f"{a}–{b}" for a, b in zip(edges, edges[1:], strict=False)] + [f"{edges[-1]}+"]
    bands = pd.cut(years, [*edges, np.inf], right=False, labels=labels)
    return bands.astype("string").fillna("onbekend")


def protected_children(
    pathways: pd.DataFrame, *, peildatum: pd.Timestamp, categories: Sequence[str]
) -> set[str]:
    """Clients with a current (not withdrawn) toewijzing in ``categories`` at the peildatum."""
    p = pathways[pathways["categorie"].astype("string").isin(categories).fillna(False)]
    active = (
        p["ToewijzingNummer"].notna()
        & ~p["ingetrokken"].astype("boolean").fillna(False)
        & (p["ingangsdatum"] <= peildatum)
        & (p["einddatum"].isna() | (p["einddatum"] >= peildatum))
    )
    return set(p.loc[active.fillna(False).astype(bool), "client_id"].dropna())


def harmful_waits(
    measured: pd.DataFrame,
    pathways: pd.DataFrame,
    *,
    peildatum: str | pd.Timestamp,
    norm: Norm,
    age_edges: Sequence[int],
    categories: Sequence[str],
) -> pd.DataFrame:
    """Children waiting longer than the "schadelijk wachten" norm, by age band and protection.

    Parameters
    ----------
    measured : pandas.DataFrame
        Output of :func:`measure_waits` (all pathways still waiting at the peildatum count).
    pathways : pandas.DataFrame
        The pathway model, to find a parallel toewijzing in ``categories`` (47/48).
    peildatum : str or pandas.Timestamp
    norm : Norm
        The "schadelijk wachten" norm; waiting strictly longer counts.
    age_edges : sequence of int
        Age band edges in years.
    categories : sequence of str
        Categories of a jeugdbescherming / jeugdreclassering toewijzing.

    Returns
    -------
    pandas.DataFrame
        ``leeftijd, jeugdbescherming (ja/nee), kinderen`` (distinct children), every
        combination of the bands and ja/nee (zero included). Counts only.
    """
    peil = pd.Timestamp(peildatum)
    long = waiting_now(measured)
    long = long[long["dagen"] > norm.days]
    protected = protected_children(pathways, peildatum=peil, categories=categories)
    frame = pd.DataFrame(
        {
            "client_id": long["client_id"],
            "leeftijd": age_band(long["geboortemaand"], peildatum=peil, edges=age_edges),
            "jeugdbescherming": np.where(long["client_id"].isin(protected), "ja", "nee"),
        }
    )
    counts = frame.groupby(["leeftijd", "jeugdbescherming"])["client_id"].nunique()
    labels = [f"{a}–{b}" for a, b in zip(age_edges, age_edges[1:], strict=False)]
    labels += [f"{age_edges[-1]}+"] + (["onbekend"] if "onbekend" in set(frame["leeftijd"]) else [])
    full = pd.MultiIndex.from_product(
        [labels, ["ja", "nee"]], names=["leeftijd", "jeugdbescherming"]
    )
    return counts.reindex(full, fill_value=0).rename("kinderen").reset_index()


def flagged_pathways(
    pathways: pd.DataFrame, flags: pd.DataFrame, *, checks: Sequence[str]
) -> list[str]:
    """Pathways whose current 301 or first 305 a quick-scan check flagged.

    Parameters
    ----------
    pathways : pandas.DataFrame
        The pathway model (``rij_301``, ``rij_305`` = store-row keys).
    flags : pandas.DataFrame
        :meth:`kit.checks.ScanResult.flagged` or the failing records kept by
        :func:`kit.checks.write_flags` (``check_id, record`` with store labels).
    checks : sequence of str
        Check ids whose failing records count, e.g. ``["start_automatisch"]``.

    Returns
    -------
    list of str
        ``pathway_id``s, sorted.
    """
    f = flags[flags["check_id"].astype("string").isin(list(checks))]
    if "afwijkend" in f:
        f = f[f["afwijkend"].astype(bool)]
    records = set(f["record"].astype("string"))
    hit = pathways["rij_301"].isin(records) | pathways["rij_305"].isin(records)
    return sorted(pathways.loc[hit.fillna(False).astype(bool), "pathway_id"])


def sensitivity(
    summary: pd.DataFrame, summary_without: pd.DataFrame, n_flagged: pd.Series
) -> pd.DataFrame:
    """Side by side: the estimates with and without the flagged pathways.

    Parameters
    ----------
    summary, summary_without : pandas.DataFrame
        :func:`summarise` output on all pathways and without the flagged ones.
    n_flagged : pandas.Series
        Flagged pathways that would otherwise count, indexed by ``(definitie, groep)``.

    Returns
    -------
    pandas.DataFrame
        ``definitie, groep, n, mediaan_dagen, n_zonder, mediaan_zonder_dagen, n_gemarkeerd,
        verschil_dagen``, only groups with flagged pathways (and ``totaal``).
    """
    key = ["definitie", "groep"]
    merged = summary[[*key, "n", "mediaan_dagen"]].merge(
        summary_without[[*key, "n", "mediaan_dagen"]].rename(
            columns={"n": "n_zonder", "mediaan_dagen": "mediaan_zonder_dagen"}
        ),
        on=key,
        how="left",
    )
    merged["n_zonder"] = merged["n_zonder"].fillna(0).astype(int)
    flagged = n_flagged.rename("n_gemarkeerd").reset_index()
    merged = merged.merge(flagged, on=key, how="left")
    merged["n_gemarkeerd"] = merged["n_gemarkeerd"].fillna(0).astype(int)
    merged["verschil_dagen"] = merged["mediaan_zonder_dagen"] - merged["mediaan_dagen"]
    keep = (merged["groep"] == TOTAL) | (merged["n_gemarkeerd"] > 0)
    return merged[keep].reset_index(drop=True)


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
                    "mediaan_dagen": estimate(group, min_n=min_n, curve=False)[0][
                        "mediaan_dagen"
                    ],
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
    from kit.checks import evaluate_checks, load_checks, prepare_scan

    definitions = definitions or load_definitions()
    data = prepare_scan(Path(store), peildatum=peildatum)
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
    from kit import trends

    messages = sorted(set(messages))
    if not messages:
        return {}
    peil = pd.Timestamp(peildatum)
    lags = trends.message_lags(data.pathways, data.tables.get("prestaties"))
    lags = lags[lags["bericht"].isin(messages)]
    if lags.empty:
        return {}
    first = pd.Period(lags["datum"].min(), "M")
    months = [str(m) for m in pd.period_range(first, peil.to_period("M"), freq="M")]
    volledigheid = trends.completeness(lags, peildatum=peil, months=months)
    out = {}
    for bericht in messages:
        month = trends.last_complete(volledigheid, bericht, threshold=threshold)
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
