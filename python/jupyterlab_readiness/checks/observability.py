"""Runs that report only through print: nothing is left to read after an unattended run."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context, Hit

_LOGGING_MODULES = frozenset({"logging", "loguru", "structlog", "absl.logging", "mlflow", "wandb"})


def print_logging(ctx: Context) -> Iterator[Hit]:
    count, first = 0, None
    for scope in ctx.scopes:
        lines = ctx.memo(
            scope.facts,
            ("print-lines", scope.aliases_id),
            lambda scope=scope: tuple(rc.call.line for rc in ctx.calls(scope) if rc.qualname == "print"),
        )
        if lines and first is None:
            first = (scope.cell.index, lines[0])
        count += len(lines)
    if first is None:
        return
    for _, facts in ctx.code:
        for imp in facts.imports:
            if imp.module.split(".")[0] in _LOGGING_MODULES or imp.module in _LOGGING_MODULES:
                return
    yield Hit(
        *first,
        f"The notebook reports with print() ({count} call{'s' if count > 1 else ''}) and never logs: an unattended "
        "run leaves no record of what it did or where it failed.",
        'Use `logging` (`log = logging.getLogger(__name__)`; `log.info("rows loaded: %d", n)`) for what a run should '
        "record; keep print for interactive display.",
    )
