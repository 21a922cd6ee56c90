"""Last steps before writing.

BSNs, the period cut, identifications and file names, retours and duplicate files.

Injected here: ``missing_retour`` (a heenbericht without its retour) and ``dubbel_bestand`` (a
byte-identical copy under another name).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from kit.example.dates import add_weekdays
from kit.example.region import TEST_BSN_MAX, TEST_BSN_MIN

if TYPE_CHECKING:
    from kit.example.simulation import Simulation


def assign_bsns(sim: Simulation) -> None:
    """Give every child a BSN from the test range (an invalid one for ``bsn_elfproef``).

    With more children than valid test BSNs, BSNs are unique per gemeente only; children seen in
    more than one gemeente get a BSN reserved for them.
    """
    rr = sim.rr
    everything = np.arange(TEST_BSN_MIN, TEST_BSN_MAX + 1, dtype=np.int64)
    digits = np.stack([(everything // 10**k) % 10 for k in range(8, -1, -1)], axis=1)
    weights = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1])
    ok = (digits @ weights) % 11 == 0
    valid = [int(x) for x in everything[ok]]
    invalid = [int(x) for x in everything[~ok]]
    rr.shuffle(valid)
    wrong = [c for c in sim.children if c.bsn_invalid]
    for c, b in zip(wrong, rr.sample(invalid, len(wrong)), strict=True):
        c.bsn = str(b)
    good = [c for c in sim.children if not c.bsn_invalid]
    if len(good) <= len(valid):
        for c, b in zip(good, valid, strict=False):
            c.bsn = str(b)
        return
    gems: dict[int, list[str]] = {}
    for p in sim.pathways:
        lst = gems.setdefault(p.child.idx, [])
        for g in [p.gem] + ([p.wpb_request.gem] if p.wpb_request else []):
            if g not in lst:
                lst.append(g)
    multi = [c for c in good if len(gems.get(c.idx, [c.gem])) > 1]
    for c, b in zip(multi, valid, strict=False):
        c.bsn = str(b)
    pool = valid[len(multi) :]
    used: dict[str, int] = {}
    for c in good:
        if c.bsn:
            continue
        g = gems.get(c.idx, [c.gem])[0]
        i = used.get(g, 0)
        if i >= len(pool):
            raise ValueError(
                f"n_children too large: gemeente {g} needs more than {len(pool)} valid test BSNs"
            )
        c.bsn = str(pool[i])
        used[g] = i + 1


def finalise_messages(sim: Simulation) -> None:
    """Cut to the period, number and name the messages, make the retours and duplicate files."""
    rr = sim.rr
    sim.messages = [m for m in sim.messages if sim.start <= m.day <= sim.end]
    sim.messages.sort(key=lambda m: (m.day, m.seq))
    counters: dict[tuple[str, str], int] = {}
    for m in sim.messages:
        key = (m.sender, m.bt)
        counters[key] = counters.get(key, 0) + 1
        prefix = "G" if len(m.sender) == 4 else "A"
        m.ident = f"{prefix}{m.bt}{counters[key]:07d}"
        m.name = f"{m.bt}_{m.sender}_{m.ident}.xml"
    # retours
    candidates = []
    for m in sim.messages:
        rbt = sim.contract.retour_of.get(m.bt)
        if rbt is None:
            continue
        dr = add_weekdays(m.day, rr.randint(1, 3))
        if dr > sim.end:
            continue
        candidates.append(
            sim.new_message(rbt, m.sender, m.receiver, dr, original=m, rejected=m.rejected)
        )
    dropped = set()
    normal = [i for i, r in enumerate(candidates) if not r.rejected]
    for i in rr.sample(normal, sim.quota("missing_retour", len(normal))):
        dropped.add(i)
        r = candidates[i]
        sim.count("missing_retour", r.bt, *r.original.parties(), key=r.original.ident)
    sim.retours = [r for i, r in enumerate(candidates) if i not in dropped]
    sim.retours.sort(key=lambda r: (r.day, r.seq))
    counters = {}
    for r in sim.retours:
        retour_sender = r.receiver  # the receiver of the heenbericht sends the retour
        key = (retour_sender, r.bt)
        counters[key] = counters.get(key, 0) + 1
        r.retour_ident = f"R{r.bt}{counters[key]:07d}"
        r.name = f"{r.bt}_{r.sender}_{r.original.ident}_retour.xml"
    # exact duplicate files under another name
    for m in rr.sample(sim.messages, sim.quota("dubbel_bestand", len(sim.messages))):
        d = sim.new_message(m.bt, m.sender, m.receiver, m.day, copy_of=m)
        d.name = m.name[:-4] + "_1.xml"
        sim.copies.append(d)
        sim.count("dubbel_bestand", m.bt, *m.parties(), key=d.name)
