"""Applying fixes to notebook JSON, purely: edits in order, cells found by id when the notebook has
ids (else by index), every other part of the notebook — metadata, outputs, each cell's form of
``source`` (a string or a list of lines) — kept as it was. Raises FixError when an edit does not
apply (its cell is gone)."""

from __future__ import annotations

import copy
import difflib
import uuid
from typing import Any

from ..contract.fixes import ClearOutputs, Edit, Fix, InsertCell, InsertText, ReplaceSource, SetTags


class FixError(Exception):
    """An edit that does not apply to this notebook."""


def apply_fixes(notebook_json: dict[str, Any], fixes: list[Fix]) -> dict[str, Any]:
    """The notebook with the fixes' edits applied, in order (the input is not changed)."""
    result = copy.deepcopy(notebook_json)
    cells = result.get("cells")
    if result.get("nbformat") != 4 or not isinstance(cells, list):
        raise FixError("only nbformat 4 notebooks can be fixed: open and save the notebook in JupyterLab first")
    as_lists = sum(isinstance(c, dict) and isinstance(c.get("source"), list) for c in cells) * 2 > len(cells)
    for fix in fixes:
        for edit in fix.edits:
            _apply(result, edit, as_lists)
    return result


class Positions:
    """Where each cell and line of a notebook being fixed was in the notebook the fixing started
    from (cells counted over all cells, lines from 1). Fixes are applied a round at a time and
    insert cells and lines, so a later round's positions are another notebook's than the one the
    user has open."""

    def __init__(self, notebook_json: dict[str, Any]) -> None:
        # per cell now: (its index at the start, the starting line of each of its lines; None while
        # they are the same), or None for a cell a fix inserted
        self._cells: list[tuple[int, list[int | None] | None] | None] = [
            (index, None) for index in range(len(notebook_json.get("cells") or []))
        ]

    def original(self, cell_index: int | None, line: int | None) -> tuple[int | None, int | None] | None:
        """(cell index, line) at the start for a position now; None for a cell a fix inserted."""
        if cell_index is None:
            return None, line
        entry = self._cells[cell_index] if 0 <= cell_index < len(self._cells) else None
        if entry is None:
            return None
        index, lines = entry
        if line is None or lines is None:
            return index, line
        return index, lines[line - 1] if 0 < line <= len(lines) else None

    def track(self, before: dict[str, Any], after: dict[str, Any], fix: Fix) -> None:
        """Follow the positions from ``before`` to ``after``, the notebook with ``fix`` applied."""
        cells: list[tuple[int, list[int | None] | None] | None] = list(self._cells)
        was: list[int | None] = list(range(len(cells)))
        for edit in fix.edits:
            if isinstance(edit, InsertCell):
                cells.insert(edit.index, None)
                was.insert(edit.index, None)
        for position, (entry, old) in enumerate(zip(cells, was, strict=True)):
            if entry is None or old is None:
                continue
            old_text, new_text = source_text(before["cells"][old]), source_text(after["cells"][position])
            if old_text != new_text:
                cells[position] = (entry[0], _lines_through(entry[1], old_text, new_text))
        self._cells = cells


def _lines_through(lines: list[int | None] | None, old: str, new: str) -> list[int | None]:
    """For each line of ``new``, the starting line of the line of ``old`` it comes from (``lines``:
    those of ``old``; None: ``old`` is the start); None for a line a fix inserted. A line a fix
    rewrote comes from the one it replaces."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    start = lines if lines is not None else list(range(1, len(old_lines) + 1))
    found: list[int | None] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if tag == "insert":
            found.extend([None] * (j2 - j1))
        elif tag != "delete":
            found.extend(start[min(i1 + k, i2 - 1)] for k in range(j2 - j1))
    return found


def _apply(notebook: dict[str, Any], edit: Edit, as_lists: bool) -> None:
    cells = notebook["cells"]
    if isinstance(edit, InsertCell):
        if not 0 <= edit.index <= len(cells):
            raise FixError(f"cannot insert a cell at {edit.index}: the notebook has {len(cells)} cells")
        cells.insert(edit.index, _new_cell(notebook, edit, as_lists))
        return
    cell = cells[_locate(cells, edit.cell_id, edit.cell_index)]
    if isinstance(edit, ReplaceSource):
        cell["source"] = _like(cell.get("source"), edit.source)
    elif isinstance(edit, InsertText):
        cell["source"] = _like(cell.get("source"), insert_text(source_text(cell), edit.line, edit.text))
    elif isinstance(edit, SetTags):
        metadata = cell.setdefault("metadata", {})
        if edit.tags:
            metadata["tags"] = list(edit.tags)
        else:
            metadata.pop("tags", None)
    elif isinstance(edit, ClearOutputs) and cell.get("cell_type") == "code":
        cell["outputs"] = []


def insert_text(source: str, line: int, text: str) -> str:
    """``text`` at the end of line ``line`` (1-based; 0: before the first line)."""
    if line <= 0:
        return text + source
    lines = source.split("\n")
    index = min(line, len(lines)) - 1
    lines[index] += text
    return "\n".join(lines)


def source_text(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source if isinstance(source, str) else ""


def _locate(cells: list[Any], cell_id: str | None, index: int) -> int:
    if cell_id is not None:
        for i, cell in enumerate(cells):
            if isinstance(cell, dict) and cell.get("id") == cell_id:
                return i
        raise FixError("the cell the fix edits is no longer in the notebook")
    if not 0 <= index < len(cells) or not isinstance(cells[index], dict):
        raise FixError(f"the notebook has no cell {index + 1}")
    return index


def _like(old: Any, text: str) -> Any:
    return text.splitlines(keepends=True) if isinstance(old, list) else text


def _new_cell(notebook: dict[str, Any], edit: InsertCell, as_lists: bool) -> dict[str, Any]:
    source: Any = edit.source.splitlines(keepends=True) if as_lists else edit.source
    cell: dict[str, Any] = {"cell_type": edit.cell_type, "metadata": {"tags": list(edit.tags)} if edit.tags else {}}
    if edit.cell_type == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    cell["source"] = source
    cells = notebook["cells"]
    minor = notebook.get("nbformat_minor")
    if any(isinstance(c, dict) and "id" in c for c in cells) or (isinstance(minor, int) and minor >= 5):
        ids = {c.get("id") for c in cells if isinstance(c, dict)}
        new_id = uuid.uuid5(uuid.NAMESPACE_URL, f"jupyterlab-readiness-fix:{edit.index}:{edit.source}").hex[:8]
        while new_id in ids:
            new_id = uuid.uuid5(uuid.NAMESPACE_URL, new_id).hex[:8]
        cell = {"cell_type": cell.pop("cell_type"), "id": new_id, **cell}
    return cell
