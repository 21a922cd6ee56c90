"""What the generator reads from the message contract (``kit/berichten.yaml``).

Where the contract and the published iJw examples may disagree (the retour header
``IdentificatieRetour`` and the child of ``TotaalIngediendBedrag``), the generator follows the
contract, so that it always writes what the reader reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kit.config import package_yaml


@dataclass(frozen=True)
class Contract:
    """The parts of ``kit/berichten.yaml`` the generator needs.

    Attributes
    ----------
    codes : dict[str, str]
        BerichtCode per berichttype.
    retour_of : dict[str, str]
        Retour berichttype per heenbericht berichttype.
    retour_id_paths : tuple[str, str]
        Element paths of IdentificatieRetour and DagtekeningRetour in a retour header.
    total_323, total_325_submitted, total_325_granted : str
        Child element of TotaalIngediendBedrag (323, 325) and TotaalToegekendBedrag (325).
    """

    codes: dict[str, str]
    retour_of: dict[str, str]
    retour_id_paths: tuple[str, str]
    total_323: str
    total_325_submitted: str
    total_325_granted: str


@lru_cache(maxsize=1)
def contract() -> Contract:
    """The generator's view of ``kit/berichten.yaml`` (read once)."""
    spec = package_yaml("berichten.yaml")
    berichten = spec["berichten"]
    codes = {bt: str(v["code"]) for bt, v in berichten.items()}
    retour_of = {bt: str(v["retour"]) for bt, v in berichten.items() if "retour" in v}
    header = spec["kop"]
    tables = spec["tabellen"]

    def child(path: str) -> str:
        return path.split("/")[-1]

    return Contract(
        codes=codes,
        retour_of=retour_of,
        retour_id_paths=(header["IdentificatieRetour"]["pad"], header["DagtekeningRetour"]["pad"]),
        total_323=child(tables["declaraties"]["velden"]["TotaalIngediendBedrag"]["pad"]),
        total_325_submitted=child(
            tables["declaratie_antwoorden"]["velden"]["TotaalIngediendBedrag"]["pad"]
        ),
        total_325_granted=child(
            tables["declaratie_antwoorden"]["velden"]["TotaalToegekendBedrag"]["pad"]
        ),
    )
