"""Fixes for state that lives only in the kernel: the code that defined a name, taken from the
kernel's history, inserted as a cell above the first cell that reads it (checks/live.py finds it).
Unsafe: it brings back code someone deleted."""

from __future__ import annotations

from ..checks.context import Hit
from ..checks.live import deleted_definition
from ..contract.fixes import Edit, Fix, InsertCell
from ..contract.report import Finding
from .commands import restart_and_run_all
from .view import FixEnv, ordered


def hidden_state(env: FixEnv, finding: Finding, hit: Hit) -> list[Fix]:
    name = hit.subject
    if name is None or env.ctx.kernel is None:
        return []
    restored = _restore(env, [name])
    return [restored] if restored is not None else []


def kernel_only_state(env: FixEnv, finding: Finding, hit: Hit) -> list[Fix]:
    fixes = []
    names = [h.subject for f, h in env.of_check("hidden-state") if h.subject is not None]
    restored = _restore(env, list(dict.fromkeys(names))) if names else None
    if restored is not None:
        fixes.append(restored)
    if env.options.commands:
        fixes.append(restart_and_run_all())
    return fixes


def _restore(env: FixEnv, names: list[str]) -> Fix | None:
    """One cell per piece of history that defines some of ``names``, above the first cell that
    reads the first of them."""
    first_use: dict[str, int] = {}
    for f, h in env.of_check("hidden-state"):
        if h.subject in names and f.cell_index is not None:
            first_use[h.subject] = min(first_use.get(h.subject, f.cell_index), f.cell_index)
    inserts: dict[int, tuple[int, str]] = {}  # execution count → (above which cell, code)
    restored: list[str] = []
    for name in names:
        found = deleted_definition(env.ctx, name)
        if found is None or name not in first_use:
            continue
        count, code = found
        index = min(first_use[name], inserts.get(count, (first_use[name], ""))[0])
        inserts[count] = (index, code)
        restored.append(name)
    if not inserts:
        return None
    edits: list[Edit] = [
        InsertCell(index=index, cell_type="code", source=code, tags=[]) for _, (index, code) in sorted(inserts.items())
    ]
    shown = ", ".join(f"`{n}`" for n in restored)
    counts = ", ".join(f"[{c}]" for c in sorted(inserts))
    return Fix(
        "restore-definition",
        f"Restore the code that defined {shown}",
        False,
        ordered(edits),
        note=f"Inserts code you ran as {counts} and later deleted (from the kernel's history) above its first "
        "use: check that it is still what the notebook should do.",
    )
