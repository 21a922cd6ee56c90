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

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from kit import __version__
from kit.privacy import Pseudonymiser
from kit.read_tabular import parse_csv
from kit.read_xml import Rejected, SourceFile, load_schema, parse_bytes

STORE_FORMAT = 1
META_FILE = "kit-store.json"
FILES_TABLE = "bestanden"
LOADED, REJECTED, KNOWN = "ingelezen", "afgewezen", "al_ingelezen"

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
    """Raised when a store cannot be used (wrong key, newer format, missing)."""


def table_names() -> list[str]:
    """Return the names of all message tables a store can hold."""
    return ["berichten", *load_schema().tables, "retourcodes"]


def columns_of(table: str) -> dict[str, str]:
    """Return ``{column: kind}`` for a store table (message tables and ``bestanden``)."""
    return FILE_COLUMNS if table == FILES_TABLE else load_schema().columns(table)


def typed_frame(rows: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    """Build a frame with the store's column types from row dicts of strings.

    Parameters
    ----------
    rows : list of dict
        Rows as read from XML or CSV (text values, ``None`` for missing).
    columns : dict
        ``{column: kind}``, see :func:`columns_of`. Columns absent from the rows become missing.

    Returns
    -------
    pandas.DataFrame
        Dates as ``datetime64[ns]`` (invalid dates become missing), numbers as ``Int64``,
        flags as ``boolean``, text as ``string``.
    """
    frame = pd.DataFrame.from_records(rows, columns=list(columns)) if rows else pd.DataFrame(
        columns=list(columns)
    )
    for col, kind in columns.items():
        values = frame[col]
        if kind == "datum":
            frame[col] = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        elif kind in ("getal", "bedrag"):
            frame[col] = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif kind == "bool":
            frame[col] = values.astype("boolean")
        else:
            frame[col] = values.astype("string")
    return frame


def _arrow_schema(columns: dict[str, str]) -> pa.Schema:
    return pa.schema([(c, _ARROW[k]) for c, k in columns.items()])


def _write(frame: pd.DataFrame, path: Path, columns: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame, schema=_arrow_schema(columns), preserve_index=False)
    pq.write_table(table, path, compression="zstd")


def read_table(store: Path, table: str) -> pd.DataFrame:
    """Read one table of a store (all ingest batches) with the store's column types.

    Parameters
    ----------
    store : pathlib.Path
        Store folder.
    table : str
        Table name, see :func:`table_names`, or ``"bestanden"``.

    Returns
    -------
    pandas.DataFrame
        Empty (with all columns) when nothing was loaded into the table yet.
    """
    columns = columns_of(table)
    parts = sorted((Path(store) / table).glob("*.parquet"))
    if not parts:
        return typed_frame([], columns)
    frame = pa.concat_tables(
        [pq.read_table(p, schema=_arrow_schema(columns)) for p in parts]
    ).to_pandas(types_mapper={pa.string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype(),
                              pa.bool_(): pd.BooleanDtype()}.get)
    for col, kind in columns.items():
        if kind == "datum":
            frame[col] = pd.to_datetime(frame[col])
    return frame


def read_meta(store: Path) -> dict:
    """Return the store's metadata, or an empty skeleton for a new store."""
    path = Path(store) / META_FILE
    if not path.exists():
        return {"formaat": STORE_FORMAT, "sleutel": None, "inleesrondes": []}
    meta = json.loads(path.read_text(encoding="utf-8"))
    if meta.get("formaat", 0) > STORE_FORMAT:
        raise StoreError(f"De store {store} is gemaakt met een nieuwere versie van de kit.")
    return meta


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
            months = m["Dagtekening"].dt.strftime("%Y-%m").fillna("onbekend")
            for month, n in months.value_counts().sort_index().items():
                lines.append(f"  {month}: {n}")
        rejected = self.files[self.files["status"] == REJECTED]
        if len(rejected):
            lines += ["", "Afgewezen bestanden:"]
            lines += [f"  {r.bron}: {r.reden}" for r in rejected.itertuples()]
        return "\n".join(lines) + "\n"


def ingest(
    sources: Iterable[SourceFile],
    store: Path,
    *,
    pseudonymise: Pseudonymiser,
    schemas: dict | None = None,
    column_map: dict[str, str] | None = None,
    progress: bool = False,
) -> LoadReport:
    """Load new files into the store; skip files whose content was loaded before.

    Parameters
    ----------
    sources : iterable of SourceFile
        As yielded by :func:`kit.read_xml.iter_sources`.
    store : pathlib.Path
        Store folder; created when missing.
    pseudonymise : Pseudonymiser
        The region's key; a store refuses data pseudonymised with another key.
    schemas : dict, optional
        Compiled XSDs (``kit.read_xml.load_xsds``) to validate every message against.
    column_map : dict, optional
        Column mapping for tabular exports (``.csv`` files), see :mod:`kit.read_tabular`.
    progress : bool
        Show a progress bar.

    Returns
    -------
    LoadReport
        Invariant: files seen = loaded + rejected + already loaded.
    """
    store = Path(store)
    meta = read_meta(store)
    if meta["sleutel"] not in (None, pseudonymise.fingerprint):
        raise StoreError(
            "Deze store is gevuld met een andere pseudonimiseringssleutel. Gebruik dezelfde sleutel "
            "(KIT_PSEUDONIEM_SLEUTEL of KIT_SLEUTELBESTAND) of een nieuwe store."
        )
    inlees_id = f"inlees-{len(meta['inleesrondes']) + 1:04d}"
    known = read_table(store, FILES_TABLE)
    loaded = known[known["status"] == LOADED]
    hash_by_sig = dict(zip(known["signatuur"], known["inhoud_hash"], strict=True))
    loaded_hashes = set(loaded["inhoud_hash"].dropna())

    file_rows: list[dict] = []
    rows: dict[str, list[dict]] = {}
    for src in tqdm(sources, desc="Inlezen", unit=" bestanden", disable=not progress):
        row = {"bron": src.name, "signatuur": src.signature, "inlees_id": inlees_id}
        file_rows.append(row)
        content_hash = hash_by_sig.get(src.signature)
        if content_hash in loaded_hashes:
            row |= {"inhoud_hash": content_hash, "status": KNOWN,
                    "reden": "al eerder ingelezen (zelfde inhoud)"}
            continue
        try:
            data = src.read()
        except Rejected as exc:
            row |= {"status": REJECTED, "reden": exc.reason}
            continue
        except OSError as exc:
            row |= {"status": REJECTED, "reden": f"bestand niet te lezen ({type(exc).__name__})"}
            continue
        content_hash = hashlib.sha256(data).hexdigest()
        row["inhoud_hash"] = content_hash
        if content_hash in loaded_hashes:
            row |= {"status": KNOWN, "reden": "zelfde inhoud als een ander, al ingelezen bestand"}
            continue
        try:
            if src.name.lower().endswith(".csv"):
                parsed = parse_csv(data, source=src.name, file_hash=content_hash,
                                   pseudonymise=pseudonymise, column_map=column_map)
            else:
                parsed = parse_bytes(data, source=src.name, file_hash=content_hash,
                                     pseudonymise=pseudonymise, schemas=schemas)
        except Rejected as exc:
            row |= {"status": REJECTED, "reden": exc.reason}
            continue
        for table, new in parsed.rows.items():
            rows.setdefault(table, []).extend(new)
        row |= {"status": LOADED, "n_berichten": len(parsed.rows.get("berichten", []))}
        loaded_hashes.add(content_hash)

    files = typed_frame(file_rows, FILE_COLUMNS)
    for table, table_rows in rows.items():
        _write(typed_frame(table_rows, columns_of(table)), store / table / f"{inlees_id}.parquet",
               columns_of(table))
    _write(files, store / FILES_TABLE / f"{inlees_id}.parquet", FILE_COLUMNS)
    messages = typed_frame(rows.get("berichten", []), columns_of("berichten"))
    notes = []
    if schemas is not None:
        missing = sorted(set(messages.loc[~messages["xsd_gevalideerd"], "berichttype"]))
        if missing:
            notes.append("geen XSD opgegeven voor JW" + ", JW".join(missing) + ": niet gevalideerd")
    report = LoadReport(inlees_id, files, messages, notes)
    (store / "inleesverslagen").mkdir(parents=True, exist_ok=True)
    (store / "inleesverslagen" / f"{inlees_id}.txt").write_text(report.text(), encoding="utf-8")
    meta["sleutel"] = pseudonymise.fingerprint
    meta["inleesrondes"].append({"id": inlees_id, "kit": __version__, **report.counts,
                                 "berichten": len(messages)})
    (store / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return report


def data_dictionary() -> str:
    """Render the data dictionary of every store table as Dutch Markdown (from berichten.yaml)."""
    schema = load_schema()
    raw = schema.raw
    kinds = {"tekst": "tekst", "code": "code (tekst)", "datum": "datum", "tijd": "tijd (tekst)",
             "getal": "geheel getal", "bedrag": "bedrag in eurocent", "bool": "ja/nee"}
    explain = {**raw["herkomst"],
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
               **{k: v for k, v in FILE_EXPLAIN.items()}}
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
    ]
    tables = {"berichten": "Eén rij per bericht (kop), ook retourberichten.",
              **{n: t["uitleg"] for n, t in raw["tabellen"].items()},
              "retourcodes": raw["retourcodes"]["uitleg"],
              FILES_TABLE: "Eén rij per gezien bestand per inleesronde, met status en reden."}
    for name, about in tables.items():
        spec = raw["tabellen"].get(name, {})
        source = f" Bron: JW{spec['bericht']}, element `{spec['record']}`." if "record" in spec and isinstance(spec["record"], str) else ""
        lines += ["", f"## `{name}`", "", about + source, "", "| kolom | type | betekenis |",
                  "|---|---|---|"]
        for col, kind in columns_of(name).items():
            field = spec.get("velden", {}).get(col, {})
            text = field.get("uitleg") or explain.get(col, "")
            lines.append(f"| `{col}` | {kinds[kind]} | {text} |")
    return "\n".join(lines) + "\n"


FILE_EXPLAIN = {
    "signatuur": "Pad, grootte en wijzigingstijd (bij archieven ook de naam en CRC van het "
                 "bestand erin); herkent ongewijzigde bestanden zonder ze opnieuw te lezen.",
    "inhoud_hash": "SHA-256 van de inhoud; hetzelfde bestand wordt maar één keer ingelezen.",
    "status": "ingelezen, afgewezen of al_ingelezen.",
    "reden": "Waarom het bestand is afgewezen of overgeslagen.",
    "n_berichten": "Aantal iJw-berichten in het bestand.",
    "inlees_id": "Inleesronde waarin het bestand is gezien.",
}
