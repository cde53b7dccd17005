"""Paths and names used everywhere, in one place (cookiecutter-data-science style)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = Path(os.environ.get("ASN_KINERJA_ROOT", PACKAGE_DIR.parents[1]))
DATA_DIR = REPO_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
REFERENCE_DIR = Path(os.environ.get("ASN_KINERJA_REFERENCE", DATA_DIR / "reference"))
REPORTS_DIR = REPO_ROOT / "reports"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"

#: The report notebooks of a city (notebooks/<name>.ipynb -> reports/<city>/<name>.html), and the one across cities.
CITY_NOTEBOOKS = ("programme_effects", "training_needs", "monitoring")
CROSS_CITY = "cross_city"

#: City slugs (folder names under data/raw/) of the four seed cities.
CITIES = ("kendari", "bengkulu", "banda-aceh", "medan")

#: Environment variable and file holding the pseudonymisation key (never committed).
KEY_ENV = "ASN_KINERJA_HMAC_KEY"
KEY_FILE = Path(os.environ.get("ASN_KINERJA_KEY_FILE", REPO_ROOT / ".asn-kinerja-key"))

#: The first month of the demo data and its length.
DEMO_START = "2023-01"
DEMO_MONTHS = 36
#: Version of the demo-data generator, written into truth.json: `demo-data --if-missing` regenerates a city
#: whose data came from another version (2: each seed city has one realistic imperfection; 3: units name their
#: kecamatan, a cluster level; 4: a few units deteriorate in the last months, for the monitoring report; 5: half
#: the staff are assessed again in 2025, with a known learning effect per programme mode; 6: SKP 2020-2025 with a
#: small true training effect and an Ashenfelter dip before the first programme).
DEMO_VERSION = 6


def params_dir() -> Path:
    """Where each city's report parameters live (``<city>.yaml``); ``ASN_KINERJA_PARAMS_DIR`` moves it (tests)."""
    return Path(os.environ.get("ASN_KINERJA_PARAMS_DIR", NOTEBOOKS_DIR / "params"))


def cities() -> list[str]:
    """Every city with a parameters file: the four seed cities first, then the others by name. A city is added
    by its file (``asn-kinerja new-city``), without code."""
    found = sorted(p.stem for p in params_dir().glob("*.yaml"))
    return [c for c in CITIES if c in found] + [c for c in found if c not in CITIES]


def resolve(path: str | Path) -> Path:
    """A path as given, or relative to the repository root: notebooks run from the root (papermill, make)
    and from notebooks/ (JupyterLab), and a parameter like ``data/raw/kendari`` must work in both."""
    p = Path(path)
    if p.is_absolute() or p.exists():
        return p
    return REPO_ROOT / p
