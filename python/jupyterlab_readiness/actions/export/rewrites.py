"""Export to package, rewrites that keep a cell's meaning where a module would change it or the
extraction would have to refuse:

* ``if __name__ == "__main__":`` at a cell's top level is always true in a notebook (its code runs
  in ``__main__``); in a module it is false. The block's body is kept, as the notebook ran it.
* ``from typing import *`` (a star import from the standard library): the names it brings are
  known, so it becomes an import of those the notebook uses. The module is imported here to list
  them — standard library modules only, never the notebook's own or a third party's code.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from ...notebook.names import star_names
from ...notebook.parse import python_tree
from ...notebook.rewrite import apply_edits, is_main_guard, span


def main_guards(source: str) -> str:
    """The cell with each top-level ``if __name__ == "__main__":`` replaced by its body (dedented;
    an ``else`` never runs in a notebook). A body holding a string over several lines, whose text
    dedenting would change, keeps its block under ``if True:``."""
    if "__main__" not in source:
        return source
    try:
        tree = python_tree(source)
    except (SyntaxError, ValueError):
        return source
    lines = source.splitlines(keepends=True)
    edits = []
    for stmt in tree.body:
        if not is_main_guard(stmt):
            continue
        assert isinstance(stmt, ast.If)
        multiline_string = any(
            isinstance(n, (ast.Constant, ast.JoinedStr)) and n.lineno != n.end_lineno
            for b in stmt.body
            for n in ast.walk(b)
        )
        if multiline_string:
            edits.append(span(stmt.test, "True"))
            continue
        indent = stmt.body[0].col_offset
        body = lines[stmt.lineno : stmt.body[-1].end_lineno]
        dedented = "".join(line[indent:] if line[:indent].isspace() else line.lstrip(" \t") for line in body)
        end = lines[stmt.end_lineno - 1]
        edits.append((stmt.lineno, 0, stmt.end_lineno, len(end.rstrip("\r\n").encode("utf-8")), dedented.rstrip("\n")))
    return apply_edits(source, edits) if edits else source


def used_names(sources: Iterable[str]) -> set[str]:
    """Every name the sources mention (read or bound, at any depth): the names a star import may
    have to provide."""
    names: set[str] = set()
    for source in sources:
        try:
            tree = python_tree(source)
        except (SyntaxError, ValueError):
            continue
        names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return names


def star_imports(source: str, used: set[str]) -> str:
    """The cell with each top-level star import from a standard library module replaced by an
    import of the names the notebook uses from it (nothing when it uses none)."""
    if "*" not in source:
        return source
    try:
        tree = python_tree(source)
    except (SyntaxError, ValueError):
        return source
    edits = []
    for stmt in tree.body:
        if not (isinstance(stmt, ast.ImportFrom) and not stmt.level and stmt.module and stmt.names[0].name == "*"):
            continue
        names = star_names(stmt.module)
        if names is None:
            continue
        wanted = sorted(names & used)
        edits.append(span(stmt, f"from {stmt.module} import {', '.join(wanted)}" if wanted else "pass"))
    return apply_edits(source, edits) if edits else source
