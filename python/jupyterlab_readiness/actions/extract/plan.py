"""Extract to module: the action. Names are checked before any file is read; the module beside the
notebook is read (an existing one gets the function, or the definitions that move as they are,
added or replaced) and the plan says what it becomes. The rewritten notebook is the CLI's to write;
JupyterLab applies the replacement cell to the live notebook instead, so undo works."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...contract.replies import ExtractReply
from ...contract.requests import ExtractRequest
from ...files import Root
from ...notebook.model import Notebook
from ...notebook.run_memo import one_run
from ..errors import ExtractionRefused
from ..export.style import exempted
from ..naming import module_name_problem
from ..newlines import normalized_newlines, with_newline
from ..plan import Plan
from ..source import Source, load
from .notebook_edit import replace_cells
from .planner import extract
from .selection import default_names, select_cells


@dataclass
class ExtractPlan(Plan[ExtractReply]):
    notebook: dict[str, Any] = field(default_factory=dict)  # the notebook JSON with the cells replaced


def plan(request: ExtractRequest, root: Root, source: Source | None = None) -> ExtractPlan:
    """Raises ExtractionRefused when the cells cannot be extracted safely, and what source.load
    raises; nothing is written either way."""
    source = source or load(request.path, request.notebook, root)
    default_module, default_function = default_names(source.model, request.cell_indices, source.path)
    module = request.module or default_module
    function = request.function or default_function
    # The name becomes a file name: refuse anything but a plain module name before touching a file.
    problem = module_name_problem(module, set())
    if problem:
        raise ExtractionRefused(problem)
    module_file = source.path.parent / f"{module}.py"
    # A module saved with Windows line breaks keeps them (Python reads either the same way).
    existing, newline = normalized_newlines(root.read_text(module_file))
    with one_run():
        extraction = extract(
            source.model,
            request.cell_indices,
            module,
            function,
            existing,
            notebook_name=source.path.name,
            definitions=True,
        )
    warnings = extraction.warnings
    if extraction.definitions and request.function:
        warnings = [
            *warnings,
            "No function was generated: the selection only defines names, which move to the module as they are "
            "and which the replacement cell imports.",
        ]
    module_text = with_newline(exempted(extraction.module_text, module_file.name), newline)
    rewritten = replace_cells(source.json, request.cell_indices, extraction.replacement_source)
    reply = ExtractReply(
        module=module,
        function=extraction.function,
        module_file=root.shown(module_file),
        module_text=module_text,
        replacement_cell=rewritten["cells"][replacement_index(source.model, request.cell_indices)],
        cell_indices=sorted(request.cell_indices),
        parameters=extraction.parameters,
        returns=extraction.returns,
        warnings=warnings,
        written=False,
        definitions=extraction.definitions,
    )
    return ExtractPlan(reply, {module_file: module_text}, notebook=rewritten)


def replacement_index(notebook: Notebook, cell_indices: list[int]) -> int:
    """Where the replacement cell lands: in place of the selection, below its markdown cells (which stay)."""
    code = select_cells(notebook.cells, cell_indices)
    return max(cell_indices) + 1 - len(code)
