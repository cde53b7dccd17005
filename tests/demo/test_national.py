"""The national demo (analysis.demo.national): 514 kab/kota sized as the country's are, each generated with
its own random streams, written as a self-contained folder whose cities validate."""

from __future__ import annotations

import pytest

from analysis.demo import national


def test_the_country_of_514_kab_kota_has_the_real_sizes():
    """domain.md 8.4: median population about 300 thousand, from tens of thousands to millions; 98 of 514 are
    kota; 38 provinces; about 10,000 Puskesmas and 3.4 million regional ASN (measured on seed 2024: 309
    thousand median, 7,892 Puskesmas, 3.0 million staff: the seed cities' scaling, within a third of both)."""
    t = national.registry(514)
    assert len(t) == 514 and t["city"].is_unique and t["name"].is_unique
    assert 250_000 <= t["population"].median() <= 360_000
    assert t["population"].min() < 40_000 and t["population"].max() > 3_000_000
    assert 0.14 <= t["city"].str.startswith("kota").mean() <= 0.24
    assert set(t["province"]) == set(national.PROVINCES)
    assert 6_700 <= t["n_puskesmas"].sum() <= 13_300 and 2.3e6 <= t["n_staff"].sum() <= 4.5e6
    for col, least in national.MINIMUM.items():
        assert (t[col] >= least).all(), col


def test_a_national_demo_folder_validates_with_its_own_registry(tmp_path):
    """Two kab/kota written (data, parameters, reference tables with them added): each city's data pass every
    contract when validated with that folder's reference tables, in a fresh process with
    ASN_KINERJA_REFERENCE set, as the build command the generator prints runs it."""
    import os
    import subprocess
    import sys

    out = national.write(2, tmp_path / "nat", workers=1)
    env = {**os.environ, "ASN_KINERJA_REFERENCE": str(out / "reference"), "ASN_KINERJA_LANG": "en"}
    for city in national.registry(2)["city"]:
        assert (out / "params" / f"{city}.yaml").exists()
        assert f"city: {city}" in (out / "params" / f"{city}.yaml").read_text()
        run = subprocess.run(
            [sys.executable, "-m", "analysis.cli", "validate", str(out / "data" / city), "--lang", "en"],
            capture_output=True,
            text=True,
            env=env,
        )
        assert run.returncode == 0 and "OK: no errors" in run.stdout, run.stdout[-2000:]


@pytest.mark.parametrize("bad", [0, -3])
def test_a_national_demo_needs_at_least_one_city(bad, tmp_path):
    with pytest.raises(ValueError):
        national.registry(bad)
