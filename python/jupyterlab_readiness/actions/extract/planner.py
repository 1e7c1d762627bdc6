"""Extract to module: contiguous code cells → one function in a Python module, plus the one cell
that calls it. Pure: notebook model and texts in, texts out; the caller writes the files.

What the generated function looks like
- Parameters: the module-level names the selection reads that a cell above defines (reads inside
  functions the selection defines count: after extraction they are closures over the function's
  locals or globals of the module). A name the selection both reads (before binding it) and
  rebinds is a parameter and a return value.
- Names that cells above bind only by a top-level ``import`` become imports of the module instead
  of parameters (``pd`` from ``import pandas as pd``); so do the selection's own top-level imports
  that the function uses. Selection imports that later cells read (or that nothing reads: they may
  be imported for a side effect) are repeated in the replacement cell.
- Returns: the names the selection binds that any code cell below reads (anywhere, function bodies
  included), or that a function defined above reads; one returned plainly, several as a NamedTuple
  (``<Function>Result``, placed just before the ``def``), a plain tuple when a name starts with ``_``.
- Display: IPython shows the value of a cell's last expression. When the selection's last
  statement is such an expression, the replacement cell shows the same value: a bare name is
  returned (if the selection binds it) and named on the replacement cell's last line; another
  expression is returned — as the function's only value, the replacement cell ending with the bare
  call, or else as an extra value ``<function>_output`` that the replacement cell binds and ends
  with. Values displayed by earlier selected cells are not shown any more (a warning says so).
  Printed output keeps its order and now appears under the replacement cell.
- Locals nothing reads (ruff F841/F401 in a function): a single plain binding gets the exact
  ``# noqa`` ruff needs; anything else (unpacking, several bindings) is returned instead.
- A name a cell above defined is a parameter when the selection may read it before binding it, or
  may leave it unbound while a later cell reads it; a ``for`` loop is assumed to run at least once
  (warning), so loop variables are not parameters (ruff PLR1704).
- A cell before the last that ends with a shown value: a pure expression is dropped, one with
  calls kept (``_ = …`` unless it is a call); the value is no longer shown (warning).

No function at all, when asked (``definitions=True``): a selection that only defines names and
needs nothing of the notebook but imports moves to the module as it is (definitions.py).
"""

from __future__ import annotations

import ast
import copy
import re
import symtable
import textwrap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ...notebook.facts import cell_facts
from ...notebook.flow import flow
from ...notebook.model import Cell, Notebook
from ...notebook.names import BUILTINS, IPYTHON_HISTORY, MODULE_DUNDERS
from ...notebook.parse import cell_tree, quiet_compiler
from ...notebook.rewrite import is_main_guard
from ...notebook.scopes import (
    COMPREHENSIONS,
    ImportKey,
    alias_bound,
    assigned_names,
    import_key,
    import_key_bound,
    plain_loads,
    scope_binds,
    walk,
)
from ..compiling import first_failure
from ..errors import ExtractionRefused
from ..naming import heading_above
from .body import Line, indent_unit, render_lines, split_lines, string_lines
from .definitions import merge_definitions, moves_as_is
from .imports import from_line, merge_module, render_imports
from .selection import check_cell, check_function_name, check_module_name, module_scope_nodes, select_cells
from .surroundings import Surroundings


@dataclass
class Extraction:
    module_text: str  # the whole module file: the existing text with the function added or replaced
    replacement_source: str  # the source of the one code cell that replaces the selection
    function: str
    parameters: list[str]
    returns: list[str]  # the names the replacement cell binds, in order
    warnings: list[str] = field(default_factory=list)
    module: str = ""
    # the function as the module text ends with it when no module existed (its result class first),
    # or the definitions that moved as they are
    function_text: str = ""
    # the names a selection that only defines them moved to the module as they are (``definitions=True``),
    # which the replacement cell imports; no function then (``function`` is "")
    definitions: list[str] = field(default_factory=list)


_WRAPPER = "__readiness_extracted__"
# An augmented assignment's operator (``+=``, ``//=``, ``>>=`` …): without one, a cell has none.
_AUGMENTED = re.compile(r"(?:[-+*/%@&|^]|<<|>>)=")
_DISPLAY_IMPORT = ("from", "IPython.display", "display", None)
POSTPONED_IMPORT = ("from", "__future__", "annotations", None)  # annotations never evaluated


def _what_to_do(name: str) -> str:
    """The end of a refusal for a name the extracted function could not find."""
    if name in IPYTHON_HISTORY or name in MODULE_DUNDERS:  # the notebook has it, a fresh run too
        return (
            "give the value it stands for a name of your own in the cell that computes it, read that name instead, "
            "then extract."
        )
    return (
        "a fresh top-to-bottom run fails there with NameError. Fix the hidden state first (define it in a cell above "
        "the selection), then extract."
    )


# ------------------------------------------------------------------------------------ public API
def extract(
    notebook: Notebook,
    cell_indices: list[int],
    module: str,
    function: str,
    existing_module_text: str | None,
    *,
    notebook_name: str | None = None,
    display: bool = True,
    surroundings: Surroundings | None = None,
    cell_numbers: tuple[int, int] | None = None,
    verify: bool = True,
    postponed_annotations: bool = False,
    module_state: frozenset[str] = frozenset(),
    definitions: bool = False,
) -> Extraction:
    """Plan the extraction of ``cell_indices`` (0-based over all cells) into ``function`` of
    ``module``. Raises ExtractionRefused, with nothing to write, when it cannot be done safely.
    ``notebook_name`` (e.g. "analysis.ipynb") only goes into the docstrings. ``display=False`` is
    for code that no notebook will show (export to package): values the cells displayed are not
    kept, and nothing warns about output moving. ``surroundings``: the cells around the selection,
    moved to it (``select``); the export passes its own, kept up to date section after section,
    with a ``notebook`` of the cells up to the selection's end. By default, from ``notebook``.
    ``cell_numbers``: the first and last cell the docstring names, as JupyterLab numbers them
    (from 1); by default those of the selection (the export's working copy numbers its cells
    otherwise than the notebook). ``verify=False``: the caller compiles what it makes of the
    module text (the export compiles the whole package), so it is not compiled here as well.
    ``postponed_annotations``: the module will start with ``from __future__ import annotations``
    (the export's steps.py, when a cell imports it), besides any cell above doing so.
    ``module_state``: names the module keeps as its own globals, because a function of the notebook
    declares them ``global`` (the export's steps.py): never parameters nor returned, the function
    declares ``global`` those it binds, so each function of the module sees the one value.
    ``definitions``: a selection that only defines names (``definitions.moves_as_is``) whose
    definitions need nothing of the notebook but imports moves to the module as it is, at its top
    level, and the replacement cell imports the names (the export wants a step function always)."""
    if not notebook.is_python:
        raise ExtractionRefused(
            f"This notebook's kernel runs {notebook.language}, not Python: only Python cells can be extracted to a "
            "module."
        )
    selected = select_cells(notebook.cells, cell_indices)
    if surroundings is None:
        surroundings = Surroundings(notebook.cells)
        surroundings.select(selected[0].index, selected[-1].index)
    # A module the notebook imports is a package it uses, unless the file already exists beside it
    # (the notebook then imports functions extracted before).
    check_module_name(module, set() if existing_module_text is not None else surroundings.packages)
    check_function_name(function)
    trees = [check_cell(cell, surroundings.number(cell.index), module_state) for cell in selected]
    if not any(tree.body for tree in trees):
        raise ExtractionRefused("The selected cells hold no code: there is nothing to extract.")
    choices = _Choices(
        notebook_name,
        display,
        cell_numbers or (selected[0].index + 1, selected[-1].index + 1),
        verify,
        postponed_annotations,
        module_state,
        definitions,
    )
    with quiet_compiler():
        return _Planner(notebook, selected, trees, surroundings, module, function, existing_module_text, choices).run()


@dataclass(frozen=True)
class _Choices:
    """``extract``'s keyword arguments: how the caller wants the extraction made."""

    notebook_name: str | None
    display: bool
    cell_numbers: tuple[int, int]  # the docstring's first and last cell
    verify: bool
    postponed_annotations: bool
    module_state: frozenset[str]
    definitions: bool  # a selection that only defines names moves as it is


class _Planner:
    def __init__(self, notebook, selected, trees, surroundings, module, function, existing, choices) -> None:
        self.notebook: Notebook = notebook
        self.selected: list[Cell] = selected
        self.trees: list[ast.Module] = trees
        self.around: Surroundings = surroundings
        self.module = module
        self.function = function
        self.existing = existing
        self.choices: _Choices = choices
        self._annotation_globals: frozenset[str] | None = None
        # of a body of plain statements (``_plain_symbols``): (the names read before a statement
        # above binds them, the names bound at its end), what ``flow`` finds for any names
        self._plain_flow: tuple[set[str], set[str]] | None = None
        self._underscored: set[ast.Expr] = set()  # shown values the body keeps as ``_ = …``
        self.warnings: list[str] = []
        # per statement, asked by several phases: what it binds, and its nodes in its own scope
        self._binds_of: dict[ast.stmt, set[str]] = {}
        self._scope_nodes_of: dict[ast.stmt, list[ast.AST]] = {}
        # each top-level statement's cell source, for the cheap text tests that spare a walk
        self._source_of: dict[ast.stmt, str] = {
            stmt: cell.source for cell, tree in zip(selected, trees, strict=True) for stmt in tree.body
        }
        # each cell's text tested once, not once a statement (a scan of the whole cell each time)
        self._walrus_free: dict[str, bool] = {cell.source: ":=" not in cell.source for cell in selected}

    def _binds(self, stmt: ast.stmt) -> set[str]:
        try:
            return self._binds_of[stmt]
        except KeyError:
            source = self._source_of.get(stmt)
            binds = self._binds_of[stmt] = _plain_binds(stmt, source is not None and self._walrus_free[source])
            return binds

    def _scope_nodes(self, stmt: ast.stmt) -> list[ast.AST]:
        if stmt not in self._scope_nodes_of:
            self._scope_nodes_of[stmt] = list(module_scope_nodes(stmt))
        return self._scope_nodes_of[stmt]

    # -- the whole plan, phase by phase: each phase reads what the ones before it set on self -------
    def run(self) -> Extraction:
        self.defined, self.star_cell, self.import_sources = (
            self.around.defined,
            self.around.star_cell,
            self.around.import_sources,
        )
        self.later_reads = self.around.later_reads
        self._take_body()
        self._take_trailing_display()
        self._analyse_names()
        if self.choices.definitions and self._moves_as_is():
            return self._definitions_texts()
        self._check_collisions()
        self._resolve_parameters()
        self._choose_returns()
        self._split_imports()
        self._show_trailing_name()
        self._silence_dead_names()
        self._show_trailing_value()
        self._warn_outputs()
        self._warn_helpers(self.returns, self.closures)
        return self._texts()

    def _take_body(self) -> None:
        """The selection's lines, without the values earlier cells only displayed and without the
        imports hoisted to the module."""
        lines, stmts = self._body_lines()
        lines, self.stmts = self._drop_shown_values(lines, stmts)
        self.hoisted = self._hoistable_selection_imports(self.stmts)
        drop = {(c, n) for stmt_cell, stmt, _ in self.hoisted for c, n in _stmt_lines(stmt_cell, stmt)}
        self.body = [line for line in lines if (line.cell, line.number) not in drop] if drop else lines
        self.hoisted_bound = {import_key_bound(k): k for _, _, keys in self.hoisted for k in keys}

    def _take_trailing_display(self) -> None:
        """The value the selection's last statement displays. A bare name is not part of the
        function: the replacement cell names it."""
        self.trailing = self._trailing_display(self.stmts)
        self.shown_name: str | None = None
        if self.trailing is not None and isinstance(self.trailing[1].value, ast.Name):
            cell, stmt = self.trailing
            self.shown_name = stmt.value.id
            self.body = [
                line
                for line in self.body
                if not (line.cell == cell.index and stmt.lineno <= line.number <= stmt.end_lineno)
            ]
            self.stmts = [x for x in self.stmts if x[1] is not stmt]
        self.all_stmts = [stmt for _, stmt in self.stmts]

    def _analyse_names(self) -> None:
        """What the function would see with the body as written: its locals, what it reads, and
        where each name it reads as a global comes from (an import, a parameter, a builtin)."""
        plain = self._plain_symbols()
        if plain is None:
            self.locals, own_reads, self.globals_read, self.closures = self._analyse(self.body)
            self.referenced = own_reads | {n for frees in self.closures.values() for n in frees}
            self._add_augmented_and_deleted()
        else:  # no nested scope, no ``x += 1``, no ``del x``: the trees' names are all symtable would say
            self.read_when_called: set[str] = set()
            self.locals, own_reads = plain
            self.globals_read, self.closures = own_reads - self.locals, {}
            self.referenced = set(own_reads)
        # the module's globals the body binds: declared ``global`` at the function's start
        self.declared = sorted(self.locals & self.choices.module_state)
        self.locals -= self.choices.module_state
        self.module_imports: set[ImportKey] = set()
        self.parameters: set[str] = set()
        self.unresolved: dict[str, str] = {}
        self.undefined_when_called: set[str] = set()
        for name in self.globals_read:
            self._place_global(name, own_reads)
        if self._postponed():  # as the notebook ran it: annotations in the module are not evaluated either
            self.module_imports.add(POSTPONED_IMPORT)

    def _add_augmented_and_deleted(self) -> None:
        """symtable does not count ``x += 1`` or ``del x`` as reading x; Python (and ruff) do."""
        texts = {cell.source for cell in self.selected}
        plain = {t for t in texts if "del" not in t and not _AUGMENTED.search(t)}  # (neither can occur then)
        for stmt in self.all_stmts:
            if self._source_of.get(stmt) in plain:
                continue
            for node in self._scope_nodes(stmt):
                if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                    self.referenced.add(node.target.id)
                elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Del):
                    self.referenced.add(node.id)

    def _place_global(self, name: str, own_reads: set[str]) -> None:
        """Where a name the function reads as a global comes from: a module import, a parameter,
        a builtin; unresolved when none."""
        if name in self.choices.module_state:
            return
        if name in self.hoisted_bound:
            self.module_imports.add(self.hoisted_bound[name])
        elif name in self.defined:
            if name in self.import_sources:
                self.module_imports.add(self.import_sources[name])
            else:
                self.parameters.add(name)
        elif name == "display":
            self.module_imports.add(_DISPLAY_IMPORT)
        elif name in BUILTINS and name not in IPYTHON_HISTORY and name not in MODULE_DUNDERS:
            return
        elif name in self.read_when_called and self.around.import_below(name) is not None:
            # looked up when called: any call the notebook made ran after that import (or failed)
            self.module_imports.add(self.around.import_below(name))
        elif name in self.read_when_called and not self._may_be_called(name, own_reads):
            self._undefined_when_called(name)
        elif self._postponed() and name in self._annotation_only():
            return  # read by annotations only, which are never evaluated
        else:
            self.unresolved[name] = self._why_undefined(name, self.star_cell)

    def _may_be_called(self, name: str, own_reads: set[str]) -> bool:
        """Whether a function of the selection that reads ``name`` may be called: the selection, one
        of its other functions or a cell below reads it (a name that is then defined nowhere was the
        kernel's hidden state)."""
        for reader in (f for f, names in self.closures.items() if name in names):
            if reader in own_reads or reader in self.later_reads:
                return True
            if any(reader in names for other, names in self.closures.items() if other != reader):
                return True
        return False

    def _undefined_when_called(self, name: str) -> None:
        """A name only the bodies of the selection's functions read, that no cell defines and that
        nothing calls: calling them fails in the notebook as in the package, so the function is kept
        as it is (ruff's F821 silenced on its lines), with a warning."""
        self.undefined_when_called.add(name)
        self.warnings.append(
            f"`{name}` is read inside a function of the selection but no cell defines it: calling that function "
            "fails with NameError, as it would in the notebook."
        )

    def _resolve_parameters(self) -> None:
        """A local that a cell above defined too is a parameter when the selection may read it
        before binding it, or may leave it unbound while a later cell reads it."""
        read_first, bound_at_end = self._flow_of_locals()
        # bound on every path through the selection (a name also read first, by a function or a
        # class defined before it, is bound all the same when the function returns)
        self.bound_on_every_path = bound_at_end
        self.bound_at_end: dict[str, bool] = {}
        for name in sorted(self.locals):
            self.bound_at_end[name] = name not in read_first and name in bound_at_end
            if name in read_first and name in self.defined:
                self.parameters.add(name)
        # A ``for`` loop is taken to run at least once: its variable is not made a parameter just
        # for the case where it runs zero times (ruff's PLR1704 would flag the loop), but a warning says so.
        maybe_unbound = [
            name
            for name in sorted(n for n in self.locals if n in self.defined and n in self.later_reads)
            if not self.bound_at_end[name] and name not in self.parameters
        ]
        _, bound_if_loops_run = flow(self.all_stmts, maybe_unbound, loops_run=True) if maybe_unbound else (None, ())
        for name in maybe_unbound:
            if name in bound_if_loops_run:
                self.bound_at_end[name] = True
                self.warnings.append(
                    f"`{name}` is bound by a loop in the selection: if the loop runs zero times, "
                    f"the notebook kept the old `{name}` but calling {self.function}() fails (UnboundLocalError)."
                )
            else:
                self.parameters.add(name)
        for name in self._free_reads_undefined(self.defined):
            if name not in self.parameters and name not in self.unresolved and name in self.locals:
                self.unresolved[name] = self._why_undefined(name, self.star_cell)
        if "__name__" in self.unresolved:
            self._refuse_main_guard()
        if self.unresolved:
            name, why = min(self.unresolved.items())
            others = sorted(set(self.unresolved) - {name})
            more = f" (also: {', '.join(f'`{n}`' for n in others)})" if others else ""
            raise ExtractionRefused(f"The selection reads `{name}`{more}, but {why}: {_what_to_do(name)}")

    def _flow_of_locals(self) -> tuple[set[str], frozenset[str] | set[str]]:
        """``flow(self.all_stmts, self.locals)``: of a plain body, from what ``_plain_symbols``
        found on its way (no branch, loop or scope: the statements in order are every path)."""
        if self._plain_flow is None:
            return flow(self.all_stmts, self.locals)
        read_first, bound = self._plain_flow
        return read_first & self.locals, bound & self.locals

    def _refuse_main_guard(self) -> None:
        """``if __name__ == "__main__":`` runs its body in the notebook and would skip it in the
        function: the idiom, not the name, is what the user has to change."""
        for cell, stmt in self.stmts:
            if is_main_guard(stmt):
                raise ExtractionRefused(
                    f'Cell {self.around.number(cell.index)} line {stmt.lineno}: `if __name__ == "__main__":` is always '
                    "true in a notebook and never inside a module: replace the guard with its body (or move it to a "
                    "cell outside the selection), then extract."
                )

    def _choose_returns(self) -> None:
        """The names the selection binds that the notebook reads after it, in binding order."""
        self.deleted = self._net_deleted()
        self.definite = {name for name, ok in self.bound_at_end.items() if ok}
        self.returns = [
            n
            for n in _first_bind_order(self.all_stmts, self._binds, self._scope_nodes)
            if n in self.locals and n in self.later_reads and n not in self.deleted and n not in self.hoisted_bound
        ]
        for name in self.returns:
            self._warn_if_conditional(name)
        self._check_stale_closures(self.closures, self.returns, self.locals | self.parameters)

    def _warn_if_conditional(self, name: str) -> None:
        if name in self.definite or name in self.bound_on_every_path or name in self.parameters:
            return
        if name in flow(self.all_stmts, [name], loops_run=True)[1]:
            # "if that branch does not run" would send the reader looking for an `if`
            self.warnings.append(
                f"`{name}` is bound only inside a loop in the selection: if the loop runs zero times, "
                f"calling {self.function}() fails (UnboundLocalError)."
            )
        else:
            self.warnings.append(
                f"`{name}` is bound only conditionally in the selection: if that branch does not run, "
                f"calling {self.function}() fails."
            )

    def _split_imports(self) -> None:
        """The selection's imports: to the module (used by the function) and/or the replacement cell."""
        self.cell_imports: list[ImportKey] = []
        for _, _, keys in self.hoisted:
            for key in keys:
                # a __future__ import stays in the notebook, which keeps the feature for the cells below
                if (
                    key[1] == "__future__"
                    or import_key_bound(key) in self.later_reads
                    or key not in self.module_imports
                ):
                    self.cell_imports.append(key)

    def _show_trailing_name(self) -> None:
        """A bare name the selection ended with: returned (when the selection binds it) and named
        on the replacement cell's last line."""
        self.display_line: str | None = None
        name = self.shown_name
        if name is None:
            return
        if name in self.locals:
            if name not in self.returns:
                self.returns.append(name)
                self._warn_if_conditional(name)
        elif name in self.hoisted_bound:
            if self.hoisted_bound[name] not in self.cell_imports:
                self.cell_imports.append(self.hoisted_bound[name])
        elif name not in self.defined and (name not in BUILTINS or name in MODULE_DUNDERS or name in IPYTHON_HISTORY):
            raise ExtractionRefused(
                f"The selection shows `{name}`, but {self._why_undefined(name, self.star_cell)}: {_what_to_do(name)}"
            )
        self.display_line = name

    def _silence_dead_names(self) -> None:
        """Locals nothing reads: ruff reports them (F841, F401, RUF059 …). The simple ones get a
        ``noqa`` for exactly the report ruff makes; the others are returned."""
        dead = sorted(
            n
            for n in self.locals - self.referenced - set(self.returns) - self.hoisted_bound.keys()
            if not n.startswith("_")
        )
        marks, to_return = self._dead_names(self.body, dead)
        marks.update(self._undefined_lines())
        for line in self.body if marks else ():  # (a key a line, made for nothing, spared)
            code = marks.get((line.cell, line.number))
            if code and "noqa" not in line.text:
                line.text += f"  # noqa: {code}"
        for name in to_return:
            self.returns.append(name)
            self.warnings.append(
                f"`{name}` is assigned but never read: {self.function}() returns it so the notebook keeps it as before."
            )

    def _show_trailing_value(self) -> None:
        """The display of the last expression, when it is not a bare name: returned alone, or
        bound to a fresh name the replacement cell ends with."""
        self.prefix: str | None = None
        if self.trailing is not None and self.shown_name is None:
            if not self.returns:
                self.prefix = "return "
            else:
                output_name = self._fresh_name(f"{self.function}_output")
                self.prefix = f"{output_name} = "
                self.returns.append(output_name)
                self.display_line = output_name
            cell, stmt = self.trailing
            for line in self.body:
                if line.cell == cell.index and line.number == stmt.lineno:
                    line.text = self.prefix + line.text
                    break
        if not any(
            line.text.strip() and not line.text.lstrip().startswith("#") for line in self.body if not line.in_string
        ):
            raise ExtractionRefused(
                "Besides imports, the selection holds no statements to put in a function: there is nothing to extract."
            )

    def _texts(self) -> Extraction:
        ordered_params = _order_by_first_use(self.parameters, self.all_stmts)
        returns = self.returns
        use_namedtuple = len(returns) > 1 and not any(n.startswith("_") for n in returns)
        if len(returns) > 1 and not use_namedtuple:
            underscored = ", ".join(n for n in returns if n.startswith("_"))
            self.warnings.append(
                f"{self.function}() returns a plain tuple: a NamedTuple cannot have fields starting with `_` "
                f"({underscored})."
            )
        result_class = f"{_camel(self.function)}Result" if use_namedtuple else None
        if result_class and (
            result_class in self.around.taken or result_class in self.locals or result_class in self.globals_read
        ):
            raise ExtractionRefused(
                "The selection already uses the name of the NamedTuple the module needs for the function's "
                "results: rename it, or choose another function name."
            )
        if result_class:
            self.module_imports |= {("from", "typing", "Any", None), ("from", "typing", "NamedTuple", None)}
        for key in self.module_imports:
            if import_key_bound(key) == self.function:
                raise ExtractionRefused(
                    "The function name is also a name the function imports: choose another function name."
                )
        block = self._function_block(self.body, ordered_params, returns, self.prefix == "return ", result_class)
        module_text = merge_module(
            self.existing, self.function, block, result_class, self.module_imports, self._header()
        )
        replacement = self._replacement(
            self.cell_imports,
            ordered_params,
            returns,
            self.display_line,
            {n for n in self.deleted if n in self.defined and n not in self.choices.module_state},
        )
        if self.choices.verify:
            _verify(module_text, replacement)
        return Extraction(
            module_text=module_text,
            replacement_source=replacement,
            function=self.function,
            parameters=ordered_params,
            returns=list(returns),
            warnings=self.warnings,
            module=self.module,
            function_text=block,
        )

    # -- definitions that move as they are ------------------------------------------------------
    def _moves_as_is(self) -> bool:
        """Whether the selection only defines names (``moves_as_is``) that move to the module
        unchanged: each imported once, and defined once; reading, when defined or called, nothing
        a module would miss (a variable of a cell above: a parameter of a function; a name nothing
        defines) nor, when defined, a name of its own not defined yet (the notebook read an older
        one above); and read when called nothing of its own that a cell below rebinds (the module's
        functions would keep the old value)."""
        for tree in self.trees:
            if not all(moves_as_is(stmt, stmt is tree.body[-1]) for stmt in tree.body):
                return False
        if self.parameters or self.unresolved or self.undefined_when_called:
            return False
        hoisted = {id(stmt) for _, stmt, _ in self.hoisted}
        if any(isinstance(s, (ast.Import, ast.ImportFrom)) and id(s) not in hoisted for s in self.all_stmts):
            return False
        defining = [s for s in self.all_stmts if not isinstance(s, (ast.Import, ast.ImportFrom))]
        counts: dict[str, int] = {}
        for stmt in defining:
            for name in self._binds(stmt):
                counts[name] = counts.get(name, 0) + 1
        if not counts or max(counts.values()) > 1:
            return False
        if self._read_before_bound() & self.locals:
            return False
        called = {name for names in self.closures.values() for name in names if name in self.locals}
        return all(self.around.first_binder_below(name) is None for name in sorted(called))

    def _definitions_texts(self) -> Extraction:
        """The module with the selection's text (its imports at the module's top) and the cell
        that imports what it defines."""
        self._split_imports()
        cells: dict[int, list[str]] = {}
        for line in self.body:
            if line.number:  # (not the blank line between two cells)
                cells.setdefault(line.cell, []).append(line.text)
        text = "\n\n\n".join("\n".join(lines).strip("\n") for lines in cells.values() if "".join(lines).strip())
        text += "\n"
        defining = [s for s in self.all_stmts if not isinstance(s, (ast.Import, ast.ImportFrom))]
        names = _first_bind_order(defining, self._binds, self._scope_nodes)
        imported = {name: self.around.number(i) for name, i in self.around.importers(self.module).items()}
        module_text = merge_definitions(self.existing, text, self.module_imports, self._header(), imported)
        replacement = "\n".join([*render_imports(set(self.cell_imports)), from_line(self.module, names)])
        if self.choices.verify:
            _verify(module_text, replacement)
        return Extraction(
            module_text=module_text,
            replacement_source=replacement,
            function="",
            parameters=[],
            returns=[],
            warnings=self.warnings,
            module=self.module,
            function_text=text,
            definitions=names,
        )

    # -- collisions -------------------------------------------------------------------------
    def _check_collisions(self) -> None:
        if self.function in self.around.taken:
            raise ExtractionRefused(
                f"Cell {self.around.number(self.around.first_user(self.function))} already uses the function's name: "
                "the replacement cell would rebind it. Choose another function name."
            )

    def _fresh_name(self, base: str) -> str:
        name, n = base, 2
        while name in self.around.taken or name == self.function:
            name, n = f"{base}{n}", n + 1
        return name

    def _why_undefined(self, name: str, star_cell: int | None) -> str:
        if name in IPYTHON_HISTORY or name in MODULE_DUNDERS:
            return f"`{name}` is IPython's (or the notebook's `__main__`'s), which a module does not have"
        later = self.around.first_binder_below(name)
        if later is not None:
            return f"only cell {self.around.number(later)}, below the selection, defines it"
        inside = next((c.index for c in self.selected if name in cell_facts(c.source).binds), None)
        if inside is not None:
            return f"cell {self.around.number(inside)} reads it before binding it, and no cell above defines it"
        if star_cell is not None:
            return (
                f"it may come from the star import in cell {self.around.number(star_cell)}, which cannot be "
                "reproduced; import it explicitly"
            )
        return "no cell above the selection defines it"

    def _postponed_above(self) -> bool:
        """Whether annotations are postponed (not evaluated, nor read) from the selection's start."""
        return self.choices.postponed_annotations or self.around.future_annotations

    def _postponed(self) -> bool:
        """Whether annotations are postponed anywhere in the selection."""
        return self._postponed_above() or any(cell_facts(c.source).future_annotations for c in self.selected)

    def _annotation_only(self) -> frozenset[str]:
        """The names the selection reads as globals in annotations only: those the selection, its
        annotations left out, no longer reads as globals (its own variables of the same name, a
        parameter or a comprehension's, are other variables)."""
        if self._annotation_globals is None:
            stripped = _WithoutAnnotations().visit(ast.Module(body=copy.deepcopy(self.all_stmts), type_ignores=[]))
            body = textwrap.indent(ast.unparse(stripped), "    ")
            table = symtable.symtable(f"def {_WRAPPER}():\n{body}\n    pass\n", "<extract>", "exec")
            function = next(t for t in table.get_children() if t.get_name() == _WRAPPER)
            self._annotation_globals = frozenset(self.globals_read - _global_reads(function))
        return self._annotation_globals

    def _free_reads_undefined(self, defined: dict[str, int]) -> set[str]:
        return {name for name in self._read_before_bound() if name not in defined}

    def _read_before_bound(self) -> set[str]:
        """The names the selection's own statements (not its function bodies) may read before it
        binds them: from the notebook above, if anywhere."""
        bound: set[str] = set()
        missing: set[str] = set()
        postponed = self._postponed_above()
        for cell in self.selected:
            facts = cell_facts(cell.source)
            for line, name in facts.free_reads:
                if postponed and (line, name) in facts.annotation_reads:
                    continue  # an annotation, never evaluated (as the hidden-state check judges it)
                if name not in bound:
                    missing.add(name)
            bound |= facts.binds
            bound -= facts.unbinds
            postponed = postponed or facts.future_annotations
        return missing

    def _net_deleted(self) -> set[str]:
        deleted: set[str] = set()
        for cell in self.selected:
            facts = cell_facts(cell.source)
            deleted = (deleted - facts.binds) | facts.unbinds
        return deleted

    # -- the body -------------------------------------------------------------------------------
    def _body_lines(self) -> tuple[list[Line], list[tuple[Cell, ast.stmt]]]:
        lines: list[Line] = []
        stmts: list[tuple[Cell, ast.stmt]] = []
        for cell, tree in zip(self.selected, self.trees, strict=True):
            source = cell.source
            starts, ends = string_lines(source)
            cell_lines = split_lines(source)
            while cell_lines and not cell_lines[-1].strip() and len(cell_lines) not in starts:
                cell_lines.pop()
            first = 0
            while first < len(cell_lines) and not cell_lines[first].strip():
                first += 1
            if first == len(cell_lines):
                continue
            if lines:
                lines.append(Line(cell.index, 0, "", False, False))
            for number in range(first + 1, len(cell_lines) + 1):
                lines.append(
                    Line(
                        cell.index,
                        number,
                        cell_lines[number - 1].rstrip() if number not in ends else cell_lines[number - 1],
                        number in starts,
                        number in ends,
                    )
                )
            stmts.extend((cell, stmt) for stmt in tree.body)
        return lines, stmts

    def _drop_shown_values(
        self, lines: list[Line], stmts: list[tuple[Cell, ast.stmt]]
    ) -> tuple[list[Line], list[tuple[Cell, ast.stmt]]]:
        """A cell before the last that ends with an expression only to show its value (``df``,
        ``df.shape``): the value is no longer shown, and in a function the statement is useless
        (ruff B018), so it goes. Expressions that call something stay, for their effects (as
        ``_ = …`` unless they are a call)."""
        last_of: dict[int, int] = {}
        for i, (cell, _) in enumerate(stmts):
            last_of[cell.index] = i
        drop: set[int] = set()
        for cell_index, i in last_of.items():
            cell, stmt = stmts[i]
            if (self.choices.display and i == len(stmts) - 1) or not self._displays(cell, stmt):
                continue
            if self.choices.display:
                self.warnings.append(
                    f"Cell {self.around.number(cell_index)} ends with an expression whose value the notebook "
                    "displayed: after extraction it is no longer shown."
                )
            if not self._alone_on_lines(stmts, i):
                continue
            if _pure(stmt.value):
                drop.add(i)
            elif not isinstance(stmt.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)):
                # ``df.head().shape``: evaluated for its calls, without a useless expression (B018)
                for line in lines:
                    if line.cell == cell.index and line.number == stmt.lineno:
                        line.text = "_ = " + line.text
                        self._underscored.add(stmt)
                        break
        if not drop:
            return lines, stmts
        gone = {key for i in drop for key in _stmt_lines(*stmts[i])}
        return [ln for ln in lines if (ln.cell, ln.number) not in gone], [
            x for i, x in enumerate(stmts) if i not in drop
        ]

    def _hoistable_selection_imports(
        self, stmts: list[tuple[Cell, ast.stmt]]
    ) -> list[tuple[Cell, ast.stmt, list[ImportKey]]]:
        if not any(isinstance(stmt, (ast.Import, ast.ImportFrom)) for _, stmt in stmts):
            return []  # (no import to hoist: what the other statements bind does not matter)
        bind_count: dict[str, int] = {}
        for _, stmt in stmts:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:
                    name = alias_bound(stmt, alias)
                    bind_count[name] = bind_count.get(name, 0) + 1
            else:
                for name in self._binds(stmt):
                    bind_count[name] = bind_count.get(name, 0) + 1
                # a binding inside a nested function shadows nothing at this level
        hoisted = []
        for index, (cell, stmt) in enumerate(stmts):
            if not isinstance(stmt, (ast.Import, ast.ImportFrom)) or stmt.col_offset != 0:
                continue
            if isinstance(stmt, ast.ImportFrom) and stmt.level:
                continue
            # (a __future__ import in a function body is a compile error: it always leaves the body)
            future = isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"
            if not self._alone_on_lines(stmts, index):
                if future:
                    raise ExtractionRefused(
                        f"Cell {self.around.number(cell.index)} line {stmt.lineno}: the `__future__` import shares "
                        "its line with other statements: put it on a line of its own, then extract."
                    )
                continue
            if not future and any(bind_count.get(alias_bound(stmt, a), 0) != 1 for a in stmt.names):
                continue
            hoisted.append((cell, stmt, [import_key(stmt, a) for a in stmt.names]))
        return hoisted

    @staticmethod
    def _alone_on_lines(stmts: list[tuple[Cell, ast.stmt]], index: int) -> bool:
        cell, stmt = stmts[index]
        for other_index in (index - 1, index + 1):
            if 0 <= other_index < len(stmts):
                other_cell, other = stmts[other_index]
                if other_cell.index == cell.index and not (
                    other.end_lineno < stmt.lineno or other.lineno > stmt.end_lineno
                ):
                    return False
        return True

    def _wrapped(self, body: list[Line]) -> str:
        indent = indent_unit(body)
        rendered = render_lines(body, indent)
        if not any(line.strip() for line in rendered):
            rendered = [indent + "pass"]
        return f"def {_WRAPPER}():\n" + "\n".join(rendered) + f"\n{indent}pass\n"

    def _analyse(self, body: list[Line]) -> tuple[set[str], set[str], set[str], dict[str, set[str]]]:
        """(the function's locals, the names it reads itself, names it reads as globals (nested
        scopes included), free names of each function or class the selection defines at its top
        level)."""
        source = self._wrapped(body)
        try:
            table = symtable.symtable(source, "<extract>", "exec")
        except SyntaxError as exc:
            raise ExtractionRefused(
                f"The selection cannot be compiled as a function body: {exc.msg} (line {exc.lineno})."
            ) from exc
        func = next(t for t in table.get_children() if t.get_name() == _WRAPPER)
        symbols = {s.get_name(): s for s in func.get_symbols()}
        globals_read = {name for name, s in symbols.items() if s.is_global() and s.is_referenced()}
        closures: dict[str, set[str]] = {}

        def walk(t: symtable.SymbolTable) -> tuple[set[str], set[str]]:
            glob, free = set(), set()
            for s in t.get_symbols():
                if s.is_global() and s.is_referenced() and not s.is_local():
                    glob.add(s.get_name())
                if s.is_free():
                    free.add(s.get_name())
            for child in t.get_children():
                g, f = walk(child)
                glob |= g
                free |= f
            return glob, free

        self.read_when_called = _read_when_called(func)
        for child in func.get_children():
            glob, free = walk(child)
            globals_read |= glob
            # what the function or class will hold on to: the extracted function's locals, and the
            # globals it reads (parameters, once extracted)
            own = (free & {n for n, s in symbols.items() if s.is_local()}) | glob
            key = child.get_name()
            closures[key] = closures.get(key, set()) | own
        own_reads = {name for name, s in symbols.items() if s.is_referenced()}
        return {name for name, s in symbols.items() if s.is_local()}, own_reads, globals_read, closures

    def _plain_symbols(self) -> tuple[set[str], set[str]] | None:
        """(the locals, the names read) of a body of plain statements only, as ``_analyse`` finds
        them in ``_wrapped(self.body)`` without compiling the body again: ``x = …`` to names, expressions
        and imports, none holding a scope of its own, a declaration or anything else symtable could
        reject (``plain_loads``). None for any other body, which symtable reads."""
        hoisted = {id(stmt) for _, stmt, _ in self.hoisted}  # not in the body
        stored: set[str] = set()
        reads: set[str] = set()
        # as ``flow`` runs through the statements (the hoisted imports too): what is read while no
        # statement above bound it, and what they bound (a shown value kept as ``_ = …`` is an
        # expression statement there, binding nothing)
        read_first: set[str] = set()
        bound: set[str] = set()
        binds_of = self._binds_of
        for stmt in self.all_stmts:
            kind = type(stmt)
            if id(stmt) in hoisted:
                bound.update(alias_bound(stmt, a) for a in stmt.names)
                continue
            targets = assigned_names(stmt)
            if targets is not None:
                stored.update(targets)
                loads = plain_loads(stmt.value)
                if loads is not None and stmt not in binds_of:
                    # a value with no walrus binds nothing: what ``_binds`` asks for next, found here
                    binds_of[stmt] = set(targets)
            elif kind is ast.Expr:
                if stmt in self._underscored:
                    stored.add("_")
                loads = plain_loads(stmt)
            elif kind in (ast.Import, ast.ImportFrom) and not _future_or_star(stmt):
                names = [alias_bound(stmt, a) for a in stmt.names]
                stored.update(names)
                bound.update(names)
                continue
            else:
                return None
            if loads is None:
                return None
            reads |= loads
            read_first |= loads - bound
            if targets is not None:
                bound.update(targets)
        if "__debug__" in stored:
            return None
        self._plain_flow = (read_first, bound)
        return stored, reads

    def _check_stale_closures(self, closures: dict[str, set[str]], returns: list[str], captured: set[str]) -> None:
        for helper in returns:
            for name in sorted(closures.get(helper, set()) & captured):
                rebinder = self.around.first_binder_below(name)
                if rebinder is not None and not self._replaced_before(helper, name, rebinder):
                    raise ExtractionRefused(
                        f"`{helper}`, defined in the selection and used below it, reads `{name}`, which cell "
                        f"{self.around.number(rebinder)} rebinds: "
                        f"inside {self.function}() it would keep seeing the old value. Pass `{name}` to `{helper}` as "
                        "a parameter, then extract."
                    )

    def _replaced_before(self, helper: str, name: str, rebinder: int) -> bool:
        """Whether the notebook never calls this definition of ``helper`` once cell ``rebinder``
        has rebound ``name``, which the helper reads: then the value the function keeps is the one
        every call saw. So when a cell below rebinds ``helper`` itself, until then the definition
        is only ever called by its name (never kept under another one), no cell from ``rebinder``
        on calls it before that, and that cell calls it only before rebinding ``name`` (when it is
        ``rebinder``) or after rebinding ``helper``. A recursive helper redefined further
        down (it reads its own name) is the usual case."""
        redefined = self.around.first_binder_below(helper)
        if redefined is None:
            return False
        cells = [*self.selected, *self.around.below_until(redefined + 1)]
        code = [c for c in cells if c.cell_type == "code"]
        if any(_reads_uncalled(c.source, helper) for c in code):
            return False
        if redefined < rebinder:
            return True
        for cell in code:
            if cell.index in (rebinder, redefined):
                after = name if cell.index == rebinder else None
                before = helper if cell.index == redefined else None
                if _reads_between(cell.source, helper, after, before):
                    return False
            elif rebinder < cell.index < redefined and helper in _names_read(cell.source):
                return False
        return True

    def _trailing_display(self, stmts: list[tuple[Cell, ast.stmt]]) -> tuple[Cell, ast.Expr] | None:
        if not stmts or not self.choices.display:
            return None
        cell, stmt = stmts[-1]
        if not self._displays(cell, stmt):
            return None
        if stmt.col_offset != 0 or (
            len(stmts) > 1 and stmts[-2][0].index == cell.index and stmts[-2][1].end_lineno >= stmt.lineno
        ):
            self.warnings.append(
                f"Cell {self.around.number(cell.index)} ends with an expression that shares its line with other code: "
                "its value is no longer displayed."
            )
            return None
        return cell, stmt

    @staticmethod
    def _displays(cell: Cell, stmt: ast.stmt) -> bool:
        if not isinstance(stmt, ast.Expr):
            return False
        value = stmt.value
        if isinstance(value, ast.Constant) and value.value is None:
            return False
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("print", "display"):
            return False
        lines = split_lines(cell.source)
        rest = lines[stmt.end_lineno - 1][stmt.end_col_offset :] if stmt.end_lineno <= len(lines) else ""
        return not rest.lstrip().startswith(";")

    def _undefined_lines(self) -> dict[tuple[int, int], str]:
        """The body lines reading a name no cell defines (see _resolve_when_called): ruff's F821 is
        what the notebook does too, so it is silenced there rather than hidden by a definition."""
        if not self.undefined_when_called:
            return {}
        func = ast.parse(self._wrapped(self.body)).body[0]
        marks = {}
        for node in ast.walk(func):
            if isinstance(node, ast.Name) and node.id in self.undefined_when_called:
                line = self.body[node.lineno - 2]
                if not line.in_string and not line.ends_in_string:
                    marks[(line.cell, line.number)] = "F821"
        return marks

    def _dead_names(self, body: list[Line], dead: list[str]) -> tuple[dict[tuple[int, int], str], list[str]]:
        """(body line → the ruff code to silence on it, dead names to return instead)."""
        if not dead:
            return {}, []
        func = ast.parse(self._wrapped(body)).body[0]
        sites = _binding_sites(func.body, dead)
        marks: dict[tuple[int, int], str] = {}
        to_return: list[str] = []
        for name in dead:
            found = [(kind, line) for kind, line in sites[name] if kind not in ("loop", "def")]
            if not found:
                continue
            kind, number = found[0]
            line = body[number - 2]
            fits = not line.ends_in_string and not line.in_string
            if len(found) == 1 and kind in ("F841", "F842", "F401", "except") and fits:
                marks[(line.cell, line.number)] = "F841" if kind == "except" else kind
            elif all(k not in ("except", "F842") for k, _ in found):
                to_return.append(name)
            else:  # bound by ``except … as`` (unbound after the handler): silence each report
                for k, n in found:
                    if k != "unpack":
                        marks[(body[n - 2].cell, body[n - 2].number)] = "F841" if k == "except" else k
        return marks, to_return

    def _warn_outputs(self) -> None:
        if not self.choices.display:
            return
        for cell in self.selected:
            calls = cell_facts(cell.source).calls
            if any(c.parts in (("print",), ("display",)) for c in calls):
                self.warnings.append(
                    f"Cell {self.around.number(cell.index)} prints or displays: its output now appears under the "
                    f"replacement cell, from the call to {self.function}()."
                )

    def _warn_helpers(self, returns: list[str], closures: dict[str, set[str]]) -> None:
        helpers = [n for n in returns if n in closures]
        if helpers:
            self.warnings.append(
                f"{', '.join(f'`{n}`' for n in helpers)} become{'s' if len(helpers) == 1 else ''} nested in "
                f"{self.function}(): "
                "calling them from the notebook works as before, but they cannot be pickled (e.g. for "
                "multiprocessing); consider extracting them into module functions of their own."
            )

    # -- texts --------------------------------------------------------------------------------
    def _header(self) -> str:
        source = f" notebook {_doc_safe(self.choices.notebook_name)}" if self.choices.notebook_name else " a notebook"
        return f'"""Functions extracted from{source} by jupyterlab-readiness."""\n'

    def _function_block(
        self,
        body: list[Line],
        parameters: list[str],
        returns: list[str],
        returns_display: bool,
        result_class: str | None,
    ) -> str:
        indent = indent_unit(body)
        first, last = self.choices.cell_numbers
        cells = f"cell {first}" if first == last else f"cells {first}-{last}"
        origin = (
            f"{cells} of {_doc_safe(self.choices.notebook_name)}" if self.choices.notebook_name else f"notebook {cells}"
        )
        heading = _doc_safe(heading_above(self.notebook, self.selected[0].index))
        if heading:
            doc = [
                f'{indent}"""{heading}.' if heading[-1:] not in ".!?:" else f'{indent}"""{heading}',
                "",
                f"{indent}Extracted by jupyterlab-readiness from {origin}.",
            ]
        else:
            doc = [f'{indent}"""Code from {origin}, extracted by jupyterlab-readiness.', ""]
        if parameters:
            doc.append(f"{indent}Parameters: {', '.join(parameters)}.")
        if returns:
            doc.append(f"{indent}Returns: {', '.join(returns)}{f' (as {result_class})' if result_class else ''}.")
        elif returns_display:
            doc.append(f"{indent}Returns: the value the last cell displayed.")
        if doc[-1] == "":
            doc.pop()
        doc.append(f'{indent}"""')
        lines = []
        if result_class:
            lines.append(f"class {result_class}(NamedTuple):")
            lines.append(f'{indent}"""What {self.function}() returns."""')
            lines.append("")
            lines.extend(f"{indent}{name}: Any" for name in returns)
            lines.extend(["", ""])
        annotation = f" -> {result_class}" if result_class else ""
        lines.append(f"def {self.function}({', '.join(parameters)}){annotation}:")
        lines.extend(doc)
        if self.declared:
            lines.append(f"{indent}global {', '.join(self.declared)}")
        rendered = render_lines(body, indent)
        while rendered and not rendered[-1].strip():
            rendered.pop()
        lines.extend(rendered)
        if returns:
            value = f"{result_class}({', '.join(returns)})" if result_class else ", ".join(returns)
            lines.append(f"{indent}return {value}")
        return "\n".join(lines) + "\n"

    def _replacement(
        self,
        cell_imports: list[ImportKey],
        parameters: list[str],
        returns: list[str],
        display: str | None,
        deleted: set[str],
    ) -> str:
        lines = render_imports(set(cell_imports))
        lines.append(f"from {self.module} import {self.function}")
        call = f"{self.function}({', '.join(parameters)})"
        if returns:
            lines.append(f"{', '.join(returns)} = {call}")
        else:
            lines.append(call)
        lines.extend(f"del {name}" for name in sorted(deleted))
        if display is not None:
            lines.append(display)
        return "\n".join(lines)


def _future_or_star(stmt: ast.Import | ast.ImportFrom) -> bool:
    """``from __future__ import …`` or ``import *``: a compile error in a function."""
    return isinstance(stmt, ast.ImportFrom) and (stmt.module == "__future__" or any(a.name == "*" for a in stmt.names))


def _pure(expr: ast.expr) -> bool:
    """No call, await, yield or binding anywhere in it: evaluating it only reads."""
    return not any(
        isinstance(n, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr, ast.Lambda, *COMPREHENSIONS))
        for n in ast.walk(expr)
    )


def _stmt_lines(cell: Cell, stmt: ast.stmt) -> list[tuple[int, int]]:
    return [(cell.index, n) for n in range(stmt.lineno, stmt.end_lineno + 1)]


def _first_bind_order(
    stmts: list[ast.stmt],
    binds: Callable[[ast.stmt], set[str]] = scope_binds,
    scope_nodes: Callable[[ast.stmt], Iterable[ast.AST]] = module_scope_nodes,
) -> list[str]:
    """The names the statements bind in their scope, in the order they are first bound: within a
    statement, by where each name is first assigned; names no assignment binds (imports,
    definitions, ``except … as``, ``del``) first, by where they are bound. (Sorting by the first
    key alone left those in the order of a set of strings: hash randomization made the order of
    ``import os, sys`` inside an ``if`` change from run to run.)"""
    order: dict[str, None] = {}
    for stmt in stmts:
        names = binds(stmt)
        if len(names) <= 1:  # (the usual ``x = …``: nothing to order)
            for name in names:
                order[name] = None
            continue
        stores: dict[str, tuple[int, int]] = {}
        sites: dict[str, tuple[int, int]] = {}
        for node in scope_nodes(stmt):
            for name, position in _binding_positions(node):
                table = stores if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) else sites
                table[name] = min(position, table.get(name, position))
        for name in sorted(names, key=lambda n: (stores.get(n, (0, 0)), sites.get(n, (0, 0)), n)):
            order.setdefault(name)
    return list(order)


def _plain_binds(stmt: ast.stmt, walrus_free: bool) -> set[str]:
    """``scope_binds(stmt)``, without walking the usual statements of a cell with no ``:=``
    (``walrus_free``; only a walrus binds inside an expression): ``x = …`` binds its plain targets,
    an expression nothing."""
    if walrus_free:
        targets = assigned_names(stmt)
        if targets is not None:
            return set(targets)
        if isinstance(stmt, ast.Expr):
            return set()
    return scope_binds(stmt)


def _binding_positions(node: ast.AST) -> Iterator[tuple[str, tuple[int, int]]]:
    """The names ``node`` itself binds, and where."""
    if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
        yield node.id, (node.lineno, node.col_offset)
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            yield alias_bound(node, alias), (alias.lineno, alias.col_offset)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or (
        isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name
    ):
        yield node.name, (node.lineno, node.col_offset)
    elif isinstance(node, ast.MatchMapping) and node.rest:
        yield node.rest, (node.lineno, node.col_offset)


def _order_by_first_use(names: set[str], stmts: list[ast.stmt]) -> list[str]:
    order: list[str] = []
    for stmt in stmts:
        if len(order) == len(names):
            break
        found = sorted(
            ((n.lineno, n.col_offset), n.id)
            for n in walk(stmt)
            if isinstance(n, ast.Name) and n.id in names and n.id not in order
        )
        for _, name in found:
            if name not in order:
                order.append(name)
    return order + sorted(names - set(order))


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part) or "Extracted"


def _doc_safe(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text.replace("\\", "/").replace('"', "'")


def _verify(module_text: str, replacement: str) -> None:
    failure = first_failure({"module": module_text, "replacement cell": replacement})
    if failure is not None:  # a bug here, never the user's fault: refuse rather than write it
        raise ExtractionRefused(
            f"Could not generate a valid {failure.name} ({failure.message}, line {failure.line}); nothing was "
            "written. Please report this."
        )


def _binding_sites(body: list[ast.stmt], names: list[str]) -> dict[str, list[tuple[str, int]]]:
    """Where the function body binds each of ``names``: (kind, line), the kind being the ruff code
    such a binding is reported under when nothing reads it ("unpack", "loop", "def", "walrus" and
    "except" are bindings ruff reports differently or not at all)."""
    sites: dict[str, list[tuple[str, int]]] = {name: [] for name in names}
    for node in module_scope_nodes(ast.Module(body=body, type_ignores=[])):
        bindings = _BINDINGS.get(type(node))
        for name, kind, line in bindings(node) if bindings else ():
            if name in sites:
                sites[name].append((kind, line))
    return sites


Binding = tuple[str, str, int]  # (name, kind, line)


def _stored(target: ast.AST, kind: str) -> Iterator[Binding]:
    for n in ast.walk(target):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            yield n.id, kind, n.lineno


def _assign_bindings(node: ast.Assign) -> Iterator[Binding]:
    for target in node.targets:
        if isinstance(target, ast.Name):
            yield target.id, "F841", target.lineno
        else:
            yield from _stored(target, "unpack")


def _ann_assign_bindings(node: ast.AnnAssign) -> Iterator[Binding]:
    if isinstance(node.target, ast.Name):
        yield node.target.id, "F841" if node.value is not None else "F842", node.target.lineno


def _with_bindings(node: ast.With | ast.AsyncWith) -> Iterator[Binding]:
    for item in node.items:
        if isinstance(item.optional_vars, ast.Name):
            yield item.optional_vars.id, "F841", item.optional_vars.lineno
        elif item.optional_vars is not None:
            yield from _stored(item.optional_vars, "unpack")


def _except_bindings(node: ast.ExceptHandler) -> Iterator[Binding]:
    if node.name:
        yield node.name, "except", node.type.end_lineno if node.type is not None else node.lineno


def _import_bindings(node: ast.Import | ast.ImportFrom) -> Iterator[Binding]:
    for alias in node.names:
        yield alias_bound(node, alias), "F401", alias.lineno


_BINDINGS: dict[type, Callable[[Any], Iterator[Binding]]] = {
    ast.Assign: _assign_bindings,
    ast.AnnAssign: _ann_assign_bindings,
    ast.With: _with_bindings,
    ast.AsyncWith: _with_bindings,
    ast.ExceptHandler: _except_bindings,
    ast.Import: _import_bindings,
    ast.ImportFrom: _import_bindings,
    ast.For: lambda node: _stored(node.target, "loop"),
    ast.AsyncFor: lambda node: _stored(node.target, "loop"),
    ast.comprehension: lambda node: _stored(node.target, "loop"),
    ast.FunctionDef: lambda node: iter([(node.name, "def", node.lineno)]),
    ast.AsyncFunctionDef: lambda node: iter([(node.name, "def", node.lineno)]),
    ast.ClassDef: lambda node: iter([(node.name, "def", node.lineno)]),
    ast.NamedExpr: lambda node: iter([(node.target.id, "walrus", node.lineno)]),
}


def _reads_uncalled(source: str, name: str) -> bool:
    """Whether the code reads ``name`` other than as the function of a call (``f = name``,
    ``map(name, xs)``), at any depth; a cell that does not parse may."""
    if name not in source:
        return False
    tree = cell_tree(source)
    if tree is None:
        return True
    callees = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return any(
        isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) and id(n) not in callees
        for n in ast.walk(tree)
    )


_COMPREHENSIONS = frozenset({"listcomp", "setcomp", "dictcomp", "genexpr"})


def _read_when_called(table: symtable.SymbolTable) -> set[str]:
    """The global names only function and lambda bodies nested in ``table`` read: looked up when
    they are called, not when the cell runs (as the code of a comprehension or a class body is)."""
    immediate = {s.get_name() for s in table.get_symbols() if s.is_global() and s.is_referenced()}
    deferred: set[str] = set()
    for child in table.get_children():
        if child.get_type() == "function" and child.get_name() not in _COMPREHENSIONS:
            deferred |= _global_reads(child)
        else:
            deferred |= _read_when_called(child)
            immediate |= _global_reads(child) - _read_when_called(child)
    return deferred - immediate


class _WithoutAnnotations(ast.NodeTransformer):
    """Annotations gone (an annotated name without a value keeps a constant one: it stays local)."""

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.annotation = None
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.returns = None
        self.generic_visit(node)
        return node

    visit_AsyncFunctionDef = visit_FunctionDef  # NodeTransformer calls visit_<node type>

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AnnAssign:
        node.annotation = ast.Constant(0)
        self.generic_visit(node)
        return node


def _global_reads(table: symtable.SymbolTable) -> set[str]:
    names = {s.get_name() for s in table.get_symbols() if s.is_global() and s.is_referenced() and not s.is_local()}
    for child in table.get_children():
        names |= _global_reads(child)
    return names


def _names_read(source: str) -> set[str]:
    tree = cell_tree(source)
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} if tree is not None else {source}


def _reads_between(source: str, helper: str, after: str | None, before: str | None) -> bool:
    """Whether the cell's own statements (not its function bodies) read ``helper`` once ``after``
    is bound (from the start when None) and until ``before`` is (to the end when None); a cell
    that does not parse may."""
    tree = cell_tree(source)
    if tree is None:
        return True
    started = after is None
    for stmt in tree.body:
        binds = scope_binds(stmt)
        if started and any(
            isinstance(n, ast.Name) and n.id == helper and isinstance(n.ctx, ast.Load) for n in module_scope_nodes(stmt)
        ):
            return True
        if before is not None and before in binds:
            return False
        started = started or after in binds
    return False
