"""Fixes for the wall clock (a run-date parameter the reads use instead) and unseeded randomness
(a ``seed`` parameter: the global generator seeded before its first draw, generators and
``random_state`` arguments given it)."""

from __future__ import annotations

import ast

from ..checks.context import Hit
from ..checks.determinism import SEED_CALL, global_draw_family, needs_random_state, unseeded_generator
from ..contract.fixes import Edit, Fix, ReplaceSource
from ..contract.report import Finding
from ..notebook.model import Cell
from ..notebook.rewrite import Span, apply_edits, outermost_edits, qualname, span
from ..notebook.scopes import scope_binds
from .view import FixEnv, Tree, aliases_at, calls_on, cell_of, literal, ordered, tree_of

_RUN_DATE_NAMES = ("run_date", "RUN_DATE", "run_datetime", "as_of", "AS_OF")
_SEED_NAMES = ("seed", "SEED", "random_seed", "RANDOM_SEED", "random_state", "RANDOM_STATE")
_NOW_WORDS = frozenset({"now", "today"})


# ------------------------------------------------------------------------------------ wall clock
def wall_clock(env: FixEnv, finding: Finding, hit: Hit) -> list[Fix]:
    cell = cell_of(env.ctx, finding)
    parameters = env.parameters
    if cell is None or finding.line is None or cell is parameters.cell or not parameters.usable_for(cell.index):
        return []
    tree = tree_of(cell.source)
    if tree is None:
        return []
    existing = parameters.named(_RUN_DATE_NAMES, str)
    edits: list[Edit] = []
    if existing is None:
        wanted = [("run_date", literal(env.options.now), "the run's date and time; was the clock")]
        names, edits = parameters.add(wanted, cell.index)
        run = names[0]
    else:
        run = existing
    aliases = aliases_at(env, cell)
    durations = _duration_fixes(env, cell, tree, finding.line, aliases)
    if durations:
        return durations  # a run date would make every duration 0
    if _times_a_duration(env, cell, tree, finding.line, aliases):
        return []  # a datetime that only times something: a run date would make it 0, and no clock reads a datetime
    spans: list[Span] = []
    for node in calls_on(tree, finding.line):
        name = qualname(node.func, aliases)
        fixable = name is not None and tree.editable(node) and not _in_while(tree, node)
        text = _clock_replacement(tree, node, name, run) if fixable else None
        if text is not None:
            spans.append(span(node, text))
    if not spans:
        return []
    source = apply_edits(cell.source, outermost_edits(spans))
    edits = [ReplaceSource(cell_index=cell.index, cell_id=cell.cell_id, source=source), *edits]
    value = parameters.values.get(run, literal(env.options.now))
    return [
        Fix(
            "parameterize-clock",
            "Read the run date from a parameter",
            False,
            ordered(edits),
            note=f"The clock read becomes the `{run}` parameter ({value}): the notebook computes for that date "
            "until it is changed or a scheduler passes another (papermill -p), so a rerun tomorrow no longer reads "
            "tomorrow's date.",
        )
    ]


# Clock reads whose differences are durations, and the clock meant for measuring them: it reads
# no date, so the notebook no longer depends on the day it runs, and a difference of two of its
# readings is the same duration.
_DURATION_CLOCKS = {"time.time": "perf_counter", "time.time_ns": "perf_counter_ns"}


def _duration_fixes(env: FixEnv, cell: Cell, tree: Tree, line: int, aliases: dict[str, str]) -> list[Fix]:
    """The fix for a clock read that only measures a duration (``start = time.time()`` …
    ``time.time() - start``), else none."""
    for node in calls_on(tree, line):
        name = qualname(node.func, aliases)
        if name in _DURATION_CLOCKS and _bare_attribute_call(node):
            timers = _timers_next_to(tree.tree, node)
            if not timers:
                continue
            (timer,) = timers
            function = next((f for f in reversed(_functions_around(tree.tree, node)) if _local_to(f, timer)), None)
            if function is None:
                key: tuple = ("duration", name, timer)
                found = env.once(key, lambda name=name, timer=timer: _measure_duration(env, name, timer))
            else:
                found = _measure_duration(env, name, timer, (cell, tree, function))
            if found:
                return found
    return []


def _bare_attribute_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args and not node.keywords


def _timers_next_to(module: ast.Module, call: ast.Call) -> set[str]:
    """The names the clock read is stored in (``start = time.time()``) or subtracted with
    (``time.time() - start``)."""
    for node in ast.walk(module):
        if isinstance(node, ast.Assign) and node.value is call:
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                return {node.targets[0].id}
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and call in (node.left, node.right):
            other = node.right if node.left is call else node.left
            if isinstance(other, ast.Name):
                return {other.id}
    return set()


# A timer is a variable of one scope: a function that binds the same name has a variable of its
# own (``t0`` returned by a helper is not the notebook's ``t0``).
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
Function = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


def _functions_around(module: ast.Module, target: ast.AST) -> list[Function]:
    """The functions (outermost first) whose bodies hold ``target``."""
    path: list[Function] = []

    def visit(node: ast.AST) -> bool:
        if node is target:
            return True
        inside = isinstance(node, _FUNCTIONS)
        if inside:
            path.append(node)  # type: ignore[arg-type]
        if any(visit(child) for child in ast.iter_child_nodes(node)):
            return True
        if inside:
            path.pop()
        return False

    visit(module)
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


def _times_a_duration(env: FixEnv, cell: Cell, tree: Tree, line: int, aliases: dict[str, str]) -> bool:
    """Whether a datetime clock read on the line only measures a duration (``start =
    datetime.now()`` … ``datetime.now() - start``)."""
    for node in calls_on(tree, line):
        name = qualname(node.func, aliases)
        if name in _DATETIME_CLOCKS and _bare_attribute_call(node):
            timers = _timers_next_to(tree.tree, node)
            if not timers:
                continue
            (timer,) = timers
            function = next((f for f in reversed(_functions_around(tree.tree, node)) if _local_to(f, timer)), None)
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
            for cell in env.ctx.notebook.code_cells():
                if name not in cell.source:
                    continue
                tree = tree_of(cell.source)
                if tree is None:
                    return None
                places.append((cell, tree, _scope_nodes(tree.tree.body, name)))  # type: ignore[arg-type]
        for cell, tree, nodes in places:
            trees[cell.index] = tree
            uses = _timer_uses(tree.tree, nodes, name, clock, aliases_at(env, cell))
            if uses is None:
                return None
            found, others, differences = uses
            calls.setdefault(cell.index, []).extend(found)
            timers |= others
            subtracted = subtracted or differences
    return (calls, trees, timers) if subtracted else None


def _timer_uses(
    module: ast.Module, nodes: list[ast.AST], name: str, clock: str, aliases: dict[str, str]
) -> tuple[list[ast.Call], set[str], bool] | None:
    """Among ``nodes`` (one scope's, in one cell): the clock reads ``name`` is stored from or
    subtracted with, the other names it is subtracted with, and whether it is subtracted at all;
    None when it is used any other way."""
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(module):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
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


def _in_while(tree: Tree, node: ast.Call) -> bool:
    """Whether the clock read is in a ``while`` loop: a loop that waits for the clock (``while
    time.time() < deadline``) would never end on a fixed date."""
    return any(
        isinstance(loop, ast.While) and loop.lineno <= node.lineno <= (loop.end_lineno or loop.lineno)
        for loop in ast.walk(tree.tree)
    )


def _clock_replacement(tree: Tree, node: ast.Call, name: str, run: str) -> str | None:
    """The expression that stands for this clock read in terms of ``run`` (an ISO date-time
    string), using the names the call itself uses; None when there is no exact equivalent."""
    func = node.func
    owner = tree.segment(func.value) if isinstance(func, ast.Attribute) else None
    bare = not node.args and not node.keywords
    if owner is not None:
        if name in ("datetime.datetime.now", "datetime.datetime.today") and bare:
            return f"{owner}.fromisoformat({run})"
        if name == "datetime.datetime.now" and len(node.args) + len(node.keywords) == 1:
            if node.keywords and node.keywords[0].arg != "tz":
                return None
            tz = node.args[0] if node.args else node.keywords[0].value
            return f"{owner}.fromisoformat({run}).astimezone({tree.segment(tz)})"
        if name == "datetime.date.today" and bare:
            return f"{owner}.fromisoformat({run}[:10])"
        if name == "time.time" and bare:
            return f'{owner}.mktime({owner}.strptime({run}, "%Y-%m-%dT%H:%M:%S"))'
        if name in ("pandas.Timestamp.now", "pandas.Timestamp.today") and bare:
            return f"{owner}({run})"
    if (
        name in ("pandas.Timestamp", "pandas.to_datetime", "numpy.datetime64")
        and len(node.args) == 1
        and not node.keywords
    ):
        arg = node.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.strip().lower() in _NOW_WORDS:
            today = name == "numpy.datetime64" and arg.value.strip().lower() == "today"
            return f"{tree.segment(func)}({run}[:10])" if today else f"{tree.segment(func)}({run})"
    return None


# -------------------------------------------------------------------------------- randomness
def unseeded_random(env: FixEnv, finding: Finding, hit: Hit) -> list[Fix]:
    cell = cell_of(env.ctx, finding)
    parameters = env.parameters
    if cell is None or finding.line is None or cell is parameters.cell or not parameters.usable_for(cell.index):
        return []
    tree = tree_of(cell.source)
    if tree is None:
        return []
    existing = parameters.named(_SEED_NAMES, int)
    seed, edits = _seed_parameter(env, existing, cell.index)
    aliases = aliases_at(env, cell)
    spans: list[Span] = []
    family = None
    for node in calls_on(tree, finding.line):
        if not tree.editable(node):
            continue
        name = qualname(node.func, aliases)
        if name is not None and unseeded_generator(name):
            if not node.args and not any(k.arg in ("seed", "x") for k in node.keywords):
                spans.append(_with_first_argument(tree, node, seed))
        elif name is not None and needs_random_state(name):
            if not any(k.arg == "random_state" for k in node.keywords):
                spans.append(_with_keyword(node, f"random_state={seed}"))
        elif name is not None and global_draw_family(name) is not None:
            family = global_draw_family(name)
        elif _value_sample(node, name):
            family = "numpy.random"
    if not spans:
        return env.once(("seed", family), lambda: _seed_family(env, family)) if family is not None else []
    source = apply_edits(cell.source, outermost_edits(spans))
    return [_seed_fix([ReplaceSource(cell_index=cell.index, cell_id=cell.cell_id, source=source), *edits], seed)]


def _seed_parameter(env: FixEnv, existing: str | None, before: int) -> tuple[str, list[Edit]]:
    if existing is not None:
        return existing, []
    names, edits = env.parameters.add([("seed", "42", "seeds every random draw")], before)
    return names[0], edits


def _seed_family(env: FixEnv, family: str) -> list[Fix]:
    """Seed ``family``'s global generator before its first unseeded draw (every finding of the
    family gets this same fix)."""
    for finding, _ in env.of_check("unseeded-random"):
        cell = cell_of(env.ctx, finding)
        if cell is None or finding.line is None:
            continue
        tree = tree_of(cell.source)
        if tree is None:
            continue
        aliases = aliases_at(env, cell)
        for node in calls_on(tree, finding.line):
            name = qualname(node.func, aliases)
            if name is not None and global_draw_family(name) == family:
                if isinstance(node.func, ast.Attribute):
                    return _seed_before(env, cell, tree, node, family, tree.segment(node.func.value))
                # a draw imported by name (from numpy.random import randn): seeded through the
                # numpy imported there, else the first draw that names its module gets the seed
                found = _seed_before(env, cell, tree, node, family, None) if family == "numpy.random" else []
                if found:
                    return found
            if family == "numpy.random" and _value_sample(node, name):
                return _seed_before(env, cell, tree, node, family, None)
    return []


def _value_sample(node: ast.Call, name: str | None) -> bool:
    """``df.sample(n)`` on a value of unknown type, as the check sees it: a pandas object's draws
    from numpy's global generator. The fix seeds that generator rather than pass ``random_state``,
    which other libraries' ``.sample`` reject (TensorFlow Probability, PyMC)."""
    return name is None and isinstance(node.func, ast.Attribute) and node.func.attr == "sample"


def _seed_before(env: FixEnv, cell: Cell, tree: Tree, node: ast.Call, family: str, module: str | None) -> list[Fix]:
    """The fix seeding ``family`` above the statement of ``node``, through ``module`` (the text naming
    the family's module; None: numpy.random as imported where the statement runs)."""
    statement = next((s for s in tree.tree.body if s.lineno <= node.lineno <= (s.end_lineno or s.lineno)), None)
    if statement is not None and module is None:
        module = _numpy_random(env, cell, tree, statement)
    parameters = env.parameters
    if (
        statement is None
        or module is None
        or not tree.editable(statement)
        or not _bound_before(env, cell, tree, statement, module.split(".")[0])
        or cell is parameters.cell
        or not parameters.usable_for(cell.index)
    ):
        return []
    seed, edits = _seed_parameter(env, parameters.named(_SEED_NAMES, int), cell.index)
    line = f"{module}.{SEED_CALL[family]}({seed})\n"
    start = _first_line(statement)
    source = apply_edits(cell.source, [(start, 0, start, 0, line)])
    return [_seed_fix([ReplaceSource(cell_index=cell.index, cell_id=cell.cell_id, source=source), *edits], seed)]


def _first_line(statement: ast.stmt) -> int:
    """Where the statement's text starts: a decorated definition starts at its first decorator (a
    line put between a decorator and its ``def`` would not parse)."""
    decorators = getattr(statement, "decorator_list", None) or ()
    return min([statement.lineno, *(d.lineno for d in decorators)])


def _numpy_random(env: FixEnv, cell: Cell, tree: Tree, statement: ast.stmt) -> str | None:
    """An expression for the ``numpy.random`` module imported when ``statement`` runs, or None."""
    scope = env.scopes.get(cell.index)
    bound = dict(scope.aliases) if scope is not None else {}
    for stmt in tree.tree.body:
        if stmt is statement:
            break
        if isinstance(stmt, ast.Import):
            bound.update((a.asname, a.name) if a.asname else (a.name.split(".")[0],) * 2 for a in stmt.names)
        elif isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and stmt.module:
            bound.update((a.asname or a.name, f"{stmt.module}.{a.name}") for a in stmt.names)
    names = sorted(bound)
    found = next((n for n in names if bound[n] == "numpy.random"), None)
    return found or next((f"{n}.random" for n in names if bound[n] == "numpy"), None)


def _bound_before(env: FixEnv, cell: Cell, tree: Tree, statement: ast.stmt, head: str) -> bool:
    """Whether ``head`` is a module-level import in force when ``statement`` runs."""
    for stmt in tree.tree.body:
        if stmt is statement:
            break
        if isinstance(stmt, (ast.Import, ast.ImportFrom)) and any(
            (a.asname or a.name.split(".")[0]) == head for a in stmt.names
        ):
            return True
    for scope in env.ctx.scopes:
        if scope.cell.index == cell.index:
            return head in scope.aliases
    return False


def _seed_fix(edits: list[Edit], seed: str) -> Fix:
    return Fix(
        "seed-random",
        "Seed the random draws",
        True,
        ordered(edits),
        note=f"Seeds them with the `{seed}` parameter: every run draws the same numbers (they change once, "
        "from one random sample to another).",
    )


def _with_first_argument(tree: Tree, node: ast.Call, value: str) -> Span:
    keywords = ", ".join(tree.segment(k) for k in node.keywords)
    return span(node, f"{tree.segment(node.func)}({value}{', ' + keywords if keywords else ''})")


def _with_keyword(node: ast.Call, keyword: str) -> Span:
    last = max([*node.args, *node.keywords], key=lambda n: (n.end_lineno, n.end_col_offset), default=None)
    if last is None:  # f(): before the closing parenthesis
        return (node.end_lineno, node.end_col_offset - 1, node.end_lineno, node.end_col_offset - 1, keyword)  # type: ignore[return-value]
    return (last.end_lineno, last.end_col_offset, last.end_lineno, last.end_col_offset, ", " + keyword)  # type: ignore[return-value]
