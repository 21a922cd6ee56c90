"""Step 5 (notebook sections): one function per notebook section: compute -> suppress -> show.

Notebooks call :func:`prepare_quickscan` once with their parameters and then one function per
section. Every table and chart shown here is aggregated and passed through the central
suppression first; text that depends on numbers is produced here (and tested), not written in the
notebook.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import wraps
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown, display

from kit import __version__, charts, config, trends
from kit import waits as wt
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
from kit.privacy import Protection, Totals, round_counts
from kit.store import read_meta

#: characters that HTML or Markdown would act on, as numeric character references
_ACTIVE = {c: f"&#{ord(c)};" for c in "&<>\"'`*_[](){}#|!~\\"}


def esc(value: object) -> str:
    """Text that came from data, made inert for the Markdown and HTML of a report.

    Codes and names are typed by many organisations: an aanbieder code ``<script>...`` or
    ``[x](javascript:...)`` must show as text. Every character HTML or Markdown acts on
    becomes a character reference, which both render as the character itself. Tables need no
    call: :meth:`pandas.DataFrame.to_html` escapes.
    """
    return "".join(_ACTIVE.get(c, c) for c in str(value))


SEVERITY_WEIGHT = {"fout": 3, "waarschuwing": 2, "signaal": 1}
HIDDEN_MARK = "."  # a count blanked so that a total does not reveal a small one (CBS: "geheim")


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
    return config.project_path(path)


def _filled_store(store: str) -> tuple[Path, dict]:
    """The store's resolved path and metadata (:func:`kit.store.read_meta` with ``filled``).

    Raises :class:`kit.store.StoreError` with the same Dutch message as the command line for a
    missing, damaged or empty store; a notebook shows that message without a traceback.
    """
    store_path = _resolve(store)
    return store_path, read_meta(store_path, filled=True)


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
    StoreError
        For a store that is missing, damaged or empty (see :func:`kit.store.read_meta`).
    ValueError
        For dates that are not ISO dates or a period that ends after the peildatum.
    """
    store_path, meta = _filled_store(store)
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
    result = replace(result, flags=flags[keep].reset_index(drop=True))
    patterns = provider_patterns(
        data, load_pattern_params(_resolve(controles) if controles else None)
    )
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
        live,
    )


# ------------------------------------------------------------------------------------------
# Display helpers


def shown(
    frame: pd.DataFrame,
    protection: Protection | list[str],
    derived: dict | None = None,
    *,
    threshold: int,
    totals: Totals | None = None,
) -> pd.DataFrame:
    """A protected copy for display: small counts read ``<N``, other blanks stay empty.

    ``protection`` is the table's declared :class:`kit.privacy.Protection` (or, for a small ad
    hoc table, its count columns with ``derived`` and ``totals``). A count blanked only because
    a total would reveal a small one reads ``.`` (as CBS marks a secret figure).
    """
    if not isinstance(protection, Protection):
        protection = Protection(tuple(protection), derived or {}, totals)
    out = protection.apply(frame, threshold)
    for col in protection.counts:
        raw = pd.to_numeric(frame[col], errors="coerce")
        # a count that was missing already (NA) stays empty: it is neither small nor hidden
        small = raw.lt(threshold).fillna(False).to_numpy(dtype=bool)
        marker = pd.Series(np.where(small, f"<{threshold}", HIDDEN_MARK), index=out.index)
        blanked = out[col].isna().to_numpy() & raw.notna().to_numpy()
        out[col] = out[col].astype("string").fillna(marker.where(blanked))
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
    gem = esc(", ".join(ctx.gemeenten)) if ctx.gemeenten else "alle"
    return Markdown(
        f"**Regio:** {esc(ctx.regio)} &nbsp;·&nbsp; **Peildatum:** {ctx.peildatum.date()} &nbsp;·&nbsp; "
        f"**Periode:** {ctx.van.date()} t/m {ctx.tot.date()} &nbsp;·&nbsp; **Gemeenten:** {gem}\n\n"
        f"**Data:** store {esc(ctx.store.name)} ({files} bestanden in {len(rounds)} inleesronde(s)) "
        f"&nbsp;·&nbsp; **Controles:** {esc(ctx.checks_file)} &nbsp;·&nbsp; "
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
        f"**{total['pct_betrouwbaar']:.0f}% van de {_rounded(total['n'], threshold):,.0f} "
        "berichtregels is "
        f"betrouwbaar**: ze doorstaan alle controles met ernst *fout* of *waarschuwing*."
    ).replace(",", ".")
    if len(worst):
        w = worst.iloc[0]
        text += f" Het minst betrouwbaar is JW{esc(w['berichttype'])} ({w['pct_betrouwbaar']:.0f}%)."
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


# ------------------------------------------------------------------------------------------
# Notebook 02_definities: waiting-time definitions side by side


@dataclass
class DefinitiesContext:
    """Everything notebook 02_definities shows, computed once by :func:`prepare_definities`.

    ``results.measured`` holds person-level rows (pseudonyms) for the live widgets only; every
    section shows the suppressed tables in :attr:`safe`.
    """

    regio: str
    store: Path
    peildatum: pd.Timestamp
    van: pd.Timestamp
    tot: pd.Timestamp
    gemeenten: list[str]
    threshold: int
    definities_file: str
    results: wt.WaitResults = field(repr=False)
    meta: dict = field(repr=False)
    live: bool = False
    safe: dict = field(default_factory=dict, repr=False)
    #: the same tables with every count as shown: ``<N`` when small, ``.`` when blanked so that
    #: a total does not reveal a small one
    shown: dict = field(default_factory=dict, repr=False)

    def count_text(self, name: str, rows: pd.DataFrame, col: str) -> pd.Series:
        """The shown counts of ``col`` for ``rows`` (a selection of ``safe[name]``)."""
        if name in self.shown:
            return self.shown[name].loc[rows.index, col]
        return rows[col].astype("string").fillna(f"<{self.threshold}")

    @property
    def definitions(self) -> wt.Definitions:
        """The definitions and norms used."""
        return self.results.definitions

    @property
    def names(self) -> dict[str, str]:
        """Definition id -> Dutch name."""
        return {d.id: d.name for d in self.definitions.definitions}


def prepare_definities(
    *,
    regio: str,
    store: str,
    peildatum: str,
    periode_van: str,
    periode_tot: str,
    gemeenten: list[str],
    min_cel: int = config.MIN_CELL,
    definities: str = "",
    live: bool = False,
) -> DefinitiesContext:
    """Validate the notebook's parameters, measure every definition and return the context.

    Parameters
    ----------
    regio : str
        Name shown in titles.
    store : str
        Store folder (relative paths are relative to the kit's folder).
    peildatum : str
        ISO date: who still waits then is censored; later messages are left out.
    periode_van, periode_tot : str
        ISO dates: the cohort (start event in this period).
    gemeenten : list of str
        Gemeentecodes to include; empty = all.
    min_cel : int
        Suppression threshold; also the smallest group for a median (at least ``min_groep``
        of the definitions file).
    definities : str
        A region's own definitions file; empty = the shipped ``waiting_times.yaml``.
    live : bool
        Interactive charts for a live session; static SVG for reports.

    Returns
    -------
    DefinitiesContext

    Raises
    ------
    StoreError
        For a store that is missing, damaged or empty (see :func:`kit.store.read_meta`).
    ValueError
        For a period that ends after the peildatum, or an invalid definitions file (the message
        names the definition and field).
    """
    store_path, meta = _filled_store(store)
    peil, van, tot = (pd.Timestamp(d) for d in (peildatum, periode_van, periode_tot))
    if not van <= tot <= peil:
        raise ValueError(
            "De periode moet lopen van periode_van tot periode_tot, niet na de peildatum."
        )
    charts.setup_rendering("live" if live else "report")
    definitions = wt.load_definitions(_resolve(definities) if definities else None)
    results = wt.waits_from_store(
        store_path,
        peildatum=peil,
        van=van,
        tot=tot,
        definitions=definitions,
        min_n=max(definitions.min_group, min_cel),
        gemeenten=gemeenten,
    )
    tables = wt.shared_tables(results)
    safe = {name: t.suppressed(min_cel) for name, t in tables.items()}
    texts = {name: shown(t.frame, t.protection, threshold=min_cel) for name, t in tables.items()}
    return DefinitiesContext(
        regio,
        store_path,
        peil,
        van,
        tot,
        list(gemeenten),
        min_cel,
        definities or "kit/waiting_times.yaml (standaard)",
        results,
        meta,
        live,
        safe,
        texts,
    )


def _nl(value: float, *, decimals: int = 0) -> str:
    """A number in Dutch notation: 4.142 and 8,6."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _count(value: object, threshold: int) -> str:
    return f"minder dan {threshold}" if value is None or pd.isna(value) else _nl(float(value))


def definities_header(ctx: DefinitiesContext) -> Markdown | None:
    """Session header (live only; a rendered report has it in its page header)."""
    if not ctx.live:
        return None
    gem = esc(", ".join(ctx.gemeenten)) if ctx.gemeenten else "alle"
    return Markdown(
        f"**Regio:** {esc(ctx.regio)} &nbsp;·&nbsp; **Peildatum:** {ctx.peildatum.date()} &nbsp;·&nbsp; "
        f"**Cohort:** start {ctx.van.date()} t/m {ctx.tot.date()} &nbsp;·&nbsp; "
        f"**Gemeenten:** {gem}\n\n**Definities:** {esc(ctx.definities_file)} &nbsp;·&nbsp; "
        f"**Kit-versie:** {__version__} &nbsp;·&nbsp; geen mediaan op minder dan "
        f"{ctx.results.min_n} trajecten, aantallen onder {ctx.threshold} als <{ctx.threshold}"
    )


def _median_cell(row: pd.Series) -> str:
    median = wt.days_text(row["mediaan_dagen"])
    if median in ("—", "niet bereikt") or pd.isna(row["mediaan_ci_laag"]):
        return median
    high = row["mediaan_ci_hoog"]
    high_text = "∞" if np.isinf(high) else f"{high:.0f}"
    return f"{median} ({row['mediaan_ci_laag']:.0f}–{high_text})"


def overview_table(
    summary: pd.DataFrame,
    definitions: wt.Definitions,
    *,
    threshold: int,
    groep: str = "totaal",
    shown_summary: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per definition for one group, with Dutch column names, ready to show.

    Parameters
    ----------
    summary : pandas.DataFrame
        The suppressed ``samenvatting`` table.
    definitions : kit.waits.Definitions
    threshold : int
        Suppressed counts read ``<threshold``.
    groep : str
        Which group (``totaal``, ``categorie=45``, ...).
    shown_summary : pandas.DataFrame, optional
        The same table as shown (:func:`shown`): counts blanked to protect a total read ``.``.
    """
    rows = summary[summary["groep"] == groep].set_index("definitie")
    names = {d.id: d.name for d in definitions.definitions}
    out = pd.DataFrame({"Definitie": [names[i] for i in rows.index]})
    for col, label in (
        ("n", "Trajecten"),
        ("n_gestart", "Gestart"),
        ("n_wachtend", "Wacht nog"),
        ("n_uitgevallen", "Uitgevallen"),
    ):
        if shown_summary is not None:
            text = shown_summary[summary["groep"] == groep].set_index("definitie")[col]
            out[label] = text.reindex(rows.index).tolist()
            continue
        out[label] = [
            _count(v, threshold).replace(f"minder dan {threshold}", f"<{threshold}")
            for v in rows[col]
        ]
    out["Mediaan KM (95%-BI)"] = [_median_cell(r) for _, r in rows.iterrows()]
    out["P80"] = [wt.days_text(v) for v in rows["p80_dagen"]]
    out["P90"] = [wt.days_text(v) for v in rows["p90_dagen"]]
    out["Mediaan alleen afgerond"] = [wt.days_text(v) for v in rows["mediaan_afgerond_dagen"]]
    out["% 0 dagen"] = [_pct_cell(v) for v in rows["pct_nul_dagen"]]
    for norm in definitions.norms:
        out[f"% binnen {norm.name}"] = [_pct_cell(v) for v in rows[wt.norm_column(norm)]]
    return out


def _pct_cell(value: float) -> str:
    return "" if pd.isna(value) else f"{_nl(value, decimals=1)}%"


def population_texts(population: pd.DataFrame, *, threshold: int) -> dict[str, str]:
    """Per definition: its population and how many pathways it leaves out, in Dutch.

    ``population`` is the suppressed ``populatie`` table; a suppressed count reads
    ``minder dan <threshold>``.
    """
    texts = {}
    for _, r in population.iterrows():
        n = r["n_buiten_populatie"]
        if r["populatie"] == "alle trajecten":
            texts[r["definitie"]] = "alle trajecten"
        elif not pd.isna(n) and int(n) == 0:
            texts[r["definitie"]] = f"{r['populatie']} (niets weggelaten)"
        else:
            texts[r["definitie"]] = f"{r['populatie']} ({_count(n, threshold)} weggelaten)"
    return texts


def definities_overzicht(ctx: DefinitiesContext, *, groep: str = "totaal") -> HTML:
    """Section: all definitions side by side (Kaplan–Meier and the naive figures).

    The totals state their population next to the figures: which categories a definition leaves
    out and how many pathways of the cohort that are (a total of another population, such as a
    dashboard's, is not comparable).
    """
    table = overview_table(
        ctx.safe["samenvatting"],
        ctx.definitions,
        threshold=ctx.threshold,
        groep=groep,
        shown_summary=ctx.shown.get("samenvatting"),
    )
    if groep == "totaal" and "populatie" in ctx.safe:
        texts = population_texts(ctx.safe["populatie"], threshold=ctx.threshold)
        rows = ctx.safe["samenvatting"]
        ids = rows.loc[rows["groep"] == groep, "definitie"].tolist()
        table.insert(1, "Populatie", [texts.get(i, "") for i in ids])
    return _table(table)


def lapse_table(lapse: pd.DataFrame, names: dict[str, str], *, threshold: int) -> pd.DataFrame:
    """The waiting list and the KM median with and without "vermoedelijk vervallen" (suppressed
    ``vermoedelijk_vervallen`` table in, Dutch columns out)."""
    def count(v: object) -> str:
        return _count(v, threshold).replace(f"minder dan {threshold}", f"<{threshold}")

    return pd.DataFrame(
        {
            "Definitie": lapse["definitie"].map(names),
            "Groep": lapse["groep"],
            "Wachtlijst zonder regel": [count(v) for v in lapse["n_wachtend_zonder_regel"]],
            "Wachtlijst met regel": [count(v) for v in lapse["n_wachtend"]],
            "Vermoedelijk vervallen": [count(v) for v in lapse["n_vervallen"]],
            "Mediaan zonder regel": [wt.days_text(v) for v in lapse["mediaan_zonder_regel_dagen"]],
            "Mediaan met regel": [wt.days_text(v) for v in lapse["mediaan_dagen"]],
        }
    )


def _named(frame: pd.DataFrame, ctx: DefinitiesContext, kind: str | None = None) -> pd.DataFrame:
    kinds = {d.id: d.kind for d in ctx.definitions.definitions}
    frame = frame[frame["definitie"].map(kinds) == kind] if kind else frame
    return frame.assign(naam=frame["definitie"].map(ctx.names))


def km_curves(ctx: DefinitiesContext, *, soort: str = "wachttijd", max_dagen: int = 365) -> None:
    """Section: overlaid Kaplan–Meier curves (whole cohort) with the norms as vertical lines."""
    curves = _named(ctx.safe["km"], ctx, soort)
    curves = curves[curves["groep"] == "totaal"]
    if curves.empty:
        display(Markdown(_no_curve(ctx)))
        return
    norms = pd.DataFrame(
        {
            "naam": [n.name for n in ctx.definitions.norms],
            "dagen": [n.days for n in ctx.definitions.norms],
        }
    )
    display(
        charts.km_overlay(
            curves, norms=norms if soort == "wachttijd" else None, max_dagen=max_dagen
        )
    )


def incidence(ctx: DefinitiesContext, *, max_dagen: int = 365) -> None:
    """Section: cumulative incidence of started versus left without care (Aalen–Johansen)."""
    data = _named(ctx.safe["cumulatieve_incidentie"], ctx, "wachttijd")
    if data.empty:
        display(Markdown(_no_curve(ctx)))
        return
    display(charts.incidence_chart(data, max_dagen=max_dagen))


def _no_curve(ctx: DefinitiesContext) -> str:
    return (
        "*Geen curve te tekenen: geen definitie heeft in dit cohort minstens "
        f"{ctx.results.min_n} trajecten met een start (een curve op minder trajecten zou "
        "kleine aantallen tonen).*"
    )


def _date_nl(day: pd.Timestamp) -> str:
    """``31 januari 2026``."""
    return f"{day.day} {MONTHS_NL[day.month - 1]} {day.year}"


def _event_nl(event: wt.Event) -> str:
    """``Begindatum (305)``: the field and message of a start or stop event."""
    name = event.field or event.column
    return f"{name} ({event.message})" if event.message else name


def definition_text(
    definition: wt.WaitDefinition,
    summary_row: pd.Series,
    reconciliation: pd.DataFrame,
    sensitivity_row: pd.Series | None,
    *,
    threshold: int,
    complete_until: pd.Timestamp | None = None,
    shown_row: pd.Series | None = None,
) -> str:
    """Dutch Markdown for one definition: what it measures, what distorts it, and its numbers.

    Parameters
    ----------
    definition : kit.waits.WaitDefinition
    summary_row : pandas.Series
        The suppressed ``totaal`` row of this definition in ``samenvatting``.
    reconciliation : pandas.DataFrame
        The suppressed ``aansluiting`` rows of this definition.
    sensitivity_row : pandas.Series, optional
        The suppressed ``totaal`` row of ``gevoeligheid`` (None when nothing was flagged).
    threshold : int
        Suppression threshold (blank counts read "minder dan N").
    complete_until : pandas.Timestamp, optional
        Last day with complete stop messages (``voorlopig_door``), when before the peildatum.
    shown_row : pandas.Series, optional
        The same row as shown (:func:`shown`): a count blanked to protect a total reads ``.``
        and is then called "een afgeschermd aantal", not "minder dan N".
    """
    r = summary_row

    def count(col: str) -> str:
        if shown_row is not None and col in shown_row and shown_row[col] == HIDDEN_MARK:
            return "een afgeschermd aantal"
        return _count(r[col], threshold)

    text = [
        f"### {definition.name}",
        definition.explanation,
        f"*Wat vertekent:* {definition.distortion}",
    ]
    if pd.isna(r["n"]) or r["n"] == 0:
        text.append("In dit cohort telt geen enkel traject mee.")
        return "\n\n".join(text)
    numbers = (
        f"In het cohort tellen {count('n')} trajecten mee: "
        f"{count('n_gestart')} gestart, {count('n_wachtend')} "
        f"wachten nog op de peildatum"
    )
    numbers += (
        f" en {count('n_uitgevallen')} zonder zorg uitgevallen."
        if definition.exits
        else "."
    )
    if not pd.isna(r["mediaan_dagen"]):
        numbers += f" De mediaan volgens Kaplan–Meier is {wt.days_text(r['mediaan_dagen'])}"
        numbers += f", P90 {wt.days_text(r['p90_dagen'])}."
    if not pd.isna(r["pct_nul_dagen"]) and r["pct_nul_dagen"] >= 5:
        numbers += (
            f" {_nl(r['pct_nul_dagen'], decimals=1)}% van de gestarte trajecten heeft 0 dagen."
        )
    text.append(numbers)
    negative = r.get("n_negatief_nul", 0)
    if pd.isna(negative) or negative > 0:
        text.append(
            f"Bij {count('n_negatief_nul')} trajecten ligt de {_event_nl(definition.stop)} "
            f"vóór de {_event_nl(definition.start)}: die tellen mee als 0 dagen (gestart "
            "zonder te wachten), niet als fout weggelaten."
        )
    out = reconciliation[(reconciliation["stap"] == "uit") & ~reconciliation["n"].eq(0)]
    if complete_until is not None:
        late = reconciliation[reconciliation["reden"] == wt.OUT_PROVISIONAL]["n"]
        text.append(
            f"*Voorlopig:* de {_event_nl(definition.stop)} komt pas weken later binnen. Naar de "
            "eigen vertraging van die berichten zijn ze compleet tot en met "
            f"{_date_nl(complete_until)}; deze definitie telt daarom tot die dag. Wie dan nog "
            + (
                "wacht, telt als wachtend op die dag (ook in de momentopname), en "
                if definition.is_wait
                else "loopt, is op die dag gecensureerd, en "
            )
            + f"{_count(late.iloc[0] if len(late) else 0, threshold)} trajecten die later "
            "begonnen tellen nog niet mee."
        )
    out = out[
        ~out["reden"].isin(
            [wt.OUT_FILTER, wt.OUT_WINDOW, wt.OUT_START_AFTER, wt.OUT_PROVISIONAL]
        )
    ]
    if len(out):
        text.append(
            "Niet meegeteld: "
            + "; ".join(
                f"{_count(n, threshold)} met '{reden}'"
                for reden, n in zip(out["reden"], out["n"], strict=True)
            )
            + " (zie de aansluiting)."
        )
    s = sensitivity_row
    if s is not None and not pd.isna(s["n_gemarkeerd"]) and s["n_gemarkeerd"] > 0:
        if pd.isna(s["mediaan_zonder_dagen"]):
            text.append(
                f"Zonder de {_count(s['n_gemarkeerd'], threshold)} trajecten die de quick scan markeert "
                "blijven te weinig trajecten over voor een mediaan."
            )
        elif s["mediaan_zonder_dagen"] == s["mediaan_dagen"]:
            text.append(
                f"Zonder de {_count(s['n_gemarkeerd'], threshold)} trajecten die de quick scan markeert "
                f"blijft de mediaan {wt.days_text(s['mediaan_dagen'])}."
            )
        else:
            text.append(
                f"Zonder de {_count(s['n_gemarkeerd'], threshold)} trajecten die de quick scan markeert "
                f"is de mediaan {wt.days_text(s['mediaan_zonder_dagen'])} in plaats van "
                f"{wt.days_text(s['mediaan_dagen'])}."
            )
    return "\n\n".join(text)


def definities_uitleg(ctx: DefinitiesContext) -> Markdown:
    """Section: per definition what it measures, what distorts it, and its own numbers."""
    summary = ctx.safe["samenvatting"]
    recon = ctx.safe["aansluiting"]
    sens = ctx.safe["gevoeligheid"]
    shown_summary = ctx.shown.get("samenvatting")
    parts = []
    for d in ctx.definitions.definitions:
        row = summary[(summary["definitie"] == d.id) & (summary["groep"] == "totaal")]
        srow = sens[(sens["definitie"] == d.id) & (sens["groep"] == "totaal")]
        parts.append(
            definition_text(
                d,
                row.iloc[0],
                recon[recon["definitie"] == d.id],
                srow.iloc[0] if len(srow) else None,
                threshold=ctx.threshold,
                complete_until=ctx.results.complete_until.get(d.id),
                shown_row=None if shown_summary is None else shown_summary.loc[row.index[0]],
            )
        )
    return Markdown("\n\n".join(parts))


def naive_vs_km_text(name: str, row: pd.Series, *, threshold: int) -> str:
    """One plain Dutch sentence comparing the completed-only median with Kaplan–Meier.

    Parameters
    ----------
    name : str
        The definition's name.
    row : pandas.Series
        Its suppressed ``totaal`` row in ``samenvatting``.
    threshold : int
        Suppression threshold.
    """
    naive, km = row["mediaan_afgerond_dagen"], row["mediaan_dagen"]
    if pd.isna(naive) or pd.isna(km):
        return f"**{name}**: te weinig trajecten om de medianen te vergelijken."
    waiting = _count(row["n_wachtend"], threshold)
    if np.isinf(km):
        return (
            f"**{name}**: alleen de afgeronde wachttijden geven een mediaan van "
            f"{wt.days_text(naive)}, maar meer dan de helft van de kinderen ({waiting} wachten nog) "
            "is nog niet gestart: de echte mediaan is nog niet te zien."
        )
    diff = km - naive
    if abs(diff) < 1:
        return (
            f"**{name}**: de mediaan van alleen de afgeronde wachttijden ({wt.days_text(naive)}) "
            f"is gelijk aan die volgens Kaplan–Meier; de {waiting} kinderen die nog wachten "
            "veranderen het beeld hier niet."
        )
    direction = "langer" if diff > 0 else "korter"
    return (
        f"**{name}**: alleen de afgeronde wachttijden geven een mediaan van "
        f"{wt.days_text(naive)}; Kaplan–Meier, dat de {waiting} kinderen die op de peildatum nog "
        f"wachten meetelt, geeft {wt.days_text(km)} ({wt.days_text(abs(diff))} {direction})."
    )


def naief_tegenover_km(ctx: DefinitiesContext) -> Markdown:
    """Section: naive versus censoring-aware medians, as a chart and a sentence each."""
    summary = _named(ctx.safe["samenvatting"], ctx)
    summary = summary[summary["groep"] == "totaal"]
    medians = pd.concat(
        [
            pd.DataFrame(
                {"naam": summary["naam"], "maat": "Kaplan–Meier", "dagen": summary["mediaan_dagen"]}
            ),
            pd.DataFrame(
                {
                    "naam": summary["naam"],
                    "maat": "alleen afgerond (naïef)",
                    "dagen": summary["mediaan_afgerond_dagen"],
                }
            ),
        ],
        ignore_index=True,
    )
    if np.isfinite(medians["dagen"].astype(float)).any():  # else every sentence says why
        display(charts.median_comparison(medians))
    return Markdown(
        "\n\n".join(
            naive_vs_km_text(r["naam"], r, threshold=ctx.threshold) for _, r in summary.iterrows()
        )
    )


def aansluiting(ctx: DefinitiesContext) -> HTML:
    """Section: reconciliation per definition: in, out and why, and the outcomes of those in."""
    recon = ctx.safe["aansluiting"]
    recon = recon.assign(
        naam=recon["definitie"].map(ctx.names),
        rij=recon["stap"] + ": " + recon["reden"],
        waarde=ctx.count_text("aansluiting", recon, "n"),
    )
    table = recon.pivot_table(
        index="rij", columns="naam", values="waarde", aggfunc="first", sort=False
    )
    table = table.reindex(
        columns=[ctx.names[i] for i in ctx.definitions.ids if ctx.names[i] in table.columns]
    )
    return _table(
        table.fillna("").rename_axis(None, axis=1).reset_index().rename(columns={"rij": ""})
    )


def gevoeligheid(ctx: DefinitiesContext) -> HTML:
    """Section: the estimates without the records the quick scan flags."""
    sens = ctx.safe["gevoeligheid"]
    if sens.empty:
        return HTML("<p>De quick scan markeert in dit cohort geen trajecten.</p>")
    table = pd.DataFrame(
        {
            "Definitie": sens["definitie"].map(ctx.names),
            "Groep": sens["groep"],
            "Trajecten": ctx.count_text("gevoeligheid", sens, "n"),
            "Mediaan": [wt.days_text(v) for v in sens["mediaan_dagen"]],
            "Gemarkeerd": ctx.count_text("gevoeligheid", sens, "n_gemarkeerd"),
            "Mediaan zonder gemarkeerde": [wt.days_text(v) for v in sens["mediaan_zonder_dagen"]],
        }
    )
    return _table(table)


def momentopname(ctx: DefinitiesContext) -> HTML:
    """Section: who waits at the peildatum, by time waited, and how many beyond each norm."""
    snap = _named(ctx.safe["momentopname"], ctx)
    display(charts.snapshot_bars(snap, bands=wt.band_labels(ctx.definitions.snapshot_weeks)))
    norms = _named(ctx.safe["wachtenden_per_norm"], ctx)
    above = ctx.count_text("wachtenden_per_norm", norms, "n_boven_norm")
    norms = norms.assign(
        waarde=[
            text if pd.isna(n) else (f"{_nl(n)} ({_pct_cell(p)})" if not pd.isna(p) else _nl(n))
            for text, n, p in zip(
                above, norms["n_boven_norm"], norms["pct_boven_norm"], strict=True
            )
        ],
        wachtend=ctx.count_text("wachtenden_per_norm", norms, "n_wachtend"),
    )
    table = norms.pivot_table(
        index="naam", columns="norm", values="waarde", aggfunc="first", sort=False
    )
    labels = {n.id: f"langer dan {n.name}" for n in ctx.definitions.norms}
    table = table.rename(columns=labels).rename_axis(None, axis=1)
    waiting = norms.drop_duplicates("naam").set_index("naam")["wachtend"]
    table.insert(0, "wachtend", waiting)
    waits = {d.id: d.name for d in ctx.definitions.definitions if d.is_wait}
    note = snapshot_note(ctx.results.complete_until, waits)
    if note:
        display(Markdown(note))
    shown = _table(table.reset_index().rename(columns={"naam": "Definitie"}))
    lapse = ctx.safe.get("vermoedelijk_vervallen")
    if lapse is None or lapse.empty:
        return shown
    rules = {
        x.id: x for d in ctx.definitions.definitions for x in d.exits if x.silent_days is not None
    }
    rule = next(iter(rules.values()))
    text = (
        f"<p><b>{rule.name}.</b> Veel toewijzingen eindigen zonder enig bericht: het gezin ziet "
        "af van zorg, verhuist of vindt zorg elders, en niemand stuurt een intrekking of een "
        "stopbericht. In de berichten lijken zulke kinderen te blijven wachten. De kit telt een "
        f"traject als vermoedelijk vervallen als er {rule.silent_days} dagen na de ingangsdatum "
        "of het laatste bericht niets meer over kwam; het wachten eindigt dan op die dag, zonder "
        "zorg. Dat is een aanname: kinderen die echt zo lang wachten, vallen er ook onder. Daarom "
        "staan de wachtlijst op de peildatum en de mediaan (Kaplan–Meier) hieronder met en zonder "
        "deze regel. De cijfers hierboven zijn met de regel.</p>"
    )
    table = lapse_table(lapse, ctx.names, threshold=ctx.threshold)
    return HTML(shown.data + text + _table(table).data)


def snapshot_note(complete_until: dict[str, pd.Timestamp], names: dict[str, str]) -> str:
    """Dutch note: the snapshot is one number per peildatum, and where it is taken earlier.

    Parameters
    ----------
    complete_until : dict of str to pandas.Timestamp
        :attr:`kit.waits.WaitResults.complete_until` (definition id -> last complete day).
    names : dict of str to str
        Definition id -> Dutch name, only the definitions with a snapshot (waiting times).
    """
    text = (
        "Wie op de peildatum wacht, hangt niet af van het gekozen cohort: de momentopname telt "
        "iedereen die dan nog wacht, ook wie vóór de periode begon."
    )
    for did, day in sorted(complete_until.items()):
        if did in names:
            text += (
                f" Voor *{names[did]}* is dat de stand op {_date_nl(day)}: de berichten van "
                "daarna zijn nog niet compleet."
            )
    return text


def schadelijk_wachten(ctx: DefinitiesContext) -> HTML:
    """Section: children waiting beyond the "schadelijk wachten" norm, by age and protection."""
    h = _named(ctx.safe["schadelijk_wachten"], ctx)
    h = h.assign(
        kolom=h["leeftijd"] + " jaar" + np.where(h["jeugdbescherming"] == "ja", ", met JB/JR", ""),
        waarde=ctx.count_text("schadelijk_wachten", h, "kinderen"),
    )
    table = h.pivot_table(
        index="naam", columns="kolom", values="waarde", aggfunc="first", sort=False
    )
    return _table(
        table.rename_axis(None, axis=1).reset_index().rename(columns={"naam": "Definitie"})
    )


def uitsplitsing(ctx: DefinitiesContext, *, definitie: str, by: str = "aanbieder") -> HTML:
    """Section: one definition per categorie, aanbieder or gemeente (Kaplan–Meier and naive)."""
    summary = ctx.safe["samenvatting"]
    rows = summary[(summary["definitie"] == definitie) & summary["groep"].str.startswith(f"{by}=")]
    table = pd.DataFrame(
        {
            by.capitalize(): rows["groep"].str.removeprefix(f"{by}="),
            "Trajecten": ctx.count_text("samenvatting", rows, "n"),
            "Wacht nog": ctx.count_text("samenvatting", rows, "n_wachtend"),
            "Mediaan KM (95%-BI)": [_median_cell(r) for _, r in rows.iterrows()],
            "P90": [wt.days_text(v) for v in rows["p90_dagen"]],
            "Mediaan alleen afgerond": [wt.days_text(v) for v in rows["mediaan_afgerond_dagen"]],
            "% 0 dagen": [_pct_cell(v) for v in rows["pct_nul_dagen"]],
        }
    )
    return _table(table)


# ------------------------------------------------------------------------------------------
# Trends (notebook 03_trends)

MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
#: the monthly series the SPC section judges (region level)
SPC_SERIES = ("toewijzingen", "starts", "wachtlijst", "wachttijd_gestart_mediaan")


@dataclass
class TrendsContext:
    """Everything notebook 03_trends shows, computed once by :func:`prepare_trends`.

    ``result`` holds aggregates that are not suppressed yet (no person-level rows); every
    section suppresses what it shows.
    """

    regio: str
    store: Path
    peildatum: pd.Timestamp
    gemeenten: list[str]
    threshold: int
    bevolking_file: str
    van: str
    baseline: tuple[str, str] | None
    result: trends.Trends | None = field(repr=False)
    meta: dict = field(repr=False)
    live: bool = False
    #: why there are no trends (``result`` is None), in Dutch
    reden: str = ""

    @property
    def series(self) -> pd.DataFrame:
        """The monthly series from the first month shown on (not suppressed)."""
        s = self.result.series
        return s[s["maand"] >= self.van]


def _month(value: str, name: str) -> str:
    """A month ``JJJJ-MM``; a date ``JJJJ-MM-DD`` (as the other notebooks take) means its month."""
    if value and len(value) == 10:
        try:
            return pd.Timestamp(value).strftime("%Y-%m")
        except ValueError:
            pass
    if value and (len(value) != 7 or value[4] != "-" or not value.replace("-", "").isdigit()):
        raise ValueError(
            f"{name} moet een maand (JJJJ-MM) of datum (JJJJ-MM-DD) zijn, of leeg, niet {value!r}."
        )
    return value


def prepare_trends(
    *,
    regio: str,
    store: str,
    peildatum: str,
    gemeenten: list[str],
    bevolking: str = "",
    min_cel: int = config.MIN_CELL,
    norm_weken: float = 10,
    periode_van: str = "",
    basislijn_van: str = "",
    basislijn_tot: str = "",
    min_volledigheid: float | None = None,
    live: bool = False,
) -> TrendsContext:
    """Validate the notebook's parameters, compute every trend table and return the context.

    Parameters
    ----------
    regio : str
        Name shown in titles.
    store : str
        Store folder (relative paths are relative to the kit's folder).
    peildatum : str
        ISO date; later messages are left out and the series end with the last full month.
    gemeenten : list of str
        Gemeentecodes to include; empty = all.
    bevolking : str
        Population CSV (``gemeente, jaar, aantal_0_17``, see :func:`kit.trends.read_population`);
        empty = no rates per 1,000 jeugdigen.
    min_cel : int
        Suppression threshold for every table and chart.
    norm_weken : float
        Waiting-time norm (weeks) for the funnel "binnen de norm" and the queueing indicators.
    periode_van : str
        First month shown (``JJJJ-MM``); empty = from the first message.
    basislijn_van, basislijn_tot : str
        Months (``JJJJ-MM``) from which the SPC mean and limits are computed; both empty = all
        months shown.
    min_volledigheid : float, optional
        A month is provisional while less than this share (0..1] of its messages is estimated
        to have arrived; default ``voorlopig.min_volledigheid`` of ``waiting_times.yaml``.
    live : bool
        Interactive charts for a live session; static SVG for reports.

    Returns
    -------
    TrendsContext

    Raises
    ------
    StoreError
        For a store that is missing, damaged or empty (see :func:`kit.store.read_meta`).
    ValueError
        For months that are not ``JJJJ-MM``, a baseline with fewer than two months, a
        completeness outside (0, 1] or an invalid population file.
    """
    store_path, meta = _filled_store(store)
    peil = pd.Timestamp(peildatum)
    van = _month(periode_van, "periode_van")
    base_from = _month(basislijn_van, "basislijn_van")
    base_to = _month(basislijn_tot, "basislijn_tot")
    if bool(base_from) != bool(base_to) or (base_from and base_from >= base_to):
        raise ValueError(
            "Geef basislijn_van en basislijn_tot allebei (van vóór tot), of laat ze allebei leeg."
        )
    if min_volledigheid is None:
        min_volledigheid = config.min_complete()
    if not 0 < min_volledigheid <= 1:
        raise ValueError("min_volledigheid moet tussen 0 en 1 liggen (bijvoorbeeld 0.95).")
    charts.setup_rendering("live" if live else "report")
    population = trends.read_population(_resolve(bevolking)) if bevolking else None
    data = prepare_scan(store_path, peildatum=peil)
    try:
        result, reason = (
            trends.compute_trends(
                data,
                population=population,
                threshold_complete=min_volledigheid,
                norm_weeks=norm_weken,
                gemeenten=gemeenten,
            ),
            "",
        )
    except trends.NoTrendsError as exc:  # every section then says so (see _needs_trends)
        result, reason = None, str(exc)
    return TrendsContext(
        regio,
        store_path,
        peil,
        list(gemeenten),
        min_cel,
        bevolking or "geen",
        van if result is None else van or result.series["maand"].min(),
        (base_from, base_to) if base_from and result is not None else None,
        result,
        meta,
        live,
        reden=reason,
    )


def _needs_trends(section: Callable) -> Callable:
    """Decorate a trends section: without trends it shows nothing (the headline says why)."""

    @wraps(section)
    def guarded(ctx: TrendsContext, *args, **kwargs):
        if ctx.result is None:
            return None
        return section(ctx, *args, **kwargs)

    return guarded


def trends_header(ctx: TrendsContext) -> Markdown | None:
    """Session header (live only; a rendered report has it in its page header)."""
    if not ctx.live:
        return None
    gem = esc(", ".join(ctx.gemeenten)) if ctx.gemeenten else "alle"
    base = " t/m ".join(ctx.baseline) if ctx.baseline else "alle getoonde maanden"
    return Markdown(
        f"**Regio:** {esc(ctx.regio)} &nbsp;·&nbsp; **Peildatum:** {ctx.peildatum.date()} &nbsp;·&nbsp; "
        f"**Gemeenten:** {gem} &nbsp;·&nbsp; **Vanaf:** {ctx.van} &nbsp;·&nbsp; "
        f"**SPC-basisperiode:** {base}\n\n**Bevolking:** {esc(ctx.bevolking_file)} &nbsp;·&nbsp; "
        f"**Kit-versie:** {__version__} &nbsp;·&nbsp; aantallen onder {ctx.threshold} als "
        f"<{ctx.threshold}"
    )


def month_nl(month: str) -> str:
    """``2026-03`` -> ``maart 2026``."""
    return f"{MONTHS_NL[int(month[5:7]) - 1]} {month[:4]}"


def _months_nl(months: list[str]) -> str:
    names = [month_nl(m) for m in months]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def _rounded(value: float, threshold: int) -> float:
    """A count as it is published: rounded (see :func:`kit.privacy.round_counts`)."""
    return float(round_counts(pd.Series([value], dtype=float), threshold=threshold).iloc[0])


def _n(value: float, threshold: int) -> str:
    """A count in Dutch, rounded, or ``minder dan N`` when it is small (0 stays 0)."""
    if pd.isna(value):
        return "onbekend"
    if 0 < value < threshold:
        return f"minder dan {threshold}"
    return _nl(_rounded(value, threshold))


def _region_series(ctx: TrendsContext, reeksen: list[str], *, eenheid: str = trends.REGIO):
    s = ctx.series
    niveau = "regio" if eenheid == trends.REGIO else "gemeente"
    s = s[(s["niveau"] == niveau) & (s["eenheid"] == eenheid) & s["reeks"].isin(reeksen)]
    safe = trends.SERIES_PROTECTION.apply(s, ctx.threshold)
    return safe.assign(label=safe["reeks"].map(trends.series_label))


def headline_text(series: pd.DataFrame, *, threshold: int) -> str:
    """Dutch summary of the last final month: in, out, and the waiting list a year earlier.

    Parameters
    ----------
    series : pandas.DataFrame
        :func:`kit.trends.monthly_series` with ``voorlopig`` (the ``regio`` level is used).
    threshold : int
        Counts below it (and above 0) read ``minder dan N``.
    """
    region = series[series["niveau"] == "regio"]
    wide = region.pivot_table(index="maand", columns="reeks", values="waarde", aggfunc="first")
    provisional = region.groupby("maand")["voorlopig"].any()
    months = list(wide.index)
    final = [m for m in months if not provisional.get(m, False)]
    if not final:
        return "Er is nog geen maand waarvan de berichten compleet genoeg zijn om te beschrijven."
    last = final[-1]
    row = wide.loc[last]
    text = (
        f"In **{month_nl(last)}** kwamen er {_n(row['toewijzingen'], threshold)} nieuwe "
        f"toewijzingen bij, gingen {_n(row['starts'], threshold)} trajecten van start en "
        f"stopten er {_n(row['stops'], threshold)}. Op het eind van de maand stonden "
        f"{_n(row['wachtlijst'], threshold)} toewijzingen op de wachtlijst"
    )
    year_ago = str(pd.Period(last, "M") - 12)
    if year_ago in wide.index and row["wachtlijst"] >= threshold:
        before = _rounded(wide.loc[year_ago, "wachtlijst"], threshold)
        change = _rounded(row["wachtlijst"], threshold) - before
        if before >= threshold and change != 0:
            word = "meer" if change > 0 else "minder"
            text += (
                f", {_nl(abs(change))} {word} dan een jaar eerder "
                f"({'+' if change > 0 else '−'}{_nl(abs(100 * change / before))}%)"
            )
        elif before >= threshold:
            text += ", evenveel als een jaar eerder"
    text += "."
    late = [m for m in months if provisional.get(m, False)]
    if late:
        text += (
            f" {_months_nl(late).capitalize()} {'is' if len(late) == 1 else 'zijn'} nog "
            "voorlopig (open punten): nog niet alle berichten zijn binnen, dus de starts en "
            "stops zijn daar te laag en de wachtlijst te hoog."
        )
    return text


def trends_headline(ctx: TrendsContext) -> None:
    """Section: instroom and uitstroom per month, the waiting list and who is in care."""
    if ctx.result is None:
        display(Markdown(f"**{ctx.reden}** De andere onderdelen van dit rapport blijven leeg."))
        return
    flows = _region_series(ctx, ["toewijzingen", "starts", "stops"])
    stocks = _region_series(ctx, ["wachtlijst", "in_zorg"])
    display(
        (
            charts.trend_lines(flows, title="Instroom en uitstroom per maand (trajecten)")
            & charts.trend_lines(stocks, title="Voorraad op het eind van de maand (trajecten)")
        ).resolve_scale(color="independent")
    )
    first = ctx.result.series["maand"].min()
    display(
        Markdown(
            headline_text(ctx.series, threshold=ctx.threshold)
            + f" De reeksen beginnen bij de eerste berichten ({month_nl(first)}): wie toen al "
            "wachtte of in zorg was zonder later bericht, ontbreekt. De voorraden lopen daardoor "
            "in de eerste maanden op zonder dat er echt iets verandert."
        )
    )


def spc_text(spc: pd.DataFrame, label: str, *, baseline: tuple[str, str] | None = None) -> str:
    """Dutch reading of one SPC chart: the latest verdict and the special months.

    Parameters
    ----------
    spc : pandas.DataFrame
        :func:`kit.trends.spc_series` (or :func:`kit.trends.xmr` with ``voorlopig``).
    label : str
        Name of the series.
    baseline : tuple of str, optional
        The baseline months, for the text.
    """
    if spc.empty:
        return f"**{label}:** te weinig maanden voor een SPC-grafiek."
    voorlopig = spc["voorlopig"] if "voorlopig" in spc else pd.Series(False, index=spc.index)
    final = spc[~voorlopig.astype(bool)]
    if final.empty:
        return f"**{label}:** alle maanden zijn nog voorlopig; er is niets te beoordelen."
    last = final.iloc[-1]
    special = final[final["bijzonder"].astype(bool)]
    if last["bijzonder"]:
        text = (
            f"**{label}: {last['oordeel']}.** De laatste volledige maand ({month_nl(last['maand'])})"
            f" valt op: {last['regels']}."
        )
    else:
        text = f"**{label}: geen bijzondere variatie in de laatste maand.**"
        recent = special[special["maand"] > str(pd.Period(last["maand"], "M") - 12)]
        if len(recent):
            verdicts = ", ".join(sorted(set(recent["oordeel"])))
            text += (
                f" Wel eerder in het afgelopen jaar: {_months_nl(list(recent['maand']))} "
                f"({verdicts})."
            )
        else:
            text += " De schommelingen passen bij het gewone patroon."
    where = f"{month_nl(baseline[0])} t/m {month_nl(baseline[1])}" if baseline else "alle maanden"
    text += f" Gemiddelde en grenzen komen uit {where}."
    n_late = int(voorlopig.sum())
    if n_late == 1:
        text += " De laatste maand is voorlopig en niet beoordeeld."
    elif n_late:
        text += f" De laatste {n_late} maanden zijn voorlopig en niet beoordeeld."
    return text


def safe_spc(spc: pd.DataFrame, *, threshold: int) -> pd.DataFrame:
    """An SPC frame with each month that rests on a small count blanked and not judged."""
    safe = trends.SPC_PROTECTION.apply(spc, threshold)
    return safe.assign(bijzonder=safe["bijzonder"].astype("boolean").fillna(False).astype(bool))


@_needs_trends
def trends_spc(ctx: TrendsContext) -> None:
    """Section: XmR charts of the key region series with what is special about them."""
    for reeks in SPC_SERIES:
        label = trends.series_label(reeks)
        try:
            spc = trends.spc_series(
                ctx.series,
                niveau="regio",
                eenheid=trends.REGIO,
                reeks=reeks,
                baseline=ctx.baseline,
            )
        except ValueError:
            display(
                Markdown(
                    f"**{label}:** geen SPC-grafiek: de getoonde periode bevat minder dan twee maanden "
                    "van de basisperiode. Kies een langere periode of een basisperiode binnen de "
                    "getoonde maanden (parameters periode_van, basislijn_van, basislijn_tot)."
                )
            )
            continue
        if spc.empty:
            display(Markdown(spc_text(spc, label)))
            continue
        safe = safe_spc(spc, threshold=ctx.threshold)
        unit = "Dagen" if reeks.startswith("wachttijd") else "Trajecten"
        display(charts.spc_chart(safe, title=label, y_title=unit))
        display(Markdown(spc_text(safe, label, baseline=ctx.baseline)))


def funnel_text(funnel: pd.DataFrame, *, unit: str, threshold: int, direction: int = 0) -> str:
    """Dutch reading of one funnel plot: who lies outside the 99.8% limits, and on which side.

    Parameters
    ----------
    funnel : pandas.DataFrame
        :func:`kit.trends.funnel` for one indicator and level (not suppressed).
    unit : str
        ``gemeente`` or ``aanbieder``.
    threshold : int
        Units whose counts are below it (and above 0) are not named.
    direction : int
        1 when a high share is favourable, -1 when unfavourable, 0 when neither.
    """
    if funnel.empty:
        return f"Geen {unit}en met gegevens in deze periode."
    ok = ((funnel["x"] == 0) | (funnel["x"] >= threshold)) & (funnel["n"] >= threshold)
    rest = funnel["n"] - funnel["x"]
    ok &= ~((rest > 0) & (rest < threshold))  # 97% of about 100 would give the other 3 back
    outside = funnel[ok & funnel["beoordeling"].str.contains("99,8")].sort_values("pct")
    mean = f"gemiddeld {_nl(funnel['doel_pct'].iloc[0])}%"
    if outside.empty:
        return (
            f"Geen {unit} ligt buiten de 99,8%-grenzen ({mean}): de verschillen passen bij "
            "toeval, gegeven de aantallen."
        )
    high = outside["beoordeling"].str.startswith("boven")
    sides = {"hoog": outside[high], "laag": outside[~high]}
    words = {1: ("gunstig", "ongunstig"), -1: ("ongunstig", "gunstig"), 0: ("hoog", "laag")}
    parts = []
    for (side, rows), word in zip(sides.items(), words[direction], strict=True):
        if len(rows):
            names = ", ".join(
                f"{esc(r.eenheid)} ({_nl(r.pct)}%)" for r in rows.itertuples(index=False)
            )
            label = f"opvallend {side}" if direction == 0 else f"opvallend {side} ({word})"
            parts.append(f"{label}: {names}")
    return f"Buiten de 99,8%-grenzen ({mean}): " + "; ".join(parts) + "."


@_needs_trends
def trends_funnels(ctx: TrendsContext) -> None:
    """Section: funnel plots per gemeente and per aanbieder for the three indicators."""
    f = ctx.result.funnels
    for indicator, title in trends.FUNNEL_INDICATORS.items():
        if indicator == "binnen_norm":
            weeks = _nl(ctx.result.queue.norm_weeks)
            title = f"Gestart binnen {weeks} weken (% van wie startte)"
        panels, texts = [], []
        for unit in ("gemeente", "aanbieder"):
            part = f[(f["indicator"] == indicator) & (f["niveau"] == unit)]
            if part.empty:
                continue
            safe = trends.FUNNEL_PROTECTION.apply(part, ctx.threshold)
            if safe["pct"].notna().any():  # else no point to draw: the text says why
                lines = trends.funnel_lines(part["doel_pct"].iloc[0], part["n"].max())
                panels.append(charts.funnel_chart(safe, lines, title=f"per {unit}"))
            text = funnel_text(
                part,
                unit=unit,
                threshold=ctx.threshold,
                direction=trends.FUNNEL_DIRECTION[indicator],
            )
            texts.append(f"*Per {unit}:* {text}")
        if texts:
            display(Markdown(f"### {title}"))
            if panels:
                display(charts.alt.hconcat(*panels))
            display(Markdown("\n\n".join(texts)))


@_needs_trends
def trends_per_gemeente(ctx: TrendsContext) -> None:
    """Section: small multiples per gemeente, per 1,000 jeugdigen when a population is given."""
    rates = ctx.result.rates
    s = ctx.series
    for reeks in ("in_zorg_kinderen", "wachtlijst"):
        name = f"{reeks}_per_1000" if rates else reeks
        # suppressed together with the region total, which the other charts show
        part = s[s["niveau"].isin(["regio", "gemeente"]) & (s["reeks"] == name)]
        safe = trends.SERIES_PROTECTION.apply(part, ctx.threshold)
        safe = safe[safe["niveau"] == "gemeente"]
        display(
            charts.small_multiples(
                safe,
                title=trends.series_label(name),
                y_title="per 1.000" if rates else "Aantal",
            )
        )
    if not rates:
        display(
            Markdown(
                "Zonder bevolkingstabel staan hier aantallen; die zijn tussen gemeenten van "
                "verschillende grootte niet te vergelijken. Geef de parameter `bevolking` op "
                "(kolommen `gemeente, jaar, aantal_0_17`) voor cijfers per 1.000 jeugdigen."
            )
        )


def wijzer_table(wijzer: pd.DataFrame, *, threshold: int) -> pd.DataFrame:
    """The Beschikbaarheidswijzer for display: suppressed, in Dutch, sorted by waiting list.

    Parameters
    ----------
    wijzer : pandas.DataFrame
        The ``wijzer`` table of :func:`kit.trends.shared_tables`.
    threshold : int
        Suppression threshold.
    """
    table = shown(wijzer, trends.WIJZER_PROTECTION, threshold=threshold)
    # sort on what is shown: the order of "<N" rows must not reveal their real sizes
    table["_sort"] = pd.to_numeric(table["wachtlijst"], errors="coerce").fillna(0)
    table = table.sort_values(["_sort", "aanbieder", "categorie"], ascending=[False, True, True])
    table = table.astype(object).where(table.notna(), "")
    return table[
        ["aanbieder", "categorie", "wachtlijst", "n_cohort", "n_gestart", "verwachte_wachttijd"]
        + ["richting"]
    ].rename(
        columns={
            "aanbieder": "Aanbieder",
            "categorie": "Categorie",
            "wachtlijst": "Wachtlijst nu",
            "n_cohort": "Toegewezen laatste 3 mnd",
            "n_gestart": "Daarvan gestart",
            "verwachte_wachttijd": "Verwachte wachttijd (mediaan, 95%-BI)",
            "richting": "Richting t.o.v. 3 mnd ervoor",
        }
    )


@_needs_trends
def trends_wijzer(ctx: TrendsContext) -> HTML:
    """Section: the Beschikbaarheidswijzer per aanbieder and productcategorie."""
    wijzer = trends.shared_tables(ctx.result)["wijzer"].frame
    note = ""
    if len(wijzer) and bool(wijzer["voorlopig"].iloc[0]):
        note = (
            "<p><em>De laatste maand is nog voorlopig: starts die nog niet gemeld zijn, maken "
            "de verwachte wachttijd iets te lang.</em></p>"
        )
    return HTML(
        wijzer_table(wijzer, threshold=ctx.threshold).to_html(
            index=False, na_rep="", border=0, classes="kit-tabel"
        )
        + note
    )


def queue_text(settings: trends.QueueSettings) -> str:
    """The assumptions behind the queueing indicators, in Dutch."""
    norm = _nl(settings.norm_weeks)
    return (
        f"**Zo is gerekend.** *Vraag* = nieuwe toewijzingen per week en *capaciteit* = starts "
        f"vanaf de wachtlijst per week, beide gemiddeld over de laatste {settings.weeks} weken; "
        "*uitval* (ingetrokken, verlopen, gestopt zonder start) telt niet als capaciteit. "
        "*Belasting* = vraag / capaciteit: bij 1 of meer groeit de wachtlijst, hoe groot die ook "
        f"is. *Doelomvang* = vraag × norm ({norm} weken) / {_nl(settings.factor)} (wet van Little; "
        f"een gemiddelde wachttijd van een {_nl(settings.factor)}e van de norm geeft ongeveer 2% "
        "kans op overschrijding, Fong e.a. 2022); alleen haalbaar als de capaciteit groter is "
        "dan de vraag. *Te groot*: meer dan twee keer de doelomvang. *Druk* = 2 × gemiddelde "
        "wachttijd tot nu van wie wacht / norm; boven 1 wordt de norm waarschijnlijk niet "
        f"gehaald. *Herstelcapaciteit* = vraag + (wachtlijst − doelomvang) / "
        f"{settings.relief_weeks} weken. **Aannames:** vraag en capaciteit zijn stabiel, wie "
        "eerst komt gaat ongeveer eerst, en starts meten de capaciteit alleen als er steeds "
        "iemand wacht (anders is de echte capaciteit groter)."
    )


@_needs_trends
def trends_wachtrij(ctx: TrendsContext) -> None:
    """Section: queueing indicators per productcategorie, with their assumptions."""
    protection = trends.QUEUE_PROTECTION
    table = ctx.result.queue_indicators.copy()
    # a rate per week over 52 weeks with 2 decimals would give its count back exactly: one
    # decimal (as coarse as the rounding of counts), the target size in whole trajecten
    for col in protection.derived:
        if col != "wachtlijst_te_groot":
            table[col] = table[col].astype(float).round(0 if col == "doel_wachtlijst" else 1)
    table["wachtlijst_te_groot"] = table["wachtlijst_te_groot"].map({True: "ja", False: "nee"})
    table = shown(table, protection, threshold=ctx.threshold)
    display(
        _table(
            table[
                [
                    "categorie",
                    "vraag_per_week",
                    "capaciteit_per_week",
                    "uitval_per_week",
                    "belasting",
                    "wachtlijst",
                    "doel_wachtlijst",
                    "wachtlijst_te_groot",
                    "gem_wachttijd_weken",
                    "druk",
                    "herstelcapaciteit_per_week",
                ]
            ].rename(
                columns={
                    "categorie": "Categorie",
                    "vraag_per_week": "Vraag /wk",
                    "capaciteit_per_week": "Capaciteit /wk",
                    "uitval_per_week": "Uitval /wk",
                    "belasting": "Belasting",
                    "wachtlijst": "Wachtlijst",
                    "doel_wachtlijst": "Doelomvang",
                    "wachtlijst_te_groot": "Te groot",
                    "gem_wachttijd_weken": "Gem. gewacht (wk)",
                    "druk": "Druk",
                    "herstelcapaciteit_per_week": "Herstelcapaciteit /wk",
                }
            )
        )
    )
    display(Markdown(queue_text(ctx.result.queue)))


def caveats_text(
    stroom: pd.DataFrame,
    little: pd.DataFrame,
    volledigheid: pd.DataFrame,
    *,
    threshold: int,
    min_complete: float,
) -> str:
    """Dutch data-quality caveats: the stock-flow gap, Little's law and provisional months.

    Parameters
    ----------
    stroom : pandas.DataFrame
        :func:`kit.trends.stock_flow` for the region.
    little : pandas.DataFrame
        :func:`kit.trends.littles_law` for the region.
    volledigheid : pandas.DataFrame
        :func:`kit.trends.completeness`.
    threshold : int
        Suppression threshold.
    min_complete : float
        Completeness threshold of a final month.
    """
    gap = stroom.dropna(subset=["verschil"]).tail(12)
    parts = []
    if len(gap):
        total = gap["verschil"].sum()
        parts.append(
            f"**Verdwenen van de wachtlijst.** In de laatste {len(gap)} maanden verdwenen "
            f"{_n(total, threshold)} toewijzingen van de wachtlijst zonder start (305) of "
            "intrekking (301 met reden 13): de toewijzing verliep of er kwam een stop (307) "
            "zonder start. Dat kan echt zijn (het kind kwam nooit in zorg), maar vaker ontbreekt "
            "een start- of intrekkingsbericht. Bespreek dit met gemeenten en aanbieders."
        )
    recent = little.dropna(subset=["schatting"]).tail(12)
    if len(recent):
        inside = int(recent["binnen_band"].sum())
        stable = int(recent["stabiel"].astype("boolean").fillna(False).sum())
        parts.append(
            f"**Wet van Little.** De wachtlijst lag in {inside} van de laatste {len(recent)} "
            "maanden binnen de band rond aankomsten per dag × gemiddelde dagen op de lijst. Dat "
            "klopt alleen bij een stabiele wachtlijst (hier "
            f"{stable} van de {len(recent)} maanden): een groeiende lijst ligt erboven, een "
            "krimpende eronder. Ligt een stabiele lijst buiten de band, dan passen de "
            "toewijzingen, starts en intrekkingen niet bij elkaar."
        )
    low = volledigheid[volledigheid["volledigheid"] < min_complete]
    names = {"301": "toewijzingen", "305": "starts", "307": "stops", "323": "declaraties"}
    if len(low):
        items = "; ".join(
            f"{names.get(b, b)} ({b}): "
            + ", ".join(
                f"{month_nl(r.maand)} {_nl(100 * r.volledigheid)}%"
                for r in group.itertuples(index=False)
            )
            for b, group in low.groupby("bericht")
        )
        parts.append(
            "**Voorlopige maanden.** Berichten komen later binnen dan de gebeurtenis: een 305 "
            "tot vijf werkdagen na de start, een declaratie een maand of meer na de periode. Uit "
            "de eigen vertraging van de berichten is geschat hoeveel er al binnen is: "
            f"{items}. Maanden onder {_nl(100 * min_complete)}% heten voorlopig."
        )
    return "\n\n".join(parts)


@_needs_trends
def trends_stock_flow(ctx: TrendsContext) -> None:
    """Section: stock-flow reconciliation, Little's-law band and provisional months."""
    r = ctx.result
    stroom = r.stock_flow[(r.stock_flow["niveau"] == "regio") & (r.stock_flow["maand"] >= ctx.van)]
    protection = trends.STOCK_FLOW_PROTECTION
    display(charts.gap_bars(protection.apply(stroom, ctx.threshold)))
    table = shown(stroom.tail(12), protection, threshold=ctx.threshold)
    if "voorlopig" in stroom:
        late = stroom.tail(12)["voorlopig"].to_numpy(bool)
        table["maand"] = np.where(late, table["maand"] + " (voorlopig)", table["maand"])
        if late.any():
            display(
                Markdown(
                    "*(voorlopig)*: van die maand zijn naar de eigen vertraging van de berichten "
                    "nog niet alle starts en stops binnen; de wachtlijst is daar waarschijnlijk "
                    "te hoog."
                )
            )
    display(
        _table(
            table[["maand", *protection.counts]].rename(
                columns={
                    "maand": "Maand",
                    "wachtlijst_begin": "Wachtlijst begin",
                    "instroom": "+ nieuw toegewezen",
                    "gestart": "− gestart",
                    "ingetrokken": "− ingetrokken",
                    "verwacht": "= verwacht",
                    "wachtlijst_eind": "Wachtlijst eind",
                    "verschil": "Verdwenen",
                }
            )
        )
    )
    little = r.little[(r.little["niveau"] == "regio") & (r.little["maand"] >= ctx.van)]
    display(charts.little_band(trends.LITTLE_PROTECTION.apply(little, ctx.threshold)))
    months = sorted(r.series["maand"].unique())[-4:]
    compl = r.completeness[r.completeness["maand"].isin(months)]
    pivot = (
        (100 * compl.pivot_table(index="bericht", columns="maand", values="volledigheid"))
        .round(0)
        .reset_index()
        .rename(columns={"bericht": "Bericht"})
    )
    pivot.columns = [month_nl(c) if c != "Bericht" else c for c in pivot.columns]
    display(Markdown("Geschatte volledigheid van de laatste maanden (% van de berichten binnen):"))
    display(_table(pivot))
    display(
        Markdown(
            caveats_text(
                stroom,
                little,
                r.completeness,
                threshold=ctx.threshold,
                min_complete=r.threshold_complete,
            )
        )
    )
