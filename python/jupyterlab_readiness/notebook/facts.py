"""Per-cell facts: what one cell defines, reads, imports and calls — computed once per source text.

Facts depend on the cell's source only (never on its position), so they are cached by source and
a re-check after editing one cell re-analyses that cell alone. One pass over the AST collects
everything the checks need; the checks themselves never walk syntax trees.

Module-level names are followed through the cell's control flow. Each name's state is a set of
possibilities — as it was when the cell started (``ENTRY``), bound by the cell (``BOUND``), unbound
by the cell (``UNBOUND``: ``del``, or an ``except … as name`` target, which Python deletes when the
handler ends) — merged where branches meet. A read is recorded when it may fail: in
``free_reads`` when it fails unless an earlier cell defined the name, also in ``unbound_reads``
when it fails whatever ran before. A name is taken as bound as soon as some path binds it, so only
certain failures are reported; in a loop, a read that may be skipped on the first iteration (in a
branch, after a ``break``/``continue``) of a name the loop binds later counts as bound (a previous
iteration did it), while one that runs on the first iteration fails there. ``raise`` (and
``break``/``continue``) end a path; ``if __name__ == "__main__":`` and constant tests (``if False:``)
are decided statically, since a notebook always runs as ``__main__``. Reads guarded by a ``try`` whose handler catches
``NameError`` (or any exception) never fail. Comprehension targets and class-body names are local
to their scope; class bodies also have ``__module__`` and ``__qualname__``; walrus targets bind in
the enclosing scope; names a function declares ``global`` and assigns count as bound from the
``def`` on, since a later call will bind them.

Function bodies run when called, so their reads are not the cell's reads. For a module-level
function (or a method of a module-level class) the names its body reads from the module and the
module-level functions it calls are kept in a ``FunctionInfo``; each call at module level is a
``CallSite`` holding the module state at that point, so a check can decide, across cells, whether
everything the call will read is defined there (see checks/hidden_state.py).
"""

from __future__ import annotations

import ast
import threading
from collections import OrderedDict
from typing import Any, NamedTuple

from .magics import automagic, may_be_automagic
from .names import ALWAYS_DEFINED, BUILTINS
from .parse import ParseFailure, parse_cell, quiet_compiler

NOT_LITERAL: Any = type("NotLiteral", (), {"__repr__": lambda self: "<not a literal>"})()

# What a module-level name may be at some point of a cell (bit mask, see the module docstring).
ENTRY, BOUND, UNBOUND = 1, 2, 4


class Import(NamedTuple):
    line: int
    bound: str | None  # the name bound in the namespace; None for a star import
    target: str  # what that name refers to: "pandas", "datetime.datetime", "os"
    module: str  # the module imported from, absolute dotted ("" for relative imports)
    relative: bool = False
    optional: bool = False  # in a try body whose handlers catch ImportError: the code runs without it

    @property
    def binding(self) -> tuple[str, str] | None:
        """(name, target) for the code after it to call through; None for a star import (the
        names are unknown) and a relative one (the project's own module, which no check follows
        by name)."""
        return None if self.bound is None or self.relative else (self.bound, self.target)


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


class FunctionInfo:
    """A module-level function (or a method of a module-level class) whose call certainly runs its
    body: not a generator, not a coroutine, not decorated (methods: ``staticmethod`` and
    ``classmethod`` only)."""

    __slots__ = ("calls", "line", "name", "reads")

    def __init__(self, name: str, line: int, reads: frozenset[str], calls: tuple[tuple[str | None, ...], ...]) -> None:
        self.name = name
        self.line = line
        self.reads = reads  # module names the body reads when called (not inside nested functions)
        self.calls = calls  # callee keys (see CallSite) of the calls the body makes

    def __repr__(self) -> str:
        return f"FunctionInfo({self.name!r}, reads={sorted(self.reads)}, calls={list(self.calls)})"


class ClassInfo:
    """A module-level class. ``methods`` is None when what ``C.m()`` or ``C()`` runs is not certain
    (bases other than ``object``, a metaclass or other class keywords, decorators, or a body that
    binds names conditionally)."""

    __slots__ = ("line", "methods", "name")

    def __init__(self, name: str, line: int, methods: dict[str, FunctionInfo] | None) -> None:
        self.name = name
        self.line = line
        self.methods = methods

    def __repr__(self) -> str:
        return f"ClassInfo({self.name!r}, methods={None if self.methods is None else sorted(self.methods)})"


# A node of a cell's module state, as a persistent list: (parent, name, mask, value). ``value`` is
# the FunctionInfo or ClassInfo the name holds when mask is exactly BOUND, else None.
StateNode = tuple


class CallSite(NamedTuple):
    """A call at module level. ``key``: ("f",) for ``f(…)``; ("C", "m") for ``C.m(…)``;
    (None, "C", "m") for ``C().m(…)``."""

    line: int
    key: tuple[str | None, ...]
    state: StateNode | None  # the module state when the call runs
    loop_state: StateNode | None = None  # in a loop: the state after it (a later iteration also calls)


_new_tuple = tuple.__new__  # builds a named tuple (Call, CallSite …) without its constructor's Python frame


def state_of(node: StateNode | None, name: str) -> tuple[int, Any] | None:
    """(mask, value) of ``name`` at a state node; None when the cell has not touched it there."""
    while node is not None:
        if node[1] == name:
            return node[2], node[3]
        node = node[0]
    return None


class CellFacts:
    """What one cell's source defines, reads, imports and calls. (A plain class: a dataclass costs
    the CLI's start-up two milliseconds to create.)"""

    __slots__ = (
        "annotation_reads",
        "automagic",
        "binds",
        "call_heads",
        "call_sites",
        "callables",
        "calls",
        "defines_functions",
        "exit_values",
        "free_reads",
        "future_annotations",
        "guarded_reads",
        "imports",
        "magic_only",
        "magics",
        "memo",
        "star_import_line",
        "statement_loads",
        "statements",
        "string_bindings",
        "strings",
        "syntax_error",
        "unbinds",
        "unbound_reads",
    )

    def __init__(self, syntax_error: tuple[int | None, str] | None = None) -> None:
        self.syntax_error = syntax_error  # (line, message)
        self.free_reads: list[tuple[int, str]] = []
        # The scope fields below are shared empty values until the cell has some (most cells have none).
        # Of free_reads: those that fail whatever ran before, and those in annotations.
        self.unbound_reads: frozenset[tuple[int, str]] | set[tuple[int, str]] = frozenset()
        self.annotation_reads: frozenset[tuple[int, str]] | set[tuple[int, str]] = frozenset()
        # Reads that would be free_reads but for a try whose handler catches their NameError: they
        # never fail, yet see the earlier cells' value when there is one.
        self.guarded_reads: frozenset[str] | set[str] = frozenset()
        self.binds: set[str] = set()
        self.unbinds: set[str] = set()  # names this cell leaves deleted
        # bound name → FunctionInfo / ClassInfo / None (None: none bound)
        self.exit_values: dict[str, Any] | None = None
        self.call_sites: list[CallSite] | tuple[()] = ()
        self.call_heads: frozenset[str] | set[str] = frozenset()  # the names call_sites call through
        # names a module-level def or class of this cell binds
        self.callables: frozenset[str] | set[str] = frozenset()
        # ``from __future__ import annotations``: later annotations are not evaluated
        self.future_annotations = False
        # a one-line cell IPython runs as this magic unless the name is defined
        self.automagic: tuple[str, str] | None = None
        # a one-line automagic that is not Python: a syntax error once the name is defined
        self.magic_only: str | None = None
        self.star_import_line: int | None = None  # after this line, unknown names may exist
        self.imports: list[Import] = []
        self.calls: list[Call] = []
        self.magics: list[Magic] = []
        self.strings: list[tuple[int, str]] = []
        self.string_bindings: list[StringBinding] = []
        self.defines_functions = False
        self.statements = 0
        # What ``scopes.plain_loads`` answers for the top-level statements (an expression statement;
        # the value of ``x = y = …``), found by this pass's own walk (an export asks for every
        # statement's: not walked twice): the names, statement after statement, and where each
        # statement's names end (-1: not looked at, or not plain). Kept flat, so the CLI's checks,
        # which never ask, pay little for them (0.6 % of the corpus's instructions).
        self.statement_loads: tuple[list[str], list[int]] | None = None
        # Per-cell results of checks, keyed by check and by whatever else they depend on (see
        # context.memo): they live as long as these facts, so an unchanged cell is never re-checked.
        self.memo: dict[Any, Any] = {}


_CACHE: OrderedDict[str, CellFacts] = OrderedDict()
_CACHE_MAX = 50_000
# Threads may share the cache (a rehearsal's, in the server): its order and size change under a lock.
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
    visitor = _Visitor(facts)
    try:
        visitor.run(tree.body)
    except RecursionError:
        facts.syntax_error = (None, "cannot analyse: the code is nested too deeply")
        return facts
    if visitor.to_compile:
        error = _compile_error([tree.body[i] for i in visitor.to_compile])
        if error is not None:
            return CellFacts(syntax_error=error)
    if facts.statements == 1 and may_be_automagic(source):
        magic = automagic(source)
        if magic is not None:
            if facts.magics:  # only the magic parses
                facts.magic_only = magic[0]
            else:  # Python here, the magic if the name is not defined
                facts.automagic = magic
    return facts


def _compile_error(statements: list[ast.stmt]) -> tuple[int | None, str] | None:
    """What the compiler (not the parser) rejects in these top-level statements — ``return``
    outside a function, ``break`` outside a loop, a misplaced ``global`` … IPython compiles a cell
    statement by statement (so a ``__future__`` import anywhere is fine) with top-level ``await``
    allowed; so does this, for the statements where the visitor saw something it may reject."""
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    with quiet_compiler():
        for node in statements:
            try:
                compile(ast.Module(body=[node], type_ignores=[]), "<cell>", "exec", flags)
            except SyntaxError as exc:
                return (exc.lineno, exc.msg or "invalid syntax")
            except (ValueError, TypeError, RecursionError, MemoryError) as exc:
                return (getattr(node, "lineno", None), f"cannot compile: {type(exc).__name__}")
    return None


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
    """A scope being visited. The rarely set fields are class attributes until set."""

    # A module-level function's (or method's) reads and calls when it is called; None when the
    # function is not one whose calls are followed (nested functions, lambdas).
    reads: set[str] | None = None
    calls: list[tuple[str | None, ...]] | None = None
    generator = False
    is_async = False
    values: dict[str, Any] | None = None  # class scope: name → FunctionInfo of a method, else None

    def __init__(self, kind: str) -> None:
        self.kind = kind  # "module", "class", "function", "comprehension"
        self.names: set[str] = set()
        self.globals: set[str] = set()


_State = tuple  # (st, vals, head): a path's module state — masks, values, the state node


class _Visitor:
    """One pass over a cell. Statements are handled explicitly; expressions by a tight loop."""

    def __init__(self, facts: CellFacts) -> None:
        self.facts = facts
        self.scopes: list[_Scope] = [_Scope("module")]
        self.function_depth = 0
        # Module state of the current path; st is None on a path that cannot be reached (after
        # ``raise``, ``break`` …). Only module-level code (function_depth 0) changes it.
        self.st: dict[str, int] | None = {}
        self.vals: dict[str, Any] = {}
        self.head: StateNode | None = None
        self.try_accs: list[dict[str, int]] = []  # per enclosing try body: every mask a name took in it
        self.killed: list[_State] = []  # paths that raised: the state the cell stops in
        # Free reads and call sites inside a module-level loop wait for the loop's end: a name the
        # loop binds later in its body was bound by the previous iteration.
        self.loop_reads: list[list[tuple[int, str]]] = []
        self.loop_calls: list[list[int]] = []
        self.loop_exits: list[tuple[list[_State], list[_State]]] = []  # (breaks, continues)
        self.loop_frames: list[list[Any]] = []  # per module-level loop: [branch_depth at its body, jumped]
        self.branch_depth = 0  # module-level blocks that may not run (if/else, handlers, match cases)
        self.loop_depth = 0  # loops around this point within the current function or module
        self.guarded = 0  # inside a try body whose handlers catch NameError: reads never fail
        self.import_guarded = 0  # inside a try body whose handlers catch ImportError: imports are optional
        self.annotation = False  # visiting an annotation that Python evaluates
        self.compile_check = False  # something only the compiler rejects may be here: compile the statement
        self.to_compile: list[int] = []  # the top-level statements (indices) where it was
        self.loads: list[str] | None = None  # where the names the current top-level statement reads go
        self.plain = True  # no scope of its own, binding or suspension in it (``scopes._NOT_PLAIN``)

    # -- entry ------------------------------------------------------------------------------
    def run(self, body: list[ast.stmt]) -> None:
        names: list[str] = []
        ends: list[int] = []
        for index, stmt in enumerate(body):
            t = type(stmt)
            if t is ast.Expr or (t is ast.Assign and _to_names(stmt.targets)):
                start = len(names)
                self.loads, self.plain = names, True
                self.stmt(stmt)
                self.loads = None
                if self.plain:
                    ends.append(len(names))
                else:
                    del names[start:]
                    ends.append(-1)
            else:
                self.stmt(stmt)
                ends.append(-1)
            if self.compile_check:
                self.to_compile.append(index)
                self.compile_check = False
        self.facts.statement_loads = (names, ends)
        st, vals = self.st, self.vals
        if st is None:  # every path raised: the names are as where the cell stopped
            st, vals, _ = self.merged(({}, {}, None), self.killed) if self.killed else ({}, {}, None)
            st = st or {}
        facts = self.facts
        binds, unbinds = facts.binds, facts.unbinds
        for name, mask in st.items():
            if mask & BOUND:
                binds.add(name)
            elif mask == UNBOUND:
                unbinds.add(name)
        if vals:  # names that may hold a function or class after the cell
            facts.exit_values = {name: (vals.get(name) if st[name] == BOUND else None) for name in binds}
        elif binds:
            facts.exit_values = dict.fromkeys(binds)

    # -- module state -----------------------------------------------------------------------
    def set(self, name: str, mask: int, value: Any = None) -> None:
        st = self.st
        if st is None:
            return
        st[name] = mask
        vals = self.vals  # only names that hold a function or class: most cells define none
        if value is not None:
            vals[name] = value
        elif vals:
            vals.pop(name, None)
        self.head = (self.head, name, mask, value)
        for acc in self.try_accs:
            acc[name] = acc.get(name, 0) | mask

    def fork(self) -> _State:
        """The current state, kept; the current path goes on with a copy."""
        snap = (self.st, self.vals, self.head)
        if self.st is not None:
            self.st = dict(self.st)
            self.vals = dict(self.vals)
        return snap

    def restore(self, snap: _State) -> None:
        st, vals, head = snap
        self.st = dict(st) if st is not None else None
        self.vals = dict(vals)
        self.head = head

    def capture(self) -> _State:
        return (self.st, self.vals, self.head)

    def apply(self, state: _State) -> None:
        self.st, self.vals, self.head = state

    def kill(self) -> None:
        if self.st is not None:
            self.killed.append(self.capture())
            self.st = None

    def merged(self, base: _State, ends: list[_State]) -> _State:
        """Where paths meet: each name may be whatever some path left it as."""
        live = [end for end in ends if end[0] is not None]
        if not live:
            return (None, {}, base[2])
        if len(live) == 1:
            return live[0]
        base_st, base_vals, head = base
        base_st = base_st or {}
        st: dict[str, int] = {}
        vals: dict[str, Any] = {}
        names: set[str] = set()
        for end in live:
            names.update(end[0])
        for name in names:
            mask = 0
            value = live[0][1].get(name)
            for end in live:
                mask |= end[0].get(name, ENTRY)
                if end[1].get(name) is not value:
                    value = None
            if mask != BOUND:
                value = None
            st[name] = mask
            if value is not None:
                vals[name] = value
            if base_st.get(name, ENTRY) != mask or base_vals.get(name) is not value:
                head = (head, name, mask, value)
        return (st, vals, head)

    def dead_block(self, body: list[ast.stmt]) -> None:
        """A block that never runs (``if False:``, the ``else`` of ``if __name__ == "__main__":``):
        visited for the other facts, invisible to the module state."""
        saved = self.capture()
        self.st = None
        self.block(body)
        self.apply(saved)

    # -- names ------------------------------------------------------------------------------
    def read(self, name: str, line: int) -> None:
        scopes = self.scopes
        if len(scopes) > 1:  # inside a class body, comprehension or function: its own names first
            scope = scopes[-1]
            if scope.kind == "function":  # the common case: directly in a function body
                if scope.reads is not None and not self.guarded:
                    scope.reads.add(name)  # locals and builtins are taken out at the function's end
                return
            for scope in reversed(scopes):
                kind = scope.kind
                if kind == "function":  # runs when called
                    if scope.reads is not None and not self.guarded:
                        scope.reads.add(name)
                    return
                if kind == "module":
                    break
                if name in scope.names and (kind != "class" or scope is scopes[-1]):
                    return  # a class body's names are not seen from the scopes nested in it
        st = self.st
        if st is None or name in ALWAYS_DEFINED:
            return
        mask = st.get(name, ENTRY)
        if mask & BOUND:
            return
        if self.guarded:
            facts = self.facts
            if not facts.guarded_reads:
                facts.guarded_reads = set()
            facts.guarded_reads.add(name)  # type: ignore[union-attr]
        else:
            self.free_read(name, line, mask)

    def free_read(self, name: str, line: int, mask: int) -> None:
        """A read at module level that fails unless an earlier cell bound ``name`` (``mask``: its state here)."""
        facts = self.facts
        if mask == UNBOUND:
            if not facts.unbound_reads:
                facts.unbound_reads = set()
            facts.unbound_reads.add((line, name))  # type: ignore[union-attr]
        if self.annotation:
            if not facts.annotation_reads:
                facts.annotation_reads = set()
            facts.annotation_reads.add((line, name))  # type: ignore[union-attr]
        (self.loop_reads[-1] if self.loop_frames and self.deferred() else facts.free_reads).append((line, name))

    def deferred(self) -> bool:
        """Inside a module-level loop, whether a read (or call) here may be skipped on the first
        iteration — in a branch, or after a ``break``/``continue`` — so that a name the loop binds
        later counts as bound by a previous iteration. One that runs on the first iteration
        fails there whatever the loop binds later."""
        frames = self.loop_frames
        if not frames:
            return False
        return self.branch_depth != frames[0][0] or any(frame[1] for frame in frames)

    def bind(self, name: str, *, walrus: bool = False, value: Any = None) -> None:
        scopes = self.scopes
        index = len(scopes) - 1
        if walrus:
            while scopes[index].kind == "comprehension":
                index -= 1
        scope = scopes[index]
        if scope.kind == "module" or (scope.kind == "function" and name in scope.globals):
            self.set(name, BOUND, value)
        else:
            scope.names.add(name)
            if scope.values is not None:
                scope.values[name] = value
        if name == "__debug__":
            self.compile_check = True

    def unbind(self, name: str, line: int) -> None:
        self.read(name, line)  # ``del x`` fails when x is unbound
        if len(self.scopes) == 1:
            self.set(name, UNBOUND)

    # -- statements -------------------------------------------------------------------------
    def block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.stmt(stmt)

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
            if not self.function_depth:  # annotations of a function's locals are never evaluated
                self.annotate(node.annotation)
            if node.value is not None:
                self.target(node.target)
            elif self.function_depth and isinstance(node.target, ast.Name):
                self.scopes[-1].names.add(node.target.id)  # ``x: int`` makes x local
        elif t in (ast.Import, ast.ImportFrom):
            self.import_(node)
        elif t in (ast.FunctionDef, ast.AsyncFunctionDef):
            self.function(node)
        elif t is ast.ClassDef:
            self.class_(node)
        elif t in (ast.For, ast.AsyncFor):
            self.expr(node.iter)
            if t is ast.AsyncFor:
                self.check_async()
            self.loop(node, node.target)
        elif t is ast.While:
            self.expr(node.test)
            self.loop(node, None)
        elif t is ast.If:
            self.if_(node)
        elif t in (ast.With, ast.AsyncWith):
            if t is ast.AsyncWith:
                self.check_async()
            for item in node.items:
                self.expr(item.context_expr)
                if item.optional_vars is not None:
                    self.target(item.optional_vars)
            self.block(node.body)
        elif t in _TRY:
            self.try_(node)
        elif t is ast.Delete:
            for target in node.targets:
                self.delete(target)
        elif t is ast.Return:
            if not self.function_depth:
                self.compile_check = True
            if node.value is not None:
                self.expr(node.value)
        elif t is ast.Raise:
            if node.exc is not None:
                self.expr(node.exc)
            if node.cause is not None:
                self.expr(node.cause)
            if not self.function_depth:
                self.kill()
        elif t is ast.Assert:
            self.expr(node.test)
            if node.msg is not None:
                self.expr(node.msg)
        elif t is ast.Global:
            self.compile_check = True  # "assigned to before global declaration" and the like
            self.scopes[-1].globals.update(node.names)
        elif t is ast.Nonlocal:
            self.compile_check = True
        elif t is ast.Break or t is ast.Continue:
            if not self.loop_depth:
                self.compile_check = True
            elif not self.function_depth and self.loop_exits and self.st is not None:
                self.loop_exits[-1][0 if t is ast.Break else 1].append(self.capture())
                self.loop_frames[-1][1] = True
                self.st = None
        elif t is ast.Match:
            self.match(node)
        # Pass: nothing to record

    def if_(self, node: ast.If) -> None:
        self.expr(node.test)
        if self.function_depth:
            self.block(node.body)
            self.block(node.orelse)
            return
        truth = _static_truth(node.test)
        if truth is True:
            self.block(node.body)
            self.dead_block(node.orelse)
        elif truth is False:
            self.dead_block(node.body)
            self.block(node.orelse)
        else:
            base = self.fork()
            self.branch_depth += 1
            self.block(node.body)
            taken = self.capture()
            self.restore(base)
            self.block(node.orelse)
            self.branch_depth -= 1
            self.apply(self.merged(base, [taken, self.capture()]))

    def loop(self, node: ast.For | ast.AsyncFor | ast.While, target: ast.expr | None) -> None:
        self.loop_depth += 1
        if self.function_depth:
            if target is not None:
                self.target(target)
            self.block(node.body)
            self.loop_depth -= 1
            self.block(node.orelse)
            return
        base = self.fork()
        self.loop_exits.append(([], []))
        self.loop_frames.append([self.branch_depth, False])
        self.loop_reads.append([])
        self.loop_calls.append([])
        if target is not None:
            self.target(target)
        self.block(node.body)
        self.loop_frames.pop()
        breaks, continues = self.loop_exits.pop()
        self.loop_depth -= 1
        # When the loop tests again, or ends: after no iteration, or after some.
        again = self.merged(base, [base, self.capture(), *continues])
        pending = self.loop_reads.pop()
        calls = self.loop_calls.pop()
        st = again[0]
        still_free = [] if st is None else [(line, name) for line, name in pending if not st.get(name, ENTRY) & BOUND]
        (self.loop_reads[-1] if self.loop_reads else self.facts.free_reads).extend(still_free)
        sites = self.facts.call_sites
        for index in calls:
            sites[index] = sites[index]._replace(loop_state=again[2])  # type: ignore[index]
        if self.loop_calls:
            self.loop_calls[-1].extend(calls)
        self.restore(again)
        self.block(node.orelse)  # runs when the loop ends without ``break``
        self.apply(self.merged(again, [self.capture(), *breaks]))

    def try_(self, node: ast.Try) -> None:
        if type(node) is not ast.Try:  # ``except*``: break/continue/return inside are compile errors
            self.compile_check = True
        guards = any(_catches(h.type, _CATCHES_NAME_ERROR) for h in node.handlers)
        import_guards = any(_catches(h.type, _CATCHES_IMPORT_ERROR) for h in node.handlers)
        if self.function_depth:
            self.guarded += guards
            self.import_guarded += import_guards
            self.block(node.body)
            self.guarded -= guards
            self.import_guarded -= import_guards
            for handler in node.handlers:
                if handler.type is not None:
                    self.expr(handler.type)
                if handler.name:
                    self.bind(handler.name)
                self.block(handler.body)
            self.block(node.orelse)
            self.block(node.finalbody)
            return
        base = self.fork()
        acc: dict[str, int] = {}
        self.try_accs.append(acc)
        self.guarded += guards
        self.import_guarded += import_guards
        self.block(node.body)
        self.guarded -= guards
        self.import_guarded -= import_guards
        self.try_accs.pop()
        self.block(node.orelse)
        ends = [self.capture()]
        # A handler starts from the state before the try or any state the body passed through.
        entry_st, entry_vals, entry_head = base
        if entry_st is not None and acc:
            entry_st, entry_vals = dict(entry_st), dict(entry_vals)
            for name, mask in acc.items():
                mask |= entry_st.get(name, ENTRY)
                entry_st[name] = mask
                entry_vals.pop(name, None)
                entry_head = (entry_head, name, mask, None)
        entry = (entry_st, entry_vals, entry_head)
        self.branch_depth += 1
        for handler in node.handlers:
            self.restore(entry)
            if handler.type is not None:
                self.expr(handler.type)
            if handler.name:
                self.bind(handler.name)
                self.block(handler.body)
                self.set(handler.name, UNBOUND)  # Python deletes the target when the handler ends
            else:
                self.block(handler.body)
            ends.append(self.capture())
        self.branch_depth -= 1
        self.apply(self.merged(base, ends))
        if node.finalbody:
            if self.st is None:  # every path leaves with an exception; ``finally`` still runs
                self.restore(entry)
                self.block(node.finalbody)
                self.kill()
            else:
                self.block(node.finalbody)

    def match(self, node: ast.Match) -> None:
        self.expr(node.subject)
        if self.function_depth:
            for case in node.cases:
                self.pattern(case.pattern)
                if case.guard is not None:
                    self.expr(case.guard)
                self.block(case.body)
            return
        base = self.fork()
        ends = [base]  # no case matched
        self.branch_depth += 1
        for case in node.cases:
            self.restore(base)
            self.pattern(case.pattern)
            if case.guard is not None:
                self.expr(case.guard)
            self.block(case.body)
            ends.append(self.capture())
        self.branch_depth -= 1
        self.apply(self.merged(base, ends))

    def import_(self, node: ast.Import | ast.ImportFrom) -> None:
        imports = self.facts.imports
        line = node.lineno
        optional = bool(self.import_guarded)
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    imports.append(Import(line, alias.asname, alias.name, alias.name, optional=optional))
                    self.bind(alias.asname)
                else:
                    head = alias.name.split(".")[0]
                    imports.append(Import(line, head, head, alias.name, optional=optional))
                    self.bind(head)
            return
        relative = bool(node.level)
        module = node.module or ""
        if module == "__future__":
            self.compile_check = True
            if any(alias.name == "annotations" for alias in node.names):
                self.facts.future_annotations = True
        for alias in node.names:
            if alias.name == "*":
                imports.append(Import(line, None, module, module, relative, optional))
                if len(self.scopes) > 1:
                    self.compile_check = True  # only allowed at module level
                elif self.facts.star_import_line is None and self.st is not None:
                    self.facts.star_import_line = line
                continue
            bound = alias.asname or alias.name
            imports.append(
                Import(line, bound, f"{module}.{alias.name}" if module else alias.name, module, relative, optional)
            )
            self.bind(bound)

    def annotate(self, node: ast.expr) -> None:
        if self.facts.future_annotations:
            return  # never evaluated
        self.annotation = True
        self.expr(node)
        self.annotation = False

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        args = node.args
        positional = args.posonlyargs + args.args
        self._defaults(args, positional)
        params = [a.arg for a in (*positional, *args.kwonlyargs, args.vararg, args.kwarg) if a is not None]
        if len(set(params)) != len(params) or "__debug__" in params:
            self.compile_check = True
        is_lambda = type(node) is ast.Lambda
        enclosing = self.scopes[-1]
        # Followed at call sites: functions whose def runs at module level or in a module-level class body.
        follow = (
            not is_lambda
            and not self.function_depth
            and (enclosing.kind == "module" or (enclosing.kind == "class" and len(self.scopes) == 2))
        )
        if not is_lambda:
            self._signature(node, positional)
        scope = _Scope("function")
        scope.names.update(params)
        scope.is_async = type(node) is ast.AsyncFunctionDef
        if enclosing.kind == "class":
            scope.names.add("__class__")  # the implicit cell ``super()`` uses
        if follow:
            scope.reads = set()
            scope.calls = []
        self.scopes.append(scope)
        self.function_depth += 1
        saved = self.loop_depth, self.guarded, self.annotation
        self.loop_depth = self.guarded = 0
        self.annotation = False
        if is_lambda:
            self.expr(node.body)
        else:
            self.block(node.body)
        self.loop_depth, self.guarded, self.annotation = saved
        self.function_depth -= 1
        self.scopes.pop()
        if not is_lambda:
            self._defined(node, scope, enclosing, follow)

    def _defaults(self, args: ast.arguments, positional: list[ast.arg]) -> None:
        """Default values run at the def, in the enclosing scope."""
        for arg, default in [
            *zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True),
            *zip(args.kwonlyargs, args.kw_defaults, strict=True),
        ]:
            if default is None:
                continue
            self.expr(default)
            if type(default) is ast.Constant and type(default.value) is str:
                self.facts.string_bindings.append(StringBinding(default.lineno, arg.arg, default.value))

    def _signature(self, node: ast.FunctionDef | ast.AsyncFunctionDef, positional: list[ast.arg]) -> None:
        """Decorators (and, at module level, annotations) are evaluated at the def."""
        args = node.args
        self.facts.defines_functions = True
        for decorator in node.decorator_list:
            self.expr(decorator)
        if not self.function_depth:
            for a in (*positional, *args.kwonlyargs, args.vararg, args.kwarg):
                if a is not None and a.annotation is not None:
                    self.annotate(a.annotation)
            if node.returns is not None:
                self.annotate(node.returns)

    def _defined(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: _Scope, enclosing: _Scope, follow: bool
    ) -> None:
        """The def binds its name, with what its body reads and calls when it is followed at call sites."""
        info = None
        if follow and not scope.generator and not scope.is_async and _plain_decorators(node, enclosing.kind == "class"):
            local = scope.names - scope.globals
            reads = frozenset(scope.reads - local - ALWAYS_DEFINED)  # type: ignore[operator]
            calls = tuple(dict.fromkeys(key for key in scope.calls if (key[0] or key[1]) not in local))  # type: ignore[union-attr]
            info = FunctionInfo(node.name, node.lineno, reads, calls)
        if not self.function_depth and enclosing.kind == "module":
            for decorator in node.decorator_list:  # ``@deco`` calls deco at the def
                if type(decorator) is ast.Name:
                    self.call_site(decorator.lineno, (decorator.id,))
            if info is not None:
                self._callable(node.name)
        self.bind(node.name, value=info)

    def class_(self, node: ast.ClassDef) -> None:
        for base in node.bases:
            self.expr(base)
        for keyword in node.keywords:
            self.expr(keyword.value)
        for decorator in node.decorator_list:
            self.expr(decorator)
        scope = _Scope("class")
        scope.names.update(("__module__", "__qualname__"))
        # What ``C()`` and ``C.m()`` run is certain for a plain class: no bases but object, no
        # metaclass, no decorator, and a body whose names are bound unconditionally.
        plain = not self.function_depth and len(self.scopes) == 1 and not node.keywords and not node.decorator_list
        if plain:
            for base in node.bases:
                if type(base) is not ast.Name or base.id != "object":
                    plain = False
            for stmt in node.body:
                if type(stmt) in _COMPOUND:
                    plain = False
        if plain:
            scope.values = {}
        self.scopes.append(scope)
        saved = self.loop_depth
        self.loop_depth = 0
        self.block(node.body)
        self.loop_depth = saved
        self.scopes.pop()
        self.facts.defines_functions = True
        info = None
        if not self.function_depth and len(self.scopes) == 1:
            methods = None
            if scope.values is not None:
                methods = {name: value for name, value in scope.values.items() if isinstance(value, FunctionInfo)}
            info = ClassInfo(node.name, node.lineno, methods)
            if methods is not None:
                self._callable(node.name)
        self.bind(node.name, value=info)

    def _callable(self, name: str) -> None:
        facts = self.facts
        if not facts.callables:
            facts.callables = set()
        facts.callables.add(name)  # type: ignore[union-attr]

    def check_async(self) -> None:
        for scope in reversed(self.scopes):
            if scope.kind == "function":
                if not scope.is_async:
                    self.compile_check = True
                return

    def target(self, node: ast.expr) -> None:
        t = type(node)
        if t is ast.Name:
            self.bind(node.id)
        elif t in (ast.Tuple, ast.List):
            for elt in node.elts:
                self.target(elt)
        elif t is ast.Starred:
            self.compile_check = True  # ``*a = …`` and two starred targets are compile errors
            self.target(node.value)
        else:  # attribute or subscript: reads the object being assigned into
            self.expr(node)

    def delete(self, node: ast.expr) -> None:
        if isinstance(node, ast.Name):
            if self.scopes[-1].kind != "module":
                self.read(node.id, node.lineno)
                self.scopes[-1].names.add(node.id)  # ``del x`` makes x local
            else:
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

    # -- expressions ------------------------------------------------------------------------
    def compared_string(self, left: ast.expr, right: ast.expr, line: int) -> None:
        """``password == "hunter22"`` (either way round) records the literal like a binding."""
        for named, value in ((left, right), (right, left)):
            if type(value) is ast.Constant and type(value.value) is str:
                name = _binding_name(named)
                if name:
                    self.facts.string_bindings.append(StringBinding(line, name, value.value))
                return

    def expr(self, root: ast.expr) -> None:  # noqa: C901 - the hot loop, kept flat on purpose
        # An explicit stack, children pushed last-first so they are visited in evaluation order
        # (``[y := 5, y ** 2]`` binds y before reading it). A str on the stack is a walrus target
        # to bind once its value has been visited.
        stack: list[Any] = [root]
        facts = self.facts
        loads = self.loads
        while stack:
            node = stack.pop()
            t = type(node)
            if t is ast.Name:
                if type(node.ctx) is ast.Load:
                    self.read(node.id, node.lineno)
                    if loads is not None:
                        loads.append(node.id)
                else:
                    self.bind(node.id)
                    self.plain = False
            elif t is ast.Constant:
                if type(node.value) is str:
                    facts.strings.append((node.lineno, node.value))
            elif t is ast.Call:
                self.call(node)
                if node.keywords:  # most calls have none: no comprehension to run for them
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
                self.plain = False
                self.comprehension(node)
            elif t is ast.Lambda:
                self.plain = False
                self.function(node)
            elif t is ast.NamedExpr:
                self.plain = False
                if self.scopes[-1].kind == "comprehension":
                    self.compile_check = True  # rebinding an iteration variable, in a class body …
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
            elif t is ast.IfExp:
                stack.append(node.orelse)
                stack.append(node.body)
                stack.append(node.test)
            elif t is ast.Slice:
                if node.step is not None:
                    stack.append(node.step)
                if node.upper is not None:
                    stack.append(node.upper)
                if node.lower is not None:
                    stack.append(node.lower)
            elif t is ast.Starred:
                stack.append(node.value)
            elif t is ast.Yield or t is ast.YieldFrom or t is ast.Await:
                self.plain = False
                self.suspend(t is ast.Await)
                if node.value is not None:
                    stack.append(node.value)
            else:
                stack.extend(reversed(list(ast.iter_child_nodes(node))))

    def suspend(self, is_await: bool) -> None:
        """``yield`` makes the enclosing function a generator (its calls run nothing yet);
        ``yield`` outside a function and ``await`` outside ``async def`` are compile errors."""
        for scope in reversed(self.scopes):
            if scope.kind == "function":
                if is_await:
                    if not scope.is_async:
                        self.compile_check = True
                else:
                    scope.generator = True
                return
            if scope.kind != "module":
                self.compile_check = True  # in a comprehension or class body
                return
        if not is_await:
            self.compile_check = True

    def call(self, node: ast.Call) -> None:
        func = node.func
        # A plain name and no arguments are the common cases: no helper frame, no comprehension for them.
        parts = (func.id,) if type(func) is ast.Name else dotted(func)
        args = tuple([a.value if type(a) is ast.Constant else NOT_LITERAL for a in node.args]) if node.args else ()
        kwargs = {}
        for keyword in node.keywords:
            value = keyword.value
            if type(value) is ast.Constant:
                kwargs[keyword.arg] = value.value
                if keyword.arg and type(value.value) is str:
                    binding = (node.lineno, keyword.arg, value.value)
                    self.facts.string_bindings.append(_new_tuple(StringBinding, binding))
            else:
                kwargs[keyword.arg] = NOT_LITERAL
        self.facts.calls.append(_new_tuple(Call, (node.lineno, parts, args, kwargs)))
        head = parts[0]
        if head is not None:
            # f(…), or C.m(…) with a class name in CapWords (PEP 8): x.m(…) on a lowercase name is
            # a value's method (df.head(), plt.plot()), never followed, so not even recorded.
            if (len(parts) == 1 or (len(parts) == 2 and head[0].isupper())) and head not in BUILTINS:
                scopes = self.scopes
                if len(scopes) == 1:  # module level: the common case
                    self.module_call(node.lineno, parts, head)
                elif scopes[-1].kind == "function":  # directly in a function body
                    scope = scopes[-1]
                    if scope.calls is not None and not self.guarded:
                        scope.calls.append(parts)
                else:
                    self.call_site(node.lineno, parts)
        elif type(func) is ast.Attribute and type(func.value) is ast.Call and type(func.value.func) is ast.Name:
            inner = func.value.func.id
            if inner == "get_ipython":
                self.ipython_call(node, func.attr, args)
            elif inner[0].isupper() and inner not in BUILTINS:
                self.call_site(node.lineno, (None, inner, func.attr))

    def call_site(self, line: int, key: tuple[str | None, ...]) -> None:
        """A call whose callee may be a module-level function or class: kept for the check."""
        name = key[0] if key[0] is not None else key[1]
        scopes = self.scopes
        if len(scopes) > 1:
            for scope in reversed(scopes):
                kind = scope.kind
                if kind == "function":
                    if scope.calls is not None and not self.guarded:
                        scope.calls.append(key)
                    return
                if kind == "module":
                    break
                if name in scope.names and (kind != "class" or scope is scopes[-1]):
                    return  # a class-body or comprehension name: not the module's
        self.module_call(line, key, name)

    def module_call(self, line: int, key: tuple[str | None, ...], name: str) -> None:
        st = self.st
        if st is None or self.guarded:
            return
        if st.get(name) == BOUND and name not in self.vals:
            return  # this cell bound the name to something else than a def or class just before
        facts = self.facts
        sites = facts.call_sites
        if not sites:
            sites = facts.call_sites = []
            facts.call_heads = set()
        facts.call_heads.add(name)  # type: ignore[union-attr]
        if self.loop_frames and self.deferred():
            self.loop_calls[-1].append(len(sites))
        sites.append(_new_tuple(CallSite, (line, key, self.head, None)))  # type: ignore[union-attr]

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
_TRY = (ast.Try, getattr(ast, "TryStar", ast.Try))
_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Match, *_TRY)
_CATCHES_NAME_ERROR = frozenset({"NameError", "Exception", "BaseException"})


_CATCHES_IMPORT_ERROR = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def _to_names(targets: list[ast.expr]) -> bool:
    """Whether every target of an assignment is a plain name."""
    if len(targets) == 1:
        return type(targets[0]) is ast.Name
    return all(type(target) is ast.Name for target in targets)


def _catches(node: ast.expr | None, names: frozenset[str]) -> bool:
    if node is None:  # a bare ``except:``
        return True
    if type(node) is ast.Tuple:
        return any(_catches(elt, names) for elt in node.elts)
    return type(node) is ast.Name and node.id in names


def _static_truth(test: ast.expr) -> bool | None:
    """A test whose outcome is known in a notebook: a constant, or ``__name__ == "__main__"``
    (a notebook's code always runs as ``__main__``)."""
    t = type(test)
    if t is ast.Constant:
        return bool(test.value)
    if t is ast.Compare and len(test.ops) == 1 and type(test.ops[0]) in (ast.Eq, ast.NotEq):
        sides = (test.left, test.comparators[0])
        names = [s for s in sides if type(s) is ast.Name and s.id == "__name__"]
        constants = [s for s in sides if type(s) is ast.Constant and type(s.value) is str]
        if len(names) == 1 and len(constants) == 1:
            return (constants[0].value == "__main__") == (type(test.ops[0]) is ast.Eq)
    return None


def _plain_decorators(node: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> bool:
    """Whether calling the name runs this body: no decorator (a method: staticmethod or classmethod only)."""
    if not node.decorator_list:
        return True
    return method and all(type(d) is ast.Name and d.id in ("staticmethod", "classmethod") for d in node.decorator_list)


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
