"""The programme-effects report in words and tables: verdict sentences, the headline, pre-trend,
robustness, sector and dose tables, sensitivity sentences and caveats, from a
:class:`analysis.methods.evaluation.CityEvaluation`. The programme_effects notebook shows them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.methods import pretrends, sensitivity
from analysis.methods.evaluation import (
    BREAKDOWN_MIN,
    MIN_TREATED_UNITS,
    PLANNING_TARGET,
    CityEvaluation,
    OutcomeEvaluation,
    counterfactual_mean,
)
from analysis.report.catalogue import TEXT
from analysis.report.i18n import did_notes, interval, money, msg, number, section_why


def headline(ev: CityEvaluation, lang: str = "id") -> pd.DataFrame:
    """One row per outcome, headers and verdicts in ``lang``: effect (the estimate the verdict rests on), CI,
    percent, units, verdict. The estimator and the drift test's p are the researchers' (:func:`method_table`)."""
    level = int(round(100 * (1 - ev.alpha)))
    rows = []
    for name, oe in ev.outcomes.items():
        o = oe.headline or {}
        pct = oe.percent
        rows.append(
            {
                msg("col.outcome", lang): msg(f"outcome.{name}", lang),
                msg("col.estimate", lang): round(o.get("estimate", np.nan), 2),
                msg("col.ci", lang, level=level): interval(o, lang) if o else "",
                msg("col.percent", lang): (
                    f"{number(pct['estimate'], lang, 1)} ({interval(pct, lang, 1)})" if pct else ""
                ),
                msg("col.units", lang): msg("units.split", lang, treated=oe.n_treated, never=oe.n_comparison),
                msg("col.verdict", lang): msg(f"verdict.{oe.verdict}", lang),
            }
        )
    return pd.DataFrame(rows)


def method_table(ev: CityEvaluation, lang: str = "id") -> pd.DataFrame:
    """For researchers: per outcome, the estimator the verdict rests on and the pre-trend test's p."""
    return pd.DataFrame(
        [
            {
                msg("col.outcome", lang): msg(f"outcome.{name}", lang),
                msg("col.estimator", lang): msg(f"estimator.{oe.estimator}", lang) if oe.headline else "",
                msg("col.pretrend_p", lang): _p(oe.pretests.trend, lang) if oe.pretests is not None else "",
            }
            for name, oe in ev.outcomes.items()
        ]
    )


def _p(test: dict, lang: str) -> str:
    return number(test["p_value"], lang, 3) if test.get("status") == "ok" else ""


def skipped_sentences(ev: CityEvaluation, lang: str = "id") -> list[str]:
    """One line per requested outcome the data cannot estimate at all, with the reason (readiness)."""
    return [
        msg(
            "ready.outcome_skipped",
            lang,
            outcome=msg(f"outcome.{name}", lang),
            why=section_why(section, lang),
        )
        for name, section in ev.plan.items()
        if name != "report"
        and name not in ev.outcomes
        and not section.runs
        and section.reason
        and f"outcome.{name}" in TEXT
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


#: The outcomes the decision summary speaks about first, in this order (the others follow).
DECISION_ORDER = ("median_wait_minutes", "ikm")


def decision_summary(ev: CityEvaluation, lang: str = "id") -> list[str]:
    """Three to five plain sentences for a head of agency, before anything else: per outcome what changed, in
    its unit and in percent of what it would have been without the programme, and how sure we are in words;
    what the programme cost per result; and the action the findings point to. Every number is one of
    results.json's (``outcomes.<name>``, ``cost_effectiveness``); no method names."""
    out = []
    names = [n for n in DECISION_ORDER if n in ev.outcomes] + [
        n for n in ev.outcomes if n not in DECISION_ORDER
    ]
    for name in names[:3]:
        oe = ev.outcomes[name]
        o = oe.headline or {}
        base = counterfactual_mean(ev, name)
        fields = {
            "outcome": msg(f"decision.outcome.{name}", lang)
            if f"decision.outcome.{name}" in TEXT
            else msg(f"outcome.{name}", lang),
            "size": abs(o.get("estimate", np.nan)),
            "unit": msg(f"unit.{name}", lang),
            "low": o.get("ci_low", np.nan),
            "high": o.get("ci_high", np.nan),
            "level": int(round(100 * (1 - ev.alpha))),
        }
        if oe.verdict in ("decrease", "increase"):
            key = f"decision.{oe.verdict}" + ("_base" if base else "")
            extra = {"share": fields["size"] / base, "base": base} if base else {}
            out.append(msg(key, lang, **fields, **extra))
        elif oe.verdict == "fragile":
            direction = "up" if o.get("estimate", 0) > 0 else "down"
            out.append(msg(f"decision.fragile_{direction}", lang, **fields))
        elif oe.verdict == "no_detectable_change":
            out.append(msg("decision.no_change", lang, **fields))
        else:
            out.append(msg("decision.too_little_data", lang, **fields))
    cost = ev.cost or {}
    total = (cost.get("cost") or {}).get("total_idr")
    if total:
        per = (cost.get("results") or {}).get("hour_of_waiting_saved") or {}
        if per.get("estimable"):
            out.append(
                msg(
                    "decision.cost",
                    lang,
                    total=money(total, lang),
                    units=cost["cost"]["units"],
                    value=money(per["value"], lang),
                    low=money(per["low"], lang),
                    high=money(per["high"], lang),
                )
            )
        else:
            out.append(
                msg("decision.cost_unknown", lang, total=money(total, lang), units=cost["cost"]["units"])
            )
    wait = ev.outcomes.get("median_wait_minutes")
    if wait is not None:
        if wait.verdict == "decrease":
            sim = ((ev.planning or {}).get("simulation") or {}) if ev.planning else {}
            out.append(
                msg("decision.action.keep", lang, n=sim.get("units_needed") or "…", target=PLANNING_TARGET)
            )
        elif wait.verdict == "fragile":
            checks = ", ".join(msg(f"check_failed.{r}", lang) for r in wait.reasons)
            out.append(msg("decision.action.check", lang, checks=checks))
        elif wait.verdict == "no_detectable_change":
            out.append(msg("decision.action.review", lang))
        else:
            out.append(msg("decision.action.more_data", lang))
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
        est, ci = _estimate_and_ci(r, lang)
        out.append(
            {
                msg("col.check", lang): label,
                msg("col.estimate", lang): est,
                msg("col.ci", lang, level=level): ci or _failure(r, lang),
                msg("col.units", lang): r.get("n_units", ""),
            }
        )
    return pd.DataFrame(out)


def _estimate_and_ci(r: dict, lang: str) -> tuple:
    """An estimate row as the report tables print it: the effect to 2 decimals and the CI as 'low .. high'
    (blank where there is none)."""
    est = r.get("estimate", np.nan)
    ci = interval(r, lang) if pd.notna(r.get("ci_low", np.nan)) else ""
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
    not be estimated. Sector codes are translated when the table is shown (:func:`analysis.report.tables.localise`)."""
    if table is None or table.empty:
        return pd.DataFrame()
    level = int(round(100 * (1 - alpha)))
    rows = []
    for r in table.to_dict("records"):
        est, ci = _estimate_and_ci(r, lang)
        row = {key: r.get(key, "")} if key in r else {}
        if "dose_mean" in r:
            row[msg("col.dose_range", lang)] = (
                f"{number(r['dose_min'], lang, 1)} - {number(r['dose_max'], lang, 1)} "
                f"({number(r['dose_mean'], lang, 1)})"
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
                    power=t.get("power", pretrends.DETECT_POWER),
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


def method_notes(ev: CityEvaluation, lang: str = "id") -> list[str]:
    """For researchers: which estimator each verdict rests on and why, and the estimator's notes on the data."""
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
            out += [msg("caveat.unbalanced", lang, outcome=label, text=w) for w in did_notes(oe.result, lang)]
    return out


def caveats(ev: CityEvaluation, lang: str = "id") -> list[str]:
    """Plain-language caveats that follow from this city's numbers (the method's own notes are in
    :func:`method_notes`, for researchers)."""
    out = []
    for name, oe in ev.outcomes.items():
        label = msg(f"outcome.{name}", lang)
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
