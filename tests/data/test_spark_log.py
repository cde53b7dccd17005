"""The visit log on Apache Spark equals the visit log on DuckDB: the same bad rows named, the same unit x month
panel (counts exact, medians and p90 to 1e-9), for a CSV, a typed Parquet file and a folder of monthly Parquet
files (also given to Spark as a file:// URI, as a data lake's s3a:// or hdfs:// would be) and a semicolon CSV.
PySpark runs in local mode on a generated log of 6,000 visits with gaps, walk-outs and bad rows (a few
seconds of data; most of the time is Spark's start)."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyspark", reason="PySpark is not installed (pip install -e '.[dev]')")
if shutil.which("java") is None:
    pytest.skip(
        "no Java runtime for Spark (.ci/run installs openjdk-17-jre-headless)", allow_module_level=True
    )

from analysis.data import spark_log, visits  # noqa: E402
from analysis.methods import panels  # noqa: E402

pytestmark = pytest.mark.spark

UNITS = [f"U{i}" for i in range(12)]


def generated_log(rng: np.random.Generator, n: int = 6000) -> pd.DataFrame:
    """Visits in 2024 at 12 units, U11 silent from April to June (a gap), 6% walk-outs, and bad rows: served
    before arrived, an unknown unit, an unreadable time, an empty service type."""
    unit = rng.choice(UNITS, n)
    arrived = pd.Timestamp("2024-01-01 07:30") + pd.to_timedelta(
        rng.integers(0, 365, n) * 86400 + rng.integers(0, 28800, n), "s"
    )
    keep = ~((unit == "U11") & (arrived.month >= 4) & (arrived.month <= 6))
    unit, arrived = unit[keep], arrived[keep]
    m = len(unit)
    wait = pd.to_timedelta(rng.integers(60, 3600, m), "s")
    served = (arrived + wait).to_series(index=range(m))
    served[rng.random(m) < 0.06] = pd.NaT
    log = pd.DataFrame(
        {
            "unit_id": unit,
            "arrived_at": arrived,
            "served_at": served.to_numpy(),
            "completed_at": (served + pd.to_timedelta(rng.integers(60, 900, m), "s")).to_numpy(),
            "service_type": rng.choice(["Poli Umum", "KIA", "Pendaftaran"], m),
        }
    )
    log.loc[17, "served_at"] = log.loc[17, "arrived_at"] - pd.Timedelta(minutes=3)
    log.loc[2500, "unit_id"] = "U99"
    log.loc[4100, "service_type"] = ""
    return log


@pytest.fixture(scope="module")
def spark():
    s = spark_log.session()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    """The same log as a text CSV (with one unreadable time), a typed Parquet file and a monthly folder."""
    d = tmp_path_factory.mktemp("logs")
    log = generated_log(np.random.default_rng(3))
    text = log.copy()
    for c in visits.TIMES:
        text[c] = text[c].dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
    text.loc[3000, "completed_at"] = "31/03/2024 10:00"
    text.to_csv(d / "service_visits.csv", index=False)
    (d / "semicolon").mkdir()
    text.to_csv(d / "semicolon" / "service_visits.csv", index=False, sep=";")  # Excel in an Indonesian locale
    log.to_parquet(d / "service_visits.parquet", index=False)
    for month, part in log.groupby(log["arrived_at"].dt.strftime("%Y-%m")):
        (d / "service_visits" / f"month={month}").mkdir(parents=True)
        part.to_parquet(d / "service_visits" / f"month={month}" / "part-0.parquet", index=False)
    return {
        "csv": d / "service_visits.csv",
        "parquet": d / "service_visits.parquet",
        "folder": d / "service_visits",
        "folder_uri": d / "service_visits",
        "csv_semicolon": d / "semicolon" / "service_visits.csv",
    }


KINDS = ["csv", "parquet", "folder", "folder_uri", "csv_semicolon"]


def _spark_location(logs, kind):
    """What Spark is given: the local path, or for ``folder_uri`` the folder's file:// URI (read through
    Hadoop's file systems, as s3a:// or hdfs:// are)."""
    return logs[kind].as_uri() if kind.endswith("_uri") else logs[kind]


def _key(problems):
    return sorted((p.file, p.row or 0, p.column, p.value, p.rule) for p in problems)


@pytest.mark.parametrize("kind", KINDS)
def test_spark_names_the_same_bad_rows_as_duckdb(spark, logs, kind):
    path = logs[kind]
    units = pd.Index(UNITS)
    ours = visits.check(visits.VisitLog(path.name, path=path), units)
    theirs = spark_log.check(spark, _spark_location(logs, kind), units)  # labelled by its location's name
    assert _key(theirs) == _key(ours)
    rules = {(p.column, p.rule) for p in ours}
    assert ("unit_id", "unit_id must exist in units") in rules and (
        "service_type",
        "must not be empty",
    ) in rules
    served = [p for p in ours if p.column == "served_at"]
    assert len(served) == 1 and (kind.startswith("folder") or served[0].row == 19)  # row 17, under a header
    assert len(ours) == 3 + kind.startswith("csv")  # + the unreadable time of the text file
    if kind.startswith("folder"):  # the partition file, relative to the log, whatever the location's form
        assert served[0].file.startswith("service_visits/month=") and served[0].file.endswith(".parquet")


@pytest.mark.parametrize("kind", KINDS)
def test_spark_panel_equals_duckdb_panel(spark, logs, kind, tmp_path):
    from analysis.data.load import CityData

    path = logs[kind]
    units = pd.DataFrame({"unit_id": UNITS, "unit_type": "puskesmas"})
    city = CityData(directory=tmp_path, tables={"units": units}, visits=visits.VisitLog(path.name, path=path))
    ours = panels._unit_months(city, served_only_extras=True)
    theirs = panels.spark_unit_months(spark, _spark_location(logs, kind), panels.unit_standards(units))
    assert len(ours) == len(theirs) and (ours["unit_id"] == "U11").sum() == 9  # the three silent months
    key = ["unit_id", "month"]
    merged = ours.merge(theirs, on=key, suffixes=("", "_spark"), how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    for c in ("arrivals", "served"):
        assert (merged[c] == merged[f"{c}_spark"]).all(), c
    for c in ours.columns.difference(key + ["arrivals", "served"]):
        np.testing.assert_allclose(merged[f"{c}_spark"], merged[c], rtol=0, atol=1e-9, err_msg=c)


def test_visit_panel_command_writes_the_same_panel_with_either_engine(logs, tmp_path):
    """`asn-kinerja visit-panel DIR --out panel.parquet --engine duckdb|spark` on a folder with only units and
    the visit log (here the monthly Parquet folder, the bad rows removed): the same file, column for column."""
    from analysis import cli

    d = tmp_path / "city"
    d.mkdir()
    pd.DataFrame(
        {
            "unit_id": UNITS,
            "city": "medan",
            "agency": "Dinas Kesehatan",
            "unit_type": "puskesmas",
            "sector": "health",
        }
    ).to_csv(d / "units.csv", index=False)
    for f in logs["folder"].rglob("*.parquet"):
        part = pd.read_parquet(f)
        part = part[part["unit_id"].isin(UNITS) & (part["service_type"] != "")]
        part = part[~(part["served_at"] < part["arrived_at"])]
        target = d / "service_visits" / f.relative_to(logs["folder"])
        target.parent.mkdir(parents=True, exist_ok=True)
        part.to_parquet(target, index=False)
    out = {}
    for engine in ("duckdb", "spark"):
        assert (
            cli.main(
                ["visit-panel", str(d), "--out", str(tmp_path / f"{engine}.parquet"), "--engine", engine]
            )
            == 0
        )
        out[engine] = pd.read_parquet(tmp_path / f"{engine}.parquet")
    assert list(out["duckdb"].columns) == list(out["spark"].columns) and len(out["duckdb"]) == 12 * 12 - 3
    pd.testing.assert_frame_equal(out["spark"], out["duckdb"], check_exact=False, rtol=0, atol=1e-9)

    # the log elsewhere (--visits): a folder with only units, the log at a URI (a data lake's s3a:// is read
    # the same way, through Hadoop's file systems); DuckDB refuses a URI and says which engine reads one
    only_units = tmp_path / "units-only"
    only_units.mkdir()
    shutil.copy(d / "units.csv", only_units / "units.csv")
    uri = (d / "service_visits").as_uri()
    args = ["visit-panel", str(only_units), "--visits", uri, "--out", str(tmp_path / "lake.parquet")]
    assert cli.main([*args, "--engine", "duckdb"]) == 1
    assert cli.main([*args, "--engine", "spark"]) == 0
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "lake.parquet"), out["duckdb"], check_exact=False, rtol=0, atol=1e-9
    )
    local = ["visit-panel", str(only_units), "--visits", str(d / "service_visits"), "--out"]
    assert cli.main([*local, str(tmp_path / "local.parquet")]) == 0  # a local path elsewhere: either engine
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "local.parquet"), out["duckdb"])
