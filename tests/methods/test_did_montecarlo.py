"""Monte Carlo on the demo design (selection into early adoption, seasonality, ramp-up, missing months):
the overall ATT is unbiased and its 95% CI covers the truth about 95% of the time."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from analysis.demo import synth
from analysis.methods import did

N_PANELS = 100


@pytest.mark.slow
def test_bias_under_5_percent_and_coverage_near_95():
    estimates, truths, covered = [], [], []
    with threadpool_limits(1):  # many small fits: one BLAS thread each
        for seed in range(N_PANELS):
            panel, truth = synth.monte_carlo_wait_panel("kendari", seed=seed)
            res = did.estimate_did(panel, "median_wait_minutes", n_boot=0)
            estimates.append(res.overall["estimate"])
            truths.append(truth)
            covered.append(res.overall["ci_low"] <= truth <= res.overall["ci_high"])
    bias = np.mean(np.subtract(estimates, truths))
    assert abs(bias) < 0.05 * abs(np.mean(truths)), (bias, np.mean(truths))
    assert 0.90 <= np.mean(covered) <= 0.99, np.mean(covered)
