"""The folder's files before and after each run: sizes, times and — for what a run changed — SHA-256
hashes, so "the second run left a file different from the first" is a fact, not a guess.

Only files whose size or modification time changed are hashed (an unchanged folder costs one
``lstat`` per file). Symbolic links, skipped folders (``scratch.SKIPPED_DIRS``, environments) and
``__pycache__`` are left out. A SQLite file is also hashed by its content (its SQL dump): rewritten
with the same rows it is the same file, though its header's write counter changed its bytes. A PDF,
SVG, gzip or zip file is also hashed without what each save changes (``stable_files``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .scratch import SKIPPED_DIRS, is_environment
from .sqlite_files import Content, content_of, rows_added
from .stable_files import stable_digest

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class FileState:
    size: int
    mtime_ns: int
    sha256: str | None = None  # None: not hashed (unchanged since the copy)
    content: Content | None = None  # a SQLite file's content; None for any other file
    stable: str | None = None  # a PDF, SVG, gzip or zip file's digest without what each save changes (stable_files)


Snapshot = dict[str, FileState]  # relative posix path → state


@dataclass(frozen=True, slots=True)
class FileChange:
    """A difference between the folder after run 1 and after run 2."""

    path: str
    # resaved: other bytes, the same content (a figure's save date, a gzip header's time)
    kind: Literal["changed", "created", "removed", "resaved"]
    before_size: int | None
    after_size: int | None
    appended: bool  # the second run's file starts with the whole first-run file and is longer
    rows_added: tuple[tuple[str, int, int], ...] = ()  # a SQLite file: (table, rows before, after) that grew


def sha256_of(path: Path, limit: int | None = None) -> str:
    """The hash of the file (of its first ``limit`` bytes when given)."""
    digest = hashlib.sha256()
    left = limit
    with open(path, "rb") as handle:
        while left is None or left > 0:
            chunk = handle.read(_CHUNK if left is None else min(_CHUNK, left))
            if not chunk:
                break
            digest.update(chunk)
            if left is not None:
                left -= len(chunk)
    return digest.hexdigest()


def take(folder: Path, before: Snapshot | None, hash_changes: bool = True) -> Snapshot:
    """The folder's files now; files new or changed since ``before`` are hashed (when asked)."""
    found: Snapshot = {}
    for current, subdirs, names in os.walk(folder, followlinks=False):
        here = Path(current)
        subdirs[:] = [
            d for d in subdirs if d not in SKIPPED_DIRS and not (here / d).is_symlink() and not is_environment(here / d)
        ]
        for name in names:
            full = here / name
            try:
                info = full.lstat()
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            relative = full.relative_to(folder).as_posix()
            previous = before.get(relative) if before is not None else None
            if previous is not None and previous.size == info.st_size and previous.mtime_ns == info.st_mtime_ns:
                found[relative] = previous
                continue
            digest = content = stable = None
            if hash_changes and before is not None:
                try:
                    digest = sha256_of(full)
                except OSError:
                    continue
                content = content_of(full)
                stable = stable_digest(full)
            found[relative] = FileState(info.st_size, info.st_mtime_ns, digest, content, stable)
    return found


def written(before: Snapshot, after: Snapshot) -> list[str]:
    """Files a run created or changed (by size, time or content), in path order."""
    return sorted(path for path, state in after.items() if before.get(path) is not state)


def differences(
    folder: Path, first: Snapshot, second: Snapshot, original_hash: Callable[[str], str | None]
) -> list[FileChange]:
    """How the folder after the second run differs from after the first, by content.

    ``original_hash(path)`` gives the hash of a file as it was before the first run (for a file the
    first run did not change, which the first snapshot did not hash), or None when unknown — such a
    file is then compared by size only, never reported on a time stamp alone.
    """
    changes: list[FileChange] = []
    for path in sorted(first.keys() | second.keys()):
        a, b = first.get(path), second.get(path)
        if a is b:
            continue
        if a is None:
            changes.append(FileChange(path, "created", None, b.size, False))  # type: ignore[union-attr]
            continue
        if b is None:
            changes.append(FileChange(path, "removed", a.size, None, False))
            continue
        if a.content is not None and b.content is not None:
            if a.content.digest == b.content.digest:
                continue  # a SQLite file rewritten with the same schema and rows
            added = rows_added(a.content, b.content)
            if added:
                changes.append(FileChange(path, "changed", a.size, b.size, False, added))
                continue
        before_hash = a.sha256 or original_hash(path)
        if a.stable is not None and a.stable == b.stable:
            if before_hash != b.sha256:  # saved again: only its save time (dates, ids) changed
                changes.append(FileChange(path, "resaved", a.size, b.size, False))
            continue
        if before_hash is None:
            if a.size != b.size:
                changes.append(FileChange(path, "changed", a.size, b.size, False))
            continue
        if before_hash == b.sha256:
            continue
        appended = False
        if b.size > a.size:
            with contextlib.suppress(OSError):
                appended = sha256_of(folder / path, a.size) == before_hash
        changes.append(FileChange(path, "changed", a.size, b.size, appended))
    return changes
