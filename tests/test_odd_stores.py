"""Odd stores: every command and notebook either answers in Dutch or stops with a Dutch error.

Each store is a slice of the example region (one message, one message type, only retours, every
file rejected, one month, six months, one gemeente, no verzoeken om toewijzing), built once per
module. Every CLI analysis command runs on each store, also with a peildatum before and after all
data: it exits 0 and says in Dutch what it cannot compute, or exits 2 with one Dutch line.
Never a traceback. The notebook part (``notebooks`` marker) renders the three reports through the
kit's own render path on every store (the stores of a peildatum test at that peildatum).
"""

from __future__ import annotations

import io
import json
import re
import tarfile
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import EXAMPLE_KEY

from kit.config import EXAMPLE_DIR, PROJ_ROOT
from kit.privacy import Pseudonymiser
from kit.sources import SourceFile
from kit.store import ingest

HEEN = {"301", "305", "307", "315", "317", "319", "323"}
RETOUR = {"302", "306", "308", "316", "318", "320", "325"}


def _type(name: str) -> str:
    return name.rsplit("/", 1)[-1][:3]


def _month(name: str) -> str:
    return name.split("/")[1]


def _from_gemeente(gemeente: str) -> Callable[[str, bytes], bool]:
    pattern = re.compile(rf"(Afzender|Ontvanger)>{gemeente}<".encode())
    return lambda name, data: pattern.search(data[:2000]) is not None


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]  # broken XML: the file is rejected


# name -> (which example files, how to change them); the stores are slices of the example region
STORES: dict[str, tuple[Callable[[str, bytes], bool], Callable[[bytes], bytes] | None]] = {
    "een_bericht": (lambda n, d: n.endswith("2024-03/301_9901_G3010000364.xml"), None),
    "alleen_301": (lambda n, d: _type(n) == "301" and _month(n) < "2024-07", None),
    "alleen_retours": (lambda n, d: _type(n) in RETOUR and _month(n) < "2024-07", None),
    "alleen_heen": (lambda n, d: _type(n) in HEEN and _month(n) < "2024-07", None),
    "alles_afgewezen": (lambda n, d: _month(n) == "2024-03", _truncated),
    "een_maand": (lambda n, d: _month(n) == "2025-06", None),
    "zes_maanden": (lambda n, d: "2025-01" <= _month(n) <= "2025-06", None),
    "een_gemeente": (_from_gemeente("9903"), None),
    "geen_315": (
        lambda n, d: (
            _type(n) not in {"315", "316", "317", "318", "319", "320"} and _month(n) >= "2025-04"
        ),
        None,
    ),
}


@pytest.fixture(scope="module")
def example_files() -> dict[str, bytes]:
    """Every file of the example region's archive, by member name."""
    with tarfile.open(EXAMPLE_DIR / "berichten.tar.xz") as tf:
        return {m.name: tf.extractfile(m).read() for m in tf if m.isfile()}


def build_store(files: dict[str, bytes], name: str, folder: Path) -> Path:
    """Ingest the slice ``STORES[name]`` of the example files into ``folder / name``."""
    keep, change = STORES[name]
    chosen = {n: (change(d) if change else d) for n, d in files.items() if keep(n, d)}
    assert chosen, name
    sources = [SourceFile(n, f"{n}|{len(d)}", lambda d=d: d) for n, d in sorted(chosen.items())]
    store = folder / name
    ingest(sources, store, pseudonymise=Pseudonymiser(EXAMPLE_KEY.encode()), workers=1)
    return store


@pytest.fixture(scope="module")
def odd_stores(example_files, tmp_path_factory) -> dict[str, Path]:
    """Every odd store, built once for this module."""
    folder = tmp_path_factory.mktemp("odd")
    return {name: build_store(example_files, name, folder) for name in STORES}


# ------------------------------------------------------------------------------------------
# The root causes, on tiny hand-built frames


def test_km_median_of_an_empty_cohort_is_typed():
    from kit.waits import km_median

    empty = pd.DataFrame(
        {"aanbieder": pd.Series(dtype="string"), "duur": pd.Series(dtype=float)}
    ).assign(gestart=pd.Series(dtype=bool))
    got = km_median(empty, ["aanbieder"])
    assert got.empty
    assert got["mediaan"].dtype == float and got["n"].dtype == "int64"
    assert got["mediaan"].round(1).empty  # an object column could not be rounded


def test_flags_when_no_check_can_be_assessed():
    from builders import scan

    from kit.checks import evaluate_checks, load_checks

    result = evaluate_checks(scan(), load_checks())  # an empty store: nothing to assess
    assert set(result.status["status"]) == {"niet te beoordelen"}
    flagged = result.flagged()
    assert flagged.empty and "check_id" in flagged.columns and "afwijkend" not in flagged
    assert result.record_verdicts().empty
    assert int(result.scores().set_index("berichttype").loc["totaal", "n"]) == 0


def test_km_that_lifelines_refuses_is_withheld_not_raised():
    from lifelines import KaplanMeierFitter
    from lifelines.exceptions import StatError

    from kit.waits import CENSORED, STARTED, estimate

    # twelve started on day 0 (seen from the start), then two who entered the data late:
    # after day 0 nobody is at risk until they come in, so the curve is not identified
    waits = pd.DataFrame(
        {
            "dagen": [0] * 12 + [60, 90],
            "entry": [0] * 12 + [30, 40],
            "event": [STARTED] * 12 + [CENSORED, STARTED],
        }
    )
    with pytest.raises(StatError):
        KaplanMeierFitter().fit(waits["dagen"], waits["event"] == STARTED, entry=waits["entry"])
    row, curve = estimate(waits, min_n=10)
    assert row["n"] == 14 and row["n_gestart"] == 13
    assert np.isnan(row["mediaan_dagen"]) and curve.empty


def test_shown_leaves_a_missing_count_empty():
    from kit.sections import shown

    frame = pd.DataFrame({"n": pd.array([5, pd.NA, 50], dtype="Int64"), "m": [1.0, 2.0, 3.0]})
    got = shown(frame, ["n"], {"m": ["n"]}, threshold=10)
    assert got["n"].tolist()[0] == "<10" and pd.isna(got["n"].iloc[1])
    assert got["n"].iloc[2] == "50" and got["m"].iloc[2] == 3.0


# ------------------------------------------------------------------------------------------
# Every CLI command on every odd store

ANALYSES = {
    "quickscan": ["--testdata-toegestaan"],
    "wachttijden": [],
    "trends": ["--bevolking", str(EXAMPLE_DIR / "bevolking.csv")],
}
PEILDATUM = "2026-03-31"
RUNS = [(name, "overzicht", None) for name in STORES] + [
    (name, command, PEILDATUM) for name in STORES for command in ANALYSES
]
# a peildatum before and after all data
RUNS += [
    (name, command, peil)
    for name in ("een_gemeente",)
    for peil in ("2020-01-01", "2030-12-31")
    for command in ANALYSES
]
RUNS += [("een_bericht", "quickscan", "2020-01-01")]
RUNS += [("zes_maanden", "wachttijden", "2025-06-30")]  # lifelines refused a KM here


@dataclass
class CliRun:
    code: int
    out: str
    err: str
    uit: Path


@pytest.fixture(scope="module")
def cli(odd_stores, tmp_path_factory) -> Callable[..., CliRun]:
    """``python -m kit COMMAND`` on an odd store, in this process, each run once per module.

    An uncaught exception fails the test that asked (what a user would see as a traceback).
    """
    from kit.__main__ import main

    done: dict[tuple, CliRun] = {}

    def run(name: str, command: str, peil: str | None) -> CliRun:
        key = (name, command, peil)
        if key not in done:
            uit = tmp_path_factory.mktemp("uit")
            argv = [command, "--store", str(odd_stores[name])]
            if peil:
                argv += ["--peildatum", peil, "--uit", str(uit), *ANALYSES[command]]
            with redirect_stdout(io.StringIO()) as out, redirect_stderr(io.StringIO()) as err:
                code = main(argv)
            done[key] = CliRun(code, out.getvalue(), err.getvalue(), uit)
        return done[key]

    return run


@pytest.mark.parametrize(
    "name,command,peil", RUNS, ids=[f"{n}-{c}-{p or 'geen'}" for n, c, p in RUNS]
)
def test_cli_answers_in_dutch(cli, name, command, peil):
    """Exit 0 with output, or exit 2 with one Dutch error line; never a traceback."""
    run = cli(name, command, peil)
    assert "Traceback" not in run.out + run.err
    assert run.code in (0, 2), run
    if run.code == 2:
        lines = run.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Fout: "), run.err
        return
    assert run.out.strip(), "exit 0 must say something"
    assert not re.search(r"\bnan\b|\bNaN\b|<NA>", run.out), run.out
    if peil:
        assert "Geschreven:" in run.out
        assert all(p.stat().st_size > 0 for p in run.uit.glob("*.csv"))


class TestWhatCannotBeComputed:
    """The Dutch text names what is missing."""

    def test_trends_without_any_heen_bericht(self, cli):
        for name in ("alleen_retours", "alles_afgewezen"):
            run = cli(name, "trends", PEILDATUM)
            assert run.code == 2
            assert "Geen trends te berekenen" in run.err and "toewijzing (301)" in run.err

    def test_trends_before_all_data(self, cli):
        run = cli("een_gemeente", "trends", "2020-01-01")
        assert run.code == 2 and "Geen trends te berekenen" in run.err

    def test_trends_after_all_data_says_where_the_data_end(self, cli):
        run = cli("een_maand", "trends", PEILDATUM)
        assert run.code == 0 and "het laatste bericht is van 2025-06-" in run.out

    def test_months_after_the_last_message_are_provisional(self, odd_stores):
        from kit.checks import prepare_scan
        from kit.trends import compute_trends

        data = prepare_scan(odd_stores["een_maand"], peildatum=PEILDATUM)  # data: 2025-06
        series = compute_trends(data).series
        after = series["maand"] > "2025-06"
        assert after.any() and series.loc[after, "voorlopig"].all()

    def test_trends_with_only_heen_berichten_or_only_301(self, cli):
        for name in ("alleen_heen", "alleen_301"):
            run = cli(name, "trends", PEILDATUM)
            assert run.code == 0 and "Wachtlijst eind 2026-03" in run.out
            assert (run.uit / "wijzer.csv").exists()

    def test_overzicht_without_pathways(self, cli):
        for name in ("alleen_retours", "alles_afgewezen"):
            run = cli(name, "overzicht", None)
            assert run.code == 0 and "Geen trajecten: de store heeft geen" in run.out

    def test_quickscan_before_all_data(self, cli):
        run = cli("een_bericht", "quickscan", "2020-01-01")
        assert run.code == 0
        assert "geen berichtregels op of vóór de peildatum" in run.out
        assert re.search(r"Controles: 0 beoordeeld, \d+ niet te beoordelen", run.out)

    def test_wachttijden_on_one_message(self, cli):
        run = cli("een_bericht", "wachttijden", PEILDATUM)
        assert run.code == 0
        assert "Geen enkel traject in het cohort" in run.out
        assert "mediaan — (minder dan 10 trajecten)" in run.out

    def test_wachttijden_withholds_what_lifelines_cannot_estimate(self, cli):
        run = cli("zes_maanden", "wachttijden", "2025-06-30")
        assert run.code == 0
        summary = pd.read_csv(run.uit / "samenvatting.csv", dtype={"groep": str})
        assert (summary["groep"] == "totaal").sum() == 8
        assert re.search(r"Niet te schatten bij \d+ definitie\(s\) x groep\(en\)", run.out)

    def test_an_empty_store_is_one_dutch_line(self, tmp_path, capsys):
        from kit.__main__ import main

        for command in ("overzicht", "quickscan", "wachttijden", "trends"):
            argv = [command, "--store", str(tmp_path / "leeg")]
            if command != "overzicht":
                argv += ["--peildatum", PEILDATUM, "--uit", str(tmp_path / "uit")]
            assert main(argv) == 2
            err = capsys.readouterr().err
            assert "bestaat niet; lees eerst berichten in met: python -m kit inlezen" in err
            assert len(err.strip().splitlines()) == 1


def test_cli_as_a_process_has_no_traceback(odd_stores, tmp_path):
    """The real command line: exit code and stderr as a user sees them."""
    import subprocess
    import sys

    for command, name, code in (("trends", "alleen_retours", 2), ("wachttijden", "een_bericht", 0)):
        argv = [command, "--store", str(odd_stores[name]), "--peildatum", PEILDATUM]
        proc = subprocess.run(
            [sys.executable, "-m", "kit", *argv, "--uit", str(tmp_path)],
            capture_output=True,
            text=True,
            cwd=PROJ_ROOT,
        )
        assert proc.returncode == code, proc.stderr
        assert "Traceback" not in proc.stderr


# ------------------------------------------------------------------------------------------
# Every notebook, through the kit's own render path (python -m kit rapport), on every store

NOTEBOOK_RUNS = {
    # store: (peildatum, Dutch text that must say what cannot be computed, per notebook)
    "een_bericht": ("2026-03-31", {"02_definities": "Geen curve te tekenen"}),
    "alles_afgewezen": ("2020-01-01", {"03_trends": "Geen trends te berekenen"}),
    "alleen_301": ("2030-12-31", {"02_definities": "Geen curve te tekenen"}),
    "zes_maanden": ("2025-06-30", {}),
    # the other stores at the example's peildatum: every store renders every notebook
    "alleen_retours": ("2026-03-31", {"03_trends": "Geen trends te berekenen"}),
    "alleen_heen": ("2026-03-31", {}),
    "een_maand": ("2026-03-31", {}),
    "een_gemeente": ("2026-03-31", {}),
    "geen_315": ("2026-03-31", {}),
}


def _outputs(executed: Path) -> tuple[list[dict], str]:
    """The outputs of an executed notebook, and all their text."""
    nb = json.loads(executed.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    return outputs, json.dumps(outputs, ensure_ascii=False)


@pytest.mark.notebooks
@pytest.mark.parametrize("name", list(NOTEBOOK_RUNS))
def test_every_notebook_renders_on_odd_stores(odd_stores, name, tmp_path, monkeypatch, capsys):
    from kit.__main__ import main

    monkeypatch.setenv("KIT_PSEUDONIEM_SLEUTEL", EXAMPLE_KEY)
    peil, expected = NOTEBOOK_RUNS[name]
    year_before = str(pd.Timestamp(peil) - pd.DateOffset(years=1) + pd.Timedelta(days=1))[:10]
    params = {
        "regio": "Testregio",
        "store": str(odd_stores[name]),
        "peildatum": peil,
        "periode_van": year_before,
        "periode_tot": peil,
        "per_notebook": {"01_quickscan": {"testdata_toegestaan": True}},
    }
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
    uit = tmp_path / "rapport"
    code = main(["rapport", "--params", str(tmp_path / "params.yaml"), "--uit", str(uit)])
    err = capsys.readouterr().err
    assert code == 0, err
    for stem in ("01_quickscan", "02_definities", "03_trends"):
        assert (uit / f"{stem}.html").stat().st_size > 0
        outputs, text = _outputs(uit / f"{stem}.ipynb")
        assert [o for o in outputs if o["output_type"] == "error"] == []
        assert "Traceback" not in text
        stderr = [o["text"] for o in outputs if o.get("name") == "stderr"]
        assert stderr == [], (stem, stderr)  # no warning printed into a report either
        if stem in expected:
            assert expected[stem] in text, stem


@pytest.mark.parametrize("name", ["alles_afgewezen", "een_bericht"])
def test_live_widgets_on_odd_stores_say_something(odd_stores, name, monkeypatch):
    """A live session on a store with (almost) nothing: each widget shows text, no exception."""
    from kit import sections, widgets

    shown: list = []
    monkeypatch.setattr(widgets, "display", lambda *objs, **_: shown.extend(objs))
    common = {"regio": "R", "store": str(odd_stores[name]), "peildatum": PEILDATUM}
    common |= {"gemeenten": [], "min_cel": 10, "live": True}
    period = {"periode_van": "2025-04-01", "periode_tot": PEILDATUM}
    ctx = sections.prepare_quickscan(controles="", testdata_toegestaan=True, **period, **common)
    assert widgets.quickscan_detail(ctx) is not None and shown
    shown.clear()
    ctx = sections.prepare_definities(definities="", **period, **common)
    assert widgets.definities_verkenner(ctx) is not None and shown
    ctx = sections.prepare_trends(periode_van="2023-10", **common)
    if ctx.result is None:  # no trends at all: the headline says why, no widget
        assert name == "alles_afgewezen" and "Geen trends" in ctx.reden
        assert widgets.trends_verkenner(ctx) is None
    else:
        shown.clear()
        assert widgets.trends_verkenner(ctx) is not None and shown


@pytest.mark.parametrize(
    "option,value,message",
    [
        ("--volledig", "1.5", "--volledig: moet tussen 0 en 1 liggen"),
        ("--volledig", "0", "--volledig: moet tussen 0 en 1 liggen"),
        ("--norm-weken", "0", "--norm-weken: moet groter dan 0 zijn"),
        ("--norm-weken", "tien", "--norm-weken: geen getal"),
    ],
)
def test_trends_options_out_of_range_are_a_dutch_error(option, value, message, tmp_path, capsys):
    from kit.__main__ import main

    argv = ["trends", "--store", str(tmp_path), "--peildatum", PEILDATUM, "--uit", str(tmp_path)]
    with pytest.raises(SystemExit) as stop:
        main([*argv, option, value])
    assert stop.value.code == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("Fout: ") and message in last and value in last
