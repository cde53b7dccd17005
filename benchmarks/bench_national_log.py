"""A national visit log on one machine: check + unit x month panel against the mean-only scan floor, with peak
memory (issue 17).

Generates with DuckDB a typed Parquet log of ``--rows`` visits (default 30 M) over ``--units`` Puskesmas
(default 10,000) in one year, 5% walk-outs and a few bad rows (served before arrived, an unknown unit), plus
its units.csv, once into benchmarks/out/national-<rows>/ (git-ignored). Then, each step in a fresh process so
that its peak memory (ru_maxrss) is its own:

- floor: the mean-only aggregation the job cannot beat (unit x month count and mean wait, every group fetched);
- quantile: the same with the exact median and p90 of the wait instead of the mean (one
  ``quantile_cont(wait, [0.5, 0.9])``): the least exact-quantile work the panel needs, of the four it does;
- check: ``visits.check`` (every rule counted in one pass, the first bad rows named);
- panel: ``panels.visit_panel`` (exact medians, p90, all-arrivals median, processing median, the
  service-mix-standardised median, shares).

Usage: python benchmarks/bench_national_log.py [--rows 30000000] [--memory-limit 3GB] [--partitioned]
(``--partitioned`` writes one Parquet file per month, hive-style, and reads the folder.)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"

GENERATE = """
COPY (
  SELECT unit_id, arrived_at, served_at, completed_at, service_type{month} FROM (
    SELECT CASE WHEN i % 1000003 = 7 THEN 'NOPE' ELSE 'PKM-' || lpad(CAST(i % {units} AS VARCHAR), 5, '0') END
               AS unit_id,
           arrived_at,
           CASE WHEN walk THEN NULL WHEN i % 999983 = 5 THEN arrived_at - INTERVAL 5 MINUTE
                ELSE arrived_at + to_seconds(w) END AS served_at,
           CASE WHEN walk THEN NULL ELSE arrived_at + to_seconds(w + p) END AS completed_at,
           service_type
    FROM (
      SELECT i,
             TIMESTAMP '2024-01-01 07:30:00' + to_seconds(CAST(floor(random() * 365) AS BIGINT) * 86400
                 + CAST(floor(random() * 28800) AS BIGINT)) AS arrived_at,
             random() < 0.05 AS walk,
             CAST(60 + random() * 3600 AS BIGINT) AS w,
             CAST(60 + random() * 1200 AS BIGINT) AS p,
             ['Poli Umum', 'KIA', 'Pendaftaran'][1 + CAST(floor(random() * 3) AS INT)] AS service_type
      FROM range({rows}) t(i)
    )
  )
) TO '{target}' (FORMAT parquet{partition})
"""

STEP = r"""
import json, os, resource, sys, time
import pandas as pd
from pathlib import Path
from analysis.data import load, visits
from analysis.methods import panels
what, folder, log_path = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
t = time.perf_counter()
WAIT = "date_diff('second', arrived_at, served_at) / 60.0"
AGGREGATE = {"floor": f"avg({WAIT})", "quantile": f"quantile_cont({WAIT}, [0.5, 0.9])"}
if what in AGGREGATE:  # the same unit x month scan, with the mean or with the exact quantiles
    con = visits.connect()
    src = f"read_parquet('{log_path}/**/*.parquet', hive_partitioning = true)" if log_path.is_dir() else f"'{log_path}'"
    out = con.execute(
        "SELECT unit_id, date_trunc('month', arrived_at) AS month, count(*), "
        f"{AGGREGATE[what]} FROM {src} GROUP BY ALL"
    ).fetchnumpy()
    n = len(out["unit_id"])
elif what == "check":
    units = pd.read_csv(folder / "units.csv")
    log = visits.VisitLog(log_path.name, path=log_path)
    found = visits.check(log, pd.Index(units["unit_id"]))
    n = sum(p.severity == "error" for p in found)
else:
    data = load.CityData(directory=folder, tables={"units": pd.read_csv(folder / "units.csv")},
                         visits=visits.VisitLog(log_path.name, path=log_path))
    n = len(panels.visit_panel(data))
print(json.dumps({"step": what, "seconds": time.perf_counter() - t,
                  "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, "n": n}))
"""


def build(rows: int, units: int, partitioned: bool) -> tuple[Path, Path]:
    import duckdb
    import pandas as pd

    folder = OUT / f"national-{rows}{'-partitioned' if partitioned else ''}"
    log = folder / ("service_visits" if partitioned else "service_visits.parquet")
    if log.exists():
        return folder, log
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(
        {
            "unit_id": [f"PKM-{i:05d}" for i in range(units)],
            "city": "medan",
            "agency": "Dinas Kesehatan",
            "unit_type": "puskesmas",
            "sector": "health",
            "unit_name": [f"Puskesmas {i}" for i in range(units)],
            "kecamatan": "Kecamatan 01",
        }
    ).to_csv(folder / "units.csv", index=False)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET temp_directory = '{folder}/.tmp'")
    sql = GENERATE.format(
        rows=rows,
        units=units,
        target=log,
        month=", strftime(arrived_at, '%Y-%m') AS month" if partitioned else "",
        partition=", PARTITION_BY (month)" if partitioned else "",
    )
    t = time.perf_counter()
    con.execute(sql)
    print(f"generated {rows:,} rows in {time.perf_counter() - t:.0f} s -> {log}")
    return folder, log


def step(what: str, folder: Path, log: Path, memory_limit: str | None) -> dict:
    env = dict(__import__("os").environ)
    if memory_limit:
        env["ASN_KINERJA_DUCKDB_MEMORY"] = memory_limit
    env["ASN_KINERJA_DUCKDB_TEMP"] = str(folder / ".tmp")
    run = subprocess.run(
        [sys.executable, "-c", STEP, what, str(folder), str(log)], capture_output=True, text=True, env=env
    )
    if run.returncode:
        raise SystemExit(run.stderr[-2000:])
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=30_000_000)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--memory-limit", default=None)
    parser.add_argument("--partitioned", action="store_true")
    args = parser.parse_args()
    folder, log = build(args.rows, args.units, args.partitioned)
    steps = ("floor", "quantile", "check", "panel")
    step("floor", folder, log, args.memory_limit)  # not counted: reads the file into the page cache for all
    results = {what: step(what, folder, log, args.memory_limit) for what in steps}
    floor = results["floor"]["seconds"]
    for what, r in results.items():
        print(
            f"{what:8s} {r['seconds']:7.1f} s  {r['seconds'] / floor:5.2f}x floor  peak {r['peak_gb']:.2f} GB"
            f"  ({r['n']:,} {'groups' if what != 'check' else 'errors'})"
        )
    both = results["check"]["seconds"] + results["panel"]["seconds"]
    print(
        f"check + panel: {both:.1f} s = {both / floor:.2f}x the floor; memory limit {args.memory_limit or 'default'}"
    )


if __name__ == "__main__":
    main()
