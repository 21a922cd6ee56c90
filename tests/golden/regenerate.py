"""Regenerate the golden notebooks of tests/test_golden.py.

Run this only after a deliberate change to a notebook or to what the kit shows (numbers, tables,
charts, texts), or after an Altair/vl-convert upgrade that changes the SVGs. Then read the diff
of ``tests/golden/*.ipynb``: every changed output must be explainable. From the repository root::

    .venv/bin/python tests/golden/regenerate.py

The script ingests ``data/example/berichten.tar.xz`` with the test key (``EXAMPLE_KEY`` in
``tests/conftest.py``) into a temporary store, renders every notebook exactly like
``python -m kit rapport --params data/example/rapport.yaml`` does (:func:`kit.report.render`:
papermill, ``live = False``, Altair's svg renderer) and writes the executed notebooks here,
with:

- the injected ``store`` replaced by :data:`STORE_PLACEHOLDER` (the test points it at its own
  store),
- papermill's run metadata (paths, times) removed and the injected cell's random id fixed,
- the tag ``nbval-skip`` on ``live-only`` cells (widgets are not compared).
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
STORE_PLACEHOLDER = "@VOORBEELD_STORE@"
STORE_LINE = re.compile(r"^store = .*$", re.M)


def _key() -> str:
    sys.path.insert(0, str(HERE.parent))  # tests/, for conftest
    from conftest import EXAMPLE_KEY

    return EXAMPLE_KEY


def ingest_example(store: Path, key: str) -> Path:
    """The example region in a new store, pseudonymised with ``key``."""
    from kit.config import EXAMPLE_DIR
    from kit.privacy import Pseudonymiser
    from kit.sources import iter_sources
    from kit.store import ingest

    report = ingest(
        iter_sources([EXAMPLE_DIR / "berichten.tar.xz"]),
        store,
        pseudonymise=Pseudonymiser(key.encode()),
        workers=2,
    )
    if report.counts["afgewezen"]:
        raise SystemExit(f"voorbeeldregio: {report.counts['afgewezen']} bestanden afgewezen")
    return store


def clean(executed: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Make an executed notebook machine-independent (see the module docstring)."""
    nb = nbformat.reads(nbformat.writes(executed), as_version=4)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    injected = 0
    for cell in nb.cells:
        for key in ("papermill", "execution"):
            cell.metadata.pop(key, None)
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            injected += 1
            cell.id = "injected-parameters"  # papermill gives it a random id on every run
            cell.source, n = STORE_LINE.subn(
                f"store = {json.dumps(STORE_PLACEHOLDER)}", cell.source
            )
            if n != 1:
                raise ValueError("injected parameters without exactly one store line")
        if cell.cell_type == "code" and "live-only" in tags and "nbval-skip" not in tags:
            cell.metadata["tags"] = [*tags, "nbval-skip"]
    if injected != 1:
        raise ValueError(f"expected one injected-parameters cell, found {injected}")
    return nb


def regenerate(store: Path, out_dir: Path = HERE) -> list[Path]:
    """Render every notebook on ``store`` and write its cleaned golden copy to ``out_dir``."""
    from kit.config import EXAMPLE_DIR
    from kit.report import default_notebooks, load_params, render

    notebooks = default_notebooks()
    params = load_params(EXAMPLE_DIR / "rapport.yaml", notebooks)
    written = []
    with tempfile.TemporaryDirectory(prefix="kit-golden-") as work:
        for nb in notebooks:
            done = render(nb, {**params[nb], "store": str(store)}, Path(work))
            golden = clean(nbformat.read(done.notebook, as_version=4))
            target = out_dir / nb.name
            nbformat.write(golden, target)
            written.append(target)
            print(f"geschreven: {target}")
    return written


def main() -> None:
    from kit.config import ENV_KEY

    key = _key()
    os.environ[ENV_KEY] = key  # the notebook kernels inherit it
    with tempfile.TemporaryDirectory(prefix="kit-golden-store-") as tmp:
        regenerate(ingest_example(Path(tmp) / "store", key))


if __name__ == "__main__":
    main()
