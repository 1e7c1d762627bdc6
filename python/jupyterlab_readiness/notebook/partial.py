"""What a cell that does not parse would bind: its top-level statements parsed one by one, so that
the hidden-state findings below it can say that it defines a name (rather than "no cell defines
it") and be shown under it. Best effort, never used to decide that a name IS defined."""

from __future__ import annotations

import functools
import re

from .facts import cell_facts

# Statement openers that continue the statement above rather than start one.
_CONTINUES = re.compile(r"^(?:else|elif|except|finally|case)\b|^[)\]}]")
_BINDS = re.compile(
    r"^(?:(?:async\s+)?def\s+(?P<def>\w+)|class\s+(?P<cls>\w+)|(?P<name>[A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=))"
)
# A Python 2 statement that binds nothing: ``print "x"``, ``exec "code"``.
_PYTHON2_STATEMENT = re.compile(r"^(?:print|exec)\b(?!\s*\()")


@functools.lru_cache(maxsize=1024)
def salvage(source: str) -> tuple[frozenset[str], bool]:
    """(names the cell's top-level statements bind, judged one statement at a time; whether some
    statement could not be read at all and may bind anything)."""
    names: set[str] = set()
    opaque = False
    for chunk in _statements(source):
        facts = cell_facts(chunk)
        if facts.syntax_error is None:
            names |= facts.binds
            # a star import, ``%run`` or ``%pylab`` binds names nobody can list: it may bind anything
            opaque = opaque or facts.star_import_line is not None
            continue
        first = chunk.lstrip()
        match = _BINDS.match(first)
        if match:
            names.add(match.group("def") or match.group("cls") or match.group("name"))
        elif not _PYTHON2_STATEMENT.match(first):
            opaque = True
    return frozenset(names), opaque


def _statements(source: str) -> list[str]:
    chunks: list[list[str]] = []
    continued = False  # the line above ends in a backslash or a decorator
    for line in source.splitlines():
        starts = bool(line) and not line[0].isspace() and not line.startswith("#") and not _CONTINUES.match(line)
        if starts and not continued:
            chunks.append([line])
        elif chunks:
            chunks[-1].append(line)
        elif line.strip():
            chunks.append([line])
        stripped = line.rstrip()
        continued = stripped.endswith("\\") or (starts and stripped.startswith("@"))
    return ["\n".join(chunk) for chunk in chunks]
