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


@dataclass
class VisitLog:
    """Where the visit log lives: a CSV or Parquet file, or a small frame from an Excel sheet."""

    label: str
    path: Path | None = None
    frame: pd.DataFrame | None = None
    sheet: str = ""

    @property
    def format(self) -> str:
        if self.frame is not None:
            return "frame"
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

    def _scan(self, con: duckdb.DuckDBPyConnection) -> str:
        if self.frame is not None:
            con.register("_visits_frame", self.frame)
            return "_visits_frame"
        p = str(self.path).replace("'", "''")
        if self.format == "parquet":
            return f"read_parquet('{p}')"
        encoding = "" if self.encoding == "utf-8" else f", encoding = '{self.encoding}'"
        return f"read_csv('{p}', all_varchar = true, header = true, auto_detect = true{encoding})"

    def coverage(self) -> tuple[set, pd.Timestamp | None, pd.Timestamp | None]:
        """The units with visits, and the first and last month with a readable arrival time (scanned once)."""
        if getattr(self, "_coverage", None) is not None:
            return self._coverage
        con = duckdb.connect()
        try:
            scan = self._scan(con)
            cols = {
                r[0].strip().lower(): r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
            }
            if "unit_id" not in cols or "arrived_at" not in cols:
                return set(), None, None
            unit, arrived = cols["unit_id"], cols["arrived_at"]
            when = f"TRY_CAST(nullif(trim(CAST(\"{arrived}\" AS VARCHAR)), '') AS TIMESTAMP)"
            units = con.execute(
                f'SELECT DISTINCT trim(CAST("{unit}" AS VARCHAR)) FROM {scan} WHERE "{unit}" IS NOT NULL'
            ).fetchall()
            first, last = con.execute(
                f"SELECT date_trunc('month', min({when})), date_trunc('month', max({when})) FROM {scan}"
            ).fetchone()
        finally:
            con.close()

        return self._remember(units, first, last)

    def _remember(self, units, first, last) -> tuple[set, pd.Timestamp | None, pd.Timestamp | None]:
        def stamp(v):
            return None if v is None else pd.Timestamp(v)

        self._coverage = ({u for (u,) in units if u}, stamp(first), stamp(last))
        return self._coverage

    def register(self, con: duckdb.DuckDBPyConnection, name: str = "service_visits") -> list[str]:
        """Create ``name`` (typed, with the spreadsheet row number ``_row``) and ``name_raw`` on ``con``.

        Returns the columns the source has. Raises ``duckdb.Error`` when the file cannot be read.
        """
        scan = self._scan(con)
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()]
        lower = {c.strip().lower(): c for c in cols}
        raw_cols = ", ".join(
            f'CAST("{lower[c]}" AS VARCHAR) AS {c}' if c in lower else f"CAST(NULL AS VARCHAR) AS {c}"
            for c in COLUMNS
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name}_raw AS "
            f"SELECT row_number() OVER () + 1 AS _row, {raw_cols} FROM {scan}"
        )
        typed = ", ".join(f"TRY_CAST(nullif(trim({c}), '') AS TIMESTAMP) AS {c}" for c in TIMES)
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT _row, trim(unit_id) AS unit_id, {typed}, "
            f"trim(service_type) AS service_type FROM {name}_raw"
        )
        return list(lower)


def _rules_sql() -> list[tuple[str, str, str, str, str, str, str]]:
    """(column, violation SQL, rule text, fix, value SQL, rule and fix in Bahasa Indonesia) for each rule."""
    spec = contracts.spec("service_visits")
    out = [
        (
            "unit_id",
            "r.unit_id IS NULL OR trim(r.unit_id) = ''",
            "must not be empty",
            "Fill in a value",
            "r.unit_id",
            "tidak boleh kosong",
            "Isi nilainya",
        ),
        (
            "unit_id",
            "trim(r.unit_id) <> '' AND trim(r.unit_id) NOT IN (SELECT unit_id FROM _unit_keys)",
            "unit_id must exist in units",
            "Add the missing unit_id to units, or correct the id",
            "r.unit_id",
            "unit_id harus ada di units",
            "Tambahkan unit_id itu ke units, atau perbaiki id-nya",
        ),
        (
            "arrived_at",
            "r.arrived_at IS NULL OR trim(r.arrived_at) = ''",
            "must not be empty",
            "Fill in a value",
            "r.arrived_at",
            "tidak boleh kosong",
            "Isi nilainya",
        ),
        (
            "service_type",
            "r.service_type IS NULL OR trim(r.service_type) = ''",
            "must not be empty",
            "Fill in a value",
            "r.service_type",
            "tidak boleh kosong",
            "Isi nilainya",
        ),
    ]
    for c in TIMES:
        out.append(
            (
                c,
                f"nullif(trim(r.{c}), '') IS NOT NULL AND v.{c} IS NULL",
                PARSE_TEXT["datetime"],
                PARSE_FIX["datetime"],
                f"r.{c}",
                PARSE_TEKS["datetime"],
                PARSE_PERBAIKAN["datetime"],
            )
        )
    for rule in spec.row_rules:
        second, first = rule.columns
        out.append(
            (
                second,
                f"v.{second} < v.{first}",
                rule.text,
                rule.fix,
                f"'{second}=' || r.{second} || ', {first}=' || r.{first}",
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
    """Every visit-log problem, at most MAX_ROWS_PER_RULE rows listed per rule plus a count of the rest."""
    con = duckdb.connect()
    sheet = log.sheet
    try:
        present = log.register(con, "v")
    except duckdb.Error as exc:
        msg = str(exc).splitlines()[0][:200]
        how = f" (read as {log.encoding.upper()} text)" if log.format == "csv" else ""
        how_id = f" (dibaca sebagai teks {log.encoding.upper()})" if log.format == "csv" else ""
        return [
            Problem(
                file=log.label,
                sheet=sheet,
                rule=f"file cannot be read as {log.format.upper()}{how}: {msg}",
                fix="Export the visit log again as UTF-8 CSV with a header row, or as Parquet",
                aturan=f"berkas tidak dapat dibaca sebagai {log.format.upper()}{how_id}: {msg}",
                perbaikan="Ekspor ulang log kunjungan sebagai CSV UTF-8 dengan baris judul kolom, atau sebagai Parquet",
            )
        ]
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
    problems = [
        Problem(
            file=log.label,
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
    if problems:
        return notes + problems
    n = con.execute("SELECT count(*) FROM v_raw").fetchall()[0][0]
    # what readiness needs, from the table just loaded: no second scan of a large log
    units = con.execute("SELECT DISTINCT unit_id FROM v WHERE unit_id IS NOT NULL").fetchall()
    months = "date_trunc('month', min(arrived_at)), date_trunc('month', max(arrived_at))"
    first, last = con.execute(f"SELECT {months} FROM v").fetchall()[0]
    log._remember(units, first, last)
    if n == 0:
        return notes + [
            Problem(
                file=log.label,
                sheet=sheet,
                rule="table has no rows",
                severity="warning",
                fix="Add the visit records, or remove the empty file",
                aturan="tabel tidak berisi baris",
                perbaikan="Tambahkan catatan kunjungannya, atau hapus berkas yang kosong",
            )
        ]
    keys = pd.DataFrame({"unit_id": pd.Series([] if unit_ids is None else list(unit_ids), dtype="object")})
    con.register("_unit_keys", keys)
    rules = _rules_sql()
    if unit_ids is None:
        rules = [r for r in rules if "_unit_keys" not in r[1]]
    counts_sql = ", ".join(f"count(*) FILTER (WHERE {cond})" for _, cond, *_ in rules)
    counts = con.execute(f"SELECT {counts_sql} FROM v_raw r JOIN v USING (_row)").fetchall()[0]
    for (column, cond, text, fix, value_sql, teks, perbaikan), count in zip(rules, counts, strict=True):
        if not count:
            continue
        rows = con.execute(
            f"SELECT r._row, {value_sql} FROM v_raw r JOIN v USING (_row) WHERE {cond} "
            f"ORDER BY r._row LIMIT {MAX_ROWS_PER_RULE}"
        ).fetchall()
        problems += [
            Problem(
                file=log.label,
                sheet=sheet,
                row=int(r),
                column=column,
                value=show_value(val),
                rule=text,
                fix=fix,
                aturan=teks,
                perbaikan=perbaikan,
            )
            for r, val in rows
        ]
        if count > len(rows):
            problems.append(
                Problem(
                    file=log.label,
                    sheet=sheet,
                    column=column,
                    rule=text,
                    value=f"... {count - len(rows):,} more rows",
                    fix="Same fix as the rows above",
                    aturan=teks,
                    perbaikan=SAME_FIX_ID,
                )
            )
    con.close()
    return notes + problems
