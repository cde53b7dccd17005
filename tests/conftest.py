"""Shared fixtures (a tiny clean city written as CSV, demo data for one city, the shared reference folder) and
the test tiers.

Tiers, all run by `make test`:
- **unit** (`make test-fast`, under a minute): no demo data, no Jupyter kernel, no notebook run;
- **integration**: tests that generate demo data, start kernels or run notebooks (marked here from the fixtures
  they use, or by hand with ``@pytest.mark.integration``);
- **slow**: Monte Carlo studies and full report builds (``@pytest.mark.slow``).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.data import load

os.environ.setdefault("ASN_KINERJA_HMAC_KEY", "test-key-not-secret-" + "0" * 20)  # 40 characters

SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference"

#: The 9 SKM unsur as satisfaction_responses names its columns (PermenPAN-RB 14/2017).
UNSUR = [
    "persyaratan",
    "prosedur",
    "waktu",
    "biaya",
    "produk",
    "kompetensi",
    "perilaku",
    "pengaduan",
    "sarana",
]

NIP_A = "198001152005011001"  # born 1980-01-15, CPNS 2005-01, male, serial 001
NIP_B = "199203042019032002"  # born 1992-03-04, CPNS 2019-03, female, serial 002


def tiny_tables() -> dict[str, pd.DataFrame]:
    """The smallest city that passes every contract (one row or two per table)."""
    unsur = UNSUR
    return {
        "units": pd.DataFrame(
            {
                "unit_id": ["U1", "U2"],
                "city": ["kendari", "kendari"],
                "agency": ["Dinas Kesehatan", "Dinas Kesehatan"],
                "unit_type": ["puskesmas"] * 2,
                "sector": ["health"] * 2,
            }
        ),
        "rollout": pd.DataFrame(
            {"unit_id": ["U1", "U2"], "programme_start": ["2024-01", ""], "cost_idr": ["1000000", ""]}
        ),
        "staff": pd.DataFrame(
            {
                "nip": [NIP_A, NIP_B],
                "nama": ["Budi Santoso", "Siti Aminah"],
                "unit_id": ["U1", "U2"],
                "position_class": ["pengawas", "pelaksana"],
                "grade": ["III/c", "II/b"],
                "education": ["S1", "SLTA"],
                "asn_type": ["PNS", "PNS"],
            }
        ),
        "competency_assessments": pd.DataFrame(
            {
                "nip": [NIP_A, NIP_B],
                "assessed_on": ["2024-03-01"] * 2,
                "competency": ["M.03", "M.03"],
                "level_required": [2, 1],
                "level_assessed": [1, 1],
            }
        ),
        "trainings": pd.DataFrame(
            {
                "nip": [NIP_A],
                "training_code": ["KOM-01"],
                "start": ["2024-05-01"],
                "end": ["2024-05-03"],
                "hours_jp": [24],
                "mode": ["classroom"],
            }
        ),
        "performance": pd.DataFrame(
            {
                "nip": [NIP_A, NIP_B],
                "period": [2024, 2024],
                "results_rating": ["Sesuai ekspektasi", "Di bawah ekspektasi"],
                "behaviour_rating": ["Sesuai ekspektasi", "Sesuai ekspektasi"],
                "predicate": ["Baik", "Butuh Perbaikan"],
            }
        ),
        "service_visits": pd.DataFrame(
            {
                "unit_id": ["U1", "U2"],
                "arrived_at": ["2024-01-02 08:00:00", "2024-01-02 09:00:00"],
                "served_at": ["2024-01-02 08:30:00", ""],
                "completed_at": ["2024-01-02 08:40:00", ""],
                "service_type": ["Poli Umum", "Poli Umum"],
            }
        ),
        "satisfaction_responses": pd.DataFrame(
            {
                "response_id": ["R1", "R2"],
                "unit_id": ["U1", "U2"],
                "surveyed_on": ["2024-02-01", "2024-02-02"],
                **{u: [3, 4] for u in unsur},
            }
        ),
    }


def true_profiles(city_dir: Path) -> tuple[pd.Series, dict]:
    """The demo's true staff profile by keyed staff_id, for staff assessed once (the profile is the one at the
    first assessment: staff assessed again in 2025 may have moved by learning or retest drift), and the truth's
    staff_profiles block."""
    import json

    from analysis.data import pseudonymise

    truth = json.loads((city_dir / "truth.json").read_text())["staff_profiles"]
    nips = pd.read_csv(city_dir / "staff.csv", dtype={"nip": str})["nip"]
    ids = pseudonymise.hash_nips(nips, pseudonymise.load_key()).to_numpy()
    true = pd.Series(truth["membership"], index=ids)
    once = ~pd.Series(truth.get("reassessed", [False] * len(true)), index=ids)
    return true[(true >= 0) & once], truth


def write_city(directory: Path, tables: dict[str, pd.DataFrame]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.to_csv(directory / f"{name}.csv", index=False)
    return directory


@pytest.fixture
def tiny_city(tmp_path: Path) -> Path:
    return write_city(tmp_path / "city", tiny_tables())


@pytest.fixture(scope="session")
def demo_kendari(tmp_path_factory) -> Path:
    """Kendari demo data at the default scale, generated fresh once per test session."""
    from analysis.demo import synth

    out = tmp_path_factory.mktemp("demo") / "kendari"
    synth.write_city("kendari", out)
    return out


@pytest.fixture(scope="session")
def demo_city(tmp_path_factory):
    """city -> folder of its default demo data: data/raw/<city> when `make reports` made it (seed 2024, this
    generator version), else
    generated once per session and shared by every test module."""
    import json

    from analysis import config
    from analysis.demo import synth

    made: dict[str, Path] = {}

    def get(city: str) -> Path:
        if city not in made:
            d = config.RAW_DIR / city
            truth = d / "truth.json"
            current = truth.exists() and json.loads(truth.read_text()).get("generator") == config.DEMO_VERSION
            if not (current and json.loads(truth.read_text()).get("seed") == 2024):
                d = tmp_path_factory.mktemp("demo") / city
                synth.write_city(city, d)
            made[city] = d
        return made[city]

    return get


@pytest.fixture(scope="session")
def shared_reference() -> Path:
    if not (SHARED / "mpdta.csv").exists():
        pytest.skip(f"shared reference data not found at {SHARED} (it lives beside the repo, in ../shared/)")
    return SHARED


def monitored_city(tmp_path, n_stable=10, seed=0):
    """Units U1..Un stable (median wait 30 min, 5% walk-outs); SLOW gets slower by 4 min a month over the last
    6 months; WALK keeps its waits but walk-outs rise to 30% over the last 5 months. 24 months, 60 visits a
    month each; a survey where SURV scores 1-2 on 'waktu' and LOW scores about 2.4 everywhere."""
    rng = np.random.default_rng(seed)
    tables = tiny_tables()
    names = [f"U{i}" for i in range(1, n_stable + 1)] + ["SLOW", "WALK", "SURV", "LOW"]
    tables["units"] = pd.DataFrame(
        {
            "unit_id": names,
            "city": "kendari",
            "agency": "Dinas Kesehatan",
            "unit_type": "puskesmas",
            "sector": "health",
            "unit_name": [f"Puskesmas {n}" for n in names],
        }
    )
    tables["rollout"] = pd.DataFrame({"unit_id": names, "programme_start": "", "cost_idr": ""})
    tables["staff"]["unit_id"] = names[0]
    rows = []
    months = pd.date_range("2023-01-01", periods=24, freq="MS")
    for unit in names[:-2]:
        for i, month in enumerate(months):
            late = max(0, i - 17)  # months 18..23: the last six
            wait = 30 + (4 * late if unit == "SLOW" else 0)
            walk = 0.05 + (0.05 * max(0, i - 18) if unit == "WALK" else 0)
            waits = rng.lognormal(np.log(wait), 0.3, 60)
            served = rng.random(60) >= walk
            arrived = month + pd.Timedelta(days=1, hours=7) + pd.to_timedelta(np.arange(60) * 7, unit="min")
            served_at = pd.Series(arrived + pd.to_timedelta(waits, unit="min")).where(served)
            rows.append(
                pd.DataFrame(
                    {
                        "unit_id": unit,
                        "arrived_at": arrived,
                        "served_at": served_at.to_numpy(),
                        "completed_at": (served_at + pd.Timedelta(minutes=5)).to_numpy(),
                        "service_type": "Poli Umum",
                    }
                )
            )
    log = pd.concat(rows)
    for c in ("arrived_at", "served_at", "completed_at"):
        log[c] = pd.to_datetime(log[c]).dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
    tables["service_visits"] = log
    answers = []
    for unit in names:
        for k in range(120):
            score = {u: int(rng.choice([3, 4], p=[0.6, 0.4])) for u in UNSUR}
            if unit == "SURV":
                score["waktu"] = int(rng.choice([1, 2]))
            if unit == "LOW":
                score = {u: int(rng.choice([2, 3], p=[0.6, 0.4])) for u in UNSUR}
            answers.append(
                {
                    "response_id": f"{unit}-{k}",
                    "unit_id": unit,
                    "surveyed_on": f"2024-{1 + k % 12:02d}-10",
                    **score,
                }
            )
    tables["satisfaction_responses"] = pd.DataFrame(answers)
    return load.load_city(write_city(tmp_path / "city", tables))


#: Fixtures that generate demo data or start Jupyter kernels: a test that uses one is an integration test.
INTEGRATION_FIXTURES = frozenset({"demo_city", "demo_kendari", "probe_notebooks", "built", "small_city"})


def pytest_collection_modifyitems(config, items):
    """Each test gets exactly one tier marker: slow (by hand), integration (by fixture or by hand), else unit."""
    for item in items:
        if item.get_closest_marker("slow"):
            continue
        if (
            item.get_closest_marker("integration")
            or item.get_closest_marker("spark")  # a Spark session starts a JVM: not for the minute-long tier
            or INTEGRATION_FIXTURES & set(item.fixturenames)
        ):
            item.add_marker(pytest.mark.integration)
        else:
            item.add_marker(pytest.mark.unit)
