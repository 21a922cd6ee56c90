"""Notebook 01_quickscan: the data-quality quick scan, one function per section.

The notebook calls :func:`prepare_quickscan` once with its parameters (validated by
:class:`kit.params.QuickscanParams`) and then one function per section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import HTML, Markdown, display

from kit import charts, config
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
from kit.names import Names, add_names
from kit.params import QuickscanParams, resolve
from kit.sections.common import (
    _day,
    _n,
    _nl,
    _table,
    date_text,
    esc,
    findings_block,
    gemeenten_text,
    named,
    open_report,
    report_names,
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
    #: names for codes (aanbieders, gemeenten, categorieën); None: codes only
    display_names: Names | None = field(default=None, repr=False)
    #: the provider patterns' settings (``load_pattern_params``)
    pattern_params: dict = field(default_factory=dict, repr=False)

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
    pattern_params = load_pattern_params(own)
    patterns = provider_patterns(data, pattern_params)
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
        report_names(p.aanbieders, p.gemeentenamen),
        pattern_params,
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
            f"**Periode:** {_day(ctx.van)} t/m {_day(ctx.tot)}",
            f"**Gemeenten:** {gemeenten_text(ctx.gemeenten)}",
        ],
        [
            f"**Data:** {_nl(files)} bestanden in {len(rounds)} inleesronde(s) "
            f"(map {esc(ctx.store.name)})",
            f"**Controles:** {esc(ctx.checks_file)}",
        ],
        counts=f"aantallen onder {ctx.threshold} als <{ctx.threshold}",
    )


def message_name(code: object) -> str:
    """A berichttype in words for readers: ``Toewijzing Jeugdhulp (JW301)``."""
    types = config.package_yaml("berichten.yaml")["berichten"]
    name = types.get(str(code), {}).get("naam")
    return f"{name} (JW{esc(code)})" if name else f"JW{esc(code)}"


def _names_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def findings_sentences(
    scores: pd.DataFrame,
    findings: pd.DataFrame,
    checks: pd.DataFrame,
    patterns: pd.DataFrame,
    *,
    threshold: int,
    auto_pct: float,
) -> list[str]:
    """The "Belangrijkste bevindingen" of the quick scan: 3 to 5 plain Dutch sentences.

    Parameters
    ----------
    scores : pandas.DataFrame
        :meth:`ScanResult.scores` (not suppressed: counts are rounded or worded here).
    findings : pandas.DataFrame
        :meth:`ScanResult.findings` by berichttype.
    checks : pandas.DataFrame
        Check id, naam and ernst.
    patterns : pandas.DataFrame
        The suppressed provider patterns with ``aanbieder`` (a name, see
        :func:`kit.sections.common.named`), ``n_starts`` and ``pct_auto_305``.
    threshold : int
        Suppression threshold: a count below it reads ``minder dan N``.
    auto_pct : float
        From this share of automatic-looking starts on, an aanbieder is named.
    """
    total = scores[scores["berichttype"] == "totaal"]
    n = float(total["n"].iloc[0]) if len(total) else 0.0
    if n == 0:
        return ["Er zijn in deze periode geen berichtregels gecontroleerd."]
    if n < threshold:
        return [f"Er zijn minder dan {threshold} berichtregels: te weinig voor een oordeel."]
    pct = float(total["pct_betrouwbaar"].iloc[0])
    out = [
        f"**{_nl(pct)}% van de {_n(n, threshold)} berichtregels is betrouwbaar**: ze doorstaan "
        "alle zware controles (ernst fout of waarschuwing)."
    ]
    types = scores[(scores["berichttype"] != "totaal") & (scores["n"] >= threshold)]
    worst = types.sort_values(["pct_betrouwbaar", "berichttype"]).head(1)
    if len(worst) and float(worst["pct_betrouwbaar"].iloc[0]) < pct:
        w = worst.iloc[0]
        out.append(
            f"Het minst betrouwbaar zijn de berichten {message_name(w['berichttype'])}: "
            f"{_nl(float(w['pct_betrouwbaar']))}% doorstaat de zware controles."
        )
    severe = findings.merge(checks[["check_id", "naam", "ernst"]], on="check_id")
    severe = severe[
        severe["ernst"].isin(["fout", "waarschuwing"]) & (severe["n_afwijkend"] >= threshold)
    ]
    top = severe.groupby("naam")["n_afwijkend"].sum().sort_values(ascending=False).head(2)
    if len(top):
        parts = [f"{esc(name)} ({_n(k, threshold)} regels)" for name, k in top.items()]
        out.append(f"De controles met de meeste afwijkingen: {_names_list(parts)}.")
    else:
        out.append(f"Geen zware controle heeft {threshold} of meer afwijkende regels.")
    known = patterns[patterns["pct_auto_305"].notna()]
    auto = known[known["pct_auto_305"] >= auto_pct].sort_values(["pct_auto_305", "aanbieder"])
    if len(auto):
        names = [esc(a) for a in auto["aanbieder"][::-1]]
        word = "aanbieder" if len(names) == 1 else "aanbieders"
        out.append(
            f"Bij {len(names)} {word} lijken de meeste starts automatisch ({_names_list(names)}): "
            "hun wachttijd van toewijzing tot start is geen echte wachttijd."
        )
    else:
        out.append("Geen aanbieder meldt de start meestal automatisch.")
    return out


def change_sentence(scores: pd.DataFrame) -> str:
    """What changed in the quality since the previous quarter, in one Dutch sentence.

    ``scores`` are the region's protected, named check scores per kwartaal with their SPC
    verdict (:func:`kit.quality_history.region_scores`).
    """
    if scores.empty:
        return "Er is nog geen eerder kwartaal om de kwaliteit mee te vergelijken."
    last = scores.sort_values("kwartaal").groupby("naam").tail(1)
    quarter = str(last["kwartaal"].max()).replace("-K", " kwartaal ")
    if last["oordeel"].isna().all():
        return (
            f"Of de kwaliteit sinds het vorige kwartaal veranderde, is nog niet te zeggen: er "
            f"zijn gegevens over {scores['kwartaal'].nunique()} kwartalen, te weinig voor een "
            "betrouwbaar oordeel (SPC)."
        )
    moved = last[last["oordeel"].isin(["verbetering", "verslechtering"])]
    if moved.empty:
        return (
            f"In het laatste kwartaal ({esc(quarter)}) is geen controle duidelijk beter of "
            "slechter geworden dan in de kwartalen ervoor."
        )
    parts = [f"{esc(r.naam)} ({r.oordeel})" for r in moved.sort_values("naam").itertuples()]
    return f"In het laatste kwartaal ({esc(quarter)}) veranderde duidelijk: {_names_list(parts)}."


def findings(ctx: QuickscanContext) -> HTML:
    """Section: the "Belangrijkste bevindingen" that open the quick scan."""
    from kit.quality_history import region_scores

    table = quickscan_tables(ctx.result, ctx.patterns)["aanbieders"]
    safe = named(table.suppressed(ctx.threshold), ctx.display_names, "aanbieder")
    params = ctx.pattern_params or load_pattern_params()
    sentences = findings_sentences(
        ctx.result.scores(),
        ctx.result.findings(by=("berichttype",)),
        ctx.checks,
        safe,
        threshold=ctx.threshold,
        auto_pct=params["auto_aandeel_pct"],
    )
    if len(sentences) > 1:  # a scan with a verdict: what changed since the previous quarter
        sentences.append(change_sentence(region_scores(ctx)[1]))
    return findings_block(sentences[:5])


def scores_per_type(ctx: QuickscanContext) -> None:
    """Section: reliable share per berichttype, as a chart and a table, and per month."""
    scores = ctx.result.scores()
    table = shown(scores, SCORES_PROTECTION, threshold=ctx.threshold)
    display(charts.reliability_bars(SCORES_PROTECTION.apply(scores, ctx.threshold)))
    display(
        _table(
            table.rename(
                columns={
                    "berichttype": "Berichtsoort",
                    "n": "Regels",
                    "n_betrouwbaar": "Betrouwbaar",
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
    """Section: % failing per aanbieder (or gemeente) and check, suppressed cells left empty.

    Rows carry names (codes in the tooltip) when the report has them.
    """
    findings = FINDINGS_PROTECTION.apply(_named_findings(ctx, (row,)), ctx.threshold)
    if findings["pct_afwijkend"].isna().all():
        display(
            Markdown(
                f"*Geen afwijkingen per {row} te tonen: geen controle heeft genoeg "
                f"berichtregels (minstens {ctx.threshold}) bij één {row}.*"
            )
        )
        return
    if ctx.display_names is not None:
        findings = add_names(findings, ctx.display_names, row)
    display(charts.findings_heatmap(findings, row=row))


#: the columns of the patterns table a reader sees (the CSV keeps them all)
PATTERN_COLUMNS = [
    "aanbieder",
    "n_starts",
    "pct_auto_305",
    "pct_vot_bij_start",
    "mediaan_vot_start_dagen",
    "verschil_laag",
    "verschil_hoog",
    "gespreksagenda_vot",
    "pct_nul_dagen_declaratie",
]


def patterns(ctx: QuickscanContext) -> None:
    """Section: the named patterns per aanbieder (auto-305, VOT timing, zero-day declarations)."""
    table = quickscan_tables(ctx.result, ctx.patterns)["aanbieders"]
    safe = table.suppressed(ctx.threshold)
    if ctx.display_names is not None:
        safe = add_names(safe, ctx.display_names, "aanbieder")
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
            "aanbieders (elk telt één keer); de kolommen *Verschil, ondergrens 95%* en *Verschil, "
            "bovengrens 95%* geven het 95%-interval. Ligt het hele interval ruim onder de anderen, "
            "dan staat er in de kolom *Vraag voor het gesprek* een vraag, geen oordeel. "
            "Aanbieders van wie de 305's meestal automatisch lijken, worden niet vergeleken."
        )
    )
    shown_table = shown(table.frame, table.protection, threshold=ctx.threshold)
    shown_table = named(shown_table, ctx.display_names, "aanbieder")
    display(_table(shown_table[[c for c in PATTERN_COLUMNS if c in shown_table.columns]]))


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


def reader_explanations(table: pd.DataFrame, checks: list) -> pd.Series:
    """The ``uitleg`` of ``table`` (with ``check_id``) for readers.

    A check named by its code reads by its name, a threshold named by its key reads as its
    value.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows with ``check_id`` and ``uitleg``.
    checks : list of kit.checks.Check
        The checks as configured (:attr:`ScanResult.checks`).
    """
    names = {c.id: c.name for c in checks}
    values = {c.id: c.parameters for c in checks}
    ids = re.compile(r"\b(" + "|".join(map(re.escape, sorted(names, key=len)[::-1])) + r")\b")

    def one(check_id: str, text: object) -> object:
        if not isinstance(text, str):
            return text
        for key, value in values.get(check_id, {}).items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                text = re.sub(rf"\b{re.escape(key)}\b", _nl(float(value)), text)
        return ids.sub(lambda m: f"‘{names[m.group(1)]}’", text)

    return pd.Series(
        [one(i, t) for i, t in zip(table["check_id"], table["uitleg"], strict=True)],
        index=table.index,
    )


#: parameter and table names a check's explanation may mention (shown as code)
PARAMETER_WORDS = (*(n for n in QuickscanParams.spec() if "_" in n), "ongeldige_waarden")


def agenda(ctx: QuickscanContext, *, unit: str = "aanbieder") -> HTML:
    """Section: the conversation agenda per aanbieder or gemeente."""
    table = agenda_table(_named_findings(ctx, (unit,)), unit=unit, threshold=ctx.threshold)
    if table.empty:
        return HTML(f"<p>Geen bevindingen met minstens {ctx.threshold} afwijkende regels.</p>")
    ids = table["bevinding"].map(dict(zip(ctx.checks["naam"], ctx.checks["check_id"], strict=True)))
    explained = reader_explanations(table.assign(check_id=ids), ctx.result.checks)
    table = table.assign(uitleg=explained)
    return _table(
        named(table, ctx.display_names, unit).drop(columns=f"{unit}_code", errors="ignore"),
        code_words=PARAMETER_WORDS,
    )


def checks_overview(ctx: QuickscanContext) -> HTML:
    """Appendix: every check with its status, rule and explanation."""
    # the check's code stays, as code: it is how a region switches a check off in its own YAML
    table = ctx.checks[["check_id", "naam", "berichttype", "ernst", "regels", "status", "uitleg"]]
    table = table.assign(uitleg=reader_explanations(table, ctx.result.checks))
    return _table(table, code=("check_id",), code_words=PARAMETER_WORDS)


def quality_over_time(ctx: QuickscanContext) -> None:
    """Section: each check's score per kwartaal for the region, with SPC verdicts.

    Uses the store's history plus the scan of this notebook (its peildatum's rows, not
    written). The notebook's gemeenten apply to the whole history; its period only to this
    scan's rows: earlier quarters come from earlier quick scans in the store. Only checks judged
    in at least two quarters are drawn.
    """
    from kit.quality_history import quality_chart, region_scores, verdict_lines

    history, safe = region_scores(ctx)
    if safe.empty:
        display(Markdown("*Nog geen controle met een score in twee of meer kwartalen.*"))
        return
    display(quality_chart(safe, title="Score per controle per kwartaal (regio)"))
    peil = sorted(history["peildatum"].unique())
    lines = verdict_lines(safe)
    counted = f"{len(peil)} {'peildatum' if len(peil) == 1 else 'peildata'}"
    text = f"Historie van {counted} ({esc(', '.join(map(date_text, peil)))}). " + (
        "SPC-signaal in het laatste kwartaal: " + "; ".join(esc(x) for x in lines) + "."
        if lines
        else "Geen controle heeft een SPC-signaal (verbetering of verslechtering) in het "
        "laatste kwartaal."
    )
    display(Markdown(text))
