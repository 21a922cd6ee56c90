"""Checks that apply to every message: BSN, header, uniqueness, dates, retours, age."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kit.checks.base import (
    LATER_MESSAGES,
    WORKDAYS,
    Param,
    ScanData,
    first_positions,
    outcome,
    register,
)
from kit.contract import INVALID_TABLE, load_schema
from kit.pathways import ACCEPT_CODES
from kit.store import FILES_TABLE

RELEASE_32 = pd.Timestamp("2023-04-03")  # iJw 3.2 in force: BerichtVersie 3, BerichtSubversie 2
CLIENT_TABLES = (
    "toewijzingen",
    "starts",
    "stops",
    "verzoeken",
    "wijzigingsverzoeken",
    "prestaties",
)
# Content dates that must not lie after the message's Dagtekening (TR134, TR137).
CONTENT_DATES = {
    "toewijzingen": ("Toewijzingsdatum",),
    "starts": ("Begindatum",),
    "stops": ("Begindatum", "Einddatum"),
    "prestaties": ("ProductPeriodeBegindatum", "ProductPeriodeEinddatum"),
}
# Key of a rejected class in `retourcodes`, most specific first.
RETOUR_KEYS = ("ReferentieNummer", "ToewijzingNummer", "ReferentieAanbieder")
HEADER_COLUMNS = [
    "bericht_id",
    "berichttype",
    "heen_berichttype",
    "is_retour",
    "Afzender",
    "Ontvanger",
    "Identificatie",
    "Dagtekening",
    "DagtekeningRetour",
    "DeclaratieIdentificatie",
    "DeclaratieDagtekening323",
]
RECORD_COLUMNS = ["record", "bericht_id", "berichttype", "aanbieder", "gemeente", "Dagtekening"]
TR002_YEARS = 120


def client_rows(data: ScanData) -> pd.DataFrame:
    """Every store row that carries a client (BSN-derived columns), all tables together."""
    parts = [data.rows(t) for t in CLIENT_TABLES if len(data.tables[t])]
    if not parts:
        return pd.DataFrame()
    cols = [
        "record",
        "berichttype",
        "aanbieder",
        "gemeente",
        "Dagtekening",
        "client_id",
        "BsnElfproef",
        "BsnTestnummer",
        "Geboortemaand",
    ]
    return pd.concat([p[[c for c in cols if c in p]] for p in parts], ignore_index=True)


def message_tables(berichttype: str | None = None) -> list[str]:
    """Store tables fed by one message type (all message tables when None)."""
    return [
        t.name
        for t in load_schema().tables.values()
        if berichttype is None or t.berichttype == berichttype
    ]


def _sent_by_gemeente(heen_type: pd.Series) -> pd.Series:
    roles = {k: v.get("afzender") for k, v in load_schema().berichten.items()}
    return heen_type.map(roles).eq("gemeente").fillna(False).astype(bool)


def _is_retour(msgs: pd.DataFrame) -> pd.Series:
    return msgs["is_retour"].fillna(False).astype(bool)


def retour_candidates(data: ScanData) -> pd.DataFrame:
    """Every retour (302/.../320) and every 325 known on the peildatum, keyed like its heenbericht.

    Returns
    -------
    pandas.DataFrame
        ``retour_id, heen_type, Afzender, Ontvanger, Identificatie, kop_dag, retour_dag``: the
        header of the heenbericht as the retour repeats it (for a 325: the 323's Identificatie and
        Dagtekening, sender and receiver swapped back) and the date the retour was sent. Retours
        sent after the peildatum are left out (a missing date is kept).
    """
    msgs = data.tables["berichten"][HEADER_COLUMNS]
    retours = msgs[_is_retour(msgs)]
    answers = msgs[msgs["berichttype"] == "325"]
    parts = [
        pd.DataFrame(
            {
                "retour_id": retours["bericht_id"],
                "heen_type": retours["heen_berichttype"],
                "Afzender": retours["Afzender"],
                "Ontvanger": retours["Ontvanger"],
                "Identificatie": retours["Identificatie"],
                "kop_dag": retours["Dagtekening"],
                "retour_dag": retours["DagtekeningRetour"],
            }
        ),
        pd.DataFrame(
            {
                "retour_id": answers["bericht_id"],
                "heen_type": "323",
                "Afzender": answers["Ontvanger"],
                "Ontvanger": answers["Afzender"],
                "Identificatie": answers["DeclaratieIdentificatie"],
                "kop_dag": answers["DeclaratieDagtekening323"],
                "retour_dag": answers["Dagtekening"],
            }
        ),
    ]
    filled = [p for p in parts if len(p)]
    if not filled:
        return parts[0].iloc[0:0].astype({"heen_type": "string"})
    out = pd.concat(filled, ignore_index=True).astype({"heen_type": "string"})
    return out[~(out["retour_dag"] > data.peildatum)].reset_index(drop=True)


def retour_links(data: ScanData) -> pd.DataFrame:
    """Link every retour (and 325) to the heenbericht it answers (computed once per scan).

    The key is heen berichttype + Afzender + Ontvanger + Identificatie of the heenbericht (the
    retour copies the header, IV028; a 325 names the 323 in DeclaratieIdentificatie, TR337). When
    an identification was used twice, the heenbericht with the same Dagtekening is preferred.

    Returns
    -------
    pandas.DataFrame
        ``retour_id, heen_id, heen_type, heen_dag, retour_dag``: one row per linked retour.
    """
    return data.shared("retour_links", _link_retours)


def _link_retours(data: ScanData) -> pd.DataFrame:
    cand = retour_candidates(data)
    if cand.empty:
        return pd.DataFrame(columns=["retour_id", "heen_id", "heen_type", "heen_dag", "retour_dag"])
    msgs = data.tables["berichten"][HEADER_COLUMNS]
    heen = msgs[~_is_retour(msgs)].rename(
        columns={"bericht_id": "heen_id", "berichttype": "heen_type", "Dagtekening": "heen_dag"}
    )[["heen_id", "heen_type", "Afzender", "Ontvanger", "Identificatie", "heen_dag"]]
    key = ["heen_type", "Afzender", "Ontvanger", "Identificatie"]
    linked = cand.dropna(subset=["Identificatie"]).merge(heen, on=key)
    ambiguous = linked["retour_id"].duplicated(keep=False)
    if ambiguous.any():  # identification used twice: prefer the heenbericht of the same day
        part = linked[ambiguous]
        part = part.assign(_other_day=~(part["kop_dag"] == part["heen_dag"]).fillna(False))
        part = part.sort_values(["retour_id", "_other_day", "heen_dag"], kind="mergesort")
        linked = pd.concat([linked[~ambiguous], part.drop_duplicates("retour_id")])
    return linked[["retour_id", "heen_id", "heen_type", "heen_dag", "retour_dag"]].reset_index(
        drop=True
    )


@register("bsn_elfproef")
def bsn_elfproef(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Rows whose BSN fails the 11-proef (CS002; computed at ingest)."""
    rows = client_rows(data)
    if rows.empty:
        return None
    rows = rows[rows["BsnElfproef"].notna()]
    return outcome(rows, ~rows["BsnElfproef"].astype(bool))


@register("bsn_testnummer", {"testdata_toegestaan": Param("bool")})
def bsn_testnummer(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Rows with a BSN from the test range; passes when ``testdata_toegestaan`` is set."""
    rows = client_rows(data)
    if rows.empty:
        return None
    rows = rows[rows["BsnTestnummer"].notna()]
    failing = rows["BsnTestnummer"].astype(bool) & (not params["testdata_toegestaan"])
    return outcome(rows, failing)


def _fullmatch(values: pd.Series, pattern: str) -> pd.Series:
    """``str.fullmatch`` evaluated once per distinct value (codes repeat a lot); missing: False."""
    codes, uniques = pd.factorize(values)
    ok = pd.Series(uniques, dtype="string").str.fullmatch(pattern).fillna(False).to_numpy(bool)
    return pd.Series(np.append(ok, False)[codes], index=values.index)  # code -1 (missing): False


def _gemeentecodes(values: list) -> set[str]:
    # YAML reads an unquoted 0599 as text and 363 as a number: pad numbers to four digits.
    # (An unquoted 0363 is octal to YAML and arrives as 243: codes should be quoted.)
    return {f"{v:04d}" if isinstance(v, int) else str(v).strip() for v in values}


@register("kop_ongeldig", {"gemeentecodes": Param("list")})
def kop_ongeldig(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Message header: codes, version and (optionally) the gemeentecode list (RS035/RS036, TR378).

    One record per message in ``berichten``, retours included (a retour repeats the header of
    its heenbericht). Fails when the gemeente side (Afzender of 301/319/325, Ontvanger of the
    others) is not 4 digits, the aanbieder side not 8 digits, BerichtVersie is not 3 or
    BerichtSubversie not 2 (for messages dated from 2023-04-03, when iJw 3.2 took effect), or,
    with a non-empty ``gemeentecodes`` list, the gemeentecode is not in that list.
    """
    msgs = data.rows("berichten")
    if msgs.empty:
        return None
    by_gemeente = _sent_by_gemeente(msgs["heen_berichttype"].fillna(msgs["berichttype"]))
    gemeente = msgs["Afzender"].where(by_gemeente, msgs["Ontvanger"])
    aanbieder = msgs["Ontvanger"].where(by_gemeente, msgs["Afzender"])
    bad = ~_fullmatch(gemeente, r"[0-9]{4}") | ~_fullmatch(aanbieder, r"[0-9]{8}")
    wrong_version = (msgs["BerichtVersie"] != "3") | (msgs["BerichtSubversie"] != "2")
    bad |= wrong_version.fillna(True).astype(bool) & ~(msgs["Dagtekening"] < RELEASE_32)
    codes = _gemeentecodes(params["gemeentecodes"])
    if codes:
        bad |= ~gemeente.isin(codes).fillna(False).astype(bool)
    return outcome(msgs, bad)


@register("ongeldige_waarde")
def ongeldige_waarde(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Messages with a value the kit left empty as impossible (table ``ongeldige_waarden``).

    One record per message in ``berichten``; fails when the message has a row in
    ``ongeldige_waarden``: a date that does not exist or is not written as JJJJ-MM-DD, a number
    that is not whole where the XSD requires an integer, a birth date that is no date (recorded
    at ingest, see :func:`kit.contract.valid_date`). The element and count per message are in
    that table and in the load report.
    """
    msgs = data.rows("berichten")
    if msgs.empty:
        return None
    invalid = data.tables.get(INVALID_TABLE)
    if invalid is None or invalid.empty:
        bad = pd.Series(False, index=msgs.index)
    else:
        bad = msgs["bericht_id"].isin(invalid["bericht_id"]).fillna(False).astype(bool)
    return outcome(msgs, bad)


@register("dubbele_identificatie")
def dubbele_identificatie(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Two or more messages with the same identification per sender and berichtsoort (TR056).

    One record per message with an identification. A heenbericht is keyed by berichttype +
    Afzender + Identificatie; a retour by its own sender (the heenbericht's Ontvanger) and
    IdentificatieRetour (its header Identificatie is the heenbericht's). Every message of a
    duplicated key fails.
    """
    msgs = data.rows("berichten")
    if msgs.empty:
        return None
    retour = _is_retour(msgs)
    keyed = msgs[RECORD_COLUMNS].assign(
        _afzender=msgs["Afzender"].where(~retour, msgs["Ontvanger"]),
        _ident=msgs["Identificatie"].where(~retour, msgs["IdentificatieRetour"]),
    )
    keyed = keyed[keyed["_ident"].notna()]
    if keyed.empty:
        return None
    # one row per message (bericht_id is unique), so a repeated key is a second message
    return outcome(keyed, keyed.duplicated(["berichttype", "_afzender", "_ident"], keep=False))


@register("dubbel_bestand")
def dubbel_bestand(data: ScanData, params: dict) -> pd.DataFrame | None:
    """The same file content delivered under more than one name (signal).

    One record per distinct file content (label ``bestand:<inhoud_hash>``) in ``bestanden``;
    fails when that content was seen under two or more file names. Berichttype, aanbieder,
    gemeente and date are those of the first message of the file ("onbekend" when the file
    holds no message the scan knows). Files whose messages all lie after the peildatum are left
    out.
    """
    files = data.tables.get(FILES_TABLE)
    if files is None or files.empty:
        return None
    files = files.assign(_key=data.keys.of_table(FILES_TABLE))
    files = files[files["inhoud_hash"].notna()]
    if files.empty:
        return None
    codes, hashes = pd.factorize(files["inhoud_hash"])
    n_berichten = files["n_berichten"].groupby(codes).max().to_numpy()
    n_names = np.ones(len(hashes), dtype=np.int64)
    repeated = np.bincount(codes)[codes] > 1
    if repeated.any():
        names = files.loc[repeated, "bron"].groupby(codes[repeated]).nunique()
        n_names[names.index.to_numpy()] = names.to_numpy()
    msgs = data.tables["berichten"][["berichttype", "aanbieder", "gemeente", "Dagtekening"]]
    info = msgs.reset_index(drop=True).reindex(_first_messages(data, hashes))  # -1: all missing
    found = info["berichttype"].notna().to_numpy()
    # messages of the file exist but none is in the scan: all dated after the peildatum
    keep = found | ~(pd.Series(n_berichten).fillna(0).to_numpy() > 0)
    if not keep.any():
        return None
    first_rows = first_positions(codes)
    frame = pd.DataFrame(
        {
            "record": files["_key"].to_numpy()[first_rows],
            "berichttype": info["berichttype"].fillna("onbekend").to_numpy(),
            "aanbieder": info["aanbieder"].fillna("onbekend").to_numpy(),
            "gemeente": info["gemeente"].fillna("onbekend").to_numpy(),
            "Dagtekening": info["Dagtekening"].to_numpy(),
        }
    )[keep]
    return outcome(frame, n_names[keep] > 1)


def _first_messages(data: ScanData, hashes: pd.Index) -> np.ndarray:
    """Position in ``berichten`` of the first message of each file content; -1 when none.

    A bericht_id is the first 16 characters of its file's content hash + "-" + the message's
    position in the file. When position 0 is not in the scan (dated after the peildatum), the
    file's first message in store order is used. Millions of files and messages: the text is
    sliced, joined and looked up in Arrow's kernels, without a Python string per value.
    """
    ids = pa.array(data.tables["berichten"]["bericht_id"].array, type=pa.string())
    prefix = pc.utf8_slice_codeunits(pa.array(hashes.array, type=pa.string()), 0, 16)
    wanted_ids = pc.binary_join_element_wise(prefix, "-0", "")
    found = pc.index_in(wanted_ids, value_set=ids).fill_null(-1).to_numpy().astype(np.intp)
    missing = found < 0
    if missing.any():
        wanted = prefix.filter(pa.array(missing))
        id_prefix = pc.utf8_slice_codeunits(ids, 0, 16)
        at = np.flatnonzero(pc.is_in(id_prefix, value_set=wanted).to_numpy(zero_copy_only=False))
        first = pd.Series(at).groupby(id_prefix.take(at).to_numpy(zero_copy_only=False)).first()
        at_first = first.reindex(wanted.to_numpy(zero_copy_only=False)).fillna(-1)
        found[missing] = at_first.to_numpy(int)
    return found


@register("datum_na_dagtekening")
def datum_na_dagtekening(data: ScanData, params: dict) -> pd.DataFrame | None:
    """A content date after the message's Dagtekening, or a Dagtekening after the retour's.

    Records are store rows. Rows of 301/305/307/323 are always checked: Toewijzingsdatum,
    Begindatum, Einddatum (307) and ProductPeriode must not lie after the Dagtekening (TR134,
    TR137). Rows of any heenbericht that has a retour (or a 325) in the data are also checked for
    a Dagtekening after the retour's DagtekeningRetour (the 325's Dagtekening): the message was
    dated in the future (TR135).
    """
    links = retour_links(data)
    with_retour = data.message_mask(links["heen_id"].unique())
    future = data.message_mask(links.loc[links["heen_dag"] > links["retour_dag"], "heen_id"])
    parts = []
    for table in message_tables():
        rows = data.rows(table)
        if rows.empty:
            continue
        rows = rows[[*RECORD_COLUMNS, *CONTENT_DATES.get(table, ())]]
        bad = pd.Series(data.in_messages(table, future), index=rows.index)
        for col in CONTENT_DATES.get(table, ()):
            bad |= (rows[col] > rows["Dagtekening"]).fillna(False)
        keep = (
            pd.Series(True, index=rows.index)
            if table in CONTENT_DATES
            else pd.Series(data.in_messages(table, with_retour), index=rows.index)
        )
        if keep.any():
            parts.append(rows.loc[keep, RECORD_COLUMNS].assign(_bad=bad[keep]))
    if not parts:
        return None
    checked = pd.concat(parts, ignore_index=True)
    return outcome(checked, checked["_bad"])


@register("dagtekening_na_peildatum", {"max_pct": Param("float", 0)})
def dagtekening_na_peildatum(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Messages dated after the peildatum (a clock or typing error in the Dagtekening).

    Records are messages (``berichten`` rows): those on or before the peildatum pass, those
    after it (left out of everything else the scan does) fail, with the peildatum as their
    date. When more than ``max_pct`` percent of the messages lie after the peildatum, the
    peildatum lies before the end of the data on purpose: the check is not assessable.
    """
    messages = data.tables["berichten"]
    later = data.tables.get(LATER_MESSAGES, messages.iloc[:0])
    total = len(messages) + len(later)
    if total == 0 or 100 * len(later) > params["max_pct"] * total:
        return None
    parts = [
        frame[["bericht_id", "berichttype", "aanbieder", "gemeente"]].assign(
            record=data.keys.of_table(name), datum=data.peildatum, _bad=bad
        )
        for name, frame, bad in (("berichten", messages, False), (LATER_MESSAGES, later, True))
        if len(frame)
    ]
    checked = pd.concat(parts, ignore_index=True)
    return outcome(checked, checked["_bad"], datum="datum")


@register("afgekeurd_in_data")
def afgekeurd_in_data(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Rows of heenberichten that their retour (or 325) rejected (OP286, IV028).

    Records are the store rows of every heenbericht that has a retour in the data. A retourcode
    other than 0200/0233/8001 rejects the row(s) it names: a code on a class with a key
    (ReferentieNummer, ToewijzingNummer or ReferentieAanbieder, most specific first) rejects the
    rows of that message with that key; a code without a key (Header, Client, ...) rejects the
    whole message. Codes per RetourCode: :func:`retourcodes_per_code`.
    """
    links = retour_links(data)
    if links.empty:
        return None
    bad = rejecting_codes(data).merge(
        links[["retour_id", "heen_id"]], left_on="bericht_id", right_on="retour_id"
    )
    key_name = pd.Series(pd.NA, index=bad.index, dtype="string")
    for col in reversed(RETOUR_KEYS):
        key_name = key_name.mask(bad[col].notna(), col)
    whole = data.message_mask(bad.loc[key_name.isna(), "heen_id"].unique())
    linked = data.message_mask(links["heen_id"].unique())
    per_key = {
        col: data.message_mask(bad.loc[key_name == col, "heen_id"].unique()) for col in RETOUR_KEYS
    }
    parts = []
    for heen_type in sorted(links["heen_type"].dropna().unique()):
        for table in message_tables(heen_type):
            rows = data.rows(table)
            keys = [c for c in RETOUR_KEYS if c in rows]
            answered = data.in_messages(table, linked)
            rows = rows.loc[answered, [*RECORD_COLUMNS, *keys]]
            if rows.empty:
                continue
            failing = pd.Series(data.in_messages(table, whole)[answered], index=rows.index)
            for col in RETOUR_KEYS:
                named = bad.loc[key_name == col, ["heen_id", col]].drop_duplicates()
                if col not in rows or named.empty:
                    continue
                named = named.rename(columns={"heen_id": "bericht_id"})
                named_rows = data.in_messages(table, per_key[col])[answered]
                cand = rows.loc[named_rows]
                hit = cand[["bericht_id", col]].merge(named, how="left", indicator=True)
                failing[cand.index[(hit["_merge"] == "both").to_numpy()]] = True
            parts.append(rows[RECORD_COLUMNS].assign(_bad=failing))
    if not parts:
        return None
    checked = pd.concat(parts, ignore_index=True)
    return outcome(checked, checked["_bad"])


def rejecting_codes(data: ScanData) -> pd.DataFrame:
    """Rows of ``retourcodes`` with a code that rejects (not 0200, 0233 or 8001)."""
    codes = data.tables["retourcodes"]
    return codes[codes["RetourCode"].notna() & ~codes["RetourCode"].isin(ACCEPT_CODES)]


def retourcodes_per_code(data: ScanData) -> pd.DataFrame:
    """How often each rejecting RetourCode occurs, per heen berichttype (a report helper).

    Returns
    -------
    pandas.DataFrame
        ``heen_berichttype, RetourCode, n`` sorted by frequency.
    """
    bad = rejecting_codes(data)
    out = bad.groupby(["heen_berichttype", "RetourCode"]).size().rename("n").reset_index()
    return out.sort_values("n", ascending=False, kind="mergesort").reset_index(drop=True)


@register("retour_ontbreekt", {"max_werkdagen": WORKDAYS, "max_werkdagen_325": WORKDAYS})
def retour_ontbreekt(data: ScanData, params: dict) -> pd.DataFrame | None:
    """No retour, or a late one, for a heenbericht (OP090, OP090x4).

    One record per heenbericht (301/305/307/315/317/319, and 323 for the 325) of a type for
    which the data hold at least one retour. Fails when the first retour came more than
    ``max_werkdagen`` working days after the Dagtekening (``max_werkdagen_325`` for a 325 on a
    323), or when there is none while that term has passed on the peildatum. Messages without a
    retour whose term has not yet passed are not counted.
    """
    cand = retour_candidates(data)
    types = cand["heen_type"].dropna().unique()
    if not len(types):
        return None
    msgs = data.rows("berichten")
    heen = msgs.loc[~_is_retour(msgs) & msgs["berichttype"].isin(types), RECORD_COLUMNS]
    if heen.empty:
        return None
    # the first retour of each heenbericht, by its position in berichten (heen's index)
    ordered = retour_links(data).sort_values("retour_dag", kind="mergesort")
    at = data.keys.message_positions(ordered["heen_id"])
    first = (at >= 0) & ~pd.Series(at).duplicated().to_numpy()
    has = np.zeros(len(msgs), dtype=bool)
    has[at[first]] = True
    day = np.full(len(msgs), np.datetime64("NaT"), dtype="datetime64[ns]")
    day[at[first]] = ordered["retour_dag"].to_numpy(dtype="datetime64[ns]")[first]
    has_retour = pd.Series(has[heen.index], index=heen.index)
    retour_dag = pd.Series(day[heen.index], index=heen.index)
    limit = (heen["berichttype"] == "323").map(
        {True: params["max_werkdagen_325"], False: params["max_werkdagen"]}
    )
    cal = data.calendar
    lag = cal.between(heen["Dagtekening"], retour_dag)
    peil = pd.Series(data.peildatum, index=heen.index)
    due = (cal.between(heen["Dagtekening"], peil) >= limit).fillna(False).astype(bool)
    late = ~has_retour | (lag > limit).fillna(False).astype(bool)
    keep = has_retour | due
    return outcome(heen[keep], late[keep])


def _month_index(geboortemaand: pd.Series) -> pd.Series:
    """``YYYY-MM`` -> months since year 0 (missing when not a valid year-month)."""
    text = geboortemaand.astype("string[pyarrow]")  # fast string kernels
    valid = text.str.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])").fillna(False).astype(bool)
    text = text.where(valid)
    year = text.str[:4].astype("Int64")
    month = text.str[5:7].astype("Int64")
    return (year * 12 + month - 1).astype("Float64")


def _month_start(index: pd.Series) -> pd.Series:
    """First day of the month with this month index (missing stays missing)."""
    idx = index.astype("Float64")
    parts = pd.DataFrame(
        {"year": (idx // 12), "month": (idx % 12) + 1, "day": 1}, index=index.index
    ).astype("float64")
    return pd.to_datetime(parts, errors="coerce")


@register("leeftijd_buiten_jeugdwet", {"leeftijd": Param("int", 0, 120)})
def leeftijd_buiten_jeugdwet(data: ScanData, params: dict) -> pd.DataFrame | None:
    """Client certainly ``leeftijd`` (18) or older at the start, or an impossible birth date.

    Records are store rows with a valid Geboortemaand (YYYY-MM; DatumGebruik 3, wholly unknown,
    is left out). A 301 row fails when its Ingangsdatum, a 305 row when its Begindatum, lies
    after the last day of the birth month plus 18 years (with DatumGebruik 2 the birth month is
    unknown: the last month of the year is used). Every row fails when the birth month lies
    after the Dagtekening or more than 120 years before it (TR002, TR134).
    """
    parts = []
    for table in CLIENT_TABLES:
        rows = data.rows(table)
        if rows.empty or "Geboortemaand" not in rows:
            continue
        start = {"toewijzingen": "Ingangsdatum", "starts": "Begindatum"}.get(table)
        ref = rows[start] if start else pd.Series(pd.NaT, index=rows.index)
        cols = ["record", "berichttype", "aanbieder", "gemeente", "Dagtekening"]
        parts.append(
            rows[cols].assign(
                geboortemaand=rows["Geboortemaand"],
                gebruik=rows["GeboortedatumGebruik"],
                startdatum=ref,
            )
        )
    if not parts:
        return None
    rows = pd.concat(parts, ignore_index=True)
    first = _month_index(rows["geboortemaand"])
    rows = rows[first.notna() & (rows["gebruik"] != "3").fillna(True)]
    if rows.empty:
        return None
    first = first[rows.index]
    last = first.where((rows["gebruik"] != "2").fillna(True), first - first % 12 + 11)
    age = params["leeftijd"]
    certainly_of_age = _month_start(last + 12 * age + 1)  # day after the last possible birthday
    adult = (rows["startdatum"] >= certainly_of_age).fillna(False)
    born_later = (_month_start(first) > rows["Dagtekening"]).fillna(False)
    too_old = (_month_start(last + 12 * TR002_YEARS + 1) <= rows["Dagtekening"]).fillna(False)
    return outcome(rows, adult | born_later | too_old)
