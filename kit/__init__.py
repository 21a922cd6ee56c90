"""Leercirkel-data kit: analyse iJw 3.2 message traffic of a Dutch youth-care region.

Notebooks use ``import kit`` and then the modules below by name (loaded on first use, so the
command line starts fast): ``kit.sections`` (one function per notebook section), ``kit.widgets``
(live-session controls), ``kit.pathways``, ``kit.checks``, ``kit.store``.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# Importing the kit changes no global state (no pandas option, no stubbed module): the kit
# scopes pandas' copy-on-write to its own calls (kit.config.copy_on_write), and kit.charts
# keeps jsonschema from loading rfc3987_syntax.

_MODULES = {"sections", "widgets", "charts", "checks", "pathways", "store", "outputs", "privacy",
            "waits", "trends", "report", "share", "compare", "quality_history",
            "verbeterlijst", "protocol", "codelists",
            "sources", "contract", "read_xml", "read_tabular", "config"}


def __getattr__(name: str) -> object:
    """Load a module of the kit on first use (``kit.sections``, ``kit.checks``, ...)."""
    if name in _MODULES:
        return importlib.import_module(f"kit.{name}")
    raise AttributeError(f"module 'kit' has no attribute {name!r}")
