"""``jupyter-readiness fix``: apply the fixes the checks offer, as ruff's ``--fix`` does — safe
fixes only unless ``--unsafe-fixes``; ``--diff`` prints what would change and writes nothing.
Each notebook is planned with ``actions.fix.plan`` and written with ``actions.plan.apply`` (the
server's ``/readiness/fix`` does the same), atomically and in the file's own JSON style.

Exit codes: 0 nothing at or above ``--fail-on`` remains after fixing (with ``--diff``: nothing
would change); 1 something does (with ``--diff``: something would change); 2 bad usage, or a
notebook that could not be read or written (the others are still fixed)."""

from __future__ import annotations

import argparse
import sys

from .codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE

_FAIL_RANK = {"info": 0, "warning": 1, "error": 2}
PROG = "jupyter-readiness"


def run_fix(args: argparse.Namespace) -> int:
    from ..checks.registry import BY_ID
    from ..lint.config import CheckConfig, ConfigError
    from ..lint.discovery import notebook_paths

    try:
        CheckConfig().with_flags(args.disable, args.enable)
        unknown = sorted(set(args.select) - BY_ID.keys())
        if unknown:
            raise ConfigError(f"unknown check id(s) in --select: {', '.join(unknown)}")
    except ConfigError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    failed = changed = remaining = False
    found = False
    for path, problem in notebook_paths(args.paths):
        found = True
        if problem is not None:
            print(f"{PROG}: {path}: {problem}", file=sys.stderr)
            failed = True
            continue
        outcome = _fix_one(path, args)
        if outcome is None:
            failed = True
            continue
        did_change, left = outcome
        changed |= did_change
        remaining |= left
    if not found:
        print(f"{PROG}: error: no notebooks (*.ipynb) found in {' '.join(args.paths)}", file=sys.stderr)
        return EXIT_USAGE
    if failed:
        return EXIT_USAGE
    if args.diff:
        return EXIT_FINDINGS if changed else EXIT_OK
    return EXIT_FINDINGS if remaining else EXIT_OK


def _fix_one(path, args: argparse.Namespace) -> tuple[bool, bool] | None:
    """(whether the notebook changed or would change, whether findings at or above --fail-on
    remain), or None after saying why it could not be fixed."""
    from ..actions.errors import ActionRefused
    from ..actions.fix import plan as fixing
    from ..actions.plan import apply
    from ..actions.source import NoSuchNotebook, load
    from ..contract.requests import FixRequest
    from ..files import OutsideRoot, Root, Unreadable
    from ..lint.config import ConfigError, project_config
    from ..notebook.model import NotebookError

    root = Root(None)
    try:
        source = load(str(path), None, root)
        config = project_config(source.path.parent).with_flags(args.disable, args.enable)
        request = FixRequest(path=str(path), select=args.select, unsafe=args.unsafe_fixes, write=not args.diff)
        plan = fixing.plan(request, _environment(source, args), root, source, config=config)
        if request.write:
            apply(plan, root)
    except (ActionRefused, NotebookError, ConfigError) as exc:
        print(f"{PROG}: {path}: not fixed: {exc}", file=sys.stderr)
        return None
    except (NoSuchNotebook, Unreadable, OutsideRoot) as exc:
        print(f"{PROG}: {path}: cannot read it: {exc}", file=sys.stderr)
        return None
    except OSError as exc:
        print(f"{PROG}: {path}: not written: {exc.strerror or exc}", file=sys.stderr)
        return None
    reply = plan.reply
    if args.diff:
        sys.stdout.write(reply.diff)
        sys.stderr.write("".join(_unsafe_notes(reply)))  # stdout stays a diff
    else:
        _summary(reply, sys.stdout)
    threshold = _FAIL_RANK.get(args.fail_on)
    left = threshold is not None and any(_FAIL_RANK[f.severity] >= threshold for f in reply.report.findings)
    return bool(reply.diff) or bool(plan.writes), left


def _environment(source, args: argparse.Namespace):
    """What this Python has installed of what the notebook pip-installs (pins for unpinned-install
    fixes); nothing is asked when no install is to be fixed."""
    from ..environment.answer import Environment

    if args.select and "unpinned-install" not in args.select:
        return Environment()
    from ..environment.requirements import installed_names
    from ..notebook.facts import cell_facts

    installs = list(
        dict.fromkeys(n for cell in source.model.code_cells() for n in installed_names(cell_facts(cell.source)))
    )
    if not installs:
        return Environment()
    from ..environment.kernel.distributions import local_environment

    return Environment.from_answer(local_environment([], installs, closure=False))


def _summary(reply, stream) -> None:
    from ..contract.report import CheckRun
    from .text import render, wants_colour

    counts: dict[str, int] = {}
    for applied in reply.applied:
        counts[applied.check] = counts.get(applied.check, 0) + 1
    fixed = ", ".join(f"{check} ×{n}" if n > 1 else check for check, n in counts.items())
    left = len(reply.report.findings)
    line = f"{reply.path}: fixed {len(reply.applied)}" + (f" ({fixed})" if fixed else "") + f", {left} remaining"
    if reply.unsafe_available:
        line += f" ({reply.unsafe_available} fixable with --unsafe-fixes)"
    stream.write(line + "\n")
    stream.write("".join(_unsafe_notes(reply)))
    if reply.report.findings:
        stream.write(render(CheckRun(notebooks=[reply.report]), wants_colour(stream)))


def _unsafe_notes(reply) -> list[str]:
    """What each unsafe fix applied (or, with --diff, would apply) may change, once per note: the
    variable to set, the outputs cleared, the messages that move to the log — naming every place
    it was applied, in the notebook as it was before fixing."""
    places: dict[tuple[str, str], list[str]] = {}
    titles: dict[tuple[str, str], str] = {}
    for applied in reply.applied:
        if applied.safe or not applied.note:
            continue
        where = "notebook" if applied.cell_index is None else f"cell {applied.cell_index + 1}"
        where += f":{applied.line}" if applied.cell_index is not None and applied.line else ""
        key = (applied.check, applied.note)
        titles.setdefault(key, applied.title)
        if where not in places.setdefault(key, []):
            places[key].append(where)
    return [
        f"  unsafe fix, {', '.join(where)} {check}: {titles[check, note]}. {note}\n"
        for (check, note), where in places.items()
    ]
