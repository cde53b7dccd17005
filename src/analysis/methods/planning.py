"""Planning by simulation: the smallest effect a city's data would detect, and how many units a roll-out needs,
from the simulated power of the estimator the verdict rests on, on the city's own roll-out calendar and noise.

Why a module of its own: the closed-form "units needed" (two groups, 6 months before and after) is not the
design the city runs nor the estimator it reports: for a 10% reduction in Kendari it says 15 units, while the
Callaway-Sant'Anna estimate had simulated power 0.41 at 15 units, 0.66 at 30 and 0.90 at 60. The estimator
the verdict rests on (imputation) is about twice as precise; simulated on Kendari's own calendar it needs 18
units, with at least 10 of them in the programme. A planner sizing the next wave needs the number for *this*
design and *this* estimator.

How: each draw is a panel with the city's months, its waves in their shares (never-treated included), its
share of missing unit-months, and noise with the city's residual variance and month-to-month correlation
(unit and month effects do not matter: the estimator removes them). The residual noise alone understates
what the estimator meets in real data (effects that differ between units and months, uneven visit counts):
on Kendari's demo data it gives half the headline's standard error. So the noise is **calibrated**: scaled
so that the simulated SE at the city's own size and calendar equals the SE of its headline estimate (its
median over the draws), and the other sizes follow from the same design. The estimator is the imputation
estimator (Borusyak, Jaravel & Spiess 2024) with its conservative unit-clustered variance (Theorem 3,
cohort x event-time auxiliary groups), the headline of every unbalanced panel. For a fixed design it is
linear in the outcomes, so it is computed for many draws at once with one factorisation
(:func:`imputation_many`; equal to diff-diff's ``ImputationDiD`` estimate and SE, tested), and a constant
effect only shifts every draw's estimate (its SE does not change), so one set of draws serves every effect
size. Power is size-corrected (:func:`critical_value`): with few units the report's interval excludes a
true zero more often than 5%, and that rate is reported beside the power instead of being counted as
power. Draws, seeds and the search are stated in the returned dict and in the report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse, stats

from analysis.methods.pretrends import demean_two_way

#: Draws per design for the power of one number of units (the report says it): power's Monte Carlo SE is
#: at most 0.5 / sqrt(DRAWS) = 0.022.
DRAWS = 500
#: Replicate designs per number of units (waves fixed by their shares, missing months drawn per replicate).
DESIGNS = 5
#: Largest number of units searched for "units needed"; beyond it the report says "more than".
MAX_UNITS = 2000
#: Power the planning numbers aim at: the share of simulated roll-outs that detect the effect.
POWER = 0.8


@dataclass
class Design:
    """What a simulated panel copies from the city: months, waves and their shares, missingness, noise."""

    n_periods: int
    cohorts: np.ndarray  # start period per wave (1-based), never-treated as np.inf
    shares: np.ndarray  # share of units per entry of ``cohorts``
    observed: float  # share of unit-months observed
    sigma: float  # residual SD (after unit and month effects, untreated unit-months)
    rho: float  # within-unit lag-1 correlation of the residuals

    def tidy(self) -> dict:
        return {
            "n_periods": self.n_periods,
            "waves": [
                {"start": None if np.isinf(c) else int(c), "share": float(s)}
                for c, s in zip(self.cohorts, self.shares, strict=True)
            ],
            "observed": self.observed,
            "sigma": self.sigma,
            "rho": self.rho,
        }


def design_from_panel(
    panel: pd.DataFrame, outcome: str, unit: str = "unit_id", time: str = "period", cohort: str = "cohort"
) -> Design:
    """The city's design: waves and shares from its units, missingness and noise from its panel (residuals of
    the untreated unit-months after unit and month effects, :func:`analysis.methods.pretrends.demean_two_way`)."""
    df = panel[[unit, time, cohort, outcome]].dropna(subset=[outcome])
    units = df.drop_duplicates(unit)
    g = units[cohort].fillna(np.inf).to_numpy(float)
    cohorts, counts = np.unique(g, return_counts=True)
    n_periods = int(df[time].max())
    untreated = df[df[cohort].isna() | (df[time] < df[cohort])]
    resid = demean_two_way(
        untreated[[outcome]].to_numpy(float),
        pd.factorize(untreated[unit])[0],
        pd.factorize(untreated[time])[0],
    )[:, 0]
    r = pd.Series(resid, index=untreated.index)
    n_obs = len(untreated)
    dof = n_obs - untreated[unit].nunique() - untreated[time].nunique() + 1
    sigma = float(np.sqrt((r**2).sum() / max(dof, 1)))
    frame = untreated[[unit, time]].assign(r=r.to_numpy()).sort_values([unit, time])
    lagged = frame.groupby(unit)["r"].shift()
    consecutive = frame[time] - frame.groupby(unit)[time].shift() == 1
    pair = consecutive & lagged.notna()
    rho = float(np.corrcoef(frame.loc[pair, "r"], lagged[pair])[0, 1]) if pair.sum() > 2 else 0.0
    # demeaning within short units biases rho down by about 1/T (Nickell); add it back
    rho = float(np.clip(rho + 1.0 / max(untreated.groupby(unit).size().mean(), 2), -0.95, 0.95))
    return Design(
        n_periods=n_periods,
        cohorts=cohorts,
        shares=counts / counts.sum(),
        observed=float(len(df) / (len(units) * n_periods)),
        sigma=sigma,
        rho=rho,
    )


def _allocate(shares: np.ndarray, n: int) -> np.ndarray:
    """Whole units per wave for ``n`` units, largest remainder (every wave with a share gets its part)."""
    raw = shares * n
    out = np.floor(raw).astype(int)
    out[np.argsort(raw - out)[::-1][: n - out.sum()]] += 1
    return out


def simulate_design(design: Design, n_units: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One replicate design: each unit's start period (inf = never) and an observed mask (units x months)."""
    g = np.repeat(design.cohorts, _allocate(design.shares, n_units))
    mask = rng.random((n_units, design.n_periods)) < design.observed
    return g, mask


def _noise(design: Design, n_units: int, draws: int, rng: np.random.Generator) -> np.ndarray:
    """AR(1) residuals with the city's SD and correlation, (draws, units, months)."""
    t = design.n_periods
    e = rng.standard_normal((draws, n_units, t))
    out = np.empty_like(e)
    out[..., 0] = e[..., 0]
    scale = np.sqrt(1 - design.rho**2)
    for k in range(1, t):
        out[..., k] = design.rho * out[..., k - 1] + scale * e[..., k]
    return design.sigma * out


def imputation_many(g: np.ndarray, mask: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """The imputation estimator's overall effect and its conservative unit-clustered SE for many outcome draws
    on one design at once.

    ``g``: each unit's start period (1-based; inf = never), ``mask``: observed unit-months, ``y``: outcomes
    (draws, units, months). Unit and month effects are fitted on untreated observed unit-months, each treated
    unit-month's untreated outcome is imputed, the effect is their mean; treated units without an untreated
    month are left out (as in diff-diff). The SE is BJS Theorem 3 with cohort x event-time auxiliary groups.
    Returns estimates, SEs and the number of treated unit-months used.
    """
    n, t = mask.shape
    period = np.arange(1, t + 1)
    treated = mask & (period[None, :] >= g[:, None])
    untreated = mask & ~treated
    has_pre = untreated.any(axis=1)
    treated &= has_pre[:, None]
    keep_t = untreated.any(axis=0)  # months with an untreated observation (others cannot be imputed)
    treated &= keep_t[None, :]
    ui, ti = np.nonzero(untreated)
    u1, t1 = np.nonzero(treated)
    n1 = len(u1)
    if n1 == 0 or len(ui) == 0:
        return np.full(y.shape[0], np.nan), np.full(y.shape[0], np.nan), 0
    # two-way design on the untreated: all unit dummies + month dummies but the first kept month
    months = np.flatnonzero(keep_t)
    col_of = np.full(t, -1)
    col_of[months[1:]] = np.arange(len(months) - 1)  # month -> its dummy's column (-1: none)
    p = n + len(months) - 1

    def design_rows(u: np.ndarray, tt: np.ndarray) -> sparse.csr_matrix:
        # sparse: two ones per row; dense it was 1 GB at 2,000 units, the size the search may reach
        cols = col_of[tt]
        hit = np.flatnonzero(cols >= 0)
        rows = np.r_[np.arange(len(u)), hit]
        return sparse.csr_matrix((np.ones(len(rows)), (rows, np.r_[u, n + cols[hit]])), shape=(len(u), p))

    a0, a1 = design_rows(ui, ti), design_rows(u1, t1)
    used = np.zeros(p, bool)
    used[np.unique(ui)] = True
    used[n:] = True
    a0, a1 = a0[:, used], a1[:, used]
    gram = (a0.T @ a0).toarray()
    chol = np.linalg.cholesky(gram + 1e-12 * np.eye(len(gram)))

    def solve(b: np.ndarray) -> np.ndarray:
        return np.linalg.solve(chol.T, np.linalg.solve(chol, b))

    w = np.full(n1, 1.0 / n1)
    v0 = -a0 @ solve(a1.T @ w)  # weights of the untreated observations: tau_hat = w'Y1 + v0'Y0
    y0 = y[:, ui, ti].T  # (n0, draws)
    y1 = y[:, u1, t1].T  # (n1, draws)
    theta = solve(a0.T @ y0)
    tau_it = y1 - a1 @ theta
    est = w @ tau_it
    eps0 = y0 - a0 @ theta
    # auxiliary groups: cohort x event time; with uniform weights tau_tilde is the group mean
    keys = np.unique(np.column_stack([g[u1], t1 + 1 - g[u1]]), axis=0, return_inverse=True)[1].ravel()
    counts = np.bincount(keys)
    group_mean = np.zeros((counts.size, y.shape[0]))
    np.add.at(group_mean, keys, tau_it)
    eps1 = tau_it - (group_mean / counts[:, None])[keys]
    psi = np.zeros((n, y.shape[0]))
    np.add.at(psi, u1, w[:, None] * eps1)
    np.add.at(psi, ui, v0[:, None] * eps0)
    se = np.sqrt((psi**2).sum(axis=0))
    return est, se, n1


def draws_at(
    design: Design, n_units: int, draws: int = DRAWS, designs: int = DESIGNS, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Estimates and SEs of ``draws`` simulated panels with ``n_units`` units and no effect (spread over
    ``designs`` replicate designs)."""
    rng = np.random.default_rng([seed, n_units])
    est, se = [], []
    per = -(-draws // designs)
    for _ in range(designs):
        g, mask = simulate_design(design, n_units, rng)
        e, s, _ = imputation_many(g, mask, _noise(design, n_units, per, rng))
        est.append(e)
        se.append(s)
    return np.concatenate(est)[:draws], np.concatenate(se)[:draws]


def critical_value(est: np.ndarray, se: np.ndarray, alpha: float = 0.05) -> float:
    """The |t| that a true zero exceeds ``alpha`` of the time in these (no-effect) draws, never below the
    normal one: with few clusters the conservative variance still gives intervals that exclude a true zero
    too often (14-18% at 14 units on the demo calendars), and power counted with such a test is not power.
    Powers and detectable effects here are size-corrected with it (the standard in Monte Carlo power
    studies); the nominal test's real false-positive rate is reported beside them."""
    ok = np.isfinite(est) & np.isfinite(se) & (se > 0)
    z = float(stats.norm.ppf(1 - alpha / 2))
    return max(z, float(np.quantile(np.abs(est[ok] / se[ok]), 1 - alpha))) if ok.any() else z


def power(
    est: np.ndarray, se: np.ndarray, effect: float, alpha: float = 0.05, crit: float | None = None
) -> float:
    """Share of draws with |effect + est| / se above ``crit`` (default: the normal ``1 - alpha`` value, i.e.
    the report's interval excludes zero) when the true effect is ``effect``."""
    ok = np.isfinite(est) & np.isfinite(se) & (se > 0)
    c = stats.norm.ppf(1 - alpha / 2) if crit is None else crit
    return float(np.mean(np.abs(effect + est[ok]) > c * se[ok])) if ok.any() else float("nan")


def minimum_detectable(
    est: np.ndarray, se: np.ndarray, target: float = POWER, alpha: float = 0.05, crit: float | None = None
) -> float:
    """The smallest effect (absolute) whose simulated power reaches ``target`` (bisection; power rises with
    the effect's size)."""
    lo = 0.0
    hi = 10 * (float(np.nanmedian(se)) or 1.0)
    while power(est, se, hi, alpha, crit) < target:
        hi *= 2
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        if power(est, se, mid, alpha, crit) >= target:
            hi = mid
        else:
            lo = mid
    return hi


def n_treated(design: Design, n_units: int) -> int:
    """Units in some wave when ``n_units`` are allocated by the design's shares."""
    return int(_allocate(design.shares, n_units)[np.isfinite(design.cohorts)].sum())


def units_needed(
    design: Design,
    effect: float,
    target: float = POWER,
    alpha: float = 0.05,
    draws: int = DRAWS,
    seed: int = 0,
    max_units: int = MAX_UNITS,
    min_treated: int = 10,
) -> dict:
    """Smallest number of units (same calendar, shares and noise) whose simulated size-corrected power
    (:func:`critical_value`) to detect ``effect`` reaches ``target``: doubling from 8 units, then bisection.
    A design with fewer than ``min_treated`` treated units has power 0: the report would say "too little
    data" whatever the interval (the verdict's rule, ``evaluation.MIN_TREATED_UNITS``). ``units`` is None
    beyond ``max_units``; ``size`` is the share of the report's intervals that exclude a true zero at the
    number returned, ``crit`` the size-corrected critical value there."""
    tried: dict[int, float] = {}
    size: dict[int, float] = {}
    crits: dict[int, float] = {}

    def pw(n: int) -> float:
        if n not in tried:
            if n_treated(design, n) < min_treated:
                tried[n], size[n], crits[n] = 0.0, float("nan"), float("nan")
            else:
                est, se = draws_at(design, n, draws, seed=seed)
                crits[n] = critical_value(est, se, alpha)
                tried[n] = power(est, se, effect, alpha, crits[n])
                size[n] = power(est, se, 0.0, alpha)
        return tried[n]

    lo, hi = 4, 8
    while pw(hi) < target:
        lo, hi = hi, hi * 2
        if hi > max_units:
            return {
                "units": None,
                "power": pw(lo),
                "size": size.get(lo),
                "crit": crits.get(lo),
                "tried": tried,
                "draws": draws,
            }
    while hi - lo > max(1, hi // 50):  # 2% precision: finer steps are below the power's Monte Carlo noise
        mid = (lo + hi) // 2
        if pw(mid) >= target:
            hi = mid
        else:
            lo = mid
    return {
        "units": int(hi),
        "power": pw(hi),
        "size": size[hi],
        "crit": crits[hi],
        "tried": dict(sorted(tried.items())),
        "draws": draws,
    }


def plan(
    panel: pd.DataFrame,
    outcome: str,
    effect: float,
    reference_se: float | None = None,
    target: float = POWER,
    alpha: float = 0.05,
    draws: int = DRAWS,
    seed: int = 0,
    min_treated: int = 10,
) -> dict:
    """The planning numbers of the report: the minimum detectable effect at the city's own size and
    calendar, and the units needed to detect ``effect`` (absolute, outcome units), both with ``target``
    power, from ``draws`` simulated panels each. ``reference_se``: the SE of the headline estimate on the
    city's data, to which the simulated noise is calibrated (None: the residual noise as it is).

    Example
    -------
    >>> out = plan(panel, "median_wait_minutes", effect=3.5, reference_se=0.5)  # doctest: +SKIP
    >>> out["units_needed"], out["mde_now"]  # doctest: +SKIP
    """
    design = design_from_panel(panel, outcome)
    n_now = int(panel["unit_id"].nunique())
    est, se = draws_at(design, n_now, draws, seed=seed)
    factor = 1.0
    if reference_se is not None and np.isfinite(reference_se) and np.nanmedian(se) > 0:
        factor = float(reference_se / np.nanmedian(se))
        design.sigma *= factor
        est, se = est * factor, se * factor  # linear in the noise: the same draws, rescaled
    needed = units_needed(design, abs(effect), target, alpha, draws, seed, min_treated=min_treated)
    crit = critical_value(est, se, alpha)
    return {
        "method": "simulation_imputation",
        "draws": int(draws),
        "target_power": target,
        "n_units_now": n_now,
        "mde_now": minimum_detectable(est, se, target, alpha, crit),
        "power_now": power(est, se, abs(effect), alpha, crit),
        "size_now": power(est, se, 0.0, alpha),
        "effect": abs(effect),
        "units_needed": needed["units"],
        # the number is the smallest roll-out with min_treated units in a wave, not a power requirement
        "limited_by_min_treated": bool(
            needed["units"] is not None and n_treated(design, needed["units"] - 1) < min_treated
        ),
        "min_treated": min_treated,
        "power_at_units_needed": needed["power"],
        "size_at_units_needed": needed["size"],
        "calibration": factor,
        "design": design.tidy(),
    }
