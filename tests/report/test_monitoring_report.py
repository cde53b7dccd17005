"""The monitoring page's tables and results.json: the list of units needing attention first, in the reader's
language, and results.json with reason codes. Units only: no staff count on the page."""

from __future__ import annotations

import json

import pytest
from conftest import monitored_city

from analysis.methods import monitoring
from analysis.report import monitoring as report

pytestmark = pytest.mark.integration  # a 14-unit city with 24 months of visits


@pytest.fixture(scope="module")
def mon(tmp_path_factory):
    return monitoring.monitor_city(monitored_city(tmp_path_factory.mktemp("mon")))


@pytest.mark.parametrize(("lang", "words"), [("id", "unit perlu perhatian"), ("en", "units need attention")])
def test_attention_comes_first_in_the_readers_language(mon, lang, words):
    table = report.attention_table(mon, lang)
    assert set(table["unit"]) == {"Puskesmas LOW", "Puskesmas SLOW", "Puskesmas WALK", "Puskesmas SURV"}
    problems = table["what_is_wrong"].str.count(";")  # units with more problems come first
    assert problems.is_monotonic_decreasing and table["unit"].iloc[-1] == "Puskesmas SURV"
    surv = table.set_index("unit").loc["Puskesmas SURV"]
    assert ("Waktu" if lang == "id" else "time") in surv["what_is_wrong"]  # the weakest element named
    assert surv["since"] == "2024-01" and surv["follow_up"]
    sentence = report.summary_sentence(mon, lang)
    assert sentence.startswith(f"**4 {words}") and "2024-12" in sentence


def test_results_json_lists_codes_and_latest_values(mon):
    res = json.loads(json.dumps(report.results(mon, demo=False, lang="en")))
    att = {u["unit_id"]: u for u in res["units_needing_attention"]}
    assert set(att) == {"SLOW", "WALK", "SURV", "LOW"}
    assert set(att["LOW"]["reasons"]) == {"ikm_low", "unsur_low"} and att["SURV"]["since"] == {
        "unsur_low": "2024-01"
    }
    assert all(set(u["reasons"]) <= set(monitoring.REASONS) for u in att.values())
    units = {u["unit_id"]: u for u in res["units"]}
    assert units["U1"]["wait_assurance"] == "consistent_pass" and units["U1"]["standard_minutes"] == 60
    assert units["SURV"]["weakest_unsur"] == "waktu" and 1 <= units["SURV"]["weakest_score"] < 2.6
    assert res["last_month"] == "2024-12" and res["parameters"]["months"] == monitoring.MONTHS


def test_agency_view_counts_units_not_people(mon):
    table = report.agency_table(mon)
    assert table.to_dict("records") == [
        {"agency": "Dinas Kesehatan", "units_monitored": 14, "attention": 4, "attention_share": 4 / 14}
    ]


def test_answers_per_unsur_weakest_first(mon):
    table = report.answers_table(mon, "id")
    assert table["unsur_name"].iloc[0] == report.unsur_name("waktu", "id")  # SURV's collapse shows city-wide
    assert table["score"].is_monotonic_increasing and (table["answers"] > 0).all()
    assert table.filter(like="answer_").columns.tolist() == ["answer_1", "answer_2", "answer_3", "answer_4"]
