"""Writing the example region: the message files (or one archive) and the ground-truth CSVs."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from kit.example.model import Message
from kit.example.region import GEMEENTEN
from kit.example.render import Renderer
from kit.example.simulation import Simulation
from kit.example.truth import injections_frame, truth_pathways, truth_records


def _iter_progress(items: list[Message], progress: bool, desc: str) -> Iterator[Message]:
    if not progress:
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, desc=desc, unit="bestand")


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_example_region(
    out_dir: Path,
    *,
    seed: int = 2026,
    n_children: int = 5000,
    start: date = date(2023, 4, 3),
    end: date = date(2026, 3, 31),
    archive: bool = False,
    progress: bool = False,
) -> pd.DataFrame:
    """Write a fictional region's iJw 3.2 message traffic and its ground truth.

    Parameters
    ----------
    out_dir : Path
        Folder to write into (created if needed). Existing files with the same names are
        overwritten; other files are left alone.
    seed : int, default 2026
        Seed of all random draws. The same seed and arguments give byte-identical files.
    n_children : int, default 5000
        Number of children with a first request in the period (about 1.3 pathways each). Valid
        test BSNs run out above about 9,000 children; beyond that BSNs are unique per gemeente only.
    start, end : datetime.date
        First and last day of the data. No message has a Dagtekening outside this period.
    archive : bool, default False
        If True, write the messages as a single reproducible ``berichten.tar.xz`` instead of a
        folder tree.
    progress : bool, default False
        Show a progress bar while writing the files.

    Returns
    -------
    pandas.DataFrame
        The injected defects and behaviours (also written to ``injecties.csv``), with columns
        ``defect, berichttype, aanbieder, gemeente, n``. See :data:`kit.example.DEFECTS` for what
        ``n`` counts.

    Notes
    -----
    Files written in ``out_dir``:

    - ``berichten/<YYYY-MM>/<berichttype>_<Afzender>_<Identificatie>.xml``: one message per file,
      in the folder of the month of its Dagtekening. A retour is named
      ``<retourtype>_<Afzender>_<Identificatie>_retour.xml`` after its heenbericht and sits in the
      month of its own DagtekeningRetour. With ``archive=True`` the same tree is inside
      ``berichten.tar.xz``.
    - ``injecties.csv``, ``waarheid_trajecten.csv``, ``waarheid_records.csv`` (per injected
      record its key, see :data:`kit.example.defects.RECORD_KEYS`), ``aanbieders.csv``,
      ``gemeenten.csv``.
    """
    if n_children < 1:
        raise ValueError("n_children must be at least 1")
    if end <= start:
        raise ValueError("end must be after start")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sim = Simulation(seed, n_children, start, end)
    sim.run()
    render = Renderer(sim.contract)
    files = sim.files()
    if archive:
        mtime = datetime(end.year, end.month, end.day, tzinfo=UTC).timestamp()
        with tarfile.open(
            out_dir / "berichten.tar.xz", "w:xz", format=tarfile.USTAR_FORMAT, preset=6
        ) as tar:
            seen: set[str] = set()
            for m in _iter_progress(files, progress, "berichten.tar.xz"):
                folder = m.path.rsplit("/", 1)[0]
                for d in ("berichten", folder):
                    if d not in seen:
                        seen.add(d)
                        info = tarfile.TarInfo(d)
                        info.type = tarfile.DIRTYPE
                        info.mode = 0o755
                        info.mtime = mtime
                        tar.addfile(info)
                data = render(m)
                info = tarfile.TarInfo(m.path)
                info.size = len(data)
                info.mode = 0o644
                info.mtime = mtime
                tar.addfile(info, _BytesReader(data))
    else:
        made: set[Path] = set()
        for m in _iter_progress(files, progress, "berichten"):
            path = out_dir / m.path
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            path.write_bytes(render(m))
    injections = injections_frame(sim)
    _write_csv(injections, out_dir / "injecties.csv")
    _write_csv(truth_pathways(sim), out_dir / "waarheid_trajecten.csv")
    _write_csv(truth_records(sim), out_dir / "waarheid_records.csv")
    _write_csv(
        pd.DataFrame(
            [
                {"aanbieder": a.agb, "naam": a.name, "profiel": a.profile}
                for a in sim.aanbieders.values()
            ]
        ),
        out_dir / "aanbieders.csv",
    )
    _write_csv(
        pd.DataFrame([{"gemeente": g, "naam": n} for g, n, _ in GEMEENTEN]),
        out_dir / "gemeenten.csv",
    )
    return injections


class _BytesReader:
    """Minimal file object for tarfile.addfile (avoids a BytesIO copy per file)."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._pos = 0

    def read(self, n: int = -1) -> bytes:
        if n < 0:
            n = len(self._data) - self._pos
        chunk = self._data[self._pos : self._pos + n]
        self._pos += len(chunk)
        return bytes(chunk)
