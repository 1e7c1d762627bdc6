"""What each REST route does, without tornado: the CPU-bound steps (reading the notebook, checking
it, planning and applying an action, making the reply) run as ``jobs.py`` functions in the worker
processes, never on the event loop; this module asks the kernel between them and keeps requests
that write one at a time. ``handlers.py`` parses requests and turns the exceptions raised here into
HTTP statuses, in one place."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from ..actions.export import template as export_template
from ..actions.rehearse import parameters as rehearse_parameters
from ..actions.rehearse.rehearsal import Options
from ..checks.kernel_state import KernelState
from ..checks.registry import BY_ID, CHECKS
from ..contract.replies import Catalogue, CheckInfo, KernelInfo
from ..contract.report import to_dict
from ..contract.requests import (
    CheckRequest,
    ExportRequest,
    ExtractRequest,
    FixRequest,
    FreezeRequest,
    RehearseRequest,
    WaiveRequest,
)
from ..files import Root
from ..lint.config import CheckConfig
from ..notebook.fingerprint import kernel_name
from . import jobs
from .errors import BadRequest, Conflict, NotFound
from .jobs import Job, Limits
from .rehearsals import Rehearsals
from .workers import Workers


class Inspector(Protocol):
    async def inspect(self, kernel_id: str, modules: list[str]) -> tuple[KernelInfo, KernelState | None]: ...

    async def environment(
        self, kernel_id: str, modules: list[str], dists: list[str], closure: bool
    ) -> dict[str, Any] | None: ...

    async def kernel_languages(self) -> dict[str, str]: ...


R = TypeVar("R")


def _one_write_at_a_time(act: Callable[[Service, R], Awaitable[str]]):
    """A request that writes runs alone, from reading its files to writing them: two fixes of one
    notebook, two freezes into one requirements.txt or two waivers in one contract each read what
    the other wrote, where both read the same file and the last one's write dropped the first's.
    Previews (``write`` false) run side by side."""

    @functools.wraps(act)
    async def run(self: Service, request: R) -> str:
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

    def _job(self) -> Job:
        return Job(self.root, self.settings, self.limits, uuid.uuid4().hex)

    async def _run(self, fn: Callable[..., R], job: Job, request: Any, *args: Any) -> R:
        """A step of ``request`` in the worker process its notebook goes to."""
        return await self.workers.run(fn, job, request, *args, key=request.path)

    # -- check ----------------------------------------------------------------------------
    async def check(self, request: CheckRequest) -> str:
        if set(request.disable) - BY_ID.keys():
            raise BadRequest("invalid request body: disable: unknown check id")
        job = self._job()
        kernel, state = KernelInfo("none", 0.0), None
        if request.kernel_id:
            prepared = await self._run(jobs.check_prepare, job, request)
            if isinstance(prepared, KernelInfo):
                kernel = prepared
            else:
                kernel, state = await self.inspector.inspect(request.kernel_id, prepared)  # unknown: a 404
        return await self._run(jobs.check_reply, job, request, kernel, state, dt.date.today())

    # -- actions --------------------------------------------------------------------------
    @_one_write_at_a_time
    async def freeze(self, request: FreezeRequest) -> str:
        job = self._job()
        want = await self._run(jobs.freeze_prepare, job, request)
        answer = await self._environment(request, want.modules, want.installs, closure=request.lock, verb="run freeze")
        return await self._run(jobs.freeze, job, request, answer)

    @_one_write_at_a_time
    async def extract(self, request: ExtractRequest) -> str:
        return await self._run(jobs.extract, self._job(), request)

    @_one_write_at_a_time
    async def export(self, request: ExportRequest) -> str:
        if set(request.disable) - BY_ID.keys():
            raise BadRequest("invalid request body: disable: unknown check id")
        if request.template is not None and export_template.is_url(request.template):
            # A URL in a request would make the server fetch whatever a caller names; the
            # project's own [tool.jupyter-readiness] template may be one.
            raise BadRequest(
                "invalid request body: template: a folder under the server root (a URL only in the project's "
                "[tool.jupyter-readiness] template or on the command line)"
            )
        job = self._job()
        state = None
        if request.kernel_id:
            modules = await self._run(jobs.export_modules, job, request)
            if modules is not None:
                # A notebook the export refuses needs no kernel; one it does not meets an unknown
                # kernel again when asking for versions.
                with contextlib.suppress(NotFound):
                    _, state = await self.inspector.inspect(request.kernel_id, modules)
        want = await self._run(jobs.export_prepare, job, request, state)
        answer = None
        if want is not None:
            answer = await self._environment(request, want.modules, want.installs, closure=False, verb="export")
        return await self._run(jobs.export, job, request, answer, state)

    @_one_write_at_a_time
    async def waive(self, request: WaiveRequest) -> str:
        return await self._run(jobs.waive, self._job(), request, dt.date.today())

    @_one_write_at_a_time
    async def fix(self, request: FixRequest) -> str:
        if (set(request.disable) | set(request.select)) - BY_ID.keys():
            raise BadRequest("invalid request body: disable or select: unknown check id")
        job = self._job()
        modules, installs = await self._run(jobs.fix_prepare, job, request)
        state = None
        if request.kernel_id and modules is not None:
            _, state = await self.inspector.inspect(request.kernel_id, modules)
        answer = None
        if installs:
            answer = await self._environment(request, [], installs, closure=False, verb="fix")
        return await self._run(jobs.fix, job, request, answer, state)

    # -- rehearse (a long-running job: see rehearsals.py) ------------------------------------
    async def rehearse(self, request: RehearseRequest) -> tuple[str, str]:
        """Start a rehearsal job; its id, and its status as JSON text."""
        self.rehearsals.check_open()
        source = await self._run(jobs.rehearse_source, self._job(), request)
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
        parameters = await self.workers.run(jobs.rehearse_parameters, request.parameters, key=request.path)
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
    async def _environment(
        self, request: Any, modules: list[str], installs: list[str], *, closure: bool, verb: str
    ) -> dict[str, Any]:
        """What is installed where the notebook runs: its kernel's environment, else the server's."""
        if request.kernel_id:
            answer = await self.inspector.environment(request.kernel_id, modules, installs, closure)
            if answer is None:
                raise Conflict(f"the kernel did not answer (busy, dead or not Python): {verb} again when it is idle")
            return answer
        return await self.workers.run(jobs.environment_answer, modules, installs, closure, key=request.path)


def _identifier(name: str) -> bool:
    try:
        rehearse_parameters.check_name(name)
    except rehearse_parameters.BadParameter:
        return False
    return True
