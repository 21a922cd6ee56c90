"""Tests for the general checks (kit/checks/algemeen.py): reasoned cases that trigger and pass."""

from __future__ import annotations

import pandas as pd
from builders import (
    AGB,
    AGB2,
    GEM,
    GEM2,
    bericht,
    bestand,
    failing,
    prestatie,
    regie,
    retourcode,
    run,
    scan,
    toewijzing,
    verzoek,
)

from kit.checks.algemeen import retourcodes_per_code
from kit.checks.base import REGISTRY


class TestKopOngeldig:
    def test_codes_and_version(self):
        data = scan(
            berichten=[
                bericht("301", bericht_id="ok"),
                bericht("302", bericht_id="retour_ok", DagtekeningRetour="2024-01-08"),
                # 305 is sent by the aanbieder: Afzender must be an 8-digit AGB code
                bericht("305", aanbieder="1234", bericht_id="agb_kort"),
                # 306 repeats the 305 header: Ontvanger is the gemeente, 5 digits is wrong
                bericht("306", gemeente="99010", bericht_id="retour_gem"),
                bericht("315", BerichtSubversie="1", dag="2024-01-05", bericht_id="subversie"),
                bericht("317", BerichtVersie=None, bericht_id="geen_versie"),
                # before iJw 3.2 took effect (2023-04-03) the version is not judged
                bericht("301", BerichtSubversie="1", dag="2023-01-10", bericht_id="oud"),
            ]
        )
        result = run("kop_ongeldig", data, {"gemeentecodes": []})
        assert len(result) == 7
        assert failing(result) == ["agb_kort", "geen_versie", "retour_gem", "subversie"]
        assert set(result.loc[result["record"] == "retour_gem", "berichttype"]) == {"306"}

    def test_gemeentecode_list(self):
        data = scan(
            berichten=[
                bericht("301", gemeente=GEM, bericht_id="bekend"),
                bericht("319", gemeente=GEM2, bericht_id="onbekend"),
                bericht("305", gemeente="0363", bericht_id="amsterdam"),
            ]
        )
        # YAML reads an unquoted 363 as a number: it still means 0363
        result = run("kop_ongeldig", data, {"gemeentecodes": [GEM, 363]})
        assert failing(result) == ["onbekend"]
        assert len(result) == 3

    def test_no_messages_is_not_assessable(self):
        assert run("kop_ongeldig", scan()) is None


class TestOngeldigeWaarde:
    def test_message_with_an_invalid_value_fails(self):
        data = scan(
            berichten=[
                bericht("301", bericht_id="goed"),
                bericht("301", bericht_id="datum_fout", ident="M2"),
                bericht("305", bericht_id="volume_fout", ident="M3"),
            ],
            ongeldige_waarden=[
                # two invalid elements in one message: one record, failing once
                {
                    "bericht_id": "datum_fout",
                    "berichttype": "301",
                    "tabel": "toewijzingen",
                    "kolom": "Ingangsdatum",
                    "element": "x/Ingangsdatum",
                    "soort": "datum",
                    "aantal": 2,
                    "Dagtekening": "2024-01-05",
                },
                {
                    "bericht_id": "datum_fout",
                    "berichttype": "301",
                    "tabel": "toewijzingen",
                    "kolom": "Einddatum",
                    "element": "x/Einddatum",
                    "soort": "datum",
                    "aantal": 1,
                    "Dagtekening": "2024-01-05",
                },
                {
                    "bericht_id": "volume_fout",
                    "berichttype": "305",
                    "tabel": "starts",
                    "kolom": "Begindatum",
                    "element": "x/Begindatum",
                    "soort": "datum",
                    "aantal": 1,
                    "Dagtekening": "2024-01-05",
                },
            ],
        )
        result = run("ongeldige_waarde", data)
        assert len(result) == 3
        assert failing(result) == ["datum_fout", "volume_fout"]
        assert set(result.loc[result["afwijkend"], "berichttype"]) == {"301", "305"}

    def test_no_invalid_values_passes(self):
        result = run("ongeldige_waarde", scan(berichten=[bericht("301", bericht_id="a")]))
        assert failing(result) == []
        assert len(result) == 1

    def test_no_messages_is_not_assessable(self):
        assert run("ongeldige_waarde", scan()) is None

    def test_from_a_real_ingest(self, tmp_path, monkeypatch):
        import fixtures as fx

        from kit.checks import prepare_scan
        from kit.sources import iter_sources
        from kit.store import ingest

        pseudo = fx.set_key(monkeypatch)
        bad = fx.jw301().replace(b"<Ingangsdatum>2025-02-10<", b"<Ingangsdatum>2026-02-30<")
        fx.write_files(tmp_path / "in", {"a.xml": bad, "b.xml": fx.jw305()})
        ingest(iter_sources([tmp_path / "in"]), tmp_path / "s", pseudonymise=pseudo)
        data = prepare_scan(tmp_path / "s", peildatum="2025-12-31")
        result = REGISTRY["ongeldige_waarde"](data, {})
        assert result["afwijkend"].tolist() == [True, False]
        assert result["berichttype"].tolist() == ["301", "305"]


class TestDubbeleIdentificatie:
    def test_same_identification_per_sender_and_type(self):
        data = scan(
            berichten=[
                bericht("301", ident="T1", bericht_id="a"),
                bericht("301", ident="T1", dag="2024-02-01", bericht_id="b"),
                bericht("305", ident="T1", bericht_id="ander_type"),
                bericht("301", ident="T1", gemeente=GEM2, bericht_id="andere_gemeente"),
                # retours: keyed on their own identification and sender (the aanbieder)
                bericht("302", ident="T1", IdentificatieRetour="R1", bericht_id="r1"),
                bericht("302", ident="T2", IdentificatieRetour="R1", bericht_id="r2"),
                bericht("302", ident="T3", IdentificatieRetour="R2", bericht_id="r3"),
                bericht(
                    "302", ident="T4", IdentificatieRetour="R1", aanbieder=AGB2, bericht_id="r4"
                ),
            ]
        )
        result = run("dubbele_identificatie", data)
        assert len(result) == 8
        assert failing(result) == ["a", "b", "r1", "r2"]

    def test_no_messages_is_not_assessable(self):
        assert run("dubbele_identificatie", scan()) is None


H_A, H_B, H_C, H_D, H_E = ("a" * 64, "b" * 64, "c" * 64, "d" * 64, "e" * 64)


class TestDubbelBestand:
    def test_same_content_under_another_name(self):
        data = scan(
            bestanden=[
                bestand("a.xml", H_A),
                bestand("kopie_van_a.xml", H_A, status="al_ingelezen", n=None),
                bestand("b.xml", H_B),
                # the same file read again in a later run: same name, not a duplicate
                bestand("b.xml", H_B, status="al_ingelezen", n=None, ronde="inlees-0002"),
                # its only message is dated after the peildatum (so not in the scan): left out
                bestand("c.xml", H_C),
                bestand("c2.xml", H_C, status="al_ingelezen", n=None),
                # its first message lies after the peildatum, its second not: the second counts
                bestand("d.xml", H_D, n=2),
                # rejected twice under two names: no message, berichttype unknown
                bestand("e.xml", H_E, status="afgewezen", n=None),
                bestand("e2.xml", H_E, status="afgewezen", n=None),
                bestand("kapot.zip", None, status="afgewezen", n=None),
            ],
            berichten=[
                bericht("301", bericht_id=f"{H_A[:16]}-0"),
                bericht("305", bericht_id=f"{H_B[:16]}-0"),
                bericht("315", bericht_id=f"{H_D[:16]}-1"),
            ],
        )
        result = run("dubbel_bestand", data)
        assert sorted(result["record"]) == [f"bestand:{h}" for h in (H_A, H_B, H_D, H_E)]
        assert failing(result) == [f"bestand:{H_A}", f"bestand:{H_E}"]
        types = dict(zip(result["record"], result["berichttype"], strict=True))
        assert types == {
            f"bestand:{H_A}": "301",
            f"bestand:{H_B}": "305",
            f"bestand:{H_D}": "315",
            f"bestand:{H_E}": "onbekend",
        }

    def test_no_files_is_not_assessable(self):
        assert run("dubbel_bestand", scan()) is None


class TestDatumNaDagtekening:
    def test_content_dates_and_retour_date(self):
        data = scan(
            toewijzingen=[
                toewijzing("100", datum="2024-01-04", dag="2024-01-05", bericht_id="t_ok"),
                toewijzing("101", datum="2024-01-06", dag="2024-01-05", bericht_id="t_later"),
            ],
            starts=[
                regie("305", "100", begin="2024-01-16", dag="2024-01-20", bericht_id="s_ok"),
                regie("305", "101", begin="2024-01-21", dag="2024-01-20", bericht_id="s_later"),
            ],
            stops=[
                regie(
                    "307",
                    "100",
                    begin="2024-01-16",
                    eind="2024-03-02",
                    reden="31",
                    dag="2024-03-01",
                    bericht_id="stop_later",
                )
            ],
            prestaties=[
                prestatie(
                    begin="2024-01-15", eind="2024-01-31", dag="2024-02-10", bericht_id="p_ok"
                ),
                prestatie(
                    begin="2024-02-01", eind="2024-02-29", dag="2024-02-10", bericht_id="p_later"
                ),
            ],
            verzoeken=[
                verzoek("REF1", ident="V1", dag="2024-01-10", bericht_id="v_toekomst"),
                verzoek("REF2", ident="V2", dag="2024-01-10", bericht_id="v_ok"),
                verzoek("REF3", ident="V3", dag="2024-01-10", bericht_id="v_zonder_retour"),
            ],
            berichten=[
                bericht("315", ident="V1", dag="2024-01-10", bericht_id="v_toekomst"),
                bericht("315", ident="V2", dag="2024-01-10", bericht_id="v_ok"),
                bericht("315", ident="V3", dag="2024-01-10", bericht_id="v_zonder_retour"),
                # the gemeente sent the retour a day before the 315's own Dagtekening
                bericht("316", ident="V1", dag="2024-01-10", DagtekeningRetour="2024-01-09"),
                bericht("316", ident="V2", dag="2024-01-10", DagtekeningRetour="2024-01-10"),
            ],
        )
        result = run("datum_na_dagtekening", data)
        # 315 rows count only when their retour is in the data; 301/305/307/323 rows always
        assert sorted(result["record"]) == [
            "p_later:0",
            "p_ok:0",
            "s_later:0",
            "s_ok:0",
            "stop_later:0",
            "t_later:0",
            "t_ok:0",
            "v_ok:0",
            "v_toekomst:0",
        ]
        assert failing(result) == [
            "p_later:0",
            "s_later:0",
            "stop_later:0",
            "t_later:0",
            "v_toekomst:0",
        ]

    def test_nothing_to_check_is_not_assessable(self):
        assert run("datum_na_dagtekening", scan(verzoeken=[verzoek()])) is None


class TestDagtekeningNaPeildatum:
    def test_messages_dated_after_the_peildatum_are_counted_and_named(self):
        data = scan(
            peildatum="2024-03-31",
            berichten=[
                bericht("301", bericht_id="ok", dag="2024-03-01"),
                bericht("305", bericht_id="peildag", dag="2024-03-31"),
                bericht("305", bericht_id="typo", dag="2062-03-01"),  # 2026 typed as 2062
                bericht("307", bericht_id="clock", dag="2024-04-02"),
            ]
            + [bericht("323", bericht_id=f"d{i}", dag="2024-02-10") for i in range(40)],
            toewijzingen=[
                toewijzing(bericht_id="ok"),
                toewijzing("7", bericht_id="typo", dag="2062-03-01"),
            ],
        )
        # left out of everything else the scan uses ...
        assert "typo" not in set(data.tables["berichten"]["bericht_id"])
        assert "7" not in set(data.pathways["ToewijzingNummer"])
        assert list(data.later_rows("toewijzingen")["ToewijzingNummer"]) == ["7"]
        # ... and named here, as messages, in the month of the peildatum
        result = run("dagtekening_na_peildatum", data, {"max_pct": 5})
        assert failing(result) == ["clock", "typo"]
        assert len(result) == 44
        assert set(result.loc[result["afwijkend"], "datum"]) == {pd.Timestamp("2024-03-31")}

    def test_a_peildatum_before_the_end_of_the_data_is_not_assessable(self):
        data = scan(
            peildatum="2024-03-31",
            berichten=[
                bericht("301", bericht_id="a", dag="2024-03-01"),
                bericht("305", bericht_id="b", dag="2024-04-02"),
            ],
        )
        assert run("dagtekening_na_peildatum", data, {"max_pct": 5}) is None
        assert run("dagtekening_na_peildatum", data, {"max_pct": 60}) is not None


class TestAfgekeurdInData:
    def test_rejected_message_and_rejected_rows(self):
        data = scan(
            toewijzingen=[
                toewijzing("100", ident="T1", bericht_id="t_ok", regel=0),
                toewijzing("101", ident="T1", bericht_id="t_ok", regel=1),
                toewijzing("200", ident="T2", bericht_id="t_prod", regel=0),
                toewijzing("201", ident="T2", bericht_id="t_prod", regel=1),
            ],
            starts=[
                regie("305", "100", ident="S1", bericht_id="s_kop"),
                regie("305", "101", ident="S2", bericht_id="s_geen_retour"),
            ],
            prestaties=[
                prestatie("100", ident="D1", ref="R1", bericht_id="d1", regel=0),
                prestatie("100", ident="D1", ref="R2", bericht_id="d1", regel=1),
            ],
            berichten=[
                bericht("301", ident="T1", bericht_id="t_ok"),
                bericht("301", ident="T2", bericht_id="t_prod"),
                bericht("305", ident="S1", dag="2024-01-20", bericht_id="s_kop"),
                bericht("305", ident="S2", dag="2024-01-20", bericht_id="s_geen_retour"),
                bericht("323", ident="D1", dag="2024-02-10", bericht_id="d1"),
                bericht("302", ident="T1", DagtekeningRetour="2024-01-08", bericht_id="r_t1"),
                bericht("302", ident="T2", DagtekeningRetour="2024-01-08", bericht_id="r_t2"),
                bericht(
                    "306",
                    ident="S1",
                    dag="2024-01-20",
                    DagtekeningRetour="2024-01-22",
                    bericht_id="r_s1",
                ),
                bericht(
                    "325",
                    ident="DA1",
                    dag="2024-02-15",
                    DeclaratieIdentificatie="D1",
                    DeclaratieDagtekening323="2024-02-10",
                    bericht_id="a_d1",
                ),
            ],
            retourcodes=[
                retourcode("0200", heen="301", niveau="Header", ident="T1", bericht_id="r_t1"),
                retourcode(
                    "S329",
                    heen="301",
                    niveau="ToegewezenProduct",
                    ident="T2",
                    ToewijzingNummer="201",
                    bericht_id="r_t2",
                ),
                retourcode("8848", heen="305", niveau="Header", ident="S1", bericht_id="r_s1"),
                # 325 codes: the header accepts, one prestatie (R2) is rejected; its
                # ToewijzingNummer is shared with R1, but the ReferentieNummer decides
                retourcode("0200", heen="325", niveau="Header", ident="DA1", bericht_id="a_d1"),
                retourcode(
                    "9338",
                    heen="325",
                    niveau="Prestatie",
                    ident="DA1",
                    ReferentieNummer="R2",
                    ToewijzingNummer="100",
                    bericht_id="a_d1",
                ),
            ],
        )
        result = run("afgekeurd_in_data", data)
        assert sorted(result["record"]) == [
            "d1:0",
            "d1:1",
            "s_kop:0",
            "t_ok:0",
            "t_ok:1",
            "t_prod:0",
            "t_prod:1",
        ]
        assert failing(result) == ["d1:1", "s_kop:0", "t_prod:1"]
        per_code = retourcodes_per_code(data)
        assert set(zip(per_code["RetourCode"], per_code["n"], strict=True)) == {
            ("S329", 1),
            ("8848", 1),
            ("9338", 1),
        }

    def test_no_retours_is_not_assessable(self):
        data = scan(toewijzingen=[toewijzing()], berichten=[bericht("301", ident="T1")])
        assert run("afgekeurd_in_data", data) is None


class TestRetourOntbreekt:
    PARAMS = {"max_werkdagen": 3, "max_werkdagen_325": 10}

    def test_missing_late_and_timely_retours(self):
        def heen(kind, ident, dag):
            return bericht(kind, ident=ident, dag=dag, bericht_id=ident)

        def retour(kind, ident, dag, retour_dag):
            return bericht(kind, ident=ident, dag=dag, DagtekeningRetour=retour_dag)

        data = scan(
            peildatum="2024-02-01",
            berichten=[
                # Fri 5 Jan -> Wed 10 Jan: 3 working days (8, 9, 10): on time
                heen("301", "ok", "2024-01-05"),
                retour("302", "ok", "2024-01-05", "2024-01-10"),
                # -> Thu 11 Jan: 4 working days: late
                heen("301", "laat", "2024-01-05"),
                retour("302", "laat", "2024-01-05", "2024-01-11"),
                # no retour and the term passed long before the peildatum
                heen("301", "weg", "2024-01-05"),
                # Tue 30 Jan: only 2 working days (31 Jan, 1 Feb) before the peildatum
                heen("301", "nog_niet", "2024-01-30"),
                # retour sent after the peildatum: not known yet, so missing
                heen("301", "na_peil", "2024-01-05"),
                retour("302", "na_peil", "2024-01-05", "2024-02-05"),
                # Fri 22 Dec -> Fri 29 Dec: 25 and 26 Dec are holidays, so 3 working days
                heen("301", "kerst", "2023-12-22"),
                retour("302", "kerst", "2023-12-22", "2023-12-29"),
                # no 306 at all in the data: 305s are not assessable
                heen("305", "start", "2024-01-05"),
                # 323 -> 325: Mon 8 Jan -> Mon 22 Jan is 10 working days; -> Tue 23 Jan is 11
                heen("323", "d_ok", "2024-01-08"),
                bericht(
                    "325",
                    ident="A1",
                    dag="2024-01-22",
                    DeclaratieIdentificatie="d_ok",
                    DeclaratieDagtekening323="2024-01-08",
                ),
                heen("323", "d_laat", "2024-01-08"),
                bericht(
                    "325",
                    ident="A2",
                    dag="2024-01-23",
                    DeclaratieIdentificatie="d_laat",
                    DeclaratieDagtekening323="2024-01-08",
                ),
            ],
        )
        result = run("retour_ontbreekt", data, self.PARAMS)
        assert sorted(result["record"]) == [
            "d_laat",
            "d_ok",
            "kerst",
            "laat",
            "na_peil",
            "ok",
            "weg",
        ]
        assert failing(result) == ["d_laat", "laat", "na_peil", "weg"]

    def test_no_retours_is_not_assessable(self):
        data = scan(berichten=[bericht("301", ident="T1"), bericht("305", ident="S1")])
        assert run("retour_ontbreekt", data, self.PARAMS) is None


class TestLeeftijdBuitenJeugdwet:
    def test_of_age_at_start_and_impossible_birth_months(self):
        data = scan(
            toewijzingen=[
                # born Jan 2006: certainly 18 after 31 Jan 2024
                toewijzing("100", ingang="2024-02-01", Geboortemaand="2006-01", bericht_id="t18"),
                toewijzing("101", ingang="2024-01-31", Geboortemaand="2006-01", bericht_id="t17"),
                # DatumGebruik 2: month unknown, so only certain after 31 Dec 2024
                toewijzing(
                    "102",
                    ingang="2024-06-01",
                    Geboortemaand="2006-01",
                    GeboortedatumGebruik="2",
                    bericht_id="t_maand_onbekend",
                ),
                # DatumGebruik 3: wholly unknown (1900-01-01): not judged
                toewijzing(
                    "103",
                    Geboortemaand="1900-01",
                    GeboortedatumGebruik="3",
                    bericht_id="t_onbekend",
                ),
                toewijzing("104", Geboortemaand="2006-13", bericht_id="t_ongeldig"),
            ],
            starts=[
                regie("305", begin="2024-02-01", Geboortemaand="2006-01", bericht_id="s18"),
            ],
            verzoeken=[
                # a 315 is not judged on age, only on the birth month itself
                verzoek(dag="2024-06-01", Geboortemaand="2006-01", bericht_id="v_volwassen"),
                # 31 Dec 1903 + 120 years is before the Dagtekening 5 Jan 2024
                verzoek(dag="2024-01-05", Geboortemaand="1903-12", bericht_id="v_120"),
                verzoek(dag="2024-01-05", Geboortemaand="1904-01", bericht_id="v_119"),
                # born after the Dagtekening
                verzoek(dag="2024-01-05", Geboortemaand="2024-02", bericht_id="v_toekomst"),
                verzoek(dag="2024-01-05", Geboortemaand="2024-01", bericht_id="v_baby"),
            ],
        )
        result = run("leeftijd_buiten_jeugdwet", data, {"leeftijd": 18})
        assert sorted(result["record"]) == [
            "s18:0",
            "t17:0",
            "t18:0",
            "t_maand_onbekend:0",
            "v_119:0",
            "v_120:0",
            "v_baby:0",
            "v_toekomst:0",
            "v_volwassen:0",
        ]
        assert failing(result) == ["s18:0", "t18:0", "v_120:0", "v_toekomst:0"]

    def test_no_birth_months_is_not_assessable(self):
        assert run("leeftijd_buiten_jeugdwet", scan(toewijzingen=[toewijzing()])) is None


class TestBsnTestnummer:
    def checks(self, allowed: bool):
        from kit.checks import allow_test_bsns, load_checks

        chosen = [c for c in load_checks() if c.id == "bsn_testnummer"]
        return allow_test_bsns(chosen) if allowed else chosen

    def result(self, *test: bool, allowed: bool = False):
        from kit.checks import evaluate_checks

        rows = [
            toewijzing(str(100 + i), client=f"c{i}", BsnTestnummer=t) for i, t in enumerate(test)
        ]
        return evaluate_checks(scan(toewijzingen=rows), self.checks(allowed))

    def test_test_bsns_fail_unless_allowed(self):
        data = scan(
            toewijzingen=[
                toewijzing("100", BsnTestnummer=True, bericht_id="test"),
                toewijzing("101", client="c2", BsnTestnummer=False, bericht_id="real"),
            ]
        )
        assert failing(run("bsn_testnummer", data, {"testdata_toegestaan": False})) == ["test:0"]
        assert failing(run("bsn_testnummer", data, {"testdata_toegestaan": True})) == []

    def test_only_test_bsns_when_every_judged_row_has_one(self):
        assert self.result(True, True).only_test_bsns()
        assert not self.result(True, False).only_test_bsns()  # one real BSN: no test store
        assert not self.result(True, True, allowed=True).only_test_bsns()  # already allowed
        assert not self.result().only_test_bsns()  # nothing judged

    def test_cli_quickscan_suggests_the_flag_on_a_test_store(self, example_store, tmp_path, capsys):
        from kit.__main__ import main

        hint = "draai dan opnieuw met --testdata-toegestaan"
        argv = ["quickscan", "--store", str(example_store), "--peildatum", "2026-03-31"]
        assert main([*argv, "--uit", str(tmp_path)]) == 0
        lines = [line for line in capsys.readouterr().out.splitlines() if hint in line]
        assert lines == [
            "Alle BSN's in de store zijn test-BSN's: zijn het testgegevens (zoals de "
            "voorbeeldregio), draai dan opnieuw met --testdata-toegestaan."
        ]


def test_all_general_checks_are_registered():
    for check in (
        "kop_ongeldig",
        "ongeldige_waarde",
        "dubbele_identificatie",
        "dubbel_bestand",
        "datum_na_dagtekening",
        "afgekeurd_in_data",
        "retour_ontbreekt",
        "leeftijd_buiten_jeugdwet",
    ):
        assert check in REGISTRY
    assert AGB != AGB2
