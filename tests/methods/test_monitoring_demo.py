"""On the demo data (known truth, truth.json ``monitoring``): the units the generator makes deteriorate in the
last months are all listed for what went wrong, few units that need nothing are listed, and the survey flags
name only units whose IKM is truly low (synth.DETERIORATION)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import config
from analysis.data import load
from analysis.methods import monitoring


@pytest.fixture(scope="module", params=config.CITIES)
def monitored(request, demo_city):
    d = demo_city(request.param)
    truth = json.loads((d / "truth.json").read_text())["monitoring"]
    return monitoring.monitor_city(load.load_city(d)), truth


def test_every_planted_deterioration_is_found_for_what_it_is(monitored):
    """3 slowing units, 1 rising walk-out rate and 1 collapsed unsur per city: all 20 of the four cities are
    listed with the planted reason (measured: 20 of 20), and the slowdowns since a month of the last four."""
    mon, truth = monitored
    listed = mon.attention().set_index("unit_id")
    for p in truth["planted"]:
        assert p["unit_id"] in listed.index, p
        assert p["reason"] in listed.at[p["unit_id"], "reasons"], (p, listed.at[p["unit_id"], "reasons"])
        since = listed.at[p["unit_id"], "since"][p["reason"]]
        if p["reason"] != "unsur_low":  # charts: the signal starts within the planted months (or just before)
            assert since >= mon.last_month - pd.DateOffset(months=5), (p, since)


def test_units_that_need_nothing_are_rarely_listed(monitored):
    """Units with no true reason (no planted deterioration, true IKM Baik or better, true weakest unsur above
    band D, true median within the standard in some month): at most 5% of them are listed (measured: Kendari 2 of
    61, Bengkulu 1 of 71, Banda Aceh 1 of 86, Medan 4 of 161: 8 of 379, 2.1%, all by a chart signal)."""
    mon, truth = monitored
    listed = set(mon.attention()["unit_id"])
    fine = [u for u, reasons in truth["true_status"].items() if not reasons]
    wrongly = [u for u in fine if u in listed]
    assert len(fine) >= 50
    assert len(wrongly) / len(fine) <= 0.05, wrongly


def test_survey_and_standard_flags_name_only_units_that_truly_have_them(monitored):
    """A unit listed for a low IKM or for missing its standard truly has it (measured: every one of 84 ikm_low
    and 8 misses_standard flags in the four cities). Sensitivity is lower, on purpose: a unit whose IKM is only
    a little under Baik is not confidently below it with four quarters' answers (measured: 84 of 122 truly low units flagged in the four cities, Kendari 18 of 27)."""
    mon, truth = monitored
    for reason in ("ikm_low", "misses_standard"):
        flagged = [r.unit_id for r in mon.attention().itertuples() if reason in r.reasons]
        wrong = [u for u in flagged if reason not in truth["true_status"].get(u, [])]
        assert not wrong, (reason, wrong)
