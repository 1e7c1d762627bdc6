"""Execution order as saved in the notebook: language-agnostic, read from execution counts."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context, Hit, cell_label

RESTART_AND_RUN = (
    "Restart the kernel and run all cells top to bottom, then save, so the saved order is the order that works."
)


def out_of_order_execution(ctx: Context) -> Iterator[Hit]:
    """One finding per cause: the cell with the highest count so far, and every code cell below it
    whose count is not greater (one re-run cell puts all the cells below it out of order)."""
    highest: int | None = None
    highest_cell = -1
    affected: dict[int, list[tuple[int, int]]] = {}  # cause cell → (cell, count) of the cells it affects
    counts: dict[int, int] = {}
    for cell in ctx.notebook.cells:
        count = cell.execution_count
        if cell.cell_type != "code" or count is None:
            continue
        if highest is not None and count <= highest:
            affected.setdefault(highest_cell, []).append((cell.index, count))
        if highest is None or count > highest:
            highest, highest_cell = count, cell.index
            counts[cell.index] = count
    for cause, cells in affected.items():
        yield Hit(
            cause,
            None,
            _out_of_order_message(cause, counts[cause], cells),
            RESTART_AND_RUN,
            cells=tuple(c for c, _ in cells),
        )


def _out_of_order_message(cause: int, count: int, cells: list[tuple[int, int]]) -> str:
    name = cell_label(cause).capitalize()
    if len(cells) == 1:
        index, other = cells[0]
        if other == count:
            return (
                f"{name} and {cell_label(index)} below it both ran as [{count}]: their outputs come from different "
                "kernel sessions, an order nobody can replay."
            )
        return (
            f"{name} ran as [{count}], after {cell_label(index)} below it ([{other}]): the saved results come from "
            "an order nobody can replay."
        )
    shown = ", ".join(f"{cell_label(i)} [{c}]" for i, c in cells[:6]) + (
        f" and {len(cells) - 6} more" if len(cells) > 6 else ""
    )
    return (
        f"{name} ran as [{count}], after the {len(cells)} cells below it that ran before it ({shown}): the saved "
        "results come from an order nobody can replay."
    )


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
