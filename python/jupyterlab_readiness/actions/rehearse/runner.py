"""One run of a rehearsal: a new kernel of the notebook's kernelspec, the audit hook installed
before the first cell, then every code cell top to bottom with nbclient — stopping at the first
error, as an unattended run would — with each cell's time, peak memory and file/network accesses.

The kernel is never the user's: it is started here with its own connection file, working
directory and ``TMPDIR`` (both inside the rehearsal's private directory), IPython history off (so
the user's history database is not written), and it is always killed at the end — on success,
error, timeout or cancellation — together with its process group (what it started) and every
process that carries the run's marker in its environment (what it started that left the group),
whatever else happens, before anything is awaited.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import secrets
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError
from nbformat import NotebookNode

from .audit_log import Access, LogReader, install_code
from .cancel import Cancellation, Cancelled, TimeLimit, settle
from .procfs import PeakMemory, carrying, cpu_seconds, descendants
from .results import CellError, CellRun, RunResult

log = logging.getLogger(__name__)

REFUSAL = "the rehearsal refuses writes outside the notebook's folder"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_CELL_FRAME = re.compile(r"(?:Cell In\s*\[(\d+)\],\s*line (\d+))|(?:<ipython-input-(\d+)-[0-9a-f]+>)")
_ARROW = re.compile(r"^-+>\s*(\d+)", re.MULTILINE)
_PACKAGE_FRAME = re.compile(r"^File .*?[/\\](?:site|dist)-packages[/\\]([A-Za-z_]\w*)", re.MULTILINE)
# In the kernel's environment, inherited by every process it starts: how they are found at the end.
MARKER = "JUPYTER_READINESS_REHEARSAL"


class KernelFailed(Exception):
    """The kernel could not be started or prepared (the message says why, for a person)."""


@dataclass(frozen=True, slots=True)
class RunSpec:
    kernel_name: str
    cwd: Path  # where the kernel starts: the notebook's folder (in the copy, or the real one)
    folder: Path  # where it may write: the copied folder (or the real one, in place)
    private: Path  # the rehearsal's private directory
    number: int  # 1 or 2
    cell_timeout: float | None
    startup_timeout: float = 60.0
    allow: tuple[str, ...] = ()  # more folders the notebook may write in


CellEvent = Callable[[str, int, CellRun, int, int], None]  # (started|finished, run, cell, position, of)


class _Client(NotebookClient):
    """nbclient's client, keeping track of its kernel-alive pollers so none outlives a run."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pollers: set[asyncio.Task[Any]] = set()

    async def _async_poll_kernel_alive(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.pollers.add(task)
        try:
            await super()._async_poll_kernel_alive()
        finally:
            if task is not None:
                self.pollers.discard(task)


class KernelRun:
    def __init__(
        self,
        nb: NotebookNode,
        origins: list[int],
        injected: int | None,
        spec: RunSpec,
        cancel: Cancellation,
        deadline: float | None,
        on_cell: CellEvent | None = None,
    ) -> None:
        """``origins[i]``: the index, in the notebook as given, of cell ``i`` of ``nb`` (which may
        hold an injected parameters cell, at index ``injected``)."""
        self.nb = nb
        self.origins = origins
        self.injected = injected
        self.spec = spec
        self.cancel = cancel
        self.deadline = deadline
        self.on_cell = on_cell
        self.km: AsyncKernelManager | None = None
        self.client: _Client | None = None
        self.first_cell_at: float | None = None  # time.monotonic() when the first cell was sent
        self._console: Any = None
        self._console_ready = 0  # the console log's size once the kernel was ready: its start-up chatter
        self.marker = secrets.token_hex(8)

    def _remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def _limit(self, own: float | None) -> float | None:
        remaining = self._remaining()
        if own is None:
            return remaining
        return own if remaining is None else min(own, remaining)

    async def run(self) -> RunResult:
        """Run the notebook; raises Cancelled, KernelFailed, or TimeLimit while starting."""
        spec = self.spec
        cells = [
            CellRun(self.origins[i], injected=(i == self.injected))
            for i, cell in enumerate(self.nb.cells)
            if _runs(cell)
        ]
        result = RunResult(spec.number, cells)
        try:
            started = time.monotonic()
            await self._start()
            result.startup_seconds = time.monotonic() - started
            assert self.km is not None and self.client is not None
            memory = PeakMemory(getattr(self.km.provisioner, "pid", None))
            reader = LogReader(self._log)
            position = 0
            for index, cell in enumerate(self.nb.cells):
                if not _runs(cell):
                    continue
                record = cells[position]
                position += 1
                if self.on_cell:
                    self.on_cell("started", spec.number, record, position, len(cells))
                memory.reset()
                began = time.monotonic()
                if self.first_cell_at is None:
                    self.first_cell_at = began
                limit = self._limit(spec.cell_timeout)
                remaining = self._remaining()
                total_binds = remaining is not None and (spec.cell_timeout is None or remaining < spec.cell_timeout)
                try:
                    await self.cancel.race(self.client.async_execute_cell(cell, index), timeout=limit)
                    record.status = "ok"
                except CellExecutionError:
                    record.status = "error"
                except DeadKernelError:
                    record.status = "dead"
                except TimeLimit:
                    record.status = "timeout"
                    result.stopped = "total-timeout" if total_binds else "timeout"
                except Cancelled:
                    record.status = "cancelled"
                    result.stopped = "cancelled"
                record.seconds = _kernel_seconds(cell) if record.status in ("ok", "error") else None
                if record.seconds is None:
                    record.seconds = time.monotonic() - began
                # Reading /proc and parsing the hook's log (thousands of lines for a cell that opens
                # thousands of files) is blocking work: in a thread, so a server's loop stays free.
                record.peak_memory, record.accesses, cpu = await asyncio.to_thread(_after_cell, memory, reader)
                record.outputs = [dict(o) for o in cell.get("outputs", [])]
                record.error = _error(cell, self.client.code_cells_executed) if record.status == "error" else None
                if record.peak_memory is not None:
                    result.peak_memory = max(result.peak_memory or 0, record.peak_memory)
                if self.on_cell:
                    self.on_cell("finished", spec.number, record, position, len(cells))
                if record.status == "cancelled":
                    raise Cancelled()
                result.cpu_seconds = cpu
                if record.status != "ok":
                    result.stopped = result.stopped or ("error" if record.status == "error" else "dead")
                    if record.status == "dead":
                        self._console.flush()
                        result.kernel_said = self.console_tail(600, since=self._console_ready).strip()
                        result.exit_status = _exit_status(self.km)
                    break
            return result
        finally:
            await self.close()

    @property
    def _log(self) -> Path:
        return self.spec.private / f"audit-{self.spec.number}.jsonl"

    @property
    def console_log(self) -> Path:
        return self.spec.private / f"kernel-{self.spec.number}.log"

    def console_tail(self, limit: int = 2000, since: int = 0) -> str:
        """The end of what the kernel process printed to its stdout/stderr (why it died), from
        byte ``since`` on."""
        try:
            with open(self.console_log, "rb") as handle:
                handle.seek(max(since, self.console_log.stat().st_size - limit))
                return handle.read().decode("utf-8", "replace")
        except OSError:
            return ""

    async def _start(self) -> None:
        spec = self.spec
        tmp = spec.private / f"tmp-{spec.number}"
        tmp.mkdir(exist_ok=True)
        self._log.write_bytes(b"")
        env = dict(os.environ)
        env.update({"TMPDIR": str(tmp), "TEMP": str(tmp), "TMP": str(tmp)})
        env.pop("JPY_SESSION_NAME", None)
        env[MARKER] = self.marker
        km = self.km = AsyncKernelManager(kernel_name=spec.kernel_name)
        km.connection_file = str(spec.private / f"kernel-{spec.number}.json")
        startup = self._limit(spec.startup_timeout)
        # The kernel's own stdout and stderr (its start-up warnings, C libraries writing to the
        # descriptors) go to a file, not to the terminal or the server's log.
        self._console = open(self.console_log, "wb")  # noqa: SIM115 - closed in close()
        try:
            await self.cancel.race(
                km.start_kernel(
                    cwd=str(spec.cwd),
                    env=env,
                    extra_arguments=["--HistoryManager.enabled=False"],
                    stdout=self._console,
                    stderr=self._console,
                ),
                timeout=startup,
            )
            client = self.client = _Client(
                self.nb,
                km=km,
                timeout=None,
                allow_errors=False,
                record_timing=True,
                startup_timeout=int(max(1, startup or spec.startup_timeout)),
                iopub_timeout=4,
            )
            await self.cancel.race(client.async_start_new_kernel_client(), timeout=self._limit(spec.startup_timeout))
            assert client.kc is not None
            msg_id = client.kc.execute(
                install_code(spec.folder, self._log, spec.allow), silent=True, store_history=False, allow_stdin=False
            )
            reply = await self.cancel.race(
                client.async_wait_for_reply(msg_id), timeout=self._limit(spec.startup_timeout)
            )
        except (Cancelled, TimeLimit):
            raise
        except Exception as exc:  # a kernel that does not start or answer
            self._console.flush()
            said = self.console_tail(600).strip()
            raise KernelFailed(
                f"the kernel {spec.kernel_name!r} could not be started: {type(exc).__name__}: {exc}"
                + (f"; it printed: {said}" if said else "")
            ) from exc
        with contextlib.suppress(OSError):
            self._console_ready = self.console_log.stat().st_size
        content = (reply or {}).get("content", {})
        if content.get("status") != "ok":
            raise KernelFailed(
                f"the audit hook could not be installed in the kernel ({content.get('ename')}: "
                f"{content.get('evalue')}); rehearsals need Python 3.8 or later"
            )

    async def close(self) -> None:
        """Kill the kernel and its process group (synchronously, before any await), then release
        the client's channels and the manager's resources."""
        km, client = self.km, self.client
        if km is None:
            return
        kill(km, self.marker)
        if self._console is not None:
            self._console.close()
        for task in list(client.pollers if client is not None else ()):
            task.cancel()
        if client is not None and client.kc is not None:
            with contextlib.suppress(Exception):
                client.kc.stop_channels()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(km.cleanup_resources(), 5)  # type: ignore[misc]
        for task in list(client.pollers if client is not None else ()):
            await settle(task, 1.0)


def kill(km: AsyncKernelManager, marker: str) -> None:
    """SIGKILL the kernel's process group (or the process), and the processes it started that
    left the group (a server started with ``start_new_session=True``, a daemon that double-forked),
    and reap it; never raises."""
    provisioner = getattr(km, "provisioner", None)
    process = getattr(provisioner, "process", None)
    pgid = getattr(provisioner, "pgid", None)
    strays = descendants(getattr(process, "pid", None))  # before the kill: then they are orphans
    try:
        own_group = os.getpgid(0) if hasattr(os, "getpgid") else None
    except OSError:
        own_group = None
    if pgid and hasattr(os, "killpg") and pgid != own_group:
        with contextlib.suppress(OSError):
            os.killpg(pgid, signal.SIGKILL)
    for stray in strays:
        with contextlib.suppress(OSError):
            os.kill(stray, signal.SIGKILL)
    if process is not None:
        with contextlib.suppress(OSError):
            process.kill()
        with contextlib.suppress(Exception):
            process.wait(timeout=10)
    # A process that double-forked is no descendant any more (init adopted it) and, started through
    # a pty (``!nohup cmd &``) or after setsid, in no process group or session of the kernel's: it
    # is found by the marker its environment inherited (unless it cleared it). Looked for again
    # while any is found: one may have forked while the others were being killed.
    entry = f"{MARKER}={marker}".encode()
    for _ in range(3):
        found = carrying(entry)
        if not found:
            break
        for pid in found:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _exit_status(km: AsyncKernelManager) -> int | None:
    """How the dead kernel's process ended (``Popen.returncode``: negative for a signal), when known."""
    process = getattr(getattr(km, "provisioner", None), "process", None)
    if process is None:
        return None
    with contextlib.suppress(Exception):
        return process.poll()  # nbclient saw it dead: polling reaps it, without waiting
    return None


def _after_cell(memory: PeakMemory, reader: LogReader) -> tuple[int | None, list[Access], float | None]:
    """The cell's peak memory, what the hook saw during it, the kernel's CPU time so far."""
    return memory.peak(), reader.read(), cpu_seconds(memory.pid)


def _runs(cell: NotebookNode) -> bool:
    """nbclient runs this cell (code, not blank, not tagged skip-execution)."""
    return (
        cell.get("cell_type") == "code"
        and bool(str(cell.get("source", "")).strip())
        and "skip-execution" not in cell.get("metadata", {}).get("tags", [])
    )


def _kernel_seconds(cell: NotebookNode) -> float | None:
    """The kernel's own time for the cell (execute_input → execute_reply), from nbclient's timing."""
    timing = cell.get("metadata", {}).get("execution", {})
    try:
        start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return max(0.0, (end - start).total_seconds())


def _error(cell: NotebookNode, count: int) -> CellError | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            ename, evalue = str(out.get("ename", "")), str(out.get("evalue", ""))
            return CellError(
                ename,
                evalue,
                error_line(out.get("traceback", []), count),
                ename == "PermissionError" and REFUSAL in evalue,
                raising_library(out.get("traceback", [])),
            )
    return None


def raising_library(traceback: list[str]) -> str | None:
    """The installed package (under site-packages) of the innermost frame of the exception
    raised last — the one the cell shows — or None when no such frame is in it. IPython and
    ipykernel are the kernel's, not the notebook's."""
    text = _ANSI.sub("", "\n".join(t for t in traceback if isinstance(t, str)))
    last = text.rsplit("Traceback (most recent call last)", 1)[-1]
    found = [p for p in _PACKAGE_FRAME.findall(last) if p not in ("IPython", "ipykernel")]
    return found[-1] if found else None


def error_line(traceback: list[str], count: int) -> int | None:
    """The line, in the cell run as ``In[count]``, of the statement that raised."""
    text = _ANSI.sub("", "\n".join(t for t in traceback if isinstance(t, str)))
    first = None
    for match in _CELL_FRAME.finditer(text):
        number = match.group(1) or match.group(3)
        if match.group(2):
            line = int(match.group(2))
        else:
            arrow = _ARROW.search(text, match.end())
            line = int(arrow.group(1)) if arrow else None
        if number is not None and int(number) == count:
            return line
        if first is None:
            first = line
    return first
