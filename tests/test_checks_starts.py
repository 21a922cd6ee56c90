"""Tests for the 305 checks (kit/checks/starts.py): one case that triggers, one that does not."""

from __future__ import annotations

from builders import failing, regie, scan, toewijzing

from kit.checks.base import REGISTRY

PARAMS = {"max_werkdagen": 5}


class TestStartTeLaat:
    def test_late_305_fails_and_timely_passes(self):
        # 2024-01-16 (Tue) -> 2024-01-23 is 5 working days: on time; -> 2024-01-24 is 6: late.
        data = scan(
            toewijzingen=[toewijzing("100"), toewijzing("101")],
            starts=[
                regie("305", "100", dag="2024-01-23", bericht_id="ok"),
                regie("305", "101", dag="2024-01-24", bericht_id="late"),
            ],
        )
        result = REGISTRY["start_te_laat"](data, PARAMS)
        assert len(result) == 2
        assert failing(result) == ["late:0"]

    def test_public_holiday_is_not_a_working_day(self):
        # Begindatum Fri 2024-12-20 -> Mon 2024-12-30: 4 working days (23, 24, 27, 30) because
        # 25 and 26 December are holidays; counting weekdays only it would be 6 (late).
        data = scan(
            toewijzingen=[toewijzing(ingang="2024-12-20")],
            starts=[regie("305", begin="2024-12-20", dag="2024-12-30")],
        )
        assert failing(REGISTRY["start_te_laat"](data, PARAMS)) == []

    def test_retroactive_toewijzing_counts_from_the_301(self):
        # care began 2024-01-02, 301 sent 2024-02-01: 305 on 2024-02-06 is 3 wd after the 301.
        data = scan(
            toewijzingen=[toewijzing(dag="2024-02-01", datum="2024-02-01", ingang="2024-01-02")],
            starts=[regie("305", begin="2024-01-02", dag="2024-02-06")],
        )
        assert failing(REGISTRY["start_te_laat"](data, PARAMS)) == []

    def test_no_starts_is_not_assessable(self):
        assert REGISTRY["start_te_laat"](scan(toewijzingen=[toewijzing()]), PARAMS) is None


class TestStartAutomatisch:
    PARAMS = {"max_dagen_na_301": 1, "verwacht_categorieen": ["47", "48"]}

    def test_305_next_day_with_begindatum_equal_to_ingangsdatum(self):
        data = scan(
            toewijzingen=[
                toewijzing("100", dag="2024-01-05"),
                toewijzing("101", dag="2024-01-05"),
                toewijzing("102", dag="2024-01-05", cat="48", code=None),
            ],
            starts=[
                regie("305", "100", dag="2024-01-06", begin="2024-01-15", bericht_id="auto"),
                regie("305", "101", dag="2024-01-22", begin="2024-01-15", bericht_id="real"),
                regie(
                    "305",
                    "102",
                    dag="2024-01-05",
                    begin="2024-01-15",
                    cat="48",
                    code=None,
                    bericht_id="gi",
                ),
            ],
        )
        result = REGISTRY["start_automatisch"](data, self.PARAMS)
        assert failing(result) == ["auto:0"]  # GI (48) is the agreed practice, not a finding
        assert len(result) == 3


class TestToewijzingZonderStart:
    def test_overdue_without_start_fails_started_and_not_yet_due_pass(self):
        data = scan(
            peildatum="2024-03-31",
            toewijzingen=[
                toewijzing("100", ingang="2024-01-15", bericht_id="nostart"),
                toewijzing("101", ingang="2024-01-15", bericht_id="started"),
                toewijzing("102", ingang="2024-03-20", bericht_id="notdue"),
                toewijzing("103", ingang="2024-01-15", datum="2024-01-04", bericht_id="gone"),
                toewijzing(
                    "103",
                    ingang="2024-01-15",
                    eind="2024-01-15",
                    reden="13",
                    datum="2024-01-10",
                    ident="T2",
                    bericht_id="gone2",
                ),
            ],
            starts=[regie("305", "101", dag="2024-01-20")],
        )
        result = REGISTRY["toewijzing_zonder_start"](data, {"dagen": 30})
        assert failing(result) == ["nostart:0"]
        assert sorted(result["record"]) == ["nostart:0", "started:0"]
