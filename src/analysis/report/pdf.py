"""The printed copy of a report: an A4 PDF beside its page, made by headless Chromium with the page's print
stylesheet (the findings, without the folded lists, the downloads or the researchers' checks).

Two ways to the same PDF. :func:`print_pdf` alone starts a browser for one page (about 1.5 s on two cores,
most of it the browser's start). A build prints every report of a lane through one :class:`Printer`: one
browser kept open, driven over its DevTools pipe (``--remote-debugging-pipe``: JSON messages ended by a NUL
byte on file descriptors 3 and 4, no port, nothing another user of the machine could reach), one new tab per
page with the same print settings as ``--print-to-pdf`` (the page's CSS ``@page`` size, backgrounds, no
header or footer). Measured on Medan's three reports: the same pages, the same text and the same rendering
as the one-shot browser, in about 0.5 s instead of 1.5 s each. If the kept browser fails (it died, a reply
did not come in time), that page is printed the one-shot way and the next one starts a new browser.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

#: The browser's flags, both ways: no sandbox (CI runs as root), no GPU, nothing fetched from the network.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
)

#: ``Page.printToPDF`` as ``--print-to-pdf --no-pdf-header-footer`` prints (checked equal, see the module).
PRINT_SETTINGS = {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False}


def chromium() -> str | None:
    """The headless browser that prints the PDFs, if this machine has one (``ASN_KINERJA_PDF=0`` turns it off)."""
    if os.environ.get("ASN_KINERJA_PDF", "1") == "0":
        return None
    return next(
        (
            found
            for name in ("chromium", "chromium-browser", "google-chrome")
            if (found := shutil.which(name))
        ),
        None,
    )


def _printable_copy(page: Path, folder: Path, name: str = "page.html") -> Path:
    """The page with its links to the files beside it removed: they would print as absolute file://
    addresses of this machine. The printed copy keeps links to the web and within the page only."""
    copy = Path(folder) / name
    copy.write_text(
        re.sub(r'\shref="(?!https?:|#)[^"]*"', "", Path(page).read_text(encoding="utf-8")), encoding="utf-8"
    )
    return copy


def print_pdf(page: Path, pdf: Path, timeout: int = 120, printer: Printer | None = None) -> Path | None:
    """``page`` as an A4 PDF at ``pdf``; None without a browser. Through ``printer`` (a browser kept open by
    the caller) when given and working, else by a browser started for this page alone."""
    if printer is not None:
        try:
            return printer.print(page, pdf)
        except PrinterError:
            printer.close()  # the next page starts a new one
    browser = chromium()
    if browser is None:
        return None
    with tempfile.TemporaryDirectory() as profile:
        copy = _printable_copy(page, Path(profile))
        subprocess.run(
            [
                browser,
                *FLAGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={Path(pdf).resolve()}",
                copy.as_uri(),
            ],
            check=True,
            timeout=timeout,
            capture_output=True,
        )
    return pdf if pdf.exists() else None


class PrinterError(RuntimeError):
    """The kept browser did not print: it is gone, it refused a command or it did not answer in time."""


class Printer:
    """One headless Chromium that prints page after page over its DevTools pipe (see the module).

    The browser starts at :meth:`start` (a lane calls it first, so the browser gets ready while the first
    report runs), the ``with`` block or the first print, and ends with :meth:`close`; if this process dies,
    the browser reads the end of its pipe and exits too (checked by killing the process). ``timeout``:
    seconds one reply may take.

    Examples
    --------
    >>> with Printer() as printer:  # doctest: +SKIP
    ...     printer.print(Path("reports/kendari/monitoring.html"), Path("monitoring.pdf"))
    """

    def __init__(self, browser: str | None = None, timeout: float = 120):
        self.browser = browser or chromium()
        self.timeout = timeout
        self._pid: int | None = None
        self._pages = 0

    def __enter__(self) -> Printer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------------------------- the browser
    def start(self) -> None:
        """Start the browser now (it gets ready while the caller does other work); done by the first print
        otherwise."""
        if self._pid is not None or self.browser is None:
            return
        self._profile = tempfile.mkdtemp(prefix="asn-kinerja-pdf-")
        # the browser reads commands on its descriptor 3 and writes replies and events on 4. posix_spawn
        # places the pipe's ends there without running Python in the child (safe beside the kernel client's
        # threads); first moved to 10 and up, so that placing one never overwrites the other
        to_browser, commands = os.pipe()
        replies, from_browser = os.pipe()
        ends = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_browser, from_browser)]
        for fd in (to_browser, from_browser):
            os.close(fd)
        try:
            self._pid = os.posix_spawn(
                self.browser,
                [self.browser, *FLAGS, f"--user-data-dir={self._profile}", "--remote-debugging-pipe"],
                os.environ,
                file_actions=[
                    *((os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)),
                    (os.POSIX_SPAWN_DUP2, ends[0], 3),
                    (os.POSIX_SPAWN_DUP2, ends[1], 4),
                ],
            )
        except OSError as exc:  # not executable, gone since chromium() found it...
            for fd in (commands, replies):
                os.close(fd)
            shutil.rmtree(self._profile, ignore_errors=True)
            raise PrinterError(f"the browser could not start: {exc}") from exc
        finally:
            for fd in ends:
                os.close(fd)
        self._commands, self._replies = commands, replies
        self._buffer, self._events, self._id = b"", [], 0

    def close(self) -> None:
        """End the browser (politely, then by force) and remove its profile."""
        pid, self._pid = self._pid, None
        if pid is None:
            return
        try:
            self._send({"id": 0, "method": "Browser.close"})
        except PrinterError:
            pass
        for fd in (self._commands, self._replies):  # the end of the pipe also tells it to go
            os.close(fd)
        deadline = time.monotonic() + 5
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            time.sleep(0.02)
        shutil.rmtree(self._profile, ignore_errors=True)

    # ---------------------------------------------------------------------------------- the protocol
    def _send(self, message: dict) -> None:
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._commands, data) :]
        except OSError as exc:  # the browser is gone
            raise PrinterError(f"the browser closed its pipe: {exc}") from exc

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._replies], [], [], left)[0]:
                raise PrinterError(f"no reply from the browser within {self.timeout:g} s")
            try:
                chunk = os.read(self._replies, 1 << 20)
            except OSError as exc:
                raise PrinterError(f"the browser's pipe failed: {exc}") from exc
            if not chunk:
                raise PrinterError("the browser ended")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _call(self, method: str, session: str | None = None, **params) -> dict:
        """Send one command and wait for its reply; events that arrive meanwhile are kept for :meth:`_wait`."""
        self._id += 1
        message = {"id": self._id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self._send(message)
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise PrinterError(f"{method}: {reply['error'].get('message', reply['error'])}")
                return reply.get("result", {})
            self._events.append(reply)

    def _wait(self, event: str, session: str) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            for i, e in enumerate(self._events):
                if e.get("method") == event and e.get("sessionId") == session:
                    del self._events[i]
                    return
            self._events.append(self._receive(deadline))

    # ------------------------------------------------------------------------------------- printing
    def print(self, page: Path, pdf: Path) -> Path | None:
        """``page`` as an A4 PDF at ``pdf`` in a new tab of the kept browser; None without a browser.
        Raises :class:`PrinterError` if the browser fails (:func:`print_pdf` then prints the one-shot way)."""
        if self.browser is None:
            return None
        self.start()
        self._pages += 1
        copy = _printable_copy(page, Path(self._profile), f"page-{self._pages}.html")
        try:
            data = self._print(copy)
        finally:
            copy.unlink(missing_ok=True)
        Path(pdf).write_bytes(data)
        return Path(pdf)

    def _print(self, copy: Path) -> bytes:
        try:
            target = self._call("Target.createTarget", url="about:blank")["targetId"]
            session = self._call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            try:
                self._call("Page.enable", session)
                loaded = self._call("Page.navigate", session, url=copy.as_uri())
                if loaded.get("errorText"):
                    raise PrinterError(f"the page did not load: {loaded['errorText']}")
                self._wait("Page.loadEventFired", session)
                data = self._call("Page.printToPDF", session, **PRINT_SETTINGS)["data"]
            finally:
                self._call("Target.closeTarget", targetId=target)
                self._events = []  # nothing waits across pages
            return base64.b64decode(data, validate=True)
        except (KeyError, ValueError) as exc:  # a reply without what it should hold
            raise PrinterError(f"unexpected reply from the browser: {exc!r}") from exc
