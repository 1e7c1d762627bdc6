"""``jupyter-readiness contract``, ``waive`` and ``test-export`` as CI runs them: a real
subprocess, every format and exit code, --changed-since in a real git repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.git import commit, git, init, write_notebook
from helpers.notebooks import REPO, code, md, notebook
from jupyterlab_readiness.contract.schema import CONTRACT_RUN


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "python"), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "jupyterlab_readiness", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def write(path: Path, *cells) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook(*cells)), encoding="utf-8")
    return path


CLEAN = "import logging\nlogging.info('%s', 1)"
CONTRACT = """\
[project]
name = "team"

[tool.jupyter-readiness.contract]
checklist = ["pinned-environment", "reproducible-execution"]
min-score = 90

[[tool.jupyter-readiness.contract.waivers]]
check = "wall-clock"
notebook = "reports/daily.ipynb"
reason = "a daily report <by design> | dated today"
"""


@pytest.fixture
def tree(project: Path) -> Path:
    """ready.ipynb, reports/daily.ipynb (a waived wall-clock read: ready), sub/bad.ipynb (hidden state)."""
    (project / "pyproject.toml").write_text(CONTRACT)
    write(project / "ready.ipynb", md("# Ready"), code(CLEAN, 1))
    write(project / "reports" / "daily.ipynb", code("import datetime\nday = datetime.date.today()\n" + CLEAN, 1))
    write(project / "sub" / "bad.ipynb", code("total = frame.sum()", 1, cell_id="c0"))
    return project


def test_text_output_and_exit_code(tree):
    result = cli("contract", ".", cwd=tree)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "ready.ipynb  READY  every clause met (5)  (contract: pyproject.toml)"
    assert "reports/daily.ipynb  READY  every clause met (5)  (contract: pyproject.toml)" in lines
    assert "sub/bad.ipynb  NOT READY  3 of 5 clauses unmet  (contract: pyproject.toml)" in lines
    assert "  ✗ Reproducible execution passes: 1 finding at warning or above: `hidden-state` (error) in cell 1" in lines
    assert (
        "  waiver wall-clock in the notebook: applied to 1 finding (a daily report <by design> | dated today)" in lines
    )
    assert lines[-1] == "3 notebooks: 2 ready, 1 not ready"
    assert cli("contract", "ready.ipynb", "reports", cwd=tree).returncode == 0


def test_json_output_is_the_documented_verdict(tree):
    result = cli("contract", "--format", "json", "sub", "ready.ipynb", cwd=tree)
    assert result.returncode == 1
    run = CONTRACT_RUN.validate_json(result.stdout)
    assert [(v.path, v.ready, v.unmet) for v in run.notebooks] == [
        ("sub/bad.ipynb", False, 3),
        ("ready.ipynb", True, 0),
    ]
    bad = run.notebooks[0]
    assert [c.id for c in bad.clauses if not c.met] == [
        "checklist:reproducible-execution",
        "max-severity:all",
        "min-score",
    ]
    assert json.loads(result.stdout)["version"] == 1


def test_markdown_is_a_table_per_notebook_for_a_pull_request(tree):
    result = cli("contract", "--format", "markdown", ".", cwd=tree)
    assert result.returncode == 1
    out = result.stdout
    assert out.startswith("## Handoff contract: 2 of 3 notebooks ready\n")
    bad = out.index("### ❌ <code>sub/bad.ipynb</code>: not ready: 3 of 5 clauses unmet")
    assert bad < out.index("✅ <code>ready.ipynb</code>")  # the notebooks not ready first
    assert (
        "| | Clause | Why |\n|---|---|---|\n"
        "| ❌ | Reproducible execution passes | 1 finding at warning or above: `hidden-state` (error) in cell 1 |"
    ) in out
    assert out.count("| | Clause | Why |") == 3  # one table per notebook
    assert "<details><summary>✅ <code>reports/daily.ipynb</code>: ready: every clause met (5)</summary>" in out
    # the waiver's reason is escaped: no HTML tag, no broken table
    assert "| <code>wall-clock</code> | notebook | applied | a daily report &lt;by design&gt; \\| dated today |" in out


def test_unreadable_notebooks_and_invalid_contracts_are_exit_2(tree):
    (tree / "broken.ipynb").write_text("{ nope")
    result = cli("contract", "--format", "markdown", ".", cwd=tree)
    assert result.returncode == 2
    assert (
        "### ⚠️ <code>broken.ipynb</code>: cannot be judged\n\n> cannot read the notebook: not a notebook"
        in result.stdout
    )
    assert "<code>ready.ipynb</code>" in result.stdout  # the others are still judged
    (tree / "broken.ipynb").unlink()
    (tree / "pyproject.toml").write_text(CONTRACT.replace("min-score = 90", "min-score = 'ninety'"))
    result = cli("contract", "ready.ipynb", cwd=tree)
    assert result.returncode == 2
    # the headline names no contract: the default one is not what judged (nothing did)
    assert result.stdout.splitlines()[0] == "ready.ipynb  CANNOT BE JUDGED"
    assert (
        "pyproject.toml:6: tool.jupyter-readiness.contract.min-score: must be an integer from 0 to 100" in result.stdout
    )
    (tree / "pyproject.toml").write_text(CONTRACT.replace("min-score = 90", "min-score = 90\nmin-score = 80"))
    result = cli("contract", "ready.ipynb", cwd=tree)
    assert result.returncode == 2
    assert "invalid contract: pyproject.toml:7: not valid TOML: Cannot overwrite a value (column " in result.stdout
    assert cli("contract", "nothing-here", cwd=tree).returncode == 2
    empty = tree / "empty"
    empty.mkdir()
    result = cli("contract", "empty", cwd=tree)
    assert result.returncode == 2 and "no notebooks" in result.stderr


def test_changed_since_judges_only_the_changed_notebooks_in_a_git_repository(tmp_path):
    repo = init(tmp_path / "repo")
    (repo / "pyproject.toml").write_text("[tool.jupyter-readiness.contract]\nchecklist = []\n")
    write_notebook(repo / "old.ipynb", "y = undefined")  # not ready, but not changed
    write_notebook(repo / "changed.ipynb", CLEAN)
    base = commit(repo, "base")
    result = cli("contract", "--changed-since", base, ".", cwd=repo)
    assert result.returncode == 0 and result.stdout == f"No notebook changed since {base}.\n"
    result = cli("contract", "--changed-since", base, "--format", "markdown", ".", cwd=repo)
    assert result.returncode == 0 and f"No notebook changed since <code>{base}</code>." in result.stdout
    write_notebook(repo / "changed.ipynb", CLEAN + "\nx = 2")
    commit(repo, "edit a notebook")
    write_notebook(repo / "new.ipynb", "z = also_undefined")  # untracked
    result = cli("contract", "--changed-since", base, "--format", "json", ".", cwd=repo)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["changed_since"] == base
    assert [(v["path"], v["ready"]) for v in data["notebooks"]] == [("changed.ipynb", True), ("new.ipynb", False)]
    git(repo, "add", "new.ipynb")
    staged = json.loads(cli("contract", "--changed-since", "HEAD", "--format", "json", ".", cwd=repo).stdout)
    assert [v["path"] for v in staged["notebooks"]] == ["new.ipynb"]
    result = cli("contract", "--changed-since", "no-such-ref", ".", cwd=repo)
    assert result.returncode == 2 and "'no-such-ref' is not a commit this repository knows" in result.stderr


def test_a_pull_request_that_only_tightens_the_contract_is_judged_on_the_notebooks_it_affects(tmp_path):
    """Raising the contract's bar changes no notebook, yet makes one not ready: --changed-since
    must judge it."""
    repo = init(tmp_path / "repo")
    (repo / "pyproject.toml").write_text(CONTRACT)
    write(repo / "reports" / "daily.ipynb", code("import datetime\nday = datetime.date.today()\n" + CLEAN, 1))
    (repo / "README.md").write_text("# Team notebooks\n")
    commit(repo, "base")
    (repo / "README.md").write_text("# Team notebooks, documented\n")
    commit(repo, "a change no notebook depends on")
    result = cli("contract", "--changed-since", "HEAD~1", ".", cwd=repo)
    assert result.returncode == 0 and result.stdout == "No notebook changed since HEAD~1.\n"
    tightened = CONTRACT.split("[[tool.jupyter-readiness.contract.waivers]]")[0].replace("= 90", "= 100")
    (repo / "pyproject.toml").write_text(tightened)
    commit(repo, "drop the waiver, raise the bar")
    result = cli("contract", "--changed-since", "HEAD~1", "--format", "json", ".", cwd=repo)
    assert result.returncode == 1
    assert [(v["path"], v["ready"]) for v in json.loads(result.stdout)["notebooks"]] == [("reports/daily.ipynb", False)]


def test_a_waiver_left_behind_by_a_rename_is_reported_once_with_its_contract_file(tree):
    (tree / "reports" / "daily.ipynb").rename(tree / "reports" / "daily_report.ipynb")
    data = json.loads(cli("contract", "--format", "json", ".", cwd=tree).stdout)
    assert data["orphaned_waivers"] == [
        {"contract": "pyproject.toml", "check": "wall-clock", "notebook": "reports/daily.ipynb", "cell": None}
    ]
    assert not [v for v in data["notebooks"] if v["waivers"]]  # no verdict lists it: only the run does
    out = cli("contract", ".", cwd=tree).stdout
    assert out.count("names no notebook") == 1
    assert (
        "`pyproject.toml`: the waiver of `wall-clock` for `reports/daily.ipynb` names no notebook (renamed or "
        "deleted?): it accepts nothing; point it at the notebook's new path, or remove it." in out
    )
    markdown = cli("contract", "--format", "markdown", ".", cwd=tree).stdout
    assert "- ⚠️ <code>pyproject.toml</code>: the waiver of <code>wall-clock</code>" in markdown
    (tree / "reports" / "daily_report.ipynb").rename(tree / "reports" / "daily.ipynb")
    assert json.loads(cli("contract", "--format", "json", ".", cwd=tree).stdout)["orphaned_waivers"] == []


def test_waive_from_the_command_line(tree):
    reason = "frame comes from the runner"
    result = cli("waive", "sub/bad.ipynb", "--check", "hidden-state", "--cell", "c0", "--reason", reason, cwd=tree)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("pyproject.toml: added a waiver of hidden-state in cell c0 of sub/bad.ipynb\n")
    assert '+notebook = "sub/bad.ipynb"' in result.stdout  # the diff
    verdict = json.loads(cli("contract", "--format", "json", "sub/bad.ipynb", cwd=tree).stdout)["notebooks"][0]
    assert verdict["ready"] and verdict["waivers"][0]["status"] == "applied"
    before = (tree / "pyproject.toml").read_text()
    result = cli(
        "waive", "sub/bad.ipynb", "--check", "hidden-state", "--cell", "c0", "--reason", "x", "--dry-run", cwd=tree
    )
    assert result.returncode == 0 and "would replace" in result.stdout
    assert (tree / "pyproject.toml").read_text() == before
    for bad in (["--check", "nope"], ["--cell", "zz"], ["--expires", "2001-01-01"], ["--expires", "soon"]):
        args = ["waive", "sub/bad.ipynb", "--check", "hidden-state", "--reason", "r", *bad]
        result = cli(*args, cwd=tree)
        assert result.returncode == 2 and result.stderr.startswith("jupyter-readiness: not waived: "), result.stderr
    assert (tree / "pyproject.toml").read_text() == before


def test_a_waiver_for_a_check_that_does_not_fire_there_is_refused_with_what_does(tree):
    # It would accept nothing, yet read as if something were accepted (a typo'd id, the wrong cell).
    write(
        tree / "sub" / "two.ipynb",
        md("# Two"),
        code("import logging", 1, cell_id="c0"),
        code("total = frame.sum()\nlogging.info('%s', total)", 2, cell_id="c1"),
    )
    before = (tree / "pyproject.toml").read_text()

    def waive(*args: str) -> subprocess.CompletedProcess[str]:
        return cli("waive", "sub/two.ipynb", "--reason", "r", *args, cwd=tree)

    result = waive("--check", "wall-clock", "--cell", "c1")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "jupyter-readiness: not waived: the check does not fire on this cell (cell 3), so a waiver would accept "
        "nothing; the checks that fire on it: hidden-state\n"
    )
    result = waive("--check", "hidden-state", "--cell", "c0")
    assert result.returncode == 2 and result.stderr.endswith(
        "(cell 2), so a waiver would accept nothing; no check fires on it\n"
    )
    result = waive("--check", "wall-clock")
    assert result.returncode == 2
    assert result.stderr.endswith(
        "does not fire in this notebook, so a waiver would accept nothing; the checks that fire in it: hidden-state\n"
    )
    # A check that does not exist stays its own error, before any of this.
    result = waive("--check", "wall-clocks", "--cell", "c1")
    assert result.returncode == 2 and "unknown check id" in result.stderr
    assert (tree / "pyproject.toml").read_text() == before
    # A check disabled in the project's configuration does not fire either: the verdict never sees it.
    assert waive("--check", "hidden-state", "--cell", "c1", "--dry-run").returncode == 0
    (tree / "pyproject.toml").write_text(
        before.replace(
            "[tool.jupyter-readiness.contract]",
            '[tool.jupyter-readiness]\ndisable = ["hidden-state"]\n\n[tool.jupyter-readiness.contract]',
        )
    )
    result = waive("--check", "hidden-state", "--cell", "c1", "--dry-run")
    assert result.returncode == 2 and result.stderr.endswith("no check fires on it\n")


def test_a_cell_id_the_notebook_lacks_says_where_ids_come_from(tree):
    waive = ["--check", "hidden-state", "--cell", "zz", "--reason", "r"]
    with_ids = cli("waive", "sub/bad.ipynb", *waive, cwd=tree)
    assert with_ids.returncode == 2, with_ids.stderr
    assert "the ids are the findings' cell_id in `jupyter-readiness check --format json`" in with_ids.stderr
    assert "save it" not in with_ids.stderr  # its cells have ids: saving changes nothing
    # JupyterLab shows cell numbers, not ids: the number a user reads in every message is answered with the id
    by_number = cli("waive", "sub/bad.ipynb", "--check", "hidden-state", "--cell", "1", "--reason", "r", cwd=tree)
    assert by_number.returncode == 2 and by_number.stderr == (
        "jupyter-readiness: not waived: a cell id is not the cell's number: cell 1's id is c0\n"
    )
    ids = {
        f["cell_id"]
        for f in json.loads(cli("check", "--format", "json", "sub/bad.ipynb", cwd=tree).stdout)["notebooks"][0][
            "findings"
        ]
    }
    assert ids == {"c0"}  # where the message says the ids are
    without_ids = cli("waive", "ready.ipynb", *waive, cwd=tree)
    assert without_ids.returncode == 2 and "the notebook's cells have no ids: save it" in without_ids.stderr


# ---------------------------------------------------------------- test-export: the exported package's tests


PIPELINE = notebook(
    md("# Daily totals"),
    {**code("limit = 3", 1), "metadata": {"tags": ["parameters"]}},
    md("## Compute"),
    code("import logging\nvalues = list(range(limit))\ntotal = sum(values)\nlogging.info('total %s', total)", 2),
)


def test_test_export_records_the_packages_tests_for_the_contract(project):
    (project / "pyproject.toml").write_text(
        "[tool.jupyter-readiness.contract]\nchecklist = []\nexported-tests-pass = true\nparameters-cell = true\n"
    )
    (project / "daily.ipynb").write_text(json.dumps(PIPELINE))
    verdict = json.loads(cli("contract", "--format", "json", "daily.ipynb", cwd=project).stdout)["notebooks"][0]
    tests = next(c for c in verdict["clauses"] if c["id"] == "exported-tests-pass")
    assert not tests["met"] and tests["actions"] == ["export", "test-export"]
    result = cli("test-export", "daily.ipynb", cwd=project)
    assert result.returncode == 2 and "no exported package in daily: export the notebook first" in result.stderr
    exported = cli("export", "daily.ipynb", cwd=project)
    assert exported.returncode == 0, exported.stdout + exported.stderr
    result = cli("test-export", "daily.ipynb", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed" in result.stdout and "recorded in .readiness/daily.ipynb.tests.json" in result.stderr
    record = json.loads((project / ".readiness" / "daily.ipynb.tests.json").read_text())
    assert record["passed"] and record["package"] == "daily" and record["command"] == ["python", "-m", "pytest", "-q"]
    result = cli("contract", "daily.ipynb", cwd=project)
    assert result.returncode == 0, result.stdout
    assert "✓ Exported package's tests pass: the tests of daily passed on " in result.stdout
    # the team's own command, failing
    result = cli(
        "test-export",
        "daily.ipynb",
        "--",
        sys.executable,
        "-c",
        "import sys; print('3 failed'); sys.exit(3)",
        cwd=project,
    )
    assert result.returncode == 1 and "failed (exit code 3)" in result.stderr
    assert "(exit code 3: 3 failed)" in cli("contract", "daily.ipynb", cwd=project).stdout


def test_tests_of_a_package_exported_before_a_code_edit_never_count_for_the_edited_code(project):
    (project / "pyproject.toml").write_text(
        "[tool.jupyter-readiness.contract]\nchecklist = []\nexported-tests-pass = true\nparameters-cell = true\n"
    )
    (project / "daily.ipynb").write_text(json.dumps(PIPELINE))
    assert cli("export", "daily.ipynb", cwd=project).returncode == 0
    edited = json.loads(json.dumps(PIPELINE))
    edited["cells"][3]["source"] = edited["cells"][3]["source"].replace("sum(values)", "sum(values) * 2")
    (project / "daily.ipynb").write_text(json.dumps(edited))
    # the old package's tests still pass: they test the code it was exported from, not the notebook's now
    result = cli("test-export", "daily.ipynb", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    # the last line, after the tests' own output
    assert "was exported before the notebook's last code change" in result.stderr.splitlines()[-1]
    clause = "Exported package's tests pass: the notebook's code changed since its package was tested"
    assert clause in cli("contract", "daily.ipynb", cwd=project).stdout
    assert cli("export", "daily.ipynb", cwd=project).returncode == 0
    result = cli("test-export", "daily.ipynb", cwd=project)
    assert result.returncode == 0 and "exported before" not in result.stderr
    verdict = cli("contract", "daily.ipynb", cwd=project)
    assert verdict.returncode == 0 and "✓ Exported package's tests pass" in verdict.stdout, verdict.stdout


def test_test_export_takes_package_after_the_notebook_as_the_readme_writes_it(project):
    (project / "daily.ipynb").write_text(json.dumps(PIPELINE))
    exported = cli("export", "daily.ipynb", "--out", "pkg", cwd=project)
    assert exported.returncode == 0, exported.stdout + exported.stderr
    result = cli("test-export", "daily.ipynb", "--package", "pkg", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads((project / ".readiness" / "daily.ipynb.tests.json").read_text())["package"] == "pkg"
    # after --, an option of test-export's own belongs to the team's command
    echo = "import sys; print(' '.join(sys.argv[1:]))"
    result = cli(
        "test-export",
        "daily.ipynb",
        "--package",
        "pkg",
        "--",
        sys.executable,
        "-c",
        echo,
        "--package",
        "x",
        cwd=project,
    )
    assert result.returncode == 0 and result.stdout.strip() == "--package x", result.stdout + result.stderr


def python_without_pytest(folder: Path) -> Path:
    """A real interpreter with this one's packages except pytest: a virtual environment whose
    site-packages link to ours, pytest left out (a JupyterLab image that never installed it)."""
    import site
    import venv

    venv.create(folder / "venv", with_pip=False)
    python = folder / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    linked = folder / "packages"
    linked.mkdir()
    for entry in Path(site.getsitepackages()[0]).iterdir():
        if not entry.name.startswith(("pytest", "_pytest", "py.py")) and entry.suffix != ".pth":
            (linked / entry.name).symlink_to(entry)
    ours = subprocess.run(
        [str(python), "-c", "import site; print(site.getsitepackages()[0])"], capture_output=True, text=True, check=True
    )
    (Path(ours.stdout.strip()) / "linked.pth").write_text(f"{linked}\n")
    return python


def test_test_export_without_pytest_could_not_run_and_keeps_the_record(project, tmp_path):
    """``python -m pytest`` where pytest is not installed exits 1: that is not failing tests, and
    must not replace the passing record the team committed."""
    (project / "daily.ipynb").write_text(json.dumps(PIPELINE))
    assert cli("export", "daily.ipynb", "--out", "pkg", cwd=project).returncode == 0
    assert cli("test-export", "daily.ipynb", "--package", "pkg", cwd=project).returncode == 0
    record = (project / ".readiness" / "daily.ipynb.tests.json").read_bytes()
    python = python_without_pytest(tmp_path / "bare")
    result = subprocess.run(
        [str(python), "-m", "jupyterlab_readiness", "test-export", "daily.ipynb", "--package", "pkg"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(REPO / "python")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "not tested: pytest is not installed in this Python" in result.stderr
    assert (project / ".readiness" / "daily.ipynb.tests.json").read_bytes() == record


def test_a_package_exported_beside_the_notebooks_folder_counts_for_the_contract(project):
    (project / "pyproject.toml").write_text(
        "[tool.jupyter-readiness.contract]\nchecklist = []\nexported-tests-pass = true\nparameters-cell = true\n"
    )
    path = project / "notebooks" / "daily.ipynb"
    path.parent.mkdir()
    path.write_text(json.dumps(PIPELINE))
    out = project / "packages" / "daily"
    exported = cli("export", "notebooks/daily.ipynb", "--out", str(out), cwd=project)
    assert exported.returncode == 0, exported.stdout + exported.stderr
    tested = cli("test-export", "notebooks/daily.ipynb", "--package", "packages/daily", cwd=project)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    verdict = cli("contract", "notebooks/daily.ipynb", cwd=project)
    assert verdict.returncode == 0 and "✓ Exported package's tests pass" in verdict.stdout, verdict.stdout


def test_the_readme_documents_the_contract_its_clauses_and_commands():
    from jupyterlab_readiness.handoff.spec import CLAUSE_KEYS, WAIVER_KEYS

    readme = (REPO / "README.md").read_text()
    section = readme.split("## Handoff contract")[1].split("\n## ")[0]
    for key in (*CLAUSE_KEYS, *WAIVER_KEYS):
        assert f"`{key}`" in section or f"{key} =" in section, key
    for text in (
        "--changed-since",
        "--format text|json|markdown",
        "test-export",
        "ci init",
        "pre-commit",
        "action.yml",
    ):
        assert text in section, text
    assert "POST /readiness/waive" in readme and '"contract": {"path", "ready"' in readme


def test_shards_split_the_verdicts_as_they_split_check(tree):
    """--shard is the selection ``check`` uses: the contract's shards partition the notebooks, and
    each holds the notebooks of ``check``'s shard of the same number."""
    for i in range(6):
        write(tree / "more" / f"nb{i}.ipynb", code(CLEAN, 1))
    whole = json.loads(cli("contract", "--format", "json", ".", cwd=tree).stdout)["notebooks"]
    parts = []
    for k in (1, 2, 3):
        result = cli("contract", "--shard", f"{k}/3", "--format", "json", ".", cwd=tree)
        assert result.returncode in (0, 1), result.stderr
        verdicts = json.loads(result.stdout)["notebooks"]
        checked = json.loads(cli("check", "--no-cache", "--shard", f"{k}/3", "--format", "json", ".", cwd=tree).stdout)
        assert [v["path"] for v in verdicts] == [nb["path"] for nb in checked["notebooks"]]
        parts += verdicts
    assert sorted(map(json.dumps, parts)) == sorted(map(json.dumps, whole))
    assert len(whole) == 9


def test_a_shard_left_without_notebooks_is_an_empty_verdict_not_an_error(tree):
    """A CI matrix wider than the tree: the shard that gets nothing passes, and says why it is
    empty rather than claiming that nothing changed."""
    shards = {
        k: json.loads(cli("contract", "--shard", f"{k}/4", "--format", "json", ".", cwd=tree).stdout)["notebooks"]
        for k in (1, 2, 3, 4)
    }
    assert sorted(v["path"] for part in shards.values() for v in part) == sorted(
        [os.path.join("reports", "daily.ipynb"), "ready.ipynb", os.path.join("sub", "bad.ipynb")]
    )
    empty = next(k for k, part in shards.items() if not part)
    result = cli("contract", "--shard", f"{empty}/4", ".", cwd=tree)
    assert result.returncode == 0 and result.stdout == f"No notebook in shard {empty}/4.\n", result.stderr
    result = cli("contract", "--shard", f"{empty}/4", "--format", "markdown", ".", cwd=tree)
    assert result.returncode == 0 and f"No notebook in shard <code>{empty}/4</code>." in result.stdout
    # paths that hold no notebook at all are still bad usage
    (tree / "docs").mkdir()
    result = cli("contract", "--shard", "1/4", "docs", cwd=tree)
    assert result.returncode == 2 and "no notebooks (*.ipynb) found in docs" in result.stderr


def test_markdown_too_long_for_a_comment_shortens_whole_notebooks_and_counts_them(project):
    """A pull request that touches many notebooks: the comment stays under GitHub's limit; the
    sections that do not fit become their headline (never a table cut after its header), and the
    comment says how many lost their details."""
    for i in range(150):
        name = f"quarterly_revenue_forecast_by_region_and_product_line_{i:03}.ipynb"
        write(project / "nbs" / name, code(f"total_{i} = frame_{i}.sum()\nfor x in y_{i}: pass", 1, cell_id="c0"))
    result = cli("contract", "--format", "markdown", ".", cwd=project)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert len(out) <= 60_000 and out.startswith("## Handoff contract: 0 of 150 notebooks ready\n")
    full, brief = out.count("\n### ❌ "), out.count("\n- ❌ ")
    assert 0 < full < 150 and full + brief == 150
    assert out.count("|---|---|---|\n|") == full  # every table shown has its rows
    for i in range(150):  # every verdict is in the comment, once
        assert out.count(f"line_{i:03}.ipynb</code>: not ready: ") == 1
    assert out.endswith(
        f"\nThe details of {brief} notebooks are left out to keep this within a comment's size: "
        "run `jupyter-readiness contract`.\n"
    )


def test_one_notebook_too_long_for_a_comment_leaves_the_verdicts_after_it(project):
    """A notebook with hundreds of waivers has a section larger than a comment: it becomes its
    headline, and the notebooks after it are still shown in full."""
    waivers = "".join(
        f'\n[[tool.jupyter-readiness.contract.waivers]]\ncheck = "wall-clock"\nnotebook = "a_big.ipynb"\n'
        f'cell = "cell-{i}"\nreason = "{"an accepted reading of the clock, " * 6}{i}"\n'
        for i in range(400)
    )
    (project / "pyproject.toml").write_text(CONTRACT.split("\n[[")[0] + waivers)
    write(project / "a_big.ipynb", code("import datetime\nday = datetime.date.today() + frame", 1, cell_id="c0"))
    write(project / "b_small.ipynb", code("total = frame.sum()", 1, cell_id="c0"))
    result = cli("contract", "--format", "markdown", ".", cwd=project)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert len(out) <= 60_000
    assert "\n- ❌ <code>a_big.ipynb</code>: not ready: " in out
    assert "\n### ❌ <code>b_small.ipynb</code>: not ready: " in out and out.count("|---|---|---|\n|") == 1
    assert out.endswith(
        "\nThe details of 1 notebook are left out to keep this within a comment's size: "
        "run `jupyter-readiness contract`.\n"
    )
    # far too many notebooks for even their headlines: the rest are counted
    for i in range(500):
        write(project / "many" / f"{'n' * 120}_{i:03}.ipynb", code("total = frame.sum()", 1, cell_id="c0"))
    result = cli("contract", "--format", "markdown", ".", cwd=project)
    out = result.stdout
    assert result.returncode == 1 and len(out) <= 60_000
    left = 502 - out.count("\n### ❌ ") - out.count("\n- ❌ ")
    assert 0 < left < 502 and out.endswith(
        f"\n… and {left} more notebooks, left out to keep this within a comment's size: "
        "run `jupyter-readiness contract` for them.\n"
    )
