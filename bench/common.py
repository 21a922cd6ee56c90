"""Shared helpers of the benchmark scripts: a region-scale store and best-of timing."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from kit.example import write_example_region
from kit.privacy import Pseudonymiser
from kit.sources import iter_sources
from kit.store import ingest, read_meta

OUT = Path(__file__).resolve().parent / "out"
BENCH_KEY = b"benchmark-key"
SHARD_CHILDREN = 9000


def example_region(work: Path, n_children: int, start: date | None = None) -> list[Path]:
    """The message folders of a generated example region of ``n_children`` in ``work``.

    Made once, then reused. ``start`` is the first day of the data (the generator's default when
    None). The generator runs out of valid test BSNs above about 9,000 children, so a larger
    region is made of shards of at most ``SHARD_CHILDREN`` children with seeds 2026, 2027, ...:
    every shard after the first gets its own gemeente and aanbieder codes (:func:`shift_codes`),
    so shards do not share toewijzingen or verzoeken; children (test BSNs) do recur across shards.
    Fine for measuring time and memory, not for reading the results.
    """
    suffix = "" if start is None else f"-{start:%Y%m%d}"
    n_shards = -(-n_children // SHARD_CHILDREN)
    folders = []
    for i in range(n_shards):
        size = n_children // n_shards + (1 if i < n_children % n_shards else 0)
        name = f"regio-{n_children}{suffix}" + (f"/deel-{i + 1}" if n_shards > 1 else "")
        source = work / name
        if not (source / "injecties.csv").exists():  # written last: a complete region
            shutil.rmtree(source, ignore_errors=True)
            t = time.perf_counter()
            extra = {} if start is None else {"start": start}
            write_example_region(source, seed=2026 + i, n_children=size, **extra)
            print(f"generated {name} in {time.perf_counter() - t:.1f} s", flush=True)
        if i > 0 and not (source / SHIFTED).exists():
            shift_codes(source / "berichten", i)
            (source / SHIFTED).touch()
        folders.append(source / "berichten")
    return folders


SHIFTED = ".codes-verschoven"


def shift_codes(folder: Path, shard: int) -> None:
    """Give shard ``shard`` (1, 2, ...) its own gemeente and aanbieder codes, in every XML file.

    Gemeente 9901..9908 becomes e.g. 9801..9808 (shard 1) and AGB 98000001..98000025 becomes
    98010001..98010025, so that shards do not share toewijzingen (gemeente + ToewijzingNummer)
    or verzoeken (aanbieder + ReferentieAanbieder). Idempotent: new codes never match again.
    """
    gemeente = re.compile(rb">990([1-8])<")
    agb = re.compile(rb">980000(\d\d)<")
    gem_prefix, agb_prefix = f">{99 - shard:02d}0".encode(), f">98{shard:02d}00".encode()
    for path in folder.rglob("*.xml"):
        data = path.read_bytes()
        new = gemeente.sub(lambda m: gem_prefix + m[1] + b"<", data)
        new = agb.sub(lambda m: agb_prefix + m[1] + b"<", new)
        if new != data:
            path.write_bytes(new)


def region_store(work: Path, n_children: int) -> Path:
    """A generated region of ``n_children`` ingested into ``work``; made once, then reused."""
    sources, store = example_region(work, n_children), work / f"store-{n_children}"
    if not read_meta(store)["inleesrondes"]:
        shutil.rmtree(store, ignore_errors=True)
        t = time.perf_counter()
        ingest(
            iter_sources(sources),
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


# Runs one command and prints its wall seconds and the peak RSS (kB on Linux) of its processes.
_WRAPPER = """
import resource, subprocess, sys, time, json
t = time.perf_counter()
rc = subprocess.run(sys.argv[1:]).returncode
wall = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": rc, "wall_s": wall, "peak_kb": peak}))
"""


def measure(cmd: list[str], env: dict[str, str], cwd: Path) -> dict:
    """Run ``cmd`` in a wrapper process in ``cwd``; return wall seconds and peak RSS in MB.

    ``uitvoer`` holds what ``cmd`` printed (its stdout lines).
    """
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *cmd], env=env, cwd=cwd, capture_output=True, text=True
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    figures = json.loads(lines[-1])
    if figures["rc"] != 0:
        raise SystemExit(f"{' '.join(cmd)} exited with {figures['rc']}:\n{done.stderr[-3000:]}")
    return {
        "wall_s": round(figures["wall_s"], 1),
        "peak_mb": round(figures["peak_kb"] / 1024),
        "uitvoer": lines[:-1],
    }
