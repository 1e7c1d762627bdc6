"""Scope analysis over syntax trees: which names a piece of code binds and reads, in what order,
and what its imports bind (used by the extraction and the export)."""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from typing import Any

from .facts import cell_facts
from .model import Notebook
from .parse import cell_tree

# An import as a value: ("import", dotted, asname) or ("from", "." * level + module, name, asname).
ImportKey = tuple
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def scope_binds(stmt: ast.stmt) -> set[str]:
    """Names a statement binds in the scope it runs in (not inside the functions it defines)."""
    names: set[str] = set()
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(alias_bound(node, a) for a in node.names if a.name != "*")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            if isinstance(node, ast.ClassDef):
                stack.extend(node.decorator_list + node.bases)
            else:
                stack.extend(node.decorator_list)
                stack.extend(d for d in node.args.defaults + node.args.kw_defaults if d is not None)
            continue
        elif isinstance(node, ast.Lambda):
            continue
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        if isinstance(node, COMPREHENSIONS):
            # only walrus targets inside a comprehension bind in the enclosing scope
            names.update(n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr))
            continue
        stack.extend(ast.iter_child_nodes(node))
    return names


def alias_bound(node: ast.Import | ast.ImportFrom, alias: ast.alias) -> str:
    if alias.asname:
        return alias.asname
    return alias.name.split(".")[0] if isinstance(node, ast.Import) else alias.name


def import_key(node: ast.Import | ast.ImportFrom, alias: ast.alias) -> ImportKey:
    asname = alias.asname if alias.asname != alias.name else None  # ``import x as x`` is just x
    if isinstance(node, ast.Import):
        return ("import", alias.name, asname)
    return ("from", "." * node.level + (node.module or ""), alias.name, asname)


def import_key_bound(key: ImportKey) -> str:
    if key[0] == "import":
        return key[2] or key[1].split(".")[0]
    return key[3] or key[2]


def read_names(tree: ast.AST) -> set[str]:
    """Every name a piece of code reads, at any depth (conservative)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def function_body_reads(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, _SCOPES):
            names |= read_names(node)
    return names


@functools.lru_cache(maxsize=4096)
def source_reads(source: str) -> frozenset[str]:
    tree = cell_tree(source)
    return frozenset(read_names(tree)) if tree is not None else frozenset()


@functools.lru_cache(maxsize=4096)
def source_function_body_reads(source: str) -> frozenset[str]:
    tree = cell_tree(source)
    return frozenset(function_body_reads(tree)) if tree is not None else frozenset()


class ReadFirst(Exception):
    """The name is read where it may not be bound yet."""


def flow(stmts: list[ast.stmt], name: str, bound: bool = False, loops_run: bool = False) -> bool:
    """Run through ``stmts`` as the extracted function would: raise ReadFirst when ``name`` may be
    read before the function binds it (so it must come in as a parameter); return whether it is
    certainly bound at the end. Conservative: reads inside nested functions count where defined.
    With ``loops_run``, a ``for`` loop's target counts as bound after the loop."""
    for stmt in stmts:
        bound = _flow_stmt(stmt, name, bound, loops_run)
    return bound


def _reads_name(node: ast.AST | None, name: str, bound: bool) -> None:
    if node is None or bound:
        return
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Store):
            raise ReadFirst
        if isinstance(n, COMPREHENSIONS) and any(
            name in {t.id for t in ast.walk(g.target) if isinstance(t, ast.Name)} for g in n.generators
        ):
            stack.append(n.generators[0].iter)  # the comprehension's own variable: only its first iterable is outside
            continue
        if isinstance(n, ast.Lambda) and name in {a.arg for a in ast.walk(n.args) if isinstance(a, ast.arg)}:
            continue
        stack.extend(ast.iter_child_nodes(n))


def _binds_name(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for n in ast.walk(node))


def _flow_stmt(stmt: ast.stmt, name: str, bound: bool, loops_run: bool) -> bool:
    flow_of = _FLOWS.get(type(stmt))
    if flow_of is not None:
        return flow_of(stmt, name, bound, loops_run)
    _reads_name(stmt, name, bound)  # Expr, Return, Raise, Assert …
    return bound or _walrus_binds(stmt, name)


def _flow_assign(stmt: ast.Assign, name: str, bound: bool, loops_run: bool) -> bool:
    _reads_name(stmt.value, name, bound)
    for target in stmt.targets:
        if not isinstance(target, ast.Name):
            _reads_name(target, name, bound)  # ``x[0] = …`` and ``x.a = …`` read x
    return bound or any(_binds_name(t, name) for t in stmt.targets) or _walrus_binds(stmt.value, name)


def _flow_aug_assign(stmt: ast.AugAssign, name: str, bound: bool, loops_run: bool) -> bool:
    _reads_name(stmt.value, name, bound)
    if isinstance(stmt.target, ast.Name) and stmt.target.id == name and not bound:
        raise ReadFirst
    _reads_name(stmt.target, name, bound)
    return bound


def _flow_ann_assign(stmt: ast.AnnAssign, name: str, bound: bool, loops_run: bool) -> bool:
    _reads_name(stmt.value, name, bound)
    return bound or (stmt.value is not None and _binds_name(stmt.target, name))


def _flow_import(stmt: ast.Import | ast.ImportFrom, name: str, bound: bool, loops_run: bool) -> bool:
    return bound or any(alias_bound(stmt, a) == name for a in stmt.names)


def _flow_def(stmt: ast.FunctionDef | ast.AsyncFunctionDef, name: str, bound: bool, loops_run: bool) -> bool:
    args = stmt.args
    for node in (*stmt.decorator_list, *args.defaults, *args.kw_defaults):
        _reads_name(node, name, bound)
    own = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a is not None}
    if name not in own:  # the function's own parameter is another variable
        for node in stmt.body:
            _reads_name(node, name, bound)  # conservatively: as if called where defined
    return bound or stmt.name == name


def _flow_class(stmt: ast.ClassDef, name: str, bound: bool, loops_run: bool) -> bool:
    _reads_name(stmt, name, bound)  # decorators, bases, and (conservatively) the body
    return bound or stmt.name == name


def _flow_for(stmt: ast.For | ast.AsyncFor, name: str, bound: bool, loops_run: bool) -> bool:
    _reads_name(stmt.iter, name, bound)
    after = flow(stmt.body, name, bound or _binds_name(stmt.target, name), loops_run)
    flow(stmt.orelse, name, bound, loops_run)
    return bound or (loops_run and (_binds_name(stmt.target, name) or after))


def _flow_while(stmt: ast.While, name: str, bound: bool, loops_run: bool) -> bool:
    _reads_name(stmt.test, name, bound)
    after_test = bound or _walrus_binds(stmt.test, name)
    flow(stmt.body, name, after_test, loops_run)
    flow(stmt.orelse, name, after_test, loops_run)
    return after_test


def _flow_if(stmt: ast.If, name: str, bound: bool, loops_run: bool) -> bool:
    _reads_name(stmt.test, name, bound)
    after_test = bound or _walrus_binds(stmt.test, name)
    return flow(stmt.body, name, after_test, loops_run) & flow(stmt.orelse, name, after_test, loops_run)


def _flow_with(stmt: ast.With | ast.AsyncWith, name: str, bound: bool, loops_run: bool) -> bool:
    for item in stmt.items:
        _reads_name(item.context_expr, name, bound)
        bound = (
            bound
            or _walrus_binds(item.context_expr, name)
            or (item.optional_vars is not None and _binds_name(item.optional_vars, name))
        )
    return flow(stmt.body, name, bound, loops_run)


def _flow_try(stmt: ast.Try, name: str, bound: bool, loops_run: bool) -> bool:
    after_body = flow(stmt.body, name, bound, loops_run)
    handlers = [flow(h.body, name, bound or h.name == name, loops_run) for h in stmt.handlers]
    for h in stmt.handlers:
        _reads_name(h.type, name, bound)
    after_else = flow(stmt.orelse, name, after_body, loops_run)
    return flow(stmt.finalbody, name, bound, loops_run) or (after_else and all(handlers))


def _flow_match(stmt: ast.Match, name: str, bound: bool, loops_run: bool) -> bool:
    _reads_name(stmt.subject, name, bound)
    for case in stmt.cases:
        in_case = bound or any(
            isinstance(n, (ast.MatchAs, ast.MatchStar)) and n.name == name for n in ast.walk(case.pattern)
        )
        _reads_name(case.guard, name, in_case)
        flow(case.body, name, in_case, loops_run)
    return bound


def _flow_delete(stmt: ast.Delete, name: str, bound: bool, loops_run: bool) -> bool:
    for target in stmt.targets:
        _reads_name(target, name, bound)
    return bound and not any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets)


_FLOWS: dict[type, Callable[[Any, str, bool, bool], bool]] = {
    ast.Assign: _flow_assign,
    ast.AugAssign: _flow_aug_assign,
    ast.AnnAssign: _flow_ann_assign,
    ast.Import: _flow_import,
    ast.ImportFrom: _flow_import,
    ast.FunctionDef: _flow_def,
    ast.AsyncFunctionDef: _flow_def,
    ast.ClassDef: _flow_class,
    ast.For: _flow_for,
    ast.AsyncFor: _flow_for,
    ast.While: _flow_while,
    ast.If: _flow_if,
    ast.With: _flow_with,
    ast.AsyncWith: _flow_with,
    ast.Try: _flow_try,
    getattr(ast, "TryStar", ast.Try): _flow_try,
    ast.Match: _flow_match,
    ast.Delete: _flow_delete,
}


def _walrus_binds(node: ast.AST | None, name: str) -> bool:
    return node is not None and any(isinstance(n, ast.NamedExpr) and n.target.id == name for n in ast.walk(node))


def notebook_names(notebook: Notebook) -> set[str]:
    names: set[str] = set()
    for cell in notebook.code_cells():
        facts = cell_facts(cell.source)
        names |= facts.binds
        names |= source_reads(cell.source)
    return names


def imported_packages(notebook: Notebook) -> set[str]:
    packages: set[str] = set()
    for cell in notebook.code_cells():
        for imp in cell_facts(cell.source).imports:
            if not imp.relative and imp.module:
                packages.add(imp.module.split(".")[0])
    return packages
