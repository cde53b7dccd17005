"""Tables as published: headers and coded values in the reader's language, numbers in its style, no row index,
words aligned left and numbers right."""

from __future__ import annotations

import html
import numbers
import re
import string

from analysis.data.reference import competency_names
from analysis.methods import monitoring, talent, training
from analysis.report.catalogue import TEXT
from analysis.report.i18n import HEADING, competency_label, msg, number

#: Columns whose values are codes, shown through the catalogue as ``<prefix>.<code>`` (spaces as underscores).
CODED_COLUMNS = {"sector": "sector", "band": "band", "mode": "mode", "verdict": "verdict", "what": "what"}
#: Placeholders a column header may use: the constants it names (so a header follows a changed rule).
HEADER_FIELDS = {
    "jp_per_year": training.JP_PER_YEAR,
    "recognition_boxes": f"{min(talent.RECOGNITION_BOXES)}-{max(talent.RECOGNITION_BOXES)}",
    "coaching_boxes": f"{min(talent.COACHING_BOXES)}-{max(talent.COACHING_BOXES)}",
    "unsur_quarters": monitoring.UNSUR_QUARTERS,
}
#: Columns of years (and other labels that are numbers): written as they are, never grouped (2024, not 2.024).
AS_WRITTEN = frozenset({"year", "box", "wave"})


def localise(table, lang: str = "id"):
    """A table as published: column headers from the catalogue (``col.<column>``) and coded values (sector, band,
    training mode, verdict, provenance kind) in ``lang``. Columns without an entry hold data values (agency
    and group names, SKP predicates, 9-box numbers) and keep them."""
    out = table.copy()
    if "competency" in out.columns:  # 'Pelayanan Publik (M.05)': the name a reader knows, the standard's code
        names = competency_names(lang)
        out["competency"] = out["competency"].map(
            lambda c: f"{names[c]} ({c})" if c in names.index else competency_label(c, lang)
        )
    for column, prefix in CODED_COLUMNS.items():
        if column in out.columns:
            out[column] = out[column].map(
                lambda v, p=prefix: (
                    msg(f"{p}.{v}".replace(" ", "_"), lang)
                    if isinstance(v, str) and f"{p}.{v}".replace(" ", "_") in TEXT
                    else v
                )
            )
    return out.rename(
        columns=lambda c: (
            msg(f"col.{c}", lang, **HEADER_FIELDS) if isinstance(c, str) and _plain_header(c) else c
        )
    )


def _plain_header(column: str) -> bool:
    """A column with a catalogue header whose placeholders are all constants (not, e.g., the CI's level)."""
    text = TEXT.get(f"col.{column}")
    if text is None:
        return False
    return all(f is None or f in HEADER_FIELDS for _, f, _, _ in string.Formatter().parse(text))


def cell(value, lang: str = "id"):
    """A table cell as published: integers grouped in ``lang``'s style (``12.719`` / ``12,719``), other numbers
    with two decimals (``0,50`` / ``0.50``). Anything else is shown as it is."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value != value:
        return value
    if isinstance(value, numbers.Integral):
        return number(value, lang)
    return number(value, lang, 2)


_NUMBER_LIKE = re.compile(r"[-+<>=.,%()\d\s]+")  # 12, <10, -13,39 .. -4,21, 2,0 - 9,0 (6,2)


def text_columns(table) -> list:
    """Columns that hold words (names, notes, labels), which read best aligned left; numbers, suppressed counts
    ('<10') and intervals stay aligned right, under each other."""
    out = []
    for column in table.columns:
        values = table[column].dropna()
        values = values[
            values.map(lambda v: not (isinstance(v, str) and not v.strip()))
        ]  # blanks say nothing
        words = values.map(lambda v: isinstance(v, str) and not _NUMBER_LIKE.fullmatch(v))
        if len(values) and words.mean() > 0.5:
            out.append(column)
    return out


#: A table longer than this shows its first TOP_ROWS rows, with all of it folded under them: a phone reader and
#: the printed page get the top of the list (tables are sorted largest first), a planner opens or downloads the
#: rest.
LONG_TABLE = 15
TOP_ROWS = 10
#: The tables a notebook has shown, as published (after suppression), for its workbook (:func:`write_workbook`).
#: Reset by :func:`start_page` at the top of each notebook: a shared kernel runs several notebooks.
SHOWN: list[tuple[str, object]] = []


def start_page() -> None:
    """Forget the tables (and the last heading) of the notebook that ran before in this kernel."""
    SHOWN.clear()
    HEADING["text"] = ""


def csv_link(table, name: str, lang: str) -> str:
    """A link that downloads ``table`` as CSV from the page itself (a data URI: the page stays one file)."""
    import base64

    data = base64.b64encode(table.to_csv(index=False).encode("utf-8-sig")).decode()
    label = html.escape(msg("table.download_csv", lang))
    return (
        f'<p class="download"><a download="{html.escape(name)}.csv" '
        f'href="data:text/csv;charset=utf-8;base64,{data}">{label}</a></p>'
    )


def write_workbook(path, lang: str):
    """All tables the page showed, one sheet each, as one XLSX beside the page (the same cells as the page: what
    is hidden there is hidden here). Returns the path, or None when the page showed no table."""
    import pandas as pd

    if not SHOWN:
        return None
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        for i, (title, table) in enumerate(SHOWN, start=1):
            sheet = re.sub(r"[\[\]:*?/\\]", " ", f"{i} {title}")[:31]
            table.to_excel(book, sheet_name=sheet, index=False)
    return path


def show_table(
    table,
    lang: str,
    caption: str = "",
    localised: bool = False,
    folded: str = "",
    download: bool = True,
) -> None:
    """Display a report table without the row index (it means nothing to a reader): headers and coded values
    from the catalogue (:func:`localise`, unless the table is ``localised`` already), numbers in ``lang``'s
    style, ``caption`` saying what the table is about. ``folded``: the table is closed behind this summary line
    (an HTML ``<details>``), for long lists a reader opens when needed. ``download``: a CSV link under it, and
    the table in the page's workbook (not for provenance, which names files)."""
    from IPython.display import HTML, display

    written = [c for c in table.columns if c in AS_WRITTEN]
    if not localised:
        headers = dict(zip(table.columns, localise(table.head(0), lang).columns, strict=True))
        table = localise(table, lang)
        written = [headers[c] for c in written]
    formats = {c: (lambda v, lang=lang: cell(v, lang)) for c in table.columns if c not in written}
    left = [{"selector": cell_, "props": "text-align: left"} for cell_ in ("th", "td")]

    def styled(rows):
        st = rows.style.hide(axis="index").format(formats)
        st = st.set_table_styles({c: left for c in text_columns(rows)}, overwrite=False)
        return st.set_caption(caption) if caption else st

    styler = styled(table)
    link = ""
    if download:
        title = caption or HEADING["text"] or folded or msg("table.untitled", lang, n=len(SHOWN) + 1)
        SHOWN.append((title, table))
        link = csv_link(table, re.sub(r"[^\w]+", "-", title.lower()).strip("-")[:60] or "table", lang)
    if folded:
        display(HTML(f"<details><summary>{html.escape(folded)}</summary>{styler.to_html()}{link}</details>"))
    elif len(table) > LONG_TABLE:  # the first rows, the rest a click away (and out of print)
        rest = msg("table.all_rows", lang, n=len(table))
        display(
            HTML(
                f'<div class="asn-top-rows">{styled(table.head(TOP_ROWS)).to_html()}</div>'
                + f"<details><summary>{html.escape(rest)}</summary>{styler.to_html()}</details>{link}"
            )
        )
    else:
        display(styler)
        if link:
            display(HTML(link))
