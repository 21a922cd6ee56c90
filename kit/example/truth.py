"""Ground truth: what ended up in the data, counted per defect, and the true pathways.

:func:`count_truth` counts from the messages that were actually written (after the period cut),
so the counts of ``injecties.csv`` are exact for the data set. The frames are what
``injecties.csv``, ``waarheid_trajecten.csv`` and ``waarheid_records.csv`` hold.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from kit.example.dates import (
    add_months,
    add_weekdays,
    age_on,
    month_end,
    month_index,
    weekdays_between,
)
from kit.example.model import Message

if TYPE_CHECKING:
    from kit.example.simulation import Simulation


def count_truth(sim: Simulation) -> None:
    """Count every defect and behaviour in the written messages (``sim.injections``)."""
    end = sim.end
    count = sim.count
    in_data = {id(m) for m in sim.messages}
    per_record: dict[int, Message] = {}
    for m in sim.messages:
        if m.bt in ("301", "305", "307", "315", "317"):
            obj = m.items[0][1]
            per_record.setdefault(id(obj), m)

    def present(obj: object) -> bool:
        return id(obj) in per_record

    declared: dict[int, int] = {}
    for m in sim.messages:
        if m.bt == "323":
            period = m.data["period"]
            late = m.day > month_end(add_months(period, 1))
            if late:
                count("late_323", "323", m.sender, m.receiver, key=m.ident)
            for r in m.data["lines"]:
                declared[r.pathway.idx] = declared.get(r.pathway.idx, 0) + 1
                if month_index(r.period_start) < month_index(period):
                    count("nagekomen_prestatie", "323", m.sender, m.receiver)
                if r.pathway.child.bsn_invalid:
                    count("bsn_elfproef", "323", m.sender, m.receiver)
        elif m.bt == "325":
            if id(m.data["declaration"]) in in_data:
                for _ in m.data["rejected"]:
                    count("afgekeurde_prestatie", "325", m.receiver, m.sender)
        elif m.bt == "319":
            ans = m.data["answer"]
            if ans.answer == "2":
                count("vot_in_onderzoek", "319", m.receiver, m.sender)
            else:
                count("afwijzing_319", "319", m.receiver, m.sender)
                if ans.reason == "8":
                    count("woonplaatsbeginsel", "319", m.receiver, m.sender)
    for p in sim.pathways:
        agb, gem = p.agb, p.gem
        invalid_bsn = p.child.bsn_invalid
        for req in (p.wpb_request, p.request):
            if req is not None and present(req):
                if req.internal_wait > 0:
                    count("late_vot", "315", agb, req.gem)
                if invalid_bsn:
                    count("bsn_elfproef", "315", agb, req.gem)
        for cr in p.change_requests:
            if present(cr) and invalid_bsn:
                count("bsn_elfproef", "317", agb, gem)
        accepted = [v for v in p.versions if not v.rejected and present(v)]
        for v in p.versions:
            if v.rejected and present(v):
                count("afgekeurd_301", "301", agb, gem)
        if accepted:
            first = min(accepted, key=lambda v: (v.decided, v.time))
            if sim.profile(p) == "traag":
                count("traag", "301", agb, gem)
            count("vot_toewijzing" if first.ref else "gemeente_route", "301", agb, gem)
            if invalid_bsn:
                count("bsn_elfproef", "301", agb, gem)
            if age_on(p.child.birth_date, p.valid_from) >= 18:
                count("verjaard_18", "301", agb, gem, key=p.tn)
            for v in accepted:
                if v.reason in ("04", "05"):
                    count("wijziging_301", "301", agb, gem)
                elif v.reason == "13":
                    count("ingetrokken_301", "301", agb, gem)
                elif v.reason == "07":
                    count("verhuizing", "301", agb, gem)
            if "versie_volgorde" in p.flags and len(accepted) >= 2:
                v1 = p.versions[0]
                if present(v1) and any(
                    (v.decided, v.time) > (v1.decided, v1.time)
                    and month_index(v.day) < month_index(v1.day)
                    for v in accepted
                ):
                    count("versie_volgorde", "301", agb, gem)
        base = min((v.day for v in accepted), default=None)
        starts = [s for s in p.starts if present(s)]
        deleted = {s.begin for s in starts if s.status == "3"}
        current = [s for s in starts if s.status == "1" and s.begin not in deleted]
        for s in starts:
            if s.status == "3":
                count("correctie_305", "305", agb, gem)
            if invalid_bsn:
                count("bsn_elfproef", "305", agb, gem)
        for s in current:
            if s.tag:
                count(s.tag, "305", agb, gem, key=p.tn)
            if base is not None and weekdays_between(max(s.begin, base), s.day) > 5:
                count("late_305", "305", agb, gem, key=p.tn)
            if age_on(p.child.birth_date, s.begin) >= 18:
                count("verjaard_18", "305", agb, gem, key=p.tn)
        stops = [t for t in p.stops if present(t)]
        for t in stops:
            if t.reason == "20":
                count("tijdelijke_stop", "307", agb, gem)
            if invalid_bsn:
                count("bsn_elfproef", "307", agb, gem)
            if not t.after_temporary and weekdays_between(t.end, t.day) > 5:
                count("late_307", "307", agb, gem, key=p.tn)
        for s in current:
            if s.true_end is None or add_weekdays(s.true_end, 5) > end:
                continue
            if not any(t.begin == s.begin for t in stops):
                count("missing_307", "307", agb, gem, key=p.tn)
        if declared.get(p.idx) and not any(s.status == "1" for s in starts):
            count("missing_305", "305", agb, gem, key=p.tn)
        if "vroeg_gedeclareerd" in p.flags:
            count("vroeg_gedeclareerd", "323", agb, gem, key=p.tn)


def truth_pathways(sim: Simulation) -> pd.DataFrame:
    """``waarheid_trajecten.csv``: per pathway the true timeline, without BSN."""
    end = sim.end
    in_data = {id(m.items[0][1]) for m in sim.messages if m.bt in ("301", "315")}
    rows = []

    def iso(d: date | None) -> str:
        return d.isoformat() if d is not None and d <= end else ""

    for p in sim.pathways:
        if p.registration > end:
            continue
        if p.wpb_request is not None and p.answers and p.answers[0].day <= end:
            rows.append(
                {
                    "gemeente": p.wpb_request.gem,
                    "ToewijzingNummer": "",
                    "aanbieder": p.agb,
                    "ProductCategorie": p.cat,
                    "true_aanmelding": p.registration.isoformat(),
                    "true_start": "",
                    "true_einde": "",
                    "uitval": "woonplaatsbeginsel",
                    "ReferentieAanbieder": p.wpb_request.ref,
                    "true_uitval_datum": "",
                }
            )
        visible = any(id(v) in in_data for v in p.versions if not v.rejected)
        dropout = ""
        if p.dropout == "afgewezen":
            if any(a.answer == "1" and a.day <= end for a in p.answers if a.reason != "8"):
                dropout = "afgewezen"
        elif p.drop is not None and p.drop <= end:
            withdrawn = any(v.reason == "13" and id(v) in in_data for v in p.versions)
            dropout = "ingetrokken" if withdrawn else "afgehaakt"
        ref = p.request.ref if p.request is not None and id(p.request) in in_data else ""
        rows.append(
            {
                "gemeente": p.gem,
                "ToewijzingNummer": p.tn if visible else "",
                "aanbieder": p.agb,
                "ProductCategorie": p.cat,
                "true_aanmelding": p.registration.isoformat(),
                "true_start": iso(p.start),
                "true_einde": iso(p.end) if p.start is not None and p.start <= end else "",
                "uitval": dropout,
                "ReferentieAanbieder": ref,
                "true_uitval_datum": iso(p.drop) if dropout in ("afgehaakt", "ingetrokken") else "",
            }
        )
    df = pd.DataFrame(rows)
    return df.sort_values(
        ["gemeente", "ToewijzingNummer", "aanbieder", "true_aanmelding", "ReferentieAanbieder"],
        kind="mergesort",
    ).reset_index(drop=True)


def truth_records(sim: Simulation) -> pd.DataFrame:
    """``waarheid_records.csv``: which record each injected defect of ``RECORD_KEYS`` hit."""
    columns = ["defect", "berichttype", "aanbieder", "gemeente", "sleutel"]
    df = pd.DataFrame(sorted(sim.records), columns=columns)
    return df.reset_index(drop=True)


def injections_frame(sim: Simulation) -> pd.DataFrame:
    """``injecties.csv``: records per defect, berichttype, aanbieder and gemeente."""
    rows = [
        {"defect": d, "berichttype": bt, "aanbieder": agb, "gemeente": gem, "n": n}
        for (d, bt, agb, gem), n in sim.injections.items()
        if n > 0
    ]
    df = pd.DataFrame(rows, columns=["defect", "berichttype", "aanbieder", "gemeente", "n"])
    df["n"] = df["n"].astype("int64")
    return df.sort_values(["defect", "berichttype", "aanbieder", "gemeente"]).reset_index(drop=True)
