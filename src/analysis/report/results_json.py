"""results.json: the numbers a report shows, written next to its page (no NaN, JSON-safe types), and read back
by the index and the cross-city report. The schema is documented in docs/results.md."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pandas as pd


# ---------------------------------------------------------------------------------------------- results and provenance
def write_results(path: str | Path, results: dict) -> Path:
    """results.json: the headline numbers a notebook shows, for the index page and other tools."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(_no_nan(results), indent=1, sort_keys=True, default=_jsonable) + "\n", encoding="utf-8"
    )
    return path


def _no_nan(value):
    """JSON has no NaN: missing numbers become null."""
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_no_nan(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    return value


def _jsonable(value):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    return str(value)


# ---------------------------------------------------------------------------------------------- index page
def load_results(out_root: Path) -> dict[str, dict[str, dict]]:
    """{city: {notebook: results}} from reports/<city>/<notebook>.results.json."""
    found: dict[str, dict[str, dict]] = {}
    for path in sorted(Path(out_root).glob("*/*.results.json")):
        found.setdefault(path.parent.name, {})[path.name.removesuffix(".results.json")] = json.loads(
            path.read_text()
        )
    return found
