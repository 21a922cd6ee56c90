"""Checks on the end of care (307): stops without a start, dates, open temporary stops, reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.checks.base import DAYS, WORKDAYS, ScanData, outcome, register
from kit.checks.starts import (
    DELIVERY_ORDER,
    PAIR,
    alive_periods,
    current_301,
    current_301_rows,
    current_starts,
    current_stops,
    in_force_on,
    without_rejected,
)
from kit.pathways import START_KEY, TEMPORARY_STOP, key_codes, matches

# RedenBeeindiging (JZ588) -> the RedenWijziging (JZ002) a later change of the toewijzing should have.
MATCHING_REASON = {"38": "09", "39": "06", "35": "07", "02": "02", "37": "12"}


def stop_rows(data: ScanData) -> pd.DataFrame:
    """Every 307 row with StatusAanlevering 1, as delivered, without rejected 307s.

    A 307 its retour rejected counts as never sent (OP286; ``afgekeurd_in_data`` reports it).
    """
    stops = without_rejected(data, "stops")
    return stops[stops["StatusAanlevering"] == "1"]


@register("stop_zonder_start")
def stop_zonder_start(data: ScanData, params: dict) -> pd.DataFrame | None:
    """307 without a 305 with the same logical key (OP072, TR382).

    Records: 307 rows with StatusAanlevering 1 as delivered. A stop passes when a 305 with the
    same gemeente, aanbieder, client, ToewijzingNummer, product and Begindatum

    - was delivered on or before the stop's Dagtekening and not deleted (StatusAanlevering 3)
      before it; or
    - is current at the peildatum (a start deleted and delivered again, a correction, exists);
    - or was delivered with a Dagtekening after the peildatum (its date is a clock or typing
      error, reported by check ``dagtekening_na_peildatum``; the start exists).

    Rejected 305s do not count.
    """
    stops = stop_rows(data)
    if stops.empty:
        return None
    periods = alive_periods(without_rejected(data, "starts"), START_KEY)
    later = data.later_rows("starts")
    exists = pd.concat(
        [current_starts(data)[START_KEY], later.loc[later["StatusAanlevering"] == "1", START_KEY]],
        ignore_index=True,
    )
    started = in_force_on(stops, periods, START_KEY) | matches(stops, exists, START_KEY)
    return outcome(stops, ~started)


@register("stop_datumlogica", {"max_werkdagen": WORKDAYS})
def stop_datumlogica(data: ScanData, params: dict) -> pd.DataFrame | None:
    """307 with Einddatum before Begindatum, after the 301 Einddatum, or sent too late.

    Records: 307 rows with StatusAanlevering 1 as delivered. A row fails when

    - Einddatum < Begindatum (TR018);
    - Einddatum > the Einddatum of the current 301 of its toewijzing (care beyond the toewijzing);
    - it is a definitive stop (reason not 20) that does not follow a temporary stop of the same
      start, and its Dagtekening is more than N working days after the Einddatum (OP272). A
      definitive stop after a temporary one is due within N days after the end "became known",
      which the messages do not show, so its timeliness is not judged.
    """
    stops = stop_rows(data)
    if stops.empty:
        return None
    reversed_dates = stops["Einddatum"] < stops["Begindatum"]

    toew = current_301(data)[[*PAIR, "einddatum"]]
    linked = stops[PAIR].merge(toew, on=PAIR, how="left").set_index(stops.index)
    beyond = linked["einddatum"].notna() & (stops["Einddatum"] > linked["einddatum"])

    temporary = (stops["RedenBeeindiging"] == TEMPORARY_STOP).fillna(False).to_numpy(dtype=bool)
    (key,) = key_codes(START_KEY, stops)
    first_temp = pd.Series(stops["Dagtekening"].to_numpy()[temporary]).groupby(key[temporary]).min()
    after_temp = pd.Series(key, index=stops.index).map(first_temp) <= stops["Dagtekening"]
    definitive = pd.Series(~temporary, index=stops.index)
    lag = data.calendar.between(stops["Einddatum"], stops["Dagtekening"])
    late = definitive & ~after_temp.fillna(False).astype(bool) & (lag > params["max_werkdagen"])
    return outcome(stops, reversed_dates | beyond | late.fillna(False).astype(bool))


@register("tijdelijke_stop_open", {"max_dagen": DAYS, "max_werkdagen": WORKDAYS})
def tijdelijke_stop_open(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Temporary stop (reason 20) not resolved in time, repeated, or overtaken (OP377-OP379).

    Records: current temporary stops (rejected messages dropped, StatusAanlevering 3 applied)
    whose deadline lies on or before the peildatum. The deadline is ``max_dagen`` calendar days
    after the stop's Einddatum, or earlier: N working days (``max_werkdagen``, default 5) after
    the toewijzing ended (its Einddatum, or the Dagtekening of the current 301 version if that
    came later). A temporary stop fails when

    - by the deadline neither a new current 305 on the same toewijzing (Begindatum on or after
      the stop's Einddatum) nor a current definitive 307 of the same start was sent;
    - it is the second or later current reason-20 stop of the same start (TR413);
    - a later stop of the same start has an earlier Einddatum (TR414).

    ``datum`` is the deadline.
    """
    stops = current_stops(data)
    if not (stops["RedenBeeindiging"] == TEMPORARY_STOP).any():
        return None
    starts = current_starts(data)
    (key,) = key_codes(START_KEY, stops)
    stop_pair, start_pair = key_codes(PAIR, stops, starts)
    stops = stops.assign(_key=key, _pair=stop_pair).sort_values(DELIVERY_ORDER, kind="mergesort")
    stops["volgnummer"] = np.arange(len(stops))
    is_temp = (stops["RedenBeeindiging"] == TEMPORARY_STOP).fillna(False).astype(bool)
    temp = stops[is_temp]

    toew = current_301_rows(data)[[*PAIR, "einddatum", "dagtekening_301"]]
    temp = temp.merge(toew, on=PAIR, how="left")
    toewijzing_end = data.calendar.add(
        temp[["einddatum", "dagtekening_301"]].max(axis=1), params["max_werkdagen"]
    )
    term_end = temp["Einddatum"] + pd.Timedelta(days=params["max_dagen"])
    temp["deadline"] = pd.concat([term_end, toewijzing_end], axis=1).min(axis=1)
    temp = temp[temp["deadline"] <= data.peildatum]
    if temp.empty:
        return outcome(temp, pd.Series(False, index=temp.index), datum="deadline")

    ident = temp[["_key", "_pair", "Begindatum", "record", "Einddatum", "deadline", "volgnummer"]]
    # Resolved by a definitive stop of the same start, sent by the deadline.
    by_stop = ident.merge(stops.loc[~is_temp, ["_key", "Dagtekening"]], on="_key")
    by_stop = by_stop.loc[by_stop["Dagtekening"] <= by_stop["deadline"], "record"]
    # Resolved by a restart: a new current 305 on the same toewijzing.
    restarts = pd.DataFrame(
        {
            "_pair": start_pair,
            "herstart": starts["Begindatum"].to_numpy(),
            "herstart_dagtekening": starts["Dagtekening"].to_numpy(),
        }
    )
    by_start = ident.merge(restarts, on="_pair")
    by_start = by_start.loc[
        (by_start["herstart"] >= by_start["Einddatum"])
        & (by_start["herstart"] > by_start["Begindatum"])
        & (by_start["herstart_dagtekening"] <= by_start["deadline"]),
        "record",
    ]
    resolved = temp["record"].isin(by_stop) | temp["record"].isin(by_start)

    # TR413: not the first temporary stop of this start; TR414: a later stop ends earlier.
    first_seq = stops[is_temp].groupby("_key")["volgnummer"].min()
    repeated = temp["_key"].map(first_seq) < temp["volgnummer"]
    later = ident.merge(
        stops[["_key", "Einddatum", "volgnummer"]], on="_key", suffixes=("", "_later")
    )
    overtaken = later.loc[
        (later["volgnummer_later"] > later["volgnummer"])
        & (later["Einddatum_later"] < later["Einddatum"]),
        "record",
    ]
    failing = ~resolved | repeated | temp["record"].isin(overtaken)
    return outcome(temp, failing, datum="deadline")


@register("stopreden_mismatch")
def stopreden_mismatch(data: ScanData, params: dict) -> pd.DataFrame | None:
    """307 reason 38/39/35/02/37 followed by a 301 change with a non-matching reason (JZ588).

    Records: current 307s with one of these reasons whose toewijzing got a new version with a
    RedenWijziging, decided (Toewijzingsdatum) on or after the stop's Dagtekening. The stop
    fails when none of those later versions has the matching RedenWijziging (38-09, 39-06,
    35-07, 02-02, 37-12).
    """
    stops = current_stops(data)
    stops = stops[stops["RedenBeeindiging"].isin(list(MATCHING_REASON)).fillna(False)]
    if stops.empty:
        return None
    versions = without_rejected(data, "toewijzingen")
    versions = versions.loc[
        versions["RedenWijziging"].notna(), [*PAIR, "Toewijzingsdatum", "RedenWijziging"]
    ]
    pairs = stops[[*PAIR, "record", "Dagtekening", "RedenBeeindiging"]].merge(
        versions, on=PAIR, how="inner"
    )
    pairs = pairs[pairs["Toewijzingsdatum"] >= pairs["Dagtekening"]]
    expected = pairs["RedenBeeindiging"].map(MATCHING_REASON)
    pairs = pairs.assign(past=pairs["RedenWijziging"] == expected)
    checked = stops[stops["record"].isin(pairs["record"])]
    if checked.empty:
        return None
    matched = pairs.loc[pairs["past"].astype(bool), "record"]
    return outcome(checked, ~checked["record"].isin(matched))
