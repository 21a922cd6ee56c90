"""One parameter model per report, shared by the notebooks, the command line and ``rapport``/``batch``.

Each report has one dataclass (:class:`QuickscanParams`, :class:`DefinitiesParams`,
:class:`TrendsParams`) whose field names are the names of the notebook's parameters cell. The
notebook's ``prepare_*`` call builds it, ``python -m kit quickscan|wachttijden|trends`` derives
its options from it (``--periode-van`` for ``periode_van``) and :func:`kit.report.check_parameters`
validates a report's parameters with it before the notebook runs: same names, same defaults, same
Dutch messages. Thresholds that the YAML holds are read from there (``min_volledigheid``:
``voorlopig.min_volledigheid`` of ``waiting_times.yaml``), not repeated here.

The one store check and path resolution of every front door are :func:`filled_store` and
:func:`resolve`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import MISSING, Field, dataclass, field, fields
from pathlib import Path
from typing import Any

from kit import config


class ParameterError(ValueError):
    """Invalid report parameters: one Dutch message that names each parameter."""


def resolve(path: str | Path, *, base: Path | None = None) -> Path:
    """A file or folder a user named: ``~`` expanded, a relative path taken from ``base``.

    Parameters
    ----------
    path : str or pathlib.Path
        As the user wrote it.
    base : pathlib.Path, optional
        The folder of a relative path: the kit's folder for notebooks and parameter files (the
        default), ``Path()`` (the working folder, the path kept as typed) for the command line.
    """
    if base is None:
        return config.project_path(path)
    p = Path(path).expanduser()
    return p if p.is_absolute() else base / p


def filled_store(store: str | Path, *, base: Path | None = None) -> tuple[Path, dict]:
    """The store's resolved path (see :func:`resolve`) and metadata.

    The one store check of every front door (notebooks, command line, ``rapport``, ``batch``,
    ``live``).

    Raises
    ------
    kit.store.StoreError
        For a missing, damaged or empty store, in Dutch (:func:`kit.store.read_meta` with
        ``filled=True``); the command line prints it as one line, a notebook without traceback.
    """
    from kit.store import read_meta

    path = resolve(store, base=base)
    return path, read_meta(path, filled=True)


def month(value: str) -> str:
    """A month parameter as ``JJJJ-MM``: a date ``JJJJ-MM-DD`` means its month; empty stays empty."""
    return value[:7] if value and config.is_iso_date(value) else value


# ------------------------------------------------------------------------------------------
# Kinds of parameter: one check each (the problem in Dutch, without the parameter's name)


def _number(value: object) -> float:
    """A number from text (``0,95`` too) or a number; NaN when it is none."""
    if isinstance(value, bool):
        return math.nan
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return math.nan


def _check_date(value: object) -> str | None:
    if not config.is_iso_date(value):
        return f"geen geldige datum (JJJJ-MM-DD): {value}"
    return None


def _check_date_or_empty(value: object) -> str | None:
    return None if value == "" else _check_date(value)


def _check_month(value: object) -> str | None:
    if value == "" or config.is_iso_date(value):
        return None
    if isinstance(value, str) and re.fullmatch(r"(19|20|21)\d\d-(0[1-9]|1[0-2])", value):
        return None
    return f"geen maand (JJJJ-MM) of datum: {value!r}"


def _check_file(value: object) -> str | None:
    if value and not resolve(str(value)).exists():
        return f"{value}: bestaat niet"
    return None


def _check_count(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value))
        except ValueError:
            return f"geen geheel getal: {value}"
    if value < 1:
        return f"moet minstens 1 zijn, niet {value}"
    return None


def _check_positive(value: object) -> str | None:
    number = _number(value)
    if not math.isfinite(number):
        return f"geen getal: {value}"
    if not number > 0:
        return f"moet groter dan 0 zijn, niet {value}"
    return None


def _check_fraction(value: object) -> str | None:
    number = _number(value)
    if not math.isfinite(number):
        return f"geen getal: {value}"
    if not 0 < number <= 1:
        return f"moet tussen 0 en 1 liggen (bijvoorbeeld 0.95), niet {value}"
    return None


def _check_codes(value: object) -> str | None:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return 'moet een lijst van codes (tekst) zijn, bijvoorbeeld ["0599"]'
    return None


#: kind -> (check of a value, conversion of command-line text)
KINDS: dict[str, tuple[Callable[[object], str | None], Callable[[str], Any]]] = {
    "tekst": (lambda v: None, str),
    "map": (lambda v: None, str),
    "datum": (_check_date, str),
    "datum_of_leeg": (_check_date_or_empty, str),
    "maand": (_check_month, str),
    "bestand": (_check_file, str),
    "aantal": (_check_count, int),
    "positief": (_check_positive, _number),
    "aandeel": (_check_fraction, _number),
    "codes": (_check_codes, list),
    "vlag": (lambda v: None, bool),
}


#: kind -> the Python type its value has in a notebook or parameter file
TYPES: dict[str, type | tuple[type, ...]] = {
    "aantal": int,
    "positief": (int, float),
    "aandeel": (int, float),
    "codes": list,
    "vlag": bool,
}


def _type_problem(kind: str, value: object) -> str | None:
    expected = TYPES.get(kind, str)
    if isinstance(value, bool) != (expected is bool) or not isinstance(value, expected):
        name = "float" if expected == (int, float) else expected.__name__
        return f"moet van type {name} zijn, niet {type(value).__name__}"
    return None


def _param(kind: str, *, default: object = MISSING, factory: Callable | None = None) -> Any:
    """A dataclass field of ``kind`` (see :data:`KINDS`)."""
    if factory is not None:
        return field(default_factory=factory, metadata={"kind": kind})
    return field(default=default, metadata={"kind": kind})


def cli_type(kind: str) -> Callable[[str], Any]:
    """An argparse ``type`` for a kind: the same check as the model, its message for argparse.

    Raises ``argparse.ArgumentTypeError`` with the model's Dutch problem text; argparse puts the
    option's name in front (``--min-volledigheid: moet tussen 0 en 1 liggen ...``).
    """
    import argparse

    check, convert = KINDS[kind]

    def parse(text: str) -> Any:
        if kind == "bestand" and text:
            text = str(Path(text).expanduser().absolute())  # relative to the working folder
        problem = check(text)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return convert(text)

    parse.__name__ = kind  # argparse names the type in some messages
    return parse


# ------------------------------------------------------------------------------------------
# The models


@dataclass(kw_only=True)
class ReportParams:
    """Parameters every report has (the shared start of each notebook's parameters cell)."""

    regio: str = _param("tekst")
    store: str = _param("map")
    peildatum: str = _param("datum")
    gemeenten: list[str] = _param("codes", factory=list)
    min_cel: int = _param("aantal", default=config.MIN_CELL)
    #: the region's aanbieders.csv (AGB code -> name); empty = aanbieders keep their code
    aanbieders: str = _param("bestand", default="")
    #: a region's own gemeente list (``gemeente,naam``) on top of the CBS list; empty = CBS only
    gemeentenamen: str = _param("bestand", default="")
    live: bool = _param("vlag", default=False)

    #: the notebook this model belongs to (file stem in ``notebooks/``)
    NOTEBOOK = ""

    @classmethod
    def spec(cls) -> dict[str, Field]:
        """Field name -> dataclass field, in declaration order."""
        return {f.name: f for f in fields(cls)}

    @classmethod
    def required(cls) -> list[str]:
        """Names without a default: a report must give them."""
        return [
            f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING
        ]

    @classmethod
    def default(cls, name: str) -> object:
        """The default of one parameter (from the YAML where the YAML holds it)."""
        f = cls.spec()[name]
        return f.default_factory() if f.default_factory is not MISSING else f.default

    def problems(self) -> list[str]:
        """Every problem with these values, in Dutch, each naming its parameter."""
        out = []
        for f in fields(self):
            kind, value = f.metadata["kind"], getattr(self, f.name)
            problem = _type_problem(kind, value) or KINDS[kind][0](value)
            if problem:
                out.append(f"parameter '{f.name}': {problem}")
        return out or self._relations()

    def _relations(self) -> list[str]:
        """Problems between parameters (only asked when each value is valid on its own)."""
        return []

    def validate(self) -> ReportParams:
        """Return self when valid.

        Raises
        ------
        ParameterError
            With every problem in one Dutch message.
        """
        problems = self.problems()
        if problems:
            raise ParameterError("; ".join(problems))
        return self


PERIOD_ORDER = "De periode moet lopen van periode_van tot periode_tot, niet na de peildatum."


@dataclass(kw_only=True)
class _PeriodParams(ReportParams):
    """A period of dates within the peildatum.

    Empty ``periode_van`` = from the first message, empty ``periode_tot`` = up to the peildatum.
    """

    periode_van: str = _param("datum_of_leeg", default="")
    periode_tot: str = _param("datum_of_leeg", default="")

    def _relations(self) -> list[str]:
        end = self.periode_tot or self.peildatum
        if end > self.peildatum or (self.periode_van and self.periode_van > end):
            return [PERIOD_ORDER]
        return []


@dataclass(kw_only=True)
class QuickscanParams(_PeriodParams):
    """Notebook 01_quickscan and ``python -m kit quickscan``."""

    controles: str = _param("bestand", default="")
    testdata_toegestaan: bool = _param("vlag", default=False)

    NOTEBOOK = "01_quickscan"


@dataclass(kw_only=True)
class DefinitiesParams(_PeriodParams):
    """Notebook 02_definities and ``python -m kit wachttijden`` (the period is the cohort)."""

    definities: str = _param("bestand", default="")

    NOTEBOOK = "02_definities"


@dataclass(kw_only=True)
class TrendsParams(ReportParams):
    """Notebook 03_trends and ``python -m kit trends``."""

    bevolking: str = _param("bestand", default="")
    norm_weken: float = _param("positief", factory=lambda: config.trend_settings()["norm_weken"])
    periode_van: str = _param("maand", default="")
    basislijn_van: str = _param("maand", default="")
    basislijn_tot: str = _param("maand", default="")
    min_volledigheid: float = _param("aandeel", factory=lambda: config.min_complete())

    NOTEBOOK = "03_trends"

    def _relations(self) -> list[str]:
        start, end = month(self.basislijn_van), month(self.basislijn_tot)
        if bool(start) != bool(end) or (start and start >= end):
            return [
                "Geef basislijn_van en basislijn_tot allebei (van vóór tot), of laat ze allebei "
                "leeg."
            ]
        return []


MODELS: dict[str, type[ReportParams]] = {
    m.NOTEBOOK: m for m in (QuickscanParams, DefinitiesParams, TrendsParams)
}


def for_notebook(notebook: str | Path) -> type[ReportParams] | None:
    """The parameter model of a kit notebook (by file stem), or None for another notebook."""
    return MODELS.get(Path(notebook).stem)
