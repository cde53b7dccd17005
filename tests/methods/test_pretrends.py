"""Pre-trend checks: correct size under a true null at 12 and 93 units, power against a drift of early
adopters, degenerate cases said in words, and the pieces (two-way demeaning, jackknife, wild bootstrap)
against a second computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from analysis.demo import synth
from analysis.methods import pretrends

S = synth.Scenario


def rejection_rate(scenario: synth.Scenario, draws: int, first_seed: int, test: str = "trend") -> float:
    hits = []
    with threadpool_limits(1):
        for seed in range(first_seed, first_seed + draws):
            panel, _ = synth.monte_carlo_wait_panel("kendari", seed=seed, scenario=scenario)
            pt = pretrends.pretrend_tests(panel, "median_wait_minutes", anticipation=scenario.anticipation)
            t = pt.trend if test == "trend" else pt.joint
            hits.append(t["status"] == "ok" and t["p_value"] < 0.05)
    return float(np.mean(hits))


# Size: 200 draws give a standard error of 1.5 points at a true 5%; the band 0.02-0.10 is the issue's.
# Measured when written: drift test 8.7% (12 units, 300 draws), 7.5% (18 units), 6.7% (93 units, 60 draws);
# joint test 3.3% (12), 8.3% (18), 3.3% (93).
@pytest.mark.slow
@pytest.mark.parametrize("n_units", [12, 93])
def test_size_under_the_null_between_2_and_10_percent(n_units):
    draws = 200 if n_units == 12 else 100  # 93 units: 100 draws (SE 2.2 points), 0.1 s each
    scenario = S(n_units=n_units if n_units < 93 else None)
    for test in ("trend", "joint"):
        rate = rejection_rate(scenario, draws, first_seed=5000, test=test)
        assert 0.02 <= rate <= 0.10, (n_units, test, rate)


@pytest.mark.slow
def test_drift_of_early_adopters_is_caught():
    """Early adopters drifting -0.3 min/month (the issue's referee DGP): the per-wave test catches it in most
    draws (97.5% measured over 40), the window test on the aggregated event study would not (12.5%)."""
    rate = rejection_rate(S(trend=-0.3, effect_scale=0.0), 40, first_seed=7000)
    assert rate >= 0.85, rate


@pytest.mark.slow
def test_detectable_drift_is_caught_80_percent_of_the_time():
    """The power statement of the report, re-simulated: a drift of `detectable` per month in the first wave
    is caught in about 80% of draws (60 draws: SE 5 points; 0.65-0.95 accepted)."""
    panel, _ = synth.monte_carlo_wait_panel("kendari", seed=11)
    detectable = pretrends.drift_test(panel, "median_wait_minutes")["detectable"]
    # the statement is for the wave where a drift is hardest to see; the first wave has the fewest pre-months
    rate = rejection_rate(S(trend=-detectable, effect_scale=0.0), 60, first_seed=9000)
    assert 0.65 <= rate <= 0.95, (detectable, rate)


def test_small_waves_pool_the_drift_and_say_so():
    panel, _ = synth.monte_carlo_wait_panel("kendari", seed=1, scenario=S(n_units=12))
    t = pretrends.drift_test(panel, "median_wait_minutes")
    assert t["pooled"] and t["df1"] == 1 and list(t["drifts"]) == ["all"], t


def test_no_never_treated_uses_the_last_wave_as_reference():
    panel, _ = synth.monte_carlo_wait_panel("kendari", seed=1, scenario=S(never_share=0.0))
    t = pretrends.drift_test(panel, "median_wait_minutes")
    assert t["status"] == "ok" and t["df1"] == 2, t  # 3 waves, the last is the reference
    assert max(abs(v) for v in t["drifts"].values()) < 0.5, (
        t
    )  # not the collinear -2.5 of a rank-deficient fit


def test_singular_and_too_few_clusters_are_statuses_not_numbers():
    b = np.array([1.0, 2.0])
    v = np.array([[1.0, 1.0], [1.0, 1.0]])  # perfectly correlated: singular
    assert pretrends.joint_f_test(b, v, 50)["status"] == "singular"
    assert pretrends.joint_f_test(b, np.eye(2), 2)["status"] == "too_few_clusters"
    assert pretrends.joint_f_test(np.array([]), np.zeros((0, 0)), 50)["status"] == "no_pre_periods"
    ok = pretrends.joint_f_test(b, np.eye(2), 12)
    # Hotelling: F = W (G - k) / (k (G - 1)) with W = 5, G = 12, k = 2
    assert ok["statistic"] == pytest.approx(5 * 10 / (2 * 11))


def test_demeaning_equals_a_dummy_regression():
    rng = np.random.default_rng(0)
    u = rng.integers(0, 15, 300)
    t = rng.integers(0, 10, 300)
    keep = ~pd.DataFrame({"u": u, "t": t}).duplicated().to_numpy()
    u, t = u[keep], t[keep]
    x = rng.normal(size=(len(u), 2))
    dummies = np.column_stack([np.eye(15)[u], np.eye(10)[t][:, 1:]])
    resid = x - dummies @ np.linalg.lstsq(dummies, x, rcond=None)[0]
    np.testing.assert_allclose(
        pretrends.demean_two_way(x, pd.factorize(u)[0], pd.factorize(t)[0]), resid, atol=1e-8
    )


def test_jackknife_equals_explicit_leave_one_out():
    rng = np.random.default_rng(1)
    g = np.repeat(np.arange(8), 10)
    x = rng.normal(size=(80, 2))
    y = x @ [0.5, -1.0] + rng.normal(size=80) + np.repeat(rng.normal(size=8), 10)
    beta, v = pretrends._jackknife_ols(y, x, g, 8)
    loo = np.array([np.linalg.lstsq(x[g != k], y[g != k], rcond=None)[0] for k in range(8)])
    dev = loo - beta
    np.testing.assert_allclose(v, 7 / 8 * dev.T @ dev, rtol=1e-10)


def test_wild_bootstrap_draws_with_a_singular_covariance_count_against_a_drift():
    """Two clusters, mirror images (x'y = +2 and -2): the observed fit has a covariance, but every draw whose
    two weights are opposite (Webb's +-1, +-sqrt(0.5), +-sqrt(1.5): 6 of 36 pairs) makes both leave-one-out fits
    agree, a singular covariance. Such a draw's statistic is undefined; it counts as at least the observed one
    (found by the property test that every folder that validates builds both reports: it crashed here). 199
    draws: a p-value, no error, and at least the share of those draws (expected 1/6; 0.1 accepted)."""
    y = np.array([1.0, 1.0, -1.0, -1.0])
    x = np.ones((4, 1))
    g = np.array([0, 0, 1, 1])
    beta, v = pretrends._jackknife_ols(y, x, g, 2)
    assert v[0, 0] > 0
    wald = float(beta @ np.linalg.solve(v, beta))
    p = pretrends.wild_cluster_p(y, x, g, 2, wald, n_boot=199, seed=0)
    assert 0.1 <= p <= 1.0, p


def test_wild_bootstrap_p_is_uniform_under_the_null():
    """On pure noise with 10 clusters the bootstrap p-value is below 0.05 about 5% of the time (300 data sets
    of 199 draws each: SE 1.3 points; 0.01-0.10 accepted)."""
    rng = np.random.default_rng(2)
    g = np.repeat(np.arange(10), 12)
    hits = []
    for _ in range(300):
        x = rng.normal(size=(120, 1))
        y = rng.normal(size=120) + np.repeat(rng.normal(size=10), 12)
        beta, v = pretrends._jackknife_ols(y, x, g, 10)
        wald = float(beta @ np.linalg.solve(v, beta))
        hits.append(
            pretrends.wild_cluster_p(y, x, g, 10, wald, n_boot=199, seed=int(rng.integers(1e9))) < 0.05
        )
    assert 0.01 <= np.mean(hits) <= 0.10, np.mean(hits)
