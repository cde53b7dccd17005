"""The report notebooks run under plain papermill with a city's parameters, in both languages."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill as pm
import pytest
import yaml

from analysis import config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_dir(demo_city):
    return demo_city("banda-aceh")


def run(notebook: str, tmp_path: Path, **params) -> nbformat.NotebookNode:
    out = tmp_path / f"{notebook}.ipynb"
    pm.execute_notebook(
        str(ROOT / "notebooks" / f"{notebook}.ipynb"),
        str(out),
        parameters=params,
        cwd=str(ROOT),
        progress_bar=False,
        kernel_name="python3",
    )
    return nbformat.read(out, as_version=4)


def text_of(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            parts.append(data.get("text/markdown", "") + data.get("text/html", "") + o.get("text", ""))
    return "\n".join(parts)


def test_city_params_are_report_notebook_parameters():
    """Every name in a city's YAML is a parameter of a report notebook (the runner passes each notebook its own);
    the names every notebook shares are in every city's YAML."""
    names = [
        set(pm.inspect_notebook(str(ROOT / "notebooks" / f"{nb}.ipynb")))
        for nb in ("programme_effects", "training_needs")
    ]
    for f in (ROOT / "notebooks" / "params").glob("*.yaml"):
        given = set(yaml.safe_load(f.read_text()))
        assert given <= names[0] | names[1], f.name
        assert {"city", "data_dir", "lang"} <= given, f.name


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["id", "en"])
def test_effects_notebook_runs_and_reports_the_estimate(tmp_path, demo_dir, lang):
    nb = run("programme_effects", tmp_path, city="banda-aceh", data_dir=str(demo_dir), n_boot=50, lang=lang)
    text = text_of(nb)
    figures = [
        o["data"]["image/svg+xml"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if "image/svg+xml" in o.get("data", {})
    ]
    assert len(figures) >= 7
    # text stays text in the SVG (sharp on a phone, in the report language): the axis label is readable
    label = {"id": "Bulan", "en": "Month"}[lang]
    assert any(f">{label}</text>" in f for f in figures)
    heading = {"id": "Temuan utama", "en": "Headline effects"}[lang]
    assert heading in text
    truth = json.loads((demo_dir / "truth.json").read_text())
    assert (
        truth["imperfection"]["scenario"]["anticipation"] == 2
    )  # the report must flag it (not set in params)
    verdict = {"id": "rapuh", "en": "fragile"}[lang]
    hint = {"id": "setel `anticipation`", "en": "set `anticipation`"}[lang]
    assert verdict in text and hint in text


@pytest.mark.slow
@pytest.mark.parametrize("city", config.CITIES)
def test_competency_notebook_runs_for_every_demo_city(tmp_path, demo_city, city):
    d = demo_city(city)
    params = yaml.safe_load((ROOT / "notebooks" / "params" / f"{city}.yaml").read_text())
    nb = run("training_needs", tmp_path, **{**params, "data_dir": str(d), "n_boot": 10})
    text = text_of(nb)
    assert "Rencana pelatihan" in text and "memenuhi standar" in text
    truth = json.loads((d / "truth.json").read_text())["staff_profiles"]
    n_assessed = len(truth["membership"]) - truth["membership"].count(-1)
    assert f"{n_assessed:,}".replace(",", ".") + " pegawai dinilai" in text  # 4.674: Indonesian grouping


@pytest.mark.slow
def test_plain_papermill_command_line_with_the_city_parameter_file(tmp_path, demo_city):
    """What the README tells researchers to type (data_dir pointed at this session's demo data)."""
    import subprocess
    import sys

    out = tmp_path / "out.ipynb"
    papermill = Path(sys.executable).parent / "papermill"
    subprocess.run(
        [
            str(papermill),
            "notebooks/training_needs.ipynb",
            str(out),
            "-f",
            "notebooks/params/kendari.yaml",
            "-p",
            "data_dir",
            str(demo_city("kendari")),
            "-p",
            "n_boot",
            "5",
            "--no-progress-bar",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    assert "Rencana pelatihan" in text_of(nbformat.read(out, as_version=4))
