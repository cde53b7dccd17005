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

import duckdb
import pandas as pd

from .messages import msg
from .problems import Problem

#: Tables that refer to staff by NIP: without the staff table their rows cannot be placed in an agency.
REFER_TO_STAFF = ("competency_assessments", "performance", "trainings")
#: Fewest periods an outcome panel needs: one before a start, the start, and one to compare with.
MIN_PERIODS = 3
#: Fewest assessed staff for staff groups (k-means with a gap statistic needs some rows per group).
MIN_ASSESSED = 20


@dataclass
class Section:
    report: str  # programme_effects | competency_clusters
    name: str  # report | median_wait_minutes | ikm | by_sector | dose | talent | jp
    runs: bool
    reason: str = ""  # catalogue key ready.<reason> when skipped
    fields: dict = field(default_factory=dict)

    def why(self, lang: str = "id") -> str:
        """The reason in words ('' when the section runs)."""
        return msg(f"ready.{self.reason}", lang, **self.fields) if self.reason else ""

    def line(self, lang: str = "id") -> str:
        """'Programme effects report / effect on IKM: skipped: ...' (what validate prints)."""
        state = msg("ready.skipped", lang, why=self.why(lang)) if not self.runs else msg("ready.runs", lang)
        if self.runs and self.reason:
            state = self.why(lang)
        report = msg(f"ready.report.{self.report}", lang)
        return f"{report} / {msg(f'ready.section.{self.name}', lang)}: {state}"


def cross_table(data) -> list[Problem]:
    """Errors and warnings that only show when the tables are read together."""
    t = data.tables
    out: list[Problem] = []
    if "staff" not in t:
        for name in REFER_TO_STAFF:
            if name in t and len(t[name]):
                out.append(
                    Problem(
                        file=f"{name}",
                        rule=f"{name} refers to staff by NIP, but the staff table is missing",
                        fix="Add staff.csv (or the 'staff' sheet) with every NIP these rows use",
                    )
                )
    active = _units_with_data(data)
    if "units" in t and "unit_id" in t["units"]:
        active &= set(t["units"]["unit_id"].dropna())  # a unit missing from units is reported there already
    if "rollout" in t and {"unit_id", "programme_start"} <= set(t["rollout"]):
        known = set(t["rollout"]["unit_id"].dropna())
        for unit in sorted(active - known)[:20]:
            out.append(
                Problem(
                    file="rollout",
                    column="unit_id",
                    value=unit,
                    rule="this unit has visits or survey responses but no row in rollout; it would silently be "
                    "counted as a unit that never joined the programme",
                    fix="Add a row for it: programme_start = the month it joined, or leave programme_start "
                    "empty if it never joined",
                )
            )
        missing = len(active - known) - 20
        if missing > 0:
            out.append(
                Problem(
                    file="rollout",
                    column="unit_id",
                    value=f"... {missing:,} more units",
                    rule="units with data but no row in rollout",
                    fix="Same fix as the rows above",
                )
            )
        first, last = _data_period(data)
        starts = t["rollout"].dropna(subset=["programme_start"])
        if first is not None and len(starts):
            early = starts[starts["programme_start"] < first]
            late = starts[starts["programme_start"] > last]
            for frame, rule, fix in (
                (
                    early,
                    f"programme_start is before the first month of data ({first:%Y-%m}): no month before "
                    "the start is observed, so the unit is left out of the effect estimates",
                    "Check the month (a typing error?); if it is right, nothing to do",
                ),
                (
                    late,
                    f"programme_start is after the last month of data ({last:%Y-%m}): the unit counts as "
                    "not yet in the programme",
                    "Check the month; if it is right, nothing to do",
                ),
            ):
                for r in frame.head(20).itertuples():
                    out.append(
                        Problem(
                            file="rollout",
                            row=int(r.Index) + 2,
                            column="programme_start",
                            value=f"{r.unit_id}: {r.programme_start:%Y-%m}",
                            rule=rule,
                            fix=fix,
                            severity="warning",
                        )
                    )
    return out


def _units_with_data(data) -> set:
    units: set = set()
    if data.visits is not None:
        try:
            units |= data.visits.coverage()[0]
        except (OSError, ValueError, duckdb.Error):
            pass
    survey = data.tables.get("satisfaction_responses")
    if survey is not None and "unit_id" in survey:
        units |= set(survey["unit_id"].dropna())
    return units


def _data_period(data) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """First and last month with visits (else survey responses)."""
    if data.visits is not None:
        try:
            _, first, last = data.visits.coverage()
            if first is not None:
                return first, last
        except (OSError, ValueError, duckdb.Error):
            pass
    survey = data.tables.get("satisfaction_responses")
    if survey is not None and "surveyed_on" in survey:
        when = survey["surveyed_on"].dropna()
        if len(when):
            return when.min().to_period("M").start_time, when.max().to_period("M").start_time
    return None, None


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
    report = "competency_clusters"
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
    from . import panels

    vp, ip = panels.city_panels(data)
    out = []
    for sections in (effects_plan(data, vp, ip), needs_plan(data)):
        out.append(sections["report"])
        if sections["report"].runs:  # the parts of a report that is not made are not listed
            out += [s for name, s in sections.items() if name != "report"]
    return out
