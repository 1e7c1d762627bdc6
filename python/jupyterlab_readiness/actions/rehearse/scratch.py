"""The rehearsal's private folder: a scratch copy of the notebook's folder, the kernels' temp
folders, their connection files and audit logs — all under one directory that is removed at the
end, whatever the outcome.

The private directory is ``<temp>/readiness-rehearsal-<pid>-<random>``; one left behind by a
process that died without cleaning up (killed with SIGKILL, a power cut) is removed by the next
rehearsal, once its process is gone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

PREFIX = "readiness-rehearsal-"

# Never copied: version control, checkpoints, environments, build and tool caches, our sidecars.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".ipynb_checkpoints",
        "__pycache__",
        "node_modules",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".readiness",
    }
)


class FolderTooBig(ValueError):
    """The folder is over the size limit for a scratch copy; the message says what to do."""


class Stopped(Exception):
    """The copy was stopped (cancelled, or the time limit was reached)."""


@dataclass(frozen=True, slots=True)
class Plan:
    """What a copy will take: regular files and symbolic links, their total size."""

    files: tuple[str, ...]  # relative paths
    links: tuple[str, ...]
    dirs: tuple[str, ...]
    total_bytes: int


def is_environment(path: Path) -> bool:
    """A virtual environment or conda environment folder (skipped whatever its name)."""
    return (path / "pyvenv.cfg").is_file() or (path / "conda-meta").is_dir()


def plan_copy(folder: Path, limit_bytes: int | None) -> Plan:
    """Walk the folder (skipping what is never copied); FolderTooBig past the limit."""
    files: list[str] = []
    links: list[str] = []
    dirs: list[str] = []
    total = 0
    for current, subdirs, names in os.walk(folder, followlinks=False):
        here = Path(current)
        kept = []
        for name in subdirs:
            full = here / name
            if name in SKIPPED_DIRS or (not full.is_symlink() and is_environment(full)):
                continue
            if full.is_symlink():
                links.append(os.path.relpath(full, folder))
            else:
                kept.append(name)
                dirs.append(os.path.relpath(full, folder))
        subdirs[:] = kept
        for name in names:
            full = here / name
            try:
                info = full.lstat()
            except OSError:
                continue
            relative = os.path.relpath(full, folder)
            if stat.S_ISLNK(info.st_mode):
                links.append(relative)
            elif stat.S_ISREG(info.st_mode):
                files.append(relative)
                total += info.st_size
                if limit_bytes is not None and total > limit_bytes:
                    raise FolderTooBig(
                        f"the notebook's folder holds more than {_size(limit_bytes)} of files to copy for a rehearsal; "
                        "move large data out of it (and read it by a parameter), raise "
                        "the limit (--max-folder-size), or rehearse --in-place"
                    )
    return Plan(tuple(files), tuple(links), tuple(dirs), total)


def copy_folder(source: Path, target: Path, plan: Plan, stop: threading.Event | None = None) -> None:
    """Copy what ``plan`` lists (content, permissions and times); symbolic links stay links, an
    absolute one into the folder pointing into the copy instead. Unreadable files are skipped.
    Checks ``stop`` between files and raises Stopped when it is set."""
    target.mkdir(parents=True, exist_ok=True)
    for relative in plan.dirs:
        (target / relative).mkdir(parents=True, exist_ok=True)
    resolved = source.resolve()
    for relative in plan.files:
        if stop is not None and stop.is_set():
            raise Stopped()
        with contextlib.suppress(OSError):
            shutil.copy2(source / relative, target / relative, follow_symlinks=False)
    for relative in plan.links:
        if stop is not None and stop.is_set():
            raise Stopped()
        try:
            pointee = os.readlink(source / relative)
        except OSError:
            continue
        if os.path.isabs(pointee):
            with contextlib.suppress(ValueError):
                pointee = str(target / Path(pointee).resolve().relative_to(resolved))
        with contextlib.suppress(OSError):
            os.symlink(pointee, target / relative)


def make_private_dir(base: Path | None = None, sweep: bool = True) -> Path:
    """A new private directory for one rehearsal (mode 0700), after sweeping abandoned ones."""
    base = Path(base or tempfile.gettempdir())
    if sweep:
        sweep_abandoned(base)
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base))


def sweep_abandoned(base: Path) -> list[Path]:
    """Remove private directories whose process no longer exists; return them."""
    removed = []
    try:
        entries = list(os.scandir(base))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(PREFIX) or not entry.is_dir(follow_symlinks=False):
            continue
        pid_text = entry.name[len(PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _alive(int(pid_text)):
            continue
        remove_tree(Path(entry.path))
        removed.append(Path(entry.path))
    return removed


def remove_tree(path: Path) -> None:
    """Remove a directory tree, making read-only entries writable first; never raises."""

    def retry(function, name, _exc_info):
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(name), 0o700)
            os.chmod(name, 0o700)
            function(name)

    with contextlib.suppress(FileNotFoundError):
        if sys.version_info >= (3, 12):
            shutil.rmtree(path, onexc=retry)
        else:
            shutil.rmtree(path, onerror=retry)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: leave its folder alone
    return True


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:g} {unit}" if unit == "bytes" else f"{n:.0f} {unit}"
        n /= 1000
    return f"{n:.0f} GB"


def parse_size(text: str) -> int:
    """'200MB', '1.5G', '500k', '1048576' → bytes (decimal units; KiB/MiB/GiB binary)."""
    units = {
        "": 1,
        "b": 1,
        "k": 10**3,
        "kb": 10**3,
        "m": 10**6,
        "mb": 10**6,
        "g": 10**9,
        "gb": 10**9,
        "kib": 2**10,
        "mib": 2**20,
        "gib": 2**30,
    }
    raw = text.strip().lower().replace(" ", "")
    number = raw.rstrip("kmgib")
    unit = raw[len(number) :]
    try:
        value = float(number)
    except ValueError:
        raise ValueError(f"not a size: {text!r} (e.g. 200MB, 1.5GB)") from None
    if unit not in units or value < 0:
        raise ValueError(f"not a size: {text!r} (e.g. 200MB, 1.5GB)")
    return int(value * units[unit])
