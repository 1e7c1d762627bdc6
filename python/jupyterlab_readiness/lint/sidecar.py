"""The notebook's sidecar files in ``.readiness/`` beside it: evidence about the notebook that a
static check cannot see — the record of its last rehearsal (written by ``actions/rehearse``) and
of its exported package's tests (written by ``jupyter-readiness test-export``). Read here, for the
check engine's adapters and the handoff contract; each applies only while the notebook's code is
what it was (``notebook/fingerprint.py``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import OutsideRoot, Root, Unreadable

if TYPE_CHECKING:  # the check CLI reads records on its start-up path: no dataclass built until one exists
    from ..contract.baseline import RehearsalRecord
    from ..contract.report import Finding
    from ..notebook.model import Notebook

SIDECAR_FOLDER = ".readiness"


def sidecar_path(notebook_path: Path, kind: str) -> Path:
    """``.readiness/<notebook file name>.<kind>.json`` beside the notebook."""
    return Path(notebook_path).parent / SIDECAR_FOLDER / f"{Path(notebook_path).name}.{kind}.json"


def read_json(path: Path, root: Root) -> tuple[Any, str | None]:
    """(data, None); (None, None) when there is no file; (None, why it cannot be read)."""
    try:
        text = root.read_text(path)
    except OutsideRoot:
        return None, "it leads outside the server root"
    except Unreadable as exc:
        return None, str(exc)
    if text is None:
        return None, None
    try:
        return json.loads(text), None
    except (ValueError, RecursionError):
        return None, "it is not valid JSON"


def read_rehearsal(notebook_path: Path, root: Root) -> tuple[RehearsalRecord | None, str | None]:
    """The notebook's last rehearsal record, or None with why (None, None: there is none)."""
    data, problem = read_json(sidecar_path(notebook_path, "rehearsal"), root)
    if data is None:
        return None, problem
    from ..contract.baseline import record_from_dict

    record = record_from_dict(data)
    return (record, None) if record is not None else (None, "it is not a rehearsal record this version understands")


def read_record(notebook_path: Path, root: Root) -> RehearsalRecord | None:
    """The notebook's last rehearsal record, or None (none, unreadable, outside the root, or
    another version): what the check engine's adapters hand to the engine."""
    return read_rehearsal(notebook_path, root)[0]


def record_cells(notebook: Notebook, record: RehearsalRecord) -> dict[int, int] | None:
    """Where the record's cells are now: the code cells' indices when rehearsed → their indices in
    this notebook (markdown cells may have been added or removed); None when the record does not
    apply to this notebook (its code, kernel or parameters changed)."""
    from ..notebook.fingerprint import code_fingerprint

    if record.key != code_fingerprint(notebook, record.parameters):
        return None
    now = [c.index for c in notebook.cells if c.cell_type == "code"]
    if len(now) != len(record.code_cells):
        return None
    return dict(zip(record.code_cells, now, strict=True))


def current_findings(record: RehearsalRecord, notebook: Notebook) -> list[Finding] | None:
    """The record's findings moved to the cells' current indices; None when the record does not
    apply to this notebook (its code, kernel or parameters changed since)."""
    from ..contract.report import Finding

    moved = record_cells(notebook, record)
    if moved is None:
        return None
    found = []
    for f in record.findings:
        index = None if f.cell_index is None else moved.get(f.cell_index)
        if f.cell_index is not None and index is None:
            continue
        cell_id = notebook.cells[index].cell_id if index is not None else None
        found.append(Finding(f.check, f.severity, index, cell_id, f.line, f.message, f.suggestion))
    return found
