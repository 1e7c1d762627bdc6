"""A file saved on Windows keeps its line breaks when an action rewrites it.

The rule, for every file an action rewrites: a text with any Windows line break (``\\r\\n``) was
saved on Windows, and the whole rewritten text gets Windows line breaks — a file with mixed line
breaks comes out with Windows ones only; any other text gets ``\\n``. The text is edited with
``\\n`` line breaks only (what the parsers and the generated lines use), then given the file's.
"""

from __future__ import annotations

from typing import overload

CRLF = "\r\n"
LF = "\n"


def newline_of(text: str | None) -> str:
    """The line break a rewrite of ``text`` writes: ``\\r\\n`` when it has any, else ``\\n``
    (also for no text: a new file)."""
    return CRLF if text is not None and CRLF in text else LF


@overload
def normalized_newlines(text: str) -> tuple[str, str]: ...
@overload
def normalized_newlines(text: None) -> tuple[None, str]: ...
def normalized_newlines(text: str | None) -> tuple[str | None, str]:
    """``text`` with its Windows line breaks made ``\\n`` (a lone ``\\r`` stays), and the line
    break to give the rewritten text back with ``with_newline``."""
    newline = newline_of(text)
    if text is None or newline == LF:
        return text, newline
    return text.replace(CRLF, LF), newline


def with_newline(text: str, newline: str) -> str:
    """``text``, written with ``\\n`` line breaks, with ``newline`` ones instead."""
    return text if newline == LF else text.replace(LF, newline)
