"""The hot paths of parsing and facts take shortcuts that must give exactly what the plain way
gives: the facts' expression loop handles the common node types by hand instead of through
``ast.iter_child_nodes``, and the tree walks replace ``ast.walk``. The plain way is written out
here as the reference."""

from __future__ import annotations

import ast

import pytest

from helpers.notebooks import CORPUS
from jupyterlab_readiness.notebook import magics
from jupyterlab_readiness.notebook.facts import cell_facts, clear_cache
from jupyterlab_readiness.notebook.model import NotebookError, read_notebook
from jupyterlab_readiness.notebook.names import ALWAYS_DEFINED
from jupyterlab_readiness.notebook.parse import cell_tree
from jupyterlab_readiness.notebook.run_memo import one_run
from jupyterlab_readiness.notebook.scopes import (
    assigned_names,
    child_nodes,
    known_loads,
    plain_loads,
    read_names,
    source_reads,
    walk,
)

# Expressions whose nodes the loop handles itself (conditional expressions, slices, starred
# arguments) mixed with those it always did, nested in each other and in the generic ones; no
# comprehension or lambda, whose scopes the reference below does not model.
EXPRESSIONS = [
    "out = left if test else right",
    "out = first(a) if second(b, *c) else third(d)[e:f:g]",
    "out = rows[start:] + rows[:stop] + rows[::step] + rows[lo:hi] + grid[i, j:k]",
    "out = call(*args, *more, key=value if flag else other, **kw)",
    "out = [*head, *tail] + {*(y if z else w)}",
    'out = {"k": v if u else t, **extra}[key] if check("s") else "fallback"',
    "out = (p if q else r)(s) if not (m if n else o) else -(a[b:c] if d else e)",
    "out = f'{a if b else c:>{width if wide else narrow}}' + g(h[i:j])",
    "out = await_me if done else (yielded[0:1] if cond[2:] else starred(*seq[::2]))",
    "out = matrix[1:-1, ::2][mask if use_mask else slice(None)]",
]


def _reference_reads(expression: ast.expr) -> list[str]:
    """Free names an expression reads, in the order of the generic path: depth first, children
    in ``ast.iter_child_nodes`` order."""
    names: list[str] = []
    stack = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            names.append(node.id)
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return names


def _reference_calls_and_strings(expression: ast.expr) -> tuple[list[int], list[str]]:
    calls: list[int] = []
    strings: list[str] = []
    stack = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Call):
            calls.append(node.col_offset)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.append(node.value)
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return calls, strings


@pytest.mark.parametrize("source", EXPRESSIONS)
def test_the_expression_loop_reads_in_the_generic_order(source):
    clear_cache()
    value = ast.parse(source).body[0].value
    facts = cell_facts(source)
    assert [name for _, name in facts.free_reads] == [n for n in _reference_reads(value) if n not in ALWAYS_DEFINED]
    calls, strings = _reference_calls_and_strings(value)
    assert len(facts.calls) == len(calls)
    assert [s for _, s in facts.strings] == strings


def test_the_walks_visit_what_ast_walk_visits_in_its_order():
    source = "\n".join(
        [*EXPRESSIONS, "class C(B, metaclass=M):", "    def f(self, *a, k=1, **kw):", "        return [i for i in a]"]
    )
    tree = ast.parse(source)
    assert walk(tree) == list(ast.walk(tree))
    for node in ast.walk(tree):
        assert child_nodes(node) == list(ast.iter_child_nodes(node))


@pytest.mark.parametrize(
    "source",
    [
        *EXPRESSIONS,
        "x += y\ndel z\nw: int = v\na, b = c\nd[e] = f.g\nh.i = j",
        "k = [m for m in n]\no = lambda p: p + q\nif (r := s):\n    t = u\nawait v\nimport w as ww, x.y",
        "def f(a, b=c):\n    return a + d\nclass E(F):\n    g = h\nfor i in j:\n    k = l\nraise M from N",
    ],
)
def test_the_cells_reads_are_read_names_of_the_cell(source):
    """``source_reads`` takes the plain statements' reads from the facts pass, and walks the others:
    the same names as ``read_names`` of the whole cell."""
    assert source_reads(source) == read_names(ast.parse(source))


def _answers(source: str) -> tuple[list[tuple[frozenset[str] | None, frozenset[str] | None]], int]:
    """For each expression statement and ``x = y = …`` of the cell: (what the run answers for it
    once the facts pass has told it, what ``plain_loads``' own walk answers), and how many answers
    the facts pass gave."""
    walked = plain_loads.__wrapped__  # the walk itself, not its memo
    with one_run():
        tree = cell_tree(source)
        if tree is None:
            return [], 0
        clear_cache()
        facts = cell_facts(source, tree)
        known_loads(tree, facts)
        pairs = []
        for stmt in tree.body:
            if type(stmt) is ast.Expr:
                pairs.append((plain_loads(stmt), walked(stmt)))
            elif type(stmt) is ast.Assign and assigned_names(stmt) is not None:
                pairs.append((plain_loads(stmt.value), walked(stmt.value)))
        given = sum(end >= 0 for end in facts.statement_loads[1]) if facts.statement_loads else 0
        return pairs, given


@pytest.mark.parametrize(
    "source",
    [
        *EXPRESSIONS,
        "a = b = c + d\ne, f = g\nh[i] = j\nk.l = m(n)\no\np(q, r=s)",
        "t = [u for u in v]\nw = lambda x: x + y\nz = (aa := bb)\nawait cc\ndd = ee\nff = {gg: hh for gg in ii}",
        "gg = hh if ii else jj\nif kk:\n    ll = mm\nnn = oo.pp(qq)[rr]\ndel ss\ntt = uu",
        "%matplotlib inline\nvv = !ls\nww = xx",
    ],
)
def test_the_facts_pass_answers_plain_loads_as_its_walk_does(source):
    # An export asks plain_loads about every statement; the facts pass, which walks each one
    # anyway, answers for the expression statements and plain assignments (export/plan.py).
    pairs, given = _answers(source)
    assert given > 0
    assert all(told == walked for told, walked in pairs), pairs


@pytest.mark.corpus
def test_on_every_corpus_cell_the_facts_pass_answers_as_the_walk_does():
    given = statements = 0
    for path, cell in _corpus_code_cells(python_only=True):
        pairs, told = _answers(cell.source)
        assert all(a == b for a, b in pairs), (path.name, cell.index)
        given += told
        statements += len(pairs)
    assert given > 0.9 * statements > 10_000, (given, statements)  # the answers are the facts pass's


IPYTHON_LINES = [
    "%matplotlib inline",
    "  !pip install pandas",
    "?print",
    "df.head?",
    "df.head??  ",
    "files = !ls",
    "a.b[0], c = %time f()",
    "x == %d",
    "x != 3",
    "print('100%')",
    "print('why?')",
    "s = '%s' % x",
    "if ok: !echo",
    "y = 3 # !not",
]


def _by_the_one_regex(source: str) -> bool:
    return magics._MAYBE_IPYTHON.search(source) is not None


@pytest.mark.parametrize("line", IPYTHON_LINES)
def test_needs_translation_answers_as_the_one_regex(line):
    for source in (line, f"x = 1\n{line}", f"{line}\nx = 1", f"x = 1\n{line}\n\ny = 2"):
        assert magics.needs_translation(source) == _by_the_one_regex(source), source


@pytest.mark.corpus
def test_on_every_corpus_cell_needs_translation_answers_as_the_one_regex():
    asked = found = 0
    for path, cell in _corpus_code_cells(python_only=False):
        asked += 1
        found += _by_the_one_regex(cell.source)
        assert magics.needs_translation(cell.source) == _by_the_one_regex(cell.source), (path.name, cell.index)
    assert asked > 5_000 and found > 100, (asked, found)


def _corpus_code_cells(python_only: bool):
    for path in sorted(CORPUS.rglob("*.ipynb")):
        try:
            model = read_notebook(path)
        except NotebookError:
            continue
        if model.is_python or not python_only:
            yield from ((path, cell) for cell in model.code_cells())
