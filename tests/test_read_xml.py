"""Tests for kit.read_xml: one class per public function."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import fixtures as fx
import pytest

from kit.privacy import Pseudonymiser
from kit.read_xml import load_xsds, parse_bytes
from kit.sources import Rejected, iter_sources, mask_bsn_like

PSEUDO = Pseudonymiser(fx.TEST_KEY.encode("utf-8"))


def parse(data: bytes, *, source: str = "bestand.xml", schemas: dict | None = None) -> dict:
    """Rows per table of one file."""
    digest = hashlib.sha256(data).hexdigest()
    return parse_bytes(
        data, source=source, file_hash=digest, pseudonymise=PSEUDO, schemas=schemas
    ).rows


def rejection(data: bytes, **kwargs) -> str:
    """The Dutch reason a file is rejected with."""
    with pytest.raises(Rejected) as info:
        parse(data, **kwargs)
    return info.value.reason


def pick(rows: list[dict], *columns: str) -> list[tuple]:
    return [tuple(row[c] for c in columns) for row in rows]


# --------------------------------------------------------------------------------------------


class TestParseBytes:
    """Every message type into the right tables, with the right values."""

    @pytest.mark.parametrize("nr", fx.ALL_TYPES)
    def test_header_row_per_message_with_gemeente_and_aanbieder(self, nr):
        rows = parse(fx.BUILDERS[nr](), source=f"map/jw{nr}.xml")
        (head,) = rows["berichten"]
        heen = fx.HEEN.get(nr, nr)
        # The Afzender of the (heen)bericht decides which side is the gemeente.
        sent_by_gemeente = heen in fx.SENT_BY_GEMEENTE
        assert head["Afzender"] == (fx.GEMEENTE if sent_by_gemeente else fx.AANBIEDER)
        assert head["Ontvanger"] == (fx.AANBIEDER if sent_by_gemeente else fx.GEMEENTE)
        assert head["gemeente"] == fx.GEMEENTE
        assert head["aanbieder"] == fx.AANBIEDER
        assert head["berichttype"] == nr
        assert head["BerichtCode"] == str(fx.BERICHTCODE[nr])
        assert (head["BerichtVersie"], head["BerichtSubversie"]) == ("3", "2")
        assert (head["BasisschemaXsdVersie"], head["BerichtXsdVersie"]) == ("1.2.0", "1.2.0")
        assert head["is_retour"] is (nr in fx.HEEN)
        assert head["bron"] == f"map/jw{nr}.xml"
        assert head["xsd_gevalideerd"] is False
        digest = hashlib.sha256(fx.BUILDERS[nr]()).hexdigest()
        assert head["bericht_id"] == f"{digest[:16]}-0"
        # Every row of every table carries the same provenance.
        for table, table_rows in rows.items():
            for row in table_rows:
                assert row["bericht_id"] == head["bericht_id"], table
                assert (row["gemeente"], row["aanbieder"]) == (fx.GEMEENTE, fx.AANBIEDER), table

    def test_301_toewijzingen(self):
        rows = parse(fx.jw301())
        assert set(rows) == {"berichten", "toewijzingen"}
        first, second = rows["toewijzingen"]
        assert first["ToewijzingNummer"] == "300201"
        assert (first["ProductCategorie"], first["ProductCode"]) == ("45", "45A48")
        assert (first["Toewijzingsdatum"], first["Toewijzingstijd"]) == ("2025-01-30", "14:05:00")
        assert (first["Ingangsdatum"], first["Einddatum"]) == ("2025-02-10", "2025-08-09")
        assert (first["Volume"], first["Eenheid"], first["Frequentie"]) == ("2", "04", "2")
        assert first["Budget"] is None and first["RedenWijziging"] is None
        assert first["ReferentieAanbieder"] is None
        assert first["CommentaarAanwezig"] is True
        assert (first["JuridischeStatus"], first["WettelijkeVertegenwoordiging"]) == ("04", "06")
        assert second["ToewijzingNummer"] == "300202"
        assert second["ReferentieAanbieder"] == "VOT-2025-0042"
        assert (second["ProductCategorie"], second["ProductCode"]) == ("54", None)
        assert (second["RedenWijziging"], second["Budget"], second["Volume"]) == (
            "13",
            "150000",
            None,
        )
        assert second["CommentaarAanwezig"] is False
        assert [r["regel"] for r in rows["toewijzingen"]] == [0, 1]
        assert all(r["Identificatie"] == "TW-000101" for r in rows["toewijzingen"])
        assert all(r["Dagtekening"] == "2025-02-03" for r in rows["toewijzingen"])
        assert rows["berichten"][0]["n_regels"] == 2

    def test_client_columns_are_pseudonymised_and_reduced(self):
        (row, _) = parse(fx.jw301())["toewijzingen"]
        assert row["client_id"] == PSEUDO(fx.BSN_A)
        assert row["BsnElfproef"] is True and row["BsnTestnummer"] is True
        assert row["Geboortemaand"] == "2012-03"
        assert row["GeboortedatumGebruik"] is None and row["Geslacht"] == "2"
        assert fx.BSN_A not in str(row) and fx.GEBOORTEDATUM_A not in str(row)

    def test_client_with_invalid_bsn_is_read_and_flagged(self):
        (row, _) = parse(fx.jw301(bsn="123456789"))["toewijzingen"]
        assert row["BsnElfproef"] is False and row["BsnTestnummer"] is False
        assert row["client_id"] == PSEUDO("123456789")

    def test_305_starts(self):
        rows = parse(fx.jw305())
        assert set(rows) == {"berichten", "starts"}
        assert pick(
            rows["starts"],
            "ToewijzingNummer",
            "ProductCategorie",
            "ProductCode",
            "ToewijzingIngangsdatum",
            "Begindatum",
            "StatusAanlevering",
        ) == [
            ("300201", "45", "45A48", "2025-02-10", "2025-02-12", "1"),
            ("300201", "45", "45A48", "2025-02-10", "2025-02-11", "3"),
        ]
        assert {r["client_id"] for r in rows["starts"]} == {PSEUDO(fx.BSN_A)}

    def test_305_with_prefixed_elements_as_in_the_reference_skeleton(self):
        rows = parse(fx.JW305_PREFIXED)
        (start,) = rows["starts"]
        assert (start["ToewijzingNummer"], start["Begindatum"]) == ("300305", "2025-02-24")
        assert (start["ProductCategorie"], start["ProductCode"]) == ("54", "54001")
        assert start["client_id"] == PSEUDO(fx.BSN_B)
        assert (start["Geboortemaand"], start["Geslacht"]) == ("2009-11", "1")
        assert rows["berichten"][0]["Identificatie"] == "ST-2025-0100"

    def test_307_stops(self):
        (stop,) = parse(fx.jw307())["stops"]
        assert stop["ToewijzingNummer"] == "300201"
        assert (stop["Begindatum"], stop["Einddatum"]) == ("2025-02-12", "2025-06-30")
        assert (stop["RedenBeeindiging"], stop["StatusAanlevering"]) == ("20", "1")
        assert stop["ToewijzingIngangsdatum"] == "2025-02-10"

    def test_315_verzoeken(self):
        first, second = parse(fx.jw315())["verzoeken"]
        assert first["ReferentieAanbieder"] == "VOT-2025-0042"
        assert (first["ProductCategorie"], first["ProductCode"]) == ("54", "54001")
        assert (first["ToewijzingIngangsdatum"], first["ToewijzingEinddatum"]) == (
            "2025-01-06",
            "2025-07-05",
        )
        assert (first["Volume"], first["Eenheid"], first["Frequentie"]) == ("3", "04", "2")
        assert (first["VerwijzerType"], first["VerwijzerZorgverlenerCode"]) == ("02", "01012345")
        assert first["VerwijzerNaamAanwezig"] is True
        assert first["GezagsdragerBekend"] == "1"
        assert (first["Geboortemaand"], first["GeboortedatumGebruik"]) == ("2009-11", "1")
        assert second["ReferentieAanbieder"] == "VOT-2025-0043"
        assert (second["BeschikkingNummer"], second["BeschikkingIngangsdatum"]) == (
            "BS-77120",
            "2024-12-01",
        )
        assert (second["Budget"], second["ProductCategorie"], second["Raamcontract"]) == (
            "250000",
            None,
            "2",
        )
        assert (second["VerwijzerType"], second["VerwijzerNaamAanwezig"]) == ("06", False)

    def test_317_one_row_per_product_with_soort(self):
        rows = parse(fx.jw317())["wijzigingsverzoeken"]
        assert pick(
            rows,
            "Soort",
            "ToewijzingNummer",
            "ProductCategorie",
            "ProductCode",
            "GewensteIngangsdatum",
            "Einddatum",
            "Volume",
            "Eenheid",
            "Frequentie",
        ) == [
            ("ongewijzigd", "300202", None, None, None, None, None, None, None),
            ("te_wijzigen", "300201", None, None, "2025-02-10", "2025-12-31", "4", "04", "2"),
            ("nieuw", None, "45", "45A52", "2025-05-01", "2025-10-31", "10", "16", "6"),
        ]
        assert {(r["ReferentieAanbieder"], r["RedenVerzoek"]) for r in rows} == {
            ("VOW-2025-0007", "2")
        }
        # The 317 client block holds only the BSN.
        assert {r["client_id"] for r in rows} == {PSEUDO(fx.BSN_A)}
        assert {r["Geboortemaand"] for r in rows} == {None}

    def test_319_antwoord_without_client(self):
        rows = parse(fx.jw319())
        (antwoord,) = rows["antwoorden"]
        assert antwoord["ReferentieAanbieder"] == "VOW-2025-0007"
        assert (antwoord["VerzoekAntwoord"], antwoord["RedenAfwijzingVerzoek"]) == ("1", "8")
        assert antwoord["WoonplaatsbeginselGemeente"] == fx.ANDERE_GEMEENTE
        assert "client_id" not in antwoord
        assert rows["berichten"][0]["gemeente"] == fx.GEMEENTE

    def test_323_declaratie_and_prestaties(self):
        rows = parse(fx.jw323())
        (decl,) = rows["declaraties"]
        assert decl["DeclaratieNummer"] == "D2025030001"
        assert (decl["DeclaratiePeriodeBegindatum"], decl["DeclaratiePeriodeEinddatum"]) == (
            "2025-03-01",
            "2025-03-31",
        )
        assert decl["DeclaratieDagtekening"] == "2025-04-04"
        assert (decl["TotaalIngediendBedrag"], decl["TotaalIngediendBedragDebetCredit"]) == (
            "59900",
            "D",
        )
        prestaties = rows["prestaties"]
        assert pick(
            prestaties,
            "ReferentieNummer",
            "VorigReferentieNummer",
            "ToewijzingNummer",
            "GeleverdVolume",
            "ProductTarief",
            "IngediendBedrag",
            "IngediendBedragDebetCredit",
        ) == [
            ("RN-A-0001", None, "300201", "8", "6250", "50000", "D"),
            ("RN-A-0002", "RN-A-0000", "300201", "1", "6250", "6250", "C"),
            ("RN-B-0001", None, "300305", "2", "4700", "9400", "D"),
            ("RN-C-0001", None, "300410", "1", "6750", "6750", "D"),
        ]
        assert [r["client_id"] for r in prestaties] == [
            PSEUDO(fx.BSN_A),
            PSEUDO(fx.BSN_A),
            PSEUDO(fx.BSN_B),
            PSEUDO(fx.BSN_C),
        ]
        first = prestaties[0]
        assert (first["ProductCategorie"], first["ProductCode"], first["Eenheid"]) == (
            "45",
            "45A48",
            "04",
        )
        assert (first["ProductPeriodeBegindatum"], first["ProductPeriodeEinddatum"]) == (
            "2025-03-01",
            "2025-03-31",
        )
        assert {(r["DeclaratieNummer"], r["DeclaratiePeriodeBegindatum"]) for r in prestaties} == {
            ("D2025030001", "2025-03-01")
        }
        # Regel numbers run over all tables of the message.
        assert [r["regel"] for r in rows["declaraties"] + prestaties] == [0, 1, 2, 3, 4]

    def test_325_totals_and_rejected_prestaties_in_retourcodes(self):
        rows = parse(fx.jw325())
        assert set(rows) == {"berichten", "declaratie_antwoorden", "retourcodes"}
        (antwoord,) = rows["declaratie_antwoorden"]
        assert antwoord["DeclaratieNummer"] == "D2025030001"
        assert (antwoord["TotaalIngediendBedrag"], antwoord["TotaalToegekendBedrag"]) == (
            "59900",
            "50500",
        )
        assert antwoord["TotaalToegekendBedragDebetCredit"] == "D"
        assert pick(
            rows["retourcodes"],
            "niveau",
            "RetourCode",
            "ReferentieNummer",
            "ToewijzingNummer",
            "client_id",
        ) == [
            ("Header", "0200", None, None, None),
            ("Prestatie", "9338", "RN-B-0001", "300305", PSEUDO(fx.BSN_B)),
        ]
        head = rows["berichten"][0]
        assert (head["DeclaratieIdentificatie"], head["DeclaratieDagtekening323"]) == (
            "DC-2025-0003",
            "2025-04-04",
        )
        assert head["is_retour"] is False

    def test_302_retourcodes_per_niveau(self):
        rows = parse(fx.jw302())
        assert set(rows) == {"berichten", "retourcodes"}  # a retour feeds no message table
        assert pick(
            rows["retourcodes"],
            "niveau",
            "RetourCode",
            "ToewijzingNummer",
            "ProductCategorie",
            "ProductCode",
            "client_id",
        ) == [
            ("Header", "0200", None, None, None, None),
            ("Client", "0200", None, None, None, PSEUDO(fx.BSN_A)),
            ("ToegewezenProduct", "S329", "300201", "45", "45A48", PSEUDO(fx.BSN_A)),
        ]
        for code in rows["retourcodes"]:
            assert code["heen_berichttype"] == "301"
            assert (code["Afzender"], code["Ontvanger"]) == (fx.GEMEENTE, fx.AANBIEDER)
            assert (code["Identificatie"], code["Dagtekening"]) == ("TW-000101", "2025-02-03")
            assert code["DagtekeningRetour"] == "2025-02-04"
        head = rows["berichten"][0]
        assert (head["heen_berichttype"], head["is_retour"]) == ("301", True)
        assert (head["IdentificatieRetour"], head["DagtekeningRetour"]) == (
            "RT-880001",
            "2025-02-04",
        )
        assert head["n_regels"] == 3

    @pytest.mark.parametrize(
        ("nr", "expected"),
        [
            ("306", [("StartProduct", "9074", "300201", None, "45", "45A48", "2025-02-12")]),
            ("308", [("StopProduct", "9069", "300201", None, "45", "45A48", "2025-02-12")]),
            (
                "316",
                [
                    ("Client", "0200", None, None, None, None, None),
                    ("AangevraagdProduct", "9347", None, "VOT-2025-0042", "54", "54001", None),
                ],
            ),
            (
                "318",
                [
                    ("TeWijzigenProduct", "9359", "300201", None, None, None, None),
                    ("Verzoek", "0200", None, "VOW-2025-0007", None, None, None),
                ],
            ),
            ("320", [("Antwoord", "9355", None, "VOW-2025-0007", None, None, None)]),
        ],
    )
    def test_retourcodes_with_key_fields(self, nr, expected):
        rows = parse(fx.BUILDERS[nr]())
        got = pick(
            rows["retourcodes"],
            "niveau",
            "RetourCode",
            "ToewijzingNummer",
            "ReferentieAanbieder",
            "ProductCategorie",
            "ProductCode",
            "Begindatum",
        )
        assert got == expected
        assert {r["heen_berichttype"] for r in rows["retourcodes"]} == {fx.HEEN[nr]}
        assert rows["berichten"][0]["heen_berichttype"] == fx.HEEN[nr]

    def test_retourcode_client_id_only_where_there_is_a_client(self):
        assert [r["client_id"] for r in parse(fx.jw320())["retourcodes"]] == [None]
        assert {r["client_id"] for r in parse(fx.jw316())["retourcodes"]} == {PSEUDO(fx.BSN_B)}

    def test_message_in_transport_envelope_is_found(self):
        rows = parse(fx.envelope(fx.jw301(), fx.jw319()))
        assert [r["berichttype"] for r in rows["berichten"]] == ["301", "319"]
        ids = [r["bericht_id"] for r in rows["berichten"]]
        assert ids[0].endswith("-0") and ids[1].endswith("-1")
        assert [r["ToewijzingNummer"] for r in rows["toewijzingen"]] == ["300201", "300202"]
        assert rows["antwoorden"][0]["bericht_id"] == ids[1]

    def test_latin1_with_encoding_declaration_is_read(self):
        data = fx.jw301().decode().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
        rows = parse(data.replace(fx.VOORNAMEN_A, "Désirée").encode("latin-1"))
        assert len(rows["toewijzingen"]) == 2


class TestParseBytesRejects:
    """Bad input is rejected with a Dutch reason that names the problem and holds no values."""

    @staticmethod
    def _301() -> str:
        return fx.jw301().decode()

    def cases(self) -> dict[str, tuple[bytes, str]]:
        good = self._301()
        cut = good.index(fx.BSN_A) + len(fx.BSN_A)
        ns301 = fx.message_ns("301")
        return {
            "afgebroken na het BSN": (good[:cut].encode(), "afgebroken"),
            "afgebroken in een tag": (good[: good.index("</Bericht>") + 5].encode(), "afgebroken"),
            "tags door elkaar": (
                good.replace("</Geslacht>", "</Geslachtt>").encode(),
                "XML is beschadigd",
            ),
            "attribuut zonder aanhalingstekens": (
                good.replace("<Client>", "<Client soort=1>").encode(),
                "XML is beschadigd",
            ),
            "iJw 3.1": (
                good.replace(ns301, fx.message_ns("301", versie="3_1")).encode(),
                "iJw-versie 3.1 wordt niet ondersteund",
            ),
            "iJw 2.4": (
                good.replace(ns301, fx.message_ns("301", versie="2_4")).encode(),
                "iJw-versie 2.4 wordt niet ondersteund",
            ),
            "iWmo": (
                good.replace(ns301, fx.message_ns("301", domein="iwmo", soort="wmo")).encode(),
                "andere standaard (iWmo 3.2, bericht WMO301)",
            ),
            "JW399": (
                good.replace(ns301, fx.message_ns("399")).encode(),
                "onbekende berichtsoort JW399",
            ),
            "BerichtCode van de 305": (
                fx.jw301(berichtcode=438),
                "BerichtCode past niet bij berichtsoort JW301 (verwacht 436)",
            ),
            "BSN als BerichtCode": (fx.jw301(berichtcode=fx.BSN_A), "past niet bij berichtsoort"),
            "zonder BerichtCode": (
                good.replace("<BerichtCode>436</BerichtCode>", "").encode(),
                "JW301: verplicht element Header/BerichtCode ontbreekt",
            ),
            "zonder Afzender": (
                good.replace(f"<Afzender>{fx.GEMEENTE}</Afzender>", "").encode(),
                "JW301: verplicht element Header/Afzender ontbreekt",
            ),
            "latin-1 zonder declaratie": (
                good.replace(fx.VOORNAMEN_A, "Désirée").encode("latin-1"),
                "geen geldige UTF-8",
            ),
            "leeg bestand": (b"", "leeg bestand"),
            "alleen witruimte": (b" \n\t\n", "leeg bestand"),
            "PDF": (
                b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
                "geen XML-bestand",
            ),
            "tekstbestand": (f"BSN {fx.BSN_A} Femke\n".encode(), "geen XML-bestand"),
            "ander XML": (
                f"<html><body>{fx.BSN_A}</body></html>".encode(),
                "geen iJw-bericht gevonden (hoofdelement html, namespace geen)",
            ),
            "envelop zonder iJw": (
                fx.envelope(fx.jw301()).replace(ns301.encode(), b"urn:iets-anders"),
                "geen iJw-bericht gevonden (hoofdelement Envelope",
            ),
            "iWmo in envelop": (
                fx.envelope(fx.jw301()).replace(
                    ns301.encode(), fx.message_ns("301", domein="iwmo", soort="wmo").encode()
                ),
                "andere standaard",
            ),
        }

    CASE_NAMES = [
        "afgebroken na het BSN",
        "afgebroken in een tag",
        "tags door elkaar",
        "attribuut zonder aanhalingstekens",
        "iJw 3.1",
        "iJw 2.4",
        "iWmo",
        "JW399",
        "BerichtCode van de 305",
        "BSN als BerichtCode",
        "zonder BerichtCode",
        "zonder Afzender",
        "latin-1 zonder declaratie",
        "leeg bestand",
        "alleen witruimte",
        "PDF",
        "tekstbestand",
        "ander XML",
        "envelop zonder iJw",
        "iWmo in envelop",
    ]

    def test_case_list_is_complete(self):
        assert sorted(self.cases()) == sorted(self.CASE_NAMES)

    @pytest.mark.parametrize("case", CASE_NAMES)
    def test_rejected_with_reason(self, case):
        data, expected = self.cases()[case]
        reason = rejection(data)
        assert expected in reason
        assert fx.BSN_A not in reason
        assert not re.search(r"\d{6,}", reason), reason
        assert fx.GEBOORTEDATUM_A not in reason and fx.VOORNAMEN_A not in reason

    def test_the_berichtcode_value_is_not_in_the_reason(self):
        # a BSN, a name or a non-ISO date typed there would otherwise reach the load report
        for code in (fx.BSN_A, "Dijkstra", "17-05-2012"):
            reason = rejection(fx.jw301(berichtcode=code))
            assert reason == (
                "BerichtCode past niet bij berichtsoort JW301 (verwacht 436); de waarde zelf "
                "staat niet in dit verslag"
            )

    def test_one_bad_message_in_an_envelope_rejects_the_file(self):
        bad = fx.jw319().replace(fx.message_ns("319").encode(), fx.message_ns("399").encode())
        assert "JW399" in rejection(fx.envelope(fx.jw301(), bad))


class TestStufEnvelopes:
    """GGk StUF envelopes carry the message base64-encoded (ggk0210 and ggk0310)."""

    def test_ggk0210_xmlbestand_is_decoded(self):
        data = fx.ggk0210_envelope(fx.jw301())
        assert fx.BSN_A.encode() not in data  # really encoded, not written out
        rows = parse(data)
        assert len(rows["berichten"]) == 1
        assert [r["ToewijzingNummer"] for r in rows["toewijzingen"]] == ["300201", "300202"]
        assert rows["toewijzingen"][0]["client_id"] == PSEUDO(fx.BSN_A)

    def test_ggk0310_bericht_base64_with_content_type_is_decoded(self):
        data = fx.ggk0310_envelope(fx.jw305())
        assert b'xmime:contentType="application/xml"' in data
        rows = parse(data)
        assert [r["berichttype"] for r in rows["berichten"]] == ["305"]
        assert len(rows["starts"]) == len(parse(fx.jw305())["starts"])

    def test_ggk0310_without_soap_wrapper(self):
        rows = parse(fx.ggk0310_envelope(fx.jw319(), soap=False))
        assert [r["berichttype"] for r in rows["berichten"]] == ["319"]

    def test_decoded_rows_equal_the_plain_message(self):
        plain = parse(fx.jw301())
        wrapped = parse(fx.ggk0310_envelope(fx.jw301()))
        strip = ("bericht_id",)
        for table in plain:
            assert [{k: v for k, v in r.items() if k not in strip} for r in plain[table]] == [
                {k: v for k, v in r.items() if k not in strip} for r in wrapped[table]
            ], table

    def test_plain_xml_envelope_still_reads(self):
        rows = parse(fx.envelope(fx.jw301(), fx.jw305()))
        assert [r["berichttype"] for r in rows["berichten"]] == ["301", "305"]

    def test_text_file_in_envelope_is_rejected(self):
        reason = rejection(fx.ggk0210_envelope(b"bsn;naam\n", text_file=True))
        assert reason == (
            "StUF-envelop met een tekstbestand (tekstBestand), geen iJw-bericht (xmlBestand)"
        )

    def test_invalid_base64_is_rejected(self):
        data = fx.ggk0310_envelope(fx.jw301()).replace(
            b'contentType="application/xml">', b'contentType="application/xml">!!'
        )
        assert rejection(data) == "StUF-envelop: de inhoud van bericht is geen geldige base64"

    def test_truncated_payload_is_rejected_with_the_inner_reason(self):
        data = fx.ggk0210_envelope(fx.jw301()[:200])
        reason = rejection(data)
        assert reason.startswith("StUF-envelop: het ingepakte bestand: XML is afgebroken")

    def test_pdf_payload_names_the_content_type(self):
        data = fx.ggk0310_envelope(b"%PDF-1.4 ...", content_type="application/pdf")
        assert rejection(data) == (
            "StUF-envelop (contentType application/pdf): het ingepakte bestand: "
            "geen XML-bestand (de inhoud begint niet met '<')"
        )

    def test_iwmo_in_base64_envelope_names_standard(self):
        iwmo = fx.jw301().replace(
            fx.message_ns("301").encode(),
            fx.message_ns("301", domein="iwmo", versie="3_2", soort="wmo").encode(),
        )
        assert "andere standaard (iWmo 3.2" in rejection(fx.ggk0210_envelope(iwmo))


class TestOtherStandards:
    """A message of another iStandaard or version says which one it is."""

    @pytest.mark.parametrize(
        ("namespace", "expected"),
        [
            (
                "http://www.istandaarden.nl/iwmo/2_0/wmo301/schema",
                "bericht uit een andere standaard (iWmo 2.0, bericht WMO301); "
                "de kit leest alleen iJw 3.2",
            ),
            (
                "http://www.istandaarden.nl/iwmo/wmo301/schema/2_0",
                "bericht uit een andere standaard (iWmo 2.0, bericht WMO301); "
                "de kit leest alleen iJw 3.2",
            ),
            (
                "http://www.istandaarden.nl/iwmo/2_4/wmo315/schema",
                "bericht uit een andere standaard (iWmo 2.4, bericht WMO315); "
                "de kit leest alleen iJw 3.2",
            ),
            (
                "http://www.istandaarden.nl/ijw/jw301/schema/2_0",
                "iJw-versie 2.0 wordt niet ondersteund; de kit leest alleen iJw 3.2",
            ),
            (
                "https://www.istandaarden.nl/ijw/3_2/jw301/schema",
                "namespace https://www.istandaarden.nl/ijw/3_2/jw301/schema is geen iJw "
                "3.2-berichtnamespace (verwacht http://www.istandaarden.nl/ijw/3_2/jwNNN/schema)",
            ),
        ],
    )
    def test_reason_names_standard_and_version(self, namespace, expected):
        data = fx.jw301().replace(fx.message_ns("301").encode(), namespace.encode())
        assert rejection(data) == expected


class TestTextContent:
    """The text of an element is all of its text, whatever comments or PIs sit inside."""

    @pytest.mark.parametrize(
        "written",
        [
            f"{fx.BSN_A[:4]}<!-- opmerking -->{fx.BSN_A[4:]}",
            f"<!-- opmerking -->{fx.BSN_A}",
            f"{fx.BSN_A[:4]}<?verwerk iets?>{fx.BSN_A[4:]}",
            f"{fx.BSN_A[:4]}<![CDATA[{fx.BSN_A[4:6]}]]>{fx.BSN_A[6:]}",
        ],
    )
    def test_bsn_with_comment_gives_the_right_pseudonym(self, written):
        data = fx.jw301().replace(
            f"<Bsn>{fx.BSN_A}</Bsn>".encode(), f"<Bsn>{written}</Bsn>".encode()
        )
        assert data != fx.jw301()
        rows = parse(data)
        assert {r["client_id"] for r in rows["toewijzingen"]} == {PSEUDO(fx.BSN_A)}
        assert all(r["BsnElfproef"] for r in rows["toewijzingen"])


def _elfproef_8() -> str:
    """An 8-digit value that passes the 11-proef with a leading zero (a BSN that lost its 0)."""
    from kit.privacy import bsn_elfproef

    return next(str(n) for n in range(12345670, 12345700) if bsn_elfproef(f"0{n}"))


class TestInvalidValues:
    """Impossible values are left empty and recorded (table ongeldige_waarden), message kept."""

    def _301(self) -> bytes:
        data = fx.jw301()
        data = data.replace(b"<Toewijzingsdatum>2025-01-30<", b"<Toewijzingsdatum>2026-02-30<")
        data = data.replace(b"<Einddatum>2025-08-09<", b"<Einddatum>2027-06-31<")
        data = data.replace(b"<ijw:Volume>2<", b"<ijw:Volume>4.5<")
        return data.replace(b"<Budget>150000<", b"<Budget>1500,00<")

    def test_message_kept_fields_empty(self):
        rows = parse(self._301())
        first, second = rows["toewijzingen"]
        assert first["Toewijzingsdatum"] is None and first["Einddatum"] is None
        assert first["Volume"] is None
        assert first["Ingangsdatum"] == "2025-02-10"  # valid values untouched
        assert second["Budget"] is None and second["Toewijzingsdatum"] == "2025-01-31"

    def test_each_invalid_field_is_recorded_with_element_and_count(self):
        rows = parse(self._301())
        found = pick(rows["ongeldige_waarden"], "tabel", "kolom", "element", "soort", "aantal")
        product = "Client/ToegewezenProducten/ToegewezenProduct"
        assert sorted(found) == [
            ("toewijzingen", "Budget", f"{product}/Budget", "geheel getal", 1),
            ("toewijzingen", "Einddatum", f"{product}/Einddatum", "datum", 1),
            ("toewijzingen", "Toewijzingsdatum", f"{product}/Toewijzingsdatum", "datum", 1),
            ("toewijzingen", "Volume", f"{product}/Omvang/Volume", "geheel getal", 1),
        ]
        head = rows["berichten"][0]
        for row in rows["ongeldige_waarden"]:
            assert row["bericht_id"] == head["bericht_id"]
            assert (row["berichttype"], row["Dagtekening"]) == ("301", "2025-02-03")
            assert "2026" not in str(row) and "4.5" not in str(row)

    def test_two_bad_dates_of_one_element_count_two(self):
        data = fx.jw301().replace(b"<Ingangsdatum>2025-02-10<", b"<Ingangsdatum>2025-13-01<")
        data = data.replace(b"<Ingangsdatum>2025-01-06<", b"<Ingangsdatum>06-01-2025<")
        (row,) = parse(data)["ongeldige_waarden"]
        assert (row["kolom"], row["aantal"]) == ("Ingangsdatum", 2)

    def test_invalid_header_date(self):
        data = fx.jw305().replace(b"<ijw:Dagtekening>", b"<ijw:Dagtekening>x", 1)
        rows = parse(data)
        assert rows["berichten"][0]["Dagtekening"] is None
        (row,) = rows["ongeldige_waarden"]
        assert (row["tabel"], row["element"]) == (
            "berichten",
            "Header/BerichtIdentificatie/Dagtekening",
        )

    def test_time_zone_is_dropped_not_counted(self):
        data = fx.jw301().replace(b"<Ingangsdatum>2025-02-10<", b"<Ingangsdatum>2025-02-10+01:00<")
        rows = parse(data)
        assert rows["toewijzingen"][0]["Ingangsdatum"] == "2025-02-10"
        assert "ongeldige_waarden" not in rows

    def test_valid_message_records_nothing(self):
        assert "ongeldige_waarden" not in parse(fx.jw301())


class TestRequiredElements:
    """Without --xsd a message missing an element the kit needs is rejected, element named."""

    @pytest.mark.parametrize(
        ("nr", "remove", "expected"),
        [
            ("301", f"<Bsn>{fx.BSN_A}</Bsn>", "JW301: verplicht element Client/Bsn ontbreekt"),
            (
                "301",
                "<ToewijzingNummer>300202</ToewijzingNummer>",
                "JW301: verplicht element "
                "Client/ToegewezenProducten/ToegewezenProduct/ToewijzingNummer ontbreekt",
            ),
            (
                "301",
                f"<ijw:Datum>{fx.GEBOORTEDATUM_A}</ijw:Datum>",
                "JW301: verplicht element Client/Geboortedatum/Datum ontbreekt",
            ),
            (
                "305",
                "<Begindatum>",
                "JW305: verplicht element Client/StartProducten/StartProduct/Begindatum ontbreekt",
            ),
            (
                "323",
                f"<Bsn>{fx.BSN_C}</Bsn>",
                "JW323: verplicht element Declaratie/Clienten/Client/Bsn ontbreekt",
            ),
            (
                "302",
                "<DagtekeningRetour>",
                "JW302: verplicht element Header/DagtekeningRetour ontbreekt",
            ),
            (
                "305",
                "<ijw:Dagtekening>",
                "JW305: verplicht element Header/BerichtIdentificatie/Dagtekening ontbreekt",
            ),
        ],
    )
    def test_missing_element_rejects_with_its_name(self, nr, remove, expected):
        data = fx.BUILDERS[nr]().decode()
        assert remove in data
        if remove.endswith(">") and "</" in remove:
            data = data.replace(remove, "", 1)
        else:  # an opening tag: drop the whole element
            close = remove.replace("<", "</")
            start = data.index(remove)
            data = data[:start] + data[data.index(close, start) + len(close) :]
        assert rejection(data.encode()) == expected

    def test_empty_element_counts_as_missing(self):
        data = fx.jw301().replace(f"<Bsn>{fx.BSN_A}</Bsn>".encode(), b"<Bsn> </Bsn>")
        assert rejection(data) == "JW301: verplicht element Client/Bsn ontbreekt"

    def test_message_without_any_record_is_rejected(self):
        data = fx.jw301().decode()
        start, end = data.index("<ToegewezenProducten>"), data.index("</ToegewezenProducten>")
        data = data[:start] + data[end + len("</ToegewezenProducten>") :]
        assert rejection(data.encode()) == (
            "JW301: verplicht element Client/ToegewezenProducten/ToegewezenProduct ontbreekt"
        )

    def test_list_lives_in_berichten_yaml(self):
        from kit.contract import load_schema

        schema = load_schema()
        assert "client_id" in schema.tables["toewijzingen"].required
        assert schema.raw["kop_verplicht"]["kop"][0] == "BerichtCode"

    @pytest.mark.parametrize("nr", fx.ALL_TYPES)
    def test_complete_messages_still_load(self, nr):
        assert parse(fx.BUILDERS[nr]())["berichten"]


class TestBirthDates:
    """Birth dates keep year and month only, whatever the format; unparseable: dropped, counted."""

    @pytest.mark.parametrize(
        ("written", "stored"),
        [
            ("2012-03-17", "2012-03"),
            ("17-03-2012", "2012-03"),
            ("17/03/2012", "2012-03"),
            ("7-3-2012", "2012-03"),
            ("20120317", "2012-03"),
            ("2012-03-17+01:00", "2012-03"),
            ("2012-03-17T00:00:00", "2012-03"),
        ],
    )
    def test_year_and_month_whatever_the_format(self, written, stored):
        data = fx.jw301().replace(fx.GEBOORTEDATUM_A.encode(), written.encode())
        rows = parse(data)
        assert {r["Geboortemaand"] for r in rows["toewijzingen"]} == {stored}
        assert "ongeldige_waarden" not in rows

    @pytest.mark.parametrize("written", ["2012-02-30", "17-05-2", "onbekend", "2012-3"])
    def test_unparseable_is_dropped_and_counted_once_per_message(self, written):
        data = fx.jw301().replace(fx.GEBOORTEDATUM_A.encode(), written.encode())
        rows = parse(data)
        assert {r["Geboortemaand"] for r in rows["toewijzingen"]} == {None}
        (row,) = rows["ongeldige_waarden"]
        assert (row["kolom"], row["element"], row["soort"], row["aantal"]) == (
            "Geboortemaand",
            "Client/Geboortedatum/Datum",
            "geboortedatum",
            1,
        )


class TestBsnShapedValues:
    """A BSN-shaped value outside the Bsn field is masked before it is stored."""

    def test_nine_digit_bsn_in_a_code_field(self):
        data = fx.jw301().replace(b"VOT-2025-0042", fx.BSN_B.encode())
        (row,) = [r for r in parse(data)["toewijzingen"] if r["ToewijzingNummer"] == "300202"]
        assert row["ReferentieAanbieder"] == f"bsn:{PSEUDO(fx.BSN_B)}"

    def test_bsn_as_afzender_is_masked_everywhere(self):
        data = fx.jw305().replace(
            f"<Afzender>{fx.AANBIEDER}<".encode(), f"<Afzender>{fx.BSN_B}<".encode()
        )
        rows = parse(data)
        mask = f"bsn:{PSEUDO(fx.BSN_B)}"
        assert rows["berichten"][0]["Afzender"] == mask
        assert rows["berichten"][0]["aanbieder"] == mask
        assert {r["aanbieder"] for r in rows["starts"]} == {mask}
        assert fx.BSN_B not in str(rows)

    def test_eight_digits_lost_leading_zero(self):
        eight = _elfproef_8()
        data = fx.jw301().replace(b"VOT-2025-0042", eight.encode())
        (row,) = [r for r in parse(data)["toewijzingen"] if r["ToewijzingNummer"] == "300202"]
        assert row["ReferentieAanbieder"] == f"bsn:{PSEUDO('0' + eight)}"

    def test_eight_digit_agb_code_is_kept(self):
        eight = _elfproef_8()
        data = fx.jw305().replace(fx.AANBIEDER.encode(), eight.encode())
        assert parse(data)["berichten"][0]["Afzender"] == eight

    def test_values_failing_the_elfproef_and_numbers_are_kept(self):
        data = fx.jw301().replace(b"VOT-2025-0042", b"123456789")
        data = data.replace(b"<Budget>150000<", f"<Budget>{fx.BSN_B}<".encode())
        rows = parse(data)["toewijzingen"]
        assert rows[1]["ReferentieAanbieder"] == "123456789"
        assert rows[1]["Budget"] == fx.BSN_B  # an amount, not masked

    def test_retour_keys_are_masked(self):
        data = fx.jw302().replace(
            b"<ToewijzingNummer>300201<", f"<ToewijzingNummer>{fx.BSN_C}<".encode()
        )
        codes = parse(data)["retourcodes"]
        assert f"bsn:{PSEUDO(fx.BSN_C)}" in {r["ToewijzingNummer"] for r in codes}
        assert fx.BSN_C not in str(codes)


class TestIterSources:
    """Folders (recursive), zip and tar.xz archives, in a stable order with readable names."""

    @pytest.fixture
    def invoer(self, tmp_path: Path) -> Path:
        folder = tmp_path / "invoer"
        fx.write_files(
            folder,
            {
                "b.xml": fx.jw305(),
                "a.xml": fx.jw301(),
                "sub/diep/c.xml": fx.jw307(),
                ".verborgen.xml": b"<x/>",
                ".git/d.xml": b"<x/>",
                "sub/.DS_Store": b"\0\0",
                f"{fx.BSN_B}.xml": fx.jw315(),
                "archief.zip": fx.zip_bytes(
                    {
                        "map/bestand.xml": fx.jw319(),
                        "map/sub/ander.xml": fx.jw323(),
                        "los.xml": fx.jw325(),
                        "map/.verborgen.xml": b"<x/>",
                        "__MACOSX/map/._bestand.xml": b"\0",
                        "leeg/": b"",
                    }
                ),
                "pakket.tar.xz": fx.tar_xz_bytes(
                    {
                        "x/y.xml": fx.jw317(),
                        "x/.z.xml": b"<x/>",
                        "a.xml": fx.jw302(),
                    }
                ),
            },
        )
        return folder

    def test_folder_recursive_with_archives_in_stable_order(self, invoer):
        names = [s.name for s in iter_sources([invoer])]
        # folders sorted, zip members sorted, tar members in archive order (streamed); hidden
        # and macOS helper entries are listed (as rejected entries, see test_ingest_hostile)
        assert names == [
            "invoer/.git",
            "invoer/.verborgen.xml",
            "invoer/<bsn>.xml",
            "invoer/a.xml",
            "invoer/archief.zip!__MACOSX/map/._bestand.xml",
            "invoer/archief.zip!los.xml",
            "invoer/archief.zip!map/.verborgen.xml",
            "invoer/archief.zip!map/bestand.xml",
            "invoer/archief.zip!map/sub/ander.xml",
            "invoer/b.xml",
            "invoer/pakket.tar.xz!x/y.xml",
            "invoer/pakket.tar.xz!x/.z.xml",
            "invoer/pakket.tar.xz!a.xml",
            "invoer/sub/.DS_Store",
            "invoer/sub/diep/c.xml",
        ]
        assert [s.name for s in iter_sources([invoer])] == names
        assert [s.signature for s in iter_sources([invoer])] == [
            s.signature for s in iter_sources([invoer])
        ]

    def test_read_returns_the_member_bytes(self, invoer):
        # read after the walk: a streamed tar member is found again in the archive
        sources = {s.name: s for s in iter_sources([invoer])}
        bsn_name = "invoer/<bsn>.xml"
        wanted = [
            "invoer/archief.zip!map/bestand.xml",
            "invoer/pakket.tar.xz!x/y.xml",
            "invoer/sub/diep/c.xml",
            bsn_name,
        ]
        content = {name: sources[name].read() for name in wanted}
        assert content["invoer/archief.zip!map/bestand.xml"] == fx.jw319()
        assert content["invoer/pakket.tar.xz!x/y.xml"] == fx.jw317()
        assert content["invoer/sub/diep/c.xml"] == fx.jw307()
        assert content[bsn_name] == fx.jw315()

    def test_archive_given_directly(self, invoer):
        names = [s.name for s in iter_sources([invoer / "archief.zip", invoer / "a.xml"])]
        assert names == [
            "archief.zip!__MACOSX/map/._bestand.xml",
            "archief.zip!los.xml",
            "archief.zip!map/.verborgen.xml",
            "archief.zip!map/bestand.xml",
            "archief.zip!map/sub/ander.xml",
            "a.xml",
        ]

    def test_signatures_are_unique(self, invoer):
        sigs = [s.signature for s in iter_sources([invoer])]
        assert len(set(sigs)) == len(sigs)

    def test_corrupt_zip_is_one_rejected_source(self, tmp_path):
        (tmp_path / "kapot.zip").write_bytes(b"PK\x03\x04dit is geen zip")
        (source,) = iter_sources([tmp_path / "kapot.zip"])
        assert source.name == "kapot.zip"
        with pytest.raises(Rejected, match="beschadigd of onleesbaar archief"):
            source.read()

    def test_zip_with_damaged_member_rejects_only_that_member(self, tmp_path):
        data = bytearray(
            fx.zip_bytes(
                {"goed.xml": fx.jw305(), "slecht.xml": fx.jw301()}, compression=zipfile.ZIP_STORED
            )
        )
        data[data.index(fx.BSN_A.encode(), data.index(b"slecht.xml"))] ^= 0x01  # CRC mismatch
        (tmp_path / "deels.zip").write_bytes(bytes(data))
        good, bad = iter_sources([tmp_path / "deels.zip"])
        assert good.read() == fx.jw305()
        with pytest.raises(Rejected, match="beschadigd of onleesbaar bestand in archief"):
            bad.read()

    def test_corrupt_tar_xz_is_one_rejected_source(self, tmp_path):
        data = bytearray(fx.tar_xz_bytes({f"m{i}.xml": fx.jw323() for i in range(3)}))
        data[len(data) // 2] ^= 0x55
        (tmp_path / "kapot.tar.xz").write_bytes(bytes(data))
        (source,) = iter_sources([tmp_path / "kapot.tar.xz"])
        with pytest.raises(Rejected, match="beschadigd of onleesbaar archief"):
            source.read()

    def test_truncated_tar_xz_is_one_rejected_source(self, tmp_path):
        data = fx.tar_xz_bytes({"a.xml": fx.jw323(), "b.xml": fx.jw301()})
        (tmp_path / "half.tar.xz").write_bytes(data[: len(data) // 2])
        (source,) = iter_sources([tmp_path / "half.tar.xz"])
        with pytest.raises(Rejected, match="beschadigd of onleesbaar archief"):
            source.read()

    def test_missing_path_raises(self, tmp_path):
        with pytest.raises(FileNotFoundError):
            list(iter_sources([tmp_path / "bestaat-niet"]))


# --------------------------------------------------------------------------------------------
# XSD validation with our own small schemas (fixtures.py; not the official files)


@pytest.fixture
def xsd_folder(tmp_path: Path) -> Path:
    return fx.write_xsds(tmp_path / "xsd")


class TestLoadXsds:
    def test_compiles_message_schemas_only(self, xsd_folder):
        schemas = load_xsds(xsd_folder)
        assert list(schemas) == [fx.message_ns("301")]

    def test_valid_301_passes_and_is_marked(self, xsd_folder):
        rows = parse(fx.jw301(), schemas=load_xsds(xsd_folder))
        assert rows["berichten"][0]["xsd_gevalideerd"] is True
        assert len(rows["toewijzingen"]) == 2

    def test_valid_301_in_envelope_passes(self, xsd_folder):
        rows = parse(fx.envelope(fx.jw301()), schemas=load_xsds(xsd_folder))
        assert rows["berichten"][0]["xsd_gevalideerd"] is True

    def test_invalid_301_is_rejected_without_the_value(self, xsd_folder):
        bad_bsn = fx.BSN_A + "1"  # 10 digits
        data = fx.jw301(bsn=bad_bsn)
        assert bad_bsn.encode() in data
        reason = rejection(data, schemas=load_xsds(xsd_folder))
        assert "XSD" in reason
        assert bad_bsn not in reason and fx.BSN_A not in reason
        assert not re.search(r"\d{6,}", reason)

    def test_invalid_date_is_rejected_without_the_value(self, xsd_folder):
        data = fx.jw301().replace(fx.GEBOORTEDATUM_A.encode(), b"2012-02-30")
        reason = rejection(data, schemas=load_xsds(xsd_folder))
        assert "XSD" in reason and "2012" not in reason

    def test_message_without_its_schema_is_read_unvalidated(self, xsd_folder):
        rows = parse(fx.jw305(), schemas=load_xsds(xsd_folder))
        assert rows["berichten"][0]["xsd_gevalideerd"] is False

    def test_folder_without_message_schemas_raises(self, tmp_path):
        (tmp_path / "basisschema.xsd").write_text(fx.BASISSCHEMA_XSD, encoding="utf-8")
        with pytest.raises(ValueError, match="Geen iJw-berichtschema"):
            load_xsds(tmp_path)

    def test_schema_that_does_not_compile_raises(self, xsd_folder):
        broken = fx.JW301_XSD.replace('type="ijw:CDT_XsdVersie"', 'type="ijw:CDT_Bestaatniet"')
        (xsd_folder / "jw301.xsd").write_text(broken, encoding="utf-8")
        with pytest.raises(ValueError, match="jw301.xsd"):
            load_xsds(xsd_folder)


class TestXsdErrors:
    """Missing imported schemas are named; the first schema error is reported in Dutch."""

    def test_missing_import_is_named_with_the_case_variant(self, xsd_folder):
        (xsd_folder / "basisschema.xsd").rename(xsd_folder / "Basisschema.xsd")
        with pytest.raises(ValueError) as info:
            load_xsds(xsd_folder)
        message = str(info.value)
        assert message.startswith(
            "XSD jw301.xsd importeert basisschema.xsd, maar dat bestand ontbreekt"
        )
        assert "er staat wel Basisschema.xsd: hernoem dat bestand naar basisschema.xsd" in message

    def test_missing_import_without_variant(self, xsd_folder):
        (xsd_folder / "basisschema.xsd").unlink()
        with pytest.raises(
            ValueError, match="importeert basisschema.xsd, maar dat bestand ontbreekt"
        ):
            load_xsds(xsd_folder)

    def test_cli_names_the_missing_file(self, xsd_folder, tmp_path, monkeypatch, capsys):
        from kit.__main__ import main

        fx.set_key(monkeypatch)
        (xsd_folder / "basisschema.xsd").rename(xsd_folder / "Basisschema.xsd")
        folder = fx.write_files(tmp_path / "in", {"jw301.xml": fx.jw301()})
        argv = ["inlezen", str(folder), "--store", str(tmp_path / "s"), "--xsd", str(xsd_folder)]
        assert main([*argv, "--stil"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("Fout: XSD jw301.xsd importeert basisschema.xsd, maar dat bestand")
        assert "Basisschema.xsd" in err

    def test_first_error_is_reported_with_a_dutch_phrase(self, xsd_folder):
        # Two errors: a missing Bsn (first) and a wrong Afzender (earlier in the document, but
        # libxml reports in document order: the Afzender pattern comes first).
        data = fx.jw301().replace(f"<Bsn>{fx.BSN_A}</Bsn>".encode(), b"")
        data = data.replace(
            f"<Afzender>{fx.GEMEENTE}</Afzender>".encode(), b"<Afzender>12</Afzender>"
        )
        reason = rejection(data, schemas=load_xsds(xsd_folder))
        assert reason.startswith(
            "voldoet niet aan de XSD: waarde heeft niet het voorgeschreven formaat bij "
            "/Bericht/Header/Afzender (regel "
        )
        assert "SCHEMAV_CVC_PATTERN_VALID" in reason
        assert reason.endswith(", en 1 andere fout")

    def test_missing_element_names_the_expected_element(self, xsd_folder):
        data = fx.jw301().replace(f"<Bsn>{fx.BSN_A}</Bsn>".encode(), b"")
        reason = rejection(data, schemas=load_xsds(xsd_folder))
        assert reason.startswith(
            "voldoet niet aan de XSD: element staat niet op deze plaats of ontbreekt "
            "(verwacht: Bsn) bij /Bericht/Client/Geboortedatum (regel "
        )
        assert "ELEMENT_CONTENT" in reason or "COMPLEX_TYPE_2_4" in reason

    def test_envelope_payload_is_validated(self, xsd_folder):
        data = fx.ggk0210_envelope(fx.jw301().replace(f"<Bsn>{fx.BSN_A}</Bsn>".encode(), b""))
        assert "verwacht: Bsn" in rejection(data, schemas=load_xsds(xsd_folder))
        rows = parse(fx.ggk0210_envelope(fx.jw301()), schemas=load_xsds(xsd_folder))
        assert rows["berichten"][0]["xsd_gevalideerd"] is True


class TestMaskBsnLike:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (f"map/{fx.BSN_A}.xml", "map/<bsn>.xml"),
            (f"{fx.BSN_A}_{fx.BSN_B}", "<bsn>_<bsn>"),
            ("export-123456789.xml", "export-123456789.xml"),  # fails the 11-proef
            (f"x{fx.BSN_A}1.xml", f"x{fx.BSN_A}1.xml"),  # 10 digits: not a BSN
            ("000000000", "000000000"),
            ("12345672.xml", "12345672.xml"),  # 8 digits: an AGB code, even if 0+it passes
            ("berichten-2025-03.zip", "berichten-2025-03.zip"),
        ],
    )
    def test_known_answers(self, text, expected):
        assert mask_bsn_like(text) == expected


def test_every_record_of_a_many_client_317_keeps_its_own_client():
    """Converted clients were cached by id() of a freed dict: ids got reused by other clients."""
    from kit.privacy import bsn_elfproef

    ns = "http://www.istandaarden.nl/ijw/3_2/jw317/schema"
    bsns = [f"{i:09d}" for i in range(100000000, 100001000) if bsn_elfproef(f"{i:09d}")][:40]
    clients = "".join(
        f"<Client><Bsn>{b}</Bsn><Geboortedatum><Datum>2012-05-17</Datum></Geboortedatum>"
        f"<Verzoek><ReferentieAanbieder>R{i}</ReferentieAanbieder><RedenVerzoek>01</RedenVerzoek>"
        "<OngewijzigdeProducten><OngewijzigdProduct>"
        f"<ToewijzingNummer>T{i}</ToewijzingNummer></OngewijzigdProduct></OngewijzigdeProducten>"
        f"<NieuweProducten><NieuwProduct><ToewijzingNummer>N{i}</ToewijzingNummer>"
        "</NieuwProduct></NieuweProducten></Verzoek></Client>"
        for i, b in enumerate(bsns)
    )
    xml = (
        f'<Bericht xmlns="{ns}"><Header><BerichtCode>486</BerichtCode><BerichtVersie>3'
        "</BerichtVersie><BerichtSubversie>2</BerichtSubversie><Afzender>12345678</Afzender>"
        "<Ontvanger>0599</Ontvanger><BerichtIdentificatie><Identificatie>X1</Identificatie>"
        f"<Dagtekening>2026-01-05</Dagtekening></BerichtIdentificatie></Header>{clients}</Bericht>"
    )
    pseudo = Pseudonymiser(b"k" * 32)
    rows = parse_bytes(xml.encode(), source="x.xml", file_hash="0" * 64, pseudonymise=pseudo)
    expected = {pseudo(b): i for i, b in enumerate(bsns)}
    got = rows.rows["wijzigingsverzoeken"]
    assert len(got) == 80
    assert [expected[r["client_id"]] for r in got] == [int(r["ToewijzingNummer"][1:]) for r in got]
