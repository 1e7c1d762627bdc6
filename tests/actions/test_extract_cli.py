"""jupyter-readiness extract: files written, the original untouched, refusals write nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from helpers.notebooks import REPO, code, md, notebook
from jupyterlab_readiness.actions.export.style import NOQA_REASON


def extract_cli(*args, cwd):
    env = {**os.environ, "PYTHONPATH": str(REPO / "python")}
    return subprocess.run(
        [sys.executable, "-m", "jupyterlab_readiness", "extract", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def work(project):
    nb = notebook(
        code("import json\nraw = '[1, 2, 3]'", 1),
        md("## Parse the data"),
        code("data = json.loads(raw)\ntotal = sum(data)", 2),
        code("print(total, data)", 3),
    )
    (project / "analysis.ipynb").write_text(json.dumps(nb))
    return project


def test_extract_writes_the_module_and_a_new_notebook_leaving_the_original(work):
    original = (work / "analysis.ipynb").read_text()
    result = extract_cli("analysis.ipynb", "--cells", "2", cwd=work)
    assert result.returncode == 0, result.stderr
    assert "analysis.py: parse_data(raw) → data, total" in result.stdout
    # the cell as JupyterLab shows it (the third), and the index it was given as
    assert "analysis.extracted.ipynb: cell 3 (--cells 2-2) replaced by a call to it" in result.stdout
    module = (work / "analysis.py").read_text()
    assert "def parse_data(raw)" in module and "import json" in module
    rewritten = json.loads((work / "analysis.extracted.ipynb").read_text())
    assert [c["cell_type"] for c in rewritten["cells"]] == ["code", "markdown", "code", "code"]
    assert rewritten["cells"][2]["source"] == "from analysis import parse_data\ndata, total = parse_data(raw)"
    assert (work / "analysis.ipynb").read_text() == original
    # idempotent: the same command again changes nothing
    module_bytes, notebook_bytes = (work / "analysis.py").read_bytes(), (work / "analysis.extracted.ipynb").read_bytes()
    assert extract_cli("analysis.ipynb", "--cells", "2", cwd=work).returncode == 0
    assert (work / "analysis.py").read_bytes() == module_bytes and (
        work / "analysis.extracted.ipynb"
    ).read_bytes() == notebook_bytes


def test_in_place_and_out(work):
    assert (
        extract_cli(
            "analysis.ipynb",
            "--cells",
            "2-2",
            "--module",
            "steps",
            "--function",
            "load",
            "--out",
            "new.ipynb",
            cwd=work,
        ).returncode
        == 0
    )
    assert "def load(raw)" in (work / "steps.py").read_text() and (work / "new.ipynb").exists()
    assert (
        extract_cli(
            "analysis.ipynb", "--cells", "2", "--module", "steps", "--function", "load", "--in-place", cwd=work
        ).returncode
        == 0
    )
    assert "from steps import load" in (work / "analysis.ipynb").read_text()


def test_in_place_keeps_the_notebooks_json_style(work):
    nb = json.loads((work / "analysis.ipynb").read_text())
    nb["metadata"]["custom"] = {"é": [1, 2]}
    before = json.dumps(nb, indent=2, ensure_ascii=False).replace("\n", "\r\n").encode()  # Windows, indent 2
    (work / "analysis.ipynb").write_bytes(before)
    assert extract_cli("analysis.ipynb", "--cells", "2", "--in-place", cwd=work).returncode == 0
    after = (work / "analysis.ipynb").read_bytes()
    assert after.count(b"\r\n") == after.count(b"\n")
    kept = [line for line in before.splitlines() if line in after.splitlines()]
    assert after.decode() == json.dumps(json.loads(after), indent=2, ensure_ascii=False).replace("\n", "\r\n")
    assert len(kept) > len(before.splitlines()) * 2 // 3  # the cells around the extracted one are the same lines


def test_an_existing_module_keeps_its_windows_line_breaks(work):
    (work / "analysis.py").write_bytes(b'"""Mine."""\r\n\r\n\r\ndef helper(x):\r\n    return x\r\n')
    assert extract_cli("analysis.ipynb", "--cells", "2", cwd=work).returncode == 0
    module = (work / "analysis.py").read_bytes()
    assert b"def parse_data(raw)" in module and b"def helper(x):\r\n    return x\r\n" in module
    assert module.count(b"\r\n") == module.count(b"\n")
    assert extract_cli("analysis.ipynb", "--cells", "2", cwd=work).returncode == 0
    assert (work / "analysis.py").read_bytes() == module  # re-extracting changes nothing


def test_a_heading_in_the_selection_stays_above_the_call(work):
    result = extract_cli("analysis.ipynb", "--cells", "1-2", cwd=work)
    assert result.returncode == 0, result.stderr
    assert "def parse_data(raw)" in (work / "analysis.py").read_text()
    cells = json.loads((work / "analysis.extracted.ipynb").read_text())["cells"]
    assert [c["cell_type"] for c in cells] == ["code", "markdown", "code", "code"]
    assert "".join(cells[1]["source"]) == "## Parse the data"
    assert "from analysis import parse_data" in "".join(cells[2]["source"])


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--cells", "1"], "no code cell"),  # the heading alone
        (["--cells", "0-9"], "cell"),
        (["--cells", "x"], "--cells takes indices"),
        (["--cells", "3-2"], "--cells 3-2 is backwards: write the first cell first (2-3)"),
        # the reasons name the problem, never the name that was given (a server reply must not echo input)
        (["--cells", "2", "--function", "print"], "builtin"),
        (["--cells", "2", "--module", "json"], "shadow"),
    ],
)
def test_refusals_are_exit_2_with_a_reason_and_write_nothing(work, args, reason):
    before = sorted(p.name for p in work.iterdir())
    result = extract_cli("analysis.ipynb", *args, cwd=work)
    assert result.returncode == 2 and reason in result.stderr
    assert sorted(p.name for p in work.iterdir()) == before


def test_an_existing_different_output_is_never_overwritten(work):
    (work / "analysis.extracted.ipynb").write_text("my own notes")
    result = extract_cli("analysis.ipynb", "--cells", "2", cwd=work)
    assert result.returncode == 2 and "exists and differs" in result.stderr
    assert (work / "analysis.extracted.ipynb").read_text() == "my own notes" and not (work / "analysis.py").exists()


def test_magics_in_the_selection_are_refused(project):
    (project / "m.ipynb").write_text(json.dumps(notebook(code("%matplotlib inline\nx = 1", 1), code("print(x)", 2))))
    result = extract_cli("m.ipynb", "--cells", "0", cwd=project)
    assert result.returncode == 2 and not (project / "m.py").exists()


def test_a_selection_of_definitions_is_said_to_move_and_no_function_is_named(project):
    nb = notebook(
        code("import math", 1),
        md("## Shapes"),
        code("RADIUS = 2\n\n\ndef area(r=RADIUS):\n    return math.pi * r**2", 2),
        code("print(area())", 3),
    )
    (project / "shapes.ipynb").write_text(json.dumps(nb))
    result = extract_cli("shapes.ipynb", "--cells", "1-2", "--function", "compute_area", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "shapes.py: moves RADIUS, area as they are",
        "shapes.extracted.ipynb: cells 2-3 (--cells 1-2) replaced by an import of them",
        "warning: No function was generated: the selection only defines names, which move to the module as they "
        "are and which the replacement cell imports.",
    ]
    assert "def area(r=RADIUS):" in (project / "shapes.py").read_text()
    cells = json.loads((project / "shapes.extracted.ipynb").read_text())["cells"]
    assert "".join(cells[2]["source"]) == "from shapes import RADIUS, area"


@pytest.mark.corpus
def test_the_module_passes_ruff_with_the_notebook_s_own_style_exempted_file_wide_as_the_export_does(project):
    from helpers.notebooks import CORPUS

    shutil.copy(CORPUS / "norvig__pytudes" / "ipynb__Anigrams.ipynb", project / "Anigrams.ipynb")
    result = extract_cli("Anigrams.ipynb", "--cells", "3-5", "--out", "A2.ipynb", cwd=project)
    assert result.returncode == 0, result.stderr
    module = (project / "anigrams.py").read_text(encoding="utf-8")
    first, rest = module.split("\n", 1)
    assert first.startswith("# ruff: noqa: ") and first.endswith(f" - {NOQA_REASON}"), first
    assert rest.startswith('"""Functions extracted from notebook Anigrams.ipynb')
    assert "Chain = List[Word]" in module, "the notebook's code is kept as it ran"
    for isolated in ([], ["--isolated"]):
        ruff = [sys.executable, "-m", "ruff", "check", "--no-cache", *isolated, "anigrams.py"]
        checked = subprocess.run(ruff, cwd=project, capture_output=True, text=True, timeout=120)
        assert checked.returncode == 0, checked.stdout
    # extracted again, the module keeps one exemption, the same
    again = extract_cli("Anigrams.ipynb", "--cells", "3-5", "--out", "A2.ipynb", cwd=project)
    assert again.returncode == 0, again.stderr
    assert (project / "anigrams.py").read_text(encoding="utf-8") == module
