"""Step 5 (charts): Altair chart builders. Input is always an aggregated, suppressed frame.

Altair embeds every column of the frame it is given in the chart spec, so builders select the
columns they draw and refuse frames with person-level columns. Reports use the ``svg`` renderer
(static, offline, no data in the output); live sessions the default renderer with the JavaScript
bundled offline.
"""

from __future__ import annotations

import pandas as pd

from kit import config
from kit.outputs import FORBIDDEN_COLUMNS

config.skip_rfc3987_syntax()  # before Altair imports jsonschema

import altair as alt  # noqa: E402

SEVERITY_COLORS = {"fout": "#b2182b", "waarschuwing": "#ef8a62", "signaal": "#67a9cf"}


def setup_rendering(mode: str) -> None:
    """Choose how charts render: ``"report"`` (static SVG) or ``"live"`` (interactive, offline).

    Parameters
    ----------
    mode : str
        ``report`` for papermill/HTML reports, ``live`` for a JupyterLab session.
    """
    alt.data_transformers.enable("default", max_rows=5000)  # a tripwire: we chart aggregates
    if mode == "report":
        alt.renderers.enable("svg")
    elif mode == "live":
        alt.renderers.enable("jupyter", offline=True)
    else:
        raise ValueError(f"onbekende weergave {mode!r}: kies 'report' of 'live'")


def _frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    leaking = [c for c in frame.columns if c in FORBIDDEN_COLUMNS]
    if leaking:
        raise ValueError(f"grafiek krijgt kolommen op persoonsniveau: {leaking}")
    return frame[columns].copy()


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
    bars = base.mark_bar(color="#4c78a8")
    text = base.mark_text(align="left", dx=3).encode(
        text=alt.Text("pct_betrouwbaar:Q", format=".0f")
    )
    return (bars + text).properties(width=420, title="Betrouwbaar per berichtsoort")


def findings_heatmap(findings: pd.DataFrame, *, row: str = "aanbieder") -> alt.Chart:
    """Heatmap of % failing per ``row`` (aanbieder or gemeente) x check; empty cells suppressed."""
    data = _frame(findings, [row, "check_id", "naam", "pct_afwijkend", "n_gecontroleerd"])
    data = data.dropna(subset=["pct_afwijkend"])
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("naam:N", title=None, axis=alt.Axis(labelAngle=-40, labelLimit=220)),
            y=alt.Y(f"{row}:N", title=row.capitalize()),
            color=alt.Color(
                "pct_afwijkend:Q",
                title="% afwijkend",
                scale=alt.Scale(scheme="orangered", domain=[0, 100]),
            ),
            tooltip=[row, "naam", "pct_afwijkend", "n_gecontroleerd"],
        )
        .properties(
            title=f"Afwijkingen per {row} en controle (lege vakjes: minder dan de "
            "drempel of niet van toepassing)"
        )
    )


def pattern_bars(patterns: pd.DataFrame, column: str, title: str) -> alt.Chart:
    """Bars of one pattern share per aanbieder (``aanbieders`` table of the quick scan)."""
    data = _frame(patterns, ["aanbieder", column]).dropna(subset=[column])
    return (
        alt.Chart(data)
        .mark_bar(color="#e45756")
        .encode(
            y=alt.Y("aanbieder:N", sort="-x", title="Aanbieder"),
            x=alt.X(f"{column}:Q", title="%", scale=alt.Scale(domain=[0, 100])),
            # typed: with no provider left (all suppressed) Altair cannot infer the types
            tooltip=["aanbieder:N", f"{column}:Q"],
        )
        .properties(width=380, title=title)
    )


def monthly_reliability(scores_per_month: pd.DataFrame) -> alt.Chart:
    """Line per berichttype of the reliable share per month."""
    data = _frame(scores_per_month, ["berichttype", "maand", "pct_betrouwbaar"])
    data = data.dropna(subset=["pct_betrouwbaar"])
    data["maand"] = pd.to_datetime(data["maand"])
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("maand:T", title="Maand"),
            y=alt.Y("pct_betrouwbaar:Q", title="% betrouwbaar", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("berichttype:N", title="Bericht"),
        )
        .properties(width=560, title="Betrouwbaar per maand")
    )


# ------------------------------------------------------------------------------------------
# Waiting-time definitions (notebook 02_definities)


def _days_axis(max_dagen: int) -> alt.X:
    """X axis of the curves over days since the start event (KM and cumulative incidence)."""
    return alt.X(
        "dagen:Q",
        title="Dagen sinds de startgebeurtenis",
        scale=alt.Scale(domain=[0, max_dagen], nice=False),
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
        Right end of the x axis.
    """
    data = _frame(curves, ["naam", "dagen", "aandeel_wachtend"]).dropna()
    # an empty curve table (no definition with enough pathways) has object columns
    data = data.astype({"dagen": float, "aandeel_wachtend": float})
    data = data[data["dagen"] <= max_dagen]
    data["pct_wachtend"] = (100 * data["aandeel_wachtend"]).round(1)
    lines = (
        alt.Chart(data)
        .mark_line(interpolate="step-after")
        .encode(
            x=_days_axis(max_dagen),
            y=alt.Y("pct_wachtend:Q", title="% nog niet gestart", scale=alt.Scale(domain=[0, 100])),
            color=_definition_colour(),
            tooltip=["naam", "dagen", "pct_wachtend"],
        )
    )
    layers = [lines]
    if norms is not None and len(norms):
        rules = _frame(norms, ["naam", "dagen"])
        rules = rules[rules["dagen"] <= max_dagen]
        base = alt.Chart(rules)
        layers.append(base.mark_rule(color="#888", strokeDash=[4, 3]).encode(x="dagen:Q"))
        layers.append(
            base.mark_text(angle=270, align="left", dx=4, dy=-4, color="#555", fontSize=10).encode(
                x="dagen:Q", y=alt.value(0), text="naam:N"
            )
        )
    return alt.layer(*layers).properties(
        width=620, height=340, title="Kaplan–Meier: aandeel dat nog wacht (wie nog wacht telt mee)"
    )


def incidence_chart(incidence: pd.DataFrame, *, max_dagen: int = 365) -> alt.FacetChart:
    """Cumulative incidence of "gestart" and "zonder zorg uitgevallen" per definition.

    Parameters
    ----------
    incidence : pandas.DataFrame
        ``naam, uitkomst, dagen, cumulatieve_incidentie`` (aggregated, suppressed).
    max_dagen : int
        Right end of the x axis.
    """
    data = _frame(incidence, ["naam", "uitkomst", "dagen", "cumulatieve_incidentie"]).dropna()
    data = data[data["dagen"] <= max_dagen]
    data["pct"] = (100 * data["cumulatieve_incidentie"]).round(1)
    return (
        alt.Chart(data)
        .mark_line(interpolate="step-after")
        .encode(
            x=_days_axis(max_dagen),
            y=alt.Y("pct:Q", title="% (cumulatief)", scale=alt.Scale(domain=[0, 100])),
            color=_definition_colour(),
            tooltip=["naam", "uitkomst", "dagen", "pct"],
        )
        .properties(width=300, height=260)
        .facet(column=alt.Column("uitkomst:N", title=None))
        .properties(title="Cumulatieve incidentie (Aalen–Johansen): gestart en uitgevallen")
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
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("naam:N", title=None, sort=None),
            yOffset=alt.YOffset("maat:N"),
            x=alt.X("dagen:Q", title="Mediaan (dagen)"),
            color=alt.Color("maat:N", title="Maat"),
            tooltip=["naam", "maat", "dagen"],
        )
        .properties(width=460, title="Naïeve mediaan tegenover Kaplan–Meier")
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
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("naam:N", title=None, sort=None),
            x=alt.X("n_wachtend:Q", title="Wachtend op de peildatum (trajecten)"),
            color=alt.Color(
                "band:N", title="Tijd gewacht", sort=bands, scale=alt.Scale(scheme="orangered")
            ),
            order=alt.Order("volgorde:Q"),
            tooltip=["naam", "band", "n_wachtend"],
        )
        .properties(width=520, title="Momentopname: wie wacht nu, en hoe lang al")
    )


# ------------------------------------------------------------------------------------------
# Trends (notebook 03_trends)

SPC_COLORS = {
    "verbetering": "#2b7bba",
    "verslechtering": "#e8710a",
    "bijzonder hoog": "#6a3d9a",
    "bijzonder laag": "#6a3d9a",
    "geen bijzondere variatie": "#8c8c8c",
    "voorlopig (niet beoordeeld)": "#d9d9d9",
}
FUNNEL_COLORS = {
    "boven 99,8%-grens": "#b2182b",
    "boven 95%-grens": "#ef8a62",
    "binnen de grenzen": "#8c8c8c",
    "onder 95%-grens": "#67a9cf",
    "onder 99,8%-grens": "#2166ac",
}


def trend_lines(series: pd.DataFrame, *, title: str, y_title: str = "Aantal") -> alt.LayerChart:
    """Lines per series by month; provisional months as open points.

    Parameters
    ----------
    series : pandas.DataFrame
        ``maand`` (JJJJ-MM), ``label``, ``waarde`` (suppressed values missing), ``voorlopig``.
    title, y_title : str
        Chart and axis titles.
    """
    data = _frame(series, ["maand", "label", "waarde", "voorlopig"]).dropna(subset=["waarde"])
    data["maand"] = pd.to_datetime(data["maand"])
    data["status"] = data["voorlopig"].map({True: "voorlopig", False: "definitief"})
    base = alt.Chart(data).encode(
        x=alt.X("yearmonth(maand):T", title=None),
        y=alt.Y("waarde:Q", title=y_title),
        color=alt.Color(
            "label:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=320, columns=2)
        ),
    )
    points = base.mark_point(filled=True, size=28).encode(
        fill=alt.condition("datum.voorlopig", alt.value("white"), alt.Color("label:N")),
        tooltip=[
            alt.Tooltip("yearmonth(maand):T", title="maand"),
            alt.Tooltip("label:N", title="reeks"),
            alt.Tooltip("waarde:Q", format=",.0f"),
            alt.Tooltip("status:N", title="status"),
        ],
    )
    return (base.mark_line() + points).properties(width=620, height=220, title=title)


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
    x = alt.X("yearmonth(maand):T", title=None)
    base = alt.Chart(data)
    limits = [
        base.mark_line(color="#555", strokeDash=[5, 4], strokeWidth=1).encode(
            x=x, y=alt.Y(f"{col}:Q", title=y_title)
        )
        for col in ("ondergrens", "bovengrens")
    ]
    mean = base.mark_line(color="#333", strokeWidth=1).encode(x=x, y="gemiddelde:Q")
    values = data.dropna(subset=["waarde"])
    line = alt.Chart(values).mark_line(color="#bbbbbb").encode(x=x, y="waarde:Q")
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
                alt.Tooltip("yearmonth(maand):T", title="maand"),
                alt.Tooltip("waarde:Q", format=",.1f"),
                "oordeel:N",
                alt.Tooltip("regels:N", title="regel"),
            ],
        )
    )
    return alt.layer(*limits, mean, line, points).properties(width=620, height=220, title=title)


def funnel_chart(points: pd.DataFrame, lines: pd.DataFrame, *, title: str) -> alt.LayerChart:
    """Funnel plot: share per unit against its volume, with 95% and 99.8% limits.

    Parameters
    ----------
    points : pandas.DataFrame
        :func:`kit.trends.funnel` after suppression: ``eenheid, n, pct, beoordeling``.
    lines : pandas.DataFrame
        :func:`kit.trends.funnel_lines`.
    title : str
        Chart title.
    """
    pts = _frame(points, ["eenheid", "n", "pct", "beoordeling"]).dropna(subset=["pct", "n"])
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
                title=None,
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
            tooltip=["eenheid", "n", alt.Tooltip("pct:Q", format=".1f"), "beoordeling"],
        )
    )
    return (limit_lines + dots).properties(width=300, height=240, title=title)


def small_multiples(
    series: pd.DataFrame, *, title: str, y_title: str = "Aantal", columns: int = 4
) -> alt.FacetChart:
    """One small line chart per unit (same y scale), provisional months as open points.

    Parameters
    ----------
    series : pandas.DataFrame
        ``maand, eenheid, waarde, voorlopig`` (suppressed values missing).
    title, y_title : str
        Chart and axis titles.
    columns : int
        Charts per row.
    """
    data = _frame(series, ["maand", "eenheid", "waarde", "voorlopig"]).dropna(subset=["waarde"])
    data["maand"] = pd.to_datetime(data["maand"])
    base = alt.Chart(data).encode(
        x=alt.X("yearmonth(maand):T", title=None, axis=alt.Axis(format="%Y", tickCount=4)),
        y=alt.Y("waarde:Q", title=y_title),
    )
    layers = base.mark_line(color="#4c78a8") + base.mark_point(size=12, filled=True).encode(
        fill=alt.condition("datum.voorlopig", alt.value("white"), alt.value("#4c78a8")),
        color=alt.value("#4c78a8"),
        tooltip=[alt.Tooltip("yearmonth(maand):T", title="maand"), "eenheid", "waarde"],
    )
    return (
        layers.properties(width=150, height=90)
        .facet(facet=alt.Facet("eenheid:N", title=None), columns=columns)
        .properties(title=title)
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
    return (
        alt.Chart(data)
        .mark_bar(color="#b07aa1")
        .encode(
            x=alt.X("yearmonth(maand):T", title=None),
            y=alt.Y("verschil:Q", title="Verdwenen (trajecten)"),
            tooltip=[alt.Tooltip("yearmonth(maand):T", title="maand"), "verschil"],
        )
        .properties(
            width=620, height=160, title="Van de wachtlijst verdwenen zonder start of intrekking"
        )
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
    x = alt.X("yearmonth(maand):T", title=None)
    band = (
        alt.Chart(data.dropna(subset=["band_laag", "band_hoog"]))
        .mark_area(opacity=0.25, color="#9ecae1")
        .encode(x=x, y=alt.Y("band_laag:Q", title="Trajecten"), y2="band_hoog:Q")
    )
    estimate = (
        alt.Chart(data).mark_line(color="#3182bd", strokeDash=[4, 3]).encode(x=x, y="schatting:Q")
    )
    listed = (
        alt.Chart(data.dropna(subset=["wachtlijst"]))
        .mark_line(color="#333", point=True)
        .encode(
            x=x,
            y="wachtlijst:Q",
            tooltip=[
                alt.Tooltip("yearmonth(maand):T", title="maand"),
                "wachtlijst",
                alt.Tooltip("schatting:Q", format=".0f"),
            ],
        )
    )
    return (band + estimate + listed).properties(
        width=620,
        height=200,
        title="Wachtlijst (zwart) tegen de wet van Little (band: schatting ± marge)",
    )
