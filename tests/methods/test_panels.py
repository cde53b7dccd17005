"""The unit x month panel that every waiting-time estimate starts from equals a direct computation on the log."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import tiny_tables, write_city

from analysis.data import load, reference
from analysis.methods import panels

WAITS = {  # unit -> month -> waiting minutes of the served visits
    "U1": {"2023-12": [5, 10, 30], "2024-01": [4, 6], "2024-02": [2, 3, 90]},
    "U2": {"2023-12": [20, 25], "2024-01": [70], "2024-02": [15, 45]},
}


@pytest.fixture
def city(tmp_path):
    rows = []
    for unit, months in WAITS.items():
        for month, waits in months.items():
            for i, w in enumerate(waits):
                arrived = pd.Timestamp(f"{month}-03 08:00") + pd.Timedelta(hours=i)
                served = arrived + pd.Timedelta(minutes=w)
                rows.append((unit, arrived, served, served + pd.Timedelta(minutes=10)))
    rows.append(("U2", pd.Timestamp("2024-02-05 10:00"), pd.NaT, pd.NaT))  # walked out: counted, not timed
    log = pd.DataFrame(rows, columns=["unit_id", "arrived_at", "served_at", "completed_at"]).assign(
        service_type="Poli Umum"
    )
    fmt = "%Y-%m-%d %H:%M:%S"
    for c in ("arrived_at", "served_at", "completed_at"):
        log[c] = log[c].dt.strftime(fmt).fillna("")
    tables = tiny_tables() | {"service_visits": log}
    return load.load_city(write_city(tmp_path / "city", tables))


def test_medians_p90_and_share_within_standard_equal_a_direct_computation(city):
    panel = panels.visit_panel(city).set_index(["unit_id", "month"])
    standard = reference.table("unit_types").set_index("unit_type").at["puskesmas", "standard_minutes"]
    for unit, months in WAITS.items():
        for month, waits in months.items():
            row = panel.loc[(unit, pd.Timestamp(f"{month}-01"))]
            assert row["median_wait_minutes"] == pytest.approx(np.median(waits))
            assert row["p90_wait_minutes"] == pytest.approx(
                np.quantile(waits, 0.9)
            )  # linear, as quantile_cont
            assert row["median_processing_minutes"] == pytest.approx(10.0)
            assert row["share_within_standard"] == pytest.approx(np.mean(np.array(waits) <= standard))
    walked_out = panel.loc[("U2", pd.Timestamp("2024-02-01"))]
    assert walked_out["visits"] == 3 and walked_out["served"] == 2


def test_periods_count_months_and_the_cohort_is_the_start_month(city):
    panel = panels.visit_panel(city)
    assert sorted(panel["period"].unique()) == [1, 2, 3]  # 2023-12, 2024-01, 2024-02
    u1, u2 = panel[panel["unit_id"] == "U1"], panel[panel["unit_id"] == "U2"]
    assert (u1["cohort"] == 2).all()  # started 2024-01, the second month in the data
    assert u2["cohort"].isna().all()  # never in the programme: a comparison unit
