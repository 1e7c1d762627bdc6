"""Saved outputs that record a failure."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Context, Hit
from .secrets import redact

_MAX_VALUE = 120
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def error_output(ctx: Context) -> Iterator[Hit]:
    for cell in ctx.notebook.cells:
        if cell.errors:
            ename, evalue = cell.errors[0]
            ename = ename or "Error"
            evalue = redact(" ".join(_ANSI.sub("", evalue).split()))
            if len(evalue) > _MAX_VALUE:
                evalue = evalue[: _MAX_VALUE - 1] + "…"
            yield Hit(
                cell.index,
                None,
                f"The saved output is a traceback ({ename}: {evalue})"
                if evalue
                else f"The saved output is a traceback ({ename})",
                "Fix the error and re-run, or clear the output if the failure is intentional and documented; a "
                "notebook that ends in an error is not a run that succeeded.",
            )
