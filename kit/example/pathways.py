"""Children and pathways: who asks for which care where, and the true timeline of each pathway.

A pathway starts with an aanmelding and goes one of four routes: ``vot`` (the aanbieder sends a
315, the gemeente answers with a 319 and a 301), ``gemeente`` (the gemeente decides and sends a
301 without a 315), ``gi`` (jeugdbescherming/-reclassering, categorie 47/48, retroactive) or
``crisis`` (categorie 46). Some children come back for a follow-up pathway.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from kit.example.dates import DAY, add_months, add_weekdays, age_on
from kit.example.model import Aanbieder, Answer, Child, Pathway, Request
from kit.example.region import (
    AANBIEDERS,
    AGE_WEIGHTS,
    CATEGORIE_WEIGHTS,
    DURATIONS,
    FIRST_NAMES_F,
    FIRST_NAMES_M,
    GEMEENTEN,
    PRODUCT_TERMS,
    PRODUCTS,
    SURNAMES,
)

if TYPE_CHECKING:
    from kit.example.simulation import Simulation


def build_aanbieders(rr: random.Random) -> dict[str, Aanbieder]:
    """The aanbieders of the region, each with the gemeenten it works for (AGB -> aanbieder).

    Every categorie is offered in every gemeente: where nobody offers it, the largest aanbieder
    of that categorie also works there.
    """
    codes = [g[0] for g in GEMEENTEN]
    aanbieders: dict[str, Aanbieder] = {}
    for i, (name, profile, median_wait, weight) in enumerate(AANBIEDERS, start=1):
        a = Aanbieder(f"980000{i:02d}", name, profile, dict(median_wait), weight)
        if weight >= 5 or profile == "gi" or "46" in median_wait:
            a.gemeenten = codes[:]
        else:
            a.gemeenten = sorted(rr.sample(codes, rr.randint(3, 6)))
        a.decl_lag = rr.randint(2, 9)
        aanbieders[a.agb] = a
    for cat in CATEGORIE_WEIGHTS:
        for g in codes:
            if not any(cat in a.median_wait and g in a.gemeenten for a in aanbieders.values()):
                best = max(
                    (a for a in aanbieders.values() if cat in a.median_wait),
                    key=lambda a: (a.weight, a.agb),
                )
                best.gemeenten = sorted([*best.gemeenten, g])
    return aanbieders


def _choose_aanbieder(sim: Simulation, gem: str, cat: str) -> Aanbieder:
    candidates = [a for a in sim.aanbieders.values() if cat in a.median_wait and gem in a.gemeenten]
    return sim.rr.choices(candidates, weights=[a.weight for a in candidates])[0]


def _pressure(sim: Simulation, d: date) -> float:
    """Pressure on capacity: 1 for two years, rising to 2.3 in the last year; summer dip."""
    year_before_end = sim.end - timedelta(days=365)
    f = 1.0
    if d > year_before_end:
        f += 1.3 * min(1.0, (d - year_before_end).days / 365)
    if d.month in (7, 8):
        f *= 1.25
    return f


def _wait(sim: Simulation, a: Aanbieder, cat: str, d: date) -> int:
    med = a.median_wait[cat] * _pressure(sim, d)
    if med <= 0:
        return 0
    return max(0, int(round(med * math.exp(0.75 * sim.rr.gauss(0.0, 1.0)))))


def _duration(sim: Simulation, cat: str) -> int:
    if cat == "46":
        return sim.rr.randint(3, 27)
    med, sigma, lo, hi = DURATIONS[cat]
    return int(min(hi, max(lo, round(med * math.exp(sigma * sim.rr.gauss(0.0, 1.0))))))


def _make_children(sim: Simulation) -> list[date]:
    """Draw the children (added to ``sim.children``); returns the date of each first aanmelding."""
    rr = sim.rr
    days: list[date] = []
    weights: list[float] = []
    d = sim.start
    year_before_end = sim.end - timedelta(days=365)
    while d <= sim.end:
        w = 1.0
        if d > year_before_end:
            w += 0.35 * min(1.0, (d - year_before_end).days / 365)
        if d.weekday() >= 5:
            w *= 0.15
        if d.month in (7, 8):
            w *= 0.8
        if d.month == 12 and d.day >= 22:
            w *= 0.5
        days.append(d)
        weights.append(w)
        d += DAY
    registrations = sorted(rr.choices(days, weights=weights, k=sim.n))
    gem_codes = [g[0] for g in GEMEENTEN]
    gem_weights = [g[2] for g in GEMEENTEN]
    cutoff = sim.end - timedelta(days=90)
    early = [i for i, a in enumerate(registrations) if a <= cutoff]
    aged_out = set(rr.sample(early, sim.quota("verjaard_18", sim.n)))
    for i, a in enumerate(registrations):
        gem = rr.choices(gem_codes, weights=gem_weights)[0]
        if i in aged_out:
            age_days = int(365.25 * 18) + rr.randint(1, 540)
        else:
            years = rr.choices(range(18), weights=AGE_WEIGHTS)[0]
            age_days = int(365.25 * years) + rr.randint(0, 364)
        sex = rr.choices(["1", "2", "0"], weights=[52, 47.5, 0.5])[0]
        first_name = rr.choice(FIRST_NAMES_F if sex == "2" else FIRST_NAMES_M)
        prefix, surname = rr.choice(SURNAMES)
        child = Child(
            idx=i,
            gem=gem,
            birth_date=a - timedelta(days=age_days),
            sex=sex,
            first_name=first_name,
            surname_prefix=prefix,
            surname=surname,
            addresses={},
            aged_out=i in aged_out,
        )
        sim.address(child, gem)
        sim.children.append(child)
    return registrations


def _new_pathway(
    sim: Simulation, child: Child, registration: date, cat: str | None = None
) -> Pathway:
    rr = sim.rr
    age = age_on(child.birth_date, registration)
    if cat is None:
        cats = list(CATEGORIE_WEIGHTS)
        w = [CATEGORIE_WEIGHTS[c] for c in cats]
        if age >= 17:
            w = [0 if c in ("47", "48", "46") else x for c, x in zip(cats, w, strict=True)]
        cat = rr.choices(cats, weights=w)[0]
    a = _choose_aanbieder(sim, child.gem, cat)
    if a.name.startswith("X-ray"):
        code = "45D01"
    else:
        products = PRODUCTS[cat]
        code = rr.choices([p[0] for p in products], weights=[p[1] for p in products])[0]
    (lo, hi), unit, freq, _ = PRODUCT_TERMS[code]
    if cat in ("47", "48"):
        route = "gi"
    elif cat == "46":
        route = "crisis"
    elif a.profile == "late_vot":
        route = "vot"
    elif child.aged_out and not _has_pathway(sim, child):
        route = "gemeente"  # verlengde jeugdhulp, granted by the gemeente
    else:
        route = sim.decks["route"].draw()
    p = Pathway(
        idx=len(sim.pathways),
        child=child,
        gem=child.gem,
        agb=a.agb,
        cat=cat,
        code=code,
        volume=rr.randint(lo, hi),
        unit=unit,
        freq=freq,
        route=route,
        registration=registration,
    )
    sim.pathways.append(p)
    return p


def _has_pathway(sim: Simulation, child: Child) -> bool:
    return bool(sim.pathways) and sim.pathways[-1].child is child


def _verwijzer(sim: Simulation, p: Pathway) -> str:
    if p.route == "gi":
        return "08"
    return sim.decks["verwijzer"].draw()


def _draw_timeline(sim: Simulation, p: Pathway) -> None:
    """Draw the true timeline of one pathway and the dates of its requests and decisions."""
    rr = sim.rr
    a = sim.aanbieders[p.agb]
    reg = p.registration
    send = add_weekdays
    if p.route in ("gi", "crisis"):
        if p.route == "gi":
            day315 = send(reg, rr.randint(3, 15))
            valid_to = add_months(reg, 12) - DAY
        else:
            day315 = send(reg, rr.randint(1, 4))
            valid_to = reg + timedelta(days=27)
        p.request = Request(p.gem, day315, a.new_ref("V"), reg, valid_to, _verwijzer(sim, p))
        p.decided = send(day315, rr.randint(1, 4))
        p.day301 = send(p.decided, rr.randint(0, 1))
        p.valid_from, p.valid_to = reg, valid_to
        p.ready = p.start = reg
        p.end = reg + timedelta(days=_duration(sim, p.cat) - 1)
        return
    if p.route == "vot":
        intake = reg + timedelta(days=rr.randint(4, 21))
        internal = 0
        if a.profile == "late_vot":
            internal = _wait(sim, a, p.cat, intake)
            if internal > 14 and rr.random() < 1 - math.exp(-internal / 450):
                # dropped out on the internal waiting list: invisible in iJw
                p.drop = intake + timedelta(days=int(internal * rr.uniform(0.3, 0.9)))
                p.dropout = "afgehaakt"
                return
        day315 = send(intake + timedelta(days=internal), rr.randint(0, 3))
        valid_from = day315 if rr.random() < 0.7 else day315 + timedelta(days=rr.randint(1, 14))
        outcome = sim.decks["answer"].draw()
        if age_on(p.child.birth_date, day315) >= 18 and rr.random() < 0.5:
            outcome = "age"
        if outcome == "wpb":
            # sent to the wrong gemeente first: rejected on woonplaatsbeginsel (reden 8)
            others = [g[0] for g in GEMEENTEN if g[0] != p.gem]
            wrong = rr.choice(others)
            ref = a.new_ref("V")
            p.wpb_request = Request(
                wrong,
                day315,
                ref,
                valid_from,
                add_months(valid_from, 12) - DAY,
                _verwijzer(sim, p),
                internal,
            )
            d319 = send(day315, rr.randint(3, 9))
            p.answers.append(Answer(wrong, d319, ref, "1", "8", p.gem))
            day315 = send(d319, rr.randint(1, 4))
            internal = 0
            outcome = "direct"
        p.request = Request(
            p.gem,
            day315,
            a.new_ref("V"),
            valid_from,
            add_months(valid_from, 12) - DAY,
            _verwijzer(sim, p),
            internal,
        )
        ref = p.request.ref
        if outcome in ("reject", "age"):
            reason = "9" if outcome == "age" else sim.decks["reject_reason"].draw()
            p.answers.append(Answer(p.gem, send(day315, rr.randint(1, 5)), ref, "1", reason))
            p.dropout = "afgewezen"
            return
        if outcome == "investigate":
            d2 = send(day315, rr.randint(1, 5))
            p.answers.append(Answer(p.gem, d2, ref, "2"))
            final = send(day315 + timedelta(days=rr.randint(12, 50)), 0)
            if sim.decks["investigation"].draw() == "reject":
                p.answers.append(Answer(p.gem, final, ref, "1", sim.decks["reject_reason"].draw()))
                p.dropout = "afgewezen"
                return
            p.decided = final
        else:
            p.decided = send(day315, rr.randint(1, 5))
        p.valid_from = valid_from
    else:
        assessment = int(rr.randint(10, 40) * (1 + 0.5 * (_pressure(sim, reg) - 1)))
        p.decided = send(reg + timedelta(days=assessment), 0)
        p.valid_from = (
            p.decided if rr.random() < 0.75 else p.decided + timedelta(days=rr.randint(1, 21))
        )
    p.day301 = send(p.decided, rr.randint(0, 2))
    months = 6 if (p.cat in ("45", "54") and rr.random() < 0.45) else 12
    p.valid_to = add_months(p.valid_from, months) - DAY
    p.ready = max(p.day301, p.valid_from)
    if a.profile == "late_vot":
        wait = rr.randint(0, 10)
    else:
        wait = _wait(sim, a, p.cat, p.ready)
    if wait > 14 and rr.random() < 1 - math.exp(-wait / 450):
        p.drop = p.ready + timedelta(days=int(wait * rr.uniform(0.3, 0.9)))
        if a.profile != "auto_305" and sim.decks["withdraw"].draw() == "yes":
            p.withdrawn = p.drop + timedelta(days=rr.randint(5, 45))
            p.dropout = "ingetrokken"
        else:
            p.dropout = "afgehaakt"
        return
    p.start = p.ready + timedelta(days=wait)
    p.end = p.start + timedelta(days=_duration(sim, p.cat) - 1)


def _follow_up(sim: Simulation, p: Pathway) -> tuple[date, str | None] | None:
    """Date (and categorie, if fixed) of the child's next pathway after ``p``, or None."""
    rr = sim.rr
    if p.route == "crisis":
        if rr.random() < 0.6:
            return p.registration + timedelta(days=rr.randint(2, 12)), rr.choice(["43", "45", "45"])
        return None
    if rr.random() >= 0.25:
        return None
    base = p.end or p.drop or (p.answers[-1].day if p.answers else p.registration)
    return base + timedelta(days=rr.randint(30, 400)), None


def make_pathways(sim: Simulation) -> None:
    """Draw the children and every pathway with its true timeline (``sim.pathways``)."""
    registrations = _make_children(sim)
    for child, reg in zip(sim.children, registrations, strict=True):
        p = _new_pathway(sim, child, reg, "45" if child.aged_out else None)
        if child.aged_out and sim.aanbieders[p.agb].profile == "late_vot":
            p.route = "gemeente"
        _draw_timeline(sim, p)
        for _ in range(3):
            nxt = _follow_up(sim, p)
            if nxt is None or nxt[0] > sim.end:
                break
            d, cat = nxt
            if age_on(child.birth_date, d) >= 18 and (cat is not None or sim.rr.random() > 0.3):
                break
            p = _new_pathway(sim, child, d, cat)
            _draw_timeline(sim, p)
