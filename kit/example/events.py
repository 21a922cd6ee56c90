"""Events per pathway and the heenberichten they are sent in.

:func:`add_events` turns one pathway's true timeline (and its defect flags) into 301 versions,
305 starts, 307 stops and 317/319 verlengingen; :func:`number_toewijzingen` gives the
ToewijzingNummers; :func:`make_messages` puts every event into a message (``sim.messages``).
Declarations (323/325) are made in :mod:`kit.example.declarations`.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from kit.example.dates import DAY, add_months, add_weekdays, month_end
from kit.example.model import Aanbieder, Answer, ChangeRequest, Pathway, Start, Stop, Version
from kit.example.region import GEMEENTEN

if TYPE_CHECKING:
    from kit.example.simulation import Simulation


def _random_time(rr: random.Random) -> str:
    return f"{rr.randint(8, 17):02d}:{rr.randint(0, 59):02d}:{rr.randint(0, 59):02d}"


def _lag(rr: random.Random, late: bool) -> int:
    """Working days between an event and its message: 10-25 when injected late, else 0-3."""
    return rr.randint(10, 25) if late else rr.randint(0, 3)


def add_events(sim: Simulation, p: Pathway) -> None:
    """The 301 versions, 305/307 and 317/319 of one pathway (nothing without a decision)."""
    rr = sim.rr
    if p.decided is None:
        return
    a = sim.aanbieders[p.agb]
    send = add_weekdays
    ref = p.request.ref if p.request is not None and p.route != "verhuizing" else ""
    v1 = Version(p.decided, _random_time(rr), p.day301, p.valid_from, p.valid_to, "", ref)
    p.versions.append(v1)
    if "afgekeurd_301" in p.flags:
        v1.rejected = True
        retour = send(v1.day, rr.randint(1, 3))
        v1b = Version(
            v1.decided,
            v1.time,
            send(retour, rr.randint(1, 3)),
            v1.valid_from,
            v1.valid_to,
            "",
            ref,
        )
        p.versions.append(v1b)
    if "versie_volgorde" in p.flags:
        b2 = p.decided + timedelta(days=rr.randint(1, 3))
        end2 = max(add_months(p.valid_from, 6) - DAY, p.valid_from + timedelta(days=60))
        v2 = Version(b2, _random_time(rr), send(b2, 0), p.valid_from, end2, "05", "")
        # the first version was held back and sent in the next month, after the second one
        v1.day = send(month_end(b2), rr.randint(1, 3))
        p.versions.append(v2)
    base = min(v.day for v in p.versions if not v.rejected)
    _starts_stops(sim, p, a, base)
    _extensions(sim, p, a)


def _starts_stops(sim: Simulation, p: Pathway, a: Aanbieder, base: date) -> None:
    """305s and 307s; ``base`` is the Dagtekening of the first accepted 301."""
    rr = sim.rr
    send = add_weekdays
    if p.start is not None:
        p.care = [(p.start, p.end)]
    if "missing_305" in p.flags:
        return
    end_reason = "35" if p.move else ("31" if p.route == "gi" else sim.decks["end_reason"].draw())
    if p.route == "gi" or a.profile == "auto_305":
        tag = "auto_305_gi" if p.route == "gi" else "auto_305"
        d = send(max(base, p.valid_from) + timedelta(days=rr.randint(0, 1)), 0)
        s = Start(d, p.valid_from, "1", tag)
        p.starts.append(s)
        if p.start is None:
            # dropped out while waiting, but the automatic 305 was already sent
            s.true_end = max(p.drop, p.valid_from)
            day = max(send(s.true_end, rr.randint(0, 3)), send(d, 1))
            p.stops.append(Stop(day, p.valid_from, s.true_end, "32"))
            return
        s.true_end = p.end
        if "missing_307" not in p.flags:
            day = send(p.end, _lag(rr, "late_307" in p.flags))
            p.stops.append(Stop(max(day, send(d, 1)), p.valid_from, p.end, end_reason))
        return
    if p.start is None:
        return
    first = max(p.start, base)
    if "correctie_305" in p.flags:
        wrong = p.start - timedelta(days=rr.randint(1, 10))
        d0 = send(first, 0)
        p.starts.append(Start(d0, wrong, "1"))
        p.starts.append(Start(send(d0, 1), wrong, "3"))
        s = Start(send(d0, 2), p.start, "1")
    else:
        s = Start(send(first, _lag(rr, "late_305" in p.flags)), p.start, "1")
    p.starts.append(s)
    last_start = s.day
    if "tijdelijke_stop" in p.flags:
        duration = (p.end - p.start).days
        pause = p.start + timedelta(days=int(duration * rr.uniform(0.3, 0.6)))
        length = rr.randint(14, 60)
        s.true_end = pause
        t = Stop(max(send(pause, rr.randint(0, 3)), send(last_start, 1)), p.start, pause, "20")
        p.stops.append(t)
        if rr.random() < 0.7:
            resume = pause + timedelta(days=length)
            p.pause = (pause, resume)
            p.care = [(p.start, pause), (resume, p.end)]
            s2 = Start(max(send(resume, rr.randint(0, 3)), send(t.day, 1)), resume, "1")
            s2.true_end = p.end
            p.starts.append(s2)
            last_start = s2.day
            begin = resume
        else:
            # definitive stop once it becomes known; same Einddatum as the temporary stop
            p.pause = (pause, None)
            p.end = pause
            p.care = [(p.start, pause)]
            d = send(pause + timedelta(days=rr.randint(20, 90)), 0)
            p.stops.append(Stop(d, p.start, pause, rr.choice(["32", "34"]), after_temporary=True))
            return
    else:
        begin = p.start
        s.true_end = p.end
    if "missing_307" in p.flags:
        return
    day = send(p.end, _lag(rr, "late_307" in p.flags))
    p.stops.append(Stop(max(day, send(last_start, 1)), begin, p.end, end_reason))


def _extensions(sim: Simulation, p: Pathway, a: Aanbieder) -> None:
    """Later 301 versions: verlenging (04, maybe after a 317), verkorting (05), 07 and 13."""
    rr = sim.rr
    send = add_weekdays
    limit = sim.end + timedelta(days=40)
    versions = p.versions
    valid_to = versions[-1].valid_to if versions[-1].reason == "05" else p.valid_to

    def latest() -> Version:
        return max(versions, key=lambda v: (v.decided, v.time))

    def add(decided: date, new_end: date, reason: str, ref: str = "") -> None:
        previous = latest()
        decided = max(decided, previous.decided)
        time = _random_time(rr)
        if decided == previous.decided and time <= previous.time:
            decided += DAY
        day = send(decided, rr.randint(0, 1) if ref else rr.randint(0, 2))
        versions.append(Version(decided, time, day, p.valid_from, new_end, reason, ref))

    if p.start is not None:
        needed = p.end if p.start <= sim.end else p.start
    elif p.drop is not None:
        needed = p.drop
    else:
        needed = p.valid_from
    if p.move is not None:
        needed = p.move - DAY
    needed = min(needed, limit)
    while needed > valid_to:
        in_care = p.start is not None and p.start < valid_to - timedelta(days=45)
        extended = add_months(valid_to + DAY, 12 if p.route == "gi" or rr.random() < 0.6 else 6)
        extended -= DAY
        if p.route != "gi" and in_care and sim.decks["extension"].draw() == "317":
            d317 = send(valid_to - timedelta(days=rr.randint(25, 45)), 0)
            d317 = max(d317, latest().day + DAY)
            cr = ChangeRequest(d317, a.new_ref("W"), extended)
            p.change_requests.append(cr)
            if sim.decks["change_request"].draw() == "ok":
                add(send(d317, rr.randint(1, 5)), extended, "04", cr.ref)
            else:
                d319 = send(d317, rr.randint(1, 5))
                p.answers.append(Answer(p.gem, d319, cr.ref, "1", rr.choice(["2", "4"])))
                add(max(d319 + DAY, valid_to - timedelta(days=rr.randint(0, 5))), extended, "04")
        else:
            add(valid_to - timedelta(days=rr.randint(5, 30)), extended, "04")
        valid_to = extended
        if latest().decided > limit:
            break
    if p.move is not None:
        add(p.move + timedelta(days=rr.randint(0, 20)), p.move - DAY, "07")
    elif p.withdrawn is not None:
        add(p.withdrawn, p.valid_from, "13")
    elif (
        p.start is not None
        and p.stops
        and p.stops[-1].reason in ("32", "33", "34")
        and p.end < valid_to
        and sim.decks["shorten"].draw() == "yes"
    ):
        add(p.stops[-1].day + timedelta(days=rr.randint(3, 30)), p.end, "05")


def number_toewijzingen(sim: Simulation) -> None:
    """Give every toewijzing its ToewijzingNummer, per gemeente in order of decision."""
    rr = sim.rr
    per_gem: dict[str, list[Pathway]] = {}
    for p in sim.pathways:
        if p.versions:
            per_gem.setdefault(p.gem, []).append(p)
    for gem, _, _ in GEMEENTEN:
        pathways = sorted(per_gem.get(gem, []), key=lambda p: (p.decided, p.idx))
        # every gemeente numbers from its own base: the ranges overlap between gemeenten
        n = 100000 + rr.randint(0, 200)
        for p in pathways:
            n += rr.randint(1, 3)
            p.tn = str(n)


def make_messages(sim: Simulation) -> None:
    """Put every 315, 319, 317, 301, 305 and 307 of every pathway into a message."""
    groups: dict[tuple[int, str, str], list[Pathway]] = {}
    for p in sim.pathways:
        if p.versions:
            groups.setdefault((p.child.idx, p.gem, p.agb), []).append(p)
    for p in sim.pathways:
        for req in (p.wpb_request, p.request):
            if req is not None:
                sim.message("315", p.agb, req.gem, req.day, child=p.child, items=[(p, req)])
        for ans in p.answers:
            sim.message("319", ans.gem, p.agb, ans.day, data={"answer": ans})
        group = groups.get((p.child.idx, p.gem, p.agb), [])
        for cr in p.change_requests:
            cr.unchanged = [
                q for q in group if q is not p and current_version(q, cr.day) is not None
            ]
            sim.message("317", p.agb, p.gem, cr.day, child=p.child, items=[(p, cr)])
        for v in p.versions:
            items = [(p, v)]
            if not v.rejected:
                for q in group:
                    if q is not p:
                        w = current_version(q, v.day)
                        if w is not None:
                            items.append((q, w))
            sim.message("301", p.gem, p.agb, v.day, child=p.child, items=items, rejected=v.rejected)
        for s in p.starts:
            sim.message("305", p.agb, p.gem, s.day, child=p.child, items=[(p, s)])
        for t in p.stops:
            sim.message("307", p.agb, p.gem, t.day, child=p.child, items=[(p, t)])


def current_version(q: Pathway, d: date) -> Version | None:
    """The version of toewijzing q the aanbieder knows on day d, if it is still current."""
    known = [v for v in q.versions if not v.rejected and v.day <= d]
    if not known:
        return None
    v = max(known, key=lambda v: (v.decided, v.time))
    if v.reason == "13" or v.valid_to < d:
        return None
    return v
