"""Unit x period panels: the visit log aggregated by DuckDB to unit x month, IKM per unit x quarter.

Everything downstream (effects, plots) works on these panels, never on the visit-level log. ``period`` is an
integer index (1 = the first month, or quarter, in the data); ``cohort`` is the period in which the unit
started the programme, missing for never-treated units.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from analysis.data import reference, visits
from analysis.data.load import CityData
from analysis.methods import satisfaction

#: The unit x month aggregation written once for both engines (DuckDB here, Apache Spark through
#: spark_unit_months and analysis.data.spark_log): what differs is only how each says a time difference in
#: minutes, a month, exact quantiles (both interpolate linearly between order statistics, as R's type 7) and
#: the first list index.
DIALECTS = {
    "duckdb": {
        "minutes": "date_diff('second', {start}, {end}) / CAST(60 AS DOUBLE)",
        "month": "date_trunc('month', arrived_at)::DATE",
        "quantiles": "quantile_cont({x}, [{qs}])",
        "median": "median({x})",
        "first": 1,
    },
    "spark": {
        "minutes": "(unix_timestamp({end}) - unix_timestamp({start})) / CAST(60 AS DOUBLE)",
        "month": "to_date(date_trunc('MONTH', arrived_at))",
        "quantiles": "percentile({x}, array({qs}))",
        "median": "percentile({x}, 0.5)",
        "first": 0,
    },
}


def unit_month_queries(
    dialect: str = "duckdb", served_only_extras: bool = False, source: str = "service_visits"
) -> tuple[str, str]:
    """(unit x month query, unit x month x service query) over the view ``source`` (the typed log) and
    ``_standards`` (unit_id, standard_minutes), in ``dialect``; :func:`finish_unit_months` turns their results
    into the panel."""
    d = DIALECTS[dialect]
    wait = d["minutes"].format(start="arrived_at", end="served_at")
    proc = d["minutes"].format(start="served_at", end="completed_at")
    visits_sql = f"""
        SELECT v.unit_id, {d["month"]} AS month, coalesce(service_type, '') AS service,
               CASE WHEN served_at IS NULL THEN NULL ELSE {wait} END AS wait, s.standard_minutes AS standard
               {f", {proc} AS proc" if served_only_extras else ""}
        FROM {source} v LEFT JOIN _standards s ON v.unit_id = s.unit_id
        WHERE arrived_at IS NOT NULL
    """
    q = d["quantiles"].format(x="wait", qs="0.5, 0.9" if served_only_extras else "0.5")
    i = d["first"]
    extras = f", q[{i + 1}] AS p90_wait_minutes, median_processing_minutes" if served_only_extras else ""
    median_proc = (
        f"{d['median'].format(x='proc')} AS median_processing_minutes," if served_only_extras else ""
    )
    one, zero = "CAST(1 AS DOUBLE)", "CAST(0 AS DOUBLE)"  # doubles in both (Spark's 1.0 is a decimal)
    # walk-outs sort last: as a wait longer than any (WALKED_OUT), the median of all arrivals is a served wait,
    # or unknown when a middle rank is a walk-out (half or more walked out)
    main = f"""
        SELECT unit_id, month, arrivals, served, q[{i}] AS median_wait_minutes {extras},
               share_within_standard, share_within_standard_all, median_wait_all_arrivals
        FROM (
            SELECT unit_id, month, count(*) AS arrivals, count(wait) AS served, {q} AS q, {median_proc}
                   avg(CASE WHEN wait IS NULL THEN NULL WHEN wait <= standard THEN {one} ELSE {zero} END)
                       AS share_within_standard,
                   sum(CASE WHEN wait <= standard THEN {one} ELSE {zero} END) / count(*) AS share_within_standard_all,
                   {d["median"].format(x=f"coalesce(wait, CAST({WALKED_OUT} AS DOUBLE))")} AS median_wait_all_arrivals
            FROM ({visits_sql}) t GROUP BY unit_id, month
        ) a ORDER BY unit_id, month
    """
    by_service = f"""
        SELECT unit_id, month, service, count(*) AS n, {d["median"].format(x="wait")} AS med
        FROM ({visits_sql}) t WHERE wait IS NOT NULL GROUP BY unit_id, month, service
    """
    return main, by_service


def _log_with_standards(city: CityData) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the city's visit log as ``service_visits`` and each unit's waiting-time
    standard (its unit type's, data/reference/unit_types.csv) as ``_standards``: what every visit query joins."""
    std = unit_standards(city.table("units"))
    con = visits.connect()
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


#: Memory an exact quantile aggregation holds per visit (DuckDB keeps each group's values until it sorts them,
#: and cannot spill them): measured 1.3 GB for 30 M visits with the four quantile aggregates of the panel
#: (benchmarks/bench_national_log.py), rounded up.
BYTES_PER_VISIT = 60


def slices_for(con: duckdb.DuckDBPyConnection, rows: int) -> int:
    """How many disjoint slices of units the aggregation runs in so that each fits in half of DuckDB's memory
    limit: a year of a country's visits (300 M) does not fit at once; each unit x month group lies in one slice,
    so the medians stay exact."""
    limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    number, unit = limit.split()
    scale = {
        "KiB": 2**10,
        "MiB": 2**20,
        "GiB": 2**30,
        "TiB": 2**40,
        "KB": 1e3,
        "MB": 1e6,
        "GB": 1e9,
        "TB": 1e12,
    }
    budget = float(number) * scale.get(unit, 1) / 2
    return max(1, int(np.ceil(rows * BYTES_PER_VISIT / budget)))


def _unit_months(city: CityData, served_only_extras: bool = False) -> pd.DataFrame:
    """The visit log to unit x month, streamed (nothing of the log is stored): arrivals, served, the median
    wait of the served, the share within the standard (of the served and of all arrivals), the median over all
    arrivals (walk-outs as the longest waits), the walk-out rate and the service-mix-standardised median; with
    ``served_only_extras`` the p90 wait and the median processing time too. Medians and p90 are exact
    (``quantile_cont``, both from one aggregate); one pass for unit x month, one for unit x month x service,
    per slice of units when the log is larger than DuckDB's memory limit allows at once (:func:`slices_for`;
    the limit and the spill directory: :func:`analysis.data.visits.connect`)."""
    con = _log_with_standards(city)
    main, by_service_sql = unit_month_queries("duckdb", served_only_extras, source="_slice")
    n = slices_for(con, city.visits.estimated_rows())
    parts, services = [], []
    for k in range(n):
        where = f"WHERE hash(unit_id) % {n} = {k}" if n > 1 else ""
        con.execute(f"CREATE OR REPLACE TEMP VIEW _slice AS SELECT * FROM service_visits {where}")
        parts.append(con.execute(main).df())
        services.append(con.execute(by_service_sql).df())
    con.close()
    panel = pd.concat(parts, ignore_index=True).sort_values(["unit_id", "month"], ignore_index=True)
    return finish_unit_months(panel, pd.concat(services, ignore_index=True))


def spark_unit_months(spark, path, standards: pd.DataFrame, served_only_extras: bool = True) -> pd.DataFrame:
    """:func:`_unit_months` run by Apache Spark over a log file or folder (analysis.data.spark_log): the same
    queries in Spark's dialect, the same finishing step. ``standards``: unit_id, standard_minutes."""
    from analysis.data import spark_log

    spark_log.register(spark, path, "service_visits")
    std = standards.astype({"unit_id": str, "standard_minutes": float})
    spark.createDataFrame(std).createOrReplaceTempView("_standards")
    main, by_service = unit_month_queries("spark", served_only_extras)
    return finish_unit_months(spark.sql(main).toPandas(), spark.sql(by_service).toPandas())


def unit_standards(units: pd.DataFrame) -> pd.DataFrame:
    """unit_id, standard_minutes: each unit's waiting-time standard, its unit type's (unit_types.csv)."""
    standards = reference.table("unit_types")[["unit_type", "standard_minutes"]]
    return units[["unit_id", "unit_type"]].merge(standards, on="unit_type", how="left")[
        ["unit_id", "standard_minutes"]
    ]


def finish_unit_months(panel: pd.DataFrame, by_service: pd.DataFrame) -> pd.DataFrame:
    """The engine's two results to the panel (the same for DuckDB and Spark): an all-arrivals median that is
    a walk-out is unknown; the service-mix-standardised median weights each service's median by its share of
    the unit's served visits over all months; the walk-out rate."""
    panel = panel.copy()
    unknown = panel["median_wait_all_arrivals"] >= WALKED_OUT / 2
    panel.loc[unknown, "median_wait_all_arrivals"] = np.nan
    # one resolution whichever engine returned the dates (DuckDB: microseconds, Spark: milliseconds)
    panel["month"] = pd.to_datetime(panel["month"]).astype("datetime64[us]")
    by_service = by_service.assign(month=pd.to_datetime(by_service["month"]).astype("datetime64[us]"))
    mix = by_service.groupby(["unit_id", "service"])["n"].sum()
    share = (mix / mix.groupby(level="unit_id").transform("sum")).rename("weight").reset_index()
    by_service = by_service.merge(share, on=["unit_id", "service"], how="left")
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
