"""The replies of the REST API and of the actions (freeze, extract, export), beside the report
contract in ``report.py``: kept apart so that ``jupyter-readiness check`` does not build these
classes at start-up (a dataclass costs about half a millisecond to create). Validated by pydantic
through ``schema.py`` like the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Optional

from .baseline import RehearsalRecord
from .report import _STRICT, Finding, NotebookReport, Severity

KernelStatus = Literal["ok", "busy", "dead", "unavailable", "not-python", "none"]


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


@dataclass(slots=True)
class OutputDiff:
    """The outputs of one cell that differ: saved against a fresh run (``output-mismatch``), or
    run 1 against run 2 (``nondeterministic-output``), after sanitising; a unified diff."""

    __pydantic_config__ = _STRICT

    cell_index: int
    check: Literal["output-mismatch", "nondeterministic-output"]
    before: str  # "saved" | "run 1"
    after: str  # "fresh run" | "run 2"
    diff: str

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


RehearsalStatus = Literal["passed", "failed", "cancelled", "error"]


@dataclass(slots=True)
class RehearseReply:
    """What ``jupyter-readiness rehearse --format json`` prints (and the rehearse job will answer).

    ``status``: ``passed`` every run finished and no finding is an error; ``failed`` otherwise;
    ``cancelled``; ``error`` the rehearsal could not run (``error`` says why: an unreadable
    notebook, no such kernel, a folder over the size limit) and nothing else is set. ``record`` is
    the baseline and findings as stored beside the notebook; its ``cells`` are the per-cell results
    (status, time and peak memory of each run, files written and read)."""

    __pydantic_config__ = _STRICT

    path: str
    status: RehearsalStatus
    error: Optional[str]
    findings: list[Finding]
    diffs: list[OutputDiff]
    notes: list[str]  # what the rehearsal could not watch, parameters not in the parameters cell …
    record: Optional[RehearsalRecord]
    record_file: Optional[str]  # where the record was written (None: not written)
    seconds: float  # start to end
    first_cell_seconds: Optional[float]  # start until the first cell was sent to the first kernel
    version: Literal[1] = 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "path": self.path,
            "status": self.status,
            "error": self.error,
            "findings": [f.as_dict() for f in self.findings],
            "diffs": [d.as_dict() for d in self.diffs],
            "notes": list(self.notes),
            "record": None if self.record is None else self.record.as_dict(),
            "record_file": self.record_file,
            "seconds": round(self.seconds, 3),
            "first_cell_seconds": None if self.first_cell_seconds is None else round(self.first_cell_seconds, 3),
        }
