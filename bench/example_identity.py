"""Byte-for-byte identity of the example generator across a code change.

Run once with the old code and once with the new code, then compare::

    python bench/example_identity.py generate /tmp/before
    # ... change kit/example ...
    python bench/example_identity.py generate /tmp/after
    python bench/example_identity.py compare /tmp/before /tmp/after

``generate`` writes a few regions (default, archive, other seeds and sizes, a short period and
one above the ~9,000 children where valid test BSNs run out). ``compare`` checks every file
byte for byte and, for each ``.tar.xz``, also every member's header fields and content after
extraction. Exit code 1 on any difference.
"""

from __future__ import annotations

import sys
import tarfile
import time
from datetime import date
from pathlib import Path

from kit.example import write_example_region

CASES: dict[str, dict] = {
    "default": {},
    "default_archive": {"archive": True},
    "seed7_n800_archive": {"seed": 7, "n_children": 800, "archive": True},
    "seed11_n300": {"seed": 11, "n_children": 300},
    "short_period_n200": {
        "seed": 3,
        "n_children": 200,
        "start": date(2025, 1, 1),
        "end": date(2025, 6, 30),
    },
    "n9500": {"seed": 5, "n_children": 9500},
}


def generate(out: Path) -> None:
    """Write every case of :data:`CASES` into its own folder under ``out``."""
    for name, kwargs in CASES.items():
        t = time.perf_counter()
        write_example_region(out / name, **kwargs)
        print(f"{name}: {time.perf_counter() - t:.1f} s")


def _tar_members(path: Path) -> dict[str, tuple[tuple, bytes]]:
    with tarfile.open(path, "r:xz") as tar:
        members = {}
        for info in tar.getmembers():
            head = (info.type, info.mode, info.mtime, info.size, info.uid, info.gid, info.uname)
            f = tar.extractfile(info) if info.isfile() else None
            members[info.name] = (head, f.read() if f is not None else b"")
        return members


def compare(a: Path, b: Path) -> int:
    """Number of differences between the trees ``a`` and ``b`` (printed, at most 20)."""
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    diffs = [f"only in {a}: {p}" for p in sorted(files_a - files_b)]
    diffs += [f"only in {b}: {p}" for p in sorted(files_b - files_a)]
    n_members = 0
    for rel in sorted(files_a & files_b):
        if (a / rel).read_bytes() != (b / rel).read_bytes():
            diffs.append(f"bytes differ: {rel}")
        if rel.name.endswith(".tar.xz"):
            ma, mb = _tar_members(a / rel), _tar_members(b / rel)
            n_members += len(ma)
            if list(ma) != list(mb):
                diffs.append(f"member list/order differs: {rel}")
            diffs += [f"member differs: {rel}:{k}" for k in ma if k in mb and ma[k] != mb[k]]
    for line in diffs[:20]:
        print(line)
    print(
        f"compared {len(files_a & files_b)} files and {n_members} archive members: "
        f"{len(diffs)} difference(s)"
    )
    return len(diffs)


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "generate":
        generate(Path(argv[1]))
        return 0
    if len(argv) == 3 and argv[0] == "compare":
        return 1 if compare(Path(argv[1]), Path(argv[2])) else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
