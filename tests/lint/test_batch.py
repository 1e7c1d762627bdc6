"""``ordered_map``: results in the items' order whatever the workers, chunks that shrink to one
item at the end, and a parent that stops answering items itself once the workers run."""

from __future__ import annotations

import os
from itertools import pairwise

from jupyterlab_readiness.lint.batch import chunk_size, ordered_map


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
    assert sizes[1] > 1 and sizes[-10:] == [1] * 10
    assert all(a >= b for a, b in pairwise(sizes[1:]))  # then chunks only shrink
    assert os.getpid() not in {r[2] for r in results}  # checked on workers


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
