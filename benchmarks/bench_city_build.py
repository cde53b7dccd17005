"""One city's reports as `make reports` makes them, several times: seconds per report, and the PDF both ways.

- build: `runner.build([city], workers=1, force=True)`: one lane, the city's three notebooks one after another in
  one kernel (the data read and checked once, by the first), each exported to HTML and printed to PDF by the
  lane's browser. Per report: the median, min and max of `--builds` builds (this machine's noise is about
  +-15%, so one build says little), and, for the competency report, where its time goes in the last build
  (the notebook's cells from papermill, the rest: HTML, PDF, staging);
- the report alone: the competency notebook in a kernel of its own (it loads and checks the data itself), as
  `asn-kinerja report --notebook training_needs` runs it when nothing else is built;
- PDF: the last build's three pages printed by a browser started per page (`pdf.print_pdf`) and by one kept
  browser (`pdf.Printer`), in the same run (the ratio is what counts).

Target (issue 16): Medan's competency report under 10 s in a build. Demo data must exist (make demo-data).

Usage: python benchmarks/bench_city_build.py [--city medan] [--builds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from analysis.config import CITY_NOTEBOOKS
from analysis.report import pdf, runner

for var in runner.THREAD_VARS:
    os.environ[var] = "1"


def cells_seconds(executed: Path) -> tuple[float, float]:
    """(all code cells, the largest cell) of an executed notebook, from papermill's per-cell durations."""
    nb = json.loads(executed.read_text(encoding="utf-8"))
    d = [(c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0) for c in nb["cells"]]
    return sum(d), max(d)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--city", default="medan")
    ap.add_argument("--builds", type=int, default=5)
    args = ap.parse_args()
    out = Path(tempfile.mkdtemp(prefix="bench-city-"))
    try:
        seconds: dict[str, list[float]] = {nb: [] for nb in CITY_NOTEBOOKS}
        for _ in range(args.builds):
            for r in runner.build([args.city], out_root=out, workers=1, cross_city=False, force=True):
                assert r.status == "ok", r
                seconds[r.notebook].append(r.seconds)
        print(f"{args.city}: {args.builds} builds, seconds per report (median, min-max)")
        for nb, s in seconds.items():
            print(f"  {nb:18s} {statistics.median(s):5.1f}  ({min(s):.1f}-{max(s):.1f})  {s}")
        total, largest = cells_seconds(out / args.city / "training_needs.ipynb")
        last = seconds["training_needs"][-1]
        print(
            f"  training_needs, last build: cells {total:.1f} s (analysis cell {largest:.1f} s), "
            f"HTML + PDF + staging {last - total:.1f} s"
        )
        alone = runner.run_one(args.city, "training_needs", runner.city_params(args.city), out / "alone", 900)
        print(f"  training_needs alone (own kernel, loads the data): {alone.seconds:.1f} s")
        if pdf.chromium():
            pages = [out / args.city / f"{nb}.html" for nb in CITY_NOTEBOOKS]
            t0 = time.perf_counter()
            for p in pages:
                pdf.print_pdf(p, out / "one-shot.pdf")
            one_shot = time.perf_counter() - t0
            t0 = time.perf_counter()
            with pdf.Printer() as printer:
                for p in pages:
                    printer.print(p, out / "kept.pdf")
            kept = time.perf_counter() - t0
            print(
                f"  PDF of the {len(pages)} pages: a browser per page {one_shot:.2f} s, one kept browser "
                f"{kept:.2f} s (its start included): {one_shot / kept:.1f}x"
            )
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
