"""Extract to module: the notebook with the selected cells replaced by the cell that calls the
extracted function (the CLI writes it; JupyterLab applies the same cell to the live notebook)."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from ...notebook.model import Cell
from ..errors import ExtractionRefused
from .selection import select_cells


def replace_cells(notebook_json: dict, cell_indices: list[int], replacement_source: str) -> dict:
    """The notebook JSON with the selected code cells replaced by one code cell holding
    ``replacement_source`` (no outputs, not run); the selection's markdown cells stay, in their
    order, above it (the prose introduces the step that now is the call); every other cell and all
    metadata unchanged."""
    if (
        not isinstance(notebook_json, dict)
        or notebook_json.get("nbformat") != 4
        or not isinstance(notebook_json.get("cells"), list)
    ):
        raise ExtractionRefused(
            "Only nbformat 4 notebooks can be rewritten: open and save the notebook in JupyterLab first."
        )
    raw_cells = notebook_json["cells"]
    cells = tuple(
        Cell(i, c.get("cell_type") if isinstance(c, dict) and isinstance(c.get("cell_type"), str) else "raw", "")
        for i, c in enumerate(raw_cells)
    )
    code = {cell.index for cell in select_cells(cells, cell_indices)}
    start, stop = min(cell_indices), max(cell_indices) + 1
    result = copy.deepcopy(notebook_json)
    old = result["cells"]
    as_list = any(isinstance(c, dict) and isinstance(c.get("source"), list) for c in old)
    source: Any = replacement_source.splitlines(keepends=True) if as_list else replacement_source
    new_cell: dict[str, Any] = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": source,
    }
    minor = result.get("nbformat_minor")
    if any(isinstance(c, dict) and "id" in c for c in old) or (isinstance(minor, int) and minor >= 5):
        ids = {c.get("id") for c in old if isinstance(c, dict)}
        seed = (
            "|".join(str(old[i].get("id")) for i in sorted(code) if isinstance(old[i], dict)) + "|" + replacement_source
        )
        new_id = uuid.uuid5(uuid.NAMESPACE_URL, "jupyterlab-readiness:" + seed).hex[:8]
        while new_id in ids:
            new_id = uuid.uuid5(uuid.NAMESPACE_URL, new_id).hex[:8]
        new_cell = {"id": new_id, **new_cell}
    kept = [old[i] for i in range(start, stop) if i not in code]
    result["cells"] = [*old[:start], *kept, new_cell, *old[stop:]]
    return result


# ------------------------------------------------------------------------------ validation
