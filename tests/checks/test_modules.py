"""Checks follow local modules the notebook imports: findings name the module file and line and
are anchored to the importing cell; modules are read through the root, size-limited."""

from __future__ import annotations

import json
from pathlib import Path

from helpers.notebooks import code, notebook
from jupyterlab_readiness.lint.engine import check_file, check_model
from jupyterlab_readiness.notebook.model import read_notebook

STEPS = """import datetime
import random

import requests


def load(path="/Users/ana/data.csv"):
    stamp = datetime.datetime.now()
    with open("log.txt", "a") as f:
        f.write(str(stamp))
    return random.random()
"""


def write(project: Path, *cells, modules: dict[str, str]) -> Path:
    for name, text in modules.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    path = project / "analysis.ipynb"
    path.write_text(json.dumps(notebook(*cells)))
    return path


def test_module_findings_are_anchored_to_the_importing_cell(project):
    path = write(
        project,
        code("x = 1", 1),
        code("import pandas\nfrom steps import load\nv = load()", 2),
        modules={"steps.py": STEPS},
    )
    report = check_file(path)
    found = {(f.check, f.cell_index, f.line, f.file, f.file_line) for f in report.findings if f.file}
    assert found == {
        ("wall-clock", 1, 2, "steps.py", 8),
        ("unseeded-random", 1, 2, "steps.py", 11),
        ("append-write", 1, 2, "steps.py", 9),
        ("absolute-path", 1, 2, "steps.py", 7),
        ("unpinned-import", 1, 2, "steps.py", 4),
    }
    clock = next(f for f in report.findings if f.check == "wall-clock")
    assert clock.message.startswith("In `steps.py` line 8 (imported here): `datetime.datetime.now` reads")
    assert all(f.fixes == [] for f in report.findings)


def test_an_import_the_notebook_reports_is_not_reported_again_and_seeds_carry_over(project):
    cells = (code("import requests\nimport random\nrandom.seed(1)\nimport steps", 1),)
    report = check_file(write(project, *cells, modules={"steps.py": STEPS}))
    pins = [
        (f.file, f.subject if hasattr(f, "subject") else None) for f in report.findings if f.check == "unpinned-import"
    ]
    assert pins == [(None, None)]  # requests: once, in the notebook
    assert [f for f in report.findings if f.check == "unseeded-random"] == []  # the notebook seeds random


def test_packages_and_modules_they_import_are_followed(project):
    modules = {"pkg/__init__.py": "from pkg import helpers\n", "pkg/helpers.py": "import time\nT = time.time()\n"}
    report = check_file(write(project, code("import pkg", 1), modules=modules))
    assert [(f.check, f.file, f.file_line) for f in report.findings if f.file] == [("wall-clock", "pkg/helpers.py", 2)]


def test_a_comment_in_the_module_suppresses_its_line(project):
    module = "import time\nT = time.time()  # readiness: ignore[wall-clock] a timestamp for the log\n"
    report = check_file(write(project, code("import helpers", 1), modules={"helpers.py": module}))
    assert [f for f in report.findings if f.file] == []
    assert [(s.check, s.cell_index, s.line, s.file, s.reason) for s in report.suppressed] == [
        ("wall-clock", 0, 2, "helpers.py", "a timestamp for the log")
    ]


def test_modules_outside_the_ceiling_large_or_binary_are_not_read(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "far.py").write_text("import time\nT = time.time()\n")
    (project / "far.py").symlink_to(outside / "far.py")
    (project / "big.py").write_text("import time\nT = time.time()\n" + "#" * (600 * 1024))
    (project / "blob.py").write_bytes(b"\xff\xfe" * 10)
    path = write(project, code("import far\nimport big\nimport blob", 1), modules={})
    report = check_model(read_notebook(path), path, None, "analysis.ipynb", ceiling=project.resolve())
    assert [f for f in report.findings if f.file] == []
    assert [f.file for f in check_file(path).findings if f.file] == ["far.py"]  # no ceiling: the CLI reads it


def test_an_extracted_module_keeps_its_warning(project):
    """Extract to module wrote steps.py: its unseeded draw is still reported, on the calling cell."""
    module = "import numpy as np\n\n\ndef sample():\n    return np.random.rand(3)\n"
    report = check_file(
        write(
            project, code("from analysis_steps import sample\nx = sample()", 1), modules={"analysis_steps.py": module}
        )
    )
    (finding,) = [f for f in report.findings if f.check == "unseeded-random"]
    assert (finding.cell_index, finding.line, finding.file, finding.file_line) == (0, 1, "analysis_steps.py", 5)
