"""Every notebook of the shared corpus: no crash, a clean per-notebook error, and execution-order
findings consistent with the corpus MANIFEST, which was computed independently of this code."""

from __future__ import annotations

import csv
import itertools
import json

import pytest

from helpers.notebooks import CORPUS
from jupyterlab_readiness.contract.report import to_dict
from jupyterlab_readiness.lint.engine import check_file

MANIFEST = CORPUS / "MANIFEST.tsv"
# Read at collection; without the corpus there are no rows, and the marker skips with the reason.
ROWS = list(csv.DictReader(MANIFEST.open(encoding="utf-8"), delimiter="\t")) if MANIFEST.is_file() else []
pytestmark = pytest.mark.corpus


def test_corpus_is_present():
    assert len(ROWS) >= 200, f"expected the shared corpus beside the repository at {CORPUS}"


@pytest.mark.parametrize("row", ROWS, ids=[r["file"][-60:] for r in ROWS])
def test_corpus_notebook(row):
    path = CORPUS / row["file"]
    report = check_file(path)
    assert report.error is None, report.error
    # the one-shot path (the CLI's) and a memoised re-check agree with the first check
    assert to_dict(check_file(path, memoize=False)) == to_dict(report)
    assert to_dict(check_file(path)) == to_dict(report)
    assert 0 <= report.score <= 100
    checks = {f.check for f in report.findings}
    language = row["kernel_language"].lower()
    if language in ("r", "julia"):
        assert "non-python-kernel" in checks
        assert not checks & {"hidden-state", "unpinned-import", "syntax-error", "wall-clock"}

    raw = json.loads(path.read_text(encoding="utf-8"))
    cells = raw.get("cells") or [c for ws in raw.get("worksheets", []) for c in ws.get("cells", [])]
    code = [c for c in cells if c.get("cell_type") == "code"]
    counts = [c.get("execution_count", c.get("prompt_number")) for c in code]

    # MANIFEST: non-null counts do not strictly increase. The check (README): a count of 0 is no count.
    real = [c for c in counts if c]
    ours_ooo = "out-of-order-execution" in checks
    assert ours_ooo == any(b <= a for a, b in itertools.pairwise(real))
    if ours_ooo:
        assert row["out_of_order"] == "yes"

    # MANIFEST: an unexecuted code cell between the first and last executed ones (empty or not).
    # The check (README): a non-empty code cell never run while a code cell below it has run.
    sources = [
        "".join(c.get("source", c.get("input", "")))
        if isinstance(c.get("source", c.get("input", "")), list)
        else c.get("source", c.get("input", ""))
        for c in code
    ]
    run = [i for i, c in enumerate(counts) if c]
    if run:
        between_nonblank = any(not counts[i] and sources[i].strip() for i in range(run[0], run[-1]))
        before_nonblank = any(not counts[i] and sources[i].strip() for i in range(0, run[0]))
        assert ("unexecuted-cell" in checks) == (between_nonblank or before_nonblank)
        if row["has_unexecuted_code_cells_between_executed"] == "yes" and "unexecuted-cell" not in checks:
            assert not between_nonblank  # the MANIFEST also counts blank cells
