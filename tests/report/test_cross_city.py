"""The cross-city report by province: each province's cities pooled as the national pool is."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.methods.pooling import random_effects
from analysis.report import cross_city


def _result(estimate, se, verdict):
    window = {
        "estimate": estimate,
        "se": se,
        "window": 5,
        "ci_low": estimate - 2 * se,
        "ci_high": estimate + 2 * se,
    }
    return {"programme_effects": {"outcomes": {"ikm": {"verdict": verdict, "window_effect": window}}}}


def test_each_province_pools_its_cities_and_counts_their_verdicts():
    """Kendari (Sulawesi Tenggara) alone; Medan and two unregistered kab/kota: Medan's province pools one, the
    unregistered ones form their own group ('' province) pooled by the same random-effects model."""
    results = {
        "kendari": _result(2.0, 0.5, "increase"),
        "medan": _result(1.0, 0.4, "fragile"),
        "kab-x": _result(3.0, 1.0, "no_detectable_change"),
        "kab-y": _result(1.5, 0.8, "increase"),
    }
    table = cross_city.cross_city_by_province(results, "ikm").set_index("province")
    assert list(table.index) == ["", "Sulawesi Tenggara", "Sumatera Utara"]
    alone = table.loc["Sulawesi Tenggara"]
    assert (
        alone["cities"] == 1
        and alone["estimate"] == 2.0
        and pd.isna(alone["ci_low"])
        and alone["increase"] == 1
    )
    pooled = random_effects([3.0, 1.5], [1.0, 0.8])
    two = table.loc[""]
    assert two["cities"] == 2 and two["estimate"] == pytest.approx(pooled["estimate"])
    assert two["ci_low"] == pytest.approx(pooled["ci_low"]) and two["no_detectable_change"] == 1
    assert table.loc["Sumatera Utara", "fragile_or_thin"] == 1


def test_at_hundreds_of_cities_the_forest_shows_provinces_one_row_each():
    """514 kab/kota in 38 provinces: the figure the cross-city page draws instead of one row per city has one
    row per province, labelled with its number of kab/kota (an unregistered city under its own label), and a
    title that counts both."""
    import matplotlib

    matplotlib.use("Agg")
    from analysis.report import plots

    rng = np.random.default_rng(0)
    provinces = [f"Provinsi {i:02d}" for i in range(37)] + [""]
    rows = pd.DataFrame({"province": rng.choice(provinces, 514)})
    table = (
        rows.groupby("province")
        .size()
        .rename("cities")
        .reset_index()
        .assign(estimate=0.5, ci_low=0.1, ci_high=0.9)
    )
    fig = plots.province_forest(table, "ikm", lang="en")
    ax = fig.axes[0]
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]  # long labels wrap
    assert len(labels) == len(table) == 38
    assert "(province not recorded) (" in " ".join(labels)
    assert all(label.endswith(")") for label in labels)
    assert "38 provinces, 514 cities" in ax.get_title().replace("\n", " ")
    assert fig.get_size_inches()[1] < 0.5 * 38 + 2  # one row per province, not per city
