"""Turn IPython syntax (magics, shell escapes, help) into plain Python that ``ast`` can parse.

The output uses IPython's own call forms (``get_ipython().run_line_magic(...)``, ``.system(...)``,
``.getoutput(...)``, ``.run_cell_magic(...)``) and keeps every line where it was, so findings point
at the line the user sees. Common forms are translated here, line by line, because importing
IPython's TransformerManager costs more than analysing a folder of notebooks; anything this cannot
translate into parseable code goes to IPython's transformer when IPython is installed.

Two deliberate differences from IPython, made so the analysis sees the user's code:
``%time``/``%timeit``/``%prun`` lines become the statement they time, and the bodies of cell magics
that run Python in the user namespace (``%%time``, ``%%capture`` …) stay Python below the magic line.

What IPython itself does first is followed exactly (``cleanup``): it drops leading blank lines,
removes the first line's indentation from every line that starts with it (an indented cell runs),
and strips pasted ``>>>`` / ``In [1]:`` prompts. A cell of one line whose first word names a line
magic is run by IPython as that magic (automagic, on in every kernel) unless the name is defined
in the user namespace: ``cd data``, ``pip install x``, ``run setup.py``. Where such a line is not
Python it is translated as the magic here (if the user had defined the name, IPython would report
a syntax error: checks/syntax.py says so); where it is Python too (``ls``, ``pwd``), ``automagic()``
names the magic and the hidden-state check decides from the names defined before the cell.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re

# A line that might be IPython syntax; checked before doing any work so plain cells cost one scan.
_MAYBE_IPYTHON = re.compile(r"^[ \t]*(?:[%!?]|[\w.\[\], ]+=[ \t]*[%!])|\?[ \t]*$", re.MULTILINE)
# Its three parts, each found from a literal: a line starting with one of ``%!?``, a line ending
# with ``?``, and ``= %`` or ``= !`` after a target.
_LINE_START = re.compile(r"\n[ \t]*[%!?]")
_HELP_END = re.compile(r"\?[ \t]*$", re.MULTILINE)
_ASSIGNED = re.compile(r"=[ \t]*[%!]")
_TARGET = re.compile(r"[ \t]*[\w.\[\], ]+")
_ASSIGN = re.compile(r"^([ \t]*)([\w.\[\]'\", ]+?)[ \t]*=[ \t]*(%{1,2}|!{1,2})(.*)$")
_MAGIC = re.compile(r"^([ \t]*)(%{1,2})[ \t]*([\w.-]+)[ \t]?(.*)$")
_SHELL = re.compile(r"^([ \t]*)(!{1,2})(.*)$")
_HELP_SUFFIX = re.compile(r"^([ \t]*)([\w.\[\]()'\"]+?)(\?{1,2})[ \t]*$")
_HELP_PREFIX = re.compile(r"^([ \t]*)(\?{1,2})([\w.\[\]()'\"]+)[ \t]*$")

# Magics whose argument is a Python statement run in the user namespace.
STATEMENT_LINE_MAGICS = frozenset({"time", "timeit", "prun"})
# Cell magics whose body is Python run in the user namespace.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "prun", "capture", "debug", "memit"})


# The line magics of a fresh ipykernel (IPython 8): what automagic can run. tests/test_scope_kernel.py
# compares this with a real kernel's list. Names that are always shadowed (builtins, keywords) never run.
LINE_MAGICS = frozenset(
    [
        "alias",
        "alias_magic",
        "autoawait",
        "autocall",
        "automagic",
        "autosave",
        "bookmark",
        "cat",
        "cd",
        "clear",
        "colors",
        "conda",
        "config",
        "connect_info",
        "cp",
        "debug",
        "dhist",
        "dirs",
        "doctest_mode",
        "ed",
        "edit",
        "env",
        "gui",
        "hist",
        "history",
        "killbgscripts",
        "ldir",
        "less",
        "lf",
        "lk",
        "ll",
        "load",
        "load_ext",
        "loadpy",
        "logoff",
        "logon",
        "logstart",
        "logstate",
        "logstop",
        "ls",
        "lsmagic",
        "lx",
        "macro",
        "magic",
        "man",
        "matplotlib",
        "mkdir",
        "more",
        "mv",
        "notebook",
        "page",
        "pastebin",
        "pdb",
        "pdef",
        "pdoc",
        "pfile",
        "pinfo",
        "pinfo2",
        "pip",
        "popd",
        "pprint",
        "precision",
        "prun",
        "psearch",
        "psource",
        "pushd",
        "pwd",
        "pycat",
        "pylab",
        "qtconsole",
        "quickref",
        "recall",
        "rehashx",
        "reload_ext",
        "rep",
        "rerun",
        "reset",
        "reset_selective",
        "rm",
        "rmdir",
        "run",
        "save",
        "sc",
        "set_env",
        "store",
        "subshell",
        "sx",
        "system",
        "tb",
        "time",
        "timeit",
        "unalias",
        "unload_ext",
        "who",
        "who_ls",
        "whos",
        "xdel",
        "xmode",
    ]
)
_AUTOMAGICS = LINE_MAGICS - frozenset(dir(builtins)) - frozenset(keyword.kwlist)

# IPython's own patterns (inputtransformer2 cleanup, splitinput.line_split), verbatim in behaviour.
_INDENT = re.compile(r"^[ \t]+")
_CLASSIC_PROMPT = re.compile(r"^(>>>|\.\.\.)( |$)")
_CLASSIC_INITIAL = re.compile(r"^>>>( |$)")
_IPYTHON_PROMPT = re.compile(r"^(((\[nav\]|\[ins\])?\ )?In\ \[\d+\]:\ |\s*\.{3,}:\ ?)")
_LINE_SPLIT = re.compile(r"^(\s*)([,;/%]|!!?|\?\??)?\s*(%{0,2}[\w\.\*]*)(.*?$|$)")


def cleanup(source: str) -> str:
    """IPython's cleanup transforms, line numbers kept: leading blank lines (left as they are, they
    change nothing), the first line's indentation removed from each line that starts with it,
    ``>>>`` and ``In [n]:`` prompts stripped when the first line (or the second) has one."""
    if not source or (not source[0].isspace() and ">>>" not in source and "..." not in source and "In [" not in source):
        return source
    lines = source.splitlines(keepends=True)
    first = 0
    while first < len(lines) and (not lines[first] or lines[first].isspace()):
        first += 1
    if first == len(lines):
        return source
    rest = lines[first:]
    m = _INDENT.match(rest[0])
    if m:
        space = m.group(0)
        rest = [line[len(space) :] if line.startswith(space) else line for line in rest]
    for prompt, initial in ((_CLASSIC_PROMPT, _CLASSIC_INITIAL), (_IPYTHON_PROMPT, _IPYTHON_PROMPT)):
        if initial.match(rest[0]) or (len(rest) > 1 and prompt.match(rest[1])):
            rest = [prompt.sub("", line, count=1) for line in rest]
    return "".join(lines[:first] + rest)


def automagic(source: str) -> tuple[str, str] | None:
    """(magic, arguments) when IPython would run this cell as a line magic without ``%``: the cell
    is one line (after cleanup), its first word names a line magic and is not followed by ``=`` or
    ``,`` — provided, at run time, that no variable of that name exists (the caller decides)."""
    text = cleanup(source)
    lines = text.splitlines(keepends=True)
    first = 0
    while first < len(lines) and (not lines[first] or lines[first].isspace()):
        first += 1
    rest = "".join(lines[first:])
    if len(rest.splitlines()) != 1 or needs_translation(rest):
        return None
    m = _LINE_SPLIT.match(rest.splitlines()[0])
    if m is None or m.group(2):
        return None
    name, args = m.group(3).strip(), m.group(4).lstrip()
    if name not in _AUTOMAGICS or (args and args[0] in "=,"):
        return None
    return name, args


def _automagic_call(source: str, magic: tuple[str, str]) -> str:
    """The magic call on the line where the cell's one line is (blank lines above kept)."""
    lines = source.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip())
    return "\n".join([*([""] * index), f"get_ipython().run_line_magic({magic[0]!r}, {magic[1]!r})"])


def needs_translation(source: str) -> bool:
    """Whether some line of the source matches ``_MAYBE_IPYTHON``. The substring test is C-speed and
    rules out nine cells in ten; each search that follows starts from a literal character, which
    the regex engine finds at C speed, rather than trying ``_MAYBE_IPYTHON`` at every position
    (five times the cost, 1 % of a check of the corpus)."""
    if "%" not in source and "!" not in source and "?" not in source:
        return False
    if _LINE_START.search("\n" + source) is not None or ("?" in source and _HELP_END.search(source) is not None):
        return True
    for assigned in _ASSIGNED.finditer(source):  # ``files = !ls``: the text before ``=`` must be a target
        if _TARGET.fullmatch(source, source.rfind("\n", 0, assigned.start()) + 1, assigned.start()):
            return True
    return False


def translate(source: str) -> str:
    """Plain Python for a cell's source; the input unchanged when it holds no IPython syntax.

    Raises SyntaxError (with the line in the user's cell) when neither this translation nor
    IPython's yields parseable code.
    """
    source = cleanup(source)
    if not needs_translation(source):
        magic = automagic(source) if may_be_automagic(source) else None
        if magic is not None and not _parses(source):
            return _automagic_call(source, magic)
        return source
    return _translated(source)[0]


def parse_translated(source: str) -> ast.Module:
    """``ast.parse(translate(source))``, parsing once: the tree ``translate`` proved parseable
    with. Raises as both do."""
    source = cleanup(source)
    if not needs_translation(source):
        try:
            return ast.parse(source)
        except SyntaxError:
            magic = automagic(source) if may_be_automagic(source) else None
            if magic is None:
                raise
            return ast.parse(_automagic_call(source, magic))
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
        failed_at = ours.lineno
        for attempt in (lambda: _fix_escapes(translated, failed_at), lambda: _ipython_translate(source)):
            fallback = attempt()  # (IPython's translator only when the escapes are not enough: it is slow)
            if fallback is not None:
                try:
                    return fallback, ast.parse(fallback)
                except SyntaxError:
                    pass
        raise ours


_FIRST_WORD = re.compile(r"\s*([A-Za-z_]\w*)")


def may_be_automagic(source: str) -> bool:
    """A cheap test before ``automagic()``: one line whose first word names a line magic."""
    stripped = source.strip()
    if "\n" in stripped or "\r" in stripped:
        return False
    m = _FIRST_WORD.match(stripped)
    return m is not None and m.group(1) in _AUTOMAGICS


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
        return True
    except (SyntaxError, ValueError):
        return False


def second_chance(source: str, lineno: int | None) -> str | None:
    """For a cell that does not parse: when the line that failed starts with one of IPython's
    autocall escapes (``/f x`` → ``f(x)``, ``,f a b`` → ``f("a", "b")``, ``;f a b`` → ``f("a b")``;
    a lone ``;`` → ``("")``), that line as IPython translates it, then the next failing line …;
    IPython's own translator only if that is not enough. None when no escape is at fault."""
    return _fix_escapes(cleanup(source), lineno)


def _fix_escapes(text: str, lineno: int | None) -> str | None:
    """``text`` with the escape lines that make it fail translated, if that makes it parse;
    IPython's translator if escapes are at fault but that is not enough; else None."""
    lines = text.split("\n")
    for _ in range(len(lines)):
        if lineno is None or not 0 < lineno <= len(lines) or lines[lineno - 1].lstrip()[:1] not in (",", ";", "/"):
            return None
        _escape(lines, lineno - 1)
        try:
            ast.parse("\n".join(lines))
            return "\n".join(lines)
        except SyntaxError as exc:
            lineno = exc.lineno
        except ValueError:
            return None
    return _ipython_translate(text)


def _escape(lines: list[str], index: int) -> None:
    """IPython's EscapedCommand for ``,`` ``;`` ``/`` on one line (continued with ``\\``), in place;
    the lines it took in become empty so line numbers do not move."""
    line = lines[index]
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    end = index
    parts = [stripped]
    while parts[-1].endswith("\\") and end + 1 < len(lines):
        parts[-1] = parts[-1][:-1]
        end += 1
        parts.append(lines[end])
    command = " ".join(p.rstrip() if i == len(parts) - 1 else p for i, p in enumerate(parts)).rstrip()
    escape, content = command[0], command[1:]
    name, _, args = content.partition(" ")
    if escape == ",":
        call = name + '("' + '", "'.join(args.split()) + '")'
    elif escape == ";":
        call = name + '("' + args + '")'
    else:
        call = name + "(" + ", ".join(args.split()) + ")"
    lines[index] = indent + call
    for i in range(index + 1, end + 1):
        lines[i] = ""


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
        if stripped[:1] in ("%", "!") or (_may_assign_magic(line) and _ASSIGN.match(line)):
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


def _may_assign_magic(line: str) -> bool:
    # What ``_ASSIGN`` needs at least, tested at C speed: most lines of a cell with a magic are
    # plain Python, and the regex costs more than translating the magic itself.
    return "=" in line and ("%" in line or "!" in line)


def _translate_line(line: str) -> str:
    stripped = line.lstrip()
    if not stripped:
        return line
    first = stripped[0]
    if first not in "%!?" and not _may_assign_magic(line) and not stripped.rstrip().endswith("?"):
        return line
    m = _ASSIGN.match(line) if _may_assign_magic(line) else None
    if m and not m.group(2).rstrip().endswith(("=", "!", "<", ">")):
        indent, target, sigil, rest = m.groups()
        if sigil.startswith("!"):
            return f"{indent}{target} = get_ipython().getoutput({rest.strip()!r})"
        name, _, args = rest.partition(" ")
        return f"{indent}{target} = get_ipython().run_line_magic({name!r}, {args.strip()!r})"
    m = _MAGIC.match(line) if first == "%" else None
    if m and m.group(2) == "%":
        indent, _, name, args = m.groups()
        if name in STATEMENT_LINE_MAGICS and args.strip() and not args.lstrip().startswith("-"):
            return f"{indent}{args.strip()}"
        return f"{indent}get_ipython().run_line_magic({name!r}, {args.strip()!r})"
    m = _SHELL.match(line) if first == "!" else None
    if m:
        indent, sigil, cmd = m.groups()
        method = "getoutput" if sigil == "!!" else "system"
        return f"{indent}get_ipython().{method}({cmd.strip()!r})"
    m = _HELP_PREFIX.match(line) if first == "?" else None
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
    if not 0 < lineno <= len(lines):
        return False
    line = lines[lineno - 1]
    return _MAYBE_IPYTHON.search(line) is not None or line.lstrip()[:1] in (",", ";", "/")


def _ipython_translate(source: str) -> str | None:
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # IPython is optional for the CLI
        return None
    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - IPython raises many kinds on malformed input; ours stands
        return None
