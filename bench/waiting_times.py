"""Benchmark: all default waiting-time definitions with breakdowns on a region-scale store.

Not a test: it prints figures for the issue note and writes them to bench/out/waiting_times.json.

    .venv/bin/python bench/waiting_times.py [--kinderen 20000] [--werkmap /tmp/kit-bench]

Generates the example region with ``--kinderen`` children over three years (once; reused when the
work folder already holds it) and ingests it, like ``bench/ingest.py``. Then measures, with the
store already on disk:

- reading the store at the peildatum and building the pathways (:func:`kit.checks.prepare_scan`);
- the quick-scan check(s) for the sensitivity (``start_automatisch``);
- :func:`kit.waits.compute_waits`: every default definition, Kaplan–Meier per group
  (totaal + categorie + aanbieder + gemeente), Aalen–Johansen, snapshot, schadelijk wachten,
  reconciliation and the sensitivity without flagged pathways (best of three runs);
- the same via the CLI entry :func:`kit.waits.waits_from_store` (store to results).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from common import OUT, best_of, region_store

from kit import waits as wt
from kit.checks import evaluate_checks, load_checks, prepare_scan

PEILDATUM = "2026-03-31"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinderen", type=int, default=20000)
    parser.add_argument("--werkmap", type=Path, default=Path("/tmp/kit-bench"))
    args = parser.parse_args()
    store = region_store(args.werkmap, args.kinderen)
    definitions = wt.load_definitions()

    t_scan, data = best_of(lambda: prepare_scan(store, peildatum=PEILDATUM), runs=1)
    checks = [c for c in load_checks() if c.id in definitions.sensitivity_checks]
    t_flags, flags = best_of(lambda: evaluate_checks(data, checks).flags, runs=1)
    flagged = wt.flagged_pathways(data.pathways, flags, checks=definitions.sensitivity_checks)
    begin = data.tables["berichten"]["Dagtekening"].min()

    def everything() -> wt.WaitResults:
        return wt.compute_waits(
            data.pathways, definitions, peildatum=PEILDATUM, data_begin=begin, flagged=flagged
        )

    everything()  # warm-up (imports, caches)
    t_compute, results = best_of(everything)
    t_measure, _ = best_of(
        lambda: [
            wt.measure_waits(data.pathways, d, peildatum=PEILDATUM, data_begin=begin)
            for d in definitions.definitions
        ]
    )
    t_store, _ = best_of(lambda: wt.waits_from_store(store, peildatum=PEILDATUM), runs=1)
    summary = results.summary
    figures = {
        "children": args.kinderen,
        "pathways": len(data.pathways),
        "definitions": len(definitions.definitions),
        "groups_per_definition": int(summary.groupby("definitie").size().max()),
        "km_fits": int((summary["n"] >= results.min_n).sum()),
        "flagged_pathways": len(flagged),
        "read_store_and_build_pathways_s": round(t_scan, 2),
        "sensitivity_check_s": round(t_flags, 2),
        "measure_all_definitions_s": round(t_measure, 2),
        "compute_waits_all_definitions_with_breakdowns_s": round(t_compute, 2),
        "store_to_results_s": round(t_store, 2),
        "cpu_count": os.cpu_count(),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "waiting_times.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
