"""The effects analysis of one city (what the programme-effects notebook computes), now and at an earlier
commit, in one run so the ratio is fair on a noisy machine.

    python benchmarks/bench_effects.py [--city medan] [--baseline eeb29cd] [--repeats 3]

The baseline is checked out into a temporary git worktree and imported from there in a subprocess; both
sides load the same data folder and run evaluate_city with the notebook's defaults (n_boot=1000, robustness).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
from analysis.methods import evaluation
from analysis.data import load
data = load.load_city(sys.argv[1])
evaluation.evaluate_city(data, n_boot=50)  # warm imports and caches
times = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    evaluation.evaluate_city(data, n_boot=1000)
    times.append(time.perf_counter() - t)
print(json.dumps(times))
"""


def run(src: Path, data_dir: Path, repeats: int) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(src), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", CODE, str(data_dir), str(repeats)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--city", default="medan")
    ap.add_argument("--baseline", default="eeb29cd")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    data_dir = ROOT / "data" / "raw" / args.city
    with tempfile.TemporaryDirectory() as tmp:
        wt = Path(tmp) / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(wt), args.baseline],
            check=True,
            capture_output=True,
        )
        try:
            old, new = [], []
            for _ in range(2):  # alternate so drift in machine load hits both sides
                old += run(wt / "src", data_dir, args.repeats)
                new += run(ROOT / "src", data_dir, args.repeats)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(wt)], check=True)
    med = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    print(
        f"{args.city} evaluate_city, median of {len(old)}: baseline {args.baseline} {med(old):.2f} s, "
        f"now {med(new):.2f} s, ratio {med(new) / med(old):.2f}x"
    )


if __name__ == "__main__":
    main()
