"""Words and numbers in the reader's language: the gettext catalogue is complete, tables are labelled from it,
and one number formatter writes 3.664 / 0,9 in Bahasa Indonesia and 3,664 / 0.9 in English."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from analysis.report import i18n, programme_effects, tables
from analysis.report.i18n import msg
from analysis.report.tables import localise

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def _extract():
    """What `make i18n` extracts now (Babel, babel.cfg), as a catalog."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    method_map, options_map = parse_mapping_cfg(io.StringIO((ROOT / "babel.cfg").read_text()))
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(ROOT, method_map, options_map):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def test_the_english_catalogue_is_complete_for_every_indonesian_text():
    """Every catalogue entry, markdown paragraph and say()/t() sentence of the notebooks has an English
    translation that is not fuzzy and uses the same placeholders; the committed template is up to date."""
    from babel.messages.pofile import read_po

    extracted = _extract()
    assert i18n.catalogue_problems(extracted) == []
    with open(i18n.POT_FILE, "rb") as f:
        committed = {(m.context, m.id) for m in read_po(f) if m.id}
    assert committed == {(m.context, m.id) for m in extracted if m.id}, "run `make i18n`"
    assert len(committed) > 300


def test_a_changed_or_new_sentence_fails_the_check(tmp_path, monkeypatch):
    """The check catches the three ways a translation goes stale."""
    from babel.messages.catalog import Catalog

    extracted = Catalog()
    extracted.add("## Kesimpulan")  # translated: fine
    extracted.add("Kalimat baru yang belum diterjemahkan.")
    extracted.add("{n} unit", context="units.count")  # missing
    problems = i18n.catalogue_problems(extracted)
    assert len(problems) == 2 and all(p.startswith("untranslated") for p in problems)
    po = tmp_path / "en.po"
    po.write_text(
        'msgid "{n} unit"\nmsgstr "{count} units"\n\n#, fuzzy\nmsgid "## Kesimpulan"\nmsgstr "## Conclusion"\n'
    )
    monkeypatch.setattr(i18n, "PO_FILE", po)
    only = Catalog()
    only.add("{n} unit")
    only.add("## Kesimpulan")
    problems = i18n.catalogue_problems(only)
    assert any(p.startswith("placeholders differ") for p in problems)
    assert any(p.startswith("fuzzy") for p in problems)


def test_markdown_is_translated_paragraph_by_paragraph():
    source = (
        "## Metode\n\nAsumsi utamanya: tanpa program, unit yang ikut dan pembandingnya akan bergerak sejajar"
    )
    assert i18n.translate_markdown(source, "id") == source
    with pytest.raises(KeyError, match="make i18n"):
        i18n.translate_markdown(source, "en")  # the second paragraph is not a catalogue paragraph
    assert i18n.translate_markdown("## Metode\n\n## Data", "en") == "## Method\n\n## Data"


def test_headers_and_coded_values_come_from_the_catalogue():
    table = pd.DataFrame(
        {
            "sector": ["health", "unknown_sector"],
            "band": ["stable", "not_assessed"],
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
    row = programme_effects.group_table(dose, "dose_group", "id").iloc[0]
    assert "2,0 - 9,0 (6,2)" in row.tolist() and "-2,00 .. -0,50" in row.tolist()
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


def test_numbers_are_written_the_way_each_language_reads_them():
    """CLDR through Babel: id groups thousands with '.', writes decimals with ','; en the reverse."""
    assert i18n.number(3664, "id") == "3.664" and i18n.number(3664, "en") == "3,664"
    assert i18n.number(0.9, "id") == "0,9" and i18n.number(0.9, "en") == "0.9"
    assert i18n.number(-13.386, "id", 2) == "-13,39" and i18n.number(2.5, "en", 2, sign=True) == "+2.50"
    assert i18n.percent(0.123, "id") == "12%" and i18n.percent(0.1234, "en", 1) == "12.3%"
    assert (
        i18n.money(3_496_210_000, "id") == "Rp 3,5 miliar"
        and i18n.money(3_496_210_000, "en") == "Rp 3.5 billion"
    )
    assert i18n.money(750_000, "id") == "Rp 750.000"
    # prose: {n}, {n:,}, {x:.2f}, {s:.0%}; years as written; hidden counts as they are
    assert i18n.fill(
        "{n} / {m:,} / {x:.2f} / {s:.0%} / {year}", "id", n=12719, m=647828, x=0.875, s=0.25, year=2024
    ) == ("12.719 / 647.828 / 0,88 / 25% / 2024")
    assert i18n.fill("{n:,} pegawai", "id", n="<10") == "<10 pegawai"
    assert i18n.fill("{s:.0%} / {x:.2f}", "en", s=float("nan"), x=float("nan")) == "… / …"  # not computed
    # tables: integers grouped, other numbers two decimals, words untouched
    assert tables.cell(514_400_000, "id") == "514.400.000" and tables.cell(12345.678, "en") == "12,345.68"
    assert (
        tables.cell(0.754, "id") == "0,75"
        and tables.cell("M.05", "id") == "M.05"
        and tables.cell(True, "id") is True
    )


def test_competencies_are_shown_by_name_with_their_code():
    plan = pd.DataFrame({"training_code": ["PP-02"], "competency": ["M.05"], "participants": [12]})
    assert localise(plan, "id")["Kompetensi"].tolist() == ["Pelayanan Publik (M.05)"]
    assert localise(plan, "en")["Competency"].tolist() == ["Public service (M.05)"]
    from analysis.methods.competency import GroupLabel

    label = GroupLabel(("M.04", "M.06"))
    assert i18n.group_name(label, "id") == "kurang: Orientasi pada Hasil, Pengembangan Diri dan Orang Lain"
    assert i18n.group_name(label, "en") == "shortfall: Results orientation, Developing self and others"
    many = GroupLabel(("M.04", "M.06", "M.01"), more=True, number=2)
    assert i18n.group_name(many, "id").endswith("Integritas dan lainnya (2)")
    assert i18n.group_name(many, "en").endswith("and more (2)")
    assert (
        i18n.group_name(GroupLabel(), "id") == "memenuhi standar"
        and i18n.group_name(GroupLabel(), "en") == "meets standard"
    )
    assert (
        i18n.group_name("kurang: Komunikasi", "en") == "kurang: Komunikasi"
    )  # text from a results.json stays


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
    assert tables.text_columns(table) == ["Nama", "Catatan"]  # blank notes do not count either way
    assert tables.text_columns(table.assign(Catatan=["", ""])) == ["Nama"]
