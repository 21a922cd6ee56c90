"""Checks on toewijzingen (301): numbering, dates, versions, omvang, stapeling, verlenging."""

from __future__ import annotations

import pandas as pd

from kit.checks.algemeen import RELEASE_32
from kit.checks.base import DAYS, Param, ScanData, outcome, register
from kit.checks.starts import current_301
from kit.pathways import DELETED_REASONS

KEY = ["gemeente", "ToewijzingNummer"]
MOMENT = [*KEY, "Toewijzingsdatum", "Toewijzingstijd"]
# What a new version may change with a RedenWijziging (IV066, IV099).
CHANGE_COLUMNS = ["Einddatum", "Volume", "Eenheid", "Frequentie", "Budget"]
# Content of one version (IV013: one moment, one content).
CONTENT_COLUMNS = [
    "ProductCategorie",
    "ProductCode",
    "Ingangsdatum",
    "Einddatum",
    "Volume",
    "Eenheid",
    "Frequentie",
    "Budget",
    "RedenWijziging",
]
ONLY_PER_WEEK_MONTH_TOTAL = frozenset({"14", "16", "83", "84"})  # CS338
CD080_DATE = pd.Timestamp("2020-12-31")


def _hash(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """One number per row for the values in ``columns`` (missing values compare equal)."""
    return pd.util.hash_pandas_object(frame[columns], index=False)


def _differs(a: pd.Series, b: pd.Series) -> pd.Series:
    """Element-wise "not equal", where two missing values are equal."""
    same = (a == b).fillna(False).astype(bool) | (a.isna() & b.isna())
    return ~same


def versions(data: ScanData) -> pd.DataFrame:
    """Every 301 row with its place among the versions of its toewijzing (once per scan).

    See :func:`_versions`.
    """
    return data.shared("versions", _versions)


def _versions(data: ScanData) -> pd.DataFrame:
    """Every 301 row with its place among the versions of its toewijzing.

    A version is one decision moment (gemeente + ToewijzingNummer + Toewijzingsdatum +
    Toewijzingstijd, IV013); later 301s repeat it unchanged (OP087). Added columns:
    ``eerste_versie`` (the earliest moment in the data), ``vorige_<col>`` (the previous version's
    Einddatum, Volume, Eenheid, Frequentie, Budget, from its first delivered row) and
    ``gewijzigd`` (one of those differs from the previous version). ``eerste_betrouwbaar`` tells
    whether the earliest version in the data can be the real first version: its Ingangsdatum is
    not before the first 301 in the data (an older toewijzing may have versions from before).
    """
    rows = data.rows("toewijzingen")
    ordered = rows.sort_values(
        [*MOMENT, "Dagtekening", "Identificatie", "regel"], na_position="first", kind="mergesort"
    )
    rep = ordered.drop_duplicates(MOMENT)[[*MOMENT, *CHANGE_COLUMNS]].copy()
    grouped = rep.groupby(KEY, sort=False, dropna=False)
    rep["eerste_versie"] = grouped.cumcount() == 0
    changed = pd.Series(False, index=rep.index)
    for col in CHANGE_COLUMNS:
        rep[f"vorige_{col}"] = grouped[col].shift()
        changed |= _differs(rep[col], rep[f"vorige_{col}"])
    rep["gewijzigd"] = changed & ~rep["eerste_versie"]
    info = rep.drop(columns=CHANGE_COLUMNS)
    out = rows.merge(info, on=MOMENT, how="left")
    out.index = rows.index
    window_start = rows["Dagtekening"].min()
    out["eerste_betrouwbaar"] = (
        ~(out["Ingangsdatum"] < window_start) if pd.notna(window_start) else True
    )
    return out


def current_toewijzingen(data: ScanData) -> pd.DataFrame:
    """Current, not withdrawn toewijzingen (pathways) with the row of their current 301.

    Returns the pathway columns plus ``record`` (the key of ``rij_301``), ``berichttype`` ("301"),
    ``Dagtekening``, ``Volume``, ``Eenheid`` and ``Frequentie`` of that row.
    """
    cur = current_301(data)
    cur = cur[~cur["ingetrokken"].astype(bool)]
    rows = data.rows("toewijzingen").set_index("record")
    cur = cur.assign(berichttype="301")
    extra = rows.reindex(cur["record"])[["Dagtekening", "Volume", "Eenheid", "Frequentie"]]
    for col in extra:
        cur[col] = extra[col].to_numpy()
    return cur


def same_product(
    cat_a: pd.Series, code_a: pd.Series, cat_b: pd.Series, code_b: pd.Series
) -> pd.Series:
    """Whether two products collide for stapeling (OP259/TR302).

    Both with a code: the same code. Otherwise the same category. A generic toewijzing (no
    product) collides with everything.
    """
    both_codes = code_a.notna() & code_b.notna()
    same_code = both_codes & (code_a == code_b).fillna(False).astype(bool)
    same_cat = ~both_codes & (cat_a == cat_b).fillna(False).astype(bool)
    return same_code | same_cat | cat_a.isna() | cat_b.isna()


def overlaps(
    start_a: pd.Series, end_a: pd.Series, start_b: pd.Series, end_b: pd.Series
) -> pd.Series:
    """Whether [start_a, end_a] and [start_b, end_b] share a day (missing end = open)."""
    a_before_b_ends = end_b.isna() | (start_a <= end_b)
    b_before_a_ends = end_a.isna() | (start_b <= end_a)
    return (a_before_b_ends & b_before_a_ends).fillna(False).astype(bool)


def _pairs(cur: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """All ordered pairs of different toewijzingen of one client at one aanbieder and gemeente."""
    side = cur.dropna(subset=["client_id"])[["gemeente", "aanbieder", "client_id", *columns]]
    pairs = side.merge(side, on=["gemeente", "aanbieder", "client_id"], suffixes=("", "_b"))
    return pairs[pairs["record"] != pairs["record_b"]]


@register("dubbel_toewijzingnummer")
def dubbel_toewijzingnummer(data: ScanData, params: dict) -> pd.DataFrame | None:
    """One ToewijzingNummer (per gemeente) for different clients, products or aanbieders.

    Records are 301 rows; every row of a number that occurs with more than one combination of
    client, aanbieder and product (categorie + code) fails (TR332/OP275).
    """
    rows = data.rows("toewijzingen")
    rows = rows[rows["ToewijzingNummer"].notna()]
    if rows.empty:
        return None
    who = _hash(rows, ["client_id", "aanbieder", "ProductCategorie", "ProductCode"])
    n = who.groupby([rows["gemeente"], rows["ToewijzingNummer"]], dropna=False).transform("nunique")
    return outcome(rows, n > 1)


@register("toewijzing_datumlogica")
def toewijzing_datumlogica(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Date rules of a 301 row (CS003, CS335, CS336, CD075, CD076).

    Fails on: Einddatum before Ingangsdatum; RedenWijziging 13 with an Einddatum other than the
    Ingangsdatum, or Einddatum = Ingangsdatum without 13; RedenWijziging 01; no Einddatum with
    Frequentie 2 (per week) or with a Budget.
    """
    rows = data.rows("toewijzingen")
    if rows.empty:
        return None
    start, end, reason = rows["Ingangsdatum"], rows["Einddatum"], rows["RedenWijziging"]
    deleted = (reason == "13").fillna(False).astype(bool)
    same_day = (end == start).fillna(False).astype(bool)
    bad = (end < start).fillna(False).astype(bool)
    bad |= deleted & ~same_day
    bad |= same_day & ~deleted
    bad |= (reason == "01").fillna(False).astype(bool)
    needs_end = (rows["Frequentie"] == "2").fillna(False).astype(bool) | rows["Budget"].notna()
    bad |= needs_end & end.isna()
    return outcome(rows, bad)


@register("reden_wijziging_onjuist")
def reden_wijziging_onjuist(data: ScanData, params: dict) -> pd.DataFrame | None:
    """RedenWijziging on the first version, or missing on a changed later version (IV066, IV099).

    Records are 301 rows. A row of the first version fails when it has a RedenWijziging; a row
    of a later version whose Einddatum, Volume, Eenheid, Frequentie or Budget differs from the
    previous version fails when it has none. First versions whose Ingangsdatum lies before the
    first 301 in the data are not judged: their real first version may be older than the data.
    """
    rows = versions(data)
    if rows.empty:
        return None
    first = rows["eerste_versie"].astype(bool)
    rows = rows[~first | rows["eerste_betrouwbaar"].astype(bool)]
    if rows.empty:
        return None
    first = rows["eerste_versie"].astype(bool)
    has_reason = rows["RedenWijziging"].notna()
    bad = (first & has_reason) | (~first & rows["gewijzigd"].astype(bool) & ~has_reason)
    return outcome(rows, bad)


@register("omvang_combinatie")
def omvang_combinatie(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Product, Omvang and Budget do not form an allowed toewijzingsvariant.

    Records are 301 rows. Fails on: a code without Omvang (CD041) or without category; Omvang
    and Budget both filled (CD077/CD078); no product and no Budget (CD079); Omvang without a
    code when the Einddatum is after 2020-12-31 or open (CD080); an incomplete Omvang; eenheid
    14/16/83/84 with a Frequentie other than 2, 4 or 6 (CS338).
    """
    rows = data.rows("toewijzingen")
    if rows.empty:
        return None
    cat, code = rows["ProductCategorie"], rows["ProductCode"]
    parts = rows[["Volume", "Eenheid", "Frequentie"]].notna()
    omvang = parts.any(axis=1)
    budget = rows["Budget"].notna()
    bad = code.notna() & ~omvang
    bad |= code.notna() & cat.isna()
    bad |= omvang & budget
    bad |= cat.isna() & ~budget
    bad |= code.isna() & omvang & ~(rows["Einddatum"] <= CD080_DATE).fillna(False).astype(bool)
    bad |= omvang & ~parts.all(axis=1)
    fixed_unit = rows["Eenheid"].isin(ONLY_PER_WEEK_MONTH_TOTAL).fillna(False).astype(bool)
    bad |= fixed_unit & ~rows["Frequentie"].isin(["2", "4", "6"]).fillna(False).astype(bool)
    return outcome(rows, bad)


@register("stapeling")
def stapeling(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Overlapping current toewijzingen of the same product for one client (OP259, TR302).

    Records are the current, not withdrawn toewijzingen (their current 301 row). One fails
    when another one of the same client, aanbieder and gemeente overlaps it in time
    [Ingangsdatum, Einddatum or open] for the same product: the same code, the same category
    when either has no code, or anything when either is generic (no product).
    """
    cur = current_toewijzingen(data)
    if cur.empty:
        return None
    cols = ["record", "categorie", "productcode", "ingangsdatum", "einddatum"]
    pairs = _pairs(cur, cols)
    clash = same_product(
        pairs["categorie"], pairs["productcode"], pairs["categorie_b"], pairs["productcode_b"]
    ) & overlaps(
        pairs["ingangsdatum"], pairs["einddatum"], pairs["ingangsdatum_b"], pairs["einddatum_b"]
    )
    stacked = set(pairs.loc[clash, "record"])
    return outcome(cur, cur["record"].isin(stacked))


@register("terugwerkende_kracht", {"min_dagen": DAYS, "verwacht_categorieen": Param("codes")})
def terugwerkende_kracht(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Toewijzing with retroactive effect (signal; SAP 4.1, SAP GI 2.1.1, OP186).

    Records are 301 rows. A row of the first version fails when its Ingangsdatum lies at least
    ``min_dagen`` days before its Toewijzingsdatum; a row of a later version whose Einddatum
    changed fails when the new Einddatum lies at least ``min_dagen`` days before its
    Toewijzingsdatum (ended in the past; withdrawals with 13/01 excepted). Rows of the
    ``verwacht_categorieen`` (crisis, JB/JR) are counted but never fail. First versions whose
    Ingangsdatum lies before the first 301 in the data are not judged (see :func:`versions`).
    """
    rows = versions(data)
    if rows.empty:
        return None
    first = rows["eerste_versie"].astype(bool)
    rows = rows[~first | rows["eerste_betrouwbaar"].astype(bool)]
    if rows.empty:
        return None
    first = rows["eerste_versie"].astype(bool)
    min_days = pd.Timedelta(days=params["min_dagen"])
    late_start = (rows["Toewijzingsdatum"] - rows["Ingangsdatum"] >= min_days).fillna(False)
    end_changed = _differs(rows["Einddatum"], rows["vorige_Einddatum"])
    ended_before = (rows["Toewijzingsdatum"] - rows["Einddatum"] >= min_days).fillna(False)
    withdrawn = rows["RedenWijziging"].isin(DELETED_REASONS).fillna(False).astype(bool)
    ended_in_past = ~first & end_changed & ended_before.astype(bool) & ~withdrawn
    expected = rows["ProductCategorie"].isin(list(params["verwacht_categorieen"]))
    expected = expected.fillna(False).astype(bool)
    bad = ((first & late_start.astype(bool)) | ended_in_past) & ~expected
    return outcome(rows, bad)


@register("verlenging_nieuw_nummer")
def verlenging_nieuw_nummer(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Extension with a new ToewijzingNummer where 3.2 requires oprekken (OP380).

    Records are the current, not withdrawn toewijzingen. One (B) fails when another toewijzing
    (A) of the same client, aanbieder, gemeente and product (category + code) ends the day
    before B begins, with the same Volume, Eenheid and Frequentie (not 6, "totaal"), while B was
    decided (first Toewijzingsdatum) on or before A's Einddatum and on or after 2023-04-03.
    """
    cur = current_toewijzingen(data)
    if cur.empty:
        return None
    cols = [
        "record",
        "categorie",
        "productcode",
        "ingangsdatum",
        "einddatum",
        "eerste_toewijzingsdatum",
        "Volume",
        "Eenheid",
        "Frequentie",
    ]
    pairs = _pairs(cur, cols)  # row = B (the new number), *_b = A (the old one)
    follows = (pairs["ingangsdatum"] == pairs["einddatum_b"] + pd.Timedelta(days=1)).fillna(False)
    same = ~_differs(pairs["categorie"], pairs["categorie_b"])
    same &= ~_differs(pairs["productcode"], pairs["productcode_b"])
    for col in ("Volume", "Eenheid", "Frequentie"):
        same &= pairs[col].notna() & ~_differs(pairs[col], pairs[f"{col}_b"])
    same &= (pairs["Frequentie"] != "6").fillna(False).astype(bool)
    decided = pairs["eerste_toewijzingsdatum"]
    in_time = ((decided <= pairs["einddatum_b"]) & (decided >= RELEASE_32)).fillna(False)
    new_number = set(pairs.loc[follows.astype(bool) & same & in_time.astype(bool), "record"])
    return outcome(cur, cur["record"].isin(new_number))


@register("versie_volgorde")
def versie_volgorde(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Two versions with the same decision moment but a different content (IV013, OP033x1).

    Records are 301 rows. Every row of a gemeente + ToewijzingNummer + Toewijzingsdatum +
    Toewijzingstijd that occurs with more than one content (product, Ingangsdatum, Einddatum,
    Omvang, Budget, RedenWijziging) fails: the current version cannot be determined.
    """
    rows = data.rows("toewijzingen")
    rows = rows[rows["ToewijzingNummer"].notna()]
    if rows.empty:
        return None
    content = _hash(rows, CONTENT_COLUMNS)
    n = content.groupby([rows[c] for c in MOMENT], dropna=False).transform("nunique")
    return outcome(rows, n > 1)
