"""Data problems found at ingestion, collected all at once and shown as one table a planner can act on."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

#: At most this many rows are listed per (file, column, rule); the rest are counted in one more line.
MAX_ROWS_PER_RULE = 20


@dataclass(frozen=True)
class Problem:
    file: str
    rule: str
    fix: str
    sheet: str = ""
    row: int | None = None  # spreadsheet row: the header is row 1, the first record row 2
    column: str = ""
    value: str = ""
    severity: str = "error"  # error | warning

    def as_dict(self) -> dict:
        return asdict(self)


def show_value(value: object, limit: int = 40) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "(empty)"
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def to_frame(problems: list[Problem]) -> pd.DataFrame:
    cols = ["severity", "file", "sheet", "row", "column", "value", "rule", "fix"]
    if not problems:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame([p.as_dict() for p in problems])[cols]
    df["row"] = df["row"].astype("Int64")
    return df


def cap_per_rule(problems: list[Problem], limit: int = MAX_ROWS_PER_RULE) -> list[Problem]:
    """Keep the first ``limit`` rows of each (file, sheet, column, rule) and add one line counting the rest."""
    out: list[Problem] = []
    seen: dict[tuple, int] = {}
    for p in problems:
        k = (p.file, p.sheet, p.column, p.rule, p.severity)
        seen[k] = seen.get(k, 0) + 1
        if seen[k] <= limit:
            out.append(p)
    for k, n in seen.items():
        if n > limit:
            file, sheet, column, rule, severity = k
            out.append(
                Problem(
                    file=file,
                    sheet=sheet,
                    column=column,
                    rule=rule,
                    severity=severity,
                    value=f"... {n - limit:,} more rows",
                    fix="Same fix as the rows above",
                )
            )
    return out


def format_table(problems: list[Problem], width: int = 160) -> str:
    """A plain-text table: one line per problem, long rule/fix text wrapped under it."""
    if not problems:
        return "No problems found."
    df = to_frame(problems)
    df["row"] = df["row"].map(lambda r: "" if pd.isna(r) else str(int(r)))
    head = ["severity", "file", "sheet", "row", "column", "value"]
    widths = {c: min(max(len(c), df[c].astype(str).str.len().max()), 40) for c in head}
    lines = ["  ".join(c.upper().ljust(widths[c]) for c in head) + "  RULE / FIX"]
    for rec in df.to_dict("records"):
        left = "  ".join(str(rec[c])[: widths[c]].ljust(widths[c]) for c in head)
        lines.append(f"{left}  {rec['rule']}")
        lines.append(" " * len(left) + f"  -> {rec['fix']}")
    n_err = int((df["severity"] == "error").sum())
    n_warn = int((df["severity"] == "warning").sum())
    lines.append(f"\n{n_err} error(s), {n_warn} warning(s).")
    return "\n".join(lines)
