"""The live-session widgets of all three notebooks, run through every option on the example.

Each choice must show a table or a chart (never an exception, never nothing). The widgets are
driven without a kernel: setting a control's value calls its observer directly, and the
module's ``display`` is replaced by a recorder.
"""

from __future__ import annotations

import altair as alt
import pytest
from IPython.display import HTML, Markdown

from kit import sections, widgets

PEIL = {"peildatum": "2026-03-31"}
PERIOD = {"periode_van": "2025-04-01", "periode_tot": "2026-03-31"}
COMMON = {"regio": "Voorbeeldregio", "gemeenten": [], "min_cel": 10, "live": True}


@pytest.fixture
def shown(monkeypatch) -> list:
    """What the widgets display, in order."""
    recorded: list = []
    monkeypatch.setattr(widgets, "display", lambda *objs, **_: recorded.extend(objs))
    return recorded


def _is_table(obj) -> bool:
    return isinstance(obj, HTML) and "kit-tabel" in obj.data


def _is_chart(obj) -> bool:
    return isinstance(obj, alt.TopLevelMixin)


def _show_all(control, shown: list, *, label: str) -> dict:
    """Every option of a control (in turn) -> what it displayed; asserts a table or chart."""
    values = [o[1] if isinstance(o, tuple) else o for o in control.options]
    assert values, label
    seen = {}
    for value in values:
        shown.clear()
        control.value = value
        seen[value] = list(shown)
    return seen


def test_quickscan_detail_every_aanbieder_and_gemeente(example_store, shown):
    ctx = sections.prepare_quickscan(
        store=str(example_store),
        controles="",
        testdata_toegestaan=True,
        **PEIL,
        **PERIOD,
        **COMMON,
    )
    box = widgets.quickscan_detail(ctx)
    assert any(_is_chart(o) for o in shown) and any(_is_table(o) for o in shown)  # first choice
    picker = box.children[0]
    seen = _show_all(picker, shown, label="quickscan")
    assert {unit for unit, _ in seen} == {"aanbieder", "gemeente"}
    assert len(seen) == 25 + 8  # every aanbieder and gemeente of the example region
    for choice, objs in seen.items():
        # a choice that is already selected fires no event: picker.observe ran it at creation
        if objs:
            assert any(_is_chart(o) for o in objs) and any(_is_table(o) for o in objs), choice


def test_definities_verkenner_every_menu_option_and_norm(example_store, shown):
    ctx = sections.prepare_definities(
        store=str(example_store), definities="", **PEIL, **PERIOD, **COMMON
    )
    box = widgets.definities_verkenner(ctx)
    assert any(_is_table(o) for o in shown)  # the first choice, shown at once
    pick = box.children[0].children[0]
    *menus, norm = box.children[0].children[1].children
    assert [m.description for m in menus] == ["Categorie:", "Aanbieder:", "Gemeente:"]
    counts = {}
    for menu in menus:
        seen = _show_all(menu, shown, label=menu.description)
        counts[menu.description] = len(seen) - 1  # without "alle"
        for value, objs in seen.items():
            if value or objs:
                tables = [o for o in objs if _is_table(o)]
                assert len(tables) == 1, (menu.description, value)
                assert "Mediaan KM" in tables[0].data and "n_gestart" not in tables[0].data
        menu.value = ""
    assert counts["Gemeente:"] == 8 and counts["Aanbieder:"] == 25
    for value, objs in _show_all(norm, shown, label="norm").items():
        if objs:
            assert any(_is_table(o) for o in objs), value
    for option in pick.options:  # each definition on its own
        shown.clear()
        pick.value = (option[1],)
        assert any(_is_table(o) for o in shown), option


def test_trends_verkenner_every_unit_and_series(example_store, shown):
    ctx = sections.prepare_trends(
        store=str(example_store),
        bevolking="data/example/bevolking.csv",
        norm_weken=10.0,
        periode_van="2023-10",
        basislijn_van="2024-01",
        basislijn_tot="2024-12",
        min_volledigheid=0.95,
        **PEIL,
        **COMMON,
    )
    box = widgets.trends_verkenner(ctx)
    assert any(_is_chart(o) for o in shown)  # the first choice, shown at once
    level, unit = box.children[0].children
    reeks, period = box.children[1], box.children[2]
    units = 0
    for _, niveau in level.options:
        shown.clear()
        level.value = niveau
        for value, objs in _show_all(unit, shown, label=niveau).items():
            units += 1
            if objs:
                assert any(_is_chart(o) for o in objs), (niveau, value)
                assert any(isinstance(o, Markdown) for o in objs), (niveau, value)
    assert units >= 1 + 8 + 25  # regio, every gemeente and aanbieder, and the categories
    level.value = "regio"
    for value, objs in _show_all(reeks, shown, label="reeks").items():
        assert any(_is_chart(o) for o in objs), value
    months = list(period.options)
    shown.clear()
    period.value = (months[-3], months[-1])  # a short period: no baseline inside it
    assert any(_is_chart(o) for o in shown)


class TestLiveCommand:
    """``kit live`` starts JupyterLab also as root (containers), with --allow-root, and says so."""

    def test_command_line(self, tmp_path):
        from kit.__main__ import live_command

        plain = live_command(tmp_path, port=8899, browser=True, as_root=False)
        assert plain[1:4] == ["-m", "jupyter", "lab"]
        assert f"--notebook-dir={tmp_path}" in plain and "--port=8899" in plain
        assert "--allow-root" not in plain and "--no-browser" not in plain
        root = live_command(tmp_path, port=8899, browser=False, as_root=True)
        assert root == [*plain, "--no-browser", "--allow-root"]

    @pytest.mark.parametrize("euid", [0, 1000])
    def test_live_as_root_and_not(self, euid, tmp_path, monkeypatch, capsys):
        from kit import __main__ as cli

        store = tmp_path / "store"
        store.mkdir()
        meta = '{"formaat": 1, "sleutel": null, "inleesrondes": [{"id": "inlees-0001"}]}'
        (store / "kit-store.json").write_text(meta, encoding="utf-8")  # one ingest round
        started = []
        monkeypatch.setattr(cli.os, "geteuid", lambda: euid, raising=False)
        monkeypatch.setattr(cli.subprocess, "call", lambda cmd: started.append(cmd) or 0)
        argv = ["live", "--store", str(store), "--map", str(tmp_path / "sessie"), "--geen-browser"]
        assert cli.main(argv) == 0
        assert len(started) == 1 and "--no-browser" in started[0]
        out = capsys.readouterr().out
        assert ("--allow-root" in started[0]) == (euid == 0)
        assert ("als root" in out) == (euid == 0)
        assert sorted(p.name for p in (tmp_path / "sessie").glob("*.ipynb")) == [
            "01_quickscan.ipynb",
            "02_definities.ipynb",
            "03_trends.ipynb",
        ]
