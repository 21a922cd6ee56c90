"""Hostile inputs at ingest: odd archives, bad folder entries, huge files, concurrent runs, a
damaged store, malformed CSV and file names that hold personal data.

Every input is generated here (small, in tmp_path). Each test asserts the exact line of the
load report (inleesverslag) and that files seen = loaded + rejected + already loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import tarfile
import tracemalloc
import zipfile
from pathlib import Path

import fixtures as fx
import pytest

from kit import __main__ as cli
from kit.privacy import Pseudonymiser
from kit.sources import iter_sources, mask_name, tag_name
from kit.store import (
    KNOWN,
    LOADED,
    META_FILE,
    REJECTED,
    StoreError,
    ingest,
    read_meta,
    read_table,
    rebuild_meta,
    store_lock,
)

HIDDEN = "verborgen bestand of map (naam begint met een punt); niet gelezen"
MACOS = "macOS-hulpbestand (__MACOSX of ._); geen bericht, niet gelezen"
BAD_NAME = "naam bevat tekens die geen geldige UTF-8 zijn; hernoem het bestand of de map"
SPECIAL = "geen gewoon bestand (pipe, socket of apparaat); niet gelezen"
DANGLING = "verwijzing (symlink) naar een bestand dat niet bestaat"
LOOP = "verwijzing (symlink) die een lus maakt; niet gelezen"
DIR_LOOP = "map verwijst naar een bovenliggende map (symlink-lus); niet doorzocht"
ABSOLUTE = "onveilige naam in archief (absoluut pad); niet gelezen"
PARENT = "onveilige naam in archief (verwijst met '..' buiten het archief); niet gelezen"
LINK = "verwijzing (link) in archief; niet gelezen"
NOT_READ = "het bestand is niet ingelezen (verbeter die regel en lees opnieuw in)"
# a file name holding a BSN (passes the 11-proef), a surname and a birth date
PERSONAL_NAME = "999941033_Dijkstra_2023-09-13.xml"


def too_large(mb: str) -> str:
    return f"groter dan de grens van {mb} MB per bestand (optie --max-mb); niet gelezen"


@pytest.fixture(autouse=True)
def pseudo(monkeypatch) -> Pseudonymiser:
    return fx.set_key(monkeypatch)


def tag(data: bytes) -> str:
    """The tag a masked name gets: the start of the SHA-256 of the content."""
    return hashlib.sha256(data).hexdigest()[:8]


def load(paths: list[Path], store: Path, pseudo: Pseudonymiser, **kwargs):
    """Ingest ``paths``; check the invariant and the saved report; return the report."""
    max_bytes = kwargs.pop("max_bytes", None)
    report = ingest(iter_sources(paths, max_bytes=max_bytes), store, pseudonymise=pseudo, **kwargs)
    c = report.counts
    assert c["gezien"] == c[LOADED] + c[REJECTED] + c[KNOWN]
    assert report.text() == (store / "inleesverslagen" / f"{report.inlees_id}.txt").read_text(
        encoding="utf-8"
    )
    return report


def rejected_lines(report) -> list[str]:
    lines = report.text().splitlines()
    if "Afgewezen bestanden:" not in lines:
        return []
    return lines[lines.index("Afgewezen bestanden:") + 1 :]


def loaded(report) -> list[str]:
    return sorted(report.files.loc[report.files["status"] == LOADED, "bron"])


def tar_bytes(members: list[tuple[str, bytes | None, bytes]], mode: str = "w:gz") -> bytes:
    """A tar holding ``(name, data or None for a folder, type)`` members."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode, format=tarfile.GNU_FORMAT) as tf:
        for name, data, kind in members:
            info = tarfile.TarInfo(name)
            info.type = kind
            info.mtime = 1_700_000_000
            if kind == tarfile.SYMTYPE:
                info.linkname = "jw301.xml"
            info.size = len(data or b"")
            tf.addfile(info, io.BytesIO(data) if data else None)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# Archives


class TestArchiveShapes:
    def test_tar_of_a_folder_with_dot_slash_members(self, tmp_path, pseudo):
        # what `(cd DIR && tar czf m.tgz .)` makes: members ".", "./jw301.xml", "./sub/jw305.xml"
        folder = fx.write_files(
            tmp_path / "DIR", {"jw301.xml": fx.jw301(), "sub/jw305.xml": fx.jw305()}
        )
        archive = tmp_path / "in" / "m.tgz"
        archive.parent.mkdir()
        with tarfile.open(archive, "w:gz") as tf:
            tf.add(folder, arcname=".")
        assert "./jw301.xml" in tarfile.open(archive).getnames()
        report = load([archive.parent], tmp_path / "store", pseudo)
        assert "Bestanden gezien:      2" in report.text().splitlines()
        assert loaded(report) == ["in/m.tgz!jw301.xml", "in/m.tgz!sub/jw305.xml"]

    def test_gnu_tar_of_a_folder(self, tmp_path, pseudo):
        fx.write_files(tmp_path / "DIR", {"jw301.xml": fx.jw301(), ".verborgen.xml": b"<x/>"})
        (tmp_path / "in").mkdir()
        subprocess.run(
            ["tar", "czf", str(tmp_path / "in" / "m.tgz"), "."], cwd=tmp_path / "DIR", check=True
        )
        report = load([tmp_path / "in"], tmp_path / "store", pseudo)
        assert loaded(report) == ["in/m.tgz!jw301.xml"]
        assert rejected_lines(report) == [f"  in/m.tgz!.verborgen.xml: {HIDDEN}"]

    def test_macos_zip_hidden_and_nested_folders(self, tmp_path, pseudo):
        zipped = fx.zip_bytes(
            {
                "export/2025/maart/jw301.xml": fx.jw301(),
                "__MACOSX/export/2025/maart/._jw301.xml": b"\x00\x05\x16\x07",
                "export/.DS_Store": b"\0\0\0\1Bud1",
                "export/._jw305.xml": b"\x00\x05\x16\x07",
            }
        )
        fx.write_files(tmp_path / "in", {"levering.zip": zipped})
        report = load([tmp_path / "in"], tmp_path / "store", pseudo)
        assert loaded(report) == ["in/levering.zip!export/2025/maart/jw301.xml"]
        assert rejected_lines(report) == [
            f"  in/levering.zip!__MACOSX/export/2025/maart/._jw301.xml: {MACOS}",
            f"  in/levering.zip!export/.DS_Store: {HIDDEN}",
            f"  in/levering.zip!export/._jw305.xml: {MACOS}",
        ]

    def test_archives_inside_archives(self, tmp_path, pseudo):
        inner_tar = fx.tar_xz_bytes({"diep/jw305.xml": fx.jw305()})
        inner_zip = fx.zip_bytes({"jw307.xml": fx.jw307()})
        outer = fx.zip_bytes(
            {"jw301.xml": fx.jw301(), "binnen.zip": inner_zip, "pakket.tar.xz": inner_tar}
        )
        tgz = tar_bytes([("buiten.zip", outer, tarfile.REGTYPE)])
        fx.write_files(tmp_path / "in", {"a.tgz": tgz})
        report = load([tmp_path / "in"], tmp_path / "store", pseudo)
        assert report.counts == {"gezien": 3, LOADED: 3, REJECTED: 0, KNOWN: 0}
        assert loaded(report) == [
            "in/a.tgz!buiten.zip!binnen.zip!jw307.xml",
            "in/a.tgz!buiten.zip!jw301.xml",
            "in/a.tgz!buiten.zip!pakket.tar.xz!diep/jw305.xml",
        ]

    def test_nesting_deeper_than_the_limit_is_rejected(self, tmp_path, pseudo):
        data = fx.zip_bytes({"jw301.xml": fx.jw301()})
        for level in range(3):
            data = fx.zip_bytes({f"laag{level}.zip": data})
        fx.write_files(tmp_path / "in", {"diep.zip": data})
        report = load([tmp_path / "in"], tmp_path / "store", pseudo)
        assert rejected_lines(report) == [
            "  in/diep.zip!laag2.zip!laag1.zip!laag0.zip: "
            "archief in archief dieper dan 3 lagen; pak het eerst uit"
        ]

    def test_damaged_archive_inside_an_archive(self, tmp_path, pseudo):
        outer = fx.zip_bytes({"jw301.xml": fx.jw301(), "kapot.zip": b"PK\x03\x04 geen zip"})
        fx.write_files(tmp_path / "in", {"a.zip": outer})
        report = load([tmp_path / "in"], tmp_path / "store", pseudo)
        assert loaded(report) == ["in/a.zip!jw301.xml"]
        assert rejected_lines(report) == [
            "  in/a.zip!kapot.zip: beschadigd of onleesbaar archief (BadZipFile)"
        ]

    @pytest.mark.parametrize("kind", ["tar", "zip"])
    def test_members_outside_the_archive_are_rejected_by_name(self, tmp_path, pseudo, kind):
        members = {"../x.xml": fx.jw305(), "/tmp/abs.xml": fx.jw307(), "ok.xml": fx.jw301()}
        if kind == "tar":
            data = tar_bytes([(n, d, tarfile.REGTYPE) for n, d in members.items()])
            name = "a.tar.gz"
        else:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as zf:
                for n, d in members.items():
                    zf.writestr(zipfile.ZipInfo(n), d)  # ZipInfo keeps the name as given
            data, name = buf.getvalue(), "a.zip"
        fx.write_files(tmp_path / "in" / "deeper", {name: data})
        report = load([tmp_path / "in"], tmp_path / "store", pseudo)
        assert loaded(report) == [f"in/deeper/{name}!ok.xml"]
        assert sorted(rejected_lines(report)) == [
            f"  in/deeper/{name}!../x.xml: {PARENT}",
            f"  in/deeper/{name}!/tmp/abs.xml: {ABSOLUTE}",
        ]
        # nothing was written next to or outside the archive
        assert sorted(p.name for p in (tmp_path / "in").rglob("*")) == sorted(["deeper", name])
        assert not (tmp_path / "in" / "x.xml").exists()

    def test_links_in_a_tar_are_rejected(self, tmp_path, pseudo):
        data = tar_bytes(
            [
                ("jw301.xml", fx.jw301(), tarfile.REGTYPE),
                ("link.xml", None, tarfile.SYMTYPE),
            ]
        )
        fx.write_files(tmp_path / "in", {"a.tar.gz": data})
        report = load([tmp_path / "in"], tmp_path / "store", pseudo)
        assert rejected_lines(report) == [f"  in/a.tar.gz!link.xml: {LINK}"]

    def test_truncated_tgz_keeps_the_members_before_the_damage(self, tmp_path, pseudo):
        data = tar_bytes(
            [(f"m{i}.xml", fx.jw301(identificatie=f"TW-{i}"), tarfile.REGTYPE) for i in range(40)]
        )
        fx.write_files(tmp_path / "in", {"a.tgz": data[: len(data) // 2]})
        report = load([tmp_path / "in"], tmp_path / "store", pseudo)
        assert (
            rejected_lines(report)[-1] == "  in/a.tgz: beschadigd of onleesbaar archief (EOFError)"
        )
        assert report.counts[LOADED] >= 1


# --------------------------------------------------------------------------------------------
# Bad folder entries


class TestBadEntries:
    def test_dangling_symlink_and_loops(self, tmp_path, pseudo):
        folder = fx.write_files(tmp_path / "in", {"jw301.xml": fx.jw301()})
        (folder / "weg.xml").symlink_to(tmp_path / "bestaat-niet.xml")
        (folder / "lus.xml").symlink_to(folder / "lus.xml")
        (folder / "sub").mkdir()
        (folder / "sub" / "terug").symlink_to(folder, target_is_directory=True)
        (folder / "sub" / "jw305.xml").write_bytes(fx.jw305())
        report = load([folder], tmp_path / "store", pseudo)
        assert loaded(report) == ["in/jw301.xml", "in/sub/jw305.xml"]
        assert rejected_lines(report) == [
            f"  in/lus.xml: {LOOP}",
            f"  in/sub/terug: {DIR_LOOP}",
            f"  in/weg.xml: {DANGLING}",
        ]

    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
    def test_fifo_does_not_hang_the_run(self, tmp_path, pseudo):
        folder = fx.write_files(tmp_path / "in", {"jw301.xml": fx.jw301()})
        os.mkfifo(folder / "pijp.xml")

        def hung(*_):
            raise TimeoutError("ingest hangs on a FIFO")

        previous = signal.signal(signal.SIGALRM, hung)
        signal.alarm(20)
        try:
            report = load([folder], tmp_path / "store", pseudo)
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        assert loaded(report) == ["in/jw301.xml"]
        assert rejected_lines(report) == [f"  in/pijp.xml: {SPECIAL}"]

    def test_non_utf8_names_of_file_folder_and_member(self, tmp_path, pseudo):
        base = os.fsencode(tmp_path / "in")
        os.makedirs(base + b"/map-\xe9")
        for path, data in [
            (b"/caf\xe9.xml", fx.jw305()),
            (b"/map-\xe9/jw307.xml", fx.jw307()),
            (b"/jw301.xml", fx.jw301()),
        ]:
            with open(base + path, "wb") as f:
                f.write(data)
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tf:
            for name, data in [(b"na\xefve.xml", fx.jw315()), (b"jw319.xml", fx.jw319())]:
                info = tarfile.TarInfo(name.decode("utf-8", "surrogateescape"))
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
        with open(base + b"/a.tar", "wb") as f:
            f.write(buf.getvalue())
        report = load([tmp_path / "in"], tmp_path / "store", pseudo)
        assert loaded(report) == ["in/a.tar!jw319.xml", "in/jw301.xml"]
        assert rejected_lines(report) == [
            f"  in/a.tar!na\ufffdve.xml: {BAD_NAME}",
            f"  in/caf\ufffd.xml: {BAD_NAME}",
            f"  in/map-\ufffd: {BAD_NAME}",
        ]
        # the store and its report are valid UTF-8
        assert read_table(tmp_path / "store", "bestanden")["bron"].str.contains("\ufffd").sum() == 3

    def test_non_utf8_byte_in_a_file(self, tmp_path, pseudo):
        bad = fx.jw305().replace(b"</Bericht>", b"\xff</Bericht>")
        fx.write_files(tmp_path / "in", {"jw301.xml": fx.jw301(), "jw305.xml": bad})
        report = load([tmp_path / "in"], tmp_path / "store", pseudo)
        (line,) = rejected_lines(report)
        assert line.startswith(
            "  in/jw305.xml: ongeldige tekens: het bestand is geen geldige UTF-8"
        )

    def test_cli_exit_code_and_output_with_bad_entries(self, tmp_path, capsys):
        folder = fx.write_files(tmp_path / "in", {"jw301.xml": fx.jw301()})
        (folder / PERSONAL_NAME).symlink_to(tmp_path / "weg.xml")
        (folder / "lus.xml").symlink_to(folder / "lus.xml")
        rc = cli.main(["inlezen", str(folder), "--store", str(tmp_path / "store"), "--stil"])
        out, err = capsys.readouterr()
        assert rc == 0
        masked = "<bsn>_<naam>_<datum>.xml"  # no content, so no hash
        assert f"  in/{masked}: {DANGLING}" in out.splitlines()
        for part in ("999941033", "Dijkstra", "2023-09-13"):
            assert part not in out + err


# --------------------------------------------------------------------------------------------
# Size limits and memory


class TestSizeLimit:
    def test_plain_file_and_members_over_the_limit(self, tmp_path, pseudo):
        big = fx.jw301().replace(b"</Bericht>", b"<!--" + b"x" * 4000 + b"--></Bericht>")
        fx.write_files(
            tmp_path / "in",
            {
                "groot.xml": big,
                "jw305.xml": fx.jw305(),
                "a.zip": fx.zip_bytes({"groot.xml": big, "jw307.xml": fx.jw307()}),
                "b.tgz": tar_bytes(
                    [
                        ("groot.xml", big, tarfile.REGTYPE),
                        ("jw319.xml", fx.jw319(), tarfile.REGTYPE),
                    ]
                ),
            },
        )
        report = load([tmp_path / "in"], tmp_path / "store", pseudo, max_bytes=4096)
        limit = too_large("0.00391")
        assert rejected_lines(report) == [
            f"  in/a.zip!groot.xml: {limit}",
            f"  in/b.tgz!groot.xml: {limit}",
            f"  in/groot.xml: {limit}",
        ]
        assert loaded(report) == ["in/a.zip!jw307.xml", "in/b.tgz!jw319.xml", "in/jw305.xml"]

    def test_cli_option_sets_the_limit(self, tmp_path, capsys):
        folder = fx.write_files(tmp_path / "in", {"jw301.xml": fx.jw301(), "x.xml": fx.jw305()})
        rc = cli.main(
            ["inlezen", str(folder), "--store", str(tmp_path / "s"), "--stil", "--max-mb", "0.001"]
        )
        out = capsys.readouterr().out
        assert rc == 1  # nothing loaded
        assert f"  in/jw301.xml: {too_large('0.001')}" in out.splitlines()

    def test_huge_tar_member_is_streamed_not_held(self, tmp_path, pseudo):
        # 64 MB of zeros compresses to ~64 KB: the walk must skip it without holding it
        path = tmp_path / "in" / "bom.tgz"
        path.parent.mkdir()
        with tarfile.open(path, "w:gz") as tf:
            info = tarfile.TarInfo("nul.xml")
            info.size = 64 * 2**20
            tf.addfile(info, _Zeros(info.size))
            data = fx.jw301()
            info = tarfile.TarInfo("jw301.xml")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        tracemalloc.start()
        try:
            names = []
            for src in iter_sources([path.parent], max_bytes=2**20):
                with contextlib.suppress(Exception):
                    src.read()
                names.append(src.name)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert names == ["in/bom.tgz!nul.xml", "in/bom.tgz!jw301.xml"]
        assert peak < 8 * 2**20

    def test_zip_member_larger_than_its_header_says_is_cut_off(self, tmp_path, pseudo):
        data = bytearray(fx.zip_bytes({"groot.xml": b"<x>" + b"a" * 5000 + b"</x>"}))
        # lie in both headers: 20 bytes uncompressed (the reader must not trust it)
        real = (5007).to_bytes(4, "little")
        data = data.replace(real, (20).to_bytes(4, "little"))
        fx.write_files(tmp_path / "in", {"a.zip": bytes(data)})
        report = load([tmp_path / "in"], tmp_path / "store", pseudo, max_bytes=1000)
        (line,) = rejected_lines(report)
        assert line.startswith("  in/a.zip!groot.xml: ")
        assert report.counts[REJECTED] == 1

    def test_many_files_in_small_parsing_tasks(self, tmp_path, pseudo):
        files = {f"m{i}.xml": fx.jw301(identificatie=f"TW-{i:04d}") for i in range(30)}
        fx.write_files(tmp_path / "in", files)
        report = load([tmp_path / "in"], tmp_path / "store", pseudo, chunk_bytes=1)
        assert report.counts == {"gezien": 30, LOADED: 30, REJECTED: 0, KNOWN: 0}
        assert len(read_table(tmp_path / "store", "toewijzingen")) == 60


class _Zeros(io.RawIOBase):
    """A readable stream of ``n`` zero bytes (no big bytes object in the test itself)."""

    def __init__(self, n: int) -> None:
        self.left = n

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        n = min(len(buf), self.left)
        buf[:n] = bytes(n)
        self.left -= n
        return n


# --------------------------------------------------------------------------------------------
# The store: lock, atomic metadata, damaged metadata


class TestStoreGuards:
    def test_second_run_on_a_locked_store_is_refused(self, tmp_path, pseudo, capsys):
        folder = fx.write_files(tmp_path / "in", {"jw301.xml": fx.jw301()})
        store = tmp_path / "store"
        with store_lock(store):
            with pytest.raises(StoreError, match="al gebruikt door een ander inleesproces"):
                ingest(iter_sources([folder]), store, pseudonymise=pseudo)
            rc = cli.main(["inlezen", str(folder), "--store", str(store), "--stil"])
        err = capsys.readouterr().err
        assert rc == 2
        assert err.count("\n") == 1 and err.startswith(f"Fout: De store {store} wordt al gebruikt")
        assert not (store / META_FILE).exists()
        # once the lock is gone the run works, and leaves no lock file behind
        assert load([folder], store, pseudo).counts[LOADED] == 1
        assert sorted(p.name for p in store.iterdir() if p.is_file()) == [META_FILE]

    def test_lock_held_by_another_process(self, tmp_path, pseudo):
        store = tmp_path / "store"
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, time; from kit.store import store_lock\n"
                f"with store_lock({str(store)!r}):\n"
                "    print('vast', flush=True); time.sleep(60)",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout.readline().strip() == "vast"
            with pytest.raises(StoreError, match="al gebruikt"):
                ingest([], store, pseudonymise=pseudo)
        finally:
            holder.kill()
            holder.wait()
        assert ingest([], store, pseudonymise=pseudo).counts["gezien"] == 0

    def test_kill_while_writing_metadata_keeps_the_old_file(self, tmp_path, pseudo, monkeypatch):
        store = tmp_path / "store"
        fx.write_files(tmp_path / "a", {"jw301.xml": fx.jw301()})
        load([tmp_path / "a"], store, pseudo)
        before = (store / META_FILE).read_bytes()
        fx.write_files(tmp_path / "b", {"jw305.xml": fx.jw305()})

        real_replace = os.replace

        def killed(src, dst):
            if str(dst).endswith(META_FILE):
                raise KeyboardInterrupt  # the moment between writing and renaming
            real_replace(src, dst)

        monkeypatch.setattr(os, "replace", killed)
        with pytest.raises(KeyboardInterrupt):
            ingest(iter_sources([tmp_path / "b"]), store, pseudonymise=pseudo)
        monkeypatch.undo()
        fx.set_key(monkeypatch)
        assert (store / META_FILE).read_bytes() == before
        assert not [p for p in store.rglob("*.tmp")]
        report = load([tmp_path / "b"], store, pseudo)  # the interrupted round is redone
        assert (report.inlees_id, report.counts[LOADED]) == ("inlees-0002", 1)
        assert sorted(read_table(store, "berichten")["berichttype"]) == ["301", "305"]

    @pytest.mark.parametrize("damage", [b"", b'{"formaat": 1, "sleu', b"[]"])
    def test_damaged_metadata_says_how_to_recover(self, tmp_path, pseudo, capsys, damage):
        store = tmp_path / "store"
        fx.write_files(tmp_path / "a", {"jw301.xml": fx.jw301()})
        fx.write_files(tmp_path / "b", {"jw305.xml": fx.jw305()})
        load([tmp_path / "a"], store, pseudo)
        load([tmp_path / "b"], store, pseudo)
        good = json.loads((store / META_FILE).read_text())
        (store / META_FILE).write_bytes(damage)
        with pytest.raises(StoreError, match="beschadigd"):
            read_meta(store)
        rc = cli.main(["inlezen", str(tmp_path / "a"), "--store", str(store), "--stil"])
        err = capsys.readouterr().err
        assert rc == 2 and err.count("\n") == 1
        assert f"python -m kit inlezen --herstel --store {store}" in err
        # recovery keeps every earlier round
        rc = cli.main(["inlezen", "--herstel", "--store", str(store)])
        assert rc == 0
        assert read_meta(store) == good
        # a healthy store is left as it is, also when asked with another key
        other = Pseudonymiser(b"een-andere-sleutel-van-minstens-32-tekens!")
        assert rebuild_meta(store, other) == good and read_meta(store) == good
        fx.write_files(tmp_path / "c", {"jw307.xml": fx.jw307()})
        report = load([tmp_path / "a", tmp_path / "c"], store, pseudo)
        assert report.inlees_id == "inlees-0003"
        assert report.counts == {"gezien": 2, LOADED: 1, REJECTED: 0, KNOWN: 1}
        assert sorted(read_table(store, "berichten")["berichttype"]) == ["301", "305", "307"]


# --------------------------------------------------------------------------------------------
# CSV exports


CSV_HEADER = (
    "berichttype;Afzender;Ontvanger;Identificatie;Dagtekening;Bsn;Geboortedatum;Geslacht;"
    "ToewijzingNummer;ProductCategorie;ProductCode;Toewijzingsdatum;Ingangsdatum;Einddatum\n"
)


def csv_row(nr: str, bsn: str = "999900006", geboortedatum: str = "2012-05-17") -> str:
    return (
        f"301;0599;42101234;T{nr};2024-01-05;{bsn};{geboortedatum};1;{nr};45;45A48;2024-01-04;"
        "2024-01-15;2024-12-31\n"
    )


class TestCsv:
    def test_unbalanced_quote_rejects_the_file_with_its_line(self, tmp_path, pseudo):
        text = (
            CSV_HEADER
            + csv_row("1")
            + csv_row("2").replace(";45A48;", ';"45A48;')  # the quote is never closed
            + csv_row("3", bsn="999900018", geboortedatum="2009-11-05")
        )
        fx.write_files(tmp_path / "in", {"export.csv": text.encode(), "jw305.xml": fx.jw305()})
        report = load([tmp_path / "in"], tmp_path / "store", pseudo)
        assert rejected_lines(report) == [
            f"  in/export.csv: regel 3: ongeldige CSV (aanhalingstekens kloppen niet); {NOT_READ}"
        ]
        assert loaded(report) == ["in/jw305.xml"]
        stored = b"".join(p.read_bytes() for p in (tmp_path / "store").rglob("*") if p.is_file())
        for value in (b"999900018", b"2009-11-05", b"999900006", b"2012-05-17"):
            assert value not in stored

    @pytest.mark.parametrize(
        ("row", "reason"),
        [
            (csv_row("2").replace(";45A48;", ';"45A\n48";'), "veld loopt over meerdere regels"),
            (csv_row("2").replace(";45A48;", ";45A48;;"), "15 velden, de kopregel heeft er 14"),
            (csv_row("2").replace(";45A48;", ";" + "x" * 140_000 + ";"), "veld langer dan 128 KiB"),
        ],
    )
    def test_malformed_row_rejects_the_file(self, tmp_path, pseudo, row, reason):
        text = CSV_HEADER + csv_row("1") + row + csv_row("3")
        fx.write_files(tmp_path / "in", {"export.csv": text.encode()})
        report = load([tmp_path / "in"], tmp_path / "store", pseudo)
        assert rejected_lines(report)[0].startswith(f"  in/export.csv: regel 3: {reason}")
        assert report.counts[REJECTED] == 1 and report.counts[LOADED] == 0

    def test_eight_digit_bsn_gets_the_pseudonym_of_the_xml(self, tmp_path, pseudo):
        bsn = "012345672"  # passes the 11-proef with its leading zero
        text = CSV_HEADER + csv_row("1", bsn=bsn[1:])
        fx.write_files(
            tmp_path / "in", {"export.csv": text.encode(), "jw301.xml": fx.jw301(bsn=bsn)}
        )
        load([tmp_path / "in"], tmp_path / "store", pseudo)
        toewijzingen = read_table(tmp_path / "store", "toewijzingen")
        assert set(toewijzingen["client_id"]) == {pseudo(bsn)}
        assert toewijzingen["BsnElfproef"].all()


# --------------------------------------------------------------------------------------------
# File names holding personal data


class TestMaskedNames:
    def test_known_answers(self):
        assert mask_name(f"regio/{PERSONAL_NAME}") == "regio/<bsn>_<naam>_<datum>.xml"
        assert mask_name("map-2023-09-13/berichten-2025-03.zip!Jansen.xml") == (
            "map-<datum>/berichten-2025-03.zip!<naam>.xml"
        )
        # 8 digits in a file name are an AGB code (aanbieder), also when 0 + them passes
        assert mask_name("12345672/305_12345672_A3050000001.xml") == (
            "12345672/305_12345672_A3050000001.xml"
        )
        assert mask_name("Export Jeugd Maart.csv") == "Export Jeugd Maart.csv"

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("regio/<bsn>_<naam>.xml", "regio/<bsn>_<naam>~0123abcd.xml"),
            ("a.zip!map/<naam>.xml", "a.zip!map/<naam>~0123abcd.xml"),
            ("<datum>/a.zip!<naam>", "<datum>/a.zip!<naam>~0123abcd"),
            ("<datum>/jw323.xml", "<datum>/jw323~0123abcd.xml"),
            ("regio/jw301.xml", "regio/jw301.xml"),
        ],
    )
    def test_tag_known_answers(self, name, expected):
        assert tag_name(name, "0123abcd" + "9" * 56) == expected

    def test_personal_file_name_never_reaches_store_or_report(self, tmp_path, pseudo):
        broken = fx.jw305()[:50]
        folder = fx.write_files(
            tmp_path / "in",
            {
                PERSONAL_NAME: fx.jw301(),
                f"kapot/{PERSONAL_NAME}": broken,
                "a.zip": fx.zip_bytes({f"Dijkstra/{PERSONAL_NAME}": fx.jw307()}),
            },
        )
        (folder / "weg").mkdir()
        (folder / "weg" / PERSONAL_NAME).symlink_to(tmp_path / "bestaat-niet")
        report = load([folder], tmp_path / "store", pseudo)
        masked = "<bsn>_<naam>_<datum>"
        # the tag is the start of the content's SHA-256: `sha256sum in/*` finds the file
        assert loaded(report) == [
            f"in/{masked}~{tag((folder / PERSONAL_NAME).read_bytes())}.xml",
            f"in/a.zip!Dijkstra/{masked}~{tag(fx.jw307())}.xml",
        ]
        assert rejected_lines(report)[0].startswith(f"  in/kapot/{masked}~{tag(broken)}.xml: ")
        assert f"  in/weg/{masked}.xml: {DANGLING}" in rejected_lines(report)
        stored = b"".join(p.read_bytes() for p in (tmp_path / "store").rglob("*") if p.is_file())
        text = report.text() + stored.decode("utf-8", "replace")
        for part in ("999941033", "2023-09-13"):
            assert part not in text
        # the surname stays only as the folder inside the archive (folders are kept)
        assert "Dijkstra_" not in text
        # no hash of the name itself (it could be matched against guessed BSNs and names)
        assert hashlib.sha256(PERSONAL_NAME.encode()).hexdigest()[:8] not in text
        # the messages' bron is the file's bron
        berichten = read_table(tmp_path / "store", "berichten")
        assert set(berichten["bron"]) == set(loaded(report))

    def test_missing_source_error_is_masked(self, tmp_path, capsys):
        rc = cli.main(["inlezen", str(tmp_path / PERSONAL_NAME), "--store", str(tmp_path / "s")])
        err = capsys.readouterr().err
        assert rc == 2 and "Bron bestaat niet" in err
        assert "999941033" not in err and "2023-09-13" not in err and "Dijkstra" not in err


# --------------------------------------------------------------------------------------------
# A file that breaks the reader in an unforeseen way


class TestUnforeseenErrors:
    def test_a_number_too_long_for_int_is_an_invalid_value_not_a_crash(self, tmp_path, pseudo):
        huge = fx.jw301().replace(b"<Budget>", b"<Budget>" + b"9" * 5000, 1)
        assert huge != fx.jw301()
        folder = fx.write_files(tmp_path / "in", {"a.xml": fx.jw301(), "b.xml": huge})
        report = load([folder], tmp_path / "store", pseudo, workers=1)
        assert report.counts[LOADED] == 2 and report.counts[REJECTED] == 0
        invalid = read_table(tmp_path / "store", "ongeldige_waarden")
        assert invalid["element"].str.endswith("Budget").sum() == 1

    def test_an_unexpected_error_rejects_that_file_only(self, tmp_path, pseudo, monkeypatch):
        import kit.store as store_module

        real = store_module.parse_bytes

        def fragile(data, *, source, **kwargs):
            if source.endswith("b.xml"):
                raise RuntimeError("999941033 Dijkstra")  # text that must not be reported
            return real(data, source=source, **kwargs)

        monkeypatch.setattr(store_module, "parse_bytes", fragile)
        folder = fx.write_files(tmp_path / "in", {"a.xml": fx.jw301(), "b.xml": fx.jw305()})
        report = load([folder], tmp_path / "store", pseudo, workers=1)
        assert report.counts[LOADED] == 1 and report.counts[REJECTED] == 1
        (line,) = [x for x in rejected_lines(report) if "b.xml" in x]
        assert "onverwachte fout bij het lezen (RuntimeError)" in line
        assert "999941033" not in report.text() and "Dijkstra" not in report.text()
