"""Did training change performance? Behaviour and results at work (Kirkpatrick level 3): the annual SKP ratings
(PermenPAN-RB 6/2022) before and after a person's first programme.

Design. One row per staff member and SKP year; the outcome is a rating as a level (1 below, 2 meets, 3 above
expectation), for results (hasil kerja) and behaviour (perilaku kerja) separately. A person's *cohort* is the
year of their first recorded programme. The effect is Callaway & Sant'Anna's staggered difference-in-differences
(:func:`analysis.methods.did.estimate_did`) at staff level, standard errors clustered by service unit, with
**one year of anticipation**: each cohort g is compared with its year g-2, and the comparison staff in year t
are those not trained by t+1.

Why g-2 and not the year just before. Staff are sent to training after a bad year (the supervisor sees a poor
SKP and nominates them). Their year g-1 is low by a passing shock and the next year is better whether or not
they were trained: Ashenfelter's dip (Ashenfelter 1978; Heckman & Smith 1999). Measured from g-1, that recovery
is counted as the training's effect; a before/after on the trained alone (``naive_before_after``) counts it too.
From g-2, before the dip, and against staff who are not in their own dip year (not trained by t+1), the
recovery cancels. The event study shows the dip itself: the estimate at e = -1 (``dip``). The pre-trend test
uses the years before g-1 only.

What it assumes, said on the page: the bad year is a passing shock, gone within a year (a dip that lasts two
years or more biases the estimate up: tests/methods/test_performance_effects.py measures how far), and
without training the trained would have moved like the comparison staff from g-2 on. The cohort is the first
programme *recorded*: staff trained before the records begin count as untrained before their first recorded
programme.

A second way it breaks: staff chosen because their ratings keep falling (a lasting personal decline, not one
bad year). Then a null looks like a decrease; the pre-trend test catches a clear decline but often misses a
gentle one. So a confident verdict is also checked against a straight-line trend carried on from before the dip
(:func:`linear_trend`, HonestDiD's smoothness restriction with M = 0; the event study has a universal base for
it): when that interval contains zero the verdict is "fragile" (measured in the tests: a gentle decline's false
"decrease" from 3 of 20 to 1 of 20; true effects still an "increase" in 57 of 60).

Thin data: fewer than MIN_TRAINED trained staff or MIN_CLUSTERS units is "too little data"; a pre-trend test
that fails makes a confident verdict "fragile", as in the effects report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.methods import did, sensitivity
from analysis.methods.evaluation import verdict
from analysis.methods.training_effects import MIN_CLUSTERS, MIN_TRAINED, _cluster_ols

#: SKP rating -> level
LEVEL = {"Di bawah ekspektasi": 1, "Sesuai ekspektasi": 2, "Di atas ekspektasi": 3}
#: outcome column -> the performance table's rating it comes from
OUTCOMES = {"results_level": "results_rating", "behaviour_level": "behaviour_rating"}
#: years before the first programme that the dip may reach (the anticipation of the estimator)
DIP_YEARS = 1
#: years from the first programme on that the trend sensitivity averages (e = 0, 1): the effect a trend
#: would have to explain away (the later years rest on the earliest cohorts alone)
SENSITIVITY_YEARS = 2


@dataclass
class SkpEffect:
    """One outcome's effect of training on SKP levels, with the two comparisons a reader would otherwise make."""

    outcome: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    verdict: str
    reasons: list[str]
    n_trained: int
    n_units: int
    #: the mean change of the trained from the year before their first programme (the planner's before/after)
    naive_before_after: float
    #: the same DiD measured from the year just before the first programme (no room for the dip)
    naive_did: dict
    #: event-study estimate at e = -1 against e = -2: the dip (negative when staff are chosen after a bad year)
    dip: dict
    pretrend_p: float
    event_study: pd.DataFrame = field(repr=False)
    #: the effect (mean of e = 0, 1) if the trend before the dip carried on in a straight line (HonestDiD
    #: smoothness, M = 0): estimate, ci_low, ci_high, status (:func:`linear_trend`; "not_needed" when the
    #: interval already contains zero: the check can only make a confident verdict fragile)
    linear_trend: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = {k: getattr(self, k) for k in ("outcome", "estimate", "se", "ci_low", "ci_high", "verdict")}
        out |= {
            "reasons": list(self.reasons),
            "n_trained": self.n_trained,
            "n_units": self.n_units,
            "naive_before_after": self.naive_before_after,
            "naive_did": dict(self.naive_did),
            "dip": dict(self.dip),
            "pretrend_p": self.pretrend_p,
            "linear_trend": dict(self.linear_trend),
        }
        return out


def skp_panel(performance: pd.DataFrame, trainings: pd.DataFrame, staff: pd.DataFrame) -> pd.DataFrame:
    """Staff x SKP year: ``staff_id``, ``unit_id``, ``period``, ``results_level``, ``behaviour_level`` (1-3) and
    ``cohort`` (year of the first recorded programme; 0 = none). Staff without a unit are left out."""
    p = performance[["staff_id", "period", *OUTCOMES.values()]].copy()
    for out, col in OUTCOMES.items():
        p[out] = p[col].map(LEVEL)
    first = pd.to_datetime(trainings["start"]).dt.year.groupby(trainings["staff_id"]).min()
    p["cohort"] = p["staff_id"].map(first).fillna(0).astype(int)
    p["unit_id"] = p["staff_id"].map(staff.set_index("staff_id")["unit_id"])
    p = p.dropna(subset=["unit_id", *OUTCOMES])
    return p[["staff_id", "unit_id", "period", *OUTCOMES, "cohort"]].reset_index(drop=True)


def _before_after(panel: pd.DataFrame, outcome: str) -> tuple[float, int, int]:
    """Mean over the trained staff-years from g on of the level minus the level in g-1; (mean, staff, units)."""
    y = panel.set_index(["staff_id", "period"])[outcome]
    t = panel[(panel["cohort"] > 0) & (panel["period"] >= panel["cohort"])]
    base = y.reindex(pd.MultiIndex.from_arrays([t["staff_id"], t["cohort"] - 1])).to_numpy()
    keep = ~np.isnan(base)
    change = t[outcome].to_numpy(float)[keep] - base[keep]
    if not keep.any():
        return float("nan"), 0, 0
    beta, _ = _cluster_ols(change, np.ones((len(change), 1)), t["unit_id"].to_numpy()[keep])
    return float(beta[0]), int(t["staff_id"][keep].nunique()), int(t["unit_id"][keep].nunique())


def skp_effects(
    panel: pd.DataFrame, outcome: str, alpha: float = 0.05, dip_years: int = DIP_YEARS
) -> SkpEffect:
    """The effect of a first programme on one SKP level (``results_level`` or ``behaviour_level``).

    Examples
    --------
    >>> panel = skp_panel(performance, trainings, staff)  # doctest: +SKIP
    >>> skp_effects(panel, "results_level").verdict  # doctest: +SKIP
    'increase'
    """
    kw = dict(
        unit="staff_id", time="period", cohort="cohort", cluster="unit_id", alpha=alpha, n_boot=0,
        by_cohort_and_time=False,  # only the overall effect and the event study are read
    )  # fmt: skip
    # staff and units as integer codes, periods as plain integers: the same groups, and the panel checks and
    # csdid's grouping hash numbers instead of strings (Medan, both outcomes: 1.5 -> 0.75 s; equal results)
    panel = panel.assign(
        staff_id=pd.factorize(panel["staff_id"])[0],
        unit_id=pd.factorize(panel["unit_id"])[0],
        period=panel["period"].astype("int64"),
    )
    trained = panel.loc[panel["cohort"] > 0]
    n_trained, n_units = int(trained["staff_id"].nunique()), int(trained["unit_id"].nunique())
    try:
        # universal base (every pre-period against g - dip_years - 1): the event study HonestDiD needs; the
        # post-period cells and so the effect are those of the varying base
        res = did.estimate_did(panel, outcome, anticipation=dip_years, base_period="universal", **kw)
        plain = did.estimate_did(panel, outcome, anticipation=0, **kw)
    except did.DidInputError:
        res = plain = None
    naive, _, _ = _before_after(panel, outcome)
    if res is None:
        nan = float("nan")
        return SkpEffect(
            outcome, nan, nan, nan, nan, "too_little_data", ["no_estimate"], n_trained, n_units, naive,
            {}, {}, nan, pd.DataFrame(),
        )  # fmt: skip
    o = res.overall
    pre_p = res.pretrend["window_p_value"]
    failed = ["joint"] if np.isfinite(pre_p) and pre_p < alpha else []
    if o["ci_low"] > 0 or o["ci_high"] < 0:  # it can only make a confident verdict fragile
        trend = linear_trend(res, dip_years, alpha)
        # a straight-line trend before the dip, carried on, would explain the effect
        if trend["status"] == "ok" and trend["ci_low"] <= 0 <= trend["ci_high"]:
            failed.append("linear_trend")
    else:
        trend = {k: float("nan") for k in ("estimate", "ci_low", "ci_high")} | {"status": "not_needed"}
    v, reasons = verdict(o, n_trained, failed, min_treated=MIN_TRAINED)
    if n_units < MIN_CLUSTERS and v != "too_little_data":
        v, reasons = "too_little_data", ["few_units"]
    ev = res.event_study
    at = ev.set_index("event_time")
    dip = (
        {
            k: float(at.loc[-1, c])
            for k, c in (("estimate", "att"), ("ci_low", "ci_low"), ("ci_high", "ci_high"))
        }
        if -1 in at.index
        else {}
    )
    return SkpEffect(
        outcome=outcome,
        estimate=float(o["estimate"]),
        se=float(o["se"]),
        ci_low=float(o["ci_low"]),
        ci_high=float(o["ci_high"]),
        verdict=v,
        reasons=reasons,
        n_trained=n_trained,
        n_units=n_units,
        naive_before_after=naive,
        naive_did={k: float(plain.overall[k]) for k in ("estimate", "ci_low", "ci_high")},
        dip=dip,
        pretrend_p=float(pre_p),
        event_study=ev[["event_time", "att", "se", "ci_low", "ci_high"]].reset_index(drop=True),
        linear_trend=trend,
    )


def linear_trend(res: did.DidResult, dip_years: int = DIP_YEARS, alpha: float = 0.05) -> dict:
    """The effect if the trained staff's own trend before the dip had carried on: HonestDiD's smoothness
    restriction Delta^SD(M = 0) (Rambachan & Roth 2023, section 4.1; R's optimal fixed-length interval,
    :func:`analysis.methods.sensitivity.smoothness_flci`), which lets the difference in trends be any straight
    line through the pre-periods and extrapolates it.

    Why: staff chosen because their ratings keep falling (a lasting personal decline, not one bad year) break
    parallel trends in a way the pre-trend test often misses when the decline is gentle, and a null effect then
    looks like a decrease (tests/methods/test_performance_effects.py). When this interval contains zero while
    the headline excludes it, a straight-line trend could explain the effect and the verdict is "fragile"
    (reason ``linear_trend``).
    Relative magnitudes (the effects report's sensitivity) were measured too and not used here: with the dip
    year between the reference and the programme they call true effects of 9 standard errors fragile
    (breakdown 0.4-0.9 in 12 of 12 simulated cities).

    The event study has a universal base (reference e = -dip_years - 1, coefficient 0). Pre-periods: those
    before the reference, contiguous; post-periods from the dip years on (the dip is part of how staff are
    chosen, not a trend); the effect is the mean of e = 0 .. SENSITIVITY_YEARS - 1. Returns ``estimate`` (the
    interval's centre: that effect with the straight line taken out), ``ci_low``, ``ci_high`` and ``status``
    (ok | too_few_pre_periods | too_few_post_periods | singular).
    """
    nan = float("nan")
    ev = res.event_study.reset_index(drop=True)
    ref = -int(dip_years) - 1
    out = {"estimate": nan, "ci_low": nan, "ci_high": nan, "status": "ok"}
    if res.event_cov is None:
        return out | {"status": "too_few_pre_periods"}
    # yearly "bins" of one year: the pre-periods contiguous back from the reference, the post-periods from the
    # dip years on to e = SENSITIVITY_YEARS - 1 (the effects report's own binning, sensitivity.bin_event_study)
    beta, sigma, spans, n_pre = sensitivity.bin_event_study(
        ev, res.event_cov, ref, 1, len(ev), SENSITIVITY_YEARS + int(dip_years)
    )
    post = [first for first, _ in spans[n_pre:]]
    effect = [e for e in post if e >= 0]
    # a straight line needs two points before the programme: the reference and at least one pre-period
    if n_pre < 1:
        return out | {"status": "too_few_pre_periods"}
    if not effect:
        return out | {"status": "too_few_post_periods"}
    evals = np.linalg.eigvalsh(sigma)
    if evals.min() <= 1e-10 * max(evals.max(), 1e-300):
        return out | {"status": "singular"}
    l_vec = np.array([1.0 / len(effect) if e >= 0 else 0.0 for e in post])
    lo, hi = sensitivity.smoothness_flci(beta, sigma, n_pre, len(post), 0.0, l_vec, alpha)
    # the interval is centred on its own estimator (the effect with the straight line taken out), not on the
    # plain mean of e = 0, 1, which can lie outside it
    return out | {"estimate": float((lo + hi) / 2), "ci_low": float(lo), "ci_high": float(hi)}
