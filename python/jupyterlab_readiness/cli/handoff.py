"""``jupyter-readiness waive | test-export | ci init``: the handoff contract's helpers. ``waive``
and ``ci init`` plan with their action's ``plan`` and write with ``apply``, as the server does;
``test-export`` runs the exported package's tests and records the outcome as evidence."""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import os
import subprocess
import sys
import time
from pathlib import Path

from .codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE

PROG = "jupyter-readiness"


def run_waive(args: argparse.Namespace) -> int:
    from ..actions.errors import ActionRefused
    from ..actions.plan import apply
    from ..actions.source import NoSuchNotebook
    from ..actions.waive import plan as waive
    from ..contract.requests import WaiveRequest
    from ..files import OutsideRoot, Root, Unreadable, Unwritable
    from ..handoff.spec import ContractError
    from ..notebook.model import NotebookError

    try:
        expires = dt.date.fromisoformat(args.expires) if args.expires else None
    except ValueError:
        print(f"{PROG}: not waived: --expires takes a date like 2026-06-30", file=sys.stderr)
        return EXIT_USAGE
    root = Root(None)
    try:
        request = WaiveRequest(
            path=args.notebook, check=args.check, cell_id=args.cell, reason=args.reason, expires=expires
        )
        with waive.project_lock(Path(os.path.abspath(args.notebook)).parent, root):
            plan = waive.plan(request, root, dt.date.today())
            if not args.dry_run:
                apply(plan, root)
    except (ActionRefused, NotebookError, ContractError) as exc:
        print(f"{PROG}: not waived: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Unwritable as exc:  # the contract's file, when the waiver was ready to be written
        print(f"{PROG}: not waived: cannot write {plan.reply.file}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (NoSuchNotebook, Unreadable, OutsideRoot) as exc:
        print(f"{PROG}: not waived: cannot read a file: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError:  # pydantic: an empty reason or check
        print(f"{PROG}: not waived: --check, --cell or --reason is empty or too long", file=sys.stderr)
        return EXIT_USAGE
    reply = plan.reply
    sys.stdout.writelines(
        difflib.unified_diff(
            reply.before.splitlines(True), reply.after.splitlines(True), f"a/{reply.file}", f"b/{reply.file}"
        )
    )
    verb = "would replace" if args.dry_run and reply.replaced else "replaced" if reply.replaced else "added"
    verb = "would add" if args.dry_run and not reply.replaced else verb
    where = f"cell {reply.waiver.cell}" if reply.waiver.cell else "the whole notebook"
    print(f"{reply.file}: {verb} a waiver of {reply.waiver.check} in {where} of {reply.waiver.notebook}")
    return EXIT_OK


# ---------------------------------------------------------------- test-export


def run_test_export(args: argparse.Namespace) -> int:
    from ..actions.export.plan import MANIFEST, default_name, exported_from
    from ..files import Root
    from ..handoff.evidence import package_fingerprint, package_tests_path, package_tests_record
    from ..notebook.fingerprint import code_fingerprint
    from ..notebook.model import NotebookError, read_notebook

    notebook_path = Path(args.notebook)
    try:
        notebook = read_notebook(notebook_path)
    except NotebookError as exc:
        print(f"{PROG}: not tested: {exc}", file=sys.stderr)
        return EXIT_USAGE
    package = Path(args.package) if args.package else notebook_path.parent / default_name(notebook, notebook_path)
    # --package may name a package the team keeps by hand (a pyproject.toml, no export manifest);
    # any other folder has no tests to record
    is_package = (package / MANIFEST).is_file() or (args.package is not None and (package / "pyproject.toml").is_file())
    if not package.is_dir() or not is_package:
        print(
            f"{PROG}: not tested: no exported package in {package}: export the notebook first "
            f"(jupyter-readiness export {notebook_path}), or name its folder with --package",
            file=sys.stderr,
        )
        return EXIT_USAGE
    root = Root(None)
    digest = package_fingerprint(package, root)
    if digest is None:
        print(f"{PROG}: not tested: the files of {package} cannot all be read", file=sys.stderr)
        return EXIT_USAGE
    exported_key = exported_from(package, root)
    command = recorded = list(args.test_command)
    env = dict(os.environ)
    if not command:
        import importlib.util

        if importlib.util.find_spec("pytest") is None:
            # `python -m pytest` would exit 1 and be recorded as failing tests, over a passing record
            print(
                f"{PROG}: not tested: pytest is not installed in this Python ({sys.executable}): install it, "
                "or give the command that runs the package's tests after --",
                file=sys.stderr,
            )
            return EXIT_USAGE
        command = [sys.executable, "-m", "pytest", "-q"]
        # the record is committed: this machine's interpreter path (a home folder, a user name) stays out of it
        recorded = ["python", "-m", "pytest", "-q"]
        src = str((package / "src").resolve())
        env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p)
    started = time.monotonic()
    try:
        exit_code, summary = _run(command, package, env)
    except OSError as exc:
        print(f"{PROG}: not tested: cannot run {command[0]}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    record = package_tests_record(
        notebook,
        notebook_path,
        package,
        digest,
        recorded,
        exit_code,
        summary,
        time.monotonic() - started,
        dt.datetime.now(dt.timezone.utc),
        exported_key,
    )
    written = package_tests_path(notebook_path)
    root.write(written, record)
    outcome = "passed" if exit_code == 0 else f"failed (exit code {exit_code})"
    print(f"{PROG}: the tests of {package} {outcome}; recorded in {written}", file=sys.stderr)
    if exported_key is not None and exported_key != code_fingerprint(notebook):
        # after the tests' own output, where it is read
        print(
            f"{PROG}: warning: {package} was exported before the notebook's last code change: its tests "
            f"say nothing about the code now, and the contract will not count them; export it again "
            f"(jupyter-readiness export {notebook_path}) and re-run test-export",
            file=sys.stderr,
        )
    return EXIT_OK if exit_code == 0 else EXIT_FINDINGS


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run the command, its output passed through; (exit code, its last non-empty line)."""
    last = ""
    with subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            if line.strip():
                last = line.strip().strip("=").strip()
    return process.returncode, last[:200]


# ---------------------------------------------------------------- ci init


def run_ci(args: argparse.Namespace) -> int:
    from ..actions.ci import plan as ci
    from ..actions.plan import apply
    from ..files import OutsideRoot, Root, Unreadable

    if not Path(args.repo).is_dir():
        # a mistyped --repo would otherwise become a new folder holding only the workflow
        print(f"{PROG}: ci init: --repo: no such folder: {args.repo}", file=sys.stderr)
        return EXIT_USAGE
    repository = _repository(Path(args.repo))
    provider = args.provider or ("gitlab" if (repository / ".gitlab-ci.yml").is_file() else "github")
    root = Root(repository)  # a workflow goes into the repository: never through a link out of it
    try:
        plan = ci.plan(provider, repository, root, force=args.force)
        if not plan.reply.conflicts and not args.dry_run:
            apply(plan, root)
    except OutsideRoot:
        print(
            f"{PROG}: ci init: nothing written: a link on the workflow's path leads out of the repository",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except (OSError, Unreadable) as exc:  # a folder where the file goes, a file where a folder goes
        print(f"{PROG}: ci init: nothing written: {exc.strerror if isinstance(exc, OSError) else exc}", file=sys.stderr)
        return EXIT_USAGE
    for file in plan.reply.files:
        print(f"{file.status:>9}  {Root(None).shown(repository / file.path)}")
    for note in plan.reply.notes:
        print(f"note: {note}")
    if plan.reply.conflicts:
        print(
            f"{PROG}: ci init: nothing written: {', '.join(plan.reply.conflicts)} exists and differs "
            "(--force overwrites it)",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    if args.dry_run:
        print("(dry run: nothing written)")
    return EXIT_OK


def _repository(start: Path) -> Path:
    """The repository's top folder (the nearest with .git), else the folder given."""
    start = start.resolve()
    return next((folder for folder in (start, *start.parents) if (folder / ".git").exists()), start)
