"""Small-cell suppression for everything published (UU 27/2022 PDP: aggregates only).

A count under ``min_cell`` (default 10 staff) could point at identifiable people, so it is replaced by a
marker, and so are figures derived from the same people (JP, cost) in that row. When a table shows row
totals, one suppressed cell could be recovered by subtraction: the next smallest cell in the row is then
suppressed too (complementary suppression).
"""

from __future__ import annotations

import pandas as pd

MIN_CELL = 10
MARK = "<{min_cell}"


def suppress_rows(
    table: pd.DataFrame, count: str, dependent: tuple[str, ...] = (), min_cell: int = MIN_CELL
) -> tuple[pd.DataFrame, int]:
    """Long tables: blank ``count`` and ``dependent`` columns in rows whose count is between 1 and min_cell-1."""
    out = table.copy().astype({c: object for c in (count, *dependent)})
    small = (table[count] > 0) & (table[count] < min_cell)
    out.loc[small, [count, *dependent]] = MARK.format(min_cell=min_cell)
    return out, int(small.sum())


def suppress_crosstab(
    table: pd.DataFrame, min_cell: int = MIN_CELL, totals: bool = True
) -> tuple[pd.DataFrame, int]:
    """Wide count tables (rows x columns): primary suppression of small cells plus, when ``totals`` are
    published, complementary suppression so no single hidden cell can be recovered from its row total."""
    counts = table.copy()
    hide = (counts > 0) & (counts < min_cell)
    if totals:
        for idx, row in hide.iterrows():
            if row.sum() == 1:
                others = counts.loc[idx][~row & (counts.loc[idx] > 0)]
                if not others.empty:
                    hide.loc[idx, others.idxmin()] = True
    out = counts.astype(object).mask(hide, MARK.format(min_cell=min_cell))
    if totals:
        total = counts.sum(axis=1)
        out["total"] = total.astype(object).mask(total < min_cell, MARK.format(min_cell=min_cell))
    return out, int(hide.to_numpy().sum())
