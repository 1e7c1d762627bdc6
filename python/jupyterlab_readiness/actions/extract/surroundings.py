"""Extract to module: what an extraction needs to know about the code cells around the selection —
the names the cells above define (and which of them an import binds), the names the notebook may
read after the selection ran, and every name or package any cell uses.

``Surroundings`` answers these in time proportional to the selection, not to the notebook: it is
built once (one look at each cell, through per-source caches), then ``select`` moves it down the
notebook to a selection, folding the cells it passes into what is "above". Export to package
extracts section after section into the same working copy, each section then replaced by the cell
that calls its function (``replace``); with the notebook rescanned for every section, that was
quadratic in the number of cells.
"""

from __future__ import annotations

import ast
import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from ...notebook.facts import cell_facts
from ...notebook.model import Cell
from ...notebook.names import ALWAYS_DEFINED
from ...notebook.parse import cell_tree
from ...notebook.scopes import (
    ImportKey,
    alias_bound,
    import_key,
    scope_binds,
    source_function_body_reads,
    source_reads,
)

_WORD = re.compile(r"[A-Za-z_]\w*")


class Names:
    """A set of names that cells come and go from: each name counts the cells that have it, and is
    in the set while one does."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()  # (only names some cell has: none counts 0)

    def add(self, names: Iterable[str]) -> None:
        self._counts.update(names)  # (counted in C: a Python loop cost a large notebook's every name)

    def remove(self, names: Iterable[str]) -> None:
        counts = self._counts
        for name in names:
            left = counts.pop(name) - 1  # (a KeyError for a name no cell had, not a count below 0)
            if left:
                counts[name] = left

    def __contains__(self, name: object) -> bool:
        return name in self._counts


class Surroundings:
    """The code cells of a notebook seen from a selection that moves down it (see the module's
    docstring). Cell indices are those of the notebook as it is now: each ``replace`` puts one cell
    in place of the selection, so the cells below it move up. ``numbers``: how messages name the
    cell first at each index (the export's working copy stands for cells of another notebook); by
    default its index + 1, as JupyterLab shows the cells (and check, rehearse and export name them)."""

    def __init__(self, cells: Iterable[Cell], numbers: Sequence[int] | None = None) -> None:
        self._done: list[Cell] = []  # the cells above the selection, indices final
        self._numbers = numbers
        self._done_numbers: list[int] = []  # how messages name each cell of _done
        self._rest: list[Cell] = list(cells)  # from _next on: the selection and below, as first numbered
        self._next = 0
        self._shift = 0  # cells the replacements removed: a cell of _rest is now at index - _shift
        self.selected: list[Cell] = []
        # name → the last cell above that binds it; of those names, the ones that cell binds by an import
        self.defined: dict[str, int] = {}
        self.import_sources: dict[str, ImportKey] = {}
        self.star_cell: int | None = None  # the first cell above with a star import (or %run)
        # ``from __future__ import annotations`` in a cell above: IPython keeps it on for the cells
        # after, whose annotations are then never evaluated (nor read)
        self.future_annotations = False
        self.taken = Names()  # every name a code cell binds or reads, the selection included
        self.packages = Names()  # the top-level packages the code cells import
        self.later_reads = Names()  # what the notebook may read after the selection ran (see _reads_below)
        for cell in self._rest:
            if cell.cell_type == "code":
                self.taken.add(_names(cell.source))
                self.packages.add(_packages(cell.source))
                self.later_reads.add(_reads_below(cell.source))

    def number(self, index: int) -> int:
        """How messages name the cell now at ``index``; a replacement cell is named as the first
        cell it replaced."""
        if index < len(self._done):
            return self._done_numbers[index]
        first = index + self._shift  # below the cells above, a cell is where it was first numbered
        return first + 1 if self._numbers is None else self._numbers[first]

    @property
    def removed(self) -> int:
        """How many cells the replacements so far took out of the notebook."""
        return self._shift

    def select(self, first: int, last: int) -> list[Cell]:
        """Move down to the cells ``first``..``last`` (indices as now, below any selection before)."""
        while self._next < len(self._rest) and self._rest[self._next].index - self._shift < first:
            cell = self._current(self._rest[self._next])
            if cell.cell_type == "code":
                self.later_reads.remove(_reads_below(cell.source))
            self._fold(cell, self.number(cell.index))
            self._next += 1
        count = last - first + 1
        self.selected = [self._current(c) for c in self._rest[self._next : self._next + count]]
        for cell in self.selected:
            if cell.cell_type == "code":
                self.later_reads.remove(_reads_below(cell.source))
        return self.selected

    def cells_to_selection_end(self) -> tuple[Cell, ...]:
        return (*self._done, *self.selected)

    def replace(self, source: str) -> None:
        """The selection becomes one code cell holding ``source`` (the call to the extracted function)."""
        first = self.selected[0].index
        number = self.number(first)
        for cell in self.selected:
            if cell.cell_type == "code":
                self.taken.remove(_names(cell.source))
                self.packages.remove(_packages(cell.source))
        self.taken.add(_names(source))
        self.packages.add(_packages(source))
        self._next += len(self.selected)
        self._shift += len(self.selected) - 1
        self.selected = []
        self._fold(Cell(first, "code", source), number)

    def code_sources(self) -> list[str]:
        """The code cells' sources, top to bottom, as the notebook is now."""
        return [c.source for c in (*self._done, *self._rest[self._next :]) if c.cell_type == "code"]

    def first_binder_below(self, name: str) -> int | None:
        """The first cell below the selection that binds ``name``."""
        return next((c.index for c in self._below() if name in cell_facts(c.source).binds), None)

    def import_below(self, name: str) -> ImportKey | None:
        """The plain import that binds ``name`` in the first cell below the selection importing it."""
        return next((_import_sources(c.source)[name] for c in self._below() if name in _import_sources(c.source)), None)

    def importers(self, module: str) -> dict[str, int]:
        """The names the code cells outside the selection import from ``module`` (``from module
        import name``, as the cell an earlier extraction wrote does), each with the first such cell."""
        found: dict[str, int] = {}
        for cell in (*self._done, *self._below()):
            if cell.cell_type != "code" or module not in cell.source:
                continue
            for imp in cell_facts(cell.source).imports:
                if imp.module == module and not imp.relative and imp.target != module:
                    found.setdefault(imp.target[len(module) + 1 :], cell.index)
        return found

    def below_until(self, index: int) -> list[Cell]:
        """The code cells below the selection and above cell ``index``."""
        return [c for c in self._below() if c.index < index]

    def first_user(self, name: str) -> int | None:
        """The first cell of the notebook that binds or reads ``name``."""
        cells = (*self._done, *self.selected, *self._below())
        return next((c.index for c in cells if c.cell_type == "code" and name in _names(c.source)), None)

    def _below(self) -> Iterator[Cell]:
        for cell in self._rest[self._next + len(self.selected) :]:
            if cell.cell_type == "code":
                yield self._current(cell)

    def _current(self, cell: Cell) -> Cell:
        if not self._shift:
            return cell
        return Cell(
            cell.index - self._shift,
            cell.cell_type,
            cell.source,
            cell.cell_id,
            cell.execution_count,
            cell.errors,
            cell.tags,
        )

    def _fold(self, cell: Cell, number: int) -> None:
        """``cell`` is above the selection from now on; messages name it ``number``."""
        self._done.append(cell)
        self._done_numbers.append(number)
        if cell.cell_type != "code":
            return
        self.later_reads.add(_reads_above(cell.source))
        facts = cell_facts(cell.source)
        imported = _import_sources(cell.source)
        for name in facts.binds:
            self.defined[name] = cell.index
            if name in imported:
                self.import_sources[name] = imported[name]
            else:
                self.import_sources.pop(name, None)
        for name in facts.unbinds:
            self.defined.pop(name, None)
            self.import_sources.pop(name, None)
        if facts.star_import_line is not None and self.star_cell is None:
            self.star_cell = cell.index
        self.future_annotations = self.future_annotations or facts.future_annotations


# ------------------------------------------------------------------------------ per cell source
@functools.lru_cache(maxsize=4096)
def _names(source: str) -> frozenset[str]:
    return frozenset(cell_facts(source).binds | source_reads(source))


@functools.lru_cache(maxsize=4096)
def _packages(source: str) -> frozenset[str]:
    return frozenset(imp.module.split(".")[0] for imp in cell_facts(source).imports if not imp.relative and imp.module)


@functools.lru_cache(maxsize=4096)
def _reads_below(source: str) -> frozenset[str]:
    """Names a cell below the selection may read from what the selection bound: what it reads
    before binding it itself (its own ``for x in …`` does not need the selection's ``x``), in a
    ``try`` that would catch the NameError too (``gmaps`` in ``try: gmaps.directions(…)``), what
    its functions read when called, a builtin the selection may shadow, anything after a star
    import or ``%run``, and every word of a cell that does not parse."""
    facts = cell_facts(source)
    if cell_tree(source) is None or facts.syntax_error is not None:
        return frozenset(_WORD.findall(source))
    reads = source_reads(source)
    names = {name for _, name in facts.free_reads} | facts.guarded_reads
    names |= source_function_body_reads(source)
    names |= {n for n in reads if n in ALWAYS_DEFINED}
    if facts.star_import_line is not None:
        names |= reads
    return frozenset(names)


@functools.lru_cache(maxsize=4096)
def _reads_above(source: str) -> frozenset[str]:
    """Names a cell above the selection may read later: what its functions read when called."""
    if cell_tree(source) is None:
        return frozenset(_WORD.findall(source))
    return source_function_body_reads(source)


@functools.lru_cache(maxsize=4096)
def _import_sources(source: str) -> dict[str, ImportKey]:
    """The names the cell binds last (at its top level) with an unconditional plain import, and
    that import: a function reading such a name imports it rather than taking a parameter."""
    facts = cell_facts(source)
    found: dict[str, ImportKey] = {}
    tree = cell_tree(source)
    if tree is None:
        return found
    for name in facts.binds:
        if not any(imp.bound == name and not imp.relative for imp in facts.imports):
            continue
        binders = [s for s in tree.body if name in scope_binds(s) or mentions_store(s, name)]
        stmt = binders[-1] if binders else None
        if isinstance(stmt, (ast.Import, ast.ImportFrom)) and not (
            isinstance(stmt, ast.ImportFrom) and (stmt.level or stmt.module == "__future__")
        ):
            aliases = [a for a in stmt.names if alias_bound(stmt, a) == name]
            if len(aliases) == 1:
                found[name] = import_key(stmt, aliases[0])
    return found


def mentions_store(stmt: ast.stmt, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for n in ast.walk(stmt))
