"""The bounded pool where the server does its CPU-bound work (reading and checking notebooks,
planning actions, writing files), so the event loop keeps answering every other request.

Threads rather than processes: the per-cell facts cache is what makes a re-check after one edit
cheap, and it lives in this process (``notebook/facts.py`` guards it with a lock). Request limits
(``Readiness.max_cells``, ``max_source_chars``, ``max_body_bytes``) keep each piece of work small;
a piece that still outlasts ``timeout`` is answered with a 503 while it finishes in the background,
and when every worker and queue slot is taken a new request is answered 503 at once.

A thread that checks a notebook holds the GIL until the interpreter's switch interval makes it let
go, and the event loop's thread waits that long each time it takes the GIL back after a socket
operation: with Python's 5 ms, a status request made of a score of them waited ~90 ms behind a
large check. While any piece of work runs, the interval is 1 ms (status ~20 ms); it is restored
when the last one ends."""

from __future__ import annotations

import asyncio
import functools
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from .errors import Unavailable

T = TypeVar("T")
WORK_SWITCH_INTERVAL = 0.001


class Workers:
    def __init__(self, size: int, timeout: float, queue: int | None = None) -> None:
        self.timeout = timeout
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="readiness")
        self._slots = threading.BoundedSemaphore(size + (queue if queue is not None else 4 * size))
        self._closed = False
        self._running = 0  # pieces of work started and not finished (counted on the event loop's thread)
        self._saved_interval: float | None = None

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if self._closed:
            raise Unavailable("the server is shutting down")
        if not self._slots.acquire(blocking=False):
            raise Unavailable("the server is busy with other readiness requests: try again in a moment")
        self._started()
        try:
            future = asyncio.get_running_loop().run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))
        except BaseException:
            self._finished(None)
            raise
        future.add_done_callback(self._finished)
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.timeout)
        except asyncio.TimeoutError:
            raise Unavailable(
                f"the request took longer than {self.timeout:g} s (Readiness.work_timeout): "
                "try again, or raise the limit"
            ) from None

    def _started(self) -> None:
        if self._running == 0:
            self._saved_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self._saved_interval, WORK_SWITCH_INTERVAL))
        self._running += 1

    def _finished(self, _: asyncio.Future | None) -> None:
        self._slots.release()
        self._running -= 1
        if self._running == 0 and self._saved_interval is not None:
            if sys.getswitchinterval() == min(self._saved_interval, WORK_SWITCH_INTERVAL):  # nobody else changed it
                sys.setswitchinterval(self._saved_interval)
            self._saved_interval = None

    def shutdown(self) -> None:
        self._closed = True
        self._executor.shutdown(wait=False, cancel_futures=True)
