"""Rewriting Python source by syntax-tree positions, shared by the fixes (fixes/) and the export
(actions/export/): spans replaced from the bottom up, names resolved through a cell's imports,
reads of the wall clock, and ``print`` turned into a logging call with the same message text.
Pure: text in, text out."""

from __future__ import annotations

import ast
import functools
import io
import json
import re
import tokenize
from collections.abc import Iterable, Iterator

from .facts import cell_facts
from .magics import needs_translation
from .parse import python_tree
from .scopes import walk

# (start line, start byte column, end line, end byte column, replacement text), as the AST counts
Span = tuple[int, int, int, int, str]


def outermost_edits(edits: list[Span]) -> list[Span]:
    """The edits that are not inside another one (a call inside a replaced call goes with it)."""
    kept: list[Span] = []
    for edit in sorted(edits, key=lambda e: (e[0], e[1], -e[2], -e[3])):
        if kept and (edit[0], edit[1]) < (kept[-1][2], kept[-1][3]):
            continue  # inside a call already replaced
        kept.append(edit)
    return kept


def apply_edits(source: str, edits: list[Span]) -> str:
    """Replace (line, byte column) spans; the AST counts columns in UTF-8 bytes."""
    lines = source.splitlines(keepends=True)
    data = [line.encode("utf-8") for line in lines]
    for start_line, start_col, end_line, end_col, text in sorted(edits, reverse=True):
        head = data[start_line - 1][:start_col]
        tail = data[end_line - 1][end_col:]
        data[start_line - 1 : end_line] = [head + text.encode("utf-8") + tail]
    return b"".join(data).decode("utf-8")


def span(node: ast.AST, text: str) -> Span:
    return (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, text)  # type: ignore[attr-defined]


def is_main_guard(stmt: ast.stmt) -> bool:
    """``if __name__ == "__main__":`` (either way round): always true in a notebook, whose code runs
    in ``__main__``; never true in a module."""
    if not (isinstance(stmt, ast.If) and isinstance(stmt.test, ast.Compare)):
        return False
    test = stmt.test
    if len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    mains = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(names) == 1 and len(mains) == 1


def free_name(base: str, taken: set[str]) -> str:
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


# ------------------------------------------------------------------------------------ names
def import_aliases(sources: Iterable[str]) -> dict[str, str]:
    """Imported name → what it refers to ("pd" → "pandas", "dt" → "datetime.datetime"), over
    the imports of all these sources (plain Python; sources that do not parse are skipped)."""
    aliases: dict[str, str] = {}
    for source in sources:
        aliases.update(_imported(source))
    return aliases


@functools.lru_cache(maxsize=4096)
def _imported(source: str) -> dict[str, str]:
    """What the cell's imports bind: the name → what it imports (read-only). From the cell's facts,
    unless the cell is not plain Python (what the walk below skips) or imports one name as two
    different things: which one wins then depends on the walk's order (breadth first)."""
    if plain_facts(source):
        imports = {b for i in cell_facts(source).imports if (b := i.binding) is not None}
        if len(imports) == len({bound for bound, _ in imports}):
            return dict(imports)
    aliases: dict[str, str] = {}
    try:
        tree = python_tree(source)
    except (SyntaxError, ValueError):
        return aliases
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    aliases[head] = head
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def plain_facts(source: str) -> bool:
    """Whether the cell is plain Python and its facts cover it: the facts were taken from the very
    text ``python_tree`` parses."""
    return not needs_translation(source) and cell_facts(source).syntax_error is None


def qualname(func: ast.expr, aliases: dict[str, str]) -> str | None:
    """ "pandas.Timestamp.now" for ``pd.Timestamp.now`` when ``pd`` is pandas; None when the head
    is not an imported name."""
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name) or func.id not in aliases:
        return None
    return resolved(aliases[func.id], reversed(parts))


def resolved(target: str, attributes: Iterable[str]) -> str:
    """The qualified name of ``attributes`` of the imported ``target``, as ``qualname`` gives it."""
    name = ".".join([target, *attributes])
    return name.replace("pandas.core.", "pandas.").replace("pandas._libs.tslibs.timestamps.", "pandas.")


def calls(tree: ast.AST, aliases: dict[str, str]) -> Iterator[tuple[ast.Call, str]]:
    """Every call whose function resolves through ``aliases``, with its qualified name."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = qualname(node.func, aliases)
            if name is not None:
                yield node, name


# ------------------------------------------------------------------------------ print → logging
def binds_any(tree: ast.AST, names: set[str]) -> bool:
    """Whether the code assigns, defines or imports one of ``names`` anywhere, function
    parameters, ``except … as`` and ``match`` captures included."""
    for node in walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in names:
            return True
        if isinstance(node, ast.arg) and node.arg in names:
            return True
        if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name in names:
            return True
        if isinstance(node, ast.MatchMapping) and node.rest in names:
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in names:
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
            (a.asname or a.name.split(".")[0]) in names for a in node.names
        ):
            return True
    return False


def print_edits(tree: ast.AST, text: str, logger: str) -> list[Span]:
    """``print(...)`` calls turned into ``<logger>.info(...)`` (``.warning`` for
    ``file=sys.stderr``) with the same message text; prints to other files stay prints."""
    edits = []
    lines = None
    for node in walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            lines = lines or source_lines(text)
            replacement = log_call(node, lines, logger)
            if replacement is not None:
                edits.append(span(node, replacement))
    return edits


def log_call(node: ast.Call, lines: list[str], logger: str = "logger") -> str | None:
    """The logging call that records what ``print(...)`` printed, with the same text (the ``end``
    character aside); None for a print the logger cannot say the same way (``*args``, another file)."""
    if any(isinstance(a, ast.Starred) for a in node.args):
        return None
    keywords = {k.arg: k.value for k in node.keywords}
    if None in keywords or set(keywords) - {"sep", "end", "file", "flush"}:
        return None
    level = "info"
    if "file" in keywords:
        target = ast.unparse(keywords["file"])
        if target not in ("sys.stderr", "sys.stdout"):
            return None
        level = "warning" if target == "sys.stderr" else "info"
    sep = " "
    if "sep" in keywords:
        value = keywords["sep"]
        if not (isinstance(value, ast.Constant) and isinstance(value.value, (str, type(None)))):
            return None
        sep = " " if value.value is None else value.value
    args = [source_segment(lines, a) or ast.unparse(a) for a in node.args]
    if not args:
        return f'{logger}.{level}("")'
    template = json.dumps(sep.replace("%", "%%").join(["%s"] * len(args)), ensure_ascii=False)
    call = source_segment(lines, node)
    if call is not None and _has_comment(call):
        # The user's comments between the arguments are kept, and with them the lines they are on.
        if node.keywords:
            return None  # the keywords to drop may sit between those comments
        head = len(source_segment(lines, node.func) or "print") + 1  # after "print("
        first = _offset(call, node, node.args[0])
        return f"{logger}.{level}({template},{call[head:first] or ' '}{call[first:]}"
    return f"{logger}.{level}({template}, {', '.join(args)})"


def _has_comment(text: str) -> bool:
    if "#" not in text:
        return False
    try:
        return any(t.type == tokenize.COMMENT for t in tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return True  # cannot tell: as if it had one


def _offset(text: str, outer: ast.AST, inner: ast.AST) -> int:
    """Where ``inner`` starts in ``text``, the source of ``outer`` (positions in UTF-8 bytes, as
    the parser gives them)."""
    lines = text.encode().split(b"\n")
    row = inner.lineno - outer.lineno  # type: ignore[attr-defined]
    column = inner.col_offset - (outer.col_offset if row == 0 else 0)  # type: ignore[attr-defined]
    return len(b"\n".join([*lines[:row], lines[row][:column]]).decode())


_SOURCE_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def source_lines(text: str) -> list[str]:
    """The lines of ``text`` as the parser counts them (only \\r\\n, \\r and \\n end one), each with its
    end: ``source_segment`` then takes node after node out of them."""
    return _SOURCE_LINE.findall(text)


def source_segment(lines: list[str], node: ast.AST) -> str | None:
    """``ast.get_source_segment`` over ``source_lines(text)``, which it would split again (character
    by character) on every call."""
    if getattr(node, "end_lineno", None) is None or getattr(node, "end_col_offset", None) is None:
        return None
    first, last = node.lineno - 1, node.end_lineno - 1
    if first == last:
        return lines[first].encode()[node.col_offset : node.end_col_offset].decode()
    return "".join(
        [
            lines[first].encode()[node.col_offset :].decode(),
            *lines[first + 1 : last],
            lines[last].encode()[: node.end_col_offset].decode(),
        ]
    )
