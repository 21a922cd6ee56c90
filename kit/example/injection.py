"""Defect injection: which pathways get which defect, and the defects added to finished messages.

:func:`choose_defects` runs on the true timelines, before any message exists, and only sets flags
(and, for ``verhuizing``, splits the pathway). :func:`declare_early` and
:func:`future_dates_and_bom` change finished messages; they draw from their own random stream, so
that adding them left the other draws as they were. What finally ends up in the data is counted
by :mod:`kit.example.truth`, not here.
"""

from __future__ import annotations

import calendar
import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from kit.example.dates import (
    DAY,
    add_months,
    add_weekdays,
    month_end,
    month_from_index,
    month_index,
)
from kit.example.model import Child, DeclLine, Message, Pathway
from kit.example.region import NORMAL_PROFILES

if TYPE_CHECKING:
    from kit.example.simulation import Simulation


def _choose(sim: Simulation, defect: str, candidates: list[Pathway]) -> list[Pathway]:
    k = sim.quota(defect, len(candidates))
    chosen = sim.rr.sample(candidates, k) if k else []
    for p in chosen:
        p.flags.append(defect)
    return chosen


def choose_defects(sim: Simulation) -> None:
    """Flag the pathways (and children) that get a defect; carry out the moves (verhuizing)."""
    end = sim.end
    visible: dict[int, Child] = {}
    for p in sim.pathways:
        if p.decided is not None and p.decided <= end - timedelta(days=30):
            visible.setdefault(p.child.idx, p.child)
    children = list(visible.values())
    for child in sim.rr.sample(children, sim.quota("bsn_elfproef", len(children))):
        child.bsn_invalid = True
    normal = [
        p
        for p in sim.pathways
        if p.start is not None and sim.profile(p) in NORMAL_PROFILES and p.route != "gi"
    ]
    _choose(sim, "missing_305", [p for p in normal if p.start <= end - timedelta(days=45)])
    _choose(
        sim,
        "late_305",
        [
            p
            for p in normal
            if "missing_305" not in p.flags
            and p.start <= end - timedelta(days=60)
            and (p.end - p.start).days >= 60
        ],
    )
    _choose(
        sim,
        "correctie_305",
        [
            p
            for p in normal
            if not p.flags and p.start <= end - timedelta(days=30) and p.route != "crisis"
        ],
    )
    _choose(
        sim,
        "tijdelijke_stop",
        [
            p
            for p in normal
            if not p.flags
            and p.start <= end - timedelta(days=120)
            and (p.end - p.start).days >= 150
        ],
    )
    last_pathway: dict[int, Pathway] = {}
    for p in sim.pathways:
        last_pathway[p.child.idx] = p
    moves = _choose(
        sim,
        "verhuizing",
        [
            p
            for p in normal
            if not p.flags
            and last_pathway[p.child.idx] is p
            and p.start <= end - timedelta(days=150)
            and (p.end - p.start).days >= 120
            and len(sim.aanbieders[p.agb].gemeenten) >= 2
        ],
    )
    for p in moves:
        _move(sim, p)
    _choose(
        sim,
        "missing_307",
        [
            p
            for p in sim.pathways
            if p.start is not None
            and p.route != "gi"
            and "missing_305" not in p.flags
            and "tijdelijke_stop" not in p.flags
            and p.end <= end - timedelta(days=20)
        ],
    )
    _choose(
        sim,
        "late_307",
        [
            p
            for p in sim.pathways
            if p.start is not None
            and "missing_305" not in p.flags
            and "missing_307" not in p.flags
            and p.end <= end - timedelta(days=60)
        ],
    )
    groups: dict[tuple[int, str, str], int] = {}
    for p in sim.pathways:
        if p.decided is not None:
            key = (p.child.idx, p.gem, p.agb)
            groups[key] = groups.get(key, 0) + 1
    _choose(
        sim,
        "afgekeurd_301",
        [
            p
            for p in sim.pathways
            if p.decided is not None
            and p.decided <= end - timedelta(days=30)
            and groups[(p.child.idx, p.gem, p.agb)] == 1
            and p.route != "verhuizing"
        ],
    )
    _choose(
        sim,
        "versie_volgorde",
        [
            p
            for p in sim.pathways
            if p.decided is not None
            and p.route in ("vot", "gemeente")
            and "afgekeurd_301" not in p.flags
            and p.withdrawn is None
            and p.decided <= end - timedelta(days=60)
            and 3 <= p.decided.day <= 22
        ],
    )


def _move(sim: Simulation, p: Pathway) -> None:
    """The child moves during care: ends here (07) and continues in another gemeente."""
    rr = sim.rr
    a = sim.aanbieders[p.agb]
    duration = (p.end - p.start).days
    move = p.start + timedelta(days=rr.randint(30, max(31, duration - 30)))
    move = min(move, sim.end - timedelta(days=60))
    others = [g for g in a.gemeenten if g != p.gem]
    new_gem = rr.choice(others)
    old_end = p.end
    p.move = move
    p.end = move - DAY
    child = p.child
    child.gem = new_gem
    sim.address(child, new_gem)
    q = Pathway(
        idx=len(sim.pathways),
        child=child,
        gem=new_gem,
        agb=p.agb,
        cat=p.cat,
        code=p.code,
        volume=p.volume,
        unit=p.unit,
        freq=p.freq,
        route="verhuizing",
        registration=move,
    )
    q.decided = add_weekdays(move + timedelta(days=rr.randint(5, 25)), 0)
    q.day301 = add_weekdays(q.decided, rr.randint(0, 2))
    q.valid_from = move
    q.valid_to = add_months(move, 12) - DAY
    q.ready = q.start = move
    q.end = old_end
    sim.pathways.append(q)


def declare_early(sim: Simulation, rr: random.Random) -> None:
    """Declare one month before the month of the reported start, inside the toewijzing."""
    first: dict[int, tuple[DeclLine, Message]] = {}
    per_month: dict[tuple[str, str, int], Message] = {}  # the regular 323 of each month
    for m in sim.messages:
        if m.bt == "323":
            per_month.setdefault((m.sender, m.receiver, month_index(m.data["period"])), m)
            for r in m.data["lines"]:
                known = first.get(r.pathway.idx)
                if known is None or r.period_start < known[0].period_start:
                    first[r.pathway.idx] = (r, m)
    candidates = []
    for p in sim.pathways:
        found = first.get(p.idx)
        if (
            found is None
            or p.start is None
            or sim.profile(p) not in NORMAL_PROFILES
            or p.route == "gi"
            or p.freq == "6"
            or p.flags
            or month_index(p.valid_from) >= month_index(p.start)
            or month_index(found[0].period_start) != month_index(p.start)
            or [s.begin for s in p.starts] != [p.start]
            or (p.agb, p.gem, month_index(p.start) - 1) not in per_month
        ):
            continue
        candidates.append(p)
    for p in rr.sample(candidates, sim.quota("vroeg_gedeclareerd", len(candidates))):
        # declared in time with the aanbieder's 323 for the month before the start month
        r = first[p.idx][0]
        m = per_month[(p.agb, p.gem, month_index(p.start) - 1)]
        m0 = month_from_index(month_index(p.start) - 1)
        begin, period_end = max(m0, p.valid_from), month_end(m0)
        ref = f"{p.gem}{p.tn}{m0:%y%m}"
        m.data["lines"].append(DeclLine(p, begin, period_end, r.volume, r.tariff, ref, r.earliest))
        m.data["lines"].sort(key=lambda x: (x.pathway.child.idx, x.pathway.tn, x.period_start))
        p.flags.append("vroeg_gedeclareerd")


def future_dates_and_bom(sim: Simulation, rr: random.Random) -> None:
    """Dagtekeningen typed ten years ahead, and BOM twins of existing files."""
    start_stop = [m for m in sim.messages if m.bt in ("305", "307")]
    for m in rr.sample(start_stop, sim.quota("dagtekening_toekomst", len(start_stop))):
        day = min(m.day.day, calendar.monthrange(m.day.year + 10, m.day.month)[1])
        m.wrong_day = date(m.day.year + 10, m.day.month, day)
        sim.count("dagtekening_toekomst", m.bt, *m.parties(), key=m.ident)
    plain = [m for m in sim.messages if m.wrong_day is None]
    for m in rr.sample(plain, sim.quota("bom_tweeling", len(plain))):
        d = sim.new_message(m.bt, m.sender, m.receiver, m.day, copy_of=m, bom=True)
        d.name = m.name[:-4] + "_bom.xml"
        sim.copies.append(d)
        sim.count("bom_tweeling", m.bt, *m.parties(), key=d.name)
