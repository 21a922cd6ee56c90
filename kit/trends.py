"""Step 4 (trends): pathways -> monthly instroom / voorraad / uitstroom per level, SPC, comparison.

Everything here is pure: frames in, frames out, nothing suppressed yet (that happens once, in
:mod:`kit.outputs` or the notebook sections). Months are ``"JJJJ-MM"`` strings. Counts are
*trajecten* (one toewijzing for one child at one aanbieder); the ``*_kinderen`` series count
distinct children.

- **Waiting list at month end**: a toewijzing is on the list from its first Toewijzingsdatum until
  the first of: the 305 Begindatum (``gestart``), the Toewijzingsdatum of the withdrawing version
  (``ingetrokken``), a 307 Einddatum without a start (``gestopt_zonder_start``) or the day after
  its Einddatum (``verlopen``), and the filters and competing exits of the ``toewijzing_start``
  definition in ``kit/waiting_times.yaml`` (:func:`waiting_spells`), so the list at the
  peildatum is notebook 02's momentopname. It is on the list at month end *e* when
  ``in <= e < uit``.
- **Stock-flow**: ``wachtlijst(t) = wachtlijst(t-1) + instroom - gestart - ingetrokken - verschil``;
  ``verschil`` are the toewijzingen that vanish without a start or a withdrawal (verlopen or
  stopped without a start): a data-quality signal, as the "unreported removals" of NHS RTT.
- **Provisional months**: from each message's own lag (Dagtekening - event date), the share of a
  month's events that has arrived by the peildatum; series resting on a month below the
  threshold are ``voorlopig``.
- **SPC**: XmR charts with the Making Data Count rules (as NHSRplotthedots implements them).
- **Fair comparison**: funnel limits for shares; rates per 1,000 jeugdigen.
- **Beschikbaarheidswijzer** and **queueing indicators** (Fong et al. 2022, NHSRwaitinglist).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd

from kit import config
from kit.privacy import Protection, Totals

LEVELS: tuple[str, ...] = ("regio", "gemeente", "aanbieder", "categorie")
REGIO = "totaal"
ONBEKEND = "onbekend"
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
#: disclosure control of :func:`littles_law`
LITTLE_PROTECTION = Protection(
    ("wachtlijst", "n_instroom", "n_uit"),
    {c: ["n_instroom", "n_uit"] for c in ("schatting", "band_laag", "band_hoog")},
)
#: disclosure control of :func:`funnel`
FUNNEL_PROTECTION = Protection(("x", "n"), {"pct": ["x", "n"], "beoordeling": ["x", "n"]})
#: disclosure control of an SPC frame (:func:`spc_series`): a month on a small count is not
#: judged; ``waarde`` of a count series is its count
SPC_PROTECTION = Protection(
    ("n",), {c: ["n"] for c in ("waarde", "regels", "oordeel", "bijzonder")}, same={"waarde": "n"}
)
_COHORT = ["n_cohort", "n_gestart"]
#: disclosure control of the Beschikbaarheidswijzer (``wijzer`` of :func:`shared_tables`)
WIJZER_PROTECTION = Protection(
    ("wachtlijst", *_COHORT, "n_cohort_vorig", "n_gestart_vorig"),
    {
        "mediaan_dagen": _COHORT,
        "ci_laag_dagen": _COHORT,
        "ci_hoog_dagen": _COHORT,
        "verwachte_wachttijd": _COHORT,
        "mediaan_vorig_dagen": ["n_cohort_vorig", "n_gestart_vorig"],
        "richting": [*_COHORT, "n_cohort_vorig", "n_gestart_vorig"],
    },
)
#: disclosure control of :func:`queue_indicators` (rates rest on their counts)
QUEUE_PROTECTION = Protection(
    ("n_instroom", "n_gestart", "n_uitval", "wachtlijst"),
    {
        "vraag_per_week": ["n_instroom"],
        "capaciteit_per_week": ["n_gestart"],
        "uitval_per_week": ["n_uitval"],
        "belasting": ["n_instroom", "n_gestart"],
        "doel_wachtlijst": ["n_instroom"],
        "gem_wachttijd_weken": ["wachtlijst"],
        "druk": ["wachtlijst"],
        "herstelcapaciteit_per_week": ["n_instroom", "wachtlijst"],
        "wachtlijst_te_groot": ["n_instroom", "wachtlijst"],
    },
)
DAY = pd.Timedelta(days=1)

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

#: count series that get a rate per 1,000 jeugdigen when a population table is given
RATE_SERIES = (
    "verzoeken",
    "toewijzingen",
    "starts",
    "stops",
    "wachtlijst",
    "wachtlijst_kinderen",
    "in_zorg",
    "in_zorg_kinderen",
)
POPULATION_COLUMNS = ("gemeente", "jaar", "aantal_0_17")
WAIT_EXITS = ("gestart", "ingetrokken", "gestopt_zonder_start", "verlopen")
FUNNEL_Z = {"95": NormalDist().inv_cdf(0.975), "998": NormalDist().inv_cdf(0.999)}


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
# Months


def last_complete_month(peildatum: pd.Timestamp | str) -> str:
    """The last month that has ended on or before ``peildatum`` (``"JJJJ-MM"``)."""
    peil = pd.Timestamp(peildatum)
    month = peil.to_period("M")
    return str(month if peil.normalize() == month.end_time.normalize() else month - 1)


def _ordinal(dates: pd.Series) -> pd.Series:
    """Month number of each date (months since 1970-01; NaN for missing dates)."""
    return (dates.dt.year - 1970) * 12 + dates.dt.month - 1


def _month_of(ordinal: int) -> str:
    return f"{1970 + ordinal // 12:04d}-{ordinal % 12 + 1:02d}"


def _month_number(month: str) -> int:
    year, mon = month.split("-")
    return (int(year) - 1970) * 12 + int(mon) - 1


class NoTrendsError(ValueError):
    """The store holds nothing to draw a monthly series from (message in Dutch)."""


def month_span(pathways: pd.DataFrame, *, peildatum: pd.Timestamp | str) -> tuple[int, int]:
    """First and last month number of the series: first message month .. last complete month.

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`.
    peildatum : pandas.Timestamp or str
        Reference date.

    Returns
    -------
    tuple of int
        Month numbers (months since 1970-01), see :func:`_ordinal`.

    Raises
    ------
    NoTrendsError
        When the pathways hold no dated message before the last complete month.
    """
    sent = pathways[
        ["vot_dagtekening", "eerste_dagtekening", "start_dagtekening", "stop_dagtekening"]
    ].min(axis=1)
    last = _month_number(last_complete_month(peildatum))
    if sent.notna().sum() == 0:
        raise NoTrendsError(
            "Geen trends te berekenen: de store heeft op of vóór de peildatum geen verzoek om "
            "toewijzing (315), toewijzing (301), start (305) of stop (307)."
        )
    if _ordinal(sent).min() > last:
        raise NoTrendsError(
            "Geen trends te berekenen: er zijn geen berichten van vóór de laatste volledige "
            f"maand ({_month_of(last)}); kies een latere peildatum."
        )
    return int(_ordinal(sent).min()), last


# ------------------------------------------------------------------------------------------
# Spells: time on the waiting list and time in care


def waiting_spells(
    pathways: pd.DataFrame, *, peildatum: pd.Timestamp | str, definition: object | None = None
) -> pd.DataFrame:
    """One row per toewijzing: when it joined and left the waiting list, and why it left.

    The list follows the wait definition of the snapshot in notebook 02 (default
    ``toewijzing_start`` of ``kit/waiting_times.yaml``): its filters decide who can be on it and
    its competing exits (turned 18, moved, the toewijzing ended) take a child off it, so the
    list at the peildatum is the same number as that definition's momentopname.

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`.
    peildatum : pandas.Timestamp or str
        Exits after this date have not happened yet.
    definition : kit.waiting_times.WaitDefinition, optional
        Default: ``toewijzing_start`` of the shipped definitions.

    Returns
    -------
    pandas.DataFrame
        ``client_id, gemeente, aanbieder, categorie, in, uit, reden_uit``: ``in`` is the first
        Toewijzingsdatum; ``uit`` the first of start, withdrawal, stop without start, Einddatum
        + 1 day (not for a withdrawn toewijzing, whose Einddatum is void), the definition's
        other competing exits and the first sign of care without a 305 (its
        ``stop_ontbreekt_als``, e.g. a declared period); missing while still waiting on the
        peildatum. ``reden_uit`` is one of ``gestart, ingetrokken, gestopt_zonder_start,
        verlopen`` (ties in that order, then the last two): care without a 305 counts as
        ``gestart``, a competing exit other than a withdrawal as ``verlopen``.
    """
    from kit import waiting_times as wt

    d = definition or wt.load_definitions().get("toewijzing_start")
    peil = pd.Timestamp(peildatum)
    t = pathways[pathways["ToewijzingNummer"].notna() & pathways["eerste_toewijzingsdatum"].notna()]
    t = t[wt.passes_filters(t, d.filters)]
    withdrawn = t["ingetrokken"].fillna(False).astype(bool)
    exit_date, exit_id = wt.first_exit(t, d, t["eerste_toewijzingsdatum"], peil)
    other_exit = exit_date.where(exit_id.ne("toewijzing_ingetrokken").fillna(False))
    care = t[d.stop.column].isna()
    signs = [t[c] for c in d.stop_missing_if]
    evidence = (
        pd.concat(signs, axis=1).min(axis=1).where(care)
        if signs
        else pd.Series(pd.NaT, index=t.index, dtype="datetime64[ns]")
    )
    exits = np.column_stack(
        [
            t["start_begindatum"].to_numpy("datetime64[ns]"),
            t["toewijzingsdatum"].where(withdrawn).to_numpy("datetime64[ns]"),
            t["stop_einddatum"].to_numpy("datetime64[ns]"),
            # a withdrawing version voids the toewijzing, often with Einddatum = Ingangsdatum:
            # its Einddatum says nothing about when the child left the list
            (t["einddatum"] + DAY).where(~withdrawn).to_numpy("datetime64[ns]"),
            evidence.to_numpy("datetime64[ns]"),
            other_exit.to_numpy("datetime64[ns]"),
        ]
    )
    reasons = np.asarray([*WAIT_EXITS, "gestart", "verlopen"])
    as_int = exits.astype("int64")
    as_int[np.isnat(exits) | (exits > np.datetime64(peil))] = np.iinfo("int64").max
    first = as_int.argmin(axis=1)
    left = as_int.min(axis=1) != np.iinfo("int64").max
    out = _units(t)
    out["in"] = t["eerste_toewijzingsdatum"].to_numpy()
    out["uit"] = pd.Series(exits[np.arange(len(t)), first], index=t.index).where(left)
    out["reden_uit"] = pd.Series(reasons[first], index=t.index, dtype="string")
    out.loc[~left, "reden_uit"] = pd.NA
    return out.reset_index(drop=True)


def care_spells(pathways: pd.DataFrame, *, peildatum: pd.Timestamp | str) -> pd.DataFrame:
    """One row per started toewijzing: ``in`` = 305 Begindatum, ``uit`` = 307 Einddatum.

    A child is in care at month end *e* when ``in <= e < uit`` (a stop on the last day of a
    month counts as gone by its end, as the stop counts in that month). Stops after the
    peildatum have not happened yet.

    Returns
    -------
    pandas.DataFrame
        ``client_id, gemeente, aanbieder, categorie, in, uit, reden_uit`` (RedenBeeindiging).
    """
    peil = pd.Timestamp(peildatum)
    s = pathways[pathways["start_begindatum"].notna() & (pathways["start_begindatum"] <= peil)]
    out = _units(s)
    stop = s["stop_einddatum"].where(s["stop_einddatum"] <= peil)
    out["in"] = s["start_begindatum"].to_numpy()
    out["uit"] = stop.to_numpy()
    out["reden_uit"] = s["stop_reden"].where(stop.notna()).to_numpy()
    return out.reset_index(drop=True)


def _units(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "client_id": frame["client_id"].to_numpy(),
            "gemeente": frame["gemeente"].astype("string").fillna(ONBEKEND).to_numpy(),
            "aanbieder": frame["aanbieder"].astype("string").fillna(ONBEKEND).to_numpy(),
            "categorie": frame["categorie"].astype("string").fillna(ONBEKEND).to_numpy(),
        },
        index=frame.index,
    )


def _stack_levels(frame: pd.DataFrame, levels: tuple[str, ...]) -> pd.DataFrame:
    """One copy of ``frame`` per level with columns ``niveau`` and ``eenheid``."""
    parts = []
    for level in levels:
        unit = REGIO if level == "regio" else frame[level]
        parts.append(frame.assign(niveau=level, eenheid=unit))
    return pd.concat(parts, ignore_index=True)


def _all_units(pathways: pd.DataFrame, levels: tuple[str, ...]) -> pd.MultiIndex:
    units = _units(pathways)
    pairs = [("regio", REGIO)] if "regio" in levels else []
    for level in levels:
        if level != "regio":
            pairs += [(level, u) for u in sorted(units[level].unique())]
    return pd.MultiIndex.from_tuples(pairs, names=["niveau", "eenheid"])


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

    The fallback of :func:`measured_waits` when :mod:`kit.waiting_times` is not available.

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
    definitions: object | None = None,
) -> pd.DataFrame:
    """Waiting times per pathway by one definition of :mod:`kit.waiting_times`.

    The definition (default ``toewijzing_start``: first Toewijzingsdatum -> 305 Begindatum,
    GI categories 46-48 left out, a start before the toewijzing counted as day 0, a stop without
    a start left out, withdrawals and lapsed toewijzingen as competing exits) comes from
    ``kit/waiting_times.yaml``. Competing exits and those still waiting are censored, so a
    Kaplan-Meier median answers "how long until the start, for a child that keeps waiting".
    Without that module, :func:`wait_durations` on :func:`waiting_spells` is used.

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`.
    peildatum : pandas.Timestamp or str
        Reference date.
    definition : str
        Definition id in the definitions file.
    definitions : kit.waiting_times.Definitions, optional
        A region's own definitions; default the shipped file.

    Returns
    -------
    pandas.DataFrame
        One row per pathway that counts: ``client_id, gemeente, aanbieder, categorie, start,
        einde, duur, gestart`` (see :func:`wait_durations`).
    """
    try:
        from kit import waiting_times
    except ImportError:  # pragma: no cover - the definitions module is optional
        return wait_durations(waiting_spells(pathways, peildatum=peildatum), peildatum=peildatum)
    defs = definitions or waiting_times.load_definitions()
    measured = waiting_times.included(
        waiting_times.measure_waits(pathways, defs.get(definition), peildatum=peildatum)
    )
    units = _units(measured)
    return pd.DataFrame(
        {
            **{c: units[c].to_numpy() for c in units},
            "start": measured["start"].to_numpy(),
            "einde": measured["einde"].to_numpy(),
            "duur": measured["dagen"].astype(int).to_numpy(),
            "gestart": (measured["event"] == waiting_times.STARTED).to_numpy(bool),
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


# ------------------------------------------------------------------------------------------
# Kaplan-Meier medians, vectorised over groups


def km_median(
    frame: pd.DataFrame,
    by: list[str],
    *,
    duration: str = "duur",
    event: str = "gestart",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Kaplan-Meier median per group, with the confidence interval lifelines reports.

    Same arithmetic as ``lifelines.KaplanMeierFitter`` (product-limit estimate, exponential
    Greenwood bounds) and ``lifelines.utils.median_survival_times`` on those bounds, but for
    all groups at once: fitting lifelines per month x unit would take minutes at region scale.
    ``tests/test_trends.py`` checks the results against lifelines.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per subject with the ``by`` columns, ``duration`` (non-negative numbers) and
        ``event`` (bool; False = censored).
    by : list of str
        Group columns.
    duration, event : str
        Column names.
    alpha : float
        1 - confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``n`` (subjects), ``n_gestart`` (events),
        ``mediaan``, ``ci_laag``, ``ci_hoog``, ``max_duur`` (longest follow-up). A median or
        bound that the curve does not reach is ``inf``.
    """
    if frame.empty:
        # typed, so that rounding and comparisons downstream work on an empty cohort too
        empty = {col: frame[col].iloc[:0] if col in frame else pd.Series(dtype=object) for col in by}
        counts = {col: pd.Series(dtype="int64") for col in ("n", "n_gestart")}
        stats = {col: pd.Series(dtype=float) for col in ("mediaan", "ci_laag", "ci_hoog", "max_duur")}
        return pd.DataFrame({**empty, **counts, **stats})
    ev = frame[event].astype(bool).astype(int)
    table = (
        frame.assign(_e=ev)
        .groupby([*by, duration], sort=True, observed=True)["_e"]
        .agg(d="sum", c="size")
        .reset_index()
    )
    grouped = table.groupby(by, sort=False, observed=True)
    n_at_risk = grouped["c"].transform("sum") - (grouped["c"].cumsum() - table["c"])
    d = table["d"].to_numpy(float)
    n = n_at_risk.to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_step = np.log(n - d) - np.log(n)
        var_step = d / (n * (n - d))
    var_step[np.isinf(var_step)] = 0.0
    table["log_s"] = log_step
    table["var"] = var_step
    cum = table.groupby(by, sort=False, observed=True)[["log_s", "var"]].cumsum()
    v = cum["log_s"].to_numpy()
    z = NormalDist().inv_cdf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = z * np.sqrt(cum["var"].to_numpy()) / v
        lower = np.exp(-np.exp(np.log(-v) - spread))  # v < 0, so this curve lies lower
        upper = np.exp(-np.exp(np.log(-v) + spread))
    table["s"] = np.exp(v)
    table["laag"] = np.nan_to_num(lower, nan=1.0)
    table["hoog"] = np.nan_to_num(upper, nan=1.0)
    summary = grouped.agg(n=("c", "sum"), n_gestart=("d", "sum"), max_duur=(duration, "max"))
    for col, curve in (("mediaan", "s"), ("ci_laag", "laag"), ("ci_hoog", "hoog")):
        crossed = table[table[curve] <= 0.5].groupby(by, sort=False, observed=True)[duration]
        summary[col] = crossed.first().reindex(summary.index).astype(float).fillna(np.inf)
    return summary.reset_index()[
        [*by, "n", "n_gestart", "mediaan", "ci_laag", "ci_hoog", "max_duur"]
    ]


# ------------------------------------------------------------------------------------------
# Provisional months


def message_lags(pathways: pd.DataFrame, prestaties: pd.DataFrame | None = None) -> pd.DataFrame:
    """Event date and Dagtekening of each message, to learn how late messages arrive.

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`.
    prestaties : pandas.DataFrame, optional
        Store table ``prestaties`` (323 lines), cut at the peildatum.

    Returns
    -------
    pandas.DataFrame
        ``bericht, datum, dagtekening``: 301 first Toewijzingsdatum, 305 Begindatum, 307
        Einddatum and 323 ProductPeriode begin date, each with the Dagtekening of that message.
    """
    pairs = [
        ("301", pathways["eerste_toewijzingsdatum"], pathways["eerste_dagtekening"]),
        ("305", pathways["start_begindatum"], pathways["start_dagtekening"]),
        ("307", pathways["stop_einddatum"], pathways["stop_dagtekening"]),
    ]
    if prestaties is not None and len(prestaties):
        debet = prestaties[prestaties["IngediendBedragDebetCredit"].fillna("D") == "D"]
        pairs.append(("323", debet["ProductPeriodeBegindatum"], debet["Dagtekening"]))
    frames = [
        pd.DataFrame({"bericht": b, "datum": d.to_numpy(), "dagtekening": s.to_numpy()})
        for b, d, s in pairs
    ]
    return pd.concat(frames, ignore_index=True).dropna(subset=["datum", "dagtekening"])


def completeness(
    lags: pd.DataFrame,
    *,
    peildatum: pd.Timestamp | str,
    months: list[str],
    horizon: int = 180,
    min_events: int = 30,
) -> pd.DataFrame:
    """Estimate per berichttype how complete each month is on the peildatum.

    The lag distribution F (days from event to Dagtekening, negative lags as 0) is learnt from
    the events of the year that ended ``horizon`` days before the peildatum, whose lags up to
    ``horizon`` days have all been observed. A month's completeness is the mean over its days
    d of F(peildatum - d): the expected share of its events that has arrived. Lags longer
    than ``horizon`` are assumed not to occur.

    Parameters
    ----------
    lags : pandas.DataFrame
        Output of :func:`message_lags`.
    peildatum : pandas.Timestamp or str
        Reference date.
    months : list of str
        Months (``JJJJ-MM``) to estimate, none after the peildatum.
    horizon : int
        Longest lag (days) taken into account.
    min_events : int
        Fewer events in the learning year: completeness unknown (missing).

    Returns
    -------
    pandas.DataFrame
        ``bericht, maand, volledigheid`` (0..1), plus ``n_leer`` (events F was learnt from).
    """
    peil = pd.Timestamp(peildatum)
    days = pd.date_range(pd.Period(months[0], "M").start_time, peil, freq="D")
    day_month = days.strftime("%Y-%m")
    age = np.minimum((peil - days).days.to_numpy(), horizon)
    parts = []
    for bericht, group in lags.groupby("bericht", sort=True):
        learn = group[
            group["datum"].between(
                peil - pd.Timedelta(days=horizon + 365), peil - pd.Timedelta(days=horizon)
            )
        ]
        lag = (learn["dagtekening"] - learn["datum"]).dt.days.clip(lower=0, upper=horizon + 1)
        if len(learn) < min_events:
            per_day = np.full(len(days), np.nan)
        else:
            counts = np.bincount(lag.to_numpy(int), minlength=horizon + 2)[: horizon + 1]
            cdf = np.cumsum(counts) / len(learn)
            cdf[-1] = 1.0  # lags beyond the horizon are assumed not to occur
            per_day = cdf[age]
        frame = pd.DataFrame({"maand": day_month, "f": per_day})
        by_month = frame.groupby("maand")["f"].mean().reindex(months)
        parts.append(
            pd.DataFrame(
                {
                    "bericht": bericht,
                    "maand": months,
                    "volledigheid": by_month.to_numpy(),
                    "n_leer": len(learn),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def last_complete(
    volledigheid: pd.DataFrame, bericht: str, *, threshold: float
) -> str | None:
    """The last month of ``bericht`` before the trailing run of provisional months.

    Parameters
    ----------
    volledigheid : pandas.DataFrame
        Output of :func:`completeness`. Unknown completeness counts as complete (as in
        :func:`flag_provisional`).
    bericht : str
        Berichttype, e.g. ``"323"``.
    threshold : float
        Smallest completeness (0..1) of a final month.

    Returns
    -------
    str or None
        ``JJJJ-MM``; None when every month is provisional or the berichttype is unknown.
    """
    rows = volledigheid[volledigheid["bericht"] == bericht].sort_values("maand")
    final = ~(rows["volledigheid"] < threshold).to_numpy()
    if not final.any():
        return None
    return str(rows["maand"].iloc[int(np.flatnonzero(final)[-1])])


def flag_provisional(
    series: pd.DataFrame, volledigheid: pd.DataFrame, *, threshold: float
) -> pd.DataFrame:
    """Add ``voorlopig``: the month of a series rests on a berichttype below ``threshold``.

    Parameters
    ----------
    series : pandas.DataFrame
        Has ``maand`` and ``reeks``.
    volledigheid : pandas.DataFrame
        Output of :func:`completeness`. Unknown completeness does not make a month provisional.
    threshold : float
        Smallest completeness (0..1) of a final month.

    Returns
    -------
    pandas.DataFrame
        ``series`` with a boolean column ``voorlopig``.
    """
    low = volledigheid[volledigheid["volledigheid"] < threshold]
    low_pairs = set(zip(low["bericht"], low["maand"], strict=True))
    messages = {r: series_messages(r) for r in series["reeks"].unique()}
    provisional = {(r, m) for r, bs in messages.items() for b, m in low_pairs if b in bs}
    keys = pd.MultiIndex.from_frame(series[["reeks", "maand"]])
    flag = keys.isin(list(provisional)) if provisional else np.zeros(len(series), bool)
    return series.assign(voorlopig=flag)


# ------------------------------------------------------------------------------------------
# SPC: XmR charts with the Making Data Count rules

XMR_LIMIT = 2.66  # 3 / 1.128: three sigma from the mean moving range
MR_SCREEN = 3.267  # upper range limit: moving ranges above it are left out of the mean


@dataclass(frozen=True)
class SpcRules:
    """Settings of the special-cause rules (defaults as NHSRplotthedots / Making Data Count).

    Attributes
    ----------
    run : int
        Points in a row on one side of the mean (a point on the mean breaks the run).
    trend : int
        Points in a row each higher (or each lower) than the one before (equal breaks it).
    two_of_three : bool
        Two of three points in a row beyond two sigma on the same side (the third on that
        side too).
    screen_outliers : bool
        Leave moving ranges above 3.267 x their mean out of the limits.
    """

    run: int = 7
    trend: int = 7
    two_of_three: bool = True
    screen_outliers: bool = True


def xmr(
    values: pd.Series,
    *,
    direction: int = 0,
    baseline: tuple[str, str] | None = None,
    rules: SpcRules | None = None,
) -> pd.DataFrame:
    """An XmR (individuals) chart with special-cause flags.

    Parameters
    ----------
    values : pandas.Series
        Indexed by month (``JJJJ-MM``, sorted); missing values are left out.
    direction : int
        1 when higher is better, -1 when lower is better, 0 when neither.
    baseline : tuple of str, optional
        First and last month (inclusive) from which mean and limits are computed; the limits
        then apply to every month. None = all months.
    rules : SpcRules, optional
        Rule settings; defaults when None.

    Returns
    -------
    pandas.DataFrame
        ``maand, waarde, gemiddelde, ondergrens, bovengrens, basislijn, buiten_grenzen,
        reeks_een_kant, trend, twee_van_drie, bijzonder, kant, oordeel, regels``. ``kant`` is
        ``hoog``/``laag`` for special points (for a trend: its direction); ``oordeel`` is
        ``verbetering``, ``verslechtering``, ``bijzonder hoog``/``bijzonder laag`` (direction 0)
        or ``geen bijzondere variatie``.

    Raises
    ------
    ValueError
        When the baseline holds fewer than two values.
    """
    rules = rules or SpcRules()
    y = values.dropna().astype(float).sort_index()
    in_base = (
        pd.Series(True, index=y.index)
        if baseline is None
        else (y.index >= baseline[0]) & (y.index <= baseline[1])
    )
    base = y[np.asarray(in_base)]
    if len(base) < 2:
        raise ValueError("De basisperiode van een SPC-grafiek heeft minstens twee maanden nodig.")
    mean = base.mean()
    mr = base.diff().abs().dropna()
    amr = mr.mean()
    if rules.screen_outliers and len(mr):
        kept = mr[mr < MR_SCREEN * amr]
        amr = kept.mean() if len(kept) else amr
    upper, lower = mean + XMR_LIMIT * amr, mean - XMR_LIMIT * amr
    sigma2 = 2 * XMR_LIMIT / 3 * amr
    v = y.to_numpy()
    side = np.sign(v - mean)
    outside = (v > upper) | (v < lower)
    run = _part_of_run(side, rules.run)
    trend_dir = _trend_direction(v, rules.trend)
    close = ~outside & ((v > mean + sigma2) | (v < mean - sigma2))
    two3 = _two_of_three(close, side) if rules.two_of_three else np.zeros(len(v), bool)
    trend = trend_dir != 0
    special = outside | run | trend | two3
    only_trend = trend & ~(outside | run | two3)
    high = np.where(only_trend, trend_dir > 0, side > 0)
    out = pd.DataFrame(
        {
            "maand": y.index,
            "waarde": v,
            "gemiddelde": mean,
            "ondergrens": lower,
            "bovengrens": upper,
            "basislijn": np.asarray(in_base),
            "buiten_grenzen": outside,
            "reeks_een_kant": run,
            "trend": trend,
            "twee_van_drie": two3,
            "bijzonder": special,
        }
    )
    out["kant"] = pd.Series(np.where(high, "hoog", "laag"), dtype="string").where(special)
    out["oordeel"] = [_verdict(s, k, direction) for s, k in zip(special, out["kant"], strict=True)]
    out["regels"] = _rule_names(out, rules)
    return out


def _part_of_run(side: np.ndarray, length: int) -> np.ndarray:
    """Points that belong to ``length`` or more consecutive points on one side (not on it)."""
    s = pd.Series(side)
    segment = (s != s.shift()).cumsum()
    size = s.groupby(segment).transform("size")
    return ((s != 0) & (size >= length)).to_numpy()


def _trend_direction(v: np.ndarray, length: int) -> np.ndarray:
    """+1/-1 for points in ``length`` or more points each higher/lower than the previous."""
    step = pd.Series(np.sign(np.diff(v, prepend=np.nan)))
    segment = (step != step.shift()).cumsum()
    size = step.groupby(segment).transform("size")
    ends = (step.abs() == 1) & (size >= length - 1)  # the later point of each step in a trend
    direction = step.where(ends)
    starts = direction.shift(-1)  # the point before a trend's first step belongs to it too
    return direction.combine_first(starts).fillna(0).to_numpy()


def _two_of_three(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Close points in a window of three with two or more close and all on one side."""
    c = pd.Series(close.astype(int))
    s = pd.Series(side)
    window = (c.rolling(3).sum() >= 2) & (s.rolling(3).sum().abs() == 3)  # window ending at i
    hit = window | window.shift(-1, fill_value=False) | window.shift(-2, fill_value=False)
    return (hit & c.astype(bool)).to_numpy()


def _verdict(special: bool, side: str | None, direction: int) -> str:
    if not special:
        return "geen bijzondere variatie"
    if direction == 0:
        return f"bijzonder {side}"
    return "verbetering" if (side == "hoog") == (direction > 0) else "verslechtering"


def _rule_names(spc: pd.DataFrame, rules: SpcRules) -> pd.Series:
    names = {
        "buiten_grenzen": "buiten de grenzen",
        "reeks_een_kant": f"{rules.run} of meer op rij aan één kant",
        "trend": f"{rules.trend} of meer op rij stijgend of dalend",
        "twee_van_drie": "2 van 3 dicht bij de grens",
    }
    parts = [spc[col].map({True: name, False: ""}) for col, name in names.items()]
    joined = parts[0].str.cat(parts[1:], sep="; ")
    return joined.str.replace(r"(; )+", "; ", regex=True).str.strip("; ")


def spc_series(
    series: pd.DataFrame,
    *,
    niveau: str,
    eenheid: str,
    reeks: str,
    baseline: tuple[str, str] | None = None,
    rules: SpcRules | None = None,
) -> pd.DataFrame:
    """XmR chart of one monthly series; provisional months are shown but not judged.

    Parameters
    ----------
    series : pandas.DataFrame
        :func:`monthly_series` with ``voorlopig`` (see :func:`flag_provisional`).
    niveau, eenheid, reeks : str
        Which series.
    baseline : tuple of str, optional
        See :func:`xmr`.
    rules : SpcRules, optional
        See :class:`SpcRules`.

    Returns
    -------
    pandas.DataFrame
        :func:`xmr`'s columns plus ``n`` and ``voorlopig``; provisional months carry the limits
        but ``oordeel`` ``voorlopig (niet beoordeeld)``. Empty when fewer than two final months.
    """
    one = series[
        (series["niveau"] == niveau) & (series["eenheid"] == eenheid) & (series["reeks"] == reeks)
    ].sort_values("maand")
    final = one[~one["voorlopig"]].set_index("maand")
    if final["waarde"].notna().sum() < 2:
        return pd.DataFrame()
    chart = xmr(final["waarde"], direction=series_direction(reeks), baseline=baseline, rules=rules)
    chart = chart.assign(voorlopig=False, n=final["n"].reindex(chart["maand"]).to_numpy())
    late = one[one["voorlopig"] & one["waarde"].notna()]
    if len(late):
        filler = chart.iloc[[-1]][["gemiddelde", "ondergrens", "bovengrens"]]
        extra = pd.DataFrame(
            {
                "maand": late["maand"].to_numpy(),
                "waarde": late["waarde"].to_numpy(float),
                "n": late["n"].to_numpy(),
                "voorlopig": True,
                "oordeel": "voorlopig (niet beoordeeld)",
                "bijzonder": False,
                "basislijn": False,
            }
        ).assign(**{c: filler[c].iloc[0] for c in filler})
        chart = pd.concat([chart, extra], ignore_index=True)
    return chart


# ------------------------------------------------------------------------------------------
# Rates per 1,000 jeugdigen


def read_population(path: Path | str) -> pd.DataFrame:
    """Read a population table: one row per gemeente and year.

    Expected columns (more are ignored): ``gemeente`` (the gemeentecode as in the messages,
    e.g. ``0363``), ``jaar`` (e.g. 2025) and ``aantal_0_17`` (inhabitants aged 0 to 17 on
    1 January of that year, as in CBS StatLine table "Bevolking; geslacht, leeftijd en
    burgerlijke staat, 1 januari"). Comma separated, UTF-8.

    Parameters
    ----------
    path : pathlib.Path or str
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        ``gemeente`` (string, 4 digits), ``jaar`` (int), ``aantal_0_17`` (int).

    Raises
    ------
    ValueError
        Naming the file and the column that is missing or holds a wrong value.
    """
    try:
        frame = pd.read_csv(path, dtype={"gemeente": "string"})
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path}: het bestand is leeg") from None
    except pd.errors.ParserError:
        raise ValueError(
            f"{path}: geen geldige CSV (een regel met te veel velden of een aanhalingsteken "
            "zonder sluitteken)"
        ) from None
    missing = [c for c in POPULATION_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: kolom(men) ontbreken: {', '.join(missing)}")
    out = frame[list(POPULATION_COLUMNS)].copy()
    out["gemeente"] = out["gemeente"].str.strip().str.zfill(4)
    for col in ("jaar", "aantal_0_17"):
        number = pd.to_numeric(out[col], errors="coerce")
        if number.isna().any() or (number <= 0).any() or (number % 1 != 0).any():
            raise ValueError(f"{path}: kolom {col} moet overal een positief geheel getal zijn")
        out[col] = number.astype(int)
    if out.duplicated(["gemeente", "jaar"]).any():
        raise ValueError(f"{path}: een gemeente staat meer dan eens in hetzelfde jaar")
    return out


def population_rates(series: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Series per 1,000 jeugdigen for gemeenten and the region.

    A month uses the population of its year, or of the nearest earlier year in the table
    (the nearest later one when there is none). The region's rate is only given when every
    gemeente in the series has a population.

    Parameters
    ----------
    series : pandas.DataFrame
        :func:`monthly_series` (levels ``regio`` and ``gemeente`` are used).
    population : pandas.DataFrame
        Output of :func:`read_population`.

    Returns
    -------
    pandas.DataFrame
        Rows like ``series`` for the reeksen in :data:`RATE_SERIES`, named
        ``<reeks>_per_1000``; ``n`` stays the count, so suppression follows the count.
    """
    counts = series[
        series["reeks"].isin(RATE_SERIES) & series["niveau"].isin(["regio", "gemeente"])
    ].copy()
    counts["jaar"] = counts["maand"].str[:4].astype(int)
    gemeenten = sorted(series.loc[series["niveau"] == "gemeente", "eenheid"].unique())
    years = sorted(counts["jaar"].unique())
    lookup = _population_by_year(population, years)
    if set(gemeenten) <= set(population["gemeente"]):
        region = lookup[lookup["gemeente"].isin(gemeenten)].groupby("jaar")["aantal_0_17"].sum()
        lookup = pd.concat([lookup, region.reset_index().assign(gemeente=REGIO)], ignore_index=True)
    merged = counts.merge(
        lookup.rename(columns={"gemeente": "eenheid"}), on=["eenheid", "jaar"], how="inner"
    )
    merged = merged[(merged["niveau"] == "regio") == (merged["eenheid"] == REGIO)]
    merged["waarde"] = 1000 * merged["waarde"] / merged["aantal_0_17"]
    merged["reeks"] = merged["reeks"] + "_per_1000"
    return merged[series.columns].reset_index(drop=True)


def _population_by_year(population: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    wanted = pd.DataFrame(
        [(g, y) for g in population["gemeente"].unique() for y in years],
        columns=["gemeente", "jaar"],
    ).astype({"gemeente": "string", "jaar": "int64"})
    wanted = wanted.sort_values("jaar")
    pop = population.astype({"gemeente": "string", "jaar": "int64"}).sort_values("jaar")
    back = pd.merge_asof(wanted, pop, on="jaar", by="gemeente", direction="backward")
    fwd = pd.merge_asof(wanted, pop, on="jaar", by="gemeente", direction="forward")
    back["aantal_0_17"] = back["aantal_0_17"].fillna(fwd["aantal_0_17"])
    return back.dropna(subset=["aantal_0_17"])


# ------------------------------------------------------------------------------------------
# Funnel plots


def funnel(counts: pd.DataFrame, *, target: float | None = None) -> pd.DataFrame:
    """Funnel-plot limits for a share per unit (normal approximation to the binomial).

    Parameters
    ----------
    counts : pandas.DataFrame
        One row per unit: ``eenheid``, ``x`` (units with the property), ``n`` (units judged);
        other columns are kept. Rows with ``n == 0`` are dropped.
    target : float, optional
        Target share (0..1); default the pooled share ``sum(x) / sum(n)``.

    Returns
    -------
    pandas.DataFrame
        ``counts`` plus (in %) ``pct``, ``doel_pct``, ``grens95_laag``, ``grens95_hoog``,
        ``grens998_laag``, ``grens998_hoog`` (``doel ± z·sqrt(doel(1-doel)/n)``, z = 1.96 and
        3.09, clipped to 0..100) and ``beoordeling``: ``boven 99,8%-grens``, ``boven
        95%-grens``, ``binnen de grenzen``, ``onder 95%-grens`` or ``onder 99,8%-grens``.
    """
    c = counts[counts["n"] > 0].copy()
    p0 = c["x"].sum() / c["n"].sum() if target is None else target
    c["pct"] = 100 * c["x"] / c["n"]
    c["doel_pct"] = 100 * p0
    se = np.sqrt(p0 * (1 - p0) / c["n"].astype(float))
    for name, z in FUNNEL_Z.items():
        c[f"grens{name}_laag"] = (100 * (p0 - z * se)).clip(0, 100)
        c[f"grens{name}_hoog"] = (100 * (p0 + z * se)).clip(0, 100)
    c["beoordeling"] = np.select(
        [
            c["pct"] > c["grens998_hoog"],
            c["pct"] > c["grens95_hoog"],
            c["pct"] < c["grens998_laag"],
            c["pct"] < c["grens95_laag"],
        ],
        ["boven 99,8%-grens", "boven 95%-grens", "onder 99,8%-grens", "onder 95%-grens"],
        default="binnen de grenzen",
    )
    return c.reset_index(drop=True)


def funnel_lines(target_pct: float, n_max: float, *, points: int = 80) -> pd.DataFrame:
    """The funnel's limit lines from n = 1 to ``n_max`` (for drawing).

    Returns
    -------
    pandas.DataFrame
        ``n, doel_pct, grens95_laag, grens95_hoog, grens998_laag, grens998_hoog``.
    """
    n = np.unique(np.geomspace(1, max(n_max, 2), points))
    frame = pd.DataFrame({"eenheid": "", "x": target_pct / 100 * n, "n": n})
    return funnel(frame, target=target_pct / 100).drop(
        columns=["eenheid", "x", "pct", "beoordeling"]
    )


FUNNEL_INDICATORS = {
    "binnen_norm": "Gestart binnen de norm (% van wie startte)",
    "auto_305": "Start lijkt automatisch (% van de 305's)",
    "nooit_gestart": "Toewijzing nooit gestart (% van de toewijzingen)",
}
#: 1 when a high share is favourable, -1 when it is unfavourable
FUNNEL_DIRECTION = {"binnen_norm": 1, "auto_305": -1, "nooit_gestart": -1}


def funnel_counts(
    pathways: pd.DataFrame,
    auto305: pd.DataFrame,
    waits: pd.DataFrame,
    *,
    peildatum: pd.Timestamp | str,
    months: int = 12,
    norm_days: int = 70,
    mature_days: int = 91,
) -> pd.DataFrame:
    """Numerators and denominators of the funnel indicators per gemeente and per aanbieder.

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`.
    auto305 : pandas.DataFrame
        One row per 305 judged: ``aanbieder, gemeente, datum, afwijkend`` (see
        :func:`auto_305_records`).
    waits : pandas.DataFrame
        :func:`measured_waits`; ``binnen_norm`` counts its starts in the period.
    peildatum : pandas.Timestamp or str
        Reference date.
    months : int
        The period: this many complete months up to the peildatum.
    norm_days : int
        ``binnen_norm``: started at most this many days after the start of the wait.
    mature_days : int
        ``nooit_gestart``: toewijzingen (not withdrawn) from the period shifted back by this many
        days, so each had time to start; x = those without a 305.

    Returns
    -------
    pandas.DataFrame
        ``indicator, niveau, eenheid, x, n``.
    """
    end = pd.Period(last_complete_month(peildatum), "M").end_time.normalize()
    start = (pd.Period(last_complete_month(peildatum), "M") - months + 1).start_time
    started = waits[waits["gestart"] & waits["einde"].between(start, end)]
    shift = pd.Timedelta(days=mature_days)
    toew = pathways[
        pathways["ToewijzingNummer"].notna()
        & pathways["eerste_toewijzingsdatum"].between(start - shift, end - shift)
        & ~pathways["ingetrokken"].fillna(False).astype(bool)
    ]
    auto = auto305[auto305["datum"].between(start, end)]
    parts = [
        ("binnen_norm", started, started["duur"] <= norm_days),
        ("auto_305", auto, auto["afwijkend"]),
        ("nooit_gestart", toew, toew["start_begindatum"].isna()),
    ]
    rows = []
    for indicator, frame, hit in parts:
        for level in ("gemeente", "aanbieder"):
            g = pd.DataFrame({"eenheid": frame[level].astype("string"), "x": hit.astype(int)})
            agg = g.groupby("eenheid")["x"].agg(x="sum", n="size").reset_index()
            rows.append(agg.assign(indicator=indicator, niveau=level))
    out = pd.concat(rows, ignore_index=True)
    return out[["indicator", "niveau", "eenheid", "x", "n"]]


def auto_305_records(data: object, *, params: dict | None = None) -> pd.DataFrame:
    """Every 305 judged by the quick-scan check ``start_automatisch``, GI categories left out.

    Parameters
    ----------
    data : kit.checks.base.ScanData
        The scan's data.
    params : dict, optional
        The check's parameters; default those in the shipped ``checks.yaml``.

    Returns
    -------
    pandas.DataFrame
        ``aanbieder, gemeente, datum, afwijkend`` (datum = the 305 Dagtekening). Starts in the
        categories where an automatic start is real or the agreed practice
        (``verwacht_categorieen``: crisis and GI) are left out of numerator and denominator, as
        in :func:`kit.checks.patterns.provider_patterns`.
    """
    from kit.checks import load_checks
    from kit.checks.starts import automatic_305

    if params is None:
        params = next(c.parameters for c in load_checks() if c.id == "start_automatisch")
    result = automatic_305(data, params)
    if result is None:
        return pd.DataFrame(columns=["aanbieder", "gemeente", "datum", "afwijkend"])
    result = result[~result["verwacht"]]
    return result[["aanbieder", "gemeente", "datum", "afwijkend"]].reset_index(drop=True)


# ------------------------------------------------------------------------------------------
# Beschikbaarheidswijzer and queueing indicators


def availability(
    pathways: pd.DataFrame,
    *,
    peildatum: pd.Timestamp | str,
    quarter_months: int = 3,
    waits: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Beschikbaarheidswijzer: per aanbieder x productcategorie the list now and the expected wait.

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`.
    peildatum : pandas.Timestamp or str
        Reference date: the waiting list is taken on this date.
    quarter_months : int
        Length of a cohort: the toewijzingen of the last ``quarter_months`` complete months
        (and of the same span before, for the trend).
    waits : pandas.DataFrame, optional
        :func:`measured_waits` (computed here when None).

    Returns
    -------
    pandas.DataFrame
        ``aanbieder, categorie, wachtlijst, n_cohort, n_gestart, mediaan_dagen, ci_laag_dagen,
        ci_hoog_dagen, max_duur, n_cohort_vorig, n_gestart_vorig, mediaan_vorig_dagen,
        max_duur_vorig, richting``. ``wachtlijst`` follows :func:`waiting_spells`; the median
        is the Kaplan-Meier median of :func:`measured_waits` (other exits censored); ``inf`` when
        the curve has not reached 50% yet (the median then lies beyond ``max_duur``, the longest
        follow-up). ``richting``: ``langer`` when the lower 95% bound now lies above the previous
        median, ``korter`` when the upper bound lies below it, else ``geen duidelijk verschil``;
        ``onbekend`` without a cohort now or before. A bound or median that was not reached
        counts as its longest follow-up (a safe lower bound).
    """
    peil = pd.Timestamp(peildatum)
    last = pd.Period(last_complete_month(peil), "M")
    if waits is None:
        waits = measured_waits(pathways, peildatum=peil)
    cohort = _ordinal(waits["start"])
    m_last = _month_number(str(last))
    now = waits[cohort.between(m_last - quarter_months + 1, m_last)]
    before = waits[cohort.between(m_last - 2 * quarter_months + 1, m_last - quarter_months)]
    wait = waiting_spells(pathways, peildatum=peil)
    keys = ["aanbieder", "categorie"]
    km_now = km_median(now, keys)
    km_before = km_median(before, keys)[[*keys, "n", "n_gestart", "mediaan", "max_duur"]].rename(
        columns={
            "n": "n_cohort_vorig",
            "n_gestart": "n_gestart_vorig",
            "mediaan": "mediaan_vorig_dagen",
            "max_duur": "max_duur_vorig",
        }
    )
    on_list = wait[(wait["in"] <= peil) & (wait["uit"].isna() | (wait["uit"] > peil))]
    listed = on_list.groupby(keys).size().rename("wachtlijst").reset_index()
    out = (
        listed.merge(km_now, on=keys, how="outer")
        .merge(km_before, on=keys, how="left")
        .rename(
            columns={
                "n": "n_cohort",
                "mediaan": "mediaan_dagen",
                "ci_laag": "ci_laag_dagen",
                "ci_hoog": "ci_hoog_dagen",
            }
        )
    )
    for col in ("wachtlijst", "n_cohort", "n_gestart", "n_cohort_vorig", "n_gestart_vorig"):
        out[col] = out[col].fillna(0).astype(int)
    out["richting"] = _direction(out)
    cols = [
        *keys,
        "wachtlijst",
        "n_cohort",
        "n_gestart",
        "mediaan_dagen",
        "ci_laag_dagen",
        "ci_hoog_dagen",
        "max_duur",
        "n_cohort_vorig",
        "n_gestart_vorig",
        "mediaan_vorig_dagen",
        "max_duur_vorig",
        "richting",
    ]
    return out[cols].sort_values(keys).reset_index(drop=True)


def _direction(w: pd.DataFrame) -> pd.Series:
    # a median the curve did not reach lies beyond the longest follow-up: use that as its bound
    now_low = w["ci_laag_dagen"].where(~np.isinf(w["ci_laag_dagen"].astype(float)), w["max_duur"])
    prev = w["mediaan_vorig_dagen"]
    prev = prev.where(~np.isinf(prev.astype(float)), w["max_duur_vorig"])
    unknown = prev.isna() | w["mediaan_dagen"].isna()
    return pd.Series(
        np.select(
            [unknown, now_low > prev, w["ci_hoog_dagen"] < prev],
            ["onbekend", "langer", "korter"],
            default="geen duidelijk verschil",
        ),
        index=w.index,
        dtype="string",
    )


def wait_text(mediaan: float, laag: float, hoog: float) -> str:
    """Dutch text for a KM median with its 95% interval, e.g. ``35 dagen (95%-BI 28–44)``.

    A median the curve has not reached reads ``nog niet te schatten (meer dan de helft wacht
    nog)``; a bound not reached reads ``?``. No longest follow-up is shown: a maximum can
    point at one child's dates.
    """
    if pd.isna(mediaan):
        return ""
    if np.isinf(mediaan):
        return "nog niet te schatten (meer dan de helft wacht nog)"
    low = "?" if np.isinf(laag) else f"{laag:.0f}"
    high = "?" if np.isinf(hoog) else f"{hoog:.0f}"
    return f"{mediaan:.0f} dagen (95%-BI {low}–{high})"


@dataclass(frozen=True)
class QueueSettings:
    """Assumptions of the queueing indicators.

    Attributes
    ----------
    norm_weeks : float
        The waiting-time norm (e.g. the Treeknorm of 10 weeks).
    weeks : int
        Demand and capacity are weekly means over this many weeks up to the peildatum.
    factor : float
        Target mean wait = norm / factor; 4 gives about a 2% chance of exceeding the norm
        (Fong et al. 2022; NHSRwaitinglist ``calc_target_mean_wait``).
    relief_weeks : int
        Weeks in which an oversized list should come down to its target size.
    """

    norm_weeks: float = 10
    weeks: int = 52
    factor: float = 4
    relief_weeks: int = 26


def queue_indicators(
    pathways: pd.DataFrame,
    *,
    peildatum: pd.Timestamp | str,
    settings: QueueSettings | None = None,
) -> pd.DataFrame:
    """Queueing indicators per productcategorie and for the region (NHSRwaitinglist ``wl_stats``).

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`.
    peildatum : pandas.Timestamp or str
        Reference date.
    settings : QueueSettings, optional
        Norm, window and factor.

    Returns
    -------
    pandas.DataFrame
        One row per categorie plus ``totaal``: ``categorie, n_instroom, n_gestart, n_uitval,
        wachtlijst, vraag_per_week`` (new toewijzingen), ``capaciteit_per_week`` (starts from
        the list), ``uitval_per_week`` (withdrawn, lapsed, stopped without start),
        ``belasting`` (vraag / capaciteit), ``belasting_te_hoog`` (belasting >= 1: the list
        keeps growing, whatever its size), ``doel_wachtlijst`` (Little: vraag x norm / factor,
        only reachable when belasting < 1), ``wachtlijst_te_groot`` (list > 2 x target), ``gem_wachttijd_weken`` (mean time waited
        so far by those on the list), ``druk`` (2 x gem_wachttijd / norm; above 1 the norm
        will most likely be missed), ``herstelcapaciteit_per_week`` (vraag + (list - target) /
        relief_weeks, when the list is too big).
    """
    s = settings or QueueSettings()
    peil = pd.Timestamp(peildatum)
    start = peil - pd.Timedelta(weeks=s.weeks)
    wait = waiting_spells(pathways, peildatum=peil)
    wait = pd.concat([wait, wait.assign(categorie=REGIO)], ignore_index=True)
    exit_at = wait["uit"].where(wait["uit"] >= wait["in"], wait["in"])
    in_window = wait["in"].between(start, peil, inclusive="right")
    left = exit_at.between(start, peil, inclusive="right") & wait["uit"].notna()
    on_list = (wait["in"] <= peil) & wait["uit"].isna()
    frame = wait.assign(
        instroom=in_window,
        gestart=left & (wait["reden_uit"] == "gestart"),
        uitval=left & (wait["reden_uit"] != "gestart"),
        wacht=on_list,
        weken_gewacht=((peil - wait["in"]).dt.days / 7).where(on_list),
    )
    g = frame.groupby("categorie")
    out = pd.DataFrame(
        {
            "n_instroom": g["instroom"].sum(),
            "n_gestart": g["gestart"].sum(),
            "n_uitval": g["uitval"].sum(),
            "wachtlijst": g["wacht"].sum(),
            "gem_wachttijd_weken": g["weken_gewacht"].mean(),
        }
    ).astype({"n_instroom": int, "n_gestart": int, "n_uitval": int, "wachtlijst": int})
    out["vraag_per_week"] = out["n_instroom"] / s.weeks
    out["capaciteit_per_week"] = out["n_gestart"] / s.weeks
    out["uitval_per_week"] = out["n_uitval"] / s.weeks
    out["belasting"] = out["vraag_per_week"] / out["capaciteit_per_week"].where(
        out["capaciteit_per_week"] > 0
    )
    out["belasting_te_hoog"] = out["belasting"].isna() | (out["belasting"] >= 1)
    out["doel_wachtlijst"] = out["vraag_per_week"] * s.norm_weeks / s.factor
    too_big = out["wachtlijst"] > 2 * out["doel_wachtlijst"]
    out["wachtlijst_te_groot"] = too_big
    out["druk"] = 2 * out["gem_wachttijd_weken"] / s.norm_weeks
    relief = out["vraag_per_week"] + (out["wachtlijst"] - out["doel_wachtlijst"]) / s.relief_weeks
    out["herstelcapaciteit_per_week"] = relief.where(too_big)
    out = out.reset_index()
    order = out["categorie"].eq(REGIO)
    return pd.concat([out[~order], out[order]], ignore_index=True)


def littles_law(
    pathways: pd.DataFrame,
    *,
    peildatum: pd.Timestamp | str,
    level: str = "regio",
    window: int = 6,
    margin: float = 0.25,
    stable_change: float = 0.10,
) -> pd.DataFrame:
    """Little's-law plausibility band for the waiting list at each month end.

    L = lambda x W holds for long-run averages of a *stable* list: lambda = arrivals per day
    over the last ``window`` months, W = mean days on the list of those who left it in that
    window (all exits). The list is plausible when it lies within ``(1 ± margin) x lambda x W``.
    A growing list lies above the band (recent arrivals have not left yet and completed waits
    understate the current wait); a shrinking one below it.

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`kit.pathways.build_pathways`.
    peildatum : pandas.Timestamp or str
        Reference date.
    level : str
        ``regio`` or ``categorie`` (or ``gemeente``, ``aanbieder``).
    window : int
        Months over which lambda and W are averaged.
    margin : float
        Half-width of the band, relative to lambda x W.
    stable_change : float
        The list counts as stable when it changed by at most this share over the window.

    Returns
    -------
    pandas.DataFrame
        ``maand, niveau, eenheid, wachtlijst, n_instroom, n_uit, aankomst_per_dag,
        gem_dagen_op_lijst, schatting, band_laag, band_hoog, binnen_band, stabiel``
        (months from the ``window``-th month on).
    """
    m0, m1 = month_span(pathways, peildatum=peildatum)
    months = range(m0, m1 + 1)
    units = _all_units(pathways, (level,))
    wait = waiting_spells(pathways, peildatum=peildatum)
    stock = _stock_wide(wait, (level,), units, months)
    m_in = _ordinal(wait["in"])
    left = wait["uit"].notna()
    m_out = np.maximum(_ordinal(wait["uit"]), m_in)
    stay = (wait["uit"] - wait["in"]).dt.days.clip(lower=0)
    base = wait[["gemeente", "aanbieder", "categorie"]]
    arrivals = _stack_levels(base.assign(m=m_in), (level,)).groupby(["niveau", "eenheid", "m"])
    exits = _stack_levels(base[left].assign(m=m_out[left], d=stay[left]), (level,)).groupby(
        ["niveau", "eenheid", "m"]
    )
    n_in = _grid(arrivals.size(), units, months)
    n_out = _grid(exits.size(), units, months)
    days_out = _grid(exits["d"].sum(), units, months)
    month_days = pd.Series(
        [pd.Period(_month_of(m), "M").days_in_month for m in months], index=list(months)
    )

    def rolling(wide: pd.DataFrame) -> pd.DataFrame:
        return wide.T.rolling(window).sum().T

    lam = rolling(n_in) / month_days.rolling(window).sum()
    w = rolling(days_out) / rolling(n_out).where(rolling(n_out) > 0)
    estimate = lam * w
    previous = stock.shift(window, axis=1)
    frames = {
        "wachtlijst": stock,
        "n_instroom": rolling(n_in),
        "n_uit": rolling(n_out),
        "aankomst_per_dag": lam,
        "gem_dagen_op_lijst": w,
        "schatting": estimate,
        "band_laag": estimate * (1 - margin),
        "band_hoog": estimate * (1 + margin),
        "stabiel": ((stock - previous).abs() <= stable_change * previous).where(previous.notna()),
    }
    long = pd.concat({k: v.stack(future_stack=True) for k, v in frames.items()}, axis=1)
    long = long.reset_index().rename(columns={"level_2": "m"})
    long.columns = ["niveau", "eenheid", "m", *frames]
    long = long[long["m"] >= m0 + window - 1]
    long["binnen_band"] = long["wachtlijst"].between(long["band_laag"], long["band_hoog"])
    long["stabiel"] = long["stabiel"].astype("boolean")
    long["maand"] = [_month_of(int(m)) for m in long.pop("m")]
    cols = ["maand", "niveau", "eenheid", *frames, "binnen_band"]
    cols.remove("stabiel")
    return long[[*cols, "stabiel"]].reset_index(drop=True)


# ------------------------------------------------------------------------------------------
# Everything at once


@dataclass
class Trends:
    """All trend tables of one region on one peildatum (not suppressed)."""

    peildatum: pd.Timestamp
    series: pd.DataFrame
    volledigheid: pd.DataFrame
    stroom: pd.DataFrame
    little: pd.DataFrame
    funnels: pd.DataFrame
    wijzer: pd.DataFrame
    wachtrij: pd.DataFrame
    threshold_complete: float
    queue: QueueSettings = field(default_factory=QueueSettings)
    norm_days: int = 70
    rates: bool = False


def compute_trends(
    data: object,
    *,
    population: pd.DataFrame | None = None,
    threshold_complete: float | None = None,
    norm_weeks: float = 10,
    funnel_months: int = 12,
    gemeenten: tuple[str, ...] | list[str] = (),
) -> Trends:
    """Compute every trend table from a scan's data.

    Parameters
    ----------
    data : kit.checks.base.ScanData
        From :func:`kit.checks.prepare_scan` (messages after the peildatum left out).
    population : pandas.DataFrame, optional
        :func:`read_population`; adds ``<reeks>_per_1000`` series.
    threshold_complete : float, optional
        Months of a series below this completeness (0..1) are ``voorlopig``; default
        ``voorlopig.min_volledigheid`` of the shipped ``waiting_times.yaml``
        (:func:`kit.config.min_complete`).
    norm_weeks : float
        Waiting-time norm for ``binnen_norm`` and the queueing indicators.
    funnel_months : int
        Period of the funnel indicators (complete months up to the peildatum).
    gemeenten : sequence of str
        Keep only these gemeenten (empty = all); the ``regio`` level is then their total.
        Message lateness is still learnt from the whole store.

    Returns
    -------
    Trends
    """
    if threshold_complete is None:
        threshold_complete = config.min_complete()
    peil = data.peildatum
    p = data.pathways
    auto = auto_305_records(data)
    if gemeenten:
        p = p[p["gemeente"].isin(list(gemeenten))].reset_index(drop=True)
        auto = auto[auto["gemeente"].isin(list(gemeenten))]
    waits = measured_waits(p, peildatum=peil)
    series = monthly_series(p, peildatum=peil, waits=waits)
    if population is not None:
        series = pd.concat([series, population_rates(series, population)], ignore_index=True)
    months = sorted(series["maand"].unique())
    lags = message_lags(data.pathways, data.tables.get("prestaties"))
    compl = completeness(lags, peildatum=peil, months=months)
    series = flag_provisional(series, compl, threshold=threshold_complete)
    # a month after the last message in the store cannot be complete, whatever the lags say
    last_sent = data.tables["berichten"]["Dagtekening"].max()
    after = series["maand"] > (str(last_sent)[:7] if pd.notna(last_sent) else "")
    series["voorlopig"] = series["voorlopig"] | after
    norm_days = int(round(norm_weeks * 7))
    counts = funnel_counts(
        p, auto, waits, peildatum=peil, months=funnel_months, norm_days=norm_days
    )
    funnels = pd.concat(
        [
            funnel(group.drop(columns=["indicator", "niveau"])).assign(indicator=ind, niveau=lvl)
            for (ind, lvl), group in counts.groupby(["indicator", "niveau"], sort=False)
        ]
        # no unit to judge (say, no toewijzing yet): an empty table with the same columns
        or [funnel(counts.drop(columns=["indicator", "niveau"]), target=0.0).assign(
            indicator="", niveau=""
        )],
        ignore_index=True,
    )
    queue = QueueSettings(norm_weeks=norm_weeks)
    return Trends(
        peildatum=peil,
        series=series,
        volledigheid=compl,
        stroom=stock_flow(series, levels=LEVELS),
        little=pd.concat(
            [littles_law(p, peildatum=peil, level=lvl) for lvl in ("regio", "categorie")],
            ignore_index=True,
        ),
        funnels=funnels,
        wijzer=availability(p, peildatum=peil, waits=waits),
        wachtrij=queue_indicators(p, peildatum=peil, settings=queue),
        threshold_complete=threshold_complete,
        queue=queue,
        norm_days=norm_days,
        rates=population is not None,
    )


def shared_tables(trends: Trends) -> dict:
    """The CSV tables of ``python -m kit trends``, for :func:`kit.outputs.write_shared`.

    Returns
    -------
    dict of kit.outputs.SharedTable
        ``maand`` (``maand, niveau, eenheid, reeks, waarde, voorlopig, n``: ``waarde`` is
        blanked with ``n``) and ``wijzer`` (the Beschikbaarheidswijzer with
        ``verwachte_wachttijd`` as text; medians blanked with their cohort counts).
    """
    from kit.outputs import SharedTable

    maand = trends.series[["maand", "niveau", "eenheid", "reeks", "waarde", "voorlopig", "n"]]
    maand = maand.assign(waarde=maand["waarde"].round(3)).sort_values(
        ["niveau", "eenheid", "reeks", "maand"]
    )
    w = trends.wijzer
    last = last_complete_month(trends.peildatum)
    provisional = trends.volledigheid[
        (trends.volledigheid["bericht"] == "305") & (trends.volledigheid["maand"] == last)
    ]["volledigheid"]
    wijzer = w.assign(
        verwachte_wachttijd=[
            wait_text(*row)
            for row in w[["mediaan_dagen", "ci_laag_dagen", "ci_hoog_dagen"]]
            .astype(float)
            .itertuples(index=False)
        ],
        voorlopig=bool((provisional < trends.threshold_complete).any()),
    )
    for col in ("mediaan_dagen", "ci_laag_dagen", "ci_hoog_dagen", "mediaan_vorig_dagen"):
        wijzer[col] = wijzer[col].replace(np.inf, np.nan).round(1)
    wijzer = wijzer.drop(columns=["max_duur", "max_duur_vorig"])
    return {
        "maand": SharedTable.protected(maand.reset_index(drop=True), SERIES_PROTECTION),
        "wijzer": SharedTable.protected(wijzer, WIJZER_PROTECTION),
    }
