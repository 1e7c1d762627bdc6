"""Notebooks whose kernel is not Python: recognised, never parsed as Python."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context, Hit


def non_python_kernel(ctx: Context) -> Iterator[Hit]:
    if not ctx.notebook.is_python:
        yield Hit(
            None,
            None,
            f"The kernel language is {ctx.notebook.language!r}: only execution order and saved errors are checked; "
            "the Python checks do not apply.",
            "Nothing to do here, or use a linter for that language for the rest.",
        )
