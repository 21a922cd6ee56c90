"""Notebook 01_quickscan: the data-quality quick scan, one function per section.

The notebook calls :func:`prepare_quickscan` once with its parameters (validated by
:class:`kit.params.QuickscanParams`) and then one function per section.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import HTML, Markdown, display

from kit import charts
from kit.checks import (
    FINDINGS_PROTECTION,
    SCORES_PER_MONTH_PROTECTION,
    SCORES_PROTECTION,
    ScanResult,
    allow_test_bsns,
    evaluate_checks,
    load_checks,
    prepare_scan,
    quickscan_tables,
)
from kit.checks.patterns import load_pattern_params, provider_patterns
from kit.params import QuickscanParams, resolve
from kit.sections.common import (
    _day,
    _rounded,
    _table,
    esc,
    gemeenten_text,
    open_report,
    session_header,
    shown,
)

SEVERITY_WEIGHT = {"fout": 3, "waarschuwing": 2, "signaal": 1}


@dataclass
class QuickscanContext:
    """Everything the quick-scan notebook shows, computed once by :func:`prepare_quickscan`."""

    regio: str
    store: Path
    peildatum: pd.Timestamp
    van: pd.Timestamp | None
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


def prepare_quickscan(**values: Any) -> QuickscanContext:
    """Validate the notebook's parameters, run the quick scan and return the context.

    Parameters
    ----------
    **values
        The notebook's parameters, the fields of :class:`kit.params.QuickscanParams`: regio,
        store, peildatum, periode_van and periode_tot (the records shown; empty = from the first
        message, up to the peildatum), gemeenten (empty = all), min_cel, controles (a region's
        own checks file; empty = the shipped ``checks.yaml``), testdata_toegestaan and live.

    Returns
    -------
    QuickscanContext

    Raises
    ------
    kit.params.ParameterError
        For invalid values (a date that does not exist, a period after the peildatum), in Dutch.
    StoreError
        For a store that is missing, damaged or empty (see :func:`kit.store.read_meta`).
    """
    p = QuickscanParams(**values)
    store_path, meta = open_report(p)
    peil = pd.Timestamp(p.peildatum)
    van = pd.Timestamp(p.periode_van) if p.periode_van else None
    tot = pd.Timestamp(p.periode_tot or p.peildatum)
    own = resolve(p.controles) if p.controles else None
    checks = load_checks(own)
    if p.testdata_toegestaan:
        checks = allow_test_bsns(checks)
    data = prepare_scan(store_path, peildatum=peil)
    result = evaluate_checks(data, checks)
    flags = result.flags
    keep = (flags["datum"] <= tot) & (flags["datum"] >= van if van is not None else True)
    if p.gemeenten:
        keep &= flags["gemeente"].isin(p.gemeenten)
    result = replace(result, flags=flags[keep].reset_index(drop=True))
    patterns = provider_patterns(data, load_pattern_params(own))
    return QuickscanContext(
        p.regio,
        store_path,
        peil,
        van,
        tot,
        list(p.gemeenten),
        p.min_cel,
        p.controles or "kit/checks/checks.yaml (standaard)",
        result,
        patterns,
        meta,
        p.live,
    )


def header(ctx: QuickscanContext) -> Markdown | None:
    """Session header: what data, peildatum, period, definitions and kit version.

    In a rendered report the page header says this already (:mod:`kit.report`), so only a live
    session shows it.
    """
    rounds = ctx.meta["inleesrondes"]
    files = sum(r.get("ingelezen", 0) for r in rounds)
    return session_header(
        ctx,
        [
            f"**Periode:** {_day(ctx.van)} t/m {ctx.tot.date()}",
            f"**Gemeenten:** {gemeenten_text(ctx.gemeenten)}",
        ],
        [
            f"**Data:** store {esc(ctx.store.name)} ({files} bestanden in {len(rounds)} "
            "inleesronde(s))",
            f"**Controles:** {esc(ctx.checks_file)}",
        ],
        counts=f"aantallen onder {ctx.threshold} als <{ctx.threshold}",
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
        f"**{total['pct_betrouwbaar']:.0f}% van de {_rounded(total['n'], threshold):,.0f} "
        "berichtregels is "
        f"betrouwbaar**: ze doorstaan alle controles met ernst *fout* of *waarschuwing*."
    ).replace(",", ".")
    if len(worst):
        w = worst.iloc[0]
        text += (
            f" Het minst betrouwbaar is JW{esc(w['berichttype'])} ({w['pct_betrouwbaar']:.0f}%)."
        )
    severe = findings.merge(checks[["check_id", "naam", "ernst"]], on="check_id")
    severe = severe[
        severe["ernst"].isin(["fout", "waarschuwing"]) & (severe["n_afwijkend"] >= threshold)
    ]
    top = severe.groupby("naam")["n_afwijkend"].sum().sort_values(ascending=False).head(3)
    if len(top):
        text += (
            " De meeste afwijkingen: "
            + "; ".join(
                f"{esc(name)} ({_rounded(n, threshold):,.0f}×)".replace(",", ".")
                for name, n in top.items()
            )
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
    table = shown(scores, SCORES_PROTECTION, threshold=ctx.threshold)
    display(charts.reliability_bars(SCORES_PROTECTION.apply(scores, ctx.threshold)))
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
    monthly = SCORES_PER_MONTH_PROTECTION.apply(ctx.result.scores(per_month=True), ctx.threshold)
    display(charts.monthly_reliability(monthly))


def _named_findings(ctx: QuickscanContext, by: tuple[str, ...]) -> pd.DataFrame:
    findings = ctx.result.findings(by=by)
    return findings.merge(
        ctx.checks[["check_id", "naam", "ernst", "regels", "uitleg"]], on="check_id"
    )


def heatmap(ctx: QuickscanContext, *, row: str = "aanbieder") -> None:
    """Section: % failing per aanbieder (or gemeente) and check, suppressed cells left empty."""
    findings = FINDINGS_PROTECTION.apply(_named_findings(ctx, (row,)), ctx.threshold)
    if findings["pct_afwijkend"].isna().all():
        display(
            Markdown(
                f"*Geen afwijkingen per {row} te tonen: geen controle heeft genoeg "
                f"berichtregels (minstens {ctx.threshold}) bij één {row}.*"
            )
        )
        return
    display(charts.findings_heatmap(findings, row=row))


def patterns(ctx: QuickscanContext) -> None:
    """Section: the named patterns per aanbieder (auto-305, VOT timing, zero-day declarations)."""
    table = quickscan_tables(ctx.result, ctx.patterns)["aanbieders"]
    safe = table.suppressed(ctx.threshold)
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
    display(
        Markdown(
            "**Verzoek om toewijzing (315) vlak voor de start.** Per productcategorie vergelijkt "
            "de kit de dagen van 315 tot start van elke aanbieder met de mediaan van de andere "
            "aanbieders (elk telt één keer); `verschil_laag` en `verschil_hoog` geven het "
            "95%-interval. Ligt het hele interval ruim onder de anderen, dan staat er in "
            "`gespreksagenda_vot` een **vraag voor het gesprek**, geen oordeel: misschien stuurt "
            "de aanbieder de 315 pas als het kind van de eigen wachtlijst komt, misschien is de "
            "zorg echt sneller. De berichten laten dat niet zien. Aanbieders van wie de 305's "
            "meestal automatisch lijken, worden niet vergeleken: hun begindatum is de "
            "ingangsdatum, niet de echte start."
        )
    )
    display(_table(shown(table.frame, table.protection, threshold=ctx.threshold)))


def agenda_table(
    findings: pd.DataFrame, *, unit: str, threshold: int, top: int = 3
) -> pd.DataFrame:
    """Per unit (aanbieder or gemeente) the ``top`` findings most worth discussing.

    Ranked by severity weight x number failing, among checks with at least ``threshold`` failing
    records (so nothing on the agenda rests on a small count). Counts are shown and ranked as
    published (:data:`kit.checks.FINDINGS_PROTECTION`: rounded).
    """
    f = FINDINGS_PROTECTION.apply(findings[findings["n_afwijkend"] >= threshold], threshold)
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


def quality_over_time(ctx: QuickscanContext) -> None:
    """Section: each check's score per kwartaal for the region, with SPC verdicts.

    Uses the store's history plus the scan of this notebook (its peildatum's rows, not
    written). The notebook's gemeenten apply to the whole history; its period only to this
    scan's rows: earlier quarters come from earlier quick scans in the store. Only checks judged
    in at least two quarters are drawn.
    """
    from kit.quality_history import (
        QUALITY_PROTECTION,
        REGION,
        named,
        quality_chart,
        quality_scores,
        read_history,
        verdict_lines,
        with_scan,
    )

    history = with_scan(read_history(ctx.store), ctx.result, peildatum=str(ctx.peildatum.date()))
    if ctx.gemeenten:  # the same gemeenten as the scan of this notebook
        history = history[history["gemeente"].isin(ctx.gemeenten)]
    scores = quality_scores(history, level=REGION)
    safe = named(QUALITY_PROTECTION.apply(scores, ctx.threshold), ctx.result)
    counts = safe.dropna(subset=["pct_goed"]).groupby("check_id")["kwartaal"].nunique()
    safe = safe[safe["check_id"].isin(counts[counts >= 2].index)]
    if safe.empty:
        display(Markdown("*Nog geen controle met een score in twee of meer kwartalen.*"))
        return
    display(quality_chart(safe, title="Score per controle per kwartaal (regio)"))
    peil = sorted(history["peildatum"].unique())
    lines = verdict_lines(safe)
    counted = f"{len(peil)} {'peildatum' if len(peil) == 1 else 'peildata'}"
    text = f"Historie van {counted} ({esc(', '.join(peil))}). " + (
        "SPC-signaal in het laatste kwartaal: " + "; ".join(esc(x) for x in lines) + "."
        if lines
        else "Geen controle heeft een SPC-signaal (verbetering of verslechtering) in het "
        "laatste kwartaal."
    )
    display(Markdown(text))
