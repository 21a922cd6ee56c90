"""Step 1 (reading): the reading contract of ``kit/berichten.yaml`` and value conversion.

Which iJw element goes to which store column, of which kind (date, whole number, code, text)
and with which privacy rule (BSN pseudonymised, birth date to year and month, BSN-shaped values
masked). Both readers (:mod:`kit.read_xml`, :mod:`kit.read_tabular`) convert every value with
:func:`convert`, so an XML message and a tabular export give the same rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property

from kit import config
from kit.privacy import Pseudonymiser, bsn_elfproef, bsn_is_test

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

    def __new__(
        cls, specs: Iterable[FieldSpec] = (), agb_columns: frozenset = frozenset()
    ) -> FieldGroup:
        """Split ``specs`` once into plain, checked and converted fields."""
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


def field_trie(specs: Iterable[FieldSpec]) -> dict:
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
        context_tries = {van: field_trie([f for f in fields if f.van == van]) for van in contexts}
        if entry.get("client"):
            context_tries[entry["client"]] = field_trie(
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
            record_trie=field_trie([f for f in fields if f.van is None]),
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
        header_trie=field_trie(header),
        retour_trie=field_trie(retour_keys),
        client_trie=field_trie(client),
    )


_ELFPROEF: dict[str, bool] = {}


def masked_value(value: str, agb: bool, pseudonymise: Pseudonymiser) -> str:
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


CHECK_KINDS = {valid_date: "datum", valid_whole: "geheel getal"}


def convert(raw: str | None, spec: FieldSpec, pseudonymise: Pseudonymiser) -> str | bool | None:
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
                return masked_value(raw, spec.column in load_schema().agb_columns, pseudonymise)
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
