"""Benchmark: wall time and peak memory of every CLI step on a generated region of a given size.

Not a test: it prints figures for the note docs/schaal.md and writes them to
bench/out/scale-<kinderen>.json.

    .venv/bin/python bench/scale.py --kinderen 105000 [--jaren 3] [--uit /tmp/kit-scale] [--keep]

Generates the region with the example generator (once: a region already in --uit is reused),
then runs ``python -m kit inlezen``, ``quickscan``, ``wachttijden`` and ``trends`` each as a
separate process and reports, per step, the wall time and the peak resident memory (the largest
of that step's processes, from ``getrusage(RUSAGE_CHILDREN)`` in a small wrapper process). About
9 messages per child: 105,000 children give about 1 M messages.

The store is made anew unless --keep is given and it exists already (then ``inlezen`` is
skipped: useful to measure the analyses again after a change). The load average is printed
with the figures: on a shared machine the wall times depend on it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from datetime import date
from pathlib import Path

from common import BENCH_KEY, OUT, example_region, measure

from kit.store import read_meta

PEILDATUM = "2026-03-31"
END = date(2026, 3, 31)  # the generator's default last day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinderen", type=int, default=20000)
    parser.add_argument(
        "--jaren", type=int, default=None, help="years of data up to 2026-03-31 (default: 3)"
    )
    parser.add_argument("--uit", type=Path, default=Path("/tmp/kit-scale"), help="work folder")
    parser.add_argument(
        "--keep", action="store_true", help="reuse an existing store (skip inlezen)"
    )
    parser.add_argument(
        "--kit-bron",
        type=Path,
        help="run the kit from this source folder (holding kit/), e.g. an older version",
    )
    parser.add_argument(
        "--stappen",
        default="inlezen,quickscan,wachttijden,trends",
        help="comma-separated steps to run",
    )
    args = parser.parse_args()
    # the generator's default period is 2023-04-03 .. 2026-03-31: three years
    start = None if args.jaren in (None, 3) else date(END.year - args.jaren, 4, 3)
    args.uit = args.uit.resolve()
    sources = example_region(args.uit, args.kinderen, start)
    label = str(args.kinderen) + ("" if start is None else f"-{start:%Y%m%d}")
    tag = "" if args.kit_bron is None else f"-{args.kit_bron.name}"
    store, out = args.uit / f"store-{label}", args.uit / f"uit-{label}{tag}"
    env = {**os.environ, "KIT_PSEUDONIEM_SLEUTEL": hashlib.sha256(BENCH_KEY).hexdigest()}
    kit_root = Path(__file__).resolve().parents[1]  # python -m kit imports kit/ from here
    if args.kit_bron is not None:
        kit_root = args.kit_bron.resolve()
        env["PYTHONPATH"] = str(kit_root)
    kit = [sys.executable, "-m", "kit"]
    common = ["--store", str(store), "--peildatum", PEILDATUM]
    steps = {
        "inlezen": [*kit, "inlezen", *map(str, sources), "--store", str(store), "--stil"],
        "quickscan": [*kit, "quickscan", *common, "--testdata-toegestaan", "--uit"],
        "wachttijden": [*kit, "wachttijden", *common, "--uit"],
        "trends": [*kit, "trends", *common, "--uit"],
    }
    wanted = args.stappen.split(",")
    if args.keep and read_meta(store)["inleesrondes"]:
        wanted = [s for s in wanted if s != "inlezen"]
    elif "inlezen" in wanted:
        shutil.rmtree(store, ignore_errors=True)
    figures: dict = {"kinderen": args.kinderen, "regio": label, "kit_bron": str(args.kit_bron)}
    for step in wanted:
        cmd = steps[step] if step == "inlezen" else [*steps[step], str(out / step)]
        load_before = os.getloadavg()[0]
        figures[step] = measure(cmd, env, kit_root) | {"load_1min_before": round(load_before, 2)}
        del figures[step]["uitvoer"]
        print(step, figures[step], flush=True)
    files = sorted((store / "berichten").glob("*.parquet"))
    if files:
        import pyarrow.parquet as pq

        figures["berichten"] = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
    figures["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    figures["cpu_count"] = os.cpu_count()
    figures["gemeten"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    OUT.mkdir(exist_ok=True)
    (OUT / f"scale-{label}{tag}.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
