"""Tests for the 301 checks (kit/checks/toewijzingen.py): reasoned triggering and passing cases."""

from __future__ import annotations

from builders import AGB2, GEM2, failing, run, scan, toewijzing

OMVANG = {"Volume": 2, "Eenheid": "04", "Frequentie": "2"}  # 2 uur per week



class TestDubbelToewijzingnummer:
    def test_number_for_other_client_product_or_aanbieder(self):
        data = scan(
            toewijzingen=[
                # two versions of one toewijzing: fine
                toewijzing("100", bericht_id="v1"),
                toewijzing(
                    "100", datum="2024-03-01", eind="2025-06-30", reden="04", bericht_id="v2"
                ),
                # the same number in another gemeente is another toewijzing
                toewijzing("100", gemeente=GEM2, client="c9", bericht_id="andere_gemeente"),
                toewijzing("200", client="c1", bericht_id="client1"),
                toewijzing("200", client="c2", bericht_id="client2"),
                toewijzing("300", code="45A48", bericht_id="product1"),
                toewijzing("300", code="45A49", bericht_id="product2"),
                toewijzing("400", bericht_id="aanbieder1"),
                toewijzing("400", aanbieder=AGB2, bericht_id="aanbieder2"),
            ]
        )
        result = run("dubbel_toewijzingnummer", data)
        assert len(result) == 9
        assert failing(result) == [
            "aanbieder1:0",
            "aanbieder2:0",
            "client1:0",
            "client2:0",
            "product1:0",
            "product2:0",
        ]

    def test_no_toewijzingen_is_not_assessable(self):
        assert run("dubbel_toewijzingnummer", scan()) is None


class TestToewijzingDatumlogica:
    def test_date_rules(self):
        data = scan(
            toewijzingen=[
                toewijzing("100", bericht_id="ok"),
                toewijzing(
                    "101", ingang="2024-02-01", eind="2024-01-31", bericht_id="eind_voor_ingang"
                ),
                toewijzing("102", eind="2024-01-15", reden="13", bericht_id="verwijderd_ok"),
                toewijzing("103", eind="2024-03-31", reden="13", bericht_id="verwijderd_fout"),
                toewijzing("104", eind="2024-01-15", bericht_id="een_dag_zonder_13"),
                toewijzing("105", reden="01", bericht_id="reden_01"),
                toewijzing("106", eind=None, **OMVANG, bericht_id="per_week_open"),
                toewijzing("107", eind=None, code=None, Budget=100000, bericht_id="budget_open"),
                toewijzing(
                    "108",
                    eind=None,
                    Volume=1,
                    Eenheid="04",
                    Frequentie="1",
                    bericht_id="per_dag_open",
                ),
            ]
        )
        result = run("toewijzing_datumlogica", data)
        assert len(result) == 9
        assert failing(result) == [
            "budget_open:0",
            "een_dag_zonder_13:0",
            "eind_voor_ingang:0",
            "per_week_open:0",
            "reden_01:0",
            "verwijderd_fout:0",
        ]

    def test_no_toewijzingen_is_not_assessable(self):
        assert run("toewijzing_datumlogica", scan()) is None


class TestRedenWijzigingOnjuist:
    def test_reason_on_first_and_missing_on_changed_version(self):
        # the first 301 in the data is dated 5 Jan 2024 (the builder's default)
        later = {"datum": "2024-06-01", "dag": "2024-06-02", "ident": "T2"}
        data = scan(
            toewijzingen=[
                toewijzing("100", bericht_id="a1"),
                toewijzing("100", dag="2024-02-01", ident="T9", bericht_id="a1_herhaald"),
                toewijzing("100", eind="2025-06-30", reden="04", **later, bericht_id="a2"),
                toewijzing("200", reden="04", bericht_id="b1_met_reden"),
                toewijzing("300", bericht_id="c1"),
                toewijzing("300", eind="2025-06-30", **later, bericht_id="c2_zonder_reden"),
                toewijzing("400", bericht_id="d1"),
                toewijzing("400", **later, bericht_id="d2_ongewijzigd"),
                # starts before the data: its real first version may be older, so not judged
                toewijzing("500", ingang="2023-06-01", reden="04", bericht_id="e_ouder"),
            ]
        )
        result = run("reden_wijziging_onjuist", data)
        assert sorted(result["record"]) == [
            "a1:0",
            "a1_herhaald:0",
            "a2:0",
            "b1_met_reden:0",
            "c1:0",
            "c2_zonder_reden:0",
            "d1:0",
            "d2_ongewijzigd:0",
        ]
        assert failing(result) == ["b1_met_reden:0", "c2_zonder_reden:0"]

    def test_no_toewijzingen_is_not_assessable(self):
        assert run("reden_wijziging_onjuist", scan()) is None


class TestOmvangCombinatie:
    def test_toewijzingsvarianten(self):
        data = scan(
            toewijzingen=[
                toewijzing("100", **OMVANG, bericht_id="specifiek"),
                toewijzing("101", bericht_id="code_zonder_omvang"),
                toewijzing("102", **OMVANG, Budget=100000, bericht_id="omvang_en_budget"),
                toewijzing("103", code=None, Budget=100000, bericht_id="aspecifiek_budget"),
                toewijzing("104", cat=None, code=None, Budget=100000, bericht_id="generiek"),
                toewijzing("105", cat=None, code=None, bericht_id="niets"),
                toewijzing("106", code=None, **OMVANG, bericht_id="omvang_zonder_code"),
                toewijzing(
                    "107", Volume=5, Eenheid="14", Frequentie="1", bericht_id="etmaal_per_dag"
                ),
                toewijzing(
                    "108", Volume=5, Eenheid="14", Frequentie="2", bericht_id="etmaal_per_week"
                ),
                toewijzing("109", Volume=2, bericht_id="omvang_half"),
                toewijzing("110", cat=None, **OMVANG, bericht_id="code_zonder_categorie"),
            ]
        )
        result = run("omvang_combinatie", data)
        assert len(result) == 11
        assert failing(result) == [
            "code_zonder_categorie:0",
            "code_zonder_omvang:0",
            "etmaal_per_dag:0",
            "niets:0",
            "omvang_en_budget:0",
            "omvang_half:0",
            "omvang_zonder_code:0",
        ]

    def test_no_toewijzingen_is_not_assessable(self):
        assert run("omvang_combinatie", scan()) is None


class TestStapeling:
    def test_overlapping_current_toewijzingen(self):
        data = scan(
            toewijzingen=[
                toewijzing("100", client="c1", eind="2024-06-30", bericht_id="t100"),
                toewijzing("101", client="c1", ingang="2024-06-01", bericht_id="t101"),
                toewijzing("102", client="c1", code="45A49", bericht_id="t102"),
                # c2: the second starts the day after the first ends
                toewijzing("200", client="c2", eind="2024-06-30", bericht_id="t200"),
                toewijzing("201", client="c2", ingang="2024-07-01", eind=None, bericht_id="t201"),
                # c3: the overlapping one was withdrawn (13) later
                toewijzing("300", client="c3", bericht_id="t300"),
                toewijzing("301", client="c3", bericht_id="t301"),
                toewijzing(
                    "301",
                    client="c3",
                    datum="2024-01-10",
                    eind="2024-01-15",
                    reden="13",
                    bericht_id="t301_weg",
                ),
                # c4: category without code overlaps a code of that category
                toewijzing("400", client="c4", code=None, bericht_id="t400"),
                toewijzing("401", client="c4", bericht_id="t401"),
                # c5: the same product at two aanbieders
                toewijzing("500", client="c5", aanbieder=AGB2, bericht_id="t500"),
                toewijzing("501", client="c5", bericht_id="t501"),
            ]
        )
        result = run("stapeling", data)
        assert sorted(result["record"]) == [
            "t100:0",
            "t101:0",
            "t102:0",
            "t200:0",
            "t201:0",
            "t300:0",
            "t400:0",
            "t401:0",
            "t500:0",
            "t501:0",
        ]
        assert failing(result) == ["t100:0", "t101:0", "t400:0", "t401:0"]

    def test_no_toewijzingen_is_not_assessable(self):
        assert run("stapeling", scan()) is None


class TestTerugwerkendeKracht:
    PARAMS = {"min_dagen": 1, "verwacht_categorieen": ["46", "47", "48"]}

    def test_retroactive_start_and_end(self):
        change = {"datum": "2024-03-10", "dag": "2024-03-11", "ident": "T2"}
        data = scan(
            toewijzingen=[
                # the first 301 in the data: 20 Dec 2023
                toewijzing("100", dag="2023-12-20", datum="2023-12-19", bericht_id="vooraf"),
                toewijzing(
                    "200",
                    ingang="2024-01-02",
                    datum="2024-01-10",
                    dag="2024-01-11",
                    bericht_id="achteraf",
                ),
                toewijzing(
                    "300",
                    ingang="2024-01-02",
                    datum="2024-01-10",
                    cat="48",
                    code=None,
                    bericht_id="gi",
                ),
                toewijzing("400", bericht_id="inkort_v1"),
                toewijzing(
                    "400", eind="2024-03-01", reden="05", **change, bericht_id="inkort_verleden"
                ),
                toewijzing("500", bericht_id="weg_v1"),
                toewijzing("500", eind="2024-01-15", reden="13", **change, bericht_id="weg_v2"),
                toewijzing("600", bericht_id="kort_v1"),
                toewijzing(
                    "600", eind="2024-04-30", reden="05", **change, bericht_id="kort_toekomst"
                ),
                # begins before the first 301 in the data: not judged
                toewijzing("700", ingang="2023-06-01", datum="2024-01-10", bericht_id="oud"),
            ]
        )
        result = run("terugwerkende_kracht", data, self.PARAMS)
        assert len(result) == 9
        assert "oud:0" not in set(result["record"])
        assert failing(result) == ["achteraf:0", "inkort_verleden:0"]

    def test_no_toewijzingen_is_not_assessable(self):
        assert run("terugwerkende_kracht", scan(), self.PARAMS) is None


class TestVerlengingNieuwNummer:
    def test_new_number_the_day_after_the_old_end(self):
        def pair(
            client,
            old,
            new,
            *,
            old_ingang="2024-01-15",
            old_eind="2024-06-30",
            new_ingang="2024-07-01",
            new_datum="2024-06-20",
            old_omvang=OMVANG,
            new_omvang=OMVANG,
        ):
            """Old toewijzing A and a new number B of the same client and product."""
            return [
                toewijzing(
                    old,
                    client=client,
                    ingang=old_ingang,
                    eind=old_eind,
                    datum="2023-01-04",
                    dag="2023-01-05",
                    **old_omvang,
                    bericht_id=f"t{old}",
                ),
                toewijzing(
                    new,
                    client=client,
                    ingang=new_ingang,
                    eind="2024-12-31",
                    datum=new_datum,
                    dag=new_datum,
                    **new_omvang,
                    bericht_id=f"t{new}",
                ),
            ]

        totaal = {"Volume": 40, "Eenheid": "04", "Frequentie": "6"}
        data = scan(
            toewijzingen=[
                # B starts the day after A ends, same omvang, decided while A still ran
                *pair("c1", "100", "101"),
                # decided after A had ended: a new number is allowed
                *pair("c2", "200", "201", new_datum="2024-07-05"),
                *pair("c3", "300", "301", new_omvang=OMVANG | {"Volume": 3}),
                # frequentie 6 (totaal binnen de geldigheidsduur) may get a new number
                *pair("c4", "400", "401", old_omvang=totaal, new_omvang=totaal),
                *pair("c5", "500", "501", new_ingang="2024-07-02"),
                # before iJw 3.2 (2023-04-03) oprekken was not required
                *pair(
                    "c6",
                    "600",
                    "601",
                    old_ingang="2023-01-15",
                    old_eind="2023-03-31",
                    new_ingang="2023-04-01",
                    new_datum="2023-03-20",
                ),
            ]
        )
        result = run("verlenging_nieuw_nummer", data)
        assert len(result) == 12
        assert failing(result) == ["t101:0"]

    def test_no_toewijzingen_is_not_assessable(self):
        assert run("verlenging_nieuw_nummer", scan()) is None


class TestVersieVolgorde:
    def test_same_moment_different_content(self):
        data = scan(
            toewijzingen=[
                toewijzing("100", bericht_id="a1"),
                toewijzing("100", dag="2024-02-01", ident="T2", bericht_id="a1_herhaald"),
                toewijzing("200", bericht_id="b1"),
                toewijzing("200", eind="2025-06-30", ident="T2", bericht_id="b1_anders"),
                toewijzing("300", bericht_id="c1"),
                toewijzing(
                    "300", datum="2024-03-01", eind="2025-06-30", reden="04", bericht_id="c2"
                ),
                toewijzing("400", bericht_id="d1"),
                toewijzing("400", reden="14", ident="T2", bericht_id="d1_reden"),
            ]
        )
        result = run("versie_volgorde", data)
        assert len(result) == 8
        assert failing(result) == ["b1:0", "b1_anders:0", "d1:0", "d1_reden:0"]

    def test_no_toewijzingen_is_not_assessable(self):
        assert run("versie_volgorde", scan()) is None
