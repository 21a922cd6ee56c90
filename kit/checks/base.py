"""Shared machinery of the quality checks: the scan's data, the registry and small helpers.

A check function takes a :class:`ScanData` and the check's parameters (from ``checks.yaml``) and
returns either ``None`` ("niet te beoordelen": the data cannot support the check) or a frame with
one row per record checked, made with :func:`outcome`:

    record, berichttype, aanbieder, gemeente, datum, afwijkend

``record`` identifies a store row (``bericht_id:regel``) or a file (``bestand:<hash>``);
``datum`` is the record's reference date (its Dagtekening unless the check says otherwise) and
decides the month the record counts in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import holidays
import numpy as np
import pandas as pd

CheckFunction = Callable[["ScanData", dict], "pd.DataFrame | None"]
REGISTRY: dict[str, CheckFunction] = {}
OUTCOME_COLUMNS = ["record", "berichttype", "aanbieder", "gemeente", "datum", "afwijkend"]


def register(check_id: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register the function that evaluates check ``check_id`` (an id in ``checks.yaml``)."""

    def decorate(func: CheckFunction) -> CheckFunction:
        if check_id in REGISTRY:
            raise ValueError(f"check {check_id} registered twice")
        REGISTRY[check_id] = func
        return func

    return decorate


@dataclass
class ScanData:
    """Everything a check may look at, cut off at the peildatum.

    Attributes
    ----------
    tables : dict of pandas.DataFrame
        Store tables (all of :func:`kit.store.table_names` plus ``bestanden``), messages with a
        Dagtekening after the peildatum left out. Rejected heenberichten are still in: checks look
        at the data as delivered.
    pathways : pandas.DataFrame
        :func:`kit.pathways.build_pathways` on the same tables (rejected messages dropped).
    peildatum : pandas.Timestamp
        The reference date; nothing after it is used.
    """

    tables: dict[str, pd.DataFrame]
    pathways: pd.DataFrame
    peildatum: pd.Timestamp
    _rows: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def rows(self, table: str) -> pd.DataFrame:
        """Return a store table with a ``record`` column (``bericht_id:regel``)."""
        if table not in self._rows:
            frame = self.tables[table]
            key = frame["bericht_id"].astype("string")
            if "regel" in frame:
                key = key + ":" + frame["regel"].astype("string")
            self._rows[table] = frame.assign(record=key)
        return self._rows[table]

    @cached_property
    def calendar(self) -> WorkdayCalendar:
        """Working days (Mon-Fri without Dutch public holidays) around the data's years."""
        dates = self.tables["berichten"]["Dagtekening"].dropna()
        first = dates.min().year - 1 if len(dates) else self.peildatum.year - 3
        return WorkdayCalendar(range(first, self.peildatum.year + 2))


class WorkdayCalendar:
    """Counts working days: weekdays that are not Dutch public holidays (``holidays`` library)."""

    def __init__(self, years: range) -> None:
        self.holidays = np.array(sorted(holidays.NL(years=years)), dtype="datetime64[D]")

    def between(self, start: pd.Series, end: pd.Series) -> pd.Series:
        """Working days from ``start`` (exclusive) to ``end`` (inclusive); negative if reversed.

        Missing dates give missing results.
        """
        ok = start.notna() & end.notna()
        out = pd.Series(pd.NA, index=start.index, dtype="Int64")
        if ok.any():
            s = start[ok].to_numpy(dtype="datetime64[D]") + 1
            e = end[ok].to_numpy(dtype="datetime64[D]") + 1
            out[ok] = np.busday_count(s, e, holidays=self.holidays)
        return out

    def add(self, start: pd.Series, days: int) -> pd.Series:
        """The date ``days`` working days after ``start`` (missing stays missing).

        A start on a weekend day or holiday counts from the working day before it, so that
        ``between(start, add(start, n)) == n``.
        """
        ok = start.notna()
        out = pd.Series(pd.NaT, index=start.index, dtype="datetime64[ns]")
        if ok.any():
            d = start[ok].to_numpy(dtype="datetime64[D]")
            out[ok] = np.busday_offset(d, days, roll="backward", holidays=self.holidays)
        return out


def outcome(
    frame: pd.DataFrame,
    failing: pd.Series,
    *,
    berichttype: str | pd.Series | None = None,
    datum: str = "Dagtekening",
    record: str = "record",
) -> pd.DataFrame:
    """Shape a check's result: one row per record checked.

    Parameters
    ----------
    frame : pandas.DataFrame
        The records checked (must have ``record``, ``aanbieder``, ``gemeente`` and ``datum``
        columns, and ``berichttype`` unless given).
    failing : pandas.Series of bool
        Aligned with ``frame``; true where the record breaks the rule. Missing counts as passing.
    berichttype : str or pandas.Series, optional
        Overrides the frame's ``berichttype``.
    datum : str
        Column with the record's reference date.
    record : str
        Column that identifies the record.

    Returns
    -------
    pandas.DataFrame
        Columns ``record, berichttype, aanbieder, gemeente, datum, afwijkend``.
    """
    n = len(frame)
    bt = frame["berichttype"] if berichttype is None else berichttype
    bt = np.full(n, bt, dtype=object) if isinstance(bt, str) else _objects(bt)
    # plain object arrays: cheap to build and to concatenate; evaluate_checks makes them
    # categorical once for all checks together
    return pd.DataFrame(
        {
            "record": _objects(frame[record]),
            "berichttype": bt,
            "aanbieder": _objects(frame["aanbieder"]),
            "gemeente": _objects(frame["gemeente"]),
            "datum": _dates(frame[datum]),
            "afwijkend": pd.Series(failing, index=frame.index).fillna(False).to_numpy(dtype=bool),
        }
    )


def _objects(values: pd.Series) -> np.ndarray:
    """Values as an object array with None for missing (no per-element validation)."""
    return values.to_numpy(dtype=object, na_value=None)


def _dates(values: pd.Series) -> np.ndarray:
    """Values as ``datetime64[ns]`` (``pd.to_datetime`` only when they are not dates yet)."""
    if values.dtype.kind != "M":
        values = pd.to_datetime(values)
    return values.to_numpy(dtype="datetime64[ns]")


def combine(*results: pd.DataFrame | None) -> pd.DataFrame | None:
    """Merge partial results of one check: a record fails if it fails any part."""
    parts = [r for r in results if r is not None]
    if not parts:
        return None
    merged = pd.concat(parts, ignore_index=True)
    agg = merged.groupby("record", sort=False).agg(
        berichttype=("berichttype", "first"),
        aanbieder=("aanbieder", "first"),
        gemeente=("gemeente", "first"),
        datum=("datum", "first"),
        afwijkend=("afwijkend", "any"),
    )
    return agg.reset_index()[OUTCOME_COLUMNS]
