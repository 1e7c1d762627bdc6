"""Definite assignment through a block of statements, for many names in one pass.

``flow(stmts, names)`` runs through ``stmts`` as a function body would and answers, for each of
``names``: may it be read before the code binds it (then it must come in from outside: a
parameter), and is it certainly bound at the end. Conservative where it cannot know: reads inside
nested functions count where the function is defined (as if it were called there); a branch binds
a name only if every branch does; a ``while`` body may not run. With ``loops_run``, a ``for``
loop is taken to run at least once, so its target and what its body binds count as bound after it.

One walk over each statement serves every name (the extraction asks about every local of a
selection: per name, that was quadratic in the size of the selection).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import Any

from .run_memo import per_run
from .scopes import alias_bound, child_nodes, plain_loads, scope_binds, walk

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


class _Flow:
    def __init__(self, names: frozenset[str], loops_run: bool) -> None:
        self.names = names
        self.loops_run = loops_run
        self.read_first: set[str] = set()

    def block(self, stmts: list[ast.stmt], bound: frozenset[str]) -> frozenset[str]:
        # What assignments and expressions bind goes into ``fresh`` in place, made part of a new
        # frozen ``bound`` only before a statement with a step of its own (or at the end): a new
        # frozenset per statement cost the names bound so far, quadratic in a long section.
        fresh: set[str] = set()
        for stmt in stmts:
            kind = type(stmt)
            if kind is ast.Assign:
                walrus = self.reads(stmt.value, bound, fresh)
                targets = stmt.targets
                for target in targets:
                    if type(target) is not ast.Name:
                        self.reads(target, bound, fresh)  # ``x[0] = …`` and ``x.a = …`` read x
                for target in targets:
                    if type(target) is ast.Name:  # the usual target stores its name (no frozenset made)
                        fresh.add(target.id)
                    else:
                        fresh |= _stored(target)
                if walrus:
                    fresh |= walrus
                continue
            step = _STEPS.get(kind)
            if step is None:  # Expr, Return, Raise, Assert …: only reads, and walrus targets
                fresh |= self.reads(stmt, bound, fresh)
                continue
            if fresh:
                bound, fresh = bound | fresh, set()
            bound = step(self, stmt, bound)
        return bound | fresh if fresh else bound

    def reads(  # noqa: C901 - hot, kept flat
        self, node: ast.AST | None, bound: frozenset[str], fresh: set[str] | frozenset[str] = frozenset()
    ) -> frozenset[str]:
        """Record the watched names ``node`` reads while they are not bound. A comprehension's own
        variables, and a lambda's parameters, are other variables inside them. Returns the walrus
        targets in ``node`` (``_walrus_targets``), found by the same walk. (A watched name is one of
        ``names`` neither bound, in ``bound`` or ``fresh``, nor read first: tested name by name, as
        the set of them would cost the number of names for each statement, quadratic in a long
        section.)"""
        if node is None:
            return frozenset()
        names, read_first = self.names, self.read_first
        if len(names) <= len(read_first):  # every name read first already (read_first is a subset)
            return _walrus_targets(node)
        loads = plain_loads(node)
        if loads is not None:  # nothing shadowed, no walrus: what it reads, found once for every phase
            read_first.update((loads & names).difference(bound, fresh))
            return frozenset()
        walrus: list[str] = []
        stack: list[tuple[ast.AST, frozenset[str]]] = [(node, frozenset())]
        push = stack.append
        while stack:
            n, shadowed = stack.pop()
            kind = type(n)
            # the usual expressions by type, in a flat loop (a context or an operator reads nothing)
            if kind is ast.Name:
                name = n.id
                if (
                    name in names
                    and name not in bound
                    and name not in fresh
                    and name not in shadowed
                    and type(n.ctx) is not ast.Store
                ):
                    read_first.add(name)
                continue
            if kind is ast.Constant:
                continue
            if kind is ast.Attribute:
                push((n.value, shadowed))
                continue
            if kind is ast.Call:
                push((n.func, shadowed))
                stack.extend([(a, shadowed) for a in n.args])
                stack.extend([(k.value, shadowed) for k in n.keywords])
                continue
            if kind is ast.BinOp:
                push((n.left, shadowed))
                push((n.right, shadowed))
                continue
            if kind is ast.IfExp:
                push((n.test, shadowed))
                push((n.body, shadowed))
                push((n.orelse, shadowed))
                continue
            if kind is ast.Compare:
                push((n.left, shadowed))
                stack.extend([(c, shadowed) for c in n.comparators])
                continue
            if kind is ast.Subscript:
                push((n.value, shadowed))
                push((n.slice, shadowed))
                continue
            if kind is ast.NamedExpr:
                walrus.append(n.target.id)
            elif kind in _COMPREHENSIONS:
                own = {t.id for g in n.generators for t in walk(g.target) if isinstance(t, ast.Name)}
                own = {x for x in own if x in names and x not in bound and x not in fresh and x not in read_first}
                if own:
                    # the comprehension's own variables: only its first iterable is outside
                    stack.append((n.generators[0].iter, shadowed))
                    stack.extend((child, shadowed | own) for child in child_nodes(n))
                    continue
            elif kind is ast.Lambda:
                params = {a.arg for a in walk(n.args) if isinstance(a, ast.arg)}
                params = {x for x in params if x in names and x not in bound and x not in fresh and x not in read_first}
                if params:
                    stack.extend((child, shadowed | params) for child in child_nodes(n))
                    continue
            stack.extend((child, shadowed) for child in child_nodes(n))
        return frozenset(walrus)


def flow(stmts: list[ast.stmt], names: Iterable[str], *, loops_run: bool = False) -> tuple[set[str], frozenset[str]]:
    """(the names that may be read before ``stmts`` bind them, the names certainly bound at the end)."""
    state = _Flow(frozenset(names), loops_run)
    bound = state.block(stmts, frozenset())
    return state.read_first, bound & state.names


def _stored(node: ast.AST) -> frozenset[str]:
    if isinstance(node, ast.Name):  # the usual target: nothing below it to walk
        return frozenset((node.id,)) if isinstance(node.ctx, ast.Store) else frozenset()
    return frozenset(n.id for n in walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))


@per_run(outside=1024)
def _walrus_targets(node: ast.AST | None) -> frozenset[str]:
    """Cached by the node itself: trees are shared (``parse.python_tree``) and an export asks about
    every statement once per section."""
    if node is None:
        return frozenset()
    return frozenset(n.target.id for n in walk(node) if isinstance(n, ast.NamedExpr))


def _aug_assign(f: _Flow, stmt: ast.AugAssign, bound: frozenset[str]) -> frozenset[str]:
    f.reads(stmt.value, bound)
    target = stmt.target
    if isinstance(target, ast.Name) and target.id in f.names and target.id not in bound:
        f.read_first.add(target.id)  # ``x += 1`` reads x first
    f.reads(target, bound)
    return bound


def _ann_assign(f: _Flow, stmt: ast.AnnAssign, bound: frozenset[str]) -> frozenset[str]:
    f.reads(stmt.value, bound)
    return bound | _stored(stmt.target) if stmt.value is not None else bound


def _import(f: _Flow, stmt: ast.Import | ast.ImportFrom, bound: frozenset[str]) -> frozenset[str]:
    return bound | {alias_bound(stmt, a) for a in stmt.names}


def _def(f: _Flow, stmt: ast.FunctionDef | ast.AsyncFunctionDef, bound: frozenset[str]) -> frozenset[str]:
    args = stmt.args
    for node in (*stmt.decorator_list, *args.defaults, *args.kw_defaults):
        f.reads(node, bound)
    own = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a is not None}
    # conservatively, the body's reads count as if the function were called where it is defined;
    # the function's own parameters and locals (what its body binds, unless declared global or
    # nonlocal) are other variables
    declared = {name for node in stmt.body for name in _declared(node)}
    own |= {name for node in stmt.body for name in scope_binds(node)} - declared
    for node in stmt.body:
        f.reads(node, bound | own)
    return bound | {stmt.name}


def _declared(stmt: ast.stmt) -> set[str]:
    """The names a statement of a function body declares ``global`` or ``nonlocal`` (not inside
    the functions and classes it defines)."""
    names: set[str] = set()
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(child_nodes(node))
    return names


def _class(f: _Flow, stmt: ast.ClassDef, bound: frozenset[str]) -> frozenset[str]:
    f.reads(stmt, bound)  # decorators, bases, and (conservatively) the body
    return bound | {stmt.name}


def _for(f: _Flow, stmt: ast.For | ast.AsyncFor, bound: frozenset[str]) -> frozenset[str]:
    f.reads(stmt.iter, bound)
    target = _stored(stmt.target)
    after = f.block(stmt.body, bound | target)
    f.block(stmt.orelse, bound)
    return bound | target | after if f.loops_run else bound


def _while(f: _Flow, stmt: ast.While, bound: frozenset[str]) -> frozenset[str]:
    after_test = bound | f.reads(stmt.test, bound)
    f.block(stmt.body, after_test)
    f.block(stmt.orelse, after_test)
    return after_test


def _if(f: _Flow, stmt: ast.If, bound: frozenset[str]) -> frozenset[str]:
    after_test = bound | f.reads(stmt.test, bound)
    return f.block(stmt.body, after_test) & f.block(stmt.orelse, after_test)


def _with(f: _Flow, stmt: ast.With | ast.AsyncWith, bound: frozenset[str]) -> frozenset[str]:
    for item in stmt.items:
        bound = bound | f.reads(item.context_expr, bound)
        if item.optional_vars is not None:
            bound = bound | _stored(item.optional_vars)
    return f.block(stmt.body, bound)


def _try(f: _Flow, stmt: ast.Try, bound: frozenset[str]) -> frozenset[str]:
    after_body = f.block(stmt.body, bound)
    handlers = [f.block(h.body, bound | ({h.name} if h.name else set())) for h in stmt.handlers]
    for h in stmt.handlers:
        f.reads(h.type, bound)
    after_else = f.block(stmt.orelse, after_body)
    return f.block(stmt.finalbody, bound) | after_else.intersection(*handlers)


def _match(f: _Flow, stmt: ast.Match, bound: frozenset[str]) -> frozenset[str]:
    f.reads(stmt.subject, bound)
    for case in stmt.cases:
        captured = {n.name for n in walk(case.pattern) if isinstance(n, (ast.MatchAs, ast.MatchStar)) and n.name}
        in_case = bound | captured
        f.reads(case.guard, in_case)
        f.block(case.body, in_case)
    return bound


def _delete(f: _Flow, stmt: ast.Delete, bound: frozenset[str]) -> frozenset[str]:
    for target in stmt.targets:
        f.reads(target, bound)
    return bound - {t.id for t in stmt.targets if isinstance(t, ast.Name)}


_STEPS: dict[type, Callable[[_Flow, Any, frozenset[str]], frozenset[str]]] = {
    ast.AugAssign: _aug_assign,
    ast.AnnAssign: _ann_assign,
    ast.Import: _import,
    ast.ImportFrom: _import,
    ast.FunctionDef: _def,
    ast.AsyncFunctionDef: _def,
    ast.ClassDef: _class,
    ast.For: _for,
    ast.AsyncFor: _for,
    ast.While: _while,
    ast.If: _if,
    ast.With: _with,
    ast.AsyncWith: _with,
    ast.Try: _try,
    getattr(ast, "TryStar", ast.Try): _try,
    ast.Match: _match,
    ast.Delete: _delete,
}
