"""The report contract shared by the CLI's JSON, the REST API and (mirrored) the TypeScript types.

These are stdlib dataclasses rather than pydantic models so that the CLI starts without importing
pydantic, which costs more than checking a 1,000-cell notebook. Pydantic still owns validation and
the JSON schema: ``schema.py`` wraps these types in TypeAdapters (the REST handlers and the tests
validate through them), honouring ``__pydantic_config__`` and running ``__post_init__``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
ItemStatus = Literal["pass", "info", "warn", "fail", "skipped"]
_STRICT = {"extra": "forbid"}  # read by pydantic: unknown keys are a validation error


@dataclass(slots=True)
class Finding:
    """One finding. ``cell_index`` is 0-based over ALL cells (markdown included), None for the
    notebook as a whole; ``line`` is 1-based within the cell, or None."""

    __pydantic_config__ = _STRICT

    check: str
    severity: Severity
    cell_index: int | None
    cell_id: str | None
    line: int | None
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
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "findings": self.findings,
            "checks": list(self.checks),
        }


@dataclass(slots=True)
class NotebookReport:
    """The report for one notebook; ``error`` says why it could not be read (score 0, no findings)."""

    __pydantic_config__ = _STRICT

    path: str
    score: int
    findings: list[Finding] = field(default_factory=list)
    checklist: list[ChecklistItem] = field(default_factory=list)
    error: str | None = None

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
class CheckRun:
    """What ``jupyter-readiness check --format json`` prints."""

    __pydantic_config__ = _STRICT

    notebooks: list[NotebookReport]
    version: Literal[1] = 1

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "notebooks": [nb.as_dict() for nb in self.notebooks]}
