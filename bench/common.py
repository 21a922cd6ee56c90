"""Shared helpers of the benchmark scripts: a region-scale store and best-of timing."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from kit.example import write_example_region
from kit.privacy import Pseudonymiser
from kit.sources import iter_sources
from kit.store import ingest, read_meta

OUT = Path(__file__).resolve().parent / "out"
BENCH_KEY = b"benchmark-key"


def region_store(work: Path, n_children: int) -> Path:
    """A generated region of ``n_children`` ingested into ``work``; made once, then reused."""
    source, store = work / f"regio-{n_children}", work / f"store-{n_children}"
    if not (source / "injecties.csv").exists():
        shutil.rmtree(source, ignore_errors=True)
        t = time.perf_counter()
        write_example_region(source, n_children=n_children)
        print(f"generated in {time.perf_counter() - t:.1f} s")
    if not read_meta(store)["inleesrondes"]:
        shutil.rmtree(store, ignore_errors=True)
        t = time.perf_counter()
        ingest(
            iter_sources([source / "berichten"]),
            store,
            pseudonymise=Pseudonymiser(BENCH_KEY),
            workers=2,
        )
        print(f"ingested in {time.perf_counter() - t:.1f} s")
    return store


def best_of(func: Callable[[], object], runs: int = 3) -> tuple[float, object]:
    """Shortest wall time of ``runs`` calls and the last result."""
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t)
    return min(times), result
