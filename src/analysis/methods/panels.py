"""Unit x period panels: the visit log aggregated by DuckDB to unit x month, IKM per unit x quarter.

Everything downstream (effects, plots) works on these panels, never on the visit-level log. ``period`` is an
integer index (1 = the first month, or quarter, in the data); ``cohort`` is the period in which the unit
started the programme, missing for never-treated units.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from analysis.data import reference
from analysis.data.load import CityData
from analysis.methods import satisfaction

WAIT = "date_diff('second', arrived_at, served_at) / 60.0"
PROC = "date_diff('second', served_at, completed_at) / 60.0"


def _log_with_standards(city: CityData) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the city's visit log as ``service_visits`` and each unit's waiting-time
    standard (its unit type's, data/reference/unit_types.csv) as ``_standards``: what every visit query joins."""
    units = city.table("units")
    standards = reference.table("unit_types")[["unit_type", "standard_minutes"]]
    std = units[["unit_id", "unit_type"]].merge(standards, on="unit_type", how="left")[
        ["unit_id", "standard_minutes"]
    ]
    con = duckdb.connect()
    city.visits.register(con)
    con.register("_standards", std)
    return con


def visit_panel(city: CityData) -> pd.DataFrame:
    """Unit x month: visits, median and p90 waiting minutes, median processing minutes, share of served visits
    within the unit type's standard (data/reference/unit_types.csv), the measures that count every citizen
    (:func:`visit_measures`: walk-out rate, median over all arrivals, share of all arrivals within the
    standard, service-mix-standardised median; as outcomes for the effects), plus unit attributes and timing.
    Every month with visits is kept: the effects weigh thin months through their noise, not by a cut-off."""
    if city.visits is None:
        raise KeyError(
            f"{city.directory} has no service_visits table: the waiting-time panel cannot be built"
        )
    panel = _unit_months(city, served_only_extras=True).rename(columns={"arrivals": "visits"})
    if panel.empty:  # a header-only log: nothing to time (readiness.effects_plan says so)
        return panel
    return add_timing(panel, city, "month", "M")


#: Visit-panel columns that are shares (0-1). The effects read them in percent, so that an effect is in
#: percentage points ("2.3 points fewer walk-outs"), not in hundredths of a share.
SHARES = ("share_within_standard", "share_within_standard_all", "walkout_rate")


def in_percent(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel with its :data:`SHARES` in percent (0-100)."""
    shares = [c for c in SHARES if c in panel]
    return panel.assign(**{c: 100 * panel[c] for c in shares}) if shares else panel


#: A walk-out's wait in the all-arrivals median: longer than any real one (minutes; about 1,900 years).
WALKED_OUT = 1e9


def _unit_months(city: CityData, served_only_extras: bool = False) -> pd.DataFrame:
    """The visit log to unit x month in one pass over a temporary table: arrivals, served, the median wait of the
    served, the share within the standard (of the served and of all arrivals), the median over all arrivals
    (walk-outs as the longest waits), the walk-out rate and the service-mix-standardised median; with
    ``served_only_extras`` the p90 wait and the median processing time too."""
    con = _log_with_standards(city)
    con.execute(f"""
        CREATE TEMP TABLE v AS
        SELECT v.unit_id, date_trunc('month', arrived_at)::DATE AS month, coalesce(service_type, '') AS service,
               CASE WHEN served_at IS NULL THEN NULL ELSE {WAIT} END AS wait, s.standard_minutes AS standard
               {f", {PROC} AS proc" if served_only_extras else ""}
        FROM service_visits v LEFT JOIN _standards s USING (unit_id)
        WHERE arrived_at IS NOT NULL
    """)
    extras = (
        """, quantile_cont(wait, 0.9) AS p90_wait_minutes, median(proc) AS median_processing_minutes"""
        if served_only_extras
        else ""
    )
    # walk-outs sort last: as a wait longer than any (WALKED_OUT), the median of all arrivals is a served wait,
    # or unknown when a middle rank is a walk-out (half or more walked out)
    panel = con.execute(f"""
        SELECT unit_id, month, count(*) AS arrivals, count(wait) AS served,
               median(wait) AS median_wait_minutes {extras},
               avg(CASE WHEN wait IS NULL THEN NULL WHEN wait <= standard THEN 1.0 ELSE 0.0 END)
                   AS share_within_standard,
               sum(CASE WHEN wait <= standard THEN 1.0 ELSE 0.0 END) / count(*) AS share_within_standard_all,
               median(coalesce(wait, {WALKED_OUT})) AS median_wait_all_arrivals
        FROM v GROUP BY ALL ORDER BY 1, 2
    """).df()
    unknown = panel["median_wait_all_arrivals"] >= WALKED_OUT / 2
    panel.loc[unknown, "median_wait_all_arrivals"] = np.nan
    by_service = con.execute("""
        SELECT unit_id, month, service, count(*) AS n, median(wait) AS med FROM v WHERE wait IS NOT NULL
        GROUP BY ALL
    """).df()
    con.close()
    panel["month"] = pd.to_datetime(panel["month"])
    by_service["month"] = pd.to_datetime(by_service["month"])
    mix = by_service.groupby(["unit_id", "service"])["n"].sum()
    by_service["weight"] = by_service.set_index(["unit_id", "service"]).index.map(
        mix / mix.groupby(level="unit_id").transform("sum")
    )
    weighted = by_service.assign(wm=by_service["med"] * by_service["weight"]).groupby(["unit_id", "month"])
    standardised = (weighted["wm"].sum() / weighted["weight"].sum()).rename("median_wait_standardised")
    panel = panel.merge(standardised.reset_index(), on=["unit_id", "month"], how="left")
    panel["walkout_rate"] = 1.0 - panel["served"] / panel["arrivals"]
    return panel


def ikm_panel(city: CityData, visits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Unit x quarter IKM (PermenPAN-RB 14/2017), with respondents n and the Krejcie-Morgan check against the
    quarter's recorded visits when a visit log is present (pass ``visits``, the :func:`visit_panel` already
    built, to avoid scanning the log again)."""
    resp = city.table("satisfaction_responses").copy()
    resp["quarter"] = resp["surveyed_on"].dt.to_period("Q").dt.start_time
    table = satisfaction.ikm(resp, by=["unit_id", "quarter"])
    if visits is None and city.visits is not None:
        visits = visit_panel(city)
    if visits is not None:
        users = (
            visits.assign(quarter=visits["month"].dt.to_period("Q").dt.start_time)
            .groupby(["unit_id", "quarter"], as_index=False)["visits"]
            .sum()
        )
        aligned = table[["unit_id", "quarter"]].merge(users, on=["unit_id", "quarter"], how="left")["visits"]
        table = satisfaction.sample_adequacy(table, aligned)
    return add_timing(table, city, "quarter", "Q")


def city_panels(city: CityData) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The visit panel and the IKM panel, None where the city has no (or only an empty) visit log or survey:
    the one place that decides, for the report and for `validate`'s plan alike."""
    vp = visit_panel(city) if city.visits is not None else None
    vp = None if vp is None or vp.empty else vp
    survey = city.tables.get("satisfaction_responses")
    ip = ikm_panel(city, visits=vp) if survey is not None and survey["surveyed_on"].notna().any() else None
    return vp, (None if ip is None or ip.empty else ip)


def add_timing(panel: pd.DataFrame, city: CityData, time_col: str, freq: str) -> pd.DataFrame:
    """Attach unit attributes, the integer ``period`` and the programme ``cohort`` (in periods)."""
    attributes = ["unit_id", "agency", "unit_type", "sector", "kecamatan"]
    units = city.table("units").reindex(columns=attributes)
    out = panel.merge(units, on="unit_id", how="left")
    first = out[time_col].min().to_period(freq).ordinal

    def index(when: pd.Series) -> np.ndarray:  # 1 for the first period, NaN for a missing date
        return np.where(when.isna(), np.nan, pd.PeriodIndex(when, freq=freq).asi8 - first + 1.0)

    out["period"] = index(out[time_col]).astype(int)
    if "rollout" in city.tables:
        start = city.table("rollout").set_index("unit_id")["programme_start"]
        out["programme_start"] = out["unit_id"].map(start)
        out["cohort"] = index(out["programme_start"])
    else:
        out["programme_start"], out["cohort"] = pd.NaT, float("nan")
    out["event_time"] = out["period"] - out["cohort"]
    out["treated"] = (out["event_time"] >= 0).astype(int)
    # a start before the first period is "in the programme from the first period on": no month before it
    # is observed, so the estimators leave the unit out as always treated (not a wave in period -35)
    out["cohort"] = out["cohort"].clip(lower=1)
    return out


def training_dose(city: CityData) -> pd.Series:
    """JP of training per staff member of each unit, counted from the unit's programme start (or over all
    records for units never in the programme): the 'dose' for a dose-response reading of the effects."""
    staff = city.table("staff")[["staff_id", "unit_id"]]
    trainings = city.table("trainings")[["staff_id", "start", "hours_jp"]].merge(staff, on="staff_id")
    if "rollout" in city.tables:
        start = city.table("rollout").set_index("unit_id")["programme_start"]
        since = trainings["unit_id"].map(start)
        trainings = trainings[since.isna() | (trainings["start"] >= since)]
    jp = trainings.groupby("unit_id")["hours_jp"].sum()
    headcount = staff.groupby("unit_id").size()
    return (jp.reindex(headcount.index, fill_value=0.0) / headcount).rename("jp_per_staff")


#: Unit covariates for conditional parallel trends (the effects notebook's ``covariates``): the unit's visits per
#: period before any unit started. Not offered, with the reason measured:
#: - the outcome's own pre-programme level ("baseline"): it is measured in the months the pre-trend checks
#:   look at, so conditioning on it lets regression to the mean into them (true null, Kendari design, 40
#:   draws: the joint pre-test rejected 17.5% instead of 5%); matching on pre-period outcomes can also bias
#:   a DiD that was unbiased (Daw & Hatfield 2018, Health Services Research 53(6));
#: - unit type and sector: in a city a type often has no comparison unit (Kendari: 2 perizinan units, both
#:   treated), and conditioning on it then leaves Callaway-Sant'Anna no estimate at all.
COVARIATES = ("unit_size",)


def with_covariates(
    panel: pd.DataFrame,
    outcome: str,
    names: list[str] | tuple[str, ...],
    unit: str = "unit_id",
    time: str = "period",
    cohort: str = "cohort",
) -> tuple[pd.DataFrame, list[str], int]:
    """The panel with one numeric column per covariate (``cov_<name>``), measured before the first wave
    starts so that the programme cannot have moved them, centred. Returns the panel, the covariate columns,
    and how many units were left out because a covariate is missing (no month before the first start, or no
    visit count).

    ``unit_size``: log of the unit's mean visits per period then (the visit panel's ``visits``, the IKM
    panel's ``service_users``; centred, so the period length does not matter)."""
    unknown = [n for n in names if n not in COVARIATES]
    if unknown:
        raise ValueError(f"covariates must be among {list(COVARIATES)}, not {unknown}")
    first = panel[cohort].min()
    pre = panel[panel[time] < first] if pd.notna(first) else panel
    units = panel.drop_duplicates(unit).set_index(unit)
    cols = pd.DataFrame(index=units.index)
    for name in names:
        if name == "unit_size":
            size = size_column(panel)
            if size is None:
                raise ValueError("covariate 'unit_size' needs the visit log's visit counts")
            cols["cov_unit_size"] = np.log(pre.groupby(unit)[size].mean().clip(lower=1))
    cols = cols - cols.mean()
    keep = cols.dropna().index
    out = panel[panel[unit].isin(keep)].merge(cols.loc[keep], left_on=unit, right_index=True, how="left")
    return out, list(cols.columns), int(len(units) - len(keep))


def size_column(panel: pd.DataFrame) -> str | None:
    """The panel's visit count per unit and period, if it has one."""
    return next((c for c in ("visits", "service_users") if c in panel), None)


def covariate_trends(
    df: pd.DataFrame, covariates: list[str], time: str = "period"
) -> tuple[pd.DataFrame, list[str]]:
    """Time-invariant covariates as covariate-specific period effects, ``X_i x 1[t = s]`` for every period but
    the first: with unit and period effects the untreated model becomes Y = a_i + b_t + X_i'g_t, which is
    conditional parallel trends for the regression-based estimators (imputation, Sun-Abraham, the drift test;
    Borusyak, Jaravel & Spiess 2024, sec. 4.4). Callaway-Sant'Anna takes the covariates as they are."""
    periods = sorted(df[time].unique())[1:]
    new = {
        f"{c}_t{int(s)}": np.where(df[time].to_numpy() == s, df[c].to_numpy(float), 0.0)
        for c in covariates
        for s in periods
    }
    return pd.concat([df, pd.DataFrame(new, index=df.index)], axis=1), list(new)


#: A unit-month with fewer arrivals than this says too little to monitor (the monitoring report's ``min_visits``).
MIN_VISITS = 10
#: A month with fewer arrivals than this share of the unit's usual (median) month is an outage of the queue
#: system, not low demand: its values are missing, not low.
OUTAGE_SHARE = 0.3
#: ``status`` of a unit-month in :func:`visit_measures`.
MONTH_STATUS = ("ok", "too_few_visits", "outage")
MEASURES = (
    "walkout_rate",
    "median_wait_minutes",
    "median_wait_all_arrivals",
    "median_wait_standardised",
    "share_within_standard",
    "share_within_standard_all",
)


def visit_measures(
    city: CityData, min_visits: int = MIN_VISITS, outage_share: float = OUTAGE_SHARE
) -> pd.DataFrame:
    """Unit x month measures that count every citizen, for monitoring (and as outcomes).

    A citizen who leaves before being served (no ``served_at``: a walk-out) has no waiting time, so a median
    over served visits alone looks better the more people give up. Beside it:

    - ``walkout_rate``: walk-outs / arrivals;
    - ``median_wait_all_arrivals``: the median over all arrivals with walk-outs counted as the longest waits
      (they left because it was long); unknown (NaN) when half or more walked out. It equals the median of
      the waits citizens would have had when walk-outs are the ones who would have waited longest;
    - ``share_within_standard_all``: served within the unit type's standard, out of all arrivals;
    - ``median_wait_standardised``: the medians per service type weighted by the unit's overall mix, so a
      month with more slow services does not read as a slower unit.

    A month with fewer than ``min_visits`` arrivals (``status`` ``too_few_visits``) or fewer than
    ``outage_share`` of the unit's median month, including a month with none between the unit's first and last
    (``outage``), has every measure missing. Columns: unit_id, month, arrivals, served, status, the
    :data:`MEASURES`.
    """
    if city.visits is None:
        raise KeyError(f"{city.directory} has no service_visits table: there is nothing to monitor")
    panel = _unit_months(city)

    # every month between a unit's first and last: a month without arrivals is an outage, not a zero
    spans = panel.groupby("unit_id")["month"].agg(["min", "max"])
    grid = pd.concat(
        [
            pd.DataFrame({"unit_id": u, "month": pd.date_range(r["min"], r["max"], freq="MS")})
            for u, r in spans.iterrows()
        ],
        ignore_index=True,
    )
    panel = grid.merge(panel, on=["unit_id", "month"], how="left")
    panel[["arrivals", "served"]] = panel[["arrivals", "served"]].fillna(0).astype(int)
    usual = panel.groupby("unit_id")["arrivals"].transform("median")
    panel["status"] = np.select(
        [panel["arrivals"] < outage_share * usual, panel["arrivals"] < min_visits],
        ["outage", "too_few_visits"],
        default="ok",
    )
    panel.loc[panel["status"] != "ok", list(MEASURES)] = np.nan
    return panel[["unit_id", "month", "arrivals", "served", "status", *MEASURES]]
