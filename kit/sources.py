"""Step 1 (reading): input paths -> one :class:`SourceFile` per file, folder entry or archive member.

Every entry met below the given paths becomes exactly one SourceFile: a file to read, or a
rejected entry whose ``read`` raises :class:`Rejected` with the Dutch reason (a dangling or
looping symlink, a pipe, a hidden or macOS helper file, an unsafe or too large archive member).
Nothing is skipped in silence, so the load report's "seen = loaded + rejected" holds. Names
shown in the load report are masked here (:func:`mask_name`).
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import lzma
import os
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import IO, NamedTuple

from kit import config
from kit.privacy import bsn_elfproef

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2")


class Rejected(Exception):
    """A file or message that cannot be loaded; ``reason`` is Dutch and holds no record values."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SourceFile(NamedTuple):
    """One input file: its display name, a cheap signature and a way to read its bytes."""

    name: str
    signature: str
    read: Callable[[], bytes]


MAX_NESTING = 3  # an archive inside an archive inside an archive is read; deeper is refused


_UNREADABLE = (
    zipfile.BadZipFile,
    tarfile.TarError,
    EOFError,
    OSError,
    ValueError,
    lzma.LZMAError,
    zlib.error,
    RuntimeError,
    NotImplementedError,
)


HIDDEN_REASON = "verborgen bestand of map (naam begint met een punt); niet gelezen"


MACOS_REASON = "macOS-hulpbestand (__MACOSX of ._); geen bericht, niet gelezen"


NAME_REASON = "naam bevat tekens die geen geldige UTF-8 zijn; hernoem het bestand of de map"


SPECIAL_REASON = "geen gewoon bestand (pipe, socket of apparaat); niet gelezen"


DANGLING_REASON = "verwijzing (symlink) naar een bestand dat niet bestaat"


LOOP_REASON = "verwijzing (symlink) die een lus maakt; niet gelezen"


DIR_LOOP_REASON = "map verwijst naar een bovenliggende map (symlink-lus); niet doorzocht"


LINK_MEMBER_REASON = "verwijzing (link) in archief; niet gelezen"


ABSOLUTE_REASON = "onveilige naam in archief (absoluut pad); niet gelezen"


PARENT_REASON = "onveilige naam in archief (verwijst met '..' buiten het archief); niet gelezen"


NESTED_REASON = f"archief in archief dieper dan {MAX_NESTING} lagen; pak het eerst uit"


def too_large_reason(limit: int) -> str:
    """The Dutch reason for a file or member above the size limit of ``limit`` bytes."""
    return (
        f"groter dan de grens van {limit / 2**20:.3g} MB per bestand (optie --max-mb); niet gelezen"
    )


_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")


def mask_bsn_like(text: str) -> str:
    """Mask every 9-digit number that passes the 11-proef (it may be a BSN in a file name).

    8-digit numbers stay: in file names they are AGB codes (aanbieders) far more often than a
    BSN that lost its leading zero in a spreadsheet.
    """
    if _NINE_DIGITS.search(text) is None:  # the common case: nothing to mask
        return text
    return _NINE_DIGITS.sub(lambda m: "<bsn>" if bsn_elfproef(m[0]) else m[0], text)


_DAY, _MONTH = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])"
_DATE = re.compile(
    rf"(?<!\d)(?:(?:19|20)\d\d([-_.]){_MONTH}\1{_DAY}"  # 2023-09-13, 2023_9_13
    rf"|{_DAY}([-_.]){_MONTH}\2(?:19|20)?\d\d"  # 13-09-2023, 13.9.23
    r"|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"  # 20230913
    r"|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d\d)(?!\d)"  # 13092023
)


_WORD = re.compile(r"[^\W\d_]+")


# Capitalised words that are common in export file names and no person's name.
_SAFE_WORDS = frozenset(
    """
    aanbieder aanbieders aanlevering antwoord antwoorden archief backup bericht berichten bestand
    bestanden concept data declaratie declaraties definitief download downloads export gemeente
    gemeenten ggk ijw iwmo jeugd jeugdhulp jeugdwet jw kopie levering leveringen map nieuw oud
    regio retour retouren start starts stop stops test toewijzing toewijzingen uitvoer verzoek
    verzoeken week maand jaar kwartaal januari februari maart april mei juni juli augustus
    september oktober november december jan feb mrt apr jun jul aug sep okt nov dec deel versie
    xml csv zip tar gz tgz xz txz bz2 store thumbs desktop
    """.split()
)


_MASKED: dict[tuple[str, bool], str] = {}


def _mask_part(part: str, file_name: bool) -> str:
    masked = _DATE.sub("<datum>", part)
    masked = mask_bsn_like(masked)
    if file_name:
        masked = _WORD.sub(
            lambda m: (
                "<naam>"
                if m[0][0].isupper()
                and any(c.islower() for c in m[0][1:])
                and m[0].lower() not in _SAFE_WORDS
                else m[0]
            ),
            masked,
        )
    return masked


MASKS = ("<bsn>", "<datum>", "<naam>")


def mask_name(shown: str) -> str:
    """Mask a display name for load reports, column ``bron`` and error messages.

    In every folder, archive and member name a BSN-like number (see :func:`mask_bsn_like`)
    becomes ``<bsn>`` and a date ``<datum>``; in file names (the last part, and an archive's
    own name) also a capitalised word that may be a person's name becomes ``<naam>``. Folders
    and unmasked parts stay as they are; :func:`tag_name` adds the content hash that lets the
    user find a masked file again.

    Examples
    --------
    ``regio/999941033_Dijkstra_2023-09-13.xml`` -> ``regio/<bsn>_<naam>_<datum>.xml``
    """
    parts = re.split(r"([/!])", shown)
    out = []
    for i, part in enumerate(parts):
        if i % 2 or not part:
            out.append(part)
            continue
        file_name = i == len(parts) - 1 or parts[i + 1] == "!"
        key = (part, file_name)
        masked = _MASKED.get(key)
        if masked is None:
            masked = _mask_part(part, file_name)
            if len(_MASKED) < 100_000:
                _MASKED[key] = masked
        out.append(masked)
    return "".join(out)


def tag_name(name: str, content_hash: str) -> str:
    """Add ``~`` and the first 8 characters of the content hash to a masked name.

    The tag goes before the file's extension (``<bsn>_<naam>.xml`` ->
    ``<bsn>_<naam>~1a2b3c4d.xml``); ``sha256sum`` over the folder finds the file. The hash of
    the content, not of the name: a name's hash could be matched against guessed BSNs and names.
    An unmasked name is returned as it is.
    """
    if not any(mark in name for mark in MASKS):
        return name
    head, sep, last = name.rpartition("!" if name.rfind("!") > name.rfind("/") else "/")
    stem, dot, suffix = last.rpartition(".")
    tag = "~" + content_hash[:8]
    if dot and stem and suffix.isalnum() and len(suffix) <= 4:
        return f"{head}{sep}{stem}{tag}.{suffix}"
    return f"{head}{sep}{last}{tag}"


def _valid_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in a file name come as surrogates
        return False
    return True


def _displayable(name: str) -> str:
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _rejected(shown: str, signature: str, reason: str) -> SourceFile:
    def fail() -> bytes:
        raise Rejected(reason)

    return SourceFile(mask_name(_displayable(shown)), signature, fail)


def iter_sources(paths: list[Path], *, max_bytes: int | None = None) -> Iterator[SourceFile]:
    """Yield every entry below ``paths`` (recursively, archives opened), in a stable order.

    Each entry is a file to read or a rejected entry (``read`` raises :class:`Rejected`):
    a dangling or looping symlink, a pipe or device, a hidden file or folder, a macOS helper
    file, a name that is not valid UTF-8, an unsafe archive member (absolute or ``..``), a
    file or member over ``max_bytes`` and a damaged archive. Archive members are streamed: a
    tar is read in one pass and no member is read beyond the size limit.

    Parameters
    ----------
    paths : list of pathlib.Path
        Files, folders, ``.zip`` or ``.tar(.gz/.xz/.bz2)`` archives.
    max_bytes : int, optional
        Largest file or archive member read (default ``config.MAX_FILE_MB`` MB).

    Yields
    ------
    SourceFile
        ``name`` is masked (:func:`mask_name`), ``signature`` holds the real path.

    Raises
    ------
    FileNotFoundError
        If a given path does not exist (the message shows the masked name).
    """
    limit = int(max_bytes or config.MAX_FILE_MB * 2**20)
    for root in paths:
        root = Path(root)
        path = os.path.abspath(root)
        if not os.path.lexists(path):
            raise FileNotFoundError(f"Bron bestaat niet: {mask_name(_displayable(str(root)))}")
        yield from _entry(path, root.name or path, limit, frozenset())


def _entry(path: str, shown: str, limit: int, ancestors: frozenset) -> Iterator[SourceFile]:
    """Yield the sources of one folder entry (a file, a folder, or a rejected entry)."""
    name = os.path.basename(path)
    if not _valid_name(name):
        yield _rejected(shown, f"{path}|-", NAME_REASON)
        return
    try:
        st = os.stat(path)
    except OSError as exc:
        if os.path.islink(path):
            reason = DANGLING_REASON if isinstance(exc, FileNotFoundError) else LOOP_REASON
        else:
            reason = f"bestand niet te lezen ({type(exc).__name__})"
        yield _rejected(shown, f"{path}|-", reason)
        return
    if stat.S_ISDIR(st.st_mode):
        yield from _folder(path, shown, st, limit, ancestors)
    elif not stat.S_ISREG(st.st_mode):
        yield _rejected(shown, f"{path}|-", SPECIAL_REASON)
    else:
        yield from _file_sources(path, shown, st, limit)


def _folder(
    path: str, shown: str, st: os.stat_result, limit: int, ancestors: frozenset
) -> Iterator[SourceFile]:
    key = (st.st_dev, st.st_ino)
    if key in ancestors:
        yield _rejected(shown, f"{path}|-", DIR_LOOP_REASON)
        return
    try:
        names = sorted(os.listdir(path))
    except OSError as exc:
        yield _rejected(shown, f"{path}|-", f"map niet te lezen ({type(exc).__name__})")
        return
    inner = ancestors | {key}
    for name in names:
        child, child_shown = f"{path}/{name}", f"{shown}/{name}"
        if name == "__MACOSX" or name.startswith("._"):
            yield _rejected(child_shown, f"{child}|-", MACOS_REASON)
        elif name.startswith("."):
            yield _rejected(child_shown, f"{child}|-", HIDDEN_REASON)
        else:
            yield from _entry(child, child_shown, limit, inner)


def _read(path: str, limit: int) -> bytes:
    # O_NONBLOCK: a pipe put in place of the file after the walk must not hang the run
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Rejected(SPECIAL_REASON)
        if st.st_size > limit:
            raise Rejected(too_large_reason(limit))
        parts, size = [], 0
        while size <= limit and (chunk := os.read(fd, 1 << 20)):
            parts.append(chunk)
            size += len(chunk)
        if size > limit:  # grew while being read
            raise Rejected(too_large_reason(limit))
        return b"".join(parts)
    finally:
        os.close(fd)


def _file_sources(path: str, shown: str, st: os.stat_result, limit: int) -> Iterator[SourceFile]:
    sig = f"{path}|{st.st_size}|{st.st_mtime_ns}"
    if not path.lower().endswith(ARCHIVE_SUFFIXES):
        if st.st_size > limit:
            yield _rejected(shown, sig, too_large_reason(limit))
        else:
            yield SourceFile(mask_name(shown), sig, partial(_read, path, limit))
        return
    yield from _archive_sources(path, shown, sig, limit, 1)


def _archive_sources(
    source: str | bytes, shown: str, sig: str, limit: int, depth: int
) -> Iterator[SourceFile]:
    """Yield the members of an archive (a path, or the bytes of an archive inside another).

    A damaged archive adds one rejected entry after the members read before the damage.
    """
    name = shown.rsplit("!", 1)[-1].lower()
    try:
        if name.endswith(".zip"):
            yield from _zip_members(source, shown, sig, limit, depth)
        else:
            yield from _tar_members(source, shown, sig, limit, depth)
    except _UNREADABLE as exc:
        reason = f"beschadigd of onleesbaar archief ({type(exc).__name__})"
        yield _rejected(shown, f"{sig}|beschadigd", reason)


def _member_check(name: str) -> tuple[str, str | None]:
    """Return the member's clean relative name and the reason to reject it (or None)."""
    raw = name.replace("\\", "/")
    if raw.startswith("/") or re.match(r"[A-Za-z]:", raw):
        return raw, ABSOLUTE_REASON
    parts = [p for p in raw.split("/") if p not in ("", ".")]
    clean = "/".join(parts)
    if ".." in parts:
        return raw, PARENT_REASON
    if not _valid_name(clean):
        return clean, NAME_REASON
    if any(p == "__MACOSX" or p.startswith("._") for p in parts):
        return clean, MACOS_REASON
    if any(p.startswith(".") for p in parts):
        return clean, HIDDEN_REASON
    return clean, None


def _bounded(stream: IO[bytes], limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise Rejected(too_large_reason(limit))
    return data


def _member_sources(
    data_of: Callable[[], bytes], shown: str, sig: str, size: int, limit: int, depth: int
) -> Iterator[SourceFile]:
    """One regular archive member: a source, a nested archive's members, or a rejection."""
    if size > limit:
        yield _rejected(shown, sig, too_large_reason(limit))
    elif shown.lower().endswith(ARCHIVE_SUFFIXES):
        if depth >= MAX_NESTING:
            yield _rejected(shown, sig, NESTED_REASON)
            return
        try:
            data = data_of()
        except Rejected as exc:
            yield _rejected(shown, sig, exc.reason)
            return
        yield from _archive_sources(data, shown, sig, limit, depth + 1)
    else:
        yield SourceFile(mask_name(shown), sig, data_of)


def _zip_members(
    source: str | bytes, shown: str, sig: str, limit: int, depth: int
) -> Iterator[SourceFile]:
    def open_zip() -> zipfile.ZipFile:
        return zipfile.ZipFile(source if isinstance(source, str) else io.BytesIO(source))

    state = {"zip": open_zip()}
    try:
        infos = sorted(
            (i for i in state["zip"].infolist() if not i.is_dir()), key=lambda i: i.filename
        )
        for info in infos:
            member, reason = _member_check(info.filename)
            member_shown = f"{shown}!{member}"
            member_sig = f"{sig}!{info.filename}|{info.CRC}|{info.file_size}"
            if reason is not None:
                yield _rejected(member_shown, member_sig, reason)
                continue

            def read(info: zipfile.ZipInfo = info) -> bytes:
                # A member can be damaged while the archive's directory is intact (CRC, deflate
                # data), encrypted or packed with an unsupported method: reject that one file.
                try:
                    zf = state["zip"] or open_zip()
                    try:
                        with zf.open(info) as stream:
                            return _bounded(stream, limit)
                    finally:
                        if zf is not state["zip"]:
                            zf.close()
                except _UNREADABLE as exc:
                    reason = f"beschadigd of onleesbaar bestand in archief ({type(exc).__name__})"
                    raise Rejected(reason) from None

            yield from _member_sources(read, member_shown, member_sig, info.file_size, limit, depth)
    finally:
        state["zip"].close()
        state["zip"] = None


def _tar_members(
    source: str | bytes, shown: str, sig: str, limit: int, depth: int
) -> Iterator[SourceFile]:
    # Stream mode: one pass over the (compressed) archive, one member in memory at a time.
    # The decompressing file objects raise EOFError on a truncated archive (tarfile's own
    # stream decompression would end in silence).
    def open_tar() -> contextlib.ExitStack:
        stack = contextlib.ExitStack()
        raw = stack.enter_context(
            open(source, "rb") if isinstance(source, str) else io.BytesIO(source)  # noqa: SIM115
        )
        head = raw.read(6)
        raw.seek(0)
        if head[:2] == b"\x1f\x8b":
            raw = stack.enter_context(gzip.GzipFile(fileobj=raw))
        elif head[:3] == b"BZh":
            raw = stack.enter_context(bz2.BZ2File(raw))
        elif head == b"\xfd7zXZ\x00":
            raw = stack.enter_context(lzma.LZMAFile(raw))
        stack.tar = stack.enter_context(tarfile.open(fileobj=raw, mode="r|"))
        return stack

    state: dict = {"current": None}
    with open_tar() as opened:
        tf = opened.tar
        for info in tf:
            if info.isdir():
                continue
            member, reason = _member_check(info.name)
            member_shown = f"{shown}!{member}"
            member_sig = f"{sig}!{info.name}|{info.size}|{info.mtime}"
            if reason is None and not info.isfile():
                reason = LINK_MEMBER_REASON if info.issym() or info.islnk() else SPECIAL_REASON
            if reason is not None:
                yield _rejected(member_shown, member_sig, reason)
                continue
            state["current"] = info

            def read(info: tarfile.TarInfo = info) -> bytes:
                try:
                    if state["current"] is info:  # the stream stands at this member
                        return _bounded(tf.extractfile(info), limit)
                    with open_tar() as again:  # read after the walk moved on: find it again
                        for other in again.tar:
                            if other.offset == info.offset:
                                return _bounded(again.tar.extractfile(other), limit)
                    raise EOFError
                except _UNREADABLE as exc:
                    reason = f"beschadigd of onleesbaar bestand in archief ({type(exc).__name__})"
                    raise Rejected(reason) from None

            yield from _member_sources(read, member_shown, member_sig, info.size, limit, depth)
            state["current"] = None
