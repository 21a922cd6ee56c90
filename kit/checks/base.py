"""Shared machinery of the quality checks: the scan's data, the registry and small helpers.

A check function takes a :class:`ScanData` and the check's parameters (from ``checks.yaml``) and
returns either ``None`` ("niet te beoordelen": the data cannot support the check) or a frame with
one row per record checked, made with :func:`outcome`:

    record, berichttype, aanbieder, gemeente, datum, afwijkend

``record`` is an integer key (:class:`RecordKeys`) of a store row, a message or a file; its
label (``bericht_id:regel``, ``bericht_id``, ``bestand:<hash>``) is what leaves the scan.
``datum`` is the record's reference date (its Dagtekening unless the check says otherwise) and
decides the month the record counts in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import holidays
import numpy as np
import pandas as pd

from kit.codelists import resolve_codes
from kit.store import FILES_TABLE

CheckFunction = Callable[["ScanData", dict], "pd.DataFrame | None"]
REGISTRY: dict[str, CheckFunction] = {}
# Name in ScanData.tables of the messages (berichten rows) dated after the peildatum.
LATER_MESSAGES = "berichten_na_peildatum"
OUTCOME_COLUMNS = ["record", "berichttype", "aanbieder", "gemeente", "datum", "afwijkend"]


@dataclass(frozen=True)
class Param:
    """Type and range of one parameter of a check; its value lives only in ``checks.yaml``.

    Attributes
    ----------
    kind : str
        ``int`` (whole number), ``float`` (number), ``bool``, ``str`` (text), ``codes`` (a list
        of codes or the name of a group in ``kit/codelijsten.yaml``, resolved to a tuple of str)
        or ``list`` (a list of texts or numbers, kept as given).
    low, high : float, optional
        Inclusive bounds of a number.
    """

    kind: str
    low: float | None = None
    high: float | None = None


#: a number of working days, and of calendar days (the common parameter kinds)
WORKDAYS = Param("int", 0)
DAYS = Param("int", 0)
#: per check id: its parameters (name -> :class:`Param`), declared with :func:`register`
PARAMETERS: dict[str, dict[str, Param]] = {}
_KIND_NL = {
    "int": "een geheel getal",
    "float": "een getal",
    "bool": "true of false",
    "str": "een tekst",
    "list": "een lijst",
}


def register(
    check_id: str, parameters: Mapping[str, Param] | None = None
) -> Callable[[CheckFunction], CheckFunction]:
    """Register the function that evaluates check ``check_id`` (an id in ``checks.yaml``).

    ``parameters`` declares the keys the function reads from its parameters (name -> type and
    range); :func:`kit.checks.load_checks` requires exactly these keys in the YAML.
    """

    def decorate(func: CheckFunction) -> CheckFunction:
        if check_id in REGISTRY:
            raise ValueError(f"check {check_id} registered twice")
        REGISTRY[check_id] = func
        PARAMETERS[check_id] = dict(parameters or {})
        return func

    return decorate


def validate_parameters(values: object, schema: Mapping[str, Param], where: str) -> dict:
    """Check parameter values against their schema; codes groups are resolved.

    Parameters
    ----------
    values : object
        The ``parameters`` mapping from the YAML.
    schema : mapping of str to Param
        The declared parameters.
    where : str
        Dutch prefix of an error (``controle start_te_laat``).

    Returns
    -------
    dict
        The values, numbers of kind ``float`` as float, ``codes`` as a tuple of str.

    Raises
    ------
    ValueError
        In Dutch, naming ``where`` and the key: a missing, unknown or mistyped key, or a
        number out of range.
    """
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ValueError(f"{where}: parameters moet sleutels met waarden bevatten")
    missing = [k for k in schema if k not in values]
    if missing:
        raise ValueError(f"{where}: parameter {', '.join(missing)} ontbreekt")
    unknown = sorted(str(k) for k in values if k not in schema)
    if unknown:
        known = ", ".join(schema) or "geen"
        raise ValueError(f"{where}: onbekende parameter {', '.join(unknown)} (bekend: {known})")
    out = {}
    for key, spec in schema.items():
        out[key] = _parameter(values[key], spec, f"{where}: parameter {key}")
    return out


def _parameter(value: object, spec: Param, where: str) -> object:
    if spec.kind == "codes":
        return resolve_codes(value, where)
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    ok = {
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": is_number,
        "bool": isinstance(value, bool),
        "str": isinstance(value, str),
        "list": isinstance(value, list),
    }[spec.kind]
    if not ok:
        raise ValueError(f"{where} moet {_KIND_NL[spec.kind]} zijn, niet {value!r}")
    if spec.kind == "float":
        value = float(value)
    if spec.low is not None and value < spec.low:
        raise ValueError(f"{where} moet minstens {spec.low:g} zijn, niet {value!r}")
    if spec.high is not None and value > spec.high:
        raise ValueError(f"{where} moet hoogstens {spec.high:g} zijn, niet {value!r}")
    return value


@dataclass
class ScanData:
    """Everything a check may look at, cut off at the peildatum.

    Attributes
    ----------
    tables : dict of pandas.DataFrame
        Store tables (all of :func:`kit.store.table_names` plus ``bestanden``, of which
        :func:`kit.checks.prepare_scan` reads only the columns the checks use), messages with a
        Dagtekening after the peildatum left out. Rejected heenberichten are still in: checks look
        at the data as delivered.
    pathways : pandas.DataFrame
        :func:`kit.pathways.build_pathways` on the same tables (rejected messages dropped).
    peildatum : pandas.Timestamp
        The reference date; nothing after it is used.
    later : dict of pandas.DataFrame
        Per store table, the rows of messages with a Dagtekening after the peildatum (left out of
        ``tables``; see :func:`kit.checks.prepare_scan`). Checks use them only to tell that a
        message exists (a 301 dated in the future by a typing error is no missing 301) and
        check ``dagtekening_na_peildatum`` names them; table ``berichten`` of it is in
        ``tables`` as ``LATER_MESSAGES`` so that its messages have record keys.
    """

    tables: dict[str, pd.DataFrame]
    pathways: pd.DataFrame
    peildatum: pd.Timestamp
    later: dict[str, pd.DataFrame] = field(default_factory=dict)
    _rows: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _shared: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def shared(self, name: str, build: Callable[[ScanData], pd.DataFrame]) -> pd.DataFrame:
        """``build(self)``, computed once per scan (several checks use the same frames).

        The result is shared: callers must not change it in place.
        """
        if name not in self._shared:
            self._shared[name] = build(self)
        return self._shared[name]

    def forget_shared(self) -> None:
        """Drop the frames kept for the checks (:meth:`shared`, :meth:`rows`); rebuilt on use.

        Memory: at a million messages they hold about half a GB that nothing needs once every
        check has run.
        """
        self._shared.clear()
        self._rows.clear()

    def later_rows(self, table: str) -> pd.DataFrame:
        """Rows of ``table`` from messages dated after the peildatum (empty when none)."""
        found = self.later.get(table)
        return found if found is not None else self.tables[table].iloc[:0]

    def rows(self, table: str) -> pd.DataFrame:
        """Return a store table with an integer ``record`` column (see :class:`RecordKeys`)."""
        if table not in self._rows:
            # a shallow copy: the table's columns are shared, not copied (checks never change a
            # frame in place); only the new column is added, to the copy
            frame = self.tables[table].copy(deep=False)
            frame["record"] = self.keys.of_table(table)
            self._rows[table] = frame
        return self._rows[table]

    def message_mask(self, bericht_ids: Iterable[str]) -> np.ndarray:
        """A flag per ``berichten`` row: whether its message is one of ``bericht_ids``.

        One more flag at the end, always false, for rows whose message is not in ``berichten``
        (position -1); an id that is not in ``berichten`` matches nothing. Pass the mask to
        :meth:`in_messages`.
        """
        positions = self.keys.message_positions(pd.Series(list(bericht_ids), dtype=object))
        chosen = np.zeros(len(self.tables["berichten"]) + 1, dtype=bool)
        chosen[positions[positions >= 0]] = True
        return chosen

    def in_messages(self, table: str, mask: np.ndarray) -> np.ndarray:
        """Whether each row of ``table`` belongs to a message flagged in ``mask``.

        ``mask`` from :meth:`message_mask`. Each row's message position is kept per table
        (:meth:`RecordKeys.message_rows`): millions of rows are not hashed again per lookup.
        """
        return mask[self.keys.message_rows(table)]

    @cached_property
    def keys(self) -> RecordKeys:
        """The integer record keys of this scan."""
        return RecordKeys(self.tables)

    @cached_property
    def calendar(self) -> WorkdayCalendar:
        """Working days (Mon-Fri without Dutch public holidays) around the data's years."""
        dates = self.tables["berichten"]["Dagtekening"].dropna()
        first = dates.min().year - 1 if len(dates) else self.peildatum.year - 3
        return WorkdayCalendar(range(first, self.peildatum.year + 2))


MESSAGE, ROW, FILE = 0, 1, 2  # kinds of record
#: the columns record keys and their labels are made of
KEY_COLUMNS = ("bericht_id", "regel", "inhoud_hash")


class RecordKeys:
    """Integer keys for the records a scan checks (integers join and group far faster).

    Row ``i`` of table ``t`` has key ``start[t] + i``. Tables without a ``regel`` column
    (``berichten``, ``retourcodes``) hold messages: their rows get the key of their message in
    ``berichten``. A file's key is that of its first row in ``bestanden``. Keys depend on the
    peildatum; their labels do not: ``bericht_id:regel`` for a row, ``bericht_id`` for a
    message and ``bestand:<inhoud_hash>`` for a file.

    Parameters
    ----------
    tables : dict of pandas.DataFrame
        The scan's tables (:attr:`ScanData.tables`).
    """

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        self.tables = tables
        self.start: dict[str, int] = {}
        n = 0
        for name, frame in tables.items():
            self.start[name] = n
            n += len(frame)
        self._messages: dict[str, np.ndarray] = {}

    def narrowed(self) -> RecordKeys:
        """The same keys, holding only the columns they are made of (:data:`KEY_COLUMNS`).

        Labels and kinds stay the same; the other columns of the scan's tables can then be
        freed (the quick scan's counts after the checks need only the keys).
        """
        narrow = RecordKeys({})
        narrow.tables = {
            name: frame[[c for c in KEY_COLUMNS if c in frame]]
            for name, frame in self.tables.items()
        }
        narrow.start = dict(self.start)
        narrow._messages = dict(self._messages)
        return narrow

    def of_table(self, table: str) -> np.ndarray:
        """The key of every row of ``table``, in row order."""
        frame = self.tables[table]
        own = self.start[table] + np.arange(len(frame), dtype=np.int64)
        if table == FILES_TABLE or "regel" in frame:
            return own
        rows = self.message_rows(table)  # a message without a berichten row keeps its own key
        return np.where(rows >= 0, self.start["berichten"] + rows, own)

    def message_rows(self, table: str) -> np.ndarray:
        """Position in ``berichten`` of each row's message (-1 when it is not there)."""
        if table not in self._messages:
            self._messages[table] = self.message_positions(self.tables[table]["bericht_id"])
        return self._messages[table]

    def message_positions(self, bericht_ids: pd.Series) -> np.ndarray:
        """Position in ``berichten`` of each ``bericht_id`` (-1 when it is not there)."""
        index = self._message_ids
        # ids of another text type would make pandas convert the index and hash all of it again
        return index.get_indexer(pd.Index(bericht_ids).astype(index.dtype, copy=False))

    @cached_property
    def _message_ids(self) -> pd.Index:
        return pd.Index(self.tables["berichten"]["bericht_id"])

    def of_labels(self, labels: pd.Series, table: str) -> np.ndarray:
        """The keys of rows of ``table`` given by label (``bericht_id:regel``); -1 when unknown."""
        rows = pd.Index(self._row_labels(table)).get_indexer(labels)
        return np.where(rows >= 0, self.start[table] + rows, -1)

    def _row_labels(self, table: str, at: np.ndarray | None = None) -> pd.Series:
        frame = self.tables[table] if at is None else self.tables[table].iloc[at]
        if table == FILES_TABLE:
            return "bestand:" + frame["inhoud_hash"].astype("string")
        if "regel" not in frame:
            return frame["bericht_id"].astype("string")
        return frame["bericht_id"].astype("string") + ":" + frame["regel"].astype("string")

    def _table_of(self, keys: np.ndarray) -> np.ndarray:
        starts = np.fromiter(self.start.values(), dtype=np.int64)
        return np.searchsorted(starts, keys, side="right") - 1

    def labels(self, keys: np.ndarray) -> np.ndarray:
        """The label of each key (object array of str)."""
        keys = np.asarray(keys, dtype=np.int64)
        out = np.empty(len(keys), dtype=object)
        which = self._table_of(keys)
        for i, name in enumerate(self.start):
            hit = which == i
            if hit.any():
                labels = self._row_labels(name, keys[hit] - self.start[name])
                out[hit] = labels.to_numpy(dtype=object)
        return out

    def kinds(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Kind of each key (``MESSAGE``, ``ROW`` or ``FILE``) and the key of its message.

        The message key of a message is itself; a file has none (-1).
        """
        keys = np.asarray(keys, dtype=np.int64)
        kind = np.full(len(keys), ROW, dtype=np.int8)
        message = np.full(len(keys), -1, dtype=np.int64)
        which = self._table_of(keys)
        for i, name in enumerate(self.start):
            hit = which == i
            if not hit.any():
                continue
            if name == FILES_TABLE:
                kind[hit] = FILE
            elif "regel" not in self.tables[name]:
                kind[hit] = MESSAGE
                message[hit] = keys[hit]
            else:
                rows = self.message_rows(name)[keys[hit] - self.start[name]]
                message[hit] = np.where(rows >= 0, self.start["berichten"] + rows, -1)
        return kind, message


class WorkdayCalendar:
    """Counts working days: weekdays that are not Dutch public holidays (``holidays`` library)."""

    def __init__(self, years: range) -> None:
        self.holidays = np.array(sorted(holidays.NL(years=years)), dtype="datetime64[D]")

    def between(self, start: pd.Series, end: pd.Series) -> pd.Series:
        """Working days from ``start`` (exclusive) to ``end`` (inclusive); negative if reversed.

        Missing dates give missing results.
        """
        ok = start.notna() & end.notna()
        out = pd.Series(pd.NA, index=start.index, dtype="Int64")
        if ok.any():
            s = start[ok].to_numpy(dtype="datetime64[D]") + 1
            e = end[ok].to_numpy(dtype="datetime64[D]") + 1
            out[ok] = np.busday_count(s, e, holidays=self.holidays)
        return out

    def add(self, start: pd.Series, days: int) -> pd.Series:
        """The date ``days`` working days after ``start`` (missing stays missing).

        A start on a weekend day or holiday counts from the working day before it, so that
        ``between(start, add(start, n)) == n``.
        """
        ok = start.notna()
        out = pd.Series(pd.NaT, index=start.index, dtype="datetime64[ns]")
        if ok.any():
            d = start[ok].to_numpy(dtype="datetime64[D]")
            out[ok] = np.busday_offset(d, days, roll="backward", holidays=self.holidays)
        return out


def outcome(
    frame: pd.DataFrame,
    failing: pd.Series,
    *,
    berichttype: str | pd.Series | None = None,
    datum: str = "Dagtekening",
    record: str = "record",
) -> pd.DataFrame:
    """Shape a check's result: one row per record checked.

    Parameters
    ----------
    frame : pandas.DataFrame
        The records checked (must have ``record``, ``aanbieder``, ``gemeente`` and ``datum``
        columns, and ``berichttype`` unless given).
    failing : pandas.Series of bool
        Aligned with ``frame``; true where the record breaks the rule. Missing counts as passing.
    berichttype : str or pandas.Series, optional
        Overrides the frame's ``berichttype``.
    datum : str
        Column with the record's reference date.
    record : str
        Column that identifies the record.

    Returns
    -------
    pandas.DataFrame
        Columns ``record, berichttype, aanbieder, gemeente, datum, afwijkend``.
    """
    n = len(frame)
    bt = frame["berichttype"] if berichttype is None else berichttype
    bt = np.full(n, bt, dtype=object) if isinstance(bt, str) else _objects(bt)
    # plain object arrays: cheap to build and to concatenate; evaluate_checks makes them
    # categorical once for all checks together
    return pd.DataFrame(
        {
            "record": frame[record].to_numpy(dtype=np.int64),
            "berichttype": bt,
            "aanbieder": _objects(frame["aanbieder"]),
            "gemeente": _objects(frame["gemeente"]),
            "datum": _dates(frame[datum]),
            "afwijkend": pd.Series(failing, index=frame.index).fillna(False).to_numpy(dtype=bool),
        }
    )


def _objects(values: pd.Series) -> np.ndarray:
    """Values as an object array, missing as they are (``to_numpy`` would check every value)."""
    return np.asarray(values.array, dtype=object)


def _dates(values: pd.Series) -> np.ndarray:
    """Values as ``datetime64[ns]`` (``pd.to_datetime`` only when they are not dates yet)."""
    if values.dtype.kind != "M":
        values = pd.to_datetime(values)
    return values.to_numpy(dtype="datetime64[ns]")


def first_positions(codes: np.ndarray) -> np.ndarray:
    """Where each code first occurs, for codes in first-seen order (``pd.factorize``).

    Equal to ``np.unique(codes, return_index=True)[1]`` without sorting: a code occurs for the
    first time exactly where it exceeds every code before it. Linear in time, one array of
    extra memory (a sort takes two, at tens of millions of flags).
    """
    if len(codes) == 0:
        return np.array([], dtype=np.intp)
    new = np.empty(len(codes), dtype=bool)
    new[0] = True
    np.greater(codes[1:], np.maximum.accumulate(codes)[:-1], out=new[1:])
    return np.flatnonzero(new)


def combine(*results: pd.DataFrame | None) -> pd.DataFrame | None:
    """Merge partial results of one check: a record fails if it fails any part."""
    parts = [r for r in results if r is not None]
    if not parts:
        return None
    merged = pd.concat(parts, ignore_index=True)
    agg = merged.groupby("record", sort=False).agg(
        berichttype=("berichttype", "first"),
        aanbieder=("aanbieder", "first"),
        gemeente=("gemeente", "first"),
        datum=("datum", "first"),
        afwijkend=("afwijkend", "any"),
    )
    return agg.reset_index()[OUTCOME_COLUMNS]
