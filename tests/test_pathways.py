"""Unit tests for kit.pathways on tiny hand-built store tables with reasoned answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from builders import AGB, AGB2, GEM, GEM2, regie, retourcode, table, toewijzing

import kit.pathways
from kit.pathways import (
    PATHWAY_TABLES,
    START_KEY,
    build_pathways,
    current_regie,
    current_toewijzingen,
    drop_rejected,
    key_codes,
    matches,
    summarise,
)


def tables(**given: list[dict]) -> dict[str, pd.DataFrame]:
    return {name: table(name, given.get(name, [])) for name in PATHWAY_TABLES}


class TestCurrentToewijzingen:
    def test_latest_decision_wins_not_file_order(self):
        # Version 2 (decided 2024-03-01) sits in a file with an EARLIER dagtekening than
        # version 1 (decided 2024-01-04): the decision moment decides (IV013, OP080).
        rows = [
            toewijzing(
                ident="T2", dag="2024-01-02", datum="2024-03-01", eind="2024-06-30", reden="05"
            ),
            toewijzing(ident="T1", dag="2024-01-05", datum="2024-01-04"),
        ]
        got = current_toewijzingen(table("toewijzingen", rows))
        assert len(got) == 1
        row = got.iloc[0]
        assert row["Einddatum"] == pd.Timestamp("2024-06-30")
        assert row["eerste_toewijzingsdatum"] == pd.Timestamp("2024-01-04")
        assert row["eerste_dagtekening"] == pd.Timestamp("2024-01-05")
        assert row["n_versies"] == 2

    def test_same_date_later_time_wins(self):
        rows = [
            toewijzing(tijd="15:00:00", eind="2024-05-31", ident="T2"),
            toewijzing(tijd="09:00:00", ident="T1"),
        ]
        got = current_toewijzingen(table("toewijzingen", rows))
        assert got.iloc[0]["Einddatum"] == pd.Timestamp("2024-05-31")

    def test_repeated_unchanged_version_is_one_version(self):
        # OP087: later 301s repeat current toewijzingen unchanged.
        rows = [toewijzing(ident="T1"), toewijzing(ident="T9", dag="2024-02-01")]
        assert current_toewijzingen(table("toewijzingen", rows)).iloc[0]["n_versies"] == 1

    def test_reason_13_is_withdrawn(self):
        rows = [
            toewijzing(),
            toewijzing(ident="T2", datum="2024-01-10", eind="2024-01-15", reden="13"),
        ]
        got = current_toewijzingen(table("toewijzingen", rows))
        assert bool(got.iloc[0]["ingetrokken"]) is True

    def test_number_is_keyed_with_gemeente(self):
        rows = [toewijzing(gemeente=GEM), toewijzing(gemeente=GEM2, ingang="2024-02-01")]
        got = current_toewijzingen(table("toewijzingen", rows))
        assert sorted(got["gemeente"]) == [GEM, GEM2]


class TestCurrentRegie:
    def test_deletion_then_corrected_start(self):
        rows = [
            regie("305", ident="S1", dag="2024-01-20", begin="2024-01-16"),
            regie("305", ident="S2", dag="2024-01-25", begin="2024-01-16", status="3"),
            regie("305", ident="S2", dag="2024-01-25", begin="2024-01-22"),
        ]
        got = current_regie(table("starts", rows), START_KEY)
        assert got["Begindatum"].tolist() == [pd.Timestamp("2024-01-22")]
        assert got["n_aanleveringen"].tolist() == [1]

    def test_deletion_without_resend_leaves_nothing(self):
        rows = [regie("305", ident="S1"), regie("305", ident="S2", dag="2024-01-25", status="3")]
        assert current_regie(table("starts", rows), START_KEY).empty

    def test_empty_input(self):
        assert current_regie(table("starts", []), START_KEY).empty


class TestDropRejected:
    def test_product_level_rejection_drops_only_that_toewijzing(self):
        toew = table("toewijzingen", [toewijzing("100"), toewijzing("101")])
        rc = table(
            "retourcodes",
            [
                {
                    "heen_berichttype": "301",
                    "gemeente": GEM,
                    "aanbieder": AGB,
                    "Identificatie": "T1",
                    "niveau": "ToegewezenProduct",
                    "ToewijzingNummer": "100",
                    "RetourCode": "9332",
                }
            ],
        )
        assert drop_rejected(toew, rc)["ToewijzingNummer"].tolist() == ["101"]

    def test_header_rejection_drops_message_and_0200_keeps(self):
        starts = table("starts", [regie("305", ident="S1"), regie("305", ident="S2", nummer="101")])
        rc = table(
            "retourcodes",
            [
                {
                    "heen_berichttype": "305",
                    "gemeente": GEM,
                    "aanbieder": AGB,
                    "Identificatie": "S1",
                    "niveau": "Header",
                    "RetourCode": "8848",
                },
                {
                    "heen_berichttype": "305",
                    "gemeente": GEM,
                    "aanbieder": AGB,
                    "Identificatie": "S2",
                    "niveau": "Header",
                    "RetourCode": "0200",
                },
            ],
        )
        assert drop_rejected(starts, rc)["Identificatie"].tolist() == ["S2"]

    def test_reused_identificatie_only_the_answered_message_is_dropped(self):
        # The published 305 examples reuse Identificatie 123456789012 (2023 and 2025). A retour
        # copies the heenbericht's Dagtekening (IV028): its 8848 rejects the 2025 message only.
        starts = table(
            "starts",
            [
                regie("305", ident="123456789012", dag="2023-07-25"),
                regie("305", ident="123456789012", dag="2025-04-01", nummer="101"),
            ],
        )
        rc = table(
            "retourcodes",
            [
                retourcode(
                    "8848", heen="305", niveau="Header", ident="123456789012", dag="2025-04-01"
                )
            ],
        )
        kept = drop_rejected(starts, rc)
        assert kept["Dagtekening"].tolist() == [pd.Timestamp("2023-07-25")]

    def test_code_for_other_sender_does_not_drop(self):
        toew = table("toewijzingen", [toewijzing("100")])
        rc = table(
            "retourcodes",
            [
                {
                    "heen_berichttype": "301",
                    "gemeente": GEM2,
                    "aanbieder": AGB,
                    "Identificatie": "T1",
                    "niveau": "Header",
                    "RetourCode": "9332",
                }
            ],
        )
        assert len(drop_rejected(toew, rc)) == 1


class TestBuildPathways:
    def test_full_route_vot_toewijzing_start_stop_declaratie(self):
        t = tables(
            verzoeken=[
                {
                    "berichttype": "315",
                    "gemeente": GEM,
                    "aanbieder": AGB,
                    "Identificatie": "V1",
                    "Dagtekening": "2023-12-01",
                    "client_id": "c1",
                    "ReferentieAanbieder": "REF1",
                    "ToewijzingIngangsdatum": "2024-01-01",
                    "ProductCategorie": "45",
                    "VerwijzerType": "02",
                }
            ],
            antwoorden=[
                {
                    "berichttype": "319",
                    "gemeente": GEM,
                    "aanbieder": AGB,
                    "Identificatie": "A1",
                    "Dagtekening": "2023-12-05",
                    "ReferentieAanbieder": "REF1",
                    "VerzoekAntwoord": "2",
                }
            ],
            toewijzingen=[toewijzing(ref="REF1")],
            starts=[regie("305")],
            stops=[
                regie("307", ident="E1", dag="2024-05-03", eind="2024-04-30", reden="20"),
                regie("307", ident="E2", dag="2024-07-03", eind="2024-06-30", reden="31"),
            ],
            prestaties=[
                {
                    "berichttype": "323",
                    "gemeente": GEM,
                    "aanbieder": AGB,
                    "Identificatie": "D1",
                    "Dagtekening": "2024-02-10",
                    "client_id": "c1",
                    "ToewijzingNummer": "100",
                    "ReferentieNummer": "R1",
                    "ProductPeriodeBegindatum": "2024-01-15",
                    "ProductPeriodeEinddatum": "2024-01-31",
                    "IngediendBedragDebetCredit": "D",
                },
                {
                    "berichttype": "323",
                    "gemeente": GEM,
                    "aanbieder": AGB,
                    "Identificatie": "D2",
                    "Dagtekening": "2024-03-10",
                    "client_id": "c1",
                    "ToewijzingNummer": "100",
                    "ReferentieNummer": "R2",
                    "ProductPeriodeBegindatum": "2024-02-01",
                    "ProductPeriodeEinddatum": "2024-02-29",
                    "IngediendBedragDebetCredit": "D",
                },
            ],
        )
        got = build_pathways(t)
        assert len(got) == 1
        p = got.iloc[0]
        assert p["pathway_id"] == f"{GEM}:100"
        assert p["status"] == "gestopt"
        assert p["vot_dagtekening"] == pd.Timestamp("2023-12-01")
        assert p["onderzoek_dagtekening"] == pd.Timestamp("2023-12-05")
        assert p["verwijzer_type"] == "02"
        assert p["start_begindatum"] == pd.Timestamp("2024-01-16")
        assert p["stop_einddatum"] == pd.Timestamp("2024-06-30")
        assert p["stop_reden"] == "31"
        assert p["n_tijdelijke_stops"] == 1
        assert p["eerste_productperiode"] == pd.Timestamp("2024-01-15")
        assert p["laatste_productperiode"] == pd.Timestamp("2024-02-29")
        assert p["n_prestaties"] == 2

    def test_vot_links_only_within_the_same_aanbieder(self):
        t = tables(
            verzoeken=[
                {
                    "berichttype": "315",
                    "gemeente": GEM,
                    "aanbieder": AGB2,
                    "Identificatie": "V1",
                    "Dagtekening": "2023-12-01",
                    "client_id": "c1",
                    "ReferentieAanbieder": "REF1",
                    "ProductCategorie": "45",
                }
            ],
            toewijzingen=[toewijzing(ref="REF1", aanbieder=AGB)],
        )
        got = build_pathways(t).set_index("pathway_id")
        assert pd.isna(got.loc[f"{GEM}:100", "vot_dagtekening"])
        assert got.loc[f"vot:{AGB2}:REF1", "status"] == "verzoek_open"

    def test_rejected_request_is_a_pathway_without_toewijzing(self):
        t = tables(
            verzoeken=[
                {
                    "berichttype": "315",
                    "gemeente": GEM,
                    "aanbieder": AGB,
                    "Identificatie": "V1",
                    "Dagtekening": "2023-12-01",
                    "client_id": "c1",
                    "ReferentieAanbieder": "REF9",
                    "ProductCategorie": "45",
                }
            ],
            antwoorden=[
                {
                    "berichttype": "319",
                    "gemeente": GEM,
                    "aanbieder": AGB,
                    "Identificatie": "A1",
                    "Dagtekening": "2023-12-04",
                    "ReferentieAanbieder": "REF9",
                    "VerzoekAntwoord": "1",
                    "RedenAfwijzingVerzoek": "8",
                }
            ],
        )
        p = build_pathways(t).iloc[0]
        assert p["pathway_id"] == f"vot:{AGB}:REF9"
        assert p["status"] == "afgewezen"
        assert p["afwijzing_reden"] == "8"
        assert pd.isna(p["ToewijzingNummer"])

    def test_starts_join_on_gemeente_and_number(self):
        t = tables(
            toewijzingen=[toewijzing(gemeente=GEM), toewijzing(gemeente=GEM2)],
            starts=[regie("305", gemeente=GEM2, begin="2024-03-01")],
        )
        got = build_pathways(t).set_index("pathway_id")
        assert pd.isna(got.loc[f"{GEM}:100", "start_begindatum"])
        assert got.loc[f"{GEM2}:100", "start_begindatum"] == pd.Timestamp("2024-03-01")
        assert got.loc[f"{GEM}:100", "status"] == "toegewezen"

    def test_only_temporary_stop_keeps_pathway_started(self):
        t = tables(
            toewijzingen=[toewijzing()],
            starts=[regie("305")],
            stops=[regie("307", eind="2024-04-30", reden="20")],
        )
        p = build_pathways(t).iloc[0]
        assert p["status"] == "gestart"
        assert pd.isna(p["stop_einddatum"])
        assert p["n_tijdelijke_stops"] == 1

    def test_credited_declaration_line_is_ignored(self):
        lines = [
            {
                "ReferentieNummer": "R1",
                "ProductPeriodeBegindatum": "2024-01-15",
                "ProductPeriodeEinddatum": "2024-01-31",
                "IngediendBedragDebetCredit": "D",
            },
            {
                "ReferentieNummer": "R2",
                "VorigReferentieNummer": "R1",
                "ProductPeriodeBegindatum": "2024-01-15",
                "ProductPeriodeEinddatum": "2024-01-31",
                "IngediendBedragDebetCredit": "C",
            },
            {
                "ReferentieNummer": "R3",
                "ProductPeriodeBegindatum": "2024-02-01",
                "ProductPeriodeEinddatum": "2024-02-29",
                "IngediendBedragDebetCredit": "D",
            },
        ]
        base = {
            "berichttype": "323",
            "gemeente": GEM,
            "aanbieder": AGB,
            "Identificatie": "D1",
            "Dagtekening": "2024-03-10",
            "client_id": "c1",
            "ToewijzingNummer": "100",
        }
        t = tables(toewijzingen=[toewijzing()], prestaties=[base | r for r in lines])
        p = build_pathways(t).iloc[0]
        assert p["eerste_productperiode"] == pd.Timestamp("2024-02-01")
        assert p["n_prestaties"] == 1

    def test_empty_store_gives_empty_pathways_with_columns(self):
        got = build_pathways(tables())
        assert got.empty
        assert "pathway_id" in got.columns and "start_begindatum" in got.columns


class TestSummarise:
    def test_counts_and_suppression(self):
        pathways = pd.DataFrame(
            {
                "gemeente": [GEM] * 12 + [GEM2] * 3 + ["0003"] * 10,
                "client_id": [f"c{i}" for i in range(25)],
                "status": ["gestart"] * 11 + ["toegewezen"] + ["gestart"] * 13,
            }
        )
        got = summarise(pathways, by="gemeente").set_index("gemeente")
        assert got.loc[GEM, "trajecten"] == 10  # 12, rounded to base 5
        assert got.loc[GEM, "gestart"] == 10
        assert pd.isna(got.loc[GEM, "toegewezen"])  # 1 < 10: suppressed
        assert got.loc[GEM, "afgewezen"] == 0  # zero is shown
        assert bool(got.loc[GEM2, "onderdrukt"]) is True
        assert got.loc["totaal", "kinderen"] == 25
        # the total would give the hidden 3 of GEM2 back: the smallest other part goes too
        assert pd.isna(got.loc[GEM2, "trajecten"]) and pd.isna(got.loc["0003", "trajecten"])

    def test_threshold_is_configurable(self):
        pathways = pd.DataFrame(
            {"gemeente": [GEM] * 3, "client_id": ["a", "b", "c"], "status": ["gestart"] * 3}
        )
        shown = summarise(pathways, threshold=1).set_index("gemeente")
        hidden = summarise(pathways, threshold=5).set_index("gemeente")
        assert shown.loc[GEM, "gestart"] == 5  # shown, rounded to base 5
        assert pd.isna(hidden.loc[GEM, "gestart"])


class TestReferenceOfAnyVersion:
    def test_vot_links_through_the_first_version_that_carries_the_reference(self):
        t = tables(
            verzoeken=[
                {
                    "berichttype": "315",
                    "gemeente": GEM,
                    "aanbieder": AGB,
                    "Identificatie": "V1",
                    "Dagtekening": "2023-12-01",
                    "client_id": "c1",
                    "ReferentieAanbieder": "REF1",
                    "ProductCategorie": "45",
                }
            ],
            # version 2 (a verlenging by the gemeente) carries no reference
            toewijzingen=[
                toewijzing(ref="REF1"),
                toewijzing(ident="T2", datum="2024-06-01", eind="2025-06-30", reden="04"),
            ],
        )
        got = build_pathways(t)
        assert got["pathway_id"].tolist() == [f"{GEM}:100"]
        assert got.iloc[0]["vot_dagtekening"] == pd.Timestamp("2023-12-01")


class TestKeyCodes:
    """Integer codes of a combined key, numbered by first appearance across the frames."""

    LEFT = pd.DataFrame(
        {
            "gemeente": pd.array(["0363", "0363", None, "0599", "0363"], dtype="string"),
            "nummer": pd.array(["A", "B", "A", None, "A"], dtype="string"),
        }
    )
    RIGHT = pd.DataFrame(
        {
            "gemeente": pd.array(["0599", "0363", None], dtype="string"),
            "nummer": pd.array([None, "C", "A"], dtype="string"),
        }
    )

    def test_known_codes(self):
        left, right = key_codes(["gemeente", "nummer"], self.LEFT, self.RIGHT)
        # (0363,A) (0363,B) (NA,A) (0599,NA) (0363,A) | (0599,NA) (0363,C) (NA,A)
        assert left.tolist() == [0, 1, 2, 3, 0]
        assert right.tolist() == [3, 4, 2]

    def test_equals_groupby_numbering_also_when_renumbering_against_overflow(self, monkeypatch):
        rng = np.random.default_rng(7)
        n = 2_000
        frame = pd.DataFrame(
            {
                f"c{i}": pd.array(
                    np.where(
                        rng.random(n) < 0.1, None, rng.integers(0, 6, n).astype(str)
                    ).tolist(),
                    dtype="string",
                )
                for i in range(5)
            }
        )
        cols = list(frame.columns)
        # first-appearance numbering of the tuples, missing values a value of their own
        expected = frame.groupby(cols, sort=False, dropna=False).ngroup().to_numpy()
        (got,) = key_codes(cols, frame)
        np.testing.assert_array_equal(got, expected)
        # 7 values a column: from the third column on the product passes 50 and is renumbered
        monkeypatch.setattr(kit.pathways, "MAX_COMBINED", 50)
        (renumbered,) = key_codes(cols, frame)
        np.testing.assert_array_equal(renumbered, expected)


class TestMatches:
    @staticmethod
    def frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
        values = {
            "gemeente": rng.integers(0, 3, n).astype(str),
            "nummer": rng.integers(0, 40, n).astype(str),
            "dag": rng.integers(0, 4, n).astype(str),
        }
        return pd.DataFrame(
            {
                col: pd.array(np.where(rng.random(n) < 0.1, None, v).tolist(), dtype="string")
                for col, v in values.items()
            }
        )

    def test_equals_a_merge_on_the_whole_key_also_with_few_keys(self):
        # few keys in a large frame take the path that first narrows on one column; missing
        # values match missing values, as in a merge; the frame's index is kept
        rng = np.random.default_rng(11)
        frame = self.frame(rng, 600).set_axis(np.arange(600) * 3)
        cols = ["gemeente", "nummer", "dag"]
        for n_other in (3, 20, 300):
            other = self.frame(rng, n_other)
            marked = frame.reset_index().merge(other.drop_duplicates(), on=cols)["index"]
            expected = pd.Series(frame.index.isin(marked), index=frame.index)
            got = matches(frame, other, cols)
            pd.testing.assert_series_equal(got, expected)
            assert got.any() and not got.all()
