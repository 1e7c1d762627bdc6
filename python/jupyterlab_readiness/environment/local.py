"""The project's own code beside a notebook: modules and packages that are never a dependency."""

from __future__ import annotations

import os
from pathlib import Path


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
