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


def test_the_competency_summary_says_the_pages_numbers_and_keeps_hidden_ones_hidden():
    """Made from results.json (the page's own protected numbers): Medan's demo figures by hand, and a hidden
    cost is '…', never a number the page does not publish."""
    from analysis.report import training_needs

    res = {
        "n_assessed": 12719,
        "plan": {"people": 3664, "enrolments": 6925, "jp": 83970, "cost_idr": 3496210000.0},
        "largest_need": {
            "name": "Bimbingan di Tempat Kerja Standar Pelayanan",
            "participants": 1286,
            "cost_idr": 514400000.0,
        },
        "share_20_jp": 0.2535,
        "jp_year": 2025,
    }
    s = training_needs.decision_summary(res, "id")
    assert s[0] == (
        "Dari 12.719 pegawai yang dinilai, **3.664 perlu pelatihan** untuk menutup kekurangan kompetensinya: "
        "6.925 penempatan, biaya **Rp 3,5 miliar**."
    )
    assert s[1] == "25% pegawai memenuhi hak pengembangan 20 JP pada 2025."
    assert "1.286 pegawai (Rp 514,4 juta)" in s[2]
    res["largest_need"]["cost_idr"] = None  # hidden on the page
    res["plan"]["people"] = None
    s = training_needs.decision_summary(res, "en")
    assert len(s) == 2 and s[1].endswith("for 1,286 staff (…).") and "3,664" not in " ".join(s)
