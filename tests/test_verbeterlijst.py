"""Improvement lists per organisation, quality over time and the protocol supplement (issue 20).

On the example region: every injected defect record (data/example/waarheid_records.csv) is on
exactly its own organisation's list with the right check; no list holds another organisation's
message, a BSN or a pseudonym. Two quick scans at two peildata give a history and a chart per
check and aanbieder. The protocol document lists every check and definition and follows the YAML.
"""

from __future__ import annotations

import html
import io
import re
import tarfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from kit.__main__ import main
from kit.checks import allow_test_bsns, evaluate_checks, load_checks, prepare_scan
from kit.config import EXAMPLE_DIR
from kit.quality_history import (
    QUALITY_PROTECTION,
    history_rows,
    named,
    quality_chart,
    quality_scores,
    read_history,
)
from kit.store import read_table
from kit.verbeterlijst import (
    COLUMNS,
    MASKED,
    _masked,
    check_actions,
    folder_name,
    improvement_rows,
)

PEILDATUM = "2026-03-31"
# Which organisation sends each berichttype (iJw 3.2; a retour goes back the other way).
SENT_BY_AANBIEDER = {"305", "307", "315", "317", "323", "302", "320", "325"}
# a missing retour is flagged on its heenbericht
HEEN_OF = {"302": "301", "306": "305", "308": "307", "316": "315", "318": "317", "320": "319"}
# injected defect -> (check that must list it, unit of the truth key, berichttype flagged)
INJECTED = {
    "late_305": ("start_te_laat", "toewijzing", "305"),
    "auto_305": ("start_automatisch", "toewijzing", "305"),
    "missing_307": ("start_zonder_stop", "toewijzing", "305"),
    "late_307": ("stop_datumlogica", "toewijzing", "307"),
    "vroeg_gedeclareerd": ("declaratie_voor_start", "toewijzing", "323"),
    "missing_305": ("toewijzing_zonder_start", "toewijzing", "301"),
    "late_323": ("declaratie_te_laat", "bericht", "323"),
    "dagtekening_toekomst": ("dagtekening_na_peildatum", "bericht", None),
    "missing_retour": ("retour_ontbreekt", "bericht", None),
}


def _run(argv: list[str]) -> tuple[int, str, str]:
    with redirect_stdout(io.StringIO()) as out, redirect_stderr(io.StringIO()) as err:
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def lists(example_store, tmp_path_factory) -> Path:
    """``kit verbeterlijst`` on the example region (after one quick scan, for the history)."""
    uit = tmp_path_factory.mktemp("lijsten")
    code, out, err = _run(
        [
            "verbeterlijst",
            "--store",
            str(example_store),
            "--peildatum",
            PEILDATUM,
            "--uit",
            str(uit),
            "--testdata-toegestaan",
        ]
    )
    assert code == 0, err
    assert "alleen bestemd voor die organisatie" in out
    return uit


@pytest.fixture(scope="module")
def listed(lists) -> pd.DataFrame:
    """Every row of every list, with the folder's organisation (soort, code)."""
    parts = []
    for csv in sorted(lists.glob("*/verbeterlijst.csv")):
        soort, code = csv.parent.name.split("_", 1)
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        assert list(frame.columns) == COLUMNS
        parts.append(frame.assign(soort=soort, code=code))
    return pd.concat(parts, ignore_index=True)


def _truth_keys(listed: pd.DataFrame) -> pd.DataFrame:
    """The rows' aanbieder and gemeente: the folder's organisation and the row's receiver."""
    aanbieder = np.where(listed["soort"] == "aanbieder", listed["code"], listed["ontvanger"])
    gemeente = np.where(listed["soort"] == "gemeente", listed["code"], listed["ontvanger"])
    return listed.assign(aanbieder=aanbieder, gemeente=gemeente)


@pytest.fixture(scope="module")
def scan(example_store):
    data = prepare_scan(example_store, peildatum=PEILDATUM)
    return data, evaluate_checks(data, allow_test_bsns(load_checks()))


class TestInjectedDefects:
    @pytest.mark.parametrize("defect", sorted(INJECTED))
    def test_each_injected_record_is_on_exactly_its_own_list(self, listed, scan, defect):
        """Every injected record the check flags is listed, in its sender's folder only.

        (Which injected records a check flags is the backtest's business: its recall.)
        """
        from test_backtest import record_units

        check, unit, berichttype = INJECTED[defect]
        truth = pd.read_csv(EXAMPLE_DIR / "waarheid_records.csv", dtype=str)
        truth = truth[truth["defect"] == defect]
        _, flagged = record_units(*scan, check, unit)
        label = truth["gemeente"] + ":" + (truth["aanbieder"] + ":" if unit == "bericht" else "")
        flagged_truth = (label + truth["sleutel"]).isin(flagged).to_numpy()
        assert flagged_truth.sum() >= 5 and flagged_truth.mean() >= 0.8  # not an empty test
        truth = truth[flagged_truth]
        rows = _truth_keys(listed[listed["controle"] == check])
        key = "ToewijzingNummer" if unit == "toewijzing" else "Identificatie"
        if berichttype:
            rows = rows[rows["berichttype"] == berichttype]
        found = rows.groupby(["aanbieder", "gemeente", key])["soort"].agg(set)
        folders = rows.groupby(["aanbieder", "gemeente", key])["code"].agg(set)
        missing, wrong = [], []
        for t in truth.itertuples():
            bt = berichttype or HEEN_OF.get(t.berichttype, t.berichttype)
            side = "aanbieder" if bt in SENT_BY_AANBIEDER else "gemeente"
            where = (t.aanbieder, t.gemeente, t.sleutel)
            if where not in found.index:
                missing.append(where)
                continue
            own = t.aanbieder if side == "aanbieder" else t.gemeente
            if found[where] != {side} or folders[where] != {own}:
                wrong.append((where, found[where], folders[where]))
        assert wrong == []
        assert missing == [], f"{len(missing)} of {len(truth)} injected records not listed"

    def test_every_flagged_check_is_listed(self, scan, listed):
        """Nothing the quick scan flags (with gewicht > 0) is lost on the way to the lists."""
        result = scan[1]
        weights = check_actions().set_index("check_id")["gewicht"]
        flagged = result.flags[result.flags["afwijkend"]]
        checks = {c for c in flagged["check_id"].astype(str).unique() if weights[c] > 0}
        assert checks == set(listed["controle"])
        assert weights["dubbel_bestand"] == 0 and "dubbel_bestand" not in set(listed["controle"])


class TestOnlyOwnMessages:
    def test_every_row_was_sent_by_the_folders_organisation(self, example_store, listed):
        """Looked up in the store by identification: the sender is the list's organisation."""
        messages = pd.concat(
            [read_table(example_store, "berichten")],
            ignore_index=True,
        )
        heen = messages[~messages["is_retour"].astype(bool)]
        retour = messages[messages["is_retour"].astype(bool)]
        senders = pd.concat(
            [
                pd.DataFrame(
                    {
                        "berichttype": heen["berichttype"],
                        "Identificatie": heen["Identificatie"],
                        "ontvanger": heen["Ontvanger"],
                        "afzender": heen["Afzender"],
                    }
                ),
                pd.DataFrame(
                    {
                        "berichttype": retour["berichttype"],
                        "Identificatie": retour["IdentificatieRetour"],
                        "ontvanger": retour["Afzender"],
                        "afzender": retour["Ontvanger"],
                    }
                ),
            ]
        ).astype(str)
        sent = set(senders.itertuples(index=False, name=None))
        rows = listed[["berichttype", "Identificatie", "ontvanger", "code"]]
        not_theirs = [r for r in rows.itertuples(index=False, name=None) if r not in sent]
        assert not_theirs == []
        got = listed
        sides = np.where(got["code"].str.len() == 8, "aanbieder", "gemeente")
        assert (sides == got["soort"]).all()

    def test_each_page_says_it_is_only_for_that_organisation(self, lists):
        for page in lists.glob("*/verbeterlijst.html"):
            text = page.read_text(encoding="utf-8")
            soort, code = page.parent.name.split("_", 1)
            assert "Alleen bestemd voor deze organisatie" in text
            assert f"Verbeterlijst {soort} {code}" in text
            assert "<script" not in text and "http://" not in text.replace("http://www.w3.org", "")

    def test_sorted_by_weight_then_newest_first(self, listed):
        for _, own in listed.groupby(["soort", "code"]):
            weight = own["gewicht"].astype(int).to_numpy()
            assert (np.diff(weight) <= 0).all()
            for _, same in own.groupby("gewicht"):
                days = same["Dagtekening"].to_numpy()
                assert (days[:-1] >= days[1:]).all()


class TestNoPersonalData:
    def test_no_bsn_or_pseudonym_in_any_file_written(self, lists, example_store, example_bsns):
        pseudonyms = set()
        for table in ("toewijzingen", "starts", "stops", "verzoeken", "prestaties"):
            pseudonyms |= set(read_table(example_store, table, ["client_id"])["client_id"])
        assert len(pseudonyms) > 1000 and len(example_bsns) > 1000
        files = [p for p in lists.rglob("*") if p.is_file()]
        assert len(files) >= 2 * 30
        for path in files:
            text = path.read_text(encoding="utf-8")
            assert not set(re.findall(r"\d{8,9}", text)) & example_bsns, path
            assert not set(re.findall(r"[0-9a-f]{16}", text)) & pseudonyms, path
            assert "bsn:" not in text and "client_id" not in text, path

    def test_a_value_that_held_a_bsn_is_masked(self):
        values = pd.Series(["T123", "bsn:3f9a0c1d2e4b5a67", None], dtype="string")
        assert _masked(values).tolist()[:2] == ["T123", MASKED]

    def test_a_typed_code_never_becomes_a_path(self):
        assert folder_name("aanbieder", "98000001") == "aanbieder_98000001"
        odd = folder_name("aanbieder", "../../etc")
        assert odd.startswith("aanbieder_onleesbaar-") and "/" not in odd


@pytest.fixture(scope="module")
def store(example_store, tmp_path_factory) -> Path:
    """A copy of the example store (the quick scans below write its history)."""
    import shutil

    copy = tmp_path_factory.mktemp("historie") / "store"
    shutil.copytree(example_store, copy)
    return copy


class TestQualityHistory:
    def _scan(self, store: Path, peil: str) -> tuple[int, str]:
        code, out, err = _run(
            [
                "quickscan",
                "--store",
                str(store),
                "--peildatum",
                peil,
                "--uit",
                str(store.parent / f"uit{peil}"),
                "--testdata-toegestaan",
            ]
        )
        assert code == 0, err
        return code, out

    def test_two_scans_give_a_history_and_a_chart_per_check_and_aanbieder(self, store):
        for peil in ("2025-12-31", PEILDATUM):
            self._scan(store, peil)
        history = read_history(store)
        assert set(history["peildatum"]) == {"2025-12-31", PEILDATUM}
        assert not {"record", "client_id", "bericht_id"} & set(history.columns)
        # scanning a peildatum again replaces its rows
        before = len(history)
        self._scan(store, PEILDATUM)
        assert len(read_history(store)) == before
        scores = quality_scores(history, level="aanbieder")
        assert scores["oordeel"].isin(["verbetering", "verslechtering"]).any()
        data = prepare_scan(store, peildatum=PEILDATUM)
        result = evaluate_checks(data, allow_test_bsns(load_checks()))
        safe = named(QUALITY_PROTECTION.apply(scores, 10), result)
        pairs = safe.dropna(subset=["pct_goed"])[["check_id", "eenheid"]].drop_duplicates()
        assert pairs["eenheid"].nunique() == 25 and pairs["check_id"].nunique() >= 15
        for aanbieder in ("98000001", "98000003"):
            chart = quality_chart(safe[safe["eenheid"] == aanbieder], title="t").to_dict()
            assert chart["description"].startswith("t: één kleine grafiek per controle")
            shown = pd.DataFrame(chart["datasets"][next(iter(chart["datasets"]))])
            assert set(shown["naam"]) == set(
                safe.loc[(safe["eenheid"] == aanbieder) & safe["pct_goed"].notna(), "naam"]
            )
            assert set(shown.columns) == {"naam", "eenheid", "kwartaal", "pct_goed", "oordeel"}

    def test_history_counts_match_the_scan_and_stop_at_the_last_full_quarter(self, example_store):
        data = prepare_scan(example_store, peildatum="2026-02-15")
        result = evaluate_checks(data, allow_test_bsns(load_checks()))
        rows = history_rows(result, peildatum="2026-02-15")
        assert rows["kwartaal"].max() == "2025-K4"  # 2026-K1 is not over on 15 February
        flags = result.flags[result.flags["datum"] <= "2025-12-31"]
        assert rows["n_beoordeeld"].sum() == len(flags)
        assert rows["n_afwijkend"].sum() == int(flags["afwijkend"].sum())

    def test_history_rows_on_a_hand_built_scan(self):
        # known answer: 2025-K4 ends before the peildatum, 2026-K1 does not; a missing date
        # has no quarter; a missing aanbieder counts as "onbekend"
        flags = pd.DataFrame(
            {
                "check_id": pd.Categorical(["b", "a", "a", "a", "a", "b"]),
                "aanbieder": pd.Categorical(["A2", "A1", None, "A1", "A1", "A2"]),
                "gemeente": pd.Categorical(["G"] * 6),
                "datum": pd.to_datetime(
                    ["2025-10-01", "2025-11-30", "2025-12-31", None, "2026-01-02", "2025-12-01"]
                ),
                "afwijkend": [True, False, True, True, True, False],
            }
        )
        result = type("Scan", (), {"flags": flags})()
        rows = history_rows(result, peildatum="2026-02-15")
        assert rows.to_dict("list") == {
            "peildatum": ["2026-02-15"] * 3,
            "check_id": ["a", "a", "b"],
            "aanbieder": ["A1", "onbekend", "A2"],
            "gemeente": ["G"] * 3,
            "kwartaal": ["2025-K4"] * 3,
            "n_beoordeeld": [1, 1, 2],
            "n_afwijkend": [0, 1, 1],
        }

    def test_spc_only_with_enough_quarters_and_small_groups_hidden(self):
        quarters = [f"{y}-K{q}" for y in (2023, 2024, 2025) for q in (1, 2, 3, 4)]
        failing = [10, 11, 9, 10, 12, 10, 9, 11, 2, 1, 1, 0]  # improves clearly at the end
        history = pd.DataFrame(
            {
                "peildatum": "2025-12-31",
                "check_id": "start_te_laat",
                "aanbieder": "A",
                "gemeente": "G",
                "kwartaal": quarters,
                "n_beoordeeld": 100,
                "n_afwijkend": failing,
            }
        )
        few = quality_scores(history.iloc[:4], level="aanbieder", min_points=6)
        assert few["oordeel"].isna().all()
        many = quality_scores(history, level="aanbieder", min_points=6)
        assert many["oordeel"].iloc[-1] == "verbetering"
        small = history.assign(n_beoordeeld=[5] + [100] * 11)
        safe = QUALITY_PROTECTION.apply(quality_scores(small, level="aanbieder"), 10)
        assert pd.isna(safe["pct_goed"].iloc[0]) and pd.isna(safe["n_beoordeeld"].iloc[0])


class TestProtocol:
    def test_lists_every_check_and_definition_and_follows_the_yaml(self, tmp_path):
        out = tmp_path / "protocol.html"
        code, _, err = _run(["protocol", "--uit", str(out)])
        assert code == 0, err
        text = out.read_text(encoding="utf-8")
        checks = yaml.safe_load((Path("kit/checks/checks.yaml")).read_text(encoding="utf-8"))
        defs = yaml.safe_load(Path("kit/waiting_times.yaml").read_text(encoding="utf-8"))
        for entry in checks["controles"]:
            assert f"<td>{entry['id']}</td>" in text
        for group in ("definities", "normen", "uitval"):
            for entry in defs[group]:
                assert f"<td>{entry['id']}</td>" in text, entry["id"]
        assert "<script" not in text and "Geen controle is uitgezet" in text
        # the region switches a check off and changes a threshold: the document follows
        own = tmp_path / "eigen.yaml"
        changed = (Path("kit/checks/checks.yaml")).read_text(encoding="utf-8")
        changed = changed.replace(
            "parameters: {max_werkdagen: 5}\n    aan: true",
            "parameters: {max_werkdagen: 7}\n    aan: false",
            1,
        )
        own.write_text(changed, encoding="utf-8")
        out2 = tmp_path / "protocol2.html"
        code, _, err = _run(["protocol", "--uit", str(out2), "--controles", str(own)])
        assert code == 0, err
        text2 = out2.read_text(encoding="utf-8")
        assert "max_werkdagen = 7" in text2 and "Uitgezet: vot_niet_beantwoord" in text2
        assert "<td>drempels, aan/uit</td>" in text2 and text2.count("<td>drempels") == 1
        for entry in checks["controles"]:  # every explanation and action, as text
            assert html.escape(" ".join(entry["uitleg"].split())) in text
        hashes = [re.findall(r"SHA-256 ([0-9a-f]{64})", t)[0] for t in (text, text2)]
        assert hashes[0] != hashes[1]

    def test_an_invalid_yaml_is_one_dutch_line(self, tmp_path):
        bad = tmp_path / "kapot.yaml"
        bad.write_text("controles:\n  - id: bestaat_niet\n", encoding="utf-8")
        code, _, err = _run(
            ["protocol", "--uit", str(tmp_path / "p.html"), "--controles", str(bad)]
        )
        assert code == 2 and err.startswith("Fout: ") and len(err.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def odd_files() -> dict[str, bytes]:
    with tarfile.open(EXAMPLE_DIR / "berichten.tar.xz") as tf:
        return {m.name: tf.extractfile(m).read() for m in tf if m.isfile()}


@pytest.mark.parametrize("name", ["een_bericht", "alleen_retours", "alles_afgewezen"])
def test_odd_store_gives_lists_or_one_dutch_line(odd_files, name, tmp_path):
    from test_odd_stores import build_store

    store = build_store(odd_files, name, tmp_path)
    code, out, err = _run(
        [
            "verbeterlijst",
            "--store",
            str(store),
            "--peildatum",
            PEILDATUM,
            "--uit",
            str(tmp_path / "uit"),
            "--testdata-toegestaan",
        ]
    )
    assert "Traceback" not in out + err
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and err.startswith("Fout: ")
    else:
        assert code == 0 and out.startswith("Verbeterlijsten op peildatum")


def test_rows_come_from_the_checks_own_flags(scan):
    """improvement_rows re-checks nothing: a flag switched off disappears from the lists."""
    result = scan[1]
    rows = improvement_rows(result)
    assert (rows["controle"] == "start_automatisch").sum() > 100
    flags = result.flags.copy()
    flags.loc[flags["check_id"] == "start_automatisch", "afwijkend"] = False
    from dataclasses import replace

    fewer = improvement_rows(replace(result, flags=flags))
    assert not (fewer["controle"] == "start_automatisch").any()
    assert len(fewer) == len(rows) - (rows["controle"] == "start_automatisch").sum()


def test_notebook_section_shows_protected_scores(example_store, monkeypatch):
    """Notebook 01's section: one chart of aggregates (small groups hidden) and Dutch text."""
    import kit.sections.quickscan as sections_quickscan
    from kit.sections import prepare_quickscan

    ctx = prepare_quickscan(
        regio="Voorbeeldregio",
        store=str(example_store),
        peildatum=PEILDATUM,
        periode_van="2023-01-01",
        periode_tot=PEILDATUM,
        gemeenten=[],
        testdata_toegestaan=True,
    )
    shown = []
    monkeypatch.setattr(sections_quickscan, "display", shown.append)
    sections_quickscan.quality_over_time(ctx)
    chart, text = shown
    spec = chart.to_dict()
    data = pd.DataFrame(spec["datasets"][next(iter(spec["datasets"]))])
    assert set(data.columns) == {"naam", "eenheid", "kwartaal", "pct_goed", "oordeel"}
    assert (data["eenheid"] == "regio").all() and data["kwartaal"].nunique() >= 12
    assert data["oordeel"].isin(["verbetering", "verslechtering"]).any()
    assert text.data.startswith("Historie van 1 peildatum")


def test_a_damaged_history_is_one_dutch_line(odd_files, tmp_path):
    from test_odd_stores import build_store

    store = build_store(odd_files, "een_maand", tmp_path)
    argv = [
        "quickscan",
        "--store",
        str(store),
        "--peildatum",
        PEILDATUM,
        "--uit",
        str(tmp_path / "uit"),
        "--testdata-toegestaan",
    ]
    assert _run(argv)[0] == 0
    assert len(read_history(store)) > 0
    (store / "kwaliteit_historie" / "historie.parquet").write_bytes(b"kapot")
    code, out, err = _run(argv)
    assert code == 2 and "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fout: Tabel kwaliteit_historie/"), err


def test_notebook_section_keeps_to_the_notebooks_gemeenten(tmp_path, monkeypatch):
    """A notebook for one gemeente draws that gemeente's history, not the region's."""
    from types import SimpleNamespace

    import kit.quality_history as qh
    import kit.sections.quickscan as sections_quickscan

    quarters = [f"{y}-K{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)]
    history = pd.concat(
        [
            pd.DataFrame(
                {
                    "peildatum": "2025-12-31",
                    "check_id": "start_te_laat",
                    "aanbieder": "A",
                    "gemeente": gemeente,
                    "kwartaal": quarters,
                    "n_beoordeeld": 100,
                    "n_afwijkend": failing,
                }
            )
            for gemeente, failing in (("9901", 10), ("9902", 50))
        ]
    )
    folder = tmp_path / "store" / qh.HISTORY_TABLE
    folder.mkdir(parents=True)
    history.to_parquet(folder / qh.HISTORY_FILE, index=False)
    flags = pd.DataFrame(
        {
            "check_id": pd.Series([], dtype=str),
            "aanbieder": pd.Series([], dtype=str),
            "gemeente": pd.Series([], dtype=str),
            "datum": pd.Series([], dtype="datetime64[ns]"),
            "afwijkend": pd.Series([], dtype=bool),
        }
    )
    check = SimpleNamespace(id="start_te_laat", name="Startbericht (305) te laat")
    ctx = SimpleNamespace(
        store=tmp_path / "store",
        result=SimpleNamespace(flags=flags, checks=[check]),
        peildatum=pd.Timestamp("2026-03-31"),
        gemeenten=["9901"],
        threshold=10,
    )
    shown = []
    monkeypatch.setattr(sections_quickscan, "display", shown.append)
    sections_quickscan.quality_over_time(ctx)
    spec = shown[0].to_dict()
    data = pd.DataFrame(spec["datasets"][next(iter(spec["datasets"]))])
    assert len(data) == 8 and (data["pct_goed"] == 90.0).all()


def test_every_shipped_check_has_a_weight_and_an_action():
    doc = yaml.safe_load(Path("kit/checks/checks.yaml").read_text(encoding="utf-8"))
    for entry in doc["controles"]:
        assert entry["gewicht"] in range(6), entry["id"]
        assert len(entry["wat_te_doen"].split()) >= 5, entry["id"]
    actions = check_actions()
    assert len(actions) == len(doc["controles"]) and actions["wat_te_doen"].str.len().min() > 20


def test_a_weight_out_of_range_or_missing_is_refused(tmp_path):
    """``gewicht`` and ``wat_te_doen`` are read by the checks loader, like every other field."""
    doc = yaml.safe_load(Path("kit/checks/checks.yaml").read_text(encoding="utf-8"))
    entry = next(e for e in doc["controles"] if e["id"] == "start_te_laat")
    own = tmp_path / "eigen.yaml"
    for bad in (9, -1, 2.5, True, "hoog"):
        entry["gewicht"] = bad
        own.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        with pytest.raises(ValueError, match="start_te_laat: gewicht moet een geheel getal"):
            check_actions(own)
    del entry["gewicht"]
    own.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="start_te_laat: ontbrekend veld gewicht"):
        check_actions(own)
    entry["gewicht"], entry["wat_te_doen"] = 0, "Bel   de gemeente."
    own.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    row = check_actions(own).set_index("check_id").loc["start_te_laat"]
    assert row["gewicht"] == 0 and row["wat_te_doen"] == "Bel de gemeente."


def test_page_shows_typed_codes_as_text():
    from kit.verbeterlijst import ListPage, page_html

    bad = "<script>alert(1)</script>"
    row = {c: "x" for c in COLUMNS} | {"Identificatie": bad, "gewicht": 5, "ontvanger": bad}
    page = page_html(pd.DataFrame([row]), ListPage("aanbieder", bad, PEILDATUM))
    assert "<script" not in page and "&lt;script&gt;" in page


def test_lists_of_an_earlier_run_are_named(lists, example_store, tmp_path):
    """A folder left from an earlier run (no flagged messages now) is named, not sent by mistake."""
    import shutil

    uit = tmp_path / "uit"
    shutil.copytree(lists, uit)
    (uit / "aanbieder_12345678").mkdir()
    (uit / "aanbieder_12345678" / "verbeterlijst.csv").write_text("oud\n", encoding="utf-8")
    store = example_store
    code, _, err = _run(
        [
            "verbeterlijst",
            "--store",
            str(store),
            "--peildatum",
            PEILDATUM,
            "--uit",
            str(uit),
            "--testdata-toegestaan",
        ]
    )
    assert code == 0 and "aanbieder_12345678" in err and "Verstuur die niet" in err
