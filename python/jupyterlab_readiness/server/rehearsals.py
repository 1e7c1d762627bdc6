"""Rehearsal jobs: long-running rehearsals (``actions/rehearse``) started by ``POST
/readiness/rehearse``, watched by ``GET`` and cancelled by ``DELETE /readiness/rehearse/<job_id>``.

A job is an asyncio task in the server's event loop running ``Rehearsal.run()``, whose blocking
parts (copying, hashing, comparing, reading the hook's log) already go to worker threads; what a
job does once the runs are over (writing the record through the root, the reply's JSON) is done in
a worker process (``workers.py``), as the parameters are read there and made ready to inject
(``parameters.Given``): work in proportion to their size, in a thread, held every request. At
most one job per notebook (by its real path) and ``limit`` per server; a finished job is kept
``retention`` seconds for its reply, then forgotten. ``shutdown()`` (the
extension stopping) cancels every job and waits for each to kill its kernels and remove its
scratch folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..actions.rehearse.rehearsal import Options, Progress, Rehearsal
from ..contract.replies import CellProgress, RehearseJob
from ..contract.report import to_dict
from ..files import Root
from ..lint.config import CheckConfig
from . import jobs
from .errors import Conflict, NotFound, Unavailable
from .workers import Workers

log = logging.getLogger(__name__)

# How long shutdown() waits for cancelled jobs to clean up before cancelling their tasks outright
# (Rehearsal.run still kills its kernels and removes its folder then).
SHUTDOWN_GRACE = 30.0


class FirstCell:
    """The rehearsal's progress callback: remembers when the first cell started (on the loop)."""

    def __init__(self) -> None:
        self.seconds: float | None = None  # from the start of the rehearsal

    def __call__(self, event: Progress) -> None:
        if event.event == "cell-started" and self.seconds is None:
            self.seconds = event.elapsed


@dataclass
class Job:
    id: str
    path: str  # as the request named it (relative to the root)
    key: Path  # the notebook's real path: one job per notebook
    rehearsal: Rehearsal
    first: FirstCell
    started: float = field(default_factory=time.monotonic)
    task: asyncio.Task[None] | None = None
    finished: float | None = None  # time.monotonic() when the reply was ready
    reply_json: str | None = None  # the RehearseReply, serialised once in a thread

    @property
    def state(self) -> str:
        if self.finished is not None:
            return "finished"
        return "cancelling" if self.rehearsal.cancelled else "running"

    @property
    def first_cell(self) -> float | None:
        return self.first.seconds

    def status(self, since: int = 0) -> dict[str, Any]:
        """The job's progress as ``RehearseJob`` JSON without its reply (``reply_json`` goes last)."""
        progress = self.rehearsal.progress
        finished = self.rehearsal.finished_cells
        elapsed = (self.finished if self.finished is not None else time.monotonic()) - self.started
        job = RehearseJob(
            job_id=self.id,
            path=self.path,
            state=self.state,  # type: ignore[arg-type]
            phase=progress.event,
            elapsed=elapsed,
            run=progress.run,
            runs=progress.runs,
            cell_index=progress.cell_index,
            position=progress.position,
            cells=progress.cells,
            first_cell_seconds=self.first_cell,
            finished_cells=[
                CellProgress(
                    e.run,
                    e.cell_index if e.cell_index is not None else -1,
                    e.position,
                    e.status or "not-run",  # type: ignore[arg-type]
                    None if e.seconds is None else round(e.seconds, 4),
                    e.peak_memory,
                )
                for e in finished[max(0, since) :]
            ],
            reply=None,
        )
        return to_dict(job)

    def status_json(self, since: int = 0) -> str:
        """The whole ``RehearseJob`` as JSON text: the status, and the reply spliced in as it was
        serialised (no re-encoding of a large reply on the event loop)."""
        text = json.dumps(self.status(since))
        if self.reply_json is None:
            return text
        assert text.endswith(', "reply": null}')
        return text[: -len("null}")] + self.reply_json + "}"


class Rehearsals:
    def __init__(
        self,
        root: Root,
        settings: CheckConfig,
        workers: Workers,
        *,
        limit: int,
        retention: float,
        scratch: str | None,
        max_folder_bytes: int | None,
    ) -> None:
        self.root = root
        self.settings = settings
        self.workers = workers
        self.limit = limit
        self.retention = retention
        self.scratch = Path(scratch) if scratch else None
        self.max_folder_bytes = max_folder_bytes
        self._jobs: dict[str, Job] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._closed = False

    # -- the routes ----------------------------------------------------------------------
    def start(self, api_path: str, path: Path, notebook: dict[str, Any], options: Options) -> Job:
        """Start a rehearsal of ``notebook`` (at ``path``, the real file). Synchronous, so that the
        limits are checked and the job registered with no await in between."""
        self.check_open()
        for job in self._jobs.values():
            if job.key == path and job.finished is None:
                raise Conflict("a rehearsal of this notebook is already running", job_id=job.id)
        running = sum(1 for job in self._jobs.values() if job.finished is None)
        if running >= self.limit:
            raise Unavailable(
                f"{running} rehearsals are running, the most this server runs at once "
                "(Readiness.max_rehearsals): try again when one has finished"
            )
        options = replace(options, scratch_base=self.scratch, max_folder_bytes=self.max_folder_bytes)
        first = FirstCell()
        job = Job(uuid.uuid4().hex, api_path, path, Rehearsal(notebook, path, options, progress=first), first)
        self._jobs[job.id] = job
        job.task = asyncio.ensure_future(self._run(job))
        return job

    def check_open(self) -> None:
        if self._closed:
            raise Unavailable("the server is shutting down")

    def get(self, job_id: str) -> Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise NotFound("no such rehearsal job (finished jobs are forgotten after a while)")
        return job

    def cancel(self, job_id: str) -> Job:
        """Cancel a running job (it stops within moments; poll until it is finished). A finished
        job is forgotten."""
        job = self.get(job_id)
        if job.finished is None:
            job.rehearsal.cancel()
        else:
            self._forget(job.id)
        return job

    # -- a job's life ----------------------------------------------------------------------
    async def _run(self, job: Job) -> None:
        try:
            outcome = await job.rehearsal.run()
            # The record and the reply hold what the run gave and the parameters (2 MB at most):
            # made in a worker process, as a thread beside the event loop held every request
            # 0.1-0.2 s at a time for most of a second. The thread when every worker is taken.
            conclude = (jobs.rehearse_conclude, self.root, self.settings, job.path, job.key, outcome)
            try:
                job.reply_json = await self.workers.run(*conclude, key=job.path)
            except Unavailable:
                job.reply_json = await asyncio.to_thread(*conclude)
        except asyncio.CancelledError:
            job.reply_json = json.dumps(_error_reply(job, "cancelled", "the server stopped the rehearsal"))
            raise
        except Exception:  # a bug must end the job with a reply (and in the log), not leave it running
            log.exception("rehearsal job %s failed", job.id)
            job.reply_json = json.dumps(_error_reply(job, "error", "the rehearsal failed unexpectedly (see the log)"))
        finally:
            job.finished = time.monotonic()
            if not self._closed:
                loop = asyncio.get_running_loop()
                self._timers[job.id] = loop.call_later(self.retention, self._forget, job.id)

    def _forget(self, job_id: str) -> None:
        timer = self._timers.pop(job_id, None)
        if timer is not None:
            timer.cancel()
        self._jobs.pop(job_id, None)

    # -- shutdown --------------------------------------------------------------------------
    async def shutdown(self) -> None:
        """Cancel every job and wait for each to clean up (kernels killed, scratch folder
        removed); nothing new starts after this."""
        self._closed = True
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        tasks = [job.task for job in self._jobs.values() if job.task is not None and not job.task.done()]
        for job in self._jobs.values():
            job.rehearsal.cancel()
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE)
            for task in pending:
                task.cancel()
            if pending:
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait(pending, timeout=SHUTDOWN_GRACE)
        self._jobs.clear()

    @property
    def running(self) -> list[Job]:
        return [job for job in self._jobs.values() if job.finished is None]


def _error_reply(job: Job, status: str, error: str) -> dict[str, Any]:
    """A RehearseReply for a job that ended without an outcome."""
    return {
        "path": job.path,
        "status": status,
        "error": error,
        "findings": [],
        "diffs": [],
        "notes": [],
        "record": None,
        "record_file": None,
        "seconds": round(time.monotonic() - job.started, 3),
        "first_cell_seconds": None if job.first_cell is None else round(job.first_cell, 3),
        "version": 1,
    }
