"""Backtest: the quick scan on the example region finds what the generator injected.

The expected numbers come from data/example/injecties.csv (the generator's own record of what it
put in), never from the kit's output. Where a check measures exactly the injected defect the
counts must be equal per group; where the check also (rightly) catches other cases, the
injected cases are a lower bound and the extra cases are bounded.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kit.checks import allow_test_bsns, evaluate_checks, load_checks, prepare_scan
from kit.checks.patterns import provider_patterns
from kit.config import EXAMPLE_DIR

PEILDATUM = "2026-03-31"
RETOUR_OF = {"302": "301", "306": "305", "308": "307", "316": "315", "318": "317", "320": "319"}


@pytest.fixture(scope="module")
def scan(example_store):
    data = prepare_scan(example_store, peildatum=PEILDATUM)
    return data, evaluate_checks(data, allow_test_bsns(load_checks()))


@pytest.fixture(scope="module")
def injected() -> pd.DataFrame:
    return pd.read_csv(EXAMPLE_DIR / "injecties.csv", dtype=str).astype({"n": int})


def failing(result, check_id: str, by: list[str]) -> pd.Series:
    f = result.flags
    f = f[(f["check_id"] == check_id) & f["afwijkend"]]
    return f.groupby(by, observed=True).size()


def expected(injected: pd.DataFrame, defect: str, by: list[str]) -> pd.Series:
    return injected[injected["defect"] == defect].groupby(by)["n"].sum()


def compare(got: pd.Series, exp: pd.Series) -> pd.DataFrame:
    return pd.concat([got.rename("got"), exp.rename("exp")], axis=1).fillna(0).astype(int)


class TestExactlyWhatWasInjected:
    def test_every_check_was_assessed(self, scan):
        _, result = scan
        assert set(result.status["status"]) == {"beoordeeld"}

    def test_late_307_per_aanbieder_and_gemeente(self, scan, injected):
        by = ["aanbieder", "gemeente"]
        cmp = compare(failing(scan[1], "stop_datumlogica", by), expected(injected, "late_307", by))
        assert cmp["exp"].sum() > 100
        assert (cmp["got"] == cmp["exp"]).all(), cmp[cmp["got"] != cmp["exp"]]

    def test_rejected_heenberichten(self, scan, injected):
        got = failing(scan[1], "afgekeurd_in_data", ["berichttype"])
        assert got["301"] == expected(injected, "afgekeurd_301", ["berichttype"])["301"]
        # every prestatie a 325 rejected is still in the delivered 323s
        assert got["323"] == expected(injected, "afgekeurde_prestatie", ["berichttype"])["325"]

    def test_missing_retours_per_heen_type(self, scan, injected):
        got = failing(scan[1], "retour_ontbreekt", ["berichttype"])
        exp = expected(injected, "missing_retour", ["berichttype"]).rename(index=RETOUR_OF)
        assert exp.sum() > 20
        assert compare(got, exp).pipe(lambda c: (c["got"] == c["exp"]).all())

    def test_duplicate_files(self, scan, injected):
        got = failing(scan[1], "dubbel_bestand", ["berichttype"])
        cmp = compare(got, expected(injected, "dubbel_bestand", ["berichttype"]))
        assert (cmp["got"] == cmp["exp"]).all()

    def test_invalid_bsns(self, scan, injected):
        cmp = compare(
            failing(scan[1], "bsn_elfproef", ["berichttype"]),
            expected(injected, "bsn_elfproef", ["berichttype"]),
        )
        # one row per injected record; a 301 client reappears in later 301 versions (OP087)
        exact = cmp.drop(index="301")
        assert (exact["got"] == exact["exp"]).all()
        assert cmp.loc["301", "exp"] <= cmp.loc["301", "got"] <= 2 * cmp.loc["301", "exp"]

    def test_late_declarations_are_the_injected_messages(self, scan, injected):
        f = scan[1].flagged()
        late = f[f["check_id"] == "declaratie_te_laat"]
        messages = late["record"].str.split(":").str[0].nunique()
        assert messages == expected(injected, "late_323", ["berichttype"])["323"]


class TestInjectedIsALowerBound:
    def test_auto_305(self, scan, injected):
        by = ["aanbieder", "gemeente"]
        cmp = compare(failing(scan[1], "start_automatisch", by), expected(injected, "auto_305", by))
        assert (cmp["got"] >= cmp["exp"]).all()
        # coincidences at aanbieders that do not send automatically stay rare
        assert (cmp["got"] - cmp["exp"]).sum() <= 0.05 * cmp["exp"].sum()

    def test_late_305(self, scan, injected):
        by = ["aanbieder", "gemeente"]
        cmp = compare(failing(scan[1], "start_te_laat", by), expected(injected, "late_305", by))
        assert (cmp["got"] >= cmp["exp"]).all()
        assert (
            cmp["got"].sum()
            <= cmp["exp"].sum() + expected(injected, "correctie_305", ["berichttype"]).sum()
        )

    def test_toewijzing_without_start_includes_the_missing_305s(self, scan, injected):
        by = ["aanbieder", "gemeente"]
        cmp = compare(
            failing(scan[1], "toewijzing_zonder_start", by), expected(injected, "missing_305", by)
        )
        assert (cmp["got"] >= cmp["exp"]).all()


class TestMissingStopsAreAnUpperBound:
    def test_started_never_stopped(self, scan, injected):
        # a missing 307 is only due once the toewijzing has ended: found <= injected per group
        by = ["aanbieder", "gemeente"]
        cmp = compare(
            failing(scan[1], "start_zonder_stop", by), expected(injected, "missing_307", by)
        )
        assert (cmp["got"] <= cmp["exp"]).all()
        assert cmp["got"].sum() >= 0.7 * cmp["exp"].sum()


class TestProviderPatterns:
    def test_profiles_are_recognised(self, scan):
        profiles = pd.read_csv(EXAMPLE_DIR / "aanbieders.csv", dtype=str).set_index("aanbieder")
        patterns = provider_patterns(scan[0]).set_index("aanbieder")
        auto = patterns.index[patterns["pct_auto_305"] >= 50]
        assert set(auto) == set(profiles.index[profiles["profiel"] == "auto_305"])
        # the gespreksagenda question about a late 315 goes to exactly the late-315 aanbieders,
        # and never to one whose own automatic 305s make "315 close to the start" trivially true
        asked = patterns["gespreksagenda_vot"].fillna("").str.startswith("vraag")
        assert set(patterns.index[asked]) == set(profiles.index[profiles["profiel"] == "late_vot"])
        not_comparable = patterns["gespreksagenda_vot"].fillna("").str.startswith("niet")
        assert set(patterns.index[not_comparable]) == set(auto)
