"""The message catalogue: every text in both languages, and published tables labelled from it."""

from __future__ import annotations

import string

import pandas as pd
import pytest

from analysis.report import i18n, programme_effects
from analysis.report.i18n import MESSAGES, localise, msg


def test_every_entry_has_both_languages_with_the_same_placeholders():
    fields = lambda text: {f for _, f, _, _ in string.Formatter().parse(text) if f}  # noqa: E731
    for key, texts in MESSAGES.items():
        assert set(texts) == set(i18n.LANGS), key
        assert fields(texts["id"]) == fields(texts["en"]), key


def test_headers_and_coded_values_come_from_the_catalogue():
    table = pd.DataFrame(
        {
            "sector": ["health", "unknown_sector"],
            "band": ["stable", "not assessed"],
            "mode": ["classroom", "coaching"],
            "staff": [12, 30],
            "Dinas Kesehatan": [1, 2],
        }
    )
    id_ = localise(table, "id")
    assert list(id_.columns) == ["Sektor", "Stabilitas", "Bentuk", "Pegawai", "Dinas Kesehatan"]
    assert id_["Sektor"].tolist() == ["Kesehatan (Puskesmas)", "unknown_sector"]  # no entry: the code stays
    assert id_["Stabilitas"].tolist() == ["stabil", "tidak dinilai"]
    assert id_["Bentuk"].tolist() == ["klasikal", "coaching"]
    en = localise(table, "en")
    assert list(en.columns) == ["Sector", "Stability", "Mode", "Staff", "Dinas Kesehatan"]
    assert table.columns[0] == "sector"  # the caller's table is left as it was


def test_group_table_says_why_a_group_has_no_estimate():
    by_sector = pd.DataFrame(
        [
            {
                "sector": "health",
                "estimate": -8.8,
                "se": 2.3,
                "ci_low": -13.39,
                "ci_high": -4.21,
                "n_units": 15,
            },
            {"sector": "licensing", "n_units": 2, "note": "fewer than 10 units: too thin"},
            {"sector": "education", "n_units": 12, "note": "no unit is treated within the panel's periods"},
        ]
    )
    out = programme_effects.group_table(by_sector, "sector", "en")
    assert list(out.columns) == ["sector", "Effect", "95% CI", "Units", "Note"]
    assert out.iloc[0].tolist() == ["health", -8.8, "-13.39 .. -4.21", 15, ""]
    assert out.iloc[1]["Note"] == "fewer than 10 units: too few to estimate"
    assert out.iloc[2]["Note"] == "could not be estimated: no unit is treated within the panel's periods"
    id_ = localise(programme_effects.group_table(by_sector, "sector", "id"), "id")
    assert id_.columns[0] == "Sektor" and id_.iloc[1]["Catatan"].startswith("kurang dari 10 unit")
    dose = pd.DataFrame(
        [
            {
                "dose_group": "Q1",
                "dose_min": 2.0,
                "dose_mean": 6.25,
                "dose_max": 9.0,
                "n_treated_units": 20,
                "estimate": -1.234,
                "ci_low": -2.0,
                "ci_high": -0.5,
                "n_units": 60,
            }
        ]
    )
    row = programme_effects.group_table(dose, "dose_group", "en").iloc[0]
    assert row["JP per staff: min - max (mean)"] == "2.0 - 9.0 (6.2)" and row["Effect"] == -1.23
    assert programme_effects.group_table(None, "sector").empty


def test_why_a_group_has_no_estimate_is_said_in_the_report_language():
    """The reason comes from the DidInputError's code, not its English message."""
    failed = pd.DataFrame(
        [
            {
                "sector": "education",
                "n_units": 12,
                "note": "no unit is treated within the panel's periods: there is no effect to estimate",
                "reason": "no_treated",
            }
        ]
    )
    assert programme_effects.group_table(failed, "sector", "id").iloc[0]["Catatan"] == (
        "tidak dapat diestimasi: tidak ada unit yang ikut program dalam periode data"
    )
    assert programme_effects.group_table(failed, "sector", "en").iloc[0]["Note"] == (
        "could not be estimated: no unit is treated within the panel's periods"
    )


def test_large_numbers_are_grouped_and_small_ones_and_years_are_not():
    thin = "\u202f"
    assert i18n.number_text(514_400_000) == f"514{thin}400{thin}000"
    assert i18n.number_text(12345.678) == f"12{thin}345.68"
    assert i18n.number_text(2025) == "2025" and i18n.number_text(9521) == "9521"
    assert i18n.number_text(0.754) == "0.75" and i18n.number_text(-15000) == f"-15{thin}000"
    assert i18n.number_text("M.05") == "M.05" and i18n.number_text(True) is True


def test_competencies_are_shown_by_name_with_their_code():
    plan = pd.DataFrame({"training_code": ["PP-02"], "competency": ["M.05"], "participants": [12]})
    assert localise(plan, "id")["Kompetensi"].tolist() == ["Pelayanan Publik (M.05)"]
    assert localise(plan, "en")["Competency"].tolist() == ["Public service (M.05)"]
    name = "shortfall: Orientasi pada Hasil, Pengembangan Diri dan Orang Lain"
    assert i18n.group_name(name, "id") == "kurang: Orientasi pada Hasil, Pengembangan Diri dan Orang Lain"
    assert i18n.group_name(name, "en") == "shortfall: Results orientation, Developing self and others"


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_unknown_language_or_key_is_an_error_not_a_blank(lang):
    assert msg("col.sector", lang)
    with pytest.raises(KeyError):
        msg("col.no_such_column", lang)
    with pytest.raises(ValueError, match="lang must be one of"):
        msg("col.sector", "fr")


def test_words_align_left_and_numbers_right():
    table = pd.DataFrame(
        {
            "Nama": ["memenuhi standar", "kurang: Komunikasi"],
            "Pegawai": [9521, "<10"],
            "95% CI": ["-13.39 .. -4.21", ""],
            "Catatan": ["", "kurang dari 10 unit"],
            "JP": ["2.0 - 9.0 (6.2)", None],
        }
    )
    assert i18n.text_columns(table) == ["Nama", "Catatan"]  # blank notes do not count either way
    assert i18n.text_columns(table.assign(Catatan=["", ""])) == ["Nama"]
