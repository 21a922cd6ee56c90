"""Build step the declarative pyproject.toml cannot express: ship the notebooks in the wheel.

The notebooks live at the top of the repository (``notebooks/``), where JupyterLab and the
developers open them. A wheel has no repository, so ``build_py`` copies them into the built
package as ``kit/notebooks/*.ipynb``; :func:`kit.config.notebook_dir` finds them there. An
editable install (``pip install -e .``) keeps using ``notebooks/`` of the repository.
Everything else (name, dependencies, package data) is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


class BuildPyWithNotebooks(build_py):
    """``build_py`` that also copies ``notebooks/*.ipynb`` into ``kit/notebooks/``."""

    def run(self) -> None:
        """Build the package, then copy the notebooks into it (not for an editable install)."""
        super().run()
        if self.editable_mode:
            return
        notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
        if not notebooks:
            raise SystemExit(f"geen notebooks gevonden in {NOTEBOOKS}")
        target = Path(self.build_lib) / "kit" / "notebooks"
        shutil.rmtree(target, ignore_errors=True)  # no notebook left over from an earlier build
        target.mkdir(parents=True)
        for notebook in notebooks:
            self.copy_file(str(notebook), str(target / notebook.name))


setup(cmdclass={"build_py": BuildPyWithNotebooks})
