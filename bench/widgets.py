"""Benchmark: widget response of a live session (choose an option -> chart and table ready).

Not a test: it prints figures for the issue note and writes them to bench/out/widgets.json.

    .venv/bin/python bench/widgets.py [--werkmap /tmp/kit-bench-widgets]
    .venv/bin/python bench/widgets.py --store STORE   # an existing store

Runs each notebook's parameter and set-up cells as the live session does (``live = True``,
store injected), builds its widget from the ``live-only`` code cell, then sets every option of
every control in turn and times the callback plus the chart's serialisation (``to_dict``: what
the JupyterChart sends to the browser). Drawing in the browser is not included (Vega in
Chromium takes a few tens of milliseconds; ``tests/test_browser.py`` covers it end to end).
The target of issue 16 is < 1 s per choice.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import altair as alt
import ipywidgets
from common import BENCH_KEY, OUT

from kit import config, widgets
from kit.privacy import Pseudonymiser
from kit.read_xml import iter_sources
from kit.report import default_notebooks
from kit.store import ingest, read_meta

LIMIT = 1.0  # seconds per choice


def example_store(work: Path) -> Path:
    """The example region ingested into ``work`` (once; later runs reuse it)."""
    store = work / "store"
    if not read_meta(store)["inleesrondes"]:
        source = config.project_path("data/example/berichten.tar.xz")
        ingest(iter_sources([source]), store, pseudonymise=Pseudonymiser(BENCH_KEY), workers=2)
    return store


def build_widget(notebook: Path, store: Path) -> ipywidgets.Widget | None:
    """Run the parameter and set-up cells of ``notebook`` and its widget cell; the widget."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    names: dict = {}
    exec("".join(code[0]["source"]), names)  # noqa: S102 - the kit's own notebook
    names.update(store=str(store), live=True)
    exec("".join(code[1]["source"]), names)  # noqa: S102 - set-up cell: ctx
    live = [c for c in code if "live-only" in c["metadata"].get("tags", [])]
    if not live:
        return None
    return eval("".join(live[0]["source"]), names)  # noqa: S307 - e.g. kit.widgets.x(ctx)


def controls(widget: ipywidgets.Widget) -> list:
    """Every choosing control inside ``widget`` (depth first)."""
    kinds = (ipywidgets.Dropdown, ipywidgets.SelectMultiple, ipywidgets.SelectionRangeSlider)
    if isinstance(widget, kinds):
        return [widget]
    return [c for child in getattr(widget, "children", ()) for c in controls(child)]


def choices(control) -> list:
    """The values to try: every option (alone, for a multiple choice); for a period 3 ranges."""
    values = [o[1] if isinstance(o, tuple) else o for o in control.options]
    if isinstance(control, ipywidgets.SelectMultiple):
        return [(v,) for v in values] + [tuple(values)]
    if isinstance(control, ipywidgets.SelectionRangeSlider):
        last = values[-1]
        return [(values[0], last), (values[max(0, len(values) - 12)], last), (values[-3], last)]
    return values


def time_widget(widget: ipywidgets.Widget) -> list[dict]:
    """Seconds per choice: the callback and the serialisation of what it displays."""
    shown: list = []

    def record(*objs, **_kwargs) -> None:
        for obj in objs:
            if isinstance(obj, alt.TopLevelMixin):
                obj.to_dict()
        shown.extend(objs)

    widgets.display = record
    times = []

    def choose(control, value) -> None:
        shown.clear()
        t = time.perf_counter()
        control.value = value
        seconds = time.perf_counter() - t
        times.append(
            {
                "control": control.description,
                "keuze": str(value),
                "seconden": round(seconds, 4),
                "grafiek": any(isinstance(o, alt.TopLevelMixin) for o in shown),
            }
        )

    every = controls(widget)
    for control in every:
        before = control.value
        for value in choices(control):
            if value == control.value:
                continue  # no event
            others = {id(c): list(c.options) for c in every if c is not control}
            choose(control, value)
            # a control whose options follow this one (Niveau -> Eenheid): all its options too
            for other in every:
                if other is not control and list(other.options) != others[id(other)]:
                    for dependent in choices(other):
                        if dependent != other.value:
                            choose(other, dependent)
        try:
            control.value = before  # back, so the next control is timed from the start
        except Exception:  # noqa: BLE001,S110 - its options changed with another control
            pass
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--werkmap", type=Path, default=Path("/tmp/kit-bench-widgets"))
    parser.add_argument("--store", type=Path, help="an existing store instead of the example")
    args = parser.parse_args()
    store = args.store or example_store(args.werkmap)
    from kit import charts

    charts.setup_rendering("live")
    summary = {}
    for notebook in default_notebooks():
        t = time.perf_counter()
        widget = build_widget(notebook, store)
        prepared = time.perf_counter() - t
        if widget is None:
            continue
        times = time_widget(widget)
        seconds = [r["seconden"] for r in times]
        slowest = max(times, key=lambda r: r["seconden"])
        summary[notebook.stem] = {
            "voorbereiden_s": round(prepared, 2),
            "keuzes": len(times),
            "mediaan_s": round(statistics.median(seconds), 3),
            "p90_s": round(sorted(seconds)[int(0.9 * (len(seconds) - 1))], 3),
            "max_s": slowest["seconden"],
            "traagste": f"{slowest['control']} {slowest['keuze']}",
            "boven_1s": sum(s > LIMIT for s in seconds),
            "metingen": times,
        }
        print(
            f"{notebook.stem}: {len(times)} keuzes, mediaan {summary[notebook.stem]['mediaan_s']} s,"
            f" p90 {summary[notebook.stem]['p90_s']} s, max {slowest['seconden']} s "
            f"({slowest['control']} {slowest['keuze']}), boven {LIMIT} s: "
            f"{summary[notebook.stem]['boven_1s']} (voorbereiden {prepared:.1f} s)"
        )
    OUT.mkdir(exist_ok=True)
    (OUT / "widgets.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
