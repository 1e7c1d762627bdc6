"""Checks follow local modules: a ``.py`` module beside the notebook that it imports (its own
code, or a module Extract to module wrote; found and read by environment/local_modules.py through
the context) is checked for the module-level checks — what it reads from the clock or a random
generator, where it writes, its credentials, paths and imports — and its findings are anchored to
the importing cell, naming the module file and line (``Hit.file``, ``Hit.file_line``). A draw in a
module counts as seeded when the notebook seeds that library; a ``# readiness: ignore`` comment in
the module silences its line there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from ..notebook.model import Cell, Notebook
from .context import Context, Hit

if TYPE_CHECKING:  # loaded only when a notebook imports a module beside it: most runs never do
    from ..environment.local_modules import LocalModule
    from ..notebook.ignore import Ignore

FOLLOWED = frozenset(
    {"wall-clock", "unseeded-random", "append-write", "hardcoded-secret", "absolute-path", "unpinned-import"}
)


def with_modules(ctx: Context, run: Callable[[Context], Iterable[Hit]], hits: Iterable[Hit]) -> Iterator[Hit]:
    """The notebook's hits, then the same check's hits in each local module (an unpinned import
    the notebook itself reports is not reported again)."""
    own = list(hits)
    yield from own
    modules = ctx.local_modules
    if not modules:
        return
    reported = {h.subject for h in own if h.subject is not None}
    for module in modules:
        for hit in run(_context(ctx, module)):
            if hit.subject is not None:
                if hit.subject in reported:
                    continue
                reported.add(hit.subject)
            yield hit._replace(
                cell_index=module.cell_index,
                line=module.line,
                message=f"In `{module.file}` line {hit.line} (imported here): {hit.message}",
                file=module.file,
                file_line=hit.line,
            )


def suppressed_in_module(ctx: Context, file: str, check: str, line: int | None) -> Ignore | None:
    """The ``# readiness: ignore`` comment of a local module that silences this finding, if any."""
    from ..notebook.ignore import ignores

    source = next((m.source for m in ctx.local_modules if m.file == file), None)
    return ignores(source).find(check, line) if source is not None else None


def _context(ctx: Context, module: LocalModule) -> Context:
    found = ctx.module_contexts.get(module.file)
    if found is None:
        notebook = Notebook(cells=(Cell(0, "code", module.source),), language="python")
        # the notebook's path, not the module's: the module belongs to the notebook's project (its
        # pins, its other local modules)
        found = ctx.module_contexts[module.file] = Context(notebook, ctx.path, ctx.memoize, None, ctx.ceiling)
        from .determinism import seeded_families

        found.seeded_before = seeded_families(ctx)
    return found
