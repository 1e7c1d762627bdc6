"""The cyclic garbage collector's rhythm while syntax trees are built by the hundred thousand.

Trees, facts and the texts made from them hold no reference cycles: reference counting frees
them. At the default rhythm (a young collection every 700 new objects, an old one every 100 young
ones) the collector re-scans them for nothing, and in a long-lived process (the server, a
benchmark) the old collections also walk every tree the parse caches keep: about a quarter of
planning an export of a large notebook. While some planning runs, collections are 140× rarer;
garbage cycles are still collected, later. The thresholds are the process's (threads share them),
so the first planner to start raises them and the last to finish puts back what it found.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

# The CLI's rhythm for its one-shot processes (cli/main.py), used here for the length of a plan.
RARE = (100_000, 20, 100)

_LOCK = threading.Lock()
_ACTIVE = [0]
_SAVED: list[tuple[int, int, int]] = []


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    with _LOCK:
        if _ACTIVE[0] == 0:
            _SAVED[:] = [gc.get_threshold()]
            gc.set_threshold(*RARE)
        _ACTIVE[0] += 1
    try:
        yield
    finally:
        with _LOCK:
            _ACTIVE[0] -= 1
            if _ACTIVE[0] == 0:
                gc.set_threshold(*_SAVED.pop())
