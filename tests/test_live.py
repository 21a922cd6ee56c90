"""``kit live --presentatie``: the presentation copies, the JupyterLab settings and the command.

The copies hide every code cell's source and put the widget cells right after the set-up cell;
the settings (larger fonts, no news or update checks, Dutch if the language pack is installed)
are JupyterLab user settings inside the session folder, and nothing is written anywhere else.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest

from kit import live
from kit.report import prepare_live

NOTEBOOKS = ["01_quickscan.ipynb", "02_definities.ipynb", "03_trends.ipynb"]


def _cell(kind: str, source: str, *tags: str) -> dict:
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    return make(source, metadata={"tags": list(tags)} if tags else {})


def _notebook() -> dict:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _cell("markdown", "# Titel"),
        _cell("code", "store = 'x'", "parameters"),
        _cell("code", "store = 'y'", "injected-parameters"),
        _cell("code", "ctx = prepare()"),
        _cell("markdown", "## Eerste"),
        _cell("code", "first(ctx)"),
        _cell("markdown", "## Zelf kiezen", "live-only"),
        _cell("code", "widget(ctx)", "live-only"),
        _cell("markdown", "## Bijlage"),
        _cell("code", "last(ctx)"),
    ]
    return nb


def _sources(nb) -> list[str]:
    return [c["source"] for c in nb["cells"]]


class TestPresentationNotebook:
    def test_widget_cells_follow_the_setup_cell_and_keep_their_order(self):
        got = live.presentation_notebook(_notebook())
        assert _sources(got) == [
            "# Titel",
            "store = 'x'",
            "store = 'y'",
            "ctx = prepare()",
            "## Zelf kiezen",
            "widget(ctx)",
            "## Eerste",
            "first(ctx)",
            "## Bijlage",
            "last(ctx)",
        ]

    def test_every_code_source_hidden_markdown_untouched(self):
        got = live.presentation_notebook(_notebook())
        for cell in got["cells"]:
            hidden = cell["metadata"].get("jupyter", {}).get("source_hidden")
            assert hidden is (True if cell["cell_type"] == "code" else None), cell["source"]

    def test_input_not_changed(self):
        nb = _notebook()
        before = json.dumps(nb, sort_keys=True)
        live.presentation_notebook(nb)
        assert json.dumps(nb, sort_keys=True) == before

    def test_existing_jupyter_metadata_kept(self):
        nb = _notebook()
        nb.cells[5]["metadata"]["jupyter"] = {"outputs_hidden": False}
        got = live.presentation_notebook(nb)
        first = next(c for c in got["cells"] if c["source"] == "first(ctx)")
        assert first["metadata"]["jupyter"] == {"outputs_hidden": False, "source_hidden": True}

    def test_without_setup_cell_widgets_follow_the_title(self):
        cells = [
            _cell("markdown", "# T"),
            _cell("markdown", "tekst"),
            _cell("code", "w()", "live-only"),
        ]
        nb = nbformat.v4.new_notebook(cells=cells)
        assert _sources(live.presentation_notebook(nb)) == ["# T", "w()", "tekst"]
        assert live.widget_position([]) == 0


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """An empty HOME and no Jupyter folders from the environment: to see what gets written."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in (
        "JUPYTER_CONFIG_DIR",
        "JUPYTER_DATA_DIR",
        "JUPYTER_RUNTIME_DIR",
        "JUPYTERLAB_SETTINGS_DIR",
        "JUPYTERLAB_WORKSPACES_DIR",
        "IPYTHONDIR",
    ):
        monkeypatch.delenv(name, raising=False)
    return home


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


class TestPrepareLive:
    def test_presentation_copies(self, example_store, tmp_path, home):
        plain = prepare_live(example_store, tmp_path / "gewoon")
        shown = prepare_live(example_store, tmp_path / "sessie", presentatie=True)
        assert [p.name for p in shown] == [p.name for p in plain] == NOTEBOOKS
        assert not (tmp_path / "gewoon" / live.SESSION_DIR).exists()  # default as before
        for before, after in zip(plain, shown, strict=True):
            old = nbformat.read(before, as_version=4)
            new = nbformat.read(after, as_version=4)
            assert sorted(_sources(old)) == sorted(_sources(new)), after.name  # nothing lost
            assert not any(c["metadata"].get("jupyter") for c in old.cells)
            code = [c for c in new.cells if c.cell_type == "code"]
            assert all(c.metadata["jupyter"]["source_hidden"] is True for c in code)
            tags = [set(c.metadata.get("tags", [])) for c in new.cells]
            first_live = next(i for i, t in enumerate(tags) if "live-only" in t)
            # title, parameters, injected parameters, set-up (ctx), then the widget cells
            assert "injected-parameters" in tags[first_live - 2], after.name
            assert "ctx = " in new.cells[first_live - 1].source, after.name
            assert new.cells[first_live].cell_type == "markdown"
            assert "kit.widgets." in new.cells[first_live + 1].source
            assert "store = " + repr(str(example_store)).replace("'", '"') in "".join(
                c.source for c in new.cells
            )

    def test_settings_files_and_nothing_outside_the_session(self, example_store, tmp_path, home):
        folder = tmp_path / "sessie"
        prepare_live(example_store, folder, presentatie=True)
        env = live.lab_environment(folder, {"PATH": "/bin"})
        assert _files(home) == []
        assert not (home / ".jupyter").exists()
        assert {p.relative_to(folder).parts[0] for p in _files(folder)} == {
            *NOTEBOOKS,
            live.SESSION_DIR,
        }
        settings = folder / live.SESSION_DIR / "instellingen" / "@jupyterlab"
        themes = json.loads(
            (settings / "apputils-extension" / "themes.jupyterlab-settings").read_text()
        )
        assert set(themes["overrides"]) == {"code-font-size", "content-font-size1", "ui-font-size1"}
        assert all(int(v.removesuffix("px")) >= 16 for v in themes["overrides"].values())
        news = json.loads(
            (settings / "apputils-extension" / "notification.jupyterlab-settings").read_text()
        )
        assert news == {"fetchNews": "false", "checkForUpdates": False}
        locale = settings / "translation-extension" / "plugin.jupyterlab-settings"
        assert locale.exists() == live.language_pack("nl_NL")
        if locale.exists():
            assert json.loads(locale.read_text()) == {"locale": "nl_NL"}
        (workspace,) = (folder / live.SESSION_DIR / "werkruimten").glob("*.jupyterlab-workspace")
        layout = json.loads(workspace.read_text(encoding="utf-8"))["data"]["layout-restorer:data"]
        assert layout["left"] == {"collapsed": True}
        css = folder / live.SESSION_DIR / "config" / "custom" / "custom.css"
        assert ".jp-InputPlaceholder { display: none; }" in css.read_text(encoding="utf-8")
        for name in (
            "JUPYTERLAB_SETTINGS_DIR",
            "JUPYTERLAB_WORKSPACES_DIR",
            "JUPYTER_RUNTIME_DIR",
            "JUPYTER_CONFIG_DIR",
        ):
            assert Path(env[name]).is_relative_to(folder / live.SESSION_DIR), name
        assert env["PATH"] == "/bin"
        assert "JUPYTERLAB_SETTINGS_DIR" not in os.environ  # for the lab process only


class TestLabSettings:
    def test_dutch_only_when_asked_or_installed(self):
        assert live.lab_settings(dutch=True)[live.TRANSLATION_PLUGIN] == {"locale": "nl_NL"}
        assert live.TRANSLATION_PLUGIN not in live.lab_settings(dutch=False)
        assert (live.TRANSLATION_PLUGIN in live.lab_settings()) == live.language_pack("nl_NL")
        assert not live.language_pack("xx_XX")

    def test_dutch_language_pack_installed(self):
        # a dependency in pyproject.toml: the presentation is in Dutch where the pack exists
        assert live.language_pack("nl_NL")

    def test_every_setting_is_in_jupyterlabs_schema(self):
        schemas = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
        if not schemas.is_dir():
            pytest.skip(f"geen JupyterLab-schema's in {schemas}")
        for plugin, values in live.lab_settings(dutch=True).items():
            package, name = plugin.split(":")
            schema = json.loads((schemas / package / f"{name}.json").read_text(encoding="utf-8"))
            assert set(values) <= set(schema["properties"]), plugin
        themes = live.lab_settings()["@jupyterlab/apputils-extension:themes"]
        css = json.loads(
            (schemas / "@jupyterlab" / "apputils-extension" / "themes.json").read_text()
        )["properties"]["overrides"]["default"]
        assert set(themes["overrides"]) <= set(css)

    def test_settings_file_path(self, tmp_path):
        got = live.settings_file(tmp_path, "@jupyterlab/apputils-extension:themes")
        assert got == tmp_path / "@jupyterlab" / "apputils-extension" / "themes.jupyterlab-settings"

    def test_lab_options_are_real_traits(self):
        from jupyterlab.handlers.announcements import NeverCheckForUpdate  # noqa: F401
        from jupyterlab.labapp import LabApp

        traits = LabApp.class_traits()
        for option in [*live.LAB_OPTIONS, "--LabApp.default_url=/lab"]:
            assert option.split("=")[0].removeprefix("--LabApp.") in traits, option


class TestLiveCommand:
    def test_presentatie_starts_lab_with_session_environment(self, tmp_path, monkeypatch, capsys):
        from kit import __main__ as cli

        store = tmp_path / "store"
        store.mkdir()
        meta = '{"formaat": 1, "sleutel": null, "inleesrondes": [{"id": "inlees-0001"}]}'
        (store / "kit-store.json").write_text(meta, encoding="utf-8")
        started = []
        monkeypatch.setattr(
            cli.subprocess, "call", lambda cmd, **kw: started.append((cmd, kw)) or 0
        )
        folder = tmp_path / "sessie"
        argv = ["live", "--store", str(store), "--map", str(folder), "--geen-browser"]
        assert cli.main([*argv, "--presentatie"]) == 0
        ((command, kwargs),) = started
        assert [*live.LAB_OPTIONS, "--LabApp.default_url=/lab/tree/01_quickscan.ipynb"] == [
            c for c in command if c.startswith("--LabApp.")
        ]
        env = kwargs["env"]
        assert Path(env["JUPYTERLAB_SETTINGS_DIR"]) == folder / live.SESSION_DIR / "instellingen"
        assert (Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab").is_dir()
        assert "Presentatiemodus" in capsys.readouterr().out

        started.clear()
        assert cli.main(argv) == 0  # without --presentatie: as before
        ((command, kwargs),) = started
        assert kwargs == {} and not [c for c in command if c.startswith("--LabApp.")]


def test_live_charts_load_offline():
    """Regression: set_embed_options() dropped offline=True, so JupyterCharts fetched
    vega-embed from esm.sh (blocked offline; the browser test saw the charts fail)."""
    import altair as alt

    from kit import charts

    charts.setup_rendering("live")
    try:
        options = alt.renderers.options
        assert options["offline"] is True
        # objects, as the browser's vega-embed needs them (a locale name broke every chart)
        assert options["embed_options"]["formatLocale"]["decimal"] == ","
        assert "maart" in options["embed_options"]["timeFormatLocale"]["months"]
        alt.renderers.get()(alt.Chart({"values": [{"a": 1}]}).mark_bar().to_dict())
        assert alt.JupyterChart._is_offline and "esm.sh" not in alt.JupyterChart._esm
    finally:
        alt.theme.enable("default")
        alt.renderers.enable("default")
