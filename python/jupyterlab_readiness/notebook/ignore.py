"""Inline suppression comments: ``# readiness: ignore[check-id, other-id]`` (or a bare
``# readiness: ignore`` for every check) at the end of a line silences that line's findings; as
the first line of a cell (the second after a ``%%`` cell magic), on a line of its own, it
silences the whole cell's. Text after the brackets is the reason, reported with what was
suppressed. Comments are found line by line, like ruff's ``# noqa``: the marker inside a string
literal counts too."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

MARKER = "readiness:"
_COMMENT = re.compile(r"#\s*readiness:\s*ignore\b(?:\[(?P<ids>[^\]]*)\])?(?P<reason>[^#]*)")
ALL = None  # "every check", in place of a set of ids


@dataclass(frozen=True)
class Ignore:
    checks: frozenset[str] | None  # None: every check
    reason: str | None

    def covers(self, check: str) -> bool:
        return self.checks is None or check in self.checks


@dataclass(frozen=True)
class Ignores:
    cell: Ignore | None = None  # the cell-level comment
    lines: dict[int, Ignore] = field(default_factory=dict)  # 1-based line → its comment

    def find(self, check: str, line: int | None) -> Ignore | None:
        """The comment that silences ``check`` at ``line`` (None: a finding about the whole cell)."""
        if line is not None:
            found = self.lines.get(line)
            if found is not None and found.covers(check):
                return found
        if self.cell is not None and self.cell.covers(check):
            return self.cell
        return None


NONE = Ignores()


def ignores(source: str) -> Ignores:
    """The suppression comments of a cell (NONE for the vast majority, which have none)."""
    if MARKER not in source:
        return NONE
    return _parse(source)


@functools.lru_cache(maxsize=2048)
def _parse(source: str) -> Ignores:
    lines: dict[int, Ignore] = {}
    cell: Ignore | None = None
    text = source.splitlines()
    cell_line = 2 if text and text[0].lstrip().startswith("%%") else 1
    for number, line in enumerate(text, 1):
        if MARKER not in line:
            continue
        found = parse_comment(line)
        if found is None:
            continue
        lines[number] = found
        if number == cell_line and line.lstrip().startswith("#"):
            cell = found
    return Ignores(cell, lines) if lines else NONE


def parse_comment(line: str) -> Ignore | None:
    """The suppression a line's comments make (several comments on one line add up)."""
    checks: set[str] | None = set()
    reasons = []
    found = False
    for match in _COMMENT.finditer(line):
        found = True
        ids = match.group("ids")
        if ids is None or checks is None:
            checks = None
        else:
            checks.update(part.strip() for part in ids.split(",") if part.strip())
        reason = match.group("reason").strip(" \t-—–:;,.")
        if reason:
            reasons.append(reason)
    if not found:
        return None
    return Ignore(None if checks is None else frozenset(checks), "; ".join(reasons) or None)


def comment(checks: list[str]) -> str:
    return f"# readiness: ignore[{', '.join(checks)}]"
