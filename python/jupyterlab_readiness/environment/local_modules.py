"""The notebook's own modules: ``.py`` files beside it that it imports (its own code, or a module
Extract to module wrote), and the ones those import from the same folder — what the checks follow
into (checks/modules.py).

Read through ``files.Root`` (never above a server's root; only regular UTF-8 files), at most
512 KB each and 20 per notebook, and cached while the file is unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..files import OutsideRoot, Root, Unreadable
from ..notebook.facts import cell_facts
from ..notebook.names import STDLIB_MODULES

MAX_BYTES = 512 * 1024
MAX_MODULES = 20


@dataclass(frozen=True)
class LocalModule:
    file: str  # relative to the notebook's folder, '/'-separated
    path: Path
    cell_index: int  # the cell that imports it (directly, or through another local module)
    line: int  # the import's line in that cell
    source: str


def find_local_modules(
    directory: Path,
    ceiling: Path | None,
    imports: Iterable[tuple[str, str, int, int]],
    is_local: Callable[[str], bool],
    probed: list[Path] | None = None,
) -> list[LocalModule]:
    """``imports``: (module, what the import binds, cell, line) of the notebook's imports, in order.
    ``probed``: gets every file looked for, found or not (what the result depends on: a cached
    result is valid while each is as it was)."""
    found: dict[Path, LocalModule] = {}
    queue: list[tuple[str, int, int]] = []  # (dotted module, importing cell, line)
    for module, target, cell_index, line in imports:
        top = module.split(".")[0]
        if top not in STDLIB_MODULES and is_local(top):
            queue.extend((name, cell_index, line) for name in _candidates(module, target))
    while queue and len(found) < MAX_MODULES:
        name, cell_index, line = queue.pop(0)
        path = _module_file(directory, name, probed)
        if path is None or path in found:
            continue
        source = _read(path, ceiling)
        if source is None:
            continue
        file = path.relative_to(directory).as_posix() if path.is_relative_to(directory) else path.name
        found[path] = LocalModule(file, path, cell_index, line, source)
        for imp in cell_facts(source).imports:
            if imp.module and not imp.relative and imp.module.split(".")[0] not in STDLIB_MODULES:
                queue.extend((n, cell_index, line) for n in _candidates(imp.module, imp.target))
    return list(found.values())


def _candidates(module: str, target: str) -> list[str]:
    """``from pkg import mod`` may import the module ``pkg.mod``: try it first, then ``pkg``."""
    return [target, module] if target.startswith(module + ".") else [module]


def _module_file(directory: Path, dotted: str, probed: list[Path] | None) -> Path | None:
    base = directory.joinpath(*dotted.split("."))
    for candidate in (base.with_name(base.name + ".py"), base / "__init__.py"):
        if probed is not None:
            probed.append(candidate)
        if candidate.is_file():
            return candidate
    return None


def _read(path: Path, ceiling: Path | None) -> str | None:
    try:
        info = path.stat()
    except OSError:
        return None
    if info.st_size > MAX_BYTES:
        return None
    return _read_unchanged(path, info.st_mtime_ns, info.st_size, ceiling)


@functools.lru_cache(maxsize=256)
def _read_unchanged(path: Path, mtime_ns: int, size: int, ceiling: Path | None) -> str | None:
    try:
        return Root(ceiling).read_text(path, limit=MAX_BYTES)
    except (OutsideRoot, Unreadable):
        return None
