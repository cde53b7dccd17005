"""A city is added without code: ``asn-kinerja new-city`` writes its parameters file and registers its code;
``report --all`` then builds it with the others, into the index and the cross-city report; an unknown name gets
a "did you mean"; a city whose last run failed, or whose data changed since, is shown as such on the index,
never with old numbers."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import cli, config
from analysis.data import reference
from analysis.report import runner

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def registry(tmp_path, monkeypatch):
    """A private copy of the parameters folder and the reference tables, for this process and its kernels."""
    params, ref = tmp_path / "params", tmp_path / "reference"
    shutil.copytree(config.params_dir(), params)
    shutil.copytree(config.REFERENCE_DIR, ref)
    monkeypatch.setenv("ASN_KINERJA_PARAMS_DIR", str(params))
    monkeypatch.setenv("ASN_KINERJA_REFERENCE", str(ref))  # the kernels read the reference from here
    monkeypatch.setattr(config, "REFERENCE_DIR", ref)
    monkeypatch.setattr(reference, "REFERENCE_DIR", ref)
    reference._read.cache_clear()
    yield params, ref
    reference._read.cache_clear()


def test_new_city_writes_its_parameters_and_registers_its_code(registry, capsys):
    params, ref = registry
    assert cli.main(["new-city", "Kota Palu", "--name", "Kota Palu", "--province", "Sulawesi Tengah"]) == 0
    written = yaml.safe_load((params / "palu.yaml").read_text())
    assert written == {"city": "palu", "data_dir": "data/raw/palu", "lang": "id", "seed": 0}
    row = pd.read_csv(ref / "cities.csv").set_index("city").loc["palu"]
    assert row["name"] == "Kota Palu" and row["province"] == "Sulawesi Tengah"
    assert "palu" in config.cities() and config.cities()[:4] == list(config.CITIES)
    assert cli.main(["new-city", "palu"]) == 1  # nothing is overwritten
    assert "sudah dikenal" in capsys.readouterr().err  # the command line speaks Bahasa Indonesia by default


def test_a_city_registered_in_a_running_process_passes_the_data_check_at_once(registry):
    """JupyterLab or a test: the contracts were built before the city was registered; the city rule reads the
    registry when a file is checked (and the reference tables are re-read when their file changes)."""
    from analysis.data import contracts

    assert "city" in [c.name for c in contracts.spec("units").columns]  # the contracts exist already
    rule = contracts.REGISTERED_CITY
    assert rule.fn(pd.Series(["kendari", "palu"])).tolist() == [True, False]
    assert cli.main(["new-city", "palu", "--name", "Kota Palu", "--province", "Sulawesi Tengah"]) == 0
    assert rule.fn(pd.Series(["kendari", "palu", "palo"])).tolist() == [True, True, False]


def test_an_unknown_city_gets_did_you_mean_not_a_python_list(registry, capsys):
    assert cli.main(["new-city", "palu", "--name", "Kota Palu"]) == 0
    assert cli.main(["report", "--city", "palo"]) == 2
    err = capsys.readouterr().err
    assert "Kota tidak dikenal: palo. Maksud Anda palu?" in err and "new-city palo" in err and "[" not in err


def test_the_template_has_no_visit_sheet_to_conflict_with_the_visit_file(tmp_path):
    from openpyxl import load_workbook

    from analysis.data import excel_template

    book = load_workbook(excel_template.write_template(tmp_path / "t.xlsx"))
    assert "service_visits" not in book.sheetnames and "units" in book.sheetnames


@pytest.mark.integration  # builds two cities' effects reports and the cross-city report
def test_a_new_city_is_built_indexed_and_pooled_and_a_failure_or_new_data_hide_its_numbers(
    registry, demo_city, tmp_path
):
    params, _ = registry
    kendari = demo_city("kendari")
    palu = tmp_path / "palu-data"
    shutil.copytree(kendari, palu)
    units = pd.read_csv(palu / "units.csv")
    units["city"] = "palu"  # Kendari's demo data relabelled as a fifth city
    units.to_csv(palu / "units.csv", index=False)
    (params / "kendari.yaml").write_text(f"city: kendari\ndata_dir: {kendari}\nlang: id\nseed: 0\n")
    for other in ("bengkulu", "banda-aceh", "medan"):
        (params / f"{other}.yaml").unlink()  # a two-city build keeps the test short
    assert cli.main(["new-city", "palu", "--name", "Kota Palu", "--data", str(palu)]) == 0
    out = tmp_path / "reports"
    runs = runner.build(None, ("programme_effects",), out_root=out, cross_city=True)
    assert {(r.city, r.status) for r in runs} == {("kendari", "ok"), ("palu", "ok"), ("all", "ok")}
    index = (out / "index.html").read_text()
    assert "Palu" in index and 'href="palu/programme_effects.html"' in index
    pooled = (out / "cross_city.results.json").read_text()
    assert '"palu"' in pooled and '"kendari"' in pooled

    (palu / "units.csv").unlink()  # Palu's next run fails: its units are gone
    runs = runner.build(["palu"], ("programme_effects",), out_root=out, cross_city=False)
    assert [r.status for r in runs] == ["failed"]
    index = (out / "index.html").read_text()
    card = index[index.index("<h2>Palu</h2>") :].split("</section>")[0]
    assert (
        "gagal dibuat" in card and "Median waktu tunggu" not in card and "programme_effects.html" not in card
    )
    assert not (out / "palu" / "programme_effects.results.json").exists()
    assert str(tmp_path) not in index + (out / "runs.json").read_text()  # the reason names no machine path

    later = time.time() + 5
    os.utime(kendari / "rollout.csv", (later, later))  # Kendari's data change after its report
    runner.write_index(out)
    index = (out / "index.html").read_text()
    card = index[index.index("<h2>Kendari</h2>") :].split("</section>")[0]
    assert "data kota berubah" in card and "Median waktu tunggu" not in card
    os.utime(kendari / "rollout.csv", None)


@pytest.mark.integration  # builds two cities' competency reports three times (the second run reuses them all)
def test_a_rerun_with_nothing_changed_runs_nothing_and_changed_data_rerun_only_that_city(
    registry, demo_city, tmp_path
):
    """`report --all` is resumable: a second build whose data, parameters and code did not change runs no
    notebook (the pages stay); a file merely touched is not a change (content hashes, not times); changed data
    rerun that city and the cross-city report, not the other city."""
    params, _ = registry
    bengkulu = tmp_path / "bengkulu-data"
    shutil.copytree(demo_city("bengkulu"), bengkulu)
    (params / "kendari.yaml").write_text(
        f"city: kendari\ndata_dir: {demo_city('kendari')}\nlang: id\nseed: 0\n"
    )
    (params / "bengkulu.yaml").write_text(f"city: bengkulu\ndata_dir: {bengkulu}\nlang: id\nseed: 0\n")
    for other in ("banda-aceh", "medan"):
        (params / f"{other}.yaml").unlink()
    out = tmp_path / "reports"

    def build():
        runs = runner.build(None, ("training_needs",), out_root=out, cross_city=True)
        assert all(r.status == "ok" for r in runs), runner.summary(runs)
        return {(r.city, r.notebook): r.reused for r in runs}

    first = build()
    assert first and not any(first.values())
    page = (out / "kendari" / "training_needs.html").read_text()
    later = time.time() + 5
    os.utime(bengkulu / "units.csv", (later, later))  # touched after the report, not changed
    assert all(build().values())
    assert (out / "kendari" / "training_needs.html").read_text() == page
    assert "data kota berubah" not in (out / "index.html").read_text()  # the report is still current
    units = pd.read_csv(bengkulu / "units.csv")
    units.loc[0, "unit_name"] = "Puskesmas Baru"
    units.to_csv(bengkulu / "units.csv", index=False)
    third = build()
    assert third == {
        ("kendari", "training_needs"): True,
        ("bengkulu", "training_needs"): False,
        ("all", "cross_city"): False,
    }
    assert runner.build(None, ("training_needs",), out_root=out, force=True)[0].reused is False
