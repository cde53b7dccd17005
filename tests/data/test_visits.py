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
