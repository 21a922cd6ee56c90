"""Project paths and shared constants; no I/O or logging at import."""

from __future__ import annotations

import re
from datetime import date
from importlib import resources
from pathlib import Path

import yaml

PROJ_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_DIR = PROJ_ROOT / "data" / "example"
REPORTS_DIR = PROJ_ROOT / "reports"

# Environment variables a user can set (documented in the README).
ENV_KEY = "KIT_PSEUDONIEM_SLEUTEL"
ENV_KEY_FILE = "KIT_SLEUTELBESTAND"
DEFAULT_KEY_FILE = Path.home() / ".config" / "leercirkel-kit" / "pseudoniem.key"

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


def project_path(path: str | Path) -> Path:
    """A path from a parameter file or notebook: ``~`` expanded, relative to the kit's folder."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else PROJ_ROOT / p


def package_yaml(name: str) -> dict:
    """Read a YAML file shipped inside the ``kit`` package.

    Parameters
    ----------
    name : str
        File name inside the package, e.g. ``"berichten.yaml"``.

    Returns
    -------
    dict
        The parsed YAML document.
    """
    return load_yaml(resources.files("kit").joinpath(name).read_text(encoding="utf-8"))


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


def load_yaml(text: str):
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
