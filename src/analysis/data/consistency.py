"""Checks across tables that make `validate`'s "OK" a promise: a unit with visits but no row in rollout,
a programme start before the data begin, tables that refer to staff without the staff table. Contracts check
each table on its own; these read the typed tables together."""

from __future__ import annotations

import duckdb
import pandas as pd

from analysis.data import reference
from analysis.data.problems import SAME_FIX_ID, Problem

#: Tables that refer to staff by NIP: without the staff table their rows cannot be placed in an agency.
REFER_TO_STAFF = ("competency_assessments", "performance", "trainings")


def cross_table(data) -> list[Problem]:
    """Errors and warnings that only show when the tables are read together."""
    t = data.tables
    out: list[Problem] = []
    if "staff" not in t:
        for name in REFER_TO_STAFF:
            if name in t and len(t[name]):
                out.append(
                    Problem(
                        file=f"{name}",
                        rule=f"{name} refers to staff by NIP, but the staff table is missing",
                        fix="Add staff.csv (or the 'staff' sheet) with every NIP these rows use",
                        aturan=f"{name} merujuk pegawai lewat NIP, tetapi tabel staff tidak ada",
                        perbaikan="Tambahkan staff.csv (atau lembar 'staff') dengan setiap NIP yang dipakai baris ini",
                    )
                )
    out += own_competencies(t.get("competency_assessments"))
    active = _units_with_data(data)
    if "units" in t and "unit_id" in t["units"]:
        active &= set(t["units"]["unit_id"].dropna())  # a unit missing from units is reported there already
    if "rollout" in t and {"unit_id", "programme_start"} <= set(t["rollout"]):
        known = set(t["rollout"]["unit_id"].dropna())
        for unit in sorted(active - known)[:20]:
            out.append(
                Problem(
                    file="rollout",
                    column="unit_id",
                    value=unit,
                    rule="this unit has visits or survey responses but no row in rollout; it would silently be "
                    "counted as a unit that never joined the programme",
                    fix="Add a row for it: programme_start = the month it joined, or leave programme_start "
                    "empty if it never joined",
                    aturan="unit ini punya kunjungan atau jawaban survei tetapi tidak ada barisnya di rollout; "
                    "tanpa peringatan ia akan dihitung sebagai unit yang tidak pernah ikut program",
                    perbaikan="Tambahkan barisnya: programme_start = bulan unit itu mulai ikut, atau kosongkan "
                    "programme_start jika tidak pernah ikut",
                )
            )
        missing = len(active - known) - 20
        if missing > 0:
            out.append(
                Problem(
                    file="rollout",
                    column="unit_id",
                    value=f"... {missing:,} more units",
                    rule="units with data but no row in rollout",
                    fix="Same fix as the rows above",
                    aturan="unit dengan data tetapi tanpa baris di rollout",
                    perbaikan=SAME_FIX_ID,
                )
            )
        first, last = _data_period(data)
        starts = t["rollout"].dropna(subset=["programme_start"])
        if first is not None and len(starts):
            early = starts[starts["programme_start"] < first]
            late = starts[starts["programme_start"] > last]
            for frame, rule, fix, aturan, perbaikan in (
                (
                    early,
                    f"programme_start is before the first month of data ({first:%Y-%m}): no month before "
                    "the start is observed, so the unit is left out of the effect estimates",
                    "Check the month (a typing error?); if it is right, nothing to do",
                    f"programme_start sebelum bulan pertama data ({first:%Y-%m}): tidak ada bulan sebelum "
                    "mulai yang teramati, sehingga unit ini tidak masuk perkiraan dampak",
                    "Periksa bulannya (salah ketik?); jika benar, tidak perlu tindakan",
                ),
                (
                    late,
                    f"programme_start is after the last month of data ({last:%Y-%m}): the unit counts as "
                    "not yet in the programme",
                    "Check the month; if it is right, nothing to do",
                    f"programme_start sesudah bulan terakhir data ({last:%Y-%m}): unit ini dihitung belum "
                    "ikut program",
                    "Periksa bulannya; jika benar, tidak perlu tindakan",
                ),
            ):
                for r in frame.head(20).itertuples():
                    out.append(
                        Problem(
                            file="rollout",
                            row=int(r.Index) + 2,
                            column="programme_start",
                            value=f"{r.unit_id}: {r.programme_start:%Y-%m}",
                            rule=rule,
                            fix=fix,
                            aturan=aturan,
                            perbaikan=perbaikan,
                            severity="warning",
                        )
                    )
    return out


def own_competencies(assessments: pd.DataFrame | None) -> list[Problem]:
    """A warning per competency name outside the national list (PermenPAN-RB 38/2017 codes): used as an
    instansi's own competency (its recorded level_required is its standard), or a typo to fix."""
    if assessments is None or "competency" not in assessments:
        return []
    comp = assessments["competency"].dropna()
    own = comp[~comp.isin(reference.competencies())]
    national = ", ".join(reference.competencies())
    return [
        Problem(
            file="competency_assessments",
            row=int(own.index[own == name][0]) + 2,
            column="competency",
            value=f"{name} ({n} baris/rows)",
            rule=f"not a national competency code ({national}): used as the instansi's own competency, with "
            "its recorded level_required as the standard and no programme in the training catalogue",
            fix="If it is a typo, write the national code; if it is your own competency, nothing to do (add "
            "programmes for it to data/reference/training_catalogue.csv to have it planned)",
            aturan=f"bukan kode kompetensi nasional ({national}): dipakai sebagai kompetensi instansi sendiri, "
            "dengan level_required yang tercatat sebagai standarnya, tanpa program di katalog pelatihan",
            perbaikan="Jika salah ketik, tulis kode nasionalnya; jika memang kompetensi instansi sendiri, tidak "
            "perlu tindakan (tambahkan programnya ke data/reference/training_catalogue.csv agar direncanakan)",
            severity="warning",
        )
        for name, n in own.value_counts().sort_index().head(20).items()
    ]


def _units_with_data(data) -> set:
    units: set = set()
    if data.visits is not None:
        try:
            units |= data.visits.coverage()[0]
        except (OSError, ValueError, duckdb.Error):
            pass
    survey = data.tables.get("satisfaction_responses")
    if survey is not None and "unit_id" in survey:
        units |= set(survey["unit_id"].dropna())
    return units


def _data_period(data) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """First and last month with visits (else survey responses)."""
    if data.visits is not None:
        try:
            _, first, last = data.visits.coverage()
            if first is not None:
                return first, last
        except (OSError, ValueError, duckdb.Error):
            pass
    survey = data.tables.get("satisfaction_responses")
    if survey is not None and "surveyed_on" in survey:
        when = survey["surveyed_on"].dropna()
        if len(when):
            return when.min().to_period("M").start_time, when.max().to_period("M").start_time
    return None, None
