"""Command line: ``asn-kinerja demo-data | validate <dir> | template <file.xlsx> | new-city <slug> |
report --city X | --all``.

Help and messages are in Bahasa Indonesia, for the planners who run it; ``ASN_KINERJA_LANG=en`` gives English
(``validate --lang en`` too)."""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import time
from pathlib import Path

from analysis.config import CITIES, CITY_NOTEBOOKS, RAW_DIR, REPORTS_DIR, cities

LANG = "en" if os.environ.get("ASN_KINERJA_LANG", "id").lower().startswith("en") else "id"


#: argparse's own words (it asks gettext for them), in Bahasa Indonesia.
ARGPARSE_ID = {
    "usage: ": "penggunaan: ",
    "options": "opsi",
    "positional arguments": "argumen posisi",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "%(prog)s: error: %(message)s\n": "%(prog)s: galat: %(message)s\n",
    "invalid choice: %(value)r (choose from %(choices)s)": "pilihan tidak sah: %(value)r (pilih dari %(choices)s)",
    "the following arguments are required: %s": "argumen berikut wajib diisi: %s",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "expected one argument": "perlu satu nilai",
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "nilai %(type)s tidak sah: %(value)r",
}


def _t(indonesian: str, english: str) -> str:
    """The command line's text in its language (Bahasa Indonesia unless ASN_KINERJA_LANG=en)."""
    return english if LANG == "en" else indonesian


def _demo_data(args: argparse.Namespace) -> int:
    if args.national:
        from analysis.demo import national

        out = Path(args.out)
        out = out / f"national-{args.national}" if out.resolve() == RAW_DIR.resolve() else out
        t0 = time.perf_counter()
        national.write(args.national, out, seed=args.seed, volume_scale=args.volume_scale)
        print(
            _t(
                f"{args.national} kab/kota contoh dalam {time.perf_counter() - t0:.0f} detik -> {out}. Buat "
                f"laporannya: ASN_KINERJA_PARAMS_DIR={out / 'params'} ASN_KINERJA_REFERENCE={out / 'reference'} "
                f"asn-kinerja report --all --out {out / 'reports'}",
                f"{args.national} demo kab/kota in {time.perf_counter() - t0:.0f} s -> {out}. Build their reports: "
                f"ASN_KINERJA_PARAMS_DIR={out / 'params'} ASN_KINERJA_REFERENCE={out / 'reference'} "
                f"asn-kinerja report --all --out {out / 'reports'}",
            )
        )
        return 0
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
        problems.to_frame(found, args.lang).to_csv(args.csv, index=False)
    errors = [p for p in found if p.severity == "error"]
    shown = found if args.warnings else errors
    print(f"== {args.directory}")
    if shown:
        print(problems.format_table(shown, lang=args.lang))
    if not errors:
        n_warn = len(found) - len(errors)
        if args.lang == "id":
            print(f"OK: tidak ada galat ({n_warn} peringatan; --warnings untuk menampilkannya).")
        else:
            print(f"OK: no errors ({n_warn} warning(s); --warnings to list them).")
        print(msg("ready.heading", args.lang))
        for section in readiness.plan(data):
            print("  - " + section_line(section, args.lang))
        return 0
    return 1


def _visit_panel(args: argparse.Namespace) -> int:
    """The unit x month panel of a folder's visit log, checked first, written as Parquet."""
    import os
    import time

    from analysis.data import load, problems, spark_log, visits  # spark_log imports PySpark only when used
    from analysis.methods import panels
    from analysis.report.i18n import number

    if args.memory_limit:
        os.environ[visits.MEMORY_ENV] = args.memory_limit
    if args.temp_dir:
        os.environ[visits.TEMP_ENV] = args.temp_dir
    started = time.perf_counter()
    spark = args.engine == "spark"
    elsewhere = args.visits
    uri = bool(elsewhere) and spark_log.is_uri(elsewhere)
    if uri and not spark:
        print(
            _t(
                f"{elsewhere} adalah URI: mesin duckdb membaca berkas lokal saja; pakai --engine spark.",
                f"{elsewhere} is a URI: the duckdb engine reads local files only; use --engine spark.",
            )
        )
        return 1
    if elsewhere and not uri and not Path(elsewhere).exists():
        print(_t(f"Log kunjungan tidak ditemukan: {elsewhere}", f"Visit log not found: {elsewhere}"))
        return 1
    data = load.read_city(Path(args.directory), check_visits=not spark and not elsewhere)
    if elsewhere:
        data.visits = visits.VisitLog(
            spark_log.log_name(elsewhere), path=elsewhere if uri else Path(elsewhere)
        )
        data.problems = [p for p in data.problems if not p.file.startswith("service_visits")]
        if not spark:
            data.problems += visits.check(data.visits, _unit_keys(data))
    if data.visits is None or data.visits.path is None:
        print(
            _t(
                "Tidak ada berkas log kunjungan (service_visits) di folder ini.",
                "No visit log file (service_visits) here.",
            )
        )
        return 1
    found = list(data.problems)
    if spark:
        session = spark_log.session(master=args.spark_master, memory=args.memory_limit)
        found += spark_log.check(session, data.visits.path, _unit_keys(data), label=data.visits.label)
    errors = [p for p in found if p.severity == "error"]
    if errors:
        print(problems.format_table(errors, lang=LANG))
        return 1
    if spark:
        std = panels.unit_standards(data.table("units"))
        months = panels.spark_unit_months(session, data.visits.path, std)
        panel = panels.add_timing(months.rename(columns={"arrivals": "visits"}), data, "month", "M")
    else:
        panel = panels.visit_panel(data)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    panel.to_parquet(out, index=False)
    seconds = time.perf_counter() - started
    print(
        _t(
            f"Ditulis {out}: {number(len(panel))} baris unit x bulan, {number(panel['unit_id'].nunique())} unit, "
            f"{number(round(seconds, 1))} detik.",
            f"Wrote {out}: {len(panel):,} unit x month rows, {panel['unit_id'].nunique():,} units, "
            f"{seconds:.1f} s.",
        )
    )
    return 0


def _unit_keys(data):
    """The units' ids, which every visit's unit must be one of (None without a units table)."""
    return data.tables["units"]["unit_id"] if "units" in data.tables else None


def _template(args: argparse.Namespace) -> int:
    from analysis.data import excel_template

    path = excel_template.write_template(Path(args.path))
    print(
        _t(
            f"Ditulis {path}: satu lembar per tabel, lembar BACA SAYA dan daftar kode.",
            f"Wrote {path}: one sheet per table, a README sheet and the code lists.",
        )
    )
    return 0


def _report(args: argparse.Namespace) -> int:
    from analysis.report import runner

    known = cities()
    chosen = known if args.all or not args.city else [slug(c) for c in args.city]
    unknown = [c for c in chosen if c not in known]
    if unknown:
        for c in unknown:
            close = difflib.get_close_matches(c, known, n=1)
            hint = _t(f" Maksud Anda {close[0]}?", f" Did you mean {close[0]}?") if close else ""
            print(
                _t(
                    f"Kota tidak dikenal: {c}.{hint} Yang dikenal: {', '.join(known)}. Kota baru perlu berkas "
                    f'parameter: asn-kinerja new-city {c} --name "Kota ..."',
                    f"Unknown city: {c}.{hint} Known: {', '.join(known)}. A new city needs a parameters file: "
                    f'asn-kinerja new-city {c} --name "Kota ..."',
                ),
                file=sys.stderr,
            )
        return 2
    notebooks = tuple(args.notebook) if args.notebook else CITY_NOTEBOOKS
    overrides = {"lang": args.lang} if args.lang else {}
    t0 = time.perf_counter()
    runs = runner.build(
        chosen,
        notebooks,
        out_root=Path(args.out),
        workers=args.workers,
        timeout=args.timeout,
        cross_city=args.all or len(chosen) > 1,
        overrides=overrides,
        force=args.force,
    )
    print()
    print(runner.summary(runs))
    failed = [r for r in runs if r.status != "ok"]
    reused = sum(r.reused for r in runs)
    seconds = time.perf_counter() - t0
    print(
        _t(
            f"\n{len(runs) - len(failed)} ok ({reused} tidak berubah, tidak dijalankan ulang), {len(failed)} "
            f"gagal dalam {seconds:.1f} detik; halaman indeks: {Path(args.out) / 'index.html'}",
            f"\n{len(runs) - len(failed)} ok ({reused} unchanged, not run again), {len(failed)} failed in "
            f"{seconds:.1f} s; index: {Path(args.out) / 'index.html'}",
        )
    )
    return 1 if failed else 0


def slug(name: str) -> str:
    """A city's folder and file name from what a planner types: 'Kota Banda Aceh' -> 'banda-aceh'."""
    words = re.sub(r"[^a-z0-9]+", " ", name.lower()).split()
    if words and words[0] in ("kota", "kabupaten", "kab"):
        words = words[1:]
    return "-".join(words)


def _new_city(args: argparse.Namespace) -> int:
    """Register a city without code: its parameters file (notebooks/params/<slug>.yaml, every report and
    ``report --all`` then include it) and its row in data/reference/cities.csv (the data check accepts its
    code). Nothing is overwritten."""
    import pandas as pd

    from analysis import config

    city = slug(args.slug)
    if not city:
        print(
            _t(
                'new-city perlu nama, mis. asn-kinerja new-city palu --name "Kota Palu"',
                'new-city needs a name, e.g. asn-kinerja new-city palu --name "Kota Palu"',
            ),
            file=sys.stderr,
        )
        return 2
    params = config.params_dir() / f"{city}.yaml"
    registry = config.REFERENCE_DIR / "cities.csv"
    table = pd.read_csv(registry, dtype=str, keep_default_na=False)
    if params.exists() or city in set(table["city"]):
        print(
            _t(
                f"{city} sudah dikenal ({params.name} atau cities.csv): tidak ada yang diubah.",
                f"{city} is already known ({params.name} or cities.csv): nothing changed.",
            ),
            file=sys.stderr,
        )
        return 1
    data_dir = args.data or f"data/raw/{city}"
    params.parent.mkdir(parents=True, exist_ok=True)
    params.write_text(
        f"# Report parameters of {args.name or city} (written by asn-kinerja new-city). Any parameter of a report\n"
        "# notebook may be added, e.g.  control: never_treated  (see notebooks/params/kendari.yaml).\n"
        f"city: {city}\ndata_dir: {data_dir}\nlang: {args.lang}\nseed: 0\n",
        encoding="utf-8",
    )
    row = {c: "" for c in table.columns}
    row.update(
        city=city,
        name=args.name or city.replace("-", " ").title(),
        province=args.province or "",
        source=f"registered with asn-kinerja new-city on {time.strftime('%Y-%m-%d')}",
    )
    pd.concat([table, pd.DataFrame([row])]).to_csv(registry, index=False, lineterminator="\n")
    print(
        _t(
            f"Ditambahkan {city}: parameter di params/{params.name}, terdaftar di cities.csv. Berikutnya: taruh "
            f"data di {data_dir}/, periksa dengan asn-kinerja validate {data_dir}, lalu asn-kinerja report "
            f"--city {city}.",
            f"Added {city}: parameters in params/{params.name}, registered in cities.csv. Next: put the data in "
            f"{data_dir}/, check them with asn-kinerja validate {data_dir}, then asn-kinerja report --city {city}.",
        )
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    gettext = argparse._  # argparse looks its words up through this function at call time
    if LANG == "id":
        argparse._ = lambda text: ARGPARSE_ID.get(text, text)
    parser = argparse.ArgumentParser(
        prog="asn-kinerja",
        description=_t(
            "Evaluasi program pengembangan kinerja ASN: periksa data kota, buat data contoh, dan terbitkan "
            "laporan. Contoh: asn-kinerja validate data/raw/kendari ; asn-kinerja report --city kendari",
            "Evaluate ASN performance-development programmes: check a city's data, make demo data, publish "
            "the reports. E.g.: asn-kinerja validate data/raw/kendari ; asn-kinerja report --city kendari",
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, title=_t("perintah", "commands"))

    p = sub.add_parser(
        "demo-data",
        help=_t(
            "buat data contoh yang tetap, dengan kebenaran yang diketahui",
            "generate deterministic demo data with a known truth",
        ),
    )
    p.add_argument(
        "--city",
        action="append",
        choices=CITIES,
        help=_t("satu kota (boleh diulang); bawaan: keempatnya", "one city (repeatable); default: all four"),
    )
    p.add_argument(
        "--out",
        default=str(RAW_DIR),
        help=_t("folder induk (bawaan: data/raw)", "parent folder (default: data/raw)"),
    )
    p.add_argument(
        "--seed", type=int, default=2024, help=_t("benih acak (bawaan 2024)", "random seed (default 2024)")
    )
    p.add_argument(
        "--volume-scale",
        type=float,
        default=None,
        help=_t(
            "bagian volume kunjungan nyata yang disimulasikan (bawaan 0,1; 1,0 = skala penuh)",
            "share of real visit volume to simulate (default 0.1; 1.0 = full scale)",
        ),
    )
    p.add_argument(
        "--national",
        type=int,
        metavar="N",
        help=_t(
            "buat N kab/kota contoh dengan ukuran seperti sebaran nasional (data, parameter dan tabel rujukan "
            "dalam satu folder --out)",
            "make N demo kab/kota sized as the country's are (data, parameters and reference tables in one --out "
            "folder)",
        ),
    )
    p.add_argument(
        "--if-missing",
        action="store_true",
        help=_t("lewati kota yang data contohnya sudah ada", "skip cities whose demo data exist"),
    )
    p.set_defaults(func=_demo_data)

    p = sub.add_parser(
        "validate",
        help=_t(
            "periksa folder data kota dan tampilkan semua masalah sekaligus",
            "check a city folder and list every problem",
        ),
    )
    p.add_argument(
        "directory",
        help=_t("folder data kota, mis. data/raw/kendari", "the city's data folder, e.g. data/raw/kendari"),
    )
    p.add_argument(
        "--warnings", action="store_true", help=_t("tampilkan juga peringatan", "list warnings too")
    )
    p.add_argument(
        "--csv",
        help=_t("tulis juga semua masalah ke berkas CSV ini", "also write all problems to this CSV file"),
    )
    p.add_argument(
        "--lang",
        choices=("id", "en"),
        default=LANG,
        help=_t(
            "bahasa daftar masalah dan rencana laporan (bawaan id)",
            "language of the problems and the report plan",
        ),
    )
    p.set_defaults(func=_validate)

    p = sub.add_parser(
        "visit-panel",
        help=_t(
            "periksa log kunjungan sebuah folder dan tulis panel unit x bulan (Parquet)",
            "check a folder's visit log and write its unit x month panel (Parquet)",
        ),
    )
    p.add_argument(
        "directory",
        help=_t(
            "folder dengan units dan service_visits (berkas, atau folder berkas Parquet)",
            "folder with units and service_visits (a file, or a folder of Parquet files)",
        ),
    )
    p.add_argument("--out", required=True, help=_t("berkas Parquet keluaran", "output Parquet file"))
    p.add_argument(
        "--visits",
        metavar="LOKASI" if LANG != "en" else "LOCATION",
        help=_t(
            "log kunjungan di tempat lain: berkas/folder lokal, atau untuk --engine spark URI data lake "
            "(s3a://, hdfs://, abfss://, file://); folder hanya perlu units",
            "the visit log elsewhere: a local file or folder, or for --engine spark a data-lake URI "
            "(s3a://, hdfs://, abfss://, file://); the folder then needs only units",
        ),
    )
    p.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help=_t(
            "mesin: duckdb (satu mesin, bawaan) atau spark (Apache Spark, untuk data lake atau klaster)",
            "engine: duckdb (one machine, default) or spark (Apache Spark, for a data lake or a cluster)",
        ),
    )
    p.add_argument(
        "--memory-limit",
        help=_t(
            "batas memori DuckDB (mis. 3GB) atau memori driver Spark (mis. 4g)",
            "DuckDB's memory limit (e.g. 3GB) or Spark's driver memory (e.g. 4g)",
        ),
    )
    p.add_argument(
        "--spark-master",
        help=_t(
            "master Spark (bawaan local[2]; 'submit' bila dijalankan lewat spark-submit)",
            "Spark master (default local[2]; 'submit' when run by spark-submit)",
        ),
    )
    p.add_argument(
        "--temp-dir",
        help=_t("folder tumpahan DuckDB bila memori penuh", "where DuckDB spills when memory is full"),
    )
    p.set_defaults(func=_visit_panel)

    p = sub.add_parser(
        "template",
        help=_t(
            "tulis buku kerja Excel kosong untuk diisi perencana",
            "write an empty Excel workbook for planners to fill",
        ),
    )
    p.add_argument(
        "path",
        nargs="?",
        default="asn-kinerja-template.xlsx",
        help=_t(
            "nama berkas (bawaan asn-kinerja-template.xlsx)", "file name (default asn-kinerja-template.xlsx)"
        ),
    )
    p.set_defaults(func=_template)

    p = sub.add_parser(
        "new-city",
        help=_t(
            "tambahkan kota: berkas parameternya dan kodenya, tanpa mengubah kode program",
            "add a city: its parameters file and its code, no code change",
        ),
    )
    p.add_argument(
        "slug",
        help=_t(
            "nama pendek, mis. palu (folder data/raw/<slug>/)",
            "short name, e.g. palu (folder data/raw/<slug>/)",
        ),
    )
    p.add_argument("--name", help=_t('nama tampilan, mis. "Kota Palu"', 'display name, e.g. "Kota Palu"'))
    p.add_argument("--province", help=_t("provinsi, mis. Sulawesi Tengah", "province, e.g. Sulawesi Tengah"))
    p.add_argument(
        "--data", help=_t("folder data (bawaan data/raw/<slug>)", "data folder (default data/raw/<slug>)")
    )
    p.add_argument(
        "--lang",
        choices=("id", "en"),
        default="id",
        help=_t("bahasa laporan (bawaan id)", "report language (default id)"),
    )
    p.set_defaults(func=_new_city)

    p = sub.add_parser(
        "report",
        help=_t(
            "jalankan notebook laporan dan terbitkan HTML, PDF dan XLSX (reports/<kota>/)",
            "run the report notebooks and publish HTML, PDF and XLSX (reports/<city>/)",
        ),
    )
    p.add_argument(
        "--city",
        action="append",
        help=_t(
            "slug atau nama kota, mis. Medan (boleh diulang)", "city slug or name, e.g. Medan (repeatable)"
        ),
    )
    p.add_argument(
        "--all",
        action="store_true",
        help=_t(
            "setiap kota yang punya berkas parameter, laporan lintas kota, dan halaman indeks",
            "every city with a parameters file, the cross-city report, the index",
        ),
    )
    p.add_argument(
        "--notebook",
        action="append",
        help=_t(
            "hanya notebook ini (boleh diulang), mis. programme_effects",
            "only this notebook (repeatable), e.g. programme_effects",
        ),
    )
    p.add_argument(
        "--lang",
        choices=("id", "en"),
        help=_t(
            "bahasa laporan (bawaan: parameter kota, id)",
            "report language (default: the city's parameters, id)",
        ),
    )
    p.add_argument(
        "--out",
        default=str(REPORTS_DIR),
        help=_t("folder keluaran (bawaan: reports)", "output folder (default: reports)"),
    )
    p.add_argument(
        "--workers",
        type=int,
        default=2,
        help=_t(
            "notebook yang berjalan bersamaan (bawaan 2, satu per inti)",
            "notebooks run in parallel (default 2, one per core)",
        ),
    )
    p.add_argument(
        "--timeout",
        type=int,
        default=900,
        help=_t(
            "detik maksimum per sel notebook (bawaan 900)", "seconds a notebook cell may run (default 900)"
        ),
    )
    p.add_argument(
        "--force",
        action="store_true",
        help=_t(
            "jalankan ulang semua laporan, juga yang data, parameter dan kodenya tidak berubah",
            "run every report again, also those whose data, parameters and code did not change",
        ),
    )
    p.set_defaults(func=_report)

    try:
        args = parser.parse_args(argv)
    finally:
        argparse._ = gettext  # only this command's parsing speaks Indonesian, not the rest of the process
    from analysis.data.pseudonymise import KeyProblem

    try:
        return args.func(args)
    except KeyProblem as exc:  # a planner's setup problem: the message, not a traceback
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
