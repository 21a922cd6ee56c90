"""Leercirkel-data kit: analyse iJw 3.2 message traffic of a Dutch youth-care region.

Notebooks use ``import kit`` and then the modules below by name (loaded on first use, so the
command line starts fast): ``kit.sections`` (one function per notebook section), ``kit.widgets``
(live-session controls), ``kit.pathways``, ``kit.checks``, ``kit.store``.
"""

from __future__ import annotations

import importlib
import sys

import pandas as pd

__version__ = "0.1.0"

# jsonschema (used by Altair) loads the optional package rfc3987_syntax when it is installed
# (JupyterLab brings it); building its grammar costs about 1.5 s at every kernel start, and
# Altair never checks IRIs. Mark it absent so jsonschema skips that one format check.
if "rfc3987_syntax" not in sys.modules:
    sys.modules["rfc3987_syntax"] = None

# Copy-on-write (the default from pandas 3.0): selecting columns or rows no longer copies whole
# frames, which makes the quick scan about a fifth faster. The kit never writes through a view.
pd.set_option("mode.copy_on_write", True)

_MODULES = {"sections", "widgets", "charts", "checks", "pathways", "store", "outputs", "privacy",
            "waits", "trends", "report", "share", "compare", "quality_history",
            "verbeterlijst", "protocol", "codelists",
            "read_xml", "read_tabular", "config"}


def __getattr__(name: str):
    if name in _MODULES:
        return importlib.import_module(f"kit.{name}")
    raise AttributeError(f"module 'kit' has no attribute {name!r}")
