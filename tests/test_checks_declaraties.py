"""Tests for the 323/325 checks (kit/checks/declaraties.py): cases that trigger and that do not.

A 323 message has one Declaratie row (table declaraties, regel 0) and its prestaties (regel 1,
2, ...), as the XML reader numbers them.
"""

from __future__ import annotations

from builders import (
    GEM2,
    bericht,
    declaratie,
    declaratie_antwoord,
    failing,
    prestatie,
    regie,
    retourcode,
    run,
    scan,
    toewijzing,
)

JAN = {"begin": "2024-01-15", "eind": "2024-01-31"}  # first month of the default toewijzing
FEB = {"begin": "2024-02-01", "eind": "2024-02-29"}
MAR = {"begin": "2024-03-01", "eind": "2024-03-31"}
DEC = {"begin": "2023-12-01", "eind": "2023-12-31"}


def line(nummer: str, bericht_id: str, regel: int = 1, **fields) -> dict:
    """A prestatie of 8 hours at 10 euro, in message ``bericht_id``."""
    amounts = {"GeleverdVolume": 8, "Eenheid": "04", "ProductTarief": 1000, "IngediendBedrag": 8000}
    return prestatie(nummer, bericht_id=bericht_id, regel=regel, **(amounts | fields))


class TestProductperiodeRegels:
    def test_month_boundaries_toewijzing_and_declaratieperiode(self):
        data = scan(
            toewijzingen=[
                toewijzing("100"),  # 2024-01-15 .. 2024-12-31
                toewijzing("101", ingang="2024-01-01", eind="2024-06-20"),
            ],
            prestaties=[
                prestatie("100", bericht_id="ok1", ref="R1", **JAN),  # begins on the Ingangsdatum
                prestatie("100", bericht_id="ok2", ref="R2", **FEB),
                prestatie(
                    "100", bericht_id="span", ref="R3", begin="2024-02-01", eind="2024-03-31"
                ),
                prestatie(
                    "100", bericht_id="midbegin", ref="R4", begin="2024-02-05", eind="2024-02-29"
                ),
                prestatie(
                    "100", bericht_id="midend", ref="R5", begin="2024-03-01", eind="2024-03-20"
                ),
                prestatie(
                    "100", bericht_id="before", ref="R6", begin="2024-01-01", eind="2024-01-31"
                ),
                prestatie(
                    "101", bericht_id="endok", ref="R7", begin="2024-06-01", eind="2024-06-20"
                ),
                prestatie(
                    "101", bericht_id="after", ref="R8", begin="2024-07-01", eind="2024-07-31"
                ),
                prestatie(
                    "100", bericht_id="dp", regel=1, ref="R9", begin="2024-04-01", eind="2024-04-30"
                ),
                # unknown toewijzing: only the calendar rules are judged, and they hold
                prestatie(
                    "999", bericht_id="unknown", ref="R10", begin="2024-05-01", eind="2024-05-31"
                ),
            ],
            declaraties=[declaratie(bericht_id="dp", periode=("2024-04-01", "2024-05-15"))],
        )
        result = run("productperiode_regels", data, {})
        assert failing(result) == [
            "after:0",
            "before:0",
            "dp:1",
            "midbegin:0",
            "midend:0",
            "span:0",
        ]
        assert len(result) == 10

    def test_no_prestaties_is_not_assessable(self):
        assert run("productperiode_regels", scan(toewijzingen=[toewijzing()]), {}) is None


class TestDeclaratieVoorStart:
    PARAMS = {"max_maanden": 1}

    def test_any_month_before_the_start_month_or_first_far_after(self):
        # A prestatie fails when its ProductPeriode begins in a month before the month of the
        # 305 Begindatum (even one month); the first one also fails when it begins more than
        # one whole month after the 305 Begindatum.
        data = scan(
            toewijzingen=[
                toewijzing(n, ingang="2024-01-01")
                for n in ("100", "101", "102", "103", "104", "105", "106")
            ],
            starts=[
                regie("305", "100", begin="2024-03-15", dag="2024-03-18"),
                regie("305", "101", begin="2024-03-15", dag="2024-03-18"),
                regie("305", "102", begin="2024-01-16"),
                regie("305", "103", begin="2024-01-16"),
                regie("305", "104", begin="2024-03-15", dag="2024-03-18"),
                regie("305", "106", begin="2024-03-01", dag="2024-03-04"),
            ],
            prestaties=[
                # two months and one month before March: both fail
                prestatie("100", ref="R100", begin="2024-01-01", bericht_id="early"),
                prestatie("100", ref="R100b", **FEB, bericht_id="early_later"),
                prestatie("100", ref="R100c", **MAR, bericht_id="startmonth"),
                # one month early (February for a start on 15 March): fails
                prestatie("101", ref="R101", **FEB, bericht_id="onemonth"),
                # 305 2024-01-16 .. first period 2024-04-01: two whole months late -> fails
                prestatie(
                    "102", ref="R102", begin="2024-04-01", eind="2024-04-30", bericht_id="late"
                ),
                # 2024-01-16 .. 2024-03-01: one month and 14 days -> passes
                prestatie("103", ref="R103", **MAR, bericht_id="nearlate"),
                # 104: the January line was credited (not judged); February still fails
                prestatie("104", ref="R104", begin="2024-01-01", bericht_id="credited"),
                prestatie(
                    "104", ref="R104c", dc="C", VorigReferentieNummer="R104", bericht_id="credit"
                ),
                prestatie("104", ref="R104b", **FEB, bericht_id="first104"),
                prestatie("105", ref="R105", begin="2024-01-01", bericht_id="nostart"),  # no 305
                # the last day of the month before the start month: fails; the start day passes
                prestatie(
                    "106", ref="R106", begin="2024-02-29", eind="2024-02-29", bericht_id="eve"
                ),
                prestatie("106", ref="R106b", **MAR, bericht_id="sameday"),
            ],
        )
        result = run("declaratie_voor_start", data, self.PARAMS)
        assert failing(result) == [
            "early:0",
            "early_later:0",
            "eve:0",
            "first104:0",
            "late:0",
            "onemonth:0",
        ]
        assert sorted(result["record"]) == [
            "early:0",
            "early_later:0",
            "eve:0",
            "first104:0",
            "late:0",
            "nearlate:0",
            "onemonth:0",
            "sameday:0",
            "startmonth:0",
        ]

    def test_without_starts_not_assessable(self):
        data = scan(toewijzingen=[toewijzing()], prestaties=[prestatie()])
        assert run("declaratie_voor_start", data, self.PARAMS) is None


class TestBedragenVolumes:
    def test_amounts_units_limits_and_totals(self):
        week = {"Eenheid": "04", "Volume": 10, "Frequentie": "2"}
        total = {"Eenheid": "04", "Volume": 10, "Frequentie": "6"}
        data = scan(
            toewijzingen=[
                toewijzing("100", **week),
                toewijzing("101", **total),  # 10 hours in total
                toewijzing("102", code=None, Budget=50000),  # aspecific with a budget of 500 euro
            ],
            prestaties=[
                line("100", "m1", 1, ref="A", **JAN),  # 8 x 1000 = 8000
                line("100", "m1", 2, ref="B", IngediendBedrag=8001, **JAN),
                # 90 minutes on an hourly toewijzing, hourly tarief 1000: 1000 x 90 / 60 = 1500,
                # declared with the tarief per minute rounded to 17 cent (90 x 17 = 1530)
                line(
                    "100",
                    "c",
                    ref="C",
                    Eenheid="01",
                    GeleverdVolume=90,
                    ProductTarief=17,
                    IngediendBedrag=1500,
                    **FEB,
                ),
                line(
                    "100",
                    "d",
                    ref="D",
                    Eenheid="14",
                    GeleverdVolume=1,
                    ProductTarief=5000,
                    IngediendBedrag=5000,
                    **MAR,
                ),  # etmaal on a toewijzing in hours
                line("101", "m2", 1, ref="E", GeleverdVolume=6, IngediendBedrag=6000, **JAN),
                line("101", "f", ref="F", GeleverdVolume=6, IngediendBedrag=6000, **FEB),  # 12 > 10
                line(
                    "102",
                    "g",
                    ref="G",
                    Eenheid="83",
                    GeleverdVolume=30000,
                    ProductTarief=None,
                    IngediendBedrag=30000,
                    **JAN,
                ),
                line(
                    "102",
                    "h",
                    ref="H",
                    Eenheid="83",
                    GeleverdVolume=30000,
                    ProductTarief=None,
                    IngediendBedrag=30000,
                    **FEB,
                ),  # 60000 > 50000
            ],
            declaraties=[
                declaratie("DN1", bericht_id="m1", totaal=16001),  # 8000 + 8001
                declaratie("DN2", bericht_id="m2", totaal=7000),  # lines sum to 6000
            ],
        )
        result = run("bedragen_volumes", data, {})
        assert failing(result) == ["d:1", "f:1", "h:1", "m1:2", "m2:0"]
        assert len(result) == 10  # 8 prestaties + 2 declaraties

    def test_credit_lines_count_negative_in_the_total(self):
        data = scan(
            toewijzingen=[toewijzing("100")],
            prestaties=[
                line("100", "m1", 1, ref="A", **FEB),
                line("100", "m1", 2, ref="X", dc="C", VorigReferentieNummer="Q", **JAN),
            ],
            declaraties=[declaratie(bericht_id="m1", totaal=0, dc="D")],  # 8000 - 8000
        )
        result = run("bedragen_volumes", data, {})
        assert failing(result) == []
        assert len(result) == 3

    def test_no_prestaties_is_not_assessable(self):
        assert run("bedragen_volumes", scan(toewijzingen=[toewijzing()]), {}) is None


class TestDeclaratieDubbelKoppeling:
    def test_duplicates_credits_and_links(self):
        withdrawn = {"ident": "T2", "datum": "2024-01-10", "eind": "2024-01-15", "reden": "13"}
        data = scan(
            toewijzingen=[toewijzing("100"), toewijzing("101"), toewijzing("101", **withdrawn)]
            + [toewijzing("102")],
            prestaties=[
                line("100", "m1", ref="R1", **JAN),
                line("100", "m2", ref="R1", dag="2024-03-10", **FEB),  # R1 used before (TR314)
                line("100", "m3", ref="R3", dag="2024-03-10", **JAN),  # January again (TR389)
                line("102", "p4", ref="R4", **JAN),
                line(
                    "102",
                    "p5",
                    ref="R5",
                    dc="C",
                    VorigReferentieNummer="R4",
                    dag="2024-03-10",
                    **JAN,
                ),
                line("102", "p6", ref="R6", dag="2024-03-15", **JAN),  # after the credit: fine
                line("102", "p7", ref="R7", dc="C", VorigReferentieNummer="R999", **FEB),  # TR323
                line("999", "p8", ref="R8", **JAN),  # unknown toewijzing (TR338)
                line("100", "p8b", ref="R8b", gemeente=GEM2, **JAN),  # 100 is not known in GEM2
                line("101", "p9", ref="R9", **JAN),  # withdrawn toewijzing (TR384)
                line("101", "p10", ref="R10", dc="C", VorigReferentieNummer="R9", **JAN),
                line("102", "p11", ref="R11", ident="D11", **FEB),  # rejected by a 325
                line("102", "p12", ref="R12", dag="2024-03-10", **FEB),  # its re-submission
                line("102", "p13", ref="R13", dc="C", VorigReferentieNummer="R11", **FEB),
            ],
            declaraties=[
                declaratie("DN1", bericht_id="m1"),
                declaratie("DN2", bericht_id="m2", dag="2024-03-10"),
                declaratie("DN1", bericht_id="m3", dag="2024-03-10"),  # DN1 again (TR333)
            ],
            declaratie_antwoorden=[
                # R11 rejected: 8000 submitted, 0 granted, explained by the rejected line
                declaratie_antwoord("DN11", bericht_id="a11", ingediend=8000, toegekend=0),
                # nothing rejected, yet 1000 less granted (TR342)
                declaratie_antwoord("DN1", bericht_id="a1", ingediend=5000, toegekend=4000),
            ],
            retourcodes=[retourcode("0611", bericht_id="a11", ReferentieNummer="R11")],
        )
        result = run("declaratie_dubbel_koppeling", data, {})
        assert failing(result) == [
            "a1:0",
            "m2:1",
            "m3:0",
            "m3:1",
            "p13:1",
            "p7:1",
            "p8:1",
            "p8b:1",
            "p9:1",
        ]
        assert len(result) == 14 + 3 + 2

    def test_declaration_rejected_as_a_whole_does_not_count(self):
        # The 325 rejects declaration D13 as a whole; its line may be declared again.
        data = scan(
            toewijzingen=[toewijzing("102")],
            prestaties=[
                line("102", "m13", ref="R13", ident="D13", **MAR),
                line("102", "m14", ref="R14", ident="D14", dag="2024-04-20", **MAR),
            ],
            berichten=[
                bericht("325", ident="A13", bericht_id="a13", DeclaratieIdentificatie="D13")
            ],
            declaratie_antwoorden=[
                declaratie_antwoord("DN13", bericht_id="a13", ingediend=8000, toegekend=0)
            ],
            retourcodes=[retourcode("8017", bericht_id="a13", niveau="DeclaratieAntwoord")],
        )
        result = run("declaratie_dubbel_koppeling", data, {})
        assert failing(result) == []
        assert sorted(result["record"]) == ["a13:0", "m13:1", "m14:1"]

    def test_no_prestaties_is_not_assessable(self):
        assert (
            run("declaratie_dubbel_koppeling", scan(toewijzingen=[toewijzing()]), {}) is None
        )


class TestDeclaratieTeLaat:
    def test_first_declaration_after_the_following_month(self):
        data = scan(
            toewijzingen=[
                toewijzing("100"),
                toewijzing("101"),
                # 102: retroactive, first sent in March: January is declarable from March on
                toewijzing("102", dag="2024-03-05", datum="2024-03-05"),
                toewijzing("103", dag="2024-03-05", datum="2024-03-05"),
                toewijzing("104", dag="2023-11-01", datum="2023-11-01", ingang="2023-12-01"),
                toewijzing("105", dag="2023-11-01", datum="2023-11-01", ingang="2023-12-01"),
            ],
            prestaties=[
                prestatie("100", ref="R1", dag="2024-02-29", bericht_id="lastday", **JAN),
                prestatie("101", ref="R2", dag="2024-03-01", bericht_id="late", **JAN),
                prestatie(
                    "100",
                    ref="R3",
                    dc="C",
                    VorigReferentieNummer="R1",
                    dag="2024-06-01",
                    bericht_id="credit",
                    **JAN,
                ),
                prestatie("100", ref="R4", dag="2024-05-01", bericht_id="again", **JAN),
                # December 2023 is due by 2024-01-31 (toewijzingen 104/105 were sent in November)
                prestatie("104", ref="R5", dag="2024-01-31", bericht_id="december", **DEC),
                prestatie("105", ref="R8", dag="2024-02-01", bericht_id="decemberlate", **DEC),
                prestatie("102", ref="R6", dag="2024-04-30", bericht_id="retro", **JAN),
                prestatie("103", ref="R7", dag="2024-05-01", bericht_id="retrolate", **JAN),
            ],
        )
        result = run("declaratie_te_laat", data, {})
        assert failing(result) == ["decemberlate:0", "late:0", "retrolate:0"]
        assert sorted(result["record"]) == [
            "december:0",
            "decemberlate:0",
            "lastday:0",
            "late:0",
            "retro:0",
            "retrolate:0",
        ]

    def test_no_prestaties_is_not_assessable(self):
        assert run("declaratie_te_laat", scan(), {}) is None
