"""The CPU-bound part of every route, as plain functions that run in the server's worker processes
(``workers.py``): reading the notebook, checking it, planning an action, writing the plan's files
and making the reply's JSON. Arguments and results cross the process boundary by pickling, so each
function takes what it needs (the ``Job``, the request, the kernel's answers) and returns JSON
text or a small value; what only the server's process can do (asking a kernel, holding the write
lock) stays in ``service.py``.

A route that asks a kernel in the middle runs in two steps (``*_prepare`` then the rest); both go
to the same worker process (``Workers`` routes a notebook's work to one process), which keeps the
first step's notebook and report for the second under the request's token, so nothing is read or
checked twice."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import json_pieces
from ..actions.export import plan as export_action
from ..actions.extract import plan as extract_action
from ..actions.fix import plan as fix_action
from ..actions.freeze import plan as freeze_action
from ..actions.plan import Plan, apply
from ..actions.rehearse import parameters as rehearse_params
from ..actions.rehearse.baseline import write_record
from ..actions.rehearse.rehearsal import Outcome
from ..actions.source import Source, load
from ..actions.waive import plan as waive_action
from ..checks.context import Context
from ..checks.kernel_state import KernelState
from ..contract.baseline import CellBaseline, OutputDiff, RehearsalRecord
from ..contract.replies import CheckReply, ContractVerdict, KernelInfo, RehearsalSummary
from ..contract.report import NotebookReport, to_dict
from ..contract.requests import (
    CheckRequest,
    ExportRequest,
    ExtractRequest,
    FixRequest,
    FreezeRequest,
    RehearseRequest,
    WaiveRequest,
)
from ..environment.answer import Environment
from ..environment.requirements import third_party_modules
from ..files import OutsideRoot, Root, Unreadable
from ..fixes.options import FixOptions
from ..handoff.judge import judge
from ..handoff.verdict import failed_verdict
from ..lint.config import CheckConfig, ConfigError, project_config
from ..lint.engine import check_model, failed_report
from ..lint.sidecar import read_record, record_cells
from ..notebook.model import Notebook, NotebookError
from .errors import BadRequest, Conflict, TooLarge


@dataclass(frozen=True)
class Limits:
    """What one request may ask of the server (see the ``Readiness`` traits)."""

    max_cells: int
    max_source_chars: int


@dataclass(frozen=True)
class Job:
    """What every step of one request needs: the root, the server's settings, the limits, and the
    request's token (its steps' shared state in the worker process)."""

    root: Root
    settings: CheckConfig
    limits: Limits
    token: str


# token → (source, report) of a request's first step, for its next one; a handful, since a request
# whose next step never comes (its kernel's answer failed) leaves its entry behind
_KEPT: OrderedDict[str, tuple[Source, NotebookReport | None]] = OrderedDict()
_KEEP = 8


# -- shared steps -----------------------------------------------------------------------------------
def _source(job: Job, api_path: str, live: dict[str, Any] | None) -> Source:
    kept = _KEPT.get(job.token)
    if kept is not None:
        return kept[0]
    source = load(api_path, live, job.root)
    notebook = source.model
    if len(notebook.cells) > job.limits.max_cells:
        raise TooLarge(f"the notebook has more than {job.limits.max_cells} cells (Readiness.max_cells)")
    if sum(len(cell.source) for cell in notebook.cells) > job.limits.max_source_chars:
        raise TooLarge(
            f"the notebook's cells hold more than {job.limits.max_source_chars} characters (Readiness.max_source_chars)"
        )
    return source


def _action_source(job: Job, api_path: str, live: dict[str, Any] | None) -> Source:
    try:
        return _source(job, api_path, live)
    except NotebookError as exc:
        raise BadRequest(f"cannot read the notebook: {exc}") from None


def _keep(job: Job, source: Source, report: NotebookReport | None = None) -> None:
    _KEPT[job.token] = (source, report)
    while len(_KEPT) > _KEEP:
        _KEPT.popitem(last=False)


def _done(job: Job) -> NotebookReport | None:
    """The request's last step: forget what its first one kept; the report it kept, if any."""
    kept = _KEPT.pop(job.token, None)
    return None if kept is None else kept[1]


def _config(job: Job, source: Source, disable: list[str]) -> CheckConfig:
    return project_config(source.path.parent, job.root.ceiling).merged(
        job.settings.disabled | frozenset(disable), job.settings.severity
    )


def _wanted(source: Source) -> freeze_action.Wanted:
    """The third-party modules the notebook imports and the distributions it installs."""
    return freeze_action.wanted(source.model, Context(source.model, source.path).is_local_module)


def _kernel_modules(source: Source) -> list[str] | None:
    """The imports to ask the notebook's kernel about; None: the kernel is not asked (not Python)."""
    if not source.model.is_python:
        return None
    return third_party_modules(source.model, Context(source.model, source.path).is_local_module)


def _report(
    job: Job, source: Source, shown: str, disable: list[str], state: KernelState | None, fixes: FixOptions | None
) -> tuple[NotebookReport, RehearsalSummary | None]:
    """The notebook's report as the sidebar shows it: the project's configuration with the server's
    and the user's settings on top, and the kernel's state when it has one; with the summary of the
    notebook's last rehearsal. The export's "readiness at export" is this same report."""
    try:
        config = _config(job, source, disable)
    except ConfigError as exc:
        return failed_report(shown, f"configuration error: {exc}"), None
    record = read_record(source.path, job.root)
    report = check_model(
        source.model,
        source.path,
        config,
        shown,
        kernel=state,
        rehearsal=record,
        ceiling=job.root.ceiling,
        fixes=fixes,
    )
    return report, None if record is None else _summary(source.model, record)


def _finish(job: Job, plan: Plan[Any], write: bool) -> str:
    if write:
        apply(plan, job.root)
    return json.dumps(to_dict(plan.reply))


def environment_answer(modules: list[str], installs: list[str], closure: bool) -> dict[str, Any]:
    """What is installed in the server's own environment (a notebook without a kernel runs there)."""
    from ..environment.installed import path_state

    return _environment(path_state(), tuple(modules), tuple(installs), closure)


# Kept for a few recent questions, under the state of sys.path they were answered in: reading every
# distribution's metadata costs ~0.1 s, a notebook without a kernel asks at each freeze, fix and
# export preview, and a package installed since changes the state.
@functools.lru_cache(maxsize=16)
def _environment(
    state: tuple[tuple[str, int], ...], modules: tuple[str, ...], installs: tuple[str, ...], closure: bool
) -> dict[str, Any]:
    from ..environment.kernel.distributions import local_environment

    return local_environment(modules, installs, closure=closure)


# -- check ------------------------------------------------------------------------------------------
def check_prepare(job: Job, request: CheckRequest) -> list[str] | KernelInfo:
    """Before asking the kernel: the imports to ask it about, or the kernel's part of the reply
    when it is not asked (the notebook or the configuration cannot be read: the next step says
    so; the notebook is not Python)."""
    try:
        source = _source(job, request.path, request.notebook)
        _config(job, source, request.disable)
    except (NotebookError, ConfigError):
        return KernelInfo("none", 0.0)
    modules = _kernel_modules(source)
    if modules is None:
        return KernelInfo("not-python", 0.0)
    _keep(job, source)
    return modules


def check_reply(job: Job, request: CheckRequest, kernel: KernelInfo, state: KernelState | None, today: dt.date) -> str:
    try:
        source = _source(job, request.path, request.notebook)
    except NotebookError as exc:
        return _check_reply(failed_report(request.path, str(exc)), KernelInfo("none", 0.0))
    _done(job)
    report, summary = _report(job, source, request.path, request.disable, state, FixOptions.at_now())
    if report.error is not None:
        return _check_reply(report, kernel, rehearsal=summary)
    # The verdict is the CLI's: the project's configuration only, no kernel, so the sidebar and CI
    # agree; the report is reused when it was made that way.
    project = project_config(source.path.parent, job.root.ceiling)
    config = _config(job, source, request.disable)
    same = (
        not request.kernel_id
        and config.disabled == project.disabled
        and dict(config.severity) == dict(project.severity)
    )
    verdict = judge(
        source.model,
        source.path,
        request.path,
        job.root,
        today=today,
        report=report if same else None,
        config=project,
    )
    return _check_reply(report, kernel, verdict, summary)


def _check_reply(
    report: NotebookReport,
    kernel: KernelInfo,
    verdict: ContractVerdict | None = None,
    rehearsal: RehearsalSummary | None = None,
) -> str:
    if verdict is None:  # the notebook or the project's configuration could not be read
        verdict = failed_verdict(report.path, report.error or "not checked")
    fields = {name: getattr(report, name) for name in NotebookReport.__dataclass_fields__}
    return json.dumps(to_dict(CheckReply(**fields, kernel=kernel, contract=verdict, rehearsal=rehearsal)))


def _summary(notebook: Notebook, record: RehearsalRecord) -> RehearsalSummary:
    """When the notebook was last rehearsed and how it went; the per-cell results and diffs at the
    cells' current indices while the record applies."""
    moved = record_cells(notebook, record) if notebook.is_python else None
    cells: list[CellBaseline] = []
    diffs: list[OutputDiff] = []
    if moved is not None:
        for cell in record.cells:
            index = moved.get(cell.cell_index)
            if index is not None:
                cells.append(
                    CellBaseline(
                        index, notebook.cells[index].cell_id, cell.runs, cell.writes, cell.reads, cell.external
                    )
                )
        for diff in record.diffs:
            index = moved.get(diff.cell_index)
            if index is not None:
                diffs.append(OutputDiff(index, diff.check, diff.before, diff.after, diff.diff))
    return RehearsalSummary(
        rehearsed_at=record.rehearsed_at,
        passed=record.passed,
        applies=moved is not None,
        runs=record.runs,
        seconds=record.seconds,
        in_place=record.in_place,
        parameters=record.parameters,
        findings=len(record.findings),
        cells=cells,
        diffs=diffs,
    )


# -- actions ----------------------------------------------------------------------------------------
def freeze_prepare(job: Job, request: FreezeRequest) -> freeze_action.Wanted:
    source = _action_source(job, request.path, request.notebook)
    if not source.model.is_python:
        raise BadRequest("freeze pins Python packages; this notebook's kernel is not Python")
    _keep(job, source)
    return _wanted(source)


def freeze(job: Job, request: FreezeRequest, answer: dict[str, Any]) -> str:
    source = _action_source(job, request.path, request.notebook)
    _done(job)
    plan = freeze_action.plan(request, Environment.from_answer(answer), job.root, source)
    return _finish(job, plan, request.write)


def extract(job: Job, request: ExtractRequest) -> str:
    source = _action_source(job, request.path, request.notebook)
    return _finish(job, extract_action.plan(request, job.root, source), request.write)


def waive(job: Job, request: WaiveRequest, today: dt.date) -> str:
    source = _action_source(job, request.path, request.notebook)
    with waive_action.project_lock(source.path.parent, job.root):
        return _finish(job, waive_action.plan(request, job.root, today, source), request.write)


def export_modules(job: Job, request: ExportRequest) -> list[str] | None:
    """The imports to ask the kernel about before the readiness check (None: not Python)."""
    source = _action_source(job, request.path, request.notebook)
    _keep(job, source)
    return _kernel_modules(source)


def export_prepare(job: Job, request: ExportRequest, state: KernelState | None) -> freeze_action.Wanted | None:
    """The readiness check the export carries; what to ask the environment about, or None for a
    notebook the export refuses (it needs no versions: answered without asking a kernel that may be
    busy)."""
    source = _action_source(job, request.path, request.notebook)
    report, _ = _report(job, source, request.path, request.disable, state, None)
    if report.error:
        raise BadRequest(report.error)
    _keep(job, source, report)
    if export_action.blocked(source.model, report):
        return None
    return export_action.wanted(source.model, source.path, job.root.ceiling)


def export(job: Job, request: ExportRequest, answer: dict[str, Any] | None, state: KernelState | None) -> str:
    source = _action_source(job, request.path, request.notebook)
    report = _done(job)
    if report is None:  # the first step ran in a process that has since been replaced
        report, _ = _report(job, source, request.path, request.disable, state, None)
    environment = Environment() if answer is None else Environment.from_answer(answer)
    plan = export_action.plan(request, environment, job.root, source, report, state)
    if request.write and plan.reply.refused:
        raise Conflict("not exported: the notebook cannot be exported safely (see the preview's findings)")
    return _finish(job, plan, request.write)


def fix_prepare(job: Job, request: FixRequest) -> tuple[list[str] | None, list[str]]:
    """Before asking the kernel: the imports to ask it about (None: not Python), and the installs
    whose versions the fix pins."""
    source = _action_source(job, request.path, request.notebook)
    try:
        _config(job, source, request.disable)
    except ConfigError as exc:
        raise BadRequest(f"configuration error: {exc}") from None
    _keep(job, source)
    want = _wanted(source)
    pinned = not request.select or "unpinned-install" in request.select
    return _kernel_modules(source), want.installs if pinned else []


def fix(job: Job, request: FixRequest, answer: dict[str, Any] | None, state: KernelState | None) -> str:
    source = _action_source(job, request.path, request.notebook)
    _done(job)
    config = _config(job, source, request.disable)
    environment = Environment() if answer is None else Environment.from_answer(answer)
    plan = fix_action.plan(request, environment, job.root, source, kernel=state, config=config)
    return _finish(job, plan, request.write)


# -- rehearse ---------------------------------------------------------------------------------------
def rehearse_source(job: Job, request: RehearseRequest) -> Source:
    return _action_source(job, request.path, request.notebook)


def rehearse_parameters(parameters: dict[str, str]) -> rehearse_params.Given:
    """Up to 200 values of 10,000 characters, each read as a Python literal, made ready to inject."""
    return rehearse_params.given({k: rehearse_params.parse_value(v) for k, v in parameters.items()})


def rehearse_conclude(root: Root, settings: CheckConfig, api_path: str, path: Path, outcome: Outcome) -> str:
    """A rehearsal is over: its record written beside the notebook (through the root), the
    project's configuration applied to its findings; its reply as JSON text."""
    record_file = None
    if outcome.record is not None:
        try:
            record_file = root.shown(write_record(path, outcome.record, root))
        except (OSError, OutsideRoot, Unreadable) as exc:
            reason = str(exc) if isinstance(exc, (OutsideRoot, Unreadable)) else exc.strerror or "cannot write it"
            outcome.notes.append(f"the baseline record could not be written: {reason}")
    reply = outcome.reply(api_path, record_file)
    try:
        config = project_config(path.parent, root.ceiling).merged(settings.disabled, settings.severity)
    except ConfigError:
        config = settings
    reply.findings = [
        replace(f, severity=config.severity.get(f.check, f.severity))
        for f in reply.findings
        if config.is_enabled(f.check)
    ]
    return json_pieces.dumps(to_dict(reply))  # (in a thread when every worker was taken)
