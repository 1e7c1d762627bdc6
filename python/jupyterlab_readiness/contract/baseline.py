"""The rehearsal record: a notebook's baseline (per-cell time and peak memory, files written with
sizes and hashes) and the findings of its last rehearsal, as stored (``report.to_dict``) in the sidecar file
``.readiness/<notebook file name>.rehearsal.json`` beside the notebook and sent in the rehearse reply.

``key`` is ``notebook.fingerprint.code_fingerprint`` of the notebook rehearsed (kernel name, code
cell sources, parameters): the record applies to a notebook while its key is the same, and the
check engine then adds the remembered findings to the report. Like ``report.py`` these are stdlib
dataclasses; pydantic validates them through ``schema.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .report import STRICT, Finding

CellStatus = Literal["ok", "error", "timeout", "dead", "cancelled", "not-run"]
RECORD_VERSION = 1


@dataclass(slots=True)
class CellTiming:
    """One code cell in one run."""

    __pydantic_config__ = STRICT

    status: CellStatus
    seconds: float | None  # the kernel's own time for the cell
    peak_memory: int | None  # bytes: peak resident set of the kernel process during the cell (Linux), else None

    def __post_init__(self) -> None:
        if self.seconds is not None:
            self.seconds = round(self.seconds, 4)


@dataclass(slots=True)
class CellBaseline:
    __pydantic_config__ = STRICT

    cell_index: int
    cell_id: str | None
    runs: list[CellTiming]  # run 1, then run 2
    writes: list[str] = field(default_factory=list)  # files opened for writing, relative to the folder (posix)
    reads: list[str] = field(default_factory=list)  # files read under the folder
    external: list[str] = field(
        default_factory=list
    )  # files read outside the folder (absolute), hosts contacted (host:port)


@dataclass(slots=True)
class FileBaseline:
    """A file the first run created or changed, as it was after that run."""

    __pydantic_config__ = STRICT

    path: str  # relative to the folder (posix)
    size: int
    sha256: str
    cells: list[int]  # cells that opened it for writing (empty: written by code the hook cannot see)


@dataclass(slots=True)
class ColumnShape:
    """One column of a table the run wrote (or one key of a JSON object it wrote)."""

    __pydantic_config__ = STRICT

    name: str
    dtype: str  # tables: the pandas dtype read back ("int64", "float64", "str" …); records: the JSON type
    nullable: bool  # a missing value was seen
    values: list[str] | None = None  # a clearly categorical string column: its distinct values, sorted


@dataclass(slots=True)
class OutputShape:
    """The shape of a file the first run wrote, read back as its readers read it: a table (CSV,
    TSV, Parquet, a JSON list of objects, with pandas' defaults; or one table of a SQLite file,
    which gives one shape per table) or a record (a JSON object)."""

    __pydantic_config__ = STRICT

    path: str  # relative to the folder (posix), as in ``files``
    kind: Literal["table", "record"]
    rows: int | None  # tables: rows read back; records: None
    columns: list[ColumnShape]
    table: str | None = None  # the table's name in a SQLite file; None for any other file


@dataclass(slots=True)
class OutputDiff:
    """The outputs of one cell that differ: saved against a fresh run (``output-mismatch``), or
    run 1 against run 2 (``nondeterministic-output``), after sanitising; a unified diff."""

    __pydantic_config__ = STRICT

    cell_index: int
    check: Literal["output-mismatch", "nondeterministic-output"]
    before: str  # "saved" | "run 1"
    after: str  # "fresh run" | "run 2"
    diff: str


@dataclass(slots=True)
class StaticVerdict:
    """A static finding on this cell that the rehearsal confirmed (a NameError proves a
    ``hidden-state``) or contradicted (the cell ran fine in a fresh kernel), and why."""

    __pydantic_config__ = STRICT

    check: str  # hidden-state, append-write, unseeded-random, wall-clock
    cell_index: int
    confirmed: bool
    reason: str


@dataclass(slots=True)
class RehearsalRecord:
    __pydantic_config__ = STRICT

    key: str
    notebook: str  # the notebook's file name
    rehearsed_at: str  # ISO 8601, UTC
    kernel: str
    parameters: dict[str, Any]
    runs: int  # runs asked for (1 or 2)
    in_place: bool
    passed: bool  # every run finished and no finding is an error
    seconds: float  # the rehearsal's wall time, start to end
    code_cells: list[
        int
    ]  # the code cells' indices when rehearsed (findings follow their cells when markdown cells move)
    findings: list[Finding]
    cells: list[CellBaseline]
    files: list[FileBaseline]
    version: Literal[1] = 1
    # Added since the first records (a record without them reads as empty lists):
    diffs: list[OutputDiff] = field(default_factory=list)  # the outputs behind output-mismatch / nondeterministic
    static: list[StaticVerdict] = field(default_factory=list)  # static findings confirmed or contradicted
    outputs: list[OutputShape] = field(default_factory=list)  # the tables and records written, read back

    def __post_init__(self) -> None:
        self.seconds = round(self.seconds, 3)


def record_from_dict(data: Any) -> RehearsalRecord | None:
    """A record read back from JSON; None when it is not one this version understands (a record
    is a cache of a past rehearsal: an unreadable one is ignored, never an error)."""
    try:
        if not isinstance(data, dict) or data.get("version") != RECORD_VERSION:
            return None
        findings = [Finding(**f) for f in data["findings"]]
        cells = [
            CellBaseline(
                c["cell_index"],
                c["cell_id"],
                [CellTiming(**r) for r in c["runs"]],
                list(c["writes"]),
                list(c["reads"]),
                list(c["external"]),
            )
            for c in data["cells"]
        ]
        files = [FileBaseline(**f) for f in data["files"]]
        diffs = [OutputDiff(**d) for d in data.get("diffs", [])]
        static = [StaticVerdict(**v) for v in data.get("static", [])]
        outputs = [
            OutputShape(o["path"], o["kind"], o["rows"], [ColumnShape(**c) for c in o["columns"]], o.get("table"))
            for o in data.get("outputs", [])
        ]
        record = RehearsalRecord(
            key=str(data["key"]),
            notebook=str(data["notebook"]),
            rehearsed_at=str(data["rehearsed_at"]),
            kernel=str(data["kernel"]),
            parameters=dict(data["parameters"]),
            runs=int(data["runs"]),
            in_place=bool(data["in_place"]),
            passed=bool(data["passed"]),
            seconds=float(data["seconds"]),
            code_cells=[int(i) for i in data["code_cells"]],
            findings=findings,
            cells=cells,
            files=files,
            diffs=diffs,
            static=static,
            outputs=outputs,
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    if any(f.severity not in ("error", "warning", "info") or not isinstance(f.check, str) for f in findings):
        return None
    return record
