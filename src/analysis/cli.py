"""Command line: ``asn-kinerja demo-data | validate <dir> | template <file.xlsx>``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .config import CITIES, RAW_DIR


def _demo_data(args: argparse.Namespace) -> int:
    from . import synth

    cities = args.city or list(CITIES)
    for city in cities:
        out = Path(args.out) / city
        if args.if_missing and (out / "truth.json").exists():
            print(f"{city}: demo data present in {out} (skipped)")
            continue
        t0 = time.perf_counter()
        summary = synth.write_city(city, out, seed=args.seed, volume_scale=args.volume_scale)
        print(f"{city}: {summary} in {time.perf_counter() - t0:.1f} s -> {out}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from . import io, problems

    found = io.validate(Path(args.directory))
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
        return 0
    return 1


def _template(args: argparse.Namespace) -> int:
    from . import template

    path = template.write_template(Path(args.path))
    print(f"Wrote {path}: one sheet per table, a README sheet and the code lists.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="asn-kinerja", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo-data", help="generate deterministic demo data with a known truth")
    p.add_argument("--city", action="append", choices=CITIES, help="one city (repeatable); default: all four")
    p.add_argument("--out", default=str(RAW_DIR), help="parent folder (default: data/raw)")
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--volume-scale", type=float, default=None,
                   help="share of real visit volume to simulate (default 0.1; 1.0 = full scale)")
    p.add_argument("--if-missing", action="store_true", help="skip cities whose demo data exist")
    p.set_defaults(func=_demo_data)

    p = sub.add_parser("validate", help="check a city folder and list every problem")
    p.add_argument("directory")
    p.add_argument("--warnings", action="store_true", help="list warnings too")
    p.add_argument("--csv", help="also write all problems to this CSV file")
    p.set_defaults(func=_validate)

    p = sub.add_parser("template", help="write an empty Excel workbook for planners to fill")
    p.add_argument("path", nargs="?", default="asn-kinerja-template.xlsx")
    p.set_defaults(func=_template)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
