"""Tests for the quick-scan framework (kit/checks/__init__.py), patterns and shared outputs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import yaml
from builders import (
    AGB,
    AGB2,
    GEM,
    bericht,
    bestand,
    regie,
    retourcode,
    scan,
    shipped_parameters,
    toewijzing,
)

import kit.checks
from kit.checks import (
    DIMENSIONS,
    RULE_PREFIXES,
    SEVERITIES,
    Check,
    count_groups,
    evaluate_checks,
    load_checks,
    prepare_scan,
    quickscan_tables,
)
from kit.checks.base import FILE, MESSAGE, REGISTRY, ROW, first_positions
from kit.checks.patterns import median_interval, provider_patterns, vot_start_comparison
from kit.outputs import SharedTable, write_shared

SHIPPED = yaml.safe_load(
    __import__("importlib.resources").resources.files("kit.checks")
    .joinpath("checks.yaml").read_text(encoding="utf-8")
)["controles"]


def check(cid: str, ernst: str = "waarschuwing", aan: bool = True, **params) -> Check:
    return Check(id=cid, name=cid, message_type="305", dimension="tijdigheid", severity=ernst,
                 rules=("OP271",), explanation="x",
                 parameters=shipped_parameters(cid) | params, enabled=aan)


class TestShippedChecks:
    def test_yaml_ids_and_registry_match_both_ways(self):
        assert {c["id"] for c in SHIPPED} == set(REGISTRY)

    def test_every_entry_is_complete_and_uses_known_vocabulary(self):
        for c in SHIPPED:
            assert c["dimensie"] in DIMENSIONS, c["id"]
            assert c["ernst"] in SEVERITIES, c["id"]
            assert c["regels"] and all(str(r).startswith(RULE_PREFIXES) for r in c["regels"])
            assert len(c["uitleg"].split()) >= 8, c["id"]

    def test_at_least_the_36_proposed_checks(self):
        assert len(SHIPPED) >= 36


class TestLoadChecks:
    def write(self, tmp_path, entries) -> str:
        path = tmp_path / "mijn_controles.yaml"
        path.write_text(yaml.safe_dump({"controles": entries}, allow_unicode=True), encoding="utf-8")
        return path

    def entry(self, **over) -> dict:
        return {"id": "start_te_laat", "naam": "Te laat", "berichttype": "305",
                "dimensie": "tijdigheid", "ernst": "waarschuwing", "regels": ["OP271"],
                "uitleg": "Uitleg.", "gewicht": 5, "wat_te_doen": "Stuur de 305 op tijd.",
                "parameters": {"max_werkdagen": 8}, "aan": False} | over

    def test_region_copy_changes_threshold_and_switches_off(self, tmp_path):
        [got] = load_checks(self.write(tmp_path, [self.entry()]))
        assert got.parameters == {"max_werkdagen": 8}
        assert got.enabled is False
        assert (got.weight, got.action) == (5, "Stuur de 305 op tijd.")

    @pytest.mark.parametrize(
        "over,message",
        [
            ({"id": "bestaat_niet"}, "geen code"),
            ({"dimensie": "snelheid"}, "dimensie"),
            ({"ernst": "erg"}, "ernst"),
            ({"regels": ["XX1"]}, "regelcode"),
            ({"uitleg": ""}, "uitleg"),
            ({"wat_te_doen": ""}, "wat_te_doen"),
            ({"gewicht": 6}, "gewicht"),
        ],
    )
    def test_invalid_entries_name_the_check_and_field(self, tmp_path, over, message):
        with pytest.raises(ValueError, match=message):
            load_checks(self.write(tmp_path, [self.entry(**over)]))


def late_start_data():
    # 100: 305 on time (5 wd); 101: 305 late (6 wd); 102 at another aanbieder: late.
    return scan(
        toewijzingen=[toewijzing("100"), toewijzing("101"), toewijzing("102", aanbieder=AGB2)],
        starts=[
            regie("305", "100", dag="2024-01-23", bericht_id="ok"),
            regie("305", "101", dag="2024-01-24", bericht_id="late"),
            regie("305", "102", dag="2024-02-24", aanbieder=AGB2, bericht_id="late2"),
        ],
    )


class TestEvaluateChecks:
    def test_status_off_and_not_assessable(self):
        data = scan(toewijzingen=[toewijzing()])  # no 305s: start checks cannot be judged
        result = evaluate_checks(data, [check("start_te_laat"), check("start_automatisch", aan=False)])
        status = dict(zip(result.status["check_id"], result.status["status"], strict=True))
        assert status == {"start_te_laat": "niet te beoordelen", "start_automatisch": "uit"}
        assert result.flags.empty

    def test_findings_count_checked_and_failing_per_group(self):
        result = evaluate_checks(late_start_data(), [check("start_te_laat", max_werkdagen=5)])
        got = result.findings().set_index("aanbieder")
        assert got.loc[AGB, "n_gecontroleerd"] == 2
        assert got.loc[AGB, "n_afwijkend"] == 1
        assert got.loc[AGB, "pct_afwijkend"] == 50.0
        assert got.loc[AGB2, "n_afwijkend"] == 1

    def test_scores_count_rows_failing_no_severe_check(self):
        checks = [check("start_te_laat", max_werkdagen=5),
                  check("start_automatisch", ernst="signaal", max_werkdagen_na_301=100)]
        scores = evaluate_checks(late_start_data(), checks).scores().set_index("berichttype")
        # signals do not count against reliability: 1 of 3 starts passes start_te_laat
        assert scores.loc["305", "n"] == 3
        assert scores.loc["305", "n_betrouwbaar"] == 1
        assert scores.loc["totaal", "pct_betrouwbaar"] == pytest.approx(33.3)

    def test_scores_per_month(self):
        result = evaluate_checks(late_start_data(), [check("start_te_laat", max_werkdagen=5)])
        per_month = result.scores(per_month=True)
        assert set(per_month["maand"]) == {"2024-01", "2024-02"}
        feb = per_month[(per_month["berichttype"] == "305") & (per_month["maand"] == "2024-02")]
        assert feb["n_betrouwbaar"].tolist() == [0]


def message_and_rows_data():
    """Message m1 (a 305 with a wrong BerichtVersie) with two rows; its retour r1 has none."""
    return scan(
        berichten=[
            bericht("305", ident="S1", dag="2024-01-20", BerichtVersie="2", bericht_id="m1"),
            bericht("306", ident="S1", dag="2024-01-20", bericht_id="r1"),
        ],
        toewijzingen=[toewijzing("100"), toewijzing("101")],
        starts=[
            regie("305", "100", bericht_id="m1", regel=0),
            regie("305", "101", bericht_id="m1", regel=1),
        ],
        retourcodes=[
            retourcode("0001", heen="305", ident="S1", bericht_id="r1"),
            retourcode("0200", heen="305", ident="S1", bericht_id="r1"),
        ],
        bestanden=[bestand("a.xml", "h1"), bestand("b.xml", "h1")],
    )


class TestRecordKeys:
    def test_labels_kinds_and_messages(self):
        data = message_and_rows_data()
        keys = data.keys
        starts = data.rows("starts")["record"].to_numpy()
        messages = data.rows("berichten")["record"].to_numpy()
        assert list(keys.labels(starts)) == ["m1:0", "m1:1"]
        assert list(keys.labels(messages)) == ["m1", "r1"]
        # a table without regel holds messages: its rows get their message's key
        assert list(data.rows("retourcodes")["record"]) == [messages[1], messages[1]]
        kind, message = keys.kinds(np.concatenate([starts, messages]))
        assert list(kind) == [ROW, ROW, MESSAGE, MESSAGE]
        assert list(message) == [messages[0], messages[0], messages[0], messages[1]]
        files = keys.of_table("bestanden")
        assert list(keys.labels(files)) == ["bestand:h1", "bestand:h1"]
        assert list(keys.kinds(files)[0]) == [FILE, FILE]
        assert list(keys.of_labels(pd.Series(["m1:1", "zz:0"]), "starts")) == [starts[1], -1]
        assert len(set(starts) | set(messages) | set(files)) == 6

    def test_rows_of_named_messages(self):
        data = message_and_rows_data()
        # "zz" is no message of berichten: it matches nothing, not the rows whose message is
        # missing from berichten either (both have no position)
        mask = data.message_mask(["m1", "zz"])
        assert mask.tolist() == [True, False, False]  # m1, r1, then "not in berichten"
        assert data.in_messages("starts", mask).tolist() == [True, True]
        assert data.in_messages("retourcodes", mask).tolist() == [False, False]
        assert data.in_messages("retourcodes", data.message_mask(["r1"])).tolist() == [True, True]
        orphan = scan(starts=[regie("305", bericht_id="weg")], berichten=[bericht("301")])
        assert orphan.in_messages("starts", orphan.message_mask(["weg", "b0"])).tolist() == [False]

    @pytest.mark.parametrize("source", ["hand-built", "example"])
    def test_narrowed_keys_give_the_same_labels_and_kinds(self, source, request):
        if source == "example":
            data = prepare_scan(request.getfixturevalue("example_store"), peildatum="2025-06-30")
        else:
            data = message_and_rows_data()
        keys = np.concatenate([data.keys.of_table(name) for name in data.tables])
        narrow = data.keys.narrowed()
        assert all(set(f.columns) <= {"bericht_id", "regel", "inhoud_hash"}
                   for f in narrow.tables.values())
        assert {n: len(f) for n, f in narrow.tables.items()} == {
            n: len(f) for n, f in data.tables.items()
        }
        assert list(narrow.labels(keys)) == list(data.keys.labels(keys))
        for got, want in zip(narrow.kinds(keys), data.keys.kinds(keys), strict=True):
            np.testing.assert_array_equal(got, want)
        result = evaluate_checks(data, [c for c in load_checks() if c.id != "bsn_testnummer"])
        narrowed = replace(result, keys=narrow)
        pd.testing.assert_frame_equal(narrowed.flagged(), result.flagged())
        pd.testing.assert_frame_equal(narrowed.scores(), result.scores())

    def test_failing_message_fails_its_rows_and_a_message_without_rows_counts_alone(self):
        checks = [check("kop_ongeldig", ernst="fout"), check("start_te_laat", max_werkdagen=50)]
        result = evaluate_checks(message_and_rows_data(), checks)
        verdicts = result.record_verdicts()
        labels = dict(zip(result.keys.labels(verdicts["record"]), verdicts["betrouwbaar"],
                          strict=True))
        # m1 itself is no record (it has rows); its header fails, so both rows fail
        assert labels == {"m1:0": False, "m1:1": False, "r1": True}
        scores = result.scores().set_index("berichttype")
        assert scores.loc["305", ["n", "n_betrouwbaar"]].tolist() == [2, 0]
        assert scores.loc["306", ["n", "n_betrouwbaar"]].tolist() == [1, 1]
        flagged = result.flagged()
        assert sorted(flagged["record"]) == ["m1"]
        assert list(flagged["check_id"]) == ["kop_ongeldig"]


class TestProviderPatterns:
    PARAMS = {
        "auto_werkdagen": 1,
        "auto_verwacht": ("46", "47", "48"),
        "auto_aandeel_pct": 50,
        "vot_start_dagen": 14,
        "min_n": 10,
        "min_aanbieders": 3,
        "min_verschil_dagen": 14,
        "betrouwbaarheid": 0.95,
        "vraag": "vraag",
    }

    def test_auto_305_vot_and_zero_day_declarations(self):
        vot = {"berichttype": "315", "gemeente": GEM, "aanbieder": AGB, "Identificatie": "V1",
               "Dagtekening": "2024-01-02", "ProductCategorie": "45"}
        data = scan(
            verzoeken=[vot | {"client_id": "c1", "ReferentieAanbieder": "R1"},
                       vot | {"client_id": "c2", "ReferentieAanbieder": "R2"}],
            toewijzingen=[toewijzing("100", dag="2024-01-05", datum="2024-01-04", ref="R1"),
                          toewijzing("101", dag="2024-01-05", client="c2", ref="R2"),
                          toewijzing("102", dag="2024-01-05", client="c3")],
            starts=[
                # 100: sent before the Ingangsdatum with Begindatum = Ingangsdatum: automatic
                regie("305", "100", dag="2024-01-06", begin="2024-01-15"),
                regie("305", "101", dag="2024-01-16", begin="2024-01-15", client="c2",
                      ToewijzingIngangsdatum="2024-01-15") | {"Begindatum": "2024-01-15"},
                regie("305", "102", dag="2024-02-01", begin="2024-01-29", client="c3"),
            ],
            prestaties=[{"berichttype": "323", "gemeente": GEM, "aanbieder": AGB,
                         "Identificatie": "D1", "Dagtekening": "2024-02-10", "client_id": "c1",
                         "ToewijzingNummer": "100", "ReferentieNummer": "X1",
                         "ProductPeriodeBegindatum": "2024-01-15",
                         "ProductPeriodeEinddatum": "2024-01-31",
                         "IngediendBedragDebetCredit": "D"}],
        )
        row = provider_patterns(data, self.PARAMS).set_index("aanbieder").loc[AGB]
        assert (row["n_starts"], row["n_auto_305"]) == (3, 2)
        # 101 was sent on the first working day after the Ingangsdatum: automatic as well
        assert row["pct_auto_305"] == 66.7
        # two thirds automatic: no 315 or waiting figure of this aanbieder is shown
        assert row["gespreksagenda_vot"] == "niet te vergelijken: de 305's lijken automatisch"
        assert pd.isna(row["pct_vot_bij_start"]) and pd.isna(row["mediaan_toewijzing_start_dagen"])
        assert (row["n_gedeclareerd"], row["n_nul_dagen_declaratie"]) == (1, 1)

    def test_the_315_figures_leave_automatic_starts_out(self):
        vot = {"berichttype": "315", "gemeente": GEM, "aanbieder": AGB, "Identificatie": "V1",
               "Dagtekening": "2024-01-02", "ProductCategorie": "45"}
        data = scan(
            verzoeken=[vot | {"client_id": "c1", "ReferentieAanbieder": "R1"},
                       vot | {"client_id": "c2", "ReferentieAanbieder": "R2"}],
            toewijzingen=[toewijzing("100", dag="2024-01-05", datum="2024-01-04", ref="R1"),
                          toewijzing("101", dag="2024-01-05", client="c2", ref="R2"),
                          toewijzing("102", dag="2024-01-05", client="c3"),
                          toewijzing("103", dag="2024-01-05", client="c4")],
            starts=[
                regie("305", "100", dag="2024-01-06", begin="2024-01-15"),  # automatic
                regie("305", "101", dag="2024-01-25", begin="2024-01-22", client="c2"),
                regie("305", "102", dag="2024-02-01", begin="2024-01-29", client="c3"),
                regie("305", "103", dag="2024-02-01", begin="2024-01-30", client="c4"),
            ],
        )
        row = provider_patterns(data, self.PARAMS).set_index("aanbieder").loc[AGB]
        assert (row["n_starts"], row["n_auto_305"], row["pct_auto_305"]) == (4, 1, 25.0)
        # only 101 counts: 315 of 2024-01-02, care from 2024-01-22 = 20 days > 14
        assert (row["n_vot_gestart"], row["n_vot_bij_start"]) == (1, 0)
        # toewijzing 2024-01-04 -> 18, 25 and 26 days (the automatic start left out)
        assert row["mediaan_toewijzing_start_dagen"] == 25
        assert pd.isna(row["gespreksagenda_vot"])  # too few pathways to compare

    def test_median_interval_uses_sign_test_ranks(self):
        values = np.arange(1, 11, dtype=float)[::-1]
        # n = 10: P(Bin(10, 1/2) <= 1) = 11/1024 <= 0.025 < P(<= 2): ranks 2 and 9 (1-based)
        assert median_interval(values, 0.95) == (2.0, 9.0)
        assert np.isnan(median_interval(values[:5], 0.95)[0])  # 5 values cannot give 95%
        big = np.arange(2001, dtype=float)
        low, high = median_interval(big, 0.95)
        assert low < 1000 < high and high - low < 100

    def test_peer_comparison_per_category(self):
        def pathways(aanbieder, categorie, days, n):
            vot = pd.Timestamp("2024-01-01")
            return pd.DataFrame(
                {
                    "aanbieder": [aanbieder] * n,
                    "categorie": [categorie] * n,
                    "vot_dagtekening": [vot] * n,
                    "start_begindatum": [vot + pd.Timedelta(days=days + i % 3) for i in range(n)],
                }
            )

        started = pd.concat(
            [
                pathways("A", "45", 5, 12),  # 5-7 days where the peers take 50-52
                pathways("B", "45", 50, 12),
                pathways("C", "45", 50, 12),
                pathways("F", "45", 200, 40),  # one large slow peer counts once
                pathways("A", "54", 40, 12),  # the same as its peers in category 54
                pathways("D", "54", 40, 12),
                pathways("G", "54", 40, 12),
                pathways("E", "43", 1, 12),  # no peers in category 43: not compared
            ],
            ignore_index=True,
        )
        args = {"min_n": 10, "min_peers": 2, "min_difference": 14, "confidence": 0.95}
        out = vot_start_comparison(started, **args)
        assert out.loc["A", "n_vot_vergeleken"] == 24
        assert out.loc["A", "verschil_vot_start_dagen"] < 0
        assert out.loc["A", "vot_signaal"] and out.loc["A", "vot_signaal_categorieen"] == "45"
        # B and C against the median of the medians of A, C/B and F (50), not against F's 200
        assert not out.loc["B", "vot_signaal"] and out.loc["B", "verschil_vot_start_dagen"] == 0
        assert out.loc["E", "n_vot_vergeleken"] == 0 and not out.loc["E", "vot_signaal"]
        # with fewer peers than asked, nothing is compared
        assert out.loc["D", "n_vot_vergeleken"] == 24 - 12
        few = vot_start_comparison(started, **(args | {"min_peers": 4}))
        assert few["n_vot_vergeleken"].sum() == 0 and not few["vot_signaal"].any()


class TestSharedOutputs:
    def test_quickscan_tables_are_suppressed_when_written(self, tmp_path):
        result = evaluate_checks(late_start_data(), [check("start_te_laat", max_werkdagen=5)])
        tables = quickscan_tables(result, provider_patterns(late_start_data()))
        write_shared(tables, tmp_path, threshold=10)
        bevindingen = pd.read_csv(tmp_path / "bevindingen.csv", dtype=str)
        assert list(bevindingen.columns)[:7] == ["check_id", "berichttype", "aanbieder",
                                                 "gemeente", "n_gecontroleerd", "n_afwijkend",
                                                 "pct_afwijkend"]
        # 2 checked, 1 failing: below 10, so empty, and the percentage with them
        assert bevindingen[["n_gecontroleerd", "n_afwijkend", "pct_afwijkend"]].isna().all().all()
        assert (bevindingen["onderdrukt"] == "True").all()
        controles = pd.read_csv(tmp_path / "controles.csv")
        assert controles.loc[0, "status"] == "beoordeeld"

    def test_threshold_is_configurable(self, tmp_path):
        result = evaluate_checks(late_start_data(), [check("start_te_laat", max_werkdagen=5)])
        write_shared(quickscan_tables(result, provider_patterns(late_start_data())), tmp_path,
                     threshold=1)
        got = pd.read_csv(tmp_path / "bevindingen.csv").set_index("aanbieder")
        assert got.loc[int(AGB), "n_afwijkend"] == 5  # shown (not blank), rounded to base 5

    def test_a_table_with_pseudonyms_is_refused(self, tmp_path):
        frame = pd.DataFrame({"client_id": ["abc"], "n": [12]})
        with pytest.raises(ValueError, match="client_id"):
            write_shared({"x": SharedTable(frame, ["n"])}, tmp_path)


class TestFirstPositions:
    def test_equal_to_a_sorting_unique(self):
        rng = np.random.default_rng(7)
        for n, k in [(1, 1), (50, 3), (10_000, 977), (10_000, 10_000)]:
            codes, _ = pd.factorize(rng.integers(0, k, n))
            np.testing.assert_array_equal(
                first_positions(codes), np.unique(codes, return_index=True)[1]
            )

    def test_known_answer_and_empty(self):
        assert first_positions(np.array([0, 0, 1, 0, 2, 1, 3])).tolist() == [0, 2, 4, 6]
        assert first_positions(np.array([], dtype=np.intp)).tolist() == []


class TestCountGroups:
    """count_groups equals pandas' groupby(observed=True, dropna=False) size and sum."""

    @staticmethod
    def frame(n: int = 5000, seed: int = 1) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        many = [f"a{i:03d}" for i in range(300)]  # more than an int8 code holds
        aanbieder = rng.choice([*many, None], n)
        return pd.DataFrame(
            {
                "check_id": pd.Categorical(rng.choice(["x", "y", "z"], n), categories=["z", "y", "x"]),
                "aanbieder": pd.Categorical(aanbieder),
                "gemeente": pd.Categorical(rng.choice(["0363", "0599", None], n)),
                "afwijkend": rng.random(n) < 0.2,
            }
        )

    @staticmethod
    def expected(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        grouped = frame.groupby(keys, observed=True, dropna=False, sort=False)["afwijkend"]
        out = grouped.agg(n="size", n_waar="sum").reset_index()
        return out.astype({"n": np.int64, "n_waar": np.int64})

    @pytest.mark.parametrize(
        "keys", [["check_id"], ["check_id", "aanbieder"], ["check_id", "aanbieder", "gemeente"]]
    )
    def test_same_as_groupby(self, keys):
        frame = self.frame()
        got = count_groups(frame, keys, "afwijkend")
        pd.testing.assert_frame_equal(got, self.expected(frame, keys))

    def test_known_answer_with_missing_values(self):
        frame = pd.DataFrame(
            {
                "k": pd.Categorical(["b", None, "b", "a", None]),
                "afwijkend": [True, False, False, True, True],
            }
        )
        got = count_groups(frame, ["k"], "afwijkend")
        assert got["k"].astype(object).where(got["k"].notna(), None).tolist() == ["b", None, "a"]
        assert got["n"].tolist() == [2, 2, 1] and got["n_waar"].tolist() == [1, 1, 1]
        assert list(got["k"].cat.categories) == ["a", "b"]

    @pytest.mark.parametrize("dense_up_to", [0, 2**24])
    def test_hashed_and_dense_counting_agree_in_small_chunks(self, dense_up_to, monkeypatch):
        # 0: every combination hashed (pd.factorize); 2**24: counted in arrays, the order of
        # appearance found 7 rows at a time
        monkeypatch.setattr(kit.checks, "DENSE_GROUPS", dense_up_to)
        monkeypatch.setattr(kit.checks, "CHUNK_ROWS", 7)
        frame = self.frame(n=700, seed=3)
        keys = ["check_id", "aanbieder", "gemeente"]
        pd.testing.assert_frame_equal(
            count_groups(frame, keys, "afwijkend"), self.expected(frame, keys)
        )

    @pytest.mark.parametrize(
        ("dense_up_to", "small_span", "positions"),
        [(2500, 2**16, [2]), (2**24, 2**16, []), (2500, 100, [2, 3]), (2**24, 100, [3])],
    )
    def test_renumbering_the_present_combinations_keeps_counts_and_order(
        self, dense_up_to, small_span, positions, monkeypatch
    ):
        # 4 x 302 x 4 combinations: over 2500, so the (check, aanbieder) pairs present (a few
        # hundred) are renumbered before gemeente is added (position 2); a span over
        # small_span at the end is renumbered to the combinations present (position 3)
        monkeypatch.setattr(kit.checks, "DENSE_GROUPS", dense_up_to)
        monkeypatch.setattr(kit.checks, "SMALL_SPAN", small_span)
        monkeypatch.setattr(kit.checks, "CHUNK_ROWS", 64)
        frame = self.frame(n=700, seed=5)
        keys = ["check_id", "aanbieder", "gemeente"]
        cats = [frame[k].array for k in keys]
        _, span, renumbered = kit.checks._dense_codes(cats, [len(c.categories) + 1 for c in cats])
        assert [i for i, _ in renumbered] == positions
        assert span <= dense_up_to
        if 3 in positions:  # renumbered to exactly the combinations present
            assert span == len(self.expected(frame, keys))
        pd.testing.assert_frame_equal(
            count_groups(frame, keys, "afwijkend"), self.expected(frame, keys)
        )

    def test_too_many_present_combinations_are_hashed(self, monkeypatch):
        monkeypatch.setattr(kit.checks, "DENSE_GROUPS", 100)
        frame = self.frame(n=700, seed=5)
        keys = ["check_id", "aanbieder", "gemeente"]
        cats = [frame[k].array for k in keys]
        assert kit.checks._dense_codes(cats, [len(c.categories) + 1 for c in cats]) is None
        pd.testing.assert_frame_equal(
            count_groups(frame, keys, "afwijkend"), self.expected(frame, keys)
        )

    def test_too_many_combinations_fall_back_to_pandas(self, monkeypatch):
        frame = self.frame(n=500)
        keys = ["check_id", "aanbieder", "gemeente"]
        monkeypatch.setattr(kit.checks, "DENSE_GROUPS", 0)  # not in arrays either
        monkeypatch.setattr(kit.checks, "MAX_COMBINED", 1.0)
        pd.testing.assert_frame_equal(
            count_groups(frame, keys, "afwijkend"), self.expected(frame, keys)
        )


class TestMonthLabels:
    DATES = pd.Series(
        pd.to_datetime(
            ["2024-03-05", None, "2023-12-31", "2024-03-01", "2024-01-15", None, "2023-12-01"]
        )
    )

    @pytest.mark.parametrize("chunk", [1, 2, 3, 1 << 22])
    def test_months_in_order_of_first_appearance_whatever_the_chunk(self, chunk, monkeypatch):
        monkeypatch.setattr(kit.checks, "CHUNK_ROWS", chunk)
        got = kit.checks.month_labels(self.DATES)
        assert list(got.cat.categories) == ["2024-03", "2023-12", "2024-01"]
        assert got.astype(object).where(got.notna(), None).tolist() == [
            "2024-03", None, "2023-12", "2024-03", "2024-01", None, "2023-12"
        ]


class TestNarrowOutcomes:
    """While the checks run, outcomes hold int32 keys and day numbers; the flags get them back."""

    def test_whole_days_round_trip_through_day_numbers(self):
        dates = pd.to_datetime(["2024-02-29", None, "1969-12-31", "2262-04-11"]).to_numpy()
        narrow = kit.checks._narrow_dates(dates)
        assert narrow.dtype == np.int32
        assert narrow[1] == kit.checks._NO_DAY
        np.testing.assert_array_equal(kit.checks._widen_dates(narrow), dates)

    def test_times_within_a_day_are_kept_as_they_are(self):
        dates = pd.to_datetime(["2024-02-29 13:05", "2024-03-01 00:00"]).to_numpy()
        assert kit.checks._narrow_dates(dates) is dates

    def test_keys_narrow_only_while_they_fit(self):
        assert kit.checks._narrow_keys(np.array([0, 2**31 - 2])).dtype == np.int32
        assert kit.checks._narrow_keys(np.array([0, 2**31])).dtype == np.int64

    def test_flags_have_int64_keys_and_dates(self):
        result = evaluate_checks(late_start_data(), [check("start_te_laat", max_werkdagen=5)])
        assert result.flags["record"].dtype == np.int64
        assert result.flags["datum"].dtype == "datetime64[ns]"
        assert result.flags["datum"].notna().all()


@pytest.mark.parametrize("chunk", [1, 3, 1 << 22])
def test_first_seen_positions(chunk, monkeypatch):
    monkeypatch.setattr(kit.checks, "CHUNK_ROWS", chunk)
    values = np.array([3, 1, 3, 0, 1, 3])
    # 0 first at 3, 1 at 1, 2 never (len 6), 3 at 0, 4 never
    assert kit.checks.first_seen(values, 5).tolist() == [3, 1, 6, 0, 6]
    assert kit.checks.first_seen(np.array([], dtype=np.int64), 0).tolist() == []
