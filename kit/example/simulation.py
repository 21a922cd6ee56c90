"""The simulation: its state, the helpers all phases share, and the order of the phases.

One :class:`Simulation` holds everything drawn so far. The phases live in their own modules and
run in a fixed order (:meth:`Simulation.run`); all draws come from one seeded random stream, so
the order of the phases and of the draws inside them is part of the output.

1. :mod:`.pathways`: children, their requests and the true timeline of each pathway.
2. :mod:`.injection`: which pathways get which defect.
3. :mod:`.events`: 301 versions, 305/307 and 317/319 per pathway; ToewijzingNummers; messages.
4. :mod:`.declarations`: monthly 323/325.
5. :mod:`.injection` (own random stream): defects added after the messages exist.
6. :mod:`.finalise`: BSNs, identifications, file names, retours, duplicate files.
7. :mod:`.truth`: what ended up in the data, counted per defect.
"""

from __future__ import annotations

import itertools
import random
from datetime import date

from kit.example import declarations, events, finalise, injection, pathways, truth
from kit.example.contract import contract
from kit.example.model import Aanbieder, Child, Deck, Message, Pathway
from kit.example.region import QUOTA, STREETS


class Simulation:
    """State of one run of the example generator.

    Parameters
    ----------
    seed : int
        Seed of the random stream.
    n_children : int
        Number of children with a first request in the period.
    start, end : datetime.date
        First and last day of the data.
    """

    def __init__(self, seed: int, n_children: int, start: date, end: date) -> None:
        self.seed = seed
        self.rr = random.Random(seed)
        self.n = n_children
        self.start = start
        self.end = end
        self.contract = contract()
        self._seq = itertools.count()
        self.pathways: list[Pathway] = []
        self.children: list[Child] = []
        self.messages: list[Message] = []
        self.retours: list[Message] = []
        self.copies: list[Message] = []
        # (defect, berichttype, aanbieder, gemeente) -> number of records
        self.injections: dict[tuple[str, str, str, str], int] = {}
        # per-record truth: (defect, berichttype, aanbieder, gemeente, sleutel)
        self.records: set[tuple[str, str, str, str, str]] = set()
        self.decks = {
            "route": Deck(self.rr, {"vot": 55, "gemeente": 45}),
            "answer": Deck(self.rr, {"direct": 85, "investigate": 9, "reject": 4, "wpb": 2}),
            "investigation": Deck(self.rr, {"toewijzing": 5, "reject": 1}),
            "reject_reason": Deck(self.rr, {"3": 2, "4": 3, "6": 2, "7": 3}),
            "change_request": Deck(self.rr, {"ok": 9, "reject": 1}),
            "extension": Deck(self.rr, {"317": 1, "gemeente": 1}),
            "end_reason": Deck(
                self.rr, {"31": 60, "32": 10, "33": 5, "34": 12, "38": 5, "39": 4, "36": 4}
            ),
            "withdraw": Deck(self.rr, {"yes": 11, "no": 9}),
            "shorten": Deck(self.rr, {"yes": 2, "no": 3}),
            "verwijzer": Deck(self.rr, {"02": 45, "03": 15, "05": 10, "06": 10, "01": 15, "04": 5}),
        }
        self.aanbieders: dict[str, Aanbieder] = pathways.build_aanbieders(self.rr)

    # -- helpers shared by the phases ---------------------------------------------------------

    def quota(self, defect: str, n_eligible: int) -> int:
        """How many of ``n_eligible`` records get ``defect`` (rate and minimum from the region)."""
        rate, minimum = QUOTA[defect]
        return min(n_eligible, max(minimum, int(round(rate * n_eligible))))

    def profile(self, p: Pathway) -> str:
        """Behaviour profile of the pathway's aanbieder."""
        return self.aanbieders[p.agb].profile

    def address(self, child: Child, gem: str) -> tuple[str, str, str]:
        """The child's address in ``gem``, drawn the first time it is needed."""
        if gem not in child.addresses:
            rr = self.rr
            gi = int(gem[-1])
            letters = "".join(rr.choice("ABCDEFGHJKLMNPRSTVWXZ") for _ in range(2))
            child.addresses[gem] = (
                rr.choice(STREETS),
                str(rr.randint(1, 180)),
                f"99{gi}{rr.randint(0, 9)}{letters}",
            )
        return child.addresses[gem]

    def message(self, bt: str, sender: str, receiver: str, day: date, **kw: object) -> Message:
        """A new heenbericht, added to :attr:`messages`."""
        m = self.new_message(bt, sender, receiver, day, **kw)
        self.messages.append(m)
        return m

    def new_message(
        self, bt: str, sender: str, receiver: str, day: date, **kw: object
    ) -> Message:
        """A new message with the next sequence number, not added anywhere."""
        return Message(bt, sender, receiver, day, next(self._seq), **kw)

    def count(
        self, defect: str, bt: str, agb: str, gem: str, n: int = 1, key: str | None = None
    ) -> None:
        """Count ``n`` records with ``defect``; with ``key``, also record which one."""
        k = (defect, bt, agb, gem)
        self.injections[k] = self.injections.get(k, 0) + n
        if key is not None:
            self.records.add((defect, bt, agb, gem, key))

    # -- run ----------------------------------------------------------------------------------

    def run(self) -> None:
        """Run all phases in order."""
        pathways.make_pathways(self)
        injection.choose_defects(self)
        for p in self.pathways:
            events.add_events(self, p)
        events.number_toewijzingen(self)
        events.make_messages(self)
        declarations.make_declarations(self)
        extra = random.Random(
            self.seed * 7919 + 1
        )  # new defects: the other draws stay as they were
        injection.declare_early(self, extra)
        finalise.assign_bsns(self)
        finalise.finalise_messages(self)
        injection.future_dates_and_bom(self, extra)
        truth.count_truth(self)

    def files(self) -> list[Message]:
        """Every file to write (messages, retours, copies), sorted by path."""
        everything = self.messages + self.retours + self.copies
        return sorted(everything, key=lambda m: m.path)
