"""Monitoring a city's service units month by month: which units miss their standard, which are getting worse,
and what citizens rate lowest, the loop every seed city describes (measure, find, follow up).

Per unit, on the measures that count every citizen (:func:`analysis.methods.panels.visit_measures`):

- the median wait over all arrivals as an XmR chart (:mod:`analysis.methods.xmr`; lower is better), assured
  against the unit type's standard (``data/reference/unit_types.csv``), and the walk-out rate as a p-chart
  (binomial limits at each month's number of arrivals: walk-outs are rare among a few dozen visits);
- IKM per quarter with its band and whether the survey reached the Krejcie-Morgan sample, and each unsur's
  score over the last four quarters with the weakest unsur (PermenPAN-RB 14/2017).

A unit *needs attention* (:data:`REASONS`, the codes of results.json) when its wait will consistently miss the
standard (assurance), its latest wait or walk-out rate is a special cause of concern (variation), its latest
IKM over the last four quarters is confidently below Baik (the upper end of its 95% interval under band B), or
its weakest unsur is confidently in band D (upper end under band C) over the four quarters or in the latest
quarter alone (simultaneous intervals over the 9 unsur). Every unit's weakest unsur is listed all
the same: PermenPAN-RB 14/2017 asks for a follow-up plan on it. Only the latest point's signal counts on the
charts, so a stable unit is rarely flagged (tested), and ``since`` says when the signal began.
Codes and numbers only; the report words them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.data import reference
from analysis.data.load import CityData
from analysis.methods import panels, satisfaction, xmr

#: Why a unit needs attention (results.json ``units_needing_attention[].reasons``), in priority order.
REASONS = ("misses_standard", "wait_getting_worse", "walkouts_rising", "ikm_low", "unsur_low")
#: The reasons read from the queue log (the others from the survey).
QUEUE_REASONS = ("misses_standard", "wait_getting_worse", "walkouts_rising")
#: Months of history on the charts (the monitoring report's ``months``).
MONTHS = 24
#: Fewest non-missing months for a chart: fewer and the limits mean little (NHSRplotthedots warns under 12).
MIN_POINTS = 12
#: A unit is also getting worse when the mean of its last this-many months is a special cause of concern
#: against the months before them (:func:`xmr.xmr`'s ``recent``): a slowdown over a quarter that one noisy
#: latest month can hide, and that would widen limits computed over all months.
RECENT_MEAN = 3
#: Lower edges of the IKM bands B (Baik) and C (Kurang Baik) on the 25-100 scale (data/reference/ikm_bands.csv).
BAIK = float(reference.table("ikm_bands").set_index("mutu").at["B", "lower"])
KURANG_BAIK = float(reference.table("ikm_bands").set_index("mutu").at["C", "lower"])
#: Quarters of survey answers behind the unsur scores.
UNSUR_QUARTERS = 4
#: The latest quarter alone is read too, for an unsur that collapsed recently (four quarters dilute it): its
#: 9 unsur at once, so each interval is widened to hold together (Bonferroni, 95% over 9: z = 2.77), and an
#: unsur needs this many answers in the quarter.
LATEST_Z = 2.77
LATEST_MIN_ANSWERS = 10


@dataclass
class UnitCharts:
    """One unit's charts: ``wait`` (median over all arrivals) and ``walkouts`` (walk-out rate), None when the
    unit has fewer than :data:`MIN_POINTS` usable months."""

    wait: xmr.XmR | None = None
    walkouts: xmr.XmR | None = None


@dataclass
class Monitoring:
    """A city's monitoring (:func:`monitor_city`).

    ``measures``: unit x month (:func:`panels.visit_measures`, the last ``months``); ``charts``: unit ->
    :class:`UnitCharts`; ``ikm``: unit x quarter IKM with ``n``, ``mutu`` and ``below_minimum``; ``unsur``: unit
    x unsur score (1-4) over the last quarters, with ``weakest_unsur``; ``units``: one row per unit with the
    latest values, the icons and the ``reasons`` (codes) and ``since`` (first month of each reason's signal)."""

    city: str
    measures: pd.DataFrame | None
    charts: dict[str, UnitCharts]
    ikm: pd.DataFrame | None
    unsur: pd.DataFrame | None
    units: pd.DataFrame
    last_month: pd.Timestamp | None = None
    params: dict = field(default_factory=dict)
    #: city-wide, per unsur over the same quarters: mean score, answers and the share of each answer 1-4
    answers: pd.DataFrame | None = None

    def attention(self) -> pd.DataFrame:
        """The units that need attention, most reasons first: unit_id, agency, unit_type, reasons, since."""
        out = self.units[self.units["reasons"].map(len) > 0]
        order = out["reasons"].map(lambda r: (-len(r), REASONS.index(r[0])))
        return out.assign(_o=order).sort_values(["_o", "unit_id"]).drop(columns="_o").reset_index(drop=True)

    def tidy(self) -> pd.DataFrame:
        """One row per unit (the ``units`` table)."""
        return self.units.copy()


def _signal_start(chart: xmr.XmR, months: pd.Series) -> pd.Timestamp | None:
    """The first month of the special-cause signal of concern the latest months show: the run of concern points
    the latest point belongs to, else the first of the last :data:`RECENT_MEAN` months when their mean is the
    signal. None without a signal."""
    types = chart.points["point_type"].to_numpy()
    present = np.flatnonzero(types != "missing")
    if not len(present):
        return None
    if types[present[-1]] != "special_cause_concern":
        if chart.recent == "special_cause_concern":
            return pd.Timestamp(months.iloc[present[-RECENT_MEAN]])
        return None
    start = present[-1]
    for i in present[::-1]:
        if types[i] != "special_cause_concern":
            break
        start = i
    return pd.Timestamp(months.iloc[start])


def survey_summary(responses: pd.DataFrame) -> pd.DataFrame:
    """Per unit, over the given responses: the IKM (weighted unsur means x 25, :func:`satisfaction.ikm`) and the
    upper end of its 95% interval (respondents' weighted scores: mean + 1.96 SE), its band, ``n``, each
    unsur's score on 1-4, and the weakest unsur with its score and the upper end of its 95% interval on the
    25-100 scale. Aggregating quarters weights each response once: precision weights by sample size."""
    unsur = reference.table("ikm_unsur")
    cols, weights = unsur["unsur"].tolist(), unsur.set_index("unsur")["weight"]
    table = satisfaction.ikm(responses, by="unit_id").set_index("unit_id")
    scored = responses[["unit_id", *cols]].copy()
    answered = scored[cols].notna()
    # a respondent's IKM: the weighted mean of the unsur answered (weights renormalised), x 25
    scored["score"] = 25 * (
        scored[cols].fillna(0).mul(weights).sum(axis=1) / answered.mul(weights).sum(axis=1)
    )
    g = scored.groupby("unit_id")
    se = g["score"].std() / np.sqrt(g["score"].count())
    out = table.reindex(columns=["n", "ikm", "mutu", *cols]).copy()
    out["ikm_upper"] = out["ikm"] + 1.96 * se.reindex(out.index)
    means, sds, ns = g[cols].mean(), g[cols].std(), g[cols].count()
    upper = 25 * (means + 1.96 * sds / np.sqrt(ns))
    weakest = means.idxmin(axis=1)
    out["weakest_unsur"] = weakest.reindex(out.index)
    out["weakest_score"] = [float(means.at[u, w]) for u, w in out["weakest_unsur"].items()]
    out["weakest_upper"] = [float(upper.at[u, w]) for u, w in out["weakest_unsur"].items()]
    return out


def latest_unsur_low(responses: pd.DataFrame) -> pd.DataFrame:
    """Per unit, over one quarter's responses: the unsur whose score is lowest among those confidently in band
    D (upper end of its simultaneous interval, :data:`LATEST_Z`, under Kurang Baik; at least
    :data:`LATEST_MIN_ANSWERS` answers), with that upper end on the 25-100 scale. Units with none are left out."""
    cols = reference.table("ikm_unsur")["unsur"].tolist()
    g = responses.groupby("unit_id")[cols]
    means, sds, ns = g.mean(), g.std(), g.count()
    upper = 25 * (means + LATEST_Z * sds / np.sqrt(ns))
    low = (upper < KURANG_BAIK) & (ns >= LATEST_MIN_ANSWERS)
    rows = [
        {
            "unit_id": u,
            "unsur": means.loc[u, low.loc[u]].idxmin(),
            "upper": float(upper.loc[u, low.loc[u]].min()),
        }
        for u in low.index[low.any(axis=1)]
    ]
    return pd.DataFrame(rows, columns=["unit_id", "unsur", "upper"]).set_index("unit_id")


def answer_distribution(responses: pd.DataFrame) -> pd.DataFrame:
    """Per unsur (in the Lampiran's order): the mean score on 1-4, the number of answers and the share of each
    answer option 1 (tidak baik) .. 4 (sangat baik). What PermenPAN-RB 14/2017 asks a unit to publish with its
    follow-up plan, here for the whole city."""
    unsur = reference.table("ikm_unsur").sort_values("lampiran_order")["unsur"].tolist()
    rows = []
    for u in unsur:
        answers = responses[u].dropna().astype(int)
        shares = answers.value_counts(normalize=True).reindex([1, 2, 3, 4], fill_value=0.0)
        rows.append(
            {
                "unsur": u,
                "score": float(answers.mean()),
                "answers": int(len(answers)),
                **{f"share_{k}": float(shares[k]) for k in (1, 2, 3, 4)},
            }
        )
    return pd.DataFrame(rows)


def monitor_city(
    data: CityData,
    months: int = MONTHS,
    min_visits: int = panels.MIN_VISITS,
    outage_share: float = panels.OUTAGE_SHARE,
) -> Monitoring:
    """Every unit's charts, IKM and unsur scores, and why it needs attention (see the module docstring).

    Parameters
    ----------
    data : CityData
        A checked city; a visit log, a survey, or both (the parts without data are None).
    months : int
        Months of history on the charts, ending with the last month in the log.
    min_visits, outage_share
        A month with fewer arrivals, or fewer than this share of the unit's usual month, is missing
        (:func:`panels.visit_measures`).

    Returns
    -------
    Monitoring

    Examples
    --------
    >>> from analysis.data import load
    >>> mon = monitor_city(load.load_city("data/raw/kendari"))  # doctest: +SKIP
    >>> mon.attention()[["unit_id", "reasons"]].head()  # doctest: +SKIP
    """
    units = data.table("units").set_index("unit_id")
    standards = reference.table("unit_types").set_index("unit_type")["standard_minutes"]
    rows: dict[str, dict] = {u: {"reasons": [], "since": {}} for u in units.index}
    charts: dict[str, UnitCharts] = {}
    measures = last_month = visits = None
    if data.visits is not None:
        measures = panels.visit_measures(data, min_visits=min_visits, outage_share=outage_share)
        # arrivals per unit-month for the survey's sample-size check: the log is scanned once, not twice
        visits = measures.loc[measures["arrivals"] > 0, ["unit_id", "month", "arrivals"]].rename(
            columns={"arrivals": "visits"}
        )
        if len(measures):
            last_month = measures["month"].max()
            first = last_month - pd.DateOffset(months=months - 1)
            measures = measures[measures["month"] >= first]
            # every unit on every month of the window: months before its log or after it ended are missing
            grid = pd.MultiIndex.from_product(
                [measures["unit_id"].unique(), pd.date_range(first, last_month, freq="MS")],
                names=["unit_id", "month"],
            )
            window = measures.set_index(["unit_id", "month"]).reindex(grid).reset_index()
            for unit, m in window.groupby("unit_id", sort=True):
                m = m.reset_index(drop=True)
                c = UnitCharts()
                standard = standards.get(units.at[unit, "unit_type"]) if unit in units.index else None
                if m["median_wait_all_arrivals"].notna().sum() >= MIN_POINTS:
                    target = float(standard) if standard is not None and pd.notna(standard) else None
                    c.wait = xmr.xmr(
                        m["median_wait_all_arrivals"],
                        improvement="decrease",
                        target=target,
                        recent=RECENT_MEAN,
                    )
                if m["walkout_rate"].notna().sum() >= MIN_POINTS:  # rare events among few visits: a p-chart
                    usable = m["status"] == "ok"
                    c.walkouts = xmr.pchart(
                        (m["arrivals"] - m["served"]).where(usable),
                        m["arrivals"].where(usable),
                        "decrease",
                        recent=RECENT_MEAN,
                    )
                charts[unit] = c
                r = rows.setdefault(unit, {"reasons": [], "since": {}})
                latest = m.dropna(subset=["arrivals"]).iloc[-1] if m["arrivals"].notna().any() else None
                r.update(
                    last_wait=latest["median_wait_all_arrivals"] if latest is not None else np.nan,
                    last_walkout_rate=latest["walkout_rate"] if latest is not None else np.nan,
                    last_share_within_standard=latest["share_within_standard_all"]
                    if latest is not None
                    else np.nan,
                    standard_minutes=standard,
                    wait_variation=c.wait.variation if c.wait else None,
                    wait_assurance=c.wait.assurance if c.wait else None,
                    walkout_variation=c.walkouts.variation if c.walkouts else None,
                    wait_recent=c.wait.recent if c.wait else None,
                    walkout_recent=c.walkouts.recent if c.walkouts else None,
                )
                if c.wait is not None and c.wait.assurance == "consistent_fail":
                    r["reasons"].append("misses_standard")
                    r["since"]["misses_standard"] = pd.Timestamp(
                        m.loc[m["median_wait_all_arrivals"].notna(), "month"].iloc[0]
                    )
                for reason, chart in (("wait_getting_worse", c.wait), ("walkouts_rising", c.walkouts)):
                    start = _signal_start(chart, m["month"]) if chart is not None else None
                    if start is not None:
                        r["reasons"].append(reason)
                        r["since"][reason] = start
    ikm_table = unsur_table = answers = None
    survey = data.tables.get("satisfaction_responses")
    if survey is not None and survey["surveyed_on"].notna().any():
        ikm_table = panels.ikm_panel(data, visits=visits)
        resp = data.table("satisfaction_responses").dropna(subset=["surveyed_on"]).copy()
        resp["quarter"] = resp["surveyed_on"].dt.to_period("Q").dt.start_time
        recent = resp[resp["quarter"] > resp["quarter"].max() - pd.DateOffset(months=3 * UNSUR_QUARTERS)]
        unsur_table = survey_summary(recent)
        answers = answer_distribution(recent)
        latest_quarter = recent["quarter"].max()
        collapsed = latest_unsur_low(recent[recent["quarter"] == latest_quarter])
        for unit, s in unsur_table.iterrows():
            r = rows.setdefault(unit, {"reasons": [], "since": {}})
            r.update({k: s[k] for k in ("ikm", "ikm_upper", "mutu", "n", "weakest_unsur", "weakest_score")})
            r["ikm_quarters"] = f"{recent['quarter'].min():%Y-%m}..{recent['quarter'].max():%Y-%m}"
            if s["ikm_upper"] < BAIK:
                r["reasons"].append("ikm_low")
                r["since"]["ikm_low"] = pd.Timestamp(recent["quarter"].min())
            if s["weakest_upper"] < KURANG_BAIK:  # low over the four quarters
                r["reasons"].append("unsur_low")
                r["since"]["unsur_low"] = pd.Timestamp(recent["quarter"].min())
                r["unsur_low_unsur"], r["unsur_low_quarters"] = s["weakest_unsur"], UNSUR_QUARTERS
            elif unit in collapsed.index:  # or fallen in the latest quarter
                r["reasons"].append("unsur_low")
                r["since"]["unsur_low"] = pd.Timestamp(latest_quarter)
                r["unsur_low_unsur"], r["unsur_low_quarters"] = collapsed.at[unit, "unsur"], 1
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("unit_id").reset_index()
    table["reasons"] = table["reasons"].map(lambda rs: sorted(rs, key=REASONS.index))
    table = table.merge(
        units.reindex(columns=["agency", "unit_type", "sector", "unit_name"]).reset_index(),
        on="unit_id",
        how="left",
    )
    return Monitoring(
        data.city,
        measures,
        charts,
        ikm_table,
        unsur_table,
        table,
        last_month,
        {"months": months, "min_visits": min_visits, "outage_share": outage_share},
        answers,
    )
