"""Each finding's fixes, computed only when asked for (the server's check, ``check --show-fixes``,
``fix``): one module per check family, like the checks, and the ``ignore`` fix on every finding.

Fixes never carry a credential: a cell with a hardcoded-secret finding gets no fix that writes its
source other than the one that removes every credential from it (the ignore fix inserts a comment
and carries no source). A fix that fails to compute is left out; the finding stays.
"""

from __future__ import annotations

from collections.abc import Callable

from ..checks.context import Context, Hit
from ..contract.fixes import Fix, ReplaceSource
from ..contract.report import Finding
from ..notebook.collector import collector_paused
from ..notebook.run_memo import one_run
from . import commands, determinism, observability, paths, pinning, secrets, state, writes
from .ignore import ignore_fix
from .options import FixOptions
from .view import FixEnv

FixFunction = Callable[[FixEnv, Finding, Hit], list[Fix]]

FAMILIES: dict[str, tuple[FixFunction, ...]] = {
    "wall-clock": (determinism.wall_clock,),
    "unseeded-random": (determinism.unseeded_random,),
    "absolute-path": (paths.absolute_path,),
    "hardcoded-secret": (secrets.hardcoded_secret,),
    "append-write": (writes.append_write,),
    "print-logging": (observability.print_logging,),
    "unpinned-install": (pinning.unpinned_install, commands.freeze),
    "unpinned-import": (commands.freeze,),
    "hidden-state": (state.hidden_state,),
    "kernel-only-state": (state.kernel_only_state,),
    "error-output": (commands.error_output,),
    "out-of-order-execution": (commands.execution,),
    "unexecuted-cell": (commands.execution,),
    "edited-since-run": (commands.execution,),
    "unpackaged-code": (commands.extract,),
}
SECRET_FIX = "secret-from-environment"


def attach(ctx: Context, findings: list[Finding], hits: list[Hit], options: FixOptions) -> None:
    """Set ``fixes`` on each finding (``hits`` in step with ``findings``). One run: a cell's tree
    is parsed once for all its findings' fixes, and dropped with them. The trees of a large
    notebook are a million objects that full collections walk again and again while the run keeps
    them, each holding the interpreter's lock for most of a second (the server stood still that
    long during a fix or a check with fixes); so the collector is paused, as for an export."""
    with collector_paused(), one_run():
        _attach(ctx, findings, hits, options)


def _attach(ctx: Context, findings: list[Finding], hits: list[Hit], options: FixOptions) -> None:
    env = FixEnv(ctx, options, findings, hits)
    secret_cells = {f.cell_index for f in findings if f.check == "hardcoded-secret"}
    for finding, hit in zip(findings, hits, strict=True):
        fixes: list[Fix] = []
        if options.select is None or finding.check in options.select:
            if finding.file is None:  # a finding in a local module: its code is not in the notebook
                fixes = _computed(env, finding, hit)
            if secret_cells:
                fixes = [f for f in fixes if f.id == SECRET_FIX or not _writes_cells(f, secret_cells)]
            if options.ignore:
                ignore = _safely(ignore_fix, ctx, finding)
                if ignore:
                    fixes.append(ignore)
        finding.fixes = fixes


def _computed(env: FixEnv, finding: Finding, hit: Hit) -> list[Fix]:
    fixes: list[Fix] = []
    for function in FAMILIES.get(finding.check, ()):
        fixes.extend(_safely(function, env, finding, hit) or ())
    return fixes


def _safely(function, *args):
    try:
        return function(*args)
    except Exception:  # noqa: BLE001 - a fix that cannot be computed for odd code is left out, never a failed check
        return None


def _writes_cells(fix: Fix, cells: set[int | None]) -> bool:
    return any(isinstance(e, ReplaceSource) and e.cell_index in cells for e in fix.edits)
