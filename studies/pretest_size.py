"""Monte Carlo: rejection rates of the two pre-trend checks under a true null (parallel trends hold, no
effect) at 12, 18, 40 and 93 units on the Kendari roll-out design (``synth.monte_carlo_wait_panel``).

    python studies/pretest_size.py [--draws 200] [--sizes 12 18 40 93]

A correctly sized 5% test rejects about 5% of the time; the Monte Carlo standard error is printed beside each
rate. The slow tests assert the 12- and 93-unit rates (tests/test_pretrends.py); this script is the full
table quoted in the README ("Pre-trend checks").
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from analysis.demo import synth  # noqa: E402
from analysis.methods import pretrends


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=200)
    ap.add_argument("--sizes", type=int, nargs="+", default=[12, 18, 40, 93])
    ap.add_argument("--first-seed", type=int, default=7000)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    print(f"{'units':>5} {'draws':>5} {'drift test':>12} {'joint test':>12}  seconds")
    for n in args.sizes:
        t0 = time.perf_counter()
        scenario = synth.Scenario(n_units=None if n >= 93 else n)
        hits = {"trend": [], "joint": []}
        for seed in range(args.first_seed, args.first_seed + args.draws):
            panel, _ = synth.monte_carlo_wait_panel("kendari", seed=seed, scenario=scenario)
            pt = pretrends.pretrend_tests(panel, "median_wait_minutes")
            for name, t in (("trend", pt.trend), ("joint", pt.joint)):
                hits[name].append(t["status"] == "ok" and t["p_value"] < 0.05)
        se = np.sqrt(0.05 * 0.95 / args.draws)
        rates = {k: float(np.mean(v)) for k, v in hits.items()}
        print(
            f"{n:>5} {args.draws:>5} {rates['trend']:>8.3f}±{se:.3f} {rates['joint']:>8.3f}±{se:.3f}"
            f"  {time.perf_counter() - t0:.0f}"
        )


if __name__ == "__main__":
    main()
