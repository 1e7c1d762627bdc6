"""``jupyter-readiness`` / ``python -m jupyterlab_readiness``: the checks as a CI gate.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 bad usage, or any
notebook that could not be read (the others are still checked and reported).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import sys
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from ..notebook.collector import RARE

CHECK_FORMATS = ("text", "json", "sarif")
FAIL_ON = ("error", "warning", "info", "never")
# ``check``'s options as plain_check takes them: the attribute each sets (parser.py declares them).
_CHECK_FLAGS = {"--show-fixes": "show_fixes", "--no-cache": "no_cache"}
_CHECK_VALUES = {
    "--format": "format",
    "--fail-on": "fail_on",
    "--changed-since": "changed_since",
    "--shard": "shard",
    "--jobs": "jobs",
    "-j": "jobs",
    "--cache-dir": "cache_dir",
}
_CHECK_LISTS = {"--disable": "disable", "--enable": "enable"}
_CHECK_CHOICES = {"format": CHECK_FORMATS, "fail_on": FAIL_ON}


def plain_check(given: list[str]) -> SimpleNamespace | None:
    """What argparse would make of a ``check`` command line that is plain: known options spelled
    in full, each value neither empty nor starting with "-" and valid, the paths one run. None for
    any other (argparse parses it and words its errors). Importing argparse and building the
    parser cost more than a CI run's set-up; CI's command lines are plain ones."""
    values: dict[str, Any] = {
        "command": "check",
        "paths": [],
        "format": "text",
        "fail_on": "error",
        "show_fixes": False,
        "disable": [],
        "enable": [],
        "changed_since": None,
        "shard": None,
        "jobs": None,
        "cache_dir": None,
        "no_cache": False,
    }
    paths_ended = False
    words = iter(given[1:])
    for word in words:
        if word and not word.startswith("-"):
            if paths_ended:  # argparse takes one run of paths and refuses more
                return None
            values["paths"].append(word)
            continue
        paths_ended = bool(values["paths"])
        option, equals, value = word.partition("=")
        if option in _CHECK_FLAGS and not equals:
            values[_CHECK_FLAGS[option]] = True
            continue
        name = _CHECK_VALUES.get(option) or _CHECK_LISTS.get(option)
        value = value if equals else next(words, "")
        if name is None or not value or value.startswith("-"):
            return None
        if name == "jobs":
            try:  # as parser.py's _positive
                value = int(value)
            except ValueError:
                return None
            if value < 1:
                return None
        elif value not in _CHECK_CHOICES.get(name, (value,)):
            return None
        if option in _CHECK_LISTS:
            values[name].append(value)
        else:
            values[name] = value
    return SimpleNamespace(**values) if values["paths"] else None


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:  # the reader went away (`| head`): nothing left to say, and no traceback
        import os

        # the interpreter flushes stdout once more at exit, which would fail the same way
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 120  # Python's own exit status for an unwritable stdout
    except OSError as exc:
        if exc.errno not in _FULL:
            raise
        return _unwritable(exc)


# Where the output cannot go on: a full disk or quota, a file too large, a failing device.
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def _unwritable(exc: OSError) -> int:
    """A clear line instead of a traceback, and Python's own exit status for an unwritable stdout
    (never 1, which says the notebooks have findings)."""
    import os

    with contextlib.suppress(OSError):
        print(f"jupyter-readiness: error: cannot write the output: {exc.strerror}", file=sys.stderr)
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the interpreter's last flush
    return 120


def _run(argv: Sequence[str] | None) -> int:
    # A short-lived process that makes millions of objects and few cycles (syntax trees and facts
    # hold none and are freed by reference counting): the cyclic collector's default rhythm would
    # re-scan them for nothing, from the imports on (about 7% of checking one large notebook).
    gc.set_threshold(*RARE)
    given = sys.argv[1:] if argv is None else list(argv)
    args = plain_check(given) if given[:1] == ["check"] else None
    if args is None:
        from .parser import parse_args

        args = parse_args(given)
    if args.command == "rehearse":
        from .rehearse import run as run_rehearse

        return run_rehearse(args)
    if args.command in ("freeze", "extract", "export"):
        from . import actions

        return getattr(actions, f"run_{args.command}")(args)
    if args.command == "contract":
        from .contract import run_contract

        return run_contract(args)
    if args.command in ("waive", "test-export", "ci"):
        from . import handoff

        return getattr(handoff, f"run_{args.command.replace('-', '_')}")(args)
    if args.command == "fix":
        from .fix import run_fix

        return run_fix(args)
    from .check import run_check

    code = run_check(args)
    if argv is None:
        _exit_now(code)
    return code


def _exit_now(code: int) -> None:
    """End a process that is the command and nothing else (the console script, ``python -m``)
    without the interpreter's teardown: freeing every object and module one by one, and a last
    full collection, cost a few percent of checking a large notebook for nothing. Output is
    flushed first; the run's files were all closed or atomically renamed already."""
    import os

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away (`| head`): Python's own exit status for it
        os._exit(120)
    except OSError as exc:
        if exc.errno not in _FULL:
            raise
        os._exit(_unwritable(exc))
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
