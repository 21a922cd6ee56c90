"""Step 1 (reading): a tabular export (CSV) -> the same store rows as the XML reader.

The tidy layout (documented in ``docs/tabelformaat.md``) has one row per message line: a column
``berichttype`` (301, 305, ...), the header columns (``Afzender``, ``Ontvanger``,
``Identificatie``, ``Dagtekening``), the client columns as iJw names (``Bsn``,
``Geboortedatum``, ``Geslacht``) and the record columns of the store table for that message type
(iJw element names, e.g. ``ToewijzingNummer``, ``Ingangsdatum``). Retours carry ``RetourCode``
(optionally ``niveau`` and ``DagtekeningRetour``). A region's own export with other column names
is read through a column-mapping YAML: ``kolommen: {their_name: iJw_name, ...}``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kit.config import read_yaml
from kit.contract import INVALID_TABLE, FieldSpec, Schema, convert, load_schema
from kit.privacy import Pseudonymiser
from kit.read_xml import ParsedFile
from kit.sources import Rejected

HEADER_COLUMNS = ("Afzender", "Ontvanger", "Identificatie", "Dagtekening")
# Store columns whose CSV source column has another name (the raw iJw element).
_RAW_SOURCE = {
    "client_id": "Bsn",
    "BsnElfproef": "Bsn",
    "BsnTestnummer": "Bsn",
    "Geboortemaand": "Geboortedatum",
}


def load_column_map(path: Path) -> dict[str, str]:
    """Read a column-mapping YAML (``kolommen: {export_name: iJw_name}``).

    Raises
    ------
    ValueError
        If the file has no ``kolommen`` mapping of strings.
    """
    mapping = read_yaml(path).get("kolommen")
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise ValueError(f"{path}: verwacht 'kolommen:' met paren 'kolom in export: iJw-naam'.")
    return mapping


def _csv_source(spec: FieldSpec) -> str:
    if spec.column in _RAW_SOURCE:
        return _RAW_SOURCE[spec.column]
    if spec.privacy == "aanwezig":
        return spec.column.removesuffix("Aanwezig")
    return spec.column


def _parent_tables(schema: Schema, berichttype: str) -> set[str]:
    """Tables whose record element contains another table's record element (same message)."""
    tables = schema.tables_for(berichttype)
    paths = {t.name: [p for _, p in t.records] for t in tables}
    return {
        name
        for name, own in paths.items()
        if any(
            p.startswith(o + "/")
            for other, ps in paths.items()
            if other != name
            for p in ps
            for o in own
        )
    }


def _read_rows(data: bytes, column_map: dict[str, str] | None) -> list[dict[str, str | None]]:
    """Read the CSV strictly: any malformed row rejects the whole file, naming its line.

    A quote that is never closed, a field running over several lines, a row with another number
    of fields than the header or a field over 128 KiB is a :class:`Rejected` with the line
    number (never a value), so no value of a malformed row reaches the store. An 8-digit (or
    7-digit) ``Bsn`` gets its leading zeros back (a spreadsheet drops them), so its pseudonym
    matches the one from XML.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Rejected("CSV is geen geldige UTF-8") from None
    if not text.strip():
        raise Rejected("leeg bestand")
    # the separator is the one the header line uses most (guessing from data rows goes wrong
    # exactly on the malformed rows this reader must catch)
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter, strict=True)
    mapping = column_map or {}
    rows: list[dict[str, str | None]] = []
    header: list[str] | None = None
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise Rejected(f"regel {line}: veld langer dan 128 KiB; {_NOT_READ}") from None
            raise Rejected(
                f"regel {line}: ongeldige CSV (aanhalingstekens kloppen niet); {_NOT_READ}"
            ) from None
        if not fields:  # an empty line
            continue
        if reader.line_num != line or any("\n" in f or "\r" in f for f in fields):
            raise Rejected(
                f"regel {line}: veld loopt over meerdere regels (aanhalingsteken niet gesloten?); "
                + _NOT_READ
            )
        if header is None:
            header = [mapping.get(k.strip(), k.strip()) for k in fields]
            continue
        if len(fields) != len(header):
            raise Rejected(
                f"regel {line}: {len(fields)} velden, de kopregel heeft er {len(header)}; "
                + _NOT_READ
            )
        row = {k: v.strip() or None for k, v in zip(header, fields, strict=True)}
        bsn = row.get("Bsn")
        if bsn is not None and bsn.isdigit() and len(bsn) in (7, 8):
            row["Bsn"] = bsn.zfill(9)
        rows.append(row)
    return rows


_NOT_READ = "het bestand is niet ingelezen (verbeter die regel en lees opnieuw in)"


def parse_csv(
    data: bytes,
    *,
    source: str,
    file_hash: str,
    pseudonymise: Pseudonymiser,
    column_map: dict[str, str] | None = None,
) -> ParsedFile:
    """Parse a tidy CSV export into store rows.

    Parameters
    ----------
    data : bytes
        The CSV file (UTF-8, separator ``,`` ``;`` or tab, first row = column names).
    source : str
        Display name of the file.
    file_hash : str
        Content hash; prefixes ``bericht_id``.
    pseudonymise : Pseudonymiser
        The region's key.
    column_map : dict, optional
        ``{export column: iJw column}`` applied before reading.

    Returns
    -------
    ParsedFile
        Rows per table; lines with the same berichttype, Afzender and Identificatie form one
        message.

    Raises
    ------
    Rejected
        When a required column is missing or a row has an unknown berichttype; the reason names
        the column or row number, never a value.
    """
    schema = load_schema()
    rows_in = _read_rows(data, column_map)
    if not rows_in:
        raise Rejected("CSV zonder gegevensregels")
    missing = [c for c in ("berichttype", *HEADER_COLUMNS) if c not in rows_in[0]]
    if missing:
        raise Rejected(f"CSV mist verplichte kolom(men): {', '.join(missing)}")
    out: dict[str, list[dict]] = {}
    headers: dict[tuple, dict] = {}
    parents_seen: set[tuple] = set()
    next_regel: dict[str, int] = {}  # rows numbered per message over all tables, as in XML
    invalid: dict[tuple, int] = {}  # (message, table, column, CSV column, kind) -> count
    header_specs = [
        s for s in schema.header if s.column in ("Afzender", "Ontvanger", "Identificatie")
    ]
    for number, row in enumerate(rows_in, start=2):
        for spec in header_specs:  # a BSN-shaped value in a header column is masked, as in XML
            if spec.column in row:
                row[spec.column] = convert(row[spec.column], spec, pseudonymise)
        berichttype = (row.get("berichttype") or "").upper().removeprefix("JW")
        if berichttype not in schema.berichten:
            raise Rejected(f"regel {number}: onbekend berichttype")
        for column in HEADER_COLUMNS:  # the header is mandatory, as in XML (kop_verplicht)
            if not row.get(column):
                raise Rejected(f"regel {number}: verplicht veld {column} is leeg")
        info = schema.berichten[berichttype]
        heen = info.get("heen", berichttype)
        by_gemeente = schema.berichten[heen]["afzender"] == "gemeente"
        msg_key = (berichttype, row["Afzender"], row["Identificatie"])
        header = headers.get(msg_key)
        if header is None:
            header = {
                "bericht_id": f"{file_hash[:16]}-{len(headers)}",
                "bron": source,
                "berichttype": berichttype,
                "gemeente": row["Afzender"] if by_gemeente else row["Ontvanger"],
                "aanbieder": row["Ontvanger"] if by_gemeente else row["Afzender"],
            }
            headers[msg_key] = header
            out.setdefault("berichten", []).append(
                header
                | {k: row.get(k) for k in (*HEADER_COLUMNS, "DagtekeningRetour")}
                | {
                    "heen_berichttype": heen,
                    "is_retour": "heen" in info,
                    "n_regels": 0,
                    "BerichtCode": str(info["code"]),
                    "xsd_gevalideerd": False,
                }
            )
        base = {
            k: header[k] for k in ("bericht_id", "bron", "berichttype", "gemeente", "aanbieder")
        }
        client = {
            s.column: convert(row.get(_csv_source(s)), s, pseudonymise) for s in schema.client
        }
        if row.get("RetourCode"):
            out.setdefault("retourcodes", []).append(
                base
                | {k: row.get(k) for k in (*HEADER_COLUMNS, "DagtekeningRetour", "RetourCode")}
                | {  # keys of the original message: a BSN-shaped value masked, as in XML
                    s.column: convert(row.get(s.column) or None, s, pseudonymise)
                    for s in schema.retour_keys
                }
                | {
                    "heen_berichttype": heen,
                    "niveau": row.get("niveau") or "Header",
                    "client_id": client["client_id"],
                }
            )
        for table in schema.tables_for(berichttype):
            if table.name in _parent_tables(schema, berichttype):
                # e.g. declaraties: one row per Declaratie, repeated on every prestatie line
                seen = (header["bericht_id"], *(row.get(_csv_source(s)) for s in table.fields))
                if seen in parents_seen:
                    continue
                parents_seen.add(seen)
            record = base | {
                "regel": next_regel.get(header["bericht_id"], 0),
                "Identificatie": row["Identificatie"],
                "Dagtekening": row["Dagtekening"],
            }
            if table.client:
                record |= client
            record |= {
                s.column: convert(row.get(_csv_source(s)), s, pseudonymise) for s in table.fields
            }
            for spec in (*(schema.client if table.client else ()), *table.fields):
                # a value given but not usable (no real date, no whole number): empty, recorded
                if record[spec.column] is None and row.get(_csv_source(spec)) is not None:
                    kind = spec.privacy or ("datum" if spec.kind == "datum" else "geheel getal")
                    key = (header["bericht_id"], table.name, spec.column, _csv_source(spec), kind)
                    invalid[key] = invalid.get(key, 0) + 1
            if any(soort for soort, _ in table.records):
                record["Soort"] = row.get("Soort")
            out.setdefault(table.name, []).append(record)
            next_regel[header["bericht_id"]] = record["regel"] + 1
    if invalid:
        by_id = {h["bericht_id"]: h for h in out["berichten"]}
        out[INVALID_TABLE] = [
            {
                k: by_id[bericht_id][k]
                for k in ("bericht_id", "bron", "berichttype", "gemeente", "aanbieder")
            }
            | {
                "Dagtekening": by_id[bericht_id]["Dagtekening"],
                "tabel": table,
                "kolom": column,
                "element": source_column,
                "soort": kind,
                "aantal": n,
            }
            for (bericht_id, table, column, source_column, kind), n in invalid.items()
        ]
    counts: dict[str, int] = {}
    for table, rows in out.items():
        if table not in ("berichten", INVALID_TABLE):
            for r in rows:
                counts[r["bericht_id"]] = counts.get(r["bericht_id"], 0) + 1
    for header in out["berichten"]:
        header["n_regels"] = counts.get(header["bericht_id"], 0)
    return ParsedFile(out)
