"""The check catalogue: id, family, checklist item, default severity, rationale, function.

Adding a check is one module under ``checks/`` and one entry here. Ids are a public contract.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..contract.report import Severity
from . import (
    determinism,
    execution,
    hidden_state,
    kernel,
    live,
    observability,
    outputs,
    paths,
    pinning,
    secrets,
    structure,
    syntax,
    writes,
)
from .context import Context, Hit

# Checklist items, in the order shown; the score is built from them.
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("pinned-environment", "Pinned environment"),
    ("deterministic-inputs", "Deterministic inputs"),
    ("idempotent-writes", "Idempotent writes"),
    ("reproducible-execution", "Reproducible execution"),
    ("observability", "Observability"),
    ("secrets", "No secrets in code"),
    ("packaged-code", "Packaged code"),
)


@dataclass(frozen=True)
class CheckSpec:
    id: str
    family: str
    item: str
    severity: Severity
    rationale: str
    run: Callable[[Context], Iterable[Hit]]
    python_only: bool = True
    live: bool = False  # needs the notebook's running kernel (the server probes it; the CLI never runs it)
    rehearsal: bool = False  # produced only by a rehearsal (two fresh runs); the engine adds them from its record


def _from_a_rehearsal(ctx: Context) -> Iterable[Hit]:
    """Dynamic checks have no static part: their findings come from ``actions/rehearse``."""
    return ()


CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec(
        "out-of-order-execution",
        "execution",
        "reproducible-execution",
        "warning",
        "Saved results came from an execution order a top-to-bottom run does not replay.",
        execution.out_of_order_execution,
        python_only=False,
    ),
    CheckSpec(
        "unexecuted-cell",
        "execution",
        "reproducible-execution",
        "warning",
        "A skipped cell means later results never saw its effect.",
        execution.unexecuted_cell,
        python_only=False,
    ),
    CheckSpec(
        "hidden-state",
        "hidden_state",
        "reproducible-execution",
        "error",
        "A name read before any cell above defines it works only in the author's kernel.",
        hidden_state.hidden_state,
    ),
    CheckSpec(
        "edited-since-run",
        "live",
        "reproducible-execution",
        "warning",
        "Output and kernel state that come from code no longer in the cell mislead whoever reads them.",
        live.edited_since_run,
        live=True,
    ),
    CheckSpec(
        "kernel-only-state",
        "live",
        "reproducible-execution",
        "warning",
        "Names that exist only in the kernel vanish at the next restart, and so does the code that made them.",
        live.kernel_only_state,
        live=True,
    ),
    CheckSpec(
        "syntax-error",
        "syntax",
        "reproducible-execution",
        "error",
        "A cell that does not parse stops every unattended run.",
        syntax.syntax_error,
    ),
    CheckSpec(
        "error-output",
        "outputs",
        "reproducible-execution",
        "warning",
        "A saved traceback shows the last run did not succeed.",
        outputs.error_output,
        python_only=False,
    ),
    CheckSpec(
        "wall-clock",
        "determinism",
        "deterministic-inputs",
        "warning",
        "Reading the current time makes results depend on when the run happens.",
        determinism.wall_clock,
    ),
    CheckSpec(
        "unseeded-random",
        "determinism",
        "deterministic-inputs",
        "warning",
        "Unseeded randomness makes every run different and failures unreproducible.",
        determinism.unseeded_random,
    ),
    CheckSpec(
        "absolute-path",
        "paths",
        "deterministic-inputs",
        "warning",
        "A path into one person's home directory fails on every other machine.",
        paths.absolute_path,
    ),
    CheckSpec(
        "unpinned-import",
        "pinning",
        "pinned-environment",
        "warning",
        "An unpinned dependency changes under the notebook when it is reinstalled.",
        pinning.unpinned_import,
    ),
    CheckSpec(
        "unpinned-install",
        "pinning",
        "pinned-environment",
        "warning",
        "Installing without a version inside the notebook makes every run's environment different.",
        pinning.unpinned_install,
    ),
    CheckSpec(
        "append-write",
        "writes",
        "idempotent-writes",
        "warning",
        "Appending makes a rerun duplicate its output instead of replacing it.",
        writes.append_write,
    ),
    CheckSpec(
        "hardcoded-secret",
        "secrets",
        "secrets",
        "error",
        "Credentials in a notebook leak with every copy and commit of it.",
        secrets.hardcoded_secret,
    ),
    CheckSpec(
        "print-logging",
        "observability",
        "observability",
        "info",
        "print output vanishes with the kernel; logs are what an unattended run leaves behind.",
        observability.print_logging,
    ),
    CheckSpec(
        "unpackaged-code",
        "structure",
        "packaged-code",
        "info",
        "Code that lives only in notebook cells cannot be imported, tested or scheduled.",
        structure.unpackaged_code,
    ),
    CheckSpec(
        "non-python-kernel",
        "kernel",
        "reproducible-execution",
        "info",
        "Only language-agnostic checks apply to a notebook whose kernel is not Python.",
        kernel.non_python_kernel,
        python_only=False,
    ),
    # Dynamic checks: from a rehearsal (two runs in fresh kernels, in a scratch copy of the folder).
    CheckSpec(
        "rehearsal-error",
        "rehearsal",
        "reproducible-execution",
        "error",
        "A cell that raises in a fresh kernel stops every unattended run, whatever the saved outputs show.",
        _from_a_rehearsal,
        rehearsal=True,
    ),
    CheckSpec(
        "output-mismatch",
        "rehearsal",
        "reproducible-execution",
        "warning",
        "Saved outputs that a fresh run does not reproduce describe a past state, not the code.",
        _from_a_rehearsal,
        rehearsal=True,
    ),
    CheckSpec(
        "nondeterministic-output",
        "rehearsal",
        "deterministic-inputs",
        "warning",
        "A cell whose output changes from run to run cannot be checked against yesterday's.",
        _from_a_rehearsal,
        rehearsal=True,
    ),
    CheckSpec(
        "external-input",
        "rehearsal",
        "deterministic-inputs",
        "warning",
        "Files outside the project and network hosts are inputs another machine, or another day, does not have.",
        _from_a_rehearsal,
        rehearsal=True,
    ),
    CheckSpec(
        "non-idempotent-write",
        "rehearsal",
        "idempotent-writes",
        "error",
        "A file that a second run leaves different from the first doubles or drifts on every scheduled run.",
        _from_a_rehearsal,
        rehearsal=True,
    ),
    CheckSpec(
        "write-outside-folder",
        "rehearsal",
        "idempotent-writes",
        "error",
        "Writing outside the project folder changes files that no run of the project owns.",
        _from_a_rehearsal,
        rehearsal=True,
    ),
)

BY_ID: dict[str, CheckSpec] = {spec.id: spec for spec in CHECKS}
