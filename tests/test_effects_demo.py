"""On the demo data (known truth), the 95% CI of the overall effect covers the truth in every city."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import config, effects, io, panels


@pytest.fixture(scope="module", params=config.CITIES)
def city(request, demo_city):
    d = demo_city(request.param)
    return io.load_city(d), json.loads((d / "truth.json").read_text())


@pytest.mark.slow
def test_waiting_time_ci_covers_truth(city):
    data, truth = city
    res = effects.estimate_did(panels.visit_panel(data), "median_wait_minutes", n_boot=100)
    true = truth["effects"]["median_wait_minutes"]["overall"]
    assert res.overall["ci_low"] <= true <= res.overall["ci_high"], (res.overall, true)
    assert res.overall["ci_high"] < 0  # the effect is found, not only covered
    assert res.pretrend["window_p_value"] > 0.01


@pytest.mark.slow
def test_ikm_ci_covers_truth(city):
    data, truth = city
    res = effects.estimate_did(panels.ikm_panel(data), "ikm", n_boot=100)
    true = truth["effects"]["ikm"]["overall"]
    assert res.overall["ci_low"] <= true <= res.overall["ci_high"], (res.overall, true)
    assert res.pretrend["p_value"] > 0.01


@pytest.mark.slow
def test_imputation_headline_covers_truth(city):
    """The estimate the verdict rests on in every demo city (their logs miss some months): imputation."""
    data, truth = city
    vp = panels.visit_panel(data)
    for outcome, panel in (("median_wait_minutes", vp), ("ikm", panels.ikm_panel(data, visits=vp))):
        res = effects.imputation_effect(panel, outcome)
        true = truth["effects"][outcome]["overall"]
        assert res["ci_low"] <= true <= res["ci_high"], (outcome, res, true)


@pytest.mark.slow
def test_window_effect_covers_truth(city):
    """The event-time-balanced effect (months 0-5) that the cross-city pool uses, against the exact mean
    effect over those unit-months (truth_panel.parquet)."""
    data, truth = city
    tp = pd.read_parquet(data.directory / "truth_panel.parquet")
    e = pd.to_numeric(tp["event_time"], errors="coerce")
    long_waves = tp["period"].max() - (tp["period"] - e) >= 5
    true = tp.loc[e.between(0, 5) & long_waves, "wait_effect_minutes"].mean()
    res = effects.window_effect(panels.visit_panel(data), "median_wait_minutes", 5)
    assert res["ci_low"] <= true <= res["ci_high"], (res, true)
