"""The visit log is read lazily by DuckDB: its coverage and its problems come from SQL over the file, the same
for CSV and Parquet."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data import visits

LOG = pd.DataFrame(
    {
        "unit_id": ["U1", "U1", "U2", "U9"],
        "arrived_at": [
            "2024-01-02 08:00:00",
            "2024-03-05 09:00:00",
            "2024-02-01 10:00:00",
            "2024-02-01 10:00:00",
        ],
        "served_at": ["2024-01-02 08:30:00", "2024-03-05 08:50:00", "", "2024-02-01 10:05:00"],
        "completed_at": ["2024-01-02 08:40:00", "2024-03-05 09:10:00", "", "2024-02-01 10:15:00"],
        "service_type": ["Poli Umum"] * 4,
    }
)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_coverage_and_problems_from_the_file(tmp_path, fmt):
    path = tmp_path / f"service_visits.{fmt}"
    LOG.to_csv(path, index=False) if fmt == "csv" else LOG.to_parquet(path, index=False)
    log = visits.VisitLog(path.name, path=path)
    units, first, last = log.coverage()
    assert units == {"U1", "U2", "U9"}
    assert (first, last) == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-01"))
    problems = visits.check(log, pd.Index(["U1", "U2"]))
    found = {(p.column, p.row, p.value) for p in problems if p.severity == "error"}
    assert ("unit_id", 5, "U9") in found  # not in units (row 5: header is row 1)
    assert any(p.row == 3 and p.column == "served_at" for p in problems)  # served before arriving
    assert all(p.file == path.name for p in problems)


def test_typed_parquet_times_are_used_as_they_are_and_rows_are_counted_in_the_file(tmp_path):
    """A Parquet log with TIMESTAMP columns (what a data lake holds): no parse rule can fail, the typed times
    are compared directly, and a bad row deep in the file is named by its row (file row + 2, as a spreadsheet
    with a header numbers it), read from Parquet's own row numbers, not by materialising the log."""
    n = 50_000
    log = pd.DataFrame(
        {
            "unit_id": "U1",
            "arrived_at": pd.Timestamp("2024-01-02 08:00") + pd.to_timedelta(range(n), "min"),
            "service_type": "Poli Umum",
        }
    )
    log["served_at"] = log["arrived_at"] + pd.Timedelta(minutes=20)
    log.loc[41_234, "served_at"] = log.loc[41_234, "arrived_at"] - pd.Timedelta(minutes=5)
    log["completed_at"] = log["served_at"] + pd.Timedelta(minutes=5)
    path = tmp_path / "service_visits.parquet"
    log.to_parquet(path, index=False)
    vl = visits.VisitLog(path.name, path=path)
    problems = visits.check(vl, pd.Index(["U1"]))
    assert [(p.column, p.row) for p in problems] == [("served_at", 41_236)]
    assert vl._typed_times == {"arrived_at", "served_at", "completed_at"}


def test_a_folder_of_parquet_files_is_one_log_and_a_bad_row_names_its_file(tmp_path):
    """service_visits/ split hive-style by month (as Spark or a data lake writes it) reads as one log: the same
    coverage as the single file, and a problem names the partition file and its row there."""
    folder = tmp_path / "service_visits"
    log = LOG.assign(month=pd.to_datetime(LOG["arrived_at"]).dt.strftime("%Y-%m"))
    for month, part in log.groupby("month"):
        (folder / f"month={month}").mkdir(parents=True)
        part.drop(columns="month").to_parquet(folder / f"month={month}" / "part-0.parquet", index=False)
    vl = visits.VisitLog(folder.name, path=folder)
    assert vl.format == "parquet"
    units, first, last = vl.coverage()
    assert units == {"U1", "U2", "U9"} and (first, last) == (
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-03-01"),
    )
    found = {
        (p.file, p.column, p.row) for p in visits.check(vl, pd.Index(["U1", "U2"])) if p.severity == "error"
    }
    # U9 is the second row of February's file; U1's March visit (served before arriving) the only row of March's
    assert found == {
        ("service_visits/month=2024-02/part-0.parquet", "unit_id", 3),
        ("service_visits/month=2024-03/part-0.parquet", "served_at", 2),
    }


def test_duckdb_memory_limit_and_spill_folder_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(visits.MEMORY_ENV, "512MB")
    monkeypatch.setenv(visits.TEMP_ENV, str(tmp_path / "spill"))
    con = visits.connect()
    limit, temp = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
    ).fetchone()
    assert limit.replace(" ", "") in ("512.0MB", "488.2MiB") and temp == str(tmp_path / "spill")
