"""One house style for figures: every plot has a title with n, labelled axes with units, and takes results
(panels, DidResult, tables), never raw files. Text comes from the message catalogue in the report language."""

from __future__ import annotations

import functools
import re

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import MaxNLocator

from analysis.data import reference
from analysis.methods.did import DidResult
from analysis.report.i18n import competency_label, msg, number

PALETTE = "colorblind"


def style() -> None:
    sns.set_theme(
        style="whitegrid", palette=PALETTE, context="notebook", rc={"figure.dpi": 110, "svg.fonttype": "none"}
    )
    _inline_svg()


@functools.cache
def _inline_svg() -> None:
    """In a notebook, figures are shown (and published) as SVG with text kept as text: sharp at any zoom on a
    phone, about half the bytes of a PNG and faster to render (benchmarks/bench_figures.py)."""
    from IPython import get_ipython

    if get_ipython() is None:  # plain Python (tests, scripts): leave matplotlib's output alone
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("svg")


class _LocaleTicks(mticker.ScalarFormatter):
    """matplotlib's tick choice, written in the report language's numbers (0,5 and 10.000 in id)."""

    def __init__(self, lang: str):
        super().__init__(useOffset=False)
        self.set_scientific(False)
        self.lang = lang

    def __call__(self, x, pos=None):
        text = super().__call__(x, pos)
        digits = len(text.split(".")[1]) if "." in text else 0
        return number(x, self.lang, digits).replace("-", "\u2212")


_NUMBER = re.compile(r"[-\u2212]?\d+(\.\d+)?")


def _numbers(fig: plt.Figure, lang: str) -> plt.Figure:
    """Every number a figure shows in ``lang``'s style: tick labels of numeric axes and numeric annotations
    (heatmap cells, band edges). Date and category axes keep their labels."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is mticker.ScalarFormatter:
                axis.set_major_formatter(_LocaleTicks(lang))
        for text in ax.texts if lang != "en" else ():  # matplotlib writes 0.5 already
            s = text.get_text()
            if _NUMBER.fullmatch(s):
                value = float(s.replace("\u2212", "-"))
                digits = len(s.split(".")[1]) if "." in s else 0
                text.set_text(number(value, lang, digits))
    return fig


def _waves(panel: pd.DataFrame, lang: str) -> pd.Series:
    start = panel["programme_start"].dt.strftime("%Y-%m")
    return start.where(panel["cohort"].notna(), other=msg("legend.never", lang)).map(
        lambda s: s if s == msg("legend.never", lang) else msg("legend.wave", lang, start=s)
    )


def rollout_timing(panel: pd.DataFrame, time_col: str = "month", lang: str = "id") -> plt.Figure:
    """Units in the programme over time, one band per wave: the treatment-timing picture."""
    style()
    units = panel.drop_duplicates("unit_id")
    times = np.sort(panel[time_col].unique())
    fig, ax = plt.subplots(figsize=(8, 3.6))
    bottom = np.zeros(len(times))
    for start, group in units[units["cohort"].notna()].groupby("programme_start"):
        inside = np.where(times >= np.datetime64(start), len(group), 0)
        ax.fill_between(
            times,
            bottom,
            bottom + inside,
            step="post",
            alpha=0.8,
            label=msg("legend.wave", lang, start=pd.Timestamp(start).strftime("%Y-%m"))
            + f" (n={len(group)})",
        )
        bottom = bottom + inside
    n_never = int(units["cohort"].isna().sum())
    ax.axhline(len(units), color="grey", ls=":", lw=1)
    ax.set(
        title=msg("plot.timing", lang, n=len(units)),
        xlabel=msg("axis.month", lang),
        ylabel=msg("axis.units", lang),
        ylim=(0, len(units) * 1.05),
    )
    ax.legend(title=f"{msg('legend.never', lang)}: n={n_never}", loc="upper left", fontsize="small")
    fig.tight_layout()
    return _numbers(fig, lang)


def raw_trends(panel: pd.DataFrame, outcome: str, time_col: str = "month", lang: str = "id") -> plt.Figure:
    """Mean outcome per wave over time, with each wave's start marked: selection and trends at a glance."""
    style()
    df = panel.assign(wave=_waves(panel, lang))
    means = df.groupby(["wave", time_col])[outcome].mean().reset_index()
    fig, ax = plt.subplots(figsize=(8, 4))
    sns.lineplot(data=means, x=time_col, y=outcome, hue="wave", ax=ax, marker="o", markersize=3)
    for start in panel["programme_start"].dropna().unique():
        ax.axvline(pd.Timestamp(start), color="grey", ls="--", lw=0.8)
    label = msg(f"outcome.{outcome}", lang)
    ax.set(
        title=msg("plot.trends", lang, outcome=label, n=panel["unit_id"].nunique()),
        xlabel=msg("axis.month" if time_col == "month" else "axis.quarter", lang),
        ylabel=label,
    )
    ax.legend(title="", fontsize="small")
    fig.tight_layout()
    return _numbers(fig, lang)


def event_study(
    result: DidResult,
    frequency: str = "month",
    lang: str = "id",
    window: tuple[int, int] | None = None,
    twfe: pd.DataFrame | None = None,
) -> plt.Figure:
    """Event-study estimates with pointwise CIs and the simultaneous band; TWFE overlaid for contrast."""
    style()
    es = result.event_study
    if window:
        es = es[es["event_time"].between(*window)]
    fig, ax = plt.subplots(figsize=(8, 4))
    if es["band_low"].notna().any():
        ax.fill_between(es["event_time"], es["band_low"], es["band_high"], color="C0", alpha=0.15, step="mid")
    ax.errorbar(
        es["event_time"],
        es["att"],
        yerr=[es["att"] - es["ci_low"], es["ci_high"] - es["att"]],
        fmt="o",
        color="C0",
        ms=4,
        lw=1,
        label="Callaway-Sant'Anna",
    )
    if twfe is not None:
        tw = twfe[twfe["event_time"].between(es["event_time"].min(), es["event_time"].max())]
        ax.plot(tw["event_time"] + 0.2, tw["att"], "s", color="C3", ms=3, alpha=0.7, label="TWFE")
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(-0.5, color="grey", ls="--", lw=0.8)
    label = msg(f"outcome.{result.outcome}", lang)
    ax.set(
        title=msg("plot.event", lang, outcome=label, n=result.n_units),
        xlabel=msg("axis.event_month" if frequency == "month" else "axis.event_quarter", lang),
        ylabel=msg("axis.effect", lang, outcome=label),
    )
    ax.legend(fontsize="small")
    fig.tight_layout()
    return _numbers(fig, lang)


def pre_period(
    pretests,
    outcome: str,
    frequency: str = "month",
    lang: str = "id",
    n_units: int | None = None,
    window: tuple[int, int] | None = None,
) -> plt.Figure:
    """The pre-programme picture on a universal base (:mod:`analysis.methods.pretrends`): every period against the
    one reference period before the start, so a steady drift shows as a sloping line (with csdid's varying
    base it would look flat). The shaded span is the joint test's window; the reference sits at zero."""
    style()
    es = pretests.event_study
    if window:
        es = es[es["event_time"].between(*window)]
    fig, ax = plt.subplots(figsize=(8, 4))
    lo, hi = pretests.reference - pretests.window - 0.5, pretests.reference - 0.5
    ax.axvspan(lo, hi, color="C1", alpha=0.12, lw=0, label=msg("plot.joint_window", lang, n=pretests.window))
    pre = es["event_time"] < 0
    for mask, colour in ((pre, "C1"), (~pre, "C0")):
        part = es[mask & es["se"].notna()]
        ax.errorbar(
            part["event_time"],
            part["att"],
            yerr=[part["att"] - part["ci_low"], part["ci_high"] - part["att"]],
            fmt="o",
            color=colour,
            ms=4,
            lw=1,
        )
    ax.plot([pretests.reference], [0.0], "D", color="black", ms=5, label=msg("plot.reference", lang))
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(-0.5, color="grey", ls="--", lw=0.8)
    label = msg(f"outcome.{outcome}", lang)
    ax.set(
        title=msg(
            "plot.pre_period", lang, outcome=label, n=n_units if n_units is not None else pretests.n_clusters
        ),
        xlabel=msg("axis.event_month" if frequency == "month" else "axis.event_quarter", lang),
        ylabel=msg("axis.vs_reference", lang, unit=msg(f"unit.{outcome}", lang)),
    )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize="small")
    fig.tight_layout()
    return _numbers(fig, lang)


def ikm_by_unit(ikm_panel: pd.DataFrame, lang: str = "id", min_n: int = 1) -> plt.Figure:
    """Each unit's IKM over its latest survey year, coloured by mutu, with the A-D band edges drawn."""
    style()
    last_year = ikm_panel["quarter"].dt.year.max()
    latest = ikm_panel[(ikm_panel["quarter"].dt.year == last_year) & (ikm_panel["n"] >= min_n)]
    by_unit = latest.groupby(["unit_id", "unit_type"], as_index=False)["ikm"].mean().sort_values("ikm")
    from analysis.methods.satisfaction import mutu

    by_unit["mutu"] = mutu(by_unit["ikm"])
    fig, ax = plt.subplots(figsize=(8, 4))
    colors = {"A": "#1a9850", "B": "#91cf60", "C": "#fc8d59", "D": "#d73027"}
    ax.scatter(np.arange(len(by_unit)), by_unit["ikm"], c=by_unit["mutu"].map(colors), s=12)
    for edge in reference.table("ikm_bands")["lower"].iloc[1:]:
        ax.axhline(edge, color="grey", ls=":", lw=0.8)
        ax.text(len(by_unit) * 1.005, edge, number(edge, lang, 2), va="center", fontsize=7, color="grey")
    ax.set(
        title=msg("plot.ikm", lang, year=last_year, n=len(by_unit)),
        xlabel=msg("axis.unit", lang),
        ylabel=msg("outcome.ikm", lang),
        xticks=[],
    )
    fig.tight_layout()
    return _numbers(fig, lang)


def forest(table: pd.DataFrame, label_col: str, title: str, xlabel: str, lang: str = "id") -> plt.Figure:
    """Estimates with CIs as a forest plot (robustness checks, sectors, dose groups, cities)."""
    style()
    t = table.dropna(subset=["estimate"]).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(t) + 1.4))
    y = np.arange(len(t))
    ax.errorbar(
        t["estimate"],
        y,
        xerr=[t["estimate"] - t["ci_low"], t["ci_high"] - t["estimate"]],
        fmt="o",
        color="C0",
        ms=5,
        capsize=3,
    )
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, t[label_col].astype(str))
    ax.set(title=title, xlabel=xlabel)
    fig.tight_layout()
    return _numbers(fig, lang)


def by_sector(table: pd.DataFrame, outcome: str, lang: str = "id") -> plt.Figure:
    """Effect per sector (rows from methods.did.by_group); thin sectors are listed in the table, not plotted."""
    label = msg(f"outcome.{outcome}", lang)
    t = table.assign(label=table["sector"].map(lambda s: msg(f"sector.{s}", lang)))
    return forest(
        t,
        "label",
        msg("plot.by_sector", lang, outcome=label, n=int(t["n_units"].sum())),
        msg("axis.effect", lang, outcome=label),
        lang=lang,
    )


def k_selection(selection: pd.DataFrame, k: int, n: int, lang: str = "id") -> plt.Figure:
    """Gap statistic per k with its SE (the choice) and silhouette (for information)."""
    style()
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ax.errorbar(
        selection["k"],
        selection["gap"],
        yerr=selection["gap_se"],
        fmt="o-",
        color="C0",
        capsize=3,
        label=msg("axis.gap", lang),
    )
    ax.axvline(k, color="C0", ls="--", lw=1)
    ax.set(
        title=msg("plot.selection", lang, n=n, k=k),
        xlabel=msg("axis.k", lang),
        ylabel=msg("axis.gap", lang),
        xticks=selection["k"].tolist(),
    )
    if "silhouette" in selection:
        ax2 = ax.twinx()
        ax2.plot(
            selection["k"],
            selection["silhouette"],
            "s:",
            color="C7",
            ms=4,
            label=msg("axis.silhouette", lang),
        )
        ax2.set_ylabel(msg("axis.silhouette", lang), color="C7")
        ax2.grid(False)
    fig.tight_layout()
    return _numbers(fig, lang)


def group_profiles(
    profiles: pd.DataFrame,
    names: dict,
    jaccard: pd.Series | None = None,
    lang: str = "id",
    min_cell: int = 10,
    sizes: dict | None = None,
    n: int | None = None,
) -> plt.Figure:
    """Heatmap of mean shortfall (levels), group x competency; row labels carry size and stability.

    ``sizes``: group -> its size as the page publishes it (None when hidden; see analysis.report.privacy.Page); hidden
    groups are left out (their means would describe a few identifiable people) and the title's ``n`` is the
    page's number of assessed staff, never the sum of the groups shown (that would reveal the hidden ones by
    subtraction). Without ``sizes``, groups under ``min_cell`` are left out."""
    style()
    if sizes is None:
        sizes = {g: (int(s) if s >= min_cell else None) for g, s in profiles["size"].items()}
    shown = [g for g in profiles.index if sizes.get(g) is not None]
    hidden = len(profiles) - len(shown)
    data = profiles.loc[shown].drop(columns=["size"])
    rows = []
    for g in data.index:
        badge = (
            "" if jaccard is None or g not in jaccard.index else f", Jaccard {number(jaccard[g], lang, 2)}"
        )
        rows.append(f"{names[g]}\n(n = {number(sizes[g], lang)}{badge})")
    fig, ax = plt.subplots(figsize=(10, 0.9 * len(data) + 2))
    sns.heatmap(
        data.set_axis(rows).set_axis([competency_label(c, lang) for c in data.columns], axis=1),
        annot=True,
        fmt=".1f",
        cmap="Reds",
        vmin=0,
        vmax=max(2.0, float(data.to_numpy().max()) if data.size else 2.0),
        ax=ax,
        cbar_kws={"label": msg("axis.shortfall", lang)},
    )
    title = msg("plot.profiles", lang, n=n if n is not None else f"<{min_cell}")
    if hidden:
        title += "\n" + msg("plot.hidden_groups", lang, n=hidden, min_cell=min_cell)
    ax.set(title=title, xlabel=msg("axis.competency", lang), ylabel="")
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    fig.tight_layout()
    return _numbers(fig, lang)


def shortfall_by_competency(shortfalls: pd.DataFrame, lang: str = "id", n=None) -> plt.Figure:
    """Mean shortfall per competency; ``n`` as the page publishes it (default: every row)."""
    style()
    mean = shortfalls.mean().rename(index=lambda c: competency_label(c, lang)).sort_values()
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ax.barh(mean.index, mean.to_numpy(), color="C3")
    ax.set(
        title=msg("plot.shortfall", lang, n=len(shortfalls) if n is None else n),
        xlabel=msg("axis.shortfall", lang),
        ylabel="",
    )
    fig.tight_layout()
    return _numbers(fig, lang)


def cross_city_ikm(trend: pd.DataFrame, lang: str = "id") -> plt.Figure:
    style()
    fig, ax = plt.subplots(figsize=(8, 4))
    sns.lineplot(data=trend, x="quarter", y="ikm", hue="city", marker="o", ax=ax)
    ax.set(
        title=msg("plot.cross_ikm", lang, n=trend["city"].nunique()),
        xlabel=msg("axis.quarter", lang),
        ylabel=msg("outcome.ikm", lang),
    )
    ax.legend(title="")
    fig.tight_layout()
    return _numbers(fig, lang)


def cross_city_groups(shares: pd.DataFrame, lang: str = "id") -> plt.Figure:
    style()
    wide = shares.pivot_table(index="city", columns="group", values="share", fill_value=0.0)
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(wide) + 2.2))
    wide.plot.barh(stacked=True, ax=ax, width=0.7)
    ax.set(
        title=msg("plot.cross_groups", lang, n=len(wide)),
        xlabel=msg("axis.share", lang),
        ylabel="",
        xlim=(0, 1),
    )
    ax.legend(title="", fontsize="x-small", loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2)
    fig.tight_layout()
    return _numbers(fig, lang)


def sensitivity(rm, outcome: str, lang: str = "id", n_units: int | None = None, alpha: float = 0.05):
    """Robust intervals of the early effect by Mbar (HonestDiD relative magnitudes, :mod:`analysis.methods.sensitivity`):
    the interval widens as larger post-programme trend differences are allowed; the breakdown value, where it
    first touches zero, is marked."""
    style()
    b = rm.bounds.dropna()
    fig, ax = plt.subplots(figsize=(8, 3.8))
    finite = b[np.isfinite(b["lb"]) & np.isfinite(b["ub"])]
    ax.vlines(finite["mbar"], finite["lb"], finite["ub"], color="C0", lw=3)
    plain = finite[finite["mbar"] == 0]
    if len(plain):
        ax.vlines(
            plain["mbar"],
            plain["lb"],
            plain["ub"],
            color="C1",
            lw=3,
            label=msg("plot.sensitivity_plain", lang),
        )
    ax.axhline(0, color="black", lw=0.8)
    if rm.breakdown is not None and 0 < rm.breakdown <= float(b["mbar"].max()):
        ax.axvline(rm.breakdown, color="C3", ls="--", lw=1)
        right = rm.breakdown > 0.6 * float(b["mbar"].max())  # near the right edge: label on the line's left
        ax.text(
            rm.breakdown,
            0.93,
            f" {msg('plot.sensitivity_breakdown', lang, mbar=rm.breakdown)} ",
            color="C3",
            va="top",
            ha="right" if right else "left",
            fontsize="small",
            transform=ax.get_xaxis_transform(),
        )
    level = int(round(100 * (1 - alpha)))
    ax.set(
        title=msg(
            "plot.sensitivity_title",
            lang,
            outcome=msg(f"outcome.{outcome}", lang),
            level=level,
            n=n_units if n_units is not None else "?",
        ),
        xlabel=msg("plot.sensitivity_x", lang),
        ylabel=msg("plot.sensitivity_y", lang, unit=msg(f"unit.{outcome}", lang)),
    )
    if len(plain):
        ax.legend(fontsize="small", loc="lower left")
    fig.tight_layout()
    return _numbers(fig, lang)


XMR_COLOURS = {
    "common_cause": "#7f8c8d",
    "special_cause_concern": "#e67e22",
    "special_cause_improvement": "#2471a3",
    "missing": "#ffffff",
}


def xmr_grid(
    charts: dict,
    months: pd.Series,
    names: dict,
    lang: str = "id",
    standard: dict | None = None,
    row_height: float = 2.1,
):
    """Small multiples of XmR charts, two per row (readable on a phone): each unit's monthly median wait over
    all arrivals with its mean, process limits and (dotted red) its standard; orange points are special causes
    of concern, blue of improvement (NHS Making Data Count colours)."""
    style()
    units = list(charts)
    cols = 2
    rows = max(1, -(-len(units) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(8, row_height * rows + 0.8), squeeze=False, sharex=True)
    x = np.arange(len(months))
    for ax, unit in zip(axes.flat, units, strict=False):
        chart = charts[unit]
        pts = chart.points
        ax.plot(x, pts["value"], color="#95a5a6", lw=1)
        ax.scatter(x, pts["value"], c=pts["point_type"].map(XMR_COLOURS).fillna("#7f8c8d"), s=12, zorder=3)
        ax.axhline(chart.mean, color="black", lw=0.8)
        for limit in (chart.lpl, chart.upl):
            ax.axhline(limit, color="black", lw=0.7, ls="--")
        if standard and standard.get(unit) is not None and pd.notna(standard.get(unit)):
            ax.axhline(standard[unit], color="#c0392b", lw=1, ls=":")
        ax.set_title(names.get(unit, unit), fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(units) :]:
        ax.axis("off")
    ticks = x[:: max(1, len(x) // 4)]
    for ax in axes[-1]:
        ax.set_xticks(ticks, [f"{pd.Timestamp(months.iloc[i]):%Y-%m}" for i in ticks], fontsize=7)
    fig.suptitle(msg("plot.xmr_grid", lang, n=len(units)), fontsize=10)
    fig.supylabel(msg("axis.wait_all", lang), fontsize=9)
    fig.tight_layout()
    return _numbers(fig, lang)


def xmr_sparklines(
    charts: dict, names: dict, lang: str = "id", standard: dict | None = None, cols: int = 2
) -> plt.Figure:
    """Every unit's XmR chart as a sparkline, ``cols`` per row, drawn in one axes so that hundreds of units stay
    cheap (about a millisecond each, against some 50 ms for a grid of real axes): the monthly median wait (grey
    line), its mean (black) and process limits (dashed), the standard (dotted red) and special causes (orange:
    concern, blue: improvement). Each cell is scaled to its own range, printed beside the unit's name in minutes,
    since a shared axis would flatten the kelurahan against the Puskesmas."""
    from matplotlib.collections import LineCollection

    style()
    units = list(charts)
    rows = max(1, -(-len(units) // cols))
    width, height, gap_x, gap_y = 1.0, 0.55, 0.12, 0.45  # a cell's plot area and the gaps (data units)
    fig, ax = plt.subplots(figsize=(8, 0.95 * rows + 0.3))
    series, dashed, dotted, solid = [], [], [], []
    dots_x, dots_y, dots_c = [], [], []
    for i, unit in enumerate(units):
        chart = charts[unit]
        values = chart.points["value"].to_numpy(float)
        x0 = (i % cols) * (width + gap_x)
        y0 = -(i // cols) * (height + gap_y)
        target = (standard or {}).get(unit)
        target = float(target) if target is not None and pd.notna(target) else None
        span = [
            v for v in (np.nanmin(values), np.nanmax(values), chart.lpl, chart.upl, target) if v is not None
        ]
        lo, hi = min(span), max(span)
        hi = hi if hi > lo else lo + 1.0
        n = len(values)
        xs = x0 + width * np.arange(n) / max(n - 1, 1)

        def to_y(v, lo=lo, hi=hi, y0=y0):
            return y0 + height * (np.asarray(v, float) - lo) / (hi - lo)

        ys = to_y(values)
        present = ~np.isnan(ys)
        runs = np.split(np.arange(n), np.flatnonzero(np.diff(present.astype(int))) + 1)
        series += [np.column_stack([xs[r], ys[r]]) for r in runs if present[r[0]]]  # a gap breaks the line
        solid.append([(x0, to_y(chart.mean)), (x0 + width, to_y(chart.mean))])
        for limit in (chart.lpl, chart.upl):
            dashed.append([(x0, to_y(limit)), (x0 + width, to_y(limit))])
        if target is not None:
            dotted.append([(x0, to_y(target)), (x0 + width, to_y(target))])
        special = (
            chart.points["point_type"].isin(["special_cause_concern", "special_cause_improvement"]).to_numpy()
        )
        dots_x += list(xs[special])
        dots_y += list(ys[special])
        dots_c += [XMR_COLOURS[t] for t in chart.points["point_type"][special]]
        ax.text(x0, y0 + height + 0.06, names.get(unit, unit), fontsize=8, va="bottom", ha="left")
        scale = f"{number(lo, lang, 0)}-{number(hi, lang, 0)} {msg('unit.median_wait_minutes', lang)}"
        ax.text(x0 + width, y0 + height + 0.06, scale, fontsize=7, va="bottom", ha="right", color="#555555")
    ax.add_collection(LineCollection(series, colors="#95a5a6", linewidths=1))
    ax.add_collection(LineCollection(solid, colors="black", linewidths=0.7))
    ax.add_collection(LineCollection(dashed, colors="black", linewidths=0.6, linestyles="--"))
    if dotted:
        ax.add_collection(LineCollection(dotted, colors="#c0392b", linewidths=1, linestyles=":"))
    if dots_x:
        ax.scatter(dots_x, dots_y, c=dots_c, s=10, zorder=3)
    ax.set_xlim(-0.02, cols * (width + gap_x) - gap_x + 0.02)
    ax.set_ylim(-(rows - 1) * (height + gap_y) - 0.05, height + 0.35)
    ax.axis("off")
    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
    return fig


def folded_figure(fig: plt.Figure, summary: str, alt: str) -> None:
    """Display a figure closed behind a summary line (an HTML ``<details>``), embedded as SVG the way nbconvert
    embeds the other figures (a data URI): many small multiples stay out of the way until a reader opens them."""
    import base64
    import html
    import io

    from IPython.display import HTML, display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    uri = "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
    display(
        HTML(
            f"<details><summary>{html.escape(summary)}</summary>"
            f'<img src="{uri}" alt="{html.escape(alt)}" style="max-width:100%"></details>'
        )
    )
