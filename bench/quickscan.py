"""Benchmark: the quick scan on a region-scale store (not a test; figures for the issue note).

    .venv/bin/python bench/quickscan.py [--store MAP] [--kinderen 20000] [--peildatum 2026-03-31]

Without --store it generates the region with the example generator and ingests it (as
bench/ingest.py does) into --werkmap. Prints seconds per step and writes them to
bench/out/quickscan-<kinderen>.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from common import OUT, region_store

from kit.checks import allow_test_bsns, evaluate_checks, load_checks, prepare_scan, quickscan_tables
from kit.checks.base import REGISTRY
from kit.checks.patterns import provider_patterns
from kit.store import read_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path)
    parser.add_argument("--kinderen", type=int, default=20000)
    parser.add_argument("--werkmap", type=Path, default=Path("/tmp/kit-bench"))
    parser.add_argument("--peildatum", default="2026-03-31")
    parser.add_argument(
        "--per-controle", action="store_true", help="also time every check on its own"
    )
    args = parser.parse_args()
    store = args.store or region_store(args.werkmap, args.kinderen)
    checks = allow_test_bsns(load_checks())
    timings = {}
    t0 = t = time.perf_counter()
    data = prepare_scan(store, peildatum=args.peildatum)
    timings["read_store_and_pathways_s"] = time.perf_counter() - t
    t = time.perf_counter()
    result = evaluate_checks(data, checks)
    timings["evaluate_40_checks_s"] = time.perf_counter() - t
    t = time.perf_counter()
    tables = quickscan_tables(result, provider_patterns(data))
    timings["patterns_and_tables_s"] = time.perf_counter() - t
    timings["total_s"] = time.perf_counter() - t0
    figures = {
        "messages": len(read_table(store, "berichten")),
        "pathways": len(data.pathways),
        "flags": len(result.flags),
        "bevindingen_rows": len(tables["bevindingen"].frame),
        **{k: round(v, 2) for k, v in timings.items()},
    }
    if args.per_controle:  # each check once more, alone (shared caches are warm by now)
        per_check = {}
        for check in checks:
            t = time.perf_counter()
            REGISTRY[check.id](data, check.parameters)
            per_check[check.id] = round(time.perf_counter() - t, 3)
        figures["per_check_s"] = dict(sorted(per_check.items(), key=lambda kv: -kv[1]))
    OUT.mkdir(exist_ok=True)
    name = f"quickscan-{args.kinderen}.json" if args.store is None else "quickscan-store.json"
    (OUT / name).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
