"""The Excel workbook planners fill: a sheet per table with its headers, code lists and a README sheet."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from . import contracts, reference

_README = [
    "asn-kinerja data template",
    "",
    "Fill one sheet per table. Keep the header row exactly as it is; one record per row.",
    "Bold headers are required columns; the others are optional.",
    "Dates: YYYY-MM-DD. Months: YYYY-MM. Times: YYYY-MM-DD HH:MM:SS.",
    "Staff may be identified by 'nip' (18 digits, typed as text) instead of staff_id: the NIP is replaced by",
    "a keyed hash when the file is read, and names are dropped. Nothing with a NIP or a name is ever published.",
    "The visit log (service_visits) is usually too large for Excel: put it beside this workbook as",
    "service_visits.csv or service_visits.parquet instead.",
    "Check the workbook with:  asn-kinerja validate <folder>",
    "",
    "Sheet 'codes' lists the allowed values of coded columns.",
]

_CODE_COLUMNS = {
    "city": lambda: reference.cities().index.tolist(),
    "unit_type": reference.unit_types,
    "sector": reference.sectors,
    "position_class": reference.position_classes,
    "competency": reference.competencies,
    "sex": lambda: reference.allowed("sex"),
    "education": lambda: reference.allowed("education"),
    "asn_type": lambda: reference.allowed("asn_type"),
    "mode": lambda: reference.allowed("training_mode"),
    "results_rating": lambda: reference.allowed("skp_rating"),
    "behaviour_rating": lambda: reference.allowed("skp_rating"),
    "predicate": lambda: reference.allowed("skp_predicate"),
    "potential": lambda: reference.allowed("potential"),
}


def write_template(path: Path) -> Path:
    """Write the template; drop-down lists on coded columns point at the 'codes' sheet."""
    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    for i, line in enumerate(_README, start=1):
        readme.cell(row=i, column=1, value=line)
    readme["A1"].font = Font(bold=True, size=14)

    codes = wb.create_sheet("codes")
    code_ranges: dict[str, str] = {}
    for j, (col, values_fn) in enumerate(_CODE_COLUMNS.items(), start=1):
        values = values_fn()
        letter = codes.cell(row=1, column=j).column_letter
        codes.cell(row=1, column=j, value=col).font = Font(bold=True)
        for i, v in enumerate(values, start=2):
            codes.cell(row=i, column=j, value=v)
        code_ranges[col] = f"codes!${letter}$2:${letter}${len(values) + 1}"

    fill = PatternFill("solid", fgColor="DDEBF7")
    for table in contracts.TABLES:
        spec = contracts.spec(table)
        ws = wb.create_sheet(table)
        for j, col in enumerate(spec.columns, start=1):
            cell = ws.cell(row=1, column=j, value=col.name)
            cell.font = Font(bold=col.required)
            cell.fill = fill
            ws.column_dimensions[cell.column_letter].width = max(12, len(col.name) + 2)
            if col.name in code_ranges:
                dv = DataValidation(type="list", formula1=code_ranges[col.name], allow_blank=col.nullable)
                ws.add_data_validation(dv)
                dv.add(f"{cell.column_letter}2:{cell.column_letter}100000")
        ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
