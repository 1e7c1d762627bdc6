"""Writes that add to what the previous run wrote, so a rerun doubles the data."""

from __future__ import annotations

from collections.abc import Iterator

from ..notebook.facts import Call
from .context import CellScope, Context, Hit, Local

_OPENERS = frozenset({"open", "io.open", "codecs.open", "os.fdopen", "gzip.open", "bz2.open", "lzma.open"})
_MODE_METHODS = frozenset({"to_csv", "to_json", "to_excel", "to_parquet", "mode"})


def append_write(ctx: Context) -> Iterator[Hit]:
    return ctx.per_cell("append-write", _appends_in)


def _appends_in(ctx: Context, scope: CellScope) -> Iterator[Local]:
    for rc in ctx.calls(scope):
        call = rc.call
        method = call.parts[-1]
        what = None
        if rc.qualname in _OPENERS or (method == "open" and len(call.parts) > 1 and rc.qualname is None):
            position = 1 if rc.qualname in _OPENERS else 0  # Path(...).open("a") has no path argument
            if _appends(_arg(call, position, "mode")):
                what = f'`{_name(call)}(..., mode="a")`'
        elif method in _MODE_METHODS and _appends(_arg(call, 0 if method == "mode" else None, "mode")):
            what = f'`.{method}("append")`' if method == "mode" else f'`.{method}(..., mode="a")`'
        elif call.kwargs.get("mode") == "append" or call.kwargs.get("saveMode") == "append":
            what = f'`.{method}(..., mode="append")`'
        elif method == "to_sql" and call.kwargs.get("if_exists") == "append":
            what = '`.to_sql(..., if_exists="append")`'
        elif method in ("to_hdf", "write_deltalake", "to_delta") and (
            call.kwargs.get("append") is True or call.kwargs.get("mode") == "append"
        ):
            what = f"`.{method}(..., append)`"
        if what is None:
            continue
        yield (
            call.line,
            f"{what} appends: running the notebook twice writes the data twice.",
            'Write the whole result each run (mode "w" / if_exists="replace"), or write to a file named by the run\'s '
            "date and replace it, so a rerun gives the same output.",
        )


def _arg(call: Call, position: int | None, keyword: str):
    if keyword in call.kwargs:
        return call.kwargs[keyword]
    if position is not None and len(call.args) > position:
        return call.args[position]
    return None


def _appends(mode) -> bool:
    return isinstance(mode, str) and (mode == "append" or ("a" in mode and len(mode) <= 3))


def _name(call: Call) -> str:
    return ".".join(p for p in call.parts if p) or "open"
