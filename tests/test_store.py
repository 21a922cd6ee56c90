"""Tests for kit.store: ingest with its load report, read_table, and the store's guards."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import duckdb
import fixtures as fx
import pandas as pd
import pyarrow.parquet as pq
import pytest

import kit.store as store_module
from kit.privacy import Pseudonymiser
from kit.sources import Rejected, SourceFile, iter_sources
from kit.store import (
    FILES_TABLE,
    KNOWN,
    LOADED,
    REJECTED,
    StoreError,
    arrow_table,
    columns_of,
    ingest,
    read_meta,
    read_split,
    read_table,
    table_names,
    typed_frame,
)


@pytest.fixture(autouse=True)
def pseudo(monkeypatch) -> Pseudonymiser:
    return fx.set_key(monkeypatch)


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


@pytest.fixture
def invoer(tmp_path: Path) -> Path:
    """A folder mixing good files, bad files, a duplicate and a zip.

    Expected per file (in iteration order):
      archief.zip!map/jw307.xml  ingelezen      archief.zip!map/jw323.xml  ingelezen
      archief.zip!map/jw399.xml  afgewezen      jw301.xml                  ingelezen
      jw305.xml                  ingelezen      kapot.xml                  afgewezen (afgebroken)
      kapot.zip                  afgewezen      kopie-van-jw301.xml        al_ingelezen
      leeg.xml                   afgewezen      notitie.txt                afgewezen
    """
    jw399 = fx.jw319().replace(fx.message_ns("319").encode(), fx.message_ns("399").encode())
    return fx.write_files(
        tmp_path / "invoer",
        {
            "jw301.xml": fx.jw301(),
            "jw305.xml": fx.jw305(),
            "kopie-van-jw301.xml": fx.jw301(),
            "kapot.xml": truncated(fx.jw315()),
            "leeg.xml": b"",
            "notitie.txt": b"Aantekeningen bij de levering van maart\n",
            "kapot.zip": b"PK\x03\x04 geen echte zip",
            "archief.zip": fx.zip_bytes(
                {
                    "map/jw307.xml": fx.jw307(),
                    "map/jw323.xml": fx.jw323(),
                    "map/jw399.xml": jw399,
                }
            ),
        },
    )


def statuses(report) -> dict[str, str]:
    return dict(zip(report.files["bron"], report.files["status"], strict=True))


class TestIngest:
    def test_load_report_invariant_on_a_mixed_folder(self, invoer, tmp_path, pseudo):
        report = ingest(iter_sources([invoer]), tmp_path / "store", pseudonymise=pseudo)
        assert report.counts == {"gezien": 10, LOADED: 4, REJECTED: 5, KNOWN: 1}
        c = report.counts
        assert c["gezien"] == c[LOADED] + c[REJECTED] + c[KNOWN]
        assert statuses(report) == {
            "invoer/archief.zip!map/jw307.xml": LOADED,
            "invoer/archief.zip!map/jw323.xml": LOADED,
            "invoer/archief.zip!map/jw399.xml": REJECTED,
            "invoer/jw301.xml": LOADED,
            "invoer/jw305.xml": LOADED,
            "invoer/kapot.xml": REJECTED,
            "invoer/kapot.zip": REJECTED,
            "invoer/kopie-van-jw301.xml": KNOWN,
            "invoer/leeg.xml": REJECTED,
            "invoer/notitie.txt": REJECTED,
        }
        assert sorted(report.messages["berichttype"]) == ["301", "305", "307", "323"]
        # The duplicate (same bytes, other name) added no rows.
        assert len(read_table(tmp_path / "store", "toewijzingen")) == 2
        files = read_table(tmp_path / "store", FILES_TABLE)
        assert len(files) == 10
        assert files.loc[files["status"] == LOADED, "n_berichten"].tolist() == [1, 1, 1, 1]

    def test_second_ingest_loads_only_the_new_file(self, invoer, tmp_path, pseudo):
        store = tmp_path / "store"
        first = ingest(iter_sources([invoer]), store, pseudonymise=pseudo)
        (invoer / "nieuw").mkdir()
        (invoer / "nieuw" / "jw319.xml").write_bytes(fx.jw319())
        second = ingest(iter_sources([invoer]), store, pseudonymise=pseudo)
        assert (first.inlees_id, second.inlees_id) == ("inlees-0001", "inlees-0002")
        assert second.counts == {"gezien": 11, LOADED: 1, REJECTED: 5, KNOWN: 5}
        got = statuses(second)
        assert got["invoer/nieuw/jw319.xml"] == LOADED
        for name, status in statuses(first).items():
            assert got[name] == (REJECTED if status == REJECTED else KNOWN), name
        assert second.messages["berichttype"].tolist() == ["319"]
        # Nothing was loaded twice.
        berichten = read_table(store, "berichten")
        assert sorted(berichten["berichttype"]) == ["301", "305", "307", "319", "323"]
        assert berichten["bericht_id"].is_unique
        assert len(read_table(store, "toewijzingen")) == 2
        assert len(read_table(store, "antwoorden")) == 1
        meta = read_meta(store)
        assert [r["id"] for r in meta["inleesrondes"]] == ["inlees-0001", "inlees-0002"]
        for ronde in meta["inleesrondes"]:
            assert ronde["gezien"] == ronde[LOADED] + ronde[REJECTED] + ronde[KNOWN]
        # round 2 records the files it read (1 new, 5 rejected again); unchanged known files are
        # counted in the report but get no new row
        assert len(read_table(store, FILES_TABLE)) == 16

    def test_same_content_under_a_new_name_is_already_loaded(self, tmp_path, pseudo):
        store = tmp_path / "store"
        fx.write_files(tmp_path / "a", {"jw301.xml": fx.jw301()})
        fx.write_files(tmp_path / "b", {"hernoemd.xml": fx.jw301()})
        ingest(iter_sources([tmp_path / "a"]), store, pseudonymise=pseudo)
        report = ingest(iter_sources([tmp_path / "b"]), store, pseudonymise=pseudo)
        assert report.counts == {"gezien": 1, LOADED: 0, REJECTED: 0, KNOWN: 1}
        assert report.files["reden"].tolist() == [
            "zelfde inhoud als een ander, al ingelezen bestand"
        ]

    def test_a_bad_file_never_stops_the_others(self, tmp_path, pseudo):
        damaged = bytearray(
            fx.zip_bytes(
                {"goed.xml": fx.jw307(), "slecht.xml": fx.jw301()}, compression=zipfile.ZIP_STORED
            )
        )
        damaged[damaged.index(fx.BSN_A.encode(), damaged.index(b"slecht.xml"))] ^= 0x01
        half_xz = fx.tar_xz_bytes({"a.xml": fx.jw323()})
        decimal_volume = fx.jw301(identificatie="TW-000102").replace(
            b"<ijw:Volume>2</ijw:Volume>", b"<ijw:Volume>2.5</ijw:Volume>"
        )
        folder = fx.write_files(
            tmp_path / "in",
            {
                "0-kapot.xml": truncated(fx.jw301()),
                "1-deels.zip": bytes(damaged),
                "2-half.tar.xz": half_xz[: len(half_xz) // 2],
                "3-decimaal.xml": decimal_volume,
                "4-goed.xml": fx.jw305(),
            },
        )

        def unreadable() -> bytes:
            raise PermissionError("geen toegang")

        sources = [
            *iter_sources([folder]),
            SourceFile("weg.xml", "weg|0|0", unreadable),
            SourceFile("laatste.xml", "laatste|0|0", fx.jw319),
        ]
        report = ingest(sources, tmp_path / "store", pseudonymise=pseudo)
        assert statuses(report) == {
            "in/0-kapot.xml": REJECTED,
            "in/1-deels.zip!goed.xml": LOADED,
            "in/1-deels.zip!slecht.xml": REJECTED,
            "in/2-half.tar.xz": REJECTED,
            "in/3-decimaal.xml": LOADED,
            "in/4-goed.xml": LOADED,
            "weg.xml": REJECTED,
            "laatste.xml": LOADED,
        }
        reasons = dict(zip(report.files["bron"], report.files["reden"], strict=True))
        assert reasons["weg.xml"] == "bestand niet te lezen (PermissionError)"
        assert "beschadigd" in reasons["in/1-deels.zip!slecht.xml"]
        # A number that is not whole becomes missing; the rest of the message is kept.
        toewijzingen = read_table(tmp_path / "store", "toewijzingen")
        assert toewijzingen["Volume"].isna().tolist() == [True, True]
        assert toewijzingen["ToewijzingNummer"].tolist() == ["300201", "300202"]

    def test_store_refuses_another_key(self, tmp_path, pseudo):
        store = tmp_path / "store"
        fx.write_files(tmp_path / "in", {"jw301.xml": fx.jw301()})
        ingest(iter_sources([tmp_path / "in"]), store, pseudonymise=pseudo)
        before = sorted(p.relative_to(store) for p in store.rglob("*"))
        other = Pseudonymiser(b"een-andere-sleutel")
        with pytest.raises(StoreError, match="andere pseudonimiseringssleutel"):
            ingest(iter_sources([tmp_path / "in"]), store, pseudonymise=other)
        assert sorted(p.relative_to(store) for p in store.rglob("*")) == before
        assert read_meta(store)["sleutel"] == pseudo.fingerprint

    def test_old_key_check_value_is_accepted_and_replaced(self, tmp_path, pseudo):
        import hashlib
        import hmac

        store = tmp_path / "store"
        fx.write_files(tmp_path / "in", {"jw301.xml": fx.jw301()})
        ingest(iter_sources([tmp_path / "in"]), store, pseudonymise=pseudo)
        meta = json.loads((store / "kit-store.json").read_text())
        assert meta["sleutel"].startswith("scrypt:")
        # a store written by an older kit: 12 hex characters of an HMAC of a constant
        legacy = hmac.new(pseudo.key, b"leercirkel-kit-sleutel", hashlib.sha256).hexdigest()[:12]
        (store / "kit-store.json").write_text(json.dumps(meta | {"sleutel": legacy}))
        fx.write_files(tmp_path / "in", {"jw305.xml": fx.jw305()})
        ingest(iter_sources([tmp_path / "in"]), store, pseudonymise=pseudo)
        assert read_meta(store)["sleutel"] == pseudo.fingerprint
        (store / "kit-store.json").write_text(json.dumps(meta | {"sleutel": legacy}))
        with pytest.raises(StoreError, match="andere pseudonimiseringssleutel"):
            ingest([], store, pseudonymise=Pseudonymiser(b"een-andere-sleutel"))

    def test_store_of_a_newer_format_is_refused(self, tmp_path, pseudo):
        store = tmp_path / "store"
        store.mkdir()
        (store / "kit-store.json").write_text(
            json.dumps({"formaat": 99, "sleutel": None, "inleesrondes": []})
        )
        with pytest.raises(StoreError, match="nieuwere versie"):
            ingest([], store, pseudonymise=pseudo)

    def test_xsd_note_for_message_types_without_schema(self, tmp_path, pseudo):
        fx.write_files(tmp_path / "in", {"jw301.xml": fx.jw301(), "jw305.xml": fx.jw305()})
        report = ingest(
            iter_sources([tmp_path / "in"]),
            tmp_path / "store",
            pseudonymise=pseudo,
            xsd_dir=fx.write_xsds(tmp_path / "xsd"),
        )
        assert report.notes == ["geen XSD opgegeven voor JW305: niet gevalideerd"]
        berichten = read_table(tmp_path / "store", "berichten").set_index("berichttype")
        assert berichten["xsd_gevalideerd"].to_dict() == {"301": True, "305": False}
        assert "Let op: geen XSD opgegeven voor JW305" in report.text()


class TestLoadReportText:
    def test_dutch_report_with_counts_and_rejected_files(self, invoer, tmp_path, pseudo):
        store = tmp_path / "store"
        report = ingest(iter_sources([invoer]), store, pseudonymise=pseudo)
        text = report.text()
        assert text == (store / "inleesverslagen" / "inlees-0001.txt").read_text(encoding="utf-8")
        lines = text.splitlines()
        assert lines[0].startswith("Inleesverslag inlees-0001 (kit ")
        for expected in [
            "Bestanden gezien:      10",
            "  nieuw ingelezen:     4",
            "  al eerder ingelezen: 1",
            "  afgewezen:           5",
            "Berichten ingelezen:   4",
        ]:
            assert expected in lines
        block = lines[lines.index("Berichten per berichtsoort:") + 1 :]
        assert block[:4] == ["  JW301: 1", "  JW305: 1", "  JW307: 1", "  JW323: 1"]
        block = lines[lines.index("Berichten per afzender:") + 1 :]
        assert block[:2] == [f"  {fx.GEMEENTE}: 1", f"  {fx.AANBIEDER}: 3"]
        block = lines[lines.index("Berichten per maand (dagtekening):") + 1 :]
        # 301 2025-02-03, 305 2025-02-14, 323 2025-04-04, 307 2025-07-02
        assert block[:3] == ["  2025-02: 2", "  2025-04: 1", "  2025-07: 1"]
        block = lines[lines.index("Afgewezen bestanden:") + 1 :]
        assert block == [
            "  invoer/archief.zip!map/jw399.xml: onbekende berichtsoort JW399",
            block[1],
            "  invoer/kapot.zip: beschadigd of onleesbaar archief (BadZipFile)",
            "  invoer/leeg.xml: leeg bestand",
            "  invoer/notitie.txt: geen XML-bestand (de inhoud begint niet met '<')",
        ]
        assert block[1].startswith("  invoer/kapot.xml: XML is afgebroken of onvolledig")

    def test_invalid_values_line_and_table(self, tmp_path, pseudo):
        bad_301 = fx.jw301().replace(b"<Ingangsdatum>2025-02-10<", b"<Ingangsdatum>2027-06-31<")
        bad_301 = bad_301.replace(b"<ijw:Volume>2<", b"<ijw:Volume>4.5<")
        bad_305 = fx.jw305().replace(b"<Begindatum>2025-02-12<", b"<Begindatum>2026-02-30<", 1)
        fx.write_files(tmp_path / "in", {"a.xml": bad_301, "b.xml": bad_305, "c.xml": fx.jw307()})
        store = tmp_path / "store"
        report = ingest(iter_sources([tmp_path / "in"]), store, pseudonymise=pseudo)
        assert report.counts[LOADED] == 3  # messages kept
        lines = report.text().splitlines()
        block = lines[
            lines.index("Ongeldige waarden (bericht ingelezen, veld leeg gelaten):") + 1 :
        ]
        assert block[:3] == [
            "  JW301 Client/ToegewezenProducten/ToegewezenProduct/Ingangsdatum (datum): 1",
            "  JW301 Client/ToegewezenProducten/ToegewezenProduct/Omvang/Volume (geheel getal): 1",
            "  JW305 Client/StartProducten/StartProduct/Begindatum (datum): 1",
        ]
        table = read_table(store, "ongeldige_waarden")
        assert table["aantal"].sum() == 3
        assert set(table["berichttype"]) == {"301", "305"}
        assert table["Dagtekening"].notna().all()
        starts = read_table(store, "starts")
        assert starts["Begindatum"].isna().sum() == 1

    def test_report_without_messages(self, tmp_path, pseudo):
        fx.write_files(tmp_path / "in", {"leeg.xml": b""})
        report = ingest(iter_sources([tmp_path / "in"]), tmp_path / "store", pseudonymise=pseudo)
        assert not report.loaded_anything
        text = report.text()
        assert "Berichten ingelezen:   0" in text
        assert "Berichten per berichtsoort" not in text
        assert "  in/leeg.xml: leeg bestand" in text


class TestReadTable:
    @pytest.fixture
    def store(self, tmp_path, pseudo) -> Path:
        folder = fx.write_files(tmp_path / "in", fx.all_messages())
        ingest(iter_sources([folder]), tmp_path / "store", pseudonymise=pseudo)
        return tmp_path / "store"

    def test_store_column_types(self, store):
        frame = read_table(store, "toewijzingen")
        assert list(frame.columns) == list(columns_of("toewijzingen"))
        for col in ("Toewijzingsdatum", "Ingangsdatum", "Einddatum", "Dagtekening"):
            assert pd.api.types.is_datetime64_dtype(frame[col]), col
        for col in ("Volume", "Budget", "regel"):
            assert frame[col].dtype == "Int64", col
        for col in ("CommentaarAanwezig", "BsnElfproef", "BsnTestnummer"):
            assert frame[col].dtype == "boolean", col
        for col in ("ToewijzingNummer", "ProductCategorie", "Toewijzingstijd", "client_id"):
            assert frame[col].dtype == "string", col
        first = frame.iloc[0]
        assert first["Ingangsdatum"] == pd.Timestamp("2025-02-10")
        assert first["Volume"] == 2 and pd.isna(first["Budget"])
        assert bool(first["CommentaarAanwezig"]) is True
        assert frame["Budget"].tolist()[1] == 150000

    def test_every_table_is_filled_by_the_fixtures(self, store):
        counts = {t: len(read_table(store, t)) for t in table_names()}
        assert counts == {
            "berichten": 14,
            "toewijzingen": 2,
            "starts": 2,
            "stops": 1,
            "verzoeken": 2,
            "wijzigingsverzoeken": 3,
            "antwoorden": 1,
            "declaraties": 1,
            "prestaties": 4,
            "declaratie_antwoorden": 1,
            "retourcodes": 12,
            "ongeldige_waarden": 0,  # the fixtures hold no invalid value
        }

    def test_retourcodes_and_prestaties_types(self, store):
        codes = read_table(store, "retourcodes")
        assert codes["RetourCode"].dtype == "string"
        assert pd.api.types.is_datetime64_dtype(codes["DagtekeningRetour"])
        prestaties = read_table(store, "prestaties")
        assert prestaties["IngediendBedrag"].tolist() == [50000, 6250, 9400, 6750]
        berichten = read_table(store, "berichten")
        assert berichten["is_retour"].dtype == "boolean"
        assert int(berichten["is_retour"].sum()) == 6

    @pytest.mark.parametrize("table", ["berichten", FILES_TABLE])
    def test_arrow_text_holds_the_same_values_without_python_strings(self, store, table):
        plain = read_table(store, table)
        arrow = read_table(store, table, arrow_text=True)
        text = [c for c, kind in columns_of(table).items() if kind in ("tekst", "code", "tijd")]
        assert text and all(arrow[c].dtype == pd.StringDtype("pyarrow") for c in text)
        others = [c for c in plain.columns if c not in text]
        assert all(arrow[c].dtype == plain[c].dtype for c in others)
        pd.testing.assert_frame_equal(arrow.astype({c: "string" for c in text}), plain)
        empty = read_table(store.parent / "nog-leeg", table, arrow_text=True)
        assert empty.empty and all(empty[c].dtype == pd.StringDtype("pyarrow") for c in text)

    @pytest.mark.parametrize("table", [*table_names(), FILES_TABLE])
    def test_empty_table_has_all_columns_and_types(self, tmp_path, table):
        frame = read_table(tmp_path / "nog-leeg", table)
        columns = columns_of(table)
        assert frame.empty
        assert list(frame.columns) == list(columns)
        expected = {
            "datum": "datetime64[ns]",
            "getal": "Int64",
            "bedrag": "Int64",
            "bool": "boolean",
            "tekst": "string",
            "code": "string",
            "tijd": "string",
        }
        assert {c: str(frame[c].dtype) for c in columns} == {
            c: expected[k] for c, k in columns.items()
        }

    def test_table_without_rows_in_a_filled_store(self, tmp_path, pseudo):
        fx.write_files(tmp_path / "in", {"jw301.xml": fx.jw301()})
        ingest(iter_sources([tmp_path / "in"]), tmp_path / "store", pseudonymise=pseudo)
        frame = read_table(tmp_path / "store", "antwoorden")
        assert frame.empty and list(frame.columns) == list(columns_of("antwoorden"))

    def test_split_at_the_peildatum_keeps_missing_dates_and_row_order(self, tmp_path):
        rows = [
            {"bericht_id": "a", "regel": "1", "Dagtekening": "2025-07-01"},
            {"bericht_id": "b", "regel": "1", "Dagtekening": None},
            {"bericht_id": "c", "regel": "1", "Dagtekening": "2025-06-30"},
            {"bericht_id": "d", "regel": "1", "Dagtekening": "2025-01-02"},
        ]
        part = tmp_path / "store" / "toewijzingen" / "inlees-0001.parquet"
        part.parent.mkdir(parents=True)
        pq.write_table(arrow_table(rows, columns_of("toewijzingen")), part)
        # a peildatum with a time of day counts as its day
        before, after = read_split(
            tmp_path / "store", "toewijzingen", peildatum=pd.Timestamp("2025-06-30 15:00")
        )
        assert before["bericht_id"].tolist() == ["b", "c", "d"]
        assert after["bericht_id"].tolist() == ["a"]
        assert list(before.index) == [0, 1, 2] and list(after.index) == [0]
        whole = read_table(tmp_path / "store", "toewijzingen")
        pd.testing.assert_frame_equal(before, whole.iloc[[1, 2, 3]].reset_index(drop=True))
        kept, none = read_split(tmp_path / "store", "toewijzingen", peildatum="2025-07-01")
        assert none is None and len(kept) == 4

    @pytest.mark.parametrize("peildatum", ["2024-01-01", "2025-06-30", "2099-12-31"])
    def test_split_equals_split_at_on_the_example_region(self, example_store, peildatum):
        from kit.checks import split_at

        peil = pd.Timestamp(peildatum)
        cut = 0
        for table in [*table_names(), FILES_TABLE]:
            arrow = FILES_TABLE == table
            got = read_split(example_store, table, peildatum=peil, arrow_text=arrow)
            want = split_at(read_table(example_store, table, arrow_text=arrow), peil)
            pd.testing.assert_frame_equal(got[0], want[0])
            assert (got[1] is None) == (want[1] is None), table
            if want[1] is not None:
                pd.testing.assert_frame_equal(got[1], want[1])
                cut += 1
        assert cut > 0 if peildatum != "2099-12-31" else cut == 0

    def test_duckdb_reads_the_parquet_files_directly(self, store):
        pattern = str(store / "toewijzingen" / "*.parquet")
        con = duckdb.connect()
        (n,) = con.execute(f"SELECT count(*) FROM '{pattern}'").fetchone()
        assert n == len(read_table(store, "toewijzingen")) == 2
        types = {
            row[0]: row[1] for row in con.execute(f"DESCRIBE SELECT * FROM '{pattern}'").fetchall()
        }
        assert list(types) == list(columns_of("toewijzingen"))
        assert types["Ingangsdatum"] == "DATE"
        assert types["Volume"] == "BIGINT"
        (total,) = con.execute(
            f"SELECT sum(IngediendBedrag) FROM '{store / 'prestaties' / '*.parquet'}' "
            "WHERE IngediendBedragDebetCredit = 'D'"
        ).fetchone()
        assert total == 50000 + 9400 + 6750


class TestSourceReadErrors:
    def test_rejected_read_is_recorded_without_hash(self, tmp_path, pseudo):
        def fail() -> bytes:
            raise Rejected("beschadigd of onleesbaar archief (BadZipFile)")

        report = ingest(
            [SourceFile("x.zip", "x|1|1", fail)], tmp_path / "store", pseudonymise=pseudo
        )
        row = report.files.iloc[0]
        assert row["status"] == REJECTED and pd.isna(row["inhoud_hash"])
        # A second run over the same (still broken) source rejects it again without error.
        again = ingest(
            [SourceFile("x.zip", "x|1|1", fail)], tmp_path / "store", pseudonymise=pseudo
        )
        assert again.counts == {"gezien": 1, LOADED: 0, REJECTED: 1, KNOWN: 0}


class TestByteOrderMark:
    def test_a_twin_that_differs_only_by_a_bom_is_the_same_file(self, tmp_path, pseudo):
        store = tmp_path / "store"
        plain = fx.jw301()
        fx.write_files(
            tmp_path / "a", {"jw301.xml": plain, "jw301-bom.xml": b"\xef\xbb\xbf" + plain}
        )
        report = ingest(iter_sources([tmp_path / "a"]), store, pseudonymise=pseudo)
        assert report.counts == {"gezien": 2, LOADED: 1, REJECTED: 0, KNOWN: 1}
        files = read_table(store, FILES_TABLE)
        assert files["inhoud_hash"].nunique() == 1
        # a later round with the BOM twin alone: already loaded
        fx.write_files(tmp_path / "b", {"weer.xml": b"\xef\xbb\xbf" + plain})
        again = ingest(iter_sources([tmp_path / "b"]), store, pseudonymise=pseudo)
        assert again.counts == {"gezien": 1, LOADED: 0, REJECTED: 0, KNOWN: 1}


def test_repeated_text_is_one_shared_object_in_a_string_column():
    """Memory at scale: a code repeated on every row is one str object, not one per row."""
    rows = [{"gemeente": "0363", "reden": None, "n": "2"}, {"gemeente": "0363", "reden": "x"}]
    frame = typed_frame(rows, {"gemeente": "code", "reden": "tekst", "n": "getal"})
    assert frame["gemeente"].dtype == pd.StringDtype() and frame["reden"].dtype == "string"
    assert frame["gemeente"].array[0] is frame["gemeente"].array[1]
    assert frame["reden"].isna().tolist() == [True, False]
    assert frame["n"].tolist() == [2, pd.NA]


class TestStreamingWrite:
    """Ingest writes each table while parsing (row groups), not all at once at the end."""

    @staticmethod
    def _rows_per_group(monkeypatch, rows: int) -> None:
        real = store_module._RoundWriter.__init__
        monkeypatch.setattr(
            store_module._RoundWriter,
            "__init__",
            lambda self, s, i, rows_=rows: real(self, s, i, rows=rows_),
        )

    def test_small_row_groups_give_the_same_tables(self, invoer, tmp_path, pseudo, monkeypatch):
        ingest(iter_sources([invoer]), tmp_path / "groot", pseudonymise=pseudo, chunk_size=1)
        self._rows_per_group(monkeypatch, 1)
        ingest(iter_sources([invoer]), tmp_path / "klein", pseudonymise=pseudo, chunk_size=1)
        groups = pq.ParquetFile(tmp_path / "klein" / "berichten" / "inlees-0001.parquet")
        assert groups.num_row_groups == 4  # one per loaded message: written as it came
        groups = pq.ParquetFile(tmp_path / "groot" / "berichten" / "inlees-0001.parquet")
        assert groups.num_row_groups == 1
        for table in [*table_names(), FILES_TABLE]:
            small, large = (read_table(tmp_path / s, table) for s in ("klein", "groot"))
            if table == FILES_TABLE:
                small, large = (f.drop(columns="signatuur") for f in (small, large))
            pd.testing.assert_frame_equal(small, large, obj=table)

    def test_an_interrupted_round_leaves_no_table_files(
        self, invoer, tmp_path, pseudo, monkeypatch
    ):
        self._rows_per_group(monkeypatch, 1)  # rows are on disk (temporary) before the stop
        written = []
        real_flush = store_module._RoundWriter._flush
        monkeypatch.setattr(
            store_module._RoundWriter,
            "_flush",
            lambda self, table: (real_flush(self, table), written.append(table)),
        )
        files = list(iter_sources([invoer]))

        def stops_halfway():
            yield from files[:5]
            raise KeyboardInterrupt

        store = tmp_path / "store"
        with pytest.raises(KeyboardInterrupt):
            ingest(stops_halfway(), store, pseudonymise=pseudo, chunk_size=1)
        assert written  # some tables were being written when the run stopped
        assert [p.name for p in store.rglob("*") if p.is_file()] == []
        report = ingest(iter_sources([invoer]), store, pseudonymise=pseudo)
        assert report.counts[LOADED] == 4
