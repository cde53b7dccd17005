"""Random-effects pooling of city effects against statsmodels' meta-analysis and hand-worked cases; the
event-time-balanced window effect that feeds it; the cross-city table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.meta_analysis import combine_effects

from analysis.demo import synth
from analysis.methods import did, pooling
from analysis.report import cross_city


@pytest.mark.parametrize("seed", range(5))
def test_equals_statsmodels_dersimonian_laird_with_hartung_knapp(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(3, 9))
    y, se = rng.normal(-3, 1, k), rng.uniform(0.2, 0.8, k)
    ours = pooling.random_effects(y, se)
    ref = combine_effects(y, se**2, method_re="chi2", use_t=True)
    row = ref.summary_frame().loc["random effect wls"]  # wls = the Hartung-Knapp scaled variance
    for key, value in (
        ("estimate", row["eff"]),
        ("se", row["sd_eff"]),
        ("ci_low", row["ci_low"]),
        ("ci_high", row["ci_upp"]),
        ("tau2", ref.tau2),
        ("i2", ref.i2),
        ("q", ref.q),
    ):
        assert ours[key] == pytest.approx(float(value), abs=1e-8), key


def test_homogeneous_cities_pool_to_the_inverse_variance_mean():
    """Equal effects: Q = 0, tau^2 = 0, I^2 = 0, the mean is the effect; HK scale 0 gives a zero-width CI."""
    out = pooling.random_effects([-2.0, -2.0, -2.0], [0.5, 1.0, 2.0])
    assert (
        out["estimate"] == pytest.approx(-2.0) and out["tau2"] == 0.0 and out["i2"] == 0.0 and out["q"] == 0.0
    )


def test_hand_worked_two_cities():
    """y = (0, 2), se = (1, 1): fixed mean 1, Q = 2, c = 1, tau^2 = 1, weights 1/2 each, mean 1, HK scale
    (0.5 + 0.5) / 1 = 1, HK se = sqrt(1 / 1) = 1, CI 1 -/+ t(0.975, 1) = 12.706; no prediction interval."""
    out = pooling.random_effects([0.0, 2.0], [1.0, 1.0])
    assert out["tau2"] == pytest.approx(1.0) and out["estimate"] == pytest.approx(1.0)
    assert out["se"] == pytest.approx(1.0)
    assert out["ci_high"] == pytest.approx(1 + 12.7062047, abs=1e-6)
    assert out["pred_low"] is None


def test_one_city_is_not_pooled():
    out = pooling.random_effects([1.0], [0.5])
    assert out["k"] == 1 and np.isnan(out["estimate"]) and out["ci_low"] is None


def test_window_effect_uses_months_0_to_window_of_waves_observed_that_long():
    panel, _ = synth.monte_carlo_wait_panel("kendari", seed=2)
    out = did.window_effect(panel, "median_wait_minutes", 5)
    e = panel["period"] - panel["cohort"]
    long_waves = panel["cohort"].notna() & (panel["period"].max() - panel["cohort"] >= 5)
    assert out["n_treated_obs"] == int((long_waves & e.between(0, 5)).sum())
    assert out["window"] == 5 and out["n_waves"] == 3


def test_cross_city_table_adds_the_pooled_row():
    def city(est, se):
        return {
            "programme_effects": {
                "outcomes": {
                    "ikm": {
                        "window_effect": {
                            "estimate": est,
                            "se": se,
                            "ci_low": est - 2 * se,
                            "ci_high": est + 2 * se,
                            "window": 1,
                        }
                    }
                }
            }
        }

    results = {"a": city(2.0, 0.3), "b": city(3.0, 0.3), "c": city(2.5, 0.4)}
    table, pooled = cross_city.cross_city_pooled(results, "ikm", "en")
    assert list(table["city"]) == ["A", "B", "C", "Pooled (random effects)"]
    assert table["estimate"].iloc[-1] == pytest.approx(pooled["estimate"])
    assert pooled["left_out"] == [] and pooled["sound"] is None
    results["c"]["programme_effects"]["outcomes"]["ikm"]["verdict"] = "fragile"
    _, pooled = cross_city.cross_city_pooled(results, "ikm", "en")
    assert pooled["left_out"] == ["C"] and pooled["sound"]["k"] == 2
    assert pooled["sound"]["estimate"] == pytest.approx(
        pooling.random_effects([2.0, 3.0], [0.3, 0.3])["estimate"]
    )
    single, pooled1 = cross_city.cross_city_pooled({"a": city(2.0, 0.3)}, "ikm", "en")
    assert len(single) == 1 and pooled1["k"] == 1
    assert isinstance(table, pd.DataFrame)
