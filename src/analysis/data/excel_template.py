"""The Excel workbook planners fill: a sheet per table with its headers, code lists and a README sheet."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from analysis.data import contracts, reference

_README = [
    "Templat data asn-kinerja / asn-kinerja data template",
    "",
    "BAHASA INDONESIA",
    "Isi satu lembar (sheet) per tabel. Jangan ubah baris judul kolom (baris 1); satu catatan per baris.",
    "Judul tebal = kolom wajib; yang lain boleh kosong. Arahkan kursor ke judul kolom untuk penjelasannya.",
    "Tanggal: YYYY-MM-DD. Bulan: YYYY-MM. Waktu: YYYY-MM-DD HH:MM:SS. Angka tanpa pemisah ribuan (99000).",
    "NIP: isi di kolom 'nip' (18 digit). Kolom itu sudah berformat Teks: TEMPEL NIP SEBAGAI TEKS. Bila NIP",
    "tersimpan sebagai angka, Excel hanya menyimpan 15 digit: 3 digit terakhir menjadi 0 dan digit jenis",
    "kelamin bisa berubah; asn-kinerja menolak NIP seperti itu. NIP dan nama diganti kode rahasia saat",
    "dibaca dan tidak pernah diterbitkan.",
    "Log kunjungan (service_visits) biasanya terlalu besar untuk Excel: simpan sebagai service_visits.csv",
    "atau service_visits.parquet di folder yang sama.",
    "Periksa dengan:  asn-kinerja validate <folder>",
    "",
    "ENGLISH",
    "Fill one sheet per table. Keep the header row exactly as it is; one record per row.",
    "Bold headers are required columns; the others are optional.",
    "Dates: YYYY-MM-DD. Months: YYYY-MM. Times: YYYY-MM-DD HH:MM:SS.",
    "Staff are identified by 'nip' (18 digits). The column is formatted as Text: paste NIPs as text. A NIP",
    "stored as a number keeps only 15 digits in Excel (the last 3 become 0, the sex digit may change) and is",
    "refused. The NIP is replaced by a keyed hash when the file is read, and names are dropped; nothing with",
    "a NIP or a name is ever published.",
    "The visit log (service_visits) is usually too large for Excel: put it beside this workbook as",
    "service_visits.csv or service_visits.parquet instead.",
    "Check the workbook with:  asn-kinerja validate <folder>",
    "",
    "Lembar 'codes' berisi nilai yang boleh dipakai pada kolom berkode, dengan keterangannya. / Sheet 'codes'",
    "lists the allowed values of coded columns, with their meaning.",
]

#: Rows pre-formatted as Text in the nip column (a city's staff fit; Excel applies the column format beyond).
NIP_TEXT_ROWS = 5_000

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


#: Meaning of the codes, in Bahasa Indonesia, written beside the code lists of the 'codes' sheet.
_CODE_LABELS = {
    "city": lambda: reference.cities()["name"].tolist(),
    "unit_type": lambda: reference.table("unit_types")["label_id"].tolist(),
    "competency": lambda: reference.table("competencies")["name"].tolist(),
}


#: Tables whose rows name a person: their sheet starts with a Text-formatted 'nip' column.
NIP_TABLES = ("staff", "competency_assessments", "trainings", "performance")

#: Column labels in Bahasa Indonesia, shown as a note on each header cell.
LABELS_ID = {
    "nip": "NIP 18 digit, sebagai TEKS (bukan angka)",
    "nama": "Nama (dibuang saat dibaca, tidak pernah diterbitkan)",
    "unit_id": "Kode unit layanan",
    "city": "Kota (kode, lihat lembar codes)",
    "agency": "Perangkat daerah (OPD)",
    "unit_type": "Jenis unit (lihat lembar codes)",
    "sector": "Sektor (lihat lembar codes)",
    "unit_name": "Nama unit",
    "kecamatan": "Kecamatan yang dilayani unit (kosong untuk kantor tingkat kota)",
    "programme_start": "Bulan pertama ikut program (YYYY-MM); kosong = tidak pernah ikut",
    "cost_idr": "Biaya dalam rupiah, tanpa pemisah ribuan",
    "position_class": "Kelas jabatan (lihat lembar codes)",
    "grade": "Golongan/ruang, mis. III/a",
    "education": "Pendidikan terakhir",
    "asn_type": "PNS atau PPPK",
    "assessed_on": "Tanggal asesmen (YYYY-MM-DD)",
    "competency": "Kode kompetensi (lihat lembar codes)",
    "level_required": "Level yang dipersyaratkan (1-5)",
    "level_assessed": "Level hasil asesmen (1-5)",
    "training_code": "Kode pelatihan",
    "start": "Tanggal mulai (YYYY-MM-DD)",
    "end": "Tanggal selesai (YYYY-MM-DD)",
    "hours_jp": "Jam pelajaran (JP)",
    "mode": "Bentuk pengembangan (lihat lembar codes)",
    "period": "Tahun penilaian SKP",
    "results_rating": "Rating hasil kerja",
    "behaviour_rating": "Rating perilaku kerja",
    "predicate": "Predikat kinerja SKP",
    "potential": "Potensi (Tinggi/Menengah/Rendah)",
    "response_id": "Nomor kuesioner",
    "surveyed_on": "Tanggal survei (YYYY-MM-DD)",
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
    j = 1
    for col, values_fn in _CODE_COLUMNS.items():
        values = values_fn()
        letter = codes.cell(row=1, column=j).column_letter
        codes.cell(row=1, column=j, value=col).font = Font(bold=True)
        for i, v in enumerate(values, start=2):
            codes.cell(row=i, column=j, value=v)
        code_ranges[col] = f"codes!${letter}$2:${letter}${len(values) + 1}"
        if col in _CODE_LABELS:  # the meaning beside the code (the drop-down lists the codes only)
            j += 1
            codes.cell(row=1, column=j, value=f"{col} (keterangan)").font = Font(italic=True)
            for i, label in enumerate(_CODE_LABELS[col](), start=2):
                codes.cell(row=i, column=j, value=label)
            codes.column_dimensions[codes.cell(row=1, column=j).column_letter].width = 32
        j += 1

    fill = PatternFill("solid", fgColor="DDEBF7")
    for table in contracts.TABLES:
        if table == "service_visits":  # too large for Excel: a file beside the workbook (README sheet)
            continue
        spec = contracts.spec(table)
        ws = wb.create_sheet(table)
        columns = list(spec.columns)
        if table in NIP_TABLES:  # the NIP, as text, instead of the staff_id that ingestion makes from it
            columns = [contracts.Col("nip", "str")] + [c for c in columns if c.name != "staff_id"]
        for j, col in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=j, value=col.name)
            cell.font = Font(bold=col.required)
            if col.name in LABELS_ID:
                cell.comment = Comment(LABELS_ID[col.name], "asn-kinerja")
            if col.name == "nip":  # Text: Excel must never turn an 18-digit NIP into a rounded number
                ws.column_dimensions[cell.column_letter].number_format = "@"
                for r in range(2, NIP_TEXT_ROWS + 2):
                    ws.cell(row=r, column=j).number_format = "@"
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
