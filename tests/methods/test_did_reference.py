"""Replication of R `did` 2.5 on mpdta: ATT(g,t), the four aggregations, analytic SEs and the pre-test."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.methods import did

SCENARIOS = {
    "mpdta_nev_dr": {"control": "never_treated", "method": "dr"},
    "mpdta_nyt_dr": {"control": "not_yet_treated", "method": "dr"},
    "mpdta_nev_reg_cov": {"control": "never_treated", "method": "reg", "covariates": ["lpop"]},
    "mpdta_nev_ipw": {"control": "never_treated", "method": "ipw"},
}


@pytest.fixture(scope="module")
def mpdta(request):
    from conftest import SHARED

    if not (SHARED / "mpdta.csv").exists():
        pytest.skip(f"shared reference data not found at {SHARED}")
    df = pd.read_csv(SHARED / "mpdta.csv")
    df["cohort"] = df["first.treat"].replace(0, np.nan)
    return df


@pytest.fixture(scope="module")
def results(mpdta):
    return {
        name: did.estimate_did(mpdta, "lemp", unit="countyreal", time="year", n_boot=99, **kw)
        for name, kw in SCENARIOS.items()
    }


@pytest.fixture(scope="module")
def ref():
    from conftest import SHARED

    d = SHARED / "r_did_analytic"
    return {k: pd.read_csv(d / f"ref_{k}.csv") for k in ("attgt", "aggte", "pretest")}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_att_gt_and_analytic_se_equal_r(results, ref, scenario):
    r = ref["attgt"][ref["attgt"]["scenario"] == scenario].sort_values(["group", "t"])
    ours = results[scenario].att_gt.sort_values(["cohort", "time"])
    assert len(ours) == len(r)
    np.testing.assert_allclose(ours["att"], r["att"], atol=1e-10)
    np.testing.assert_allclose(ours["se"], r["se"], atol=1e-6)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_aggregations_equal_r(results, ref, scenario):
    a = ref["aggte"][ref["aggte"]["scenario"] == scenario]
    res = results[scenario]
    simple = a[a["type"] == "simple"].iloc[0]
    assert res.overall["estimate"] == pytest.approx(simple["overall_att"], abs=1e-10)
    assert res.overall["se"] == pytest.approx(simple["overall_se"], abs=1e-6)
    for kind, frame, col in (
        ("group", res.by_cohort, "cohort"),
        ("dynamic", res.event_study, "event_time"),
        ("calendar", res.by_time, "time"),
    ):
        r = a[a["type"] == kind].sort_values("egt")
        ours = frame.sort_values(col)
        np.testing.assert_allclose(ours[col], r["egt"])
        np.testing.assert_allclose(ours["att"], r["att_egt"], atol=1e-10)
        np.testing.assert_allclose(ours["se"], r["se_egt"], atol=1e-6)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_pretrend_wald_equals_r(results, ref, scenario):
    r = ref["pretest"].set_index("scenario").loc[scenario]
    assert results[scenario].pretrend["statistic"] == pytest.approx(r["W"], rel=1e-8)
    assert results[scenario].pretrend["p_value"] == pytest.approx(r["Wpval"], abs=1e-5)


def test_published_point_estimates_to_four_decimals(results):
    from conftest import SHARED

    pub = json.loads((SHARED / "mpdta_R_did_reference.json").read_text())
    res = results["mpdta_nev_dr"]
    for key, (att, _se) in pub["dr_noX_attgt__att_se"].items():
        g, t = map(int, key.split("-"))
        row = res.att_gt[(res.att_gt["cohort"] == g) & (res.att_gt["time"] == t)].iloc[0]
        assert round(row["att"], 4) == pytest.approx(att, abs=1e-9), key
    agg = pub["dr_noX_aggte__att_se"]
    assert round(res.overall["estimate"], 4) == pytest.approx(agg["simple"]["overall"][0], abs=1e-9)
    for e, (att, _se) in agg["dynamic"]["by"].items():
        row = res.event_study[res.event_study["event_time"] == int(e)].iloc[0]
        assert round(row["att"], 4) == pytest.approx(att, abs=1e-9)


def test_simultaneous_band_is_wider_than_pointwise_and_seeded(mpdta):
    a = did.estimate_did(mpdta, "lemp", unit="countyreal", time="year", n_boot=500, seed=3)
    b = did.estimate_did(mpdta, "lemp", unit="countyreal", time="year", n_boot=500, seed=3)
    es = a.event_study
    assert (es["band_high"] - es["band_low"] > es["ci_high"] - es["ci_low"]).all()
    pd.testing.assert_frame_equal(es, b.event_study)
    assert 2.2 < es.attrs["critical_value"] < 3.5


def test_second_implementation_agrees(mpdta):
    """diff-diff's Callaway-Sant'Anna gives the same overall ATT on mpdta as our csdid-based API."""
    dd = pytest.importorskip("diff_diff")
    ours = did.estimate_did(mpdta, "lemp", unit="countyreal", time="year", control="never_treated", n_boot=9)
    est = dd.CallawaySantAnna(control_group="never_treated", estimation_method="dr")
    res = est.fit(
        mpdta.assign(ft=mpdta["first.treat"]),
        outcome="lemp",
        unit="countyreal",
        time="year",
        first_treat="ft",
    )
    assert res.overall_att == pytest.approx(ours.overall["estimate"], abs=1e-8)


def test_band_critical_value_matches_csdids_own_bootstrap(mpdta):
    """Our single joint bootstrap and csdid's aggte (R's per-event-time path) estimate the same critical value."""
    import contextlib
    import io

    from csdid.att_gt import ATTgt

    ours = did.estimate_did(
        mpdta, "lemp", unit="countyreal", time="year", control="never_treated", n_boot=20000, seed=1
    )
    m = ATTgt(yname="lemp", gname="first.treat", idname="countyreal", tname="year", data=mpdta, biters=20000)
    with contextlib.redirect_stdout(io.StringIO()), did._seeded(2):
        m.fit(bstrap=False)
        m.aggte(typec="dynamic", bstrap=True, biters=20000, cband=True)
    assert ours.event_study.attrs["critical_value"] == pytest.approx(float(m.atte["crit_val_egt"]), abs=0.05)
    np.testing.assert_allclose(
        ours.event_study["band_high"] - ours.event_study["att"],
        ours.event_study.attrs["critical_value"] * np.ravel(m.atte["se_egt"]),
        rtol=0.08,
    )
