"""Tests for kit.report: parameter checks, offline HTML, batch runs (kernels: marker notebooks)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from conftest import EXAMPLE_KEY

from kit import report
from kit.config import PROJ_ROOT
from kit.params import PERIOD_ORDER
from kit.report import (
    ParameterError,
    batch,
    check_parameters,
    chromium,
    export_html,
    load_params,
    print_pdf,
    render,
    slug,
)

QUICKSCAN = PROJ_ROOT / "notebooks" / "01_quickscan.ipynb"
EXTERNAL = re.compile(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", re.I)


class TestCheckParameters:
    def test_valid_parameters_get_live_false(self):
        got = check_parameters(QUICKSCAN, {"regio": "R", "store": "s", "peildatum": "2026-03-31"})
        assert got["live"] is False

    @pytest.mark.parametrize(
        "params,message",
        [
            (
                {"regio": "R", "store": "s", "peildatum": "x", "onbekend": 1},
                "onbekende parameter 'onbekend'",
            ),
            ({"regio": "R", "store": "s"}, "verplichte parameter 'peildatum' ontbreekt"),
            (
                {"regio": "R", "store": "s", "peildatum": "x", "min_cel": "10"},
                "'min_cel' moet van type int",
            ),
            (
                {"regio": "R", "store": "s", "peildatum": "x", "gemeenten": "9901"},
                "'gemeenten' moet van type list",
            ),
            (
                {"regio": "R", "store": "s", "peildatum": "x", "min_cel": True},
                "'min_cel' moet van type int",
            ),
        ],
    )
    def test_problems_are_a_clear_error(self, params, message):
        with pytest.raises(ParameterError, match=re.escape(message)):
            check_parameters(QUICKSCAN, params)


class TestLoadParams:
    def test_dates_become_iso_text_and_per_notebook_applies(self, tmp_path):
        path = tmp_path / "p.yaml"
        path.write_text(
            "regio: R\nstore: s\npeildatum: 2026-03-31\n"
            "per_notebook:\n  01_quickscan: {min_cel: 5}\n",
            encoding="utf-8",
        )
        got = load_params(path, [QUICKSCAN])[QUICKSCAN]
        assert got == {"regio": "R", "store": "s", "peildatum": "2026-03-31", "min_cel": 5}

    def test_a_name_no_notebook_knows_is_refused(self, tmp_path):
        path = tmp_path / "p.yaml"
        path.write_text("regio: R\ntypfout: 1\n", encoding="utf-8")
        with pytest.raises(ParameterError, match="typfout"):
            load_params(path, [QUICKSCAN])


def test_slug():
    assert slug("Gemeente Súdwest-Fryslân (0001)") == "gemeente-s-dwest-frysl-n-0001"


@pytest.fixture(scope="module")
def rendered(example_store, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KIT_PSEUDONIEM_SLEUTEL", EXAMPLE_KEY)
        out = tmp_path_factory.mktemp("rapport")
        params = {
            "regio": "Testregio",
            "store": str(example_store),
            "peildatum": "2026-03-31",
            "periode_van": "2025-10-01",
            "periode_tot": "2026-03-31",
            "testdata_toegestaan": True,
        }
        return render(QUICKSCAN, params, out)


@pytest.mark.notebooks
class TestRender:
    def test_html_is_offline_and_has_no_code(self, rendered):
        html = rendered.html.read_text(encoding="utf-8")
        assert EXTERNAL.search(html) is None
        assert "require.js" not in html and "mathjax" not in html.lower()
        assert "import kit" not in html  # code cells are not in the report
        assert "In&nbsp;[" not in html  # no prompts
        assert '<html lang="nl">' in html

    def test_header_says_what_produced_it(self, rendered):
        html = rendered.html.read_text(encoding="utf-8")
        for text in (
            "Testregio",
            "31 maart 2026",
            "1 oktober 2025 t/m 31 maart 2026",
            "2026-03-31",  # the parameters table keeps ISO dates (machine input)
            "Kit-versie",
            "checks.yaml (standaard)",
            "Werkwijze en kanttekeningen",
            # how counts were protected, in one sentence (and in the header)
            "Bescherming van kleine aantallen",
            "afgerond op een veelvoud van 5",
            "andere aantallen afgerond op 5",
        ):
            assert text in html, text

    def test_live_only_cells_are_dropped_and_charts_are_svg(self, rendered):
        html = rendered.html.read_text(encoding="utf-8")
        assert "Inzoomen op één aanbieder" not in html
        assert html.count("data:image/svg+xml") >= 4
        executed = nbformat.read(rendered.notebook, as_version=4)
        assert "widgets" not in executed.metadata  # no widget displayed in a report run

    def test_no_pseudonym_in_html_or_executed_notebook(self, rendered, example_store):
        from kit.store import read_table

        pseudonyms = set(read_table(example_store, "toewijzingen")["client_id"].dropna())
        for path in (rendered.html, rendered.notebook):
            text = path.read_text(encoding="utf-8")
            assert not [p for p in pseudonyms if p in text]


@pytest.mark.notebooks
def test_batch_keeps_going_reports_failures_and_skips_unchanged(
    example_store, tmp_path, monkeypatch
):
    monkeypatch.setenv("KIT_PSEUDONIEM_SLEUTEL", EXAMPLE_KEY)
    config = {
        "kwartaal": "2026-K1",
        "uit": str(tmp_path / "reports"),
        "notebooks": [str(QUICKSCAN)],
        "gemeenschappelijk": {
            "store": str(example_store),
            "peildatum": "2026-03-31",
            "periode_van": "2026-01-01",
            "periode_tot": "2026-03-31",
        },
        "eenheden": [
            {"naam": "Gemeente 9901", "regio": "Gemeente 9901", "gemeenten": ["9901"]},
            # a period after the peildatum: refused before its notebook runs, with the message
            # the notebook's first kit cell would give (the shared parameter model)
            {"naam": "kapot", "regio": "Kapot", "periode_tot": "2027-01-01"},
        ],
    }
    path = tmp_path / "batch.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    first = batch(path, jobs=2, progress=False)
    assert [j.unit for j in first.done] == ["gemeente-9901"]
    assert [j.unit for j, _ in first.failed] == ["kapot"]
    assert first.failed[0][1] == f"01_quickscan.ipynb: {PERIOD_ORDER}"
    assert not (tmp_path / "reports" / "2026-K1" / "kapot" / "01_quickscan.ipynb").exists()
    index = first.index.read_text(encoding="utf-8")
    assert "gemeente-9901/01_quickscan.html" in unescape(index) and "mislukt" in index
    again = batch(path, jobs=1, progress=False)
    assert [j.unit for j in again.skipped] == ["gemeente-9901"]
    assert [j.unit for j, _ in again.failed] == ["kapot"]


def test_export_html_strips_widget_state_and_live_cells(tmp_path, example_store):
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Titel"),
        nbformat.v4.new_markdown_cell("geheim", metadata={"tags": ["live-only"]}),
        nbformat.v4.new_code_cell("x = 1"),
    ]
    html = export_html(
        nb, {"regio": "R", "store": str(example_store), "peildatum": "2026-03-31"}, "test.ipynb"
    )
    assert "geheim" not in html and "x = 1" not in html
    assert "unpkg" not in html and EXTERNAL.search(html) is None
    assert "<title>Titel</title>" in html


def test_paths_in_params_resolve_from_the_kit_folder():
    assert Path(PROJ_ROOT / "notebooks").is_dir()


def test_per_notebook_names_are_checked_against_that_notebook(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("regio: R\nper_notebook:\n  01_quickscan: {definities: x.yaml}\n",
                    encoding="utf-8")
    with pytest.raises(ParameterError, match="'definities' voor 01_quickscan"):
        load_params(path, [QUICKSCAN])


class TestPdfNeedsChromium:
    """``kit rapport --pdf`` without Chromium: a Dutch error that says how to install it.

    The PDF itself is tested with a real Chromium in tests/test_browser.py.
    """

    def test_missing_chromium_is_a_dutch_error(self, tmp_path, monkeypatch):
        monkeypatch.setattr(report.shutil, "which", lambda name: None)
        html = tmp_path / "rapport.html"
        html.write_text("<html><body>rapport</body></html>", encoding="utf-8")
        message = r"^Voor --pdf is Chromium nodig .*apt-get install chromium"
        with pytest.raises(RuntimeError, match=message):
            chromium()
        with pytest.raises(RuntimeError, match="Voor --pdf is Chromium nodig"):
            print_pdf(html)
        assert not html.with_suffix(".pdf").exists()

    def test_chrome_is_used_when_there_is_no_chromium(self, monkeypatch):
        found = {"google-chrome": "/opt/google/chrome/google-chrome"}
        monkeypatch.setattr(report.shutil, "which", found.get)
        assert chromium() == "/opt/google/chrome/google-chrome"

    def test_cli_stops_before_rendering_when_chromium_is_missing(
        self, tmp_path, monkeypatch, capsys
    ):
        from kit.__main__ import main

        monkeypatch.setattr(report.shutil, "which", lambda name: None)
        rendered_any = []
        monkeypatch.setattr(report, "run_jobs", lambda *a, **k: rendered_any.append(1) or [])
        params = PROJ_ROOT / "data" / "example" / "rapport.yaml"
        code = main(["rapport", "--params", str(params), "--uit", str(tmp_path), "--pdf"])
        assert code == 2
        assert "Fout: Voor --pdf is Chromium nodig" in capsys.readouterr().err
        assert not rendered_any


def test_cli_checks_every_notebook_before_rendering(tmp_path, monkeypatch, capsys):
    """A wrong type for one notebook stops ``kit rapport`` before any report is rendered."""
    from kit.__main__ import main

    rendered_any = []
    monkeypatch.setattr(report, "run_jobs", lambda *a, **k: rendered_any.append(1) or [])
    params = tmp_path / "p.yaml"
    params.write_text("regio: R\nmin_cel: tien\n", encoding="utf-8")
    code = main(["rapport", "--params", str(params), "--uit", str(tmp_path)])
    assert code == 2
    assert "min_cel" in capsys.readouterr().err
    assert not rendered_any


# ------------------------------------------------------------------------------------------
# Names and values from batch and parameter files stay text in the HTML


HOSTILE = {
    "script": "<script>alert(3)</script>",
    "img": "<img src=x onerror=alert(2)>",
    "quote": "x' onmouseover='alert(1)",
}


def _active(html: str) -> list[str]:
    from test_injection import active

    return active(html)


def test_batch_index_keeps_unit_notebook_and_error_text_inert(tmp_path):
    from urllib.parse import unquote

    from kit.report import BatchSummary, Job, write_index

    root = tmp_path / "2026-K1"
    done = Job(HOSTILE["quote"], Path(f"/nb/{HOSTILE['img']}.ipynb"), {}, root / HOSTILE["quote"])
    broken = Job("kapot", done.notebook, {}, root / "kapot")
    done.html.parent.mkdir(parents=True)
    done.html.write_text("rapport", encoding="utf-8")
    summary = BatchSummary(index=root / "index.html", done=[done])
    summary.failed.append((broken, HOSTILE["script"] + "'><b onclick=alert(4)>"))
    html = write_index(summary, HOSTILE["script"], [done, broken]).read_text(encoding="utf-8")
    assert _active(html) == [], html
    # the names show as themselves, and the link still finds the report
    shown = unescape(html)
    for text in HOSTILE.values():
        assert text in shown
    links = re.findall(r"href='([^']*)'", html)
    assert [unquote(unescape(h)) for h in links] == [f"{done.unit}/{done.notebook.stem}.html"]
    assert (root / unquote(unescape(links[0]))).read_text(encoding="utf-8") == "rapport"


def test_report_header_and_parameters_keep_user_values_inert(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Titel")]
    plain = {"regio": "R", "store": str(tmp_path / "store"), "peildatum": "2026-03-31"}
    hostile = {
        "regio": HOSTILE["script"],
        "store": str(tmp_path / HOSTILE["img"] / "store"),
        "peildatum": "2026-03-31",
        "gemeenten": [HOSTILE["quote"]],
        "controles": HOSTILE["img"] + ".yaml",
        "min_cel": 10,
    }
    baseline = _active(export_html(nb, plain, "test.ipynb"))  # the template's own markup
    html = export_html(nb, hostile, HOSTILE["script"])
    assert _active(html) == baseline
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html  # shown in the header, as text


def test_date_month_and_file_parameters_are_checked_like_their_defaults():
    trends_nb = PROJ_ROOT / "notebooks" / "03_trends.ipynb"
    base = {"regio": "R", "store": "s", "peildatum": "2026-03-31"}
    empty = {"basislijn_van": "", "basislijn_tot": ""}
    for fine in ({"periode_van": "2024-01"}, {"periode_van": "2024-01-15"}, empty):
        check_parameters(trends_nb, base | fine)  # a month, a date (its month) or empty
    # checked as the notebook checks them, with its own values for the others: a baseline
    # needs both ends (the notebook's basislijn_tot is 2024-12)
    with pytest.raises(ParameterError, match="Geef basislijn_van en basislijn_tot allebei"):
        check_parameters(trends_nb, base | {"basislijn_van": ""})
    bad = {
        "peildatum": ("2026-02-30", "parameter 'peildatum': geen geldige datum (JJJJ-MM-DD)"),
        "periode_van": ("2024-13", "parameter 'periode_van': geen maand (JJJJ-MM) of datum"),
        "bevolking": ("geen/bevolking.csv", "parameter 'bevolking': geen/bevolking.csv: bestaat"),
    }
    for name, (value, message) in bad.items():
        with pytest.raises(ParameterError, match=re.escape(message)):
            check_parameters(trends_nb, base | {name: value})


#: an ISO date (``2026-03-31``): never in reader text; the parameters table and code keep it
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def reader_text(html: str) -> str:
    """The text a reader reads: without the parameters table, code, scripts, styles and tags."""
    for pattern in (
        r'<table class="kit-parameters">.*?</table>',
        r"<code>.*?</code>",
        r"<script.*?</script>",
        r"<style.*?</style>",
        r"<[^>]+>",
    ):
        html = re.sub(pattern, " ", html, flags=re.S)
    return unescape(html)


def test_header_and_findings_show_dutch_dates_and_parameters_keep_iso(tmp_path):
    from kit.sections import common, definities

    summary, per_norm, sensitivity, definitions = _definitions_findings()
    sentences = definities.findings_sentences(
        summary,
        per_norm,
        sensitivity,
        definitions,
        threshold=10,
        peildatum=pd.Timestamp("2026-03-31"),
    )
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("findings(ctx)")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/html": common.findings_block(sentences).data}
        )
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Titel"), cell]
    params = {
        "regio": "R",
        "store": str(tmp_path / "store"),
        "peildatum": "2026-03-31",
        "periode_van": "2025-10-01",
        "periode_tot": "",
    }
    html = export_html(nb, params, "test.ipynb")
    text = reader_text(html)
    assert "Belangrijkste bevindingen" in text and "Op 31 maart 2026 wachten" in text
    assert "Peildatum 31 maart 2026" in " ".join(text.split())
    assert "1 oktober 2025 t/m 31 maart 2026" in text  # the period ends on the peildatum
    assert ISO_DATE.findall(text) == []
    parameters = re.search(r'<table class="kit-parameters">.*?</table>', html, flags=re.S)
    assert "2026-03-31" in parameters.group(0) and "2025-10-01" in parameters.group(0)


def test_the_reader_text_check_can_fail():
    html = '<p>peildatum 2026-03-31</p><table class="kit-parameters"><td>2026-03-31</td></table>'
    assert ISO_DATE.findall(reader_text(html)) == ["2026-03-31"]
    assert ISO_DATE.findall(reader_text("<p><code>2026-03-31</code></p>")) == []


def test_a_month_in_the_header_reads_in_dutch():
    rows = dict(report.header_rows({"regio": "R", "peildatum": "2026-03-31", "periode_van": "2023-10"}))
    assert rows["Peildatum"] == "31 maart 2026"
    assert rows["Periode"] == "oktober 2023 t/m 31 maart 2026"


def _definitions_findings() -> tuple:
    from test_findings import _definitions_frames

    return _definitions_frames(120.0)
