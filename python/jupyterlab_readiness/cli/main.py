"""``jupyter-readiness`` / ``python -m jupyterlab_readiness``: the checks as a CI gate.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 bad usage, or any
notebook that could not be read (the others are still checked and reported). ``rehearse`` lives
in ``rehearse.py``.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from typing import Sequence

from .. import __version__
from ..environment.pins import LOCK_NAME

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
_FAIL_RANK = {"info": 0, "warning": 1, "error": 2}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own exit code is 2 as well; keep the message short
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="jupyter-readiness", description="Production-readiness checks for Jupyter notebooks.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = sub.add_parser(
        "check",
        help="check notebooks and report findings",
        description="Check notebooks (files, or folders searched recursively). Cells are counted from 0 over all cells, markdown included.",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="notebook files or folders")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text", help="output format (default: text)")
    check.add_argument("--fail-on", choices=("error", "warning", "info", "never"), default="error", help="lowest severity that makes the exit code 1 (default: error)")
    check.add_argument("--disable", action="append", default=[], metavar="ID", help="turn a check off (repeatable)")
    check.add_argument("--enable", action="append", default=[], metavar="ID", help="turn a check on even if pyproject.toml disables it (repeatable)")
    freeze = sub.add_parser(
        "freeze",
        help="pin exactly what a notebook imports and installs",
        description="Pin the distributions a notebook imports or pip-installs at the versions installed in this environment. "
        "Merges into pyproject.toml's [project].dependencies (when the project has one) or requirements.txt beside the notebook.",
    )
    freeze.add_argument("notebook", metavar="NOTEBOOK")
    freeze.add_argument("--target", choices=("auto", "requirements", "pyproject"), default="auto", help="where the pins go (default: auto)")
    freeze.add_argument("--lock", action="store_true", help=f"also write the installed dependency closure to {LOCK_NAME}")
    freeze.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    freeze.add_argument("--format", choices=("text", "json"), default="text", help="text: a diff; json: the same object as the REST API")
    extract = sub.add_parser(
        "extract",
        help="move contiguous code cells into a function of a Python module the notebook imports",
        description="Replace contiguous code cells by one cell that imports a function made of their code. "
        "The module is written beside the notebook (an existing one gets the function added or replaced); "
        "the original notebook is untouched unless --in-place.",
    )
    extract.add_argument("notebook", metavar="NOTEBOOK")
    extract.add_argument("--cells", required=True, help="0-based cell indices over all cells, as in the check output: 3-5 or 3,4,5")
    extract.add_argument("--module", help="module name without .py (default: from the notebook's name)")
    extract.add_argument("--function", help="function name (default: from the markdown heading above, else the code)")
    where = extract.add_mutually_exclusive_group()
    where.add_argument("--in-place", action="store_true", help="rewrite NOTEBOOK itself")
    where.add_argument("--out", metavar="NEW.ipynb", help="write the rewritten notebook here (default: NAME.extracted.ipynb)")
    export = sub.add_parser(
        "export",
        help="export the notebook as an installable, parameterised, tested Python package",
        description="Write a package made of the notebook: pyproject.toml with pinned dependencies, src/PKG/ (one function per section, "
        "a parameters model, a command line), tests/ and a README. Re-exporting never overwrites a file edited since the last export. "
        "Exit codes: 0 exported; 1 refused (findings to fix first) or files left alone as conflicts; 2 bad usage or an unreadable notebook.",
    )
    export.add_argument("notebook", metavar="NOTEBOOK")
    export.add_argument("--name", metavar="PKG", help="package (import) name (default: from the notebook's file name)")
    export.add_argument("--out", metavar="DIR", help="folder to write the project to (default: PKG beside the notebook)")
    export.add_argument("--dry-run", action="store_true", help="show what would be written, write nothing")
    export.add_argument("--format", choices=("text", "json"), default="text", help="text: a summary; json: the same object as the REST API")
    from .rehearse import add_parser as add_rehearse  # a small module: its imports are deferred to run()

    add_rehearse(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "freeze":
        return run_freeze(args)
    if args.command == "extract":
        return run_extract(args)
    if args.command == "export":
        return run_export(args)
    if args.command == "rehearse":
        from .rehearse import run as run_rehearse

        return run_rehearse(args)
    # A short-lived process whose live objects (per-cell facts) only grow: the cyclic collector's
    # default rhythm re-scans them hundreds of times for nothing (syntax trees hold no cycles and
    # are freed by reference counting), about 8% of a run over a folder.
    gc.set_threshold(100_000, 20, 100)
    return run_check(args)


def run_freeze(args: argparse.Namespace) -> int:
    import difflib
    from pathlib import Path

    from ..actions.freeze import plan as freeze
    from ..checks.context import Context
    from ..files import read_text, write_atomic
    from ..notebook.model import NotebookError, read_notebook
    from ..server.probe import local_environment

    path = Path(args.notebook)
    try:
        notebook = read_notebook(path)
    except NotebookError as exc:
        print(f"jupyter-readiness: error: {path}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not notebook.is_python:
        print(f"jupyter-readiness: error: {path}: freeze pins Python packages; the kernel language is {notebook.language!r}", file=sys.stderr)
        return EXIT_USAGE
    want = freeze.wanted(notebook, Context(notebook, path).is_local_module)
    try:
        result = freeze.plan(want, local_environment(want.modules, want.installs, closure=args.lock), path, args.target, args.lock, read_text)
    except ValueError as exc:
        print(f"jupyter-readiness: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.dry_run:
        write_atomic(result.target, result.merge.after)
        if result.lock_file is not None:
            write_atomic(result.lock_file, result.lock_after)
    if args.format == "json":
        sys.stdout.write(json.dumps(result.reply(_shown).as_dict()) + "\n")
        return EXIT_OK
    for file, before, after in ((result.target, result.merge.before, result.merge.after), (result.lock_file, result.lock_before, result.lock_after)):
        if file is not None and before != after:
            sys.stdout.writelines(difflib.unified_diff(before.splitlines(True), after.splitlines(True), f"a/{_shown(file)}", f"b/{_shown(file)}"))
    if result.merge.before == result.merge.after and (result.lock_file is None or result.lock_before == result.lock_after):
        print(f"{_shown(result.target)} already pins everything the notebook uses.")
    for name in result.unresolved:
        print(f"unresolved: {name} (no installed distribution provides it; install it, or remove the import)")
    if args.dry_run:
        print("(dry run: nothing written)")
    return EXIT_OK


def run_extract(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..actions.extract import plan as extraction
    from ..actions.extract.planner import ExtractionRefused
    from ..files import read_text, write_atomic
    from ..notebook.model import NotebookError

    path = Path(args.notebook)
    try:
        cells = _cell_list(args.cells)
        data = json.loads(path.read_text(encoding="utf-8"))
        result = extraction.plan(data, path, cells, args.module, args.function, read_text, _shown)
    except (OSError, ValueError, NotebookError, RecursionError) as exc:  # ExtractionRefused and bad JSON are ValueErrors
        reason = str(exc) if isinstance(exc, (ExtractionRefused, NotebookError)) else f"{path}: {exc}"
        print(f"jupyter-readiness: not extracted: {reason}", file=sys.stderr)
        return EXIT_USAGE
    out = path if args.in_place else Path(args.out) if args.out else path.with_name(f"{path.stem}.extracted.ipynb")
    text = json.dumps(result.notebook, indent=1, ensure_ascii=False) + "\n"
    existing = read_text(out)
    if not args.in_place and existing is not None and existing != text:
        print(f"jupyter-readiness: not extracted: {_shown(out)} exists and differs; remove it or choose --out", file=sys.stderr)
        return EXIT_USAGE
    write_atomic(result.module_file, result.reply.module_text)
    write_atomic(out, text)
    reply = result.reply
    returns = ", ".join(reply.returns) or "nothing"
    print(f"{_shown(result.module_file)}: {reply.function}({', '.join(reply.parameters)}) → {returns}")
    print(f"{_shown(out)}: cells {reply.cell_indices[0]}-{reply.cell_indices[-1]} replaced by a call to it")
    for warning in reply.warnings:
        print(f"warning: {warning}")
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..actions.export import plan as export
    from ..files import read_text
    from ..notebook.model import NotebookError, notebook_from_json
    from ..server.probe import local_environment

    path = Path(args.notebook)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        notebook = notebook_from_json(data)
        want = export.wanted(notebook, path)
        environment = local_environment(want.modules, want.installs, closure=False) if notebook.is_python else {}
        result = export.plan(data, path, Path(args.out) if args.out else None, args.name, environment, read_text, Path.is_file, _shown)
        if not args.dry_run and not result.reply.refused:
            export.write(result)
    except (OSError, ValueError, NotebookError, RecursionError) as exc:  # BadPackageName, ExportRefused and bad JSON are ValueErrors
        reason = str(exc) if isinstance(exc, (ValueError, NotebookError)) and not isinstance(exc, json.JSONDecodeError) else f"{path}: {exc}"
        print(f"jupyter-readiness: not exported: {reason}", file=sys.stderr)
        return EXIT_USAGE
    reply = result.reply
    if args.format == "json":
        sys.stdout.write(json.dumps(reply.as_dict(), ensure_ascii=False) + "\n")
    elif reply.refused:
        print(f"jupyter-readiness: not exported: {reply.refused}", file=sys.stderr)
        for finding in reply.blocking:
            print(f"  cell {finding.cell_index}, line {finding.line or '-'}: [{finding.check}] {finding.message}", file=sys.stderr)
    else:
        verb = "would write" if args.dry_run else "wrote"
        for file in reply.files:
            print(f"{file.status:>9}  {reply.out}/{file.path}")
        parameters = ", ".join(f"{p.name}: {p.type} = {p.default}" for p in reply.parameters) or "none"
        print(f"{reply.distribution}: {len(reply.steps)} steps ({', '.join(s.function for s in reply.steps)}); parameters: {parameters}")
        changed = sum(1 for f in reply.files if f.status in ("create", "update"))
        print(f"{verb} {changed} file{'s' if changed != 1 else ''}; readiness score at export {reply.score}/100")
        for conflict in reply.conflicts:
            print(f"conflict: {reply.out}/{conflict} was edited since the last export: left as it is (delete it to get the new version)")
        for name in reply.unresolved:
            print(f"unresolved: {name} (no installed distribution provides it: not in the dependencies)")
        for warning in reply.warnings:
            print(f"warning: {warning}")
    return EXIT_FINDINGS if reply.refused or reply.conflicts else EXIT_OK


def _cell_list(text: str) -> list[int]:
    cells: list[int] = []
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            raise ValueError(f"--cells takes indices like 3-5 or 3,4,5, not {text!r}")
        cells.extend(range(int(first), int(last) + 1) if dash else [int(first)])
    return cells


def _shown(path) -> str:
    import os

    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def run_check(args: argparse.Namespace) -> int:
    # Imported here so `--help` and `--version` stay instant.
    from ..lint.config import CheckConfig, ConfigError, project_config
    from ..lint.discovery import notebook_paths
    from ..lint.engine import check_file, failed_report
    from ..contract.report import CheckRun
    from ..actions.rehearse.baseline import read_record

    try:
        CheckConfig().with_flags(args.disable, args.enable)
    except ConfigError as exc:
        print(f"jupyter-readiness: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    reports = []
    for path, problem in notebook_paths(args.paths):
        if problem is not None:
            reports.append(failed_report(str(path), problem))
            continue
        try:
            config = project_config(path.parent).with_flags(args.disable, args.enable)
        except ConfigError as exc:
            reports.append(failed_report(str(path), f"configuration error: {exc}"))
            continue
        reports.append(check_file(path, config, memoize=False, rehearsal=read_record(path)))
    if not reports:
        print(f"jupyter-readiness: error: no notebooks (*.ipynb) found in {' '.join(args.paths)}", file=sys.stderr)
        return EXIT_USAGE
    run = CheckRun(notebooks=reports)
    _write(run, args.format)
    if any(r.error for r in run.notebooks):
        return EXIT_USAGE
    if args.fail_on == "never":
        return EXIT_OK
    threshold = _FAIL_RANK[args.fail_on]
    failing = any(_FAIL_RANK[f.severity] >= threshold for r in run.notebooks for f in r.findings)
    return EXIT_FINDINGS if failing else EXIT_OK


def _write(run, fmt: str) -> None:
    if fmt in ("json", "sarif"):
        if fmt == "sarif":
            from .sarif import build

            data = build(run)
        else:
            data = run.as_dict()
        # Indented for a person at a terminal; compact otherwise, where json's C encoder does the
        # work (indenting switches to its pure-Python encoder, slower than the checks themselves).
        indent = 2 if sys.stdout.isatty() else None
        sys.stdout.write(json.dumps(data, indent=indent, ensure_ascii=False) + "\n")
    else:
        from .text import write

        write(run, sys.stdout)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
