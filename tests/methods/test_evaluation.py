"""Verdicts on data that break the assumptions (known truth): a drift of early adopters with a true null
effect, anticipation, queue logs that start with the programme, no never-treated units, a small city; and
the verdict rules themselves."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from analysis.demo import synth
from analysis.methods import evaluation

S = synth.Scenario
OUTCOME = "median_wait_minutes"


def draws(scenario: synth.Scenario, n: int, first_seed: int, **kw):
    """(evaluation, truth) for n Monte Carlo panels; the headline path of the report without robustness
    re-fits or bootstrap bands (and without the sensitivity analysis where only the estimate is checked:
    ``sensitivity=False``)."""
    out = []
    with threadpool_limits(1):
        for seed in range(first_seed, first_seed + n):
            panel, truth = synth.monte_carlo_wait_panel("kendari", seed=seed, scenario=scenario)
            ev = evaluation.evaluate_outcome(
                panel,
                OUTCOME,
                "month",
                n_boot=0,
                robustness=False,
                anticipation=kw.get("anticipation", 0),
                with_sensitivity=kw.get("sensitivity", True),
            )
            out.append((ev, panel.attrs["truth_identified"] if kw.get("identified") else truth))
    return out


@pytest.mark.slow
def test_drift_with_a_null_effect_is_not_called_a_decrease():
    """Early adopters drift -0.3 min/month, the programme does nothing (40 draws). Before this check existed
    the verdict was 'decrease' in 100% of draws; now at most 20% may be (measured: see the assertion)."""
    results = draws(S(trend=-0.3, effect_scale=0.0), 40, first_seed=100)
    verdicts = [ev.verdict for ev, _ in results]
    assert np.mean([v == "decrease" for v in verdicts]) <= 0.20, verdicts
    assert np.mean([v == "fragile" for v in verdicts]) >= 0.6, verdicts  # said, not only avoided


@pytest.mark.slow
def test_anticipation_set_correctly_restores_coverage():
    """The effect starts 2 months early; with anticipation=2 the 95% interval covers the truth in at least
    90% of 60 draws (SE 2.8 points at a true 95%)."""
    results = draws(S(anticipation=2), 60, first_seed=200, anticipation=2, sensitivity=False)
    covered = [ev.headline["ci_low"] <= truth <= ev.headline["ci_high"] for ev, truth in results]
    assert np.mean(covered) >= 0.90, np.mean(covered)


@pytest.mark.slow
def test_queue_logs_that_start_with_the_programme_do_not_bias_the_headline():
    """The 8 slowest treated units have no log before their start. Callaway-Sant'Anna's unbalanced path errs
    by about +3 minutes on a -4 effect; the headline (imputation, chosen because the panel is unbalanced) must
    err by less than 25% of the effect on average over 30 draws."""
    results = draws(S(late_log=8), 30, first_seed=300, sensitivity=False)
    assert all(ev.estimator == "imputation" and ev.estimator_reason == "unbalanced" for ev, _ in results)
    bias = np.mean([ev.headline["estimate"] - truth for ev, truth in results])
    effect = np.mean([truth for _, truth in results])
    assert abs(bias) < 0.25 * abs(effect), (bias, effect)
    cs_bias = np.mean([ev.result.overall["estimate"] - truth for ev, truth in results])
    assert cs_bias > abs(bias), (cs_bias, bias)  # the failure the choice of estimator avoids


@pytest.mark.slow
def test_no_never_treated_units_is_not_too_little_data():
    """Every unit joins in some wave: not-yet-treated units are the comparison. The verdict follows the
    interval, and the months after the last wave's start (no comparison left) are named."""
    ((ev, truth),) = draws(S(never_share=0.0), 1, first_seed=400, identified=True)
    assert ev.verdict == "decrease", (ev.verdict, ev.reasons, ev.headline)
    assert ev.headline["ci_low"] <= truth <= ev.headline["ci_high"], (ev.headline, truth)
    assert ev.unidentified.get("periods"), ev.unidentified  # months from the last wave's start on
    assert ev.unidentified.get("cohorts") == ["25"], (
        ev.unidentified
    )  # the last wave (period 25) has no comparison


@pytest.mark.slow
def test_small_city_is_too_little_data_or_honest():
    """About 15 units (10 treated): whatever the verdict, it is never confidently wrong in sign."""
    results = draws(S(n_units=15), 10, first_seed=500)
    for ev, truth in results:
        if ev.verdict in ("decrease", "increase"):
            assert np.sign(ev.headline["estimate"]) == np.sign(truth)
        assert ev.verdict in evaluation.VERDICTS


@pytest.mark.parametrize(
    ("ci", "failed", "n_treated", "expected"),
    [
        ((-5.0, -1.0), [], 50, ("decrease", [])),
        ((1.0, 5.0), [], 50, ("increase", [])),
        ((-5.0, -1.0), ["trend"], 50, ("fragile", ["trend"])),
        ((-1.0, 1.0), [], 50, ("no_detectable_change", [])),
        ((-1.0, 1.0), ["trend"], 50, ("no_detectable_change", [])),
        ((-9.0, 9.0), [], 50, ("too_little_data", ["imprecise"])),
        ((-5.0, -1.0), [], 6, ("too_little_data", ["few_treated"])),
    ],
)
def test_verdict_rules(ci, failed, n_treated, expected):
    headline = {"estimate": sum(ci) / 2, "ci_low": ci[0], "ci_high": ci[1]}
    assert evaluation.verdict(headline, n_treated, failed, meaningful=3.5) == expected


def test_no_estimate_is_too_little_data():
    assert evaluation.verdict(None, 50, []) == ("too_little_data", ["no_estimate"])


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"estimator": "cs"}, "estimator must be one of"),
        ({"anticipation": -1}, "anticipation must be a whole number"),
        ({"anticipation": 1.5}, "anticipation must be a whole number"),
        ({"cluster": "kecamatan"}, "'kecamatan' is not a column"),
        ({"covariates": ["size"]}, "covariates must be among"),
        ({"covariates": "unit_size"}, "covariates must be a list"),
        ({"covariates": ["baseline"]}, "covariates must be among"),
        ({"covariates": ["unit_size"]}, "needs visit counts"),
    ],
)
def test_bad_options_are_refused(kw, message):
    panel, _ = synth.monte_carlo_wait_panel("kendari", seed=1)
    with pytest.raises(ValueError, match=message):
        evaluation.evaluate_outcome(panel, OUTCOME, "month", n_boot=0, robustness=False, **kw)


def test_cluster_by_agency_widens_the_interval():
    """Clustering by agency (units share managers and budgets) is honoured by the headline estimate."""
    panel, _ = synth.monte_carlo_wait_panel("kendari", seed=1)
    by_unit = evaluation.evaluate_outcome(panel, OUTCOME, "month", n_boot=0, robustness=False)
    by_agency = evaluation.evaluate_outcome(
        panel, OUTCOME, "month", n_boot=0, robustness=False, cluster="agency"
    )
    assert by_agency.cluster == "agency"
    assert by_agency.headline["estimate"] == pytest.approx(by_unit.headline["estimate"])
    tidy = by_agency.tidy()  # the headline first, then both estimators: the same numbers as the attributes
    assert tidy.iloc[0]["term"] == "headline" and tidy.iloc[0]["se"] == by_agency.headline["se"]
    assert (
        set(tidy["term"]) >= {"headline", "callaway_santanna", "imputation"}
        and (tidy["outcome"] == OUTCOME).all()
    )
    pt = by_agency.pretests.tidy()
    assert (
        list(pt["test"]) == ["trend", "joint"]
        and pt.set_index("test").at["joint", "p_value"] == by_agency.pretests.joint["p_value"]
    )
    city = evaluation.CityEvaluation("kendari", panel, None, outcomes={OUTCOME: by_agency})
    assert city.tidy().iloc[0][["outcome", "verdict", "estimate"]].tolist() == [
        OUTCOME,
        by_agency.verdict,
        by_agency.headline["estimate"],
    ]
    assert by_agency.headline["se"] != pytest.approx(by_unit.headline["se"])


@pytest.mark.slow
def test_null_effect_is_rarely_called_a_change():
    """The programme does nothing and every assumption holds (40 draws): 'decrease' or 'increase' at most 10%
    of the time (a 95% interval excludes zero about 5% of the time; measured when written: 1 of 30)."""
    results = draws(S(effect_scale=0.0), 40, first_seed=600)
    verdicts = [ev.verdict for ev, _ in results]
    assert np.mean([v in ("decrease", "increase") for v in verdicts]) <= 0.10, verdicts
    assert np.mean([v == "no_detectable_change" for v in verdicts]) >= 0.8, verdicts


def test_cluster_by_kecamatan_with_city_wide_units():
    """Units of one kecamatan share a cluster; a unit without one (a city-wide office) is its own cluster."""
    panel, _ = synth.monte_carlo_wait_panel("kendari", seed=1)
    codes = pd.factorize(panel["unit_id"])[0]
    panel["kecamatan"] = np.where(codes % 10 == 9, None, "Kecamatan " + (codes % 5).astype(str))
    ev = evaluation.evaluate_outcome(panel, OUTCOME, "month", n_boot=0, robustness=False, cluster="kecamatan")
    filled = evaluation.fill_clusters(panel, "kecamatan")
    assert (
        filled["kecamatan"].nunique() == 5 + (codes[panel.drop_duplicates("unit_id").index] % 10 == 9).sum()
    )
    assert ev.cluster == "kecamatan" and ev.headline is not None
    assert ev.pretests.n_clusters == filled["kecamatan"].nunique()


def _size_trend_panel(seed: int, effect: float = -3.0) -> tuple[pd.DataFrame, float]:
    """Parallel trends hold only given unit size: larger units slow down by 0.15 min/month per SD of log size
    whatever the programme does, and larger units join earlier. 120 units, 36 months, waves at 13/19/25."""
    rng = np.random.default_rng([seed, 11])
    n, t = 120, np.arange(1, 37)
    size = rng.normal(0, 1, n)
    rank = np.argsort(np.argsort(-size + rng.normal(0, 0.7, n)))  # larger units tend to come first
    cohort = np.select([rank < 30, rank < 60, rank < 90], [13.0, 19.0, 25.0], np.nan)
    y = (
        30
        + rng.normal(0, 4, (n, 1))
        + np.sin(t / 4)
        + 0.15 * size[:, None] * t
        + effect * (t[None, :] >= np.nan_to_num(cohort, nan=99)[:, None])
        + rng.normal(0, 2, (n, len(t)))
    )
    visits = np.exp(3 + 0.5 * size[:, None] + rng.normal(0, 0.05, (n, len(t))))
    u, tt = np.meshgrid(np.arange(n), np.arange(len(t)), indexing="ij")
    panel = pd.DataFrame(
        {
            "unit_id": u.ravel(),
            "period": tt.ravel() + 1,
            "cohort": cohort[u.ravel()],
            OUTCOME: y.ravel(),
            "visits": visits.ravel(),
        }
    )
    return panel, effect


@pytest.mark.slow
def test_conditional_parallel_trends_with_the_unit_size_covariate():
    """On the size-trend DGP (10 draws) the unconditional headline is biased by more than 1.5 minutes; with
    ``covariates=[unit_size]`` (size measured before the first wave) the bias is under 0.5 and the 95%
    interval covers the truth in at least 8 of 10 draws."""
    plain, cond, covered = [], [], 0
    with threadpool_limits(1):
        for seed in range(10):
            panel, effect = _size_trend_panel(seed)
            kw = {"n_boot": 0, "robustness": False, "with_sensitivity": False}
            a = evaluation.evaluate_outcome(panel, OUTCOME, "month", **kw)
            b = evaluation.evaluate_outcome(panel, OUTCOME, "month", covariates=["unit_size"], **kw)
            plain.append(a.headline["estimate"] - effect)
            cond.append(b.headline["estimate"] - effect)
            covered += b.headline["ci_low"] <= effect <= b.headline["ci_high"]
    assert abs(np.mean(plain)) > 1.5, np.mean(plain)
    assert abs(np.mean(cond)) < 0.5, np.mean(cond)
    assert covered >= 8, covered
