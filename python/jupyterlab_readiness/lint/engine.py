"""Notebook in, report out: runs the enabled checks and builds findings, checklist and score.

Score: each checklist item whose checks ran gets a credit from its worst finding — none 1.0,
info 0.9, warning 0.5, error 0 — and the score is the mean credit × 100, rounded. Items whose
checks are all disabled or do not apply (Python checks on an R notebook) are left out. A notebook
that cannot be read scores 0 and carries an ``error`` instead of findings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..checks.context import Context
from ..checks.registry import CHECKLIST, CHECKS
from ..contract.report import ChecklistItem, Finding, NotebookReport
from ..environment.local import Folder
from ..notebook import facts
from ..notebook.model import Notebook, NotebookError, notebook_from_bytes, notebook_from_json, read_notebook
from .config import CheckConfig

if TYPE_CHECKING:  # the live kernel's state: the server's, never the CLI's
    from ..checks.kernel_state import KernelState

_CREDIT = {"pass": 1.0, "info": 0.9, "warn": 0.5, "fail": 0.0}
_STATUS_OF = {"error": "fail", "warning": "warn", "info": "info"}
_RANK = {"pass": 0, "info": 1, "warn": 2, "fail": 3}


def check_file(
    path: Path, config: CheckConfig | None = None, shown_path: str | None = None, *, memoize: bool = True
) -> NotebookReport:
    """Read and check a notebook file; an unreadable file gives a report with ``error`` set.

    ``memoize=False`` for one-shot runs that will not check these cells again (see context.py).
    """
    shown = shown_path or str(path)
    try:
        notebook = read_notebook(path)
    except NotebookError as exc:
        return failed_report(shown, str(exc))
    return check_model(notebook, Path(path), config, shown, memoize=memoize)


def check_bytes(
    raw: bytes,
    path: Path,
    config: CheckConfig | None = None,
    shown_path: str | None = None,
    *,
    memoize: bool = True,
    folder: Folder | None = None,
) -> NotebookReport:
    """Check a notebook file's content (already read, e.g. to hash it for the cache); ``folder``:
    its folder's state, when the caller looked it up already (see ``environment.local.Folder``)."""
    shown = shown_path or str(path)
    try:
        notebook = notebook_from_bytes(raw)
    except NotebookError as exc:
        return failed_report(shown, str(exc))
    return check_model(notebook, Path(path), config, shown, memoize=memoize, folder=folder)


def check_notebook(
    nb: dict[str, Any],
    path: Path | str,
    config: CheckConfig | None = None,
    kernel: KernelState | None = None,
    shown_path: str | None = None,
) -> NotebookReport:
    """Check notebook JSON (e.g. the live model sent by the browser), with its kernel's state if known."""
    shown = shown_path or str(path)
    try:
        notebook = notebook_from_json(nb)
    except NotebookError as exc:
        return failed_report(shown, str(exc))
    return check_model(notebook, Path(path), config, shown, kernel=kernel)


def check_model(
    notebook: Notebook,
    path: Path | None,
    config: CheckConfig | None,
    shown_path: str,
    *,
    memoize: bool = True,
    kernel: KernelState | None = None,
    ceiling: Path | None = None,
    folder: Folder | None = None,
) -> NotebookReport:
    """``ceiling``: a server's root, above which no project file (pins) is read."""
    config = config or CheckConfig()
    ctx = Context(notebook, path, memoize, kernel, ceiling, folder)
    cells = notebook.cells
    findings: list[Finding] = []
    statuses: dict[str, str] = {}
    counts: dict[str, int] = {}
    for spec in CHECKS:
        if (
            not config.is_enabled(spec.id)
            or (spec.python_only and not notebook.is_python)
            or (spec.live and kernel is None)
        ):
            continue
        statuses.setdefault(spec.item, "pass")
        severity = config.severity_of(spec.id)
        for hit in spec.run(ctx):
            cell_id = cells[hit.cell_index].cell_id if hit.cell_index is not None else None
            findings.append(
                Finding(
                    check=spec.id,
                    severity=severity,
                    cell_index=hit.cell_index,
                    cell_id=cell_id,
                    line=hit.line,
                    message=hit.message,
                    suggestion=hit.suggestion,
                )
            )
            counts[spec.item] = counts.get(spec.item, 0) + 1
            status = _STATUS_OF[severity]
            if _RANK[status] > _RANK[statuses[spec.item]]:
                statuses[spec.item] = status
    findings.sort(key=lambda f: (-1 if f.cell_index is None else f.cell_index, f.line or 0, f.check))
    checklist = [
        ChecklistItem(
            id=item,
            title=title,
            status=statuses.get(item, "skipped"),
            findings=counts.get(item, 0),
            checks=[s.id for s in CHECKS if s.item == item],
        )
        for item, title in CHECKLIST
    ]
    scored = [_CREDIT[i.status] for i in checklist if i.status != "skipped"]
    score = round(100 * sum(scored) / len(scored)) if scored else 0
    return NotebookReport(path=shown_path, score=score, findings=findings, checklist=checklist, error=None)


def failed_report(path: str, error: str) -> NotebookReport:
    return NotebookReport(path=path, score=0, findings=[], checklist=[], error=error)


def clear_cache() -> None:
    """Forget cached per-cell facts (benchmarks measure cold checks with this)."""
    facts.clear_cache()
