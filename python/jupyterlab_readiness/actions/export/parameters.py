"""Export to package, the inputs of the pipeline: the parameters cell, and the wall clock made a
parameter (``run_date``) so that the pipeline itself computes the same thing on every run.

Pure: cells in, parameters and rewritten sources out.
"""

from __future__ import annotations

import ast
import itertools
import re
from dataclasses import dataclass

from ...checks.secrets import redact
from ...notebook.clocks import MAY_READ_CLOCK, reads_clock
from ...notebook.facts import cell_facts
from ...notebook.model import Cell, Notebook
from ...notebook.parse import python_tree
from ...notebook.rewrite import apply_edits, import_aliases, outermost_edits, plain_facts
from ...notebook.rewrite import qualname as resolve
from ..errors import ExportRefused

PARAMETERS_TAG = "parameters"  # papermill's convention
SKIP_TAG = "skip-export"


@dataclass
class Parameter:
    name: str
    type: str  # the annotation, e.g. "float", "list[str]"
    default: str  # Python literal text
    origin: str  # "cell": from the parameters cell; "clock": stands for the wall clock
    cell_index: int | None  # the parameters cell; for the clock, the first cell that reads it


def find_parameters(notebook: Notebook) -> tuple[Cell | None, list[Parameter]]:
    """The cell tagged ``parameters``, else the first code cell made only of literal assignments;
    with the parameters it assigns, in order. A tagged cell that computes something is refused:
    a scheduler could not pass a value for it."""
    cells = [c for c in notebook.code_cells() if SKIP_TAG not in c.tags]
    tagged = [c for c in cells if PARAMETERS_TAG in c.tags]
    if tagged:
        return tagged[0], _literal_assignments(tagged[0], strict=True) or []
    for cell in cells:  # only a literal cell before any computation: a later one is the notebook's own code
        found = _literal_assignments(cell, strict=False)
        if found:
            return cell, found
        if not _imports_only(cell):
            break
    return None, []


def _imports_only(cell: Cell) -> bool:
    """A cell of imports, comments, magics or nothing: no computation."""
    try:
        tree = python_tree(cell.source)
    except (SyntaxError, ValueError):
        return False
    return all(
        isinstance(s, (ast.Import, ast.ImportFrom, ast.Pass))
        or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
        or (isinstance(s, ast.Expr) and "get_ipython" in ast.unparse(s))
        for s in tree.body
    )


def _literal_assignments(cell: Cell, *, strict: bool) -> list[Parameter] | None:
    try:
        tree = python_tree(cell.source)
    except (SyntaxError, ValueError):
        if strict:
            raise ExportRefused(
                f"The parameters cell (cell {cell.index + 1}) does not parse: fix it before exporting."
            ) from None
        return None
    found: dict[str, Parameter] = {}
    for stmt in tree.body:
        name = annotation = value = None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name, value = stmt.targets[0].id, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            name, value, annotation = stmt.target.id, stmt.value, ast.unparse(stmt.annotation)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
            continue  # a docstring-like note
        literal = _literal(value) if value is not None else _NOT_LITERAL
        if name is None or literal is _NOT_LITERAL or name.startswith("_"):
            if strict:
                raise ExportRefused(
                    f"The parameters cell (cell {cell.index + 1}) line {stmt.lineno} is not a literal assignment "
                    f"(`{redact(ast.unparse(stmt))[:60]}`): "
                    "a parameter must be a name set to a literal (number, string, bool, None, list, tuple or dict of "
                    "those) so the command line can pass another value. "
                    "Move computed values to the next cell."
                )
            return None
        found.pop(name, None)
        found[name] = Parameter(name, annotation or _type_of(literal), ast.unparse(value), "cell", cell.index)
    return list(found.values()) or None


_NOT_LITERAL = object()


def _literal(node: ast.expr) -> object:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _NOT_LITERAL


def _type_of(value: object) -> str:
    if value is None:
        return "str | None"
    if isinstance(value, (bool, int, float, str, bytes, complex)):
        return type(value).__name__
    if isinstance(value, (list, set, frozenset)):
        kind = "list" if isinstance(value, list) else "set"
        return f"{kind}[{_common(value)}]"
    if isinstance(value, tuple):
        return f"tuple[{_common(value)}, ...]"
    if isinstance(value, dict):
        keys = _common(value.keys())
        return f"dict[{keys}, {_common(value.values())}]"
    return "Any"


def _common(values) -> str:
    kinds = {_type_of(v) for v in values}
    if len(kinds) == 1:
        return kinds.pop()
    if kinds == {"int", "float"}:
        return "float"
    return "Any"


# ------------------------------------------------------------------------------------- the clock
@dataclass
class ClockRewrite:
    sources: dict[int, str]  # cell index → source with the clock reads replaced by the parameter
    left: list[tuple[int, int, str, str]]  # (cell, line, call, why) clock reads that stay as they were


# qualified call → how it reads from the parameter ({run} is its name, {func} the called object's
# text); used only when called without arguments.
_NO_ARGS = {
    "datetime.datetime.now": "{run}",
    "datetime.datetime.today": "{run}",
    "datetime.date.today": "{run}.date()",
    "time.time": "{run}.timestamp()",
    "pandas.Timestamp.now": "{owner}({run})",
    "pandas.Timestamp.today": "{owner}({run})",
}
# Clock reads of a string argument that the parameter stands for exactly.
_NOW_STRINGS = frozenset({"pandas.Timestamp", "pandas.to_datetime", "numpy.datetime64"})


def rewrite_clock(cells: list[Cell], run: str) -> ClockRewrite:
    """Every read of the wall clock that has an exact equivalent in terms of one ``datetime``
    parameter ``run``, replaced by it, unless it measures time (see ``_timing_reads``). Aliases
    come from the imports of all the cells. Only the cells whose calls (in their facts) may read a
    clock are looked at."""
    aliases = import_aliases(c.source for c in cells)
    trees: dict[int, ast.Module] = {}
    for cell in cells:
        if plain_facts(cell.source) and not any(
            parts[0] in aliases and _resolve(parts, aliases) in MAY_READ_CLOCK
            for parts in {call.parts for call in cell_facts(cell.source).calls}
        ):
            continue
        try:
            trees[cell.index] = python_tree(cell.source)
        except (SyntaxError, ValueError):
            continue
    timing = _timing_reads(trees, cells, aliases)
    sources: dict[int, str] = {}
    left: list[tuple[int, int, str, str]] = []
    for cell in cells:
        tree = trees.get(cell.index)
        if tree is None:
            continue
        edits: list[tuple[int, int, int, int, str]] = []
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            qualname = resolve(node.func, aliases)
            if qualname is None:
                continue
            text = _replacement(node, qualname, cell.source, run)
            call = ast.get_source_segment(cell.source, node) or qualname
            if text is not None and id(node) in timing:
                left.append((cell.index, node.lineno, call, timing[id(node)]))
            elif text is not None:
                edits.append((node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, text))
            elif _is_clock(node, aliases):
                left.append((cell.index, node.lineno, call, f"no exact equivalent in terms of {run}"))
        if edits:
            sources[cell.index] = apply_edits(cell.source, outermost_edits(edits))
    return ClockRewrite(sources, left)


_MEASURES = "it measures how long something takes: one date for the whole run would make that 0"
_WAITS = "it waits for the clock: the run's date never moves"


def _timing_reads(trees: dict[int, ast.Module], cells: list[Cell], aliases: dict[str, str]) -> dict[int, str]:
    """The clock reads (by node id, with why) that measure time rather than date the run: made the
    run's date, ``time.time() - start`` would be 0 and ``while time.time() < deadline`` would never
    end. A read measures when it is subtracted from or compared with another read, or with a timer
    (a name assigned from a read, ``start = time.time()``, ``deadline = time.time() + 5``), in any
    cell; then the timer's own reads measure too. Every read in a ``while`` test waits."""
    stored: dict[str, list[ast.Call]] = {}  # name → the reads assigned to it
    pairs: list[tuple[ast.AST, ast.AST]] = []  # operands of a subtraction or comparison
    found: dict[int, str] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                reads = [n for n in ast.walk(node.value) if _is_clock(n, aliases)]
                if reads:
                    stored.setdefault(node.targets[0].id, []).extend(reads)  # type: ignore[arg-type]
            elif isinstance(node, ast.While):
                found.update((id(n), _WAITS) for n in ast.walk(node.test) if _is_clock(n, aliases))
            pairs.extend(_operand_pairs(node))
    if not stored and not pairs:
        return found
    # a difference of two timers may sit in a cell that reads no clock itself (print(t1 - t0))
    named = re.compile(r"\b(?:" + "|".join(map(re.escape, stored)) + r")\b") if stored else None
    for cell in cells:
        if cell.index not in trees and named is not None and named.search(cell.source) and "-" in cell.source:
            try:
                tree = python_tree(cell.source)
            except (SyntaxError, ValueError):
                continue
            pairs.extend(pair for node in ast.walk(tree) for pair in _operand_pairs(node))

    def timer(node: ast.AST) -> bool:
        return _is_clock(node, aliases) or (isinstance(node, ast.Name) and node.id in stored)

    for a, b in pairs:
        if timer(a) and timer(b):
            for side in (a, b):
                reads = [side] if _is_clock(side, aliases) else stored[side.id]  # type: ignore[attr-defined]
                found.update((id(read), _MEASURES) for read in reads if id(read) not in found)
    return found


def _operand_pairs(node: ast.AST) -> list[tuple[ast.AST, ast.AST]]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
        return [(node.left, node.right)]
    if isinstance(node, ast.Compare):
        sides = [node.left, *node.comparators]
        return list(itertools.pairwise(sides))
    return []


def _is_clock(node: ast.AST, aliases: dict[str, str]) -> bool:
    """Whether ``node`` is a call that reads the clock (``pd.Timestamp("2024-01-01")`` reads none)."""
    if not isinstance(node, ast.Call):
        return False
    qualname = resolve(node.func, aliases)
    if qualname is None or qualname not in MAY_READ_CLOCK:
        return False
    args = [a.value if isinstance(a, ast.Constant) else a for a in node.args]
    return reads_clock(qualname, args, bool(node.keywords))


def _says_now(node: ast.Call) -> bool:
    """``pd.Timestamp("now")``, ``np.datetime64("today")``: one string argument that the run's
    date stands for exactly ("yesterday" reads the clock too, but is another date)."""
    if len(node.args) != 1 or node.keywords:
        return False
    arg = node.args[0]
    return isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.strip().lower() in _NOW_WORDS


_NOW_WORDS = ("now", "today")


def _replacement(node: ast.Call, qualname: str, source: str, run: str) -> str | None:
    func = node.func
    if qualname in _NO_ARGS and not node.args and not node.keywords:
        owner = ast.get_source_segment(source, func.value) if isinstance(func, ast.Attribute) else None
        return _NO_ARGS[qualname].format(run=run, owner=owner)
    if qualname in ("datetime.datetime.now",) and len(node.args) + len(node.keywords) == 1:
        tz = node.args[0] if node.args else node.keywords[0].value
        if node.keywords and node.keywords[0].arg != "tz":
            return None
        return f"{run}.astimezone({ast.get_source_segment(source, tz)})"
    if qualname in _NOW_STRINGS and _says_now(node):
        called = ast.get_source_segment(source, func)
        if qualname == "numpy.datetime64" and node.args[0].value.strip().lower() == "today":  # type: ignore[attr-defined]
            return f"{called}({run}.date())"
        return f"{called}({run})"
    return None


def _resolve(parts: tuple[str | None, ...], aliases: dict[str, str]) -> str:
    """The called thing's full name, ``parts`` being how the call names it (the head imported)."""
    name = ".".join([aliases[parts[0]], *parts[1:]])
    return name.replace("pandas.core.", "pandas.").replace("pandas._libs.tslibs.timestamps.", "pandas.")


_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.MULTILINE)


def is_heading(cell: Cell) -> bool:
    return cell.cell_type == "markdown" and (
        _HEADING.search(cell.source) is not None or re.search(r"<h[1-6]", cell.source, re.IGNORECASE) is not None
    )
