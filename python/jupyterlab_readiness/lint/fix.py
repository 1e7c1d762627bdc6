"""Fixing a notebook: apply one round of fixes, check again, repeat — until no finding has a fix
that may be applied, or a bound. Checking between rounds resolves fixes that touch the same cell
(the second is recomputed on the first's result) and makes a second run change nothing.

A round applies the first applicable fix of each finding, in report order, as long as the fixes
edit different cells and insert none (an inserted cell moves every index below it); a fix that
inserts cells is applied alone. A fix that leaves its finding as it was is not tried again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checks.kernel_state import KernelState
from ..contract.fixes import Fix, InsertCell
from ..contract.report import Finding, NotebookReport
from ..fixes.apply import FixError, Positions, apply_fixes
from ..fixes.options import FixOptions
from ..notebook.model import notebook_from_json
from .config import CheckConfig
from .engine import check_model

MAX_ROUNDS = 200


@dataclass
class Applied:
    finding: Finding  # as it was when its fix was applied
    fix: Fix
    # (cell index, line) of the finding in the notebook as it was before fixing: a later round's
    # finding is located in a notebook that earlier fixes inserted cells and lines into
    at: tuple[int | None, int | None]


@dataclass
class FixOutcome:
    notebook: dict[str, Any]  # the fixed notebook JSON
    before: NotebookReport  # the report of the notebook as it was
    report: NotebookReport  # the report of the fixed notebook, with the fixes still available
    applied: list[Applied] = field(default_factory=list)


def fix_notebook(
    notebook_json: dict[str, Any],
    path: Path | None,
    config: CheckConfig | None,
    shown_path: str,
    *,
    select: frozenset[str] | None = None,
    unsafe: bool = False,
    kernel: KernelState | None = None,
    ceiling: Path | None = None,
    options: FixOptions | None = None,
) -> FixOutcome:
    """Raises NotebookError when the JSON is not a notebook."""
    options = options or FixOptions()
    options = FixOptions(options.now, options.versions, select, ignore=False, commands=False)
    current = notebook_json
    tried: set[tuple[Any, ...]] = set()
    applied: list[Applied] = []
    before = None
    seen = {_state(current)}
    positions = Positions(current)
    for _ in range(MAX_ROUNDS):
        report = check_model(
            notebook_from_json(current), path, config, shown_path, kernel=kernel, ceiling=ceiling, fixes=options
        )
        before = before or report
        chosen = _round(report, unsafe, tried)
        if not chosen:
            return FixOutcome(current, before, report, applied)
        for finding, fix in chosen:
            tried.add(_key(finding, fix))
            try:
                fixed = apply_fixes(current, [fix])
            except FixError:
                continue
            # a cell a fix inserted was nowhere before: it is named where it was when fixed
            at = positions.original(finding.cell_index, finding.line) or (finding.cell_index, finding.line)
            applied.append(Applied(finding, fix, at))
            positions.track(current, fixed, fix)
            current = fixed
        state = _state(current)
        if state in seen:
            break  # fixes that undo each other: stop where the notebook was already
        seen.add(state)
    report = check_model(
        notebook_from_json(current), path, config, shown_path, kernel=kernel, ceiling=ceiling, fixes=options
    )
    return FixOutcome(current, before or report, report, applied)


def _round(report: NotebookReport, unsafe: bool, tried: set[tuple[Any, ...]]) -> list[tuple[Finding, Fix]]:
    chosen: list[tuple[Finding, Fix]] = []
    touched: set[str | int] = set()
    for finding in report.findings:
        fix = next((f for f in finding.fixes if f.edits and (f.safe or unsafe) and _key(finding, f) not in tried), None)
        if fix is None:
            continue
        inserts = any(isinstance(e, InsertCell) for e in fix.edits)
        cells = {e.cell_id or e.cell_index for e in fix.edits if not isinstance(e, InsertCell)}  # type: ignore[union-attr]
        if inserts:
            if not chosen:
                return [(finding, fix)]
            continue
        if cells & touched:
            continue
        touched |= cells
        chosen.append((finding, fix))
    return chosen


def _key(finding: Finding, fix: Fix) -> tuple[Any, ...]:
    return (finding.check, finding.cell_id or finding.cell_index, finding.line, finding.message, fix.id)


def _state(notebook_json: dict[str, Any]) -> int:
    cells = notebook_json.get("cells") or []
    return hash(
        tuple((str(c.get("source")), str(_tags(c)), len(c.get("outputs") or ())) for c in cells if isinstance(c, dict))
    )


def _tags(cell: dict[str, Any]) -> Any:
    metadata = cell.get("metadata")
    return metadata.get("tags") if isinstance(metadata, dict) else None
