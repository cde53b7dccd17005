"""Time load + validate for a Medan-size city with a full year of visits at real volume (target < 30 s).

Writes the data once to benchmarks/out/medan-full/ (git-ignored), then times `load.read_city` (every contract,
pseudonymisation, the visit log checked in DuckDB) for the visit log as Parquet and as CSV.
Usage: python benchmarks/bench_validate.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import time
from pathlib import Path

from analysis.data import load
from analysis.demo import synth

OUT = Path(__file__).resolve().parent / "out" / "medan-full"


def build(out: Path = OUT, volume_scale: float = 1.0, csv: bool = True) -> int:
    """Write Medan's tables and its 2024 visit log at ``volume_scale`` x real volume into ``out`` once (and the
    log as CSV beside it, for the CSV timing); return the log's rows."""
    if (out / "service_visits.parquet").exists():
        import pyarrow.parquet as pq

        return pq.ParquetFile(out / "service_visits.parquet").metadata.num_rows
    demo = synth.generate("medan", seed=2024, volume_scale=volume_scale)
    out.mkdir(parents=True, exist_ok=True)
    for name, df in demo.tables.items():
        df.to_csv(out / f"{name}.csv", index=False)
    year = demo.visits[demo.visits["arrived_at"].dt.year == 2024]
    year.to_parquet(out / "service_visits.parquet", index=False)
    if csv:
        year.to_csv(out.parent / "service_visits_2024.csv", index=False, date_format="%Y-%m-%d %H:%M:%S")
    return len(year)


def time_read(directory: Path, repeat: int) -> tuple[float, int]:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        data = load.read_city(directory)
        best = min(best, time.perf_counter() - t0)
    return best, sum(p.severity == "error" for p in data.problems)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("ASN_KINERJA_HMAC_KEY", "benchmark-key-not-secret-" + "0" * 20)  # 45 characters
    t0 = time.perf_counter()
    n = build()
    print(f"Medan, full volume, visits in 2024: {n:,} rows (built in {time.perf_counter() - t0:.1f} s)")
    secs, errors = time_read(OUT, args.repeat)
    print(f"read_city + validate, visit log Parquet: {secs:.2f} s (best of {args.repeat}), {errors} errors")
    csv_dir = OUT.parent / "medan-full-csv"
    if not csv_dir.exists():
        shutil.copytree(OUT, csv_dir, ignore=shutil.ignore_patterns("service_visits.parquet"))
        shutil.move(OUT.parent / "service_visits_2024.csv", csv_dir / "service_visits.csv")
    secs, errors = time_read(csv_dir, args.repeat)
    print(f"read_city + validate, visit log CSV:     {secs:.2f} s (best of {args.repeat}), {errors} errors")
    print(
        f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB, cores: {os.cpu_count()}"
    )


if __name__ == "__main__":
    main()
