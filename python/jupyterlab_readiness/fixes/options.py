"""What fix computation needs from outside the notebook: the moment a fixed run date stands for,
and what is installed where the notebook runs. The adapters fill it in; the core never reads the
clock or asks an environment itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class FixOptions:
    # ISO date and time (seconds) a wall-clock fix writes as the run date's default
    now: str = "2024-01-01T00:00:00"
    # a name given to pip/conda → (distribution, version) installed where the notebook runs
    # (environment.answer.Environment.versions); names missing here fall back to the kernel's
    # distributions, then to this Python's
    versions: Mapping[str, tuple[str, str] | None] | None = None
    # compute fixes only for these checks (None: all)
    select: frozenset[str] | None = None
    # add the ``ignore`` fix and the command fixes (a command line applying edits needs neither)
    ignore: bool = True
    commands: bool = True

    @classmethod
    def at_now(cls, **kwargs) -> FixOptions:
        from datetime import datetime

        return cls(now=datetime.now().replace(microsecond=0).isoformat(), **kwargs)
