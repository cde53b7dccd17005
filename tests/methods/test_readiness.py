"""Validation that promises a report (issue 12 item 3): cross-table checks, the section plan `validate` prints,
and the property that every city folder that validates produces both city reports (sections the data cannot
support are skipped with a sentence, never a traceback)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import NIP_A, tiny_tables, write_city
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analysis import cli
from analysis.data import load
from analysis.methods import evaluation, readiness
from analysis.report import i18n

ROOT = Path(__file__).resolve().parents[2]


def run_notebook_inline(name: str, data_dir: Path, **params) -> dict:
    """Execute a report notebook's code cells in this process (parameters overridden, figures not shown):
    the same code papermill runs, without a kernel start per example. Returns the notebook's namespace."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())
    ns: dict = {}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        exec("".join(cell["source"]), ns)  # noqa: S102 - our own notebook
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            ns.update({"data_dir": str(data_dir), "results_path": "", **params})
    plt.close("all")
    return ns


def _problems(directory) -> list:
    return [p for p in load.validate(directory) if p.severity == "error"]


# ------------------------------------------------------------------ the red team's findings, one by one
def test_a_unit_with_visits_but_no_rollout_row_is_an_error(tiny_city):
    rollout = pd.read_csv(tiny_city / "rollout.csv", dtype=str).iloc[:1]  # U2 has visits and a survey
    rollout.to_csv(tiny_city / "rollout.csv", index=False)
    errors = _problems(tiny_city)
    assert [(p.file, p.column, p.value) for p in errors] == [("rollout", "unit_id", "U2")]
    assert "no row in rollout" in errors[0].rule and "leave programme_start empty" in errors[0].fix


def test_assessments_without_the_staff_table_are_an_error(tiny_city):
    (tiny_city / "staff.csv").unlink()
    errors = _problems(tiny_city)
    files = sorted(p.file for p in errors)
    assert files == ["competency_assessments", "performance", "trainings"]
    assert all("the staff table is missing" in p.rule for p in errors)


def test_a_start_before_the_data_is_flagged_and_left_out_not_a_wave_in_period_minus_35(demo_city, tmp_path):
    """Kendari with one treated unit's start typed 2020-01 (35 months before the data): a warning names the
    row, and the effect estimates drop that unit as always treated instead of reading 'too little data'."""
    d = shutil.copytree(demo_city("kendari"), tmp_path / "kendari")
    rollout = pd.read_csv(d / "rollout.csv", dtype=str)
    row = int(rollout["programme_start"].notna().to_numpy().nonzero()[0][0])
    rollout.loc[row, "programme_start"] = "2020-01"
    rollout.to_csv(d / "rollout.csv", index=False)
    warnings = [p for p in load.validate(d) if "before the first month of data" in p.rule]
    assert [(p.row, p.column) for p in warnings] == [(row + 2, "programme_start")]
    ev = evaluation.evaluate_city(load.load_city(d), ("median_wait_minutes",), n_boot=99, robustness=False)
    oe = ev.outcomes["median_wait_minutes"]
    assert oe.verdict == "decrease" and ("always_treated", {"n": 1}) in oe.result.notes
    assert ev.visit_panel["cohort"].min() >= 1


@pytest.mark.integration
@pytest.mark.parametrize(
    ("edit", "section", "reason"),
    [
        (lambda t: t.pop("service_visits"), "median_wait_minutes", "no_visits"),
        (
            lambda t: t.__setitem__("service_visits", t["service_visits"].iloc[:0]),
            "median_wait_minutes",
            "empty_visits",
        ),
        (lambda t: t.pop("rollout"), "report", "no_rollout"),
        (lambda t: t.__setitem__("rollout", t["rollout"].assign(programme_start="")), "report", "no_rollout"),
        (lambda t: t.pop("satisfaction_responses"), "ikm", "no_survey"),
    ],
)
def test_missing_or_empty_tables_skip_their_section_with_a_reason(tmp_path, edit, section, reason, capsys):
    tables = tiny_tables()
    edit(tables)
    d = write_city(tmp_path / "city", tables)
    assert _problems(d) == []
    plan = {s.name: s for s in readiness.plan(load.read_city(d)) if s.report == "programme_effects"}
    assert not plan[section].runs and plan[section].reason == reason
    assert cli.main(["validate", str(d), "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert "What the reports will show" in printed and i18n.section_why(plan[section], "en") in printed
    ns = run_notebook_inline("programme_effects", d, n_boot=20)  # the report is made, the section skipped
    assert section == "report" or section not in ns["ev"].outcomes


def test_a_survey_in_nine_units_per_sector_builds_the_effects_report(demo_city, tmp_path):
    """The red team's survey in <= 9 units per sector crashed plots.forest; now the sector table says each
    sector is too thin and the report is made."""
    d = shutil.copytree(demo_city("kendari"), tmp_path / "kendari")
    units = pd.read_csv(d / "units.csv")
    keep = units.groupby("sector")["unit_id"].apply(lambda s: s.head(9)).explode()
    survey = pd.read_csv(d / "satisfaction_responses.csv", dtype=str)
    survey[survey["unit_id"].isin(set(keep))].to_csv(d / "satisfaction_responses.csv", index=False)
    assert _problems(d) == []
    ns = run_notebook_inline("programme_effects", d, n_boot=50, outcomes=["ikm"])
    sectors = ns["ev"].outcomes["ikm"].by_sector
    assert sectors["estimate"].isna().all() and sectors["n_units"].max() <= 9


# ------------------------------------------------------------------ property: validated => both reports build
@st.composite
def city_folders(draw):
    """A small city: 2-24 units, 1-14 months of visits, starts inside, before or after the data or never,
    a survey in some units, 0-40 staff; any optional table may be missing or header-only."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_units = draw(st.integers(2, 24))
    n_months = draw(st.integers(1, 14))
    months = pd.period_range("2024-01", periods=n_months, freq="M")
    base = tiny_tables()
    units = pd.DataFrame(
        {
            "unit_id": [f"U{i}" for i in range(n_units)],
            "city": "kendari",
            "agency": "Dinas Kesehatan",
            "unit_type": "puskesmas",
            "sector": "health",
        }
    )
    starts = []
    for _ in range(n_units):
        kind = draw(st.sampled_from(["never", "inside", "inside", "before", "after"]))
        if kind == "never":
            starts.append("")
        elif kind == "before":
            starts.append("2020-01")
        elif kind == "after":
            starts.append(str(months[-1] + 3))
        else:
            starts.append(str(months[int(rng.integers(0, n_months))]))
    rollout = pd.DataFrame({"unit_id": units["unit_id"], "programme_start": starts, "cost_idr": ""})
    visits = []
    for u in units["unit_id"]:
        for m in months:
            for _ in range(int(rng.integers(0, 4))):
                arrived = m.start_time + pd.Timedelta(days=int(rng.integers(0, 27)), hours=8)
                served = arrived + pd.Timedelta(minutes=int(rng.integers(1, 90)))
                visits.append([u, arrived, served, served + pd.Timedelta(minutes=10), "Poli Umum"])
    visits = pd.DataFrame(
        visits, columns=["unit_id", "arrived_at", "served_at", "completed_at", "service_type"]
    )
    unsur = [
        c
        for c in base["satisfaction_responses"].columns
        if c not in ("response_id", "unit_id", "surveyed_on")
    ]
    survey_units = units["unit_id"][rng.random(n_units) < draw(st.floats(0, 1))]
    survey = pd.DataFrame(
        [
            [
                f"R{u}{m}{j}",
                u,
                str(m.start_time.date() + pd.Timedelta(days=3)),
                *rng.integers(1, 5, len(unsur)),
            ]
            for u in survey_units
            for m in months
            for j in range(int(rng.integers(0, 3)))
        ],
        columns=["response_id", "unit_id", "surveyed_on", *unsur],
    )
    tables = {"units": units, "rollout": rollout, "service_visits": visits, "satisfaction_responses": survey}
    n_staff = draw(st.integers(0, 40))
    if n_staff:
        staff = pd.concat([base["staff"]] * (n_staff // 2 + 1), ignore_index=True).head(n_staff)
        staff["nip"] = [f"{NIP_A[:14]}{(i % 2) + 1}{i + 1:03d}" for i in range(n_staff)]
        staff["unit_id"] = [units["unit_id"].iloc[i % n_units] for i in range(n_staff)]
        assess = pd.DataFrame(
            [
                [nip, "2024-03-01", comp, 2, int(rng.integers(1, 4))]
                for nip in staff["nip"]
                for comp in ("M.01", "M.03", "M.05", "SK.01")
            ],
            columns=["nip", "assessed_on", "competency", "level_required", "level_assessed"],
        )
        perf = pd.concat([base["performance"]] * (n_staff // 2 + 1), ignore_index=True).head(n_staff)
        perf["nip"] = staff["nip"].to_numpy()
        tables |= {"staff": staff, "competency_assessments": assess, "performance": perf}
    for name in ("service_visits", "satisfaction_responses", "rollout", "performance"):
        if name in tables and draw(st.integers(0, 5)) == 0:
            if draw(st.booleans()):
                tables.pop(name)
            else:
                tables[name] = tables[name].iloc[:0]
    return tables


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tables=city_folders())
def test_every_folder_that_validates_builds_both_city_reports(tables, tmp_path_factory):
    """20 generated cities (about 2 s each): whenever `validate` finds no error, both report notebooks run to
    the end, and the effects report estimates exactly the outcomes the plan says it will."""
    d = write_city(tmp_path_factory.mktemp("gen") / "city", tables)
    assume(not _problems(d))
    data = load.read_city(d)
    plan = {(s.report, s.name): s for s in readiness.plan(data)}
    effects = run_notebook_inline("programme_effects", d, n_boot=20)
    needs = run_notebook_inline("training_needs", d, n_boot=5)
    estimated = set(effects["ev"].outcomes)
    for outcome in ("median_wait_minutes", "ikm"):
        section = plan.get(("programme_effects", outcome))
        assert (outcome in estimated) == bool(section and section.runs), (outcome, section)
    assert needs["shown"] == plan[("training_needs", "report")].runs
