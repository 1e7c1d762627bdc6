"""``ordered_map``: results in the items' order whatever the workers, chunks that shrink to one
item at the end, and a parent that stops answering items itself once the workers run."""

from __future__ import annotations

import os
import time

from jupyterlab_readiness.lint.batch import WAITING, chunk_size, ordered_map


def _square_chunk(chunk: list[int]) -> list[tuple[int, int, int]]:
    """Each item's square, with the size of the chunk it came in and the process that made it."""
    return [(n * n, len(chunk), os.getpid()) for n in chunk]


def _nothing() -> None:
    return None


def test_results_keep_the_order_and_the_last_chunks_hold_one_item():
    items = list(range(300))
    results = list(ordered_map(_square_chunk, items, 2, _nothing))
    assert [r[0] for r in results] == [n * n for n in items]
    sizes = [r[1] for r in results]
    assert sizes[0] == 1  # the first item goes out at once: a worker starts without waiting for a chunk
    # Chunks of up to 16 while many items are left (one leaves early when the oldest item waits
    # for it), single items at the end.
    assert max(sizes) > 1 and max(sizes) <= 16 and sizes[-10:] == [1] * 10
    assert max(sizes[-30:]) < max(sizes[:100])
    assert len({r[2] for r in results} - {os.getpid()}) == 1  # two jobs: one worker (and this process)


def _slow_chunk(chunk: list[int]) -> list[tuple[int, int, int]]:
    time.sleep(0.01 * len(chunk))
    return _square_chunk(chunk)


def test_this_process_checks_chunks_while_the_workers_have_enough_waiting():
    items = list(range(60))
    results = list(ordered_map(_slow_chunk, items, 2, _nothing))
    assert [r[0] for r in results] == [n * n for n in items]
    by = {r[2] for r in results}
    assert os.getpid() in by and len(by) == 2


def test_chunk_sizes_shrink_with_the_items_left():
    assert [chunk_size(n, 2) for n in (10_000, 600, 200, 64, 31, 1)] == [16, 16, 6, 2, 1, 1]


def test_the_parent_answers_items_only_until_the_workers_start():
    asked: list[int] = []

    def first(n: int) -> tuple[int, int, int] | None:
        asked.append(n)
        return (-n, 0, os.getpid()) if n < 5 else None  # the first five: answered here (a cache hit)

    items = list(range(100))
    results = list(ordered_map(_square_chunk, items, 2, _nothing, first=first))
    assert [r[0] for r in results] == [-n for n in range(5)] + [n * n for n in range(5, 100)]
    # the first item left for the workers starts them: no later item is looked up here
    assert asked == list(range(len(asked))) and len(asked) < 20


def test_one_job_answers_every_item_in_this_process():
    asked: list[int] = []

    def first(n: int) -> None:
        asked.append(n)

    results = list(ordered_map(_square_chunk, list(range(20)), 1, _nothing, first=first))
    assert asked == list(range(20))
    assert {r[2] for r in results} == {os.getpid()} and {r[1] for r in results} == {1}


_PARENT = os.getpid()


def _stuck_on_zero(chunk: list[int]) -> list[tuple[int, int, int]]:
    """Each item's square, the chunk's first item and the process; a worker that takes item 0 is
    stuck on it for a while, every other chunk is quick."""
    if 0 in chunk and os.getpid() != _PARENT:
        time.sleep(1.5)
    return [(n * n, chunk[0], os.getpid()) for n in chunk]


def test_a_stuck_worker_does_not_keep_the_chunks_it_has_not_started():
    items = list(range(200))
    results = list(ordered_map(_stuck_on_zero, items, 2, _nothing))
    assert [r[0] for r in results] == [n * n for n in items]
    worker_chunks = {first for _, first, pid in results if pid != _PARENT}
    # The worker got item 0 first, then WAITING - 1 chunks sent to it while it was stuck on it, all
    # within the first 64 items (the least a run holds before it waits for its oldest item). While
    # this process waited for item 0 it took back the ones the worker had not started; the executor
    # hands a worker up to two chunks ahead, which can no longer be taken back. Chunks sent once the
    # worker is free again may go to it as well: they are not counted.
    assert 0 in worker_chunks
    assert len([first for first in worker_chunks if 0 < first < 64]) < WAITING - 1
