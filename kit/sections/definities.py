"""Notebook 02_definities: waiting-time definitions side by side, one function per section.

The notebook calls :func:`prepare_definities` once with its parameters (validated by
:class:`kit.params.DefinitiesParams`) and then one function per section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown, display

from kit import charts
from kit import waits as wt
from kit.checks.patterns import load_pattern_params
from kit.names import Names, display_name
from kit.params import DefinitiesParams, resolve
from kit.sections.common import (
    HIDDEN_MARK,
    _count,
    _count_short,
    _date_nl,
    _day,
    _nl,
    _pct_cell,
    _table,
    details_block,
    esc,
    findings_block,
    gemeenten_text,
    open_report,
    report_names,
    session_header,
    shown,
)

#: the definition and norm the first screen reports on (the definition the trends use too)
FINDINGS_DEFINITION = "toewijzing_start"
FINDINGS_NORM = "regionale_norm"
#: the columns of the overview a reader sees first, plus the share within :func:`headline_norm`
#: (the full table follows, collapsed)
OVERVIEW_COLUMNS = ["Definitie", "Trajecten", "Gestart", "Wacht nog", "Mediaan KM (95%-BI)", "P90"]


@dataclass
class DefinitiesContext:
    """Everything notebook 02_definities shows, computed once by :func:`prepare_definities`.

    ``results.measured`` holds person-level rows (pseudonyms) for the live widgets only; every
    section shows the suppressed tables in :attr:`safe`.
    """

    regio: str
    store: Path
    peildatum: pd.Timestamp
    van: pd.Timestamp | None
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
    #: names for codes (aanbieders, gemeenten, categorieën); None: codes only
    display_names: Names | None = field(default=None, repr=False)

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


def prepare_definities(**values: Any) -> DefinitiesContext:
    """Validate the notebook's parameters, measure every definition and return the context.

    Parameters
    ----------
    **values
        The notebook's parameters, the fields of :class:`kit.params.DefinitiesParams`: regio,
        store, peildatum (who still waits then is censored), periode_van and periode_tot (the
        cohort: start event in this period; empty = from the first message, up to the
        peildatum), gemeenten (empty = all), min_cel (also the smallest group for a median, at
        least ``min_groep`` of the definitions file), definities (a region's own file; empty =
        the shipped ``waiting_times.yaml``) and live.

    Returns
    -------
    DefinitiesContext

    Raises
    ------
    kit.params.ParameterError
        For invalid values (a date that does not exist, a period after the peildatum), in Dutch.
    StoreError
        For a store that is missing, damaged or empty (see :func:`kit.store.read_meta`).
    ValueError
        For an invalid definitions file (the message names the definition and field).
    """
    p = DefinitiesParams(**values)
    store_path, meta = open_report(p)
    peil = pd.Timestamp(p.peildatum)
    van = pd.Timestamp(p.periode_van) if p.periode_van else None
    tot = pd.Timestamp(p.periode_tot or p.peildatum)
    definitions = wt.load_definitions(resolve(p.definities) if p.definities else None)
    results = wt.waits_from_store(
        store_path,
        peildatum=peil,
        van=van,
        tot=tot,
        definitions=definitions,
        min_n=max(definitions.min_group, p.min_cel),
        gemeenten=p.gemeenten,
    )
    tables = wt.shared_tables(results)
    safe = {name: t.suppressed(p.min_cel) for name, t in tables.items()}
    texts = {name: shown(t.frame, t.protection, threshold=p.min_cel) for name, t in tables.items()}
    return DefinitiesContext(
        p.regio,
        store_path,
        peil,
        van,
        tot,
        list(p.gemeenten),
        p.min_cel,
        p.definities or "kit/waiting_times.yaml (standaard)",
        results,
        meta,
        p.live,
        safe,
        texts,
        report_names(p.aanbieders, p.gemeentenamen),
    )


def definities_header(ctx: DefinitiesContext) -> Markdown | None:
    """Session header (live only; a rendered report has it in its page header)."""
    return session_header(
        ctx,
        [
            f"**Cohort:** start {_day(ctx.van)} t/m {_day(ctx.tot)}",
            f"**Gemeenten:** {gemeenten_text(ctx.gemeenten)}",
        ],
        [f"**Definities:** {esc(ctx.definities_file)}"],
        counts=f"geen mediaan op minder dan {ctx.results.min_n} trajecten, aantallen onder "
        f"{ctx.threshold} als <{ctx.threshold}",
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
        out[label] = [_count_short(v, threshold) for v in rows[col]]
    out["Mediaan KM (95%-BI)"] = [_median_cell(r) for _, r in rows.iterrows()]
    out["P80"] = [wt.days_text(v) for v in rows["p80_dagen"]]
    out["P90"] = [wt.days_text(v) for v in rows["p90_dagen"]]
    out["Mediaan alleen afgerond"] = [wt.days_text(v) for v in rows["mediaan_afgerond_dagen"]]
    out["% 0 dagen"] = [_pct_cell(v) for v in rows["pct_nul_dagen"]]
    for norm in definitions.norms:
        out[f"% binnen {norm.name}"] = [_pct_cell(v) for v in rows[wt.norm_column(norm)]]
    return out


def headline_norm(definitions: wt.Definitions) -> wt.Norm | None:
    """The norm the first screen and the overview report on: :data:`FINDINGS_NORM`, else the first.

    None when the definitions file has no norms.
    """
    if not definitions.norms:
        return None
    return next((n for n in definitions.norms if n.id == FINDINGS_NORM), definitions.norms[0])


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


def category_names(text: str, names: Names | None) -> str:
    """A text naming category codes, with the categories' names added.

    ``zonder productcategorie 46, 47`` reads ``zonder productcategorie Jeugdhulp crisis (46),
    Jeugdreclassering (47)``; without names the text is returned.
    """
    if names is None:
        return text

    def named(match: re.Match) -> str:
        codes = match.group(1).split(", ")
        shown = [(display_name(names, "categorie", c), c) for c in codes]
        return "productcategorie " + ", ".join(
            name if code in name else f"{name} ({code})" for name, code in shown
        )

    return re.sub(r"productcategorie (\d{2}(?:, \d{2})*)", named, text)


def definities_overzicht(ctx: DefinitiesContext, *, groep: str = "totaal") -> HTML:
    """Section: all definitions side by side, the few columns a reader needs first.

    The main table has :data:`OVERVIEW_COLUMNS` and the share within :func:`headline_norm`; the
    full table (population, P80, the naive median, % 0 dagen, every norm) follows in a collapsed
    block. The totals state their population there: which categories a definition leaves out
    and how many pathways of the cohort that are (a total of another population, such as a
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
        texts = {k: category_names(v, ctx.display_names) for k, v in texts.items()}
        rows = ctx.safe["samenvatting"]
        ids = rows.loc[rows["groep"] == groep, "definitie"].tolist()
        table.insert(1, "Populatie", [texts.get(i, "") for i in ids])
    norm = headline_norm(ctx.definitions)
    main = table[OVERVIEW_COLUMNS + ([f"% binnen {norm.name}"] if norm is not None else [])]
    full = details_block(
        "Alle kolommen: populatie, P80, mediaan alleen afgerond, % 0 dagen en elke norm",
        _table(table).data,
    )
    return HTML(_table(main).data + full)


def lapse_table(
    lapse: pd.DataFrame,
    names: dict[str, str],
    *,
    threshold: int,
    display_names: Names | None = None,
) -> pd.DataFrame:
    """The waiting list and the KM median with and without "vermoedelijk vervallen".

    The suppressed ``vermoedelijk_vervallen`` table in, Dutch columns out.
    """

    def count(v: object) -> str:
        return _count_short(v, threshold)

    return pd.DataFrame(
        {
            "Definitie": lapse["definitie"].map(names),
            "Groep": [group_label(g, display_names) for g in lapse["groep"]],
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
    numbers += f" en {count('n_uitgevallen')} zonder zorg uitgevallen." if definition.exits else "."
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
        ~out["reden"].isin([wt.OUT_FILTER, wt.OUT_WINDOW, wt.OUT_START_AFTER, wt.OUT_PROVISIONAL])
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
    exits = {x.id: x.name for d in ctx.definitions.definitions for x in d.exits}
    reasons = recon["reden"].map(
        lambda r: (
            "uitgevallen: " + exits.get(r[13:], r[13:]) if r.startswith("uitgevallen: ") else r
        )
    )
    recon = recon.assign(
        naam=recon["definitie"].map(ctx.names),
        rij=recon["stap"] + ": " + reasons,
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
            "Groep": [group_label(g, ctx.display_names) for g in sens["groep"]],
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
    table = lapse_table(lapse, ctx.names, threshold=ctx.threshold, display_names=ctx.display_names)
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


#: the mark of a median from a group whose starts mostly look automatic
AUTOMATIC_MARK = " (starts lijken automatisch)"


def automatic_groups(sensitivity: pd.DataFrame, *, threshold: int, auto_pct: float) -> set[str]:
    """Groups (``aanbieder=…``) whose pathways are mostly flagged as automatic starts.

    Parameters
    ----------
    sensitivity : pandas.DataFrame
        The ``gevoeligheid`` table of one definition, not suppressed (only a mark is shown).
    threshold : int
        Groups with fewer pathways are not marked (their figures are not shown either).
    auto_pct : float
        From this share (%) of flagged pathways on (``auto_aandeel_pct`` of ``checks.yaml``).
    """
    rows = sensitivity[(sensitivity["groep"] != "totaal") & (sensitivity["n"] >= threshold)]
    share = 100 * rows["n_gemarkeerd"] / rows["n"]
    return set(rows.loc[share >= auto_pct, "groep"])


def uitsplitsing(ctx: DefinitiesContext, *, definitie: str, by: str = "aanbieder") -> HTML:
    """Section: one definition per categorie, aanbieder or gemeente (Kaplan–Meier and naive).

    A median of an aanbieder whose starts mostly look automatic is marked: its short wait is a
    reporting pattern, not a short wait.
    """
    summary = ctx.safe["samenvatting"]
    rows = summary[(summary["definitie"] == definitie) & summary["groep"].str.startswith(f"{by}=")]
    raw = wt.shared_tables(ctx.results)["gevoeligheid"].frame
    marked = automatic_groups(
        raw[raw["definitie"] == definitie],
        threshold=ctx.threshold,
        auto_pct=load_pattern_params()["auto_aandeel_pct"],
    )
    medians = [
        _median_cell(r)
        + (AUTOMATIC_MARK if r["groep"] in marked and _median_cell(r) != "—" else "")
        for _, r in rows.iterrows()
    ]
    codes = rows["groep"].str.removeprefix(f"{by}=")
    labels = {"aanbieder": "Aanbieder", "categorie": "Productcategorie", "gemeente": "Gemeente"}
    table = pd.DataFrame(
        {
            labels.get(by, by.capitalize()): [unit_name(ctx.display_names, by, c) for c in codes],
            "Trajecten": ctx.count_text("samenvatting", rows, "n"),
            "Wacht nog": ctx.count_text("samenvatting", rows, "n_wachtend"),
            "Mediaan KM (95%-BI)": medians,
            "P90": [wt.days_text(v) for v in rows["p90_dagen"]],
            "Mediaan alleen afgerond": [wt.days_text(v) for v in rows["mediaan_afgerond_dagen"]],
            "% 0 dagen": [_pct_cell(v) for v in rows["pct_nul_dagen"]],
        }
    )
    return _table(table)


def unit_name(names: Names | None, kind: str, code: str) -> str:
    """An aanbieder, gemeente or categorie for readers: its name (the code without names)."""
    if names is None:
        return f"{code}" if kind != "categorie" else f"categorie {code}"
    return display_name(names, kind, code)


def group_label(groep: str, names: Names | None) -> str:
    """A group of the summary tables for readers: ``aanbieder=98000003`` -> its name."""
    if groep == "totaal":
        return "hele regio"
    kind, _, code = groep.partition("=")
    if not code:
        return groep
    if names is None:
        return f"{kind} {code}"
    return display_name(names, kind, code)


def _share(value: float) -> str:
    return "onbekend" if pd.isna(value) else f"{_nl(value)}%"


def findings_sentences(
    summary: pd.DataFrame,
    per_norm: pd.DataFrame,
    sensitivity: pd.DataFrame,
    definitions: wt.Definitions,
    *,
    threshold: int,
    peildatum: pd.Timestamp,
) -> list[str]:
    """The "Belangrijkste bevindingen" of the definitions report: 3 to 5 plain Dutch sentences.

    About the definition :data:`FINDINGS_DEFINITION` and the norm :data:`FINDINGS_NORM` (the
    first norm when the definitions file has no such norm).

    Parameters
    ----------
    summary, per_norm, sensitivity : pandas.DataFrame
        The suppressed ``samenvatting``, ``wachtenden_per_norm`` and ``gevoeligheid`` tables
        (a suppressed count is NA and reads ``minder dan N``).
    definitions : kit.waits.Definitions
    threshold : int
    peildatum : pandas.Timestamp
    """
    known = {d.id: d for d in definitions.definitions}
    if FINDINGS_DEFINITION not in known or not definitions.norms:
        return ["De afgesproken definitie (toewijzing tot start zorg) staat niet in de definities."]
    name = known[FINDINGS_DEFINITION].name
    norm = headline_norm(definitions)
    out = []
    now = per_norm[(per_norm["definitie"] == FINDINGS_DEFINITION) & (per_norm["norm"] == norm.id)]
    if len(now):
        row = now.iloc[0]
        text = (
            f"Op {_date_nl(peildatum)} wachten **{_count(row['n_wachtend'], threshold)} "
            "toewijzingen** nog op de start van de zorg"
        )
        if not pd.isna(row["n_boven_norm"]) and not pd.isna(row["pct_boven_norm"]):
            text += (
                f"; {_count(row['n_boven_norm'], threshold)} daarvan ({_share(row['pct_boven_norm'])}) "
                f"wachten langer dan de {norm.name[0].lower() + norm.name[1:]}"
            )
        out.append(text + ".")
    rows = summary[(summary["definitie"] == FINDINGS_DEFINITION) & (summary["groep"] == "totaal")]
    if rows.empty or pd.isna(rows["mediaan_dagen"].iloc[0]):
        out.append(
            f"Voor *{name}* zijn te weinig trajecten (minder dan {threshold}) voor een "
            "betrouwbare wachttijd."
        )
        return out
    r = rows.iloc[0]
    median = wt.days_text(r["mediaan_dagen"])
    out.append(
        f"Van toewijzing tot start van de zorg wacht een kind **{median}** (mediaan, wie nog "
        f"wacht telt mee); 90% is binnen {wt.days_text(r['p90_dagen'])} gestart."
    )
    within = r.get(wt.norm_column(norm))
    if not pd.isna(within):
        out.append(f"**{_share(within)}** start binnen de {norm.name[0].lower() + norm.name[1:]}.")
    if (
        not pd.isna(r["mediaan_afgerond_dagen"])
        and r["mediaan_afgerond_dagen"] != r["mediaan_dagen"]
    ):
        out.append(
            "Wie alleen naar de gestarte kinderen kijkt, vindt "
            f"{wt.days_text(r['mediaan_afgerond_dagen'])}: dat ziet er "
            f"{'beter' if r['mediaan_afgerond_dagen'] < r['mediaan_dagen'] else 'slechter'} uit "
            "dan het is, omdat wie nog wacht dan wegvalt."
        )
    sens = sensitivity[
        (sensitivity["definitie"] == FINDINGS_DEFINITION) & (sensitivity["groep"] == "totaal")
    ]
    if len(sens) and not pd.isna(sens["mediaan_zonder_dagen"].iloc[0]):
        s = sens.iloc[0]
        if s["mediaan_zonder_dagen"] != s["mediaan_dagen"]:
            out.append(
                f"Betrouwbaarheid: zonder de {_count(s['n_gemarkeerd'], threshold)} starts die "
                f"automatisch lijken (zie de quick scan) is de mediaan "
                f"{wt.days_text(s['mediaan_zonder_dagen'])} in plaats van {median}."
            )
        else:
            out.append(
                "Betrouwbaarheid: zonder de starts die automatisch lijken blijft de mediaan gelijk."
            )
    return out[:5]


def findings(ctx: DefinitiesContext) -> HTML:
    """Section: the "Belangrijkste bevindingen" that open the definitions report."""
    return findings_block(
        findings_sentences(
            ctx.safe["samenvatting"],
            ctx.safe["wachtenden_per_norm"],
            ctx.safe.get("gevoeligheid", pd.DataFrame(columns=["definitie", "groep"])),
            ctx.definitions,
            threshold=ctx.threshold,
            peildatum=ctx.peildatum,
        )
    )
