"""Names instead of codes for readers: gemeenten, aanbieders and productcategorieën.

- Gemeenten: the CBS code list shipped as ``kit/gemeenten.csv`` (with herindelingen: a code has
  a first and last year), optionally extended by a region's own list (``gemeente,naam``, as the
  fictitious example region ships in ``data/example/gemeenten.csv``).
- Aanbieders: a user-supplied ``aanbieders.csv`` with columns ``agb_code`` (or ``aanbieder``)
  and ``naam``; other columns are ignored.
- Productcategorieën: codelist JZ020 from ``kit/codelijsten.yaml``.

:func:`add_names` adds a ``<column>_naam`` column and keeps the code column, so codes stay
available in CSVs and tooltips. An unknown code is shown as the code with ``(naam onbekend)``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kit.codelists import load_codelists

GEMEENTEN_FILE = Path(__file__).resolve().parent / "gemeenten.csv"
UNKNOWN = "naam onbekend"
KINDS = ("gemeente", "aanbieder", "categorie")


@dataclass(frozen=True)
class Gemeente:
    """One gemeente code of the CBS list.

    Attributes
    ----------
    naam : str
        Official name.
    vanaf, tot_en_met : int or None
        First and last year (indeling on 1 January) the code exists; None: open.
    opgegaan_in : str or None
        Code of the gemeente it merged into, when it no longer exists.
    """

    naam: str
    vanaf: int | None = None
    tot_en_met: int | None = None
    opgegaan_in: str | None = None


@dataclass(frozen=True)
class Names:
    """Code -> name look-ups for the report.

    Attributes
    ----------
    gemeenten : dict of str to Gemeente
        Per 4-digit gemeentecode.
    aanbieders : dict of str to str
        Per 8-digit AGB code.
    categorieen : dict of str to str
        Per JZ020 productcategorie code.
    """

    gemeenten: dict[str, Gemeente]
    aanbieders: dict[str, str] = field(default_factory=dict)
    categorieen: dict[str, str] = field(default_factory=dict)


class NamesFileError(ValueError):
    """A names file (aanbieders.csv, gemeenten.csv) that cannot be read; message in Dutch."""


def _rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and ``(line number, fields)`` of a CSV; ``#`` lines and empty lines skipped.

    Accepts a comma or semicolon (Excel) separator and a UTF-8 BOM.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NamesFileError(
            f"{path}: geen UTF-8-tekst (sla het bestand op als CSV UTF-8)"
        ) from exc
    lines = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        raise NamesFileError(f"{path}: het bestand is leeg")
    first = lines[0][1]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    parsed = []
    for number, line in lines:
        fields = next(csv.reader(io.StringIO(line), delimiter=delimiter))
        parsed.append((number, [f.strip() for f in fields]))
    header = [h.lower() for h in parsed[0][1]]
    return header, parsed[1:]


def _column(header: list[str], options: tuple[str, ...], path: Path) -> int:
    for name in options:
        if name in header:
            return header.index(name)
    raise NamesFileError(
        f"{path}: kolom {' of '.join(options)} ontbreekt (gevonden: {', '.join(header)})"
    )


def _year(value: str, path: Path, number: int, column: str) -> int | None:
    if not value:
        return None
    if not (value.isdigit() and len(value) == 4):
        raise NamesFileError(f"{path}, regel {number}: {column} '{value}' is geen jaartal")
    return int(value)


def gemeente_code(value: object) -> str:
    """Normalise a gemeentecode to 4 digits: ``GM0599``, ``599`` and ``0599`` give ``0599``."""
    text = str(value).strip().upper().removeprefix("GM")
    return text.zfill(4) if text.isdigit() and len(text) <= 4 else text


def read_gemeenten(path: Path = GEMEENTEN_FILE) -> dict[str, Gemeente]:
    """Read a gemeente list: ``code, naam`` and optionally ``vanaf, tot_en_met, opgegaan_in``.

    ``gemeente`` is accepted for ``code`` (the example region's ``gemeenten.csv``).

    Raises
    ------
    NamesFileError
        In Dutch, naming the file and line: a missing column, a code that is not 4 digits,
        an empty name, a year that is not a year, or a code listed twice.
    """
    path = Path(path)
    header, rows = _rows(path)
    i_code = _column(header, ("code", "gemeente", "gemeentecode"), path)
    i_name = _column(header, ("naam", "gemeentenaam"), path)
    optional = {c: header.index(c) for c in ("vanaf", "tot_en_met", "opgegaan_in") if c in header}
    result: dict[str, Gemeente] = {}
    seen: dict[str, int] = {}
    for number, fields in rows:
        if len(fields) != len(header):
            raise NamesFileError(
                f"{path}, regel {number}: {len(fields)} velden, verwacht {len(header)}"
            )
        code = gemeente_code(fields[i_code])
        if not (code.isdigit() and len(code) == 4):
            raise NamesFileError(
                f"{path}, regel {number}: gemeentecode '{fields[i_code]}' is geen code van "
                "4 cijfers"
            )
        if not fields[i_name]:
            raise NamesFileError(f"{path}, regel {number}: naam ontbreekt")
        if code in seen:
            raise NamesFileError(
                f"{path}, regel {number}: gemeentecode {code} staat al op regel {seen[code]}"
            )
        seen[code] = number
        get = {c: fields[i] for c, i in optional.items()}
        into = get.get("opgegaan_in", "")
        result[code] = Gemeente(
            naam=fields[i_name],
            vanaf=_year(get.get("vanaf", ""), path, number, "vanaf"),
            tot_en_met=_year(get.get("tot_en_met", ""), path, number, "tot_en_met"),
            opgegaan_in=gemeente_code(into) if into else None,
        )
    return result


def read_aanbieders(path: Path) -> dict[str, str]:
    """Read a user's ``aanbieders.csv``: AGB code (``agb_code`` or ``aanbieder``) -> ``naam``.

    Raises
    ------
    NamesFileError
        In Dutch, naming the file and line: a missing column, a row with the wrong number of
        fields, an AGB code that is not 8 digits, an empty name, or an AGB code listed twice.
    """
    path = Path(path)
    header, rows = _rows(path)
    i_code = _column(header, ("agb_code", "aanbieder", "agb-code", "agb"), path)
    i_name = _column(header, ("naam",), path)
    result: dict[str, str] = {}
    seen: dict[str, int] = {}
    for number, fields in rows:
        if len(fields) != len(header):
            raise NamesFileError(
                f"{path}, regel {number}: {len(fields)} velden, verwacht {len(header)} "
                f"({', '.join(header)})"
            )
        code = fields[i_code]
        if code.isdigit() and len(code) == 7:  # leading zero lost in Excel
            code = "0" + code
        if not (code.isdigit() and len(code) == 8):
            raise NamesFileError(
                f"{path}, regel {number}: AGB-code '{fields[i_code]}' is geen code van 8 cijfers"
            )
        if not fields[i_name]:
            raise NamesFileError(f"{path}, regel {number}: naam ontbreekt bij AGB-code {code}")
        if code in seen:
            raise NamesFileError(
                f"{path}, regel {number}: AGB-code {code} staat al op regel {seen[code]}"
            )
        seen[code] = number
        result[code] = fields[i_name]
    return result


def load_names(aanbieders_csv: Path | None = None, gemeenten_csv: Path | None = None) -> Names:
    """The look-ups for a report: the CBS gemeenten, the region's aanbieders and JZ020.

    Parameters
    ----------
    aanbieders_csv : pathlib.Path, optional
        The region's ``aanbieders.csv``; without it aanbieders keep their AGB code.
    gemeenten_csv : pathlib.Path, optional
        A region's own gemeente list (``gemeente,naam``), added to and overriding the CBS list
        (the fictitious example region uses codes 9901-9908).

    Raises
    ------
    NamesFileError
        When a file cannot be read (message in Dutch, with file and line).
    """
    gemeenten = read_gemeenten(GEMEENTEN_FILE)
    if gemeenten_csv is not None:
        gemeenten |= read_gemeenten(Path(gemeenten_csv))
    return Names(
        gemeenten=gemeenten,
        aanbieders=read_aanbieders(Path(aanbieders_csv)) if aanbieders_csv is not None else {},
        categorieen=dict(load_codelists().lists.get("JZ020", {})),
    )


def gemeente_name(names: Names, code: object, jaar: int | None = None) -> str:
    """Display name of a gemeentecode, for the year of the data when given.

    A code used after its gemeente was merged says so: ``Brielle (opgeheven per 2023, opgegaan
    in Voorne aan Zee)``; a code used before it existed: ``Voorne aan Zee (bestaat pas vanaf
    2023)``; an unknown code: ``1234 (naam onbekend)``.
    """
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return ""
    key = gemeente_code(code)
    entry = names.gemeenten.get(key)
    if entry is None:
        return f"{code} ({UNKNOWN})"
    if jaar is not None and entry.tot_en_met is not None and jaar > entry.tot_en_met:
        into = names.gemeenten.get(entry.opgegaan_in or "")
        merged = f", opgegaan in {into.naam}" if into else ""
        return f"{entry.naam} (opgeheven per {entry.tot_en_met + 1}{merged})"
    if jaar is not None and entry.vanaf is not None and jaar < entry.vanaf:
        return f"{entry.naam} (bestaat pas vanaf {entry.vanaf})"
    return entry.naam


def display_name(names: Names, kind: str, code: object, jaar: int | None = None) -> str:
    """Display name of one code of ``kind`` (``gemeente``, ``aanbieder`` or ``categorie``)."""
    if kind == "gemeente":
        return gemeente_name(names, code, jaar)
    if kind not in KINDS:
        raise ValueError(f"onbekende soort code {kind!r}: kies uit {', '.join(KINDS)}")
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return ""
    lookup = names.aanbieders if kind == "aanbieder" else names.categorieen
    key = str(code).strip()
    return lookup.get(key, f"{key} ({UNKNOWN})")


def add_names(
    frame: pd.DataFrame,
    names: Names,
    kind: str,
    *,
    column: str | None = None,
    jaar: int | str | None = None,
    target: str | None = None,
) -> pd.DataFrame:
    """A copy of ``frame`` with a display-name column next to a code column.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any frame with a code column.
    names : Names
        From :func:`load_names`.
    kind : str
        ``gemeente``, ``aanbieder`` or ``categorie``.
    column : str, optional
        The code column; default ``kind``.
    jaar : int or str, optional
        For gemeenten: the year of the data, or the name of a column holding a year or a date
        (``maand`` as ``JJJJ-MM``); without it the name ignores herindelingen.
    target : str, optional
        Name of the new column; default ``<column>_naam``.

    Returns
    -------
    pandas.DataFrame
        The frame with the code column unchanged and the name column right after it.
    """
    column = column or kind
    target = target or f"{column}_naam"
    out = frame.drop(columns=[target], errors="ignore")
    if isinstance(jaar, str):
        years = pd.to_datetime(out[jaar].astype(str), errors="coerce").dt.year
        values = [
            display_name(names, kind, code, None if pd.isna(y) else int(y))
            for code, y in zip(out[column], years, strict=True)
        ]
    else:
        values = [display_name(names, kind, code, jaar) for code in out[column]]
    out.insert(out.columns.get_loc(column) + 1, target, values)
    return out
