"""Training plan from competency shortfalls, and the 20 JP a year development right.

Eligibility is individual: a staff member is eligible for a competency's programme when they are at least one
level short on it (gap <= -1); the staff groups only bundle and plan. The programme chosen per competency is a
fixed rule on the catalogue (data/reference/training_catalogue.csv): one level short -> the cheapest
non-classroom programme (coaching, mentoring, e-learning, on-the-job); two or more -> the classroom programme.
Each PNS has the right and duty to at least 20 JP of competency development a year (PP 11/2017 jo. PP 17/2020,
Peraturan LAN 10/2018); classroom and non-classroom forms both count.
"""

from __future__ import annotations

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
    """One row per eligible staff x competency: the programme, its mode, JP and cost."""
    cat = catalogue() if cat is None else cat
    long = (
        gaps.rename_axis("staff_id")
        .reset_index()
        .melt(id_vars="staff_id", var_name="competency", value_name="gap")
    )
    long = long[long["gap"] <= -1].copy()
    long["shortfall"] = (-long["gap"]).astype(int)
    choice = {
        (c, s): programme_for(c, s, cat)
        for c, s in long[["competency", "shortfall"]].drop_duplicates().itertuples(index=False)
    }
    for col in ("training_code", "name", "mode", "hours_jp", "unit_cost_idr"):
        long[col] = [choice[(c, s)][col] for c, s in zip(long["competency"], long["shortfall"], strict=True)]
    return long.rename(columns={"unit_cost_idr": "cost_idr"}).reset_index(drop=True)


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
