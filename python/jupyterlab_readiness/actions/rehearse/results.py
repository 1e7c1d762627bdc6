"""What one run of a rehearsal produced, cell by cell (plain data: the findings are built from it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .audit_log import Access

CellStatus = Literal["ok", "error", "timeout", "dead", "cancelled", "not-run"]
Stop = Literal["error", "timeout", "total-timeout", "dead", "cancelled"]


@dataclass(frozen=True, slots=True)
class CellError:
    ename: str
    evalue: str
    line: int | None  # 1-based line in the cell of the statement that raised, from the traceback
    refused_write: bool = False  # the PermissionError of the audit hook
    library: str | None = None  # the installed package whose code raised it (its innermost frame), if any


@dataclass(slots=True)
class CellRun:
    """One code cell in one run. ``cell_index`` is over all cells of the notebook as given; the
    injected parameters cell carries the index of the ``parameters`` cell and ``injected``."""

    cell_index: int
    status: CellStatus = "not-run"
    seconds: float | None = None
    peak_memory: int | None = None
    outputs: list[dict[str, Any]] = field(default_factory=list)
    error: CellError | None = None
    accesses: list[Access] = field(default_factory=list)
    injected: bool = False


@dataclass(slots=True)
class RunResult:
    number: int  # 1 or 2
    cells: list[CellRun]
    stopped: Stop | None = None  # None: every cell ran
    startup_seconds: float | None = None  # kernel start until ready, hook installed
    peak_memory: int | None = None
    cpu_seconds: float | None = None  # the kernel process's CPU time after its last cell (Linux)
    kernel_said: str = ""  # the end of what the kernel process printed while running cells, when it died
    exit_status: int | None = None  # the dead kernel process's return code (negative: killed by that signal)

    @property
    def completed(self) -> bool:
        return self.stopped is None

    def by_index(self) -> dict[int, CellRun]:
        """The notebook's own cells (the injected parameters cell left out) by cell index."""
        return {c.cell_index: c for c in self.cells if not c.injected}
