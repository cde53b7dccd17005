"""Where the Spark backend reads a visit log from (no Spark needed): a data-lake URI is passed on as it is, a
local path made absolute; a partition file is named relative to the log's location either way; a CSV's
separator is taken from its header (Excel in an Indonesian locale writes semicolons)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.data import spark_log


@pytest.mark.parametrize(
    ("location", "uri"),
    [
        ("s3a://dinkes/medan/service_visits/", True),
        ("hdfs://namenode:8020/logs/service_visits", True),
        ("abfss://logs@account.dfs.core.windows.net/service_visits", True),
        ("file:///data/medan/service_visits", True),
        ("/data/medan/service_visits", False),
        ("data/raw/medan/service_visits.csv", False),
        ("C:/data/service_visits", False),
    ],
)
def test_a_uri_is_told_from_a_local_path(location, uri):
    assert spark_log.is_uri(location) is uri
    assert spark_log.is_uri(Path(location)) is False  # a Path is always local


def test_partition_files_are_named_relative_to_the_log_location(tmp_path):
    base = "s3a://dinkes/medan/service_visits/"
    part = "s3a://dinkes/medan/service_visits/month=2024-03/part-00000.snappy.parquet"
    assert spark_log._relative(part, base) == "month=2024-03/part-00000.snappy.parquet"
    assert spark_log._relative(part, base.rstrip("/")) == "month=2024-03/part-00000.snappy.parquet"
    assert spark_log._relative("s3a://dinkes/medan/log.parquet", "s3a://dinkes/medan/log.parquet") is None
    folder = tmp_path / "service_visits"
    folder.mkdir()
    uri = (folder / "month=2024-01" / "a b.parquet").as_uri()  # Spark quotes the space: %20
    assert spark_log._relative(uri, folder) == "month=2024-01/a b.parquet"
    assert spark_log._relative(uri, folder.as_uri()) == "month=2024-01/a b.parquet"
    assert spark_log._relative(None, folder) is None


def test_the_log_name_is_the_last_part_of_its_location():
    assert spark_log.log_name("s3a://dinkes/medan/service_visits/") == "service_visits"
    assert spark_log.log_name("hdfs://nn/logs/service_visits.csv") == "service_visits.csv"
    assert spark_log.log_name(Path("/data/medan/service_visits.parquet")) == "service_visits.parquet"


def test_csv_or_parquet_from_the_name(tmp_path):
    assert spark_log._is_csv("s3a://b/x/service_visits.csv") and spark_log._is_csv("s3a://b/x/v.csv.gz")
    assert not spark_log._is_csv("s3a://b/x/service_visits/") and not spark_log._is_csv("hdfs://n/v.parquet")
    assert not spark_log._is_csv("s3a://b/x/service_visits")  # at a URI, no suffix: a folder of Parquet
    folder = tmp_path / "service_visits.csv"  # a folder, whatever its name: Parquet files inside
    folder.mkdir()
    assert not spark_log._is_csv(folder) and not spark_log._is_csv(tmp_path / "v.parquet")
    assert spark_log._is_csv(tmp_path / "v.csv") and spark_log._is_csv(tmp_path / "v.tsv")  # as VisitLog


@pytest.mark.parametrize(
    ("header", "sep"),
    [
        ("unit_id,arrived_at,served_at,completed_at,service_type", ","),
        ("unit_id;arrived_at;served_at;completed_at;service_type", ";"),
        ("unit_id\tarrived_at\tserved_at\tcompleted_at\tservice_type", "\t"),
        ("unit_id|arrived_at|served_at", "|"),
        ("unit_id", ","),
    ],
)
def test_the_csv_separator_comes_from_the_header(header, sep):
    assert spark_log.delimiter(header) == sep
