"""The server side of the audit hook: the code that installs it in a kernel, and the reader of
the log it appends to (see ``audit_hook.py`` for what it records and what it cannot see)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

AccessKind = Literal["w", "m", "W", "r", "R", "n", "p"]


@dataclass(frozen=True, slots=True)
class Access:
    """One record of the hook: ``w``/``r`` a file under the folder (``path`` relative to it, posix),
    ``m`` a write under it that fails as its folder does not exist (``detail``: the path as the
    code gave it), ``W`` a refused write and ``R`` a read outside it (absolute), ``n`` a host,
    ``p`` a process."""

    kind: AccessKind
    path: str
    detail: str


@lru_cache(maxsize=1)
def _hook_source() -> str:
    return (Path(__file__).with_name("audit_hook.py")).read_text(encoding="utf-8")


def install_code(folder: Path, log: Path, allow: list[str] | tuple[str, ...] = ()) -> str:
    """One line of code for a silent ``execute_request``: runs the hook module in a fresh private
    namespace and calls its ``install``; it binds no name in the user's namespace (the lambda's
    argument is its only scope) and prints nothing."""
    config = {"folder": str(folder), "log": str(log), "allow": [str(p) for p in allow]}
    return (
        "(lambda ns: (exec(compile(" + repr(_hook_source()) + ", '<readiness rehearsal audit hook>', 'exec'), ns), "
        "ns['install'](" + repr(config) + ")) and None)({'__name__': '_readiness_rehearsal_audit'})"
    )


class LogReader:
    """Reads the records appended since the last read (one call per cell)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0
        self._partial = b""

    def read(self) -> list[Access]:
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self._offset)
                data = handle.read()
        except FileNotFoundError:
            return []
        self._offset += len(data)
        data = self._partial + data
        lines = data.split(b"\n")
        self._partial = lines.pop()  # an incomplete last line (another thread writing) waits
        found = []
        for line in lines:
            try:
                kind, path, detail = line.decode("ascii").split("\t")
                path, detail = _string(path), _string(detail)
            except (ValueError, TypeError):
                continue
            if kind in ("w", "m", "W", "r", "R", "n", "p") and isinstance(path, str) and isinstance(detail, str):
                found.append(Access(kind, path.replace("\\", "/") if kind in ("w", "m", "r") else path, detail))
        return found


def _string(quoted: str) -> str:
    """A JSON string (as the hook writes it): most have no escape and need no JSON parser."""
    if "\\" not in quoted and len(quoted) >= 2 and quoted[0] == quoted[-1] == '"':
        return quoted[1:-1]
    value = json.loads(quoted)
    if not isinstance(value, str):
        raise ValueError("not a string")
    return value
