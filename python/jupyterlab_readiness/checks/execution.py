"""Execution order as saved in the notebook: language-agnostic, read from execution counts."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context, Hit

RESTART_AND_RUN = (
    "Restart the kernel and run all cells top to bottom, then save, so the saved order is the order that works."
)


def out_of_order_execution(ctx: Context) -> Iterator[Hit]:
    highest: int | None = None
    highest_cell = None
    for cell in ctx.notebook.cells:
        count = cell.execution_count
        if cell.cell_type != "code" or count is None:
            continue
        if highest is not None and count <= highest:
            what = "the same count as" if count == highest else "before"
            yield Hit(
                cell.index,
                None,
                f"This cell ran as [{count}], {what} cell {highest_cell} above it ([{highest}]): the saved results "
                "come from an order nobody can replay.",
                RESTART_AND_RUN,
            )
        if highest is None or count > highest:
            highest, highest_cell = count, cell.index


def unexecuted_cell(ctx: Context) -> Iterator[Hit]:
    code = [c for c in ctx.notebook.cells if c.cell_type == "code"]
    last_run = max((i for i, c in enumerate(code) if c.execution_count is not None), default=0)
    for cell in code[:last_run]:
        if cell.execution_count is None and cell.source.strip():
            yield Hit(
                cell.index,
                None,
                "This cell was never run, but cells below it were: their saved results did not see its effect.",
                "Run it (or delete it if it is obsolete), then restart and run all to confirm the notebook works top "
                "to bottom.",
            )
