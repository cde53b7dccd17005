"""Demo re-assessments with a known learning effect per programme mode (issue 16's truth for "did training work?").

Half of the assessed staff are assessed again in the second half of 2025. Between the two assessments a
competency's level changes by a retest drift that everyone has (familiarity with the assessment, general
growth: +1 level with probability DRIFT_UP, -1 with DRIFT_DOWN) and, for a competency the person was trained on
between the two dates, by one more level with the probability of that programme's mode (LEARNING). E-learning
is the programme that does not work (0). So a naive before/after on trained staff shows the drift as if it
were learning; comparing with staff not trained on that competency removes it.

Drawn on a random stream of its own and appended to the assessments, so every other table keeps its rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data import reference

#: Probability that one programme on a competency raises its assessed level by one, by mode (expected gain in
#: levels, before the 1-5 bounds).
LEARNING = {"classroom": 0.45, "coaching": 0.35, "mentoring": 0.30, "on-the-job": 0.25, "e-learning": 0.0}
DRIFT_UP, DRIFT_DOWN = 0.15, 0.05
REASSESSED_SHARE = 0.5


def reassess(
    assessments: pd.DataFrame, trainings: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, dict]:
    """(the second assessments of REASSESSED_SHARE of the assessed staff, the truth)."""
    first = assessments.copy()
    first["assessed_on"] = pd.to_datetime(first["assessed_on"])
    people = first["nip"].drop_duplicates().to_numpy()
    again = people[rng.random(len(people)) < REASSESSED_SHARE]
    when = pd.Series(
        pd.to_datetime("2025-06-01") + pd.to_timedelta(rng.integers(0, 180, len(again)), "D"), index=again
    )
    rows = first[first["nip"].isin(again)].copy()
    rows["second_on"] = rows["nip"].map(when)
    # the demo layer reads the catalogue itself: it sits below the methods (tests/test_project.py)
    topic = reference.table("training_catalogue").set_index("training_code")["competency"]
    t = trainings.assign(
        competency=trainings["training_code"].map(topic), start=pd.to_datetime(trainings["start"])
    )
    between = t.merge(rows[["nip", "competency", "assessed_on", "second_on"]], on=["nip", "competency"])
    between = between[
        (between["start"] >= between["assessed_on"]) & (between["start"] < between["second_on"])
    ]
    between = between.sort_values("start", kind="stable")
    draws = between.assign(up=rng.random(len(between)) < between["mode"].map(LEARNING).fillna(0.0))
    per_pair = draws.groupby(["nip", "competency"]).agg(up=("up", "sum"), first_mode=("mode", "first"))
    key = pd.MultiIndex.from_frame(rows[["nip", "competency"]])
    u = rng.random(len(rows))
    drift = np.where(u < DRIFT_UP, 1, np.where(u > 1 - DRIFT_DOWN, -1, 0))
    learned = per_pair["up"].reindex(key).fillna(0).astype(int).to_numpy()
    without = np.clip(rows["level_assessed"].to_numpy() + drift, 1, 5)
    rows["level_assessed"] = np.clip(rows["level_assessed"].to_numpy() + drift + learned, 1, 5)
    rows["assessed_on"] = rows["second_on"].dt.strftime("%Y-%m-%d")
    # the effect on the trained as the estimator defines them (by the mode of their first programme between the
    # two assessments): their second level with the learning drawn, minus without it, same drift
    first_mode = per_pair["first_mode"].reindex(key).to_numpy()
    effect = pd.Series(rows["level_assessed"].to_numpy() - without).groupby(first_mode).mean()
    truth = {
        "reassessed_staff": len(again),
        "learning_probability_by_mode": LEARNING,
        "att_levels_by_first_mode": {m: float(v) for m, v in effect.items()},
        "trained_pairs_by_first_mode": {m: int(v) for m, v in pd.Series(first_mode).value_counts().items()},
        "retest_drift_levels": DRIFT_UP - DRIFT_DOWN,
        "note": "each programme on a competency, started between a person's two assessments, raises the second "
        "assessment by one level with its mode's probability; everyone's second assessment also drifts by +1 "
        "(15%) or -1 (5%); e-learning does not work. att_levels_by_first_mode: the realised effect on the "
        "trained (second level with minus without the learning, same drift, 1-5 bounds), by the mode of their "
        "first programme between the assessments, the estimand of analysis.methods.training_effects",
    }
    return rows.drop(columns=["second_on"])[assessments.columns], truth
