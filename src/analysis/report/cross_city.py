"""Cross-city tables read from every city's results.json: effects side by side, their random-effects pool,
IKM over time and staff-group shares. The cross_city notebook renders them."""

from __future__ import annotations

import pandas as pd


# ---------------------------------------------------------------------------------------------- cross-city tables
def cross_city_effects(results: dict[str, dict[str, dict]], outcome: str) -> pd.DataFrame:
    rows = []
    for city, by_nb in results.items():
        o = by_nb.get("programme_effects", {}).get("outcomes", {}).get(outcome)
        if o and o.get("estimate") is not None:
            rows.append(
                {
                    "city": city.replace("-", " ").title(),
                    "estimate": o["estimate"],
                    "ci_low": o["ci_low"],
                    "ci_high": o["ci_high"],
                    "n_treated": o["n_treated"],
                    "n_never": o["n_never"],
                    "verdict": o["verdict"],
                }
            )
    return pd.DataFrame(rows)


def cross_city_pooled(
    results: dict[str, dict[str, dict]], outcome: str, lang: str = "id", alpha: float = 0.05
) -> tuple[pd.DataFrame, dict]:
    """Each city's event-time-balanced effect (the same months of exposure everywhere) with its verdict and,
    as the last row, their random-effects pool (:func:`analysis.methods.pooling.random_effects`). Returns the table
    (city, estimate, ci_low, ci_high, verdict, window) and the pooled numbers; ``pooled["sound"]`` is the pool
    of the cities whose own verdict is not fragile or too little data (a fragile city's estimate may carry a
    pre-existing trend into the pool), and ``pooled["left_out"]`` names the others."""
    from analysis.methods.pooling import random_effects
    from analysis.report.i18n import msg

    rows = []
    for city, by_nb in results.items():
        o = by_nb.get("programme_effects", {}).get("outcomes", {}).get(outcome) or {}
        w = o.get("window_effect")
        if w and w.get("estimate") is not None and w.get("se"):
            rows.append(
                {
                    "city": city.replace("-", " ").title(),
                    "se": w["se"],
                    "window": w["window"],
                    "verdict": o.get("verdict", ""),
                    **{k: w[k] for k in ("estimate", "ci_low", "ci_high")},
                }
            )
    table = pd.DataFrame(rows, columns=["city", "estimate", "ci_low", "ci_high", "verdict", "se", "window"])
    pooled = random_effects(table["estimate"], table["se"], alpha)
    weak = table["verdict"].isin(["fragile", "too_little_data"])
    pooled["left_out"] = table.loc[weak, "city"].tolist()
    pooled["sound"] = (
        random_effects(table.loc[~weak, "estimate"], table.loc[~weak, "se"], alpha) if weak.any() else None
    )
    if pooled["k"] >= 2:
        row = {
            "city": msg("cross_city.pooled_row", lang),
            "window": table["window"].iloc[0],
            "verdict": "",
            **{k: pooled[k] for k in ("estimate", "ci_low", "ci_high")},
        }
        table = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
    return table.drop(columns="se"), pooled


def cross_city_ikm(results: dict[str, dict[str, dict]]) -> pd.DataFrame:
    rows = [
        {"city": city.replace("-", " ").title(), **point}
        for city, by_nb in results.items()
        for point in by_nb.get("programme_effects", {}).get("ikm_trend", [])
    ]
    out = pd.DataFrame(rows)
    if not out.empty:
        out["quarter"] = pd.to_datetime(out["quarter"])
    return out


def cross_city_groups(results: dict[str, dict[str, dict]]) -> pd.DataFrame:
    rows = [
        {"city": city.replace("-", " ").title(), "group": g["name"], "share": g["share"]}
        for city, by_nb in results.items()
        for g in by_nb.get("training_needs", {}).get("groups", [])
    ]
    return pd.DataFrame(rows)


def cross_city_by_province(
    results: dict[str, dict[str, dict]], outcome: str, alpha: float = 0.05
) -> pd.DataFrame:
    """Per province (data/reference/cities.csv): its cities with an event-time-balanced effect, their
    random-effects pool with the Hartung-Knapp interval when there are two or more (one city: its own effect,
    no interval from a pool of one), and how many cities each verdict has. What a national reader scans when a
    forest plot of hundreds of cities no longer fits a screen."""
    from analysis.data import reference
    from analysis.methods.pooling import random_effects

    province = reference.cities()["province"].to_dict() if "province" in reference.cities() else {}
    rows = []
    for city, by_nb in results.items():
        o = by_nb.get("programme_effects", {}).get("outcomes", {}).get(outcome) or {}
        w = o.get("window_effect") or {}
        if w.get("estimate") is not None and w.get("se"):
            rows.append(
                {
                    "province": province.get(city, ""),
                    "estimate": w["estimate"],
                    "se": w["se"],
                    "verdict": o["verdict"],
                }
            )
    cities = pd.DataFrame(rows, columns=["province", "estimate", "se", "verdict"])
    out = []
    for name, g in cities.groupby("province", sort=True):
        pooled = random_effects(g["estimate"], g["se"], alpha)
        out.append(
            {
                "province": name,
                "cities": len(g),
                "estimate": pooled["estimate"] if len(g) > 1 else float(g["estimate"].iloc[0]),
                "ci_low": pooled["ci_low"],
                "ci_high": pooled["ci_high"],
                **{
                    v: int((g["verdict"] == v).sum())
                    for v in ("decrease", "increase", "no_detectable_change")
                },
                "fragile_or_thin": int(g["verdict"].isin(["fragile", "too_little_data"]).sum()),
            }
        )
    return pd.DataFrame(out)
