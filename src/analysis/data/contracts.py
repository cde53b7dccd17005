"""Data contracts: one declarative spec per table (the tables listed in the README), compiled into pandera schemas.

Each rule has an id, a sentence saying what it requires and a sentence saying how to fix a violation, so that
``asn-kinerja validate`` can list every problem with file, row, column, value, rule and fix. Code lists and
thresholds come from data/reference/. The large visit log is checked by the same rules written in SQL
(:mod:`analysis.data.visits`), because it must not be loaded into pandas.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import pandas as pd
import pandera.pandas as pa

from analysis.data import reference

TABLES = (
    "units",
    "rollout",
    "staff",
    "competency_assessments",
    "trainings",
    "performance",
    "service_visits",
    "satisfaction_responses",
)
#: Tables a city must provide; the others unlock analyses when present.
REQUIRED_TABLES = ("units",)


@dataclass(frozen=True)
class Rule:
    """A check on one column (``fn(series) -> bool series``) or on a row (``fn(frame) -> bool series``)."""

    id: str
    text: str
    fix: str
    fn: Callable[[pd.Series | pd.DataFrame], pd.Series]
    columns: tuple[str, ...] = ()  # for row rules: the columns it reads (the first is reported)
    teks: str = ""  # ``text`` in Bahasa Indonesia, which planners read (see analysis.data.problems)
    perbaikan: str = ""  # ``fix`` in Bahasa Indonesia


@dataclass(frozen=True)
class Col:
    name: str
    kind: str  # str | int | float | date | datetime | month
    required: bool = True
    nullable: bool = False
    rules: tuple[Rule, ...] = ()
    unique: bool = False
    description: str = ""


@dataclass(frozen=True)
class ForeignKey:
    column: str
    parent: str
    parent_column: str


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Col, ...]
    key: tuple[str, ...] = ()
    row_rules: tuple[Rule, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    description: str = ""

    def column(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


# ---------------------------------------------------------------------------------------------- rule builders
#: What a range rule checks, in Bahasa Indonesia (a column's own name stays as it is).
WHAT_ID = {
    "competency level": "level kompetensi",
    "SKM score": "nilai SKM",
    "period (year)": "periode (tahun)",
}


def in_range(lo: float, hi: float, what: str, source: str = "") -> Rule:
    tail = f" ({source})" if source else ""
    return Rule(
        id=f"range_{lo:g}_{hi:g}",
        text=f"{what} must be between {lo:g} and {hi:g}{tail}",
        fix=f"Use a value from {lo:g} to {hi:g}",
        fn=lambda s: s.between(lo, hi),
        teks=f"{WHAT_ID.get(what, what)} harus antara {lo:g} dan {hi:g}{tail}",
        perbaikan=f"Pakai nilai dari {lo:g} sampai {hi:g}",
    )


def at_least(lo: float, what: str) -> Rule:
    return Rule(
        id=f"min_{lo:g}",
        text=f"{what} must be at least {lo:g}",
        fix=f"Use a value of {lo:g} or more",
        fn=lambda s: s >= lo,
        teks=f"{WHAT_ID.get(what, what)} paling sedikit {lo:g}",
        perbaikan=f"Pakai nilai {lo:g} atau lebih",
    )


def one_of(kind: str, values: list[str] | None = None) -> Rule:
    allowed = list(values) if values is not None else reference.allowed(kind)
    shown = ", ".join(allowed) if len(allowed) <= 12 else ", ".join(allowed[:12]) + ", ..."
    return Rule(
        id=f"code_{kind}",
        text=f"must be one of the {kind} codes: {shown}",
        fix=f"Use a code from the '{kind}' list (template sheet 'codes', or data/reference/)",
        fn=lambda s: s.isin(allowed),
        teks=f"harus salah satu kode {kind}: {shown}",
        perbaikan=f"Pakai kode dari daftar '{kind}' (lembar 'codes' di template, atau data/reference/)",
    )


def matches(pattern: str, kind: str, example: str) -> Rule:
    rx = re.compile(pattern)
    return Rule(
        id=f"pattern_{kind}",
        text=f"must be a valid {kind}",
        fix=f"Write it like '{example}'",
        teks=f"harus {kind} yang sah",
        perbaikan=f"Tulis seperti '{example}'",
        fn=lambda s: s.map(lambda v: bool(rx.match(str(v)))).astype(bool),
    )


def _not_blank(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().str.len() > 0


NOT_BLANK = Rule(
    id="not_blank",
    text="must not be blank",
    fix="Fill in a value",
    fn=_not_blank,
    teks="tidak boleh kosong",
    perbaikan="Isi nilainya",
)


def _time_order(first: str, second: str) -> Rule:
    def fn(df: pd.DataFrame) -> pd.Series:
        a, b = df[first], df[second]
        return (a.isna() | b.isna() | (b >= a)).astype(bool)

    return Rule(
        id=f"order_{second}_after_{first}",
        text=f"{second} must not be before {first}",
        fix=f"Check the clock times: {second} must be at or after {first}",
        teks=f"{second} tidak boleh sebelum {first}",
        perbaikan=f"Periksa jamnya: {second} harus sama dengan atau sesudah {first}",
        fn=fn,
        columns=(second, first),
    )


def _predicate_follows_matrix() -> Rule:
    lookup = reference.skp_predicate_lookup()

    def fn(df: pd.DataFrame) -> pd.Series:
        expected = [
            lookup.get((r, b)) for r, b in zip(df["results_rating"], df["behaviour_rating"], strict=True)
        ]
        exp = pd.Series(expected, index=df.index, dtype="object")
        return (exp.isna() | df["predicate"].isna() | (df["predicate"].astype(object) == exp)).astype(bool)

    return Rule(
        id="skp_matrix",
        text="predicate must follow the PermenPAN-RB 6/2022 matrix of results_rating x behaviour_rating",
        fix="Recompute the predicate from the two ratings (data/reference/skp_matrix.csv)",
        teks="predikat harus mengikuti matriks PermenPAN-RB 6/2022 dari results_rating x behaviour_rating",
        perbaikan="Hitung ulang predikat dari kedua penilaian (data/reference/skp_matrix.csv)",
        fn=fn,
        columns=("predicate", "results_rating", "behaviour_rating"),
    )


def _hire_after_birth() -> Rule:
    def fn(df: pd.DataFrame) -> pd.Series:
        b, h = df["birth_year"], df["hire_year"]
        return (b.isna() | h.isna() | (h - b >= 17)).fillna(True).astype(bool)

    return Rule(
        id="hire_age",
        text="hire_year must be at least 17 years after birth_year",
        fix="Check birth_year and hire_year (ASN are appointed from age 18)",
        teks="hire_year harus paling sedikit 17 tahun sesudah birth_year",
        perbaikan="Periksa birth_year dan hire_year (ASN diangkat paling muda usia 18 tahun)",
        fn=fn,
        columns=("hire_year", "birth_year"),
    )


def _some_unsur_answered() -> Rule:
    cols = reference.unsur()

    def fn(df: pd.DataFrame) -> pd.Series:
        present = [c for c in cols if c in df]
        return df[present].notna().any(axis=1) if present else pd.Series(True, index=df.index)

    return Rule(
        id="unsur_answered",
        text="a response must score at least one of the 9 unsur",
        fix="Remove the empty response or fill in its scores (1-4)",
        teks="sebuah jawaban harus memberi nilai pada paling sedikit satu dari 9 unsur",
        perbaikan="Hapus jawaban yang kosong atau isi nilainya (1-4)",
        fn=fn,
        columns=(cols[0],),
    )


#: A NIP that went through Excel as a number: Excel keeps 15 significant digits, so the last three (the serial)
#: become 000 and the 15th (the sex digit) may be rounded; or the cell shows it as 1.98904E+17.
EXCEL_NIP_RULE = Rule(
    id="nip_excel",
    text="Excel rounded this NIP: it was stored as a number, which keeps only 15 significant digits (the last "
    "digits became 0 and the sex digit may have changed)",
    fix="Format the nip column as Text and paste the NIPs again from the source",
    fn=lambda s: s.notna(),
    teks="Excel membulatkan NIP ini: tersimpan sebagai angka, yang hanya menyimpan 15 angka penting (angka "
    "terakhir menjadi 0 dan angka jenis kelamin bisa berubah)",
    perbaikan="Format kolom nip sebagai Teks lalu tempel ulang NIP dari sumbernya",
)
NIP_RULE = Rule(
    id="nip",
    text="nip must be an 18-digit NIP: birth date YYYYMMDD, appointment YYYYMM, sex digit 1/2, serial "
    "(Perka BKN 22/2007)",
    fix="Copy the NIP as text without spaces or dots (format the column as Text before pasting)",
    fn=lambda s: s.notna(),  # checked in pseudonymise.nip_problems; kept here for the message
    teks="nip harus NIP 18 angka: tanggal lahir YYYYMMDD, TMT pengangkatan YYYYMM, kode jenis kelamin 1/2, "
    "nomor urut (Perka BKN 22/2007)",
    perbaikan="Salin NIP sebagai teks tanpa spasi atau titik (format kolom sebagai Teks sebelum menempel)",
)

#: The city must be in the registry, read when a file is checked (not when the contracts are built): a city that
#: ``asn-kinerja new-city`` adds in a running process (JupyterLab, a test) is accepted at once.
REGISTERED_CITY = Rule(
    id="code_city",
    text="must be a city code registered in data/reference/cities.csv",
    fix="Use the city's code from data/reference/cities.csv, or register the city with `asn-kinerja new-city`",
    fn=lambda s: s.isin(reference.cities().index),
    teks="harus kode kota yang terdaftar di data/reference/cities.csv",
    perbaikan="Pakai kode kota dari data/reference/cities.csv, atau daftarkan kota dengan `asn-kinerja new-city`",
)

# ---------------------------------------------------------------------------------------------- the tables
LEVEL = in_range(1, 5, "competency level", "PermenPAN-RB 38/2017")
LIKERT = in_range(1, 4, "SKM score", "PermenPAN-RB 14/2017")


@cache
def _specs() -> dict[str, TableSpec]:
    unsur_cols = tuple(
        Col(u, "int", nullable=True, rules=(LIKERT,), description=f"SKM score 1-4 for unsur '{u}'")
        for u in reference.unsur()
    )
    return {
        "units": TableSpec(
            "units",
            (
                Col("unit_id", "str", rules=(NOT_BLANK,), unique=True, description="unit identifier"),
                Col("city", "str", rules=(REGISTERED_CITY,)),
                Col("agency", "str", rules=(NOT_BLANK,), description="OPD the unit belongs to"),
                Col("unit_type", "str", rules=(one_of("unit_type", reference.unit_types()),)),
                Col("sector", "str", rules=(one_of("sector", reference.sectors()),)),
                Col("unit_name", "str", required=False, nullable=True),
                Col(
                    "kecamatan",
                    "str",
                    required=False,
                    nullable=True,
                    description="kecamatan the unit serves (empty for city-wide offices); a cluster level",
                ),
            ),
            key=("unit_id",),
            description="Service units and agency offices",
        ),
        "rollout": TableSpec(
            "rollout",
            (
                Col("unit_id", "str", unique=True),
                Col(
                    "programme_start",
                    "month",
                    nullable=True,
                    description="first month in the programme; empty = never",
                ),
                Col("cost_idr", "float", required=False, nullable=True, rules=(at_least(0, "cost_idr"),)),
            ),
            key=("unit_id",),
            foreign_keys=(ForeignKey("unit_id", "units", "unit_id"),),
            description="Staggered adoption of the programme",
        ),
        "staff": TableSpec(
            "staff",
            (
                Col("staff_id", "str", unique=True, description="keyed hash of the NIP, made at ingestion"),
                Col("unit_id", "str"),
                Col("position_class", "str", rules=(one_of("position_class", reference.position_classes()),)),
                Col("grade", "str", rules=(matches(reference.codes()["grade_pattern"], "grade", "III/a"),)),
                Col("sex", "str", rules=(one_of("sex"),)),
                Col("birth_year", "int", rules=(in_range(1940, 2010, "birth_year"),)),
                Col("hire_year", "int", rules=(in_range(1960, 2030, "hire_year"),)),
                Col("education", "str", rules=(one_of("education"),)),
                Col("asn_type", "str", required=False, nullable=True, rules=(one_of("asn_type"),)),
            ),
            key=("staff_id",),
            row_rules=(_hire_after_birth(),),
            foreign_keys=(ForeignKey("unit_id", "units", "unit_id"),),
            description="Staff (ASN); NIP and names never leave ingestion",
        ),
        "competency_assessments": TableSpec(
            "competency_assessments",
            (
                Col("staff_id", "str"),
                Col("assessed_on", "date"),
                # national codes or an instansi's own names (technical competencies...): a name outside the
                # national list is a warning in analysis.data.consistency, so a typo is seen, not refused
                Col("competency", "str", rules=(NOT_BLANK,)),
                Col("level_required", "int", rules=(LEVEL,)),
                Col("level_assessed", "int", rules=(LEVEL,)),
            ),
            key=("staff_id", "assessed_on", "competency"),
            foreign_keys=(ForeignKey("staff_id", "staff", "staff_id"),),
            description="Competency assessment results, levels 1-5",
        ),
        "trainings": TableSpec(
            "trainings",
            (
                Col("staff_id", "str"),
                Col("training_code", "str", rules=(NOT_BLANK,)),
                Col("start", "date"),
                Col("end", "date"),
                Col("hours_jp", "float", rules=(in_range(0.5, 1000, "hours_jp"),)),
                Col("mode", "str", rules=(one_of("training_mode"),)),
            ),
            key=("staff_id", "training_code", "start"),
            row_rules=(_time_order("start", "end"),),
            foreign_keys=(ForeignKey("staff_id", "staff", "staff_id"),),
            description="Competency development (JP = jam pelajaran)",
        ),
        "performance": TableSpec(
            "performance",
            (
                Col("staff_id", "str"),
                Col("period", "int", rules=(in_range(2000, 2100, "period (year)"),)),
                Col("results_rating", "str", rules=(one_of("skp_rating"),)),
                Col("behaviour_rating", "str", rules=(one_of("skp_rating"),)),
                Col("predicate", "str", rules=(one_of("skp_predicate"),)),
                Col("potential", "str", required=False, nullable=True, rules=(one_of("potential"),)),
            ),
            key=("staff_id", "period"),
            row_rules=(_predicate_follows_matrix(),),
            foreign_keys=(ForeignKey("staff_id", "staff", "staff_id"),),
            description="Annual SKP ratings and predicate (PermenPAN-RB 6/2022)",
        ),
        "service_visits": TableSpec(
            "service_visits",
            (
                Col("unit_id", "str"),
                Col("arrived_at", "datetime"),
                Col("served_at", "datetime", nullable=True),
                Col("completed_at", "datetime", nullable=True),
                Col("service_type", "str", rules=(NOT_BLANK,)),
            ),
            row_rules=(_time_order("arrived_at", "served_at"), _time_order("served_at", "completed_at")),
            foreign_keys=(ForeignKey("unit_id", "units", "unit_id"),),
            description="Visit log (queue system); large: checked in DuckDB",
        ),
        "satisfaction_responses": TableSpec(
            "satisfaction_responses",
            (
                Col("response_id", "str", unique=True),
                Col("unit_id", "str"),
                Col("surveyed_on", "date"),
                Col("service_type", "str", required=False, nullable=True),
                Col("sex", "str", required=False, nullable=True, rules=(one_of("sex"),)),
                Col("age", "int", required=False, nullable=True, rules=(in_range(15, 100, "age"),)),
                Col("education", "str", required=False, nullable=True, rules=(one_of("education"),)),
                *unsur_cols,
            ),
            key=("response_id",),
            row_rules=(_some_unsur_answered(),),
            foreign_keys=(ForeignKey("unit_id", "units", "unit_id"),),
            description="SKM responses, one column per unsur (PermenPAN-RB 14/2017)",
        ),
    }


def spec(table: str) -> TableSpec:
    """The contract of one table (built once: the code lists are read from data/reference/)."""
    return _specs()[table]


# ---------------------------------------------------------------------------------------------- pandera
def _fk_rule(fk: ForeignKey, keys: pd.Index) -> Rule:
    return Rule(
        id=f"fk_{fk.parent}",
        text=f"{fk.column} must exist in {fk.parent}",
        fix=f"Add the missing {fk.parent_column} to {fk.parent}, or correct the id",
        fn=lambda s: s.isin(keys),
        teks=f"{fk.column} harus ada di {fk.parent}",
        perbaikan=f"Tambahkan {fk.parent_column} itu ke {fk.parent}, atau perbaiki id-nya",
    )


@dataclass
class CompiledSchema:
    """A pandera schema plus the rules behind each check name, to turn failures into plain messages."""

    schema: pa.DataFrameSchema
    rules: dict[str, Rule] = field(default_factory=dict)


def pandera_schema(
    table: str, parent_keys: dict[str, pd.Index] | None = None, present: list[str] | None = None
) -> CompiledSchema:
    """Compile a table's contract into a pandera schema over already-typed columns.

    ``parent_keys`` maps parent table name to its key values, to check foreign keys; ``present`` limits the
    schema to the columns a file actually has (missing ones are reported separately, once).
    """
    ts = spec(table)
    rules: dict[str, Rule] = {}
    columns: dict[str, pa.Column] = {}
    for col in ts.columns:
        if present is not None and col.name not in present:
            continue
        checks = []
        col_rules = list(col.rules)
        for fk in ts.foreign_keys:
            if fk.column == col.name and parent_keys and fk.parent in parent_keys:
                col_rules.append(_fk_rule(fk, parent_keys[fk.parent]))
        for r in col_rules:
            name = f"{col.name}:{r.id}"
            rules[name] = r
            checks.append(pa.Check(r.fn, name=name))
        columns[col.name] = pa.Column(
            None, checks=checks, nullable=col.nullable, unique=col.unique, required=False
        )
    frame_checks = []
    for r in ts.row_rules:
        if present is not None and not all(c in present for c in r.columns):
            continue
        rules[r.id] = r
        frame_checks.append(pa.Check(r.fn, name=r.id))
    key = list(ts.key) if len(ts.key) > 1 and (present is None or all(k in present for k in ts.key)) else None
    schema = pa.DataFrameSchema(columns, checks=frame_checks, unique=key, name=table)
    return CompiledSchema(schema, rules)
