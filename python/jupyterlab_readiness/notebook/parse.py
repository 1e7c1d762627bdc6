"""Parsing a code cell: IPython syntax translated, the compiler's complaints about the user's code
kept quiet, every failure one readable reason. The only place cells are parsed. ``cell_tree`` is
the one cache of syntax trees (read-only to its callers); ``facts.py`` caches what it derives from
a tree instead of the tree, so a run over thousands of notebooks does not keep their trees alive.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import warnings
from collections.abc import Iterator
from typing import NamedTuple

from .magics import second_chance, translate


class ParseFailure(NamedTuple):
    line: int | None  # 1-based in the cell, None when the failure has no position
    message: str


@contextlib.contextmanager
def quiet_compiler() -> Iterator[None]:
    """Compiling the user's code must not print the compiler's complaints about it (``"\\l"`` in a
    LaTeX label is an invalid escape): they would land in the server's log or the CLI's stderr."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def parse_cell(source: str) -> ast.Module | ParseFailure:
    """The cell's syntax tree once IPython syntax is translated (IPython's autocall escapes given a
    second chance on the lines that fail), or why it has none."""
    try:
        with quiet_compiler():
            try:
                return ast.parse(translate(source))
            except SyntaxError as exc:
                fallback = second_chance(source, exc.lineno)
                if fallback is None:
                    raise
                return ast.parse(fallback)
    except SyntaxError as exc:
        return ParseFailure(exc.lineno, exc.msg or "invalid syntax")
    except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes, absurd nesting
        return ParseFailure(None, f"cannot parse: {type(exc).__name__}")


@functools.lru_cache(maxsize=4096)
def cell_tree(source: str) -> ast.Module | None:
    """The cell's syntax tree (None when it does not parse), shared: callers only read it. Cached
    because exporting a notebook extracts section after section, each looking at every cell again."""
    tree = parse_cell(source)
    return None if isinstance(tree, ParseFailure) else tree


@functools.lru_cache(maxsize=8192)
def python_tree(source: str) -> ast.Module:
    """``ast.parse(source)`` of plain Python (no IPython translation), shared: callers only read
    it. Raises SyntaxError and ValueError as ``ast.parse`` does. Cached because the export looks
    at each cell's code several times (parameters, clock reads, imports, file names, steps)."""
    with quiet_compiler():
        return ast.parse(source)
