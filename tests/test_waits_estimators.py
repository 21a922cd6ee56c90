"""The Kaplan–Meier fit behind every waiting-time summary (kit.waits.estimators.fit_km).

lifelines is the reference: the kit's fit is its arithmetic in numpy (one lifelines fit builds
several pandas frames, and the summary needs thousands of fits at national scale). Every column
is compared here with a lifelines fit of the same data: random groups with ties, day-0 events,
censoring and late entry, plus the small cases where lifelines refuses or the risk set empties.
"""

from __future__ import annotations

import numpy as np
import pytest

from kit import waits as wt


def lifelines_fit(days, started, entry):
    from lifelines import KaplanMeierFitter

    return KaplanMeierFitter().fit(days, started, entry=entry)


def assert_same_as_lifelines(days, started, entry=None):
    from lifelines.utils import qth_survival_time

    ours = wt.fit_km(np.asarray(days), np.asarray(started), entry)
    theirs = lifelines_fit(days, started, entry)
    table = theirs.event_table
    np.testing.assert_array_equal(ours.times, table.index.to_numpy(dtype=float))
    np.testing.assert_array_equal(ours.observed, table["observed"].to_numpy())
    np.testing.assert_array_equal(ours.at_risk, table["at_risk"].to_numpy())
    np.testing.assert_allclose(ours.survival, theirs.survival_function_.iloc[:, 0], rtol=1e-12)
    band = theirs.confidence_interval_
    np.testing.assert_allclose(ours.lower, band.iloc[:, 0], rtol=1e-9)
    np.testing.assert_allclose(ours.upper, band.iloc[:, 1], rtol=1e-9)
    for q in (0.5, 0.2, 0.1):
        sf = theirs.survival_function_.iloc[:, 0]
        assert ours.time_at(q, ours.survival) == qth_survival_time(q, sf)
        assert ours.time_at(q, ours.lower) == qth_survival_time(q, band.iloc[:, 0])
        assert ours.time_at(q, ours.upper) == qth_survival_time(q, band.iloc[:, 1])
    at = [0, 3, 7.5, 28, 1000]
    expected = theirs.survival_function_at_times(at).to_numpy()
    np.testing.assert_allclose(ours.value_at(ours.survival, at), expected, rtol=1e-12)
    return ours


class TestFitKm:
    def test_hand_example(self):
        # 10 start on day 2, 10 censored on day 10, 10 start on day 20: S(2) = 2/3, S(20) = 0
        days = [2] * 10 + [10] * 10 + [20] * 10
        fit = wt.fit_km(np.array(days), np.array([True] * 10 + [False] * 10 + [True] * 10))
        assert fit.times.tolist() == [0, 2, 10, 20]
        assert fit.at_risk.tolist() == [30, 30, 20, 10]
        assert fit.survival.round(4).tolist() == [1.0, 0.6667, 0.6667, 0.0]
        assert fit.time_at(0.5, fit.survival) == 20
        assert np.isinf(fit.time_at(0.5, fit.survival[:3]))  # stays above: inf

    @pytest.mark.filterwarnings("ignore::lifelines.exceptions.ApproximationWarning")
    @pytest.mark.parametrize("seed", range(8))
    def test_same_as_lifelines_on_random_groups(self, seed):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(1, 400))
        days = rng.integers(0, int(rng.integers(1, 200)), n).astype(float)
        started = rng.uniform(size=n) < rng.uniform(0.1, 1.0)
        assert_same_as_lifelines(days, started)
        # late entry as the kit gives it: the entry day minus half a day, at most the duration
        late = rng.uniform(size=n) < 0.3
        entry = np.where(late, np.floor(days * rng.uniform(size=n)), 0.0)
        entry = np.where(entry > 0, entry - 0.5, 0.0)
        if wt.fit_km(days, started, entry) is not None:
            assert_same_as_lifelines(days, started, entry)

    def test_day_zero_starts_and_everyone_started(self):
        assert_same_as_lifelines([0.0] * 5 + [1.0] * 5, [True] * 10)
        assert_same_as_lifelines([0.0] * 10, [True] * 10)

    def test_all_censored(self):
        fit = assert_same_as_lifelines([3.0, 5.0, 8.0], [False] * 3)
        assert (fit.survival == 1).all() and (fit.lower == 1).all()

    def test_a_late_entrant_after_everyone_left_is_refused_like_lifelines(self):
        from lifelines.exceptions import StatError

        # two leave on days 1 and 2; four enter after that: the risk set is empty in between
        days = np.array([1.0, 2.0, 10.0, 11.0, 12.0, 13.0])
        entry = np.array([0.0, 0.0, 4.5, 4.5, 4.5, 4.5])
        started = np.ones(6, bool)
        with pytest.raises(StatError):
            lifelines_fit(days, started, entry)
        assert wt.fit_km(days, started, entry) is None

    def test_an_empty_risk_set_after_the_first_half_is_carried_like_lifelines(self):
        # the gap falls in the second half of the times: lifelines fits, with a flat stretch
        days = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 30.0])
        entry = np.array([0, 0, 0, 0, 0, 0, 0, 20.5])
        assert_same_as_lifelines(days, np.ones(8, bool), entry)

    def test_entry_after_the_end_is_an_error(self):
        with pytest.raises(ValueError, match="entry after"):
            wt.fit_km(np.array([3.0]), np.array([True]), np.array([4.0]))

    @pytest.mark.parametrize("bad", [np.nan, np.inf])
    def test_a_missing_or_infinite_time_is_an_error_as_in_lifelines(self, bad):
        with pytest.raises(TypeError):  # lifelines' own type for it
            lifelines_fit(np.array([3.0, bad]), np.array([True, True]), None)
        with pytest.raises(ValueError, match="missing or infinite"):
            wt.fit_km(np.array([3.0, bad]), np.array([True, True]))
        with pytest.raises(ValueError, match="missing or infinite"):
            wt.fit_km(np.array([3.0, 4.0]), np.array([True, True]), np.array([0.0, bad]))
