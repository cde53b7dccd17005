"""Time the report build against its floor.

- build: `make reports` end to end (demo data present: the Makefile only checks for it), and the notebook build
  alone (`reporting.build`: 4 cities x 2 notebooks + cross-city + index, HTML export included);
- floor: the same number of empty notebooks run by plain papermill (its Python API, a fresh kernel each, 2 at a
  time on our 2 cores; one after another is shown too);
- the analyses alone: load + evaluate + analyse every city in one warm Python process, no notebooks, kernels,
  figures or HTML. Half of it is the least any 2-core build can take.

Target (issue 5): build within 3x the floor and under 2 minutes. Demo data must exist (make demo-data).

Usage: python benchmarks/bench_reports.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

from analysis import config, reporting

for var in reporting.THREAD_VARS:
    os.environ[var] = "1"


def floor(n: int, workers: int) -> float:
    """n empty (parameters-only) notebooks, each in its own kernel as plain papermill runs them."""
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


def analyses_alone() -> dict[str, float]:
    """Seconds per city of the analyses the two notebooks run, in one warm process (imports excluded)."""
    code = """
import json, time
from analysis import config, evaluation, io, needs
out = {}
for city in config.CITIES:
    t = time.perf_counter()
    data = io.load_city(config.RAW_DIR / city)
    evaluation.evaluate_city(data)
    needs.analyse_city(data)
    out[city] = time.perf_counter() - t
print(json.dumps(out))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    import json

    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    missing = [c for c in config.CITIES if not (config.RAW_DIR / c / "truth.json").exists()]
    if missing:
        raise SystemExit(f"demo data missing for {missing}: run `make demo-data` first")
    out = Path(tempfile.mkdtemp())
    t0 = time.perf_counter()
    runs = reporting.build(out_root=out)
    build = time.perf_counter() - t0
    shutil.rmtree(out, ignore_errors=True)
    print(reporting.summary(runs))
    assert all(r.status == "ok" for r in runs)
    n = len(runs)
    t0 = time.perf_counter()
    subprocess.run(["make", "--no-print-directory", "reports"], cwd=config.REPO_ROOT, check=True,
                   capture_output=True)
    make = time.perf_counter() - t0
    empty2, empty1 = floor(n, 2), floor(n, 1)
    alone = analyses_alone()
    total = sum(alone.values())
    print(f"\n`make reports`: {make:.1f} s; notebook build alone: {build:.1f} s ({n} notebooks)")
    print(f"floor, {n} empty notebooks with papermill: {empty2:.1f} s two at a time, {empty1:.1f} s one by one")
    print(f"ratio to the 2-at-a-time floor: make reports {make / empty2:.1f}x, build {build / empty2:.1f}x "
          f"(target 3x)")
    print("analyses alone (warm process, no notebooks): "
          + ", ".join(f"{c} {s:.1f} s" for c, s in alone.items())
          + f"; total {total:.1f} s, so at least {total / 2:.1f} s on 2 cores, {total / 2 / empty2:.1f}x the floor")


if __name__ == "__main__":
    main()
