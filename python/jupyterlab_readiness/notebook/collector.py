"""The cyclic garbage collector's rhythm while syntax trees are built by the hundred thousand.

Trees, facts and the texts made from them hold no reference cycles: reference counting frees
them. At the default rhythm (a young collection every 700 new objects, a full one every 100 young
ones once enough objects survived) the collector re-scans them for nothing, and the full
collections also walk every tree the parse caches keep, several times per plan of a large
notebook. While some planning runs, collections are 140× rarer: what survives the plan is scanned
once, by the next full collection, rather than again and again during it (planning an export of
300 cells plus one full collection after it: 16 % less CPU, 8–18 % over three alternated pairs).
Garbage cycles are still collected, later. The thresholds are the process's (threads share
them), so the first planner to start raises them and the last to finish puts back what it found.
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
