"""The "vermoedelijk vervallen" rule (silent lapses) and the stated populations of the
waiting-time definitions (kit/waits/), on hand-built pathways with reasoned answers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_waiting_times import pathways

from kit import waits as wt

DEFS = wt.load_definitions()
TS = DEFS.get("toewijzing_start")
PEIL = pd.Timestamp("2025-03-31")
LAPSE = "vermoedelijk_vervallen"


def toewijzing(**dates) -> dict:
    base = {
        "eerste_toewijzingsdatum": "2024-06-01",
        "toewijzingsdatum": "2024-06-01",
        "eerste_dagtekening": "2024-06-02",
        "ingangsdatum": "2024-06-15",
    }
    return base | dates


class TestSilentExit:
    def test_the_shipped_rule(self):
        (x,) = [x for x in TS.exits if x.id == LAPSE]
        assert x.silent_days == 180 and x.date == ""
        assert {"ingangsdatum", "start_dagtekening", "eerste_declaratie_dagtekening"} <= set(
            x.silent_after
        )
        assert "geen enkel bericht" in x.explanation

    def test_a_pathway_without_news_for_the_silent_days_left_on_that_day(self):
        p = pathways(
            toewijzing(),  # silent since the Ingangsdatum 2024-06-15: lapsed on 2024-12-12
            # a new 301 version on 2025-01-10: silent since then, not 180 days yet
            toewijzing(toewijzingsdatum="2025-01-10"),
            toewijzing(start_begindatum="2024-09-01", start_dagtekening="2024-09-03"),
            # a declaration on 2024-11-10 is news too, but no start: lapsed 2025-05-09 > peil
            toewijzing(eerste_declaratie_dagtekening="2024-11-10"),
            # a message after the peildatum is not known yet
            toewijzing(toewijzingsdatum="2025-05-01"),
        )
        m = wt.measure_waits(p, TS, peildatum=PEIL)
        assert m["event"].tolist() == [wt.LEFT, wt.CENSORED, wt.STARTED, wt.CENSORED, wt.LEFT]
        assert m.loc[0, "uitval"] == LAPSE
        assert m.loc[0, "einde"] == pd.Timestamp("2024-12-12")
        assert m.loc[0, "dagen"] == (pd.Timestamp("2024-12-12") - pd.Timestamp("2024-06-01")).days
        # without the rule the same pathways still wait at the peildatum
        plain = wt.without_silent_exits(DEFS).get("toewijzing_start")
        assert LAPSE not in [x.id for x in plain.exits]
        m0 = wt.measure_waits(p, plain, peildatum=PEIL)
        assert m0["event"].tolist() == [wt.CENSORED] * 2 + [wt.STARTED] + [wt.CENSORED] * 2

    def test_the_rule_in_a_region_copy_is_validated(self, tmp_path: Path):
        text = (Path(wt.__file__).parents[1] / "waiting_times.yaml").read_text(encoding="utf-8")
        for old, new, message in (
            ("stil_dagen: 180", "stil_dagen: 0", "stil_dagen"),
            ("      - stop_dagtekening\n", "      - stop_reden\n", "stil_na"),
        ):
            path = tmp_path / "w.yaml"
            path.write_text(text.replace(old, new), encoding="utf-8")
            with pytest.raises(ValueError, match=message):
                wt.load_definitions(path)
        path.write_text(text.replace("stil_dagen: 180", "stil_dagen: 90"), encoding="utf-8")
        (x,) = [x for x in wt.load_definitions(path).get("vot_start").exits if x.id == LAPSE]
        assert x.silent_days == 90


class TestLapseComparison:
    def test_waiting_list_and_median_with_and_without_the_rule(self):
        rows = [toewijzing() for _ in range(12)]  # silent: off the list with the rule
        rows += [toewijzing(toewijzingsdatum="2025-01-10") for _ in range(11)]  # still waiting
        rows += [
            toewijzing(start_begindatum=f"2024-07-{d:02d}", start_dagtekening=f"2024-07-{d:02d}")
            for d in range(1, 16)
        ]
        rows += [toewijzing(categorie="54", toewijzingsdatum="2025-01-10") for _ in range(10)]
        results = wt.compute_waits(
            pathways(*rows), DEFS, peildatum=PEIL, only=["toewijzing_start"], min_n=10
        )
        lapse = results.lapse.set_index(["definitie", "groep"])
        total = lapse.loc[("toewijzing_start", "totaal")]
        assert (total["n_wachtend_zonder_regel"], total["n_wachtend"]) == (33, 21)
        assert total["n_vervallen"] == 12
        assert total["n"] == total["n_zonder_regel"] == 48
        # without the rule the 12 silent pathways wait on: KM stays above 1/2 for longer
        assert total["mediaan_dagen"] <= total["mediaan_zonder_regel_dagen"]
        cat54 = lapse.loc[("toewijzing_start", "categorie=54")]
        assert (cat54["n_wachtend"], cat54["n_vervallen"]) == (10, 0)
        safe = wt.shared_tables(results)["vermoedelijk_vervallen"].suppressed(10)
        shown = safe["n_vervallen"]
        assert (shown.isna() | (shown == 0) | (shown >= 10)).all()


    def test_the_comparison_uses_the_same_cut_off_as_the_figures(self):
        # 323-based definition counted up to the last complete declaration month: declarations
        # that arrived later are not known to either side, so the rule alone makes a difference
        rows = [
            toewijzing(
                ingangsdatum="2024-12-01",
                eerste_productperiode="2025-02-10",
                eerste_declaratie_dagtekening="2025-03-10",
            )
            for _ in range(12)
        ]
        results = wt.compute_waits(
            pathways(*rows),
            DEFS,
            peildatum=PEIL,
            only=["ingang_declaratie"],
            min_n=10,
            complete={"323": pd.Timestamp("2025-01-31")},
        )
        total = results.lapse.set_index(["definitie", "groep"]).loc[
            ("ingang_declaratie", "totaal")
        ]
        assert total["n_vervallen"] == 0
        assert total["n_wachtend"] == total["n_wachtend_zonder_regel"] == 12


class TestPopulation:
    def test_the_filters_and_the_pathways_they_leave_out_are_stated(self):
        rows = [toewijzing() for _ in range(3)]
        rows += [toewijzing(categorie=c) for c in ("46", "47", "47", "48")]
        rows += [  # before the cohort window
            toewijzing(
                categorie="47", eerste_toewijzingsdatum="2023-01-01", ingangsdatum="2023-01-15"
            )
        ]
        results = wt.compute_waits(
            pathways(*rows),
            DEFS,
            peildatum=PEIL,
            van="2024-01-01",
            only=["toewijzing_start", "ingang_declaratie"],
        )
        pop = results.population.set_index("definitie")
        assert pop.loc["toewijzing_start", "populatie"] == "zonder productcategorie 46, 47, 48"
        assert pop.loc["toewijzing_start", "n_buiten_populatie"] == 4
        assert pop.loc["ingang_declaratie", "populatie"] == "alleen productcategorie 45"
        assert pop.loc["ingang_declaratie", "n_buiten_populatie"] == 4
        # the count is small here: suppressed when shared
        safe = wt.shared_tables(results)["populatie"].suppressed(10)
        assert safe["n_buiten_populatie"].isna().all()


class TestReportTexts:
    def test_population_next_to_the_totals(self):
        from kit import sections

        pop = pd.DataFrame(
            {
                "definitie": ["a", "b", "c", "d"],
                "populatie": ["zonder productcategorie 46, 47, 48"] * 3 + ["alle trajecten"],
                "n_buiten_populatie": pd.array([710, None, 0, 0], dtype="Int64"),
            }
        )
        texts = sections.population_texts(pop, threshold=10)
        assert texts == {
            "a": "zonder productcategorie 46, 47, 48 (710 weggelaten)",
            "b": "zonder productcategorie 46, 47, 48 (minder dan 10 weggelaten)",
            "c": "zonder productcategorie 46, 47, 48 (niets weggelaten)",
            "d": "alle trajecten",
        }

    def test_lapse_table_in_dutch(self):
        from kit import sections

        lapse = pd.DataFrame(
            {
                "definitie": ["toewijzing_start"],
                "groep": ["totaal"],
                "n": [500],
                "n_wachtend": [435],
                "n_vervallen": pd.array([None], dtype="Int64"),
                "mediaan_dagen": [39.0],
                "n_zonder_regel": [500],
                "n_wachtend_zonder_regel": [485],
                "mediaan_zonder_regel_dagen": [float("inf")],
            }
        )
        row = sections.lapse_table(lapse, {"toewijzing_start": "T → S"}, threshold=10).iloc[0]
        assert row["Definitie"] == "T → S"
        assert (row["Wachtlijst zonder regel"], row["Wachtlijst met regel"]) == ("485", "435")
        assert row["Vermoedelijk vervallen"] == "<10"
        assert (row["Mediaan met regel"], row["Mediaan zonder regel"]) == ("39 dagen", "niet bereikt")


class TestCliStatesThePopulation:
    def test_each_total_says_what_its_filters_leave_out(self, example_store, tmp_path, capsys):
        from kit.__main__ import main

        out = tmp_path / "uit"
        args = ["wachttijden", "--store", str(example_store), "--peildatum", "2026-03-31"]
        assert main([*args, "--uit", str(out)]) == 0
        printed = capsys.readouterr().out.splitlines()
        line = next(x for x in printed if x.strip().startswith("toewijzing_start"))
        assert "(zonder productcategorie 46, 47, 48: " in line and " weggelaten)" in line
        pop = pd.read_csv(out / "populatie.csv").set_index("definitie")
        left_out = pop.loc["toewijzing_start", "n_buiten_populatie"]
        assert left_out >= 10 and f": {left_out} weggelaten" in line
        assert "weggelaten" not in next(x for x in printed if x.strip().startswith("trajectduur"))
        lapse = pd.read_csv(out / "vermoedelijk_vervallen.csv")
        total = lapse[(lapse["definitie"] == "toewijzing_start") & (lapse["groep"] == "totaal")]
        assert (total["n_wachtend"] < total["n_wachtend_zonder_regel"]).all()
