"""Every published table can be downloaded: as CSV from the page itself, and all of a report's tables as one
XLSX beside it, with the cells exactly as the page shows them (hidden counts stay hidden)."""

from __future__ import annotations

import base64
import re

import pandas as pd
import pytest

from analysis.report import i18n, tables


@pytest.fixture(autouse=True)
def fresh_page():
    tables.start_page()
    yield
    tables.start_page()


def test_a_shown_table_has_a_csv_link_and_a_sheet_named_after_its_section(tmp_path, capsys):
    i18n.say("## Rencana pelatihan", "id")
    shown = pd.DataFrame({"agency": ["BKPSDM", "Dinas Kesehatan"], "people": ["<10", 878]})
    tables.show_table(shown, "id")
    tables.show_table(pd.DataFrame({"file": ["units.csv"]}), "id", download=False)  # provenance-like
    assert len(tables.SHOWN) == 1 and tables.SHOWN[0][0] == "Rencana pelatihan"
    link = tables.csv_link(tables.SHOWN[0][1], "rencana", "id")
    data = re.search(r"base64,([^\"]+)", link).group(1)
    text = base64.b64decode(data).decode("utf-8-sig")
    assert text.splitlines()[1:] == ["BKPSDM,<10", "Dinas Kesehatan,878"] and 'download="rencana.csv"' in link
    path = tables.write_workbook(tmp_path / "r.xlsx", "id")
    book = pd.read_excel(path, sheet_name=None)
    assert list(book) == ["1 Rencana pelatihan"]
    assert book["1 Rencana pelatihan"].iloc[0].tolist() == ["BKPSDM", "<10"]  # hidden stays hidden
    tables.start_page()
    assert tables.SHOWN == [] and tables.write_workbook(tmp_path / "none.xlsx", "id") is None
