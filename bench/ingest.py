"""Benchmark: ingest of a region-scale example (about 300k messages) and of 1% new files.

Not a test: it prints figures for the issue note and writes them to bench/out/ingest-<kinderen>.json.

    .venv/bin/python bench/ingest.py [--kinderen 20000] [--werkmap /tmp/kit-bench]

Measures (warm file cache):
- bare parse: read every file and ``lxml.etree.fromstring`` it, nothing else;
- full ingest into a new store (hash, parse, pseudonymise, extract, write Parquet), with 2
  parsing processes (the CLI default) and with 1;
- incremental: the same folder plus 1% new files (only those are read and parsed);
- nothing new: the same folder again.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from pathlib import Path

from lxml import etree

from kit.example import write_example_region
from kit.privacy import Pseudonymiser
from kit.sources import iter_sources
from kit.store import ingest

OUT = Path(__file__).resolve().parent / "out"


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.xml"))


def bare_parse(files: list[Path]) -> float:
    """Seconds to read and parse every file with lxml."""
    start = time.perf_counter()
    for path in files:
        etree.fromstring(path.read_bytes())
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinderen", type=int, default=20000)
    parser.add_argument("--werkmap", type=Path, default=Path("/tmp/kit-bench"))
    args = parser.parse_args()
    work = args.werkmap
    source = work / f"regio-{args.kinderen}"
    if not (source / "injecties.csv").exists():
        shutil.rmtree(source, ignore_errors=True)
        t = time.perf_counter()
        write_example_region(source, n_children=args.kinderen, progress=True)
        print(f"generated in {time.perf_counter() - t:.1f} s")
    inbox, later = work / "inbox", work / "later"
    for folder in (inbox, later, work / "store"):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(source / "berichten", inbox)
    files = _files(inbox)
    later.mkdir()
    for i, path in enumerate(files):  # hold back every 100th file: the 1% that arrives later
        if i % 100 == 0:
            target = later / path.relative_to(inbox)
            target.parent.mkdir(parents=True, exist_ok=True)
            path.rename(target)
    first = _files(inbox)
    pseudo = Pseudonymiser(b"benchmark-key")

    bare_parse(first[:2000])  # warm-up
    t_bare = bare_parse(first)
    t = time.perf_counter()
    ingest(iter_sources([inbox]), work / "store-1proces", pseudonymise=pseudo, workers=1)
    t_single = time.perf_counter() - t
    shutil.rmtree(work / "store-1proces")
    t = time.perf_counter()
    report = ingest(iter_sources([inbox]), work / "store", pseudonymise=pseudo, workers=2)
    t_ingest = time.perf_counter() - t
    n_msgs = len(report.messages)

    for path in _files(later):
        target = inbox / path.relative_to(later)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
    t = time.perf_counter()
    report2 = ingest(iter_sources([inbox]), work / "store", pseudonymise=pseudo, workers=2)
    t_incr = time.perf_counter() - t
    t = time.perf_counter()
    report3 = ingest(iter_sources([inbox]), work / "store", pseudonymise=pseudo, workers=2)
    t_none = time.perf_counter() - t

    figures = {
        "files_first_run": len(first),
        "messages_first_run": n_msgs,
        "bare_parse_s": round(t_bare, 2),
        "bare_parse_msgs_per_s": round(len(first) / t_bare),
        "ingest_s": round(t_ingest, 2),
        "ingest_msgs_per_s": round(n_msgs / t_ingest),
        "ratio_to_bare_parse": round((n_msgs / t_ingest) / (len(first) / t_bare), 3),
        "ingest_1_process_s": round(t_single, 2),
        "ratio_1_process": round((n_msgs / t_single) / (len(first) / t_bare), 3),
        "incremental_new_files": report2.counts["ingelezen"],
        "incremental_s": round(t_incr, 2),
        "nothing_new_s": round(t_none, 2),
        "nothing_new_counts": report3.counts,
        "cpu_count": os.cpu_count(),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / f"ingest-{args.kinderen}.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
