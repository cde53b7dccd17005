"""The decision summary: plain sentences whose every number is one of results.json's, the verdict in words, and
no cost per result where the effect is not firm."""

from __future__ import annotations

import pytest

from analysis.data import load
from analysis.methods import evaluation
from analysis.report import programme_effects
from analysis.report.i18n import money, number, percent


@pytest.fixture(scope="module")
def kendari(demo_city):
    ev = evaluation.evaluate_city(load.load_city(demo_city("kendari")), n_boot=0, robustness=False)
    return ev, evaluation.results(ev, demo=True, lang="id")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_number_of_the_summary_is_one_of_results_json(kendari, lang):
    ev, res = kendari
    sentences = programme_effects.decision_summary(ev, lang)
    assert 3 <= len(sentences) <= 5
    wait, ikm = res["outcomes"]["median_wait_minutes"], res["outcomes"]["ikm"]
    first = sentences[0]
    assert wait["verdict"] == "decrease"  # the clean city (measured: -4.19, interval -5.17 .. -3.20)
    for value, digits in ((abs(wait["estimate"]), 1), (wait["ci_low"], 1), (wait["ci_high"], 1)):
        assert number(value, lang, digits) in first, (value, first)
    base = wait["without_programme"]
    assert number(base, lang, 0) in first and percent(abs(wait["estimate"]) / base, lang) in first
    assert ikm["verdict"] == "fragile" and number(abs(ikm["estimate"]), lang, 1) in sentences[1]
    assert ("belum dapat dipastikan" if lang == "id" else "not certain") in sentences[1]
    per_hour = res["cost_effectiveness"]["results"]["hour_of_waiting_saved"]
    total = res["cost_effectiveness"]["cost"]["total_idr"]
    for value in (total, per_hour["value"], per_hour["low"], per_hour["high"]):
        assert money(value, lang) in sentences[2], (value, sentences[2])
    sim = res["planning"]["simulation"]
    assert number(sim["units_needed"], lang) in sentences[3]
    assert not any(word in " ".join(sentences) for word in ("Callaway", "TWFE", "imputasi", "imputation"))


def test_a_cost_per_result_is_never_given_for_an_effect_that_is_not_firm(kendari):
    ev, res = kendari
    assert res["cost_effectiveness"]["results"]["ikm_point"] == {
        "estimable": False,
        "reason": "verdict_fragile",
    }
