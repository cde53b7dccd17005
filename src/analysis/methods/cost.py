"""What the programme cost per result: its cost over the effect it bought, with the effect's uncertainty.

**Cost** C (Rupiah): ``rollout.cost_idr`` of the units in the programme, plus the catalogue cost
(``data/reference/training_catalogue.csv``, ``unit_cost_idr``) of the trainings their staff started from the
unit's programme start on (:func:`programme_cost`).

**Results** bought (:func:`cost_per_result`), from the headline effects:

- an hour of waiting saved: -ATT(median wait, minutes per visit) x visits to programme units since their start
  / 60;
- a citizen more served within the standard: ATT(share of all arrivals within the standard, percentage
  points) / 100 x the same visits;
- an IKM point: ATT(IKM) on the programme units (cost per point of their average IKM).

C and the visits are counts; the uncertainty is the effect's. Cost per result is monotone in the effect, so its
interval is the effect's interval mapped through it (exact for that interval, not a delta-method
approximation). It is **not estimable** when the effect is not a firm change in the good direction (the verdict
is not ``decrease`` for waits or ``increase`` for the shares and IKM, i.e. the interval includes zero or a check
failed): a cost per result of an effect that may be nil is unbounded, and publishing a number would be a
confident wrong figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data import reference
from analysis.data.load import CityData

#: result -> (outcome it comes from, the good direction of that outcome, the verdict that makes it estimable)
RESULTS = {
    "hour_of_waiting_saved": ("median_wait_minutes", -1, "decrease"),
    "citizen_within_standard": ("share_within_standard_all", 1, "increase"),
    "ikm_point": ("ikm", 1, "increase"),
}


def programme_cost(data: CityData) -> dict:
    """The programme's cost in Rupiah: ``rollout`` (units with a start) and the trainings their staff started
    from that start on, priced from the catalogue; with the parts and the units counted. A training code not in
    the catalogue is counted in ``unpriced_trainings``, not guessed."""
    rollout = data.tables.get("rollout")
    if rollout is None:
        return {"total_idr": None, "rollout_idr": None, "training_idr": None, "units": 0}
    started = rollout.dropna(subset=["programme_start"])
    rollout_idr = float(pd.to_numeric(started.get("cost_idr"), errors="coerce").fillna(0).sum())
    training_idr, unpriced = 0.0, 0
    if {"trainings", "staff"} <= set(data.tables):
        staff = data.table("staff")[["staff_id", "unit_id"]]
        start = started.set_index("unit_id")["programme_start"]
        t = data.table("trainings").merge(staff, on="staff_id", how="inner")
        t = t[t["unit_id"].isin(start.index)]
        if len(t):  # (an empty frame's map has no dates to compare)
            t = t[pd.to_datetime(t["start"]) >= pd.to_datetime(t["unit_id"].map(start))]
        price = reference.table("training_catalogue").set_index("training_code")["unit_cost_idr"]
        priced = t["training_code"].map(price)
        unpriced = int(priced.isna().sum())
        training_idr = float(priced.sum())
    return {
        "total_idr": rollout_idr + training_idr,
        "rollout_idr": rollout_idr,
        "training_idr": training_idr,
        "unpriced_trainings": unpriced,
        "units": int(len(started)),
    }


def cost_per_result(
    cost_idr: float, effect: dict, verdict: str, direction: int, per_effect_unit: float, good_verdict: str
) -> dict:
    """Rupiah per unit of result, with its interval, or not estimable.

    ``effect``: the headline (``estimate``, ``ci_low``, ``ci_high``); ``direction``: +1 when a larger outcome is
    better, -1 when smaller is; ``per_effect_unit``: results bought by one unit of effect (e.g. visits / 60
    hours for one minute saved per visit). Returns ``value``, ``low``, ``high`` (Rp per result) and
    ``results`` (results bought at the estimate), or ``estimable`` False with the ``reason``.
    """
    if not cost_idr or cost_idr <= 0:
        return {"estimable": False, "reason": "no_cost"}
    if verdict != good_verdict:
        return {"estimable": False, "reason": f"verdict_{verdict}"}
    gains = [direction * effect[k] * per_effect_unit for k in ("estimate", "ci_low", "ci_high")]
    if min(gains) <= 0 or not all(np.isfinite(gains)):  # an interval reaching zero: the cost is unbounded
        return {"estimable": False, "reason": "interval_reaches_zero"}
    value = cost_idr / gains[0]
    low, high = sorted(cost_idr / g for g in gains[1:])
    return {"estimable": True, "value": value, "low": low, "high": high, "results": gains[0]}


def cost_effectiveness(data: CityData, outcomes: dict, visit_panel: pd.DataFrame | None) -> dict:
    """The programme's cost and its cost per result for every result whose outcome was evaluated
    (``outcomes``: name -> :class:`analysis.methods.evaluation.OutcomeEvaluation`)."""
    cost = programme_cost(data)
    visits = 0.0
    if visit_panel is not None and "visits" in visit_panel:
        visits = float(visit_panel.loc[visit_panel["treated"] == 1, "visits"].sum())
    out: dict = {"cost": cost, "visits_in_programme": visits, "results": {}}
    for result, (outcome, direction, good) in RESULTS.items():
        oe = outcomes.get(outcome)
        if oe is None or not oe.headline:
            continue
        per_unit = {
            "hour_of_waiting_saved": visits / 60.0,
            "citizen_within_standard": visits / 100.0,
            "ikm_point": 1.0,
        }[result]
        out["results"][result] = cost_per_result(
            cost["total_idr"] or 0.0, oe.headline, oe.verdict, direction, per_unit, good
        )
    return out
