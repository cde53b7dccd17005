"""Data problems found at ingestion, collected all at once and shown as one table a planner can act on.

Each problem carries its rule and fix twice: in English (``rule``, ``fix``: the code's language, and what the
tests read) and in Bahasa Indonesia (``aturan``, ``perbaikan``), which the command line shows by default to
the planners who fix the files (``asn-kinerja validate --lang en`` for English). A test checks that every
place that makes a problem gives both."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

#: At most this many rows are listed per (file, column, rule); the rest are counted in one more line.
MAX_ROWS_PER_RULE = 20
SAME_FIX_ID = "Perbaikan sama seperti baris di atas"
HEADINGS = {
    "en": {
        "severity": "SEVERITY",
        "file": "FILE",
        "sheet": "SHEET",
        "row": "ROW",
        "column": "COLUMN",
        "value": "VALUE",
        "rule": "RULE / FIX",
    },
    "id": {
        "severity": "TINGKAT",
        "file": "BERKAS",
        "sheet": "LEMBAR",
        "row": "BARIS",
        "column": "KOLOM",
        "value": "NILAI",
        "rule": "ATURAN / PERBAIKAN",
    },
}
SEVERITY_ID = {"error": "galat", "warning": "peringatan"}


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
    aturan: str = ""  # the rule in Bahasa Indonesia
    perbaikan: str = ""  # the fix in Bahasa Indonesia

    def text(self, lang: str = "id") -> tuple[str, str]:
        """(rule, fix) in ``lang``; English when a problem has no Indonesian (a test keeps that from happening)."""
        if lang == "id" and self.aturan:
            return self.aturan, self.perbaikan or self.fix
        return self.rule, self.fix

    def as_dict(self) -> dict:
        return asdict(self)


def show_value(value: object, limit: int = 40) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "(empty)"
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def to_frame(problems: list[Problem], lang: str = "en") -> pd.DataFrame:
    """One row per problem; ``lang="id"`` puts the Indonesian rule and fix in the rule and fix columns."""
    cols = ["severity", "file", "sheet", "row", "column", "value", "rule", "fix"]
    if not problems:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame([p.as_dict() for p in problems])[cols]
    if lang == "id":
        texts = [p.text("id") for p in problems]
        df["rule"] = [t[0] for t in texts]
        df["fix"] = [t[1] for t in texts]
        df["value"] = df["value"].map(_value_id)
    df["row"] = df["row"].astype("Int64")
    return df


def cap_per_rule(problems: list[Problem], limit: int = MAX_ROWS_PER_RULE) -> list[Problem]:
    """Keep the first ``limit`` rows of each (file, sheet, column, rule) and add one line counting the rest."""
    out: list[Problem] = []
    seen: dict[tuple, int] = {}
    aturan: dict[tuple, str] = {}  # the rule in Bahasa Indonesia, from the first row of each key
    for p in problems:
        k = (p.file, p.sheet, p.column, p.rule, p.severity)
        seen[k] = seen.get(k, 0) + 1
        aturan.setdefault(k, p.aturan)
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
                    aturan=aturan[k],
                    perbaikan=SAME_FIX_ID,
                )
            )
    return out


def _value_id(value: str) -> str:
    """The few English words a value cell can hold, in Bahasa Indonesia."""
    text = str(value)
    if text == "(empty)":
        return "(kosong)"
    if text.startswith("... ") and text.endswith(" more rows"):
        return "... " + text[4:-10].replace(",", ".") + " baris lagi"
    return text


def format_table(problems: list[Problem], width: int = 160, lang: str = "id") -> str:
    """A plain-text table: one line per problem, long rule/fix text wrapped under it, in ``lang``."""
    if not problems:
        return "Tidak ada masalah." if lang == "id" else "No problems found."
    df = to_frame(problems, lang)
    df["row"] = df["row"].map(lambda r: "" if pd.isna(r) else str(int(r)))
    if lang == "id":
        df["severity"] = df["severity"].map(SEVERITY_ID)
    head = ["severity", "file", "sheet", "row", "column", "value"]
    names = HEADINGS[lang]
    widths = {c: min(max(len(names[c]), df[c].astype(str).str.len().max()), 40) for c in head}
    lines = ["  ".join(names[c].ljust(widths[c]) for c in head) + "  " + names["rule"]]
    for rec in df.to_dict("records"):
        left = "  ".join(str(rec[c])[: widths[c]].ljust(widths[c]) for c in head)
        lines.append(f"{left}  {rec['rule']}")
        lines.append(" " * len(left) + f"  -> {rec['fix']}")
    n_err = sum(p.severity == "error" for p in problems)
    n_warn = sum(p.severity == "warning" for p in problems)
    if lang == "id":
        lines.append(f"\n{n_err} galat, {n_warn} peringatan.")
    else:
        lines.append(f"\n{n_err} error(s), {n_warn} warning(s).")
    return "\n".join(lines)
