"""A city's training-needs analysis in one call: gaps, staff groups, JPM, the training plan, the 20 JP check
and the talent view, with every published count suppressed under ``min_cell``. The competency notebook
renders this; researchers use the parts."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import reference
from analysis.data.load import CityData
from analysis.methods import (
    competency,
    latent_class,
    performance_effects,
    talent,
    training,
    training_effects,
)
from analysis.report import privacy
from analysis.report.i18n import group_name, interval, money, msg


@dataclass
class NeedsAnalysis:
    """A city's training-needs analysis (:func:`analyse_city`), exact and in no language: shortfalls per staff
    (``gaps``), the staff groups (k-means, and the latent class model beside it), JPM, the enrolments of the
    training plan (without those already trained since their assessment: ``skipped``), the 20 JP check and the
    latest performance. Never published as it is: :func:`publish` hides small counts."""

    city: str
    gaps: pd.DataFrame
    clusters: competency.GapClusters
    jpm: pd.DataFrame
    enrolments: pd.DataFrame
    staff: pd.DataFrame  # staff_id, unit_id, agency, position_class, group (a number; named when published)
    jp_year: int | None
    jp_check: pd.DataFrame | None
    latest_performance: pd.DataFrame | None
    min_cell: int
    required_source: str = "reference"  # reference | recorded: where the required levels come from
    required_differences: pd.DataFrame | None = None  # recorded vs standard levels (competency module)
    required_records: pd.DataFrame | None = None  # the differing records themselves (staff_id, ...)
    latent: latent_class.LatentClasses | None = None  # the alternative model, with membership probabilities
    skipped: pd.DataFrame | None = None  # enrolments left out: already trained on it since the assessment
    learning_pairs: pd.DataFrame | None = None  # staff x competency assessed twice (training_effects)
    learning: pd.DataFrame | None = None  # did training raise the trained competency? per mode
    learning_programmes: pd.DataFrame | None = None  # the same per programme (training code)
    #: did training change the SKP ratings? outcome -> performance_effects.SkpEffect (None: no SKP history)
    performance: dict | None = None
    #: the first SKP year and the first year with a recorded training (``skp_from``, ``trainings_from``):
    #: training before the records begin is invisible to the SKP comparison (see performance_sentences)
    skp_records: dict | None = None
    #: the coaching and talent boxes of the year before the latest, followed one year (talent.next_year)
    next_year: pd.DataFrame | None = None
    #: shortfalls on competencies the catalogue has no programme for (an instansi's own): not in the plan
    no_programme: pd.DataFrame | None = None


def analyse_city(
    data: CityData,
    k_range: range = range(2, 11),
    seed: int = 0,
    n_boot: int = 50,
    min_cell: int = privacy.MIN_CELL,
    required_source: str = "reference",
) -> NeedsAnalysis:
    """A city's training-needs analysis, in no language: shortfalls, staff groups, JPM, enrolments, the 20 JP
    check and the latest performance. :func:`publish` names the groups in the page's language and hides small
    counts.

    Parameters
    ----------
    data : CityData
        A checked city (:func:`analysis.data.load.load_city`).
    k_range : range
        Candidate numbers of staff groups.
    seed : int
        Seed of the clustering and its bootstrap.
    n_boot : int
        Bootstrap resamples of the stability check.
    min_cell : int
        Counts under this are hidden when published.
    required_source : {"reference", "recorded"}
        ``reference`` takes each staff's required levels from the national standard by position class
        (data/reference/required_levels.csv); ``recorded`` takes the ``level_required`` recorded with each
        assessment (an instansi's own standard). Either way the differences between the two are kept.

    Returns
    -------
    NeedsAnalysis

    Examples
    --------
    >>> from analysis.data import load
    >>> na = analyse_city(load.load_city("data/raw/kendari"), n_boot=5)  # doctest: +SKIP
    >>> page = publish(na, "id")  # doctest: +SKIP
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
    latent = latent_class.fit(competency.shortfall(gaps), k_range=range(1, max(k_range) + 1), seed=seed)
    people = staff[["staff_id", "unit_id", "position_class"]].copy()
    people["agency"] = people["unit_id"].map(units["agency"])
    people["group"] = people["staff_id"].map(clusters.labels)
    jp_year = jp_check = None
    if "trainings" in data.tables and len(data.tables["trainings"]):
        jp_year = int(data.tables["trainings"]["start"].dt.year.max())
        jp_check = training.jp_in_year(data.tables["trainings"], staff, jp_year)
    latest = talent.latest_performance(data.tables["performance"]) if "performance" in data.tables else None
    enrolled, skipped = training.with_history(
        training.enrolments(gaps),
        data.tables.get("trainings"),
        assessments,
        uncertain=latent.uncertain,
        jp=jp_check,
    )
    pairs = learning = by_programme = None
    if "trainings" in data.tables and len(data.tables["trainings"]):
        pairs = training_effects.learning_pairs(
            assessments, data.tables["trainings"], staff, training.catalogue()
        )
        if pairs["mode"].notna().any():
            learning = training_effects.learning_effects(pairs)
            by_programme = training_effects.learning_effects(pairs, by="programme")
    return NeedsAnalysis(
        city=data.city,
        performance=skp_effects(data),
        skp_records=skp_records(data),
        no_programme=training.without_programme(gaps),
        next_year=talent.next_year(data.tables["performance"]) if "performance" in data.tables else None,
        gaps=gaps,
        clusters=clusters,
        jpm=competency.jpm(assessed, required),
        enrolments=enrolled,
        skipped=skipped,
        latent=latent,
        learning_pairs=pairs,
        learning=learning,
        learning_programmes=by_programme,
        staff=people,
        jp_year=jp_year,
        jp_check=jp_check,
        latest_performance=latest,
        min_cell=min_cell,
        required_source=required_source,
        required_differences=reference.required_level_differences(assessments, staff),
        required_records=reference.required_level_differences(assessments, staff, records=True),
    )


#: clusterboot's bands, most stable first (competency.JACCARD_BANDS), and the word for a group not assessed.
BANDS = ("highly_stable", "stable", "pattern", "not_trusted")


def skp_effects(data: CityData) -> dict | None:
    """Did a first programme change the SKP ratings (performance_effects)? None without trainings or without
    SKP years before and after them (at least MIN_SKP_YEARS)."""
    if not {"performance", "trainings"} <= set(data.tables) or not len(data.tables["trainings"]):
        return None
    perf = data.tables["performance"]
    if perf["period"].nunique() < MIN_SKP_YEARS:
        return None
    panel = performance_effects.skp_panel(perf, data.tables["trainings"], data.table("staff"))
    return {o: performance_effects.skp_effects(panel, o) for o in performance_effects.OUTCOMES}


def skp_records(data: CityData) -> dict | None:
    """The first SKP year and the first year with a recorded training. The SKP comparison takes a staff
    member's first *recorded* programme as their first: when the SKP years begin before the training records,
    staff trained in between without a record count as untrained or as first trained later."""
    if not {"performance", "trainings"} <= set(data.tables) or not len(data.tables["trainings"]):
        return None
    return {
        "skp_from": int(data.tables["performance"]["period"].min()),
        "trainings_from": int(data.tables["trainings"]["start"].dt.year.min()),
    }


#: SKP years the performance comparison needs: two before the first programme's year (the dip and the year
#: before it) and the year itself
MIN_SKP_YEARS = 3


def stability_note(na: NeedsAnalysis, lang: str = "id") -> tuple[str, dict]:
    """What the report says about the grouping: (catalogue key, fields). Each group is judged on its own by
    clusterboot's bands (competency.JACCARD_BANDS); the sentence counts the groups per band, as the group table
    lists them and results.json stores them: stable when every group is at least stable, else which are not;
    not assessed; or no group structure at all."""
    c = na.clusters
    if c.k == 1:
        return "training_needs.no_structure", {}
    bands = pd.Series(c.stability.get("band", pd.Series(dtype=object)), dtype=object)
    if bands.empty or not bands.isin(BANDS).any():
        return "training_needs.unassessed", {"k": c.k}
    counts = bands.value_counts()
    words = ", ".join(f"{counts[b]} {msg(f'band.{b}', lang)}" for b in BANDS if b in counts)
    return ("training_needs.stable" if c.stable else "training_needs.unstable"), {"k": c.k, "bands": words}


def stability_table(na: NeedsAnalysis, lang: str = "id") -> pd.DataFrame:
    """For researchers: per group, its name, mean bootstrap Jaccard and clusterboot band (no staff counts)."""
    c = na.clusters
    jaccard = c.stability.get("jaccard", pd.Series(dtype=float))
    band = c.stability.get("band", pd.Series(dtype=object))
    return pd.DataFrame(
        {
            msg("col.group", lang): [group_name(c.names[g], lang) for g in c.names],
            "Jaccard": [round(float(jaccard.get(g, float("nan"))), 2) for g in c.names],
            msg("col.band", lang): [msg(f"band.{band.get(g, 'not_assessed')}", lang) for g in c.names],
        }
    )


def shown_count(value) -> object:
    """A count as a sentence shows it: the number, or the hidden-cell marker when the page hides it."""
    return "…" if value is None else value


def shown_money(value, lang: str = "id") -> str:
    return "…" if value is None else money(value, lang)


def latent_selection(na: NeedsAnalysis, lang: str = "id") -> pd.DataFrame:
    """For researchers: the latent class model's log-likelihood, parameters and BIC per k tried."""
    sel = na.latent.selection
    return pd.DataFrame(
        {
            "k": sel["k"].astype(int),
            msg("col.loglik", lang): sel["loglik"].round(1),
            msg("col.parameters", lang): sel["parameters"].astype(int),
            "BIC": sel["bic"].round(1),
            msg("col.chosen", lang): ["✓" if k == na.latent.k else "" for k in sel["k"]],
        }
    )


def plan_totals(na: NeedsAnalysis) -> dict:
    """The whole plan (unprotected: for tests and researchers; the page shows ``page.number(("plan", ...))``)."""
    e = na.enrolments
    return {
        "people": int(e["staff_id"].nunique()),
        "enrolments": len(e),
        "jp": float(e["hours_jp"].sum()),
        "cost_idr": float(e["cost_idr"].sum()),
    }


#: The tables of the competency page, in the order it shows them (names as in :func:`publish`).
TABLES = (
    "required_differences",
    "group_sizes",
    "groups_by_agency",
    "plan_by_programme",
    "training_plan",
    "jp_by_agency",
    "predicate_by_group",
    "talent_by_group",
    "talent_actions",
)


def table(page: privacy.Page, name: str) -> pd.DataFrame:
    """A table as published (empty when the page has none of that name, e.g. no SKP data)."""
    return page.frame(name) if name in page.tables else pd.DataFrame()


def largest_need(page: privacy.Page) -> dict | None:
    """The programme with the most eligible staff, when its count is published."""
    if "plan_by_programme" not in page.tables:
        return None
    by_prog = page.frame("plan_by_programme")
    if by_prog.empty or not isinstance(by_prog["participants"].iloc[0], int):
        return None
    top = by_prog.iloc[0]
    cost = top.get("cost_idr")
    return {
        "training_code": top["training_code"],
        "name": top["name"],
        "competency": top["competency"],
        "participants": int(top["participants"]),
        "cost_idr": None if isinstance(cost, str) or pd.isna(cost) else float(cost),  # None when hidden
    }


def decision_summary(res: dict, lang: str = "id") -> list[str]:
    """Plain sentences for a head of agency at the top of the competency page, made from its results.json
    (``res``, :func:`results`), so every number is one the page publishes and none undoes its suppression: the
    plan's size and cost and its confirm-first part, the 20 JP right, which forms of training worked, and where
    to start (at most five; what the plan skipped is said in its section)."""
    out = []
    plan = res.get("plan") or {}
    if plan.get("people") is not None:
        out.append(
            msg(
                "needs.decision.plan",
                lang,
                assessed=res.get("n_assessed") if res.get("n_assessed") is not None else "…",
                people=plan["people"],
                enrolments=plan.get("enrolments") if plan.get("enrolments") is not None else "…",
                cost=shown_money(plan.get("cost_idr"), lang),
            )
        )
    if plan.get("confirm_enrolments"):
        out.append(
            msg(
                "needs.decision.confirm",
                lang,
                cost=shown_money(plan.get("confirm_cost_idr"), lang),
                enrolments=shown_count(plan["confirm_enrolments"]),
            )
        )
    if res.get("share_20_jp") is not None:
        out.append(
            msg(
                "needs.decision.jp",
                lang,
                share=res["share_20_jp"],
                year=res["jp_year"],
                jp=training.JP_PER_YEAR,
            )
        )
    learned = learning_sentence(res.get("learning"), lang)
    if learned:
        out.append(learned)
    top = res.get("largest_need")
    if top:
        cost = shown_money(top.get("cost_idr"), lang)
        out.append(msg("needs.decision.action", lang, name=top["name"], n=top["participants"], cost=cost))
    return out


def results(na: NeedsAnalysis, page: privacy.Page, demo: bool, lang: str) -> dict:
    """The headline numbers the report shows (results.json), every count as the page publishes it (None when
    hidden): results.json is part of the page, so it cannot undo the page's suppression."""
    sizes = page.frame("group_sizes")
    groups = [
        {
            "name": r["name"],
            "share": float(r["share"]) if not isinstance(r["staff"], str) else None,
            "staff": int(r["staff"]) if not isinstance(r["staff"], str) else None,
            "stability": r["band"] if "band" in r and isinstance(r["band"], str) else None,
        }
        for _, r in sizes.iterrows()
    ]
    checked = ("jp", "staff") in page.cells  # no trainings table: no 20 JP check
    jp_staff = page.number(("jp", "staff")) if checked else None
    jp_meets = page.number(("jp", "meets_20_jp")) if checked else None
    return {
        "city": na.city,
        "demo": demo,
        "lang": lang,
        "n_assessed": page.number(("text", "assessed")),
        "k": int(na.clusters.k),
        "stable": bool(na.clusters.stable),
        "bootstrap_ari": na.clusters.stability["mean_ari"],
        "groups": groups,
        "incomplete": page.number(("text", "incomplete")) if ("text", "incomplete") in page.cells else 0,
        "latent_class": latent_summary(na, page),
        "learning": learning_summary(na, page),
        "performance": performance_summary(na),
        "talent_next_year": next_year_summary(na),
        "largest_need": largest_need(page),
        "plan": {k: page.number(("plan", c)) for k, c in PLAN_FIELDS.items()}
        | history_summary(na, page)
        | {"without_programme": no_programme_summary(na)},
        "jp_year": na.jp_year,
        "share_20_jp": jp_meets / jp_staff if jp_staff and jp_meets is not None else None,
        "min_cell": na.min_cell,
        "disclosure": {"method": privacy.METHOD, **page.counts()},
        "required_levels": required_summary(na, page),
        "by_agency": agency_view(page),
    }


def next_year_summary(na: NeedsAnalysis) -> list[dict] | None:
    """The coaching and talent boxes followed one year (talent.next_year): per group the staff and the shares
    better / same / worse beside the expected ones. A group under ``min_cell`` staff, or with a share that stands
    for fewer than ``min_cell`` staff (but some), is hidden whole (threshold alone: the year before the latest is
    broken down nowhere else on the page)."""
    if na.next_year is None:
        return None
    out = []
    for r in na.next_year.to_dict("records"):
        # a share times the staff is a count: a group with a small count behind any share is hidden whole
        counts = [round(r[k] * r["staff"]) for k in talent.MOVES if r[k] == r[k]]
        if r["staff"] < na.min_cell or any(0 < c < na.min_cell for c in counts):
            r = {k: (None if k not in ("group", "year", "next_year") else v) for k, v in r.items()}
        out.append(r)
    return out


def next_year_sentences(rows: list[dict], lang: str = "id") -> list[str]:
    """One sentence per followed group and the caveat that this is no effect."""
    out = [
        msg(
            "needs.next_year.line",
            lang,
            group=msg(f"talent.group.{r['group']}", lang, boxes=_boxes(r["group"])),
            year=str(r["year"]),
            next_year=str(r["next_year"]),
            staff=r["staff"],
            better=r["better"],
            worse=r["worse"],
            expected_better=r["expected_better"],
            expected_worse=r["expected_worse"],
        )
        for r in rows
        if r["staff"] is not None and r["expected_better"] == r["expected_better"]
    ]
    return out + [msg("needs.next_year.caveat", lang)] if out else []


def _boxes(group: str) -> str:
    boxes = talent.FOLLOWED[group]
    return f"{min(boxes)}-{max(boxes)}"


def no_programme_summary(na: NeedsAnalysis) -> dict | None:
    """Shortfalls the plan cannot cost (no catalogue programme for the competency): the competencies and the
    staff short on them (hidden under ``min_cell`` by the threshold alone: the page breaks it down by nothing).
    None when there are none."""
    np_ = na.no_programme
    if np_ is None or np_.empty:
        return None
    people = int(np_["staff_id"].nunique())
    return {
        "competencies": sorted(np_["competency"].unique().tolist()),
        "people": people if people >= na.min_cell else None,
    }


def history_summary(na: NeedsAnalysis, page: privacy.Page) -> dict:
    """What the plan left out or holds back, as the page publishes it: enrolments skipped because already
    trained since the assessment (people, enrolments, money saved), the confirm-first part, and the planned
    staff below 20 JP this year (None where hidden; 0 where there is nothing)."""

    def number(key):
        return page.number(key) if key in page.cells else 0

    out = {
        f"{what}_{field}": number(("plan", f"{what}_{field}"))
        for what in ("skipped", "confirm")
        for field in ("people", "enrolments", "cost_idr")
    }
    out["below_20_jp"] = number(("plan", "below_20_jp")) if na.jp_check is not None else None
    return out


def learning_summary(na: NeedsAnalysis, page: privacy.Page) -> dict | None:
    """Did training raise the trained competency (training_effects)? Per mode: the effect in levels with its
    interval, the naive before/after, the staff trained and the verdict; the staff assessed twice and the
    comparison's own change.

    Its two kinds of counts are hidden under ``min_cell`` by the threshold alone, outside the page's audit
    (:class:`privacy.Page`, whose linear programmes grow with every cell: the five per-mode cells took 5 of the
    Medan page's 15 s): staff trained per mode and staff assessed twice are broken down by nothing the page
    breaks its cells down by (agency, group, plan), so they add no equation that could pin a hidden cell."""
    if na.learning is None:
        return None
    pairs = na.learning_pairs

    def staff(rows) -> int | None:
        n = int(pairs.loc[rows, "staff_id"].nunique())
        return n if n >= na.min_cell else None

    return {
        "reassessed": staff(pairs.index),
        "comparison_change": na.learning.attrs["comparison_change"],
        "by_mode": [
            {
                "mode": r.mode,
                "estimate": r.estimate,
                "ci_low": r.ci_low,
                "ci_high": r.ci_high,
                "naive": r.naive,
                "staff": staff(pairs.index[pairs["mode"] == r.mode]),
                "verdict": r.verdict,
            }
            for r in na.learning.itertuples()
        ],
        "by_programme": [
            {
                "training_code": r.mode,
                **{k: getattr(r, k) for k in ("estimate", "ci_low", "ci_high", "verdict")},
            }
            for r in na.learning_programmes.itertuples()
        ],
    }


def learning_table(res: dict, lang: str = "id") -> pd.DataFrame:
    """The learning effects as the page shows them, from results.json (so its staff counts are the page's)."""
    level = 95
    return pd.DataFrame(
        [
            {
                msg("col.mode", lang): msg(f"mode.{r['mode']}", lang),
                msg("col.learning_effect", lang): r["estimate"],
                msg("col.ci", lang, level=level): interval(r, lang),
                msg("col.naive", lang): r["naive"],
                msg("col.staff_trained", lang): shown_count(r["staff"]),
                msg("col.verdict", lang): msg(f"verdict.{r['verdict']}", lang),
            }
            for r in res["by_mode"]
        ]
    )


def learning_programme_table(res: dict, lang: str = "id") -> pd.DataFrame:
    """For researchers: the learning effect per programme (catalogue name and mode), no staff counts."""
    cat = training.catalogue().set_index("training_code")
    return pd.DataFrame(
        [
            {
                msg("col.programme", lang): cat.at[r["training_code"], "name"]
                if r["training_code"] in cat.index
                else r["training_code"],
                msg("col.mode", lang): msg(f"mode.{cat.at[r['training_code'], 'mode']}", lang)
                if r["training_code"] in cat.index
                else "",
                msg("col.learning_effect", lang): r["estimate"],
                msg("col.ci", lang, level=95): interval(r, lang),
                msg("col.verdict", lang): msg(f"verdict.{r['verdict']}", lang),
            }
            for r in res["by_programme"]
        ]
    )


def learning_sentence(res: dict, lang: str = "id") -> str | None:
    """One plain sentence: which forms of training raised the level and which showed no detectable change."""
    if not res:
        return None
    worked = [msg(f"mode.{r['mode']}", lang) for r in res["by_mode"] if r["verdict"] == "increase"]
    nothing = [
        msg(f"mode.{r['mode']}", lang) for r in res["by_mode"] if r["verdict"] == "no_detectable_change"
    ]
    if not worked and not nothing:
        return None
    return msg(
        "needs.decision.learning",
        lang,
        worked=", ".join(worked) if worked else "-",
        nothing=", ".join(nothing) if nothing else "-",
    )


def performance_summary(na: NeedsAnalysis) -> dict | None:
    """Did training change the SKP ratings? Per outcome (results, behaviour): the effect in levels with its
    interval and verdict, the two comparisons a reader would otherwise make (before/after, DiD from the year
    before), the dip, the pre-trend p, the trained staff (hidden under ``min_cell`` by the threshold alone, like
    the learning counts: broken down by nothing else on the page) and the event study the figure draws."""
    if not na.performance:
        return None
    out = {"dip_years": performance_effects.DIP_YEARS, "records": na.skp_records, "outcomes": {}}
    for name, e in na.performance.items():
        d = e.to_dict()
        d["staff"] = d.pop("n_trained") if d["n_trained"] >= na.min_cell else None
        d["units"] = d.pop("n_units")
        d["event_study"] = e.event_study[["event_time", "att", "ci_low", "ci_high"]].to_dict("records")
        out["outcomes"][name] = d
    return out


def performance_table(res: dict, lang: str = "id") -> pd.DataFrame:
    """The SKP comparison as the page shows it, from results.json: one row per rating."""
    return pd.DataFrame(
        [
            {
                msg("col.skp_rating", lang): msg(f"skp.{name}", lang),
                msg("col.skp_effect", lang): r["estimate"],
                msg("col.ci", lang, level=95): interval(r, lang),
                msg("col.naive", lang): r["naive_before_after"],
                msg("col.dip", lang): r["dip"].get("estimate", float("nan")),
                msg("col.staff_trained", lang): shown_count(r["staff"]),
                msg("col.verdict", lang): msg(f"verdict.{r['verdict']}", lang),
            }
            for name, r in res["outcomes"].items()
        ]
    )


def performance_method_table(res: dict, lang: str = "id") -> pd.DataFrame:
    """For researchers: our estimate beside the DiD measured from the year just before the first programme
    (what the dip does to it), the pre-trend p, the interval if the trend before the dip carried on in a
    straight line (empty where not needed: the interval already contains zero) and the units."""
    return pd.DataFrame(
        [
            {
                msg("col.skp_rating", lang): msg(f"skp.{name}", lang),
                msg("col.skp_effect", lang): r["estimate"],
                msg("col.ci", lang, level=95): interval(r, lang),
                msg("col.skp_did_year_before", lang): r["naive_did"].get("estimate", float("nan")),
                msg("col.ci_year_before", lang): interval(r["naive_did"], lang) if r["naive_did"] else "",
                msg("col.pretrend_p", lang): r["pretrend_p"],
                msg("col.skp_trend", lang): (
                    interval(r["linear_trend"], lang) if r["linear_trend"].get("status") == "ok" else ""
                ),
                msg("col.units", lang): r["units"],
            }
            for name, r in res["outcomes"].items()
        ]
    )


def performance_sentences(res: dict, lang: str = "id") -> list[str]:
    """Plain sentences: what training did to each rating (with the before/after a reader would otherwise
    believe), the dip when there is one, and, when the SKP years begin before the training records, what
    unrecorded training would do (simulated: the effect understated, the verdict mostly "fragile", a null still
    a null; tests/methods/test_performance_effects.py)."""
    out = []
    for name, r in res["outcomes"].items():
        out.append(
            msg(
                "needs.performance.line",
                lang,
                rating=msg(f"skp.{name}", lang),
                verdict=msg(f"verdict.{r['verdict']}", lang),
                estimate=r["estimate"],
                ci=interval(r, lang),
                naive=r["naive_before_after"],
            )
        )
    dip = res["outcomes"].get("results_level", {}).get("dip") or {}
    if dip and dip["ci_high"] < 0:
        out.append(msg("needs.performance.dip", lang, dip=dip["estimate"]))
    records = res.get("records") or {}
    if records and records["trainings_from"] > records["skp_from"]:
        out.append(
            msg(
                "needs.performance.records_gap",
                lang,
                skp_from=str(records["skp_from"]),  # years: never grouped (2.023)
                trainings_from=str(records["trainings_from"]),
                last_unrecorded=str(records["trainings_from"] - 1),
            )
        )
    return out


def latent_summary(na: NeedsAnalysis, page: privacy.Page) -> dict | None:
    """The latent class model beside k-means: its k by BIC, the staff whose group is uncertain (largest
    probability below latent_class.UNCERTAIN; None when hidden) and the agreement of the two groupings (ARI)."""
    lc = na.latent
    if lc is None:
        return None
    from sklearn.metrics import adjusted_rand_score

    common = lc.labels.index.intersection(na.clusters.labels.index)
    return {
        "k": int(lc.k),
        "uncertain": page.number(("text", "uncertain")),
        "ari_with_kmeans": float(adjusted_rand_score(na.clusters.labels[common], lc.labels[common])),
    }


def agency_view(page: privacy.Page) -> dict:
    """Per agency (perangkat daerah), the cells the page publishes about it, for its own page (the index's view
    per OPD): staff per group, the training plan rows, the 20 JP check. The same cells as the city page (a
    hidden count is None here as there), so a view per agency discloses nothing the city page does not."""

    def value(v):
        if isinstance(v, str):  # a hidden count or a number that would reveal one
            return None
        return None if pd.isna(v) else (int(v) if float(v).is_integer() else float(v))

    out: dict[str, dict] = {}
    if "groups_by_agency" in page.tables:
        for _, r in page.frame("groups_by_agency").iterrows():
            out.setdefault(r["agency"], {})["groups"] = {
                k: value(v) for k, v in r.items() if k not in ("agency", "total")
            }
            out[r["agency"]]["staff"] = value(r.get("total"))
    if "training_plan" in page.tables:
        for _, r in page.frame("training_plan").iterrows():
            out.setdefault(r["agency"], {}).setdefault("plan", []).append(
                {"group": r["group"], **{k: value(r[k]) for k in ("people", "enrolments", "jp", "cost_idr")}}
            )
    if "jp_by_agency" in page.tables:
        for _, r in page.frame("jp_by_agency").iterrows():
            out.setdefault(r["agency"], {})["jp"] = {
                k: value(r[k]) for k in ("staff", "meets_20_jp", "share_20_jp")
            }
    return out


PLAN_FIELDS = {"people": "people", "enrolments": "enrolments", "jp": "hours_jp", "cost_idr": "cost_idr"}


def required_summary(na: NeedsAnalysis, page: privacy.Page) -> dict:
    """Where the required levels came from and how far the recorded ones disagree: the number of (position
    class, competency) standards that differ, and the assessment records concerned (None when hidden)."""
    d = na.required_differences
    pairs = 0 if d is None or d.empty else int(len(d[["position_class", "competency"]].drop_duplicates()))
    records = page.number(("required", "records")) if ("required", "records") in page.cells else 0
    return {"source": na.required_source, "differing_standards": pairs, "records": records}


def named_staff(na: NeedsAnalysis, lang: str = "id") -> pd.DataFrame:
    """The analysis' staff with their group's name in ``lang`` (``group_name``), as the page groups them."""
    names = {g: group_name(n, lang) for g, n in na.clusters.names.items()}
    return na.staff.assign(group_name=na.staff["group"].map(names))


def publish(na: NeedsAnalysis, lang: str = "id") -> privacy.Page:
    """Every staff count the training-needs page states (its tables, sentences, figure titles and results.json),
    registered on one :class:`privacy.Page` and protected together: a hidden count cannot be recovered
    from any other number on the page. Groups are named in ``lang`` here (one name per group number)."""
    staff = named_staff(na, lang)
    page = privacy.Page(staff["staff_id"], min_cell=na.min_cell)
    assessed = staff[staff["staff_id"].isin(na.gaps.index)].dropna(subset=["group"])
    shortfalls = competency.shortfall(na.gaps)
    page.count(("text", "assessed"), na.gaps.index)
    page.count(("text", "short"), shortfalls.index[(shortfalls > 0).any(axis=1)])

    c = na.clusters
    order = pd.DataFrame({"group": list(c.names)})
    sizes = page.grouped("group_sizes", assessed, ["group"], rows=order, keep={"name": "group_name"})
    sizes["name"] = [
        n if isinstance(n, str) else group_name(c.names[g], lang)
        for g, n in zip(sizes["group"], sizes["name"], strict=False)
    ]
    sizes["share"] = sizes["staff"] / max(len(assessed), 1)
    if len(c.stability["jaccard"]):  # the band in words; the Jaccard numbers are in the researchers' part
        sizes["band"] = c.stability["band"].reindex(sizes["group"]).to_numpy()
    page.describe("group_sizes", base=sizes, derived={"share": ["staff"]})

    page.crosstab("groups_by_agency", assessed, "agency", "group_name")

    e = na.enrolments.assign(
        group=na.enrolments["staff_id"].map(staff.set_index("staff_id")["group_name"]),
        agency=na.enrolments["staff_id"].map(staff.set_index("staff_id")["agency"]),
        enrolments=1,
    )
    page.grouped(
        "training_plan", e, ["group", "agency"], count="people", sums=("enrolments", "hours_jp", "cost_idr")
    )
    page.describe("training_plan", rename={"hours_jp": "jp"})
    page.count(("plan", "people"), e["staff_id"])
    for s in ("enrolments", "hours_jp", "cost_idr"):
        page.total(("plan", s), e.set_index("staff_id")[s], owner=("plan", "people"))
    confirm = e[e["confirm_first"]]
    page.count(("plan", "confirm_people"), confirm["staff_id"])
    for s in ("enrolments", "cost_idr"):
        page.total(
            ("plan", f"confirm_{s}"), confirm.set_index("staff_id")[s], owner=("plan", "confirm_people")
        )
    if na.jp_check is not None:
        page.count(("plan", "below_20_jp"), e.loc[e["jp_deficit"] > 0, "staff_id"])
    if na.skipped is not None and len(na.skipped):
        k = na.skipped.assign(enrolments=1)
        page.count(("plan", "skipped_people"), k["staff_id"])
        for s in ("enrolments", "cost_idr"):
            page.total(("plan", f"skipped_{s}"), k.set_index("staff_id")[s], owner=("plan", "skipped_people"))
    incomplete = na.gaps.index[na.gaps.isna().any(axis=1)]
    if len(incomplete):
        page.count(("text", "incomplete"), incomplete)
    if na.latent is not None:
        page.count(("text", "uncertain"), na.latent.uncertain.index[na.latent.uncertain.to_numpy()])
    by_programme = page.grouped(
        "plan_by_programme",
        e,
        ["training_code"],
        count="participants",
        sums=("hours_jp", "cost_idr"),
        keep={"name": "name", "competency": "competency", "mode": "mode"},
    )
    page.describe(
        "plan_by_programme",
        rename={"hours_jp": "jp"},
        order=by_programme.sort_values(["participants", "training_code"], ascending=[False, True]).index,
    )

    if na.jp_check is not None:
        j = na.jp_check.assign(agency=na.jp_check["staff_id"].map(staff.set_index("staff_id")["agency"]))
        base = page.grouped("jp_by_agency", j, ["agency"], flags=("meets_20_jp",))
        base["mean_jp"] = j.groupby("agency")["jp"].mean().reindex(base["agency"]).to_numpy()
        base["share_20_jp"] = base["meets_20_jp"] / base["staff"]
        page.describe("jp_by_agency", derived={"mean_jp": ["staff"], "share_20_jp": ["staff", "meets_20_jp"]})
        page.count(("jp", "staff"), j["staff_id"])
        page.count(("jp", "meets_20_jp"), j.loc[j["meets_20_jp"], "staff_id"])

    if na.latest_performance is not None:
        lp = na.latest_performance.join(staff.set_index("staff_id")[["group_name", "agency"]], how="inner")
        lp = lp.rename_axis("staff_id").reset_index()
        predicates = [p for p in reference.allowed("skp_predicate") if p in set(lp["predicate"])]
        page.crosstab("predicate_by_group", lp, "group_name", "predicate", columns=predicates)
        boxed = lp.dropna(subset=["box"]).assign(box=lambda d: d["box"].astype(int))
        page.crosstab("talent_by_group", boxed, "group_name", "box")
        actions = lp.assign(
            recognition=lp["box"].isin(talent.RECOGNITION_BOXES).fillna(False).astype(bool),
            coaching=lp["box"].isin(talent.COACHING_BOXES).fillna(False).astype(bool),
        )
        page.grouped("talent_actions", actions, ["agency"], flags=("recognition", "coaching"))

    r = na.required_records
    if r is not None and len(r):
        page.grouped("required_differences", r, ["position_class", "competency", "standard", "recorded"])
        page.count(("required", "staff"), r["staff_id"])
        page.total(
            ("required", "records"), r.assign(n=1).set_index("staff_id")["n"], owner=("required", "staff")
        )
    return page.protect()
