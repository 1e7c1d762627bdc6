"""The cyclic garbage collector's rhythm while syntax trees are built by the hundred thousand.

Trees, facts and the texts made from them hold no reference cycles: reference counting frees
them. At the default rhythm (a young collection every 700 new objects, a middle one every 10 young
ones, a full one every 10 middle ones once enough objects survived) the collector re-scans them
for nothing, and the middle and full collections walk every tree built so far, several times per
plan of a large notebook. While some planning runs, young collections are 140× rarer (they still
collect the cycles that die young) and the middle generation is not collected at all: what
survives the plan is scanned once, by the first collection after it, rather than again and again
during it. A middle collection only every 20 young ones, as the CLI's rhythm has it, still fell
inside a plan whenever the collector's counters stood high as the plan began, and scanned every
tree built so far: 0.4 s of a 1,000-cell export preview, one plan in two or more. The thresholds
are the process's (threads share them), so the first planner to start sets them and the last to
finish puts back what it found.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

# The CLI's rhythm for its one-shot processes (cli/main.py).
RARE = (100_000, 20, 100)
# The rhythm for the length of a plan: a middle collection after a thousand young ones, 100 million
# new objects, never within one plan.
PLANNING = (100_000, 1_000, 100)

_LOCK = threading.Lock()
_ACTIVE = [0]
_SAVED: list[tuple[int, int, int]] = []


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    with _LOCK:
        if _ACTIVE[0] == 0:
            _SAVED[:] = [gc.get_threshold()]
            gc.set_threshold(*PLANNING)
        _ACTIVE[0] += 1
    try:
        yield
    finally:
        with _LOCK:
            _ACTIVE[0] -= 1
            if _ACTIVE[0] == 0:
                gc.set_threshold(*_SAVED.pop())
