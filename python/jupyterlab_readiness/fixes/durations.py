"""Clock reads that only measure a duration (``start = time.time()`` … ``time.time() - start``):
a run date would make the duration 0, so they are read from ``time.perf_counter()`` instead (a
safe fix), or, read as a datetime, get no run date at all. A timer is the variable of one scope."""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator

from ..contract.fixes import Edit, Fix, ReplaceSource
from ..notebook.model import Cell
from ..notebook.rewrite import apply_edits, outermost_edits, qualname, span
from ..notebook.scopes import scope_binds
from .view import FixEnv, Tree, aliases_at, calls_on, tree_of

# Clock reads whose differences are durations, and the clock meant for measuring them: it reads
# no date, so the notebook no longer depends on the day it runs, and a difference of two of its
# readings is the same duration.
_DURATION_CLOCKS = {"time.time": "perf_counter", "time.time_ns": "perf_counter_ns"}


def duration_fixes(env: FixEnv, cell: Cell, tree: Tree, line: int, aliases: dict[str, str]) -> list[Fix]:
    """The fix for a clock read that only measures a duration (``start = time.time()`` …
    ``time.time() - start``), else none."""
    for name, timer, function in _timed_reads(tree, line, aliases, _DURATION_CLOCKS):
        if function is None:
            key: tuple = ("duration", name, timer)
            found = env.once(key, lambda name=name, timer=timer: _measure_duration(env, name, timer))
        else:
            found = _measure_duration(env, name, timer, (cell, tree, function))
        if found:
            return found
    return []


def _timed_reads(
    tree: Tree, line: int, aliases: dict[str, str], clocks: Collection[str]
) -> Iterator[tuple[str, str, Function | None]]:
    """(clock, timer, the innermost function the timer is a local of, or None) for each bare read
    of one of ``clocks`` on the line that is assigned to a single timer."""
    for node in calls_on(tree, line):
        name = qualname(node.func, aliases)
        if name in clocks and _bare_attribute_call(node):
            timers = _timers_next_to(tree, node)
            if not timers:
                continue
            (timer,) = timers
            function = next((f for f in _functions_around(tree, node) if _local_to(f, timer)), None)
            yield name, timer, function


def _bare_attribute_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args and not node.keywords


def _timers_next_to(tree: Tree, call: ast.Call) -> set[str]:
    """The names the clock read is stored in (``start = time.time()``) or subtracted with
    (``time.time() - start``)."""
    node = tree.parents().get(id(call))
    if isinstance(node, ast.Assign) and node.value is call:
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            return {node.targets[0].id}
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):  # (the call is one of its operands)
        other = node.right if node.left is call else node.left
        if isinstance(other, ast.Name):
            return {other.id}
    return set()


# A timer is a variable of one scope: a function that binds the same name has a variable of its
# own (``t0`` returned by a helper is not the notebook's ``t0``).
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
Function = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


def _functions_around(tree: Tree, target: ast.AST) -> list[Function]:
    """The functions (innermost first) whose bodies hold ``target``."""
    parents = tree.parents()
    path: list[Function] = []
    node = parents.get(id(target))
    while node is not None:
        if isinstance(node, _FUNCTIONS):
            path.append(node)  # type: ignore[arg-type]
        node = parents.get(id(node))
    return path


def _parameters(function: Function) -> set[str]:
    args = function.args
    return {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg] if a is not None}


def _local_to(function: Function, name: str) -> bool:
    """Whether ``name`` is a variable of the function itself (a parameter, or bound in its body
    and not declared global or nonlocal there)."""
    if name in _parameters(function):
        return True
    if isinstance(function, ast.Lambda):
        return False
    own = _scope_nodes(function.body, name)
    if any(isinstance(n, (ast.Global, ast.Nonlocal)) and name in n.names for n in own):
        return False
    return any(name in scope_binds(stmt) for stmt in function.body)


def _scope_nodes(roots: list[ast.AST], name: str) -> list[ast.AST]:
    """The nodes under ``roots`` where ``name`` is the variable of the roots' scope: the bodies of
    nested functions that have a ``name`` of their own are left out (their decorators and
    defaults run in this scope and stay)."""
    found: list[ast.AST] = []
    stack = list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, _FUNCTIONS) and _local_to(node, name):  # type: ignore[arg-type]
            stack.extend(d for d in node.args.defaults + node.args.kw_defaults if d is not None)
            stack.extend(getattr(node, "decorator_list", []))
            continue
        found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _measure_duration(
    env: FixEnv, clock: str, timer: str, function: tuple[Cell, Tree, Function] | None = None
) -> list[Fix]:
    """Every read of the clock that stores into or is subtracted with the timer (and the timers it
    is subtracted with) read from ``time.perf_counter()`` instead; none when the timer is not only
    a duration's end (``_duration_reads``)."""
    reads = _duration_reads(env, clock, timer, function)
    if reads is None:
        return []
    calls, trees, timers = reads
    edits: list[Edit] = []
    for index, found in sorted(calls.items()):
        tree, cell = trees[index], env.ctx.notebook.cells[index]
        unique = list({id(node): node for node in found}.values())
        if not all(tree.editable(node) for node in unique):
            return []
        spans = [span(node, f"{tree.segment(node.func.value)}.{_DURATION_CLOCKS[clock]}()") for node in unique]
        source = apply_edits(cell.source, outermost_edits(spans))
        edits.append(ReplaceSource(cell_index=index, cell_id=cell.cell_id, source=source))
    return [
        Fix(
            "measure-duration",
            f"Measure the duration with time.{_DURATION_CLOCKS[clock]}()",
            True,
            edits,
            note=f"`{', '.join(sorted(timers))}` only measure{'s' if len(timers) == 1 else ''} how long something "
            f"takes: `time.{_DURATION_CLOCKS[clock]}()` is the clock for that and reads no date, so the result no "
            "longer depends on the day the notebook runs. The durations themselves still differ from run to run.",
        )
    ]


# Clocks read as a datetime: their differences are timedeltas, which no clock without a date gives.
_DATETIME_CLOCKS = frozenset({"datetime.datetime.now", "datetime.datetime.today", "pandas.Timestamp.now"})


def times_a_duration(env: FixEnv, cell: Cell, tree: Tree, line: int, aliases: dict[str, str]) -> bool:
    """Whether a datetime clock read on the line only measures a duration (``start =
    datetime.now()`` … ``datetime.now() - start``)."""
    for name, timer, function in _timed_reads(tree, line, aliases, _DATETIME_CLOCKS):
        if _duration_reads(env, name, timer, None if function is None else (cell, tree, function)) is not None:
            return True
    return False


def _duration_reads(
    env: FixEnv, clock: str, timer: str, function: tuple[Cell, Tree, Function] | None
) -> tuple[dict[int, list[ast.Call]], dict[int, Tree], set[str]] | None:
    """The reads of the clock that the timer and the timers it is subtracted with come from (by
    cell), those cells' trees, and the timers: in every cell for the notebook's variables, in its
    function for a function's. None when no timer is subtracted (its value is the date), one is
    used any other way (printed, saved, passed on: there it is the date) or is a function's
    parameter (its value comes from the caller), or a cell cannot be read."""
    timers = {timer}
    subtracted = False
    calls: dict[int, list[ast.Call]] = {}
    trees: dict[int, Tree] = {}
    checked: set[str] = set()
    while timers - checked:
        name = (timers - checked).pop()
        checked.add(name)
        if function is not None:
            cell, tree, scope = function
            if name in _parameters(scope) or not _local_to(scope, name):
                return None
            places = [(cell, tree, _scope_nodes(scope.body, name))]  # type: ignore[arg-type]
        else:
            places = []
            for index in sorted(env.naming((name,))):  # the code cells that may use it, in order
                cell = env.ctx.notebook.cells[index]
                tree = tree_of(cell.source)
                if tree is None:
                    return None
                places.append((cell, tree, _scope_nodes(tree.tree.body, name)))  # type: ignore[arg-type]
        for cell, tree, nodes in places:
            trees[cell.index] = tree
            uses = _timer_uses(tree, nodes, name, clock, aliases_at(env, cell))
            if uses is None:
                return None
            found, others, differences = uses
            if found:  # (a cell that only names the timer in a string or a comment is not edited)
                calls.setdefault(cell.index, []).extend(found)
            timers |= others
            subtracted = subtracted or differences
    return (calls, trees, timers) if subtracted else None


def _timer_uses(
    tree: Tree, nodes: list[ast.AST], name: str, clock: str, aliases: dict[str, str]
) -> tuple[list[ast.Call], set[str], bool] | None:
    """Among ``nodes`` (one scope's, in one cell): the clock reads ``name`` is stored from or
    subtracted with, the other names it is subtracted with, and whether it is subtracted at all;
    None when it is used any other way."""
    parents = tree.parents()
    calls: list[ast.Call] = []
    others: set[str] = set()
    subtracted = False

    def is_clock(node: ast.AST) -> bool:
        return _bare_attribute_call(node) and qualname(node.func, aliases) == clock  # type: ignore[attr-defined]

    for node in nodes:
        if not isinstance(node, ast.Name) or node.id != name:
            continue
        parent = parents.get(id(node))
        if isinstance(node.ctx, ast.Store):
            if not (isinstance(parent, ast.Assign) and parent.targets == [node] and is_clock(parent.value)):
                return None
            calls.append(parent.value)  # type: ignore[arg-type]
        elif isinstance(node.ctx, ast.Load) and isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Sub):
            other = parent.right if parent.left is node else parent.left
            subtracted = True
            if is_clock(other):
                calls.append(other)  # type: ignore[arg-type]
            elif isinstance(other, ast.Name) and isinstance(other.ctx, ast.Load):
                others.add(other.id)
            else:
                return None
        else:
            return None
    return calls, others, subtracted
