"""Benchmark: rendering reports (not a test; figures for the issue note).

    .venv/bin/python bench/reports.py [--eenheden 40] [--jobs 2]

1. One region's three reports (every notebook in notebooks/) on the example store: one after
   another, and with ``--jobs`` processes as ``python -m kit rapport`` (``make demo``) does.
2. A batch of ``--eenheden`` units (the example region cut into gemeenten and groups) x every
   notebook with ``--jobs`` worker processes, as ``python -m kit batch`` does.
Needs the example store (``make demo`` or ``python -m kit inlezen``). Writes bench/out/reports.json.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import yaml
from common import OUT

from kit.config import EXAMPLE_DIR, PROJ_ROOT
from kit.report import Job, batch, default_notebooks, load_params, render, run_jobs

GEMEENTEN = [f"99{n:02d}" for n in range(1, 9)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eenheden", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    # a strong key (kit inlezen refuses keys under 256 bits); benchmark only
    os.environ.setdefault("KIT_PSEUDONIEM_SLEUTEL", "926f08afae1f31d412721b54c740579e48331b295778bd07a10b289474186411")
    notebooks = default_notebooks()
    params = load_params(EXAMPLE_DIR / "rapport.yaml", notebooks)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        for nb in notebooks:
            render(nb, params[nb], Path(tmp) / "regio")
        one_region = time.perf_counter() - t
        t = time.perf_counter()
        jobs = [Job("", nb, params[nb], Path(tmp) / "regio-parallel") for nb in notebooks]
        errors = [error for _, _, error in run_jobs(jobs, workers=args.jobs) if error]
        one_region_parallel = time.perf_counter() - t
        if errors:
            raise SystemExit(f"report failed: {errors}")

        units = []
        for i in range(args.eenheden):
            gemeenten = [GEMEENTEN[i % 8]] if i % 5 else [GEMEENTEN[i % 8], GEMEENTEN[(i + 3) % 8]]
            units.append(
                {"naam": f"eenheid-{i:02d}", "regio": f"Eenheid {i}", "gemeenten": gemeenten}
            )
        config = {
            "kwartaal": "bench",
            "uit": str(Path(tmp) / "batch"),
            "notebooks": [str(nb.relative_to(PROJ_ROOT)) for nb in notebooks],
            "gemeenschappelijk": {
                "store": "data/example/store",
                "peildatum": "2026-03-31",
                "periode_van": "2026-01-01",
                "periode_tot": "2026-03-31",
                "testdata_toegestaan": True,
            },
            "eenheden": units,
        }
        path = Path(tmp) / "batch.yaml"
        path.write_text(yaml.safe_dump(config), encoding="utf-8")
        t = time.perf_counter()
        summary = batch(path, jobs=args.jobs, progress=False)
        many = time.perf_counter() - t
    figures = {
        "one_region_reports": len(notebooks),
        "one_region_s": round(one_region, 1),
        "one_region_parallel_s": round(one_region_parallel, 1),
        "batch_units": args.eenheden,
        "batch_reports": len(summary.done) + len(summary.failed),
        "batch_failed": len(summary.failed),
        "batch_jobs": args.jobs,
        "batch_s": round(many, 1),
        "cpu_count": os.cpu_count(),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "reports.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
