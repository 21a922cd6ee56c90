"""The kit run as a new user would, on messages shaped like the published iJw 3.2 examples.

The messages come from :mod:`official` (tests/official.py), which mirrors the example messages
of the Ketenbureau i-Sociaal Domein / Zorginstituut (sources and commits cited there). Every
stored value asserted here is read off those messages by hand: the known answers. Then every
CLI command runs on the store, with a peildatum that fits the data and ones that do not: each
exits 0, or 2 with a one-line Dutch error, never with a traceback.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import fixtures as fx
import official
import pandas as pd
import pytest

from kit import __main__ as cli
from kit.contract import load_schema
from kit.pathways import build_pathways, drop_rejected, load_tables
from kit.privacy import Pseudonymiser
from kit.read_xml import parse_bytes
from kit.sources import Rejected, iter_sources
from kit.store import KNOWN, LOADED, REJECTED, ingest, read_table

KEY = Pseudonymiser(fx.TEST_KEY.encode("utf-8"))
T = pd.Timestamp


@pytest.fixture(autouse=True)
def _key(monkeypatch) -> None:
    fx.set_key(monkeypatch)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> tuple[Path, object]:
    """The official-shaped set ingested into a store: (store, load report)."""
    folder = tmp_path_factory.mktemp("officieel")
    official.write_all(folder / "berichten")
    store = folder / "store"
    report = ingest(iter_sources([folder / "berichten"]), store, pseudonymise=KEY)
    return store, report


@pytest.fixture(scope="module")
def store(loaded) -> Path:
    return loaded[0]


def rows(store: Path, table: str, columns: list[str]) -> list[dict]:
    """The given columns of a store table as plain records, in stored order."""
    frame = read_table(store, table)[columns].astype(object)
    return frame.where(frame.notna(), None).to_dict("records")


# --------------------------------------------------------------------------------------------
# Load report


def test_load_report_counts_every_file(loaded):
    _, report = loaded
    lines = report.text().splitlines()
    assert lines[2:7] == [
        "Bestanden gezien:      10",
        "  nieuw ingelezen:     10",
        "  al eerder ingelezen: 0",
        "  afgewezen:           0",
        "Berichten ingelezen:   10",
    ]
    assert lines[lines.index("Berichten per berichtsoort:") + 1 :][:9] == [
        "  JW301: 1",
        "  JW305: 2",
        "  JW306: 1",
        "  JW307: 1",
        "  JW315: 1",
        "  JW317: 1",
        "  JW319: 1",
        "  JW323: 1",
        "  JW325: 1",
    ]
    # a retour keeps the heenbericht's Afzender (IV028): the 306 counts for 65656055
    assert lines[lines.index("Berichten per afzender:") + 1 :][:4] == [
        "  0363: 1",
        "  0384: 2",
        "  42420001: 1",
        "  65656055: 6",
    ]
    assert lines[lines.index("Berichten per maand (dagtekening):") + 1 :][:6] == [
        "  2023-01: 2",
        "  2023-07: 3",
        "  2025-03: 1",
        "  2025-04: 1",
        "  2025-05: 2",
        "  2025-07: 1",
    ]
    c = report.counts
    assert c["gezien"] == c[LOADED] + c[REJECTED] + c[KNOWN] == 10


# Identificatie 876543219 of the 319 example passes the 11-proef: stored masked, as a BSN would be
MASKED_319 = load_schema().mask_prefix + KEY("876543219")


def test_messages_header(store):
    got = rows(store, "berichten", ["berichttype", "Afzender", "Ontvanger", "Identificatie"])
    assert sorted(got, key=lambda r: (r["berichttype"], r["Afzender"], r["Identificatie"])) == [
        {"berichttype": "301", "Afzender": "0363", "Ontvanger": "65656055", "Identificatie": "TW0000300201"},
        {"berichttype": "305", "Afzender": "65656055", "Ontvanger": "0363", "Identificatie": "123456789012"},
        {"berichttype": "305", "Afzender": "65656055", "Ontvanger": "0363", "Identificatie": "123456789012"},
        {"berichttype": "306", "Afzender": "65656055", "Ontvanger": "0363", "Identificatie": "123456789012"},
        {"berichttype": "307", "Afzender": "65656055", "Ontvanger": "0363", "Identificatie": "123456789012"},
        {"berichttype": "315", "Afzender": "42420001", "Ontvanger": "0384", "Identificatie": "123456789012"},
        {"berichttype": "317", "Afzender": "65656055", "Ontvanger": "0384", "Identificatie": "987654321"},
        {"berichttype": "319", "Afzender": "0384", "Ontvanger": "65656055", "Identificatie": MASKED_319},
        {"berichttype": "323", "Afzender": "65656055", "Ontvanger": "0384", "Identificatie": "765432198"},
        {"berichttype": "325", "Afzender": "0384", "Ontvanger": "65656055", "Identificatie": "654321987"},
    ]  # fmt: skip
    msgs = read_table(store, "berichten")
    assert set(msgs["BerichtVersie"]) == {"3"} and set(msgs["BerichtSubversie"]) == {"2"}
    assert set(msgs["BerichtXsdVersie"]) == {"1.0.0"}
    r325 = msgs[msgs["berichttype"] == "325"].iloc[0]
    assert r325["DeclaratieIdentificatie"] == "765432198"
    assert r325["DeclaratieDagtekening323"] == T("2025-05-06")
    r306 = msgs[msgs["berichttype"] == "306"].iloc[0]
    assert (r306["IdentificatieRetour"], r306["DagtekeningRetour"]) == (
        "7ae60051-e0f",
        T("2023-07-26"),
    )


# --------------------------------------------------------------------------------------------
# Known answers per message type


def test_jw301_toewijzingen(store):
    got = rows(
        store,
        "toewijzingen",
        ["gemeente", "aanbieder", "ToewijzingNummer", "ReferentieAanbieder", "ProductCategorie",
         "ProductCode", "Toewijzingsdatum", "Toewijzingstijd", "Ingangsdatum", "Einddatum",
         "RedenWijziging", "Volume", "Eenheid", "Frequentie", "Budget", "JuridischeStatus"],
    )  # fmt: skip
    common = {
        "gemeente": "0363",
        "aanbieder": "65656055",
        "ProductCategorie": "55",
        "Toewijzingsdatum": T("2025-03-27"),
        "Toewijzingstijd": "14:05:00",
        "Ingangsdatum": T("2025-04-01"),
        "RedenWijziging": None,
        "Volume": 2,
        "Frequentie": "2",
        "Budget": None,
        "JuridischeStatus": "04",
    }
    assert got == [
        common | {"ToewijzingNummer": "300201", "ReferentieAanbieder": None,
                  "ProductCode": "55A11", "Einddatum": T("2025-07-14"), "Eenheid": "04"},
        common | {"ToewijzingNummer": "300202", "ReferentieAanbieder": "40A12341235",
                  "ProductCode": "55A12", "Einddatum": T("2025-07-19"), "Eenheid": "16"},
    ]  # fmt: skip


def test_jw301_client_is_not_the_relatie(store):
    # the Relatie (a parent born 1980-11, Geslacht 2) sits inside Client in a 301
    toew = read_table(store, "toewijzingen")
    assert set(toew["Geboortemaand"]) == {"2010-02"}
    assert set(toew["Geslacht"]) == {"1"}
    assert set(toew["client_id"]) == {KEY("999900006")}
    assert toew["BsnElfproef"].all() and toew["BsnTestnummer"].all()
    assert not toew["CommentaarAanwezig"].any()  # Commentaar of the Client, not of a product


def test_jw305_starts_both_examples(store):
    got = rows(
        store,
        "starts",
        ["Dagtekening", "ToewijzingNummer", "ProductCategorie", "ProductCode",
         "ToewijzingIngangsdatum", "Begindatum", "StatusAanlevering"],
    )  # fmt: skip
    got.sort(key=lambda r: (r["Dagtekening"], r["ToewijzingNummer"]))
    assert got == [
        {"Dagtekening": T(dag), "ToewijzingNummer": nr, "ProductCategorie": "55",
         "ProductCode": code, "ToewijzingIngangsdatum": T(f"{y}-04-01"),
         "Begindatum": T(f"{y}-04-{d}"), "StatusAanlevering": "1"}
        for y, dag in (("2023", "2023-07-25"), ("2025", "2025-04-01"))
        for nr, code, d in (("300201", "55A11", "03"), ("300202", "55A12", "15"))
    ]  # fmt: skip


def test_jw307_stops(store):
    got = rows(
        store,
        "stops",
        ["ToewijzingNummer", "ProductCode", "ToewijzingIngangsdatum", "Begindatum",
         "RedenBeeindiging", "Einddatum", "StatusAanlevering"],
    )  # fmt: skip
    assert got == [
        {"ToewijzingNummer": "300201", "ProductCode": "55A11",
         "ToewijzingIngangsdatum": T("2025-04-01"), "Begindatum": T("2025-04-03"),
         "RedenBeeindiging": "31", "Einddatum": T("2025-07-19"), "StatusAanlevering": "1"},
        {"ToewijzingNummer": "300202", "ProductCode": "55A12",
         "ToewijzingIngangsdatum": T("2025-04-01"), "Begindatum": T("2025-04-15"),
         "RedenBeeindiging": "31", "Einddatum": T("2025-07-19"), "StatusAanlevering": "1"},
    ]  # fmt: skip


def test_jw315_verzoeken(store):
    got = rows(
        store,
        "verzoeken",
        ["gemeente", "aanbieder", "ReferentieAanbieder", "BeschikkingNummer",
         "BeschikkingIngangsdatum", "ProductCategorie", "ProductCode", "ToewijzingIngangsdatum",
         "ToewijzingEinddatum", "Volume", "Eenheid", "Frequentie", "VerwijzerType",
         "VerwijzerZorgverlenerCode", "VerwijzerNaamAanwezig", "Raamcontract",
         "GezagsdragerBekend", "Geboortemaand"],
    )  # fmt: skip
    common = {
        "gemeente": "0384",
        "aanbieder": "42420001",
        "BeschikkingNummer": "123",
        "BeschikkingIngangsdatum": T("2023-07-15"),
        "ProductCategorie": "55",
        "ToewijzingIngangsdatum": T("2023-04-01"),
        "ToewijzingEinddatum": T("2024-07-19"),
        "Volume": 2,
        "Eenheid": "16",
        "Frequentie": "4",
        "Raamcontract": "1",
        "GezagsdragerBekend": "1",
        "Geboortemaand": "2010-02",
    }
    assert got == [
        common | {"ReferentieAanbieder": "40A12341234", "ProductCode": "55A11",
                  "VerwijzerType": "01", "VerwijzerZorgverlenerCode": None,
                  "VerwijzerNaamAanwezig": True},
        common | {"ReferentieAanbieder": "40A12341235", "ProductCode": "55A12",
                  "VerwijzerType": "02", "VerwijzerZorgverlenerCode": "12345678",
                  "VerwijzerNaamAanwezig": False},
    ]  # fmt: skip


def test_jw317_wijzigingsverzoek(store):
    got = rows(
        store,
        "wijzigingsverzoeken",
        ["Soort", "ReferentieAanbieder", "RedenVerzoek", "ToewijzingNummer", "ProductCategorie",
         "ProductCode", "GewensteIngangsdatum", "Einddatum", "Volume", "Eenheid", "Frequentie"],
    )  # fmt: skip
    assert got == [
        {"Soort": "ongewijzigd", "ReferentieAanbieder": "9003", "RedenVerzoek": "1",
         "ToewijzingNummer": "10071", "ProductCategorie": None, "ProductCode": None,
         "GewensteIngangsdatum": None, "Einddatum": None, "Volume": None, "Eenheid": None,
         "Frequentie": None},
        {"Soort": "nieuw", "ReferentieAanbieder": "9003", "RedenVerzoek": "1",
         "ToewijzingNummer": None, "ProductCategorie": "45", "ProductCode": "45A03",
         "GewensteIngangsdatum": T("2023-11-01"), "Einddatum": T("2024-02-28"), "Volume": 4,
         "Eenheid": "04", "Frequentie": "4"},
    ]  # fmt: skip
    assert set(read_table(store, "wijzigingsverzoeken")["client_id"]) == {KEY("999900006")}


def test_jw319_antwoord(store):
    got = rows(
        store,
        "antwoorden",
        ["gemeente", "aanbieder", "ReferentieAanbieder", "VerzoekAntwoord",
         "RedenAfwijzingVerzoek", "WoonplaatsbeginselGemeente"],
    )  # fmt: skip
    assert got == [
        {"gemeente": "0384", "aanbieder": "65656055", "ReferentieAanbieder": "9003",
         "VerzoekAntwoord": "1", "RedenAfwijzingVerzoek": "8", "WoonplaatsbeginselGemeente": "1916"}
    ]  # fmt: skip


def test_jw323_declaratie_and_prestaties(store):
    assert rows(
        store,
        "declaraties",
        ["DeclaratieNummer", "DeclaratiePeriodeBegindatum", "DeclaratiePeriodeEinddatum",
         "DeclaratieDagtekening", "TotaalIngediendBedrag", "TotaalIngediendBedragDebetCredit"],
    ) == [
        {"DeclaratieNummer": "DN001", "DeclaratiePeriodeBegindatum": T("2025-04-01"),
         "DeclaratiePeriodeEinddatum": T("2025-04-30"), "DeclaratieDagtekening": T("2025-05-06"),
         "TotaalIngediendBedrag": 79000, "TotaalIngediendBedragDebetCredit": "D"}
    ]  # fmt: skip
    got = rows(
        store,
        "prestaties",
        ["client_id", "ReferentieNummer", "ToewijzingNummer", "ProductCode",
         "ProductPeriodeBegindatum", "ProductPeriodeEinddatum", "GeleverdVolume", "ProductTarief",
         "IngediendBedrag"],
    )  # fmt: skip
    assert got == [
        {"client_id": KEY(bsn), "ReferentieNummer": ref, "ToewijzingNummer": nr,
         "ProductCode": code, "ProductPeriodeBegindatum": T(begin),
         "ProductPeriodeEinddatum": T(end), "GeleverdVolume": int(volume),
         "ProductTarief": int(tarief), "IngediendBedrag": int(bedrag)}
        for bsn, ref, nr, code, begin, end, volume, tarief, bedrag in official.PRESTATIES
    ]  # fmt: skip
    prestaties = read_table(store, "prestaties")
    assert set(prestaties["ProductCategorie"]) == {"45"} and set(prestaties["Eenheid"]) == {"04"}
    assert prestaties["IngediendBedrag"].sum() == 79000


def test_jw325_totals_and_rejected_prestaties(store):
    assert rows(
        store,
        "declaratie_antwoorden",
        ["DeclaratieNummer", "TotaalIngediendBedrag", "TotaalToegekendBedrag",
         "TotaalToegekendBedragDebetCredit"],
    ) == [
        {"DeclaratieNummer": "DN001", "TotaalIngediendBedrag": 79000,
         "TotaalToegekendBedrag": 45000, "TotaalToegekendBedragDebetCredit": "D"}
    ]  # fmt: skip
    codes = read_table(store, "retourcodes")
    lines = codes[(codes["heen_berichttype"] == "325") & (codes["niveau"] == "Prestatie")]
    got = rows_of(
        lines,
        ["ReferentieNummer", "ToewijzingNummer", "ProductCategorie", "ProductCode",
         "ProductPeriodeBegindatum", "ProductPeriodeEinddatum", "RetourCode"],
    )  # fmt: skip
    april = {"ProductCategorie": "45", "ProductPeriodeBegindatum": T("2025-04-01"),
             "ProductPeriodeEinddatum": T("2025-04-30")}  # fmt: skip
    assert got == [
        april | {"ReferentieNummer": "RN001", "ToewijzingNummer": "10072", "ProductCode": "45A03",
                 "RetourCode": "0611"},
        *(april | {"ReferentieNummer": "RN002", "ToewijzingNummer": "10073",
                   "ProductCode": "45A04", "RetourCode": code}
          for code in ("9339", "9340", "9341")),
        april | {"ReferentieNummer": "RN003", "ToewijzingNummer": "10074", "ProductCode": "45A03",
                 "RetourCode": "9307"},
    ]  # fmt: skip
    other = codes[(codes["heen_berichttype"] == "325") & (codes["niveau"] != "Prestatie")]
    assert sorted(zip(other["niveau"], other["RetourCode"], strict=True)) == [
        ("Client", "0200"),
        ("Client", "0200"),
        ("DeclaratieAntwoord", "0200"),
        ("Header", "0200"),
    ]
    # the 325's client codes carry the client of their Client element
    assert set(other.loc[other["niveau"] == "Client", "client_id"]) == {
        KEY("999900006"),
        KEY("999900018"),
    }


def rows_of(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    frame = frame[columns].astype(object)
    return frame.where(frame.notna(), None).to_dict("records")


def test_jw306_rejects_only_the_305_it_answers(store):
    # Both published 305 examples use Identificatie 123456789012; the 306 (8848) copies the
    # Dagtekening 2023-07-25 of the one it answers (IV028).
    codes = read_table(store, "retourcodes")
    (code,) = rows_of(
        codes[codes["heen_berichttype"] == "305"],
        ["niveau", "Identificatie", "Dagtekening", "DagtekeningRetour", "RetourCode"],
    )
    assert code == {
        "niveau": "Header",
        "Identificatie": "123456789012",
        "Dagtekening": T("2023-07-25"),
        "DagtekeningRetour": T("2023-07-26"),
        "RetourCode": "8848",
    }
    kept = drop_rejected(read_table(store, "starts"), codes)
    assert sorted(set(kept["Dagtekening"])) == [T("2025-04-01")]


def test_pathways_from_the_examples(store):
    # 301 -> 305 (2025) -> 307 per toewijzing; the 315 (another gemeente and aanbieder) stays open
    got = build_pathways(load_tables(store)).set_index("pathway_id")
    assert got["status"].to_dict() == {
        "0363:300201": "gestopt",
        "0363:300202": "gestopt",
        "vot:42420001:40A12341234": "verzoek_open",
        "vot:42420001:40A12341235": "verzoek_open",
    }
    regie = got.loc[["0363:300201", "0363:300202"]]
    assert regie["toewijzingsdatum"].tolist() == [T("2025-03-27")] * 2
    assert regie["start_begindatum"].tolist() == [T("2025-04-03"), T("2025-04-15")]
    assert regie["stop_einddatum"].tolist() == [T("2025-07-19")] * 2
    assert regie["stop_reden"].tolist() == ["31", "31"]
    assert set(got["client_id"]) == {KEY("999900006")}


def test_no_bsn_or_name_in_the_store(store):
    for path in store.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for personal in (b"999900006", b"999900018", b"Wit", b"Dorpsstraat", b"0612345678"):
                assert personal not in data, (path.name, personal)


# --------------------------------------------------------------------------------------------
# Shapes a region's own download may have: same content, same rows


def _variants() -> dict[str, bytes]:
    base = official.jw305()
    text = base.decode()
    return {
        "bom": b"\xef\xbb\xbf" + base,
        "crlf": base.replace(b"\n", b"\r\n"),
        "bom_crlf": b"\xef\xbb\xbf" + base.replace(b"\n", b"\r\n"),
        "commentaar": base.replace(
            b"\t<jw305:Header>", b"\t<!-- testbericht -->\n\t<jw305:Header>"
        ),
        "xsi": base.replace(
            b" >\n",
            b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation='
            b'"http://www.istandaarden.nl/ijw/3_2/jw305/schema JW305.xsd">\n',
            1,
        ),
        "standaard_namespace": text.replace("jw305:", "")
        .replace("xmlns:jw305=", "xmlns=")
        .encode(),
        "latin1": text.replace("UTF-8", "ISO-8859-1").replace("Tom", "Zoë").encode("latin-1"),
        "utf16": text.replace("UTF-8", "UTF-16").encode("utf-16"),
        "witruimte_voor_declaratie": b"\r\n  " + base,
        "waarde_op_eigen_regel": base.replace(
            b"<jw305:Begindatum>2025-04-03</",
            b"<jw305:Begindatum>\n\t\t\t\t\t2025-04-03\n\t\t\t\t</",
        ),
    }


@pytest.mark.parametrize("name", list(_variants()))
def test_file_shapes_give_the_same_rows(tmp_path, name):
    data = _variants()[name]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / f"{name}.xml").write_bytes(data)
    report = ingest(iter_sources([tmp_path / "in"]), tmp_path / "store", pseudonymise=KEY)
    assert report.counts[LOADED] == 1, report.text()
    got = rows(tmp_path / "store", "starts", ["ToewijzingNummer", "Begindatum", "client_id"])
    assert got == [
        {"ToewijzingNummer": "300201", "Begindatum": T("2025-04-03"), "client_id": KEY("999900006")},
        {"ToewijzingNummer": "300202", "Begindatum": T("2025-04-15"), "client_id": KEY("999900006")},
    ]  # fmt: skip


def test_rejected_files_are_named_with_a_dutch_reason(tmp_path):
    base = official.jw305()
    wmo = base.replace(b"ijw/3_2/jw305", b"iwmo/3_2/wmo305").replace(
        b"ijw/3_2/basis", b"iwmo/3_2/basis"
    )
    fx.write_files(
        tmp_path / "in",
        {
            "JW305.xml": base,
            "WMO305 voorbeeld.xml": wmo,
            "JW305 iJw 3.1.xml": base.replace(b"3_2", b"3_1"),
            "JW305 afgebroken.xml": base[:700],
            "JW305 leeg.xml": b"",
        },
    )
    report = ingest(iter_sources([tmp_path / "in"]), tmp_path / "store", pseudonymise=KEY)
    lines = report.text().splitlines()
    rejected = lines[lines.index("Afgewezen bestanden:") + 1 :]
    assert rejected == [
        "  in/JW305 afgebroken.xml: XML is afgebroken of onvolledig (Couldn't find end of Start "
        "Tag BerichtXsdVe line 15, line 15, column 21 (<string>, line 15))",
        "  in/JW305 iJw 3.1.xml: iJw-versie 3.1 wordt niet ondersteund; de kit leest alleen iJw 3.2",
        "  in/JW305 leeg.xml: leeg bestand",
        "  in/WMO305 voorbeeld.xml: bericht uit een andere standaard (iWmo 3.2, bericht WMO305); "
        "de kit leest alleen iJw 3.2",
    ]
    c = report.counts
    assert (c["gezien"], c[LOADED], c[REJECTED]) == (5, 1, 4)


def test_a_cut_off_download_is_afgebroken_wherever_it_stops():
    # Cut inside a tag name ('<jw323:Pres') the reason used to be 'XML is beschadigd'.
    data = official.jw323()
    for cut in range(100, len(data.rstrip()) - 1, 13):
        for body in (data[:cut], data.replace(b"\n", b"\r\n")[:cut]):
            with pytest.raises(Rejected) as exc:
                parse_bytes(body, source="x.xml", file_hash="0" * 64, pseudonymise=KEY)
            assert exc.value.reason.startswith("XML is afgebroken of onvolledig ("), cut
    for broken in (data + b"<extra/>", data.replace(b"</jw323:Bericht>", b"</jw323:Berict>")):
        with pytest.raises(Rejected) as exc:
            parse_bytes(broken, source="x.xml", file_hash="0" * 64, pseudonymise=KEY)
        assert exc.value.reason.startswith("XML is beschadigd (")


def test_impossible_date_keeps_the_message(tmp_path):
    # The stored JW315.xml example has ToewijzingEinddatum 2027-06-31.
    fx.write_files(
        tmp_path / "in", {"JW315.xml": official.jw315(toewijzing_einddatum="2027-06-31")}
    )
    report = ingest(iter_sources([tmp_path / "in"]), tmp_path / "store", pseudonymise=KEY)
    assert report.counts[LOADED] == 1
    lines = report.text().splitlines()
    assert lines[lines.index("Ongeldige waarden (bericht ingelezen, veld leeg gelaten):") + 1] == (
        "  JW315 Client/AangevraagdeProducten/AangevraagdProduct/ToewijzingEinddatum (datum): 1"
    )
    got = rows(tmp_path / "store", "verzoeken", ["ReferentieAanbieder", "ToewijzingEinddatum"])
    assert got == [
        {"ReferentieAanbieder": "40A12341234", "ToewijzingEinddatum": None},
        {"ReferentieAanbieder": "40A12341235", "ToewijzingEinddatum": T("2024-07-19")},
    ]


def test_stored_retours_every_code_at_its_level(tmp_path):
    # JW302/308/316/318/320 as stored; the 318 has a RetourCode straight in Verzoek (no RetourCodes
    # around it), which the kit used to drop without a word.
    folder = tmp_path / "in"
    fx.write_files(folder, {name: build() for name, build in official.RETOURS.items()})
    report = ingest(iter_sources([folder]), tmp_path / "store", pseudonymise=KEY)
    lines = report.text().splitlines()
    assert lines[2:7] == [
        "Bestanden gezien:      5",
        "  nieuw ingelezen:     5",
        "  al eerder ingelezen: 0",
        "  afgewezen:           0",
        "Berichten ingelezen:   5",
    ]
    msgs = rows(tmp_path / "store", "berichten", ["berichttype", "heen_berichttype", "n_regels"])
    assert sorted(msgs, key=lambda r: r["berichttype"]) == [
        {"berichttype": "302", "heen_berichttype": "301", "n_regels": 1},
        {"berichttype": "308", "heen_berichttype": "307", "n_regels": 0},  # approved: no codes
        {"berichttype": "316", "heen_berichttype": "315", "n_regels": 4},
        {"berichttype": "318", "heen_berichttype": "317", "n_regels": 6},
        {"berichttype": "320", "heen_berichttype": "319", "n_regels": 2},
    ]
    got = rows(
        tmp_path / "store",
        "retourcodes",
        ["heen_berichttype", "niveau", "RetourCode", "ReferentieAanbieder", "ToewijzingNummer",
         "ProductCategorie", "ProductCode", "gemeente", "aanbieder"],
    )  # fmt: skip
    none = dict.fromkeys(
        ["ReferentieAanbieder", "ToewijzingNummer", "ProductCategorie", "ProductCode"]
    )
    vot = {"gemeente": "0384", "aanbieder": "42420001"}
    vow = {"gemeente": "0384", "aanbieder": "65656055"}
    assert sorted(got, key=lambda r: r["heen_berichttype"]) == [
        none | {"heen_berichttype": "301", "niveau": "Header", "RetourCode": "8848"} | vot,
        none | {"heen_berichttype": "315", "niveau": "Header", "RetourCode": "0200"} | vot,
        none | {"heen_berichttype": "315", "niveau": "AangevraagdProduct", "RetourCode": "9347",
                "ReferentieAanbieder": "42420001", "ProductCategorie": "31",
                "ProductCode": "31ABC"} | vot,
        none | {"heen_berichttype": "315", "niveau": "AangevraagdProduct", "RetourCode": "0200",
                "ReferentieAanbieder": "42420001", "ProductCategorie": "32",
                "ProductCode": "32XYZ"} | vot,
        none | {"heen_berichttype": "315", "niveau": "Client", "RetourCode": "0200"} | vot,
        none | {"heen_berichttype": "317", "niveau": "Header", "RetourCode": "0200"} | vow,
        none | {"heen_berichttype": "317", "niveau": "Verzoek", "RetourCode": "9350",
                "ReferentieAanbieder": "9003"} | vow,
        none | {"heen_berichttype": "317", "niveau": "OngewijzigdProduct", "RetourCode": "9350",
                "ToewijzingNummer": "10071"} | vow,
        none | {"heen_berichttype": "317", "niveau": "NieuwProduct", "RetourCode": "0200",
                "ProductCategorie": "45", "ProductCode": "45A03"} | vow,
        none | {"heen_berichttype": "317", "niveau": "Verzoek", "RetourCode": "9349",
                "ReferentieAanbieder": "9003"} | vow,
        none | {"heen_berichttype": "317", "niveau": "Client", "RetourCode": "0200"} | vow,
        none | {"heen_berichttype": "319", "niveau": "Header", "RetourCode": "0200"} | vow,
        none | {"heen_berichttype": "319", "niveau": "Antwoord", "RetourCode": "9360",
                "ReferentieAanbieder": "9003"} | vow,
    ]  # fmt: skip
    codes = read_table(tmp_path / "store", "retourcodes")
    client_codes = codes[codes["niveau"] == "Client"]
    assert set(client_codes["client_id"]) == {KEY("999900006")}


# --------------------------------------------------------------------------------------------
# Every command, as a new user runs it


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = cli.main(argv)
        except SystemExit as exc:  # argparse
            rc = exc.code
    return rc, out.getvalue(), err.getvalue()


def assert_clean_exit(rc: int, out: str, err: str) -> None:
    """Exit 0, or 2 with one Dutch line starting 'Fout:'; never a traceback."""
    assert "Traceback" not in out + err
    assert rc in (0, 2), (rc, out[-500:], err[-1500:])
    if rc == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Fout: "), err
        assert not ENGLISH.search(lines[0]), f"not a Dutch message: {lines[0]}"


# words of Python/pandas messages that leak through instead of a Dutch explanation
ENGLISH = re.compile(r"\b(?:No|not found|objects|Expected|object|cannot|invalid|the)\b")


def test_inlezen_cli_twice(tmp_path):
    official.write_all(tmp_path / "in")
    argv = ["inlezen", str(tmp_path / "in"), "--store", str(tmp_path / "store"), "--stil"]
    rc, out, err = run_cli(argv)
    assert_clean_exit(rc, out, err)
    assert "  nieuw ingelezen:     10" in out.splitlines()
    rc, out, err = run_cli(argv)
    assert_clean_exit(rc, out, err)
    assert "  al eerder ingelezen: 10" in out.splitlines()


def test_overzicht(store):
    rc, out, err = run_cli(["overzicht", "--store", str(store)])
    assert_clean_exit(rc, out, err)
    assert rc == 0


# within the data (2023-01 .. 2025-07), before all of it, long after it
PEILDATA = ["2025-12-31", "2022-01-01", "2030-06-30"]


@pytest.mark.parametrize("peildatum", PEILDATA)
def test_quickscan(store, tmp_path, peildatum):
    argv = ["quickscan", "--store", str(store), "--peildatum", peildatum]
    rc, out, err = run_cli([*argv, "--uit", str(tmp_path), "--testdata-toegestaan"])
    assert_clean_exit(rc, out, err)


def flagged(store: Path, peildatum: str) -> dict[str, set[tuple]]:
    """Quick-scan flags per check as (berichttype, Dagtekening, regel or None)."""
    msgs = read_table(store, "berichten").set_index("bericht_id")
    flags = pd.read_parquet(store / "vlaggen" / f"{peildatum}.parquet")
    out: dict[str, set[tuple]] = {}
    for check, record in zip(flags["check_id"].astype(str), flags["record"], strict=True):
        bericht, _, regel = record.partition(":")
        msg = msgs.loc[bericht]
        key = (msg["berichttype"], str(msg["Dagtekening"].date()), int(regel) if regel else None)
        out.setdefault(check, set()).add(key)
    return out


STARTS_JUDGED = (
    "start_te_laat",
    "start_automatisch",
    "start_buiten_toewijzing",
    "start_ingangsdatum_afwijkend",
    "start_product_afwijkend",
    "start_wees_of_dubbel",
)


def test_quickscan_finds_what_the_examples_break(store, tmp_path):
    """Findings that follow from the XML and the rules alone (known answers)."""
    peildatum = "2025-12-31"
    argv = ["quickscan", "--store", str(store), "--peildatum", peildatum, "--uit", str(tmp_path)]
    rc, out, err = run_cli([*argv, "--testdata-toegestaan"])
    assert rc == 0, err
    got = flagged(store, peildatum)
    start_2025 = {("305", "2025-04-01", 0), ("305", "2025-04-01", 1)}
    start_2023 = {("305", "2023-07-25", 0), ("305", "2023-07-25", 1)}
    # both 305 examples carry Identificatie 123456789012 (TR056)
    assert got["dubbele_identificatie"] == {
        ("305", "2025-04-01", None),
        ("305", "2023-07-25", None),
    }
    # the 2025 305 is dated 2025-04-01 but starts 2025-04-03 and 2025-04-15 (TR134)
    assert got["datum_na_dagtekening"] == start_2025
    # rejected: the 2023 305 by the 306 (8848), prestaties RN001..RN003 (regel 1..3) by the 325
    assert got["afgekeurd_in_data"] == start_2023 | {("323", "2025-05-06", r) for r in (1, 2, 3)}
    # the 2025 305 got no retour, the 2023 one did
    assert got["retour_ontbreekt"] == {("305", "2025-04-01", None)}
    # the 2025 305 and 307 share their keys: no start without stop, no stop without start
    assert "start_zonder_stop" not in got and "stop_zonder_start" not in got
    # the rejected 2023 305 counts as never sent (OP286): no start check judges it
    for check in STARTS_JUDGED:
        assert not start_2023 & got.get(check, set()), check
    # RN004 for March 2025 declared on 2025-05-06: after the end of April (SAP 2.5.1)
    assert got["declaratie_te_laat"] == {("323", "2025-05-06", 5)}
    # both 315 products (gemeente 0384, AGB 42420001) got no 301 or 319
    assert got["vot_niet_beantwoord"] == {("315", "2023-07-15", 0), ("315", "2023-07-15", 1)}
    # the 325 explains 79000 - 45000 with its three rejected lines (TR342)
    assert ("325", "2025-05-06", 0) not in got.get("declaratie_dubbel_koppeling", set())


@pytest.mark.parametrize("peildatum", PEILDATA)
def test_wachttijden(store, tmp_path, peildatum):
    argv = ["wachttijden", "--store", str(store), "--peildatum", peildatum]
    rc, out, err = run_cli([*argv, "--uit", str(tmp_path)])
    assert_clean_exit(rc, out, err)


@pytest.mark.parametrize("peildatum", PEILDATA)
def test_trends(store, tmp_path, peildatum):
    argv = ["trends", "--store", str(store), "--peildatum", peildatum]
    rc, out, err = run_cli([*argv, "--uit", str(tmp_path)])
    assert_clean_exit(rc, out, err)


@pytest.mark.notebooks
def test_rapport(store, tmp_path):
    params = tmp_path / "rapport.yaml"
    params.write_text(
        f"regio: Officiele voorbeelden\nstore: {store}\npeildatum: '2025-12-31'\n"
        "periode_van: '2025-01-01'\nperiode_tot: '2025-12-31'\ngemeenten: []\nmin_cel: 10\n"
        "per_notebook:\n  01_quickscan:\n    testdata_toegestaan: true\n",
        encoding="utf-8",
    )
    rc, out, err = run_cli(["rapport", "--params", str(params), "--uit", str(tmp_path / "uit")])
    assert "Traceback" not in out + err
    assert rc == 0, err
    assert sorted(p.name for p in (tmp_path / "uit").glob("*.html")) == [
        "01_quickscan.html",
        "02_definities.html",
        "03_trends.html",
    ]
