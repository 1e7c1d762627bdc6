"""What a check receives: the notebook, each code cell's facts, and derived views computed once.

Re-checking a live notebook after one edit must cost a fraction of a cold check, so per-cell work
is memoised on the cell's (cached) facts: ``ctx.memo(facts, key, compute)``. A key names the check
and everything else the result depends on — for call-based checks, the imports in force when the
cell starts, interned to an id (``CellScope.aliases_id``). A one-shot run (the CLI) turns the memo
off: storing results nobody will ask for again costs about 4% of a cold check.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ..environment.installed import Installed, installed
from ..environment.local import Folder, is_local_module
from ..environment.pins import PinSet, find_pins
from ..notebook.facts import Call, CellFacts, Import, cell_facts
from ..notebook.model import Cell, Notebook

if TYPE_CHECKING:  # the live kernel's state: the server's, never the CLI's
    from ..environment.local_modules import LocalModule
    from .kernel_state import KernelState

T = TypeVar("T")
Local = tuple[int | None, str, str]  # (line, message, suggestion) within one cell


class Hit(NamedTuple):
    """A finding before the engine adds severity and cell id. (A named tuple: a frozen dataclass
    costs the CLI's start-up a millisecond and a half to create.)

    ``cells``: the other cells it is about, when one cause affects several (the engine lists the
    hit's own cell first). ``subject``: the name or module the hit is about (``df`` for a
    hidden-state read, ``pandas`` for an unpinned import), for the fixes and for grouping; never
    shown. ``cause``: the cell of the finding this one follows from (a cell that does not parse).
    ``file``/``file_line``: set for a hit in a local module the notebook imports (checks/modules.py).
    """

    cell_index: int | None
    line: int | None
    message: str
    suggestion: str
    cells: tuple[int, ...] = ()
    subject: str | None = None
    cause: tuple[str, int] | None = None  # (check, cell) of the finding this one follows from
    file: str | None = None
    file_line: int | None = None


def cell_label(index: int) -> str:
    """How a message names a cell: from 1, as JupyterLab's status bar and ruff do (``cell_index``
    in the JSON stays 0-based)."""
    return f"cell {index + 1}"


def cells_label(indices: Iterable[int]) -> str:
    """How a message names several cells: ``cell 3``, ``cells 3 and 5``, ``cells 2, 3 and 5``."""
    numbers = [str(i + 1) for i in sorted(set(indices))]
    if len(numbers) == 1:
        return f"cell {numbers[0]}"
    return f"cells {', '.join(numbers[:-1])} and {numbers[-1]}"


class ResolvedCall(NamedTuple):
    call: Call
    qualname: str | None  # "datetime.datetime.now" once aliases are resolved; None if the head is unknown


class CellScope(NamedTuple):
    cell: Cell
    facts: CellFacts
    aliases: dict[str, str]  # imported name → what it refers to, when the cell starts
    aliases_id: int  # the same id for the same imports reached the same way, across cells and notebooks


class Context:
    def __init__(
        self,
        notebook: Notebook,
        path: Path | None,
        memoize: bool = True,
        kernel: KernelState | None = None,
        ceiling: Path | None = None,
        folder: Folder | None = None,
    ) -> None:
        self.notebook = notebook
        self.path = path
        self.memoize = memoize
        self.kernel = kernel  # set when the live kernel was probed
        self.ceiling = ceiling  # a server's root: no project file above it is read
        self.folder = folder  # the folder's pins and modules, when the caller looked them up already
        self.directory = path.parent if path is not None else None
        self.seeded_before: frozenset[str] = frozenset()  # for a local module: what the notebook seeds
        self.module_contexts: dict[str, Context] = {}  # a local module's file → its own context
        self.probed_modules: list[Path] = []  # every local module file looked for, found or not
        self._local: dict[str, bool] = {}
        self._calls: dict[int, tuple[ResolvedCall, ...]] = {}  # id of a CellScope in self.scopes → its calls

    @cached_property
    def environment(self) -> Installed:
        """This process's installed packages as they are when this notebook is checked (a server
        lives through installs)."""
        return installed()

    @cached_property
    def code(self) -> list[tuple[Cell, CellFacts]]:
        """Code cells in document order with their facts (facts come from the per-source cache)."""
        if not self.notebook.is_python:
            return []
        return [(c, cell_facts(c.source)) for c in self.notebook.cells if c.cell_type == "code"]

    @cached_property
    def scopes(self) -> list[CellScope]:
        """Code cells with the imports in force when each starts."""
        aliases: dict[str, str] = {}
        aliases_id = _intern(())
        scopes = []
        for cell, facts in self.code:
            scopes.append(CellScope(cell, facts, aliases, aliases_id))
            if facts.imports:
                added = tuple(b for i in facts.imports if (b := i.binding) is not None)
                after = dict(aliases)
                after.update(added)  # as _alias does, import after import
                if after != aliases:
                    # Named by what it was before and what this cell imported: a key of the whole
                    # table would sort it once per importing cell, quadratic when each imports.
                    aliases, aliases_id = after, _intern((aliases_id, added))
        return scopes

    @cached_property
    def local_modules(self) -> list[LocalModule]:
        """The modules beside the notebook that it imports (checks/modules.py follows into them),
        read through the root: never above the ceiling."""
        if self.directory is None or not self.notebook.is_python:
            return []
        if self.folder is not None and not self.folder.modules:
            return []  # nothing beside the notebook to import (most folders): nothing to load either
        imports = [
            (imp.module, imp.target, cell.index, imp.line)
            for cell, facts in self.code
            for imp in facts.imports
            if imp.module and not imp.relative
        ]
        if not imports:
            return []
        from ..environment.local_modules import find_local_modules

        return find_local_modules(self.directory, self.ceiling, imports, self.is_local_module, self.probed_modules)

    def memo(self, facts: CellFacts, key: Any, compute: Callable[[], T]) -> T:
        if not self.memoize:
            return compute()
        found = facts.memo.get(key)
        if found is None:
            found = facts.memo[key] = compute()
        return found

    def calls(self, scope: CellScope) -> tuple[ResolvedCall, ...]:
        """The cell's calls in order, heads resolved through the imports seen so far; resolved
        once per check run even without the memo, as four checks read them."""
        found = self._calls.get(id(scope))
        if found is None:
            facts = scope.facts
            if not facts.calls:  # nothing to resolve: no closure, no memo entry
                found = ()
            elif self.memoize:
                found = self.memo(facts, ("calls", scope.aliases_id), lambda: _resolve(facts, scope.aliases))
            else:
                found = _resolve(facts, scope.aliases)
            self._calls[id(scope)] = found
        return found

    def per_cell(self, check: str, scan: Callable[[Context, CellScope], Iterable[Local]]) -> Iterator[Hit]:
        """Run a check that looks at one cell at a time (its facts and the imports in force),
        memoised per cell."""
        memoize = self.memoize
        for scope in self.scopes:
            if memoize:  # self.memo() inlined: this loop runs per cell per check
                key = (check, scope.aliases_id)
                found = scope.facts.memo.get(key)
                if found is None:
                    found = scope.facts.memo[key] = tuple(scan(self, scope))
            else:
                found = scan(self, scope)
            for line, message, suggestion in found:
                yield Hit(scope.cell.index, line, message, suggestion)

    @cached_property
    def written_modules(self) -> frozenset[str]:
        """The modules the notebook writes beside itself with ``%%writefile util.py`` (or ``%%file``):
        its own code when it imports them, whether or not the file is there yet."""
        names = set()
        for _, facts in self.code:
            for magic in facts.magics:
                if magic.kind == "cell" and magic.name in ("writefile", "file") and magic.args.split():
                    target = PurePosixPath(magic.args.split()[-1].strip("'\""))
                    if target.suffix == ".py" and str(target.parent) == ".":
                        names.add(target.stem)
        return frozenset(names)

    def is_local_module(self, top: str) -> bool:
        """A module or package beside the notebook: the project's own code, never a dependency."""
        if top in self.written_modules:
            return True
        if self.folder is not None:
            return top in self.folder.modules
        known = self._local.get(top)
        if known is None:
            known = self._local[top] = is_local_module(self.directory, top)
        return known

    def pins(self) -> PinSet | None:
        """The exact pins the notebook's folder sees (None for a notebook with no folder)."""
        if self.folder is not None:
            return self.folder.pins
        return find_pins(self.directory, self.ceiling) if self.directory is not None else None


_INTERNED: dict[tuple[Any, ...], int] = {}
_IDS = itertools.count()  # never reused, even after the table is cleared: memo keys stay unique


def _intern(key: tuple[Any, ...]) -> int:
    found = _INTERNED.get(key)
    if found is None:
        if len(_INTERNED) > 10_000:
            _INTERNED.clear()
        found = _INTERNED[key] = next(_IDS)
    return found


_new_tuple = tuple.__new__  # builds a ResolvedCall without its constructor's Python frame (one per call)


def _resolve(facts: CellFacts, start: dict[str, str]) -> tuple[ResolvedCall, ...]:
    imports = facts.imports
    aliases = dict(start) if imports else start
    pending = 0
    resolved = []
    for call in facts.calls:
        while pending < len(imports) and imports[pending].line <= call.line:
            _alias(aliases, imports[pending])
            pending += 1
        resolved.append(_new_tuple(ResolvedCall, (call, _qualify(aliases, call.parts))))
    return tuple(resolved)


def _alias(aliases: dict[str, str], imp: Import) -> None:
    binding = imp.binding
    if binding is not None:
        aliases[binding[0]] = binding[1]


def _qualify(aliases: dict[str, str], parts: tuple[str | None, ...]) -> str | None:
    head = parts[0]
    if head is None:
        return None
    base = aliases.get(head)
    if base is None:
        return head if len(parts) == 1 else None
    return base if len(parts) == 1 else base + "." + ".".join(parts[1:])  # type: ignore[arg-type]
