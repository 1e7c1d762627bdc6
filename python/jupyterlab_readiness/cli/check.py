"""``jupyter-readiness check``: the checks as a CI gate — every notebook of the paths given, reported
as text, JSON or SARIF; the exit code says whether anything reached ``--fail-on``."""

from __future__ import annotations

import argparse
import json
import sys

from .codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE

_FAIL_RANK = {"info": 0, "warning": 1, "error": 2}


def run_check(args: argparse.Namespace) -> int:
    # Imported here so `--help` and `--version` stay instant.
    from ..actions.rehearse.baseline import read_record
    from ..contract.report import CheckRun
    from ..files import Root
    from ..lint.config import CheckConfig, ConfigError, project_config
    from ..lint.discovery import notebook_paths
    from ..lint.engine import check_file, failed_report

    try:
        CheckConfig().with_flags(args.disable, args.enable)
    except ConfigError as exc:
        print(f"jupyter-readiness: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    root = Root(None)
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
        reports.append(
            check_file(path, config, memoize=False, rehearsal=read_record(path, root), fixes=_fix_options(args))
        )
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
            from ..contract.report import to_dict

            data = to_dict(run)
        # Indented for a person at a terminal; compact otherwise, where json's C encoder does the
        # work (indenting switches to its pure-Python encoder, slower than the checks themselves).
        indent = 2 if sys.stdout.isatty() else None
        sys.stdout.write(json.dumps(data, indent=indent, ensure_ascii=False) + "\n")
    else:
        from .text import write

        write(run, sys.stdout)


def _fix_options(args: argparse.Namespace):
    """With ``--show-fixes``, each finding's fixes (a plain check computes none)."""
    if not getattr(args, "show_fixes", False):
        return None
    from ..fixes.options import FixOptions

    return FixOptions.at_now()
