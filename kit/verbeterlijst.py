"""Improvement lists: every flagged message, per organisation that sent it (issue 20).

The quick scan says *where* quality is weak; the people who must fix it need *which messages*.
:func:`improvement_rows` turns a :class:`kit.checks.ScanResult` (the checks' own flagged
records, no second implementation of any check) into one row per flagged record with what the
sender needs to find its message (berichttype, Identificatie, ToewijzingNummer,
ReferentieAanbieder, Dagtekening), the check, the iJw rules and what to do.
:func:`write_improvement_lists` writes one folder per sender (``aanbieder_<AGB>`` or
``gemeente_<code>``) with ``verbeterlijst.csv`` and ``verbeterlijst.html``.

Who gets a row: the **sender** of the flagged message. A heenbericht's sender is its header
``Afzender``; a retour (302, 306, ...) carries the heenbericht's header (IV028), so its sender
is the header ``Ontvanger``. Whether the sender is an aanbieder or a gemeente follows from the
berichttype (``kit/berichten.yaml``: ``afzender``). A record that is a file (check
``dubbel_bestand``) is listed for each message in that file.

No BSN, pseudonym, name or birth date leaves: only message identifiers. A value that held a BSN
(masked at ingest as ``bsn:<pseudonym>``) is shown as :data:`MASKED`.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kit import __version__
from kit.checks import ScanResult
from kit.checks.base import LATER_MESSAGES
from kit.config import package_yaml
from kit.outputs import neutralise_formulas
from kit.store import FILES_TABLE

#: shown instead of a value that held a BSN (``bsn:`` + pseudonym in the store)
MASKED = "(BSN-achtige waarde, niet getoond)"
#: the columns of a list, in order (Dutch; iJw element names where real)
COLUMNS = [
    "gewicht",
    "berichttype",
    "Identificatie",
    "ToewijzingNummer",
    "ReferentieAanbieder",
    "Dagtekening",
    "ontvanger",
    "controle",
    "controle_naam",
    "ernst",
    "regels",
    "wat_te_doen",
]
#: the columns of the table on the HTML page (the CSV has all of :data:`COLUMNS`)
PAGE_COLUMNS = [
    "gewicht",
    "berichttype",
    "Identificatie",
    "ToewijzingNummer",
    "ReferentieAanbieder",
    "Dagtekening",
    "ontvanger",
    "controle_naam",
]
MESSAGE_COLUMNS = ["bericht_id", "berichttype", "is_retour", "Afzender", "Ontvanger"]
MESSAGE_COLUMNS += ["Identificatie", "Dagtekening", "heen_berichttype"]
MESSAGE_COLUMNS += ["IdentificatieRetour", "DagtekeningRetour"]
ROW_COLUMNS = ("ToewijzingNummer", "ReferentieAanbieder")
_SAFE_CODE = re.compile(r"[0-9A-Za-z]{1,20}")


def check_actions(path: str | Path | None = None) -> pd.DataFrame:
    """Per check its ``gewicht`` and ``wat_te_doen`` (:func:`kit.checks.load_checks`).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A region's own checks file; None = the shipped ``checks.yaml``.

    Returns
    -------
    pandas.DataFrame
        ``check_id, gewicht, wat_te_doen``.

    Raises
    ------
    ValueError
        When the checks file is invalid (e.g. a ``gewicht`` that is not a whole number 0-5).
    """
    from kit.checks import load_checks

    return pd.DataFrame(
        [(c.id, c.weight, c.action) for c in load_checks(Path(path) if path else None)],
        columns=["check_id", "gewicht", "wat_te_doen"],
    )


def sender_sides() -> dict[str, str]:
    """Per berichttype who sends it: ``aanbieder`` or ``gemeente`` (``kit/berichten.yaml``).

    A retour is sent by the receiver of its heenbericht.
    """
    doc = package_yaml("berichten.yaml")
    other = {"aanbieder": "gemeente", "gemeente": "aanbieder"}
    return {
        str(bt): (other[v["afzender"]] if "heen" in v else v["afzender"])
        for bt, v in doc["berichten"].items()
    }


def _locate(result: ScanResult, records: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Table name and row position of each integer record key (see ``RecordKeys``)."""
    names = np.array(list(result.keys.start), dtype=object)
    starts = np.fromiter(result.keys.start.values(), dtype=np.int64)
    which = np.searchsorted(starts, records, side="right") - 1
    return names[which], records - starts[which]


def _masked(values: pd.Series) -> pd.Series:
    """Text values; a value that held a BSN (``bsn:`` + pseudonym) becomes :data:`MASKED`."""
    text = values.astype("string")
    return text.mask(text.str.contains("bsn:", regex=False, na=False), MASKED)


def _record_rows(result: ScanResult, flagged: pd.DataFrame) -> pd.DataFrame:
    """Per flagged record: ``check_id, bericht_id`` and its row-level identifiers.

    A file record becomes one row per message of that file.
    """
    tables = result.keys.tables
    names, positions = _locate(result, flagged["record"].to_numpy(dtype=np.int64))
    parts = []
    for name in pd.unique(names):
        hit = names == name
        frame = tables[name].iloc[positions[hit]]
        checks = flagged["check_id"].to_numpy()[hit]
        if name == FILES_TABLE:  # a file: each message in it (bericht_id = hash[:16]-n)
            prefix = frame["inhoud_hash"].astype("string").str[:16].to_numpy()
            messages = pd.concat(
                [tables["berichten"]["bericht_id"], tables[LATER_MESSAGES]["bericht_id"]]
            ).astype("string")
            by_file = pd.DataFrame(
                {"bericht_id": messages.to_numpy(), "hash": messages.str.split("-").str[0]}
            )
            part = pd.DataFrame({"check_id": checks, "hash": prefix}).merge(by_file, on="hash")
            parts.append(part.drop(columns="hash"))
            continue
        part = pd.DataFrame(
            {"check_id": checks, "bericht_id": frame["bericht_id"].astype("string").to_numpy()}
        )
        for col in ROW_COLUMNS:
            if col in frame and "regel" in frame:  # a row of a message: its own identifiers
                part[col] = frame[col].astype("string").to_numpy()
        parts.append(part)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    for col in ("check_id", "bericht_id", *ROW_COLUMNS):
        if col not in out:
            out[col] = pd.Series(pd.NA, index=out.index, dtype="string")
    return out


def _without_copied_headers(rows: pd.DataFrame) -> pd.DataFrame:
    """Leave out a flagged retour when its heenbericht is flagged by the same check.

    A retour carries the heenbericht's header (IV028): a check on the header (a Dagtekening
    after the peildatum) flags both, and the fault is the heenbericht's sender's.
    """
    retour = rows["is_retour"].fillna(False).to_numpy(dtype=bool)
    if not retour.any():
        return rows
    key = ["check_id", "berichttype", "Afzender", "Identificatie"]
    heen = rows.loc[~retour, key].drop_duplicates()
    copies = rows.loc[retour, key].assign(berichttype=rows.loc[retour, "heen_berichttype"])
    repeated = copies.merge(heen, on=key, how="left", indicator=True)["_merge"] == "both"
    drop = np.zeros(len(rows), dtype=bool)
    drop[np.flatnonzero(retour)[repeated.to_numpy()]] = True
    return rows[~drop]


def improvement_rows(result: ScanResult, *, checks_file: str | Path | None = None) -> pd.DataFrame:
    """Every flagged record as a row of an improvement list, with its sender.

    Parameters
    ----------
    result : kit.checks.ScanResult
        The quick scan (its ``flags``; nothing is re-checked here).
    checks_file : str or pathlib.Path, optional
        The region's checks file (for ``gewicht`` and ``wat_te_doen``); None = the kit's.

    Returns
    -------
    pandas.DataFrame
        ``soort`` (aanbieder/gemeente), ``afzender`` (its code) and :data:`COLUMNS`, sorted by
        sender, ``gewicht`` (high first), Dagtekening (newest first), Identificatie and check.
        Checks with ``gewicht`` 0 are left out. Duplicates (one message flagged twice by the
        same check with the same identifiers) appear once.
    """
    flags = result.flags
    flagged = flags.loc[flags["afwijkend"].to_numpy(dtype=bool), ["check_id", "record"]]
    flagged = flagged.assign(check_id=flagged["check_id"].astype(str))
    rows = _record_rows(result, flagged)
    tables = result.keys.tables
    messages = pd.concat(
        [tables["berichten"][MESSAGE_COLUMNS], tables[LATER_MESSAGES][MESSAGE_COLUMNS]],
        ignore_index=True,
    ).drop_duplicates("bericht_id")
    messages = messages.assign(bericht_id=messages["bericht_id"].astype("string"))
    rows = rows.merge(messages, on="bericht_id", how="inner")
    actions = check_actions(checks_file)
    names = pd.DataFrame(
        [(c.id, c.name, c.severity, " ".join(c.rules)) for c in result.checks],
        columns=["check_id", "controle_naam", "ernst", "regels"],
    )
    rows = rows.merge(names, on="check_id", how="left").merge(actions, on="check_id", how="left")
    rows["gewicht"] = rows["gewicht"].astype(int)
    rows = _without_copied_headers(rows[rows["gewicht"] > 0])
    retour = rows["is_retour"].fillna(False).to_numpy(dtype=bool)
    # a retour's own identification (its header carries the heenbericht's, IV028)
    ident = rows["Identificatie"].where(~retour, rows["IdentificatieRetour"])
    day = rows["Dagtekening"].where(~retour, rows["DagtekeningRetour"])
    sender = np.where(retour, rows["Ontvanger"].to_numpy(), rows["Afzender"].to_numpy())
    receiver = np.where(retour, rows["Afzender"].to_numpy(), rows["Ontvanger"].to_numpy())
    sides = sender_sides()
    out = pd.DataFrame(
        {
            "soort": rows["berichttype"].astype(str).map(sides).fillna("onbekend").to_numpy(),
            "afzender": pd.array(sender, dtype="string").fillna(""),
            "gewicht": rows["gewicht"].to_numpy(),
            "berichttype": rows["berichttype"].astype("string").to_numpy(),
            "Identificatie": _masked(ident).to_numpy(),
            "ToewijzingNummer": _masked(rows["ToewijzingNummer"]).to_numpy(),
            "ReferentieAanbieder": _masked(rows["ReferentieAanbieder"]).to_numpy(),
            "Dagtekening": pd.to_datetime(day).dt.date.to_numpy(),
            "ontvanger": _masked(pd.Series(receiver, dtype="string")).to_numpy(),
            "controle": rows["check_id"].to_numpy(),
            "controle_naam": rows["controle_naam"].to_numpy(),
            "ernst": rows["ernst"].to_numpy(),
            "regels": rows["regels"].to_numpy(),
            "wat_te_doen": rows["wat_te_doen"].to_numpy(),
        }
    )
    out["afzender"] = _masked(out["afzender"])
    out = out.drop_duplicates()
    order = ["soort", "afzender", "gewicht", "Dagtekening", "Identificatie", "controle"]
    out = out.sort_values(
        order,
        ascending=[True, True, False, False, True, True],
        na_position="last",
        kind="mergesort",
    )
    return out.reset_index(drop=True)


def folder_name(soort: str, code: str) -> str:
    """The folder of one organisation: ``<soort>_<code>``.

    A code that is no plain code (typed by someone: slashes, markup) becomes
    ``onleesbaar-<sha256[:8]>``.
    """
    if not _SAFE_CODE.fullmatch(code or ""):
        code = "onleesbaar-" + hashlib.sha256(str(code).encode("utf-8")).hexdigest()[:8]
    return f"{soort}_{code}"


@dataclass
class ListPage:
    """What one organisation's page shows besides its rows."""

    soort: str
    code: str
    peildatum: str
    quality_html: str = ""


def report_css() -> str:
    """The CSS of the kit's report template (``kit/templates/kit_rapport``), reused as is."""
    from kit.report import TEMPLATES

    text = (TEMPLATES / "kit_rapport" / "index.html.j2").read_text(encoding="utf-8")
    found = re.search(r"<style[^>]*>(.*?)</style>", text, re.S)
    return found.group(1) if found else ""


def page_html(rows: pd.DataFrame, page: ListPage) -> str:
    """One organisation's list as a self-contained Dutch HTML page (no scripts).

    Every value from the data is escaped; the summary counts are the organisation's own.
    """
    esc = html.escape
    who = f"{page.soort} {page.code}"
    summary = (
        rows.groupby(["controle", "controle_naam", "regels", "gewicht", "wat_te_doen"], sort=False)
        .size()
        .rename("berichten")
        .reset_index()
        .sort_values(["gewicht", "berichten"], ascending=False)
    )
    summary_rows = "".join(
        f"<tr><td>{esc(r.controle_naam)} ({esc(r.controle)})</td><td>{esc(r.regels)}</td>"
        f"<td>{r.gewicht}</td><td>{r.berichten}</td><td>{esc(r.wat_te_doen)}</td></tr>"
        for r in summary.itertuples()
    )
    # per row the check's name; its rules and what to do are in the summary above
    shown = rows[PAGE_COLUMNS].astype("string").fillna("")
    shown = shown.rename(columns={"controle_naam": "controle (wat te doen: zie samenvatting)"})
    table = shown.to_html(index=False, border=0, classes="kit-tabel", escape=True)
    body = (
        f"<header class='kit-kop'><div class='kit-titel'>Verbeterlijst {esc(who)}</div>"
        "<p><strong>Alleen bestemd voor deze organisatie.</strong> Deze lijst noemt berichten die "
        f"{esc(who)} zelf heeft verstuurd en die een controle van de quick scan niet doorstaan. "
        "Stuur de lijst niet door naar andere organisaties.</p>"
        f"<table><tr><td>Peildatum</td><td>{esc(page.peildatum)}</td></tr>"
        f"<tr><td>Berichtregels op de lijst</td><td>{len(rows)}</td></tr>"
        f"<tr><td>Kit-versie</td><td>{esc(__version__)}</td></tr></table></header>"
        "<p>Zoek elk bericht op met de <em>Identificatie</em> (en waar het er is het "
        "ToewijzingNummer of de ReferentieAanbieder). De lijst bevat geen BSN, naam of "
        "geboortedatum. Bovenaan staat wat de wachttijdcijfers het meest raakt (gewicht 5: "
        "een verzoek-, start- of stopdatum), daarbinnen het nieuwste bericht eerst. De aantallen "
        "hieronder zijn de eigen aantallen van deze organisatie en zijn niet afgerond.</p>"
        "<h2>Samenvatting: wat te doen</h2><table class='kit-tabel'><tr><th>controle</th>"
        "<th>iJw-regels</th><th>gewicht</th><th>berichtregels</th><th>wat te doen</th></tr>"
        f"{summary_rows}</table>"
        f"{page.quality_html}"
        f"<h2>Alle berichten op de lijst</h2>{table}"
        "<footer class='kit-voet'>Gemaakt met de leercirkel-data kit "
        f"{esc(__version__)} uit iJw 3.2-berichten. Regels: de iJw-regel (OP/TR/CS/CD/IV/SAP) "
        "waarop de controle rust; de uitleg staat in de bijlage van de quick scan.</footer>"
    )
    return (
        "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>"
        f"<title>Verbeterlijst {esc(who)}</title><style>{report_css()}"
        "body{font-family:sans-serif;max-width:1300px;margin:0 auto;padding:0 1em}</style>"
        f"</head><body>{body}</body></html>"
    )


def write_improvement_lists(
    rows: pd.DataFrame,
    out_dir: Path,
    *,
    peildatum: str,
    quality: dict[tuple[str, str], str] | None = None,
) -> list[Path]:
    """Write one folder per sender with ``verbeterlijst.csv`` and ``verbeterlijst.html``.

    Parameters
    ----------
    rows : pandas.DataFrame
        :func:`improvement_rows`.
    out_dir : pathlib.Path
        Created when missing.
    peildatum : str
        Shown in the header.
    quality : dict, optional
        ``{(soort, code): html}``: a section on the page (quality over time).

    Returns
    -------
    list of pathlib.Path
        The folders written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for (soort, code), own in rows.groupby(["soort", "afzender"], sort=True):
        folder = out_dir / folder_name(soort, code)
        folder.mkdir(exist_ok=True)
        neutralise_formulas(own[COLUMNS]).to_csv(folder / "verbeterlijst.csv", index=False)
        page = ListPage(soort, code, peildatum, (quality or {}).get((soort, code), ""))
        (folder / "verbeterlijst.html").write_text(page_html(own, page), encoding="utf-8")
        written.append(folder)
    return written


def quality_sections(
    rows: pd.DataFrame, history: pd.DataFrame, result: ScanResult, *, threshold: int
) -> dict[tuple[str, str], str]:
    """Per organisation on a list: the "Kwaliteit in de tijd" section of its page.

    Only the checks on the organisation's own list are drawn (its scores per kwartaal from the
    store's history, protected like every shared table).
    """
    from kit.quality_history import QUALITY_PROTECTION, named, page_section, quality_scores

    out = {}
    for soort in ("aanbieder", "gemeente"):
        codes = rows.loc[rows["soort"] == soort, "afzender"].unique()
        if not len(codes):
            continue
        # only the (organisation, check) pairs its page draws: the SPC runs once per pair
        pairs = rows.loc[rows["soort"] == soort, ["afzender", "controle"]].drop_duplicates()
        pairs = pairs.set_axis([soort, "check_id"], axis=1).astype("string")
        wanted = history.merge(pairs, on=[soort, "check_id"]) if len(history) else history
        scores = quality_scores(wanted, level=soort) if len(wanted) else pd.DataFrame()
        for code in codes:
            own_checks = set(
                rows.loc[(rows["soort"] == soort) & (rows["afzender"] == code), "controle"]
            )
            mine = (
                scores[(scores["eenheid"] == code) & scores["check_id"].isin(own_checks)]
                if len(scores)
                else scores
            )
            if len(mine):
                mine = named(QUALITY_PROTECTION.apply(mine, threshold), result)
            out[(soort, code)] = page_section(
                mine, title=f"Score per controle per kwartaal ({soort} {code})"
            )
    return out


def build_lists(
    store: Path,
    *,
    peildatum: str,
    out_dir: Path,
    checks_file: str | Path | None = None,
    allow_test: bool = False,
    threshold: int = 10,
) -> list[Path]:
    """Run the quick scan at ``peildatum`` and write every organisation's improvement list.

    Returns
    -------
    list of pathlib.Path
        One folder per organisation (empty when nothing is flagged).
    """
    from kit.checks import allow_test_bsns, evaluate_checks, load_checks, prepare_scan
    from kit.quality_history import read_history

    checks = load_checks(checks_file)
    if allow_test:
        checks = allow_test_bsns(checks)
    result = evaluate_checks(prepare_scan(store, peildatum=peildatum), checks)
    rows = improvement_rows(result, checks_file=checks_file)
    quality = quality_sections(rows, read_history(store), result, threshold=threshold)
    return write_improvement_lists(rows, out_dir, peildatum=peildatum, quality=quality)


__all__ = [
    "COLUMNS",
    "MASKED",
    "build_lists",
    "check_actions",
    "folder_name",
    "improvement_rows",
    "page_html",
    "sender_sides",
    "write_improvement_lists",
]
