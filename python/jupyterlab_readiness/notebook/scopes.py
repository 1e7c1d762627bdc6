"""Scope analysis over syntax trees: which names a piece of code binds and reads, in what order,
and what its imports bind (used by the extraction and the export)."""

from __future__ import annotations

import ast
import functools

from .facts import CellFacts, cell_facts
from .model import Notebook
from .parse import cell_tree
from .run_memo import per_run

# An import as a value: ("import", dotted, asname) or ("from", "." * level + module, name, asname).
ImportKey = tuple
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_AST = ast.AST


def walk(node: ast.AST) -> list[ast.AST]:
    """``list(ast.walk(node))``: the same nodes in the same (breadth-first) order, about three times
    faster (no generator per node). The export walks every statement of a notebook several times."""
    nodes = [node]
    i = 0
    while i < len(nodes):
        current = nodes[i]
        i += 1
        for name in current._fields:
            value = getattr(current, name, None)
            if isinstance(value, list):
                nodes.extend(v for v in value if isinstance(v, _AST))
            elif isinstance(value, _AST):
                nodes.append(value)
    return nodes


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """``list(ast.iter_child_nodes(node))``, faster."""
    children: list[ast.AST] = []
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, list):
            children.extend(v for v in value if isinstance(v, _AST))
        elif isinstance(value, _AST):
            children.append(value)
    return children


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
            names.update(n.target.id for n in walk(node) if isinstance(n, ast.NamedExpr))
            continue
        stack.extend(child_nodes(node))
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
    stack: list[ast.AST] = [tree]
    push, pushes = stack.append, stack.extend
    while stack:  # a flat loop, the usual expressions by type (a context or operator has no names)
        node = stack.pop()
        t = type(node)
        if t is ast.Name:
            if type(node.ctx) is not ast.Store:
                names.add(node.id)
        elif t is ast.Constant:
            continue
        elif t is ast.Attribute:
            push(node.value)
        elif t is ast.Call:
            push(node.func)
            pushes(node.args)
            pushes([k.value for k in node.keywords])
        elif t is ast.BinOp:
            push(node.left)
            push(node.right)
        elif t is ast.Subscript:
            push(node.value)
            push(node.slice)
        elif t is ast.Compare:
            push(node.left)
            pushes(node.comparators)
        elif t is ast.IfExp:
            push(node.test)
            push(node.body)
            push(node.orelse)
        elif t is ast.Assign:
            pushes(node.targets)
            push(node.value)
        elif t is ast.Expr:
            push(node.value)
        else:
            if t is ast.AugAssign and type(node.target) is ast.Name:
                names.add(node.target.id)
            pushes(child_nodes(node))
    return names


# What a flat walk cannot read plainly: a scope of its own (its variables are other variables), a
# binding inside an expression, a suspension (a compile error outside ``async def`` or a function).
_NOT_PLAIN = frozenset({ast.Lambda, *COMPREHENSIONS, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom})


def assigned_names(stmt: ast.stmt) -> list[str] | None:
    """The names ``x = y = …`` binds when every target is a plain name; None for any other
    statement (a target with an attribute, a subscript or unpacking, or no assignment)."""
    if type(stmt) is not ast.Assign:
        return None
    targets = stmt.targets
    if len(targets) == 1:  # (the usual ``x = …``, asked about every statement of an export)
        return [targets[0].id] if type(targets[0]) is ast.Name else None
    names = []
    for target in targets:
        if type(target) is not ast.Name:
            return None
        names.append(target.id)
    return names


@per_run(outside=1024)
def plain_loads(node: ast.AST) -> frozenset[str] | None:
    """The names ``node`` reads (every ``Name`` in it, all loaded), or None when it stores or deletes
    a name, or holds one of ``_NOT_PLAIN``. Cached by the node (trees are shared, ``parse.python_tree``):
    the extraction asks about a statement both for its symbols and for its flow."""
    names: set[str] = set()
    stack: list[ast.AST] = [node]
    push, pushes = stack.append, stack.extend
    while stack:  # a flat loop, the usual expressions by type, as read_names
        n = stack.pop()
        t = type(n)
        if t is ast.Name:
            if type(n.ctx) is not ast.Load:
                return None
            names.add(n.id)
        elif t is ast.Constant:
            continue
        elif t is ast.Attribute:
            push(n.value)
        elif t is ast.Call:
            push(n.func)
            pushes(n.args)
            pushes([k.value for k in n.keywords])
        elif t is ast.BinOp:
            push(n.left)
            push(n.right)
        elif t is ast.Compare:
            push(n.left)
            pushes(n.comparators)
        elif t is ast.IfExp:
            push(n.test)
            push(n.body)
            push(n.orelse)
        elif t in _NOT_PLAIN:
            return None
        else:
            pushes(child_nodes(n))
    return frozenset(names)


def known_loads(tree: ast.Module | None, facts: CellFacts) -> None:
    """Tells the current run ``plain_loads`` of the cell's top-level statements where the facts pass
    found it (``CellFacts.statement_loads``), so that an export, which asks for every statement's,
    does not walk them again. ``tree``: the cell's, as ``cell_tree`` gives it; the facts: of the same
    source (a tree that does not line up with them is left alone)."""
    if tree is None or facts.statement_loads is None:
        return
    names, ends = facts.statement_loads
    if len(ends) != len(tree.body):
        return
    found: list[tuple[ast.AST, frozenset[str]]] = []
    start = 0
    for stmt, end in zip(tree.body, ends, strict=True):
        if end < 0:
            continue
        t = type(stmt)
        if t is ast.Expr:
            found.append((stmt, frozenset(names[start:end])))
        elif t is ast.Assign and assigned_names(stmt) is not None:
            found.append((stmt.value, frozenset(names[start:end])))
        else:
            break
        start = end
    plain_loads.remember(found)  # type: ignore[attr-defined]


def function_body_reads(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in walk(tree):
        if isinstance(node, _SCOPES):
            names |= read_names(node)
    return names


@functools.lru_cache(maxsize=4096)
def source_reads(source: str) -> frozenset[str]:
    """``read_names`` of the cell, statement by statement: the plain ones as the facts pass found
    them (``CellFacts.statement_loads``: ``plain_loads``'s answers, as ``known_loads`` trusts them,
    without a look-up a statement), the others by ``plain_loads``, else ``read_names``."""
    tree = cell_tree(source)
    if tree is None:
        return frozenset()
    names: set[str] = set()
    found = cell_facts(source).statement_loads
    ends: list[int] = []
    if found is not None and len(found[1]) == len(tree.body):
        names.update(found[0])  # what every plain statement reads (the others' are not there)
        ends = found[1]
    for index, stmt in enumerate(tree.body):
        if ends and ends[index] >= 0:
            continue
        # (``x = …`` reads only its value, the node flow and the extraction ask about)
        loads = plain_loads(stmt if assigned_names(stmt) is None else stmt.value)
        names.update(loads if loads is not None else read_names(stmt))
    return frozenset(names)


@functools.lru_cache(maxsize=4096)
def source_function_body_reads(source: str) -> frozenset[str]:
    if "def" not in source and "class" not in source and "lambda" not in source:
        return frozenset()  # no function, class or lambda without its (ASCII) keyword: nothing to walk
    tree = cell_tree(source)
    return frozenset(function_body_reads(tree)) if tree is not None else frozenset()


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
