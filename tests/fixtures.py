"""Hand-written iJw 3.2 test messages for every message type, and helpers to put them on disk.

The messages follow the shape of the reference notes (ijw-3.2.md §3-§4 and the §9 skeleton): a root
``Bericht`` in the message namespace ``.../ijw/3_2/jw3NN/schema`` (here the default namespace), the
message classes in that namespace, and the children of composite types (``BerichtIdentificatie``,
``Geboortedatum``, ``Product``, ``Omvang``, ``Naam``, ``Adres``, ...) in the basisschema namespace
(prefix ``ijw``). All values are invented; BSNs come from the official test range.

Import from a test module as ``import fixtures``: ``tests/`` has no ``__init__.py``, so pytest puts
the folder on ``sys.path``.
"""

from __future__ import annotations

import base64
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from kit import config
from kit.privacy import Pseudonymiser

BASIS_NS = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"
# 64 hex characters (256 bits): `kit inlezen` refuses weak keys.
TEST_KEY = "96e7e6d2425850aa06aeeb12bf2f2e72d744a1e5824d851ace9bc82c29d3e768"

GEMEENTE = "0599"  # CBS gemeentecode (sends 301/319/325)
AANBIEDER = "42101234"  # AGB code (sends 305/307/315/317/323)
ANDERE_GEMEENTE = "0363"  # gemeente named under woonplaatsbeginsel in the 319

# Test-range BSNs (999900006-999999990) that pass the 11-proef.
BSN_A = "999900006"  # Femke: 301/302/305/306/307/308/317/318/323
BSN_B = "999900018"  # Daan: 315/316/323/325
BSN_C = "999900031"  # only in the 323 (second prestatie client)
BSNS = (BSN_A, BSN_B, BSN_C)

# Personal data that the fixtures contain and the store must never hold.
GEBOORTEDATUM_A = "2012-03-17"
GEBOORTEDATUM_B = "2009-11-05"
GEBOORTEDATUM_OUDER = "1981-07-23"
ACHTERNAAM_A = "Jansen-Oosterhuis"
VOORNAMEN_A = "Femke Lotte"
ACHTERNAAM_B = "Bakkerveld"
VOORNAMEN_B = "Daantje"
ACHTERNAAM_OUDER = "Oosterhuis"
VOORNAMEN_OUDER = "Hendrika"
STRAAT = "Lindengracht"
POSTCODE = "1015KH"
TELEFOON = "0612345678"
CLIENT_COMMENTAAR = "Moeder vraagt begeleiding na schooltijd, contact via de mentor"
PRODUCT_COMMENTAAR = "Afspraak met de jeugdarts loopt nog"
VERZOEK_COMMENTAAR = "Wachtlijst bij vorige aanbieder te lang"
VERWIJZER_NAAM = "Dr. Vermeulen-Smit"

SENSITIVE_TEXTS = (
    ACHTERNAAM_A,
    VOORNAMEN_A,
    ACHTERNAAM_B,
    VOORNAMEN_B,
    ACHTERNAAM_OUDER,
    VOORNAMEN_OUDER,
    STRAAT,
    POSTCODE,
    TELEFOON,
    CLIENT_COMMENTAAR,
    PRODUCT_COMMENTAAR,
    VERZOEK_COMMENTAAR,
    VERWIJZER_NAAM,
)
BIRTH_DATES = (GEBOORTEDATUM_A, GEBOORTEDATUM_B, GEBOORTEDATUM_OUDER)

BERICHTCODE = {
    "301": 436,
    "302": 437,
    "305": 438,
    "306": 439,
    "307": 440,
    "308": 441,
    "315": 446,
    "316": 447,
    "317": 486,
    "318": 487,
    "319": 488,
    "320": 489,
    "323": 490,
    "325": 491,
}
HEEN = {"302": "301", "306": "305", "308": "307", "316": "315", "318": "317", "320": "319"}
SENT_BY_GEMEENTE = {"301", "319", "325"}


def message_ns(nr: str, *, domein: str = "ijw", versie: str = "3_2", soort: str = "jw") -> str:
    """Return the namespace of a message, e.g. ``.../ijw/3_2/jw301/schema``."""
    return f"http://www.istandaarden.nl/{domein}/{versie}/{soort}{nr}/schema"


# --------------------------------------------------------------------------------------------
# Building blocks


def bericht(nr: str, header: str, body: str, *, ns: str | None = None) -> bytes:
    """Wrap a header and body in a ``Bericht`` root with the message and basisschema namespaces."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Bericht xmlns="{ns or message_ns(nr)}" xmlns:ijw="{BASIS_NS}">\n'
        f"{header}{body}</Bericht>\n"
    ).encode()


def header(
    nr: str,
    *,
    identificatie: str,
    dagtekening: str,
    berichtcode: int | str | None = None,
    extra: str = "",
) -> str:
    """Header of a heenbericht; ``extra`` goes after ``XsdVersie`` (retour/325 elements)."""
    heen = HEEN.get(nr, nr)
    afzender, ontvanger = (
        (GEMEENTE, AANBIEDER) if heen in SENT_BY_GEMEENTE else (AANBIEDER, GEMEENTE)
    )
    code = BERICHTCODE[nr] if berichtcode is None else berichtcode
    return f"""  <Header>
    <BerichtCode>{code}</BerichtCode>
    <BerichtVersie>3</BerichtVersie>
    <BerichtSubversie>2</BerichtSubversie>
    <Afzender>{afzender}</Afzender>
    <Ontvanger>{ontvanger}</Ontvanger>
    <BerichtIdentificatie>
      <ijw:Identificatie>{identificatie}</ijw:Identificatie>
      <ijw:Dagtekening>{dagtekening}</ijw:Dagtekening>
    </BerichtIdentificatie>
    <XsdVersie>
      <ijw:BasisschemaXsdVersie>1.2.0</ijw:BasisschemaXsdVersie>
      <ijw:BerichtXsdVersie>1.2.0</ijw:BerichtXsdVersie>
    </XsdVersie>
{extra}  </Header>
"""


def retour_header(
    nr: str,
    *,
    identificatie: str,
    dagtekening: str,
    retour_id: str,
    retour_dag: str,
    codes: tuple[str, ...] = (),
) -> str:
    """Header of a retourbericht: the heenbericht's header plus the retour's own elements."""
    extra = f"""    <IdentificatieRetour>{retour_id}</IdentificatieRetour>
    <DagtekeningRetour>{retour_dag}</DagtekeningRetour>
    <XsltVersie>1.2.0</XsltVersie>
    <XsdVersieRetour>
      <ijw:BasisschemaXsdVersie>1.2.0</ijw:BasisschemaXsdVersie>
      <ijw:BerichtXsdVersie>1.2.0</ijw:BerichtXsdVersie>
    </XsdVersieRetour>
{retourcodes(*codes, indent=4)}"""
    return header(nr, identificatie=identificatie, dagtekening=dagtekening, extra=extra)


def retourcodes(*codes: str, indent: int = 6) -> str:
    """A ``RetourCodes`` block (empty string for no codes)."""
    if not codes:
        return ""
    pad = " " * indent
    inner = "".join(f"{pad}  <RetourCode>{c}</RetourCode>\n" for c in codes)
    return f"{pad}<RetourCodes>\n{inner}{pad}</RetourCodes>\n"


def client_a(*, codes: tuple[str, ...] = ()) -> str:
    """Client elements of Femke (the part before the product list), as in 301/305/307."""
    return f"""    <Bsn>{BSN_A}</Bsn>
    <Geboortedatum>
      <ijw:Datum>{GEBOORTEDATUM_A}</ijw:Datum>
    </Geboortedatum>
    <Geslacht>2</Geslacht>
    <Naam>
      <ijw:Geslachtsnaam>
        <ijw:Achternaam>{ACHTERNAAM_A}</ijw:Achternaam>
      </ijw:Geslachtsnaam>
      <ijw:Voornamen>{VOORNAMEN_A}</ijw:Voornamen>
      <ijw:Voorletters>FL</ijw:Voorletters>
    </Naam>
{retourcodes(*codes, indent=4)}"""


def client_b(*, codes: tuple[str, ...] = ()) -> str:
    """Client elements of Daan (the 315/316 client), with an unknown day of birth."""
    return f"""    <Bsn>{BSN_B}</Bsn>
    <Geboortedatum>
      <ijw:Datum>{GEBOORTEDATUM_B}</ijw:Datum>
      <ijw:DatumGebruik>1</ijw:DatumGebruik>
    </Geboortedatum>
    <Geslacht>1</Geslacht>
    <Naam>
      <ijw:Geslachtsnaam>
        <ijw:Achternaam>{ACHTERNAAM_B}</ijw:Achternaam>
      </ijw:Geslachtsnaam>
      <ijw:Voornamen>{VOORNAMEN_B}</ijw:Voornamen>
    </Naam>
    <GezagsdragerBekend>1</GezagsdragerBekend>
    <Commentaar>{VERZOEK_COMMENTAAR}</Commentaar>
{retourcodes(*codes, indent=4)}"""


# --------------------------------------------------------------------------------------------
# Toewijzing (301/302)

TOEGEWEZEN_PRODUCTEN = f"""    <ToegewezenProducten>
      <ToegewezenProduct>
        <ToewijzingNummer>300201</ToewijzingNummer>
        <Product>
          <ijw:Categorie>45</ijw:Categorie>
          <ijw:Code>45A48</ijw:Code>
        </Product>
        <Toewijzingsdatum>2025-01-30</Toewijzingsdatum>
        <Toewijzingstijd>14:05:00</Toewijzingstijd>
        <Ingangsdatum>2025-02-10</Ingangsdatum>
        <Einddatum>2025-08-09</Einddatum>
        <Omvang>
          <ijw:Volume>2</ijw:Volume>
          <ijw:Eenheid>04</ijw:Eenheid>
          <ijw:Frequentie>2</ijw:Frequentie>
        </Omvang>
        <Commentaar>{PRODUCT_COMMENTAAR}</Commentaar>
{{codes1}}      </ToegewezenProduct>
      <ToegewezenProduct>
        <ToewijzingNummer>300202</ToewijzingNummer>
        <ReferentieAanbieder>VOT-2025-0042</ReferentieAanbieder>
        <Product>
          <ijw:Categorie>54</ijw:Categorie>
        </Product>
        <Toewijzingsdatum>2025-01-31</Toewijzingsdatum>
        <Toewijzingstijd>09:30:00</Toewijzingstijd>
        <Ingangsdatum>2025-01-06</Ingangsdatum>
        <Einddatum>2025-01-06</Einddatum>
        <RedenWijziging>13</RedenWijziging>
        <Budget>150000</Budget>
      </ToegewezenProduct>
    </ToegewezenProducten>
"""


def jw301(
    *,
    identificatie: str = "TW-000101",
    dagtekening: str = "2025-02-03",
    bsn: str = BSN_A,
    ns: str | None = None,
    berichtcode: int | str | None = None,
) -> bytes:
    """Toewijzing: Femke, with address, relation, comments and two toegewezen producten."""
    body = f"""  <Client>
{client_a().replace(BSN_A, bsn)}    <Communicatie>
      <ijw:Vorm>1</ijw:Vorm>
    </Communicatie>
    <JuridischeStatus>04</JuridischeStatus>
    <WettelijkeVertegenwoordiging>06</WettelijkeVertegenwoordiging>
    <Commentaar>{CLIENT_COMMENTAAR}</Commentaar>
    <Relaties>
      <Relatie>
        <Nummer>1</Nummer>
        <Volgorde>1</Volgorde>
        <Soort>10</Soort>
        <Geboortedatum>
          <ijw:Datum>{GEBOORTEDATUM_OUDER}</ijw:Datum>
        </Geboortedatum>
        <Geslacht>2</Geslacht>
        <Naam>
          <ijw:Geslachtsnaam>
            <ijw:Achternaam>{ACHTERNAAM_OUDER}</ijw:Achternaam>
          </ijw:Geslachtsnaam>
          <ijw:Voornamen>{VOORNAMEN_OUDER}</ijw:Voornamen>
        </Naam>
      </Relatie>
    </Relaties>
    <Contactgegevens>
      <Contact>
        <Soort>01</Soort>
        <Adres>
          <ijw:Straatnaam>{STRAAT}</ijw:Straatnaam>
          <ijw:Huisnummer>42</ijw:Huisnummer>
          <ijw:Postcode>{POSTCODE}</ijw:Postcode>
          <ijw:Plaatsnaam>Rotterdam</ijw:Plaatsnaam>
        </Adres>
        <Telefoon>
          <ijw:Landnummer>0031</ijw:Landnummer>
          <ijw:Telefoonnummer>{TELEFOON}</ijw:Telefoonnummer>
        </Telefoon>
        <Periode>
          <ijw:Begindatum>2020-01-01</ijw:Begindatum>
        </Periode>
      </Contact>
    </Contactgegevens>
{TOEGEWEZEN_PRODUCTEN.format(codes1="")}  </Client>
"""
    return bericht(
        "301",
        header(
            "301", identificatie=identificatie, dagtekening=dagtekening, berichtcode=berichtcode
        ),
        body,
        ns=ns,
    )


def jw302() -> bytes:
    """Retour of the 301: header approved, one product rejected (S329) on the first product."""
    body = f"""  <Client>
{client_a(codes=("0200",))}{TOEGEWEZEN_PRODUCTEN.format(codes1=retourcodes("S329", indent=8))}\
  </Client>
"""
    head = retour_header(
        "302",
        identificatie="TW-000101",
        dagtekening="2025-02-03",
        retour_id="RT-880001",
        retour_dag="2025-02-04",
        codes=("0200",),
    )
    return bericht("302", head, body)


# --------------------------------------------------------------------------------------------
# Start and stop (305/306, 307/308)


def _start_products(codes: str = "") -> str:
    return f"""    <StartProducten>
      <StartProduct>
        <ToewijzingNummer>300201</ToewijzingNummer>
        <Product>
          <ijw:Categorie>45</ijw:Categorie>
          <ijw:Code>45A48</ijw:Code>
        </Product>
        <ToewijzingIngangsdatum>2025-02-10</ToewijzingIngangsdatum>
        <Begindatum>2025-02-12</Begindatum>
        <StatusAanlevering>1</StatusAanlevering>
{codes}      </StartProduct>
      <StartProduct>
        <ToewijzingNummer>300201</ToewijzingNummer>
        <Product>
          <ijw:Categorie>45</ijw:Categorie>
          <ijw:Code>45A48</ijw:Code>
        </Product>
        <ToewijzingIngangsdatum>2025-02-10</ToewijzingIngangsdatum>
        <Begindatum>2025-02-11</Begindatum>
        <StatusAanlevering>3</StatusAanlevering>
      </StartProduct>
    </StartProducten>
"""


def jw305(*, identificatie: str = "ST-2025-0007", dagtekening: str = "2025-02-14") -> bytes:
    """Start: a first aanlevering and the removal of an earlier start."""
    body = f"  <Client>\n{client_a()}{_start_products()}  </Client>\n"
    return bericht("305", header("305", identificatie=identificatie, dagtekening=dagtekening), body)


def jw306() -> bytes:
    """Retour of the 305 with code 9074 on the first StartProduct."""
    body = f"  <Client>\n{client_a()}{_start_products(retourcodes('9074', indent=8))}  </Client>\n"
    head = retour_header(
        "306",
        identificatie="ST-2025-0007",
        dagtekening="2025-02-14",
        retour_id="RT-880002",
        retour_dag="2025-02-17",
    )
    return bericht("306", head, body)


def _stop_products(codes: str = "") -> str:
    return f"""    <StopProducten>
      <StopProduct>
        <ToewijzingNummer>300201</ToewijzingNummer>
        <Product>
          <ijw:Categorie>45</ijw:Categorie>
          <ijw:Code>45A48</ijw:Code>
        </Product>
        <ToewijzingIngangsdatum>2025-02-10</ToewijzingIngangsdatum>
        <Begindatum>2025-02-12</Begindatum>
        <Einddatum>2025-06-30</Einddatum>
        <RedenBeeindiging>20</RedenBeeindiging>
        <StatusAanlevering>1</StatusAanlevering>
{codes}      </StopProduct>
    </StopProducten>
"""


def jw307() -> bytes:
    """Stop: a temporary end (reason 20)."""
    body = f"  <Client>\n{client_a()}{_stop_products()}  </Client>\n"
    return bericht(
        "307", header("307", identificatie="SP-2025-0003", dagtekening="2025-07-02"), body
    )


def jw308() -> bytes:
    """Retour of the 307 with code 9069 (no current start with the same key)."""
    body = f"  <Client>\n{client_a()}{_stop_products(retourcodes('9069', indent=8))}  </Client>\n"
    head = retour_header(
        "308",
        identificatie="SP-2025-0003",
        dagtekening="2025-07-02",
        retour_id="RT-880003",
        retour_dag="2025-07-03",
    )
    return bericht("308", head, body)


# --------------------------------------------------------------------------------------------
# Verzoek om toewijzing (315/316)


def _aangevraagde_producten(codes: str = "") -> str:
    return f"""    <AangevraagdeProducten>
      <AangevraagdProduct>
        <ReferentieAanbieder>VOT-2025-0042</ReferentieAanbieder>
        <Product>
          <ijw:Categorie>54</ijw:Categorie>
          <ijw:Code>54001</ijw:Code>
        </Product>
        <ToewijzingIngangsdatum>2025-01-06</ToewijzingIngangsdatum>
        <ToewijzingEinddatum>2025-07-05</ToewijzingEinddatum>
        <Omvang>
          <ijw:Volume>3</ijw:Volume>
          <ijw:Eenheid>04</ijw:Eenheid>
          <ijw:Frequentie>2</ijw:Frequentie>
        </Omvang>
        <Verwijzer>
          <Type>02</Type>
          <Naam>{VERWIJZER_NAAM}</Naam>
          <ZorgverlenerCode>01012345</ZorgverlenerCode>
        </Verwijzer>
        <Commentaar>{VERZOEK_COMMENTAAR}</Commentaar>
{codes}      </AangevraagdProduct>
      <AangevraagdProduct>
        <ReferentieAanbieder>VOT-2025-0043</ReferentieAanbieder>
        <BeschikkingNummer>BS-77120</BeschikkingNummer>
        <BeschikkingIngangsdatum>2024-12-01</BeschikkingIngangsdatum>
        <ToewijzingIngangsdatum>2025-01-06</ToewijzingIngangsdatum>
        <ToewijzingEinddatum>2025-12-31</ToewijzingEinddatum>
        <Budget>250000</Budget>
        <Verwijzer>
          <Type>06</Type>
        </Verwijzer>
        <Raamcontract>2</Raamcontract>
      </AangevraagdProduct>
    </AangevraagdeProducten>
"""


def jw315() -> bytes:
    """Verzoek om toewijzing for Daan: a specific product and a generic budget request."""
    body = f"  <Client>\n{client_b()}{_aangevraagde_producten()}  </Client>\n"
    return bericht(
        "315", header("315", identificatie="VT-2025-0042", dagtekening="2024-12-20"), body
    )


def jw316() -> bytes:
    """Retour of the 315 with code 9347 on the first AangevraagdProduct."""
    body = (
        f"  <Client>\n{client_b(codes=('0200',))}"
        f"{_aangevraagde_producten(retourcodes('9347', indent=8))}  </Client>\n"
    )
    head = retour_header(
        "316",
        identificatie="VT-2025-0042",
        dagtekening="2024-12-20",
        retour_id="RT-880004",
        retour_dag="2024-12-23",
    )
    return bericht("316", head, body)


# --------------------------------------------------------------------------------------------
# Verzoek om wijziging (317/318)


def _verzoek(verzoek_codes: str = "", product_codes: str = "") -> str:
    return f"""    <Verzoek>
      <ReferentieAanbieder>VOW-2025-0007</ReferentieAanbieder>
      <RedenVerzoek>2</RedenVerzoek>
      <OngewijzigdeProducten>
        <OngewijzigdProduct>
          <ToewijzingNummer>300202</ToewijzingNummer>
        </OngewijzigdProduct>
      </OngewijzigdeProducten>
      <TeWijzigenProducten>
        <TeWijzigenProduct>
          <ToewijzingNummer>300201</ToewijzingNummer>
          <GewensteIngangsdatum>2025-02-10</GewensteIngangsdatum>
          <Einddatum>2025-12-31</Einddatum>
          <Omvang>
            <ijw:Volume>4</ijw:Volume>
            <ijw:Eenheid>04</ijw:Eenheid>
            <ijw:Frequentie>2</ijw:Frequentie>
          </Omvang>
{product_codes}        </TeWijzigenProduct>
      </TeWijzigenProducten>
      <NieuweProducten>
        <NieuwProduct>
          <Product>
            <ijw:Categorie>45</ijw:Categorie>
            <ijw:Code>45A52</ijw:Code>
          </Product>
          <GewensteIngangsdatum>2025-05-01</GewensteIngangsdatum>
          <Einddatum>2025-10-31</Einddatum>
          <Omvang>
            <ijw:Volume>10</ijw:Volume>
            <ijw:Eenheid>16</ijw:Eenheid>
            <ijw:Frequentie>6</ijw:Frequentie>
          </Omvang>
        </NieuwProduct>
      </NieuweProducten>
{verzoek_codes}    </Verzoek>
"""


def jw317() -> bytes:
    """Verzoek om wijziging for Femke: one unchanged, one changed and one new product."""
    body = f"  <Client>\n    <Bsn>{BSN_A}</Bsn>\n{_verzoek()}  </Client>\n"
    return bericht(
        "317", header("317", identificatie="VW-2025-0007", dagtekening="2025-04-14"), body
    )


def jw318() -> bytes:
    """Retour of the 317: Verzoek approved (0200), the TeWijzigenProduct rejected (9359)."""
    body = (
        f"  <Client>\n    <Bsn>{BSN_A}</Bsn>\n"
        f"{_verzoek(retourcodes('0200', indent=6), retourcodes('9359', indent=10))}"
        "  </Client>\n"
    )
    head = retour_header(
        "318",
        identificatie="VW-2025-0007",
        dagtekening="2025-04-14",
        retour_id="RT-880005",
        retour_dag="2025-04-15",
    )
    return bericht("318", head, body)


# --------------------------------------------------------------------------------------------
# Antwoordbericht (319/320): no client


def _antwoord(codes: str = "") -> str:
    return f"""  <Antwoord>
    <ReferentieAanbieder>VOW-2025-0007</ReferentieAanbieder>
    <VerzoekAntwoord>1</VerzoekAntwoord>
    <RedenAfwijzingVerzoek>8</RedenAfwijzingVerzoek>
    <Woonplaatsbeginsel>
      <Gemeente>{ANDERE_GEMEENTE}</Gemeente>
    </Woonplaatsbeginsel>
{codes}  </Antwoord>
"""


def jw319() -> bytes:
    """Antwoord: the 317 rejected on woonplaatsbeginsel (reason 8)."""
    return bericht(
        "319", header("319", identificatie="AW-2025-0011", dagtekening="2025-04-18"), _antwoord()
    )


def jw320() -> bytes:
    """Retour of the 319 with code 9355 on the Antwoord."""
    head = retour_header(
        "320",
        identificatie="AW-2025-0011",
        dagtekening="2025-04-18",
        retour_id="RT-880006",
        retour_dag="2025-04-22",
    )
    return bericht("320", head, _antwoord(retourcodes("9355", indent=4)))


# --------------------------------------------------------------------------------------------
# Declaratie (323) and declaratie-antwoord (325)

PRESTATIE_B = """          <Prestatie>
            <ProductReferentie>
              <ReferentieNummer>RN-B-0001</ReferentieNummer>
            </ProductReferentie>
            <ToewijzingNummer>300305</ToewijzingNummer>
            <ProductCategorie>54</ProductCategorie>
            <ProductCode>54001</ProductCode>
            <ProductPeriode>
              <ijw:Begindatum>2025-03-01</ijw:Begindatum>
              <ijw:Einddatum>2025-03-31</ijw:Einddatum>
            </ProductPeriode>
            <GeleverdVolume>2</GeleverdVolume>
            <Eenheid>04</Eenheid>
            <ProductTarief>4700</ProductTarief>
            <IngediendBedrag>
              <ijw:Bedrag>9400</ijw:Bedrag>
              <ijw:DebetCredit>D</ijw:DebetCredit>
            </IngediendBedrag>
{codes}          </Prestatie>
"""


def jw323() -> bytes:
    """Declaratie March 2025: Femke (debet + credit), Daan (debet), a third client (debet)."""
    body = f"""  <Declaratie>
    <DeclaratieNummer>D2025030001</DeclaratieNummer>
    <DeclaratiePeriode>
      <ijw:Begindatum>2025-03-01</ijw:Begindatum>
      <ijw:Einddatum>2025-03-31</ijw:Einddatum>
    </DeclaratiePeriode>
    <DeclaratieDagtekening>2025-04-04</DeclaratieDagtekening>
    <TotaalIngediendBedrag>
      <ijw:TotaalBedrag>59900</ijw:TotaalBedrag>
      <ijw:DebetCredit>D</ijw:DebetCredit>
    </TotaalIngediendBedrag>
    <Clienten>
      <Client>
        <Bsn>{BSN_A}</Bsn>
        <Prestaties>
          <Prestatie>
            <ProductReferentie>
              <ReferentieNummer>RN-A-0001</ReferentieNummer>
            </ProductReferentie>
            <ToewijzingNummer>300201</ToewijzingNummer>
            <ProductCategorie>45</ProductCategorie>
            <ProductCode>45A48</ProductCode>
            <ProductPeriode>
              <ijw:Begindatum>2025-03-01</ijw:Begindatum>
              <ijw:Einddatum>2025-03-31</ijw:Einddatum>
            </ProductPeriode>
            <GeleverdVolume>8</GeleverdVolume>
            <Eenheid>04</Eenheid>
            <ProductTarief>6250</ProductTarief>
            <IngediendBedrag>
              <ijw:Bedrag>50000</ijw:Bedrag>
              <ijw:DebetCredit>D</ijw:DebetCredit>
            </IngediendBedrag>
          </Prestatie>
          <Prestatie>
            <ProductReferentie>
              <ReferentieNummer>RN-A-0002</ReferentieNummer>
              <VorigReferentieNummer>RN-A-0000</VorigReferentieNummer>
            </ProductReferentie>
            <ToewijzingNummer>300201</ToewijzingNummer>
            <ProductCategorie>45</ProductCategorie>
            <ProductCode>45A48</ProductCode>
            <ProductPeriode>
              <ijw:Begindatum>2025-02-12</ijw:Begindatum>
              <ijw:Einddatum>2025-02-28</ijw:Einddatum>
            </ProductPeriode>
            <GeleverdVolume>1</GeleverdVolume>
            <Eenheid>04</Eenheid>
            <ProductTarief>6250</ProductTarief>
            <IngediendBedrag>
              <ijw:Bedrag>6250</ijw:Bedrag>
              <ijw:DebetCredit>C</ijw:DebetCredit>
            </IngediendBedrag>
          </Prestatie>
        </Prestaties>
      </Client>
      <Client>
        <Bsn>{BSN_B}</Bsn>
        <Prestaties>
{PRESTATIE_B.format(codes="")}        </Prestaties>
      </Client>
      <Client>
        <Bsn>{BSN_C}</Bsn>
        <Prestaties>
          <Prestatie>
            <ProductReferentie>
              <ReferentieNummer>RN-C-0001</ReferentieNummer>
            </ProductReferentie>
            <ToewijzingNummer>300410</ToewijzingNummer>
            <ProductCategorie>45</ProductCategorie>
            <ProductCode>45A48</ProductCode>
            <ProductPeriode>
              <ijw:Begindatum>2025-03-10</ijw:Begindatum>
              <ijw:Einddatum>2025-03-20</ijw:Einddatum>
            </ProductPeriode>
            <GeleverdVolume>1</GeleverdVolume>
            <Eenheid>04</Eenheid>
            <ProductTarief>6750</ProductTarief>
            <IngediendBedrag>
              <ijw:Bedrag>6750</ijw:Bedrag>
              <ijw:DebetCredit>D</ijw:DebetCredit>
            </IngediendBedrag>
          </Prestatie>
        </Prestaties>
      </Client>
    </Clienten>
  </Declaratie>
"""
    return bericht(
        "323", header("323", identificatie="DC-2025-0003", dagtekening="2025-04-04"), body
    )


def jw325() -> bytes:
    """Declaratie-antwoord: Daan's prestatie rejected (9338), the rest approved."""
    extra = f"""    <DeclaratieIdentificatie>
      <ijw:Identificatie>DC-2025-0003</ijw:Identificatie>
      <ijw:Dagtekening>2025-04-04</ijw:Dagtekening>
    </DeclaratieIdentificatie>
    <XsltVersie>1.2.0</XsltVersie>
    <XsdVersieDeclaratie>
      <ijw:BasisschemaXsdVersie>1.2.0</ijw:BasisschemaXsdVersie>
      <ijw:BerichtXsdVersie>1.2.0</ijw:BerichtXsdVersie>
    </XsdVersieDeclaratie>
{retourcodes("0200", indent=4)}"""
    body = f"""  <DeclaratieAntwoord>
    <DeclaratieNummer>D2025030001</DeclaratieNummer>
    <TotaalIngediendBedrag>
      <ijw:TotaalBedrag>59900</ijw:TotaalBedrag>
      <ijw:DebetCredit>D</ijw:DebetCredit>
    </TotaalIngediendBedrag>
    <TotaalToegekendBedrag>
      <ijw:TotaalBedrag>50500</ijw:TotaalBedrag>
      <ijw:DebetCredit>D</ijw:DebetCredit>
    </TotaalToegekendBedrag>
    <Clienten>
      <Client>
        <Bsn>{BSN_B}</Bsn>
        <Prestaties>
{PRESTATIE_B.format(codes=retourcodes("9338", indent=12))}        </Prestaties>
      </Client>
    </Clienten>
  </DeclaratieAntwoord>
"""
    head = header("325", identificatie="DA-2025-0003", dagtekening="2025-04-11", extra=extra)
    return bericht("325", head, body)


BUILDERS = {
    "301": jw301,
    "302": jw302,
    "305": jw305,
    "306": jw306,
    "307": jw307,
    "308": jw308,
    "315": jw315,
    "316": jw316,
    "317": jw317,
    "318": jw318,
    "319": jw319,
    "320": jw320,
    "323": jw323,
    "325": jw325,
}
ALL_TYPES = tuple(BUILDERS)

# The 305 written the way the reference's §9 skeleton does: every element with a prefix.
JW305_PREFIXED = f"""<?xml version="1.0" encoding="UTF-8"?>
<jw305:Bericht xmlns:ijw="{BASIS_NS}" xmlns:jw305="{message_ns("305")}">
  <jw305:Header>
    <jw305:BerichtCode>438</jw305:BerichtCode>
    <jw305:BerichtVersie>3</jw305:BerichtVersie>
    <jw305:BerichtSubversie>2</jw305:BerichtSubversie>
    <jw305:Afzender>{AANBIEDER}</jw305:Afzender>
    <jw305:Ontvanger>{GEMEENTE}</jw305:Ontvanger>
    <jw305:BerichtIdentificatie>
      <ijw:Identificatie>ST-2025-0100</ijw:Identificatie>
      <ijw:Dagtekening>2025-03-03</ijw:Dagtekening>
    </jw305:BerichtIdentificatie>
    <jw305:XsdVersie>
      <ijw:BasisschemaXsdVersie>1.2.0</ijw:BasisschemaXsdVersie>
      <ijw:BerichtXsdVersie>1.2.0</ijw:BerichtXsdVersie>
    </jw305:XsdVersie>
  </jw305:Header>
  <jw305:Client>
    <jw305:Bsn>{BSN_B}</jw305:Bsn>
    <jw305:Geboortedatum><ijw:Datum>{GEBOORTEDATUM_B}</ijw:Datum></jw305:Geboortedatum>
    <jw305:Geslacht>1</jw305:Geslacht>
    <jw305:Naam><ijw:Geslachtsnaam><ijw:Achternaam>{ACHTERNAAM_B}</ijw:Achternaam>\
</ijw:Geslachtsnaam></jw305:Naam>
    <jw305:StartProducten>
      <jw305:StartProduct>
        <jw305:ToewijzingNummer>300305</jw305:ToewijzingNummer>
        <jw305:Product><ijw:Categorie>54</ijw:Categorie><ijw:Code>54001</ijw:Code></jw305:Product>
        <jw305:ToewijzingIngangsdatum>2025-01-06</jw305:ToewijzingIngangsdatum>
        <jw305:Begindatum>2025-02-24</jw305:Begindatum>
        <jw305:StatusAanlevering>1</jw305:StatusAanlevering>
      </jw305:StartProduct>
    </jw305:StartProducten>
  </jw305:Client>
</jw305:Bericht>
""".encode()


def envelope(*messages: bytes) -> bytes:
    """Wrap iJw messages in a StUF/GGk-like SOAP envelope (XML declarations dropped)."""
    inner = "".join(m.decode().split("?>", 1)[1] for m in messages)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
               xmlns:ggk="http://www.stufstandaarden.nl/koppelvlak/ggk0310">
  <soap:Header/>
  <soap:Body>
    <ggk:ggk0310-Di01>
      <ggk:stuurgegevens><ggk:berichtcode>Di01</ggk:berichtcode></ggk:stuurgegevens>
      <ggk:bericht>{inner}</ggk:bericht>
    </ggk:ggk0310-Di01>
  </soap:Body>
</soap:Envelope>
""".encode()


STUF_NS = "http://www.egem.nl/StUF/StUF0301"
GGK0210_NS = "http://www.stufstandaarden.nl/koppelvlak/ggk0210"
GGK0310_NS = "http://www.stufstandaarden.nl/koppelvlak/ggk0310"
XMIME_NS = "http://www.w3.org/2005/05/xmlmime"


def _stuurgegevens() -> str:
    return f"""<GGK:stuurgegevens>
    <StUF:berichtcode>Di01</StUF:berichtcode>
    <StUF:zender><StUF:organisatie>{GEMEENTE}</StUF:organisatie><StUF:applicatie>Jeugd</StUF:applicatie></StUF:zender>
    <StUF:ontvanger><StUF:organisatie>GGK</StUF:organisatie><StUF:applicatie>GGk</StUF:applicatie></StUF:ontvanger>
    <StUF:referentienummer>9c0f7b90-5c69-41e5-a837-0800200c9a66</StUF:referentienummer>
    <StUF:tijdstipBericht>20250130140500</StUF:tijdstipBericht>
    <StUF:functie>JW301</StUF:functie>
  </GGK:stuurgegevens>"""


def _parameters(bericht: str) -> str:
    return f"""<GGK:parameters>
    <GGK:applicatieVersie>0001</GGK:applicatieVersie>
    <GGK:applicatieSubversie>0001</GGK:applicatieSubversie>
    <GGK:functieVersie>0003</GGK:functieVersie>
    <GGK:functieSubversie>0002</GGK:functieSubversie>
    {bericht}
  </GGK:parameters>"""


def _b64(data: bytes, width: int = 76) -> str:
    """Base64 in lines of ``width`` characters, as SOAP stacks write base64Binary."""
    text = base64.b64encode(data).decode("ascii")
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def ggk0210_envelope(message: bytes, *, text_file: bool = False) -> bytes:
    """A StUF-GGk 0210 Di01 envelope shaped like the specification's sample.

    The message travels base64-encoded in ``parameters/bericht/xmlBestand`` (or, with
    ``text_file``, in ``tekstBestand`` with a ``bestandsnaam``), as in
    ``envelopHeenbericht-ggk_Di01_v21-xml.xml`` of the GGk 0210 specification.
    """
    payload = (
        f'<GGK:tekstBestand bestandsnaam="Aanlevering.csv">{_b64(message)}</GGK:tekstBestand>'
        if text_file
        else f"<GGK:xmlBestand>{_b64(message)}</GGK:xmlBestand>"
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<GGK:envelopHeenbericht-ggk_Di01 xmlns:StUF="{STUF_NS}" xmlns:GGK="{GGK0210_NS}">
  {_stuurgegevens()}
  {_parameters(f"<GGK:bericht>{payload}</GGK:bericht>")}
</GGK:envelopHeenbericht-ggk_Di01>
""".encode()


def ggk0310_envelope(
    message: bytes, *, content_type: str = "application/xml", soap: bool = True
) -> bytes:
    """A StUF-GGk 0310 Di01 envelope: the message base64-encoded in ``parameters/bericht``.

    ``bericht`` is an ``xs:base64Binary`` with an ``xmime:contentType`` attribute; with ``soap``
    the envelope sits in a SOAP body, as the GGk webservice sends it.
    """
    body = f"""<GGK:envelopHeenbericht-ggk_Di01 xmlns:StUF="{STUF_NS}" xmlns:GGK="{GGK0310_NS}"
    xmlns:xmime="{XMIME_NS}">
  {_stuurgegevens()}
  {_parameters(f'<GGK:bericht xmime:contentType="{content_type}">{_b64(message)}</GGK:bericht>')}
</GGK:envelopHeenbericht-ggk_Di01>"""
    if soap:
        body = f"""<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
<soap:Header/><soap:Body>{body}</soap:Body></soap:Envelope>"""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode()


# --------------------------------------------------------------------------------------------
# Our own small XSDs (written for the tests; not the official iJw schemas)

BASISSCHEMA_XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{BASIS_NS}"
           xmlns="{BASIS_NS}" elementFormDefault="qualified">
  <xs:simpleType name="LDT_BurgerServicenummer">
    <xs:restriction base="xs:string"><xs:pattern value="[0-9]{{9}}"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="LDT_Gemeente">
    <xs:restriction base="xs:string"><xs:pattern value="[0-9]{{4}}"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="LDT_AgbCode">
    <xs:restriction base="xs:string"><xs:pattern value="[0-9]{{8}}"/></xs:restriction>
  </xs:simpleType>
  <xs:complexType name="CDT_BerichtIdentificatie">
    <xs:sequence>
      <xs:element name="Identificatie">
        <xs:simpleType><xs:restriction base="xs:string"><xs:maxLength value="12"/>
        </xs:restriction></xs:simpleType>
      </xs:element>
      <xs:element name="Dagtekening" type="xs:date"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="CDT_XsdVersie">
    <xs:sequence>
      <xs:element name="BasisschemaXsdVersie" type="xs:string"/>
      <xs:element name="BerichtXsdVersie" type="xs:string"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="CDT_Geboortedatum">
    <xs:sequence>
      <xs:element name="Datum" type="xs:date"/>
      <xs:element name="DatumGebruik" type="xs:string" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>
</xs:schema>
"""

JW301_XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:ijw="{BASIS_NS}"
           targetNamespace="{message_ns("301")}" xmlns="{message_ns("301")}"
           elementFormDefault="qualified">
  <xs:import namespace="{BASIS_NS}" schemaLocation="basisschema.xsd"/>
  <xs:element name="Bericht">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="Header" type="Header"/>
        <xs:element name="Client" type="Client"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:complexType name="Header">
    <xs:sequence>
      <xs:element name="BerichtCode">
        <xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="436"/>
        </xs:restriction></xs:simpleType>
      </xs:element>
      <xs:element name="BerichtVersie" type="xs:string"/>
      <xs:element name="BerichtSubversie" type="xs:string"/>
      <xs:element name="Afzender" type="ijw:LDT_Gemeente"/>
      <xs:element name="Ontvanger" type="ijw:LDT_AgbCode"/>
      <xs:element name="BerichtIdentificatie" type="ijw:CDT_BerichtIdentificatie"/>
      <xs:element name="XsdVersie" type="ijw:CDT_XsdVersie"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="Client">
    <xs:sequence>
      <xs:element name="Bsn" type="ijw:LDT_BurgerServicenummer"/>
      <xs:element name="Geboortedatum" type="ijw:CDT_Geboortedatum"/>
      <xs:element name="Geslacht" type="xs:string"/>
      <xs:any namespace="##any" processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
    </xs:sequence>
  </xs:complexType>
</xs:schema>
"""


def write_xsds(folder: Path) -> Path:
    """Write ``basisschema.xsd`` and ``jw301.xsd`` into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "basisschema.xsd").write_text(BASISSCHEMA_XSD, encoding="utf-8")
    (folder / "jw301.xsd").write_text(JW301_XSD, encoding="utf-8")
    return folder


# --------------------------------------------------------------------------------------------
# Files, folders, archives and the key


def all_messages() -> dict[str, bytes]:
    """``{file name: bytes}`` with one message of every type (``jw301.xml`` ...)."""
    return {f"jw{nr}.xml": build() for nr, build in BUILDERS.items()}


def write_files(folder: Path, files: dict[str, bytes]) -> Path:
    """Write ``{relative path: bytes}`` below ``folder`` (sub folders created) and return it."""
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def zip_bytes(files: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip archive holding ``{member name: bytes}``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def tar_xz_bytes(files: dict[str, bytes]) -> bytes:
    """A ``.tar.xz`` archive holding ``{member name: bytes}``."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:xz") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_700_000_000
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def set_key(monkeypatch: pytest.MonkeyPatch, key: str = TEST_KEY) -> Pseudonymiser:
    """Put the key in ``KIT_PSEUDONIEM_SLEUTEL`` (so no key file is ever touched) and return it."""
    monkeypatch.setenv(config.ENV_KEY, key)
    monkeypatch.delenv(config.ENV_KEY_FILE, raising=False)
    return Pseudonymiser(key.encode("utf-8"))
