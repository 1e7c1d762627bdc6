"""Extract to module: the selected cells' lines as the body of a function — which lines start or
end inside a multi-line string (never re-indented, nothing appended), and their re-indentation."""

from __future__ import annotations

import io
import re
import sys
import tokenize
from dataclasses import dataclass

from ..errors import ExtractionRefused

LINE_BREAK = re.compile(r"\r\n|\r|\n")
# A string goes on to the next line only when triple-quoted, after a backslash at a line's end or,
# from Python 3.12, as an f-string whose replacement field does: without these, no need to tokenize.
# (Substring tests: one regex of the alternatives took seven times as long on a large notebook.)
_SPANNING = ("'''", '"""', "\\\n", "\\\r")
_FSTRING = re.compile(r"[fF][rR]?['\"]") if sys.version_info >= (3, 12) else None


@dataclass
class Line:
    cell: int  # cell index
    number: int  # line number in the cell, 1-based
    text: str
    in_string: bool  # the line starts inside a multi-line string: never re-indented
    ends_in_string: bool  # the line ends inside a multi-line string: no comment can go after it


def split_lines(source: str) -> list[str]:
    """``LINE_BREAK.split(source)``: without a ``\\r``, ``str.split`` does it five times faster."""
    return source.split("\n") if "\r" not in source else LINE_BREAK.split(source)


def string_lines(source: str) -> tuple[set[int], set[int]]:
    """(lines that start inside a string, lines that end inside one), 1-based."""
    starts: set[int] = set()
    ends: set[int] = set()
    if not any(text in source for text in _SPANNING) and (_FSTRING is None or not _FSTRING.search(source)):
        return starts, ends
    fstring_start = getattr(tokenize, "FSTRING_START", None)
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    open_fstrings: list[tuple[int, int]] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == fstring_start:
                open_fstrings.append(tok.start)
                continue
            if tok.type == fstring_end and open_fstrings:
                begin, end = open_fstrings.pop()[0], tok.end[0]
            elif tok.type == tokenize.STRING and not open_fstrings:
                begin, end = tok.start[0], tok.end[0]
            else:
                continue
            if end > begin:
                starts.update(range(begin + 1, end + 1))
                ends.update(range(begin, end))
    except (tokenize.TokenError, SyntaxError, IndentationError) as exc:
        raise ExtractionRefused(f"The code cannot be tokenized: {exc}") from exc
    return starts, ends


def indent_unit(lines: list[Line]) -> str:
    return "\t" if any(line.text.startswith("\t") and not line.in_string for line in lines) else "    "


def render_lines(lines: list[Line], indent: str) -> list[str]:
    out = []
    for line in lines:
        if line.in_string:
            out.append(line.text)
        elif not line.text.strip():
            out.append("")
        else:
            out.append(indent + line.text)
    return out


# ------------------------------------------------------------------------------ the planner
