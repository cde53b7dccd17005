"""Load a city's data from data/raw/<city>/: find the files, type and check every table, pseudonymise.

Inputs are one CSV or Parquet file per table named after it (``units.csv``, ``service_visits.parquet``) or
one Excel workbook with a sheet per table (the planners' template). Every problem in every file is collected
before anything is reported; raw files are only ever read. This is the only module that reads data files.
"""

from __future__ import annotations

import hashlib
import io as _io
import re
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors

from analysis.data import contracts, pseudonymise, visits
from analysis.data.problems import Problem, cap_per_rule, show_value
from analysis.data.reference import required_level_differences
from analysis.data.visits import PARSE_FIX, PARSE_PERBAIKAN, PARSE_TEKS, PARSE_TEXT, VisitLog

SUFFIXES = (".csv", ".parquet")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: Sheets of the template that are documentation, not data.
IGNORED_SHEETS = ("readme", "codes", "baca saya")
#: Files beside the data that are not tables (demo ground truth, notes).
IGNORED_PREFIXES = ("truth", "readme", ".")
#: Tables keyed by staff: they may carry a NIP instead of staff_id, which ingestion hashes.
STAFF_TABLES = ("staff", "competency_assessments", "trainings", "performance")


class DataValidationError(Exception):
    """Raised by :func:`load_city` when the data break the contract; carries every problem."""

    def __init__(self, problems: list[Problem], directory: str | Path = "<dir>"):
        self.problems = problems
        n = sum(p.severity == "error" for p in problems)
        super().__init__(
            f"{n} data problem(s) in {directory}; run `asn-kinerja validate {directory}` to see them all"
        )


@dataclass
class Source:
    table: str
    path: Path
    sheet: str = ""

    @property
    def label(self) -> str:
        return self.path.name


@dataclass
class CityData:
    """A city's validated tables (pandas, NIP-free) and its visit log (DuckDB)."""

    directory: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    visits: VisitLog | None = None
    problems: list[Problem] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # file name -> sha256 (provenance)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    @property
    def city(self) -> str:
        units = self.tables.get("units")
        if units is not None and len(units):
            return str(units["city"].mode().iloc[0])
        return self.directory.name

    def table(self, name: str) -> pd.DataFrame:
        if name not in self.tables:
            raise KeyError(
                f"{self.directory} has no '{name}' table; the analysis needing it cannot run. "
                f"Add {name}.csv (see: asn-kinerja template)."
            )
        return self.tables[name]


# ---------------------------------------------------------------------------------------------- discovery
def discover(directory: Path) -> tuple[dict[str, Source], list[Problem]]:
    """Map each table to the file (or workbook sheet) that holds it; report unknown, duplicate or unreadable."""
    directory = Path(directory)
    problems: list[Problem] = []
    found: dict[str, Source] = {}
    if not directory.is_dir():
        return {}, [
            Problem(
                file=str(directory),
                aturan="folder tidak ada",
                perbaikan="Berikan folder yang berisi berkas kota, mis. data/raw/kendari",
                rule="folder does not exist",
                fix="Give the folder that holds the city's files, e.g. data/raw/kendari",
            )
        ]

    def add(src: Source) -> None:
        if src.table in found:
            other = found[src.table]
            where = f"{other.label}" + (f" sheet '{other.sheet}'" if other.sheet else "")
            problems.append(
                Problem(
                    file=src.label,
                    sheet=src.sheet,
                    aturan=f"tabel '{src.table}' diberikan dua kali (juga di {where})",
                    perbaikan="Simpan satu salinan per tabel: hapus atau ganti nama yang lain",
                    rule=f"table '{src.table}' is given twice (also in {where})",
                    fix="Keep one copy of each table: remove or rename the other",
                )
            )
        else:
            found[src.table] = src

    for path in sorted(p for p in directory.iterdir() if p.is_dir()):
        # a visit log split into Parquet files (one per month or per kab/kota, hive-style folders allowed), as
        # a data lake or Spark writes it: read as one log
        if _is_log_folder(path):
            add(Source("service_visits", path))
    files = sorted(p for p in directory.iterdir() if p.is_file())
    for path in files:
        stem, suffix = path.stem.strip().lower(), path.suffix.lower()
        if stem.startswith(IGNORED_PREFIXES) or suffix in (".json", ".md", ".txt", ".yaml", ".yml"):
            continue
        if suffix in WORKBOOK_SUFFIXES:
            for src_or_problem in _workbook_sources(path):
                if isinstance(src_or_problem, Problem):
                    problems.append(src_or_problem)
                else:
                    add(src_or_problem)
        elif suffix in SUFFIXES and stem in contracts.TABLES:
            add(Source(stem, path))
        elif suffix in SUFFIXES or suffix in (".xls", ".tsv", ".txt"):
            tables = ", ".join(contracts.TABLES)
            rule, fix, aturan, perbaikan = (
                (
                    "file name is not a table name",
                    f"Name the file after its table: {tables}",
                    "nama berkas bukan nama tabel",
                    f"Beri nama berkas sesuai tabelnya: {tables}",
                )
                if suffix in SUFFIXES
                else (
                    f"'{suffix}' files are not read",
                    "Save it as .csv (UTF-8), .parquet or .xlsx",
                    f"berkas '{suffix}' tidak dibaca",
                    "Simpan sebagai .csv (UTF-8), .parquet atau .xlsx",
                )
            )
            severity = "warning" if suffix in SUFFIXES else "error"
            problems.append(
                Problem(path.name, rule, fix, severity=severity, aturan=aturan, perbaikan=perbaikan)
            )
    for table in contracts.REQUIRED_TABLES:
        if table not in found:
            problems.append(
                Problem(
                    file=f"{table}.csv",
                    aturan=f"tabel wajib '{table}' tidak ada",
                    perbaikan=f"Tambahkan {table}.csv atau lembar '{table}' (lihat: asn-kinerja template)",
                    rule=f"required table '{table}' is missing",
                    fix=f"Add {table}.csv or a '{table}' sheet (see: asn-kinerja template)",
                )
            )
    return found, problems


def _workbook_sources(path: Path) -> list[Source | Problem]:
    try:
        with zipfile.ZipFile(path) as zf:
            zf.testzip()
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        sheets = list(wb.sheetnames)
        wb.close()
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one plain problem
        return [
            Problem(
                file=path.name,
                aturan=f"berkas tidak dapat dibuka sebagai buku kerja Excel ({type(exc).__name__})",
                perbaikan="Buka di Excel atau LibreOffice lalu simpan lagi sebagai .xlsx",
                rule=f"file cannot be opened as an Excel workbook ({type(exc).__name__})",
                fix="Open it in Excel or LibreOffice and save it again as .xlsx",
            )
        ]
    out: list[Source | Problem] = []
    named = [s for s in sheets if s.strip().lower().replace(" ", "_") in contracts.TABLES]
    others = [s for s in sheets if s not in named and s.strip().lower() not in IGNORED_SHEETS]
    stem = path.stem.strip().lower().replace(" ", "_")
    if not named and stem in contracts.TABLES and others:  # staff.xlsx with one sheet 'Sheet1': one table
        return [Source(stem, path, others[0])] + [
            Problem(
                file=path.name,
                sheet=sheet,
                severity="warning",
                aturan=f"hanya lembar pertama ('{others[0]}') yang dibaca sebagai tabel '{stem}'; lembar ini diabaikan",
                perbaikan="Tidak perlu tindakan; atau hapus lembar ini",
                rule=f"only the first sheet ('{others[0]}') is read as table '{stem}'; this one is ignored",
                fix="Nothing to do; or remove the sheet",
            )
            for sheet in others[1:]
        ]
    for sheet in named:
        out.append(Source(sheet.strip().lower().replace(" ", "_"), path, sheet))
    for sheet in others:
        out.append(
            Problem(
                file=path.name,
                sheet=sheet,
                severity="warning",
                aturan="nama lembar bukan nama tabel: lembar ini diabaikan",
                perbaikan="Ganti nama lembar menjadi salah satu nama ini jika berisi tabel: "
                + ", ".join(contracts.TABLES),
                rule="sheet name is not a table name: the sheet is ignored",
                fix="Rename the sheet to one of these if it holds a table: " + ", ".join(contracts.TABLES),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------- reading
def _as_strings(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=df.index)
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[c] = s.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
        else:
            out[c] = s.astype("string").fillna("")
    return out


def _normalise_header(df: pd.DataFrame) -> pd.DataFrame:
    df.columns = [str(c).strip().lower().replace(" ", "_") for c in df.columns]
    return df


#: Field separators a CSV export may use: comma, semicolon (Excel with a decimal-comma locale), tab, pipe.
SEPARATORS = (",", ";", "\t", "|")
#: Rows searched for the header (titles, logos and blank rows above the table are common in exports).
HEADER_SEARCH_ROWS = 20
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
SEPARATOR_NAMES_ID = {",": "koma", ";": "titik koma", "\t": "tab", "|": "garis tegak"}
EMPTY_FILE = (
    "file is empty",
    "Export the table again with its header row and data",
    "berkas kosong",
    "Ekspor ulang tabel lengkap dengan baris judul kolom dan datanya",
)


def _decode(raw: bytes) -> tuple[str | None, str, str]:
    """(text, encoding, why it failed): UTF-8 (with or without BOM), UTF-16 with its BOM, else Windows-1252,
    which is what Excel's plain 'CSV' writes on Windows."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16", ""
        except UnicodeDecodeError as exc:
            return None, "UTF-16", f"not valid UTF-16 ({exc.reason})"
    try:
        return raw.decode("utf-8-sig"), "UTF-8", ""
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return raw.decode("cp1252"), "Windows-1252", ""
    except UnicodeDecodeError:
        line = raw[: utf8_error.start].count(b"\n") + 1
        return (
            None,
            "",
            f"byte 0x{raw[utf8_error.start]:02x} on line {line} is neither UTF-8 nor Windows-1252",
        )


def _sniff_separator(text: str) -> str:
    """The separator that splits the first non-blank lines into the most, equally many, fields."""
    lines = [ln for ln in text.splitlines()[:HEADER_SEARCH_ROWS] if ln.strip()][:5]
    best, score = ",", -1
    for sep in SEPARATORS:
        counts = [ln.count(sep) for ln in lines]
        if not counts or max(counts) == 0:
            continue
        value = max(counts) * 10 - (max(counts) - min(counts))
        if value > score:
            best, score = sep, value
    return best


def _header_row(grid: pd.DataFrame, table: str) -> int | None:
    """Position of the header in a header-less grid: the first of the top rows that names at least two of the
    table's columns (or its only column); None when no row does."""
    names = set(contracts.spec(table).column_names) | {"nip"}
    need = 1 if len(names) <= 2 else 2
    for i in range(min(len(grid), HEADER_SEARCH_ROWS)):
        cells = {str(v).strip().lower().replace(" ", "_") for v in grid.iloc[i] if str(v).strip()}
        if len(cells & names) >= need:
            return i
    return None


def _from_grid(
    grid: pd.DataFrame, src: Source, first_row: int = 1
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """A header-less grid of strings (row i = spreadsheet row ``first_row + i``) -> the table with its header
    found, blank rows dropped, index = spreadsheet row; duplicate names are refused before anything renames
    them (pandas would read the second 'sector' as 'sector.1' and keep the stale first)."""
    problems: list[Problem] = []
    grid = grid.fillna("").astype(str)
    if grid.empty:
        return None, [
            Problem(
                file=src.label,
                sheet=src.sheet,
                aturan="berkas kosong",
                perbaikan="Ekspor ulang tabel lengkap dengan baris judul kolom dan datanya",
                rule="file is empty",
                fix="Export the table again with its header row and data",
            )
        ]
    at = _header_row(grid, src.table)
    if at is None:
        at = 0  # the contract check then lists the missing columns
    elif at > 0:
        problems.append(
            Problem(
                file=src.label,
                sheet=src.sheet,
                row=first_row + at,
                severity="warning",
                aturan=f"judul kolom ada di baris {first_row + at}; {at} baris di atasnya diabaikan",
                perbaikan="Tidak perlu tindakan; atau hapus baris judul agar judul kolom ada di baris 1",
                rule=f"the header is on row {first_row + at}; the {at} row(s) above it are ignored",
                fix="Nothing to do; or delete the title rows so the header is row 1",
            )
        )
    header = [str(c).strip().lower().replace(" ", "_") for c in grid.iloc[at]]
    seen: dict[str, int] = {}
    for c in header:
        if c:
            seen[c] = seen.get(c, 0) + 1
    dup = [c for c, n in seen.items() if n > 1]
    if dup:
        return None, problems + [
            Problem(
                file=src.label,
                sheet=src.sheet,
                row=first_row + at,
                column=", ".join(dup),
                aturan=f"nama kolom berulang di baris judul: {', '.join(dup)}",
                perbaikan="Satu kolom per nama: hapus atau ganti nama salinannya",
                rule=f"column names repeat in the header: {', '.join(dup)}",
                fix="Keep one column per name: delete or rename the other copy",
            )
        ]
    body = grid.iloc[at + 1 :].copy()
    body.columns = [c if c else f"unnamed_{j}" for j, c in enumerate(header)]
    body.index = pd.RangeIndex(first_row + at + 1, first_row + at + 1 + len(body))
    blank = (body.apply(lambda col: col.str.strip()) == "").all(axis=1)
    body = body[~blank]
    empty_cols = [c for c in body.columns if c.startswith("unnamed_") and (body[c].str.strip() == "").all()]
    return body.drop(columns=empty_cols), problems


#: The reader of workbook sheets: calamine (Rust) reads them about 9x faster than openpyxl, with the same
#: values (Medan's demo workbook, 3.1 M cells: identical; benchmarks/bench_excel.py).
EXCEL_ENGINE = "calamine"


#: A number this large in a workbook cell has lost digits: Excel keeps 15 significant digits (an 18-digit NIP
#: pasted without the Text format). Such a cell is read as Excel shows it, '1.98001152005011E+17', which the
#: NIP rule refuses with its reason; read as a number it would become a valid-looking NIP ending in '008'.
EXCEL_DIGITS_LOST = 1e15


def _cells_as_text(grid: pd.DataFrame) -> pd.DataFrame:
    """A sheet's cells as the text pandas' ``dtype=str`` gives, except a number of 16 or more digits, written
    the way Excel displays it (:data:`EXCEL_DIGITS_LOST`); empty cells as ''."""
    out = grid.astype(str)
    raw = grid.to_numpy()
    for j in range(raw.shape[1]):
        col = raw[:, j]
        numeric = np.fromiter(
            (isinstance(v, (int, float)) and not isinstance(v, bool) for v in col), bool, len(col)
        )
        if not numeric.any():
            continue
        rows = np.flatnonzero(numeric)
        values = col[numeric]
        big = np.fromiter((v == v and abs(v) >= EXCEL_DIGITS_LOST for v in values), bool, len(values))
        if big.any():
            out.iloc[rows[big], j] = [f"{float(v):.14E}" for v in values[big]]
    return out.where(grid.notna(), "")


def read_raw(src: Source) -> tuple[pd.DataFrame | None, list[Problem]]:
    """A table as strings, index = spreadsheet row (header = 1), or None with the reason."""

    def fail(
        rule: str, fix: str, aturan: str, perbaikan: str, row: int | None = None
    ) -> tuple[None, list[Problem]]:
        problem = Problem(src.label, rule, fix, src.sheet, row, aturan=aturan, perbaikan=perbaikan)
        return None, [problem]

    suffix = src.path.suffix.lower()
    if src.sheet:
        try:
            grid = pd.read_excel(
                src.path,
                sheet_name=src.sheet,
                dtype=object,
                header=None,
                keep_default_na=False,
                engine=EXCEL_ENGINE,
            )
        except Exception as exc:  # noqa: BLE001
            return fail(
                f"sheet cannot be read ({type(exc).__name__})",
                "Save the workbook again as .xlsx",
                f"lembar tidak dapat dibaca ({type(exc).__name__})",
                "Simpan lagi buku kerjanya sebagai .xlsx",
            )
        return _from_grid(_cells_as_text(grid), src)
    if suffix == ".parquet":
        try:
            df = _as_strings(pd.read_parquet(src.path))
        except Exception as exc:  # noqa: BLE001
            return fail(
                f"file cannot be read as Parquet ({type(exc).__name__})",
                "Export the table again as Parquet, or as UTF-8 CSV",
                f"berkas tidak dapat dibaca sebagai Parquet ({type(exc).__name__})",
                "Ekspor ulang tabel sebagai Parquet, atau sebagai CSV UTF-8",
            )
        df = _normalise_header(df)
        df.index = pd.RangeIndex(2, len(df) + 2)
        return df, []
    raw = src.path.read_bytes()
    if not raw.strip():
        return fail(*EMPTY_FILE)
    text, encoding, why = _decode(raw)
    if text is None:
        return fail(
            f"file is not text in a known encoding ({why})",
            "Save it as 'CSV UTF-8 (comma delimited)' in Excel or LibreOffice",
            f"berkas bukan teks dalam kodean yang dikenal ({why})",
            "Simpan sebagai 'CSV UTF-8 (comma delimited)' di Excel atau LibreOffice",
        )
    notes: list[Problem] = []
    if encoding != "UTF-8":
        notes.append(
            Problem(
                file=src.label,
                severity="warning",
                aturan=f"berkas berkodean {encoding}, bukan UTF-8: dibaca sebagai {encoding}",
                perbaikan="Periksa nama yang beraksen; lain kali simpan sebagai 'CSV UTF-8 (comma delimited)'",
                rule=f"file is {encoding}, not UTF-8: read as {encoding}",
                fix="Check names with accents; next time save as 'CSV UTF-8 (comma delimited)'",
            )
        )
    sep = _sniff_separator(text)
    try:
        grid = pd.read_csv(
            _io.StringIO(text), dtype=str, keep_default_na=False, sep=sep, header=None, skip_blank_lines=False
        )
    except pd.errors.EmptyDataError:
        return fail(*EMPTY_FILE)
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            return fail(
                f"row has {m.group(3)} fields but the header has {m.group(1)} "
                f"(fields separated by {SEPARATOR_NAMES[sep]})",
                "Quote values that contain the separator, or remove the extra separator",
                f"baris berisi {m.group(3)} kolom, sedangkan baris judul {m.group(1)} "
                f"(kolom dipisah dengan {SEPARATOR_NAMES_ID[sep]})",
                "Beri tanda kutip pada nilai yang memuat pemisah, atau hapus pemisah yang berlebih",
                row=int(m.group(2)),
            )
        return fail(
            f"file cannot be parsed as CSV ({str(exc).splitlines()[0][:120]})",
            "Export the table again as UTF-8 CSV with one header row",
            f"berkas tidak dapat diurai sebagai CSV ({str(exc).splitlines()[0][:120]})",
            "Ekspor ulang tabel sebagai CSV UTF-8 dengan satu baris judul kolom",
        )
    df, problems = _from_grid(grid, src)
    return df, notes + problems


# ---------------------------------------------------------------------------------------------- typing
_MONTH = re.compile(r"^\d{4}-\d{1,2}$")


def _numbers(s: pd.Series) -> pd.Series:
    """Text to float, NaN where not a finite number ('inf', '1e400' are not measurements); through a plain
    object array, twice as fast as from pandas' string dtype."""
    num = pd.Series(
        pd.to_numeric(s.to_numpy(dtype=object, na_value=np.nan), errors="coerce"),
        index=s.index,
        dtype="float64",
    )
    return num.where(np.isfinite(num))


#: 99,000 / 99.000 / 1.250.000: digits grouped in threes. Read as a decimal it is 99.0 (a thousand times too
#: small); Indonesian and English spreadsheets disagree on which mark groups and which is decimal, so it is
#: refused, not guessed.
#: (Written without a backreference, so that pandas' Arrow strings match it vectorised: 3x faster.)
_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(?:(?:,\d{3})+|(?:\.\d{3})+)$")
THOUSANDS_TEXT = "number with a thousands separator (99,000 or 99.000): it would be read as 99"
THOUSANDS_FIX = "Write the number without separators, e.g. 99000; a decimal needs a point or comma, e.g. 12.5"
THOUSANDS_TEKS = "angka dengan pemisah ribuan (99,000 atau 99.000): akan terbaca sebagai 99"
THOUSANDS_PERBAIKAN = "Tulis angka tanpa pemisah, mis. 99000; desimal memakai titik atau koma, mis. 12,5"


def thousands_separated(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().str.match(_THOUSANDS.pattern).fillna(False).astype(bool)


def parse_column(raw: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """Typed values and a mask of cells that were filled but could not be parsed."""
    s = raw.astype("string").str.strip()
    filled = s.notna() & (s != "")
    s = s.where(filled)
    if kind == "str":
        return s.astype("object").where(filled, None), pd.Series(False, index=raw.index)
    if kind in ("int", "float"):
        num = _numbers(s.str.replace(",", ".", regex=False))
        bad = filled & (num.isna() | thousands_separated(s))
        if kind == "int":
            frac = filled & num.notna() & ((num != np.round(num)) | (num.abs() >= 2.0**63))  # or beyond int64
            bad |= frac
            num = num.where(~frac)
            return num.round().astype("Int64"), bad
        return num.astype("float64"), bad
    if kind == "month":
        s = s.where(~s.fillna("").str.match(_MONTH), s + "-01")
    values = pd.to_datetime(s, format="ISO8601", errors="coerce")
    bad = filled & values.isna()
    if kind in ("date", "month"):
        values = values.dt.normalize()
        if kind == "month":
            values = values.dt.to_period("M").dt.to_timestamp()
    return values, bad


# ---------------------------------------------------------------------------------------------- checking
def _nip_to_staff_id(df: pd.DataFrame, src: Source, key: bytes) -> tuple[pd.DataFrame, list[Problem], set]:
    """Check NIPs, derive sex/birth/hire year (staff table), hash to staff_id, drop the NIP. The masked NIP of
    each row stays in ``df.attrs["masked_nip"]`` so that any later problem names the row as the planner
    knows it (never by its hash)."""
    problems: list[Problem] = []
    bad_rows: set[int] = set()
    if "nip" in df.columns:
        # Every row of a table carries a NIP but a city has far fewer people (Medan: 114,000 assessment rows,
        # 15,000 staff): clean, check and hash each distinct (NIP, ASN type) once, then map back to the rows.
        raw = df[["nip", *(["asn_type"] if "asn_type" in df.columns else [])]].astype("string")
        codes = raw.groupby(list(raw.columns), dropna=False, sort=False).ngroup().to_numpy()
        distinct = raw.drop_duplicates().reset_index(drop=True)  # the same order: first appearance
        excel = pseudonymise.excel_number(distinct["nip"])  # 1.98904E+17: Excel stored it as a number
        clean = distinct["nip"].str.strip().str.lstrip("'").str.replace(r"[\s.]", "", regex=True)
        asn = distinct["asn_type"].str.strip() if "asn_type" in distinct.columns else None
        nips = pd.Series(clean.to_numpy()[codes], index=df.index, dtype="string")
        masked = pd.Series([pseudonymise.mask_nip(v) for v in distinct["nip"]], dtype=object)
        masked_rows = pd.Series(masked.to_numpy()[codes], index=df.index)
        reasons = pseudonymise.nip_problems_many(clean, asn).where(~excel.to_numpy(), "excel_number")
        why = pd.Series(reasons.to_numpy()[codes], index=df.index)
        for row, nip in nips[why.notna()].items():
            bad_rows.add(row)
            rule = (
                contracts.EXCEL_NIP_RULE
                if why[row] in ("excel_rounded", "excel_number")
                else contracts.NIP_RULE
            )
            problems.append(
                Problem(
                    file=src.label,
                    sheet=src.sheet,
                    row=int(row),
                    column="nip",
                    value=pseudonymise.mask_nip(nip),
                    rule=rule.text,
                    fix=rule.fix,
                    aturan=rule.teks,
                    perbaikan=rule.perbaikan,
                )
            )
        good = nips.where(~nips.index.isin(list(bad_rows)))
        if src.table == "staff":
            derived = pseudonymise.derive_from_nip(good)
            for c in ("sex", "birth_year", "hire_year"):
                if c not in df.columns:
                    df[c] = derived[c].astype("string").fillna("")
                else:
                    blank = df[c].astype("string").str.strip().fillna("") == ""
                    df.loc[blank, c] = derived.loc[blank, c].astype("string").fillna("")
        if (
            "staff_id" not in df.columns
            or (df["staff_id"].astype("string").str.strip().fillna("") == "").all()
        ):
            # malformed NIPs are hashed too, so that the rows of other tables still link to this person
            ids = pseudonymise.hash_nips(clean.where(clean.fillna("") != ""), key).fillna("").to_numpy()
            df["staff_id"] = ids[codes]
        df = df.drop(columns=["nip"])
        df.attrs["masked_nip"] = masked_rows
    return df, problems, bad_rows


def check_table(
    df_raw: pd.DataFrame, src: Source, parent_keys: dict[str, pd.Index], key: bytes | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Type and check one table against its contract; returns the typed, NIP-free table and its problems."""
    spec = contracts.spec(src.table)
    problems: list[Problem] = []
    skip: set[tuple[int, str]] = set()
    masked_nip = None
    df_raw = df_raw.copy()
    if "nip" not in df_raw.columns and "staff_id" in df_raw.columns:
        ids = (
            df_raw["staff_id"]
            .astype("string")
            .str.strip()
            .str.lstrip("'")
            .str.replace(r"[\s.]", "", regex=True)
        )
        nip_like = ids.str.fullmatch(r"[0-9]{18}").fillna(False) | pseudonymise.excel_number(
            df_raw["staff_id"]
        )
        if nip_like.any():  # a NIP typed where the template asks for an id: hash it, never keep it
            df_raw = df_raw.rename(columns={"staff_id": "nip"})
            problems.append(
                Problem(
                    file=src.label,
                    sheet=src.sheet,
                    column="staff_id",
                    value=f"{int(nip_like.sum()):,} NIP-shaped values",
                    severity="warning",
                    aturan="staff_id berisi NIP: dibaca sebagai NIP (diperiksa, lalu diganti dengan hash berkuncinya)",
                    perbaikan="Tidak perlu tindakan; atau ganti nama kolom menjadi nip",
                    rule="staff_id holds NIPs: they are read as NIPs (checked, then replaced by their keyed hash)",
                    fix="Nothing to do; or rename the column to nip",
                )
            )
    if "nip" in df_raw.columns:
        df_raw, nip_problems, bad_rows = _nip_to_staff_id(df_raw, src, key or pseudonymise.load_key())
        masked_nip = df_raw.attrs.get("masked_nip")
        problems += nip_problems
        skip |= {(r, c) for r in bad_rows for c in ("staff_id", "sex", "birth_year", "hire_year")}
    df_raw = df_raw.drop(columns=[c for c in df_raw.columns if c in pseudonymise.NAME_COLUMNS])

    present = [c for c in spec.column_names if c in df_raw.columns]
    for col in spec.columns:
        if col.required and col.name not in df_raw.columns:
            problems.append(
                Problem(
                    file=src.label,
                    sheet=src.sheet,
                    column=col.name,
                    rule="required column is missing",
                    fix=f"Add a column named '{col.name}' (see: asn-kinerja template)",
                    aturan="kolom wajib tidak ada",
                    perbaikan=f"Tambahkan kolom bernama '{col.name}' (lihat: asn-kinerja template)",
                )
            )
    extra = [c for c in df_raw.columns if c not in spec.column_names and not c.startswith("unnamed")]
    for c in extra:
        problems.append(
            Problem(
                file=src.label,
                sheet=src.sheet,
                column=c,
                severity="warning",
                aturan="kolom tidak ada dalam kontrak data dan diabaikan",
                perbaikan="Hapus, atau periksa ejaannya terhadap template",
                rule="column is not in the contract and is ignored",
                fix="Remove it, or check its spelling against the template",
            )
        )
    if df_raw.empty:
        severity = "error" if src.table in contracts.REQUIRED_TABLES else "warning"
        problems.append(
            Problem(
                file=src.label,
                sheet=src.sheet,
                aturan="tabel tidak berisi baris",
                perbaikan="Tambahkan datanya, atau hapus tabel yang kosong",
                rule="table has no rows",
                severity=severity,
                fix="Add the records, or remove the empty table",
            )
        )

    typed = pd.DataFrame(index=df_raw.index)
    for name in present:
        kind = spec.column(name).kind
        typed[name], bad = parse_column(df_raw[name], kind)
        grouped = thousands_separated(df_raw[name]) if kind in ("int", "float") else bad & False
        for row in bad[bad].index:
            skip.add((row, name))
            problems.append(
                Problem(
                    file=src.label,
                    sheet=src.sheet,
                    row=int(row),
                    column=name,
                    value=show_value(df_raw.at[row, name]),
                    rule=THOUSANDS_TEXT if grouped[row] else PARSE_TEXT[kind],
                    fix=THOUSANDS_FIX if grouped[row] else PARSE_FIX[kind],
                    aturan=THOUSANDS_TEKS if grouped[row] else PARSE_TEKS[kind],
                    perbaikan=THOUSANDS_PERBAIKAN if grouped[row] else PARSE_PERBAIKAN[kind],
                )
            )

    compiled = contracts.pandera_schema(src.table, parent_keys, present)
    try:
        compiled.schema.validate(typed, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        problems += _failures_to_problems(exc.failure_cases, compiled, typed, df_raw, src, skip, masked_nip)
    except pandera.errors.SchemaError as exc:  # pragma: no cover - lazy mode collects; kept as a safety net
        problems.append(
            Problem(
                src.label,
                str(exc)[:200],
                "Check the table",
                src.sheet,
                aturan=str(exc)[:200],
                perbaikan="Periksa tabel ini",
            )
        )
    return typed.reset_index(drop=True), problems


def _failures_to_problems(
    fc: pd.DataFrame,
    compiled: contracts.CompiledSchema,
    typed: pd.DataFrame,
    raw: pd.DataFrame,
    src: Source,
    skip: set,
    masked_nip: pd.Series | None = None,
) -> list[Problem]:
    out: list[Problem] = []
    seen: set[tuple] = set()
    fc = fc[fc["index"].notna()]
    for rec in fc.to_dict("records"):
        row, check, column = int(rec["index"]), str(rec["check"]), str(rec["column"])
        if check in compiled.rules and ":" not in check:  # a row rule, reported once on its first column
            rule = compiled.rules[check]
            column = rule.columns[0]
            value = ", ".join(f"{c}={show_value(raw.at[row, c], 24)}" for c in rule.columns if c in raw)
            text, fix, teks, perbaikan = rule.text, rule.fix, rule.teks, rule.perbaikan
        elif check in compiled.rules:
            rule = compiled.rules[check]
            column = check.split(":", 1)[0]
            value, text, fix = show_value(raw.at[row, column]), rule.text, rule.fix
            teks, perbaikan = rule.teks, rule.perbaikan
        elif check == "not_nullable":
            value, text, fix = "(empty)", "must not be empty", "Fill in a value"
            teks, perbaikan = "tidak boleh kosong", "Isi nilainya"
        elif check == "field_uniqueness":
            value = show_value(raw.at[row, column])
            text, fix = (
                f"{column} must be unique: the value appears more than once",
                "Remove or merge the duplicate rows",
            )
            teks = f"{column} harus unik: nilai ini muncul lebih dari sekali"
            perbaikan = "Hapus atau gabungkan baris ganda"
        elif check == "multiple_fields_uniqueness":
            key = contracts.spec(src.table).key
            column = key[0]
            value = ", ".join(show_value(raw.at[row, k], 24) for k in key)
            text = f"the key ({', '.join(key)}) must be unique: this combination appears more than once"
            fix = "Remove or merge the duplicate rows"
            teks = f"kunci ({', '.join(key)}) harus unik: kombinasi ini muncul lebih dari sekali"
            perbaikan = "Hapus atau gabungkan baris ganda"
        else:
            value, text, fix = show_value(rec["failure_case"]), check, "Check the value"
            teks, perbaikan = check, "Periksa nilainya"
        k = (row, column, text)
        if k in seen or (row, column) in skip:
            continue
        if column == "staff_id" and masked_nip is not None and row in masked_nip.index:
            value = f"NIP {masked_nip[row]}"  # the row as the planner's file has it, not its keyed hash
        seen.add(k)
        out.append(
            Problem(
                file=src.label,
                sheet=src.sheet,
                row=row,
                column=column,
                value=value,
                rule=text,
                fix=fix,
                aturan=teks,
                perbaikan=perbaikan,
            )
        )
    return sorted(out, key=lambda p: (p.column, p.rule, p.row or 0))


# ---------------------------------------------------------------------------------------------- the city
ORDER = (
    "units",
    "rollout",
    "staff",
    "competency_assessments",
    "trainings",
    "performance",
    "satisfaction_responses",
)


def _is_log_folder(path: Path) -> bool:
    """A folder ``service_visits`` (or ``service_visits.parquet``, as Spark names it) holding Parquet files."""
    return (
        path.is_dir()
        and path.name.strip().lower().removesuffix(".parquet") == "service_visits"
        and any(path.rglob("*.parquet"))
    )


def sha256(path: Path) -> str:
    """A file's SHA-256; for a folder (a partitioned visit log), the SHA-256 of its files' relative paths and
    SHA-256s, in order."""
    if path.is_dir():
        h = hashlib.sha256()
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(f"{f.relative_to(path).as_posix()}\0{sha256(f)}\n".encode())
        return h.hexdigest()
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_city(
    directory: str | Path,
    key: bytes | None = None,
    hashes: dict[str, str] | None = None,
    check_visits: bool = True,
) -> CityData:
    """Read and check every table of a city; never raises for data problems (see ``.problems``).

    ``hashes``: file name -> SHA-256 already computed by the caller (:func:`load_city`), not read again.
    ``check_visits=False`` leaves the visit log unchecked (another engine checks it: analysis.data.spark_log).
    """
    directory = Path(directory)
    sources, problems = discover(directory)
    data = CityData(directory=directory)
    for path in sorted({s.path for s in sources.values()}):
        data.files[path.name] = (hashes or {}).get(path.name) or sha256(path)
    parent_keys: dict[str, pd.Index] = {}
    table_problems: list[Problem] = []
    for table in ORDER:
        src = sources.get(table)
        if src is None:
            continue
        raw, read_problems = read_raw(src)
        table_problems += read_problems
        if raw is None:
            continue
        typed, found = check_table(raw, src, parent_keys, key)
        table_problems += found
        data.tables[table] = typed
        if table in ("units", "staff"):
            key_col = "unit_id" if table == "units" else "staff_id"
            if key_col in typed:
                parent_keys[table] = pd.Index(typed[key_col].dropna().unique())
    table_problems += _required_level_warnings(data.tables, sources.get("competency_assessments"))
    problems += cap_per_rule(table_problems)
    if "service_visits" in sources:
        src = sources["service_visits"]
        if src.sheet:
            raw, read_problems = read_raw(src)
            problems += read_problems
            log = VisitLog(src.label, frame=raw, sheet=src.sheet) if raw is not None else None
        else:
            log = VisitLog(src.label, path=src.path)
        if log is not None:
            if check_visits:
                problems += visits.check(log, parent_keys.get("units"))
            data.visits = log
    from analysis.data import consistency  # reads the typed tables together; imports nothing from here

    problems += consistency.cross_table(data)
    for table in contracts.TABLES:
        if table not in sources and table not in contracts.REQUIRED_TABLES:
            problems.append(
                Problem(
                    file=f"{table}.*",
                    severity="warning",
                    aturan=f"tabel '{table}' tidak diberikan",
                    perbaikan="Analisis yang memerlukannya dilewati; tambahkan tabel ini untuk menyertakannya",
                    rule=f"table '{table}' is not provided",
                    fix="Analyses that need it are skipped; add it to include them",
                )
            )
    data.problems = problems
    return data


REQUIRED_LEVEL_RULE = (
    "level_required differs from the standard level for the staff's position class "
    "(data/reference/required_levels.csv); reports use the standard unless told otherwise"
)
REQUIRED_LEVEL_ATURAN = (
    "level_required berbeda dari level standar untuk kelas jabatan pegawai "
    "(data/reference/required_levels.csv); laporan memakai standar kecuali diminta lain"
)
REQUIRED_LEVEL_PERBAIKAN = (
    "Perbaiki nilainya, atau pakai level instansi Anda sendiri dengan required_source: recorded "
    "di notebooks/params/<kota>.yaml"
)
REQUIRED_LEVEL_FIX = (
    "Correct the value, or keep your instansi's own levels and set required_source: recorded "
    "in notebooks/params/<city>.yaml"
)


def _required_level_warnings(tables: dict[str, pd.DataFrame], src: Source | None) -> list[Problem]:
    """A warning per (position class, competency, standard, recorded level) where the recorded required level
    is not the standard one: the competency report would otherwise ignore the instansi's own standard silently."""
    if src is None or not {"staff", "competency_assessments"} <= set(tables):
        return []
    a, staff = tables["competency_assessments"], tables["staff"]
    if not {"staff_id", "competency", "level_required", "assessed_on"} <= set(a) or not {
        "staff_id",
        "position_class",
    } <= set(staff):
        return []
    diff = required_level_differences(a, staff)
    return [
        Problem(
            file=src.label,
            sheet=src.sheet,
            row=int(r.first_row),
            column="level_required",
            value=f"{r.position_class} {r.competency}: recorded {r.recorded}, standard {r.standard} "
            f"({r.staff} staff)",
            aturan=REQUIRED_LEVEL_ATURAN,
            perbaikan=REQUIRED_LEVEL_PERBAIKAN,
            rule=REQUIRED_LEVEL_RULE,
            fix=REQUIRED_LEVEL_FIX,
            severity="warning",
        )
        for r in diff.itertuples()
    ]


#: Checked cities kept in this process, most recent last (see :func:`load_city`).
_CHECKED: OrderedDict[tuple, CityData] = OrderedDict()
KEEP_CHECKED = 2


def load_city(directory: str | Path, key: bytes | None = None) -> CityData:
    """Read a city's folder, check every table and pseudonymise it; raise :class:`DataValidationError` (with
    every problem) unless the data are clean.

    Clean cities are kept in memory for the life of the process, keyed by the SHA-256 of every data file, the
    folder's file names and the HMAC key. The report runner executes a city's notebooks one after another in
    one kernel, and a researcher re-runs cells: neither re-checks unchanged data (Medan: about 2 s each time).
    Any change to a file is a miss. Callers get copies of the tables, so one notebook's edits cannot leak
    into the next.

    Parameters
    ----------
    directory : str or Path
        ``data/raw/<city>``: one file per table (CSV, Parquet, Excel) or one workbook with a sheet per table.
    key : bytes, optional
        The HMAC key for NIPs; by default from ``$ASN_KINERJA_HMAC_KEY`` or ``.asn-kinerja-key``.

    Returns
    -------
    CityData
        Typed tables without NIPs or names (``tables``), the visit log (DuckDB-backed), the files read and
        their hashes, and the warnings.

    Examples
    --------
    >>> data = load_city("data/raw/kendari")  # doctest: +SKIP
    >>> sorted(data.tables)[:3]  # doctest: +SKIP
    ['competency_assessments', 'performance', 'rollout']
    """
    directory = Path(directory)
    key = key or pseudonymise.load_key()
    fingerprint = _fingerprint(directory, key)
    if fingerprint is None or fingerprint not in _CHECKED:
        data = read_city(directory, key, hashes=dict(fingerprint[2]) if fingerprint else None)
        if not data.ok:
            raise DataValidationError(data.problems, directory)
        if fingerprint is None:
            return data
        _CHECKED[fingerprint] = data
        while len(_CHECKED) > KEEP_CHECKED:
            _CHECKED.popitem(last=False)
    _CHECKED.move_to_end(fingerprint)
    return _copy(_CHECKED[fingerprint])


def _fingerprint(directory: Path, key: bytes) -> tuple | None:
    """What a checked city depends on; None when the folder cannot be listed (read_city reports why)."""
    try:
        files = sorted(p for p in directory.resolve().iterdir() if p.is_file() or _is_log_folder(p))
        return (
            str(directory.resolve()),
            hashlib.sha256(key).hexdigest(),
            tuple((p.name, sha256(p)) for p in files),
        )
    except OSError:
        return None


def _copy(data: CityData) -> CityData:
    return CityData(
        directory=data.directory,
        tables={name: df.copy() for name, df in data.tables.items()},
        visits=data.visits,
        problems=list(data.problems),
        files=dict(data.files),
    )


def validate(directory: str | Path) -> list[Problem]:
    """All problems of a city folder (errors and warnings)."""
    return read_city(directory).problems
