"""Read the small reference tables in data/reference/ (rules and code lists, each citing its regulation)."""

from __future__ import annotations

from functools import cache

import pandas as pd
import yaml

from .config import REFERENCE_DIR


@cache
def table(name: str) -> pd.DataFrame:
    """One reference CSV by stem, e.g. ``table("skp_matrix")``. Cached: the files are small and read-only."""
    path = REFERENCE_DIR / f"{name}.csv"
    return pd.read_csv(path, dtype={"competency": str}, keep_default_na=False, na_values=[""])


@cache
def codes() -> dict:
    """Allowed codes for categorical columns (``codes.yaml``)."""
    with open(REFERENCE_DIR / "codes.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def allowed(kind: str) -> list[str]:
    """The allowed values of one code list, e.g. ``allowed("sex") == ["L", "P"]``."""
    values = codes()[kind]
    return list(values) if isinstance(values, dict) else list(values)


def unsur() -> list[str]:
    """The 9 SKM unsur column names in Lampiran order (PermenPAN-RB 14/2017); stored by name, never position."""
    return table("ikm_unsur")["unsur"].tolist()


def competencies() -> list[str]:
    """Competency codes M.01-M.08 and SK.01 (PermenPAN-RB 38/2017)."""
    return table("competencies")["competency"].tolist()


def position_classes() -> list[str]:
    return table("required_levels")["position_class"].drop_duplicates().tolist()


def unit_types() -> list[str]:
    return table("unit_types")["unit_type"].tolist()


def sectors() -> list[str]:
    return table("unit_types")["sector"].drop_duplicates().tolist()


def cities() -> pd.DataFrame:
    return table("cities").set_index("city")


def skp_predicate_lookup() -> dict[tuple[str, str], str]:
    """(results_rating, behaviour_rating) -> predicate, per the PermenPAN-RB 6/2022 matrix."""
    m = table("skp_matrix")
    return {
        (r, b): p
        for r, b, p in m[["results_rating", "behaviour_rating", "predicate"]].itertuples(index=False)
    }
