"""Time the full report build (`asn-kinerja report --all`: 4 cities x 2 notebooks + cross-city + index, HTML
export included) against its floor: the same number of empty notebooks run by the same runner (papermill +
nbconvert, 2 at a time). Demo data must exist (make demo-data). Target: build within 3x the floor, < 2 min.

Usage: python benchmarks/bench_reports.py
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from analysis import config, reporting


def floor(n: int, workers: int = 2) -> float:
    """Run n empty (parameters-only) notebooks through the same runner."""
    tmp = Path(tempfile.mkdtemp())
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('city = ""\nresults_path = ""', metadata={"tags": ["parameters"]})]
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    (tmp / "params").mkdir()
    for i in range(n):
        nbformat.write(nb, tmp / f"empty{i}.ipynb")
    original = reporting.NOTEBOOKS_DIR
    reporting.NOTEBOOKS_DIR = tmp
    try:
        from concurrent.futures import ProcessPoolExecutor

        t0 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=workers) as pool:
            runs = list(pool.map(reporting.run_one, ["x"] * n, [f"empty{i}" for i in range(n)], [{}] * n,
                                 [tmp / "out"] * n, [600] * n, [i % workers for i in range(n)]))
        secs = time.perf_counter() - t0
    finally:
        reporting.NOTEBOOKS_DIR = original
        shutil.rmtree(tmp, ignore_errors=True)
    assert all(r.status == "ok" for r in runs), runs
    return secs


def main() -> None:
    missing = [c for c in config.CITIES if not (config.RAW_DIR / c / "truth.json").exists()]
    if missing:
        raise SystemExit(f"demo data missing for {missing}: run `make demo-data` first")
    out = Path(tempfile.mkdtemp())
    t0 = time.perf_counter()
    runs = reporting.build(out_root=out)
    build = time.perf_counter() - t0
    n = len(runs)
    print(reporting.summary(runs))
    empty = floor(n)
    print(f"\nfull build: {n} notebooks in {build:.1f} s; floor ({n} empty notebooks, same runner): {empty:.1f} s; "
          f"ratio {build / empty:.1f}x")
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
