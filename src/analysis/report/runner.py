"""Build the published reports: run each city's notebooks with papermill (two lanes), export HTML without
code, write results.json per notebook, the cross-city report and the index page, and say what failed.

Runs use papermill's and nbconvert's Python APIs in two worker processes (an in-process HTML export takes
~0.1 s, the CLI ~2 s). Each worker keeps one kernel for all its notebooks (:class:`KernelSession`), with one
BLAS/OpenMP thread, so that two kernels really run in parallel on 2 cores. One failing city or notebook never
stops the others; the summary lists every run and the exit code is 1 if any failed.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import yaml

from analysis.config import CITY_NOTEBOOKS, CROSS_CITY, NOTEBOOKS_DIR, REPO_ROOT, REPORTS_DIR, params_dir
from analysis.config import cities as known_cities
from analysis.report import parameters, pdf
from analysis.report.pages import export_html, without_paths, write_index
from analysis.report.pdf import Printer, PrinterError, print_pdf

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass
class Run:
    city: str
    notebook: str
    status: str  # ok | failed
    seconds: float
    path: str
    error: str = ""
    #: not run again: its data, parameters and code are those of the last successful run (:func:`inputs_key`)
    reused: bool = False


# ---------------------------------------------------------------------------------------------- parameters
def city_params(city: str) -> dict:
    """The city's shared notebook parameters (notebooks/params/<city>.yaml)."""
    path = params_dir() / f"{city}.yaml"
    if not path.exists():
        raise FileNotFoundError(f"no parameters for city {city!r}: expected {path}")
    return yaml.safe_load(path.read_text()) or {}


@functools.cache
def _parameter_names(notebook: str, mtime: float) -> frozenset[str]:
    import papermill as pm

    return frozenset(pm.inspect_notebook(notebook))


def parameter_names(notebook: Path) -> frozenset[str]:
    """The names the notebook's ``parameters`` cell defines (papermill.inspect_notebook, cached per file version)."""
    return _parameter_names(str(notebook), notebook.stat().st_mtime)


def check_params(notebook: Path, params: dict) -> dict:
    """The parameters ``notebook`` takes, out of ``params``.

    A city's YAML serves all of its report notebooks, so a name that another city notebook defines (``k_range``
    for the competency report, ``control`` for the effects report) is passed only where it belongs. A name that
    no report notebook defines is rejected: a typo would otherwise be silently ignored.
    """
    known = parameter_names(notebook)
    siblings = set()
    if notebook.stem in CITY_NOTEBOOKS:
        for path in (notebook.parent / f"{name}.ipynb" for name in CITY_NOTEBOOKS):
            siblings |= parameter_names(path) if path.exists() else set()
    unknown = sorted(set(params) - known - siblings)
    if unknown:
        raise ValueError(f"{notebook.name} has no parameter(s) {unknown}; it accepts {sorted(known)}")
    return {k: v for k, v in params.items() if k in known}


# ---------------------------------------------------------------------------------------------- running
#: Run in a shared kernel between two notebooks: forget the last notebook's variables and figures (modules stay
#: imported, which is the point; analysis.data.load keeps checked cities, keyed by their files' hashes).
RESET_CODE = "%reset -f\nimport matplotlib.pyplot\nmatplotlib.pyplot.close('all')"


@functools.cache
def _shared_kernel_engine():
    """A papermill engine that executes in a running kernel (``km=``) instead of starting one per notebook."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, logger

    class SharedKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            km=None,
            kc=None,
            **kwargs,
        ):
            client = PapermillNotebookClient(
                nb_man,
                km=km,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            # An already connected client: nbclient then skips its ready-check, which waits 0.2 s on IOPub per
            # notebook. Both live on in the session; nbclient only stops what it started itself.
            client.kc = kc
            return client.execute()

    return SharedKernelEngine


class KernelSession:
    """One kernel that runs a worker's notebooks in turn.

    A fresh kernel per notebook costs about 1 s to start and 2-3 s to import pandas, scikit-learn, statsmodels,
    csdid and matplotlib; a city's second notebook would also check the same data again. Here the kernel is
    started once, its namespace is cleared between notebooks (:data:`RESET_CODE`), and any failure gets the next
    notebook a fresh kernel, so a broken run cannot leave state behind. Results equal a fresh kernel's (tested).
    """

    def __init__(self, cwd: Path = REPO_ROOT):
        self.cwd = cwd
        self.km = None
        self.kc = None
        self.used = False
        self._sockets = ""

    def kernel(self):
        """A live, clean kernel: (manager, connected client), the current one reset, or a new one."""
        from jupyter_core.utils import run_sync

        if self.km is not None and run_sync(self.km.is_alive)():
            try:
                if self.used:
                    self._run(RESET_CODE)
                self.used = True
                return self.km, self.kc
            except Exception:  # noqa: BLE001 - a kernel that cannot even be reset is replaced
                pass
        self.close()
        from jupyter_client.manager import AsyncKernelManager

        # IPC transport: Unix sockets in a private folder, so no TCP port to clash and no unencrypted-TCP warning;
        # a kernel that still fails to start (slow machine) gets one retry.
        self._sockets = tempfile.mkdtemp(prefix="asn-kernel-")
        for attempt in (1, 2):
            try:
                km = AsyncKernelManager(
                    kernel_name="python3", transport="ipc", ip=os.path.join(self._sockets, "k")
                )
                run_sync(km.start_kernel)(cwd=str(self.cwd))
                kc = km.client()
                kc.start_channels()
                self.km, self.kc = km, kc
                run_sync(kc.wait_for_ready)(timeout=60)
                break
            except (RuntimeError, TimeoutError, OSError):
                self.close()
                if attempt == 2:
                    raise
                self._sockets = tempfile.mkdtemp(prefix="asn-kernel-")
        self.kc.allow_stdin = False
        self.used = True
        return self.km, self.kc

    def _run(self, code: str) -> None:
        """Execute ``code`` quietly in the kernel; raise if it fails or does not finish within a minute."""
        from jupyter_core.utils import run_sync

        reply = run_sync(self.kc.execute_interactive)(
            code, silent=True, store_history=False, timeout=60, output_hook=lambda msg: None
        )
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel reset failed: {reply['content'].get('ename', '')}")

    def close(self) -> None:
        """Shut the kernel down (after a failure, or at the end of the worker's queue)."""
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - already dead is fine
                pass
        if self._sockets:
            shutil.rmtree(self._sockets, ignore_errors=True)
        self.km, self.kc, self.used, self._sockets = None, None, False, ""


def _execute(
    notebook: str,
    out_dir: Path,
    params: dict,
    timeout: int,
    label: str,
    slot: int,
    session: KernelSession | None = None,
) -> Path:
    src = NOTEBOOKS_DIR / f"{notebook}.ipynb"
    params = check_params(src, params)
    parameters.check(notebook, params)  # a refused value stops here, before a kernel runs anything
    executed = out_dir / f"{notebook}.ipynb"
    source = translated(src, params.get("lang", "id"), out_dir / f".{notebook}.source.ipynb")
    try:
        return _papermill(source, executed, params, timeout, label, slot, session)
    finally:
        if source != src:
            source.unlink(missing_ok=True)


def translated(src: Path, lang: str, dst: Path) -> Path:
    """The notebook to execute for ``lang``: the committed one for Indonesian (its markdown is the source), a
    copy with every markdown paragraph translated (report.i18n, the English catalogue) otherwise, which
    names the committed notebook in its metadata (``asn_kinerja_source``)."""
    if lang == "id":
        return src
    import nbformat

    from analysis.report.i18n import translate_notebook

    nb = translate_notebook(nbformat.read(src, as_version=4), lang)
    nb.metadata["asn_kinerja_source"] = f"notebooks/{src.name}"
    nbformat.write(nb, dst)
    return dst


def _papermill(
    src: Path,
    executed: Path,
    params: dict,
    timeout: int,
    label: str,
    slot: int,
    session: KernelSession | None = None,
) -> Path:
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillExecutionError

    # request_save_on_cell_execute=False: papermill would otherwise rewrite (and schema-check) the whole notebook,
    # images included, before and after every cell, on the cores the kernels need; it still saves on failure.
    kwargs = {
        "parameters": params,
        "cwd": str(REPO_ROOT),
        "kernel_name": "python3",
        "execution_timeout": timeout,
        "request_save_on_cell_execute": False,
        "progress_bar": {"desc": label, "position": slot, "leave": True},
    }
    if session is not None:
        papermill_engines.register("asn-shared-kernel", _shared_kernel_engine())
        km, kc = session.kernel()
        pm.execute_notebook(str(src), str(executed), engine_name="asn-shared-kernel", km=km, kc=kc, **kwargs)
        return executed
    try:
        pm.execute_notebook(str(src), str(executed), **kwargs)
    except (PapermillExecutionError, CellTimeoutError, DeadKernelError):  # the notebook's own failure
        raise
    except (
        RuntimeError,
        TimeoutError,
        OSError,
    ):  # kernel failed to start (port clash, slow start): retry once
        pm.execute_notebook(str(src), str(executed), **kwargs)
    return executed


#: What a notebook publishes beside its HTML, all moved into place together only when the run succeeded.
PUBLISHED = (".results.json", ".xlsx", ".pdf", ".ipynb", ".html")


def published_paths(out_root: Path, city: str, notebook: str) -> list[Path]:
    out_dir = out_root / city if city else out_root
    return [out_dir / f"{notebook}{ext}" for ext in PUBLISHED]


def unpublish(out_root: Path, city: str, notebook: str) -> None:
    """Remove a notebook's published page, numbers and executed notebook (a failed run must leave none)."""
    for path in published_paths(out_root, city, notebook):
        path.unlink(missing_ok=True)


def scrub_paths(text: str, replacements: list[tuple[str, str]]) -> str:
    """Machine paths out of a published file: each absolute prefix replaced (longest first) by a relative name."""
    for absolute, relative in sorted(replacements, key=lambda r: -len(r[0])):
        if absolute and absolute not in ("/", "."):
            text = text.replace(absolute, relative)
    return text


def scrub_notebook(src: Path, dst: Path, replacements: list[tuple[str, str]]) -> Path:
    """:func:`scrub_paths` on every text of a notebook (sources, outputs, metadata, papermill's input and
    output paths), never inside an image's data, where the same letters can occur by chance."""

    def clean(node, key=""):
        if isinstance(node, dict):
            return {k: v if k.startswith("image/") else clean(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [clean(v, key) for v in node]
        return scrub_paths(node, replacements) if isinstance(node, str) else node

    nb = json.loads(Path(src).read_text(encoding="utf-8"))
    Path(dst).write_text(json.dumps(clean(nb), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return Path(dst)


def path_replacements(out_root: Path, stage: Path | None = None, city: str = "") -> list[tuple[str, str]]:
    """Absolute prefix -> what a reader sees: the staging folder is the city's folder, the report folder is
    'reports' (or its path in the repository), the repository is '.', the home folder '~'."""
    out_root = Path(out_root).resolve()
    try:
        shown_root = str(out_root.relative_to(REPO_ROOT.resolve()))
    except ValueError:
        shown_root = "reports"
    pairs = [(str(out_root), shown_root), (str(REPO_ROOT.resolve()), "."), (str(Path.home()), "~")]
    if stage is not None:
        pairs.append((str(Path(stage).resolve()), f"{shown_root}/{city}" if city else shown_root))
    tmp = tempfile.gettempdir()
    pairs.append((str(Path(tmp).resolve()), "<tmp>"))
    return pairs


def run_one(
    city: str,
    notebook: str,
    params: dict,
    out_root: Path,
    timeout: int,
    slot: int = 0,
    session: KernelSession | None = None,
    printer: Printer | None = None,
) -> Run:
    """Execute one notebook for one city and publish it; never raises (the failure is the returned status).

    The notebook runs in a private staging folder (``<out>/.staging/``); only when it and its HTML export
    succeed are its results.json, executed notebook and HTML moved into ``<out>/<city>/`` (same file system:
    each move is atomic), with every absolute machine path replaced by a relative one. Last build's files
    are removed first, so a failure, a timeout or a killed worker leaves no stale page or numbers; a failed
    executed notebook is kept for debugging under ``<out>/.failed/``, which nothing links to.
    Without ``session`` the notebook gets its own kernel (what plain papermill does); without ``printer``
    (a browser its lane keeps open) the PDF is printed by a browser started for it.
    """
    for var in THREAD_VARS:  # inherited by the kernel this process starts
        os.environ[var] = "1"
    t0 = time.perf_counter()
    out_root = Path(out_root)
    out_dir = out_root / city if city else out_root
    out_dir.mkdir(parents=True, exist_ok=True)
    unpublish(out_root, city, notebook)
    stage = Path(tempfile.mkdtemp(prefix=f"{city or 'all'}-{notebook}-", dir=_private(out_root / ".staging")))
    replace = path_replacements(out_root, stage, city)
    html_path = out_dir / f"{notebook}.html"
    params = {**params, "results_path": str(stage / f"{notebook}.results.json")}
    try:
        executed = _execute(notebook, stage, params, timeout, f"{city or 'all'}/{notebook}", slot, session)
        results = stage / f"{notebook}.results.json"
        if results.exists():
            results.write_text(scrub_paths(results.read_text(encoding="utf-8"), replace), encoding="utf-8")
        scrub_notebook(executed, executed, replace)
        export_html(executed, stage / f"{notebook}.html")
        print_pdf(stage / f"{notebook}.html", stage / f"{notebook}.pdf", printer=printer)  # with a browser
        # results.json first, the page last: the index never links a page without its numbers
        for ext in PUBLISHED:
            if (stage / f"{notebook}{ext}").exists():
                os.replace(stage / f"{notebook}{ext}", out_dir / f"{notebook}{ext}")
        return Run(city or "all", notebook, "ok", round(time.perf_counter() - t0, 1), str(html_path))
    except Exception as exc:  # noqa: BLE001 - one failure must not stop the others; it is reported
        if session is not None:
            session.close()  # the next notebook gets a fresh kernel
        failed = stage / f"{notebook}.ipynb"
        if failed.exists():
            scrub_notebook(
                failed, _private(out_root / ".failed" / (city or "all")) / f"{notebook}.ipynb", replace
            )
        unpublish(out_root, city, notebook)
        return Run(
            city or "all",
            notebook,
            "failed",
            round(time.perf_counter() - t0, 1),
            str(html_path),
            error=_reason(exc)[: 1000 if isinstance(exc, parameters.ParameterError) else 300],
        )
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _private(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _reason(exc: Exception) -> str:
    """One line for the summary: the notebook's exception (papermill keeps its name and value), else ours."""
    if getattr(exc, "ename", None):
        lines = [ln for ln in str(exc.evalue).strip().splitlines() if ln.strip()]
        return f"{exc.ename}: {lines[0] if lines else ''}".strip()
    lines = [ln for ln in str(exc).strip().splitlines() if ln.strip(" -")]
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def run_lane(queue, out_root: Path, timeout: int, slot: int, last=None, events=None) -> list[Run]:
    """One worker: take the next city's notebooks from ``queue`` until it is empty, all in one shared kernel.

    ``last`` = (lock, counter of lanes still running, cross-city parameters or None): the lane that finishes
    last runs the cross-city notebook in its warm kernel, once every city's results.json is written.
    ``events``: a queue that hears ("start", slot, city, notebook) before and ("done", slot, Run) after each
    run, so the parent knows what a worker was doing if it dies.
    """
    from queue import Empty

    def say(*event):
        if events is not None:
            events.put(event)

    def run(city, nb, params):
        say("start", slot, city or "all", nb)
        r = run_one(city, nb, params, out_root, timeout, slot, session, printer)
        say("done", slot, r)
        return r

    session = KernelSession()
    printer = Printer()  # one browser prints the lane's PDFs (analysis.report.pdf)
    try:
        printer.start()  # it gets ready while the first notebook runs
    except PrinterError:
        pass  # each report's PDF then tries again, or is printed by a browser of its own
    runs: list[Run] = []
    try:
        while True:
            try:
                tasks = queue.get_nowait()
            except Empty:
                break
            runs += [run(city, nb, params) for city, nb, params in tasks]
        if last is not None:
            lock, running, cross_params = last
            with lock:
                running.value -= 1
                is_last = running.value == 0
            if is_last and cross_params is not None:
                runs.append(run("", CROSS_CITY, cross_params))
        return runs
    finally:
        session.close()
        printer.close()


def _lane_main(queue, out_root, timeout, slot, last, events) -> None:
    """A lane process: its runs reach the parent through ``events`` only."""
    run_lane(queue, out_root, timeout, slot, last, events)


def _supervise(queue, events, last, out_root, timeout, lanes, params_of, notebooks) -> list[Run]:
    """Start ``lanes`` worker processes and collect their runs. A worker that dies (killed, out of memory)
    fails only the notebook it was running: the rest of its city goes back on the queue and a new worker
    takes over its slot."""
    import multiprocessing
    from queue import Empty

    ctx = multiprocessing.get_context("fork")  # as ProcessPoolExecutor on Linux: the worker inherits settings
    procs: dict[int, multiprocessing.Process] = {}
    doing: dict[int, tuple[str, str]] = {}
    runs: list[Run] = []

    def start(slot):
        procs[slot] = ctx.Process(target=_lane_main, args=(queue, out_root, timeout, slot, last, events))
        procs[slot].start()

    def drain(wait: float) -> None:
        try:
            while True:
                event = events.get(timeout=wait)
                wait = 0.0
                if event[0] == "start":
                    doing[event[1]] = (event[2], event[3])
                else:
                    doing.pop(event[1], None)
                    runs.append(event[2])
        except Empty:
            return

    for slot in range(lanes):
        start(slot)
    while procs:
        drain(0.5)
        for slot, proc in list(procs.items()):
            if proc.is_alive():
                continue
            proc.join()
            drain(0.0)  # what it said before it ended
            del procs[slot]
            if proc.exitcode == 0 or slot not in doing:
                continue
            city, nb = doing.pop(slot)
            why = f"worker process died (exit code {proc.exitcode}) while running this notebook"
            runs.append(Run(city, nb, "failed", 0.0, "", why))
            if city in params_of and nb in notebooks:  # the city's notebooks after this one still run
                rest = notebooks[notebooks.index(nb) + 1 :]
                if rest:
                    queue.put([(city, n, params_of[city]) for n in rest])
            start(slot)  # the queue may hold other cities too
    return runs


def _data_size(params: dict) -> int:
    """Bytes of a city's data files: larger cities are queued first, so that the two lanes end together."""
    from analysis.config import resolve

    try:
        return sum(p.stat().st_size for p in resolve(params.get("data_dir", "")).iterdir() if p.is_file())
    except (OSError, TypeError):
        return 0


def build(
    cities: list[str] | None = None,
    notebooks: tuple[str, ...] = CITY_NOTEBOOKS,
    out_root: Path = REPORTS_DIR,
    workers: int = 2,
    timeout: int = 900,
    cross_city: bool = True,
    overrides: dict | None = None,
    force: bool = False,
) -> list[Run]:
    """Run every (city, notebook), then the cross-city report and the index page (see :func:`_build`).

    Resumable: a (city, notebook) whose data, parameters and code are those of its last successful run in
    ``out_root`` (:func:`inputs_key`, kept in runs.json) is not run again and keeps its published files
    (``Run.reused``); ``force=True`` runs everything.

    One build at a time per output folder: a second ``report`` in the same folder waits for the first
    (an exclusive lock on ``<out>/.lock``), so two builds never interleave their files.

    Parameters
    ----------
    cities : list of str, optional
        City slugs; every city with ``notebooks/params/<city>.yaml`` when None.
    notebooks : tuple of str
        Report notebooks per city.
    out_root : Path
        The reports folder.
    workers : int
        Parallel lanes (one kernel each; 2 on a 2-core machine).
    timeout : int
        Seconds one notebook cell may run.
    cross_city : bool
        Also build the cross-city report and the index page.
    overrides : dict, optional
        Notebook parameters that replace every city's (e.g. ``{"lang": "en"}``).
    force : bool
        Run every notebook, even those whose inputs did not change.

    Returns
    -------
    list of Run
        One per notebook run: status, seconds, path and error.

    Examples
    --------
    >>> runs = build(["kendari"], overrides={"lang": "en"})  # doctest: +SKIP
    >>> print(summary(runs))  # doctest: +SKIP
    """
    import fcntl

    out_root = Path(out_root)
    out_root.mkdir(parents=True, exist_ok=True)
    with open(out_root / ".lock", "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting: another report build is writing to {out_root.name}/ ...", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            shutil.rmtree(out_root / ".staging", ignore_errors=True)  # a killed build's half-made files
            return _build(cities, notebooks, out_root, workers, timeout, cross_city, overrides, force)
        finally:
            shutil.rmtree(out_root / ".staging", ignore_errors=True)  # a killed worker's half-made files
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build(
    cities, notebooks, out_root: Path, workers, timeout, cross_city, overrides, force=False
) -> list[Run]:
    """:func:`build`, under its lock: every (city, notebook), then the cross-city report and the index page.

    ``workers`` lanes (one process and one kernel each) take cities from a queue, largest first; a city's
    notebooks run one after another in its lane's kernel, so its data are checked once (see
    :class:`KernelSession` and :func:`analysis.data.load.load_city`). The last lane to finish runs the cross-city
    notebook.
    """
    from multiprocessing import Manager

    cities = list(cities or known_cities())
    out_root = Path(out_root)
    params_of: dict[str, dict] = {}
    runs: list[Run] = []
    for city in cities:
        try:
            params_of[city] = {**city_params(city), **(overrides or {})}
        except (FileNotFoundError, yaml.YAMLError) as exc:
            runs += [Run(city, nb, "failed", 0.0, "", str(exc)) for nb in notebooks]
    previous, code = _recorded(out_root), code_digest()
    data = {c: data_digest(params_of[c]) for c in params_of}  # each city's files hashed once, not per report
    keys = {(c, nb): inputs_key(nb, params_of[c], code, data[c]) for c in params_of for nb in notebooks}
    todo: dict[str, list[str]] = {}
    for (city, nb), key in keys.items():
        if not force and _unchanged(previous, out_root, city, nb, key):
            html = published_paths(out_root, city, nb)[-1]
            runs.append(Run(city, nb, "ok", 0.0, str(html), reused=True))
        else:
            todo.setdefault(city, []).append(nb)
    cross_key = _cross_key(out_root, overrides, code) if cross_city else ""
    lanes = max(1, min(workers, len(todo)))
    from analysis.data.pseudonymise import load_key

    load_key()  # created (or refused) once here, before any worker could race to create it
    cross_params = (
        {"reports_dir": str(out_root), "lang": (overrides or {}).get("lang", "id")} if cross_city else None
    )
    with Manager() as manager:
        queue, events = manager.Queue(), manager.Queue()
        for city in sorted(todo, key=lambda c: -_data_size(params_of[c])):
            queue.put([(city, nb, params_of[city]) for nb in todo[city]])
        last = (manager.Lock(), manager.Value("i", lanes), cross_params)
        runs += _supervise(
            queue, events, last, out_root, timeout, lanes if todo else 0, params_of, tuple(notebooks)
        )
    if cross_city and not any(r.notebook == CROSS_CITY for r in runs):  # no city ran, or its lane died
        if not force and not todo and _unchanged(previous, out_root, "all", CROSS_CITY, cross_key):
            runs.append(Run("all", CROSS_CITY, "ok", 0.0, str(out_root / f"{CROSS_CITY}.html"), reused=True))
        else:
            runs.append(run_one("", CROSS_CITY, cross_params, out_root, timeout))
    keys[("all", CROSS_CITY)] = _cross_key(out_root, overrides, code) if cross_city else ""
    for r in runs:  # whatever failed, for whatever reason, publishes nothing
        if r.status != "ok":
            unpublish(out_root, "" if r.city == "all" else r.city, r.notebook)
    record_runs(out_root, runs, params_of, keys)
    write_index(out_root)
    order = {c: i for i, c in enumerate([*cities, "all"])}
    return sorted(runs, key=lambda r: (order.get(r.city, 99), r.notebook))


#: The last build's outcome per city and notebook, for the index (``reports/runs.json``).
RUNS_FILE = "runs.json"


def data_stamp(data_dir) -> str:
    """When a city's data last changed: the newest modification time of its files (ISO, UTC), or "" without
    data. The index compares it with the time of the city's last run."""
    from datetime import UTC, datetime

    from analysis import config

    directory = config.resolve(data_dir) if data_dir else None
    if directory is None or not directory.is_dir():
        return ""
    times = [f.stat().st_mtime for f in directory.rglob("*") if f.is_file()]
    return datetime.fromtimestamp(max(times), UTC).isoformat(timespec="seconds") if times else ""


def record_runs(
    out_root: Path, runs: list[Run], params_of: dict[str, dict], keys: dict | None = None
) -> Path:
    """Merge this build's runs into ``<out>/runs.json``: per city and notebook the status, the reason of a
    failure, when it ran, when its data last changed then and its :func:`inputs_key`. Cities and notebooks not
    built, or not run again because nothing changed, keep their entry."""
    from datetime import UTC, datetime

    path = Path(out_root) / RUNS_FILE
    known = _recorded(out_root)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for r in runs:
        city = "" if r.city == "all" else r.city
        stamp = data_stamp(params_of.get(city, {}).get("data_dir")) if city else ""
        if r.reused:  # the same content as the report was made from: current, even if a file was touched
            known.get(r.city, {}).get(r.notebook, {})["data_changed"] = stamp
            continue
        known.setdefault(r.city, {})[r.notebook] = {
            "status": r.status,
            "error": without_paths(r.error),  # published beside the pages: no machine paths
            "ran": now,
            "data_changed": stamp,
            "inputs": (keys or {}).get((r.city, r.notebook), ""),
        }
    path.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def _recorded(out_root: Path) -> dict:
    try:
        return json.loads((Path(out_root) / RUNS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _unchanged(previous: dict, out_root: Path, city: str, notebook: str, key: str) -> bool:
    """The last run of (city, notebook) in ``out_root`` succeeded with the same inputs and its page is there."""
    entry = previous.get(city, {}).get(notebook, {})
    page = [
        p for p in published_paths(out_root, "" if city == "all" else city, notebook) if p.suffix == ".html"
    ]
    return bool(key) and entry.get("status") == "ok" and entry.get("inputs") == key and page[0].exists()


def code_digest() -> str:
    """SHA-256 of everything besides the data that a report depends on: the package (code, templates,
    translations), the reference tables, the notebooks, the versions of Python and the libraries that
    compute or draw, the browser that prints the PDFs (its path, size and time: an installed or upgraded
    Chromium reprints them) and the pseudonymisation key (a different key gives different staff ids, hence
    other draws of the bootstraps; only a hash of the key enters, inside this hash). Any change reruns every
    report. Computed once per build (about 0.1 s)."""
    import hashlib
    import importlib.metadata
    import platform

    import analysis
    from analysis.config import REFERENCE_DIR
    from analysis.data import pseudonymise

    h = hashlib.sha256(platform.python_version().encode())
    for dist in LIBRARIES:
        try:
            h.update(f"{dist}={importlib.metadata.version(dist)}".encode())
        except importlib.metadata.PackageNotFoundError:
            pass
    browser = pdf.chromium()
    if browser:
        real = os.path.realpath(browser)
        h.update(f"browser={real}:{os.path.getsize(real)}:{int(os.path.getmtime(real))}".encode())
    try:
        h.update(hashlib.sha256(b"asn-kinerja key\0" + pseudonymise.load_key()).digest())
    except pseudonymise.KeyProblem:  # every notebook then stops with the key's own message
        h.update(b"no usable key")
    roots = (Path(analysis.__file__).parent, Path(REFERENCE_DIR), Path(NOTEBOOKS_DIR))
    for root in roots:
        for f in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            if root == Path(NOTEBOOKS_DIR) and f.suffix != ".ipynb":
                continue
            h.update(f"{f.relative_to(root).as_posix()}\0".encode() + hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


#: The libraries whose version is part of every report's key (code_digest): those that compute, draw or write.
LIBRARIES = (
    "pandas", "numpy", "scipy", "highspy", "scikit-learn", "statsmodels", "duckdb", "csdid", "diff-diff",
    "matplotlib", "seaborn", "babel", "nbconvert",
)  # fmt: skip


def data_digest(params: dict) -> str:
    """SHA-256 of a city's data: every data file's name and SHA-256 (a visit-log folder's files included)."""
    import hashlib

    from analysis import config
    from analysis.data.load import SUFFIXES, sha256

    h = hashlib.sha256()
    data_dir = params.get("data_dir")
    directory = config.resolve(data_dir) if data_dir else None
    if directory is not None and directory.is_dir():
        for f in sorted(directory.iterdir()):
            if f.is_dir() or f.suffix.lower() in (*SUFFIXES, ".xlsx", ".xlsm", ".json"):
                h.update(f"{f.name}\0{sha256(f)}".encode())
    return h.hexdigest()


def inputs_key(notebook: str, params: dict, code: str | None = None, data: str | None = None) -> str:
    """What one report's content depends on: the code (``code``, else :func:`code_digest`), the notebook, its
    parameters and the city's data (``data``, else :func:`data_digest`). Equal keys: the same report."""
    import hashlib

    code = code or code_digest()
    data = data or data_digest(params)
    text = f"{code}\0{notebook}\0{json.dumps(params, sort_keys=True, default=str)}\0{data}"
    return hashlib.sha256(text.encode()).hexdigest()


def _cross_key(out_root: Path, overrides: dict | None, code: str) -> str:
    """The cross-city report's inputs: the code, the language and every city's published numbers."""
    import hashlib

    h = hashlib.sha256(f"{code}\0{json.dumps(overrides or {}, sort_keys=True)}".encode())
    for f in sorted(Path(out_root).glob("*/*.results.json")):
        h.update(f"{f.parent.name}/{f.name}\0".encode() + hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def summary(runs: list[Run]) -> str:
    table = pd.DataFrame([asdict(r) for r in runs])[
        ["city", "notebook", "status", "reused", "seconds", "path", "error"]
    ]
    return table.to_string(index=False)
