"""Published reports: failures are isolated, HTML is code-free, offline and private, numbers match results.json,
both languages render, and a real browser loads the pages with their images."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import nbformat
import pandas as pd
import pytest
import yaml
from PIL import Image

from analysis import cli, config
from analysis.report import i18n, runner, tables
from analysis.report import pages as html_pages
from analysis.report.catalogue import TEXT
from analysis.report.i18n import msg

ROOT = Path(__file__).resolve().parents[2]


def test_toc_links_every_section():
    page = "<main><h1>T</h1><h2 id='x'>One</h2><p/><h2>Two<a class='anchor-link'>¶</a></h2></main>"
    out = html_pages.add_toc(page)
    assert (
        '<nav class="asn-toc"><details><summary>Daftar isi</summary><ol><li><a href="#s1">One</a></li>'
        '<li><a href="#s2">Two</a></li></ol></details></nav>' in out
    )
    assert '<h2 id="s1"' in out and '<h2 id="s2"' in out


def test_unknown_parameter_is_rejected_and_a_sibling_notebooks_is_passed_only_where_it_belongs():
    effects, needs, monitoring = (ROOT / "notebooks" / f"{nb}.ipynb" for nb in config.CITY_NOTEBOOKS)
    with pytest.raises(ValueError, match=r"has no parameter\(s\) \['n_bots'\]"):
        runner.check_params(effects, {"city": "x", "n_bots": 3})
    city_yaml = {"city": "x", "required_source": "recorded", "control": "never_treated", "min_visits": 5}
    assert runner.check_params(effects, city_yaml) == {"city": "x", "control": "never_treated"}
    assert runner.check_params(needs, city_yaml) == {"city": "x", "required_source": "recorded"}
    assert runner.check_params(monitoring, city_yaml) == {"city": "x", "min_visits": 5}


@pytest.fixture
def probe_notebooks(tmp_path, monkeypatch):
    """A tiny notebook that fails for Bengkulu only, with city parameter files, in a private notebooks dir."""
    nbdir = tmp_path / "notebooks"
    (nbdir / "params").mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            'city = ""\ndata_dir = ""\nlang = "id"\nseed = 0\nresults_path = ""',
            metadata={"tags": ["parameters"]},
        ),
        nbformat.v4.new_code_cell(
            'if city == "bengkulu":\n    raise ValueError("boom for " + city)\n'
            "from analysis.report import results_json\n"
            'results_json.write_results(results_path, {"city": city})'
        ),
        nbformat.v4.new_markdown_cell("## Done"),
    ]
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    nbformat.write(nb, nbdir / "probe.ipynb")
    shutil.copy(ROOT / "notebooks" / "cross_city.ipynb", nbdir / "cross_city.ipynb")
    for city in ("kendari", "bengkulu"):
        (nbdir / "params" / f"{city}.yaml").write_text(yaml.safe_dump({"city": city, "data_dir": "x"}))
    monkeypatch.setattr(runner, "NOTEBOOKS_DIR", nbdir)
    monkeypatch.setenv("ASN_KINERJA_PARAMS_DIR", str(nbdir / "params"))  # the cities are these two
    return tmp_path


def test_one_failing_city_leaves_the_others_complete_and_exits_1(probe_notebooks, capsys):
    out = probe_notebooks / "reports"
    code = cli.main(
        ["report", "--city", "kendari", "--city", "bengkulu", "--notebook", "probe", "--out", str(out)]
    )
    assert code == 1
    printed = capsys.readouterr().out
    assert re.search(r"kendari\s+probe\s+ok", printed) and re.search(r"bengkulu\s+probe\s+failed", printed)
    assert "boom for bengkulu" in printed
    assert (out / "kendari" / "probe.html").exists() and (out / "kendari" / "probe.results.json").exists()
    assert (out / "cross_city.html").exists() and (out / "index.html").exists()


def test_a_failed_run_leaves_no_stale_page_or_numbers(probe_notebooks):
    out = probe_notebooks / "reports"
    (out / "bengkulu").mkdir(parents=True)
    (out / "bengkulu" / "probe.html").write_text("last week's page")
    (out / "bengkulu" / "probe.results.json").write_text('{"city": "bengkulu"}')
    runs = runner.build(["bengkulu"], ("probe",), out_root=out, cross_city=False)
    assert [r.status for r in runs] == ["failed"]
    assert not (out / "bengkulu" / "probe.html").exists()
    assert not (out / "bengkulu" / "probe.results.json").exists()
    kept = (
        out / ".failed" / "bengkulu" / "probe.ipynb"
    )  # the failed notebook, for debugging, linked from nowhere
    assert "boom for bengkulu" in kept.read_text() and str(probe_notebooks) not in kept.read_text()


def write_probe(name: str, code: str) -> None:
    """A notebook with the city parameters and one code cell, in the probe notebooks dir."""
    params = nbformat.v4.new_code_cell(
        'city = ""\ndata_dir = ""\nresults_path = ""', metadata={"tags": ["parameters"]}
    )
    nb = nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_code_cell(code)])
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    nbformat.write(nb, runner.NOTEBOOKS_DIR / f"{name}.ipynb")


def test_shared_kernel_forgets_the_last_notebook_and_a_failure_gets_a_fresh_kernel(probe_notebooks):
    write_probe(
        "first",
        "import os\nfrom analysis.report import results_json\nleaked = city\n"
        'if city == "bengkulu":\n    raise ValueError("first fails for bengkulu")\n'
        'results_json.write_results(results_path, {"pid": os.getpid()})',
    )
    write_probe(
        "second",
        "import os\nfrom analysis.report import results_json\n"
        'results_json.write_results(results_path, {"pid": os.getpid(), "leaked": "leaked" in globals()})',
    )
    out = probe_notebooks / "reports"
    runs = runner.build(["kendari", "bengkulu"], ("first", "second"), out_root=out, workers=1)
    status = {(r.city, r.notebook): r.status for r in runs}
    assert status == {
        ("kendari", "first"): "ok",
        ("kendari", "second"): "ok",
        ("bengkulu", "first"): "failed",
        ("bengkulu", "second"): "ok",
        ("all", "cross_city"): "ok",
    }
    got = {
        (c, nb): json.loads((out / c / f"{nb}.results.json").read_text())
        for c, nb in (("kendari", "first"), ("kendari", "second"), ("bengkulu", "second"))
    }
    assert got["kendari", "second"]["pid"] == got["kendari", "first"]["pid"]  # one kernel for the lane
    assert got["kendari", "second"]["leaked"] is False and got["bengkulu", "second"]["leaked"] is False
    assert (
        got["bengkulu", "second"]["pid"] != got["kendari", "first"]["pid"]
    )  # fresh kernel after the failure


def test_a_timeout_or_a_dead_kernel_fails_its_notebook_and_the_next_one_runs(probe_notebooks):
    starts = probe_notebooks / "starts.txt"
    write_probe(
        "sleepy", f"import time\nwith open({str(starts)!r}, 'a') as f:\n    f.write('x')\ntime.sleep(60)"
    )
    write_probe("crash", "import os\nos.kill(os.getpid(), 9)")  # the kernel dies mid-notebook
    write_probe(
        "after", "from analysis.report import results_json\nresults_json.write_results(results_path, {})"
    )
    out = probe_notebooks / "reports"
    runs = runner.build(
        ["kendari"], ("sleepy", "crash", "after"), out_root=out, workers=1, timeout=3, cross_city=False
    )
    by_nb = {r.notebook: r for r in runs}
    assert by_nb["sleepy"].status == "failed" and "timed out" in by_nb["sleepy"].error.lower()
    assert by_nb["sleepy"].seconds < 30
    assert by_nb["crash"].status == "failed" and by_nb["crash"].error.startswith("DeadKernelError")
    assert by_nb["after"].status == "ok" and (out / "kendari" / "after.results.json").exists()
    alone = runner.run_one("kendari", "sleepy", {}, out, timeout=3)  # its own kernel, as plain papermill
    assert alone.status == "failed" and alone.error.startswith("CellTimeoutError: A cell timed out")
    assert (
        starts.read_text() == "xx"
    )  # once per run: a timeout is not retried like a kernel that failed to start


def test_a_killed_worker_fails_only_its_notebook_and_leaves_no_stale_numbers(probe_notebooks):
    """kill -9 of the worker process running Bengkulu's first notebook: that run fails, Bengkulu's next
    notebook and Kendari still run, and last build's Bengkulu page and numbers are gone from the folder, the
    index and the cross-city page."""
    write_probe(
        "first",
        "import os\nfrom analysis.report import results_json\n"
        'if city == "bengkulu":\n    os.kill(os.getppid(), 9)  # the kernel kills the worker that runs it\n'
        'results_json.write_results(results_path, {"city": city})',
    )
    write_probe(
        "second",
        'from analysis.report import results_json\nresults_json.write_results(results_path, {"city": city})',
    )
    out = probe_notebooks / "reports"
    (out / "bengkulu").mkdir(parents=True)
    for name, text in (("first.html", "last week's page"), ("first.results.json", '{"city": "STALE"}')):
        (out / "bengkulu" / name).write_text(text)
    runs = runner.build(["kendari", "bengkulu"], ("first", "second"), out_root=out, workers=2)
    status = {(r.city, r.notebook): (r.status, r.error) for r in runs}
    assert status[("bengkulu", "first")][0] == "failed"
    assert "worker process died" in status[("bengkulu", "first")][1]
    assert status[("bengkulu", "second")][0] == "ok" and status[("kendari", "first")][0] == "ok"
    assert status[("kendari", "second")][0] == "ok" and status[("all", "cross_city")][0] == "ok"
    assert not (out / "bengkulu" / "first.html").exists()
    assert not (out / "bengkulu" / "first.results.json").exists()
    assert "STALE" not in (out / "index.html").read_text() + (out / "cross_city.html").read_text()
    assert not list((out / ".staging").glob("*"))


def test_a_timed_out_run_leaves_no_executed_notebook_beside_no_page(probe_notebooks):
    write_probe("sleepy", "import time\ntime.sleep(60)")
    out = probe_notebooks / "reports"
    (out / "kendari").mkdir(parents=True)
    (out / "kendari" / "sleepy.ipynb").write_text("{}")  # last build's executed notebook
    runs = runner.build(["kendari"], ("sleepy",), out_root=out, workers=1, timeout=3, cross_city=False)
    assert [r.status for r in runs] == ["failed"]
    assert not list((out / "kendari").glob("sleepy.*"))


def test_two_builds_at_once_in_one_folder_take_turns(probe_notebooks):
    """Two `report` processes started together on one folder: the second waits for the lock; both succeed
    and the folder holds one consistent build (every page with its numbers, nothing half-made)."""
    write_probe(
        "slowish",
        "import time\nfrom analysis.report import results_json\ntime.sleep(2)\n"
        'results_json.write_results(results_path, {"city": city})',
    )
    out = probe_notebooks / "reports"
    script = (
        "import sys\nfrom pathlib import Path\nfrom analysis.report import runner\n"
        f"runner.NOTEBOOKS_DIR = Path({str(runner.NOTEBOOKS_DIR)!r})\n"
        f"runs = runner.build(['kendari'], ('slowish',), out_root=Path({str(out)!r}), workers=1)\n"
        "sys.exit(0 if all(r.status == 'ok' for r in runs) else 1)\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert sum("waiting: another report build" in o for o in outputs) == 1
    assert json.loads((out / "kendari" / "slowish.results.json").read_text()) == {"city": "kendari"}
    assert (out / "kendari" / "slowish.html").exists() and (out / "index.html").exists()
    assert not list((out / ".staging").glob("*"))


@pytest.mark.integration
def test_invalid_city_data_fail_its_reports_with_the_command_that_lists_the_problems(tmp_path):
    from conftest import tiny_tables, write_city

    t = tiny_tables()
    t["units"].loc[0, "sector"] = "space"
    bad = write_city(tmp_path / "bad", t)
    runs = runner.build(
        ["kendari"],
        ("programme_effects",),
        out_root=tmp_path / "out",
        cross_city=False,
        overrides={"data_dir": str(bad)},
    )
    assert [r.status for r in runs] == ["failed"]
    assert runs[0].error == (
        f"DataValidationError: 1 data problem(s) in {bad}; run `asn-kinerja validate {bad}` to see them all"
    )


# ------------------------------------------------------------------------------------------ a real build
@pytest.fixture(scope="module")
def built(tmp_path_factory, demo_city):
    city = "banda-aceh"
    raw = demo_city(city)
    out = tmp_path_factory.mktemp("reports")
    runs = runner.build([city], out_root=out, overrides={"data_dir": str(raw)})
    assert all(r.status == "ok" for r in runs), runner.summary(runs)
    en = tmp_path_factory.mktemp("reports_en")  # every page in English too: both reports, cross-city, index
    runs = runner.build([city], out_root=en, overrides={"data_dir": str(raw), "lang": "en"})
    assert all(r.status == "ok" for r in runs), runner.summary(runs)
    fresh = tmp_path_factory.mktemp("reports_fresh")  # its own kernel, as plain papermill runs it
    run = runner.run_one(
        city, "training_needs", {**runner.city_params(city), "data_dir": str(raw)}, fresh, 900
    )
    assert run.status == "ok", run.error
    return {"out": out, "city": city, "raw": raw, "en": en, "fresh": fresh}


def pages(built) -> dict[str, str]:
    out = built["out"]
    found = {p.relative_to(out).as_posix(): p.read_text() for p in out.rglob("*.html")}
    found.update(
        {"en/" + p.relative_to(built["en"]).as_posix(): p.read_text() for p in built["en"].rglob("*.html")}
    )
    return found


@pytest.mark.slow
def test_html_has_no_code_no_scripts_no_identifiers(built):
    staff = pd.read_csv(built["raw"] / "staff.csv", dtype=str)
    from analysis.data import load as aio

    staff_ids = set(aio.load_city(built["raw"]).tables["staff"]["staff_id"])
    for name, page in pages(built).items():
        assert "<script" not in page, name
        assert not re.search(r'class="[^"]*jp-InputArea-editor', page), name  # no code cell inputs
        assert "evaluate_city(" not in page and "analyse_city(" not in page and "import time" not in page, (
            name
        )
        assert not re.search(r"(?<!\d)\d{18}(?!\d)", page), name
        assert not staff_ids & set(re.findall(r"[0-9a-f]{20}", page)), name
        assert not any(n in page for n in staff["nama"].unique()), name
        assert "injected-parameters" not in page, name


class _Tables(HTMLParser):
    """The rows (header and data cells, as text) of every <table> in a page."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


#: Published headers (Bahasa Indonesia, from the catalogue) of columns that count staff, and of label columns.
COUNT_COLUMNS = {
    msg(f"col.{c}", "id", **tables.HEADER_FIELDS)
    for c in ("total", "people", "staff", "participants", "enrolments", "recognition", "coaching")
}
LABEL_COLUMNS = {msg(f"col.{c}", "id") for c in ("agency", "group_name", "name", "share")}


@pytest.mark.slow
def test_no_published_cell_under_min_cell(built):
    page = (built["out"] / built["city"] / "training_needs.html").read_text()
    assert "&lt;10" in page  # small cells exist in the demo and are shown as suppressed
    parser = _Tables()
    parser.feed(page)
    checked = 0
    for rows in parser.tables:
        header = rows[0] if rows else []
        crosstab = msg("col.total", "id") in header  # staff counts in every cell
        for row in rows[1:]:
            for col, value in zip(header, row, strict=False):
                if not (crosstab or col in COUNT_COLUMNS) or col in LABEL_COLUMNS:
                    continue
                try:
                    number = float(value.replace(".", "").replace(",", "."))  # 3.120 / 0,73: Indonesian
                except ValueError:
                    continue
                checked += 1
                assert number == 0 or number >= 10, (header, row)
    assert checked > 50


@pytest.mark.slow
def test_results_json_numbers_are_the_ones_shown(built):
    d = built["out"] / built["city"]
    page = (d / "programme_effects.html").read_text()
    res = json.loads((d / "programme_effects.results.json").read_text())
    num = lambda x, d=2: i18n.number(x, "id", d)  # noqa: E731 - as the Indonesian page writes it
    for o in res["outcomes"].values():
        assert num(o["estimate"]) in page
        assert f"{num(o['ci_low'])} .. {num(o['ci_high'])}" in page
        sens = o["sensitivity"]  # the breakdown value in its sentence, and fragile when below 1
        assert sens["status"] == "ok" and num(sens["breakdown"]) in page
        assert ("sensitivity" in o["reasons"]) == (
            sens["breakdown"] < sens["breakdown_min"] and o["verdict"] == "fragile"
        )
    plan = res["planning"]  # simulated, with its draws, beside the closed form's first guess
    assert plan["method"] == "simulation_imputation"
    assert f"{plan['simulation']['units_needed']} unit" in page
    assert f"{plan['simulation']['draws']} panel" in page and f"{plan['first_guess_units']} unit" in page
    assert num(res["ikm_now"]["ikm"]) in page
    needs_page = (d / "training_needs.html").read_text()
    needs_res = json.loads((d / "training_needs.results.json").read_text())
    assert needs_res["largest_need"]["name"] in needs_page
    assert f"({num(needs_res['largest_need']['participants'], 0)} pegawai)" in needs_page
    index = (built["out"] / "index.html").read_text()
    eff = res["outcomes"]["median_wait_minutes"]
    assert i18n.number(eff["estimate"], "id", 2, sign=True) in index and "DATA DEMO" in index


@pytest.mark.slow
def test_both_languages_render(built):
    id_page = (built["out"] / built["city"] / "programme_effects.html").read_text()
    en_page = (built["en"] / built["city"] / "programme_effects.html").read_text()
    assert "Temuan utama" in id_page and "Headline effects" not in id_page
    assert "Headline effects" in en_page and "Temuan utama" not in en_page
    # a real title (the page's heading) and the report language, on every page
    assert '<html lang="en">' in en_page and "<title>Notebook</title>" not in en_page
    for name, page in pages(built).items():
        if name == "index.html":
            continue
        assert f'<html lang="{"en" if name.startswith("en/") else "id"}">' in page, name
        title = re.search(r"<title>(.*?)</title>", page).group(1)
        assert title != "Notebook" and title in page.split("</head>", 1)[1], (name, title)


@pytest.mark.slow
def test_every_table_header_is_in_the_report_language(built):
    """No published table shows a code-side column name (``cost_idr``, ``n_units``...): headers come from the
    message catalogue, in Bahasa Indonesia or English."""
    raw_names = {
        key.split(".", 1)[1]
        for key, text in TEXT.items()
        if key.startswith("col.") and key.split(".", 1)[1] not in (text, i18n._translate(text, "en", key))
    }  # not 'df', 'p', 'jp'...
    headers = {}
    for name, page in pages(built).items():
        parser = _Tables()
        parser.feed(page)
        headers[name] = {cell for rows in parser.tables for cell in (rows[0] if rows else [])}
        leaked = {h for h in headers[name] if h in raw_names or re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", h)}
        assert not leaked, (name, leaked)
    en, id_ = (
        headers[f"en/{built['city']}/programme_effects.html"],
        headers[f"{built['city']}/programme_effects.html"],
    )
    assert {"Sector", "Effect", "Note", "Kind"} <= en and {"Sektor", "Dampak", "Catatan", "Jenis"} <= id_
    assert {"Perangkat daerah", "Biaya (Rp)", "Porsi >= 20 JP"} <= headers[
        f"{built['city']}/training_needs.html"
    ]


@pytest.mark.slow
def test_an_instansis_own_competency_name_validates_with_a_warning_and_the_competency_report_builds(
    built, tmp_path
):
    """Issue 16: own competency names used to be refused at ingestion (and crashed naming the groups). With
    M.05 renamed to an instansi's own 'integritas' (its recorded level_required is its standard): validate
    gives one warning for it and no error, the report builds, names the competency in words, and says that
    its shortfalls are not in the costed plan (no programme in the catalogue for it)."""
    from analysis.data import load

    raw = tmp_path / "own-names"
    shutil.copytree(built["raw"], raw)
    ca = pd.read_csv(raw / "competency_assessments.csv", dtype=str, keep_default_na=False)
    ca["competency"] = ca["competency"].replace({"M.05": "integritas"})
    ca.to_csv(raw / "competency_assessments.csv", index=False)
    found = load.validate(raw)
    assert not [p for p in found if p.severity == "error"], [p.rule for p in found if p.severity == "error"]
    own = [p for p in found if p.column == "competency"]
    assert len(own) == 1 and own[0].value.startswith("integritas") and "bukan kode" in own[0].aturan
    params = {**runner.city_params(built["city"]), "data_dir": str(raw)}
    run = runner.run_one(built["city"], "training_needs", params, tmp_path / "out", 900)
    assert run.status == "ok", run.error
    res = json.loads((tmp_path / "out" / built["city"] / "training_needs.results.json").read_text())
    missing = res["plan"]["without_programme"]
    assert missing["competencies"] == ["integritas"] and missing["people"] > 0
    page = Path(run.path).read_text()
    assert "Integritas" in page and "belum punya program di katalog pelatihan" in page


@pytest.mark.slow
def test_competency_report_says_when_recorded_required_levels_differ_and_can_use_them(built, tmp_path):
    """An instansi that records its own standard: the report says so (counts, suppressed table) and uses the
    standard table, or the recorded levels with required_source = recorded."""
    raw = tmp_path / "own-standard"
    shutil.copytree(built["raw"], raw)
    ca = pd.read_csv(raw / "competency_assessments.csv", dtype=str, keep_default_na=False)
    staff = pd.read_csv(raw / "staff.csv", dtype=str, keep_default_na=False)
    pelaksana = set(staff.loc[staff["position_class"] == "pelaksana", "nip"])
    own = ca["nip"].isin(pelaksana) & (ca["competency"] == "SK.01")
    ca.loc[own, "level_required"] = "3"
    ca.to_csv(raw / "competency_assessments.csv", index=False)
    params = {**runner.city_params(built["city"]), "data_dir": str(raw)}
    runs = {
        src: runner.run_one(
            built["city"], "training_needs", {**params, "required_source": src}, tmp_path / src, 900
        )
        for src in ("reference", "recorded")
    }
    assert all(r.status == "ok" for r in runs.values()), [r.error for r in runs.values()]
    page = Path(runs["reference"].path).read_text()
    res = {
        src: json.loads((tmp_path / src / built["city"] / "training_needs.results.json").read_text())
        for src in runs
    }
    n = int(ca.loc[own, "nip"].nunique())  # the latest record per staff member (half are assessed twice)
    assert n >= 10
    assert res["reference"]["required_levels"] == {
        "source": "reference",
        "differing_standards": 1,
        "records": n,
    }
    assert res["recorded"]["required_levels"]["source"] == "recorded"
    assert (
        f"pada {i18n.number(n, 'id')} catatan asesmen" in page
        and "Level standar" in page
        and "Level yang dicatat" in page
    )
    # the recorded standard is higher, so more staff fall short when it is used
    assert res["recorded"]["plan"]["people"] > res["reference"]["plan"]["people"]


@pytest.mark.slow
def test_provenance_lists_data_hashes(built):
    page = (built["out"] / built["city"] / "programme_effects.html").read_text()
    import hashlib

    digest = hashlib.sha256((built["raw"] / "units.csv").read_bytes()).hexdigest()
    assert digest in page and "git commit" in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
@pytest.mark.parametrize("page", ["index.html", "banda-aceh/programme_effects.html"])
def test_browser_loads_page_with_images(built, tmp_path, page):
    url = (built["out"] / page).as_uri()
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    shot = tmp_path / "shot.png"
    subprocess.run(
        [CHROMIUM, *FLAGS, *profile, "--window-size=1000,1400", f"--screenshot={shot}", url],
        check=True,
        timeout=120,
        capture_output=True,
    )
    img = Image.open(shot).convert("L")
    assert img.size == (1000, 1400)
    assert len(set(img.resize((100, 140)).tobytes())) > 20  # not a blank page: many grey levels
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, *profile, "--dump-dom", url],
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    ).stdout
    assert "</html>" in dom
    sources = re.findall(r'<img[^>]+src="([^"]+)"', dom)
    if page.endswith("programme_effects.html"):
        assert len(sources) >= 7
    for src in sources:  # every figure is embedded and decodes: nothing can be broken offline
        kind, data = re.fullmatch(r"data:image/(png|svg\+xml);base64,(.+)", src, flags=re.S).groups()
        raw = base64.b64decode(data)
        if kind == "png":
            Image.open(io.BytesIO(raw)).verify()
        else:  # well-formed SVG with a size, drawn paths and its labels as text
            svg = ElementTree.fromstring(raw)
            ns = "{http://www.w3.org/2000/svg}"
            assert svg.get("viewBox") and next(svg.iter(f"{ns}path"), None) is not None
            assert any((t.text or "").strip() for t in svg.iter(f"{ns}text"))
    assert not re.search(
        r'<(?:img|script|link)[^>]+(?:src|href)="https?:', dom
    )  # nothing fetched from outside


@pytest.mark.slow
def test_shared_kernel_results_equal_a_fresh_kernels(built):
    """The competency notebook ran second in the shared kernel, on the data the effects notebook had checked."""
    name = "training_needs.results.json"
    shared = json.loads((built["out"] / built["city"] / name).read_text())
    fresh = json.loads((built["fresh"] / built["city"] / name).read_text())
    assert shared == fresh and shared["k"] >= 1


# ------------------------------------------------------------------ numbers and words in the reader's language
#: Words that only Indonesian prose uses (not 'unit', 'data', 'program': both languages write them).
INDONESIAN = {
    "yang",
    "tidak",
    "untuk",
    "dengan",
    "adalah",
    "bahwa",
    "belum",
    "setiap",
    "atau",
    "bila",
    "sebelum",
    "sesudah",
    "kota",
    "pegawai",
    "dampak",
    "kelompok",
    "waktu",
    "tunggu",
}
ENGLISH = {
    "the",
    "and",
    "of",
    "with",
    "which",
    "before",
    "after",
    "every",
    "not",
    "is",
    "are",
    "staff",
    "effect",
    "group",
    "waiting",
}
#: A point followed by other than three digits is a decimal point (wrong in Indonesian: 0,88); a comma followed by
#: other than three digits is a decimal comma (wrong in English). Three digits after either mark are a thousands
#: group (3.664 / 3,664), or a number with three decimals, which this check cannot tell apart.
POINT_DECIMAL = re.compile(r"(?<![\w.,-])\d+\.(?!\d{3}(?!\d))\d+")
COMMA_DECIMAL = re.compile(r"(?<![\w.,-])\d+,(?!\d{3}(?!\d))\d+")
#: Thousands grouped the other language's way: 647,828 on an Indonesian page, 647.828 on an English one (the
#: pages write three decimals only for p-values, which start with 0).
COMMA_GROUPS = re.compile(r"(?<![\w.,-])[1-9]\d{0,2}(?:,\d{3})+(?![\d,])")
POINT_GROUPS = re.compile(r"(?<![\w.,-])[1-9]\d{0,2}(?:\.\d{3})+(?![\d.])")
WRONG = {"id": (POINT_DECIMAL, COMMA_GROUPS), "en": (COMMA_DECIMAL, POINT_GROUPS)}


@pytest.mark.parametrize(
    ("lang", "text", "wrong"),
    [
        (
            "id",
            "647,828 kunjungan; ARI 0.88 dan 0,90; p = 0,002; 3.664 pegawai; 2024-01",
            ["0.88", "647,828"],
        ),
        ("en", "647.828 visits; ARI 0,88 and 0.90; p = 0.002; 3,664 staff; 2024-01", ["0,88", "647.828"]),
    ],
)
def test_the_page_check_sees_numbers_written_the_other_way(lang, text, wrong):
    assert sorted(m for pattern in WRONG[lang] for m in pattern.findall(text)) == sorted(wrong)


def _proper_names(raw) -> list[str]:
    """Names a page may show in their own language: agencies, units, training programmes."""
    from analysis.data import reference

    names = set(pd.read_csv(raw / "units.csv", dtype=str)[["unit_name", "agency"]].stack())
    names |= set(reference.table("training_catalogue")["name"])
    return sorted(names, key=len, reverse=True)


@pytest.mark.slow
def test_every_page_writes_numbers_and_words_in_its_language(built):
    """The Indonesian pages write 3.664 and 0,9, the English ones 3,664 and 0.9, in prose, tables, figures (their
    SVG text) and the index; and neither shows the other language's prose outside proper names. The provenance
    table (software versions, file names) is left out."""
    names = _proper_names(built["raw"])
    scanned = 0
    for name, page in pages(built).items():
        lang = "en" if name.startswith("en/") else "id"
        text, figures = html_pages.visible_text(page)
        for heading in ("Asal-usul laporan", "Provenance"):
            text = text[: text.rfind(heading)] if heading in text else text
        text = " ".join([text, *figures])
        for proper in names:
            text = text.replace(proper, " ")
        wrong = [m for pattern in WRONG[lang] for m in pattern.findall(text)]
        assert not wrong, (name, wrong[:10])
        other = INDONESIAN if lang == "en" else ENGLISH
        words = sorted({w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in other})
        assert not words, (name, words)
        scanned += 1
    assert scanned >= 8  # both reports, cross-city and index, in both languages


@pytest.mark.slow
def test_published_results_json_against_the_demo_truth(built):
    """The numbers a reader gets (results.json of the built pages, Bahasa Indonesia and English) against the
    truth the demo generator planted: Banda Aceh's IKM interval covers the true effect; its waiting-time effect
    starts two months early (anticipation, not set in its parameters), so the published verdict is fragile
    for that reason, not a confident decrease. Both languages publish the same numbers."""
    truth = json.loads((built["raw"] / "truth.json").read_text())
    assert truth["imperfection"]["scenario"]["anticipation"] == 2
    by_lang = {
        lang: json.loads((root / built["city"] / "programme_effects.results.json").read_text())
        for lang, root in (("id", built["out"]), ("en", built["en"]))
    }
    for lang, res in by_lang.items():
        ikm, wait = res["outcomes"]["ikm"], res["outcomes"]["median_wait_minutes"]
        assert res["lang"] == lang and res["demo"] is True
        assert ikm["ci_low"] <= truth["effects"]["ikm"]["overall"] <= ikm["ci_high"], (ikm, lang)
        assert wait["verdict"] == "fragile" and "joint" in wait["reasons"], wait["reasons"]
    strip = lambda r: {k: v for k, v in r.items() if k not in ("lang", "decision")}  # noqa: E731 (words)
    assert strip(by_lang["id"]) == strip(by_lang["en"])


@pytest.mark.slow
def test_every_results_json_key_is_documented(built):
    """docs/results.md documents results.json: every key a built report writes (top level, per outcome, and of
    the training-needs page) is named there, so the schema cannot drift from the files."""
    documented = set(re.findall(r"`\.?([a-z_0-9]+)", (ROOT / "docs" / "results.md").read_text()))
    city = built["out"] / built["city"]
    effects = json.loads((city / "programme_effects.results.json").read_text())
    needs = json.loads((city / "training_needs.results.json").read_text())
    keys = set(effects) | set(needs) | {k for o in effects["outcomes"].values() for k in o}
    keys |= set(json.loads((built["out"] / "cross_city.results.json").read_text()))
    monitoring = json.loads((city / "monitoring.results.json").read_text())
    keys |= set(monitoring) | {k for u in monitoring["units"] for k in u}
    keys |= {k for u in monitoring["units_needing_attention"] for k in u}
    assert keys - documented == set(), sorted(keys - documented)


def on_a_phone(page, script: str, tmp_path) -> dict:
    """Run ``script`` (a function body over ``doc``, returning JSON) on ``page`` laid out 390 x 844 CSS px.

    The page is loaded in a 390 px iframe: headless Chromium's window is at least 500 px wide, so
    ``--window-size=390,844`` would lay the page out at 500 px (how an earlier version of this test measured)."""
    wrapper = page.with_name("_phone_" + page.name)
    wrapper.write_text(
        '<!doctype html><html><body style="margin:0">'
        f'<iframe id="phone" src="{page.name}" style="width:390px;height:844px;border:0"></iframe>'
        "<script>document.getElementById('phone').addEventListener('load', () => {"
        "const doc = document.getElementById('phone').contentDocument;"
        f"const found = (() => {{ {script} }})();"
        "document.body.setAttribute('data-probe', JSON.stringify(found));});</script></body></html>"
    )
    try:
        dom = subprocess.run(
            [
                CHROMIUM,
                *FLAGS,
                f"--user-data-dir={tmp_path / 'profile'}",
                "--allow-file-access-from-files",
                "--window-size=600,900",
                "--virtual-time-budget=5000",
                "--dump-dom",
                wrapper.as_uri(),
            ],
            check=True,
            timeout=120,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        wrapper.unlink()
    return json.loads(html_unescape(re.search(r'data-probe="([^"]*)"', dom).group(1)))


FIRST_DECISION = """
  const h = [...doc.querySelectorAll('h2')].find(e => /Ringkasan|Summary for decision/.test(e.textContent));
  const first = [...doc.querySelectorAll('li.decision, li')].find(
    li => !li.closest('nav') && (h ? h.compareDocumentPosition(li) & Node.DOCUMENT_POSITION_FOLLOWING : li.matches('.decision')));
  return {heading: h ? h.getBoundingClientRect().top : null,
          first: first ? first.getBoundingClientRect().bottom : null,
          text: first ? first.textContent : '',
          width: doc.documentElement.clientWidth};"""


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
@pytest.mark.parametrize(
    "page",
    [
        "index.html",
        "banda-aceh/programme_effects.html",
        "banda-aceh/training_needs.html",
        "banda-aceh/monitoring.html",
    ],
)
def test_the_decision_summary_is_on_a_phones_first_screen(built, tmp_path, page):
    """On a 390 x 844 screen (a phone), the first decision sentence ends above the fold, on the index card and
    at the top of the effects report (its contents are folded above it)."""
    found = on_a_phone(built["out"] / page, FIRST_DECISION, tmp_path)
    assert found["width"] == 390, found  # laid out at a phone's width
    assert found["first"] is not None and 0 < found["first"] <= 844, found
    assert re.search(r"(menit|poin|Waktu tunggu|Kepuasan|pegawai|unit)", found["text"]), found


FIGURES = """
  doc.querySelectorAll('details').forEach(d => { d.open = true; });
  const figures = [...doc.querySelectorAll('img')].filter(i => i.src.startsWith('data:image/svg'));
  return {width: doc.documentElement.clientWidth, scroll: doc.documentElement.scrollWidth,
          figures: figures.map(i => ({shown: i.getBoundingClientRect().width, src: i.src}))};"""


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
@pytest.mark.parametrize(
    "page",
    [
        "banda-aceh/programme_effects.html",
        "banda-aceh/training_needs.html",
        "banda-aceh/monitoring.html",
        "cross_city.html",
        "index.html",
    ],
)
def test_on_a_phone_every_figure_reads_at_11_px_and_nothing_is_wider_than_the_screen(built, tmp_path, page):
    """Issue 15: figure text at least 11 CSS px on a 390 px phone. Each SVG's smallest font size (in its own
    units, points) times the scale the phone shows it at (shown width / the SVG's width in CSS px); tables
    scroll inside their own box, so the page itself is never wider than the screen."""
    found = on_a_phone(built["out"] / page, FIGURES, tmp_path)
    assert found["width"] == 390 and found["scroll"] <= 390, found | {"figures": len(found["figures"])}
    smallest = []
    for figure in found["figures"]:
        svg = base64.b64decode(figure["src"].split(",", 1)[1]).decode()
        natural = float(re.search(r'<svg[^>]*width="([\d.]+)pt"', svg).group(1)) * 96 / 72
        sizes = [float(s) for s in re.findall(r"font[^;\"]*?([\d.]+)px", svg)]
        assert sizes, "no text in a figure"
        smallest.append(min(sizes) * 96 / 72 * figure["shown"] / natural)
    if page != "index.html":
        assert smallest, "no figure found"
    assert all(px >= 11 for px in smallest), [round(px, 1) for px in smallest]


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


@pytest.mark.slow
def test_each_built_report_publishes_its_tables_as_xlsx_with_the_pages_hidden_cells(built):
    out, city = built["out"], built["city"]
    for notebook in ("programme_effects", "training_needs", "monitoring"):
        book = pd.read_excel(out / city / f"{notebook}.xlsx", sheet_name=None, dtype=str)
        cells = [str(v) for sheet in book.values() for v in sheet.to_numpy().ravel()]
        page = (out / city / f"{notebook}.html").read_text()
        assert str(out) not in " ".join(cells) and "/tmp/" not in " ".join(cells)  # no machine paths
        hidden_book = sum(bool(re.fullmatch(r"<\d+", c)) for c in cells)
        full_tables = re.sub(r'<div class="asn-top-rows">.*?</div>', "", page, flags=re.S)  # not twice
        hidden_page = len(re.findall(r"<td[^>]*>&lt;\d+</td>", full_tables))
        assert hidden_book == hidden_page, (notebook, hidden_book, hidden_page)
        assert page.count('class="download"') >= len(book) and f'href="{notebook}.xlsx"' in page


@pytest.mark.slow
def test_each_agency_has_its_page_with_the_city_pages_cells_only(built):
    """The view per perangkat daerah: a page per OPD, linked from the index, listing exactly that OPD's units
    needing attention and its staff per group as the competency page publishes them (a hidden count is hidden
    the same way: the page adds no number)."""
    out, city = built["out"], built["city"]
    mon = json.loads((out / city / "monitoring.results.json").read_text())
    needs = json.loads((out / city / "training_needs.results.json").read_text())
    index = (out / "index.html").read_text()
    assert f'href="{city}/opd/index.html"' in index
    agency = "Dinas Kesehatan"
    page = (out / city / "opd" / "dinas-kesehatan.html").read_text()
    text, _ = html_pages.visible_text(page)
    own = [a for a in mon["units_needing_attention"] if a["agency"] == agency]
    assert own and all(a["unit_name"] in text and a["follow_up"] in text for a in own)
    others = [a for a in mon["units_needing_attention"] if a["agency"] != agency]
    assert not any(f">{a['unit_name']}<" in page for a in others)
    groups = needs["by_agency"][agency]["groups"]
    hidden = f"&lt;{needs['min_cell']}"
    for group, count in groups.items():
        shown = hidden if count is None else i18n.number(count, "id")
        assert re.search(rf"<td>{re.escape(html_escape(group))}</td><td>{re.escape(shown)}</td>", page), group


def html_escape(text: str) -> str:
    import html

    return html.escape(text)


def pdf_pages(path: Path) -> int:
    """Pages of a Chromium PDF (its page objects are not compressed)."""
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_each_report_has_a_pdf_beside_it_within_its_page_budget(built):
    """Printed by headless Chromium with the print stylesheet (the findings; folded lists, downloads and the
    researchers' checks stay on the web page): the effects report in at most 8 A4 pages, the competency report
    in at most 10 (measured on the demo v6: effects 7, competency 10 in every city, the SKP figure folded), no
    machine path inside."""
    out, city = built["out"], built["city"]
    budget = {"programme_effects": 8, "training_needs": 10, "monitoring": 20}
    for notebook, most in budget.items():
        pdf = out / city / f"{notebook}.pdf"
        assert 0 < pdf_pages(pdf) <= most, (notebook, pdf_pages(pdf))
        assert str(out).encode() not in pdf.read_bytes() and b"/tmp/" not in pdf.read_bytes()
        assert f'href="{notebook}.pdf"' in (out / city / f"{notebook}.html").read_text()


JARGON = (
    "TWFE",
    "Callaway",
    "Sant'Anna",
    "csdid",
    "HonestDiD",
    "Borusyak",
    "Sun-Abraham",
    "bootstrap",
    "imputa",
)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_public_part_of_the_effects_page_has_no_method_jargon(built, lang):
    """Issue 15: estimator names and method words live in the sections tagged for researchers (and the
    provenance at the end); what a head of agency reads above them says the same in plain words."""
    out = built["out"] if lang == "id" else built["en"]
    page = (out / built["city"] / "programme_effects.html").read_text()
    public = []
    for cell in re.split(r'<div class="jp-Cell ', page)[1:]:
        if "celltag_researchers" in cell:  # on a code cell's outer div, on a markdown cell's inner one
            continue
        if re.search(
            r"<h2[^>]*>\s*(Asal-usul laporan|Provenance)", cell
        ):  # the heading, not the contents' link
            break
        text = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|img)\b.*?(</style>|>)", " ", cell, flags=re.S))
        public.append(html_unescape(text))
    public_text = " ".join(public)
    assert len(public_text) > 2000  # the page's public part was read
    assert [j for j in JARGON if j.lower() in public_text.lower()] == []


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_the_index_of_many_cities_groups_them_by_province_and_its_search_finds_one_on_a_phone(tmp_path):
    """514 kab/kota must stay usable: from GROUP_BY_PROVINCE_FROM cities on, the cards are grouped by province
    (named with their count; a province not in cities.csv last) under a search box whose script is inline (no
    external file). On a 390 px phone, typing 'medan' leaves one card and one province shown."""
    out = tmp_path / "reports"
    cities = ["kendari", "bengkulu", "banda-aceh", "medan"] + [f"kab-{i:03d}" for i in range(40)]
    for c in cities:
        (out / c).mkdir(parents=True)
        result = {"city": c, "k": 3, "stable": True, "demo": True, "lang": "id", "min_cell": 10}
        (out / c / "training_needs.results.json").write_text(json.dumps(result))
        (out / c / "training_needs.html").write_text("<html></html>")
    page = html_pages.write_index(out)
    text = page.read_text()
    summaries = re.findall(r"<summary>([^<]*)</summary>", text)
    assert summaries == [
        "Aceh (1)",
        "Bengkulu (1)",
        "Sulawesi Tenggara (1)",
        "Sumatera Utara (1)",
        "Provinsi belum tercatat (40)",
    ]
    assert text.count('class="card"') == 44 and "<script src" not in text and 'id="find"' in text
    found = on_a_phone(
        page,
        """const f = doc.getElementById('find'); f.value = 'medan';
           f.dispatchEvent(new Event('input'));
           const shown = s => [...doc.querySelectorAll(s)].filter(e => !e.hidden).length;
           return {cards: shown('.card'), provinces: shown('details.province'),
                   wide: doc.documentElement.scrollWidth};""",
        tmp_path,
    )
    assert found == {"cards": 1, "provinces": 1, "wide": 390}


def test_the_code_key_changes_with_the_pseudonymisation_key_and_the_pdf_browser(monkeypatch, tmp_path):
    """A resumable build reuses a report only when nothing it depends on changed: another HMAC key gives other
    staff ids (other bootstrap draws), another or a newly installed browser prints other PDFs. The key itself
    never enters runs.json, only a hash inside the hash."""
    from analysis.data import pseudonymise
    from analysis.report import pdf

    monkeypatch.setenv(pseudonymise.KEY_ENV, "a" * 64)
    monkeypatch.setattr(pdf, "chromium", lambda: None)
    base = runner.code_digest()
    assert runner.code_digest() == base  # stable
    monkeypatch.setenv(pseudonymise.KEY_ENV, "b" * 64)
    other_key = runner.code_digest()
    assert other_key != base
    browser = tmp_path / "chromium"
    browser.write_bytes(b"v1")
    monkeypatch.setattr(pdf, "chromium", lambda: str(browser))
    installed = runner.code_digest()
    assert installed != other_key
    browser.write_bytes(b"version 2")  # upgraded
    assert runner.code_digest() != installed
    assert "b" * 64 not in installed


@pytest.mark.slow
def test_the_skp_section_says_when_the_training_records_begin_after_the_skp_years(built):
    """The demo's training records begin in 2023 and its SKP years in 2020: the competency page says, in both
    languages, what training in 2020-2022 without a record would do to the SKP comparison, and results.json
    holds both years as the data give them."""
    raw = built["raw"]
    skp_from = int(pd.read_csv(raw / "performance.csv")["period"].min())
    trainings_from = int(pd.to_datetime(pd.read_csv(raw / "trainings.csv")["start"]).dt.year.min())
    res = json.loads((built["out"] / built["city"] / "training_needs.results.json").read_text())
    assert res["performance"]["records"] == {"skp_from": skp_from, "trainings_from": trainings_from}
    assert trainings_from > skp_from
    span = f"{skp_from}-{trainings_from - 1}"  # years as written, never 2.020
    page = (built["out"] / built["city"] / "training_needs.html").read_text()
    assert f"Catatan pelatihan dimulai {trainings_from}, SKP {skp_from}" in page and span in page
    en = (built["en"] / built["city"] / "training_needs.html").read_text()
    assert f"Training records begin in {trainings_from}, SKP records in {skp_from}" in en and span in en
