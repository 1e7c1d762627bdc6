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

A module made piece by piece (the export's ``steps.py``, one function per section) can be compiled
while it is made (``Pieces``): each piece goes to a process of its own as soon as it exists, so the
compilation runs beside the work that makes the rest, on the CPU that work leaves idle, instead of
after it. The rule is the one for cut pieces, with the same exception (``_tied``).
"""

from __future__ import annotations

import json
import queue
import re
import subprocess
import sys
import threading
import time
from typing import IO, NamedTuple

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


# Compiles the pieces it reads (a JSON string a line) as they come; prints, for the first that does
# not compile, its message as JSON, then reads on to the end (the writer never meets a closed pipe).
_PIECE_COMPILER = """
import json, sys
for line in sys.stdin:
    try:
        compile(json.loads(line), "piece", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        print(json.dumps(str(exc)))
        for _ in sys.stdin:
            pass
"""


def _compiler(program: str) -> subprocess.Popen[str]:
    """A process running ``program`` with this interpreter, isolated (no site, no user paths), the
    compiler's warnings silenced; it reads from the pipe on its stdin and writes to the one on its
    stdout."""
    return subprocess.Popen(
        [sys.executable, "-I", "-S", "-W", "ignore", "-c", program],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
    )


class NotCompiled(NamedTuple):
    name: str  # the text's name, as given
    message: str  # the compiler's
    line: int | None


class Pieces:
    """A module compiled piece by piece, by a process of its own, while its maker makes it. The maker
    ``add``s each piece (whole top-level statements, as made), then says which module the pieces
    make (``made``: pieces, in order, joined by newlines only). A ``Compilation`` of a text that ends
    with that module then compiles only what comes before it, and takes the pieces' answer for the
    rest. Below ``IN_PROCESS_LIMIT`` characters (``size``: about the module's) no process is
    started: the module is compiled whole, here, as any text. A context manager: leaving it stops
    the process, whatever happened meanwhile.

    The pieces go to the process from a thread of their own: a maker that makes them faster than
    the process compiles them never waits for it (a full pipe would hold it up)."""

    def __init__(self, size: int) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._sending: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._sender: threading.Thread | None = None
        self._usable = size > IN_PROCESS_LIMIT  # False from the first piece that cannot be compiled apart
        self._module: str | None = None
        self._answer: bool | None = None  # whether every piece compiled, once known

    def __enter__(self) -> Pieces:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop()

    def add(self, *pieces: str) -> None:
        for piece in pieces:
            if not self._usable:
                return
            if _tied(piece):  # what this piece says may change how another compiles: compiled whole
                self._give_up()
                return
            if self._sender is None and not self._start():
                return
            self._sending.put(piece)

    def _start(self) -> bool:
        """The process and the thread that feeds it, started by the first piece (a plan refused
        before its steps starts neither)."""
        try:
            process = _compiler(_PIECE_COMPILER)
        except OSError:  # no process: the module is compiled whole
            self._give_up()
            return False
        self._process = process
        self._sender = threading.Thread(target=self._send, args=(process.stdin,), daemon=True)
        self._sender.start()
        return True

    def _send(self, stdin: IO[str]) -> None:
        try:
            while (piece := self._sending.get()) is not None:
                stdin.write(json.dumps(piece) + "\n")
                stdin.flush()
        except OSError:  # the process died: it answers nothing, and the module is compiled whole
            pass

    def made(self, module: str) -> None:
        self._module = module

    def rest(self, text: str) -> str | None:
        """What of ``text`` is left to compile: what comes before the pieces' module, when the text
        ends with it (trailing newlines aside); None when the pieces cannot answer for the text."""
        if not self._usable or self._process is None or self._module is None:
            return None
        module, whole = self._module.rstrip("\n"), text.rstrip("\n")
        if not whole.endswith(module):
            return None
        head = whole[: len(whole) - len(module)]
        return head if (not head or head.endswith("\n")) and not _tied(head) else None

    def compiled(self, deadline: float) -> bool:
        """Whether every piece compiled (False as well when the process could not tell in time)."""
        if self._answer is None:
            self._answer = False
            process = self._process
            if self._usable and process is not None and self._sender is not None:
                self._sending.put(None)
                self._sender.join(max(deadline - time.monotonic(), 0))
                try:
                    out = process.communicate(timeout=max(deadline - time.monotonic(), 0))[0]
                    self._answer = not self._sender.is_alive() and process.returncode == 0 and not out.strip()
                except subprocess.TimeoutExpired:
                    pass
            self._stop()
        return self._answer

    def _give_up(self) -> None:
        self._usable = False
        self._stop()

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            process.kill()  # (a sender writing to it stops: its pipe is broken)
        if self._sender is not None:
            self._sending.put(None)
            self._sender.join()
            self._sender = None
        if process is not None and process.returncode is None:
            process.communicate()


class Compilation:
    """The compilation of ``texts`` ({name: text}), started at once; ``failure()`` waits for it.
    ``pieces``: {name: the Pieces its text was made of}, whose answer counts for what they cover."""

    def __init__(self, texts: dict[str, str], pieces: dict[str, Pieces] | None = None) -> None:
        self._texts = texts
        self._processes: list[subprocess.Popen[str]] = []
        self._pieces: list[Pieces] = []
        left = dict(texts)
        for name, made in (pieces or {}).items():
            rest = made.rest(texts[name]) if name in texts else None
            if rest is not None:
                left[name] = rest
                self._pieces.append(made)
        self._left = left
        total = sum(len(text) for text in left.values())
        if total <= IN_PROCESS_LIMIT:
            return
        try:
            for group in _groups(left, total):
                process = _compiler(_COMPILER)
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
        deadline = time.monotonic() + _TIMEOUT
        if self._processes:
            try:
                outs = [
                    process.communicate(timeout=max(deadline - time.monotonic(), 0))[0] for process in self._processes
                ]
            except subprocess.TimeoutExpired:
                self._stop()
                compiled = False
            else:
                compiled = all(process.returncode == 0 for process in self._processes) and not any(
                    o.strip() for o in outs
                )
        elif not self._pieces:
            return _here(self._texts)
        else:
            compiled = _here(self._left) is None
        if compiled and all(made.compiled(deadline) for made in self._pieces):
            return None
        # a piece does not compile, or a process could not tell (killed, out of memory …): this
        # one answers for the whole texts
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
