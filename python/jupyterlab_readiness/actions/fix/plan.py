"""Fix: apply the fixes the core computes (lint/fix.py) to a notebook and plan the write of the
result, in the file's own JSON style (text.py). The CLI and the server both plan with this and
write with ``actions.plan.apply``; JupyterLab mostly applies a finding's edits to the live notebook
itself (so undo works) and uses this for *Fix all* previews."""

from __future__ import annotations

from ...checks.kernel_state import KernelState
from ...contract.replies import AppliedFix, FixReply
from ...contract.report import NotebookReport
from ...contract.requests import FixRequest
from ...environment.answer import Environment
from ...files import Root
from ...fixes.options import FixOptions
from ...lint.config import CheckConfig, project_config
from ...lint.fix import fix_notebook
from ..errors import ActionRefused
from ..plan import Plan
from ..source import Source, load
from .text import cells_diff, dumps_like


def plan(
    request: FixRequest,
    environment: Environment,
    root: Root,
    source: Source | None = None,
    *,
    kernel: KernelState | None = None,
    config: CheckConfig | None = None,
    now: str | None = None,
) -> Plan[FixReply]:
    """Raises what source.load raises, and ConfigError. ``config``: the configuration in force
    (default: the project's, with the request's ``disable``); ``now``: the run date a wall-clock
    fix writes (default: now)."""
    source = source or load(request.path, request.notebook, root)
    if config is None:
        config = project_config(source.path.parent, root.ceiling).merged(request.disable, {})
    versions = environment.versions
    options = FixOptions.at_now(versions=versions) if now is None else FixOptions(now, versions)
    shown = root.shown(source.path)
    outcome = fix_notebook(
        source.json,
        source.path,
        config,
        shown,
        select=frozenset(request.select) or None,
        unsafe=request.unsafe,
        kernel=kernel,
        ceiling=root.ceiling,
        options=options,
    )
    if source.json.get("nbformat") != 4 and _applicable(outcome.report, request.unsafe):
        # the edits apply to nbformat 4 cells: every fix would fail, and the file stay as it was
        raise ActionRefused(
            f"this notebook is in nbformat {source.json.get('nbformat')}, which fixes cannot edit: open it in "
            "JupyterLab and save it (JupyterLab converts it to nbformat 4), then fix it"
        )
    applied = [
        AppliedFix(
            a.finding.check,
            a.fix.id,
            a.fix.title,
            a.fix.safe,
            a.at[0],
            a.finding.cell_id,
            a.at[1],
            a.fix.note,
        )
        for a in outcome.applied
    ]
    diff = cells_diff(
        shown, source.json, outcome.notebook, _secret_lines(outcome.before), _secret_lines(outcome.report)
    )
    reply = FixReply(shown, applied, diff, outcome.notebook, outcome.report, _unsafe_available(outcome.report))
    writes = {}
    if outcome.applied and outcome.notebook != source.json:
        original = root.read_text(source.path) if request.notebook is None else None
        writes[source.path] = dumps_like(original, source.json, outcome.notebook)
    return Plan(reply, writes)


def _secret_lines(report: NotebookReport) -> set[tuple[int, int]]:
    return {
        (f.cell_index, f.line)
        for f in report.findings
        if f.check == "hardcoded-secret" and f.cell_index is not None and f.line is not None
    }


def _applicable(report: NotebookReport, unsafe: bool) -> bool:
    return any(fix.edits and (fix.safe or unsafe) for f in report.findings for fix in f.fixes)


def _unsafe_available(report: NotebookReport) -> int:
    return sum(1 for f in report.findings if any(fix.edits and not fix.safe for fix in f.fixes))
