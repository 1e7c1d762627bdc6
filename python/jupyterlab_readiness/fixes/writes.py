"""Fix for an append-mode write: the same call in overwrite mode, so a rerun replaces its output
instead of adding to it. Unsafe: a notebook that appends on purpose (a log across runs) loses it."""

from __future__ import annotations

import ast

from ..checks.context import Hit
from ..contract.fixes import Fix, ReplaceSource
from ..contract.report import Finding
from ..notebook.rewrite import Span, apply_edits, qualname, span
from .view import FixEnv, Tree, aliases_at, calls_on, cell_of, tree_of

_OPENERS = frozenset({"open", "io.open", "codecs.open", "os.fdopen", "gzip.open", "bz2.open", "lzma.open"})
_MODE_METHODS = frozenset({"to_csv", "to_json", "to_excel", "to_parquet"})


def append_write(env: FixEnv, finding: Finding, hit: Hit) -> list[Fix]:
    cell = cell_of(env.ctx, finding)
    if cell is None or finding.line is None:
        return []
    tree = tree_of(cell.source)
    if tree is None:
        return []
    aliases = aliases_at(env, cell)
    spans: list[Span] = []
    for node in calls_on(tree, finding.line):
        if tree.editable(node):
            # a bare name nothing imported is itself (``open``), as the check resolves it
            name = qualname(node.func, aliases) or (node.func.id if isinstance(node.func, ast.Name) else None)
            spans.extend(_overwrite(tree, node, name))
    if not spans:
        return []
    source = apply_edits(cell.source, spans)
    return [
        Fix(
            "overwrite",
            "Overwrite instead of appending",
            False,
            [ReplaceSource(cell_index=cell.index, cell_id=cell.cell_id, source=source)],
            note="A rerun now replaces the output instead of adding to it. If the notebook appends on purpose (a "
            "record that grows run after run), write one file per run instead; a replaced CSV may also need its "
            "header (`header=`).",
        )
    ]


def _overwrite(tree: Tree, node: ast.Call, name: str | None) -> list[Span]:
    func = node.func
    method = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    if name in _OPENERS or (method == "open" and isinstance(func, ast.Attribute) and name is None):
        position = 1 if name in _OPENERS else 0
        mode = keywords.get("mode") or (node.args[position] if len(node.args) > position else None)
        return _string(tree, mode, lambda m: m.replace("a", "w") if "a" in m and len(m) <= 3 else None)
    if method in _MODE_METHODS:
        found = _string(tree, keywords.get("mode"), lambda m: m.replace("a", "w") if "a" in m and len(m) <= 3 else None)
        header = keywords.get("header")
        if found and method == "to_csv" and header is not None and not isinstance(header, ast.Constant):
            # the append idiom header=not os.path.exists(path): a rerun that replaces the file
            # would write it without its header
            found.append(span(header, "True"))
        return found
    if method == "mode" and node.args:
        return _string(tree, node.args[0], lambda m: "overwrite" if m == "append" else None)
    if method == "to_sql":
        return _string(tree, keywords.get("if_exists"), lambda m: "replace" if m == "append" else None)
    found = []
    for key in ("mode", "saveMode"):
        found += _string(tree, keywords.get(key), lambda m: "overwrite" if m == "append" else None)
    if method in ("to_hdf", "write_deltalake", "to_delta"):
        value = keywords.get("append")
        if isinstance(value, ast.Constant) and value.value is True:
            found.append(span(value, "False"))
    return found


def _string(tree: Tree, node: ast.expr | None, change) -> list[Span]:
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return []
    new = change(node.value)
    if new is None:
        return []
    text = tree.segment(node)
    quote = text[-1] if text and text[-1] in "'\"" else '"'
    return [span(node, f"{quote}{new}{quote}")]
