"""The planners' Excel template: written with every table, read back as a city, bad sheets reported."""

from __future__ import annotations

import pandas as pd
from conftest import tiny_tables
from openpyxl import load_workbook

from analysis.data import contracts, excel_template, load


def fill_workbook(path, tables, rename=None):
    excel_template.write_template(path)
    with pd.ExcelWriter(path, engine="openpyxl", mode="a", if_sheet_exists="replace") as xw:
        for name, df in tables.items():
            df.to_excel(xw, sheet_name=(rename or {}).get(name, name), index=False)


def test_template_has_a_sheet_per_table_with_headers(tmp_path):
    path = excel_template.write_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    tables = [t for t in contracts.TABLES if t != "service_visits"]  # the visit log is a file beside it
    assert {"README", "codes", *tables} <= set(wb.sheetnames) and "service_visits" not in wb.sheetnames
    header = [c.value for c in wb["units"][1]]
    assert header == contracts.spec("units").column_names


def test_empty_template_only_warns_about_empty_tables(tmp_path):
    excel_template.write_template(tmp_path / "city" / "template.xlsx")
    errors = [p for p in load.validate(tmp_path / "city") if p.severity == "error"]
    assert [(p.sheet, p.rule) for p in errors] == [("units", "table has no rows")]


def test_filled_workbook_validates_clean(tmp_path):
    fill_workbook(tmp_path / "city" / "data.xlsx", tiny_tables())
    data = load.read_city(tmp_path / "city")
    assert data.ok, [p for p in data.problems if p.severity == "error"]
    assert len(data.tables["staff"]) == 2 and data.visits is not None


def test_wrong_sheet_name(tmp_path):
    t = tiny_tables()
    fill_workbook(tmp_path / "city" / "data.xlsx", t, rename={"trainings": "Pelatihan"})
    found = load.validate(tmp_path / "city")
    assert [(p.sheet, p.severity) for p in found if p.sheet == "Pelatihan"] == [("Pelatihan", "warning")]
    assert "sheet name is not a table name: the sheet is ignored" in [p.rule for p in found]
    assert ("trainings", "table has no rows") in [
        (p.sheet, p.rule) for p in found
    ]  # the template's empty sheet


def test_corrupt_workbook(tmp_path):
    (tmp_path / "city").mkdir()
    (tmp_path / "city" / "data.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    errors = [p for p in load.validate(tmp_path / "city") if p.severity == "error"]
    assert errors[0].rule.startswith("file cannot be opened as an Excel workbook")
