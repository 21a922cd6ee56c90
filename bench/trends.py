"""Benchmark: monthly trend series of a region-scale example (the issue asks for < 10 s).

Not a test: it prints figures for the issue note and writes them to bench/out/trends.json.

    .venv/bin/python bench/trends.py [--kinderen 20000] [--werkmap /tmp/kit-bench]
    .venv/bin/python bench/trends.py --store STORE   # an existing store

Generates and ingests a fictional region (once; later runs reuse the store in the work folder),
then measures (warm file cache, best of ``--herhalingen`` runs):
- reading the store at the peildatum and building the pathways (:func:`kit.checks.prepare_scan`);
- the monthly series of every level (:func:`kit.trends.monthly_series`);
- every trend table at once (:func:`kit.trends.compute_trends`: series, provisional months,
  stock-flow, Little, funnels, Beschikbaarheidswijzer, queueing indicators).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import pandas as pd
from common import OUT, best_of, region_store

from kit.checks import prepare_scan
from kit.trends import compute_trends, measured_waits, monthly_series


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinderen", type=int, default=20000)
    parser.add_argument("--werkmap", type=Path, default=Path("/tmp/kit-bench"))
    parser.add_argument("--store", type=Path, help="an existing store instead of a generated one")
    parser.add_argument("--peildatum", default="2026-03-31")
    parser.add_argument("--herhalingen", type=int, default=3)
    args = parser.parse_args()
    store = args.store or region_store(args.werkmap, args.kinderen)

    t_load, data = best_of(lambda: prepare_scan(store, peildatum=args.peildatum), args.herhalingen)
    p = data.pathways
    measured_waits(p, peildatum=args.peildatum)  # warm-up: imports lifelines once
    t_series, series = best_of(
        lambda: monthly_series(p, peildatum=args.peildatum), args.herhalingen
    )
    t_all, result = best_of(lambda: compute_trends(data), args.herhalingen)
    months = series["maand"].nunique()
    units = series[["niveau", "eenheid"]].drop_duplicates()
    figures = {
        "store": str(store),
        "peildatum": args.peildatum,
        "messages": int(len(data.tables["berichten"])),
        "pathways": int(len(p)),
        "months": int(months),
        "units": {k: int(v) for k, v in units["niveau"].value_counts().items()},
        "series_rows": int(len(series)),
        "load_and_pathways_s": round(t_load, 2),
        "monthly_series_s": round(t_series, 2),
        "compute_trends_s": round(t_all, 2),
        "total_s": round(t_load + t_all, 2),
        "wijzer_rows": int(len(result.availability)),
        "cpu_count": os.cpu_count(),
        "pandas": pd.__version__,
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "trends.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
