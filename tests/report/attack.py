"""A subtraction attack on a published competency page, written independently of ``analysis.report.privacy``.

The attacker reads what the page publishes (its tables as shown, results.json, the counts in its sentences)
and knows what each number means (the definitions below, written here from the microdata, not taken from the
library's registration). Every published number becomes a linear equation in the unknown numbers of people
of each kind; every marker becomes a bound (``<10``: 1 to 9; ``x``: at least 10, because the distinct marker
says so). For each hidden count, linear programming gives the smallest and largest value all of that allows.
A cell whose interval holds a single whole number is recovered.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog


def _is_number(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and not pd.isna(v)


def equations(
    na, frames: dict[str, pd.DataFrame], results: dict, sentences: dict, lang: str = "id"
) -> list[tuple]:
    """(what, weights per staff id, published value or marker) for every number the page states."""
    from analysis.report.training_needs import named_staff

    staff = named_staff(na, lang).set_index("staff_id")
    assessed = staff.loc[staff.index.isin(na.gaps.index)].dropna(subset=["group"])
    out: list[tuple] = []

    def add(what, ids_or_weights, shown):
        if isinstance(ids_or_weights, pd.Series) and pd.api.types.is_numeric_dtype(ids_or_weights):
            w = ids_or_weights.groupby(level=0).sum()
        else:
            w = pd.Series(1.0, index=pd.Index(pd.unique(pd.Index(ids_or_weights))))
        out.append((what, w, shown))

    def rows(name):
        f = frames.get(name)
        return [] if f is None or f.empty else list(f.iterrows())

    for _, r in rows("group_sizes"):
        add(("group", r["name"]), assessed.index[assessed["group_name"] == r["name"]], r["staff"])
    f = frames.get("groups_by_agency")
    if f is not None and not f.empty:
        for _, r in f.iterrows():
            in_agency = assessed[assessed["agency"] == r["agency"]]
            for col in f.columns.drop("agency"):
                ids = in_agency.index if col == "total" else in_agency.index[in_agency["group_name"] == col]
                add(("groups_by_agency", r["agency"], col), ids, r[col])

    e = na.enrolments.assign(
        group=na.enrolments["staff_id"].map(staff["group_name"]),
        agency=na.enrolments["staff_id"].map(staff["agency"]),
    )
    for _, r in rows("training_plan"):
        sub = e[(e["group"] == r["group"]) & (e["agency"] == r["agency"])]
        add(("plan", r["group"], r["agency"], "people"), sub["staff_id"], r["people"])
        add(
            ("plan", r["group"], r["agency"], "enrolments"),
            sub.groupby("staff_id").size().astype(float),
            r["enrolments"],
        )
        add(("plan", r["group"], r["agency"], "jp"), sub.set_index("staff_id")["hours_jp"], r["jp"])
        add(("plan", r["group"], r["agency"], "cost"), sub.set_index("staff_id")["cost_idr"], r["cost_idr"])
    for _, r in rows("plan_by_programme"):
        sub = e[e["training_code"] == r["training_code"]]
        add(("programme", r["training_code"]), sub["staff_id"], r["participants"])
        add(("programme", r["training_code"], "jp"), sub.set_index("staff_id")["hours_jp"], r["jp"])
        add(("programme", r["training_code"], "cost"), sub.set_index("staff_id")["cost_idr"], r["cost_idr"])
    plan = results.get("plan") or {}
    for k, col in (("people", None), ("enrolments", None), ("jp", "hours_jp"), ("cost_idr", "cost_idr")):
        if k == "people":
            w = e["staff_id"]
        elif k == "enrolments":
            w = e.groupby("staff_id").size().astype(float)
        else:
            w = e.set_index("staff_id")[col]
        add(("plan total", k), w, plan.get(k, "?"))
    need = results.get("largest_need")
    if need:
        add(
            ("largest", need["training_code"]),
            e.loc[e["training_code"] == need["training_code"], "staff_id"],
            need["participants"],
        )

    if na.jp_check is not None:
        j = na.jp_check.assign(agency=na.jp_check["staff_id"].map(staff["agency"]))
        for _, r in rows("jp_by_agency"):
            sub = j[j["agency"] == r["agency"]]
            add(("jp", r["agency"]), sub["staff_id"], r["staff"])
            meets = r.get("meets_20_jp", None)
            if meets is None and _is_number(r["share_20_jp"]) and _is_number(r["staff"]):
                meets = round(r["share_20_jp"] * r["staff"])  # a share times a published count is a count
            if meets is not None:
                add(("jp meets", r["agency"]), sub.loc[sub["meets_20_jp"], "staff_id"], meets)
        share = results.get("share_20_jp")
        if _is_number(share):
            add(("jp meets", "all"), j.loc[j["meets_20_jp"], "staff_id"], round(share * len(j)))

    if na.latest_performance is not None:
        lp = na.latest_performance.join(staff[["group_name", "agency"]], how="inner")
        for name, col in (("predicate_by_group", "predicate"), ("talent_by_group", "box")):
            f = frames.get(name)
            if f is None or f.empty:
                continue
            values = [c for c in f.columns if c not in ("group_name", "total")]
            for _, r in f.iterrows():
                sub = lp[lp["group_name"] == r["group_name"]]
                for c in values:
                    add((name, r["group_name"], c), sub.index[sub[col].astype(object) == c], r[c])
                if "total" in f.columns:
                    add(
                        (name, r["group_name"], "total"),
                        sub.index[sub[col].astype(object).isin(values)],
                        r["total"],
                    )
        for _, r in rows("talent_actions"):
            sub = lp[lp["agency"] == r["agency"]]
            add(("actions", r["agency"]), sub.index, r["staff"])
            add(
                ("actions", r["agency"], "recognition"),
                sub.index[sub["box"].isin([7, 8, 9]).fillna(False)],
                r["recognition"],
            )
            add(
                ("actions", r["agency"], "coaching"),
                sub.index[sub["box"].isin([1, 2, 3]).fillna(False)],
                r["coaching"],
            )

    rec = na.required_records
    if rec is not None and len(rec):
        for _, r in rows("required_differences"):
            sub = rec[
                (rec["position_class"] == r["position_class"])
                & (rec["competency"] == r["competency"])
                & (rec["standard"] == r["standard"])
                & (rec["recorded"] == r["recorded"])
            ]
            add(
                ("required", *r[["position_class", "competency", "standard", "recorded"]]),
                sub["staff_id"],
                r["staff"],
            )
        records = (results.get("required_levels") or {}).get("records")
        add(
            ("required", "records"),
            rec.assign(n=1.0).set_index("staff_id")["n"],
            records if records is not None else "<10",
        )

    add(("text", "assessed"), na.gaps.index, results.get("n_assessed", "?"))
    short = (na.gaps < 0).any(axis=1)
    add(("text", "short"), short.index[short], sentences.get("n_short", "?"))
    return out


def attack(
    eqs: list[tuple], min_cell: int = 10, trust_markers: bool = True, every: bool = False
) -> pd.DataFrame:
    """Per count shown as '<10' (``every``: per hidden count): the interval the published numbers allow.
    ``trust_markers``: a '<10' holds 1-9 and an 'x' at least min_cell (False: only 'not negative', for pages
    whose '<10' also marked larger cells)."""
    people = pd.Index(pd.unique(pd.concat([pd.Series(w.index) for _, w, _ in eqs], ignore_index=True)))
    rows, cols, vals = [], [], []
    for i, (_, w, _) in enumerate(eqs):
        rows += [i] * len(w)
        cols += list(people.get_indexer(w.index))
        vals += list(w.to_numpy(dtype=float))
    m = sparse.csc_matrix((vals, (rows, cols)), shape=(len(eqs), len(people)))
    kinds = pd.Series([m[:, [j]].toarray().ravel().tobytes() for j in range(m.shape[1])])
    kind, first = pd.factorize(kinds)[0], None
    first = pd.Series(np.arange(len(kind))).groupby(kind).first().to_numpy()
    size = np.bincount(kind).astype(float)
    a = m[:, first].toarray()  # equations x kinds of people (people no number tells apart are one kind)
    scale = np.maximum(np.abs(a).max(axis=1), 1.0)
    eq, ub_rows, ub = [], [], []
    hidden = []
    for i, (_what, _, shown) in enumerate(eqs):
        if _is_number(shown):
            eq.append(i)
        elif shown == f"<{min_cell}":
            hidden.append(i)
            if trust_markers:
                ub_rows += [a[i] / scale[i], -a[i] / scale[i]]
                ub += [(min_cell - 1) / scale[i], -1 / scale[i]]
        elif shown == "x":
            hidden.append(i)
            if trust_markers:
                ub_rows.append(-a[i] / scale[i])
                ub.append(-min_cell / scale[i])
    a_eq = a[eq] / scale[eq, None]
    b_eq = np.array([float(eqs[i][2]) for i in eq]) / scale[eq]
    truth = a @ size
    found = []
    for i in hidden:
        if not np.allclose(a[i], np.round(a[i])) or eqs[i][1].sum() != len(eqs[i][1]):
            continue  # a hidden sum (JP, cost), not a count of people
        if not every and eqs[i][2] != f"<{min_cell}":
            continue
        bounds = []
        for sign in (1.0, -1.0):
            res = linprog(
                sign * a[i],
                A_ub=np.array(ub_rows) if ub_rows else None,
                b_ub=np.array(ub) if ub_rows else None,
                A_eq=a_eq,
                b_eq=b_eq,
                bounds=(0, None),
                method="highs-ds",
                options={"presolve": False},
            )
            assert res.status == 0, (
                f"the published page is inconsistent with its data ({eqs[i][0]}): {res.message}"
            )
            bounds.append(sign * res.fun)
        lo, hi = np.ceil(bounds[0] - 1e-6), np.floor(bounds[1] + 1e-6)
        found.append({"cell": eqs[i][0], "true": truth[i], "low": lo, "high": hi, "width": hi - lo})
    return pd.DataFrame(found, columns=["cell", "true", "low", "high", "width"])
