"""Read the small reference tables in data/reference/ (rules and code lists, each citing its regulation)."""

from __future__ import annotations

from functools import cache

import pandas as pd
import yaml

from analysis.config import REFERENCE_DIR


def table(name: str) -> pd.DataFrame:
    """One reference CSV by stem, e.g. ``table("skp_matrix")``. Cached until the file changes: a long-running
    process (JupyterLab, a test) sees a city that ``asn-kinerja new-city`` registers."""
    path = REFERENCE_DIR / f"{name}.csv"
    return _read(path, path.stat().st_mtime_ns)


@cache
def _read(path, mtime_ns: int) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"competency": str}, keep_default_na=False, na_values=[""])


@cache
def codes() -> dict:
    """Allowed codes for categorical columns (``codes.yaml``)."""
    with open(REFERENCE_DIR / "codes.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def allowed(kind: str) -> list[str]:
    """The allowed values of one code list, e.g. ``allowed("sex") == ["L", "P"]``."""
    values = codes()[kind]
    return list(values) if isinstance(values, dict) else list(values)


def unsur() -> list[str]:
    """The 9 SKM unsur column names in Lampiran order (PermenPAN-RB 14/2017); stored by name, never position."""
    return table("ikm_unsur")["unsur"].tolist()


def competencies() -> list[str]:
    """Competency codes M.01-M.08 and SK.01 (PermenPAN-RB 38/2017)."""
    return table("competencies")["competency"].tolist()


def position_classes() -> list[str]:
    return table("required_levels")["position_class"].drop_duplicates().tolist()


def unit_types() -> list[str]:
    return table("unit_types")["unit_type"].tolist()


def sectors() -> list[str]:
    return table("unit_types")["sector"].drop_duplicates().tolist()


def cities() -> pd.DataFrame:
    return table("cities").set_index("city")


def skp_predicate_lookup() -> dict[tuple[str, str], str]:
    """(results_rating, behaviour_rating) -> predicate, per the PermenPAN-RB 6/2022 matrix."""
    m = table("skp_matrix")
    return {
        (r, b): p
        for r, b, p in m[["results_rating", "behaviour_rating", "predicate"]].itertuples(index=False)
    }


def competency_names(lang: str = "id"):
    """Competency code -> its name in ``lang`` (PermenPAN-RB 38/2017; data/reference/competencies.csv)."""
    return table("competencies").set_index("competency")["name_en" if lang == "en" else "name"]


def required_level_differences(
    assessments: pd.DataFrame,
    staff: pd.DataFrame,
    required: pd.DataFrame | None = None,
    records: bool = False,
) -> pd.DataFrame:
    """Where the ``level_required`` recorded with an assessment differs from the standard level for the staff's
    position class (data/reference/required_levels.csv, PermenPAN-RB 38/2017 practice).

    An instansi may record its own standard; the gaps use the reference table unless told otherwise, so a
    planner must be told when the two disagree. Latest assessment per staff and competency (what the gaps
    use). One row per (position_class, competency, standard, recorded): ``staff`` and ``first_row`` (the
    spreadsheet row of the first such record, header = row 1). ``records=True``: the differing records
    themselves (staff_id, position_class, competency, standard, recorded, row), for disclosure control.
    """
    cols = ["position_class", "competency", "standard", "recorded", "staff", "first_row"]
    a = assessments.dropna(subset=["staff_id", "competency", "level_required"])
    a = a.sort_values("assessed_on", kind="stable").drop_duplicates(["staff_id", "competency"], keep="last")
    pos = (
        staff.dropna(subset=["staff_id"]).drop_duplicates("staff_id").set_index("staff_id")["position_class"]
    )
    standard = table("required_levels") if required is None else required
    standard = standard.set_index(["position_class", "competency"])["level_required"]
    frame = pd.DataFrame(
        {
            "position_class": a["staff_id"].map(pos).to_numpy(),
            "competency": a["competency"].to_numpy(),
            "recorded": a["level_required"].to_numpy(dtype=float),
            "staff_id": a["staff_id"].to_numpy(),
            "row": a.index.to_numpy() + 2,
        }
    )
    keys = pd.MultiIndex.from_arrays([frame["position_class"], frame["competency"]])
    frame["standard"] = standard.reindex(keys).to_numpy(dtype=float)
    differ = frame[frame["standard"].notna() & (frame["standard"] != frame["recorded"])]
    if records:
        return differ.astype({"standard": int, "recorded": int}).reset_index(drop=True)
    if differ.empty:
        return pd.DataFrame(columns=cols)
    out = differ.groupby(["position_class", "competency", "standard", "recorded"], as_index=False).agg(
        staff=("row", "size"), first_row=("row", "min")
    )
    out[["standard", "recorded"]] = out[["standard", "recorded"]].astype(int)
    return out.sort_values(["position_class", "competency", "recorded"], ignore_index=True)[cols]
