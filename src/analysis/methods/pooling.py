"""Pooling city effects: a random-effects meta-analysis with the Hartung-Knapp interval.

Why random effects: the cities differ (roll-out, unit mix, record keeping), so their true effects differ too;
the pooled number is the mean of a distribution of city effects, and tau^2 says how wide that distribution
is. Why Hartung-Knapp (Hartung & Knapp 2001; IntHout, Ioannidis & Borm 2014): with 4 cities the usual
normal interval of the DerSimonian-Laird estimate is far too narrow; HK rescales the variance by the
weighted residual spread and uses t with k - 1 degrees of freedom. The prediction interval (Higgins,
Thompson & Spiegelhalter 2009) is where a new city's effect would fall: t with k - 2 df, so it needs k >= 3.

Inputs must be comparable: event-time-balanced effects (the same months of exposure in every city,
:func:`analysis.methods.did.window_effect`), not the overall effects, whose exposure mix differs by city.
Equal to statsmodels' ``combine_effects(method_re="chi2", use_t=True)`` (tested to 1e-8).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

#: Fewest cities for a prediction interval (t with k - 2 degrees of freedom).
MIN_PREDICTION_CITIES = 3


def random_effects(estimates, ses, alpha: float = 0.05) -> dict:
    """DerSimonian-Laird tau^2, the random-effects mean with its Hartung-Knapp interval, Cochran's Q, I^2
    and the prediction interval; ``None`` for the intervals that the number of cities cannot support."""
    y = np.asarray(estimates, dtype=float)
    v = np.asarray(ses, dtype=float) ** 2
    k = len(y)
    out = {
        "k": k,
        "estimate": float("nan"),
        "se": float("nan"),
        "ci_low": None,
        "ci_high": None,
        "tau2": float("nan"),
        "i2": float("nan"),
        "q": float("nan"),
        "pred_low": None,
        "pred_high": None,
    }
    if k < 2:
        return out
    w = 1 / v
    fixed = np.sum(w * y) / np.sum(w)
    q = float(np.sum(w * (y - fixed) ** 2))
    c = np.sum(w) - np.sum(w**2) / np.sum(w)
    tau2 = max(0.0, (q - (k - 1)) / c)
    wr = 1 / (v + tau2)
    mu = float(np.sum(wr * y) / np.sum(wr))
    se_re = float(np.sqrt(1 / np.sum(wr)))
    hk_scale = float(np.sum(wr * (y - mu) ** 2) / (k - 1))
    se_hk = float(np.sqrt(hk_scale / np.sum(wr)))
    t1 = stats.t.ppf(1 - alpha / 2, k - 1)
    out.update(
        estimate=mu,
        se=se_hk,
        se_re=se_re,
        ci_low=mu - t1 * se_hk,
        ci_high=mu + t1 * se_hk,
        tau2=tau2,
        q=q,
        i2=max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0,
    )
    if k >= MIN_PREDICTION_CITIES:
        t2 = stats.t.ppf(1 - alpha / 2, k - 2)
        half = t2 * np.sqrt(tau2 + se_re**2)
        out.update(pred_low=mu - half, pred_high=mu + half)
    return out
