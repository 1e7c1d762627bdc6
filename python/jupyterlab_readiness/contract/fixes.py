"""The parts of the report contract a finding carries beyond its location: its fixes (cell edits
the core computed, or a command), the finding it follows from, and what a comment suppressed.

Kept out of ``report.py`` so that ``jupyter-readiness check`` does not create these classes at
start-up (each dataclass costs about a millisecond to create, and a plain check never makes one).
``report.py`` names them for type checkers only; ``schema.py`` puts them in its namespace before
pydantic resolves the report's annotations.

**Edits** are a tagged union on ``kind`` (TypeScript can switch on it). The edits of one fix apply
in order to the notebook the finding came from, and each index in them is an index of that
notebook as it is when the edit applies: the core orders them so that cell edits come first and
inserted cells last, from the bottom up, so every index is also an index of the original notebook.
``cell_id`` finds the cell when the live notebook's indices have moved since the check. Lines are
1-based within the cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .report import STRICT


@dataclass(slots=True, kw_only=True)
class ReplaceSource:
    """Replace the cell's whole source."""

    __pydantic_config__ = STRICT

    kind: Literal["replace-source"] = "replace-source"
    cell_index: int
    cell_id: str | None
    source: str


@dataclass(slots=True, kw_only=True)
class InsertText:
    """Insert ``text`` at the end of line ``line`` of the cell (before its line break); ``line`` 0
    inserts it before the first line. Used where the edit must not carry the cell's source (an
    ignore comment on a line that holds a credential)."""

    __pydantic_config__ = STRICT

    kind: Literal["insert-text"] = "insert-text"
    cell_index: int
    cell_id: str | None
    line: int
    text: str


@dataclass(slots=True, kw_only=True)
class InsertCell:
    """Insert a new cell (no outputs, never run) so that it has index ``index``; the cells from
    there on move down one."""

    __pydantic_config__ = STRICT

    kind: Literal["insert-cell"] = "insert-cell"
    index: int
    cell_type: Literal["code", "markdown"]
    source: str
    tags: list[str] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class SetTags:
    """Set the cell's ``metadata.tags`` to exactly ``tags``."""

    __pydantic_config__ = STRICT

    kind: Literal["set-tags"] = "set-tags"
    cell_index: int
    cell_id: str | None
    tags: list[str]


@dataclass(slots=True, kw_only=True)
class ClearOutputs:
    """Remove the cell's outputs (its execution count stays)."""

    __pydantic_config__ = STRICT

    kind: Literal["clear-outputs"] = "clear-outputs"
    cell_index: int
    cell_id: str | None


Edit = ReplaceSource | InsertText | InsertCell | SetTags | ClearOutputs


@dataclass(slots=True)
class Fix:
    """A way to resolve a finding. ``edits``: cell edits the core computed (empty for a command).
    ``command``: a JupyterLab command that is the fix instead (``notebook:restart-run-all``,
    ``readiness:rehearse``, ``readiness:freeze-env``, ``readiness:extract-to-module``); the CLI
    never runs commands. ``safe``: the fix keeps what the notebook computes (ruff's convention:
    ``fix`` applies only safe fixes unless ``--unsafe-fixes``); ``note`` says what an unsafe fix
    may change, or what to do next."""

    __pydantic_config__ = STRICT

    id: str
    title: str
    safe: bool
    edits: list[Edit] = field(default_factory=list)
    command: str | None = None
    note: str | None = None


@dataclass(slots=True)
class Cause:
    """The finding another one follows from: fix it, and the other goes (or reads differently)."""

    __pydantic_config__ = STRICT

    check: str
    cell_index: int | None


@dataclass(slots=True)
class Suppressed:
    """A finding a ``# readiness: ignore[...]`` comment silenced: where, and the comment's reason
    (the text after the brackets), if any. ``file``: the local module whose line holds the comment."""

    __pydantic_config__ = STRICT

    check: str
    cell_index: int | None
    line: int | None
    reason: str | None = None
    file: str | None = None
