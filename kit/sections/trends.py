"""Notebook 03_trends: monthly series, SPC, funnels and queueing, one function per section.

The notebook calls :func:`prepare_trends` once with its parameters (validated by
:class:`kit.params.TrendsParams`) and then one function per section.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown, display

from kit import charts, trends
from kit.checks import ANALYSIS_COLUMNS, prepare_scan
from kit.checks.patterns import load_pattern_params
from kit.names import Names, add_names, display_name
from kit.params import TrendsParams, month, resolve
from kit.sections.common import (
    _months_nl,
    _n,
    _nl,
    _rounded,
    _table,
    esc,
    findings_block,
    gemeenten_text,
    month_nl,
    open_report,
    report_names,
    session_header,
    shown,
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
    #: names for codes (aanbieders, gemeenten, categorieën); None: codes only
    display_names: Names | None = field(default=None, repr=False)
    #: per flag indicator (:data:`kit.trends.FLAG_INDICATORS`) the share (%) of an aanbieder's
    #: 305s from which its waits are marked and never called favourable
    flag_pct: dict[str, float] = field(default_factory=dict)

    @property
    def series(self) -> pd.DataFrame:
        """The monthly series from the first month shown on (not suppressed)."""
        s = self.result.series
        return s[s["maand"] >= self.van]


def prepare_trends(**values: Any) -> TrendsContext:
    """Validate the notebook's parameters, compute every trend table and return the context.

    Parameters
    ----------
    **values
        The notebook's parameters, the fields of :class:`kit.params.TrendsParams`: regio, store,
        peildatum (later messages are left out; the series end with the last full month),
        gemeenten (empty = all), bevolking (population CSV ``gemeente, jaar, aantal_0_17``, see
        :func:`kit.trends.read_population`; empty = no rates per 1,000 jeugdigen), min_cel,
        norm_weken (norm for the funnel "binnen de norm" and the queueing indicators),
        periode_van (first month shown, ``JJJJ-MM``; empty = from the first message),
        basislijn_van and basislijn_tot (months of the SPC mean and limits; both empty = all
        months shown), min_volledigheid (a month is provisional while less than this share of
        its messages has arrived; default from ``waiting_times.yaml``) and live.

    Returns
    -------
    TrendsContext

    Raises
    ------
    kit.params.ParameterError
        For months that are not ``JJJJ-MM``, a baseline with fewer than two months or a
        completeness outside (0, 1], in Dutch.
    StoreError
        For a store that is missing, damaged or empty (see :func:`kit.store.read_meta`).
    ValueError
        For an invalid population file.
    """
    p = TrendsParams(**values)
    store_path, meta = open_report(p)
    peil = pd.Timestamp(p.peildatum)
    van, base_from, base_to = (month(m) for m in (p.periode_van, p.basislijn_van, p.basislijn_tot))
    population = trends.read_population(resolve(p.bevolking)) if p.bevolking else None
    data = prepare_scan(store_path, peildatum=peil, columns=ANALYSIS_COLUMNS)
    try:
        result, reason = (
            trends.compute_trends(
                data,
                population=population,
                threshold_complete=p.min_volledigheid,
                norm_weeks=p.norm_weken,
                gemeenten=p.gemeenten,
            ),
            "",
        )
    except trends.NoTrendsError as exc:  # every section then says so (see _needs_trends)
        result, reason = None, str(exc)
    return TrendsContext(
        p.regio,
        store_path,
        peil,
        list(p.gemeenten),
        p.min_cel,
        p.bevolking or "geen",
        van if result is None else van or result.series["maand"].min(),
        (base_from, base_to) if base_from and result is not None else None,
        result,
        meta,
        p.live,
        reden=reason,
        display_names=report_names(p.aanbieders, p.gemeentenamen),
        flag_pct={
            indicator: load_pattern_params()[key]
            for indicator, key in trends.FLAG_INDICATORS.items()
        },
    )


def _needs_trends(section: Callable) -> Callable:
    """Decorate a trends section: without trends it shows nothing (the headline says why)."""

    @wraps(section)
    def guarded(ctx: TrendsContext, *args: object, **kwargs: object) -> object:
        if ctx.result is None:
            return None
        return section(ctx, *args, **kwargs)

    return guarded


def trends_header(ctx: TrendsContext) -> Markdown | None:
    """Session header (live only; a rendered report has it in its page header)."""
    base = " t/m ".join(map(month_nl, ctx.baseline)) if ctx.baseline else "alle getoonde maanden"
    return session_header(
        ctx,
        [
            f"**Gemeenten:** {gemeenten_text(ctx.gemeenten)}",
            f"**Vanaf:** {month_nl(ctx.van) if ctx.van else 'begin van de gegevens'}",
            f"**SPC-basisperiode:** {base}",
        ],
        [f"**Bevolking:** {esc(ctx.bevolking_file)}"],
        counts=f"aantallen onder {ctx.threshold} als <{ctx.threshold}",
    )


def _region_series(
    ctx: TrendsContext, reeksen: list[str], *, eenheid: str = trends.REGIO
) -> pd.DataFrame:
    s = ctx.series
    niveau = "regio" if eenheid == trends.REGIO else "gemeente"
    s = s[(s["niveau"] == niveau) & (s["eenheid"] == eenheid) & s["reeks"].isin(reeksen)]
    safe = trends.SERIES_PROTECTION.apply(s, ctx.threshold)
    return safe.assign(label=safe["reeks"].map(trends.series_label))


def last_complete_month(series: pd.DataFrame) -> str | None:
    """The last month (``JJJJ-MM``) of the region's series that is not provisional.

    The one "last complete month" every section of the report speaks of; None when there is
    none.
    """
    region = series[series["niveau"] == "regio"]
    provisional = region.groupby("maand")["voorlopig"].any()
    final = [m for m, late in provisional.items() if not late]
    return max(final) if final else None


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
    last = last_complete_month(series)
    if last is None:
        return "Er is nog geen maand waarvan de berichten compleet genoeg zijn om te beschrijven."
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


def funnel_text(
    funnel: pd.DataFrame,
    *,
    unit: str,
    threshold: int,
    direction: int = 0,
    names: Names | None = None,
    flagged: Mapping[str, str] | None = None,
) -> str:
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
    names : kit.names.Names, optional
        Units are named by name instead of code.
    flagged : mapping of str to str, optional
        :func:`flagged_providers`: aanbieders whose starts look automatic or come late, never
        called favourable but named apart with the reason.
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

    def label(code: object) -> str:
        return esc(display_name(names, unit, code) if names is not None else code)

    high = outside["beoordeling"].str.startswith("boven")
    sides = {"hoog": outside[high], "laag": outside[~high]}
    words = {1: ("gunstig", "ongunstig"), -1: ("ongunstig", "gunstig"), 0: ("hoog", "laag")}
    flagged = flagged or {}
    parts, suspect = [], {}
    for (side, rows), word in zip(sides.items(), words[direction], strict=True):
        if word == "gunstig" and flagged:
            apart = rows["eenheid"].astype(str).isin(list(flagged))
            for r in rows[apart].itertuples():
                why = FLAG_TEXTS[flagged[str(r.eenheid)]][0]
                suspect.setdefault(why, []).append(f"{label(r.eenheid)} ({_nl(r.pct)}%)")
            rows = rows[~apart]
        if len(rows):
            named = ", ".join(
                f"{label(r.eenheid)} ({_nl(r.pct)}%)" for r in rows.itertuples(index=False)
            )
            text = f"opvallend {side}" if direction == 0 else f"opvallend {side} ({word})"
            parts.append(f"{text}: {named}")
    for why, units in suspect.items():
        parts.append(
            f"buiten de grenzen, maar {why} (zie de quick scan), dus dit zegt weinig: "
            + ", ".join(units)
        )
    return f"Buiten de 99,8%-grenzen ({mean}): " + "; ".join(parts) + "."


def funnel_period(peildatum: pd.Timestamp, months: int = 12) -> tuple[str, str]:
    """First and last month of the funnels' period (:func:`kit.trends.funnel_counts`).

    The ``months`` months that ended on or before the peildatum.
    """
    last = pd.Period(trends.last_complete_month(peildatum), "M")
    return str(last - months + 1), str(last)


#: per flag indicator (:data:`kit.trends.FLAG_INDICATORS`): why an aanbieder's waits say little,
#: and the mark of its expected wait in the Beschikbaarheidswijzer
FLAG_TEXTS = {
    "auto_305": (
        "de starts lijken automatisch",
        " (starts lijken automatisch: geen echte wachttijd)",
    ),
    "laat_305": (
        "de starts worden meestal te laat gemeld",
        " (starts meestal te laat gemeld: wachttijd onzeker)",
    ),
}


def flagged_providers(
    funnels: pd.DataFrame, *, threshold: int, limits: Mapping[str, float]
) -> dict[str, str]:
    """Aanbieders whose waits say little in the funnel period, with the indicator that says so.

    The quick scan's rule: at least ``limits[indicator]`` % (``auto_aandeel_pct``,
    ``laat_aandeel_pct`` of ``checks.yaml``) of the aanbieder's 305s look automatic or came
    late (checks ``start_automatisch``, ``start_te_laat``), on at least ``threshold`` 305s.

    Parameters
    ----------
    funnels : pandas.DataFrame
        :func:`kit.trends.funnel` rows with ``indicator`` and ``niveau``.
    threshold : int
        Fewest 305s of an aanbieder to flag it.
    limits : mapping of str to float
        Per flag indicator its share (%); an indicator left out flags nobody.

    Returns
    -------
    dict of str to str
        Aanbieder code -> indicator (``auto_305`` first when both apply).
    """
    out: dict[str, str] = {}
    for indicator, limit in limits.items():
        f = funnels[
            (funnels["indicator"] == indicator)
            & (funnels["niveau"] == "aanbieder")
            & (funnels["n"] >= threshold)
        ]
        for code in f.loc[f["pct"] >= limit, "eenheid"].astype(str):
            out.setdefault(code, indicator)
    return out


def report_flags(ctx: TrendsContext) -> dict[str, str]:
    """:func:`flagged_providers` of the report (none without trends)."""
    if ctx.result is None:
        return {}
    return flagged_providers(ctx.result.funnels, threshold=ctx.threshold, limits=ctx.flag_pct)


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
            if ctx.display_names is not None:
                safe = add_names(safe, ctx.display_names, unit, column="eenheid")
            if safe["pct"].notna().any():  # else no point to draw: the text says why
                lines = trends.funnel_lines(part["doel_pct"].iloc[0], part["n"].max())
                panels.append(charts.funnel_chart(safe, lines, title=f"per {unit}"))
            text = funnel_text(
                part,
                unit=unit,
                threshold=ctx.threshold,
                direction=trends.FUNNEL_DIRECTION[indicator],
                names=ctx.display_names,
                flagged=report_flags(ctx) if indicator not in trends.FLAG_INDICATORS else {},
            )
            texts.append(f"*Per {unit}:* {text}")
        if texts:
            display(Markdown(f"### {title}"))
            if indicator == "binnen_norm":
                start, end = funnel_period(ctx.peildatum)
                display(Markdown(f"*Tijdvak: {month_nl(start)} tot en met {month_nl(end)}.*"))
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
        if ctx.display_names is not None:
            safe = add_names(safe, ctx.display_names, "gemeente", column="eenheid")
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
                "(een tabel met per gemeente en jaar het aantal inwoners van 0 tot en met 17 "
                "jaar) voor cijfers per 1.000 jeugdigen."
            )
        )


def wijzer_table(
    wijzer: pd.DataFrame,
    *,
    threshold: int,
    names: Names | None = None,
    flagged: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The Beschikbaarheidswijzer for display: suppressed, in Dutch, sorted by waiting list.

    Parameters
    ----------
    wijzer : pandas.DataFrame
        The ``wijzer`` table of :func:`kit.trends.shared_tables`.
    threshold : int
        Suppression threshold.
    names : kit.names.Names, optional
        Aanbieders and categorieën by name instead of code.
    flagged : mapping of str to str, optional
        :func:`flagged_providers`: the expected wait of an aanbieder whose starts look automatic
        or come late is marked with the reason.
    """
    table = shown(wijzer, trends.WIJZER_PROTECTION, threshold=threshold)
    # sort on what is shown: the order of "<N" rows must not reveal their real sizes
    table["_sort"] = pd.to_numeric(table["wachtlijst"], errors="coerce").fillna(0)
    table = table.sort_values(["_sort", "aanbieder", "categorie"], ascending=[False, True, True])
    table = table.astype(object).where(table.notna(), "")
    flagged = flagged or {}
    marked = table["aanbieder"].astype(str).isin(list(flagged))
    marked &= table["verwachte_wachttijd"] != ""
    table.loc[marked, "verwachte_wachttijd"] = [
        f"{wait}{FLAG_TEXTS[flagged[str(code)]][1]}"
        for code, wait in table.loc[marked, ["aanbieder", "verwachte_wachttijd"]].itertuples(
            index=False
        )
    ]
    if names is not None:
        table["aanbieder"] = [display_name(names, "aanbieder", c) for c in table["aanbieder"]]
        table["categorie"] = [display_name(names, "categorie", c) for c in table["categorie"]]
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
    table = wijzer_table(
        wijzer,
        threshold=ctx.threshold,
        names=ctx.display_names,
        flagged=report_flags(ctx),
    )
    return HTML(_table(table).data + note)


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
    if ctx.display_names is not None:
        table["categorie"] = [
            display_name(ctx.display_names, "categorie", c) for c in table["categorie"]
        ]
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
    table["maand"] = table["maand"].map(month_nl)
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


def findings_sentences(
    series: pd.DataFrame,
    funnels: pd.DataFrame,
    *,
    threshold: int,
    norm_weeks: float,
    automatic: list[str],
    funnel_months: tuple[str, str] | None = None,
) -> list[str]:
    """The "Belangrijkste bevindingen" of the trends report: 3 to 5 plain Dutch sentences.

    Parameters
    ----------
    series : pandas.DataFrame
        The monthly series (not suppressed: counts are rounded or worded here) with
        ``voorlopig``; the region level is used, up to the last complete month.
    funnels : pandas.DataFrame
        :func:`kit.trends.funnel` rows of all indicators and levels.
    threshold : int
        A count below it reads ``minder dan N``.
    norm_weeks : float
        The norm of the share started in time.
    automatic : list of str
        Names of aanbieders whose starts mostly look automatic.
    funnel_months : tuple of str, optional
        First and last month (``JJJJ-MM``) of the funnels' period.
    """
    last = last_complete_month(series)
    if last is None:
        return ["Er is nog geen maand waarvan de berichten compleet genoeg zijn om te beschrijven."]
    region = series[series["niveau"] == "regio"]
    wide = region.pivot_table(index="maand", columns="reeks", values="waarde", aggfunc="first")

    def value(reeks: str, maand: str) -> float:
        if reeks not in wide.columns or maand not in wide.index:
            return float("nan")
        return float(wide.loc[maand, reeks])

    out = []
    children, lists = value("wachtlijst_kinderen", last), value("wachtlijst", last)
    text = f"Eind {month_nl(last)} wachtten **{_n(children, threshold)} kinderen** op de start van de zorg"
    if not pd.isna(lists):
        text += f" ({_n(lists, threshold)} toewijzingen)"
    earlier = str(pd.Period(last, "M") - 3)
    before = value("wachtlijst_kinderen", earlier)
    if not pd.isna(before) and before >= threshold and children >= threshold:
        change = _rounded(children, threshold) - _rounded(before, threshold)
        if change == 0:
            text += f", evenveel als drie maanden eerder (eind {month_nl(earlier)})"
        else:
            word = "meer" if change > 0 else "minder"
            text += (
                f": {_nl(abs(change))} {word} dan drie maanden eerder (eind {month_nl(earlier)})"
            )
    out.append(text + ".")
    quarter = [str(pd.Period(last, "M") - k) for k in (2, 1, 0)]
    if all(m in wide.index for m in quarter):
        assigned = sum(value("toewijzingen", m) for m in quarter)
        started = sum(value("starts", m) for m in quarter)
        text = (
            f"Van {month_nl(quarter[0])} tot en met {month_nl(last)} kwamen er "
            f"{_n(assigned, threshold)} nieuwe toewijzingen bij en gingen "
            f"{_n(started, threshold)} trajecten van start"
        )
        a, b = _rounded(assigned, threshold), _rounded(started, threshold)
        if min(assigned, started) >= threshold and a != b:
            text += (
                ": er kwamen meer kinderen bij dan er begonnen"
                if a > b
                else (": er begonnen meer kinderen dan er bijkwamen")
            )
        out.append(text + ".")
    within = funnels[(funnels["indicator"] == "binnen_norm") & (funnels["niveau"] == "gemeente")]
    if len(within) and within["n"].sum() >= threshold:
        period = (
            f"van {month_nl(funnel_months[0])} tot en met {month_nl(funnel_months[1])}"
            if funnel_months
            else "de laatste twaalf maanden"
        )
        out.append(
            f"Van de kinderen die {period} met zorg begonnen, startte "
            f"**{_nl(within['doel_pct'].iloc[0])}%** binnen {_nl(norm_weeks)} weken na de "
            "toewijzing."
        )
    if automatic:
        names = (
            ", ".join(automatic[:-1]) + " en " + automatic[-1]
            if len(automatic) > 1
            else automatic[0]
        )
        out.append(
            f"Let op de betrouwbaarheid: bij {names} lijken de meeste starts automatisch; hun korte "
            "wachttijden zijn geen echte wachttijden."
        )
    late = sorted(
        region.loc[region["voorlopig"].astype(bool) & (region["maand"] > last), "maand"].unique()
    )
    if late:
        out.append(
            f"{_months_nl(late).capitalize()} {'is' if len(late) == 1 else 'zijn'} nog voorlopig: "
            "nog niet alle berichten zijn binnen. De maandcijfers hierboven gaan daarom tot en met "
            f"{month_nl(last)}."
        )
    return out[:5]


def findings(ctx: TrendsContext) -> HTML:
    """Section: the "Belangrijkste bevindingen" that open the trends report."""
    if ctx.result is None:
        return findings_block(
            [f"{esc(ctx.reden)} De andere onderdelen van dit rapport blijven leeg."]
        )
    flagged = report_flags(ctx)
    names = sorted(
        esc(display_name(ctx.display_names, "aanbieder", c) if ctx.display_names else c)
        for c, indicator in flagged.items()
        if indicator == "auto_305"
    )
    return findings_block(
        findings_sentences(
            ctx.series,
            ctx.result.funnels,
            threshold=ctx.threshold,
            norm_weeks=ctx.result.queue.norm_weeks,
            automatic=names,
            funnel_months=funnel_period(ctx.peildatum),
        )
    )
