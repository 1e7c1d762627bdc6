"""Which notebook files a list of command-line paths names."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

_SKIPPED_DIRS = frozenset({".ipynb_checkpoints", ".git", ".hg", "node_modules", "__pycache__"})


def notebook_paths(paths: list[str]) -> Iterator[tuple[Path, str | None]]:
    """(path, None) for every notebook found, (path, reason) for an argument that is not usable.

    Each notebook once, as the first argument that reaches it names it: overlapping arguments
    (``. analysis``, a folder and a notebook in it) would otherwise check and count it twice."""
    seen: set[str] | None = set() if len(paths) > 1 else None  # one argument cannot overlap itself
    for raw in paths:
        path = Path(raw)
        try:
            mode = path.stat().st_mode
        except OSError as exc:  # not there, a link that loops, a name too long
            yield path, (exc.strerror or "cannot be read").lower()
            continue
        if stat.S_ISDIR(mode):
            yield from ((p, None) for p in _walk(path) if _first(p, seen))
        elif stat.S_ISREG(mode):
            if _first(path, seen):
                yield path, None
        else:
            yield path, "not a regular file"


def _first(path: Path, seen: set[str] | None) -> bool:
    if seen is None:
        return True
    key = os.path.normcase(os.path.abspath(path))
    if key in seen:
        return False
    seen.add(key)
    return True


def _walk(root: Path) -> Iterator[Path]:
    # Sorted as paths sort (part by part, case-folded where the system folds case), by keys made
    # once per file: a tree of 10,000 notebooks spent more time in Path's comparisons than in the walk.
    fold = os.path.normcase
    found: list[tuple[tuple[str, ...], str, str]] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
        parts = tuple(fold(part) for part in Path(folder).parts)
        found.extend(((*parts, fold(f)), folder, f) for f in files if f.endswith(".ipynb"))
    found.sort()
    for _, folder, name in found:
        yield Path(folder, name)


class RealPaths:
    """``real(path)``: ``os.path.realpath(path)`` for many files in few folders, each folder
    resolved once (a file's own name is followed only when it is a link)."""

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}

    def __call__(self, path: Path | str) -> str:
        folder, name = os.path.split(os.fspath(path))
        real = self._folders.get(folder)
        if real is None:
            real = self._folders[folder] = os.path.realpath(folder or os.curdir)
        joined = os.path.join(real, name)
        return os.path.realpath(joined) if os.path.islink(joined) else joined
