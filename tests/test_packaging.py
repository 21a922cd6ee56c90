"""Tests for the installable kit: package data, the path helpers, no side effects of `import kit`.

The wheel itself is built, installed in a venv outside the repository and run by
.ci/wheel-check.sh (called by `make test`); these tests cover the parts that need no wheel.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib

import nbformat
import pandas as pd
import pytest
from conftest import EXAMPLE_KEY

from kit import config, report
from kit.__main__ import main
from kit.config import PROJ_ROOT

KIT_NOTEBOOKS = ("01_quickscan.ipynb", "02_definities.ipynb", "03_trends.ipynb")


def _run(code: str) -> str:
    """Run ``code`` in a fresh interpreter (from the repository) and return its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJ_ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


class TestNoImportSideEffects:
    @pytest.mark.parametrize("user_setting", [False, True])
    def test_import_kit_leaves_pandas_options_and_sys_modules_alone(self, user_setting):
        out = _run(
            "import sys, pandas as pd\n"
            f"pd.set_option('mode.copy_on_write', {user_setting})\n"
            "before = 'rfc3987_syntax' in sys.modules\n"
            "import kit, kit.config, kit.store, kit.checks\n"
            "print(pd.get_option('mode.copy_on_write'), before, 'rfc3987_syntax' in sys.modules)"
        )
        assert out == f"{user_setting} False False"

    def test_modules_that_import_jsonschema_mark_rfc3987_syntax_absent(self):
        # the 1.3-2 s grammar build is skipped where the kit imports jsonschema, not at `import kit`
        out = _run(
            "import sys, kit.report, kit.charts\n"
            "print(sys.modules['rfc3987_syntax'] is None, 'jsonschema' in sys.modules)"
        )
        assert out == "True True"

    def test_copy_on_write_is_scoped_to_the_call_and_restored(self):
        seen = []

        @config.copy_on_write
        def inside(fail: bool) -> None:
            seen.append(pd.get_option("mode.copy_on_write"))
            if fail:
                raise ValueError("x")

        with pd.option_context("mode.copy_on_write", False):
            inside(False)
            assert pd.get_option("mode.copy_on_write") is False
            with pytest.raises(ValueError):
                inside(True)
            assert pd.get_option("mode.copy_on_write") is False
        assert seen == [True, True]


class TestPackageData:
    def test_every_data_file_in_kit_is_package_data(self):
        # a YAML, CSV or template the kit reads but the wheel lacks fails only after install
        setuptools = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
        kit_dir = PROJ_ROOT / "kit"
        shipped = {
            path
            for pattern in setuptools["package-data"]["kit"]
            for path in kit_dir.glob(pattern)
            if path.is_file()
        }
        data = {
            path
            for path in kit_dir.rglob("*")
            if path.is_file() and path.suffix not in {".py", ".pyc"}
        }
        assert {p.relative_to(kit_dir) for p in data - shipped} == set()
        assert kit_dir / "checks" / "checks.yaml" in shipped

    def test_package_path_reads_the_files_the_kit_ships(self):
        assert config.package_path("checks", "checks.yaml").is_file()
        assert (config.package_path("templates") / "kit_rapport" / "index.html.j2").is_file()
        assert report.TEMPLATES == config.package_path("templates")
        checks = config.package_yaml("checks/checks.yaml")
        assert checks == config.read_yaml(PROJ_ROOT / "kit" / "checks" / "checks.yaml")


class TestNotebookLocation:
    def test_checkout_uses_the_repository_notebooks(self):
        assert config.is_checkout()
        assert config.notebook_dir() == PROJ_ROOT / "notebooks"
        assert [nb.name for nb in report.default_notebooks()] == list(KIT_NOTEBOOKS)

    def test_wheel_install_uses_package_notebooks_and_working_folder(self, monkeypatch, tmp_path):
        monkeypatch.setattr(config, "is_checkout", lambda: False)
        monkeypatch.chdir(tmp_path)
        assert config.notebook_dir() == config.package_path("notebooks")
        assert config.work_dir() == tmp_path
        assert config.project_path("store") == tmp_path / "store"

    def test_find_notebook_takes_a_path_or_a_kit_notebook_name(self, monkeypatch, tmp_path):
        own = tmp_path / "eigen.ipynb"
        own.write_text("{}", encoding="utf-8")
        assert report.find_notebook(own) == own
        assert report.find_notebook("notebooks/01_quickscan.ipynb") == (
            PROJ_ROOT / "notebooks" / "01_quickscan.ipynb"
        )
        # as in a wheel install: no notebooks/ in the working folder, the kit's own by name
        monkeypatch.setattr(config, "is_checkout", lambda: False)
        monkeypatch.setattr(config, "notebook_dir", lambda: PROJ_ROOT / "notebooks")
        monkeypatch.chdir(tmp_path)
        for name in ("01_quickscan.ipynb", "notebooks/01_quickscan.ipynb"):
            assert report.find_notebook(name) == PROJ_ROOT / "notebooks" / "01_quickscan.ipynb"
        assert report.find_notebook("weg.ipynb") == tmp_path / "weg.ipynb"  # reported as missing


@pytest.mark.notebooks
def test_rapport_exits_nonzero_naming_the_failed_report(
    example_store, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("KIT_PSEUDONIEM_SLEUTEL", EXAMPLE_KEY)
    # a copy of notebook 01 whose second code cell fails (the parameters all pass the model)
    notebook = nbformat.read(PROJ_ROOT / "notebooks" / "01_quickscan.ipynb", as_version=4)
    first = next(i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", []))
    notebook.cells.insert(first + 1, nbformat.v4.new_code_cell('raise ValueError("kapot")'))
    broken = tmp_path / "01_quickscan.ipynb"
    nbformat.write(notebook, broken)
    params = tmp_path / "rapport.yaml"
    params.write_text(
        f"regio: Kapot\nstore: {example_store}\npeildatum: '2026-03-31'\n", encoding="utf-8"
    )
    code = main(
        [
            "rapport",
            "--params",
            str(params),
            "--uit",
            str(tmp_path / "uit"),
            "--notebook",
            str(broken),
            "--jobs",
            "1",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "Fout: rapport 01_quickscan is mislukt: cel " in err
    assert "ValueError" in err and str(tmp_path / "uit" / "01_quickscan.ipynb") in err
    assert not (tmp_path / "uit" / "01_quickscan.html").exists()


def test_wheel_check_script_is_part_of_make_test():
    makefile = (PROJ_ROOT / "Makefile").read_text(encoding="utf-8")
    test_target = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "bash .ci/wheel-check.sh" in test_target
    assert (PROJ_ROOT / ".ci" / "wheel-check.sh").is_file()
