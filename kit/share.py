"""Deelpakket: one zip a region sends to the leercirkel, and reading it back with checks.

A package holds only tables that went through the same disclosure control as the reports
(:class:`kit.privacy.Protection` via each module's ``shared_tables``): quick-scan scores and
findings, waiting-time summaries and curve points, monthly series and funnel counts; plus the
definitions and checks used (the YAML files themselves, with a content hash) and a
``manifest.json`` that lists every file with its row count and SHA-256.

:func:`build_package` writes a package, :func:`read_package` reads one and refuses a damaged or
tampered one (:class:`PackageError`, Dutch), :func:`package_text` lists every table and number
in it for the sender (``kit deelpakket --toon``).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from kit import __version__, config
from kit.outputs import FORBIDDEN_COLUMNS, SharedTable, neutralise_formulas
from kit.privacy import Totals

FORMAT = "leercirkel-deelpakket"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DEFINITIONS_FILE = "definities/waiting_times.yaml"
CHECKS_FILE = "definities/checks.yaml"
POPULATION_FILE = "bevolking.csv"
#: columns that never belong in a package (person or record level), compared case-insensitively
PACKAGE_FORBIDDEN = tuple(
    sorted(
        {c.lower() for c in FORBIDDEN_COLUMNS}
        | {
            "bsn",
            "pseudoniem",
            "geboortedatum",
            "geboortemaand",
            "identificatie",
            "toewijzingnummer",
            "dagtekening",
            "referentie",
            "client_id",
            "record",
            "bericht_id",
            "bron",
        }
    )
)
#: label columns: read as text (a gemeentecode 0599 stays 0599)
LABEL_COLUMNS = {
    "check_id",
    "naam",
    "berichttype",
    "dimensie",
    "ernst",
    "regels",
    "uitleg",
    "status",
    "groep",
    "definitie",
    "maand",
    "niveau",
    "eenheid",
    "reeks",
    "indicator",
    "gemeente",
    "populatie",
    "soort",
    "band",
    "norm",
}
#: Dutch description of each table, for ``--toon`` and the comparison report
TABLE_TITLES = {
    "quickscan_scores": "Quick scan: aandeel betrouwbare berichtregels per berichtsoort",
    "quickscan_bevindingen": "Quick scan: gecontroleerd en afwijkend per controle en "
    "berichtsoort (regio totaal en per gemeente)",
    "quickscan_controles": "Quick scan: de gebruikte controles en hun status",
    "wachttijden_samenvatting": "Wachttijden: samenvatting per definitie (totaal, per "
    "gemeente en per productcategorie)",
    "wachttijden_km": "Wachttijden: Kaplan-Meier-curvepunten per definitie",
    "wachttijden_cumulatieve_incidentie": "Wachttijden: cumulatieve incidentie per definitie",
    "wachttijden_momentopname": "Wachttijden: wie wacht op de peildatum",
    "wachttijden_wachtenden_per_norm": "Wachttijden: wachtenden boven de norm",
    "wachttijden_populatie": "Wachttijden: trajecten buiten de populatie van een definitie",
    "trends_maand": "Trends: maandreeksen (regio, gemeente, productcategorie)",
    "trends_trechter": "Trends: tellers en noemers van de trechterindicatoren (regio en gemeente)",
    "bevolking": "Bevolking 0-17 jaar per gemeente en jaar (openbaar, bijvoorbeeld CBS)",
}


class PackageError(ValueError):
    """A package that cannot be built or read (Dutch message naming the file)."""


@dataclass
class Package:
    """A package read back and checked: its manifest, tables and definition files."""

    path: Path
    manifest: dict
    tables: dict[str, pd.DataFrame] = field(repr=False)
    definitions_text: str = field(repr=False, default="")
    checks_text: str = field(repr=False, default="")

    @property
    def regio(self) -> str:
        """The region's name as the manifest gives it."""
        return str(self.manifest["regio"])

    @property
    def definitions_hash(self) -> str:
        """Content hash of the package's ``waiting_times.yaml``."""
        return str(self.manifest["definities"]["sha256"])

    @property
    def checks_hash(self) -> str:
        """Content hash of the package's ``checks.yaml``."""
        return str(self.manifest["controles"]["sha256"])

    @property
    def definitions(self) -> dict:
        """The package's ``waiting_times.yaml``, parsed."""
        return config.load_yaml(self.definitions_text) or {}

    @property
    def checks(self) -> dict:
        """The package's ``checks.yaml``, parsed."""
        return config.load_yaml(self.checks_text) or {}


def content_hash(yaml_text: str) -> str:
    """SHA-256 of a YAML file's content: the same for the same content, whatever its layout.

    The parsed YAML is written as canonical JSON (sorted keys, no spaces) before hashing, so
    comments, key order and quoting do not change the hash; any changed value does.
    """
    doc = config.load_yaml(yaml_text)
    canonical = json.dumps(
        doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _forbidden(columns: list[str]) -> list[str]:
    return [c for c in columns if str(c).lower().lstrip("'") in PACKAGE_FORBIDDEN]


def protected_csv(
    name: str, table: SharedTable, *, threshold: int, keep: pd.Series | None = None
) -> tuple[bytes, int]:
    """One shared table as package CSV: protected as the reports do, then rows kept.

    The protection (:meth:`kit.outputs.SharedTable.suppressed`) runs on the whole table, as in
    the region's own CSV files and reports; ``keep`` then leaves out rows (aanbieder level) on
    the protected copy, so the figures are the reports' figures.

    Returns
    -------
    tuple
        The CSV bytes (UTF-8) and the number of rows.
    """
    leaking = _forbidden(list(table.frame.columns))
    if leaking:
        raise PackageError(f"tabel {name} bevat kolommen die niet gedeeld mogen worden: {leaking}")
    shown = table.suppressed(threshold)
    if keep is not None:
        shown = shown[keep.reindex(shown.index).fillna(False).to_numpy(dtype=bool)]
    shown = neutralise_formulas(shown.reset_index(drop=True))
    return shown.to_csv(index=False).encode("utf-8"), len(shown)


def _yaml_text(path: Path | None, name: str) -> str:
    """The text of a region's own YAML file, or of the kit's (``name`` inside ``kit/``)."""
    if path:
        return Path(path).read_text(encoding="utf-8")
    return config.package_path(*name.split("/")).read_text(encoding="utf-8")


def package_tables(
    store: Path,
    *,
    peildatum: str,
    definities: Path | None = None,
    controles: Path | None = None,
    bevolking: Path | None = None,
    testdata_toegestaan: bool = False,
    min_cel: int = config.MIN_CELL,
    norm_weken: float | None = None,
    volledig: float | None = None,
) -> tuple[dict[str, tuple[bytes, int]], dict]:
    """Compute every package table from a store, protected (see :func:`protected_csv`).

    The tables come from the same functions as ``kit quickscan``, ``kit wachttijden`` and
    ``kit trends`` and their ``shared_tables``; aanbieder-level rows are left out.

    Returns
    -------
    tuple
        ``{file name: (csv bytes, rows)}`` and facts for the manifest (period, settings).
    """
    if volledig is None:
        volledig = config.min_complete()
    if norm_weken is None:
        norm_weken = config.trend_settings()["norm_weken"]
    from kit import trends
    from kit import waits as wt
    from kit.checks import (
        allow_test_bsns,
        evaluate_checks,
        load_checks,
        prepare_scan,
        quickscan_tables,
    )
    from kit.checks.patterns import load_pattern_params, provider_patterns

    data = prepare_scan(Path(store), peildatum=peildatum)
    out: dict[str, tuple[bytes, int]] = {}

    # quick scan: scores per berichttype, findings per check x berichttype (total and gemeente)
    checks = load_checks(controles)
    if testdata_toegestaan:
        checks = allow_test_bsns(checks)
    scan = evaluate_checks(data, checks)
    quick = quickscan_tables(scan, provider_patterns(data, load_pattern_params(controles)))
    out["quickscan_scores"] = protected_csv("scores", quick["scores"], threshold=min_cel)
    status = quick["controles"].frame[["check_id", "naam", "berichttype", "ernst", "status"]]
    out["quickscan_controles"] = protected_csv(
        "controles", SharedTable(status, []), threshold=min_cel
    )
    out["quickscan_bevindingen"] = protected_csv(
        "bevindingen", findings_table(scan), threshold=min_cel
    )

    # waiting times: every definition, total + gemeente + categorie groups
    definitions = wt.load_definitions(definities)
    results = wt.waits_from_data(
        data,
        peildatum=peildatum,
        definitions=definitions,
        min_n=max(definitions.min_group, min_cel),
    )
    waits = wt.shared_tables(results)
    for name in (
        "samenvatting",
        "km",
        "cumulatieve_incidentie",
        "momentopname",
        "wachtenden_per_norm",
        "populatie",
    ):
        table = waits[name]
        keep = None
        if "groep" in table.frame.columns:
            keep = ~table.frame["groep"].astype("string").str.startswith("aanbieder").fillna(False)
        out[f"wachttijden_{name}"] = protected_csv(name, table, threshold=min_cel, keep=keep)

    # trends: monthly series (regio, gemeente, categorie) and the funnel counts
    population = trends.read_population(bevolking) if bevolking else None
    result = trends.compute_trends(
        data, population=population, threshold_complete=volledig, norm_weeks=norm_weken
    )
    maand = trends.shared_tables(result)["maand"]
    keep = maand.frame["niveau"].isin(["regio", "gemeente", "categorie"])
    out["trends_maand"] = protected_csv("maand", maand, threshold=min_cel, keep=keep)
    out["trends_trechter"] = protected_csv(
        "trechter", funnel_table(result.funnels), threshold=min_cel
    )
    if population is not None:
        gemeenten = set(data.pathways["gemeente"].dropna().astype(str))
        pop = population[population["gemeente"].isin(gemeenten)].reset_index(drop=True)
        out["bevolking"] = (pop.to_csv(index=False).encode("utf-8"), len(pop))
    months = sorted(result.series["maand"].unique())
    facts = {
        "periode": {"van": months[0] if months else None, "tot": str(peildatum)},
        "instellingen": {
            "min_cel": min_cel,
            "afronding": config.ROUND_BASE,
            "norm_weken": norm_weken,
            "volledig": volledig,
            "testdata_toegestaan": testdata_toegestaan,
            "bevolking": population is not None,
        },
    }
    return out, facts


def findings_table(scan: object) -> SharedTable:
    """Quick-scan findings per check and berichttype: the region total and per gemeente.

    Parameters
    ----------
    scan : kit.checks.ScanResult

    Returns
    -------
    kit.outputs.SharedTable
        ``check_id, berichttype, groep, n_gecontroleerd, n_afwijkend, pct_afwijkend``; ``groep``
        is ``totaal`` or ``gemeente=<code>``. Protected as the quick scan's findings, with the
        total row as the total of the gemeenten (complementary suppression).
    """
    from kit.checks import FINDINGS_PROTECTION

    total = scan.findings(by=("berichttype",)).assign(groep="totaal")
    by_gem = scan.findings(by=("berichttype", "gemeente"))
    by_gem = by_gem.assign(groep="gemeente=" + by_gem["gemeente"].fillna("onbekend"))
    findings = pd.concat([total, by_gem.drop(columns="gemeente")], ignore_index=True)
    findings = findings[
        ["check_id", "berichttype", "groep", *FINDINGS_PROTECTION.counts, "pct_afwijkend"]
    ]
    protection = replace(
        FINDINGS_PROTECTION, totals=Totals("groep", "totaal", within=("check_id", "berichttype"))
    )
    return SharedTable.protected(findings.reset_index(drop=True), protection)


def funnel_table(funnels: pd.DataFrame) -> SharedTable:
    """The funnel indicators' counts per gemeente plus the region total, as a shared table.

    The region row (``eenheid`` ``totaal``) is the sum of the gemeenten's unrounded counts; its
    share is what other regions compare with. Protected with the trends' funnel protection and
    the region row as the total of its gemeenten (complementary suppression).
    """
    from kit import trends

    # the funnel plots only (laat_305 flags aanbieders, see trends.FLAG_INDICATORS)
    plots = funnels["indicator"].isin(list(trends.FUNNEL_INDICATORS))
    f = funnels[(funnels["niveau"] == "gemeente") & plots][["indicator", "eenheid", "x", "n"]]
    region = f.groupby("indicator", as_index=False, sort=False)[["x", "n"]].sum()
    frame = pd.concat(
        [
            region.assign(niveau="regio", eenheid=trends.REGIO),
            f.assign(niveau="gemeente"),
        ],
        ignore_index=True,
    )
    frame = frame[frame["n"] > 0]
    frame["pct"] = (100 * frame["x"] / frame["n"]).round(1)
    frame = frame[["indicator", "niveau", "eenheid", "x", "n", "pct"]].reset_index(drop=True)
    protection = replace(
        trends.FUNNEL_PROTECTION,
        derived={"pct": ["x", "n"]},
        totals=Totals("eenheid", trends.REGIO, within=("indicator",)),
    )
    return SharedTable.protected(frame, protection)


def build_package(
    store: Path,
    out: Path,
    *,
    peildatum: str,
    regio: str,
    definities: Path | None = None,
    controles: Path | None = None,
    bevolking: Path | None = None,
    testdata_toegestaan: bool = False,
    min_cel: int = config.MIN_CELL,
    norm_weken: float | None = None,
    volledig: float | None = None,
) -> dict:
    """Write a region's package (zip) and return its manifest.

    Parameters
    ----------
    store : pathlib.Path
        The region's store.
    out : pathlib.Path
        The zip to write (replaced when it exists).
    peildatum : str
        ISO date.
    regio : str
        The region's name as the leercirkel knows it.
    definities, controles : pathlib.Path, optional
        The region's own ``waiting_times.yaml`` / ``checks.yaml``; default the kit's.
    bevolking : pathlib.Path, optional
        Population table (:func:`kit.trends.read_population`): rates per 1,000 jeugdigen.
    testdata_toegestaan, min_cel, norm_weken, volledig
        As for ``kit quickscan`` and ``kit trends``.

    Returns
    -------
    dict
        The manifest (also ``manifest.json`` in the zip).
    """
    tables, facts = package_tables(
        store,
        peildatum=peildatum,
        definities=definities,
        controles=controles,
        bevolking=bevolking,
        testdata_toegestaan=testdata_toegestaan,
        min_cel=min_cel,
        norm_weken=norm_weken,
        volledig=volledig,
    )
    definitions_text = _yaml_text(definities, "waiting_times.yaml")
    checks_text = _yaml_text(controles, "checks/checks.yaml")
    files = {f"{name}.csv": data for name, (data, _) in tables.items()}
    files[DEFINITIONS_FILE] = definitions_text.encode("utf-8")
    files[CHECKS_FILE] = checks_text.encode("utf-8")
    rows = {f"{name}.csv": n for name, (_, n) in tables.items()}
    manifest = {
        "formaat": FORMAT,
        "formaat_versie": FORMAT_VERSION,
        "kit_versie": __version__,
        "regio": regio,
        "peildatum": str(peildatum),
        **facts,
        "definities": {
            "bestand": DEFINITIONS_FILE,
            # the file name only: a folder path can hold a user's name
            "bron": Path(definities).name if definities else "kit/waiting_times.yaml (standaard)",
            "sha256": content_hash(definitions_text),
        },
        "controles": {
            "bestand": CHECKS_FILE,
            "bron": Path(controles).name if controles else "kit/checks/checks.yaml (standaard)",
            "sha256": content_hash(checks_text),
        },
        "bestanden": [
            {"naam": name, "rijen": rows.get(name), "sha256": _sha256(data)}
            for name, data in sorted(files.items())
        ],
    }
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    # fixed timestamps: the same inputs give the same bytes
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in [
            (MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")),
            *sorted(files.items()),
        ]:
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    tmp.replace(out)
    return manifest


def _damaged(path: Path, why: str) -> PackageError:
    return PackageError(f"Deelpakket {Path(path).name} is beschadigd of aangepast: {why}")


def read_package(path: Path | str) -> Package:
    """Read a package and check it against its manifest.

    Every file the manifest lists must be there with the same SHA-256 and row count, no other
    file may be in the zip, the definitions' and checks' content hashes must match their YAML
    copies, and no table may have a person- or record-level column.

    Raises
    ------
    PackageError
        In Dutch, naming the package and what is wrong.
    """
    path = Path(path)
    if not path.is_file():
        raise PackageError(f"Deelpakket {path.name} bestaat niet ({path}).")
    try:
        with zipfile.ZipFile(path) as zf:
            contents = {info.filename: zf.read(info) for info in zf.infolist() if not info.is_dir()}
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise _damaged(path, f"geen leesbaar zip-bestand ({type(exc).__name__})") from None
    if MANIFEST not in contents:
        raise _damaged(path, f"{MANIFEST} ontbreekt")
    try:
        manifest = json.loads(contents.pop(MANIFEST).decode("utf-8"))
        listed = {f["naam"]: f for f in manifest["bestanden"]}
        for key in ("regio", "peildatum", "definities", "controles"):
            manifest[key]  # noqa: B018 (presence check)
    except (ValueError, KeyError, TypeError):
        raise _damaged(path, f"{MANIFEST} is geen geldig manifest") from None
    if manifest.get("formaat") != FORMAT:
        raise _damaged(path, f"geen {FORMAT} (formaat {manifest.get('formaat')!r})")
    missing = sorted(set(listed) - set(contents))
    extra = sorted(set(contents) - set(listed))
    if missing:
        raise _damaged(path, f"bestand(en) uit het manifest ontbreken: {', '.join(missing)}")
    if extra:
        raise _damaged(path, f"bestand(en) die niet in het manifest staan: {', '.join(extra)}")
    for name, entry in listed.items():
        if _sha256(contents[name]) != entry.get("sha256"):
            raise _damaged(path, f"{name}: de SHA-256 klopt niet met het manifest")
    tables = {}
    for name, data in contents.items():
        if not name.endswith(".csv"):
            continue
        frame = _read_csv(data)
        if listed[name].get("rijen") is not None and len(frame) != listed[name]["rijen"]:
            raise _damaged(path, f"{name}: het aantal rijen klopt niet met het manifest")
        leaking = _forbidden(list(frame.columns))
        if leaking:
            raise _damaged(path, f"{name}: kolommen die niet gedeeld mogen worden: {leaking}")
        tables[name.removesuffix(".csv")] = frame
    texts = {}
    for key, fallback in (("definities", DEFINITIONS_FILE), ("controles", CHECKS_FILE)):
        name = manifest[key].get("bestand", fallback)
        if name not in contents:
            raise _damaged(path, f"{name} ontbreekt")
        texts[key] = contents[name].decode("utf-8")
        if content_hash(texts[key]) != manifest[key].get("sha256"):
            raise _damaged(path, f"{name}: de inhoudshash klopt niet met het manifest")
    return Package(path, manifest, tables, texts["definities"], texts["controles"])


def _read_csv(data: bytes) -> pd.DataFrame:
    """A package CSV: label columns as text, the others as numbers where they are numbers."""
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    for col in frame.columns:
        if col in LABEL_COLUMNS:
            frame[col] = frame[col].astype("string")
            continue
        values = frame[col].replace("", None)
        if values.isin(["True", "False"]).all() and values.notna().all() and len(values):
            frame[col] = values.eq("True")
            continue
        numbers = pd.to_numeric(values, errors="coerce")
        if numbers.notna().sum() != values.notna().sum():
            frame[col] = values
        elif (numbers.dropna() % 1 == 0).all() and not col.startswith(("pct", "aandeel", "ci_")):
            frame[col] = numbers.astype("Int64")  # counts and days: whole numbers
        else:
            frame[col] = numbers
    return frame


def package_text(package: Package, *, max_rows: int | None = None) -> str:
    """Every table and number in a package, in Dutch, for the sender to check.

    Parameters
    ----------
    package : Package
    max_rows : int, optional
        Show at most this many rows per table (default: all, so nothing leaves unseen).
    """
    m = package.manifest
    s = m.get("instellingen", {})
    lines = [
        f"Deelpakket {package.path.name}",
        f"  Regio:        {m['regio']}",
        f"  Peildatum:    {m['peildatum']}",
        f"  Periode:      {m.get('periode', {}).get('van')} t/m {m.get('periode', {}).get('tot')}",
        f"  Kit-versie:   {m.get('kit_versie')}",
        f"  Definities:   {m['definities'].get('bron')} (inhoudshash {package.definitions_hash[:12]})",
        f"  Controles:    {m['controles'].get('bron')} (inhoudshash {package.checks_hash[:12]})",
        f"  Bescherming:  aantallen onder {s.get('min_cel')} leeg (onderdrukt), andere aantallen "
        f"afgerond op {s.get('afronding')}; een lege cel is onderdrukt of niet van toepassing "
        "(kolom onderdrukt: ja = in deze rij is iets afgeschermd)",
        "",
        "Bestanden in het pakket:",
    ]
    for entry in m["bestanden"]:
        rows = "" if entry.get("rijen") is None else f"{entry['rijen']} rijen, "
        lines.append(f"  {entry['naam']:<45} {rows}SHA-256 {entry['sha256'][:16]}…")
    lines.append("  (de twee YAML-bestanden zijn de definities en controles zelf, zonder gegevens)")
    with pd.option_context(
        "display.max_rows", None, "display.max_columns", None, "display.width", 200
    ):
        for name, frame in package.tables.items():
            title = TABLE_TITLES.get(name, name)
            lines += ["", f"== {name}.csv: {title} ({len(frame)} rijen) =="]
            shown = frame if max_rows is None else frame.head(max_rows)
            flags = [c for c in shown.columns if shown[c].dtype == bool]
            shown = shown.assign(**{c: shown[c].map({True: "ja", False: "nee"}) for c in flags})
            text = shown.astype("string").fillna("").to_string(index=False)
            lines.append(text)
            if max_rows is not None and len(frame) > max_rows:
                lines.append(f"... en nog {len(frame) - max_rows} rijen")
    return "\n".join(lines)
