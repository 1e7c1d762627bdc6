"""What a check receives: the notebook, each code cell's facts, and derived views computed once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from .facts import Call, CellFacts, cell_facts
from .notebook import Cell, Notebook


@dataclass(frozen=True, slots=True)
class Hit:
    """A finding before the engine adds severity and cell id."""

    cell_index: int | None
    line: int | None
    message: str
    suggestion: str


class ResolvedCall(NamedTuple):
    cell: Cell
    call: Call
    qualname: str | None  # "datetime.datetime.now" once aliases are resolved; None if the head is unknown


class Context:
    def __init__(self, notebook: Notebook, path: Path | None) -> None:
        self.notebook = notebook
        self.path = path
        self.directory = path.parent if path is not None else None
        self._local: dict[str, bool] = {}

    @cached_property
    def code(self) -> list[tuple[Cell, CellFacts]]:
        """Code cells in document order with their facts (facts come from the per-source cache)."""
        if not self.notebook.is_python:
            return []
        return [(c, cell_facts(c.source)) for c in self.notebook.cells if c.cell_type == "code"]

    @cached_property
    def calls(self) -> list[ResolvedCall]:
        """Every call in document order, its head resolved through the imports seen so far."""
        aliases: dict[str, str] = {}
        resolved: list[ResolvedCall] = []
        for cell, facts in self.code:
            imports = facts.imports
            pending = 0
            for call in facts.calls:
                while pending < len(imports) and imports[pending].line <= call.line:
                    _alias(aliases, imports[pending])
                    pending += 1
                resolved.append(ResolvedCall(cell, call, _qualify(aliases, call.parts)))
            for imp in imports[pending:]:
                _alias(aliases, imp)
        return resolved

    def is_local_module(self, top: str) -> bool:
        """A module or package beside the notebook: the project's own code, never a dependency."""
        known = self._local.get(top)
        if known is None:
            directory = self.directory
            known = directory is not None and ((directory / f"{top}.py").is_file() or (directory / top).is_dir())
            self._local[top] = known
        return known


def _alias(aliases: dict[str, str], imp) -> None:
    if imp.bound is not None and not imp.relative:
        aliases[imp.bound] = imp.target


def _qualify(aliases: dict[str, str], parts: tuple[str | None, ...]) -> str | None:
    head = parts[0]
    if head is None:
        return None
    base = aliases.get(head)
    if base is None:
        return head if len(parts) == 1 else None
    return base if len(parts) == 1 else base + "." + ".".join(parts[1:])  # type: ignore[arg-type]
