"""The cyclic garbage collector paused while syntax trees are built by the hundred thousand.

Trees, facts and the texts made from them hold no reference cycles: reference counting frees
them. At the default rhythm (a young collection every 700 new objects, a middle one every 10 young
ones, a full one every 10 middle ones once enough objects survived) the collector re-scans them
for nothing, and the middle and full collections walk every tree built so far, several times per
plan of a large notebook. Even young collections alone, 140× rarer, visited each tree once before
the plan dropped it: a sixth of a 1,000-cell export preview's CPU (1.81 s against 1.56 s, warm,
alternated). So while some planning runs the collector does not run at all: the trees are freed
by reference counting as the plan drops them, and what survives the plan is scanned once, by the
first collection after it. What a plan leaves in cycles waits until then: about a hundred objects
for a 1,000-cell preview, 341 at most for a corpus notebook. The collector's switch is the
process's (threads share it), so the first planner to start turns it off and the last to finish
puts back what it found. One-shot processes keep a rare rhythm of their own (``RARE``).
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

# The CLI's rhythm for its one-shot processes (cli/main.py).
RARE = (100_000, 20, 100)

_LOCK = threading.Lock()
_ACTIVE = [0]
_WAS_ENABLED = [False]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    with _LOCK:
        if _ACTIVE[0] == 0:
            _WAS_ENABLED[0] = gc.isenabled()
            gc.disable()
        _ACTIVE[0] += 1
    try:
        yield
    finally:
        with _LOCK:
            _ACTIVE[0] -= 1
            if _ACTIVE[0] == 0 and _WAS_ENABLED[0]:
                gc.enable()
