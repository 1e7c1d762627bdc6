"""What every fix reads and builds: a cell's syntax tree with the lines IPython syntax left alone,
names the notebook already uses, the parameters cell (papermill's ``parameters`` tag) and the
edits that add a parameter to it, and the order edits of one fix go in."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from ..checks.context import Context, Hit
from ..contract.fixes import Edit, InsertCell, ReplaceSource, SetTags
from ..contract.report import Finding
from ..notebook.magics import translate
from ..notebook.model import Cell
from ..notebook.parse import cell_tree
from ..notebook.rewrite import free_name
from ..notebook.run_memo import per_run
from .options import FixOptions

PARAMETERS_TAG = "parameters"
T = TypeVar("T")


class Tree:
    """A code cell's syntax tree (IPython syntax translated) and which of its lines are the
    user's text as it is, so positions on them can be edited in the source. Cached by source, with
    what the fixes look up in it computed once."""

    __slots__ = ("_calls", "_in_strings", "_lines", "_parents", "kept", "source", "tree")

    def __init__(self, source: str, tree: ast.Module, kept: frozenset[int]) -> None:
        self.source = source
        self.tree = tree
        self.kept = kept
        self._calls: dict[int, list[ast.Call]] | None = None
        self._in_strings: frozenset[int] | None = None
        self._lines: list[bytes] | None = None
        self._parents: dict[int, ast.AST] | None = None

    def parents(self) -> dict[int, ast.AST]:
        """id(node) → the node it is a child of (one walk of the cell, however many fixes ask)."""
        if self._parents is None:
            parents: dict[int, ast.AST] = {}
            for node in ast.walk(self.tree):
                for child in ast.iter_child_nodes(node):
                    parents[id(child)] = node
            self._parents = parents
        return self._parents

    def editable(self, node: ast.AST) -> bool:
        start, end = node.lineno, node.end_lineno  # type: ignore[attr-defined]
        return all(line in self.kept for line in range(start, (end or start) + 1))

    def segment(self, node: ast.AST) -> str:
        """The node's text as written (``ast.get_source_segment``, with the lines split once)."""
        if self._lines is None:
            self._lines = [line.encode("utf-8") for line in self.source.splitlines(keepends=True)]
        lines = self._lines
        start, end = node.lineno - 1, node.end_lineno - 1  # type: ignore[attr-defined, operator]
        if end >= len(lines):
            return ast.unparse(node)
        if start == end:
            return lines[start][node.col_offset : node.end_col_offset].decode("utf-8")  # type: ignore[attr-defined]
        parts = [lines[start][node.col_offset :], *lines[start + 1 : end], lines[end][: node.end_col_offset]]  # type: ignore[attr-defined]
        return b"".join(parts).decode("utf-8")

    def calls_on(self, line: int) -> list[ast.Call]:
        if self._calls is None:
            calls: dict[int, list[ast.Call]] = {}
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Call):
                    calls.setdefault(node.lineno, []).append(node)
            self._calls = calls
        return self._calls.get(line, [])

    def ends_in_string(self, line: int) -> bool:
        """Whether the end of ``line`` is inside a string that goes on to the next line."""
        if self._in_strings is None:
            inside: set[int] = set()
            for node in ast.walk(self.tree):
                if (
                    isinstance(node, (ast.Constant, ast.JoinedStr))
                    and node.end_lineno
                    and node.end_lineno > node.lineno
                ):
                    inside.update(range(node.lineno, node.end_lineno))
            self._in_strings = frozenset(inside)
        return line in self._in_strings


@per_run(outside=256)
def tree_of(source: str) -> Tree | None:
    tree = cell_tree(source)
    if tree is None:
        return None
    translated = translate(source)
    if translated == source:
        kept = frozenset(range(1, source.count("\n") + 2))
    else:
        ours, theirs = source.splitlines(), translated.splitlines()
        kept = frozenset(i + 1 for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a == b)
    return Tree(source, tree, kept)


def aliases_at(env: FixEnv, cell: Cell) -> dict[str, str]:
    """The imports in force in ``cell``: earlier cells', then the cell's own (from its facts)."""
    found = env.aliases.get(cell.index)
    if found is None:
        scope = env.scopes.get(cell.index)
        found = dict(scope.aliases) if scope is not None else {}
        found.update(b for imp in (scope.facts.imports if scope is not None else ()) if (b := imp.binding) is not None)
        env.aliases[cell.index] = found
    return found


def calls_on(tree: Tree, line: int) -> list[ast.Call]:
    return tree.calls_on(line)


def literal(value: str) -> str:
    """A string literal in double quotes, as black and ruff format write it."""
    return json.dumps(value, ensure_ascii=False)


# A word of ASCII code, as a name is spelt in it (a digit before it is never part of a name).
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# ------------------------------------------------------------------------------- parameters
class Parameters:
    """The notebook's parameters cell and the literals it assigns: the cell tagged ``parameters``
    (papermill's convention), else — as the export reads it — the first code cell made only of
    literal assignments, which gets the tag when a fix adds to it."""

    def __init__(self, env: FixEnv) -> None:
        self.env = env
        ctx = env.ctx
        self.cell: Cell | None = next((c for c, _ in ctx.code if PARAMETERS_TAG in c.tags), None)
        self.tagged = self.cell is not None
        self.values: dict[str, str] = {}  # name → literal source text
        if self.cell is None:
            for cell, facts in ctx.code:
                if facts.calls or facts.imports:
                    continue  # not a cell of literals, told without parsing it (its facts list every call)
                found = _literal_assignments(cell.source)
                if found:
                    self.cell, self.values = cell, found
                    break
        else:
            self.values = _literal_assignments(self.cell.source, strict=False) or {}
        self.first_code = next((c.index for c, _ in ctx.code), 0)
        self._added: dict[tuple[Any, ...], tuple[list[str], list[Edit]]] = {}

    def usable_for(self, cell_index: int) -> bool:
        """Whether a parameter can be defined before ``cell_index`` runs (a tagged cell below it
        cannot hold it; without a tag, a new tagged cell can go at the top)."""
        return not self.tagged or self.cell is None or self.cell.index < cell_index

    def named(self, names: Iterable[str], literal_type: type) -> str | None:
        """An existing parameter with one of these names holding a literal of this type."""
        for name in names:
            text = self.values.get(name)
            if text is None:
                continue
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                continue
            if type(value) is literal_type:
                return name
        return None

    def holding(self, literal: str) -> str | None:
        return next((name for name, text in self.values.items() if text == literal), None)

    def add(self, wanted: list[tuple[str, str, str | None]], before: int) -> tuple[list[str], list[Edit]]:
        """Add parameters (base name, literal text, comment) that cell ``before`` reads: the names
        given and the edits that write them — appended to the parameters cell (tagged if it was
        not), or a new tagged cell before the first code cell."""
        into = self.cell if self.cell is not None and (self.tagged or self.cell.index < before) else None
        key = (tuple(wanted), into is not None)
        found = self._added.get(key)
        if found is None:
            found = self._added[key] = self._add(wanted, into)
        return found

    def _add(self, wanted: list[tuple[str, str, str | None]], into: Cell | None) -> tuple[list[str], list[Edit]]:
        taken = self.env.taken | set(self.values)
        names: list[str] = []
        lines: list[str] = []
        for base, literal, comment in wanted:
            name = free_name(base, taken)
            taken.add(name)
            names.append(name)
            lines.append(f"{name} = {literal}" + (f"  # {comment}" if comment else ""))
        text = "\n".join(lines)
        if into is None:
            return names, [InsertCell(index=self.first_code, cell_type="code", source=text, tags=[PARAMETERS_TAG])]
        source = into.source
        joined = source + ("" if not source or source.endswith("\n") else "\n") + text
        edits: list[Edit] = [ReplaceSource(cell_index=into.index, cell_id=into.cell_id, source=joined)]
        if not self.tagged:
            edits.append(SetTags(cell_index=into.index, cell_id=into.cell_id, tags=[*into.tags, PARAMETERS_TAG]))
        return names, edits


def _literal_assignments(source: str, *, strict: bool = True) -> dict[str, str] | None:
    """name → literal text of a cell made only of ``name = literal`` lines (``strict``: nothing
    else in it); None when it is not such a cell."""
    tree = tree_of(source)
    if tree is None or not tree.tree.body:
        return None
    found: dict[str, str] = {}
    for stmt in tree.tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            try:
                ast.literal_eval(stmt.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                if strict:
                    return None
                continue
            found[stmt.targets[0].id] = ast.unparse(stmt.value)
        elif strict and not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
            return None
    return found


def ordered(edits: list[Edit]) -> list[Edit]:
    """Cell edits first, inserted cells last from the bottom up: every index in the list is then an
    index of the notebook the finding came from, and also of the notebook when the edit applies."""
    inserts = sorted((e for e in edits if isinstance(e, InsertCell)), key=lambda e: -e.index)
    return [e for e in edits if not isinstance(e, InsertCell)] + inserts


def cell_of(ctx: Context, finding: Finding) -> Cell | None:
    index = finding.cell_index
    if index is None:
        return None
    cell = ctx.notebook.cells[index]
    return cell if cell.cell_type == "code" else None


class FixEnv:
    """What a family's fix function receives: the check's context, the options, every finding of
    the report with its hit; and what several fixes read, computed once per report (the
    parameters cell, the names in use, each cell's imports, fixes shared by many findings)."""

    def __init__(self, ctx: Context, options: FixOptions, findings: list[Finding], hits: list[Hit]) -> None:
        self.ctx = ctx
        self.options = options
        self.findings = findings
        self.hits = hits
        self.scopes = {scope.cell.index: scope for scope in ctx.scopes}
        self.aliases: dict[int, dict[str, str]] = {}
        self.shared: dict[Any, Any] = {}  # a fix many findings share, by what it depends on
        self._parameters: Parameters | None = None
        self._taken: set[str] | None = None
        self._by_check: dict[str, list[tuple[Finding, Hit]]] | None = None
        self._words: tuple[dict[str, set[int]], set[int]] | None = None

    @property
    def parameters(self) -> Parameters:
        if self._parameters is None:
            self._parameters = Parameters(self)
        return self._parameters

    @property
    def taken(self) -> set[str]:
        """Every name the notebook binds or reads at module level: a new name must be none of them."""
        if self._taken is None:
            names: set[str] = set()
            for _, facts in self.ctx.code:
                names |= facts.binds
                names.update(name for _, name in facts.free_reads)
            self._taken = names
        return self._taken

    def naming(self, names: Iterable[str]) -> set[int]:
        """The indices of the code cells that may use one of ``names``, so that the others need not
        be parsed to find out: the ASCII cells that spell one as a word of their code (a name inside
        a longer one, ``begin`` in ``beginning``, is not it), and every cell that is not ASCII
        (Python reads names in their NFKC form: ``ｔ0`` is ``t0``). One pass over the cells, the
        first time a fix asks, however many ask."""
        if self._words is None:
            words: dict[str, set[int]] = {}
            wide: set[int] = set()
            for cell, _ in self.ctx.code:
                if not cell.source.isascii():
                    wide.add(cell.index)
                    continue
                for word in set(_WORD.findall(cell.source)):
                    words.setdefault(word, set()).add(cell.index)
            self._words = (words, wide)
        words, wide = self._words
        found = set(wide)
        for name in names:
            found |= words.get(name, set())
        return found

    def of_check(self, check: str) -> list[tuple[Finding, Hit]]:
        if self._by_check is None:
            self._by_check = {}
            for f, h in zip(self.findings, self.hits, strict=True):
                self._by_check.setdefault(f.check, []).append((f, h))
        return self._by_check.get(check, [])

    def once(self, key: Any, compute: Callable[[], T]) -> T:
        if key not in self.shared:
            self.shared[key] = compute()
        return self.shared[key]
