"""Step 1 (reading): iJw 3.2 XML files, folders and archives -> message rows per store table.

Every file is either parsed into rows or rejected with a Dutch reason a person understands.
Namespaces below the root ``Bericht`` are ignored (elements are found by local name), so messages
from systems that qualify elements differently still read; the root namespace decides the
message type and version.
"""

from __future__ import annotations

import re
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

from kit import config
from kit.privacy import Pseudonymiser, bsn_elfproef, bsn_is_test, scrub

IJW_NS = re.compile(
    r"^\{http://www\.istandaarden\.nl/(?P<domein>[a-z]+)/(?P<versie>\d+_\d+)/"
    r"(?P<soort>[a-z]+)(?P<nr>\d{3})/schema\}Bericht$"
)
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2")
# libxml2 must not fetch anything or expand entities from outside the file.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class Rejected(Exception):
    """A file or message that cannot be loaded; ``reason`` is Dutch and holds no record values."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FieldSpec:
    """One column read from an element path."""

    column: str
    path: str  # ElementPath with {*} wildcards, relative to the record or to ancestor ``van``
    kind: str  # tekst | code | datum | tijd | getal | bedrag | bsn_elfproef | bsn_test
    privacy: str | None = None
    van: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """How one store table is read from one message type."""

    name: str
    berichttype: str
    records: tuple[tuple[str | None, str], ...]  # (value of column Soort or None, record path)
    fields: tuple[FieldSpec, ...]
    client: str | None = None


@dataclass
class Schema:
    """The parsed ``berichten.yaml``: message types, header fields and tables."""

    berichten: dict[str, dict]
    header: tuple[FieldSpec, ...]
    client: tuple[FieldSpec, ...]
    tables: dict[str, TableSpec]
    retour_keys: tuple[FieldSpec, ...]
    raw: dict = field(repr=False)

    def tables_for(self, berichttype: str) -> list[TableSpec]:
        """Return the table specs fed by one message type."""
        return [t for t in self.tables.values() if t.berichttype == berichttype]

    def columns(self, table: str) -> dict[str, str]:
        """Return ``{column: kind}`` of a store table in a stable order."""
        if table == "berichten":
            cols = {
                "bericht_id": "tekst",
                "bron": "tekst",
                "berichttype": "code",
                "heen_berichttype": "code",
                "is_retour": "bool",
                "gemeente": "code",
                "aanbieder": "code",
            }
            cols |= {f.column: f.kind for f in self.header}
            cols |= {"n_regels": "getal", "xsd_gevalideerd": "bool"}
            return cols
        if table == "retourcodes":
            cols = {c: "tekst" for c in ("bericht_id", "bron")}
            cols |= {
                "heen_berichttype": "code",
                "gemeente": "code",
                "aanbieder": "code",
                "Afzender": "code",
                "Ontvanger": "code",
                "Identificatie": "tekst",
                "Dagtekening": "datum",
                "DagtekeningRetour": "datum",
                "niveau": "tekst",
                "client_id": "tekst",
            }
            cols |= {f.column: f.kind for f in self.retour_keys}
            cols |= {"RetourCode": "code"}
            return cols
        spec = self.tables[table]
        cols = {
            "bericht_id": "tekst",
            "bron": "tekst",
            "berichttype": "code",
            "gemeente": "code",
            "aanbieder": "code",
            "regel": "getal",
            "Identificatie": "tekst",
            "Dagtekening": "datum",
        }
        if any(soort for soort, _ in spec.records):
            cols["Soort"] = "code"
        if spec.client:
            cols |= {f.column: _stored_kind(f) for f in self.client}
        cols |= {f.column: _stored_kind(f) for f in spec.fields}
        return cols


def _stored_kind(spec: FieldSpec) -> str:
    if spec.privacy == "aanwezig" or spec.kind in ("bsn_elfproef", "bsn_test"):
        return "bool"
    if spec.privacy in ("bsn", "geboortedatum"):
        return "tekst"
    return spec.kind


def _elementpath(path: str) -> str:
    return "/".join("{*}" + part for part in path.split("/"))


def _field_specs(entries: dict) -> tuple[FieldSpec, ...]:
    return tuple(
        FieldSpec(
            column=name,
            path=_elementpath(entry["pad"]),
            kind=entry["type"],
            privacy=entry.get("privacy"),
            van=entry.get("van"),
        )
        for name, entry in entries.items()
    )


@cache
def load_schema() -> Schema:
    """Load ``kit/berichten.yaml`` into a :class:`Schema` (cached)."""
    raw = config.package_yaml("berichten.yaml")
    tables = {}
    for name, entry in raw["tabellen"].items():
        record = entry["record"]
        records = (
            tuple((soort, _elementpath(p)) for soort, p in record.items())
            if isinstance(record, dict)
            else ((None, _elementpath(record)),)
        )
        tables[name] = TableSpec(
            name=name,
            berichttype=str(entry["bericht"]),
            records=records,
            fields=_field_specs(entry["velden"]),
            client=entry.get("client"),
        )
    return Schema(
        berichten={str(k): v for k, v in raw["berichten"].items()},
        header=_field_specs(raw["kop"]),
        client=_field_specs(raw["client"]),
        tables=tables,
        retour_keys=_field_specs(raw["retourcodes"]["sleutels"]),
        raw=raw,
    )


# --------------------------------------------------------------------------------------------
# Sources: files, folders and archives


@dataclass(frozen=True)
class SourceFile:
    """One input file: its display name, a cheap signature and a way to read its bytes."""

    name: str
    signature: str
    read: Callable[[], bytes]


def _display(path: Path) -> str:
    return mask_bsn_like(str(path))


def mask_bsn_like(text: str) -> str:
    """Mask every 9-digit number that passes the 11-proef (it may be a BSN in a file name)."""
    return re.sub(r"(?<!\d)\d{9}(?!\d)", lambda m: "<bsn>" if bsn_elfproef(m[0]) else m[0], text)


def _is_archive(path: Path) -> bool:
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


def iter_sources(paths: list[Path]) -> Iterator[SourceFile]:
    """Yield every input file below ``paths`` (recursively, archives opened), in a stable order.

    A corrupt archive is yielded as one file whose ``read`` raises :class:`Rejected`. Hidden
    files and folders (names starting with ".") are skipped.

    Parameters
    ----------
    paths : list of pathlib.Path
        Files, folders, ``.zip`` or ``.tar(.gz/.xz)`` archives.

    Yields
    ------
    SourceFile
    """
    for root in paths:
        root = Path(root)
        if not root.exists():
            raise FileNotFoundError(f"Bron bestaat niet: {root}")
        if root.is_dir():
            files = sorted(
                p
                for p in root.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
            )
            for path in files:
                shown = Path(root.name) / path.relative_to(root)
                yield from _file_sources(path, shown)
        else:
            yield from _file_sources(root, Path(root.name))


def _file_sources(path: Path, shown: Path) -> Iterator[SourceFile]:
    stat = path.stat()
    sig = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    if not _is_archive(path):
        yield SourceFile(_display(shown), sig, path.read_bytes)
        return
    try:
        if path.name.lower().endswith(".zip"):
            yield from _zip_members(path, shown, sig)
        else:
            yield from _tar_members(path, shown, sig)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError) as exc:
        reason = f"beschadigd of onleesbaar archief ({type(exc).__name__})"

        def fail(reason: str = reason) -> bytes:
            raise Rejected(reason)

        yield SourceFile(_display(shown), sig, fail)


def _zip_members(path: Path, shown: Path, sig: str) -> Iterator[SourceFile]:
    with zipfile.ZipFile(path) as zf:
        infos = sorted((i for i in zf.infolist() if not i.is_dir()), key=lambda i: i.filename)
    for info in infos:
        if any(part.startswith(".") or part == "__MACOSX" for part in info.filename.split("/")):
            continue

        def read(info: zipfile.ZipInfo = info) -> bytes:
            with zipfile.ZipFile(path) as zf:
                return zf.read(info)

        yield SourceFile(
            _display(Path(f"{shown}!{info.filename}")),
            f"{sig}!{info.filename}|{info.CRC}|{info.file_size}",
            read,
        )


def _tar_members(path: Path, shown: Path, sig: str) -> Iterator[SourceFile]:
    # Read the whole archive once: tar (xz/gz) has no random access worth using.
    with tarfile.open(path) as tf:
        members = [(m.name, tf.extractfile(m).read()) for m in tf.getmembers() if m.isfile()]
    for name, data in sorted(members):
        if any(part.startswith(".") for part in name.split("/")):
            continue
        yield SourceFile(
            _display(Path(f"{shown}!{name}")),
            f"{sig}!{name}|{len(data)}",
            lambda data=data: data,
        )


# --------------------------------------------------------------------------------------------
# Parsing one file


@dataclass
class ParsedFile:
    """Rows read from one file: ``{table: [row dict, ...]}`` plus one header row per message."""

    rows: dict[str, list[dict]]


def parse_bytes(
    data: bytes,
    *,
    source: str,
    file_hash: str,
    pseudonymise: Pseudonymiser,
    schemas: dict[str, etree.XMLSchema] | None = None,
) -> ParsedFile:
    """Parse one file's bytes into store rows.

    Parameters
    ----------
    data : bytes
        File content.
    source : str
        Display name of the file, stored in column ``bron``.
    file_hash : str
        Content hash of the file; the first 16 characters prefix ``bericht_id``.
    pseudonymise : Pseudonymiser
        Turns a BSN into the region's pseudonym.
    schemas : dict, optional
        ``{namespace: XMLSchema}``; when given, each message is validated and an invalid one is
        rejected.

    Returns
    -------
    ParsedFile

    Raises
    ------
    Rejected
        With a Dutch reason when the file is not a loadable iJw 3.2 message.
    """
    root = _parse_root(data)
    messages = _find_messages(root)
    schema = load_schema()
    rows: dict[str, list[dict]] = {}
    for index, bericht in enumerate(messages):
        match = IJW_NS.match(bericht.tag)
        berichttype = match["nr"]
        validated = False
        if schemas is not None:
            validated = _validate(bericht, schemas)
        _read_message(
            bericht,
            berichttype,
            bericht_id=f"{file_hash[:16]}-{index}",
            source=source,
            pseudonymise=pseudonymise,
            schema=schema,
            rows=rows,
            validated=validated,
        )
    return ParsedFile(rows)


def _parse_root(data: bytes) -> etree._Element:
    if not data.strip():
        raise Rejected("leeg bestand")
    head = data.lstrip()[:1]
    if head not in (b"<", b"\xef"):
        raise Rejected("geen XML-bestand (de inhoud begint niet met '<')")
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        text = str(exc)
        if "UTF-8" in text or "encoding" in text.lower() or "Char 0x" in text:
            raise Rejected(f"ongeldige tekens: het bestand is geen geldige UTF-8 ({scrub(text)})") from None
        if "Premature end" in text or "EndTag" in text or "expected '>'" in text:
            raise Rejected(f"XML is afgebroken of onvolledig ({scrub(text)})") from None
        raise Rejected(f"XML is beschadigd ({scrub(text)})") from None


def _find_messages(root: etree._Element) -> list[etree._Element]:
    if IJW_NS.match(root.tag):
        candidates = [root]
    else:  # a transport wrapper (e.g. a StUF envelope): look for iJw messages inside
        candidates = [
            el
            for el in root.iter("{*}Bericht")
            if IJW_NS.match(el.tag)
        ]
    if not candidates:
        ns = etree.QName(root).namespace or "geen"
        raise Rejected(f"geen iJw-bericht gevonden (hoofdelement {etree.QName(root).localname}, namespace {ns})")
    schema = load_schema()
    for el in candidates:
        m = IJW_NS.match(el.tag)
        domein, versie, soort, nr = m["domein"], m["versie"], m["soort"], m["nr"]
        if domein != "ijw" or soort != "jw":
            raise Rejected(f"bericht uit een andere standaard ({domein} {soort}{nr}); de kit leest alleen iJw")
        if versie != "3_2":
            raise Rejected(
                f"iJw-versie {versie.replace('_', '.')} wordt niet ondersteund; de kit leest alleen iJw 3.2"
            )
        if nr not in schema.berichten:
            raise Rejected(f"onbekende berichtsoort JW{nr}")
        code = el.findtext("{*}Header/{*}BerichtCode")
        if code is None:
            raise Rejected(f"JW{nr} zonder Header/BerichtCode")
        expected = str(schema.berichten[nr]["code"])
        if code.strip() != expected:
            raise Rejected(f"BerichtCode {scrub(code.strip())} past niet bij berichtsoort JW{nr} (verwacht {expected})")
    return candidates


def _validate(bericht: etree._Element, schemas: dict[str, etree.XMLSchema]) -> bool:
    ns = etree.QName(bericht).namespace
    xsd = schemas.get(ns)
    if xsd is None:
        return False
    if not xsd.validate(etree.ElementTree(bericht) if bericht.getparent() is None else _detached(bericht)):
        err = xsd.error_log.last_error
        raise Rejected(
            f"voldoet niet aan de XSD: {err.type_name} bij {scrub(err.path or '?')} (regel {err.line})"
        )
    return True


def _detached(el: etree._Element) -> etree._ElementTree:
    return etree.ElementTree(etree.fromstring(etree.tostring(el)))


def _text(el: etree._Element, path: str) -> str | None:
    value = el.findtext(path)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _value(el: etree._Element | None, spec: FieldSpec, pseudonymise: Pseudonymiser):
    return None if el is None else convert(_text(el, spec.path), spec, pseudonymise)


def convert(raw: str | None, spec: FieldSpec, pseudonymise: Pseudonymiser):
    """Turn one element's text into the stored value, applying the field's privacy rule.

    Parameters
    ----------
    raw : str or None
        Stripped element text (``None`` when absent or empty).
    spec : FieldSpec
        The field, from ``berichten.yaml``.
    pseudonymise : Pseudonymiser
        Used for BSN fields.

    Returns
    -------
    str, bool or None
        Text as read, a pseudonym for a BSN, ``JJJJ-MM`` for a birth date, a flag for
        ``aanwezig`` fields and for the BSN checks.
    """
    if spec.privacy == "aanwezig":
        return raw is not None
    if raw is None:
        return None
    if spec.privacy == "bsn":
        return pseudonymise(raw)
    if spec.kind == "bsn_elfproef":
        return bsn_elfproef(raw)
    if spec.kind == "bsn_test":
        return bsn_is_test(raw)
    if spec.privacy == "geboortedatum":
        return raw[:7]
    return raw


def _ancestor(el: etree._Element, localname: str) -> etree._Element | None:
    parent = el.getparent()
    suffix = "}" + localname
    while parent is not None:
        if parent.tag.endswith(suffix) or parent.tag == localname:
            return parent
        parent = parent.getparent()
    return None


def _read_message(
    bericht: etree._Element,
    berichttype: str,
    *,
    bericht_id: str,
    source: str,
    pseudonymise: Pseudonymiser,
    schema: Schema,
    rows: dict[str, list[dict]],
    validated: bool,
) -> None:
    header_el = bericht.find("{*}Header")
    if header_el is None:
        raise Rejected(f"JW{berichttype} zonder Header")
    header = {spec.column: _value(header_el, spec, pseudonymise) for spec in schema.header}
    if not header["Afzender"] or not header["Ontvanger"] or not header["Identificatie"]:
        raise Rejected(f"JW{berichttype}: Afzender, Ontvanger of BerichtIdentificatie ontbreekt in de Header")
    info = schema.berichten[berichttype]
    heen = info.get("heen", berichttype)
    by_gemeente = schema.berichten[heen]["afzender"] == "gemeente"
    gemeente = header["Afzender"] if by_gemeente else header["Ontvanger"]
    aanbieder = header["Ontvanger"] if by_gemeente else header["Afzender"]
    base = {
        "bericht_id": bericht_id,
        "bron": source,
        "berichttype": berichttype,
        "gemeente": gemeente,
        "aanbieder": aanbieder,
    }
    n_rows = 0
    for table in schema.tables_for(berichttype):
        out = rows.setdefault(table.name, [])
        for soort, record_path in table.records:
            for record in bericht.iterfind(record_path):
                row = dict(base, regel=n_rows, Identificatie=header["Identificatie"],
                           Dagtekening=header["Dagtekening"])
                if soort is not None:
                    row["Soort"] = soort
                if table.client:
                    client_el = _ancestor(record, table.client)
                    for spec in schema.client:
                        row[spec.column] = _value(client_el, spec, pseudonymise)
                for spec in table.fields:
                    holder = record if spec.van is None else _ancestor(record, spec.van)
                    row[spec.column] = _value(holder, spec, pseudonymise)
                out.append(row)
                n_rows += 1
    n_codes = _read_retourcodes(
        bericht, heen, base=base, header=header, pseudonymise=pseudonymise, schema=schema, rows=rows
    )
    rows.setdefault("berichten", []).append(
        base
        | {
            "heen_berichttype": heen,
            "is_retour": "heen" in info,
            **header,
            "n_regels": n_rows or n_codes,
            "xsd_gevalideerd": validated,
        }
    )


def _read_retourcodes(
    bericht: etree._Element,
    heen: str,
    *,
    base: dict,
    header: dict,
    pseudonymise: Pseudonymiser,
    schema: Schema,
    rows: dict[str, list[dict]],
) -> int:
    n = 0
    for code_el in bericht.iterfind(".//{*}RetourCodes/{*}RetourCode"):
        holder = code_el.getparent().getparent()
        client_el = holder if holder.tag.endswith("}Client") else _ancestor(holder, "Client")
        row = dict(
            base,
            heen_berichttype=heen,
            Afzender=header["Afzender"],
            Ontvanger=header["Ontvanger"],
            Identificatie=header["Identificatie"],
            Dagtekening=header["Dagtekening"],
            DagtekeningRetour=header.get("DagtekeningRetour"),
            niveau=etree.QName(holder).localname,
            client_id=_value(client_el, schema.client[0], pseudonymise),
            RetourCode=(code_el.text or "").strip() or None,
        )
        for spec in schema.retour_keys:
            row[spec.column] = _value(holder, spec, pseudonymise)
        rows.setdefault("retourcodes", []).append(row)
        n += 1
    return n


def load_xsds(folder: Path) -> dict[str, etree.XMLSchema]:
    """Compile every ``*.xsd`` in ``folder`` that declares a jw3NN message namespace.

    Parameters
    ----------
    folder : pathlib.Path
        Folder with the official iJw XSDs as supplied by the user (basisschema included).

    Returns
    -------
    dict
        ``{targetNamespace: XMLSchema}`` for the message schemas.

    Raises
    ------
    ValueError
        If the folder holds no message schema or a schema does not compile.
    """
    schemas = {}
    for path in sorted(Path(folder).glob("*.xsd")):
        doc = etree.parse(str(path))
        target = doc.getroot().get("targetNamespace", "")
        if not re.search(r"/jw\d{3}/schema$", target):
            continue
        try:
            schemas[target] = etree.XMLSchema(doc)
        except etree.XMLSchemaParseError as exc:
            raise ValueError(f"XSD {path.name} is niet te gebruiken: {scrub(str(exc))}") from None
    if not schemas:
        raise ValueError(f"Geen iJw-berichtschema's (jw3NN) gevonden in {folder}")
    return schemas
