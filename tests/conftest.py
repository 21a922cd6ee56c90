"""Shared fixtures: the example region ingested once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.config import EXAMPLE_DIR
from kit.privacy import Pseudonymiser
from kit.sources import iter_sources
from kit.store import ingest

# The example region's test key: 64 hex characters (256 bits), as `kit inlezen` requires since
# weak keys are refused (sha256 of the former key "voorbeeld-testsleutel"; pseudonyms changed).
EXAMPLE_KEY = "5652daf7875f259c05f754e0e01ab5a36ded97653535046f680f841dcde27123"


@pytest.fixture(scope="session")
def example_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed example region ingested into a temporary store (key: EXAMPLE_KEY)."""
    store = tmp_path_factory.mktemp("voorbeeld") / "store"
    report = ingest(
        iter_sources([EXAMPLE_DIR / "berichten.tar.xz"]),
        store,
        pseudonymise=Pseudonymiser(EXAMPLE_KEY.encode()),
        workers=2,
    )
    assert report.counts["afgewezen"] == 0
    return store


@pytest.fixture(scope="session")
def example_bsns() -> set[str]:
    """Every BSN in the example region's XML (to prove none reaches an output)."""
    import re
    import tarfile

    found: set[str] = set()
    with tarfile.open(EXAMPLE_DIR / "berichten.tar.xz") as tf:
        for member in tf.getmembers():
            if member.isfile():
                found.update(re.findall(rb"Bsn>(\d{9})<", tf.extractfile(member).read()))
    return {b.decode() for b in found}
