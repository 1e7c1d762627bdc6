"""What a rehearsal's findings are made from (``Evidence``), what they are built into (``Built``),
and the helpers every kind of finding uses to add itself (pure: no kernel, no file is read)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...checks.secrets import redact
from ...contract.baseline import OutputDiff, StaticVerdict
from ...contract.report import Finding, NotebookReport, Severity
from ...notebook.model import Notebook
from . import outputs as out
from .results import RunResult
from .snapshot import FileChange

MAX_LISTED = 4


@dataclass(frozen=True)
class Evidence:
    """Everything the findings are made from."""

    notebook: Notebook
    saved: dict[int, list[dict[str, Any]]]  # code cell index → its saved outputs (cells that have some, or ran)
    runs: list[RunResult]
    changes: list[FileChange]  # the folder after run 2 against after run 1
    sanitise: out.Sanitiser
    real_folder: str  # the user's folder, resolved (to tell absolute paths into it apart)
    parameters: dict[str, Any] = field(default_factory=dict)
    static: NotebookReport | None = None
    cell_timeout: float | None = None
    timeout: float | None = None
    # Paths a FileNotFoundError named (as ``missing_path`` reads them) that the user's real
    # folder lacks as well: a missing input, not one the scratch copy left out.
    missing_for_real: frozenset[str] = frozenset()


@dataclass
class Built:
    findings: list[Finding]
    diffs: list[OutputDiff]
    notes: list[str]
    verdicts: list[StaticVerdict] = field(default_factory=list)  # static findings confirmed or contradicted


def add(
    ev: Evidence,
    built: Built,
    check: str,
    severity: Severity,
    cell_index: int | None,
    line: int | None,
    message: str,
    suggestion: str,
) -> None:
    cell_id = (
        ev.notebook.cells[cell_index].cell_id
        if cell_index is not None and cell_index < len(ev.notebook.cells)
        else None
    )
    # Findings quote what the runs did (a command line, a URL, an error's text): no folder of this
    # machine, and no credential, since the reply and the record in .readiness/ may be shared.
    message, suggestion = redact(ev.sanitise.paths(message)), redact(ev.sanitise.paths(suggestion))
    built.findings.append(Finding(check, severity, cell_index, cell_id, line, message, suggestion))


def verdict(built: Built, check: str, cell_index: int, confirmed: bool, reason: str) -> None:
    """The static ``check`` on this cell is confirmed (or contradicted) by the runs; once per cell."""
    if not any(v.check == check and v.cell_index == cell_index for v in built.verdicts):
        built.verdicts.append(StaticVerdict(check, cell_index, confirmed, reason))


def static_findings(ev: Evidence, check: str, cell_index: int) -> list[Finding]:
    if ev.static is None:
        return []
    return [f for f in ev.static.findings if f.check == check and f.cell_index == cell_index]


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def listed(items: list[str]) -> str:
    shown = ", ".join(f"`{i}`" for i in items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")
