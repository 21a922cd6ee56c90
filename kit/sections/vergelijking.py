"""Notebook 04_vergelijking: several regions' packages side by side, only on equal definitions.

The tables come from :mod:`kit.compare`; every number shown comes from the packages, which hold
protected tables only (:mod:`kit.share`). Figures are put in one table only when the packages
used the same definitions (equal content hash); other packages form their own group.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from IPython.display import HTML, Markdown, display

from kit import charts, config, trends
from kit.compare import (
    Group,
    checks_table,
    definition_differences,
    funnel_points,
    group_packages,
    loaded_definitions,
    overview_table,
    quality_table,
    side_by_side,
)
from kit.sections.common import _nl, _table, date_text
from kit.sections.common import esc as _esc
from kit.share import Package, read_package


@dataclass
class ComparisonContext:
    """Everything notebook 04 shows, read once by :func:`prepare_comparison`."""

    titel: str
    peildatum: str
    threshold: int
    packages: list[Package]
    definition_groups: list[Group] = field(default_factory=list)
    check_groups: list[Group] = field(default_factory=list)
    live: bool = False


def prepare_comparison(
    *,
    titel: str,
    peildatum: str,
    pakketten: list[str],
    min_cel: int = config.MIN_CELL,
    live: bool = False,
) -> ComparisonContext:
    """Read and check every package (a damaged one raises :class:`kit.share.PackageError`).

    Parameters
    ----------
    titel : str
        Name of the comparison (the leercirkel).
    peildatum : str
        Shown in the header; each package states its own.
    pakketten : list of str
        Package files (relative paths: to the kit's folder).
    min_cel : int
        Counts below this read ``<min_cel``, and statistics on fewer are left out, also when a
        region used a lower threshold.
    """
    if not pakketten:
        raise ValueError("Geen deelpakketten opgegeven (parameter pakketten).")
    charts.setup_rendering("live" if live else "report")
    packages = [read_package(config.project_path(p)) for p in pakketten]
    regions = [p.regio for p in packages]
    twice = sorted({r for r in regions if regions.count(r) > 1})
    if twice:
        raise ValueError(f"Meer dan één pakket van dezelfde regio: {', '.join(twice)}.")
    return ComparisonContext(
        titel=titel,
        peildatum=peildatum,
        threshold=min_cel,
        packages=packages,
        definition_groups=group_packages(packages, key="definities"),
        check_groups=group_packages(packages, key="controles"),
        live=live,
    )


def overview(ctx: ComparisonContext) -> HTML:
    """Section: the packages compared (what each region sent)."""
    return _table(overview_table(ctx.packages))


def overview_text(ctx: ComparisonContext) -> str:
    """Dutch reading of the overview: equal or different peildata, kit versions, definitions."""
    n = len(ctx.packages)
    parts = [f"{n} deelpakketten gelezen en gecontroleerd (elk bestand tegen het manifest)."]
    peil = sorted({p.manifest["peildatum"] for p in ctx.packages})
    if len(peil) > 1:
        parts.append(
            "Let op: de pakketten hebben verschillende peildata ("
            + ", ".join(map(date_text, peil))
            + "); "
            "cijfers op verschillende peildata zijn niet helemaal vergelijkbaar."
        )
    versions = sorted({str(p.manifest.get("kit_versie")) for p in ctx.packages})
    if len(versions) > 1:
        parts.append("Let op: gemaakt met verschillende kitversies (" + ", ".join(versions) + ").")
    groups = ctx.definition_groups
    if len(groups) == 1:
        parts.append(
            "Alle regio's gebruiken dezelfde wachttijddefinities (inhoudshash "
            f"{groups[0].hash[:12]}): hun wachttijden staan naast elkaar."
        )
    else:
        parts.append(
            f"De regio's gebruiken {len(groups)} verschillende sets wachttijddefinities. "
            "Wachttijden met verschillende definities komen nooit in één tabel: ze staan "
            "hieronder in aparte groepen, en de volgende sectie zegt wat er verschilt."
        )
    return " ".join(parts)


def summary(ctx: ComparisonContext) -> Markdown:
    """Section: what was read, and whether the figures can stand side by side."""
    return Markdown(overview_text(ctx))


def definitions(ctx: ComparisonContext) -> None:
    """Section: are the definitions equal; if not, which definitions and keys differ."""
    for kind, groups, what in (
        ("definities", ctx.definition_groups, "wachttijddefinities (waiting_times.yaml)"),
        ("controles", ctx.check_groups, "controles van de quick scan (checks.yaml)"),
    ):
        if len(groups) == 1:
            display(
                Markdown(
                    f"**{what.capitalize()}:** alle pakketten gelijk (inhoudshash "
                    f"{groups[0].hash[:12]})."
                )
            )
            continue
        listing = "; ".join(
            f"groep {i}: {_esc(', '.join(g.regions))} (hash {g.hash[:12]})"
            for i, g in enumerate(groups, 1)
        )
        diff = definition_differences(groups, kind=kind)
        changed = sorted(set(diff["onderdeel"])) if len(diff) else []
        display(
            Markdown(
                f"**{what.capitalize()}: verschillend.** {listing}. Cijfers van verschillende "
                "groepen staan niet in één tabel. Wat verschilt: "
                + (", ".join(_esc(c) for c in changed) or "alleen de opmaak")
                + "."
            )
        )
        if len(diff):
            display(_table(diff))


def _group_heading(group: Group, index: int, n_groups: int) -> str:
    if n_groups == 1:
        return ""
    return (
        f"#### Groep {index}: {_esc(', '.join(group.regions))} (definities {group.hash[:12]})\n\n"
    )


def waits(ctx: ComparisonContext, *, soort: str = "wachttijd") -> None:
    """Section: per definition the regions side by side, per group of equal definitions."""
    n_groups = len(ctx.definition_groups)
    for index, group in enumerate(ctx.definition_groups, 1):
        definitions = loaded_definitions(group.packages[0])
        heading = _group_heading(group, index, n_groups)
        if heading:
            display(Markdown(heading))
        for d in definitions.definitions:
            if d.kind != soort:
                continue
            display(Markdown(f"**{_esc(d.name)}** ({_esc(d.id)})"))
            display(_table(side_by_side(group, d.id, threshold=ctx.threshold)))


def km_across_regions(ctx: ComparisonContext, *, definitie: str, max_dagen: int = 365) -> None:
    """Section: one definition's Kaplan–Meier curves, one line per region (per group)."""
    n_groups = len(ctx.definition_groups)
    for index, group in enumerate(ctx.definition_groups, 1):
        curves = []
        for package in group.packages:
            km = package.tables["wachttijden_km"]
            part = km[(km["definitie"] == definitie) & (km["groep"] == "totaal")]
            curves.append(part.assign(naam=package.regio))
        frame = pd.concat(curves, ignore_index=True) if curves else pd.DataFrame()
        heading = _group_heading(group, index, n_groups)
        if frame.empty or frame["aandeel_wachtend"].notna().sum() == 0:
            display(Markdown(heading + f"Geen curve voor {_esc(definitie)} in deze pakketten."))
            continue
        if heading:
            display(Markdown(heading))
        chart = charts.km_overlay(frame, max_dagen=max_dagen)
        chart.layer[0].encoding.color.title = "Regio"
        display(chart)


def funnel_text(points: pd.DataFrame, *, direction: int) -> str:
    """Dutch reading of a funnel across regions: who lies outside the 99.8% limits."""
    if points.empty:
        return "Geen regio met genoeg gegevens voor deze indicator."
    mean = f"gemiddeld {_nl(points['doel_pct'].iloc[0], decimals=1)}%"
    outside = points[points["beoordeling"].str.contains("99,8")]
    if outside.empty:
        return (
            f"Geen regio ligt buiten de 99,8%-grenzen ({mean}): de verschillen passen bij "
            "toeval, gegeven de aantallen."
        )
    words = {1: ("gunstig", "ongunstig"), -1: ("ongunstig", "gunstig"), 0: ("hoog", "laag")}
    parts = []
    for high, word in zip((True, False), words[direction], strict=True):
        rows = outside[outside["beoordeling"].str.startswith("boven") == high]
        if len(rows):
            names = ", ".join(
                f"{_esc(r.eenheid)} ({_nl(r.pct, decimals=1)}%)" for r in rows.itertuples()
            )
            parts.append(f"opvallend {'hoog' if high else 'laag'} ({word}): {names}")
    return f"Buiten de 99,8%-grenzen ({mean}): " + "; ".join(parts) + "."


def funnels(ctx: ComparisonContext) -> None:
    """Section: per funnel indicator the regions in one funnel plot (same norm only)."""
    for indicator, title in trends.FUNNEL_INDICATORS.items():
        sets: dict[object, list[Package]] = {}
        for p in ctx.packages:
            norm = p.manifest.get("instellingen", {}).get("norm_weken")
            sets.setdefault(norm if indicator == "binnen_norm" else None, []).append(p)
        for norm, packages in sets.items():
            label = title
            if norm is not None:
                label = f"Gestart binnen {_nl(float(norm))} weken (% van wie startte)"
            points = funnel_points(packages, indicator)
            display(Markdown(f"### {label}"))
            if len(points):
                lines = trends.funnel_lines(points["doel_pct"].iloc[0], points["n"].max())
                display(charts.funnel_chart(points, lines, title="per regio"))
            display(Markdown(funnel_text(points, direction=trends.FUNNEL_DIRECTION[indicator])))


def quality(ctx: ComparisonContext) -> None:
    """Section: quick-scan scores and the checks that differ most, per group of equal checks."""
    n_groups = len(ctx.check_groups)
    for index, group in enumerate(ctx.check_groups, 1):
        if n_groups > 1:
            display(
                Markdown(
                    f"#### Groep {index}: {_esc(', '.join(group.regions))} (controles "
                    f"{group.hash[:12]})"
                )
            )
        display(Markdown("**Aandeel betrouwbare berichtregels** (geen fout of waarschuwing)"))
        display(_table(quality_table(group, threshold=ctx.threshold)))
        if len(group.packages) > 1:
            display(
                Markdown("**Controles met het grootste verschil tussen de regio's** (% afwijkend)")
            )
            display(_table(checks_table(group, threshold=ctx.threshold)))


def waiting_list_series(ctx: ComparisonContext) -> None:
    """Section: the waiting list per month, one line per region.

    Per 1,000 jeugdigen when every package has a population table, else counts.
    """
    rates = all("bevolking" in p.tables for p in ctx.packages)
    reeks = "wachtlijst_per_1000" if rates else "wachtlijst"
    parts = []
    for p in ctx.packages:
        s = p.tables.get("trends_maand")
        if s is None:
            continue
        keep = (s["niveau"] == "regio") & (s["eenheid"] == trends.REGIO) & (s["reeks"] == reeks)
        parts.append(s[keep].assign(label=p.regio))
    if not parts:
        display(Markdown("Geen maandreeksen in de pakketten."))
        return
    frame = pd.concat(parts, ignore_index=True)
    frame["voorlopig"] = frame["voorlopig"].astype(bool)
    y = "Per 1.000 jeugdigen" if rates else "Toewijzingen"
    if not rates:
        display(
            Markdown(
                "Niet elk pakket heeft een bevolkingstabel: de wachtlijst staat als aantal "
                "toewijzingen, niet per 1.000 jeugdigen (grote en kleine regio's zijn zo niet "
                "direct te vergelijken)."
            )
        )
    display(charts.trend_lines(frame, title="Wachtlijst op het eind van de maand", y_title=y))
