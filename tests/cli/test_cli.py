"""The CLI as CI runs it: a real subprocess, every format and every exit code."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.notebooks import REPO, code, md, notebook
from jupyterlab_readiness.checks.registry import BY_ID
from jupyterlab_readiness.contract.schema import CHECK_RUN


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(REPO / "python"), "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "jupyterlab_readiness", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write(path: Path, *cells) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook(*cells)), encoding="utf-8")
    return path


@pytest.fixture
def tree(project: Path) -> Path:
    """clean.ipynb (no findings), warn.ipynb (warnings only), sub/bad.ipynb (an error), a checkpoint copy."""
    (project / "requirements.txt").write_text("pandas==2.2.0\n")
    write(project / "clean.ipynb", md("# Clean"), code("import logging\nx = 1\nlogging.info('%s', x)", 1))
    write(project / "warn.ipynb", code("import datetime\nstamp = datetime.datetime.now()", 1))
    write(
        project / "sub" / "bad.ipynb", code("import pandas as pd", 1), code("print(undefined_frame)", 2, cell_id="c2")
    )
    write(project / ".ipynb_checkpoints" / "warn-checkpoint.ipynb", code("print(nothing_here)", 1))
    return project


def test_json_output_follows_the_contract(tree):
    result = cli("check", "--format", "json", ".", cwd=tree)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    run = CHECK_RUN.validate_python(data)  # exactly the documented keys, nothing else
    assert data["version"] == 1
    paths = [nb["path"] for nb in data["notebooks"]]
    assert paths == ["clean.ipynb", os.path.join("sub", "bad.ipynb"), "warn.ipynb"]  # checkpoints skipped
    by_path = {nb.path: nb for nb in run.notebooks}
    assert by_path["clean.ipynb"].findings == [] and by_path["clean.ipynb"].score == 100
    bad = by_path[os.path.join("sub", "bad.ipynb")]
    hidden = [f for f in bad.findings if f.check == "hidden-state"]
    assert [(f.cell_index, f.cell_id, f.line, f.severity) for f in hidden] == [(1, "c2", 1, "error")]
    assert set(data["notebooks"][0]) == {
        "path",
        "score",
        "findings",
        "checklist",
        "error",
        "band",
        "must_fix",
        "suppressed",
    }
    assert set(data["notebooks"][1]["findings"][0]) == {
        "check",
        "severity",
        "cell_index",
        "cell_id",
        "line",
        "message",
        "suggestion",
        "fixes",
        "cells",
        "cause",
        "file",
        "file_line",
        "execution_count",
    }
    assert (bad.band, bad.must_fix) == ("blocked", 1) and by_path["clean.ipynb"].band == "ready"


def test_exit_codes_follow_fail_on(tree):
    assert cli("check", "warn.ipynb", cwd=tree).returncode == 0  # warnings only, default --fail-on error
    assert cli("check", "--fail-on", "warning", "warn.ipynb", cwd=tree).returncode == 1
    assert cli("check", "--fail-on", "info", "clean.ipynb", cwd=tree).returncode == 0
    assert cli("check", "sub/bad.ipynb", cwd=tree).returncode == 1
    assert cli("check", "--fail-on", "never", "sub/bad.ipynb", cwd=tree).returncode == 0


def test_unreadable_notebook_is_exit_2_and_the_others_are_still_reported(tree):
    (tree / "broken.ipynb").write_text("{ this is not json")
    result = cli("check", "--format", "json", "--fail-on", "never", ".", cwd=tree)
    assert result.returncode == 2
    data = json.loads(result.stdout)
    errors = {nb["path"]: nb["error"] for nb in data["notebooks"]}
    assert "invalid JSON" in errors["broken.ipynb"]
    assert errors["warn.ipynb"] is None and len(data["notebooks"]) == 4


def test_a_cell_source_of_the_wrong_type_is_an_unreadable_notebook(tree):
    # Read as an empty cell, the notebook would pass as ready with its code never checked.
    nb = notebook(md("# t"), code("print(undefined_frame)", 1))
    for name, source in (("int", 5), ("object", {"a": "x"}), ("null", None), ("mixed", ["x = 1\n", 2])):
        nb["cells"][1]["source"] = source
        (tree / f"{name}.ipynb").write_text(json.dumps(nb))
    result = cli("check", "--format", "json", "--fail-on", "never", ".", cwd=tree)
    assert result.returncode == 2
    errors = {nb["path"]: nb["error"] for nb in json.loads(result.stdout)["notebooks"]}
    not_text = "not text (a string or a list of strings)"
    assert errors["int.ipynb"] == f"not a notebook: cell 2's 'source' is a number, {not_text}"
    assert errors["object.ipynb"] == f"not a notebook: cell 2's 'source' is an object, {not_text}"
    assert errors["null.ipynb"] == f"not a notebook: cell 2's 'source' is null, {not_text}"
    mixed = "not a notebook: cell 2's 'source' is a list holding a number (item 2), not only strings"
    assert errors["mixed.ipynb"] == mixed
    assert errors["warn.ipynb"] is None  # the others are still checked
    text = cli("check", "int.ipynb", cwd=tree)
    assert text.returncode == 2 and "int.ipynb  cannot check: not a notebook: cell 2's 'source'" in text.stdout


def test_usage_errors_are_exit_2(tree):
    assert cli("check", cwd=tree).returncode == 2  # no PATH
    bad_id = cli("check", "--disable", "no-such-check", ".", cwd=tree)
    assert bad_id.returncode == 2 and "no-such-check" in bad_id.stderr
    assert cli("check", "--format", "xml", ".", cwd=tree).returncode == 2
    missing = cli("check", "--format", "json", "nope.ipynb", cwd=tree)
    assert missing.returncode == 2 and "no such file" in json.loads(missing.stdout)["notebooks"][0]["error"]
    (tree / "empty").mkdir()
    empty = cli("check", "empty", cwd=tree)
    assert empty.returncode == 2 and "no notebooks" in empty.stderr


def test_a_check_both_disabled_and_enabled_on_the_command_line_is_a_usage_error(tree):
    # Which one was meant cannot be known: neither wins silently, whatever the order, whichever
    # parser reads the line (the plain reader or argparse, for an abbreviated option), check or fix.
    conflict = "argument --enable: not allowed with argument --disable for the same check: wall-clock"
    for given in (
        ("check", "--enable", "wall-clock", "--disable", "wall-clock", "warn.ipynb"),
        ("check", "--disable=wall-clock", "--disable", "hidden-state", "--enable=wall-clock", "warn.ipynb"),
        ("check", "--disab", "wall-clock", "--enable", "wall-clock", "warn.ipynb"),
        ("fix", "--diff", "--disable", "wall-clock", "--enable", "wall-clock", "warn.ipynb"),
    ):
        result = cli(*given, cwd=tree)
        assert result.returncode == 2 and result.stderr == f"jupyter-readiness: error: {conflict}\n", given
        assert result.stdout == ""
    # Enabling what pyproject.toml disables is no conflict.
    (tree / "pyproject.toml").write_text('[tool.jupyter-readiness]\ndisable = ["wall-clock"]\n')
    assert cli("check", "--fail-on", "warning", "--enable", "wall-clock", "warn.ipynb", cwd=tree).returncode == 1


def test_disable_and_enable_flags_and_pyproject_config(tree):
    assert cli("check", "--disable", "hidden-state", "sub/bad.ipynb", cwd=tree).returncode == 0
    (tree / "pyproject.toml").write_text(
        '[tool.jupyter-readiness]\ndisable = ["hidden-state"]\nseverity = { wall-clock = "error" }\n'
    )
    assert cli("check", "sub/bad.ipynb", cwd=tree).returncode == 0
    assert cli("check", "--enable", "hidden-state", "sub/bad.ipynb", cwd=tree).returncode == 1
    promoted = cli("check", "--format", "json", "warn.ipynb", cwd=tree)
    assert promoted.returncode == 1
    assert [
        f["severity"] for f in json.loads(promoted.stdout)["notebooks"][0]["findings"] if f["check"] == "wall-clock"
    ] == ["error"]
    (tree / "pyproject.toml").write_text('[tool.jupyter-readiness]\ndisable = ["typo-check"]\n')
    broken = cli("check", "--format", "json", "warn.ipynb", cwd=tree)
    assert broken.returncode == 2 and "typo-check" in json.loads(broken.stdout)["notebooks"][0]["error"]
    # Not TOML at all: the file and the line first, as editors and CI logs link them.
    (tree / "pyproject.toml").write_text('[tool.jupyter-readiness]\ndisable = ["hidden-state"\n')
    broken = cli("check", "--format", "json", "warn.ipynb", cwd=tree)
    error = json.loads(broken.stdout)["notebooks"][0]["error"]
    assert broken.returncode == 2
    assert error.endswith("pyproject.toml:2: not valid TOML: Unclosed array at the end of the file")


def test_a_pyproject_that_is_not_toml_is_a_configuration_error_for_every_command_that_reads_it(tree):
    # Not only when it has our table: whether it has one cannot be known, and skipping it would run
    # with the defaults the project may have changed. Named relative to the current folder, with
    # TOML's line and column, as editors and CI logs link them.
    (tree / "pyproject.toml").write_text('[project]\nname = "x"\nversion = = 1\n')
    sub = tree / "sub"
    where = "../pyproject.toml:3: not valid TOML: Invalid value (column 11)"
    result = cli("check", "--format", "json", "bad.ipynb", cwd=sub)
    assert result.returncode == 2
    assert json.loads(result.stdout)["notebooks"][0]["error"] == f"configuration error: {where}"
    assert str(tree) not in result.stdout
    result = cli("contract", "bad.ipynb", cwd=sub)
    assert result.returncode == 2 and f"invalid contract: {where}" in result.stdout
    result = cli("export", "--dry-run", "bad.ipynb", cwd=sub)
    assert result.returncode == 2 and f"configuration error: {where}" in result.stderr
    result = cli("fix", "--diff", "bad.ipynb", cwd=sub)
    assert result.returncode == 2 and where in result.stderr
    # A pyproject.toml without a [tool.jupyter-readiness] table is valid: the defaults apply.
    (tree / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\n')
    assert cli("check", "bad.ipynb", cwd=sub).returncode == 1


def test_an_unknown_key_in_the_configuration_table_is_an_error(tree):
    # `disabled` for `disable`: silently ignored, the check the user meant to turn off still fails CI.
    (tree / "pyproject.toml").write_text('[tool.jupyter-readiness]\ndisabled = ["wall-clock"]\n')
    result = cli("check", "--format", "json", "warn.ipynb", cwd=tree)
    assert result.returncode == 2
    error = json.loads(result.stdout)["notebooks"][0]["error"]
    assert "unknown key(s) in [tool.jupyter-readiness]: disabled" in error and "known: disable," in error
    # The keys other commands read are not unknown to this one.
    (tree / "pyproject.toml").write_text(
        '[tool.jupyter-readiness]\ndisable = ["wall-clock"]\ntemplate = "t"\n'
        "[tool.jupyter-readiness.contract]\nmin-score = 80\n"
    )
    assert cli("check", "warn.ipynb", cwd=tree).returncode == 0


def test_text_output_is_for_people(tree):
    result = cli("check", ".", cwd=tree)
    out = result.stdout
    assert "sub/bad.ipynb" in out.replace(os.sep, "/") and "score" in out
    assert "cell 2 [2]:1" in out and "hidden-state" in out and "→ " in out  # cell_index 1, run as [2]
    assert "/100, blocked: 1 to fix first" in out and "clean.ipynb  score 100/100, ready" in out
    assert "3 notebooks: 1 error, 1 warning" in out
    assert "\033[" not in out  # NO_COLOR / not a TTY
    coloured = cli("check", ".", cwd=tree, env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert "\033[31m" in coloured.stdout


def test_fix_notes_name_each_place_as_the_notebook_was_before_fixing(project):
    # the second read was reported as cell 2:4 (after the inserted parameters cell) with the run
    # date quoted '…' instead of "…"; the print as cell 1:4 (after the secret fix's import os)
    secret = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    write(
        project / "nb.ipynb",
        code("import datetime\nt1 = datetime.datetime.now()\nx = 1\nt2 = datetime.datetime.now()", 1),
        code(f'token = "{secret}"\nx = 1\nprint(token)', 2),
    )
    preview = cli("fix", "--unsafe-fixes", "--diff", "nb.ipynb", cwd=project)
    notes = [line.split(":", 1)[0] for line in preview.stderr.splitlines()]
    assert notes == [
        "  unsafe fix, cell 1",  # both reads, in one note: the note names the run date once
        "  unsafe fix, cell 2",
        "  unsafe fix, cell 2",
    ], preview.stderr
    assert "unsafe fix, cell 1:2, cell 1:4 wall-clock" in preview.stderr and "('" not in preview.stderr
    assert "cell 2:1 hardcoded-secret" in preview.stderr and "cell 2:3 print-logging" in preview.stderr
    done = cli("fix", "--unsafe-fixes", "nb.ipynb", cwd=project)

    def dated(lines: list[str]) -> list[str]:  # the two runs may fall in two different seconds
        return [re.sub(r'"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"', '"<run date>"', line) for line in lines]

    applied = [line for line in done.stdout.splitlines() if "unsafe fix" in line]
    assert dated(applied) == dated(preview.stderr.splitlines())
    assert secret not in preview.stdout + preview.stderr + done.stdout + done.stderr


def test_sarif_output(tree):
    result = cli("check", "--format", "sarif", ".", cwd=tree)
    assert result.returncode == 1
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "jupyter-readiness"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert set(rule_ids) == set(BY_ID)
    assert all(rule["defaultConfiguration"]["level"] in ("error", "warning", "note") for rule in driver["rules"])
    hidden = [r for r in run["results"] if r["ruleId"] == "hidden-state"]
    assert len(hidden) == 1
    result0 = hidden[0]
    assert rule_ids[result0["ruleIndex"]] == "hidden-state" and result0["level"] == "error"
    location = result0["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "sub/bad.ipynb"
    assert location["physicalLocation"]["region"]["startLine"] == 1
    assert location["logicalLocations"][0]["name"] == "cell 2"  # as JupyterLab numbers it
    assert result0["properties"] == {
        "cell_index": 1,
        "cell_number": 2,
        "cell_id": "c2",
        "execution_count": 2,
        "line_in_cell": 1,
    }
    assert result0["message"]["text"]
    for r in run["results"]:
        region = r["locations"][0]["physicalLocation"].get("region")
        assert region is None or region["startLine"] >= 1
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_locations_are_uri_references(tree):
    # SARIF's artifactLocation.uri is an RFC 3986 URI reference: a space or a non-ASCII letter in
    # a notebook's name is percent-encoded, an absolute path is a file: URI.
    named = write(tree / "my analysis é.ipynb", code("import datetime\nstamp = datetime.datetime.now()", 1))
    (tree / "helpers dir").mkdir()
    (tree / "helpers dir" / "clock.py").write_text("import time\nSTARTED = time.time()\n")
    write(tree / "helpers dir" / "uses module.ipynb", code("import clock", 1))
    for args, expected in (
        ((".",), {"my%20analysis%20%C3%A9.ipynb", "helpers%20dir/clock.py"}),
        ((str(named),), {named.as_uri()}),
    ):
        sarif = json.loads(cli("check", "--format", "sarif", *args, cwd=tree).stdout)
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
        assert expected <= uris
        assert all(" " not in u and u.isascii() for u in uris)
    empty = tree / "empty file.ipynb"
    empty.write_text("")
    sarif = json.loads(cli("check", "--format", "sarif", "empty file.ipynb", cwd=tree).stdout)
    (note,) = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "empty%20file.ipynb"


def test_version_and_help_and_entry_points(tree):
    version = cli("--version", cwd=tree)
    assert version.returncode == 0 and version.stdout.startswith("jupyter-readiness ")
    help_text = cli("check", "--help", cwd=tree).stdout
    flags = ("--format", "--fail-on", "--disable", "--enable", "--jobs", "--shard", "--changed-since", "--no-cache")
    for flag in flags:
        assert flag in help_text
    script = shutil.which("jupyter-readiness")
    assert script, "the console script is installed with the package"
    via_jupyter = subprocess.run(
        ["jupyter", "readiness", "check", "--format", "json", "warn.ipynb"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert via_jupyter.returncode == 0 and json.loads(via_jupyter.stdout)["notebooks"][0]["path"] == "warn.ipynb"


def test_pre_commit_hook_definition_runs_the_check():
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text()
    assert (
        "id: jupyter-readiness" in hooks and "entry: jupyter-readiness check" in hooks and "types: [jupyter]" in hooks
    )


def test_readme_documents_the_two_commands_every_check_and_flag():
    readme = (REPO / "README.md").read_text()
    first_lines = readme.split("## CLI")[0]
    assert "jupyter lab" in first_lines and "bash scripts/setup.sh && bash scripts/test.sh" in first_lines
    assert "bash scripts/setup.sh && bash scripts/test.sh" in (REPO / ".ci" / "run").read_text()
    for check_id in BY_ID:
        assert f"`{check_id}`" in readme, check_id
    for flag in (
        "--format",
        "--fail-on",
        "--disable",
        "--enable",
        "--jobs",
        "--shard",
        "--changed-since",
        "--cache-dir",
        "--no-cache",
    ):
        assert flag in readme


def test_text_output_wraps_to_a_terminal_and_keeps_one_line_per_message_otherwise(tree):
    from jupyterlab_readiness.cli.text import render
    from jupyterlab_readiness.contract.report import CheckRun
    from jupyterlab_readiness.lint.engine import check_file

    run = CheckRun([check_file(tree / "sub" / "bad.ipynb")])
    wrapped = render(run, colour=False, width=80)
    assert all(len(line) <= 80 for line in wrapped.splitlines() if not line.startswith(str(tree)))
    assert len(wrapped.splitlines()) > len(render(run, colour=False).splitlines())
    one_line = render(run, colour=False)
    for finding in run.notebooks[0].findings:
        assert finding.message in one_line  # unbroken, for grep


@pytest.mark.parametrize("command", [["check"], ["fix"]])
def test_a_reader_that_goes_away_ends_the_command_without_a_traceback(project, command):
    """`jupyter-readiness check … | head`: the reader closes the pipe before the report is written."""
    write(project / "many.ipynb", *(code(f"print(undefined_{i})\nx = np.random.rand()", i + 1) for i in range(200)))
    env = {**os.environ, "PYTHONPATH": str(REPO / "python"), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab_readiness", *command, "many.ipynb"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc.stdout.close()
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 120 and stderr == ""
