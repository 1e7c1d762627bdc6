"""Where a key is written in a TOML file, for error messages: ``key_lines(text, table).line(loc)``
is the line of the most specific key or table header on the way to ``loc`` (a tuple of keys and
array indices, as pydantic reports it) inside ``table``.

A line scanner, not a parser: headers (``[a.b]``, ``[[a.b]]``) and ``key = …`` lines, dotted and
quoted keys included; lines inside multi-line strings and arrays are skipped. It only has to find
the line of a key the real parser already read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEY = rf"(?:{_BARE}|{_QUOTED})(?:\s*\.\s*(?:{_BARE}|{_QUOTED}))*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_KEY})\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(rf"^\s*({_KEY})\s*=")
_PART = re.compile(rf"\s*({_BARE}|{_QUOTED})\s*(?:\.|$)")


def split_key(key: str) -> tuple[str, ...]:
    parts = []
    for match in _PART.finditer(key):
        part = match.group(1)
        if part[0] in "\"'":
            part = part[1:-1].encode("utf-8").decode("unicode_escape") if part[0] == '"' else part[1:-1]
        parts.append(part)
    return tuple(parts)


@dataclass
class KeyLines:
    entries: list[tuple[tuple[Any, ...], int]] = field(default_factory=list)
    prefix: tuple[str, ...] = ()

    def line(self, loc: tuple[Any, ...]) -> int | None:
        """The line of the longest written prefix of ``prefix + loc`` (None: not found)."""
        target = (*self.prefix, *(str(p) if not isinstance(p, int) else p for p in loc))
        best, best_len = None, -1
        for path, line in self.entries:
            if len(path) > best_len and len(path) <= len(target) and target[: len(path)] == path:
                best, best_len = line, len(path)
        return best if best_len >= max(len(self.prefix), 1) else None


def key_lines(text: str | None, prefix: tuple[str, ...] = ()) -> KeyLines:
    lines = KeyLines(prefix=prefix)
    if not text:
        return lines
    current: tuple[Any, ...] = ()
    counts: dict[tuple[Any, ...], int] = {}
    for number, line in _code_lines(text):
        header = _HEADER.match(line)
        if header:
            path = split_key(header.group(2))
            if header.group(1) == "[[":
                index = counts.get(path, 0)
                counts[path] = index + 1
                if index == 0:
                    lines.entries.append((path, number))
                current = (*path, index)
            else:
                current = path
            lines.entries.append((current, number))
            continue
        assign = _ASSIGN.match(line)
        if assign:
            lines.entries.append(((*current, *split_key(assign.group(1))), number))
    return lines


def _code_lines(text: str) -> Iterator[tuple[int, str]]:
    """(1-based number, line) of the lines that may hold a header or a key: not inside a
    multi-line string or a multi-line array or inline table."""
    depth = 0
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is None and depth == 0:
            yield number, line
        depth, in_string = _scan(line, depth, in_string)


def _scan(line: str, depth: int, in_string: str | None) -> tuple[int, str | None]:
    """Bracket depth and open multi-line string after ``line``."""
    i = 0
    while i < len(line):
        if in_string is not None:
            end = line.find(in_string, i)
            if end < 0:
                return depth, in_string
            i, in_string = end + 3, None
            continue
        char = line[i]
        if char == "#":
            break
        if line.startswith('"""', i) or line.startswith("'''", i):
            in_string, i = line[i : i + 3], i + 3
            continue
        if char in "\"'":
            end = _string_end(line, i)
            i = end + 1
            continue
        if char in "[{" and (depth > 0 or _ASSIGN.match(line[:i])):
            depth += 1
        elif char in "]}" and depth > 0:
            depth -= 1
        i += 1
    return depth, in_string


def _string_end(line: str, start: int) -> int:
    quote, i = line[start], start + 1
    while i < len(line):
        if quote == '"' and line[i] == "\\":
            i += 2
            continue
        if line[i] == quote:
            return i
        i += 1
    return len(line)
