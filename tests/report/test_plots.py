"""Figures say what they show (title with n, labelled axes) and write numbers in the page's language."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.report import plots  # noqa: E402

TABLE = pd.DataFrame(
    {
        "city": ["Kendari", "Medan"],
        "estimate": [-0.35, 0.1],
        "ci_low": [-0.55, -0.15],
        "ci_high": [-0.15, 0.3],
    }
)


@pytest.mark.parametrize(("lang", "mark", "other"), [("id", ",", "."), ("en", ".", ",")])
def test_ticks_use_the_decimal_mark_of_the_page(lang, mark, other):
    fig = plots.forest(TABLE, "city", "Dampak per kota (n = 2 kota)", "Dampak (menit)", lang=lang)
    fig.canvas.draw()
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    decimals = [t for t in ticks if mark in t]
    assert decimals and not any(other in t for t in ticks), ticks
    assert (
        ax.get_title()
        and ax.get_xlabel()
        and [t.get_text() for t in ax.get_yticklabels()] == ["Medan", "Kendari"]
    )


def test_the_rollout_figure_names_its_units_and_axes():
    months = pd.date_range("2023-01-01", periods=4, freq="MS")
    panel = pd.DataFrame(
        {
            "unit_id": [u for u in ("A", "B", "C") for _ in months],
            "month": list(months) * 3,
            "programme_start": [pd.Timestamp("2023-03-01")] * 4
            + [pd.Timestamp("2023-02-01")] * 4
            + [pd.NaT] * 4,
        }
    )
    panel["cohort"] = panel["programme_start"].map(
        {pd.Timestamp("2023-03-01"): 3, pd.Timestamp("2023-02-01"): 2}
    )
    fig = plots.rollout_timing(panel, lang="en")
    ax = fig.axes[0]
    assert "3" in ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
