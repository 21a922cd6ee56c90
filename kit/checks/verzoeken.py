"""Checks on verzoeken om toewijzing (315), verzoeken om wijziging (317) and antwoorden (319)."""

from __future__ import annotations

import pandas as pd

from kit.checks.base import DAYS, WORKDAYS, ScanData, outcome, register
from kit.checks.toewijzingen import current_toewijzingen, overlaps, same_product
from kit.pathways import drop_rejected

REF = ["aanbieder", "ReferentieAanbieder"]
COD327 = frozenset({"01", "02", "03", "04", "05", "06", "08"})
NEEDS_AGB = frozenset({"02", "03", "04", "05"})  # CD066/CD067: AGB (or at least a name)
GEMEENTE, ZELFVERWIJZER = "01", "06"
WOONPLAATSBEGINSEL = "8"
FAR_FUTURE = pd.Timestamp("2262-01-01")


def _dated(frame: pd.DataFrame, name: str, **extra: pd.Series) -> pd.DataFrame:
    """``aanbieder, ReferentieAanbieder, <name>`` (+ extra) of rows with a reference."""
    out = frame[REF].assign(**{name: frame["Dagtekening"]}, **extra)
    return out[out["ReferentieAanbieder"].notna()]


def request_dates(data: ScanData) -> pd.Series:
    """Earliest Dagtekening of each verzoek (315 or 317), by aanbieder + ReferentieAanbieder."""
    parts = [_dated(data.tables[t], "verzoek_dag") for t in ("verzoeken", "wijzigingsverzoeken")]
    both = pd.concat(parts, ignore_index=True)
    return both.groupby(REF)["verzoek_dag"].min()


def final_answers(data: ScanData) -> pd.DataFrame:
    """Final answers to a verzoek: 301s honouring it and 319s rejecting it (TR379, TR355).

    Returns ``aanbieder, ReferentieAanbieder, antwoord_dag, reden`` (reden: the
    RedenAfwijzingVerzoek of a 319, missing for a 301).
    """
    toew = data.tables["toewijzingen"]
    ans = data.tables["antwoorden"]
    rejected = ans[ans["VerzoekAntwoord"] == "1"]
    parts = [
        _dated(toew, "antwoord_dag", reden=pd.Series(pd.NA, index=toew.index, dtype="string")),
        _dated(rejected, "antwoord_dag", reden=rejected["RedenAfwijzingVerzoek"]),
    ]
    return pd.concat(parts, ignore_index=True)


def _first_after(
    records: pd.DataFrame, since: str, answers: pd.DataFrame, answer_date: str
) -> pd.DataFrame:
    """Per record the earliest answer (same aanbieder + reference) dated on or after ``since``."""
    m = records[["record", *REF, since]].merge(answers, on=REF)
    m = m[m[answer_date] >= m[since]]
    m = m.sort_values([answer_date], kind="mergesort").drop_duplicates("record")
    return m.set_index("record").drop(columns=[*REF, since])


@register("vot_niet_beantwoord", {"max_werkdagen": WORKDAYS})
def vot_niet_beantwoord(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Requested product (315 row) without a 301 or 319 within N working days (OP274).

    Any 301 with the same aanbieder + ReferentieAanbieder (TR379) or any 319 on that reference,
    dated on or after the 315, is an answer. Fails when the first answer came more than
    ``max_werkdagen`` working days after the 315's Dagtekening, or when there is none while that
    term has passed on the peildatum; unanswered rows still within the term are not counted.
    Rows a retour rejected count as never sent (OP286) and need no answer: not counted.
    """
    vot = drop_rejected(data.rows("verzoeken"), data.tables["retourcodes"])
    if vot.empty:
        return None
    toew, ans = data.tables["toewijzingen"], data.tables["antwoorden"]
    answers = pd.concat(
        [_dated(toew, "antwoord_dag"), _dated(ans, "antwoord_dag")], ignore_index=True
    )
    first = _first_after(vot, "Dagtekening", answers, "antwoord_dag")
    answer_day = vot["record"].map(first["antwoord_dag"])
    limit = params["max_werkdagen"]
    cal = data.calendar
    answered = answer_day.notna()
    peil = pd.Series(data.peildatum, index=vot.index)
    due = (cal.between(vot["Dagtekening"], peil) >= limit).fillna(False).astype(bool)
    late = ~answered | (cal.between(vot["Dagtekening"], answer_day) > limit).fillna(False)
    keep = answered | due
    return outcome(vot[keep], late[keep].astype(bool))


@register("onderzoek_te_lang", {"max_dagen": DAYS, "max_dagen_woonplaats": DAYS})
def onderzoek_te_lang(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Answer "in onderzoek" (319 answer 2) without a final answer in time (OP274, OP346, OP359).

    Records are 319 rows with VerzoekAntwoord 2 whose verzoek (315/317, same aanbieder +
    reference) is in the data. The final answer is the first 301 or 319 with answer 1 on that
    reference. Fails when it came more than ``max_dagen`` days after the verzoek's Dagtekening
    (``max_dagen_woonplaats`` when it is a rejection on the woonplaatsbeginsel, reason 8), or
    when there is none while ``max_dagen`` has passed on the peildatum. Still open and within
    the term: not counted.
    """
    ans = data.rows("antwoorden")
    onderzoek = ans[ans["VerzoekAntwoord"] == "2"]
    if onderzoek.empty:
        return None
    verzoek_dag = request_dates(data)
    onderzoek = onderzoek.join(verzoek_dag, on=REF)
    onderzoek = onderzoek[onderzoek["verzoek_dag"].notna()]
    if onderzoek.empty:
        return None
    first = _first_after(onderzoek, "verzoek_dag", final_answers(data), "antwoord_dag")
    final_day = onderzoek["record"].map(first["antwoord_dag"])
    reason = onderzoek["record"].map(first["reden"])
    max_days = params["max_dagen"]
    limit = pd.Series(max_days, index=onderzoek.index).mask(
        (reason == WOONPLAATSBEGINSEL).fillna(False).astype(bool),
        params["max_dagen_woonplaats"],
    )
    days = (final_day - onderzoek["verzoek_dag"]).dt.days
    answered = final_day.notna()
    due = onderzoek["verzoek_dag"] + pd.Timedelta(days=max_days) <= data.peildatum
    late = ~answered | (days > limit).fillna(False).astype(bool)
    keep = answered | due
    return outcome(onderzoek[keep], late[keep])


@register("antwoord_inconsistent")
def antwoord_inconsistent(data: ScanData, params: dict) -> pd.DataFrame | None:
    """319 Antwoord that contradicts itself or its verzoek (CD085, CD086, TR377, TR409, TR355, TR359).

    Records are 319 rows. Fails on: VerzoekAntwoord not 1 or 2; answer 1 without a reason;
    answer 2 with a reason; reason 8 without a Woonplaatsbeginsel/Gemeente, or a Gemeente with
    another reason; no 315/317 of the same aanbieder with that ReferentieAanbieder dated on or
    before the 319; a 301 on the same reference dated before the 319.
    """
    ans = data.rows("antwoorden")
    if ans.empty:
        return None
    answer, reason = ans["VerzoekAntwoord"], ans["RedenAfwijzingVerzoek"]
    gemeente = ans["WoonplaatsbeginselGemeente"]
    is8 = (reason == WOONPLAATSBEGINSEL).fillna(False).astype(bool)
    bad = ~answer.isin(["1", "2"]).fillna(False).astype(bool)
    bad |= (answer == "1").fillna(False).astype(bool) & reason.isna()
    bad |= (answer == "2").fillna(False).astype(bool) & reason.notna()
    bad |= is8 & gemeente.isna()
    bad |= ~is8 & gemeente.notna()
    verzoek_dag = ans.join(request_dates(data), on=REF)["verzoek_dag"]
    bad |= verzoek_dag.isna() | (verzoek_dag > ans["Dagtekening"]).fillna(False).astype(bool)
    toew = _dated(data.tables["toewijzingen"], "toewijzing_dag")
    first_301 = toew.groupby(REF)["toewijzing_dag"].min()
    after_301 = ans.join(first_301, on=REF)["toewijzing_dag"] < ans["Dagtekening"]
    bad |= after_301.fillna(False).astype(bool)
    return outcome(ans, bad)


def _requests(data: ScanData) -> pd.DataFrame:
    """All 315 and 317 rows with ``valid`` (not rejected by a retour, OP286)."""
    rc = data.tables["retourcodes"]
    parts = []
    for table in ("verzoeken", "wijzigingsverzoeken"):
        rows = data.rows(table)
        if rows.empty:
            continue
        valid = rows.index.isin(drop_rejected(rows, rc).index)
        parts.append(rows.assign(valid=valid))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


@register("dubbele_referentie")
def dubbele_referentie(data: ScanData, params: dict) -> pd.DataFrame | None:
    """ReferentieAanbieder used twice, or a new verzoek while another is open (TR347, TR374).

    Records are 315 and 317 rows. A row fails when its aanbieder + ReferentieAanbieder occurs
    elsewhere: in another 315 product row, or in another 317 (a 317 has one reference for all
    its rows). A row also fails when, at its Dagtekening, an earlier verzoek (315/317 message)
    of the same client, aanbieder and gemeente is still open: not every reference of it had a
    final answer (301, or 319 with answer 1) on or before that day. Verzoeken a retour rejected
    count as never sent (OP286): they are checked but do not make others fail.
    """
    req = _requests(data)
    if req.empty:
        return None
    # occurrences of a reference: every 315 row, every 317 message
    message = -1 - pd.factorize(req["bericht_id"])[0]  # negative: never a record key
    occ_id = req["record"].where((req["berichttype"] == "315").fillna(False), message)
    occ = req.assign(_occ=occ_id)
    occ_valid = occ.groupby("_occ")["valid"].transform("any")
    occ = occ.assign(_valid=occ_valid)
    uniq = occ.drop_duplicates("_occ").dropna(subset=["ReferentieAanbieder"])
    n_valid = uniq.groupby(REF)["_valid"].sum()
    others = occ.join(n_valid.rename("_n"), on=REF)["_n"].fillna(0) - occ["_valid"].astype(int)
    duplicate = (others >= 1) & occ["ReferentieAanbieder"].notna()

    # open verzoeken: per message, the day its last reference got a final answer
    finals = final_answers(data).groupby(REF)["antwoord_dag"].min()
    refs = req.join(finals, on=REF)
    closed = refs["antwoord_dag"].fillna(FAR_FUTURE)
    messages = (
        refs.assign(_closed=closed)
        .groupby("bericht_id")
        .agg(
            gemeente=("gemeente", "first"),
            aanbieder=("aanbieder", "first"),
            client_id=("client_id", "first"),
            dag=("Dagtekening", "first"),
            ident=("Identificatie", "first"),
            closed=("_closed", "max"),
            valid=("valid", "any"),
        )
        .reset_index()
        .dropna(subset=["client_id", "dag"])
    )
    key = ["gemeente", "aanbieder", "client_id"]
    old = messages[messages["valid"]]
    pairs = messages.merge(old, on=key, suffixes=("", "_old"))
    earlier = (pairs["dag_old"] < pairs["dag"]) | (
        (pairs["dag_old"] == pairs["dag"]) & (pairs["ident_old"] < pairs["ident"]).fillna(False)
    )
    still_open = pairs["closed_old"] > pairs["dag"]
    blocked = pairs["bericht_id"] != pairs["bericht_id_old"]
    blocked &= earlier.astype(bool) & still_open.astype(bool)
    second_open = req["bericht_id"].isin(set(pairs.loc[blocked, "bericht_id"]))
    return outcome(req, duplicate.to_numpy() | second_open.to_numpy())


@register("verwijzer_kwaliteit")
def verwijzer_kwaliteit(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Verwijzer incomplete or unusual in a 315 (CD066-CD068, OP297, OP307; signal).

    Records are 315 rows. Fails on: no or an unknown Verwijzer/Type (COD327); type 02/03/04/05
    (huisarts, jeugdarts, GI, medisch specialist) without a ZorgverlenerCode (name only or
    nothing); type 01 (gemeente), which does not belong in a verzoek om toewijzing; a
    ZorgverlenerCode with another type. The share of zelfverwijzers (06) per aanbieder is not a
    failure: see :func:`zelfverwijzers_per_aanbieder`.
    """
    vot = data.rows("verzoeken")
    if vot.empty:
        return None
    kind, code = vot["VerwijzerType"], vot["VerwijzerZorgverlenerCode"]
    needs_agb = kind.isin(NEEDS_AGB).fillna(False).astype(bool)
    bad = ~kind.isin(COD327).fillna(False).astype(bool)
    bad |= needs_agb & code.isna()
    bad |= (kind == GEMEENTE).fillna(False).astype(bool)
    bad |= ~needs_agb & code.notna()
    return outcome(vot, bad)


def zelfverwijzers_per_aanbieder(data: ScanData) -> pd.DataFrame:
    """Share of 315 rows with Verwijzer/Type 06 (zelfverwijzer) per aanbieder (a report helper).

    Returns
    -------
    pandas.DataFrame
        ``aanbieder, n_verzoeken, n_zelfverwijzer, pct_zelfverwijzer`` (not suppressed).
    """
    vot = data.tables["verzoeken"]
    self_ref = (vot["VerwijzerType"] == ZELFVERWIJZER).fillna(False).astype(bool)
    out = (
        self_ref.groupby(vot["aanbieder"])
        .agg(n_verzoeken="size", n_zelfverwijzer="sum")
        .reset_index()
    )
    out["pct_zelfverwijzer"] = (100 * out["n_zelfverwijzer"] / out["n_verzoeken"]).round(1)
    return out


@register("vot_bij_lopende_toewijzing")
def vot_bij_lopende_toewijzing(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Verzoek om toewijzing for a product and period already covered (OP307, OP347, TR386).

    Records are 315 rows with a product category. One fails when a current, not withdrawn
    toewijzing (pathways) of the same client, aanbieder and gemeente, first sent before the
    315's Dagtekening and not the one honouring this request, overlaps the requested period
    [ToewijzingIngangsdatum, ToewijzingEinddatum or open] for the same product (the same code;
    the same category when either has no code; anything for a generic toewijzing).
    """
    vot = data.rows("verzoeken")
    vot = vot[vot["ProductCategorie"].notna()]
    if vot.empty:
        return None
    cur = current_toewijzingen(data)
    cols = [
        "record",
        "gemeente",
        "aanbieder",
        "client_id",
        "ReferentieAanbieder",
        "Dagtekening",
        "ProductCategorie",
        "ProductCode",
        "ToewijzingIngangsdatum",
        "ToewijzingEinddatum",
    ]
    toew = cur[
        [
            "gemeente",
            "aanbieder",
            "client_id",
            "vot_referentie",
            "eerste_dagtekening",
            "categorie",
            "productcode",
            "ingangsdatum",
            "einddatum",
        ]
    ]
    pairs = (
        vot[cols]
        .dropna(subset=["client_id"])
        .merge(toew, on=["gemeente", "aanbieder", "client_id"])
    )
    honours = (pairs["vot_referentie"] == pairs["ReferentieAanbieder"]).fillna(False)
    existed = (pairs["eerste_dagtekening"] < pairs["Dagtekening"]).fillna(False)
    clash = same_product(
        pairs["ProductCategorie"], pairs["ProductCode"], pairs["categorie"], pairs["productcode"]
    ) & overlaps(
        pairs["ToewijzingIngangsdatum"],
        pairs["ToewijzingEinddatum"],
        pairs["ingangsdatum"],
        pairs["einddatum"],
    )
    covered = set(pairs.loc[clash & existed.astype(bool) & ~honours.astype(bool), "record"])
    return outcome(vot, vot["record"].isin(covered))
