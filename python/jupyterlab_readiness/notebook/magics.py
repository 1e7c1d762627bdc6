"""Turn IPython syntax (magics, shell escapes, help) into plain Python that ``ast`` can parse.

The output uses IPython's own call forms (``get_ipython().run_line_magic(...)``, ``.system(...)``,
``.getoutput(...)``, ``.run_cell_magic(...)``) and keeps every line where it was, so findings point
at the line the user sees. Common forms are translated here, line by line, because importing
IPython's TransformerManager costs more than analysing a folder of notebooks; anything this cannot
translate into parseable code goes to IPython's transformer when IPython is installed.

Two deliberate differences from IPython, made so the analysis sees the user's code:
``%time``/``%timeit``/``%prun`` lines become the statement they time, and the bodies of cell magics
that run Python in the user namespace (``%%time``, ``%%capture`` …) stay Python below the magic line.
"""

from __future__ import annotations

import ast
import re

# A line that might be IPython syntax; checked before doing any work so plain cells cost one scan.
_MAYBE_IPYTHON = re.compile(r"^[ \t]*(?:[%!?]|[\w.\[\], ]+=[ \t]*[%!])|\?[ \t]*$", re.MULTILINE)
_ASSIGN = re.compile(r"^([ \t]*)([\w.\[\]'\", ]+?)[ \t]*=[ \t]*(%{1,2}|!{1,2})(.*)$")
_MAGIC = re.compile(r"^([ \t]*)(%{1,2})[ \t]*([\w.-]+)[ \t]?(.*)$")
_SHELL = re.compile(r"^([ \t]*)(!{1,2})(.*)$")
_HELP_SUFFIX = re.compile(r"^([ \t]*)([\w.\[\]()'\"]+?)(\?{1,2})[ \t]*$")
_HELP_PREFIX = re.compile(r"^([ \t]*)(\?{1,2})([\w.\[\]()'\"]+)[ \t]*$")

# Magics whose argument is a Python statement run in the user namespace.
STATEMENT_LINE_MAGICS = frozenset({"time", "timeit", "prun"})
# Cell magics whose body is Python run in the user namespace.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "prun", "capture", "debug", "memit"})


def needs_translation(source: str) -> bool:
    # The substring test is C-speed and rules out nine cells in ten before the regex runs.
    return ("%" in source or "!" in source or "?" in source) and _MAYBE_IPYTHON.search(source) is not None


def translate(source: str) -> str:
    """Plain Python for a cell's source; the input unchanged when it holds no IPython syntax.

    Raises SyntaxError (with the line in the user's cell) when neither this translation nor
    IPython's yields parseable code.
    """
    if not needs_translation(source):
        return source
    return _translated(source)[0]


def parse_translated(source: str) -> ast.Module:
    """``ast.parse(translate(source))``, parsing once: the tree ``translate`` proved parseable
    with. Raises as both do."""
    if not needs_translation(source):
        return ast.parse(source)
    return _translated(source)[1]


def _translated(source: str) -> tuple[str, ast.Module]:
    if not _starts_with_ipython(source):
        try:
            return source, ast.parse(source)  # the pattern matched inside a string or an expression, not a magic
        except SyntaxError:
            pass
    translated = _translate_lines(source)
    try:
        return translated, ast.parse(translated)
    except SyntaxError as ours:
        if not _near_ipython_syntax(source, ours.lineno):
            raise  # a plain Python error (Python 2 code, a typo): IPython would not fix it
        fallback = _ipython_translate(source)
        if fallback is not None:
            try:
                return fallback, ast.parse(fallback)
            except SyntaxError:
                pass
        raise ours


def _starts_with_ipython(source: str) -> bool:
    # A first line that is a magic or shell escape cannot sit inside a string: no need to try
    # parsing the cell as plain Python first.
    return source.lstrip()[:1] in ("%", "!")


def _translate_lines(source: str) -> str:
    lines = source.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        return _translate_cell_magic(lines, first)
    return "\n".join(_translate_logical_lines(lines))


def _translate_logical_lines(lines: list[str]) -> list[str]:
    """Translate each line; a magic or shell line continued with ``\\`` takes the next lines
    into its command, which become empty lines so later line numbers do not move."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        joined = 0
        if stripped[:1] in ("%", "!") or _ASSIGN.match(line):
            while line.endswith("\\") and i + joined + 1 < len(lines):
                joined += 1
                line = line[:-1] + " " + lines[i + joined].strip()
        out.append(_translate_line(line))
        out.extend([""] * joined)
        i += joined + 1
    return out


def _translate_cell_magic(lines: list[str], first: int) -> str:
    head = lines[first].strip()[2:]
    name, _, args = head.partition(" ")
    args = args.strip()
    body_lines = lines[first + 1 :]
    prefix = lines[:first]
    if name in PYTHON_CELL_MAGICS:
        target = args.split()[0] if name == "capture" and args and not args.startswith("-") else None
        call = f"get_ipython().run_cell_magic({name!r}, {args!r}, '')"
        head_line = f"{target} = {call}" if target and target.isidentifier() else call
        return "\n".join([*prefix, head_line, *_translate_logical_lines(body_lines)])
    body = "\n".join(body_lines)
    # Not Python: the body is one string argument, padded so the line count stays the same.
    return "\n".join(
        [*prefix, f"get_ipython().run_cell_magic({name!r}, {args!r}, {body!r})", *([""] * len(body_lines))]
    )


def _translate_line(line: str) -> str:
    stripped = line.lstrip()
    if not stripped or (stripped[0] not in "%!?" and "=" not in stripped and not stripped.rstrip().endswith("?")):
        return line
    m = _ASSIGN.match(line)
    if m and not m.group(2).rstrip().endswith(("=", "!", "<", ">")):
        indent, target, sigil, rest = m.groups()
        if sigil.startswith("!"):
            return f"{indent}{target} = get_ipython().getoutput({rest.strip()!r})"
        name, _, args = rest.partition(" ")
        return f"{indent}{target} = get_ipython().run_line_magic({name!r}, {args.strip()!r})"
    m = _MAGIC.match(line)
    if m and m.group(2) == "%":
        indent, _, name, args = m.groups()
        if name in STATEMENT_LINE_MAGICS and args.strip() and not args.lstrip().startswith("-"):
            return f"{indent}{args.strip()}"
        return f"{indent}get_ipython().run_line_magic({name!r}, {args.strip()!r})"
    m = _SHELL.match(line)
    if m:
        indent, sigil, cmd = m.groups()
        method = "getoutput" if sigil == "!!" else "system"
        return f"{indent}get_ipython().{method}({cmd.strip()!r})"
    m = _HELP_PREFIX.match(line) or None
    if m:
        indent, marks, obj = m.groups()
        return f"{indent}get_ipython().run_line_magic({'pinfo2' if marks == '??' else 'pinfo'!r}, {obj!r})"
    m = _HELP_SUFFIX.match(line)
    if m:
        indent, obj, marks = m.groups()
        return f"{indent}get_ipython().run_line_magic({'pinfo2' if marks == '??' else 'pinfo'!r}, {obj!r})"
    return line


def _near_ipython_syntax(source: str, lineno: int | None) -> bool:
    """Whether the line that failed looks like IPython syntax this module did not translate."""
    if lineno is None:
        return True
    lines = source.split("\n")
    return 0 < lineno <= len(lines) and _MAYBE_IPYTHON.search(lines[lineno - 1]) is not None


def _ipython_translate(source: str) -> str | None:
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # IPython is optional for the CLI
        return None
    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - IPython raises many kinds on malformed input; ours stands
        return None
