"""Report parameters are checked before anything runs: every error the planners' trials found stops its
notebook with a message naming the parameter, the allowed values and the closest one, in the report's
language; the defaults and the seed cities' parameters pass."""

from __future__ import annotations

from pathlib import Path

import papermill as pm
import pytest
import yaml

from analysis.config import CITY_NOTEBOOKS, CROSS_CITY, NOTEBOOKS_DIR
from analysis.methods import evaluation
from analysis.report import parameters, runner
from analysis.report.catalogue import TEXT

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("notebook", "params", "expected"),
    [
        (
            "programme_effects",
            {"control": "nevertreated"},
            ["control = nevertreated", "not_yet_treated, never_treated", "Maksud Anda never_treated?"],
        ),
        (
            "programme_effects",
            {"outcomes": ["median_wait"]},
            ["outcomes = median_wait", "Maksud Anda median_wait_minutes?"],
        ),
        ("programme_effects", {"outcomes": ["visits"]}, ["outcomes = visits tidak dikenal", "walkout_rate"]),
        ("programme_effects", {"outcomes": "ikm"}, ["outcomes harus berupa daftar"]),
        ("programme_effects", {"alpha": 5}, ["alpha = 5 harus antara 0.001 dan 0.2"]),
        ("programme_effects", {"anticipation": 1.5}, ["anticipation harus bilangan bulat"]),
        ("programme_effects", {"estimator": "imputaton"}, ["Maksud Anda imputation?"]),
        ("training_needs", {"k_range": [5, 2]}, ["k_range harus dua bilangan bulat"]),
        ("training_needs", {"required_source": "recorder"}, ["Maksud Anda recorded?"]),
        ("monitoring", {"months": 6}, ["months = 6 harus antara 12 dan 120"]),
        ("monitoring", {"outage_share": "30%"}, ["outage_share harus berupa angka"]),
        ("cross_city", {"lang": "fr"}, ["lang = fr tidak dikenal; pilihannya: id, en."]),
    ],
)
def test_each_wrong_value_is_named_with_the_allowed_ones(notebook, params, expected):
    with pytest.raises(parameters.ParameterError) as err:
        parameters.check(notebook, params)
    message = str(err.value)
    assert message.startswith(f"Parameter laporan {notebook} tidak dapat dipakai:")
    for part in expected:
        assert part in message, message


def test_every_wrong_value_at_once_and_in_english():
    found = parameters.problems("programme_effects", {"control": "x", "alpha": 0, "lang": "en"}, "en")
    assert len(found) == 2 and found[0].startswith("control = x is not known; the choices:")
    assert "alpha = 0 must lie between 0.001 and 0.2." in found[1]


def test_the_defaults_and_the_seed_cities_parameters_pass():
    for notebook in (*CITY_NOTEBOOKS, CROSS_CITY):
        defaults = {
            name: eval(p["default"])  # noqa: S307 - the notebook's own literal defaults
            for name, p in pm.inspect_notebook(NOTEBOOKS_DIR / f"{notebook}.ipynb").items()
        }
        assert parameters.problems(notebook, defaults) == [], notebook
        for path in sorted((NOTEBOOKS_DIR / "params").glob("*.yaml")):
            assert parameters.problems(notebook, yaml.safe_load(path.read_text())) == [], (notebook, path)


def test_every_outcome_allowed_has_a_label_a_unit_and_a_meaningful_effect():
    """An outcome the parameters accept must not crash the report (``outcomes: [visits]`` once raised a KeyError
    from the catalogue): each has its label and unit in the catalogue (both languages: the catalogue test) and a
    smallest effect worth knowing."""
    import pandas as pd

    meaningful = set(pd.read_csv(ROOT / "data" / "reference" / "meaningful_effects.csv")["outcome"])
    for outcome in evaluation.OUTCOMES:
        assert f"outcome.{outcome}" in TEXT and f"unit.{outcome}" in TEXT, outcome
        assert outcome in meaningful, outcome


def test_the_runner_refuses_before_starting_a_kernel(tmp_path):
    run = runner.run_one(
        "kendari",
        "programme_effects",
        {**runner.city_params("kendari"), "control": "nevertreated"},
        tmp_path,
        60,
    )
    assert run.status == "failed" and "ParameterError" in run.error and "never_treated" in run.error
    assert run.seconds < 5  # no kernel was started
    assert not (tmp_path / "kendari" / "programme_effects.html").exists()


@pytest.mark.integration  # starts a kernel
def test_plain_papermill_stops_at_the_first_cell_with_the_same_message(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as err:
        pm.execute_notebook(
            str(NOTEBOOKS_DIR / "monitoring.ipynb"),
            str(tmp_path / "out.ipynb"),
            parameters={"months": 6, "lang": "en"},
            progress_bar=False,
            cwd=str(ROOT),
        )
    assert (
        err.value.ename == "ParameterError" and "months = 6 must lie between 12 and 120" in err.value.evalue
    )
