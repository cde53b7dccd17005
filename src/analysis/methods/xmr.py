"""XmR process-behaviour charts with the special-cause rules of NHS England's "Making Data Count", as implemented
by NHSRplotthedots (nhs-r-community, version 0.2): which units' indicators are getting worse, and whether they
will meet their standard.

For a series x_1..x_n (one unit's monthly median wait, say):

- centre line: the mean; moving ranges MR_i = |x_i - x_{i-1}|; process limits mean +- 2.66 x mean(MR)
  (2.66 = 3 / d2, d2 = 1.128 for ranges of two). With ``screen_outliers``, moving ranges of 3.267 x mean(MR)
  or more are left out and the mean moving range recomputed, so one wild month does not widen the limits.
- special-cause rules, in this priority: a point **outside the limits**; a **trend** of ``trend`` points each
  higher (or lower) than the one before; **two of three** consecutive points on one side of the mean beyond
  two thirds of the way to the limit (only the close points are flagged); a **shift** of ``shift`` points on
  one side of the mean. A point flagged by a rule is special cause improvement or concern according to the
  indicator's direction (``improvement``: ``decrease`` for waiting times, ``increase`` for IKM).
- optionally (``recent=k``), the **mean of the last k points** against the centre line and limits of the points
  before them: beyond 3 sigma of a mean of k (2.66 x mean(MR) / sqrt(k); for a p-chart, the exact binomial
  tail of the k months' events at the same 0.135%), a sustained change over the latest months that single
  noisy points can hide, judged against a past it did not widen. This rule is ours, not NHSRplotthedots';
  its false alarms are measured in the tests.
- variation icon: the last point's type. Assurance icon against a target: the target beyond the limits on the
  good side is *consistent pass*, on the bad side *consistent fail*, inside them *hit and miss*.

Rule lengths: NHSRplotthedots 0.2 and the current Making Data Count guidance use 7 for both the shift and the
trend (earlier guidance used a trend of 6); both are parameters. Returns codes and numbers; the report words
them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Process limits at mean +- LIMIT x mean moving range (3 / 1.128).
LIMIT = 2.66
#: "Close to a limit": beyond two thirds of the way from the mean to a limit.
NEAR = 2 * LIMIT / 3
#: Moving ranges at or above this multiple of the mean moving range are screened out of the limits.
SCREEN = 3.267
#: Points in a row on one side of the mean (shift) and in a steady direction (trend).
SHIFT = 7
TREND = 7
#: ``improvement`` codes: which direction is better.
DIRECTIONS = {"increase": 1, "decrease": -1, "neutral": 0}
#: Rule codes in priority order.
RULES = ("outside_limits", "trend", "two_in_three", "shift")


@dataclass
class XmR:
    """An XmR chart of one series: limits, the rule and type of every point, and the two icons.

    ``points`` (one row per input value, in order): ``value``, ``rule`` (a :data:`RULES` code or ``""``),
    ``direction`` (+1 above the mean or rising, -1 below or falling, 0) and ``point_type``
    (``common_cause``, ``special_cause_improvement``, ``special_cause_concern``, ``special_cause_neutral_high``
    / ``_low``, or ``missing`` for a missing value, which is left out of every computation)."""

    points: pd.DataFrame
    mean: float
    lpl: float
    upl: float
    mean_moving_range: float
    variation: str  # the last point's point_type
    assurance: str | None  # consistent_pass | consistent_fail | inconsistent | None (no target or neutral)
    n: int  # points used
    #: the mean of the last ``recent`` points: special_cause_concern / _improvement / common_cause, or None
    recent: str | None = None

    def tidy(self) -> pd.DataFrame:
        """The points with the centre line and limits on every row (for figures and tables)."""
        return self.points.assign(mean=self.mean, lpl=self.lpl, upl=self.upl)


def limits(values: np.ndarray, screen_outliers: bool = True) -> tuple[float, float, float, float]:
    """(mean, lower limit, upper limit, mean moving range) of a series without missing values."""
    x = np.asarray(values, dtype=float)
    mean = float(x.mean())
    mr = np.abs(np.diff(x))
    amr = float(mr.mean()) if len(mr) else np.nan
    if screen_outliers and len(mr):
        kept = mr[mr < SCREEN * amr]
        amr = float(kept.mean()) if len(kept) else amr
    return mean, mean - LIMIT * amr, mean + LIMIT * amr, amr


def one_side_run(relative_to_mean: np.ndarray, length: int = SHIFT) -> np.ndarray:
    """1 where a point ends a run of ``length`` points on the same side of the mean (a point on the mean
    breaks a run); NHSRplotthedots' ``ptd_seven_point_one_side_mean``."""
    r = np.asarray(relative_to_mean, dtype=float)
    out = np.zeros(len(r))
    for i in range(length - 1, len(r)):
        window = r[i - length + 1 : i + 1]
        out[i] = float(r[i] != 0 and np.all(window == r[i]))
    return out


def trend_run(values: np.ndarray, length: int = TREND) -> np.ndarray:
    """+1 / -1 where a point ends ``length`` points each higher / lower than the one before, else 0
    (``ptd_seven_point_trend``)."""
    y = np.asarray(values, dtype=float)
    out = np.zeros(len(y))
    for i in range(length - 1, len(y)):
        d = np.sign(np.diff(y[i - length + 1 : i + 1]))
        out[i] = 1.0 if np.all(d == 1) else (-1.0 if np.all(d == -1) else 0.0)
    return out


def part_of_run(ends: np.ndarray, length: int) -> np.ndarray:
    """1 for every point of a run whose end is flagged in ``ends`` (``ptd_part_of_seven_trend``)."""
    e = np.abs(np.asarray(ends, dtype=float)) == 1
    out = np.zeros(len(e))
    for i in range(len(e)):
        out[i] = float(e[i : i + length].any())
    return out


def two_in_three(close: np.ndarray, relative_to_mean: np.ndarray) -> np.ndarray:
    """1 for a point close to a limit that is one of at least two close points among three consecutive points
    all on the same side of the mean (``ptd_two_in_three`` and ``ptd_part_of_two_in_three``)."""
    c = np.concatenate([[0, 0], np.asarray(close, dtype=float), [0, 0]])
    r = np.concatenate([[0, 0], np.asarray(relative_to_mean, dtype=float), [0, 0]])
    n = len(close)
    out = np.zeros(n)
    for i in range(n):
        hit = any(c[i + s : i + s + 3].sum() >= 2 and abs(r[i + s : i + s + 3].sum()) == 3 for s in range(3))
        out[i] = float(hit and close[i])
    return out


def xmr(
    values,
    improvement: str = "decrease",
    target: float | None = None,
    screen_outliers: bool = True,
    shift: int = SHIFT,
    trend: int = TREND,
    recent: int | None = None,
) -> XmR:
    """The XmR chart of ``values`` (in time order; NaN = missing, left out).

    Parameters
    ----------
    values : sequence of float
        The indicator per period, oldest first.
    improvement : {"decrease", "increase", "neutral"}
        Which direction is better (waiting time: decrease; IKM and share within the standard: increase).
    target : float, optional
        The standard to assure against (e.g. the unit type's waiting-time standard).
    screen_outliers : bool
        Leave moving ranges of 3.267 x the mean moving range out of the limits.
    shift, trend : int
        Run lengths of the shift and trend rules.
    recent : int, optional
        Judge the mean of the last ``recent`` values present against the values before them too
        (``XmR.recent``; module docstring); needs at least two values before them.

    Returns
    -------
    XmR

    Examples
    --------
    >>> chart = xmr([30, 31, 29, 30, 32, 31, 30, 45], improvement="decrease", target=60)
    >>> chart.points["point_type"].iloc[-1], chart.assurance
    ('special_cause_concern', 'consistent_pass')
    """
    if improvement not in DIRECTIONS:
        raise ValueError(f"improvement must be one of {list(DIRECTIONS)}, not {improvement!r}")
    v = np.asarray(values, dtype=float)
    y = v[~np.isnan(v)]
    if len(y) == 0:
        points = pd.DataFrame({"value": v, "rule": "", "direction": 0, "point_type": "missing"})
        return XmR(points, np.nan, np.nan, np.nan, np.nan, "missing", None, 0)
    mean, lpl, upl, amr = limits(y, screen_outliers)
    chart = _classify(v, mean, lpl, upl, NEAR * amr, amr, improvement, target, shift, trend)
    if recent and len(y) >= recent + 2:
        past_mean, _, _, past_amr = limits(y[:-recent], screen_outliers)
        gap = y[-recent:].mean() - past_mean
        side = np.sign(gap) if abs(gap) > LIMIT * past_amr / np.sqrt(recent) else 0.0
        chart.recent = _kind(side, improvement)
    return chart


def _kind(side: float, improvement: str) -> str:
    """A signal's point type from its side (+1 high, -1 low, 0 none) and the better direction."""
    good = DIRECTIONS[improvement]
    if side == 0:
        return "common_cause"
    if good == 0:
        return "special_cause_neutral_high" if side > 0 else "special_cause_neutral_low"
    return "special_cause_improvement" if side * good > 0 else "special_cause_concern"


def pchart(
    events,
    totals,
    improvement: str = "decrease",
    shift: int = SHIFT,
    trend: int = TREND,
    recent: int | None = None,
) -> XmR:
    """A p-chart of a proportion (walk-outs / arrivals per month): the same rules as :func:`xmr`, with each
    month's limits from the binomial distribution at its own denominator and the pooled proportion p
    (probability limits: the counts a 3-sigma and a 2-sigma normal limit would leave out, 0.135% and 2.275% in
    each tail). For rare events among tens of visits a month, XmR limits from the moving ranges of mostly-zero
    counts sit far too close, and the normal approximation of the binomial is poor; both flag ordinary months.
    Months with a missing or zero total are missing. ``lpl`` and ``upl`` are the limits at the median
    denominator; each point's own limits are in ``points``. ``recent``: the events of the last ``recent``
    months together against the proportion of the months before them, as in :func:`xmr`."""
    from scipy import stats

    e = np.asarray(events, dtype=float)
    n = np.asarray(totals, dtype=float)
    present = ~np.isnan(e) & ~np.isnan(n) & (n > 0)
    v = np.where(present, e / np.where(n > 0, n, 1), np.nan)
    if not present.any():
        points = pd.DataFrame({"value": v, "rule": "", "direction": 0, "point_type": "missing"})
        return XmR(points, np.nan, np.nan, np.nan, np.nan, "missing", None, 0)
    p = e[present].sum() / n[present].sum()
    size = n[present]
    tail3, tail2 = stats.norm.sf(3), stats.norm.sf(2)

    def limit(q, sizes):  # a count as a proportion: exceeded (or undercut) with probability q at most
        return stats.binom.ppf(q, sizes, p) / sizes

    lpl, upl = limit(tail3, size), limit(1 - tail3, size)
    near_low, near_high = limit(tail2, size), limit(1 - tail2, size)
    chart = _classify(v, p, lpl, upl, (near_low, near_high), None, improvement, None, shift, trend)
    middle = np.array([np.median(size)])
    chart.lpl, chart.upl = float(limit(tail3, middle)[0]), float(limit(1 - tail3, middle)[0])
    chart.mean_moving_range = np.nan
    chart.points.loc[present, "lpl"] = lpl
    chart.points.loc[present, "upl"] = upl
    if recent and present.sum() >= recent + 2:
        k_events, k_total = e[present][-recent:].sum(), n[present][-recent:].sum()
        past = e[present][:-recent].sum() / n[present][:-recent].sum()
        high = stats.binom.sf(k_events - 1, k_total, past) <= tail3  # P(X >= events)
        low = stats.binom.cdf(k_events, k_total, past) <= tail3
        chart.recent = _kind(1.0 if high else (-1.0 if low else 0.0), improvement)
    return chart


def _classify(v, mean, lpl, upl, near, amr, improvement, target, shift, trend) -> XmR:
    """The rules on the present values of ``v`` against a centre line and limits (scalars, or one per present
    value; ``near`` the distance of the "close to a limit" lines, or the lines themselves), and the icons."""
    present = ~np.isnan(v)
    y = v[present]
    n = len(y)
    points = pd.DataFrame({"value": v, "rule": "", "direction": 0, "point_type": "missing"})
    near_low, near_high = near if isinstance(near, tuple) else (mean - near, mean + near)
    outside = (y > upl) | (y < lpl)
    rtm = np.sign(y - mean)
    close = ~outside & ((y < near_low) | (y > near_high))

    trend_ends = trend_run(y, trend)
    in_trend = part_of_run(trend_ends, trend)
    in_two = two_in_three(close, rtm)
    in_shift = part_of_run(one_side_run(rtm, shift), shift)

    # a trend point's direction: the step to the next point when that point is in the trend too, else the
    # step from the previous one (NHSRplotthedots' rule for the two ends of a trend)
    step = np.sign(np.diff(y))
    nxt_in = np.concatenate([in_trend[1:], [0]]).astype(bool) & in_trend.astype(bool)
    forward = np.concatenate([step, step[-1:]]) if n > 1 else np.zeros(1)
    backward = np.concatenate([[0], step])
    trend_dir = np.where(nxt_in, forward, backward)

    rule = np.full(n, "", dtype=object)
    direction = np.zeros(n)
    for i in range(n):
        if outside[i]:
            rule[i], direction[i] = "outside_limits", rtm[i]
        elif in_trend[i]:
            rule[i], direction[i] = "trend", trend_dir[i]
        elif in_two[i]:
            rule[i], direction[i] = "two_in_three", rtm[i]
        elif in_shift[i]:
            rule[i], direction[i] = "shift", rtm[i]
    good = DIRECTIONS[improvement]
    if good == 0:
        kind = np.where(direction > 0, "special_cause_neutral_high", "special_cause_neutral_low")
    else:
        kind = np.where(direction * good > 0, "special_cause_improvement", "special_cause_concern")
    point_type = np.where(direction == 0, "common_cause", kind)

    points.loc[present, "rule"] = rule
    points.loc[present, "direction"] = direction.astype(int)
    points.loc[present, "point_type"] = point_type
    assurance = None
    if target is not None and good != 0 and np.isfinite(target) and np.ndim(upl) == 0:
        if target > upl:
            assurance = "consistent_fail" if good > 0 else "consistent_pass"
        elif target < lpl:
            assurance = "consistent_pass" if good > 0 else "consistent_fail"
        else:
            assurance = "inconsistent"
    return XmR(points, float(mean), lpl, upl, amr, str(point_type[-1]), assurance, n)
