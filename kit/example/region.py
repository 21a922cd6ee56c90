"""The fictional region: gemeenten, aanbieders, demand, products, durations and defect rates.

Everything here is invented. Codes: gemeenten 9901-9908, aanbieders AGB 98000001-98000025 (in the
order of :data:`AANBIEDERS`), BSNs from the official test range.
"""

from __future__ import annotations

GEMEENTEN: list[tuple[str, str, int]] = [
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
AANBIEDERS: list[tuple[str, str, dict[str, int], int]] = [
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
CATEGORIE_WEIGHTS: dict[str, int] = {
    "45": 62,
    "54": 15,
    "41": 4,
    "43": 4,
    "46": 5,
    "47": 2,
    "48": 6,
}

# product codes per categorie with weight; X-ray only delivers dyslexiezorg (45D01)
PRODUCTS: dict[str, list[tuple[str, int]]] = {
    "45": [("45A48", 55), ("45A49", 25), ("45A51", 20)],
    "54": [("54A01", 60), ("54A02", 40)],
    "41": [("41A01", 1)],
    "43": [("43A01", 1)],
    "46": [("46A01", 1)],
    "47": [("47A01", 1)],
    "48": [("48A01", 80), ("48A02", 20)],
}

# product code -> (volume range, eenheid, frequentie, tarief 2023 in eurocent)
PRODUCT_TERMS: dict[str, tuple[tuple[int, int], str, str, int]] = {
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
DURATIONS: dict[str, tuple[int, float, int, int]] = {
    "45": (170, 0.6, 30, 900),
    "54": (140, 0.55, 30, 700),
    "41": (200, 0.5, 60, 700),
    "43": (260, 0.6, 30, 1000),
    "47": (300, 0.4, 90, 800),
    "48": (330, 0.5, 90, 1000),
}

SURNAMES: list[tuple[str, str]] = [
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
FIRST_NAMES_M: list[str] = [
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
FIRST_NAMES_F: list[str] = [
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
STREETS: list[str] = [
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
VERWIJZER_NAMES: dict[str, list[str]] = {
    "02": ["Huisartsenpraktijk De Fictieve Linde", "Huisartsen Voorbeeldplein"],
    "03": ["JGZ Regio Voorbeeld"],
    "05": ["Kinderarts Voorbeeldziekenhuis"],
    "04": ["GI Voorbeeldregio"],
    "08": ["Rechtbank Voorbeeld"],
}
GEMEENTE_NAMES: dict[str, str] = {code: name for code, name, _ in GEMEENTEN}

# the official test range of BSNs
TEST_BSN_MIN = 999900006
TEST_BSN_MAX = 999999990
# relative weight of each age 0..17 of a child at its first request
AGE_WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 11, 12, 12, 12, 11, 9, 6]

# default rates (share of the eligible records) and the minimum number injected when eligible
QUOTA: dict[str, tuple[float, int]] = {
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

# aanbieder profiles whose 305/307 follow the real care (not auto_305, not gi)
NORMAL_PROFILES = ("normaal", "traag", "late_vot")
