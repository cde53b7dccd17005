"""Training plan, 20 JP right, SKP matrix, 9-box and small-cell suppression, checked against the regulations (docs/domain.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.data import reference
from analysis.methods import talent, training
from analysis.report import privacy

ATAS, SESUAI, BAWAH = "Di atas ekspektasi", "Sesuai ekspektasi", "Di bawah ekspektasi"


# PermenPAN-RB 6/2022 (docs/domain.md), written out independently of data/reference/skp_matrix.csv
@pytest.mark.parametrize(
    ("hasil", "perilaku", "predicate"),
    [
        (ATAS, BAWAH, "Kurang/Misconduct"),
        (ATAS, SESUAI, "Baik"),
        (ATAS, ATAS, "Sangat Baik"),
        (SESUAI, BAWAH, "Kurang/Misconduct"),
        (SESUAI, SESUAI, "Baik"),
        (SESUAI, ATAS, "Baik"),
        (BAWAH, BAWAH, "Sangat Kurang"),
        (BAWAH, SESUAI, "Butuh Perbaikan"),
        (BAWAH, ATAS, "Butuh Perbaikan"),
    ],
)
def test_skp_matrix_cell_by_cell(hasil, perilaku, predicate):
    assert talent.skp_predicate(pd.Series([hasil]), pd.Series([perilaku])).iloc[0] == predicate


# PermenPAN-RB 3/2020 (docs/domain.md): BOX = {(k, p): box}, k = kinerja 1..3, p = potensial 1..3
BOX = {(1, 1): 1, (2, 1): 2, (1, 2): 3, (3, 1): 4, (2, 2): 5, (1, 3): 6, (3, 2): 7, (2, 3): 8, (3, 3): 9}
PRED_FOR_K = {1: "Butuh Perbaikan", 2: "Baik", 3: "Sangat Baik"}
POT_FOR_P = {1: "Rendah", 2: "Menengah", 3: "Tinggi"}


@pytest.mark.parametrize(("kp", "box"), list(BOX.items()))
def test_nine_box_cell_by_cell(kp, box):
    k, p = kp
    assert talent.nine_box(pd.Series([PRED_FOR_K[k]]), pd.Series([POT_FOR_P[p]])).iloc[0] == box


def test_all_below_expectation_predicates_are_kinerja_level_1():
    preds = pd.Series(["Butuh Perbaikan", "Kurang/Misconduct", "Sangat Kurang"])
    assert talent.nine_box(preds, pd.Series(["Tinggi"] * 3)).tolist() == [6, 6, 6]


def test_actions_by_agency_counts_recognition_and_coaching():
    latest = pd.DataFrame({"box": pd.array([9, 8, 1, 5, 3], dtype="Int64")}, index=list("abcde"))
    out = talent.actions_by_agency(latest, pd.Series({"a": "X", "b": "X", "c": "X", "d": "Y", "e": "Y"}))
    assert out.set_index("agency").loc["X", ["recognition", "coaching"]].tolist() == [2, 1]
    assert out.set_index("agency").loc["Y", ["recognition", "coaching"]].tolist() == [0, 1]


def gaps_example():
    return pd.DataFrame(
        {"M.03": [-1, -2, 0, -1], "M.07": [0, -1, 1, -3]}, index=["a", "b", "c", "d"], dtype=float
    )


def test_eligibility_is_individual_and_follows_the_programme_rule():
    e = training.enrolments(gaps_example())
    assert sorted(zip(e["staff_id"], e["competency"], strict=True)) == [
        ("a", "M.03"),
        ("b", "M.03"),
        ("b", "M.07"),
        ("d", "M.03"),
        ("d", "M.07"),
    ]
    cat = reference.table("training_catalogue").set_index("training_code")
    one_level = e[(e["staff_id"] == "a")].iloc[0]
    assert one_level["mode"] != "classroom"
    assert (
        one_level["cost_idr"]
        == cat[(cat["competency"] == "M.03") & (cat["mode"] != "classroom")]["unit_cost_idr"].min()
    )
    assert e[(e["staff_id"] == "b") & (e["competency"] == "M.03")]["mode"].iloc[0] == "classroom"


def test_plan_totals_equal_the_sum_of_eligible_individuals():
    rng = np.random.default_rng(0)
    gaps = pd.DataFrame(
        -rng.integers(0, 3, size=(300, 9)).astype(float),
        columns=reference.competencies(),
        index=[f"s{i}" for i in range(300)],
    )
    e = training.enrolments(gaps)
    groups = pd.Series(rng.integers(0, 3, 300), index=gaps.index)
    agency = pd.Series(rng.choice(["A", "B", "C"], 300), index=gaps.index)
    plan = training.plan(e, groups, agency)
    assert plan["enrolments"].sum() == (gaps <= -1).to_numpy().sum()
    assert plan["people"].sum() == (gaps <= -1).any(axis=1).sum()
    per_person_jp = e.groupby("staff_id")["hours_jp"].sum()
    assert plan["jp"].sum() == pytest.approx(per_person_jp.sum())
    assert plan["cost_idr"].sum() == pytest.approx(e["cost_idr"].sum())
    by_prog = training.plan_by_programme(e)
    assert by_prog["jp"].sum() == pytest.approx(plan["jp"].sum())


def test_twenty_jp_right():
    staff = pd.DataFrame({"staff_id": ["a", "b", "c"], "unit_id": ["U"] * 3})
    tr = pd.DataFrame(
        {
            "staff_id": ["a", "a", "b", "c"],
            "hours_jp": [12.0, 8.0, 19.5, 40.0],
            "start": pd.to_datetime(["2024-02-01", "2024-09-01", "2024-03-01", "2023-05-01"]),
        }
    )
    out = training.jp_in_year(tr, staff, 2024).set_index("staff_id")
    assert out["jp"].tolist() == [20.0, 19.5, 0.0]
    assert out["meets_20_jp"].tolist() == [True, False, False]


def test_small_cells_are_suppressed_with_their_derived_figures():
    """A row of 4 people: its count shows '<10' and its cost the dependent marker; a zero stays 0."""
    people = [f"p{i}" for i in range(29)]
    frame = pd.DataFrame(
        {"staff_id": people, "group": ["g1"] * 25 + ["g2"] * 4, "cost_idr": [1e6] * 25 + [5e4] * 4}
    )
    page = privacy.Page(people)
    page.grouped("plan", frame, ["group"], count="people", sums=("cost_idr",))
    page.protect()
    out = page.frame("plan").set_index("group")
    assert out.at["g2", "people"] == "<10" and out.at["g2", "cost_idr"] == privacy.DEPENDENT
    assert out.at["g1", "people"] == 25 and out.at["g1", "cost_idr"] == 25e6
