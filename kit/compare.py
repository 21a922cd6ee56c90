"""Leercirkel comparison: several regions' packages side by side, only on equal definitions.

Figures are put in one table only when the packages used the same definitions (equal content
hash of ``waiting_times.yaml``; for quality scores, of ``checks.yaml``). Packages with other
definitions form their own group, and :func:`definition_differences` says which definition and
which keys differ. The section functions here are what ``notebooks/04_vergelijking.ipynb``
calls; every number shown comes from the packages, which hold protected tables only
(:mod:`kit.share`).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown, display

from kit import charts, config, trends
from kit import waits as wt
from kit.share import Package, read_package

HIDDEN = "."  # a blanked count in a package (below the threshold or recomputable from a total)


@dataclass
class Group:
    """Packages computed with the same definitions (or checks): their figures may be compared."""

    hash: str
    packages: list[Package]

    @property
    def regions(self) -> list[str]:
        return [p.regio for p in self.packages]


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


def group_packages(packages: list[Package], *, key: str = "definities") -> list[Group]:
    """Packages grouped by the content hash of their definitions (``key="definities"``) or
    checks (``key="controles"``), in the order they were given."""
    groups: dict[str, list[Package]] = {}
    for package in packages:
        groups.setdefault(package.manifest[key]["sha256"], []).append(package)
    return [Group(h, members) for h, members in groups.items()]


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


def _table(frame: pd.DataFrame) -> HTML:
    return HTML(frame.to_html(index=False, na_rep="", border=0, classes="kit-tabel"))


def _nl(value: float, *, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _count(value: object, threshold: int) -> str:
    """A package count for display: blank -> ``.``, below the report's threshold -> ``<N``."""
    if value is None or pd.isna(value):
        return HIDDEN
    if 0 < float(value) < threshold:
        return f"<{threshold}"
    return _nl(float(value))


def _days(value: object) -> str:
    return wt.days_text(np.nan if value is None or pd.isna(value) else float(value))


def _pct(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{_nl(float(value), decimals=1)}%"


def _esc(text: object) -> str:
    from kit.sections import esc  # the reports' one escaping rule for data text

    return esc(text)


# --------------------------------------------------------------------------------------------
# Overview and definitions


def overview_table(ctx: ComparisonContext) -> pd.DataFrame:
    """One row per package: region, peildatum, period, kit version, hashes, population."""
    rows = []
    for p in ctx.packages:
        m = p.manifest
        period = m.get("periode", {})
        rows.append(
            {
                "Regio": p.regio,
                "Pakket": p.path.name,
                "Peildatum": m["peildatum"],
                "Periode": f"{period.get('van')} t/m {period.get('tot')}",
                "Kit-versie": m.get("kit_versie", ""),
                "Definities (hash)": p.definitions_hash[:12],
                "Controles (hash)": p.checks_hash[:12],
                "Drempel": m.get("instellingen", {}).get("min_cel", ""),
                "Bevolking": "ja" if "bevolking" in p.tables else "nee",
            }
        )
    return pd.DataFrame(rows)


def overview(ctx: ComparisonContext) -> HTML:
    """Section: the packages compared (what each region sent)."""
    return _table(overview_table(ctx))


def overview_text(ctx: ComparisonContext) -> str:
    """Dutch reading of the overview: equal or different peildata, kit versions, definitions."""
    n = len(ctx.packages)
    parts = [f"{n} deelpakketten gelezen en gecontroleerd (elk bestand tegen het manifest)."]
    peil = sorted({p.manifest["peildatum"] for p in ctx.packages})
    if len(peil) > 1:
        parts.append(
            "Let op: de pakketten hebben verschillende peildata (" + ", ".join(peil) + "); "
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


def flatten(doc: object, prefix: str = "") -> dict[str, str]:
    """A YAML document as ``{dotted key: value as text}``; list items with an ``id`` are keyed
    by it (``definities[toewijzing_start].stop``), other lists are one value."""
    out: dict[str, str] = {}
    if isinstance(doc, dict):
        for key, value in doc.items():
            out |= flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(doc, list) and doc and all(isinstance(i, dict) and "id" in i for i in doc):
        for item in doc:
            base = f"{prefix}[{item['id']}]"
            out[base] = "aanwezig"
            out |= flatten({k: v for k, v in item.items() if k != "id"}, base)
    else:
        out[prefix] = json.dumps(doc, ensure_ascii=False, default=str)
    return out


def definition_differences(groups: list[Group], *, kind: str = "definities") -> pd.DataFrame:
    """What differs between the groups' YAML files: one row per key whose value differs.

    Parameters
    ----------
    groups : list of Group
    kind : str
        ``definities`` (``waiting_times.yaml``) or ``controles`` (``checks.yaml``).

    Returns
    -------
    pandas.DataFrame
        ``onderdeel`` (e.g. ``normen[regionale_norm]``), ``sleutel`` and one column per group
        (its regions) with the value, ``—`` where the key is absent.
    """
    if len(groups) < 2:
        return pd.DataFrame(columns=["onderdeel", "sleutel"])
    flat = []
    for g in groups:
        package = g.packages[0]
        flat.append(flatten(package.definitions if kind == "definities" else package.checks))
    labels = [", ".join(g.regions) for g in groups]
    keys = sorted(set().union(*flat))
    rows = []
    for key in keys:
        values = [f.get(key, "—") for f in flat]
        if len(set(values)) == 1:
            continue
        part, _, rest = key.partition("].")
        part = part + "]" if rest else key
        rows.append(
            {
                "onderdeel": part,
                "sleutel": rest or "(het onderdeel zelf)",
                **{
                    label: (v if len(v) <= 90 else v[:87] + "...")
                    for label, v in zip(labels, values, strict=True)
                },
            }
        )
    return pd.DataFrame(rows)


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


# --------------------------------------------------------------------------------------------
# Waiting times side by side


def _loaded_definitions(package: Package) -> wt.Definitions:
    with tempfile.TemporaryDirectory(prefix="kit-vergelijk-") as tmp:
        path = Path(tmp) / "waiting_times.yaml"
        path.write_text(package.definitions_text, encoding="utf-8")
        return wt.load_definitions(path)


def waiting_list_rate(package: Package) -> tuple[str, float, float]:
    """The region's waiting list at the end of its last complete month (trends).

    Returns
    -------
    tuple
        ``(maand, wachtlijst, per 1.000 jeugdigen)``; missing values are NaN (the rate when the
        package has no population table).
    """
    series = package.tables.get("trends_maand")
    if series is None:
        return "", np.nan, np.nan
    region = series[(series["niveau"] == "regio") & (series["eenheid"] == trends.REGIO)]
    counts = region[(region["reeks"] == "wachtlijst") & ~region["voorlopig"].astype(bool)]
    if counts.empty:
        return "", np.nan, np.nan
    month = counts["maand"].max()
    count = counts.loc[counts["maand"] == month, "waarde"].iloc[0]
    rate = region[(region["reeks"] == "wachtlijst_per_1000") & (region["maand"] == month)]
    return str(month), count, rate["waarde"].iloc[0] if len(rate) else np.nan


def side_by_side(group: Group, definitie: str, *, threshold: int) -> pd.DataFrame:
    """One definition, the group's regions as rows: trajecten, median, P90, shares within norm,
    waiting list (and per 1,000 jeugdigen).

    Statistics rest on at least ``threshold`` pathways; the packages already left them out
    below the region's own threshold.
    """
    definitions = _loaded_definitions(group.packages[0])
    rows = []
    for package in group.packages:
        summary = package.tables["wachttijden_samenvatting"]
        hit = summary[(summary["definitie"] == definitie) & (summary["groep"] == "totaal")]
        row = hit.iloc[0] if len(hit) else pd.Series(dtype=object)
        small = pd.isna(row.get("n")) or float(row.get("n")) < threshold
        month, listed, rate = waiting_list_rate(package)
        out = {
            "Regio": package.regio,
            "Trajecten": _count(row.get("n"), threshold),
            "Gestart": _count(row.get("n_gestart"), threshold),
            "Mediaan (dagen)": "" if small else _days(row.get("mediaan_dagen")),
            "P90": "" if small else _days(row.get("p90_dagen")),
        }
        for norm in definitions.norms:
            column = wt.norm_column(norm)
            out[f"% binnen {norm.name}"] = "" if small else _pct(row.get(column))
        out["Wachtlijst (trends)"] = _count(listed, threshold) + (f" ({month})" if month else "")
        out["Wachtlijst per 1.000 jeugdigen"] = (
            "" if pd.isna(rate) else _nl(float(rate), decimals=2)
        )
        rows.append(out)
    return pd.DataFrame(rows)


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
        definitions = _loaded_definitions(group.packages[0])
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


# --------------------------------------------------------------------------------------------
# Funnel plots across regions


def funnel_points(packages: list[Package], indicator: str) -> pd.DataFrame:
    """The regions' share for one funnel indicator, with funnel limits around the pooled share.

    ``n`` is the package's (rounded) denominator and the share its exact ``pct``; a region whose
    share was blanked is left out.
    """
    rows = []
    for package in packages:
        t = package.tables.get("trends_trechter")
        if t is None:
            continue
        hit = t[(t["indicator"] == indicator) & (t["niveau"] == "regio")]
        if hit.empty or pd.isna(hit["pct"].iloc[0]) or pd.isna(hit["n"].iloc[0]):
            continue
        n = float(hit["n"].iloc[0])
        rows.append({"eenheid": package.regio, "x": hit["pct"].iloc[0] / 100 * n, "n": n})
    if not rows:
        return pd.DataFrame(columns=["eenheid", "x", "n", "pct", "beoordeling"])
    return trends.funnel(pd.DataFrame(rows))


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


# --------------------------------------------------------------------------------------------
# Data quality across regions


def quality_table(group: Group, *, threshold: int) -> pd.DataFrame:
    """Share of reliable message rows per berichttype (rows) and region (columns)."""
    frames = []
    for package in group.packages:
        s = package.tables["quickscan_scores"].copy()
        small = s["n"].isna() | (s["n"] < threshold)
        s["waarde"] = [
            "" if hide else f"{_pct(pct) or 'afgeschermd'} van {_count(n, threshold)}"
            for hide, pct, n in zip(small, s["pct_betrouwbaar"], s["n"], strict=True)
        ]
        frames.append(s.set_index("berichttype")["waarde"].rename(package.regio))
    table = pd.concat(frames, axis=1).fillna("")
    order = [i for i in table.index if i != "totaal"] + (
        ["totaal"] if "totaal" in table.index else []
    )
    return table.loc[order].rename_axis("Berichtsoort").reset_index()


def checks_table(group: Group, *, threshold: int, top: int = 15) -> pd.DataFrame:
    """The checks with the largest spread in % afwijkend across the group's regions."""
    frames = []
    for package in group.packages:
        f = package.tables["quickscan_bevindingen"]
        f = f[f["groep"] == "totaal"]
        pct = f["pct_afwijkend"].where(f["n_gecontroleerd"] >= threshold)
        key = f["check_id"] + " (" + f["berichttype"] + ")"
        frames.append(pd.Series(pct.to_numpy(), index=key.to_numpy(), name=package.regio))
    table = pd.concat(frames, axis=1)
    table = table[table.notna().sum(axis=1) >= 2]
    spread = (table.max(axis=1) - table.min(axis=1)).sort_values(ascending=False)
    table = table.loc[spread.index[:top]]
    shown = table.apply(lambda col: col.map(_pct))  # noqa: PD011
    return shown.rename_axis("Controle (berichtsoort)").reset_index()


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


# --------------------------------------------------------------------------------------------
# Monthly series


def waiting_list_series(ctx: ComparisonContext) -> None:
    """Section: the waiting list per month, one line per region (per 1,000 jeugdigen when every
    package has a population table, else counts)."""
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
