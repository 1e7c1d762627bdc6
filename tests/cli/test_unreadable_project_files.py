"""The command line beside project files it cannot read (a symbolic link that loops, a FIFO): each
is named with why, nothing crashes and nothing waits."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from helpers.cli import readiness
from helpers.notebooks import code, notebook

LOOP = os.strerror(errno.ELOOP)


def save(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook(code("import tornado\nprint(tornado.version)", 1))))


def run(*args: str, cwd: Path):
    result = readiness(*args, cwd=cwd, timeout=60)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_a_looping_pyproject_is_a_configuration_that_cannot_be_read(project):
    save(project / "a" / "nb.ipynb")
    (project / "a" / "pyproject.toml").symlink_to("pyproject.toml")
    check = run("check", "--format", "json", "a/nb.ipynb", cwd=project)
    [report] = json.loads(check.stdout)["notebooks"]
    assert report["error"] == f"configuration error: {os.path.join('a', 'pyproject.toml')}: cannot read it: {LOOP}"
    freeze = run("freeze", "a/nb.ipynb", cwd=project)
    assert freeze.returncode == 2 and f"pyproject.toml: cannot read it: {LOOP}" in freeze.stderr


@pytest.mark.parametrize("kind", ["loop", "fifo"])
def test_a_requirements_file_that_cannot_be_read_is_named_by_check_and_freeze(project, kind):
    save(project / "b" / "nb.ipynb")
    if kind == "loop":
        (project / "b" / "requirements.txt").symlink_to("requirements.txt")
    else:
        os.mkfifo(project / "b" / "requirements.txt")
    why = LOOP if kind == "loop" else "not a regular file"
    check = run("check", "--format", "json", "b/nb.ipynb", cwd=project)
    [report] = json.loads(check.stdout)["notebooks"]
    [finding] = [f["message"] for f in report["findings"] if f["check"] == "unpinned-import"]
    assert f"a pin file could not be read, so its pins do not count: requirements.txt: {why}" in finding
    freeze = run("freeze", "b/nb.ipynb", cwd=project)
    assert freeze.returncode == 2 and "cannot read" in freeze.stderr


def test_a_looping_contract_and_a_looping_notebook_are_named(project):
    save(project / "c" / "nb.ipynb")
    (project / "c" / "readiness-contract.toml").symlink_to("readiness-contract.toml")
    (project / "loopA").symlink_to("loopB")
    (project / "loopB").symlink_to("loopA")
    contract = run("contract", "c/nb.ipynb", cwd=project)
    assert contract.returncode == 2 and f"readiness-contract.toml: cannot read it: {LOOP}" in contract.stdout
    check = run("check", "loopA", cwd=project)
    assert check.returncode == 2 and LOOP.lower() in check.stdout
    freeze = run("freeze", "loopA", cwd=project)
    assert freeze.returncode == 2 and LOOP in freeze.stderr


def test_a_notebook_name_too_long_for_the_file_system_is_unreadable_not_a_crash(project):
    check = run("check", "--format", "json", f"{'a' * 300}.ipynb", cwd=project)
    assert check.returncode == 2
    [report] = json.loads(check.stdout)["notebooks"]
    assert report["error"] == os.strerror(errno.ENAMETOOLONG).lower()
