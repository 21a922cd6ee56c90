"""kit.charts: Dutch formats, colours, one legend, axes, gaps and alt text, on tiny frames."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import pytest
from lxml import etree

from kit import charts

MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04"]


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def _trend(values: list[float | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {"maand": MONTHS, "label": "instroom", "waarde": values, "voorlopig": False}
    )


def _spc() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "maand": MONTHS,
            "waarde": [1234.5, 68.1, None, 40.0],
            "gemiddelde": 60.0,
            "ondergrens": 10.0,
            "bovengrens": 1300.0,
            "oordeel": ["bijzonder hoog", "geen bijzondere variatie", None, "bijzonder laag"],
            "regels": None,
        }
    )


def _all_charts() -> dict[str, alt.TopLevelMixin]:
    scores = pd.DataFrame(
        {"berichttype": ["301", "totaal"], "n": [100, 200], "pct_betrouwbaar": [68.1, 70.25]}
    )
    monthly = pd.DataFrame(
        {
            "berichttype": ["301", "301", "319", "319"],
            "maand": ["2025-01", "2025-02", "2025-01", "2025-02"],
            "pct_betrouwbaar": [68.1, None, 90.0, 91.5],
        }
    )
    findings = pd.DataFrame(
        {
            "aanbieder": ["98000001"],
            "check_id": ["c1"],
            "naam": ["controle"],
            "pct_afwijkend": [12.5],
            "n_gecontroleerd": [40],
        }
    )
    patterns = pd.DataFrame({"aanbieder": ["98000001"], "pct_auto_305": [33.3]})
    km = pd.DataFrame(
        {"naam": ["A", "A", "A"], "dagen": [0, 10, 120], "aandeel_wachtend": [1.0, 0.5, 0.2]}
    )
    incidence = pd.DataFrame(
        {
            "naam": ["A", "A"],
            "uitkomst": ["gestart", "gestart"],
            "dagen": [0, 50],
            "cumulatieve_incidentie": [0.0, 0.6],
        }
    )
    medians = pd.DataFrame({"naam": ["A", "A"], "maat": ["naïef", "KM"], "dagen": [30, 45]})
    snap = pd.DataFrame({"naam": ["A"], "band": ["0-4 weken"], "n_wachtend": [20]})
    points = pd.DataFrame(
        {"eenheid": ["x"], "n": [50], "pct": [40.0], "beoordeling": ["binnen de grenzen"]}
    )
    lines = pd.DataFrame(
        {
            "n": [10, 100],
            "doel_pct": [40.0, 40.0],
            "grens95_laag": [10.0, 30.0],
            "grens95_hoog": [70.0, 50.0],
            "grens998_laag": [5.0, 25.0],
            "grens998_hoog": [80.0, 55.0],
        }
    )
    small = _trend([10, None, 30, 40]).rename(columns={"label": "eenheid"})
    little = pd.DataFrame(
        {
            "maand": MONTHS,
            "wachtlijst": [10, None, 12, 13],
            "schatting": [11, 11, 12, 12],
            "band_laag": [9, 9, 10, 10],
            "band_hoog": [13, 13, 14, 14],
        }
    )
    return {
        "reliability_bars": charts.reliability_bars(scores),
        "findings_heatmap": charts.findings_heatmap(findings),
        "pattern_bars": charts.pattern_bars(patterns, "pct_auto_305", "Automatische starts"),
        "monthly_reliability": charts.monthly_reliability(monthly),
        "km_overlay": charts.km_overlay(km, norms=pd.DataFrame({"naam": ["norm"], "dagen": [42]})),
        "incidence_chart": charts.incidence_chart(incidence),
        "median_comparison": charts.median_comparison(medians),
        "snapshot_bars": charts.snapshot_bars(snap, bands=["0-4 weken"]),
        "trend_lines": charts.trend_lines(_trend([1234.5, None, 68.1, 70]), title="Instroom"),
        "spc_chart": charts.spc_chart(_spc(), title="Wachtlijst"),
        "funnel_chart": charts.funnel_chart(points, lines, title="per gemeente"),
        "small_multiples": charts.small_multiples(small, title="Per eenheid"),
        "gap_bars": charts.gap_bars(pd.DataFrame({"maand": MONTHS, "verschil": [10, 20, 30, 40]})),
        "little_band": charts.little_band(little),
    }


@pytest.fixture(scope="module")
def all_charts() -> dict[str, alt.TopLevelMixin]:
    return _all_charts()


def _legends(spec: dict) -> int:
    """Number of legends Vega-Lite will draw: one per distinct legend-bearing field encoding."""
    found = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            enc = node.get("encoding")
            if isinstance(enc, dict):
                for channel in ("color", "fill", "stroke", "strokeDash", "shape", "size"):
                    e = enc.get(channel)
                    if isinstance(e, dict) and "field" in e and e.get("legend", {}) is not None:
                        found.add((e["field"], e.get("type")))
                    if isinstance(e, dict) and isinstance(e.get("condition"), dict):
                        c = e["condition"]
                        if "field" in c and c.get("legend", {}) is not None:
                            found.add((c["field"], c.get("type")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return len(found)


class TestDutchFormats:
    def test_months_in_dutch_with_year(self):
        svg = charts.to_svg(charts.trend_lines(_trend([1234.5, None, 68.1, 70]), title="t"))
        texts = _texts(svg)
        assert "januari 2025" in texts and "april 2025" in texts
        assert not any(re.search(r"January|February|Jan\b", t) for t in texts)

    def test_decimal_comma_and_thousands_point(self):
        chart = charts.reliability_bars(
            pd.DataFrame({"berichttype": ["301"], "n": [1], "pct_betrouwbaar": [68.1]})
        )
        texts = _texts(charts.to_svg(chart))
        assert "68,1" in texts and "68.1" not in texts
        big = _texts(charts.to_svg(charts.spc_chart(_spc(), title="t")))
        assert any(re.fullmatch(r"1\.\d{3}", t) for t in big), big  # 1.000 or 1.200 on the axis

    def test_no_english_decimals_in_any_chart(self, all_charts):
        for name, chart in all_charts.items():
            texts = _texts(charts.to_svg(chart))
            numbers = [t for t in texts if re.fullmatch(r"[\d.,%\s-]+", t)]
            english = [t for t in numbers if re.fullmatch(r"-?\d+\.\d{1,2}%?", t)]
            assert not english, (name, english)

    def test_report_renderer_is_dutch(self):
        charts.setup_rendering("report")
        try:
            bundle, metadata = alt.renderers.get()(
                charts.to_spec(charts.trend_lines(_trend([1, 2, 3, 4]), title="t"))
            )
        finally:
            alt.theme.enable("default")
            alt.renderers.enable("default")
        assert "maart 2025" in _texts(bundle["image/svg+xml"])
        assert metadata["image/svg+xml"]["alt"].startswith("Lijndiagram")


class TestColours:
    def test_twenty_distinct_series_colours(self):
        assert len(set(charts.SERIES_COLORS)) == 20
        assert (
            charts.to_spec(charts.trend_lines(_trend([1, 2, 3, 4]), title="t"))["config"]["range"][
                "category"
            ]
            == charts.SERIES_COLORS
        )

    def test_each_message_type_its_own_colour(self):
        colours = charts.MESSAGE_COLORS
        assert colours["301"] != colours["319"]
        assert len(set(colours.values())) == len(colours)

    def test_message_colour_fixed_whichever_types_are_shown(self):
        scale = charts._message_colour(pd.Series(["319", "301"]))
        mapping = dict(zip(scale.domain, scale.range, strict=True))
        assert mapping == {"319": charts.MESSAGE_COLORS["319"], "301": charts.MESSAGE_COLORS["301"]}

    def test_spc_high_and_low_differ(self):
        assert charts.SPC_COLORS["bijzonder hoog"] != charts.SPC_COLORS["bijzonder laag"]
        svg = charts.to_svg(charts.spc_chart(_spc(), title="t"))
        for verdict in ("bijzonder hoog", "bijzonder laag"):
            assert charts.SPC_COLORS[verdict] in svg


class TestLayout:
    def test_one_legend_per_chart(self, all_charts):
        for name, chart in all_charts.items():
            assert _legends(charts.to_spec(chart)) <= 1, name

    def test_month_axis_ends_at_last_month(self):
        spec = charts.to_spec(charts.trend_lines(_trend([1, 2, 3, 4]), title="t"))
        x = spec["layer"][0]["encoding"]["x"]
        assert x["scale"]["domain"][-1] == {"year": 2025, "month": 4, "date": 1}
        assert x["scale"]["nice"] is False

    def test_days_axis_ends_where_curves_end(self):
        km = pd.DataFrame({"naam": ["A", "A"], "dagen": [0, 120], "aandeel_wachtend": [1.0, 0.4]})
        spec = charts.to_spec(charts.km_overlay(km, max_dagen=365))
        assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 120.0]

    def test_suppressed_month_is_a_gap_not_zero(self):
        spec = charts.to_spec(charts.trend_lines(_trend([10, None, 30, 40]), title="t"))
        assert spec["config"]["line"]["invalid"] == "break-paths-show-domains"
        svg = charts.to_svg(charts.trend_lines(_trend([10, None, 30, 40]), title="t"))
        paths = re.findall(r'<path[^>]*aria-roledescription="line mark"[^>]*d="([^"]*)"', svg)
        paths += re.findall(r'<path[^>]*d="([^"]*)"[^>]*aria-roledescription="line mark"', svg)
        line = next(p for p in paths if "L" in p)
        assert line.count("M") == 2  # January alone, then March-April: the line breaks

    def test_suppressed_month_stays_null_in_data(self):
        spec = charts.to_spec(charts.spc_chart(_spc(), title="t"))
        values = [r for d in spec["datasets"].values() for r in d]
        assert any(r.get("waarde") is None and r["maand"].startswith("2025-03") for r in values)


class TestNames:
    def test_heatmap_rows_by_name_code_in_tooltip(self):
        findings = pd.DataFrame(
            {
                "aanbieder": ["98000001"],
                "aanbieder_naam": ["Alfa Jeugdhulp"],
                "check_id": ["c1"],
                "naam": ["controle"],
                "pct_afwijkend": [12.5],
                "n_gecontroleerd": [40],
            }
        )
        spec = charts.to_spec(charts.findings_heatmap(findings))
        assert spec["encoding"]["y"]["field"] == "aanbieder_naam"
        assert "aanbieder" in [t["field"] for t in spec["encoding"]["tooltip"]]
        assert "Alfa Jeugdhulp" in _texts(charts.to_svg(charts.findings_heatmap(findings)))

    def test_small_multiples_panels_by_name(self):
        small = _trend([1, 2, 3, 4]).rename(columns={"label": "eenheid"})
        small["eenheid"] = "0363"
        small["eenheid_naam"] = "Amsterdam"
        assert "Amsterdam" in _texts(charts.to_svg(charts.small_multiples(small, title="t")))


class TestAltText:
    def test_every_chart_has_a_dutch_description(self, all_charts):
        for name, chart in all_charts.items():
            description = charts.to_spec(chart).get("description", "")
            assert len(description) > 30, name
            svg = charts.to_svg(chart)
            assert f'aria-label="{description[:20]}' in svg, name
            assert "<title>" in svg, name

    def test_concatenated_charts_describe_their_parts(self):
        a = charts.trend_lines(_trend([1, 2, 3, 4]), title="Instroom")
        b = charts.trend_lines(_trend([1, 2, 3, 4]), title="Voorraad")
        svg = charts.to_svg(a & b)
        label = re.search(r'aria-label="([^"]*)"', svg).group(1)
        assert label.startswith("2 grafieken. Lijndiagram: Instroom") and "Voorraad" in label

    def test_description_names_the_period_in_dutch(self):
        spec = charts.to_spec(charts.trend_lines(_trend([1, 2, 3, 4]), title="Instroom"))
        assert "januari 2025 t/m april 2025" in spec["description"]

    def test_alt_text_is_escaped_and_svg_stays_well_formed(self):
        svg = charts.label_svg('<svg role="x" width="1"></svg>', 'a "b" <c>')
        assert 'aria-label="a &quot;b&quot; &lt;c&gt;"' in svg and 'role="x"' not in svg
        assert etree.fromstring(svg.encode()).find("title").text == 'a "b" <c>'
        etree.fromstring(
            charts.to_svg(charts.trend_lines(_trend([1, 2, 3, 4]), title="<t>")).encode()
        )
