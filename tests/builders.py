"""Tiny hand-built store tables for unit tests of pathways and checks."""

from __future__ import annotations

import functools

import pandas as pd

from kit.checks import scan_data
from kit.checks.base import REGISTRY, ScanData
from kit.store import FILES_TABLE, columns_of, table_names, typed_frame

GEM, GEM2, AGB, AGB2 = "9901", "9902", "98000001", "98000002"


def table(name: str, rows: list[dict]) -> pd.DataFrame:
    """A store table with the store's column types, built from partial rows.

    Missing ``bericht_id`` defaults to ``b<position>`` and ``regel`` to 0, so every row is its
    own message unless the test says otherwise.
    """
    full = [{"bericht_id": f"b{i}", "bron": "f.xml", "regel": 0} | r for i, r in enumerate(rows)]
    return typed_frame(full, columns_of(name))


def scan(peildatum: str = "2025-01-01", **given: list[dict]) -> ScanData:
    """ScanData from partial rows per table (every other table empty)."""
    tables = {name: table(name, given.get(name, [])) for name in [*table_names(), FILES_TABLE]}
    return scan_data(tables, peildatum=pd.Timestamp(peildatum))


def toewijzing(
    nummer="100",
    *,
    gemeente=GEM,
    aanbieder=AGB,
    ident="T1",
    dag="2024-01-05",
    datum="2024-01-04",
    tijd="10:00:00",
    ingang="2024-01-15",
    eind="2024-12-31",
    reden=None,
    ref=None,
    client="c1",
    cat="45",
    code="45A48",
    **extra,
) -> dict:
    """One 301 ToegewezenProduct row."""
    return {
        "berichttype": "301",
        "gemeente": gemeente,
        "aanbieder": aanbieder,
        "Identificatie": ident,
        "Dagtekening": dag,
        "client_id": client,
        "ToewijzingNummer": nummer,
        "ReferentieAanbieder": ref,
        "ProductCategorie": cat,
        "ProductCode": code,
        "Toewijzingsdatum": datum,
        "Toewijzingstijd": tijd,
        "Ingangsdatum": ingang,
        "Einddatum": eind,
        "RedenWijziging": reden,
    } | extra


def regie(
    kind: str,
    nummer="100",
    *,
    gemeente=GEM,
    aanbieder=AGB,
    ident="S1",
    dag="2024-01-20",
    begin="2024-01-16",
    status="1",
    eind=None,
    reden=None,
    client="c1",
    cat="45",
    code="45A48",
    **extra,
) -> dict:
    """One 305 StartProduct or 307 StopProduct row."""
    row = {
        "berichttype": kind,
        "gemeente": gemeente,
        "aanbieder": aanbieder,
        "Identificatie": ident,
        "Dagtekening": dag,
        "client_id": client,
        "ToewijzingNummer": nummer,
        "ProductCategorie": cat,
        "ProductCode": code,
        "Begindatum": begin,
        "StatusAanlevering": status,
    }
    if kind == "307":
        row |= {"Einddatum": eind, "RedenBeeindiging": reden}
    return row | extra


def verzoek(
    ref="REF1",
    *,
    gemeente=GEM,
    aanbieder=AGB,
    ident="V1",
    dag="2023-12-01",
    client="c1",
    cat="45",
    code="45A48",
    ingang="2024-01-01",
    **extra,
) -> dict:
    """One 315 AangevraagdProduct row."""
    return {
        "berichttype": "315",
        "gemeente": gemeente,
        "aanbieder": aanbieder,
        "Identificatie": ident,
        "Dagtekening": dag,
        "client_id": client,
        "ReferentieAanbieder": ref,
        "ProductCategorie": cat,
        "ProductCode": code,
        "ToewijzingIngangsdatum": ingang,
    } | extra


def antwoord(
    ref="REF1",
    *,
    gemeente=GEM,
    aanbieder=AGB,
    ident="A1",
    dag="2023-12-05",
    antwoord="2",
    reden=None,
    **extra,
) -> dict:
    """One 319 Antwoord row."""
    return {
        "berichttype": "319",
        "gemeente": gemeente,
        "aanbieder": aanbieder,
        "Identificatie": ident,
        "Dagtekening": dag,
        "ReferentieAanbieder": ref,
        "VerzoekAntwoord": antwoord,
        "RedenAfwijzingVerzoek": reden,
    } | extra


def prestatie(
    nummer="100",
    *,
    gemeente=GEM,
    aanbieder=AGB,
    ident="D1",
    dag="2024-02-10",
    ref="R1",
    begin="2024-01-15",
    eind="2024-01-31",
    dc="D",
    client="c1",
    **extra,
) -> dict:
    """One 323 Prestatie row."""
    return {
        "berichttype": "323",
        "gemeente": gemeente,
        "aanbieder": aanbieder,
        "Identificatie": ident,
        "Dagtekening": dag,
        "client_id": client,
        "ToewijzingNummer": nummer,
        "ReferentieNummer": ref,
        "ProductCategorie": "45",
        "ProductCode": "45A48",
        "ProductPeriodeBegindatum": begin,
        "ProductPeriodeEinddatum": eind,
        "IngediendBedragDebetCredit": dc,
    } | extra


def bericht(
    berichttype: str, *, gemeente=GEM, aanbieder=AGB, ident="M1", dag="2024-01-05", **extra
) -> dict:
    """One header row of table ``berichten``."""
    from kit.contract import load_schema

    info = load_schema().berichten[berichttype]
    heen = info.get("heen", berichttype)
    by_gemeente = load_schema().berichten[heen]["afzender"] == "gemeente"
    return {
        "berichttype": berichttype,
        "heen_berichttype": heen,
        "is_retour": "heen" in info,
        "gemeente": gemeente,
        "aanbieder": aanbieder,
        "BerichtCode": str(info["code"]),
        "BerichtVersie": "3",
        "BerichtSubversie": "2",
        "Afzender": gemeente if by_gemeente else aanbieder,
        "Ontvanger": aanbieder if by_gemeente else gemeente,
        "Identificatie": ident,
        "Dagtekening": dag,
    } | extra


def shipped_parameters(check_id: str) -> dict:
    """The parameters of a check in the shipped ``checks.yaml`` (validated, groups resolved)."""
    return dict(_shipped()[check_id])


@functools.cache
def _shipped() -> dict[str, dict]:
    from kit.checks import load_checks

    return {c.id: c.parameters for c in load_checks()}


def run(check_id: str, data: ScanData, params: dict | None = None) -> pd.DataFrame | None:
    """Evaluate one check, with each record as its store label (``bericht_id:regel``).

    ``params`` overrides the shipped parameters key by key (a check reads every key it declares).
    """
    result = REGISTRY[check_id](data, shipped_parameters(check_id) | (params or {}))
    if result is None:
        return None
    return result.assign(record=data.keys.labels(result["record"].to_numpy()))


def failing(result: pd.DataFrame) -> list[str]:
    """Records a check marked as failing, sorted."""
    return sorted(result.loc[result["afwijkend"], "record"].tolist())


def declaratie(
    nummer="DN1",
    *,
    gemeente=GEM,
    aanbieder=AGB,
    ident="D1",
    dag="2024-02-10",
    periode=("2024-01-01", "2024-01-31"),
    totaal=None,
    dc="D",
    **extra,
) -> dict:
    """One 323 Declaratie row (table declaraties). Give it the ``bericht_id`` of its prestaties."""
    return {
        "berichttype": "323",
        "gemeente": gemeente,
        "aanbieder": aanbieder,
        "Identificatie": ident,
        "Dagtekening": dag,
        "DeclaratieNummer": nummer,
        "DeclaratiePeriodeBegindatum": periode[0],
        "DeclaratiePeriodeEinddatum": periode[1],
        "DeclaratieDagtekening": dag,
        "TotaalIngediendBedrag": totaal,
        "TotaalIngediendBedragDebetCredit": dc,
    } | extra


def declaratie_antwoord(
    nummer="DN1",
    *,
    gemeente=GEM,
    aanbieder=AGB,
    ident="DA1",
    dag="2024-02-15",
    ingediend=0,
    toegekend=0,
    **extra,
) -> dict:
    """One 325 DeclaratieAntwoord row (table declaratie_antwoorden), debet totals."""
    return {
        "berichttype": "325",
        "gemeente": gemeente,
        "aanbieder": aanbieder,
        "Identificatie": ident,
        "Dagtekening": dag,
        "DeclaratieNummer": nummer,
        "TotaalIngediendBedrag": ingediend,
        "TotaalIngediendBedragDebetCredit": "D",
        "TotaalToegekendBedrag": toegekend,
        "TotaalToegekendBedragDebetCredit": "D",
    } | extra


def retourcode(
    code: str,
    *,
    heen="325",
    niveau="Prestatie",
    gemeente=GEM,
    aanbieder=AGB,
    ident="D1",
    dag=None,
    **extra,
) -> dict:
    """One row of table retourcodes (a code in a retour or in a 325).

    ``heen`` is the berichttype the reader stores: the heenbericht for a retour, "325" itself for
    the codes of a declaratie-antwoord. ``dag`` is the Dagtekening of the heenbericht (copied
    into the retour, IV028); None matches the heenbericht on Identificatie alone.
    """
    return {
        "heen_berichttype": heen,
        "gemeente": gemeente,
        "aanbieder": aanbieder,
        "Identificatie": ident,
        "Dagtekening": dag,
        "niveau": niveau,
        "RetourCode": code,
    } | extra


def wijzigingsverzoek(
    ref="W1",
    *,
    gemeente=GEM,
    aanbieder=AGB,
    ident="W1",
    dag="2024-03-01",
    client="c1",
    soort="te_wijzigen",
    nummer="100",
    **extra,
) -> dict:
    """One 317 product row (table wijzigingsverzoeken); the reference is per message."""
    return {
        "berichttype": "317",
        "gemeente": gemeente,
        "aanbieder": aanbieder,
        "Identificatie": ident,
        "Dagtekening": dag,
        "client_id": client,
        "Soort": soort,
        "ReferentieAanbieder": ref,
        "ToewijzingNummer": nummer,
    } | extra


def bestand(bron: str, inhoud_hash: str | None, *, status="ingelezen", n=1, ronde="inlees-0001"):
    """One row of table bestanden (a file seen by an ingest run)."""
    return {
        "bron": bron,
        "signatuur": f"sig-{bron}-{ronde}",
        "inhoud_hash": inhoud_hash,
        "status": status,
        "n_berichten": n,
        "inlees_id": ronde,
    }
