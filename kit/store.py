"""Step 1 (storing): message rows -> a folder of Parquet tables, with a load report.

Layout of a store folder::

    STORE/
      kit-store.json                 format version, key fingerprint, ingest batches
      <tabel>/inlees-0001.parquet    one file per table per ingest batch (a partitioned dataset)
      bestanden/inlees-0001.parquet  every file seen, with status and reason
      inleesverslagen/inlees-0001.txt  the Dutch load report of that batch

DuckDB, Polars and Spark read a table directly, e.g. ``SELECT * FROM 'STORE/toewijzingen/*.parquet'``.
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import hashlib
import json
import multiprocessing
import os
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from kit import __version__
from kit.contract import INVALID_TABLE, load_schema
from kit.privacy import Pseudonymiser
from kit.read_tabular import parse_csv
from kit.read_xml import load_xsds, parse_bytes
from kit.sources import Rejected, SourceFile, tag_name

STORE_FORMAT = 1
META_FILE = "kit-store.json"
LOCK_FILE = ".kit-store.lock"
FILES_TABLE = "bestanden"
LOADED, REJECTED, KNOWN = "ingelezen", "afgewezen", "al_ingelezen"
REPORT_COLUMNS = ["berichttype", "Afzender", "Dagtekening", "xsd_gevalideerd"]
SKIPPED_REASON = "al eerder ingelezen (zelfde bestand)"

_ARROW = {
    "tekst": pa.string(),
    "code": pa.string(),
    "tijd": pa.string(),
    "datum": pa.date32(),
    "getal": pa.int64(),
    "bedrag": pa.int64(),
    "bool": pa.bool_(),
}
FILE_COLUMNS = {
    "bron": "tekst",
    "signatuur": "tekst",
    "inhoud_hash": "tekst",
    "status": "code",
    "reden": "tekst",
    "n_berichten": "getal",
    "inlees_id": "code",
}


class StoreError(Exception):
    """Raised when a store cannot be used (wrong key, newer format, missing, damaged, empty).

    In a notebook, IPython shows only the Dutch message (``_render_traceback_``), not a
    traceback: the message says what to do.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"Fout: {self}"]


def table_names() -> list[str]:
    """Return the names of all message tables a store can hold."""
    return ["berichten", *load_schema().tables, "retourcodes", INVALID_TABLE]


def columns_of(table: str) -> dict[str, str]:
    """Return ``{column: kind}`` for a store table (message tables and ``bestanden``)."""
    return FILE_COLUMNS if table == FILES_TABLE else load_schema().columns(table)


def _date(value: object) -> date | None:
    """A ``JJJJ-MM-DD`` text (or a date) as a date; anything else (e.g. 2024-02-30) is missing."""
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    found = _DATES.get(value, _MISSING)
    if found is _MISSING:
        try:
            found = datetime.strptime(value, "%Y-%m-%d").date()
        except (TypeError, ValueError):
            found = None
        if len(_DATES) < 100_000:  # distinct dates are few; do not grow on garbage
            _DATES[value] = found
    return found


def _whole(value: object) -> int | None:
    """A whole number (``12``, ``"12"``, ``"12.0"``) as int; anything else is missing."""
    if value is None or type(value) is int:
        return value
    if isinstance(value, str):
        if not _WHOLE.match(value):
            return None
        value = float(value) if "." in value else int(value)
    if isinstance(value, float) and not value.is_integer():
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if abs(number) < 2**63 else None


_MISSING = object()
_DATES: dict[str, date | None] = {}
_WHOLE = re.compile(r"\s*[+-]?\d+(?:\.0*)?\s*\Z", re.ASCII)
_CONVERT = {"datum": _date, "getal": _whole, "bedrag": _whole}


def arrow_table(rows: list[dict], columns: dict[str, str]) -> pa.Table:
    """Build an Arrow table with the store's column types from row dicts of strings.

    Parameters
    ----------
    rows : list of dict
        Rows as read from XML or CSV (text values, ``None`` for missing).
    columns : dict
        ``{column: kind}``, see :func:`columns_of`. Columns absent from the rows become missing.

    Returns
    -------
    pyarrow.Table
        Dates as ``date32`` (invalid dates become missing), numbers as ``int64`` (anything but a
        whole number becomes missing), flags as ``bool``, text as ``string``.
    """
    arrays = []
    for col, kind in columns.items():
        values = [row.get(col) for row in rows]
        convert = _CONVERT.get(kind)
        if convert is not None:  # dates and numbers repeat: convert each distinct value once
            converted = {v: convert(v) for v in set(values)}
            values = [converted[v] for v in values]
        try:
            arrays.append(pa.array(values, type=_ARROW[kind]))
        except (pa.ArrowTypeError, pa.ArrowInvalid):  # e.g. a number in a text column
            arrays.append(pa.array([None if v is None else str(v) for v in values], _ARROW[kind]))
    return pa.Table.from_arrays(arrays, schema=_arrow_schema(columns))


def typed_frame(rows: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    """Build a frame with the store's column types from row dicts of strings.

    Same conversion as :func:`arrow_table`; dates become ``datetime64[ns]``, numbers ``Int64``,
    flags ``boolean`` and text ``string``.
    """
    return _to_pandas(arrow_table(rows, columns), columns)


def _to_pandas(
    table: pa.Table, columns: dict[str, str], *, arrow_text: bool = False
) -> pd.DataFrame:
    # Text goes through object columns, where pyarrow gives equal values one shared str object
    # (deduplicate_objects): codes such as berichttype or gemeente repeat on every row, and a
    # str object per row costs about 50 bytes. The result is the same ``string`` column.
    # Text that hardly repeats (file names, content hashes) stays in Arrow's buffers instead
    # (``arrow_text``): no str object per row, and hashing runs in Arrow's kernels.
    types = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    if arrow_text:
        types[pa.string()] = pd.StringDtype("pyarrow")
    frame = table.to_pandas(
        date_as_object=False,
        deduplicate_objects=True,
        types_mapper=types.get,
        # each Arrow column is freed once converted: the table and the frame are not both held
        split_blocks=True,
        self_destruct=True,
        coerce_temporal_nanoseconds=True,  # dates straight to datetime64[ns]
    )
    for col, kind in columns.items():
        if _ARROW[kind] == pa.string() and not arrow_text:
            # Arrow gives str or None only: the array is wrapped as it is (None becomes NA in
            # place), where ``astype`` would check and copy each value
            frame[col] = pd.arrays.StringArray(frame[col].to_numpy())
    return frame


def _arrow_schema(columns: dict[str, str]) -> pa.Schema:
    return pa.schema([(c, _ARROW[k]) for c, k in columns.items()])


def _write(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # not matched by *.parquet
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_table(
    store: Path, table: str, columns: list[str] | None = None, *, arrow_text: bool = False
) -> pd.DataFrame:
    """Read one table of a store (all ingest batches) with the store's column types.

    Parameters
    ----------
    store : pathlib.Path
        Store folder.
    table : str
        Table name, see :func:`table_names`, or ``"bestanden"``.
    columns : list of str, optional
        Read only these columns (all when None).
    arrow_text : bool
        Text as ``string[pyarrow]`` instead of ``string`` (Python objects): for text that
        hardly repeats in tables of millions of rows, such as the file list.

    Returns
    -------
    pandas.DataFrame
        Empty (with all columns) when nothing was loaded into the table yet.

    Raises
    ------
    StoreError
        When a Parquet file of the table is damaged (names it; says how to recover).
    """
    kinds = _kinds(table, columns)
    return _to_pandas(_read_arrow(store, table, kinds), kinds, arrow_text=arrow_text)


def read_split(
    store: Path,
    table: str,
    columns: list[str] | None = None,
    *,
    peildatum: str | pd.Timestamp,
    arrow_text: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Read one table as :func:`read_table` does, split at the peildatum.

    The split is made in Arrow, before the conversion to pandas: no second copy of a table of
    millions of rows.

    Returns
    -------
    tuple of pandas.DataFrame
        The rows with a ``Dagtekening`` on or before ``peildatum`` (or without one), and those
        after it (None when there are none, and for a table without ``Dagtekening``, which is kept
        whole).
    """
    kinds = _kinds(table, columns)
    read = _read_arrow(store, table, kinds)
    if "Dagtekening" not in kinds:
        return _to_pandas(read, kinds, arrow_text=arrow_text), None
    # a date after the peildatum's day; a missing date is not after it
    day = pa.scalar(pd.Timestamp(peildatum).date(), pa.date32())
    after = pc.fill_null(pc.greater(read["Dagtekening"], day), False)
    if not pc.any(after).as_py():
        return _to_pandas(read, kinds, arrow_text=arrow_text), None
    kept, later = read.filter(pc.invert(after)), read.filter(after)
    del read, after  # the unsplit table's buffers go before the conversion
    return (
        _to_pandas(kept, kinds, arrow_text=arrow_text),
        _to_pandas(later, kinds, arrow_text=arrow_text),
    )


def _kinds(table: str, columns: list[str] | None) -> dict[str, str]:
    kinds = columns_of(table)
    return kinds if columns is None else {c: kinds[c] for c in columns}


def _read_arrow(store: Path, table: str, kinds: dict[str, str]) -> pa.Table:
    """All ingest batches of a table as one Arrow table (empty, with the columns, when none)."""
    parts = sorted((Path(store) / table).glob("*.parquet"))
    if not parts:
        return arrow_table([], kinds)
    schema = _arrow_schema(kinds)
    read = []
    for part in parts:
        try:
            read.append(pq.read_table(part, columns=list(kinds), schema=schema))
        except pa.ArrowException:  # truncated, empty or not Parquet
            raise StoreError(
                f"Tabel {part.parent.name}/{part.name} in de store {store} is beschadigd (geen "
                "leesbaar Parquet-bestand). Lees de berichten opnieuw in, in een nieuwe store: "
                "python -m kit inlezen BRON --store NIEUWE_MAP."
            ) from None
    # the parts share their buffers with the table: _to_pandas frees them as it goes
    return pa.concat_tables(read)


def read_meta(store: Path, *, filled: bool = False) -> dict:
    """Return the store's metadata, or an empty skeleton for a new store.

    Parameters
    ----------
    store : pathlib.Path
        Store folder.
    filled : bool
        For the analyses: require a store with at least one ingest round. A missing folder, a
        file, a folder that is not a store and an empty store then raise :class:`StoreError`
        too. Every command and notebook checks its store here, so all say the same.

    Raises
    ------
    StoreError
        When ``kit-store.json`` is damaged (empty, not JSON, missing fields; the message says how
        to recover) or written by a newer kit; with ``filled``, also when the store is missing
        or empty. The message is one Dutch sentence that says what to do.
    """
    store = Path(store)
    path = store / META_FILE
    read_in = f"lees eerst berichten in met: python -m kit inlezen BRON --store {store}"
    if filled and not store.exists():
        raise StoreError(f"De store {store} bestaat niet; {read_in}")
    if filled and not store.is_dir():
        raise StoreError(f"{store} is een bestand, geen store; geef de map van de store op.")
    if not path.exists():
        if not filled:
            return {"formaat": STORE_FORMAT, "sleutel": None, "inleesrondes": []}
        if any(store.iterdir()):
            raise StoreError(
                f"{store} is geen store van de kit (er staat geen {META_FILE} in); geef de map "
                f"die bij inlezen --store is gebruikt, of {read_in}"
            )
        raise StoreError(f"De store {store} is leeg; {read_in}")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        rounds = meta["inleesrondes"]
        if not isinstance(rounds, list) or not all(isinstance(r, dict) for r in rounds):
            raise ValueError
        if not isinstance(meta.get("formaat", 0), int):
            raise ValueError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, OSError):
        raise StoreError(
            f"{META_FILE} in de store {store} is beschadigd (leeg, onleesbaar of geen geldige "
            "JSON). De ingelezen tabellen zijn niet aangetast. Herstel met: python -m kit "
            f"inlezen --herstel --store {store} (bouwt {META_FILE} opnieuw op uit de "
            "inleesverslagen, met dezelfde sleutel als eerder)."
        ) from None
    if meta.get("formaat", 0) > STORE_FORMAT:
        raise StoreError(f"De store {store} is gemaakt met een nieuwere versie van de kit.")
    if filled and not meta["inleesrondes"]:
        raise StoreError(f"De store {store} is leeg (nog geen inleesronde); {read_in}")
    return meta


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a reader (or a kill) sees the old or the new file.

    Never half of one: write a temporary file next to it, flush it to disk, then rename.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _write_meta(store: Path, meta: dict) -> None:
    write_atomic(Path(store) / META_FILE, json.dumps(meta, indent=2).encode("utf-8"))


_COUNT_LINES = {
    "gezien": "Bestanden gezien:",
    LOADED: "nieuw ingelezen:",
    KNOWN: "al eerder ingelezen:",
    REJECTED: "afgewezen:",
    "berichten": "Berichten ingelezen:",
}


def rebuild_meta(store: Path, pseudonymise: Pseudonymiser) -> dict:
    """Rebuild a damaged ``kit-store.json`` from the store's load reports and write it.

    A readable ``kit-store.json`` is returned as it is.

    Every ingest round whose load report (``inleesverslagen/inlees-NNNN.txt``) was written is
    kept with its counts; a round without one was interrupted and is read again by the next
    ``inlezen``. The key fingerprint is that of ``pseudonymise``: use the key of earlier rounds.

    Returns
    -------
    dict
        The new metadata.
    """
    store = Path(store)
    try:
        return read_meta(store)  # not damaged: nothing to rebuild (and no key to overwrite)
    except StoreError:
        pass
    rounds = []
    for report in sorted((store / "inleesverslagen").glob("inlees-[0-9][0-9][0-9][0-9].txt")):
        counts: dict = {"id": report.stem, "kit": None}
        for line in report.read_text(encoding="utf-8").splitlines():
            if line.startswith("Inleesverslag ") and "(kit " in line:
                counts["kit"] = line.rsplit("(kit ", 1)[1].rstrip(")")
            for key, label in _COUNT_LINES.items():
                if line.strip().startswith(label) and key not in counts:
                    counts[key] = int(line.split(":", 1)[1])
        rounds.append(counts)
    meta = {"formaat": STORE_FORMAT, "sleutel": pseudonymise.fingerprint, "inleesrondes": rounds}
    with store_lock(store):
        _write_meta(store, meta)
    return meta


@contextlib.contextmanager
def store_lock(store: Path) -> Iterator[None]:
    """Hold the store's lock file (``STORE/.kit-store.lock``) while ingesting.

    An OS lock (``fcntl.flock``; ``msvcrt.locking`` on Windows): it ends with the process, so a
    killed run leaves no stale lock.

    Raises
    ------
    StoreError
        If another process holds the lock.
    """
    store = Path(store)
    store.mkdir(parents=True, exist_ok=True)
    path = store / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            _lock(fd)
            # the lock file may have been removed by the run that held it: then lock anew
            if os.fstat(fd).st_ino != os.stat(path).st_ino:
                raise OSError
        except OSError:
            raise StoreError(
                f"De store {store} wordt al gebruikt door een ander inleesproces. Wacht tot dat "
                "klaar is en probeer het dan opnieuw."
            ) from None
        try:
            yield
        finally:
            path.unlink(missing_ok=True)  # before the lock goes: see the inode check above
    finally:
        os.close(fd)


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


@dataclass
class LoadReport:
    """Outcome of one ingest run.

    ``files`` has one row per file seen (columns of ``bestanden``); ``messages`` the header rows
    of the messages loaded in this run.
    """

    inlees_id: str
    files: pd.DataFrame
    messages: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    invalid: pd.DataFrame | None = None  # rows of table ongeldige_waarden loaded in this run

    @property
    def counts(self) -> dict[str, int]:
        """Files per status; ``gezien`` is always the sum of the other three."""
        by_status = self.files["status"].value_counts()
        counts = {s: int(by_status.get(s, 0)) for s in (LOADED, REJECTED, KNOWN)}
        return {"gezien": len(self.files), **counts}

    @property
    def loaded_anything(self) -> bool:
        """Whether the run left usable data (new or already loaded)."""
        counts = self.counts
        return counts[LOADED] + counts[KNOWN] > 0

    def text(self) -> str:
        """Render the Dutch load report."""
        c = self.counts
        lines = [
            f"Inleesverslag {self.inlees_id} (kit {__version__})",
            "",
            f"Bestanden gezien:      {c['gezien']}",
            f"  nieuw ingelezen:     {c[LOADED]}",
            f"  al eerder ingelezen: {c[KNOWN]}",
            f"  afgewezen:           {c[REJECTED]}",
            f"Berichten ingelezen:   {len(self.messages)}",
        ]
        lines += [f"Let op: {n}" for n in self.notes]
        if len(self.messages):
            m = self.messages
            lines += ["", "Berichten per berichtsoort:"]
            for soort, n in m["berichttype"].value_counts().sort_index().items():
                lines.append(f"  JW{soort}: {n}")
            lines += ["", "Berichten per afzender:"]
            for afz, n in m["Afzender"].value_counts().sort_index().items():
                lines.append(f"  {afz}: {n}")
            lines += ["", "Berichten per maand (dagtekening):"]
            # counted on datetime64[M] and formatted per month: strftime per message is slow
            months = pd.Series(m["Dagtekening"].to_numpy(dtype="datetime64[M]"))
            months = months.value_counts(dropna=False)
            months.index = [str(d)[:7] if not pd.isna(d) else "onbekend" for d in months.index]
            for month, n in months.sort_index().items():
                lines.append(f"  {month}: {n}")
        lines += invalid_lines(self.invalid)
        rejected = self.files[self.files["status"] == REJECTED]
        if len(rejected):
            lines += ["", "Afgewezen bestanden:"]
            lines += [f"  {r.bron}: {r.reden}" for r in rejected.itertuples()]
        return "\n".join(lines) + "\n"


def invalid_lines(invalid: pd.DataFrame | None) -> list[str]:
    """Load-report lines for the values left empty as invalid (table ``ongeldige_waarden``)."""
    if invalid is None or invalid.empty:
        return []
    per = invalid.groupby(["berichttype", "element", "soort"])["aantal"].sum().sort_index()
    lines = ["", "Ongeldige waarden (bericht ingelezen, veld leeg gelaten):"]
    lines += [f"  JW{nr} {element} ({soort}): {int(n)}" for (nr, element, soort), n in per.items()]
    return lines


@dataclass(frozen=True)
class _ParseJob:
    """What a parsing process needs (picklable)."""

    pseudonymise: Pseudonymiser
    xsd_dir: Path | None
    column_map: dict[str, str] | None


_XSDS: dict[Path, dict] = {}


def _parse_chunk(
    job: _ParseJob, items: list[tuple[int, str, str, bytes]]
) -> tuple[list[tuple[int, str, str | None, int]], dict[str, pa.Table]]:
    """Parse a chunk of files into typed tables (runs in a worker process).

    Returns the outcome per file ``(index, status, reason, n_messages)`` and the rows as
    ``{table: pyarrow.Table}``.
    """
    schemas = None
    if job.xsd_dir is not None:
        if job.xsd_dir not in _XSDS:
            _XSDS[job.xsd_dir] = load_xsds(job.xsd_dir)
        schemas = _XSDS[job.xsd_dir]
    rows: dict[str, list[dict]] = {}
    outcome = []
    for index, name, content_hash, data in items:
        try:
            if name.lower().endswith(".csv"):
                parsed = parse_csv(
                    data,
                    source=name,
                    file_hash=content_hash,
                    pseudonymise=job.pseudonymise,
                    column_map=job.column_map,
                )
            else:
                parsed = parse_bytes(
                    data,
                    source=name,
                    file_hash=content_hash,
                    pseudonymise=job.pseudonymise,
                    schemas=schemas,
                )
        except Rejected as exc:
            outcome.append((index, REJECTED, exc.reason, 0))
            continue
        except Exception as exc:  # one bad file never stops the others
            # the exception text may quote file contents: only its type is reported
            reason = f"onverwachte fout bij het lezen ({type(exc).__name__}); meld dit bij de kit"
            outcome.append((index, REJECTED, reason, 0))
            continue
        for table, new in parsed.rows.items():
            rows.setdefault(table, []).extend(new)
        outcome.append((index, LOADED, None, len(parsed.rows.get("berichten", []))))
    tables = {
        table: arrow_table(table_rows, columns_of(table)) for table, table_rows in rows.items()
    }
    return outcome, tables


def ingest(
    sources: Iterable[SourceFile],
    store: Path,
    *,
    pseudonymise: Pseudonymiser,
    xsd_dir: Path | None = None,
    column_map: dict[str, str] | None = None,
    workers: int = 1,
    progress: bool = False,
    chunk_size: int = 2000,
    chunk_bytes: int = 64 * 2**20,
) -> LoadReport:
    """Load new files into the store; skip files whose content was loaded before.

    The store is locked while loading (a second run on it at the same time gets a
    :class:`StoreError`); metadata and tables are written atomically.

    Parameters
    ----------
    sources : iterable of SourceFile
        As yielded by :func:`kit.sources.iter_sources`.
    store : pathlib.Path
        Store folder; created when missing.
    pseudonymise : Pseudonymiser
        The region's key; a store refuses data pseudonymised with another key.
    xsd_dir : pathlib.Path, optional
        Folder with XSDs (see :func:`kit.read_xml.load_xsds`) to validate every message against.
    column_map : dict, optional
        Column mapping for tabular exports (``.csv`` files), see :mod:`kit.read_tabular`.
    workers : int
        Processes that parse in parallel (1 = in this process).
    progress : bool
        Show a progress bar.
    chunk_size : int
        Files per parsing task.
    chunk_bytes : int
        Bytes per parsing task: with at most two tasks per process waiting, the file contents
        held in memory stay bounded whatever the size of the input.

    Returns
    -------
    LoadReport
        Invariant: files seen = loaded + rejected + already loaded.

    Raises
    ------
    StoreError
        When the store is in use by another run, damaged, of a newer format or filled with
        another key.
    """
    store = Path(store)
    read_meta(store)  # a damaged or newer store fails before the store folder is touched
    with store_lock(store):
        return _ingest(
            sources,
            store,
            pseudonymise=pseudonymise,
            xsd_dir=xsd_dir,
            column_map=column_map,
            workers=workers,
            progress=progress,
            chunk_size=chunk_size,
            chunk_bytes=chunk_bytes,
        )


class _RoundWriter:
    """Writes one ingest round's tables while the files are parsed: memory stays bounded.

    Rows are kept per table until there are ``rows`` of them, then written as a Parquet row
    group to a hidden temporary file. :meth:`commit` moves every file to its final name
    (``<table>/<inlees_id>.parquet``); :meth:`discard` removes them (an interrupted round leaves
    nothing a reader would take for data).
    """

    def __init__(self, store: Path, inlees_id: str, rows: int = 250_000) -> None:
        self.store, self.inlees_id, self.rows = store, inlees_id, rows
        self.waiting: dict[str, list[pa.Table]] = {}
        self.writers: dict[str, tuple[pq.ParquetWriter, Path]] = {}

    def final(self, table: str) -> Path:
        """The file a table of this round ends up in."""
        return self.store / table / f"{self.inlees_id}.parquet"

    def add(self, table: str, part: pa.Table) -> None:
        """Queue rows of ``table``; written once enough of them are waiting."""
        waiting = self.waiting.setdefault(table, [])
        waiting.append(part)
        if sum(p.num_rows for p in waiting) >= self.rows:
            self._flush(table)

    def _flush(self, table: str) -> None:
        parts = self.waiting.pop(table, [])
        if not parts:
            return
        data = pa.concat_tables(parts)
        if table not in self.writers:
            path = self.final(table)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # not matched by *.parquet
            self.writers[table] = (pq.ParquetWriter(tmp, data.schema, compression="zstd"), tmp)
        self.writers[table][0].write_table(data)

    def commit(self) -> None:
        """Write what is waiting, close every file and give it its final name."""
        for table in list(self.waiting):
            self._flush(table)
        for writer, _ in self.writers.values():
            writer.close()
        for table, (_, tmp) in self.writers.items():
            os.replace(tmp, self.final(table))
        self.writers.clear()

    def discard(self) -> None:
        """Remove the temporary files (after an error)."""
        for writer, tmp in self.writers.values():
            with contextlib.suppress(Exception):
                writer.close()
            tmp.unlink(missing_ok=True)
        self.writers.clear()


def _ingest(
    sources: Iterable[SourceFile],
    store: Path,
    *,
    pseudonymise: Pseudonymiser,
    xsd_dir: Path | None,
    column_map: dict[str, str] | None,
    workers: int,
    progress: bool,
    chunk_size: int,
    chunk_bytes: int,
) -> LoadReport:
    meta = read_meta(store)
    if not pseudonymise.matches(meta["sleutel"]):
        raise StoreError(
            "Deze store is gevuld met een andere pseudonimiseringssleutel. Gebruik dezelfde sleutel "
            "(KIT_PSEUDONIEM_SLEUTEL of KIT_SLEUTELBESTAND) of een nieuwe store."
        )
    if xsd_dir is not None:
        load_xsds(xsd_dir)  # fail early, in this process, on an unusable XSD folder
    inlees_id = f"inlees-{len(meta['inleesrondes']) + 1:04d}"
    leftovers = [*store.glob(f"*/{inlees_id}*.parquet"), *store.glob(f"*/.{inlees_id}.*.tmp")]
    for leftover in leftovers:  # from an interrupted earlier run
        leftover.unlink()
    known = read_table(store, FILES_TABLE)
    hash_by_sig = dict(zip(known["signatuur"].tolist(), known["inhoud_hash"].tolist(), strict=True))
    loaded_hashes = set(known.loc[known["status"] == LOADED, "inhoud_hash"].dropna().tolist())
    job = _ParseJob(pseudonymise, xsd_dir, column_map)

    file_rows: list[dict] = []
    first_of_hash: dict[str, int] = {}  # content hash -> index of the file parsed for it
    duplicates: list[int] = []
    pending: collections.deque = collections.deque()
    writer = _RoundWriter(store, inlees_id)
    kept: dict[str, list[pa.Table]] = {"berichten": [], INVALID_TABLE: []}  # for the report
    chunk: list[tuple[int, str, str, bytes]] = []
    chunk_size_now = [0]
    executor = _executor(workers)

    def collect(done: Future | tuple) -> None:
        outcome, tables = done.result() if executor else done
        for table, part in tables.items():
            writer.add(table, part)
            if table == "berichten":
                kept[table].append(part.select(REPORT_COLUMNS))
            elif table == INVALID_TABLE:
                kept[table].append(part)
        for index, status, reason, n in outcome:
            file_rows[index] |= {"status": status, "reden": reason, "n_berichten": n}

    def submit() -> None:
        if chunk:
            args = (job, list(chunk))
            pending.append(
                executor.submit(_parse_chunk, *args) if executor else _parse_chunk(*args)
            )
            chunk.clear()
            chunk_size_now[0] = 0
            while len(pending) > 2 * max(workers, 1):  # bound the contents waiting in memory
                collect(pending.popleft())

    try:
        for src in tqdm(sources, desc="Inlezen", unit=" bestanden", disable=not progress):
            # the path may hold a BSN: store and compare only a keyed digest of the signature
            signature = pseudonymise.digest(src.signature)
            content_hash = hash_by_sig.get(signature)
            if content_hash in loaded_hashes:
                file_rows.append(
                    {
                        "bron": tag_name(src.name, content_hash),
                        "signatuur": signature,
                        "inlees_id": inlees_id,
                        "inhoud_hash": content_hash,
                        "status": KNOWN,
                        "reden": SKIPPED_REASON,
                    }
                )
                continue
            row = {"bron": src.name, "signatuur": signature, "inlees_id": inlees_id}
            file_rows.append(row)
            try:
                data = src.read()
            except Rejected as exc:
                row |= {"status": REJECTED, "reden": exc.reason}
                continue
            except OSError as exc:
                row |= {
                    "status": REJECTED,
                    "reden": f"bestand niet te lezen ({type(exc).__name__})",
                }
                continue
            # a leading UTF-8 BOM (OP192) does not make another message: hash without it
            content_hash = hashlib.sha256(data.removeprefix(codecs.BOM_UTF8)).hexdigest()
            row["inhoud_hash"] = content_hash
            row["bron"] = name = tag_name(src.name, content_hash)  # a masked name gets the hash
            if content_hash in loaded_hashes:
                row |= {
                    "status": KNOWN,
                    "reden": "zelfde inhoud als een ander, al ingelezen bestand",
                }
            elif content_hash in first_of_hash:
                duplicates.append(len(file_rows) - 1)
            else:
                first_of_hash[content_hash] = len(file_rows) - 1
                chunk.append((len(file_rows) - 1, name, content_hash, data))
                chunk_size_now[0] += len(data)
                if len(chunk) >= chunk_size or chunk_size_now[0] >= chunk_bytes:
                    submit()
        submit()
        for done in tqdm(list(pending), desc="Verwerken", unit=" delen", disable=not progress):
            collect(done)
    except BaseException:
        writer.discard()
        raise
    finally:
        if executor:
            executor.shutdown(cancel_futures=True)
    for index in duplicates:  # same content as another file of this batch: follows its fate
        original = file_rows[first_of_hash[file_rows[index]["inhoud_hash"]]]
        if original["status"] == LOADED:
            file_rows[index] |= {"status": KNOWN, "reden": f"zelfde inhoud als {original['bron']}"}
        else:
            file_rows[index] |= {"status": original["status"], "reden": original["reden"]}

    writer.commit()
    files_table = arrow_table(file_rows, FILE_COLUMNS)
    file_rows.clear()  # in the Arrow table now: free the dicts (millions at national scale)
    first_of_hash.clear()
    # files recognised by their signature are already recorded: keep the table small so a
    # re-run with nothing new stays fast
    skipped = pc.fill_null(pc.equal(files_table["reden"], SKIPPED_REASON), False)
    _write(files_table.filter(pc.invert(skipped)), store / FILES_TABLE / f"{inlees_id}.parquet")
    files = _to_pandas(files_table, FILE_COLUMNS)
    report_columns = {c: columns_of("berichten")[c] for c in REPORT_COLUMNS}
    report_messages = (
        _to_pandas(pa.concat_tables(kept["berichten"]), report_columns)
        if kept["berichten"]
        else typed_frame([], report_columns)
    )
    notes = []
    if xsd_dir is not None:
        missing = sorted(
            set(report_messages.loc[~report_messages["xsd_gevalideerd"], "berichttype"])
        )
        if missing:
            notes.append("geen XSD opgegeven voor JW" + ", JW".join(missing) + ": niet gevalideerd")
    invalid = (
        _to_pandas(pa.concat_tables(kept[INVALID_TABLE]), columns_of(INVALID_TABLE))
        if kept[INVALID_TABLE]
        else None
    )
    report = LoadReport(inlees_id, files, report_messages, notes, invalid)
    write_atomic(store / "inleesverslagen" / f"{inlees_id}.txt", report.text().encode("utf-8"))
    meta["sleutel"] = pseudonymise.fingerprint
    meta["inleesrondes"].append(
        {"id": inlees_id, "kit": __version__, **report.counts, "berichten": len(report_messages)}
    )
    _write_meta(store, meta)
    return report


def _executor(workers: int) -> ProcessPoolExecutor | None:
    if workers <= 1:
        return None
    # forkserver: workers start from a clean process (forking one that runs threads, such as a
    # Jupyter kernel or a test runner, can hang); spawn where forkserver does not exist
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def data_dictionary() -> str:
    """Render the data dictionary of every store table as Dutch Markdown (from berichten.yaml)."""
    schema = load_schema()
    raw = schema.raw
    kinds = {
        "tekst": "tekst",
        "code": "code (tekst)",
        "datum": "datum",
        "tijd": "tijd (tekst)",
        "getal": "geheel getal",
        "bedrag": "bedrag in eurocent",
        "bool": "ja/nee",
    }
    explain = {
        **raw["herkomst"],
        **{k: v["uitleg"] for k, v in raw["kop"].items()},
        **{k: v["uitleg"] for k, v in raw["client"].items()},
        **raw["retourcodes"]["velden"],
        **{k: v["uitleg"] for k, v in raw["retourcodes"]["sleutels"].items()},
        "heen_berichttype": "Berichtsoort van het heenbericht (bij een retour: waarop het "
        "antwoordt).",
        "is_retour": "Of het bericht een retourbericht is.",
        "n_regels": "Aantal rijen dat het bericht in de andere tabellen opleverde.",
        "xsd_gevalideerd": "Of het bericht tegen een opgegeven XSD is gevalideerd.",
        "Soort": "Deel van het wijzigingsverzoek: ongewijzigd, te_wijzigen of nieuw.",
        **{k: v for k, v in FILE_EXPLAIN.items()},
        **raw[INVALID_TABLE]["velden"],
    }
    lines = [
        "# Datawoordenboek van de store",
        "",
        "Gegenereerd uit `kit/berichten.yaml` met `python -m kit woordenboek`; niet met de hand "
        "bewerken.",
        "",
        "Elke tabel is een map met één Parquet-bestand per inleesronde "
        "(`STORE/<tabel>/inlees-0001.parquet`). Het BSN staat nergens in de store: alleen het "
        "pseudoniem `client_id`. Namen, adressen, contactgegevens en vrije tekst worden niet "
        "opgeslagen; van de geboortedatum alleen jaar en maand.",
        "",
        raw["bsn_maskering"]["uitleg"],
    ]
    tables = {
        "berichten": "Eén rij per bericht (kop), ook retourberichten.",
        **{n: t["uitleg"] for n, t in raw["tabellen"].items()},
        "retourcodes": raw["retourcodes"]["uitleg"],
        INVALID_TABLE: raw[INVALID_TABLE]["uitleg"],
        FILES_TABLE: "Eén rij per bestand dat in een inleesronde is gelezen, met status en reden. "
        "Een ongewijzigd bestand dat al bekend was, krijgt geen nieuwe rij (het verslag telt het wel).",
    }
    for name, about in tables.items():
        spec = raw["tabellen"].get(name, {})
        source = (
            f" Bron: JW{spec['bericht']}, element `{spec['record']}`."
            if "record" in spec and isinstance(spec["record"], str)
            else ""
        )
        if spec.get("verplicht"):  # a message missing one of these is rejected
            needed = ("minstens één element" if c == "record" else f"`{c}`" for c in spec["verplicht"])
            source += f" Verplicht (anders wordt het bericht afgewezen): {', '.join(needed)}."
        lines += [
            "",
            f"## `{name}`",
            "",
            about + source,
            "",
            "| kolom | type | betekenis |",
            "|---|---|---|",
        ]
        for col, kind in columns_of(name).items():
            field = spec.get("velden", {}).get(col, {})
            text = field.get("uitleg") or explain.get(col, "")
            lines.append(f"| `{col}` | {kinds[kind]} | {text} |")
    return "\n".join(lines) + "\n"


FILE_EXPLAIN = {
    "signatuur": "Sleutelafhankelijke hash (BLAKE2b met sleutel) van pad, grootte en "
    "wijzigingstijd (bij archieven ook de naam en CRC van het bestand erin); herkent "
    "ongewijzigde bestanden zonder ze opnieuw te lezen. Gehasht, omdat een pad een BSN of naam "
    "kan bevatten.",
    "inhoud_hash": "SHA-256 van de inhoud (zonder BOM aan het begin); hetzelfde bestand wordt "
    "maar één keer ingelezen.",
    "status": "ingelezen, afgewezen of al_ingelezen.",
    "reden": "Waarom het bestand is afgewezen of overgeslagen.",
    "n_berichten": "Aantal iJw-berichten in het bestand.",
    "inlees_id": "Inleesronde waarin het bestand is gezien.",
}
