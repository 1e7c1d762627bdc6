"""The command line's parser (argparse), every command's. ``main`` parses a plain ``check``
command line itself (see ``plain_check`` there) and builds this only for anything else."""

from __future__ import annotations

import argparse
import re
import sys

from .. import __version__
from .codes import EXIT_USAGE
from .main import CHECK_FORMATS, FAIL_ON


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own exit code is 2 as well; keep the message short
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


class _IncompleteParser(_Parser):
    """The command line with the ``check`` command alone: its own errors would list that command
    only, so they are left to the whole parser."""

    def error(self, message: str):
        raise _Incomplete


class _Incomplete(Exception):
    """Raised by ``_IncompleteParser`` instead of reporting an error."""


def build_parser(only_check: bool = False) -> argparse.ArgumentParser:
    """The command line; ``only_check``: with the ``check`` command alone, for a command line that
    starts with it (the CI gate's start-up does not build the other commands' parsers)."""
    kind = _IncompleteParser if only_check else _Parser
    parser = kind(prog="jupyter-readiness", description="Production-readiness checks for Jupyter notebooks.")
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
    check.add_argument("--format", choices=CHECK_FORMATS, default="text", help="output format (default: text)")
    check.add_argument(
        "--fail-on",
        choices=FAIL_ON,
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
    add_selection_arguments(check)
    check.add_argument(
        "--jobs",
        "-j",
        type=_positive,
        metavar="N",
        help="check on N processes (default: the CPUs available); the output is the same for any N",
    )
    check.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where results are cached (default: .readiness_cache at the project root: the nearest folder with "
        ".git or pyproject.toml above the paths, else the current folder)",
    )
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    if only_check:
        return parser
    from ..environment.pins import LOCK_NAME

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
    freeze.add_argument(
        "--pin",
        action="append",
        type=_typed_pin,
        default=[],
        metavar="NAME==VERSION",
        help="the exact version to pin for NAME, a module or install that no installed distribution provides "
        "(repeatable); MODULE=DISTRIBUTION==VERSION when the distribution's name differs from the module's, "
        "e.g. sklearn=scikit-learn==1.5.0",
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
        "Exit codes: 0 exported; 1 refused (findings to fix first) or files left alone as conflicts; 2 bad usage, "
        "an unreadable notebook or a template that cannot be used.",
    )
    export.add_argument("notebook", metavar="NOTEBOOK")
    export.add_argument("--name", metavar="PKG", help="package (import) name (default: from the notebook's file name)")
    export.add_argument(
        "--out", metavar="DIR", help="folder to write the project to (default: PKG beside the notebook)"
    )
    export.add_argument(
        "--template",
        metavar="PATH_OR_URL",
        help="a Copier template (folder, or https:// / gh: / gl: git URL) for the project's scaffolding instead of "
        "the built-in one (default: [tool.jupyter-readiness] template); the computed modules stay the export's",
    )
    export.add_argument("--contact", metavar="WHO", help="who to contact about the package (its README says it)")
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
        choices=FAIL_ON,
        default="error",
        help="lowest severity left after fixing that makes the exit code 1 (default: error)",
    )
    fix.add_argument("--disable", action="append", default=[], metavar="ID", help="turn a check off (repeatable)")
    fix.add_argument(
        "--enable", action="append", default=[], metavar="ID", help="turn a check on even if pyproject.toml disables it"
    )
    from .rehearse import add_parser as add_rehearse  # a small module: its imports are deferred to run()

    add_rehearse(sub)

    _handoff_commands(sub)
    return parser


def _handoff_commands(sub) -> None:
    contract = sub.add_parser(
        "contract",
        help="judge notebooks against the project's handoff contract: READY or NOT READY",
        description="The handoff verdict of each notebook under the project's contract ([tool.jupyter-readiness."
        "contract] in pyproject.toml, or readiness-contract.toml; a default contract when none is declared): every "
        "clause met or unmet, and why. Exit codes: 0 every notebook is ready; 1 one is not; 2 an unreadable notebook, "
        "an invalid contract or bad usage.",
    )
    contract.add_argument("paths", nargs="+", metavar="PATH", help="notebook files or folders")
    contract.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text for a terminal, json (the REST verdict), markdown for a pull-request comment or a CI job summary",
    )
    add_selection_arguments(contract)
    waive = sub.add_parser(
        "waive",
        help="accept a finding in writing: add a waiver to the project's contract",
        description="Write a waiver (check, cell, reason, expiry) into the file the contract is declared in (or the "
        "project's pyproject.toml, or a new readiness-contract.toml beside the notebook), keeping its format.",
    )
    waive.add_argument("notebook", metavar="NOTEBOOK")
    waive.add_argument("--check", required=True, metavar="ID", help="the check id of the finding")
    waive.add_argument("--cell", metavar="CELL_ID", help="the cell's id (default: the whole notebook)")
    waive.add_argument("--reason", required=True, help="why the team accepts the finding")
    waive.add_argument("--expires", metavar="YYYY-MM-DD", help="the last day the waiver counts")
    waive.add_argument("--dry-run", action="store_true", help="show the change, write nothing")
    test_export = sub.add_parser(
        "test-export",
        help="run the exported package's tests and record the result for the contract",
        description="Run the tests of the package exported from NOTEBOOK (default command: python -m pytest -q in the "
        "package's folder, with its src/ on the path) and record the outcome in .readiness/NOTEBOOK.tests.json, "
        "which the exported-tests-pass clause reads. Give your own command after --. Exit codes: 0 the tests "
        "passed, 1 they failed, 2 they could not run.",
    )
    test_export.add_argument("notebook", metavar="NOTEBOOK")
    test_export.add_argument(
        "--package", metavar="DIR", help="the exported package's folder (default: the export's, beside the notebook)"
    )
    test_export.add_argument("test_command", nargs="*", metavar="-- COMMAND", help="the test command (default: pytest)")
    ci = sub.add_parser("ci", help="set up CI for the handoff contract")
    ci_sub = ci.add_subparsers(dest="ci_command", required=True, parser_class=_Parser)
    init = ci_sub.add_parser(
        "init",
        help="write a ready CI workflow into this repository",
        description="Write a workflow that judges the changed notebooks against the contract on every pull request "
        "(GitHub: .github/workflows/readiness.yml with a job summary and code scanning; GitLab: "
        ".gitlab/readiness.gitlab-ci.yml, included from .gitlab-ci.yml). Idempotent; a different existing file is "
        "left alone unless --force.",
    )
    provider = init.add_mutually_exclusive_group()
    provider.add_argument("--github", dest="provider", action="store_const", const="github", help="GitHub Actions")
    provider.add_argument("--gitlab", dest="provider", action="store_const", const="gitlab", help="GitLab CI")
    init.add_argument("--force", action="store_true", help="overwrite a different existing file")
    init.add_argument("--dry-run", action="store_true", help="show what would be written, write nothing")
    init.add_argument("--repo", metavar="DIR", default=".", help="the repository (default: the current folder)")


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags that narrow which notebooks of the paths a command checks (lint/selection.py)."""
    parser.add_argument(
        "--changed-since",
        metavar="REF",
        help="only notebooks that differ from the merge base of git REF and HEAD: committed since, staged, "
        "unstaged, or untracked",
    )
    parser.add_argument(
        "--shard",
        metavar="K/N",
        help="only shard K of N: a deterministic, balanced part of the notebooks by the hash of their path",
    )


# PEP 440's comparison operators, longest first; a lone "=" separates a module from its distribution
_OPERATOR = re.compile(r"===|==|~=|!=|<=|>=|<|>|=")


def _typed_pin(text: str) -> tuple[str, str]:
    """(name, typed version) as FreezeRequest.versions takes them: 'name==1.2' -> ('name', '1.2'),
    'module=distribution==1.2' -> ('module', 'distribution==1.2'). A range (``>=``, ``~=`` …) is
    refused here, naming only the name: read as ``name=distribution`` it would pin nothing. Whether
    the version is an exact one is the freeze plan's to judge, as it is for the REST API."""
    first = _OPERATOR.search(text)
    if first is None:
        raise argparse.ArgumentTypeError(f"expected NAME==VERSION or MODULE=DISTRIBUTION==VERSION, not {text!r}")
    name, operator, typed = text[: first.start()].strip(), first.group(), text[first.end() :].strip()
    if not name or not typed or len(name) > 200 or len(typed) > 200:
        raise argparse.ArgumentTypeError(f"expected NAME==VERSION or MODULE=DISTRIBUTION==VERSION, not {text!r}")
    second = _OPERATOR.search(typed) if operator == "=" else None
    if operator not in ("==", "=") or (second is not None and second.group() != "=="):
        raise argparse.ArgumentTypeError(
            f"the version typed for `{name}` is not an exact version: type one such as {name}==1.2.3, or "
            f"{name}=distribution==1.2.3 when the package's name differs from the module's"
        )
    return name, typed


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, not {text!r}")
    return value


def parse_args(given: list[str]) -> argparse.Namespace:
    command = None
    if given[:1] == ["test-export"] and "--" in given:
        # The team's command is everything after --, split off here: a positional that took the
        # rest of the line would also swallow the options after NOTEBOOK (--package DIR).
        at = given.index("--")
        given, command = given[:at], given[at + 1 :]
    try:
        args = build_parser(only_check=given[:1] == ["check"]).parse_args(given)
    except _Incomplete:
        args = build_parser().parse_args(given)
    if command is not None:
        args.test_command = command
    return args
