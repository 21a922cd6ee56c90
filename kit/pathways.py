"""Step 2 (pathway model): store tables -> current state -> one row per pathway.

A pathway is one toewijzing (gemeente + ToewijzingNummer) for one client at one aanbieder, with
every date the waiting-time definitions need; a verzoek om toewijzing (315) that never led to a
toewijzing is a pathway too (rejected, in onderzoek or still open). The rules follow the iJw 3.2
implementation notes:

- rejected heenberichten (a retour with a code other than 0200/0233) count as never sent (OP286);
- 301 versions are ordered by Toewijzingsdatum + Toewijzingstijd, never by file order (IV013,
  OP080); a current version with RedenWijziging 13 (or the old 01) is a withdrawn toewijzing;
- 305/307 StatusAanlevering 3 deletes the earlier delivery with the same logical key (IV008);
- 315/317 link to 301/319 through the aanbieder's AGB + ReferentieAanbieder (TR379, TR355);
- ToewijzingNummer is only unique within a gemeente (TR332): it is always keyed with it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kit.store import read_table

#: the largest combined integer key built from the codes of several columns (int64 with room)
MAX_COMBINED = 2**62

ACCEPT_CODES = frozenset({"0200", "0233", "8001"})
DELETED_REASONS = frozenset({"13", "01"})
TEMPORARY_STOP = "20"
PATHWAY_TABLES = (
    "toewijzingen",
    "starts",
    "stops",
    "verzoeken",
    "wijzigingsverzoeken",
    "antwoorden",
    "prestaties",
    "retourcodes",
)
RECORD_CLASSES = {
    "ToegewezenProduct",
    "StartProduct",
    "StopProduct",
    "AangevraagdProduct",
    "Prestatie",
}


def load_tables(store: Path, names: tuple[str, ...] = PATHWAY_TABLES) -> dict[str, pd.DataFrame]:
    """Read the store tables the pathway model needs.

    Parameters
    ----------
    store : pathlib.Path
        Store folder written by ``python -m kit inlezen``.
    names : tuple of str
        Tables to read.

    Returns
    -------
    dict of pandas.DataFrame
    """
    return {name: read_table(store, name) for name in names}


def drop_rejected(records: pd.DataFrame, retourcodes: pd.DataFrame) -> pd.DataFrame:
    """Remove records of heenberichten that a retour rejected (OP286).

    A rejecting code at Header or Client level rejects the whole message; a code on a product
    class (ToegewezenProduct, StartProduct, ...) rejects the records of that message with the same
    ToewijzingNummer or ReferentieAanbieder.

    Parameters
    ----------
    records : pandas.DataFrame
        One store table of heenbericht records (``berichttype``, ``Identificatie``, ``gemeente``,
        ``aanbieder``, and ``ToewijzingNummer`` / ``ReferentieAanbieder`` where the table has them).
    retourcodes : pandas.DataFrame
        Store table ``retourcodes``.

    Returns
    -------
    pandas.DataFrame
        ``records`` without the rejected rows.
    """
    if records.empty or retourcodes.empty:
        return records
    bad = retourcodes[~retourcodes["RetourCode"].isin(ACCEPT_CODES)]
    bad = bad[bad["heen_berichttype"].isin(records["berichttype"].unique())]
    if bad.empty:
        return records
    msg_key = ["berichttype", "gemeente", "aanbieder", "Identificatie"]
    bad = bad.rename(columns={"heen_berichttype": "berichttype"})
    whole = bad[~bad["niveau"].isin(RECORD_CLASSES)]
    keep = ~_same_message(records, whole, msg_key)
    per_record = bad[bad["niveau"].isin(RECORD_CLASSES)]
    for key_col in ("ToewijzingNummer", "ReferentieAanbieder", "ReferentieNummer"):
        if key_col not in records:
            continue
        rejected = per_record.dropna(subset=[key_col])
        keep &= ~_same_message(records, rejected, [*msg_key, key_col])
    return records[keep]


def _same_message(records: pd.DataFrame, codes: pd.DataFrame, cols: list[str]) -> pd.Series:
    """Whether each record is in a message that ``codes`` name by ``cols`` and Dagtekening.

    A retour copies the heenbericht's header, Dagtekening included (IV028), so a reused
    Identificatie (another year, another message) is not rejected with it. A code without a
    Dagtekening (a table export without it) matches on ``cols`` alone.
    """
    if "Dagtekening" not in codes or "Dagtekening" not in records:
        return matches(records, codes[cols].drop_duplicates(), cols)
    dated = codes["Dagtekening"].notna()
    with_date = [*cols, "Dagtekening"]
    return matches(records, codes.loc[dated, with_date].drop_duplicates(), with_date) | matches(
        records, codes.loc[~dated, cols].drop_duplicates(), cols
    )


def key_codes(cols: list[str], *frames: pd.DataFrame) -> list[np.ndarray]:
    """Integer codes of the combined key ``cols``, comparable across ``frames``.

    Equal keys get equal codes; a missing value is a value of its own. Much faster than joining
    or grouping on several text columns.
    """
    sizes = [len(f) for f in frames]
    combined = np.zeros(sum(sizes), dtype=np.int64)
    span = 1  # the combined codes so far lie in range(span)
    for col in cols:
        values = pd.concat([f[col] for f in frames], ignore_index=True)
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        radix = len(uniques) + 1
        if span * radix >= MAX_COMBINED:  # renumber densely before the product overflows
            combined, found = pd.factorize(combined)
            span = len(found)
        combined = combined * radix + codes
        span *= radix
    # numbered by first appearance, as one factorize per column did: the order of the tuples'
    # first appearance does not depend on how the partial keys were numbered
    combined, _ = pd.factorize(combined)
    return np.split(combined, np.cumsum(sizes)[:-1])


def matches(frame: pd.DataFrame, other: pd.DataFrame, cols: list[str]) -> pd.Series:
    """Whether each row of ``frame`` has a row in ``other`` with equal ``cols``."""
    if frame.empty or other.empty:
        return pd.Series(False, index=frame.index)
    found, candidates = np.ones(len(frame), dtype=bool), frame
    if len(cols) > 1 and len(other) * 10 < len(frame):
        # a few keys (retour codes) in a table of millions of rows: first the rows that match
        # on the key's most varied column, then the whole key on those rows only (each
        # column numbered is a hash over every row)
        col = max(cols, key=lambda c: other[c].nunique(dropna=False))
        left, right = key_codes([col], frame, other)
        found = np.isin(left, right)
        candidates = frame.loc[found, cols]  # only the key columns of those rows are copied
    if len(candidates):
        left, right = key_codes(cols, candidates, other)
        found[found] = np.isin(left, right)
    return pd.Series(found, index=frame.index)


def current_toewijzingen(toewijzingen: pd.DataFrame) -> pd.DataFrame:
    """Reduce 301 versions to one row per toewijzing (gemeente + ToewijzingNummer).

    Parameters
    ----------
    toewijzingen : pandas.DataFrame
        Store table ``toewijzingen`` (rejected messages already dropped).

    Returns
    -------
    pandas.DataFrame
        The latest version by Toewijzingsdatum + Toewijzingstijd (ties: later Dagtekening, then
        Identificatie) with extra columns ``eerste_toewijzingsdatum`` and
        ``eerste_dagtekening`` (of the first version), ``n_versies`` (distinct decision moments)
        and ``ingetrokken`` (current RedenWijziging 13/01); ``ReferentieAanbieder`` is the first
        one in version order.
    """
    key = ["gemeente", "ToewijzingNummer"]
    ordered = toewijzingen.sort_values(
        [*key, "Toewijzingsdatum", "Toewijzingstijd", "Dagtekening", "Identificatie", "regel"],
        na_position="first",
        kind="mergesort",
    )
    grouped = ordered.groupby(key, sort=False)
    current = grouped.tail(1).set_index(key)
    first = grouped.head(1).set_index(key)
    current["eerste_toewijzingsdatum"] = first["Toewijzingsdatum"]
    current["eerste_dagtekening"] = first["Dagtekening"]
    current["eerste_ingangsdatum"] = first["Ingangsdatum"]
    current["n_versies"] = (
        ordered.drop_duplicates([*key, "Toewijzingsdatum", "Toewijzingstijd"]).groupby(key).size()
    )
    # a later version may carry no reference (a verlenging by the gemeente) or a 317's (TR379):
    # the verzoek that led to the toewijzing is the first reference in version order
    with_ref = ordered.dropna(subset=["ReferentieAanbieder"]).groupby(key, sort=False).head(1)
    current["ReferentieAanbieder"] = with_ref.set_index(key)["ReferentieAanbieder"]
    current["ingetrokken"] = current["RedenWijziging"].isin(DELETED_REASONS).astype("boolean")
    current["rij_301"] = current["bericht_id"] + ":" + current["regel"].astype("string")
    return current.reset_index()


def current_regie(records: pd.DataFrame, logical_key: list[str]) -> pd.DataFrame:
    """Apply StatusAanlevering 3 deletions to 305 or 307 records (IV008).

    Within one logical key, deliveries are ordered by Dagtekening, Identificatie and position;
    the key is current when its last delivery has StatusAanlevering 1.

    Parameters
    ----------
    records : pandas.DataFrame
        Store table ``starts`` or ``stops``.
    logical_key : list of str
        Columns of the logical key (without StatusAanlevering).

    Returns
    -------
    pandas.DataFrame
        One row per current logical key, with ``n_aanleveringen`` (deliveries of that key).
    """
    if records.empty:
        return records.assign(n_aanleveringen=pd.Series(dtype="Int64"))
    ordered = records.sort_values(["Dagtekening", "Identificatie", "regel"], kind="mergesort")
    (group,) = key_codes(logical_key, ordered)
    last = ~pd.Series(group).duplicated(keep="last").to_numpy()
    current = last & (ordered["StatusAanlevering"] == "1").fillna(False).to_numpy(dtype=bool)
    counts = np.bincount(group)[group[current]]
    return ordered[current].assign(n_aanleveringen=counts)


START_KEY = [
    "gemeente",
    "aanbieder",
    "client_id",
    "ToewijzingNummer",
    "ProductCategorie",
    "ProductCode",
    "Begindatum",
]
STOP_KEY = [*START_KEY, "Einddatum", "RedenBeeindiging"]


def _start_summary(starts: pd.DataFrame) -> pd.DataFrame:
    current = current_regie(starts, START_KEY)
    current = current.sort_values(["Begindatum", "Dagtekening"], kind="mergesort")
    g = current.groupby(["gemeente", "ToewijzingNummer"])
    first = g.head(1).set_index(["gemeente", "ToewijzingNummer"])
    return pd.DataFrame(
        {
            "start_begindatum": first["Begindatum"],
            "start_dagtekening": first["Dagtekening"],
            "start_toewijzing_ingangsdatum": first["ToewijzingIngangsdatum"],
            "n_starts": g.size(),
            "rij_305": first["bericht_id"] + ":" + first["regel"].astype("string"),
        }
    )


def _stop_summary(stops: pd.DataFrame) -> pd.DataFrame:
    current = current_regie(stops, STOP_KEY)
    key = ["gemeente", "ToewijzingNummer"]
    definitive = current[current["RedenBeeindiging"] != TEMPORARY_STOP]
    definitive = definitive.sort_values(["Einddatum", "Dagtekening"], kind="mergesort")
    last = definitive.groupby(key).tail(1).set_index(key)
    temporary = current[current["RedenBeeindiging"] == TEMPORARY_STOP].groupby(key).size()
    out = pd.DataFrame(
        {
            "stop_einddatum": last["Einddatum"],
            "stop_reden": last["RedenBeeindiging"],
            "stop_dagtekening": last["Dagtekening"],
        }
    )
    return out.join(temporary.rename("n_tijdelijke_stops"), how="outer")


def rejected_by_325(prestaties: pd.DataFrame, retourcodes: pd.DataFrame) -> pd.Series:
    """Which prestaties a declaratie-antwoord (325) rejected, matched on aanbieder + ReferentieNummer.

    A 325 is not a retour: its codes carry heen_berichttype "325" and copy the rejected
    Prestatie with its ReferentieNummer (unique per aanbieder, TR314).
    """
    codes = retourcodes[
        (retourcodes["heen_berichttype"] == "325")
        & (retourcodes["niveau"] == "Prestatie")
        & ~retourcodes["RetourCode"].isin(ACCEPT_CODES)
    ].dropna(subset=["ReferentieNummer"])
    return matches(prestaties, codes, ["aanbieder", "ReferentieNummer"])


def _declaration_summary(prestaties: pd.DataFrame) -> pd.DataFrame:
    debet = prestaties[prestaties["IngediendBedragDebetCredit"].fillna("D") == "D"]
    credited = set(prestaties["VorigReferentieNummer"].dropna())
    debet = debet[~debet["ReferentieNummer"].isin(credited)]
    g = debet.groupby(["gemeente", "ToewijzingNummer"])
    return pd.DataFrame(
        {
            "eerste_productperiode": g["ProductPeriodeBegindatum"].min(),
            "laatste_productperiode": g["ProductPeriodeEinddatum"].max(),
            "eerste_declaratie_dagtekening": g["Dagtekening"].min(),
            "n_prestaties": g.size(),
        }
    )


def _requests(verzoeken: pd.DataFrame, antwoorden: pd.DataFrame) -> pd.DataFrame:
    """One row per requested product (315), with its 319 answers."""
    key = ["aanbieder", "ReferentieAanbieder"]
    vot = verzoeken.sort_values(["Dagtekening", "Identificatie"], kind="mergesort")
    vot = vot.drop_duplicates(key, keep="first")
    vot = vot.rename(
        columns={
            "Dagtekening": "vot_dagtekening",
            "ToewijzingIngangsdatum": "vot_ingangsdatum",
            "VerwijzerType": "verwijzer_type",
            "ReferentieAanbieder": "vot_referentie",
            "ProductCategorie": "vot_categorie",
            "ProductCode": "vot_productcode",
        }
    )[
        [
            "aanbieder",
            "vot_referentie",
            "gemeente",
            "client_id",
            "vot_dagtekening",
            "vot_ingangsdatum",
            "verwijzer_type",
            "vot_categorie",
            "vot_productcode",
            "Geboortemaand",
            "Geslacht",
        ]
    ]
    ans = antwoorden.sort_values(["Dagtekening", "Identificatie"], kind="mergesort")
    onderzoek = ans[ans["VerzoekAntwoord"] == "2"].drop_duplicates(key, keep="first")
    afwijzing = ans[ans["VerzoekAntwoord"] == "1"].drop_duplicates(key, keep="first")
    onderzoek = onderzoek.set_index(key)["Dagtekening"].rename("onderzoek_dagtekening")
    afwijzing = afwijzing.set_index(key)[["Dagtekening", "RedenAfwijzingVerzoek"]].rename(
        columns={"Dagtekening": "afwijzing_dagtekening", "RedenAfwijzingVerzoek": "afwijzing_reden"}
    )
    out = vot.join(onderzoek, on=["aanbieder", "vot_referentie"])
    return out.join(afwijzing, on=["aanbieder", "vot_referentie"])


def build_pathways(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Build one row per pathway from the store tables.

    Parameters
    ----------
    tables : dict of pandas.DataFrame
        Store tables, at least those in ``PATHWAY_TABLES`` (see :func:`load_tables`).

    Returns
    -------
    pandas.DataFrame
        One row per toewijzing (``pathway_id`` = ``gemeente:ToewijzingNummer``) and per verzoek
        without a toewijzing (``pathway_id`` = ``vot:aanbieder:ReferentieAanbieder``). Columns:
        ``pathway_id, client_id, gemeente, aanbieder, ToewijzingNummer, categorie, productcode,
        status, vot_referentie, vot_dagtekening, vot_ingangsdatum, verwijzer_type,
        onderzoek_dagtekening, afwijzing_dagtekening, afwijzing_reden, eerste_dagtekening,
        eerste_toewijzingsdatum, toewijzingsdatum, ingangsdatum, einddatum, reden_wijziging,
        n_versies, ingetrokken, start_begindatum, start_dagtekening,
        start_toewijzing_ingangsdatum, n_starts, stop_einddatum, stop_reden, stop_dagtekening,
        n_tijdelijke_stops, eerste_productperiode, laatste_productperiode,
        eerste_declaratie_dagtekening, n_prestaties, geboortemaand, geslacht, rij_301, rij_305``
        (``rij_*``: the store row, ``bericht_id:regel``, of the current 301 and first 305).
        ``status`` is one of: verzoek_open, in_onderzoek, afgewezen, ingetrokken, toegewezen,
        gestart, gestopt.
    """
    rc = tables["retourcodes"]
    toew = current_toewijzingen(drop_rejected(tables["toewijzingen"], rc))
    key = ["gemeente", "ToewijzingNummer"]
    toew = toew.join(_start_summary(drop_rejected(tables["starts"], rc)), on=key)
    toew = toew.join(_stop_summary(drop_rejected(tables["stops"], rc)), on=key)
    prestaties = drop_rejected(tables["prestaties"], rc)
    prestaties = prestaties[~rejected_by_325(prestaties, rc)]
    toew = toew.join(_declaration_summary(prestaties), on=key)
    requests = _requests(drop_rejected(tables["verzoeken"], rc), tables["antwoorden"])
    linked = toew.merge(
        requests.drop(columns=["gemeente", "client_id", "Geboortemaand", "Geslacht"]),
        how="left",
        left_on=["aanbieder", "ReferentieAanbieder"],
        right_on=["aanbieder", "vot_referentie"],
    )
    linked = linked.rename(
        columns={
            "ProductCategorie": "categorie",
            "ProductCode": "productcode",
            "Toewijzingsdatum": "toewijzingsdatum",
            "Ingangsdatum": "ingangsdatum",
            "Einddatum": "einddatum",
            "RedenWijziging": "reden_wijziging",
            "Geboortemaand": "geboortemaand",
            "Geslacht": "geslacht",
        }
    )
    linked["pathway_id"] = linked["gemeente"] + ":" + linked["ToewijzingNummer"]
    used = linked[["aanbieder", "vot_referentie"]].dropna()
    open_requests = requests[~matches(requests, used, ["aanbieder", "vot_referentie"])].rename(
        columns={
            "vot_categorie": "categorie",
            "vot_productcode": "productcode",
            "Geboortemaand": "geboortemaand",
            "Geslacht": "geslacht",
        }
    )
    open_requests = open_requests.assign(
        pathway_id="vot:" + open_requests["aanbieder"] + ":" + open_requests["vot_referentie"]
    )
    pathways = pd.concat([linked, open_requests], ignore_index=True)
    pathways["status"] = _status(pathways)
    for col in ("n_versies", "n_starts", "n_tijdelijke_stops", "n_prestaties"):
        pathways[col] = pathways[col].fillna(0).astype("Int64")
    pathways["ingetrokken"] = pathways["ingetrokken"].astype("boolean").fillna(False)
    return (
        pathways[PATHWAY_COLUMNS].sort_values("pathway_id", kind="mergesort").reset_index(drop=True)
    )


PATHWAY_COLUMNS = [
    "pathway_id",
    "client_id",
    "gemeente",
    "aanbieder",
    "ToewijzingNummer",
    "categorie",
    "productcode",
    "status",
    "vot_referentie",
    "vot_dagtekening",
    "vot_ingangsdatum",
    "verwijzer_type",
    "onderzoek_dagtekening",
    "afwijzing_dagtekening",
    "afwijzing_reden",
    "eerste_dagtekening",
    "eerste_toewijzingsdatum",
    "toewijzingsdatum",
    "ingangsdatum",
    "einddatum",
    "reden_wijziging",
    "n_versies",
    "ingetrokken",
    "start_begindatum",
    "start_dagtekening",
    "start_toewijzing_ingangsdatum",
    "n_starts",
    "stop_einddatum",
    "stop_reden",
    "stop_dagtekening",
    "n_tijdelijke_stops",
    "eerste_productperiode",
    "laatste_productperiode",
    "eerste_declaratie_dagtekening",
    "n_prestaties",
    "geboortemaand",
    "geslacht",
    "rij_301",
    "rij_305",
]


def _status(p: pd.DataFrame) -> pd.Series:
    status = pd.Series("verzoek_open", index=p.index, dtype="string")
    status[p["onderzoek_dagtekening"].notna()] = "in_onderzoek"
    status[p["afwijzing_dagtekening"].notna()] = "afgewezen"
    has_toew = p["ToewijzingNummer"].notna()
    status[has_toew] = "toegewezen"
    status[has_toew & p["ingetrokken"].fillna(False).astype(bool)] = "ingetrokken"
    status[p["start_begindatum"].notna()] = "gestart"
    status[p["stop_einddatum"].notna()] = "gestopt"
    return status


def pathways_from_store(store: Path) -> pd.DataFrame:
    """Read a store and build its pathways (see :func:`build_pathways`)."""
    return build_pathways(load_tables(store))


def summarise(pathways: pd.DataFrame, *, by: str = "gemeente", threshold: int = 10) -> pd.DataFrame:
    """Count pathways and children per status for each value of ``by``, small cells suppressed.

    Parameters
    ----------
    pathways : pandas.DataFrame
        Output of :func:`build_pathways`.
    by : str
        Grouping column, e.g. ``"gemeente"``, ``"aanbieder"`` or ``"categorie"``.
    threshold : int
        Counts below this (and above 0) are blanked, see :func:`kit.privacy.suppress_small_cells`.

    Returns
    -------
    pandas.DataFrame
        One row per group plus ``totaal``: ``kinderen`` (distinct clients), ``trajecten`` and
        one column per status.
    """
    from kit.privacy import Totals, suppress_small_cells

    statuses = [
        "verzoek_open",
        "in_onderzoek",
        "afgewezen",
        "toegewezen",
        "ingetrokken",
        "gestart",
        "gestopt",
    ]
    groups = pathways[by].astype("string").fillna("onbekend")
    table = pd.crosstab(groups, pathways["status"]).reindex(columns=statuses, fill_value=0)
    table.insert(0, "trajecten", table.sum(axis=1))
    table.insert(0, "kinderen", pathways.groupby(groups)["client_id"].nunique())
    total = table.sum().to_frame("totaal").T
    total["kinderen"] = pathways["client_id"].nunique()
    table = pd.concat([table, total]).rename_axis(by).reset_index()
    return suppress_small_cells(
        table, ["kinderen", "trajecten", *statuses], threshold=threshold, totals=Totals(by)
    )
