"""Project paths and shared constants; no I/O or logging at import."""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import ParamSpec, TypeVar

import yaml

# The folder holding the ``kit`` package: the repository in a checkout or an editable install,
# site-packages in a wheel install (then there is no repository: see :func:`work_dir`).
PROJ_ROOT = Path(__file__).resolve().parents[1]
# Folders of the repository (tests, benchmarks); the kit's code finds files with work_dir(),
# package_path() and notebook_dir(), which also work in a wheel install.
EXAMPLE_DIR = PROJ_ROOT / "data" / "example"
REPORTS_DIR = PROJ_ROOT / "reports"

# Environment variables a user can set (documented in the README).
ENV_KEY = "KIT_PSEUDONIEM_SLEUTEL"
ENV_KEY_FILE = "KIT_SLEUTELBESTAND"
DEFAULT_KEY_FILE = Path.home() / ".config" / "leercirkel-kit" / "pseudoniem.key"

_P = ParamSpec("_P")
_R = TypeVar("_R")

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Default small-cell threshold: counts below this are shown as "<10" in shared outputs.
MIN_CELL = 10
# Every published count at or above MIN_CELL is rounded to a multiple of this (conventional
# rounding: ending in 1-2 down, 3-4 up), so that sums and differences of published counts
# give no exact small count back (OpenSAFELY, NHS Digital).
ROUND_BASE = 5

# Largest input file or archive member read at ingest, in MB (option --max-mb; in the README).
# Bounds the memory one file takes; a larger one is listed as rejected, never read.
MAX_FILE_MB = 100


@functools.cache
def is_checkout() -> bool:
    """Whether the kit runs from its repository (a checkout or an editable install).

    False for a wheel install: the package then sits in site-packages, with no ``notebooks/``
    and no ``pyproject.toml`` next to it.
    """
    return (PROJ_ROOT / "pyproject.toml").is_file() and (PROJ_ROOT / "notebooks").is_dir()


def work_dir() -> Path:
    """The folder relative paths start from: the repository in a checkout, else the working folder.

    Parameter files, batch files and notebooks name stores and files relative to it, and
    reports run their notebook in it.
    """
    return PROJ_ROOT if is_checkout() else Path.cwd()


def project_path(path: str | Path) -> Path:
    """A path from a parameter file or notebook: ``~`` expanded, relative to :func:`work_dir`."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else work_dir() / p


def package_path(*parts: str) -> Path:
    """A file or folder shipped inside the ``kit`` package, in every kind of install.

    The one way the kit finds its own data files (YAML, CSV, report template, notebooks in a
    wheel): :func:`importlib.resources.files`, which pip installs as plain files, so the result
    is a real path (nbconvert and papermill need one).

    Parameters
    ----------
    *parts : str
        Path inside the package, e.g. ``"checks", "checks.yaml"``.

    Returns
    -------
    pathlib.Path
    """
    return Path(str(resources.files("kit").joinpath(*parts)))


def notebook_dir() -> Path:
    """The folder of the kit's notebooks.

    ``notebooks/`` of the repository in a checkout or editable install, ``kit/notebooks/``
    (package data, copied there when the wheel is built) in a wheel install.
    """
    return PROJ_ROOT / "notebooks" if is_checkout() else package_path("notebooks")


def package_yaml(name: str) -> dict:
    """Read a YAML file shipped inside the ``kit`` package.

    Parameters
    ----------
    name : str
        Path inside the package, e.g. ``"berichten.yaml"`` or ``"checks/checks.yaml"``.

    Returns
    -------
    dict
        The parsed YAML document.
    """
    return load_yaml(package_path(*name.split("/")).read_text(encoding="utf-8"))


def skip_rfc3987_syntax() -> None:
    """Mark the optional package ``rfc3987_syntax`` absent, so jsonschema does not load it.

    jsonschema (Altair validates chart specs with it, nbformat notebooks) loads that package
    when it is installed (JupyterLab brings it); building its grammar costs 1.3 to 2 s in every
    process that imports jsonschema, and neither Altair nor nbformat checks IRIs. Called by the
    modules that need jsonschema (:mod:`kit.charts`, :mod:`kit.report`) before they import it;
    ``import kit`` alone leaves ``sys.modules`` alone.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def copy_on_write(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``func`` with pandas' copy-on-write on (the default from pandas 3.0), then restore.

    Selecting columns or rows then no longer copies whole frames: the checks of the quick scan
    run about a fifth faster. Scoped to the kit's own calls, so ``import kit`` leaves the
    user's pandas options alone.
    """

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        import pandas as pd

        with pd.option_context("mode.copy_on_write", True):
            return func(*args, **kwargs)

    return wrapper


def trend_settings() -> dict:
    """The ``trends`` block of the shipped ``waiting_times.yaml``: ``norm_weken`` and ``wachtrij``.

    The one source of the trends' norm and queueing settings (notebook, CLI, deelpakket).

    Raises
    ------
    ValueError
        When a value is missing or not a positive number.
    """
    block = package_yaml("waiting_times.yaml").get("trends") or {}
    queue = block.get("wachtrij") or {}
    values = {
        "norm_weken": block.get("norm_weken"),
        **{f"wachtrij.{k}": queue.get(k) for k in ("weken", "factor", "afbouw_weken")},
    }
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ValueError(f"kit/waiting_times.yaml: trends.{key} moet een getal boven 0 zijn")
    return {"norm_weken": float(block["norm_weken"]), "wachtrij": dict(queue)}


def min_complete() -> float:
    """The kit's completeness threshold: ``voorlopig.min_volledigheid`` of ``waiting_times.yaml``.

    A month of a series (or a waiting-time definition) is ``voorlopig`` while less than this
    share of its messages is estimated to be in. The one accessor for the default; a region's
    own definitions file or the ``--volledig`` option may set another value.

    Raises
    ------
    ValueError
        When the shipped value is missing or not in (0, 1].
    """
    value = (package_yaml("waiting_times.yaml").get("voorlopig") or {}).get("min_volledigheid")
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= 1:
        raise ValueError(
            "kit/waiting_times.yaml: voorlopig.min_volledigheid moet tussen 0 en 1 liggen"
        )
    return float(value)


def load_yaml(text: str) -> object:
    """Parse YAML like ``yaml.safe_load``, with libyaml's C parser when PyYAML has it (faster)."""
    return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader, C or Python)


def read_yaml(path: str | Path) -> dict:
    """A user's YAML file (parameters, checks, definitions, batch, column map) as a mapping.

    Parameters
    ----------
    path : str or pathlib.Path
        The file; an empty file gives an empty mapping.

    Raises
    ------
    OSError
        When the file cannot be read.
    ValueError
        In Dutch, naming the file: not UTF-8 text, not valid YAML (with line and column), a date
        that does not exist, or not a mapping of names to values.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: geen tekst in UTF-8; sla het bestand op als UTF-8.") from None
    try:
        doc = load_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (regel {mark.line + 1}, kolom {mark.column + 1})" if mark else ""
        raise ValueError(f"{path}: geen geldige YAML{where}.") from None
    except (yaml.YAMLError, ValueError):  # the safe loader's dates: 2026-02-30 does not exist
        bad = [d for d in re.findall(r"\b\d{4}-\d\d-\d\d\b", text) if not is_iso_date(d)]
        what = f"datum bestaat niet: {', '.join(bad)}" if bad else "geen geldige YAML"
        raise ValueError(f"{path}: {what}.") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        kind = "een lijst" if isinstance(doc, list) else "losse tekst"
        raise ValueError(
            f"{path}: verwacht namen met waarden ('naam: waarde' per regel), maar het bestand "
            f"is {kind}."
        )
    return doc


def is_iso_date(text: str) -> bool:
    """Whether ``text`` is a date that exists, written JJJJ-MM-DD, in the years 1900-2199.

    The analyses count in pandas timestamps, which end in 2262; a peildatum outside these years
    is a typing error.
    """
    try:
        day = date.fromisoformat(text)
    except (ValueError, TypeError):
        return False
    return len(text) == 10 and 1900 <= day.year <= 2199  # fromisoformat also takes 20260331
