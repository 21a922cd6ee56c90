"""Project paths and shared constants; no I/O or logging at import."""

from __future__ import annotations

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


def load_yaml(text: str):
    """Parse YAML like ``yaml.safe_load``, with libyaml's C parser when PyYAML has it (faster)."""
    return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader, C or Python)
