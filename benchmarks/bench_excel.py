"""Validate the same city's data through the Excel route and as CSV (issue 15: within 3x).

Medan's demo tables (15,000 staff, their assessments, trainings, performance, 131 k survey answers: every table a
planner fills) written once as one workbook (the template's route, the visit log beside it as Parquet) and once as
CSV files with the same visit log, under benchmarks/out/ (git-ignored). Times ``load.read_city`` (every contract,
pseudonymisation, the visit log's checks) for both in one run and prints the ratio.
Usage: python benchmarks/bench_excel.py [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

import pandas as pd

from analysis.data import excel_template, load
from analysis.demo import synth

OUT = Path(__file__).resolve().parent / "out"


def build() -> tuple[Path, Path]:
    xlsx_dir, csv_dir = OUT / "medan-excel", OUT / "medan-csv"
    if (xlsx_dir / "data.xlsx").exists() and (csv_dir / "units.csv").exists():
        return xlsx_dir, csv_dir
    demo = synth.generate("medan")
    for d in (xlsx_dir, csv_dir):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        demo.visits.to_parquet(d / "service_visits.parquet", index=False)
    for name, df in demo.tables.items():
        df.to_csv(csv_dir / f"{name}.csv", index=False)
    book = xlsx_dir / "data.xlsx"
    excel_template.write_template(book)
    with pd.ExcelWriter(book, engine="openpyxl", mode="a", if_sheet_exists="replace") as xw:
        for name, df in demo.tables.items():
            df.astype({"nip": str} if "nip" in df else {}).to_excel(xw, sheet_name=name, index=False)
    return xlsx_dir, csv_dir


def best(directory: Path, repeat: int) -> tuple[float, int]:
    times, errors = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        data = load.read_city(directory)
        times.append(time.perf_counter() - t0)
        errors = sum(p.severity == "error" for p in data.problems)
    return min(times), errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("ASN_KINERJA_HMAC_KEY", "benchmark-key-not-secret-" + "0" * 20)
    xlsx_dir, csv_dir = build()
    rows = sum(len(pd.read_csv(f)) for f in csv_dir.glob("*.csv"))
    csv_s, csv_err = best(csv_dir, args.repeat)
    xlsx_s, xlsx_err = best(xlsx_dir, args.repeat)
    print(f"Medan demo tables, {rows:,} rows (+ the visit log as Parquet in both):")
    print(f"  CSV files:      read_city {csv_s:.2f} s (best of {args.repeat}), {csv_err} errors")
    print(f"  Excel workbook: read_city {xlsx_s:.2f} s (best of {args.repeat}), {xlsx_err} errors")
    print(f"  Excel / CSV = {xlsx_s / csv_s:.2f} (target <= 3)")


if __name__ == "__main__":
    main()
