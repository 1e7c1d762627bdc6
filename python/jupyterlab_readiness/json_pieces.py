"""JSON text made a piece at a time, for what the server makes in a thread of its own process.

``json.dumps`` encodes in one call into C that keeps the interpreter's lock from start to end,
whatever its size: over a rehearsal's parameters (200 values of 1,800 numbers each, within the
request limits) that one call kept the event loop, and every request, waiting 50-130 ms. Here
containers are encoded element by element and runs of plain values in slices, so the lock changes
hands between pieces; the text is the one ``json.dumps`` gives with the same options."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

SLICE = 2_000  # plain values encoded by one call: well under a millisecond
PLAIN = frozenset({str, int, float, bool, type(None)})


def dumps(value: Any, *, sort_keys: bool = False, default: Callable[[Any], Any] | None = None) -> str:
    return "".join(_pieces(value, sort_keys, default))


def _pieces(value: Any, sort_keys: bool, default: Callable[[Any], Any] | None) -> Iterator[str]:
    if isinstance(value, dict) and all(type(key) is str for key in value):
        # (other keys are converted by json.dumps as it sees fit: left to it, whole)
        yield "{"
        items = sorted(value.items()) if sort_keys else value.items()
        for index, (key, item) in enumerate(items):
            yield (", " if index else "") + json.dumps(key) + ": "
            yield from _pieces(item, sort_keys, default)
        yield "}"
    elif isinstance(value, (list, tuple)):
        yield "["
        if set(map(type, value)) <= PLAIN:
            for start in range(0, len(value), SLICE):
                yield (", " if start else "") + json.dumps(list(value[start : start + SLICE]))[1:-1]
        else:
            for index, item in enumerate(value):
                if index:
                    yield ", "
                yield from _pieces(item, sort_keys, default)
        yield "]"
    else:
        yield json.dumps(value, sort_keys=sort_keys, default=default)
