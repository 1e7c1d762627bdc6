"""Names a fresh top-to-bottom run would not have defined when a cell reads them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from .context import Context, Hit, cell_label
from .live import restore_hint


def hidden_state(ctx: Context) -> Iterator[Hit]:
    code = ctx.code
    definers: dict[str, int] = {}  # name → first cell that binds it, for the suggestion
    for cell, facts in code:
        for name in facts.binds:
            definers.setdefault(name, cell.index)
    defined: set[str] = set()
    open_namespace = False  # after a star import or %run, unknown names may exist: never guess
    for cell, facts in code:
        if facts.syntax_error is None and not open_namespace:
            star = facts.star_import_line
            reported: set[str] = set()
            for line, name in facts.free_reads:
                if name in defined or name in reported or (star is not None and line > star):
                    continue
                reported.add(name)
                hit = _hit(cell.index, line, name, definers.get(name))
                restore = restore_hint(ctx, name) if name not in definers else None
                yield replace(hit, suggestion=restore) if restore else hit
        defined |= facts.binds
        defined -= facts.unbinds
        if facts.star_import_line is not None:
            open_namespace = True


def _hit(index: int, line: int, name: str, definer: int | None) -> Hit:
    if definer is not None and definer > index:
        where = f"{cell_label(definer)} below defines it"
        fix = f"Move the code that defines `{name}` ({cell_label(definer)}) above this cell, or this cell below it."
    elif definer == index:
        where = "this cell binds it only further down, or deletes it first"
        fix = f"Assign `{name}` before this line."
    elif definer is not None:
        where = "a cell above deletes it"
        fix = f"Remove the `del {name}` above, or stop reading `{name}` after it."
    else:
        where = "no cell defines it"
        fix = f"Add the code that defines `{name}` in a cell above (it may live only in the kernel from a deleted cell), or remove this use."
    return Hit(
        index,
        line,
        f"`{name}` is read here but a fresh top-to-bottom run has not defined it yet ({where}): NameError.",
        fix,
        subject=name,
    )
