"""What each REST route does, without tornado: read the notebook through the root, ask the kernel,
run the engine or an action's plan — the CPU-bound parts in the worker pool, never on the event
loop — and apply the plan when asked to write. ``handlers.py`` parses requests and turns the
exceptions raised here into HTTP statuses, in one place."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from ..actions.export import plan as export_action
from ..actions.export import template as export_template
from ..actions.extract import plan as extract_action
from ..actions.fix import plan as fix_action
from ..actions.freeze import plan as freeze_action
from ..actions.plan import Plan, apply
from ..actions.rehearse import parameters as rehearse_parameters
from ..actions.rehearse.rehearsal import Options
from ..actions.source import Source, load
from ..actions.waive import plan as waive_action
from ..checks.context import Context
from ..checks.kernel_state import KernelState
from ..checks.registry import BY_ID, CHECKS
from ..contract.baseline import CellBaseline, OutputDiff, RehearsalRecord
from ..contract.replies import Catalogue, CheckInfo, CheckReply, ContractVerdict, KernelInfo, RehearsalSummary
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
from ..environment.kernel.distributions import local_environment
from ..environment.requirements import third_party_modules
from ..files import Root
from ..fixes.options import FixOptions
from ..handoff.judge import judge
from ..handoff.verdict import failed_verdict
from ..lint.config import CheckConfig, ConfigError, project_config
from ..lint.engine import check_model, failed_report
from ..lint.sidecar import read_record, record_cells
from ..notebook.fingerprint import kernel_name
from ..notebook.model import Notebook, NotebookError
from .errors import BadRequest, Conflict, NotFound, TooLarge
from .rehearsals import Rehearsals
from .workers import Workers


class Inspector(Protocol):
    async def inspect(self, kernel_id: str, modules: list[str]) -> tuple[KernelInfo, KernelState | None]: ...

    async def environment(
        self, kernel_id: str, modules: list[str], dists: list[str], closure: bool
    ) -> dict[str, Any] | None: ...

    async def kernel_languages(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class Limits:
    """What one request may ask of the server (see the ``Readiness`` traits)."""

    max_cells: int
    max_source_chars: int


R = TypeVar("R")


def _one_write_at_a_time(act: Callable[[Service, R], Awaitable[dict[str, Any]]]):
    """A request that writes runs alone, from reading its files to writing them: two fixes of one
    notebook, two freezes into one requirements.txt or two waivers in one contract each read what
    the other wrote, where both read the same file and the last one's write dropped the first's.
    Previews (``write`` false) run side by side."""

    @functools.wraps(act)
    async def run(self: Service, request: R) -> dict[str, Any]:
        if not getattr(request, "write", False):
            return await act(self, request)
        async with self._writing:
            return await act(self, request)

    return run


class Service:
    def __init__(
        self,
        root: Root,
        inspector: Inspector,
        settings: CheckConfig,
        limits: Limits,
        workers: Workers,
        rehearsals: Rehearsals,
    ) -> None:
        self.root = root
        self.inspector = inspector
        self.settings = settings
        self.limits = limits
        self.workers = workers
        self._writing = asyncio.Lock()  # see _one_write_at_a_time
        self.rehearsals = rehearsals

    def catalogue(self) -> dict[str, Any]:
        settings = self.settings
        return to_dict(
            Catalogue(
                [
                    CheckInfo(
                        spec.id,
                        spec.family,
                        spec.item,
                        settings.severity_of(spec.id),
                        spec.severity,
                        spec.rationale,
                        settings.is_enabled(spec.id),
                        spec.live,
                    )
                    for spec in CHECKS
                ]
            )
        )

    # -- check ----------------------------------------------------------------------------
    async def check(self, request: CheckRequest) -> dict[str, Any]:
        if set(request.disable) - BY_ID.keys():
            raise BadRequest("invalid request body: disable: unknown check id")
        try:
            source = await self.workers.run(self._load, request.path, request.notebook)
        except NotebookError as exc:
            return _check_reply(failed_report(request.path, str(exc)), KernelInfo("none", 0.0))
        report, kernel, summary, _ = await self._report(
            source, request.path, request.disable, request.kernel_id, fixes=True
        )
        if report.error is not None:
            return _check_reply(report, kernel, rehearsal=summary)
        # The verdict is the CLI's: the project's configuration only, no kernel, so the sidebar
        # and CI agree; the report is reused when it was made that way.
        project = project_config(source.path.parent, self.root.ceiling)
        config = self._config(source, request.disable)
        same = (
            not request.kernel_id
            and config.disabled == project.disabled
            and dict(config.severity) == dict(project.severity)
        )
        verdict = await self.workers.run(
            lambda: judge(
                source.model,
                source.path,
                request.path,
                self.root,
                today=dt.date.today(),
                report=report if same else None,
                config=project,
            )
        )
        return _check_reply(report, kernel, verdict, summary)

    async def _report(
        self, source: Source, shown: str, disable: list[str], kernel_id: str | None, *, fixes: bool
    ) -> tuple[NotebookReport, KernelInfo, RehearsalSummary | None, KernelState | None]:
        """The notebook's report as the sidebar shows it: the project's configuration with the
        server's and the user's settings on top, and the kernel's state when it has one; with the
        summary of the notebook's last rehearsal. The export's "readiness at export" is this same
        report."""
        kernel = KernelInfo("none", 0.0)
        try:
            config = self._config(source, disable)
        except ConfigError as exc:
            return failed_report(shown, f"configuration error: {exc}"), kernel, None, None
        state = None
        if kernel_id:
            try:
                kernel, state = await self._kernel_state(source, kernel_id)
            except NotFound:
                if fixes:  # the check route: an unknown kernel is a 404
                    raise
                # the export: a notebook it refuses needs no kernel (one that it does not refuse
                # meets the unknown kernel when asking for versions)
        options = FixOptions.at_now() if fixes else None

        def work() -> tuple[NotebookReport, RehearsalSummary | None]:
            record = read_record(source.path, self.root)
            report = check_model(
                source.model,
                source.path,
                config,
                shown,
                kernel=state,
                rehearsal=record,
                ceiling=self.root.ceiling,
                fixes=options,
            )
            return report, None if record is None else _summary(source.model, record)

        report, summary = await self.workers.run(work)
        return report, kernel, summary, state

    def _config(self, source: Source, disable: list[str]) -> CheckConfig:
        return project_config(source.path.parent, self.root.ceiling).merged(
            self.settings.disabled | frozenset(disable), self.settings.severity
        )

    async def _kernel_state(self, source: Source, kernel_id: str) -> tuple[KernelInfo, KernelState | None]:
        if not source.model.is_python:
            return KernelInfo("not-python", 0.0), None
        # (each cell's facts: a parse of every cell the first time, so not on the event loop)
        modules = await self.workers.run(
            lambda: third_party_modules(source.model, Context(source.model, source.path).is_local_module)
        )
        return await self.inspector.inspect(kernel_id, modules)

    # -- actions --------------------------------------------------------------------------
    @_one_write_at_a_time
    async def freeze(self, request: FreezeRequest) -> dict[str, Any]:
        source = await self._action_source(request.path, request.notebook)
        if not source.model.is_python:
            raise BadRequest("freeze pins Python packages; this notebook's kernel is not Python")
        want = await self._freeze_wanted(source)
        environment = await self._environment(request.kernel_id, want, closure=request.lock, verb="run freeze")
        plan = await self.workers.run(freeze_action.plan, request, environment, self.root, source)
        return await self._finish(plan, request.write)

    @_one_write_at_a_time
    async def extract(self, request: ExtractRequest) -> dict[str, Any]:
        source = await self._action_source(request.path, request.notebook)
        plan = await self.workers.run(extract_action.plan, request, self.root, source)
        return await self._finish(plan, request.write)

    @_one_write_at_a_time
    async def export(self, request: ExportRequest) -> dict[str, Any]:
        if set(request.disable) - BY_ID.keys():
            raise BadRequest("invalid request body: disable: unknown check id")
        if request.template is not None and export_template.is_url(request.template):
            # A URL in a request would make the server fetch whatever a caller names; the
            # project's own [tool.jupyter-readiness] template may be one.
            raise BadRequest(
                "invalid request body: template: a folder under the server root (a URL only in the project's "
                "[tool.jupyter-readiness] template or on the command line)"
            )
        source = await self._action_source(request.path, request.notebook)
        report, _, _, state = await self._report(source, request.path, request.disable, request.kernel_id, fixes=False)
        if report.error:
            raise BadRequest(report.error)
        # A blocked export needs no versions: answer it without asking a kernel that may be busy.
        environment = Environment()
        if not export_action.blocked(source.model, report):
            want = await self.workers.run(export_action.wanted, source.model, source.path, self.root.ceiling)
            environment = await self._environment(request.kernel_id, want, closure=False, verb="export")
        plan = await self.workers.run(export_action.plan, request, environment, self.root, source, report, state)
        if request.write and plan.reply.refused:
            raise Conflict("not exported: the notebook cannot be exported safely (see the preview's findings)")
        return await self._finish(plan, request.write)

    @_one_write_at_a_time
    async def waive(self, request: WaiveRequest) -> dict[str, Any]:
        source = await self._action_source(request.path, request.notebook)

        plan = await self.workers.run(waive_action.plan, request, self.root, dt.date.today(), source)
        return await self._finish(plan, request.write)

    @_one_write_at_a_time
    async def fix(self, request: FixRequest) -> dict[str, Any]:
        if (set(request.disable) | set(request.select)) - BY_ID.keys():
            raise BadRequest("invalid request body: disable or select: unknown check id")
        source = await self._action_source(request.path, request.notebook)
        try:
            config = self._config(source, request.disable)
        except ConfigError as exc:
            raise BadRequest(f"configuration error: {exc}") from None
        state = None
        if request.kernel_id:
            _, state = await self._kernel_state(source, request.kernel_id)
        environment = Environment()
        want = await self._freeze_wanted(source)
        if want.installs and (not request.select or "unpinned-install" in request.select):
            installs = freeze_action.Wanted([], want.installs)
            environment = await self._environment(request.kernel_id, installs, closure=False, verb="fix")
        plan = await self.workers.run(
            lambda: fix_action.plan(request, environment, self.root, source, kernel=state, config=config)
        )
        return await self._finish(plan, request.write)

    # -- rehearse (a long-running job: see rehearsals.py) ------------------------------------
    async def rehearse(self, request: RehearseRequest) -> tuple[str, str]:
        """Start a rehearsal job; its id, and its status as JSON text."""
        self.rehearsals.check_open()
        source = await self._action_source(request.path, request.notebook)
        if not source.model.is_python:
            raise BadRequest("a rehearsal runs Python notebooks; this notebook's kernel is not Python")
        if not self.root.is_dir(source.path.parent):  # a live notebook named in a folder that is not there
            raise BadRequest("the notebook's folder does not exist: save the notebook first")
        if any(not _identifier(name) for name in request.parameters):
            raise BadRequest("invalid request body: parameters: a name is not a Python identifier")
        kernels = await self.inspector.kernel_languages()
        name = request.kernel_name or kernel_name(source.model)
        if name not in kernels:
            installed = ", ".join(sorted(kernels)) or "none"
            which = "the kernel asked for" if request.kernel_name else "the notebook's kernel"
            raise BadRequest(f"{which} is not installed on the server (installed kernels: {installed})")
        if kernels[name].lower() != "python":
            raise BadRequest("a rehearsal runs Python kernels; the kernel asked for is not Python")
        # (up to 200 values of 10,000 characters, each a literal_eval: seconds, not on the event loop)
        parameters = await self.workers.run(
            lambda: {k: rehearse_parameters.parse_value(v) for k, v in request.parameters.items()}
        )
        options = Options(
            parameters=parameters,
            runs=request.runs,
            timeout=request.timeout or None,
            cell_timeout=request.cell_timeout or None,
            in_place=request.in_place,
            kernel_name=name,
        )
        job = self.rehearsals.start(request.path, source.path, source.json, options)
        return job.id, job.status_json()

    def rehearsal(self, job_id: str, since: int = 0) -> str:
        return self.rehearsals.get(job_id).status_json(since)

    def cancel_rehearsal(self, job_id: str) -> str:
        return self.rehearsals.cancel(job_id).status_json()

    # -- shared steps ---------------------------------------------------------------------
    def _load(self, api_path: str, live: dict[str, Any] | None) -> Source:
        source = load(api_path, live, self.root)
        self._within_limits(source.model)
        return source

    async def _action_source(self, api_path: str, live: dict[str, Any] | None) -> Source:
        try:
            return await self.workers.run(self._load, api_path, live)
        except NotebookError as exc:
            raise BadRequest(f"cannot read the notebook: {exc}") from None

    def _within_limits(self, notebook: Notebook) -> None:
        if len(notebook.cells) > self.limits.max_cells:
            raise TooLarge(f"the notebook has more than {self.limits.max_cells} cells (Readiness.max_cells)")
        if sum(len(cell.source) for cell in notebook.cells) > self.limits.max_source_chars:
            raise TooLarge(
                f"the notebook's cells hold more than {self.limits.max_source_chars} characters "
                "(Readiness.max_source_chars)"
            )

    async def _freeze_wanted(self, source: Source) -> freeze_action.Wanted:
        # (each cell's facts: a parse of every cell the first time, so not on the event loop)
        return await self.workers.run(
            lambda: freeze_action.wanted(source.model, Context(source.model, source.path).is_local_module)
        )

    async def _environment(self, kernel_id: str | None, want: Any, *, closure: bool, verb: str) -> Environment:
        """What is installed where the notebook runs: its kernel's environment, else the server's."""
        if kernel_id:
            answer = await self.inspector.environment(kernel_id, want.modules, want.installs, closure)
            if answer is None:
                raise Conflict(f"the kernel did not answer (busy, dead or not Python): {verb} again when it is idle")
        else:
            answer = await self.workers.run(local_environment, want.modules, want.installs, closure=closure)
        return Environment.from_answer(answer)

    async def _finish(self, plan: Plan[Any], write: bool) -> dict[str, Any]:
        if write:
            await self.workers.run(apply, plan, self.root)
        return to_dict(plan.reply)


def _check_reply(
    report: NotebookReport,
    kernel: KernelInfo,
    verdict: ContractVerdict | None = None,
    rehearsal: RehearsalSummary | None = None,
) -> dict[str, Any]:
    if verdict is None:  # the notebook or the project's configuration could not be read
        verdict = failed_verdict(report.path, report.error or "not checked")
    fields = {name: getattr(report, name) for name in NotebookReport.__dataclass_fields__}
    return to_dict(CheckReply(**fields, kernel=kernel, contract=verdict, rehearsal=rehearsal))


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


def _identifier(name: str) -> bool:
    try:
        rehearse_parameters.check_name(name)
    except rehearse_parameters.BadParameter:
        return False
    return True
