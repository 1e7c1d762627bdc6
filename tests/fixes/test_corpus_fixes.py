"""Fixes on every real notebook of the corpus: computing them never fails (a failure would hide a
fix), each applies to the notebook it came from, and fixing everything (unsafe fixes included)
breaks no cell that parsed and is idempotent."""

from __future__ import annotations

import csv
import json

import pytest

from helpers.notebooks import CORPUS
from jupyterlab_readiness.fixes import compute
from jupyterlab_readiness.fixes.apply import apply_fixes
from jupyterlab_readiness.fixes.options import FixOptions
from jupyterlab_readiness.lint.engine import check_file
from jupyterlab_readiness.lint.fix import fix_notebook
from jupyterlab_readiness.notebook.parse import cell_tree

pytestmark = pytest.mark.corpus


def rows(**where: str) -> list[dict[str, str]]:
    with open(CORPUS / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh, delimiter="\t") if all(r[k] == v for k, v in where.items())]


@pytest.fixture
def strict(monkeypatch):
    """A fix that fails to compute raises instead of being left out."""
    monkeypatch.setattr(compute, "_safely", lambda function, *args: function(*args))


def sources(nb) -> list[str]:
    """The code cells' sources."""
    return [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in nb["cells"]
        if c.get("cell_type") == "code"
    ]


def test_every_fix_computes_and_applies(strict):
    for row in rows():
        path = CORPUS / row["file"]
        report = check_file(path, fixes=FixOptions())
        if report.error is not None:
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        for finding in report.findings:
            assert finding.fixes or finding.cell_index is None, (row["file"], finding.check)
            for fix in finding.fixes:
                if fix.edits and nb.get("nbformat") == 4:
                    apply_fixes(nb, [fix])


def test_fixing_everything_breaks_nothing_and_a_second_run_changes_nothing(strict):
    for row in rows(kernel_language="python", nbformat="4"):
        path = CORPUS / row["file"]
        nb = json.loads(path.read_text(encoding="utf-8"))
        first = fix_notebook(nb, path, None, row["file"], unsafe=True, options=FixOptions())
        before = set(sources(nb))
        changed = [s for s in sources(first.notebook) if s not in before]  # edited or inserted cells
        assert all(cell_tree(s) is not None for s in changed), row["file"]
        again = fix_notebook(first.notebook, path, None, row["file"], unsafe=True, options=FixOptions())
        assert again.applied == [], row["file"]
