"""Export to package, the files the notebook's code names: the relative file names it writes (which
the package's tests and README list, and its golden test checks) and every other path-like string
(candidates for the inputs the tests copy, kept when such a file exists beside the notebook).
"""

from __future__ import annotations

import ast
import itertools
import posixpath
import re

from ...notebook.parse import python_tree
from ...notebook.scopes import walk

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


def file_names(sources: list[str]) -> tuple[list[str], list[str]]:
    """(relative file names the code writes by literal name, every other path-like string). A
    write in a ``try`` block may fail on purpose (an optional engine missing): not a file every
    run writes. A SQLite file connected to by a literal name (``sqlite3.connect`` or an SQLAlchemy
    ``sqlite:///`` URL) is written when the code writes tables with ``to_sql``, else read."""
    writes: dict[str, None] = {}
    strings: dict[str, None] = {}
    folders: dict[str, str] = {}  # DATA = Path("..") / "data": the path a name holds, for DATA / "sales.csv"
    writes_sql = any(".to_sql(" in source for source in sources)
    for source in sources:
        if "'" not in source and '"' not in source:
            continue  # no string literal at all
        try:
            tree = python_tree(source)
        except (SyntaxError, ValueError):
            continue
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                held = _joined_path(stmt.value, folders)
                if held is not None:
                    folders[stmt.targets[0].id] = held
        tried = {id(n) for t in walk(tree) if isinstance(t, ast.Try) for stmt in t.body for n in ast.walk(stmt)}
        for node in walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _path_like(node.value, above=True):
                strings[node.value] = None
            elif isinstance(node, (ast.BinOp, ast.Call)):
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
                (writes if writes_sql else strings)[database] = None
                continue
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str) and _path_like(first.value)):
                continue
            mode = (
                node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
            )
            opens_for_write = (
                method == "open"
                and isinstance(mode, ast.Constant)
                and isinstance(mode.value, str)
                and any(c in mode.value for c in "wax")
            )
            if method in WRITE_METHODS or opens_for_write:
                writes[first.value] = None
    return list(writes), [s for s in strings if s not in writes]


def _joined_path(node: ast.expr, folders: dict[str, str]) -> str | None:
    """The relative path an expression builds from string literals, when it only joins them:
    ``Path("..") / "data" / "sales.csv"``, ``os.path.join("data", "x.csv")``, or a name holding
    such a path (``folders``) joined further (``DATA / "sales.csv"``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return folders.get(node.id)
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
    texts = [_joined_path(part, folders) for part in parts]
    if not parts or any(text is None or text.startswith("/") for text in texts):
        return None
    return posixpath.normpath("/".join(texts))  # type: ignore[arg-type]


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
