"""kit.names: gemeenten (CBS list with herindelingen), aanbieders (user CSV), JZ020 categories."""

from __future__ import annotations

import pandas as pd
import pytest

from kit import names
from kit.config import EXAMPLE_DIR


@pytest.fixture(scope="module")
def cbs() -> names.Names:
    return names.load_names()


class TestGemeentenList:
    def test_counts_match_cbs_totals(self, cbs):
        """CBS: 345 gemeenten on 1 January 2022, 342 on 1 January 2023."""

        def valid(year: int) -> int:
            return sum(
                (g.vanaf is None or g.vanaf <= year)
                and (g.tot_en_met is None or g.tot_en_met >= year)
                for g in cbs.gemeenten.values()
            )

        assert valid(2022) == 345
        assert valid(2023) == 342

    def test_known_codes(self, cbs):
        assert names.gemeente_name(cbs, "0363") == "Amsterdam"
        assert names.gemeente_name(cbs, "GM0014") == "Groningen"
        assert names.gemeente_name(cbs, "599") == "Rotterdam"

    def test_herindeling_depends_on_year(self, cbs):
        # Brielle (0501) merged into Voorne aan Zee (1992) on 1 January 2023
        assert names.gemeente_name(cbs, "0501", 2022) == "Brielle"
        assert names.gemeente_name(cbs, "0501", 2023) == (
            "Brielle (opgeheven per 2023, opgegaan in Voorne aan Zee)"
        )
        assert names.gemeente_name(cbs, "1992", 2023) == "Voorne aan Zee"
        assert names.gemeente_name(cbs, "1992", 2022) == "Voorne aan Zee (bestaat pas vanaf 2023)"

    def test_unknown_code_keeps_code(self, cbs):
        assert names.gemeente_name(cbs, "0001") == "0001 (naam onbekend)"

    def test_region_list_adds_example_codes(self):
        region = names.load_names(gemeenten_csv=EXAMPLE_DIR / "gemeenten.csv")
        assert names.gemeente_name(region, "9901") == "Kleiwaard"
        assert names.gemeente_name(region, "0363") == "Amsterdam"  # CBS list still there


class TestAanbieders:
    def test_example_file(self):
        loaded = names.load_names(EXAMPLE_DIR / "aanbieders.csv")
        assert loaded.aanbieders["98000003"] == "Charlie Ambulante Hulp"
        assert len(loaded.aanbieders) == 25

    def test_agb_code_column_and_semicolons(self, tmp_path):
        path = tmp_path / "aanbieders.csv"
        path.write_text("\ufeffagb_code;naam\n98000001;Alfa\n8000002;Bravo BV\n", encoding="utf-8")
        assert names.read_aanbieders(path) == {"98000001": "Alfa", "08000002": "Bravo BV"}

    def test_unknown_agb_keeps_code(self):
        loaded = names.load_names(EXAMPLE_DIR / "aanbieders.csv")
        assert names.display_name(loaded, "aanbieder", "98000099") == "98000099 (naam onbekend)"

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            ("agb_code,naam\n98000001,Alfa\n9800,Bravo\n", "regel 3: AGB-code '9800' is geen"),
            ("agb_code,naam\n98000001,Alfa\n98000002\n", "regel 3: 1 velden, verwacht 2"),
            ("agb_code,naam\n98000001,\n", "regel 2: naam ontbreekt"),
            (
                "agb_code,naam\n98000001,A\n98000001,B\n",
                "regel 3: AGB-code 98000001 staat al op regel 2",
            ),
            ("code,omschrijving\n98000001,A\n", "kolom agb_code of aanbieder"),
        ],
    )
    def test_malformed_file_names_the_line(self, tmp_path, content, message):
        path = tmp_path / "aanbieders.csv"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(names.NamesFileError, match=message):
            names.read_aanbieders(path)


class TestAddNames:
    def test_columns_and_codes_kept(self):
        loaded = names.load_names(
            EXAMPLE_DIR / "aanbieders.csv", gemeenten_csv=EXAMPLE_DIR / "gemeenten.csv"
        )
        frame = pd.DataFrame(
            {"aanbieder": ["98000001", "98000099"], "categorie": ["45", "99"], "n": [12, 20]}
        )
        out = names.add_names(frame, loaded, "aanbieder")
        out = names.add_names(out, loaded, "categorie")
        assert list(out.columns) == [
            "aanbieder",
            "aanbieder_naam",
            "categorie",
            "categorie_naam",
            "n",
        ]
        assert out["aanbieder"].tolist() == ["98000001", "98000099"]
        assert out["aanbieder_naam"].tolist() == ["Alfa Jeugdhulp", "98000099 (naam onbekend)"]
        assert out["categorie_naam"].tolist() == ["Jeugdhulp ambulant", "99 (naam onbekend)"]

    def test_gemeente_year_from_month_column(self, cbs):
        frame = pd.DataFrame({"gemeente": ["0530", "0530"], "maand": ["2022-12", "2023-01"]})
        out = names.add_names(frame, cbs, "gemeente", jaar="maand")
        assert out["gemeente_naam"].tolist() == [
            "Hellevoetsluis",
            "Hellevoetsluis (opgeheven per 2023, opgegaan in Voorne aan Zee)",
        ]
