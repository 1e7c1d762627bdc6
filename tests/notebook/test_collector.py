"""The collector is paused while something plans and put back as it was once nothing does,
whatever the threads and the exceptions; no collection walks what a plan builds, and the cycles a
plan leaves are collected by the first collection after it."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from jupyterlab_readiness.notebook.collector import collector_paused


@pytest.fixture
def enabled():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_and_restored_after_even_on_error(enabled):
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), collector_paused():
        1 / 0  # noqa: B018 - an error while planning
    assert gc.isenabled()


def test_a_collector_off_before_the_plan_stays_off(enabled):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_overlapping_planners_restore_once_the_last_one_ends(enabled):
    inside, release = threading.Barrier(3), threading.Event()
    seen: list[bool] = []

    def planner() -> None:
        with collector_paused():
            inside.wait(timeout=10)
            release.wait(timeout=10)
            seen.append(gc.isenabled())

    threads = [threading.Thread(target=planner) for _ in range(2)]
    for thread in threads:
        thread.start()
    with collector_paused():
        inside.wait(timeout=10)
    assert not gc.isenabled()  # the two others still plan
    release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert seen == [False, False]
    assert gc.isenabled()


def test_no_collection_walks_what_a_plan_builds_and_its_cycles_go_after_it(enabled):
    class Node:
        pass

    gc.collect()
    collected: list[int] = []

    def record(phase: str, info: dict) -> None:
        if phase == "start":
            collected.append(info["generation"])

    gc.callbacks.append(record)
    try:
        with collector_paused():
            a, b = Node(), Node()
            a.other, b.other = b, a
            gone = weakref.ref(a)
            del a, b
            built = [[] for _ in range(500_000)]  # what a plan builds: no collection runs
            assert collected == []
            del built
        assert gone() is not None  # the cycle waits for the first collection after the plan
        gc.collect(0)
        assert gone() is None
    finally:
        gc.callbacks.remove(record)
