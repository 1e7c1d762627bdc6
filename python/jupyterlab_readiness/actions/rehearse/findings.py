"""From what the runs produced to findings (pure: no kernel, no file is read).

One finding per cell and check, on the cell concerned (the injected parameters cell's findings go
on the ``parameters`` cell), each with a concrete suggestion; static findings the rehearsal
confirms are named in the message (a NameError proves a ``hidden-state``, a grown file an
``append-write``, a changing output an ``unseeded-random`` or ``wall-clock``). Those it confirms
or contradicts are also listed as verdicts (``StaticVerdict``), which the record keeps so that
``check`` can say so on the static finding itself.
"""

from __future__ import annotations

import ipaddress
import re
import signal
from dataclasses import dataclass, field
from typing import Any

from ...checks.context import cell_label
from ...contract.baseline import OutputDiff, StaticVerdict
from ...contract.report import Finding, NotebookReport, Severity
from ...notebook.facts import cell_facts
from ...notebook.model import Notebook
from . import outputs as out
from .results import CellRun, RunResult
from .snapshot import FileChange

_NAME_ERROR = re.compile(r"name '([^']+)' is not defined")
_MODULE = re.compile(r"No module named '([^']+)'")
# IPython's name for the cell's code in a SyntaxError (``(1063758517.py, line 1)``, older
# ``(<ipython-input-3-…>, line 1)``): meaningless to the reader, the finding names cell and line.
_CELL_FILE = re.compile(r" \((?:<ipython-input-[^>]*>|\d+\.py), line \d+\)$")
_MAX_LISTED = 4
_NO_SUCH_FILE = re.compile(r"No such file or directory: '(.+)'$")


@dataclass(frozen=True)
class Evidence:
    """Everything the findings are made from."""

    notebook: Notebook
    saved: dict[int, list[dict[str, Any]]]  # code cell index → its saved outputs (cells that have some, or ran)
    runs: list[RunResult]
    changes: list[FileChange]  # the folder after run 2 against after run 1
    sanitise: out.Sanitiser
    real_folder: str  # the user's folder, resolved (to tell absolute paths into it apart)
    parameters: dict[str, Any] = field(default_factory=dict)
    static: NotebookReport | None = None
    cell_timeout: float | None = None
    timeout: float | None = None
    # Paths a FileNotFoundError named (as ``missing_path`` reads them) that the user's real
    # folder lacks as well: a missing input, not one the scratch copy left out.
    missing_for_real: frozenset[str] = frozenset()


@dataclass
class Built:
    findings: list[Finding]
    diffs: list[OutputDiff]
    notes: list[str]
    verdicts: list[StaticVerdict] = field(default_factory=list)  # static findings confirmed or contradicted


def build(ev: Evidence) -> Built:
    built = Built([], [], [])
    _errors(ev, built)
    _refused_writes(ev, built)
    _external(ev, built)
    nondeterministic = _nondeterministic(ev, built)
    _mismatches(ev, built, nondeterministic)
    _non_idempotent(ev, built)
    _processes(ev, built)
    _not_confirmed(ev, built)
    built.findings.sort(key=lambda f: (-1 if f.cell_index is None else f.cell_index, f.line or 0, f.check))
    return built


def _add(
    ev: Evidence,
    built: Built,
    check: str,
    severity: Severity,
    cell_index: int | None,
    line: int | None,
    message: str,
    suggestion: str,
) -> None:
    cell_id = (
        ev.notebook.cells[cell_index].cell_id
        if cell_index is not None and cell_index < len(ev.notebook.cells)
        else None
    )
    built.findings.append(Finding(check, severity, cell_index, cell_id, line, message, suggestion))


def _verdict(built: Built, check: str, cell_index: int, confirmed: bool, reason: str) -> None:
    """The static ``check`` on this cell is confirmed (or contradicted) by the runs; once per cell."""
    if not any(v.check == check and v.cell_index == cell_index for v in built.verdicts):
        built.verdicts.append(StaticVerdict(check, cell_index, confirmed, reason))


def _static(ev: Evidence, check: str, cell_index: int) -> list[Finding]:
    if ev.static is None:
        return []
    return [f for f in ev.static.findings if f.check == check and f.cell_index == cell_index]


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _listed(items: list[str]) -> str:
    shown = ", ".join(f"`{i}`" for i in items[:_MAX_LISTED])
    return shown + (f" and {len(items) - _MAX_LISTED} more" if len(items) > _MAX_LISTED else "")


# ---------------------------------------------------------------------------- rehearsal-error
def _errors(ev: Evidence, built: Built) -> None:
    first = ev.runs[0]
    failing = next((c for c in first.cells if c.status not in ("ok", "not-run", "cancelled")), None)
    second_only = False
    if failing is None and len(ev.runs) > 1:
        failing = next((c for c in ev.runs[1].cells if c.status not in ("ok", "not-run", "cancelled")), None)
        second_only = failing is not None
    if failing is None or (failing.error is not None and failing.error.refused_write):
        return  # a refused write is reported as write-outside-folder
    run = ev.runs[1] if second_only else first
    below = sum(1 for c in run.cells if c.status == "not-run")
    stopped = f" The run stopped there: {_plural(below, 'cell')} below did not run." if below else ""
    where = " (the injected parameters)" if failing.injected else ""
    line = failing.error.line if failing.error is not None and not failing.injected else None
    if failing.status == "timeout":
        message, suggestion = _timed_out(ev, failing, run, second_only, where, stopped)
    elif failing.status == "dead":
        message, suggestion = _died(failing, run, second_only, where, stopped)
    else:
        error = failing.error
        ename, evalue = (error.ename, error.evalue) if error else ("an error", "")
        evalue = _CELL_FILE.sub("", evalue).rstrip(".")  # the message puts its own full stop after it
        raised = f"{ename}: {evalue}" if evalue else ename
        if second_only:
            message = (
                "The first fresh run passed, but the second — on the files the first one "
                f"left — raises {raised} in this cell{where}: the notebook cannot be run twice.{stopped}"
            )
            suggestion = (
                "Make the cell accept its own earlier output: overwrite rather than create "
                "(exist_ok=True, mode 'w', if_exists='replace'), or clean up first."
            )
        else:
            message = f"In a fresh kernel this cell{where} raises {raised}.{stopped}"
            suggestion = (
                "Fix the error so the notebook runs top to bottom in a new kernel (Restart "
                "Kernel and Run All shows it too)."
            )
            name = _NAME_ERROR.search(evalue) if ename in ("NameError", "UnboundLocalError") else None
            module = _MODULE.search(evalue) if ename in ("ModuleNotFoundError", "ImportError") else None
            if name:
                confirmed = [
                    f for f in _static(ev, "hidden-state", failing.cell_index) if f"`{name.group(1)}`" in f.message
                ]
                proof = (
                    " — the hidden state that the static check `hidden-state` reported, confirmed."
                    if confirmed
                    else " — hidden state: no cell above defines it in a top-to-bottom run."
                )
                if confirmed and not failing.injected:
                    _verdict(
                        built,
                        "hidden-state",
                        failing.cell_index,
                        True,
                        f"in a fresh kernel the cell raised NameError: `{name.group(1)}` is not defined",
                    )
                message = (
                    f"In a fresh kernel this cell{where} raises NameError: `{name.group(1)}` "
                    f"is not defined{proof}{stopped}"
                )
                suggestion = (
                    f"Define `{name.group(1)}` in a cell above this one (or move the cell "
                    "that defines it up), then Restart Kernel and Run All to check."
                )
            elif _NETWORK_ERROR.search(ename) and _hosts(failing):
                suggestion = (
                    f"The cell fetches from {_listed(_hosts(failing))}, and the fetch failed here "
                    "(no network, a proxy, the host down or the address moved): an unattended run "
                    "fails the same way whenever that happens. Keep a dated copy of the data under "
                    "the project and read that (the URL a parameter, to refresh it on purpose), or "
                    "catch the error and fail with a message that says which source is down."
                )
            elif ename == "StdinNotImplementedError":
                message = (
                    f"In a fresh kernel this cell{where} waits for someone to type an answer "
                    "(input(), getpass()): an unattended run has no one to ask, and it raises "
                    f"{ename}.{stopped}"
                )
                suggestion = (
                    "Make the answer a parameter — set it in a cell tagged `parameters`, which a "
                    "rehearsal or a scheduler overrides with -p NAME VALUE — or read it from an "
                    "environment variable (os.environ); a password from the environment or a "
                    "secrets store, never from a prompt."
                )
            elif module:
                suggestion = (
                    f"Install the distribution that provides `{module.group(1)}` in the kernel's "
                    "environment and pin it (Freeze environment), or remove the import."
                )
            elif ename == "FileNotFoundError" and missing_path(evalue) in ev.missing_for_real:
                message = (
                    f"In a fresh kernel this cell{where} raises {raised}. The notebook's own folder "
                    f"lacks this file too: it is not something the scratch copy left out.{stopped}"
                )
                suggestion = (
                    "The notebook needs a file it does not have: add it to the project, or add the "
                    "step that makes it (a download, another notebook's output) above this cell; "
                    "make its path a parameter and write down where it comes from."
                )
            elif ename in ("FileNotFoundError", "NotADirectoryError"):
                suggestion = (
                    "The rehearsal runs in a copy of the notebook's folder: keep the "
                    "notebook's inputs under it (read by relative paths), "
                    "make the path a parameter, or rehearse with --folder set to the "
                    "project folder when it reads from ../."
                )
    _add(ev, built, "rehearsal-error", "error", failing.cell_index, line, message, suggestion)


_NETWORK_ERROR = re.compile(
    r"URLError|HTTPError|ConnectionError|ConnectError|ConnectTimeout|ReadTimeout|gaierror|SSLError"
    r"|MaxRetryError|NewConnectionError|NameResolutionError|RemoteDisconnected|ConnectionRefused"
    r"|ConnectionReset|TimeoutError"
)


def _hosts(cell: CellRun) -> list[str]:
    """The hosts a cell looked up or connected to, names first (an address only when no name was looked up)."""
    named = [a.path for a in cell.accesses if a.kind == "n" and a.detail == "socket.getaddrinfo"]
    hosts = named or [a.path for a in cell.accesses if a.kind == "n"]
    return list(dict.fromkeys(hosts))


def missing_path(evalue: str) -> str | None:
    """The path a FileNotFoundError's message names (``[Errno 2] No such file or directory: 'x'``)."""
    found = _NO_SUCH_FILE.search(evalue.strip())
    return found.group(1) if found else None


# A cell that hangs or kills its kernel only in the second run does so on what the first left.
_IN_SECOND = "The first fresh run passed, but in the second — on the files the first one left —"
_TWICE = (
    " It passed the first time: look for what it finds that the first run left (a file it "
    "appends to and reads back, a marker, a cache): as it is, the notebook cannot be run twice."
)


def _timed_out(
    ev: Evidence, failing: CellRun, run: RunResult, second_only: bool, where: str, stopped: str
) -> tuple[str, str]:
    if run.stopped == "total-timeout":
        message = (
            f"The rehearsal's time limit ({ev.timeout:g} s) ran out while this cell{where} was running.{stopped}"
            if ev.timeout
            else f"The rehearsal's time limit ran out while this cell was running.{stopped}"
        )
        return message, (
            "Rehearse with a larger --timeout, or make the notebook faster (a smaller sample through a parameter)."
        )
    limit = ev.cell_timeout
    before = ev.runs[0].by_index().get(failing.cell_index) if second_only else None
    took = before.seconds if before is not None else None
    if limit and took is not None and took >= limit / 2:
        # Half the limit or more the first time: a slow cell (on a busy machine), not a leftover.
        message = (
            f"This cell{where} took {took:.1f} s in the first fresh run and did not finish within "
            f"{limit:g} s, the per-cell time limit, in the second: it is slow, close to the limit.{stopped}"
        )
        return message, (
            "Rehearse with a larger --cell-timeout, or make the cell faster (a smaller sample through a parameter)."
        )
    opening = _IN_SECOND if second_only else "In a fresh kernel"
    message = (
        f"{opening} this cell{where} did not finish within {limit:g} s, the per-cell time limit.{stopped}"
        if limit
        else f"{opening} this cell{where} did not finish in time.{stopped}"
    )
    suggestion = (
        "Look for what waits for a person (input(), a widget, a login prompt) or loops "
        "without end; if the cell is only slow, rehearse with a larger --cell-timeout."
    )
    return message, suggestion + (_TWICE if second_only else "")


def _died(failing: CellRun, run: RunResult, second_only: bool, where: str, stopped: str) -> tuple[str, str]:
    memory = f" (peak memory {failing.peak_memory / 2**20:.0f} MiB)" if failing.peak_memory else ""
    said = run.kernel_said.strip().splitlines()[-1][:200] if run.kernel_said.strip() else ""
    said = f" Its last words: `{said}`." if said else ""
    # Killed (the out-of-memory killer) only the second time: memory was short then, which says
    # nothing about what the first run left.
    killed = run.exit_status == -getattr(signal, "SIGKILL", 9)
    if second_only and killed:
        died = "The first fresh run passed, but in the second the kernel died"
    else:
        died = f"{_IN_SECOND} the kernel died" if second_only else "The kernel died"
    message = f"{died} while running this cell{where}{memory}: {_death(run.exit_status)}.{said}{stopped}"
    suggestion = (
        "Run the notebook in a fresh kernel to see how it ends; if memory ran out, process "
        "the data in chunks or on a smaller sample."
    )
    return message, suggestion + (_TWICE if second_only and not killed else "")


_CRASH_SIGNALS = ("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGABRT")


def _death(exit_status: int | None) -> str:
    """How a kernel process ended, from its return code, for a person."""
    if exit_status is None:
        return "a crash in compiled code, os._exit(), or memory running out"
    if exit_status >= 0:
        return f"its process exited with status {exit_status} (os._exit() in a cell, or a library calling exit())"
    try:
        name = signal.Signals(-exit_status).name
    except ValueError:
        return f"its process was killed by signal {-exit_status}"
    if name == "SIGKILL":
        return "its process was killed (SIGKILL) — when memory runs out, Linux's out-of-memory killer does this"
    if name in _CRASH_SIGNALS:
        return f"its process crashed ({name}) in compiled code (an extension module or a library it loads)"
    return f"its process was killed by {name}"


# ------------------------------------------------------------------------ write-outside-folder
def _refused_writes(ev: Evidence, built: Built) -> None:
    by_cell: dict[int, list[tuple[str, str]]] = {}
    stopped_at: set[int] = set()
    for run in ev.runs:
        for cell in run.cells:
            for access in cell.accesses:
                if access.kind == "W" and (access.path, access.detail) not in by_cell.get(cell.cell_index, []):
                    by_cell.setdefault(cell.cell_index, []).append((access.path, access.detail))
            if cell.error is not None and cell.error.refused_write:
                stopped_at.add(cell.cell_index)
    for index, refused in sorted(by_cell.items()):
        paths = sorted({p for p, _ in refused})
        into_folder = [p for p in paths if _under(p, ev.real_folder)]
        message = (
            f"The rehearsal refused {_plural(len(paths), 'write')} outside the notebook's folder: {_listed(paths)}."
        )
        if into_folder:
            message += " An absolute path into the notebook's own folder works only where the folder is at this path."
        if index in stopped_at:
            message += " The cell raised PermissionError and the run stopped there."
        suggestion = (
            "Write under the notebook's folder by a relative path (e.g. `output/result.csv`), "
            "or make the destination a parameter, so that no run touches files its project does not own."
        )
        _add(ev, built, "write-outside-folder", "error", index, None, message, suggestion)


def _under(path: str, folder: str) -> bool:
    return bool(folder) and (path == folder or path.startswith(folder.rstrip("/\\") + ("/" if "/" in folder else "\\")))


# ------------------------------------------------------------------------------ external-input
def _external(ev: Evidence, built: Built) -> None:
    files: dict[int, list[str]] = {}
    hosts: dict[int, list[str]] = {}
    for cell in ev.runs[0].cells:
        looked_up_ports = {
            h.rsplit(":", 1)[-1]
            for h in (a.path for a in cell.accesses if a.kind == "n" and a.detail == "socket.getaddrinfo")
        }
        for access in cell.accesses:
            if access.kind == "R" and access.path not in files.get(cell.cell_index, []):
                files.setdefault(cell.cell_index, []).append(access.path)
            elif access.kind == "n":
                host = access.path
                if (
                    access.detail != "socket.getaddrinfo"
                    and _is_ip(host)
                    and host.rsplit(":", 1)[-1] in looked_up_ports
                ):
                    continue  # the address of a name this cell looked up: the name is listed
                if host not in hosts.get(cell.cell_index, []):
                    hosts.setdefault(cell.cell_index, []).append(host)
    for index, paths in sorted(files.items()):
        into_folder = [p for p in paths if _under(p, ev.real_folder)]
        others = [p for p in paths if p not in into_folder]
        parts = []
        if others:
            parts.append(
                f"Reads {_listed(others)} from outside the notebook's folder: "
                f"{'a file' if len(others) == 1 else 'files'} only this machine has."
            )
        if into_folder:
            parts.append(
                f"Reads {_listed(into_folder)} by an absolute path into the notebook's "
                "own folder: it works only where the folder is at this path."
            )
        suggestion = (
            "Keep inputs under the project folder and read them by relative paths, or make "
            "each path a parameter and document where the file comes from."
        )
        _add(ev, built, "external-input", "warning", index, None, " ".join(parts), suggestion)
    for index, contacted in sorted(hosts.items()):
        message = (
            f"Contacts {_listed(contacted)} over the network: an input that can change, or "
            "be unreachable, on the next run."
        )
        suggestion = (
            "Pin what you read (a dated snapshot, a version, a commit), cache it under the "
            "project, and fail with a clear message when the host is down."
        )
        _add(ev, built, "external-input", "info", index, None, message, suggestion)


def _is_ip(host_port: str) -> bool:
    host = host_port.rsplit(":", 1)[0]
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------- nondeterministic-output
def _nondeterministic(ev: Evidence, built: Built) -> set[int]:
    if len(ev.runs) < 2:
        return set()
    first, second = ev.runs[0].by_index(), ev.runs[1].by_index()
    changed_paths = {c.path for c in ev.changes}
    found: set[int] = set()
    for index, a in first.items():
        b = second.get(index)
        if b is None or a.status != "ok" or b.status != "ok":
            continue
        items_a, items_b = out.comparable(a.outputs, ev.sanitise), out.comparable(b.outputs, ev.sanitise)
        if out.same(items_a, items_b):
            continue
        found.add(index)
        x, y = out.first_difference(items_a, items_b)
        causes = []
        if _static(ev, "unseeded-random", index):
            causes.append("it draws random numbers without a seed (`unseeded-random`)")
            _verdict(built, "unseeded-random", index, True, "two fresh runs gave different output here")
        if _static(ev, "wall-clock", index):
            causes.append("it reads the clock (`wall-clock`)")
            _verdict(built, "wall-clock", index, True, "two fresh runs gave different output here")
        read_changed = sorted({acc.path for acc in b.accesses if acc.kind == "r" and acc.path in changed_paths})
        if read_changed:
            causes.append(f"it reads {_listed(read_changed)}, which the first run left different")
        if not causes and out.reordered(items_a, items_b):
            causes.append(
                "the same values come out in another order: a set (or what is built from one) "
                "iterated — Python orders a set of strings differently in each new process "
                "(PYTHONHASHSEED)"
            )
        if not causes:
            upstream = _upstream(ev, index, found)
            if upstream:
                causes.append(upstream)
        because = f" Likely because {' and '.join(causes)}." if causes else ""
        message = f"Two fresh runs give different output here: run 1 `{x}`, run 2 `{y}`.{because}"
        suggestion = (
            "Seed every random generator (random.seed, np.random.default_rng(seed), random_state=…), "
            "pass dates and times in as parameters, and sort sets before printing, so that "
            "every run prints the same."
        )
        _add(ev, built, "nondeterministic-output", "warning", index, None, message, suggestion)
        built.diffs.append(
            OutputDiff(index, "nondeterministic-output", "run 1", "run 2", out.diff(items_a, items_b, "run 1", "run 2"))
        )
    return found


_UPSTREAM_CAUSES = {
    "unseeded-random": "draws random numbers without a seed",
    "wall-clock": "reads the clock",
}


def _upstream(ev: Evidence, index: int, found: set[int]) -> str | None:
    """A cell above whose values reach this one (a name it binds is read here, directly or through
    the cells between): the first the static checks call random or clock-bound, else the first
    whose output already differed."""
    static = sorted(
        (f.cell_index, f.check)
        for f in (ev.static.findings if ev.static is not None else [])
        if f.check in _UPSTREAM_CAUSES and f.cell_index is not None and f.cell_index < index
    )
    for at, check in static:
        if _flows(ev.notebook, at, index):
            return f"its values come from {cell_label(at)}, which {_UPSTREAM_CAUSES[check]} (`{check}`)"
    for at in sorted(i for i in found if i < index):
        if _flows(ev.notebook, at, index):
            return f"its values come from {cell_label(at)}, whose output already differed between the runs"
    return None


def _flows(notebook: Notebook, source: int, target: int) -> bool:
    """A name cell ``source`` binds is read by cell ``target``, directly or through the code
    cells between (a cell reading a reached name binds reached names)."""
    reached: set[str] = set()
    for cell in notebook.cells:
        if cell.cell_type != "code" or not source <= cell.index <= target:
            continue
        facts = cell_facts(cell.source)
        reads = {name for _, name in facts.free_reads}
        if cell.index == target:
            return bool(reads & reached)
        if cell.index == source or reads & reached:
            reached |= facts.binds
    return False


# ----------------------------------------------------------------------------- output-mismatch
def _mismatches(ev: Evidence, built: Built, nondeterministic: set[int]) -> None:
    if ev.parameters:
        return  # the saved outputs came from the notebook's own parameter values
    fresh = ev.runs[0].by_index()
    for index, saved in sorted(ev.saved.items()):
        run = fresh.get(index)
        if run is None or run.status != "ok" or index in nondeterministic:
            continue
        items_saved, items_run = out.comparable(saved, ev.sanitise), out.comparable(run.outputs, ev.sanitise)
        if out.same(items_saved, items_run):
            continue
        x, y = out.first_difference(items_saved, items_run)
        shown_x = f"`{x}`" if x else "nothing"
        shown_y = f"`{y}`" if y else "nothing"
        message = f"The saved output differs from a fresh run's: saved {shown_x}, fresh run {shown_y}."
        suggestion = (
            "Restart the kernel, Run All and save, so that the saved outputs come from the "
            "code as it is — or find what the saved run had that a fresh one lacks (deleted "
            "cells, other input files, another date, other library versions)."
        )
        # Not proved by one run (the second may have been skipped, or ran on the same day): likely.
        likely = []
        if _static(ev, "unseeded-random", index):
            likely.append("it draws random numbers without a seed (`unseeded-random`)")
        if _static(ev, "wall-clock", index):
            likely.append("it reads the clock (`wall-clock`), and the saved run was at another time")
        if likely:
            message += f" Likely because {' and '.join(likely)}."
            suggestion = (
                "Seed every random generator and pass dates in as parameters first: until then, "
                "every Run All saves other values."
            )
        _add(ev, built, "output-mismatch", "warning", index, None, message, suggestion)
        built.diffs.append(
            OutputDiff(
                index, "output-mismatch", "saved", "fresh run", out.diff(items_saved, items_run, "saved", "fresh run")
            )
        )


# ------------------------------------------------------------------------ non-idempotent-write
def _non_idempotent(ev: Evidence, built: Built) -> None:
    if len(ev.runs) < 2:
        return
    writers: dict[str, list[CellRun]] = {}
    for cell in ev.runs[1].cells:
        for access in cell.accesses:
            if access.kind == "w":
                writers.setdefault(access.path, []).append(cell)
    appended_by: dict[str, int] = {}
    for cell in ev.runs[1].cells:
        for access in cell.accesses:
            if access.kind == "w" and access.detail == "a":
                appended_by.setdefault(access.path, cell.cell_index)
    processes = list(
        dict.fromkeys((cell.cell_index, a.path) for cell in ev.runs[1].cells for a in cell.accesses if a.kind == "p")
    )
    for change in ev.changes:
        cells = writers.get(change.path, [])
        index = appended_by.get(change.path, cells[-1].cell_index if cells else None)
        path = change.path
        command = None
        if index is None:  # no Python code opened it: a command that names it, when one cell ran such
            naming = [(i, c) for i, c in processes if path.rsplit("/", 1)[-1] in c]
            if len({i for i, _ in naming}) == 1:
                index, command = naming[0]
        message, suggestion = _changed(change)
        if index is not None and (change.appended or change.rows_added) and _static(ev, "append-write", index):
            message += " This is the append the static check `append-write` pointed at, confirmed."
            _verdict(built, "append-write", index, True, f"`{path}` grew in the second run (appended)")
        if command is not None:
            message += f" No cell opened it through Python: the command this cell ran (`{command}`) wrote it."
        elif index is None:
            started = "; ".join(f"{cell_label(i)}: `{c}`" for i, c in processes[:_MAX_LISTED])
            message += (
                " No cell opened it through Python: it was written by "
                + (f"a command a cell ran ({started}) or by " if processes else "")
                + "compiled code the rehearsal's audit hook cannot see (parquet, HDF5, a database driver)."
            )
        _add(ev, built, "non-idempotent-write", "error", index, None, message, suggestion)


def _changed(change: FileChange) -> tuple[str, str]:
    """What the second run did to the file, and how to make a rerun leave it as it was."""
    path = change.path
    if change.kind == "created":
        message = (
            f"The second run created `{path}`, which the first run did not: a file name "
            "made from the time, a counter or a random value?"
        )
        suggestion = (
            "Name output files from the notebook's parameters (e.g. the run date passed "
            "in), not from the clock or a counter, so that a rerun replaces its own output."
        )
    elif change.kind == "removed":
        message = f"The second run removed `{path}`, which the first run had left."
        suggestion = (
            "Make the notebook leave the same files every run: create what it removes, "
            "or remove it at the end of every run."
        )
    elif change.rows_added:
        grown = ", ".join(
            f"table `{table}` grew from {a:,} to {b:,} rows" for table, a, b in change.rows_added[:_MAX_LISTED]
        )
        message = f"`{path}` is different after the second run: {grown} — the rerun inserted its rows again (appended)."
        suggestion = (
            "Replace the table on every run (to_sql(if_exists='replace'), or DELETE the run's "
            "rows before inserting them), so that a rerun leaves the same rows."
        )
    elif change.appended:
        message = (
            f"`{path}` is different after the second run: it grew from {change.before_size:,} "
            f"to {change.after_size:,} bytes, the first run's content followed by more (appended)."
        )
        suggestion = (
            "Write the file whole on every run (open(…, 'w'), to_csv without mode='a', "
            "to_sql(if_exists='replace')), or remove it first, so that a rerun gives the same file."
        )
    else:
        message = (
            f"`{path}` is different after the second run ({change.before_size:,} → {change.after_size:,} "
            "bytes): rewritten with other content."
        )
        suggestion = (
            "Make the file depend only on the notebook's inputs: seed randomness, pass "
            "the date in as a parameter, keep timestamps out of it — then a rerun writes the same bytes."
        )
    return message, suggestion


# -------------------------------------------------------------------------------------- notes
def _processes(ev: Evidence, built: Built) -> None:
    seen: set[tuple[int, str]] = set()
    for cell in ev.runs[0].cells:
        for access in cell.accesses:
            if access.kind == "p" and (cell.cell_index, access.path) not in seen:
                seen.add((cell.cell_index, access.path))
                built.notes.append(
                    f"{cell_label(cell.cell_index)} started a process (`{access.path}`): what "
                    "it reads and writes is not watched by the rehearsal"
                )


def _not_confirmed(ev: Evidence, built: Built) -> None:
    """Static findings the runs contradict are named in the notes (the static finding stays: the
    code may take another path on another day)."""
    if ev.static is None:
        return
    first = ev.runs[0].by_index()
    changed = {c.path for c in ev.changes}
    noted: set[tuple[str, int]] = set()
    for f in ev.static.findings:
        if f.cell_index is None or (f.check, f.cell_index) in noted:
            continue
        run = first.get(f.cell_index)
        if f.check == "hidden-state" and run is not None and run.status == "ok":
            noted.add((f.check, f.cell_index))
            built.notes.append(
                f"{cell_label(f.cell_index)}: the static `hidden-state` finding is not confirmed: "
                "the cell ran without error in a fresh kernel"
            )
            _verdict(built, f.check, f.cell_index, False, "the cell ran without error in a fresh kernel")
        elif f.check == "append-write" and len(ev.runs) == 2 and all(r.completed for r in ev.runs):
            appended = {
                a.path
                for c in ev.runs[1].cells
                if c.cell_index == f.cell_index
                for a in c.accesses
                if a.kind == "w" and a.detail == "a"
            }
            if appended and not appended & changed:
                noted.add((f.check, f.cell_index))
                built.notes.append(
                    f"{cell_label(f.cell_index)}: the static `append-write` finding is not confirmed: "
                    f"{_listed(sorted(appended))} was the same after both runs"
                )
                _verdict(
                    built, f.check, f.cell_index, False, f"{_listed(sorted(appended))} was the same after both runs"
                )
