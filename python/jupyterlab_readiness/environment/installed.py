"""What the current Python environment has installed: import names → distributions, and versions.

Read from the ``*.dist-info`` / ``*.egg-info`` folders on ``sys.path`` as plain text (the stdlib's
``packages_distributions()`` builds an object per RECORD line and costs more than checking a
folder of notebooks), and kept in a small cache file, one per interpreter, holding what each
``sys.path`` folder had at its modification time: installing or removing a package changes its
folder, so the cache never goes stale, a warm CLI start reads one JSON file instead of scanning
hundreds of folders, and a folder that changed is the only one listed again.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import zlib
from pathlib import Path
from typing import NamedTuple

from .pep503 import normalize

_FORMAT = 2


class Installed(NamedTuple):
    modules: dict[str, tuple[str, ...]]  # top-level import name → normalised distributions
    versions: dict[str, str]  # normalised distribution → version

    def digest(self) -> str:
        """A fingerprint of the index: results that map imports to distributions depend on it."""
        import hashlib

        text = json.dumps([sorted(self.modules.items()), sorted(self.versions.items())], separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


_MEMO: dict[tuple[tuple[str, int], ...], Installed] = {}
# What one folder of sys.path holds: (distribution, version, top-level names) in listing order.
_Dists = list[tuple[str, str, list[str]]]


def path_state() -> tuple[tuple[str, int], ...]:
    """Each folder of ``sys.path`` that exists, with its modification time: installing, upgrading
    or removing a package adds or removes entries of its folder, so the state changes with what is
    installed."""
    folders = [(entry, _mtime(entry)) for entry in sys.path]
    return tuple((entry, mtime) for entry, mtime in folders if mtime is not None)


def installed() -> Installed:
    """The environment as it is now (a long-running server sees packages installed after it started)."""
    state = path_state()  # a snapshot is the same object for as long as no folder changes
    found = _MEMO.get(state)
    if found is None:
        # One file per interpreter; inside, each folder's distributions under its mtime, so a
        # folder that changed (under ``python -m``, the current folder is on sys.path) is the only
        # one listed again.
        cache = user_cache_dir() / f"installed-{zlib.crc32(f'{sys.executable} {sys.version}'.encode()):08x}.json"
        found = _MEMO[state] = _load_or_scan(cache, list(state))
    return found


def _load_or_scan(cache: Path, folders: list[tuple[str, int]]) -> Installed:
    stored: dict = {}
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("format") == _FORMAT and data.get("python") == sys.version:
            stored = data["folders"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    listed: dict[str, tuple[int, _Dists]] = {}
    changed = False
    for folder, mtime in folders:
        entry = stored.get(folder) if isinstance(stored, dict) else None
        if _valid(entry) and entry[0] == mtime:
            listed[folder] = (mtime, entry[1])
        else:
            listed[folder] = (mtime, _folder_dists(folder))
            changed = True
    if changed or len(listed) != len(stored):
        _write(cache, {"format": _FORMAT, "python": sys.version, "folders": listed})
    return _combine(dists for _, dists in listed.values())


def _valid(entry: object) -> bool:
    """A stored folder as this code writes it: [mtime, [[distribution, version, [top, …]], …]]."""
    if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], list)):
        return False
    return all(
        isinstance(d, list)
        and len(d) == 3
        and isinstance(d[0], str)
        and isinstance(d[1], str)
        and isinstance(d[2], list)
        for d in entry[1]
    )


def scan(folders) -> Installed:
    return _combine(_folder_dists(folder) for folder in folders)


def _combine(per_folder) -> Installed:
    """The index of folders listed in ``sys.path`` order: the first version of a distribution wins."""
    modules: dict[str, list[str]] = {}
    versions: dict[str, str] = {}
    for dists in per_folder:
        for dist, version, tops in dists:
            versions.setdefault(dist, version)
            for top in tops:
                names = modules.setdefault(top, [])
                if dist not in names:
                    names.append(dist)
    return Installed({top: tuple(d) for top, d in modules.items()}, versions)


def _folder_dists(folder: str) -> _Dists:
    try:
        with os.scandir(folder or ".") as it:
            infos = [e for e in it if e.name.endswith((".dist-info", ".egg-info")) and e.is_dir()]
    except OSError:
        return []
    found = []
    for info in infos:
        # "scikit_learn-1.5.0.dist-info", "foo-1.0-py3.11.egg-info"
        name, _, rest = info.name.rsplit(".", 1)[0].partition("-")
        found.append((normalize(name), rest.split("-", 1)[0], sorted(_top_levels(info.path))))
    return found


def _top_levels(info_dir: str) -> set[str]:
    try:
        with open(os.path.join(info_dir, "top_level.txt"), encoding="utf-8") as fh:
            return {line.strip() for line in fh if line.strip()}
    except OSError:
        pass
    tops: set[str] = set()
    try:
        with open(os.path.join(info_dir, "RECORD"), encoding="utf-8") as fh:
            for line in fh:
                path = line.split(",", 1)[0]
                first = path.split("/", 1)[0]
                if first.endswith(".py"):
                    tops.add(first[:-3])
                elif "/" in path and not first.endswith((".dist-info", ".data")) and first not in ("..", "__pycache__"):
                    tops.add(first)
    except OSError:
        pass
    return {t for t in tops if t.isidentifier()}


def _mtime(folder: str) -> int | None:
    try:
        return os.stat(folder or ".").st_mtime_ns
    except OSError:
        return None


def user_cache_dir() -> Path:
    """This tool's folder for what it keeps about the machine rather than a project."""
    base = os.environ.get("JUPYTER_READINESS_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "jupyterlab-readiness"
    )
    return Path(base)


def _write(path: Path, data: dict) -> None:
    # A cache: any failure (read-only home, full disk) just means the next run scans again.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".installed-", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(data))  # the same text; json.dump would encode it in pure Python, slower
        os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the new one
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
