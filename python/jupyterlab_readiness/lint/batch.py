"""Many notebooks in one run: each one's report from the persistent cache or from a check, in the
order given, on worker processes when asked, streamed (a bounded window of results is held, never
all of them). Shared by the commands that check a tree (``check``, the contract command)."""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ..contract.report import NotebookReport
from ..environment.local import Folder, folder_state
from .config import CheckConfig, ConfigError, project_config
from .sidecar import SIDECAR_FOLDER

if TYPE_CHECKING:
    from ..fixes.options import FixOptions
    from .cache import ResultCache, Stored

# Chunks sent to each worker and not finished: the one it checks and the ones waiting behind it.
# While this process checks a chunk of its own it feeds no one, and notebooks vary a hundredfold in
# cost: with one chunk waiting, a worker often ran dry before this process came back (idle a fifth
# of a corpus run); three waiting keep it busy.
WAITING = 4
T = TypeVar("T")
R = TypeVar("R")


class BatchSettings(NamedTuple):
    """What every process of a run needs to check a notebook (picklable, for worker processes)."""

    disable: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    cache_folder: str | None = None  # None: no cache
    cache_static: str | None = None  # the run's tool and environment fingerprint (computed once)
    fixes: FixOptions | None = None  # --show-fixes: each finding's fixes (never cached)


class Checker:
    """Reports for one process: configuration per folder, the cache, a cold check on a miss."""

    def __init__(self, settings: BatchSettings) -> None:
        self.settings = settings
        self.cache: ResultCache | None = None
        if settings.cache_folder is not None:
            # Imported here: hashing loads OpenSSL, a few ms that a --no-cache run does without.
            from .cache import ResultCache

            self.cache = ResultCache(Path(settings.cache_folder), static=settings.cache_static)
        # One run sees one state of each folder: its configuration, pins and modules, looked up once.
        self._configs: dict[Path, CheckConfig | str] = {}
        self._folders: dict[Path, Folder] = {}
        self._sidecars: dict[Path, bool] = {}  # folder → whether it has a sidecar folder (records)
        self._missed: tuple[str, bytes, str | None] | None = None  # the last lookup that found nothing
        self._directories: dict[str, Path] = {}

    def report(self, path: Path | str, shown: str) -> NotebookReport:
        found = self.lookup(path, shown, parsed=True)
        assert isinstance(found, NotebookReport)
        return found

    def lookup(self, path: Path | str, shown: str, *, parsed: bool = False) -> NotebookReport | Stored:
        """The notebook's report, or (unless ``parsed``) its cache entry as stored: a JSON report
        is written from it without parsing it (the entry's digest proves it is what was stored)."""
        found = self.cached(path, shown, parsed=parsed, check=True)
        assert found is not None
        return found

    def cached(
        self, path: Path | str, shown: str, *, parsed: bool = False, check: bool = False
    ) -> NotebookReport | Stored | None:
        """What ``lookup`` gives when it needs no check; None when it does (unless ``check``).
        ``path`` may be a string: a warm run makes no Path for a notebook it finds in the cache."""
        name = os.fspath(path)
        folder = os.path.dirname(name)
        directory = self._directories.get(folder)
        if directory is None:
            directory = self._directories[folder] = Path(folder)
        config = self._configs.get(directory)
        if config is None:
            try:
                config = project_config(directory).with_flags(self.settings.disable, self.settings.enable)
            except ConfigError as exc:
                config = str(exc)
            self._configs[directory] = config
        if isinstance(config, str):
            return NotebookReport(shown, 0, error=f"configuration error: {config}")
        state = self._folders.get(directory)
        if state is None:
            state = self._folders[directory] = folder_state(directory)
        cache = self.cache
        missed, self._missed = self._missed, None
        if missed is not None and missed[0] == name:
            # This process looked it up a moment ago and found nothing: check what it read then.
            _, raw, key = missed
        else:
            try:
                with open(name, "rb") as fh:
                    raw = fh.read()
            except OSError as exc:
                return NotebookReport(shown, 0, error=f"cannot read file: {exc.strerror or exc}")
            key = None
            if cache is not None:
                key = cache.key(name, raw, config, state)
                stored = cache.get_stored(key, directory)
                if stored is not None:
                    found = stored.report(shown) if parsed else stored
                    if found is not None:
                        return found
        if not check:
            self._missed = (name, raw, key)
            return None
        sidecars = self._sidecars.get(directory)
        if sidecars is None:
            sidecars = self._sidecars[directory] = os.path.isdir(directory / SIDECAR_FOLDER)
        module_files: list[Path] = []
        report = self._check(raw, Path(name), config, shown, state, self.settings.fixes, sidecars, module_files)
        if cache is not None and key is not None:
            stored = cache.put(key, report, module_files, directory)
            if not parsed:
                return stored  # its JSON was made for the entry: written as it is
        return report

    @staticmethod
    def prepare() -> None:
        """Load what a check needs, in a process about to start workers: they inherit it."""
        from ..environment.installed import installed
        from . import engine  # noqa: F401

        # Asked by the first import any notebook makes of a package: read here once, not in each process.
        installed()

    @staticmethod
    def _check(
        raw: bytes,
        path: Path,
        config: CheckConfig,
        shown: str,
        state: Folder,
        fixes: FixOptions | None,
        sidecars: bool,
        module_files: list[Path],
    ) -> NotebookReport:
        """``sidecars``: whether the notebook's folder has a sidecar folder (without one, no
        notebook of the folder has a rehearsal record to look for)."""
        # Imported at the first check: a run served from the cache never loads the checks.
        from ..files import Root
        from ..notebook import facts
        from ..notebook.parse import quiet_process
        from .engine import check_bytes
        from .sidecar import read_record

        quiet_process()  # a one-shot process: the compiler's warnings silenced once, not per cell
        try:
            return check_bytes(
                raw,
                path,
                config,
                shown,
                memoize=False,
                folder=state,
                rehearsal=read_record(path, Root(None)) if sidecars else None,
                fixes=fixes,
                module_files=module_files,
            )
        finally:
            # One-shot: no cell is checked again, and a run's memory must not grow with the tree.
            facts.clear_cache()


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the system has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def chunk_size(remaining: int, jobs: int) -> int:
    """The size of the next chunk, from the items not yet handed out: large while many remain
    (handing a chunk to a process costs little next to checking it), down to one item at the
    end, so that one large notebook in the last chunk does not leave the other workers idle."""
    return max(1, min(16, remaining // (jobs * 16)))


class _Chunk:
    """Items waiting to be checked together on a worker, and then their results."""

    __slots__ = ("future", "items", "results")

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.future: Any = None
        self.results: list[Any] | None = None


class _Workers:
    """The worker processes of a run (started with the first chunk sent to them) and the chunks
    sent to them and not finished."""

    def __init__(
        self,
        work: Callable[[list[Any]], list[Any]],
        jobs: int,
        start: tuple[Callable[..., Any], tuple[Any, ...], Callable[[], Any]],
    ) -> None:
        self.work, self.jobs = work, jobs
        self._start = start  # (initializer, initargs, prepare)
        self.pool: Any = None
        self._sent: list[_Chunk] = []

    def run(self, chunk: _Chunk) -> None:
        """Sends the chunk to the workers; with one job, or when the workers have ``WAITING``
        each, this process checks it rather than wait for them (one process fewer to feed)."""
        if self.jobs > 1:
            self._sent = [c for c in self._sent if not c.future.done()]
            if len(self._sent) < WAITING * (self.jobs - 1):
                if self.pool is None:
                    initializer, initargs, prepare = self._start
                    prepare()
                    self.pool = _pool(self.jobs - 1, initializer, initargs)
                chunk.future = self.pool.submit(self.work, chunk.items)
                self._sent.append(chunk)
                return
        chunk.results = self.work(chunk.items)

    def wait(self, chunk: _Chunk) -> None:
        """The results of a chunk sent to a worker. Before waiting, this process checks, newest
        first, the chunks no worker has started: at the end of a run it would otherwise idle
        while a worker works through the chunks waiting for it."""
        for waiting in reversed(self._sent):
            if waiting.results is None and waiting.future.cancel():
                waiting.results = self.work(waiting.items)
        if chunk.results is None:
            chunk.results = chunk.future.result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def ordered_map(
    work: Callable[[list[T]], list[R]],
    items: Sequence[T],
    jobs: int,
    initializer: Callable[..., Any],
    initargs: tuple[Any, ...] = (),
    first: Callable[[T], R | None] = lambda item: None,
    prepare: Callable[[], Any] = lambda: None,
) -> Iterator[R]:
    """Each item's result in the order of the items: ``first(item)`` in this process (a cache
    hit), else ``work`` over chunks of the items it left, on ``jobs`` processes: this one and
    ``jobs - 1`` workers (forked where the system allows it, so a worker starts with this
    process's imports; started only at the first item left for them, so a warm run never starts
    one). This process checks a chunk itself whenever the workers have ``WAITING`` each. Once
    the workers run, later items skip ``first`` (``work`` answers any item): reading and hashing
    each notebook here only delays the chunks this process checks. At most a window of results
    is held, so memory stays flat however many items there are. ``initializer(*initargs)`` runs
    in this process first and in each worker as it starts; ``prepare()`` runs in this process
    just before the workers start (imports done there once, not in each worker)."""
    initializer(*initargs)
    jobs = min(jobs, len(items))
    size = chunk_size(len(items), jobs) if jobs > 1 else 1
    window = max(64, 8 * size * jobs)
    handed = 0  # items seen so far (answered here or put in a chunk)
    workers = _Workers(work, jobs, (initializer, initargs, prepare))
    queue: deque[tuple[_Chunk | None, Any]] = deque()  # (chunk, index in it) or (None, result)
    filling = _Chunk()

    def ready() -> Iterator[R]:
        nonlocal filling
        while queue:
            chunk, value = queue[0]
            if chunk is not None and chunk.results is None:
                if chunk is filling:  # the oldest item still waits for its chunk to fill: send it
                    workers.run(chunk)
                    filling = _Chunk()
                if chunk.results is None:
                    if len(queue) < window and not chunk.future.done():
                        return
                    workers.wait(chunk)
            queue.popleft()
            yield value if chunk is None else chunk.results[value]

    try:
        for item in items:
            found = first(item) if workers.pool is None else None
            if found is not None:
                queue.append((None, found))
            else:
                filling.items.append(item)
                queue.append((filling, len(filling.items) - 1))
                if len(filling.items) >= size:
                    workers.run(filling)
                    filling = _Chunk()
                    size = chunk_size(len(items) - handed, jobs) if jobs > 1 else 1
            handed += 1
            yield from ready()
        window = 0  # the end: wait for every result
        yield from ready()
    finally:
        workers.close()


def _pool(jobs: int, initializer: Callable[..., Any], initargs: tuple[Any, ...]):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    return ProcessPoolExecutor(jobs, mp_context=context, initializer=initializer, initargs=initargs)
