"""A rehearsal: the notebook as given runs top to bottom in a new kernel, then again in another,
in a scratch copy of its folder, watched by an audit hook; the runs are compared with the saved
outputs, with each other and by the files they leave. The entry point for the CLI and a job API.

    options = Options(parameters={"day": "2024-01-31"})
    rehearsal = Rehearsal(notebook_json, Path("analysis.ipynb"), options, progress=callback)
    outcome = await rehearsal.run()          # or: outcome = rehearse_sync(...)
    rehearsal.cancel()                       # from any thread or task, at any time
    outcome.reply("analysis.ipynb")          # the RehearseReply contract
    write_record(path, outcome.record)       # baseline.py: the sidecar the check engine reads

Progress: ``progress`` is called on the event loop's thread for every step (``Progress``, also
readable at any time as ``rehearsal.progress``); it must not block. Cancellation: ``cancel()``
stops whatever is running (copy, kernel start, cell) within moments; ``run()`` then returns an
outcome with status ``cancelled``. Cleanup: every kernel started (and its process group) is
killed and the private directory (scratch copy, temp folders, connection files, logs) removed on
every way out — success, error, refusal, time limit, ``cancel()``, the task being cancelled from
outside (server shutdown, Ctrl-C), an unexpected exception. CPU- and disk-bound steps (copying,
hashing, comparing) run in worker threads, never on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ...checks.secrets import redact
from ...contract.baseline import OutputDiff, RehearsalRecord
from ...contract.replies import RehearsalStatus, RehearseReply
from ...contract.report import Finding
from ...notebook.fingerprint import kernel_name as notebook_kernel
from ...notebook.model import Notebook, NotebookError, notebook_from_json
from . import parameters as params
from . import scratch, snapshot
from .cancel import Cancellation, Cancelled, TimeLimit
from .outputs import Sanitiser
from .results import CellRun, RunResult

log = logging.getLogger(__name__)

DEFAULT_MAX_FOLDER_BYTES = 200_000_000


class Refused(Exception):
    """The rehearsal cannot run; the message says why, for a person (the CLI exits 2)."""


@dataclass(frozen=True)
class Options:
    # name → value (Python literals), or made ready where they were read (a server's worker)
    parameters: dict[str, Any] | params.Given = field(default_factory=dict)
    runs: int = 2  # 1: no comparison between runs, no idempotence check
    timeout: float | None = 3600.0  # the whole rehearsal, seconds; None: no limit
    cell_timeout: float | None = 600.0  # each cell; None: no limit
    in_place: bool = False  # run in the real folder (its files are changed); else a scratch copy
    folder: Path | None = None  # the folder to copy and confine writes to (default: the notebook's)
    max_folder_bytes: int | None = DEFAULT_MAX_FOLDER_BYTES  # refuse to copy more; None: no limit
    kernel_name: str | None = None  # default: the notebook's kernelspec
    scratch_base: Path | None = None  # where the private directory goes (default: the system temp folder)
    startup_timeout: float = 60.0  # a kernel must be ready within this


ProgressEvent = Literal[
    "started", "copying", "kernel-starting", "cell-started", "cell-finished", "comparing", "finished"
]


@dataclass(frozen=True, slots=True)
class Progress:
    event: ProgressEvent
    elapsed: float  # seconds since run() started
    run: int = 0  # 1 or 2 (0 before the first run)
    runs: int = 2
    cell_index: int | None = None  # over all cells of the notebook as given
    position: int = 0  # 1-based among the cells a run executes
    cells: int = 0  # cells a run executes
    status: str | None = None  # cell-finished: the cell's status; finished: the rehearsal's
    seconds: float | None = None  # cell-finished: the cell's time
    peak_memory: int | None = None  # cell-finished: bytes


@dataclass
class Outcome:
    status: RehearsalStatus
    error: str | None = None
    findings: list[Finding] = field(default_factory=list)
    diffs: list[OutputDiff] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    record: RehearsalRecord | None = None
    runs: list[RunResult] = field(default_factory=list)
    seconds: float = 0.0
    first_cell_seconds: float | None = None
    # Where the time went, in seconds: copy (plan and copy the folder), runs (kernels started and
    # cells run), snapshots (listing and hashing the folder), compare (findings, diffs, record),
    # cleanup (waiting for workers, removing the private directory).
    timings: dict[str, float] = field(default_factory=dict)

    def reply(self, path: str, record_file: str | None = None) -> RehearseReply:
        return RehearseReply(
            path,
            self.status,
            self.error,
            self.findings,
            self.diffs,
            self.notes,
            self.record,
            record_file,
            self.seconds,
            self.first_cell_seconds,
        )


class Rehearsal:
    def __init__(
        self,
        notebook: dict[str, Any],
        path: Path,
        options: Options | None = None,
        progress: Callable[[Progress], None] | None = None,
    ) -> None:
        """``notebook``: nbformat JSON as given (the editor's live model: unsaved edits count);
        ``path``: where the notebook lives (its folder is the one rehearsed; the file itself need
        not exist)."""
        self.notebook_json = notebook
        self.path = Path(path)
        self.options = options or Options()
        self._callback = progress
        self._cancel = Cancellation()
        self._started: float | None = None
        self._progress = Progress("started", 0.0, runs=self.options.runs)
        self._finished_cells: list[Progress] = []
        self._workers: list[tuple[threading.Event, threading.Event]] = []  # (started, done) of each
        self._timings: dict[str, float] = {}
        self._halt = threading.Event()  # tells worker threads to stop (cancel or time limit)

    # ------------------------------------------------------------------ control
    def cancel(self) -> None:
        """Stop the rehearsal; safe from any thread, at any time, more than once."""
        self._halt.set()
        self._cancel.cancel()

    @property
    def cancelled(self) -> bool:
        return self._cancel.cancelled

    @property
    def progress(self) -> Progress:
        """The latest event (an immutable value: safe to read from any thread)."""
        return self._progress

    @property
    def finished_cells(self) -> list[Progress]:
        """Every ``cell-finished`` event so far, both runs (a copy: safe to read from any thread)."""
        return list(self._finished_cells)

    def _emit(self, event: ProgressEvent, **fields: Any) -> None:
        elapsed = 0.0 if self._started is None else time.monotonic() - self._started
        self._progress = Progress(event, elapsed, runs=self.options.runs, **fields)
        if event == "cell-finished":
            self._finished_cells.append(self._progress)
        if self._callback is not None:
            try:
                self._callback(self._progress)
            except Exception:  # a broken progress display must not break the rehearsal
                log.exception("rehearsal progress callback failed")

    # ------------------------------------------------------------------ run
    async def run(self) -> Outcome:
        self._started = time.monotonic()
        deadline = None if self.options.timeout is None else self._started + self.options.timeout
        private: Path | None = None
        outcome: Outcome
        self._emit("started")
        try:
            # In a worker thread: reading nbformat and the kernelspecs (and importing them the
            # first time) and sweeping the temp folder are blocking work, not for the event loop.
            prepared = await self._blocking(deadline, self._prepare)
            base = Path(self.options.scratch_base or tempfile.gettempdir())
            await self._blocking(deadline, scratch.sweep_abandoned, base)
            private = scratch.make_private_dir(base, sweep=False)  # here, not in a thread: cleanup must know it
            outcome = await self._rehearse(prepared, private, deadline)
        except Refused as exc:
            outcome = Outcome("error", error=str(exc))
        except Cancelled:
            outcome = Outcome("cancelled")
        except TimeLimit:
            outcome = Outcome(
                "error", error=f"the time limit ({self.options.timeout:g} s) ran out before the first cell could run"
            )
        finally:
            self._halt.set()
            with self._timed("cleanup"):
                await self._cleanup(private)
        outcome.seconds = time.monotonic() - self._started
        outcome.timings = {k: round(v, 4) for k, v in self._timings.items()}
        if outcome.record is not None:
            outcome.record.seconds = outcome.seconds
        self._emit("finished", status=outcome.status)
        return outcome

    def _prepare(self) -> _Prepared:
        options = self.options
        if options.runs not in (1, 2):
            raise Refused("runs must be 1 or 2")
        try:
            model = notebook_from_json(self.notebook_json)
        except NotebookError as exc:
            raise Refused(str(exc)) from None
        if not model.is_python:
            raise Refused(
                "a rehearsal runs Python notebooks (its audit hook is Python); this "
                f"notebook's kernel language is {model.language!r}"
            )
        nb = _runnable(self.notebook_json)
        kernel = options.kernel_name or notebook_kernel(model)
        _check_kernel(kernel)
        from . import runner  # noqa: F401 - imported here, in a worker thread: nbclient and jupyter_client take a while

        folder = (options.folder or self.path.parent).resolve()
        notebook_dir = self.path.parent.resolve()
        if not folder.is_dir():
            raise Refused(f"the notebook's folder {folder} does not exist")
        if not notebook_dir.is_relative_to(folder):
            raise Refused("--folder must contain the notebook")
        given = options.parameters
        try:  # (making the injected cell checks every name)
            if not isinstance(given, params.Given):
                given = params.given(given)
        except params.BadParameter as exc:
            raise Refused(str(exc)) from None
        values = given.stored  # (what follows needs their names)
        notes = []
        at = params.parameters_cell(nb.cells)
        if values:
            if at is None:
                notes.append(
                    "the notebook has no cell tagged `parameters`: the given parameters were injected at the top"
                )
            else:
                unknown = params.unknown_names(nb.cells[at].source, values)
                if unknown:
                    notes.append(
                        f"the parameters cell does not set {', '.join(f'`{n}`' for n in unknown)}: injected anyway"
                    )
            for name, index in params.overwritten(nb.cells, 0 if at is None else at + 1, values).items():
                notes.append(
                    f"`{name}` is set again in cell {index + 1} before any cell reads it: the value given for it "
                    "is never used" + (" (tag the cell that sets the parameters `parameters`)" if at is None else "")
                )
        import nbformat

        injected_nb, injected_at = params.inject(nb, values, given.source)
        injected_nb = nbformat.from_dict(injected_nb)
        origins = list(range(len(nb.cells)))
        if injected_at is not None:
            origins.insert(injected_at, at if at is not None else 0)
        saved = {
            i: [dict(o) for o in c.get("outputs", [])]
            for i, c in enumerate(nb.cells)
            if c.get("cell_type") == "code" and (c.get("outputs") or c.get("execution_count"))
        }
        return _Prepared(
            model,
            injected_nb,
            origins,
            injected_at,
            kernel,
            folder,
            notebook_dir.relative_to(folder),
            given,
            notes,
            saved,
        )

    async def _rehearse(self, prep: _Prepared, private: Path, deadline: float | None) -> Outcome:
        options = self.options
        if options.in_place:
            folder = prep.folder
        else:
            self._emit("copying")
            with self._timed("copy"):
                plan = await self._blocking(deadline, scratch.plan_copy, prep.folder, options.max_folder_bytes)
                folder = private / "work" / (prep.folder.name or "folder")
                await self._blocking(deadline, scratch.copy_folder, prep.folder, folder, plan, self._halt)
        folder = folder.resolve()
        cwd = folder / prep.relative
        cwd.mkdir(parents=True, exist_ok=True)
        with self._timed("snapshots"):
            initial = await self._blocking(None, snapshot.take, folder, None, False)
        runs: list[RunResult] = []
        states = [initial]
        first_cell: float | None = None
        from .runner import KernelFailed, KernelRun, RunSpec  # nbclient and jupyter_client: only when a rehearsal runs

        for number in range(1, options.runs + 1):
            self._emit("kernel-starting", run=number)
            spec = RunSpec(
                prep.kernel,
                cwd,
                folder,
                private,
                number,
                options.cell_timeout,
                options.startup_timeout,
                allow=(str(private),),
            )
            nb = copy.deepcopy(prep.nb)
            runner = KernelRun(nb, prep.origins, prep.injected_at, spec, self._cancel, deadline, self._on_cell)
            try:
                with self._timed("runs"):
                    result = await runner.run()
            except KernelFailed as exc:
                raise Refused(str(exc)) from None
            if first_cell is None and runner.first_cell_at is not None:
                first_cell = runner.first_cell_at - (self._started or 0.0)
            runs.append(result)
            with self._timed("snapshots"):
                states.append(await self._blocking(None, snapshot.take, folder, states[-1]))
            if not result.completed:
                if number < options.runs:
                    prep.notes.append(
                        "the second run was skipped as the first did not finish: outputs "
                        "between runs and idempotent writes were not compared"
                    )
                break
        self._emit("comparing")
        with self._timed("compare"):
            outcome = await self._blocking(None, self._conclude, prep, runs, states, folder, private)
        outcome.first_cell_seconds = first_cell
        return outcome

    def _conclude(
        self, prep: _Prepared, runs: list[RunResult], states: list[snapshot.Snapshot], folder: Path, private: Path
    ) -> Outcome:
        """Findings, diffs and the record (in a worker thread: hashing and comparing)."""
        from ...lint.config import CheckConfig
        from ...lint.engine import check_model
        from .baseline import build_record
        from .error_findings import missing_path
        from .evidence import Evidence
        from .findings import build
        from .shapes import shapes

        options = self.options
        changes: list[snapshot.FileChange] = []
        if len(runs) == 2 and len(states) == 3:

            def original_hash(path: str) -> str | None:
                if options.in_place:
                    return None
                try:
                    return snapshot.sha256_of(prep.folder / path)
                except OSError:
                    return None

            changes = snapshot.differences(folder, states[1], states[2], original_hash)
        # A file saved again with the same content is no finding, but its bytes are no baseline.
        resaved = frozenset(c.path for c in changes if c.kind == "resaved")
        changes = [c for c in changes if c.kind != "resaved"]
        real = str(prep.folder)
        sanitise = Sanitiser(
            {str(folder): "<folder>", real: "<folder>"}, temp=[str(private), os.path.realpath(private)]
        )
        static = check_model(prep.model, self.path, CheckConfig(), self.path.name, memoize=False)
        notebook_dir = prep.folder / prep.relative
        missing = frozenset(
            path
            for run in runs
            for cell in run.cells
            if cell.error is not None and cell.error.ename == "FileNotFoundError"
            for path in [missing_path(cell.error.evalue)]
            if path is not None and not os.path.lexists(notebook_dir / path)
        )
        evidence = Evidence(
            prep.model,
            prep.saved,
            runs,
            changes,
            sanitise,
            real,
            prep.given.stored,
            static,
            options.cell_timeout,
            options.timeout,
            missing,
        )
        built = build(evidence)
        record = build_record(
            notebook=prep.model,
            name=self.path.name,
            kernel=prep.kernel,
            parameters=prep.given.stored,
            parameters_text=prep.given.text,
            runs=runs,
            runs_asked=options.runs,
            in_place=options.in_place,
            initial=states[0],
            after_first=states[1],
            findings=built.findings,
            seconds=0.0,
            diffs=built.diffs,
            static=built.verdicts,
            unstable_bytes=resaved,
        )
        record.outputs = shapes(folder, record.files)
        status: RehearsalStatus = "passed" if record.passed else "failed"
        notes = [redact(sanitise.paths(note)) for note in prep.notes + built.notes]
        return Outcome(status, None, built.findings, built.diffs, notes, record, runs)

    def _on_cell(self, event: str, run: int, cell: CellRun, position: int, of: int) -> None:
        if event == "started":
            self._emit("cell-started", run=run, cell_index=cell.cell_index, position=position, cells=of)
        else:
            self._emit(
                "cell-finished",
                run=run,
                cell_index=cell.cell_index,
                position=position,
                cells=of,
                status=cell.status,
                seconds=cell.seconds,
                peak_memory=cell.peak_memory,
            )

    @contextlib.contextmanager
    def _timed(self, phase: str) -> Iterator[None]:
        began = time.monotonic()
        try:
            yield
        finally:
            self._timings[phase] = self._timings.get(phase, 0.0) + time.monotonic() - began

    async def _blocking(self, deadline: float | None, function: Callable[..., Any], *args: Any) -> Any:
        """Run blocking work in a worker thread, racing cancellation and the time limit; the
        cleanup waits for the thread to end before removing anything it may be using."""
        started, done = threading.Event(), threading.Event()
        self._workers.append((started, done))

        def work() -> Any:
            started.set()
            try:
                # Halted before it began (a rehearsal cancelled at once): the cleanup does not
                # wait for work that never started, so none may start once it is under way.
                if self._halt.is_set():
                    raise scratch.Stopped()
                return function(*args)
            finally:
                done.set()

        remaining = None if deadline is None else deadline - time.monotonic()
        try:
            return await self._cancel.race(asyncio.to_thread(work), timeout=remaining)
        except scratch.Stopped:
            raise Cancelled() from None
        except scratch.FolderTooBig as exc:
            raise Refused(str(exc)) from None

    async def _cleanup(self, private: Path | None) -> None:
        """Kernels are killed by their runs; here worker threads that started are waited for (they
        were told to stop) and the private directory is removed — also when this task is cancelled."""
        for started, done in self._workers:
            if started.is_set() and not done.is_set():
                try:
                    await asyncio.shield(asyncio.to_thread(done.wait, 60))
                except asyncio.CancelledError:
                    done.wait(60)
                    raise
        if private is None:
            return
        try:
            await asyncio.shield(asyncio.to_thread(scratch.remove_tree, private))
        except asyncio.CancelledError:
            scratch.remove_tree(private)
            raise


@dataclass(frozen=True)
class _Prepared:
    model: Notebook
    nb: Any  # the nbformat NotebookNode to run (with the injected parameters cell)
    origins: list[int]
    injected_at: int | None
    kernel: str
    folder: Path  # the real folder (resolved)
    relative: Path  # the notebook's folder within it
    given: params.Given  # the parameters, injected and as the record keeps them
    notes: list[str]
    saved: dict[int, list[dict[str, Any]]]


def _runnable(data: dict[str, Any]) -> Any:
    """The notebook as nbformat 4 for nbclient: multi-line strings joined, nbformat 3 converted,
    the fields nbclient reads present (a notebook from the browser may lack some)."""
    import nbformat
    from nbformat import reader

    try:
        nb = nbformat.convert(reader.reads(json.dumps(data)), 4)
    except Exception as exc:  # noqa: BLE001 - nbformat's readers and converters raise anything on a broken file
        raise Refused(f"not a notebook nbclient can run: {exc}") from None
    for cell in nb.cells:
        if not isinstance(cell.get("metadata"), dict):
            cell["metadata"] = nbformat.NotebookNode()
        if not isinstance(cell.get("source"), str):
            cell["source"] = ""
        if cell.get("cell_type") == "code" and not isinstance(cell.get("outputs"), list):
            cell["outputs"] = []
    return nb


def _check_kernel(name: str) -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    try:
        spec = manager.get_kernel_spec(name)
    except NoSuchKernel:
        installed = ", ".join(sorted(manager.find_kernel_specs())) or "none"
        raise Refused(
            f"no such kernel: {name!r} (installed kernels: {installed}); rehearse with another "
            "(--kernel NAME), or change the notebook's kernel (Kernel ▸ Change Kernel) and save it"
        ) from None
    if (spec.language or "python").lower() != "python":
        raise Refused(f"a rehearsal runs Python kernels; kernel {name!r} runs {spec.language}")


def rehearse_sync(
    notebook: dict[str, Any],
    path: Path,
    options: Options | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> Outcome:
    """Run a rehearsal to the end in a new event loop (the CLI). Ctrl-C cancels it: the kernels
    and the private directory are cleaned up, then KeyboardInterrupt is raised."""
    return asyncio.run(Rehearsal(notebook, path, options, progress).run())


__all__ = ["Options", "Outcome", "Progress", "Refused", "Rehearsal", "rehearse_sync"]
