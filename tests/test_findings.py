"""The reports' first screen: "Belangrijkste bevindingen", names and Dutch tables.

Hand-built frames; each expected sentence is worked out from the rows of the test (counts are
published rounded to 5, a count below the threshold reads "minder dan 10").
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kit import trends
from kit import waits as wt
from kit.names import Names
from kit.sections import common, definities, quickscan
from kit.sections import trends as trend_sections

NAMES = Names(
    gemeenten={},
    aanbieders={"98000001": "Alfa Jeugdhulp", "98000003": "Charlie Hulp"},
    categorieen={"45": "Jeugdhulp ambulant"},
)


# ------------------------------------------------------------------------------------------
# Common: the block and Dutch tables


def test_findings_block_is_a_list_under_its_heading_with_bold_figures():
    html = common.findings_block(["Er wachten **12 kinderen**.", "Tweede zin."]).data
    assert html.startswith('<section class="kit-bevindingen"')
    assert "<h2>Belangrijkste bevindingen</h2>" in html
    assert "<li>Er wachten <strong>12 kinderen</strong>.</li><li>Tweede zin.</li>" in html


def test_tables_have_dutch_headers_and_dutch_numbers_but_codes_stay():
    frame = pd.DataFrame(
        {
            "aanbieder": ["98000003"],
            "gemeente": ["9901"],
            "pct_auto_305": [68.123],
            "n_starts": ["1105"],
            "belasting": [0.95],
            "verschil_laag": [-12.0],
        }
    )
    got = common.dutch_table(frame)
    assert list(got.columns) == [
        "Aanbieder",
        "Gemeente",
        "% automatische starts",
        "Starts (305)",
        "belasting",
        "Verschil, ondergrens 95%",
    ]
    # a code keeps its digits; a share gets one decimal with a comma; a count a thousands point
    assert got.iloc[0].tolist() == ["98000003", "9901", "68,1", "1.105", "0,95", "-12"]


def test_table_shows_typed_names_as_code_and_escapes_them():
    frame = pd.DataFrame({"check_id": ["<b>x_y</b>"], "uitleg": ["zet testdata_toegestaan aan"]})
    html = common._table(frame, code=("check_id",), code_words=("testdata_toegestaan",)).data
    assert "<code>&lt;b&gt;x_y&lt;/b&gt;</code>" in html
    assert "zet <code>testdata_toegestaan</code> aan" in html


def test_named_replaces_the_code_by_the_name_and_keeps_the_code_apart():
    frame = pd.DataFrame({"aanbieder": ["98000001", "98000099"], "n": [1, 2]})
    got = common.named(frame, NAMES, "aanbieder")
    assert got["aanbieder"].tolist()[0] == "Alfa Jeugdhulp"
    assert "98000099" in got["aanbieder"].tolist()[1]  # unknown: the code, marked
    assert got["aanbieder_code"].tolist() == ["98000001", "98000099"]
    assert common.named(frame, None, "aanbieder") is frame


# ------------------------------------------------------------------------------------------
# 01 quick scan


def _scan_frames(total_n: int = 300):
    scores = pd.DataFrame(
        {
            "berichttype": ["301", "305", "totaal"],
            "n": [100, total_n - 100, total_n],
            "n_betrouwbaar": [80, total_n - 110, total_n - 30],
        }
    )
    scores["pct_betrouwbaar"] = 100 * scores["n_betrouwbaar"] / scores["n"]
    findings = pd.DataFrame(
        {
            "check_id": ["a_check", "b_check", "c_check", "d_check"],
            "berichttype": ["301", "305", "305", "305"],
            "n_afwijkend": [22, 12, 4, 40],
        }
    )
    checks = pd.DataFrame(
        {
            "check_id": ["a_check", "b_check", "c_check", "d_check"],
            "naam": ["Toewijzing zonder start", "Start te laat", "Klein", "Alleen een signaal"],
            "ernst": ["waarschuwing", "fout", "fout", "signaal"],
        }
    )
    patterns = pd.DataFrame(
        {
            "aanbieder": ["Alfa Jeugdhulp", "Charlie Hulp", "Delta"],
            "n_starts": [50, 40, np.nan],
            "pct_auto_305": [2.0, 95.0, np.nan],  # Delta suppressed: never named
        }
    )
    return scores, findings, checks, patterns


def test_quickscan_findings():
    scores, findings, checks, patterns = _scan_frames()
    got = quickscan.findings_sentences(
        scores, findings, checks, patterns, threshold=10, auto_pct=50
    )
    assert got == [
        # 270 of 300 reliable = 90%
        "**90% van de 300 berichtregels is betrouwbaar**: ze doorstaan alle zware controles "
        "(ernst fout of waarschuwing).",
        # 301: 80 of 100 = 80%, below the 90% of the total
        "Het minst betrouwbaar zijn de berichten Toewijzing Jeugdhulp (JW301): 80% doorstaat de "
        "zware controles.",
        # 22 -> 20 and 12 -> 10 rounded to 5; 4 is below the threshold; the signal does not count
        "De controles met de meeste afwijkingen: Toewijzing zonder start (20 regels) en Start te "
        "laat (10 regels).",
        "Bij 1 aanbieder lijken de meeste starts automatisch (Charlie Hulp): hun wachttijd van "
        "toewijzing tot start is geen echte wachttijd.",
    ]


def test_quickscan_findings_on_a_small_count_give_no_figure():
    scores, findings, checks, patterns = _scan_frames(total_n=7)
    got = quickscan.findings_sentences(
        scores, findings, checks, patterns, threshold=10, auto_pct=50
    )
    assert got == ["Er zijn minder dan 10 berichtregels: te weinig voor een oordeel."]


def test_check_explanations_name_checks_and_values_not_keys():
    from kit.checks import Check

    checks = [
        Check("start_te_laat", "Start te laat", "305", "tijdigheid", "waarschuwing", (), "x", {}),
        Check("a_check", "A", "305", "tijdigheid", "fout", (), "y", {"max_dagen": 5}),
    ]
    table = pd.DataFrame(
        {"check_id": ["a_check"], "uitleg": ["Meer dan max_dagen dagen; zie start_te_laat."]}
    )
    got = quickscan.reader_explanations(table, checks)
    assert got.tolist() == ["Meer dan 5 dagen; zie ‘Start te laat’."]


# ------------------------------------------------------------------------------------------
# 02 definities


def _definitions_frames(waiting: float):
    definitions = wt.load_definitions()
    norm = next(n for n in definitions.norms if n.id == definities.FINDINGS_NORM)
    summary = pd.DataFrame(
        {
            "definitie": [definities.FINDINGS_DEFINITION],
            "groep": ["totaal"],
            "mediaan_dagen": [30.0],
            "p90_dagen": [90.0],
            "mediaan_afgerond_dagen": [20.0],
            wt.norm_column(norm): [55.5],
        }
    )
    per_norm = pd.DataFrame(
        {
            "definitie": [definities.FINDINGS_DEFINITION],
            "norm": [norm.id],
            "n_wachtend": [waiting],
            "n_boven_norm": [40.0 if waiting >= 10 else np.nan],
            "pct_boven_norm": [33.3 if waiting >= 10 else np.nan],
        }
    )
    sensitivity = pd.DataFrame(
        {
            "definitie": [definities.FINDINGS_DEFINITION],
            "groep": ["totaal"],
            "mediaan_dagen": [30.0],
            "mediaan_zonder_dagen": [45.0],
            "n_gemarkeerd": [25.0],
        }
    )
    return summary, per_norm, sensitivity, definitions


def test_definities_findings():
    summary, per_norm, sensitivity, definitions = _definitions_frames(120.0)
    got = definities.findings_sentences(
        summary,
        per_norm,
        sensitivity,
        definitions,
        threshold=10,
        peildatum=pd.Timestamp("2026-03-31"),
    )
    assert got == [
        "Op 31 maart 2026 wachten **120 toewijzingen** nog op de start van de zorg; 40 daarvan "
        "(33%) wachten langer dan de regionale norm (6 weken).",
        "Van toewijzing tot start van de zorg wacht een kind **30 dagen** (mediaan, wie nog "
        "wacht telt mee); 90% is binnen 90 dagen gestart.",
        "**56%** start binnen de regionale norm (6 weken).",
        "Wie alleen naar de gestarte kinderen kijkt, vindt 20 dagen: dat ziet er beter uit dan "
        "het is, omdat wie nog wacht dan wegvalt.",
        "Betrouwbaarheid: zonder de 25 starts die automatisch lijken (zie de quick scan) is de "
        "mediaan 45 dagen in plaats van 30 dagen.",
    ]


def test_definities_findings_word_a_suppressed_count():
    summary, per_norm, sensitivity, definitions = _definitions_frames(np.nan)  # suppressed
    got = definities.findings_sentences(
        summary,
        per_norm,
        sensitivity,
        definitions,
        threshold=10,
        peildatum=pd.Timestamp("2026-03-31"),
    )
    assert got[0] == (
        "Op 31 maart 2026 wachten **minder dan 10 toewijzingen** nog op de start van de zorg."
    )


def test_groups_read_as_names():
    assert definities.group_label("aanbieder=98000001", NAMES) == "Alfa Jeugdhulp"
    assert definities.group_label("categorie=45", NAMES) == "Jeugdhulp ambulant"
    assert definities.group_label("totaal", NAMES) == "hele regio"
    assert "=" not in definities.group_label("aanbieder=98000001", None)


# ------------------------------------------------------------------------------------------
# 03 trends


def _series(children: dict[str, float]) -> pd.DataFrame:
    rows = []
    for month, n in children.items():
        late = month == "2026-03"
        for reeks, value in (
            ("wachtlijst_kinderen", n),
            ("wachtlijst", n + 20),
            ("toewijzingen", 60.0),
            ("starts", 40.0),
        ):
            rows.append(
                {
                    "maand": month,
                    "niveau": "regio",
                    "eenheid": trends.REGIO,
                    "reeks": reeks,
                    "waarde": value,
                    "voorlopig": late,
                }
            )
    return pd.DataFrame(rows)


FUNNELS = pd.DataFrame(
    {
        "indicator": ["binnen_norm", "binnen_norm"],
        "niveau": ["gemeente", "gemeente"],
        "eenheid": ["9901", "9902"],
        "n": [30, 20],
        "doel_pct": [75.0, 75.0],
    }
)


def test_trends_findings():
    months = ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    series = _series(dict(zip(months, [70.0, 80.0, 90.0, 95.0, 100.0, 130.0], strict=True)))
    got = trend_sections.findings_sentences(
        series,
        FUNNELS,
        threshold=10,
        norm_weeks=10.0,
        automatic=["Charlie Hulp"],
        funnel_months=trend_sections.funnel_period(pd.Timestamp("2026-03-31")),
    )
    assert got == [
        # last complete month: February (March is provisional); three months earlier: November
        "Eind februari 2026 wachtten **100 kinderen** op de start van de zorg (120 "
        "toewijzingen): 20 meer dan drie maanden eerder (eind november 2025).",
        # December to February: 3 x 60 toewijzingen, 3 x 40 starts
        "Van december 2025 tot en met februari 2026 kwamen er 180 nieuwe toewijzingen bij en "
        "gingen 120 trajecten van start: er kwamen meer kinderen bij dan er begonnen.",
        # twelve months that ended on the peildatum 31 March 2026: April 2025 to March 2026
        "Van de kinderen die van april 2025 tot en met maart 2026 met zorg begonnen, startte "
        "**75%** binnen 10 weken na de toewijzing.",
        "Let op de betrouwbaarheid: bij Charlie Hulp lijken de meeste starts automatisch; hun "
        "korte wachttijden zijn geen echte wachttijden.",
        "Maart 2026 is nog voorlopig: nog niet alle berichten zijn binnen. De maandcijfers "
        "hierboven gaan daarom tot en met februari 2026.",
    ]


def test_trends_findings_on_a_small_list_word_it_and_state_no_change():
    months = ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    series = _series(dict(zip(months, [30.0, 30.0, 20.0, 10.0, 7.0, 8.0], strict=True)))
    got = trend_sections.findings_sentences(
        series, FUNNELS, threshold=10, norm_weeks=10.0, automatic=[]
    )
    # 7 children: "minder dan 10", and no difference with November (it would reveal the 7)
    assert got[0] == (
        "Eind februari 2026 wachtten **minder dan 10 kinderen** op de start van de zorg "
        "(25 toewijzingen)."
    )


def test_an_automatic_provider_is_never_called_favourable():
    counts = pd.DataFrame({"eenheid": ["A", "B", "C"], "x": [100, 50, 100], "n": [100, 100, 100]})
    funnel = trends.funnel(counts, target=0.5)
    plain = trend_sections.funnel_text(funnel, unit="aanbieder", threshold=10, direction=1)
    assert "opvallend hoog (gunstig): A (100%), C (100%)" in plain
    got = trend_sections.funnel_text(
        funnel, unit="aanbieder", threshold=10, direction=1, flagged={"C": "auto_305"}
    )
    assert "opvallend hoog (gunstig): A (100%)" in got
    assert "gunstig): A (100%), C" not in got
    assert "starts lijken automatisch" in got and "C (100%)" in got


def test_a_provider_with_late_starts_is_never_called_favourable():
    counts = pd.DataFrame({"eenheid": ["A", "B", "C"], "x": [100, 50, 100], "n": [100, 100, 100]})
    funnel = trends.funnel(counts, target=0.5)
    got = trend_sections.funnel_text(
        funnel, unit="aanbieder", threshold=10, direction=1, flagged={"C": "laat_305"}
    )
    assert "opvallend hoog (gunstig): A (100%)." not in got  # C is named apart, after a ";"
    assert got == (
        "Buiten de 99,8%-grenzen (gemiddeld 50%): opvallend hoog (gunstig): A (100%); buiten "
        "de grenzen, maar de starts worden meestal te laat gemeld (zie de quick scan), dus dit "
        "zegt weinig: C (100%)."
    )


def test_flagged_providers_is_one_rule_for_automatic_and_late_starts():
    funnels = pd.DataFrame(
        {
            "indicator": ["auto_305", "auto_305", "laat_305", "laat_305", "laat_305", "laat_305"],
            "niveau": ["aanbieder", "gemeente", "aanbieder", "aanbieder", "aanbieder", "aanbieder"],
            "eenheid": ["A", "G", "A", "B", "C", "D"],
            "n": [20, 20, 20, 20, 20, 9],
            "pct": [80.0, 90.0, 90.0, 60.0, 40.0, 100.0],
        }
    )
    got = trend_sections.flagged_providers(
        funnels, threshold=10, limits={"auto_305": 50, "laat_305": 50}
    )
    # A: automatic first (also late); B: 60% late; C: 40% < 50%; D: 9 starts < 10; G: a gemeente
    assert got == {"A": "auto_305", "B": "laat_305"}
    assert trend_sections.flagged_providers(funnels, threshold=10, limits={"auto_305": 50}) == {
        "A": "auto_305"
    }


def test_the_wijzer_marks_a_zero_day_wait_of_an_automatic_provider_and_shows_names():
    w = pd.DataFrame(
        {
            "aanbieder": ["98000003", "98000001"],
            "categorie": "45",
            "wachtlijst": [20, 40],
            "n_cohort": [20, 20],
            "n_gestart": [20, 12],
            "n_cohort_vorig": 0,
            "n_gestart_vorig": 0,
            "verwachte_wachttijd": ["0 dagen (95%-BI 0–0)", "30 dagen (95%-BI 20–40)"],
            "richting": "onbekend",
            "mediaan_dagen": [0.0, 30.0],
        }
    )
    got = trend_sections.wijzer_table(w, threshold=10, names=NAMES, flagged={"98000003": "auto_305"})
    assert got["Aanbieder"].tolist() == ["Alfa Jeugdhulp", "Charlie Hulp"]
    assert got["Categorie"].tolist() == ["Jeugdhulp ambulant"] * 2
    waits = got["Verwachte wachttijd (mediaan, 95%-BI)"].tolist()
    assert waits[0] == "30 dagen (95%-BI 20–40)"
    assert waits[1].startswith("0 dagen") and "automatisch" in waits[1]
    late = trend_sections.wijzer_table(w, threshold=10, names=NAMES, flagged={"98000003": "laat_305"})
    assert late["Verwachte wachttijd (mediaan, 95%-BI)"].tolist() == [
        "30 dagen (95%-BI 20–40)",
        "0 dagen (95%-BI 0–0) (starts meestal te laat gemeld: wachttijd onzeker)",
    ]


def test_no_identifier_and_no_iso_date_in_the_findings_text():
    scores, findings, checks, patterns = _scan_frames()
    summary, per_norm, sensitivity, definitions = _definitions_frames(120.0)
    months = ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    series = _series(dict(zip(months, [70.0, 80.0, 90.0, 95.0, 100.0, 130.0], strict=True)))
    peil = pd.Timestamp("2026-03-31")
    sentences = [
        *quickscan.findings_sentences(scores, findings, checks, patterns, threshold=10, auto_pct=50),
        *definities.findings_sentences(
            summary, per_norm, sensitivity, definitions, threshold=10, peildatum=peil
        ),
        *trend_sections.findings_sentences(
            series,
            FUNNELS,
            threshold=10,
            norm_weeks=10.0,
            automatic=[],
            funnel_months=trend_sections.funnel_period(peil),
        ),
    ]
    text = " ".join(sentences)
    assert not re.search(r"[a-z]+_[a-z_]+|=\d{8}", text)
    # dates and months in Dutch ("31 maart 2026", "februari 2026"), never 2026-03-31 or 2026-03
    assert "31 maart 2026" in text and "februari 2026" in text
    assert not re.search(r"\d{4}-\d{2}", text)


def test_a_live_session_header_shows_the_peildatum_in_dutch():
    from types import SimpleNamespace

    ctx = SimpleNamespace(live=True, regio="R", peildatum=pd.Timestamp("2026-03-31"))
    got = common.session_header(ctx, [], [], counts="").data
    assert "**Peildatum:** 31 maart 2026" in got and "2026-03-31" not in got
    assert common._day(pd.Timestamp("2025-10-01")) == "1 oktober 2025"


def test_a_group_is_marked_automatic_only_when_most_of_its_starts_are_flagged():
    sensitivity = pd.DataFrame(
        {
            "groep": ["totaal", "aanbieder=A", "aanbieder=B", "aanbieder=C"],
            "n": [300, 100, 100, 6],
            "n_gemarkeerd": [160, 95, 3, 6],
        }
    )
    # A: 95% flagged; B: 3%; C: all 6, but 6 pathways are below the threshold (not shown)
    got = definities.automatic_groups(sensitivity, threshold=10, auto_pct=50)
    assert got == {"aanbieder=A"}


def test_what_changed_in_quality_since_the_previous_quarter():
    def scores(verdicts: list) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "naam": ["Start te laat"] * 3 + ["Stop ontbreekt"] * 3,
                "kwartaal": ["2025-K3", "2025-K4", "2026-K1"] * 2,
                "oordeel": verdicts,
            }
        )

    assert quickscan.change_sentence(scores([pd.NA] * 6)) == (
        "Of de kwaliteit sinds het vorige kwartaal veranderde, is nog niet te zeggen: er zijn "
        "gegevens over 3 kwartalen, te weinig voor een betrouwbaar oordeel (SPC)."
    )
    got = quickscan.change_sentence(
        scores(["gewoon", "gewoon", "verslechtering", "gewoon", "verbetering", "gewoon"])
    )
    # only the latest quarter counts: Stop ontbreekt improved in 2025-K4, not in 2026-K1
    assert got == (
        "In het laatste kwartaal (2026 kwartaal 1) veranderde duidelijk: Start te laat "
        "(verslechtering)."
    )
    assert quickscan.change_sentence(scores(["gewoon"] * 6)).startswith(
        "In het laatste kwartaal (2026 kwartaal 1) is geen controle"
    )
    assert quickscan.change_sentence(pd.DataFrame()).startswith("Er is nog geen eerder")


def test_population_text_names_the_categories():
    got = definities.category_names(
        "zonder productcategorie 45, 46; zonder afwijzingsreden 8", NAMES
    )
    assert got == (
        "zonder productcategorie Jeugdhulp ambulant (45), 46 (naam onbekend); "
        "zonder afwijzingsreden 8"
    )
    assert definities.category_names("zonder productcategorie 45", None) == (
        "zonder productcategorie 45"
    )


# ------------------------------------------------------------------------------------------
# 02 definities: the overview a projector can show


def test_the_definitions_overview_shows_few_columns_and_keeps_all_in_a_collapsed_block():
    from types import SimpleNamespace

    definitions = wt.load_definitions()
    first = definitions.definitions[0]
    summary = pd.DataFrame(
        {
            "definitie": [first.id],
            "groep": ["totaal"],
            "n": [120],
            "n_gestart": [80],
            "n_wachtend": [30],
            "n_uitgevallen": [10],
        }
    )
    for col in wt.summary_columns(definitions.norms):
        if col not in summary:
            summary[col] = float("nan")
    norm = definities.headline_norm(definitions)
    summary[["mediaan_dagen", "mediaan_ci_laag", "mediaan_ci_hoog"]] = [30.0, 25.0, 36.0]
    summary[["p80_dagen", "p90_dagen"]] = [70.0, 90.0]
    summary[wt.norm_column(norm)] = 55.5
    ctx = SimpleNamespace(
        safe={"samenvatting": summary},
        shown={},
        definitions=definitions,
        threshold=10,
        display_names=None,
    )
    html = definities.definities_overzicht(ctx).data
    main, _, rest = html.partition('<details class="kit-details">')
    assert rest, "no collapsed block with the full table"
    heads = re.findall(r"<th>(.*?)</th>", main)
    # name, n, completed / still waiting, KM median, P90, share within the headline norm
    assert heads == [
        "Definitie",
        "Trajecten",
        "Gestart",
        "Wacht nog",
        "Mediaan KM (95%-BI)",
        "P90",
        "% binnen Regionale norm (6 weken)",
    ]
    assert "<td>30 dagen (25–36)</td>" in main and "<td>55,5%</td>" in main
    full = re.findall(r"<th>(.*?)</th>", rest)
    # the full table: all of the above plus uitgevallen, P80, naive median, % 0 dagen, every norm
    assert set(heads) < set(full)
    assert {"Uitgevallen", "P80", "Mediaan alleen afgerond", "% 0 dagen"} <= set(full)
    assert len(full) == len(heads) + 4 + len(definitions.norms) - 1
    assert "</summary>" in rest and rest.rstrip().endswith("</details>")


def test_a_reader_table_leaves_missing_values_empty():
    from kit.sections.common import _table

    frame = pd.DataFrame(
        {
            "gespreksagenda_vot": pd.Series(["vraag", pd.NA], dtype="string"),
            "n_starts": pd.Series([1200, pd.NA], dtype="Int64"),
            "pct_auto_305": [float("nan"), 12.5],
        }
    )
    html = _table(frame).data
    assert "NA" not in html and "nan" not in html
    assert "<td>1.200</td>" in html and "<td>12,5</td>" in html and html.count("<td></td>") == 3
