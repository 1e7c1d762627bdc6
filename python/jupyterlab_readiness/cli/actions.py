"""``jupyter-readiness freeze | extract | export``: the actions from the command line. Each builds
the same request the REST API receives, plans with the action's ``plan`` and writes with
``apply`` — the server does exactly the same — then prints a summary, a diff or the JSON reply."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Callable
from pathlib import Path

from .codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from .text import where

PROG = "jupyter-readiness"


def run_freeze(args: argparse.Namespace) -> int:
    from ..actions.freeze import plan as freeze
    from ..actions.plan import apply
    from ..actions.source import load
    from ..checks.context import Context
    from ..contract.requests import FreezeRequest

    def act(root):
        source = load(args.notebook, None, root)
        if not source.model.is_python:
            raise _Refusal(f"freeze pins Python packages; the kernel language is {source.model.language!r}")
        typed = dict(args.pin)
        if len(typed) < len(args.pin):
            raise _Refusal("--pin names a module twice; give each one version")
        request = FreezeRequest(
            path=args.notebook, target=args.target, lock=args.lock, write=not args.dry_run, versions=typed
        )
        want = freeze.wanted(source.model, Context(source.model, source.path).is_local_module)
        plan = freeze.plan(request, _installed(want, closure=args.lock), root, source)
        if request.write:
            apply(plan, root)
        return plan

    plan = _attempt(act, "error")
    if plan is None:
        return EXIT_USAGE
    reply = plan.reply
    if args.format == "json":
        return _print_json(reply, EXIT_OK)
    files = [(reply.file, reply.before, reply.after)]
    if reply.lock is not None:
        files.append((reply.lock.file, reply.lock.before, reply.lock.after))
    for file, before, after in files:
        if before != after:
            sys.stdout.writelines(
                difflib.unified_diff(before.splitlines(True), after.splitlines(True), f"a/{file}", f"b/{file}")
            )
    if all(before == after for _, before, after in files):
        # with names unresolved, not "everything": those are listed below
        installed = " that is installed" if reply.unresolved else ""
        print(f"{reply.file} already pins everything the notebook uses{installed}.")
    for name in reply.unresolved:
        print(
            f"unresolved: {name} (no installed distribution provides it; install it and freeze again, or give its "
            f"version with --pin {name}==VERSION, or {name}=DISTRIBUTION==VERSION when its package has another name; "
            "or remove it from the notebook)"
        )
    for warning in reply.warnings:
        print(f"warning: {warning}")
    if args.dry_run:
        print("(dry run: nothing written)")
    return EXIT_OK


def run_extract(args: argparse.Namespace) -> int:
    from ..actions.extract import plan as extraction
    from ..actions.fix.text import dumps_like
    from ..actions.plan import apply
    from ..contract.requests import ExtractRequest

    def act(root):
        request = ExtractRequest(
            path=args.notebook, cell_indices=_cell_list(args.cells), module=args.module, function=args.function
        )
        plan = extraction.plan(request, root)
        path = Path(args.notebook)
        out = path if args.in_place else Path(args.out) if args.out else path.with_name(f"{path.stem}.extracted.ipynb")
        original = root.read_text(path)
        # the notebook's own JSON style: an --in-place write changes only the extracted cells' lines
        text = dumps_like(original, json.loads(original) if original else None, plan.notebook)
        existing = root.read_text(out)
        if not args.in_place and existing is not None and existing != text:
            raise _Refusal(f"{root.shown(out)} exists and differs; remove it or choose --out")
        plan.writes[root.confine(out)] = text
        apply(plan, root)
        return plan, root.shown(out)

    done = _attempt(act, "not extracted")
    if done is None:
        return EXIT_USAGE
    plan, out = done
    reply = plan.reply
    if reply.definitions:  # no function: the definitions moved as they are
        print(f"{reply.module_file}: moves {', '.join(reply.definitions)} as they are")
        replaced_by = "an import of them"
    else:
        returns = ", ".join(reply.returns) or "nothing"
        print(f"{reply.module_file}: {reply.function}({', '.join(reply.parameters)}) → {returns}")
        replaced_by = "a call to it"
    first, last = reply.cell_indices[0], reply.cell_indices[-1]
    shown = f"cell {first + 1}" if first == last else f"cells {first + 1}-{last + 1}"  # as JupyterLab shows them
    print(f"{out}: {shown} (--cells {first}-{last}) replaced by {replaced_by}")
    for warning in reply.warnings:
        print(f"warning: {warning}")
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    from ..actions.export import plan as export
    from ..actions.plan import apply
    from ..actions.source import load
    from ..contract.requests import ExportRequest

    def act(root):
        source = load(args.notebook, None, root)
        request = ExportRequest(
            path=args.notebook,
            name=args.name,
            out=args.out,
            template=args.template or None,
            contact=args.contact,
            write=not args.dry_run,
        )
        want = export.wanted(source.model, source.path, root.ceiling) if source.model.is_python else None
        plan = export.plan(request, _installed(want, closure=False), root, source)
        if request.write and not plan.reply.refused:
            apply(plan, root)
        return plan

    plan = _attempt(act, "not exported")
    if plan is None:
        return EXIT_USAGE
    reply = plan.reply
    if args.format == "json":
        return _print_json(reply, EXIT_FINDINGS if reply.refused or reply.conflicts else EXIT_OK)
    if reply.refused:
        print(f"{PROG}: not exported: {reply.refused}", file=sys.stderr)
        for finding in reply.blocking:  # numbered as JupyterLab and ``check`` number the cells, from 1
            print(f"  {where(finding)}: [{finding.check}] {finding.message}", file=sys.stderr)
            print(f"    → {finding.suggestion}", file=sys.stderr)
        return EXIT_FINDINGS
    verb = "would write" if args.dry_run else "wrote"
    for file in reply.files:
        print(f"{file.status:>9}  {reply.out}/{file.path}")
    parameters = ", ".join(f"{p.name}: {p.type} = {p.default}" for p in reply.parameters) or "none"
    steps = ", ".join(s.function for s in reply.steps)
    print(f"{reply.distribution}: {len(reply.steps)} steps ({steps}); parameters: {parameters}")
    changed = sum(1 for f in reply.files if f.status in ("create", "update"))
    print(f"{verb} {changed} file{'s' if changed != 1 else ''}; readiness score at export {reply.score}/100")
    for conflict in reply.conflicts:
        print(
            f"conflict: {reply.out}/{conflict} is not what the last export wrote (edited since, or there "
            "before the first export): left as it is (delete it to get the new version)"
        )
    for name in reply.unresolved:
        print(f"unresolved: {name} (no installed distribution provides it: not in the dependencies)")
    for warning in reply.warnings:
        print(f"warning: {warning}")
    for finding in reply.weakening:  # what the export dialog lists as "Weakens the package"
        print(f"weakens the package: {where(finding)}: [{finding.check}] {finding.message}")
    return EXIT_FINDINGS if reply.conflicts else EXIT_OK


def _installed(want, *, closure: bool):
    """What this Python has installed of what the notebook wants (the server asks the kernel)."""
    from ..environment.answer import Environment
    from ..environment.kernel.distributions import local_environment

    if want is None:
        return Environment()
    return Environment.from_answer(local_environment(want.modules, want.installs, closure=closure))


class _Refusal(Exception):
    """A reason the command line gives for not acting (bad arguments, an existing file)."""


def _attempt(act: Callable, verb: str):
    """What ``act(root)`` returned, or None after printing why it could not act."""
    from pydantic import ValidationError

    from ..actions.errors import ActionRefused
    from ..actions.source import NoSuchNotebook
    from ..files import OutsideRoot, Root, Unreadable
    from ..notebook.model import NotebookError

    root = Root(None)
    try:
        return act(root)
    except (ActionRefused, NotebookError, _Refusal) as exc:
        print(f"{PROG}: {verb}: {exc}", file=sys.stderr)
    except ValidationError as exc:  # an argument the request model refuses (too long, empty)
        problems = "; ".join(f"--{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        print(f"{PROG}: {verb}: {problems}", file=sys.stderr)
    except (NoSuchNotebook, Unreadable, OutsideRoot) as exc:
        print(f"{PROG}: {verb}: cannot read a file: {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"{PROG}: {verb}: {exc.strerror or exc}", file=sys.stderr)
    return None


def _print_json(reply, code: int) -> int:
    from ..contract.report import to_dict

    sys.stdout.write(json.dumps(to_dict(reply), ensure_ascii=False) + "\n")
    return code


def _cell_list(text: str) -> list[int]:
    cells: list[int] = []
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            raise _Refusal(f"--cells takes indices like 3-5 or 3,4,5, not {text!r}")
        if dash and int(last) < int(first):
            raise _Refusal(f"--cells {part.strip()} is backwards: write the first cell first ({last}-{first})")
        cells.extend(range(int(first), int(last) + 1) if dash else [int(first)])
    return cells
