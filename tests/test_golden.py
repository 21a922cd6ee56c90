"""Golden notebooks: nbval re-runs each notebook for the example region and compares every output.

``tests/golden/<notebook>.ipynb`` is the notebook as ``python -m kit rapport --params
data/example/rapport.yaml`` executes it (papermill, ``live = False``, SVG charts), with its
outputs. nbval runs it again on the session's example store and compares each cell's outputs
(tables, text, SVG charts with their data labels) after ``tests/golden/sanitize.cfg``. A changed
number fails the test. After a deliberate change to a notebook or to what the kit shows, run
``.venv/bin/python tests/golden/regenerate.py`` and review the diff.

The fast tests check that the goldens still match ``notebooks/`` and ``data/example/rapport.yaml``
(nbval runs the golden's code, not the notebook's) and hold no personal data; the nbval runs
are marked ``notebooks``.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import EXAMPLE_KEY
from nbval.plugin import get_sanitize_patterns

from kit.config import ENV_KEY, EXAMPLE_DIR, PROJ_ROOT
from kit.report import default_notebooks, load_params
from kit.store import read_table

GOLDEN_DIR = Path(__file__).parent / "golden"
SANITIZE = GOLDEN_DIR / "sanitize.cfg"
GOLDEN = sorted(GOLDEN_DIR.glob("*.ipynb"))
STORE_PLACEHOLDER = "@VOORBEELD_STORE@"  # as written by tests/golden/regenerate.py
STORE_LINE = re.compile(r"^store = .*$", re.M)
NBVAL_TIMEOUT = 600  # seconds per notebook (normally about 20)
REGENERATE = "draai .venv/bin/python tests/golden/regenerate.py en bekijk de diff"


def _code(nb: nbformat.NotebookNode) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def _injected(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    cells = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    return cells[0]


def _outputs_text(nb: nbformat.NotebookNode) -> str:
    return json.dumps([c.get("outputs", []) for c in _code(nb)], ensure_ascii=False)


def test_every_notebook_has_a_golden():
    assert [p.name for p in GOLDEN] == [p.name for p in default_notebooks()], REGENERATE


@pytest.mark.parametrize("golden", GOLDEN, ids=lambda p: p.stem)
class TestGoldenFiles:
    def test_cells_match_the_notebook(self, golden):
        """nbval runs the golden's code: it must be the notebook's code of today."""
        current = nbformat.read(PROJ_ROOT / "notebooks" / golden.name, as_version=4)
        stored = nbformat.read(golden, as_version=4)
        kept = [c for c in stored.cells if "injected-parameters" not in c.metadata.get("tags", [])]
        assert [(c.cell_type, c.source) for c in kept] == [
            (c.cell_type, c.source) for c in current.cells
        ], f"{golden.name} loopt achter op notebooks/{golden.name}: {REGENERATE}"

    def test_parameters_are_the_example_report(self, golden):
        notebook = PROJ_ROOT / "notebooks" / golden.name
        expected = load_params(EXAMPLE_DIR / "rapport.yaml", [notebook])[notebook]
        expected |= {"store": STORE_PLACEHOLDER, "live": False}
        injected = _injected(nbformat.read(golden, as_version=4))
        got = {
            node.targets[0].id: ast.literal_eval(node.value)
            for node in ast.parse(injected.source).body
            if isinstance(node, ast.Assign)
        }
        assert got == expected, REGENERATE

    def test_every_code_cell_ran_and_live_only_cells_are_skipped(self, golden):
        nb = nbformat.read(golden, as_version=4)
        assert all(c.execution_count is not None for c in _code(nb))  # unrun cells: no compare
        assert not any(o.output_type == "error" for c in _code(nb) for o in c.outputs)
        for cell in _code(nb):
            tags = cell.metadata.get("tags", [])
            assert ("live-only" in tags) == ("nbval-skip" in tags), cell.source
            # nbval's ';' bug (notebook-tooling.md §3.1): such a cell fails strict comparison
            assert not cell.source.rstrip().endswith(";"), cell.source
        shown = [c for c in _code(nb) if c.outputs]
        assert len(shown) >= 6, "the golden hardly shows anything"

    def test_nothing_machine_specific(self, golden):
        text = golden.read_text(encoding="utf-8")
        assert str(PROJ_ROOT) not in text
        assert re.search(r"/tmp/|/home/|/root/|/Users/|[A-Z]:\\\\", text) is None
        assert '"papermill"' not in text  # run metadata: paths and times

    def test_sanitizer_leaves_the_golden_outputs_alone(self, golden):
        """Every output is compared as stored: no pattern hides part of it (e.g. a number)."""
        patterns = get_sanitize_patterns(SANITIZE.read_text(encoding="utf-8"))
        assert len(patterns) >= 4
        outputs = _outputs_text(nbformat.read(golden, as_version=4))
        hits = {regex: re.findall(regex, outputs)[:3] for regex, _ in patterns}
        assert {k: v for k, v in hits.items() if v} == {}

    def test_no_personal_data(self, golden, example_store, example_bsns):
        text = golden.read_text(encoding="utf-8")
        outputs = _outputs_text(nbformat.read(golden, as_version=4))
        # the goldens were made with EXAMPLE_KEY, like example_store: the same pseudonyms
        pseudonyms = set(read_table(example_store, "toewijzingen")["client_id"].dropna())
        assert pseudonyms, "the example store must hold pseudonyms for this test to mean anything"
        assert [p for p in pseudonyms if p in text] == []
        for column in ("client_id", "Geboortemaand", "bericht_id"):
            assert column not in outputs
        assert len(example_bsns) > 1000
        # whole 9-digit numbers only: SVG coordinates such as 2.7499999999999902 are not BSNs
        numbers = set(re.findall(r"(?<![\d.])\d{9}(?!\d)", text))
        assert numbers & example_bsns == set()


def golden_copy(golden: Path, store: Path, folder: Path) -> Path:
    """The golden notebook in ``folder`` with its ``store`` parameter set to ``store``."""
    text = golden.read_text(encoding="utf-8")
    assert text.count(STORE_PLACEHOLDER) == 1
    nb = nbformat.reads(text, as_version=4)
    cell = _injected(nb)
    cell.source, n = STORE_LINE.subn(f"store = {json.dumps(str(store))}", cell.source)
    assert n == 1
    target = folder / golden.name
    nbformat.write(nb, target)
    return target


def run_nbval(notebook: Path, work: Path) -> subprocess.CompletedProcess:
    """pytest --nbval on one notebook in a separate process, away from this repo's pytest config."""
    ini = work / "pytest.ini"
    ini.write_text("[pytest]\n", encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--nbval",
        str(notebook),
        "--nbval-sanitize-with",
        str(SANITIZE),
        "--nbval-current-env",
        "-c",
        str(ini),
        "--rootdir",
        str(work),
        "-p",
        "no:cacheprovider",
        "-q",
        "-rf",
        "--tb=short",
    ]
    env = {**os.environ, ENV_KEY: EXAMPLE_KEY}
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        command,
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=NBVAL_TIMEOUT,
    )


@pytest.mark.notebooks
@pytest.mark.parametrize("golden", GOLDEN, ids=lambda p: p.stem)
def test_nbval_reproduces_the_golden_outputs(golden, example_store, tmp_path):
    copy = golden_copy(golden, example_store, tmp_path)
    result = run_nbval(copy, tmp_path)
    code, tail = result.returncode, (result.stdout + result.stderr)[-12_000:]
    assert code == 0, (
        f"nbval: de uitvoer van {golden.name} wijkt af van de golden (code {code}). "
        f"Bewust veranderd? {REGENERATE}.\n{tail}"
    )
    # every code cell was compared, except the live-only ones
    cells = _code(nbformat.read(golden, as_version=4))
    skip = sum("nbval-skip" in c.metadata.get("tags", []) for c in cells)
    counts = {k: int(v) for v, k in re.findall(r"(\d+) (passed|skipped)", result.stdout)}
    assert counts == {"passed": len(cells) - skip} | ({"skipped": skip} if skip else {}), tail
