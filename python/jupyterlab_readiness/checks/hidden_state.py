"""Names a fresh top-to-bottom run would not have defined when a cell reads them.

Each cell's facts (notebook/facts.py) say which reads fail unless an earlier cell defined the name,
which fail whatever ran before, and what each module-level call runs. This check walks the cells in
order with the names defined so far, and resolves calls across cells: at a call of a module-level
function (or ``C()``, ``C.m()``, ``C().m()`` of a plain module-level class) every module name the
body reads — and, transitively, the bodies of the functions it calls, as they are bound at that
moment — must be defined there. A callee that is not certain is not followed, never guessed: a
name bound by anything but a ``def``/``class`` statement that runs unconditionally (an alias
``g = f``, a function passed as an argument, a decorated function, a generator or coroutine, a
method reached through ``self`` or a base class).

A star import from a standard library module binds the names that module exports here (listed by
notebook/names.py); any other star import, ``%run`` or ``%pylab`` leaves the names unknown, and
nothing after it is reported. After a standard library star import a name no cell binds is not
reported either: the kernel's Python may export more names from that module than this one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..notebook.facts import BOUND, ENTRY, CallSite, CellFacts, ClassInfo, FunctionInfo, state_of
from ..notebook.names import star_names
from .context import Context, Hit, cell_label
from .live import restore_hint

_RUNS_MAGIC_NAMESPACE = ("run", "pylab")  # automagic lines that bring names nobody can see


def hidden_state(ctx: Context) -> Iterator[Hit]:
    code = ctx.code
    definers: dict[str, int] = {}  # name → first cell that binds it, for the suggestion
    for cell, facts in code:
        for name in facts.binds:
            definers.setdefault(name, cell.index)
    defined: set[str] = set()
    values: dict[str, Any] = {}  # name → the FunctionInfo / ClassInfo it holds, when certain
    open_namespace = False  # after a star import or %run, unknown names may exist: never guess
    star_above = False  # a standard library star import ran: names no cell binds may come from it
    future_annotations = False
    for cell, facts in code:
        if facts.syntax_error is not None:
            continue  # the run stops there; the syntax-error check says so
        magic = facts.automagic
        if magic is not None and magic[0] not in defined:
            # IPython runs this one-line cell as the magic ``%name``: no Python reads or binds.
            if magic[0] in _RUNS_MAGIC_NAMESPACE:
                open_namespace = True
            continue
        provided = _star_provided(facts) if facts.star_import_line is not None else None
        if not open_namespace:
            # The common case first, without a call: every read defined, no call into a known body.
            reads = facts.free_reads
            if (reads and (facts.unbound_reads or not defined.issuperset([name for _, name in reads]))) or (
                facts.call_sites and _may_call(facts, values)
            ):
                yield from _cell_hits(
                    ctx, cell.index, facts, defined, values, definers, future_annotations, provided, star_above
                )
        defined |= facts.binds
        defined -= facts.unbinds
        _carry_values(values, facts)
        future_annotations = future_annotations or facts.future_annotations
        if facts.star_import_line is not None:
            if provided is None:
                open_namespace = True
            else:
                defined |= provided
                for name in provided:
                    values.pop(name, None)  # rebound by the star import, whatever the cell defined before it
                star_above = True


def _star_provided(facts: CellFacts) -> frozenset[str] | None:
    """The names the cell's star imports bind, when every one is from a standard library module
    whose names are known here; None when a name may come from anywhere (another module's star
    import, ``%run``, ``%pylab``, ``%store -r``)."""
    if any(magic.kind == "line" and magic.name in ("run", "pylab", "store") for magic in facts.magics):
        return None
    provided: frozenset[str] = frozenset()
    for imported in facts.imports:
        if imported.bound is None:
            names = None if imported.relative else star_names(imported.module)
            if names is None:
                return None
            provided |= names
    return provided


def _carry_values(values: dict[str, Any], facts: CellFacts) -> None:
    """The functions and classes names certainly hold after the cell ran."""
    if values:
        for name in facts.unbinds:
            values.pop(name, None)
    exit_values = facts.exit_values
    if exit_values:
        for name, value in exit_values.items():
            if value is None:
                if values:
                    values.pop(name, None)
            else:
                values[name] = value


def _may_call(facts: CellFacts, values: dict[str, Any]) -> bool:
    callables = facts.callables
    return any(head in callables or head in values for head in facts.call_heads)


def _cell_hits(
    ctx: Context,
    index: int,
    facts: CellFacts,
    defined: set[str],
    values: dict[str, Any],
    definers: dict[str, int],
    future_annotations: bool,
    provided: frozenset[str] | None,
    star_above: bool,
) -> Iterator[Hit]:
    star = facts.star_import_line
    unbound = facts.unbound_reads
    events: list[tuple[int, str, str | None]] = []  # (line, name, function whose call reads it)
    for line, name in facts.free_reads:
        if name in defined and not (unbound and (line, name) in unbound):
            continue
        if (star is not None or star_above) and _star_may_bind(line, name, star, provided, star_above, definers):
            continue
        if future_annotations and (line, name) in facts.annotation_reads:
            continue
        events.append((line, name, None))
    if facts.call_sites:
        # Calls after a star import of unknown names are not followed: what they run is unknown.
        for line, name, function in _call_reads(facts, defined, values, star if provided is None else None):
            if not (
                (star is not None or star_above) and _star_may_bind(line, name, star, provided, star_above, definers)
            ):
                events.append((line, name, function))
    if not events:
        return
    events.sort(key=lambda e: e[0])
    reported: set[str] = set()
    for line, name, function in events:
        if name in reported:
            continue
        reported.add(name)
        hit = _hit(index, line, name, definers.get(name), function)
        restore = restore_hint(ctx, name) if name not in definers else None
        yield hit._replace(suggestion=restore) if restore else hit


def _star_may_bind(
    line: int, name: str, star: int | None, provided: frozenset[str] | None, star_above: bool, definers: dict[str, int]
) -> bool:
    """Whether a star import run before this line may have bound the name: the cell's own binds its
    module's names (``provided``), or any names when they are unknown (None). A standard library
    module may export names in the kernel's Python that it does not here, so after one a name no
    cell binds is never guessed."""
    after_star = star is not None and line > star
    if after_star and (provided is None or name in provided):
        return True
    return (star_above or after_star) and name not in definers


def _call_reads(
    facts: CellFacts, defined: set[str], values: dict[str, Any], stop: int | None
) -> Iterator[tuple[int, str, str]]:
    """(line, name, function) for each module name a call of the cell (before line ``stop``, when
    given) reads through the bodies it runs, and that is not defined where it runs."""
    # Only a call whose head may hold a function or class (bound so by an earlier cell or by a
    # def/class of this one) can run a body; the others are skipped without a lookup.
    heads = {head for head in facts.call_heads if head in facts.callables or head in values}
    if not heads:
        return
    for site in facts.call_sites:
        key = site.key
        if (key[0] if key[0] is not None else key[1]) not in heads:
            continue
        if stop is not None and site.line > stop:
            continue
        for name, function in _missing_at_call(site, defined, values):
            yield site.line, name, function


class _At:
    """Names and values at one call: the cell's own state there, else what earlier cells left."""

    __slots__ = ("defined", "site", "values")

    def __init__(self, site: CallSite, defined: set[str], values: dict[str, Any]) -> None:
        self.site = site
        self.defined = defined
        self.values = values

    def is_defined(self, name: str) -> bool:
        if self._defined_in(self.site.state, name):
            return True
        loop_state = self.site.loop_state
        return loop_state is not None and self._defined_in(loop_state, name)

    def _defined_in(self, node: Any, name: str) -> bool:
        found = state_of(node, name)
        if found is None:
            return name in self.defined
        mask = found[0]
        return bool(mask & BOUND) or (bool(mask & ENTRY) and name in self.defined)

    def value(self, name: str) -> Any:
        site = self.site
        value = self._value_in(site.state, name)
        if value is not None and site.loop_state is not None and self._value_in(site.loop_state, name) is not value:
            return None  # a later iteration may see something else
        return value

    def _value_in(self, node: Any, name: str) -> Any:
        found = state_of(node, name)
        if found is None:
            return self.values.get(name) if name in self.defined else None
        mask, value = found
        if mask == BOUND:
            return value
        if mask & BOUND:
            return None
        return self.values.get(name) if mask & ENTRY and name in self.defined else None

    def callees(self, key: tuple[str | None, ...]) -> list[FunctionInfo]:
        """The function bodies a call with this key certainly runs (none when not certain)."""
        if key[0] is not None:
            target = self.value(key[0])
            if len(key) == 1:
                if isinstance(target, FunctionInfo):
                    return [target]
                if isinstance(target, ClassInfo) and target.methods is not None:
                    return _constructors(target)
                return []
            if isinstance(target, ClassInfo) and target.methods is not None:
                method = target.methods.get(key[1])  # type: ignore[arg-type]
                return [method] if method is not None else []
            return []
        target = self.value(key[1])  # type: ignore[arg-type]
        if isinstance(target, ClassInfo) and target.methods is not None:
            method = target.methods.get(key[2])  # type: ignore[arg-type]
            return _constructors(target) + ([method] if method is not None else [])
        return []


def _constructors(cls: ClassInfo) -> list[FunctionInfo]:
    methods = cls.methods or {}
    return [m for m in (methods.get("__new__"), methods.get("__init__")) if m is not None]


def _missing_at_call(site: CallSite, defined: set[str], values: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, function) for each module name a call reads, through the functions it calls, that is
    not defined where the call runs."""
    at = _At(site, defined, values)
    queue = at.callees(site.key)
    if not queue:
        return []
    seen: set[int] = set()
    reads: dict[str, str] = {}
    while queue:
        function = queue.pop()
        if id(function) in seen:
            continue  # recursion, mutual or direct
        seen.add(id(function))
        for name in function.reads:
            reads.setdefault(name, function.name)
        for key in function.calls:
            queue.extend(at.callees(key))
    return [(name, reads[name]) for name in sorted(reads) if not at.is_defined(name)]


def _hit(index: int, line: int, name: str, definer: int | None, function: str | None) -> Hit:
    if definer is not None and definer > index:
        where = f"{cell_label(definer)} below defines it"
        fix = f"Move the code that defines `{name}` ({cell_label(definer)}) above this cell, or this cell below it."
    elif definer == index:
        where = (
            "this cell binds it only further down, or deletes it first"
            if function is None
            else "this cell binds it only after this call, or deletes it first"
        )
        fix = f"Assign `{name}` before this line."
    elif definer is not None:
        where = "a cell above deletes it"
        fix = f"Remove the `del {name}` above, or stop reading `{name}` after it."
    else:
        where = "no cell defines it"
        fix = (
            f"Add the code that defines `{name}` in a cell above (it may live only in the kernel from a deleted "
            "cell), or remove this use."
        )
    if function is None:
        message = f"`{name}` is read here but a fresh top-to-bottom run has not defined it yet ({where}): NameError."
    else:
        message = (
            f"`{function}()` is called here and reads `{name}`, which a fresh top-to-bottom run has not defined "
            f"yet at this call ({where}): NameError."
        )
    return Hit(index, line, message, fix, subject=name)
