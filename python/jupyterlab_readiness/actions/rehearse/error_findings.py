"""``rehearsal-error``: the first cell that failed — raised, timed out, or took its kernel down — in
the first run, else in the second (then it cannot be run twice), with what a person needs to
know to fix it: the name a NameError lacks (confirming a static ``hidden-state``), the module to
install, a file missing from the real folder too or only from the scratch copy, a write into a
folder that does not exist, a download that failed, a prompt no unattended run answers, a cell
slow near its limit, how the kernel died.
"""

from __future__ import annotations

import os
import re
import signal

from ...checks.context import cell_label
from . import outputs as out
from .commands import command
from .evidence import MAX_LISTED, Built, Evidence, add, listed, plural, static_findings, verdict
from .results import CellRun, RunResult

_NAME_ERROR = re.compile(r"name '([^']+)' is not defined")
_MODULE = re.compile(r"No module named '([^']+)'")
# IPython's name for the cell's code in a SyntaxError (``(1063758517.py, line 1)``, older
# ``(<ipython-input-3-…>, line 1)``): meaningless to the reader, the finding names cell and line.
_CELL_FILE = re.compile(r" \((?:<ipython-input-[^>]*>|\d+\.py), line \d+\)$")
_NO_SUCH_FILE = re.compile(r"No such file or directory: '(.+)'$")


def rehearsal_errors(ev: Evidence, built: Built) -> None:
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
    stopped = f" The run stopped there: {plural(below, 'cell')} below did not run." if below else ""
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
                    f
                    for f in static_findings(ev, "hidden-state", failing.cell_index)
                    if f"`{name.group(1)}`" in f.message
                ]
                proof = (
                    " — the hidden state that the static check `hidden-state` reported, confirmed."
                    if confirmed
                    else " — hidden state: no cell above defines it in a top-to-bottom run."
                )
                if confirmed and not failing.injected:
                    verdict(
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
                    f"The cell fetches from {listed(_hosts(failing))}, and the fetch failed here "
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
            elif (missing := _missing(ev, run, failing, raised, where)) is not None:
                message, suggestion = missing[0] + stopped, missing[1]
            elif _saved_error(ev, failing.cell_index, raised):
                message = (
                    f"In a fresh kernel this cell{where} raises {raised}, as the saved notebook shows "
                    f"it did for its author.{stopped}"
                )
                suggestion = (
                    "If the cell is meant to raise (it shows what an error looks like), tag it "
                    "`raises-exception`: a run then goes on past it, as nbclient and papermill do. "
                    "Otherwise fix it, or remove it, so that the notebook runs top to bottom."
                )
            elif ename in ("FileNotFoundError", "NotADirectoryError"):
                named = _named_by_commands(run, failing, missing_path(evalue))
                message = f"In a fresh kernel this cell{where} raises {raised}.{named}{stopped}"
                suggestion = (
                    "The rehearsal runs in a copy of the notebook's folder: keep the "
                    "notebook's inputs under it (read by relative paths), "
                    "make the path a parameter, or rehearse with --folder set to the "
                    "project folder when it reads from ../."
                )
            elif error is not None and error.library and not ev.parameters and _ran_when_saved(ev, failing.cell_index):
                library = error.library
                message = (
                    f"In a fresh kernel this cell{where} raises {raised}, from inside `{library}`; the saved "
                    "notebook shows the cell ran without error. If it was saved with another version of "
                    f"`{library}`, a change in the library is the likely cause.{stopped}"
                )
                suggestion = (
                    f"Find the version of `{library}` the notebook last ran with (its changelog says what "
                    "changed since) and pin it (Freeze environment), or update the cell to the installed "
                    "version."
                )
    add(ev, built, "rehearsal-error", "error", failing.cell_index, line, message, suggestion)


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


def _ran_when_saved(ev: Evidence, index: int) -> bool:
    """The saved notebook shows the cell ran (an execution count) and raised nothing."""
    cell = ev.notebook.cells[index] if index < len(ev.notebook.cells) else None
    return cell is not None and cell.execution_count is not None and not cell.errors


def _saved_error(ev: Evidence, index: int, raised: str) -> bool:
    """The cell's saved outputs hold the same error (``ename: evalue``, sanitised alike, without
    IPython's name for the cell's code)."""
    saved = [
        _CELL_FILE.sub("", i.text).rstrip(".")
        for i in out.comparable(ev.saved.get(index, []), ev.sanitise)
        if i.kind == "error"
    ]
    return ev.sanitise(raised).rstrip(".") in saved


def _named_by_commands(run: RunResult, failing: CellRun, path: str | None) -> str:
    """The shell commands of the cells above that name the missing file (a download that should
    have made it, ``!test -e words.txt || curl -O …``), as a sentence; "" when none does."""
    if not path:
        return ""
    name = path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    naming = list(
        dict.fromkeys(
            (cell.cell_index, ran.text)
            for cell in run.cells
            if cell.cell_index < failing.cell_index
            for access in cell.accesses
            if access.kind == "p"
            for ran in [command(access.path, access.detail)]
            if name and name in ran.text
        )
    )
    if not naming:
        return ""
    shown = "; ".join(f"{cell_label(i)} ran `{text}`" for i, text in naming[:MAX_LISTED])
    printed = "what it printed shows" if len(naming) == 1 else "what they printed shows"
    return (
        f" A command above names it ({shown}) and left no such file: if it was to make it (a "
        f"download), it failed — {printed} why (the rehearsal does not watch what commands do)."
    )


def _missing(ev: Evidence, run: RunResult, failing: CellRun, raised: str, where: str) -> tuple[str, str] | None:
    """Message (without the run's stop) and suggestion when the cell lacks a folder to write in,
    or a file that the notebook's real folder lacks too (a missing input); else None."""
    error = failing.error
    ename, evalue = (error.ename, error.evalue) if error else ("", "")
    unmade = _missing_folder(failing, ename, evalue)
    if unmade is not None:
        target, folder = unmade
        writing = (
            f"It opens `{target}` for writing, and the folder `{folder}` does not exist"
            if target
            else f"It writes into the folder `{folder}`, which does not exist"
        )
        return (
            f"In a fresh kernel this cell{where} raises {raised}. {writing}: a write creates its file, "
            "never the folder (this is not a missing input).",
            f"Create the folder in the notebook before writing to it — `os.makedirs({folder!r}, "
            "exist_ok=True)` in this cell or one above — or add it to the project (git keeps no "
            "empty folder: put a file such as `.gitkeep` in it).",
        )
    if ename == "FileNotFoundError" and missing_path(evalue) in ev.missing_for_real:
        return (
            f"In a fresh kernel this cell{where} raises {raised}. The notebook's own folder "
            f"lacks this file too: it is not something the scratch copy left out."
            f"{_named_by_commands(run, failing, missing_path(evalue))}",
            "The notebook needs a file it does not have: add it to the project, or add the "
            "step that makes it (a download, another notebook's output) above this cell; "
            "make its path a parameter and write down where it comes from.",
        )
    return None


# pandas checks the folder itself before opening (``to_csv``, ``to_parquet``…): no open to see.
_PANDAS_NO_FOLDER = re.compile(r"Cannot save file into a non-existent directory: '(.+)'$")


def _missing_folder(failing: CellRun, ename: str, evalue: str) -> tuple[str | None, str] | None:
    """(the file, its folder) when the cell failed writing into a folder that does not exist:
    the hook saw the cell open the path the FileNotFoundError names for writing with no folder
    to hold it (``open(…, 'w')``, ``%%writefile``, ``savefig``), or pandas said so (no file
    named); else None."""
    if ename == "FileNotFoundError":
        path = missing_path(evalue)
        if path is not None and any(a.kind == "m" and a.detail == path for a in failing.accesses):
            return path, os.path.dirname(path)
    elif ename == "OSError":
        found = _PANDAS_NO_FOLDER.search(evalue.strip())
        if found:
            return None, found.group(1)
    return None


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
