"""The worker pool: while work runs the interpreter switches threads every millisecond, so the event
loop's thread is not kept waiting for the GIL behind a check; the interval it had comes back after."""

from __future__ import annotations

import asyncio
import sys
import threading

from jupyterlab_readiness.server.workers import WORK_SWITCH_INTERVAL, Workers


def _held(gate: threading.Event, seen: list[float]) -> str:
    seen.append(sys.getswitchinterval())
    gate.wait(10)
    return "done"


async def test_the_switch_interval_is_short_while_work_runs_and_restored_after_the_last_piece():
    before = sys.getswitchinterval()
    workers = Workers(2, timeout=10)
    gates, seen = [threading.Event(), threading.Event()], []
    try:
        first = asyncio.ensure_future(workers.run(_held, gates[0], seen))
        second = asyncio.ensure_future(workers.run(_held, gates[1], seen))
        while len(seen) < 2:
            await asyncio.sleep(0.01)
        assert seen == [WORK_SWITCH_INTERVAL, WORK_SWITCH_INTERVAL]
        gates[0].set()
        assert await first == "done"
        assert sys.getswitchinterval() == WORK_SWITCH_INTERVAL  # the second piece still runs
        gates[1].set()
        assert await second == "done"
        assert sys.getswitchinterval() == before
    finally:
        for gate in gates:
            gate.set()
        workers.shutdown()


async def test_an_interval_someone_else_set_meanwhile_is_left_alone():
    before = sys.getswitchinterval()
    workers = Workers(1, timeout=10)
    gate, seen = threading.Event(), []
    try:
        running = asyncio.ensure_future(workers.run(_held, gate, seen))
        while not seen:
            await asyncio.sleep(0.01)
        sys.setswitchinterval(0.002)
        gate.set()
        await running
        assert sys.getswitchinterval() == 0.002
    finally:
        gate.set()
        workers.shutdown()
        sys.setswitchinterval(before)
