"""Extract to module, the orchestration shared by the REST API and the CLI: read what exists,
plan with extract.py, and say what would be written. Writing stays with the caller."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...contract.replies import ExtractReply
from ...notebook.model import notebook_from_json
from .planner import apply, default_names, extract


@dataclass
class ExtractionPlan:
    module_file: Path
    reply: ExtractReply
    notebook: dict[str, Any]  # the rewritten notebook JSON


def plan(
    notebook_json: dict[str, Any],
    notebook_path: Path,
    cell_indices: list[int],
    module: str | None,
    function: str | None,
    read_text: Callable[[Path], str | None],
    shown: Callable[[Path], str],
) -> ExtractionPlan:
    """Raises notebook.NotebookError for an unreadable notebook and extract.ExtractionRefused when
    the cells cannot be extracted safely; nothing is written either way."""
    notebook = notebook_from_json(notebook_json)
    default_module, default_function = default_names(notebook, cell_indices, notebook_path)
    module = module or default_module
    function = function or default_function
    module_file = notebook_path.parent / f"{module}.py"
    extraction = extract(
        notebook, cell_indices, module, function, read_text(module_file), notebook_name=notebook_path.name
    )
    rewritten = apply(notebook_json, cell_indices, extraction.replacement_source)
    first = min(cell_indices)
    reply = ExtractReply(
        module=module,
        function=extraction.function,
        module_file=shown(module_file),
        module_text=extraction.module_text,
        replacement_cell=rewritten["cells"][first],
        cell_indices=sorted(cell_indices),
        parameters=extraction.parameters,
        returns=extraction.returns,
        warnings=extraction.warnings,
        written=False,
    )
    return ExtractionPlan(module_file, reply, rewritten)
