"""Tests for the 315/317/319 checks (kit/checks/verzoeken.py): reasoned triggering and passing cases."""

from __future__ import annotations

from builders import (
    AGB,
    AGB2,
    GEM2,
    antwoord,
    failing,
    retourcode,
    run,
    scan,
    toewijzing,
    verzoek,
    wijzigingsverzoek,
)

from kit.checks.verzoeken import zelfverwijzers_per_aanbieder


class TestVotNietBeantwoord:
    PARAMS = {"max_werkdagen": 5}

    def test_answered_in_time_late_and_never(self):
        # 315s of Fri 1 Dec 2023: 5 working days end on Fri 8 Dec.
        data = scan(
            peildatum="2024-03-01",
            verzoeken=[
                verzoek("REF1", bericht_id="op_tijd"),
                verzoek("REF2", bericht_id="laat_301"),
                verzoek("REF3", bericht_id="nooit"),
                # Tue 27 Feb: 28, 29 Feb and 1 Mar are 3 working days: term not passed yet
                verzoek("REF4", dag="2024-02-27", bericht_id="nog_niet"),
                verzoek("REF5", bericht_id="andere_aanbieder"),
                # Fri 22 Dec -> Fri 29 Dec: 27, 28, 29 (25/26 Dec are holidays): on time
                verzoek("REF6", dag="2023-12-22", bericht_id="kerst"),
                # rejected by its 316: never sent (OP286), so no answer is due
                verzoek("REF7", ident="V7", bericht_id="afgekeurd"),
            ],
            retourcodes=[retourcode("9347", heen="315", niveau="Header", ident="V7")],
            antwoorden=[
                antwoord("REF1", dag="2023-12-08"),
                # the same reference from another aanbieder answers nothing
                antwoord("REF5", aanbieder=AGB2, dag="2023-12-04"),
            ],
            toewijzingen=[
                toewijzing("100", ref="REF2", dag="2023-12-11"),  # 6 working days
                toewijzing("101", ref="REF6", dag="2023-12-29"),
            ],
        )
        result = run("vot_niet_beantwoord", data, self.PARAMS)
        assert sorted(result["record"]) == [
            "andere_aanbieder:0",
            "kerst:0",
            "laat_301:0",
            "nooit:0",
            "op_tijd:0",
        ]
        assert failing(result) == ["andere_aanbieder:0", "laat_301:0", "nooit:0"]

    def test_no_verzoeken_is_not_assessable(self):
        assert run("vot_niet_beantwoord", scan(toewijzingen=[toewijzing()]), self.PARAMS) is None


class TestOnderzoekTeLang:
    PARAMS = {"max_dagen": 56, "max_dagen_woonplaats": 14}

    def test_final_answer_terms(self):
        refs = ["REF1", "REF2", "REF3", "REF4", "REF5"]
        data = scan(
            peildatum="2024-06-01",
            verzoeken=[verzoek(r, dag="2024-01-02", bericht_id=f"v{r}") for r in refs]
            + [verzoek("REF6", dag="2024-05-01", bericht_id="vREF6")],
            wijzigingsverzoeken=[wijzigingsverzoek("REF7", dag="2024-01-02")],
            antwoorden=[
                *[
                    antwoord(r, antwoord="2", dag="2024-01-05", bericht_id=f"o_{r}")
                    for r in [*refs, "REF7"]
                ],
                antwoord("REF6", antwoord="2", dag="2024-05-03", bericht_id="o_REF6"),
                antwoord("REF9", antwoord="2", dag="2024-01-05", bericht_id="o_wees"),
                # REF2: rejected 57 days after the verzoek (2 Jan + 56 = 27 Feb)
                antwoord("REF2", antwoord="1", reden="3", dag="2024-02-28", bericht_id="a2"),
                # REF3: woonplaatsbeginsel after 15 days, REF4 after exactly 14
                antwoord(
                    "REF3",
                    antwoord="1",
                    reden="8",
                    dag="2024-01-17",
                    WoonplaatsbeginselGemeente=GEM2,
                    bericht_id="a3",
                ),
                antwoord(
                    "REF4",
                    antwoord="1",
                    reden="8",
                    dag="2024-01-16",
                    WoonplaatsbeginselGemeente=GEM2,
                    bericht_id="a4",
                ),
            ],
            toewijzingen=[
                toewijzing("100", ref="REF1", dag="2024-02-27"),  # exactly 56 days
                toewijzing("101", ref="REF7", dag="2024-02-10"),
            ],
        )
        result = run("onderzoek_te_lang", data, self.PARAMS)
        # REF6 is still within its 8 weeks; REF9 has no verzoek in the data
        assert sorted(result["record"]) == [
            "o_REF1:0",
            "o_REF2:0",
            "o_REF3:0",
            "o_REF4:0",
            "o_REF5:0",
            "o_REF7:0",
        ]
        assert failing(result) == ["o_REF2:0", "o_REF3:0", "o_REF5:0"]

    def test_no_answer_in_onderzoek_is_not_assessable(self):
        data = scan(verzoeken=[verzoek()], antwoorden=[antwoord(antwoord="1", reden="3")])
        assert run("onderzoek_te_lang", data, self.PARAMS) is None


class TestAntwoordInconsistent:
    def test_answer_rules(self):
        refs = [f"REF{i}" for i in range(1, 11) if i != 8]
        data = scan(
            verzoeken=[verzoek(r) for r in refs] + [verzoek("REF8", dag="2023-12-10")],
            toewijzingen=[toewijzing("100", ref="REF9", dag="2023-12-04")],
            antwoorden=[
                antwoord("REF1", antwoord="1", reden="3", bericht_id="ok_afwijzing"),
                antwoord("REF2", antwoord="2", bericht_id="ok_onderzoek"),
                antwoord("REF3", antwoord="1", bericht_id="geen_reden"),
                antwoord("REF4", antwoord="2", reden="3", bericht_id="reden_bij_2"),
                antwoord("REF5", antwoord="1", reden="8", bericht_id="r8_zonder_gemeente"),
                antwoord(
                    "REF6",
                    antwoord="1",
                    reden="2",
                    WoonplaatsbeginselGemeente=GEM2,
                    bericht_id="gemeente_zonder_r8",
                ),
                antwoord(
                    "REF7",
                    antwoord="1",
                    reden="8",
                    WoonplaatsbeginselGemeente=GEM2,
                    bericht_id="ok_r8",
                ),
                antwoord("REF99", antwoord="2", bericht_id="wees"),
                # the only verzoek REF8 is dated after this answer (5 Dec)
                antwoord("REF8", antwoord="2", bericht_id="voor_verzoek"),
                # REF9 was honoured by a 301 on 4 Dec; rejecting it on 5 Dec is too late
                antwoord("REF9", antwoord="1", reden="3", bericht_id="na_301"),
                antwoord("REF10", antwoord="3", bericht_id="onbekende_code"),
            ],
        )
        result = run("antwoord_inconsistent", data)
        assert len(result) == 11
        assert failing(result) == [
            "geen_reden:0",
            "gemeente_zonder_r8:0",
            "na_301:0",
            "onbekende_code:0",
            "r8_zonder_gemeente:0",
            "reden_bij_2:0",
            "voor_verzoek:0",
            "wees:0",
        ]

    def test_no_answers_is_not_assessable(self):
        assert run("antwoord_inconsistent", scan(verzoeken=[verzoek()])) is None


class TestDubbeleReferentie:
    def test_duplicate_references_and_open_verzoeken(self):
        data = scan(
            verzoeken=[
                verzoek("REF1", ident="V1", client="c1", bericht_id="v1"),
                verzoek("REF1", ident="V2", client="c2", dag="2023-12-02", bericht_id="v2"),
                # the same reference at another aanbieder is another reference
                verzoek("REF1", ident="V3", client="c10", aanbieder=AGB2, bericht_id="v3"),
                verzoek("REF3", ident="V4", client="c5", bericht_id="v4"),
                # V5 was rejected by its retour (never sent, OP286); V6 reuses its reference
                verzoek("REF5", ident="V5", client="c6", bericht_id="v5"),
                verzoek("REF5", ident="V6", client="c6", dag="2023-12-08", bericht_id="v6"),
                # c7: O1 is never answered, so O2 is a second open verzoek
                verzoek("O1", ident="O1", client="c7", dag="2024-01-02", bericht_id="o1"),
                verzoek("O2", ident="O2", client="c7", dag="2024-01-10", bericht_id="o2"),
                # c8: P1 was honoured by a 301 before P2 was sent
                verzoek("P1", ident="P1", client="c8", dag="2024-01-02", bericht_id="p1"),
                verzoek("P2", ident="P2", client="c8", dag="2024-01-10", bericht_id="p2"),
                # c9: Q1 is only "in onderzoek" when Q2 is sent: still open
                verzoek("Q1", ident="Q1", client="c9", dag="2024-01-02", bericht_id="q1"),
                verzoek("Q2", ident="Q2", client="c9", dag="2024-01-10", bericht_id="q2"),
            ],
            wijzigingsverzoeken=[
                wijzigingsverzoek("W1", ident="W1", client="c3", bericht_id="w1", regel=0),
                wijzigingsverzoek(
                    "W1", ident="W1", client="c3", nummer="101", bericht_id="w1", regel=1
                ),
                wijzigingsverzoek("REF3", ident="W2", client="c4", bericht_id="w2", regel=0),
                wijzigingsverzoek(
                    "REF3", ident="W2", client="c4", nummer="101", bericht_id="w2", regel=1
                ),
            ],
            toewijzingen=[toewijzing("100", ref="P1", client="c8", dag="2024-01-05")],
            antwoorden=[antwoord("Q1", antwoord="2", dag="2024-01-04")],
            retourcodes=[retourcode("9347", heen="315", niveau="Header", ident="V5")],
        )
        result = run("dubbele_referentie", data)
        assert len(result) == 16
        assert failing(result) == [
            "o2:0",
            "q2:0",
            "v1:0",
            "v2:0",
            "v4:0",
            "v5:0",
            "w2:0",
            "w2:1",
        ]

    def test_no_verzoeken_is_not_assessable(self):
        assert run("dubbele_referentie", scan(toewijzingen=[toewijzing()])) is None


class TestVerwijzerKwaliteit:
    def test_verwijzer_rules(self):
        def vot(name, kind, code=None, **extra):
            return verzoek(
                name,
                VerwijzerType=kind,
                VerwijzerZorgverlenerCode=code,
                bericht_id=name,
                **extra,
            )

        data = scan(
            verzoeken=[
                vot("huisarts_agb", "02", "01234567"),
                vot("huisarts_naam", "02", VerwijzerNaamAanwezig=True),
                vot("gemeente", "01"),
                vot("zelf", "06"),
                vot("zelf_met_agb", "06", "01234567"),
                vot("rechter", "08"),
                vot("geen_type", None),
                vot("code_07", "07"),
            ]
        )
        result = run("verwijzer_kwaliteit", data)
        assert len(result) == 8
        assert failing(result) == [
            "code_07:0",
            "geen_type:0",
            "gemeente:0",
            "huisarts_naam:0",
            "zelf_met_agb:0",
        ]
        share = zelfverwijzers_per_aanbieder(data)
        assert share.to_dict("records") == [
            {"aanbieder": AGB, "n_verzoeken": 8, "n_zelfverwijzer": 2, "pct_zelfverwijzer": 25.0}
        ]

    def test_no_verzoeken_is_not_assessable(self):
        assert run("verwijzer_kwaliteit", scan()) is None


class TestVotBijLopendeToewijzing:
    def test_overlap_with_a_current_toewijzing(self):
        # toewijzing 100: client c1, 45A48, 15 Jan - 31 Dec 2024, first sent 5 Jan
        data = scan(
            toewijzingen=[
                toewijzing("100", client="c1"),
                toewijzing("102", client="c3", ref="REF1"),
                # c4: withdrawn (13) in a later version
                toewijzing("103", client="c4"),
                toewijzing(
                    "103",
                    client="c4",
                    datum="2024-01-10",
                    eind="2024-01-15",
                    reden="13",
                    ident="T2",
                ),
                # c5: generic toewijzing (no product, budget only)
                toewijzing("104", client="c5", cat=None, code=None, Budget=500000),
                toewijzing("105", client="c6"),
            ],
            verzoeken=[
                verzoek(
                    "A", client="c1", ingang="2024-06-01", dag="2024-05-01", bericht_id="overlap"
                ),
                verzoek("B", client="c1", ingang="2025-01-01", dag="2024-11-15", bericht_id="erna"),
                verzoek(
                    "C",
                    client="c1",
                    code="45A49",
                    ingang="2024-06-01",
                    dag="2024-05-01",
                    bericht_id="andere_code",
                ),
                verzoek(
                    "D",
                    client="c1",
                    code=None,
                    ingang="2024-06-01",
                    dag="2024-05-01",
                    bericht_id="categorie",
                ),
                # sent before the toewijzing existed (first 301 on 5 Jan)
                verzoek(
                    "E", client="c1", ingang="2024-01-15", dag="2024-01-02", bericht_id="ervoor"
                ),
                # a resent 315 whose reference the toewijzing honours
                verzoek(
                    "REF1",
                    client="c3",
                    ingang="2024-01-15",
                    dag="2024-02-01",
                    bericht_id="gehonoreerd",
                ),
                verzoek(
                    "F",
                    client="c4",
                    ingang="2024-06-01",
                    dag="2024-05-01",
                    bericht_id="ingetrokken",
                ),
                verzoek(
                    "G", client="c5", ingang="2024-06-01", dag="2024-05-01", bericht_id="generiek"
                ),
                # the toewijzing of c6 is from another gemeente than this verzoek
                verzoek(
                    "H",
                    client="c6",
                    gemeente=GEM2,
                    ingang="2024-06-01",
                    dag="2024-05-01",
                    bericht_id="andere_gemeente",
                ),
                verzoek(
                    "I",
                    client="c1",
                    cat=None,
                    code=None,
                    dag="2024-05-01",
                    bericht_id="generiek_verzoek",
                ),
            ],
        )
        result = run("vot_bij_lopende_toewijzing", data)
        assert len(result) == 9  # the generic verzoek (no product) is not judged
        assert failing(result) == ["categorie:0", "generiek:0", "overlap:0"]

    def test_no_verzoeken_is_not_assessable(self):
        assert run("vot_bij_lopende_toewijzing", scan(toewijzingen=[toewijzing()])) is None
