"""Training plan from competency shortfalls, and the 20 JP a year development right.

Eligibility is individual: a staff member is eligible for a competency's programme when they are at least one
level short on it (gap <= -1); the staff groups only bundle and plan. The programme chosen per competency is a
fixed rule on the catalogue (data/reference/training_catalogue.csv): one level short -> the cheapest
non-classroom programme (coaching, mentoring, e-learning, on-the-job); two or more -> the classroom programme.
Each PNS has the right and duty to at least 20 JP of competency development a year (PP 11/2017 jo. PP 17/2020,
Peraturan LAN 10/2018); classroom and non-classroom forms both count.

The plan knows history and uncertainty (:func:`with_history`): an enrolment is dropped when the staff member
already started a programme for that competency on or after the assessment that found the shortfall (the new
skill is not yet measured; planning it again pays twice); a one-level shortfall is *confirm first*
(re-assessment or on-the-job before any course) when it is the person's only shortfall, or when their staff
group is uncertain (largest latent-class probability below 0.8): one level is within assessment error; and the
plan is ordered so that the staff furthest below their 20 JP this year come first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data import reference

JP_PER_YEAR = 20


def catalogue() -> pd.DataFrame:
    return reference.table("training_catalogue")


def programme_for(competency: str, shortfall_levels: int, cat: pd.DataFrame | None = None) -> pd.Series:
    """The catalogue row assigned to a shortfall of ``shortfall_levels`` on ``competency``."""
    cat = catalogue() if cat is None else cat
    options = cat[cat["competency"] == competency]
    if options.empty:
        raise KeyError(f"no programme for competency {competency!r} in the training catalogue")
    if shortfall_levels >= 2 and (options["mode"] == "classroom").any():
        return options[options["mode"] == "classroom"].iloc[0]
    non_class = options[options["mode"] != "classroom"]
    pool = non_class if not non_class.empty else options
    return pool.sort_values(["unit_cost_idr", "training_code"]).iloc[0]


def enrolments(gaps: pd.DataFrame, cat: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per eligible staff x competency: the programme, its mode, JP and cost. A shortfall on a
    competency the catalogue has no programme for (an instansi's own competency) is not planned:
    :func:`without_programme` lists those."""
    cat = catalogue() if cat is None else cat
    long = (
        gaps.rename_axis("staff_id")
        .reset_index()
        .melt(id_vars="staff_id", var_name="competency", value_name="gap")
    )
    long = long[(long["gap"] <= -1) & long["competency"].isin(cat["competency"])].copy()
    long["shortfall"] = (-long["gap"]).astype(int)
    key = pd.MultiIndex.from_frame(long[["competency", "shortfall"]])
    chosen = pd.Series({k: programme_for(*k, cat).name for k in key.unique()}, dtype=object)  # catalogue rows
    picked = cat.loc[
        chosen.reindex(key).to_numpy(), ["training_code", "name", "mode", "hours_jp", "unit_cost_idr"]
    ]
    for col in picked.columns:
        long[col] = picked[col].to_numpy()
    return long.rename(columns={"unit_cost_idr": "cost_idr"}).reset_index(drop=True)


def without_programme(gaps: pd.DataFrame, cat: pd.DataFrame | None = None) -> pd.DataFrame:
    """Shortfalls (staff_id, competency, shortfall) on competencies the catalogue has no programme for: the
    plan cannot cost them; the report names the competencies so a planner can add programmes."""
    cat = catalogue() if cat is None else cat
    long = gaps.rename_axis("staff_id").reset_index().melt(id_vars="staff_id", var_name="competency")
    long = long[(long["value"] <= -1) & ~long["competency"].isin(cat["competency"])]
    return long.assign(shortfall=(-long["value"]).astype(int)).drop(columns="value").reset_index(drop=True)


def plan(enrolled: pd.DataFrame, groups: pd.Series, agency: pd.Series) -> pd.DataFrame:
    """Per group and agency: people, enrolments, JP and cost (sums of the eligible individuals' rows)."""
    e = enrolled.assign(group=enrolled["staff_id"].map(groups), agency=enrolled["staff_id"].map(agency))
    out = e.groupby(["group", "agency"], dropna=False).agg(
        people=("staff_id", "nunique"),
        enrolments=("training_code", "size"),
        jp=("hours_jp", "sum"),
        cost_idr=("cost_idr", "sum"),
    )
    return out.reset_index()


def plan_by_programme(enrolled: pd.DataFrame) -> pd.DataFrame:
    """Per programme: participants, JP and cost, largest need first."""
    out = enrolled.groupby(["training_code", "name", "competency", "mode"]).agg(
        participants=("staff_id", "nunique"), jp=("hours_jp", "sum"), cost_idr=("cost_idr", "sum")
    )
    return out.reset_index().sort_values(["participants", "training_code"], ascending=[False, True])


def jp_in_year(trainings: pd.DataFrame, staff: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each staff member's JP of development that started in ``year``, and whether it reached 20 JP."""
    t = trainings[trainings["start"].dt.year == year].groupby("staff_id")["hours_jp"].sum()
    out = staff[["staff_id", "unit_id"]].copy()
    out["jp"] = out["staff_id"].map(t).fillna(0.0)
    out["meets_20_jp"] = out["jp"] >= JP_PER_YEAR
    return out


def by_competency(trainings: pd.DataFrame, cat: pd.DataFrame | None = None) -> pd.DataFrame:
    """The trainings of catalogue programmes, each with the ``competency`` its programme trains (the plan's
    history and the learning comparison both ask which competency a training was for)."""
    cat = catalogue() if cat is None else cat
    topic = cat.set_index("training_code")["competency"]
    return trainings.assign(competency=trainings["training_code"].map(topic)).dropna(subset=["competency"])


def latest_assessment_dates(assessments: pd.DataFrame) -> pd.Series:
    """(staff_id, competency) -> the date of the latest assessment, the one the shortfall comes from."""
    return assessments.groupby(["staff_id", "competency"])["assessed_on"].max()


def already_trained(
    enrolled: pd.DataFrame, trainings: pd.DataFrame, assessed_on: pd.Series, cat: pd.DataFrame | None = None
) -> pd.Series:
    """Per enrolment: the staff member started a programme for the same competency (by the catalogue's
    training codes) on or after their latest assessment on it."""
    t = by_competency(trainings, cat)
    last_start = t.groupby(["staff_id", "competency"])["start"].max()
    key = pd.MultiIndex.from_frame(enrolled[["staff_id", "competency"]])
    started = last_start.reindex(key).to_numpy()
    assessed = assessed_on.reindex(key).to_numpy()
    return pd.Series(pd.notna(started) & pd.notna(assessed) & (started >= assessed), index=enrolled.index)


def with_history(
    enrolled: pd.DataFrame,
    trainings: pd.DataFrame | None = None,
    assessments: pd.DataFrame | None = None,
    uncertain: pd.Series | None = None,
    jp: pd.DataFrame | None = None,
    cat: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the plan, the enrolments skipped because already trained since the assessment).

    The plan gets ``confirm_first`` (see the module docstring), ``jp_deficit`` (20 JP minus the JP this year,
    at least 0; NaN without a trainings table) and is ordered by ``jp_deficit``, largest first, then by staff."""
    e = enrolled.copy()
    if trainings is not None and assessments is not None and len(trainings):
        skip = already_trained(e, trainings, latest_assessment_dates(assessments), cat)
    else:
        skip = pd.Series(False, index=e.index)
    skipped, e = e[skip].reset_index(drop=True), e[~skip].copy()
    total = enrolled.groupby("staff_id")["shortfall"].sum()  # every shortfall, trained or not: the person's
    single = e["staff_id"].map(total).astype(float).eq(1)
    unsure = e["staff_id"].map(uncertain).fillna(False).astype(bool) if uncertain is not None else False
    e["confirm_first"] = (e["shortfall"] == 1) & (single | unsure)
    if jp is not None:
        jp_now = e["staff_id"].map(jp.set_index("staff_id")["jp"]).astype(float)  # float even when empty
        e["jp_deficit"] = (JP_PER_YEAR - jp_now).clip(lower=0)
    else:
        e["jp_deficit"] = np.nan
    e = e.sort_values(["jp_deficit", "staff_id", "competency"], ascending=[False, True, True], kind="stable")
    return e.reset_index(drop=True), skipped
