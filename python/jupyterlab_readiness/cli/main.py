"""``jupyter-readiness`` / ``python -m jupyterlab_readiness``: the checks as a CI gate.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 bad usage, or any
notebook that could not be read (the others are still checked and reported).
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence

from .. import __version__
from ..environment.pins import LOCK_NAME
from .codes import EXIT_USAGE


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
        description="Check notebooks (files, or folders searched recursively). The text output numbers cells "
        "as JupyterLab does (from 1 over all cells, markdown included, with the execution count: cell 49 [13]); "
        "the JSON's cell_index counts from 0.",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="notebook files or folders")
    check.add_argument(
        "--format", choices=("text", "json", "sarif"), default="text", help="output format (default: text)"
    )
    check.add_argument(
        "--fail-on",
        choices=("error", "warning", "info", "never"),
        default="error",
        help="lowest severity that makes the exit code 1 (default: error)",
    )
    check.add_argument(
        "--show-fixes",
        action="store_true",
        help="compute each finding's fixes: in the JSON's fixes, and a line per fix in the text (fix applies them)",
    )
    check.add_argument("--disable", action="append", default=[], metavar="ID", help="turn a check off (repeatable)")
    check.add_argument(
        "--enable",
        action="append",
        default=[],
        metavar="ID",
        help="turn a check on even if pyproject.toml disables it (repeatable)",
    )
    freeze = sub.add_parser(
        "freeze",
        help="pin exactly what a notebook imports and installs",
        description="Pin the distributions a notebook imports or pip-installs at the versions installed in this "
        "environment. "
        "Merges into pyproject.toml's [project].dependencies (when the project has one) or requirements.txt beside "
        "the notebook.",
    )
    freeze.add_argument("notebook", metavar="NOTEBOOK")
    freeze.add_argument(
        "--target",
        choices=("auto", "requirements", "pyproject"),
        default="auto",
        help="where the pins go (default: auto)",
    )
    freeze.add_argument(
        "--lock", action="store_true", help=f"also write the installed dependency closure to {LOCK_NAME}"
    )
    freeze.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    freeze.add_argument(
        "--format", choices=("text", "json"), default="text", help="text: a diff; json: the same object as the REST API"
    )
    extract = sub.add_parser(
        "extract",
        help="move contiguous code cells into a function of a Python module the notebook imports",
        description="Replace contiguous code cells by one cell that imports a function made of their code. "
        "The module is written beside the notebook (an existing one gets the function added or replaced); "
        "the original notebook is untouched unless --in-place.",
    )
    extract.add_argument("notebook", metavar="NOTEBOOK")
    extract.add_argument(
        "--cells",
        required=True,
        help="0-based cell indices over all cells, as cell_index in the JSON output: 3-5 or 3,4,5",
    )
    extract.add_argument("--module", help="module name without .py (default: from the notebook's name)")
    extract.add_argument("--function", help="function name (default: from the markdown heading above, else the code)")
    where = extract.add_mutually_exclusive_group()
    where.add_argument("--in-place", action="store_true", help="rewrite NOTEBOOK itself")
    where.add_argument(
        "--out", metavar="NEW.ipynb", help="write the rewritten notebook here (default: NAME.extracted.ipynb)"
    )
    export = sub.add_parser(
        "export",
        help="export the notebook as an installable, parameterised, tested Python package",
        description="Write a package made of the notebook: pyproject.toml with pinned dependencies, src/PKG/ (one "
        "function per section, "
        "a parameters model, a command line), tests/ and a README. Re-exporting never overwrites a file edited since "
        "the last export. "
        "Exit codes: 0 exported; 1 refused (findings to fix first) or files left alone as conflicts; 2 bad usage or "
        "an unreadable notebook.",
    )
    export.add_argument("notebook", metavar="NOTEBOOK")
    export.add_argument("--name", metavar="PKG", help="package (import) name (default: from the notebook's file name)")
    export.add_argument(
        "--out", metavar="DIR", help="folder to write the project to (default: PKG beside the notebook)"
    )
    export.add_argument("--dry-run", action="store_true", help="show what would be written, write nothing")
    export.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: a summary; json: the same object as the REST API",
    )
    fix = sub.add_parser(
        "fix",
        help="apply the fixes the checks offer (safe ones unless --unsafe-fixes)",
        description="Apply the fixes the checks offer to notebooks (files, or folders searched recursively), as "
        "ruff's --fix does: safe fixes (they keep what the notebook computes) by default, unsafe ones too with "
        "--unsafe-fixes. Each notebook is written atomically, its formatting and metadata kept; a second run changes "
        "nothing. Exit codes: 0 nothing at or above --fail-on remains (with --diff: nothing would change); 1 "
        "something does (with --diff: something would change); 2 bad usage or a notebook that could not be fixed.",
    )
    fix.add_argument("paths", nargs="+", metavar="NOTEBOOK", help="notebook files or folders")
    fix.add_argument(
        "--select", action="append", default=[], metavar="ID", help="fix only findings of this check (repeatable)"
    )
    fix.add_argument(
        "--unsafe-fixes", action="store_true", help="also apply fixes that may change what the notebook computes"
    )
    fix.add_argument("--diff", action="store_true", help="print a diff of the cells' sources, write nothing")
    fix.add_argument(
        "--fail-on",
        choices=("error", "warning", "info", "never"),
        default="error",
        help="lowest severity left after fixing that makes the exit code 1 (default: error)",
    )
    fix.add_argument("--disable", action="append", default=[], metavar="ID", help="turn a check off (repeatable)")
    fix.add_argument(
        "--enable", action="append", default=[], metavar="ID", help="turn a check on even if pyproject.toml disables it"
    )
    from .rehearse import add_parser as add_rehearse  # a small module: its imports are deferred to run()

    add_rehearse(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "rehearse":
        from .rehearse import run as run_rehearse

        return run_rehearse(args)
    if args.command in ("freeze", "extract", "export"):
        from . import actions

        return getattr(actions, f"run_{args.command}")(args)
    if args.command == "fix":
        from .fix import run_fix

        return run_fix(args)
    # A short-lived process whose live objects (per-cell facts) only grow: the cyclic collector's
    # default rhythm re-scans them hundreds of times for nothing (syntax trees hold no cycles and
    # are freed by reference counting), about 8% of a run over a folder.
    gc.set_threshold(100_000, 20, 100)
    from .check import run_check

    return run_check(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
