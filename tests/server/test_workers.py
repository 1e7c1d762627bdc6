"""The worker processes: work runs outside the server's process (so it never holds the event
loop's GIL), a notebook's work always goes to the same process, and a process that dies, work that
outlasts the timeout, a full pool or an exception that cannot travel back are 503s or errors that
leave the pool working."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import time
import warnings

import pytest

from jupyterlab_readiness.files import OutsideRoot
from jupyterlab_readiness.notebook.collector import RARE
from jupyterlab_readiness.server.errors import Conflict, Unavailable
from jupyterlab_readiness.server.workers import Workers


def _pid() -> int:
    return os.getpid()


def _ignored_warnings() -> set[str]:
    """The warning categories ignored wherever they come from, in the calling process."""
    return {
        category.__name__
        for action, message, category, module, _ in warnings.filters
        if action == "ignore" and message is None and module is None
    }


def _sleep(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _raise(error: Exception) -> None:
    raise error


class _Unpicklable(Exception):
    def __init__(self, a: str, b: str) -> None:
        super().__init__(f"{a} {b}")


def _raise_unpicklable() -> None:
    raise _Unpicklable("one", "two")


@pytest.fixture
def workers():
    pool = Workers(2, timeout=20)
    yield pool
    pool.shutdown()


async def test_work_runs_in_another_process_and_a_notebook_always_in_the_same_one(workers):
    first = await workers.run(_pid, key="a/analysis.ipynb")
    assert first != os.getpid()
    assert {await workers.run(_pid, key="a/analysis.ipynb") for _ in range(5)} == {first}
    others = {await workers.run(_pid, key=f"n{i}.ipynb") for i in range(20)}
    assert len(others) == 2  # both processes get notebooks


async def test_a_worker_that_dies_is_a_503_and_is_replaced(workers):
    before = await workers.run(_pid, key="nb.ipynb")
    with pytest.raises(Unavailable, match="stopped"):
        await workers.run(_die, key="nb.ipynb")
    after = await workers.run(_pid, key="nb.ipynb")
    assert after not in (before, os.getpid())


async def test_work_over_the_timeout_is_a_503_and_finishes_in_the_background():
    workers = Workers(1, timeout=0.3)
    try:
        with pytest.raises(Unavailable, match="work_timeout"):
            await workers.run(_sleep, 1.0, key="slow.ipynb")
        await asyncio.sleep(1.0)
        assert await workers.run(_sleep, 0, key="slow.ipynb") != os.getpid()
    finally:
        workers.shutdown()


async def test_a_full_pool_answers_503_at_once():
    workers = Workers(1, timeout=20, queue=1)
    try:
        running = [asyncio.ensure_future(workers.run(_sleep, 1.0, key="x")) for _ in range(2)]
        await asyncio.sleep(0.2)
        started = time.monotonic()
        with pytest.raises(Unavailable, match="busy"):
            await workers.run(_pid, key="x")
        assert time.monotonic() - started < 0.5
        await asyncio.gather(*running)
        assert await workers.run(_pid, key="x") != os.getpid()  # the slots came back
    finally:
        workers.shutdown()


async def test_exceptions_come_back_as_raised_and_one_that_cannot_travel_as_a_runtime_error(workers):
    with pytest.raises(Conflict, match="busy") as raised:
        await workers.run(_raise, Conflict("busy", job_id="j1"), key="nb.ipynb")
    assert raised.value.fields == {"job_id": "j1"}
    with pytest.raises(OutsideRoot):
        await workers.run(_raise, OutsideRoot(), key="nb.ipynb")
    with pytest.raises(RuntimeError, match="_Unpicklable"):
        await workers.run(_raise_unpicklable, key="nb.ipynb")
    assert await workers.run(_pid, key="nb.ipynb") != os.getpid()  # the pool still works


async def test_after_shutdown_work_is_refused():
    workers = Workers(1, timeout=20)
    workers.shutdown()
    with pytest.raises(Unavailable, match="shutting down"):
        await workers.run(_pid, key="x")


async def test_a_worker_collects_garbage_at_the_clis_rhythm(workers):
    assert {await workers.run(gc.get_threshold, key=f"n{i}.ipynb") for i in range(6)} == {RARE}


async def test_a_worker_silences_the_compilers_warnings_once_for_good(workers):
    # (nothing but the jobs runs there: no filters saved and restored around each parse)
    assert await workers.run(_ignored_warnings, key="nb.ipynb") >= {"SyntaxWarning", "DeprecationWarning"}
    assert "SyntaxWarning" not in _ignored_warnings()  # the server's own process is left alone
