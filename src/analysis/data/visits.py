"""The visit log: scanned and checked by DuckDB, never loaded whole into pandas.

A city logs 1-5 million visits a year and the country hundreds of millions (the national scale the project is built for), so the visit
contract is checked in SQL with the same rule texts as the pandera contracts, and aggregation to unit x month
(:mod:`analysis.methods.panels`) reads the same typed view.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from analysis.data import contracts
from analysis.data.problems import MAX_ROWS_PER_RULE, SAME_FIX_ID, Problem, show_value

COLUMNS = ("unit_id", "arrived_at", "served_at", "completed_at", "service_type")
TIMES = ("arrived_at", "served_at", "completed_at")


#: DuckDB settings for the visit log, from the environment unless given: the memory DuckDB may use before it
#: spills to disk (e.g. "3GB"; DuckDB's default is 80% of the machine) and where it spills.
MEMORY_ENV, TEMP_ENV = "ASN_KINERJA_DUCKDB_MEMORY", "ASN_KINERJA_DUCKDB_TEMP"


def connect(memory_limit: str | None = None, temp_dir: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for the visit log with a memory limit and a spill directory (arguments, else
    ASN_KINERJA_DUCKDB_MEMORY / ASN_KINERJA_DUCKDB_TEMP, else DuckDB's defaults). Every query on the log streams
    over the file; these bound what the aggregations may hold."""
    import os

    con = duckdb.connect()
    try:  # no progress bar on a terminal; in Jupyter DuckDB refuses the setting without ipywidgets (none shown)
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:
        pass
    memory_limit = memory_limit or os.environ.get(MEMORY_ENV)
    temp_dir = temp_dir or os.environ.get(TEMP_ENV)
    if memory_limit:
        con.execute(f"SET memory_limit = '{_quote(str(memory_limit))}'")
    if temp_dir:
        con.execute(f"SET temp_directory = '{_quote(str(temp_dir))}'")
    return con


def _quote(text: str) -> str:
    return text.replace("'", "''")


@dataclass
class VisitLog:
    """Where the visit log lives: a CSV or Parquet file, a folder of Parquet files (one per month or per
    kab/kota, hive-style ``month=2024-01/`` folders allowed: read as one log), or a small frame from an Excel
    sheet. Never loaded whole: every query streams over it (:meth:`register` makes views, not tables)."""

    label: str
    path: Path | None = None
    frame: pd.DataFrame | None = None
    sheet: str = ""

    @property
    def format(self) -> str:
        if self.frame is not None:
            return "frame"
        if self.path.is_dir():
            return "parquet"
        return "parquet" if self.path.suffix.lower() == ".parquet" else "csv"

    @property
    def encoding(self) -> str:
        """A CSV log's text encoding, from its first 64 KiB: UTF-16 (with its BOM), UTF-8, else Latin-1
        (Windows-1252's letters; what Excel's plain 'CSV' writes on Windows). DuckDB then reads it as such."""
        if self.format != "csv":
            return "utf-8"
        with open(self.path, "rb") as f:
            head = f.read(65536)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "utf-16"
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 3:  # not just a character cut at the end of the sample
                return "latin-1"
        return "utf-8"

    def _scan(self, con: duckdb.DuckDBPyConnection, rows: bool = False) -> str:
        """The FROM clause that reads the log. ``rows``: with ``_row`` (the row as a spreadsheet numbers it,
        header = 1) and ``_file`` (the file of a folder, else NULL), both without materialising the log: Parquet
        gives each row's number in its file; a CSV's is counted as it streams (DuckDB's streaming window)."""
        if self.frame is not None:
            con.register("_visits_frame", self.frame)
            if not rows:
                return "_visits_frame"
            return "(SELECT row_number() OVER () + 1 AS _row, NULL::VARCHAR AS _file, * FROM _visits_frame)"
        p = _quote(str(self.path))
        if self.format == "parquet":
            folder = self.path.is_dir()
            source = f"'{p}/**/*.parquet'" if folder else f"'{p}'"
            options = ", hive_partitioning = true, union_by_name = true" if folder else ""
            if not rows:
                return f"read_parquet({source}{options})"
            name = f"replace(filename, '{p}/', '')" if folder else "NULL::VARCHAR"
            return (
                f"(SELECT * EXCLUDE (file_row_number, filename), file_row_number + 2 AS _row, {name} AS _file "
                f"FROM read_parquet({source}{options}, file_row_number = true, filename = true))"
            )
        encoding = "" if self.encoding == "utf-8" else f", encoding = '{self.encoding}'"
        scan = f"read_csv('{p}', all_varchar = true, header = true, auto_detect = true{encoding})"
        return (
            f"(SELECT row_number() OVER () + 1 AS _row, NULL::VARCHAR AS _file, * FROM {scan})"
            if rows
            else scan
        )

    def estimated_rows(self) -> int:
        """The log's rows without reading it: Parquet's metadata, else the file size at 60 bytes a row (a
        visit's CSV line is 70-90), for sizing the work (:func:`analysis.methods.panels.slices_for`)."""
        if self.frame is not None:
            return len(self.frame)
        if self.format == "parquet":
            con = connect()
            try:
                return int(con.execute(f"SELECT count(*) FROM {self._scan(con)}").fetchone()[0])
            finally:
                con.close()
        return int(self.path.stat().st_size / 60)

    def coverage(self) -> tuple[set, pd.Timestamp | None, pd.Timestamp | None]:
        """The units with visits, and the first and last month with a readable arrival time (scanned once)."""
        if getattr(self, "_coverage", None) is not None:
            return self._coverage
        con = connect()
        try:
            self.register(con, "_cov")
            cols = {r[0] for r in con.execute("DESCRIBE SELECT * FROM _cov").fetchall()}
            if not {"unit_id", "arrived_at"} <= cols:
                return set(), None, None
            units, first, last = con.execute(
                "SELECT list(DISTINCT unit_id), date_trunc('month', min(arrived_at)), "
                "date_trunc('month', max(arrived_at)) FROM _cov"
            ).fetchone()
        finally:
            con.close()
        return self._remember([(u,) for u in units or []], first, last)

    def _remember(self, units, first, last) -> tuple[set, pd.Timestamp | None, pd.Timestamp | None]:
        def stamp(v):
            return None if v is None else pd.Timestamp(v)

        self._coverage = ({u for (u,) in units if u}, stamp(first), stamp(last))
        return self._coverage

    def register(self, con: duckdb.DuckDBPyConnection, name: str = "service_visits") -> list[str]:
        """Create the views ``name`` (typed: ``unit_id``, the three times as TIMESTAMP, ``service_type``),
        ``name_all`` (the same rows as text ``raw_<column>`` beside the typed columns, what the checks count) and
        ``name_raw`` (``name_all`` with ``_row`` and ``_file``, for the rows a message lists) on ``con``. Views, not tables: nothing is read until a query runs, and every
        query streams over the file. Typed Parquet times are used as they are, not round-tripped through text.

        Returns the columns the source has. Raises ``duckdb.Error`` when the file cannot be read.
        """
        types = {
            r[0]: str(r[1]).upper()
            for r in con.execute(f"DESCRIBE SELECT * FROM {self._scan(con)}").fetchall()
        }
        lower = {c.strip().lower(): c for c in types}

        def raw(c: str) -> str:
            return f'CAST("{lower[c]}" AS VARCHAR)' if c in lower else "CAST(NULL AS VARCHAR)"

        def typed(c: str) -> str:
            if c not in lower:
                return "CAST(NULL AS TIMESTAMP)" if c in TIMES else "CAST(NULL AS VARCHAR)"
            if c not in TIMES:
                return f"trim({raw(c)})"
            if types[lower[c]].startswith(("TIMESTAMP", "DATE")):
                return f'CAST("{lower[c]}" AS TIMESTAMP)'  # already typed (Parquet): no text round trip
            return f"TRY_CAST(nullif(trim({raw(c)}), '') AS TIMESTAMP)"

        typed_cols = ", ".join(f"{typed(c)} AS {c}" for c in COLUMNS)
        raw_cols = ", ".join(f"{raw(c)} AS raw_{c}" for c in COLUMNS)
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {name}_all AS SELECT {raw_cols}, {typed_cols} FROM {self._scan(con)}"
        )
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {name}_raw AS SELECT _row, _file, {raw_cols}, {typed_cols} "
            f"FROM {self._scan(con, rows=True)}"
        )
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT {typed_cols} FROM {self._scan(con)}")
        self._typed_times = {
            c for c in TIMES if c in lower and types[lower[c]].startswith(("TIMESTAMP", "DATE"))
        }
        return list(lower)


#: How DuckDB tests that a unit is unknown (a subquery on the registered units); Spark, which allows no subquery
#: inside an aggregate, passes a join flag instead (analysis.data.spark_log).
UNKNOWN_UNIT = "trim(raw_unit_id) NOT IN (SELECT unit_id FROM _unit_keys)"


def _rules_sql(
    typed_times: set[str] = frozenset(), unknown_unit: str | None = UNKNOWN_UNIT
) -> list[tuple[str, str, str, str, str, str, str]]:
    """(column, violation SQL, rule text, fix, value SQL, rule and fix in Bahasa Indonesia) for each rule, over a
    ``_all`` / ``_raw`` view (text ``raw_<column>``, typed ``<column>``). A time column that is already typed
    (Parquet) cannot fail to parse: its parse rule is left out. ``unknown_unit``: the engine's test that a unit
    is not in units; None leaves that rule out (no units table)."""
    spec = contracts.spec("service_visits")
    out = [
        (
            "unit_id",
            "raw_unit_id IS NULL OR trim(raw_unit_id) = ''",
            "must not be empty",
            "Fill in a value",
            "raw_unit_id",
            "tidak boleh kosong",
            "Isi nilainya",
        ),
        (
            "unit_id",
            f"trim(raw_unit_id) <> '' AND {unknown_unit}",
            "unit_id must exist in units",
            "Add the missing unit_id to units, or correct the id",
            "raw_unit_id",
            "unit_id harus ada di units",
            "Tambahkan unit_id itu ke units, atau perbaiki id-nya",
        ),
        (
            "arrived_at",
            "raw_arrived_at IS NULL OR trim(raw_arrived_at) = ''",
            "must not be empty",
            "Fill in a value",
            "raw_arrived_at",
            "tidak boleh kosong",
            "Isi nilainya",
        ),
        (
            "service_type",
            "raw_service_type IS NULL OR trim(raw_service_type) = ''",
            "must not be empty",
            "Fill in a value",
            "raw_service_type",
            "tidak boleh kosong",
            "Isi nilainya",
        ),
    ]
    if unknown_unit is None:
        out = [r for r in out if r[2] != "unit_id must exist in units"]
    for c in TIMES:
        if c in typed_times:
            continue
        out.append(
            (
                c,
                f"nullif(trim(raw_{c}), '') IS NOT NULL AND {c} IS NULL",
                PARSE_TEXT["datetime"],
                PARSE_FIX["datetime"],
                f"raw_{c}",
                PARSE_TEKS["datetime"],
                PARSE_PERBAIKAN["datetime"],
            )
        )
    for rule in spec.row_rules:
        second, first = rule.columns
        out.append(
            (
                second,
                f"{second} < {first}",
                rule.text,
                rule.fix,
                f"'{second}=' || raw_{second} || ', {first}=' || raw_{first}",
                rule.teks,
                rule.perbaikan,
            )
        )
    return out


PARSE_TEXT = {
    "int": "must be a whole number",
    "float": "must be a number",
    "date": "must be a date written YYYY-MM-DD",
    "datetime": "must be a date and time written YYYY-MM-DD HH:MM:SS",
    "month": "must be a month written YYYY-MM",
}
PARSE_FIX = {
    "int": "Write digits only, e.g. 3",
    "float": "Write a number with a dot as decimal separator, e.g. 12.5",
    "date": "Write the date as YYYY-MM-DD, e.g. 2024-03-31",
    "datetime": "Write date and time as YYYY-MM-DD HH:MM:SS, e.g. 2024-03-31 08:15:00",
    "month": "Write the month as YYYY-MM, e.g. 2024-07",
}
PARSE_TEKS = {
    "int": "harus bilangan bulat",
    "float": "harus angka",
    "date": "harus tanggal dengan format YYYY-MM-DD",
    "datetime": "harus tanggal dan jam dengan format YYYY-MM-DD HH:MM:SS",
    "month": "harus bulan dengan format YYYY-MM",
}
PARSE_PERBAIKAN = {
    "int": "Tulis angka saja, mis. 3",
    "float": "Tulis angka dengan titik sebagai pemisah desimal, mis. 12.5",
    "date": "Tulis tanggal sebagai YYYY-MM-DD, mis. 2024-03-31",
    "datetime": "Tulis tanggal dan jam sebagai YYYY-MM-DD HH:MM:SS, mis. 2024-03-31 08:15:00",
    "month": "Tulis bulan sebagai YYYY-MM, mis. 2024-07",
}


def check(log: VisitLog, unit_ids: pd.Index | None) -> list[Problem]:
    """Every visit-log problem, at most MAX_ROWS_PER_RULE rows listed per rule plus a count of the rest.

    One streaming pass counts every rule's violations (and the units and months that readiness needs); only a
    rule that is broken is read again, for its first rows in file order. Memory stays bounded by the settings of
    :func:`connect`, whatever the log's size."""
    con = connect()
    try:
        present = log.register(con, "v")
    except duckdb.Error as exc:
        con.close()
        how = f" (read as {log.encoding.upper()} text)" if log.format == "csv" else ""
        how_id = f" (dibaca sebagai teks {log.encoding.upper()})" if log.format == "csv" else ""
        return [
            _unreadable(
                log, exc, f"file cannot be read as {log.format.upper()}{how}",
                f"berkas tidak dapat dibaca sebagai {log.format.upper()}{how_id}",
            )
        ]  # fmt: skip
    try:
        return _check(con, log, present, unit_ids)
    except duckdb.Error as exc:  # a value the reader chokes on mid-file (the header was readable)
        return [
            _unreadable(log, exc, "file cannot be read to the end", "berkas tidak dapat dibaca sampai habis")
        ]
    finally:
        con.close()


def _unreadable(log: VisitLog, exc: Exception, rule: str, aturan: str) -> Problem:
    msg = str(exc).splitlines()[0][:200]
    return Problem(
        file=log.label,
        sheet=log.sheet,
        rule=f"{rule}: {msg}",
        fix="Export the visit log again as UTF-8 CSV with a header row, or as Parquet",
        aturan=f"{aturan}: {msg}",
        perbaikan="Ekspor ulang log kunjungan sebagai CSV UTF-8 dengan baris judul kolom, atau sebagai Parquet",
    )


def missing_columns(label: str, present: list[str], sheet: str = "") -> list[Problem]:
    """A problem per required column the log does not have (both engines)."""
    return [
        Problem(
            file=label,
            sheet=sheet,
            column=c,
            rule="required column is missing",
            fix=f"Add a column named '{c}' (see: asn-kinerja template)",
            aturan="kolom wajib tidak ada",
            perbaikan=f"Tambahkan kolom bernama '{c}' (lihat: asn-kinerja template)",
        )
        for c in COLUMNS
        if c not in present
    ]


def empty_log(label: str, sheet: str = "") -> Problem:
    return Problem(
        file=label,
        sheet=sheet,
        rule="table has no rows",
        severity="warning",
        fix="Add the visit records, or remove the empty file",
        aturan="tabel tidak berisi baris",
        perbaikan="Tambahkan catatan kunjungannya, atau hapus berkas yang kosong",
    )


def rule_problems(label: str, rule: tuple, rows: list[tuple], count: int, sheet: str = "") -> list[Problem]:
    """A rule's problems (both engines): its first ``rows`` as (row, partition file or None, value), and the
    count of the rest."""
    column, _, text, fix, _, teks, perbaikan = rule
    out = [
        Problem(
            file=f"{label}/{part}" if part else label,
            sheet=sheet,
            row=int(r),
            column=column,
            value=show_value(val),
            rule=text,
            fix=fix,
            aturan=teks,
            perbaikan=perbaikan,
        )
        for r, part, val in rows
    ]
    if count > len(rows):
        out.append(
            Problem(
                file=label,
                sheet=sheet,
                column=column,
                rule=text,
                value=f"... {count - len(rows):,} more rows",
                fix="Same fix as the rows above",
                aturan=teks,
                perbaikan=SAME_FIX_ID,
            )
        )
    return out


def _check(con: duckdb.DuckDBPyConnection, log: VisitLog, present: list[str], unit_ids) -> list[Problem]:
    sheet = log.sheet
    notes = []
    if log.format == "csv" and log.encoding != "utf-8":
        name = {"utf-16": "UTF-16", "latin-1": "Windows-1252"}[log.encoding]
        notes.append(
            Problem(
                file=log.label,
                severity="warning",
                rule=f"file is {name}, not UTF-8: read as {name}",
                fix="Check names with accents; next time save as 'CSV UTF-8 (comma delimited)'",
                aturan=f"berkas berkodean {name}, bukan UTF-8: dibaca sebagai {name}",
                perbaikan="Periksa nama yang beraksen; lain kali simpan sebagai 'CSV UTF-8 (comma delimited)'",
            )
        )
    problems = missing_columns(log.label, present, sheet)
    if problems:
        return notes + problems
    keys = pd.DataFrame({"unit_id": pd.Series([] if unit_ids is None else list(unit_ids), dtype="object")})
    con.register("_unit_keys", keys)
    rules = _rules_sql(log._typed_times, None if unit_ids is None else UNKNOWN_UNIT)
    counts_sql = "".join(f", count(*) FILTER (WHERE {cond})" for _, cond, *_ in rules)
    # what readiness needs comes from the same pass: no second scan of a large log
    n, units, first, last, *counts = con.execute(
        "SELECT count(*), list(DISTINCT unit_id) FILTER (WHERE unit_id IS NOT NULL), "
        f"date_trunc('month', min(arrived_at)), date_trunc('month', max(arrived_at)){counts_sql} FROM v_all"
    ).fetchone()
    log._remember([(u,) for u in units or []], first, last)
    if n == 0:
        return notes + [empty_log(log.label, sheet)]
    for rule, count in zip(rules, counts, strict=True):
        if not count:
            continue
        _, cond, _, _, value_sql, _, _ = rule
        rows = con.execute(
            f"SELECT _row, _file, {value_sql} FROM v_raw WHERE {cond} ORDER BY _file NULLS FIRST, _row "
            f"LIMIT {MAX_ROWS_PER_RULE}"
        ).fetchall()
        problems += rule_problems(log.label, rule, rows, count, sheet)
    return notes + problems
