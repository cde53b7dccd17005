"""Demo data: deterministic, valid against the contracts, and described truthfully by truth.json."""

from __future__ import annotations

import hashlib
import io
import json

import numpy as np
import pandas as pd
import pytest

from analysis.data import load, reference
from analysis.demo import synth

pytestmark = pytest.mark.integration  # generates demo data


def test_same_seed_gives_byte_identical_files(demo_kendari, tmp_path):
    again = tmp_path / "kendari"
    synth.write_city("kendari", again)
    for f in sorted(demo_kendari.iterdir()):
        assert (
            hashlib.sha256(f.read_bytes()).digest() == hashlib.sha256((again / f.name).read_bytes()).digest()
        ), f.name


def test_other_seed_differs(tmp_path):
    a = synth.generate("banda-aceh", seed=1, volume_scale=0.01)
    b = synth.generate("banda-aceh", seed=2, volume_scale=0.01)
    assert not a.tables["rollout"].equals(b.tables["rollout"])


def test_demo_data_pass_the_contracts(demo_kendari):
    data = load.read_city(demo_kendari)
    assert [p for p in data.problems if p.severity == "error"] == []


@pytest.fixture(scope="module")
def truth(demo_kendari):
    return json.loads((demo_kendari / "truth.json").read_text())


def test_truth_cohorts_match_rollout(demo_kendari, truth):
    rollout = pd.read_csv(demo_kendari / "rollout.csv", keep_default_na=False)
    for g, units in truth["cohorts"].items():
        assert sorted(rollout.loc[rollout["programme_start"] == g, "unit_id"]) == units
    assert sorted(rollout.loc[rollout["programme_start"] == "", "unit_id"]) == truth["never_treated"]
    assert 3 <= len(truth["cohorts"]) <= 5 and truth["never_treated"]


def test_effects_are_modest(truth):
    wait = truth["effects"]["median_wait_minutes"]
    assert all(0.10 <= p <= 0.20 for p in wait["effect_pct_by_cohort"].values())
    assert all(2 <= p <= 5 for p in truth["effects"]["ikm"]["points_by_cohort"].values())
    assert -8 < wait["overall"] < -2


def test_observed_medians_follow_the_truth_panel(demo_kendari):
    """The visit log's unit-month medians scatter around the truth's expected medians, with no bias."""
    visits = pd.read_parquet(demo_kendari / "service_visits.parquet")
    visits = visits[visits["served_at"].notna()]
    visits["wait"] = (visits["served_at"] - visits["arrived_at"]).dt.total_seconds() / 60
    visits["month"] = visits["arrived_at"].dt.to_period("M").astype(str)
    obs = visits.groupby(["unit_id", "month"])["wait"].median().rename("observed")
    tp = pd.read_parquet(demo_kendari / "truth_panel.parquet").set_index(["unit_id", "month"])
    joined = tp.join(obs, how="inner")
    ratio = joined["observed"] / joined["median_wait_expected"]
    assert abs(np.median(ratio) - 1) < 0.02
    assert np.corrcoef(joined["observed"], joined["median_wait_expected"])[0, 1] > 0.9
    # treated unit-months carry the effect, untreated ones none
    assert (joined.loc[joined["event_time"] < 0, "wait_effect_minutes"] == 0).all()
    assert (joined.loc[joined["event_time"] >= 0, "wait_effect_minutes"] < 0).all()


def test_selection_early_adopters_wait_less(demo_kendari, truth):
    tp = pd.read_parquet(demo_kendari / "truth_panel.parquet")
    base = tp[tp["period"] == 1].set_index("unit_id")["median_wait_untreated"]
    first = list(truth["cohorts"])[0]
    assert base[truth["cohorts"][first]].mean() < base[truth["never_treated"]].mean()


def test_missing_months_and_survey_nonresponse_exist(demo_kendari):
    visits = pd.read_parquet(demo_kendari / "service_visits.parquet", columns=["unit_id", "arrived_at"])
    cells = visits.assign(m=visits["arrived_at"].dt.to_period("M")).groupby(["unit_id", "m"]).size()
    n_units = visits["unit_id"].nunique()
    assert len(cells) < n_units * 36
    survey = pd.read_csv(demo_kendari / "satisfaction_responses.csv")
    assert survey["pengaduan"].isna().mean() > 0.1
    assert (
        survey.groupby("unit_id")["surveyed_on"].apply(lambda s: pd.PeriodIndex(s, freq="Q").nunique()).min()
        < 12
    )


def test_profile_membership_matches_assessed_shortfalls(demo_kendari, truth):
    staff = pd.read_csv(demo_kendari / "staff.csv", dtype={"nip": str})
    member = np.array(truth["staff_profiles"]["membership"])
    assert len(member) == len(staff)
    ca = pd.read_csv(demo_kendari / "competency_assessments.csv", dtype={"nip": str})
    ca["shortfall"] = (ca["level_required"] - ca["level_assessed"]).clip(lower=0)
    profile = pd.Series(member, index=staff["nip"])
    ca["profile"] = ca["nip"].map(profile)
    assert (ca["profile"] >= 0).all()
    means = ca.pivot_table(index="profile", columns="competency", values="shortfall")
    for k, name in enumerate(truth["staff_profiles"]["names"]):
        short = truth["staff_profiles"]["shortfall_competencies"][name]
        for comp in means.columns:
            if comp in short:
                assert means.loc[k, comp] > 0.7
            else:
                assert means.loc[k, comp] < 0.1


def test_skp_predicates_follow_matrix_and_org_rules(demo_kendari, truth):
    perf = pd.read_csv(demo_kendari / "performance.csv", dtype={"nip": str})
    lookup = reference.skp_predicate_lookup()
    assert (
        perf.apply(lambda r: lookup[(r.results_rating, r.behaviour_rating)], axis=1) == perf["predicate"]
    ).all()
    staff = pd.read_csv(demo_kendari / "staff.csv", dtype={"nip": str})
    units = pd.read_csv(demo_kendari / "units.csv")
    agency = staff.set_index("nip")["unit_id"].map(units.set_index("unit_id")["agency"])
    perf["agency"] = perf["nip"].map(agency)
    rules = reference.table("org_predicate_rules")
    for (a, _), g in perf.groupby(["agency", "period"]):
        org = truth["org_predicates"][a]
        for r in rules[rules["org_predicate"] == org].itertuples():
            share = g["predicate"].isin(r.predicate.split("|")).mean()
            assert r.min_share <= share <= r.max_share, (a, org, r.note, share)


def test_demo_data_if_missing_skips_present_cities_and_leaves_them_untouched(tmp_path, capsys):
    """`make reports` runs `demo-data --if-missing` every time: present cities of this generator version are
    skipped, not regenerated."""
    from analysis import cli
    from analysis.config import DEMO_VERSION

    current = json.dumps({"generator": DEMO_VERSION})
    for city in ("kendari", "bengkulu", "banda-aceh", "medan"):
        (tmp_path / city).mkdir()
        (tmp_path / city / "truth.json").write_text(current)
    assert cli.main(["demo-data", "--if-missing", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.count("(skipped)") == 4
    assert all((tmp_path / c / "truth.json").read_text() == current for c in ("kendari", "medan"))
    assert sorted(p.name for p in (tmp_path / "kendari").iterdir()) == ["truth.json"]


def test_demo_data_if_missing_regenerates_data_of_an_older_generator(tmp_path, capsys):
    """Demo data written before the cities got their imperfections (no "generator" in truth.json) are
    regenerated: an old Medan log would hide what its report must show."""
    from analysis import cli

    (tmp_path / "kendari").mkdir()
    (tmp_path / "kendari" / "truth.json").write_text("{}")
    assert (
        cli.main(
            [
                "demo-data",
                "--if-missing",
                "--city",
                "kendari",
                "--volume-scale",
                "0.01",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert "(skipped)" not in capsys.readouterr().out
    assert json.loads((tmp_path / "kendari" / "truth.json").read_text())["imperfection"][
        "description"
    ].startswith("none")


def test_planted_deterioration_is_in_the_data_as_truth_json_says(demo_kendari, truth):
    """The slowing units' median wait in the last month is about 60% of their standard above their median the
    year before the rise (measured in the served waits of the log, which truth_panel agrees with); the walk-out
    unit's last month has about 20% walk-outs; the collapsed unit's answers on perilaku in the last two quarters
    average about 1.58."""
    visits = pd.read_parquet(demo_kendari / "service_visits.parquet")
    visits["month"] = visits["arrived_at"].dt.to_period("M")
    visits["wait"] = (visits["served_at"] - visits["arrived_at"]).dt.total_seconds() / 60
    tp = pd.read_parquet(demo_kendari / "truth_panel.parquet").set_index(["unit_id", "month"])
    standards = reference.table("unit_types").set_index("unit_type")["standard_minutes"]
    units = pd.read_csv(demo_kendari / "units.csv").set_index("unit_id")
    planted = {p["reason"]: [] for p in truth["monitoring"]["planted"]}
    for p in truth["monitoring"]["planted"]:
        planted[p["reason"]].append(p["unit_id"])
    assert [len(planted[r]) for r in ("wait_getting_worse", "walkouts_rising", "unsur_low")] == [3, 1, 1]
    for unit in planted["wait_getting_worse"]:
        logged = visits[(visits["unit_id"] == unit) & (visits["month"] >= pd.Period("2025-11", "M"))]
        month = str(logged["month"].max())  # December, or November when December was an outage
        last = logged[logged["month"] == pd.Period(month, "M")]
        standard = standards[units.at[unit, "unit_type"]]
        expected = tp.loc[(unit, month), "median_wait_expected"]
        assert last["wait"].median() == pytest.approx(expected, rel=0.25), unit  # about 25 visits a month
        assert expected - tp.loc[(unit, month), "median_wait_untreated"] == pytest.approx(
            tp.loc[(unit, month), "wait_effect_minutes"]
        )  # the rise hits both potential outcomes: the programme's effect is unchanged
        assert standard * 0.5 <= expected  # the rise alone is 50-60% of the standard in these months
    (unit,) = planted["walkouts_rising"]
    last = visits[(visits["unit_id"] == unit) & (visits["month"] == pd.Period("2025-12", "M"))]
    assert last["served_at"].isna().mean() == pytest.approx(0.20, abs=0.05)
    (unit,) = planted["unsur_low"]
    survey = pd.read_csv(demo_kendari / "satisfaction_responses.csv", parse_dates=["surveyed_on"])
    recent = survey[(survey["unit_id"] == unit) & (survey["surveyed_on"] >= "2025-07-01")]
    assert recent["perilaku"].mean() == pytest.approx(1.58, abs=0.2)
    assert set(truth["monitoring"]["true_status"][unit]) >= {"unsur_low"}


def test_planting_changes_no_other_unit(demo_kendari, truth, monkeypatch):
    """The deterioration is drawn on a random stream of its own: generated without it, every other unit's visits
    and answers, and every other table, are the same."""
    monkeypatch.setattr(
        synth, "DETERIORATION", {k: {**v, "units": 0} for k, v in synth.DETERIORATION.items()}
    )
    plain = synth.generate("kendari")
    changed = {p["unit_id"] for p in truth["monitoring"]["planted"]}
    visits = pd.read_parquet(demo_kendari / "service_visits.parquet")
    keep = ~visits["unit_id"].isin(changed)

    def same_resolution(frame):
        return frame.reset_index(drop=True).astype(
            {c: "datetime64[s]" for c in ("arrived_at", "served_at", "completed_at")}
        )

    pd.testing.assert_frame_equal(
        same_resolution(visits[keep]), same_resolution(plain.visits[~plain.visits["unit_id"].isin(changed)])
    )
    assert len(visits) == len(plain.visits)
    survey = pd.read_csv(demo_kendari / "satisfaction_responses.csv")
    other = plain.tables["satisfaction_responses"]
    pd.testing.assert_frame_equal(
        survey[~survey["unit_id"].isin(changed)].reset_index(drop=True),
        pd.read_csv(io.StringIO(other[~other["unit_id"].isin(changed)].to_csv(index=False))),
    )
    for name in ("units", "rollout", "staff", "competency_assessments", "trainings", "performance"):
        written = (demo_kendari / f"{name}.csv").read_text()
        assert plain.tables[name].to_csv(index=False, lineterminator="\n") == written, name
