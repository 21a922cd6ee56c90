"""Live-session controls (ipywidgets). Only used in notebook cells tagged ``live-only``."""

from __future__ import annotations

import ipywidgets as widgets
from IPython.display import Markdown, display

from kit import charts, sections
from kit.checks import FINDINGS_PROTECTION
from kit.names import add_names, display_name


def quickscan_detail(ctx: sections.QuickscanContext) -> widgets.VBox | None:
    """Pick an aanbieder or gemeente and see its findings per check and its agenda.

    Parameters
    ----------
    ctx : kit.sections.QuickscanContext
        From :func:`kit.sections.prepare_quickscan`.

    Returns
    -------
    ipywidgets.VBox or None
        A dropdown and an output area that updates on every choice; None outside a live
        session (a report run executes widget cells too, but must not store widget state).
    """
    if not ctx.live:
        return None
    findings = {unit: sections.quickscan._named_findings(ctx, (unit,)) for unit in ("aanbieder", "gemeente")}
    names = getattr(ctx, "display_names", None)

    def label(unit: str, code: str) -> str:
        return display_name(names, unit, code) if names is not None else code

    options = [
        (f"Aanbieder {label('aanbieder', a)}", ("aanbieder", a))
        for a in sorted(findings["aanbieder"]["aanbieder"].dropna().unique())
    ]
    options += [
        (f"Gemeente {label('gemeente', g)}", ("gemeente", g))
        for g in sorted(findings["gemeente"]["gemeente"].dropna().unique())
    ]
    picker = widgets.Dropdown(options=options, description="Kies:", layout={"width": "360px"})
    out = widgets.Output()

    def show(change: dict | None = None) -> None:
        unit, value = picker.value
        subset = findings[unit][findings[unit][unit] == value]
        safe = FINDINGS_PROTECTION.apply(subset, ctx.threshold)
        out.clear_output(wait=True)
        with out:
            if names is not None:
                safe = add_names(safe, names, unit)
            display(charts.findings_heatmap(safe, row=unit))
            agenda = sections.agenda_table(subset, unit=unit, threshold=ctx.threshold)
            agenda = sections.common.named(agenda, names, unit)
            display(sections.common._table(agenda.drop(columns=f"{unit}_code", errors="ignore")))

    picker.observe(show, names="value")
    if options:
        show()
    else:
        with out:
            display(Markdown("*Geen aanbieder of gemeente met gecontroleerde berichten.*"))
    return widgets.VBox([picker, out])


def definities_verkenner(ctx: sections.DefinitiesContext) -> widgets.VBox | None:
    """Pick definitions, a categorie, aanbieder, gemeente and a norm; see curves and figures.

    The estimates are recomputed on the chosen subgroup with the same rules as the report: no
    median on fewer than ``min_n`` pathways, every curve step on at least ``min_n`` starts, and
    counts below the threshold blanked.

    Parameters
    ----------
    ctx : kit.sections.DefinitiesContext
        From :func:`kit.sections.prepare_definities`.

    Returns
    -------
    ipywidgets.VBox or None
        The controls and an output area that updates on every choice; None outside a live
        session (report runs execute widget cells too but must not store widget state).
    """
    if not ctx.live:
        return None
    import pandas as pd

    from kit import waits as wt

    res = ctx.results
    waits = {i: wt.included(m) for i, m in res.measured.items()}
    every = pd.concat(waits.values(), ignore_index=True)

    def choices(column: str) -> list[tuple[str, str]]:
        values = sorted(every[column].dropna().astype(str).unique())
        return [("alle", "")] + [(v, v) for v in values]

    pick = widgets.SelectMultiple(
        options=[(ctx.names[i], i) for i in waits],
        value=[d.id for d in ctx.definitions.definitions if d.is_wait and d.id in waits],
        description="Definities:",
        rows=min(8, len(waits)),
        layout={"width": "460px"},
    )
    menus = {
        col: widgets.Dropdown(options=choices(col), description=f"{col.capitalize()}:")
        for col in ("categorie", "aanbieder", "gemeente")
    }
    norm = widgets.Dropdown(
        options=[(n.name, n.id) for n in ctx.definitions.norms], description="Norm:"
    )
    out = widgets.Output()

    def show(change: dict | None = None) -> None:
        chosen_norm = next(n for n in ctx.definitions.norms if n.id == norm.value)
        rows, curves = [], []
        for did in pick.value:
            subset = waits[did]
            for col, menu in menus.items():
                if menu.value:
                    subset = subset[subset[col].astype("string") == menu.value]
            row, curve = wt.estimate(subset, norms=[chosen_norm], min_n=res.min_n)
            rows.append({"naam": ctx.names[did], **row})
            if len(curve):
                curves.append(curve.assign(naam=ctx.names[did]))
        col = wt.norm_column(chosen_norm)
        table = pd.DataFrame(
            rows, columns=["naam", "n", "n_gestart", "n_wachtend", "mediaan_dagen", col]
        )
        # suppressed once, from the raw counts (shown() marks what it blanks as <N)
        safe = sections.shown(
            table,
            ["n", "n_gestart", "n_wachtend"],
            {"mediaan_dagen": ["n"], col: ["n"]},
            threshold=ctx.threshold,
        )
        safe["mediaan_dagen"] = [wt.days_text(v) for v in safe["mediaan_dagen"]]
        safe = safe.rename(
            columns={
                "naam": "Definitie",
                "n": "Trajecten",
                "n_gestart": "Gestart",
                "n_wachtend": "Wacht nog",
                "mediaan_dagen": "Mediaan KM",
                col: f"% binnen {chosen_norm.name}",
            }
        )
        out.clear_output(wait=True)
        with out:
            if curves:
                rule = pd.DataFrame({"naam": [chosen_norm.name], "dagen": [chosen_norm.days]})
                display(charts.km_overlay(pd.concat(curves, ignore_index=True), norms=rule))
            display(sections.common._table(safe))

    for control in (pick, norm, *menus.values()):
        control.observe(show, names="value")
    show()
    return widgets.VBox([widgets.HBox([pick, widgets.VBox([*menus.values(), norm])]), out])


def trends_verkenner(ctx: sections.TrendsContext) -> widgets.VBox | None:
    """Pick a level, unit, series and period; see its SPC chart and what is special.

    The chart is recomputed for the choice with the context's baseline (clipped to the chosen
    period; the whole period when the baseline falls outside it). Values resting on fewer
    than the threshold are left out of the chart.

    Parameters
    ----------
    ctx : kit.sections.TrendsContext
        From :func:`kit.sections.prepare_trends`.

    Returns
    -------
    ipywidgets.VBox or None
        The controls and an output area that updates on every choice; None outside a live
        session (report runs execute widget cells too but must not store widget state).
    """
    if not ctx.live or ctx.result is None:  # no trends: the headline says why
        return None
    from kit import trends

    series = ctx.result.series
    months = sorted(series["maand"].unique())
    level = widgets.Dropdown(
        options=[("Regio", "regio"), ("Gemeente", "gemeente"), ("Aanbieder", "aanbieder")]
        + [("Productcategorie", "categorie")],
        description="Niveau:",
    )
    unit = widgets.Dropdown(description="Eenheid:")
    reeksen = sorted(series["reeks"].unique(), key=lambda r: (r not in trends.SERIES, r))
    reeks = widgets.Dropdown(
        options=[(trends.series_label(r), r) for r in reeksen],
        value="wachtlijst",
        description="Reeks:",
        layout={"width": "460px"},
    )
    start = months.index(ctx.van) if ctx.van in months else 0
    period = widgets.SelectionRangeSlider(
        options=months,
        index=(start, len(months) - 1),
        description="Periode:",
        layout={"width": "620px"},
    )
    out = widgets.Output()

    def units(change: dict | None = None) -> None:
        names = sorted(series.loc[series["niveau"] == level.value, "eenheid"].unique())
        unit.options = names
        unit.value = names[0] if names else None

    def show(change: dict | None = None) -> None:
        first, last = period.value
        part = series[series["maand"].between(first, last)]
        base = ctx.baseline
        if base and not (first <= base[0] and base[1] <= last):
            base = None
        out.clear_output(wait=True)
        with out:
            spc = trends.spc_series(
                part, niveau=level.value, eenheid=unit.value, reeks=reeks.value, baseline=base
            )
            label = f"{trends.series_label(reeks.value)} — {level.value} {unit.value}"
            if spc.empty:
                display(Markdown(sections.spc_text(spc, label)))
                return
            safe = sections.safe_spc(spc, threshold=ctx.threshold)
            display(charts.spc_chart(safe, title=label))
            display(Markdown(sections.spc_text(safe, label, baseline=base)))

    level.observe(units, names="value")
    for control in (level, unit, reeks, period):
        control.observe(show, names="value")
    units()
    show()
    return widgets.VBox([widgets.HBox([level, unit]), reeks, period, out])
