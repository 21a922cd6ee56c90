"""Tests for kit.waits: hand-built pathways with reasoned answers, a simulation with a
known wait distribution, the YAML validation, and a backtest on the example region."""

from __future__ import annotations

import math
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kit import sections
from kit import waits as wt
from kit.config import EXAMPLE_DIR
from kit.pathways import PATHWAY_COLUMNS

DEFS = wt.load_definitions()
TS = DEFS.get("toewijzing_start")
VS = DEFS.get("vot_start")
PEIL = "2025-03-31"
STRING_COLUMNS = [c for c in PATHWAY_COLUMNS if c not in wt.DATE_COLUMNS]


def pathways(*rows: dict) -> pd.DataFrame:
    """A pathway-model frame: every column of PATHWAY_COLUMNS, defaults for a plain pathway."""
    defaults = {
        "gemeente": "9901",
        "aanbieder": "98000001",
        "categorie": "45",
        "ingetrokken": False,
        "geboortemaand": "2015-06",
        "ToewijzingNummer": "1",
    }
    records = [
        dict.fromkeys(PATHWAY_COLUMNS)
        | defaults
        | {"pathway_id": f"p{i}", "client_id": f"c{i}"}
        | row
        for i, row in enumerate(rows)
    ]
    frame = pd.DataFrame(records, columns=PATHWAY_COLUMNS)
    for col in wt.DATE_COLUMNS:
        frame[col] = pd.to_datetime(frame[col])
    for col in STRING_COLUMNS:
        if col != "ingetrokken":
            frame[col] = frame[col].astype("string")
    frame["ingetrokken"] = frame["ingetrokken"].astype("boolean")
    return frame


def waits(days_events: list[tuple[int, int]], entry: list[int] | None = None) -> pd.DataFrame:
    """Rows as measure_waits returns them for pathways that count."""
    n = len(days_events)
    return pd.DataFrame(
        {
            "pathway_id": [f"p{i}" for i in range(n)],
            "client_id": [f"c{i}" for i in range(n)],
            "categorie": "45",
            "aanbieder": "98000001",
            "gemeente": "9901",
            "geboortemaand": "2015-06",
            "dagen": pd.array([d for d, _ in days_events], dtype="Int64"),
            "entry": pd.array(entry or [0] * n, dtype="Int64"),
            "event": pd.array([e for _, e in days_events], dtype="Int64"),
            "uitval": pd.array([None] * n, dtype="string"),
            "uit": pd.array([None] * n, dtype="string"),
        }
    )


NORM_7 = wt.Norm("n7", "Norm 7 dagen", 7)


def yaml_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "wachttijden.yaml"
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """
normen:
  - {id: vier, naam: Vier weken, weken: 4}
schadelijk_wachten: {norm: vier, leeftijdsbanden: [0, 4, 12, 18], jeugdbescherming: ["47"]}
momentopname: {banden_weken: [0, 4]}
uitval:
  - {id: weg, naam: Ingetrokken, datum: toewijzingsdatum, voorwaarde: {kolom: ingetrokken, is: true}}
definities:
  - id: eigen
    naam: Eigen definitie
    soort: wachttijd
    start: {kolom: eerste_toewijzingsdatum}
    stop: {kolom: start_begindatum}
    uitval: [weg]
    uitleg: test
"""


class TestLoadDefinitions:
    def test_shipped_file_has_the_issue_definitions_and_norms(self):
        assert {
            "vot_toewijzing",
            "toewijzing_start",
            "ingang_start",
            "vot_start",
            "ingang_declaratie",
            "trajectduur",
            "start_declaratie",
        } <= set(DEFS.ids)
        assert [n.days for n in DEFS.norms] == [28, 70, 98, 42, 91]
        assert DEFS.harmful_norm.id == "schadelijk_wachten" and DEFS.harmful_norm.days == 91
        assert DEFS.snapshot_weeks == (0, 4, 10, 14, 26, 52)
        assert DEFS.age_bands == (0, 4, 12, 18)
        assert DEFS.protection_categories == ("47", "48")
        assert DEFS.min_group == 10
        assert DEFS.sensitivity_checks == ("start_automatisch",)
        decl = DEFS.get("ingang_declaratie")
        assert decl.filters == (wt.Filter("categorie", ("45",), keep=True),)
        assert (decl.start.column, decl.stop.column) == ("ingangsdatum", "eerste_productperiode")
        assert TS.start.message == "301" and TS.stop.message == "305"
        assert [x.id for x in VS.exits] == [
            "afwijzing_319",
            "toewijzing_ingetrokken",
            "verhuizing_of_overstap",
            "beeindigd_zonder_start",
            "achttien_jaar",
            "vermoedelijk_vervallen",
        ]
        assert not DEFS.get("trajectduur").is_wait

    def test_region_copy_is_read_from_its_path(self, tmp_path):
        text = MINIMAL.replace("weken: 4}", "maanden: 3}")
        defs = wt.load_definitions(yaml_file(tmp_path, text))
        assert defs.ids == ["eigen"]
        assert defs.norms[0].days == 91
        assert defs.get("eigen").exits[0].condition == wt.Condition("ingetrokken", flag=True)
        assert defs.source.endswith("wachttijden.yaml")

    @pytest.mark.parametrize(
        "old,new,message",
        [
            ("naam: Eigen definitie", "", "definitie eigen: ontbrekend veld naam"),
            ("kolom: start_begindatum", "kolom: begindatum", "'begindatum' is geen datumkolom"),
            ("kolom: start_begindatum", "kolom: categorie", "'categorie' is geen datumkolom"),
            ("uitval: [weg]", "uitval: [verhuisd]", "definitie eigen: onbekende uitval verhuisd"),
            ("soort: wachttijd", "soort: wachtlijst", "definitie eigen: soort moet"),
            ("weken: 4}", "weken: 4, dagen: 3}", "norm vier: geef precies één"),
            ("weken: 4}", "weken: -2}", "norm vier: weken moet een positief getal"),
            ("{norm: vier,", "{norm: drie,", "schadelijk_wachten.norm moet een norm-id"),
            ("[0, 4]}", "[4, 0]}", "momentopname.banden_weken"),
            ("is: true}", "is: ja}", "uitval weg: voorwaarde mist"),
        ],
    )
    def test_errors_name_the_entry_and_field(self, tmp_path, old, new, message):
        assert old in MINIMAL
        with pytest.raises(ValueError, match=message):
            wt.load_definitions(yaml_file(tmp_path, MINIMAL.replace(old, new)))

    def test_duplicate_ids_and_unknown_checks_are_refused(self, tmp_path):
        double = MINIMAL + MINIMAL[MINIMAL.index("  - id: eigen") :]
        with pytest.raises(ValueError, match="definitie-id komt meer dan eens voor: eigen"):
            wt.load_definitions(yaml_file(tmp_path, double))
        with pytest.raises(ValueError, match="onbekende controle bestaat_niet"):
            wt.load_definitions(
                yaml_file(tmp_path, MINIMAL + "gevoeligheid: {controles: [bestaat_niet]}\n")
            )

    def test_filter_needs_exactly_one_of_in_and_niet_in(self, tmp_path):
        text = MINIMAL + '    filters: [{kolom: categorie, in: ["45"], niet_in: ["46"]}]\n'
        with pytest.raises(ValueError, match="precies één van in of niet_in"):
            wt.load_definitions(yaml_file(tmp_path, text))


class TestMeasureWaits:
    def test_started_and_still_waiting(self):
        p = pathways(
            {"eerste_toewijzingsdatum": "2025-01-06", "start_begindatum": "2025-01-20"},
            {"eerste_toewijzingsdatum": "2025-01-06"},
        )
        got = wt.measure_waits(p, TS, peildatum="2025-02-03")
        assert got["dagen"].tolist() == [14, 28]
        assert got["event"].tolist() == [1, 0]
        assert got["einde"].tolist() == [pd.Timestamp("2025-01-20"), pd.Timestamp("2025-02-03")]
        assert got["uit"].isna().all()

    def test_a_start_after_the_peildatum_is_not_known_yet(self):
        p = pathways({"eerste_toewijzingsdatum": "2025-01-06", "start_begindatum": "2025-02-10"})
        got = wt.measure_waits(p, TS, peildatum="2025-02-03")
        assert (got.loc[0, "dagen"], got.loc[0, "event"]) == (28, 0)

    def test_withdrawn_toewijzing_is_a_competing_exit(self):
        p = pathways(
            {
                "eerste_toewijzingsdatum": "2025-01-06",
                "toewijzingsdatum": "2025-02-01",
                "ingangsdatum": "2025-01-06",
                "einddatum": "2025-01-06",
                "ingetrokken": True,
            }
        )
        got = wt.measure_waits(p, TS, peildatum=PEIL)
        assert (got.loc[0, "dagen"], got.loc[0, "event"]) == (26, 2)
        assert got.loc[0, "uitval"] == "toewijzing_ingetrokken"

    def test_the_first_event_decides_and_a_start_wins_a_tie(self):
        p = pathways(
            {  # moved away after care started: started
                "eerste_toewijzingsdatum": "2025-01-06",
                "start_begindatum": "2025-01-13",
                "einddatum": "2025-02-01",
                "reden_wijziging": "07",
            },
            {  # moved away before any start: left without care
                "eerste_toewijzingsdatum": "2025-01-06",
                "einddatum": "2025-02-01",
                "reden_wijziging": "09",
            },
            {  # start on the day the toewijzing ended: started
                "eerste_toewijzingsdatum": "2025-01-06",
                "start_begindatum": "2025-01-31",
                "einddatum": "2025-01-31",
            },
            {  # ended without start and without a move: its own exit
                "eerste_toewijzingsdatum": "2025-01-06",
                "einddatum": "2025-01-31",
            },
        )
        got = wt.measure_waits(p, TS, peildatum=PEIL)
        assert got["event"].tolist() == [1, 2, 1, 2]
        assert got["dagen"].tolist() == [7, 26, 25, 25]
        assert got["uitval"].tolist() == [
            pd.NA,
            "verhuizing_of_overstap",
            pd.NA,
            "beeindigd_zonder_start",
        ]

    def test_exit_before_the_start_counts_on_day_zero_but_an_earlier_18th_birthday_does_not(
        self,
    ):
        p = pathways(
            {"vot_dagtekening": "2025-01-10", "afwijzing_dagtekening": "2025-01-08"},
            {"vot_dagtekening": "2025-01-10", "geboortemaand": "2006-05"},  # 18 from 2024-06-01
            {"vot_dagtekening": "2025-01-10", "geboortemaand": "2007-01"},  # 18 from 2025-02-01
        )
        got = wt.measure_waits(p, VS, peildatum=PEIL)
        assert got["event"].tolist() == [2, 0, 2]
        assert got["dagen"].tolist() == [0, 80, 22]
        assert got["uitval"].tolist() == ["afwijzing_319", pd.NA, "achttien_jaar"]

    def test_zero_and_negative_durations(self):
        p = pathways(
            {"eerste_toewijzingsdatum": "2025-01-06", "start_begindatum": "2025-01-06"},
            {"eerste_toewijzingsdatum": "2025-01-06", "start_begindatum": "2025-01-02"},
        )
        # toewijzing_start (negatieve_duur: nul): a start before the toewijzing is a start on day 0
        assert TS.negative == wt.NEGATIVE_ZERO
        got = wt.measure_waits(p, TS, peildatum=PEIL)
        assert got["dagen"].tolist() == [0, 0]
        assert got["event"].tolist() == [wt.STARTED, wt.STARTED]
        assert got["uit"].isna().all()
        assert got["negatief"].tolist() == [False, True]
        assert got.loc[1, "einde"] == got.loc[1, "start"]
        # a definition that leaves them out (negatieve_duur: uitsluiten)
        out = replace(TS, negative=wt.NEGATIVE_OUT)
        got = wt.measure_waits(p, out, peildatum=PEIL)
        assert got["dagen"].tolist() == [0, -4]
        assert got["uit"].tolist() == [pd.NA, wt.OUT_NEGATIVE]

    def test_the_negative_rule_is_read_from_the_yaml(self, tmp_path):
        assert wt.load_definitions(yaml_file(tmp_path, MINIMAL)).get("eigen").negative == "uitsluiten"
        text = MINIMAL.replace("    uitleg: test", "    negatieve_duur: nul\n    uitleg: test")
        assert wt.load_definitions(yaml_file(tmp_path, text)).get("eigen").negative == "nul"
        bad = MINIMAL.replace("    uitleg: test", "    negatieve_duur: weg\n    uitleg: test")
        with pytest.raises(ValueError, match="definitie eigen: negatieve_duur moet nul of"):
            wt.load_definitions(yaml_file(tmp_path, bad))
        rules = {d.id: d.negative for d in DEFS.definitions}
        assert rules["toewijzing_start"] == rules["vot_start"] == "nul"
        assert rules["start_declaratie"] == "uitsluiten"

    def test_reasons_for_leaving_a_pathway_out(self):
        p = pathways(
            {"eerste_toewijzingsdatum": "2025-01-06", "categorie": "47"},
            {"eerste_toewijzingsdatum": None},
            {"eerste_toewijzingsdatum": "2025-04-02"},
            {"eerste_toewijzingsdatum": "2024-01-06"},
            {"eerste_toewijzingsdatum": "2025-01-06", "pathway_id": "gemarkeerd"},
            {"eerste_toewijzingsdatum": "2025-01-06", "eerste_productperiode": "2025-01-01"},
            {"eerste_toewijzingsdatum": "2025-01-06"},
        )
        got = wt.measure_waits(
            p, TS, peildatum=PEIL, van="2024-07-01", tot="2025-03-31", exclude=["gemarkeerd"]
        )
        assert got["uit"].tolist() == [
            wt.OUT_FILTER,
            wt.OUT_NO_START,
            wt.OUT_START_AFTER,
            wt.OUT_WINDOW,
            wt.OUT_FLAGGED,
            wt.OUT_STOP_MISSING,
            pd.NA,
        ]
        # out of the window, but measured: it still counts in the snapshot of who waits now
        assert (got.loc[3, "dagen"], got.loc[3, "event"]) == (450, 0)

    def test_left_truncation_for_pathways_open_when_the_data_begin(self):
        p = pathways(
            {"eerste_toewijzingsdatum": "2024-12-01"},  # waiting at data begin: late entry
            {"eerste_toewijzingsdatum": "2024-12-01", "start_begindatum": "2024-12-20"},
            {"eerste_toewijzingsdatum": "2025-01-10", "start_begindatum": "2025-01-20"},
        )
        got = wt.measure_waits(p, TS, peildatum=PEIL, data_begin="2025-01-01")
        assert got["entry"].tolist() == [31, 31, 0]
        assert got["uit"].tolist() == [pd.NA, wt.OUT_BEFORE_DATA, pd.NA]
        assert got["dagen"].tolist() == [120, 19, 10]

    def test_errors(self):
        with pytest.raises(KeyError, match="definitie toewijzing_start"):
            wt.measure_waits(pathways({}).drop(columns="start_begindatum"), TS, peildatum=PEIL)
        with pytest.raises(ValueError, match="cohortvenster"):
            wt.measure_waits(pathways({}), TS, peildatum=PEIL, tot="2025-04-30")

    def test_the_input_is_not_changed(self):
        p = pathways({"eerste_toewijzingsdatum": "2025-01-06"})
        before = p.copy()
        wt.measure_waits(p, TS, peildatum=PEIL)
        pd.testing.assert_frame_equal(p, before)


class TestLateMessages:
    DECL = DEFS.get("ingang_declaratie")

    def test_the_rule_is_read_from_the_yaml(self, tmp_path):
        assert self.DECL.provisional_message == "323"
        assert DEFS.get("start_declaratie").provisional_message == "323"
        assert TS.provisional_message == ""
        assert DEFS.min_complete == 0.95
        bad = MINIMAL + "voorlopig: {min_volledigheid: 1.5}\n"
        with pytest.raises(ValueError, match="min_volledigheid"):
            wt.load_definitions(yaml_file(tmp_path, bad))

    def test_measured_up_to_the_last_complete_day(self):
        p = pathways(
            # waiting on 31 January; its first 323 period (February) is not complete yet
            {"ingangsdatum": "2025-01-10", "eerste_productperiode": "2025-02-01"},
            # begins after the last complete month: not counted yet
            {"ingangsdatum": "2025-02-05", "eerste_productperiode": "2025-02-05"},
            # started before: as usual
            {"ingangsdatum": "2024-12-01", "eerste_productperiode": "2025-01-15"},
        )
        got = wt.measure_waits(p, self.DECL, peildatum=PEIL, complete_until="2025-01-31")
        assert got["uit"].tolist() == [pd.NA, wt.OUT_PROVISIONAL, pd.NA]
        assert got.loc[[0, 2], "event"].tolist() == [wt.CENSORED, wt.STARTED]
        assert got.loc[[0, 2], "dagen"].tolist() == [21, 45]
        assert got["wacht_op_peildatum"].tolist() == [True, False, False]
        # without the correction the first one looks as if it started after 22 days
        plain = wt.measure_waits(p, self.DECL, peildatum=PEIL)
        assert plain.loc[0, "event"] == wt.STARTED and plain["uit"].isna().all()

    def test_last_complete_day_from_the_messages_own_lags(self):
        from types import SimpleNamespace

        # a 323 for every day of two years, each sent 40 days after its period began
        days = pd.date_range("2023-04-01", "2025-03-31", freq="D")
        prestaties = pd.DataFrame(
            {
                "IngediendBedragDebetCredit": "D",
                "ProductPeriodeBegindatum": days,
                "Dagtekening": days + pd.Timedelta(days=40),
            }
        )
        prestaties = prestaties[prestaties["Dagtekening"] <= "2025-03-31"]
        p = pathways({"eerste_toewijzingsdatum": "2024-01-01"})
        data = SimpleNamespace(pathways=p, tables={"prestaties": prestaties})
        # March has nothing in yet, February about 19/28: January is the last complete month
        got = wt.complete_until(data, peildatum=PEIL, messages=["323"], threshold=0.95)
        assert got == {"323": pd.Timestamp("2025-01-31")}
        results = wt.compute_waits(p, DEFS, peildatum=PEIL, complete=got, by=())
        assert results.complete_until == {
            "ingang_declaratie": pd.Timestamp("2025-01-31"),
            "start_declaratie": pd.Timestamp("2025-01-31"),
        }
        assert wt.complete_until(data, peildatum=PEIL, messages=[], threshold=0.95) == {}

    def test_the_report_says_so(self):
        row = pd.Series(
            {
                "n": 1049,
                "n_gestart": 640,
                "n_wachtend": 367,
                "n_uitgevallen": 42,
                "n_negatief_nul": 0,
                "mediaan_dagen": 50.0,
                "p90_dagen": math.inf,
                "pct_nul_dagen": 20.0,
            }
        )
        recon = pd.DataFrame(
            {"stap": ["uit", "uit"], "reden": [wt.OUT_PROVISIONAL, wt.OUT_FILTER], "n": [207, 9]}
        )
        text = sections.definition_text(
            self.DECL, row, recon, None, threshold=10, complete_until=pd.Timestamp("2026-01-31")
        )
        assert (
            "*Voorlopig:* de ProductPeriode Begindatum (eerste) (323) komt pas weken later "
            "binnen. Naar de eigen vertraging van die berichten zijn ze compleet tot en met "
            "31 januari 2026; deze definitie telt daarom tot die dag."
        ) in text
        assert "207 trajecten die later begonnen tellen nog niet mee" in text
        assert "Niet meegeteld" not in text
        note = sections.snapshot_note({"ingang_declaratie": pd.Timestamp("2026-01-31")}, {
            "ingang_declaratie": "Ingang → declaratie"
        })
        assert "hangt niet af van het gekozen cohort" in note
        assert "Voor *Ingang → declaratie* is dat de stand op 31 januari 2026" in note


class TestReconcile:
    def test_in_out_and_outcomes_add_up(self):
        p = pathways(
            {"eerste_toewijzingsdatum": "2025-01-06", "start_begindatum": "2025-01-20"},
            {"eerste_toewijzingsdatum": "2025-01-06"},
            {
                "eerste_toewijzingsdatum": "2025-01-06",
                "toewijzingsdatum": "2025-02-01",
                "ingetrokken": True,
            },
            {"eerste_toewijzingsdatum": "2025-01-06", "start_begindatum": "2025-01-01"},
            {"eerste_toewijzingsdatum": None},
        )
        got = wt.reconcile(wt.measure_waits(p, TS, peildatum=PEIL)).set_index(["stap", "reden"])
        assert got.loc[("trajecten", "in het model"), "n"] == 5
        assert got.loc[("uit", wt.OUT_NEGATIVE), "n"] == 0  # toewijzing_start: counted as day 0
        assert got.loc[("uit", wt.OUT_NO_START), "n"] == 1
        assert got.loc[("uit", wt.OUT_WINDOW), "n"] == 0
        assert got.loc[("telt mee", "totaal"), "n"] == 4
        assert got.loc[("uitkomst", "gestart"), "n"] == 2
        assert got.loc[("waarvan", wt.NEGATIVE_AS_ZERO), "n"] == 1
        out = wt.measure_waits(p, replace(TS, negative=wt.NEGATIVE_OUT), peildatum=PEIL)
        got_out = wt.reconcile(out).set_index(["stap", "reden"])
        assert got_out.loc[("uit", wt.OUT_NEGATIVE), "n"] == 1
        assert got_out.loc[("waarvan", wt.NEGATIVE_AS_ZERO), "n"] == 0
        assert got_out.loc[("telt mee", "totaal"), "n"] == 3
        assert got.loc[("uitkomst", "loopt nog (gecensureerd)"), "n"] == 1
        assert got.loc[("uitkomst", "uitgevallen: toewijzing_ingetrokken"), "n"] == 1


class TestEstimate:
    def test_known_kaplan_meier_answer_versus_the_completed_only_median(self):
        # 10 start on day 2, 10 still wait on day 10 (censored), 10 start on day 20:
        # S(2) = 20/30, S(20) = 0 -> KM median 20; completed only: median of 2s and 20s = 11
        w = waits([(2, 1)] * 10 + [(10, 0)] * 10 + [(20, 1)] * 10)
        row, curve = wt.estimate(w, norms=[NORM_7], min_n=10)
        assert (row["n"], row["n_gestart"], row["n_wachtend"], row["n_uitgevallen"]) == (
            30,
            20,
            10,
            0,
        )
        assert row["mediaan_dagen"] == 20 and row["mediaan_afgerond_dagen"] == 11
        assert row["p80_dagen"] == 20 and row["p90_dagen"] == 20
        assert row["pct_binnen_7d"] == 33.3
        assert row["pct_nul_dagen"] == 0.0
        assert curve["dagen"].tolist() == [0, 2, 20]
        assert curve["aandeel_wachtend"].tolist() == [1.0, 0.6667, 0.0]
        assert curve["n_gestart"].tolist() == [0, 10, 10]

    def test_competing_exits_are_censored_in_kaplan_meier(self):
        # 10 start on day 5; 10 leave on day 3 (exit = censored for KM): S(5) = 0
        w = waits([(3, 2)] * 10 + [(5, 1)] * 10)
        row, _ = wt.estimate(w, min_n=10)
        assert row["n_uitgevallen"] == 10 and row["mediaan_dagen"] == 5

    def test_ties_and_a_median_that_is_not_reached(self):
        row, _ = wt.estimate(waits([(5, 1)] * 20), min_n=10)
        assert (row["mediaan_dagen"], row["p80_dagen"], row["mediaan_ci_laag"]) == (5, 5, 5)
        row, _ = wt.estimate(waits([(3, 1)] * 10 + [(30, 0)] * 20), min_n=10)
        assert math.isinf(row["mediaan_dagen"]) and row["mediaan_afgerond_dagen"] == 3

    @pytest.mark.filterwarnings("ignore::lifelines.exceptions.ApproximationWarning")
    def test_median_confidence_interval_is_lifelines_median_of_the_band(self):
        from lifelines import KaplanMeierFitter
        from lifelines.utils import median_survival_times

        rng = np.random.default_rng(3)
        days = rng.integers(0, 120, 200)
        event = rng.choice([0, 1, 2], 200, p=[0.2, 0.7, 0.1])
        row, _ = wt.estimate(waits(list(zip(days, event, strict=True))), min_n=10)
        kmf = KaplanMeierFitter().fit(days, event == 1)
        ci = median_survival_times(kmf.confidence_interval_)
        assert (row["mediaan_ci_laag"], row["mediaan_ci_hoog"]) == tuple(ci.iloc[0])
        assert row["p80_dagen"] == kmf.percentile(0.2)
        assert row["p90_dagen"] == kmf.percentile(0.1)
        assert row["mediaan_dagen"] == kmf.median_survival_time_

    def test_the_ten_minimum(self):
        row, curve = wt.estimate(waits([(4, 1)] * 9), norms=[NORM_7], min_n=10)
        assert row["n"] == 9 and row["n_gestart"] == 9
        assert all(
            math.isnan(row[c])
            for c in ["mediaan_dagen", "p80_dagen", "mediaan_afgerond_dagen", "pct_binnen_7d"]
        )
        assert curve.empty
        row, _ = wt.estimate(waits([(4, 1)] * 10), norms=[NORM_7], min_n=10)
        assert row["mediaan_dagen"] == 4 and row["pct_binnen_7d"] == 100.0
        # a share resting on fewer than 10 starts is withheld, also in a big group
        row, _ = wt.estimate(waits([(0, 1)] * 3 + [(30, 1)] * 47), norms=[NORM_7], min_n=10)
        assert math.isnan(row["pct_nul_dagen"]) and math.isnan(row["pct_binnen_7d"])
        row, _ = wt.estimate(waits([(0, 1)] * 10 + [(30, 1)] * 40), norms=[NORM_7], min_n=10)
        assert row["pct_nul_dagen"] == 20.0 and row["pct_binnen_7d"] == 20.0
        # ... and so is one whose rest is small: 94% of 50 gives the 3 others back
        row, _ = wt.estimate(waits([(0, 1)] * 47 + [(30, 1)] * 3), norms=[NORM_7], min_n=10)
        assert math.isnan(row["pct_nul_dagen"]) and math.isnan(row["pct_binnen_7d"])

    def test_late_entry_changes_the_risk_set(self):
        # durations 5, 10, 10, 3; the second pathway only entered on day 10 (left truncated)
        days = [(5, 1), (10, 1), (10, 0), (3, 1)]
        norm = wt.Norm("d3", "3 dagen", 3)
        truncated, _ = wt.estimate(waits(days, entry=[0, 10, 0, 0]), norms=[norm], min_n=1)
        naive, _ = wt.estimate(waits(days), norms=[norm], min_n=1)
        assert truncated["pct_binnen_3d"] == 33.3  # 1 of 3 at risk on day 3
        assert naive["pct_binnen_3d"] == 25.0  # 1 of 4

    def test_a_late_entrant_is_at_risk_on_the_day_it_enters(self):
        # as above; the second pathway enters on day 10 and starts that day (the data begin
        # then, so the start is seen): at risk on day 10 are it and the one censored on day 10.
        # S(3) = 2/3, S(5) = 1/3, S(10) = 1/6; Aalen-Johansen gives the same (no competing exit)
        days = [(5, 1), (10, 1), (10, 0), (3, 1)]
        w = waits(days, entry=[0, 10, 0, 0])
        row, _ = wt.estimate(w, norms=[wt.Norm("d10", "10 dagen", 10)], min_n=1)
        assert row["pct_binnen_10d"] == 83.3
        table = wt.aalen_johansen([d for d, _ in days], [e for _, e in days], entry=[0, 10, 0, 0])
        assert table["at_risk"].tolist() == [3, 2, 2]
        assert round(float(table.loc[10, "cif_1"]), 4) == round(5 / 6, 4)


class TestCurves:
    def test_steps_are_pooled_until_ten_starts_and_ten_at_risk(self):
        w = waits([(d, 1) for d in range(1, 26)])
        _, curve = wt.estimate(w, min_n=10)
        assert curve["dagen"].tolist() == [0, 10]
        assert curve["aandeel_wachtend"].tolist() == [1.0, 0.6]
        assert curve["n_risico"].tolist() == [25, 16]
        assert curve["n_gestart"].tolist() == [0, 10]

    def test_few_censored_between_two_points_are_pooled_with_the_next_step(self):
        # 3 censored between day 5 and day 8: from n_risico and n_gestart a reader would get
        # that 3, so day 8 is pooled into day 12 (then 13 others lie in between)
        w = waits(
            [(5, 1)] * 10 + [(6, 0)] * 3 + [(8, 1)] * 10 + [(9, 0)] * 10 + [(12, 1)] * 10
            + [(30, 0)] * 20
        )
        _, curve = wt.estimate(w, min_n=10)
        assert curve["dagen"].tolist() == [0, 5, 12]
        assert curve["n_risico"].tolist() == [63, 63, 30]
        assert curve["n_gestart"].tolist() == [0, 10, 20]

    def test_no_step_rests_on_fewer_than_the_minimum(self):
        rng = np.random.default_rng(7)
        w = waits(list(zip(rng.integers(0, 200, 500), rng.choice([0, 1, 2], 500), strict=True)))
        for min_n in (5, 10, 25):
            _, curve = wt.estimate(w, min_n=min_n)
            steps = curve.iloc[1:]
            assert len(steps) > 3
            assert (steps["n_gestart"] >= min_n).all() and (steps["n_risico"] >= min_n).all()
            assert curve["aandeel_wachtend"].is_monotonic_decreasing

    def test_cumulative_incidence_of_started_and_left(self):
        # day 5: 10 start and 10 leave (a tie); 10 censored on day 10
        w = waits([(5, 1)] * 10 + [(5, 2)] * 10 + [(10, 0)] * 10)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no random jitter warning from lifelines
            got = wt.cumulative_incidence(w, min_n=10)
        started = got[got["uitkomst"] == "gestart"]
        left = got[got["uitkomst"] == "zonder zorg uitgevallen"]
        assert started["dagen"].tolist() == [0, 5] and left["dagen"].tolist() == [0, 5]
        # started: 10/30; left: S(5) 2/3 x 10/20 (the exit is placed just after the starts)
        assert started["cumulatieve_incidentie"].tolist() == [0.0, 0.3333]
        assert left["cumulatieve_incidentie"].tolist() == [0.0, 0.3333]
        assert wt.cumulative_incidence(w.head(9), min_n=10).empty

    def test_aalen_johansen_by_hand_with_day_zero_starts_ties_and_censoring(self):
        # 10 children: 3 start on day 0; day 5 a start and a censoring; day 12 a start and an
        # exit (a tie between causes); censored on day 20; the last starts on day 30
        days = [0, 0, 0, 5, 5, 10, 12, 12, 20, 30]
        events = [1, 1, 1, 1, 0, 1, 2, 1, 0, 1]
        t = wt.aalen_johansen(days, events)
        assert t.index.tolist() == [0, 5, 10, 12, 20, 30]
        assert t["at_risk"].tolist() == [10, 7, 5, 4, 2, 1]
        # day 0: 3/10; day 5: + 0.7 x 1/7; day 10: + 0.6 x 1/5; day 12: + 0.48 x 1/4 (both
        # causes see S(12-) = 0.48); day 30: + 0.24 x 1/1
        assert t["cif_1"].round(6).tolist() == [0.3, 0.4, 0.52, 0.64, 0.64, 0.88]
        assert t["cif_2"].round(6).tolist() == [0.0, 0.0, 0.0, 0.12, 0.12, 0.12]
        assert t["observed_1"].tolist() == [3, 1, 1, 1, 0, 1]
        assert t["censored"].tolist() == [0, 1, 0, 0, 1, 0]

    def test_without_competing_exits_the_incidence_is_one_minus_kaplan_meier(self):
        from lifelines import KaplanMeierFitter

        rng = np.random.default_rng(5)
        days = rng.integers(0, 60, 400)  # many ties and many starts on day 0
        days[:40] = 0
        events = rng.choice([0, 1], 400, p=[0.3, 0.7])
        entry = np.where(rng.uniform(size=400) < 0.2, days // 2, 0)
        # lifelines counts a subject at risk only after its entry time; the kit counts it on
        # the day it enters (the data begin on that day): lifelines gets the entry minus 0.5
        for late, late_lifelines in ((None, None), (entry, np.where(entry > 0, entry - 0.5, 0))):
            t = wt.aalen_johansen(days, events, entry=late)
            fitted = KaplanMeierFitter().fit(days, events == 1, entry=late_lifelines)
            km = fitted.survival_function_
            expected = 1 - km.iloc[:, 0].reindex(t.index.to_numpy(dtype=float))
            assert np.allclose(t["cif_1"].to_numpy(), expected.to_numpy())
            assert t.loc[0, "cif_1"] > 0.05  # the day-0 starts count

    def test_cumulative_incidences_and_the_event_free_share_add_up_to_one(self):
        rng = np.random.default_rng(6)
        days = rng.integers(0, 40, 300)
        events = rng.choice([0, 1, 2], 300, p=[0.2, 0.6, 0.2])
        t = wt.aalen_johansen(days, events)
        survival = np.cumprod(1 - t["observed"] / t["at_risk"])
        assert np.allclose(t["cif_1"] + t["cif_2"] + survival, 1.0)

    def test_starts_on_day_zero_are_in_the_published_incidence(self):
        # 30 children: 12 start on day 0, 10 on day 7, 8 still wait on day 20
        w = waits([(0, 1)] * 12 + [(7, 1)] * 10 + [(20, 0)] * 8)
        started = wt.cumulative_incidence(w, min_n=10)
        assert started["dagen"].tolist() == [0, 0, 7]
        assert started["cumulatieve_incidentie"].tolist() == [0.0, 0.4, 0.7333]
        assert started["n_gebeurtenissen"].tolist() == [0, 12, 10]


class TestSummarise:
    def test_empty_cohort_gives_a_totaal_row_without_figures(self):
        m = wt.measure_waits(pathways({"eerste_toewijzingsdatum": None}), TS, peildatum=PEIL)
        table, curves = wt.summarise(m, TS, norms=DEFS.norms)
        assert table.columns.tolist() == wt.summary_columns(DEFS.norms)
        assert table["groep"].tolist() == ["totaal"]
        assert table.loc[0, "n"] == 0 and math.isnan(table.loc[0, "mediaan_dagen"])
        assert curves.empty

    def test_groups_and_small_groups(self):
        rows = [
            {"eerste_toewijzingsdatum": "2025-01-06", "start_begindatum": "2025-01-16"}
        ] * 12 + [
            {
                "eerste_toewijzingsdatum": "2025-01-06",
                "start_begindatum": "2025-01-26",
                "aanbieder": "98000002",
            }
        ] * 3
        m = wt.measure_waits(pathways(*rows), TS, peildatum=PEIL)
        table, curves = wt.summarise(m, TS, norms=DEFS.norms, by=("aanbieder",))
        table = table.set_index("groep")
        assert table.index.tolist() == ["totaal", "aanbieder=98000001", "aanbieder=98000002"]
        assert table.loc["totaal", "mediaan_dagen"] == 10
        assert table.loc["aanbieder=98000001", "pct_binnen_28d"] == 100.0
        assert table.loc["aanbieder=98000002", "n"] == 3
        assert math.isnan(table.loc["aanbieder=98000002", "mediaan_dagen"])
        assert set(curves["groep"]) == {"totaal", "aanbieder=98000001"}

    def test_process_times_have_no_norm_shares(self):
        p = pathways(*[{"start_begindatum": "2025-01-06", "stop_einddatum": "2025-03-01"}] * 10)
        d = DEFS.get("trajectduur")
        table, _ = wt.summarise(wt.measure_waits(p, d, peildatum=PEIL), d, norms=DEFS.norms)
        assert table.loc[0, "mediaan_dagen"] == 54
        assert table[[wt.norm_column(n) for n in DEFS.norms]].isna().all(axis=None)


class TestSnapshotAndHarmful:
    def test_snapshot_bands_count_everyone_waiting_now(self):
        starts = ["2025-03-31", "2025-03-04", "2025-03-03", "2024-12-21", "2024-02-25"]
        p = pathways(*[{"eerste_toewijzingsdatum": s} for s in starts])
        m = wt.measure_waits(p, TS, peildatum=PEIL, van="2025-01-01")
        assert m["dagen"].tolist() == [0, 27, 28, 100, 400]
        snap = wt.snapshot(m, weeks=DEFS.snapshot_weeks)
        assert snap["band"].tolist() == wt.band_labels(DEFS.snapshot_weeks)
        assert snap["n_wachtend"].tolist() == [2, 1, 0, 1, 0, 1]
        norms = wt.against_norms(m, norms=DEFS.norms).set_index("norm")
        assert norms.loc["treeknorm_aanmelding", "n_boven_norm"] == 2  # 100 and 400 > 28
        assert norms.loc["schadelijk_wachten", "pct_boven_norm"] == 40.0

    def test_the_snapshot_does_not_depend_on_the_cohort_window(self):
        # p0 waits; p1 waits but a 323 without a 305 says care began (stop missing); p2 started;
        # p3 waits and turned 18 (competing exit). Only p0 waits now, whatever the window.
        p = pathways(
            {"eerste_toewijzingsdatum": "2024-06-03"},
            {"eerste_toewijzingsdatum": "2024-06-03", "eerste_productperiode": "2024-09-01"},
            {"eerste_toewijzingsdatum": "2024-06-03", "start_begindatum": "2024-08-01"},
            {"eerste_toewijzingsdatum": "2024-06-03", "geboortemaand": "2006-08"},
        )
        counts = []
        for van, tot in ((None, None), ("2025-01-01", None), ("2024-01-01", "2024-12-31")):
            m = wt.measure_waits(p, TS, peildatum=PEIL, van=van, tot=tot)
            assert m["wacht_op_peildatum"].tolist() == [True, False, False, False]
            counts.append(wt.snapshot(m, weeks=DEFS.snapshot_weeks)["n_wachtend"].tolist())
            counts.append(wt.against_norms(m, norms=DEFS.norms)["n_wachtend"].tolist())
        assert counts[0::2] == [counts[0]] * 3 and counts[1::2] == [counts[1]] * 3
        assert sum(counts[0]) == 1

    def test_the_example_snapshot_is_one_number_for_every_cohort(self, example):
        totals = set()
        for van, tot in ((None, None), ("2025-04-01", None), ("2025-10-01", "2026-01-31")):
            results = wt.compute_waits(
                example, DEFS, peildatum="2026-03-31", van=van, tot=tot, only=["toewijzing_start"]
            )
            totals.add(int(results.snapshot["n_wachtend"].sum()))
            assert set(results.against_norms["n_wachtend"]) == {min(totals)}
        assert len(totals) == 1 and totals.pop() > 300

    def test_age_band_from_the_birth_month(self):
        got = wt.age_band(
            pd.Series(["2021-04", "2021-03", "2013-04", "2007-03", None]),
            peildatum=pd.Timestamp(PEIL),
            edges=[0, 4, 12, 18],
        )
        assert got.tolist() == ["0–4", "4–12", "4–12", "18+", "onbekend"]

    def test_harmful_waits_count_children_by_age_and_protection(self):
        p = pathways(
            {"eerste_toewijzingsdatum": "2024-11-01", "client_id": "a", "geboortemaand": "2022-01"},
            {"eerste_toewijzingsdatum": "2024-12-01", "client_id": "b", "geboortemaand": "2015-01"},
            {"eerste_toewijzingsdatum": "2024-11-15", "client_id": "b", "geboortemaand": "2015-01"},
            {"eerste_toewijzingsdatum": "2025-03-01", "client_id": "c", "geboortemaand": "2010-01"},
            {  # a current jeugdbescherming toewijzing of child a
                "client_id": "a",
                "categorie": "48",
                "ingangsdatum": "2024-06-01",
                "einddatum": "2025-05-31",
            },
        )
        m = wt.measure_waits(p, TS, peildatum=PEIL)
        got = wt.harmful_waits(
            m,
            p,
            peildatum=PEIL,
            norm=DEFS.harmful_norm,
            age_edges=DEFS.age_bands,
            categories=DEFS.protection_categories,
        ).set_index(["leeftijd", "jeugdbescherming"])["kinderen"]
        assert got[("0–4", "ja")] == 1  # a waits 150 days and has a 48 toewijzing
        assert got[("4–12", "nee")] == 1  # b waits in two pathways: one child
        assert got.sum() == 2  # c waits 30 days
        assert len(got) == 8


class TestSensitivity:
    def test_flagged_pathways_and_the_sensitivity_table(self):
        rows = [
            {
                "eerste_toewijzingsdatum": "2025-01-06",
                "start_begindatum": "2025-01-06",
                "aanbieder": "98000003",
                "rij_305": f"auto-{i}:0",
            }
            for i in range(12)
        ] + [{"eerste_toewijzingsdatum": "2025-01-06", "start_begindatum": "2025-02-05"}] * 12
        p = pathways(*rows)
        flags = pd.DataFrame(
            {
                "check_id": ["start_automatisch"] * 13 + ["andere_controle"],
                "record": [f"auto-{i}:0" for i in range(13)] + ["x:0"],
                "afwijkend": [True] * 12 + [False, True],
            }
        )
        flagged = wt.flagged_pathways(p, flags, checks=["start_automatisch"])
        assert len(flagged) == 12
        res = wt.compute_waits(p, DEFS, peildatum=PEIL, flagged=flagged, only=["toewijzing_start"])
        sens = res.sensitivity.set_index("groep")
        assert sens.loc["totaal", "mediaan_dagen"] == 0  # 12 at 0 days, 12 at 30 days
        assert sens.loc["totaal", "mediaan_zonder_dagen"] == 30
        assert sens.loc["totaal", "n_gemarkeerd"] == 12 and sens.loc["totaal", "n_zonder"] == 12
        assert sens.loc["aanbieder=98000003", "n_zonder"] == 0
        assert sens.index.tolist() == ["totaal", "aanbieder=98000003"]


class TestTexts:
    def test_days_text(self):
        assert [wt.days_text(v) for v in (44.0, 1.0, math.inf, math.nan)] == [
            "44 dagen",
            "1 dag",
            "niet bereikt",
            "—",
        ]

    def test_naive_versus_km_sentence(self):
        row = pd.Series({"mediaan_afgerond_dagen": 32.0, "mediaan_dagen": 44.0, "n_wachtend": 486})
        assert sections.naive_vs_km_text("Toewijzing → start zorg", row, threshold=10) == (
            "**Toewijzing → start zorg**: alleen de afgeronde wachttijden geven een mediaan van "
            "32 dagen; Kaplan–Meier, dat de 486 kinderen die op de peildatum nog wachten "
            "meetelt, geeft 44 dagen (12 dagen langer)."
        )
        row = pd.Series(
            {"mediaan_afgerond_dagen": 3.0, "mediaan_dagen": math.inf, "n_wachtend": None}
        )
        assert "minder dan 10 wachten nog" in sections.naive_vs_km_text("X", row, threshold=10)
        row = pd.Series({"mediaan_afgerond_dagen": math.nan, "mediaan_dagen": 4.0, "n_wachtend": 0})
        assert "te weinig trajecten" in sections.naive_vs_km_text("X", row, threshold=10)

    def test_definition_text_names_the_numbers_and_the_reasons_left_out(self):
        row = pd.Series(
            {
                "n": 4142,
                "n_gestart": 3276,
                "n_wachtend": 486,
                "n_uitgevallen": None,
                "mediaan_dagen": 44.0,
                "p90_dagen": math.inf,
                "pct_nul_dagen": 8.6,
                "n_negatief_nul": 314,
            }
        )
        recon = pd.DataFrame(
            {
                "stap": ["uit", "uit", "uit"],
                "reden": [wt.OUT_FILTER, wt.OUT_NEGATIVE, wt.OUT_BEFORE_DATA],
                "n": [712, 314, 0],
            }
        )
        sens = pd.Series({"n_gemarkeerd": 299, "mediaan_zonder_dagen": 49.0, "mediaan_dagen": 44.0})
        text = sections.definition_text(TS, row, recon, sens, threshold=10)
        assert text.startswith("### Toewijzing → start zorg")
        assert (
            "In het cohort tellen 4.142 trajecten mee: 3.276 gestart, 486 wachten nog op de "
            "peildatum en minder dan 10 zonder zorg uitgevallen. De mediaan volgens Kaplan–Meier "
            "is 44 dagen, P90 niet bereikt. 8,6% van de gestarte trajecten heeft 0 dagen."
        ) in text
        assert "Niet meegeteld: 314 met 'negatieve duur' (zie de aansluiting)." in text
        assert (
            "Bij 314 trajecten ligt de Begindatum (305) vóór de Toewijzingsdatum (eerste versie) "
            "(301): die tellen mee als 0 dagen (gestart zonder te wachten), niet als fout "
            "weggelaten."
        ) in text
        row["n_negatief_nul"] = None  # suppressed
        text = sections.definition_text(TS, row, recon, sens, threshold=10)
        assert "Bij minder dan 10 trajecten ligt de Begindatum (305) vóór" in text
        row["n_negatief_nul"] = 0
        assert "vóór de Toewijzingsdatum" not in sections.definition_text(
            TS, row, recon, sens, threshold=10
        )
        assert "Zonder de 299 trajecten die de quick scan markeert is de mediaan 49 dagen" in text

    def test_definition_text_tells_a_protected_count_from_a_small_one(self):
        # n_wachtend and n_uitgevallen blanked: the first to protect the row sum, the second small
        row = pd.Series(
            {"n": 300, "n_gestart": 250, "n_wachtend": None, "n_uitgevallen": None,
             "mediaan_dagen": 40.0, "p90_dagen": 90.0, "pct_nul_dagen": 0.0}
        )
        shown_row = pd.Series(
            {"n": "300", "n_gestart": "250", "n_wachtend": sections.HIDDEN_MARK,
             "n_uitgevallen": "<10"}
        )
        empty = pd.DataFrame({"stap": [], "reden": [], "n": []})
        text = sections.definition_text(TS, row, empty, None, threshold=10, shown_row=shown_row)
        assert (
            "250 gestart, een afgeschermd aantal wachten nog op de peildatum en minder dan 10 "
            "zonder zorg uitgevallen."
        ) in text


def _simulated_pathways(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Toewijzingen over a year with a growing inflow and log-normal waits (median 60 days)."""
    arrival = np.floor(365 * np.sqrt(rng.uniform(size=n))).astype(int)  # inflow grows linearly
    wait = np.floor(rng.lognormal(np.log(60), 0.8, size=n)).astype(int)
    origin = pd.Timestamp("2023-01-01")
    start = origin + pd.to_timedelta(arrival, unit="D")
    stop = start + pd.to_timedelta(wait, unit="D")
    p = pathways(*[{} for _ in range(n)])
    p["eerste_toewijzingsdatum"] = start
    p["start_begindatum"] = stop
    return p, wait


class TestSimulation:
    PEIL = pd.Timestamp("2023-01-01") + pd.Timedelta(days=365)

    def test_kaplan_meier_recovers_the_median_of_a_growing_list(self):
        p, wait = _simulated_pathways(np.random.default_rng(1), 4000)
        truth = float(np.median(wait))
        m = wt.measure_waits(p, TS, peildatum=self.PEIL)
        row, _ = wt.estimate(wt.included(m), min_n=10)
        assert row["n_wachtend"] > 1000  # the growing list: many still wait
        assert abs(row["mediaan_dagen"] - truth) <= 0.05 * truth
        assert row["mediaan_afgerond_dagen"] < 0.85 * truth  # completed only: clearly too short

    def test_left_truncation_recovers_the_median_when_the_data_begin_late(self):
        p, wait = _simulated_pathways(np.random.default_rng(2), 6000)
        truth = float(np.median(wait))
        begin = pd.Timestamp("2023-01-01") + pd.Timedelta(days=180)
        # only pathways started after the data begin, or still waiting then, are in the data
        seen = p[(p["eerste_toewijzingsdatum"] >= begin) | (p["start_begindatum"] > begin)]
        with_entry = wt.measure_waits(seen, TS, peildatum=self.PEIL, data_begin=begin)
        ignored = wt.measure_waits(seen, TS, peildatum=self.PEIL)
        assert (with_entry["entry"] > 0).sum() > 300
        row, _ = wt.estimate(wt.included(with_entry), min_n=10)
        naive, _ = wt.estimate(wt.included(ignored), min_n=10)
        assert abs(row["mediaan_dagen"] - truth) <= 0.05 * truth
        assert naive["mediaan_dagen"] > 1.1 * truth  # long waits over-represented


@pytest.fixture(scope="module")
def example(example_store):
    from kit.checks import prepare_scan

    data = prepare_scan(example_store, peildatum="2026-03-31")
    return data.pathways


class TestBacktestExample:
    def test_auto_305_makes_toewijzing_start_look_short_while_the_true_wait_is_not(self, example):
        profiles = pd.read_csv(EXAMPLE_DIR / "aanbieders.csv", dtype=str)
        auto = set(profiles.loc[profiles["profiel"] == "auto_305", "aanbieder"])
        m = wt.included(wt.measure_waits(example, TS, peildatum="2026-03-31"))
        truth = pd.read_csv(EXAMPLE_DIR / "waarheid_trajecten.csv", dtype=str)
        truth = truth.dropna(subset=["ToewijzingNummer"])
        truth["pathway_id"] = truth["gemeente"] + ":" + truth["ToewijzingNummer"]
        joined = m.merge(truth[["pathway_id", "true_start"]], on="pathway_id")
        joined["echte_wacht"] = (pd.to_datetime(joined["true_start"]) - joined["start"]).dt.days
        at_auto = joined[joined["aanbieder"].isin(auto)]
        row, _ = wt.estimate(at_auto, min_n=10)
        assert row["n"] > 300
        assert row["mediaan_dagen"] <= 1  # the messages say: started at once
        assert at_auto["echte_wacht"].median() >= 30  # the children waited weeks

    def test_quick_scan_flags_the_auto_305_starts(self, example, example_store):
        from kit.checks import evaluate_checks, load_checks, prepare_scan

        data = prepare_scan(example_store, peildatum="2026-03-31")
        checks = [c for c in load_checks() if c.id == "start_automatisch"]
        flags = evaluate_checks(data, checks).flagged()
        flagged = set(wt.flagged_pathways(example, flags, checks=["start_automatisch"]))
        profiles = pd.read_csv(EXAMPLE_DIR / "aanbieders.csv", dtype=str)
        auto = set(profiles.loc[profiles["profiel"] == "auto_305", "aanbieder"])
        started = example[example["start_begindatum"].notna()]
        share_auto = started[started["aanbieder"].isin(auto)]["pathway_id"].isin(flagged).mean()
        share_other = started[~started["aanbieder"].isin(auto)]["pathway_id"].isin(flagged).mean()
        assert share_auto > 0.8 and share_other < 0.2

    def test_starts_before_the_toewijzing_count_as_day_zero(self, example):
        zero = wt.included(wt.measure_waits(example, TS, peildatum="2026-03-31"))
        out = replace(TS, negative=wt.NEGATIVE_OUT)
        left_out = wt.included(wt.measure_waits(example, out, peildatum="2026-03-31"))
        row, _ = wt.estimate(zero, min_n=10)
        row_out, _ = wt.estimate(left_out, min_n=10)
        assert row["n_negatief_nul"] > 250 and row_out["n_negatief_nul"] == 0
        assert row["n"] == row_out["n"] + row["n_negatief_nul"]
        assert row["n_gestart"] == row_out["n_gestart"] + row["n_negatief_nul"]
        assert row["mediaan_dagen"] < row_out["mediaan_dagen"]  # dropping them moved the median

    def test_ingang_declaratie_shows_many_zero_day_waits(self, example):
        d = DEFS.get("ingang_declaratie")
        table, _ = wt.summarise(
            wt.measure_waits(example, d, peildatum="2026-03-31"), d, norms=DEFS.norms, by=()
        )
        assert table.loc[0, "pct_nul_dagen"] > 10  # TR387: first ProductPeriode = Ingangsdatum


class TestCli:
    def test_wachttijden_writes_the_summary_and_curves(self, example_store, tmp_path, capsys):
        from kit.__main__ import main
        from kit.store import read_table

        out = tmp_path / "uit"
        code = main(
            [
                "wachttijden",
                "--store",
                str(example_store),
                "--peildatum",
                "2026-03-31",
                "--van",
                "2025-04-01",
                "--uit",
                str(out),
            ]
        )
        assert code == 0
        printed = capsys.readouterr().out
        assert "toewijzing_start" in printed
        assert "  ingang_declaratie: voorlopig, geteld tot en met 2026-" in printed
        snap = pd.read_csv(out / "momentopname.csv")
        bands = snap.loc[snap["definitie"] == "toewijzing_start", "n_wachtend"]
        line = next(x for x in printed.splitlines() if x.strip().startswith("toewijzing_start"))
        n_now = int(line.rsplit("wachtend op de peildatum: ", 1)[1])
        # the printed snapshot is the band total (hidden bands hold fewer than 10 each), rounded
        # to 5 like every published count, as the bands are
        assert n_now % 5 == 0
        assert bands.sum() - 2.5 * len(bands) <= n_now
        assert n_now <= bands.sum() + 2.5 * len(bands) + 9 * bands.isna().sum()
        summary = pd.read_csv(out / "samenvatting.csv", dtype={"groep": str})
        assert summary.columns.tolist() == [*wt.summary_columns(DEFS.norms), "onderdrukt"]
        assert "pct_binnen_28d" in summary.columns and "pct_binnen_91d" in summary.columns
        groups = set(summary["groep"])
        assert {"totaal", "categorie=45", "gemeente=9901", "aanbieder=98000003"} <= groups
        assert set(summary["definitie"]) == set(DEFS.ids)
        small = summary[summary["n"].isna()]
        assert small["mediaan_dagen"].isna().all()  # no median where n is suppressed
        km = pd.read_csv(out / "km.csv")
        steps = km[km["n_gestart"] > 0]
        assert len(steps) > 50 and (steps["n_gestart"] >= 10).all()
        texts = "".join(p.read_text(encoding="utf-8") for p in out.glob("*.csv"))
        pseudonyms = set(read_table(example_store, "toewijzingen")["client_id"].dropna())
        assert not [x for x in pseudonyms if x in texts]

    def test_wachttijden_reports_a_bad_definitions_file(self, example_store, tmp_path, capsys):
        from kit.__main__ import main

        bad = yaml_file(tmp_path, MINIMAL.replace("kolom: start_begindatum", "kolom: x"))
        code = main(
            [
                "wachttijden",
                "--store",
                str(example_store),
                "--peildatum",
                "2026-03-31",
                "--definities",
                str(bad),
                "--uit",
                str(tmp_path / "uit"),
            ]
        )
        assert code == 2
        assert "definitie eigen" in capsys.readouterr().err
