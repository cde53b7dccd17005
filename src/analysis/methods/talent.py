"""Talent view: SKP predicate (PermenPAN-RB 6/2022 matrix) and the 9-box (PermenPAN-RB 3/2020).

Kinerja class from the predicate: Sangat Baik -> above expectation (3), Baik -> meets (2), Butuh Perbaikan /
Kurang / Sangat Kurang -> below (1). Potential: Tinggi 3, Menengah 2, Rendah 1. Boxes 7-9 form the talent pool
(recognition, succession); boxes 1-3 call for coaching and counselling.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data import reference

KINERJA_LEVEL = {
    "Sangat Baik": 3,
    "Baik": 2,
    "Butuh Perbaikan": 1,
    "Kurang/Misconduct": 1,
    "Sangat Kurang": 1,
}
POTENTIAL_LEVEL = {"Tinggi": 3, "Menengah": 2, "Rendah": 1}
RECOGNITION_BOXES = (7, 8, 9)
COACHING_BOXES = (1, 2, 3)


def skp_predicate(results_rating: pd.Series, behaviour_rating: pd.Series) -> pd.Series:
    """Predicate from the two ratings per the 6/2022 matrix (data/reference/skp_matrix.csv)."""
    lookup = reference.skp_predicate_lookup()
    return pd.Series(
        [lookup.get((r, b)) for r, b in zip(results_rating, behaviour_rating, strict=True)],
        index=results_rating.index,
        name="predicate",
    )


def nine_box(predicate: pd.Series, potential: pd.Series) -> pd.Series:
    """Box 1-9 per PermenPAN-RB 3/2020 (data/reference/nine_box.csv); missing when potential is unknown."""
    grid = reference.table("nine_box").set_index(["kinerja_level", "potential_level"])["box"]
    k = predicate.map(KINERJA_LEVEL)
    p = potential.map(POTENTIAL_LEVEL)
    box = grid.reindex(pd.MultiIndex.from_arrays([k, p])).to_numpy()
    return pd.Series(box, index=predicate.index, name="box").astype("Int64")


def latest_performance(performance: pd.DataFrame) -> pd.DataFrame:
    """Each staff member's most recent period, with the 9-box."""
    latest = performance.sort_values("period").drop_duplicates("staff_id", keep="last").set_index("staff_id")
    potential = latest["potential"] if "potential" in latest else pd.Series(pd.NA, index=latest.index)
    latest["box"] = nine_box(latest["predicate"], potential)
    return latest


def actions_by_agency(latest: pd.DataFrame, agency: pd.Series) -> pd.DataFrame:
    """Counts per agency of staff for recognition (boxes 7-9) and for coaching (boxes 1-3)."""
    df = latest.assign(agency=latest.index.map(agency))
    return (
        df.groupby("agency")
        .agg(
            staff=("box", "size"),
            recognition=("box", lambda b: int(b.isin(RECOGNITION_BOXES).sum())),
            coaching=("box", lambda b: int(b.isin(COACHING_BOXES).sum())),
        )
        .reset_index()
    )


#: the two groups whose next year the report follows
FOLLOWED = {"coaching": COACHING_BOXES, "recognition": RECOGNITION_BOXES}


def next_year(performance: pd.DataFrame) -> pd.DataFrame | None:
    """What happened the next year to the staff in the coaching boxes (1-3) and the talent boxes (7-9) of the
    year before the latest: per group, the staff followed and the shares whose kinerja class (below / meets /
    above expectation) was better, the same or worse the next year; beside them the *expected* shares, from the
    staff outside the group who had the same kinerja class, weighted to the group's mix of classes.

    Why the expected shares. Staff are put in the coaching boxes after a low rating, and a low rating is partly
    a bad year: many are rated better the next year whatever is done (regression to the mean; the talent boxes
    fall back the same way). The expected shares are what the same class alone predicts. They are not a
    comparison group: the data do not record who was coached or recognised, and the staff outside a group differ
    in potential, so a difference is not an effect of coaching or recognition. None without two years of
    ratings with potential.
    """
    p = performance.dropna(subset=["predicate"])
    years = sorted(p["period"].unique())
    if len(years) < 2:
        return None
    before, after = years[-2], years[-1]
    a = p[p["period"] == before].drop_duplicates("staff_id").set_index("staff_id")
    b = p[p["period"] == after].drop_duplicates("staff_id").set_index("staff_id")
    potential = a["potential"] if "potential" in a else pd.Series(pd.NA, index=a.index)
    a = a.assign(box=nine_box(a["predicate"], potential), level=a["predicate"].map(KINERJA_LEVEL))
    a["next"] = b["predicate"].map(KINERJA_LEVEL).reindex(a.index)
    a = a.dropna(subset=["box", "level", "next"])
    if a.empty:
        return None
    a["move"] = np.sign(a["next"] - a["level"]).astype(int)
    rows = []
    for name, boxes in FOLLOWED.items():
        inside = a["box"].isin(boxes)
        g, rest = a[inside], a[~inside]
        # the outside staff's moves by kinerja class, weighted to the group's mix of classes
        by_level = rest.groupby("level")["move"].value_counts(normalize=True).unstack(fill_value=0.0)
        mix = g["level"].value_counts(normalize=True)
        expected = by_level.reindex(mix.index).mul(mix, axis=0).sum() if len(g) else pd.Series(dtype=float)
        covered = bool(len(g)) and mix.index.isin(by_level.index).all()
        rows.append(
            {
                "group": name,
                "year": int(before),
                "next_year": int(after),
                "staff": int(len(g)),
                **{f"{k}": float((g["move"] == v).mean()) if len(g) else np.nan for k, v in MOVES.items()},
                **{
                    f"expected_{k}": float(expected.get(v, 0.0)) if covered else np.nan
                    for k, v in MOVES.items()
                },
            }
        )
    return pd.DataFrame(rows)


MOVES = {"better": 1, "same": 0, "worse": -1}
