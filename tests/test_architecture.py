"""The layout is the architecture (docs/architecture.md): imports between the subpackages point one
way, names used by another module are public, and the subpackages' ``__init__`` files are empty
(the CLI's start-up imports only what a command needs)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers.notebooks import REPO

PACKAGE = REPO / "python" / "jupyterlab_readiness"

# Lower layers never import higher ones. Utilities (rank 0) are importable from anywhere and import
# nothing of the package themselves.
RANK = {
    "files": 0,
    "compat": 0,
    "json_pieces": 0,
    "contract": 0,
    "notebook": 1,
    "environment": 2,
    "checks": 3,
    "fixes": 4,
    "lint": 5,
    "handoff": 6,
    "actions": 7,
    "cli": 8,
    "server": 8,
}
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "labextension" not in p.parts)


def module_name(path: Path) -> list[str]:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def imports(path: Path) -> list[tuple[int, list[str], list[str]]]:
    """(line, the imported module as package parts, the names taken from it) of each import of
    this package's modules."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.split(".")[0] == "jupyterlab_readiness":
                target = node.module.split(".")[1:]
            else:
                continue
            found.append((node.lineno, target, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "jupyterlab_readiness":
                    found.append((node.lineno, alias.name.split(".")[1:], []))
    return found


def layer(parts: list[str]) -> str:
    return parts[0] if parts else ""


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_one_way(path):
    here = layer(module_name(path))
    if here not in RANK:  # the package's own entry points (__init__, __main__)
        return
    for line, target, _ in imports(path):
        there = layer(target)
        if there in ("", here) or (there == "__init__"):
            continue
        assert there in RANK, f"{path.name}:{line} imports an unknown layer {there!r}"
        if RANK[there] == 0 and RANK[here] != 0:
            continue
        assert RANK[there] < RANK[here], (
            f"{path.relative_to(PACKAGE)}:{line} imports {'.'.join(target)}: "
            f"{here} (layer {RANK[here]}) must not depend on {there} (layer {RANK[there]})"
        )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_private_name_is_imported_from_another_module(path):
    for line, target, names in imports(path):
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        assert not private, f"{path.relative_to(PACKAGE)}:{line} imports {private} from {'.'.join(target)}"


def test_subpackage_inits_are_empty():
    for init in PACKAGE.rglob("__init__.py"):
        if init.parent == PACKAGE or "labextension" in init.parts:
            continue
        assert init.read_text(encoding="utf-8").strip() == "", f"{init.relative_to(PACKAGE)} is not empty"
