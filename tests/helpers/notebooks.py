"""Notebook builders for the tests: real nbformat-4 JSON, cell by cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyterlab_readiness.contract.report import NotebookReport
from jupyterlab_readiness.lint.engine import check_notebook

REPO = Path(__file__).resolve().parents[2]
# Beside the repository (../shared/corpus), or beside the folder of git worktrees it is checked out in.
CORPUS = next(
    (p / "shared" / "corpus" for p in REPO.parents if (p / "shared" / "corpus").is_dir()),
    REPO.parent / "shared" / "corpus",
)


def code(
    source: str, count: int | None = None, outputs: list[dict[str, Any]] | None = None, cell_id: str | None = None
) -> dict[str, Any]:
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
        "metadata": {
            "kernelspec": {
                "name": "python3" if language == "python" else language,
                "language": language,
                "display_name": language,
            }
        },
        "cells": list(cells),
    }


def findings_of(report: NotebookReport, check_id: str) -> list[tuple[int | None, int | None]]:
    """(cell_index, line) of each finding of one check, in report order."""
    return [(f.cell_index, f.line) for f in report.findings if f.check == check_id]


__all__ = ["CORPUS", "REPO", "check_notebook", "code", "findings_of", "md", "notebook"]
