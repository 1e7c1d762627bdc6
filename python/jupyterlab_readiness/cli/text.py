"""The report for a person in a terminal: grouped by notebook, colour on a TTY; cells numbered as
JupyterLab shows them (from 1, with the execution count), unlike the JSON's 0-based ``cell_index``."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from typing import TYPE_CHECKING, TextIO

from ..contract.report import CheckRun, Finding, NotebookReport

if TYPE_CHECKING:
    from ..contract.fixes import Fix

_COLOURS = {
    "error": "31",
    "warning": "33",
    "info": "36",
    "fail": "31",
    "warn": "33",
    "pass": "32",
    "skipped": "2",
    "dim": "2",
    "bold": "1",
}
_MARKS = {"pass": "✓", "info": "i", "warn": "!", "fail": "✗", "skipped": "-"}


def wants_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def printable(text: str, *, lines: bool = False) -> str:
    """``text`` as a terminal or a pull-request comment may show it: a control character (an escape
    sequence that recolours or clears the terminal, a line break in a file name that would start a
    heading of its own) is written as its escape, never sent. ``lines``: line breaks and tabs are
    kept (a message's own)."""
    if text.isprintable():
        return text
    keep = "\n\t" if lines else ""
    return "".join(c if c.isprintable() or c in keep else repr(c)[1:-1] for c in text)


def render(run: CheckRun, colour: bool, width: int | None = None) -> str:
    """``width``: wrap messages to it (a terminal); None keeps one line per message (logs, grep)."""
    totals = {"error": 0, "warning": 0, "info": 0}
    parts = []
    for nb in run.notebooks:
        parts.append(render_notebook(nb, colour, width))
        for f in nb.findings:
            totals[f.severity] += 1
    unreadable = sum(1 for nb in run.notebooks if nb.error)
    parts.append(render_summary(len(run.notebooks), totals, unreadable, colour))
    return "".join(parts)


def render_notebook(nb: NotebookReport, colour: bool, width: int | None = None) -> str:
    """One notebook's block of the report (each part of ``render`` can be written as it is ready)."""
    return "".join(line + "\n" for line in _notebook(nb, _painter(colour), width))


def render_summary(notebooks: int, totals: dict[str, int], unreadable: int, colour: bool) -> str:
    """The last line: notebooks, findings by severity (``totals``), unreadable notebooks."""
    summary = (
        f"{_count(notebooks, 'notebook')}: {_count(totals['error'], 'error')}, "
        f"{_count(totals['warning'], 'warning')}, {totals['info']} info"
    )
    if unreadable:
        summary += f", {unreadable} unreadable"
    return _painter(colour)("bold", summary) + "\n"


def _painter(colour: bool):
    return (lambda code, text: f"\033[{_COLOURS[code]}m{text}\033[0m") if colour else (lambda code, text: text)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


_WHERE = 16  # "cell 149 [130]:12"
_INDENT = 2 + _WHERE + 1 + 7 + 1 + 22 + 1  # where the message column starts


def _wrapped(text: str, width: int | None) -> list[str]:
    if width is None or width - _INDENT < 20:
        return [text]
    return textwrap.wrap(text, width - _INDENT, break_on_hyphens=False) or [""]


def _notebook(nb: NotebookReport, paint, width: int | None) -> list[str]:
    path = printable(nb.path)
    if nb.error:
        return [f"{paint('bold', path)}  {paint('error', 'cannot check: ' + printable(nb.error, lines=True))}", ""]
    verdict = {"ready": "ready", "attention": "needs attention", "blocked": f"blocked: {nb.must_fix} to fix first"}
    lines = [f"{paint('bold', path)}  score {nb.score}/100, {verdict[nb.band]}"]
    pad = " " * _INDENT
    for f in nb.findings:
        message = _wrapped(printable(f.message, lines=True), width)
        lines.append(f"  {where(f):<{_WHERE}} {paint(f.severity, f'{f.severity:<7}')} {f.check:<22} {message[0]}")
        lines.extend(pad + more for more in message[1:])
        lines.extend(
            pad + paint("dim", ("→ " if i == 0 else "  ") + part)
            for i, part in enumerate(
                _wrapped(printable(f.suggestion, lines=True), None if width is None else width - 2)
            )
        )
        lines.extend(pad + paint("dim", _fix_line(fix)) for fix in f.fixes if fix.id != "ignore")
    row: list[str] = []
    used = 2
    for item in nb.checklist:
        text = f"{_MARKS[item.status]} {item.title}"
        if row and width is not None and used + 2 + len(text) > width:
            lines.append("  " + "  ".join(row))
            row, used = [], 2
        row.append(paint(item.status, text))
        used += len(text) + 2
    lines.append("  " + "  ".join(row))
    lines.append("")
    return lines


def width_for(stream: TextIO) -> int | None:
    """The terminal's width when ``stream`` is one; None (no wrapping) otherwise."""
    return shutil.get_terminal_size().columns if hasattr(stream, "isatty") and stream.isatty() else None


def _fix_line(fix: Fix) -> str:
    if fix.command is not None:
        return f"⚙ {fix.title} (in JupyterLab: {fix.command})"
    return f"✎ {fix.title} ({'safe' if fix.safe else 'unsafe: --unsafe-fixes'}; jupyter-readiness fix)"


def where(f: Finding) -> str:
    """``cell 49 [13]:2``: the cell counted from 1 over all cells, as JupyterLab's status bar and
    ruff number them, its execution count as the prompt shows it, and the line in the cell."""
    if f.cell_index is None:
        return "notebook"
    count = f" [{f.execution_count}]" if f.execution_count is not None else ""
    return f"cell {f.cell_index + 1}{count}" + (f":{f.line}" if f.line else "")


def write(run: CheckRun, stream: TextIO = sys.stdout) -> None:
    stream.write(render(run, wants_colour(stream), width_for(stream)))
