"""Fix for print-only reporting: a logger set up in a cell above the first print, and every
``print(...)`` a ``log.info(...)`` with the same message text (notebook/rewrite.py, shared with
the export). Unsafe: the text goes to the log (stderr, with a time and a level), not to stdout."""

from __future__ import annotations

import functools
import re

from ..checks.context import Hit
from ..contract.fixes import Edit, Fix, InsertCell, ReplaceSource
from ..contract.report import Finding
from ..notebook.rewrite import apply_edits, binds_any, free_name, outermost_edits, print_edits
from .view import FixEnv, literal, ordered, tree_of

_SETUP = """import logging

logging.basicConfig(format="%(asctime)s %(levelname)s %(message)s")
{log} = logging.getLogger({name})
{log}.setLevel(logging.INFO)"""


def print_logging(env: FixEnv, finding: Finding, hit: Hit) -> list[Fix]:
    return env.once("print-logging", lambda: _print_logging(env))


def _print_logging(env: FixEnv) -> list[Fix]:
    ctx = env.ctx
    if "print" in env.taken:
        return []
    log = _logger_name(env)
    edits: list[Edit] = []
    first = None
    for cell, _ in ctx.code:
        source = _logged(cell.source, log) if "print" in cell.source else None
        if source is None:
            continue
        if first is None:
            first = cell.index
        edits.append(ReplaceSource(cell_index=cell.index, cell_id=cell.cell_id, source=source))
    if first is None:
        return []
    stem = ctx.path.stem if ctx.path is not None else "notebook"
    name = re.sub(r"[^0-9A-Za-z_.-]+", "_", stem) or "notebook"
    edits.append(InsertCell(index=first, cell_type="code", source=_SETUP.format(log=log, name=literal(name)), tags=[]))
    return [
        Fix(
            "print-to-logging",
            "Log instead of print",
            False,
            ordered(edits),
            note=f"Every print becomes `{log}.info(...)` with the same text, after a cell that sets up the logger. "
            "The messages go to the log (stderr, with a time and a level) instead of stdout; a scheduler keeps the "
            "log of every run.",
        )
    ]


def _logger_name(env: FixEnv) -> str:
    """``log``, else ``logger``, ``logger_2`` …: the first name the notebook neither uses at module
    level nor binds anywhere (a function's ``log`` parameter would hide the logger in its body)."""
    taken = set(env.taken)
    sources = [cell.source for cell, _ in env.ctx.code]
    name = "log"
    # (only a cell that spells the name can bind it: the others are never parsed, a re-check of a
    # large notebook parsed every cell here)
    while name in taken or any(name in source and _binds(source, name) for source in sources):
        taken.add(name)
        name = free_name("logger", taken)
    return name


def _binds(source: str, name: str) -> bool:
    tree = tree_of(source)
    return tree is not None and binds_any(tree.tree, {name})


@functools.lru_cache(maxsize=4096)
def _logged(source: str, log: str) -> str | None:
    """The cell with its prints as log calls (on lines that are Python as written); None when it has
    none, or binds ``print`` or the logger's name itself."""
    tree = tree_of(source)
    if tree is None or binds_any(tree.tree, {"print", log}):
        return None
    spans = [s for s in print_edits(tree.tree, source, log) if all(i in tree.kept for i in range(s[0], s[2] + 1))]
    return apply_edits(source, outermost_edits(spans)) if spans else None
