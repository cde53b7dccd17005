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


def _city_with_log(tmp_path, log: pd.DataFrame):
    """The tiny city with this visit log (U1 a puskesmas: 60-minute standard)."""
    fmt = "%Y-%m-%d %H:%M:%S"
    log = log.copy()
    for c in ("arrived_at", "served_at", "completed_at"):
        log[c] = pd.to_datetime(log[c]).dt.strftime(fmt).fillna("")
    return load.load_city(write_city(tmp_path / "city", tiny_tables() | {"service_visits": log}))


def _visits(month: str, waits, served, service="Poli Umum") -> pd.DataFrame:
    arrived = pd.Timestamp(f"{month}-02 07:00") + pd.to_timedelta(np.arange(len(waits)), unit="min")
    served_at = arrived + pd.to_timedelta(np.asarray(waits), unit="min")
    served_at = pd.Series(served_at).where(np.asarray(served))
    return pd.DataFrame(
        {
            "unit_id": "U1",
            "arrived_at": arrived,
            "served_at": served_at.to_numpy(),
            "completed_at": (served_at + pd.Timedelta(minutes=5)).to_numpy(),
            "service_type": service,
        }
    )


def test_walkout_aware_measures_recover_the_true_change(tmp_path):
    """The red team's case: the true median wait falls 50 -> 45 minutes and walk-outs fall 17% -> 3%, the
    citizens who leave being those who would have waited longest. The served-only median hides most of the
    improvement; the median over all arrivals and the share served within the standard out of all arrivals
    recover it. 12 months of 400 arrivals on each side (seeded)."""
    rng = np.random.default_rng(7)
    months, truth = [], {}
    for i, month in enumerate(pd.date_range("2024-01-01", periods=24, freq="MS").strftime("%Y-%m")):
        median, walkout = (50.0, 0.17) if i < 12 else (45.0, 0.03)
        latent = rng.lognormal(np.log(median), 0.5, 400)
        served = latent <= np.quantile(latent, 1 - walkout)  # the longest would-be waits walk out
        months.append(_visits(month, np.round(latent, 2), served))
        truth[month] = (np.median(latent), np.mean(latent <= 60))
    m = panels.visit_measures(_city_with_log(tmp_path, pd.concat(months)))
    before, after = m.iloc[:12], m.iloc[12:]
    true_before = np.mean([truth[k][0] for k in list(truth)[:12]])
    true_after = np.mean([truth[k][0] for k in list(truth)[12:]])
    true_change = true_after - true_before  # about -5 minutes
    measured = after["median_wait_all_arrivals"].mean() - before["median_wait_all_arrivals"].mean()
    served_only = after["median_wait_minutes"].mean() - before["median_wait_minutes"].mean()
    assert measured == pytest.approx(true_change, abs=0.5), (measured, true_change)
    assert abs(served_only - true_change) > 2.5, served_only  # the measure the red team caught
    true_share = np.mean([t[1] for t in list(truth.values())[12:]]) - np.mean(
        [t[1] for t in list(truth.values())[:12]]
    )
    share_all = after["share_within_standard_all"].mean() - before["share_within_standard_all"].mean()
    share_served = after["share_within_standard"].mean() - before["share_within_standard"].mean()
    assert share_all == pytest.approx(true_share, abs=0.01) and true_share > 0.05
    assert share_served < true_share - 0.05  # served-only: the walk-outs' return makes it look worse
    assert before["walkout_rate"].mean() == pytest.approx(0.17, abs=0.005)
    assert after["walkout_rate"].mean() == pytest.approx(0.03, abs=0.005)


def test_outages_and_thin_months_are_missing_not_low(tmp_path):
    log = pd.concat(
        [
            _visits("2024-01", np.full(100, 20), np.ones(100, bool)),
            _visits("2024-02", np.full(100, 20), np.ones(100, bool)),
            _visits("2024-03", np.full(15, 90), np.ones(15, bool)),  # the queue system was down most of March
            # April: nothing recorded at all
            _visits("2024-05", np.full(100, 20), np.ones(100, bool)),
        ]
    )
    m = panels.visit_measures(_city_with_log(tmp_path, log), min_visits=20).set_index("month")
    assert m.loc["2024-03-01", "status"] == "outage" and np.isnan(m.loc["2024-03-01", "median_wait_minutes"])
    assert m.loc["2024-04-01", "status"] == "outage" and m.loc["2024-04-01", "arrivals"] == 0
    assert (m.loc[["2024-01-01", "2024-02-01", "2024-05-01"], "status"] == "ok").all()
    thin = panels.visit_measures(_city_with_log(tmp_path / "b", log), min_visits=150)
    assert set(thin["status"]) == {"too_few_visits", "outage"} and thin["median_wait_minutes"].isna().all()


def test_the_standardised_median_holds_the_service_mix_fixed(tmp_path):
    """Fast registration (10 min) and a slow service (60 min); in March most visitors come for the slow one.
    The plain median jumps with the mix; the standardised one stays where both services' waits stayed."""
    log = pd.concat(
        [
            _visits(
                m, np.r_[np.full(fast, 10.0), np.full(slow, 60.0)], np.ones(fast + slow, bool), service=None
            ).assign(service_type=["Pendaftaran"] * fast + ["Poli Gigi"] * slow)
            for m, fast, slow in (("2024-01", 80, 20), ("2024-02", 80, 20), ("2024-03", 20, 80))
        ]
    )
    m = panels.visit_measures(_city_with_log(tmp_path, log)).set_index("month")
    assert (
        m.loc["2024-01-01", "median_wait_minutes"] == 10 and m.loc["2024-03-01", "median_wait_minutes"] == 60
    )
    weights = {"Pendaftaran": 180 / 300, "Poli Gigi": 120 / 300}  # the unit's mix over the whole period
    expected = 10 * weights["Pendaftaran"] + 60 * weights["Poli Gigi"]
    assert m["median_wait_standardised"].to_numpy() == pytest.approx([expected] * 3)


def test_random_walkouts_bias_the_all_arrivals_median_up_as_the_page_warns(tmp_path):
    """The all-arrivals median assumes walk-outs are the citizens who would have waited longest. When they
    leave at random (waits unchanged at a median of 30 minutes, 400 arrivals a month, 12 months, seeded), it
    reads about 35 minutes at 20% walk-outs while the served-only median stays at 30: the page shows the walk-out
    rate beside it and its caveat says the measure then overstates the wait."""
    rng = np.random.default_rng(9)
    months = []
    for month in pd.date_range("2024-01-01", periods=12, freq="MS").strftime("%Y-%m"):
        waits = np.round(rng.lognormal(np.log(30), 0.5, 400), 2)
        months.append(_visits(month, waits, rng.random(400) >= 0.2))
    m = panels.visit_measures(_city_with_log(tmp_path, pd.concat(months)))
    assert m["median_wait_minutes"].mean() == pytest.approx(30, abs=1)
    assert m["median_wait_all_arrivals"].mean() - m["median_wait_minutes"].mean() > 4  # measured: 5.4


def test_the_same_panel_from_csv_typed_parquet_and_a_folder_of_monthly_parquet_files(city, tmp_path):
    """The visit log as text CSV, as typed Parquet (no text round trip) and as a hive-style folder of one
    Parquet file per month gives the same panel, to the last digit."""
    import shutil

    csv_panel = panels.visit_panel(city)
    log = pd.read_csv(city.directory / "service_visits.csv", dtype=str, keep_default_na=False)
    for c in ("arrived_at", "served_at", "completed_at"):
        log[c] = pd.to_datetime(log[c].replace("", None))
    typed = tmp_path / "typed"
    shutil.copytree(city.directory, typed)
    (typed / "service_visits.csv").unlink()
    log.to_parquet(typed / "service_visits.parquet", index=False)
    folder = tmp_path / "folder"
    shutil.copytree(typed, folder)
    (folder / "service_visits.parquet").unlink()
    for month, part in log.groupby(log["arrived_at"].dt.strftime("%Y-%m")):
        (folder / "service_visits" / f"month={month}").mkdir(parents=True)
        part.to_parquet(folder / "service_visits" / f"month={month}" / "part-0.parquet", index=False)
    for d in (typed, folder):
        data = load.load_city(d)
        assert not [p for p in data.problems if p.severity == "error"]
        pd.testing.assert_frame_equal(panels.visit_panel(data), csv_panel, check_dtype=False)


def test_a_log_too_large_for_memory_at_once_is_aggregated_in_slices_of_units_with_the_same_panel(
    city, monkeypatch
):
    """When the exact quantiles of the whole log would not fit in DuckDB's memory limit, the units are split
    into disjoint slices (each unit x month group in one): the panel is the same, to the last digit. Forced
    here by pretending each visit needs a gigabyte."""
    whole = panels.visit_panel(city)
    monkeypatch.setattr(panels, "BYTES_PER_VISIT", 2**30)
    con = panels.visits.connect()
    assert panels.slices_for(con, city.visits.estimated_rows()) > 1
    pd.testing.assert_frame_equal(panels.visit_panel(city), whole)
