"""Step 5 (charts): Altair chart builders. Input is always an aggregated, suppressed frame.

Altair embeds every column of the frame it is given in the chart spec, so builders select the
columns they draw and refuse frames with person-level columns. Reports use the ``svg`` renderer
(static, offline, no data in the output); live sessions the default renderer with the JavaScript
bundled offline.
"""

from __future__ import annotations

import html
import re
from functools import cache

import pandas as pd

from kit import config
from kit.config import package_yaml
from kit.outputs import FORBIDDEN_COLUMNS

config.skip_rfc3987_syntax()  # before Altair imports jsonschema

import altair as alt  # noqa: E402

#: d3 locale of numbers and dates in every chart: decimal comma, thousands point, Dutch months
LOCALE = "nl-NL"
THEME = "kit"
SVG_RENDERER = "kit-svg"
#: axis and tooltip formats: shares with one decimal, counts without, months with their year
PCT_FORMAT = ",.1f"
COUNT_FORMAT = ",.0f"
MONTH_FORMAT = "%B %Y"


@cache
def colours() -> dict:
    """The colour file ``kit/kleuren.yaml``: message types, series, severity, SPC, funnel."""
    return package_yaml("kleuren.yaml")


SEVERITY_COLORS: dict[str, str] = colours()["ernst"]
SERIES_COLORS: list[str] = list(colours()["reeksen"])
MESSAGE_COLORS: dict[str, str] = {str(k): v for k, v in colours()["berichtsoorten"].items()}


@cache
def locale_config() -> dict:
    """Vega-Lite ``config.locale`` for Dutch: in the spec, so every renderer formats Dutch."""
    import vl_convert as vlc

    return {
        "number": vlc.get_format_locale(LOCALE),
        "time": vlc.get_time_format_locale(LOCALE),
    }


def theme() -> dict:
    """The kit's Altair theme: Dutch locale, 20 series colours, gaps at missing values."""
    return {
        "config": {
            "locale": locale_config(),
            "range": {"category": SERIES_COLORS},
            # a suppressed (missing) value breaks a line instead of joining its neighbours
            "line": {"invalid": "break-paths-show-domains"},
            "view": {"continuousWidth": 300, "continuousHeight": 300},
        }
    }


alt.theme.register(THEME, enable=False)(theme)


def label_svg(svg: str, description: str | None) -> str:
    """Give an SVG its alt text: ``role="img"``, ``aria-label`` and a ``<title>``."""
    if not description:
        return svg
    text = html.escape(description, quote=True)

    def root(match: re.Match) -> str:
        attributes = re.sub(r'\s(role|aria-label)="[^"]*"', "", match.group(1))
        return f'<svg{attributes} role="img" aria-label="{text}"><title>{text}</title>'

    return re.sub(r"<svg\b([^>]*?)>", root, svg, count=1)


def describe_spec(spec: dict) -> str | None:
    """The alt text of a spec: its description, or those of its parts (a concatenation)."""
    if spec.get("description"):
        return spec["description"]
    parts = [
        describe_spec(part)
        for key in ("vconcat", "hconcat", "concat")
        for part in spec.get(key) or []
        if isinstance(part, dict)
    ]
    parts = [p for p in parts if p]
    return f"{len(parts)} grafieken. " + " ".join(parts) if parts else None


def svg_renderer(spec: dict, **_: object) -> tuple[dict, dict]:
    """Altair renderer: static SVG in Dutch, with the chart's description as alt text.

    The description also goes into the output metadata (``alt``), which the report template
    puts on the ``<img>``.
    """
    from altair.utils.mimebundle import spec_to_mimebundle
    from altair.vegalite.v6.display import VEGA_VERSION, VEGAEMBED_VERSION, VEGALITE_VERSION

    bundle = spec_to_mimebundle(
        spec,
        format="svg",
        mode="vega-lite",
        vega_version=VEGA_VERSION,
        vegaembed_version=VEGAEMBED_VERSION,
        vegalite_version=VEGALITE_VERSION,
        embed_options={"formatLocale": LOCALE, "timeFormatLocale": LOCALE},
    )
    description = describe_spec(spec)
    bundle["image/svg+xml"] = label_svg(bundle["image/svg+xml"], description)
    return bundle, ({"image/svg+xml": {"alt": description}} if description else {})


alt.renderers.register(SVG_RENDERER, svg_renderer)


def setup_rendering(mode: str) -> None:
    """Choose how charts render: ``"report"`` (static SVG) or ``"live"`` (interactive, offline).

    Both use the kit theme (Dutch number and date formats, the kit's colours).

    Parameters
    ----------
    mode : str
        ``report`` for papermill/HTML reports, ``live`` for a JupyterLab session.
    """
    alt.data_transformers.enable("default", max_rows=5000)  # a tripwire: we chart aggregates
    # embed options go with enable(): set_embed_options() replaces every renderer option, also
    # offline=True, and live charts would then load vega-embed from the internet. The browser's
    # vega-embed (JupyterChart) needs the d3 locale objects, not the name "nl-NL" (that broke
    # every live chart: "Cannot read properties of undefined (reading 'map')").
    dutch = locale_config()
    embed = {"formatLocale": dutch["number"], "timeFormatLocale": dutch["time"], "actions": False}
    if mode == "report":
        alt.renderers.enable(SVG_RENDERER, embed_options=embed)
    elif mode == "live":
        alt.renderers.enable("jupyter", offline=True, embed_options=embed)
    else:
        raise ValueError(f"onbekende weergave {mode!r}: kies 'report' of 'live'")
    alt.theme.enable(THEME)


def to_spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite spec of a chart with the kit theme (for tests and exports)."""
    with alt.theme.enable(THEME):
        return chart.to_dict()


def to_svg(chart: alt.TopLevelMixin) -> str:
    """A chart as the report shows it: SVG in Dutch with its alt text."""
    bundle, _ = svg_renderer(to_spec(chart))
    return bundle["image/svg+xml"]


def _month(value: pd.Timestamp) -> alt.DateTime:
    return alt.DateTime(year=int(value.year), month=int(value.month), date=1)


def _month_x(months: pd.Series, *, title: str | None = None, **axis: object) -> alt.X:
    """X axis of months that ends where the data end (first to last month, no padding)."""
    months = pd.to_datetime(months).dropna()
    scale = (
        alt.Scale(domain=[_month(months.min()), _month(months.max())], nice=False)
        if len(months)
        else alt.Undefined
    )
    return alt.X(
        "yearmonth(maand):T",
        title=title,
        scale=scale,
        axis=alt.Axis(**{"format": MONTH_FORMAT, "labelOverlap": True, **axis}),
    )


MONTH_TOOLTIP = alt.Tooltip("yearmonth(maand):T", title="maand", format=MONTH_FORMAT)


def _message_colour(types: pd.Series) -> alt.Scale:
    """Colour scale of message types: each type always its own colour (kit/kleuren.yaml)."""
    domain = [t for t in MESSAGE_COLORS if t in set(types.astype(str))]
    domain += sorted(set(types.astype(str)) - set(domain))
    spare = iter(c for c in SERIES_COLORS if c not in MESSAGE_COLORS.values())
    return alt.Scale(
        domain=domain, range=[MESSAGE_COLORS.get(t) or next(spare, "#7f7f7f") for t in domain]
    )


def _frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    leaking = [c for c in frame.columns if c in FORBIDDEN_COLUMNS]
    if leaking:
        raise ValueError(f"grafiek krijgt kolommen op persoonsniveau: {leaking}")
    return frame[columns].copy()


def _period(months: pd.Series) -> str:
    """``januari 2024 t/m maart 2026``: the months a chart covers, for its description."""
    months = pd.to_datetime(months).dropna()
    if not len(months):
        return "geen maanden"
    names = locale_config()["time"]["months"]
    first, last = months.min(), months.max()
    return f"{names[first.month - 1]} {first.year} t/m {names[last.month - 1]} {last.year}"


def _describe(chart: alt.TopLevelMixin, text: str) -> alt.TopLevelMixin:
    """Set the chart's Dutch alt text (Vega-Lite ``description``)."""
    return chart.properties(description=text)


def reliability_bars(scores: pd.DataFrame) -> alt.Chart:
    """Horizontal bars: share of reliable rows per berichttype (``scores`` of the quick scan)."""
    data = _frame(scores, ["berichttype", "n", "pct_betrouwbaar"]).dropna(
        subset=["pct_betrouwbaar"]
    )
    data["label"] = data["berichttype"].map(lambda b: "Totaal" if b == "totaal" else f"JW{b}")
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", title=None, sort=None),
        x=alt.X("pct_betrouwbaar:Q", title="% betrouwbaar", scale=alt.Scale(domain=[0, 100])),
    )
    bars = base.mark_bar(color=SERIES_COLORS[0])
    text = base.mark_text(align="left", dx=3).encode(
        text=alt.Text("pct_betrouwbaar:Q", format=PCT_FORMAT)
    )
    return _describe(
        (bars + text).properties(width=420, title="Betrouwbaar per berichtsoort"),
        f"Staafdiagram: aandeel betrouwbare regels (0 tot 100%) voor {len(data)} "
        "berichtsoorten en het totaal.",
    )


def findings_heatmap(findings: pd.DataFrame, *, row: str = "aanbieder") -> alt.Chart:
    """Heatmap of % failing per ``row`` (aanbieder or gemeente) x check; empty cells suppressed.

    A ``<row>_naam`` column (:func:`kit.names.add_names`), when present, labels the rows; the
    code stays in the tooltip.
    """
    label = f"{row}_naam" if f"{row}_naam" in findings.columns else row
    columns = list(
        dict.fromkeys([row, label, "check_id", "naam", "pct_afwijkend", "n_gecontroleerd"])
    )
    data = _frame(findings, columns).dropna(subset=["pct_afwijkend"])
    return _describe(
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("naam:N", title=None, axis=alt.Axis(labelAngle=-40, labelLimit=220)),
            y=alt.Y(f"{label}:N", title=row.capitalize()),
            color=alt.Color(
                "pct_afwijkend:Q",
                title="% afwijkend",
                scale=alt.Scale(scheme="orangered", domain=[0, 100]),
            ),
            tooltip=[
                alt.Tooltip(f"{row}:N", title=row),
                *([alt.Tooltip(f"{label}:N", title="naam")] if label != row else []),
                alt.Tooltip("naam:N", title="controle"),
                alt.Tooltip("pct_afwijkend:Q", title="% afwijkend", format=PCT_FORMAT),
                alt.Tooltip("n_gecontroleerd:Q", title="gecontroleerd", format=COUNT_FORMAT),
            ],
        )
        .properties(
            title=f"Afwijkingen per {row} en controle (lege vakjes: minder dan de "
            "drempel of niet van toepassing)"
        ),
        f"Heatmap: percentage afwijkende regels per {row} ({data[row].nunique()}) en per "
        f"controle ({data['naam'].nunique()}); donkerder is meer afwijkend.",
    )


def pattern_bars(patterns: pd.DataFrame, column: str, title: str) -> alt.Chart:
    """Bars of one pattern share per aanbieder (``aanbieders`` table of the quick scan).

    An ``aanbieder_naam`` column, when present, labels the bars; the AGB code stays in the
    tooltip.
    """
    label = "aanbieder_naam" if "aanbieder_naam" in patterns.columns else "aanbieder"
    data = _frame(patterns, list(dict.fromkeys(["aanbieder", label, column]))).dropna(
        subset=[column]
    )
    return _describe(
        alt.Chart(data)
        .mark_bar(color="#e45756")
        .encode(
            y=alt.Y(f"{label}:N", sort="-x", title="Aanbieder"),
            x=alt.X(f"{column}:Q", title="%", scale=alt.Scale(domain=[0, 100])),
            # typed: with no provider left (all suppressed) Altair cannot infer the types
            tooltip=[
                alt.Tooltip("aanbieder:N", title="aanbieder (AGB)"),
                *([alt.Tooltip(f"{label}:N", title="naam")] if label != "aanbieder" else []),
                alt.Tooltip(f"{column}:Q", title="%", format=PCT_FORMAT),
            ],
        )
        .properties(width=380, title=title),
        f"Staafdiagram: {title}, per aanbieder ({len(data)}), van hoog naar laag.",
    )


def monthly_reliability(scores_per_month: pd.DataFrame) -> alt.Chart:
    """Line per berichttype of the reliable share per month; suppressed months are gaps."""
    data = _frame(scores_per_month, ["berichttype", "maand", "pct_betrouwbaar"])
    data["maand"] = pd.to_datetime(data["maand"])
    data["berichttype"] = data["berichttype"].astype(str)
    return _describe(
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=_month_x(data["maand"], title="Maand"),
            y=alt.Y("pct_betrouwbaar:Q", title="% betrouwbaar", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "berichttype:N", title="Bericht", scale=_message_colour(data["berichttype"])
            ),
            tooltip=[
                MONTH_TOOLTIP,
                alt.Tooltip("berichttype:N", title="bericht"),
                alt.Tooltip("pct_betrouwbaar:Q", title="% betrouwbaar", format=PCT_FORMAT),
            ],
        )
        .properties(width=560, title="Betrouwbaar per maand"),
        f"Lijndiagram: aandeel betrouwbare regels per maand, {_period(data['maand'])}, een lijn "
        f"per berichtsoort ({data['berichttype'].nunique()}); onderbroken waar een maand te "
        "weinig regels heeft.",
    )


# ------------------------------------------------------------------------------------------
# Waiting-time definitions (notebook 02_definities)


def _days_axis(max_dagen: int, data_max: float | None = None) -> alt.X:
    """X axis of the curves over days since the start event: ends where the curves end."""
    end = max_dagen if data_max is None or pd.isna(data_max) else min(max_dagen, data_max)
    return alt.X(
        "dagen:Q",
        title="Dagen sinds de startgebeurtenis",
        scale=alt.Scale(domain=[0, max(end, 1)], nice=False),
    )


def _definition_colour() -> alt.Color:
    """One colour per waiting-time definition, with room for its full name in the legend."""
    return alt.Color("naam:N", title="Definitie", legend=alt.Legend(labelLimit=320))


def km_overlay(
    curves: pd.DataFrame, *, norms: pd.DataFrame | None = None, max_dagen: int = 365
) -> alt.LayerChart:
    """Overlaid Kaplan–Meier curves: share still waiting by days since the start event.

    Parameters
    ----------
    curves : pandas.DataFrame
        Aggregated curve points (``km`` of :func:`kit.waits.shared_tables`, after
        suppression) with a ``naam`` column per definition: ``naam, dagen, aandeel_wachtend``.
    norms : pandas.DataFrame, optional
        ``naam, dagen`` of the norms to draw as vertical rules.
    max_dagen : int
        Right end of the x axis at most; it ends earlier where the curves end.
    """
    data = _frame(curves, ["naam", "dagen", "aandeel_wachtend"]).dropna()
    # an empty curve table (no definition with enough pathways) has object columns
    data = data.astype({"dagen": float, "aandeel_wachtend": float})
    data = data[data["dagen"] <= max_dagen]
    data["pct_wachtend"] = (100 * data["aandeel_wachtend"]).round(1)
    x = _days_axis(max_dagen, data["dagen"].max() if len(data) else None)
    lines = (
        alt.Chart(data)
        .mark_line(interpolate="step-after")
        .encode(
            x=x,
            y=alt.Y("pct_wachtend:Q", title="% nog niet gestart", scale=alt.Scale(domain=[0, 100])),
            color=_definition_colour(),
            tooltip=[
                alt.Tooltip("naam:N", title="definitie"),
                alt.Tooltip("dagen:Q", title="dagen", format=COUNT_FORMAT),
                alt.Tooltip("pct_wachtend:Q", title="% wachtend", format=PCT_FORMAT),
            ],
        )
    )
    layers = [lines]
    if norms is not None and len(norms):
        rules = _frame(norms, ["naam", "dagen"])
        rules = rules[rules["dagen"] <= (data["dagen"].max() if len(data) else max_dagen)]
        base = alt.Chart(rules)
        layers.append(base.mark_rule(color="#888", strokeDash=[4, 3]).encode(x="dagen:Q"))
        layers.append(
            base.mark_text(angle=270, align="left", dx=4, dy=-4, color="#555", fontSize=10).encode(
                x="dagen:Q", y=alt.value(0), text="naam:N"
            )
        )
    return _describe(
        alt.layer(*layers).properties(
            width=620,
            height=340,
            title="Kaplan–Meier: aandeel dat nog wacht (wie nog wacht telt mee)",
        ),
        f"Lijndiagram (trappen): aandeel dat nog niet gestart is tegen het aantal dagen sinds "
        f"de startgebeurtenis, een lijn per wachttijddefinitie ({data['naam'].nunique()}); "
        "stippellijnen zijn de normen.",
    )


def incidence_chart(incidence: pd.DataFrame, *, max_dagen: int = 365) -> alt.FacetChart:
    """Cumulative incidence of "gestart" and "zonder zorg uitgevallen" per definition.

    Parameters
    ----------
    incidence : pandas.DataFrame
        ``naam, uitkomst, dagen, cumulatieve_incidentie`` (aggregated, suppressed).
    max_dagen : int
        Right end of the x axis at most; it ends earlier where the curves end.
    """
    data = _frame(incidence, ["naam", "uitkomst", "dagen", "cumulatieve_incidentie"]).dropna()
    data = data[data["dagen"] <= max_dagen]
    data["pct"] = (100 * data["cumulatieve_incidentie"]).round(1)
    return _describe(
        alt.Chart(data)
        .mark_line(interpolate="step-after")
        .encode(
            x=_days_axis(max_dagen, data["dagen"].max() if len(data) else None),
            y=alt.Y("pct:Q", title="% (cumulatief)", scale=alt.Scale(domain=[0, 100])),
            color=_definition_colour(),
            tooltip=[
                alt.Tooltip("naam:N", title="definitie"),
                alt.Tooltip("uitkomst:N", title="uitkomst"),
                alt.Tooltip("dagen:Q", title="dagen", format=COUNT_FORMAT),
                alt.Tooltip("pct:Q", title="%", format=PCT_FORMAT),
            ],
        )
        .properties(width=300, height=260)
        .facet(column=alt.Column("uitkomst:N", title=None))
        .properties(title="Cumulatieve incidentie (Aalen–Johansen): gestart en uitgevallen"),
        "Twee lijndiagrammen naast elkaar: cumulatief aandeel gestart en aandeel zonder zorg "
        "uitgevallen tegen het aantal dagen, een lijn per wachttijddefinitie.",
    )


def median_comparison(medians: pd.DataFrame) -> alt.Chart:
    """Grouped bars: naive (completed only) versus Kaplan–Meier median per definition.

    Parameters
    ----------
    medians : pandas.DataFrame
        ``naam, maat, dagen`` (one row per definition and measure; withheld values dropped).
    """
    data = _frame(medians, ["naam", "maat", "dagen"]).dropna()
    data = data[~data["dagen"].isin([float("inf")])]
    return _describe(
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("naam:N", title=None, sort=None),
            yOffset=alt.YOffset("maat:N"),
            x=alt.X("dagen:Q", title="Mediaan (dagen)"),
            color=alt.Color("maat:N", title="Maat"),
            tooltip=[
                alt.Tooltip("naam:N", title="definitie"),
                alt.Tooltip("maat:N", title="maat"),
                alt.Tooltip("dagen:Q", title="dagen", format=COUNT_FORMAT),
            ],
        )
        .properties(width=460, title="Naïeve mediaan tegenover Kaplan–Meier"),
        "Staafdiagram: mediane wachttijd in dagen per wachttijddefinitie, naïef (alleen "
        "afgeronde trajecten) naast Kaplan–Meier.",
    )


def snapshot_bars(snapshot: pd.DataFrame, *, bands: list[str]) -> alt.Chart:
    """Stacked bars: who waits at the peildatum, by time waited so far, per definition.

    Parameters
    ----------
    snapshot : pandas.DataFrame
        ``naam, band, n_wachtend`` (suppressed counts dropped).
    bands : list of str
        Band labels in order (:func:`kit.waits.band_labels`).
    """
    data = _frame(snapshot, ["naam", "band", "n_wachtend"]).dropna()
    data["volgorde"] = data["band"].map({b: i for i, b in enumerate(bands)})
    return _describe(
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("naam:N", title=None, sort=None),
            x=alt.X("n_wachtend:Q", title="Wachtend op de peildatum (trajecten)"),
            color=alt.Color(
                "band:N", title="Tijd gewacht", sort=bands, scale=alt.Scale(scheme="orangered")
            ),
            order=alt.Order("volgorde:Q"),
            tooltip=[
                alt.Tooltip("naam:N", title="definitie"),
                alt.Tooltip("band:N", title="tijd gewacht"),
                alt.Tooltip("n_wachtend:Q", title="wachtend", format=COUNT_FORMAT),
            ],
        )
        .properties(width=520, title="Momentopname: wie wacht nu, en hoe lang al"),
        "Gestapeld staafdiagram: aantal wachtende trajecten op de peildatum per "
        "wachttijddefinitie, verdeeld naar de tijd die zij al wachten.",
    )


# ------------------------------------------------------------------------------------------
# Trends (notebook 03_trends)

SPC_COLORS: dict[str, str] = colours()["spc"]
FUNNEL_COLORS: dict[str, str] = colours()["trechter"]


def trend_lines(series: pd.DataFrame, *, title: str, y_title: str = "Aantal") -> alt.LayerChart:
    """Lines per series by month; provisional months as open points, suppressed months as gaps.

    Parameters
    ----------
    series : pandas.DataFrame
        ``maand`` (JJJJ-MM), ``label``, ``waarde`` (suppressed values missing), ``voorlopig``.
    title, y_title : str
        Chart and axis titles.
    """
    data = _frame(series, ["maand", "label", "waarde", "voorlopig"])
    data["maand"] = pd.to_datetime(data["maand"])
    data["status"] = data["voorlopig"].map({True: "voorlopig", False: "definitief"})
    x = _month_x(data["maand"])
    colour = alt.Color(
        "label:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=320, columns=2)
    )
    line = alt.Chart(data).mark_line().encode(x=x, y=alt.Y("waarde:Q", title=y_title), color=colour)
    points = (
        alt.Chart(data.dropna(subset=["waarde"]))
        .mark_point(filled=True, size=28)
        .encode(
            x=x,
            y="waarde:Q",
            color=colour,
            fill=alt.condition(
                "datum.voorlopig", alt.value("white"), alt.Color("label:N", legend=None)
            ),
            tooltip=[
                MONTH_TOOLTIP,
                alt.Tooltip("label:N", title="reeks"),
                alt.Tooltip("waarde:Q", format=COUNT_FORMAT),
                alt.Tooltip("status:N", title="status"),
            ],
        )
    )
    return _describe(
        (line + points).properties(width=620, height=220, title=title),
        f"Lijndiagram: {title}, per maand, {_period(data['maand'])}, een lijn per reeks "
        f"({data['label'].nunique()}); open punten zijn voorlopige maanden, onderbrekingen "
        "zijn maanden met een te klein aantal.",
    )


def spc_chart(spc: pd.DataFrame, *, title: str, y_title: str = "Aantal") -> alt.LayerChart:
    """XmR chart: the values, mean, process limits and points coloured by their verdict.

    Parameters
    ----------
    spc : pandas.DataFrame
        :func:`kit.trends.spc_series` after suppression: ``maand, waarde, gemiddelde,
        ondergrens, bovengrens, oordeel, regels``.
    title, y_title : str
        Chart and axis titles.
    """
    data = _frame(
        spc, ["maand", "waarde", "gemiddelde", "ondergrens", "bovengrens", "oordeel", "regels"]
    )
    data["maand"] = pd.to_datetime(data["maand"])
    data["regels"] = data["regels"].fillna("")
    x = _month_x(data["maand"])
    base = alt.Chart(data)
    limits = [
        base.mark_line(color="#555", strokeDash=[5, 4], strokeWidth=1).encode(
            x=x, y=alt.Y(f"{col}:Q", title=y_title)
        )
        for col in ("ondergrens", "bovengrens")
    ]
    mean = base.mark_line(color="#333", strokeWidth=1).encode(x=x, y="gemiddelde:Q")
    # all months, so a suppressed month is a gap in the line, not a jump over it
    line = base.mark_line(color="#bbbbbb").encode(x=x, y="waarde:Q")
    values = data.dropna(subset=["waarde"])
    points = (
        alt.Chart(values)
        .mark_circle(size=55, opacity=1)
        .encode(
            x=x,
            y="waarde:Q",
            color=alt.Color(
                "oordeel:N",
                title=None,
                scale=alt.Scale(domain=list(SPC_COLORS), range=list(SPC_COLORS.values())),
                legend=alt.Legend(orient="bottom", columns=3, labelLimit=260),
            ),
            tooltip=[
                MONTH_TOOLTIP,
                alt.Tooltip("waarde:Q", format=PCT_FORMAT),
                alt.Tooltip("oordeel:N", title="oordeel"),
                alt.Tooltip("regels:N", title="regel"),
            ],
        )
    )
    return _describe(
        alt.layer(*limits, mean, line, points).properties(width=620, height=220, title=title),
        f"Regelkaart (XmR): {title}, per maand, {_period(data['maand'])}, met gemiddelde en "
        "procesgrenzen (stippellijnen); de kleur van een punt geeft het oordeel.",
    )


def funnel_chart(points: pd.DataFrame, lines: pd.DataFrame, *, title: str) -> alt.LayerChart:
    """Funnel plot: share per unit against its volume, with 95% and 99.8% limits.

    One legend (the verdict colours); the line styles are named in the subtitle.

    Parameters
    ----------
    points : pandas.DataFrame
        :func:`kit.trends.funnel` after suppression: ``eenheid, n, pct, beoordeling``.
    lines : pandas.DataFrame
        :func:`kit.trends.funnel_lines`.
    title : str
        Chart title.
    """
    named = "eenheid_naam" in points.columns  # kit.names.add_names(..., column="eenheid")
    pts = _frame(
        points, ["eenheid", *(["eenheid_naam"] if named else []), "n", "pct", "beoordeling"]
    ).dropna(subset=["pct", "n"])
    names = {
        "doel_pct": "gemiddelde",
        "grens95_laag": "95%",
        "grens95_hoog": "95%",
        "grens998_laag": "99,8%",
        "grens998_hoog": "99,8%",
    }
    ln = _frame(lines, ["n", *names]).melt(id_vars="n", var_name="lijn", value_name="pct")
    ln["grens"] = ln["lijn"].map(names)
    x = alt.X("n:Q", title="Aantal (noemer)", scale=alt.Scale(type="log"))
    y = alt.Y("pct:Q", title="%", scale=alt.Scale(domain=[0, 100]))
    limit_lines = (
        alt.Chart(ln)
        .mark_line(strokeWidth=1)
        .encode(
            x=x,
            y=y,
            detail="lijn:N",
            strokeDash=alt.StrokeDash(
                "grens:N",
                legend=None,
                scale=alt.Scale(
                    domain=["gemiddelde", "95%", "99,8%"], range=[[1, 0], [5, 3], [2, 2]]
                ),
            ),
            color=alt.value("#555"),
        )
    )
    dots = (
        alt.Chart(pts)
        .mark_circle(size=70, opacity=0.9)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "beoordeling:N",
                title=None,
                scale=alt.Scale(domain=list(FUNNEL_COLORS), range=list(FUNNEL_COLORS.values())),
            ),
            tooltip=[
                *([alt.Tooltip("eenheid_naam:N", title="naam")] if named else []),
                alt.Tooltip("eenheid:N", title="code" if named else "eenheid"),
                alt.Tooltip("n:Q", title="aantal", format=COUNT_FORMAT),
                alt.Tooltip("pct:Q", title="%", format=PCT_FORMAT),
                alt.Tooltip("beoordeling:N", title="beoordeling"),
            ],
        )
    )
    return _describe(
        (limit_lines + dots).properties(
            width=300,
            height=240,
            title=alt.Title(
                title,
                subtitle="lijnen: gemiddelde (doorgetrokken), 95% (streepjes), 99,8% (puntjes)",
            ),
        ),
        f"Trechterdiagram: {title}; percentage per eenheid ({len(pts)}) tegen het aantal, "
        "met het gemiddelde en de 95%- en 99,8%-grenzen; de kleur geeft de ligging.",
    )


def small_multiples(
    series: pd.DataFrame, *, title: str, y_title: str = "Aantal", columns: int = 4
) -> alt.FacetChart:
    """One small line chart per unit (same y scale), provisional months as open points.

    Parameters
    ----------
    series : pandas.DataFrame
        ``maand, eenheid, waarde, voorlopig`` (suppressed values missing: gaps); with an
        ``eenheid_naam`` column (:func:`kit.names.add_names`) the panels carry names.
    title, y_title : str
        Chart and axis titles.
    columns : int
        Charts per row.
    """
    unit = "eenheid_naam" if "eenheid_naam" in series.columns else "eenheid"
    data = _frame(series, list(dict.fromkeys(["maand", "eenheid", unit, "waarde", "voorlopig"])))
    data["maand"] = pd.to_datetime(data["maand"])
    x = _month_x(data["maand"], format="%Y", tickCount=4)
    base = alt.Chart(data).encode(x=x, y=alt.Y("waarde:Q", title=y_title))
    layers = base.mark_line(color=SERIES_COLORS[0]) + base.transform_filter(
        "isValid(datum.waarde)"
    ).mark_point(size=12, filled=True).encode(
        fill=alt.condition("datum.voorlopig", alt.value("white"), alt.value(SERIES_COLORS[0])),
        color=alt.value(SERIES_COLORS[0]),
        tooltip=[
            MONTH_TOOLTIP,
            alt.Tooltip(f"{unit}:N", title="eenheid"),
            alt.Tooltip("waarde:Q", format=COUNT_FORMAT),
        ],
    )
    return _describe(
        layers.properties(width=150, height=90)
        .facet(facet=alt.Facet(f"{unit}:N", title=None), columns=columns)
        .properties(title=title),
        f"Kleine lijndiagrammen: {title}, een per eenheid ({data['eenheid'].nunique()}), "
        f"{_period(data['maand'])}, met dezelfde schaal.",
    )


def gap_bars(stroom: pd.DataFrame) -> alt.Chart:
    """Bars: toewijzingen per month that left the waiting list without a start or withdrawal.

    Parameters
    ----------
    stroom : pandas.DataFrame
        :func:`kit.trends.stock_flow` after suppression: ``maand, verschil``.
    """
    data = _frame(stroom, ["maand", "verschil"]).dropna()
    data["maand"] = pd.to_datetime(data["maand"])
    return _describe(
        alt.Chart(data)
        .mark_bar(color="#b07aa1")
        .encode(
            x=alt.X("yearmonth(maand):T", title=None, axis=alt.Axis(format=MONTH_FORMAT)),
            y=alt.Y("verschil:Q", title="Verdwenen (trajecten)"),
            tooltip=[MONTH_TOOLTIP, alt.Tooltip("verschil:Q", format=COUNT_FORMAT)],
        )
        .properties(
            width=620, height=160, title="Van de wachtlijst verdwenen zonder start of intrekking"
        ),
        "Staafdiagram: aantal toewijzingen per maand dat van de wachtlijst verdween zonder "
        f"start of intrekking, {_period(data['maand'])}.",
    )


def little_band(little: pd.DataFrame) -> alt.LayerChart:
    """The waiting list against the Little's-law band (arrivals per day x mean days on the list).

    Parameters
    ----------
    little : pandas.DataFrame
        :func:`kit.trends.littles_law` for one unit, after suppression: ``maand, wachtlijst,
        schatting, band_laag, band_hoog``.
    """
    data = _frame(little, ["maand", "wachtlijst", "schatting", "band_laag", "band_hoog"])
    data["maand"] = pd.to_datetime(data["maand"])
    x = _month_x(data["maand"])
    band = (
        alt.Chart(data.dropna(subset=["band_laag", "band_hoog"]))
        .mark_area(opacity=0.25, color="#9ecae1")
        .encode(x=x, y=alt.Y("band_laag:Q", title="Trajecten"), y2="band_hoog:Q")
    )
    estimate = (
        alt.Chart(data).mark_line(color="#3182bd", strokeDash=[4, 3]).encode(x=x, y="schatting:Q")
    )
    listed = (
        alt.Chart(data)
        .mark_line(color="#333", point=True)
        .encode(
            x=x,
            y="wachtlijst:Q",
            tooltip=[
                MONTH_TOOLTIP,
                alt.Tooltip("wachtlijst:Q", format=COUNT_FORMAT),
                alt.Tooltip("schatting:Q", format=COUNT_FORMAT),
            ],
        )
    )
    return _describe(
        (band + estimate + listed).properties(
            width=620,
            height=200,
            title="Wachtlijst (zwart) tegen de wet van Little (band: schatting ± marge)",
        ),
        f"Lijndiagram: wachtlijst per maand, {_period(data['maand'])}, tegen de schatting "
        "volgens de wet van Little (stippellijn) met een band voor de marge.",
    )
