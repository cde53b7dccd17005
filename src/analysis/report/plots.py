"""One house style for figures: every plot has a title with n, labelled axes with units, and takes results
(panels, DidResult, tables), never raw files. Text comes from the message catalogue in the report language."""

from __future__ import annotations

import functools
import re
import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.text as mtext
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import MaxNLocator

from analysis.data import reference
from analysis.methods.did import DidResult
from analysis.report.i18n import competency_label, msg, number

PALETTE = "colorblind"

# Phone first. A figure is drawn PHONE_WIDTH inches wide (461 CSS px) with no text under MIN_PT points; a
# 390 px phone shows it in about 360 px, where 11 pt reads as 11.3 px (the issue asks for 11 px at least).
# Desktops show the same SVG larger through the page's CSS, so one rendering serves both.
PHONE_WIDTH = 4.8
MIN_PT = 11.0
PHONE_SCREEN_PX = 360


def style() -> None:
    sizes = {k: MIN_PT for k in ("font.size", "axes.labelsize", "xtick.labelsize", "ytick.labelsize")}
    sizes |= {"legend.fontsize": MIN_PT, "legend.title_fontsize": MIN_PT, "axes.titlesize": MIN_PT + 1}
    sns.set_theme(
        style="whitegrid",
        palette=PALETTE,
        context="notebook",
        rc={"figure.dpi": 110, "svg.fonttype": "none", **sizes},
    )
    _inline_svg()


def _wrap(text: str, width_pt: float, size: float) -> str:
    """Break a line of text so it fits ``width_pt`` (DejaVu Sans averages about half an em a character)."""
    chars = max(12, int(width_pt / (0.53 * size)))
    return "\n".join(textwrap.fill(line, chars) for line in text.split("\n"))


def _phone(fig: plt.Figure) -> plt.Figure:
    """The phone rules for any figure, applied last: no text under MIN_PT; titles and x labels wrapped to the
    width they have, y labels to the height (a long label would otherwise widen the saved picture and shrink
    everything in it); legends marked by :func:`_legend_below` put under everything else of their axes."""
    for text in fig.findobj(mtext.Text):
        if text.get_text() and text.get_fontsize() < MIN_PT:
            text.set_fontsize(MIN_PT)
    legends = [ax.get_legend() for ax in fig.axes if getattr(ax.get_legend(), "_asn_below", False)]
    for legend in legends:
        legend.set_in_layout(False)
        room = (fig.get_figwidth() * 72 * 0.9 - 45 * legend._ncols) / legend._ncols  # less the markers
        for text in legend.get_texts():
            text.set_text(_wrap(text.get_text(), room, text.get_fontsize()))
    width_pt, height_pt = fig.get_figwidth() * 72, fig.get_figheight() * 72
    if fig._suptitle is not None and fig._suptitle.get_text():
        fig._suptitle.set_text(_wrap(fig._suptitle.get_text(), width_pt * 0.95, fig._suptitle.get_fontsize()))
    for _ in range(2):  # lay out, wrap to the room the layout left, lay out again
        fig.tight_layout()
        for ax in fig.axes:
            box = ax.get_position()
            centre = (box.x0 + box.x1) / 2  # a title is centred on its axes, not on the figure
            title_room = 2 * min(centre, 1 - centre) * width_pt * 0.97
            for label, room in (
                (ax.title, title_room),
                (ax.xaxis.label, box.width * width_pt),
                (ax.yaxis.label, box.height * height_pt),
            ):
                if label.get_text():
                    if not hasattr(label, "_asn_text"):  # wrap the text as written, not last pass's lines
                        label._asn_text = label.get_text()
                    label.set_text(_wrap(label._asn_text, room, label.get_fontsize()))
    fig.tight_layout()
    if fig._suptitle is not None and fig._suptitle.get_text():  # leave the (wrapped) figure title its room
        renderer = fig.canvas.get_renderer()
        height = fig._suptitle.get_window_extent(renderer).height / fig.bbox.height
        fig.tight_layout(rect=(0, 0, 1, 1 - height - 0.01))
    if legends:
        renderer = fig.canvas.get_renderer()
        for legend in legends:
            ax = legend.axes
            legend.set_visible(False)
            below = ax.get_tightbbox(renderer).y0  # display units: the lowest tick label or axis label
            legend.set_visible(True)
            # centred on the figure, not on the axes (long tick labels push the axes right)
            x = ax.transAxes.inverted().transform(fig.transFigure.transform((0.5, 0)))[0]
            y = ax.transAxes.inverted().transform((0, below))[1]
            legend.set_bbox_to_anchor((x, y - 0.02), transform=ax.transAxes)
            legend.set_in_layout(True)  # inside the saved picture, which bbox_inches="tight" crops to
    return fig


def phone_text_px(fig: plt.Figure, screen_px: float = PHONE_SCREEN_PX) -> float:
    """The smallest text of ``fig`` in CSS pixels when its saved (tight) picture is shown ``screen_px`` wide."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    bbox = fig.get_tightbbox(renderer)
    width_px = bbox.width * 96  # inches -> CSS px
    scale = min(1.0, screen_px / width_px)
    sizes = [t.get_fontsize() for t in fig.findobj(mtext.Text) if t.get_text() and t.get_visible()]
    return min(sizes) * 96 / 72 * scale


def _dates(ax, ticks: int = 4) -> None:
    """At most ``ticks`` month labels (year-month) on a date axis: they fit side by side at 11 pt on a phone."""
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=2, maxticks=ticks))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))


def _legend_below(ax, ncol: int = 1, **kwargs) -> None:
    """A legend under the axes, where on a narrow figure it hides no data."""
    legend = ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=ncol, frameon=False, **kwargs)
    legend._asn_below = True  # placed by _phone once the axes' labels are laid out


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
    (heatmap cells, band edges). Date and category axes keep their labels. Also the last step of every
    figure, so it applies the phone rules and lays the figure out (:func:`_phone`)."""
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
    return _phone(fig)


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
    fig, ax = plt.subplots(figsize=(PHONE_WIDTH, 3.6))
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
    _dates(ax)
    _legend_below(ax, title=f"{msg('legend.never', lang)}: n={n_never}")
    return _numbers(fig, lang)


def raw_trends(panel: pd.DataFrame, outcome: str, time_col: str = "month", lang: str = "id") -> plt.Figure:
    """Mean outcome per wave over time, with each wave's start marked: selection and trends at a glance."""
    style()
    df = panel.assign(wave=_waves(panel, lang))
    means = df.groupby(["wave", time_col])[outcome].mean().reset_index()
    fig, ax = plt.subplots(figsize=(PHONE_WIDTH, 4))
    sns.lineplot(data=means, x=time_col, y=outcome, hue="wave", ax=ax, marker="o", markersize=3)
    for start in panel["programme_start"].dropna().unique():
        ax.axvline(pd.Timestamp(start), color="grey", ls="--", lw=0.8)
    label = msg(f"outcome.{outcome}", lang)
    ax.set(
        title=msg("plot.trends", lang, outcome=label, n=panel["unit_id"].nunique()),
        xlabel=msg("axis.month" if time_col == "month" else "axis.quarter", lang),
        ylabel=label,
    )
    _dates(ax)
    _legend_below(ax, ncol=2, title="")
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
    fig, ax = plt.subplots(figsize=(PHONE_WIDTH, 4))
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
        label="Callaway-Sant'Anna" if twfe is not None else None,
    )
    if twfe is not None:
        tw = twfe[twfe["event_time"].between(es["event_time"].min(), es["event_time"].max())]
        ax.plot(tw["event_time"] + 0.2, tw["att"], "s", color="C3", ms=3, alpha=0.7, label="TWFE")
        _legend_below(ax, ncol=2)
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(-0.5, color="grey", ls="--", lw=0.8)
    label = msg(f"outcome.{result.outcome}", lang)
    ax.set(
        title=msg("plot.event", lang, outcome=label, n=result.n_units),
        xlabel=msg("axis.event_month" if frequency == "month" else "axis.event_quarter", lang),
        ylabel=msg("axis.effect", lang, outcome=label),
    )
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
    fig, ax = plt.subplots(figsize=(PHONE_WIDTH, 4))
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
    _legend_below(ax)
    return _numbers(fig, lang)


def ikm_by_unit(ikm_panel: pd.DataFrame, lang: str = "id", min_n: int = 1) -> plt.Figure:
    """Each unit's IKM over its latest survey year, coloured by mutu, with the A-D band edges drawn."""
    style()
    last_year = ikm_panel["quarter"].dt.year.max()
    latest = ikm_panel[(ikm_panel["quarter"].dt.year == last_year) & (ikm_panel["n"] >= min_n)]
    by_unit = latest.groupby(["unit_id", "unit_type"], as_index=False)["ikm"].mean().sort_values("ikm")
    from analysis.methods.satisfaction import mutu

    by_unit["mutu"] = mutu(by_unit["ikm"])
    fig, ax = plt.subplots(figsize=(PHONE_WIDTH, 4))
    colors = {"A": "#1a9850", "B": "#91cf60", "C": "#fc8d59", "D": "#d73027"}
    ax.scatter(np.arange(len(by_unit)), by_unit["ikm"], c=by_unit["mutu"].map(colors), s=12)
    for edge in reference.table("ikm_bands")["lower"].iloc[1:]:
        ax.axhline(edge, color="grey", ls=":", lw=0.8)
        ax.text(len(by_unit) * 1.005, edge, number(edge, lang, 2), va="center", color="grey")
    ax.set(
        title=msg("plot.ikm", lang, year=last_year, n=len(by_unit)),
        xlabel=msg("axis.unit", lang),
        ylabel=msg("outcome.ikm", lang),
        xticks=[],
    )
    return _numbers(fig, lang)


def forest(table: pd.DataFrame, label_col: str, title: str, xlabel: str, lang: str = "id") -> plt.Figure:
    """Estimates with CIs as a forest plot (robustness checks, sectors, dose groups, cities)."""
    style()
    t = table.dropna(subset=["estimate"]).iloc[::-1]
    fig, ax = plt.subplots(figsize=(PHONE_WIDTH, 0.45 * len(t) + 1.4))
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
    ax.set_yticks(y, [textwrap.fill(str(v), 22) for v in t[label_col]])
    ax.set(title=title, xlabel=xlabel)
    return _numbers(fig, lang)


def province_forest(by_province: pd.DataFrame, outcome: str, lang: str = "id") -> plt.Figure:
    """The pooled effect per province (``cross_city.cross_city_by_province``), one row each with its number of
    kab/kota: what replaces a forest of every city once there are too many for a phone (a province of one
    shows its city's effect without a pooled interval)."""
    label = msg(f"outcome.{outcome}", lang)
    t = by_province.assign(
        label=[
            f"{p or msg('province.none', lang)} ({n})"
            for p, n in zip(by_province["province"], by_province["cities"], strict=True)
        ]
    )
    return forest(
        t,
        "label",
        msg("plot.cross_province", lang, outcome=label, k=len(t), n=int(t["cities"].sum())),
        msg("axis.effect", lang, outcome=label),
        lang=lang,
    )


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
    fig, ax = plt.subplots(figsize=(PHONE_WIDTH, 3.8))
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
    return _numbers(fig, lang)


def group_profiles(
    profiles: pd.DataFrame,
    names: dict,
    stability: dict | None = None,
    lang: str = "id",
    min_cell: int = 10,
    sizes: dict | None = None,
    n: int | None = None,
) -> plt.Figure:
    """Heatmap of mean shortfall (levels), competency x group; the key under it gives each group's name, size
    and ``stability`` (group -> the band in words).

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
    key = []
    for i, g in enumerate(data.index, start=1):
        badge = "" if not stability or stability.get(g) is None else f", {stability[g]}"
        key.append(f"{i}: {names[g]} (n = {number(sizes[g], lang)}{badge})")
    # Competencies down the side and groups numbered across: on a phone nine competency names fit as rows,
    # while k long group names would not fit as columns; the key under the map names each number.
    fig, ax = plt.subplots(figsize=(PHONE_WIDTH, 0.42 * len(data.columns) + 0.3 * len(key) + 1.6))
    sns.heatmap(
        data.T.set_axis([textwrap.fill(competency_label(c, lang), 20) for c in data.columns]).set_axis(
            [str(i) for i in range(1, len(data) + 1)], axis=1
        ),
        annot=True,
        fmt=".1f",
        cmap="Reds",
        vmin=0,
        vmax=max(2.0, float(data.to_numpy().max()) if data.size else 2.0),
        ax=ax,
        cbar_kws={"label": msg("axis.shortfall", lang), "shrink": 0.8},
    )
    title = msg("plot.profiles", lang, n=n if n is not None else f"<{min_cell}")
    if hidden:
        title += "\n" + msg("plot.hidden_groups", lang, n=hidden, min_cell=min_cell)
    ax.set_title(title)
    ax.set_ylabel("")
    ax.set_xlabel(msg("axis.group", lang))
    chars = int(PHONE_WIDTH * 72 * 0.92 / (0.55 * MIN_PT))
    fig.text(  # under the figure, the whole width: bbox_inches="tight" keeps it in the saved picture
        0.02, 0.0, "\n".join(textwrap.fill(line, chars, subsequent_indent="   ") for line in key), va="top"
    )
    ax.tick_params(axis="x", rotation=0)
    return _numbers(fig, lang)


def shortfall_by_competency(shortfalls: pd.DataFrame, lang: str = "id", n=None) -> plt.Figure:
    """Mean shortfall per competency; ``n`` as the page publishes it (default: every row)."""
    style()
    mean = (
        shortfalls.mean().rename(index=lambda c: textwrap.fill(competency_label(c, lang), 22)).sort_values()
    )
    fig, ax = plt.subplots(figsize=(PHONE_WIDTH, 0.45 * len(mean) + 1.6))
    ax.barh(mean.index, mean.to_numpy(), color="C3")
    ax.set(
        title=msg("plot.shortfall", lang, n=len(shortfalls) if n is None else n),
        xlabel=msg("axis.shortfall", lang),
        ylabel="",
    )
    return _numbers(fig, lang)


def skp_event_study(performance: dict, lang: str = "id") -> plt.Figure:
    """SKP levels by year since the first programme against the comparison staff (results.json's
    ``performance``): results and behaviour side by side, pointwise 95% intervals, the dip year shaded, every
    year measured against the year before the dip (its point is 0 by construction, without an interval)."""
    style()
    fig, ax = plt.subplots(figsize=(PHONE_WIDTH, 4))
    lead = performance["dip_years"]
    ax.axvspan(-lead - 0.5, -0.5, color="grey", alpha=0.15, lw=0)
    for j, (name, r) in enumerate(performance["outcomes"].items()):
        es = pd.DataFrame(r["event_study"])
        x = es["event_time"] + (j - 0.5) * 0.2
        ax.errorbar(
            x,
            es["att"],
            yerr=[es["att"] - es["ci_low"], es["ci_high"] - es["att"]],
            fmt="o",
            color=f"C{j}",
            ms=4,
            lw=1,
            label=msg(f"skp.{name}", lang),
        )
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(-0.5, color="grey", ls="--", lw=0.8)
    n = performance["outcomes"].get("results_level", {}).get("staff")
    ax.set(
        title=msg("plot.skp_event", lang, n=n if n is not None else "…"),
        xlabel=msg("axis.event_year", lang),
        ylabel=msg("axis.skp_effect", lang, ref=-lead - 1),  # every year against the year before the dip
    )
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    _legend_below(ax, ncol=2)
    return _numbers(fig, lang)


def cross_city_ikm(trend: pd.DataFrame, lang: str = "id") -> plt.Figure:
    style()
    fig, ax = plt.subplots(figsize=(PHONE_WIDTH, 4))
    sns.lineplot(data=trend, x="quarter", y="ikm", hue="city", marker="o", ax=ax)
    ax.set(
        title=msg("plot.cross_ikm", lang, n=trend["city"].nunique()),
        xlabel=msg("axis.quarter", lang),
        ylabel=msg("outcome.ikm", lang),
    )
    _dates(ax)
    _legend_below(ax, ncol=2, title="")
    return _numbers(fig, lang)


def cross_city_groups(shares: pd.DataFrame, lang: str = "id") -> plt.Figure:
    style()
    wide = shares.pivot_table(index="city", columns="group", values="share", fill_value=0.0)
    fig, ax = plt.subplots(figsize=(PHONE_WIDTH, 0.6 * len(wide) + 2.2))
    wide.plot.barh(stacked=True, ax=ax, width=0.7)
    ax.set(
        title=msg("plot.cross_groups", lang, n=len(wide)),
        xlabel=msg("axis.share", lang),
        ylabel="",
        xlim=(0, 1),
    )
    _legend_below(ax, title="")
    return _numbers(fig, lang)


def sensitivity(rm, outcome: str, lang: str = "id", n_units: int | None = None, alpha: float = 0.05):
    """Robust intervals of the early effect by Mbar (HonestDiD relative magnitudes, :mod:`analysis.methods.sensitivity`):
    the interval widens as larger post-programme trend differences are allowed; the breakdown value, where it
    first touches zero, is marked."""
    style()
    b = rm.bounds.dropna()
    fig, ax = plt.subplots(figsize=(PHONE_WIDTH, 3.8))
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
        _legend_below(ax)
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
    """Small multiples of XmR charts, one per row (readable on a phone): each unit's monthly median wait over
    all arrivals with its mean, process limits and (dotted red) its standard; orange points are special causes
    of concern, blue of improvement (NHS Making Data Count colours)."""
    style()
    units = list(charts)
    cols = 1
    rows = max(1, len(units))
    fig, axes = plt.subplots(
        rows, cols, figsize=(PHONE_WIDTH, row_height * rows + 0.8), squeeze=False, sharex=True
    )
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
        ax.set_title(names.get(unit, unit), loc="left")
    for ax in list(axes.flat)[len(units) :]:
        ax.axis("off")
    ticks = x[:: max(1, len(x) // 4)]
    for ax in axes[-1]:
        ax.set_xticks(ticks, [f"{pd.Timestamp(months.iloc[i]):%Y-%m}" for i in ticks])
    fig.suptitle(msg("plot.xmr_grid", lang, n=len(units)))
    fig.supylabel(msg("axis.wait_all", lang))
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
    # a cell's plot area and the gaps, in data units of about an inch: the name and the scale go on two
    # lines above each cell, at 11 pt, so that a phone reads them
    width, height, gap_x, gap_y = 1.0, 0.5, 0.12, 0.62
    fig, ax = plt.subplots(figsize=(PHONE_WIDTH, 1.12 * rows + 0.3))
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
        name = names.get(unit, unit)
        name = name if len(name) <= 24 else name[:23] + "\u2026"
        ax.text(x0, y0 + height + 0.3, name, fontsize=MIN_PT, va="bottom", ha="left")
        scale = f"{number(lo, lang, 0)}-{number(hi, lang, 0)} {msg('unit.median_wait_minutes', lang)}"
        ax.text(x0, y0 + height + 0.06, scale, fontsize=MIN_PT, va="bottom", ha="left", color="#555555")
    ax.add_collection(LineCollection(series, colors="#95a5a6", linewidths=1))
    ax.add_collection(LineCollection(solid, colors="black", linewidths=0.7))
    ax.add_collection(LineCollection(dashed, colors="black", linewidths=0.6, linestyles="--"))
    if dotted:
        ax.add_collection(LineCollection(dotted, colors="#c0392b", linewidths=1, linestyles=":"))
    if dots_x:
        ax.scatter(dots_x, dots_y, c=dots_c, s=10, zorder=3)
    ax.set_xlim(-0.02, cols * (width + gap_x) - gap_x + 0.02)
    ax.set_ylim(-(rows - 1) * (height + gap_y) - 0.05, height + 0.6)
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
