"""Checks on declaraties (323) and declaratie-antwoorden (325)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.checks.base import Param, ScanData, combine, outcome, register
from kit.checks.starts import DELIVERY_ORDER, PAIR, current_301_rows
from kit.pathways import ACCEPT_CODES, key_codes, matches

# The columns outcome() reads from the records it is given.
OUTCOME_FIELDS = ["record", "berichttype", "aanbieder", "gemeente", "Dagtekening"]

PRODUCT = ["ProductCategorie", "ProductCode"]
PERIOD = ["ProductPeriodeBegindatum", "ProductPeriodeEinddatum"]
EURO = "83"
MINUTE, HOUR = "01", "04"
WHOLE_MESSAGE_LEVELS = ("Header", "DeclaratieAntwoord")
# RetourCodes in a 325 are stored with heen_berichttype 325 (the 325 is no retour); accept 323 too.
ANSWERED = ["325", "323"]
COLUMNS = [
    "record",
    "berichttype",
    "aanbieder",
    "gemeente",
    "Dagtekening",
    "bericht_id",
    "Identificatie",
    "regel",
    "DeclaratieNummer",
    "DeclaratiePeriodeBegindatum",
    "ReferentieNummer",
    "VorigReferentieNummer",
    "ToewijzingNummer",
    *PRODUCT,
    *PERIOD,
    "GeleverdVolume",
    "Eenheid",
    "ProductTarief",
    "IngediendBedrag",
    "IngediendBedragDebetCredit",
]
FROM_301 = [
    "eerste_dagtekening",
    "ingangsdatum",
    "einddatum",
    "ingetrokken",
    "start_begindatum",
    "eenheid_301",
    "volume_301",
    "frequentie_301",
    "budget_301",
]


def month_start(dates: pd.Series) -> pd.Series:
    """First day of each date's month."""
    return dates - pd.to_timedelta(dates.dt.day - 1, unit="D")


def month_end(dates: pd.Series) -> pd.Series:
    """Last day of each date's month."""
    return dates + pd.offsets.MonthEnd(0)


def signed(amount: pd.Series, debet_credit: pd.Series) -> pd.Series:
    """Amount with the sign of its DebetCredit indicator (credit negative)."""
    return amount.where(debet_credit != "C", -amount)


def rejected_by_325(data: ScanData, prest: pd.DataFrame) -> pd.Series:
    """Prestaties a 325 rejected (OP286: they count as never sent).

    A prestatie is rejected when a 325 lists it with a rejecting RetourCode (matched on gemeente
    + aanbieder + ReferentieNummer, unique per aanbieder by TR314), or when a 325 rejects the
    declaration as a whole (a code at Header or DeclaratieAntwoord level; matched through the
    325's DeclaratieIdentificatie). A 323 has no other retour.
    """
    codes = data.tables["retourcodes"]
    codes = codes[
        codes["heen_berichttype"].isin(ANSWERED) & ~codes["RetourCode"].isin(ACCEPT_CODES)
    ]
    if codes.empty or prest.empty:
        return pd.Series(False, index=prest.index)
    lines = codes.loc[codes["niveau"] == "Prestatie", ["gemeente", "aanbieder", "ReferentieNummer"]]
    whole = codes.loc[codes["niveau"].isin(WHOLE_MESSAGE_LEVELS), "bericht_id"]
    msgs = data.tables["berichten"]
    msgs = msgs.loc[
        msgs["bericht_id"].isin(whole), ["gemeente", "aanbieder", "DeclaratieIdentificatie"]
    ].rename(columns={"DeclaratieIdentificatie": "Identificatie"})
    rejected = pd.Series(False, index=prest.index)
    for found, key in ((lines, "ReferentieNummer"), (msgs, "Identificatie")):
        found = found.dropna()
        candidates = prest[prest[key].isin(found[key]).fillna(False).astype(bool)]
        rejected[candidates.index] |= matches(candidates, found, ["gemeente", "aanbieder", key])
    return rejected


def prestaties(data: ScanData) -> pd.DataFrame:
    """Every 323 prestatie row with what the declaration checks need (computed once per scan).

    Extra columns: ``volgorde`` (delivery order: Dagtekening, Identificatie, position),
    ``credit``, ``geldig`` (not rejected by a 325), ``open_debet`` (a valid debet line no valid
    credit refers to), ``gekoppeld`` (the ToewijzingNummer is known in the gemeente) with the
    current 301's ``ingangsdatum, einddatum, ingetrokken, start_begindatum, eenheid_301, ...``,
    ``decl_begin, decl_eind, decl_dagtekening, decl_bekend`` from the Declaratie (table
    declaraties) of the same message, and integer key codes: ``_pair`` (gemeente +
    ToewijzingNummer), ``_ref`` / ``_vorig`` (aanbieder + ReferentieNummer / +
    VorigReferentieNummer in one code space; -1 when there is no VorigReferentieNummer) and
    ``_slot`` (gemeente + ToewijzingNummer + product + ProductPeriode Begindatum).
    """

    def build(data: ScanData) -> pd.DataFrame:
        prest = data.rows("prestaties")[COLUMNS]
        order = np.empty(len(prest), dtype=np.int64)
        order[prest.reset_index(drop=True).sort_values(DELIVERY_ORDER, kind="mergesort").index] = (
            np.arange(len(prest))
        )
        credit = (prest["IngediendBedragDebetCredit"] == "C").fillna(False).to_numpy(dtype=bool)
        valid = ~rejected_by_325(data, prest).to_numpy()
        # One code space for ReferentieNummer and VorigReferentieNummer (per aanbieder).
        previous = prest[["aanbieder", "VorigReferentieNummer"]].set_axis(
            ["aanbieder", "ReferentieNummer"], axis=1
        )
        ref, prev = key_codes(["aanbieder", "ReferentieNummer"], prest, previous)
        prev = np.where(prest["VorigReferentieNummer"].isna().to_numpy(), -1, prev)
        open_debet = valid & ~credit & ~np.isin(ref, prev[credit & valid])
        toew = current_301_rows(data)
        left, right = key_codes(PAIR, prest, toew)
        unique = ~pd.Series(right).duplicated().to_numpy()
        toew, right = toew[unique], right[unique]
        linked = toew[FROM_301].set_axis(right).reindex(left).set_axis(prest.index)
        linked["gekoppeld"] = np.isin(left, right)
        (slot,) = key_codes(
            ["_pair", *PRODUCT, "ProductPeriodeBegindatum"], prest.assign(_pair=left)
        )
        decl = (
            data.tables["declaraties"]
            .drop_duplicates("bericht_id")
            .set_index("bericht_id")[
                [
                    "DeclaratiePeriodeBegindatum",
                    "DeclaratiePeriodeEinddatum",
                    "DeclaratieDagtekening",
                ]
            ]
        )
        decl.columns = ["decl_begin", "decl_eind", "decl_dagtekening"]
        decl = decl.reindex(prest["bericht_id"]).set_axis(prest.index)
        decl["decl_bekend"] = prest["bericht_id"].isin(data.tables["declaraties"]["bericht_id"])
        return pd.concat(
            [
                prest.assign(
                    volgorde=order,
                    credit=credit,
                    geldig=valid,
                    open_debet=open_debet,
                    _pair=left,
                    _ref=ref,
                    _vorig=prev,
                    _slot=slot,
                ),
                linked,
                decl,
            ],
            axis=1,
        )

    return data.shared("prestaties", build)


@register("productperiode_regels")
def productperiode_regels(data: ScanData, params: dict) -> pd.DataFrame | None:
    """ProductPeriode and DeclaratiePeriode rules (OP367/CS337, TR387/TR388, TR307/TR308, CS340).

    Records: every 323 prestatie row with both ProductPeriode dates. A row fails when

    - the ProductPeriode ends before it begins or spans more than one calendar month;
    - it begins on another day than the 1st of the month or the 301 Ingangsdatum;
    - it ends on another day than the last of the month or the 301 Einddatum;
    - it lies (partly) outside the current 301 (Ingangsdatum - Einddatum);
    - the DeclaratiePeriode of its declaration is not exactly one calendar month (from table
      declaraties; without that row only its Begindatum is checked: the 1st of a month).

    The 301 parts are judged only for prestaties whose ToewijzingNummer is known in the gemeente.
    """
    rows = prestaties(data)
    rows = rows[rows[PERIOD].notna().all(axis=1)]
    if rows.empty:
        return None
    begin, end = rows["ProductPeriodeBegindatum"], rows["ProductPeriodeEinddatum"]
    start_301, end_301 = rows["ingangsdatum"], rows["einddatum"]

    one_month = (end >= begin) & (month_start(begin) == month_start(end))
    begin_ok = (begin.dt.day == 1) | (begin == start_301)
    end_ok = (end == month_end(end)) | (end == end_301)
    outside = (begin < start_301) | (end_301.notna() & (end > end_301))
    decl_begin = rows["decl_begin"].where(rows["decl_bekend"], rows["DeclaratiePeriodeBegindatum"])
    decl_ok = (decl_begin.dt.day == 1) & (
        ~rows["decl_bekend"] | (rows["decl_eind"] == month_end(decl_begin))
    )
    decl_ok = decl_ok | decl_begin.isna()
    failing = ~one_month | ~begin_ok | ~end_ok | outside | ~decl_ok
    return outcome(rows, failing)


@register("declaratie_voor_start", {"max_maanden": Param("int", 0)})
def declaratie_voor_start(data: ScanData, params: dict) -> pd.DataFrame | None:
    """ProductPeriode before the month of the start, or first one long after it (signal; OP364).

    Records: every valid, not credited debet prestatie of a toewijzing with a current 305. A
    prestatie fails when its ProductPeriode begins in any month before the month of the first
    305 Begindatum (the start defines the first period, TR387). The first prestatie of a
    toewijzing (earliest ProductPeriode Begindatum) also fails when the 305 Begindatum lies more
    than ``max_maanden`` whole months before it (care reported long before it was declared).
    """
    months = params["max_maanden"]
    rows = prestaties(data)
    keep = rows["open_debet"] & rows["ProductPeriodeBegindatum"].notna()
    keep &= rows["start_begindatum"].notna()
    # only the columns used below and by outcome() (memory: the frame has some 40 columns)
    used = ["ProductPeriodeBegindatum", "start_begindatum", "volgorde", "_pair", *OUTCOME_FIELDS]
    rows = rows.loc[keep, used]
    if rows.empty:
        return None
    period, start = rows["ProductPeriodeBegindatum"], rows["start_begindatum"]
    before_start_month = month_start(period) < month_start(start)
    ordered = rows.sort_values(["ProductPeriodeBegindatum", "volgorde"], kind="mergesort")
    first = rows.index.isin(ordered.drop_duplicates("_pair").index)
    declared_late = first & (start + pd.DateOffset(months=months + 1) <= period)
    return outcome(rows, before_start_month | declared_late)


def _minutes_ok(rows: pd.DataFrame) -> pd.Series:
    """Minutes at a tarief rounded per minute, or at an hourly tarief x minutes / 60 (TR346)."""
    volume = rows["GeleverdVolume"].astype("Float64")
    tarief = rows["ProductTarief"].astype("Float64")
    amount = rows["IngediendBedrag"].astype("Float64")
    per_minute = (amount - volume * tarief).abs() <= np.ceil(volume / 2)
    per_hour = amount == np.floor(volume * tarief / 60 + 0.5)
    return ((rows["Eenheid"] == MINUTE) & (per_minute | per_hour)).fillna(False).astype(bool)


def _over_limit(rows: pd.DataFrame) -> pd.Series:
    """Open debet lines whose running total passes the Volume (Frequentie 6) or the Budget."""
    limited = (rows["frequentie_301"] == "6").fillna(False) | rows["budget_301"].notna()
    lines = rows[rows["open_debet"] & limited].sort_values(["ProductPeriodeBegindatum", "volgorde"])
    minutes = ((lines["Eenheid"] == MINUTE) & (lines["eenheid_301"] == HOUR)).fillna(False)
    volume = lines["GeleverdVolume"].astype("Float64")
    volume = volume.where(~minutes, volume / 60)
    same_unit = (lines["Eenheid"] == lines["eenheid_301"]).fillna(False) | minutes
    total_kind = (
        (lines["frequentie_301"] == "6").fillna(False) & lines["volume_301"].notna() & same_unit
    ).astype(bool)
    running = volume.where(total_kind, 0).groupby(lines["_pair"]).cumsum()
    over_volume = (total_kind & (running > lines["volume_301"])).fillna(False)
    running_amount = lines["IngediendBedrag"].fillna(0).groupby(lines["_pair"]).cumsum()
    over_budget = (lines["budget_301"].notna() & (running_amount > lines["budget_301"])).fillna(
        False
    )
    over = (over_volume | over_budget).astype(bool)
    return pd.Series(rows.index.isin(lines.index[over]), index=rows.index)


@register("bedragen_volumes")
def bedragen_volumes(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Amounts, totals, units and cumulative volume/budget of declaraties.

    Records: every 323 prestatie row and every 323 declaratie row (the totals). A prestatie fails
    when

    - Eenheid is not 83 and IngediendBedrag differs from GeleverdVolume x ProductTarief (TR346;
      for minutes also a tarief rounded per minute, or an hourly tarief / 60, is accepted);
    - Eenheid differs from the Eenheid of the current 301 (TR341, OP267; minutes on a toewijzing
      in hours is allowed);
    - it is a valid, not credited debet line that makes the running total of its toewijzing
      (in ProductPeriode order) exceed the toegewezen Volume with Frequentie 6 "totaal binnen
      geldigheidsduur" (TR322), or the IngediendBedrag exceed the Budget (TR369).

    A declaratie row fails when TotaalIngediendBedrag (with D/C) differs from the sum of its
    prestaties (TR358).
    """
    rows = prestaties(data)
    if rows.empty:
        return None
    unit, unit_301 = rows["Eenheid"], rows["eenheid_301"]
    computable = (
        unit.notna()
        & (unit != EURO)
        & rows[["GeleverdVolume", "ProductTarief", "IngediendBedrag"]].notna().all(axis=1)
    ).astype(bool)
    exact = (rows["IngediendBedrag"] == rows["GeleverdVolume"] * rows["ProductTarief"]).fillna(
        False
    )
    wrong_amount = (computable & ~exact.astype(bool)).to_numpy(dtype=bool, copy=True)
    minutes = wrong_amount & (unit == MINUTE).fillna(False).to_numpy(dtype=bool)
    wrong_amount[minutes] = ~_minutes_ok(rows[minutes]).to_numpy(dtype=bool)
    wrong_amount = pd.Series(wrong_amount, index=rows.index)
    wrong_unit = (
        unit.notna()
        & unit_301.notna()
        & (unit != unit_301)
        & ~((unit == MINUTE) & (unit_301 == HOUR))
    ).fillna(False)
    part_lines = outcome(rows, wrong_amount | wrong_unit | _over_limit(rows))

    decl = data.rows("declaraties")
    decl = decl[decl["TotaalIngediendBedrag"].notna() & decl["bericht_id"].isin(rows["bericht_id"])]
    if decl.empty:
        return part_lines
    sums = (
        signed(rows["IngediendBedrag"], rows["IngediendBedragDebetCredit"])
        .groupby(rows["bericht_id"])
        .sum(min_count=1)
    )
    total = signed(decl["TotaalIngediendBedrag"], decl["TotaalIngediendBedragDebetCredit"])
    mismatch = (total != decl["bericht_id"].map(sums)).fillna(False)
    return _join_parts(part_lines, outcome(decl, mismatch))


@register("declaratie_dubbel_koppeling")
def declaratie_dubbel_koppeling(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Duplicate or unlinkable declaratie lines (TR314, TR333, TR389/TR416, TR323, TR384/TR338, TR342).

    Records: every 323 prestatie row, every 323 declaratie row and (when there are any) every
    325 declaratie-antwoord row. A prestatie fails when

    - its ReferentieNummer was used before by the same aanbieder (TR314; the first use passes);
    - it is a debet line for the same gemeente + ToewijzingNummer + product + ProductPeriode as
      an earlier valid debet line that was not credited (TR389/TR416; lines a 325 rejected do
      not count);
    - it is a credit line whose VorigReferentieNummer matches no valid debet line of the
      aanbieder (TR323, IV085);
    - its ToewijzingNummer is unknown in the gemeente (TR338), or it is a debet line on a
      toewijzing withdrawn with RedenWijziging 13 (TR384).

    A declaratie row fails when its DeclaratieNummer was used by the aanbieder in an earlier 323
    message (TR333). A 325 row fails when TotaalIngediendBedrag minus TotaalToegekendBedrag
    differs from the sum of the rejected prestaties it lists, or, when it rejects the whole
    declaration, TotaalToegekendBedrag is not 0 (TR342). A 325 whose rejected lines cannot all
    be found among the 323 rows is not judged.
    """
    rows = prestaties(data)
    if rows.empty:
        return None
    # only the columns used below are sorted (memory: the frame has some 40 columns)
    used = [
        "volgorde",
        "ReferentieNummer",
        "_ref",
        "open_debet",
        "_slot",
        "ProductPeriodeEinddatum",
    ]
    ordered = rows[used].sort_values("volgorde")
    has_ref = ordered["ReferentieNummer"].notna().to_numpy()
    reused = ordered.index[ordered["_ref"].duplicated().to_numpy() & has_ref]

    debets = ordered[ordered["open_debet"]]
    (slot,) = key_codes(["_slot", "ProductPeriodeEinddatum"], debets)
    double = debets.index[pd.Series(slot).duplicated().to_numpy()]

    credit = rows["credit"].to_numpy()
    valid_debet_refs = rows.loc[rows["geldig"] & ~rows["credit"], "_ref"].to_numpy()
    orphan_credit = credit & ~np.isin(rows["_vorig"].to_numpy(), valid_debet_refs)

    unknown = ~rows["gekoppeld"].to_numpy()
    withdrawn = rows["ingetrokken"].fillna(False).to_numpy(dtype=bool) & ~credit
    failing = (
        rows.index.isin(reused) | rows.index.isin(double) | orphan_credit | unknown | withdrawn
    )
    parts = [outcome(rows, pd.Series(failing, index=rows.index))]

    decl = data.rows("declaraties")
    decl = decl[decl["DeclaratieNummer"].notna()]
    if len(decl):
        ordered = decl.sort_values(DELIVERY_ORDER, kind="mergesort")
        (number,) = key_codes(["aanbieder", "DeclaratieNummer"], ordered)
        first = ordered["bericht_id"].groupby(number).transform("first")
        parts.append(outcome(decl, (ordered["bericht_id"] != first).reindex(decl.index)))
    parts.append(_antwoord_totals(data, rows))
    return _join_parts(*parts)


def _join_parts(*parts: pd.DataFrame | None) -> pd.DataFrame | None:
    """Results of one check on different tables; :func:`combine` only if records overlap."""
    present = [p for p in parts if p is not None]
    if not present:
        return None
    joined = pd.concat(present, ignore_index=True)
    if joined["record"].duplicated().any():
        return combine(*present)
    return joined


def _antwoord_totals(data: ScanData, rows: pd.DataFrame) -> pd.DataFrame | None:
    """TR342 on the 325 rows: ingediend - toegekend = the sum of the rejected prestaties."""
    answers = data.rows("declaratie_antwoorden")
    answers = answers[
        answers[["TotaalIngediendBedrag", "TotaalToegekendBedrag"]].notna().all(axis=1)
    ]
    if answers.empty:
        return None
    codes = data.tables["retourcodes"]
    codes = codes[
        codes["heen_berichttype"].isin(ANSWERED)
        & codes["bericht_id"].isin(answers["bericht_id"])
        & ~codes["RetourCode"].isin(ACCEPT_CODES)
    ]
    whole = answers["bericht_id"].isin(
        codes.loc[codes["niveau"].isin(WHOLE_MESSAGE_LEVELS), "bericht_id"]
    )
    lines = codes.loc[
        (codes["niveau"] == "Prestatie") & codes["ReferentieNummer"].notna(),
        ["bericht_id", "gemeente", "aanbieder", "ReferentieNummer"],
    ].drop_duplicates()
    key = ["gemeente", "aanbieder", "ReferentieNummer"]
    left, right = key_codes(key, lines, rows)
    amount = signed(rows["IngediendBedrag"], rows["IngediendBedragDebetCredit"])
    first = ~pd.Series(right).duplicated().to_numpy()
    amount = amount[first].set_axis(right[first])
    lines = lines.assign(bedrag=amount.reindex(left).to_numpy())
    rejected = lines.groupby("bericht_id")["bedrag"].sum()
    unknown = lines.loc[lines["bedrag"].isna(), "bericht_id"]
    answers = answers[~answers["bericht_id"].isin(unknown)]
    if answers.empty:
        return None
    whole = whole.loc[answers.index]
    submitted = signed(
        answers["TotaalIngediendBedrag"], answers["TotaalIngediendBedragDebetCredit"]
    )
    granted = signed(answers["TotaalToegekendBedrag"], answers["TotaalToegekendBedragDebetCredit"])
    explained = submitted - granted == answers["bericht_id"].map(rejected).fillna(0)
    ok = (whole & (granted == 0)) | (~whole & explained)
    return outcome(answers, ~ok.fillna(False).astype(bool))


@register("declaratie_te_laat")
def declaratie_te_laat(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Care declared after the last day of the month after it became declarable (SAP 2.5.1).

    Records: the first declaration of each gemeente + ToewijzingNummer + product + ProductPeriode
    Begindatum (debet lines in the earliest 323 that has it); credits and later corrections or
    re-submissions are not judged. Care becomes declarable in the month of the ProductPeriode
    Einddatum, or, for a toewijzing sent later (retroactive), in the month of the first 301's
    Dagtekening. A record fails when the 323 Dagtekening (DeclaratieDagtekening when the
    Dagtekening is missing) lies after the last day of the following month.
    """
    rows = prestaties(data)
    rows = rows[rows["ProductPeriodeEinddatum"].notna()]
    if rows.empty:
        return None
    first_sent = rows["Dagtekening"].groupby(rows["_slot"]).transform("min")
    first = rows[~rows["credit"] & (rows["Dagtekening"] == first_sent)]
    if first.empty:
        return None
    sent = first["Dagtekening"].fillna(first["decl_dagtekening"])
    declarable = first[["ProductPeriodeEinddatum", "eerste_dagtekening"]].max(axis=1)
    deadline = month_end(declarable) + pd.offsets.MonthEnd(1)
    return outcome(first, sent > deadline)
