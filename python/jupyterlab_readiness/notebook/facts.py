"""Per-cell facts: what one cell defines, reads, imports and calls — computed once per source text.

Facts depend on the cell's source only (never on its position), so they are cached by source and
a re-check after editing one cell re-analyses that cell alone. One pass over the AST collects
everything the checks need; the checks themselves never walk syntax trees.

Scope rules for ``free_reads`` (module-level names read before this cell binds them): reads inside
function and lambda bodies resolve at call time and are not recorded; comprehension targets and
class-body names are local to their scope; walrus targets bind in the enclosing scope; ``del`` at
the cell's top level unbinds; a read in a loop body of a name the same loop binds is taken as bound
(a previous iteration did it); names a function declares ``global`` and assigns count as bound from
the ``def`` on, since a later call will bind them.
"""

from __future__ import annotations

import ast
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .names import ALWAYS_DEFINED
from .parse import ParseFailure, parse_cell

NOT_LITERAL: Any = type("NotLiteral", (), {"__repr__": lambda self: "<not a literal>"})()


class Import(NamedTuple):
    line: int
    bound: str | None  # the name bound in the namespace; None for a star import
    target: str  # what that name refers to: "pandas", "datetime.datetime", "os"
    module: str  # the module imported from, absolute dotted ("" for relative imports)
    relative: bool = False


class Call(NamedTuple):
    line: int
    parts: tuple[str | None, ...]  # ("pd", "Timestamp", "now"); head None when not a plain name
    args: tuple[Any, ...]  # positional literals, NOT_LITERAL for anything computed
    kwargs: dict[str | None, Any]  # keyword literals; key None for **kwargs


class Magic(NamedTuple):
    line: int
    kind: str  # "line", "cell", "shell" (system / getoutput)
    name: str  # magic name, or "" for shell escapes
    args: str
    body: str = ""


class StringBinding(NamedTuple):
    line: int
    # the variable, attribute, key or keyword a literal string is bound to (or compared with by == / !=)
    name: str
    value: str


@dataclass(slots=True)
class CellFacts:
    syntax_error: tuple[int | None, str] | None = None  # (line, message)
    free_reads: list[tuple[int, str]] = field(default_factory=list)
    binds: set[str] = field(default_factory=set)
    unbinds: set[str] = field(default_factory=set)  # names this cell leaves deleted
    star_import_line: int | None = None  # after this line, unknown names may exist
    imports: list[Import] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    magics: list[Magic] = field(default_factory=list)
    strings: list[tuple[int, str]] = field(default_factory=list)
    string_bindings: list[StringBinding] = field(default_factory=list)
    defines_functions: bool = False
    statements: int = 0
    # Per-cell results of checks, keyed by check and by whatever else they depend on (see
    # context.memo): they live as long as these facts, so an unchanged cell is never re-checked.
    memo: dict[Any, Any] = field(default_factory=dict)


_CACHE: OrderedDict[str, CellFacts] = OrderedDict()
_CACHE_MAX = 50_000
# The server checks notebooks in worker threads: the cache's order and size change under a lock.
_LOCK = threading.Lock()


def cell_facts(source: str, tree: ast.Module | None = None) -> CellFacts:
    """Facts for one code cell's source, from the cache when this exact source was seen before.
    ``tree``: the cell's tree (``parse.cell_tree``) when the caller keeps it, so as not to parse the
    cell again; without it the tree is not kept."""
    hit = _CACHE.get(source)
    if hit is not None:
        with _LOCK:
            if source in _CACHE:
                _CACHE.move_to_end(source)
        return hit
    facts = _compute(source, tree)
    with _LOCK:
        _CACHE[source] = facts
        if len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
    return facts


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


def _compute(source: str, tree: ast.Module | None) -> CellFacts:
    facts = CellFacts()
    if tree is None:
        tree = parse_cell(source)
    if isinstance(tree, ParseFailure):
        facts.syntax_error = (tree.line, tree.message)
        return facts
    facts.statements = len(tree.body)
    try:
        _Visitor(facts).run(tree.body)
    except RecursionError:
        facts.syntax_error = (None, "cannot analyse: the code is nested too deeply")
    return facts


def dotted(node: ast.AST) -> tuple[str | None, ...]:
    """("a", "b", "c") for ``a.b.c``; the head is None when the chain starts at a call, subscript …"""
    parts: list[str | None] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    parts.append(node.id if isinstance(node, ast.Name) else None)
    parts.reverse()
    return tuple(parts)


class _Scope:
    __slots__ = ("globals", "kind", "names")

    def __init__(self, kind: str) -> None:
        self.kind = kind  # "module", "class", "function", "comprehension"
        self.names: set[str] = set()
        self.globals: set[str] = set()


class _Visitor:
    """One pass over a cell. Statements are handled explicitly; expressions by a tight loop."""

    def __init__(self, facts: CellFacts) -> None:
        self.facts = facts
        self.scopes: list[_Scope] = [_Scope("module")]
        self.function_depth = 0
        self.conditional = 0  # inside if/loop/try: a del there may not happen
        # Free reads inside a loop wait for the loop's end: a name the loop binds later in its
        # body was bound by the previous iteration.
        self.loop_reads: list[list[tuple[int, str]]] = []
        self.deleted: set[str] = set()

    # -- entry ------------------------------------------------------------------------------
    def run(self, body: list[ast.stmt]) -> None:
        self.block(body)
        self.facts.unbinds = set(self.deleted)

    # -- names ------------------------------------------------------------------------------
    def read(self, name: str, line: int) -> None:
        if self.function_depth or name in ALWAYS_DEFINED:
            return
        if len(self.scopes) > 1:  # inside a class body or comprehension: its own names first
            for scope in reversed(self.scopes):
                if scope.kind == "module":
                    break
                if name in scope.names:
                    return
        if name in self.deleted:
            self.facts.free_reads.append((line, name))
            return
        if name in self.facts.binds:
            return
        (self.loop_reads[-1] if self.loop_reads else self.facts.free_reads).append((line, name))

    def bind(self, name: str, *, walrus: bool = False) -> None:
        scopes = self.scopes
        index = len(scopes) - 1
        if walrus:
            while scopes[index].kind == "comprehension":
                index -= 1
        scope = scopes[index]
        if scope.kind == "module" or (scope.kind == "function" and name in scope.globals):
            self.facts.binds.add(name)
            self.deleted.discard(name)
        else:
            scope.names.add(name)

    def unbind(self, name: str, line: int) -> None:
        self.read(name, line)  # ``del x`` fails when x is unbound
        if len(self.scopes) == 1 and not self.conditional:
            self.facts.binds.discard(name)
            self.deleted.add(name)

    # -- statements -------------------------------------------------------------------------
    def block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.stmt(stmt)

    def conditional_block(self, body: list[ast.stmt]) -> None:
        self.conditional += 1
        self.block(body)
        self.conditional -= 1

    def stmt(self, node: ast.stmt) -> None:  # noqa: C901 - one dispatch over statement kinds
        t = type(node)
        if t is ast.Expr:
            self.expr(node.value)
        elif t is ast.Assign:
            self.expr(node.value)
            value = node.value
            for target in node.targets:
                self.string_binding(target, value, node.lineno)
                self.target(target)
        elif t is ast.AugAssign:
            self.expr(node.value)
            if isinstance(node.target, ast.Name):
                self.read(node.target.id, node.lineno)  # ``x += 1`` reads x first
            self.target(node.target)
        elif t is ast.AnnAssign:
            if node.value is not None:
                self.expr(node.value)
                self.string_binding(node.target, node.value, node.lineno)
            self.expr(node.annotation)
            if node.value is not None:
                self.target(node.target)
        elif t in (ast.Import, ast.ImportFrom):
            self.import_(node)
        elif t in (ast.FunctionDef, ast.AsyncFunctionDef):
            self.function(node)
        elif t is ast.ClassDef:
            self.class_(node)
        elif t in (ast.For, ast.AsyncFor):
            self.expr(node.iter)
            self.loop(node.body, node.orelse, node.target)
        elif t is ast.While:
            self.expr(node.test)
            self.loop(node.body, node.orelse, None)
        elif t is ast.If:
            self.expr(node.test)
            self.conditional_block(node.body)
            self.conditional_block(node.orelse)
        elif t in (ast.With, ast.AsyncWith):
            for item in node.items:
                self.expr(item.context_expr)
                if item.optional_vars is not None:
                    self.target(item.optional_vars)
            self.block(node.body)
        elif t in (ast.Try, getattr(ast, "TryStar", ast.Try)):
            self.conditional_block(node.body)
            for handler in node.handlers:
                if handler.type is not None:
                    self.expr(handler.type)
                if handler.name:
                    self.bind(handler.name)
                self.conditional_block(handler.body)
            self.conditional_block(node.orelse)
            self.block(node.finalbody)
        elif t is ast.Delete:
            for target in node.targets:
                self.delete(target)
        elif t is ast.Return:
            if node.value is not None:
                self.expr(node.value)
        elif t is ast.Raise:
            if node.exc is not None:
                self.expr(node.exc)
            if node.cause is not None:
                self.expr(node.cause)
        elif t is ast.Assert:
            self.expr(node.test)
            if node.msg is not None:
                self.expr(node.msg)
        elif t is ast.Global:
            self.scopes[-1].globals.update(node.names)
        elif t is ast.Match:
            self.expr(node.subject)
            for case in node.cases:
                self.pattern(case.pattern)
                if case.guard is not None:
                    self.expr(case.guard)
                self.conditional_block(case.body)
        # Pass, Break, Continue, Nonlocal: nothing to record

    def loop(self, body: list[ast.stmt], orelse: list[ast.stmt], target: ast.expr | None) -> None:
        self.conditional += 1
        if target is not None:
            self.target(target)
        self.loop_reads.append([])
        self.block(body)
        pending = self.loop_reads.pop()
        binds = self.facts.binds
        still_free = [(line, name) for line, name in pending if name not in binds]
        (self.loop_reads[-1] if self.loop_reads else self.facts.free_reads).extend(still_free)
        self.block(orelse)
        self.conditional -= 1

    def import_(self, node: ast.Import | ast.ImportFrom) -> None:
        imports = self.facts.imports
        line = node.lineno
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    imports.append(Import(line, alias.asname, alias.name, alias.name))
                    self.bind(alias.asname)
                else:
                    head = alias.name.split(".")[0]
                    imports.append(Import(line, head, head, alias.name))
                    self.bind(head)
            return
        relative = bool(node.level)
        module = node.module or ""
        for alias in node.names:
            if alias.name == "*":
                imports.append(Import(line, None, module, module, relative))
                if self.facts.star_import_line is None and len(self.scopes) == 1:
                    self.facts.star_import_line = line
                continue
            bound = alias.asname or alias.name
            imports.append(Import(line, bound, f"{module}.{alias.name}" if module else alias.name, module, relative))
            self.bind(bound)

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        args = node.args
        positional = args.posonlyargs + args.args
        for arg, default in [
            *zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True),
            *zip(args.kwonlyargs, args.kw_defaults, strict=True),
        ]:
            if default is None:
                continue
            self.expr(default)
            if type(default) is ast.Constant and type(default.value) is str:
                self.facts.string_bindings.append(StringBinding(default.lineno, arg.arg, default.value))
        if not isinstance(node, ast.Lambda):
            self.facts.defines_functions = True
            for decorator in node.decorator_list:
                self.expr(decorator)
            for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
                if a is not None and a.annotation is not None:
                    self.expr(a.annotation)
            if node.returns is not None:
                self.expr(node.returns)
        self.scopes.append(_Scope("function"))
        self.function_depth += 1
        saved_conditional, self.conditional = self.conditional, 0
        if isinstance(node, ast.Lambda):
            self.expr(node.body)
        else:
            self.block(node.body)
        self.conditional = saved_conditional
        self.function_depth -= 1
        self.scopes.pop()
        if not isinstance(node, ast.Lambda):
            self.bind(node.name)

    def class_(self, node: ast.ClassDef) -> None:
        for base in node.bases:
            self.expr(base)
        for keyword in node.keywords:
            self.expr(keyword.value)
        for decorator in node.decorator_list:
            self.expr(decorator)
        self.scopes.append(_Scope("class"))
        self.block(node.body)
        self.scopes.pop()
        self.facts.defines_functions = True
        self.bind(node.name)

    def target(self, node: ast.expr) -> None:
        t = type(node)
        if t is ast.Name:
            self.bind(node.id)
        elif t in (ast.Tuple, ast.List):
            for elt in node.elts:
                self.target(elt)
        elif t is ast.Starred:
            self.target(node.value)
        else:  # attribute or subscript: reads the object being assigned into
            self.expr(node)

    def delete(self, node: ast.expr) -> None:
        if isinstance(node, ast.Name):
            self.unbind(node.id, node.lineno)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for elt in node.elts:
                self.delete(elt)
        else:
            self.expr(node)

    def pattern(self, node: ast.pattern) -> None:
        for child in ast.walk(node):
            if isinstance(child, (ast.MatchAs, ast.MatchStar)) and child.name:
                self.bind(child.name)
            elif isinstance(child, ast.MatchMapping) and child.rest:
                self.bind(child.rest)
            elif isinstance(child, ast.MatchValue):
                self.expr(child.value)
            elif isinstance(child, ast.MatchClass):
                self.expr(child.cls)

    def string_binding(self, target: ast.expr, value: ast.expr, line: int) -> None:
        if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
            return
        name = _binding_name(target)
        if name:
            self.facts.string_bindings.append(StringBinding(line, name, value.value))

    def compared_string(self, left: ast.expr, right: ast.expr, line: int) -> None:
        """``password == "hunter22"`` (either way round) records the literal like a binding."""
        for named, value in ((left, right), (right, left)):
            if type(value) is ast.Constant and type(value.value) is str:
                name = _binding_name(named)
                if name:
                    self.facts.string_bindings.append(StringBinding(line, name, value.value))
                return

    # -- expressions ------------------------------------------------------------------------
    def expr(self, root: ast.expr) -> None:  # noqa: C901 - the hot loop, kept flat on purpose
        # An explicit stack, children pushed last-first so they are visited in evaluation order
        # (``[y := 5, y ** 2]`` binds y before reading it). A str on the stack is a walrus target
        # to bind once its value has been visited.
        stack: list[Any] = [root]
        facts = self.facts
        while stack:
            node = stack.pop()
            t = type(node)
            if t is ast.Name:
                if type(node.ctx) is ast.Load:
                    self.read(node.id, node.lineno)
                else:
                    self.bind(node.id)
            elif t is ast.Constant:
                if type(node.value) is str:
                    facts.strings.append((node.lineno, node.value))
            elif t is ast.Call:
                self.call(node)
                stack.extend([k.value for k in reversed(node.keywords)])
                stack.extend(reversed(node.args))
                stack.append(node.func)
            elif t is ast.Attribute:
                stack.append(node.value)
            elif t is ast.BinOp:
                stack.append(node.right)
                stack.append(node.left)
            elif t is ast.Subscript:
                stack.append(node.slice)
                stack.append(node.value)
            elif t is ast.Tuple or t is ast.List or t is ast.Set:
                stack.extend(reversed(node.elts))
            elif t is ast.Compare:
                stack.extend(reversed(node.comparators))
                stack.append(node.left)
                if len(node.ops) == 1 and type(node.ops[0]) in _EQUALITY:
                    self.compared_string(node.left, node.comparators[0], node.lineno)
            elif t is ast.BoolOp or t is ast.JoinedStr:
                stack.extend(reversed(node.values))
            elif t is ast.UnaryOp:
                stack.append(node.operand)
            elif t is ast.FormattedValue:
                if node.format_spec is not None:
                    stack.append(node.format_spec)
                stack.append(node.value)
            elif t is str:
                self.bind(node, walrus=True)
            elif t in _COMPREHENSIONS:
                self.comprehension(node)
            elif t is ast.Lambda:
                self.function(node)
            elif t is ast.NamedExpr:
                stack.append(node.target.id)
                stack.append(node.value)
            elif t is ast.Dict:
                for key, value in zip(reversed(node.keys), reversed(node.values), strict=True):
                    stack.append(value)
                    if key is not None:
                        stack.append(key)
                        if (
                            type(key) is ast.Constant
                            and type(key.value) is str
                            and type(value) is ast.Constant
                            and type(value.value) is str
                        ):
                            facts.string_bindings.append(StringBinding(value.lineno, key.value, value.value))
            else:
                stack.extend(reversed(list(ast.iter_child_nodes(node))))

    def call(self, node: ast.Call) -> None:
        func = node.func
        parts = dotted(func)
        args = tuple([a.value if type(a) is ast.Constant else NOT_LITERAL for a in node.args])
        kwargs = {}
        for keyword in node.keywords:
            value = keyword.value
            if type(value) is ast.Constant:
                kwargs[keyword.arg] = value.value
                if keyword.arg and type(value.value) is str:
                    self.facts.string_bindings.append(StringBinding(node.lineno, keyword.arg, value.value))
            else:
                kwargs[keyword.arg] = NOT_LITERAL
        self.facts.calls.append(Call(node.lineno, parts, args, kwargs))
        if (
            parts[0] is None
            and type(func) is ast.Attribute
            and type(func.value) is ast.Call
            and dotted(func.value.func) == ("get_ipython",)
        ):
            self.ipython_call(node, func.attr, args)

    def ipython_call(self, node: ast.Call, method: str, args: tuple[Any, ...]) -> None:
        strings = [a for a in args if isinstance(a, str)]
        if method == "run_line_magic" and len(strings) >= 2:
            magic = Magic(node.lineno, "line", strings[0], strings[1])
        elif method == "run_cell_magic" and len(strings) >= 3:
            magic = Magic(node.lineno, "cell", strings[0], strings[1], strings[2])
        elif method in ("system", "getoutput") and strings:
            magic = Magic(node.lineno, "shell", "", strings[0])
        else:
            return
        self.facts.magics.append(magic)
        # %run, %pylab and %store -r bring in names nobody can see: like a star import.
        hides_names = magic.kind == "line" and (
            magic.name in ("run", "pylab") or (magic.name == "store" and "-r" in magic.args.split())
        )
        if hides_names and self.facts.star_import_line is None:
            self.facts.star_import_line = node.lineno

    def comprehension(self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp) -> None:
        generators = node.generators
        self.expr(generators[0].iter)  # evaluated in the enclosing scope
        self.scopes.append(_Scope("comprehension"))
        for i, gen in enumerate(generators):
            if i:
                self.expr(gen.iter)
            self.target(gen.target)
            for condition in gen.ifs:
                self.expr(condition)
        if isinstance(node, ast.DictComp):
            self.expr(node.key)
            self.expr(node.value)
        else:
            self.expr(node.elt)
        self.scopes.pop()


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_EQUALITY = (ast.Eq, ast.NotEq)


def _binding_name(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if (
        isinstance(target, ast.Subscript)
        and isinstance(target.slice, ast.Constant)
        and isinstance(target.slice.value, str)
    ):
        return target.slice.value
    return None
