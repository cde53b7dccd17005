"""Monitoring: units that deteriorate are found, stable ones rarely flagged, survey flags only when the data
are confident, and per-unsur scores equal satisfaction.ikm's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import monitored_city

from analysis.data import reference
from analysis.methods import monitoring, satisfaction, xmr

UNSUR = reference.table("ikm_unsur")["unsur"].tolist()


@pytest.mark.integration  # a Monte Carlo of 1,000 charts
def test_a_stable_unit_is_rarely_flagged():
    """1,000 stable waiting-time series of 24 months (normal noise, seeded): the latest point is a special cause
    of concern in 1.0% of them (measured; NHSRplotthedots' rules on the last point only), so a city's list is
    not filled with noise."""
    rng = np.random.default_rng(1)
    flagged = [
        xmr.xmr(rng.normal(30, 3, 24), improvement="decrease").variation == "special_cause_concern"
        for _ in range(1000)
    ]
    assert np.mean(flagged) <= 0.02, np.mean(flagged)


@pytest.mark.integration  # a 14-unit city with 24 months of visits
def test_deteriorating_units_are_found_and_stable_ones_are_not(tmp_path):
    mon = monitoring.monitor_city(monitored_city(tmp_path))
    att = mon.attention().set_index("unit_id")
    assert set(att.index) == {"SLOW", "WALK", "SURV", "LOW"}, att["reasons"].to_dict()
    assert "wait_getting_worse" in att.at["SLOW", "reasons"]
    assert (
        "walkouts_rising" in att.at["WALK", "reasons"] and "walkouts_rising" not in att.at["SLOW", "reasons"]
    )
    # (WALK's median over all arrivals rises too: a walk-out counts as an unfinished, long wait)
    assert att.at["SURV", "reasons"] == ["unsur_low"]  # one unsur collapsed; the IKM is still Baik
    assert att.at["LOW", "reasons"] == ["ikm_low", "unsur_low"]  # every unsur in band D
    # the signal began within the last six months, where the slowing began
    assert (
        pd.Timestamp("2024-06-01")
        <= att.at["SLOW", "since"]["wait_getting_worse"]
        <= pd.Timestamp("2024-12-01")
    )
    units = mon.units.set_index("unit_id")
    assert units.at["SURV", "weakest_unsur"] == "waktu"
    assert mon.charts["U1"].wait.n == 24 and mon.charts["U1"].wait.assurance == "consistent_pass"


@pytest.mark.integration  # a 14-unit city with 24 months of visits
def test_unsur_scores_equal_satisfaction_ikm(tmp_path):
    data = monitored_city(tmp_path, n_stable=2)
    summary = monitoring.survey_summary(data.table("satisfaction_responses"))
    reference_table = satisfaction.ikm(data.table("satisfaction_responses"), by="unit_id").set_index(
        "unit_id"
    )
    pd.testing.assert_frame_equal(summary[UNSUR], reference_table.loc[summary.index, UNSUR])
    assert summary["ikm"].to_numpy() == pytest.approx(reference_table.loc[summary.index, "ikm"].to_numpy())
    assert (summary["ikm_upper"] > summary["ikm"]).all()


@pytest.mark.integration  # a 14-unit city with 24 months of visits
def test_a_city_with_only_a_survey_or_only_a_log(tmp_path):
    data = monitored_city(tmp_path, n_stable=2)
    no_log = monitoring.monitor_city(type(data)(**{**data.__dict__, "visits": None}))
    assert no_log.measures is None and not no_log.charts and "ikm" in no_log.units
    tables = {k: v for k, v in data.tables.items() if k != "satisfaction_responses"}
    no_survey = monitoring.monitor_city(type(data)(**{**data.__dict__, "tables": tables}))
    assert no_survey.ikm is None and no_survey.charts


def test_answer_distribution_per_unsur():
    """Shares of each answer option and the mean score per unsur, in the Lampiran's order, by hand."""
    responses = pd.DataFrame({u: [1, 2, 4, 4] for u in UNSUR}).assign(
        waktu=[3, 3, 3, 4], pengaduan=[4, 4, None, 2]
    )
    a = monitoring.answer_distribution(responses).set_index("unsur")
    assert list(a.index) == UNSUR  # persyaratan, prosedur, waktu, ... (Lampiran order)
    assert a.loc["persyaratan", ["share_1", "share_2", "share_3", "share_4"]].tolist() == [
        0.25,
        0.25,
        0.0,
        0.5,
    ]
    assert a.at["persyaratan", "score"] == pytest.approx(2.75) and a.at["waktu", "score"] == pytest.approx(
        3.25
    )
    assert a.at["pengaduan", "answers"] == 3 and a.at["pengaduan", "share_4"] == pytest.approx(2 / 3)


def test_an_unsur_that_collapsed_in_the_latest_quarter_is_flagged_with_enough_answers():
    """By hand: unit A's 20 answers on perilaku are 1 and 2 (mean 1.5, sd 0.51: upper end 25 x (1.5 + 2.77 x
    0.51 / sqrt(20)) = 45.4, under Kurang Baik's 65); unit B has the same answers from 5 respondents only
    (fewer than 10: not judged); unit C answers 3 everywhere but one 2.5-mean unsur whose upper end is above 65."""
    a = pd.DataFrame({u: [3] * 20 for u in UNSUR}).assign(unit_id="A", perilaku=[1, 2] * 10)
    b = pd.DataFrame({u: [3] * 5 for u in UNSUR}).assign(unit_id="B", perilaku=[1, 2, 1, 2, 1])
    c = pd.DataFrame({u: [3] * 20 for u in UNSUR}).assign(unit_id="C", waktu=[2, 3] * 10)
    low = monitoring.latest_unsur_low(pd.concat([a, b, c], ignore_index=True))
    assert list(low.index) == ["A"] and low.at["A", "unsur"] == "perilaku"
    sd = np.std([1, 2] * 10, ddof=1)
    assert low.at["A", "upper"] == pytest.approx(25 * (1.5 + monitoring.LATEST_Z * sd / np.sqrt(20)))
