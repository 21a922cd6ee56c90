"""Parameters of the aanbieder patterns (checks.yaml ``aanbiederspatronen``): a region's own copy
of checks.yaml overrides them, in the CLI (``--controles``) and in the notebook (``controles``)."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

from kit.checks.patterns import load_pattern_params

SHIPPED = resources.files("kit.checks").joinpath("checks.yaml").read_text(encoding="utf-8")
PEILDATUM = "2026-03-31"
NOT_COMPARABLE = "niet te vergelijken"


def own_copy(folder, text: str):
    path = folder / "mijn_controles.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class TestLoadPatternParams:
    def test_the_shipped_block(self):
        params = load_pattern_params()
        assert params["auto_aandeel_pct"] == 50 and params["vot_start_dagen"] == 14

    def test_a_region_copy_overrides_key_by_key(self, tmp_path):
        text = SHIPPED.replace("auto_aandeel_pct: 50", "auto_aandeel_pct: 80")
        text = text.replace("vot_start_dagen: 14", "vot_start_dagen: 21")
        params = load_pattern_params(own_copy(tmp_path, text))
        assert params["auto_aandeel_pct"] == 80 and params["vot_start_dagen"] == 21
        assert params["min_n"] == load_pattern_params()["min_n"]

    def test_a_copy_with_only_some_keys_keeps_the_shipped_others(self, tmp_path):
        text = "controles: []\naanbiederspatronen:\n  min_aanbieders: 5\n"
        params = load_pattern_params(own_copy(tmp_path, text))
        assert params == load_pattern_params() | {"min_aanbieders": 5}

    def test_a_copy_without_the_block_keeps_the_shipped_values(self, tmp_path):
        params = load_pattern_params(own_copy(tmp_path, "controles: []\n"))
        assert params == load_pattern_params()

    def test_an_unknown_key_is_a_dutch_error(self, tmp_path):
        text = "controles: []\naanbiederspatronen:\n  auto_aandeel: 80\n"
        with pytest.raises(ValueError, match="onbekende sleutel.*auto_aandeel"):
            load_pattern_params(own_copy(tmp_path, text))

    def test_a_block_that_is_no_mapping_is_a_dutch_error(self, tmp_path):
        text = "controles: []\naanbiederspatronen: [1, 2]\n"
        with pytest.raises(ValueError, match="aanbiederspatronen"):
            load_pattern_params(own_copy(tmp_path, text))


@pytest.fixture(scope="module")
def never_automatic(tmp_path_factory):
    """A copy of checks.yaml in which no aanbieder has 'mostly automatic' 305s (above 100%)."""
    text = SHIPPED.replace("auto_aandeel_pct: 50", "auto_aandeel_pct: 101")
    assert text != SHIPPED
    return own_copy(tmp_path_factory.mktemp("controles"), text)


def assert_no_aanbieder_set_aside(patterns: pd.DataFrame) -> None:
    # the example's auto_305 aanbieders have mostly automatic 305s (with the shipped 50% they
    # are "niet te vergelijken", see test_backtest); with 101% none is set aside
    assert (pd.to_numeric(patterns["pct_auto_305"], errors="coerce") >= 50).sum() >= 2
    assert not patterns["gespreksagenda_vot"].fillna("").str.startswith(NOT_COMPARABLE).any()


def test_cli_quickscan_reads_the_patterns_from_controles(
    example_store, never_automatic, tmp_path, capsys
):
    from kit.__main__ import main

    argv = ["quickscan", "--store", str(example_store), "--peildatum", PEILDATUM]
    argv += ["--uit", str(tmp_path), "--testdata-toegestaan", "--controles", str(never_automatic)]
    assert main(argv) == 0
    assert_no_aanbieder_set_aside(pd.read_csv(tmp_path / "aanbieders.csv", dtype=str))
    assert "--testdata-toegestaan" not in capsys.readouterr().out  # allowed: no hint


def test_cli_quickscan_names_a_bad_patterns_block(example_store, tmp_path, capsys):
    from kit.__main__ import main

    bad = own_copy(tmp_path, SHIPPED.replace("auto_aandeel_pct: 50", "auto_pct: 50"))
    argv = ["quickscan", "--store", str(example_store), "--peildatum", PEILDATUM]
    assert main([*argv, "--uit", str(tmp_path / "uit"), "--controles", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("Fout: controles:") and "auto_pct" in err
    assert len(err.splitlines()) == 1


def test_notebook_reads_the_patterns_from_controles(example_store, never_automatic):
    from kit.sections import prepare_quickscan

    context = prepare_quickscan(
        regio="Voorbeeld",
        store=str(example_store),
        peildatum=PEILDATUM,
        periode_van="2025-04-01",
        periode_tot=PEILDATUM,
        gemeenten=[],
        controles=str(never_automatic),
        testdata_toegestaan=True,
    )
    assert_no_aanbieder_set_aside(context.patterns.reset_index())
