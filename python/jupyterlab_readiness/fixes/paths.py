"""Fix for a path on one person's machine: the literal becomes a parameter of the same value (a
scheduler or a colleague passes their own), read by name wherever the cell used it."""

from __future__ import annotations

import ast
import functools
import re

from ..checks.context import Hit
from ..checks.paths import is_user_path
from ..contract.fixes import Fix, ReplaceSource, SetTags
from ..contract.report import Finding
from ..notebook.rewrite import Span, apply_edits, span
from .view import PARAMETERS_TAG, FixEnv, Tree, cell_of, literal, ordered, tree_of


def absolute_path(env: FixEnv, finding: Finding, hit: Hit) -> list[Fix]:
    cell = cell_of(env.ctx, finding)
    parameters = env.parameters
    if cell is not None and cell is parameters.cell and not parameters.tagged:
        # a cell of literal assignments that is the parameters in all but name: tag it
        tags = SetTags(cell_index=cell.index, cell_id=cell.cell_id, tags=[*cell.tags, PARAMETERS_TAG])
        note = "Tags this cell `parameters` (papermill's convention): its values are defaults a scheduler overrides."
        return [Fix("parameterize-path", "Make this cell the parameters cell", True, [tags], note=note)]
    if cell is None or finding.line is None or cell is parameters.cell or not parameters.usable_for(cell.index):
        return []
    tree = tree_of(cell.source)
    if tree is None:
        return []
    literals = _replaceable(cell.source, tree)
    values = list(dict.fromkeys(v for n, v in literals if n.lineno == finding.line))
    if not values:
        return []
    names: dict[str, str] = {}
    wanted = []
    for value in values:
        found = parameters.holding(literal(value))
        if found is not None:
            names[value] = found
        else:
            wanted.append((_base_name(value), literal(value), None))
    added, edits = parameters.add(wanted, cell.index) if wanted else ([], [])
    for value, name in zip([v for v in values if v not in names], added, strict=True):
        names[value] = name
    spans: list[Span] = [span(node, names[value]) for node, value in literals if value in names]
    source = apply_edits(cell.source, spans)
    shown = ", ".join(f"`{names[v]}`" for v in values)
    return [
        Fix(
            "parameterize-path",
            "Make the path a parameter",
            True,
            ordered([ReplaceSource(cell_index=cell.index, cell_id=cell.cell_id, source=source), *edits]),
            note=f"Same value, now a parameter ({shown}) that another machine or a scheduler sets to its own path.",
        )
    ]


@functools.lru_cache(maxsize=1024)
def _replaceable(source: str, tree: Tree) -> list[tuple[ast.Constant, str]]:
    """User-path string literals that a name can stand for: not a docstring, not part of an
    f-string, a pattern or an annotation, on lines that are the user's text."""
    skip: set[int] = set()
    for node in ast.walk(tree.tree):
        if isinstance(node, (ast.JoinedStr, ast.MatchValue, ast.MatchSingleton)):
            skip.update(id(n) for n in ast.walk(node))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))
        elif isinstance(node, (ast.arg, ast.AnnAssign)) and node.annotation is not None:
            skip.update(id(n) for n in ast.walk(node.annotation))
    return [
        (node, node.value)
        for node in ast.walk(tree.tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and is_user_path(node.value)
        and tree.editable(node)
    ]


def _base_name(value: str) -> str:
    """``sales_path`` for ``/Users/ana/data/sales.csv``, ``projects_dir`` for ``~/projects/``."""
    name = re.split(r"[\\/]", value.rstrip("/\\"))[-1]
    stem, dot, _ = name.partition(".")
    words = re.sub(r"[^0-9A-Za-z]+", "_", stem).strip("_").lower()
    if not words or not words.isidentifier():
        words = "data"
    return f"{words}_path" if dot else f"{words}_dir"
