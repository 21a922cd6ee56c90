"""A differencing attacker against every shared CSV and the report tables of the example region.

The attacker knows how the kit publishes (README): counts below the threshold are blank or
``<N``, a ``.`` is a count blanked so that a total does not reveal a small one, and shown counts
are rounded to ``config.ROUND_BASE`` (when the kit has one). Every published count becomes an
interval of what it can be. The attacker then writes down the identities a reader can know from
the definitions: totals are the sum of their parts (gemeenten, aanbieders, categorieen add up to
the region), row sums (``n = gestart + wachtend + uitgevallen``), stock and flow
(``wachtlijst(t) = wachtlijst(t-1) + instroom - gestart - ingetrokken - verdwenen``) and the same
number in two tables. It tightens the intervals through these identities until nothing changes
(interval constraint propagation, the standard audit of a set of tables). A hidden count is
*recovered* when its interval closes to one value.

The attacker is given more than a real one has: an identity is used only where it holds on the
unsuppressed data, so a wrong guess about a definition never weakens the attack.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from kit import config, sections, trends
from kit import waits as wt
from kit.checks import allow_test_bsns, evaluate_checks, load_checks, prepare_scan, quickscan_tables
from kit.checks.patterns import provider_patterns
from kit.outputs import write_shared

PEILDATUM = "2026-03-31"
INF = math.inf


# ------------------------------------------------------------------------------------------
# The attacker


class Attacker:
    """Intervals for every published count, tightened through linear identities."""

    def __init__(self, threshold: int = config.MIN_CELL) -> None:
        self.threshold = threshold
        self.base = int(getattr(config, "ROUND_BASE", 1))
        self.bounds: dict[tuple, list[float]] = {}
        self.truth: dict[tuple, float] = {}
        self.hidden: set[tuple] = set()
        self.equations: list[dict[tuple, int]] = []
        #: (percentage shown, part cell, whole cell, true whole - part)
        self.shares: list[tuple[float, tuple, tuple, float]] = []

    def interval(self, text: object) -> tuple[float, float, bool]:
        """What a published cell can be: (low, high, hidden)."""
        if text is None or (isinstance(text, float) and math.isnan(text)):
            return 1.0, INF, True  # blank count: suppressed (zero stays zero)
        text = str(text).strip()
        if text in ("", "nan", "<NA>", sections.HIDDEN_MARK):
            return 1.0, INF, True
        if text.startswith("<"):
            return 1.0, float(self.threshold - 1), True
        value = float(text.replace(".", "").replace(",", ".")) if "," in text else float(text)
        if value == 0:
            return 0.0, 0.0, False
        half = self.base // 2
        return max(value - half, self.threshold if self.base > 1 else 0), value + half, False

    def publish(self, key: tuple, text: object, truth: float) -> None:
        """A published count (several publications of one number are intersected)."""
        low, high, hidden = self.interval(text)
        if key in self.bounds:
            self.bounds[key] = [max(self.bounds[key][0], low), min(self.bounds[key][1], high)]
        else:
            self.bounds[key] = [low, high]
        self.truth[key] = float(truth)
        if hidden:
            self.hidden.add(key)

    def identity(self, terms: dict[tuple, int]) -> None:
        """``sum(coefficient * cell) == 0``, used only where it holds on the true counts."""
        if len(terms) < 2 or any(k not in self.truth for k in terms):
            return
        if sum(c * self.truth[k] for k, c in terms.items()) == 0:
            self.equations.append(terms)

    def sum_rule(self, total: tuple, parts: list[tuple]) -> None:
        self.identity({total: 1} | {p: -1 for p in parts if p != total})

    def propagate(self, rounds: int = 50) -> None:
        for _ in range(rounds):
            changed = False
            for eq in self.equations:
                for key, coef in eq.items():
                    low = high = 0.0
                    for other, c in eq.items():
                        if other == key:
                            continue
                        lo, hi = self.bounds[other]
                        a, b = -c * lo / coef, -c * hi / coef
                        low, high = low + min(a, b), high + max(a, b)
                    cur = self.bounds[key]
                    low = math.ceil(low - 1e-9) if low > -INF else low
                    high = math.floor(high + 1e-9) if high < INF else high
                    new = [max(cur[0], low), min(cur[1], high)]
                    if new != cur:
                        self.bounds[key] = new
                        changed = True
            if not changed:
                return

    def share(self, text: str, part: tuple, whole: tuple) -> None:
        """A percentage ``100 * part / whole`` shown with one decimal."""
        if text not in ("", "nan") and part in self.truth and whole in self.truth:
            rest = self.truth[whole] - self.truth[part]
            self.shares.append((float(text), part, whole, rest))

    def _complement(self, pct: float, part: tuple, whole: tuple) -> set[float]:
        """Every ``whole - part`` that fits the intervals and the shown percentage."""
        (plo, phi), (wlo, whi) = self.bounds[part], self.bounds[whole]
        if whi - wlo > 200 or phi - plo > 200:
            return set()  # too wide to pin anything
        return {
            w - p
            for w in range(int(wlo), int(whi) + 1)
            for p in range(int(plo), int(min(phi, w)) + 1)
            if w > 0 and abs(100 * p / w - pct) <= 0.05 + 1e-9
        }

    def recovered(self) -> dict[tuple, float]:
        """Hidden small counts whose interval closed to their true value.

        Also the small rest of a percentage (``whole - part``, e.g. the 3 unreliable records
        behind 97.0% of about 100) when the shown percentage and the intervals of its counts
        leave one value for it.
        """
        for key, (low, high) in self.bounds.items():
            assert low <= self.truth[key] <= high, f"attacker is wrong about {key}: the test is"
        found = {
            k: self.truth[k]
            for k in self.hidden
            if self.bounds[k][0] == self.bounds[k][1] and 0 < self.truth[k] < self.threshold
        }
        for pct, part, whole, rest in self.shares:
            if 0 < rest < self.threshold and self._complement(pct, part, whole) == {rest}:
                found[(*part, "rest")] = rest
        return found


# ------------------------------------------------------------------------------------------
# What is published


def _publish_csvs(attacker: Attacker, tables: dict, folder: Path) -> dict[str, pd.DataFrame]:
    """Write the tables as the CLI does, read the CSVs back and publish every count cell."""
    write_shared(tables, folder, threshold=attacker.threshold)
    truth = {}
    for name, table in tables.items():
        published = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        frame = table.frame.reset_index(drop=True)
        assert len(published) == len(frame)
        for col in table.counts:
            for i, (text, value) in enumerate(zip(published[col], frame[col], strict=True)):
                if not pd.isna(value):
                    attacker.publish((name, i, col), text, value)
        for col, sources in table.derived.items():
            if col.startswith("pct") and len(sources) == 2 and col in published:
                for i, text in enumerate(published[col]):
                    attacker.share(text, (name, i, sources[0]), (name, i, sources[1]))
        truth[name] = frame
    return truth


def _rows(frame: pd.DataFrame, keys: list[str]) -> dict[tuple, int]:
    return {tuple(r): i for i, r in enumerate(frame[keys].astype(str).itertuples(index=False))}


def _trend_identities(attacker: Attacker, maand: pd.DataFrame) -> None:
    index = _rows(maand, ["maand", "niveau", "eenheid", "reeks"])
    counts = {r for r in maand["reeks"].unique() if not re.search("mediaan|ci_|per_1000", r)}
    frame = maand[maand["reeks"].isin(counts)]
    # a count series shows its count twice: as n and as waarde
    same = frame[frame["waarde"] == frame["n"]]
    for i, text, value in zip(same.index, same["_waarde"], same["n"], strict=True):
        if str(text) not in ("", "nan"):
            attacker.publish(("maand", i, "n"), text, value)

    def cell(m, niveau, eenheid, reeks):
        i = index.get((m, niveau, eenheid, reeks))
        return None if i is None else ("maand", i, "n")

    # breakdowns add up to the region
    for (m, reeks), part in frame.groupby(["maand", "reeks"]):
        total = cell(m, "regio", trends.REGIO, reeks)
        for _niveau, rows in part[part["niveau"] != "regio"].groupby("niveau"):
            if total is not None:
                attacker.sum_rule(total, [("maand", i, "n") for i in rows.index])
    # stock and flow per unit, and the stops by reason
    months = sorted(maand["maand"].unique())
    stops = sorted(r for r in counts if r.startswith("stops_"))
    for (niveau, eenheid), _ in frame.groupby(["niveau", "eenheid"]):
        for prev, m in zip(months, months[1:], strict=False):

            def c(reeks, month=m, n=niveau, e=eenheid):
                return cell(month, n, e, reeks)

            flows = {
                "verschil": [("wachtlijst_verschil", -1)],
                "uitval": [("wachtlijst_verlopen", -1), ("wachtlijst_gestopt_zonder_start", -1)],
            }
            for rest in flows.values():
                terms = [("wachtlijst", 1), ("toewijzingen", -1), ("wachtlijst_gestart", 1)]
                terms += [("wachtlijst_ingetrokken", 1)] + [(r, -s) for r, s in rest]
                eq = {c(r): s for r, s in terms} | {c("wachtlijst", prev): -1}
                if None not in eq:
                    attacker.identity(eq)
            eq = {c("wachtlijst_verschil"): 1, c("wachtlijst_verlopen"): -1}
            eq[c("wachtlijst_gestopt_zonder_start")] = -1
            if None not in eq:
                attacker.identity(eq)
            eq = {c("stops"): 1} | {c(s): -1 for s in stops}
            if None not in eq:
                attacker.identity(eq)


def _wait_identities(attacker: Attacker, t: dict[str, pd.DataFrame]) -> None:
    s = t["samenvatting"]
    srow = _rows(s, ["definitie", "groep"])

    def S(definitie, groep, col):  # noqa: N802 - a cell of samenvatting
        i = srow.get((definitie, groep))
        return None if i is None else ("samenvatting", i, col)

    for i in s.index:
        attacker.identity(
            {("samenvatting", i, "n"): 1}
            | {("samenvatting", i, c): -1 for c in ("n_gestart", "n_wachtend", "n_uitgevallen")}
        )
    for definitie, rows in s.groupby("definitie"):
        breakdown = rows["groep"].str.split("=").str[0]
        for col in ("n", "n_gestart", "n_wachtend", "n_uitgevallen"):
            for _, part in rows[rows["groep"].str.contains("=")].groupby(breakdown):
                attacker.sum_rule(
                    S(definitie, "totaal", col), [("samenvatting", i, col) for i in part.index]
                )
    a = t["aansluiting"]
    for definitie, rows in a.groupby("definitie"):
        key = {
            (st, r): ("aansluiting", i, "n")
            for i, st, r in zip(rows.index, rows["stap"], rows["reden"], strict=True)
        }
        model = key.get(("trajecten", "in het model"))
        counted = key.get(("telt mee", "totaal"))
        outs = [k for (st, _), k in key.items() if st == "uit"]
        outcomes = {r: k for (st, r), k in key.items() if st == "uitkomst"}
        if model and counted:
            attacker.sum_rule(model, [*outs, counted])
            attacker.sum_rule(counted, list(outcomes.values()))
            attacker.identity({counted: 1, S(definitie, "totaal", "n"): -1})
        for reden, col in (("gestart", "n_gestart"), ("loopt nog (gecensureerd)", "n_wachtend")):
            if reden in outcomes:
                attacker.identity({outcomes[reden]: 1, S(definitie, "totaal", col): -1})
        dropped = [k for r, k in outcomes.items() if r.startswith("uitgevallen")]
        attacker.sum_rule(S(definitie, "totaal", "n_uitgevallen"), dropped)
    m, norms, harm = t["momentopname"], t["wachtenden_per_norm"], t["schadelijk_wachten"]
    for definitie, rows in m.groupby("definitie"):
        cells = [("momentopname", i, "n_wachtend") for i in rows.index]
        attacker.sum_rule(S(definitie, "totaal", "n_wachtend"), cells)
        nrows = norms[norms["definitie"] == definitie]
        hrows = harm[harm["definitie"] == definitie]
        for i in nrows.index:
            attacker.identity(
                {
                    ("wachtenden_per_norm", i, "n_wachtend"): 1,
                    S(definitie, "totaal", "n_wachtend"): -1,
                }
            )
            above = ("wachtenden_per_norm", i, "n_boven_norm")
            for k in range(len(cells)):
                attacker.sum_rule(above, cells[k:])
            attacker.sum_rule(above, [("schadelijk_wachten", j, "kinderen") for j in hrows.index])
    g = t["gevoeligheid"]
    for i, definitie, groep in zip(g.index, g["definitie"], g["groep"], strict=True):
        attacker.identity(
            {("gevoeligheid", i, "n"): 1, ("gevoeligheid", i, "n_zonder"): -1}
            | {("gevoeligheid", i, "n_gemarkeerd"): -1}
        )
        attacker.identity({("gevoeligheid", i, "n"): 1, S(definitie, groep, "n"): -1})
    for name in ("km", "cumulatieve_incidentie"):
        curves = t[name]
        first = curves.groupby([c for c in ("definitie", "groep", "uitkomst") if c in curves]).head(
            1
        )
        for i, definitie, groep in zip(
            first.index,
            first["definitie"],
            first.get("groep", pd.Series("totaal", index=first.index)),
            strict=True,
        ):
            attacker.identity({(name, i, "n_risico"): 1, S(definitie, groep, "n"): -1})


def _scan_identities(attacker: Attacker, t: dict[str, pd.DataFrame]) -> None:
    s = t["scores"]
    total = s.index[s["berichttype"] == "totaal"]
    for col in ("n", "n_betrouwbaar"):
        for i in total:
            others = s.index[s["berichttype"] != "totaal"]
            attacker.sum_rule(("scores", i, col), [("scores", j, col) for j in others])


def _agenda_identities(attacker: Attacker, result, findings: pd.DataFrame) -> None:
    """Report 01's agenda: failing records per aanbieder and check, summed over the rest."""
    checks = pd.DataFrame(
        {"check_id": [c.id for c in result.checks], "naam": [c.name for c in result.checks]}
    )
    per_unit = result.findings(by=("aanbieder",)).merge(checks, on="check_id")
    named = per_unit.assign(ernst="fout", regels="", uitleg="")
    agenda = sections.agenda_table(named, unit="aanbieder", threshold=attacker.threshold)
    truth = per_unit.set_index(["aanbieder", "naam"])
    parts = findings.groupby(["aanbieder", "check_id"]).groups
    for unit, naam, text in zip(
        agenda["aanbieder"], agenda["bevinding"], agenda["afwijkend"], strict=True
    ):
        row = truth.loc[(unit, naam)]
        key = ("agenda", str(unit), row["check_id"])
        attacker.publish(key, text, row["n_afwijkend"])
        rows = parts.get((unit, row["check_id"]), [])
        attacker.sum_rule(key, [("bevindingen", i, "n_afwijkend") for i in rows])


def _wijzer_identities(attacker: Attacker, w: pd.DataFrame, maand: pd.DataFrame) -> None:
    last = maand.loc[maand["reeks"] == "wachtlijst", "maand"].max()
    index = _rows(maand, ["maand", "niveau", "eenheid", "reeks"])
    for niveau, col in (("aanbieder", "aanbieder"), ("categorie", "categorie")):
        for unit, rows in w.groupby(col):
            i = index.get((last, niveau, str(unit), "wachtlijst"))
            if i is not None:
                attacker.sum_rule(
                    ("maand", i, "n"), [("wijzer", j, "wachtlijst") for j in rows.index]
                )
    i = index.get((last, "regio", trends.REGIO, "wachtlijst"))
    if i is not None:
        attacker.sum_rule(("maand", i, "n"), [("wijzer", j, "wachtlijst") for j in w.index])


# ------------------------------------------------------------------------------------------
# The report tables that are not in a CSV (03_trends): read from the sections' HTML


class _Tables(HTMLParser):
    """Every <table> of an HTML fragment as rows of visible cell text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _shown_tables(section, ctx, monkeypatch) -> list[pd.DataFrame]:
    """The tables a section displays, as text (charts are not rendered)."""
    html = []

    def capture(obj):
        if hasattr(obj, "data") and isinstance(obj.data, str):
            html.append(obj.data)

    monkeypatch.setattr(sections.trends, "display", capture)
    result = section(ctx)
    if result is not None:
        capture(result)
    parser = _Tables()
    parser.feed("".join(html))
    return [pd.DataFrame(t[1:], columns=t[0]) for t in parser.tables if len(t) > 1]


def _section_identities(attacker: Attacker, ctx, maand: pd.DataFrame, monkeypatch) -> None:
    r = ctx.result
    stroom = r.stock_flow[(r.stock_flow["niveau"] == "regio") & (r.stock_flow["maand"] >= ctx.van)].tail(12)
    shown = _shown_tables(sections.trends_stock_flow, ctx, monkeypatch)[0]
    names = {
        "Wachtlijst begin": "wachtlijst_begin",
        "+ nieuw toegewezen": "instroom",
        "− gestart": "gestart",
        "− ingetrokken": "ingetrokken",
        "= verwacht": "verwacht",
        "Wachtlijst eind": "wachtlijst_eind",
        "Verdwenen": "verschil",
    }
    index = _rows(maand, ["maand", "niveau", "eenheid", "reeks"])
    series = {
        "wachtlijst_eind": "wachtlijst",
        "instroom": "toewijzingen",
        "gestart": "wachtlijst_gestart",
        "ingetrokken": "wachtlijst_ingetrokken",
        "verschil": "wachtlijst_verschil",
    }
    for (_, row), text in zip(stroom.iterrows(), shown.itertuples(index=False), strict=True):
        m = row["maand"]
        text = dict(zip(shown.columns, text, strict=True))
        for label, col in names.items():
            if not pd.isna(row[col]):
                attacker.publish(("stroom", m, col), text[label], row[col])
        k = {c: ("stroom", m, c) for c in names.values()}
        attacker.identity(
            {k["wachtlijst_begin"]: 1, k["instroom"]: 1, k["gestart"]: -1, k["ingetrokken"]: -1}
            | {k["verwacht"]: -1}
        )
        attacker.identity({k["verwacht"]: 1, k["wachtlijst_eind"]: -1, k["verschil"]: -1})
        prev = str(pd.Period(m, "M") - 1)
        attacker.identity({k["wachtlijst_begin"]: 1, ("stroom", prev, "wachtlijst_eind"): -1})
        for col, reeks in series.items():
            i = index.get((m, "regio", trends.REGIO, reeks))
            if i is not None:
                attacker.identity({k[col]: 1, ("maand", i, "n"): -1})
            i = index.get((prev, "regio", trends.REGIO, reeks))
            if i is not None and col == "wachtlijst_eind":
                attacker.identity({k["wachtlijst_begin"]: 1, ("maand", i, "n"): -1})
    q = r.queue_indicators
    shown = _shown_tables(sections.trends_wachtrij, ctx, monkeypatch)[0]
    for (_, row), text in zip(q.iterrows(), shown["Wachtlijst"], strict=True):
        attacker.publish(("wachtrij", str(row["categorie"])), text, row["wachtlijst"])
    cats = [("wachtrij", str(c)) for c in q["categorie"]]
    last = max(m for m, *_ in index if m <= str(pd.Timestamp(PEILDATUM).to_period("M")))
    i = index.get((last, "regio", trends.REGIO, "wachtlijst"))
    for total in [c for c in cats if "regio" in c[1].lower() or "totaal" in c[1].lower()]:
        attacker.sum_rule(total, [c for c in cats if c != total])
    if i is not None:
        attacker.sum_rule(("maand", i, "n"), [c for c in cats if "regio" not in c[1].lower()])
        for c in cats:
            attacker.identity({c: 1, ("maand", i, "n"): -1})


# ------------------------------------------------------------------------------------------
# The attack


def attack(store: Path, folder: Path, monkeypatch) -> dict[tuple, float]:
    """Publish everything a region shares for ``store`` and return the recovered small counts."""
    attacker = Attacker()
    data = prepare_scan(store, peildatum=PEILDATUM)
    result = evaluate_checks(data, allow_test_bsns(load_checks(None)))
    scan = _publish_csvs(
        attacker, quickscan_tables(result, provider_patterns(data)), folder / "quickscan"
    )
    _scan_identities(attacker, scan)
    _agenda_identities(attacker, result, scan["bevindingen"])
    definitions = wt.load_definitions(None)
    waits = wt.waits_from_store(
        store,
        peildatum=PEILDATUM,
        definitions=definitions,
        min_n=max(definitions.min_group, attacker.threshold),
    )
    _wait_identities(attacker, _publish_csvs(attacker, wt.shared_tables(waits), folder / "wt"))
    result = trends.compute_trends(data)
    tables = trends.shared_tables(result)
    t = _publish_csvs(attacker, tables, folder / "trends")
    maand = t["maand"].assign(
        _waarde=pd.read_csv(folder / "trends" / "maand.csv", dtype=str, keep_default_na=False)[
            "waarde"
        ]
    )
    _trend_identities(attacker, maand)
    _wijzer_identities(attacker, t["wijzer"], maand)
    ctx = sections.prepare_trends(
        regio="aanval", store=str(store), peildatum=PEILDATUM, gemeenten=[]
    )
    _section_identities(attacker, ctx, maand, monkeypatch)
    attacker.propagate()
    found = attacker.recovered()
    print(
        f"{len(attacker.equations)} identities, {len(attacker.hidden)} hidden counts, "
        f"{len(found)} recovered"
    )
    return found


@pytest.fixture(scope="module")
def six_month_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated region: six months, few children, so many small counts."""
    from datetime import date

    from kit.example import write_example_region
    from kit.privacy import Pseudonymiser
    from kit.sources import iter_sources
    from kit.store import ingest

    folder = tmp_path_factory.mktemp("zes_maanden")
    write_example_region(
        folder / "bron",
        n_children=600,
        start=date(2025, 10, 1),
        end=date(2026, 3, 31),
        archive=True,
    )
    store = folder / "store"
    ingest(
        iter_sources([folder / "bron" / "berichten.tar.xz"]),
        store,
        pseudonymise=Pseudonymiser(b"zes-maanden-testsleutel"),
        workers=1,
    )
    return store


@pytest.mark.parametrize("which", ["example_store", "six_month_store"])
def test_no_small_count_can_be_recovered(which, request, tmp_path, monkeypatch):
    store = request.getfixturevalue(which)
    found = attack(store, tmp_path, monkeypatch)
    by_table = defaultdict(int)
    for key in found:
        by_table[key[0]] += 1
    assert found == {}, f"recovered {len(found)} small counts: {dict(by_table)}"
