"""Cells IPython would not run: they do not parse once IPython's own input transformations are
applied, or the compiler rejects a statement."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Context, Hit

_PYTHON2_PRINT = re.compile(r"^[ \t]*print[ \t]+[^\s(=]", re.MULTILINE)


def syntax_error(ctx: Context) -> Iterator[Hit]:
    shadowed: dict[int, tuple[str, int]] | None = None  # computed at the first one-line automagic
    for cell, facts in ctx.code:
        if facts.syntax_error is None:
            if facts.magic_only is None:
                continue
            if shadowed is None:
                shadowed = _shadowed_automagics(ctx)
            if cell.index in shadowed:
                name, definer = shadowed[cell.index]
                line = facts.magics[0].line if facts.magics else None
                yield Hit(
                    cell.index,
                    line,
                    f"This line runs as the magic `%{name}` only while no variable `{name}` exists; cell {definer} "
                    "defines one, so IPython runs it as Python, "
                    "and it does not parse. A top-to-bottom run stops here.",
                    f"Write `%{name}` to call the magic, or rename the variable `{name}`.",
                )
            continue
        line, message = facts.syntax_error
        hint = " (this looks like Python 2 code)" if _PYTHON2_PRINT.search(cell.source) else ""
        yield Hit(
            cell.index,
            line,
            f"This cell does not parse: {message}{hint}. A top-to-bottom run stops here.",
            "Fix the syntax; the other checks skip this cell until it parses.",
        )


def _shadowed_automagics(ctx: Context) -> dict[int, tuple[str, int]]:
    """Cells holding a one-line automagic that is not Python (``cd ..``) whose name a cell above
    certainly may have defined: IPython then runs the line as Python. After a star import or
    ``%run`` the names are unknown: nothing is reported."""
    defined: dict[str, int] = {}  # name → the last cell above that binds it
    found: dict[int, tuple[str, int]] = {}
    for cell, facts in ctx.code:
        if facts.syntax_error is not None:
            continue
        name = facts.magic_only
        if name is not None and name in defined:
            found[cell.index] = (name, defined[name])
            continue
        magic = facts.automagic
        if magic is not None and magic[0] not in defined:
            if magic[0] in ("run", "pylab"):
                break
            continue  # runs as the magic: binds nothing
        for bound in facts.binds:
            defined[bound] = cell.index
        for gone in facts.unbinds:
            defined.pop(gone, None)
        if facts.star_import_line is not None:
            break
    return found
