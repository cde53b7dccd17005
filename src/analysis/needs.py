"""A city's training-needs analysis in one call: gaps, staff groups, JPM, the training plan, the 20 JP check
and the talent view, with every published count suppressed under ``min_cell``. The competency notebook
renders this; researchers use the parts."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import competency, privacy, reference, talent, training
from .io import CityData
from .messages import group_name


@dataclass
class NeedsAnalysis:
    city: str
    gaps: pd.DataFrame
    clusters: competency.GapClusters
    jpm: pd.DataFrame
    enrolments: pd.DataFrame
    staff: pd.DataFrame  # staff_id, unit_id, agency, position_class, group, group_name
    jp_year: int | None
    jp_check: pd.DataFrame | None
    latest_performance: pd.DataFrame | None
    min_cell: int
    required_source: str = "reference"  # reference | recorded: where the required levels come from
    required_differences: pd.DataFrame | None = None  # recorded vs standard levels (competency module)


def analyse_city(
    data: CityData,
    k_range: range = range(2, 11),
    seed: int = 0,
    n_boot: int = 50,
    min_cell: int = privacy.MIN_CELL,
    lang: str = "en",
    required_source: str = "reference",
) -> NeedsAnalysis:
    """``lang`` sets the language of the group names in the published tables (``clusters.names`` stay English).

    ``required_source``: ``"reference"`` (default) takes each staff's required levels from the national standard
    by position class (data/reference/required_levels.csv); ``"recorded"`` takes the ``level_required`` recorded
    with each assessment (an instansi's own standard). Either way the differences between the two are kept.
    """
    if required_source not in competency.REQUIRED_SOURCES:
        raise ValueError(
            f"required_source must be one of {list(competency.REQUIRED_SOURCES)}, not {required_source!r}"
        )
    staff = data.table("staff")
    units = data.table("units").set_index("unit_id")
    assessments = data.table("competency_assessments")
    gaps, assessed, required = competency.gap_matrix(
        assessments, staff, use_recorded=required_source == "recorded"
    )
    clusters = competency.cluster_gaps(gaps, k_range=k_range, seed=seed, n_boot=n_boot)
    people = staff[["staff_id", "unit_id", "position_class"]].copy()
    people["agency"] = people["unit_id"].map(units["agency"])
    people["group"] = people["staff_id"].map(clusters.labels)
    people["group_name"] = people["group"].map({g: group_name(n, lang) for g, n in clusters.names.items()})
    jp_year = jp_check = None
    if "trainings" in data.tables and len(data.tables["trainings"]):
        jp_year = int(data.tables["trainings"]["start"].dt.year.max())
        jp_check = training.jp_in_year(data.tables["trainings"], staff, jp_year)
    latest = talent.latest_performance(data.tables["performance"]) if "performance" in data.tables else None
    return NeedsAnalysis(
        city=data.city,
        gaps=gaps,
        clusters=clusters,
        jpm=competency.jpm(assessed, required),
        enrolments=training.enrolments(gaps),
        staff=people,
        jp_year=jp_year,
        jp_check=jp_check,
        latest_performance=latest,
        min_cell=min_cell,
        required_source=required_source,
        required_differences=competency.required_level_differences(assessments, staff),
    )


def stability_note(na: NeedsAnalysis) -> tuple[str, dict]:
    """What the report says about the grouping: (catalogue key, fields) - stable, unstable, not assessed, or no
    group structure at all (the gates are competency.ARI_GATE and JACCARD_GATE)."""
    c = na.clusters
    if c.k == 1:
        return "needs.no_structure", {}
    ari = c.stability["mean_ari"]
    if c.stable:
        return "needs.stable", {"k": c.k, "ari": ari}
    if pd.isna(ari):
        return "needs.unassessed", {"k": c.k}
    return "needs.unstable", {
        "k": c.k,
        "ari": ari,
        "jaccard": float(c.stability["jaccard"].min()),
        "ari_gate": competency.ARI_GATE,
        "jaccard_gate": competency.JACCARD_GATE,
    }


def group_sizes(na: NeedsAnalysis) -> pd.DataFrame:
    """Group name, staff, share, bootstrap Jaccard and its band."""
    c = na.clusters
    local = na.staff.drop_duplicates("group").set_index("group")["group_name"]
    out = pd.DataFrame(
        {
            "group": list(c.names),
            "name": [local.get(g, c.names[g]) for g in c.names],
            "staff": c.profiles["size"].reindex(list(c.names)).to_numpy(),
        }
    )
    out["share"] = out["staff"] / out["staff"].sum()
    if len(c.stability["jaccard"]):
        out["jaccard"] = c.stability["jaccard"].to_numpy()
        out["band"] = c.stability["band"].to_numpy()
    hidden, _ = privacy.suppress_rows(out, "staff", dependent=("share",), min_cell=na.min_cell)
    return hidden


def groups_by_agency(na: NeedsAnalysis) -> tuple[pd.DataFrame, int]:
    """Staff per agency x group, small cells suppressed (with complementary suppression of row totals)."""
    assessed = na.staff.dropna(subset=["group"])
    table = pd.crosstab(assessed["agency"], assessed["group_name"])
    return privacy.suppress_crosstab(table, min_cell=na.min_cell)


def training_plan(na: NeedsAnalysis) -> tuple[pd.DataFrame, int]:
    """People, enrolments, JP and cost per group and agency; rows under min_cell people suppressed."""
    people = na.staff.set_index("staff_id")
    plan = training.plan(na.enrolments, people["group_name"], people["agency"])
    return privacy.suppress_rows(
        plan, "people", dependent=("enrolments", "jp", "cost_idr"), min_cell=na.min_cell
    )


def plan_totals(na: NeedsAnalysis) -> dict:
    e = na.enrolments
    return {
        "people": int(e["staff_id"].nunique()),
        "enrolments": len(e),
        "jp": float(e["hours_jp"].sum()),
        "cost_idr": float(e["cost_idr"].sum()),
    }


def jp_by_agency(na: NeedsAnalysis) -> tuple[pd.DataFrame, int]:
    """Share of staff per agency who reached 20 JP in the latest year (agencies under min_cell suppressed)."""
    if na.jp_check is None:
        return pd.DataFrame(), 0
    j = na.jp_check.assign(agency=na.jp_check["staff_id"].map(na.staff.set_index("staff_id")["agency"]))
    out = (
        j.groupby("agency")
        .agg(staff=("staff_id", "size"), mean_jp=("jp", "mean"), share_20_jp=("meets_20_jp", "mean"))
        .reset_index()
    )
    return privacy.suppress_rows(out, "staff", dependent=("mean_jp", "share_20_jp"), min_cell=na.min_cell)


def talent_by_group(na: NeedsAnalysis) -> tuple[pd.DataFrame, int]:
    """Staff per staff group x 9-box (latest SKP period), small cells suppressed."""
    if na.latest_performance is None:
        return pd.DataFrame(), 0
    lp = na.latest_performance.join(na.staff.set_index("staff_id")["group_name"], how="inner").dropna(
        subset=["box"]
    )
    table = pd.crosstab(lp["group_name"], lp["box"].astype(int))
    return privacy.suppress_crosstab(table, min_cell=na.min_cell)


def predicate_by_group(na: NeedsAnalysis) -> tuple[pd.DataFrame, int]:
    if na.latest_performance is None:
        return pd.DataFrame(), 0
    lp = na.latest_performance.join(na.staff.set_index("staff_id")["group_name"], how="inner")
    table = pd.crosstab(lp["group_name"], lp["predicate"])
    order = [p for p in reference.allowed("skp_predicate") if p in table.columns]  # best to worst, not A-Z
    table = table[order + [c for c in table.columns if c not in order]]
    return privacy.suppress_crosstab(table, min_cell=na.min_cell)


def talent_actions(na: NeedsAnalysis) -> tuple[pd.DataFrame, int]:
    """Per agency: staff for recognition (boxes 7-9) and for coaching (boxes 1-3)."""
    if na.latest_performance is None:
        return pd.DataFrame(), 0
    out = talent.actions_by_agency(na.latest_performance, na.staff.set_index("staff_id")["agency"])
    small = out["staff"] < na.min_cell
    hidden, n = privacy.suppress_rows(
        out, "staff", dependent=("recognition", "coaching"), min_cell=na.min_cell
    )
    for col in ("recognition", "coaching"):
        few = ~small & (out[col] > 0) & (out[col] < na.min_cell)
        hidden.loc[few, col] = privacy.MARK.format(min_cell=na.min_cell)
        n += int(few.sum())
    return hidden, n


def required_differences(na: NeedsAnalysis) -> tuple[pd.DataFrame, int]:
    """Recorded vs standard required levels, per position class and competency; rows of fewer than min_cell
    staff suppressed."""
    d = na.required_differences
    if d is None or d.empty:
        return pd.DataFrame(), 0
    return privacy.suppress_rows(d.drop(columns=["first_row"]), "staff", dependent=(), min_cell=na.min_cell)


def largest_need(na: NeedsAnalysis) -> dict | None:
    """The programme with the most eligible staff (shown only when at least min_cell staff need it)."""
    by_prog = training.plan_by_programme(na.enrolments)
    if by_prog.empty or by_prog["participants"].iloc[0] < na.min_cell:
        return None
    top = by_prog.iloc[0]
    return {
        "training_code": top["training_code"],
        "name": top["name"],
        "competency": top["competency"],
        "participants": int(top["participants"]),
    }


def results(na: NeedsAnalysis, demo: bool, lang: str) -> dict:
    """The headline numbers the report shows (results.json); group sizes under min_cell are withheld."""
    sizes = group_sizes(na)
    groups = [
        {
            "name": r["name"],
            "share": float(r["share"]) if isinstance(r["staff"], int | float) else None,
            "staff": int(r["staff"]) if isinstance(r["staff"], int | float) else None,
        }
        for _, r in sizes.iterrows()
    ]
    jp = na.jp_check
    return {
        "city": na.city,
        "demo": demo,
        "lang": lang,
        "n_assessed": int(len(na.gaps)),
        "k": int(na.clusters.k),
        "stable": bool(na.clusters.stable),
        "bootstrap_ari": na.clusters.stability["mean_ari"],
        "groups": groups,
        "largest_need": largest_need(na),
        "plan": plan_totals(na),
        "jp_year": na.jp_year,
        "share_20_jp": float(jp["meets_20_jp"].mean()) if jp is not None else None,
        "min_cell": na.min_cell,
        "required_levels": required_summary(na),
    }


def required_summary(na: NeedsAnalysis) -> dict:
    """Where the required levels came from and how far the recorded ones disagree: the number of (position
    class, competency) standards that differ, and the staff records concerned (withheld under min_cell)."""
    d = na.required_differences
    pairs = 0 if d is None or d.empty else int(len(d[["position_class", "competency"]].drop_duplicates()))
    records = 0 if d is None or d.empty else int(d["staff"].sum())
    return {
        "source": na.required_source,
        "differing_standards": pairs,
        "records": records if records == 0 or records >= na.min_cell else None,
    }
