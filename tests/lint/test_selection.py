"""Which notebooks a run checks: the project root, --shard K/N and --changed-since REF (in real git
repositories with commits)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers.notebooks import code, notebook
from jupyterlab_readiness.lint.discovery import RealPaths, notebook_paths
from jupyterlab_readiness.lint.selection import (
    SelectionError,
    Shard,
    in_shard,
    project_root,
    select_notebooks,
    shard_key,
)

requires_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def write(path: Path, source: str = "x = 1") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook(code(source, 1))), encoding="utf-8")
    return path


def chosen(selection) -> list[str]:
    return [str(p) for p, problem in selection.notebooks if problem is None]


def test_project_root_is_the_nearest_git_or_pyproject_folder(tmp_path, monkeypatch):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "pkg" / "pyproject.toml").parent.mkdir()
    (tmp_path / "repo" / "pkg" / "pyproject.toml").write_text("")
    write(tmp_path / "repo" / "pkg" / "nbs" / "a.ipynb")
    write(tmp_path / "repo" / "docs" / "b.ipynb")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    write(elsewhere / "c.ipynb")
    monkeypatch.chdir(tmp_path)
    assert project_root(["repo/pkg/nbs"]) == tmp_path / "repo" / "pkg"
    assert project_root(["repo/pkg/nbs/a.ipynb"]) == tmp_path / "repo" / "pkg"
    assert project_root(["repo/docs/b.ipynb", "repo/pkg/nbs"]) == tmp_path / "repo"  # their common folder's
    assert project_root(["elsewhere"]) == tmp_path  # none above: the current folder
    (tmp_path / "repo" / ".git").rmdir()
    (tmp_path / "repo" / ".git").write_text("gitdir: /somewhere/else\n")  # a worktree's .git is a file
    assert project_root(["repo/docs"]) == tmp_path / "repo"


@pytest.fixture
def tree(project: Path) -> Path:
    for i in range(37):
        write(project / f"dir{i % 4}" / f"nb{i:02}.ipynb")
    return project


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7, 50])
def test_shards_partition_the_notebooks_and_are_balanced(tree, count, monkeypatch):
    monkeypatch.chdir(tree)
    everything = chosen(select_notebooks(["."]))
    parts = [chosen(select_notebooks(["."], shard=Shard(k, count))) for k in range(1, count + 1)]
    assert sorted(p for part in parts for p in part) == sorted(everything)  # the union is everything …
    assert sum(len(part) for part in parts) == len(everything)  # … and the shards are disjoint
    assert max(map(len, parts)) - min(map(len, parts)) <= 1
    for part in parts:  # each shard keeps the discovery order
        assert part == [p for p in everything if p in part]


def test_shards_depend_on_the_path_in_the_project_only(tree, tmp_path, monkeypatch):
    """Another machine, another checkout folder, another current folder: the same shards."""
    monkeypatch.chdir(tree)
    here = [shard_key(p, tree) for p in in_shard(tree.rglob("*.ipynb"), Shard(2, 3), tree)]
    copy = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(tree, copy, ignore=shutil.ignore_patterns("elsewhere"))
    monkeypatch.chdir(copy / "dir1")
    there = chosen(select_notebooks([str(copy)], shard=Shard(2, 3)))
    assert sorted(here) == sorted(shard_key(Path(p), copy) for p in there)
    assert all("/" in k and "\\" not in k for k in here)


def test_overlapping_paths_name_each_notebook_once(tree, monkeypatch):
    """``check . dir0`` or a folder and a notebook in it: each notebook is checked, counted and
    sharded once, under the first argument that reaches it."""
    monkeypatch.chdir(tree)
    everything = chosen(select_notebooks(["."]))
    overlapping = ["dir0/nb00.ipynb", ".", "dir0", "./dir0/nb00.ipynb", str(tree / "dir1")]
    selection = select_notebooks(overlapping)
    assert sorted(chosen(selection)) == sorted(everything) and selection.found == len(everything)
    assert chosen(selection)[0] == os.path.join("dir0", "nb00.ipynb")
    parts = [chosen(select_notebooks(overlapping, shard=Shard(k, 3))) for k in (1, 2, 3)]
    assert sorted(p for part in parts for p in part) == sorted(everything)


@pytest.mark.parametrize("text", ["0/3", "4/3", "1", "a/b", "1/0", "-1/2", ""])
def test_a_bad_shard_is_refused(text):
    with pytest.raises(SelectionError):
        Shard.parse(text)


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for name in ("same", "edited", "staged", "unstaged", "deleted", "renamed"):
        write(repo / "nbs" / f"{name}.ipynb", f"{name} = 1")
    write(repo / "other" / "elsewhere.ipynb")
    (repo / ".gitignore").write_text("ignored*.ipynb\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "tag", "base")
    return repo


@requires_git
def test_changed_since_is_committed_staged_unstaged_and_untracked(repo, monkeypatch):
    git(repo, "switch", "-q", "-c", "feature")
    write(repo / "nbs" / "edited.ipynb", "edited = 2")
    (repo / "nbs" / "deleted.ipynb").unlink()
    git(repo, "mv", "nbs/renamed.ipynb", "nbs/moved.ipynb")
    git(repo, "commit", "-q", "-am", "on the branch")
    git(repo, "switch", "-q", "main")  # main moves on after the branch point: not a change of ours
    write(repo / "other" / "elsewhere.ipynb", "main_only = 1")
    git(repo, "commit", "-q", "-am", "on main")
    git(repo, "switch", "-q", "feature")
    write(repo / "nbs" / "staged.ipynb", "staged = 2")
    git(repo, "add", "nbs/staged.ipynb")
    write(repo / "nbs" / "unstaged.ipynb", "unstaged = 2")
    write(repo / "nbs" / "untracked.ipynb")
    write(repo / "nbs" / "ignored-scratch.ipynb")
    (repo / "nbs" / "notes.txt").write_text("not a notebook")
    monkeypatch.chdir(repo)
    found = chosen(select_notebooks(["."], changed_since="main"))
    assert found == [
        os.path.join("nbs", name)
        for name in ("edited.ipynb", "moved.ipynb", "staged.ipynb", "unstaged.ipynb", "untracked.ipynb")
    ]
    # Only under the paths given; a file argument is kept only when it changed.
    assert chosen(select_notebooks(["other"], changed_since="main")) == []
    assert chosen(select_notebooks(["nbs/same.ipynb", "nbs/edited.ipynb"], changed_since="main")) == [
        os.path.join("nbs", "edited.ipynb")
    ]
    assert chosen(select_notebooks(["."], changed_since="HEAD")) == [
        os.path.join("nbs", name) for name in ("staged.ipynb", "unstaged.ipynb", "untracked.ipynb")
    ]


@requires_git
def test_changed_since_and_shard_together_partition_the_changes(repo, monkeypatch):
    for i in range(9):
        write(repo / "nbs" / f"new{i}.ipynb")
    monkeypatch.chdir(repo / "nbs")  # from a subfolder: paths stay relative to where we are
    changed = chosen(select_notebooks(["."], changed_since="base"))
    assert changed == [f"new{i}.ipynb" for i in range(9)]
    parts = [chosen(select_notebooks(["."], changed_since="base", shard=Shard(k, 2))) for k in (1, 2)]
    assert sorted(parts[0] + parts[1]) == changed and {len(p) for p in parts} == {4, 5}


@requires_git
def test_changed_since_needs_a_repository_and_a_known_ref(repo, tmp_path, monkeypatch):
    monkeypatch.chdir(repo)
    with pytest.raises(SelectionError, match="no-such-ref"):
        select_notebooks(["."], changed_since="no-such-ref")
    outside = tmp_path / "plain"
    write(outside / "a.ipynb")
    monkeypatch.chdir(outside)
    with pytest.raises(SelectionError, match="git repository"):
        select_notebooks(["."], changed_since="main")


def test_a_folder_s_notebooks_come_in_path_order(tmp_path):
    """Path order (part by part), not string order: ``a/b`` before ``a-c``, ``a b/…`` before ``a/…``."""
    names = ["a-c.ipynb", "a/b.ipynb", "a b/x.ipynb", "A/z.ipynb", "a/b/c.ipynb", "ä/x.ipynb", "a.ipynb", "b.ipynb"]
    for name in names:
        write(tmp_path / name)
    found = [p for p, problem in notebook_paths([str(tmp_path)])]
    assert found == sorted(tmp_path.rglob("*.ipynb"))
    assert found.index(tmp_path / "a" / "b.ipynb") < found.index(tmp_path / "a-c.ipynb")


def test_real_paths_are_the_system_s(tmp_path, monkeypatch):
    write(tmp_path / "real" / "nb.ipynb")
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "alias.ipynb").symlink_to(tmp_path / "real" / "nb.ipynb")
    monkeypatch.chdir(tmp_path)
    real = RealPaths()
    for path in [
        tmp_path / "linked" / "nb.ipynb",
        tmp_path / "linked" / "alias.ipynb",
        Path("linked/alias.ipynb"),
        "real/../linked/nb.ipynb",
        "nb.ipynb",
        Path("linked") / "missing.ipynb",
    ]:
        assert real(path) == os.path.realpath(path), path
