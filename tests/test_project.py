"""Project hygiene: dependencies in sync, notebooks without outputs, two-command set-up documented."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[=<>!~ \[]", req, maxsplit=1)[0].lower()


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = [
        p for p in next(d["pip"] for d in env["dependencies"] if isinstance(d, dict)) if not p.startswith("-")
    ]
    runtimes = (
        "python",
        "pip",
        "openjdk",
    )  # not Python packages: Java is PySpark's runtime, not a pin of ours
    conda = {d for d in env["dependencies"] if isinstance(d, str) and d.split("=")[0] not in runtimes}
    listed = set(pip) | {d.replace("=", "==", 1) if "==" not in d else d for d in conda}
    assert {_name(r): r for r in listed} == {_name(r): r for r in wanted}


def test_notebooks_have_no_outputs_and_one_parameters_cell():
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), nb_path.name
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, nb_path.name


def test_readme_first_screen_shows_the_two_commands():
    head = "\n".join((ROOT / "README.md").read_text().splitlines()[:40])
    assert "make reports" in head and "make test" in head


def test_ci_runs_make_test_and_builds_the_docs_strictly():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "make docs" in ci
    assert (
        "--strict" in (ROOT / "Makefile").read_text() and "strict: true" in (ROOT / "mkdocs.yml").read_text()
    )


def test_makefile_is_self_documenting():
    text = (ROOT / "Makefile").read_text()
    for target in ("help", "reports", "test", "lab", "lint", "bench"):
        assert re.search(rf"^{target}:.*## ", text, re.M), target


def test_every_reference_table_names_its_source():
    readme = (ROOT / "data" / "reference" / "README.md").read_text()
    for f in (ROOT / "data" / "reference").iterdir():
        if f.suffix in (".csv", ".yaml"):
            assert f"`{f.name}`" in readme, f.name


LAYERS = {"data": set(), "demo": {"data"}, "methods": {"data"}, "report": {"data", "methods"}}


def test_layers_import_only_downwards():
    """data <- methods <- report: a module imports only from its own layer and the ones below it (ingestion
    never calls a method; methods never word their results). Every import, also inside functions."""
    import ast

    src = ROOT / "src" / "analysis"
    crossings = []
    for layer, allowed in LAYERS.items():
        for path in sorted((src / layer).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis."):
                    target = node.module.split(".")[1]
                    if target in LAYERS and target != layer and target not in allowed:
                        crossings.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {node.module}")
    assert not crossings, crossings
