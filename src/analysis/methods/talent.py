"""Talent view: SKP predicate (PermenPAN-RB 6/2022 matrix) and the 9-box (PermenPAN-RB 3/2020).

Kinerja class from the predicate: Sangat Baik -> above expectation (3), Baik -> meets (2), Butuh Perbaikan /
Kurang / Sangat Kurang -> below (1). Potential: Tinggi 3, Menengah 2, Rendah 1. Boxes 7-9 form the talent pool
(recognition, succession); boxes 1-3 call for coaching and counselling.
"""

from __future__ import annotations

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
