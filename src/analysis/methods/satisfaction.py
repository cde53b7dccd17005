"""IKM (Indeks Kepuasan Masyarakat) exactly per PermenPAN-RB 14/2017 (Lampiran), and SKM sample sizes.

NRR per unsur = mean score of the respondents who answered that unsur; IKM = sum of NRR x weight with the exact
weight 1/9 (no intermediate rounding), converted to 25-100 by x 25. Mutu bands are half-open on the unrounded
value: D < 65.00 <= C < 76.61 <= B < 88.31 <= A (band edges in data/reference/ikm_bands.csv).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.data import reference


def mutu(ikm_25_100: float | pd.Series) -> str | pd.Series:
    """Service quality letter A-D for an unrounded IKM on the 25-100 scale (half-open bands)."""
    bands = reference.table("ikm_bands").sort_values("lower")
    edges = bands["lower"].to_numpy()[1:]
    letters = bands["mutu"].to_numpy()
    if isinstance(ikm_25_100, pd.Series):
        idx = np.searchsorted(edges, ikm_25_100.to_numpy(float), side="right")
        out = pd.Series(letters[idx], index=ikm_25_100.index)
        return out.where(ikm_25_100.notna())
    return str(letters[np.searchsorted(edges, float(ikm_25_100), side="right")])


def kinerja(mutu_letter: str | pd.Series, lang: str = "id") -> str | pd.Series:
    """The performance label of a mutu letter: Sangat Baik / Baik / Kurang Baik / Tidak Baik."""
    labels = reference.table("ikm_bands").set_index("mutu")[f"kinerja_{lang}"]
    return mutu_letter.map(labels) if isinstance(mutu_letter, pd.Series) else labels[mutu_letter]


def ikm(
    responses: pd.DataFrame, by: list[str] | str | None = None, weights: dict[str, float] | None = None
) -> pd.DataFrame:
    """The Indeks Kepuasan Masyarakat per group (PermenPAN-RB 14/2017): each unsur's mean (NRR), their weighted
    mean on 1-4, x 25 on 25-100, the quality band and the weakest unsur.

    Parameters
    ----------
    responses : pandas.DataFrame
        One row per questionnaire, one column per unsur (named as in ``data/reference/ikm_unsur.csv``), scored
        1-4.
    by : str or list of str, optional
        Grouping columns (e.g. ``["unit_id", "quarter"]``); the whole table when None.
    weights : dict, optional
        Unsur -> weight; they must sum to 1 (equal weights by default, per the Lampiran).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``n``, the NRR per unsur, ``ikm_1_4``, ``ikm`` (25-100), ``mutu``, ``kinerja`` and
        the weakest unsur.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.data import reference
    >>> unsur = reference.table("ikm_unsur")["unsur"].tolist()
    >>> float(ikm(pd.DataFrame([dict.fromkeys(unsur, 3)]))["ikm"].iloc[0])
    75.0
    """
    unsur = reference.unsur()
    w = pd.Series(weights) if weights else reference.table("ikm_unsur").set_index("unsur")["weight"]
    w = w.reindex(unsur).fillna(0.0)
    if not math.isclose(w.sum(), 1.0, abs_tol=1e-9):
        raise ValueError(f"unsur weights must sum to 1 (PermenPAN-RB 14/2017); they sum to {w.sum():.6f}")
    by = [by] if isinstance(by, str) else list(by or [])
    scores = responses[unsur].astype("float64")
    keys = [responses[b] for b in by] if by else [pd.Series(0, index=responses.index)]
    grouped = scores.groupby(keys, dropna=False)
    nrr = grouped.mean()
    out = pd.DataFrame({"n": grouped.size()})
    out[unsur] = nrr
    out["ikm_1_4"] = (nrr * w).sum(axis=1, min_count=1)
    out["ikm"] = out["ikm_1_4"] * 25.0
    out["mutu"] = mutu(out["ikm"])
    out["kinerja"] = kinerja(out["mutu"])
    out["weakest_unsur"] = nrr.idxmin(axis=1)
    out = out.reset_index()
    if not by:
        out = out.drop(
            columns=[
                c
                for c in out.columns
                if c not in ["n", *unsur, "ikm_1_4", "ikm", "mutu", "kinerja", "weakest_unsur"]
            ]
        )
    else:
        out.columns = [*by, *out.columns[len(by) :]]
    return out


def krejcie_morgan(population: int | float, chi2: float = 3.841, p: float = 0.5, d: float = 0.05) -> int:
    """Minimum SKM sample for N service users (Krejcie & Morgan 1970, required by PermenPAN-RB 14/2017)."""
    n = float(population)
    if n <= 0:
        return 0
    s = chi2 * n * p * (1 - p) / (d * d * (n - 1) + chi2 * p * (1 - p))
    return int(math.floor(s + 0.5))


def sample_adequacy(ikm_table: pd.DataFrame, users: pd.Series) -> pd.DataFrame:
    """Add the Krejcie-Morgan minimum per row (``users`` = service users in the survey period, aligned) and a
    flag when the survey fell short of it."""
    out = ikm_table.copy()
    out["service_users"] = users.to_numpy()
    out["km_minimum"] = [krejcie_morgan(u) if pd.notna(u) else pd.NA for u in out["service_users"]]
    out["below_minimum"] = out["n"] < pd.to_numeric(out["km_minimum"])
    return out
