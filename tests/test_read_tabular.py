"""Tests for kit.read_tabular: the tidy CSV layout and a region's column mapping."""

from __future__ import annotations

import pytest

from kit.privacy import Pseudonymiser
from kit.read_tabular import load_column_map, parse_csv
from kit.sources import Rejected

PSEUDO = Pseudonymiser(b"test-key")
CSV = (
    "berichttype;Afzender;Ontvanger;Identificatie;Dagtekening;Bsn;Geboortedatum;Geslacht;"
    "ToewijzingNummer;ProductCategorie;ProductCode;Toewijzingsdatum;Toewijzingstijd;"
    "Ingangsdatum;Einddatum;Begindatum;StatusAanlevering;RetourCode;niveau\n"
    "301;9901;98000001;T1;2024-01-05;999900006;2012-05-17;1;123;45;45A48;2024-01-04;"
    "10:00:00;2024-01-15;2024-12-31;;;;\n"
    "301;9901;98000001;T1;2024-01-05;999900006;2012-05-17;1;124;45;45A49;2024-01-04;"
    "10:00:00;2024-01-15;2024-12-31;;;;\n"
    "305;98000001;9901;S1;2024-01-22;999900006;2012-05-17;1;123;45;45A48;;;;;2024-01-16;1;;\n"
    "306;98000001;9901;S1;2024-01-22;;;;123;;;;;;;;;9326;StartProduct\n"
)


class TestParseCsv:
    def test_rows_land_in_store_tables_with_pseudonym(self):
        parsed = parse_csv(CSV.encode(), source="x.csv", file_hash="ab" * 32, pseudonymise=PSEUDO)
        toew = parsed.rows["toewijzingen"]
        assert [r["ToewijzingNummer"] for r in toew] == ["123", "124"]
        assert toew[0]["client_id"] == PSEUDO("999900006")
        assert toew[0]["Geboortemaand"] == "2012-05"
        assert toew[0]["gemeente"] == "9901" and toew[0]["aanbieder"] == "98000001"
        start = parsed.rows["starts"][0]
        assert start["gemeente"] == "9901" and start["Begindatum"] == "2024-01-16"
        # two lines of one 301 form one message; 305 and 306 are messages of their own
        assert [h["berichttype"] for h in parsed.rows["berichten"]] == ["301", "305", "306"]
        assert parsed.rows["berichten"][0]["n_regels"] == 2
        code = parsed.rows["retourcodes"][0]
        assert (code["RetourCode"], code["niveau"], code["heen_berichttype"]) == (
            "9326",
            "StartProduct",
            "305",
        )
        assert "999900006" not in repr(parsed.rows)

    def test_bsn_shaped_values_outside_bsn_are_masked(self):
        # a BSN as Afzender (header) and as ToewijzingNummer (table field); the 8-digit
        # AGB code 98000001 stays as it is
        data = CSV.replace("305;98000001;9901;S1", "305;999900018;9901;S1").replace(
            ";124;45;", ";999900031;45;"
        )
        parsed = parse_csv(data.encode(), source="x.csv", file_hash="ef" * 32, pseudonymise=PSEUDO)
        start = parsed.rows["starts"][0]
        assert start["aanbieder"] == f"bsn:{PSEUDO('999900018')}"
        assert parsed.rows["berichten"][1]["Afzender"] == f"bsn:{PSEUDO('999900018')}"
        assert parsed.rows["toewijzingen"][1]["ToewijzingNummer"] == f"bsn:{PSEUDO('999900031')}"
        assert parsed.rows["toewijzingen"][0]["aanbieder"] == "98000001"
        assert "999900018" not in repr(parsed.rows) and "999900031" not in repr(parsed.rows)

    def test_invalid_values_are_empty_and_recorded(self):
        data = CSV.replace("2024-01-15;2024-12-31;;;;\n301;", "2024-02-30;2024-12-31;;;;\n301;", 1)
        data = data.replace(";2012-05-17;1;124;", ";17-05-2;1;124;")
        parsed = parse_csv(data.encode(), source="x.csv", file_hash="aa" * 32, pseudonymise=PSEUDO)
        toew = parsed.rows["toewijzingen"]
        assert toew[0]["Ingangsdatum"] is None and toew[1]["Ingangsdatum"] == "2024-01-15"
        assert toew[1]["Geboortemaand"] is None
        found = sorted(
            (r["tabel"], r["kolom"], r["element"], r["soort"], r["aantal"])
            for r in parsed.rows["ongeldige_waarden"]
        )
        assert found == [
            ("toewijzingen", "Geboortemaand", "Geboortedatum", "geboortedatum", 1),
            ("toewijzingen", "Ingangsdatum", "Ingangsdatum", "datum", 1),
        ]
        assert parsed.rows["berichten"][0]["n_regels"] == 2  # invalid rows are no message rows

    def test_column_map_renames_export_columns(self, tmp_path):
        mapping = tmp_path / "kolommen.yaml"
        mapping.write_text("kolommen:\n  soort: berichttype\n  bsn: Bsn\n", encoding="utf-8")
        data = CSV.replace("berichttype;", "soort;", 1).replace(";Bsn;", ";bsn;", 1)
        parsed = parse_csv(
            data.encode(),
            source="x.csv",
            file_hash="cd" * 32,
            pseudonymise=PSEUDO,
            column_map=load_column_map(mapping),
        )
        assert parsed.rows["toewijzingen"][0]["client_id"] == PSEUDO("999900006")

    def test_declaration_lines_give_one_declaratie_row(self):
        data = (
            "berichttype,Afzender,Ontvanger,Identificatie,Dagtekening,Bsn,DeclaratieNummer,"
            "ToewijzingNummer,ReferentieNummer\n"
            "323,98000001,9901,D1,2024-02-10,999900006,DN1,123,R1\n"
            "323,98000001,9901,D1,2024-02-10,999900018,DN1,124,R2\n"
        )
        parsed = parse_csv(data.encode(), source="d.csv", file_hash="ef" * 32, pseudonymise=PSEUDO)
        assert len(parsed.rows["declaraties"]) == 1
        assert [r["ReferentieNummer"] for r in parsed.rows["prestaties"]] == ["R1", "R2"]

    @pytest.mark.parametrize(
        "data,reason",
        [
            (b"", "leeg"),
            (b"berichttype;Afzender\n301;9901\n", "Ontvanger"),
            (b"berichttype,Afzender,Ontvanger,Identificatie,Dagtekening\n399,1,2,3,4\n", "regel 2"),
            ("berichttype;Afzender\né;x\n".encode("latin-1"), "UTF-8"),
        ],
    )
    def test_bad_files_are_rejected_with_reason(self, data, reason):
        with pytest.raises(Rejected, match=reason):
            parse_csv(data, source="x.csv", file_hash="00" * 32, pseudonymise=PSEUDO)


class TestLoadColumnMap:
    def test_rejects_a_file_without_kolommen(self, tmp_path):
        path = tmp_path / "m.yaml"
        path.write_text("iets: anders\n", encoding="utf-8")
        with pytest.raises(ValueError, match="kolommen"):
            load_column_map(path)


def test_bsn_shaped_retour_keys_are_masked_as_in_xml():
    csv = (
        b"berichttype;Afzender;Ontvanger;Identificatie;Dagtekening;Bsn;RetourCode;"
        b"ToewijzingNummer;ReferentieAanbieder\n"
        b"302;12345678;0599;X1;2026-01-05;999941033;0001;123456782;999941033\n"
    )
    (row,) = parse_csv(csv, source="x.csv", file_hash="0" * 64, pseudonymise=PSEUDO).rows[
        "retourcodes"
    ]
    assert row["ToewijzingNummer"].startswith("bsn:")
    assert row["ReferentieAanbieder"].startswith("bsn:")
    assert "123456782" not in str(row) and "999941033" not in str(row)


@pytest.mark.parametrize("column", ["Afzender", "Ontvanger", "Identificatie", "Dagtekening"])
def test_an_empty_header_field_rejects_the_file_with_its_line(column):
    header = ["berichttype", "Afzender", "Ontvanger", "Identificatie", "Dagtekening", "Bsn"]
    values = ["301", "9901", "98000001", "X1", "2024-02-10", "999900006"]
    values[header.index(column)] = ""
    data = (",".join(header) + "\n" + ",".join(values) + "\n").encode()
    with pytest.raises(Rejected, match=f"regel 2: verplicht veld {column} is leeg"):
        parse_csv(data, source="x.csv", file_hash="00" * 32, pseudonymise=PSEUDO)
