"""Printing reports: A4 pages, wrapping tables, no scrollbars, headings kept; chart alt text.

The page-width and page-count checks in a browser are in tests/test_browser.py.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from kit import report

A4_POINTS = (595.28, 841.89)  # 210 x 297 mm
WIDE_COLUMNS = [f"kolom_{i:02d}_met_een_lange_naam" for i in range(15)]
DETAIL = "Lange detailtabel die alleen in de HTML-versie staat"
PRINT_NOTE = "Details: zie de HTML-versie van dit rapport."


def _executed_notebook() -> nbformat.NotebookNode:
    """A tiny executed notebook: a heading, a 15-column table, a chart with alt text and a cell
    tagged ``html-only``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    table = (
        "<table><thead><tr>"
        + "".join(f"<th>{c}</th>" for c in WIDE_COLUMNS)
        + "</tr></thead><tbody><tr>"
        + "".join(f"<td>{i},5</td>" for i in range(15))
        + "</tr></tbody></table>"
    )
    chart = nbformat.v4.new_output(
        "display_data",
        data={"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'},
        metadata={"image/svg+xml": {"alt": "Lijndiagram: instroom per maand"}},
    )
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Titel\n\n## Een kop"),
        nbformat.v4.new_code_cell(
            "x",
            outputs=[nbformat.v4.new_output("display_data", data={"text/html": table}), chart],
        ),
        nbformat.v4.new_markdown_cell(f"{DETAIL}.", metadata={"tags": ["html-only"]}),
    ]
    return nb


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    html = report.export_html(
        _executed_notebook(),
        {"regio": "Regio Test", "store": "store", "peildatum": "2026-03-31"},
        "test.ipynb",
    )
    path = tmp_path_factory.mktemp("print") / "rapport.html"
    path.write_text(html, encoding="utf-8")
    return path


def _css(html: str) -> str:
    return " ".join(re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.DOTALL))


class TestPrintCss:
    def test_page_is_a4(self, page):
        assert re.search(r"@page\s*{[^}]*size:\s*A4", _css(page.read_text()))

    def test_print_rules(self, page):
        css = _css(page.read_text())
        media = css[css.index("@media print") :]
        assert re.search(r"h2, h3[^{]*{[^}]*break-after: avoid", media)
        assert re.search(r"table {[^}]*table-layout: auto", media)
        # numbers and words stay whole; in a table of ten columns or more a header may break
        assert re.search(r"th, td {[^}]*overflow-wrap: break-word", media)
        assert re.search(r"nth-child\(10\)\) th {[^}]*overflow-wrap: anywhere", media)
        assert re.search(r"img {[^}]*max-height: \d+mm", media)
        assert "overflow: visible !important" in media

    def test_html_only_cell_prints_as_a_note(self, page):
        html = page.read_text()
        # the tagged cell, and only that cell, is wrapped
        before, tagged = html.split('<div class="kit-alleen-html">')
        assert DETAIL in tagged and DETAIL not in before
        assert WIDE_COLUMNS[0] in before and WIDE_COLUMNS[0] not in tagged
        css = _css(html)
        media = css[css.index("@media print") :]
        assert re.search(r"\.kit-alleen-html > \* { display: none", media)
        assert f'.kit-alleen-html::before {{ content: "{PRINT_NOTE}"' in media
        screen = css[: css.index("@media print")]
        assert "kit-alleen-html" not in screen  # on screen the cell shows as it is

    def test_chart_alt_text_on_img(self, page):
        html = page.read_text()
        images = re.findall(r"<img [^>]*>", html)
        assert images and all('alt="Lijndiagram: instroom per maand"' in i for i in images)
        assert "No description has been provided" not in html

    def test_page_without_a4_rule_gets_one(self, tmp_path):
        plain = tmp_path / "index.html"
        plain.write_text("<html><head><title>x</title></head><body>x</body></html>")
        (tmp_path / "kopie").mkdir()
        source = report._a4_source(plain, tmp_path / "kopie")
        assert source != plain and "@page { size: A4; }</style></head>" in source.read_text()
        assert report._a4_source(source, tmp_path) == source  # already A4: printed as it is


def _media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    """Width and height (points) of every page's MediaBox, read from the PDF bytes."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", pdf)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium niet geïnstalleerd")
def test_printed_pdf_is_a4(page, tmp_path):
    (tmp_path / "kopie").mkdir()
    (tmp_path / "kopie" / page.name).write_bytes(page.read_bytes())
    pdf = report.print_pdf(tmp_path / "kopie" / page.name)
    boxes = _media_boxes(pdf.read_bytes())
    assert boxes, "geen MediaBox in de PDF"
    for width, height in boxes:
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2, (width, height)
