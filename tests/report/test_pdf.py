"""The printed copy (analysis.report.pdf): the kept browser prints what the one-shot browser prints, a failing
browser never costs a PDF, and no browser outlives the process that started it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.report import pdf

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)

#: A page of about three A4 pages, with the report's @page rule, a link to a file beside it (must not print
#: as a file:// address of this machine) and a link to the web (kept).
PAGE = """<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Uji cetak</title>
<style>@page { size: A4; margin: 12mm 12mm 14mm; } .card { background: #fbfcfe; }</style></head>
<body><h1>Uji cetak</h1><p><a href="monitoring.xlsx">Unduh tabel</a> ·
<a href="https://jdih.menpan.go.id/">JDIH</a></p>
<table>{rows}</table></body></html>""".replace(
    "{rows}", "".join(f"<tr><td>baris {i}</td></tr>" for i in range(150))
)


def pages_and_sizes(path: Path) -> tuple[int, set[bytes]]:
    """Pages of a Chromium PDF (its page objects are not compressed) and their media boxes."""
    raw = path.read_bytes()
    return len(re.findall(rb"/Type\s*/Page[^s]", raw)), set(re.findall(rb"/MediaBox\s*\[([^\]]*)\]", raw))


@pytest.fixture
def page(tmp_path) -> Path:
    path = tmp_path / "report.html"
    path.write_text(PAGE, encoding="utf-8")
    return path


@pytest.mark.integration
@needs_chromium
def test_the_kept_browser_prints_what_the_one_shot_browser_prints(page, tmp_path):
    """Same pages, A4 (595 x 842 pt), the file link gone and the web link kept, both ways; and a second
    page printed by the same browser (the point of keeping it) comes out the same as the first."""
    one_shot = pdf.print_pdf(page, tmp_path / "one-shot.pdf")
    with pdf.Printer() as printer:
        kept = printer.print(page, tmp_path / "kept.pdf")
        again = printer.print(page, tmp_path / "again.pdf")
        assert printer._pages == 2  # one browser, two tabs
    expected = pages_and_sizes(one_shot)
    assert expected[0] >= 3 and expected[1] == {b"0 0 594.95996 841.91998"}
    assert pages_and_sizes(kept) == expected == pages_and_sizes(again)
    for printed in (one_shot, kept, again):
        raw = printed.read_bytes()
        assert b"file://" not in raw and str(tmp_path).encode() not in raw
        assert b"https://jdih.menpan.go.id/" in raw


@pytest.mark.integration
@needs_chromium
def test_a_browser_that_dies_costs_no_pdf_and_the_next_page_starts_a_new_one(page, tmp_path):
    printer = pdf.Printer()
    try:
        assert printer.print(page, tmp_path / "first.pdf").exists()
        first = printer._pid
        os.kill(first, 9)  # as the out-of-memory killer would
        time.sleep(0.2)
        printed = pdf.print_pdf(page, tmp_path / "second.pdf", printer=printer)  # the one-shot way
        assert printed is not None and pages_and_sizes(printed)[0] >= 3
        assert printer._pid is None  # closed: the dead browser is reaped, its profile removed
        assert printer.print(page, tmp_path / "third.pdf").exists()
        assert printer._pid not in (None, first)
    finally:
        printer.close()


@pytest.mark.integration
@needs_chromium
def test_the_browser_ends_with_the_process_that_started_it(tmp_path):
    """A lane killed mid-build must not leave a browser behind: the browser reads the end of its pipe."""
    script = (
        "from analysis.report import pdf; p = pdf.Printer(); p.start(); print(p._pid, flush=True); input()"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    browser = int(child.stdout.readline())
    time.sleep(1.0)  # the browser is up and listening
    child.kill()
    child.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(browser):
        time.sleep(0.1)
    assert not _alive(browser)


def _alive(pid: int) -> bool:
    """Running (not a zombie waiting for a parent to reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] not in "ZX"
    except (OSError, IndexError):
        return False


def fake_browser(tmp_path: Path, body: str) -> str:
    path = tmp_path / "fake-browser"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return str(path)


def test_a_browser_that_never_answers_times_out_and_the_one_shot_way_takes_over(page, tmp_path, monkeypatch):
    """The kept browser reads the commands but never replies: the print gives up after ``timeout`` seconds
    (not the lane's whole notebook timeout), and print_pdf falls back (here: no one-shot browser, None)."""
    monkeypatch.setattr(pdf, "chromium", lambda: None)
    silent = pdf.Printer(fake_browser(tmp_path, "cat <&3 >/dev/null"), timeout=0.5)
    t0 = time.monotonic()
    with pytest.raises(pdf.PrinterError, match="no reply"):
        silent.print(page, tmp_path / "x.pdf")
    assert 0.5 <= time.monotonic() - t0 < 5
    assert pdf.print_pdf(page, tmp_path / "x.pdf", printer=silent) is None
    assert silent._pid is None and not (tmp_path / "x.pdf").exists()


def test_a_browser_that_ends_at_once_is_an_error_not_a_hang(page, tmp_path):
    gone = pdf.Printer(fake_browser(tmp_path, "exit 0"), timeout=30)
    t0 = time.monotonic()
    try:
        with pytest.raises(pdf.PrinterError, match="ended|closed"):
            gone.print(page, tmp_path / "x.pdf")
    finally:
        gone.close()
    assert time.monotonic() - t0 < 5
    assert not Path(gone._profile).exists()


def test_without_a_browser_nothing_is_printed(page, tmp_path, monkeypatch):
    monkeypatch.setenv("ASN_KINERJA_PDF", "0")
    assert pdf.chromium() is None
    assert pdf.Printer().print(page, tmp_path / "x.pdf") is None
    assert pdf.print_pdf(page, tmp_path / "x.pdf") is None


def test_a_browser_that_cannot_start_is_an_error_the_one_shot_way_takes_over(page, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "chromium", lambda: None)
    missing = pdf.Printer(str(tmp_path / "no-such-browser"))
    with pytest.raises(pdf.PrinterError, match="could not start"):
        missing.start()
    assert missing._pid is None
    assert pdf.print_pdf(page, tmp_path / "x.pdf", printer=missing) is None  # no one-shot browser either
