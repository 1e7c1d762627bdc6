"""Extract to module: which cells can be extracted, and the names to offer for the module and the
function. Every refusal happens here or in the planner, before anything is written."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from ...checks.secrets import redact
from ...notebook.facts import cell_facts
from ...notebook.magics import translate
from ...notebook.model import Cell, Notebook
from ...notebook.parse import python_tree
from ...notebook.scopes import imported_packages, notebook_names
from ..errors import ExtractionRefused
from ..naming import (
    first_assigned_name,
    function_name_problem,
    heading_above,
    heading_name,
    module_name_problem,
    snake,
)
from .body import split_lines
from .surroundings import Surroundings


def default_names(
    notebook: Notebook, cell_indices: list[int], notebook_path: Path, surroundings: Surroundings | None = None
) -> tuple[str, str]:
    """(module name, function name) to offer in the dialog: the module after the notebook's file
    name, the function after the nearest markdown heading above the selection, else the code.
    ``surroundings``: the notebook's names and packages, when the caller keeps them (export)."""
    taken = surroundings.taken if surroundings is not None else notebook_names(notebook)
    imported = surroundings.packages if surroundings is not None else imported_packages(notebook)
    module = snake(Path(notebook_path).stem) or "extracted"
    if module_name_problem(module, imported):
        module = f"{module}_lib"
    first = first_code_index(notebook.cells, cell_indices)
    candidates: list[str] = []
    heading = heading_above(notebook, first)
    name = heading_name(heading) if heading else ""
    if name:  # taken (the section defines a function of that name): the step's name says so
        candidates += [name, f"{name}_step"]
    wanted = set(cell_indices)
    selected = [c for c in notebook.cells if c.index in wanted and c.cell_type == "code"]
    for cell in selected:
        target = first_assigned_name(cell.source)
        if target:
            candidates.append(snake(f"compute_{target}"))
            break
    candidates.append(f"step_{first}")
    for candidate in candidates:
        if candidate and not function_name_problem(candidate) and candidate not in taken and candidate != module:
            return module, candidate
    base = candidates[-1]
    n = 2
    while f"{base}_{n}" in taken:
        n += 1
    return module, f"{base}_{n}"


def select_cells(cells: tuple[Cell, ...], cell_indices: list[int]) -> list[Cell]:
    """The code cells of a contiguous selection. Markdown cells may be part of it (a heading, the
    prose between two steps): they are not extracted and stay in the notebook (replace_cells)."""
    if not cell_indices:
        raise ExtractionRefused("No cells selected: select one or more consecutive code cells.")
    if any(not isinstance(i, int) or isinstance(i, bool) for i in cell_indices):
        raise ExtractionRefused("Cell indices must be whole numbers (0-based over all cells).")
    indices = sorted(set(cell_indices))
    bad = [i for i in indices if not 0 <= i < len(cells)]
    if bad:
        raise ExtractionRefused(
            f"A selected cell does not exist: the notebook has {len(cells)} cells (numbered from 0)."
        )
    missing = [i for i in range(indices[0], indices[-1] + 1) if i not in set(indices)]
    if missing:
        raise ExtractionRefused(
            f"The selection is not contiguous: cell {missing[0] + 1} lies between the selected cells. Select "
            "consecutive code cells."
        )
    for i in indices:
        if cells[i].cell_type not in ("code", "markdown"):
            raise ExtractionRefused(
                f"Cell {i + 1} is a {cells[i].cell_type} cell: only code cells (and the markdown cells between them) "
                "can be extracted. Move it out of the selection, or extract the cells on each side of it separately."
            )
    code = [cells[i] for i in indices if cells[i].cell_type == "code"]
    if not code:
        raise ExtractionRefused("The selection holds no code cell: select the code cells to extract.")
    return code


def first_code_index(cells: tuple[Cell, ...], cell_indices: list[int]) -> int:
    """The first code cell of the selection (its smallest index when it holds none): a heading in the
    selection above it names the function as a heading above the selection does."""
    code = [i for i in cell_indices if 0 <= i < len(cells) and cells[i].cell_type == "code"]
    return min(code or cell_indices or [0])


def check_module_name(module: str, imported: set[str]) -> None:
    problem = module_name_problem(module, imported)
    if problem:
        raise ExtractionRefused(problem)


def check_function_name(function: str) -> None:
    problem = function_name_problem(function)
    if problem:
        raise ExtractionRefused(problem)


def check_cell(cell: Cell, number: int, module_state: frozenset[str] = frozenset()) -> ast.Module:
    """The cell's tree; ExtractionRefused, naming the cell ``number``, when it cannot be moved.
    ``module_state``: names the function's module keeps as its own globals, which a ``global``
    statement may declare (the export's steps.py)."""
    facts = cell_facts(cell.source)
    if facts.syntax_error is not None:
        line, message = facts.syntax_error
        where = f" on line {line}" if line else ""
        raise ExtractionRefused(f"Cell {number} has a syntax error{where} ({message}): fix it before extracting.")
    translated = translate(cell.source)
    if translated != cell.source:
        lines = split_lines(cell.source)
        changed = next(
            (n for n, (a, b) in enumerate(zip(lines, split_lines(translated), strict=False), 1) if a != b), 1
        )
        text = redact(lines[changed - 1].strip()) if changed <= len(lines) else ""
        raise ExtractionRefused(
            f"Cell {number} uses IPython syntax (line {changed}: `{text}`): a module cannot run magics or shell "
            "escapes. "
            "Move that line to its own cell outside the selection, or write it in plain Python (e.g. `subprocess.run`)."
        )
    if facts.star_import_line is not None:
        raise ExtractionRefused(
            f"Cell {number} has a star import (line {facts.star_import_line}): nobody can tell which names it "
            "brings. "
            "Import the names you use explicitly, then extract."
        )
    tree = _parse(cell.source)
    # (the statements need their keyword, and keywords are plain ASCII: no need to look without one)
    maybe_declares = "global" in cell.source or "nonlocal" in cell.source
    for node in ast.walk(tree) if maybe_declares else ():
        if isinstance(node, ast.Global) and module_state.issuperset(node.names):
            continue
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            kind = "global" if isinstance(node, ast.Global) else "nonlocal"
            raise ExtractionRefused(
                f"Cell {number} line {node.lineno} declares `{kind} {', '.join(node.names)}`: code that rebinds "
                "names outside its own scope "
                "cannot be moved into a function safely. Return the value instead of assigning it, then extract."
            )
    # (likewise, each of these constructs needs its keyword: most cells have none, and no walk)
    maybe_leaves = any(keyword in cell.source for keyword in ("return", "yield", "await", "async"))
    for node in module_scope_nodes(tree) if maybe_leaves else ():
        what = {
            ast.Return: "`return`",
            ast.Yield: "`yield`",
            ast.YieldFrom: "`yield from`",
            ast.Await: "top-level `await`",
            ast.AsyncFor: "top-level `async for`",
            ast.AsyncWith: "top-level `async with`",
        }.get(type(node))
        if what:
            raise ExtractionRefused(
                f"Cell {number} line {node.lineno} uses {what} outside a function: it would change meaning inside "
                "the extracted function. Remove it, then extract."
            )
    return tree


def _parse(source: str) -> ast.Module:
    try:
        return python_tree(source)
    except (SyntaxError, ValueError) as exc:  # facts parsed it, so this is unexpected
        raise ExtractionRefused(f"The code does not parse: {exc}") from exc


def module_scope_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of ``tree`` outside function, lambda and class bodies (decorators, defaults and
    bases included: they run in the enclosing scope)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.extend(node.decorator_list)
            stack.extend(d for d in node.args.defaults + node.args.kw_defaults if d is not None)
            if node.returns is not None:
                stack.append(node.returns)
        elif isinstance(node, ast.ClassDef):
            stack.extend(node.decorator_list + node.bases + [k.value for k in node.keywords])
        elif isinstance(node, ast.Lambda):
            stack.extend(d for d in node.args.defaults + node.args.kw_defaults if d is not None)
        else:
            stack.extend(ast.iter_child_nodes(node))


# ------------------------------------------------------------------------------ the body text
