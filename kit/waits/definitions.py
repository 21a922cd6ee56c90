"""Waiting-time definitions as data: the dataclasses and the loader of ``waiting_times.yaml``.

The definitions and norms are data: ``kit/waiting_times.yaml`` (a region may use its own copy).
Each definition names a start and a stop event (columns of the pathway model, see
:mod:`kit.pathways`), the events that end waiting *without* care (competing exits) and filters.
:func:`load_definitions` validates a file once and maps its Dutch keys to English attributes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kit import config
from kit.codelists import resolve_codes
from kit.config import package_yaml, read_yaml
from kit.pathways import PATHWAY_COLUMNS

DATE_COLUMNS = tuple(
    c for c in PATHWAY_COLUMNS if c.endswith(("datum", "dagtekening", "productperiode"))
)
DERIVED_DATES = ("achttien_jaar",)
KINDS = ("wachttijd", "procestijd")
BEFORE_START = ("start", "negeren")
NEGATIVE_ZERO, NEGATIVE_OUT = "nul", "uitsluiten"
NEGATIVE_RULES = (NEGATIVE_ZERO, NEGATIVE_OUT)

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
    doc = read_yaml(path) if path else package_yaml("waiting_times.yaml")
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
