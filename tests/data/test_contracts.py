"""Each contract rule, fed one bad row, reports the exact file, row, column, value, rule and fix."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import NIP_A, NIP_B, UNSUR, tiny_tables, write_city

from analysis.data import load, pseudonymise
from analysis.data.problems import Problem


def problems_for(tmp_path, table: str, column: str, value, row: int = 0, tables=None):
    tables = tables or tiny_tables()
    df = tables[table].astype(object).copy()
    df.loc[row, column] = value
    tables[table] = df
    d = write_city(tmp_path / "c", tables)
    return [p for p in load.validate(d) if p.severity == "error"]


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


def test_tiny_city_is_clean(tiny_city):
    assert [p for p in load.validate(tiny_city) if p.severity == "error"] == []


@pytest.mark.parametrize(
    ("table", "column", "value", "rule", "fix"),
    [
        (
            "competency_assessments",
            "level_assessed",
            6,
            "competency level must be between 1 and 5 (PermenPAN-RB 38/2017)",
            "Use a value from 1 to 5",
        ),
        (
            "competency_assessments",
            "level_required",
            0,
            "competency level must be between 1 and 5 (PermenPAN-RB 38/2017)",
            "Use a value from 1 to 5",
        ),
        (
            "satisfaction_responses",
            "waktu",
            5,
            "SKM score must be between 1 and 4 (PermenPAN-RB 14/2017)",
            "Use a value from 1 to 4",
        ),
        (
            "units",
            "unit_type",
            "hospital",
            "must be one of the unit_type codes: puskesmas, capil, perizinan, kelurahan, sekolah, kantor_opd",
            "Use a code from the 'unit_type' list (template sheet 'codes', or data/reference/)",
        ),
        (
            "staff",
            "education",
            "SMA",
            "must be one of the education codes: SD, SMP, SLTA, D1, D2, D3, D4, S1, S2, S3",
            "Use a code from the 'education' list (template sheet 'codes', or data/reference/)",
        ),
        (
            "trainings",
            "mode",
            "webinar",
            "must be one of the training_mode codes: classroom, e-learning, on-the-job, coaching, mentoring",
            "Use a code from the 'training_mode' list (template sheet 'codes', or data/reference/)",
        ),
        ("staff", "grade", "3C", "must be a valid grade", "Write it like 'III/a'"),
        ("rollout", "cost_idr", -5, "cost_idr must be at least 0", "Use a value of 0 or more"),
        ("trainings", "hours_jp", 0, "hours_jp must be between 0.5 and 1000", "Use a value from 0.5 to 1000"),
        (
            "competency_assessments",
            "assessed_on",
            "31/03/2024",
            "must be a date written YYYY-MM-DD",
            "Write the date as YYYY-MM-DD, e.g. 2024-03-31",
        ),
        (
            "rollout",
            "programme_start",
            "Jan 2024",
            "must be a month written YYYY-MM",
            "Write the month as YYYY-MM, e.g. 2024-07",
        ),
        (
            "competency_assessments",
            "level_assessed",
            "tiga",
            "must be a whole number",
            "Write digits only, e.g. 3",
        ),
        (
            "competency_assessments",
            "level_assessed",
            "2.5",
            "must be a whole number",
            "Write digits only, e.g. 3",
        ),
        ("units", "agency", "", "must not be empty", "Fill in a value"),
        (
            "units",
            "unit_id",
            "U2",
            "unit_id must be unique: the value appears more than once",
            "Remove or merge the duplicate rows",
        ),
        (
            "staff",
            "unit_id",
            "U9",
            "unit_id must exist in units",
            "Add the missing unit_id to units, or correct the id",
        ),
    ],
)
def test_column_rule_reports_exact_message(tmp_path, table, column, value, rule, fix):
    found = problems_for(tmp_path, table, column, value)
    hits = [p for p in found if p.rule == rule]
    assert hits, found
    p = hits[0]
    assert (p.file, p.column, p.fix) == (f"{table}.csv", column, fix)
    assert p.row in (2, 3)  # spreadsheet rows: header is row 1


def test_out_of_range_names_row_and_value(tmp_path):
    p = only(problems_for(tmp_path, "competency_assessments", "level_assessed", 7, row=1))
    assert (p.row, p.column, p.value) == (3, "level_assessed", "7")


def test_unknown_staff_is_a_foreign_key_error(tmp_path):
    key = pseudonymise.load_key()
    perf = tiny_tables()["performance"].drop(columns="nip")
    perf["staff_id"] = [pseudonymise.staff_id_for(NIP_A, key), pseudonymise.staff_id_for(NIP_B, key)]
    p = only(
        problems_for(
            tmp_path, "performance", "staff_id", "abc", row=0, tables={**tiny_tables(), "performance": perf}
        )
    )
    assert (p.rule, p.row, p.value) == ("staff_id must exist in staff", 2, "abc")


def test_duplicate_composite_key(tmp_path):
    t = tiny_tables()
    t["performance"].loc[1, "nip"] = NIP_A
    d = write_city(tmp_path / "c", t)
    errors = [p for p in load.validate(d) if p.severity == "error"]
    assert {p.rule for p in errors} == {
        "the key (staff_id, period) must be unique: this combination appears more than once"
    }
    assert sorted(p.row for p in errors) == [2, 3]


def test_predicate_must_follow_skp_matrix(tmp_path):
    p = only(problems_for(tmp_path, "performance", "predicate", "Sangat Baik"))
    assert (
        p.rule == "predicate must follow the PermenPAN-RB 6/2022 matrix of results_rating x behaviour_rating"
    )
    assert (
        p.value
        == "predicate=Sangat Baik, results_rating=Sesuai ekspektasi, behaviour_rating=Sesuai ekspektasi"
    )


def test_training_end_before_start(tmp_path):
    p = only(problems_for(tmp_path, "trainings", "end", "2024-04-01"))
    assert (p.rule, p.column, p.row) == ("end must not be before start", "end", 2)


def test_hire_year_too_close_to_birth(tmp_path):
    t = tiny_tables()
    t["staff"] = t["staff"].assign(birth_year=[1980, 1992], hire_year=[1990, 2019], sex=["L", "P"])
    p = only(problems_for(tmp_path, "staff", "hire_year", 1990, tables=t))
    assert p.rule == "hire_year must be at least 17 years after birth_year"


def test_response_without_any_score(tmp_path):
    t = tiny_tables()
    unsur = UNSUR
    t["satisfaction_responses"] = t["satisfaction_responses"].astype(object)
    t["satisfaction_responses"].loc[0, unsur] = ""
    d = write_city(tmp_path / "c", t)
    p = only([p for p in load.validate(d) if p.severity == "error"])
    assert p.rule == "a response must score at least one of the 9 unsur"


@pytest.mark.parametrize(
    ("nip", "row_value"),
    [
        ("19800115200501100", "**************100"),  # 17 digits
        ("198013152005011001", "***************001"),  # month 13 in the birth date
        ("198001152005131001", "***************001"),  # appointment month 13 for a PNS
        ("198001152005013001", "***************001"),  # sex digit 3
    ],
)
def test_malformed_nip_is_reported_masked(tmp_path, nip, row_value):
    p = only([p for p in problems_for(tmp_path, "staff", "nip", nip) if p.file == "staff.csv"])
    assert p.rule.startswith("nip must be an 18-digit NIP")
    assert p.value == row_value and nip not in p.value


def test_pppk_number_may_carry_a_code_instead_of_a_month(tmp_path):
    t = tiny_tables()
    t["staff"].loc[1, ["nip", "asn_type"]] = ["199203042019212002", "PPPK"]
    t["competency_assessments"].loc[1, "nip"] = "199203042019212002"
    t["performance"].loc[1, "nip"] = "199203042019212002"
    d = write_city(tmp_path / "c", t)
    assert [p for p in load.validate(d) if p.severity == "error"] == []


def test_missing_column(tmp_path):
    t = tiny_tables()
    t["units"] = t["units"].drop(columns="sector")
    d = write_city(tmp_path / "c", t)
    p = only([p for p in load.validate(d) if p.severity == "error"])
    assert (p.file, p.column, p.rule, p.fix) == (
        "units.csv",
        "sector",
        "required column is missing",
        "Add a column named 'sector' (see: asn-kinerja template)",
    )


def test_missing_required_table(tmp_path):
    t = tiny_tables()
    del t["units"]
    d = write_city(tmp_path / "c", t)
    errors = [p for p in load.validate(d) if p.severity == "error"]
    assert errors[0].rule == "required table 'units' is missing"


def test_empty_file(tmp_path):
    d = write_city(tmp_path / "c", tiny_tables())
    (d / "trainings.csv").write_text("")
    p = only([p for p in load.validate(d) if p.severity == "error"])
    assert (p.file, p.rule) == ("trainings.csv", "file is empty")


def test_a_windows_1252_file_is_read_with_a_warning_that_names_the_encoding(tmp_path):
    """Excel's plain 'CSV' on Windows writes Windows-1252: the accented name is read right, and the planner is
    told which encoding was assumed (it was an error, 'not UTF-8', with no way forward)."""
    d = write_city(tmp_path / "c", tiny_tables())
    (d / "units.csv").write_bytes(
        "unit_id,city,agency,unit_type,sector\nU1,kendari,Dinas Kesehatan,puskesmas,health\n"
        "U2,kendari,Kecamatan Kambu\xe9,puskesmas,health\n".encode("cp1252")
    )
    found = load.validate(d)
    assert not [p for p in found if p.severity == "error"]
    assert [p.rule for p in found if p.file == "units.csv"] == [
        "file is Windows-1252, not UTF-8: read as Windows-1252"
    ]
    assert load.load_city(d).tables["units"]["agency"].iloc[1] == "Kecamatan Kambu\xe9"


def test_extra_field_in_a_row(tmp_path):
    d = write_city(tmp_path / "c", tiny_tables())
    with open(d / "trainings.csv", "a") as fh:
        fh.write("x,y,2024-01-01,2024-01-02,3,classroom,extra\n")
    p = only([p for p in load.validate(d) if p.severity == "error"])
    assert (p.rule, p.row) == ("row has 7 fields but the header has 6 (fields separated by comma)", 3)


def test_semicolon_csv_is_read(tmp_path):
    d = write_city(tmp_path / "c", tiny_tables())
    pd.read_csv(d / "units.csv").to_csv(d / "units.csv", sep=";", index=False)
    assert [p for p in load.validate(d) if p.severity == "error"] == []


def test_table_given_twice(tmp_path):
    d = write_city(tmp_path / "c", tiny_tables())
    pd.read_csv(d / "units.csv").to_parquet(d / "units.parquet")
    p = only([p for p in load.validate(d) if p.severity == "error"])
    assert p.rule == "table 'units' is given twice (also in units.csv)"


# ------------------------------------------------------------------------------------------ visit log (DuckDB)
@pytest.mark.parametrize(
    ("column", "value", "rule"),
    [
        ("served_at", "2024-01-02 07:59:00", "served_at must not be before arrived_at"),
        ("completed_at", "2024-01-02 08:10:00", "completed_at must not be before served_at"),
        ("arrived_at", "kemarin", "must be a date and time written YYYY-MM-DD HH:MM:SS"),
        ("unit_id", "U404", "unit_id must exist in units"),
        ("service_type", "", "must not be empty"),
    ],
)
def test_visit_rules(tmp_path, column, value, rule):
    p = only(problems_for(tmp_path, "service_visits", column, value))
    assert (p.file, p.row, p.column, p.rule) == ("service_visits.csv", 2, column, rule)


def test_visit_log_as_parquet_is_checked_in_duckdb(tmp_path):
    t = tiny_tables()
    v = t.pop("service_visits")
    d = write_city(tmp_path / "c", t)
    v = v.assign(
        **{c: pd.to_datetime(v[c].replace("", None)) for c in ("arrived_at", "served_at", "completed_at")}
    )
    v.loc[1, "served_at"] = pd.Timestamp("2024-01-02 08:00:00")  # before arrival at 09:00
    v.to_parquet(d / "service_visits.parquet")
    p = only([p for p in load.validate(d) if p.severity == "error"])
    assert (p.file, p.row, p.rule) == ("service_visits.parquet", 3, "served_at must not be before arrived_at")


def test_many_bad_rows_are_counted_not_listed(tmp_path):
    t = tiny_tables()
    t["competency_assessments"] = pd.concat([t["competency_assessments"]] * 30, ignore_index=True)
    t["competency_assessments"]["assessed_on"] = pd.date_range("2024-01-01", periods=60).strftime("%Y-%m-%d")
    t["competency_assessments"]["level_assessed"] = 9
    d = write_city(tmp_path / "c", t)
    errors = [p for p in load.validate(d) if p.severity == "error"]
    assert len(errors) == 21 and errors[-1].value == "... 40 more rows"


def test_load_city_raises_with_every_problem(tmp_path):
    t = tiny_tables()
    t["units"].loc[0, "sector"] = "space"
    t["competency_assessments"].loc[0, "level_assessed"] = 8
    d = write_city(tmp_path / "c", t)
    with pytest.raises(load.DataValidationError) as exc:
        load.load_city(d)
    assert len([p for p in exc.value.problems if p.severity == "error"]) == 2


def test_checked_city_is_reused_as_a_copy_and_rechecked_when_a_file_changes(tmp_path, monkeypatch):
    d = write_city(tmp_path / "c", tiny_tables())
    reads = []
    real = load.read_city
    monkeypatch.setattr(load, "read_city", lambda *a, **k: reads.append(1) or real(*a, **k))
    first = load.load_city(d)
    first.tables["staff"]["grade"] = "edited by a notebook"
    second = load.load_city(d)
    assert len(reads) == 1  # unchanged files: not checked again
    assert second.tables["staff"]["grade"].tolist() == ["III/c", "II/b"]  # a copy: the edit did not leak
    assert second.files == first.files
    t = tiny_tables()
    t["units"].loc[0, "sector"] = "space"  # one changed byte in one file must be seen
    write_city(d, t)
    with pytest.raises(load.DataValidationError):
        load.load_city(d)
    assert len(reads) == 2
    write_city(d, tiny_tables())  # back to the checked bytes: reused again
    load.load_city(d)
    assert len(reads) == 2
    other = load.load_city(d, key=b"another key")  # same files, another key: another pseudonymisation
    assert len(reads) == 3 and set(other.tables["staff"]["staff_id"]).isdisjoint(
        first.tables["staff"]["staff_id"]
    )


@pytest.mark.parametrize("value", ["inf", "-inf", "1e400", "99999999999999999999"])
def test_non_finite_or_huge_numbers_are_problems_not_tracebacks(tmp_path, value):
    t = tiny_tables()
    t["competency_assessments"]["level_assessed"] = t["competency_assessments"]["level_assessed"].astype(str)
    t["competency_assessments"].loc[0, "level_assessed"] = value
    found = load.validate(write_city(tmp_path / "c", t))
    assert [(p.row, p.column) for p in found if p.severity == "error"] == [(2, "level_assessed")]
