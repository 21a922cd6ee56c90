"""Seeded generator of a fictional region's iJw 3.2 message traffic (example data).

The generator simulates eight fictional gemeenten (codes 9901-9908) and 25 fictional aanbieders
(AGB 98000001-98000025) over three years and writes every message as a real iJw 3.2 XML file:
verzoeken (315/317), antwoorden (319), toewijzingen (301), start/stop (305/307), monthly
declaraties (323/325) and the retours (302/306/308/316/318/320). It also writes the ground truth
of what was simulated, so that quality checks and wachttijd analyses can be backtested:

``injecties.csv``
    Every injected defect or field behaviour, one row per ``defect x berichttype x aanbieder x
    gemeente`` with ``n`` = the number of records affected (see :data:`DEFECTEN` for the unit of
    each defect). Counts are computed from the messages that were actually written, so they are
    exact for the data set.
``waarheid_trajecten.csv``
    Per pathway the true timeline (aanmelding, start, einde, reason and date of dropping out),
    without BSN.
``waarheid_records.csv``
    Per injected record of the defects in :data:`RECORD_KEYS`: ``defect, berichttype, aanbieder,
    gemeente, sleutel`` (the key the kit can find the record by), for per-record recall and
    precision of the quality checks.
``aanbieders.csv``, ``gemeenten.csv``
    The fictional organisations, with the behaviour profile of each aanbieder.

Element paths follow the contract in ``kit/berichten.yaml``. The two places where that contract
and the published iJw examples may disagree (the retour header ``IdentificatieRetour`` and the
child of ``TotaalIngediendBedrag``) are read from the contract at run time, so the generator
always writes what the reader reads.

All BSNs come from the official test range 999900006-999999990. All names, addresses and
organisations are invented. Nothing depends on today's date: the same seed and arguments give
byte-identical files.
"""

from __future__ import annotations

import calendar
import itertools
import math
import random
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from kit.config import package_yaml

__all__ = ["DEFECTEN", "write_example_region"]

# ---------------------------------------------------------------------------------------------
# Defect ids and what one counted record is
# ---------------------------------------------------------------------------------------------

DEFECTEN: dict[str, str] = {
    "auto_305": "305 StartProduct (status 1) of an auto_305 aanbieder: sent on the 301 dagtekening "
    "(+0/1 day) with Begindatum = Ingangsdatum, whatever the real start.",
    "auto_305_gi": "305 StartProduct of a GI (categorie 47/48): retroactive, sent right after the 301 "
    "with Begindatum = Ingangsdatum (expected behaviour, SAP GI).",
    "late_vot": "315 AangevraagdProduct of a late_vot aanbieder that was held back on an internal "
    "waiting list (the true wait lies before the 315).",
    "traag": "Toewijzing (gemeente + ToewijzingNummer) at a slow (traag) aanbieder.",
    "vot_toewijzing": "Toewijzing whose first 301 honours a 315 (ReferentieAanbieder filled).",
    "gemeente_route": "Toewijzing whose first 301 has no 315 before it (gemeente route).",
    "vot_in_onderzoek": "319 Antwoord with VerzoekAntwoord 2 (aanvraag in onderzoek).",
    "afwijzing_319": "319 Antwoord with VerzoekAntwoord 1 (verzoek afgewezen, any reason, 315 or 317).",
    "woonplaatsbeginsel": "319 Antwoord with RedenAfwijzingVerzoek 8 (subset of afwijzing_319).",
    "late_305": "305 StartProduct (status 1, not deleted) with Dagtekening - max(Begindatum, earliest "
    "Dagtekening of a non-rejected 301 of that toewijzing) > 5 working days (OP271; injected lags "
    "are >= 10 weekdays, all others <= 3).",
    "missing_305": "Toewijzing with prestaties in a 323 but no 305 at all.",
    "missing_307": "305 StartProduct (current) whose care truly ended at least 5 working days before "
    "the end of the data, without a 307 for it.",
    "late_307": "307 StopProduct with Dagtekening - Einddatum > 5 working days (a definitive stop "
    "after a reason-20 stop is not judged; injected lags are >= 10 weekdays, all others <= 3).",
    "wijziging_301": "301 version (ToewijzingNummer + Toewijzingsdatum + Toewijzingstijd) with "
    "RedenWijziging 04 (verlenging) or 05 (verkorting).",
    "ingetrokken_301": "Toewijzing withdrawn with RedenWijziging 13 (Einddatum = Ingangsdatum); the child "
    "never started.",
    "verhuizing": "Toewijzing ended with RedenWijziging 07; the child continues with the same aanbieder "
    "in another gemeente.",
    "versie_volgorde": "Toewijzing whose later version sits in an earlier Dagtekening (month folder) "
    "than its first version.",
    "correctie_305": "305 StartProduct with StatusAanlevering 3 (deletes an earlier 305 with a wrong "
    "Begindatum; a corrected 305 follows).",
    "tijdelijke_stop": "307 StopProduct with RedenBeeindiging 20 (followed by a new 305 or a definitive 307).",
    "afgekeurd_301": "ToegewezenProduct in a 301 whose 302 rejects it with RetourCode 9332 (the 301 is "
    "resent with a new Identificatie).",
    "afgekeurde_prestatie": "Prestatie rejected in a 325 (RetourCode 0611, wrong tarief); it is declared "
    "again in the next 323.",
    "nagekomen_prestatie": "Prestatie whose ProductPeriode lies in a month before the DeclaratiePeriode "
    "(declared after a retroactive toewijzing, or again after a rejection).",
    "late_323": "323 declaration sent after the last day of the month after its DeclaratiePeriode.",
    "dubbel_bestand": "Extra file that is a byte-identical copy of another file under another name.",
    "missing_retour": "Heenbericht without its retour (302/306/308/316/318/320) although the retour "
    "would fall inside the data period; berichttype is the missing retour.",
    "bsn_elfproef": "Record of a child whose (test-range) BSN fails the 11-proef: toewijzingen (301), "
    "StartProducts (305), StopProducts (307), AangevraagdProducts (315), verzoeken (317), "
    "Prestaties (323).",
    "verjaard_18": "Toewijzing (301) with the child 18+ on the Ingangsdatum, or 305 StartProduct with the "
    "child 18+ on the Begindatum.",
    "vroeg_gedeclareerd": "Toewijzing with a Prestatie for the month before the month of the 305 "
    "Begindatum (care declared one month before the reported start); berichttype 323.",
    "dagtekening_toekomst": "305 or 307 message whose Dagtekening is typed ten years in the future "
    "(a typing error; the file sits in the folder of its real month).",
    "bom_tweeling": "Extra file that is a copy of another file with a UTF-8 byte order mark in front "
    "(the same message).",
}

# Which key ``waarheid_records.csv`` gives per defect (the record as the kit can find it).
RECORD_KEYS: dict[str, str] = {
    "auto_305": "ToewijzingNummer (within the gemeente) of the toewijzing whose 305 it is",
    "auto_305_gi": "ToewijzingNummer",
    "late_305": "ToewijzingNummer",
    "missing_305": "ToewijzingNummer",
    "missing_307": "ToewijzingNummer",
    "late_307": "ToewijzingNummer",
    "verjaard_18": "ToewijzingNummer",
    "late_323": "Identificatie of the 323 (within the aanbieder)",
    "vroeg_gedeclareerd": "ToewijzingNummer",
    "dagtekening_toekomst": "Identificatie of the message (within its sender)",
    "bom_tweeling": "file name of the extra copy",
    "missing_retour": "Identificatie of the heenbericht (within its sender)",
    "dubbel_bestand": "file name of the extra copy",
}

# ---------------------------------------------------------------------------------------------
# The fictional region
# ---------------------------------------------------------------------------------------------

_GEMEENTEN: list[tuple[str, str, int]] = [
    ("9901", "Kleiwaard", 24),
    ("9902", "Duinrade", 18),
    ("9903", "Heidebeek", 14),
    ("9904", "Rietmond", 12),
    ("9905", "Veenschoten", 10),
    ("9906", "Esdonk", 9),
    ("9907", "Molenkamp", 7),
    ("9908", "Lindewaarde", 6),
]

# name, profiel, {categorie: median wait in days}, weight (share of the demand)
_AANBIEDERS: list[tuple[str, str, dict[str, int], int]] = [
    ("Alfa Jeugdhulp", "normaal", {"45": 35, "54": 45}, 10),
    ("Bravo Jeugd & Gezin", "normaal", {"45": 30}, 8),
    ("Charlie Ambulante Hulp", "auto_305", {"45": 40}, 7),
    ("Delta Jeugd-GGZ", "traag", {"54": 120, "45": 110}, 6),
    ("Echo Jeugdzorg", "late_vot", {"45": 60, "54": 70}, 6),
    ("Foxtrot Gezinsbehandeling", "normaal", {"45": 40, "41": 45}, 5),
    ("Golf Jeugdbescherming", "gi", {"48": 0}, 6),
    ("Hotel Crisisopvang en Verblijf", "normaal", {"46": 0, "43": 70}, 5),
    ("India Jeugdhulp", "auto_305", {"45": 30}, 5),
    ("Juliet Dagbehandeling", "traag", {"41": 110, "45": 100}, 3),
    ("Kilo Jeugdreclassering", "gi", {"47": 0}, 3),
    ("Lima Jeugd-GGZ", "late_vot", {"54": 70}, 4),
    ("Mike Ambulant", "normaal", {"45": 30}, 4),
    ("November Verblijfsgroepen", "traag", {"43": 150}, 3),
    ("Oscar Jeugdhulp", "normaal", {"45": 35, "54": 40}, 4),
    ("Papa Orthopedagogiek", "normaal", {"45": 25}, 3),
    ("Quebec Kind- en Jeugd-GGZ", "auto_305", {"54": 45}, 3),
    ("Romeo Gezinshuizen", "normaal", {"43": 80}, 2),
    ("Sierra Jeugdhulp", "late_vot", {"45": 50}, 3),
    ("Tango Ambulant", "normaal", {"45": 30}, 3),
    ("Uniform Jeugdzorg", "normaal", {"45": 40, "41": 50}, 2),
    ("Victor Jeugd-GGZ", "normaal", {"54": 40}, 2),
    ("Whiskey Jeugdhulp", "normaal", {"45": 30}, 2),
    ("X-ray Dyslexiezorg", "normaal", {"45": 60}, 2),
    ("Yankee Jeugdhulp", "normaal", {"45": 30}, 1),
]

# share of each categorie in new requests
_CATEGORIE_KANS: dict[str, int] = {"45": 62, "54": 15, "41": 4, "43": 4, "46": 5, "47": 2, "48": 6}

# product codes per categorie with weight; X-ray only delivers dyslexiezorg (45D01)
_PRODUCTEN: dict[str, list[tuple[str, int]]] = {
    "45": [("45A48", 55), ("45A49", 25), ("45A51", 20)],
    "54": [("54A01", 60), ("54A02", 40)],
    "41": [("41A01", 1)],
    "43": [("43A01", 1)],
    "46": [("46A01", 1)],
    "47": [("47A01", 1)],
    "48": [("48A01", 80), ("48A02", 20)],
}

# product code -> (volume range, eenheid, frequentie, tarief 2023 in eurocent)
_OMVANG: dict[str, tuple[tuple[int, int], str, str, int]] = {
    "45A48": ((1, 3), "04", "2", 9800),
    "45A49": ((2, 4), "04", "2", 10600),
    "45A51": ((1, 2), "04", "2", 12400),
    "45D01": ((40, 60), "04", "6", 8600),
    "54A01": ((600, 1500), "01", "6", 170),
    "54A02": ((1500, 4000), "01", "6", 205),
    "41A01": ((2, 6), "16", "2", 13500),
    "43A01": ((7, 7), "14", "2", 32500),
    "46A01": ((28, 28), "14", "6", 48000),
    "47A01": ((1, 1), "82", "4", 165000),
    "48A01": ((1, 1), "82", "4", 185000),
    "48A02": ((1, 1), "82", "4", 152000),
}

# care duration per categorie: (median days, sigma, min, max); crisis (46) is uniform 3..27 days
_DUUR: dict[str, tuple[int, float, int, int]] = {
    "45": (170, 0.6, 30, 900),
    "54": (140, 0.55, 30, 700),
    "41": (200, 0.5, 60, 700),
    "43": (260, 0.6, 30, 1000),
    "47": (300, 0.4, 90, 800),
    "48": (330, 0.5, 90, 1000),
}

_ACHTERNAMEN: list[tuple[str, str]] = [
    ("", "Jansen"),
    ("de", "Vries"),
    ("van den", "Berg"),
    ("", "Bakker"),
    ("", "Visser"),
    ("", "Smit"),
    ("", "Meijer"),
    ("de", "Boer"),
    ("", "Mulder"),
    ("de", "Groot"),
    ("", "Bos"),
    ("", "Vos"),
    ("", "Peters"),
    ("", "Hendriks"),
    ("van", "Leeuwen"),
    ("", "Dekker"),
    ("", "Brouwer"),
    ("de", "Wit"),
    ("", "Dijkstra"),
    ("", "Smits"),
    ("de", "Graaf"),
    ("van der", "Meer"),
    ("van der", "Linden"),
    ("", "Kok"),
    ("", "Jacobs"),
    ("de", "Haan"),
    ("", "Vermeulen"),
    ("van den", "Heuvel"),
    ("van der", "Veen"),
    ("van den", "Broek"),
    ("de", "Bruijn"),
    ("de", "Jong"),
    ("", "Schouten"),
    ("van", "Beek"),
    ("", "Willems"),
    ("van", "Dijk"),
    ("", "Hoekstra"),
    ("", "Maas"),
    ("", "Verhoeven"),
    ("", "Koster"),
    ("", "Prins"),
    ("", "Blom"),
    ("", "Huisman"),
    ("", "Kuipers"),
    ("van", "Wijk"),
    ("", "Postma"),
    ("", "Kramer"),
    ("", "Yılmaz"),
    ("El", "Amrani"),
    ("", "Nguyen"),
    ("", "Kaya"),
    ("", "Bouzid"),
    ("", "Pinas"),
    ("", "Öztürk"),
    ("", "Çelik"),
    ("'t", "Hart"),
]
_VOORNAMEN_M: list[str] = [
    "Daan",
    "Sem",
    "Lucas",
    "Levi",
    "Finn",
    "Milan",
    "Noah",
    "Luuk",
    "Bram",
    "Jesse",
    "Thijs",
    "Mohammed",
    "Adam",
    "Ryan",
    "Sven",
    "Julian",
    "Teun",
    "Ilias",
    "Mees",
    "Otis",
    "Joël",
]
_VOORNAMEN_V: list[str] = [
    "Emma",
    "Julia",
    "Mila",
    "Tess",
    "Sophie",
    "Zoë",
    "Sara",
    "Nora",
    "Yara",
    "Eva",
    "Anna",
    "Lotte",
    "Noor",
    "Fenna",
    "Liv",
    "Saar",
    "Lina",
    "Fleur",
    "Nina",
    "Amira",
    "Chloë",
]
_STRATEN: list[str] = [
    "Kastanjelaan",
    "Beukenhof",
    "Molenstraat",
    "Dorpsstraat",
    "Kerkweg",
    "Schoolstraat",
    "Spoorlaan",
    "Lindelaan",
    "Vijverhof",
    "Esdoornpad",
    "Meidoornstraat",
    "Havenkade",
    "Populierenweg",
    "Zonnebloemstraat",
    "Wilgenhof",
    "Eikenlaan",
]
_VERWIJZER_NAMEN: dict[str, list[str]] = {
    "02": ["Huisartsenpraktijk De Fictieve Linde", "Huisartsen Voorbeeldplein"],
    "03": ["JGZ Regio Voorbeeld"],
    "05": ["Kinderarts Voorbeeldziekenhuis"],
    "04": ["GI Voorbeeldregio"],
    "08": ["Rechtbank Voorbeeld"],
}
_GEM_NAAM: dict[str, str] = {}

_GEM_NAAM.update({g[0]: g[1] for g in _GEMEENTEN})
_NS_BASIS = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"
_XSD_VERSIE = "1.0.0"
_TEST_BSN_MIN = 999900006
_TEST_BSN_MAX = 999999990
_GEBOORTE_AGE_WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 11, 12, 12, 12, 11, 9, 6]

# default rates (share of the eligible records) and the minimum number injected when eligible
_QUOTA: dict[str, tuple[float, int]] = {
    "vroeg_gedeclareerd": (0.03, 2),
    "dagtekening_toekomst": (0.004, 2),
    "bom_tweeling": (0.0002, 2),
    "missing_305": (0.02, 2),
    "late_305": (0.06, 2),
    "correctie_305": (0.015, 2),
    "tijdelijke_stop": (0.03, 2),
    "missing_307": (0.04, 2),
    "late_307": (0.06, 2),
    "afgekeurd_301": (0.008, 2),
    "versie_volgorde": (0.004, 2),
    "verhuizing": (0.01, 2),
    "bsn_elfproef": (0.0015, 2),
    "verjaard_18": (0.006, 2),
    "late_323": (0.02, 2),
    "afgekeurde_prestatie": (0.01, 2),
    "dubbel_bestand": (0.0003, 3),
    "missing_retour": (0.002, 2),
}

_NORMAL_PROFILES = ("normaal", "traag", "late_vot")


# ---------------------------------------------------------------------------------------------
# Contract (kit/berichten.yaml)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Contract:
    codes: dict[str, str]
    retour_van: dict[str, str]
    retour_id_paden: tuple[str, str]
    totaal_323: str
    totaal_325_ingediend: str
    totaal_325_toegekend: str


@lru_cache(maxsize=1)
def _contract() -> _Contract:
    spec = package_yaml("berichten.yaml")
    berichten = spec["berichten"]
    codes = {bt: str(v["code"]) for bt, v in berichten.items()}
    retour_van = {bt: str(v["retour"]) for bt, v in berichten.items() if "retour" in v}
    kop = spec["kop"]
    tab = spec["tabellen"]

    def child(pad: str) -> str:
        return pad.split("/")[-1]

    return _Contract(
        codes=codes,
        retour_van=retour_van,
        retour_id_paden=(kop["IdentificatieRetour"]["pad"], kop["DagtekeningRetour"]["pad"]),
        totaal_323=child(tab["declaraties"]["velden"]["TotaalIngediendBedrag"]["pad"]),
        totaal_325_ingediend=child(
            tab["declaratie_antwoorden"]["velden"]["TotaalIngediendBedrag"]["pad"]
        ),
        totaal_325_toegekend=child(
            tab["declaratie_antwoorden"]["velden"]["TotaalToegekendBedrag"]["pad"]
        ),
    )


# ---------------------------------------------------------------------------------------------
# Date helpers (working day = Monday-Friday; injected lags keep a margin so that a calendar with
# public holidays classifies them the same way)
# ---------------------------------------------------------------------------------------------

_DAG = timedelta(days=1)


def _add_wd(d: date, n: int) -> date:
    """Return the n-th weekday after ``d``; with n == 0, ``d`` itself or the next weekday."""
    if n <= 0:
        wd = d.weekday()
        return d if wd < 5 else d + timedelta(days=7 - wd)
    weeks, rest = divmod(n, 5)
    d = d + timedelta(weeks=weeks)
    while rest:
        d += _DAG
        if d.weekday() < 5:
            rest -= 1
    return d


def _wd_between(a: date, b: date) -> int:
    """Number of weekdays in (a, b]."""
    if b <= a:
        return 0
    return int(np.busday_count(a + _DAG, b + _DAG))


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    y = d.year + m // 12
    m = m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _month_from_index(i: int) -> date:
    return date(i // 12, i % 12 + 1, 1)


def _age_on(geboorte: date, d: date) -> int:
    return d.year - geboorte.year - ((d.month, d.day) < (geboorte.month, geboorte.day))


class _Deck:
    """Stratified random draws: every block of draws holds each outcome exactly its weight times."""

    def __init__(self, rr: random.Random, weights: dict[str, int]) -> None:
        self._rr = rr
        self._cards = [k for k, w in weights.items() for _ in range(w)]
        self._pile: list[str] = []

    def draw(self) -> str:
        if not self._pile:
            self._pile = self._cards[:]
            self._rr.shuffle(self._pile)
        return self._pile.pop()


# ---------------------------------------------------------------------------------------------
# Simulation objects
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class _Aanbieder:
    agb: str
    naam: str
    profiel: str
    wacht: dict[str, int]
    gewicht: int
    gemeenten: list[str] = field(default_factory=list)
    decl_wd: int = 5
    ref_teller: int = 0


@dataclass(slots=True, eq=False)
class _Kind:
    idx: int
    gem: str
    geboorte: date
    geslacht: str
    voornaam: str
    voorvoegsel: str
    achternaam: str
    adres: dict[str, tuple[str, str, str]]
    elfproef_fout: bool = False
    verjaard: bool = False
    bsn: str = ""


@dataclass(slots=True, eq=False)
class _Verzoek:
    """One AangevraagdProduct in a 315."""

    gem: str
    dag: date
    ref: str
    ingang: date
    eind: date
    verwijzer: str
    interne_wacht: int = 0


@dataclass(slots=True, eq=False)
class _Antwoord:
    """One 319."""

    gem: str
    dag: date
    ref: str
    antwoord: str
    reden: str = ""
    wpb_gem: str = ""


@dataclass(slots=True, eq=False)
class _Vow:
    """One 317 (verzoek om wijziging: verlenging)."""

    dag: date
    ref: str
    eind_nieuw: date
    ongewijzigd: list[_Pad] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class _Versie:
    beslis: date
    tijd: str
    dag: date
    ingang: date
    eind: date
    reden: str = ""
    ref: str = ""
    afgekeurd: bool = False


@dataclass(slots=True, eq=False)
class _Start:
    dag: date
    begin: date
    status: str
    tag: str = ""
    echt_einde: date | None = None  # true end of the care segment this start opens


@dataclass(slots=True, eq=False)
class _Stop:
    dag: date
    begin: date
    einde: date
    reden: str
    status: str = "1"
    na_tijdelijk: bool = False


@dataclass(slots=True, eq=False)
class _Regel:
    """One Prestatie in a 323."""

    pad: _Pad
    pp_begin: date
    pp_eind: date
    volume: int
    tarief: int
    ref: str
    vroegst: date
    afgekeurd: bool = False

    @property
    def bedrag(self) -> int:
        return self.volume * self.tarief


@dataclass(slots=True, eq=False)
class _Pad:
    """One pathway: a request for one product at one aanbieder, and what followed."""

    idx: int
    kind: _Kind
    gem: str
    agb: str
    cat: str
    code: str
    volume: int
    eenheid: str
    freq: str
    route: str
    aanmelding: date
    flags: list[str] = field(default_factory=list)
    verzoek: _Verzoek | None = None
    wpb_verzoek: _Verzoek | None = None
    antwoorden: list[_Antwoord] = field(default_factory=list)
    vows: list[_Vow] = field(default_factory=list)
    beslis: date | None = None
    dag301: date | None = None
    ingang: date | None = None
    eind: date | None = None
    ready: date | None = None
    start: date | None = None
    einde: date | None = None
    drop: date | None = None
    intrek: date | None = None
    pauze: tuple[date, date | None] | None = None
    verhuis: date | None = None
    uitval: str = ""
    versies: list[_Versie] = field(default_factory=list)
    starts: list[_Start] = field(default_factory=list)
    stops: list[_Stop] = field(default_factory=list)
    zorg: list[tuple[date, date]] = field(default_factory=list)
    tn: str = ""


@dataclass(slots=True, eq=False)
class _Msg:
    bt: str
    afz: str
    ont: str
    dag: date
    seq: int
    kind: _Kind | None = None
    items: list = field(default_factory=list)
    data: dict | None = None
    heen: _Msg | None = None
    afgekeurd: bool = False
    ident: str = ""
    ident_retour: str = ""
    dup_of: _Msg | None = None
    naam: str = ""
    bom: bool = False  # written with a UTF-8 byte order mark (a BOM twin)
    dag_fout: date | None = None  # the Dagtekening as (wrongly) written, when it differs

    @property
    def pad(self) -> str:
        return f"berichten/{self.dag:%Y-%m}/{self.naam}"


# ---------------------------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------------------------


class _Simulatie:
    def __init__(self, seed: int, n_children: int, start: date, end: date) -> None:
        self.seed = seed
        self.rr = random.Random(seed)
        self.seed = seed
        self.n = n_children
        self.start = start
        self.end = end
        self.c = _contract()
        self._seq = itertools.count()
        self.pads: list[_Pad] = []
        self.kinderen: list[_Kind] = []
        self.msgs: list[_Msg] = []
        self.retours: list[_Msg] = []
        self.dubbel: list[_Msg] = []
        self.injecties: dict[tuple[str, str, str, str], int] = {}
        # per-record truth: (defect, berichttype, aanbieder, gemeente, sleutel)
        self.records: set[tuple[str, str, str, str, str]] = set()
        self.decks = {
            "route": _Deck(self.rr, {"vot": 55, "gemeente": 45}),
            "antwoord": _Deck(self.rr, {"direct": 85, "onderzoek": 9, "afwijzing": 4, "wpb": 2}),
            "onderzoek": _Deck(self.rr, {"toewijzing": 5, "afwijzing": 1}),
            "afwijzing": _Deck(self.rr, {"3": 2, "4": 3, "6": 2, "7": 3}),
            "vow": _Deck(self.rr, {"ok": 9, "afwijzing": 1}),
            "verlenging": _Deck(self.rr, {"317": 1, "gemeente": 1}),
            "reden": _Deck(
                self.rr, {"31": 60, "32": 10, "33": 5, "34": 12, "38": 5, "39": 4, "36": 4}
            ),
            "intrek": _Deck(self.rr, {"ja": 11, "nee": 9}),
            "verkort": _Deck(self.rr, {"ja": 2, "nee": 3}),
            "verwijzer": _Deck(
                self.rr, {"02": 45, "03": 15, "05": 10, "06": 10, "01": 15, "04": 5}
            ),
        }
        self._bouw_regio()

    # -- region -------------------------------------------------------------------------------

    def _bouw_regio(self) -> None:
        rr = self.rr
        codes = [g[0] for g in _GEMEENTEN]
        self.aanbieders: dict[str, _Aanbieder] = {}
        for i, (naam, profiel, wacht, gewicht) in enumerate(_AANBIEDERS, start=1):
            a = _Aanbieder(f"980000{i:02d}", naam, profiel, dict(wacht), gewicht)
            if gewicht >= 5 or profiel == "gi" or "46" in wacht:
                a.gemeenten = codes[:]
            else:
                a.gemeenten = sorted(rr.sample(codes, rr.randint(3, 6)))
            a.decl_wd = rr.randint(2, 9)
            self.aanbieders[a.agb] = a
        for cat in _CATEGORIE_KANS:
            for g in codes:
                if not any(cat in a.wacht and g in a.gemeenten for a in self.aanbieders.values()):
                    best = max(
                        (a for a in self.aanbieders.values() if cat in a.wacht),
                        key=lambda a: (a.gewicht, a.agb),
                    )
                    best.gemeenten = sorted([*best.gemeenten, g])

    def _kies_aanbieder(self, gem: str, cat: str) -> _Aanbieder:
        kandidaten = [a for a in self.aanbieders.values() if cat in a.wacht and gem in a.gemeenten]
        return self.rr.choices(kandidaten, weights=[a.gewicht for a in kandidaten])[0]

    def _druk(self, d: date) -> float:
        """Pressure on capacity: 1 for two years, rising to 2.3 in the last year; summer dip."""
        jaar_voor_eind = self.end - timedelta(days=365)
        f = 1.0
        if d > jaar_voor_eind:
            f += 1.3 * min(1.0, (d - jaar_voor_eind).days / 365)
        if d.month in (7, 8):
            f *= 1.25
        return f

    def _wacht(self, a: _Aanbieder, cat: str, d: date) -> int:
        med = a.wacht[cat] * self._druk(d)
        if med <= 0:
            return 0
        return max(0, int(round(med * math.exp(0.75 * self.rr.gauss(0.0, 1.0)))))

    def _duur(self, cat: str) -> int:
        if cat == "46":
            return self.rr.randint(3, 27)
        med, sigma, lo, hi = _DUUR[cat]
        return int(min(hi, max(lo, round(med * math.exp(sigma * self.rr.gauss(0.0, 1.0))))))

    def _tijd(self) -> str:
        rr = self.rr
        return f"{rr.randint(8, 17):02d}:{rr.randint(0, 59):02d}:{rr.randint(0, 59):02d}"

    def _nieuwe_ref(self, a: _Aanbieder, prefix: str) -> str:
        # unique per aanbieder only (TR347): different aanbieders reuse the same references
        a.ref_teller += 1
        return f"{prefix}{a.ref_teller:07d}"

    def _adres(self, kind: _Kind, gem: str) -> tuple[str, str, str]:
        if gem not in kind.adres:
            rr = self.rr
            gi = int(gem[-1])
            letters = "".join(rr.choice("ABCDEFGHJKLMNPRSTVWXZ") for _ in range(2))
            kind.adres[gem] = (
                rr.choice(_STRATEN),
                str(rr.randint(1, 180)),
                f"99{gi}{rr.randint(0, 9)}{letters}",
            )
        return kind.adres[gem]

    # -- children and pathways ----------------------------------------------------------------

    def _maak_kinderen(self) -> list[date]:
        rr = self.rr
        dagen: list[date] = []
        gewichten: list[float] = []
        d = self.start
        jaar_voor_eind = self.end - timedelta(days=365)
        while d <= self.end:
            w = 1.0
            if d > jaar_voor_eind:
                w += 0.35 * min(1.0, (d - jaar_voor_eind).days / 365)
            if d.weekday() >= 5:
                w *= 0.15
            if d.month in (7, 8):
                w *= 0.8
            if d.month == 12 and d.day >= 22:
                w *= 0.5
            dagen.append(d)
            gewichten.append(w)
            d += _DAG
        aanmeldingen = sorted(rr.choices(dagen, weights=gewichten, k=self.n))
        gem_codes = [g[0] for g in _GEMEENTEN]
        gem_w = [g[2] for g in _GEMEENTEN]
        grens = self.end - timedelta(days=90)
        vroeg = [i for i, a in enumerate(aanmeldingen) if a <= grens]
        verjaard = set(rr.sample(vroeg, self._quota("verjaard_18", self.n)))
        for i, a in enumerate(aanmeldingen):
            gem = rr.choices(gem_codes, weights=gem_w)[0]
            if i in verjaard:
                leeftijd_dagen = int(365.25 * 18) + rr.randint(1, 540)
            else:
                jaren = rr.choices(range(18), weights=_GEBOORTE_AGE_WEIGHTS)[0]
                leeftijd_dagen = int(365.25 * jaren) + rr.randint(0, 364)
            geslacht = rr.choices(["1", "2", "0"], weights=[52, 47.5, 0.5])[0]
            voornaam = rr.choice(_VOORNAMEN_V if geslacht == "2" else _VOORNAMEN_M)
            vv, an = rr.choice(_ACHTERNAMEN)
            kind = _Kind(
                idx=i,
                gem=gem,
                geboorte=a - timedelta(days=leeftijd_dagen),
                geslacht=geslacht,
                voornaam=voornaam,
                voorvoegsel=vv,
                achternaam=an,
                adres={},
                verjaard=i in verjaard,
            )
            self._adres(kind, gem)
            self.kinderen.append(kind)
        return aanmeldingen

    def _quota(self, defect: str, n_eligible: int) -> int:
        rate, minimum = _QUOTA[defect]
        return min(n_eligible, max(minimum, int(round(rate * n_eligible))))

    def _nieuw_pad(self, kind: _Kind, aanmelding: date, cat: str | None = None) -> _Pad:
        rr = self.rr
        leeftijd = _age_on(kind.geboorte, aanmelding)
        if cat is None:
            cats = list(_CATEGORIE_KANS)
            w = [_CATEGORIE_KANS[c] for c in cats]
            if leeftijd >= 17:
                w = [0 if c in ("47", "48", "46") else x for c, x in zip(cats, w, strict=True)]
            cat = rr.choices(cats, weights=w)[0]
        a = self._kies_aanbieder(kind.gem, cat)
        if a.naam.startswith("X-ray"):
            code = "45D01"
        else:
            prod = _PRODUCTEN[cat]
            code = rr.choices([p[0] for p in prod], weights=[p[1] for p in prod])[0]
        (lo, hi), eenheid, freq, _ = _OMVANG[code]
        if cat in ("47", "48"):
            route = "gi"
        elif cat == "46":
            route = "crisis"
        elif a.profiel == "late_vot":
            route = "vot"
        elif kind.verjaard and not self._heeft_pad(kind):
            route = "gemeente"  # verlengde jeugdhulp, granted by the gemeente
        else:
            route = self.decks["route"].draw()
        p = _Pad(
            idx=len(self.pads),
            kind=kind,
            gem=kind.gem,
            agb=a.agb,
            cat=cat,
            code=code,
            volume=rr.randint(lo, hi),
            eenheid=eenheid,
            freq=freq,
            route=route,
            aanmelding=aanmelding,
        )
        self.pads.append(p)
        return p

    def _heeft_pad(self, kind: _Kind) -> bool:
        return bool(self.pads) and self.pads[-1].kind is kind

    def _verwijzer(self, p: _Pad) -> str:
        if p.route == "gi":
            return "08"
        return self.decks["verwijzer"].draw()

    def _tijdlijn(self, p: _Pad) -> None:
        """Draw the true timeline of one pathway and the dates of its requests and decisions."""
        rr = self.rr
        a = self.aanbieders[p.agb]
        A = p.aanmelding
        send = _add_wd
        if p.route in ("gi", "crisis"):
            if p.route == "gi":
                dag315 = send(A, rr.randint(3, 15))
                eind = _add_months(A, 12) - _DAG
            else:
                dag315 = send(A, rr.randint(1, 4))
                eind = A + timedelta(days=27)
            p.verzoek = _Verzoek(
                p.gem, dag315, self._nieuwe_ref(a, "V"), A, eind, self._verwijzer(p)
            )
            p.beslis = send(dag315, rr.randint(1, 4))
            p.dag301 = send(p.beslis, rr.randint(0, 1))
            p.ingang, p.eind = A, eind
            p.ready = p.start = A
            p.einde = A + timedelta(days=self._duur(p.cat) - 1)
            return
        if p.route == "vot":
            intake = A + timedelta(days=rr.randint(4, 21))
            interne = 0
            if a.profiel == "late_vot":
                interne = self._wacht(a, p.cat, intake)
                if interne > 14 and rr.random() < 1 - math.exp(-interne / 450):
                    # dropped out on the internal waiting list: invisible in iJw
                    p.drop = intake + timedelta(days=int(interne * rr.uniform(0.3, 0.9)))
                    p.uitval = "afgehaakt"
                    return
            dag315 = send(intake + timedelta(days=interne), rr.randint(0, 3))
            ingang = dag315 if rr.random() < 0.7 else dag315 + timedelta(days=rr.randint(1, 14))
            uitkomst = self.decks["antwoord"].draw()
            if _age_on(p.kind.geboorte, dag315) >= 18 and rr.random() < 0.5:
                uitkomst = "leeftijd"
            if uitkomst == "wpb":
                # sent to the wrong gemeente first: rejected on woonplaatsbeginsel (reden 8)
                andere = [g[0] for g in _GEMEENTEN if g[0] != p.gem]
                fout = rr.choice(andere)
                ref = self._nieuwe_ref(a, "V")
                p.wpb_verzoek = _Verzoek(
                    fout,
                    dag315,
                    ref,
                    ingang,
                    _add_months(ingang, 12) - _DAG,
                    self._verwijzer(p),
                    interne,
                )
                d319 = send(dag315, rr.randint(3, 9))
                p.antwoorden.append(_Antwoord(fout, d319, ref, "1", "8", p.gem))
                dag315 = send(d319, rr.randint(1, 4))
                interne = 0
                uitkomst = "direct"
            p.verzoek = _Verzoek(
                p.gem,
                dag315,
                self._nieuwe_ref(a, "V"),
                ingang,
                _add_months(ingang, 12) - _DAG,
                self._verwijzer(p),
                interne,
            )
            ref = p.verzoek.ref
            if uitkomst in ("afwijzing", "leeftijd"):
                reden = "9" if uitkomst == "leeftijd" else self.decks["afwijzing"].draw()
                p.antwoorden.append(
                    _Antwoord(p.gem, send(dag315, rr.randint(1, 5)), ref, "1", reden)
                )
                p.uitval = "afgewezen"
                return
            if uitkomst == "onderzoek":
                d2 = send(dag315, rr.randint(1, 5))
                p.antwoorden.append(_Antwoord(p.gem, d2, ref, "2"))
                final = send(dag315 + timedelta(days=rr.randint(12, 50)), 0)
                if self.decks["onderzoek"].draw() == "afwijzing":
                    p.antwoorden.append(
                        _Antwoord(p.gem, final, ref, "1", self.decks["afwijzing"].draw())
                    )
                    p.uitval = "afgewezen"
                    return
                p.beslis = final
            else:
                p.beslis = send(dag315, rr.randint(1, 5))
            p.ingang = ingang
        else:
            beoordeling = int(rr.randint(10, 40) * (1 + 0.5 * (self._druk(A) - 1)))
            p.beslis = send(A + timedelta(days=beoordeling), 0)
            p.ingang = (
                p.beslis if rr.random() < 0.75 else p.beslis + timedelta(days=rr.randint(1, 21))
            )
        p.dag301 = send(p.beslis, rr.randint(0, 2))
        maanden = 6 if (p.cat in ("45", "54") and rr.random() < 0.45) else 12
        p.eind = _add_months(p.ingang, maanden) - _DAG
        p.ready = max(p.dag301, p.ingang)
        if a.profiel == "late_vot":
            wacht = rr.randint(0, 10)
        else:
            wacht = self._wacht(a, p.cat, p.ready)
        if wacht > 14 and rr.random() < 1 - math.exp(-wacht / 450):
            p.drop = p.ready + timedelta(days=int(wacht * rr.uniform(0.3, 0.9)))
            if a.profiel != "auto_305" and self.decks["intrek"].draw() == "ja":
                p.intrek = p.drop + timedelta(days=rr.randint(5, 45))
                p.uitval = "ingetrokken"
            else:
                p.uitval = "afgehaakt"
            return
        p.start = p.ready + timedelta(days=wacht)
        p.einde = p.start + timedelta(days=self._duur(p.cat) - 1)

    def _vervolg(self, p: _Pad) -> tuple[date, str | None] | None:
        rr = self.rr
        if p.route == "crisis":
            if rr.random() < 0.6:
                return p.aanmelding + timedelta(days=rr.randint(2, 12)), rr.choice(
                    ["43", "45", "45"]
                )
            return None
        if rr.random() >= 0.25:
            return None
        basis = p.einde or p.drop or (p.antwoorden[-1].dag if p.antwoorden else p.aanmelding)
        return basis + timedelta(days=rr.randint(30, 400)), None

    def _maak_paden(self) -> None:
        aanmeldingen = self._maak_kinderen()
        for kind, a in zip(self.kinderen, aanmeldingen, strict=True):
            p = self._nieuw_pad(kind, a, "45" if kind.verjaard else None)
            if kind.verjaard and self.aanbieders[p.agb].profiel == "late_vot":
                p.route = "gemeente"
            self._tijdlijn(p)
            for _ in range(3):
                nxt = self._vervolg(p)
                if nxt is None or nxt[0] > self.end:
                    break
                d, cat = nxt
                if _age_on(kind.geboorte, d) >= 18 and (cat is not None or self.rr.random() > 0.3):
                    break
                p = self._nieuw_pad(kind, d, cat)
                self._tijdlijn(p)

    # -- defect selection ---------------------------------------------------------------------

    def _profiel(self, p: _Pad) -> str:
        return self.aanbieders[p.agb].profiel

    def _kies(self, defect: str, kandidaten: list[_Pad]) -> list[_Pad]:
        k = self._quota(defect, len(kandidaten))
        gekozen = self.rr.sample(kandidaten, k) if k else []
        for p in gekozen:
            p.flags.append(defect)
        return gekozen

    def _kies_defecten(self) -> None:
        end = self.end
        zichtbaar: dict[int, _Kind] = {}
        for p in self.pads:
            if p.beslis is not None and p.beslis <= end - timedelta(days=30):
                zichtbaar.setdefault(p.kind.idx, p.kind)
        kinderen = list(zichtbaar.values())
        for kind in self.rr.sample(kinderen, self._quota("bsn_elfproef", len(kinderen))):
            kind.elfproef_fout = True
        normaal = [
            p
            for p in self.pads
            if p.start is not None and self._profiel(p) in _NORMAL_PROFILES and p.route != "gi"
        ]
        self._kies("missing_305", [p for p in normaal if p.start <= end - timedelta(days=45)])
        self._kies(
            "late_305",
            [
                p
                for p in normaal
                if "missing_305" not in p.flags
                and p.start <= end - timedelta(days=60)
                and (p.einde - p.start).days >= 60
            ],
        )
        self._kies(
            "correctie_305",
            [
                p
                for p in normaal
                if not p.flags and p.start <= end - timedelta(days=30) and p.route != "crisis"
            ],
        )
        self._kies(
            "tijdelijke_stop",
            [
                p
                for p in normaal
                if not p.flags
                and p.start <= end - timedelta(days=120)
                and (p.einde - p.start).days >= 150
            ],
        )
        laatste_pad: dict[int, _Pad] = {}
        for p in self.pads:
            laatste_pad[p.kind.idx] = p
        verhuis = self._kies(
            "verhuizing",
            [
                p
                for p in normaal
                if not p.flags
                and laatste_pad[p.kind.idx] is p
                and p.start <= end - timedelta(days=150)
                and (p.einde - p.start).days >= 120
                and len(self.aanbieders[p.agb].gemeenten) >= 2
            ],
        )
        for p in verhuis:
            self._verhuis(p)
        self._kies(
            "missing_307",
            [
                p
                for p in self.pads
                if p.start is not None
                and p.route != "gi"
                and "missing_305" not in p.flags
                and "tijdelijke_stop" not in p.flags
                and p.einde <= end - timedelta(days=20)
            ],
        )
        self._kies(
            "late_307",
            [
                p
                for p in self.pads
                if p.start is not None
                and "missing_305" not in p.flags
                and "missing_307" not in p.flags
                and p.einde <= end - timedelta(days=60)
            ],
        )
        groepen: dict[tuple[int, str, str], int] = {}
        for p in self.pads:
            if p.beslis is not None:
                key = (p.kind.idx, p.gem, p.agb)
                groepen[key] = groepen.get(key, 0) + 1
        self._kies(
            "afgekeurd_301",
            [
                p
                for p in self.pads
                if p.beslis is not None
                and p.beslis <= end - timedelta(days=30)
                and groepen[(p.kind.idx, p.gem, p.agb)] == 1
                and p.route != "verhuizing"
            ],
        )
        self._kies(
            "versie_volgorde",
            [
                p
                for p in self.pads
                if p.beslis is not None
                and p.route in ("vot", "gemeente")
                and "afgekeurd_301" not in p.flags
                and p.intrek is None
                and p.beslis <= end - timedelta(days=60)
                and 3 <= p.beslis.day <= 22
            ],
        )

    def _verhuis(self, p: _Pad) -> None:
        """The child moves during care: ends here (07) and continues in another gemeente."""
        rr = self.rr
        a = self.aanbieders[p.agb]
        duur = (p.einde - p.start).days
        move = p.start + timedelta(days=rr.randint(30, max(31, duur - 30)))
        move = min(move, self.end - timedelta(days=60))
        andere = [g for g in a.gemeenten if g != p.gem]
        nieuw = rr.choice(andere)
        oud_einde = p.einde
        p.verhuis = move
        p.einde = move - _DAG
        kind = p.kind
        kind.gem = nieuw
        self._adres(kind, nieuw)
        q = _Pad(
            idx=len(self.pads),
            kind=kind,
            gem=nieuw,
            agb=p.agb,
            cat=p.cat,
            code=p.code,
            volume=p.volume,
            eenheid=p.eenheid,
            freq=p.freq,
            route="verhuizing",
            aanmelding=move,
        )
        q.beslis = _add_wd(move + timedelta(days=rr.randint(5, 25)), 0)
        q.dag301 = _add_wd(q.beslis, rr.randint(0, 2))
        q.ingang = move
        q.eind = _add_months(move, 12) - _DAG
        q.ready = q.start = move
        q.einde = oud_einde
        self.pads.append(q)

    # -- events per pathway -------------------------------------------------------------------

    def _gebeurtenissen(self, p: _Pad) -> None:
        rr = self.rr
        if p.beslis is None:
            return
        a = self.aanbieders[p.agb]
        send = _add_wd
        ref = p.verzoek.ref if p.verzoek is not None and p.route != "verhuizing" else ""
        v1 = _Versie(p.beslis, self._tijd(), p.dag301, p.ingang, p.eind, "", ref)
        p.versies.append(v1)
        if "afgekeurd_301" in p.flags:
            v1.afgekeurd = True
            retour = send(v1.dag, rr.randint(1, 3))
            v1b = _Versie(
                v1.beslis, v1.tijd, send(retour, rr.randint(1, 3)), v1.ingang, v1.eind, "", ref
            )
            p.versies.append(v1b)
        if "versie_volgorde" in p.flags:
            b2 = p.beslis + timedelta(days=rr.randint(1, 3))
            eind2 = max(_add_months(p.ingang, 6) - _DAG, p.ingang + timedelta(days=60))
            v2 = _Versie(b2, self._tijd(), send(b2, 0), p.ingang, eind2, "05", "")
            # the first version was held back and sent in the next month, after the second one
            v1.dag = send(_month_end(b2), rr.randint(1, 3))
            p.versies.append(v2)
        basis = min(v.dag for v in p.versies if not v.afgekeurd)
        self._starts_stops(p, a, basis)
        self._verlengingen(p, a)

    def _lag(self, late: bool) -> int:
        return self.rr.randint(10, 25) if late else self.rr.randint(0, 3)

    def _starts_stops(self, p: _Pad, a: _Aanbieder, basis: date) -> None:
        rr = self.rr
        send = _add_wd
        if p.start is not None:
            p.zorg = [(p.start, p.einde)]
        if "missing_305" in p.flags:
            return
        reden_eind = (
            "35" if p.verhuis else ("31" if p.route == "gi" else self.decks["reden"].draw())
        )
        if p.route == "gi" or a.profiel == "auto_305":
            tag = "auto_305_gi" if p.route == "gi" else "auto_305"
            d = send(max(basis, p.ingang) + timedelta(days=rr.randint(0, 1)), 0)
            s = _Start(d, p.ingang, "1", tag)
            p.starts.append(s)
            if p.start is None:
                # dropped out while waiting, but the automatic 305 was already sent
                s.echt_einde = max(p.drop, p.ingang)
                dag = max(send(s.echt_einde, rr.randint(0, 3)), send(d, 1))
                p.stops.append(_Stop(dag, p.ingang, s.echt_einde, "32"))
                return
            s.echt_einde = p.einde
            if "missing_307" not in p.flags:
                dag = send(p.einde, self._lag("late_307" in p.flags))
                p.stops.append(_Stop(max(dag, send(d, 1)), p.ingang, p.einde, reden_eind))
            return
        if p.start is None:
            return
        eerste = max(p.start, basis)
        if "correctie_305" in p.flags:
            fout = p.start - timedelta(days=rr.randint(1, 10))
            d0 = send(eerste, 0)
            p.starts.append(_Start(d0, fout, "1"))
            p.starts.append(_Start(send(d0, 1), fout, "3"))
            s = _Start(send(d0, 2), p.start, "1")
        else:
            s = _Start(send(eerste, self._lag("late_305" in p.flags)), p.start, "1")
        p.starts.append(s)
        laatste_start = s.dag
        if "tijdelijke_stop" in p.flags:
            duur = (p.einde - p.start).days
            pauze = p.start + timedelta(days=int(duur * rr.uniform(0.3, 0.6)))
            lengte = rr.randint(14, 60)
            s.echt_einde = pauze
            t = _Stop(
                max(send(pauze, rr.randint(0, 3)), send(laatste_start, 1)), p.start, pauze, "20"
            )
            p.stops.append(t)
            if rr.random() < 0.7:
                hervat = pauze + timedelta(days=lengte)
                p.pauze = (pauze, hervat)
                p.zorg = [(p.start, pauze), (hervat, p.einde)]
                s2 = _Start(max(send(hervat, rr.randint(0, 3)), send(t.dag, 1)), hervat, "1")
                s2.echt_einde = p.einde
                p.starts.append(s2)
                laatste_start = s2.dag
                begin = hervat
            else:
                # definitive stop once it becomes known; same Einddatum as the temporary stop
                p.pauze = (pauze, None)
                p.einde = pauze
                p.zorg = [(p.start, pauze)]
                d = send(pauze + timedelta(days=rr.randint(20, 90)), 0)
                p.stops.append(_Stop(d, p.start, pauze, rr.choice(["32", "34"]), na_tijdelijk=True))
                return
        else:
            begin = p.start
            s.echt_einde = p.einde
        if "missing_307" in p.flags:
            return
        dag = send(p.einde, self._lag("late_307" in p.flags))
        p.stops.append(_Stop(max(dag, send(laatste_start, 1)), begin, p.einde, reden_eind))

    def _verlengingen(self, p: _Pad, a: _Aanbieder) -> None:
        """Later 301 versions: verlenging (04, maybe after a 317), verkorting (05), 07 and 13."""
        rr = self.rr
        send = _add_wd
        grens = self.end + timedelta(days=40)
        versies = p.versies
        eind = versies[-1].eind if versies[-1].reden == "05" else p.eind

        def laatste() -> _Versie:
            return max(versies, key=lambda v: (v.beslis, v.tijd))

        def nieuwe(beslis: date, eind_nieuw: date, reden: str, ref: str = "") -> None:
            vorige = laatste()
            beslis = max(beslis, vorige.beslis)
            tijd = self._tijd()
            if beslis == vorige.beslis and tijd <= vorige.tijd:
                beslis += _DAG
            dag = send(beslis, rr.randint(0, 1) if ref else rr.randint(0, 2))
            versies.append(_Versie(beslis, tijd, dag, p.ingang, eind_nieuw, reden, ref))

        if p.start is not None:
            nodig = p.einde if p.start <= self.end else p.start
        elif p.drop is not None:
            nodig = p.drop
        else:
            nodig = p.ingang
        if p.verhuis is not None:
            nodig = p.verhuis - _DAG
        nodig = min(nodig, grens)
        while nodig > eind:
            in_zorg = p.start is not None and p.start < eind - timedelta(days=45)
            verlengd = _add_months(eind + _DAG, 12 if p.route == "gi" or rr.random() < 0.6 else 6)
            verlengd -= _DAG
            if p.route != "gi" and in_zorg and self.decks["verlenging"].draw() == "317":
                d317 = send(eind - timedelta(days=rr.randint(25, 45)), 0)
                d317 = max(d317, laatste().dag + _DAG)
                vow = _Vow(d317, self._nieuwe_ref(a, "W"), verlengd)
                p.vows.append(vow)
                if self.decks["vow"].draw() == "ok":
                    nieuwe(send(d317, rr.randint(1, 5)), verlengd, "04", vow.ref)
                else:
                    d319 = send(d317, rr.randint(1, 5))
                    p.antwoorden.append(_Antwoord(p.gem, d319, vow.ref, "1", rr.choice(["2", "4"])))
                    nieuwe(
                        max(d319 + _DAG, eind - timedelta(days=rr.randint(0, 5))), verlengd, "04"
                    )
            else:
                nieuwe(eind - timedelta(days=rr.randint(5, 30)), verlengd, "04")
            eind = verlengd
            if laatste().beslis > grens:
                break
        if p.verhuis is not None:
            nieuwe(p.verhuis + timedelta(days=rr.randint(0, 20)), p.verhuis - _DAG, "07")
        elif p.intrek is not None:
            nieuwe(p.intrek, p.ingang, "13")
        elif (
            p.start is not None
            and p.stops
            and p.stops[-1].reden in ("32", "33", "34")
            and p.einde < eind
            and self.decks["verkort"].draw() == "ja"
        ):
            nieuwe(p.stops[-1].dag + timedelta(days=rr.randint(3, 30)), p.einde, "05")

    # -- toewijzingnummers and messages -------------------------------------------------------

    def _nummers(self) -> None:
        rr = self.rr
        per_gem: dict[str, list[_Pad]] = {}
        for p in self.pads:
            if p.versies:
                per_gem.setdefault(p.gem, []).append(p)
        for gem, _, _ in _GEMEENTEN:
            lijst = sorted(per_gem.get(gem, []), key=lambda p: (p.beslis, p.idx))
            # every gemeente numbers from its own base: the ranges overlap between gemeenten
            n = 100000 + rr.randint(0, 200)
            for p in lijst:
                n += rr.randint(1, 3)
                p.tn = str(n)

    def _msg(self, bt: str, afz: str, ont: str, dag: date, **kw) -> _Msg:
        m = _Msg(bt, afz, ont, dag, next(self._seq), **kw)
        self.msgs.append(m)
        return m

    def _berichten(self) -> None:
        groepen: dict[tuple[int, str, str], list[_Pad]] = {}
        for p in self.pads:
            if p.versies:
                groepen.setdefault((p.kind.idx, p.gem, p.agb), []).append(p)
        for p in self.pads:
            for req in (p.wpb_verzoek, p.verzoek):
                if req is not None:
                    self._msg("315", p.agb, req.gem, req.dag, kind=p.kind, items=[(p, req)])
            for ans in p.antwoorden:
                self._msg("319", ans.gem, p.agb, ans.dag, data={"antwoord": ans})
            groep = groepen.get((p.kind.idx, p.gem, p.agb), [])
            for vow in p.vows:
                vow.ongewijzigd = [
                    q for q in groep if q is not p and self._actueel(q, vow.dag) is not None
                ]
                self._msg("317", p.agb, p.gem, vow.dag, kind=p.kind, items=[(p, vow)])
            for v in p.versies:
                items = [(p, v)]
                if not v.afgekeurd:
                    for q in groep:
                        if q is not p:
                            w = self._actueel(q, v.dag)
                            if w is not None:
                                items.append((q, w))
                self._msg(
                    "301", p.gem, p.agb, v.dag, kind=p.kind, items=items, afgekeurd=v.afgekeurd
                )
            for s in p.starts:
                self._msg("305", p.agb, p.gem, s.dag, kind=p.kind, items=[(p, s)])
            for t in p.stops:
                self._msg("307", p.agb, p.gem, t.dag, kind=p.kind, items=[(p, t)])

    def _actueel(self, q: _Pad, d: date) -> _Versie | None:
        """The version of toewijzing q the aanbieder knows on day d, if it is still current."""
        bekend = [v for v in q.versies if not v.afgekeurd and v.dag <= d]
        if not bekend:
            return None
        v = max(bekend, key=lambda v: (v.beslis, v.tijd))
        if v.reden == "13" or v.eind < d:
            return None
        return v

    # -- declarations -------------------------------------------------------------------------

    def _tarief(self, code: str, jaar: int) -> int:
        return int(round(_OMVANG[code][3] * 1.04 ** max(0, jaar - 2023)))

    def _decl_datum(self, agb: str, gem: str, q: int) -> date:
        r = random.Random(f"{self.seed}-{agb}-{gem}-{q}")
        a = self.aanbieders[agb]
        return _add_wd(_month_from_index(q + 1) - _DAG, a.decl_wd + r.randint(0, 3))

    def _regels(self, p: _Pad) -> list[_Regel]:
        if not p.zorg or not p.versies:
            return []
        rr = self.rr
        geaccepteerd = [v for v in p.versies if not v.afgekeurd and v.dag <= self.end]
        if not geaccepteerd:
            return []
        basis = min(v.dag for v in geaccepteerd)
        laatste = max(geaccepteerd, key=lambda v: (v.beslis, v.tijd))
        eind_tw = laatste.eind
        begin = p.zorg[0][0]
        einde = min(p.zorg[-1][1], self.end)
        totaal_plan = max(1, (p.zorg[-1][1] - p.zorg[0][0]).days + 1)
        rest = p.volume if p.freq == "6" else 0
        regels: list[_Regel] = []
        for mi in range(_month_index(begin), _month_index(einde) + 1):
            m0 = _month_from_index(mi)
            pp_b = max(m0, p.ingang)
            pp_e = min(_month_end(m0), eind_tw)
            if pp_e < pp_b:
                continue
            dagen = 0
            for z0, z1 in p.zorg:
                lo, hi = max(z0, pp_b), min(z1, pp_e)
                if hi >= lo:
                    dagen += (hi - lo).days + 1
            if dagen <= 0:
                continue
            if p.route == "gi" and mi == _month_index(begin) and begin.day != 1:
                continue  # GI: the first broken month is not declared
            if p.freq == "4":
                vol = p.volume
            elif p.eenheid == "14":
                vol = dagen
            elif p.freq == "2":
                vol = max(1, int(round(p.volume * dagen / 7 * rr.uniform(0.75, 1.0))))
            else:
                vol = min(
                    rest, max(1, int(round(p.volume * dagen / totaal_plan * rr.uniform(0.8, 1.1))))
                )
                rest -= vol
                if vol <= 0:
                    continue
            ref = f"{p.gem}{p.tn}{m0:%y%m}"
            vroegst = max(basis + _DAG, _month_from_index(mi + 1))
            regels.append(_Regel(p, pp_b, pp_e, vol, self._tarief(p.code, m0.year), ref, vroegst))
        return regels

    def _declaraties(self) -> None:
        rr = self.rr
        per_paar: dict[tuple[str, str], dict[int, list[_Regel]]] = {}
        for p in self.pads:
            for r in self._regels(p):
                q = _month_index(r.pp_begin)
                while self._decl_datum(p.agb, p.gem, q) < r.vroegst:
                    q += 1
                if self._decl_datum(p.agb, p.gem, q) > self.end:
                    continue
                per_paar.setdefault((p.agb, p.gem), {}).setdefault(q, []).append(r)
        sleutels = sorted((agb, gem, q) for (agb, gem), per_q in per_paar.items() for q in per_q)
        laat_kandidaten = [
            k for k in sleutels if _add_wd(_month_from_index(k[2] + 2) - _DAG, 12) <= self.end
        ]
        laat = set(rr.sample(laat_kandidaten, self._quota("late_323", len(laat_kandidaten))))
        kandidaten = [
            r
            for k in sleutels
            if k not in laat and self._decl_datum(k[0], k[1], k[2]) <= self.end - timedelta(days=75)
            for r in per_paar[(k[0], k[1])][k[2]]
        ]
        for r in rr.sample(kandidaten, self._quota("afgekeurde_prestatie", len(kandidaten))):
            r.afgekeurd = True
            r.tarief = self._tarief(r.pad.code, r.pp_begin.year - 1)
        for (agb, gem), per_q in sorted(per_paar.items()):
            open_q = sorted(per_q)
            i = 0
            while i < len(open_q):
                q = open_q[i]
                i += 1
                regels = sorted(per_q[q], key=lambda r: (r.pad.kind.idx, r.pad.tn, r.pp_begin))
                if (agb, gem, q) in laat:
                    dag = _add_wd(_month_from_index(q + 2) - _DAG, rr.randint(3, 12))
                else:
                    dag = self._decl_datum(agb, gem, q)
                if dag > self.end:
                    continue
                periode = _month_from_index(q)
                m323 = self._msg(
                    "323",
                    agb,
                    gem,
                    dag,
                    data={"nummer": f"{gem}{periode:%y%m}", "periode": periode, "regels": regels},
                )
                afgewezen = [r for r in regels if r.afgekeurd]
                d325 = _add_wd(dag, rr.randint(2, 9))
                self._msg("325", gem, agb, d325, data={"decl": m323, "afgewezen": afgewezen})
                for r in afgewezen:
                    nieuw = _Regel(
                        r.pad,
                        r.pp_begin,
                        r.pp_eind,
                        r.volume,
                        self._tarief(r.pad.code, r.pp_begin.year),
                        r.ref + "C",
                        d325 + _DAG,
                    )
                    q2 = q + 1
                    while self._decl_datum(agb, gem, q2) < nieuw.vroegst:
                        q2 += 1
                    if q2 not in per_q:
                        per_q[q2] = []
                        open_q.append(q2)
                        open_q[i:] = sorted(open_q[i:])
                    per_q[q2].append(nieuw)

    # -- later defects (own random stream) ----------------------------------------------------

    def _vroeg_gedeclareerd(self, rr: random.Random) -> None:
        """Declare one month before the month of the reported start, inside the toewijzing."""
        eerste: dict[int, tuple[_Regel, _Msg]] = {}
        per_maand: dict[tuple[str, str, int], _Msg] = {}  # the regular 323 of each month
        for m in self.msgs:
            if m.bt == "323":
                per_maand.setdefault((m.afz, m.ont, _month_index(m.data["periode"])), m)
                for r in m.data["regels"]:
                    known = eerste.get(r.pad.idx)
                    if known is None or r.pp_begin < known[0].pp_begin:
                        eerste[r.pad.idx] = (r, m)
        kandidaten = []
        for p in self.pads:
            found = eerste.get(p.idx)
            if (
                found is None
                or p.start is None
                or self._profiel(p) not in _NORMAL_PROFILES
                or p.route == "gi"
                or p.freq == "6"
                or p.flags
                or _month_index(p.ingang) >= _month_index(p.start)
                or _month_index(found[0].pp_begin) != _month_index(p.start)
                or [s.begin for s in p.starts] != [p.start]
                or (p.agb, p.gem, _month_index(p.start) - 1) not in per_maand
            ):
                continue
            kandidaten.append(p)
        for p in rr.sample(kandidaten, self._quota("vroeg_gedeclareerd", len(kandidaten))):
            # declared in time with the aanbieder's 323 for the month before the start month
            r = eerste[p.idx][0]
            m = per_maand[(p.agb, p.gem, _month_index(p.start) - 1)]
            m0 = _month_from_index(_month_index(p.start) - 1)
            begin, eind = max(m0, p.ingang), _month_end(m0)
            ref = f"{p.gem}{p.tn}{m0:%y%m}"
            m.data["regels"].append(_Regel(p, begin, eind, r.volume, r.tarief, ref, r.vroegst))
            m.data["regels"].sort(key=lambda x: (x.pad.kind.idx, x.pad.tn, x.pp_begin))
            p.flags.append("vroeg_gedeclareerd")

    def _toekomst_en_bom(self, rr: random.Random) -> None:
        """Dagtekeningen typed ten years ahead, and BOM twins of existing files."""
        regie = [m for m in self.msgs if m.bt in ("305", "307")]
        for m in rr.sample(regie, self._quota("dagtekening_toekomst", len(regie))):
            day = min(m.dag.day, calendar.monthrange(m.dag.year + 10, m.dag.month)[1])
            m.dag_fout = date(m.dag.year + 10, m.dag.month, day)
            self._tel("dagtekening_toekomst", m.bt, *self._partijen(m), sleutel=m.ident)
        gewoon = [m for m in self.msgs if m.dag_fout is None]
        for m in rr.sample(gewoon, self._quota("bom_tweeling", len(gewoon))):
            d = _Msg(m.bt, m.afz, m.ont, m.dag, next(self._seq), dup_of=m, bom=True)
            d.naam = m.naam[:-4] + "_bom.xml"
            self.dubbel.append(d)
            self._tel("bom_tweeling", m.bt, *self._partijen(m), sleutel=d.naam)

    # -- BSN ----------------------------------------------------------------------------------

    def _bsns(self) -> None:
        rr = self.rr
        alle = np.arange(_TEST_BSN_MIN, _TEST_BSN_MAX + 1, dtype=np.int64)
        digits = np.stack([(alle // 10**k) % 10 for k in range(8, -1, -1)], axis=1)
        weights = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1])
        ok = (digits @ weights) % 11 == 0
        geldig = [int(x) for x in alle[ok]]
        ongeldig = [int(x) for x in alle[~ok]]
        rr.shuffle(geldig)
        fout_kinderen = [k for k in self.kinderen if k.elfproef_fout]
        for k, b in zip(fout_kinderen, rr.sample(ongeldig, len(fout_kinderen)), strict=True):
            k.bsn = str(b)
        goed = [k for k in self.kinderen if not k.elfproef_fout]
        if len(goed) <= len(geldig):
            for k, b in zip(goed, geldig, strict=False):
                k.bsn = str(b)
            return
        # more children than valid test BSNs: unique per gemeente only; children seen in more
        # than one gemeente get a BSN reserved for them
        gems: dict[int, list[str]] = {}
        for p in self.pads:
            lst = gems.setdefault(p.kind.idx, [])
            for g in [p.gem] + ([p.wpb_verzoek.gem] if p.wpb_verzoek else []):
                if g not in lst:
                    lst.append(g)
        multi = [k for k in goed if len(gems.get(k.idx, [k.gem])) > 1]
        for k, b in zip(multi, geldig, strict=False):
            k.bsn = str(b)
        pool = geldig[len(multi) :]
        teller: dict[str, int] = {}
        for k in goed:
            if k.bsn:
                continue
            g = gems.get(k.idx, [k.gem])[0]
            i = teller.get(g, 0)
            if i >= len(pool):
                raise ValueError(
                    f"n_children too large: gemeente {g} needs more than {len(pool)} valid test BSNs"
                )
            k.bsn = str(pool[i])
            teller[g] = i + 1

    # -- filtering, identifications, retours, duplicates --------------------------------------

    def _afronden(self) -> None:
        rr = self.rr
        self.msgs = [m for m in self.msgs if self.start <= m.dag <= self.end]
        self.msgs.sort(key=lambda m: (m.dag, m.seq))
        tellers: dict[tuple[str, str], int] = {}
        for m in self.msgs:
            key = (m.afz, m.bt)
            tellers[key] = tellers.get(key, 0) + 1
            prefix = "G" if len(m.afz) == 4 else "A"
            m.ident = f"{prefix}{m.bt}{tellers[key]:07d}"
            m.naam = f"{m.bt}_{m.afz}_{m.ident}.xml"
        # retours
        kandidaten = []
        for m in self.msgs:
            rbt = self.c.retour_van.get(m.bt)
            if rbt is None:
                continue
            dr = _add_wd(m.dag, rr.randint(1, 3))
            if dr > self.end:
                continue
            kandidaten.append(
                _Msg(rbt, m.afz, m.ont, dr, next(self._seq), heen=m, afgekeurd=m.afgekeurd)
            )
        weg = set()
        normaal = [i for i, r in enumerate(kandidaten) if not r.afgekeurd]
        for i in rr.sample(normaal, self._quota("missing_retour", len(normaal))):
            weg.add(i)
            r = kandidaten[i]
            self._tel("missing_retour", r.bt, *self._partijen(r.heen), sleutel=r.heen.ident)
        self.retours = [r for i, r in enumerate(kandidaten) if i not in weg]
        self.retours.sort(key=lambda r: (r.dag, r.seq))
        tellers = {}
        for r in self.retours:
            afz_retour = r.ont  # the receiver of the heenbericht sends the retour
            key = (afz_retour, r.bt)
            tellers[key] = tellers.get(key, 0) + 1
            r.ident_retour = f"R{r.bt}{tellers[key]:07d}"
            r.naam = f"{r.bt}_{r.afz}_{r.heen.ident}_retour.xml"
        # exact duplicate files under another name
        for m in rr.sample(self.msgs, self._quota("dubbel_bestand", len(self.msgs))):
            d = _Msg(m.bt, m.afz, m.ont, m.dag, next(self._seq), dup_of=m)
            d.naam = m.naam[:-4] + "_1.xml"
            self.dubbel.append(d)
            self._tel("dubbel_bestand", m.bt, *self._partijen(m), sleutel=d.naam)

    def _partijen(self, m: _Msg) -> tuple[str, str]:
        """(aanbieder, gemeente) of a message."""
        return (m.ont, m.afz) if len(m.afz) == 4 else (m.afz, m.ont)

    def _tel(
        self, defect: str, bt: str, agb: str, gem: str, n: int = 1, sleutel: str | None = None
    ) -> None:
        key = (defect, bt, agb, gem)
        self.injecties[key] = self.injecties.get(key, 0) + n
        if sleutel is not None:
            self.records.add((defect, bt, agb, gem, sleutel))

    # -- ground truth -------------------------------------------------------------------------

    def _tellen(self) -> None:
        end = self.end
        in_data = {id(m) for m in self.msgs}
        per_record: dict[int, _Msg] = {}
        for m in self.msgs:
            if m.bt in ("301", "305", "307", "315", "317"):
                obj = m.items[0][1]
                per_record.setdefault(id(obj), m)

        def aanwezig(obj: object) -> bool:
            return id(obj) in per_record

        gedeclareerd: dict[int, int] = {}
        for m in self.msgs:
            if m.bt == "323":
                periode = m.data["periode"]
                laat = m.dag > _month_end(_add_months(periode, 1))
                if laat:
                    self._tel("late_323", "323", m.afz, m.ont, sleutel=m.ident)
                for r in m.data["regels"]:
                    gedeclareerd[r.pad.idx] = gedeclareerd.get(r.pad.idx, 0) + 1
                    if _month_index(r.pp_begin) < _month_index(periode):
                        self._tel("nagekomen_prestatie", "323", m.afz, m.ont)
                    if r.pad.kind.elfproef_fout:
                        self._tel("bsn_elfproef", "323", m.afz, m.ont)
            elif m.bt == "325":
                if id(m.data["decl"]) in in_data:
                    for _ in m.data["afgewezen"]:
                        self._tel("afgekeurde_prestatie", "325", m.ont, m.afz)
            elif m.bt == "319":
                ans = m.data["antwoord"]
                if ans.antwoord == "2":
                    self._tel("vot_in_onderzoek", "319", m.ont, m.afz)
                else:
                    self._tel("afwijzing_319", "319", m.ont, m.afz)
                    if ans.reden == "8":
                        self._tel("woonplaatsbeginsel", "319", m.ont, m.afz)
        for p in self.pads:
            agb, gem = p.agb, p.gem
            elf = p.kind.elfproef_fout
            for req in (p.wpb_verzoek, p.verzoek):
                if req is not None and aanwezig(req):
                    if req.interne_wacht > 0:
                        self._tel("late_vot", "315", agb, req.gem)
                    if elf:
                        self._tel("bsn_elfproef", "315", agb, req.gem)
            for vow in p.vows:
                if aanwezig(vow) and elf:
                    self._tel("bsn_elfproef", "317", agb, gem)
            geacc = [v for v in p.versies if not v.afgekeurd and aanwezig(v)]
            for v in p.versies:
                if v.afgekeurd and aanwezig(v):
                    self._tel("afgekeurd_301", "301", agb, gem)
            if geacc:
                eerste = min(geacc, key=lambda v: (v.beslis, v.tijd))
                if self._profiel(p) == "traag":
                    self._tel("traag", "301", agb, gem)
                self._tel("vot_toewijzing" if eerste.ref else "gemeente_route", "301", agb, gem)
                if elf:
                    self._tel("bsn_elfproef", "301", agb, gem)
                if _age_on(p.kind.geboorte, p.ingang) >= 18:
                    self._tel("verjaard_18", "301", agb, gem, sleutel=p.tn)
                for v in geacc:
                    if v.reden in ("04", "05"):
                        self._tel("wijziging_301", "301", agb, gem)
                    elif v.reden == "13":
                        self._tel("ingetrokken_301", "301", agb, gem)
                    elif v.reden == "07":
                        self._tel("verhuizing", "301", agb, gem)
                if "versie_volgorde" in p.flags and len(geacc) >= 2:
                    v1 = p.versies[0]
                    if aanwezig(v1) and any(
                        (v.beslis, v.tijd) > (v1.beslis, v1.tijd)
                        and _month_index(v.dag) < _month_index(v1.dag)
                        for v in geacc
                    ):
                        self._tel("versie_volgorde", "301", agb, gem)
            basis = min((v.dag for v in geacc), default=None)
            starts = [s for s in p.starts if aanwezig(s)]
            gewist = {s.begin for s in starts if s.status == "3"}
            actueel = [s for s in starts if s.status == "1" and s.begin not in gewist]
            for s in starts:
                if s.status == "3":
                    self._tel("correctie_305", "305", agb, gem)
                if elf:
                    self._tel("bsn_elfproef", "305", agb, gem)
            for s in actueel:
                if s.tag:
                    self._tel(s.tag, "305", agb, gem, sleutel=p.tn)
                if basis is not None and _wd_between(max(s.begin, basis), s.dag) > 5:
                    self._tel("late_305", "305", agb, gem, sleutel=p.tn)
                if _age_on(p.kind.geboorte, s.begin) >= 18:
                    self._tel("verjaard_18", "305", agb, gem, sleutel=p.tn)
            stops = [t for t in p.stops if aanwezig(t)]
            for t in stops:
                if t.reden == "20":
                    self._tel("tijdelijke_stop", "307", agb, gem)
                if elf:
                    self._tel("bsn_elfproef", "307", agb, gem)
                if not t.na_tijdelijk and _wd_between(t.einde, t.dag) > 5:
                    self._tel("late_307", "307", agb, gem, sleutel=p.tn)
            for s in actueel:
                if s.echt_einde is None or _add_wd(s.echt_einde, 5) > end:
                    continue
                if not any(t.begin == s.begin for t in stops):
                    self._tel("missing_307", "307", agb, gem, sleutel=p.tn)
            if gedeclareerd.get(p.idx) and not any(s.status == "1" for s in starts):
                self._tel("missing_305", "305", agb, gem, sleutel=p.tn)
            if "vroeg_gedeclareerd" in p.flags:
                self._tel("vroeg_gedeclareerd", "323", agb, gem, sleutel=p.tn)

    def waarheid(self) -> pd.DataFrame:
        end = self.end
        in_data = {id(m.items[0][1]) for m in self.msgs if m.bt in ("301", "315")}
        rijen = []

        def iso(d: date | None) -> str:
            return d.isoformat() if d is not None and d <= end else ""

        for p in self.pads:
            if p.aanmelding > end:
                continue
            if p.wpb_verzoek is not None and p.antwoorden and p.antwoorden[0].dag <= end:
                rijen.append(
                    {
                        "gemeente": p.wpb_verzoek.gem,
                        "ToewijzingNummer": "",
                        "aanbieder": p.agb,
                        "ProductCategorie": p.cat,
                        "true_aanmelding": p.aanmelding.isoformat(),
                        "true_start": "",
                        "true_einde": "",
                        "uitval": "woonplaatsbeginsel",
                        "ReferentieAanbieder": p.wpb_verzoek.ref,
                        "true_uitval_datum": "",
                    }
                )
            zichtbaar = any(id(v) in in_data for v in p.versies if not v.afgekeurd)
            uitval = ""
            if p.uitval == "afgewezen":
                if any(a.antwoord == "1" and a.dag <= end for a in p.antwoorden if a.reden != "8"):
                    uitval = "afgewezen"
            elif p.drop is not None and p.drop <= end:
                ingetrokken = any(v.reden == "13" and id(v) in in_data for v in p.versies)
                uitval = "ingetrokken" if ingetrokken else "afgehaakt"
            ref = p.verzoek.ref if p.verzoek is not None and id(p.verzoek) in in_data else ""
            rijen.append(
                {
                    "gemeente": p.gem,
                    "ToewijzingNummer": p.tn if zichtbaar else "",
                    "aanbieder": p.agb,
                    "ProductCategorie": p.cat,
                    "true_aanmelding": p.aanmelding.isoformat(),
                    "true_start": iso(p.start),
                    "true_einde": iso(p.einde) if p.start is not None and p.start <= end else "",
                    "uitval": uitval,
                    "ReferentieAanbieder": ref,
                    "true_uitval_datum": iso(p.drop)
                    if uitval in ("afgehaakt", "ingetrokken")
                    else "",
                }
            )
        df = pd.DataFrame(rijen)
        return df.sort_values(
            ["gemeente", "ToewijzingNummer", "aanbieder", "true_aanmelding", "ReferentieAanbieder"],
            kind="mergesort",
        ).reset_index(drop=True)

    def records_frame(self) -> pd.DataFrame:
        """Per-record truth: which record each injected defect of :data:`RECORD_KEYS` hit."""
        columns = ["defect", "berichttype", "aanbieder", "gemeente", "sleutel"]
        df = pd.DataFrame(sorted(self.records), columns=columns)
        return df.reset_index(drop=True)

    def injecties_frame(self) -> pd.DataFrame:
        rows = [
            {"defect": d, "berichttype": bt, "aanbieder": agb, "gemeente": gem, "n": n}
            for (d, bt, agb, gem), n in self.injecties.items()
            if n > 0
        ]
        df = pd.DataFrame(rows, columns=["defect", "berichttype", "aanbieder", "gemeente", "n"])
        df["n"] = df["n"].astype("int64")
        return df.sort_values(["defect", "berichttype", "aanbieder", "gemeente"]).reset_index(
            drop=True
        )

    # -- run ----------------------------------------------------------------------------------

    def run(self) -> None:
        self._maak_paden()
        self._kies_defecten()
        for p in self.pads:
            self._gebeurtenissen(p)
        self._nummers()
        self._berichten()
        self._declaraties()
        extra = random.Random(self.seed * 7919 + 1)  # new defects: the other draws stay as they were
        self._vroeg_gedeclareerd(extra)
        self._bsns()
        self._afronden()
        self._toekomst_en_bom(extra)
        self._tellen()

    def bestanden(self) -> list[_Msg]:
        alles = self.msgs + self.retours + self.dubbel
        return sorted(alles, key=lambda m: m.pad)


# ---------------------------------------------------------------------------------------------
# XML rendering (string templates)
# ---------------------------------------------------------------------------------------------


class _Render:
    def __init__(self, c: _Contract) -> None:
        self.c = c

    def __call__(self, m: _Msg) -> bytes:
        bom = b"\xef\xbb\xbf" if m.bom else b""
        if m.dup_of is not None:
            m = m.dup_of
        if m.heen is not None:
            body = self._retour(m)
        else:
            body = getattr(self, f"_b{m.bt}")(m)
        return bom + body.encode("utf-8")

    # -- building blocks ----------------------------------------------------------------------

    @staticmethod
    def _open(p: str, bt: str) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<{p}:Bericht xmlns:{p}="http://www.istandaarden.nl/ijw/3_2/jw{bt}/schema" '
            f'xmlns:ijw="{_NS_BASIS}">\n'
        )

    def _kop(self, p: str, bt: str, m: _Msg, extra: str = "") -> str:
        return (
            f"\t<{p}:Header>\n"
            f"\t\t<{p}:BerichtCode>{self.c.codes[bt]}</{p}:BerichtCode>\n"
            f"\t\t<{p}:BerichtVersie>3</{p}:BerichtVersie>\n"
            f"\t\t<{p}:BerichtSubversie>2</{p}:BerichtSubversie>\n"
            f"\t\t<{p}:Afzender>{m.afz}</{p}:Afzender>\n"
            f"\t\t<{p}:Ontvanger>{m.ont}</{p}:Ontvanger>\n"
            f"\t\t<{p}:BerichtIdentificatie>\n"
            f"\t\t\t<ijw:Identificatie>{m.ident}</ijw:Identificatie>\n"
            f"\t\t\t<ijw:Dagtekening>{(m.dag_fout or m.dag).isoformat()}</ijw:Dagtekening>\n"
            f"\t\t</{p}:BerichtIdentificatie>\n"
            f"\t\t<{p}:XsdVersie>\n"
            f"\t\t\t<ijw:BasisschemaXsdVersie>{_XSD_VERSIE}</ijw:BasisschemaXsdVersie>\n"
            f"\t\t\t<ijw:BerichtXsdVersie>{_XSD_VERSIE}</ijw:BerichtXsdVersie>\n"
            f"\t\t</{p}:XsdVersie>\n"
            f"{extra}"
            f"\t</{p}:Header>\n"
        )

    @staticmethod
    def _naam(p: str, k: _Kind, t: str, volledig: bool) -> str:
        vv = (
            f"{t}\t\t<ijw:Voorvoegsel>{escape(k.voorvoegsel)}</ijw:Voorvoegsel>\n"
            if k.voorvoegsel
            else ""
        )
        gebruik = f"{t}\t<ijw:NaamGebruik>1</ijw:NaamGebruik>\n" if volledig else ""
        return (
            f"{t}<{p}:Naam>\n"
            f"{t}\t<ijw:Geslachtsnaam>\n"
            f"{t}\t\t<ijw:Achternaam>{escape(k.achternaam)}</ijw:Achternaam>\n"
            f"{vv}"
            f"{t}\t</ijw:Geslachtsnaam>\n"
            f"{t}\t<ijw:Voornamen>{escape(k.voornaam)}</ijw:Voornamen>\n"
            f"{t}\t<ijw:Voorletters>{escape(k.voornaam[0])}</ijw:Voorletters>\n"
            f"{gebruik}"
            f"{t}</{p}:Naam>\n"
        )

    def _client_kop(self, p: str, k: _Kind, volledig: bool = False) -> str:
        return (
            f"\t\t<{p}:Bsn>{k.bsn}</{p}:Bsn>\n"
            f"\t\t<{p}:Geboortedatum>\n"
            f"\t\t\t<ijw:Datum>{k.geboorte.isoformat()}</ijw:Datum>\n"
            f"\t\t</{p}:Geboortedatum>\n"
            f"\t\t<{p}:Geslacht>{k.geslacht}</{p}:Geslacht>\n" + self._naam(p, k, "\t\t", volledig)
        )

    @staticmethod
    def _product(p: str, cat: str, code: str, t: str) -> str:
        return (
            f"{t}<{p}:Product>\n"
            f"{t}\t<ijw:Categorie>{cat}</ijw:Categorie>\n"
            f"{t}\t<ijw:Code>{code}</ijw:Code>\n"
            f"{t}</{p}:Product>\n"
        )

    @staticmethod
    def _omvang(p: str, pad: _Pad, t: str) -> str:
        return (
            f"{t}<{p}:Omvang>\n"
            f"{t}\t<ijw:Volume>{pad.volume}</ijw:Volume>\n"
            f"{t}\t<ijw:Eenheid>{pad.eenheid}</ijw:Eenheid>\n"
            f"{t}\t<ijw:Frequentie>{pad.freq}</ijw:Frequentie>\n"
            f"{t}</{p}:Omvang>\n"
        )

    @staticmethod
    def _retourcodes(p: str, codes: Iterable[str], t: str) -> str:
        inner = "".join(f"{t}\t<{p}:RetourCode>{c}</{p}:RetourCode>\n" for c in codes)
        return f"{t}<{p}:RetourCodes>\n{inner}{t}</{p}:RetourCodes>\n"

    def _bedrag(self, p: str, naam: str, kind_tag: str, bedrag: int, t: str) -> str:
        dc = "D" if bedrag >= 0 else "C"
        return (
            f"{t}<{p}:{naam}>\n"
            f"{t}\t<ijw:{kind_tag}>{abs(bedrag)}</ijw:{kind_tag}>\n"
            f"{t}\t<ijw:DebetCredit>{dc}</ijw:DebetCredit>\n"
            f"{t}</{p}:{naam}>\n"
        )

    # -- 301 ----------------------------------------------------------------------------------

    def _contact(self, p: str, k: _Kind, gem: str, codes: bool) -> str:
        straat, nr, pc = k.adres.get(gem) or next(iter(k.adres.values()))
        plaats = _GEM_NAAM[gem]
        rc = self._retourcodes(p, ["0200"], "\t\t\t\t") if codes else ""
        return (
            f"\t\t<{p}:Contactgegevens>\n"
            f"\t\t\t<{p}:Contact>\n"
            f"\t\t\t\t<{p}:Soort>01</{p}:Soort>\n"
            f"\t\t\t\t<{p}:Adres>\n"
            f"\t\t\t\t\t<ijw:Huis>\n"
            f"\t\t\t\t\t\t<ijw:Huisnummer>{nr}</ijw:Huisnummer>\n"
            f"\t\t\t\t\t</ijw:Huis>\n"
            f"\t\t\t\t\t<ijw:Postcode>{pc}</ijw:Postcode>\n"
            f"\t\t\t\t\t<ijw:Straatnaam>{escape(straat)}</ijw:Straatnaam>\n"
            f"\t\t\t\t\t<ijw:Plaatsnaam>{escape(plaats)}</ijw:Plaatsnaam>\n"
            f"\t\t\t\t\t<ijw:LandCode>NL</ijw:LandCode>\n"
            f"\t\t\t\t</{p}:Adres>\n"
            f"{rc}"
            f"\t\t\t</{p}:Contact>\n"
            f"\t\t</{p}:Contactgegevens>\n"
        )

    def _toegewezen(self, p: str, pad: _Pad, v: _Versie, codes: list[str] | None) -> str:
        t = "\t\t\t\t"
        ref = (
            f"{t}<{p}:ReferentieAanbieder>{escape(v.ref)}</{p}:ReferentieAanbieder>\n"
            if v.ref
            else ""
        )
        reden = f"{t}<{p}:RedenWijziging>{v.reden}</{p}:RedenWijziging>\n" if v.reden else ""
        rc = self._retourcodes(p, codes, t) if codes else ""
        return (
            f"\t\t\t<{p}:ToegewezenProduct>\n"
            f"{t}<{p}:ToewijzingNummer>{pad.tn}</{p}:ToewijzingNummer>\n"
            f"{ref}"
            + self._product(p, pad.cat, pad.code, t)
            + f"{t}<{p}:Toewijzingsdatum>{v.beslis.isoformat()}</{p}:Toewijzingsdatum>\n"
            f"{t}<{p}:Toewijzingstijd>{v.tijd}</{p}:Toewijzingstijd>\n"
            f"{t}<{p}:Ingangsdatum>{v.ingang.isoformat()}</{p}:Ingangsdatum>\n"
            f"{t}<{p}:Einddatum>{v.eind.isoformat()}</{p}:Einddatum>\n"
            f"{reden}" + self._omvang(p, pad, t) + rc + f"\t\t\t</{p}:ToegewezenProduct>\n"
        )

    def _client301(self, p: str, m: _Msg, retour: bool) -> str:
        k = m.kind
        pad0 = m.items[0][0]
        extra = ""
        if pad0.route == "gi":
            extra = (
                f"\t\t<{p}:JuridischeStatus>04</{p}:JuridischeStatus>\n" if pad0.cat == "48" else ""
            )
            if pad0.code == "48A02":
                extra += (
                    f"\t\t<{p}:WettelijkeVertegenwoordiging>06</{p}:WettelijkeVertegenwoordiging>\n"
                )
        producten = "".join(
            self._toegewezen(p, pad, v, (["9332"] if retour else None)) for pad, v in m.items
        )
        rc = self._retourcodes(p, ["0200"], "\t\t") if retour else ""
        return (
            f"\t<{p}:Client>\n"
            + self._client_kop(p, k, volledig=True)
            + extra
            + self._contact(p, k, m.afz, retour)
            + f"\t\t<{p}:ToegewezenProducten>\n{producten}\t\t</{p}:ToegewezenProducten>\n"
            + rc
            + f"\t</{p}:Client>\n"
        )

    def _b301(self, m: _Msg) -> str:
        p = "jw301"
        return (
            self._open(p, "301")
            + self._kop(p, "301", m)
            + self._client301(p, m, False)
            + f"</{p}:Bericht>\n"
        )

    # -- 305 / 307 ----------------------------------------------------------------------------

    def _b305(self, m: _Msg) -> str:
        p = "jw305"
        pad, s = m.items[0]
        t = "\t\t\t\t"
        return (
            self._open(p, "305")
            + self._kop(p, "305", m)
            + f"\t<{p}:Client>\n"
            + self._client_kop(p, m.kind)
            + f"\t\t<{p}:StartProducten>\n\t\t\t<{p}:StartProduct>\n"
            f"{t}<{p}:ToewijzingNummer>{pad.tn}</{p}:ToewijzingNummer>\n"
            + self._product(p, pad.cat, pad.code, t)
            + f"{t}<{p}:ToewijzingIngangsdatum>{pad.ingang.isoformat()}</{p}:ToewijzingIngangsdatum>\n"
            f"{t}<{p}:Begindatum>{s.begin.isoformat()}</{p}:Begindatum>\n"
            f"{t}<{p}:StatusAanlevering>{s.status}</{p}:StatusAanlevering>\n"
            f"\t\t\t</{p}:StartProduct>\n\t\t</{p}:StartProducten>\n"
            f"\t</{p}:Client>\n</{p}:Bericht>\n"
        )

    def _b307(self, m: _Msg) -> str:
        p = "jw307"
        pad, s = m.items[0]
        t = "\t\t\t\t"
        return (
            self._open(p, "307")
            + self._kop(p, "307", m)
            + f"\t<{p}:Client>\n"
            + self._client_kop(p, m.kind)
            + f"\t\t<{p}:StopProducten>\n\t\t\t<{p}:StopProduct>\n"
            f"{t}<{p}:ToewijzingNummer>{pad.tn}</{p}:ToewijzingNummer>\n"
            + self._product(p, pad.cat, pad.code, t)
            + f"{t}<{p}:ToewijzingIngangsdatum>{pad.ingang.isoformat()}</{p}:ToewijzingIngangsdatum>\n"
            f"{t}<{p}:Begindatum>{s.begin.isoformat()}</{p}:Begindatum>\n"
            f"{t}<{p}:RedenBeeindiging>{s.reden}</{p}:RedenBeeindiging>\n"
            f"{t}<{p}:Einddatum>{s.einde.isoformat()}</{p}:Einddatum>\n"
            f"{t}<{p}:StatusAanlevering>{s.status}</{p}:StatusAanlevering>\n"
            f"\t\t\t</{p}:StopProduct>\n\t\t</{p}:StopProducten>\n"
            f"\t</{p}:Client>\n</{p}:Bericht>\n"
        )

    # -- 315 / 317 / 319 ----------------------------------------------------------------------

    def _b315(self, m: _Msg) -> str:
        p = "jw315"
        pad, req = m.items[0]
        t = "\t\t\t\t"
        vt = req.verwijzer
        if vt in ("02", "03", "05") and pad.kind.idx % 3:
            verw = f"{t}\t<ijw:ZorgverlenerCode>0199{pad.kind.idx % 10000:04d}</ijw:ZorgverlenerCode>\n"
        elif vt in _VERWIJZER_NAMEN:
            naam = _VERWIJZER_NAMEN[vt][pad.kind.idx % len(_VERWIJZER_NAMEN[vt])]
            verw = f"{t}\t<ijw:Naam>{escape(naam)}</ijw:Naam>\n"
        else:
            verw = ""
        return (
            self._open(p, "315")
            + self._kop(p, "315", m)
            + f"\t<{p}:Client>\n"
            + self._client_kop(p, m.kind)
            + f"\t\t<{p}:GezagsdragerBekend>1</{p}:GezagsdragerBekend>\n"
            f"\t\t<{p}:AangevraagdeProducten>\n\t\t\t<{p}:AangevraagdProduct>\n"
            f"{t}<{p}:ReferentieAanbieder>{escape(req.ref)}</{p}:ReferentieAanbieder>\n"
            + self._product(p, pad.cat, pad.code, t)
            + f"{t}<{p}:ToewijzingIngangsdatum>{req.ingang.isoformat()}</{p}:ToewijzingIngangsdatum>\n"
            f"{t}<{p}:ToewijzingEinddatum>{req.eind.isoformat()}</{p}:ToewijzingEinddatum>\n"
            + self._omvang(p, pad, t)
            + f"{t}<{p}:Verwijzer>\n{t}\t<ijw:Type>{vt}</ijw:Type>\n{verw}{t}</{p}:Verwijzer>\n"
            f"\t\t\t</{p}:AangevraagdProduct>\n\t\t</{p}:AangevraagdeProducten>\n"
            f"\t</{p}:Client>\n</{p}:Bericht>\n"
        )

    def _b317(self, m: _Msg) -> str:
        p = "jw317"
        pad, vow = m.items[0]
        t = "\t\t\t\t\t"
        ongewijzigd = ""
        if vow.ongewijzigd:
            inner = "".join(
                f"\t\t\t\t<{p}:OngewijzigdProduct>\n{t}<{p}:ToewijzingNummer>{q.tn}</{p}:ToewijzingNummer>\n"
                f"\t\t\t\t</{p}:OngewijzigdProduct>\n"
                for q in vow.ongewijzigd
            )
            ongewijzigd = (
                f"\t\t\t<{p}:OngewijzigdeProducten>\n{inner}\t\t\t</{p}:OngewijzigdeProducten>\n"
            )
        return (
            self._open(p, "317")
            + self._kop(p, "317", m)
            + f"\t<{p}:Client>\n\t\t<{p}:Bsn>{m.kind.bsn}</{p}:Bsn>\n"
            f"\t\t<{p}:Verzoek>\n"
            f"\t\t\t<{p}:ReferentieAanbieder>{escape(vow.ref)}</{p}:ReferentieAanbieder>\n"
            f"\t\t\t<{p}:RedenVerzoek>2</{p}:RedenVerzoek>\n"
            f"{ongewijzigd}"
            f"\t\t\t<{p}:TeWijzigenProducten>\n\t\t\t\t<{p}:TeWijzigenProduct>\n"
            f"{t}<{p}:ToewijzingNummer>{pad.tn}</{p}:ToewijzingNummer>\n"
            f"{t}<{p}:GewensteIngangsdatum>{pad.ingang.isoformat()}</{p}:GewensteIngangsdatum>\n"
            f"{t}<{p}:Einddatum>{vow.eind_nieuw.isoformat()}</{p}:Einddatum>\n"
            + self._omvang(p, pad, t)
            + f"\t\t\t\t</{p}:TeWijzigenProduct>\n\t\t\t</{p}:TeWijzigenProducten>\n"
            f"\t\t</{p}:Verzoek>\n\t</{p}:Client>\n</{p}:Bericht>\n"
        )

    def _b319(self, m: _Msg) -> str:
        p = "jw319"
        a: _Antwoord = m.data["antwoord"]
        reden = (
            f"\t\t<{p}:RedenAfwijzingVerzoek>{a.reden}</{p}:RedenAfwijzingVerzoek>\n"
            if a.reden
            else ""
        )
        wpb = (
            f"\t\t<{p}:Woonplaatsbeginsel>\n\t\t\t<{p}:Gemeente>{a.wpb_gem}</{p}:Gemeente>\n"
            f"\t\t</{p}:Woonplaatsbeginsel>\n"
            if a.wpb_gem
            else ""
        )
        return (
            self._open(p, "319") + self._kop(p, "319", m) + f"\t<{p}:Antwoord>\n"
            f"\t\t<{p}:ReferentieAanbieder>{escape(a.ref)}</{p}:ReferentieAanbieder>\n"
            f"\t\t<{p}:VerzoekAntwoord>{a.antwoord}</{p}:VerzoekAntwoord>\n"
            f"{reden}{wpb}"
            f"\t</{p}:Antwoord>\n</{p}:Bericht>\n"
        )

    # -- 323 / 325 ----------------------------------------------------------------------------

    def _prestatie(self, p: str, r: _Regel, codes: list[str] | None, t: str) -> str:
        pad = r.pad
        rc = self._retourcodes(p, codes, t + "\t") if codes else ""
        return (
            f"{t}<{p}:Prestatie>\n"
            f"{t}\t<{p}:ProductReferentie>\n{t}\t\t<ijw:ReferentieNummer>{r.ref}</ijw:ReferentieNummer>\n"
            f"{t}\t</{p}:ProductReferentie>\n"
            f"{t}\t<{p}:ToewijzingNummer>{pad.tn}</{p}:ToewijzingNummer>\n"
            f"{t}\t<{p}:ProductCategorie>{pad.cat}</{p}:ProductCategorie>\n"
            f"{t}\t<{p}:ProductCode>{pad.code}</{p}:ProductCode>\n"
            f"{t}\t<{p}:ProductPeriode>\n"
            f"{t}\t\t<ijw:Begindatum>{r.pp_begin.isoformat()}</ijw:Begindatum>\n"
            f"{t}\t\t<ijw:Einddatum>{r.pp_eind.isoformat()}</ijw:Einddatum>\n"
            f"{t}\t</{p}:ProductPeriode>\n"
            f"{t}\t<{p}:GeleverdVolume>{r.volume}</{p}:GeleverdVolume>\n"
            f"{t}\t<{p}:Eenheid>{pad.eenheid}</{p}:Eenheid>\n"
            f"{t}\t<{p}:ProductTarief>{r.tarief}</{p}:ProductTarief>\n"
            + self._bedrag(p, "IngediendBedrag", "Bedrag", r.bedrag, t + "\t")
            + rc
            + f"{t}</{p}:Prestatie>\n"
        )

    def _clienten(self, p: str, regels: list[_Regel], codes: list[str] | None) -> str:
        per_kind: dict[int, list[_Regel]] = {}
        for r in regels:
            per_kind.setdefault(r.pad.kind.idx, []).append(r)
        uit = [f"\t\t<{p}:Clienten>\n"]
        for lijst in per_kind.values():
            uit.append(f"\t\t\t<{p}:Client>\n\t\t\t\t<{p}:Bsn>{lijst[0].pad.kind.bsn}</{p}:Bsn>\n")
            uit.append(f"\t\t\t\t<{p}:Prestaties>\n")
            uit.extend(self._prestatie(p, r, codes, "\t\t\t\t\t") for r in lijst)
            uit.append(f"\t\t\t\t</{p}:Prestaties>\n")
            if codes:
                uit.append(self._retourcodes(p, ["0200"], "\t\t\t\t"))
            uit.append(f"\t\t\t</{p}:Client>\n")
        uit.append(f"\t\t</{p}:Clienten>\n")
        return "".join(uit)

    def _b323(self, m: _Msg) -> str:
        p = "jw323"
        d = m.data
        periode: date = d["periode"]
        totaal = sum(r.bedrag for r in d["regels"])
        return (
            self._open(p, "323") + self._kop(p, "323", m) + f"\t<{p}:Declaratie>\n"
            f"\t\t<{p}:DeclaratieNummer>{d['nummer']}</{p}:DeclaratieNummer>\n"
            f"\t\t<{p}:DeclaratiePeriode>\n"
            f"\t\t\t<ijw:Begindatum>{periode.isoformat()}</ijw:Begindatum>\n"
            f"\t\t\t<ijw:Einddatum>{_month_end(periode).isoformat()}</ijw:Einddatum>\n"
            f"\t\t</{p}:DeclaratiePeriode>\n"
            f"\t\t<{p}:DeclaratieDagtekening>{m.dag.isoformat()}</{p}:DeclaratieDagtekening>\n"
            + self._bedrag(p, "TotaalIngediendBedrag", self.c.totaal_323, totaal, "\t\t")
            + self._clienten(p, d["regels"], None)
            + f"\t</{p}:Declaratie>\n</{p}:Bericht>\n"
        )

    def _b325(self, m: _Msg) -> str:
        p = "jw325"
        d = m.data
        decl: _Msg = d["decl"]
        totaal = sum(r.bedrag for r in decl.data["regels"])
        afgewezen = sum(r.bedrag for r in d["afgewezen"])
        extra = (
            f"\t\t<{p}:DeclaratieIdentificatie>\n"
            f"\t\t\t<ijw:Identificatie>{decl.ident}</ijw:Identificatie>\n"
            f"\t\t\t<ijw:Dagtekening>{decl.dag.isoformat()}</ijw:Dagtekening>\n"
            f"\t\t</{p}:DeclaratieIdentificatie>\n"
            f"\t\t<{p}:XsltVersie>{_XSD_VERSIE}</{p}:XsltVersie>\n"
            f"\t\t<{p}:XsdVersieDeclaratie>\n"
            f"\t\t\t<ijw:BasisschemaXsdVersie>{_XSD_VERSIE}</ijw:BasisschemaXsdVersie>\n"
            f"\t\t\t<ijw:BerichtXsdVersie>{_XSD_VERSIE}</ijw:BerichtXsdVersie>\n"
            f"\t\t</{p}:XsdVersieDeclaratie>\n"
        )
        clienten = self._clienten(p, d["afgewezen"], ["0611"]) if d["afgewezen"] else ""
        return (
            self._open(p, "325") + self._kop(p, "325", m, extra) + f"\t<{p}:DeclaratieAntwoord>\n"
            f"\t\t<{p}:DeclaratieNummer>{decl.data['nummer']}</{p}:DeclaratieNummer>\n"
            + self._bedrag(p, "TotaalIngediendBedrag", self.c.totaal_325_ingediend, totaal, "\t\t")
            + self._bedrag(
                p, "TotaalToegekendBedrag", self.c.totaal_325_toegekend, totaal - afgewezen, "\t\t"
            )
            + clienten
            + f"\t</{p}:DeclaratieAntwoord>\n</{p}:Bericht>\n"
        )

    # -- retours ------------------------------------------------------------------------------

    def _retour_id(self, p: str, r: _Msg) -> str:
        waarden = {"Identificatie": r.ident_retour, "Dagtekening": r.dag.isoformat()}
        uit = []
        groep: str | None = None
        for pad in self.c.retour_id_paden:
            delen = pad.split("/")
            waarde = waarden["Dagtekening" if "Dagtekening" in delen[-1] else "Identificatie"]
            if len(delen) == 1:
                if groep is not None:
                    uit.append(f"\t\t</{p}:{groep}>\n")
                    groep = None
                uit.append(f"\t\t<{p}:{delen[0]}>{waarde}</{p}:{delen[0]}>\n")
            else:
                if groep != delen[0]:
                    if groep is not None:
                        uit.append(f"\t\t</{p}:{groep}>\n")
                    uit.append(f"\t\t<{p}:{delen[0]}>\n")
                    groep = delen[0]
                uit.append(f"\t\t\t<ijw:{delen[1]}>{waarde}</ijw:{delen[1]}>\n")
        if groep is not None:
            uit.append(f"\t\t</{p}:{groep}>\n")
        uit.append(
            f"\t\t<{p}:XsdVersieRetour>\n"
            f"\t\t\t<ijw:BasisschemaXsdVersie>{_XSD_VERSIE}</ijw:BasisschemaXsdVersie>\n"
            f"\t\t\t<ijw:BerichtXsdVersie>{_XSD_VERSIE}</ijw:BerichtXsdVersie>\n"
            f"\t\t</{p}:XsdVersieRetour>\n"
        )
        return "".join(uit)

    def _retour(self, r: _Msg) -> str:
        h = r.heen
        p = f"jw{r.bt}"
        # the header of a retour is copied from the heenbericht (IV028)
        kop_msg = _Msg(r.bt, h.afz, h.ont, h.dag, 0, ident=h.ident, dag_fout=h.dag_fout)
        body = ""
        if r.afgekeurd and h.bt == "301":
            body = self._client301(p, h, True)
        return (
            self._open(p, r.bt)
            + self._kop(p, r.bt, kop_msg, self._retour_id(p, r))
            + body
            + f"</{p}:Bericht>\n"
        )


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def _iter_progress(items: list[_Msg], progress: bool, desc: str) -> Iterator[_Msg]:
    if not progress:
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, desc=desc, unit="bestand")


def _schrijf_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_example_region(
    out_dir: Path,
    *,
    seed: int = 2026,
    n_children: int = 5000,
    start: date = date(2023, 4, 3),
    end: date = date(2026, 3, 31),
    archive: bool = False,
    progress: bool = False,
) -> pd.DataFrame:
    """Write a fictional region's iJw 3.2 message traffic and its ground truth.

    Parameters
    ----------
    out_dir : Path
        Folder to write into (created if needed). Existing files with the same names are
        overwritten; other files are left alone.
    seed : int, default 2026
        Seed of all random draws. The same seed and arguments give byte-identical files.
    n_children : int, default 5000
        Number of children with a first request in the period (about 1.3 pathways each). Valid
        test BSNs run out above about 9,000 children; beyond that BSNs are unique per gemeente only.
    start, end : datetime.date
        First and last day of the data. No message has a Dagtekening outside this period.
    archive : bool, default False
        If True, write the messages as a single reproducible ``berichten.tar.xz`` instead of a
        folder tree.
    progress : bool, default False
        Show a progress bar while writing the files.

    Returns
    -------
    pandas.DataFrame
        The injected defects and behaviours (also written to ``injecties.csv``), with columns
        ``defect, berichttype, aanbieder, gemeente, n``. See :data:`DEFECTEN` for what ``n`` counts.

    Notes
    -----
    Files written in ``out_dir``:

    - ``berichten/<YYYY-MM>/<berichttype>_<Afzender>_<Identificatie>.xml``: one message per file,
      in the folder of the month of its Dagtekening. A retour is named
      ``<retourtype>_<Afzender>_<Identificatie>_retour.xml`` after its heenbericht and sits in the
      month of its own DagtekeningRetour. With ``archive=True`` the same tree is inside
      ``berichten.tar.xz``.
    - ``injecties.csv``, ``waarheid_trajecten.csv``, ``waarheid_records.csv`` (per injected
      record its key, see :data:`RECORD_KEYS`), ``aanbieders.csv``, ``gemeenten.csv``.
    """
    if n_children < 1:
        raise ValueError("n_children must be at least 1")
    if end <= start:
        raise ValueError("end must be after start")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sim = _Simulatie(seed, n_children, start, end)
    sim.run()
    render = _Render(sim.c)
    bestanden = sim.bestanden()
    if archive:
        mtime = datetime(end.year, end.month, end.day, tzinfo=UTC).timestamp()
        with tarfile.open(
            out_dir / "berichten.tar.xz", "w:xz", format=tarfile.USTAR_FORMAT, preset=6
        ) as tar:
            gezien: set[str] = set()
            for m in _iter_progress(bestanden, progress, "berichten.tar.xz"):
                map_pad = m.pad.rsplit("/", 1)[0]
                for d in ("berichten", map_pad):
                    if d not in gezien:
                        gezien.add(d)
                        info = tarfile.TarInfo(d)
                        info.type = tarfile.DIRTYPE
                        info.mode = 0o755
                        info.mtime = mtime
                        tar.addfile(info)
                data = render(m)
                info = tarfile.TarInfo(m.pad)
                info.size = len(data)
                info.mode = 0o644
                info.mtime = mtime
                tar.addfile(info, _BytesReader(data))
    else:
        gemaakt: set[Path] = set()
        for m in _iter_progress(bestanden, progress, "berichten"):
            path = out_dir / m.pad
            if path.parent not in gemaakt:
                path.parent.mkdir(parents=True, exist_ok=True)
                gemaakt.add(path.parent)
            path.write_bytes(render(m))
    injecties = sim.injecties_frame()
    _schrijf_csv(injecties, out_dir / "injecties.csv")
    _schrijf_csv(sim.waarheid(), out_dir / "waarheid_trajecten.csv")
    _schrijf_csv(sim.records_frame(), out_dir / "waarheid_records.csv")
    _schrijf_csv(
        pd.DataFrame(
            [
                {"aanbieder": a.agb, "naam": a.naam, "profiel": a.profiel}
                for a in sim.aanbieders.values()
            ]
        ),
        out_dir / "aanbieders.csv",
    )
    _schrijf_csv(
        pd.DataFrame([{"gemeente": g, "naam": n} for g, n, _ in _GEMEENTEN]),
        out_dir / "gemeenten.csv",
    )
    return injecties


class _BytesReader:
    """Minimal file object for tarfile.addfile (avoids a BytesIO copy per file)."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._pos = 0

    def read(self, n: int = -1) -> bytes:
        if n < 0:
            n = len(self._data) - self._pos
        chunk = self._data[self._pos : self._pos + n]
        self._pos += len(chunk)
        return bytes(chunk)
