"""What a city folder can produce: the checks across tables that make `validate`'s "OK" a promise, and the
plan of report sections that will run or be skipped, with the reason.

Contracts check each table on its own. A report also needs the tables to fit together: a unit with visits
but no row in rollout would silently become a comparison unit; a programme start typed before the data
begins would make a wave that no month precedes; assessments without the staff table cannot be grouped by
agency. Those are errors here. What the data are simply too thin for (one month of visits, a survey in a
handful of units) is not an error: the section is skipped, and both `validate` and the report say why, with
the same sentence (catalogue ``ready.<reason>``), because both read :func:`effects_plan` and
:func:`needs_plan`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

#: Fewest periods an outcome panel needs: one before a start, the start, and one to compare with.
MIN_PERIODS = 3
#: Fewest assessed staff for staff groups (k-means with a gap statistic needs some rows per group).
MIN_ASSESSED = 20


@dataclass
class Section:
    report: str  # programme_effects | training_needs
    name: str  # report | median_wait_minutes | ikm | by_sector | dose | talent | jp
    runs: bool
    reason: str = ""  # catalogue key ready.<reason> when skipped
    fields: dict = field(default_factory=dict)


def outcome_plan(panel: pd.DataFrame | None, outcome: str, source: str) -> Section:
    """Whether an outcome's effect can be estimated from its panel (the estimators say the finer reasons)."""
    report = "programme_effects"
    if panel is None:
        return Section(report, outcome, False, f"no_{source}")
    if panel.empty or outcome not in panel or panel[outcome].notna().sum() == 0:
        return Section(report, outcome, False, f"empty_{source}")
    periods = int(panel.loc[panel[outcome].notna(), "period"].nunique())
    if periods < MIN_PERIODS:
        return Section(report, outcome, False, "few_periods", {"n": periods, "min": MIN_PERIODS})
    units = panel.drop_duplicates("unit_id")
    start = units["cohort"]
    first, last = panel["period"].min(), panel["period"].max()
    inside = units[(start > first) & (start <= last)]
    if inside.empty:
        return Section(report, outcome, False, "no_start_inside")
    if (start.isna() | (start > last)).sum() == 0 and inside["cohort"].nunique() < 2:
        return Section(report, outcome, False, "no_comparison")
    return Section(report, outcome, True)


def effects_plan(data, vp=None, ip=None) -> dict[str, Section]:
    """The programme-effects report's sections (pass the panels when already built)."""
    report = "programme_effects"
    plan: dict[str, Section] = {}
    rollout = data.tables.get("rollout")
    if rollout is None or "programme_start" not in rollout or rollout["programme_start"].notna().sum() == 0:
        plan["report"] = Section(report, "report", False, "no_rollout")
    elif data.visits is None and "satisfaction_responses" not in data.tables:
        plan["report"] = Section(report, "report", False, "no_outcomes")
    else:
        plan["report"] = Section(report, "report", True)
    plan["median_wait_minutes"] = outcome_plan(vp, "median_wait_minutes", "visits")
    if vp is None and data.visits is not None:  # a log with a header and no readable visit
        plan["median_wait_minutes"] = Section(report, "median_wait_minutes", False, "empty_visits")
    plan["ikm"] = outcome_plan(ip, "ikm", "survey")
    if ip is None and "satisfaction_responses" in data.tables:
        plan["ikm"] = Section(report, "ikm", False, "empty_survey")
    if not any(plan[o].runs for o in ("median_wait_minutes", "ikm")) and plan["report"].runs:
        plan["report"] = Section(report, "report", True, "no_estimate")
    has_dose = {"staff", "trainings"} <= set(data.tables)
    plan["dose"] = Section(report, "dose", has_dose, "" if has_dose else "no_trainings")
    return plan


def needs_plan(data) -> dict[str, Section]:
    """The competency report's sections."""
    report = "training_needs"
    t = data.tables
    plan: dict[str, Section] = {}
    if "staff" not in t or "competency_assessments" not in t:
        plan["report"] = Section(report, "report", False, "no_assessments")
    else:
        a = t["competency_assessments"]
        n = int(a["staff_id"].nunique()) if "staff_id" in a else 0
        plan["report"] = (
            Section(report, "report", True)
            if n >= MIN_ASSESSED
            else Section(report, "report", False, "few_assessed", {"n": n, "min": MIN_ASSESSED})
        )
    has_perf = "performance" in t and len(t["performance"]) > 0
    plan["talent"] = Section(report, "talent", has_perf, "" if has_perf else "no_performance")
    has_jp = "trainings" in t and len(t["trainings"]) > 0
    plan["jp"] = Section(report, "jp", has_jp, "" if has_jp else "no_trainings")
    return plan


def plan(data) -> list[Section]:
    """Every section of both city reports, for `validate` (builds the panels: a few seconds on a large log)."""
    from analysis.methods import panels

    vp, ip = panels.city_panels(data)
    out = []
    for sections in (effects_plan(data, vp, ip), needs_plan(data)):
        out.append(sections["report"])
        if sections["report"].runs:  # the parts of a report that is not made are not listed
            out += [s for name, s in sections.items() if name != "report"]
    return out
