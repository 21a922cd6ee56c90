"""Step 3a (quality checks): store + pathways -> checks evaluated per record -> scores.

The checks are data: ``kit/checks/checks.yaml`` lists each check with its rule, severity,
explanation and parameters; a region may use its own copy. The code of each check lives in the
module of its message group (``algemeen``, ``verzoeken``, ``toewijzingen``, ``starts``,
``stops``, ``declaraties``) under the same id.

Rules live only in the YAML: each check declares the parameters it reads (name, type, range;
:func:`kit.checks.base.register`) and :func:`load_checks` requires exactly those keys, so a check
function reads ``params["key"]`` and never has a default. Category lists name a group of
``kit/codelijsten.yaml`` (:mod:`kit.codelists`).

Glossary rule: identifiers are English; YAML keys and output columns stay Dutch. The loader maps
the Dutch keys of ``checks.yaml`` to English attributes once (``naam`` -> :attr:`Check.name`,
``berichttype`` -> ``message_type``, ``dimensie`` -> ``dimension``, ``ernst`` -> ``severity``,
``regels`` -> ``rules``, ``uitleg`` -> ``explanation``, ``aan`` -> ``enabled``);
:func:`quickscan_tables` maps them back to the Dutch column names of the ``controles`` table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from kit.checks import algemeen, declaraties, starts, stops, toewijzingen, verzoeken  # noqa: F401
from kit.checks.base import (
    FILE,
    LATER_MESSAGES,
    MESSAGE,
    OUTCOME_COLUMNS,
    PARAMETERS,
    REGISTRY,
    RecordKeys,
    ScanData,
    validate_parameters,
)
from kit.config import copy_on_write, package_yaml, read_yaml
from kit.memory import trim_freed_memory
from kit.pathways import MAX_COMBINED, PATHWAY_TABLES, build_pathways
from kit.privacy import Protection, Totals
from kit.store import FILES_TABLE, columns_of, read_split, table_names

DIMENSIONS = ("volledigheid", "geldigheid", "uniciteit", "tijdigheid", "consistentie")
SEVERITIES = ("fout", "waarschuwing", "signaal")
RULE_PREFIXES = ("OP", "TR", "CS", "CD", "IV", "RS", "SAP", "XSD", "JZ", "WJ", "UP")
# The berichttype rows of the scores add up to row "totaal" (per month when split by month).
SCORE_TOTALS = Totals("berichttype")
SCORE_TOTALS_PER_MONTH = Totals("berichttype", within=("maand",))
#: disclosure control of :meth:`ScanResult.scores` (per berichttype and ``totaal``)
SCORES_PROTECTION = Protection(
    ("n", "n_betrouwbaar"), {"pct_betrouwbaar": ["n_betrouwbaar", "n"]}, SCORE_TOTALS
)
#: the same per month (each month has its own ``totaal``)
SCORES_PER_MONTH_PROTECTION = replace(SCORES_PROTECTION, totals=SCORE_TOTALS_PER_MONTH)
#: disclosure control of :meth:`ScanResult.findings`
FINDINGS_PROTECTION = Protection(
    ("n_gecontroleerd", "n_afwijkend"), {"pct_afwijkend": ["n_afwijkend", "n_gecontroleerd"]}
)
#: disclosure control of :func:`kit.checks.patterns.provider_patterns`
PATTERNS_PROTECTION = Protection(
    (
        "n_starts",
        "n_auto_305",
        "n_vot_gestart",
        "n_vot_bij_start",
        "n_vot_vergeleken",
        "n_gedeclareerd",
        "n_nul_dagen_declaratie",
    ),
    {
        "pct_auto_305": ["n_auto_305", "n_starts"],
        "pct_vot_bij_start": ["n_vot_bij_start", "n_vot_gestart"],
        "mediaan_vot_toewijzing_dagen": ["n_vot_gestart"],
        "mediaan_toewijzing_start_dagen": ["n_starts"],
        "mediaan_vot_start_dagen": ["n_vot_vergeleken"],
        "verschil_vot_start_dagen": ["n_vot_vergeleken"],
        "verschil_laag": ["n_vot_vergeleken"],
        "verschil_hoog": ["n_vot_vergeleken"],
        "gespreksagenda_vot": ["n_starts"],
        "pct_nul_dagen_declaratie": ["n_nul_dagen_declaratie", "n_gedeclareerd"],
    },
)
# The columns of table bestanden the checks use (signatures and statuses are not read).
SCANNED_FILE_COLUMNS = ["bron", "inhoud_hash", "n_berichten"]
# Never read by a scan: the file name of each record (table bestanden names the files).
UNSCANNED_COLUMNS = frozenset({"bron"})
#: The tables and columns the pathway model (:func:`kit.pathways.build_pathways`), the checks
#: ``start_automatisch`` and ``start_te_laat`` and the trends' message lags read: all the
#: waiting times and the trends need (``prepare_scan(..., columns=ANALYSIS_COLUMNS)``). Found by
#: growing the set from the errors until both ran, then checked equal to a full read
#: (tests/test_narrow_read.py keeps that true). ``regel`` stays wherever a table has it: it
#: tells record keys of rows from those of messages.
ANALYSIS_COLUMNS: dict[str, tuple[str, ...]] = {
    "berichten": (
        "bericht_id", "berichttype", "heen_berichttype", "gemeente", "aanbieder",
        "Identificatie", "Dagtekening",
    ),
    "toewijzingen": (
        "bericht_id", "regel", "berichttype", "gemeente", "aanbieder", "Identificatie",
        "Dagtekening", "client_id", "Geboortemaand", "Geslacht", "ToewijzingNummer",
        "ProductCategorie", "ProductCode", "Toewijzingsdatum", "Toewijzingstijd",
        "Ingangsdatum", "Einddatum", "RedenWijziging", "ReferentieAanbieder",
    ),
    "starts": (
        "bericht_id", "regel", "berichttype", "gemeente", "aanbieder", "Identificatie",
        "Dagtekening", "client_id", "ToewijzingNummer", "ProductCategorie", "ProductCode",
        "ToewijzingIngangsdatum", "Begindatum", "StatusAanlevering",
    ),
    "stops": (
        "bericht_id", "regel", "berichttype", "gemeente", "aanbieder", "Identificatie",
        "Dagtekening", "client_id", "ToewijzingNummer", "ProductCategorie", "ProductCode",
        "Begindatum", "Einddatum", "RedenBeeindiging", "StatusAanlevering",
    ),
    "verzoeken": (
        "bericht_id", "regel", "berichttype", "gemeente", "aanbieder", "Identificatie",
        "Dagtekening", "client_id", "Geboortemaand", "Geslacht", "ReferentieAanbieder",
        "ProductCategorie", "ProductCode", "ToewijzingIngangsdatum", "VerwijzerType",
    ),
    "wijzigingsverzoeken": ("Dagtekening",),
    "antwoorden": (
        "bericht_id", "regel", "berichttype", "gemeente", "aanbieder", "Identificatie",
        "Dagtekening", "ReferentieAanbieder", "VerzoekAntwoord", "RedenAfwijzingVerzoek",
    ),
    "prestaties": (
        "bericht_id", "regel", "berichttype", "gemeente", "aanbieder", "Identificatie",
        "Dagtekening", "ToewijzingNummer", "ReferentieNummer", "VorigReferentieNummer",
        "IngediendBedragDebetCredit", "ProductPeriodeBegindatum", "ProductPeriodeEinddatum",
    ),
    "retourcodes": (
        "bericht_id", "heen_berichttype", "gemeente", "aanbieder", "Identificatie",
        "Dagtekening", "niveau", "RetourCode", "ToewijzingNummer", "ReferentieAanbieder",
        "ReferentieNummer",
    ),
}
#: The checks that run on :data:`ANALYSIS_COLUMNS` (the waiting times' sensitivity names them).
ANALYSIS_CHECKS = frozenset({"start_automatisch", "start_te_laat"})
NOT_ASSESSABLE = "niet te beoordelen"
ASSESSED = "beoordeeld"
OFF = "uit"


#: fields every entry of ``checks.yaml`` has (``gewicht`` too, which may be 0)
REQUIRED_FIELDS = (
    "id", "naam", "berichttype", "dimensie", "ernst", "regels", "uitleg", "wat_te_doen"
)


@dataclass(frozen=True)
class Check:
    """One entry of ``checks.yaml``; :func:`load_checks` maps its Dutch keys once.

    Attributes
    ----------
    id : str
        ``id``.
    name : str
        ``naam``.
    message_type : str
        ``berichttype`` (``"alle"`` for every message).
    dimension : str
        ``dimensie`` (one of :data:`DIMENSIONS`).
    severity : str
        ``ernst`` (one of :data:`SEVERITIES`).
    rules : tuple of str
        ``regels``: the iJw rule codes.
    explanation : str
        ``uitleg``.
    parameters : dict
        ``parameters``, validated against the check's declared schema
        (:data:`kit.checks.base.PARAMETERS`); code groups resolved to codes.
    enabled : bool
        ``aan``.
    weight : int
        ``gewicht`` (0-5): how much a deviation hurts the waiting figures; the order of the
        verbeterlijst, 0 = not on it.
    action : str
        ``wat_te_doen``: what the sender of a flagged message does about it.
    """

    id: str
    name: str
    message_type: str
    dimension: str
    severity: str
    rules: tuple[str, ...]
    explanation: str
    parameters: dict = field(default_factory=dict, hash=False, compare=False)
    enabled: bool = True
    weight: int = field(default=0, compare=False)
    action: str = field(default="", compare=False)


def load_checks(path: Path | None = None) -> list[Check]:
    """Read and validate a checks file (the shipped one when ``path`` is None).

    Raises
    ------
    ValueError
        Naming the check id and field when an entry is incomplete, has an unknown dimension,
        severity or rule code, has no code in the kit, or when a parameter the check needs is
        missing, unknown, of the wrong type or out of range.
    """
    doc = read_yaml(path) if path else package_yaml("checks/checks.yaml")
    entries = doc.get("controles")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ValueError(f"{path or 'checks.yaml'}: verwacht een lijst 'controles:'.")
    checks = []
    for entry in entries:
        cid = entry.get("id", "?")
        missing = [k for k in REQUIRED_FIELDS if not entry.get(k)]
        missing += [] if "gewicht" in entry else ["gewicht"]
        if missing:
            raise ValueError(f"controle {cid}: ontbrekend veld {', '.join(missing)}")
        if cid not in REGISTRY:
            raise ValueError(f"controle {cid}: de kit heeft geen code voor deze controle")
        if entry["dimensie"] not in DIMENSIONS:
            raise ValueError(f"controle {cid}: onbekende dimensie {entry['dimensie']}")
        if entry["ernst"] not in SEVERITIES:
            raise ValueError(f"controle {cid}: onbekende ernst {entry['ernst']}")
        weight = entry.get("gewicht")
        if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 5:
            raise ValueError(
                f"controle {cid}: gewicht moet een geheel getal van 0 tot en met 5 zijn, "
                f"niet {weight!r}"
            )
        unknown = [r for r in entry["regels"] if not str(r).startswith(RULE_PREFIXES)]
        if unknown:
            raise ValueError(f"controle {cid}: onbekende regelcode {', '.join(map(str, unknown))}")
        checks.append(
            Check(
                id=cid,
                name=entry["naam"],
                message_type=str(entry["berichttype"]),
                dimension=entry["dimensie"],
                severity=entry["ernst"],
                rules=tuple(str(r) for r in entry["regels"]),
                explanation=" ".join(entry["uitleg"].split()),
                parameters=validate_parameters(
                    entry.get("parameters"), PARAMETERS[cid], f"controle {cid}"
                ),
                enabled=bool(entry.get("aan", True)),
                weight=weight,
                action=" ".join(str(entry["wat_te_doen"]).split()),
            )
        )
    ids = [c.id for c in checks]
    if len(ids) != len(set(ids)):
        raise ValueError("checks.yaml: een controle-id komt meer dan eens voor")
    return checks


def allow_test_bsns(checks: list[Check]) -> list[Check]:
    """The same checks, with test BSNs allowed (for the example region and test extracts)."""
    return [
        replace(c, parameters={**c.parameters, "testdata_toegestaan": True})
        if c.id == "bsn_testnummer"
        else c
        for c in checks
    ]


def prepare_scan(
    store: Path,
    *,
    peildatum: str | pd.Timestamp,
    columns: Mapping[str, Sequence[str]] | None = None,
) -> ScanData:
    """Read a store for a scan at ``peildatum``: messages dated after it are left out.

    Parameters
    ----------
    store : pathlib.Path
        Store folder.
    peildatum : str or pandas.Timestamp
        ISO date; the scan uses only messages with a Dagtekening on or before it.
    columns : mapping of str to sequence of str, optional
        Read only these tables and columns (e.g. :data:`ANALYSIS_COLUMNS`: enough for the
        pathways, the waiting times and the trends, not for every check). Default: every table
        with the columns the checks use.

    Returns
    -------
    ScanData
    """
    peil = pd.Timestamp(peildatum)
    if columns is None:
        columns = {
            name: [c for c in columns_of(name) if c not in UNSCANNED_COLUMNS]
            for name in table_names()
        }
        columns[FILES_TABLE] = SCANNED_FILE_COLUMNS
    read = (
        # the file list (a row per file, millions at national scale) keeps its text in Arrow
        (name, *read_split(store, name, list(c), peildatum=peil, arrow_text=name == FILES_TABLE))
        for name, c in columns.items()
    )
    return _scan_data(read, peil)


def scan_data(tables: dict[str, pd.DataFrame], *, peildatum: pd.Timestamp) -> ScanData:
    """Build :class:`ScanData` from loaded tables, cut at the peildatum (pathways built here).

    Rows of messages with a Dagtekening after the peildatum move to :attr:`ScanData.later`; the
    ``berichten`` rows among them stay in ``tables`` as ``LATER_MESSAGES`` (check
    ``dagtekening_na_peildatum`` counts and names them).
    """
    peil = pd.Timestamp(peildatum)
    return _scan_data(((name, *split_at(frame, peil)) for name, frame in tables.items()), peil)


def split_at(
    frame: pd.DataFrame, peildatum: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """A table's rows dated on or before the peildatum, and those after it (None when none).

    Tables without a ``Dagtekening`` (``bestanden``) are kept whole.
    """
    if "Dagtekening" not in frame:
        return frame, None
    after = (frame["Dagtekening"] > peildatum).to_numpy()
    if not after.any():
        return frame, None
    return frame[~after].reset_index(drop=True), frame[after].reset_index(drop=True)


def _scan_data(
    tables: Iterable[tuple[str, pd.DataFrame, pd.DataFrame | None]], peildatum: pd.Timestamp
) -> ScanData:
    """ScanData from (name, rows on or before the peildatum, rows after it or None) per table."""
    kept, later = {}, {}
    for name, before, after in tables:  # read lazily: each table is cut before the next is read
        kept[name] = before
        if after is not None:
            later[name] = after
    if "berichten" in kept:
        kept[LATER_MESSAGES] = later.get("berichten", kept["berichten"].iloc[:0])
    pathways = build_pathways({name: kept[name] for name in PATHWAY_TABLES})
    return ScanData(tables=kept, pathways=pathways, peildatum=peildatum, later=later)


@dataclass
class ScanResult:
    """Outcome of a quick scan.

    Attributes
    ----------
    checks : list of Check
        The checks as configured.
    status : pandas.DataFrame
        Per check: ``check_id, status`` (beoordeeld, niet te beoordelen, uit).
    flags : pandas.DataFrame
        One row per record per check evaluated: ``check_id`` + ``record, berichttype, aanbieder,
        gemeente, datum, afwijkend, maand`` (``record``: integer key).
    keys : RecordKeys
        Turns the integer keys into store labels (:meth:`flagged`).
    """

    checks: list[Check]
    status: pd.DataFrame
    flags: pd.DataFrame
    keys: RecordKeys

    def findings(
        self,
        *,
        by: tuple[str, ...] = ("berichttype", "aanbieder", "gemeente"),
        per_month: bool = False,
    ) -> pd.DataFrame:
        """Records checked and failing per check and group (not suppressed).

        Returns
        -------
        pandas.DataFrame
            ``check_id, <by...>, [maand], n_gecontroleerd, n_afwijkend, pct_afwijkend``.
        """
        keys = ["check_id", *by] + (["maand"] if per_month else [])
        out = count_groups(self.flags, keys, "afwijkend").rename(
            columns={"n": "n_gecontroleerd", "n_waar": "n_afwijkend"}
        )
        for col in keys:
            out[col] = out[col].astype("string")
        out["pct_afwijkend"] = (100 * out["n_afwijkend"] / out["n_gecontroleerd"]).round(1)
        return out.sort_values(keys, kind="mergesort").reset_index(drop=True)

    def record_verdicts(self) -> pd.DataFrame:
        """Per record: whether it passes every fout/waarschuwing check it was subjected to.

        Records are store rows (``bericht_id:regel``); a failing message-level check (a
        ``bericht_id`` record) makes every row of that message fail. A message counts as a
        record of its own only when it has no rows (retours, for instance); a file always does.

        Returns
        -------
        pandas.DataFrame
            ``berichttype, record, maand, betrouwbaar`` (``record``: integer key).
        """
        severe = {c.id for c in self.checks if c.severity in ("fout", "waarschuwing")}
        # positions, not a filtered copy of the flags (millions of rows)
        rows = np.flatnonzero(self.flags["check_id"].isin(severe).to_numpy())
        keys = self.flags["record"].to_numpy()[rows]
        # the keys number the scan's rows, messages and files: flags per key in arrays of that
        # length instead of a hash over tens of millions of flags; records as first seen
        at = first_seen(keys, int(keys.max()) + 1 if len(keys) else 0)
        seen = np.flatnonzero(at < len(keys))
        records = seen[np.argsort(at[seen], kind="stable")]
        failed = np.zeros(len(at), dtype=bool)
        failed[keys[self.flags["afwijkend"].to_numpy()[rows]]] = True
        del keys
        kind, message = self.keys.kinds(records)
        is_message = kind == MESSAGE
        fails = failed[records]
        is_row = ~is_message & (kind != FILE)
        fails |= is_row & np.isin(message, records[fails & is_message])
        keep = ~is_message | ~np.isin(records, message[is_row])
        first = rows[at[records]]
        verdicts = pd.DataFrame(
            {
                "berichttype": self.flags["berichttype"].array.take(first),
                "record": records,
                "maand": self.flags["maand"].array.take(first),
                "betrouwbaar": ~fails,
            }
        )
        return verdicts[keep].reset_index(drop=True)

    def only_test_bsns(self) -> bool:
        """Whether check ``bsn_testnummer`` judged rows and every one carries a test BSN.

        Then the store most likely holds test data (as the example region): the CLI suggests
        ``--testdata-toegestaan``. False when the check was off or test BSNs were allowed.
        """
        judged = self.flags.loc[self.flags["check_id"] == "bsn_testnummer", "afwijkend"]
        return bool(len(judged)) and bool(judged.all())

    def flagged(self) -> pd.DataFrame:
        """The failing records per check, with their store labels (pseudonymous).

        Returns
        -------
        pandas.DataFrame
            ``check_id, record, berichttype, aanbieder, gemeente, datum, maand``; ``record`` is
            ``bericht_id:regel``, ``bericht_id`` or ``bestand:<inhoud_hash>``.
        """
        failing = self.flags[self.flags["afwijkend"]].drop(columns="afwijkend")
        labels = self.keys.labels(failing["record"].to_numpy())
        return failing.assign(record=pd.array(labels, dtype="string")).reset_index(drop=True)

    def scores(self, *, per_month: bool = False) -> pd.DataFrame:
        """The "betrouwbaar" share per berichttype and overall (row ``totaal``).

        Returns
        -------
        pandas.DataFrame
            ``berichttype, [maand], n, n_betrouwbaar, pct_betrouwbaar``.
        """
        verdicts = self.record_verdicts()
        keys = ["berichttype"] + (["maand"] if per_month else [])
        per_type = (
            verdicts.groupby(keys, observed=True)["betrouwbaar"]
            .agg(n="size", n_betrouwbaar="sum")
            .reset_index()
        )
        total_keys = ["maand"] if per_month else []
        if total_keys:
            total = verdicts.groupby(total_keys, observed=True)["betrouwbaar"].agg(
                n="size", n_betrouwbaar="sum"
            )
            total = total.reset_index().assign(berichttype="totaal")
        else:
            total = pd.DataFrame(
                {
                    "berichttype": ["totaal"],
                    "n": [len(verdicts)],
                    "n_betrouwbaar": [int(verdicts["betrouwbaar"].sum())],
                }
            )
        per_type = per_type.astype({k: "string" for k in keys})
        total = total.astype({k: "string" for k in ["berichttype", *total_keys]})
        out = pd.concat([per_type, total[per_type.columns]], ignore_index=True)
        out["n_betrouwbaar"] = out["n_betrouwbaar"].astype(int)
        out["pct_betrouwbaar"] = (100 * out["n_betrouwbaar"] / out["n"]).round(1)
        return out


#: rows per step of the passes over the flags (:func:`chunk_labels`, :func:`first_seen`,
#: :func:`count_groups`): their temporary arrays stay a few MB
CHUNK_ROWS = 1 << 22


def chunk_labels(
    values: np.ndarray, label: Callable[[np.ndarray], list]
) -> tuple[np.ndarray, list]:
    """Integer codes of ``label`` of each value, worked out once per distinct value.

    ``label`` maps an array of distinct values to their labels (None: no label, code -1);
    missing values get -1 too. The values are taken :data:`CHUNK_ROWS` at a time: at national
    scale the flags have tens of millions of rows, and a hash table and a code array over all
    of them at once would add a GB to the quick scan's peak.

    Returns
    -------
    tuple of numpy.ndarray and list
        int16 codes, and the labels in order of first appearance (the code is the position).
    """
    codes = np.empty(len(values), dtype=np.int16)  # months or quarters: fewer than 32,767
    seen: dict = {}  # label -> code, in order of first appearance
    for start in range(0, len(values), CHUNK_ROWS):
        chunk, uniques = pd.factorize(values[start : start + CHUNK_ROWS])  # missing: -1
        names = label(uniques)
        lookup = [-1 if name is None else seen.setdefault(name, len(seen)) for name in names]
        codes[start : start + CHUNK_ROWS] = np.array([*lookup, -1], dtype=np.int16)[chunk]
    return codes, list(seen)


def month_labels(dates: pd.Series) -> pd.Series:
    """``JJJJ-MM`` of each date as a categorical (fast for millions of rows; NaT stays missing).

    Categories in order of first appearance (:func:`chunk_labels`).
    """
    codes, labels = chunk_labels(
        dates.to_numpy(dtype="datetime64[ns]"),
        lambda days: [str(month)[:7] for month in days.astype("datetime64[M]")],
    )
    return pd.Series(pd.Categorical.from_codes(codes, categories=labels), index=dates.index)


#: the outcome columns that become categorical in the flags (the others keep these types)
GROUP_COLUMNS = ("berichttype", "aanbieder", "gemeente")
_TYPES = {"record": np.int64, "datum": "datetime64[ns]", "afwijkend": bool}
_EMPTY = {col: np.array([], dtype=_TYPES.get(col, np.int32)) for col in OUTCOME_COLUMNS}
#: :func:`count_groups` combines its keys within this span (renumbering the combinations present
#: when a key would pass it) and counts in arrays
DENSE_GROUPS = 2**24
#: a span of combinations above this is renumbered to those present before counting
SMALL_SPAN = 2**16
_DAY = np.timedelta64(1, "D").astype("timedelta64[ns]").astype(np.int64)
_NO_DAY = np.iinfo(np.int32).min  # NaT as a day number


# While the checks run, each check's outcome is kept with int32 record keys (while they fit)
# and int32 day numbers: at national scale the outcomes of all checks are GBs, held next to the
# scan's tables. The flags get int64 keys and datetime64 dates when the outcomes are joined.


def _narrow_keys(keys: np.ndarray) -> np.ndarray:
    """Record keys as int32 while they fit (widened when the outcomes are joined)."""
    return keys.astype(np.int32) if len(keys) and keys.max() < 2**31 - 1 else keys


def _narrow_dates(dates: np.ndarray) -> np.ndarray:
    """Whole days as int32 day numbers (NaT: :data:`_NO_DAY`); other times stay as they are."""
    ns = dates.view(np.int64)
    missing = np.isnat(dates)
    if not (ns[~missing] % _DAY == 0).all():
        return dates
    return np.where(missing, _NO_DAY, ns // _DAY).astype(np.int32)


def _widen_dates(values: np.ndarray) -> np.ndarray:
    """Undo :func:`_narrow_dates` (``datetime64[ns]`` as is)."""
    if values.dtype.kind == "M":
        return values
    ns = values.astype(np.int64) * _DAY
    ns[values == _NO_DAY] = np.iinfo(np.int64).min  # NaT
    return ns.view("datetime64[ns]")


def count_groups(frame: pd.DataFrame, keys: list[str], flag: str) -> pd.DataFrame:
    """Rows and rows with ``flag`` true per combination of the categorical ``keys``.

    Like ``groupby(keys, observed=True, dropna=False)`` with ``size`` and ``sum``, but on one
    combined integer key: a groupby on four keys of the flags (tens of millions of rows) holds
    an int64 array per key at once, several GB at national scale.

    Returns
    -------
    pandas.DataFrame
        ``<keys>`` (categorical, missing stays missing), ``n`` and ``n_waar`` (int64), one row
        per combination present, in order of first appearance.
    """
    cats = [frame[k].astype("category").array for k in keys]
    sizes = [len(c.categories) + 1 for c in cats]  # + 1: missing
    flagged = frame[flag].to_numpy(dtype=bool)
    dense = _dense_codes(cats, sizes)
    renumbered: list[tuple[int, np.ndarray]] = []
    if dense is not None:  # count straight into an array per combination: no hashing
        combined, span, renumbered = dense
        counts = np.zeros(span, dtype=np.int64)
        true = np.zeros(span, dtype=np.int64)
        for start in range(0, len(combined), CHUNK_ROWS):  # no int64 copy of all the codes
            part = combined[start : start + CHUNK_ROWS]
            counts += np.bincount(part, minlength=span)
            # the combinations of the true rows only: no float weight per row
            true += np.bincount(part[flagged[start : start + CHUNK_ROWS]], minlength=span)
        uniques = pd.unique(combined)  # the combinations present, in order of first appearance
        counts, true = counts[uniques], true[uniques]
        del combined
    elif np.prod(np.array(sizes, dtype=float)) >= MAX_COMBINED:  # cannot combine: pandas does it
        grouped = frame.groupby(keys, observed=True, dropna=False, sort=False)[flag]
        out = grouped.agg(n="size", n_waar="sum").reset_index()
        return out.astype({"n": np.int64, "n_waar": np.int64})
    else:
        combined = np.zeros(len(frame), dtype=np.int64)
        for cat, size in zip(cats, sizes, strict=True):
            _add_key(combined, cat, size)
        group, uniques = pd.factorize(combined, sort=False)
        del combined
        counts = np.bincount(group, minlength=len(uniques))
        true = np.bincount(group[flagged], minlength=len(uniques))
        del group
    columns = {}
    present = dict(renumbered)  # back to the codes before each renumbering
    rest = uniques.astype(np.int64)
    if len(keys) in present:
        rest = present[len(keys)][rest]
    for i in reversed(range(len(keys))):
        rest, code = np.divmod(rest, sizes[i])
        columns[keys[i]] = pd.Categorical.from_codes(code - 1, dtype=cats[i].dtype)
        if i in present:
            rest = present[i][rest]
    out = pd.DataFrame({k: columns[k] for k in keys})
    out["n"] = counts.astype(np.int64)
    out["n_waar"] = true.astype(np.int64)
    return out


def _dense_codes(
    cats: list[pd.Categorical], sizes: list[int]
) -> tuple[np.ndarray, int, list[tuple[int, np.ndarray]]] | None:
    """Each row's combination of the categorical codes as one int32 in ``range(span)``.

    The keys are combined one at a time (mixed radix, missing as code 0). When the next key
    would take the span over :data:`DENSE_GROUPS`, the combinations so far are renumbered to
    those present: four keys of the flags can have billions of combinations, of which a few
    hundred thousand occur (an aanbieder works in a few gemeenten). None when even the present
    ones are too many. A span over :data:`SMALL_SPAN` at the end is renumbered too, so that
    the counts take an array per combination present, not per combination possible.

    Returns
    -------
    tuple or None
        The codes, ``span``, and per renumbering (the position of the key added after it, or
        the number of keys at the end; the codes present before it, in their new order) to
        decode the combinations.
    """
    combined = np.zeros(len(cats[0]) if cats else 0, dtype=np.int32)
    span, renumbered = 1, []
    for i, (cat, size) in enumerate(zip(cats, sizes, strict=True)):
        if span * size > DENSE_GROUPS:
            present = _renumber(combined, span)
            if len(present) * size > DENSE_GROUPS:
                return None
            renumbered.append((i, present))
            span = len(present)
        _add_key(combined, cat, size)
        span *= size
    if span > SMALL_SPAN:
        present = _renumber(combined, span)
        renumbered.append((len(cats), present))
        span = len(present)
    return combined, span, renumbered


def _add_key(combined: np.ndarray, cat: pd.Categorical, size: int) -> None:
    """Append one key to the mixed-radix codes ``combined``, in place (missing: digit 0)."""
    combined *= size
    combined += cat.codes  # in place: int8/int16 codes added, no overflow
    combined += 1


def _renumber(combined: np.ndarray, span: int) -> np.ndarray:
    """Renumber ``combined`` (codes in ``range(span)``) in place to ``range(len(present))``.

    Returns the codes present, in order: new code ``j`` was ``present[j]``.
    """
    seen = np.zeros(span, dtype=bool)
    for start in range(0, len(combined), CHUNK_ROWS):
        seen[combined[start : start + CHUNK_ROWS]] = True
    present = np.flatnonzero(seen)
    relabel = np.zeros(span, dtype=np.int32)
    relabel[present] = np.arange(len(present), dtype=np.int32)
    for start in range(0, len(combined), CHUNK_ROWS):  # in place, a chunk at a time
        part = combined[start : start + CHUNK_ROWS]
        part[...] = relabel[part]
    return present


def first_seen(values: np.ndarray, size: int) -> np.ndarray:
    """Where each of ``range(size)`` first occurs in ``values`` (``len(values)`` where never).

    ``values``: non-negative integers below ``size``. Without sorting or hashing: one array of
    ``size`` positions, filled :data:`CHUNK_ROWS` values at a time.
    """
    at = np.full(size, len(values), dtype=np.int64)
    for start in range(0, len(values), CHUNK_ROWS):
        part = values[start : start + CHUNK_ROWS]
        np.minimum.at(at, part, np.arange(start, start + len(part)))
    return at


def _coded(result: pd.DataFrame, pools: dict[str, dict]) -> dict[str, np.ndarray]:
    """One check's outcome as arrays; text as integer codes into ``pools`` (value -> code).

    Memory: a check's outcome has a row per record it judged (millions); as codes a text
    column takes 2 bytes a row (4 with more than 32,766 values) instead of a pointer to a
    string object.
    """
    out = {}
    for col in OUTCOME_COLUMNS:
        if col not in pools:
            out[col] = result[col].to_numpy(dtype=_TYPES[col])
            if col == "record":
                out[col] = _narrow_keys(out[col])
            elif col == "datum":
                out[col] = _narrow_dates(out[col])
            continue
        codes, uniques = pd.factorize(result[col])  # missing: -1
        pool = pools[col]
        lookup = [pool.setdefault(value, len(pool)) for value in uniques]
        small = len(pool) < np.iinfo(np.int16).max  # 2 bytes a row while the codes fit
        out[col] = np.array([*lookup, -1], dtype=np.int16 if small else np.int32)[codes]
    return out


def _categorical(codes: np.ndarray, pool: dict) -> pd.Categorical:
    """Codes into ``pool`` as a categorical with sorted categories (as ``astype("category")``)."""
    values = np.array(list(pool), dtype=object)
    order = np.argsort(values, kind="stable")
    rank = np.empty(len(order) + 1, dtype=np.int32)
    rank[order] = np.arange(len(order))
    rank[-1] = -1  # missing stays missing
    return pd.Categorical.from_codes(rank[codes], categories=pd.Index(values[order], dtype=object))


@copy_on_write
def evaluate_checks(data: ScanData, checks: list[Check]) -> ScanResult:
    """Evaluate every switched-on check on the scan data.

    Parameters
    ----------
    data : ScanData
        From :func:`prepare_scan` or :func:`scan_data`.
    checks : list of Check
        From :func:`load_checks`.

    Returns
    -------
    ScanResult
        Flags with categorical group columns and a ``maand`` column (``JJJJ-MM``).
    """
    status, parts, assessed = [], [], []
    pools: dict[str, dict] = {col: {} for col in GROUP_COLUMNS}
    for check in checks:
        if not check.enabled:
            status.append((check.id, OFF))
            continue
        result = REGISTRY[check.id](data, check.parameters)
        if result is None:
            status.append((check.id, NOT_ASSESSABLE))
            continue
        status.append((check.id, ASSESSED))
        parts.append(_coded(result, pools))
        assessed.append(check.id)
        del result
        trim_freed_memory()  # what the check freed leaves the process (return_freed_memory)
    data.forget_shared()  # before the flags are put together: a lower peak
    # check_id straight from the part sizes: no column of millions of strings to factorize
    sizes = [len(part["record"]) for part in parts]
    codes = np.repeat(np.arange(len(assessed)), sizes).astype(np.int16)
    columns = {"check_id": pd.Categorical.from_codes(codes, categories=assessed)}
    for col in OUTCOME_COLUMNS:  # a column at a time: the parts' arrays go once joined
        if col == "datum":  # day numbers widened part by part into one array
            joined = np.empty(sum(sizes), dtype="datetime64[ns]")
            for part, end in zip(parts, np.cumsum(sizes), strict=True):
                values = part.pop(col)
                joined[end - len(values) : end] = _widen_dates(values)
        else:
            joined = np.concatenate([part.pop(col) for part in parts] or [_EMPTY[col]])
            joined = joined.astype(_TYPES.get(col, joined.dtype), copy=False)  # keys: int64
        columns[col] = _categorical(joined, pools[col]) if col in pools else joined
    flags = pd.DataFrame(columns, copy=False)  # no copy of millions of rows into blocks
    del columns
    flags["maand"] = month_labels(flags["datum"])
    return ScanResult(
        checks=checks,
        status=pd.DataFrame(status, columns=["check_id", "status"]),
        flags=flags.reset_index(drop=True),
        keys=data.keys,
    )


def quickscan_tables(result: ScanResult, patterns: pd.DataFrame) -> dict:
    """The quick scan's shareable tables (before suppression), see :func:`kit.outputs.write_shared`.

    Returns
    -------
    dict of kit.outputs.SharedTable
        ``bevindingen`` (check x berichttype x aanbieder x gemeente), ``scores`` (per
        berichttype + totaal), ``aanbieders`` (the named patterns) and ``controles`` (every check
        with its status, rule and explanation).
    """
    from kit.outputs import SharedTable

    findings = result.findings()
    checks = pd.DataFrame(
        [
            {
                "check_id": c.id,
                "naam": c.name,
                "berichttype": c.message_type,
                "dimensie": c.dimension,
                "ernst": c.severity,
                "regels": " ".join(c.rules),
                "uitleg": c.explanation,
            }
            for c in result.checks
        ]
    ).merge(result.status, on="check_id")
    return {
        "bevindingen": SharedTable.protected(findings, FINDINGS_PROTECTION),
        "scores": SharedTable.protected(result.scores(), SCORES_PROTECTION),
        "aanbieders": SharedTable.protected(patterns, PATTERNS_PROTECTION),
        "controles": SharedTable(checks, []),
    }


def write_flags(result: ScanResult, store: Path, *, peildatum: str) -> Path:
    """Keep the failing records per check in the store (``STORE/vlaggen/<peildatum>.parquet``).

    The flags are pseudonymous (store row keys) and never leave the store; later analyses use
    them to leave flagged records out (sensitivity).
    """
    flags = result.flagged()
    path = Path(store) / "vlaggen" / f"{pd.Timestamp(peildatum).date()}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    flags.astype({"check_id": "string"}).to_parquet(path, index=False)
    return path
