"""Many notebooks in one run: each one's report from the persistent cache or from a check, in the
order given, on worker processes when asked, streamed (a bounded window of results is held, never
all of them). Shared by the commands that check a tree (``check``, the contract command)."""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..contract.report import NotebookReport
from ..notebook import facts
from .cache import ResultCache
from .config import ConfigError, project_config
from .engine import check_bytes, failed_report

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class BatchSettings:
    """What every process of a run needs to check a notebook (picklable, for worker processes)."""

    disable: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    cache_folder: str | None = None  # None: no cache
    cache_static: str | None = None  # the run's tool and environment fingerprint (computed once)


class Checker:
    """Reports for one process: configuration per folder, the cache, a cold check on a miss."""

    def __init__(self, settings: BatchSettings) -> None:
        self.settings = settings
        self.cache = (
            ResultCache(Path(settings.cache_folder), static=settings.cache_static)
            if settings.cache_folder is not None
            else None
        )

    def report(self, path: Path, shown: str) -> NotebookReport:
        try:
            config = project_config(path.parent).with_flags(self.settings.disable, self.settings.enable)
        except ConfigError as exc:
            return failed_report(shown, f"configuration error: {exc}")
        try:
            raw = path.read_bytes()
        except OSError as exc:
            return failed_report(shown, f"cannot read file: {exc.strerror or exc}")
        cache = self.cache
        if cache is None:
            return self._check(raw, path, config, shown)
        key = cache.key(path, raw, config)
        found = cache.get(key, shown)
        if found is not None:
            return found
        report = self._check(raw, path, config, shown)
        cache.put(key, report)
        return report

    @staticmethod
    def _check(raw: bytes, path: Path, config, shown: str) -> NotebookReport:
        try:
            return check_bytes(raw, path, config, shown, memoize=False)
        finally:
            # One-shot: no cell is checked again, and a run's memory must not grow with the tree.
            facts.clear_cache()


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the system has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def chunk_size(items: int, jobs: int) -> int:
    """Small enough that the workers finish together, large enough that a warm run (a cache read
    per notebook) is not dominated by handing chunks to processes."""
    return max(1, min(32, items // (jobs * 16)))


def ordered_map(
    work: Callable[[list[T]], list[R]],
    items: Sequence[T],
    jobs: int,
    initializer: Callable[..., Any],
    initargs: tuple[Any, ...] = (),
) -> Iterator[R]:
    """``work`` over chunks of ``items``, results in the order of the items. With ``jobs`` > 1,
    on that many worker processes (forked where the system allows it, so a worker starts with the
    parent's imports); at most ``4 × jobs`` chunks are in flight, so memory stays flat however
    many items there are. ``initializer(*initargs)`` runs once in each process that calls ``work``."""
    jobs = min(jobs, len(items))
    if jobs <= 1:
        initializer(*initargs)
        for item in items:
            yield from work([item])
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    size = chunk_size(len(items), jobs)
    chunks = (list(items[i : i + size]) for i in range(0, len(items), size))
    executor = ProcessPoolExecutor(jobs, mp_context=context, initializer=initializer, initargs=initargs)
    try:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(executor.submit(work, chunk))
            if len(pending) >= 4 * jobs:
                break
        while pending:
            done = pending.popleft().result()
            for chunk in chunks:
                pending.append(executor.submit(work, chunk))
                break
            yield from done
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
