"""Checks on the start of care (305) and on toewijzingen that never started."""

from __future__ import annotations

import pandas as pd

from kit.checks.base import (
    DAYS,
    OUTCOME_COLUMNS,
    WORKDAYS,
    Param,
    ScanData,
    WorkdayCalendar,
    outcome,
    register,
)
from kit.pathways import START_KEY, STOP_KEY, current_regie, drop_rejected, key_codes, matches

PAIR = ["gemeente", "ToewijzingNummer"]
DELIVERY_ORDER = ["Dagtekening", "Identificatie", "regel"]


def current_301(data: ScanData) -> pd.DataFrame:
    """The current version of every toewijzing, from the pathways (one row per toewijzing).

    Column ``record`` is the key of the store row of the current version (``rij_301``).
    """

    def build(data: ScanData) -> pd.DataFrame:
        p = data.pathways
        p = p[p["ToewijzingNummer"].notna()]
        return p.assign(record=data.keys.of_labels(p["rij_301"], "toewijzingen"))

    return data.shared("current_301", build)


def starts_with_toewijzing(data: ScanData) -> pd.DataFrame:
    """Every 305 row (StatusAanlevering 1) joined to the current 301 of its toewijzing.

    Rows of a 305 its retour rejected are left out: a rejected message counts as never sent
    (OP286; check ``afgekeurd_in_data`` reports it). Column ``gekoppeld`` says whether a 301 was
    found (gemeente + ToewijzingNummer).
    """
    starts = without_rejected(data, "starts")
    starts = starts[starts["StatusAanlevering"] == "1"]
    toew = current_301(data)[
        [
            *PAIR,
            "ingangsdatum",
            "einddatum",
            "eerste_dagtekening",
            "eerste_toewijzingsdatum",
            "categorie",
            "productcode",
        ]
    ].assign(gekoppeld=True)
    linked = starts.merge(toew, on=PAIR, how="left")
    linked["gekoppeld"] = linked["gekoppeld"].astype("boolean").fillna(False).astype(bool)
    return linked


def current_301_rows(data: ScanData) -> pd.DataFrame:
    """:func:`current_301` plus columns of the current version's store row.

    Adds ``dagtekening_301`` (Dagtekening of the message that carried the current version) and
    ``eenheid_301``, ``volume_301``, ``frequentie_301``, ``budget_301``.
    """

    def build(data: ScanData) -> pd.DataFrame:
        extra = data.rows("toewijzingen")[
            ["record", "Dagtekening", "Eenheid", "Volume", "Frequentie", "Budget"]
        ].rename(
            columns={
                "Dagtekening": "dagtekening_301",
                "Eenheid": "eenheid_301",
                "Volume": "volume_301",
                "Frequentie": "frequentie_301",
                "Budget": "budget_301",
            }
        )
        return current_301(data).merge(extra, on="record", how="left")

    return data.shared("current_301_rows", build)


def without_rejected(data: ScanData, table: str) -> pd.DataFrame:
    """Store rows of ``table`` (with ``record``) without rejected heenberichten (OP286)."""
    return data.shared(
        f"valid:{table}",
        lambda d: drop_rejected(d.rows(table), d.tables["retourcodes"]),
    )


def _current(data: ScanData, table: str, key: list[str]) -> pd.DataFrame:
    """Current deliveries of ``table``: rejected ones dropped, StatusAanlevering 3 applied.

    A deletion (IV008) applies also when its Dagtekening lies after the peildatum (a typing
    error: the deletion was made all the same).
    """
    current = current_regie(without_rejected(data, table), key)
    later = data.later_rows(table)
    deleted = later[(later["StatusAanlevering"] == "3").fillna(False).astype(bool)]
    return current[~matches(current, deleted, key)] if len(deleted) else current


def current_starts(data: ScanData) -> pd.DataFrame:
    """Current 305 deliveries (see :func:`_current`)."""
    return data.shared("current_starts", lambda d: _current(d, "starts", START_KEY))


def current_stops(data: ScanData) -> pd.DataFrame:
    """Current 307 deliveries (see :func:`_current`)."""
    return data.shared("current_stops", lambda d: _current(d, "stops", STOP_KEY))


def alive_periods(rows: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """When each delivery with StatusAanlevering 1 was in force.

    Returns the StatusAanlevering 1 rows with ``van`` (its Dagtekening) and ``tot`` (the
    Dagtekening of the first later delivery with status 3 and the same logical ``key``; missing
    when it was never deleted). A delivery is in force on day ``t`` when ``van <= t < tot``.
    """
    ordered = rows.sort_values(DELIVERY_ORDER, kind="mergesort")
    (group,) = key_codes(key, ordered)
    deleted_on = ordered["Dagtekening"].where(ordered["StatusAanlevering"] == "3")
    tot = deleted_on.groupby(group).shift(-1).groupby(group).bfill()
    out = ordered.assign(van=ordered["Dagtekening"], tot=tot)
    return out[(out["StatusAanlevering"] == "1").fillna(False).astype(bool)]


def in_force_on(
    frame: pd.DataFrame, periods: pd.DataFrame, key: list[str], day: str = "Dagtekening"
) -> pd.Series:
    """Whether, on ``frame[day]``, a delivery in ``periods`` with the same ``key`` was in force."""
    if frame.empty or periods.empty:
        return pd.Series(False, index=frame.index)
    left, right = key_codes(key, frame, periods)
    joined = pd.DataFrame({"_k": left, "_row": frame.index, "_day": frame[day].to_numpy()}).merge(
        pd.DataFrame(
            {"_k": right, "van": periods["van"].to_numpy(), "tot": periods["tot"].to_numpy()}
        ),
        on="_k",
    )
    ok = (joined["van"] <= joined["_day"]) & (
        joined["tot"].isna() | (joined["tot"] > joined["_day"])
    )
    return pd.Series(frame.index.isin(joined.loc[ok, "_row"].unique()), index=frame.index)


@register("start_te_laat", {"max_werkdagen": WORKDAYS})
def start_te_laat(data: ScanData, params: dict) -> pd.DataFrame | None:
    """305 Dagtekening more than N working days after the Begindatum (OP271).

    For a retroactive toewijzing (Begindatum before the first 301 was sent) the term runs from
    the 301's Dagtekening instead. Only current 305s are judged: one deleted later with
    StatusAanlevering 3 (a correction of a wrong Begindatum) or rejected by its retour counts as
    never sent; its corrected successor is judged.
    """
    starts = starts_with_toewijzing(data)
    starts = starts[starts["record"].isin(current_starts(data)["record"])]
    if starts.empty:
        return None
    late_start = data.calendar.between(starts["Begindatum"], starts["Dagtekening"])
    retro = starts["eerste_dagtekening"].notna() & (
        starts["Begindatum"] < starts["eerste_dagtekening"]
    )
    late_301 = data.calendar.between(starts["eerste_dagtekening"], starts["Dagtekening"])
    lag = late_start.where(~retro, late_301)
    return outcome(starts, lag > params["max_werkdagen"])


def looks_automatic(
    calendar: WorkdayCalendar,
    *,
    sent_301: pd.Series,
    ingang: pd.Series,
    begin: pd.Series,
    sent_305: pd.Series,
    max_workdays: int,
) -> pd.Series:
    """Whether a 305 looks copied from the toewijzing rather than reporting the real start.

    The Begindatum equals the 301 Ingangsdatum and the 305 was sent within ``max_workdays``
    working days of the first moment it could be: the 301's Dagtekening, or the Ingangsdatum
    when that lies later (a start cannot be reported before it happens, TR134).
    """
    earliest = sent_301.where(sent_301 >= ingang, ingang)
    after = calendar.between(earliest, sent_305)
    return (after <= max_workdays).fillna(False).astype(bool) & (begin == ingang).fillna(False)


def judge_automatic(
    calendar: WorkdayCalendar, starts: pd.DataFrame, *, max_workdays: int, expected: tuple[str, ...]
) -> tuple[pd.Series, pd.Series]:
    """The kit's one definition of an "automatic 305" (see :func:`looks_automatic`).

    Parameters
    ----------
    calendar : kit.checks.base.WorkdayCalendar
        Working days.
    starts : pandas.DataFrame
        One row per start: ``eerste_dagtekening`` (first 301 sent), ``ingangsdatum``,
        ``Begindatum`` and ``Dagtekening`` (of the 305) and ``categorie``.
    max_workdays : int
        A 305 at most this many working days after it could first be sent looks automatic.
    expected : tuple of str
        Categories where a start on the Ingangsdatum right after the 301 is real or agreed
        (crisis, GI: ``verwacht_categorieen`` of check ``start_automatisch``).

    Returns
    -------
    tuple of pandas.Series of bool
        ``automatic`` (looks automatic) and ``expected`` (in an expected category), aligned
        with ``starts``.
    """
    auto = looks_automatic(
        calendar,
        sent_301=starts["eerste_dagtekening"],
        ingang=starts["ingangsdatum"],
        begin=starts["Begindatum"],
        sent_305=starts["Dagtekening"],
        max_workdays=max_workdays,
    )
    return auto, starts["categorie"].isin(list(expected))


def automatic_305(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Every 305 judged by check ``start_automatisch``, with whether its category is expected.

    Used by the check and by the trends' funnel (:func:`kit.trends.auto_305_records`).

    Returns
    -------
    pandas.DataFrame or None
        The check's outcome columns (``afwijkend``: looks automatic outside the expected
        categories; ``datum``: the 305 Dagtekening) plus ``verwacht`` (bool); None when no
        305 has a 301.
    """
    starts = starts_with_toewijzing(data)
    starts = starts[starts["eerste_dagtekening"].notna()]
    if starts.empty:
        return None
    auto, expected = judge_automatic(
        data.calendar,
        starts,
        max_workdays=params["max_werkdagen_na_301"],
        expected=params["verwacht_categorieen"],
    )
    return outcome(starts, auto & ~expected).assign(verwacht=expected.to_numpy(dtype=bool))


@register(
    "start_automatisch",
    {"max_werkdagen_na_301": WORKDAYS, "verwacht_categorieen": Param("codes")},
)
def start_automatisch(data: ScanData, params: dict) -> pd.DataFrame | None:
    """305 sent as soon as it could be, with Begindatum = 301 Ingangsdatum (signal).

    See :func:`judge_automatic`. Categories where this is the agreed or natural practice
    (crisis 46, GI 47/48: care starts on the Ingangsdatum of a retroactive toewijzing) are not
    counted as failing.
    """
    result = automatic_305(data, params)
    return None if result is None else result[OUTCOME_COLUMNS]


@register("toewijzing_zonder_start", {"dagen": DAYS})
def toewijzing_zonder_start(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Current, not withdrawn toewijzing not started by Ingangsdatum + 5 wd + N days.

    Only toewijzingen whose deadline lies on or before the peildatum are checked. A toewijzing
    passes when a current 305 reports a start (Begindatum) on or before the deadline, whenever
    that 305 was sent: a 305 that came late is a late start (check ``start_te_laat``), not a
    toewijzing without start. The record's date is the deadline, so it counts in the month the
    start became overdue.
    """
    toew = current_301(data)
    toew = toew[~toew["ingetrokken"].astype(bool)]
    if toew.empty:
        return None
    deadline = data.calendar.add(toew["ingangsdatum"], 5) + pd.Timedelta(days=params["dagen"])
    due = toew.assign(berichttype="301", deadline=deadline)
    due = due[due["deadline"] <= data.peildatum]
    started_in_time = (due["start_begindatum"] <= due["deadline"]) | (
        due["start_dagtekening"] <= due["deadline"]
    )
    # a 305 whose Dagtekening was typed in the future still reports the start
    later = data.later_rows("starts")
    later = later[(later["StatusAanlevering"] == "1").fillna(False).astype(bool)]
    if len(later):
        begin = later.groupby(PAIR, dropna=False)["Begindatum"].min().rename("_later_begin")
        begin = due[PAIR].join(begin, on=PAIR)["_later_begin"]
        started_in_time |= begin <= due["deadline"]
    return outcome(due, ~started_in_time.fillna(False).astype(bool), datum="deadline")


@register("start_buiten_toewijzing")
def start_buiten_toewijzing(data: ScanData, params: dict) -> pd.DataFrame | None:
    """305 Begindatum before the current 301 Ingangsdatum or after its Einddatum (signal).

    Records: 305 rows (StatusAanlevering 1) that link to a toewijzing (gemeente +
    ToewijzingNummer) and have a Begindatum.
    """
    starts = starts_with_toewijzing(data)
    starts = starts[starts["gekoppeld"] & starts["Begindatum"].notna()]
    if starts.empty:
        return None
    before = starts["Begindatum"] < starts["ingangsdatum"]
    after = starts["einddatum"].notna() & (starts["Begindatum"] > starts["einddatum"])
    return outcome(starts, before | after)


@register("start_ingangsdatum_afwijkend")
def start_ingangsdatum_afwijkend(data: ScanData, params: dict) -> pd.DataFrame | None:
    """305 ToewijzingIngangsdatum differs from the Ingangsdatum of the current 301 version.

    Records: 305 rows (StatusAanlevering 1) that link to a toewijzing and carry a
    ToewijzingIngangsdatum (the element is optional, so an empty one is not judged).
    """
    starts = starts_with_toewijzing(data)
    starts = starts[starts["gekoppeld"] & starts["ToewijzingIngangsdatum"].notna()]
    if starts.empty:
        return None
    return outcome(starts, starts["ToewijzingIngangsdatum"] != starts["ingangsdatum"])


@register("start_product_afwijkend")
def start_product_afwijkend(data: ScanData, params: dict) -> pd.DataFrame | None:
    """305 product differs from the current 301 product (IV075).

    Specific toewijzing (category + code): both equal; aspecific (category only): the same
    category and no code; generic (no product): no product in the 305. All three come down to
    category and code being equal with "missing" as a value. Records: 305 rows (StatusAanlevering
    1) that link to a toewijzing.
    """
    starts = starts_with_toewijzing(data)
    starts = starts[starts["gekoppeld"]]
    if starts.empty:
        return None
    same_cat = _text(starts["ProductCategorie"]) == _text(starts["categorie"])
    same_code = _text(starts["ProductCode"]) == _text(starts["productcode"])
    return outcome(starts, ~(same_cat & same_code))


def _text(values: pd.Series) -> pd.Series:
    return values.astype("string").fillna("")


def double_starts(data: ScanData) -> pd.Series:
    """Records of current 305s that follow an earlier current 305 on the same toewijzing.

    Without a current 307 of that earlier start in between (TR326, OP289).

    "In between": a stop with the earlier start's logical key and an Einddatum on or before the
    later start's Begindatum.
    """
    cur = current_starts(data)
    cur = cur[cur["ToewijzingNummer"].notna()]
    if cur.empty:
        return pd.Series([], dtype="string")
    stops = current_stops(data)
    start_key, stop_key = key_codes(START_KEY, cur, stops)
    (pair,) = key_codes(PAIR, cur)
    frame = cur[["Begindatum", *DELIVERY_ORDER, "record"]].assign(_pair=pair, _key=start_key)
    frame = frame.sort_values(["_pair", "Begindatum", *DELIVERY_ORDER], kind="mergesort")
    frame["_earlier"] = frame.groupby("_pair")["_key"].shift(1)
    pairs = frame[frame["_earlier"].notna()]
    stop_end = pd.Series(stops["Einddatum"].to_numpy()).groupby(stop_key).min()
    end = pairs["_earlier"].astype("int64").map(stop_end)
    stopped = end.notna() & (end <= pairs["Begindatum"])
    return pairs.loc[~stopped, "record"]


def known_301(data: ScanData) -> pd.DataFrame:
    """Every gemeente + ToewijzingNummer a 301 in the data delivered (for TR019).

    Any 301 row counts, also one a retour rejected (the gemeente issued the number) and one
    dated after the peildatum (a 301 whose Dagtekening is a clock or typing error exists all the
    same; check ``dagtekening_na_peildatum`` reports its date).
    """
    return pd.concat(
        [data.rows("toewijzingen")[PAIR], data.later_rows("toewijzingen")[PAIR]],
        ignore_index=True,
    )


@register("start_wees_of_dubbel")
def start_wees_of_dubbel(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Orphan, double or wrongly corrected 305 rows (TR019, TR326, CS058, TR063, TR071).

    Records: every 305 row as delivered (but see below). A row fails when

    - its ToewijzingNummer matches no 301 of the gemeente (TR019; an empty number, allowed in
      the taakgerichte variant, is not judged; see :func:`known_301`);
    - it is a current start that follows an earlier current start on the same toewijzing
      without a stop in between (TR326/OP289, on the current state);
    - StatusAanlevering is not 1 or 3 (CS058, OP033x2);
    - it has StatusAanlevering 3 while no earlier, not yet deleted delivery with status 1 of the
      same logical key exists (TR063);
    - it has StatusAanlevering 3 while a 307 for that start was in force (TR071).

    Rows of a 305 its retour rejected are not judged and do not count as the earlier delivery:
    a rejected message counts as never sent (OP286; check ``afgekeurd_in_data`` reports it).
    """
    starts = without_rejected(data, "starts")
    if starts.empty:
        return None
    orphan = starts["ToewijzingNummer"].notna() & ~matches(starts, known_301(data), PAIR)
    bad_status = ~starts["StatusAanlevering"].isin(["1", "3"]).fillna(False).astype(bool)

    ordered = starts.sort_values(DELIVERY_ORDER, kind="mergesort")
    (group,) = key_codes(START_KEY, ordered)
    is_new = ordered["StatusAanlevering"] == "1"
    is_delete = ordered["StatusAanlevering"] == "3"
    news_before = is_new.groupby(group).cumsum() - is_new
    deletes_before = is_delete.groupby(group).cumsum() - is_delete
    nothing_to_delete = (is_delete & (news_before <= deletes_before)).reindex(starts.index)

    deletes = starts[starts["StatusAanlevering"] == "3"]
    stop_periods = alive_periods(without_rejected(data, "stops"), START_KEY)
    after_stop = in_force_on(deletes, stop_periods, START_KEY).reindex(
        starts.index, fill_value=False
    )

    double = starts["record"].isin(double_starts(data))
    return outcome(starts, orphan | double | bad_status | nothing_to_delete | after_stop)


@register("start_zonder_stop", {"max_werkdagen": WORKDAYS})
def start_zonder_stop(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Current 305 without a 307 while its toewijzing has ended (OP288).

    Records: current starts (after StatusAanlevering 3 deletions) on a toewijzing with an
    Einddatum, whose deadline lies on or before the peildatum. The deadline is N working days
    after the 301 Einddatum, or after the Dagtekening of the current 301 version when that came
    later (an end set in the past, or an intrekking with reason 13, is known only then). A start
    fails when no current 307 with its logical key exists (a 307 whose Dagtekening lies after
    the peildatum, a clock or typing error, counts as existing; a 305 deletion dated so removes
    the start). ``datum`` is the deadline.
    """
    cur = current_starts(data)
    cur = cur[cur["ToewijzingNummer"].notna()]
    if cur.empty:
        return None
    toew = current_301_rows(data)[[*PAIR, "einddatum", "dagtekening_301"]]
    cur = cur.merge(toew[toew["einddatum"].notna()], on=PAIR, how="inner")
    known = cur[["einddatum", "dagtekening_301"]].max(axis=1)
    cur["deadline"] = data.calendar.add(known, params["max_werkdagen"])
    due = cur[cur["deadline"] <= data.peildatum]
    later = data.later_rows("stops")
    stops = pd.concat(
        [current_stops(data)[START_KEY], later.loc[later["StatusAanlevering"] == "1", START_KEY]],
        ignore_index=True,
    )
    stopped = matches(due, stops, START_KEY)
    return outcome(due, ~stopped, datum="deadline")
