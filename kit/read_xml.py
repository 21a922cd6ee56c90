"""Step 1 (reading): iJw 3.2 XML files, folders and archives -> message rows per store table.

Every file is either parsed into rows or rejected with a Dutch reason a person understands.
Namespaces below the root ``Bericht`` are ignored (elements are found by local name), so messages
from systems that qualify elements differently still read; the root namespace decides the
message type and version.
"""

from __future__ import annotations

import base64
import binascii
import bz2
import contextlib
import gzip
import io
import lzma
import os
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, cached_property, partial
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from kit import config
from kit.privacy import Pseudonymiser, bsn_elfproef, bsn_is_test, scrub

IJW_NS = re.compile(
    r"^\{http://www\.istandaarden\.nl/(?P<domein>[a-z]+)/(?P<versie>\d+_\d+)/"
    r"(?P<soort>[a-z]+)(?P<nr>\d{3})/schema\}Bericht$"
)
# Any iStandaarden namespace (other standards and versions too), to say what a message is.
ISTANDAARD_NS = re.compile(r"^\{https?://www\.istandaarden\.nl/(?P<rest>[^}]*)\}Bericht$")
STANDARD_NAMES = {"ijw": "iJw", "iwmo": "iWmo", "ieb": "iEb", "ipgb": "iPgb"}
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2")
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


class Rejected(Exception):
    """A file or message that cannot be loaded; ``reason`` is Dutch and holds no record values."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_XS_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?\Z", re.ASCII)
_XS_WHOLE = re.compile(r"[+-]?\d+(?:\.0*)?\Z", re.ASCII)
_DATES: dict[str, str | None] = {}


def valid_date(text: str) -> str | None:
    """An xs:date as ``JJJJ-MM-DD`` (a time zone dropped); None when it is no real date.

    ``2026-02-30`` and ``2027-06-31`` are None, like any text in another format.
    """
    found = _DATES.get(text, _MISSING)
    if found is _MISSING:
        m = _XS_DATE.match(text)
        found = None
        if m:
            try:
                found = date(int(m[1]), int(m[2]), int(m[3])).isoformat()
            except ValueError:
                found = None
        if len(_DATES) < 100_000:  # distinct dates are few; do not grow on garbage
            _DATES[text] = found
    return found


def valid_whole(text: str) -> str | None:
    """A whole number as read (``12``, ``12.0``, ``-3``); None for ``4.5``, ``12a`` or too big."""
    found = _WHOLES.get(text, _MISSING)
    if found is _MISSING:
        found = None
        # more than 19 digits never fits 64 bits (and int() refuses over 4,300 digits)
        if _XS_WHOLE.match(text) is not None and len(text.split(".")[0].lstrip("+-0")) <= 19:
            number = float(text) if "." in text else int(text)
            found = text if abs(number) < 2**63 else None
        if len(_WHOLES) < 100_000:
            _WHOLES[text] = found
    return found


_WHOLES: dict[str, str | None] = {}


_MISSING = object()
TEXT_KINDS = frozenset({"tekst", "code", "tijd"})
VALUE_CHECKS = {"datum": valid_date, "getal": valid_whole, "bedrag": valid_whole}
INVALID_TABLE = "ongeldige_waarden"
INVALID_COLUMNS = {
    "bericht_id": "tekst",
    "bron": "tekst",
    "berichttype": "code",
    "gemeente": "code",
    "aanbieder": "code",
    "Dagtekening": "datum",
    "tabel": "code",
    "kolom": "code",
    "element": "tekst",
    "soort": "code",
    "aantal": "getal",
}
# Birth dates as systems and spreadsheets write them: ISO first, then Dutch day-month-year.
_BIRTH_DATE_FORMATS = (
    re.compile(r"(?P<j>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:Z|[+-]\d{2}:\d{2}|T.*)?\Z"),
    re.compile(r"(?P<j>\d{4})(?P<m>\d{2})(?P<d>\d{2})\Z"),
    re.compile(r"(?P<j>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})\Z"),
    re.compile(r"(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<j>\d{4})\Z"),
)


def birth_month(text: str) -> str | None:
    """Year and month (``JJJJ-MM``) of a birth date in any common format; None if unparseable.

    Accepts ``2012-05-17`` (also with a time zone or time), ``20120517``, ``2012/05/17``,
    ``17-05-2012``, ``17/05/2012`` and ``17.05.2012``. The date must exist (``2012-02-30`` is
    None): a value that is no date may be something else and is dropped, not cut.
    """
    text = text.strip()
    for pattern in _BIRTH_DATE_FORMATS:
        m = pattern.match(text)
        if m:
            try:
                found = date(int(m["j"]), int(m["m"]), int(m["d"]))
            except ValueError:
                return None
            return f"{found.year:04d}-{found.month:02d}"
    return None


@dataclass(frozen=True)
class FieldSpec:
    """One column read from an element path."""

    column: str
    path: str  # local element names joined by "/", relative to the record or ancestor ``van``
    kind: str  # tekst | code | datum | tijd | getal | bedrag | bsn_elfproef | bsn_test
    privacy: str | None = None
    van: str | None = None

    @cached_property
    def plain(self) -> bool:
        """Whether the text is stored as read (text, code or time; BSN-shaped values masked)."""
        return self.privacy is None and self.kind in TEXT_KINDS

    @cached_property
    def checked(self) -> bool:
        """Whether the text must be a valid date or whole number (else: empty and recorded)."""
        return self.privacy is None and self.kind in VALUE_CHECKS


class FieldGroup(tuple):
    """Fields read from one element (a tuple of :class:`FieldSpec`), split by treatment.

    ``plain`` holds ``(column, path, agb)`` of the fields stored as read (BSN-shaped values
    masked; ``agb``: an 8-digit value is an AGB code there), ``checked`` ``(column, path,
    check)`` of dates and whole numbers, ``converted`` the fields that need :func:`convert`; the
    split is made once so the hot path does no tests per field.
    """

    def __new__(cls, specs=(), agb_columns=frozenset()):
        group = super().__new__(cls, specs)
        group.plain = tuple((s.column, s.path, s.column in agb_columns) for s in group if s.plain)
        group.checked = tuple((s.column, s.path, VALUE_CHECKS[s.kind]) for s in group if s.checked)
        group.converted = tuple(s for s in group if not s.plain and not s.checked)
        return group


@dataclass(frozen=True)
class TableSpec:
    """How one store table is read from one message type."""

    name: str
    berichttype: str
    records: tuple[tuple[str | None, str], ...]  # (value of column Soort or None, record path)
    fields: tuple[FieldSpec, ...]
    client: str | None = None
    required: tuple[str, ...] = ()  # columns whose element must be present
    record_required: bool = False  # at least one record element
    agb_columns: frozenset = frozenset()

    record_trie: dict = field(default_factory=dict, compare=False, repr=False)
    context_tries: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def own_fields(self) -> FieldGroup:
        """Fields read from the record element itself."""
        return FieldGroup((f for f in self.fields if f.van is None), self.agb_columns)

    @cached_property
    def context_fields(self) -> tuple[tuple[str, FieldGroup], ...]:
        """Fields read from ancestor elements, grouped by ancestor name."""
        names = sorted({f.van for f in self.fields if f.van})
        return tuple(
            (v, FieldGroup((f for f in self.fields if f.van == v), self.agb_columns)) for v in names
        )

    @cached_property
    def required_paths(self) -> tuple[tuple[str, str | None, str, str], ...]:
        """``(column, van, path, shown path)`` of each required field, ``van`` as in FieldSpec.

        ``van`` is the ancestor the field is read from (the client element for client fields,
        None for the record itself); ``shown path`` names the element for a person.
        """
        client = {f.column: f for f in load_schema().client} if self.client else {}
        own = {f.column: f for f in self.fields}
        out = []
        for column in self.required:
            spec = own.get(column) or client[column]
            van = spec.van if column in own else self.client
            shown = self.element_of(self.record_parts[0][1], van) + "/" + spec.path
            out.append((column, van, spec.path, shown))
        return tuple(out)

    def element_of(self, parts: tuple[str, ...], van: str | None) -> str:
        """The path of the record (``van`` None) or of its ancestor ``van``, for a person."""
        if van is None:
            return "/".join(parts)
        return "/".join(parts[: parts.index(van) + 1])

    @cached_property
    def record_parts(self) -> tuple[tuple[str | None, tuple[str, ...]], ...]:
        """``records`` with each path split into its element names."""
        return tuple((soort, tuple(path.split("/"))) for soort, path in self.records)


@dataclass
class Schema:
    """The parsed ``berichten.yaml``: message types, header fields and tables."""

    berichten: dict[str, dict]
    header: tuple[FieldSpec, ...]
    client: tuple[FieldSpec, ...]
    tables: dict[str, TableSpec]
    retour_keys: tuple[FieldSpec, ...]
    raw: dict = field(repr=False)
    header_required: tuple[str, ...] = ()
    retour_required: tuple[str, ...] = ()
    mask_prefix: str = "bsn:"
    agb_columns: frozenset = frozenset()
    header_trie: dict = field(default_factory=dict, repr=False)
    retour_trie: dict = field(default_factory=dict, repr=False)
    client_trie: dict = field(default_factory=dict, repr=False)
    _by_type: dict = field(default_factory=dict, repr=False)

    def tables_for(self, berichttype: str) -> list[TableSpec]:
        """Return the table specs fed by one message type."""
        found = self._by_type.get(berichttype)
        if found is None:
            found = self._by_type[berichttype] = [
                t for t in self.tables.values() if t.berichttype == berichttype
            ]
        return found

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
        if table == INVALID_TABLE:
            return dict(INVALID_COLUMNS)
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


def _field_specs(entries: dict, agb_columns: frozenset = frozenset()) -> FieldGroup:
    return FieldGroup(
        (
            FieldSpec(
                column=name,
                path=entry["pad"],
                kind=entry["type"],
                privacy=entry.get("privacy"),
                van=entry.get("van"),
            )
            for name, entry in entries.items()
        ),
        agb_columns,
    )


def _trie(specs) -> dict:
    """Nested ``{local name: subtrie or path}`` of the element paths to read.

    :func:`_pick` adds each full tag (``{namespace}name``) it meets, so a tag is resolved once.
    """
    trie: dict = {}
    for spec in specs:
        node = trie
        *parents, leaf = spec.path.split("/")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = spec.path
    return trie


@cache
def load_schema() -> Schema:
    """Load ``kit/berichten.yaml`` into a :class:`Schema` (cached)."""
    raw = config.package_yaml("berichten.yaml")
    masking = raw["bsn_maskering"]
    agb = frozenset(masking["agb_velden"])
    client = _field_specs(raw["client"], agb)
    tables = {}
    for name, entry in raw["tabellen"].items():
        record = entry["record"]
        records = tuple(record.items()) if isinstance(record, dict) else ((None, record),)
        fields = _field_specs(entry["velden"], agb)
        required = [str(c) for c in entry.get("verplicht", [])]
        known = {"record", *(f.column for f in fields), *(f.column for f in client)}
        unknown = [
            c
            for c in required
            if c not in known or (c in raw["client"] and not entry.get("client"))
        ]
        if unknown:
            raise ValueError(f"berichten.yaml, tabel {name}: onbekende verplichte kolom {unknown}")
        contexts = {f.van for f in fields if f.van}
        context_tries = {van: _trie([f for f in fields if f.van == van]) for van in contexts}
        if entry.get("client"):
            context_tries[entry["client"]] = _trie(
                [*client, *(f for f in fields if f.van == entry["client"])]
            )
        tables[name] = TableSpec(
            name=name,
            berichttype=str(entry["bericht"]),
            records=records,
            fields=fields,
            client=entry.get("client"),
            required=tuple(c for c in required if c != "record"),
            record_required="record" in required,
            agb_columns=agb,
            record_trie=_trie([f for f in fields if f.van is None]),
            context_tries=context_tries,
        )
    header = _field_specs(raw["kop"], agb)
    retour_keys = _field_specs(raw["retourcodes"]["sleutels"], agb)
    return Schema(
        berichten={str(k): v for k, v in raw["berichten"].items()},
        header=header,
        client=client,
        tables=tables,
        retour_keys=retour_keys,
        raw=raw,
        header_required=tuple(raw["kop_verplicht"]["kop"]),
        retour_required=tuple(raw["kop_verplicht"]["retour"]),
        mask_prefix=masking["masker"],
        agb_columns=agb,
        header_trie=_trie(header),
        retour_trie=_trie(retour_keys),
        client_trie=_trie(client),
    )


# --------------------------------------------------------------------------------------------
# Sources: files, folders and archives
#
# Every entry met below the given paths becomes exactly one SourceFile: a file to read, or a
# rejected entry whose ``read`` raises :class:`Rejected` with the Dutch reason (a dangling or
# looping symlink, a pipe, a hidden or macOS helper file, an unsafe or too large archive member).
# Nothing is skipped in silence, so the load report's "seen = loaded + rejected" holds.


class SourceFile(NamedTuple):
    """One input file: its display name, a cheap signature and a way to read its bytes."""

    name: str
    signature: str
    read: Callable[[], bytes]


MAX_NESTING = 3  # an archive inside an archive inside an archive is read; deeper is refused
_UNREADABLE = (
    zipfile.BadZipFile,
    tarfile.TarError,
    EOFError,
    OSError,
    ValueError,
    lzma.LZMAError,
    zlib.error,
    RuntimeError,
    NotImplementedError,
)
HIDDEN_REASON = "verborgen bestand of map (naam begint met een punt); niet gelezen"
MACOS_REASON = "macOS-hulpbestand (__MACOSX of ._); geen bericht, niet gelezen"
NAME_REASON = "naam bevat tekens die geen geldige UTF-8 zijn; hernoem het bestand of de map"
SPECIAL_REASON = "geen gewoon bestand (pipe, socket of apparaat); niet gelezen"
DANGLING_REASON = "verwijzing (symlink) naar een bestand dat niet bestaat"
LOOP_REASON = "verwijzing (symlink) die een lus maakt; niet gelezen"
DIR_LOOP_REASON = "map verwijst naar een bovenliggende map (symlink-lus); niet doorzocht"
LINK_MEMBER_REASON = "verwijzing (link) in archief; niet gelezen"
ABSOLUTE_REASON = "onveilige naam in archief (absoluut pad); niet gelezen"
PARENT_REASON = "onveilige naam in archief (verwijst met '..' buiten het archief); niet gelezen"
NESTED_REASON = f"archief in archief dieper dan {MAX_NESTING} lagen; pak het eerst uit"


def too_large_reason(limit: int) -> str:
    """The Dutch reason for a file or member above the size limit of ``limit`` bytes."""
    return (
        f"groter dan de grens van {limit / 2**20:.3g} MB per bestand (optie --max-mb); niet gelezen"
    )


_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")


def mask_bsn_like(text: str) -> str:
    """Mask every 9-digit number that passes the 11-proef (it may be a BSN in a file name).

    8-digit numbers stay: in file names they are AGB codes (aanbieders) far more often than a
    BSN that lost its leading zero in a spreadsheet.
    """
    if _NINE_DIGITS.search(text) is None:  # the common case: nothing to mask
        return text
    return _NINE_DIGITS.sub(lambda m: "<bsn>" if bsn_elfproef(m[0]) else m[0], text)


_DAY, _MONTH = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])"
_DATE = re.compile(
    rf"(?<!\d)(?:(?:19|20)\d\d([-_.]){_MONTH}\1{_DAY}"  # 2023-09-13, 2023_9_13
    rf"|{_DAY}([-_.]){_MONTH}\2(?:19|20)?\d\d"  # 13-09-2023, 13.9.23
    r"|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"  # 20230913
    r"|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d\d)(?!\d)"  # 13092023
)
_WORD = re.compile(r"[^\W\d_]+")
# Capitalised words that are common in export file names and no person's name.
_SAFE_WORDS = frozenset(
    """
    aanbieder aanbieders aanlevering antwoord antwoorden archief backup bericht berichten bestand
    bestanden concept data declaratie declaraties definitief download downloads export gemeente
    gemeenten ggk ijw iwmo jeugd jeugdhulp jeugdwet jw kopie levering leveringen map nieuw oud
    regio retour retouren start starts stop stops test toewijzing toewijzingen uitvoer verzoek
    verzoeken week maand jaar kwartaal januari februari maart april mei juni juli augustus
    september oktober november december jan feb mrt apr jun jul aug sep okt nov dec deel versie
    xml csv zip tar gz tgz xz txz bz2 store thumbs desktop
    """.split()
)
_MASKED: dict[tuple[str, bool], str] = {}


def _mask_part(part: str, file_name: bool) -> str:
    masked = _DATE.sub("<datum>", part)
    masked = mask_bsn_like(masked)
    if file_name:
        masked = _WORD.sub(
            lambda m: (
                "<naam>"
                if m[0][0].isupper()
                and any(c.islower() for c in m[0][1:])
                and m[0].lower() not in _SAFE_WORDS
                else m[0]
            ),
            masked,
        )
    return masked


MASKS = ("<bsn>", "<datum>", "<naam>")


def mask_name(shown: str) -> str:
    """Mask a display name for load reports, column ``bron`` and error messages.

    In every folder, archive and member name a BSN-like number (see :func:`mask_bsn_like`)
    becomes ``<bsn>`` and a date ``<datum>``; in file names (the last part, and an archive's
    own name) also a capitalised word that may be a person's name becomes ``<naam>``. Folders
    and unmasked parts stay as they are; :func:`tag_name` adds the content hash that lets the
    user find a masked file again.

    Examples
    --------
    ``regio/999941033_Dijkstra_2023-09-13.xml`` -> ``regio/<bsn>_<naam>_<datum>.xml``
    """
    parts = re.split(r"([/!])", shown)
    out = []
    for i, part in enumerate(parts):
        if i % 2 or not part:
            out.append(part)
            continue
        file_name = i == len(parts) - 1 or parts[i + 1] == "!"
        key = (part, file_name)
        masked = _MASKED.get(key)
        if masked is None:
            masked = _mask_part(part, file_name)
            if len(_MASKED) < 100_000:
                _MASKED[key] = masked
        out.append(masked)
    return "".join(out)


def tag_name(name: str, content_hash: str) -> str:
    """Add ``~`` and the first 8 characters of the content hash to a masked name.

    The tag goes before the file's extension (``<bsn>_<naam>.xml`` ->
    ``<bsn>_<naam>~1a2b3c4d.xml``); ``sha256sum`` over the folder finds the file. The hash of
    the content, not of the name: a name's hash could be matched against guessed BSNs and names.
    An unmasked name is returned as it is.
    """
    if not any(mark in name for mark in MASKS):
        return name
    head, sep, last = name.rpartition("!" if name.rfind("!") > name.rfind("/") else "/")
    stem, dot, suffix = last.rpartition(".")
    tag = "~" + content_hash[:8]
    if dot and stem and suffix.isalnum() and len(suffix) <= 4:
        return f"{head}{sep}{stem}{tag}.{suffix}"
    return f"{head}{sep}{last}{tag}"


def _valid_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in a file name come as surrogates
        return False
    return True


def _displayable(name: str) -> str:
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _rejected(shown: str, signature: str, reason: str) -> SourceFile:
    def fail() -> bytes:
        raise Rejected(reason)

    return SourceFile(mask_name(_displayable(shown)), signature, fail)


def iter_sources(paths: list[Path], *, max_bytes: int | None = None) -> Iterator[SourceFile]:
    """Yield every entry below ``paths`` (recursively, archives opened), in a stable order.

    Each entry is a file to read or a rejected entry (``read`` raises :class:`Rejected`):
    a dangling or looping symlink, a pipe or device, a hidden file or folder, a macOS helper
    file, a name that is not valid UTF-8, an unsafe archive member (absolute or ``..``), a
    file or member over ``max_bytes`` and a damaged archive. Archive members are streamed: a
    tar is read in one pass and no member is read beyond the size limit.

    Parameters
    ----------
    paths : list of pathlib.Path
        Files, folders, ``.zip`` or ``.tar(.gz/.xz/.bz2)`` archives.
    max_bytes : int, optional
        Largest file or archive member read (default ``config.MAX_FILE_MB`` MB).

    Yields
    ------
    SourceFile
        ``name`` is masked (:func:`mask_name`), ``signature`` holds the real path.

    Raises
    ------
    FileNotFoundError
        If a given path does not exist (the message shows the masked name).
    """
    limit = int(max_bytes or config.MAX_FILE_MB * 2**20)
    for root in paths:
        root = Path(root)
        path = os.path.abspath(root)
        if not os.path.lexists(path):
            raise FileNotFoundError(f"Bron bestaat niet: {mask_name(_displayable(str(root)))}")
        yield from _entry(path, root.name or path, limit, frozenset())


def _entry(path: str, shown: str, limit: int, ancestors: frozenset) -> Iterator[SourceFile]:
    """Yield the sources of one folder entry (a file, a folder, or a rejected entry)."""
    name = os.path.basename(path)
    if not _valid_name(name):
        yield _rejected(shown, f"{path}|-", NAME_REASON)
        return
    try:
        st = os.stat(path)
    except OSError as exc:
        if os.path.islink(path):
            reason = DANGLING_REASON if isinstance(exc, FileNotFoundError) else LOOP_REASON
        else:
            reason = f"bestand niet te lezen ({type(exc).__name__})"
        yield _rejected(shown, f"{path}|-", reason)
        return
    if stat.S_ISDIR(st.st_mode):
        yield from _folder(path, shown, st, limit, ancestors)
    elif not stat.S_ISREG(st.st_mode):
        yield _rejected(shown, f"{path}|-", SPECIAL_REASON)
    else:
        yield from _file_sources(path, shown, st, limit)


def _folder(
    path: str, shown: str, st: os.stat_result, limit: int, ancestors: frozenset
) -> Iterator[SourceFile]:
    key = (st.st_dev, st.st_ino)
    if key in ancestors:
        yield _rejected(shown, f"{path}|-", DIR_LOOP_REASON)
        return
    try:
        names = sorted(os.listdir(path))
    except OSError as exc:
        yield _rejected(shown, f"{path}|-", f"map niet te lezen ({type(exc).__name__})")
        return
    inner = ancestors | {key}
    for name in names:
        child, child_shown = f"{path}/{name}", f"{shown}/{name}"
        if name == "__MACOSX" or name.startswith("._"):
            yield _rejected(child_shown, f"{child}|-", MACOS_REASON)
        elif name.startswith("."):
            yield _rejected(child_shown, f"{child}|-", HIDDEN_REASON)
        else:
            yield from _entry(child, child_shown, limit, inner)


def _read(path: str, limit: int) -> bytes:
    # O_NONBLOCK: a pipe put in place of the file after the walk must not hang the run
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Rejected(SPECIAL_REASON)
        if st.st_size > limit:
            raise Rejected(too_large_reason(limit))
        parts, size = [], 0
        while size <= limit and (chunk := os.read(fd, 1 << 20)):
            parts.append(chunk)
            size += len(chunk)
        if size > limit:  # grew while being read
            raise Rejected(too_large_reason(limit))
        return b"".join(parts)
    finally:
        os.close(fd)


def _file_sources(path: str, shown: str, st: os.stat_result, limit: int) -> Iterator[SourceFile]:
    sig = f"{path}|{st.st_size}|{st.st_mtime_ns}"
    if not path.lower().endswith(ARCHIVE_SUFFIXES):
        if st.st_size > limit:
            yield _rejected(shown, sig, too_large_reason(limit))
        else:
            yield SourceFile(mask_name(shown), sig, partial(_read, path, limit))
        return
    yield from _archive_sources(path, shown, sig, limit, 1)


def _archive_sources(
    source: str | bytes, shown: str, sig: str, limit: int, depth: int
) -> Iterator[SourceFile]:
    """Yield the members of an archive (a path, or the bytes of an archive inside another).

    A damaged archive adds one rejected entry after the members read before the damage.
    """
    name = shown.rsplit("!", 1)[-1].lower()
    try:
        if name.endswith(".zip"):
            yield from _zip_members(source, shown, sig, limit, depth)
        else:
            yield from _tar_members(source, shown, sig, limit, depth)
    except _UNREADABLE as exc:
        reason = f"beschadigd of onleesbaar archief ({type(exc).__name__})"
        yield _rejected(shown, f"{sig}|beschadigd", reason)


def _member_check(name: str) -> tuple[str, str | None]:
    """Return the member's clean relative name and the reason to reject it (or None)."""
    raw = name.replace("\\", "/")
    if raw.startswith("/") or re.match(r"[A-Za-z]:", raw):
        return raw, ABSOLUTE_REASON
    parts = [p for p in raw.split("/") if p not in ("", ".")]
    clean = "/".join(parts)
    if ".." in parts:
        return raw, PARENT_REASON
    if not _valid_name(clean):
        return clean, NAME_REASON
    if any(p == "__MACOSX" or p.startswith("._") for p in parts):
        return clean, MACOS_REASON
    if any(p.startswith(".") for p in parts):
        return clean, HIDDEN_REASON
    return clean, None


def _bounded(stream, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise Rejected(too_large_reason(limit))
    return data


def _member_sources(
    data_of: Callable[[], bytes], shown: str, sig: str, size: int, limit: int, depth: int
) -> Iterator[SourceFile]:
    """One regular archive member: a source, a nested archive's members, or a rejection."""
    if size > limit:
        yield _rejected(shown, sig, too_large_reason(limit))
    elif shown.lower().endswith(ARCHIVE_SUFFIXES):
        if depth >= MAX_NESTING:
            yield _rejected(shown, sig, NESTED_REASON)
            return
        try:
            data = data_of()
        except Rejected as exc:
            yield _rejected(shown, sig, exc.reason)
            return
        yield from _archive_sources(data, shown, sig, limit, depth + 1)
    else:
        yield SourceFile(mask_name(shown), sig, data_of)


def _zip_members(
    source: str | bytes, shown: str, sig: str, limit: int, depth: int
) -> Iterator[SourceFile]:
    def open_zip() -> zipfile.ZipFile:
        return zipfile.ZipFile(source if isinstance(source, str) else io.BytesIO(source))

    state = {"zip": open_zip()}
    try:
        infos = sorted(
            (i for i in state["zip"].infolist() if not i.is_dir()), key=lambda i: i.filename
        )
        for info in infos:
            member, reason = _member_check(info.filename)
            member_shown = f"{shown}!{member}"
            member_sig = f"{sig}!{info.filename}|{info.CRC}|{info.file_size}"
            if reason is not None:
                yield _rejected(member_shown, member_sig, reason)
                continue

            def read(info: zipfile.ZipInfo = info) -> bytes:
                # A member can be damaged while the archive's directory is intact (CRC, deflate
                # data), encrypted or packed with an unsupported method: reject that one file.
                try:
                    zf = state["zip"] or open_zip()
                    try:
                        with zf.open(info) as stream:
                            return _bounded(stream, limit)
                    finally:
                        if zf is not state["zip"]:
                            zf.close()
                except _UNREADABLE as exc:
                    reason = f"beschadigd of onleesbaar bestand in archief ({type(exc).__name__})"
                    raise Rejected(reason) from None

            yield from _member_sources(read, member_shown, member_sig, info.file_size, limit, depth)
    finally:
        state["zip"].close()
        state["zip"] = None


def _tar_members(
    source: str | bytes, shown: str, sig: str, limit: int, depth: int
) -> Iterator[SourceFile]:
    # Stream mode: one pass over the (compressed) archive, one member in memory at a time.
    # The decompressing file objects raise EOFError on a truncated archive (tarfile's own
    # stream decompression would end in silence).
    def open_tar() -> contextlib.ExitStack:
        stack = contextlib.ExitStack()
        raw = stack.enter_context(
            open(source, "rb") if isinstance(source, str) else io.BytesIO(source)  # noqa: SIM115
        )
        head = raw.read(6)
        raw.seek(0)
        if head[:2] == b"\x1f\x8b":
            raw = stack.enter_context(gzip.GzipFile(fileobj=raw))
        elif head[:3] == b"BZh":
            raw = stack.enter_context(bz2.BZ2File(raw))
        elif head == b"\xfd7zXZ\x00":
            raw = stack.enter_context(lzma.LZMAFile(raw))
        stack.tar = stack.enter_context(tarfile.open(fileobj=raw, mode="r|"))
        return stack

    state: dict = {"current": None}
    with open_tar() as opened:
        tf = opened.tar
        for info in tf:
            if info.isdir():
                continue
            member, reason = _member_check(info.name)
            member_shown = f"{shown}!{member}"
            member_sig = f"{sig}!{info.name}|{info.size}|{info.mtime}"
            if reason is None and not info.isfile():
                reason = LINK_MEMBER_REASON if info.issym() or info.islnk() else SPECIAL_REASON
            if reason is not None:
                yield _rejected(member_shown, member_sig, reason)
                continue
            state["current"] = info

            def read(info: tarfile.TarInfo = info) -> bytes:
                try:
                    if state["current"] is info:  # the stream stands at this member
                        return _bounded(tf.extractfile(info), limit)
                    with open_tar() as again:  # read after the walk moved on: find it again
                        for other in again.tar:
                            if other.offset == info.offset:
                                return _bounded(again.tar.extractfile(other), limit)
                    raise EOFError
                except _UNREADABLE as exc:
                    reason = f"beschadigd of onleesbaar bestand in archief ({type(exc).__name__})"
                    raise Rejected(reason) from None

            yield from _member_sources(read, member_shown, member_sig, info.size, limit, depth)
            state["current"] = None


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
    """Return the iJw 3.2 messages in a document: the root, messages inside a wrapper written
    out as XML, or messages carried base64-encoded in a StUF-GGk envelope.

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


def _is_bericht(tag) -> bool:
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


def xsd_reason(error_log, doc: etree._ElementTree | None = None) -> str:
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


def _error_path(error, doc: etree._ElementTree | None) -> str:
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


def _value(flat: dict | None, spec: FieldSpec, pseudonymise: Pseudonymiser):
    return None if flat is None else convert(flat.get(spec.path), spec, pseudonymise)


def _masked(value: str, agb: bool, pseudonymise: Pseudonymiser) -> str:
    """``value`` (8 or 9 digits) or, when it passes the 11-proef, the BSN mask + its pseudonym.

    An 8-digit value is taken as a BSN that lost its leading zero, except in an AGB-code field.
    """
    if len(value) == 8:
        if agb:
            return value
        value9 = "0" + value
    else:
        value9 = value
    passes = _ELFPROEF.get(value9)
    if passes is None:  # codes and numbers repeat: test each once
        passes = bsn_elfproef(value9)
        if len(_ELFPROEF) < 100_000:
            _ELFPROEF[value9] = passes
    if not passes:
        return value
    return load_schema().mask_prefix + pseudonymise(value9)


_ELFPROEF: dict[str, bool] = {}


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
            value = _masked(value, agb, pseudonymise)
        row[column] = value
    for column, path, check in specs.checked:
        value = get(path)
        if value is not None:
            value = check(value)
            if value is None:
                invalid.append((where, column, path, _CHECK_KIND[check]))
        row[column] = value
    for spec in specs.converted:
        raw = get(spec.path)
        value = convert(raw, spec, pseudonymise)
        if value is None and raw is not None:
            invalid.append((where, spec.column, spec.path, spec.privacy or spec.kind))
        row[spec.column] = value


_EMPTY: dict = {}
_CHECK_KIND = {valid_date: "datum", valid_whole: "geheel getal"}


def convert(raw: str | None, spec: FieldSpec, pseudonymise: Pseudonymiser):
    """Turn one element's text into the stored value, applying the field's privacy rule.

    Parameters
    ----------
    raw : str or None
        Stripped element text (``None`` when absent or empty).
    spec : FieldSpec
        The field, from ``berichten.yaml``.
    pseudonymise : Pseudonymiser
        Used for BSN fields and for masking BSN-shaped values in other fields.

    Returns
    -------
    str, bool or None
        Text as read (a BSN-shaped value masked, see ``bsn_maskering`` in berichten.yaml), a
        date as ``JJJJ-MM-DD`` and a whole number as read (None when invalid), a pseudonym for a
        BSN, ``JJJJ-MM`` for a birth date (None when it is in no known format), a flag for
        ``aanwezig`` fields and for the BSN checks.
    """
    if spec.privacy is None:
        if spec.kind in TEXT_KINDS:
            if raw is not None and 7 < len(raw) < 10 and raw.isdigit():
                return _masked(raw, spec.column in load_schema().agb_columns, pseudonymise)
            return raw
        check = VALUE_CHECKS.get(spec.kind)
        if check is not None:
            return None if raw is None else check(raw)
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
    return birth_month(raw)  # geboortedatum: year and month only


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


def _record_invalid(invalid: list, base: dict, dagtekening, rows: dict[str, list[dict]]) -> None:
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
    return specs, _trie(specs)


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
