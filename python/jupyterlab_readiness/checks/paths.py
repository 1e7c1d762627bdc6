"""String literals naming a path that exists on one person's machine only."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import CellScope, Context, Hit, Local

# A home folder ("/home/" alone is the fixed start of f"/home/{user}/…"), a Windows drive, "~/".
_USER_PATH = re.compile(r"^(?:/Users/|/home/|[A-Za-z]:[\\/][^\\/\s]|~[^\s/\\]*[/\\])")
_MAX_SHOWN = 60


def absolute_path(ctx: Context) -> Iterator[Hit]:
    # A value in the cell tagged ``parameters`` is a default a scheduler overrides (papermill -p):
    # that is where the fix puts it.
    parameters = {c.index for c in ctx.notebook.cells if "parameters" in c.tags}
    for hit in ctx.per_cell("absolute-path", _paths_in):
        if hit.cell_index not in parameters:
            yield hit


def _paths_in(ctx: Context, scope: CellScope) -> Iterator[Local]:
    seen: set[str] = set()
    for line, value in scope.facts.strings:
        if (
            not value
            or (value[0] not in "/~" and value[1:2] != ":")
            or len(value) > 4096
            or value in seen
            or not _USER_PATH.match(value)
        ):
            continue
        seen.add(value)
        shown = value if len(value) <= _MAX_SHOWN else value[: _MAX_SHOWN - 1] + "…"
        yield (
            line,
            f"`{shown}` only exists on one machine: the run fails anywhere else (a scheduler, a colleague, CI).",
            'Use a path relative to the project (e.g. `Path("data") / "file.csv"`) or make it a parameter read from '
            "configuration or an environment variable.",
        )


def is_user_path(value: str) -> bool:
    """Whether a literal names a path on one person's machine (what the check fires on)."""
    return bool(value) and len(value) <= 4096 and _USER_PATH.match(value) is not None
