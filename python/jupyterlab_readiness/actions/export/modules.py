"""Export to package, the notebook's own modules: the ``.py`` files beside the notebook that it
imports (its ``helpers.py``, or a module Extract to module wrote), found and read through the root
by ``environment/local_modules.py``, are copied into the package (``src/PKG/helpers.py``), and
every import of them — in the notebook's code and in the copied modules — becomes an import from
the package (``from helpers import f`` → ``from PKG.helpers import f``, ``import helpers`` →
``from PKG import helpers``). Installed, the package then finds them where the notebook did.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from ...environment.local_modules import LocalModule
from ...notebook.parse import python_tree
from ...notebook.rewrite import apply_edits, span


def dotted(module: LocalModule) -> str:
    """The module's import name: ``helpers.py`` → ``helpers``, ``tools/__init__.py`` → ``tools``."""
    parts = module.file.removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def rewrite_imports(source: str, tops: Iterable[str], package: str) -> str:
    """``source`` with its absolute imports of the modules ``tops`` names made imports from the
    package ``package``; the source unchanged when it has none (or does not parse)."""
    tops = set(tops)
    if not tops or not any(top in source for top in tops):
        return source
    try:
        tree = python_tree(source)
    except (SyntaxError, ValueError):
        return source
    edits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if node.module.split(".")[0] in tops:
                names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in node.names)
                edits.append(span(node, f"from {package}.{node.module} import {names}"))
        elif isinstance(node, ast.Import) and any(a.name.split(".")[0] in tops for a in node.names):
            edits.append(span(node, "; ".join(_import(a, tops, package) for a in node.names)))
    return apply_edits(source, edits) if edits else source


def _import(alias: ast.alias, tops: set[str], package: str) -> str:
    name, asname = alias.name, alias.asname
    top = name.split(".")[0]
    if top not in tops:
        return f"import {name}" + (f" as {asname}" if asname else "")
    if asname:  # ``import tools.io as tio`` binds the submodule
        head, _, last = name.rpartition(".")
        return f"from {package}{'.' + head if head else ''} import {last} as {asname}"
    if "." in name:  # ``import tools.io`` binds ``tools``, with ``tools.io`` loaded
        return f"import {package}.{name}; from {package} import {top}"
    return f"from {package} import {name}"


def copied(modules: list[LocalModule], package: str, first_line: str) -> dict[str, str]:
    """{path in the project: text} of the modules, their imports of each other rewritten; a
    folder of them gets an ``__init__.py`` when it has none (the package's build finds it)."""
    tops = {dotted(m).split(".")[0] for m in modules}
    files: dict[str, str] = {}
    for module in modules:
        text = rewrite_imports(module.source, tops, package)
        note = f"# Copied from {module.file} beside the notebook; imports of the notebook's modules are the package's."
        files[f"src/{package}/{module.file}"] = f"{first_line}{note}\n{text}"
    for path in list(files):
        folder = path.rsplit("/", 1)[0]
        while folder != f"src/{package}":
            files.setdefault(f"{folder}/__init__.py", first_line)
            folder = folder.rsplit("/", 1)[0]
    return files
