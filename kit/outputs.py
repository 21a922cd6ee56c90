"""Shared outputs: aggregated tables -> protected -> CSV files a region may share.

Every table that leaves the kit as a file goes through :func:`write_shared`, so disclosure
control (:class:`kit.privacy.Protection`: suppression and rounding) and formula neutralisation
are applied in one place. Tables never hold pseudonyms: only groups (berichttype, aanbieder, gemeente,
categorie, maand, ...) and counts or statistics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
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
    count itself in some rows, ``sums`` columns that add up within a row (see
    :class:`kit.privacy.Protection`).
    """

    frame: pd.DataFrame
    counts: list[str]
    derived: dict[str, list[str]] = field(default_factory=dict)
    totals: Totals | tuple[Totals, ...] | None = None
    same: dict[str, str] = field(default_factory=dict)
    sums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rates: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    @classmethod
    def protected(cls, frame: pd.DataFrame, protection: Protection) -> SharedTable:
        """A shared table with the protection declared where ``frame`` is computed."""
        return cls(
            frame,
            list(protection.counts),
            protection.derived,
            protection.totals,
            protection.same,
            protection.sums,
            protection.rates,
        )

    @property
    def protection(self) -> Protection:
        """The table's disclosure control."""
        return Protection(
            tuple(self.counts), self.derived, self.totals, self.same, self.sums, self.rates
        )

    def suppressed(self, threshold: int = config.MIN_CELL) -> pd.DataFrame:
        """The table with small cells (and cells that would reveal them) blanked, counts rounded."""
        return self.protection.apply(self.frame, threshold)


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading ``'`` (OWASP).

    Codes and names come from many organisations' messages: ``=HYPERLINK(...)`` in an
    aanbieder code must stay text when a user opens the CSV in Excel. Only text is changed: a
    negative number is a number, not a formula.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame
        A copy in which every text cell starting with ``= + - @``, a tab or a carriage return
        starts with ``'``; column names likewise.
    """
    out = frame.copy()

    def fix(value: object) -> object:
        return (
            "'" + value if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) else value
        )

    for col in out.columns:
        if out[col].dtype == object or isinstance(
            out[col].dtype, pd.StringDtype | pd.CategoricalDtype
        ):
            values = out[col].astype(object)
            # each distinct value once (a findings table has hundreds of thousands of cells)
            codes, uniques = pd.factorize(values)
            fixed = np.array([fix(u) for u in uniques] + [None], dtype=object)
            changed = np.array([f is not u for f, u in zip(fixed[:-1], uniques, strict=True)] + [False])
            hit = changed[codes]  # code -1 (missing) takes the last entry: False
            if hit.any():
                values[hit] = fixed[codes[hit]]
            out[col] = values
    out.columns = [fix(c) for c in out.columns]
    return out


def write_shared(
    tables: dict[str, SharedTable], out_dir: Path, *, threshold: int = config.MIN_CELL
) -> list[Path]:
    """Protect each table and write it as ``<name>.csv`` (UTF-8, comma separated).

    Small counts are blanked and the others rounded (:class:`SharedTable`), and text that a
    spreadsheet would run as a formula is neutralised (:func:`neutralise_formulas`).

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
        shown = neutralise_formulas(table.suppressed(threshold))
        path = out_dir / f"{name}.csv"
        shown.to_csv(path, index=False)
        written.append(path)
    return written
