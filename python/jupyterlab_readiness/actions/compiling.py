"""Compiling the modules an action generated, to refuse one that would not run, without stalling
the server: ``compile()`` holds the interpreter's lock for the whole call, and a large module (the
``steps.py`` of a 1,000-cell notebook: most of a second) would keep every other request of the
server waiting (``server/workers.py``). So a large text is compiled by a process of its own, the
interpreter running this one, started isolated (no site, no user paths); a small one here, where
a new process would cost more than the wait. Where no process can be started, here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import NamedTuple

from ..notebook.parse import quiet_compiler

# Characters compiled in this process at most (~30 ms of holding the lock); above, elsewhere.
IN_PROCESS_LIMIT = 100_000
_TIMEOUT = 120

# Compiles the texts it reads ({name: text} as JSON, in order) and prints, for the first that does
# not compile, [name, message, line] as JSON; the compiler's warnings about the code are silenced.
_COMPILER = """
import json, sys
for name, text in json.load(sys.stdin).items():
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
        self._process: subprocess.Popen[str] | None = None
        if sum(len(text) for text in texts.values()) <= IN_PROCESS_LIMIT:
            return
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-I", "-S", "-W", "ignore", "-c", _COMPILER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
            )
            # Handed over now (the process reads it all as it starts), so it compiles while the
            # caller goes on.
            given, self._process.stdin = self._process.stdin, None
            with given:
                given.write(json.dumps(texts))
        except OSError:  # no process, or it died before reading: compiled here by failure()
            self._stop()

    def failure(self) -> NotCompiled | None:
        """The first text that does not compile, or None when they all do."""
        if self._process is not None:
            try:
                out, _ = self._process.communicate(timeout=_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._stop()
            else:
                if self._process.returncode == 0:
                    return NotCompiled(*json.loads(out)) if out.strip() else None
            # the process could not tell (killed, out of memory …): ask this one
        return _here(self._texts)

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.communicate()
            self._process = None


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
