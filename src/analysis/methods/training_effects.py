"""Did training work? Learning (Kirkpatrick level 2): did a programme raise the assessed level of the competency
it trains, against staff not trained on it?

Design. Staff assessed twice on a competency give one change each (last minus first assessment). A person
trained on that competency between the two dates (a programme of the catalogue for it, started on or after the
first assessment and before the second) is *trained*, by the programme's mode; everyone else assessed twice on
it is a comparison. The effect of a mode is the difference in the change, estimated by least squares with a
cell for each competency and first level (staff compared only with staff who started from the same level on
the same competency: the room to rise and the regression to the mean are the same), standard errors clustered
by service unit (staff of a unit share trainers and managers). With two assessments per person this is the
two-period difference-in-differences; the staggered training dates between them do not enter.

What it assumes, said on the page: without the training, the trained would have changed like the staff with
the same first level who were not trained (no selection on a shock between the assessments), and the second
assessment is as strict as the first. Where it breaks (tests/methods/test_training_effects.py): staff chosen
for training on their true need, which the first assessment measures with error, are truly weaker than the
untrained in their first-level cell and regress less to the mean; in simulation (true effect 0.4 level) the
estimate falls to 0.24 and its interval covers the truth 3% of the time, against 0.40 and 94% when staff are
chosen on their first assessment. A naive before/after on the trained alone (``naive``) also counts the
change everyone has between two assessments (familiarity with the test, general growth) as learning; the
demo's truth shows how far that goes wrong (tests/methods/test_training_effects.py).

Thin data: a mode with fewer than MIN_TRAINED trained staff or MIN_CLUSTERS units is "too little data".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse, stats

from analysis.methods.training import by_competency

MIN_TRAINED = 30
MIN_CLUSTERS = 10
#: Modes in the order the report lists them (the catalogue's).
MODES = ("classroom", "coaching", "mentoring", "on-the-job", "e-learning")


def learning_pairs(
    assessments: pd.DataFrame, trainings: pd.DataFrame, staff: pd.DataFrame, catalogue: pd.DataFrame
) -> pd.DataFrame:
    """One row per staff x competency assessed on two dates or more: first and last level, their change, the
    unit, and ``mode`` and ``programme`` (training code) of the first programme on that competency started
    between the two (None = not trained)."""
    a = assessments.sort_values("assessed_on", kind="stable")
    g = a.groupby(["staff_id", "competency"])
    pairs = pd.DataFrame(
        {
            "first_on": g["assessed_on"].first(),
            "last_on": g["assessed_on"].last(),
            "first_level": g["level_assessed"].first(),
            "last_level": g["level_assessed"].last(),
        }
    ).reset_index()
    pairs = pairs[pairs["last_on"] > pairs["first_on"]].copy()
    pairs["change"] = pairs["last_level"] - pairs["first_level"]
    pairs["unit_id"] = pairs["staff_id"].map(staff.set_index("staff_id")["unit_id"])
    t = by_competency(trainings, catalogue).merge(
        pairs[["staff_id", "competency", "first_on", "last_on"]], on=["staff_id", "competency"]
    )
    t = t[(t["start"] >= t["first_on"]) & (t["start"] < t["last_on"])]
    first = t.sort_values("start", kind="stable").groupby(["staff_id", "competency"])[
        ["mode", "training_code"]
    ]
    first = first.first()
    key = pd.MultiIndex.from_frame(pairs[["staff_id", "competency"]])
    pairs["mode"] = first["mode"].reindex(key).to_numpy()
    pairs["programme"] = first["training_code"].reindex(key).to_numpy()
    return pairs.reset_index(drop=True)


def _cluster_ols(y: np.ndarray, x: np.ndarray, clusters: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OLS coefficients and their cluster-robust covariance (CR1, Stata's small-sample factor).

    One decomposition of X'X gives both its pseudo-inverse and the rank; the clusters' score sums are one
    sparse product (tens of thousands of rows: ``np.add.at`` and an SVD of X itself were most of the time)."""
    xtx = x.T @ x
    u, s, vt = np.linalg.svd(xtx, hermitian=True)
    keep = s > s.max(initial=0.0) * max(xtx.shape) * np.finfo(float).eps  # numpy's matrix_rank tolerance
    xtx_inv = (vt[keep].T / s[keep]) @ u[:, keep].T
    beta = xtx_inv @ (x.T @ y)
    resid = y - x @ beta
    groups, codes = pd.factorize(pd.Series(clusters))
    member = sparse.csr_matrix((np.ones(len(y)), (groups, np.arange(len(y)))), shape=(len(codes), len(y)))
    scores = member @ (x * resid[:, None])
    n, p, g = len(y), int(keep.sum()), len(codes)
    factor = (g / (g - 1)) * ((n - 1) / (n - p)) if g > 1 and n > p else np.nan
    return beta, factor * xtx_inv @ (scores.T @ scores) @ xtx_inv


def learning_effects(pairs: pd.DataFrame, alpha: float = 0.05, by: str = "mode") -> pd.DataFrame:
    """Per mode (``by="mode"``) or per programme (``by="programme"``, a training code): the effect on the
    assessed level (levels), its CI, p, the trained and their units, the naive before/after (mean change of the
    trained alone) and the verdict (increase, decrease, no_detectable_change, too_little_data). The column
    naming the group is ``mode`` either way.

    Examples
    --------
    >>> pairs = learning_pairs(assessments, trainings, staff, catalogue)  # doctest: +SKIP
    >>> learning_effects(pairs)[["mode", "estimate", "verdict"]]  # doctest: +SKIP
    """
    p = pairs.dropna(subset=["unit_id"]).assign(mode=lambda d: d[by])
    cell = p["competency"].astype(str) + "|" + p["first_level"].astype(int).astype(str)
    cells = pd.get_dummies(cell, dtype=float)
    modes = [m for m in MODES if (p["mode"] == m).any()] + sorted(set(p["mode"].dropna()) - set(MODES))
    treat = pd.DataFrame({m: (p["mode"] == m).astype(float) for m in modes}, index=p.index)
    x = np.column_stack([treat.to_numpy(), cells.to_numpy()])
    beta, cov = _cluster_ols(p["change"].to_numpy(float), x, p["unit_id"].astype(str).to_numpy())
    g = p["unit_id"].nunique()
    crit = stats.t.ppf(1 - alpha / 2, max(g - 1, 1))
    rows = []
    for j, m in enumerate(modes):
        trained = p["mode"] == m
        n, units = int(trained.sum()), int(p.loc[trained, "unit_id"].nunique())
        est, se = float(beta[j]), float(np.sqrt(max(cov[j, j], 0.0)))
        low, high = est - crit * se, est + crit * se
        if n < MIN_TRAINED or units < MIN_CLUSTERS:
            verdict = "too_little_data"
        elif low > 0:
            verdict = "increase"
        elif high < 0:
            verdict = "decrease"
        else:
            verdict = "no_detectable_change"
        rows.append(
            {
                "mode": m,
                "estimate": est,
                "se": se,
                "ci_low": low,
                "ci_high": high,
                "p_value": float(2 * stats.t.sf(abs(est / se), max(g - 1, 1))) if se > 0 else np.nan,
                "n_trained": n,
                "n_units": units,
                "naive": float(p.loc[trained, "change"].mean()) if n else np.nan,
                "verdict": verdict,
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["n_comparison"] = int(p["mode"].isna().sum())
    out.attrs["comparison_change"] = float(p.loc[p["mode"].isna(), "change"].mean())
    return out
