"""Bad DiD input gets a clear error or a warning in the result, never a crash from deep inside."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.methods import did
from analysis.report import i18n


def panel(n_units=40, n_periods=8, cohorts=(4, 6), never=True, seed=0, effect=-2.0):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_units):
        g = cohorts[i % len(cohorts)] if (not never or i % 3) else np.nan
        a = rng.normal(30, 5)
        for t in range(1, n_periods + 1):
            y = a + 0.5 * t + rng.normal(0, 1) + (effect if not np.isnan(g) and t >= g else 0.0)
            rows.append((f"u{i}", t, g, y))
    return pd.DataFrame(rows, columns=["unit_id", "period", "cohort", "y"])


def test_recovers_a_simple_effect():
    res = did.estimate_did(panel(n_units=90), "y", n_boot=50)
    assert res.overall["ci_low"] < -2.0 < res.overall["ci_high"]
    tidy = res.tidy()  # broom style: the overall effect, then one row per event time
    assert tidy.iloc[0].to_dict() == {
        "term": "overall",
        **{k: res.overall[k] for k in ("estimate", "se", "ci_low", "ci_high")},
    }
    assert len(tidy) == 1 + len(res.event_study) and tidy["term"].iloc[1:].str.startswith("event:").all()


def test_no_comparison_group_is_a_clear_error():
    with pytest.raises(did.DidInputError, match="no comparison group") as err:
        did.estimate_did(panel(cohorts=(4,), never=False), "y")
    assert err.value.reason == "no_comparison"  # what a report shows, in its language


def test_never_treated_control_without_never_treated_units():
    with pytest.raises(did.DidInputError, match="no unit is never treated") as err:
        did.estimate_did(panel(never=False), "y", control="never_treated")
    assert err.value.reason == "no_never_treated"


def test_non_integer_periods():
    p = panel()
    p["period"] = p["period"] + 0.5
    with pytest.raises(did.DidInputError, match="integer periods"):
        did.estimate_did(p, "y")


def test_duplicate_unit_periods():
    p = panel()
    with pytest.raises(did.DidInputError, match=r"share a \(unit_id, period\) pair"):
        did.estimate_did(pd.concat([p, p.head(1)]), "y")


def test_single_unit_cohort_is_warned():
    p = panel(n_units=60)
    p.loc[p["unit_id"] == "u1", "cohort"] = 7
    res = did.estimate_did(p, "y", n_boot=20)
    assert any("single unit" in w for w in i18n.did_notes(res, "en"))
    # the report reads the same note in its language, with the cohort named
    assert any(t.startswith("gelombang 7 hanya berisi satu unit") for t in i18n.did_notes(res, "id"))


def test_always_treated_units_are_dropped_with_a_warning():
    p = panel(n_units=60)
    p.loc[p["unit_id"] == "u1", "cohort"] = 1
    res = did.estimate_did(p, "y", n_boot=20)
    assert any("treated from the first period" in w for w in i18n.did_notes(res, "en"))


def test_missing_column_and_bad_options():
    with pytest.raises(did.DidInputError, match="lacks column"):
        did.estimate_did(panel(), "waiting")
    with pytest.raises(did.DidInputError, match="control must be") as err:
        did.estimate_did(panel(), "y", control="everyone")
    assert err.value.reason == ""  # a programming error: no report text


def test_twfe_contrast_and_leave_one_out_run():
    p = panel(n_units=90)
    tw = did.twfe_event_study(p, "y", window=(-3, 4))
    assert set(tw.columns) >= {"event_time", "att", "se"} and -1 not in tw["event_time"].tolist()
    loo = did.leave_one_cohort_out(p, "y")
    assert len(loo) == 2 and loo["estimate"].between(-3, -1).all()


def test_mde_shrinks_with_more_units():
    p = panel(n_units=90, effect=0.0)
    small = did.minimum_detectable_effect(p, "y", 10, 10)["mde"]
    large = did.minimum_detectable_effect(p, "y", 100, 100)["mde"]
    assert large == pytest.approx(small / np.sqrt(10), rel=1e-6)


def test_placebo_adoption_dates_find_nothing():
    res = did.placebo(panel(n_units=90, n_periods=12, cohorts=(8, 10)), "y", shift=3)
    assert res["ci_low"] < 0 < res["ci_high"]


def test_percent_effect_of_a_proportional_change():
    rng = np.random.default_rng(1)
    p = panel(n_units=120, effect=0.0)
    p["y"] = np.exp(
        np.log(30)
        + rng.normal(0, 0.05, len(p))
        + 0.01 * p["period"]
        - 0.15 * (p["cohort"].notna() & (p["period"] >= p["cohort"]))
    )
    res = did.percent_effect(p, "y")
    assert res["ci_low"] < 100 * (np.exp(-0.15) - 1) < res["ci_high"]


def test_by_group_flags_thin_groups():
    p = panel(n_units=90)
    p["sector"] = np.where(p["unit_id"].isin(["u1", "u2", "u4"]), "licensing", "health")
    out = did.by_group(p, "y", "sector", min_units=10).set_index("sector")
    assert out.loc["licensing", "note"] == "fewer than 10 units: too thin"
    assert out.loc["health", "ci_low"] < -2.0 < out.loc["health", "ci_high"]


def test_dose_groups_recover_a_dose_gradient():
    p = panel(n_units=150, effect=0.0)
    dose = pd.Series(np.linspace(0, 30, 150), index=[f"u{i}" for i in range(150)])
    post = p["cohort"].notna() & (p["period"] >= p["cohort"])
    p.loc[post, "y"] -= 0.1 * p.loc[post, "unit_id"].map(dose)  # 0.1 minutes less per JP
    out = did.by_dose(p, "y", dose, bins=3)
    assert list(out["dose_group"]) == ["Q1", "Q2", "Q3"]
    assert out["estimate"].is_monotonic_decreasing
    expected = -0.1 * out["dose_mean"]
    assert ((out["ci_low"] < expected) & (expected < out["ci_high"])).all()


def test_units_needed_gives_an_mde_at_the_target():
    p = panel(n_units=90, effect=0.0)
    n = did.units_needed(p, "y", effect=1.0)
    split = round(n * 0.5)
    assert did.minimum_detectable_effect(p, "y", split, n - split)["mde"] <= 1.0 + 1e-9
    smaller = round((n - 1) * 0.5)
    assert did.minimum_detectable_effect(p, "y", smaller, n - 1 - smaller)["mde"] > 1.0


def test_fast_overall_effect_is_the_same_estimator():
    """diff-diff (robustness re-fits) and csdid (headline) agree: equal estimates; equal SEs on a balanced
    panel, and on an unbalanced one the SE differs by exactly the cluster factor sqrt(G/(G-1))."""
    p = panel(n_units=90, n_periods=10, cohorts=(4, 6, 8))
    main = did.estimate_did(p, "y", n_boot=0)
    fast = did.overall_effect(p, "y")
    assert fast["estimate"] == pytest.approx(main.overall["estimate"], abs=1e-10)
    assert fast["se"] == pytest.approx(main.overall["se"], rel=1e-8)
    holes = p.drop(index=p.sample(frac=0.05, random_state=1).index)
    main = did.estimate_did(holes, "y", n_boot=0)
    fast = did.overall_effect(holes, "y")
    g = holes["unit_id"].nunique()
    assert fast["estimate"] == pytest.approx(main.overall["estimate"], abs=1e-10)
    assert fast["se"] == pytest.approx(main.overall["se"] * np.sqrt(g / (g - 1)), rel=1e-6)


@pytest.mark.parametrize("control", ["never_treated", "not_yet_treated"])
def test_without_covariates_the_fast_path_equals_csdid_doubly_robust(control):
    """estimate_did runs csdid's outcome-regression path when there are no covariates; on balanced and
    unbalanced panels every ATT(g,t) and its SE equal csdid's own doubly-robust fit."""
    from csdid.att_gt import ATTgt

    p = panel(n_units=60, n_periods=9, cohorts=(4, 6, 8))
    for df in (p, p.drop(index=p.sample(frac=0.05, random_state=2).index)):
        ours = did.estimate_did(df, "y", control=control, n_boot=0).att_gt
        data = df.assign(id=pd.factorize(df["unit_id"])[0] + 1, g=df["cohort"].fillna(0))
        dr = ATTgt(
            yname="y",
            tname="period",
            idname="id",
            gname="g",
            data=data,
            control_group=did.CONTROLS[control],
            allow_unbalanced_panel=len(df) < len(p),
        )
        dr.fit(est_method="dr", bstrap=False)
        assert np.allclose(ours["att"], dr.results["att"], atol=1e-10, equal_nan=True)
        assert np.allclose(ours["se"], dr.results["se"], rtol=1e-8, equal_nan=True)
