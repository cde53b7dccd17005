"""Figure output formats: render the demo report figures of one city as the inline backend does and compare time
and bytes (PNG at the house dpi with a tight bounding box, as before; SVG with text as text, as now).

Usage: python benchmarks/bench_figures.py [city]   (demo data must exist: make demo-data)
"""

from __future__ import annotations

import statistics
import sys
import time

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
from IPython.core.pylabtools import print_figure  # noqa: E402

from analysis import config
from analysis.data import load
from analysis.methods import competency, evaluation
from analysis.report import (
    plots,  # noqa: E402
    training_needs,
)


def figures(city: str) -> dict:
    data = load.load_city(config.RAW_DIR / city)
    ev = evaluation.evaluate_city(data, robustness=False, n_boot=0)
    na = training_needs.analyse_city(data, n_boot=5)
    oe = ev.outcomes["median_wait_minutes"]
    return {
        "rollout": lambda: plots.rollout_timing(ev.visit_panel),
        "trends": lambda: plots.raw_trends(ev.visit_panel, "median_wait_minutes"),
        "event study": lambda: plots.event_study(oe.result),
        "IKM by unit": lambda: plots.ikm_by_unit(ev.ikm_panel),
        "k selection": lambda: plots.k_selection(na.clusters.selection, na.clusters.k, len(na.gaps)),
        "shortfall": lambda: plots.shortfall_by_competency(competency.shortfall(na.gaps)),
    }


def main(city: str = "kendari", repeats: int = 5) -> None:
    makers = figures(city)
    for label, fmt in (("PNG, tight bbox", "png"), ("SVG, text as text", "svg")):
        matplotlib.rcParams["svg.fonttype"] = "none"
        per_run, size = [], 0
        for _ in range(repeats):
            t0, size = time.perf_counter(), 0
            for make in makers.values():
                fig = make()
                size += len(print_figure(fig, fmt, bbox_inches="tight"))
                plt.close(fig)
            per_run.append(time.perf_counter() - t0)
        print(
            f"{label:20s} {len(makers)} figures: median {statistics.median(per_run):.2f} s "
            f"(min {min(per_run):.2f}, n={repeats}), {size / 1024:.0f} KB"
        )


if __name__ == "__main__":
    main(*sys.argv[1:2])
