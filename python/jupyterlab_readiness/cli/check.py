"""``jupyter-readiness check``: the checks as a CI gate — every notebook of the paths given, reported
as text, JSON or SARIF; the exit code says whether anything reached ``--fail-on``.

Reports are written as they are ready, in discovery order, whatever ``--jobs``: each notebook's
part of the output is rendered where it was checked (a worker process, or this one) and this
process only writes the parts in order, so the output is the same bytes for any number of jobs
and no run holds more than a window of reports.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, NamedTuple

from ..contract.report import NotebookReport
from .codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    import argparse

_FAIL_RANK = {"info": 0, "warning": 1, "error": 2}
_SENTINEL = "\0items\0"


class _Render(NamedTuple):
    """How each notebook's part is rendered (the same in every process of the run)."""

    format: str
    colour: bool = False
    width: int | None = None
    indent: int | None = None
    item_indent: str = ""  # JSON: what each line of an item is indented by, after its first


class _Piece(NamedTuple):
    text: str  # this notebook's part of stdout ("" for a SARIF notebook with no finding)
    counts: tuple[int, int, int]  # findings: errors, warnings, infos
    worst: int  # the highest _FAIL_RANK among the findings, -1 for none
    unreadable: bool
    note: dict[str, Any] | None  # SARIF: its tool execution notification
    written: int  # cache entries written


def run_check(args: argparse.Namespace) -> int:
    # Imported here so `--help` and `--version` stay instant.
    from ..lint.batch import BatchSettings, available_cpus, ordered_map
    from ..lint.config import CheckConfig, ConfigError
    from ..lint.selection import SelectionError, Shard, select_notebooks

    try:
        CheckConfig().with_flags(args.disable, args.enable)
        shard = Shard.parse(args.shard) if args.shard is not None else None
        selection = select_notebooks(args.paths, shard=shard, changed_since=args.changed_since)
    except (ConfigError, SelectionError) as exc:
        print(f"jupyter-readiness: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not selection.notebooks and not selection.found:
        print(f"jupyter-readiness: error: no notebooks (*.ipynb) found in {' '.join(args.paths)}", file=sys.stderr)
        return EXIT_USAGE
    fixes = _fix_options(args)
    # A fix depends on the moment it is computed (a clock read becomes a parameter holding it): not cached.
    cache = _open_cache(args, selection.root) if selection.notebooks and fixes is None else None
    settings = BatchSettings(
        tuple(args.disable),
        tuple(args.enable),
        None if cache is None else str(cache.folder),
        None if cache is None else cache.static,
        fixes,
    )
    render = _render_settings(args.format)
    items = [(str(path), problem) for path, problem in selection.notebooks]
    jobs = args.jobs or available_cpus()
    writer = _Writer(render)
    written = 0
    for piece in ordered_map(_work, items, jobs, _init, (settings, render), first=_first, prepare=_prepare):
        writer.add(piece)
        written += piece.written
    writer.finish()
    if cache is not None and written:
        cache.prune()
    if writer.unreadable:
        return EXIT_USAGE
    if args.fail_on == "never":
        return EXIT_OK
    return EXIT_FINDINGS if writer.worst >= _FAIL_RANK[args.fail_on] else EXIT_OK


def _open_cache(args: argparse.Namespace, root):
    if args.no_cache:
        return None
    from pathlib import Path

    from ..lint.cache import DEFAULT_NAME, CacheUnavailable, ResultCache

    folder = Path(args.cache_dir) if args.cache_dir else root / DEFAULT_NAME
    try:
        return ResultCache.open(folder)
    except CacheUnavailable as exc:
        print(f"jupyter-readiness: warning: no cache: {exc}", file=sys.stderr)
        return None


def _render_settings(fmt: str) -> _Render:
    if fmt == "text":
        from .text import wants_colour, width_for

        return _Render(fmt, wants_colour(sys.stdout), width_for(sys.stdout))
    # Indented for a person at a terminal; compact otherwise, where json's C encoder does the
    # work (indenting switches to its pure-Python encoder, slower than the checks themselves).
    indent = 2 if sys.stdout.isatty() else None
    _, _, item_indent = _frame(_empty_document(fmt), indent)
    return _Render(fmt, indent=indent, item_indent=item_indent)


def _empty_document(fmt: str, items: list[Any] | None = None, notes: list[dict[str, Any]] | None = None) -> Any:
    if fmt == "sarif":
        from .sarif import document

        return document([_SENTINEL] if items is None else items, notes or [])
    from ..contract.report import CheckRun, to_dict

    data = to_dict(CheckRun(notebooks=[]))
    data["notebooks"] = [_SENTINEL] if items is None else items
    return data


def _frame(doc: Any, indent: int | None) -> tuple[str, str, str]:
    """The text of ``doc`` before and after its one-item list holding the sentinel, and the
    indentation of that item's lines: a list streamed into this frame item by item reads as
    ``json.dumps`` of the whole document would."""
    text = json.dumps(doc, indent=indent, ensure_ascii=False)
    before, after = text.split(json.dumps(_SENTINEL))
    if indent is None:
        return before, after, ""
    item_indent = before[before.rindex("\n") + 1 :]
    return before, after, item_indent


# -- in each process that checks: the worker side ------------------------------------------------

_STATE: dict[str, Any] = {}


def _init(settings, render: _Render) -> None:
    from ..lint.batch import Checker

    _STATE["checker"] = Checker(settings)
    _STATE["render"] = render
    # A JSON report is written straight from a cache entry; the other formats need the report.
    _STATE["parsed"] = render.format != "json" or render.indent is not None


def _prepare() -> None:
    """Before workers start: what they will import, loaded once here for all of them."""
    from ..lint.batch import Checker

    Checker.prepare()
    if _STATE["render"].format == "text":
        from . import text  # noqa: F401
    elif _STATE["render"].format == "sarif":
        from . import sarif  # noqa: F401


def _first(item: tuple[str, str | None]) -> _Piece | None:
    """In this process: the piece of a notebook that needs no check (a cache hit, a path that
    names nothing), else None and a worker checks it."""
    path, problem = item
    if problem is not None:
        from ..lint.engine import failed_report

        return _piece(failed_report(path, problem), _STATE["render"], 0)
    found = _STATE["checker"].cached(path, path, parsed=_STATE["parsed"])
    return None if found is None else _as_piece(found, path)


def _work(chunk: list[tuple[str, str | None]]) -> list[_Piece]:
    checker = _STATE["checker"]
    cache = checker.cache
    pieces = []
    for path, _ in chunk:
        before = cache.written if cache is not None else 0
        found = checker.lookup(path, path, parsed=_STATE["parsed"])
        pieces.append(_as_piece(found, path, (cache.written if cache is not None else 0) - before))
    return pieces


def _as_piece(found, path: str, written: int = 0) -> _Piece:
    if isinstance(found, NotebookReport):
        return _piece(found, _STATE["render"], written)
    return _Piece(found.json_text(path), found.counts, _worst(found.counts), found.unreadable, None, written)


def _worst(counts: tuple[int, int, int]) -> int:
    return max((rank for rank, n in zip((2, 1, 0), counts, strict=True) if n), default=-1)


def _piece(report: NotebookReport, render: _Render, written: int) -> _Piece:
    counts = (
        sum(f.severity == "error" for f in report.findings),
        sum(f.severity == "warning" for f in report.findings),
        sum(f.severity == "info" for f in report.findings),
    )
    note = None
    if render.format == "text":
        from .text import render_notebook

        text = render_notebook(report, render.colour, render.width)
    elif render.format == "json":
        from ..contract.report import to_dict

        text = _item(to_dict(report), render)
    else:
        from .sarif import notification, results_for

        note = notification(report)
        text = _separator(render).join(_item(r, render) for r in results_for(report))
    return _Piece(text, counts, _worst(counts), report.error is not None, note, written)


def _item(value: Any, render: _Render) -> str:
    text = json.dumps(value, indent=render.indent, ensure_ascii=False)
    return text.replace("\n", "\n" + render.item_indent) if render.indent is not None else text


def _separator(render: _Render) -> str:
    return ", " if render.indent is None else ",\n" + render.item_indent


# -- in this process: the output, in order -------------------------------------------------------


class _Writer:
    def __init__(self, render: _Render) -> None:
        self.render = render
        self.notebooks = 0
        self.totals = {"error": 0, "warning": 0, "info": 0}
        self.unreadable = 0
        self.worst = -1
        self.items = 0  # JSON items written (notebooks, or SARIF results)
        self.notes: list[dict[str, Any]] = []  # SARIF: one per unreadable notebook
        self.out = sys.stdout
        if render.format == "sarif":
            import tempfile

            # Results come before nothing else in the log but after the invocation, which is only
            # known at the end: they wait in a temporary file (in memory while it is small).
            self.out = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by finish()
                max_size=8 * 2**20, mode="w+", encoding="utf-8"
            )
        elif render.format == "json":
            self.head, self.tail, _ = _frame(_empty_document("json"), render.indent)

    def add(self, piece: _Piece) -> None:
        self.notebooks += 1
        for severity, n in zip(self.totals, piece.counts, strict=True):
            self.totals[severity] += n
        self.unreadable += piece.unreadable
        self.worst = max(self.worst, piece.worst)
        if piece.note is not None:
            self.notes.append(piece.note)
        if self.render.format == "text":
            self.out.write(piece.text)
            return
        if not piece.text:
            return
        if self.items == 0 and self.render.format == "json":
            self.out.write(self.head)
        elif self.items:
            self.out.write(_separator(self.render))
        self.out.write(piece.text)
        self.items += 1

    def finish(self) -> None:
        fmt = self.render.format
        if fmt == "text":
            from .text import render_summary

            sys.stdout.write(render_summary(self.notebooks, self.totals, self.unreadable, self.render.colour))
        elif fmt == "json":
            if self.items:
                sys.stdout.write(self.tail + "\n")
            else:
                sys.stdout.write(json.dumps(_empty_document("json", []), indent=self.render.indent) + "\n")
        elif not self.items:
            doc = _empty_document("sarif", [], self.notes)
            sys.stdout.write(json.dumps(doc, indent=self.render.indent, ensure_ascii=False) + "\n")
        else:
            head, tail, _ = _frame(_empty_document("sarif", None, self.notes), self.render.indent)
            sys.stdout.write(head)
            self.out.seek(0)
            while block := self.out.read(1 << 16):
                sys.stdout.write(block)
            sys.stdout.write(tail + "\n")
        if self.out is not sys.stdout:
            self.out.close()


def _fix_options(args: argparse.Namespace):
    """With ``--show-fixes``, each finding's fixes (a plain check computes none)."""
    if not getattr(args, "show_fixes", False):
        return None
    from ..fixes.options import FixOptions

    return FixOptions.at_now()
