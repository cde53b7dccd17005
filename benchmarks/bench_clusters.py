"""Time and peak memory of cluster_gaps: a Medan-size city with k selection and the stability loop (target
< 10 s), and the national scale, 4.3 million staff x 9 competencies without the stability loop (target
< 15 s and < 4 GB); then the latent class model (analysis.methods.latent_class, k by BIC) on the same data,
alone and together with k-means (the issue's national target covers the fit the report makes: both). Each case
runs in a fresh process so that peak RSS belongs to it alone.

Usage: python benchmarks/bench_clusters.py
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd


def simulate(n: int, seed: int = 0) -> pd.DataFrame:
    """Gap vectors from four overlapping profiles, like the demo data (levels short on two competencies)."""
    from analysis.data import reference

    comps = reference.competencies()
    rng = np.random.default_rng(seed)
    short = {1: [2, 4], 2: [6, 7], 3: [3, 5]}
    profile = rng.choice(4, n, p=[0.55, 0.18, 0.15, 0.12])
    gaps = np.zeros((n, len(comps)), dtype=np.int8)
    noise = rng.random((n, len(comps)))
    gaps[noise < 0.03] = -1
    for p, cols in short.items():
        rows = np.flatnonzero(profile == p)
        for c in cols:
            gaps[rows, c] = -rng.choice([1, 2, 0], len(rows), p=[0.8, 0.1, 0.1])
    return pd.DataFrame(gaps, columns=comps)


def case(name: str) -> None:
    from analysis.methods import competency, latent_class

    n, n_boot = {"city": (15_000, 50), "national": (4_300_000, 0)}[name.split("+")[0]]
    gaps = simulate(n)
    t0 = time.perf_counter()
    res = competency.cluster_gaps(gaps, seed=0, n_boot=n_boot)
    secs = time.perf_counter() - t0
    t1 = time.perf_counter()
    lca = latent_class.fit(competency.shortfall(gaps), k_range=range(1, 11), seed=0)
    lca_secs = time.perf_counter() - t1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "case": name,
                "staff": n,
                "n_boot": n_boot,
                "seconds": round(secs, 2),
                "latent_class_seconds": round(lca_secs, 2),
                "latent_class_k": lca.k,
                "latent_class_uncertain": round(lca.uncertain_share, 4),
                "peak_rss_mib": round(peak),
                "k": res.k,
                "stable": res.stable,
                "bootstrap_ari": None
                if np.isnan(res.stability["mean_ari"])
                else round(res.stability["mean_ari"], 3),
            }
        )
    )


def main() -> None:
    if len(sys.argv) > 1:
        case(sys.argv[1])
        return
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    for name in ("city", "national"):
        subprocess.run([sys.executable, __file__, name], check=True, env=env)


if __name__ == "__main__":
    main()
