"""What disclosure control costs on the competency page: the needs analysis (clustering, plan, talent view)
against protecting every count of its page (registration, primary and complementary suppression, the
linear-programming audit), in one run per city so the ratio is fair on a noisy machine.

    python benchmarks/bench_disclosure.py [--city kendari --city medan] [--repeats 3]

Prints per city: seconds for analyse_city and for publish (best of the repeats), their ratio, the page's
counts, the kinds of people the audit tells apart (LP columns), the hidden counts and the LPs solved.
"""

from __future__ import annotations

import argparse
import time
import warnings

from analysis import config
from analysis.data import load
from analysis.report import privacy, training_needs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--city", action="append")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    solved = [0]
    original = privacy.Page._solve

    def counting(self, *a, **k):
        solved[0] += 1
        return original(self, *a, **k)

    privacy.Page._solve = counting
    for city in args.city or list(config.CITIES):
        data = load.load_city(config.resolve(f"data/raw/{city}"))
        analyse, publish = [], []
        for _ in range(args.repeats):
            t = time.perf_counter()
            na = training_needs.analyse_city(data)
            analyse.append(time.perf_counter() - t)
            solved[0] = 0
            t = time.perf_counter()
            page = training_needs.publish(na)
            publish.append(time.perf_counter() - t)
        a, p = min(analyse), min(publish)
        print(
            f"{city:11s} analyse {a:6.2f} s  publish {p:6.2f} s  ratio {p / a:4.2f}  "
            f"cells {len(page.cells):5d}  kinds {page._atoms.shape[1]:5d}  "
            f"hidden {page.counts()['primary']:4d} + {page.counts()['complementary']:3d}  LPs {solved[0]:4d}  "
            f"rounds {len(page.audit_log)}"
        )


if __name__ == "__main__":
    main()
