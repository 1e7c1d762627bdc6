"""The bounded pool where the server does its CPU-bound work (reading and checking notebooks,
planning actions, writing files), so the event loop keeps answering every other request.

Threads rather than processes: the per-cell facts cache is what makes a re-check after one edit
cheap, and it lives in this process (``notebook/facts.py`` guards it with a lock). Request limits
(``Readiness.max_cells``, ``max_source_chars``, ``max_body_bytes``) keep each piece of work small;
a piece that still outlasts ``timeout`` is answered with a 503 while it finishes in the background,
and when every worker and queue slot is taken a new request is answered 503 at once."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from .errors import Unavailable

T = TypeVar("T")


class Workers:
    def __init__(self, size: int, timeout: float, queue: int | None = None) -> None:
        self.timeout = timeout
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="readiness")
        self._slots = threading.BoundedSemaphore(size + (queue if queue is not None else 4 * size))
        self._closed = False

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if self._closed:
            raise Unavailable("the server is shutting down")
        if not self._slots.acquire(blocking=False):
            raise Unavailable("the server is busy with other readiness requests: try again in a moment")
        future = asyncio.get_running_loop().run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))
        future.add_done_callback(lambda _: self._slots.release())
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.timeout)
        except asyncio.TimeoutError:
            raise Unavailable(
                f"the request took longer than {self.timeout:g} s (Readiness.work_timeout): "
                "try again, or raise the limit"
            ) from None

    def shutdown(self) -> None:
        self._closed = True
        self._executor.shutdown(wait=False, cancel_futures=True)
