"""Time the report build against its floor.

- build: `make reports` end to end (demo data present: the Makefile only checks for it), and the notebook build
  alone (`runner.build`: 4 cities x 2 notebooks + cross-city + index, HTML export included);
- floor: the same number of empty notebooks run by plain papermill (its Python API, a fresh kernel each, 2 at a
  time on our 2 cores; one after another is shown too);
- the analyses alone: load + evaluate + analyse every city in one warm Python process, no notebooks, kernels,
  figures or HTML. Half of it is the least any 2-core build can take.

Target (issue 5): build within 3x the floor and under 2 minutes. Demo data must exist (make demo-data).
Also timed: a second build into the same folder with nothing changed (issue 17: under 10% of the first).

Usage: python benchmarks/bench_reports.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

from analysis import config
from analysis.report import runner

for var in runner.THREAD_VARS:
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
    original = runner.NOTEBOOKS_DIR
    runner.NOTEBOOKS_DIR = tmp
    try:
        t0 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=workers) as pool:
            runs = list(
                pool.map(
                    runner.run_one,
                    ["x"] * n,
                    [f"empty{i}" for i in range(n)],
                    [{}] * n,
                    [tmp / "out"] * n,
                    [600] * n,
                    [i % workers for i in range(n)],
                )
            )
        secs = time.perf_counter() - t0
    finally:
        runner.NOTEBOOKS_DIR = original
        shutil.rmtree(tmp, ignore_errors=True)
    assert all(r.status == "ok" for r in runs), runs
    return secs


def analyses_alone(robustness: bool = True) -> dict[str, float]:
    """Seconds per city of the analyses the two notebooks run, in one warm process (imports excluded).

    ``robustness=False`` keeps only the headline estimates (no other control group, placebo, leave-one-wave-out,
    TWFE contrast, percent effect, by sector or by dose): what is left if every referee check were dropped.
    """
    code = f"""
import json, time
from analysis import config
from analysis.methods import evaluation
from analysis.data import load
from analysis.report import training_needs
out = {{}}
for city in config.CITIES:
    t = time.perf_counter()
    data = load.load_city(config.RAW_DIR / city)
    evaluation.evaluate_city(data, robustness={robustness})
    training_needs.analyse_city(data)
    out[city] = time.perf_counter() - t
print(json.dumps(out))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    import json

    return json.loads(done.stdout.strip().splitlines()[-1])


def build_once(again: list | None = None) -> tuple[float, list]:
    """One build into a fresh folder; with ``again`` (a list), a second build into the same folder with
    nothing changed is timed too and appended (every run reused: the resumable queue)."""
    out = Path(tempfile.mkdtemp())
    try:
        t0 = time.perf_counter()
        runs = runner.build(out_root=out)
        first = time.perf_counter() - t0
        if again is not None:
            t0 = time.perf_counter()
            rerun = runner.build(out_root=out)
            assert all(r.reused for r in rerun), runner.summary(rerun)
            again.append(time.perf_counter() - t0)
        return first, runs
    finally:
        shutil.rmtree(out, ignore_errors=True)


def spread(xs: list[float]) -> str:
    return f"median {statistics.median(xs):.1f} s (min {min(xs):.1f}, max {max(xs):.1f}, n={len(xs)})"


def main(repeats: int = 3, floor_repeats: int = 5) -> None:
    """Medians over repeats: single readings vary (the floor, mostly kernel start-ups, read 5.0 s and 8.5 s in
    two runs on the same machine), so one reading of either side can make the ratio look better or worse."""
    missing = [c for c in config.CITIES if not (config.RAW_DIR / c / "truth.json").exists()]
    if missing:
        raise SystemExit(f"demo data missing for {missing}: run `make demo-data` first")
    builds, reruns = [], []
    for _ in range(repeats):
        secs, runs = build_once(reruns)
        assert all(r.status == "ok" for r in runs), runner.summary(runs)
        builds.append(secs)
    print(runner.summary(runs))
    n = len(runs)
    t0 = time.perf_counter()
    subprocess.run(
        ["make", "--no-print-directory", "reports"], cwd=config.REPO_ROOT, check=True, capture_output=True
    )
    make = time.perf_counter() - t0
    floors = [floor(n, 2) for _ in range(floor_repeats)]
    empty1 = floor(n, 1)
    build, empty2 = statistics.median(builds), statistics.median(floors)
    alone = analyses_alone()
    total = sum(alone.values())
    bare = sum(analyses_alone(robustness=False).values())
    print(
        f"\nnotebook build ({n} notebooks, HTML and index included): {spread(builds)}; `make reports` once: "
        f"{make:.1f} s"
    )
    print(
        f"floor, {n} empty notebooks with papermill, two at a time: {spread(floors)}; one by one: {empty1:.1f} s"
    )
    print(
        f"second build, nothing changed (every report reused): {spread(reruns)} = "
        f"{statistics.median(reruns) / build:.1%} of the first (issue 17: under 10%)"
    )
    print(
        f"ratio of medians, build / floor: {build / empty2:.1f}x (target 3x); under 2 minutes: {build < 120}"
    )
    print(
        "analyses alone (warm process, no notebooks): "
        + ", ".join(f"{c} {s:.1f} s" for c, s in alone.items())
        + f"; total {total:.1f} s, so at least {total / 2:.1f} s on 2 cores, {total / 2 / empty2:.1f}x the floor"
    )
    print(
        f"the same without any robustness check: {bare:.1f} s, at least {bare / 2:.1f} s on 2 cores, "
        f"{bare / 2 / empty2:.1f}x the floor"
    )


if __name__ == "__main__":
    main()
