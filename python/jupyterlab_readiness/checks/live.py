"""Checks that compare the notebook with its live kernel (run only when a kernel was probed)."""

from __future__ import annotations

from collections.abc import Iterator

from ..notebook.names import KERNEL_NAMESPACE
from .context import Context, Hit

_MAX_QUOTED = 400


def edited_since_run(ctx: Context) -> Iterator[Hit]:
    kernel = ctx.kernel
    if kernel is None:
        return
    sources = {c.source for c in ctx.notebook.cells if c.cell_type == "code"}
    stale: list[int] = []
    for cell in ctx.notebook.cells:
        count = cell.execution_count
        if cell.cell_type != "code" or count is None:
            continue
        ran = kernel.history.get(count)
        if ran is None or (ran != cell.source and ran in sources):
            # This kernel never produced that count, or it ran another cell's code: the output
            # comes from an earlier kernel session (typically a notebook just reopened).
            stale.append(cell.index)
        elif ran.rstrip() != cell.source.rstrip():
            yield Hit(
                cell.index,
                None,
                f"This cell was edited after it ran as [{count}]: its output and the kernel's state come from the old "
                "code.",
                "Run the cell again (and the cells below it that use its results).",
            )
    if stale:
        # One finding, not one per cell: after reopening a notebook every output is stale, and
        # a marker on each cell would drown the findings that matter.
        shown = ", ".join(str(i + 1) for i in stale[:10]) + (f" and {len(stale) - 10} more" if len(stale) > 10 else "")
        yield Hit(
            None,
            None,
            f"The saved outputs of {len(stale)} cell{'s' if len(stale) > 1 else ''} (cell {shown}) come from an "
            "earlier kernel session, not from the running kernel.",
            "Restart the kernel and run all cells so the outputs match what the code does now.",
            cells=tuple(stale),
        )


def kernel_only_state(ctx: Context) -> Iterator[Hit]:
    kernel = ctx.kernel
    if kernel is None:
        return
    defined: set[str] = set()
    for _, facts in ctx.code:
        if facts.star_import_line is not None:
            return  # a star import or %run defines names nobody can list: never guess
        defined |= facts.binds
    orphans = sorted(
        name for name in kernel.names - defined if not name.startswith("_") and name not in KERNEL_NAMESPACE
    )
    if not orphans:
        return
    shown = ", ".join(f"`{n}`" for n in orphans[:12]) + (f" and {len(orphans) - 12} more" if len(orphans) > 12 else "")
    yield Hit(
        None,
        None,
        f"The kernel holds {len(orphans)} name{'s' if len(orphans) > 1 else ''} that no cell defines ({shown}): left "
        "by deleted or rewritten cells, and gone after a restart.",
        "Restart the kernel and run all cells; if something breaks, the missing definition is in the kernel's history "
        "(cells that read such a name say where).",
    )


def restore_hint(ctx: Context, name: str) -> str | None:
    """The code from this kernel's history that defined ``name`` and is no longer in any cell."""
    found = deleted_definition(ctx, name)
    if found is None:
        return None
    count, code = found
    quoted = code if len(code) <= _MAX_QUOTED else code[: _MAX_QUOTED - 1] + "…"
    return (
        f"The kernel got `{name}` from code you ran as [{count}] that is no longer in the notebook — restore "
        f"it in a cell above:\n{quoted}"
    )


def deleted_definition(ctx: Context, name: str) -> tuple[int, str] | None:
    """(execution count, code) of the latest code this kernel ran that binds ``name`` and is no
    longer in any cell; None without a kernel or such code."""
    kernel = ctx.kernel
    if kernel is None:
        return None
    from ..notebook.facts import cell_facts

    sources = {c.source.strip() for c in ctx.notebook.cells if c.cell_type == "code"}
    for count in sorted(kernel.history, reverse=True):  # the latest definition is the one in the kernel
        code = kernel.history[count]
        if code.strip() in sources or name not in cell_facts(code).binds:
            continue
        return count, code
    return None
