"""The visit log on Apache Spark, for logs that live in a data lake or outgrow one machine.

A thin second backend beside DuckDB (:mod:`analysis.data.visits`): the same rules (:func:`visits._rules_sql`,
the same SQL text) and the same unit x month aggregation (:func:`analysis.methods.panels.unit_month_queries`,
in Spark's dialect), so that the two engines give the same panel and name the same bad rows
(tests/data/test_spark_log.py runs both). Spark's ``percentile`` is exact and interpolates like DuckDB's
``quantile_cont``. Row numbers: Parquet's own (``_metadata.row_index``); a CSV's from its order
(``zipWithIndex`` over a single file's partitions, which Spark reads in file order).

A log in a data lake is named by its URI (``s3a://bucket/kota/service_visits/``, ``hdfs://...``,
``abfss://...``, ``file:///...``): Spark reads it through Hadoop's file systems (the connector jars and
credentials are Spark's configuration, see docs/national.md); a local path is read as before. Problems name a
partition file relative to the log's location either way.

PySpark and a Java runtime are needed only here (``pip install pyspark``; Java 17+). On a cluster, see
docs/national.md for the spark-submit recipe.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pandas as pd

from analysis.data import visits
from analysis.data.problems import MAX_ROWS_PER_RULE, Problem

#: The Spark master when none is given: local, one task per core. "submit" leaves it to spark-submit (a cluster).
MASTER_ENV, DEFAULT_MASTER = "ASN_KINERJA_SPARK_MASTER", "local[2]"


def session(master: str | None = None, memory: str | None = None):
    """A Spark session: ``master`` (else ASN_KINERJA_SPARK_MASTER, else local with one task per core; "submit":
    the one spark-submit was given), ``memory`` the driver's (e.g. "4g"). Time zone UTC: the log's times are
    wall-clock times, never shifted."""
    import os

    from pyspark.sql import SparkSession

    master = master or os.environ.get(MASTER_ENV, DEFAULT_MASTER)
    builder = SparkSession.builder if master == "submit" else SparkSession.builder.master(master)
    builder = (
        builder.appName("asn-kinerja")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "8")
    )
    if memory:
        builder = builder.config("spark.driver.memory", memory)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


#: A location with a scheme (s3a://, hdfs://, abfss://, gs://, file://): read by Spark's file systems, not ours.
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
#: The separators a CSV log may use (DuckDB's reader detects them too): Excel in an Indonesian locale
#: writes semicolons.
DELIMITERS = (",", ";", "\t", "|")


def is_uri(location: str | Path) -> bool:
    """A URI (``s3a://bucket/...``), not a local path."""
    return isinstance(location, str) and bool(_URI.match(location))


def _location(location: str | Path) -> str:
    """What Spark is given: a URI as it is, a local path made absolute."""
    return location if is_uri(location) else str(Path(location).resolve())


def _is_csv(location: str | Path) -> bool:
    """Locally, as :class:`analysis.data.visits.VisitLog` reads it: a folder or a .parquet file is Parquet, any
    other file text. At a URI (where a folder cannot be told from a file): text when named .csv, .csv.gz,
    .tsv or .txt, else Parquet (a file or a folder of them)."""
    if is_uri(location):
        return urlparse(location).path.lower().rstrip("/").endswith((".csv", ".csv.gz", ".tsv", ".txt"))
    path = Path(location)
    return not path.is_dir() and path.suffix.lower() != ".parquet"


def delimiter(header: str) -> str:
    """A CSV's separator from its header line: the most frequent of :data:`DELIMITERS` (a comma when none)."""
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def register(spark, path: str | Path, name: str = "service_visits") -> tuple[list[str], set[str]]:
    """Temp views ``name`` (typed) and ``name_all`` (text ``raw_<column>``, typed columns, ``_row``, ``_file``)
    over a CSV file, a Parquet file or a folder of Parquet files, local or at a URI (:func:`is_uri`).
    Returns (the columns the source has, the time columns already typed)."""
    from pyspark.sql import functions as F

    location = _location(path)
    if not _is_csv(path):
        # every Parquet file under a folder, whatever its layout (hive-style or not), as DuckDB's **/*.parquet
        df = spark.read.option("recursiveFileLookup", "true").parquet(location)
        df = df.select(
            "*",
            (F.col("_metadata.row_index") + 2).alias("_row"),
            F.col("_metadata.file_path").alias("_file"),  # relative to the location (_relative)
        )
    else:
        header = spark.read.text(location).first()
        sep = delimiter(header[0] if header else "")
        raw = spark.read.option("header", True).option("sep", sep).csv(location)
        indexed = raw.rdd.zipWithIndex().map(lambda r: (*r[0], r[1] + 2))
        df = spark.createDataFrame(indexed, raw.schema.add("_row", "long")).withColumn(
            "_file", F.lit(None).cast("string")
        )
    types = {f.name: f.dataType.simpleString() for f in df.schema.fields if f.name not in ("_row", "_file")}
    lower = {c.strip().lower(): c for c in types}
    typed_times = {
        c for c in visits.TIMES if c in lower and types[lower[c]].startswith(("timestamp", "date"))
    }

    def raw(c: str) -> str:
        return f"CAST(`{lower[c]}` AS STRING)" if c in lower else "CAST(NULL AS STRING)"

    def typed(c: str) -> str:
        if c not in lower:
            return "CAST(NULL AS TIMESTAMP)" if c in visits.TIMES else "CAST(NULL AS STRING)"
        if c not in visits.TIMES:
            return f"trim({raw(c)})"
        if c in typed_times:
            return f"CAST(`{lower[c]}` AS TIMESTAMP)"
        return f"try_cast(nullif(trim({raw(c)}), '') AS TIMESTAMP)"

    df.createOrReplaceTempView(f"{name}_source")
    typed_cols = ", ".join(f"{typed(c)} AS {c}" for c in visits.COLUMNS)
    raw_cols = ", ".join(f"{raw(c)} AS raw_{c}" for c in visits.COLUMNS)
    spark.sql(f"SELECT _row, _file, {raw_cols}, {typed_cols} FROM {name}_source").createOrReplaceTempView(
        f"{name}_all"
    )
    spark.sql(f"SELECT {typed_cols} FROM {name}_source").createOrReplaceTempView(name)
    return list(lower), typed_times


def _relative(uri: str | None, location: str | Path) -> str | None:
    """A Parquet file's path under the log's folder, from Spark's file URI (None for a single file: the log's
    name says it). The location may be a local path or a URI (``s3a://bucket/x`` and Spark's
    ``s3a://bucket/x/part-0.parquet`` share the path ``/x``)."""
    if not uri:
        return None
    base = urlparse(location).path if is_uri(location) else str(Path(location).resolve())
    relative = posixpath.relpath(unquote(urlparse(uri).path), unquote(base).rstrip("/") or "/")
    return None if relative == "." else relative


def check(spark, path: str | Path, unit_ids: pd.Index | None, label: str | None = None) -> list[Problem]:
    """The visit log's problems, as :func:`analysis.data.visits.check` gives them (the same rules, rows and
    texts), computed by Spark. ``path``: a local file or folder, or a URI (:func:`is_uri`)."""
    label = label or log_name(path)
    present, typed_times = register(spark, path, "v")
    missing = visits.missing_columns(label, present)
    if missing:
        return missing
    # Spark allows no subquery inside an aggregate: an unknown unit is a failed join (``_known`` null)
    rules = visits._rules_sql(typed_times, None if unit_ids is None else "_known IS NULL")
    if unit_ids is None:
        spark.sql("SELECT *, 1 AS _known FROM v_all").createOrReplaceTempView("v_checked")
    else:
        keys = spark.createDataFrame(
            pd.DataFrame({"_k": pd.Series(list(unit_ids), dtype=object).astype(str)})
        )
        keys.createOrReplaceTempView("_unit_keys")
        spark.sql(
            "SELECT v.*, k._k AS _known FROM v_all v LEFT JOIN (SELECT DISTINCT _k FROM _unit_keys) k "
            "ON trim(v.raw_unit_id) = k._k"
        ).createOrReplaceTempView("v_checked")
    conds = [cond for _, cond, *_ in rules]
    counts_sql = ", ".join(f"count_if({c})" for c in conds)
    n, *counts = spark.sql(f"SELECT count(*), {counts_sql} FROM v_checked").collect()[0]
    if n == 0:
        return [visits.empty_log(label)]
    problems: list[Problem] = []
    for rule, cond, count in zip(rules, conds, counts, strict=True):
        if not count:
            continue
        rows = spark.sql(
            f"SELECT _row, _file, {rule[4]} AS value FROM v_checked WHERE {cond} "
            f"ORDER BY _file NULLS FIRST, _row LIMIT {MAX_ROWS_PER_RULE}"
        ).collect()
        found = [(r["_row"], _relative(r["_file"], path), r["value"]) for r in rows]
        problems += visits.rule_problems(label, rule, found, count)
    return problems


def log_name(location: str | Path) -> str:
    """The log's name as problems cite it: its last path component (``service_visits`` of
    ``s3a://bucket/medan/service_visits/``)."""
    if is_uri(location):
        return posixpath.basename(urlparse(location).path.rstrip("/")) or location
    return Path(location).name
