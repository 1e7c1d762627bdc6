"""Clock reads that must keep reading the clock: a value compared with another clock read (a
deadline, ``end = time.time() + 5`` … ``while time.time() < end``; an elapsed time tested against
a limit), where a run date would fix the comparison's outcome for good — the loop never runs, or
never ends; and a value that a cell which does not parse may read, where that cannot be ruled out.

Values are followed by name, through assignments and the functions that return them, in the
cells' order: a name bound in a cell carries its clock reads into that cell and every later one.
A name that also holds something else still counts: withholding an unsafe fix costs less than
a loop that silently does nothing."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from ..notebook.clocks import MAY_READ_CLOCK, reads_clock
from ..notebook.facts import CellFacts
from ..notebook.model import Cell
from ..notebook.rewrite import qualname, resolved
from .view import FixEnv, aliases_at, tree_of

Read = tuple[int, int, int]  # cell index, line, column of a clock read


@dataclass
class _Flow:
    compared: set[Read] = field(default_factory=set)  # reads whose values meet another read's in a comparison
    carriers: dict[Read, set[str]] = field(default_factory=dict)  # the names each read's value reaches
    unparsed: list[tuple[int, str]] = field(default_factory=list)  # code cells that do not parse


def keeps_the_clock(env: FixEnv, cell: Cell, node: ast.Call) -> bool:
    """Whether the clock read ``node`` of ``cell`` must not become the run date."""
    flow: _Flow = env.once("clock-flow", lambda: _flow(env))
    read = (cell.index, node.lineno, node.col_offset)
    if read in flow.compared:
        return True
    names = flow.carriers.get(read, set())
    return any(
        index > cell.index and any(re.search(rf"\b{re.escape(name)}\b", source) for name in names)
        for index, source in flow.unparsed
    )


def _flow(env: FixEnv) -> _Flow:
    flow = _Flow()
    origins: dict[str, set[Read]] = {}  # name → the clock reads its value may come from
    carrying: set[int] = set()  # the cells that may name a value that came from the clock
    followed: set[str] = set()
    for cell, facts in env.ctx.code:
        aliases = aliases_at(env, cell)
        if origins.keys() - followed:
            carrying |= env.naming(origins.keys() - followed)
            followed |= origins.keys()
        if facts.syntax_error is None and cell.index not in carrying and not _reads_a_clock(facts, aliases):
            continue  # no clock read, no value that came from one: nothing to follow, no tree needed
        tree = tree_of(cell.source)
        if tree is None:
            flow.unparsed.append((cell.index, cell.source))
            continue
        bindings = _bindings(tree.tree)
        changed = True
        while changed:  # bindings come in any order, and a loop carries a value back up the cell
            changed = False
            for names, value in bindings:
                reads = _reads_in(value, cell.index, aliases, origins)
                for name in names:
                    if not reads <= origins.get(name, set()):
                        origins.setdefault(name, set()).update(reads)
                        changed = True
        for node in ast.walk(tree.tree):
            if isinstance(node, ast.Compare):
                operands = [node.left, *node.comparators]
                reads = set().union(*(_reads_in(o, cell.index, aliases, origins) for o in operands))
                if len(reads) > 1:
                    flow.compared |= reads
    for name, reads in origins.items():
        for read in reads:
            flow.carriers.setdefault(read, set()).add(name)
    return flow


def _reads_a_clock(facts: CellFacts, aliases: dict[str, str]) -> bool:
    """Whether a call of the cell may read the clock (its facts list every call: one whose name
    resolves, as ``_reads_clock`` resolves it, to a clock's)."""
    for call in facts.calls:
        head = call.parts[0]
        if head in aliases and resolved(aliases[head], call.parts[1:]) in MAY_READ_CLOCK:  # type: ignore[arg-type]
            return True
    return False


def _reads_in(expression: ast.AST, index: int, aliases: dict[str, str], origins: dict[str, set[Read]]) -> set[Read]:
    """The clock reads the value of ``expression`` (in cell ``index``) may come from."""
    found: set[Read] = set()
    for node in ast.walk(expression):
        if isinstance(node, ast.Call) and _reads_clock(node, aliases):
            found.add((index, node.lineno, node.col_offset))
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            found |= origins.get(node.id, set())
    return found


def _bindings(module: ast.Module) -> list[tuple[list[str], ast.AST]]:
    """(names bound, the value they get) for each assignment, and for each function (its name,
    what it returns)."""
    found: list[tuple[list[str], ast.AST]] = []
    for node in ast.walk(module):
        if isinstance(node, ast.Assign):
            found.append(([n.id for t in node.targets for n in ast.walk(t) if _stored(n)], node.value))
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
            found.append(([n.id for n in ast.walk(node.target) if _stored(n)], node.value))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            returns = [r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value is not None]
            found.extend(([node.name], value) for value in returns)
    return found


def _stored(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)


def _reads_clock(node: ast.Call, aliases: dict[str, str]) -> bool:
    name = qualname(node.func, aliases)
    args = [a.value if isinstance(a, ast.Constant) else a for a in node.args]
    return name is not None and name in MAY_READ_CLOCK and reads_clock(name, args, bool(node.keywords))
