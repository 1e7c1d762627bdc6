"""The report contract shared by the CLI's JSON, the REST API and (mirrored) the TypeScript types.

These are stdlib dataclasses rather than pydantic models so that the CLI starts without importing
pydantic, which costs more than checking a 1,000-cell notebook. Pydantic still owns validation and
the JSON schema: ``schema.py`` wraps these types in TypeAdapters (the REST handlers and the tests
validate through them), honouring ``__pydantic_config__`` and running ``__post_init__``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Optional

Severity = Literal["error", "warning", "info"]
ItemStatus = Literal["pass", "info", "warn", "fail", "skipped"]
KernelStatus = Literal["ok", "busy", "dead", "unavailable", "not-python", "none"]
_STRICT = {"extra": "forbid"}  # read by pydantic: unknown keys are a validation error


@dataclass(slots=True)
class Finding:
    """One finding. ``cell_index`` is 0-based over ALL cells (markdown included), None for the
    notebook as a whole; ``line`` is 1-based within the cell, or None."""

    __pydantic_config__ = _STRICT

    check: str
    severity: Severity
    cell_index: Optional[int]
    cell_id: Optional[str]
    line: Optional[int]
    message: str
    suggestion: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "cell_index": self.cell_index,
            "cell_id": self.cell_id,
            "line": self.line,
            "message": self.message,
            "suggestion": self.suggestion,
        }


@dataclass(slots=True)
class ChecklistItem:
    __pydantic_config__ = _STRICT

    id: str
    title: str
    status: ItemStatus
    findings: int
    checks: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "status": self.status, "findings": self.findings, "checks": list(self.checks)}


@dataclass(slots=True)
class NotebookReport:
    """The report for one notebook; ``error`` says why it could not be read (score 0, no findings)."""

    __pydantic_config__ = _STRICT

    path: str
    score: int
    findings: list[Finding] = field(default_factory=list)
    checklist: list[ChecklistItem] = field(default_factory=list)
    error: Optional[str] = None

    def __post_init__(self) -> None:
        if not 0 <= self.score <= 100:
            raise ValueError(f"score {self.score} is outside 0-100")

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "score": self.score,
            "findings": [f.as_dict() for f in self.findings],
            "checklist": [i.as_dict() for i in self.checklist],
            "error": self.error,
        }


@dataclass(slots=True)
class KernelInfo:
    """How the notebook's kernel answered the probe (REST only)."""

    __pydantic_config__ = _STRICT

    status: KernelStatus
    elapsed_ms: float

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "elapsed_ms": round(self.elapsed_ms, 1)}


@dataclass(slots=True, kw_only=True)
class CheckReply(NotebookReport):
    """What ``POST /readiness/check`` answers: the notebook report plus the kernel's status."""

    __pydantic_config__ = _STRICT

    kernel: KernelInfo

    def as_dict(self) -> dict[str, Any]:
        return {**NotebookReport.as_dict(self), "kernel": self.kernel.as_dict()}


@dataclass(slots=True)
class CheckRun:
    """What ``jupyter-readiness check --format json`` prints."""

    __pydantic_config__ = _STRICT

    notebooks: list[NotebookReport]
    version: Literal[1] = 1

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "notebooks": [nb.as_dict() for nb in self.notebooks]}


@dataclass(slots=True)
class CheckInfo:
    """One entry of ``GET /readiness/checks``."""

    __pydantic_config__ = _STRICT

    id: str
    category: str  # the check family (one module under checks/)
    checklist: str  # the checklist item it counts towards
    severity: Severity  # in force on this server
    default_severity: Severity
    rationale: str
    enabled: bool
    live: bool  # needs the notebook's kernel

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(slots=True)
class Catalogue:
    __pydantic_config__ = _STRICT

    checks: list[CheckInfo]

    def as_dict(self) -> dict[str, Any]:
        return {"checks": [c.as_dict() for c in self.checks]}


@dataclass(slots=True)
class LockFile:
    __pydantic_config__ = _STRICT

    file: str
    before: str
    after: str


@dataclass(slots=True)
class FreezeReply:
    """What ``POST /readiness/freeze`` answers and ``jupyter-readiness freeze --format json`` prints."""

    __pydantic_config__ = _STRICT

    file: str
    before: str
    after: str
    added: list[str]
    changed: list[str]
    unresolved: list[str]
    lock: Optional[LockFile]

    def as_dict(self) -> dict[str, Any]:
        lock = None if self.lock is None else {"file": self.lock.file, "before": self.lock.before, "after": self.lock.after}
        return {"file": self.file, "before": self.before, "after": self.after, "added": self.added, "changed": self.changed, "unresolved": self.unresolved, "lock": lock}


@dataclass(slots=True)
class ExtractReply:
    """What ``POST /readiness/extract`` answers and ``jupyter-readiness extract`` plans."""

    __pydantic_config__ = _STRICT

    module: str
    function: str
    module_file: str
    module_text: str  # the whole file after the extraction (an existing module is merged, never overwritten)
    replacement_cell: dict[str, Any]  # the nbformat-4 code cell that replaces the selection
    cell_indices: list[int]
    parameters: list[str]
    returns: list[str]
    warnings: list[str]
    written: bool

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(slots=True)
class ExportFile:
    __pydantic_config__ = _STRICT

    path: str  # relative to the export folder, posix
    status: Literal["create", "update", "unchanged", "conflict"]  # conflict: edited since the last export, left alone
    text: str  # what the export generates (for a conflict: what it would have written)

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(slots=True)
class ExportParameter:
    __pydantic_config__ = _STRICT

    name: str
    type: str
    default: str  # Python literal text; "None" for the clock, filled in at the command line
    origin: Literal["cell", "clock"]
    cell_index: Optional[int]

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(slots=True)
class ExportStep:
    __pydantic_config__ = _STRICT

    function: str
    heading: Optional[str]
    cell_indices: list[int]
    parameters: list[str]
    returns: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(slots=True)
class ExportReply:
    """What ``POST /readiness/export`` answers and ``jupyter-readiness export --format json`` prints.
    When ``refused`` is set, nothing can be written and ``files`` is empty."""

    __pydantic_config__ = _STRICT

    name: str  # the import name
    distribution: str
    out: str
    notebook: str
    files: list[ExportFile]
    parameters: list[ExportParameter]
    parameters_cell: Optional[int]
    steps: list[ExportStep]
    refused: Optional[str]
    blocking: list[Finding]
    weakening: list[Finding]
    score: int
    warnings: list[str]
    unresolved: list[str]
    conflicts: list[str]
    written: bool

    def as_dict(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in self.__slots__}
        for key in ("files", "parameters", "steps", "blocking", "weakening"):
            out[key] = [item.as_dict() for item in out[key]]
        return out
