"""Monitoring: units that deteriorate are found, stable ones rarely flagged, survey flags only when the data
are confident, and per-unsur scores equal satisfaction.ikm's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import tiny_tables, write_city

from analysis.data import load, reference
from analysis.methods import monitoring, satisfaction, xmr

UNSUR = reference.table("ikm_unsur")["unsur"].tolist()


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


def _city(tmp_path, n_stable=10, seed=0):
    """Units U1..Un stable (median wait 30 min, 5% walk-outs); SLOW gets slower by 4 min a month over the last
    6 months; WALK keeps its waits but walk-outs rise to 30% over the last 5 months. 24 months, 60 visits a
    month each; a survey where SURV scores 1-2 on 'waktu' and LOW scores about 2.4 everywhere."""
    rng = np.random.default_rng(seed)
    tables = tiny_tables()
    names = [f"U{i}" for i in range(1, n_stable + 1)] + ["SLOW", "WALK", "SURV", "LOW"]
    tables["units"] = pd.DataFrame(
        {
            "unit_id": names,
            "city": "kendari",
            "agency": "Dinas Kesehatan",
            "unit_type": "puskesmas",
            "sector": "health",
            "unit_name": [f"Puskesmas {n}" for n in names],
        }
    )
    tables["rollout"] = pd.DataFrame({"unit_id": names, "programme_start": "", "cost_idr": ""})
    tables["staff"]["unit_id"] = names[0]
    rows = []
    months = pd.date_range("2023-01-01", periods=24, freq="MS")
    for unit in names[:-2]:
        for i, month in enumerate(months):
            late = max(0, i - 17)  # months 18..23: the last six
            wait = 30 + (4 * late if unit == "SLOW" else 0)
            walk = 0.05 + (0.05 * max(0, i - 18) if unit == "WALK" else 0)
            waits = rng.lognormal(np.log(wait), 0.3, 60)
            served = rng.random(60) >= walk
            arrived = month + pd.Timedelta(days=1, hours=7) + pd.to_timedelta(np.arange(60) * 7, unit="min")
            served_at = pd.Series(arrived + pd.to_timedelta(waits, unit="min")).where(served)
            rows.append(
                pd.DataFrame(
                    {
                        "unit_id": unit,
                        "arrived_at": arrived,
                        "served_at": served_at.to_numpy(),
                        "completed_at": (served_at + pd.Timedelta(minutes=5)).to_numpy(),
                        "service_type": "Poli Umum",
                    }
                )
            )
    log = pd.concat(rows)
    for c in ("arrived_at", "served_at", "completed_at"):
        log[c] = pd.to_datetime(log[c]).dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
    tables["service_visits"] = log
    answers = []
    for unit in names:
        for k in range(120):
            score = {u: int(rng.choice([3, 4], p=[0.6, 0.4])) for u in UNSUR}
            if unit == "SURV":
                score["waktu"] = int(rng.choice([1, 2]))
            if unit == "LOW":
                score = {u: int(rng.choice([2, 3], p=[0.6, 0.4])) for u in UNSUR}
            answers.append(
                {
                    "response_id": f"{unit}-{k}",
                    "unit_id": unit,
                    "surveyed_on": f"2024-{1 + k % 12:02d}-10",
                    **score,
                }
            )
    tables["satisfaction_responses"] = pd.DataFrame(answers)
    return load.load_city(write_city(tmp_path / "city", tables))


def test_deteriorating_units_are_found_and_stable_ones_are_not(tmp_path):
    mon = monitoring.monitor_city(_city(tmp_path))
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


def test_unsur_scores_equal_satisfaction_ikm(tmp_path):
    data = _city(tmp_path, n_stable=2)
    summary = monitoring.survey_summary(data.table("satisfaction_responses"))
    reference_table = satisfaction.ikm(data.table("satisfaction_responses"), by="unit_id").set_index(
        "unit_id"
    )
    pd.testing.assert_frame_equal(summary[UNSUR], reference_table.loc[summary.index, UNSUR])
    assert summary["ikm"].to_numpy() == pytest.approx(reference_table.loc[summary.index, "ikm"].to_numpy())
    assert (summary["ikm_upper"] > summary["ikm"]).all()


def test_a_city_with_only_a_survey_or_only_a_log(tmp_path):
    data = _city(tmp_path, n_stable=2)
    no_log = monitoring.monitor_city(type(data)(**{**data.__dict__, "visits": None}))
    assert no_log.measures is None and not no_log.charts and "ikm" in no_log.units
    tables = {k: v for k, v in data.tables.items() if k != "satisfaction_responses"}
    no_survey = monitoring.monitor_city(type(data)(**{**data.__dict__, "tables": tables}))
    assert no_survey.ikm is None and no_survey.charts
