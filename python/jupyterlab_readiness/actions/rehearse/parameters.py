"""Papermill-style parameters: values given for a rehearsal override the ``parameters`` cell's.

As papermill does, a cell tagged ``injected-parameters`` that assigns the given values is put
right after the first cell tagged ``parameters`` (at the top when there is none), so the
notebook's own defaults run first and the given values win. A value is read as a Python literal
(``3``, ``2.5``, ``True``, ``None``, ``'text'``, ``[1, 2]``, ``{"a": 1}``), anything else is taken
as a string (``2024-01-31``, ``eu-west``).
"""

from __future__ import annotations

import ast
import copy
import json
import keyword
from dataclasses import dataclass
from typing import Any

from ...notebook.fingerprint import parameters_text
from ...notebook.parse import cell_tree
from ...notebook.scopes import scope_binds

INJECTED_TAG = "injected-parameters"


class BadParameter(ValueError):
    """A parameter name that is not a Python identifier; the message says which."""


def parse_value(text: str) -> Any:
    """A Python literal if ``text`` is one, else the text itself."""
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def parse_pairs(pairs: list[tuple[str, str]] | list[list[str]]) -> dict[str, Any]:
    """``-p NAME VALUE`` pairs from the command line → {name: value}; a later pair wins."""
    values: dict[str, Any] = {}
    for name, text in pairs:
        check_name(name)
        values[name] = parse_value(text)
    return values


def check_name(name: str) -> None:
    if not name.isidentifier() or keyword.iskeyword(name):
        raise BadParameter(f"parameter name {name!r} is not a Python identifier")


def parameters_cell(cells: list[dict[str, Any]]) -> int | None:
    """The index of the first cell tagged ``parameters``, or None."""
    for index, cell in enumerate(cells):
        tags = cell.get("metadata", {}).get("tags", []) if isinstance(cell.get("metadata"), dict) else []
        if isinstance(tags, list) and "parameters" in tags:
            return index
    return None


def source(values: dict[str, Any]) -> str:
    lines = ["# Parameters (injected by the rehearsal)"]
    for name, value in values.items():
        check_name(name)
        lines.append(f"{name} = {value!r}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Given:
    """Values made ready for a rehearsal: the code of the cell that sets them, their JSON form (what
    the record keeps) and the text its key hashes. A server makes it in the worker process that
    reads the values: in a thread beside its event loop, the reprs and the JSON of 200 values of
    1,800 numbers kept every request waiting 0.1-0.2 s."""

    source: str
    stored: dict[str, Any]
    text: str


def given(values: dict[str, Any]) -> Given:
    stored = {name: json.loads(json.dumps(value, default=repr)) for name, value in values.items()}
    return Given(source(values), stored, parameters_text(stored))


def inject(nb: dict[str, Any], values: dict[str, Any], code: str | None = None) -> tuple[dict[str, Any], int | None]:
    """A copy of the notebook (nbformat 4) with the injected cell (``code``, else made from the
    values); returns it and the index the injected cell has in it (None when there are no values)."""
    if not values:
        return nb, None
    out = copy.copy(nb)
    cells = list(nb.get("cells", []))
    at = parameters_cell(cells)
    position = 0 if at is None else at + 1
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {"tags": [INJECTED_TAG]},
        "outputs": [],
        "source": source(values) if code is None else code,
    }
    if nb.get("nbformat_minor", 0) >= 5 or any("id" in c for c in cells if isinstance(c, dict)):
        cell["id"] = "injected-parameters"
    cells.insert(position, cell)
    out["cells"] = cells
    return out, position


def unknown_names(cell_source: str | None, values: dict[str, Any]) -> list[str]:
    """Given names that the parameters cell does not assign (papermill warns about them too)."""
    if cell_source is None:
        return sorted(values)
    try:
        tree = ast.parse(cell_source)
    except SyntaxError:
        return []
    assigned = {
        t.id
        for node in ast.walk(tree)
        if isinstance(node, (ast.Assign, ast.AnnAssign))
        for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(t, ast.Name)
    }
    return sorted(name for name in values if name not in assigned)


def overwritten(cells: list[dict[str, Any]], start: int, values: dict[str, Any]) -> dict[str, int]:
    """Given names that a code cell from ``start`` on assigns before any cell reads them: {name:
    index of that cell}. The injected value never reaches the code there, which happens when the
    notebook sets its parameters in a cell that is not tagged ``parameters`` (the values are then
    injected at the top, above it). A cell that reads the name first (``n = n + 1``, a function
    using it) uses the given value, so it is not counted."""
    found: dict[str, int] = {}
    pending = set(values)
    for index in range(start, len(cells)):
        cell = cells[index]
        if not pending or cell.get("cell_type") != "code":
            continue
        tree = cell_tree(cell.get("source") or "")
        for stmt in tree.body if tree is not None else []:
            pending -= _reads(stmt)
            for name in scope_binds(stmt) & pending:
                found[name] = index
            pending -= found.keys()
    return found


def _reads(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
