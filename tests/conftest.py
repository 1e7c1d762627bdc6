"""Shared fixtures: build real notebook JSON, write it to disk, check it with the engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_readiness.lint.engine import check_file, check_notebook
from jupyterlab_readiness.contract.report import NotebookReport

REPO = Path(__file__).resolve().parents[1]
# Beside the repository (../shared/corpus), or beside the folder of git worktrees it is checked out in.
CORPUS = next((p / "shared" / "corpus" for p in REPO.parents if (p / "shared" / "corpus").is_dir()), REPO.parent / "shared" / "corpus")


def code(source: str, count: int | None = None, outputs: list[dict[str, Any]] | None = None, cell_id: str | None = None) -> dict[str, Any]:
    cell = {"cell_type": "code", "source": source, "execution_count": count, "metadata": {}, "outputs": outputs or []}
    if cell_id:
        cell["id"] = cell_id
    return cell


def md(source: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "source": source, "metadata": {}}


def notebook(*cells: dict[str, Any], language: str = "python") -> dict[str, Any]:
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3" if language == "python" else language, "language": language, "display_name": language}},
        "cells": list(cells),
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder that is a repository root, so pin files above it are never picked up."""
    (tmp_path / ".git").mkdir()
    return tmp_path


@pytest.fixture
def check(project: Path):
    """check(*cells) → report for a notebook made of these cells, saved in `project`."""

    def run(*cells: dict[str, Any], language: str = "python", name: str = "analysis.ipynb") -> NotebookReport:
        path = project / name
        path.write_text(json.dumps(notebook(*cells, language=language)), encoding="utf-8")
        return check_file(path)

    return run


def findings_of(report: NotebookReport, check_id: str) -> list[tuple[int | None, int | None]]:
    """(cell_index, line) of each finding of one check, in report order."""
    return [(f.cell_index, f.line) for f in report.findings if f.check == check_id]


__all__ = ["code", "md", "notebook", "findings_of", "check_notebook", "REPO", "CORPUS"]


@pytest.fixture
def fake_site(tmp_path: Path, monkeypatch):
    """fake_site("name-1.0", "pkg/__init__.py", …): a real installed distribution on sys.path."""
    from jupyterlab_readiness.environment.distributions import distributions_for, installed_version

    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("JUPYTER_READINESS_CACHE_DIR", str(tmp_path / "cache"))

    def install(name_version: str, *files: str) -> Path:
        info = site / f"{name_version}.dist-info"
        info.mkdir()
        (info / "RECORD").write_text("".join(f"{f},sha256=x,1\n" for f in files) + f"{info.name}/RECORD,,\n")
        for f in files:
            (site / f).parent.mkdir(parents=True, exist_ok=True)
            (site / f).write_text("")
        distributions_for.cache_clear()
        installed_version.cache_clear()
        return info

    yield install
    distributions_for.cache_clear()
    installed_version.cache_clear()
