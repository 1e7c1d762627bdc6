"""The replies of the REST API and of the actions (freeze, extract, export), beside the report
contract in ``report.py``: kept apart so that ``jupyter-readiness check`` does not build these
classes at start-up (a dataclass costs about half a millisecond to create). Validated by pydantic
through ``schema.py`` like the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .baseline import CellBaseline, CellStatus, OutputDiff, RehearsalRecord
from .report import STRICT, Finding, NotebookReport, Severity

KernelStatus = Literal["ok", "busy", "dead", "unavailable", "not-python", "none"]


@dataclass(slots=True)
class KernelInfo:
    """How the notebook's kernel answered the probe (REST only)."""

    __pydantic_config__ = STRICT

    status: KernelStatus
    elapsed_ms: float  # rounded to 0.1 ms

    def __post_init__(self) -> None:
        self.elapsed_ms = round(self.elapsed_ms, 1)


@dataclass(slots=True)
class RehearsalSummary:
    """The notebook's last rehearsal, from the record beside it (REST check reply). ``applies``:
    the record matches the notebook's code, kernel and parameters, so its findings are in the
    report; ``cells`` and ``diffs`` are then at the cells' current indices (else empty)."""

    __pydantic_config__ = STRICT

    rehearsed_at: str  # ISO 8601, UTC
    passed: bool
    applies: bool
    runs: int
    seconds: float
    in_place: bool
    parameters: dict[str, Any]
    findings: int  # how many findings it recorded
    cells: list[CellBaseline]  # per code cell: status, time and peak memory of each run
    diffs: list[OutputDiff]  # the outputs behind its output-mismatch and nondeterministic-output findings


@dataclass(slots=True, kw_only=True)
class CheckReply(NotebookReport):
    """What ``POST /readiness/check`` answers: the notebook report plus the kernel's status, the
    handoff verdict under the project's contract (computed as ``jupyter-readiness contract``
    computes it: the project's configuration, no kernel; so the sidebar and CI agree), and the
    notebook's last rehearsal (null: never rehearsed, or its record is unreadable)."""

    __pydantic_config__ = STRICT

    kernel: KernelInfo
    contract: ContractVerdict
    rehearsal: RehearsalSummary | None = None


@dataclass(slots=True)
class CheckInfo:
    """One entry of ``GET /readiness/checks``."""

    __pydantic_config__ = STRICT

    id: str
    category: str  # the check family (one module under checks/)
    checklist: str  # the checklist item it counts towards
    severity: Severity  # in force on this server
    default_severity: Severity
    rationale: str
    enabled: bool
    live: bool  # needs the notebook's kernel


@dataclass(slots=True)
class Catalogue:
    __pydantic_config__ = STRICT

    checks: list[CheckInfo]


@dataclass(slots=True)
class LockFile:
    __pydantic_config__ = STRICT

    file: str
    before: str
    after: str


@dataclass(slots=True)
class FreezeReply:
    """What ``POST /readiness/freeze`` answers and ``jupyter-readiness freeze --format json`` prints."""

    __pydantic_config__ = STRICT

    file: str
    before: str
    after: str
    added: list[str]
    changed: list[str]
    unresolved: list[str]
    lock: LockFile | None
    # what freeze left alone and why: a pin file that could not be read (its pins do not count), a
    # package the notebook installs from a URL or a path (not pinned from the package index)
    warnings: list[str]
    written: bool = False


@dataclass(slots=True)
class ExtractReply:
    """What ``POST /readiness/extract`` answers and ``jupyter-readiness extract`` plans."""

    __pydantic_config__ = STRICT

    module: str
    function: str  # the generated function; "" when the selection's definitions moved as they are
    module_file: str
    module_text: str  # the whole file after the extraction (an existing module is merged, never overwritten)
    replacement_cell: dict[str, Any]  # the nbformat-4 code cell that replaces the selection
    cell_indices: list[int]
    parameters: list[str]  # [] when the definitions moved as they are
    returns: list[str]  # [] when the definitions moved as they are
    warnings: list[str]
    written: bool
    # The names moved to the module as they are, at its top level, in the order the selection binds
    # them; the replacement cell imports them. A selection that only defines names (functions,
    # classes, constants, with the imports they need) and whose definitions read nothing of the
    # notebook's but imports moves so. [] when a function was generated.
    definitions: list[str]


@dataclass(slots=True)
class ExportFile:
    __pydantic_config__ = STRICT

    path: str  # relative to the export folder, posix
    status: Literal["create", "update", "unchanged", "conflict"]  # conflict: edited since the last export, left alone
    text: str  # what the export generates (for a conflict: what it would have written)


@dataclass(slots=True)
class ExportParameter:
    __pydantic_config__ = STRICT

    name: str
    type: str
    default: str  # Python literal text; "None" for the clock, filled in at the command line
    origin: Literal["cell", "clock", "seed"]
    cell_index: int | None


@dataclass(slots=True)
class ExportStep:
    __pydantic_config__ = STRICT

    function: str
    heading: str | None
    cell_indices: list[int]
    parameters: list[str]
    returns: list[str]


@dataclass(slots=True)
class ExportReply:
    """What ``POST /readiness/export`` answers and ``jupyter-readiness export --format json`` prints.
    When ``refused`` is set, nothing can be written and ``files`` is empty."""

    __pydantic_config__ = STRICT

    name: str  # the import name
    distribution: str
    out: str
    notebook: str
    files: list[ExportFile]
    parameters: list[ExportParameter]
    parameters_cell: int | None
    steps: list[ExportStep]
    refused: str | None
    blocking: list[Finding]
    weakening: list[Finding]
    score: int
    warnings: list[str]
    unresolved: list[str]
    conflicts: list[str]
    written: bool


RehearsalStatus = Literal["passed", "failed", "cancelled", "error"]


@dataclass(slots=True)
class RehearseReply:
    """What ``jupyter-readiness rehearse --format json`` prints (and the rehearse job answers).

    ``status``: ``passed`` every run finished and no finding is an error; ``failed`` otherwise;
    ``cancelled``; ``error`` the rehearsal could not run (``error`` says why: an unreadable
    notebook, no such kernel, a folder over the size limit) and nothing else is set. ``record`` is
    the baseline and findings as stored beside the notebook; its ``cells`` are the per-cell results
    (status, time and peak memory of each run, files written and read)."""

    __pydantic_config__ = STRICT

    path: str
    status: RehearsalStatus
    error: str | None
    findings: list[Finding]
    diffs: list[OutputDiff]
    notes: list[str]  # what the rehearsal could not watch, parameters not in the parameters cell …
    record: RehearsalRecord | None
    record_file: str | None  # where the record was written (None: not written)
    seconds: float  # start to end, rounded to the millisecond
    first_cell_seconds: float | None  # start until the first cell was sent to the first kernel
    version: Literal[1] = 1

    def __post_init__(self) -> None:
        self.seconds = round(self.seconds, 3)
        if self.first_cell_seconds is not None:
            self.first_cell_seconds = round(self.first_cell_seconds, 3)


# ---------------------------------------------------------------- the handoff contract

ClauseKind = Literal[
    "checklist",
    "max-severity",
    "min-score",
    "no-secrets",
    "parameters-cell",
    "rehearsed",
    "exported-tests-pass",
]
# What meets an unmet clause, for the sidebar to offer: the freeze, rehearse and export actions,
# running the exported package's tests, or waiving the findings with a reason.
ClauseAction = Literal["freeze", "rehearse", "export", "test-export", "waive"]


@dataclass(slots=True)
class ClauseVerdict:
    """One clause of the contract, met or not, and why."""

    __pydantic_config__ = STRICT

    id: str  # stable: "checklist:pinned-environment", "max-severity:all", "max-severity:hidden-state", "min-score" …
    clause: ClauseKind
    title: str  # "Pinned environment passes", "No finding above warning" …
    met: bool
    reason: str  # why it is met, or what is missing and how to meet it
    findings: list[Finding]  # the findings (not waived) that break it; empty when met
    actions: list[ClauseAction]


@dataclass(slots=True)
class WaiverVerdict:
    """A waiver of the contract that names this notebook, and what it did."""

    __pydantic_config__ = STRICT

    check: str
    notebook: str  # as written in the contract (relative to the contract file's folder)
    cell: str | None  # a cell id; None: the whole notebook
    reason: str
    expires: str | None  # ISO date, inclusive
    status: Literal["applied", "expired", "unused"]  # unused: it matches no finding
    findings: int  # findings it waived (0 unless applied)
    note: str  # for an expired or unused waiver: what to do about it


@dataclass(slots=True)
class ContractVerdict:
    """The handoff verdict for one notebook: READY when every clause is met. ``error``: the
    notebook could not be read or the contract is invalid (then not ready, no clauses)."""

    __pydantic_config__ = STRICT

    path: str
    ready: bool
    contract: str | None  # the file the contract is declared in; None: the default contract
    clauses: list[ClauseVerdict]  # the unmet first, each group in the contract's order
    unmet: int
    waivers: list[WaiverVerdict]
    score: int  # the report's score (a min-score clause counts waived findings as accepted)
    error: str | None = None


@dataclass(slots=True)
class OrphanedWaiver:
    """A waiver naming a notebook that is not there (renamed or deleted): it accepts nothing."""

    __pydantic_config__ = STRICT

    contract: str  # the contract file it is written in
    check: str
    notebook: str  # as written (relative to the contract file's folder)
    cell: str | None


@dataclass(slots=True)
class ContractRun:
    """What ``jupyter-readiness contract --format json`` prints."""

    __pydantic_config__ = STRICT

    notebooks: list[ContractVerdict]
    changed_since: str | None = None  # the ref given to --changed-since
    version: Literal[1] = 1
    # of the contracts the judged notebooks are under: waivers whose notebook is not there
    orphaned_waivers: list[OrphanedWaiver] = field(default_factory=list)


@dataclass(slots=True)
class WaiverEntry:
    __pydantic_config__ = STRICT

    check: str
    notebook: str  # relative to the contract file's folder
    cell: str | None
    reason: str
    expires: str | None  # ISO date


@dataclass(slots=True)
class WaiveReply:
    """What ``POST /readiness/waive`` answers: the contract file before and after the waiver."""

    __pydantic_config__ = STRICT

    file: str  # the contract file (created when the project declared no contract)
    created: bool
    replaced: bool  # a waiver of the same check, notebook and cell was there: its reason and expiry were replaced
    waiver: WaiverEntry
    before: str
    after: str
    written: bool = False


@dataclass(slots=True)
class CiFile:
    __pydantic_config__ = STRICT

    path: str
    status: Literal["create", "unchanged", "conflict", "overwrite"]  # conflict: a different file is there (--force)
    text: str


@dataclass(slots=True)
class CiInitReply:
    """What ``jupyter-readiness ci init`` plans and writes."""

    __pydantic_config__ = STRICT

    provider: Literal["github", "gitlab"]
    files: list[CiFile]
    conflicts: list[str]  # files there that differ: nothing is written unless --force
    notes: list[str]  # what to do by hand (include the GitLab job from an existing .gitlab-ci.yml)
    written: bool = False


# ---------------------------------------------------------------- fixes


@dataclass(slots=True)
class AppliedFix:
    """One fix ``fix`` applied: the finding it resolved, located in the notebook as it was then."""

    __pydantic_config__ = STRICT

    check: str
    fix: str  # the fix's id
    title: str
    safe: bool
    cell_index: int | None
    cell_id: str | None
    line: int | None
    note: str | None


@dataclass(slots=True)
class FixReply:
    """What ``POST /readiness/fix`` answers (``jupyter-readiness fix`` plans the same): the fixes
    applied in order, the cells' sources before and after as a unified diff (credentials masked),
    the fixed notebook, and its report (what remains, and the fixes still available)."""

    __pydantic_config__ = STRICT

    path: str
    applied: list[AppliedFix]
    diff: str
    notebook: dict[str, Any]
    report: NotebookReport
    unsafe_available: int  # findings left with a fix that only --unsafe-fixes (unsafe: true) applies
    written: bool = False


JobState = Literal["running", "cancelling", "finished"]
JobPhase = Literal["started", "copying", "kernel-starting", "cell-started", "cell-finished", "comparing", "finished"]


@dataclass(slots=True)
class CellProgress:
    """A cell a rehearsal job's run has finished."""

    __pydantic_config__ = STRICT

    run: int  # 1 or 2
    cell_index: int  # over all cells of the notebook as sent
    position: int  # 1-based among the cells a run executes
    status: CellStatus
    seconds: float | None
    peak_memory: int | None  # bytes (Linux)


@dataclass(slots=True)
class RehearseJob:
    """What ``POST /readiness/rehearse`` answers (the job it started) and ``GET`` / ``DELETE
    /readiness/rehearse/<job_id>`` answer: where the rehearsal is, and its reply once finished.

    ``phase`` and the fields after it are the latest progress event: ``cell-started`` with
    ``cell_index`` is the cell running now (cell ``position`` of ``cells`` in run ``run`` of
    ``runs``). ``finished_cells`` lists the cells finished so far, from the ``since``-th on (a
    query parameter, so a poller asks only for what it has not seen)."""

    __pydantic_config__ = STRICT

    job_id: str
    path: str
    state: JobState  # cancelling: DELETE asked, the kernels are being stopped
    phase: JobPhase
    elapsed: float  # seconds since the job started
    run: int  # 0 before the first run
    runs: int
    cell_index: int | None
    position: int
    cells: int
    first_cell_seconds: float | None  # from the start until the first cell was sent to the first kernel
    finished_cells: list[CellProgress]
    reply: RehearseReply | None  # set once the state is finished

    def __post_init__(self) -> None:
        self.elapsed = round(self.elapsed, 3)
        if self.first_cell_seconds is not None:
            self.first_cell_seconds = round(self.first_cell_seconds, 3)
