"""Sensitivity of an event-study effect to parallel-trends violations: HonestDiD relative-magnitude bounds.

Why a module of its own: a pre-trend test that passes does not prove parallel trends (it may simply lack
power), so every headline effect also gets the question a referee asks next, *how large a violation would
overturn it?* Rambachan & Roth (2023, *Review of Economic Studies* 90(5)) answer it with the restriction
Delta^RM(Mbar): after the programme, the differential trend may move from one period to the next by at most
``Mbar`` times the largest period-to-period move seen before it. For each Mbar we give a confidence interval
for the effect that is valid under that restriction, and the **breakdown value**: the smallest Mbar at which
the interval includes zero ("the conclusion holds unless post-programme trends diverge more than Mbar times
the largest pre-programme divergence").

The confidence sets are R HonestDiD's default for Delta^RM, the conditional least-favourable hybrid test of
Andrews, Roth & Pakes (2023; method "C-LF", ``createSensitivityResults_relativeMagnitudes``), ported from R's
``deltarm.R`` and ``arp-nuisance.R`` (asheshrambachan/HonestDiD): union over the period ``s`` whose move is
the largest and over its sign; moments on post-period differences only; first-stage least-favourable
critical value at size ``kappa = alpha / 10`` from simulated draws (R: 1,000; here ``SIMS``); second stage
the conditional test with the truncated-normal critical value. diff-diff 3.13's ``HonestDiD`` is not used:
its relative-magnitude interval is a fixed-length interval, not C-LF, and differs from R (on the published
example Mbar = 2: 0.0113 / 0.0816 against R's -0.0009 / 0.0881), and its smoothness interval differs from
R's by up to 2.6e-5 (M = 0.02). The smoothness interval (Delta^SD, :func:`smoothness_flci`) is ported from R's
``findOptimalFLCI`` too; with R's own simulated critical value (R's random numbers are reproduced) both
restrictions give R's published bounds on its example (``tests/test_sensitivity.py``).

One change in how the numbers are computed, not in what they are: R solves one linear programme per test and
finds the conditioning bounds by bisection. The programme's dual feasible set, {g >= 0, sd'g = 1, X'g = 0},
does not depend on the tested value, so its vertices are enumerated once per (Mbar, s, sign); the test
statistic is then the largest vertex product (strong duality), the optimal vertex is R's Lagrange multiplier,
and the conditioning bounds (ARP 2023, appendix, the dual approach) follow in closed form from the same
vertices. This is exact where R's bisection stops at a tolerance of 1e-6, and it makes the simulated
critical value and a 1,000-point grid a few matrix products instead of 10^4 LPs.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

#: Mbar values at which the report shows the robust interval (the figure), beside the breakdown value.
MBAR_GRID = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)
#: Largest Mbar searched for the breakdown value; beyond it the report says "more than".
MBAR_MAX = 10.0
#: Draws for the first-stage (least-favourable) critical value: 2^14 scrambled Sobol points. R uses 1,000
#: pseudo-random draws, whose 99.5% quantile moves the ehec interval by a grid step from seed to seed (seen
#: with 1,000 and even 20,000 pseudo-random draws); with these, 20 seeds x 4 Mbar all give R's published bounds.
SIMS = 2**14


@dataclass
class RelativeMagnitudes:
    """Robust intervals under Delta^RM(Mbar) and the breakdown value, for one effect ``l_vec' beta_post``.

    ``bounds``: one row per Mbar (``mbar``, ``lb``, ``ub``; NaN where every value was rejected).
    ``breakdown``: the smallest Mbar whose interval contains 0 (0.0 if it already contains 0 at Mbar = 0: the
    effect is not significant even under exact parallel trends; ``inf`` if it still excludes 0 at
    ``MBAR_MAX``; ``None`` when not computed, ``status`` says why). ``estimate`` and ``se`` are the plain
    event-study estimate of the same effect.
    """

    bounds: pd.DataFrame
    breakdown: float | None
    estimate: float
    se: float
    num_pre: int
    num_post: int
    alpha: float = 0.05
    status: str = "ok"  # ok | too_few_pre_periods | too_few_post_periods | singular
    detail: dict = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """The bounds with the breakdown value and the estimate on every row (for tables and figures)."""
        out = self.bounds.copy()
        out["breakdown"] = self.breakdown
        out["estimate"] = self.estimate
        return out


# -- Delta^RM(Mbar) as A delta <= d (R: .create_A_RM, .create_d_RM) -------------------------------------------


def rm_constraints(num_pre: int, num_post: int, mbar: float, s: int, max_positive: bool) -> np.ndarray:
    """Rows of A in ``A delta <= 0``: every period-to-period move bounded by the move at pre-period ``s``
    (``-(num_pre-1) <= s <= 0``; times ``mbar`` after the reference period), with the sign of that move
    fixed by ``max_positive``. Columns are the event-study coefficients without the reference period."""
    t = num_pre + num_post
    atilde = np.zeros((t, t + 1))
    for r in range(t):
        atilde[r, r : r + 2] = (-1.0, 1.0)
    v = np.zeros(t + 1)
    v[num_pre + s - 1 : num_pre + s + 1] = (-1.0, 1.0)
    if not max_positive:
        v = -v
    a_ub = np.vstack([np.tile(v, (num_pre, 1)), np.tile(mbar * v, (num_post, 1))])
    a = np.vstack([atilde - a_ub, -atilde - a_ub])
    a = a[(a * a).sum(axis=1) > 1e-10]
    return np.delete(a, num_pre, axis=1)


def _gamma(l_vec: np.ndarray) -> np.ndarray:
    """An invertible matrix whose first row is ``l_vec`` (R: .construct_Gamma, the pivot columns of
    rref([l, I]): ``l`` and every unit vector but the one of its last non-zero entry)."""
    n = len(l_vec)
    last = int(np.flatnonzero(l_vec)[-1])
    return np.vstack([l_vec] + [np.eye(n)[j] for j in range(n) if j != last])


# -- the ARP programme through its dual vertices ---------------------------------------------------------------


def dual_vertices(sd: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Vertices of {g >= 0 : sd'g = 1, X'g = 0} (one per row). ``eta(y) = max_g g'y`` is the value of R's
    ``.test_delta_lp_fn`` (min eta s.t. y - X delta <= eta sd), by strong duality; the polytope is bounded
    because sd > 0."""
    w = np.column_stack([sd, x]) if x.size else sd[:, None]
    m, k = w.shape
    rank = np.linalg.matrix_rank(w)
    e1 = np.zeros(rank)
    e1[0] = 1.0
    if rank < k:  # dependent nuisance columns: keep a basis of the constraints (same polytope)
        w = w[:, _column_basis(w, rank)]
    combos = np.array(list(itertools.combinations(range(m), rank)))
    mats = np.transpose(w[combos], (0, 2, 1))  # (n, rank, rank): W_B'
    dets = np.linalg.det(mats)
    ok = np.abs(dets) > 1e-12 * np.abs(w).max() ** rank
    sol = np.linalg.solve(mats[ok], np.broadcast_to(e1, (ok.sum(), rank))[..., None])[..., 0]
    feasible = (sol >= -1e-12).all(axis=1)
    verts = np.zeros((int(feasible.sum()), m))
    rows = np.repeat(np.arange(len(verts)), rank)
    verts[rows, combos[ok][feasible].ravel()] = np.clip(sol[feasible], 0, None).ravel()
    # the same vertex can come from several bases (degenerate): keep one copy
    return np.unique(np.round(verts, 14), axis=0)


def _column_basis(w: np.ndarray, rank: int):
    from scipy.linalg import qr

    _, _, piv = qr(w, pivoting=True)
    return np.sort(piv[:rank])


def least_favourable_cv(
    verts: np.ndarray, sigma: np.ndarray, kappa: float, sims: int = 1000, seed: int = 0, normals=None
) -> float:
    """First-stage critical value of the hybrid test: the 1-kappa quantile of eta under the least favourable
    null, from ``sims`` draws (R: .compute_least_favorable_cv, 1,000 draws). ``normals``: standard normal
    draws (sims x at least len(sigma)) to reuse across problems (common random numbers)."""
    m = len(sigma)
    if normals is None:
        normals = np.random.default_rng(seed).standard_normal((sims, m))
    vals, vecs = np.linalg.eigh(sigma)
    root = vecs * np.sqrt(np.clip(vals, 0, None))  # sigma = root root'
    xi = normals[:, :m] @ root.T
    eta = (-xi @ verts.T).max(axis=1)
    return float(np.quantile(eta, 1 - kappa))


@functools.lru_cache(maxsize=8)
def _normals(n: int, dim: int, seed: int) -> np.ndarray:
    """Standard normal draws from a scrambled Sobol sequence (randomised quasi-Monte Carlo): the 99.5%
    quantile behind the first-stage critical value then varies far less from seed to seed than with
    pseudo-random draws of the same number. Cached (read-only): the breakdown search asks for the same
    draws at every Mbar it tries."""
    from scipy.stats import qmc

    m = int(np.ceil(np.log2(max(n, 2))))
    u = qmc.Sobol(dim, scramble=True, seed=seed).random_base2(m)[:n]
    out = special.ndtri(np.clip(u, 1e-12, 1 - 1e-12))
    out.flags.writeable = False
    return out


def _truncnorm_quantile(p: float, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Quantile ``p`` of N(0, 1) truncated to [lo, hi], stable in both tails (R: TruncatedNormal::norminvp)."""
    lo, hi = np.broadcast_arrays(np.asarray(lo, float), np.asarray(hi, float))
    out = np.empty(lo.shape)
    upper = lo > 0  # the whole interval in the upper tail: work with survival functions, in logs
    a, b = special.ndtr(lo[~upper]), special.ndtr(hi[~upper])
    out[~upper] = special.ndtri(a + p * (b - a))
    qa, qb = special.log_ndtr(-lo[upper]), special.log_ndtr(-hi[upper])
    with np.errstate(divide="ignore"):
        lq = np.logaddexp(np.log1p(-p) + qa, np.log(p) + qb)
    out[upper] = -special.ndtri(np.exp(lq))
    return np.clip(out, lo, hi)


def _arp_accept(
    y: np.ndarray,
    verts: np.ndarray,
    sigma: np.ndarray,
    alpha: float,
    kappa: float,
    lf_cv: float,
) -> np.ndarray:
    """The conditional least-favourable hybrid test of ``E[y - X delta] <= 0`` for many ``y`` at once
    (columns of ``y``; R: .lp_conditional_test_fn with hybrid_flag = "LF"). Returns 1 where accepted."""
    if len(verts) == 0:  # no feasible dual: R's LP fails and the test does not reject
        return np.ones(y.shape[1])
    prods = verts @ y  # (V, n)
    best = prods.argmax(axis=0)
    eta = prods[best, np.arange(y.shape[1])]
    g = verts[best]  # (n, M): the optimal vertex, R's lambda
    sg = g @ sigma  # (n, M) = (sigma g)'
    var = np.einsum("nm,nm->n", sg, g)
    accept = np.ones(y.shape[1])
    accept[eta > lf_cv] = 0.0  # first stage: reject at once
    second = (eta <= lf_cv) & (var > np.finfo(float).eps)
    accept[(eta <= lf_cv) & ~second & (eta > 0)] = 0.0  # no variance: reject iff eta > 0
    if not second.any():
        return accept
    idx = np.flatnonzero(second)
    b = sg[idx] / var[idx, None]  # (n, M): sigma g / g'sigma g
    s_t = y[:, idx].T - b * eta[idx, None]  # (n, M)
    num = s_t @ verts.T  # (n, V): v's_T
    den = 1.0 - b @ verts.T  # (n, V): 1 - v'b
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = num / den
    vlo = np.where(den > 1e-12, ratio, -np.inf).max(axis=1)
    vup = np.where(den < -1e-12, ratio, np.inf).min(axis=1)
    sigma_b = np.sqrt(var[idx])
    zlo = vlo / sigma_b
    zup = np.minimum(vup, lf_cv) / sigma_b
    maxstat = eta[idx] / sigma_b
    mod_size = (alpha - kappa) / (1 - kappa)
    inside = (zlo <= maxstat) & (maxstat <= zup)
    cval = np.maximum(0.0, _truncnorm_quantile(1 - mod_size, zlo, zup))
    reject = inside & (maxstat > cval)
    accept[idx] = np.where(reject, 0.0, 1.0)
    return accept


@dataclass
class _Problem:
    """One (Mbar, s, sign) piece of Delta^RM, ready to test any theta."""

    y0: np.ndarray  # A beta - d, on the ARP rows
    a1: np.ndarray  # how y moves with theta
    verts: np.ndarray
    sigma: np.ndarray
    lf_cv: float


def _problems(
    betahat: np.ndarray,
    sigma: np.ndarray,
    num_pre: int,
    num_post: int,
    l_vec: np.ndarray,
    mbar: float,
    alpha: float,
    sims: int,
    seed: int,
) -> list[_Problem]:
    gamma_inv = np.linalg.inv(_gamma(l_vec))
    normals = _normals(sims, 2 * (num_pre + num_post), seed)
    out = []
    for s in range(-(num_pre - 1), 1):
        for positive in (True, False):
            a = rm_constraints(num_pre, num_post, mbar, s, positive)
            rows = np.flatnonzero((a[:, num_pre:] != 0).any(axis=1))  # post-period moments only
            agi = a[:, num_pre:] @ gamma_inv
            y = (a @ betahat)[rows]
            sig = (a @ sigma @ a.T)[np.ix_(rows, rows)]
            x = agi[rows, 1:]
            verts = dual_vertices(np.sqrt(np.diag(sig)), x)
            lf = least_favourable_cv(verts, sig, alpha / 10, normals=normals) if len(verts) else np.inf
            out.append(_Problem(y, agi[rows, 0], verts, sig, lf))
    return out


def _accepts(problems: list[_Problem], thetas: np.ndarray, alpha: float) -> np.ndarray:
    """1 where some (s, sign) piece accepts theta: the union that is R's confidence set."""
    acc = np.zeros(len(thetas))
    for p in problems:
        y = p.y0[:, None] - p.a1[:, None] * thetas[None, :]
        acc = np.maximum(acc, _arp_accept(y, p.verts, p.sigma, alpha, alpha / 10, p.lf_cv))
    return acc


def rm_confidence_set(
    betahat: np.ndarray,
    sigma: np.ndarray,
    num_pre: int,
    num_post: int,
    mbar: float,
    l_vec: np.ndarray | None = None,
    alpha: float = 0.05,
    grid: np.ndarray | None = None,
    sims: int = SIMS,
    seed: int = 0,
) -> pd.DataFrame:
    """Which values of ``l_vec' tau_post`` the C-LF test accepts under Delta^RM(mbar), on ``grid`` (R's default:
    1,000 points over +-20 standard errors of the plain estimate, around zero). Columns grid, accept."""
    betahat, sigma, l_vec = _check(betahat, sigma, num_pre, num_post, l_vec)
    if grid is None:
        sd = float(np.sqrt(l_vec @ sigma[num_pre:, num_pre:] @ l_vec))
        grid = np.linspace(-20 * sd, 20 * sd, 1000)
    probs = _problems(betahat, sigma, num_pre, num_post, l_vec, mbar, alpha, sims, seed)
    return pd.DataFrame({"grid": grid, "accept": _accepts(probs, np.asarray(grid, float), alpha)})


def _check(betahat, sigma, num_pre, num_post, l_vec):
    betahat = np.asarray(betahat, float).ravel()
    sigma = np.asarray(sigma, float)
    if l_vec is None:
        l_vec = np.eye(num_post)[0]
    l_vec = np.asarray(l_vec, float).ravel()
    if len(betahat) != num_pre + num_post or sigma.shape != (len(betahat),) * 2 or len(l_vec) != num_post:
        raise ValueError("betahat, sigma and l_vec do not conform to num_pre + num_post")
    if num_pre < 1 or num_post < 2:
        raise ValueError("relative magnitudes need at least 1 pre-period and 2 post-periods here")
    return betahat, sigma, l_vec


def _interval(
    problems: list[_Problem], est: float, sd: float, alpha: float, tol: float
) -> tuple[float, float]:
    """Endpoints of the accepted set: a coarse scan over +-40 se around the estimate, then a fine scan
    (spacing ``tol``) between the outermost accepted points and their rejected neighbours (the union's hull is
    what R reports as lb/ub)."""
    grid = est + sd * np.linspace(-40, 40, 161)
    acc = _accepts(problems, grid, alpha)
    if not acc.any():
        return np.nan, np.nan
    i, j = np.flatnonzero(acc)[[0, -1]]
    step = grid[1] - grid[0]
    fine = max(2, int(np.ceil(step / tol)))

    def edge(inside: float, outside: float) -> float:
        pts = np.linspace(outside, inside, fine + 1)[1:]  # outside (rejected) excluded, inside last
        ok = _accepts(problems, pts, alpha)
        return float(pts[np.argmax(ok > 0)])  # the first accepted point coming from outside

    lo = edge(grid[i], grid[i - 1]) if i > 0 else -np.inf
    hi = edge(grid[j], grid[j + 1]) if j < len(grid) - 1 else np.inf
    return lo, hi


def relative_magnitudes(
    betahat: np.ndarray,
    sigma: np.ndarray,
    num_pre: int,
    num_post: int,
    l_vec: np.ndarray | None = None,
    alpha: float = 0.05,
    mbars: tuple[float, ...] = MBAR_GRID,
    sims: int = SIMS,
    seed: int = 0,
    tol: float = 5e-3,
) -> RelativeMagnitudes:
    """Robust intervals at each Mbar in ``mbars`` and the breakdown value, for ``l_vec' tau_post``.

    Parameters
    ----------
    betahat, sigma:
        Event-study coefficients ``num_pre`` before then ``num_post`` from the reference period on (the
        reference itself left out: it is 0 by construction) and their covariance.
    l_vec:
        Weights on the post-period coefficients defining the effect (default: the first post period).
    alpha:
        One minus the coverage of every interval.
    tol:
        Precision of interval endpoints, in standard errors of the plain estimate; the breakdown value is
        found to 0.01 by bisection on whether 0 is accepted.
    sims, seed:
        Draws for the least-favourable critical value (the same standard normal draws for every piece).

    Example
    -------
    >>> beta = np.array([0.0, 0.0, 1.0, 1.0]); sig = np.eye(4) * 0.01
    >>> rm = relative_magnitudes(beta, sig, 2, 2, mbars=(0.0,))
    >>> bool(rm.bounds["lb"].iloc[0] > 0)
    True
    """
    betahat, sigma, l_vec = _check(betahat, sigma, num_pre, num_post, l_vec)
    est = float(l_vec @ betahat[num_pre:])
    sd = float(np.sqrt(l_vec @ sigma[num_pre:, num_pre:] @ l_vec))
    rows = []
    cache: dict[float, list[_Problem]] = {}

    def probs(m: float) -> list[_Problem]:
        if m not in cache:
            cache[m] = _problems(betahat, sigma, num_pre, num_post, l_vec, m, alpha, sims, seed)
        return cache[m]

    for m in mbars:
        lo, hi = _interval(probs(m), est, sd, alpha, tol * sd)
        rows.append({"mbar": float(m), "lb": lo, "ub": hi})

    def covers_zero(m: float) -> bool:
        return bool(_accepts(probs(m), np.array([0.0]), alpha)[0])

    # bracket with the grid already computed (0 inside an interval's hull), then bisect on the test itself
    inside = [r["mbar"] for r in rows if r["lb"] <= 0 <= r["ub"]]
    outside = [
        r["mbar"] for r in rows if not r["lb"] <= 0 <= r["ub"] and (not inside or r["mbar"] < min(inside))
    ]
    if covers_zero(0.0):
        breakdown = 0.0
    elif not inside and not covers_zero(MBAR_MAX):
        breakdown = float("inf")
    else:
        lo_m = max(outside, default=0.0)  # 0 outside the hull: not accepted there
        hi_m = min(inside) if inside and covers_zero(min(inside)) else MBAR_MAX
        while hi_m - lo_m > 0.01:
            mid = 0.5 * (lo_m + hi_m)
            if covers_zero(mid):
                hi_m = mid
            else:
                lo_m = mid
        breakdown = round(hi_m, 2)
    return RelativeMagnitudes(pd.DataFrame(rows), breakdown, est, sd, num_pre, num_post, alpha)


# -- our monthly and quarterly panels --------------------------------------------------------------------------

#: How the event study is binned before the sensitivity analysis, per panel frequency: bin width (periods),
#: bins before the reference bin, bins from the start on. Monthly coefficients are averaged over quarters:
#: one month's coefficient is too noisy for "the largest pre-programme move" to mean anything (on clean demo
#: data the largest monthly move is about 2 minutes, the size of the effect), while a steady drift triples per
#: quarter. Two post bins cover months 0-5 (IKM: quarters 0-1), the window compared across cities.
BINS = {"month": (3, 3, 2), "quarter": (1, 3, 2)}


def bin_event_study(
    frame: pd.DataFrame, cov: np.ndarray, reference: int, width: int, n_pre: int, n_post: int
) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]], int]:
    """Average a universal-base event study over bins of ``width`` periods, measured against the bin that
    ends at the reference period (``reference - width + 1 .. reference``; the reference coefficient is 0).

    Returns the binned coefficients (pre bins oldest first, then post bins), their covariance, each bin's
    (first, last) event time, and the number of pre bins that have coefficients (fewer than ``n_pre`` when the
    panel starts too late; a bin is kept only if every bin between it and the reference is)."""
    e = frame["event_time"].to_numpy()
    ok = frame["se"].to_numpy() > 0
    coef = {int(t): i for i, t in enumerate(e) if ok[i]}

    def row(first: int, last: int) -> np.ndarray | None:
        w = np.zeros(len(e))
        months = [t for t in range(first, last + 1) if t in coef or t == reference]
        if not months:
            return None
        for t in months:
            if t != reference:
                w[coef[t]] = 1.0 / len(months)
        return w

    ref_row = row(reference - width + 1, reference)
    pre, post, spans_pre, spans_post = [], [], [], []
    for b in range(1, n_pre + 1):
        first, last = reference - (b + 1) * width + 1, reference - b * width
        w = row(first, last)
        if w is None:
            break
        pre.insert(0, w - ref_row)
        spans_pre.insert(0, (first, last))
    for b in range(n_post):
        first, last = reference + 1 + b * width, reference + (b + 1) * width
        w = row(first, last)
        if w is None:
            break
        post.append(w - ref_row)
        spans_post.append((first, last))
    m = np.array(pre + post) if pre + post else np.zeros((0, len(e)))
    beta = m @ frame["att"].fillna(0).to_numpy()
    sigma = m @ np.nan_to_num(cov) @ m.T
    return beta, sigma, spans_pre + spans_post, len(pre)


def event_study_sensitivity(
    frame: pd.DataFrame,
    cov: np.ndarray,
    reference: int,
    frequency: str,
    alpha: float = 0.05,
    sims: int = SIMS,
    seed: int = 0,
) -> RelativeMagnitudes:
    """HonestDiD relative-magnitude sensitivity (Rambachan & Roth 2023, R's conditional least-favourable
    hybrid) of the average effect over the post bins (``BINS``) of a universal-base event study.

    Parameters
    ----------
    frame : pandas.DataFrame
        The event study (``pretrends.universal_event_study``): one row per relative period with its estimate.
    cov : numpy.ndarray
        The covariance matrix of those estimates.
    reference : int
        The reference (omitted) relative period.
    frequency : {"month", "quarter"}
        Selects the bins: months are averaged in threes, quarters kept.
    alpha : float
        1 - confidence level of the bounds.
    sims : int
        Sobol draws for the first-stage critical value.
    seed : int
        Seed of the scrambled Sobol draws.

    Returns
    -------
    RelativeMagnitudes
        ``bounds`` (lower and upper bound per Mbar), the ``breakdown`` value (smallest Mbar whose interval
        contains zero), the binned estimate and ``status`` (why no bounds exist: too few pre or post bins, a
        singular covariance).
    """
    width, n_pre, n_post = BINS[frequency]
    beta, sigma, spans, npre = bin_event_study(frame, cov, reference, width, n_pre, n_post)
    npost = len(beta) - npre
    detail = {"bins": [list(s) for s in spans], "width": width}
    empty = pd.DataFrame(columns=["mbar", "lb", "ub"])
    if npre < 1 or npost < n_post:
        status = "too_few_pre_periods" if npre < 1 else "too_few_post_periods"
        return RelativeMagnitudes(empty, None, np.nan, np.nan, npre, npost, alpha, status, detail)
    evals = np.linalg.eigvalsh(sigma)
    if evals.min() <= 1e-10 * max(evals.max(), 1e-300):
        return RelativeMagnitudes(empty, None, np.nan, np.nan, npre, npost, alpha, "singular", detail)
    rm = relative_magnitudes(
        beta, sigma, npre, npost, np.full(npost, 1.0 / npost), alpha, sims=sims, seed=seed
    )
    rm.detail = detail
    return rm


# -- smoothness restriction Delta^SD(M): R's optimal fixed-length interval (findOptimalFLCI) -------------------


def _r_rnorm(n: int, seed: int = 0) -> np.ndarray:
    """R's ``set.seed(seed); rnorm(n)`` (Mersenne-Twister with R's seeding, normals by inversion), reproduced
    bit for bit (``set.seed(0); rnorm(2)`` is 1.2629543, -0.3262334). Only for replicating R's published
    numbers: R's FLCI takes its critical value from 10^6 such draws (``.qfoldednormal``)."""
    s = np.uint32(seed)
    key = np.empty(625, dtype=np.uint32)
    with np.errstate(over="ignore"):
        for _ in range(50):
            s = np.uint32(np.uint32(69069) * s + np.uint32(1))
        for j in range(625):
            s = np.uint32(np.uint32(69069) * s + np.uint32(1))
            key[j] = s
    bg = np.random.MT19937()
    bg.state = {"bit_generator": "MT19937", "state": {"key": key[1:], "pos": 624}}
    u = bg.random_raw(2 * n).astype(np.float64) * 2.3283064365386963e-10
    half = 0.5 * 2.328306437080797e-10
    u = np.where(u <= 0, half, np.where(1 - u <= 0, 1 - half, u))
    big = 134217728.0
    return special.ndtri((np.floor(big * u[0::2]) + u[1::2]) / big)


_R_DRAWS: dict[int, np.ndarray] = {}


def folded_normal_quantile(p: float, mu: float, method: str = "exact") -> float:
    """Quantile ``p`` of |N(mu, 1)|: exact (root of Phi(q - mu) - Phi(-q - mu) = p), or ``method="r"`` as R's
    ``.qfoldednormal`` computes it (the empirical quantile of 10^6 draws after ``set.seed(0)``)."""
    mu = abs(float(mu))
    if method == "r":
        if 0 not in _R_DRAWS:
            _R_DRAWS[0] = _r_rnorm(10**6, 0)
        return float(np.quantile(np.abs(_R_DRAWS[0] + mu), p))
    from scipy.optimize import brentq

    def cdf(q: float) -> float:
        return float(special.ndtr(q - mu) - special.ndtr(-q - mu))

    return brentq(lambda q: cdf(q) - p, 0.0, mu + 10.0, xtol=1e-14)


def smoothness_flci(
    betahat: np.ndarray,
    sigma: np.ndarray,
    num_pre: int,
    num_post: int,
    m: float,
    l_vec: np.ndarray | None = None,
    alpha: float = 0.05,
    quantile: str = "exact",
    num_points: int = 100,
) -> tuple[float, float]:
    """The optimal fixed-length confidence interval under Delta^SD(m) (second differences of the trend
    bounded by m; Rambachan & Roth 2023, section 4.1), ported from R HonestDiD's ``findOptimalFLCI``: the
    estimator's SD ``h`` between its minimum and the minimum-bias value, chosen by R's derivative bisection
    (its 100-point grid when the bisection fails), the worst-case bias at ``h`` by a small convex programme
    (SLSQP here, ECOS in R). ``quantile="r"`` uses R's simulated folded-normal quantile, to replicate R's
    published numbers; the default is the exact quantile."""
    from scipy import optimize

    betahat, sigma, l_vec = _check(betahat, sigma, num_pre, num_post, l_vec)
    k = num_pre
    diff = np.eye(k) - np.eye(k, k=-1)  # w -> pre-period weights (R: .wToLFn)
    q_mat = diff.T @ sigma[:k, :k] @ diff
    q_lin = 2 * diff.T @ sigma[:k, k:] @ l_vec
    c0 = float(l_vec @ sigma[k:, k:] @ l_vec)

    def var(w: np.ndarray) -> float:
        return float(w @ q_mat @ w + q_lin @ w + c0)

    target = float(np.arange(1, num_post + 1) @ l_vec)
    const = sum(abs(np.arange(1, s + 1) @ l_vec[num_post - s :]) for s in range(1, num_post + 1)) - target
    cum = np.tril(np.ones((k, k)))
    kkt = np.block([[2 * q_mat, np.ones((k, 1))], [np.ones((1, k)), np.zeros((1, 1))]])
    w_min = np.linalg.solve(kkt, np.r_[-q_lin, target])[:k]
    h_min = np.sqrt(var(w_min))
    w_flat = np.zeros(k)
    w_flat[-1] = target
    h_0 = np.sqrt(var(w_flat))
    obj = np.r_[np.ones(k), np.zeros(k)]

    def bias(h: float) -> tuple[float, np.ndarray]:
        if k == 1:
            return const + abs(target), np.array([target])
        cons = [
            {
                "type": "ineq",
                "fun": lambda x: x[:k] - cum @ x[k:],
                "jac": lambda x: np.hstack([np.eye(k), -cum]),
            },
            {
                "type": "ineq",
                "fun": lambda x: x[:k] + cum @ x[k:],
                "jac": lambda x: np.hstack([np.eye(k), cum]),
            },
            {
                "type": "eq",
                "fun": lambda x: np.sum(x[k:]) - target,
                "jac": lambda x: np.r_[np.zeros(k), np.ones(k)],
            },
            {
                "type": "ineq",
                "fun": lambda x: h * h - var(x[k:]),
                "jac": lambda x: np.r_[np.zeros(k), -(2 * q_mat @ x[k:] + q_lin)],
            },
        ]
        res = optimize.minimize(
            lambda x: obj @ x,
            np.r_[np.abs(cum @ w_min), w_min],
            jac=lambda x: obj,
            constraints=cons,
            method="SLSQP",
            options={"ftol": 1e-14, "maxiter": 1000},
        )
        return const + float(np.abs(cum @ res.x[k:]).sum()), res.x[k:]

    def half_length(h: float) -> tuple[float, np.ndarray]:
        b, w = bias(h)
        return folded_normal_quantile(1 - alpha, m * b / h, quantile) * h, w

    a, b = h_min, h_0
    dif = min((b - a) / num_points, abs(b) * np.finfo(float).eps ** (1 / 3))
    fa, fb = half_length(a)[0], half_length(b)[0]
    fpa = (half_length(a + dif)[0] - fa) / dif
    fpb = (half_length(b - dif)[0] - fb) / -dif
    failtol = np.finfo(float).eps ** 0.5
    maxiter = 10 * np.ceil(np.log(abs(b - a) / dif) / np.log(2))
    failed, it, hstar = False, 1, None
    if fpa > fpb:
        failed = True
    elif fpb < 0:
        hstar = b
    elif fpa > 0:
        hstar = a
    else:
        while not failed and abs(b - a) > dif:
            it += 1
            x = (a + b) / 2
            fpx = (half_length(x + dif)[0] - half_length(x - dif)[0]) / (2 * dif)
            failed = fpx > fpb + failtol or fpx + failtol < fpa or it > maxiter
            if fpx > 0:
                b = x
            else:
                a = x
        hstar = (a + b) / 2
    if failed:  # R: the minimum over a grid of h
        half, w = min((half_length(h) for h in np.linspace(h_min, h_0, num_points)), key=lambda t: t[0])
    else:
        half, w = half_length(hstar)
    centre = float(np.r_[diff @ w, l_vec] @ betahat)
    return centre - half, centre + half
