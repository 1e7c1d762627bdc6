"""The collector's rhythm is raised while something plans and put back as it was once nothing
does, whatever the threads and the exceptions; within a plan no collection walks what the plan
built so far."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from jupyterlab_readiness.notebook.collector import PLANNING, fewer_collections


@pytest.fixture
def default_rhythm():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield (700, 10, 10)
    gc.set_threshold(*before)


def test_raised_inside_and_restored_after_even_on_error(default_rhythm):
    with fewer_collections():
        assert gc.get_threshold() == PLANNING
    assert gc.get_threshold() == default_rhythm
    with pytest.raises(ZeroDivisionError), fewer_collections():
        1 / 0  # noqa: B018 - an error while planning
    assert gc.get_threshold() == default_rhythm


def test_overlapping_planners_restore_once_the_last_one_ends(default_rhythm):
    inside, release = threading.Barrier(3), threading.Event()
    seen: list[tuple[int, int, int]] = []

    def planner() -> None:
        with fewer_collections():
            inside.wait(timeout=10)
            release.wait(timeout=10)
            seen.append(gc.get_threshold())

    threads = [threading.Thread(target=planner) for _ in range(2)]
    for thread in threads:
        thread.start()
    with fewer_collections():
        inside.wait(timeout=10)
    assert gc.get_threshold() == PLANNING  # the two others still plan
    release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert seen == [PLANNING, PLANNING]
    assert gc.get_threshold() == default_rhythm


def test_cycles_are_still_collected_while_planning(default_rhythm):
    class Node:
        pass

    with fewer_collections():
        a, b = Node(), Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        del a, b
        kept = [[] for _ in range(3 * PLANNING[0])]  # new objects, as parsing makes: the rhythm runs
        assert gone() is None
        del kept


def test_a_plan_starting_when_the_counters_stand_high_never_walks_what_it_built(default_rhythm):
    gc.collect()
    gc.set_threshold(700, 1_000, 10)
    for _ in range(19):  # each young collection counts one towards the middle generation's
        gc.collect(0)
    gc.set_threshold(*default_rhythm)
    collected: list[int] = []

    def record(phase: str, info: dict) -> None:
        if phase == "start":
            collected.append(info["generation"])

    gc.callbacks.append(record)
    try:
        with fewer_collections():
            built = [[] for _ in range(5 * PLANNING[0])]  # what a plan builds: young collections run
    finally:
        gc.callbacks.remove(record)
    assert collected and set(collected) == {0}, collected
    del built
