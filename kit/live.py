"""Presentation mode of ``python -m kit live --presentatie``: a leercirkel sees pickers and charts.

- :func:`presentation_notebook` hides the source of every code cell (cell metadata
  ``jupyter.source_hidden``, which JupyterLab 4 honours on load) and moves the widget cells
  (tag ``live-only``) to just after the cell that prepares ``ctx``, so the picker is the first
  thing under the title once the notebook runs.
- :func:`lab_settings` and :func:`write_lab_settings`: JupyterLab user settings from
  ``kit/presentatie.yaml`` (larger fonts, no news or update checks; Dutch interface when the
  language pack is installed), written into the session folder.
- :func:`lab_environment` points JupyterLab's settings, workspaces, runtime and configuration
  folders at the session folder, for the lab process only: nothing is written into (or read
  from) ``~/.jupyter``. A hidden code cell would still show its first line next to "…"; the
  session's ``custom.css`` hides that line too.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from kit import config

LIVE_TAG = "live-only"
SETUP_TAGS = {"parameters", "injected-parameters"}
TRANSLATION_PLUGIN = "@jupyterlab/translation-extension:plugin"
#: the hidden folder inside the session folder with JupyterLab's own files
SESSION_DIR = ".jupyterlab"


def _tags(cell: Mapping) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def widget_position(cells: list) -> int:
    """Where the widget cells go: right after the first code cell that is not a parameter cell.

    That cell prepares ``ctx`` (which the widgets need); before it only the title and the
    parameter cells. Without such a cell: right after the first cell (the title).
    """
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code" and not _tags(cell) & SETUP_TAGS:
            return index + 1
    return min(1, len(cells))


def presentation_notebook(nb: Mapping) -> dict:
    """A copy of ``nb`` for presenting: code sources hidden, widget cells first.

    Parameters
    ----------
    nb : mapping
        A notebook (nbformat 4 JSON or ``NotebookNode``); not changed.

    Returns
    -------
    dict
        The copy. Every code cell has ``metadata.jupyter.source_hidden = True``; the cells
        tagged ``live-only`` keep their order and stand at :func:`widget_position` of the
        other cells. Outputs and all other cells are unchanged.
    """
    out = copy.deepcopy(dict(nb))
    cells = out["cells"]
    widgets = [c for c in cells if LIVE_TAG in _tags(c)]
    rest = [c for c in cells if LIVE_TAG not in _tags(c)]
    at = widget_position(rest)
    out["cells"] = rest[:at] + widgets + rest[at:]
    for cell in out["cells"]:
        if cell["cell_type"] == "code":
            cell.setdefault("metadata", {}).setdefault("jupyter", {})["source_hidden"] = True
    return out


def language_pack(locale: str) -> bool:
    """Whether a JupyterLab language pack for ``locale`` (e.g. ``nl_NL``) is installed."""
    return any(ep.name == locale for ep in metadata.entry_points(group="jupyterlab.languagepack"))


def lab_settings(*, dutch: bool | None = None) -> dict[str, dict]:
    """JupyterLab user settings per plugin id for a presentation session.

    Parameters
    ----------
    dutch : bool, optional
        Set the interface language to the one in ``kit/presentatie.yaml`` (``nl_NL``);
        default: when its language pack is installed.
    """
    spec = config.package_yaml("presentatie.yaml")
    settings = copy.deepcopy(spec["instellingen"])
    if dutch is None:
        dutch = language_pack(spec["taal"])
    if dutch:
        settings[TRANSLATION_PLUGIN] = {"locale": spec["taal"]}
    return settings


def settings_file(settings_dir: Path, plugin: str) -> Path:
    """``@scope/package:plugin`` -> ``settings_dir/@scope/package/plugin.jupyterlab-settings``."""
    package, name = plugin.split(":")
    return settings_dir.joinpath(*package.split("/"), f"{name}.jupyterlab-settings")


def session_paths(folder: Path) -> dict[str, Path]:
    """JupyterLab's folders for a session in ``folder`` (hidden from its file browser)."""
    base = folder / SESSION_DIR
    return {
        "JUPYTERLAB_SETTINGS_DIR": base / "instellingen",
        "JUPYTERLAB_WORKSPACES_DIR": base / "werkruimten",
        "JUPYTER_RUNTIME_DIR": base / "runtime",
        # the server reads custom/custom.css from here (and no ~/.jupyter configuration)
        "JUPYTER_CONFIG_DIR": base / "config",
    }


def write_lab_settings(folder: Path, settings: Mapping[str, Mapping]) -> list[Path]:
    """Write ``settings`` and the presentation CSS into the session in ``folder``.

    ``settings`` become JupyterLab user settings; the ``css`` of ``kit/presentatie.yaml``
    becomes ``custom/custom.css`` in the session's Jupyter configuration folder (loaded with
    ``--LabApp.custom_css=True``). Earlier files of the session are replaced (a user may have
    changed the font).
    """
    paths = session_paths(folder)
    written = []
    for plugin, values in settings.items():
        path = settings_file(paths["JUPYTERLAB_SETTINGS_DIR"], plugin)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2, ensure_ascii=False), encoding="utf-8")
        written.append(path)
    # the default workspace with the side bars closed: the notebook gets the whole width
    # (JupyterLab's own format; should it change, JupyterLab just opens its usual layout)
    from jupyterlab_server.workspaces_handler import WORKSPACE_EXTENSION, slugify

    workspace = paths["JUPYTERLAB_WORKSPACES_DIR"] / (slugify("default") + WORKSPACE_EXTENSION)
    workspace.parent.mkdir(parents=True, exist_ok=True)
    layout = {"left": {"collapsed": True}, "right": {"collapsed": True}}
    workspace.write_text(
        json.dumps({"data": {"layout-restorer:data": layout}, "metadata": {"id": "default"}}),
        encoding="utf-8",
    )
    written.append(workspace)
    css = paths["JUPYTER_CONFIG_DIR"] / "custom" / "custom.css"
    css.parent.mkdir(parents=True, exist_ok=True)
    css.write_text(config.package_yaml("presentatie.yaml")["css"], encoding="utf-8")
    written.append(css)
    return written


def lab_environment(folder: Path, env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with JupyterLab's settings, workspaces and runtime folders in the session."""
    paths = session_paths(folder)
    for path in paths.values():
        path.mkdir(parents=True, exist_ok=True)
    return {**env, **{name: str(path) for name, path in paths.items()}}


#: server options: the presentation CSS; no news feed and no update check (both would ask
#: the internet)
LAB_OPTIONS = [
    "--LabApp.custom_css=True",
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
]
