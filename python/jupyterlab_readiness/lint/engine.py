"""Notebook in, report out: runs the enabled checks and builds findings, checklist and score.

Score: each checklist item whose checks ran gets a credit from its worst finding — none 1.0,
info 0.9, warning 0.5, error 0 — and the score is the mean credit × 100, rounded. Items whose
checks are all disabled or do not apply (Python checks on an R notebook) are left out. A notebook
that cannot be read scores 0 and carries an ``error`` instead of findings.

The rehearsal's checks (``rehearsal-error``, ``output-mismatch`` …) never run here: their findings
come from the record of the notebook's last rehearsal, which the adapter reads (the sidecar file,
``actions/rehearse/baseline.py``) and passes in. While the record's key matches the notebook (same
kernel, same code cells; markdown may have changed: findings follow their cells) they are added,
with the configuration's enable/disable and severity overrides applied, and count in the
checklist and the score like any other; a stale record is ignored. Static findings the rehearsal
confirmed or contradicted (a ``hidden-state`` proved by a NameError, or a cell that ran fine) say
so at the end of their message.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..checks.context import Context
from ..checks.kernel_state import KernelState
from ..checks.registry import CHECKLIST, CHECKS
from ..contract.report import ChecklistItem, Finding, NotebookReport
from ..notebook import facts
from ..notebook.model import Notebook, NotebookError, notebook_from_json, read_notebook
from .config import CheckConfig

if TYPE_CHECKING:
    from ..contract.baseline import RehearsalRecord, StaticVerdict

_CREDIT = {"pass": 1.0, "info": 0.9, "warn": 0.5, "fail": 0.0}
_STATUS_OF = {"error": "fail", "warning": "warn", "info": "info"}
_RANK = {"pass": 0, "info": 1, "warn": 2, "fail": 3}


def check_file(
    path: Path,
    config: CheckConfig | None = None,
    shown_path: str | None = None,
    *,
    memoize: bool = True,
    rehearsal: RehearsalRecord | None = None,
) -> NotebookReport:
    """Read and check a notebook file; an unreadable file gives a report with ``error`` set.

    ``memoize=False`` for one-shot runs that will not check these cells again (see context.py).
    """
    shown = shown_path or str(path)
    try:
        notebook = read_notebook(path)
    except NotebookError as exc:
        return failed_report(shown, str(exc))
    return check_model(notebook, Path(path), config, shown, memoize=memoize, rehearsal=rehearsal)


def check_notebook(
    nb: dict[str, Any],
    path: Path | str,
    config: CheckConfig | None = None,
    kernel: KernelState | None = None,
    shown_path: str | None = None,
    rehearsal: RehearsalRecord | None = None,
) -> NotebookReport:
    """Check notebook JSON (e.g. the live model sent by the browser), with its kernel's state if known."""
    shown = shown_path or str(path)
    try:
        notebook = notebook_from_json(nb)
    except NotebookError as exc:
        return failed_report(shown, str(exc))
    return check_model(notebook, Path(path), config, shown, kernel=kernel, rehearsal=rehearsal)


def check_model(
    notebook: Notebook,
    path: Path | None,
    config: CheckConfig | None,
    shown_path: str,
    *,
    memoize: bool = True,
    kernel: KernelState | None = None,
    rehearsal: RehearsalRecord | None = None,
    ceiling: Path | None = None,
) -> NotebookReport:
    """``ceiling``: a server's root, above which no project file (pins) is read."""
    config = config or CheckConfig()
    ctx = Context(notebook, path, memoize, kernel, ceiling)
    cells = notebook.cells
    findings: list[Finding] = []
    statuses: dict[str, str] = {}
    counts: dict[str, int] = {}
    remembered = _remembered(notebook, rehearsal) if rehearsal is not None and notebook.is_python else None
    for spec in CHECKS:
        if (
            not config.is_enabled(spec.id)
            or (spec.python_only and not notebook.is_python)
            or (spec.live and kernel is None)
            or (spec.rehearsal and remembered is None)
        ):
            continue
        statuses.setdefault(spec.item, "pass")
        if spec.rehearsal:
            assert remembered is not None
            overridden = config.severity.get(spec.id)
            hits = [
                (f.cell_index, f.line, f.message, f.suggestion, overridden or f.severity)
                for f in remembered.findings.get(spec.id, ())
            ]
        else:
            severity = config.severity_of(spec.id)
            hits = [(hit.cell_index, hit.line, hit.message, hit.suggestion, severity) for hit in spec.run(ctx)]
            if remembered is not None and remembered.verdicts:
                hits = [(i, line, remembered.said(spec.id, i, m), s, sev) for i, line, m, s, sev in hits]
        for cell_index, line, message, suggestion, severity in hits:
            cell_id = cells[cell_index].cell_id if cell_index is not None else None
            findings.append(
                Finding(
                    check=spec.id,
                    severity=severity,
                    cell_index=cell_index,
                    cell_id=cell_id,
                    line=line,
                    message=message,
                    suggestion=suggestion,
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


def record_cells(notebook: Notebook, record: RehearsalRecord) -> dict[int, int] | None:
    """Where the record's cells are now: the code cells' indices when rehearsed → their indices in
    this notebook (markdown cells may have been added or removed); None when the record does not
    apply to this notebook (its code, kernel or parameters changed)."""
    from ..notebook.fingerprint import code_fingerprint

    if record.key != code_fingerprint(notebook, record.parameters):
        return None
    now = [c.index for c in notebook.cells if c.cell_type == "code"]
    if len(now) != len(record.code_cells):
        return None
    return dict(zip(record.code_cells, now, strict=True))


class _Remembered:
    """What a record that applies adds to a report, at the cells' current indices. (A plain class:
    a dataclass costs the CLI's start-up half a millisecond.)"""

    __slots__ = ("findings", "verdicts", "when")

    def __init__(self, when: str) -> None:
        self.when = when  # the rehearsal's time, for a person
        self.findings: dict[str, list[Finding]] = {}  # by check id
        self.verdicts: dict[tuple[str, int], StaticVerdict] = {}  # (static check id, cell index) →

    def said(self, check: str, cell_index: int | None, message: str) -> str:
        """The static finding's message, with what the rehearsal found about it."""
        verdict = self.verdicts.get((check, cell_index)) if cell_index is not None else None
        if verdict is None:
            return message
        outcome = "confirmed it" if verdict.confirmed else "did not confirm it"
        return f"{message} The rehearsal of {self.when} {outcome}: {verdict.reason}."


def _remembered(notebook: Notebook, record: RehearsalRecord) -> _Remembered | None:
    """The record's findings by check id and its verdicts on static findings, moved to the cells'
    current indices; None when the record does not apply to this notebook."""
    moved = record_cells(notebook, record)
    if moved is None:
        return None
    found = _Remembered(record.rehearsed_at.replace("T", " ").removesuffix("Z")[:16] + " UTC")
    for f in record.findings:
        index = None if f.cell_index is None else moved.get(f.cell_index)
        if f.cell_index is not None and index is None:
            continue
        found.findings.setdefault(f.check, []).append(
            Finding(f.check, f.severity, index, None, f.line, f.message, f.suggestion)
        )
    for verdict in record.static:
        index = moved.get(verdict.cell_index)
        if index is not None:
            found.verdicts[(verdict.check, index)] = verdict
    return found


def failed_report(path: str, error: str) -> NotebookReport:
    return NotebookReport(path=path, score=0, findings=[], checklist=[], error=error)


def clear_cache() -> None:
    """Forget cached per-cell facts (benchmarks measure cold checks with this)."""
    facts.clear_cache()
