"""Simulation objects: aanbieders, children, pathways and the messages they lead to.

Dates are true dates of the simulated world. ``day`` is always the Dagtekening of the message
the object is sent in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date


class Deck:
    """Stratified random draws: every block of draws holds each outcome exactly its weight times."""

    def __init__(self, rr: random.Random, weights: dict[str, int]) -> None:
        self._rr = rr
        self._cards = [k for k, w in weights.items() for _ in range(w)]
        self._pile: list[str] = []

    def draw(self) -> str:
        """The next outcome; a new shuffled block when the current one is used up."""
        if not self._pile:
            self._pile = self._cards[:]
            self._rr.shuffle(self._pile)
        return self._pile.pop()


@dataclass(slots=True, eq=False)
class Aanbieder:
    """One fictional aanbieder and its behaviour."""

    agb: str
    name: str
    profile: str
    median_wait: dict[str, int]  # categorie -> median wait in days
    weight: int
    gemeenten: list[str] = field(default_factory=list)
    decl_lag: int = 5  # working days after the month's end its 323 is usually sent
    ref_counter: int = 0

    def new_ref(self, prefix: str) -> str:
        """A new ReferentieAanbieder: unique per aanbieder only (TR347), as in practice."""
        self.ref_counter += 1
        return f"{prefix}{self.ref_counter:07d}"


@dataclass(slots=True, eq=False)
class Child:
    """One jeugdige; ``addresses`` per gemeente code: (street, house number, postcode)."""

    idx: int
    gem: str
    birth_date: date
    sex: str
    first_name: str
    surname_prefix: str
    surname: str
    addresses: dict[str, tuple[str, str, str]]
    bsn_invalid: bool = False  # gets a test-range BSN that fails the 11-proef
    aged_out: bool = False  # 18 or older at the first request (verlengde jeugdhulp)
    bsn: str = ""


@dataclass(slots=True, eq=False)
class Request:
    """One AangevraagdProduct in a 315."""

    gem: str
    day: date
    ref: str
    valid_from: date
    valid_to: date
    verwijzer: str  # Verwijzer/Type
    internal_wait: int = 0


@dataclass(slots=True, eq=False)
class Answer:
    """One 319."""

    gem: str
    day: date
    ref: str
    answer: str  # VerzoekAntwoord
    reason: str = ""  # RedenAfwijzingVerzoek
    wpb_gem: str = ""  # the gemeente named under Woonplaatsbeginsel


@dataclass(slots=True, eq=False)
class ChangeRequest:
    """One 317 (verzoek om wijziging: verlenging)."""

    day: date
    ref: str
    new_end: date
    unchanged: list[Pathway] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Version:
    """One version of a toewijzing (ToegewezenProduct in a 301)."""

    decided: date  # Toewijzingsdatum
    time: str  # Toewijzingstijd
    day: date
    valid_from: date
    valid_to: date
    reason: str = ""  # RedenWijziging
    ref: str = ""
    rejected: bool = False  # rejected in the 302 and resent


@dataclass(slots=True, eq=False)
class Start:
    """One StartProduct in a 305."""

    day: date
    begin: date
    status: str
    tag: str = ""
    true_end: date | None = None  # true end of the care segment this start opens


@dataclass(slots=True, eq=False)
class Stop:
    """One StopProduct in a 307."""

    day: date
    begin: date
    end: date
    reason: str  # RedenBeeindiging
    status: str = "1"
    after_temporary: bool = False  # the definitive stop after a reason-20 stop


@dataclass(slots=True, eq=False)
class DeclLine:
    """One Prestatie in a 323."""

    pathway: Pathway
    period_start: date
    period_end: date
    volume: int
    tariff: int
    ref: str
    earliest: date  # first day it can be declared
    rejected: bool = False

    @property
    def amount(self) -> int:
        """IngediendBedrag in eurocent."""
        return self.volume * self.tariff


@dataclass(slots=True, eq=False)
class Pathway:
    """One pathway: a request for one product at one aanbieder, and what followed.

    ``registration``, ``start``, ``end`` and ``drop`` are the true timeline; ``decided`` ..
    ``valid_to`` the toewijzing as first decided; ``care`` the true care segments.
    """

    idx: int
    child: Child
    gem: str
    agb: str
    cat: str
    code: str
    volume: int
    unit: str  # Eenheid
    freq: str  # Frequentie
    route: str
    registration: date  # aanmelding
    flags: list[str] = field(default_factory=list)
    request: Request | None = None
    wpb_request: Request | None = None  # the first request, sent to the wrong gemeente
    answers: list[Answer] = field(default_factory=list)
    change_requests: list[ChangeRequest] = field(default_factory=list)
    decided: date | None = None
    day301: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    ready: date | None = None
    start: date | None = None
    end: date | None = None
    drop: date | None = None
    withdrawn: date | None = None
    pause: tuple[date, date | None] | None = None
    move: date | None = None
    dropout: str = ""
    versions: list[Version] = field(default_factory=list)
    starts: list[Start] = field(default_factory=list)
    stops: list[Stop] = field(default_factory=list)
    care: list[tuple[date, date]] = field(default_factory=list)
    tn: str = ""  # ToewijzingNummer


@dataclass(slots=True, eq=False)
class Message:
    """One message file: a heenbericht, a retour (``original`` set) or a copy (``copy_of`` set)."""

    bt: str
    sender: str
    receiver: str
    day: date
    seq: int
    child: Child | None = None
    items: list = field(default_factory=list)
    data: dict | None = None
    original: Message | None = None  # the heenbericht of a retour
    rejected: bool = False
    ident: str = ""
    retour_ident: str = ""
    copy_of: Message | None = None
    name: str = ""
    bom: bool = False  # written with a UTF-8 byte order mark (a BOM twin)
    wrong_day: date | None = None  # the Dagtekening as (wrongly) written, when it differs

    @property
    def path(self) -> str:
        """Path of the file: ``berichten/<YYYY-MM>/<name>``."""
        return f"berichten/{self.day:%Y-%m}/{self.name}"

    def parties(self) -> tuple[str, str]:
        """(aanbieder, gemeente) of the message."""
        return (
            (self.receiver, self.sender) if len(self.sender) == 4 else (self.sender, self.receiver)
        )
