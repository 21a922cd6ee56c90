"""Tests for kit.privacy, and the proof that a store holds no BSN or other personal data."""

from __future__ import annotations

import hashlib
import hmac
import re
import stat
from pathlib import Path

import fixtures as fx
import pandas as pd
import pyarrow.parquet as pq
import pytest

from kit import config
from kit.privacy import (
    Protection,
    Pseudonymiser,
    PseudonymKeyError,
    Totals,
    bsn_elfproef,
    bsn_is_test,
    load_pseudonymiser,
    round_counts,
    scrub,
    suppress_small_cells,
)
from kit.sources import iter_sources
from kit.store import ingest, read_table, table_names


@pytest.fixture(autouse=True)
def pseudo(monkeypatch) -> Pseudonymiser:
    return fx.set_key(monkeypatch)


class TestPseudonymiser:
    def test_deterministic_per_key(self):
        a, b = Pseudonymiser(b"sleutel-1"), Pseudonymiser(b"sleutel-1")
        assert a(fx.BSN_A) == b(fx.BSN_A) == a(f" {fx.BSN_A}\n")

    def test_different_across_keys_and_bsns(self):
        one, two = Pseudonymiser(b"sleutel-1"), Pseudonymiser(b"sleutel-2")
        assert one(fx.BSN_A) != two(fx.BSN_A)
        assert one(fx.BSN_A) != one(fx.BSN_B)
        assert one.fingerprint != two.fingerprint

    def test_sixteen_hex_characters_of_hmac_sha256(self):
        pseudonym = Pseudonymiser(b"sleutel-1")(fx.BSN_A)
        assert re.fullmatch(r"[0-9a-f]{16}", pseudonym)
        expected = hmac.new(b"sleutel-1", fx.BSN_A.encode(), hashlib.sha256).hexdigest()[:16]
        assert pseudonym == expected
        assert fx.BSN_A not in pseudonym

    def test_repr_does_not_show_the_key(self):
        p = Pseudonymiser(b"geheime-regiosleutel")
        assert "geheime-regiosleutel" not in repr(p)
        assert "geheime-regiosleutel" not in str(p)
        assert p.fingerprint in repr(p)
        assert re.fullmatch(r"scrypt:[0-9a-f]{32}", p.fingerprint)

    def test_eight_digit_bsn_gets_the_pseudonym_of_its_nine_digit_form(self):
        p = Pseudonymiser(b"sleutel-1")
        assert p("012345672") == p("12345672") != p("123456720")

    def test_fingerprint_is_scrypt_not_a_fast_hmac(self):
        key = b"1"  # the weakest key: the old fingerprint gave it away at once
        p = Pseudonymiser(key)
        expected = hashlib.scrypt(
            key, salt=b"leercirkel-kit-sleutelcontrole-v2", n=2**14, r=8, p=1, dklen=16
        ).hex()
        assert p.fingerprint == f"scrypt:{expected}"
        old = hmac.new(key, b"leercirkel-kit-sleutel", hashlib.sha256).hexdigest()[:12]
        assert old not in p.fingerprint

    def test_matches_new_and_old_check_values(self):
        p, other = Pseudonymiser(b"sleutel-1"), Pseudonymiser(b"sleutel-2")
        legacy = hmac.new(b"sleutel-1", b"leercirkel-kit-sleutel", hashlib.sha256).hexdigest()[:12]
        assert p.matches(None) and p.matches(p.fingerprint) and p.matches(legacy)
        assert not other.matches(p.fingerprint) and not other.matches(legacy)


class TestLoadPseudonymiser:
    def test_key_from_environment(self, monkeypatch):
        key = fx.TEST_KEY
        monkeypatch.setenv(config.ENV_KEY, key)
        monkeypatch.setenv(config.ENV_KEY_FILE, "/pad/dat/niet/gebruikt/mag/worden.key")
        p = load_pseudonymiser(create=False)
        assert p.fingerprint == Pseudonymiser(key.encode()).fingerprint

    @pytest.mark.parametrize(
        "weak",
        [
            "1",
            "voorbeeld-testsleutel",
            "test-sleutel-niet-voor-productie",
            "a" * 200,
            "0123456789abcdef" * 4,  # 64 hex characters, but a pattern
            "ab12" * 30,
            "5652daf7875f259c05f754e0e01ab5a3",  # 32 hex characters: 128 bits
        ],
    )
    def test_weak_key_from_environment_is_refused(self, monkeypatch, weak):
        monkeypatch.setenv(config.ENV_KEY, weak)
        with pytest.raises(PseudonymKeyError) as info:
            load_pseudonymiser(create=False)
        message = str(info.value)
        assert message.startswith(
            f"De pseudonimiseringssleutel uit omgevingsvariabele {config.ENV_KEY} is te zwak"
        )
        assert 'python -c "import secrets; print(secrets.token_hex(32))"' in message
        assert weak not in message

    def test_weak_key_file_is_refused(self, monkeypatch, tmp_path):
        monkeypatch.delenv(config.ENV_KEY)
        (tmp_path / "zwak.key").write_text("geheim123\n", encoding="ascii")
        monkeypatch.setenv(config.ENV_KEY_FILE, str(tmp_path / "zwak.key"))
        with pytest.raises(PseudonymKeyError, match="sleutelbestand .*zwak.key is te zwak"):
            load_pseudonymiser()

    def test_generated_keys_are_accepted(self, monkeypatch):
        import secrets

        for _ in range(50):
            monkeypatch.setenv(config.ENV_KEY, secrets.token_hex(32))
            load_pseudonymiser(create=False)
        # the tests' keys are strong enough too
        from conftest import EXAMPLE_KEY

        for key in (EXAMPLE_KEY, fx.TEST_KEY):
            monkeypatch.setenv(config.ENV_KEY, key)
            load_pseudonymiser(create=False)

    def test_key_file_is_created_with_mode_0600_from_the_start(self, monkeypatch, tmp_path):
        import os

        monkeypatch.delenv(config.ENV_KEY)
        key_file = tmp_path / "nieuw" / "pseudoniem.key"
        monkeypatch.setenv(config.ENV_KEY_FILE, str(key_file))
        opened: list[tuple] = []
        real_open = os.open

        def spy(path, flags, mode=0o777, *args, **kwargs):
            opened.append((str(path), flags, mode))
            return real_open(path, flags, mode, *args, **kwargs)

        monkeypatch.setattr(os, "open", spy)
        monkeypatch.setattr(Path, "chmod", lambda *a, **k: pytest.fail("chmod after creation"))
        load_pseudonymiser(announce=lambda _: None)
        (path, flags, mode) = next(o for o in opened if o[0] == str(key_file))
        assert mode == 0o600
        assert flags & os.O_EXCL and flags & os.O_CREAT
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700

    def test_key_file_is_created_once_and_reused(self, monkeypatch, tmp_path):
        monkeypatch.delenv(config.ENV_KEY)
        key_file = tmp_path / "geheim" / "pseudoniem.key"
        monkeypatch.setenv(config.ENV_KEY_FILE, str(key_file))
        messages: list[str] = []
        first = load_pseudonymiser(announce=messages.append)
        assert key_file.exists()
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert re.fullmatch(r"[0-9a-f]{64}\n", key_file.read_text(encoding="ascii"))
        assert len(messages) == 1
        assert "Nieuwe pseudonimiseringssleutel aangemaakt" in messages[0]
        assert str(key_file) in messages[0]
        assert key_file.read_text(encoding="ascii").strip() not in messages[0]
        second = load_pseudonymiser(announce=messages.append)
        assert second.fingerprint == first.fingerprint
        assert second(fx.BSN_A) == first(fx.BSN_A)
        assert len(messages) == 1  # no new key, no new message

    def test_missing_key_file_without_create(self, monkeypatch, tmp_path):
        monkeypatch.delenv(config.ENV_KEY)
        monkeypatch.setenv(config.ENV_KEY_FILE, str(tmp_path / "geen.key"))
        with pytest.raises(PseudonymKeyError, match="Geen pseudonimiseringssleutel"):
            load_pseudonymiser(create=False)
        assert not (tmp_path / "geen.key").exists()

    def test_empty_key_file_is_refused(self, monkeypatch, tmp_path):
        monkeypatch.delenv(config.ENV_KEY)
        (tmp_path / "leeg.key").write_text("\n", encoding="ascii")
        monkeypatch.setenv(config.ENV_KEY_FILE, str(tmp_path / "leeg.key"))
        with pytest.raises(PseudonymKeyError, match="leeg"):
            load_pseudonymiser()

    @pytest.mark.parametrize("relative", ["data/test-sleutel.key", "tests/../data/x/sleutel.key"])
    def test_key_file_inside_the_repository_is_refused(self, monkeypatch, relative):
        monkeypatch.delenv(config.ENV_KEY)
        key_file = config.PROJ_ROOT / relative
        monkeypatch.setenv(config.ENV_KEY_FILE, str(key_file))
        with pytest.raises(PseudonymKeyError, match="buiten de repository"):
            load_pseudonymiser(announce=lambda _: None)
        assert not key_file.exists()
        assert not (config.PROJ_ROOT / "data" / "x").exists()  # no folder made either


class TestCliKeyRules:
    def test_inlezen_with_a_weak_key_stops_with_a_dutch_error(self, monkeypatch, tmp_path, capsys):
        from kit.__main__ import main

        folder = fx.write_files(tmp_path / "in", {"jw301.xml": fx.jw301()})
        monkeypatch.setenv(config.ENV_KEY, "voorbeeld-testsleutel")
        code = main(["inlezen", str(folder), "--store", str(tmp_path / "s"), "--stil"])
        err = capsys.readouterr().err
        assert code == 2
        assert err.startswith("Fout: De pseudonimiseringssleutel uit omgevingsvariabele")
        assert "secrets.token_hex(32)" in err and "voorbeeld-testsleutel" not in err
        assert not (tmp_path / "s").exists()
        monkeypatch.setenv(config.ENV_KEY, fx.TEST_KEY)
        assert main(["inlezen", str(folder), "--store", str(tmp_path / "s"), "--stil"]) == 0


class TestBsnElfproef:
    @pytest.mark.parametrize(
        ("bsn", "expected"),
        [
            ("999900006", True),
            ("999900018", True),
            ("123456782", True),
            ("111222333", True),
            ("999900007", False),
            ("123456789", False),
            ("000000000", False),  # passes the sum but is not a number anyone has
            ("99990000", False),  # 8 digits
            ("9999000061", False),  # 10 digits
            ("99990000a", False),
            ("", False),
        ],
    )
    def test_known_answers(self, bsn, expected):
        assert bsn_elfproef(bsn) is expected


class TestBsnIsTest:
    @pytest.mark.parametrize(
        ("bsn", "expected"),
        [
            ("999900006", True),
            ("999999990", True),
            ("999950000", True),  # in range; the 11-proef is a separate check
            ("999900005", False),
            ("999999991", False),
            ("123456782", False),
            ("abc", False),
            ("", False),
        ],
    )
    def test_known_answers(self, bsn, expected):
        assert bsn_is_test(bsn) is expected


class TestSuppressSmallCells:
    def test_known_answers_with_default_threshold(self):
        frame = pd.DataFrame(
            {"groep": ["a", "b", "c", "d"], "n": [0, 3, 10, 9], "m": [12, 12, 12, 40]}
        )
        out = suppress_small_cells(frame, ["n", "m"])
        assert out["n"].tolist() == [0, pd.NA, 10, pd.NA]
        assert out["m"].tolist() == [10, 10, 10, 40]  # shown counts are rounded to base 5
        assert out["n"].dtype == "Int64"
        assert out["onderdrukt"].tolist() == [False, True, False, True]
        assert out["groep"].tolist() == ["a", "b", "c", "d"]
        assert frame["n"].tolist() == [0, 3, 10, 9]  # input not changed

    def test_threshold_is_configurable(self):
        frame = pd.DataFrame({"n": [0, 2, 3, 5]})
        assert suppress_small_cells(frame, ["n"], threshold=3, rounding=1)["n"].tolist() == [
            0, pd.NA, 3, 5
        ]
        # rounded, a shown count never drops below the threshold (3 -> 5, not 5 -> "<3")
        assert suppress_small_cells(frame, ["n"], threshold=3)["n"].tolist() == [0, pd.NA, 5, 5]
        assert suppress_small_cells(frame, ["n"], threshold=6)["onderdrukt"].tolist() == [
            False,
            True,
            True,
            True,
        ]

    def test_default_threshold_is_ten(self):
        assert config.MIN_CELL == 10


class TestComplementarySuppression:
    TOTALS = Totals("groep")

    def test_one_hidden_part_hides_the_smallest_other_part(self):
        # without it: 40 - 25 - 11 = 4 gives the hidden count back
        frame = pd.DataFrame(
            {"groep": ["a", "b", "c", "totaal"], "n": [4, 25, 11, 40], "pct": [1.0, 2.0, 3.0, 4.0]}
        )
        out = suppress_small_cells(frame, ["n"], derived={"pct": ["n"]}, totals=self.TOTALS)
        assert out["n"].tolist() == [pd.NA, 25, pd.NA, 40]
        assert out["pct"].isna().tolist() == [True, False, True, False]
        assert out["onderdrukt"].tolist() == [True, False, True, False]
        # without totals only the small cell goes
        assert suppress_small_cells(frame, ["n"])["n"].tolist() == [pd.NA, 25, 10, 40]

    def test_hidden_parts_adding_up_to_less_than_the_threshold_take_one_more(self):
        frame = pd.DataFrame({"groep": ["a", "b", "c", "d", "totaal"], "n": [3, 4, 12, 30, 49]})
        out = suppress_small_cells(frame, ["n"], totals=self.TOTALS)
        assert out["n"].tolist() == [pd.NA, pd.NA, pd.NA, 30, 50]  # 3 + 4 < 10: also the 12
        enough = pd.DataFrame({"groep": ["a", "b", "c", "totaal"], "n": [6, 7, 30, 43]})
        assert suppress_small_cells(enough, ["n"], totals=self.TOTALS)["n"].tolist() == [
            pd.NA, pd.NA, 30, 45
        ]

    def test_zero_is_not_a_complement_and_without_another_part_the_total_goes(self):
        frame = pd.DataFrame({"groep": ["a", "b", "totaal"], "n": [5, 0, 5]})
        # the total is itself small: primary suppression already hides it
        assert suppress_small_cells(frame, ["n"], totals=self.TOTALS)["n"].tolist() == [
            pd.NA, 0, pd.NA
        ]
        frame = pd.DataFrame({"groep": ["a", "b", "totaal"], "n": [5, 0, 12]})
        out = suppress_small_cells(frame, ["n"], totals=self.TOTALS)
        assert out["n"].tolist() == [pd.NA, 0, pd.NA]

    def test_blocks_and_breakdowns_are_separate(self):
        frame = pd.DataFrame(
            {
                "maand": ["2025-01"] * 5 + ["2025-02"] * 3,
                "groep": ["gemeente=1", "gemeente=2", "leeftijd=0-11", "leeftijd=12+", "totaal",
                          "gemeente=1", "gemeente=2", "totaal"],
                "n": [5, 40, 20, 25, 45, 12, 30, 42],
            }
        )
        out = suppress_small_cells(frame, ["n"], totals=Totals("groep", within=("maand",)))
        # January: gemeente 2 goes with gemeente 1; the age breakdown and February stay
        assert out["n"].tolist() == [pd.NA, pd.NA, 20, 25, 45, 10, 30, 40]

    def test_display_marks_small_and_complementary_cells_apart(self):
        from kit.sections import shown

        frame = pd.DataFrame({"groep": ["a", "b", "c", "totaal"], "n": [4, 25, 11, 40]})
        out = shown(frame, ["n"], threshold=10, totals=self.TOTALS)
        assert out["n"].tolist() == ["<10", "25", ".", "40"]

    def test_partition_column(self):
        frame = pd.DataFrame(
            {
                "niveau": ["regio", "gemeente", "gemeente", "gemeente", "categorie", "categorie"],
                "eenheid": ["totaal", "0599", "0363", "0518", "45", "47"],
                "n": [60, 8, 22, 30, 20, 40],
            }
        )
        out = suppress_small_cells(frame, ["n"], totals=Totals("eenheid", partition="niveau"))
        assert out["n"].tolist() == [60, pd.NA, pd.NA, 30, 20, 40]

    def test_parts_by_label_prefix_and_several_totals(self):
        # per unit the stops by reason add up to "stops"; other series in the block take no part
        frame = pd.DataFrame(
            {
                "eenheid": ["a"] * 5,
                "reeks": ["stops", "stops_1", "stops_2", "stops_3", "toewijzingen"],
                "n": [40, 3, 12, 25, 11],
            }
        )
        stops = Totals("reeks", "stops", within=("eenheid",), parts="stops_")
        out = suppress_small_cells(frame, ["n"], totals=stops)
        # stops_1 alone would follow from 40 - 12 - 25: the smallest other reason goes too;
        # toewijzingen (not a reason) is not used as a complement
        assert out["n"].tolist() == [40, pd.NA, pd.NA, 25, 10]
        # without the declaration the hidden reason could be recomputed
        plain = suppress_small_cells(frame, ["n"])
        assert plain["n"].tolist() == [40, pd.NA, 10, 25, 10]
        # a tuple of totals applies each breakdown
        both = suppress_small_cells(frame, ["n"], totals=(Totals("eenheid"), stops))
        assert both["n"].tolist() == [40, pd.NA, pd.NA, 25, 10]


class TestRounding:
    def test_conventional_rounding_to_base_five(self):
        values = pd.Series([0, 10, 11, 12, 13, 14, 15, 17.5, 102, 103, None])
        out = round_counts(values, base=5, threshold=10)
        assert out.tolist()[:-1] == [0, 10, 10, 10, 15, 15, 15, 20, 100, 105]
        assert pd.isna(out.iloc[-1])

    def test_default_base_is_five(self):
        assert config.ROUND_BASE == 5

    def test_no_difference_of_shown_counts_is_a_small_count(self):
        # total 101 = 95 + 6: unrounded, 101 - 95 gives the hidden 6 back
        frame = pd.DataFrame({"groep": ["a", "b", "c", "totaal"], "n": [6, 60, 35, 101]})
        out = suppress_small_cells(frame, ["n"])
        shown = out["n"].dropna().astype(int)
        assert (shown % 5 == 0).all()
        assert out["n"].tolist() == [pd.NA, 60, 35, 100]

    def test_a_column_that_is_the_count_is_rounded_with_it(self):
        frame = pd.DataFrame({"reeks": ["starts", "mediaan"], "n": [23, 23], "waarde": [23.0, 41.5]})
        out = Protection(("n",), {"waarde": ["n"]}, same={"waarde": "n"}).apply(frame)
        assert out["n"].tolist() == [25, 25]
        assert out["waarde"].tolist() == [25.0, 41.5]  # a statistic stays unrounded

    def test_a_rate_of_a_count_shows_the_rounded_count(self):
        # 23 children per 8,000: 2.875 per 1,000 would give 23 back; shown: 25 / 8 = 3.125
        frame = pd.DataFrame(
            {
                "maand": "2025-01",
                "niveau": "regio",
                "eenheid": "totaal",
                "reeks": ["wachtlijst_per_1000", "wachtlijst", "wachttijd_mediaan"],
                "n": [23, 23, 23],
                "waarde": [2.875, 23.0, 41.5],
            }
        )
        from kit.trends import SERIES_PROTECTION

        out = SERIES_PROTECTION.apply(frame)
        assert out["waarde"].tolist() == [3.125, 25.0, 41.5]

    def test_derived_statistics_come_from_unrounded_counts(self):
        frame = pd.DataFrame({"n": [32], "x": [11], "pct": [100 * 11 / 32]})
        out = suppress_small_cells(frame, ["n", "x"], derived={"pct": ["x", "n"]})
        assert out["n"].tolist() == [30] and out["x"].tolist() == [10]
        assert out["pct"].iloc[0] == pytest.approx(34.375)

    def test_a_hidden_part_of_a_row_sum_does_not_stay_alone(self):
        # n = gestart + wachtend + uitgevallen. Rounded, 42 -> 40, 18 -> 20, 23 -> 25, so
        # uitgevallen <= 42 - 18 - 23 = 1 and >= 1: the hidden 1 comes back. The smallest other
        # part goes too.
        frame = pd.DataFrame(
            {"n": [42, 60], "gestart": [18, 30], "wachtend": [23, 30], "uitgevallen": [1, 0]}
        )
        out = Protection(
            ("n", "gestart", "wachtend", "uitgevallen"),
            sums={"n": ("gestart", "wachtend", "uitgevallen")},
        ).apply(frame)
        assert out["uitgevallen"].isna().tolist() == [True, False]
        assert out["gestart"].isna().tolist() == [True, False]
        assert out["wachtend"].tolist() == [25, 30] and out["n"].tolist() == [40, 60]
        without = suppress_small_cells(frame, ["n", "gestart", "wachtend", "uitgevallen"])
        assert without["gestart"].tolist() == [20, 30]

    def test_a_share_with_a_small_rest_is_blanked(self):
        # 97.0% of "100" (98..102): only 3 others fit every candidate, so the share goes
        frame = pd.DataFrame({"x": [97, 50, 100], "n": [100, 100, 100]})
        frame["pct"] = 100 * frame["x"] / frame["n"]
        out = suppress_small_cells(frame, ["x", "n"], derived={"pct": ["x", "n"]})
        assert out["pct"].isna().tolist() == [True, False, False]  # 100% hides nothing small
        assert out["onderdrukt"].tolist() == [True, False, False]
        assert out["x"].tolist() == [95, 50, 100]


class TestScrub:
    def test_removes_dates_and_long_numbers(self):
        text = f"fout in {fx.BSN_A} op {fx.GEBOORTEDATUM_A}, regel 12"
        assert scrub(text) == "fout in <nummer> op <datum>, regel 12"


# --------------------------------------------------------------------------------------------
# The proof: nothing personal reaches the store


def truncated_after_bsn(data: bytes, bsn: str) -> bytes:
    return data[: data.index(bsn.encode()) + len(bsn)]


def cells_as_text(path: Path) -> list[str]:
    """Every cell (and column name) of a Parquet file as text."""
    table = pq.read_table(path)
    texts = list(table.column_names)
    for column in table.columns:
        texts += [str(v) for v in column.to_pylist()]
    return texts


class TestNoPersonalDataInStore:
    def test_store_holds_no_bsn_name_address_comment_or_birth_date(self, tmp_path, pseudo):
        bad_bsn = fx.BSN_A + "1"  # 10 digits: rejected by the XSD
        inputs = fx.all_messages() | {
            "envelop/ggk-bericht.xml": fx.envelope(
                fx.jw301(identificatie="TW-000900"), fx.JW305_PREFIXED
            ),
            f"afgewezen/{fx.BSN_A}.xml": truncated_after_bsn(fx.jw301(), fx.BSN_A),
            "afgewezen/xsd.xml": fx.jw301(bsn=bad_bsn, identificatie="TW-000901"),
            "afgewezen/code.xml": fx.jw301(berichtcode=fx.BSN_B),
            "archief.zip": fx.zip_bytes(
                {
                    f"clienten/{fx.BSN_C}/jw323.xml": fx.jw323().replace(
                        b"DC-2025-0003", b"DC-2025-0099"
                    )
                }
            ),
        }
        folder = fx.write_files(tmp_path / "in", inputs)
        store = tmp_path / "store"
        report = ingest(
            iter_sources([folder]),
            store,
            pseudonymise=pseudo,
            xsd_dir=fx.write_xsds(tmp_path / "xsd"),
        )

        needles = [*fx.BSNS, bad_bsn, *fx.SENSITIVE_TEXTS, *fx.BIRTH_DATES, fx.TEST_KEY]
        # The inputs really hold every needle (else this test could not fail).
        raw_inputs = b"".join(inputs.values())
        for needle in needles:
            if needle != fx.TEST_KEY:
                assert needle.encode() in raw_inputs, needle
        # Every message type was loaded and rejected files were recorded with their reasons.
        assert set(report.messages["berichttype"]) == set(fx.ALL_TYPES)
        assert report.counts["afgewezen"] == 3
        assert len(read_table(store, "prestaties")) == 8

        files = [p for p in store.rglob("*") if p.is_file()]
        assert {p.suffix for p in files} == {".parquet", ".json", ".txt"}
        texts: dict[Path, list[str]] = {}
        for path in files:
            data = path.read_bytes()
            for needle in needles:
                assert needle.encode() not in data, (needle, path.relative_to(store))
            if path.suffix == ".parquet":
                texts[path] = cells_as_text(path)
        for path, cells in texts.items():
            for cell in cells:
                for needle in needles:
                    assert needle not in cell, (needle, path.relative_to(store))
        # every table but ongeldige_waarden (the inputs hold no invalid value) was written
        assert {p.parent.name for p in texts} == {*table_names(), "bestanden"} - {
            "ongeldige_waarden"
        }

        # Positive control: the pseudonyms and the birth month are there instead.
        toewijzingen = read_table(store, "toewijzingen")
        assert set(toewijzingen["client_id"]) == {pseudo(fx.BSN_A)}
        assert set(toewijzingen["Geboortemaand"]) == {"2012-03"}
        prestaties = read_table(store, "prestaties")
        assert set(prestaties["client_id"]) == {pseudo(b) for b in fx.BSNS}
        bron = set(read_table(store, "bestanden")["bron"])
        # a masked name gets the start of the content hash, so the file can be found
        assert any(re.fullmatch(r"in/afgewezen/<bsn>~[0-9a-f]{8}\.xml", b) for b in bron)
        assert any(
            re.fullmatch(r"in/archief\.zip!clienten/<bsn>/jw323~[0-9a-f]{8}\.xml", b) for b in bron
        )


class TestFiguresInReportText:
    """Counts in report tables and sentences are published like those in the CSVs."""

    def test_agenda_shows_rounded_counts(self):
        from kit.sections import agenda_table

        findings = pd.DataFrame(
            {
                "aanbieder": ["a", "a", "b"],
                "check_id": ["x", "y", "x"],
                "naam": ["X", "Y", "X"],
                "ernst": ["fout", "fout", "fout"],
                "n_gecontroleerd": [50, 50, 40],
                "n_afwijkend": [12, 4, 37],
                "pct_afwijkend": [24.0, 8.0, 92.5],
                "regels": ["", "", ""],
                "uitleg": ["", "", ""],
            }
        )
        table = agenda_table(findings, unit="aanbieder", threshold=10)
        assert table["afwijkend"].tolist() == [10, 35]  # 12 and 37, rounded; 4 not listed
        # 92.5% of 40 leaves 3 that pass: the share is not shown
        assert table["% afwijkend"].isna().tolist() == [False, True]

    def test_headline_counts_are_rounded(self):
        from kit.sections import headline_text

        rows = [
            ("toewijzingen", 23.0),
            ("starts", 41.0),
            ("stops", 12.0),
            ("wachtlijst", 508.0),
        ]
        series = pd.DataFrame(
            {
                "maand": "2026-02",
                "niveau": "regio",
                "reeks": [r for r, _ in rows],
                "waarde": [v for _, v in rows],
                "voorlopig": False,
            }
        )
        text = headline_text(series, threshold=10)
        for shown in ("25 nieuwe", "40 trajecten", "er 10.", "510 toewijzingen"):
            assert shown in text, (shown, text)
        for exact in ("23", "41", "12", "508"):
            assert exact not in text

    def test_funnel_text_does_not_name_a_unit_with_a_small_rest(self):
        from kit.sections import funnel_text

        funnel = pd.DataFrame(
            {
                "eenheid": ["a", "b"],
                "x": [97, 10],
                "n": [100, 100],
                "pct": [97.0, 10.0],
                "doel_pct": [50.0, 50.0],
                "beoordeling": ["boven 99,8%-grens", "onder 99,8%-grens"],
            }
        )
        text = funnel_text(funnel, unit="aanbieder", threshold=10)
        assert "b (10%)" in text and "a (97%)" not in text

    def test_overview_marks_a_count_hidden_for_a_total_with_a_dot(self):
        from kit import waits as wt
        from kit.outputs import SharedTable
        from kit.sections import overview_table, shown

        definitions = wt.load_definitions(None)
        first = definitions.definitions[0].id
        frame = pd.DataFrame(
            {
                "definitie": first,
                "groep": ["totaal", "categorie=45", "categorie=46", "categorie=47"],
                "n": [60, 4, 25, 31],
                "n_gestart": [60, 4, 25, 31],
                "n_wachtend": 0,
                "n_uitgevallen": 0,
            }
        )
        for col in wt.summary_columns(definitions.norms):
            if col not in frame:
                frame[col] = float("nan")
        table = SharedTable(frame, ["n", "n_gestart", "n_wachtend", "n_uitgevallen"],
                            totals=Totals("groep", within=("definitie",)))
        safe, text = table.suppressed(10), shown(frame, table.protection, threshold=10)
        got = {
            g: overview_table(safe, definitions, threshold=10, groep=g, shown_summary=text)
            for g in ("categorie=45", "categorie=46")
        }
        assert got["categorie=45"]["Trajecten"].tolist() == ["<10"]
        assert got["categorie=46"]["Trajecten"].tolist() == ["."]  # 25, hidden for the total
