"""One parameter model per report: notebook, command line and rapport share names, defaults, checks.

Each notebook's parameters cell is read as papermill reads it and compared with its model in
:mod:`kit.params`; the command line's options are read from its parser; the same bad value gives
the same Dutch message through the notebook, the command line and ``rapport``.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import pytest

from kit import params
from kit.config import PROJ_ROOT
from kit.params import (
    PERIOD_ORDER,
    DefinitiesParams,
    ParameterError,
    QuickscanParams,
    TrendsParams,
)
from kit.report import check_parameters, notebook_parameters

NOTEBOOKS = {
    "01_quickscan": (QuickscanParams, "quickscan", "prepare_quickscan"),
    "02_definities": (DefinitiesParams, "wachttijden", "prepare_definities"),
    "03_trends": (TrendsParams, "trends", "prepare_trends"),
}
#: values the notebook's cell holds for the example region and a live session (its name, store,
#: dates, population table and test BSNs); every other parameter (thresholds, a region's own
#: files, gemeenten) must have the model's default
EXAMPLE_VALUES = {
    "regio",
    "store",
    "peildatum",
    "periode_van",
    "periode_tot",
    "basislijn_van",
    "basislijn_tot",
    "bevolking",
    "testdata_toegestaan",
    "aanbieders",
    "gemeentenamen",
    "live",
}
PEILDATUM = "2026-03-31"


def cell(stem: str) -> dict:
    """The notebook's parameters cell: name -> literal value."""
    known = notebook_parameters(PROJ_ROOT / "notebooks" / f"{stem}.ipynb")
    return {name: ast.literal_eval(info["default"]) for name, info in known.items()}


def subparser(command: str) -> argparse.ArgumentParser:
    from kit.__main__ import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[command]


def parse(command: str, *options: str) -> argparse.Namespace:
    argv = ["--store", "s", "--peildatum", PEILDATUM, "--uit", "u", *options]
    return subparser(command).parse_args(argv)


@pytest.mark.parametrize("stem", list(NOTEBOOKS))
class TestOneModelPerReport:
    def test_the_parameters_cell_has_the_models_names_and_defaults(self, stem):
        model = NOTEBOOKS[stem][0]
        values = cell(stem)
        assert list(values) and set(values) == set(model.spec())
        settings = set(values) - EXAMPLE_VALUES
        assert {"min_cel", "gemeenten"} <= settings
        assert {n: values[n] for n in settings} == {n: model.default(n) for n in settings}
        assert set(model.required()) == {"regio", "store", "peildatum"}
        assert model(**values).problems() == []  # the example's values are valid

    def test_the_command_line_options_are_the_models_names_and_defaults(self, stem):
        from kit.__main__ import _ModelDefault, _params

        model, command, _ = NOTEBOOKS[stem]
        options = {
            a.dest: a
            for a in subparser(command)._actions
            if a.dest in model.spec() and a.help != argparse.SUPPRESS
        }
        assert {"store", "peildatum", "min_cel"} <= set(options)
        for name, action in options.items():
            assert action.option_strings == ["--" + name.replace("_", "-")]
            if name in model.required():
                assert action.required
            else:
                assert isinstance(action.default, _ModelDefault)
                assert str(action.default) == str(model.default(name))
        built = _params(parse(command), model)
        assert built == model(regio="", store="s", peildatum=PEILDATUM)
        # the notebook's settings given as options give the same model as given in Python
        given = {"min_cel": 20}
        built = _params(parse(command, "--min-cel", "20"), model)
        assert built == model(regio="", store="s", peildatum=PEILDATUM, **given)


def test_old_option_names_still_work_and_are_hidden():
    from kit.__main__ import _params

    old = _params(
        parse("wachttijden", "--van", "2025-04-01", "--tot", "2026-01-31"), DefinitiesParams
    )
    new = _params(
        parse("wachttijden", "--periode-van", "2025-04-01", "--periode-tot", "2026-01-31"),
        DefinitiesParams,
    )
    assert old == new and (new.periode_van, new.periode_tot) == ("2025-04-01", "2026-01-31")
    old = _params(parse("trends", "--volledig", "0,9"), TrendsParams)
    assert old == _params(parse("trends", "--min-volledigheid", "0.9"), TrendsParams)
    assert old.min_volledigheid == 0.9
    for command, hidden in (("wachttijden", ("--van", "--tot")), ("trends", ("--volledig",))):
        text = subparser(command).format_help()
        assert all(f"{h} " not in text for h in hidden), text
        assert ("--periode-van" in text) == (command == "wachttijden")


def test_the_completeness_default_is_the_yamls(monkeypatch):
    """``min_volledigheid`` has no Python default: it is ``voorlopig.min_volledigheid``."""
    from kit import config
    from kit.__main__ import _params

    assert TrendsParams.default("min_volledigheid") == config.min_complete()
    monkeypatch.setattr(config, "min_complete", lambda: 0.8)  # as if waiting_times.yaml said 0.8
    assert TrendsParams(regio="R", store="s", peildatum=PEILDATUM).min_volledigheid == 0.8
    assert _params(parse("trends"), TrendsParams).min_volledigheid == 0.8


def test_a_period_after_the_peildatum_is_one_message_everywhere(tmp_path, capsys):
    """Command line, notebook and rapport refuse it with the same Dutch sentence."""
    from kit.__main__ import main
    from kit.sections import prepare_definities

    store = str(tmp_path / "geen_store")  # the parameters are checked before the store
    argv = ["wachttijden", "--store", store, "--peildatum", PEILDATUM, "--uit", str(tmp_path)]
    assert main([*argv, "--periode-van", "2026-04-01"]) == 2
    cli = capsys.readouterr().err.strip()
    with pytest.raises(ParameterError) as notebook:
        prepare_definities(
            regio="R", store=store, peildatum=PEILDATUM, gemeenten=[], periode_van="2026-04-01"
        )
    nb = PROJ_ROOT / "notebooks" / "02_definities.ipynb"
    with pytest.raises(ParameterError) as report:
        check_parameters(
            nb, {"regio": "R", "store": store, "peildatum": PEILDATUM, "periode_van": "2026-04-01"}
        )
    assert cli == f"Fout: {PERIOD_ORDER}"
    assert str(notebook.value) == PERIOD_ORDER
    assert str(report.value) == f"02_definities.ipynb: {PERIOD_ORDER}"


def test_a_value_out_of_range_gets_the_same_text_by_option_and_by_name(tmp_path, capsys):
    from kit.__main__ import main
    from kit.sections import prepare_trends

    store = str(tmp_path / "geen_store")
    argv = ["trends", "--store", store, "--peildatum", PEILDATUM, "--uit", str(tmp_path)]
    with pytest.raises(SystemExit):
        main([*argv, "--min-volledigheid", "2"])
    problem = "moet tussen 0 en 1 liggen (bijvoorbeeld 0.95), niet 2"
    assert f"Fout: --min-volledigheid: {problem}" in capsys.readouterr().err
    with pytest.raises(ParameterError, match=r"^parameter 'min_volledigheid': ") as raised:
        prepare_trends(regio="R", store=store, peildatum=PEILDATUM, min_volledigheid=2)
    assert str(raised.value).endswith(problem)


@pytest.mark.parametrize(
    "model,values,message",
    [
        (QuickscanParams, {"peildatum": "2026-02-30"}, "'peildatum': geen geldige datum"),
        (QuickscanParams, {"periode_tot": "2026-04-30"}, PERIOD_ORDER),
        (
            DefinitiesParams,
            {"periode_van": "2026-02-01", "periode_tot": "2026-01-01"},
            PERIOD_ORDER,
        ),
        (DefinitiesParams, {"min_cel": 0}, "'min_cel': moet minstens 1 zijn"),
        (DefinitiesParams, {"min_cel": True}, "'min_cel': moet van type int zijn, niet bool"),
        (TrendsParams, {"basislijn_van": "2024-01"}, "Geef basislijn_van en basislijn_tot"),
        (TrendsParams, {"basislijn_van": "2024-05", "basislijn_tot": "2024-01"}, "allebei"),
        (TrendsParams, {"periode_van": "2024-13"}, "'periode_van': geen maand (JJJJ-MM)"),
        (TrendsParams, {"norm_weken": 0}, "'norm_weken': moet groter dan 0 zijn"),
        (TrendsParams, {"bevolking": "geen/bestand.csv"}, "geen/bestand.csv: bestaat niet"),
        (TrendsParams, {"gemeenten": [599]}, "'gemeenten': moet een lijst van codes"),
        (TrendsParams, {"gemeenten": "0599"}, "'gemeenten': moet van type list zijn"),
    ],
)
def test_validation_refuses_in_dutch(model, values, message):
    p = model(**{"regio": "R", "store": "s", "peildatum": PEILDATUM} | values)
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        p.validate()


def test_open_periods_and_months_are_valid():
    base = {"regio": "R", "store": "s", "peildatum": PEILDATUM}
    assert QuickscanParams(**base).validate().periode_tot == ""  # up to the peildatum
    assert DefinitiesParams(**base, periode_van="2025-04-01").problems() == []
    trends = TrendsParams(
        **base, periode_van="2024-01-15", basislijn_van="2024-01", basislijn_tot="2024-12-31"
    )
    assert trends.problems() == [] and params.month(trends.periode_van) == "2024-01"


def test_one_path_resolution_for_every_front_door(tmp_path):
    assert params.resolve("data/example/store") == PROJ_ROOT / "data/example/store"
    assert params.resolve("data/x", base=Path()) == Path("data/x")  # command line: as typed
    assert params.resolve(tmp_path) == tmp_path
    assert params.resolve("~/x") == Path.home() / "x"
