"""Parsing a code cell: IPython syntax translated, the compiler's complaints about the user's code
kept quiet, every failure one readable reason. The only place cells are parsed. ``cell_tree`` is
the one cache of syntax trees (read-only to its callers, kept for one run: ``run_memo.py``);
``facts.py`` caches what it derives from a tree instead of the tree, so a run over thousands of
notebooks does not keep their trees alive.
"""

from __future__ import annotations

import ast
import contextlib
import threading
import warnings
from collections.abc import Iterator
from typing import NamedTuple

from .magics import parse_translated, second_chance, translate
from .run_memo import per_run


class ParseFailure(NamedTuple):
    line: int | None  # 1-based in the cell, None when the failure has no position
    message: str


def quiet_compiler() -> contextlib.AbstractContextManager[None]:
    """Compiling the user's code must not print the compiler's complaints about it (``"\\l"`` in a
    LaTeX label is an invalid escape): they would land in the server's log or the CLI's stderr.
    Inside another quiet block of the same thread (a plan parses thousands of cells inside one),
    or after quiet_process(), the filters are in place already: nothing to save and restore."""
    if _QUIET[0] or getattr(_INSIDE, "quiet", False):
        return _ALREADY_QUIET
    return _quieted()


@contextlib.contextmanager
def _quieted() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        _INSIDE.quiet = True
        try:
            yield
        finally:
            _INSIDE.quiet = False


# Set by quiet_process(): the filters are in place for good, no need to swap them per parse.
_QUIET = [False]
_INSIDE = threading.local()
_ALREADY_QUIET = contextlib.nullcontext()


def quiet_process() -> None:
    """For a one-shot process that parses cells and nothing else of note (the CLI's check): the
    compiler's warnings silenced once, rather than around each of thousands of parses (saving the
    filters and restoring them costs a third of parsing a small cell)."""
    if _QUIET[0]:
        return
    warnings.simplefilter("ignore", SyntaxWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    _QUIET[0] = True


def parse_cell(source: str) -> ast.Module | ParseFailure:
    """The cell's syntax tree once IPython syntax is translated (IPython's autocall escapes given a
    second chance on the lines that fail), or why it has none."""
    try:
        with quiet_compiler():
            return _parse(source)
    except SyntaxError as exc:
        return ParseFailure(exc.lineno, exc.msg or "invalid syntax")
    except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes, absurd nesting
        return ParseFailure(None, f"cannot parse: {type(exc).__name__}")


def _parse(source: str) -> ast.Module:
    try:
        return parse_translated(source)
    except SyntaxError as exc:
        fallback = second_chance(source, exc.lineno)
        if fallback is None:
            raise
        return ast.parse(fallback)


@per_run(outside=256)
def cell_tree(source: str) -> ast.Module | None:
    """The cell's syntax tree (None when it does not parse), shared: callers only read it. Cached
    because exporting a notebook extracts section after section, each looking at every cell again.
    It is ``python_tree`` of the translated text: a plain cell is parsed once for both."""
    try:
        with quiet_compiler():
            return python_tree(plain_source(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def plain_source(source: str) -> str:
    """The plain Python IPython runs for the cell, line numbers kept: ``translate``, then the
    autocall escapes of the lines that still fail (a lone ``;`` ending a cell, IPython's ``("")``),
    as ``parse_cell`` reads it. The translation as it is when that does not parse either."""
    translated = translate(source)
    try:
        python_tree(translated)
    except SyntaxError as exc:
        return second_chance(source, exc.lineno) or translated
    except ValueError:
        pass
    return translated


@per_run(outside=256)
def python_tree(source: str) -> ast.Module:
    """``ast.parse(source)`` of plain Python (no IPython translation), shared: callers only read
    it. Raises SyntaxError and ValueError as ``ast.parse`` does. Cached because the export looks
    at each cell's code several times (parameters, clock reads, imports, file names, steps)."""
    with quiet_compiler():
        return ast.parse(source)
