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
from .deadlines import keeps_the_clock
from .durations import duration_fixes, times_a_duration
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
    durations = duration_fixes(env, cell, tree, finding.line, aliases)
    if durations:
        return durations  # a run date would make every duration 0
    if times_a_duration(env, cell, tree, finding.line, aliases):
        return []  # a datetime that only times something: a run date would make it 0, and no clock reads a datetime
    spans: list[Span] = []
    for node in calls_on(tree, finding.line):
        name = qualname(node.func, aliases)
        fixable = (
            name is not None
            and tree.editable(node)
            and not _in_while(tree, node)
            and not keeps_the_clock(env, cell, node)
        )
        text = _clock_replacement(tree, node, name, run) if fixable else None
        if text is not None:
            spans.append(span(node, text))
    if not spans:
        return []
    source = apply_edits(cell.source, outermost_edits(spans))
    edits = [ReplaceSource(cell_index=cell.index, cell_id=cell.cell_id, source=source), *edits]
    # the parameters cell's text of a value this fix did not write may be quoted otherwise
    value = literal(ast.literal_eval(parameters.values[run])) if run in parameters.values else literal(env.options.now)
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
