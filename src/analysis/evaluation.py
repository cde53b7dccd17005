"""A city's programme evaluation in one call: panels, effects with uncertainty, robustness, heterogeneity,
a verdict that says when the data are too thin, and planning numbers. The effects notebook renders this."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import effects, panels
from .io import CityData
from .messages import msg

#: Fewer treated (or comparison) units than this and the report says the data are too thin to conclude.
MIN_TREATED_UNITS = 10
MIN_COMPARISON_UNITS = 5
#: Placebo shift per panel frequency: half a year.
PLACEBO_SHIFT = {"month": 6, "quarter": 2}


@dataclass
class OutcomeEvaluation:
    outcome: str
    frequency: str  # month | quarter
    result: effects.DidResult | None
    verdict: str  # decrease | increase | none | thin
    n_treated: int
    n_comparison: int
    percent: dict | None = None
    twfe_event: pd.DataFrame | None = None
    robustness: pd.DataFrame | None = None
    by_sector: pd.DataFrame | None = None
    by_dose: pd.DataFrame | None = None
    note: str = ""


@dataclass
class CityEvaluation:
    city: str
    visit_panel: pd.DataFrame | None
    ikm_panel: pd.DataFrame | None
    outcomes: dict[str, OutcomeEvaluation] = field(default_factory=dict)
    planning: dict | None = None
    alpha: float = 0.05


def verdict(result: effects.DidResult | None, n_treated: int, n_comparison: int) -> str:
    """decrease / increase when the CI excludes zero, none when it does not, thin when there are too few
    treated or never-treated units to trust either."""
    if result is None or n_treated < MIN_TREATED_UNITS or n_comparison < MIN_COMPARISON_UNITS:
        return "thin"
    o = result.overall
    if o["ci_high"] < 0:
        return "decrease"
    if o["ci_low"] > 0:
        return "increase"
    return "none"


def evaluate_outcome(panel: pd.DataFrame, outcome: str, frequency: str, control: str = "not_yet_treated",
                     alpha: float = 0.05, n_boot: int = 1000, seed: int = 0, dose: pd.Series | None = None,
                     robustness: bool = True) -> OutcomeEvaluation:
    """One outcome: the headline estimate (csdid, with event-study bands), its verdict, and unless
    ``robustness=False`` the percent effect, TWFE contrast, other control group, placebo, leave-one-wave-out,
    by sector and by training dose."""
    units = panel.drop_duplicates("unit_id")
    n_treated = int(units["cohort"].notna().sum())
    # never-treated units are the comparison pool that exists in every period (later waves add to it)
    n_comparison = int(units["cohort"].isna().sum())
    kw = {"control": control, "alpha": alpha}
    try:
        result = effects.estimate_did(panel, outcome, n_boot=n_boot, seed=seed, **kw)
    except effects.DidInputError as exc:
        return OutcomeEvaluation(outcome, frequency, None, "thin", n_treated, n_comparison, note=str(exc))
    ev = OutcomeEvaluation(outcome, frequency, result, verdict(result, n_treated, n_comparison), n_treated,
                           n_comparison)
    if not robustness:
        return ev
    if outcome != "ikm" and (panel[outcome].dropna() > 0).all():
        ev.percent = effects.percent_effect(panel, outcome, **kw)
    ev.twfe_event = effects.twfe_event_study(panel, outcome, alpha=alpha,
                                             window=(-6, 12) if frequency == "month" else (-3, 6))
    rows = [{"check": "main", "control": control, **result.overall, "n_units": result.n_units}]
    other = "never_treated" if control == "not_yet_treated" else "not_yet_treated"
    try:
        rows.append({"check": "other_control", "control": other,
                     **effects.overall_effect(panel, outcome, **{**kw, "control": other})})
    except effects.DidInputError as exc:
        rows.append({"check": "other_control", "control": other, "note": str(exc), "reason": exc.reason})
    rows.append({"check": "twfe", **effects.twfe_static(panel, outcome, alpha=alpha)})
    try:
        rows.append({"check": "placebo", **effects.placebo(panel, outcome, shift=PLACEBO_SHIFT[frequency], **kw)})
    except effects.DidInputError as exc:
        rows.append({"check": "placebo", "shift": PLACEBO_SHIFT[frequency], "note": str(exc),
                     "reason": exc.reason})
    loo = effects.leave_one_cohort_out(panel, outcome, **kw)
    rows += [{"check": "loo", "cohort": wave_label(panel, r.dropped_cohort), **{k: getattr(r, k, np.nan) for k in
              ("estimate", "se", "ci_low", "ci_high", "n_units", "note", "reason")}} for r in loo.itertuples()]
    ev.robustness = pd.DataFrame(rows)
    ev.by_sector = effects.by_group(panel, outcome, "sector", min_units=MIN_TREATED_UNITS, **kw)
    if dose is not None:
        ev.by_dose = effects.by_dose(panel, outcome, dose, **kw)
    return ev


def wave_label(panel: pd.DataFrame, cohort: float) -> str:
    """The start month (or quarter) of a wave, for people; ``cohort`` is its period index."""
    starts = panel.loc[panel["cohort"] == cohort, "programme_start"]
    if starts.empty or pd.isna(starts.iloc[0]):
        return str(int(cohort))
    return pd.Timestamp(starts.iloc[0]).strftime("%Y-%m")


def evaluate_city(data: CityData, outcomes: tuple[str, ...] = ("median_wait_minutes", "ikm"),
                  control: str = "not_yet_treated", alpha: float = 0.05, n_boot: int = 1000, seed: int = 0,
                  robustness: bool = True) -> CityEvaluation:
    """Every outcome's evaluation; visit-log outcomes use the monthly panel, IKM the quarterly one."""
    vp = panels.visit_panel(data) if data.visits is not None else None
    ip = panels.ikm_panel(data, visits=vp) if "satisfaction_responses" in data.tables else None
    dose = panels.training_dose(data) if {"staff", "trainings"} <= set(data.tables) else None
    ev = CityEvaluation(city=data.city, visit_panel=vp, ikm_panel=ip, alpha=alpha)
    for outcome in outcomes:
        panel, freq = (ip, "quarter") if outcome == "ikm" else (vp, "month")
        if panel is None or outcome not in panel:
            continue
        ev.outcomes[outcome] = evaluate_outcome(panel, outcome, freq, control, alpha, n_boot, seed, dose, robustness)
    if vp is not None and "median_wait_minutes" in vp:
        pre = vp[vp["cohort"].isna() | (vp["period"] < vp["cohort"])]["median_wait_minutes"].mean()
        ev.planning = {"baseline_minutes": float(pre), "target_pct": 10.0,
                       "units_needed": effects.units_needed(vp, "median_wait_minutes", effect=0.10 * pre)}
    return ev


def headline(ev: CityEvaluation, lang: str = "id") -> pd.DataFrame:
    """One row per outcome, headers and verdicts in ``lang``: effect, CI, percent, pre-trend p, units."""
    level = int(round(100 * (1 - ev.alpha)))
    rows = []
    for name, oe in ev.outcomes.items():
        r = oe.result
        o = r.overall if r is not None else {}
        pct = oe.percent
        rows.append({
            msg("col.outcome", lang): msg(f"outcome.{name}", lang),
            msg("col.estimate", lang): round(o.get("estimate", np.nan), 2),
            msg("col.ci", lang, level=level): f"{o['ci_low']:.2f} .. {o['ci_high']:.2f}" if o else "",
            msg("col.percent", lang): f"{pct['estimate']:.1f} ({pct['ci_low']:.1f} .. {pct['ci_high']:.1f})"
            if pct else "",
            msg("col.pretrend_p", lang): round(r.pretrend["window_p_value"], 3) if r is not None else np.nan,
            msg("col.units", lang): msg("units.split", lang, treated=oe.n_treated, never=oe.n_comparison),
            msg("col.verdict", lang): msg(f"verdict.{oe.verdict}", lang),
        })
    return pd.DataFrame(rows)


def robustness_table(oe: OutcomeEvaluation, lang: str = "id", alpha: float = 0.05) -> pd.DataFrame:
    """The robustness checks of one outcome, labelled in ``lang``."""
    if oe.robustness is None:
        return pd.DataFrame()
    level = int(round(100 * (1 - alpha)))
    out = []
    for r in oe.robustness.to_dict("records"):
        control = r.get("control") if isinstance(r.get("control"), str) else "not_yet_treated"
        label = msg(f"check.{r['check']}", lang, control=msg(f"control.{control}", lang),
                    shift=int(r["shift"]) if pd.notna(r.get("shift", np.nan)) else "", cohort=r.get("cohort", ""))
        est, ci = _estimate_and_ci(r)
        out.append({msg("col.check", lang): label, msg("col.estimate", lang): est,
                    msg("col.ci", lang, level=level): ci or _failure(r, lang),
                    msg("col.units", lang): r.get("n_units", "")})
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


def group_table(table: pd.DataFrame | None, key: str, lang: str = "id", alpha: float = 0.05,
                min_units: int = MIN_TREATED_UNITS) -> pd.DataFrame:
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
            row[msg("col.dose_range", lang)] = f"{r['dose_min']:.1f} - {r['dose_max']:.1f} ({r['dose_mean']:.1f})"
        note = ""
        if est == "":
            n = r.get("n_units", np.nan)
            thin = pd.notna(n) and n < min_units
            note = msg("note.thin", lang, min_units=min_units) if thin else _failure(r, lang)
        row.update({msg("col.estimate", lang): est, msg("col.ci", lang, level=level): ci,
                    msg("col.units", lang): int(r["n_units"]) if pd.notna(r.get("n_units", np.nan)) else "",
                    msg("col.note", lang): note})
        rows.append(row)
    return pd.DataFrame(rows)


def describe(ev: CityEvaluation) -> dict:
    """Counts for the data-and-roll-out paragraph."""
    vp = ev.visit_panel
    units = vp.drop_duplicates("unit_id")
    return {"n_units": len(units), "n_months": vp["month"].nunique(), "first": vp["month"].min().strftime("%Y-%m"),
            "last": vp["month"].max().strftime("%Y-%m"), "n_visits": int(vp["visits"].sum()),
            "n_treated": int(units["cohort"].notna().sum()), "n_cohorts": int(units["cohort"].nunique()),
            "n_never": int(units["cohort"].isna().sum())}


def pretrend_table(ev: CityEvaluation, lang: str = "id") -> pd.DataFrame:
    rows = []
    for name, oe in ev.outcomes.items():
        if oe.result is None:
            continue
        pt, label = oe.result.pretrend, msg(f"outcome.{name}", lang)
        for key, stat, df, p in (("joint", "statistic", "df", "p_value"),
                                 ("window", "window_statistic", "window_df", "window_p_value")):
            rows.append({msg("col.test", lang): msg(f"test.{key}", lang, outcome=label, window=pt["window"]),
                         msg("col.statistic", lang): round(pt[stat], 2), msg("col.df", lang): pt[df],
                         msg("col.p", lang): round(pt[p], 3)})
    return pd.DataFrame(rows)


def caveats(ev: CityEvaluation, lang: str = "id") -> list[str]:
    """Plain-language caveats that follow from this city's numbers."""
    out = []
    for name, oe in ev.outcomes.items():
        label = msg(f"outcome.{name}", lang)
        if oe.verdict == "thin":
            out.append(msg("caveat.thin", lang, outcome=label, treated=oe.n_treated, never=oe.n_comparison))
        if oe.result is not None and oe.result.pretrend["window_p_value"] < 0.05:
            out.append(msg("caveat.pretrend", lang, outcome=label, p=oe.result.pretrend["window_p_value"]))
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
    return {"year": year, "ikm": value, "mutu": letter, "kinerja": kinerja(letter), "n_units": int(len(unit_means))}


def results(ev: CityEvaluation, demo: bool, lang: str) -> dict:
    """The headline numbers the report shows (results.json): effects with CIs, verdicts, IKM now and its trend."""
    level = int(round(100 * (1 - ev.alpha)))
    out: dict = {"city": ev.city, "demo": demo, "lang": lang, "outcomes": {}}
    for name, oe in ev.outcomes.items():
        o = oe.result.overall if oe.result is not None else {}
        out["outcomes"][name] = {
            "estimate": o.get("estimate"), "se": o.get("se"), "ci_low": o.get("ci_low"), "ci_high": o.get("ci_high"),
            "level": level, "verdict": oe.verdict, "n_treated": oe.n_treated, "n_never": oe.n_comparison,
            "pretrend_p": oe.result.pretrend["window_p_value"] if oe.result is not None else None,
            "percent": oe.percent}
    now = ikm_now(ev)
    if now:
        out["ikm_now"] = now
    if ev.ikm_panel is not None:
        trend = ev.ikm_panel.groupby("quarter").agg(ikm=("ikm", "mean"), n_units=("unit_id", "nunique"))
        out["ikm_trend"] = [{"quarter": q.strftime("%Y-%m"), "ikm": float(r.ikm), "n_units": int(r.n_units)}
                            for q, r in trend.iterrows()]
    if ev.planning:
        out["planning"] = ev.planning
    return out
