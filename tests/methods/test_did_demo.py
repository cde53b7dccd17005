"""On the demo data (known truth): the clean city's estimates cover the truth, IKM (unaffected by the
imperfections) covers it everywhere, and each imperfect city's report shows its imperfection
(synth.IMPERFECTIONS, truth.json "imperfection")."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import config
from analysis.data import load
from analysis.methods import did, evaluation, panels
from analysis.report import programme_effects

WAIT = "median_wait_minutes"


@pytest.fixture(scope="module", params=config.CITIES)
def city(request, demo_city):
    d = demo_city(request.param)
    return load.load_city(d), json.loads((d / "truth.json").read_text())


@pytest.fixture(scope="module")
def kendari(demo_city):
    d = demo_city("kendari")
    return load.load_city(d), json.loads((d / "truth.json").read_text())


def true_effect(data: load.CityData, window: int | None = None, without: set | None = None) -> float:
    """Mean true effect over treated unit-months from the start on (truth_panel.parquet); optionally months
    0..window of waves observed that long, or without some units."""
    tp = pd.read_parquet(data.directory / "truth_panel.parquet")
    e = pd.to_numeric(tp["event_time"], errors="coerce")
    keep = e >= 0
    if window is not None:
        keep &= e.between(0, window) & (tp["period"].max() - (tp["period"] - e) >= window)
    if without:
        keep &= ~tp["unit_id"].isin(without)
    return float(tp.loc[keep, "wait_effect_minutes"].mean())


@pytest.mark.slow
def test_clean_city_waiting_time_ci_covers_truth(kendari):
    data, truth = kendari
    assert truth["imperfection"]["scenario"] == {"trend": 0.0, "anticipation": 0, "late_log": 0}
    res = did.estimate_did(panels.visit_panel(data), WAIT, n_boot=100)
    true = truth["effects"][WAIT]["overall"]
    assert res.overall["ci_low"] <= true <= res.overall["ci_high"], (res.overall, true)
    assert res.overall["ci_high"] < 0  # the effect is found, not only covered
    assert res.pretrend["window_p_value"] > 0.01


@pytest.mark.slow
def test_ikm_ci_covers_truth(city):
    data, truth = city
    ip = panels.ikm_panel(data)
    true = truth["effects"]["ikm"]["overall"]
    res = did.estimate_did(ip, "ikm", n_boot=100)
    assert res.overall["ci_low"] <= true <= res.overall["ci_high"], (res.overall, true)
    assert res.pretrend["p_value"] > 0.01
    imp = did.imputation_effect(ip, "ikm")  # the estimate the verdict rests on (the survey skips quarters)
    assert imp["ci_low"] <= true <= imp["ci_high"], (imp, true)


@pytest.mark.slow
def test_clean_city_headline_and_window_effect_cover_truth(kendari):
    data, truth = kendari
    vp = panels.visit_panel(data)
    ev = evaluation.evaluate_outcome(vp, WAIT, "month", n_boot=0, robustness=False)
    assert ev.verdict == "decrease" and ev.estimator == "imputation"
    true = truth["effects"][WAIT]["overall"]
    assert ev.headline["ci_low"] <= true <= ev.headline["ci_high"], (ev.headline, true)
    window = did.window_effect(vp, WAIT, 5)  # what the cross-city pool uses
    true = true_effect(data, window=5)
    assert window["ci_low"] <= true <= window["ci_high"], (window, true)


@pytest.mark.slow
def test_each_demo_city_report_shows_its_imperfection(city):
    data, truth = city
    vp = panels.visit_panel(data)
    ev = evaluation.evaluate_outcome(vp, WAIT, "month", n_boot=0)
    name, true = data.city, truth["effects"][WAIT]["overall"]
    if name == "kendari":
        assert ev.verdict == "decrease", ev.reasons
        assert ev.sensitivity.breakdown >= evaluation.BREAKDOWN_MIN  # measured 1.95
    elif name == "bengkulu":  # early adopters already improving: the drift test catches it
        assert ev.verdict == "fragile" and "trend" in ev.reasons, (ev.verdict, ev.reasons)
        assert ev.headline["ci_high"] < true  # the estimate is biased: fragile is the honest verdict
    elif name == "banda-aceh":  # anticipation not set: differences just before the start
        assert ev.verdict == "fragile" and "joint" in ev.reasons, (ev.verdict, ev.reasons)
        assert "sensitivity" in ev.reasons  # the jump before the start is the largest pre-period move
        set_right = evaluation.evaluate_outcome(vp, WAIT, "month", n_boot=0, robustness=False, anticipation=2)
        assert set_right.headline["ci_low"] <= true <= set_right.headline["ci_high"], (
            set_right.headline,
            true,
        )
    elif name == "medan":  # queue logs start with the programme for the slowest units
        late = set(truth["imperfection"]["late_log_units"])
        assert ev.estimator == "imputation" and ev.estimator_reason == "unbalanced"
        assert ev.headline["n_treated_without_pre"] == len(late) == 25
        true_rest = true_effect(data, without=late)  # the estimate is for the units with earlier months
        assert ev.headline["ci_low"] <= true_rest <= ev.headline["ci_high"], (ev.headline, true_rest)
        assert ev.result.overall["estimate"] > ev.headline["ci_high"] + 1  # CS's unbalanced path: biased to 0
        # the sensitivity event study leaves the 25 out too, so it is about the same units as the headline
        assert ev.sensitivity_dropped == 25
        assert ev.sensitivity.estimate < 0 and ev.sensitivity.breakdown >= evaluation.BREAKDOWN_MIN
        assert any(
            "25" in s
            for s in programme_effects.verdict_sentences(
                evaluation.CityEvaluation(name, vp, None, outcomes={WAIT: ev}), "en"
            )
        )


@pytest.mark.slow
def test_the_measures_that_count_every_citizen_are_outcomes_too(kendari):
    """The effects panel carries the monitoring measures: on the clean city the median over all arrivals and the
    service-mix-standardised median cover the true wait effect (random 2% walk-outs barely move them: -4.26 and
    -4.17 against -4.41, measured), and the walk-out rate, which the programme does not change, is reported as
    no detectable change (-0.0011, interval -0.0041 .. 0.0020, measured), not as a decrease."""
    data, truth = kendari
    vp = panels.visit_panel(data)
    true = truth["effects"][WAIT]["overall"]
    for outcome in ("median_wait_all_arrivals", "median_wait_standardised"):
        ev = evaluation.evaluate_outcome(vp, outcome, "month", n_boot=0, robustness=False)
        assert ev.verdict == "decrease" and ev.headline["ci_low"] <= true <= ev.headline["ci_high"], outcome
    ev = evaluation.evaluate_outcome(vp, "walkout_rate", "month", n_boot=0, robustness=False)
    assert ev.verdict == "no_detectable_change" and ev.headline["ci_low"] <= 0 <= ev.headline["ci_high"]
