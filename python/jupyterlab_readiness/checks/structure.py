"""Whether the notebook's logic lives in code that can be imported, tested and scheduled."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context, Hit

# Below this many top-level statements a notebook is a sketch, not a pipeline.
_MIN_STATEMENTS = 15


def unpackaged_code(ctx: Context) -> Iterator[Hit]:
    code = ctx.code
    if not code:
        return
    statements = 0
    for _, facts in code:
        if facts.defines_functions:
            return
        for imp in facts.imports:
            if imp.relative:
                return
        statements += facts.statements
    if statements < _MIN_STATEMENTS or any(
        ctx.is_local_module(imp.module.split(".")[0]) for _, f in code for imp in f.imports if imp.module
    ):
        return
    yield Hit(
        None,
        None,
        f"All {statements} top-level statements run in the notebook itself; no function or module holds the pipeline, "
        "so nothing can be imported, tested or scheduled.",
        "Move the steps into functions with explicit inputs and outputs (Readiness ▸ Extract to module), and keep the "
        "notebook for calling and showing them.",
    )
