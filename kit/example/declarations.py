"""Monthly declarations: the Prestaties of each pathway, bundled per aanbieder, gemeente and month.

Each aanbieder sends one 323 per gemeente per month, a few working days after the month's end; the
gemeente answers with a 325. Injected here: ``late_323`` (sent after the month after the period)
and ``afgekeurde_prestatie`` (a wrong tarief, rejected in the 325 and declared again later).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from kit.example.dates import DAY, add_weekdays, month_end, month_from_index, month_index
from kit.example.model import DeclLine, Pathway
from kit.example.region import PRODUCT_TERMS

if TYPE_CHECKING:
    from kit.example.simulation import Simulation


def _tariff(code: str, year: int) -> int:
    """ProductTarief in eurocent: the 2023 tarief plus 4% a year."""
    return int(round(PRODUCT_TERMS[code][3] * 1.04 ** max(0, year - 2023)))


def _decl_date(sim: Simulation, agb: str, gem: str, q: int) -> date:
    """Dagtekening of the aanbieder's regular 323 to ``gem`` for month index ``q``."""
    r = random.Random(f"{sim.seed}-{agb}-{gem}-{q}")
    a = sim.aanbieders[agb]
    return add_weekdays(month_from_index(q + 1) - DAY, a.decl_lag + r.randint(0, 3))


def _lines(sim: Simulation, p: Pathway) -> list[DeclLine]:
    """The Prestaties of one pathway: one per month with care inside the toewijzing."""
    if not p.care or not p.versions:
        return []
    rr = sim.rr
    accepted = [v for v in p.versions if not v.rejected and v.day <= sim.end]
    if not accepted:
        return []
    base = min(v.day for v in accepted)
    latest = max(accepted, key=lambda v: (v.decided, v.time))
    toewijzing_end = latest.valid_to
    begin = p.care[0][0]
    end = min(p.care[-1][1], sim.end)
    planned_days = max(1, (p.care[-1][1] - p.care[0][0]).days + 1)
    rest = p.volume if p.freq == "6" else 0
    lines: list[DeclLine] = []
    for mi in range(month_index(begin), month_index(end) + 1):
        m0 = month_from_index(mi)
        period_start = max(m0, p.valid_from)
        period_end = min(month_end(m0), toewijzing_end)
        if period_end < period_start:
            continue
        days = 0
        for c0, c1 in p.care:
            lo, hi = max(c0, period_start), min(c1, period_end)
            if hi >= lo:
                days += (hi - lo).days + 1
        if days <= 0:
            continue
        if p.route == "gi" and mi == month_index(begin) and begin.day != 1:
            continue  # GI: the first broken month is not declared
        if p.freq == "4":
            vol = p.volume
        elif p.unit == "14":
            vol = days
        elif p.freq == "2":
            vol = max(1, int(round(p.volume * days / 7 * rr.uniform(0.75, 1.0))))
        else:
            vol = min(
                rest, max(1, int(round(p.volume * days / planned_days * rr.uniform(0.8, 1.1))))
            )
            rest -= vol
            if vol <= 0:
                continue
        ref = f"{p.gem}{p.tn}{m0:%y%m}"
        earliest = max(base + DAY, month_from_index(mi + 1))
        lines.append(
            DeclLine(p, period_start, period_end, vol, _tariff(p.code, m0.year), ref, earliest)
        )
    return lines


def make_declarations(sim: Simulation) -> None:
    """The 323s and 325s of the whole period (``sim.messages``)."""
    rr = sim.rr
    per_pair: dict[tuple[str, str], dict[int, list[DeclLine]]] = {}
    for p in sim.pathways:
        for r in _lines(sim, p):
            q = month_index(r.period_start)
            while _decl_date(sim, p.agb, p.gem, q) < r.earliest:
                q += 1
            if _decl_date(sim, p.agb, p.gem, q) > sim.end:
                continue
            per_pair.setdefault((p.agb, p.gem), {}).setdefault(q, []).append(r)
    keys = sorted((agb, gem, q) for (agb, gem), per_q in per_pair.items() for q in per_q)
    late_candidates = [
        k for k in keys if add_weekdays(month_from_index(k[2] + 2) - DAY, 12) <= sim.end
    ]
    late = set(rr.sample(late_candidates, sim.quota("late_323", len(late_candidates))))
    candidates = [
        r
        for k in keys
        if k not in late and _decl_date(sim, k[0], k[1], k[2]) <= sim.end - timedelta(days=75)
        for r in per_pair[(k[0], k[1])][k[2]]
    ]
    for r in rr.sample(candidates, sim.quota("afgekeurde_prestatie", len(candidates))):
        r.rejected = True
        r.tariff = _tariff(r.pathway.code, r.period_start.year - 1)
    for (agb, gem), per_q in sorted(per_pair.items()):
        open_q = sorted(per_q)
        i = 0
        while i < len(open_q):
            q = open_q[i]
            i += 1
            lines = sorted(
                per_q[q], key=lambda r: (r.pathway.child.idx, r.pathway.tn, r.period_start)
            )
            if (agb, gem, q) in late:
                day = add_weekdays(month_from_index(q + 2) - DAY, rr.randint(3, 12))
            else:
                day = _decl_date(sim, agb, gem, q)
            if day > sim.end:
                continue
            period = month_from_index(q)
            m323 = sim.message(
                "323",
                agb,
                gem,
                day,
                data={"number": f"{gem}{period:%y%m}", "period": period, "lines": lines},
            )
            rejected = [r for r in lines if r.rejected]
            d325 = add_weekdays(day, rr.randint(2, 9))
            sim.message("325", gem, agb, d325, data={"declaration": m323, "rejected": rejected})
            for r in rejected:
                again = DeclLine(
                    r.pathway,
                    r.period_start,
                    r.period_end,
                    r.volume,
                    _tariff(r.pathway.code, r.period_start.year),
                    r.ref + "C",
                    d325 + DAY,
                )
                q2 = q + 1
                while _decl_date(sim, agb, gem, q2) < again.earliest:
                    q2 += 1
                if q2 not in per_q:
                    per_q[q2] = []
                    open_q.append(q2)
                    open_q[i:] = sorted(open_q[i:])
                per_q[q2].append(again)
