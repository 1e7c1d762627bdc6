"""The notebook's baseline: built from a rehearsal, kept in a sidecar file beside the notebook.

The record (``contract/baseline.py``) goes to ``.readiness/<notebook file name>.rehearsal.json``
in the notebook's folder, written atomically (a reader sees the old record or the new one), one
per notebook, replaced by every rehearsal that ran (a cancelled or refused one writes nothing). A
sidecar rather than the notebook's metadata: rehearsing never modifies the notebook (no conflict
with the open editor, no diff in version control for a run) and ``git`` can ignore it or keep
it. Adapters read it (``lint.sidecar.read_record``) and pass it to the check engine, which shows its findings
while the notebook's code is the same (``notebook/fingerprint.py``).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...files import Root
from ...lint.sidecar import sidecar_path

if TYPE_CHECKING:  # the check CLI reads records on its start-up path: no dataclass built until one exists
    from ...contract.baseline import OutputDiff, RehearsalRecord, StaticVerdict
    from ...contract.report import Finding
    from ...notebook.model import Notebook
    from .results import RunResult
    from .snapshot import Snapshot


def record_path(notebook_path: Path) -> Path:
    return sidecar_path(notebook_path, "rehearsal")


def write_record(notebook_path: Path, record: RehearsalRecord, root: Root) -> Path:
    """Write the record atomically beside the notebook (a new file gets the user's umask)."""
    from ...contract.report import to_dict

    path = record_path(notebook_path)
    root.write(path, json.dumps(to_dict(record), indent=1, ensure_ascii=False) + "\n")
    return path


def build_record(
    *,
    notebook: Notebook,
    name: str,
    kernel: str,
    parameters: dict[str, Any],
    parameters_text: str | None = None,  # (as the key hashes them, made already)
    runs: list[RunResult],
    runs_asked: int,
    in_place: bool,
    initial: Snapshot,
    after_first: Snapshot,
    findings: list[Finding],
    seconds: float,
    when: datetime | None = None,
    diffs: list[OutputDiff] | None = None,
    static: list[StaticVerdict] | None = None,
    unstable_bytes: frozenset[str] = frozenset(),
) -> RehearsalRecord:
    from ...contract.baseline import CellBaseline, CellTiming, FileBaseline, RehearsalRecord
    from ...notebook.fingerprint import code_fingerprint
    from .snapshot import written

    first = runs[0]
    cells = []
    writers: dict[str, list[int]] = {}
    by_run = [run.by_index() for run in runs]
    for cell in first.cells:
        if cell.injected:
            continue
        timings = []
        for run in by_run:
            done = run.get(cell.cell_index)
            timings.append(
                CellTiming(done.status, done.seconds, done.peak_memory)
                if done is not None
                else CellTiming("not-run", None, None)
            )
        writes, reads, external = [], [], []
        for access in cell.accesses:
            target = {"w": writes, "r": reads, "R": external, "n": external}.get(access.kind)
            if target is not None and access.path not in target:
                target.append(access.path)
            if access.kind == "w" and cell.cell_index not in writers.setdefault(access.path, []):
                writers[access.path].append(cell.cell_index)
        cells.append(
            CellBaseline(cell.cell_index, notebook.cells[cell.cell_index].cell_id, timings, writes, reads, external)
        )
    # ``unstable_bytes``: files the second run saved again with other bytes and the same content
    # (stable_files): no SHA-256, which no later run would reproduce.
    files = [
        FileBaseline(
            path,
            after_first[path].size,
            "" if path in unstable_bytes else after_first[path].sha256 or "",
            writers.get(path, []),
        )
        for path in written(initial, after_first)
    ]
    passed = (
        all(run.completed for run in runs)
        and len(runs) == runs_asked
        and not any(f.severity == "error" for f in findings)
    )
    return RehearsalRecord(
        key=code_fingerprint(notebook, parameters, text=parameters_text),
        notebook=name,
        rehearsed_at=(when or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        kernel=kernel,
        parameters=dict(parameters),
        runs=runs_asked,
        in_place=in_place,
        passed=passed,
        seconds=seconds,
        code_cells=[c.index for c in notebook.cells if c.cell_type == "code"],
        findings=list(findings),
        cells=cells,
        files=files,
        diffs=list(diffs or ()),
        static=list(static or ()),
    )
