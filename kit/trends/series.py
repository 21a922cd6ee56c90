"""Monthly series per level and unit (instroom, voorraad, uitstroom, waits) and stock-flow.

Counts are *trajecten* (one toewijzing for one child at one aanbieder); the ``*_kinderen``
series count distinct children. Stock-flow: ``wachtlijst(t) = wachtlijst(t-1) + instroom -
gestart - ingetrokken - verschil``; ``verschil`` are the toewijzingen that vanish without a
start or a withdrawal (verlopen or stopped without a start): a data-quality signal, as the
"unreported removals" of NHS RTT.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.privacy import Protection, Totals
from kit.trends.months import LEVELS, REGIO, _month_of, _ordinal, month_span
from kit.trends.spells import _all_units, _stack_levels, _units, care_spells, waiting_spells
from kit.waits.definitions import Definitions, load_definitions
from kit.waits.estimators import km_median
from kit.waits.measure import STARTED, WAIT_EXITS, included, measure_waits

#: per reeks and month, the units of each niveau (gemeenten, aanbieders, ...) add up to the region
SERIES_TOTALS = Totals("eenheid", REGIO, within=("reeks", "maand"), partition="niveau")
#: per unit and month, the stops by reason (``stops_<reden>``) add up to ``stops``
STOPS_TOTALS = Totals("reeks", "stops", within=("maand", "niveau", "eenheid"), parts="stops_")
#: disclosure control of the monthly series: ``waarde`` of a count series is its count ``n``
#: and a rate per 1,000 is its count times a public population's factor
SERIES_PROTECTION = Protection(
    ("n",),
    {"waarde": ["n"]},
    (SERIES_TOTALS, STOPS_TOTALS),
    same={"waarde": "n"},
    rates={"waarde": ("n", "reeks", "_per_1000")},
)
#: disclosure control of :func:`stock_flow`: every column is a count (``verwacht`` too, else
#: ``verwacht - wachtlijst_eind`` gives a blanked ``verschil`` back)
STOCK_FLOW_PROTECTION = Protection(
    ("wachtlijst_begin", "instroom", "gestart", "ingetrokken", "verwacht", "wachtlijst_eind")
    + ("verschil",)
)

#: reeks -> (Dutch label, direction: 1 higher is better, -1 lower is better, 0 neither,
#: berichten whose lateness makes a recent month provisional)
SERIES: dict[str, tuple[str, int, tuple[str, ...]]] = {
    "verzoeken": ("Verzoeken om toewijzing (315)", 0, ()),
    "toewijzingen": ("Nieuwe toewijzingen (301)", 0, ("301",)),
    "starts": ("Gestart (305)", 0, ("305",)),
    "stops": ("Gestopt (307)", 0, ("307",)),
    "wachtlijst": ("Wachtlijst op het eind van de maand", -1, ("301", "305", "307")),
    "wachtlijst_kinderen": ("Kinderen op de wachtlijst", -1, ("301", "305", "307")),
    "in_zorg": ("In zorg op het eind van de maand", 0, ("305", "307")),
    "in_zorg_kinderen": ("Kinderen in zorg", 0, ("305", "307")),
    "wachtlijst_gestart": ("Van de wachtlijst gestart", 0, ("305",)),
    "wachtlijst_ingetrokken": ("Toewijzing ingetrokken", 0, ("301",)),
    "wachtlijst_verlopen": ("Toewijzing verlopen zonder start", -1, ("301", "305")),
    "wachtlijst_gestopt_zonder_start": ("Gestopt zonder start", -1, ("305", "307")),
    "wachtlijst_verschil": ("Verdwenen zonder start of intrekking", -1, ("301", "305", "307")),
    "wachttijd_gestart_mediaan": ("Wachttijd van wie startte (mediaan, dagen)", -1, ("305",)),
    "wachttijd_cohort_mediaan": ("Wachttijd toewijzingscohort (KM-mediaan, dagen)", -1, ("305",)),
    "wachttijd_cohort_ci_laag": ("KM-mediaan, ondergrens 95%-BI", -1, ("305",)),
    "wachttijd_cohort_ci_hoog": ("KM-mediaan, bovengrens 95%-BI", -1, ("305",)),
}

#: JZ588 RedenBeeindiging (307); stops are split per reason as ``stops_<code>``.
STOP_REASONS = {
    "02": "overlijden",
    "31": "volgens plan",
    "32": "voortijdig, door cliënt",
    "33": "voortijdig, door aanbieder",
    "34": "voortijdig, in overleg",
    "35": "voortijdig, externe oorzaak",
    "36": "door de gemeente",
    "37": "wijzigingsverzoek",
    "38": "overstap naar andere aanbieder",
    "39": "uitstroom naar ander domein",
}


def series_label(reeks: str) -> str:
    """Dutch label of a series name (also ``stops_<reden>`` and ``<reeks>_per_1000``)."""
    if reeks.endswith("_per_1000"):
        return f"{series_label(reeks.removesuffix('_per_1000'))} per 1.000 jeugdigen"
    if reeks.startswith("stops_"):
        code = reeks.removeprefix("stops_")
        return f"Gestopt: {STOP_REASONS.get(code, 'reden ' + code)}"
    return SERIES.get(reeks, (reeks, 0, ()))[0]


def series_direction(reeks: str) -> int:
    """1 when higher is better, -1 when lower is better, 0 when neither."""
    base = reeks.removesuffix("_per_1000")
    return 0 if base.startswith("stops_") else SERIES.get(base, ("", 0, ()))[1]


def series_messages(reeks: str) -> tuple[str, ...]:
    """The berichttypen whose late arrival makes a recent month of ``reeks`` provisional."""
    base = reeks.removesuffix("_per_1000")
    return ("307",) if base.startswith("stops_") else SERIES.get(base, ("", 0, ()))[2]


# ------------------------------------------------------------------------------------------
# Monthly series


def monthly_series(
    pathways: pd.DataFrame,
    *,
    peildatum: pd.Timestamp | str,
    levels: tuple[str, ...] = LEVELS,
    waits: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every monthly series per level and unit (long format, not suppressed).

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`, built from messages dated on or before
        the peildatum.
    peildatum : pandas.Timestamp or str
        Reference date; the series end with the last complete month.
    levels : tuple of str
        Any of ``regio, gemeente, aanbieder, categorie``.
    waits : pandas.DataFrame, optional
        :func:`measured_waits` (computed here when None): the waiting times behind
        ``wachttijd_gestart_mediaan`` (by month of the start) and ``wachttijd_cohort_*``
        (Kaplan-Meier per month of the toewijzing).

    Returns
    -------
    pandas.DataFrame
        ``maand, niveau, eenheid, reeks, waarde, n``. ``reeks`` is a key of :data:`SERIES` or
        ``stops_<RedenBeeindiging>``; ``n`` is the count the value rests on (the value itself
        for counts; the number of children who started for a median). Flows count events by
        the month of their date (315 Dagtekening, first Toewijzingsdatum, 305 Begindatum, 307
        Einddatum); stocks are taken at the end of each month.
    """
    m0, m1 = month_span(pathways, peildatum=peildatum)
    units = _all_units(pathways, levels)
    months = range(m0, m1 + 1)
    wait = waiting_spells(pathways, peildatum=peildatum)
    care = care_spells(pathways, peildatum=peildatum)
    if waits is None:
        waits = measured_waits(pathways, peildatum=peildatum)
    parts = [
        _flows(pathways, wait, care, levels, units, months),
        _stock(wait, "wachtlijst", levels, units, months),
        _stock(care, "in_zorg", levels, units, months),
        _distinct_stock(wait, "wachtlijst_kinderen", levels, units, months),
        _distinct_stock(care, "in_zorg_kinderen", levels, units, months),
        _completed_waits(waits, levels, months),
        _cohort_waits(waits, levels, months),
    ]
    out = pd.concat(parts, ignore_index=True)
    out["maand"] = [_month_of(int(m)) for m in out.pop("m")]
    recon = _reconciliation_gap(out)
    out = pd.concat([out, recon], ignore_index=True)
    return out[["maand", "niveau", "eenheid", "reeks", "waarde", "n"]].reset_index(drop=True)


def _grid(counts: pd.Series, units: pd.MultiIndex, months: range) -> pd.DataFrame:
    """Counts indexed (niveau, eenheid, m) -> units x months, zeros where nothing happened."""
    if counts.empty:
        return pd.DataFrame(0, index=units, columns=list(months))
    wide = counts.unstack("m", fill_value=0)
    return wide.reindex(index=units, columns=list(months), fill_value=0).fillna(0)


def _long(wide: pd.DataFrame, reeks: str) -> pd.DataFrame:
    long = wide.stack().rename("waarde").reset_index().rename(columns={"level_2": "m"})
    long.columns = ["niveau", "eenheid", "m", "waarde"]
    return long.assign(reeks=reeks, n=long["waarde"])


def _count_events(
    events: pd.DataFrame, levels: tuple[str, ...], units: pd.MultiIndex, months: range
) -> pd.DataFrame:
    """``events`` (``reeks, m`` + unit columns) -> long counts on the full grid."""
    events = events[events["m"].between(months.start, months.stop - 1)]
    stacked = _stack_levels(events, levels)
    parts = []
    for reeks, group in stacked.groupby("reeks", sort=False):
        counts = group.groupby(["niveau", "eenheid", "m"]).size()
        parts.append(_long(_grid(counts, units, months), reeks))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _flows(
    pathways: pd.DataFrame,
    wait: pd.DataFrame,
    care: pd.DataFrame,
    levels: tuple[str, ...],
    units: pd.MultiIndex,
    months: range,
) -> pd.DataFrame:
    unit_cols = _units(pathways)
    toew = pathways["ToewijzingNummer"].notna()
    frames = [
        unit_cols.assign(reeks="verzoeken", m=_ordinal(pathways["vot_dagtekening"]))[
            pathways["vot_dagtekening"].notna()
        ],
        unit_cols.assign(reeks="toewijzingen", m=_ordinal(pathways["eerste_toewijzingsdatum"]))[
            toew & pathways["eerste_toewijzingsdatum"].notna()
        ],
        care.assign(reeks="starts", m=_ordinal(care["in"])),
        care.assign(reeks="stops", m=_ordinal(care["uit"]))[care["uit"].notna()],
        care.assign(reeks="stops_" + care["reden_uit"].astype("string"), m=_ordinal(care["uit"]))[
            care["uit"].notna() & care["reden_uit"].notna()
        ],
    ]
    # exits from the waiting list count in the month they took effect, never before entry
    left = wait[wait["uit"].notna()]
    m_out = np.maximum(_ordinal(left["uit"]), _ordinal(left["in"]))
    frames.append(left.assign(reeks="wachtlijst_" + left["reden_uit"].astype("string"), m=m_out))
    cols = ["reeks", "m", "gemeente", "aanbieder", "categorie"]
    events = pd.concat([f[cols] for f in frames if len(f)], ignore_index=True)
    out = _count_events(events, levels, units, months)
    needed = [f"wachtlijst_{r}" for r in WAIT_EXITS] + ["verzoeken", "toewijzingen", "starts"]
    missing = [r for r in [*needed, "stops"] if r not in set(out.get("reeks", []))]
    empty = [_long(pd.DataFrame(0, index=units, columns=list(months)), r) for r in missing]
    return pd.concat([out, *empty], ignore_index=True)


def _spell_months(spells: pd.DataFrame, months: range) -> tuple[np.ndarray, np.ndarray]:
    """First and one-past-last month number on which each spell counts at month end.

    A spell counts at the end of month t when ``in <= end(t) < uit``; a spell that left before
    it entered counts nowhere. Months before the series are clipped to its first month.
    """
    m_in = _ordinal(spells["in"]).to_numpy(float)
    m_out = _ordinal(spells["uit"]).to_numpy(float)
    m_out = np.where(np.isnan(m_out), months.stop, np.maximum(m_out, m_in))
    first = np.clip(m_in, months.start, months.stop)
    last = np.clip(m_out, months.start, months.stop)
    return first.astype(int), last.astype(int)


def _stock_wide(
    spells: pd.DataFrame, levels: tuple[str, ...], units: pd.MultiIndex, months: range
) -> pd.DataFrame:
    """Spells on their list at each month end (+1 on entry, -1 on exit, cumulated): units x m."""
    first, last = _spell_months(spells, months)
    base = spells[["gemeente", "aanbieder", "categorie"]]
    moves = pd.concat([base.assign(m=first, d=1), base.assign(m=last, d=-1)], ignore_index=True)
    moves = moves[moves["m"] < months.stop]
    counts = _stack_levels(moves, levels).groupby(["niveau", "eenheid", "m"])["d"].sum()
    return _grid(counts, units, months).cumsum(axis=1)


def _stock(
    spells: pd.DataFrame, reeks: str, levels: tuple[str, ...], units: pd.MultiIndex, months: range
) -> pd.DataFrame:
    return _long(_stock_wide(spells, levels, units, months), reeks)


def _distinct_stock(
    spells: pd.DataFrame, reeks: str, levels: tuple[str, ...], units: pd.MultiIndex, months: range
) -> pd.DataFrame:
    """Distinct children with at least one spell on the list at each month end."""
    first, last = _spell_months(spells, months)
    length = last - first
    rows = np.repeat(np.arange(len(spells)), length)
    offset = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    expanded = spells.iloc[rows][["client_id", "gemeente", "aanbieder", "categorie"]]
    expanded = expanded.assign(m=np.repeat(first, length) + offset)
    stacked = _stack_levels(expanded, levels)
    counts = (
        stacked.drop_duplicates(["niveau", "eenheid", "m", "client_id"])
        .groupby(["niveau", "eenheid", "m"])
        .size()
    )
    return _long(_grid(counts, units, months), reeks)


def _completed_waits(waits: pd.DataFrame, levels: tuple[str, ...], months: range) -> pd.DataFrame:
    """Median wait of those whose wait ended in a start in month t (completed waits only)."""
    done = waits[waits["gestart"]]
    frame = done[["gemeente", "aanbieder", "categorie", "duur"]].assign(
        m=_ordinal(done["einde"]).to_numpy()
    )
    frame = frame[frame["m"].between(months.start, months.stop - 1)]
    agg = (
        _stack_levels(frame, levels)
        .groupby(["niveau", "eenheid", "m"])["duur"]
        .agg(["median", "size"])
    )
    return (
        agg.reset_index()
        .rename(columns={"median": "waarde", "size": "n"})
        .assign(reeks="wachttijd_gestart_mediaan")
    )


def wait_durations(wait: pd.DataFrame, *, peildatum: pd.Timestamp | str) -> pd.DataFrame:
    """Days from joining the waiting list to a start, censored at any other exit or the peildatum.

    A simpler measure than :func:`measured_waits`, straight from the waiting list.

    Parameters
    ----------
    wait : pandas.DataFrame
        Output of :func:`waiting_spells`.
    peildatum : pandas.Timestamp or str
        Those still waiting are censored here.

    Returns
    -------
    pandas.DataFrame
        ``client_id, gemeente, aanbieder, categorie, start, einde, duur`` (days, at least 0) and
        ``gestart`` (True: the wait ended in a start; False: censored).
    """
    end = wait["uit"].fillna(pd.Timestamp(peildatum))
    return pd.DataFrame(
        {
            "client_id": wait["client_id"],
            "gemeente": wait["gemeente"],
            "aanbieder": wait["aanbieder"],
            "categorie": wait["categorie"],
            "start": wait["in"],
            "einde": end,
            "duur": (end - wait["in"]).dt.days.clip(lower=0).astype(int),
            "gestart": (wait["reden_uit"] == "gestart").fillna(False).astype(bool),
        }
    )


def measured_waits(
    pathways: pd.DataFrame,
    *,
    peildatum: pd.Timestamp | str,
    definition: str = "toewijzing_start",
    definitions: Definitions | None = None,
) -> pd.DataFrame:
    """Waiting times per pathway by one definition of :mod:`kit.waits`.

    The definition (default ``toewijzing_start``: first Toewijzingsdatum -> 305 Begindatum,
    GI categories 46-48 left out, a start before the toewijzing counted as day 0, a stop without
    a start left out, withdrawals and lapsed toewijzingen as competing exits) comes from
    ``kit/waiting_times.yaml``. Competing exits and those still waiting are censored, so a
    Kaplan-Meier median answers "how long until the start, for a child that keeps waiting".

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`.
    peildatum : pandas.Timestamp or str
        Reference date.
    definition : str
        Definition id in the definitions file.
    definitions : kit.waits.Definitions, optional
        A region's own definitions; default the shipped file.

    Returns
    -------
    pandas.DataFrame
        One row per pathway that counts: ``client_id, gemeente, aanbieder, categorie, start,
        einde, duur, gestart`` (see :func:`wait_durations`).
    """
    defs = definitions or load_definitions()
    measured = included(measure_waits(pathways, defs.get(definition), peildatum=peildatum))
    units = _units(measured)
    return pd.DataFrame(
        {
            **{c: units[c].to_numpy() for c in units},
            "start": measured["start"].to_numpy(),
            "einde": measured["einde"].to_numpy(),
            "duur": measured["dagen"].astype(int).to_numpy(),
            "gestart": (measured["event"] == STARTED).to_numpy(bool),
        }
    )


def _cohort_waits(waits: pd.DataFrame, levels: tuple[str, ...], months: range) -> pd.DataFrame:
    frame = waits.assign(m=_ordinal(waits["start"]))
    frame = frame[frame["m"].between(months.start, months.stop - 1)]
    km = km_median(_stack_levels(frame, levels), ["niveau", "eenheid", "m"])
    parts = [
        km.assign(reeks=f"wachttijd_cohort_{name}", waarde=km[name], n=km["n_gestart"])
        for name in ("mediaan", "ci_laag", "ci_hoog")
    ]
    return pd.concat(parts, ignore_index=True)[["niveau", "eenheid", "m", "reeks", "waarde", "n"]]


def _reconciliation_gap(series: pd.DataFrame) -> pd.DataFrame:
    """``wachtlijst_verschil`` from the stocks and the flows (see :func:`stock_flow`)."""
    wide = stock_flow(series, levels=tuple(series["niveau"].unique()))
    gap = wide.dropna(subset=["verschil"])
    return pd.DataFrame(
        {
            "maand": gap["maand"],
            "niveau": gap["niveau"],
            "eenheid": gap["eenheid"],
            "reeks": "wachtlijst_verschil",
            "waarde": gap["verschil"],
            "n": gap["verschil"],
        }
    )


def stock_flow(series: pd.DataFrame, *, levels: tuple[str, ...] = ("regio",)) -> pd.DataFrame:
    """Reconcile the waiting list with its flows, per unit and month.

    Parameters
    ----------
    series : pandas.DataFrame
        Output of :func:`monthly_series` (at least the series ``wachtlijst, toewijzingen,
        wachtlijst_gestart, wachtlijst_ingetrokken``).
    levels : tuple of str
        Levels to reconcile.

    Returns
    -------
    pandas.DataFrame
        ``maand, niveau, eenheid, wachtlijst_begin, instroom, gestart, ingetrokken, verwacht,
        wachtlijst_eind, verschil`` with ``verwacht = wachtlijst_begin + instroom - gestart -
        ingetrokken`` and ``verschil = verwacht - wachtlijst_eind``: toewijzingen that left the
        list without a start or a withdrawal. The first month has no ``wachtlijst_begin``.
        When ``series`` has ``voorlopig`` (:func:`flag_provisional`), a column ``voorlopig``:
        the month's waiting list or one of its flows is provisional.
    """
    names = {
        "wachtlijst": "wachtlijst_eind",
        "toewijzingen": "instroom",
        "wachtlijst_gestart": "gestart",
        "wachtlijst_ingetrokken": "ingetrokken",
    }
    part = series[series["reeks"].isin(list(names)) & series["niveau"].isin(levels)]
    wide = part.pivot_table(
        index=["niveau", "eenheid", "maand"], columns="reeks", values="waarde", aggfunc="first"
    ).rename(columns=names)
    wide = wide.reindex(columns=list(names.values()))
    wide["wachtlijst_begin"] = wide.groupby(level=["niveau", "eenheid"])["wachtlijst_eind"].shift()
    wide["verwacht"] = (
        wide["wachtlijst_begin"] + wide["instroom"] - wide["gestart"] - wide["ingetrokken"]
    )
    wide["verschil"] = wide["verwacht"] - wide["wachtlijst_eind"]
    cols = ["wachtlijst_begin", "instroom", "gestart", "ingetrokken", "verwacht"]
    out = wide.reset_index()[
        ["maand", "niveau", "eenheid", *cols, "wachtlijst_eind", "verschil"]
    ].rename_axis(columns=None)
    if "voorlopig" in part:
        late = part.groupby(["niveau", "eenheid", "maand"])["voorlopig"].any()
        keys = pd.MultiIndex.from_frame(out[["niveau", "eenheid", "maand"]])
        out["voorlopig"] = late.reindex(keys).fillna(False).astype(bool).to_numpy()
    return out
