"""Trends: hand-built pathways and series with answers reasoned out by hand.

Each expected value is worked out in the comment above it, from the rows of the test; none is
copied from the kit's own output.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from kit import trends
from kit import waits as wt
from kit.pathways import PATHWAY_COLUMNS

PEIL = "2025-03-31"
DATES = [c for c in PATHWAY_COLUMNS if "datum" in c or c in ("ingangsdatum", "einddatum")]
DATES += ["eerste_productperiode", "laatste_productperiode"]


def pathways(*rows: dict) -> pd.DataFrame:
    """Pathway rows (as build_pathways returns them) from partial dicts; the rest missing."""
    base = {
        "gemeente": "9901",
        "aanbieder": "A",
        "categorie": "45",
        "ingetrokken": False,
        "einddatum": "2025-12-31",
    }
    full = []
    for i, row in enumerate(rows):
        r = base | {"pathway_id": f"p{i}", "client_id": f"c{i}"} | row
        if r.get("eerste_toewijzingsdatum"):
            r.setdefault("ToewijzingNummer", f"T{i}")
            r.setdefault("toewijzingsdatum", r["eerste_toewijzingsdatum"])
            r.setdefault("eerste_dagtekening", r["eerste_toewijzingsdatum"])
        else:
            r["einddatum"] = None
        if r.get("start_begindatum"):
            r.setdefault("start_dagtekening", r["start_begindatum"])
        if r.get("stop_einddatum"):
            r.setdefault("stop_dagtekening", r["stop_einddatum"])
        full.append(r)
    frame = pd.DataFrame(full).reindex(columns=PATHWAY_COLUMNS)
    for col in PATHWAY_COLUMNS:
        if col in DATES or col.endswith("dagtekening"):
            frame[col] = pd.to_datetime(frame[col])
        elif col == "ingetrokken":
            frame[col] = frame[col].astype("boolean")
        elif not col.startswith("n_"):
            frame[col] = frame[col].astype("string")
    return frame


# p0..p6 of the stock-flow example (peildatum 2025-03-31, all gemeente 9901 unless noted)
EXAMPLE = pathways(
    # p0: toegewezen 10 Jan, started 5 Feb -> on the list at the end of January
    {"eerste_toewijzingsdatum": "2025-01-10", "start_begindatum": "2025-02-05", "client_id": "c1"},
    # p1: toegewezen 20 Jan, withdrawn by a version of 3 Mar; same child as p0
    {
        "eerste_toewijzingsdatum": "2025-01-20",
        "toewijzingsdatum": "2025-03-03",
        "ingetrokken": True,
        "client_id": "c1",
    },
    # p2: toegewezen 1 Feb, Einddatum 28 Feb, never started -> off the list on 28 February
    # (the competing exit "Toewijzing afgelopen zonder start" of toewijzing_start)
    {"eerste_toewijzingsdatum": "2025-02-01", "einddatum": "2025-02-28"},
    # p3: toegewezen 10 Feb in gemeente 9902, still waiting on the peildatum
    {"eerste_toewijzingsdatum": "2025-02-10", "gemeente": "9902"},
    # p4: toegewezen 15 Mar with a start of 1 Mar (retroactive): never on a month-end list
    {"eerste_toewijzingsdatum": "2025-03-15", "start_begindatum": "2025-03-01"},
    # p5: toegewezen 5 Jan, a 307 (reden 35) ending 31 Jan without any 305
    {"eerste_toewijzingsdatum": "2025-01-05", "stop_einddatum": "2025-01-31", "stop_reden": "35"},
    # p6: a verzoek (315) of 3 Jan without a toewijzing
    {"vot_dagtekening": "2025-01-03"},
)


def value(series: pd.DataFrame, reeks: str, maand: str, eenheid: str = trends.REGIO) -> float:
    row = series[(series["reeks"] == reeks) & (series["maand"] == maand)]
    row = row[row["eenheid"] == eenheid]
    assert len(row) == 1, (reeks, maand, eenheid)
    return row["waarde"].iloc[0]


class TestWaitingSpells:
    def test_exit_date_and_reason_per_toewijzing(self):
        got = trends.waiting_spells(EXAMPLE, peildatum=PEIL)
        assert got["reden_uit"].tolist() == [
            "gestart",
            "ingetrokken",
            "verlopen",
            pd.NA,
            "gestart",
            "gestopt_zonder_start",
        ]
        # verlopen: on the Einddatum of 28 February, as toewijzing_start's competing exit
        assert (
            got["uit"].tolist()[:3]
            == pd.to_datetime(["2025-02-05", "2025-03-03", "2025-02-28"]).tolist()
        )

    def test_withdrawal_voiding_the_toewijzing_counts_on_its_decision_date(self):
        # the withdrawing version (13 Mar) sets Einddatum = Ingangsdatum (2 Jan): the child was
        # on the list until 13 March, not "lapsed" on 3 January
        p = pathways(
            {
                "eerste_toewijzingsdatum": "2025-01-02",
                "toewijzingsdatum": "2025-03-13",
                "einddatum": "2025-01-02",
                "ingetrokken": True,
            }
        )
        got = trends.waiting_spells(p, peildatum=PEIL).iloc[0]
        assert (got["uit"], got["reden_uit"]) == (pd.Timestamp("2025-03-13"), "ingetrokken")

    def test_the_list_follows_the_wait_definition_of_the_snapshot(self):
        p = pathways(
            # a GI toewijzing (categorie 47): not on the waiting list (toewijzing_start filter)
            {"eerste_toewijzingsdatum": "2025-01-06", "categorie": "47"},
            # declared from 1 Feb without a 305: in care, off the list as started
            {"eerste_toewijzingsdatum": "2025-01-06", "eerste_productperiode": "2025-02-01"},
            # turned 18 on 1 Mar (born Feb 2007) while waiting: off the list
            {"eerste_toewijzingsdatum": "2025-01-06", "geboortemaand": "2007-02"},
            # still waiting
            {"eerste_toewijzingsdatum": "2025-01-06"},
        )
        got = trends.waiting_spells(p, peildatum=PEIL)
        assert len(got) == 3
        assert got["reden_uit"].tolist() == ["gestart", "verlopen", pd.NA]
        assert got["uit"].tolist()[:2] == pd.to_datetime(["2025-02-01", "2025-03-01"]).tolist()
        ts = wt.load_definitions().get("toewijzing_start")
        now = wt.waiting_now(wt.measure_waits(p, ts, peildatum=PEIL))
        assert now["pathway_id"].tolist() == ["p3"]
        # a region's definition without stop_ontbreekt_als keeps the declared one waiting
        own = replace(ts, stop_missing_if=())
        assert trends.waiting_spells(p, peildatum=PEIL, definition=own)["uit"].isna().sum() == 2

    @pytest.mark.parametrize("dropped", ["beeindigd_zonder_start", "toewijzing_ingetrokken"])
    def test_the_list_takes_its_exits_from_the_definition_only(self, dropped):
        # p0 ended on 28 Feb without a start; p1 was withdrawn by a version of 3 Mar
        p = pathways(
            {"eerste_toewijzingsdatum": "2025-02-01", "einddatum": "2025-02-28"},
            {
                "eerste_toewijzingsdatum": "2025-02-01",
                "toewijzingsdatum": "2025-03-03",
                "ingetrokken": True,
            },
        )
        ts = wt.load_definitions().get("toewijzing_start")
        got = trends.waiting_spells(p, peildatum=PEIL)
        assert got["reden_uit"].tolist() == ["verlopen", "ingetrokken"]
        # a region's definition without that exit keeps the toewijzing on the list, in the
        # trends as in the snapshot of notebook 02 (no exit written into the trend code)
        own = replace(ts, exits=tuple(x for x in ts.exits if x.id != dropped))
        still = trends.waiting_spells(p, peildatum=PEIL, definition=own)["uit"].isna()
        now = wt.waiting_now(wt.measure_waits(p, own, peildatum=PEIL))["pathway_id"]
        assert [f"p{i}" for i in np.flatnonzero(still)] == now.tolist()
        assert len(now) == 1

    def test_exits_after_the_peildatum_have_not_happened(self):
        p = pathways({"eerste_toewijzingsdatum": "2025-03-01", "start_begindatum": "2025-04-02"})
        got = trends.waiting_spells(p, peildatum=PEIL)
        assert got["uit"].isna().all() and got["reden_uit"].isna().all()


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    return trends.monthly_series(EXAMPLE, peildatum=PEIL)


class TestMonthlySeries:
    def test_waiting_list_at_month_end(self, series):
        # end Jan: p0, p1 (p5 stopped on 31 Jan); end Feb: p1, p3 (p2 lapsed on 28 Feb);
        # end Mar: p3 only
        assert [value(series, "wachtlijst", m) for m in ("2025-01", "2025-02", "2025-03")] == [
            2,
            2,
            1,
        ]
        # p0 and p1 are one child
        assert value(series, "wachtlijst_kinderen", "2025-01") == 1
        assert value(series, "wachtlijst", "2025-02", "9902") == 1

    def test_flows(self, series):
        assert value(series, "verzoeken", "2025-01") == 1
        assert [value(series, "toewijzingen", m) for m in ("2025-01", "2025-02", "2025-03")] == [
            3,
            2,
            1,
        ]
        assert value(series, "starts", "2025-02") == 1 and value(series, "starts", "2025-03") == 1
        assert value(series, "wachtlijst_gestopt_zonder_start", "2025-01") == 1
        assert value(series, "wachtlijst_verlopen", "2025-02") == 1
        assert value(series, "wachtlijst_ingetrokken", "2025-03") == 1

    def test_in_care(self, series):
        # p0 from 5 Feb, p4 from 1 Mar; nobody stopped after starting
        assert [value(series, "in_zorg", m) for m in ("2025-01", "2025-02", "2025-03")] == [
            0,
            1,
            2,
        ]

    def test_completed_waits_and_cohort_medians(self, series):
        # waits follow toewijzing_start of kit/waiting_times.yaml: p5 (a stop without a start)
        # does not count; p4 (start before its toewijzing, negatieve_duur: nul) started on
        # day 0, on the day of its toewijzing in March
        # p0 waited 10 Jan -> 5 Feb = 26 days
        assert value(series, "wachttijd_gestart_mediaan", "2025-02") == 26
        assert value(series, "wachttijd_gestart_mediaan", "2025-03") == 0
        # January cohort: p0 (26 days, started), p1 (withdrawn after 42 days: censored):
        # S(26) = 1/2 -> median 26
        assert value(series, "wachttijd_cohort_mediaan", "2025-01") == 26
        # February cohort: p2 (lapsed after 27 days) and p3 (still waiting): no start yet
        assert np.isinf(value(series, "wachttijd_cohort_mediaan", "2025-02"))


class TestWaitDurations:
    def test_fallback_durations_from_the_waiting_list(self):
        got = trends.wait_durations(trends.waiting_spells(EXAMPLE, peildatum=PEIL), peildatum=PEIL)
        # p0 26 days started; p1 42 censored; p2 27 (lapsed 28 Feb); p3 49 (10 Feb -> 31 Mar);
        # p4 started before its toewijzing: 0; p5 stopped after 26 days
        assert got["duur"].tolist() == [26, 42, 27, 49, 0, 26]
        assert got["gestart"].tolist() == [True, False, False, False, True, False]


class TestStockFlow:
    def test_identity_and_gap(self):
        series = trends.monthly_series(EXAMPLE, peildatum=PEIL)
        got = trends.stock_flow(series).set_index("maand")
        # Feb: 2 + 2 in - 1 started - 0 withdrawn = 3, list 2 -> p2 lapsed without start or
        # withdrawal
        assert got.loc["2025-02", ["verwacht", "wachtlijst_eind", "verschil"]].tolist() == [3, 2, 1]
        # Mar: 2 + 1 - 1 (p4) - 1 (p1) = 1 = list -> no gap
        assert got.loc["2025-03", ["verwacht", "wachtlijst_eind", "verschil"]].tolist() == [1, 1, 0]
        assert np.isnan(got.loc["2025-01", "verschil"])
        # the gap equals the exits that are neither start nor withdrawal, month by month
        other = series[
            series["reeks"].isin(["wachtlijst_verlopen", "wachtlijst_gestopt_zonder_start"])
            & (series["niveau"] == "regio")
        ]
        other = other.groupby("maand")["waarde"].sum()
        assert got["verschil"].dropna().tolist() == other.loc[["2025-02", "2025-03"]].tolist()

    def test_provisional_months_are_marked(self):
        series = trends.monthly_series(EXAMPLE, peildatum=PEIL)
        assert "voorlopig" not in trends.stock_flow(series)  # not flagged yet: no column
        # only the 305 is incomplete in March: the list (301/305/307) is provisional there
        v = pd.DataFrame(
            {
                "bericht": ["301", "305", "305", "307"],
                "maand": ["2025-03", "2025-02", "2025-03", "2025-03"],
                "volledigheid": [1.0, 1.0, 0.8, 1.0],
            }
        )
        flagged = trends.flag_provisional(series, v, threshold=0.95)
        got = trends.stock_flow(flagged).set_index("maand")["voorlopig"]
        assert got.to_dict() == {"2025-01": False, "2025-02": False, "2025-03": True}


class TestCompleteness:
    @staticmethod
    def lags(lag_days: list[int]) -> pd.DataFrame:
        days = pd.date_range("2023-06-01", PEIL, freq="D")
        frames = [
            pd.DataFrame(
                {"bericht": "305", "datum": days, "dagtekening": days + pd.Timedelta(days=lag)}
            )
            for lag in lag_days
        ]
        out = pd.concat(frames, ignore_index=True)
        return out[out["dagtekening"] <= pd.Timestamp(PEIL)]  # what has arrived by the peildatum

    def test_every_message_ten_days_late(self):
        got = trends.completeness(
            self.lags([10]), peildatum=PEIL, months=["2025-01", "2025-02", "2025-03"]
        ).set_index("maand")["volledigheid"]
        # March: days up to the 21st are at least 10 days old -> 21 of 31 complete
        assert got["2025-03"] == pytest.approx(21 / 31)
        assert got["2025-02"] == 1.0 and got["2025-01"] == 1.0

    def test_half_on_time_half_forty_days_late(self):
        got = trends.completeness(
            self.lags([0, 40]), peildatum=PEIL, months=["2025-02", "2025-03"]
        ).set_index("maand")["volledigheid"]
        # March: every day is younger than 40 days -> half arrived
        assert got["2025-03"] == pytest.approx(0.5)
        # February: 1..19 Feb are 40+ days old (complete), 20..28 Feb half -> (19 + 4.5) / 28
        assert got["2025-02"] == pytest.approx(23.5 / 28)

    def test_too_few_events_to_learn_from(self):
        lags = self.lags([10]).iloc[::40]  # about 17 events
        got = trends.completeness(lags, peildatum=PEIL, months=["2025-03"])
        assert got["volledigheid"].isna().all()

    def test_flag_provisional_follows_the_messages_of_each_series(self):
        compl = pd.DataFrame(
            {"bericht": "305", "maand": ["2025-02", "2025-03"], "volledigheid": [1.0, 0.68]}
        )
        series = pd.DataFrame(
            {
                "maand": ["2025-02", "2025-03", "2025-03", "2025-03"],
                "reeks": ["starts", "starts", "verzoeken", "wachtlijst_per_1000"],
            }
        )
        got = trends.flag_provisional(series, compl, threshold=0.95)
        assert got["voorlopig"].tolist() == [False, True, False, True]


BASE = [
    12.0,
    10.0,
] * 5  # ends below the mean 11, mean moving range 2 -> limits 11 ± 5.32; 2 sigma = 3.547


def spc(values: list[float], **kw) -> pd.DataFrame:
    months = [str(p) for p in pd.period_range("2023-01", periods=len(values), freq="M")]
    baseline = (months[0], months[len(BASE) - 1])
    return trends.xmr(pd.Series(values, index=months), baseline=baseline, **kw)


class TestXmr:
    def test_limits_from_the_baseline(self):
        got = spc([*BASE, 40.0])
        assert got["gemiddelde"].iloc[0] == 11
        assert got["bovengrens"].iloc[0] == pytest.approx(11 + 2.66 * 2)
        assert got["ondergrens"].iloc[0] == pytest.approx(11 - 2.66 * 2)

    def test_point_outside_the_limits(self):
        got = spc([*BASE, 40.0], direction=-1)
        assert got["bijzonder"].tolist() == [False] * 10 + [True]
        last = got.iloc[-1]
        assert (last["kant"], last["oordeel"], last["regels"]) == (
            "hoog",
            "verslechtering",
            "buiten de grenzen",
        )
        assert not spc([*BASE, 16.0])["bijzonder"].any()  # 16 < 16.32

    def test_run_of_seven_on_one_side(self):
        got = spc([*BASE, *[13.0] * 7], direction=1)
        assert got["reeks_een_kant"].tolist() == [False] * 10 + [True] * 7
        assert set(got["oordeel"].iloc[10:]) == {"verbetering"}
        assert not spc([*BASE, *[13.0] * 6])["bijzonder"].any()

    def test_run_length_is_configurable(self):
        got = spc([*BASE, *[13.0] * 6], rules=trends.SpcRules(run=6))
        assert got["reeks_een_kant"].sum() == 6

    def test_trend_of_seven(self):
        rising = [9.0, 9.5, 10.0, 10.5, 11.5, 12.0, 12.5]  # crosses the mean: no run
        got = spc([*BASE, *rising])
        assert got["trend"].tolist() == [False] * 10 + [True] * 7
        assert got["reeks_een_kant"].sum() == 0
        assert set(got["oordeel"].iloc[10:]) == {"bijzonder hoog"}
        assert not spc([*BASE, *rising[1:]])["trend"].any()  # 12 then 6 rising points

    def test_two_of_three_near_the_limit(self):
        got = spc([*BASE, 15.0, 12.0, 15.0])
        assert got["twee_van_drie"].tolist() == [False] * 10 + [True, False, True]
        # the middle point below the mean breaks it; one close point is not enough
        assert not spc([*BASE, 15.0, 10.0, 15.0])["bijzonder"].any()
        assert not spc([*BASE, 15.0, 12.0, 12.0])["bijzonder"].any()

    def test_direction_labels(self):
        low = [*BASE, 0.0]
        assert spc(low, direction=1)["oordeel"].iloc[-1] == "verslechtering"
        assert spc(low, direction=-1)["oordeel"].iloc[-1] == "verbetering"
        assert spc(low, direction=0)["oordeel"].iloc[-1] == "bijzonder laag"
        assert spc(BASE)["oordeel"].iloc[0] == "geen bijzondere variatie"

    def test_outlying_moving_ranges_are_screened(self):
        # without a baseline: moving ranges 2 (x9) and 30; 30 > 3.267 x 4.8 is left out
        months = [str(p) for p in pd.period_range("2023-01", periods=11, freq="M")]
        got = trends.xmr(pd.Series([*BASE, 40.0], index=months))
        mean = 150 / 11
        assert got["bovengrens"].iloc[0] == pytest.approx(mean + 2.66 * 2)

    def test_baseline_needs_two_points(self):
        with pytest.raises(ValueError, match="minstens twee"):
            trends.xmr(
                pd.Series([1.0, 2.0], index=["2024-01", "2024-02"]), baseline=("2024-01", "2024-01")
            )


class TestFunnel:
    def test_limits_and_verdicts_around_a_given_target(self):
        counts = pd.DataFrame({"eenheid": list("abcde"), "x": [70, 62, 50, 36, 30], "n": [100] * 5})
        got = trends.funnel(counts, target=0.5).set_index("eenheid")
        # se = sqrt(.5 x .5 / 100) = .05; z = 1.959964 and 3.090232
        assert got.loc["a", "grens95_laag"] == pytest.approx(50 - 1.959964 * 5, abs=1e-5)
        assert got.loc["a", "grens998_hoog"] == pytest.approx(50 + 3.090232 * 5, abs=1e-5)
        assert got["beoordeling"].tolist() == [
            "boven 99,8%-grens",
            "boven 95%-grens",
            "binnen de grenzen",
            "onder 95%-grens",
            "onder 99,8%-grens",
        ]

    def test_pooled_target_and_clipping(self):
        counts = pd.DataFrame({"eenheid": ["a", "b", "c"], "x": [10, 30, 0], "n": [100, 100, 0]})
        got = trends.funnel(counts)
        assert got["eenheid"].tolist() == ["a", "b"]  # n = 0 is left out
        assert got["doel_pct"].iloc[0] == pytest.approx(20)
        lines = trends.funnel_lines(2.0, 50)
        assert lines["grens998_laag"].iloc[0] == 0  # 2% - 3.09 x 14% at n = 1, clipped

    def test_counts_per_indicator(self):
        p = pathways(
            {"eerste_toewijzingsdatum": "2024-06-01", "start_begindatum": "2024-07-01"},
            {"eerste_toewijzingsdatum": "2024-06-01", "start_begindatum": "2024-09-30"},
            {"eerste_toewijzingsdatum": "2024-10-01"},  # 181 days before the peildatum
            {"eerste_toewijzingsdatum": "2025-03-01"},  # too recent to judge "never started"
        )
        auto = pd.DataFrame(
            {
                "aanbieder": "A",
                "gemeente": "9901",
                "datum": pd.to_datetime(["2024-07-02", "2024-10-01", "2023-01-01"]),
                "afwijkend": [True, False, True],
            }
        )
        waits = trends.measured_waits(p, peildatum=PEIL)
        got = trends.funnel_counts(p, auto, waits, peildatum=PEIL, norm_days=70)
        got = got[got["niveau"] == "gemeente"].set_index("indicator")
        # 30 and 121 days: one within 70; the 2023 305 lies outside the 12 months
        assert got.loc["binnen_norm", ["x", "n"]].tolist() == [1, 2]
        assert got.loc["auto_305", ["x", "n"]].tolist() == [1, 2]
        # toewijzingen of Apr 2024 - Dec 2024 (the period shifted back 91 days): 3 of them,
        # one never started
        assert got.loc["nooit_gestart", ["x", "n"]].tolist() == [1, 3]
        assert "laat_305" not in got.index  # only counted when late 305s are given
        late = auto.assign(afwijkend=[False, True, True])
        got = trends.funnel_counts(p, auto, waits, peildatum=PEIL, norm_days=70, late305=late)
        got = got[got["niveau"] == "aanbieder"].set_index("indicator")
        # the late 305 of 2024-10-01 lies in the period, the one of 2023 does not
        assert got.loc["laat_305", ["eenheid", "x", "n"]].tolist() == ["A", 1, 2]

    def test_late_305_records_are_the_check_start_te_laat(self):
        from builders import regie, scan, toewijzing

        # Begindatum 2024-01-16 (Tue): a 305 on 2024-01-23 is 5 working days later (on time),
        # on 2024-01-24 6 (late)
        data = scan(
            toewijzingen=[toewijzing("100"), toewijzing("101")],
            starts=[regie("305", "100", dag="2024-01-23"), regie("305", "101", dag="2024-01-24")],
        )
        got = trends.late_305_records(data)
        assert list(got.columns) == ["aanbieder", "gemeente", "datum", "afwijkend"]
        assert got.sort_values("datum")["afwijkend"].tolist() == [False, True]
        assert not trends.late_305_records(data, params={"max_werkdagen": 6})["afwijkend"].any()


class TestRates:
    POP = pd.DataFrame(
        {
            "gemeente": ["9901", "9902", "9902"],
            "jaar": [2024, 2024, 2025],
            "aantal_0_17": [5000, 1000, 3000],
        }
    )

    @staticmethod
    def series(rows):
        return pd.DataFrame(rows, columns=["maand", "niveau", "eenheid", "reeks", "waarde", "n"])

    def test_per_thousand_with_the_nearest_earlier_year(self):
        s = self.series(
            [
                ("2025-01", "gemeente", "9901", "starts", 50, 50),
                ("2025-01", "gemeente", "9902", "starts", 30, 30),
                ("2025-01", "regio", trends.REGIO, "starts", 80, 80),
            ]
        )
        got = trends.population_rates(s, self.POP).set_index("eenheid")
        # 9901 has no 2025 figure: 2024's 5000 -> 10 per 1,000; 9902: 30 / 3000 -> 10
        assert got.loc["9901", "waarde"] == 10 and got.loc["9902", "waarde"] == 10
        # region: 80 / (5000 + 3000) x 1000
        assert got.loc[trends.REGIO, "waarde"] == 10
        assert set(got["reeks"]) == {"starts_per_1000"} and got["n"].tolist() == [50, 30, 80]

    def test_later_year_when_no_earlier_one_and_no_region_without_all_gemeenten(self):
        s = self.series(
            [
                ("2023-05", "gemeente", "9902", "wachtlijst", 4, 4),
                ("2023-05", "gemeente", "9903", "wachtlijst", 9, 9),
                ("2023-05", "regio", trends.REGIO, "wachtlijst", 13, 13),
            ]
        )
        got = trends.population_rates(s, self.POP)
        # only 9902 (2024: 1000 inhabitants): 4 per 1,000; 9903 and the region have no rate
        assert got["eenheid"].tolist() == ["9902"] and got["waarde"].tolist() == [4]

    def test_read_population(self, tmp_path):
        good = tmp_path / "b.csv"
        good.write_text("gemeente,jaar,aantal_0_17,bron\n363,2025,150000,CBS\n", encoding="utf-8")
        got = trends.read_population(good)
        assert got.iloc[0].tolist() == ["0363", 2025, 150000]
        bad = tmp_path / "c.csv"
        bad.write_text("gemeente,jaar\n0363,2025\n", encoding="utf-8")
        with pytest.raises(ValueError, match="aantal_0_17"):
            trends.read_population(bad)
        bad.write_text("gemeente,jaar,aantal_0_17\n0363,2025,-4\n", encoding="utf-8")
        with pytest.raises(ValueError, match="positief"):
            trends.read_population(bad)


class TestAvailability:
    def test_expected_wait_and_direction(self):
        now = [
            {"eerste_toewijzingsdatum": "2025-01-06", "start_begindatum": s}
            for s in ("2025-01-16", "2025-01-26", "2025-02-05")  # 10, 20, 30 days
        ] + [{"eerste_toewijzingsdatum": "2025-01-06"}] * 2  # still waiting: 84 days
        before = [
            {"eerste_toewijzingsdatum": "2024-11-04", "start_begindatum": "2024-11-09"}
        ] * 3  # 5 days each
        got = trends.availability(pathways(*now, *before), peildatum=PEIL).iloc[0]
        # KM: S(10) = .8, S(20) = .6, S(30) = .4 -> median 30; the lower bound cannot lie
        # before the first start (day 10), so it exceeds the previous median of 5 days
        assert (got["wachtlijst"], got["n_cohort"], got["n_gestart"]) == (2, 5, 3)
        assert got["mediaan_dagen"] == 30 and got["mediaan_vorig_dagen"] == 5
        assert got["richting"] == "langer"

    def test_wait_text(self):
        assert trends.wait_text(35.0, 28.0, np.inf) == "35 dagen (95%-BI 28–?)"
        assert trends.wait_text(np.inf, 40.0, np.inf).startswith("nog niet te schatten")


class TestQueue:
    def test_indicators_over_four_weeks(self):
        p = pathways(
            {"eerste_toewijzingsdatum": "2025-03-05", "start_begindatum": "2025-03-15"},
            {"eerste_toewijzingsdatum": "2025-03-10", "start_begindatum": "2025-03-25"},
            {"eerste_toewijzingsdatum": "2025-03-12"},
            {"eerste_toewijzingsdatum": "2025-03-20"},
            {"eerste_toewijzingsdatum": "2025-01-31"},
        )
        s = trends.QueueSettings(norm_weeks=10, weeks=4, factor=4, relief_weeks=26)
        got = trends.queue_indicators(p, peildatum=PEIL, settings=s).set_index("categorie")
        row = got.loc["45"]
        # 4 new in the 28 days after 3 March, 2 started: 1 and 0.5 a week
        assert (row["vraag_per_week"], row["capaciteit_per_week"], row["belasting"]) == (1, 0.5, 2)
        assert row["belasting_te_hoog"]
        # waiting 19, 11 and 59 days: mean 89 / 3 days = 4.238 weeks; target list 1 x 10 / 4
        assert row["wachtlijst"] == 3 and row["doel_wachtlijst"] == 2.5
        assert row["gem_wachttijd_weken"] == pytest.approx(89 / 21)
        assert row["druk"] == pytest.approx(2 * 89 / 21 / 10)
        assert not row["wachtlijst_te_groot"]  # 3 <= 2 x 2.5
        assert got.loc[trends.REGIO, "wachtlijst"] == 3


class TestLittlesLaw:
    def test_steady_list_lies_on_the_estimate(self):
        days = pd.date_range("2024-01-01", "2024-12-31", freq="D")
        p = pathways(
            *[
                {
                    "eerste_toewijzingsdatum": str(d.date()),
                    "start_begindatum": str((d + pd.Timedelta(days=15)).date()),
                }
                for d in days
            ]
        )
        got = trends.littles_law(p, peildatum="2024-12-31").set_index("maand")
        # one arrival a day, each waits 15 days: 15 on the list at every month end = 1 x 15
        row = got.loc["2024-09"]
        assert row["wachtlijst"] == 15 and row["aankomst_per_dag"] == 1
        assert row["gem_dagen_op_lijst"] == 15 and row["schatting"] == 15
        assert row["binnen_band"] and row["stabiel"]
        assert got.index[0] == "2024-06"  # the first month with a full 6-month window


@pytest.fixture(scope="module")
def result(example_store) -> trends.Trends:
    from kit.checks import prepare_scan
    from kit.config import EXAMPLE_DIR

    data = prepare_scan(example_store, peildatum="2026-03-31")
    population = trends.read_population(EXAMPLE_DIR / "bevolking.csv")
    return trends.compute_trends(data, population=population)


class TestExampleRegion:
    def test_growing_waiting_list_is_special_and_worse(self, result):
        # the generator lets the waiting list grow in the last year of the example region
        chart = trends.spc_series(
            result.series,
            niveau="regio",
            eenheid=trends.REGIO,
            reeks="wachtlijst",
            baseline=("2024-01", "2024-12"),
        )
        final = chart[~chart["voorlopig"]]
        assert final["oordeel"].iloc[-1] == "verslechtering"
        assert final["buiten_grenzen"].iloc[-1]

    def test_stock_flow_identity_holds_everywhere(self, result):
        s = result.stock_flow.dropna(subset=["verschil"])
        assert (s["verschil"] >= 0).all()
        assert (
            s["wachtlijst_begin"] + s["instroom"] - s["gestart"] - s["ingetrokken"] - s["verschil"]
            == s["wachtlijst_eind"]
        ).all()

    def test_last_month_is_provisional_for_starts_not_for_requests(self, result):
        last = result.series[result.series["maand"] == "2026-03"]
        assert last.loc[last["reeks"] == "starts", "voorlopig"].all()
        assert not last.loc[last["reeks"] == "verzoeken", "voorlopig"].any()

    def test_the_waiting_list_at_the_peildatum_is_the_snapshot_of_notebook_02(
        self, result, example_store
    ):
        from kit.checks import prepare_scan

        # the peildatum 2026-03-31 is a month end: the list at the end of March is the snapshot
        level = result.series[
            (result.series["reeks"] == "wachtlijst")
            & (result.series["maand"] == "2026-03")
            & (result.series["niveau"] == "regio")
        ]["waarde"].iloc[0]
        p = prepare_scan(example_store, peildatum="2026-03-31").pathways
        defs = wt.load_definitions()
        for van in (None, "2025-04-01"):
            snap = wt.compute_waits(
                p, defs, peildatum="2026-03-31", van=van, only=["toewijzing_start"], by=()
            ).snapshot
            assert snap["n_wachtend"].sum() == level > 300

    def test_the_reconciliation_table_of_notebook_03_marks_the_provisional_month(
        self, result, monkeypatch
    ):
        from kit import sections

        shown = []
        monkeypatch.setattr(sections.trends, "display", shown.append)
        ctx = sections.TrendsContext(
            "X", None, result.peildatum, [], 10, "geen", "2025-04", None, result, {}
        )
        sections.trends_stock_flow(ctx)
        html = "".join(x.data for x in shown if isinstance(getattr(x, "data", None), str))
        assert "maart 2026 (voorlopig)" in html and "februari 2026 (voorlopig)" not in html
        assert not re.search(r"\d{4}-\d{2}", html)  # months in Dutch
        assert "*(voorlopig)*: van die maand zijn" in html

    def test_the_waiting_list_level_is_provisional_in_the_last_month(self, result):
        level = result.series[(result.series["reeks"] == "wachtlijst")]
        assert level.loc[level["maand"] == "2026-03", "voorlopig"].all()
        assert not level.loc[level["maand"] == "2025-12", "voorlopig"].any()
        stroom = result.stock_flow[result.stock_flow["niveau"] == "regio"].set_index("maand")
        assert stroom.loc["2026-03", "voorlopig"] and not stroom.loc["2025-12", "voorlopig"]

    def test_auto_305_providers_stand_out_in_the_funnel(self, result):
        from kit.config import EXAMPLE_DIR

        auto = set(
            pd.read_csv(EXAMPLE_DIR / "aanbieders.csv", dtype=str).query("profiel == 'auto_305'")[
                "aanbieder"
            ]
        )
        f = result.funnels
        f = f[(f["indicator"] == "auto_305") & (f["niveau"] == "aanbieder")]
        high = set(f.loc[f["beoordeling"] == "boven 99,8%-grens", "eenheid"])
        assert auto and auto <= high

    def test_shared_tables_are_suppressed_and_hold_no_persons(self, result, tmp_path):
        from kit.outputs import write_shared

        paths = write_shared(trends.shared_tables(result), tmp_path, threshold=10)
        maand = pd.read_csv(tmp_path / "maand.csv", dtype={"eenheid": str})
        assert list(maand.columns[:6]) == [
            "maand",
            "niveau",
            "eenheid",
            "reeks",
            "waarde",
            "voorlopig",
        ]
        small = maand["n"].isna() & maand["onderdrukt"]
        assert small.any() and maand.loc[small, "waarde"].isna().all()
        shown = maand["n"].dropna()
        assert ((shown == 0) | (shown >= 10)).all()
        text = "".join(p.read_text(encoding="utf-8") for p in paths)
        assert "client_id" not in text and "max_duur" not in text


class TestTexts:
    def test_headline(self):
        from kit.sections import headline_text

        rows = [
            ("2024-03", "wachtlijst", 240, False),
            ("2025-03", "toewijzingen", 120, False),
            ("2025-03", "starts", 100, False),
            ("2025-03", "stops", 5, False),
            ("2025-03", "wachtlijst", 300, False),
            ("2025-04", "starts", 20, True),
        ]
        series = pd.DataFrame(rows, columns=["maand", "reeks", "waarde", "voorlopig"]).assign(
            niveau="regio", eenheid=trends.REGIO
        )
        text = headline_text(series, threshold=10)
        # the last final month is March; 300 against 240 a year before: 60 more, +25%
        assert text.startswith("In **maart 2025** kwamen er 120 nieuwe toewijzingen bij")
        assert "stopten er minder dan 10" in text
        assert "300 toewijzingen op de wachtlijst, 60 meer dan een jaar eerder (+25%)" in text
        assert "April 2025 is nog voorlopig" in text

    def test_spc_reading(self):
        from kit.sections import spc_text

        got = spc_text(
            spc([*BASE, 40.0], direction=-1), "Wachtlijst", baseline=("2023-01", "2023-10")
        )
        assert got.startswith(
            "**Wachtlijst: verslechtering.** De laatste volledige maand (november 2023) valt op: "
            "buiten de grenzen."
        )
        assert "komen uit januari 2023 t/m oktober 2023" in got
        quiet = spc_text(spc(BASE), "Wachtlijst")
        assert "geen bijzondere variatie in de laatste maand" in quiet
        assert "passen bij het gewone patroon" in quiet

    def test_funnel_reading_names_only_units_above_the_threshold(self):
        from kit.sections import funnel_text

        counts = pd.DataFrame(
            {"eenheid": list("aceg"), "x": [70, 50, 30, 5], "n": [100, 100, 100, 100]}
        )
        got = funnel_text(
            trends.funnel(counts, target=0.5), unit="aanbieder", threshold=10, direction=-1
        )
        # g (5 of 100) lies outside too, but 5 is below the threshold: not named
        assert got == (
            "Buiten de 99,8%-grenzen (gemiddeld 50%): opvallend hoog (ongunstig): a (70%); "
            "opvallend laag (gunstig): e (30%)."
        )

    def test_caveats(self):
        from kit.sections import caveats_text

        stroom = pd.DataFrame(
            {"maand": ["2025-01", "2025-02", "2025-03"], "verschil": [np.nan, 12, 8]}
        )
        little = pd.DataFrame(
            {
                "maand": ["2025-02", "2025-03"],
                "schatting": [100.0, 110.0],
                "binnen_band": [True, False],
                "stabiel": pd.array([True, pd.NA], dtype="boolean"),
            }
        )
        compl = pd.DataFrame(
            {
                "bericht": ["305", "305"],
                "maand": ["2025-02", "2025-03"],
                "volledigheid": [1.0, 0.68],
            }
        )
        got = caveats_text(stroom, little, compl, threshold=10, min_complete=0.95)
        # the first month has no gap (no list before it): 12 + 8 over two months
        assert "In de laatste 2 maanden verdwenen 20 toewijzingen" in got
        assert "in 1 van de laatste 2 maanden binnen de band" in got
        assert "(hier 1 van de 2 maanden)" in got
        assert "starts (305): maart 2025 68%" in got and "onder 95% heten voorlopig" in got

    def test_wijzer_table_sorts_small_lists_by_name_not_by_size(self):
        from kit.sections import wijzer_table

        w = pd.DataFrame(
            {
                "aanbieder": ["B", "A", "C"],
                "categorie": "45",
                "wachtlijst": [7, 3, 40],  # B 7, A 3
                "n_cohort": [20, 20, 20],
                "n_gestart": [12, 12, 12],
                "n_cohort_vorig": 0,
                "n_gestart_vorig": 0,
                "verwachte_wachttijd": "30 dagen (95%-BI 20–40)",
                "richting": "onbekend",
                "mediaan_dagen": 30.0,
            }
        )
        got = wijzer_table(w, threshold=10)
        # C (40) first; A (3) and B (7) both read "<10" and follow in name order, not B first
        assert got["Aanbieder"].tolist() == ["C", "A", "B"]
        assert got["Wachtlijst nu"].tolist() == ["40", "<10", "<10"]


class TestCommandLine:
    def test_trends_writes_both_tables(self, example_store, tmp_path, capsys):
        from kit.__main__ import main
        from kit.config import EXAMPLE_DIR

        code = main(
            [
                "trends",
                "--store",
                str(example_store),
                "--peildatum",
                "2026-03-31",
                "--bevolking",
                str(EXAMPLE_DIR / "bevolking.csv"),
                "--uit",
                str(tmp_path),
            ]
        )
        assert code == 0
        assert "Wachtlijst eind 2026-03: " in (printed := capsys.readouterr().out)
        assert "toewijzingen (voorlopig)." in printed
        maand = pd.read_csv(tmp_path / "maand.csv", dtype={"eenheid": str, "maand": str})
        assert set(maand["niveau"]) == {"regio", "gemeente", "aanbieder", "categorie"}
        assert "in_zorg_kinderen_per_1000" in set(maand["reeks"])
        last = maand[(maand["maand"] == "2026-03") & (maand["niveau"] == "regio")]
        assert last.set_index("reeks").loc["starts", "voorlopig"]
        wijzer = pd.read_csv(tmp_path / "wijzer.csv", dtype=str)
        assert {"aanbieder", "categorie", "wachtlijst", "verwachte_wachttijd", "richting"} <= set(
            wijzer.columns
        )

    def test_empty_store_is_refused(self, tmp_path, capsys):
        from kit.__main__ import main

        assert (
            main(
                [
                    "trends",
                    "--store",
                    str(tmp_path / "leeg"),
                    "--peildatum",
                    "2026-03-31",
                    "--uit",
                    str(tmp_path / "uit"),
                ]
            )
            == 2
        )
        assert "bestaat niet; lees eerst berichten in" in capsys.readouterr().err


def test_last_complete_month_before_the_provisional_ones():
    v = pd.DataFrame(
        {
            "bericht": ["323"] * 4 + ["305"] * 2,
            "maand": ["2025-12", "2026-01", "2026-02", "2026-03", "2026-02", "2026-03"],
            "volledigheid": [1.0, 0.97, 0.67, 0.0, np.nan, 0.2],
        }
    )
    assert trends.last_complete(v, "323", threshold=0.95) == "2026-01"
    assert trends.last_complete(v, "323", threshold=0.5) == "2026-02"
    assert trends.last_complete(v, "305", threshold=0.95) == "2026-02"  # unknown = complete
    assert trends.last_complete(v, "307", threshold=0.95) is None
    assert trends.last_complete(v[v["maand"] == "2026-03"], "323", threshold=0.95) is None
