"""Syntax trees kept for the length of one run (an export's plan, an extraction, the fixes of a
check's findings), not for the life of the process.

An export looks at each cell's tree many times (parameters, clock reads, imports, one extraction
per section), so trees are shared. Kept by a process-wide cache, though, a large notebook's trees
(a million tracked objects for 1,000 cells of 30 lines) stay alive after the plan, and every full
collection of the cyclic garbage collector walks them again: 0.6 s a collection, in the server's
threads or on its event loop, long after the plan that built them. Inside ``one_run()`` the
functions marked ``per_run`` remember every answer, on this thread only; the run's end drops them
all, and reference counting frees the trees at once (they hold no cycles). Outside a run, each
keeps a few recent answers, as a small ``lru_cache``.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any, TypeVar

R = TypeVar("R")
K = TypeVar("K", bound=Hashable)


class _Run(threading.local):
    memo: dict[Callable[..., Any], dict[Any, Any]] | None = None


_RUN = _Run()


@contextlib.contextmanager
def one_run() -> Iterator[None]:
    """Everything ``per_run`` functions compute on this thread until the block ends is kept until
    then (a run inside a run shares the outer one's)."""
    if _RUN.memo is not None:
        yield
        return
    _RUN.memo = {}
    try:
        yield
    finally:
        _RUN.memo = None


def forget() -> None:
    """Drops what the current run has remembered so far, as its end would (a run that needs no
    more of it frees its trees while it waits for something else); what it asks again is computed
    again."""
    if _RUN.memo is not None:
        _RUN.memo.clear()


def per_run(outside: int) -> Callable[[Callable[[K], R]], Callable[[K], R]]:
    """Memoizes a one-argument function for the current run; ``outside`` a run, its last
    ``outside`` answers. Exceptions are not remembered (as with ``lru_cache``)."""

    def decorate(function: Callable[[K], R]) -> Callable[[K], R]:
        recent = functools.lru_cache(maxsize=outside)(function)

        @functools.wraps(function)
        def memoized(key: K) -> R:
            memo = _RUN.memo
            if memo is None:
                return recent(key)
            answers = memo.get(function)
            if answers is None:
                answers = memo[function] = {}
            try:
                return answers[key]
            except KeyError:
                answer = answers[key] = function(key)
                return answer

        def remember(found: Iterable[tuple[K, R]]) -> None:
            """Tells the current run the answers for some keys, (key, answer) pairs found by another
            walk, all at once (nothing outside a run)."""
            memo = _RUN.memo
            if memo is not None:
                answers = memo.get(function)
                if answers is None:
                    answers = memo[function] = {}
                answers.update(found)

        memoized.cache_clear = recent.cache_clear  # type: ignore[attr-defined]
        memoized.remember = remember  # type: ignore[attr-defined]
        return memoized

    return decorate
