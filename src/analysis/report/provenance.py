"""Provenance of a report: data file hashes, parameters, software versions, git commit and run time."""

from __future__ import annotations

import json
import platform
import subprocess
import time
from datetime import UTC, datetime
from importlib import metadata

import pandas as pd

from analysis import __version__
from analysis.config import REPO_ROOT

SOFTWARE = (
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "scikit-learn",
    "csdid",
    "duckdb",
    "pandera",
    "papermill",
    "nbconvert",
    "matplotlib",
    "seaborn",
)


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
        )
        dirty = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        return out.stdout.strip() + ("+changes" if dirty else "") if out.returncode == 0 else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance(files: dict[str, str], params: dict, started: float) -> pd.DataFrame:
    """Data files with SHA-256, parameters, package version and git commit, run time, software versions."""
    rows = [("data file", name, digest) for name, digest in sorted(files.items())]
    rows += [("parameter", k, json.dumps(v, default=str)) for k, v in params.items()]
    rows += [
        ("asn-kinerja", "version", __version__),
        ("asn-kinerja", "git commit", git_commit()),
        ("run", "finished (UTC)", datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")),
        ("run", "seconds", round(time.perf_counter() - started, 1)),
        ("software", "python", platform.python_version()),
    ]
    for pkg in SOFTWARE:
        try:
            rows.append(("software", pkg, metadata.version(pkg)))
        except metadata.PackageNotFoundError:
            continue
    return pd.DataFrame(rows, columns=["what", "name", "value"])
