"""Export to package, the files the notebook's code names: the relative file names it writes (which
the package's tests and README list, and its golden test checks) and every other path-like string
(candidates for the inputs the tests copy, kept when such a file exists beside the notebook).
"""

from __future__ import annotations

import ast
import itertools
import posixpath
import re
import string

from ...notebook.parse import python_tree
from ...notebook.scopes import walk
from .parameters import Parameter

# Methods that write a file named by their first argument.
WRITE_METHODS = frozenset(
    {
        "to_csv",
        "to_json",
        "to_excel",
        "to_parquet",
        "to_pickle",
        "to_html",
        "to_feather",
        "to_markdown",
        "to_latex",
        "savefig",
        "write_text",
        "write_bytes",
    }
)
# A SQLite file a notebook writes tables into with ``frame.to_sql``: the file it connects to.
_SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
_SQLITE_URL = "sqlite:///"


def file_names(sources: list[str], values: dict[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """({relative file name the code writes: its template}, every other path-like string). A file
    name is a literal, or a path joined from literals (``Path("..") / "out"``, ``os.path.join``, an
    f-string, ``+``) through names that hold one; ``values``: the parameters' values as the notebook
    sets them (text), so a name built from them (``f"{out_dir}/report_{day}.csv"``) is the file a
    run on those values writes, and its template (``"{out_dir}/report_{day}.csv"``, ``str.format``
    text: the braces of the literal parts doubled) the file a run on other values writes. A write
    counts only when every name its path reads is bound once (a parameter: never in the code), at
    a cell's top level, and the write is not inside a function, whose own names may shadow them.
    Names above the notebook's folder count too (``../out/x.csv``). A
    write in a ``try`` block may fail on purpose (an optional engine missing): not a file every
    run writes. A SQLite file connected to by a literal name (``sqlite3.connect`` or an SQLAlchemy
    ``sqlite:///`` URL) is written when the code writes tables with ``to_sql``, else read."""
    writes: dict[str, str] = {}
    strings: dict[str, None] = {}
    folders: dict[str, str] = dict(values or {})  # DATA = Path("..") / "data": the path a name holds
    patterns = {name: f"{{{name}}}" for name in folders}  # and its template: DATA = Path(out_dir) / "x"
    writes_sql = any(".to_sql(" in source for source in sources)
    trees = []
    for source in sources:
        if "'" not in source and '"' not in source and not _may_write(source):
            continue  # no string literal, and no call that could write a file a name holds
        try:
            trees.append(python_tree(source))
        except (SyntaxError, ValueError):
            continue
    bindings = _bindings(trees, set(folders) | _assigned(trees))
    for tree in trees:
        _hold_paths(tree, folders, patterns)
        stable = {name for name in folders if bindings.get(name, 0) <= (0 if values and name in values else 1)}
        tried = {id(n) for t in walk(tree) if isinstance(t, ast.Try) for stmt in t.body for n in ast.walk(stmt)}
        nested = {id(n) for t in walk(tree) if isinstance(t, _SCOPES) for n in walk(t) if n is not t}
        for node in walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _path_like(node.value, above=True):
                strings[node.value] = None
            elif isinstance(node, (ast.BinOp, ast.Call, ast.JoinedStr)):
                joined = _joined_path(node, folders)
                if joined is not None and _path_like(joined, above=True):
                    strings[joined] = None
            if not isinstance(node, ast.Call) or not node.args or id(node) in tried:
                continue
            first = node.args[0]
            func = node.func
            method = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            database = _sqlite_file(method, first)
            if database is not None:
                if writes_sql:
                    writes[database] = escaped(database)
                else:
                    strings[database] = None
                continue
            written = _written(method, node, folders, patterns, stable if id(node) not in nested else set())
            if written is not None:
                writes[written[0]] = written[1]
    return writes, [s for s in strings if s not in writes]


def _hold_paths(tree: ast.Module, folders: dict[str, str], patterns: dict[str, str]) -> None:
    """Adds the paths the cell's top-level ``name = …`` statements bind to ``folders``, and their
    templates to ``patterns``."""
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            held = _joined_path(stmt.value, folders)
            pattern = _joined_path(stmt.value, patterns, template=True)
            if held is not None and pattern is not None:
                folders[stmt.targets[0].id] = held
                patterns[stmt.targets[0].id] = pattern


def _written(
    method: str, call: ast.Call, folders: dict[str, str], patterns: dict[str, str], stable: set[str]
) -> tuple[str, str] | None:
    """The file the call writes, named by its first argument through none but the ``stable`` names,
    and its template (``patterns``: the templates of ``folders``)."""
    if method not in WRITE_METHODS:
        mode = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "mode"), None)
        if not (method == "open" and isinstance(mode, ast.Constant) and isinstance(mode.value, str)):
            return None
        if not any(c in mode.value for c in "wax"):
            return None
    read: set[str] = set()
    path = _joined_path(call.args[0], folders, read)
    template = _joined_path(call.args[0], patterns, template=True)
    if path is None or template is None or not read <= stable or not _path_like(path, above=True):
        return None
    return path, template


# Scopes whose own names may shadow the cell's: a write inside one is counted by literal names only.
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
# A call that may write a file: a cell without one, nor any string literal, names no file.
_WRITE_WORD = re.compile(r"\b(?:to_\w+|savefig|write_\w+|open)\(")


def _may_write(source: str) -> bool:
    # (the words found first, as substrings: the pattern alone costs ~50 µs over a 30-line cell)
    return ("to_" in source or "savefig" in source or "write_" in source or "open(" in source) and bool(
        _WRITE_WORD.search(source)
    )


def _assigned(trees: list[ast.Module]) -> set[str]:
    """The names the cells' top-level ``name = …`` statements bind."""
    return {
        stmt.targets[0].id
        for tree in trees
        for stmt in tree.body
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
    }


def _bindings(trees: list[ast.Module], names: set[str]) -> dict[str, int]:
    """How many times the code binds each of ``names``, in any scope (an assignment, a loop, a
    function's parameter, a definition, an import)."""
    counts: dict[str, int] = {}
    for tree in trees:
        for node in walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                bound = [node.id]
            elif isinstance(node, ast.arg):
                bound = [node.arg]
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound = [node.name]
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                bound = [(a.asname or a.name).split(".")[0] for a in node.names]
            else:
                continue
            for name in bound:
                if name in names:
                    counts[name] = counts.get(name, 0) + 1
    return counts


def _joined_path(
    node: ast.expr, folders: dict[str, str], read: set[str] | None = None, template: bool = False
) -> str | None:
    """The relative path an expression builds from string literals, when it only joins them:
    ``Path("..") / "data" / "sales.csv"``, ``os.path.join("data", "x.csv")``, an f-string or a
    ``+`` of them, or a name holding such a path (``folders``) joined further (``DATA / "sales.csv"``,
    ``f"{out_dir}/report.csv"``). ``read``: gets the names it looked up. ``template``: ``folders``
    holds templates, and so does the text returned (the literals' braces doubled)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return escaped(node.value) if template else node.value
    if isinstance(node, ast.Name):
        if read is not None:
            read.add(node.id)
        return folders.get(node.id)
    if isinstance(node, ast.JoinedStr):
        return _formatted(node, folders, read, template)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _joined_path(node.left, folders, read, template)
        right = _joined_path(node.right, folders, read, template)
        return None if left is None or right is None else left + right
    parts: list[ast.expr] = []
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        parts = [node.left, node.right]
    elif isinstance(node, ast.Call) and not node.keywords and node.args:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        joins = name == "join" and isinstance(func, ast.Attribute) and ast.unparse(func.value) in ("os.path", "path")
        if name not in ("Path", "PurePath", "PurePosixPath") and not joins:
            return None
        parts = node.args
    texts = [_joined_path(part, folders, read, template) for part in parts]
    if not parts or any(text is None or text.startswith("/") for text in texts):
        return None
    joined = "/".join(texts)  # type: ignore[arg-type]
    normal = posixpath.normpath(joined)
    # `{out_dir}/../x.csv` is not `x.csv` when out_dir holds two folders: a run's value may
    if template and _fields(normal) != _fields(joined):
        return joined
    return normal


def _fields(template: str) -> list[str | None]:
    return [name for _, name, _, _ in string.Formatter().parse(template)]


def escaped(text: str) -> str:
    """Literal text as a template holds it."""
    return text.replace("{", "{{").replace("}", "}}")


def _formatted(node: ast.JoinedStr, folders: dict[str, str], read: set[str] | None, template: bool) -> str | None:
    """The text of an f-string whose fields are names holding text, shown as they are (no format
    spec, no ``!r``); None for any other."""
    texts = []
    for part in node.values:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            texts.append(escaped(part.value) if template else part.value)
        elif isinstance(part, ast.FormattedValue) and part.conversion == -1 and part.format_spec is None:
            text = _joined_path(part.value, folders, read, template) if isinstance(part.value, ast.Name) else None
            if text is None:
                return None
            texts.append(text)
        else:
            return None
    return "".join(texts)


def parameter_values(parameters: list[Parameter]) -> dict[str, str]:
    """The text each parameter the notebook's parameters cell sets to a string or an integer
    stands for in a file name (``str(value)``, as an f-string shows it)."""
    values = {}
    for p in parameters:
        if p.origin != "cell":
            continue
        try:
            value = ast.literal_eval(p.default)
        except (ValueError, SyntaxError):
            continue
        if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            values[p.name] = str(value)
    return values


def _sqlite_file(method: str, first: ast.expr) -> str | None:
    """The SQLite file a ``connect("x.db")`` or ``create_engine("sqlite:///x.db")`` opens, if any."""
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return None
    name = first.value
    if method == "create_engine" and name.startswith(_SQLITE_URL):
        name = name[len(_SQLITE_URL) :]
    elif method != "connect":
        return None
    return name if _path_like(name) and name.lower().endswith(_SQLITE_SUFFIXES) else None


def _path_like(text: str, above: bool = False) -> bool:
    """Whether ``text`` reads as a relative file name; ``above``: one in a folder above the
    notebook's counts too (``../data/sales.csv``, the layout of a project with a notebooks/ folder)."""
    parts = text.replace("\\", "/").split("/")
    if above:
        parts = list(itertools.dropwhile(lambda part: part == "..", parts))
    return (
        0 < len(text) < 260
        and "\n" not in text
        and ".." not in parts
        and not text.startswith(("/", "~", "http:", "https:", "s3:", "gs:"))
        and re.search(r"\.[A-Za-z0-9]{1,8}$", text) is not None
        and ":" not in text
    )
