"""The waiting times and trends read only ``ANALYSIS_COLUMNS``: the same results as a full read.

At a million messages the narrow read holds about a third of the memory (docs/schaal.md). The
column set was found by growing it from the errors; these tests keep it complete: on the example
region at several peildata and on the official-shaped messages (retours, deletions, 325s), every
shared table of the waiting times and of the trends equals the one from a full read.
"""

from __future__ import annotations

from pathlib import Path

import official
import pandas as pd
import pytest

import kit.checks
from kit.checks import ANALYSIS_COLUMNS, prepare_scan
from kit.config import package_path
from kit.privacy import Pseudonymiser
from kit.sources import iter_sources
from kit.store import columns_of, ingest
from kit.trends import compute_trends
from kit.trends import shared_tables as trend_tables
from kit.waits import load_definitions, waits_from_data, waits_from_store
from kit.waits import shared_tables as wait_tables


@pytest.fixture(scope="module")
def official_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("officieel")
    official.write_all(folder / "berichten")
    store = folder / "store"
    ingest(iter_sources([folder / "berichten"]), store, pseudonymise=Pseudonymiser(b"k" * 32))
    return store


def _results(
    store: Path, peildatum: str, columns: dict | None, definitions: object = None
) -> dict[str, pd.DataFrame]:
    data = prepare_scan(store, peildatum=peildatum, columns=columns)
    waits = wait_tables(waits_from_data(data, peildatum=peildatum, definitions=definitions))
    out = {f"wachttijden/{k}": t.frame for k, t in waits.items()}
    try:
        trends = trend_tables(compute_trends(data))
    except kit.trends.NoTrendsError as exc:
        return {**out, "trends": pd.DataFrame({"fout": [str(exc)]})}
    return {**out, **{f"trends/{k}": t.frame for k, t in trends.items()}}


def _assert_same(store: Path, peildatum: str, definitions: object = None) -> None:
    narrow = _results(store, peildatum, ANALYSIS_COLUMNS, definitions)
    full = _results(store, peildatum, None, definitions)
    assert narrow.keys() == full.keys()
    for name in full:
        pd.testing.assert_frame_equal(narrow[name], full[name], obj=name)


@pytest.mark.parametrize("peildatum", ["2026-03-31", "2025-06-30", "2024-01-31"])
def test_example_region_narrow_equals_full(example_store, peildatum):
    _assert_same(example_store, peildatum)


@pytest.mark.parametrize("peildatum", ["2026-03-31", "2019-12-31"])
def test_official_messages_narrow_equals_full(official_store, peildatum):
    _assert_same(official_store, peildatum)


def test_the_narrow_read_leaves_columns_out(example_store):
    data = prepare_scan(example_store, peildatum="2026-03-31", columns=ANALYSIS_COLUMNS)
    assert set(data.tables["berichten"]) == {*ANALYSIS_COLUMNS["berichten"]}
    assert len(data.tables["berichten"].columns) < len(columns_of("berichten"))
    assert "bron" not in data.tables["toewijzingen"]
    assert "declaraties" not in data.tables


def test_a_full_scan_does_not_read_the_file_name_of_each_record(example_store):
    data = prepare_scan(example_store, peildatum="2026-03-31")
    assert "bron" not in data.tables["berichten"] and "bron" in data.tables["bestanden"]


class TestWhichReadTheWaitingTimesUse:
    @pytest.fixture
    def spied(self, monkeypatch) -> list:
        calls = []
        real = kit.checks.prepare_scan

        def spy(store, **kwargs):
            calls.append(kwargs.get("columns"))
            return real(store, **kwargs)

        monkeypatch.setattr(kit.checks, "prepare_scan", spy)
        return calls

    def test_shipped_definitions_read_narrow(self, example_store, spied):
        waits_from_store(example_store, peildatum="2026-03-31")
        assert spied == [ANALYSIS_COLUMNS]

    @staticmethod
    def own_sensitivity(folder: Path, checks: str) -> object:
        text = package_path("waiting_times.yaml").read_text("utf-8")
        own = text.replace("controles: [start_automatisch]", f"controles: [{checks}]")
        assert own != text
        path = folder / "definities.yaml"
        path.write_text(own, encoding="utf-8")
        return load_definitions(path)

    def test_a_sensitivity_with_both_start_checks_reads_narrow_and_equals_full(
        self, example_store, spied, tmp_path
    ):
        definitions = self.own_sensitivity(tmp_path, "start_automatisch, start_te_laat")
        waits_from_store(example_store, peildatum="2026-03-31", definitions=definitions)
        assert spied == [ANALYSIS_COLUMNS]
        _assert_same(example_store, "2026-03-31", definitions)

    def test_a_sensitivity_naming_another_check_reads_everything(
        self, example_store, spied, tmp_path
    ):
        definitions = self.own_sensitivity(tmp_path, "declaratie_voor_start")
        result = waits_from_store(example_store, peildatum="2026-03-31", definitions=definitions)
        assert spied == [None]
        assert len(result.summary)  # ran: the check found every column it reads


def test_the_columns_are_store_columns():
    for table, cols in ANALYSIS_COLUMNS.items():
        assert set(cols) <= set(columns_of(table)), table
        assert len(set(cols)) == len(cols), table
