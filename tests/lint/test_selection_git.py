"""Notebook selection shared by ``check`` and ``contract``: --changed-since in a real git
repository with commits, staged, unstaged and untracked changes, a branch's merge base, bad refs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers.git import commit, git, init, write_notebook
from jupyterlab_readiness.lint.selection import SelectionError, select_notebooks


def names(paths, **kwargs) -> list[str]:
    return [
        Path(os.path.relpath(p)).as_posix()
        for p, problem in select_notebooks(paths, **kwargs).notebooks
        if problem is None
    ]


@pytest.fixture
def repo(tmp_path, monkeypatch) -> tuple[Path, str]:
    """A repository whose base commit has seven notebooks; then every kind of change."""
    root = init(tmp_path / "repo")
    for name in ("committed", "staged", "unstaged", "untouched", "deleted", "sub/deep"):
        write_notebook(root / f"{name}.ipynb", "x = 1")
    (root / ".gitignore").write_text("ignored.ipynb\n")
    base = commit(root, "base")
    write_notebook(root / "committed.ipynb", "x = 2")
    write_notebook(root / "sub" / "deep.ipynb", "x = 2")
    (root / "deleted.ipynb").unlink()
    commit(root, "change two notebooks, delete one")
    write_notebook(root / "staged.ipynb", "x = 3")
    git(root, "add", "staged.ipynb")
    write_notebook(root / "unstaged.ipynb", "x = 4")
    write_notebook(root / "untracked.ipynb", "x = 5")
    write_notebook(root / "ignored.ipynb", "x = 6")
    write_notebook(root / ".ipynb_checkpoints" / "committed-checkpoint.ipynb", "x = 7")
    (root / "notes.txt").write_text("not a notebook")
    monkeypatch.chdir(root)
    return root, base


def test_changed_since_lists_committed_staged_unstaged_and_untracked_notebooks(repo):
    root, base = repo
    assert names(["."]) == [
        "committed.ipynb",
        "ignored.ipynb",
        "staged.ipynb",
        "sub/deep.ipynb",
        "unstaged.ipynb",
        "untouched.ipynb",
        "untracked.ipynb",
    ]
    changed = ["committed.ipynb", "staged.ipynb", "sub/deep.ipynb", "unstaged.ipynb", "untracked.ipynb"]
    assert names(["."], changed_since=base) == changed
    assert names(["."], changed_since="HEAD") == ["staged.ipynb", "unstaged.ipynb", "untracked.ipynb"]
    # narrowed to the paths given, files and folders, from any folder of the repository
    assert names(["sub", "staged.ipynb", "untouched.ipynb"], changed_since=base) == ["sub/deep.ipynb", "staged.ipynb"]
    os.chdir(root / "sub")
    assert names(["."], changed_since=base) == ["deep.ipynb"]


def test_changed_since_a_branch_compares_with_the_merge_base(repo):
    """A pull request's notebooks: not those the target branch changed after the branch point."""
    root, base = repo
    commit(root, "work in progress")
    git(root, "checkout", "-q", "-b", "feature", base)
    write_notebook(root / "feature.ipynb", "y = 1")
    commit(root, "a feature notebook")
    git(root, "checkout", "-q", "main")
    write_notebook(root / "untouched.ipynb", "main moved on")
    commit(root, "main changes a notebook after the branch point")
    git(root, "checkout", "-q", "feature")
    assert names(["."], changed_since="main") == ["feature.ipynb"]


def test_a_bad_ref_or_no_repository_is_a_selection_error(repo, tmp_path):
    with pytest.raises(SelectionError, match="not a commit this repository knows"):
        select_notebooks(["."], changed_since="no-such-branch")
    with pytest.raises(SelectionError, match="git ref"):
        select_notebooks(["."], changed_since="--output=/tmp/x")
    outside = tmp_path / "plain"
    write_notebook(outside / "a.ipynb", "x = 1")
    with pytest.raises(SelectionError, match="needs a git repository"):
        select_notebooks([str(outside)], changed_since="HEAD")


def test_each_path_is_compared_in_its_own_repository(repo, tmp_path):
    """Paths in two checkouts side by side (their common folder is in neither) are each compared
    in their own; a path in no repository is named in the error, not a folder the user never gave."""
    other = init(tmp_path / "other")
    write_notebook(other / "kept.ipynb", "x = 1")
    write_notebook(other / "edited.ipynb", "x = 1")
    commit(other, "base")
    write_notebook(other / "edited.ipynb", "x = 2")
    found = names(["untouched.ipynb", "staged.ipynb", str(other)], changed_since="HEAD")
    assert found == ["staged.ipynb", Path(os.path.relpath(other / "edited.ipynb")).as_posix()]
    outside = tmp_path / "plain"
    write_notebook(outside / "a.ipynb", "x = 1")
    with pytest.raises(SelectionError, match=r"needs a git repository; \S*plain\S*a\.ipynb is not in one"):
        select_notebooks([".", str(outside / "a.ipynb")], changed_since="HEAD")


def test_arguments_that_are_not_notebooks_are_still_reported(repo):
    found = select_notebooks(["missing.ipynb", "committed.ipynb"], changed_since="HEAD").notebooks
    assert [(str(p), problem) for p, problem in found] == [("missing.ipynb", "no such file or directory")]


@pytest.fixture
def project_repo(tmp_path, monkeypatch) -> Path:
    """analysis/ (two notebooks and a module beside them), reports/ (two notebooks, their own pins
    including a shared file, a rehearsal record of one), root pins and a README."""
    root = init(tmp_path / "project")
    for name in ("analysis/a", "analysis/b", "reports/r", "reports/s"):
        write_notebook(root / f"{name}.ipynb", "import pandas")
    (root / "analysis" / "helpers.py").write_text("def f():\n    return 1\n")
    (root / "analysis" / "data.csv").write_text("x\n1\n")
    (root / "reports" / "requirements.txt").write_text("-r ../shared/base.txt\n")
    (root / "shared").mkdir()
    (root / "shared" / "base.txt").write_text("pandas==2.2.3\n")
    (root / "reports" / ".readiness").mkdir()
    (root / "reports" / ".readiness" / "r.ipynb.rehearsal.json").write_text("{}")
    (root / "requirements.txt").write_text("numpy==2.0.0\n")
    (root / "README.md").write_text("notebooks\n")
    commit(root, "base")
    monkeypatch.chdir(root)
    return root


ALL = ["analysis/a.ipynb", "analysis/b.ipynb", "reports/r.ipynb", "reports/s.ipynb"]


@pytest.mark.parametrize(
    ("change", "selected"),
    [
        ("README.md", []),  # nothing a notebook reads
        ("analysis/data.csv", []),  # an input: the rehearsal reads it, the checks do not
        ("analysis/helpers.py", ["analysis/a.ipynb", "analysis/b.ipynb"]),  # a module beside them
        ("reports/requirements.txt", ["reports/r.ipynb", "reports/s.ipynb"]),
        ("shared/base.txt", ["reports/r.ipynb", "reports/s.ipynb"]),  # included by their pins
        ("requirements.txt", ALL),  # the root's pins: every folder below
        ("pyproject.toml", ALL),  # a new configuration (and contract) at the root
        ("analysis/readiness-contract.toml", ["analysis/a.ipynb", "analysis/b.ipynb"]),
        ("reports/.readiness/r.ipynb.rehearsal.json", ["reports/r.ipynb"]),  # that notebook's record only
        ("reports/.readiness/s.ipynb.tests.json", ["reports/s.ipynb"]),
    ],
)
def test_a_changed_file_selects_the_notebooks_whose_results_it_may_change(project_repo, change, selected):
    path = project_repo / change
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((path.read_text() if path.exists() else "") + "\n# changed\n")
    assert names(["."], changed_since="HEAD") == selected


def test_a_deleted_pin_file_selects_the_notebooks_it_pinned_for(project_repo):
    (project_repo / "reports" / "requirements.txt").unlink()
    (project_repo / "analysis" / "helpers.py").unlink()
    commit(project_repo, "unpin the reports, drop the helpers")
    assert names(["."], changed_since="HEAD~1") == ALL
