"""The fixed notebook as text in the file's own style (indent, key order, escaping, final line
break), so a write changes only the lines of what was fixed; and the unified diff of the cells'
sources that previews a fix, with credentials masked."""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from ...checks.secrets import redact
from ..newlines import normalized_newlines, with_newline

_STRING = re.compile(r"""(?P<q>'''|\"\"\"|'|")(?:\\.|(?!(?P=q)).)*(?P=q)""")


def dumps_like(original: str | None, before: Any, after: Any) -> str:
    """``after`` as ``original`` (the text ``before`` was read from) was written: the first style
    that reproduces ``original`` exactly, else nbformat's (indent 1, sorted keys, UTF-8, final
    line break). A file written with Windows line breaks keeps them: JSON strings escape their own
    line breaks, so every raw one is the layout's."""
    original, newline = normalized_newlines(original)
    text = _dumps(after, (1, True, False, True))
    if original is not None:
        for style in _styles(original):
            if _dumps(before, style) == original:
                text = _dumps(after, style)
                break
    return with_newline(text, newline)


def _styles(text: str) -> list[tuple[int | None, bool, bool, bool]]:
    second = text.split("\n", 2)[1] if text.count("\n") >= 1 else ""
    indent = len(second) - len(second.lstrip(" ")) if second.strip() else None
    ascii_only = text.isascii()
    final = text.endswith("\n")
    return [
        (indent, sort, ensure_ascii, final)
        for sort in (True, False)
        for ensure_ascii in ((False, True) if ascii_only else (False,))
    ]


def _dumps(data: Any, style: tuple[int | None, bool, bool, bool]) -> str:
    indent, sort_keys, ensure_ascii, final = style
    text = json.dumps(data, indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii)
    return text + "\n" if final else text


def cells_diff(
    path: str,
    before: dict[str, Any],
    after: dict[str, Any],
    masked_before: set[tuple[int, int]],
    masked_after: set[tuple[int, int]],
) -> str:
    """A unified diff of the notebooks' cells as ``# %%`` sections (jupytext's percent format: a
    header per cell, with its id and how many outputs it keeps), string literals masked on the
    (cell, line)s given, and shaped credentials anywhere."""
    old = _rendered(before, masked_before)
    new = _rendered(after, masked_after)
    if old == new:
        return ""
    return "".join(difflib.unified_diff(old, new, f"a/{path}", f"b/{path}"))


def _rendered(notebook: dict[str, Any], masked: set[tuple[int, int]]) -> list[str]:
    lines: list[str] = []
    for index, cell in enumerate(notebook.get("cells") or []):
        if not isinstance(cell, dict):
            continue
        header = "# %%" + (" [markdown]" if cell.get("cell_type") == "markdown" else "")
        if isinstance(cell.get("id"), str):
            header += f" id={cell['id']}"
        metadata = cell.get("metadata")
        tags = metadata.get("tags") if isinstance(metadata, dict) else None
        if isinstance(tags, list) and tags:
            header += " tags=" + ",".join(str(t) for t in tags)
        outputs = cell.get("outputs")
        if outputs:
            header += f" outputs={len(outputs)}"
        lines.append(header + "\n")
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else source if isinstance(source, str) else ""
        for number, line in enumerate(text.splitlines(), 1):
            if (index, number) in masked:
                line = _STRING.sub(lambda m: m.group("q") + "***" + m.group("q"), line)
            lines.append(redact(line) + "\n")
        lines.append("\n")
    return lines
