"""Seeded generator of a fictional region's iJw 3.2 message traffic (example data).

The generator simulates eight fictional gemeenten (codes 9901-9908) and 25 fictional aanbieders
(AGB 98000001-98000025) over three years and writes every message as a real iJw 3.2 XML file:
verzoeken (315/317), antwoorden (319), toewijzingen (301), start/stop (305/307), monthly
declaraties (323/325) and the retours (302/306/308/316/318/320). It also writes the ground truth
of what was simulated, so that quality checks and wachttijd analyses can be backtested:

``injecties.csv``
    Every injected defect or field behaviour, one row per ``defect x berichttype x aanbieder x
    gemeente`` with ``n`` = the number of records affected (see :data:`DEFECTS` for the unit of
    each defect). Counts are computed from the messages that were actually written, so they are
    exact for the data set.
``waarheid_trajecten.csv``
    Per pathway the true timeline (aanmelding, start, einde, reason and date of dropping out),
    without BSN.
``waarheid_records.csv``
    Per injected record of the defects in :data:`kit.example.defects.RECORD_KEYS`: ``defect,
    berichttype, aanbieder, gemeente, sleutel`` (the key the kit can find the record by), for
    per-record recall and precision of the quality checks.
``aanbieders.csv``, ``gemeenten.csv``
    The fictional organisations, with the behaviour profile of each aanbieder.

All BSNs come from the official test range 999900006-999999990. All names, addresses and
organisations are invented. Nothing depends on today's date: the same seed and arguments give
byte-identical files.

Modules, in the order the data flows:

- :mod:`.region`: the fictional region (gemeenten, aanbieders, demand, products, defect rates);
  :mod:`.defects`: the defect ids and what one counted record is.
- :mod:`.model`: the simulation objects; :mod:`.dates`: date helpers.
- :mod:`.simulation`: the state and the order of the phases, which live in :mod:`.pathways`,
  :mod:`.injection`, :mod:`.events`, :mod:`.declarations`, :mod:`.finalise` and :mod:`.truth`.
- :mod:`.render`: XML per message, following :mod:`.contract` (``kit/berichten.yaml``);
  :mod:`.write`: files, archive and CSVs.

Naming: identifiers are English. Dutch stays for the iJw domain nouns aanbieder, gemeente,
toewijzing, categorie, jeugdige, verwijzer and retour, for iJw element names (``tn`` is the
ToewijzingNummer, ``_omvang`` writes Omvang) and for what the user sees: file names, column
names, defect ids and profile names.
"""

from kit.example.defects import DEFECTS
from kit.example.write import write_example_region

__all__ = ["DEFECTS", "write_example_region"]
