"""Time estimate_did (analytic SEs + event study with 1,000-draw simultaneous bands) against raw csdid and
diff-diff's Callaway-Sant'Anna on the same simulated panels (units x months).

Usage: python benchmarks/bench_did.py [--sizes 500x24 2000x48 10000x60]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import time
import warnings

import numpy as np
import pandas as pd

from analysis.methods import did


def simulate(n_units: int, n_periods: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cohorts = np.linspace(n_periods // 3, n_periods - 2, 4).astype(int)
    g = np.where(rng.random(n_units) < 0.3, 0, rng.choice(cohorts, n_units))
    t = np.tile(np.arange(1, n_periods + 1), n_units)
    gg = np.repeat(g, n_periods)
    y = np.repeat(rng.normal(40, 8, n_units), n_periods) + 0.1 * t + rng.normal(0, 2, len(t))
    y += np.where((gg > 0) & (t >= gg), -4.0, 0.0)
    return pd.DataFrame(
        {
            "unit_id": np.repeat(np.arange(n_units), n_periods),
            "period": t,
            "cohort": np.where(gg > 0, gg, np.nan),
            "first_treat": gg,
            "y": y,
        }
    )


def timed(fn) -> float:
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        fn()
    return time.perf_counter() - t0


def main() -> None:
    warnings.simplefilter("ignore", FutureWarning)
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="+", default=["500x24", "2000x48", "10000x60"])
    parser.add_argument("--n-boot", type=int, default=1000)
    args = parser.parse_args()
    from csdid.att_gt import ATTgt

    try:
        import diff_diff as dd
    except ImportError:
        dd = None
    print(f"cores: {os.cpu_count()}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}")
    print(f"{'size':>10} {'ours s':>8} {'csdid s':>8} {'diff-diff s':>12} {'ours/csdid':>11} {'ours/dd':>8}")
    for size in args.sizes:
        n, p = map(int, size.split("x"))
        df = simulate(n, p)
        ours = timed(lambda df=df: did.estimate_did(df, "y", n_boot=args.n_boot))

        def raw(df=df):
            m = ATTgt(
                yname="y",
                tname="period",
                idname="unit_id",
                gname="first_treat",
                data=df,
                control_group="notyettreated",
            )
            m.fit(bstrap=False)
            m.aggte(typec="simple", bstrap=False)
            m.aggte(typec="dynamic", bstrap=True, biters=args.n_boot, cband=True)

        cs = timed(raw)
        ddt = float("nan")
        if dd is not None:
            ddt = timed(
                lambda df=df: dd.CallawaySantAnna(
                    control_group="not_yet_treated", n_bootstrap=args.n_boot
                ).fit(
                    df,
                    outcome="y",
                    unit="unit_id",
                    time="period",
                    first_treat="first_treat",
                    aggregate="event_study",
                )
            )
        print(f"{size:>10} {ours:8.2f} {cs:8.2f} {ddt:12.2f} {ours / cs:11.2f} {ours / ddt:8.2f}", flush=True)


if __name__ == "__main__":
    main()
