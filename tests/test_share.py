"""Deelpakket and leercirkel comparison: three generated regions -> three packages -> one report.

Proves: a package holds only protected aggregates (no pseudonym, BSN, record-level column, or
count below the threshold or off the rounding grid, scanning every file in the zip), its
figures are the reports' figures, a damaged package is refused, and packages with different
definitions are never put in one table (they are grouped, with the YAML difference named).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from datetime import date
from html import unescape
from pathlib import Path

import pandas as pd
import pytest
from test_browser import browser, view_report  # noqa: F401 (browser: the fixture)

from kit import __version__, config
from kit.__main__ import main
from kit.privacy import Pseudonymiser
from kit.share import (
    CHECKS_FILE,
    DEFINITIONS_FILE,
    MANIFEST,
    PACKAGE_FORBIDDEN,
    PackageError,
    build_package,
    content_hash,
    read_package,
)
from kit.sources import iter_sources
from kit.store import ingest, read_table

KEY = "9d1c3f4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"
SEEDS = {"Regio Noord": 31, "Regio Oost": 32, "Regio Zuid": 33}
PEILDATUM = "2026-03-31"
THRESHOLD = 10


@pytest.fixture(scope="module")
def regions(tmp_path_factory) -> dict[str, Path]:
    """Three small generated regions (different seeds), each ingested into its own store."""
    from kit.example import write_example_region

    root = tmp_path_factory.mktemp("regios")
    stores = {}
    for name, seed in SEEDS.items():
        folder = root / str(seed)
        write_example_region(
            folder / "bron",
            seed=seed,
            n_children=300,
            start=date(2025, 4, 1),
            end=date(2026, 3, 31),
        )
        ingest(
            iter_sources([folder / "bron" / "berichten"]),
            folder / "store",
            pseudonymise=Pseudonymiser(KEY.encode()),
            workers=1,
            progress=False,
        )
        stores[name] = folder / "store"
    return stores


@pytest.fixture(scope="module")
def other_definitions(tmp_path_factory) -> Path:
    """A region's copy of waiting_times.yaml with one norm changed (6 -> 8 weeks)."""
    text = (config.PROJ_ROOT / "kit" / "waiting_times.yaml").read_text(encoding="utf-8")
    changed = re.sub(r"(id: regionale_norm\n(?:.*\n)*?\s+weken: )6", r"\g<1>8", text, count=1)
    assert changed != text
    path = tmp_path_factory.mktemp("definities") / "waiting_times.yaml"
    path.write_text(changed, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def packages(regions, other_definitions, tmp_path_factory) -> dict[str, Path]:
    """Noord and Oost with the kit's definitions and a population table; Zuid with its own."""
    out = tmp_path_factory.mktemp("pakketten")
    paths = {}
    for name, store in regions.items():
        zuid = name == "Regio Zuid"
        paths[name] = out / f"{name.split()[-1].lower()}.zip"
        build_package(
            store,
            paths[name],
            peildatum=PEILDATUM,
            regio=name,
            definities=other_definitions if zuid else None,
            bevolking=None if zuid else config.EXAMPLE_DIR / "bevolking.csv",
            testdata_toegestaan=True,
            min_cel=THRESHOLD,
        )
    return paths


def _files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _csvs(path: Path) -> dict[str, pd.DataFrame]:
    return {
        name: pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
        for name, data in _files(path).items()
        if name.endswith(".csv")
    }


# --------------------------------------------------------------------------------------------
# Building a package


def test_content_hash_ignores_layout_but_not_values():
    a = "normen:\n  - id: n\n    weken: 6  # regionale norm\nmin_groep: 10\n"
    b = "min_groep: 10\nnormen: [{weken: 6, id: n}]\n"
    c = "min_groep: 10\nnormen: [{weken: 8, id: n}]\n"
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash(c)


def test_package_layout_and_manifest(packages, other_definitions):
    files = _files(packages["Regio Noord"])
    manifest = json.loads(files.pop(MANIFEST))
    assert manifest["regio"] == "Regio Noord"
    assert manifest["peildatum"] == PEILDATUM
    assert manifest["kit_versie"] and manifest["periode"]["tot"] == PEILDATUM
    listed = {f["naam"]: f for f in manifest["bestanden"]}
    assert set(listed) == set(files)  # every file listed, nothing unlisted
    for name in (
        "quickscan_scores.csv",
        "quickscan_bevindingen.csv",
        "wachttijden_samenvatting.csv",
        "wachttijden_km.csv",
        "wachttijden_cumulatieve_incidentie.csv",
        "trends_maand.csv",
        "trends_trechter.csv",
        "bevolking.csv",
        DEFINITIONS_FILE,
        CHECKS_FILE,
    ):
        assert name in files, name
    import hashlib

    for name, data in files.items():
        assert hashlib.sha256(data).hexdigest() == listed[name]["sha256"], name
        if name.endswith(".csv"):
            assert len(pd.read_csv(io.BytesIO(data))) == listed[name]["rijen"], name
    # the YAML copies are the files used, and their content hash is recorded
    shipped = (config.PROJ_ROOT / "kit" / "waiting_times.yaml").read_text(encoding="utf-8")
    assert files[DEFINITIONS_FILE].decode() == shipped
    assert manifest["definities"]["sha256"] == content_hash(shipped)
    checks = (config.PROJ_ROOT / "kit" / "checks" / "checks.yaml").read_text(encoding="utf-8")
    assert manifest["controles"]["sha256"] == content_hash(checks)
    zuid = json.loads(_files(packages["Regio Zuid"])[MANIFEST])
    assert zuid["definities"]["sha256"] == content_hash(other_definitions.read_text())
    assert zuid["definities"]["sha256"] != manifest["definities"]["sha256"]
    assert zuid["definities"]["bron"] == "waiting_times.yaml"  # no folder (a user's name)
    assert "bevolking.csv" not in _files(packages["Regio Zuid"])
    # aanbieder-level rows stay home
    samenvatting = _csvs(packages["Regio Noord"])["wachttijden_samenvatting.csv"]
    assert not samenvatting["groep"].str.startswith("aanbieder").any()
    assert samenvatting["groep"].str.startswith("gemeente=").any()
    assert samenvatting["groep"].str.startswith("categorie=").any()
    maand = _csvs(packages["Regio Noord"])["trends_maand.csv"]
    assert set(maand["niveau"]) == {"regio", "gemeente", "categorie"}


def test_same_inputs_give_the_same_package(regions, packages, tmp_path):
    again = tmp_path / "noord.zip"
    build_package(
        regions["Regio Noord"],
        again,
        peildatum=PEILDATUM,
        regio="Regio Noord",
        bevolking=config.EXAMPLE_DIR / "bevolking.csv",
        testdata_toegestaan=True,
        min_cel=THRESHOLD,
    )
    assert again.read_bytes() == packages["Regio Noord"].read_bytes()


def test_package_holds_no_pseudonym_bsn_or_record_column(regions, packages):
    for name, path in packages.items():
        store = regions[name]
        pseudonyms = set()
        for table in ("toewijzingen", "verzoeken", "starts", "stops", "declaraties"):
            frame = read_table(store, table)
            if "client_id" in frame.columns:
                pseudonyms |= set(frame["client_id"].dropna().astype(str))
        assert len(pseudonyms) > 100, "the store must hold pseudonyms for this to mean anything"
        bsns = set()
        for xml in (store.parent / "bron" / "berichten").rglob("*.xml"):
            bsns |= set(re.findall(r"Bsn>(\d{9})<", xml.read_text(encoding="utf-8")))
        assert len(bsns) > 100
        numbers = set(read_table(store, "toewijzingen")["ToewijzingNummer"].dropna().astype(str))
        text = b"".join(_files(path).values()).decode("utf-8")
        assert [p for p in pseudonyms if p in text] == []
        assert set(re.findall(r"(?<!\d)\d{9}(?!\d)", text)) & bsns == set()
        csv_text = "\n".join(f.to_csv(index=False) for f in _csvs(path).values())
        tokens = set(re.findall(r"(?<![\w.])\d{5,}(?![\w.])", csv_text))
        assert len(numbers) > 100 and tokens & numbers == set()  # no ToewijzingNummer
        for file, frame in _csvs(path).items():
            bad = [c for c in frame.columns if c.lower() in PACKAGE_FORBIDDEN]
            assert bad == [], (name, file, bad)
            lowered = " ".join(frame.columns).lower()
            for word in ("bsn", "pseudoniem", "geboorte", "identificatie", "toewijzingnummer"):
                assert word not in lowered, (file, word)


def _count_cells(file: str, frame: pd.DataFrame) -> pd.Series:
    """Every count in one package table (as text): n, n_*, x and a count series' waarde."""
    if file == "bevolking.csv":  # public population figures, not counts of children in care
        return pd.Series(dtype=str)
    cols = [c for c in frame.columns if c in ("n", "x", "kinderen") or c.startswith("n_")]
    cells = [frame[c] for c in cols]
    if file == "trends_maand.csv":  # waarde is the count itself where it equals n
        is_count = frame["waarde"].eq(frame["n"]) | (
            frame["waarde"].eq("") & ~frame["reeks"].str.contains("per_1000|wachttijd|pct")
        )
        cells.append(frame.loc[is_count, "waarde"])
    return pd.concat(cells, ignore_index=True) if cells else pd.Series(dtype=str)


def test_every_count_is_zero_blank_or_protected(packages):
    suppressed = 0
    checked = 0
    for path in packages.values():
        for file, frame in _csvs(path).items():
            if "onderdrukt" in frame.columns:
                suppressed += int(frame["onderdrukt"].eq("True").sum())
            for raw in _count_cells(file, frame):
                if raw == "":
                    continue
                value = float(raw)
                checked += 1
                assert value == 0 or (value >= THRESHOLD and value % config.ROUND_BASE == 0), (
                    f"{path.name}/{file}: count {raw}"
                )
    assert checked > 1000
    assert suppressed > 50, "small regions must have had cells to suppress"


def test_figures_are_the_reports_figures(regions, packages, tmp_path):
    """The package's quick-scan scores are byte for byte what ``kit quickscan`` writes."""
    out = tmp_path / "qs"
    code = main(
        [
            "quickscan",
            "--store",
            str(regions["Regio Oost"]),
            "--peildatum",
            PEILDATUM,
            "--uit",
            str(out),
            "--testdata-toegestaan",
        ]
    )
    assert code == 0
    package = _files(packages["Regio Oost"])["quickscan_scores.csv"]
    assert package == (out / "scores.csv").read_bytes()


# --------------------------------------------------------------------------------------------
# Reading a package back


def _rewrite(source: Path, target: Path, change) -> Path:
    files = _files(source)
    change(files)
    with zipfile.ZipFile(target, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return target


def test_damaged_or_tampered_package_is_refused(packages, tmp_path):
    good = packages["Regio Oost"]
    assert read_package(good).regio == "Regio Oost"

    def edit(files):
        files["quickscan_scores.csv"] = files["quickscan_scores.csv"].replace(b",", b";", 1)

    def drop(files):
        del files["trends_maand.csv"]

    def add(files):
        files["extra.csv"] = b"client_id\nabc\n"

    def definitions(files):  # the YAML changed, manifest hash kept: different definitions
        files[DEFINITIONS_FILE] = files[DEFINITIONS_FILE].replace(b"weken: 6", b"weken: 7")

    cases = {
        "bewerkt.zip": (edit, "quickscan_scores.csv: de SHA-256 klopt niet"),
        "mist.zip": (drop, "ontbreken: trends_maand.csv"),
        "extra.zip": (add, "niet in het manifest staan: extra.csv"),
        "definities.zip": (definitions, "de SHA-256 klopt niet"),
    }
    for name, (change, message) in cases.items():
        bad = _rewrite(good, tmp_path / name, change)
        with pytest.raises(PackageError, match=re.escape(message)) as info:
            read_package(bad)
        assert name in str(info.value)
    truncated = tmp_path / "afgebroken.zip"
    truncated.write_bytes(good.read_bytes()[:2000])
    with pytest.raises(PackageError, match="afgebroken.zip.*geen leesbaar zip"):
        read_package(truncated)


def test_vergelijk_refuses_a_damaged_package_with_one_dutch_line(packages, tmp_path, capsys):
    bad = tmp_path / "kapot.zip"
    bad.write_bytes(packages["Regio Zuid"].read_bytes()[:-300])
    code = main(
        ["vergelijk", str(packages["Regio Noord"]), str(bad), "--uit", str(tmp_path / "r.html")]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("Fout: Deelpakket kapot.zip is beschadigd") and "Traceback" not in err
    assert not (tmp_path / "r.html").exists()
    missing = tmp_path / "bestaat_niet.zip"
    assert main(["vergelijk", str(missing), "--uit", str(tmp_path / "r.html")]) == 2
    assert "Deelpakket bestaat_niet.zip bestaat niet" in capsys.readouterr().err
    twice = [str(packages["Regio Noord"])] * 2
    assert main(["vergelijk", *twice, "--uit", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert "meer dan één pakket van dezelfde regio: Regio Noord" in err
    assert not (tmp_path / "r.html").exists()


def test_toon_shows_every_table_and_row(packages, capsys):
    path = packages["Regio Noord"]
    assert main(["deelpakket", "--toon", str(path)]) == 0
    shown = capsys.readouterr().out
    manifest = json.loads(_files(path)[MANIFEST])
    assert "Regio: " in shown and "Regio Noord" in shown
    total = 0
    for entry in manifest["bestanden"]:
        assert entry["naam"] in shown
        if entry["rijen"] is not None:
            assert f"{entry['naam']}: " in shown and f"({entry['rijen']} rijen)" in shown
            total += entry["rijen"]
    assert len(shown.splitlines()) > total  # every row is printed, none elided
    assert "... en nog" not in shown


def test_deelpakket_cli_requires_inputs(tmp_path, capsys):
    assert main(["deelpakket", "--store", str(tmp_path), "--peildatum", PEILDATUM]) == 2
    assert "--regio" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# Comparing packages


def test_different_definitions_are_grouped_and_the_difference_named(packages):
    from kit import compare
    from kit.sections import vergelijking

    ctx = vergelijking.prepare_comparison(
        titel="Leercirkel", peildatum=PEILDATUM, pakketten=[str(p) for p in packages.values()]
    )
    groups = ctx.definition_groups
    assert [g.regions for g in groups] == [["Regio Noord", "Regio Oost"], ["Regio Zuid"]]
    assert len(ctx.check_groups) == 1
    diff = compare.definition_differences(groups)
    assert diff[["onderdeel", "sleutel"]].values.tolist() == [["normen[regionale_norm]", "weken"]]
    assert diff.iloc[0, 2:].tolist() == ["6", "8"]
    table = compare.side_by_side(groups[0], "toewijzing_start", threshold=THRESHOLD)
    assert table["Regio"].tolist() == ["Regio Noord", "Regio Oost"]  # Zuid never beside them
    assert "% binnen Regionale norm (6 weken)" in table.columns
    assert table["Wachtlijst per 1.000 jeugdigen"].ne("").all()
    zuid = compare.side_by_side(groups[1], "toewijzing_start", threshold=THRESHOLD)
    own = groups[1].packages[0].tables["wachttijden_samenvatting"]
    own = own[(own["definitie"] == "toewijzing_start") & (own["groep"] == "totaal")]
    assert "pct_binnen_56d" in own.columns and "pct_binnen_42d" not in own.columns
    assert zuid["% binnen Regionale norm (6 weken)"].iloc[0] == compare._pct(
        own["pct_binnen_56d"].iloc[0]
    )  # the region's own 8-week norm (its YAML kept the name)


def test_same_definitions_form_one_group(packages):
    from kit import compare
    from kit.sections import vergelijking

    same = [str(packages["Regio Noord"]), str(packages["Regio Oost"])]
    ctx = vergelijking.prepare_comparison(titel="L", peildatum=PEILDATUM, pakketten=same)
    assert len(ctx.definition_groups) == 1
    assert compare.definition_differences(ctx.definition_groups).empty
    assert "dezelfde wachttijddefinities" in vergelijking.overview_text(ctx)
    # the packages read in Dutch dates: 31 maart 2026, a period from a month to a day
    table = compare.overview_table(ctx.packages)
    assert table["Peildatum"].tolist() == ["31 maart 2026"] * 2
    assert all(re.fullmatch(r"[a-z]+ \d{4} t/m 31 maart 2026", p) for p in table["Periode"])


def test_funnel_across_regions_uses_the_packages_shares(packages):
    from kit import compare

    pk = [read_package(p) for p in packages.values()]
    points = compare.funnel_points(pk, "auto_305")
    assert sorted(points["eenheid"]) == sorted(SEEDS)
    for package in pk:
        t = package.tables["trends_trechter"]
        own = t[(t["indicator"] == "auto_305") & (t["niveau"] == "regio")]["pct"].iloc[0]
        got = points.loc[points["eenheid"] == package.regio, "pct"].iloc[0]
        assert got == pytest.approx(own)


def test_comparison_notebook_is_not_a_region_report():
    from kit.report import ParameterError, check_parameters, default_notebooks

    nb = config.PROJ_ROOT / "notebooks" / "04_vergelijking.ipynb"
    assert nb not in default_notebooks()
    with pytest.raises(ParameterError, match="'pakketten' ontbreekt"):
        check_parameters(nb, {"regio": "L", "peildatum": PEILDATUM})
    assert check_parameters(nb, {"regio": "L", "peildatum": PEILDATUM, "pakketten": ["a.zip"]})


def test_batch_renders_comparisons_and_notices_a_changed_package(packages, tmp_path):
    import yaml

    from kit.report import fingerprint, load_batch

    copy = tmp_path / "noord.zip"
    shutil.copy(packages["Regio Noord"], copy)
    doc = {
        "kwartaal": "2026-K1",
        "uit": str(tmp_path / "reports"),
        "notebooks": ["notebooks/04_vergelijking.ipynb"],
        "gemeenschappelijk": {"peildatum": PEILDATUM},
        "eenheden": [
            {
                "naam": "leercirkel",
                "regio": "Leercirkel",
                "pakketten": [str(copy), str(packages["Regio Oost"])],
            }
        ],
    }
    path = tmp_path / "batch.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    _, _, jobs = load_batch(path)
    assert [j.params["pakketten"] for j in jobs] == [doc["eenheden"][0]["pakketten"]]
    before = fingerprint(jobs[0])
    shutil.copy(packages["Regio Zuid"], copy)
    assert fingerprint(jobs[0]) != before


@pytest.mark.notebooks
def test_three_regions_one_comparison_report(regions, packages, tmp_path, capsys):
    from test_report import EXTERNAL

    out = tmp_path / "rapport" / "vergelijking.html"
    code = main(["vergelijk", *[str(p) for p in packages.values()], "--uit", str(out)])
    assert code == 0, capsys.readouterr().err
    html = out.read_text(encoding="utf-8")
    executed = out.with_suffix(".ipynb").read_text(encoding="utf-8")
    assert EXTERNAL.search(html) is None and "import kit" not in html
    assert '<html lang="nl">' in html
    for name in SEEDS:
        assert name in html
    assert "verschillend" in html and "normen[regionale_norm]" in html
    assert "Groep 2: Regio Zuid" in html
    assert html.count("data:image/svg+xml") >= 4  # KM, funnels, waiting list as static SVG
    import base64
    from urllib.parse import unquote

    from lxml import etree

    images = re.findall(r'src="data:image/svg\+xml(;base64)?,([^"]+)"', html)
    assert len(images) >= 4
    for encoded, data in images:  # every chart image is a well-formed SVG with marks
        raw = base64.b64decode(data) if encoded else unquote(data).encode("utf-8")
        svg = etree.fromstring(raw)
        assert svg.tag.endswith("svg") and b"<script" not in raw and b'href="http' not in raw
    cells = json.loads(executed)["cells"]
    outputs = json.dumps([c.get("outputs", []) for c in cells])
    assert "Traceback" not in outputs and '"ename"' not in outputs
    for column in ("client_id", "Geboortemaand", "bericht_id"):
        assert column not in outputs and column not in html
    for store in regions.values():
        pseudonyms = set(read_table(store, "toewijzingen")["client_id"].dropna())
        assert [p for p in pseudonyms if p in html or p in executed] == []


def test_toon_with_the_inputs_builds_shows_and_writes_nothing(regions, tmp_path, capsys):
    before = set(tmp_path.iterdir())
    args = ["deelpakket", "--toon", "--store", str(regions["Regio Oost"])]
    args += ["--peildatum", PEILDATUM, "--regio", "Regio Oost", "--testdata-toegestaan"]
    assert main(args) == 0
    shown = capsys.readouterr().out
    assert "Regio Oost" in shown and "== wachttijden_samenvatting.csv" in shown
    assert set(tmp_path.iterdir()) == before


def _package(name: str, definitions: str, checks: str = "controles: []\n"):
    from kit.share import Package

    manifest = {
        "regio": name,
        "peildatum": PEILDATUM,
        "definities": {"sha256": content_hash(definitions)},
        "controles": {"sha256": content_hash(checks)},
    }
    return Package(Path(f"{name}.zip"), manifest, {}, definitions, checks)


def test_differences_name_the_definition_and_key():
    from kit.compare import definition_differences, group_packages

    base = (
        "normen: [{id: regionale_norm, weken: 6}]\n"
        "definities:\n"
        "  - {id: toewijzing_start, start: toewijzing, stop: start}\n"
    )
    other = (
        "normen: [{id: regionale_norm, weken: 6}]\n"
        "definities:\n"
        "  - {id: toewijzing_start, start: toewijzing, stop: declaratie}\n"
        "  - {id: extra, start: verzoek, stop: start}\n"
    )
    packages = [_package("A", base), _package("B", base), _package("C", other)]
    groups = group_packages(packages)
    assert [g.regions for g in groups] == [["A", "B"], ["C"]]
    diff = definition_differences(groups)
    rows = {(r.onderdeel, r.sleutel): (r[2], r[3]) for r in diff.itertuples(index=False)}
    assert rows[("definities[toewijzing_start]", "stop")] == ('"start"', '"declaratie"')
    assert rows[("definities[extra]", "(het onderdeel zelf)")] == ("—", "aanwezig")
    assert not any(k[0].startswith("normen") for k in rows)  # equal parts are not listed
    checks = [_package("A", base, "controles: [{id: x, aan: true}]\n"), _package("B", base)]
    check_groups = group_packages(checks, key="controles")
    assert len(check_groups) == 2 and len(group_packages(checks)) == 1
    changed = definition_differences(check_groups, kind="controles")
    assert "controles[x]" in set(changed["onderdeel"])  # the check only one region has


def test_new_package_tables_withstand_the_differencing_attacker(regions):
    """The two tables the package adds (findings per gemeente with the region total; funnel
    counts per gemeente with the region total) give no small count back through their totals
    or their percentages (the attacker of tests/test_disclosure_attack.py)."""
    from test_disclosure_attack import Attacker

    from kit import trends
    from kit.checks import allow_test_bsns, evaluate_checks, load_checks, prepare_scan
    from kit.share import findings_table, funnel_table, protected_csv

    hidden = 0
    for store in regions.values():
        data = prepare_scan(store, peildatum=PEILDATUM)
        scan = evaluate_checks(data, allow_test_bsns(load_checks()))
        tables = {
            "bevindingen": (findings_table(scan), "groep", ["check_id", "berichttype"]),
            "trechter": (
                funnel_table(trends.compute_trends(data).funnels),
                "eenheid",
                ["indicator"],
            ),
        }
        attacker = Attacker(THRESHOLD)
        for name, (table, label, block) in tables.items():
            data_csv, _ = protected_csv(name, table, threshold=THRESHOLD)
            published = pd.read_csv(io.BytesIO(data_csv), dtype=str, keep_default_na=False)
            frame = table.frame.reset_index(drop=True)
            assert len(published) == len(frame)
            for col in table.counts:
                for i, (text, value) in enumerate(zip(published[col], frame[col], strict=True)):
                    attacker.publish((name, i, col), text, value)
            for col, (part, whole) in table.derived.items():
                for i, text in enumerate(published[col]):
                    attacker.share(text, (name, i, part), (name, i, whole))
            for _, rows in frame.groupby(block, sort=False).groups.items():
                total = [i for i in rows if frame.at[i, label] == "totaal"]
                parts = [i for i in rows if frame.at[i, label] != "totaal"]
                for col in table.counts:
                    for t in total:
                        attacker.sum_rule((name, t, col), [(name, j, col) for j in parts])
        attacker.propagate()
        hidden += len([k for k in attacker.hidden if 0 < attacker.truth[k] < THRESHOLD])
        assert attacker.recovered() == {}
    assert hidden > 20, "small regions must have small counts for the attack to mean anything"


@pytest.mark.notebooks
def test_batch_renders_the_comparison_like_the_other_reports(packages, tmp_path):
    import yaml

    from kit.report import batch

    doc = {
        "kwartaal": "2026-K1",
        "uit": str(tmp_path / "reports"),
        "notebooks": ["notebooks/04_vergelijking.ipynb"],
        "gemeenschappelijk": {"peildatum": PEILDATUM, "min_cel": THRESHOLD},
        "eenheden": [
            {
                "naam": "leercirkel",
                "regio": "Leercirkel Zuid-Oost",
                "pakketten": [str(p) for p in packages.values()],
            }
        ],
    }
    path = tmp_path / "batch.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    summary = batch(path, jobs=1, progress=False)
    assert summary.failed == [] and [j.unit for j in summary.done] == ["leercirkel"]
    html = (tmp_path / "reports" / "2026-K1" / "leercirkel" / "04_vergelijking.html").read_text(
        encoding="utf-8"
    )
    assert "Leercirkel Zuid-Oost" in html and "3 deelpakketten" in html
    index = unescape(summary.index.read_text(encoding="utf-8"))
    assert "leercirkel/04_vergelijking.html" in index, index[-2000:]
    assert [j.unit for j in batch(path, jobs=1, progress=False).skipped] == ["leercirkel"]


@pytest.mark.browser
@pytest.mark.notebooks
def test_the_comparison_report_opens_offline_in_chromium(
    browser,  # noqa: F811 (the fixture imported from test_browser)
    packages,
    tmp_path,
    capsys,
):
    """The same browser check as the region reports: nothing fetched, no error, charts drawn."""
    out = tmp_path / "vergelijking.html"
    code = main(["vergelijk", *[str(p) for p in packages.values()], "--uit", str(out)])
    assert code == 0, capsys.readouterr().err
    view = view_report(browser, out)
    assert view["problems"] == {"errors": [], "blocked": [], "failed": []}
    sizes = view["sizes"]
    assert len(sizes) >= 4 and all(w > 0 and h > 0 for w, h in sizes), sizes
    assert view["header_visible"] and view["header"].get("Kit-versie") == __version__
    for name in SEEDS:
        assert name in view["body"]
