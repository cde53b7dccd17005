"""XmR charts and the Making Data Count special-cause rules, against NHSRplotthedots (its published test
snapshots and unit tests, a second implementation) and hand-worked examples."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.methods import xmr
from analysis.methods.sensitivity import _r_rnorm


# ------------------------------------------------------------------ limits: NHSRplotthedots' snapshots
def _nhsr_data(outlier: bool) -> np.ndarray:
    """NHSRplotthedots tests/testthat/test-ptd_spc_standard.R: ``set.seed(123); y = rnorm(20)``, then
    ``y[15] = 10``."""
    y = _r_rnorm(20, seed=123)
    if outlier:
        y[14] = 10.0
    return y


@pytest.mark.parametrize(
    ("outlier", "screen", "mean", "lpl", "upl"),
    [
        (False, True, 0.1416238, -3.01138, 3.294627),  # r1 in _snaps/ptd_spc_standard.md
        (True, True, 0.6694159, -2.383666, 3.722497),  # r2: the outlier's moving ranges screened out
        (True, False, 0.6694159, -4.596625, 5.935457),  # r3: not screened: wider limits
    ],
)
def test_limits_equal_nhsrplotthedots_published_snapshots(outlier, screen, mean, lpl, upl):
    got = xmr.limits(_nhsr_data(outlier), screen_outliers=screen)
    assert got[:3] == pytest.approx((mean, lpl, upl), abs=5e-6)


def test_limits_by_hand():
    """10, 12, 16, 14: mean 13, moving ranges 2, 4, 2 -> mean MR 8/3, limits 13 +- 2.66 x 8/3."""
    mean, lpl, upl, amr = xmr.limits([10, 12, 16, 14], screen_outliers=False)
    assert (mean, amr) == pytest.approx((13.0, 8 / 3)) and upl - mean == pytest.approx(2.66 * 8 / 3)
    assert mean - lpl == pytest.approx(upl - mean)


# ------------------------------------------------------------------ rules: NHSRplotthedots' unit tests
def test_shift_rule_as_nhsrplotthedots():
    assert xmr.one_side_run(np.ones(6)).tolist() == [0] * 6
    assert xmr.one_side_run(np.r_[np.ones(6), -1]).tolist() == [0] * 7
    assert xmr.one_side_run(np.r_[np.ones(8), -1]).tolist() == [0] * 6 + [1, 1, 0]
    assert xmr.one_side_run(np.r_[-np.ones(8), 1]).tolist() == [0] * 6 + [1, 1, 0]
    assert xmr.one_side_run(np.zeros(9)).tolist() == [0] * 9  # points on the mean are no run


def test_part_of_run_as_nhsrplotthedots():
    assert xmr.part_of_run(np.r_[np.zeros(6), 1, 0], 7).tolist() == [1] * 7 + [0]
    assert xmr.part_of_run(np.r_[np.zeros(7), -1, 0], 7).tolist() == [0] + [1] * 7 + [0]


def test_trend_rule_as_nhsrplotthedots():
    assert xmr.trend_run(np.arange(1, 7)).tolist() == [0] * 6
    assert xmr.trend_run(np.r_[1:4, 3:7]).tolist() == [0] * 7  # a repeated value breaks a trend
    assert xmr.trend_run(np.arange(1, 8)).tolist() == [0] * 6 + [1]
    assert xmr.trend_run(np.r_[2, 1:8, 3]).tolist() == [0] * 7 + [1, 0]
    assert xmr.trend_run(np.arange(7, 0, -1)).tolist() == [0] * 6 + [-1]
    assert xmr.trend_run(np.r_[2, 7:0:-1, 3]).tolist() == [0] * 7 + [-1, 0]
    assert xmr.trend_run(np.arange(1, 7), length=6).tolist() == [0] * 5 + [1]  # the older 6-point guidance


@pytest.mark.parametrize(
    ("close", "side", "expected"),
    [
        ([1, 0, 1], [1, 1, 1], [1, 0, 1]),
        ([0, 1, 1], [1, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 1], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
        ([0, 0, 1, 1, 0, 0, 0], [1] * 7, [0, 0, 1, 1, 0, 0, 0]),
        ([1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),  # two close points, but not within three
        ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
        ([1, 0, 1], [1, -1, 1], [0, 0, 0]),  # opposite sides of the mean (NHSRplotthedots issue #143)
        ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], [0] * 7),
    ],
)
def test_two_in_three_rule_as_nhsrplotthedots(close, side, expected):
    assert xmr.two_in_three(np.array(close), np.array(side)).tolist() == expected


# ------------------------------------------------------------------ whole charts, worked by hand
def test_a_waiting_time_that_jumps_is_a_concern_and_a_fall_an_improvement():
    base = [30, 31, 29, 30, 31, 30, 29, 30, 31, 30]
    chart = xmr.xmr([*base, 45], improvement="decrease", target=60)
    # mean 31.45, moving ranges 1,2,1,1,1,1,1,1,1,15 -> 15 >= 3.267 x 2.5 is screened: mean MR 10/9
    assert chart.mean == pytest.approx(np.mean([*base, 45]))
    assert chart.mean_moving_range == pytest.approx(10 / 9)
    last = chart.points.iloc[-1]
    assert (last["rule"], last["point_type"]) == ("outside_limits", "special_cause_concern")
    assert chart.variation == "special_cause_concern"
    assert chart.assurance == "consistent_pass"  # the 60-minute standard lies above the upper limit
    better = xmr.xmr([*base, 15], improvement="decrease")
    assert better.variation == "special_cause_improvement" and better.assurance is None


def test_each_rule_fires_on_its_own_pattern():
    noise = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10]
    shift = xmr.xmr([*noise, 11.5, 11.5, 11.2, 11.4, 11.6, 11.3, 11.5], improvement="increase")
    assert (
        shift.points["rule"].iloc[-7:] == "shift"
    ).all() and shift.variation == "special_cause_improvement"
    rising = xmr.xmr([*noise, 9.1, 9.3, 9.5, 9.7, 9.9, 10.1, 10.3], improvement="decrease")
    assert (rising.points["rule"].iloc[-7:] == "trend").all() and rising.variation == "special_cause_concern"
    # mean 150.1/14 = 10.72, mean MR 19.2/13 = 1.477: near limit 10.72 + 1.773 x 1.477 = 13.34, upper 14.65;
    # 14 and 14.1 are close to the upper limit, with 11 before them on the same side of the mean
    near = xmr.xmr([*noise, 11, 14, 14.1, 11], improvement="decrease", screen_outliers=False)
    assert (near.mean, near.upl) == pytest.approx((150.1 / 14, 150.1 / 14 + 2.66 * 19.2 / 13))
    flagged = near.points[near.points["rule"] == "two_in_three"]
    assert list(flagged.index) == [11, 12] and (flagged["point_type"] == "special_cause_concern").all()
    calm = xmr.xmr(noise, improvement="decrease", target=10.5)
    assert (calm.points["point_type"] == "common_cause").all() and calm.assurance == "inconsistent"
    assert xmr.xmr(noise, improvement="decrease", target=5).assurance == "consistent_fail"


def test_missing_months_are_left_out_not_read_as_values():
    with_gap = xmr.xmr([30, 31, np.nan, 29, 30], improvement="decrease")
    without = xmr.xmr([30, 31, 29, 30], improvement="decrease")
    assert with_gap.points["point_type"].iloc[2] == "missing" and with_gap.n == 4
    assert (with_gap.mean, with_gap.upl) == pytest.approx((without.mean, without.upl))


def test_neutral_indicators_and_bad_directions():
    chart = xmr.xmr([10, 10, 10, 10, 10, 10, 10, 30], improvement="neutral", target=12)
    assert chart.points["point_type"].iloc[-1] == "special_cause_neutral_high" and chart.assurance is None
    with pytest.raises(ValueError, match="improvement must be one of"):
        xmr.xmr([1, 2, 3], improvement="up")


def test_p_chart_limits_are_binomial_at_each_months_denominator():
    from scipy import stats

    events, totals = np.array([2, 1, 0, 3, 2]), np.array([40, 20, 30, 60, 50])
    chart = xmr.pchart(events, totals)
    p = events.sum() / totals.sum()  # 8 / 200
    assert chart.mean == pytest.approx(p)
    upper = stats.binom.ppf(1 - stats.norm.sf(3), totals, p) / totals  # exceeded with probability <= 0.135%
    assert chart.points["upl"].to_numpy() == pytest.approx(upper)
    assert (chart.points["point_type"] == "common_cause").all()
    assert (stats.binom.sf(upper * totals, totals, p) <= stats.norm.sf(3)).all()  # above the limit: that rare


@pytest.mark.integration  # a Monte Carlo of 900 charts: 3 s
def test_rare_walkouts_among_few_visits_are_not_alarms_on_a_p_chart_but_a_real_rise_is():
    """500 stable units (seeded), 24 months of 5-12 visits with 2% walk-outs, as in the demo data: the latest
    month is a false alarm on 9.6% of XmR charts (limits from moving ranges of mostly zeros) and on none of the
    p-charts (measured: 0.0%, exact binomial limits). A real rise, walk-outs at 20-30% over the last 5 months
    (200 draws per size), signals at the latest month in 79% of units with 30 visits a month and in 34% with 10
    (measured): few visits, little power, as the report says."""
    rng = np.random.default_rng(3)
    xmr_alarms = p_alarms = 0
    for _ in range(500):
        totals = rng.integers(5, 13, 24)
        events = rng.binomial(totals, 0.02)
        xmr_alarms += xmr.xmr(events / totals, improvement="decrease").variation == "special_cause_concern"
        p_alarms += xmr.pchart(events, totals).variation == "special_cause_concern"
    assert p_alarms / 500 <= 0.01 and xmr_alarms / 500 >= 0.06, (p_alarms, xmr_alarms)
    power = {}
    rng = np.random.default_rng(11)
    for visits in (10, 30):
        hits = 0
        for _ in range(200):
            totals = np.full(24, visits)
            events = rng.binomial(totals, 0.02)
            events[-5:] = rng.binomial(visits, [0.2, 0.25, 0.3, 0.3, 0.3])
            hits += xmr.pchart(events, totals).variation == "special_cause_concern"
        power[visits] = hits / 200
    assert power[30] >= 0.7 and power[10] < power[30], power


@pytest.mark.integration  # a Monte Carlo of 3,000 charts: 4 s
def test_the_rules_assume_independent_months_and_say_so_when_they_are_not():
    """The XmR limits assume months that vary independently around a stable level. 1,000 stable series each
    (seeded, 24 months, sd 3 minutes): the latest month is a false alarm in 0.6% of independent series, but in
    6.7% with month-to-month correlation 0.5 and 19.7% with 0.8 (a unit that wanders slowly), and in 2.8% with a
    yearly cycle of one standard deviation (measured). The monitoring page says that a listed unit has to be
    visited and asked, and that slow drifts and seasons raise signals that are not deterioration."""
    rng = np.random.default_rng(5)

    def ar1(rho):
        e = rng.normal(0, 3, 24)
        x = np.empty(24)
        x[0] = e[0]
        for i in range(1, 24):
            x[i] = rho * x[i - 1] + np.sqrt(1 - rho**2) * e[i]
        return 30 + x

    def rate(series):
        return np.mean(
            [
                xmr.xmr(series(), improvement="decrease").variation == "special_cause_concern"
                for _ in range(1000)
            ]
        )

    independent, correlated = rate(lambda: ar1(0.0)), rate(lambda: ar1(0.8))
    assert independent <= 0.02 and correlated >= 0.10, (independent, correlated)
    seasonal = rate(
        lambda: (
            30 + 3 * np.sin(2 * np.pi * np.arange(24) / 12 + rng.uniform(0, 2 * np.pi)) + rng.normal(0, 3, 24)
        )
    )
    assert independent < seasonal < correlated, (independent, seasonal, correlated)


def test_the_mean_of_the_last_months_is_judged_against_the_months_before_by_hand():
    """18 months alternating 30 and 32 (mean 31, mean moving range 2): the mean of the last three is a signal
    beyond 2.66 x 2 / sqrt(3) = 3.07 minutes from 31, whichever direction is better."""
    past = [30.0, 32.0] * 9
    assert xmr.xmr([*past, 34.0, 34.0, 34.0], recent=3).recent == "common_cause"  # 3.0 from the mean
    assert xmr.xmr([*past, 34.3, 34.0, 34.0], recent=3).recent == "special_cause_concern"  # 3.1
    assert xmr.xmr([*past, 27.7, 28.0, 28.0], recent=3).recent == "special_cause_improvement"
    assert xmr.xmr([*past, 34.3, 34.0, 34.0], improvement="increase", recent=3).recent == (
        "special_cause_improvement"
    )
    assert xmr.xmr([*past, 34.3, 34.0, 34.0]).recent is None  # not asked for
    assert xmr.xmr([30.0, 31.0, 40.0, 40.0, 40.0], recent=3).recent == "special_cause_concern"
    assert xmr.xmr([30.0, 40.0, 40.0, 40.0], recent=3).recent is None  # fewer than two months before them


def test_the_walkouts_of_the_last_months_together_against_the_proportion_before():
    """18 months of 100 arrivals with 2 walk-outs (p = 0.02), then 3 months of 100: the three months' walk-outs
    are a signal when at least that many would happen with probability 0.135% or less under p (exact
    binomial): 15 of 300 (P = 0.0008) is, 14 (P = 0.0019) is not."""
    from scipy import stats

    totals = np.full(21, 100)
    threshold = int(stats.binom.isf(stats.norm.sf(3), 300, 0.02)) + 1  # the fewest walk-outs that signal
    assert threshold == 15 and stats.binom.sf(threshold - 1, 300, 0.02) <= stats.norm.sf(3)
    for total, expected in ((threshold, "special_cause_concern"), (threshold - 1, "common_cause")):
        events = np.array([2] * 18 + [total // 3, total // 3, total - 2 * (total // 3)])
        assert xmr.pchart(events, totals, recent=3).recent == expected, total


@pytest.mark.integration  # a Monte Carlo of 2,000 charts: 3 s
def test_the_last_months_together_catch_a_sustained_rise_single_points_miss():
    """1,000 stable series (seeded, 24 months, sd 3 minutes): the latest point is a false alarm in 0.7% and the
    latest point or the mean of the last three in 1.2% (measured). A rise of 2 sd built up over the last four
    months (40%, 70%, 90%, 100%; 1,000 series): the latest point alone signals in 29%, with the mean of the last
    three in 56% (measured): the monitoring report uses both."""
    rng = np.random.default_rng(7)

    def rates(rise):
        latest = either = 0
        for _ in range(1000):
            y = rng.normal(30, 3, 24)
            y[-4:] += 3 * rise * np.array([0.4, 0.7, 0.9, 1.0])
            chart = xmr.xmr(y, improvement="decrease", recent=3)
            point = chart.variation == "special_cause_concern"
            latest += point
            either += point or chart.recent == "special_cause_concern"
        return latest / 1000, either / 1000

    stable_latest, stable_either = rates(0.0)
    assert stable_either <= 0.025 and stable_latest <= stable_either, (stable_latest, stable_either)
    rise_latest, rise_either = rates(2.0)
    assert rise_either >= 0.45 and rise_either >= rise_latest + 0.15, (rise_latest, rise_either)
