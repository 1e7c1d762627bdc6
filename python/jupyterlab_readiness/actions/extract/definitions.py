"""Extract to module: a selection that only defines names (functions, classes, constants, with the
imports they need) moves to the module as it is, at its top level; the replacement cell imports
the names. Nested in a generated function, a class would repr as ``step.<locals>.Cage``, could not
be pickled, and nothing else could import it. Here: which statements may move so, and the merge of
their text into an existing module."""

from __future__ import annotations

import ast

from ...notebook.scopes import ImportKey, scope_binds
from ..errors import ExtractionRefused
from .imports import (
    check_import_clashes,
    merge_imports,
    new_module,
    parse_existing,
    span,
    top_level_bindings,
    used_names,
    without_imports,
)

_DEFINITION = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def moves_as_is(stmt: ast.stmt, last_of_cell: bool) -> bool:
    """Whether a top-level statement of the selection only defines names, or imports them: a
    ``def`` or ``class``, an import, a name bound to a literal (``ALPHA = 0.5``,
    ``COLUMNS = ["a", "b"]``), ``pass``, a docstring. A cell ending with a constant shows it: that
    one is not (the replacement cell would show nothing)."""
    if isinstance(stmt, (*_DEFINITION, ast.Import, ast.ImportFrom, ast.Pass)):
        return True
    if isinstance(stmt, ast.Expr):
        return isinstance(stmt.value, ast.Constant) and not last_of_cell
    if isinstance(stmt, ast.Assign):
        return all(isinstance(t, ast.Name) for t in stmt.targets) and _literal(stmt.value)
    if isinstance(stmt, ast.AnnAssign):
        return isinstance(stmt.target, ast.Name) and stmt.value is not None and _literal(stmt.value)
    return False


def _literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def merge_definitions(
    existing: str | None, text: str, imports: set[ImportKey], header: str, imported: dict[str, int]
) -> str:
    """The module with the definitions ``text`` (top-level statements as the cells hold them) after
    its imports. An existing module keeps everything else: a definition of the same name and kind
    (a previous extraction of the same cells) is replaced where it stands, and the new ones (with
    the comments above them) go where the selection has them around it (before the next one
    replaced: it may read them when defined); all of ``text`` at the module's end when it has
    none of them yet. ``imported``: the names other cells of the notebook import from the module,
    with the number of the first such cell: the module's definitions of them are theirs."""
    if existing is None or not existing.strip():
        return new_module(header, imports, text, _blank_lines_after_imports(text))
    tree = parse_existing(existing)
    bindings = top_level_bindings(tree)
    check_import_clashes(tree, bindings, imports, "")
    lines = existing.splitlines()
    new_lines = text.rstrip("\n").split("\n")
    edits: list[tuple[int, int, list[str]]] = []
    pending: list[str] = []  # new definitions not placed yet, each followed by two blank lines
    previous_end = 0  # where the comments above the next statement start
    for stmt in ast.parse(text).body:
        old = _previous_definition(bindings, stmt, imported)
        start, stop = span(new_lines, stmt)
        if old is not None:
            edits.append((*span(lines, old), [*pending, *new_lines[start:stop]]))
            pending = []
        elif scope_binds(stmt):
            pending += [*_trimmed(new_lines[previous_end:stop]), "", ""]
        previous_end = stop
    added: list[str] = []
    if not edits:
        added = ["", "", *_trimmed(new_lines)]
    elif pending:
        edits[-1][2].extend(["", "", *pending[:-2]])
    for start, stop, replacement in sorted(edits, reverse=True):
        lines[start:stop] = replacement
    while lines and not lines[-1].strip():
        lines.pop()
    edited = "\n".join([*lines, *added]) + "\n"
    return merge_imports(edited, imports, used_names(without_imports(tree)))


def _blank_lines_after_imports(text: str) -> int:
    """What ruff's isort wants between the imports and ``text``: two before a ``def`` or ``class``
    (the comments right above it count as part of it), one before anything else, a comment
    standing apart included."""
    lines = text.split("\n")
    comments = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    if comments and (comments == len(lines) or not lines[comments].strip()):
        return 1
    return 2 if isinstance(ast.parse(text).body[0], _DEFINITION) else 1


def _previous_definition(
    bindings: dict[str, list[ast.stmt]], stmt: ast.stmt, imported: dict[str, int]
) -> ast.stmt | None:
    """The statement of the existing module that defines the same names the same way (replaced),
    None when it defines none of them; anything else is refused: the module would lose it. So is
    a definition another cell imports (an earlier extraction of other cells defining the same
    name, ``x = 1.0`` then ``x = 1``): that cell would import the selection's, silently."""
    names = scope_binds(stmt)
    olds = {id(old): old for name in names for old in bindings.get(name, [])}
    if not olds:
        return None
    name = min(n for n in names if n in bindings)
    taken = sorted(n for n in names if n in bindings and n in imported)
    if taken:
        cell, name = imported[taken[0]], taken[0]
        raise ExtractionRefused(
            f"Cell {cell} imports `{name}` from the module, which the selection defines too: that cell would "
            f"import the selection's `{name}` instead. Rename one of them, or choose another module name."
        )
    old = next(iter(olds.values()))
    if len(olds) > 1 or any(len(bindings.get(n, [])) != 1 for n in names) or scope_binds(old) != names:
        raise ExtractionRefused(
            f"The module already defines `{name}` in another way than the selection does: rename one of them, or "
            "choose another module name."
        )
    if _kind(old) != _kind(stmt):
        raise ExtractionRefused(
            f"The module already defines `{name}` as {_kind(old)}, and the selection as {_kind(stmt)}: rename one "
            "of them, or choose another module name."
        )
    return old


def _kind(stmt: ast.stmt) -> str:
    if isinstance(stmt, ast.ClassDef):
        return "a class"
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return "a function"
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        return "a variable"
    return "an import" if isinstance(stmt, (ast.Import, ast.ImportFrom)) else "something else"


def _trimmed(lines: list[str]) -> list[str]:
    start, stop = 0, len(lines)
    while start < stop and not lines[start].strip():
        start += 1
    while stop > start and not lines[stop - 1].strip():
        stop -= 1
    return lines[start:stop]
