"""Step 5 (notebook sections): one function per notebook section: compute -> suppress -> show.

Notebooks call :func:`prepare_quickscan` once with their parameters and then one function per
section. Every table and chart shown here is aggregated and passed through the central
suppression first; text that depends on numbers is produced here (and tested), not written in the
notebook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown, display

from kit import __version__, charts, config
from kit.checks import (
    ScanResult,
    allow_test_bsns,
    evaluate_checks,
    load_checks,
    prepare_scan,
    quickscan_tables,
)
from kit.checks.patterns import provider_patterns
from kit.privacy import suppress_small_cells
from kit.store import read_meta

SEVERITY_WEIGHT = {"fout": 3, "waarschuwing": 2, "signaal": 1}


@dataclass
class QuickscanContext:
    """Everything the quick-scan notebook shows, computed once by :func:`prepare_quickscan`."""

    regio: str
    store: Path
    peildatum: pd.Timestamp
    van: pd.Timestamp
    tot: pd.Timestamp
    gemeenten: list[str]
    threshold: int
    checks_file: str
    result: ScanResult
    patterns: pd.DataFrame
    meta: dict = field(repr=False)
    live: bool = False

    @property
    def checks(self) -> pd.DataFrame:
        """The configured checks with their status."""
        return quickscan_tables(self.result, self.patterns)["controles"].frame


def _resolve(path: str) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() else config.PROJ_ROOT / p


def prepare_quickscan(
    *,
    regio: str,
    store: str,
    peildatum: str,
    periode_van: str,
    periode_tot: str,
    gemeenten: list[str],
    min_cel: int = config.MIN_CELL,
    controles: str = "",
    testdata_toegestaan: bool = False,
    live: bool = False,
) -> QuickscanContext:
    """Validate the notebook's parameters, run the quick scan and return the context.

    Parameters
    ----------
    regio : str
        Name shown in titles.
    store : str
        Store folder (relative paths are relative to the kit's folder).
    peildatum : str
        ISO date; messages dated later are left out.
    periode_van, periode_tot : str
        ISO dates: the period whose records are shown.
    gemeenten : list of str
        Gemeentecodes to show; empty = all.
    min_cel : int
        Suppression threshold for every table and chart.
    controles : str
        A region's own checks file; empty = the shipped ``checks.yaml``.
    testdata_toegestaan : bool
        Do not count test BSNs as errors (the example region uses only test BSNs).
    live : bool
        Interactive charts for a live session; static SVG for reports.

    Returns
    -------
    QuickscanContext

    Raises
    ------
    ValueError
        For a store that does not exist, dates that are not ISO dates or a period that ends
        after the peildatum.
    """
    store_path = _resolve(store)
    meta = read_meta(store_path)
    if not meta["inleesrondes"]:
        raise ValueError(
            f"De store {store_path} bestaat niet of is leeg; lees eerst berichten in "
            "met: python -m kit inlezen BRON --store MAP"
        )
    peil, van, tot = (pd.Timestamp(d) for d in (peildatum, periode_van, periode_tot))
    if not van <= tot <= peil:
        raise ValueError(
            "De periode moet lopen van periode_van tot periode_tot, niet na de peildatum."
        )
    charts.setup_rendering("live" if live else "report")
    checks = load_checks(_resolve(controles) if controles else None)
    if testdata_toegestaan:
        checks = allow_test_bsns(checks)
    data = prepare_scan(store_path, peildatum=peil)
    result = evaluate_checks(data, checks)
    flags = result.flags
    keep = flags["datum"].between(van, tot) & (
        flags["gemeente"].isin(gemeenten) if gemeenten else True
    )
    result = ScanResult(result.checks, result.status, flags[keep].reset_index(drop=True))
    patterns = provider_patterns(data)
    return QuickscanContext(
        regio,
        store_path,
        peil,
        van,
        tot,
        list(gemeenten),
        min_cel,
        controles or "kit/checks/checks.yaml (standaard)",
        result,
        patterns,
        meta,
    )


# ------------------------------------------------------------------------------------------
# Display helpers


def shown(
    frame: pd.DataFrame, counts: list[str], derived: dict | None = None, *, threshold: int
) -> pd.DataFrame:
    """A suppressed copy for display: blanked counts read ``<N``, other blanks stay empty."""
    out = suppress_small_cells(frame, counts, threshold=threshold, derived=derived)
    marker = f"<{threshold}"
    for col in counts:
        out[col] = out[col].astype("string").fillna(marker)
    return out.drop(columns="onderdrukt")


def _table(frame: pd.DataFrame) -> HTML:
    return HTML(frame.to_html(index=False, na_rep="", border=0, classes="kit-tabel"))


def header(ctx: QuickscanContext) -> Markdown | None:
    """Session header: what data, peildatum, period, definitions and kit version.

    In a rendered report the page header says this already (:mod:`kit.report`), so only a live
    session shows it.
    """
    if not ctx.live:
        return None
    rounds = ctx.meta["inleesrondes"]
    files = sum(r.get("ingelezen", 0) for r in rounds)
    gem = ", ".join(ctx.gemeenten) if ctx.gemeenten else "alle"
    return Markdown(
        f"**Regio:** {ctx.regio} &nbsp;·&nbsp; **Peildatum:** {ctx.peildatum.date()} &nbsp;·&nbsp; "
        f"**Periode:** {ctx.van.date()} t/m {ctx.tot.date()} &nbsp;·&nbsp; **Gemeenten:** {gem}\n\n"
        f"**Data:** store `{ctx.store.name}` ({files} bestanden in {len(rounds)} inleesronde(s)) "
        f"&nbsp;·&nbsp; **Controles:** {ctx.checks_file} &nbsp;·&nbsp; "
        f"**Kit-versie:** {__version__} &nbsp;·&nbsp; aantallen onder {ctx.threshold} als "
        f"<{ctx.threshold}"
    )


def verdict_text(
    scores: pd.DataFrame, findings: pd.DataFrame, checks: pd.DataFrame, *, threshold: int
) -> str:
    """One Dutch paragraph with the overall verdict and the biggest problems.

    Parameters
    ----------
    scores : pandas.DataFrame
        :meth:`ScanResult.scores`.
    findings : pandas.DataFrame
        :meth:`ScanResult.findings` grouped by berichttype only.
    checks : pandas.DataFrame
        Check id, naam and ernst.
    threshold : int
        Suppression threshold.
    """
    total = (
        scores.set_index("berichttype").loc["totaal"]
        if "totaal" in set(scores["berichttype"])
        else None
    )
    if total is None or total["n"] == 0:
        return "Er zijn in deze periode geen berichtregels gecontroleerd."
    if total["n"] < threshold:
        return f"Er zijn minder dan {threshold} berichtregels: te weinig voor een oordeel."
    worst = scores[(scores["berichttype"] != "totaal") & (scores["n"] >= threshold)]
    worst = worst.sort_values("pct_betrouwbaar").head(1)
    text = (
        f"**{total['pct_betrouwbaar']:.0f}% van de {int(total['n']):,} berichtregels is "
        f"betrouwbaar**: ze doorstaan alle controles met ernst *fout* of *waarschuwing*."
    ).replace(",", ".")
    if len(worst):
        w = worst.iloc[0]
        text += f" Het minst betrouwbaar is JW{w['berichttype']} ({w['pct_betrouwbaar']:.0f}%)."
    severe = findings.merge(checks[["check_id", "naam", "ernst"]], on="check_id")
    severe = severe[
        severe["ernst"].isin(["fout", "waarschuwing"]) & (severe["n_afwijkend"] >= threshold)
    ]
    top = severe.groupby("naam")["n_afwijkend"].sum().sort_values(ascending=False).head(3)
    if len(top):
        text += (
            " De meeste afwijkingen: "
            + "; ".join(f"{name} ({int(n):,}×)".replace(",", ".") for name, n in top.items())
            + "."
        )
    return text


def verdict(ctx: QuickscanContext) -> Markdown:
    """Section: the overall verdict in one paragraph."""
    return Markdown(
        verdict_text(
            ctx.result.scores(),
            ctx.result.findings(by=("berichttype",)),
            ctx.checks,
            threshold=ctx.threshold,
        )
    )


def scores_per_type(ctx: QuickscanContext) -> None:
    """Section: reliable share per berichttype, as a chart and a table, and per month."""
    scores = ctx.result.scores()
    table = shown(
        scores,
        ["n", "n_betrouwbaar"],
        {"pct_betrouwbaar": ["n_betrouwbaar", "n"]},
        threshold=ctx.threshold,
    )
    chart_data = suppress_small_cells(
        scores,
        ["n", "n_betrouwbaar"],
        threshold=ctx.threshold,
        derived={"pct_betrouwbaar": ["n_betrouwbaar", "n"]},
    )
    display(charts.reliability_bars(chart_data))
    display(
        _table(
            table.rename(
                columns={
                    "n": "regels",
                    "n_betrouwbaar": "betrouwbaar",
                    "pct_betrouwbaar": "% betrouwbaar",
                }
            )
        )
    )
    monthly = suppress_small_cells(
        ctx.result.scores(per_month=True),
        ["n", "n_betrouwbaar"],
        threshold=ctx.threshold,
        derived={"pct_betrouwbaar": ["n_betrouwbaar", "n"]},
    )
    display(charts.monthly_reliability(monthly))


def _named_findings(ctx: QuickscanContext, by: tuple[str, ...]) -> pd.DataFrame:
    findings = ctx.result.findings(by=by)
    return findings.merge(
        ctx.checks[["check_id", "naam", "ernst", "regels", "uitleg"]], on="check_id"
    )


def heatmap(ctx: QuickscanContext, *, row: str = "aanbieder") -> None:
    """Section: % failing per aanbieder (or gemeente) and check, suppressed cells left empty."""
    findings = _named_findings(ctx, (row,))
    findings = suppress_small_cells(
        findings,
        ["n_gecontroleerd", "n_afwijkend"],
        threshold=ctx.threshold,
        derived={"pct_afwijkend": ["n_afwijkend", "n_gecontroleerd"]},
    )
    display(charts.findings_heatmap(findings, row=row))


def patterns(ctx: QuickscanContext) -> None:
    """Section: the named patterns per aanbieder (auto-305, VOT timing, zero-day declarations)."""
    table = quickscan_tables(ctx.result, ctx.patterns)["aanbieders"]
    safe = suppress_small_cells(
        table.frame, table.counts, threshold=ctx.threshold, derived=table.derived
    )
    display(
        charts.pattern_bars(safe, "pct_auto_305", "Starts die automatisch lijken (% van de 305's)")
    )
    display(
        charts.pattern_bars(
            safe, "pct_vot_bij_start", "Zorg start binnen 14 dagen na het verzoek (% van de 315's)"
        )
    )
    display(
        charts.pattern_bars(
            safe,
            "pct_nul_dagen_declaratie",
            "Eerste declaratie begint op de ingangsdatum (% van de toewijzingen)",
        )
    )
    display(_table(shown(table.frame, table.counts, table.derived, threshold=ctx.threshold)))


def agenda_table(
    findings: pd.DataFrame, *, unit: str, threshold: int, top: int = 3
) -> pd.DataFrame:
    """Per unit (aanbieder or gemeente) the ``top`` findings most worth discussing.

    Ranked by severity weight x number failing, among checks with at least ``threshold`` failing
    records (so nothing on the agenda rests on a small count).
    """
    f = findings[findings["n_afwijkend"] >= threshold].copy()
    f["gewicht"] = f["ernst"].map(SEVERITY_WEIGHT) * f["n_afwijkend"]
    f = f.sort_values([unit, "gewicht", "check_id"], ascending=[True, False, True])
    f = f.groupby(unit, sort=True).head(top)
    return (
        f[[unit, "naam", "ernst", "n_afwijkend", "pct_afwijkend", "regels", "uitleg"]]
        .rename(
            columns={
                "naam": "bevinding",
                "n_afwijkend": "afwijkend",
                "pct_afwijkend": "% afwijkend",
            }
        )
        .reset_index(drop=True)
    )


def agenda(ctx: QuickscanContext, *, unit: str = "aanbieder") -> HTML:
    """Section: the conversation agenda per aanbieder or gemeente."""
    table = agenda_table(_named_findings(ctx, (unit,)), unit=unit, threshold=ctx.threshold)
    if table.empty:
        return HTML(f"<p>Geen bevindingen met minstens {ctx.threshold} afwijkende regels.</p>")
    return _table(table)


def checks_overview(ctx: QuickscanContext) -> HTML:
    """Appendix: every check with its status, rule and explanation."""
    return _table(
        ctx.checks[["check_id", "naam", "berichttype", "ernst", "regels", "status", "uitleg"]]
    )
