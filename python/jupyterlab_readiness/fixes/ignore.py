"""The ``ignore`` fix every finding carries: the ``# readiness: ignore[check]`` comment that
silences it (notebook/ignore.py), as an insert-text edit — it never carries the cell's source, so
an ignored credential is not copied into the fix. At the end of the finding's line when a comment
there changes nothing else (not inside a string, not after a backslash); else as the cell's first
line (a magic written without its ``%`` gets it: a second line turns automagic off); for a finding
about the whole notebook, in the first code cell."""

from __future__ import annotations

from ..checks.context import Context
from ..contract.fixes import Fix, InsertText
from ..contract.report import Finding
from ..notebook.ignore import comment, ignores
from ..notebook.magics import automagic
from ..notebook.model import Cell
from .view import tree_of

# Cell magics whose body reads ``#`` as a comment (Python or a shell).
_COMMENT_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "bash", "sh", "python", "python3"})


def ignore_fix(ctx: Context, finding: Finding) -> Fix | None:
    text = comment([finding.check])
    if finding.cell_index is None:
        cell = next((c for c in ctx.notebook.cells if c.cell_type == "code"), None)
        edit = _cell_level(cell, text) if cell is not None else None
        where = "as the first line of the first code cell"
    else:
        cell = ctx.notebook.cells[finding.cell_index]
        if cell.cell_type != "code":
            return None
        edit = _line_level(cell, finding.line, text) if finding.line is not None else None
        where = f"at the end of line {finding.line}"
        if edit is None:
            edit = _cell_level(cell, text)
            where = "as the cell's first line"
    if edit is None:
        return None
    if edit.text.endswith("\n%"):
        where += ", the magic below it written with its `%`"
    return Fix(
        "ignore",
        f"Ignore this {finding.check} finding",
        True,
        [edit],
        note=f"Writes `{text}` {where}; add the reason after it.",
    )


def _line_level(cell: Cell, line: int, text: str) -> InsertText | None:
    """The comment at the end of ``line``, when it changes no code there: the line is Python as
    written (not a magic, whose arguments would take it), does not end inside a string that goes on,
    nor with a backslash."""
    tree = tree_of(cell.source)
    if tree is None or line not in tree.kept or tree.ends_in_string(line):
        return None
    lines = cell.source.splitlines()
    if not 1 <= line <= len(lines) or lines[line - 1].rstrip().endswith("\\"):
        return None
    return InsertText(cell_index=cell.index, cell_id=cell.cell_id, line=line, text="  " + text)


def _cell_level(cell: Cell, text: str) -> InsertText | None:
    lines = cell.source.splitlines()
    first = 1
    if lines and lines[0].lstrip().startswith("%%"):
        name = lines[0].lstrip()[2:].split(maxsplit=1)
        if not name or name[0] not in _COMMENT_CELL_MAGICS:
            return None
        first = 2
    existing = ignores(cell.source).cell
    if existing is not None:  # add to the cell's comment line, which stays the cell-level one
        return InsertText(cell_index=cell.index, cell_id=cell.cell_id, line=first, text="  " + text)
    if first == 1 and automagic(cell.source) is not None:
        # IPython runs a magic without its % only in a cell of one line: the comment line above it
        # needs the % written out, which is what IPython ran
        if cell.source != cell.source.lstrip():
            return None
        return InsertText(cell_index=cell.index, cell_id=cell.cell_id, line=0, text=text + "\n%")
    if first == 1:
        return InsertText(cell_index=cell.index, cell_id=cell.cell_id, line=0, text=text + "\n")
    return InsertText(cell_index=cell.index, cell_id=cell.cell_id, line=1, text="\n" + text)
