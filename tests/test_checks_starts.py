"""Tests for the 305 checks (kit/checks/starts.py): one case that triggers, one that does not."""

from __future__ import annotations

import pandas as pd
from builders import GEM2, failing, regie, retourcode, run, scan, toewijzing

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
        result = run("start_te_laat", data, PARAMS)
        assert len(result) == 2
        assert failing(result) == ["late:0"]

    def test_public_holiday_is_not_a_working_day(self):
        # Begindatum Fri 2024-12-20 -> Mon 2024-12-30: 4 working days (23, 24, 27, 30) because
        # 25 and 26 December are holidays; counting weekdays only it would be 6 (late).
        data = scan(
            toewijzingen=[toewijzing(ingang="2024-12-20")],
            starts=[regie("305", begin="2024-12-20", dag="2024-12-30")],
        )
        assert failing(run("start_te_laat", data, PARAMS)) == []

    def test_retroactive_toewijzing_counts_from_the_301(self):
        # care began 2024-01-02, 301 sent 2024-02-01: 305 on 2024-02-06 is 3 wd after the 301.
        data = scan(
            toewijzingen=[toewijzing(dag="2024-02-01", datum="2024-02-01", ingang="2024-01-02")],
            starts=[regie("305", begin="2024-01-02", dag="2024-02-06")],
        )
        assert failing(run("start_te_laat", data, PARAMS)) == []

    def test_a_corrected_305_is_judged_by_its_successor(self):
        # a wrong Begindatum (10 working days before the message), deleted the next day and sent
        # again with the right Begindatum: the deleted delivery is not a late start
        data = scan(
            toewijzingen=[toewijzing("100")],
            starts=[
                regie("305", "100", begin="2024-01-16", dag="2024-02-01", bericht_id="wrong"),
                regie("305", "100", begin="2024-01-16", dag="2024-02-02", status="3"),
                regie("305", "100", begin="2024-01-30", dag="2024-02-05", bericht_id="right"),
            ],
        )
        result = run("start_te_laat", data, PARAMS)
        assert sorted(result["record"]) == ["right:0"]
        assert failing(result) == []

    def test_no_starts_is_not_assessable(self):
        assert run("start_te_laat", scan(toewijzingen=[toewijzing()]), PARAMS) is None


class TestStartAutomatisch:
    PARAMS = {"max_werkdagen_na_301": 1, "verwacht_categorieen": ["47", "48"]}

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
        result = run("start_automatisch", data, self.PARAMS)
        assert failing(result) == ["auto:0"]  # GI (48) is the agreed practice, not a finding
        assert len(result) == 3

    def test_a_rejected_305_counts_as_never_sent(self):
        data = scan(
            toewijzingen=[toewijzing("100", dag="2024-01-05")],
            starts=[
                regie("305", "100", ident="R1", dag="2024-01-06", begin="2024-01-15")
                | {"bericht_id": "rejected"},
                regie("305", "100", ident="S2", dag="2024-01-22", begin="2024-01-18")
                | {"bericht_id": "real"},
            ],
            retourcodes=[retourcode("9019", heen="305", niveau="Header", ident="R1")],
        )
        result = run("start_automatisch", data, self.PARAMS)
        assert sorted(result["record"]) == ["real:0"]
        assert failing(result) == []


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
        result = run("toewijzing_zonder_start", data, {"dagen": 30})
        assert failing(result) == ["nostart:0"]
        assert sorted(result["record"]) == ["nostart:0", "started:0"]

    def test_a_305_dated_after_the_peildatum_still_reports_the_start(self):
        data = scan(
            peildatum="2024-03-31",
            toewijzingen=[
                toewijzing("100", ingang="2024-01-15", bericht_id="typo"),
                toewijzing("101", ingang="2024-01-15", bericht_id="none"),
            ],
            # sent on 2024-01-20, but its Dagtekening was typed as 2034-01-20
            starts=[regie("305", "100", begin="2024-01-16", dag="2034-01-20")],
        )
        result = run("toewijzing_zonder_start", data, {"dagen": 30})
        assert failing(result) == ["none:0"]

    def test_a_late_305_is_a_late_start_not_a_toewijzing_without_start(self):
        # deadline: 2024-01-15 + 5 working days (2024-01-22) + 30 days = 2024-02-21
        data = scan(
            peildatum="2024-03-31",
            toewijzingen=[
                toewijzing("100", ingang="2024-01-15", bericht_id="latemsg"),
                toewijzing("101", ingang="2024-01-15", bericht_id="latecare"),
                toewijzing("102", ingang="2024-01-15", bericht_id="deadlineday"),
            ],
            starts=[
                # care began on 2024-01-16, the 305 came only on 2024-03-10: passes here
                regie("305", "100", begin="2024-01-16", dag="2024-03-10"),
                # care began only after the deadline: not started in time
                regie("305", "101", begin="2024-03-01", dag="2024-03-04"),
                regie("305", "102", begin="2024-02-21", dag="2024-03-20"),
            ],
        )
        result = run("toewijzing_zonder_start", data, {"dagen": 30})
        assert failing(result) == ["latecare:0"]
        assert len(result) == 3
        late = run("start_te_laat", data, {"max_werkdagen": 5})
        assert failing(late) == ["b0:0", "b2:0"]  # the late 305s are that check's finding


class TestStartBuitenToewijzing:
    def test_start_before_ingang_or_after_eind_fails(self):
        # toewijzingen run 2024-01-15 .. 2024-12-31, except 105 which ends 2024-03-31.
        data = scan(
            toewijzingen=[
                toewijzing("100"),
                toewijzing("101"),
                toewijzing("102"),
                toewijzing("103"),
                toewijzing("105", eind="2024-03-31"),
            ],
            starts=[
                regie("305", "100", begin="2024-01-16", bericht_id="inside"),
                regie("305", "101", begin="2024-01-10", bericht_id="before"),
                regie("305", "102", begin="2024-12-31", dag="2024-12-31", bericht_id="lastday"),
                regie("305", "103", begin="2024-01-15", bericht_id="firstday"),
                regie("305", "105", begin="2024-04-01", dag="2024-04-02", bericht_id="after"),
                regie("305", "999", begin="2023-01-01", bericht_id="orphan"),  # no 301: not judged
            ],
        )
        result = run("start_buiten_toewijzing", data, {})
        assert failing(result) == ["after:0", "before:0"]
        assert len(result) == 5

    def test_a_rejected_305_counts_as_never_sent(self):
        # 101's first 305 (Begindatum before the Ingangsdatum) was rejected by its 306 and sent
        # again with the right date; 102's 305 was rejected on its StartProduct only (the code
        # names its ToewijzingNummer), the other product of the same message stands.
        data = scan(
            toewijzingen=[toewijzing("101"), toewijzing("102"), toewijzing("103")],
            starts=[
                regie("305", "101", ident="R1", begin="2024-01-10", bericht_id="rejected"),
                regie("305", "101", ident="S2", begin="2024-01-16", bericht_id="resent"),
                regie("305", "102", ident="R2", begin="2024-01-10", bericht_id="m", regel=0),
                regie("305", "103", ident="R2", begin="2024-01-10", bericht_id="m", regel=1),
            ],
            retourcodes=[
                retourcode("9019", heen="305", niveau="Header", ident="R1"),
                retourcode(
                    "9019", heen="305", niveau="StartProduct", ident="R2", ToewijzingNummer="102"
                ),
            ],
        )
        result = run("start_buiten_toewijzing", data, {})
        assert sorted(result["record"]) == ["m:1", "resent:0"]
        assert failing(result) == ["m:1"]

    def test_not_assessable_without_linked_starts(self):
        assert run("start_buiten_toewijzing", scan(toewijzingen=[toewijzing()]), {}) is None
        orphans_only = scan(toewijzingen=[toewijzing("100")], starts=[regie("305", "999")])
        assert run("start_buiten_toewijzing", orphans_only, {}) is None


class TestStartIngangsdatumAfwijkend:
    def test_compares_with_the_current_301_version(self):
        data = scan(
            toewijzingen=[
                toewijzing("100"),
                toewijzing("101"),
                # 102: a later version (decided 2024-01-10) moved the Ingangsdatum to 2024-02-01
                toewijzing("102"),
                toewijzing("102", ident="T2", datum="2024-01-10", ingang="2024-02-01"),
                toewijzing("103"),
            ],
            starts=[
                regie("305", "100", ToewijzingIngangsdatum="2024-01-15", bericht_id="same"),
                regie("305", "101", ToewijzingIngangsdatum="2024-01-01", bericht_id="other"),
                regie("305", "102", begin="2024-02-02", dag="2024-02-05", bericht_id="old")
                | {"ToewijzingIngangsdatum": "2024-01-15"},
                regie("305", "103", bericht_id="empty"),  # no ToewijzingIngangsdatum: not judged
            ],
        )
        result = run("start_ingangsdatum_afwijkend", data, {})
        assert failing(result) == ["old:0", "other:0"]
        assert len(result) == 3

    def test_a_rejected_305_counts_as_never_sent(self):
        data = scan(
            toewijzingen=[toewijzing("100"), toewijzing("101")],
            starts=[
                regie("305", "100", ident="R1", ToewijzingIngangsdatum="2024-01-01")
                | {"bericht_id": "rejected"},
                regie("305", "100", ident="S2", ToewijzingIngangsdatum="2024-01-15")
                | {"bericht_id": "resent"},
                regie("305", "101", ident="S3", ToewijzingIngangsdatum="2024-01-01")
                | {"bericht_id": "wrong"},
            ],
            retourcodes=[retourcode("9019", heen="305", niveau="Header", ident="R1")],
        )
        result = run("start_ingangsdatum_afwijkend", data, {})
        assert sorted(result["record"]) == ["resent:0", "wrong:0"]
        assert failing(result) == ["wrong:0"]

    def test_not_assessable_without_starts(self):
        assert run("start_ingangsdatum_afwijkend", scan(), {}) is None


class TestStartProductAfwijkend:
    def test_specific_aspecific_and_generic(self):
        data = scan(
            toewijzingen=[
                toewijzing("100"),  # specific 45 / 45A48
                toewijzing("101"),
                toewijzing("102", code=None),  # aspecific: category 45 only
                toewijzing("103", code=None),
                toewijzing("104", cat=None, code=None, Budget=100000),  # generic
                toewijzing("105", cat=None, code=None, Budget=100000),
            ],
            starts=[
                regie("305", "100", bericht_id="spec_ok"),
                regie("305", "101", code="45A49", bericht_id="spec_code"),
                regie("305", "102", code=None, bericht_id="asp_ok"),
                regie("305", "103", bericht_id="asp_code"),  # a code where the 301 has none
                regie("305", "104", cat=None, code=None, bericht_id="gen_ok"),
                regie("305", "105", code=None, bericht_id="gen_cat"),
            ],
        )
        result = run("start_product_afwijkend", data, {})
        assert failing(result) == ["asp_code:0", "gen_cat:0", "spec_code:0"]
        assert len(result) == 6

    def test_a_rejected_305_counts_as_never_sent(self):
        data = scan(
            toewijzingen=[toewijzing("100")],
            starts=[
                regie("305", "100", ident="R1", code="45A49", bericht_id="rejected"),
                regie("305", "100", ident="S2", bericht_id="resent"),
            ],
            retourcodes=[retourcode("9019", heen="305", niveau="Header", ident="R1")],
        )
        result = run("start_product_afwijkend", data, {})
        assert sorted(result["record"]) == ["resent:0"]
        assert failing(result) == []

    def test_not_assessable_without_starts(self):
        assert run("start_product_afwijkend", scan(toewijzingen=[toewijzing()]), {}) is None


class TestStartWeesOfDubbel:
    def test_orphans_doubles_status_and_deletions(self):
        stop = {"eind": "2024-02-05", "reden": "31"}
        data = scan(
            toewijzingen=[toewijzing(n) for n in ("100", "101", "102", "103", "104", "105", "106")],
            starts=[
                regie("305", "999", bericht_id="orphan"),
                # 100 exists in GEM only: ToewijzingNummer is unique per gemeente (TR332)
                regie("305", "100", gemeente=GEM2, bericht_id="othergem"),
                regie("305", None, bericht_id="taakgericht"),  # no number: not judged
                regie("305", "100", bericht_id="ok"),
                regie("305", "100", status="2", begin="2024-02-01", bericht_id="status2"),
                regie("305", "101", status="3", bericht_id="delalone"),
                regie("305", "102", dag="2024-01-20", bericht_id="d102a"),
                regie("305", "102", status="3", dag="2024-01-25", bericht_id="d102b"),
                regie("305", "103", dag="2024-01-20", bericht_id="s103"),
                regie("305", "103", status="3", dag="2024-02-15", bericht_id="del103"),
                regie("305", "104", dag="2024-01-20", bericht_id="s104"),
                regie("305", "104", status="3", dag="2024-02-15", bericht_id="del104"),
                regie("305", "105", bericht_id="first105"),
                regie("305", "105", begin="2024-03-01", dag="2024-03-05", bericht_id="second105"),
                regie("305", "106", bericht_id="first106"),
                regie("305", "106", begin="2024-03-01", dag="2024-03-05", bericht_id="second106"),
            ],
            stops=[
                # 103: a stop in force when the start is deleted (TR071)
                regie("307", "103", dag="2024-02-10", **stop),
                # 104: the stop was deleted before the start was: allowed
                regie("307", "104", dag="2024-02-10", **stop),
                regie("307", "104", dag="2024-02-12", status="3", **stop),
                # 106: the first start was stopped before the second began
                regie("307", "106", eind="2024-02-28", reden="31", dag="2024-03-01"),
            ],
        )
        result = run("start_wees_of_dubbel", data, {})
        assert failing(result) == [
            "del103:0",
            "delalone:0",
            "orphan:0",
            "othergem:0",
            "second105:0",
            "status2:0",
        ]
        assert len(result) == 16

    def test_rejected_delivery_is_not_an_earlier_delivery(self):
        # The 1 was rejected (a retour with 9019 on the header): the 3 deletes nothing (TR063).
        data = scan(
            toewijzingen=[toewijzing("100")],
            starts=[
                regie("305", "100", ident="S1", bericht_id="new"),
                regie("305", "100", ident="S2", status="3", dag="2024-01-25", bericht_id="del"),
            ],
            retourcodes=[retourcode("9019", heen="305", niveau="Header", ident="S1")],
        )
        result = run("start_wees_of_dubbel", data, {})
        assert failing(result) == ["del:0"]
        assert len(result) == 1  # the rejected 1 counts as never sent (OP286): not judged

    def test_a_rejected_305_is_not_judged(self):
        # An orphan (TR019), a second start (TR326) and a bad status (CS058), each in a 305 its
        # retour rejected: never sent (OP286), so not found again here (afgekeurd_in_data is).
        data = scan(
            toewijzingen=[toewijzing("100")],
            starts=[
                regie("305", "100", bericht_id="ok"),
                regie("305", "999", ident="R1", bericht_id="orphan"),
                regie("305", "100", ident="R2", begin="2024-02-01", bericht_id="second"),
                regie("305", "100", ident="R3", status="2", bericht_id="status2"),
            ],
            retourcodes=[
                retourcode("9019", heen="305", niveau="Header", ident=i) for i in ("R1", "R2", "R3")
            ],
        )
        result = run("start_wees_of_dubbel", data, {})
        assert sorted(result["record"]) == ["ok:0"]
        assert failing(result) == []

    def test_a_deletion_dated_after_the_peildatum_leaves_no_double_start(self):
        data = scan(
            peildatum="2024-06-30",
            toewijzingen=[toewijzing("100")],
            starts=[
                regie("305", "100", begin="2024-01-16", dag="2024-01-17", bericht_id="wrong"),
                regie("305", "100", begin="2024-01-16", status="3", dag="2034-01-18"),
                regie("305", "100", begin="2024-01-18", dag="2024-01-19", bericht_id="right"),
            ],
        )
        assert failing(run("start_wees_of_dubbel", data, {})) == []

    def test_a_future_dated_or_rejected_301_is_no_missing_301(self):
        data = scan(
            peildatum="2024-06-30",
            toewijzingen=[
                toewijzing("100"),
                # Dagtekening typed as 2042: out of the scan, but the gemeente issued the number
                toewijzing("101", dag="2042-01-05"),
                # rejected by the aanbieder's 302: the number exists all the same (TR019)
                toewijzing("102", ident="REJ"),
            ],
            starts=[
                regie("305", "100", bericht_id="ok"),
                regie("305", "101", bericht_id="future301"),
                regie("305", "102", bericht_id="rejected301"),
                regie("305", "103", bericht_id="orphan"),
            ],
            retourcodes=[retourcode("9019", heen="301", niveau="Header", ident="REJ")],
        )
        assert "101" not in set(data.pathways["ToewijzingNummer"])
        result = run("start_wees_of_dubbel", data, {})
        assert failing(result) == ["orphan:0"]

    def test_no_starts_is_not_assessable(self):
        assert run("start_wees_of_dubbel", scan(toewijzingen=[toewijzing()]), {}) is None


class TestStartZonderStop:
    PARAMS = {"max_werkdagen": 5}

    def test_a_307_dated_after_the_peildatum_is_no_missing_stop(self):
        stop = {"eind": "2024-03-01", "reden": "31"}
        data = scan(
            peildatum="2024-06-30",
            toewijzingen=[toewijzing(n, eind="2024-03-01") for n in ("100", "101")],
            starts=[
                regie("305", "100", bericht_id="typo"),
                regie("305", "101", bericht_id="none"),
            ],
            stops=[regie("307", "100", dag="2034-03-04", **stop)],  # typed as 2034
        )
        assert failing(run("start_zonder_stop", data, self.PARAMS)) == ["none:0"]

    def test_a_deletion_dated_after_the_peildatum_still_deletes(self):
        data = scan(
            peildatum="2024-06-30",
            toewijzingen=[toewijzing("100", eind="2024-03-01")],
            starts=[
                regie("305", "100", begin="2024-01-16", bericht_id="wrong"),
                regie("305", "100", begin="2024-01-16", status="3", dag="2034-01-22"),
                regie("305", "100", begin="2024-01-18", dag="2024-01-23", bericht_id="right"),
            ],
            stops=[regie("307", "100", begin="2024-01-18", eind="2024-03-01", reden="31")],
        )
        result = run("start_zonder_stop", data, self.PARAMS)
        assert failing(result) == []
        assert sorted(result["record"]) == ["right:0"]

    def test_ended_toewijzing_needs_a_stop(self):
        # Einddatum Fri 2024-05-31 + 5 working days = Fri 2024-06-07, before the peildatum.
        data = scan(
            peildatum="2024-07-01",
            toewijzingen=[
                toewijzing("100", eind="2024-05-31"),
                toewijzing("101", eind="2024-05-31"),
                toewijzing("102"),  # ends 2024-12-31: not due
                # 103: shortened to 2024-05-31 by a 301 sent Tue 2024-06-25: due Tue 2024-07-02
                toewijzing("103"),
                toewijzing("103", ident="T2", dag="2024-06-25", datum="2024-06-24")
                | {"Einddatum": "2024-05-31", "RedenWijziging": "05"},
                # 104: withdrawn (13) by a 301 of Fri 2024-03-01: due Fri 2024-03-08
                toewijzing("104"),
                toewijzing("104", ident="T2", dag="2024-03-01", datum="2024-03-01")
                | {"Einddatum": "2024-01-15", "RedenWijziging": "13"},
                toewijzing("105", eind="2024-05-31"),
            ],
            starts=[
                regie("305", "100", bericht_id="open"),
                regie("305", "101", bericht_id="stopped"),
                regie("305", "102", bericht_id="running"),
                regie("305", "103", bericht_id="shortened"),
                regie("305", "104", bericht_id="withdrawn"),
                regie("305", "105", bericht_id="deleted"),
                regie("305", "105", status="3", dag="2024-01-25", bericht_id="deleted2"),
            ],
            stops=[regie("307", "101", eind="2024-05-31", reden="31", dag="2024-06-03")],
        )
        result = run("start_zonder_stop", data, self.PARAMS)
        assert failing(result) == ["open:0", "withdrawn:0"]
        assert sorted(result["record"]) == ["open:0", "stopped:0", "withdrawn:0"]
        deadline = result.set_index("record")["datum"]
        assert deadline["open:0"] == pd.Timestamp("2024-06-07")
        assert deadline["withdrawn:0"] == pd.Timestamp("2024-03-08")

    def test_no_starts_is_not_assessable(self):
        assert run("start_zonder_stop", scan(toewijzingen=[toewijzing()]), self.PARAMS) is None
