"""The monitoring report in words and tables: the units needing attention first (what is wrong, since when, the
suggested follow-up), then the view per agency and every unit's latest values, from a
:class:`analysis.methods.monitoring.Monitoring`. The monitoring notebook shows them; :func:`results` writes its
results.json. Units, never people: no staff count appears on this page."""

from __future__ import annotations

import pandas as pd

from analysis.data import reference
from analysis.methods.monitoring import REASONS, UNSUR_QUARTERS, Monitoring
from analysis.report.i18n import msg, number, percent


def unsur_name(code: str, lang: str = "id") -> str:
    """An unsur's name as PermenPAN-RB 14/2017 writes it (data/reference/ikm_unsur.csv), or in English."""
    names = reference.table("ikm_unsur").set_index("unsur")["name_en" if lang == "en" else "name"]
    return str(names.get(code, code))


def _month(ts) -> str:
    return "" if ts is None or pd.isna(ts) else f"{pd.Timestamp(ts):%Y-%m}"


def _unit_name(row) -> str:
    name = row.get("unit_name")
    return name if isinstance(name, str) and name else row["unit_id"]


def _monitored(mon: Monitoring) -> pd.Series:
    """Units with a chart or a survey: the ones this page is about (offices without either are left out)."""
    u = mon.units
    charted = u["unit_id"].isin(
        [k for k, c in mon.charts.items() if c.wait is not None or c.walkouts is not None]
    )
    return charted | (u["ikm"].notna() if "ikm" in u else False)


def attention_table(mon: Monitoring, lang: str = "id") -> pd.DataFrame:
    """One row per unit needing attention: unit, agency, what is wrong, since when, suggested follow-up."""
    rows = []
    for r in mon.attention().to_dict("records"):
        reasons = r["reasons"]
        flagged = r.get("unsur_low_unsur")
        weakest = flagged if isinstance(flagged, str) else r.get("weakest_unsur")
        fields = {
            "unsur": unsur_name(weakest, lang) if isinstance(weakest, str) else "",
            "quarters": UNSUR_QUARTERS,
        }
        rows.append(
            {
                "unit": _unit_name(r),
                "agency": r.get("agency", ""),
                "what_is_wrong": "; ".join(
                    msg(
                        "monitoring.reason.unsur_low_latest"
                        if c == "unsur_low" and r.get("unsur_low_quarters") == 1
                        else f"monitoring.reason.{c}",
                        lang,
                        **fields,
                    )
                    for c in reasons
                ),
                "since": min(_month(r["since"][c]) for c in reasons),
                "follow_up": msg(f"monitoring.follow_up.{reasons[0]}", lang, **fields),
            }
        )
    return pd.DataFrame(rows, columns=["unit", "agency", "what_is_wrong", "since", "follow_up"])


def agency_table(mon: Monitoring) -> pd.DataFrame:
    """Per agency (perangkat daerah): units monitored, units needing attention and their share."""
    u = mon.units.assign(attention=mon.units["reasons"].map(len) > 0)
    t = (
        u.groupby("agency")
        .agg(units_monitored=("unit_id", "size"), attention=("attention", "sum"))
        .reset_index()
    )
    t["attention_share"] = t["attention"] / t["units_monitored"]
    return t.sort_values(["attention_share", "agency"], ascending=[False, True]).reset_index(drop=True)


def unit_table(mon: Monitoring, lang: str = "id") -> pd.DataFrame:
    """Every monitored unit's latest values: wait (all arrivals) against its standard, walk-outs, the
    variation and assurance icons in words, IKM with its band, and the weakest unsur."""
    u = mon.units
    has = (
        u.get("last_wait", pd.Series(index=u.index, dtype=float)).notna()
        | u.get("ikm", pd.Series(index=u.index, dtype=float)).notna()
    )
    rows = []
    for r in u[has].sort_values(["agency", "unit_id"]).to_dict("records"):
        variation = r.get("wait_variation")
        assurance = r.get("wait_assurance")
        weakest = r.get("weakest_unsur")
        rows.append(
            {
                "unit": _unit_name(r),
                "agency": r.get("agency", ""),
                "last_wait": r.get("last_wait"),
                "standard_minutes": r.get("standard_minutes"),
                "variation": msg(f"monitoring.variation.{variation}", lang)
                if isinstance(variation, str)
                else "",
                "assurance": msg(f"monitoring.assurance.{assurance}", lang)
                if isinstance(assurance, str)
                else "",
                "walkout_rate": percent(r["last_walkout_rate"], lang)
                if pd.notna(r.get("last_walkout_rate"))
                else "",
                "ikm": r.get("ikm"),
                "mutu": r.get("mutu") if isinstance(r.get("mutu"), str) else "",
                "weakest_unsur": unsur_name(weakest, lang) if isinstance(weakest, str) else "",
            }
        )
    return pd.DataFrame(rows)


def quarter_label(quarter, lang: str = "id") -> str:
    """'2025 T4' (triwulan) in Indonesian, '2025 Q4' in English."""
    q = pd.Period(quarter, freq="Q")
    return f"{q.year} {'Q' if lang == 'en' else 'T'}{q.quarter}"


def ikm_quarter_table(mon: Monitoring, lang: str = "id") -> pd.DataFrame:
    """IKM per unit and quarter over the survey window: '78,1 B' (the IKM and its band, PermenPAN-RB 14/2017),
    with ' *' when the quarter's respondents were fewer than the Krejcie-Morgan minimum for its visits. Rows:
    the surveyed units by agency; columns: unit, agency, one per quarter (oldest first)."""
    ikm = mon.ikm
    if ikm is None or ikm.empty:
        return pd.DataFrame()
    recent = ikm[ikm["quarter"] > ikm["quarter"].max() - pd.DateOffset(months=3 * UNSUR_QUARTERS)]
    below = recent.get("below_minimum", pd.Series(False, index=recent.index)).fillna(False).astype(bool)
    cells = recent.assign(
        cell=[
            f"{number(v, lang, 1)} {m}{' *' if b else ''}"
            for v, m, b in zip(recent["ikm"], recent["mutu"], below, strict=True)
        ],
        label=[quarter_label(q, lang) for q in recent["quarter"]],
    )
    wide = cells.pivot(index="unit_id", columns="label", values="cell").fillna("")
    wide = wide[sorted(wide.columns)].rename_axis(columns=None)
    units = mon.units.set_index("unit_id")
    out = wide.reset_index()
    out.insert(1, "agency", out["unit_id"].map(units["agency"]))
    out.insert(
        0,
        "unit",
        [_unit_name({"unit_name": units["unit_name"].get(u), "unit_id": u}) for u in out["unit_id"]],
    )
    return out.sort_values(["agency", "unit_id"]).drop(columns="unit_id").reset_index(drop=True)


def ikm_adequacy(mon: Monitoring) -> dict:
    """Over the survey window: unit-quarters surveyed, how many reached the Krejcie-Morgan minimum (of those with
    a visit log to size it), and the quarters."""
    ikm = mon.ikm
    recent = ikm[ikm["quarter"] > ikm["quarter"].max() - pd.DateOffset(months=3 * UNSUR_QUARTERS)]
    sized = recent["km_minimum"].notna() if "km_minimum" in recent else pd.Series(False, index=recent.index)
    below = recent.get("below_minimum", pd.Series(False, index=recent.index)).fillna(False).astype(bool)
    return {"cells": len(recent), "sized": int(sized.sum()), "adequate": int((sized & ~below).sum())}


def answers_table(mon: Monitoring, lang: str = "id") -> pd.DataFrame:
    """The city's answers per unsur: name, mean score (1-4) and the share of each answer option, weakest first."""
    a = mon.answers
    if a is None or a.empty:
        return pd.DataFrame()
    a = a.sort_values("score")
    out = pd.DataFrame(
        {"unsur_name": [unsur_name(u, lang) for u in a["unsur"]], "score": a["score"].to_numpy()}
    )
    for k in (1, 2, 3, 4):
        out[f"answer_{k}"] = [percent(s, lang) for s in a[f"share_{k}"]]
    out["answers"] = a["answers"].to_numpy()
    return out


def summary_sentence(mon: Monitoring, lang: str = "id") -> str:
    """'7 of 93 monitored units need attention (as of 2025-12): ...' with the count per reason."""
    monitored = len(mon.charts)
    surveyed = int(mon.units["ikm"].notna().sum()) if "ikm" in mon.units else 0
    att = mon.attention()
    counts = {c: int(att["reasons"].map(lambda r, c=c: c in r).sum()) for c in REASONS}
    parts = [msg(f"monitoring.count.{c}", lang, n=n) for c, n in counts.items() if n]
    return msg(
        "monitoring.summary",
        lang,
        n=len(att),
        monitored=monitored,
        surveyed=surveyed,
        month=_month(mon.last_month),
        details="; ".join(parts) if parts else msg("monitoring.none", lang),
    )


def decision_summary(mon: Monitoring, lang: str = "id") -> list[str]:
    """The page's first lines: how many units need attention and why (:func:`summary_sentence`), and where to go
    first: the units whose queues got worse (special causes of concern) before the long-standing ones."""
    out = [summary_sentence(mon, lang)]
    att = mon.attention()
    worse = att[att["reasons"].map(lambda r: bool({"wait_getting_worse", "walkouts_rising"} & set(r)))]
    if len(worse):
        names = ", ".join(_unit_name(r) for r in worse.head(3).to_dict("records"))
        out.append(msg("monitoring.decision.worse", lang, n=len(worse), units=names))
    elif len(att):
        out.append(msg("monitoring.decision.standing", lang, n=len(att)))
    return out


def results(mon: Monitoring, demo: bool, lang: str) -> dict:
    """results.json of the monitoring page: the units needing attention (``unit_id``, ``agency``, ``reasons``
    codes, ``since`` per reason) and every unit's latest values."""

    def clean(v):
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return None
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    words = attention_table(mon, lang)  # the page's row for each unit, in the same order
    att = [
        {
            "unit_id": r["unit_id"],
            "unit_name": _unit_name(r),
            "agency": r.get("agency"),
            "reasons": list(r["reasons"]),
            "since": {c: _month(r["since"][c]) for c in r["reasons"]},
            "what_is_wrong": w["what_is_wrong"],
            "follow_up": w["follow_up"],
        }
        for r, w in zip(mon.attention().to_dict("records"), words.to_dict("records"), strict=True)
    ]
    keys = (
        "last_wait",
        "standard_minutes",
        "last_share_within_standard",
        "last_walkout_rate",
        "wait_variation",
        "wait_assurance",
        "walkout_variation",
        "wait_recent",
        "walkout_recent",
        "ikm",
        "ikm_upper",
        "mutu",
        "n",
        "weakest_unsur",
        "weakest_score",
        "unsur_low_unsur",
        "unsur_low_quarters",
    )
    units = [
        {
            "unit_id": r["unit_id"],
            "unit_name": _unit_name(r),
            "agency": r.get("agency"),
            **{k: clean(r.get(k)) for k in keys},
        }
        for r in mon.units.to_dict("records")
        if any(clean(r.get(k)) is not None for k in ("last_wait", "ikm"))
    ]
    return {
        "city": mon.city,
        "lang": lang,
        "demo": demo,
        "last_month": _month(mon.last_month),
        "parameters": mon.params,
        "units_needing_attention": att,
        "units": units,
    }
