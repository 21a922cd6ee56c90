"""Tests for the 307 checks (kit/checks/stops.py): cases that trigger, cases that do not."""

from __future__ import annotations

import pandas as pd
from builders import failing, regie, retourcode, run, scan, toewijzing


class TestStopZonderStart:
    def test_stop_needs_a_start_with_the_same_key(self):
        stop = {"eind": "2024-03-01", "reden": "31", "dag": "2024-03-05"}
        data = scan(
            toewijzingen=[toewijzing(n) for n in ("100", "101", "102", "103", "104")],
            starts=[
                regie("305", "100"),
                regie("305", "101"),  # Begindatum 2024-01-16
                # sent after the stop (a clock a few days off): the start exists
                regie("305", "102", dag="2024-03-10"),
                regie("305", "103"),
                regie("305", "103", status="3", dag="2024-02-01"),  # deleted before the stop
                regie("305", "104", ident="REJ"),  # rejected by its retour (OP286)
            ],
            stops=[
                regie("307", "100", bericht_id="ok", **stop),
                regie("307", "101", begin="2024-01-17", bericht_id="otherkey", **stop),
                regie("307", "102", bericht_id="early", **stop),
                regie("307", "103", bericht_id="deleted", **stop),
                regie("307", "104", bericht_id="rejected", **stop),
                regie("307", "100", status="3", bericht_id="del", **stop | {"dag": "2024-03-06"}),
            ],
            retourcodes=[retourcode("9019", heen="305", niveau="Header", ident="REJ")],
        )
        result = run("stop_zonder_start", data, {})
        assert failing(result) == ["deleted:0", "otherkey:0", "rejected:0"]
        assert len(result) == 5  # the StatusAanlevering 3 row is not checked

    def test_a_corrected_or_future_dated_start_is_no_missing_start(self):
        stop = {"eind": "2024-03-01", "reden": "31", "dag": "2024-03-05"}
        data = scan(
            peildatum="2024-06-30",
            toewijzingen=[toewijzing(n) for n in ("100", "101", "102")],
            starts=[
                # corrected: deleted, then delivered again after the stop
                regie("305", "100", dag="2024-01-20"),
                regie("305", "100", status="3", dag="2024-02-01"),
                regie("305", "100", dag="2024-03-20"),
                # its Dagtekening typed as 2042: left out of the scan, but the start exists
                regie("305", "101", dag="2042-01-20"),
                # deleted and never delivered again: no start
                regie("305", "102", dag="2024-01-20"),
                regie("305", "102", status="3", dag="2024-02-01"),
            ],
            stops=[
                regie("307", "100", bericht_id="corrected", **stop),
                regie("307", "101", bericht_id="future", **stop),
                regie("307", "102", bericht_id="gone", **stop),
            ],
        )
        result = run("stop_zonder_start", data, {})
        assert failing(result) == ["gone:0"]

    def test_a_rejected_307_is_not_judged(self):
        # a 307 without any 305, rejected by its 308: never sent (OP286), no stop without start
        stop = {"eind": "2024-03-01", "reden": "31", "dag": "2024-03-05"}
        data = scan(
            toewijzingen=[toewijzing("100"), toewijzing("101")],
            starts=[regie("305", "100")],
            stops=[
                regie("307", "100", bericht_id="ok", **stop),
                regie("307", "101", ident="R1", bericht_id="rejected", **stop),
                regie("307", "101", ident="S2", bericht_id="orphan", **stop),
            ],
            retourcodes=[retourcode("9019", heen="307", niveau="Header", ident="R1")],
        )
        result = run("stop_zonder_start", data, {})
        assert sorted(result["record"]) == ["ok:0", "orphan:0"]
        assert failing(result) == ["orphan:0"]

    def test_no_stops_is_not_assessable(self):
        assert run("stop_zonder_start", scan(starts=[regie("305")]), {}) is None


class TestStopDatumlogica:
    PARAMS = {"max_werkdagen": 5}

    def test_dates_and_lateness(self):
        data = scan(
            toewijzingen=[toewijzing(n) for n in ("100", "101", "102", "104", "105")]
            + [toewijzing("103", eind="2024-03-31")],
            stops=[
                # Mon 2024-03-04 -> Mon 2024-03-11: 5 working days, on time
                regie(
                    "307", "100", eind="2024-03-04", reden="31", dag="2024-03-11", bericht_id="ok"
                ),
                # -> Tue 2024-03-12: 6 working days, late
                regie(
                    "307", "101", eind="2024-03-04", reden="31", dag="2024-03-12", bericht_id="late"
                ),
                # Einddatum before Begindatum 2024-01-16 (TR018)
                regie(
                    "307", "102", eind="2024-01-10", reden="31", dag="2024-01-12", bericht_id="rev"
                ),
                # Einddatum after the 301 Einddatum 2024-03-31
                regie(
                    "307",
                    "103",
                    eind="2024-04-05",
                    reden="31",
                    dag="2024-04-08",
                    bericht_id="beyond",
                ),
                # a temporary stop, then a definitive one: neither judged on lateness
                regie(
                    "307", "104", eind="2024-03-04", reden="20", dag="2024-03-20", bericht_id="temp"
                ),
                regie(
                    "307", "104", eind="2024-05-01", reden="31", dag="2024-06-03", bericht_id="def"
                ),
                # Wed 2024-05-08 -> Thu 2024-05-16 is 5 working days because Thu 2024-05-09 is
                # Ascension Day (counting weekdays only it would be 6)
                regie(
                    "307", "105", eind="2024-05-08", reden="31", dag="2024-05-16", bericht_id="hol"
                ),
            ],
        )
        result = run("stop_datumlogica", data, self.PARAMS)
        assert failing(result) == ["beyond:0", "late:0", "rev:0"]
        assert len(result) == 7

    def test_a_rejected_307_is_not_judged(self):
        # Einddatum before Begindatum (TR018) and sent late, rejected by its 308 and sent again
        data = scan(
            toewijzingen=[toewijzing("100")],
            stops=[
                regie("307", "100", ident="R1", eind="2024-01-10", reden="31", dag="2024-03-12")
                | {"bericht_id": "rejected"},
                regie("307", "100", ident="S2", eind="2024-03-04", reden="31", dag="2024-03-11")
                | {"bericht_id": "resent"},
            ],
            retourcodes=[retourcode("9019", heen="307", niveau="Header", ident="R1")],
        )
        result = run("stop_datumlogica", data, self.PARAMS)
        assert sorted(result["record"]) == ["resent:0"]
        assert failing(result) == []

    def test_no_stops_is_not_assessable(self):
        assert run("stop_datumlogica", scan(toewijzingen=[toewijzing()]), self.PARAMS) is None


class TestTijdelijkeStopOpen:
    PARAMS = {"max_dagen": 90}

    def test_open_repeated_and_overtaken_temporary_stops(self):
        # Temporary stops end 2024-03-01: deadline 2024-03-01 + 90 days = 2024-05-30, unless the
        # toewijzing ends earlier (105: Fri 2024-04-12 + 5 working days = Fri 2024-04-19).
        temp = {"eind": "2024-03-01", "reden": "20", "dag": "2024-03-04"}
        data = scan(
            peildatum="2024-12-31",
            toewijzingen=[toewijzing(n) for n in ("100", "101", "102", "103", "104", "106", "107")]
            + [toewijzing("105", eind="2024-04-12")],
            starts=[
                regie("305", n) for n in ("100", "101", "102", "103", "104", "105", "106", "107")
            ]
            + [regie("305", "102", begin="2024-04-01", dag="2024-04-03")],  # restart
            stops=[
                regie("307", "100", bericht_id="open", **temp),
                regie("307", "101", bericht_id="closed", **temp),
                regie("307", "101", eind="2024-04-15", reden="31", dag="2024-04-16"),
                regie("307", "102", bericht_id="restarted", **temp),
                regie("307", "103", bericht_id="closedlate", **temp),
                regie("307", "103", eind="2024-05-20", reden="31", dag="2024-06-10"),
                # deadline 2024-11-01 + 90 days lies after the peildatum: not judged yet
                regie(
                    "307", "104", eind="2024-11-01", reden="20", dag="2024-11-04", bericht_id="new"
                ),
                regie("307", "105", bericht_id="ended", **temp),
                regie("307", "105", eind="2024-04-12", reden="31", dag="2024-05-01"),
                # 106: a second temporary stop of the same start (TR413)
                regie("307", "106", bericht_id="temp1", **temp),
                regie(
                    "307",
                    "106",
                    eind="2024-04-01",
                    reden="20",
                    dag="2024-04-02",
                    bericht_id="temp2",
                ),
                regie("307", "106", eind="2024-05-01", reden="31", dag="2024-05-02"),
                # 107: the definitive stop ends before the temporary one (TR414)
                regie(
                    "307", "107", eind="2024-03-15", reden="20", dag="2024-03-18", bericht_id="over"
                ),
                regie("307", "107", eind="2024-03-10", reden="31", dag="2024-03-20"),
            ],
        )
        result = run("tijdelijke_stop_open", data, self.PARAMS)
        assert failing(result) == ["closedlate:0", "ended:0", "open:0", "over:0", "temp2:0"]
        assert sorted(result["record"]) == [
            "closed:0",
            "closedlate:0",
            "ended:0",
            "open:0",
            "over:0",
            "restarted:0",
            "temp1:0",
            "temp2:0",
        ]
        deadline = result.set_index("record")["datum"]
        assert deadline["open:0"] == pd.Timestamp("2024-05-30")
        assert deadline["ended:0"] == pd.Timestamp("2024-04-19")

    def test_no_temporary_stops_is_not_assessable(self):
        data = scan(stops=[regie("307", eind="2024-03-01", reden="31")])
        assert run("tijdelijke_stop_open", data, self.PARAMS) is None


class TestStopredenMismatch:
    def test_later_301_change_must_carry_the_matching_reason(self):
        stop = {"eind": "2024-03-01", "dag": "2024-03-05"}
        later = {"ident": "T2", "eind": "2024-03-01", "dag": "2024-03-11"}
        data = scan(
            toewijzingen=[toewijzing(n) for n in ("100", "101", "102", "103", "104")]
            + [
                toewijzing("100", datum="2024-03-06", reden="09", **later),
                toewijzing("101", datum="2024-03-10", reden="14", **later),
                # 102: changed before the stop: the stop is not checked
                toewijzing("102", ident="T2", datum="2024-02-01", reden="02", eind="2024-03-01"),
                toewijzing("103", datum="2024-03-06", reden="09", **later),
                toewijzing("104", datum="2024-03-05", reden="02", **later),  # same day
            ],
            stops=[
                regie("307", "100", reden="38", bericht_id="match", **stop),
                regie("307", "101", reden="39", bericht_id="mismatch", **stop),
                regie("307", "102", reden="38", bericht_id="before", **stop),
                regie("307", "103", reden="31", bericht_id="plan", **stop),  # 31 has no pair
                regie("307", "104", reden="02", bericht_id="death", **stop),
            ],
        )
        result = run("stopreden_mismatch", data, {})
        assert failing(result) == ["mismatch:0"]
        assert sorted(result["record"]) == ["death:0", "match:0", "mismatch:0"]

    def test_not_assessable_without_such_stops(self):
        data = scan(
            toewijzingen=[toewijzing()],
            stops=[regie("307", eind="2024-03-01", reden="31")],
        )
        assert run("stopreden_mismatch", data, {}) is None
