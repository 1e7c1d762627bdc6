"""Cells that do not parse as Python once IPython syntax is translated."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Context, Hit

_PYTHON2_PRINT = re.compile(r"^[ \t]*print[ \t]+[^\s(=]", re.MULTILINE)


def syntax_error(ctx: Context) -> Iterator[Hit]:
    for cell, facts in ctx.code:
        if facts.syntax_error is None:
            continue
        line, message = facts.syntax_error
        hint = " (this looks like Python 2 code)" if _PYTHON2_PRINT.search(cell.source) else ""
        yield Hit(
            cell.index,
            line,
            f"This cell does not parse: {message}{hint}. A top-to-bottom run stops here.",
            "Fix the syntax; the other checks skip this cell until it parses.",
        )
