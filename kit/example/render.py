"""XML rendering of the example messages (string templates).

Element paths follow the contract in ``kit/berichten.yaml`` (see :mod:`kit.example.contract`).
Methods named after an iJw element write that element.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from xml.sax.saxutils import escape

from kit.example.contract import Contract
from kit.example.dates import month_end
from kit.example.model import Answer, Child, DeclLine, Message, Pathway, Version
from kit.example.region import GEMEENTE_NAMES, VERWIJZER_NAMES

NS_BASE = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"
XSD_VERSION = "1.0.0"


class Renderer:
    """Renders one :class:`~kit.example.model.Message` as the bytes of its XML file.

    In the methods ``p`` is the namespace prefix of the message (``jw301``) and ``t`` the
    indentation (tabs) of the element written.
    """

    def __init__(self, contract: Contract) -> None:
        self.contract = contract

    def __call__(self, m: Message) -> bytes:
        """The file content of one message (UTF-8, with a BOM when the message has one)."""
        bom = b"\xef\xbb\xbf" if m.bom else b""
        if m.copy_of is not None:
            m = m.copy_of
        if m.original is not None:
            body = self._retour(m)
        else:
            body = getattr(self, f"_b{m.bt}")(m)
        return bom + body.encode("utf-8")

    # -- building blocks ----------------------------------------------------------------------

    @staticmethod
    def _open(p: str, bt: str) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<{p}:Bericht xmlns:{p}="http://www.istandaarden.nl/ijw/3_2/jw{bt}/schema" '
            f'xmlns:ijw="{NS_BASE}">\n'
        )

    def _header(self, p: str, bt: str, m: Message, extra: str = "") -> str:
        return (
            f"\t<{p}:Header>\n"
            f"\t\t<{p}:BerichtCode>{self.contract.codes[bt]}</{p}:BerichtCode>\n"
            f"\t\t<{p}:BerichtVersie>3</{p}:BerichtVersie>\n"
            f"\t\t<{p}:BerichtSubversie>2</{p}:BerichtSubversie>\n"
            f"\t\t<{p}:Afzender>{m.sender}</{p}:Afzender>\n"
            f"\t\t<{p}:Ontvanger>{m.receiver}</{p}:Ontvanger>\n"
            f"\t\t<{p}:BerichtIdentificatie>\n"
            f"\t\t\t<ijw:Identificatie>{m.ident}</ijw:Identificatie>\n"
            f"\t\t\t<ijw:Dagtekening>{(m.wrong_day or m.day).isoformat()}</ijw:Dagtekening>\n"
            f"\t\t</{p}:BerichtIdentificatie>\n"
            f"\t\t<{p}:XsdVersie>\n"
            f"\t\t\t<ijw:BasisschemaXsdVersie>{XSD_VERSION}</ijw:BasisschemaXsdVersie>\n"
            f"\t\t\t<ijw:BerichtXsdVersie>{XSD_VERSION}</ijw:BerichtXsdVersie>\n"
            f"\t\t</{p}:XsdVersie>\n"
            f"{extra}"
            f"\t</{p}:Header>\n"
        )

    @staticmethod
    def _naam(p: str, child: Child, t: str, full: bool) -> str:
        prefix = (
            f"{t}\t\t<ijw:Voorvoegsel>{escape(child.surname_prefix)}</ijw:Voorvoegsel>\n"
            if child.surname_prefix
            else ""
        )
        usage = f"{t}\t<ijw:NaamGebruik>1</ijw:NaamGebruik>\n" if full else ""
        return (
            f"{t}<{p}:Naam>\n"
            f"{t}\t<ijw:Geslachtsnaam>\n"
            f"{t}\t\t<ijw:Achternaam>{escape(child.surname)}</ijw:Achternaam>\n"
            f"{prefix}"
            f"{t}\t</ijw:Geslachtsnaam>\n"
            f"{t}\t<ijw:Voornamen>{escape(child.first_name)}</ijw:Voornamen>\n"
            f"{t}\t<ijw:Voorletters>{escape(child.first_name[0])}</ijw:Voorletters>\n"
            f"{usage}"
            f"{t}</{p}:Naam>\n"
        )

    def _client_header(self, p: str, child: Child, full: bool = False) -> str:
        return (
            f"\t\t<{p}:Bsn>{child.bsn}</{p}:Bsn>\n"
            f"\t\t<{p}:Geboortedatum>\n"
            f"\t\t\t<ijw:Datum>{child.birth_date.isoformat()}</ijw:Datum>\n"
            f"\t\t</{p}:Geboortedatum>\n"
            f"\t\t<{p}:Geslacht>{child.sex}</{p}:Geslacht>\n" + self._naam(p, child, "\t\t", full)
        )

    @staticmethod
    def _product(p: str, cat: str, code: str, t: str) -> str:
        return (
            f"{t}<{p}:Product>\n"
            f"{t}\t<ijw:Categorie>{cat}</ijw:Categorie>\n"
            f"{t}\t<ijw:Code>{code}</ijw:Code>\n"
            f"{t}</{p}:Product>\n"
        )

    @staticmethod
    def _omvang(p: str, pathway: Pathway, t: str) -> str:
        return (
            f"{t}<{p}:Omvang>\n"
            f"{t}\t<ijw:Volume>{pathway.volume}</ijw:Volume>\n"
            f"{t}\t<ijw:Eenheid>{pathway.unit}</ijw:Eenheid>\n"
            f"{t}\t<ijw:Frequentie>{pathway.freq}</ijw:Frequentie>\n"
            f"{t}</{p}:Omvang>\n"
        )

    @staticmethod
    def _retourcodes(p: str, codes: Iterable[str], t: str) -> str:
        inner = "".join(f"{t}\t<{p}:RetourCode>{c}</{p}:RetourCode>\n" for c in codes)
        return f"{t}<{p}:RetourCodes>\n{inner}{t}</{p}:RetourCodes>\n"

    def _bedrag(self, p: str, name: str, amount_tag: str, amount: int, t: str) -> str:
        dc = "D" if amount >= 0 else "C"
        return (
            f"{t}<{p}:{name}>\n"
            f"{t}\t<ijw:{amount_tag}>{abs(amount)}</ijw:{amount_tag}>\n"
            f"{t}\t<ijw:DebetCredit>{dc}</ijw:DebetCredit>\n"
            f"{t}</{p}:{name}>\n"
        )

    # -- 301 ----------------------------------------------------------------------------------

    def _contactgegevens(self, p: str, child: Child, gem: str, codes: bool) -> str:
        street, number, postcode = child.addresses.get(gem) or next(iter(child.addresses.values()))
        place = GEMEENTE_NAMES[gem]
        rc = self._retourcodes(p, ["0200"], "\t\t\t\t") if codes else ""
        return (
            f"\t\t<{p}:Contactgegevens>\n"
            f"\t\t\t<{p}:Contact>\n"
            f"\t\t\t\t<{p}:Soort>01</{p}:Soort>\n"
            f"\t\t\t\t<{p}:Adres>\n"
            f"\t\t\t\t\t<ijw:Huis>\n"
            f"\t\t\t\t\t\t<ijw:Huisnummer>{number}</ijw:Huisnummer>\n"
            f"\t\t\t\t\t</ijw:Huis>\n"
            f"\t\t\t\t\t<ijw:Postcode>{postcode}</ijw:Postcode>\n"
            f"\t\t\t\t\t<ijw:Straatnaam>{escape(street)}</ijw:Straatnaam>\n"
            f"\t\t\t\t\t<ijw:Plaatsnaam>{escape(place)}</ijw:Plaatsnaam>\n"
            f"\t\t\t\t\t<ijw:LandCode>NL</ijw:LandCode>\n"
            f"\t\t\t\t</{p}:Adres>\n"
            f"{rc}"
            f"\t\t\t</{p}:Contact>\n"
            f"\t\t</{p}:Contactgegevens>\n"
        )

    def _toegewezen_product(
        self, p: str, pathway: Pathway, v: Version, codes: list[str] | None
    ) -> str:
        t = "\t\t\t\t"
        ref = (
            f"{t}<{p}:ReferentieAanbieder>{escape(v.ref)}</{p}:ReferentieAanbieder>\n"
            if v.ref
            else ""
        )
        reason = f"{t}<{p}:RedenWijziging>{v.reason}</{p}:RedenWijziging>\n" if v.reason else ""
        rc = self._retourcodes(p, codes, t) if codes else ""
        return (
            f"\t\t\t<{p}:ToegewezenProduct>\n"
            f"{t}<{p}:ToewijzingNummer>{pathway.tn}</{p}:ToewijzingNummer>\n"
            f"{ref}"
            + self._product(p, pathway.cat, pathway.code, t)
            + f"{t}<{p}:Toewijzingsdatum>{v.decided.isoformat()}</{p}:Toewijzingsdatum>\n"
            f"{t}<{p}:Toewijzingstijd>{v.time}</{p}:Toewijzingstijd>\n"
            f"{t}<{p}:Ingangsdatum>{v.valid_from.isoformat()}</{p}:Ingangsdatum>\n"
            f"{t}<{p}:Einddatum>{v.valid_to.isoformat()}</{p}:Einddatum>\n"
            f"{reason}" + self._omvang(p, pathway, t) + rc + f"\t\t\t</{p}:ToegewezenProduct>\n"
        )

    def _client301(self, p: str, m: Message, retour: bool) -> str:
        child = m.child
        first = m.items[0][0]
        extra = ""
        if first.route == "gi":
            extra = (
                f"\t\t<{p}:JuridischeStatus>04</{p}:JuridischeStatus>\n"
                if first.cat == "48"
                else ""
            )
            if first.code == "48A02":
                extra += (
                    f"\t\t<{p}:WettelijkeVertegenwoordiging>06</{p}:WettelijkeVertegenwoordiging>\n"
                )
        products = "".join(
            self._toegewezen_product(p, pathway, v, (["9332"] if retour else None))
            for pathway, v in m.items
        )
        rc = self._retourcodes(p, ["0200"], "\t\t") if retour else ""
        return (
            f"\t<{p}:Client>\n"
            + self._client_header(p, child, full=True)
            + extra
            + self._contactgegevens(p, child, m.sender, retour)
            + f"\t\t<{p}:ToegewezenProducten>\n{products}\t\t</{p}:ToegewezenProducten>\n"
            + rc
            + f"\t</{p}:Client>\n"
        )

    def _b301(self, m: Message) -> str:
        p = "jw301"
        return (
            self._open(p, "301")
            + self._header(p, "301", m)
            + self._client301(p, m, False)
            + f"</{p}:Bericht>\n"
        )

    # -- 305 / 307 ----------------------------------------------------------------------------

    def _b305(self, m: Message) -> str:
        p = "jw305"
        pathway, s = m.items[0]
        t = "\t\t\t\t"
        return (
            self._open(p, "305")
            + self._header(p, "305", m)
            + f"\t<{p}:Client>\n"
            + self._client_header(p, m.child)
            + f"\t\t<{p}:StartProducten>\n\t\t\t<{p}:StartProduct>\n"
            f"{t}<{p}:ToewijzingNummer>{pathway.tn}</{p}:ToewijzingNummer>\n"
            + self._product(p, pathway.cat, pathway.code, t)
            + f"{t}<{p}:ToewijzingIngangsdatum>{pathway.valid_from.isoformat()}</{p}:ToewijzingIngangsdatum>\n"
            f"{t}<{p}:Begindatum>{s.begin.isoformat()}</{p}:Begindatum>\n"
            f"{t}<{p}:StatusAanlevering>{s.status}</{p}:StatusAanlevering>\n"
            f"\t\t\t</{p}:StartProduct>\n\t\t</{p}:StartProducten>\n"
            f"\t</{p}:Client>\n</{p}:Bericht>\n"
        )

    def _b307(self, m: Message) -> str:
        p = "jw307"
        pathway, s = m.items[0]
        t = "\t\t\t\t"
        return (
            self._open(p, "307")
            + self._header(p, "307", m)
            + f"\t<{p}:Client>\n"
            + self._client_header(p, m.child)
            + f"\t\t<{p}:StopProducten>\n\t\t\t<{p}:StopProduct>\n"
            f"{t}<{p}:ToewijzingNummer>{pathway.tn}</{p}:ToewijzingNummer>\n"
            + self._product(p, pathway.cat, pathway.code, t)
            + f"{t}<{p}:ToewijzingIngangsdatum>{pathway.valid_from.isoformat()}</{p}:ToewijzingIngangsdatum>\n"
            f"{t}<{p}:Begindatum>{s.begin.isoformat()}</{p}:Begindatum>\n"
            f"{t}<{p}:RedenBeeindiging>{s.reason}</{p}:RedenBeeindiging>\n"
            f"{t}<{p}:Einddatum>{s.end.isoformat()}</{p}:Einddatum>\n"
            f"{t}<{p}:StatusAanlevering>{s.status}</{p}:StatusAanlevering>\n"
            f"\t\t\t</{p}:StopProduct>\n\t\t</{p}:StopProducten>\n"
            f"\t</{p}:Client>\n</{p}:Bericht>\n"
        )

    # -- 315 / 317 / 319 ----------------------------------------------------------------------

    def _b315(self, m: Message) -> str:
        p = "jw315"
        pathway, req = m.items[0]
        t = "\t\t\t\t"
        vt = req.verwijzer
        if vt in ("02", "03", "05") and pathway.child.idx % 3:
            verwijzer = f"{t}\t<ijw:ZorgverlenerCode>0199{pathway.child.idx % 10000:04d}</ijw:ZorgverlenerCode>\n"
        elif vt in VERWIJZER_NAMES:
            name = VERWIJZER_NAMES[vt][pathway.child.idx % len(VERWIJZER_NAMES[vt])]
            verwijzer = f"{t}\t<ijw:Naam>{escape(name)}</ijw:Naam>\n"
        else:
            verwijzer = ""
        return (
            self._open(p, "315")
            + self._header(p, "315", m)
            + f"\t<{p}:Client>\n"
            + self._client_header(p, m.child)
            + f"\t\t<{p}:GezagsdragerBekend>1</{p}:GezagsdragerBekend>\n"
            f"\t\t<{p}:AangevraagdeProducten>\n\t\t\t<{p}:AangevraagdProduct>\n"
            f"{t}<{p}:ReferentieAanbieder>{escape(req.ref)}</{p}:ReferentieAanbieder>\n"
            + self._product(p, pathway.cat, pathway.code, t)
            + f"{t}<{p}:ToewijzingIngangsdatum>{req.valid_from.isoformat()}</{p}:ToewijzingIngangsdatum>\n"
            f"{t}<{p}:ToewijzingEinddatum>{req.valid_to.isoformat()}</{p}:ToewijzingEinddatum>\n"
            + self._omvang(p, pathway, t)
            + f"{t}<{p}:Verwijzer>\n{t}\t<ijw:Type>{vt}</ijw:Type>\n{verwijzer}{t}</{p}:Verwijzer>\n"
            f"\t\t\t</{p}:AangevraagdProduct>\n\t\t</{p}:AangevraagdeProducten>\n"
            f"\t</{p}:Client>\n</{p}:Bericht>\n"
        )

    def _b317(self, m: Message) -> str:
        p = "jw317"
        pathway, cr = m.items[0]
        t = "\t\t\t\t\t"
        unchanged = ""
        if cr.unchanged:
            inner = "".join(
                f"\t\t\t\t<{p}:OngewijzigdProduct>\n{t}<{p}:ToewijzingNummer>{q.tn}</{p}:ToewijzingNummer>\n"
                f"\t\t\t\t</{p}:OngewijzigdProduct>\n"
                for q in cr.unchanged
            )
            unchanged = (
                f"\t\t\t<{p}:OngewijzigdeProducten>\n{inner}\t\t\t</{p}:OngewijzigdeProducten>\n"
            )
        return (
            self._open(p, "317")
            + self._header(p, "317", m)
            + f"\t<{p}:Client>\n\t\t<{p}:Bsn>{m.child.bsn}</{p}:Bsn>\n"
            f"\t\t<{p}:Verzoek>\n"
            f"\t\t\t<{p}:ReferentieAanbieder>{escape(cr.ref)}</{p}:ReferentieAanbieder>\n"
            f"\t\t\t<{p}:RedenVerzoek>2</{p}:RedenVerzoek>\n"
            f"{unchanged}"
            f"\t\t\t<{p}:TeWijzigenProducten>\n\t\t\t\t<{p}:TeWijzigenProduct>\n"
            f"{t}<{p}:ToewijzingNummer>{pathway.tn}</{p}:ToewijzingNummer>\n"
            f"{t}<{p}:GewensteIngangsdatum>{pathway.valid_from.isoformat()}</{p}:GewensteIngangsdatum>\n"
            f"{t}<{p}:Einddatum>{cr.new_end.isoformat()}</{p}:Einddatum>\n"
            + self._omvang(p, pathway, t)
            + f"\t\t\t\t</{p}:TeWijzigenProduct>\n\t\t\t</{p}:TeWijzigenProducten>\n"
            f"\t\t</{p}:Verzoek>\n\t</{p}:Client>\n</{p}:Bericht>\n"
        )

    def _b319(self, m: Message) -> str:
        p = "jw319"
        a: Answer = m.data["answer"]
        reason = (
            f"\t\t<{p}:RedenAfwijzingVerzoek>{a.reason}</{p}:RedenAfwijzingVerzoek>\n"
            if a.reason
            else ""
        )
        wpb = (
            f"\t\t<{p}:Woonplaatsbeginsel>\n\t\t\t<{p}:Gemeente>{a.wpb_gem}</{p}:Gemeente>\n"
            f"\t\t</{p}:Woonplaatsbeginsel>\n"
            if a.wpb_gem
            else ""
        )
        return (
            self._open(p, "319") + self._header(p, "319", m) + f"\t<{p}:Antwoord>\n"
            f"\t\t<{p}:ReferentieAanbieder>{escape(a.ref)}</{p}:ReferentieAanbieder>\n"
            f"\t\t<{p}:VerzoekAntwoord>{a.answer}</{p}:VerzoekAntwoord>\n"
            f"{reason}{wpb}"
            f"\t</{p}:Antwoord>\n</{p}:Bericht>\n"
        )

    # -- 323 / 325 ----------------------------------------------------------------------------

    def _prestatie(self, p: str, r: DeclLine, codes: list[str] | None, t: str) -> str:
        pathway = r.pathway
        rc = self._retourcodes(p, codes, t + "\t") if codes else ""
        return (
            f"{t}<{p}:Prestatie>\n"
            f"{t}\t<{p}:ProductReferentie>\n{t}\t\t<ijw:ReferentieNummer>{r.ref}</ijw:ReferentieNummer>\n"
            f"{t}\t</{p}:ProductReferentie>\n"
            f"{t}\t<{p}:ToewijzingNummer>{pathway.tn}</{p}:ToewijzingNummer>\n"
            f"{t}\t<{p}:ProductCategorie>{pathway.cat}</{p}:ProductCategorie>\n"
            f"{t}\t<{p}:ProductCode>{pathway.code}</{p}:ProductCode>\n"
            f"{t}\t<{p}:ProductPeriode>\n"
            f"{t}\t\t<ijw:Begindatum>{r.period_start.isoformat()}</ijw:Begindatum>\n"
            f"{t}\t\t<ijw:Einddatum>{r.period_end.isoformat()}</ijw:Einddatum>\n"
            f"{t}\t</{p}:ProductPeriode>\n"
            f"{t}\t<{p}:GeleverdVolume>{r.volume}</{p}:GeleverdVolume>\n"
            f"{t}\t<{p}:Eenheid>{pathway.unit}</{p}:Eenheid>\n"
            f"{t}\t<{p}:ProductTarief>{r.tariff}</{p}:ProductTarief>\n"
            + self._bedrag(p, "IngediendBedrag", "Bedrag", r.amount, t + "\t")
            + rc
            + f"{t}</{p}:Prestatie>\n"
        )

    def _clienten(self, p: str, lines: list[DeclLine], codes: list[str] | None) -> str:
        per_child: dict[int, list[DeclLine]] = {}
        for r in lines:
            per_child.setdefault(r.pathway.child.idx, []).append(r)
        out = [f"\t\t<{p}:Clienten>\n"]
        for child_lines in per_child.values():
            out.append(
                f"\t\t\t<{p}:Client>\n\t\t\t\t<{p}:Bsn>{child_lines[0].pathway.child.bsn}</{p}:Bsn>\n"
            )
            out.append(f"\t\t\t\t<{p}:Prestaties>\n")
            out.extend(self._prestatie(p, r, codes, "\t\t\t\t\t") for r in child_lines)
            out.append(f"\t\t\t\t</{p}:Prestaties>\n")
            if codes:
                out.append(self._retourcodes(p, ["0200"], "\t\t\t\t"))
            out.append(f"\t\t\t</{p}:Client>\n")
        out.append(f"\t\t</{p}:Clienten>\n")
        return "".join(out)

    def _b323(self, m: Message) -> str:
        p = "jw323"
        d = m.data
        period: date = d["period"]
        total = sum(r.amount for r in d["lines"])
        return (
            self._open(p, "323") + self._header(p, "323", m) + f"\t<{p}:Declaratie>\n"
            f"\t\t<{p}:DeclaratieNummer>{d['number']}</{p}:DeclaratieNummer>\n"
            f"\t\t<{p}:DeclaratiePeriode>\n"
            f"\t\t\t<ijw:Begindatum>{period.isoformat()}</ijw:Begindatum>\n"
            f"\t\t\t<ijw:Einddatum>{month_end(period).isoformat()}</ijw:Einddatum>\n"
            f"\t\t</{p}:DeclaratiePeriode>\n"
            f"\t\t<{p}:DeclaratieDagtekening>{m.day.isoformat()}</{p}:DeclaratieDagtekening>\n"
            + self._bedrag(p, "TotaalIngediendBedrag", self.contract.total_323, total, "\t\t")
            + self._clienten(p, d["lines"], None)
            + f"\t</{p}:Declaratie>\n</{p}:Bericht>\n"
        )

    def _b325(self, m: Message) -> str:
        p = "jw325"
        d = m.data
        declaration: Message = d["declaration"]
        total = sum(r.amount for r in declaration.data["lines"])
        rejected = sum(r.amount for r in d["rejected"])
        extra = (
            f"\t\t<{p}:DeclaratieIdentificatie>\n"
            f"\t\t\t<ijw:Identificatie>{declaration.ident}</ijw:Identificatie>\n"
            f"\t\t\t<ijw:Dagtekening>{declaration.day.isoformat()}</ijw:Dagtekening>\n"
            f"\t\t</{p}:DeclaratieIdentificatie>\n"
            f"\t\t<{p}:XsltVersie>{XSD_VERSION}</{p}:XsltVersie>\n"
            f"\t\t<{p}:XsdVersieDeclaratie>\n"
            f"\t\t\t<ijw:BasisschemaXsdVersie>{XSD_VERSION}</ijw:BasisschemaXsdVersie>\n"
            f"\t\t\t<ijw:BerichtXsdVersie>{XSD_VERSION}</ijw:BerichtXsdVersie>\n"
            f"\t\t</{p}:XsdVersieDeclaratie>\n"
        )
        clients = self._clienten(p, d["rejected"], ["0611"]) if d["rejected"] else ""
        return (
            self._open(p, "325")
            + self._header(p, "325", m, extra)
            + f"\t<{p}:DeclaratieAntwoord>\n"
            f"\t\t<{p}:DeclaratieNummer>{declaration.data['number']}</{p}:DeclaratieNummer>\n"
            + self._bedrag(
                p, "TotaalIngediendBedrag", self.contract.total_325_submitted, total, "\t\t"
            )
            + self._bedrag(
                p,
                "TotaalToegekendBedrag",
                self.contract.total_325_granted,
                total - rejected,
                "\t\t",
            )
            + clients
            + f"\t</{p}:DeclaratieAntwoord>\n</{p}:Bericht>\n"
        )

    # -- retours ------------------------------------------------------------------------------

    def _retour_id(self, p: str, r: Message) -> str:
        values = {"Identificatie": r.retour_ident, "Dagtekening": r.day.isoformat()}
        out = []
        group: str | None = None
        for path in self.contract.retour_id_paths:
            parts = path.split("/")
            value = values["Dagtekening" if "Dagtekening" in parts[-1] else "Identificatie"]
            if len(parts) == 1:
                if group is not None:
                    out.append(f"\t\t</{p}:{group}>\n")
                    group = None
                out.append(f"\t\t<{p}:{parts[0]}>{value}</{p}:{parts[0]}>\n")
            else:
                if group != parts[0]:
                    if group is not None:
                        out.append(f"\t\t</{p}:{group}>\n")
                    out.append(f"\t\t<{p}:{parts[0]}>\n")
                    group = parts[0]
                out.append(f"\t\t\t<ijw:{parts[1]}>{value}</ijw:{parts[1]}>\n")
        if group is not None:
            out.append(f"\t\t</{p}:{group}>\n")
        out.append(
            f"\t\t<{p}:XsdVersieRetour>\n"
            f"\t\t\t<ijw:BasisschemaXsdVersie>{XSD_VERSION}</ijw:BasisschemaXsdVersie>\n"
            f"\t\t\t<ijw:BerichtXsdVersie>{XSD_VERSION}</ijw:BerichtXsdVersie>\n"
            f"\t\t</{p}:XsdVersieRetour>\n"
        )
        return "".join(out)

    def _retour(self, r: Message) -> str:
        orig = r.original
        p = f"jw{r.bt}"
        # the header of a retour is copied from the heenbericht (IV028)
        header_msg = Message(
            r.bt,
            orig.sender,
            orig.receiver,
            orig.day,
            0,
            ident=orig.ident,
            wrong_day=orig.wrong_day,
        )
        body = ""
        if r.rejected and orig.bt == "301":
            body = self._client301(p, orig, True)
        return (
            self._open(p, r.bt)
            + self._header(p, r.bt, header_msg, self._retour_id(p, r))
            + body
            + f"</{p}:Bericht>\n"
        )
