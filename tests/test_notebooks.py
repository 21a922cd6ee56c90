"""Every notebook runs through papermill with parameters; outputs hold no personal data.

Marked ``notebooks`` (slower): each run starts a kernel and works on the example region.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from conftest import EXAMPLE_KEY

from kit.config import PROJ_ROOT
from kit.store import read_table

NOTEBOOKS = sorted((PROJ_ROOT / "notebooks").glob("*.ipynb"))
PARAMETER_SETS = {
    # runs on packages, not on a store: tests/test_share.py renders it with three regions
    "04_vergelijking.ipynb": [],
    "01_quickscan.ipynb": [
        {"peildatum": "2026-03-31", "periode_van": "2025-04-01", "periode_tot": "2026-03-31"},
        {
            "peildatum": "2025-06-30",
            "periode_van": "2024-07-01",
            "periode_tot": "2025-06-30",
            "gemeenten": ["9901", "9902"],
            "min_cel": 20,
        },
    ],
    "02_definities.ipynb": [
        {"peildatum": "2026-03-31", "periode_van": "2025-04-01", "periode_tot": "2026-03-31"},
        {
            "peildatum": "2025-06-30",
            "periode_van": "2023-04-01",
            "periode_tot": "2025-06-30",
            "gemeenten": ["9901", "9902"],
            "min_cel": 20,
        },
    ],
    "03_trends.ipynb": [
        {"peildatum": "2026-03-31"},
        {
            "peildatum": "2025-06-30",
            "gemeenten": ["9901", "9902"],
            "min_cel": 20,
            "bevolking": "",
            "periode_van": "2023-10",
            "basislijn_van": "",
            "basislijn_tot": "",
        },
    ],
}


def code_cells(path: Path) -> list:
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
class TestNotebookShape:
    def test_exactly_one_parameters_cell_with_literals_only(self, path):
        cells = [c for c in code_cells(path) if "parameters" in c.metadata.get("tags", [])]
        assert len(cells) == 1
        for node in ast.parse(cells[0].source).body:
            assert isinstance(node, ast.Assign), ast.dump(node)
            ast.literal_eval(node.value)  # raises on anything but a literal

    def test_no_definitions_loops_or_outputs(self, path):
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata["kernelspec"]["name"] == "python3"
        for cell in code_cells(path):
            tree = ast.parse(cell.source)
            banned = (ast.FunctionDef, ast.ClassDef, ast.For, ast.While, ast.Lambda)
            assert not any(isinstance(n, banned) for n in ast.walk(tree)), cell.source
            assert cell.get("outputs", []) == [] and cell.get("execution_count") is None

    def test_has_parameter_sets_for_testing(self, path):
        assert path.name in PARAMETER_SETS


RUNS = [(p, i) for p in NOTEBOOKS for i in range(len(PARAMETER_SETS.get(p.name, [])))]


@pytest.mark.notebooks
@pytest.mark.parametrize("path,index", RUNS, ids=lambda v: v.name if hasattr(v, "name") else str(v))
def test_notebook_runs_and_shows_no_personal_data(
    path, index, example_store, example_bsns, tmp_path, monkeypatch
):
    monkeypatch.setenv("KIT_PSEUDONIEM_SLEUTEL", EXAMPLE_KEY)
    params = {"store": str(example_store), "live": False} | PARAMETER_SETS[path.name][index]
    out = tmp_path / path.name
    pm.execute_notebook(
        path, out, parameters=params, kernel_name="python3", progress_bar=False, cwd=str(PROJ_ROOT)
    )
    executed = out.read_text(encoding="utf-8")
    outputs = json.dumps([c.get("outputs", []) for c in json.loads(executed)["cells"]])
    assert "kit-tabel" in outputs or "<svg" in outputs or "image/svg+xml" in outputs
    pseudonyms = set(read_table(example_store, "toewijzingen")["client_id"].dropna())
    assert pseudonyms, "the example store must hold pseudonyms for this test to mean anything"
    leaked = [p for p in pseudonyms if p in executed]
    assert leaked == []
    for column in ("client_id", "Geboortemaand", "bericht_id"):
        assert column not in outputs
    # no BSN of the example region reaches the output
    assert len(example_bsns) > 1000
    # whole 9-digit numbers only: SVG coordinates such as 2.7499999999999902 are not BSNs
    numbers = set(re.findall(r"(?<![\d.])\d{9}(?!\d)", executed))
    assert numbers & set(example_bsns) == set()
