"""For ``--changed-since``: the notebooks a change to other files affects. A notebook's findings
and its contract verdict read more than its own text, and a pull request that removes a pin, a
waiver or a clause changes no notebook: judged by the notebooks it changed alone, it would pass
while the notebooks it affects are no longer ready.

A notebook is affected by a changed file (added, modified or deleted) that is:

- a pin or configuration file of its folder or of one above it, up to the repository root:
  the files ``environment.pins`` reads (``requirements*.txt``, ``requirements/*.txt``, lock files,
  ``pyproject.toml`` …) and the contract's ``readiness-contract.toml``;
- a file one of its pin files includes (``-r ../shared/base.txt``);
- a module or package beside it (``helpers.py``, ``mylib/…``), whose imports its checks follow;
- one of its sidecar records (``.readiness/<notebook>.*``: the rehearsal, the exported package's tests).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..environment.pins import find_pins, is_pin_file, search_dirs
from .config import CONTRACT_FILE
from .discovery import RealPaths
from .sidecar import SIDECAR_FOLDER

_CONFIGURATION = frozenset({"pyproject.toml", CONTRACT_FILE})


class Affected:
    """``affected(notebook)``: whether a notebook's result may have changed with ``changed`` (real
    paths of changed files other than notebooks). Folders are judged once, whatever the number of
    notebooks in them."""

    def __init__(self, changed: Iterable[str]) -> None:
        self.changed = frozenset(changed)
        self._in_folder: dict[str, list[str]] = {}
        for path in self.changed:
            self._in_folder.setdefault(os.path.dirname(path), []).append(os.path.basename(path))
        self._folders: dict[str, bool] = {}
        self.real = RealPaths()

    def __call__(self, notebook: Path) -> bool:
        if not self.changed:
            return False
        real = self.real(notebook)
        folder = os.path.dirname(real)
        affected = self._folders.get(folder)
        if affected is None:
            affected = self._folders[folder] = self._folder(Path(folder))
        return affected or self._records(folder, os.path.basename(real))

    def _folder(self, folder: Path) -> bool:
        for directory in search_dirs(folder):
            if any(name in _CONFIGURATION or is_pin_file(name) for name in self._in_folder.get(str(directory), ())):
                return True
            if any(name.endswith(".txt") for name in self._in_folder.get(str(directory / "requirements"), ())):
                return True
        if self.changed.intersection(os.path.realpath(f) for f in find_pins(folder).files):
            return True
        return any(self._beside(path, str(folder)) for path in self.changed)

    @staticmethod
    def _beside(path: str, folder: str) -> bool:
        """A module beside the notebook, or a file of a package beside it."""
        if not path.endswith(".py") or not path.startswith(folder + os.sep):
            return False
        parts = path[len(folder) + 1 :].split(os.sep)
        return len(parts) == 1 or parts[0].isidentifier()

    def _records(self, folder: str, name: str) -> bool:
        records = self._in_folder.get(os.path.join(folder, SIDECAR_FOLDER), ())
        return any(record.startswith(name + ".") for record in records)
