"""Odd stores: every command and notebook either answers in Dutch or stops with a Dutch error.

Each store is a slice of the example region (one message, one message type, only retours, every
file rejected, one month, six months, one gemeente, no verzoeken om toewijzing), built once per
module. Every CLI analysis command runs on each store, also with a peildatum before and after all
data: it exits 0 and says in Dutch what it cannot compute, or exits 2 with one Dutch line.
Never a traceback. The notebook part (``notebooks`` marker) renders the three reports through the
kit's own render path on a representative subset.
"""

from __future__ import annotations

import re
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLE_KEY

from kit.config import EXAMPLE_DIR
from kit.privacy import Pseudonymiser
from kit.read_xml import SourceFile
from kit.store import ingest

HEEN = {"301", "305", "307", "315", "317", "319", "323"}
RETOUR = {"302", "306", "308", "316", "318", "320", "325"}


def _type(name: str) -> str:
    return name.rsplit("/", 1)[-1][:3]


def _month(name: str) -> str:
    return name.split("/")[1]


def _from_gemeente(gemeente: str) -> Callable[[str, bytes], bool]:
    pattern = re.compile(rf"(Afzender|Ontvanger)>{gemeente}<".encode())
    return lambda name, data: pattern.search(data[:2000]) is not None


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]  # broken XML: the file is rejected


# name -> (which example files, how to change them); the stores are slices of the example region
STORES: dict[str, tuple[Callable[[str, bytes], bool], Callable[[bytes], bytes] | None]] = {
    "een_bericht": (lambda n, d: n.endswith("2024-03/301_9901_G3010000364.xml"), None),
    "alleen_301": (lambda n, d: _type(n) == "301" and _month(n) < "2024-07", None),
    "alleen_retours": (lambda n, d: _type(n) in RETOUR and _month(n) < "2024-07", None),
    "alleen_heen": (lambda n, d: _type(n) in HEEN and _month(n) < "2024-07", None),
    "alles_afgewezen": (lambda n, d: _month(n) == "2024-03", _truncated),
    "een_maand": (lambda n, d: _month(n) == "2025-06", None),
    "zes_maanden": (lambda n, d: "2025-01" <= _month(n) <= "2025-06", None),
    "een_gemeente": (_from_gemeente("9903"), None),
    "geen_315": (
        lambda n, d: (
            _type(n) not in {"315", "316", "317", "318", "319", "320"} and _month(n) >= "2025-04"
        ),
        None,
    ),
}


@pytest.fixture(scope="module")
def example_files() -> dict[str, bytes]:
    """Every file of the example region's archive, by member name."""
    with tarfile.open(EXAMPLE_DIR / "berichten.tar.xz") as tf:
        return {m.name: tf.extractfile(m).read() for m in tf if m.isfile()}


def build_store(files: dict[str, bytes], name: str, folder: Path) -> Path:
    """Ingest the slice ``STORES[name]`` of the example files into ``folder / name``."""
    keep, change = STORES[name]
    chosen = {n: (change(d) if change else d) for n, d in files.items() if keep(n, d)}
    assert chosen, name
    sources = [SourceFile(n, f"{n}|{len(d)}", lambda d=d: d) for n, d in sorted(chosen.items())]
    store = folder / name
    ingest(sources, store, pseudonymise=Pseudonymiser(EXAMPLE_KEY.encode()), workers=1)
    return store


@pytest.fixture(scope="module")
def odd_stores(example_files, tmp_path_factory) -> dict[str, Path]:
    """Every odd store, built once for this module."""
    folder = tmp_path_factory.mktemp("odd")
    return {name: build_store(example_files, name, folder) for name in STORES}
