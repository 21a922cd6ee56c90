"""Defect ids of the example region, what one counted record is, and the per-record truth key.

:data:`DEFECTS` names every injected defect or field behaviour that ``injecties.csv`` counts
(column ``defect``), with the unit that its ``n`` counts. :data:`RECORD_KEYS` lists the defects
that ``waarheid_records.csv`` also gives record by record, with the key the kit can find that
record by.
"""

from __future__ import annotations

DEFECTS: dict[str, str] = {
    "auto_305": "305 StartProduct (status 1) of an auto_305 aanbieder: sent on the 301 dagtekening "
    "(+0/1 day) with Begindatum = Ingangsdatum, whatever the real start.",
    "auto_305_gi": "305 StartProduct of a GI (categorie 47/48): retroactive, sent right after the 301 "
    "with Begindatum = Ingangsdatum (expected behaviour, SAP GI).",
    "late_vot": "315 AangevraagdProduct of a late_vot aanbieder that was held back on an internal "
    "waiting list (the true wait lies before the 315).",
    "traag": "Toewijzing (gemeente + ToewijzingNummer) at a slow (traag) aanbieder.",
    "vot_toewijzing": "Toewijzing whose first 301 honours a 315 (ReferentieAanbieder filled).",
    "gemeente_route": "Toewijzing whose first 301 has no 315 before it (gemeente route).",
    "vot_in_onderzoek": "319 Antwoord with VerzoekAntwoord 2 (aanvraag in onderzoek).",
    "afwijzing_319": "319 Antwoord with VerzoekAntwoord 1 (verzoek afgewezen, any reason, 315 or 317).",
    "woonplaatsbeginsel": "319 Antwoord with RedenAfwijzingVerzoek 8 (subset of afwijzing_319).",
    "late_305": "305 StartProduct (status 1, not deleted) with Dagtekening - max(Begindatum, earliest "
    "Dagtekening of a non-rejected 301 of that toewijzing) > 5 working days (OP271; injected lags "
    "are >= 10 weekdays, all others <= 3).",
    "missing_305": "Toewijzing with prestaties in a 323 but no 305 at all.",
    "missing_307": "305 StartProduct (current) whose care truly ended at least 5 working days before "
    "the end of the data, without a 307 for it.",
    "late_307": "307 StopProduct with Dagtekening - Einddatum > 5 working days (a definitive stop "
    "after a reason-20 stop is not judged; injected lags are >= 10 weekdays, all others <= 3).",
    "wijziging_301": "301 version (ToewijzingNummer + Toewijzingsdatum + Toewijzingstijd) with "
    "RedenWijziging 04 (verlenging) or 05 (verkorting).",
    "ingetrokken_301": "Toewijzing withdrawn with RedenWijziging 13 (Einddatum = Ingangsdatum); the child "
    "never started.",
    "verhuizing": "Toewijzing ended with RedenWijziging 07; the child continues with the same aanbieder "
    "in another gemeente.",
    "versie_volgorde": "Toewijzing whose later version sits in an earlier Dagtekening (month folder) "
    "than its first version.",
    "correctie_305": "305 StartProduct with StatusAanlevering 3 (deletes an earlier 305 with a wrong "
    "Begindatum; a corrected 305 follows).",
    "tijdelijke_stop": "307 StopProduct with RedenBeeindiging 20 (followed by a new 305 or a definitive 307).",
    "afgekeurd_301": "ToegewezenProduct in a 301 whose 302 rejects it with RetourCode 9332 (the 301 is "
    "resent with a new Identificatie).",
    "afgekeurde_prestatie": "Prestatie rejected in a 325 (RetourCode 0611, wrong tarief); it is declared "
    "again in the next 323.",
    "nagekomen_prestatie": "Prestatie whose ProductPeriode lies in a month before the DeclaratiePeriode "
    "(declared after a retroactive toewijzing, or again after a rejection).",
    "late_323": "323 declaration sent after the last day of the month after its DeclaratiePeriode.",
    "dubbel_bestand": "Extra file that is a byte-identical copy of another file under another name.",
    "missing_retour": "Heenbericht without its retour (302/306/308/316/318/320) although the retour "
    "would fall inside the data period; berichttype is the missing retour.",
    "bsn_elfproef": "Record of a child whose (test-range) BSN fails the 11-proef: toewijzingen (301), "
    "StartProducts (305), StopProducts (307), AangevraagdProducts (315), verzoeken (317), "
    "Prestaties (323).",
    "verjaard_18": "Toewijzing (301) with the child 18+ on the Ingangsdatum, or 305 StartProduct with the "
    "child 18+ on the Begindatum.",
    "vroeg_gedeclareerd": "Toewijzing with a Prestatie for the month before the month of the 305 "
    "Begindatum (care declared one month before the reported start); berichttype 323.",
    "dagtekening_toekomst": "305 or 307 message whose Dagtekening is typed ten years in the future "
    "(a typing error; the file sits in the folder of its real month).",
    "bom_tweeling": "Extra file that is a copy of another file with a UTF-8 byte order mark in front "
    "(the same message).",
}

# Which key ``waarheid_records.csv`` gives per defect (the record as the kit can find it).
RECORD_KEYS: dict[str, str] = {
    "auto_305": "ToewijzingNummer (within the gemeente) of the toewijzing whose 305 it is",
    "auto_305_gi": "ToewijzingNummer",
    "late_305": "ToewijzingNummer",
    "missing_305": "ToewijzingNummer",
    "missing_307": "ToewijzingNummer",
    "late_307": "ToewijzingNummer",
    "verjaard_18": "ToewijzingNummer",
    "late_323": "Identificatie of the 323 (within the aanbieder)",
    "vroeg_gedeclareerd": "ToewijzingNummer",
    "dagtekening_toekomst": "Identificatie of the message (within its sender)",
    "bom_tweeling": "file name of the extra copy",
    "missing_retour": "Identificatie of the heenbericht (within its sender)",
    "dubbel_bestand": "file name of the extra copy",
}
