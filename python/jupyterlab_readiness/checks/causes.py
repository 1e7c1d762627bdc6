"""One row per cause: findings that follow from another one say so (``Hit.cause``), so that the
report can show them under it rather than as unrelated rows.

A cell that does not parse defines nothing as far as the scope analysis can tell, so every name it
would have bound reads as "no cell defines it" in the cells below. Those hidden-state findings are
folded under the nearest cell above that does not parse and binds the name (its statements parsed
one by one, notebook/partial.py), or, when no such cell is found, under the nearest one with a
statement that cannot be read at all (it may bind anything).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from .context import Context, Hit, cell_label


def fold_under_syntax_errors(ctx: Context, hits: Iterable[Hit]) -> Iterator[Hit]:
    broken = [(cell.index, cell.source) for cell, facts in ctx.code if facts.syntax_error is not None]
    if not broken:
        yield from hits
        return
    bound: set[str] = set()
    for _, facts in ctx.code:
        bound |= facts.binds
    for hit in hits:
        name = hit.subject
        if name is None or name in bound or hit.cell_index is None:
            yield hit
            continue
        cause, certain = _cause(broken, hit.cell_index, name)
        if cause is None:
            yield hit
            continue
        where = (
            f"{cell_label(cause)}, which does not parse, defines it"
            if certain
            else f"{cell_label(cause)} above does not parse and may define it"
        )
        message = hit.message.replace("no cell defines it", where)
        if message == hit.message:
            message = f"{message} ({where[0].upper()}{where[1:]}.)"
        then = (
            f"the definition of `{name}` it holds runs only once it parses"
            if certain
            else f"then see whether `{name}` is still undefined here"
        )
        yield hit._replace(
            message=message,
            suggestion=f"Fix the syntax of {cell_label(cause)} first (a top-to-bottom run stops there); {then}.",
            cause=("syntax-error", cause),
        )


def _cause(broken: list[tuple[int, str]], index: int, name: str) -> tuple[int | None, bool]:
    """(the cell that does not parse this finding follows from, whether it certainly binds ``name``)."""
    from ..notebook.partial import salvage  # here: only a notebook with a cell that does not parse needs it

    maybe = None
    for cell_index, source in reversed(broken):
        if cell_index >= index:
            continue
        names, opaque = salvage(source)
        if name in names:
            return cell_index, True
        if opaque and maybe is None:
            maybe = cell_index
    return maybe, False


# check id → what rewrites its hits with their causes (run by the engine after the check)
FOLDS: dict[str, Callable[[Context, Iterable[Hit]], Iterator[Hit]]] = {
    "hidden-state": fold_under_syntax_errors,
}
