"""Display helpers shared by the notebook sections: escaping, protected tables, Dutch numbers.

One copy of each: :func:`esc` for text from data, :func:`shown` for a protected table as shown
(``<N`` and ``.``), and the Dutch wording of numbers, counts, months and dates.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown

from kit import __version__, charts
from kit.params import ReportParams, filled_store
from kit.privacy import Protection, Totals, round_counts


def open_report(params: ReportParams) -> tuple[Path, dict]:
    """The start of every ``prepare_*``: validate the parameters, check the store, set charts.

    Returns
    -------
    tuple of pathlib.Path and dict
        The store's resolved path and its metadata.

    Raises
    ------
    kit.params.ParameterError
        For invalid parameters (one Dutch message, the same as ``rapport`` and the command line).
    kit.store.StoreError
        For a store that is missing, damaged or empty (:func:`kit.params.filled_store`).
    """
    params.validate()
    store_path, meta = filled_store(params.store)
    charts.setup_rendering("live" if params.live else "report")
    return store_path, meta


#: characters that HTML or Markdown would act on, as numeric character references
_ACTIVE = {c: f"&#{ord(c)};" for c in "&<>\"'`*_[](){}#|!~\\"}


def esc(value: object) -> str:
    """Text that came from data, made inert for the Markdown and HTML of a report.

    Codes and names are typed by many organisations: an aanbieder code ``<script>...`` or
    ``[x](javascript:...)`` must show as text. Every character HTML or Markdown acts on
    becomes a character reference, which both render as the character itself. Tables need no
    call: :meth:`pandas.DataFrame.to_html` escapes.
    """
    return "".join(_ACTIVE.get(c, c) for c in str(value))


HIDDEN_MARK = "."  # a count blanked so that a total does not reveal a small one (CBS: "geheim")


def shown(
    frame: pd.DataFrame,
    protection: Protection | list[str],
    derived: dict | None = None,
    *,
    threshold: int,
    totals: Totals | None = None,
) -> pd.DataFrame:
    """A protected copy for display: small counts read ``<N``, other blanks stay empty.

    ``protection`` is the table's declared :class:`kit.privacy.Protection` (or, for a small ad
    hoc table, its count columns with ``derived`` and ``totals``). A count blanked only because
    a total would reveal a small one reads ``.`` (as CBS marks a secret figure).
    """
    if not isinstance(protection, Protection):
        protection = Protection(tuple(protection), derived or {}, totals)
    out = protection.apply(frame, threshold)
    for col in protection.counts:
        raw = pd.to_numeric(frame[col], errors="coerce")
        # a count that was missing already (NA) stays empty: it is neither small nor hidden
        small = raw.lt(threshold).fillna(False).to_numpy(dtype=bool)
        marker = pd.Series(np.where(small, f"<{threshold}", HIDDEN_MARK), index=out.index)
        blanked = out[col].isna().to_numpy() & raw.notna().to_numpy()
        out[col] = out[col].astype("string").fillna(marker.where(blanked))
    return out.drop(columns="onderdrukt")


def _table(frame: pd.DataFrame) -> HTML:
    """A table as the reports show it: no index, blanks empty, the kit's table style."""
    return HTML(frame.to_html(index=False, na_rep="", border=0, classes="kit-tabel"))


MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
#: the monthly series the SPC section judges (region level)


def month_nl(month: str) -> str:
    """``2026-03`` -> ``maart 2026``."""
    return f"{MONTHS_NL[int(month[5:7]) - 1]} {month[:4]}"


def _months_nl(months: list[str]) -> str:
    names = [month_nl(m) for m in months]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def _rounded(value: float, threshold: int) -> float:
    """A count as it is published: rounded (see :func:`kit.privacy.round_counts`)."""
    return float(round_counts(pd.Series([value], dtype=float), threshold=threshold).iloc[0])


def _n(value: float, threshold: int) -> str:
    """A count in Dutch, rounded, or ``minder dan N`` when it is small (0 stays 0)."""
    if pd.isna(value):
        return "onbekend"
    if 0 < value < threshold:
        return f"minder dan {threshold}"
    return _nl(_rounded(value, threshold))


def _nl(value: float, *, decimals: int = 0) -> str:
    """A number in Dutch notation: 4.142 and 8,6."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _count(value: object, threshold: int) -> str:
    """A suppressed count in Dutch: blank (suppressed) reads ``minder dan N``."""
    return f"minder dan {threshold}" if value is None or pd.isna(value) else _nl(float(value))


def _pct_cell(value: float) -> str:
    return "" if pd.isna(value) else f"{_nl(value, decimals=1)}%"


def _date_nl(day: pd.Timestamp) -> str:
    """``31 januari 2026``."""
    return f"{day.day} {MONTHS_NL[day.month - 1]} {day.year}"


def _count_short(value: object, threshold: int) -> str:
    """A suppressed count for a table cell: blank (suppressed) reads ``<N``."""
    return f"<{threshold}" if value is None or pd.isna(value) else _nl(float(value))


def _day(day: pd.Timestamp | None) -> str:
    """A date of a session header; None (an open start) is the beginning of the data."""
    return "begin van de gegevens" if day is None else str(day.date())


def gemeenten_text(gemeenten: list[str]) -> str:
    """The gemeenten shown, for a header: their codes, or ``alle``."""
    return esc(", ".join(gemeenten)) if gemeenten else "alle"


def session_header(
    ctx: object, middle: list[str], data: list[str], *, counts: str
) -> Markdown | None:
    """The header of a live session; None in a rendered report (its page header says it).

    Parameters
    ----------
    ctx : object
        A notebook's context (``live``, ``regio``, ``peildatum``).
    middle : list of str
        ``**Label:** value`` parts of the first line, after regio and peildatum.
    data : list of str
        Parts of the second line, before the kit version.
    counts : str
        How small counts are shown (last part).
    """
    if not ctx.live:
        return None
    first = [f"**Regio:** {esc(ctx.regio)}", f"**Peildatum:** {ctx.peildatum.date()}", *middle]
    second = [*data, f"**Kit-versie:** {__version__}", counts]
    return Markdown(" &nbsp;·&nbsp; ".join(first) + "\n\n" + " &nbsp;·&nbsp; ".join(second))
