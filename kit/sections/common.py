"""Display helpers shared by the notebook sections: escaping, protected tables, Dutch numbers.

One copy of each: :func:`esc` for text from data, :func:`shown` for a protected table as shown
(``<N`` and ``.``), and the Dutch wording of numbers, counts, months and dates.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown

from kit import __version__, charts
from kit.names import Names, add_names, load_names
from kit.params import ReportParams, filled_store, resolve
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


#: Dutch column headers for the tables a reader sees (one map for every section); a column
#: that is not here keeps its header
LABELS = {
    "aanbieder": "Aanbieder",
    "aanbieder_naam": "Aanbieder",
    "gemeente": "Gemeente",
    "gemeente_naam": "Gemeente",
    "categorie": "Productcategorie",
    "categorie_naam": "Productcategorie",
    "berichttype": "Berichtsoort",
    "check_id": "Code",
    "naam": "Controle",
    "bevinding": "Bevinding",
    "ernst": "Ernst",
    "regels": "Regel",
    "uitleg": "Uitleg",
    "status": "Status",
    "n_betrouwbaar": "Betrouwbaar",
    "pct_betrouwbaar": "% betrouwbaar",
    "afwijkend": "Afwijkend",
    "n_afwijkend": "Afwijkend",
    "pct_afwijkend": "% afwijkend",
    "% afwijkend": "% afwijkend",
    "n_starts": "Starts (305)",
    "n_auto_305": "Automatische starts",
    "pct_auto_305": "% automatische starts",
    "n_vot_gestart": "Gestart na een 315",
    "n_vot_bij_start": "315 vlak voor de start",
    "pct_vot_bij_start": "% 315 vlak voor de start",
    "mediaan_vot_toewijzing_dagen": "Mediaan 315 tot toewijzing (dagen)",
    "mediaan_toewijzing_start_dagen": "Mediaan toewijzing tot start (dagen)",
    "n_vot_vergeleken": "Vergeleken (315 tot start)",
    "mediaan_vot_start_dagen": "Mediaan 315 tot start (dagen)",
    "verschil_vot_start_dagen": "Verschil met andere aanbieders (dagen)",
    "verschil_laag": "Verschil, ondergrens 95%",
    "verschil_hoog": "Verschil, bovengrens 95%",
    "gespreksagenda_vot": "Vraag voor het gesprek",
    "n_gedeclareerd": "Gedeclareerd",
    "n_nul_dagen_declaratie": "Declaratie vanaf dag 0",
    "pct_nul_dagen_declaratie": "% declaratie vanaf dag 0",
    "wachtlijst": "Wachtlijst",
    "vraag_per_week": "Vraag /wk",
}

#: columns that hold codes (by name or Dutch header): never given a thousands point
CODE_COLUMNS = {
    *("aanbieder", "gemeente", "categorie", "berichttype", "check_id", "jaar", "code", "eenheid"),
    *("Aanbieder", "Gemeente", "Categorie", "Productcategorie", "Berichtsoort", "Code", "Eenheid"),
    *("Groep", "Jaar", "Maand", "maand"),
}


def _cell_nl(value: object, *, decimals: int | None = None) -> object:
    """One table cell in Dutch notation: numbers get a decimal comma and thousands point.

    ``decimals`` fixed, or as many as the value needs, at most 2.
    """
    if isinstance(value, bool | np.bool_) or value is None:
        return value
    if isinstance(value, int | np.integer):
        return _nl(float(value))
    if isinstance(value, float | np.floating):
        if not np.isfinite(value):
            return "" if np.isnan(value) else value
        if decimals is not None:
            return _nl(float(value), decimals=decimals)
        if float(value).is_integer():
            return _nl(float(value))
        return _nl(float(value), decimals=1 if round(value, 1) == round(value, 2) else 2)
    if isinstance(value, str) and re.fullmatch(r"-?\d+\.\d+", value):
        number = float(value)
        return _nl(number, decimals=len(value.split(".")[1]))
    if isinstance(value, str) and re.fullmatch(r"-?\d{4,}", value):
        return _nl(float(value))  # a count as text (``shown``): 1.105
    return value


def dutch_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A table for readers: Dutch headers (:data:`LABELS`) and numbers in Dutch notation.

    Code columns (:data:`CODE_COLUMNS`) keep their value as it is.
    """
    out = frame.astype(object).copy()
    for col in out.columns:
        if col in CODE_COLUMNS:
            continue
        percent = str(col).startswith(("pct_", "%"))
        out[col] = out[col].map(lambda v, p=percent: _cell_nl(v, decimals=1 if p else None))
    # pandas' NA in an object column would print as "<NA>": a blank is empty (``na_rep``)
    return out.where(out.notna(), np.nan).rename(columns=LABELS)


def _table(
    frame: pd.DataFrame, *, code: tuple[str, ...] = (), code_words: tuple[str, ...] = ()
) -> HTML:
    """A table as the reports show it: no index, blanks empty, Dutch headers and numbers.

    Columns in ``code``, and the words ``code_words`` in any cell, are what a user types in a
    YAML or a parameters cell (a check's code, a parameter's name): shown as code (``<code>``),
    escaped like every other cell.
    """
    table = dutch_table(frame)
    if not code and not code_words:
        return HTML(table.to_html(index=False, na_rep="", border=0, classes="kit-tabel"))
    table = table.map(lambda v: v if v is None or v is pd.NA else html.escape(str(v)))
    for col in code:
        label = LABELS.get(col, col)
        table[label] = "<code>" + table[label].astype(str) + "</code>"
    if code_words:
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, code_words)) + r")\b")
        table = table.map(lambda v: pattern.sub(r"<code>\1</code>", v) if isinstance(v, str) else v)
    return HTML(table.to_html(index=False, na_rep="", border=0, classes="kit-tabel", escape=False))


def details_block(summary: str, body: str) -> str:
    """Detail material a reader opens on demand: ``body`` (HTML) under a one-line ``summary``.

    Collapsed on screen and in print; ``summary`` is plain text (escaped).
    """
    return f'<details class="kit-details"><summary>{esc(summary)}</summary>{body}</details>'


def named(
    frame: pd.DataFrame, names: Names | None, kind: str, column: str | None = None
) -> pd.DataFrame:
    """The frame with the code column replaced by the display name.

    The code is kept for tooltips as ``<column>_code``; without names the frame is returned
    unchanged.
    """
    column = column or kind
    if names is None or column not in frame.columns or frame.empty:
        return frame
    out = add_names(frame, names, kind, column=column)
    return out.rename(columns={column: f"{column}_code"}).rename(columns={f"{column}_naam": column})


def report_names(aanbieders: str = "", gemeentenamen: str = "") -> Names:
    """The names a report shows for codes (:func:`kit.names.load_names`).

    From the parameters ``aanbieders`` and ``gemeentenamen`` (empty = none).
    """
    return load_names(
        resolve(aanbieders) if aanbieders else None,
        resolve(gemeentenamen) if gemeentenamen else None,
    )


def findings_block(sentences: list[str]) -> HTML:
    """The "Belangrijkste bevindingen" block that opens a report: 3 to 5 sentences.

    The sentences are Dutch text made by the sections (data in them already passed through
    :func:`esc`); ``**bold**`` marks the key figure.
    """
    items = "".join(
        "<li>" + re.sub(r"[*][*](.+?)[*][*]", r"<strong>\1</strong>", s) + "</li>"
        for s in sentences
    )
    return HTML(
        '<section class="kit-bevindingen" aria-label="Belangrijkste bevindingen">'
        "<h2>Belangrijkste bevindingen</h2>"
        f"<ul>{items}</ul></section>"
    )


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


def _date_nl(day: pd.Timestamp | str) -> str:
    """A date for readers: ``2026-01-31`` (or its timestamp) -> ``31 januari 2026``."""
    day = pd.Timestamp(day)
    return f"{day.day} {MONTHS_NL[day.month - 1]} {day.year}"


def date_text(value: object) -> str:
    """A date or month for readers: ``2026-03-31`` -> ``31 maart 2026``, ``2026-03`` -> ``maart 2026``.

    Any other value stays as it is. Parameters tables keep the ISO form (machine input).
    """
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return month_nl(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return _date_nl(text)
    return text


def _count_short(value: object, threshold: int) -> str:
    """A suppressed count for a table cell: blank (suppressed) reads ``<N``."""
    return f"<{threshold}" if value is None or pd.isna(value) else _nl(float(value))


def _day(day: pd.Timestamp | None) -> str:
    """A date of a session header; None (an open start) is the beginning of the data."""
    return "begin van de gegevens" if day is None else _date_nl(day)


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
    first = [f"**Regio:** {esc(ctx.regio)}", f"**Peildatum:** {_date_nl(ctx.peildatum)}", *middle]
    second = [*data, f"**Kit-versie:** {__version__}", counts]
    return Markdown(" &nbsp;·&nbsp; ".join(first) + "\n\n" + " &nbsp;·&nbsp; ".join(second))
