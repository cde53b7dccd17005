"""Cost per result against hand-computed examples; not estimable whenever the effect may be nil."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.data.load import CityData
from analysis.methods import cost


def test_cost_per_hour_of_waiting_saved_by_hand():
    """Rp 1,200,000 bought -2 minutes per visit (interval -3 .. -1) over 600 visits: 20 hours saved (30 .. 10),
    so Rp 60,000 an hour (40,000 .. 120,000): the interval is the effect's interval mapped through C / gain."""
    effect = {"estimate": -2.0, "ci_low": -3.0, "ci_high": -1.0}
    r = cost.cost_per_result(1_200_000, effect, "decrease", -1, 600 / 60, "decrease")
    assert r == {"estimable": True, "value": 60_000.0, "low": 40_000.0, "high": 120_000.0, "results": 20.0}


def test_cost_per_ikm_point_and_per_citizen_within_the_standard_by_hand():
    r = cost.cost_per_result(
        900e6, {"estimate": 3.0, "ci_low": 2.0, "ci_high": 4.5}, "increase", 1, 1.0, "increase"
    )
    assert (r["value"], r["low"], r["high"]) == (300e6, 200e6, 450e6)
    # 5 percentage points more of 10,000 visits within the standard = 500 citizens; Rp 1 million each
    r = cost.cost_per_result(
        500e6, {"estimate": 5.0, "ci_low": 2.5, "ci_high": 10.0}, "increase", 1, 100.0, "increase"
    )
    assert (r["results"], r["value"], r["low"], r["high"]) == (500.0, 1e6, 0.5e6, 2e6)


@pytest.mark.parametrize(
    ("verdict", "effect", "reason"),
    [
        (
            "no_detectable_change",
            {"estimate": -1.0, "ci_low": -2.0, "ci_high": 0.5},
            "verdict_no_detectable_change",
        ),
        ("fragile", {"estimate": -3.0, "ci_low": -4.0, "ci_high": -2.0}, "verdict_fragile"),
        (
            "increase",
            {"estimate": 1.0, "ci_low": 0.5, "ci_high": 1.5},
            "verdict_increase",
        ),  # waits got longer
        ("decrease", {"estimate": -1.0, "ci_low": -2.0, "ci_high": 0.0}, "interval_reaches_zero"),
    ],
)
def test_not_estimable_when_the_effect_may_be_nil_or_bad(verdict, effect, reason):
    r = cost.cost_per_result(1e9, effect, verdict, -1, 100.0, "decrease")
    assert r == {"estimable": False, "reason": reason}


def test_programme_cost_counts_rollout_and_the_trainings_from_each_start_on():
    """Two units in the programme (Rp 40 and 60 million) and one never (its cost is not counted); training
    INT-01 (Rp 2.5 million in the catalogue) taken by A's staff after its start counts, before it does not, and
    by C's staff (never in the programme) does not; an unknown code is counted as unpriced, not guessed."""
    tables = {
        "rollout": pd.DataFrame(
            {
                "unit_id": ["A", "B", "C"],
                "programme_start": pd.to_datetime(["2024-01-01", "2024-07-01", None]),
                "cost_idr": [40e6, 60e6, 99e6],
            }
        ),
        "staff": pd.DataFrame({"staff_id": ["s1", "s2", "s3"], "unit_id": ["A", "B", "C"]}),
        "trainings": pd.DataFrame(
            {
                "staff_id": ["s1", "s1", "s2", "s3"],
                "training_code": ["INT-01", "INT-01", "XX-99", "INT-01"],
                "start": pd.to_datetime(["2024-02-01", "2023-12-01", "2024-08-01", "2024-02-01"]),
            }
        ),
    }
    c = cost.programme_cost(CityData(Path("."), tables))
    assert c == {
        "total_idr": 102.5e6,
        "rollout_idr": 100e6,
        "training_idr": 2.5e6,
        "unpriced_trainings": 1,
        "units": 2,
    }
