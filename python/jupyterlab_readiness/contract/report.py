"""The report contract shared by the CLI's JSON, the REST API and (mirrored) the TypeScript types.

These are stdlib dataclasses rather than pydantic models so that the CLI starts without importing
pydantic, which costs more than checking a 1,000-cell notebook. Pydantic still owns validation and
the JSON schema: ``schema.py`` wraps these types in TypeAdapters (the tests, and the server in its
debug mode, validate replies through them), honouring ``__pydantic_config__`` and running
``__post_init__``. ``to_dict`` is the one way any of them becomes JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # defined in fixes.py, imported only where used (see there); schema.py resolves them
    from .fixes import Cause, Fix, Suppressed

Severity = Literal["error", "warning", "info"]
ItemStatus = Literal["pass", "info", "warn", "fail", "skipped"]
# "blocked": an error-severity finding (must fix); "attention": warnings; "ready": at most info.
Band = Literal["ready", "attention", "blocked"]
# Read by pydantic: unknown keys are a validation error, and in the JSON schema of a reply every
# field is required (a reply always carries them all, defaults included).
STRICT = {"extra": "forbid", "json_schema_serialization_defaults_required": True}


@dataclass(slots=True)
class Finding:
    """One finding. ``cell_index`` is 0-based over ALL cells (markdown included), None for the
    notebook as a whole; ``line`` is 1-based within the cell, or None.

    ``cells``: every cell the finding is about, its own first (one re-run cell: every cell it put
    out of order); ``[]`` for a notebook-level finding about no cell in particular. ``cause``: the
    finding this one follows from (a hidden-state read of a name that a cell which does not parse
    defines), shown under it. ``file``/``file_line``: for a finding in a local module the notebook
    imports, the module (relative to the notebook's folder, '/'-separated) and the line in it;
    ``cell_index``/``line`` are then the importing cell and line. ``execution_count``: the cell's
    count when it was checked (``[13]`` in JupyterLab). ``fixes``: computed only when asked for (the
    server's check, ``check --show-fixes``, ``fix``); see fixes.py."""

    __pydantic_config__ = STRICT

    check: str
    severity: Severity
    cell_index: int | None
    cell_id: str | None
    line: int | None
    message: str
    suggestion: str
    fixes: list[Fix] = field(default_factory=list)
    cells: list[int] = field(default_factory=list)
    cause: Cause | None = None
    file: str | None = None
    file_line: int | None = None
    execution_count: int | None = None


@dataclass(slots=True)
class ChecklistItem:
    __pydantic_config__ = STRICT

    id: str
    title: str
    status: ItemStatus
    findings: int
    checks: list[str]


@dataclass(slots=True)
class NotebookReport:
    """The report for one notebook; ``error`` says why it could not be read (score 0, no findings).

    ``score``, ``band`` and ``must_fix`` come from lint/score.py, the one place every view (CLI,
    sidebar, toolbar, export) takes them from: ``band`` is "blocked" when an error-severity finding
    remains (``must_fix`` counts them, findings folded under a cause not counted again),
    "attention" with warnings, else "ready". ``suppressed``: findings silenced by a
    ``# readiness: ignore[...]`` comment, kept out of ``findings`` and of the score."""

    __pydantic_config__ = STRICT

    path: str
    score: int
    findings: list[Finding] = field(default_factory=list)
    checklist: list[ChecklistItem] = field(default_factory=list)
    error: str | None = None
    band: Band = "blocked"
    must_fix: int = 0
    suppressed: list[Suppressed] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not 0 <= self.score <= 100:
            raise ValueError(f"score {self.score} is outside 0-100")


@dataclass(slots=True)
class CheckRun:
    """What ``jupyter-readiness check --format json`` prints."""

    __pydantic_config__ = STRICT

    notebooks: list[NotebookReport]
    version: Literal[1] = 1


_SCALARS = frozenset({str, int, float, bool, type(None)})


def to_dict(value: Any) -> Any:
    """The JSON form of a contract object: a dataclass as its fields in declaration order,
    recursively; lists, tuples and dicts item by item; anything else as it is."""
    if type(value) is NotebookReport:  # what a run over a tree writes thousands of: spelled out
        return _report_dict(value)
    fields = getattr(type(value), "__dataclass_fields__", None)
    if fields is not None:
        return {name: to_dict(getattr(value, name)) for name in fields}
    if isinstance(value, (list, tuple)):
        if set(map(type, value)) <= _SCALARS:  # (a rehearsal's parameters: 360,000 numbers, one by one 0.3 s)
            return list(value)
        return [to_dict(item) for item in value]
    if isinstance(value, dict):
        return {key: to_dict(item) for key, item in value.items()}
    return value


def _report_dict(r: NotebookReport) -> dict[str, Any]:
    """``to_dict`` of a report, field by field (``tests/contract`` checks it against the generic form)."""
    return {
        "path": r.path,
        "score": r.score,
        "findings": [
            {
                "check": f.check,
                "severity": f.severity,
                "cell_index": f.cell_index,
                "cell_id": f.cell_id,
                "line": f.line,
                "message": f.message,
                "suggestion": f.suggestion,
                "fixes": [to_dict(fix) for fix in f.fixes] if f.fixes else [],
                "cells": list(f.cells),
                "cause": None if f.cause is None else {"check": f.cause.check, "cell_index": f.cause.cell_index},
                "file": f.file,
                "file_line": f.file_line,
                "execution_count": f.execution_count,
            }
            for f in r.findings
        ],
        "checklist": [
            {"id": i.id, "title": i.title, "status": i.status, "findings": i.findings, "checks": list(i.checks)}
            for i in r.checklist
        ],
        "error": r.error,
        "band": r.band,
        "must_fix": r.must_fix,
        "suppressed": [
            {"check": s.check, "cell_index": s.cell_index, "line": s.line, "reason": s.reason, "file": s.file}
            for s in r.suppressed
        ],
    }


def report_from_dict(data: Any) -> NotebookReport:
    """The inverse of ``to_dict`` for one report without fixes (what a plain check makes),
    checking every field's type (for data this program wrote earlier, such as a cache entry:
    anything else raises ValueError)."""
    try:
        findings = [_finding_from_dict(f) for f in _typed(data["findings"], list)]
        checklist = [
            ChecklistItem(
                _typed(i["id"], str),
                _typed(i["title"], str),
                _member(i["status"], _STATUSES),
                _typed(i["findings"], int),
                [_typed(c, str) for c in _typed(i["checks"], list)],
            )
            for i in _typed(data["checklist"], list)
        ]
        suppressed = [_suppressed_from_dict(s) for s in _typed(data["suppressed"], list)]
        return NotebookReport(
            _typed(data["path"], str),
            _typed(data["score"], int),
            findings,
            checklist,
            _typed(data["error"], str, None),
            _member(data["band"], _BANDS),
            _typed(data["must_fix"], int),
            suppressed,
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a report: {exc!r}") from None


def _finding_from_dict(f: Any) -> Finding:
    if _typed(f["fixes"], list):
        raise ValueError("a report with fixes is never stored")
    cause = _typed(f["cause"], dict, None)
    if cause is not None:
        from .fixes import Cause

        cause = Cause(_typed(cause["check"], str), _typed(cause["cell_index"], int, None))
    return Finding(
        _typed(f["check"], str),
        _member(f["severity"], _SEVERITIES),
        _typed(f["cell_index"], int, None),
        _typed(f["cell_id"], str, None),
        _typed(f["line"], int, None),
        _typed(f["message"], str),
        _typed(f["suggestion"], str),
        [],
        [_typed(c, int) for c in _typed(f["cells"], list)],
        cause,
        _typed(f["file"], str, None),
        _typed(f["file_line"], int, None),
        _typed(f["execution_count"], int, None),
    )


def _suppressed_from_dict(s: Any) -> Suppressed:
    from .fixes import Suppressed

    return Suppressed(
        _typed(s["check"], str),
        _typed(s["cell_index"], int, None),
        _typed(s["line"], int, None),
        _typed(s["reason"], str, None),
        _typed(s["file"], str, None),
    )


_SEVERITIES = frozenset(("error", "warning", "info"))
_STATUSES = frozenset(("pass", "info", "warn", "fail", "skipped"))
_BANDS = frozenset(("ready", "attention", "blocked"))


def _member(value: Any, allowed: frozenset[str]) -> Any:
    if type(value) is str and value in allowed:
        return value
    raise ValueError(f"unexpected value {value!r}")


def _typed(value: Any, kind: type, *alternatives: None) -> Any:
    if type(value) is kind or (alternatives and value is None):
        return value
    raise ValueError(f"expected {kind.__name__}, got {type(value).__name__}")
