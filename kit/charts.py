"""Step 5 (charts): Altair chart builders. Input is always an aggregated, suppressed frame.

Altair embeds every column of the frame it is given in the chart spec, so builders select the
columns they draw and refuse frames with person-level columns. Reports use the ``svg`` renderer
(static, offline, no data in the output); live sessions the default renderer with the JavaScript
bundled offline.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from kit.outputs import FORBIDDEN_COLUMNS

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
            tooltip=["aanbieder", column],
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
