"""The report notebooks read as short papers before they run: Indonesian markdown that explains question, data,
method and caveats, no threshold typed into prose, and a percent script paired with each (jupytext). No kernel."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from analysis.config import CITY_NOTEBOOKS, CROSS_CITY

ROOT = Path(__file__).resolve().parents[2]
REPORTS = (*CITY_NOTEBOOKS, CROSS_CITY)
INDONESIAN = {"yang", "dan", "dengan", "tidak", "untuk", "pada", "dari", "setiap", "bila", "atau"}
ENGLISH = {"the", "and", "with", "not", "for", "which", "each", "when", "or", "of"}


def markdown(name: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("name", REPORTS)
def test_each_report_explains_itself_in_at_least_300_indonesian_words(name):
    text = markdown(name)
    words = re.findall(r"[A-Za-zÀ-ÿ'-]+", text)
    lower = [w.lower() for w in words]
    assert len(words) >= 300, (name, len(words))
    indonesian, english = sum(w in INDONESIAN for w in lower), sum(w in ENGLISH for w in lower)
    assert indonesian > 10 * max(english, 1), (name, indonesian, english)  # Indonesian prose, not English
    headings = " ".join(
        re.findall(r"^#+ .*$", text, re.M) + re.findall(r'say\(\s*"(#+ [^"]*)"', open_code(name))
    )
    for section in ("pertanyaan", "data", "metode", "keterbatasan"):  # question, data, method, caveats
        assert section in headings.lower(), (name, section, headings)


def open_code(name: str) -> str:
    """The notebook's code (headings of sections that only exist with results are say() calls)."""
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("name", REPORTS)
def test_no_threshold_is_typed_into_the_prose(name):
    """Numbers in markdown would not follow a changed parameter: thresholds are say() placeholders. Allowed:
    regulation numbers (14/2017, Pasal 34), years, and names with digits (SHA-256)."""
    text = markdown(name)
    text = re.sub(r"\b\d+/\d{4}\b|\b(19|20)\d{2}\b|SHA-256|Pasal \d+", " ", text)
    assert not re.findall(r"\d+(?:[.,]\d+)?", text), (name, re.findall(r".{20}\d+(?:[.,]\d+)?.{10}", text))


@pytest.mark.parametrize("name", REPORTS)
def test_each_notebook_is_paired_with_its_percent_script(name):
    """notebooks/<name>.py (jupytext percent) has the same cells as the .ipynb: review and grep the script,
    run the notebook. `make i18n` (jupytext --sync) keeps them together."""
    script = jupytext.read(ROOT / "notebooks" / f"{name}.py")
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    assert [(c.cell_type, c.source) for c in script.cells] == [(c.cell_type, c.source) for c in nb.cells]
    assert nb.metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent"
