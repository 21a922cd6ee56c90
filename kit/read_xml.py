"""Step 1 (reading): iJw 3.2 XML files -> message rows per store table.

Every file is either parsed into rows or rejected with a Dutch reason a person understands.
Namespaces below the root ``Bericht`` are ignored (elements are found by local name), so messages
from systems that qualify elements differently still read; the root namespace decides the
message type and version. Files come from :func:`kit.sources.iter_sources`; values are
converted by the contract of :mod:`kit.contract`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from lxml import etree

from kit.contract import (
    CHECK_KINDS,
    INVALID_TABLE,
    FieldGroup,
    FieldSpec,
    Schema,
    TableSpec,
    convert,
    field_trie,
    load_schema,
    masked_value,
)
from kit.privacy import Pseudonymiser, scrub
from kit.sources import (
    Rejected,
)

IJW_NS = re.compile(
    r"^\{http://www\.istandaarden\.nl/(?P<domein>[a-z]+)/(?P<versie>\d+_\d+)/"
    r"(?P<soort>[a-z]+)(?P<nr>\d{3})/schema\}Bericht$"
)


# Any iStandaarden namespace (other standards and versions too), to say what a message is.
ISTANDAARD_NS = re.compile(r"^\{https?://www\.istandaarden\.nl/(?P<rest>[^}]*)\}Bericht$")


STANDARD_NAMES = {"ijw": "iJw", "iwmo": "iWmo", "ieb": "iEb", "ipgb": "iPgb"}


# libxml2 must not fetch anything or expand entities from outside the file. Comments and
# processing instructions are dropped while parsing, so `<Bsn>1234<!-- x -->56782</Bsn>` reads as
# one text (lxml's .text would otherwise stop at the comment).
_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


# StUF-GGk envelope (VNG-Realisatie/StUF-koppelvlak-iWmo-iJw): the iJw message travels
# base64-encoded in parameters/bericht/xmlBestand (ggk0210) or in parameters/bericht itself
# (ggk0310, base64Binary with an xmime:contentType attribute). tekstBestand carries a text file.
ENVELOPE_PAYLOADS = ("{*}xmlBestand", "{*}bericht", "{*}tekstBestand")


_MAX_NESTING = 3  # envelopes inside envelopes, at most


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


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _parse_root(data: bytes) -> etree._Element:
    head = data[:64].lstrip()[:1] or data.lstrip()[:1]  # no copy of the whole file
    if not head:
        raise Rejected("leeg bestand")
    if data[:2] in _UTF16_BOMS:  # UTF-16 with a byte order mark: lxml reads it
        head = b"<"
    elif data[:1].isspace() and data[:1024].lstrip()[:5] == b"<?xml":
        data = data.lstrip()  # white space before the XML declaration (not well-formed)
    if head not in (b"<", b"\xef"):
        raise Rejected("geen XML-bestand (de inhoud begint niet met '<')")
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        text = str(exc)
        if "UTF-8" in text or "encoding" in text.lower() or "Char 0x" in text:
            raise Rejected(
                f"ongeldige tekens: het bestand is geen geldige UTF-8 ({scrub(text)})"
            ) from None
        if "Premature end" in text or "EndTag" in text or _at_end(exc, data):
            raise Rejected(f"XML is afgebroken of onvolledig ({scrub(text)})") from None
        raise Rejected(f"XML is beschadigd ({scrub(text)})") from None


def _at_end(exc: etree.XMLSyntaxError, data: bytes) -> bool:
    """Whether a syntax error lies on the last line: the file stops inside a tag or value."""
    line = (exc.position or (0, 0))[0]
    text = str(exc)
    if "mismatch" in text or "Extra content" in text:  # complete, but wrong
        return False
    return line >= data.rstrip().count(b"\n") + 1


def _find_messages(root: etree._Element, depth: int = 0) -> list[etree._Element]:
    """Return the iJw 3.2 messages in a document.

    The root, messages inside a wrapper written out as XML, or messages carried base64-encoded
    in a StUF-GGk envelope.

    Raises :class:`Rejected` when there is none, or when any message is of another standard,
    version or unknown type (the file is then rejected as a whole).
    """
    if _is_bericht(root.tag):
        candidates = [root]
    else:  # a transport wrapper (e.g. a StUF envelope): look for messages inside
        candidates = [el for el in root.iter("{*}Bericht") if _is_bericht(el.tag)]
        if not candidates:
            candidates = _envelope_messages(root, depth)
    if not candidates:
        ns = etree.QName(root).namespace or "geen"
        raise Rejected(
            f"geen iJw-bericht gevonden (hoofdelement {etree.QName(root).localname}, namespace {ns})"
        )
    schema = load_schema()
    for el in candidates:
        m = IJW_NS.match(el.tag)
        if m is None or m["domein"] != "ijw" or m["soort"] != "jw":
            raise Rejected(_other_standard(el.tag))
        if m["versie"] != "3_2":
            raise Rejected(
                f"iJw-versie {m['versie'].replace('_', '.')} wordt niet ondersteund; "
                "de kit leest alleen iJw 3.2"
            )
        if m["nr"] not in schema.berichten:
            raise Rejected(f"onbekende berichtsoort JW{m['nr']}")
    return candidates


def _is_bericht(tag: object) -> bool:
    return type(tag) is str and ISTANDAARD_NS.match(tag) is not None


def _other_standard(tag: str) -> str:
    """Dutch reason for a message of another iStandaard or version, naming both."""
    rest = ISTANDAARD_NS.match(tag)["rest"].lower()
    domein = re.search(r"(?:^|/)(i[a-z]+)(?:/|$)", rest)
    versie = re.search(r"(?:^|/)v?(\d+)[_.](\d+)(?:/|$)", rest)
    nummer = re.search(r"(?:^|/)([a-z]+)(\d{3})(?:/|$)", rest)
    name = STANDARD_NAMES.get(domein[1], domein[1]) if domein else "onbekende standaard"
    if versie:
        name += f" {versie[1]}.{versie[2]}"
    if nummer:
        name += f", bericht {nummer[1].upper()}{nummer[2]}"
    if domein and domein[1] == "ijw" and versie and (versie[1], versie[2]) == ("3", "2"):
        return (
            f"namespace {scrub(tag[1 : tag.index('}')])} is geen iJw 3.2-berichtnamespace "
            "(verwacht http://www.istandaarden.nl/ijw/3_2/jwNNN/schema)"
        )
    if domein and domein[1] == "ijw" and versie:  # iJw, but another version
        return (
            f"iJw-versie {versie[1]}.{versie[2]} wordt niet ondersteund; "
            "de kit leest alleen iJw 3.2"
        )
    return f"bericht uit een andere standaard ({name}); de kit leest alleen iJw 3.2"


def _envelope_messages(root: etree._Element, depth: int) -> list[etree._Element]:
    """Messages carried base64-encoded in a StUF-GGk envelope (ggk0210 and ggk0310)."""
    found: list[etree._Element] = []
    text_files = 0
    for el in root.iter(*ENVELOPE_PAYLOADS):
        text = el.text
        if len(el) or not text or not text.strip():  # a container, not a payload
            continue
        if etree.QName(el).localname == "tekstBestand":
            text_files += 1
            continue
        if depth >= _MAX_NESTING:
            raise Rejected("StUF-envelop: te veel enveloppen in elkaar")
        content_type = next((v for k, v in el.attrib.items() if k.endswith("contentType")), None)
        try:
            data = base64.b64decode("".join(text.split()).encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raise Rejected(
                f"StUF-envelop: de inhoud van {etree.QName(el).localname} is geen geldige base64"
            ) from None
        try:
            inner = _parse_root(data)
        except Rejected as exc:
            about = f" (contentType {scrub(content_type)})" if content_type else ""
            raise Rejected(f"StUF-envelop{about}: het ingepakte bestand: {exc.reason}") from None
        found.extend(_find_messages(inner, depth + 1))
    if not found and text_files:
        raise Rejected(
            "StUF-envelop met een tekstbestand (tekstBestand), geen iJw-bericht (xmlBestand)"
        )
    return found


# Dutch phrases for the libxml2 schema errors met most (type_name of the error).
XSD_ERRORS = {
    "SCHEMAV_ELEMENT_CONTENT": "element staat niet op deze plaats of ontbreekt",
    "SCHEMAV_CVC_COMPLEX_TYPE_2_4": "verplicht element ontbreekt of element staat niet op deze plaats",
    "SCHEMAV_CVC_COMPLEX_TYPE_2_3": "tekst staat waar alleen elementen mogen staan",
    "SCHEMAV_CVC_COMPLEX_TYPE_2_1": "element moet leeg zijn",
    "SCHEMAV_CVC_COMPLEX_TYPE_3_2_1": "attribuut is hier niet toegestaan",
    "SCHEMAV_CVC_COMPLEX_TYPE_4": "verplicht attribuut ontbreekt",
    "SCHEMAV_CVC_DATATYPE_VALID_1_2_1": "waarde heeft niet het juiste type (datum, getal, ...)",
    "SCHEMAV_CVC_PATTERN_VALID": "waarde heeft niet het voorgeschreven formaat",
    "SCHEMAV_CVC_ENUMERATION_VALID": "code staat niet in de codelijst",
    "SCHEMAV_CVC_LENGTH_VALID": "waarde heeft niet de voorgeschreven lengte",
    "SCHEMAV_CVC_MINLENGTH_VALID": "waarde is te kort",
    "SCHEMAV_CVC_MAXLENGTH_VALID": "waarde is te lang",
    "SCHEMAV_CVC_MININCLUSIVE_VALID": "waarde is te klein",
    "SCHEMAV_CVC_MAXINCLUSIVE_VALID": "waarde is te groot",
    "SCHEMAV_CVC_TOTALDIGITS_VALID": "getal heeft te veel cijfers",
    "SCHEMAV_CVC_FRACTIONDIGITS_VALID": "getal heeft te veel decimalen",
    "SCHEMAV_CVC_ELT_1": "hoofdelement is niet bekend in het schema",
    "SCHEMAV_CVC_TYPE_3_1_2": "element mag geen kindelementen hebben",
    "SCHEMAV_CVC_IDC": "waarde is niet uniek of verwijst naar niets",
}


_EXPECTED = re.compile(r"Expected is(?: one of)? \( ?([^)]*?) ?\)")


def _validate(bericht: etree._Element, schemas: dict[str, etree.XMLSchema]) -> bool:
    ns = etree.QName(bericht).namespace
    xsd = schemas.get(ns)
    if xsd is None:
        return False
    doc = etree.ElementTree(bericht) if bericht.getparent() is None else _detached(bericht)
    if not xsd.validate(doc):
        raise Rejected(xsd_reason(xsd.error_log, doc))
    return True


def xsd_reason(error_log: etree._ListErrorLog, doc: etree._ElementTree | None = None) -> str:
    """Dutch reason for a failed validation: the FIRST error, a phrase, the place; no values.

    Parameters
    ----------
    error_log : lxml.etree._ListErrorLog
        ``XMLSchema.error_log`` after a failed ``validate``.
    doc : lxml.etree._ElementTree, optional
        The validated document, to name the element's path by local names.

    Returns
    -------
    str
        E.g. ``voldoet niet aan de XSD: element staat niet op deze plaats of ontbreekt (verwacht:
        Bsn) bij /Bericht/Client/Geboortedatum (regel 12; SCHEMAV_ELEMENT_CONTENT), en 1 andere
        fout``.
    """
    errors = list(error_log)
    first = errors[0]
    phrase = XSD_ERRORS.get(first.type_name, "schemafout")
    expected = _EXPECTED.search(first.message or "")
    if expected:  # element names only (the message may quote a value)
        names = [n.rsplit("}", 1)[-1] for n in expected[1].split(",")]
        phrase += f" (verwacht: {', '.join(n.strip() for n in names if n.strip())})"
    path = _error_path(first, doc)
    reason = (
        f"voldoet niet aan de XSD: {phrase} bij {scrub(path)} "
        f"(regel {first.line}; {first.type_name})"
    )
    if len(errors) > 1:
        more = len(errors) - 1
        reason += f", en {more} andere fout{'en' if more > 1 else ''}"
    return reason


def _error_path(error: etree._LogEntry, doc: etree._ElementTree | None) -> str:
    """Path of local names to the element an error is about (libxml gives ``/*/*[1]``)."""
    named = re.match(r"Element '(?:\{[^}]*\})?([^']+)'", error.message or "")
    if doc is not None and named:
        for el in doc.iter():
            if el.sourceline == error.line and _local(el.tag) == named[1]:
                parts = [_local(a.tag) for a in reversed(list(el.iterancestors()))]
                return "/" + "/".join([*parts, _local(el.tag)])
    if named:
        return f"element {named[1]}"
    return re.sub(r"\w+:", "", error.path or "?")


def _detached(el: etree._Element) -> etree._ElementTree:
    return etree.ElementTree(etree.fromstring(etree.tostring(el)))


_LOCAL: dict[str, str] = {}


_UNSEEN = object()


def _local(tag: str) -> str:
    local = _LOCAL.get(tag)
    if local is None:
        local = _LOCAL[tag] = tag[tag.find("}") + 1 :]
    return local


def _pick(el: etree._Element, trie: dict, out: dict | None = None) -> dict[str, str | None]:
    """Read the leaves named in ``trie`` below ``el`` into ``{path: text}``.

    Only elements on a path in the trie are visited, so large blocks the kit never stores
    (names, addresses, relations) are skipped without being read.
    """
    if out is None:
        out = {}
    for child in el:
        tag = child.tag
        node = trie.get(tag, _UNSEEN)
        if node is _UNSEEN:  # first time this full tag is seen here: remember its node
            node = trie[tag] = trie.get(_local(tag)) if type(tag) is str else None
        if node is None:
            continue
        if type(node) is dict:
            _pick(child, node, out)
        else:
            text = child.text if not len(child) else "".join(child.itertext())
            out[node] = (text.strip() or None) if text else None
    return out


def _children(el: etree._Element, local: str) -> Iterator[etree._Element]:
    for child in el:
        tag = child.tag
        if type(tag) is str and _local(tag) == local:
            yield child


def _records(
    el: etree._Element, parts: tuple[str, ...], tries: dict[str, dict]
) -> list[tuple[etree._Element, dict[str, dict]]]:
    """Return each record element below ``el`` with the fields read from its context elements."""
    level: list[tuple[etree._Element, dict[str, dict]]] = [(el, {})]
    local_of = _LOCAL
    for part in parts:
        trie = tries.get(part)
        found = []
        for node, ctx in level:
            for child in node:
                tag = child.tag
                local = local_of.get(tag)
                if local is None:
                    if type(tag) is not str:
                        continue
                    local = _local(tag)
                if local == part:
                    found.append((child, ctx if trie is None else ctx | {part: _pick(child, trie)}))
        level = found
    return level


def _value(flat: dict | None, spec: FieldSpec, pseudonymise: Pseudonymiser) -> object:
    return None if flat is None else convert(flat.get(spec.path), spec, pseudonymise)


def _fill(
    row: dict,
    flat: dict | None,
    specs: FieldGroup,
    pseudonymise: Pseudonymiser,
    invalid: list,
    where: tuple[str, str],
) -> None:
    """Put the values of ``specs`` read into ``flat`` into ``row`` (hot path).

    A value the kit cannot use (no real date, no whole number, a birth date in no known format)
    is left empty and ``(where, column, path, kind)`` is appended to ``invalid``.
    """
    get = (flat or _EMPTY).get
    for column, path, agb in specs.plain:
        value = get(path)
        if value is not None and 7 < len(value) < 10 and value.isdigit():
            value = masked_value(value, agb, pseudonymise)
        row[column] = value
    for column, path, check in specs.checked:
        value = get(path)
        if value is not None:
            value = check(value)
            if value is None:
                invalid.append((where, column, path, CHECK_KINDS[check]))
        row[column] = value
    for spec in specs.converted:
        raw = get(spec.path)
        value = convert(raw, spec, pseudonymise)
        if value is None and raw is not None:
            invalid.append((where, spec.column, spec.path, spec.privacy or spec.kind))
        row[spec.column] = value


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
    header_el = next(_children(bericht, "Header"), None)
    if header_el is None:
        raise Rejected(f"JW{berichttype}: verplicht element Header ontbreekt")
    info = schema.berichten[berichttype]
    flat_header = _pick(header_el, schema.header_trie)
    required = schema.header_required + (schema.retour_required if "heen" in info else ())
    for column in required:
        path = _HEADER_PATHS[column] if column in _HEADER_PATHS else _header_path(schema, column)
        if flat_header.get(path) is None:
            raise Rejected(f"JW{berichttype}: verplicht element Header/{path} ontbreekt")
    invalid: list = []
    header: dict = {}
    _fill(header, flat_header, schema.header, pseudonymise, invalid, ("berichten", "Header"))
    expected = str(schema.berichten[berichttype]["code"])
    if header["BerichtCode"] != expected:
        raise Rejected(
            f"BerichtCode past niet bij berichtsoort JW{berichttype} (verwacht {expected}); "
            "de waarde zelf staat niet in dit verslag"
        )
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
    # id(client dict) -> (that dict, converted): the dict is kept so its id is never reused
    clients: dict[int, tuple[dict, dict]] = {}
    for table in schema.tables_for(berichttype):
        out = rows.setdefault(table.name, [])
        n_records = 0
        for soort, parts in table.record_parts:
            where = (table.name, "/".join(parts))
            where_ctx = {
                van: (table.name, table.element_of(parts, van)) for van, _ in table.context_fields
            }
            for record, ctx in _records(bericht, parts, table.context_tries):
                flat = _pick(record, table.record_trie)
                if table.required:
                    _check_required(table, berichttype, flat, ctx)
                row = dict(
                    base,
                    regel=n_rows,
                    Identificatie=header["Identificatie"],
                    Dagtekening=header["Dagtekening"],
                )
                if soort is not None:
                    row["Soort"] = soort
                if table.client:
                    client = ctx.get(table.client)
                    kept = clients.get(id(client))
                    converted = None if kept is None else kept[1]
                    if converted is None:  # convert each client once, not once per record
                        converted = {}
                        clients[id(client)] = (client, converted)
                        _fill(
                            converted,
                            client,
                            schema.client,
                            pseudonymise,
                            invalid,
                            (table.name, table.element_of(parts, table.client)),
                        )
                    row.update(converted)
                _fill(row, flat, table.own_fields, pseudonymise, invalid, where)
                for van, specs in table.context_fields:
                    _fill(row, ctx.get(van), specs, pseudonymise, invalid, where_ctx[van])
                out.append(row)
                n_rows += 1
                n_records += 1
        if table.record_required and not n_records:
            shown = " of ".join(path for _, path in table.records)
            raise Rejected(f"JW{berichttype}: verplicht element {shown} ontbreekt")
    n_codes = 0
    if "heen" in info or berichttype == "325":  # only retours and 325 carry RetourCodes
        n_codes = _read_retourcodes(
            bericht,
            heen,
            base=base,
            header=header,
            pseudonymise=pseudonymise,
            schema=schema,
            rows=rows,
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
    if invalid:
        _record_invalid(invalid, base, header["Dagtekening"], rows)


_HEADER_PATHS: dict[str, str] = {}


def _header_path(schema: Schema, column: str) -> str:
    path = _HEADER_PATHS[column] = next(f.path for f in schema.header if f.column == column)
    return path


def _check_required(table: TableSpec, berichttype: str, flat: dict, ctx: dict) -> None:
    """Reject the message when a required element of this record is missing or empty."""
    for _column, van, path, shown in table.required_paths:
        holder = flat if van is None else ctx.get(van)
        if holder is None or holder.get(path) is None:
            raise Rejected(f"JW{berichttype}: verplicht element {shown} ontbreekt")


def _record_invalid(
    invalid: list, base: dict, dagtekening: str | None, rows: dict[str, list[dict]]
) -> None:
    """One row per table, column and element of a message with the number of invalid values."""
    counts: dict[tuple, int] = {}
    for (table, element), column, path, kind in invalid:
        key = (table, column, f"{element}/{path}", kind)
        counts[key] = counts.get(key, 0) + 1
    out = rows.setdefault(INVALID_TABLE, [])
    for (table, column, element, kind), n in counts.items():
        out.append(
            base
            | {
                "Dagtekening": dagtekening,
                "tabel": table,
                "kolom": column,
                "element": element,
                "soort": kind,
                "aantal": n,
            }
        )


def _client_of(holder: etree._Element) -> etree._Element | None:
    el = holder
    while el is not None:
        tag = el.tag
        if type(tag) is str and (tag.endswith("}Client") or tag == "Client"):
            return el
        el = el.getparent()
    return None


@cache
def _retour_fallbacks() -> tuple[tuple[FieldSpec, ...], dict]:
    """Retour key fields with a second path (``anders`` in berichten.yaml) and their trie."""
    entries = load_schema().raw["retourcodes"]["sleutels"]
    specs = tuple(
        replace(spec, path=entries[spec.column]["anders"])
        for spec in load_schema().retour_keys
        if "anders" in entries[spec.column]
    )
    return specs, field_trie(specs)


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
    fallbacks, fallback_trie = _retour_fallbacks()
    for code_el in bericht.iterfind(".//{*}RetourCode"):
        holder = code_el.getparent()
        if _local(holder.tag) == "RetourCodes":
            holder = holder.getparent()
        # else a RetourCode straight in its class (not XSD-valid, seen in published examples)
        client_el = _client_of(holder)
        flat = _pick(holder, schema.retour_trie)
        row = dict(
            base,
            heen_berichttype=heen,
            Afzender=header["Afzender"],
            Ontvanger=header["Ontvanger"],
            Identificatie=header["Identificatie"],
            Dagtekening=header["Dagtekening"],
            DagtekeningRetour=header.get("DagtekeningRetour"),
            niveau=etree.QName(holder).localname,
            client_id=_value(
                None if client_el is None else _pick(client_el, schema.client_trie),
                schema.client[0],
                pseudonymise,
            ),
            RetourCode=(code_el.text or "").strip() or None,
        )
        for spec in schema.retour_keys:
            row[spec.column] = _value(flat, spec, pseudonymise)
        if fallbacks:
            other = _pick(holder, fallback_trie)
            for spec in fallbacks:
                if row[spec.column] is None:
                    row[spec.column] = _value(other, spec, pseudonymise)
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
        If the folder holds no message schema, a schema imports a file that is not there (named,
        with the file of the same name in other letter case when there is one), or a schema does
        not compile.
    """
    schemas = {}
    for path in sorted(Path(folder).glob("*.xsd")):
        try:
            doc = etree.parse(str(path))
        except etree.XMLSyntaxError as exc:
            raise ValueError(f"XSD {path.name} is geen leesbare XML: {scrub(str(exc))}") from None
        target = doc.getroot().get("targetNamespace", "")
        if not re.search(r"/jw\d{3}/schema$", target):
            continue
        _check_imports(path, doc)
        try:
            schemas[target] = etree.XMLSchema(doc)
        except etree.XMLSchemaParseError as exc:
            raise ValueError(f"XSD {path.name} is niet te gebruiken: {scrub(str(exc))}") from None
    if not schemas:
        raise ValueError(f"Geen iJw-berichtschema's (jw3NN) gevonden in {folder}")
    return schemas


def _check_imports(path: Path, doc: etree._ElementTree, seen: set | None = None) -> None:
    """Raise a Dutch ``ValueError`` naming an imported or included schema file that is missing."""
    seen = set() if seen is None else seen
    for ref in doc.getroot().iterfind("{http://www.w3.org/2001/XMLSchema}*[@schemaLocation]"):
        location = ref.get("schemaLocation")
        if "://" in location:
            continue  # a URL: never fetched (no network); libxml2 reports it
        target = (path.parent / location).resolve()
        if target in seen:
            continue
        seen.add(target)
        if not target.is_file():
            same = [
                p.name
                for p in (target.parent.iterdir() if target.parent.is_dir() else ())
                if p.name.lower() == target.name.lower()
            ]
            hint = (
                f"; er staat wel {same[0]}: hernoem dat bestand naar {target.name} "
                "(of zet er een kopie met die naam naast)"
                if same
                else "; zet het bij de andere XSD's"
            )
            raise ValueError(
                f"XSD {path.name} importeert {location}, maar dat bestand ontbreekt in "
                f"{target.parent}{hint}"
            )
        try:
            _check_imports(target, etree.parse(str(target)), seen)
        except etree.XMLSyntaxError as exc:
            raise ValueError(f"XSD {target.name} is geen leesbare XML: {scrub(str(exc))}") from None


_EMPTY: dict = {}
