"""A city's programme evaluation in one call: panels, effects with uncertainty, robustness, heterogeneity,
a verdict that says when the data are too thin, and planning numbers. The effects notebook renders this."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import effects, panels, planning, pretrends, readiness, reference, sensitivity
from .io import CityData
from .messages import MESSAGES, msg

#: Fewer treated units than this and cluster-robust inference is not trusted: too_little_data.
MIN_TREATED_UNITS = 10
#: Placebo shift per panel frequency: half a year.
PLACEBO_SHIFT = {"month": 6, "quarter": 2}
#: Event-time window (0..W) of the effect compared and pooled across cities: the first half year.
POOL_WINDOW = {"month": 5, "quarter": 1}
#: results.json ``outcomes.<name>.verdict``: exactly one of these (README, "How to read a report").
VERDICTS = ("decrease", "increase", "no_detectable_change", "fragile", "too_little_data")
#: A breakdown value below this (HonestDiD relative magnitudes) makes a confident verdict ``fragile``: post-programme
#: trend differences no larger than the largest pre-programme one could then explain the effect.
BREAKDOWN_MIN = 1.0
#: ``estimator`` parameter: which estimate the verdict rests on; auto = imputation when the panel is unbalanced.
ESTIMATORS = ("auto", "callaway_santanna", "imputation")


@dataclass
class OutcomeEvaluation:
    outcome: str
    frequency: str  # month | quarter
    result: effects.DidResult | None  # Callaway-Sant'Anna (csdid): event study, by cohort, by time
    verdict: str  # one of VERDICTS
    n_treated: int
    n_comparison: int
    percent: dict | None = None
    twfe_event: pd.DataFrame | None = None
    robustness: pd.DataFrame | None = None
    by_sector: pd.DataFrame | None = None
    by_dose: pd.DataFrame | None = None
    note: str = ""
    #: the estimate the verdict rests on, and which estimator gave it (callaway_santanna | imputation) and why
    headline: dict | None = None
    estimator: str = "callaway_santanna"
    estimator_reason: str = ""  # balanced | unbalanced | chosen
    imputation: dict | None = None
    pretests: pretrends.PretrendTests | None = None
    #: why the verdict is fragile (failed checks) or too_little_data (no_estimate | few_treated | imprecise)
    reasons: list[str] = field(default_factory=list)
    meaningful: float | None = (
        None  # the smallest effect worth knowing (data/reference/meaningful_effects.csv)
    )
    unidentified: dict = field(default_factory=dict)  # cohorts / periods without a comparison
    anticipation: int = 0
    cluster: str = "unit_id"
    #: event-time-balanced effect over event times 0..POOL_WINDOW (for comparing and pooling cities)
    window_effect: dict | None = None
    #: HonestDiD relative magnitudes on the binned universal-base event study (sensitivity.py)
    sensitivity: sensitivity.RelativeMagnitudes | None = None
    #: treated units left out of the sensitivity event study: no month before their start
    sensitivity_dropped: int = 0
    #: covariates for conditional parallel trends (panels.COVARIATES) and the units left out for lack of them
    covariates: list[str] = field(default_factory=list)
    covariates_dropped: int = 0


@dataclass
class CityEvaluation:
    city: str
    visit_panel: pd.DataFrame | None
    ikm_panel: pd.DataFrame | None
    outcomes: dict[str, OutcomeEvaluation] = field(default_factory=dict)
    planning: dict | None = None
    alpha: float = 0.05
    plan: dict = field(default_factory=dict)  # readiness.effects_plan: which sections run, and why not


def verdict(
    headline: dict | None,
    n_treated: int,
    failed: list[str],
    meaningful: float | None = None,
    min_treated: int = MIN_TREATED_UNITS,
) -> tuple[str, list[str]]:
    """The verdict and its reasons, from the estimate the report rests on.

    - ``too_little_data``: no estimate (no comparison exists), fewer than ``min_treated`` treated units, or an
      interval that contains zero *and* the meaningful effect in both directions (the data cannot tell a
      meaningful decrease from a meaningful increase);
    - ``fragile``: the interval excludes zero but a check of the assumptions failed (``failed``: the drift
      test, the joint pre-period test, the placebo, or a breakdown value below 1 in the sensitivity
      analysis: trend differences no larger than those before the programme could explain the effect);
    - ``decrease`` / ``increase``: the interval excludes zero and every check passed;
    - ``no_detectable_change``: the interval contains zero; the report says which effects it rules out.
    """
    if headline is None or headline.get("estimate") is None or not np.isfinite(headline["estimate"]):
        return "too_little_data", ["no_estimate"]
    if n_treated < min_treated:
        return "too_little_data", ["few_treated"]
    lo, hi = headline["ci_low"], headline["ci_high"]
    if lo > 0 or hi < 0:
        if failed:
            return "fragile", list(failed)
        return ("decrease" if hi < 0 else "increase"), []
    if meaningful is not None and lo < -meaningful and hi > meaningful:
        return "too_little_data", ["imprecise"]
    return "no_detectable_change", []


def meaningful_effect(panel: pd.DataFrame, outcome: str) -> float | None:
    """The smallest effect worth knowing, in outcome units (``data/reference/meaningful_effects.csv``):
    relative ones are a share of the pre-programme mean."""
    ref = reference.table("meaningful_effects").set_index("outcome")
    if outcome not in ref.index:
        return None
    row = ref.loc[outcome]
    if row["kind"] == "absolute":
        return float(row["value"])
    pre = pre_programme_mean(panel, outcome)
    return float(row["value"] * abs(pre)) if pd.notna(pre) else None


def pre_programme_mean(panel: pd.DataFrame, outcome: str) -> float:
    """Mean of the outcome over unit-periods without the programme (never-treated, and waves before their
    start): the baseline for relative effects and for planning."""
    return float(panel[panel["cohort"].isna() | (panel["period"] < panel["cohort"])][outcome].mean())


def unidentified(result: effects.DidResult | None, panel: pd.DataFrame) -> dict:
    """Waves and periods after the start that no comparison unit covers: the cells (wave, period) the panel
    has but the estimator could not estimate (left out of every estimate, and named in the report)."""
    if result is None:
        return {}
    units = panel.drop_duplicates("unit_id")
    waves = sorted(units["cohort"].dropna().unique())
    periods = sorted(panel["period"].unique())
    expected = {(int(g), int(t)) for g in waves for t in periods if t >= g}
    cells = result.att_gt[result.att_gt["post"] & result.att_gt["att"].notna() & result.att_gt["se"].notna()]
    ok = set(zip(cells["cohort"].astype(int), cells["time"].astype(int), strict=True))
    missing = expected - ok
    out: dict = {}
    cohorts = sorted({g for g, _ in expected} - {g for g, _ in ok})
    lost_periods = sorted({t for _, t in missing} - {t for _, t in ok})
    if cohorts:
        out["cohorts"] = [wave_label(panel, c) for c in cohorts]
    if lost_periods:
        out["periods"] = lost_periods
    if missing:
        out["n_cells"] = len(missing)
    return out


def _checks_failed(ev: OutcomeEvaluation, alpha: float) -> list[str]:
    failed = ev.pretests.failed(alpha) if ev.pretests is not None else []
    if ev.robustness is not None:
        pl = ev.robustness[ev.robustness["check"] == "placebo"]
        if (
            len(pl)
            and pd.notna(pl["ci_low"].iloc[0])
            and (pl["ci_low"].iloc[0] > 0 or pl["ci_high"].iloc[0] < 0)
        ):
            failed.append("placebo")
    rm = ev.sensitivity
    if rm is not None and rm.status == "ok" and rm.breakdown is not None and rm.breakdown < BREAKDOWN_MIN:
        failed.append("sensitivity")
    return failed


def sensitivity_analysis(
    panel: pd.DataFrame,
    outcome: str,
    frequency: str,
    pretests: pretrends.PretrendTests | None,
    control: str,
    anticipation: int,
    cluster: str | None,
    alpha: float,
    covariates: list[str] | None = None,
) -> tuple[sensitivity.RelativeMagnitudes | None, int]:
    """HonestDiD relative magnitudes for the first half year's effect, on the universal-base event study of
    the units the headline compares: treated units with no month before their start (less the anticipation)
    are left out, as the imputation estimator leaves them out (their post-start months alone would shift the
    unbalanced Callaway-Sant'Anna cells: Medan's late queue logs). Returns the analysis and how many units
    were left out."""
    first = panel.groupby("unit_id").agg(cohort=("cohort", "first"), first=("period", "min"))
    no_pre = first.index[first["cohort"].notna() & (first["first"] >= first["cohort"] - anticipation)]
    try:
        if len(no_pre):
            frame, cov, _ = pretrends.universal_event_study(
                panel[~panel["unit_id"].isin(no_pre)],
                outcome,
                control=control,
                anticipation=anticipation,
                cluster=cluster,
                alpha=alpha,
                covariates=covariates or None,
            )
        elif pretests is not None:
            frame, cov = pretests.event_study, pretests.cov
        else:
            return None, 0
    except effects.DidInputError:
        return None, len(no_pre)
    ref = -1 - int(anticipation)
    return sensitivity.event_study_sensitivity(frame, cov, ref, frequency, alpha=alpha), len(no_pre)


def check_options(
    panel: pd.DataFrame,
    anticipation: int,
    cluster: str | None,
    estimator: str,
    covariates: list[str] | tuple[str, ...] = (),
) -> None:
    """Refuse estimation options that would silently mean something else (a city parameter typo)."""
    if isinstance(covariates, str) or not all(isinstance(c, str) for c in covariates):
        raise ValueError(f"covariates must be a list of names, e.g. [unit_size], not {covariates!r}")
    unknown = [c for c in covariates if c not in panels.COVARIATES]
    if unknown:
        raise ValueError(f"covariates must be among {list(panels.COVARIATES)}, not {unknown}")
    if "unit_size" in covariates and panels.size_column(panel) is None:
        raise ValueError("covariate 'unit_size' needs visit counts, which this panel does not have")
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {list(ESTIMATORS)}, not {estimator!r}")
    if not isinstance(anticipation, (int, np.integer)) or isinstance(anticipation, bool) or anticipation < 0:
        raise ValueError(
            f"anticipation must be a whole number of periods (0, 1, 2 ...), not {anticipation!r}"
        )
    if cluster in (None, "", "unit_id"):
        return
    if cluster not in panel.columns:
        raise ValueError(
            f"cluster must be 'unit_id' or a unit attribute of the panel (agency, unit_type, sector); "
            f"{cluster!r} is not a column"
        )
    if panel.groupby("unit_id")[cluster].nunique(dropna=False).gt(1).any():
        raise ValueError(f"cluster column {cluster!r} must be constant within each unit")


def fill_clusters(panel: pd.DataFrame, cluster: str | None) -> pd.DataFrame:
    """A unit with no value in the cluster column (a city-wide office has no kecamatan) is its own cluster."""
    if cluster in (None, "", "unit_id") or not panel[cluster].isna().any():
        return panel
    own = "unit:" + panel["unit_id"].astype(str)
    return panel.assign(**{cluster: panel[cluster].astype(object).where(panel[cluster].notna(), own)})


def evaluate_outcome(
    panel: pd.DataFrame,
    outcome: str,
    frequency: str,
    control: str = "not_yet_treated",
    alpha: float = 0.05,
    n_boot: int = 1000,
    seed: int = 0,
    dose: pd.Series | None = None,
    robustness: bool = True,
    anticipation: int = 0,
    cluster: str | None = None,
    estimator: str = "auto",
    pretrend_window: int = 6,
    with_sensitivity: bool = True,
    covariates: list[str] | tuple[str, ...] = (),
) -> OutcomeEvaluation:
    """One outcome: Callaway-Sant'Anna (with event-study bands), the imputation estimate, the pre-trend checks,
    the sensitivity to parallel-trends violations (HonestDiD relative magnitudes; ``with_sensitivity=False``
    skips it, for Monte Carlo studies of the other checks), the verdict, and unless ``robustness=False`` the
    percent effect, TWFE contrast, other control group, Sun-Abraham, placebo, leave-one-wave-out, by sector
    and by training dose. ``covariates`` (:data:`analysis.panels.COVARIATES`) make parallel trends
    conditional on them in every one of these.

    The verdict rests on the imputation estimate when the panel is unbalanced (``estimator="auto"``): the
    unbalanced-panel Callaway-Sant'Anna estimator compares different sets of units before and after, which is
    biased when the missing months are related to the outcome (a queue system installed with the
    programme), while the imputation estimator compares each unit with its own earlier months.
    """
    check_options(panel, anticipation, cluster, estimator, covariates)
    panel = fill_clusters(panel, cluster)
    cluster = effects.cluster_column(cluster, "unit_id")
    cov_cols: list[str] = []
    dropped = 0
    if covariates:
        panel, cov_cols, dropped = panels.with_covariates(panel, outcome, list(covariates))
    units = panel.drop_duplicates("unit_id")
    n_treated = int(units["cohort"].notna().sum())
    n_comparison = int(units["cohort"].isna().sum())
    kw = {
        "control": control,
        "alpha": alpha,
        "anticipation": anticipation,
        "cluster": cluster,
        "covariates": cov_cols or None,
    }
    ev = OutcomeEvaluation(
        outcome,
        frequency,
        None,
        "too_little_data",
        n_treated,
        n_comparison,
        anticipation=anticipation,
        cluster=cluster or "unit_id",
        meaningful=meaningful_effect(panel, outcome),
        covariates=list(covariates),
        covariates_dropped=dropped,
    )
    try:
        ev.result = effects.estimate_did(
            panel, outcome, n_boot=n_boot, seed=seed, pretrend_window=pretrend_window, **kw
        )
    except effects.DidInputError as exc:
        ev.note, ev.reasons = str(exc), ["no_estimate"]
        return ev
    try:
        ev.imputation = effects.imputation_effect(panel, outcome, **kw)
    except effects.DidInputError:
        ev.imputation = None
    try:
        ev.pretests = pretrends.pretrend_tests(
            panel,
            outcome,
            control=control,
            anticipation=anticipation,
            cluster=cluster,
            window=pretrend_window,
            alpha=alpha,
            covariates=cov_cols or None,
        )
    except effects.DidInputError:
        ev.pretests = None
    unbalanced = any(code == "unbalanced" for code, _ in ev.result.notes)
    cs = {**ev.result.overall, "n_units": ev.result.n_units}
    if estimator == "imputation" or (estimator == "auto" and unbalanced and ev.imputation is not None):
        ev.estimator, ev.headline = "imputation", ev.imputation
        ev.estimator_reason = "chosen" if estimator == "imputation" else "unbalanced"
    else:
        ev.estimator, ev.headline = "callaway_santanna", cs
        ev.estimator_reason = "chosen" if estimator == "callaway_santanna" else "balanced"
    ev.unidentified = unidentified(ev.result, panel)
    try:
        ev.window_effect = effects.window_effect(panel, outcome, POOL_WINDOW[frequency], **kw)
    except effects.DidInputError:
        ev.window_effect = None
    if with_sensitivity:
        ev.sensitivity, ev.sensitivity_dropped = sensitivity_analysis(
            panel, outcome, frequency, ev.pretests, control, anticipation, cluster, alpha, cov_cols
        )
    if robustness:
        _robustness(ev, panel, outcome, frequency, kw, dose, cs)
    ev.verdict, ev.reasons = verdict(ev.headline, n_treated, _checks_failed(ev, alpha), ev.meaningful)
    return ev


def _robustness(
    ev: OutcomeEvaluation,
    panel: pd.DataFrame,
    outcome: str,
    frequency: str,
    kw: dict,
    dose: pd.Series | None,
    cs: dict,
) -> None:
    alpha = kw["alpha"]
    if outcome != "ikm" and (panel[outcome].dropna() > 0).all():
        try:
            ev.percent = effects.percent_effect(panel, outcome, **kw)
        except effects.DidInputError:
            ev.percent = None
    try:
        ev.twfe_event = effects.twfe_event_study(
            panel, outcome, alpha=alpha, window=(-6, 12) if frequency == "month" else (-3, 6)
        )
    except effects.DidInputError:
        ev.twfe_event = None
    control = kw["control"]
    rows = [{"check": "main", "estimator": ev.estimator, "control": control, **ev.headline}]
    other_estimator = (
        ("callaway_santanna", cs) if ev.estimator == "imputation" else ("imputation", ev.imputation)
    )
    if other_estimator[1] is not None:
        rows.append({"check": other_estimator[0], "control": control, **other_estimator[1]})
    other = "never_treated" if control == "not_yet_treated" else "not_yet_treated"
    for check, fn, extra in (
        ("other_control", effects.overall_effect, {"control": other}),
        ("sun_abraham", effects.sun_abraham_effect, {}),
    ):
        try:
            rows.append(
                {
                    "check": check,
                    "control": extra.get("control", control),
                    **fn(panel, outcome, **{**kw, **extra}),
                }
            )
        except effects.DidInputError as exc:
            rows.append(
                {
                    "check": check,
                    "control": extra.get("control", control),
                    "note": str(exc),
                    "reason": exc.reason,
                }
            )
    try:
        rows.append({"check": "twfe", **effects.twfe_static(panel, outcome, alpha=alpha)})
    except effects.DidInputError as exc:
        rows.append({"check": "twfe", "note": str(exc), "reason": exc.reason})
    try:
        rows.append(
            {"check": "placebo", **effects.placebo(panel, outcome, shift=PLACEBO_SHIFT[frequency], **kw)}
        )
    except effects.DidInputError as exc:
        rows.append(
            {"check": "placebo", "shift": PLACEBO_SHIFT[frequency], "note": str(exc), "reason": exc.reason}
        )
    loo = effects.leave_one_cohort_out(panel, outcome, **kw)
    rows += [
        {
            "check": "loo",
            "cohort": wave_label(panel, r.dropped_cohort),
            **{
                k: getattr(r, k, np.nan)
                for k in ("estimate", "se", "ci_low", "ci_high", "n_units", "note", "reason")
            },
        }
        for r in loo.itertuples()
    ]
    ev.robustness = pd.DataFrame(rows)
    ev.by_sector = effects.by_group(panel, outcome, "sector", min_units=MIN_TREATED_UNITS, **kw)
    if dose is not None:
        ev.by_dose = effects.by_dose(panel, outcome, dose, **kw)


def wave_label(panel: pd.DataFrame, cohort: float) -> str:
    """The start month (or quarter) of a wave, for people; ``cohort`` is its period index."""
    if "programme_start" not in panel:
        return str(int(cohort))
    starts = panel.loc[panel["cohort"] == cohort, "programme_start"]
    if starts.empty or pd.isna(starts.iloc[0]):
        return str(int(cohort))
    return pd.Timestamp(starts.iloc[0]).strftime("%Y-%m")


def evaluate_city(
    data: CityData,
    outcomes: tuple[str, ...] = ("median_wait_minutes", "ikm"),
    control: str = "not_yet_treated",
    alpha: float = 0.05,
    n_boot: int = 1000,
    seed: int = 0,
    robustness: bool = True,
    anticipation: int = 0,
    cluster: str = "unit_id",
    estimator: str = "auto",
    pretrend_window: int = 6,
    covariates: list[str] | tuple[str, ...] = (),
) -> CityEvaluation:
    """Every outcome's evaluation; visit-log outcomes use the monthly panel, IKM the quarterly one.
    ``anticipation`` is in months for the visit outcomes and converted to whole quarters (rounded up) for
    IKM; ``cluster`` is unit_id or a unit attribute (agency, kecamatan, unit_type, sector); ``covariates``
    (panels.COVARIATES) make parallel trends conditional on them."""
    vp, ip = panels.city_panels(data)
    dose = panels.training_dose(data) if {"staff", "trainings"} <= set(data.tables) else None
    ev = CityEvaluation(city=data.city, visit_panel=vp, ikm_panel=ip, alpha=alpha)
    ev.plan = readiness.effects_plan(data, vp, ip)
    for outcome in outcomes:
        panel, freq = (ip, "quarter") if outcome == "ikm" else (vp, "month")
        source = "survey" if outcome == "ikm" else "visits"
        ready = ev.plan.get(outcome) or readiness.outcome_plan(panel, outcome, source)
        ev.plan[outcome] = ready
        if not ready.runs or not ev.plan["report"].runs:
            continue
        lead = anticipation if freq == "month" else -(-int(anticipation) // 3)
        ev.outcomes[outcome] = evaluate_outcome(
            panel,
            outcome,
            freq,
            control,
            alpha,
            n_boot,
            seed,
            dose,
            robustness,
            anticipation=lead,
            cluster=cluster,
            estimator=estimator,
            pretrend_window=pretrend_window,
            covariates=list(covariates),
        )
    ev.planning = planning_numbers(ev, vp, alpha)
    return ev


#: Planning target: the reduction in waiting time (share of the pre-programme mean) a next wave should detect.
PLANNING_TARGET = 0.10


def planning_numbers(ev: CityEvaluation, vp: pd.DataFrame | None, alpha: float) -> dict | None:
    """How many units a roll-out needs to detect a ``PLANNING_TARGET`` reduction in waiting time with 80% power,
    and the smallest effect today's units detect, by simulating the headline (imputation) estimator on the
    city's calendar with its noise calibrated to the headline's SE (:mod:`analysis.planning`). The closed form
    (two groups, 6 months before and after) stays beside it as a labelled first guess."""
    outcome = "median_wait_minutes"
    if vp is None or outcome not in vp:
        return None
    pre = pre_programme_mean(vp, outcome)
    if not (np.isfinite(pre) and pre > 0):
        return None
    effect = PLANNING_TARGET * pre
    try:  # too few units or months to estimate the noise: no planning paragraph
        first_guess = effects.units_needed(vp, outcome, effect=effect)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    oe = ev.outcomes.get(outcome)
    ref_se = (oe.imputation or {}).get("se") if oe is not None else None
    try:
        sim = planning.plan(
            vp, outcome, effect, reference_se=ref_se, alpha=alpha, min_treated=MIN_TREATED_UNITS
        )
    except (ValueError, ZeroDivisionError, IndexError, np.linalg.LinAlgError):
        sim = None  # the closed form stays, labelled a first guess
    out = {
        "baseline_minutes": pre,
        "target_pct": 100 * PLANNING_TARGET,
        "effect_minutes": effect,
        "first_guess_units": first_guess,
        "units_needed": first_guess,
        "method": "closed_form",
    }
    if sim is not None:
        out.update(
            units_needed=sim["units_needed"],
            method=sim["method"],
            simulation={k: v for k, v in sim.items() if k != "method"},
        )
    return out


def headline(ev: CityEvaluation, lang: str = "id") -> pd.DataFrame:
    """One row per outcome, headers and verdicts in ``lang``: effect (the estimate the verdict rests on), CI,
    percent, the drift test's p, units, verdict."""
    level = int(round(100 * (1 - ev.alpha)))
    rows = []
    for name, oe in ev.outcomes.items():
        o = oe.headline or {}
        pct = oe.percent
        rows.append(
            {
                msg("col.outcome", lang): msg(f"outcome.{name}", lang),
                msg("col.estimate", lang): round(o.get("estimate", np.nan), 2),
                msg("col.ci", lang, level=level): f"{o['ci_low']:.2f} .. {o['ci_high']:.2f}" if o else "",
                msg(
                    "col.percent", lang
                ): f"{pct['estimate']:.1f} ({pct['ci_low']:.1f} .. {pct['ci_high']:.1f})" if pct else "",
                msg("col.estimator", lang): msg(f"estimator.{oe.estimator}", lang) if o else "",
                msg("col.pretrend_p", lang): _p(oe.pretests.trend) if oe.pretests is not None else "",
                msg("col.units", lang): msg("units.split", lang, treated=oe.n_treated, never=oe.n_comparison),
                msg("col.verdict", lang): msg(f"verdict.{oe.verdict}", lang),
            }
        )
    return pd.DataFrame(rows)


def _p(test: dict) -> float | str:
    return round(test["p_value"], 3) if test.get("status") == "ok" else ""


def skipped_sentences(ev: CityEvaluation, lang: str = "id") -> list[str]:
    """One line per requested outcome the data cannot estimate at all, with the reason (readiness)."""
    return [
        msg("ready.outcome_skipped", lang, outcome=msg(f"outcome.{name}", lang), why=section.why(lang))
        for name, section in ev.plan.items()
        if name != "report"
        and name not in ev.outcomes
        and not section.runs
        and section.reason
        and f"outcome.{name}" in MESSAGES
    ]


def verdict_sentences(ev: CityEvaluation, lang: str = "id") -> list[str]:
    """The decision in words, one sentence per outcome, before any method: what changed, how sure, and what
    the data rule out or why they cannot say."""
    out = []
    for name, oe in ev.outcomes.items():
        label = msg(f"outcome.{name}", lang)
        o = oe.headline or {}
        fields = {
            "outcome": label,
            "estimate": o.get("estimate", np.nan),
            "low": o.get("ci_low", np.nan),
            "high": o.get("ci_high", np.nan),
            "unit": msg(f"unit.{name}", lang),
            "level": int(round(100 * (1 - ev.alpha))),
        }
        if oe.verdict == "too_little_data":
            reasons = "; ".join(
                msg(
                    f"reason.{r}",
                    lang,
                    treated=oe.n_treated,
                    min_treated=MIN_TREATED_UNITS,
                    meaningful=oe.meaningful or np.nan,
                    unit=fields["unit"],
                )
                for r in oe.reasons
            )
            out.append(msg("sentence.too_little_data", lang, reasons=reasons, **fields))
        elif oe.verdict == "fragile":
            checks = ", ".join(msg(f"check_failed.{r}", lang) for r in oe.reasons)
            out.append(msg("sentence.fragile", lang, checks=checks, **fields))
        elif oe.verdict == "no_detectable_change":
            out.append(
                msg(
                    "sentence.no_detectable_change",
                    lang,
                    down=max(-fields["low"], 0),
                    up=max(fields["high"], 0),
                    **fields,
                )
            )
        else:
            out.append(msg(f"sentence.{oe.verdict}", lang, size=abs(fields["estimate"]), **fields))
        dropped = (oe.headline or {}).get("n_treated_without_pre", 0) if oe.estimator == "imputation" else 0
        if dropped:
            out.append(
                msg("sentence.without_pre", lang, outcome=label, n=dropped, rest=oe.n_treated - dropped)
            )
        if oe.unidentified.get("cohorts") or oe.unidentified.get("periods"):
            out.append(
                msg(
                    "sentence.unidentified",
                    lang,
                    outcome=label,
                    cohorts=", ".join(oe.unidentified.get("cohorts", [])) or "-",
                    periods=len(oe.unidentified.get("periods", [])),
                )
            )
    return out


def robustness_table(oe: OutcomeEvaluation, lang: str = "id", alpha: float = 0.05) -> pd.DataFrame:
    """The robustness checks of one outcome, labelled in ``lang``."""
    if oe.robustness is None:
        return pd.DataFrame()
    level = int(round(100 * (1 - alpha)))
    out = []
    for r in oe.robustness.to_dict("records"):
        control = r.get("control") if isinstance(r.get("control"), str) else "not_yet_treated"
        estimator = r.get("estimator") if isinstance(r.get("estimator"), str) else "callaway_santanna"
        key = "main_imputation" if r["check"] == "main" and estimator == "imputation" else r["check"]
        label = msg(
            f"check.{key}",
            lang,
            control=msg(f"control.{control}", lang),
            estimator=msg(f"estimator.{estimator}", lang),
            shift=int(r["shift"]) if pd.notna(r.get("shift", np.nan)) else "",
            cohort=r.get("cohort", ""),
        )
        est, ci = _estimate_and_ci(r)
        out.append(
            {
                msg("col.check", lang): label,
                msg("col.estimate", lang): est,
                msg("col.ci", lang, level=level): ci or _failure(r, lang),
                msg("col.units", lang): r.get("n_units", ""),
            }
        )
    return pd.DataFrame(out)


def _estimate_and_ci(r: dict) -> tuple:
    """An estimate row as the report tables print it: the effect to 2 decimals and the CI as 'low .. high'
    (blank where there is none)."""
    est = r.get("estimate", np.nan)
    ci = f"{r['ci_low']:.2f} .. {r['ci_high']:.2f}" if pd.notna(r.get("ci_low", np.nan)) else ""
    return (round(est, 2) if pd.notna(est) else ""), ci


def _failure(r: dict, lang: str) -> str:
    """Why a row has no estimate, in ``lang`` (the DidInputError's reason; its English message otherwise)."""
    reason = r.get("reason") if isinstance(r.get("reason"), str) else ""
    text = msg(f"did.{reason}", lang) if reason else (r.get("note") if isinstance(r.get("note"), str) else "")
    return msg("note.failed", lang, reason=text) if text else ""


def group_table(
    table: pd.DataFrame | None,
    key: str,
    lang: str = "id",
    alpha: float = 0.05,
    min_units: int = MIN_TREATED_UNITS,
) -> pd.DataFrame:
    """By-sector (``key="sector"``) or by-dose (``key="dose_group"``) effects as the report shows them, like
    :func:`robustness_table`: effect, CI, units, and a note in ``lang`` where a group is too thin or could
    not be estimated. Sector codes are translated when the table is shown (:func:`messages.localise`)."""
    if table is None or table.empty:
        return pd.DataFrame()
    level = int(round(100 * (1 - alpha)))
    rows = []
    for r in table.to_dict("records"):
        est, ci = _estimate_and_ci(r)
        row = {key: r.get(key, "")} if key in r else {}
        if "dose_mean" in r:
            row[msg("col.dose_range", lang)] = (
                f"{r['dose_min']:.1f} - {r['dose_max']:.1f} ({r['dose_mean']:.1f})"
            )
        note = ""
        if est == "":
            n = r.get("n_units", np.nan)
            thin = pd.notna(n) and n < min_units
            note = msg("note.thin", lang, min_units=min_units) if thin else _failure(r, lang)
        row.update(
            {
                msg("col.estimate", lang): est,
                msg("col.ci", lang, level=level): ci,
                msg("col.units", lang): int(r["n_units"]) if pd.notna(r.get("n_units", np.nan)) else "",
                msg("col.note", lang): note,
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


def describe(ev: CityEvaluation) -> dict:
    """Counts for the data-and-roll-out paragraph."""
    vp = ev.visit_panel
    units = vp.drop_duplicates("unit_id")
    return {
        "n_units": len(units),
        "n_months": vp["month"].nunique(),
        "first": vp["month"].min().strftime("%Y-%m"),
        "last": vp["month"].max().strftime("%Y-%m"),
        "n_visits": int(vp["visits"].sum()),
        "n_treated": int(units["cohort"].notna().sum()),
        "n_cohorts": int(units["cohort"].nunique()),
        "n_never": int(units["cohort"].isna().sum()),
    }


def pretrend_table(ev: CityEvaluation, lang: str = "id") -> pd.DataFrame:
    """The two pre-trend checks per outcome: drift per wave (untreated periods) and the joint test over the
    last pre-periods; F statistic, degrees of freedom, p, and what the drift test could detect."""
    rows = []
    for name, oe in ev.outcomes.items():
        pt = oe.pretests
        if pt is None:
            continue
        label = msg(f"outcome.{name}", lang)
        unit = msg(f"unit.{name}", lang)
        for key, t in (("trend", pt.trend), ("window", pt.joint)):
            ok = t.get("status") == "ok"
            detect = (
                msg(
                    "pretest.detectable",
                    lang,
                    drift=t["detectable"],
                    unit=unit,
                    per=msg(f"per.{oe.frequency}", lang),
                )
                if key == "trend" and ok
                else ""
            )
            if key == "trend" and t.get("pooled"):
                detect = (
                    detect + " " + msg("pretest.pooled", lang, min_units=pretrends.MIN_WAVE_UNITS)
                ).strip()
            rows.append(
                {
                    msg("col.test", lang): msg(f"test.{key}", lang, outcome=label, window=pt.window),
                    msg("col.statistic", lang): round(t["statistic"], 2) if ok else "",
                    msg("col.df", lang): f"{t['df1']}, {t['df2']}" if ok else "",
                    msg("col.p", lang): round(t["p_value"], 3) if ok else msg(f"pretest.{t['status']}", lang),
                    msg("col.detectable", lang): detect,
                }
            )
    return pd.DataFrame(rows)


def caveats(ev: CityEvaluation, lang: str = "id") -> list[str]:
    """Plain-language caveats that follow from this city's numbers."""
    out = []
    for name, oe in ev.outcomes.items():
        label = msg(f"outcome.{name}", lang)
        if oe.result is not None:
            out.append(
                msg(
                    f"caveat.estimator.{oe.estimator_reason or 'balanced'}",
                    lang,
                    outcome=label,
                    estimator=msg(f"estimator.{oe.estimator}", lang),
                )
            )
        if oe.pretests is not None and oe.verdict != "fragile" and oe.pretests.failed(ev.alpha):
            out.append(msg("caveat.pretrend", lang, outcome=label))
        if "joint" in oe.reasons and not oe.anticipation:
            out.append(msg("caveat.maybe_anticipation", lang, outcome=label))
        if oe.covariates:
            out.append(
                msg(
                    "caveat.covariates",
                    lang,
                    outcome=label,
                    covariates=", ".join(msg(f"covariate.{c}", lang) for c in oe.covariates),
                    n=oe.covariates_dropped,
                )
            )
        if oe.anticipation:
            out.append(
                msg(
                    "caveat.anticipation",
                    lang,
                    outcome=label,
                    n=oe.anticipation,
                    per=msg(f"per.{oe.frequency}", lang),
                )
            )
        if oe.result is not None:
            out += [msg("caveat.unbalanced", lang, outcome=label, text=w) for w in oe.result.note_texts(lang)]
    vp = ev.visit_panel
    if vp is not None:
        first = vp[vp["period"] == vp["period"].min()]
        early_cohort = vp["cohort"].min()
        early = first.loc[first["cohort"] == early_cohort, "median_wait_minutes"].mean()
        never = first.loc[first["cohort"].isna(), "median_wait_minutes"].mean()
        if pd.notna(early) and pd.notna(never):
            out.append(msg("caveat.selection", lang, early=early, never=never))
    if any(oe.by_dose is not None for oe in ev.outcomes.values()):
        out.append(msg("caveat.dose", lang))
    out.append(msg("caveat.sector", lang, min_units=MIN_TREATED_UNITS))
    return out


def sensitivity_summary(oe: OutcomeEvaluation) -> dict | None:
    """results.json ``outcomes.<name>.sensitivity``: the method, the breakdown value (null when not computed;
    ``status`` says why), the effect it is about (mean over the post bins, plain estimate and SE), the bins in
    event time, the robust interval at each Mbar, and the treated units left out (no month before the start)."""
    rm = oe.sensitivity
    if rm is None:
        return None

    def num(x: float | None) -> float | None:
        return None if x is None or not np.isfinite(x) else float(x)

    return {
        "method": "honestdid_relative_magnitudes_c_lf",
        "status": rm.status,
        "breakdown": (None if rm.breakdown is None else float(rm.breakdown)),
        "breakdown_min": BREAKDOWN_MIN,
        "estimate": num(rm.estimate),
        "se": num(rm.se),
        "bins": rm.detail.get("bins"),
        "bounds": [{"mbar": float(r.mbar), "lb": num(r.lb), "ub": num(r.ub)} for r in rm.bounds.itertuples()],
        "units_left_out": oe.sensitivity_dropped,
    }


def sensitivity_sentences(ev: CityEvaluation, lang: str = "id") -> list[str]:
    """One plain sentence per outcome: how large a violation of parallel trends would overturn the result."""
    out = []
    for name, oe in ev.outcomes.items():
        rm = oe.sensitivity
        label = msg(f"outcome.{name}", lang)
        if rm is None:
            continue
        if rm.status != "ok":
            out.append(msg(f"sensitivity.{rm.status}", lang, outcome=label))
        elif rm.breakdown == 0:
            out.append(msg("sensitivity.not_significant", lang, outcome=label))
        elif np.isinf(rm.breakdown):
            out.append(msg("sensitivity.robust", lang, outcome=label, mbar=sensitivity.MBAR_MAX))
        else:
            key = "sensitivity.holds" if rm.breakdown >= BREAKDOWN_MIN else "sensitivity.fragile"
            out.append(msg(key, lang, outcome=label, mbar=rm.breakdown))
        if oe.sensitivity_dropped:
            out.append(msg("sensitivity.left_out", lang, outcome=label, n=oe.sensitivity_dropped))
    return out


def ikm_now(ev: CityEvaluation) -> dict | None:
    """The city's IKM in the latest survey year: mean over units of each unit's quarterly IKM."""
    from .satisfaction import kinerja, mutu

    ip = ev.ikm_panel
    if ip is None or ip.empty:
        return None
    year = int(ip["quarter"].dt.year.max())
    unit_means = ip[ip["quarter"].dt.year == year].groupby("unit_id")["ikm"].mean()
    value = float(unit_means.mean())
    letter = mutu(value)
    return {
        "year": year,
        "ikm": value,
        "mutu": letter,
        "kinerja": kinerja(letter),
        "n_units": int(len(unit_means)),
    }


def results(ev: CityEvaluation, demo: bool, lang: str) -> dict:
    """The headline numbers the report shows (results.json): effects with CIs, verdicts, IKM now and its trend."""
    level = int(round(100 * (1 - ev.alpha)))
    out: dict = {"city": ev.city, "demo": demo, "lang": lang, "outcomes": {}}
    for name, oe in ev.outcomes.items():
        o = oe.headline or {}
        pt = oe.pretests
        entry = {
            "estimate": o.get("estimate"),
            "se": o.get("se"),
            "ci_low": o.get("ci_low"),
            "ci_high": o.get("ci_high"),
            "level": level,
            "verdict": oe.verdict,
            "reasons": oe.reasons,
            "estimator": oe.estimator if o else None,
            "estimator_reason": oe.estimator_reason,
            "n_treated": oe.n_treated,
            "n_never": oe.n_comparison,
            "anticipation": oe.anticipation,
            "cluster": oe.cluster,
            "covariates": oe.covariates,
            "covariates_units_left_out": oe.covariates_dropped,
            "meaningful_effect": oe.meaningful,
            "percent": oe.percent,
            "unidentified": oe.unidentified,
            "callaway_santanna": (
                {k: oe.result.overall[k] for k in ("estimate", "se", "ci_low", "ci_high")}
                if oe.result is not None
                else None
            ),
            "imputation": (
                {
                    k: oe.imputation[k]
                    for k in ("estimate", "se", "ci_low", "ci_high", "n_treated_without_pre")
                }
                if oe.imputation
                else None
            ),
            "window_effect": (
                {k: oe.window_effect[k] for k in ("estimate", "se", "ci_low", "ci_high", "window", "n_waves")}
                if oe.window_effect
                else None
            ),
            "pretests": (
                {
                    "trend": {
                        k: pt.trend.get(k)
                        for k in ("status", "statistic", "df1", "df2", "p_value", "detectable", "pooled")
                    },
                    "joint": {k: pt.joint.get(k) for k in ("status", "statistic", "df1", "df2", "p_value")},
                    "window": pt.window,
                }
                if pt is not None
                else None
            ),
            "sensitivity": sensitivity_summary(oe),
        }
        if oe.verdict == "no_detectable_change":
            entry["ruled_out"] = {
                "decrease_larger_than": max(-o["ci_low"], 0.0),
                "increase_larger_than": max(o["ci_high"], 0.0),
            }
        out["outcomes"][name] = entry
    now = ikm_now(ev)
    if now:
        out["ikm_now"] = now
    if ev.ikm_panel is not None:
        trend = ev.ikm_panel.groupby("quarter").agg(ikm=("ikm", "mean"), n_units=("unit_id", "nunique"))
        out["ikm_trend"] = [
            {"quarter": q.strftime("%Y-%m"), "ikm": float(r.ikm), "n_units": int(r.n_units)}
            for q, r in trend.iterrows()
        ]
    if ev.planning:
        out["planning"] = ev.planning
    return out
