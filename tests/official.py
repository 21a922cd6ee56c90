"""Builder for messages shaped exactly like the published iJw 3.2 example messages.

The example messages of the Ketenbureau i-Sociaal Domein / Zorginstituut are not vendored: their
copies carry no licence statement. This module writes our own messages in the *same shape*:
the prolog ``<?xml version="1.0" encoding="UTF-8"?>``, the root ``<jwNNN:Bericht xmlns:ijw=...
xmlns:jwNNN=... >`` (note the space before ``>``), one TAB per level, the basisschema types
(Identificatie, Dagtekening, Datum, Categorie, Code, Volume, ...) in the ``ijw:`` namespace and
the message elements in the ``jwNNN:`` namespace, ``XsdVersie`` 1.0.0, trailing empty lines, and
the official element order and optional elements. Values (test BSNs 999900006 and 999900018,
AGB 65656055 / 42420001, gemeenten 0363 / 0384, dates, codes) follow the examples.

Sources mirrored (GitHub ``i-Sociaal-Lab/jaapjunior``, path @ commit):

- JW315: ``packages/api/jw/iJw315 voorbeeld.xml`` @ b221b4d20225720f5a9ce1baf281dd8d61f0a730
- JW305: ``packages/api/jw/bronnen/JW305 voorbeeld.xml`` @ 634e359f6553d709d2404ba945b95265fd90078d
  and ``packages/api/jw/bronnen/iJw305 voorbeeld.xml`` @ f6f2f5e1b66e191c85f029762d6a1c6206487340
  (the same Identificatie 123456789012 with other dates: 2023 and 2025)
- JW307: ``packages/api/jw/bronnen/JW307 voorbeeld.xml`` @ 5e9b273d48c06b5ef6a2d9dded80d5aa63ad545c
- JW317: ``packages/api/jw/bronnen/iJw317.xml`` @ 3ffa8a9c79f7279b7c1285457ab75eebe6e97e1c
- JW319: ``packages/api/jw/bronnen/iJw319.xml`` @ 2a8cb30888f2122ce90e8c6f8efe778075badce1
- JW323: ``packages/api/jw/bronnen/Jw323 voorbeeld.xml`` @ aabd2e21cb8244524a590684f7dbc623c6062c9c
  (two prestaties share ReferentieNummer RN004, as in the original)
- JW301: no example is stored; shaped after ``packages/api/jw/bronnen/JW301.xsd``
  @ 4811ff951bf7332dec9f15adf92e42dd59615286 (element order, Relaties, Contactgegevens) with the
  numbers of the 305/307 examples (300201, 300202).
- JW302, JW308, JW316, JW318, JW320 (retours): GitHub ``ismaelabarkan/Jaap`` (a copy of jaapjunior
  that still holds ``packages/api/jw/bronnen/berichten/``) @ 997fff3d71bed3a9d0d87d18e796fd209fd34b09,
  files ``JW302.xml``, ``JW308.xml``, ``JW316.xml``, ``JW318.xml``, ``JW320.xml``. The same folder holds JW306,
  JW307, JW315 (with ToewijzingEinddatum 2027-06-31), JW317, JW319, JW320, JW323 and JW325.
- JW306: the stored ``JW306.xml`` of that folder (answers the 2023 JW305).
- JW325: shaped after the iWmo 3.2 example ``packages/api/wmo/bronnen/berichten/WMO325.xml`` @
  e23fd9959289dff19c6d0e4dd321fd33768490c1 (same structure as the stored JW325.xml, which answers
  a credit declaration of 2023), answering the JW323 example above.
"""

from __future__ import annotations

from pathlib import Path

BASIS = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"


def _root(nr: str, body: str, *, tail: str = "\n") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<jw{nr}:Bericht xmlns:ijw="{BASIS}" '
        f'xmlns:jw{nr}="http://www.istandaarden.nl/ijw/3_2/jw{nr}/schema" >\n'
        f"{body}</jw{nr}:Bericht>\n{tail}"
    )


def _header(nr: str, code: int, afzender: str, ontvanger: str, ident: str, dag: str) -> str:
    p = f"jw{nr}"
    return (
        f"\t<{p}:Header>\n"
        f"\t\t<{p}:BerichtCode>{code}</{p}:BerichtCode>\n"
        f"\t\t<{p}:BerichtVersie>3</{p}:BerichtVersie>\n"
        f"\t\t<{p}:BerichtSubversie>2</{p}:BerichtSubversie>\n"
        f"\t\t<{p}:Afzender>{afzender}</{p}:Afzender>\n"
        f"\t\t<{p}:Ontvanger>{ontvanger}</{p}:Ontvanger>\n"
        f"\t\t<{p}:BerichtIdentificatie>\n"
        f"\t\t\t<ijw:Identificatie>{ident}</ijw:Identificatie>\n"
        f"\t\t\t<ijw:Dagtekening>{dag}</ijw:Dagtekening>\n"
        f"\t\t</{p}:BerichtIdentificatie>\n"
        f"\t\t<{p}:XsdVersie>\n"
        f"\t\t\t<ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie>\n"
        f"\t\t\t<ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie>\n"
        f"\t\t</{p}:XsdVersie>\n"
    )


def _client_short(p: str, voorletters: str = "T") -> str:
    """Bsn, Geboortedatum, Geslacht and a CDT_VerkorteNaam, as in the 305/307/315 examples."""
    return (
        f"\t\t<{p}:Bsn>999900006</{p}:Bsn>\n"
        f"\t\t<{p}:Geboortedatum>\n"
        f"\t\t\t<ijw:Datum>2010-02-14</ijw:Datum>\n"
        f"\t\t</{p}:Geboortedatum>\n"
        f"\t\t<{p}:Geslacht>1</{p}:Geslacht>\n"
        f"\t\t<{p}:Naam>\n"
        f"\t\t\t<ijw:Geslachtsnaam>\n"
        f"\t\t\t\t<ijw:Achternaam>Wit</ijw:Achternaam>\n"
        f"\t\t\t\t<ijw:Voorvoegsel>de</ijw:Voorvoegsel>\n"
        f"\t\t\t</ijw:Geslachtsnaam>\n"
        f"\t\t\t<ijw:Voornamen>Tom</ijw:Voornamen>\n"
        f"\t\t\t<ijw:Voorletters>{voorletters}</ijw:Voorletters>\n"
        f"\t\t</{p}:Naam>\n"
    )


def _product(p: str, cat: str, code: str, indent: int) -> str:
    t = "\t" * indent
    return (
        f"{t}<{p}:Product>\n{t}\t<ijw:Categorie>{cat}</ijw:Categorie>\n"
        f"{t}\t<ijw:Code>{code}</ijw:Code>\n{t}</{p}:Product>\n"
    )


def _omvang(p: str, volume: str, eenheid: str, freq: str, indent: int) -> str:
    t = "\t" * indent
    return (
        f"{t}<{p}:Omvang>\n{t}\t<ijw:Volume>{volume}</ijw:Volume>\n"
        f"{t}\t<ijw:Eenheid>{eenheid}</ijw:Eenheid>\n"
        f"{t}\t<ijw:Frequentie>{freq}</ijw:Frequentie>\n{t}</{p}:Omvang>\n"
    )


# --------------------------------------------------------------------------------------------
# Heenberichten


def jw315(*, toewijzing_einddatum: str = "2024-07-19") -> bytes:
    """JW315 as ``iJw315 voorbeeld.xml``: two AangevraagdProduct (55A11, 55A12), verwijzer 01
    with a Naam and 02 with a ZorgverlenerCode. ``toewijzing_einddatum`` of the first product
    can be set to an impossible date (the stored ``bronnen/berichten/JW315.xml`` variant has
    2027-06-31)."""
    p = "jw315"

    def product(ref: str, code: str, einde: str, verwijzer: str) -> str:
        return (
            f"\t\t\t<{p}:AangevraagdProduct>\n"
            f"\t\t\t\t<{p}:ReferentieAanbieder>{ref}</{p}:ReferentieAanbieder>\n"
            f"\t\t\t\t<{p}:BeschikkingNummer>123</{p}:BeschikkingNummer>\n"
            + _product(p, "55", code, 4)
            + f"\t\t\t\t<{p}:BeschikkingIngangsdatum>2023-07-15</{p}:BeschikkingIngangsdatum>\n"
            f"\t\t\t\t<{p}:ToewijzingIngangsdatum>2023-04-01</{p}:ToewijzingIngangsdatum>\n"
            f"\t\t\t\t<{p}:ToewijzingEinddatum>{einde}</{p}:ToewijzingEinddatum>\n"
            + _omvang(p, "2", "16", "4", 4)
            + f"\t\t\t\t<{p}:Verwijzer>\n{verwijzer}\t\t\t\t</{p}:Verwijzer>\n"
            f"\t\t\t\t<{p}:Raamcontract>1</{p}:Raamcontract>\n"
            f"\t\t\t\t<{p}:Commentaar>Comm aangevr prod</{p}:Commentaar>\n"
            f"\t\t\t</{p}:AangevraagdProduct>\n"
        )

    body = (
        _header("315", 446, "42420001", "0384", "123456789012", "2023-07-15")
        + f"\t</{p}:Header>\n\t<{p}:Client>\n"
        + _client_short(p, "W")
        + f"\t\t<{p}:GezagsdragerBekend>1</{p}:GezagsdragerBekend>\n"
        f"\t\t<{p}:Commentaar>Client Commentaar</{p}:Commentaar>\n"
        f"\t\t<{p}:AangevraagdeProducten>\n"
        + product(
            "40A12341234",
            "55A11",
            toewijzing_einddatum,
            "\t\t\t\t\t<ijw:Type>01</ijw:Type>\n\t\t\t\t\t<ijw:Naam>huisarts</ijw:Naam>\n",
        )
        + product(
            "40A12341235",
            "55A12",
            "2024-07-19",
            "\t\t\t\t\t<ijw:Type>02</ijw:Type>\n"
            "\t\t\t\t\t<ijw:ZorgverlenerCode>12345678</ijw:ZorgverlenerCode>\n",
        )
        + f"\t\t</{p}:AangevraagdeProducten>\n\t</{p}:Client>\n"
    )
    return _root("315", body, tail="").encode()


def jw301() -> bytes:
    """JW301 after JW301.xsd: full name, Commentaar, a Relatie (with its own Geboortedatum and
    Geslacht, which must not be read as the client's), Contactgegevens, then two
    ToegewezenProduct (300201: 55A11 2 uur per week; 300202: 55A12 2 dagdelen per week, with
    the ReferentieAanbieder of the second 315 product)."""
    p = "jw301"

    def toegewezen(nr: str, ref: str, code: str, einde: str, eenheid: str) -> str:
        return (
            f"\t\t\t<{p}:ToegewezenProduct>\n"
            f"\t\t\t\t<{p}:ToewijzingNummer>{nr}</{p}:ToewijzingNummer>\n"
            + (f"\t\t\t\t<{p}:ReferentieAanbieder>{ref}</{p}:ReferentieAanbieder>\n" if ref else "")
            + _product(p, "55", code, 4)
            + f"\t\t\t\t<{p}:Toewijzingsdatum>2025-03-27</{p}:Toewijzingsdatum>\n"
            f"\t\t\t\t<{p}:Toewijzingstijd>14:05:00</{p}:Toewijzingstijd>\n"
            f"\t\t\t\t<{p}:Ingangsdatum>2025-04-01</{p}:Ingangsdatum>\n"
            f"\t\t\t\t<{p}:Einddatum>{einde}</{p}:Einddatum>\n"
            + _omvang(p, "2", eenheid, "2", 4)
            + f"\t\t\t</{p}:ToegewezenProduct>\n"
        )

    body = (
        _header("301", 436, "0363", "65656055", "TW0000300201", "2025-03-27")
        + f"\t</{p}:Header>\n\t<{p}:Client>\n"
        f"\t\t<{p}:Bsn>999900006</{p}:Bsn>\n"
        f"\t\t<{p}:Geboortedatum>\n\t\t\t<ijw:Datum>2010-02-14</ijw:Datum>\n"
        f"\t\t</{p}:Geboortedatum>\n"
        f"\t\t<{p}:Geslacht>1</{p}:Geslacht>\n"
        f"\t\t<{p}:Naam>\n\t\t\t<ijw:Geslachtsnaam>\n"
        f"\t\t\t\t<ijw:Achternaam>Wit</ijw:Achternaam>\n"
        f"\t\t\t\t<ijw:Voorvoegsel>de</ijw:Voorvoegsel>\n\t\t\t</ijw:Geslachtsnaam>\n"
        f"\t\t\t<ijw:Voornamen>Tom</ijw:Voornamen>\n"
        f"\t\t\t<ijw:Voorletters>T</ijw:Voorletters>\n"
        f"\t\t\t<ijw:NaamGebruik>1</ijw:NaamGebruik>\n\t\t</{p}:Naam>\n"
        f"\t\t<{p}:JuridischeStatus>04</{p}:JuridischeStatus>\n"
        f"\t\t<{p}:Commentaar>Client Commentaar</{p}:Commentaar>\n"
        f"\t\t<{p}:Relaties>\n\t\t\t<{p}:Relatie>\n"
        f"\t\t\t\t<{p}:Nummer>1</{p}:Nummer>\n"
        f"\t\t\t\t<{p}:Soort>10</{p}:Soort>\n"
        f"\t\t\t\t<{p}:Geboortedatum>\n\t\t\t\t\t<ijw:Datum>1980-11-30</ijw:Datum>\n"
        f"\t\t\t\t</{p}:Geboortedatum>\n"
        f"\t\t\t\t<{p}:Geslacht>2</{p}:Geslacht>\n"
        f"\t\t\t\t<{p}:Naam>\n\t\t\t\t\t<ijw:Geslachtsnaam>\n"
        f"\t\t\t\t\t\t<ijw:Achternaam>Wit</ijw:Achternaam>\n\t\t\t\t\t</ijw:Geslachtsnaam>\n"
        f"\t\t\t\t\t<ijw:NaamGebruik>1</ijw:NaamGebruik>\n\t\t\t\t</{p}:Naam>\n"
        f"\t\t\t\t<{p}:Contact>\n\t\t\t\t\t<{p}:Soort>01</{p}:Soort>\n"
        f"\t\t\t\t\t<{p}:Telefoon>\n\t\t\t\t\t\t<ijw:Telefoonnummer>0612345678</ijw:Telefoonnummer>\n"
        f"\t\t\t\t\t</{p}:Telefoon>\n\t\t\t\t</{p}:Contact>\n"
        f"\t\t\t</{p}:Relatie>\n\t\t</{p}:Relaties>\n"
        f"\t\t<{p}:Contactgegevens>\n\t\t\t<{p}:Contact>\n"
        f"\t\t\t\t<{p}:Soort>01</{p}:Soort>\n"
        f"\t\t\t\t<{p}:Adres>\n\t\t\t\t\t<ijw:Straatnaam>Dorpsstraat</ijw:Straatnaam>\n"
        f"\t\t\t\t\t<ijw:Huisnummer>1</ijw:Huisnummer>\n"
        f"\t\t\t\t\t<ijw:Postcode>1234AB</ijw:Postcode>\n"
        f"\t\t\t\t\t<ijw:Plaatsnaam>Amsterdam</ijw:Plaatsnaam>\n"
        f"\t\t\t\t\t<ijw:LandCode>NL</ijw:LandCode>\n\t\t\t\t</{p}:Adres>\n"
        f"\t\t\t</{p}:Contact>\n\t\t</{p}:Contactgegevens>\n"
        f"\t\t<{p}:ToegewezenProducten>\n"
        + toegewezen("300201", "", "55A11", "2025-07-14", "04")
        + toegewezen("300202", "40A12341235", "55A12", "2025-07-19", "16")
        + f"\t\t</{p}:ToegewezenProducten>\n\t</{p}:Client>\n"
    )
    return _root("301", body).encode()


def _regie(nr: str, year: str, dag: str, stop: bool) -> bytes:
    p = f"jw{nr}"
    kind = "Stop" if stop else "Start"

    def regel(tnr: str, code: str, begin: str) -> str:
        out = (
            f"\t\t\t<{p}:{kind}Product>\n"
            f"\t\t\t\t<{p}:ToewijzingNummer>{tnr}</{p}:ToewijzingNummer>\n"
            + _product(p, "55", code, 4)
            + f"\t\t\t\t<{p}:ToewijzingIngangsdatum>{year}-04-01</{p}:ToewijzingIngangsdatum>\n"
            f"\t\t\t\t<{p}:Begindatum>{begin}</{p}:Begindatum>\n"
        )
        if stop:
            out += (
                f"\t\t\t\t<{p}:RedenBeeindiging>31</{p}:RedenBeeindiging>\n"
                f"\t\t\t\t<{p}:Einddatum>{year}-07-19</{p}:Einddatum>\n"
            )
        return out + (
            f"\t\t\t\t<{p}:StatusAanlevering>1</{p}:StatusAanlevering>\n"
            f"\t\t\t</{p}:{kind}Product>\n"
        )

    body = (
        _header(nr, 440 if stop else 438, "65656055", "0363", "123456789012", dag)
        + f"\t</{p}:Header>\n\t<{p}:Client>\n"
        + _client_short(p)
        + f"\t\t<{p}:{kind}Producten>\n"
        + regel("300201", "55A11", f"{year}-04-03")
        + regel("300202", "55A12", f"{year}-04-15")
        + f"\t\t</{p}:{kind}Producten>\n\t</{p}:Client>\n"
    )
    return _root(nr, body).encode()


def jw305(year: str = "2025") -> bytes:
    """JW305 as ``JW305 voorbeeld.xml`` (2025, dagtekening 2025-04-01) or, with
    ``year="2023"``, as ``iJw305 voorbeeld.xml`` (dagtekening 2023-07-25, no trailing line)."""
    data = _regie("305", year, "2025-04-01" if year == "2025" else "2023-07-25", stop=False)
    return data if year == "2025" else data[:-1]


def jw307() -> bytes:
    """JW307 as ``JW307 voorbeeld.xml``: both products stopped 2025-07-19, reason 31."""
    return _regie("307", "2025", "2025-07-20", stop=True)


def jw317() -> bytes:
    """JW317 as ``iJw317.xml``: one OngewijzigdProduct (10071) and one NieuwProduct (45A03)."""
    p = "jw317"
    body = (
        _header("317", 486, "65656055", "0384", "987654321", "2023-01-02")
        + f"\t</{p}:Header>\n\t<{p}:Client>\n"
        f"\t\t<{p}:Bsn>999900006</{p}:Bsn>\n"
        f"\t\t<{p}:Verzoek>\n"
        f"\t\t\t<{p}:ReferentieAanbieder>9003</{p}:ReferentieAanbieder>\n"
        f"\t\t\t<{p}:RedenVerzoek>1</{p}:RedenVerzoek>\n"
        f"\t\t\t<{p}:OngewijzigdeProducten>\n\t\t\t\t<{p}:OngewijzigdProduct>\n"
        f"\t\t\t\t\t<{p}:ToewijzingNummer>10071</{p}:ToewijzingNummer>\n"
        f"\t\t\t\t</{p}:OngewijzigdProduct>\n\t\t\t</{p}:OngewijzigdeProducten>\n"
        f"\t\t\t<{p}:NieuweProducten>\n\t\t\t\t<{p}:NieuwProduct>\n"
        + _product(p, "45", "45A03", 5)
        + f"\t\t\t\t\t<{p}:GewensteIngangsdatum>2023-11-01</{p}:GewensteIngangsdatum>\n"
        f"\t\t\t\t\t<{p}:Einddatum>2024-02-28</{p}:Einddatum>\n"
        + _omvang(p, "4", "04", "4", 5)
        + f"\t\t\t\t</{p}:NieuwProduct>\n\t\t\t</{p}:NieuweProducten>\n"
        f"\t\t</{p}:Verzoek>\n\t</{p}:Client>\n"
    )
    return _root("317", body, tail="").encode()


def jw319() -> bytes:
    """JW319 as ``iJw319.xml``: VOW 9003 rejected on woonplaatsbeginsel (8), gemeente 1916."""
    p = "jw319"
    body = (
        _header("319", 488, "0384", "65656055", "876543219", "2023-01-04")
        + f"\t</{p}:Header>\n\t<{p}:Antwoord>\n"
        f"\t\t<{p}:ReferentieAanbieder>9003</{p}:ReferentieAanbieder>\n"
        f"\t\t<{p}:VerzoekAntwoord>1</{p}:VerzoekAntwoord>\n"
        f"\t\t<{p}:RedenAfwijzingVerzoek>8</{p}:RedenAfwijzingVerzoek>\n"
        f"\t\t<{p}:Woonplaatsbeginsel>\n\t\t\t<{p}:Gemeente>1916</{p}:Gemeente>\n"
        f"\t\t</{p}:Woonplaatsbeginsel>\n\t</{p}:Antwoord>\n"
    )
    return _root("319", body, tail="").encode()


# The prestaties of the JW323 example: (Bsn, ReferentieNummer, ToewijzingNummer, ProductCode,
# ProductPeriode begin, end, GeleverdVolume, ProductTarief, Bedrag).
PRESTATIES = [
    ("999900006", "RN001", "10072", "45A03", "2025-04-01", "2025-04-30", "4", "1250", "5000"),
    ("999900006", "RN002", "10073", "45A04", "2025-04-01", "2025-04-30", "16", "1500", "24000"),
    ("999900018", "RN003", "10074", "45A03", "2025-04-01", "2025-04-30", "4", "1250", "5000"),
    ("999900018", "RN004", "10073", "45A04", "2025-04-01", "2025-04-30", "16", "1500", "24000"),
    ("999900018", "RN004", "10073", "45A04", "2025-03-01", "2025-03-31", "14", "1500", "21000"),
]


def _prestatie(p: str, row: tuple, codes: tuple[str, ...] = ()) -> str:
    _, ref, tnr, code, begin, end, volume, tarief, bedrag = row
    t = "\t" * 5
    out = (
        f"{t}<{p}:Prestatie>\n"
        f"{t}\t<{p}:ProductReferentie>\n{t}\t\t<ijw:ReferentieNummer>{ref}</ijw:ReferentieNummer>\n"
        f"{t}\t</{p}:ProductReferentie>\n"
        f"{t}\t<{p}:ToewijzingNummer>{tnr}</{p}:ToewijzingNummer>\n"
        f"{t}\t<{p}:ProductCategorie>45</{p}:ProductCategorie>\n"
        f"{t}\t<{p}:ProductCode>{code}</{p}:ProductCode>\n"
        f"{t}\t<{p}:ProductPeriode>\n{t}\t\t<ijw:Begindatum>{begin}</ijw:Begindatum>\n"
        f"{t}\t\t<ijw:Einddatum>{end}</ijw:Einddatum>\n{t}\t</{p}:ProductPeriode>\n"
        f"{t}\t<{p}:GeleverdVolume>{volume}</{p}:GeleverdVolume>\n"
        f"{t}\t<{p}:Eenheid>04</{p}:Eenheid>\n"
        f"{t}\t<{p}:ProductTarief>{tarief}</{p}:ProductTarief>\n"
        f"{t}\t<{p}:IngediendBedrag>\n{t}\t\t<ijw:Bedrag>{bedrag}</ijw:Bedrag>\n"
        f"{t}\t\t<ijw:DebetCredit>D</ijw:DebetCredit>\n{t}\t</{p}:IngediendBedrag>\n"
    )
    if codes:
        out += _retourcodes(p, codes, 6)
    return out + f"{t}</{p}:Prestatie>\n"


def _retourcodes(p: str, codes: tuple[str, ...], indent: int) -> str:
    t = "\t" * indent
    inner = "".join(f"{t}\t<{p}:RetourCode>{c}</{p}:RetourCode>\n" for c in codes)
    return f"{t}<{p}:RetourCodes>\n{inner}{t}</{p}:RetourCodes>\n"


def _clients(p: str, rows: list[tuple], codes: dict[str, tuple], client_codes: tuple) -> str:
    out = ""
    for bsn in dict.fromkeys(r[0] for r in rows):
        out += f"\t\t\t<{p}:Client>\n\t\t\t\t<{p}:Bsn>{bsn}</{p}:Bsn>\n\t\t\t\t<{p}:Prestaties>\n"
        out += "".join(_prestatie(p, r, codes.get(r[1], ())) for r in rows if r[0] == bsn)
        out += f"\t\t\t\t</{p}:Prestaties>\n"
        if client_codes:
            out += _retourcodes(p, client_codes, 4)
        out += f"\t\t\t</{p}:Client>\n"
    return out


def jw323() -> bytes:
    """JW323 as ``Jw323 voorbeeld.xml``: DN001 for April 2025, two clients, five prestaties
    (TotaalIngediendBedrag 79000 D, the sum of the five lines, as in the original)."""
    p = "jw323"
    body = (
        _header("323", 490, "65656055", "0384", "765432198", "2025-05-06")
        + f"\t</{p}:Header>\n\t<{p}:Declaratie>\n"
        f"\t\t<{p}:DeclaratieNummer>DN001</{p}:DeclaratieNummer>\n"
        f"\t\t<{p}:DeclaratiePeriode>\n\t\t\t<ijw:Begindatum>2025-04-01</ijw:Begindatum>\n"
        f"\t\t\t<ijw:Einddatum>2025-04-30</ijw:Einddatum>\n\t\t</{p}:DeclaratiePeriode>\n"
        f"\t\t<{p}:DeclaratieDagtekening>2025-05-06</{p}:DeclaratieDagtekening>\n"
        f"\t\t<{p}:TotaalIngediendBedrag>\n\t\t\t<ijw:TotaalBedrag>79000</ijw:TotaalBedrag>\n"
        f"\t\t\t<ijw:DebetCredit>D</ijw:DebetCredit>\n\t\t</{p}:TotaalIngediendBedrag>\n"
        f"\t\t<{p}:Clienten>\n"
        + _clients(p, PRESTATIES, {}, ())
        + f"\t\t</{p}:Clienten>\n\t</{p}:Declaratie>\n"
    )
    return _root("323", body, tail="\n\n\n").encode()


# --------------------------------------------------------------------------------------------
# Retours


def _retour_root(nr: str, body: str, *, space: bool) -> str:
    """Retour root as in the stored JW302/306/308 (message namespace first, space before
    ``>``) or JW316/318 (basisschema first, no space)."""
    jw = f'xmlns:jw{nr}="http://www.istandaarden.nl/ijw/3_2/jw{nr}/schema"'
    ijw = f'xmlns:ijw="{BASIS}"'
    attrs = f"{jw} {ijw} " if space else f"{ijw} {jw}"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<jw{nr}:Bericht {attrs}>\n'
        f"{body}</jw{nr}:Bericht>\n"
    )


def _retour_kop(nr: str, ident: str, dag: str, xslt: str | None, versie: str = "1.0.0") -> str:
    p = f"jw{nr}"
    return (
        f"\t\t<{p}:IdentificatieRetour>{ident}</{p}:IdentificatieRetour>\n"
        f"\t\t<{p}:DagtekeningRetour>{dag}</{p}:DagtekeningRetour>\n"
        + (f"\t\t<{p}:XsltVersie>{xslt}</{p}:XsltVersie>\n" if xslt else "")
        + f"\t\t<{p}:XsdVersieRetour>\n"
        f"\t\t\t<ijw:BasisschemaXsdVersie>{versie}</ijw:BasisschemaXsdVersie>\n"
        f"\t\t\t<ijw:BerichtXsdVersie>{versie}</ijw:BerichtXsdVersie>\n"
        f"\t\t</{p}:XsdVersieRetour>\n"
    )


def jw302() -> bytes:
    """JW302 as the stored ``bronnen/berichten/JW302.xml``: header only, RetourCode 8848."""
    p = "jw302"
    body = (
        _header("302", 437, "0384", "42420001", "123456789012", "2023-07-15")
        + _retour_kop("302", "9452b7eb-c87", "2023-07-16", None)
        + _retourcodes(p, ("8848",), 2)
        + f"\t</{p}:Header>\n"
    )
    return _retour_root("302", body, space=True).encode()


def jw308() -> bytes:
    """JW308 as the stored ``JW308.xml``: no RetourCodes at all, so the 307 was approved."""
    p = "jw308"
    body = (
        _header("308", 441, "65656055", "0363", "123456789012", "2023-07-20")
        + _retour_kop("308", "8a554e87-5a3", "2023-07-21", None)
        + f"\t</{p}:Header>\n"
    )
    return _retour_root("308", body, space=True).encode()


def jw316() -> bytes:
    """JW316 as the stored ``JW316.xml``: a copy of the client and both requested products;
    9347 on the first product, 0200 on the second, on the Client and in the Header."""
    p = "jw316"

    def product(cat: str, code: str, verwijzer: str, retour: str) -> str:
        return (
            f"\t\t\t<{p}:AangevraagdProduct>\n"
            f"\t\t\t\t<{p}:ReferentieAanbieder>42420001</{p}:ReferentieAanbieder>\n"
            f"\t\t\t\t<{p}:BeschikkingNummer>123</{p}:BeschikkingNummer>\n"
            + _product(p, cat, code, 4)
            + f"\t\t\t\t<{p}:BeschikkingIngangsdatum>2023-07-15</{p}:BeschikkingIngangsdatum>\n"
            f"\t\t\t\t<{p}:ToewijzingIngangsdatum>2023-07-20</{p}:ToewijzingIngangsdatum>\n"
            f"\t\t\t\t<{p}:ToewijzingEinddatum>2024-07-19</{p}:ToewijzingEinddatum>\n"
            + _omvang(p, "2", "16", "4", 4)
            + f"\t\t\t\t<{p}:Verwijzer>\n{verwijzer}\t\t\t\t</{p}:Verwijzer>\n"
            f"\t\t\t\t<{p}:Raamcontract>1</{p}:Raamcontract>\n"
            f"\t\t\t\t<{p}:Commentaar>Comm aangevr prod</{p}:Commentaar>\n"
            + _retourcodes(p, (retour,), 4)
            + f"\t\t\t</{p}:AangevraagdProduct>\n"
        )

    body = (
        _header("316", 447, "42420001", "0384", "123456789012", "2023-07-15")
        + _retour_kop("316", "ef8eaf5d-2bf", "2023-07-16", None)
        + _retourcodes(p, ("0200",), 2)
        + f"\t</{p}:Header>\n\t<{p}:Client>\n"
        + _client_short(p).replace("2010-02-14", "1967-07-10").replace("Tom", "Tim")
        + f"\t\t<{p}:GezagsdragerBekend>1</{p}:GezagsdragerBekend>\n"
        f"\t\t<{p}:Commentaar>Client Commentaar</{p}:Commentaar>\n"
        f"\t\t<{p}:AangevraagdeProducten>\n"
        + product(
            "31",
            "31ABC",
            "\t\t\t\t\t<ijw:Type>02</ijw:Type>\n"
            "\t\t\t\t\t<ijw:ZorgverlenerCode>12345678</ijw:ZorgverlenerCode>\n",
            "9347",
        )
        + product(
            "32",
            "32XYZ",
            "\t\t\t\t\t<ijw:Type>01</ijw:Type>\n\t\t\t\t\t<ijw:Naam>Naam verwijzer</ijw:Naam>\n",
            "0200",
        )
        + f"\t\t</{p}:AangevraagdeProducten>\n"
        + _retourcodes(p, ("0200",), 2)
        + f"\t</{p}:Client>\n"
    )
    return _retour_root("316", body, space=False).encode()


def jw318() -> bytes:
    """JW318 as the stored ``JW318.xml``, answering the JW317: 0200 in the Header and on the
    Client, 9349 on the Verzoek, 9350 on the OngewijzigdProduct, 0200 on the NieuwProduct, and
    a second 9350 *straight in* Verzoek (no RetourCodes around it; not valid against the XSD)."""
    p = "jw318"
    body = (
        _header("318", 487, "65656055", "0384", "987654321", "2023-04-03")
        + _retour_kop("318", "RT12345", "2023-04-03", "1.1.1", versie="1.1.1")
        + _retourcodes(p, ("0200",), 2)
        + f"\t</{p}:Header>\n\t<{p}:Client>\n"
        f"\t\t<{p}:Bsn>999900006</{p}:Bsn>\n"
        f"\t\t<{p}:Verzoek>\n"
        f"\t\t\t<{p}:ReferentieAanbieder>9003</{p}:ReferentieAanbieder>\n"
        f"\t\t\t<{p}:RedenVerzoek>1</{p}:RedenVerzoek>\n"
        f"\t\t\t<{p}:RetourCode>9350</{p}:RetourCode>\n"
        f"\t\t\t<{p}:OngewijzigdeProducten>\n\t\t\t\t<{p}:OngewijzigdProduct>\n"
        f"\t\t\t\t\t<{p}:ToewijzingNummer>10071</{p}:ToewijzingNummer>\n"
        + _retourcodes(p, ("9350",), 5)
        + f"\t\t\t\t</{p}:OngewijzigdProduct>\n\t\t\t</{p}:OngewijzigdeProducten>\n"
        f"\t\t\t<{p}:NieuweProducten>\n\t\t\t\t<{p}:NieuwProduct>\n"
        + _product(p, "45", "45A03", 5)
        + f"\t\t\t\t\t<{p}:GewensteIngangsdatum>2023-11-01</{p}:GewensteIngangsdatum>\n"
        f"\t\t\t\t\t<{p}:Einddatum>2024-02-28</{p}:Einddatum>\n"
        + _omvang(p, "4", "04", "4", 5)
        + _retourcodes(p, ("0200",), 5)
        + f"\t\t\t\t</{p}:NieuwProduct>\n\t\t\t</{p}:NieuweProducten>\n"
        + _retourcodes(p, ("9349",), 3)
        + f"\t\t</{p}:Verzoek>\n"
        + _retourcodes(p, ("0200",), 2)
        + f"\t</{p}:Client>\n"
    )
    return _retour_root("318", body, space=False).encode()


def jw306() -> bytes:
    """JW306 as the stored ``JW306.xml``: header only, RetourCode 8848, answering the 2023 JW305
    (Identificatie 123456789012, Dagtekening 2023-07-25)."""
    p = "jw306"
    body = (
        _header("306", 439, "65656055", "0363", "123456789012", "2023-07-25")
        + _retour_kop("306", "7ae60051-e0f", "2023-07-26", None)
        + _retourcodes(p, ("8848",), 2)
        + f"\t</{p}:Header>\n"
    )
    return _retour_root("306", body, space=True).encode()


def jw320() -> bytes:
    """JW320 as the stored ``JW320.xml``: 0200 in the Header, 9360 on the Antwoord (a copy of
    ReferentieAanbieder 9003, VerzoekAntwoord 2)."""
    p = "jw320"
    body = (
        _header("320", 489, "0384", "65656055", "876543219", "2023-04-04")
        + _retour_kop("320", "RT321", "2023-04-04", "1.1.1")
        + _retourcodes(p, ("0200",), 2)
        + f"\t</{p}:Header>\n\t<{p}:Antwoord>\n"
        f"\t\t<{p}:ReferentieAanbieder>9003</{p}:ReferentieAanbieder>\n"
        f"\t\t<{p}:VerzoekAntwoord>2</{p}:VerzoekAntwoord>\n"
        + _retourcodes(p, ("9360",), 2)
        + f"\t</{p}:Antwoord>\n"
    )
    return _root("320", body, tail="").encode()


# The stored retours that answer messages of other dates than the FILES set (loaded apart).
RETOURS = {
    "JW302.xml": jw302,
    "JW308.xml": jw308,
    "JW316.xml": jw316,
    "JW318.xml": jw318,
    "JW320.xml": jw320,
}


# Retourcodes per rejected prestatie in the JW325 (as WMO325.xml): RN001 0611; RN002 three codes;
# RN003 9307. Client and DeclaratieAntwoord level: 0200; header: 0200.
REJECTED_325 = {"RN001": ("0611",), "RN002": ("9339", "9340", "9341"), "RN003": ("9307",)}


def jw325() -> bytes:
    """JW325 (as WMO325.xml) answering the JW323: three rejected prestaties, TotaalToegekend
    45000 D of 79000 D ingediend; the difference is the rejected 5000 + 24000 + 5000 (TR342)."""
    p = "jw325"
    rows = list(PRESTATIES[:3])
    body = (
        _header("325", 491, "0384", "65656055", "654321987", "2025-05-06")
        + f"\t\t<{p}:DeclaratieIdentificatie>\n"
        f"\t\t\t<ijw:Identificatie>765432198</ijw:Identificatie>\n"
        f"\t\t\t<ijw:Dagtekening>2025-05-06</ijw:Dagtekening>\n"
        f"\t\t</{p}:DeclaratieIdentificatie>\n"
        f"\t\t<{p}:XsltVersie>1.0.0</{p}:XsltVersie>\n"
        f"\t\t<{p}:XsdVersieDeclaratie>\n"
        f"\t\t\t<ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie>\n"
        f"\t\t\t<ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie>\n"
        f"\t\t</{p}:XsdVersieDeclaratie>\n"
        + _retourcodes(p, ("0200",), 2)
        + f"\t</{p}:Header>\n\t<{p}:DeclaratieAntwoord>\n"
        f"\t\t<{p}:DeclaratieNummer>DN001</{p}:DeclaratieNummer>\n"
        f"\t\t<{p}:TotaalIngediendBedrag>\n\t\t\t<ijw:TotaalBedrag>79000</ijw:TotaalBedrag>\n"
        f"\t\t\t<ijw:DebetCredit>D</ijw:DebetCredit>\n\t\t</{p}:TotaalIngediendBedrag>\n"
        f"\t\t<{p}:TotaalToegekendBedrag>\n\t\t\t<ijw:TotaalBedrag>45000</ijw:TotaalBedrag>\n"
        f"\t\t\t<ijw:DebetCredit>D</ijw:DebetCredit>\n\t\t</{p}:TotaalToegekendBedrag>\n"
        f"\t\t<{p}:Clienten>\n"
        + _clients(p, rows, REJECTED_325, ("0200",))
        + f"\t\t</{p}:Clienten>\n"
        + _retourcodes(p, ("0200",), 2)
        + f"\t</{p}:DeclaratieAntwoord>\n"
    )
    return _root("325", body, tail="").encode()


# --------------------------------------------------------------------------------------------
# The set as a region would download it


FILES = {
    "JW301.xml": jw301,
    "JW305 voorbeeld.xml": lambda: jw305("2025"),
    "iJw305 voorbeeld.xml": lambda: jw305("2023"),
    "JW306.xml": jw306,
    "JW307 voorbeeld.xml": jw307,
    "iJw315 voorbeeld.xml": jw315,
    "iJw317.xml": jw317,
    "iJw319.xml": jw319,
    "Jw323 voorbeeld.xml": jw323,
    "JW325.xml": jw325,
}


def write_all(folder: Path) -> list[Path]:
    """Write every message of :data:`FILES` into ``folder``; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, build in FILES.items():
        path = folder / name
        path.write_bytes(build())
        paths.append(path)
    return paths
