"""Compiling the modules an action generated, to refuse one that would not run. ``compile()``
holds the interpreter's lock for the whole call, and a large module (the ``steps.py`` of a
1,000-cell notebook: most of a second) would keep the calling process from anything else for that
long. So a large text is compiled by processes of their own, the interpreter running this one,
started isolated (no site, no user paths), while the caller goes on; a small one here, where a new
process would cost more than the wait. Where no process can be started, here.

A large text is cut in pieces compiled side by side, each by its own process (ruff runs meanwhile,
``export/style.py``): the cuts fall where a line starts a top-level ``def``, ``class`` or decorator.
When every piece compiles, the whole does: a piece that compiles ends with its last statement
complete (a cut inside a string or a bracket leaves a piece that does not), and what one top-level
statement may depend on in another (``from __future__`` imports, a ``global`` declaration at module
level) keeps a text that holds the word whole. When a piece does not compile, the answer is the
whole texts' compilation, here: a failure is rare (a bug of the generator), the answer exact.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from typing import NamedTuple

from ..notebook.parse import quiet_compiler

# Characters compiled in this process at most (~30 ms of holding the lock); above, elsewhere.
IN_PROCESS_LIMIT = 100_000
_TIMEOUT = 120
# Processes a large text is compiled by at most (the pieces it is cut in).
PIECES = 2
# Where a piece may start: a line that starts a top-level definition.
_CUT = re.compile(r"\n(?=def |class |async def |@)")
# What may tie a top-level statement to another: a text holding a ``__future__`` import or a
# ``global`` statement is not cut (the words found first, as substrings: the pattern alone takes
# tens of milliseconds over a large text).
_GLOBAL = re.compile(r"^[ \t]*global\b", re.M)

# Compiles the texts it reads ([name, text] pairs as JSON, in order) and prints, for the first that
# does not compile, [name, message, line] as JSON; the compiler's warnings about the code are silenced.
_COMPILER = """
import json, sys
for name, text in json.load(sys.stdin):
    try:
        compile(text, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        print(json.dumps([name, getattr(exc, "msg", None) or str(exc), getattr(exc, "lineno", None)]))
        break
"""


class NotCompiled(NamedTuple):
    name: str  # the text's name, as given
    message: str  # the compiler's
    line: int | None


class Compilation:
    """The compilation of ``texts`` ({name: text}), started at once; ``failure()`` waits for it."""

    def __init__(self, texts: dict[str, str]) -> None:
        self._texts = texts
        self._processes: list[subprocess.Popen[str]] = []
        total = sum(len(text) for text in texts.values())
        if total <= IN_PROCESS_LIMIT:
            return
        try:
            for group in _groups(texts, total):
                process = subprocess.Popen(
                    [sys.executable, "-I", "-S", "-W", "ignore", "-c", _COMPILER],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                    encoding="utf-8",
                )
                self._processes.append(process)
                # Handed over now (the process reads it all as it starts), so it compiles while
                # the caller goes on.
                given, process.stdin = process.stdin, None
                with given:
                    given.write(json.dumps(group))
        except OSError:  # no process, or one died before reading: compiled here by failure()
            self._stop()

    def failure(self) -> NotCompiled | None:
        """The first text that does not compile, or None when they all do."""
        if self._processes:
            deadline = time.monotonic() + _TIMEOUT
            try:
                outs = [
                    process.communicate(timeout=max(deadline - time.monotonic(), 0))[0] for process in self._processes
                ]
            except subprocess.TimeoutExpired:
                self._stop()
            else:
                if all(process.returncode == 0 for process in self._processes) and not any(o.strip() for o in outs):
                    return None
            # a piece does not compile, or a process could not tell (killed, out of memory …):
            # this one answers for the whole texts
        return _here(self._texts)

    def _stop(self) -> None:
        for process in self._processes:
            process.kill()
            process.communicate()
        self._processes = []


def _groups(texts: dict[str, str], total: int) -> list[list[tuple[str, str]]]:
    """The texts' pieces, in ``PIECES`` groups of about the same size, in order."""
    share = -(-total // PIECES)
    groups: list[list[tuple[str, str]]] = [[]]
    size = 0
    for name, text in texts.items():
        for piece in [text] if _tied(text) else _pieces(text, share):
            if size >= share and len(groups) < PIECES:
                groups.append([])
                size = 0
            groups[-1].append((name, piece))
            size += len(piece)
    return [group for group in groups if group]


def _tied(text: str) -> bool:
    return "__future__" in text or ("global" in text and _GLOBAL.search(text) is not None)


def _pieces(text: str, size: int) -> list[str]:
    """``text`` cut where a top-level definition starts, in pieces of about ``size`` characters."""
    pieces, start = [], 0
    while len(text) - start > size:
        cut = _CUT.search(text, start + size)
        if cut is None:
            break
        pieces.append(text[start : cut.end()])
        start = cut.end()
    return [*pieces, text[start:]]


def first_failure(texts: dict[str, str]) -> NotCompiled | None:
    return Compilation(texts).failure()


def _here(texts: dict[str, str]) -> NotCompiled | None:
    with quiet_compiler():
        for name, text in texts.items():
            try:
                compile(text, name, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as exc:
                return NotCompiled(name, getattr(exc, "msg", None) or str(exc), getattr(exc, "lineno", None))
    return None
