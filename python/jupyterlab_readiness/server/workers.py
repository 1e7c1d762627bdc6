"""The bounded pool of worker processes where the server does its CPU-bound work (``jobs.py``:
reading and checking notebooks, planning actions, writing their files, making the replies' JSON),
so the event loop keeps answering every other request.

Processes rather than threads: a thread that checks a notebook holds the GIL, and the event loop's
thread waited behind it each time it took the lock back after a socket operation; long calls into
C (the compiler, the JSON codec, the garbage collector's passes over a large notebook's trees)
kept every request waiting a quarter to half a second at a time. Another process shares nothing
with the loop.

Each worker is a pool of one process, and a notebook's work always goes to the same one (by its
path): the per-cell facts cache that makes a re-check after one edit cheap lives in that process,
and a request's steps (before and after asking its kernel) find what the first one kept. Worker
processes come from a fork server that has imported the checks, so one starts in milliseconds,
whatever threads or kernels the server has. Request limits (``Readiness.max_cells``,
``max_source_chars``, ``max_body_bytes``) keep each piece of work small; a piece that still
outlasts ``timeout`` is answered with a 503 while it finishes in the background, and when every
worker and queue slot is taken a new request is answered 503 at once. A worker process that dies
(killed, out of memory) fails the requests it had with a 503 and is replaced."""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import pickle
import signal
import threading
import zlib
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from ..notebook.collector import RARE
from .errors import Unavailable

T = TypeVar("T")
_PRELOAD = ["jupyterlab_readiness.server.jobs"]


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def _call(fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    """``fn(*args, **kwargs)`` in a worker. An exception that would not come back intact through
    pickling (its class cannot be rebuilt from its arguments) comes back as a RuntimeError naming
    its type: one that failed to unpickle in the server would break the whole pool."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:  # noqa: BLE001 - whatever stops it from pickling
            raise RuntimeError(f"{type(exc).__name__} in a readiness worker") from None
        raise


def _warm() -> None:
    """A worker process starting: Ctrl-C in the server's terminal reaches the whole process group,
    and the server stops its workers itself (a worker would print a KeyboardInterrupt traceback).
    The collector keeps the CLI's rhythm (``notebook/collector.py``): a worker builds and frees
    syntax trees by the hundred thousand and keeps the cells' facts, none of which hold cycles, and
    at the default rhythm full collections walked that cache again and again (a fifth of checking
    a 3,000-cell notebook never seen before). Nothing but the jobs runs in a worker, so the
    compiler's warnings are silenced once for the process, not around each of its parses (saving
    and restoring the filters cost 3% of a large notebook's first check)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.set_threshold(*RARE)
    from ..notebook.parse import quiet_process
    from . import jobs  # noqa: F401 - imported before the first request (the fork server has it already)

    quiet_process()


class Workers:
    def __init__(self, size: int, timeout: float, queue: int | None = None) -> None:
        self.timeout = timeout
        self._context = _context()
        self._pools: list[ProcessPoolExecutor | None] = [None] * max(1, size)
        self._starting = threading.Lock()  # pools are made by the threads that submit to them
        self._slots = threading.BoundedSemaphore(size + (queue if queue is not None else 4 * size))
        self._closed = False

    def start(self) -> None:
        """Start every worker process now, in the background, rather than at the first request."""
        threading.Thread(target=self._start_all, name="readiness-workers-start", daemon=True).start()

    def _start_all(self) -> None:
        for index in range(len(self._pools)):
            try:
                self._submit(index, _warm, (), {})
            except Unavailable:  # the server stopped first
                return

    def _submit(self, index: int, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Future:
        # Starting a process waits for the fork server (a second the first time): never on the event loop.
        with self._starting:
            if self._closed:
                raise Unavailable("the server is shutting down")
            pool = self._pools[index]
            if pool is None:
                pool = self._pools[index] = ProcessPoolExecutor(1, mp_context=self._context, initializer=_warm)
            try:
                return pool.submit(_call, fn, args, kwargs)
            except BrokenProcessPool:  # its process died since the last piece of work: a new one
                pool.shutdown(wait=False, cancel_futures=True)
                pool = self._pools[index] = ProcessPoolExecutor(1, mp_context=self._context, initializer=_warm)
                return pool.submit(_call, fn, args, kwargs)

    async def run(self, fn: Callable[..., T], *args: Any, key: str = "", **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` in the worker process that ``key`` (a notebook's path) goes to.
        ``fn`` and its arguments are pickled: a module-level function and plain data."""
        if self._closed:
            raise Unavailable("the server is shutting down")
        if not self._slots.acquire(blocking=False):
            raise Unavailable("the server is busy with other readiness requests: try again in a moment")
        index = zlib.crc32(key.encode("utf-8", "surrogatepass")) % len(self._pools)
        try:
            future = await asyncio.to_thread(self._submit, index, fn, args, kwargs)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), self.timeout)
        except asyncio.TimeoutError:
            raise Unavailable(
                f"the request took longer than {self.timeout:g} s (Readiness.work_timeout): "
                "try again, or raise the limit"
            ) from None
        except BrokenProcessPool:
            raise Unavailable("a readiness worker process stopped (out of memory?): try again") from None

    def shutdown(self) -> None:
        with self._starting:
            self._closed = True
            pools, self._pools = self._pools, [None] * len(self._pools)
        for pool in pools:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
