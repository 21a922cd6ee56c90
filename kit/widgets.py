"""Live-session controls (ipywidgets). Only used in notebook cells tagged ``live-only``."""

from __future__ import annotations

import ipywidgets as widgets
from IPython.display import display

from kit import charts, sections
from kit.privacy import suppress_small_cells


def quickscan_detail(ctx: sections.QuickscanContext) -> widgets.VBox:
    """Pick an aanbieder or gemeente and see its findings per check and its agenda.

    Parameters
    ----------
    ctx : kit.sections.QuickscanContext
        From :func:`kit.sections.prepare_quickscan`.

    Returns
    -------
    ipywidgets.VBox
        A dropdown and an output area that updates on every choice.
    """
    findings = {unit: sections._named_findings(ctx, (unit,)) for unit in ("aanbieder", "gemeente")}
    options = [
        (f"Aanbieder {a}", ("aanbieder", a))
        for a in sorted(findings["aanbieder"]["aanbieder"].dropna().unique())
    ]
    options += [
        (f"Gemeente {g}", ("gemeente", g))
        for g in sorted(findings["gemeente"]["gemeente"].dropna().unique())
    ]
    picker = widgets.Dropdown(options=options, description="Kies:", layout={"width": "360px"})
    out = widgets.Output()

    def show(change: dict | None = None) -> None:
        unit, value = picker.value
        subset = findings[unit][findings[unit][unit] == value]
        safe = suppress_small_cells(
            subset,
            ["n_gecontroleerd", "n_afwijkend"],
            threshold=ctx.threshold,
            derived={"pct_afwijkend": ["n_afwijkend", "n_gecontroleerd"]},
        )
        out.clear_output(wait=True)
        with out:
            display(charts.findings_heatmap(safe, row=unit))
            display(
                sections._table(sections.agenda_table(subset, unit=unit, threshold=ctx.threshold))
            )

    picker.observe(show, names="value")
    if options:
        show()
    return widgets.VBox([picker, out])
