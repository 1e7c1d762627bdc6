"""Cancelling a rehearsal from any thread or task, at any moment, and time limits on each wait.

The rehearsal never relies on ``Task.cancel()`` of its own task to stop: every wait (a kernel
starting, a cell running, a folder being copied) races against the cancellation and a time limit,
and the loser is cancelled and awaited before ``Cancelled`` or ``TimeLimit`` is raised, so the
caller's cleanup always runs with nothing still in flight. (A task cancelled from outside — the
server shutting down, Ctrl-C in the CLI — still gets its cleanup: see ``Rehearsal.run``.)
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable
from typing import Any, TypeVar

T = TypeVar("T")


class Cancelled(Exception):
    """``cancel()`` was called."""


class TimeLimit(Exception):
    """A wait reached its time limit."""


class Cancellation:
    """Thread-safe; ``cancel()`` may be called before, during or after the run, more than once."""

    def __init__(self) -> None:
        self.flag = threading.Event()  # also read by worker threads (the folder copy)
        self._lock = threading.Lock()
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []

    @property
    def cancelled(self) -> bool:
        return self.flag.is_set()

    def cancel(self) -> None:
        self.flag.set()
        with self._lock:
            waiters = list(self._waiters)
        for loop, event in waiters:
            with contextlib.suppress(RuntimeError):  # that loop is closed: nothing waits there
                loop.call_soon_threadsafe(event.set)

    async def race(self, awaitable: Awaitable[T], timeout: float | None = None) -> T:
        """The awaitable's result; ``Cancelled`` if ``cancel()`` comes first, ``TimeLimit`` if
        ``timeout`` seconds pass first (the awaitable is then cancelled and awaited)."""
        if self.cancelled:
            _discard(awaitable)
            raise Cancelled()
        if timeout is not None and timeout <= 0:
            _discard(awaitable)
            raise TimeLimit()
        loop = asyncio.get_running_loop()
        event = asyncio.Event()
        entry = (loop, event)
        with self._lock:
            self._waiters.append(entry)
        if self.cancelled:
            event.set()
        task = asyncio.ensure_future(awaitable)
        waiter = asyncio.ensure_future(event.wait())
        try:
            done, _ = await asyncio.wait({task, waiter}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        except BaseException:  # our own task was cancelled: stop the work too, and let it go
            task.cancel()
            raise
        finally:
            waiter.cancel()
            with self._lock:
                self._waiters.remove(entry)
        if task in done:
            return task.result()
        task.cancel()
        await settle(task)
        raise Cancelled() if self.cancelled else TimeLimit()


async def settle(task: asyncio.Future[Any], timeout: float = 5.0) -> None:
    """Wait (briefly) for a cancelled task to unwind and swallow its outcome."""
    await asyncio.wait({task}, timeout=timeout)
    if task.done() and not task.cancelled():
        task.exception()  # retrieved: no "exception was never retrieved" warning


def _discard(awaitable: Awaitable[Any]) -> None:
    close = getattr(awaitable, "close", None)  # a coroutine never started: no "never awaited" warning
    if close is not None:
        close()
