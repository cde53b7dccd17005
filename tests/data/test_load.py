"""Excel-realistic ingestion (issue 12 item 2): each red-team finding fed as the file a planner would have,
with the exact message or the exact correct load asserted."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pandas as pd
import pytest
from conftest import NIP_A, NIP_B, tiny_tables, write_city
from openpyxl import Workbook, load_workbook

from analysis.data import contracts, excel_template, load


def _errors(d):
    return [p for p in load.validate(d) if p.severity == "error"]


def _excel_15_digits(nip: str) -> str:
    """What Excel writes for an 18-digit NIP stored as a number: 15 significant digits, then zeros."""
    return str(int(Decimal(f"{int(nip):.15g}")))


def test_excel_rounded_nips_are_all_refused_with_the_reason(demo_city, tmp_path):
    """400 demo NIPs through Excel as numbers: the red team found 334 accepted with a wrong serial and 49
    women turned into men. Every one is refused now, each with the Excel message and its row."""
    staff = pd.read_csv(demo_city("kendari") / "staff.csv", dtype=str).head(400)
    rounded = staff["nip"].map(_excel_15_digits)
    assert (rounded.str[-3:] == "000").all()
    man = NIP_A[:14] + "1" + "600"  # serial 600: Excel rounds the sex digit up, a man becomes a woman
    assert _excel_15_digits(man)[14] == "2"
    t = tiny_tables()
    t["staff"] = staff.assign(nip=rounded).drop(columns=["nama"], errors="ignore")
    t["units"] = pd.read_csv(demo_city("kendari") / "units.csv", dtype=str)
    t.pop("competency_assessments"), t.pop("trainings"), t.pop("performance")
    t["rollout"] = pd.DataFrame({"unit_id": t["units"]["unit_id"], "programme_start": "", "cost_idr": ""})
    d = write_city(tmp_path / "city", t)
    nip_errors = [p for p in _errors(d) if p.column == "nip"]
    listed = [p for p in nip_errors if p.row is not None]
    more = sum(
        int(p.value.split()[1].replace(",", "")) for p in nip_errors if p.row is None
    )  # "... 380 more"
    assert len(listed) + more == 400
    assert {p.rule for p in nip_errors} == {contracts.EXCEL_NIP_RULE.text}
    assert nip_errors[0].fix.startswith("Format the nip column as Text and paste the NIPs again")
    assert nip_errors[0].value.endswith("000") and set(nip_errors[0].value[:-3]) == {"*"}


def test_a_nip_cell_excel_shows_in_scientific_notation_is_refused(tmp_path):
    t = tiny_tables()
    t["staff"].loc[0, "nip"] = "1.98001152005011E+17"
    errors = [p for p in _errors(write_city(tmp_path / "c", t)) if p.column == "nip"]
    assert [(p.file, p.row, p.rule) for p in errors] == [("staff.csv", 2, contracts.EXCEL_NIP_RULE.text)]


def test_a_nip_in_staff_id_is_hashed_never_kept(tmp_path):
    """The template had only a staff_id column, so planners typed NIPs there; the processed table held them."""
    t = tiny_tables()
    for name in ("staff", "competency_assessments", "trainings", "performance"):
        t[name] = t[name].rename(columns={"nip": "staff_id"})
    d = write_city(tmp_path / "c", t)
    data = load.read_city(d)
    assert data.ok, [p for p in data.problems if p.severity == "error"]
    assert any(p.rule.startswith("staff_id holds NIPs") for p in data.problems)
    for name, table in data.tables.items():
        text = table.astype(str).to_csv()
        assert NIP_A not in text and NIP_B not in text, name
    a = data.tables["competency_assessments"]
    assert set(a["staff_id"]) == set(data.tables["staff"]["staff_id"])  # the tables still link


def test_the_header_is_found_below_title_rows_and_blank_rows_are_skipped(tmp_path):
    t = tiny_tables()
    d = write_city(tmp_path / "c", t)
    body = (d / "units.csv").read_text()
    (d / "units.csv").write_text(
        "Daftar Unit Layanan Kota Kendari,,,,\n,,,,\n" + body.replace("\n", "\n,,,,\n", 1)
    )
    data = load.read_city(d)
    assert data.ok, [p for p in data.problems if p.severity == "error"]
    notes = [p for p in data.problems if p.file == "units.csv"]
    assert [(p.row, p.rule) for p in notes] == [
        (3, "the header is on row 3; the 2 row(s) above it are ignored")
    ]
    assert list(data.tables["units"]["unit_id"]) == ["U1", "U2"]


def test_a_workbook_sheet_with_a_merged_title_and_blank_rows_reads_like_the_csv(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "units"
    ws["A1"] = "Daftar unit"
    ws.merge_cells("A1:E1")
    header = list(tiny_tables()["units"].columns)
    ws.append([])
    ws.append(header)
    for row in tiny_tables()["units"].itertuples(index=False):
        ws.append(list(row))
        ws.append([None] * len(header))  # a blank row after each record: 10 errors each before
    (tmp_path / "c").mkdir()
    wb.save(tmp_path / "c" / "data.xlsx")
    data = load.read_city(tmp_path / "c")
    assert [p.severity for p in data.problems if p.sheet == "units"] == ["warning"]  # the header's row only
    assert list(data.tables["units"]["unit_id"]) == ["U1", "U2"]


def test_one_workbook_per_table_is_read_by_its_file_name(tmp_path):
    t = tiny_tables()
    d = write_city(tmp_path / "c", t)
    (d / "staff.csv").unlink()
    t["staff"].to_excel(d / "staff.xlsx", index=False, sheet_name="Sheet1")
    data = load.read_city(d)
    assert data.ok, [p for p in data.problems if p.severity == "error"]
    assert len(data.tables["staff"]) == 2


@pytest.mark.parametrize(
    ("encoding", "sep", "note"),
    [
        ("utf-8", "\t", None),
        ("utf-16", ",", "file is UTF-16, not UTF-8: read as UTF-16"),
        ("utf-16", "\t", "file is UTF-16, not UTF-8: read as UTF-16"),  # Excel's 'Unicode text'
        ("cp1252", ";", "file is Windows-1252, not UTF-8: read as Windows-1252"),
    ],
)
def test_separator_and_encoding_are_sniffed_and_named(tmp_path, encoding, sep, note):
    t = tiny_tables()
    t["units"]["unit_name"] = ["Puskesmas Kambu\xe9", "Puskesmas Poasia"]  # an accent: not ASCII
    d = write_city(tmp_path / "c", t)
    (d / "units.csv").write_bytes(t["units"].to_csv(index=False, sep=sep).encode(encoding))
    data = load.read_city(d)
    assert data.ok, [p for p in data.problems if p.severity == "error"]
    assert [p.rule for p in data.problems if p.file == "units.csv"] == ([note] if note else [])
    assert list(data.tables["units"]["unit_name"]) == ["Puskesmas Kambu\xe9", "Puskesmas Poasia"]


def test_a_repeated_column_name_is_caught_before_pandas_renames_it(tmp_path):
    """pandas would read the second 'sector' as 'sector.1' and silently use the stale first one."""
    t = tiny_tables()
    d = write_city(tmp_path / "c", t)
    units = t["units"].assign(sector2="education")
    text = units.to_csv(index=False).replace("sector2", "sector")
    (d / "units.csv").write_text(text)
    errors = [p for p in _errors(d) if p.file == "units.csv"]
    assert [(p.row, p.column, p.rule) for p in errors] == [
        (1, "sector", "column names repeat in the header: sector")
    ]


@pytest.mark.parametrize("value", ["99,000", "99.000", "1.250.000"])
def test_a_thousands_separator_is_refused_not_read_as_a_decimal(tmp_path, value):
    t = tiny_tables()
    t["rollout"].loc[0, "cost_idr"] = value
    errors = [p for p in _errors(write_city(tmp_path / "c", t)) if p.column == "cost_idr"]
    assert [(p.row, p.value, p.rule) for p in errors] == [(2, value, load.THOUSANDS_TEXT)]


def test_a_decimal_comma_is_still_a_decimal(tmp_path):
    t = tiny_tables()
    t["trainings"] = t["trainings"].astype(str)
    t["trainings"].loc[0, "hours_jp"] = "24,5"
    data = load.read_city(write_city(tmp_path / "c", t))
    assert data.ok and data.tables["trainings"]["hours_jp"].iloc[0] == 24.5


def test_a_nip_missing_from_staff_is_named_by_its_masked_nip_not_its_hash(tmp_path):
    t = tiny_tables()
    t["performance"].loc[1, "nip"] = "199203042019032009"  # no such staff
    errors = [p for p in _errors(write_city(tmp_path / "c", t)) if p.file == "performance.csv"]
    assert [(p.row, p.column, p.value) for p in errors] == [(3, "staff_id", "NIP ***************009")]
    digest = hashlib.sha256(b"x").hexdigest()[:4]  # no hex hash anywhere in what the planner reads
    assert all(digest not in p.value and len(p.value) < 30 for p in errors)


def test_a_leading_apostrophe_is_excels_text_marker_not_part_of_the_nip(tmp_path):
    t = tiny_tables()
    t["staff"].loc[0, "nip"] = "'" + NIP_A
    t["competency_assessments"].loc[0, "nip"] = "'" + NIP_A
    data = load.read_city(write_city(tmp_path / "c", t))
    assert data.ok, [p for p in data.problems if p.severity == "error"]


def test_the_template_has_a_text_nip_column_and_indonesian_labels(tmp_path):
    wb = load_workbook(excel_template.write_template(tmp_path / "t.xlsx"))
    for table in excel_template.NIP_TABLES:
        ws = wb[table]
        assert ws["A1"].value == "nip" and ws["A2"].number_format == "@"
        assert "TEKS" in ws["A1"].comment.text
        assert "staff_id" not in [c.value for c in ws[1]]
    readme = "\n".join(str(c.value) for c in wb["README"]["A"] if c.value)
    assert "TEMPEL NIP SEBAGAI TEKS" in readme and "15 digit" in readme


@pytest.mark.parametrize(("encoding", "name"), [("utf-16", "UTF-16"), ("cp1252", "Windows-1252")])
def test_a_visit_log_in_utf16_or_windows_1252_is_read_and_its_encoding_named(tmp_path, encoding, name):
    """Such a log gave 'CSV Error on Line 1' with no cause."""
    t = tiny_tables()
    t["service_visits"]["service_type"] = ["Poli Ibu dan Anak \xe9", "Poli Umum"]
    d = write_city(tmp_path / "c", t)
    sep = "\t" if encoding == "utf-16" else ","
    (d / "service_visits.csv").write_bytes(t["service_visits"].to_csv(index=False, sep=sep).encode(encoding))
    data = load.read_city(d)
    assert data.ok, [p for p in data.problems if p.severity == "error"]
    assert [p.rule for p in data.problems if p.file == "service_visits.csv"] == [
        f"file is {name}, not UTF-8: read as {name}"
    ]
    from analysis.methods import panels

    assert panels.visit_panel(data)["visits"].sum() == 2


def test_a_nip_stored_as_a_number_in_a_workbook_is_refused_as_in_a_csv(tmp_path):
    """A numeric NIP cell in a workbook (what pasting without the Text format gives: 15 significant digits, the
    rest zeros) reads as the same digits through the workbook reader as through a CSV, and is refused with the
    Excel rule and its row."""
    from openpyxl import load_workbook

    from analysis.data import excel_template

    t = tiny_tables()
    book = tmp_path / "c" / "data.xlsx"
    book.parent.mkdir()
    excel_template.write_template(book)
    with pd.ExcelWriter(book, engine="openpyxl", mode="a", if_sheet_exists="replace") as xw:
        for name, df in t.items():
            if name != "service_visits":
                df.to_excel(xw, sheet_name=name, index=False)
    wb = load_workbook(book)
    ws = wb["staff"]
    col = [c.value for c in ws[1]].index("nip") + 1
    ws.cell(row=2, column=col, value=int(_excel_15_digits(t["staff"].loc[0, "nip"])))  # a number, not text
    wb.save(book)
    errors = [p for p in load.validate(tmp_path / "c") if p.severity == "error" and p.column == "nip"]
    assert [(p.sheet, p.row, p.rule) for p in errors] == [("staff", 2, contracts.EXCEL_NIP_RULE.text)]
