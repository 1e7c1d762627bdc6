"""Extract to module: the generated module's import lines, and merging a new function into an
existing module without dropping or overwriting anything else."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable

from ...notebook.scopes import (
    ImportKey,
    alias_bound,
    import_key,
    import_key_bound,
    scope_binds,
)
from ..errors import ExtractionRefused


def render_imports(keys: Iterable[ImportKey]) -> list[str]:
    """Import lines the way ruff's default isort rule (I001) wants them: sections (future,
    standard library, third party, relative) one blank line apart; in each, ``import x`` lines
    before ``from x import y`` lines, modules case-insensitively; members constants, classes,
    then the rest; aliased members on lines of their own; lines over 88 characters wrapped."""
    sections: dict[int, list[ImportKey]] = {}
    for key in set(keys):
        sections.setdefault(_section(key), []).append(key)
    lines: list[str] = []
    for section in sorted(sections):
        if lines:
            lines.append("")
        ks = sections[section]
        plain = sorted((k for k in ks if k[0] == "import"), key=lambda k: (_module_key(k[1]), k[2] or ""))
        lines.extend(f"import {k[1]}" + (f" as {k[2]}" if k[2] else "") for k in plain)
        groups: dict[tuple[str, str | None], list[ImportKey]] = {}
        for k in ks:
            if k[0] == "from":
                groups.setdefault((k[1], k[2] if k[3] else None), []).append(k)
        entries = []
        for (module, _), members in groups.items():
            members.sort(key=lambda k: _member_key(k[2]))
            names = [k[2] + (f" as {k[3]}" if k[3] else "") for k in members]
            entries.append(((_module_key(module), _member_key(members[0][2])), from_line(module, names)))
        lines.extend(text for _, text in sorted(entries))
    return lines


def _section(key: ImportKey) -> int:
    module = key[1]
    if module == "__future__":
        return 0
    if module.startswith("."):
        return 3
    return 1 if module.split(".")[0] in sys.stdlib_module_names else 2


def _module_key(module: str) -> tuple[int, str]:
    level = len(module) - len(module.lstrip("."))
    return (-level, module.lstrip(".").lower())


def _member_key(name: str) -> tuple[int, str]:
    kind = 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2
    return (kind, name.lower())


def from_line(module: str, names: list[str]) -> str:
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= 88:
        return line
    return f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"


def top_level_bindings(tree: ast.Module) -> dict[str, list[ast.stmt]]:
    bindings: dict[str, list[ast.stmt]] = {}
    for stmt in tree.body:
        for name in scope_binds(stmt):
            bindings.setdefault(name, []).append(stmt)
    return bindings


def used_names(tree: ast.Module) -> set[str]:
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            used.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
            used.add(node.value)  # __all__ entries, string annotations
    return used


def span(lines: list[str], node: ast.stmt) -> tuple[int, int]:
    """0-based [start, stop) of a top-level statement with its decorators and the indented lines
    (comments) that follow it, not counting blank lines at the end."""
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
    stop = node.end_lineno
    j = stop
    while j < len(lines) and (not lines[j].strip() or lines[j][:1] in (" ", "\t")):
        j += 1
        if lines[j - 1].strip():
            stop = j
    return start, stop


def new_module(header: str, imports: set[ImportKey], body: str, blank_lines: int = 2) -> str:
    """The module when none exists: its docstring, the imports, the extracted code ``blank_lines``
    below them (ruff's isort wants two before a ``def`` or ``class``, one before anything else)."""
    parts = [header]
    if imports:
        parts.append("\n" + "\n".join(render_imports(imports)) + "\n")
    return "".join(parts) + "\n" * blank_lines + body


def parse_existing(existing: str) -> ast.Module:
    try:
        return ast.parse(existing)
    except (SyntaxError, ValueError) as exc:
        raise ExtractionRefused(
            f"The existing module does not parse (line {getattr(exc, 'lineno', '?')}): fix it, or choose another "
            "module name; nothing was written."
        ) from exc


def merge_module(
    existing: str | None, function: str, block: str, result_class: str | None, imports: set[ImportKey], header: str
) -> str:
    """The module with ``block`` (the function, and its result class before it) added, or
    replacing the function of that name extracted before; ``imports`` merged into its imports."""
    if existing is None or not existing.strip():
        return new_module(header, imports, block)
    tree = parse_existing(existing)
    bindings = top_level_bindings(tree)
    old_def = _previous_extraction(bindings, function)
    old_class = _result_class_of(tree, old_def)
    if (
        result_class
        and result_class in bindings
        and (old_class is None or old_class.name != result_class or len(bindings[result_class]) > 1)
    ):
        raise ExtractionRefused(
            "The module already defines the name of the function's result class: rename it, or choose another "
            "function name."
        )
    check_import_clashes(tree, bindings, imports, function)
    lines = existing.splitlines()
    new_lines = block.rstrip("\n").split("\n")
    if old_def is None:
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ["", "", *new_lines]
    else:
        edits: list[tuple[int, int, list[str]]] = [(*span(lines, old_def), new_lines)]
        if old_class is not None:
            start, stop = span(lines, old_class)
            while stop < len(lines) and not lines[stop].strip():
                stop += 1
            edits.append((start, stop, []))
        for start, stop, replacement in sorted(edits, reverse=True):
            lines[start:stop] = replacement
    edited = "\n".join(lines) + "\n"
    return merge_imports(edited, imports, used_names(without_imports(tree)))


def _previous_extraction(
    bindings: dict[str, list[ast.stmt]], function: str
) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The function of that name a previous extraction wrote (replaced by the new one)."""
    old_def = None
    for stmt in bindings.get(function, []):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == function and old_def is None:
            old_def = stmt
        else:
            raise ExtractionRefused(
                "The module already defines the function's name as something other than a function: choose another "
                "function name."
            )
    return old_def


def _result_class_of(tree: ast.Module, old_def: ast.stmt | None) -> ast.ClassDef | None:
    """The NamedTuple a previous extraction wrote for the function's results, if any."""
    if old_def is None or not isinstance(old_def.returns, ast.Name):
        return None
    candidate = next((s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == old_def.returns.id), None)
    if candidate is not None and any(
        (isinstance(b, ast.Name) and b.id == "NamedTuple") or (isinstance(b, ast.Attribute) and b.attr == "NamedTuple")
        for b in candidate.bases
    ):
        return candidate
    return None


def check_import_clashes(
    tree: ast.Module, bindings: dict[str, list[ast.stmt]], imports: set[ImportKey], function: str
) -> None:
    """An import the function needs must not rebind a name the module uses for something else."""
    existing_imports: dict[str, ImportKey] = {}
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for alias in stmt.names:
                existing_imports[alias_bound(stmt, alias)] = import_key(stmt, alias)
    for key in sorted(imports):
        bound = import_key_bound(key)
        other = existing_imports.get(bound)
        if (
            other is not None
            and other != key
            and not (key[0] == other[0] == "import" and key[1].split(".")[0] == other[1].split(".")[0])
        ):
            raise ExtractionRefused(
                f"The module already imports `{bound}` as something else ({render_imports([other])[0]}), but the "
                f"function needs {render_imports([key])[0]}: rename one of them."
            )
        if other is None and bound in bindings and bound != function:
            raise ExtractionRefused(
                f"The module already defines `{bound}`, but the function needs it as {render_imports([key])[0]}: "
                "rename one of them."
            )


def without_imports(tree: ast.Module) -> ast.Module:
    return ast.Module(body=[s for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom))], type_ignores=[])


def merge_imports(text: str, imports: set[ImportKey], used_before: set[str]) -> str:
    tree = ast.parse(text)
    lines = text.split("\n")
    body = tree.body
    i = 0
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        i = 1
    block: list[ast.stmt] = []
    while i + len(block) < len(body) and isinstance(body[i + len(block)], (ast.Import, ast.ImportFrom)):
        block.append(body[i + len(block)])
    present = {import_key(s, a) for s in body if isinstance(s, (ast.Import, ast.ImportFrom)) for a in s.names}
    missing = {k for k in imports if k not in present}
    if block:
        first, last = block[0].lineno - 1, block[-1].end_lineno
        simple = not any("#" in line or ";" in line or "\\" in line for line in lines[first:last])
        if simple:
            used_after = used_names(without_imports(tree))
            keys = {import_key(s, a) for s in block for a in s.names}
            stale = {
                k
                for k in keys
                if import_key_bound(k) in used_before and import_key_bound(k) not in used_after and k[1] != "__future__"
            }
            rendered = (
                "\n".join(render_imports((keys - stale) | missing)).split("\n") if (keys - stale) | missing else []
            )
            lines[first:last] = rendered
            if not rendered:
                while first < len(lines) and not lines[first].strip():
                    del lines[first]
                if first > 0:
                    lines[first:first] = ["", ""]
            return "\n".join(lines)
        if not missing:
            return text
        lines[last:last] = "\n".join(render_imports(missing)).split("\n")
        return "\n".join(lines)
    if not missing:
        return text
    rendered = render_imports(missing)
    if i == 1:  # after the docstring
        at = body[0].end_lineno
        rest = lines[at:]
        while rest and not rest[0].strip():
            rest.pop(0)
        return "\n".join([*lines[:at], "", *rendered, "", "", *rest])
    rest = list(lines)
    while rest and not rest[0].strip():
        rest.pop(0)
    return "\n".join([*rendered, "", "", *rest])
