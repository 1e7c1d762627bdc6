"""What the REST API does, without tornado: confine the path, read the notebook, ask the kernel,
run the engine. The handlers only parse the request and map ReadinessError to HTTP statuses."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from ..actions.export import plan as export_core
from ..actions.extract import plan as extraction
from ..actions.freeze import plan as freeze_core
from ..actions.rehearse.baseline import read_record
from ..contract.requests import CheckRequest, ExportRequest, ExtractRequest, FreezeRequest
from ..checks.pinning import third_party_modules
from ..lint.config import CheckConfig, ConfigError, project_config
from ..checks.context import Context
from ..lint.engine import check_model, failed_report
from ..errors import BadRequest, Conflict, Forbidden
from ..actions.extract.planner import ExtractionRefused
from ..files import read_text, write_atomic
from ..checks.kernel_state import KernelState
from ..notebook.model import NotebookError, notebook_from_json
from .probe import local_environment
from ..checks.registry import CHECKS
from ..contract.replies import Catalogue, CheckInfo, CheckReply, KernelInfo
from ..contract.report import NotebookReport


class Inspector(Protocol):
    async def inspect(self, kernel_id: str, modules: list[str]) -> tuple[KernelInfo, KernelState | None]: ...

    async def environment(self, kernel_id: str, modules: list[str], dists: list[str], closure: bool) -> dict[str, Any] | None: ...


class Contents(Protocol):
    async def read_text(self, path: str) -> str: ...


def catalogue(settings: CheckConfig) -> dict[str, Any]:
    return Catalogue(
        [
            CheckInfo(spec.id, spec.family, spec.item, settings.severity_of(spec.id), spec.severity, spec.rationale, settings.is_enabled(spec.id), spec.live)
            for spec in CHECKS
        ]
    ).as_dict()


def confine(root: Path, api_path: str) -> Path:
    """The file a server-relative path names; refused when it could leave the root."""
    if "\x00" in api_path or "\\" in api_path:
        raise Forbidden("the path is refused: it is outside the server root")
    parts = PurePosixPath(api_path.strip("/")).parts
    if not parts or ".." in parts or api_path.startswith("/") or ":" in parts[0]:
        raise Forbidden("the path is refused: it is outside the server root")
    root = root.resolve()
    full = (root / Path(*parts)).resolve()  # resolves symbolic links that point outside, too
    if not full.is_relative_to(root):
        raise Forbidden("the path is refused: it is outside the server root")
    return full


async def check(request: CheckRequest, *, root: Path, contents: Contents, inspector: Inspector, settings: CheckConfig) -> dict[str, Any]:
    os_path = confine(root, request.path)
    kernel = KernelInfo("none", 0.0)
    if request.notebook is None:
        raw = await contents.read_text(request.path)
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, RecursionError) as exc:
            return _reply(failed_report(request.path, f"not a notebook: invalid JSON ({type(exc).__name__})"), kernel)
    else:
        data = request.notebook
    try:
        notebook = notebook_from_json(data)
    except NotebookError as exc:
        return _reply(failed_report(request.path, str(exc)), kernel)
    try:
        config = project_config(os_path.parent).merged(settings.disabled | frozenset(request.disable), settings.severity)
    except ConfigError as exc:
        return _reply(failed_report(request.path, f"configuration error: {exc}"), kernel)
    state = None
    if request.kernel_id:
        if not notebook.is_python:
            kernel = KernelInfo("not-python", 0.0)
        else:
            kernel, state = await inspector.inspect(request.kernel_id, third_party_modules(notebook, Context(notebook, os_path).is_local_module))
    report = check_model(notebook, os_path, config, request.path, kernel=state, rehearsal=read_record(os_path, within=root))
    return _reply(report, kernel)


def _reply(report: NotebookReport, kernel: KernelInfo) -> dict[str, Any]:
    return CheckReply(path=report.path, score=report.score, findings=report.findings, checklist=report.checklist, error=report.error, kernel=kernel).as_dict()


async def freeze(request: FreezeRequest, *, root: Path, contents: Contents, inspector: Inspector) -> dict[str, Any]:
    os_path = confine(root, request.path)
    try:
        notebook = notebook_from_json(json.loads(await contents.read_text(request.path)))
    except (json.JSONDecodeError, RecursionError, NotebookError) as exc:
        raise BadRequest(f"cannot read the notebook: {exc}") from None
    if not notebook.is_python:
        raise BadRequest(f"freeze pins Python packages; this notebook's kernel language is {notebook.language!r}")
    want = freeze_core.wanted(notebook, Context(notebook, os_path).is_local_module)
    if request.kernel_id:
        environment = await inspector.environment(request.kernel_id, want.modules, want.installs, request.lock)
        if environment is None:
            raise Conflict("the kernel did not answer (busy, dead or not Python): run freeze again when it is idle")
    else:
        environment = local_environment(want.modules, want.installs, closure=request.lock)
    try:
        result = freeze_core.plan(want, environment, os_path, request.target, request.lock, read_text)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    for file in (result.target, result.lock_file):
        if file is not None and not file.resolve().is_relative_to(root.resolve()):
            raise Forbidden("the file to write is outside the server root")
    if request.write:
        write_atomic(result.target, result.merge.after)
        if result.lock_file is not None:
            write_atomic(result.lock_file, result.lock_after)
    return result.reply(lambda p: p.resolve().relative_to(root.resolve()).as_posix()).as_dict()


async def extract(request: ExtractRequest, *, root: Path, contents: Contents) -> dict[str, Any]:
    os_path = confine(root, request.path)
    try:
        data = request.notebook if request.notebook is not None else json.loads(await contents.read_text(request.path))
        result = extraction.plan(data, os_path, request.cell_indices, request.module, request.function, read_text, lambda p: p.resolve().relative_to(root.resolve()).as_posix())
    except (json.JSONDecodeError, RecursionError, NotebookError, ExtractionRefused) as exc:
        raise BadRequest(str(exc)) from None
    if request.write:
        write_atomic(result.module_file, result.reply.module_text)
        result.reply.written = True
    return result.reply.as_dict()


async def export(request: ExportRequest, *, root: Path, contents: Contents, inspector: Inspector) -> dict[str, Any]:
    os_path = confine(root, request.path)
    out = confine(root, request.out) if request.out is not None else None
    try:
        data = request.notebook if request.notebook is not None else json.loads(await contents.read_text(request.path))
        notebook = notebook_from_json(data)
    except (json.JSONDecodeError, RecursionError, NotebookError) as exc:
        raise BadRequest(f"cannot read the notebook: {exc}") from None
    # A blocked export needs no versions: answer it without asking a kernel that may be busy.
    environment: dict[str, Any] = {}
    report = export_core.readiness(notebook, os_path)
    if not export_core.blocked(notebook, report):
        want = export_core.wanted(notebook, os_path)
        if request.kernel_id:
            environment = await inspector.environment(request.kernel_id, want.modules, want.installs, False)
            if environment is None:
                raise Conflict("the kernel did not answer (busy, dead or not Python): export again when it is idle")
        else:
            environment = local_environment(want.modules, want.installs, closure=False)
    try:
        result = export_core.plan(data, os_path, out, request.name, environment, read_text, Path.is_file, _shown_in(root), report)
    except export_core.BadPackageName as exc:
        raise BadRequest(str(exc)) from None
    # The default destination is beside the notebook; a symlinked folder there could still lead out.
    if not result.out.resolve().is_relative_to(root.resolve()):
        raise Forbidden("the export folder is outside the server root")
    if request.write:
        if result.reply.refused:
            raise Conflict(f"not exported: {result.reply.refused}")
        try:
            export_core.write(result)
        except ValueError as exc:  # ExportRefused: the destination is a file
            raise Conflict(str(exc)) from None
    return result.reply.as_dict()


def _shown_in(root: Path):
    resolved = root.resolve()

    def shown(path: Path) -> str:
        full = path.resolve()
        return full.relative_to(resolved).as_posix() if full.is_relative_to(resolved) else path.as_posix()

    return shown

