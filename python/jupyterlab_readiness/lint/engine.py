"""Notebook in, report out: runs the enabled checks and builds findings, checklist and score.

Findings with one cause are one row (``cells`` lists what else they affect) or say what they
follow from (``cause``, checks/causes.py); ``# readiness: ignore[...]`` comments move findings to
``suppressed`` (notebook/ignore.py); score, band and must-fix count come from score.py. A
notebook that cannot be read scores 0 and carries an ``error`` instead of findings. Fixes are
computed only when asked for (``fixes``): a plain check never builds one.

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

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..checks.causes import FOLDS
from ..checks.context import Context, Hit
from ..checks.modules import FOLLOWED, suppressed_in_module, with_modules
from ..checks.registry import CHECKLIST, CHECKS
from ..contract.report import ChecklistItem, Finding, NotebookReport
from ..environment.local import Folder
from ..notebook import facts
from ..notebook.model import Cell, Notebook, NotebookError, notebook_from_bytes, notebook_from_json, read_notebook
from . import score as scoring
from .config import CheckConfig
from .sidecar import record_cells

if TYPE_CHECKING:
    from ..checks.kernel_state import KernelState  # the live kernel's state: the server's, never the CLI's
    from ..contract.baseline import RehearsalRecord, StaticVerdict
    from ..contract.fixes import Suppressed
    from ..fixes.options import FixOptions

_STATUS_OF = {"error": "fail", "warning": "warn", "info": "info"}
_RANK = {"pass": 0, "info": 1, "warn": 2, "fail": 3}


def check_file(
    path: Path,
    config: CheckConfig | None = None,
    shown_path: str | None = None,
    *,
    memoize: bool = True,
    rehearsal: RehearsalRecord | None = None,
    fixes: FixOptions | None = None,
) -> NotebookReport:
    """Read and check a notebook file; an unreadable file gives a report with ``error`` set.

    ``memoize=False`` for one-shot runs that will not check these cells again (see context.py).
    """
    shown = shown_path or str(path)
    try:
        notebook = read_notebook(path)
    except NotebookError as exc:
        return failed_report(shown, str(exc))
    return check_model(notebook, Path(path), config, shown, memoize=memoize, rehearsal=rehearsal, fixes=fixes)


def check_bytes(
    raw: bytes,
    path: Path,
    config: CheckConfig | None = None,
    shown_path: str | None = None,
    *,
    memoize: bool = True,
    folder: Folder | None = None,
    rehearsal: RehearsalRecord | None = None,
    fixes: FixOptions | None = None,
    module_files: list[Path] | None = None,
) -> NotebookReport:
    """Check a notebook file's content (already read, e.g. to hash it for the cache); ``folder``:
    its folder's state, when the caller looked it up already (see ``environment.local.Folder``);
    ``module_files``: see ``check_model``."""
    shown = shown_path or str(path)
    try:
        notebook = notebook_from_bytes(raw)
    except NotebookError as exc:
        return failed_report(shown, str(exc))
    return check_model(
        notebook,
        Path(path),
        config,
        shown,
        memoize=memoize,
        folder=folder,
        rehearsal=rehearsal,
        fixes=fixes,
        module_files=module_files,
    )


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
    folder: Folder | None = None,
    fixes: FixOptions | None = None,
    module_files: list[Path] | None = None,
) -> NotebookReport:
    """``ceiling``: a server's root, above which no project file (pins) is read. ``fixes``: compute
    each finding's fixes with these options (None: none, as a plain check). ``module_files`` gets
    every local module file the checks looked for, found or not: the report holds while each is
    as it was (the result cache checks them)."""
    config = config or CheckConfig()
    ctx = Context(notebook, path, memoize, kernel, ceiling, folder)
    cells = notebook.cells
    findings: list[Finding] = []
    hits: list[Hit] = []
    statuses: dict[str, str] = {}
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
            for f in remembered.findings.get(spec.id, ()):
                hit = Hit(f.cell_index, f.line, f.message, f.suggestion)
                findings.append(_finding(spec.id, overridden or f.severity, hit, cells))
                hits.append(hit)
            continue
        severity = config.severity.get(spec.id) or spec.severity  # config.severity_of, without a lookup per check
        run = spec.run(ctx)
        fold = FOLDS.get(spec.id)
        if fold is not None:
            run = fold(ctx, run)
        if spec.id in FOLLOWED:
            run = with_modules(ctx, spec.run, run)
        for hit in run:
            if remembered is not None and remembered.verdicts:
                hit = hit._replace(message=remembered.said(spec.id, hit))
            findings.append(_finding(spec.id, severity, hit, cells))
            hits.append(hit)
    suppressed = _suppress(ctx, findings, hits)
    _link_causes(findings, hits)
    if module_files is not None:
        module_files.extend(ctx.probed_modules)
    if fixes is not None:
        from ..fixes.compute import attach

        attach(ctx, findings, hits, fixes)
    order = sorted(
        range(len(findings)),
        key=lambda i: (
            -1 if findings[i].cell_index is None else findings[i].cell_index,
            findings[i].line or 0,
            findings[i].check,
        ),
    )
    findings = [findings[i] for i in order]
    counts: dict[str, int] = {}
    item_of = _ITEM_OF
    for f in findings:
        item = item_of[f.check]
        counts[item] = counts.get(item, 0) + 1
        status = _STATUS_OF[f.severity]
        if _RANK[status] > _RANK[statuses[item]]:
            statuses[item] = status
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
    return NotebookReport(
        path=shown_path,
        score=scoring.score(findings),
        findings=findings,
        checklist=checklist,
        error=None,
        band=scoring.band(findings),
        must_fix=scoring.must_fix(findings),
        suppressed=suppressed,
    )


_ITEM_OF = {spec.id: spec.item for spec in CHECKS}


def _finding(check: str, severity: Any, hit: Hit, cells: tuple[Cell, ...]) -> Finding:
    index = hit.cell_index
    if index is None:
        return Finding(check, severity, None, None, hit.line, hit.message, hit.suggestion, cells=list(hit.cells))
    cell = cells[index]
    return Finding(
        check,
        severity,
        index,
        cell.cell_id,
        hit.line,
        hit.message,
        hit.suggestion,
        cells=[index, *hit.cells] if hit.cells else [index],
        file=hit.file,
        file_line=hit.file_line,
        execution_count=cell.execution_count,
    )


def _suppress(ctx: Context, findings: list[Finding], hits: list[Hit]) -> list[Suppressed]:
    """Move the findings a ``# readiness: ignore`` comment silences out of ``findings`` (and their
    hits out of ``hits``, in step); what was silenced. A finding about the whole notebook is
    silenced by a cell-level comment in the first code cell that names its check; one in a local
    module by a comment on its line there, or on the importing line."""
    cells = ctx.notebook.cells
    in_modules = any(f.file is not None for f in findings)
    if not in_modules and not any("readiness:" in c.source for c in cells if c.cell_type == "code"):
        return []
    from ..contract.fixes import Suppressed
    from ..notebook.ignore import ignores  # here: most notebooks have no ignore comment

    first_code = next((c for c in cells if c.cell_type == "code"), None)
    suppressed: list[Suppressed] = []
    kept = 0
    for finding, hit in zip(findings, hits, strict=True):
        index = finding.cell_index
        found = where = None
        if finding.file is not None:
            found = suppressed_in_module(ctx, finding.file, finding.check, finding.file_line)
            where = (finding.file_line, finding.file)
        if found is None and index is not None:
            found, where = ignores(cells[index].source).find(finding.check, finding.line), (finding.line, None)
        elif found is None and first_code is not None:
            cell = ignores(first_code.source).cell
            found = cell if cell is not None and cell.checks is not None and finding.check in cell.checks else None
            where = (None, None)
        if found is None or where is None:
            findings[kept], hits[kept] = finding, hit
            kept += 1
        else:
            suppressed.append(Suppressed(finding.check, index, where[0], found.reason, where[1]))
    del findings[kept:], hits[kept:]
    return suppressed


def _link_causes(findings: list[Finding], hits: list[Hit]) -> None:
    """A hit's ``cause`` (check, cell) becomes the finding's, when that finding is in the report
    (its check may be disabled, or the finding suppressed)."""
    caused = [i for i, hit in enumerate(hits) if hit.cause is not None]
    if not caused:
        return
    from ..contract.fixes import Cause

    present = {(f.check, f.cell_index) for f in findings}
    for i in caused:
        check, cell = hits[i].cause  # type: ignore[misc]
        if (check, cell) in present:
            findings[i].cause = Cause(check, cell)


class _Remembered:
    """What a record that applies adds to a report, at the cells' current indices. (A plain class:
    a dataclass costs the CLI's start-up half a millisecond.)"""

    __slots__ = ("findings", "verdicts", "when")

    def __init__(self, when: str) -> None:
        self.when = when  # the rehearsal's time, for a person
        self.findings: dict[str, list[Finding]] = {}  # by check id
        self.verdicts: dict[tuple[str, int], StaticVerdict] = {}  # (static check id, cell index) →

    def said(self, check: str, hit: Hit) -> str:
        """The static finding's message, with what the rehearsal found about it."""
        verdict = self.verdicts.get((check, hit.cell_index)) if hit.cell_index is not None else None
        if verdict is None:
            return hit.message
        if verdict.confirmed and check == "hidden-state" and f"`{hit.subject}`" not in verdict.reason:
            # A NameError proves one name (its reason names it); the cell stopped there, so the
            # names it reads further on were never tried.
            return (
                f"{hit.message} The rehearsal of {self.when} stopped in this cell before it could tell "
                f"(not confirmed, not refuted): {verdict.reason}."
            )
        outcome = "confirmed it" if verdict.confirmed else "did not confirm it"
        return f"{hit.message} The rehearsal of {self.when} {outcome}: {verdict.reason}."


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
            Finding(
                f.check,
                f.severity,
                index,
                None if index is None else notebook.cells[index].cell_id,
                f.line,
                f.message,
                f.suggestion,
            )
        )
    for verdict in record.static:
        index = moved.get(verdict.cell_index)
        if index is not None:
            found.verdicts[(verdict.check, index)] = verdict
    return found


def rescored(findings: Iterable[Finding]) -> int:
    """The score the report would have with only these of its findings (a handoff contract's
    waivers accept the others)."""
    return scoring.score(list(findings))


def failed_report(path: str, error: str) -> NotebookReport:
    return NotebookReport(path=path, score=0, findings=[], checklist=[], error=error)


def clear_cache() -> None:
    """Forget cached per-cell facts (benchmarks measure cold checks with this)."""
    facts.clear_cache()
