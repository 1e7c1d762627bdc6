"""``jupyter-readiness rehearse``: run the notebook twice in fresh kernels and report.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 the rehearsal could not
run (unreadable notebook, no such kernel, folder over the size limit, bad parameters); 130 after
Ctrl-C and 143 after SIGTERM (the kernels and the scratch folder are cleaned up first).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..actions.rehearse.rehearsal import Outcome, Progress
    from ..contract.baseline import RehearsalRecord
    from ..contract.replies import RehearseReply

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143
_FAIL_RANK = {"info": 0, "warning": 1, "error": 2}
_COLOURS = {
    "error": "31",
    "warning": "33",
    "info": "36",
    "ok": "32",
    "dim": "2",
    "bold": "1",
    "passed": "32",
    "failed": "31",
}


def add_parser(sub) -> None:
    rehearse = sub.add_parser(
        "rehearse",
        help="run the notebook twice in fresh kernels, in a scratch copy of its folder, and compare",
        description="Run the notebook top to bottom in a new kernel of its kernelspec, then again "
        "in another, in a scratch copy of its folder, "
        "watched by an audit hook (files written and read, network hosts; writes outside "
        "the folder refused). Not a sandbox: shell escapes (!cmd), %pip and the processes a cell "
        "starts run for real, unconfined, and can change this machine (an install stays installed). "
        "Reports cells that fail, "
        "saved outputs a fresh run does not reproduce, outputs that differ between the "
        "runs, files the second run leaves different, "
        "writes outside the folder and inputs from outside it; records the baseline "
        "(per-cell time and memory, files written) in "
        ".readiness/NOTEBOOK.rehearsal.json, which `check` then reads. Exit codes: 0 "
        "nothing at or above --fail-on; 1 findings at or above it; "
        "2 could not run; 130/143 interrupted.",
    )
    rehearse.add_argument("notebook", metavar="NOTEBOOK")
    rehearse.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help=(
            "override a value of the cell tagged 'parameters' (papermill style; VALUE is "
            "a Python literal, else a string); repeatable"
        ),
    )
    rehearse.add_argument(
        "--runs",
        type=int,
        choices=(1, 2),
        default=2,
        help="fresh runs (default 2; 1 skips the comparison between runs and the idempotence check)",
    )
    rehearse.add_argument(
        "--timeout",
        type=_limit,
        default=3600.0,
        metavar="S",
        help="time limit for the whole rehearsal in seconds (default 3600; 0: none)",
    )
    rehearse.add_argument(
        "--cell-timeout",
        type=_limit,
        default=600.0,
        metavar="S",
        help="time limit per cell in seconds (default 600; 0: none)",
    )
    rehearse.add_argument("--kernel", metavar="NAME", help="the kernelspec to run (default: the notebook's)")
    rehearse.add_argument(
        "--in-place",
        action="store_true",
        help="run in the notebook's real folder instead of a scratch copy (its files WILL be changed)",
    )
    rehearse.add_argument(
        "--folder",
        metavar="DIR",
        help=(
            "the folder to copy and confine writes to (default: the notebook's; e.g. the "
            "project folder when the notebook reads ../data)"
        ),
    )
    rehearse.add_argument(
        "--max-folder-size",
        default="200MB",
        metavar="SIZE",
        help="refuse to copy a folder holding more than this (default 200MB)",
    )
    rehearse.add_argument(
        "--format", choices=("text", "json"), default="text", help="text: for a person; json: the rehearse reply"
    )
    rehearse.add_argument(
        "--fail-on",
        choices=("error", "warning", "info", "never"),
        default="error",
        help="lowest severity that makes the exit code 1 (default: error)",
    )
    rehearse.add_argument(
        "--no-record", action="store_true", help="do not write the baseline record beside the notebook"
    )


def _limit(text: str) -> float:
    """A time limit in seconds: 0 is none; a negative one would fail every cell as 'timed out'."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds (0: no limit)")
    return value


def run(args: argparse.Namespace) -> int:
    # jsonschema (imported by nbformat, imported by nbclient) loads rfc3987_syntax when it is
    # installed, which builds a parser grammar at import: seconds of start-up for an IRI format
    # check that nothing here uses. jsonschema skips the check when the import fails.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    from ..actions.rehearse import parameters
    from ..actions.rehearse.scratch import parse_size
    from ..lint.config import ConfigError, project_config
    from ..notebook.model import NotebookError, notebook_json

    path = Path(args.notebook)
    try:
        data = notebook_json(path.read_bytes())  # as `check` reads it: a byte-order mark is fine
        values = parameters.parse_pairs(args.parameter)
        limit = parse_size(args.max_folder_size)
        config = project_config(path.parent.resolve())
    except (OSError, NotebookError, ValueError, ConfigError) as exc:
        reason = (
            f"{_shown(path)}: {exc.strerror or exc}"
            if isinstance(exc, OSError)
            else f"{_shown(path)}: {exc}"
            if isinstance(exc, NotebookError)
            else str(exc)
        )
        print(f"jupyter-readiness: cannot rehearse: {reason}", file=sys.stderr)
        return EXIT_USAGE
    from ..actions.rehearse.rehearsal import Options

    options = Options(
        parameters=values,
        runs=args.runs,
        timeout=args.timeout or None,
        cell_timeout=args.cell_timeout or None,
        in_place=args.in_place,
        folder=Path(args.folder) if args.folder else None,
        max_folder_bytes=limit or None,
        kernel_name=args.kernel,
    )
    progress = _ProgressLine(sys.stderr) if sys.stderr.isatty() else None
    try:
        outcome, interrupted = _run(data, path, options, progress)
    except KeyboardInterrupt:
        if progress:
            progress.clear()
        print("jupyter-readiness: rehearsal interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    if progress:
        progress.clear()
    record_file = None
    if outcome.record is not None and not args.no_record:
        from ..actions.rehearse.baseline import write_record
        from ..files import Root, Unreadable

        try:
            record_file = _shown(write_record(path, outcome.record, Root(None)))
        except (OSError, Unreadable) as exc:
            print(f"jupyter-readiness: warning: the baseline record could not be written: {exc}", file=sys.stderr)
    reply = outcome.reply(_shown(path), record_file)
    reply.findings = [_configured(f, config) for f in reply.findings if config.is_enabled(f.check)]
    if args.format == "json":
        from ..contract.report import to_dict

        sys.stdout.write(json.dumps(to_dict(reply), ensure_ascii=False) + "\n")
    elif reply.status != "error":
        write_text(reply, sys.stdout)
    if interrupted is not None:
        return EXIT_TERMINATED if interrupted == signal.SIGTERM else EXIT_INTERRUPTED
    if reply.status == "error":
        print(f"jupyter-readiness: cannot rehearse {reply.path}: {reply.error}", file=sys.stderr)
        return EXIT_USAGE
    if reply.status == "cancelled":
        return EXIT_INTERRUPTED
    if args.fail_on == "never":
        return EXIT_OK
    threshold = _FAIL_RANK[args.fail_on]
    return EXIT_FINDINGS if any(_FAIL_RANK[f.severity] >= threshold for f in reply.findings) else EXIT_OK


def _run(data, path: Path, options, progress) -> tuple[Outcome, int | None]:
    """Run the rehearsal; SIGINT and SIGTERM cancel it (cleanly) and are reported back. A second
    Ctrl-C raises KeyboardInterrupt at once (the kernels still die with this process)."""
    import asyncio

    from ..actions.rehearse.rehearsal import Rehearsal

    rehearsal = Rehearsal(data, path, options, progress)
    received: list[int] = []

    async def main() -> Outcome:
        loop = asyncio.get_running_loop()

        def on_signal(number: int) -> None:
            received.append(number)
            rehearsal.cancel()
            if number == signal.SIGINT:
                loop.remove_signal_handler(signal.SIGINT)

        for number in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows: Ctrl-C cancels the task instead
                loop.add_signal_handler(number, on_signal, number)
        return await rehearsal.run()

    outcome = asyncio.run(main())
    return outcome, (received[0] if received else None)


def _configured(finding, config):
    severity = config.severity.get(finding.check)
    if severity and severity != finding.severity:
        from dataclasses import replace

        return replace(finding, severity=severity)
    return finding


def _shown(path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


class _ProgressLine:
    """One line per cell on a terminal: the running cell is shown, then replaced by its result."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.open = False

    def clear(self) -> None:
        if self.open:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.open = False

    def __call__(self, event: Progress) -> None:
        line = progress_line(event)
        if line is None:
            return
        self.clear()
        if event.event == "cell-started":
            self.stream.write(line)
            self.open = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def progress_line(event: Progress) -> str | None:
    """The text shown for a progress event (None: nothing to show)."""
    run = f"run {event.run}/{event.runs}"
    if event.event == "copying":
        return "copying the notebook's folder to a scratch folder …"
    if event.event == "kernel-starting":
        return f"{run}: starting a new kernel …"
    if event.event == "cell-started":
        return f"{run}  cell {event.cell_index + 1} ({event.position} of {event.cells}) …"
    if event.event == "cell-finished":
        parts = [f"{run}  cell {event.cell_index + 1} ({event.position} of {event.cells})", event.status or ""]
        if event.seconds is not None:
            parts.append(_seconds(event.seconds))
        if event.peak_memory is not None:
            parts.append(f"{event.peak_memory / 2**20:.0f} MiB")
        return "  ".join(parts)
    if event.event == "comparing":
        return "comparing the runs …"
    return None


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def render(reply: RehearseReply, colour: bool) -> str:
    paint = _painter(colour)
    if reply.status == "error":
        return f"{paint('bold', reply.path)}  {paint('error', 'cannot rehearse: ' + (reply.error or ''))}\n"
    if reply.status == "cancelled":
        return f"{paint('bold', reply.path)}  rehearsal cancelled after {_seconds(reply.seconds)}: nothing recorded\n"
    record = reply.record
    runs = record.runs if record else 0
    out = [_head(reply, paint), *_finding_lines(reply, paint)]
    if not reply.findings:
        out.append(
            "  no findings: the notebook ran top to bottom"
            + (", twice, with the same outputs and files." if runs == 2 else ".")
        )
    out.extend(f"  note: {note}" for note in reply.notes)
    if record is not None and record.cells:
        out.extend(["", *_cell_table(record, paint)])
    if record is not None and record.files:
        out.extend(["", paint("bold", "  files the first run wrote")])
        out.extend(
            f"  {file.path}  {file.size:,} bytes  "
            + (f"sha256 {file.sha256[:12]}…" if file.sha256 else "no sha256: its bytes change with every save")
            for file in record.files
        )
    if reply.record_file:
        out.append(f"  baseline recorded in {reply.record_file}")
    return "\n".join(out) + "\n"


def _painter(colour: bool) -> Callable[[str, str], str]:
    if colour:
        return lambda code, text: f"\033[{_COLOURS[code]}m{text}\033[0m"
    return lambda code, text: text


def _head(reply: RehearseReply, paint: Callable[[str, str], str]) -> str:
    record = reply.record
    runs = record.runs if record else 0
    # the second run is skipped when the first stops: say so rather than claim both ran
    done = max((len(cell.runs) for cell in record.cells), default=runs) if record else 0
    head = (
        f"{paint('bold', reply.path)}  rehearsal {paint(reply.status, reply.status)}: "
        f"{f'{done} of ' if done < runs else ''}{runs} fresh run{'s' if runs != 1 else ''}"
    )
    if record is not None:
        head += f" of kernel {record.kernel}"
        if record.parameters:
            head += " with " + ", ".join(f"{k}={v!r}" for k, v in record.parameters.items())
        if record.in_place:
            head += ", in place"
    head += f", {_seconds(reply.seconds)}"
    if reply.first_cell_seconds is not None:
        head += f" (first cell after {_seconds(reply.first_cell_seconds)})"
    return head


def _finding_lines(reply: RehearseReply, paint: Callable[[str, str], str]) -> list[str]:
    """Each finding with its suggestion, and the diff of the outputs when there is one."""
    from .text import where

    out = []
    diffs = {(d.cell_index, d.check): d for d in reply.diffs}
    for f in reply.findings:
        out.append(f"  {where(f):<12} {paint(f.severity, f'{f.severity:<7}')} {f.check:<23} {f.message}")
        out.append(" " * 46 + paint("dim", "→ " + f.suggestion))
        diff = diffs.get((f.cell_index, f.check)) if f.cell_index is not None else None
        if diff is not None and diff.diff:
            out.extend(" " * 46 + paint("dim", line) for line in diff.diff.splitlines())
    return out


def _cell_table(record: RehearsalRecord, paint: Callable[[str, str], str]) -> list[str]:
    """One line per code cell: status, time and peak memory of each run, files written."""
    done = max(len(cell.runs) for cell in record.cells)
    out = [paint("bold", "  cell    " + "   ".join(f"run {n + 1:<19}" for n in range(done)) + "files written")]
    for cell in record.cells:
        columns = []
        for timing in cell.runs:
            text = timing.status if timing.status != "ok" else ""
            if timing.seconds is not None:
                text = (text + " " if text else "") + _seconds(timing.seconds)
            if timing.peak_memory is not None:
                text += f"  {timing.peak_memory / 2**20:.0f} MiB"
            columns.append(f"{text:<23}")
        out.append(
            f"  {cell.cell_index + 1:<6}  "
            + "   ".join(columns)
            + ", ".join(cell.writes[:4])
            + (" …" if len(cell.writes) > 4 else "")
        )
    return out


def write_text(reply: RehearseReply, stream: TextIO) -> None:
    from .text import wants_colour

    stream.write(render(reply, wants_colour(stream)))
