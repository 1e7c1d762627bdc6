"""The project's own code beside a notebook: modules and packages that are never a dependency."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from .pins import PinSet, find_pins


class Folder(NamedTuple):
    """What a notebook's folder gives its checks: the exact pins it sees and the names of the
    modules and packages beside it. A run over many notebooks computes it once per folder, and
    the result cache keys on it, so a cached report and its key come from the same state."""

    pins: PinSet
    modules: frozenset[str]


def folder_state(directory: Path) -> Folder:
    return Folder(find_pins(directory), frozenset(local_module_names(directory)))


def is_local_module(directory: Path | None, top: str) -> bool:
    """A module or package beside the notebook: the project's own code, never a dependency."""
    return directory is not None and ((directory / f"{top}.py").is_file() or (directory / top).is_dir())


def local_module_names(directory: Path) -> list[str]:
    """Every name ``is_local_module`` holds true in ``directory``, sorted: what a result that asks
    it depends on (a module or package added beside the notebook changes it)."""
    names = set()
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                name = entry.name
                try:
                    if name.endswith(".py") and name[:-3].isidentifier() and entry.is_file():
                        names.add(name[:-3])
                    elif name.isidentifier() and entry.is_dir():
                        names.add(name)
                except OSError:  # vanished or unreadable while listed: as is_file/is_dir would say
                    continue
    except OSError:
        return []
    return sorted(names)
