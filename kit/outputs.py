"""Shared outputs: aggregated tables -> small cells suppressed -> CSV files a region may share.

Every table that leaves the kit as a file goes through :func:`write_shared`, so suppression is
applied in one place. Tables never hold pseudonyms: only groups (berichttype, aanbieder, gemeente,
categorie, maand, ...) and counts or statistics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kit import config
from kit.privacy import Protection, Totals

FORBIDDEN_COLUMNS = (
    "client_id",
    "Bsn",
    "bsn",
    "record",
    "bericht_id",
    "Geboortemaand",
    "geboortemaand",
    "Geboortedatum",
)


@dataclass(frozen=True)
class SharedTable:
    """An aggregated table and which of its columns are counts or derived from counts.

    ``totals`` says where the table holds total rows, so that no blanked count can be
    recomputed from a total (complementary suppression); ``same`` names columns that hold the
    count itself in some rows (see :class:`kit.privacy.Protection`).
    """

    frame: pd.DataFrame
    counts: list[str]
    derived: dict[str, list[str]] = field(default_factory=dict)
    totals: Totals | None = None
    same: dict[str, str] = field(default_factory=dict)

    @property
    def protection(self) -> Protection:
        """The table's disclosure control."""
        return Protection(tuple(self.counts), self.derived, self.totals, self.same)

    def suppressed(self, threshold: int = config.MIN_CELL) -> pd.DataFrame:
        """The table with small cells (and cells that would reveal them) blanked, counts rounded."""
        return self.protection.apply(self.frame, threshold)


def write_shared(
    tables: dict[str, SharedTable], out_dir: Path, *, threshold: int = config.MIN_CELL
) -> list[Path]:
    """Suppress small cells and write each table as ``<name>.csv`` (UTF-8, comma separated).

    Parameters
    ----------
    tables : dict of SharedTable
        ``{file name without .csv: table}``.
    out_dir : pathlib.Path
        Created when missing.
    threshold : int
        Counts below this (and above 0) are left empty; column ``onderdrukt`` marks the row.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    ValueError
        If a table has a column that could identify a person (a pseudonym or birth month).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        leaking = [c for c in table.frame.columns if c in FORBIDDEN_COLUMNS]
        if leaking:
            raise ValueError(
                f"tabel {name} bevat kolommen die niet gedeeld mogen worden: {leaking}"
            )
        shown = table.suppressed(threshold)
        path = out_dir / f"{name}.csv"
        shown.to_csv(path, index=False)
        written.append(path)
    return written
