"""What the current Python environment has installed: import names → distributions, and versions.

Read from the ``*.dist-info`` / ``*.egg-info`` folders on ``sys.path`` as plain text (the stdlib's
``packages_distributions()`` builds an object per RECORD line and costs more than checking a
folder of notebooks), and kept in a small cache file keyed by each ``sys.path`` folder and its
modification time: installing or removing a package changes its folder, so the cache never goes
stale, and a warm CLI start reads one JSON file instead of scanning hundreds of folders.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from .pep503 import normalize

_FORMAT = 1


@dataclass(frozen=True)
class Installed:
    modules: dict[str, tuple[str, ...]]  # top-level import name → normalised distributions
    versions: dict[str, str]  # normalised distribution → version

    def digest(self) -> str:
        """A fingerprint of the index: results that map imports to distributions depend on it."""
        import hashlib

        text = json.dumps([sorted(self.modules.items()), sorted(self.versions.items())], separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


_MEMO: dict[str, Installed] = {}


def installed() -> Installed:
    """The environment as it is now (a long-running server sees packages installed after it started)."""
    folders = [(entry, _mtime(entry)) for entry in sys.path]
    state = json.dumps([_FORMAT, sys.version, [f for f in folders if f[1] is not None]])
    found = _MEMO.get(state)
    if found is None:
        # The file name only spreads environments over files; the state stored inside decides.
        cache = _cache_dir() / f"installed-{zlib.crc32(state.encode()):08x}.json"
        found = _MEMO[state] = _load_or_scan(cache, state, [entry for entry, mtime in folders if mtime is not None])
    return found


def _load_or_scan(cache: Path, state: str, folders: list[str]) -> Installed:
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data["state"] == state:
            return Installed({k: tuple(v) for k, v in data["modules"].items()}, dict(data["versions"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    found = scan(folders)
    _write(cache, {"state": state, "modules": found.modules, "versions": found.versions})
    return found


def scan(folders) -> Installed:
    modules: dict[str, list[str]] = {}
    versions: dict[str, str] = {}
    for folder in folders:
        try:
            with os.scandir(folder or ".") as it:
                infos = [e for e in it if e.name.endswith((".dist-info", ".egg-info")) and e.is_dir()]
        except OSError:
            continue
        for info in infos:
            # "scikit_learn-1.5.0.dist-info", "foo-1.0-py3.11.egg-info"
            name, _, rest = info.name.rsplit(".", 1)[0].partition("-")
            dist = normalize(name)
            versions.setdefault(dist, rest.split("-", 1)[0])
            for top in _top_levels(info.path):
                names = modules.setdefault(top, [])
                if dist not in names:
                    names.append(dist)
    return Installed({top: tuple(d) for top, d in modules.items()}, versions)


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


def _cache_dir() -> Path:
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
            json.dump(data, fh)
        os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the new one
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
