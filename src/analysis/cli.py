"""Command line: ``asn-kinerja demo-data | validate <dir> | template <file.xlsx> | report --city X | --all``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from analysis.config import CITIES, CITY_NOTEBOOKS, RAW_DIR, REPORTS_DIR


def _demo_data(args: argparse.Namespace) -> int:
    cities = args.city or list(CITIES)
    for city in cities:
        out = Path(args.out) / city
        if args.if_missing and _demo_current(out / "truth.json"):
            print(f"{city}: demo data present in {out} (skipped)")
            continue
        from analysis.demo import (
            synth,  # pandas and numpy: not imported when every city is present (`make reports`)
        )

        t0 = time.perf_counter()
        summary = synth.write_city(city, out, seed=args.seed, volume_scale=args.volume_scale)
        print(f"{city}: {summary} in {time.perf_counter() - t0:.1f} s -> {out}")
    return 0


def _demo_current(truth: Path) -> bool:
    """Demo data exist and come from this generator version (older data lack a city's imperfection)."""
    import json

    from analysis.config import DEMO_VERSION

    try:
        return json.loads(truth.read_text()).get("generator") == DEMO_VERSION
    except (OSError, ValueError):
        return False


def _validate(args: argparse.Namespace) -> int:
    from analysis.data import load, problems
    from analysis.methods import readiness
    from analysis.report.i18n import msg, section_line

    data = load.read_city(Path(args.directory))
    found = data.problems
    if args.csv:
        problems.to_frame(found).to_csv(args.csv, index=False)
    errors = [p for p in found if p.severity == "error"]
    shown = found if args.warnings else errors
    print(f"== {args.directory}")
    if shown:
        print(problems.format_table(shown))
    if not errors:
        n_warn = len(found) - len(errors)
        print(f"OK: no errors ({n_warn} warning(s); --warnings to list them).")
        print(msg("ready.heading", args.lang))
        for section in readiness.plan(data):
            print("  - " + section_line(section, args.lang))
        return 0
    return 1


def _template(args: argparse.Namespace) -> int:
    from analysis.data import excel_template

    path = excel_template.write_template(Path(args.path))
    print(f"Wrote {path}: one sheet per table, a README sheet and the code lists.")
    return 0


def _report(args: argparse.Namespace) -> int:
    from analysis.config import RAW_DIR
    from analysis.report import runner

    cities = list(CITIES) if args.all or not args.city else [c.lower().replace(" ", "-") for c in args.city]
    unknown = [c for c in cities if c not in CITIES and not (RAW_DIR / c).is_dir()]
    if unknown:
        print(f"unknown city {unknown}; known: {', '.join(CITIES)}", file=sys.stderr)
        return 2
    notebooks = tuple(args.notebook) if args.notebook else CITY_NOTEBOOKS
    overrides = {"lang": args.lang} if args.lang else {}
    t0 = time.perf_counter()
    runs = runner.build(
        cities,
        notebooks,
        out_root=Path(args.out),
        workers=args.workers,
        timeout=args.timeout,
        cross_city=args.all or len(cities) > 1,
        overrides=overrides,
    )
    print()
    print(runner.summary(runs))
    failed = [r for r in runs if r.status != "ok"]
    print(
        f"\n{len(runs) - len(failed)} ok, {len(failed)} failed in {time.perf_counter() - t0:.1f} s; "
        f"index: {Path(args.out) / 'index.html'}"
    )
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="asn-kinerja", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo-data", help="generate deterministic demo data with a known truth")
    p.add_argument("--city", action="append", choices=CITIES, help="one city (repeatable); default: all four")
    p.add_argument("--out", default=str(RAW_DIR), help="parent folder (default: data/raw)")
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument(
        "--volume-scale",
        type=float,
        default=None,
        help="share of real visit volume to simulate (default 0.1; 1.0 = full scale)",
    )
    p.add_argument("--if-missing", action="store_true", help="skip cities whose demo data exist")
    p.set_defaults(func=_demo_data)

    p = sub.add_parser("validate", help="check a city folder and list every problem")
    p.add_argument("directory")
    p.add_argument("--warnings", action="store_true", help="list warnings too")
    p.add_argument("--csv", help="also write all problems to this CSV file")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language of the report plan")
    p.set_defaults(func=_validate)

    p = sub.add_parser("template", help="write an empty Excel workbook for planners to fill")
    p.add_argument("path", nargs="?", default="asn-kinerja-template.xlsx")
    p.set_defaults(func=_template)

    p = sub.add_parser("report", help="run the report notebooks and publish HTML (reports/<city>/)")
    p.add_argument("--city", action="append", help="city slug or name, e.g. Medan (repeatable)")
    p.add_argument("--all", action="store_true", help="every city, plus the cross-city report and the index")
    p.add_argument(
        "--notebook", action="append", help="only this notebook (repeatable), e.g. programme_effects"
    )
    p.add_argument(
        "--lang", choices=("id", "en"), help="report language (default: the city's parameters, id)"
    )
    p.add_argument("--out", default=str(REPORTS_DIR), help="output folder (default: reports)")
    p.add_argument(
        "--workers", type=int, default=2, help="notebooks run in parallel (default 2, one per core)"
    )
    p.add_argument("--timeout", type=int, default=900, help="seconds a notebook cell may run (default 900)")
    p.set_defaults(func=_report)

    args = parser.parse_args(argv)
    from analysis.data.pseudonymise import KeyProblem

    try:
        return args.func(args)
    except KeyProblem as exc:  # a planner's setup problem: the message, not a traceback
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
