"""Which notebooks a command works on: the paths given (``discovery.notebook_paths``), narrowed to
those that changed since a git ref and to one shard of a CI matrix. One implementation for
``check`` and ``contract``.

``changed_since``: the notebooks that differ from the merge base of REF and HEAD — committed since,
staged, unstaged or untracked (not ignored); deleted ones are gone and not listed. The merge base
(rather than REF itself) is what a pull request changed: notebooks changed on the target branch
after the branch point are not the pull request's. ``shard=(k, n)``, 1 ≤ k ≤ n: the notebooks whose
path hashes to k of n (deterministic, the same on every runner).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

from .discovery import notebook_paths


class SelectionError(ValueError):
    """The selection cannot be made (not a git repository, an unknown ref, a bad shard); the
    message says why, for a person."""


def select_notebooks(
    paths: list[str], *, changed_since: str | None = None, shard: tuple[int, int] | None = None
) -> Iterator[tuple[Path, str | None]]:
    """(path, None) for every selected notebook, (path, reason) for an argument that is not usable,
    in the order ``notebook_paths`` gives. Raises SelectionError before yielding anything."""
    if shard is not None:
        k, n = shard
        if not (isinstance(k, int) and isinstance(n, int) and 1 <= k <= n):
            raise SelectionError("a shard is K/N with 1 ≤ K ≤ N")
    changed = _changed(paths, changed_since) if changed_since is not None else None
    for path, problem in notebook_paths(paths):
        if problem is None:
            if changed is not None and _real(path) not in changed:
                continue
            if shard is not None and not in_shard(path, shard):
                continue
        yield path, problem


def in_shard(path: Path, shard: tuple[int, int]) -> bool:
    k, n = shard
    key = Path(os.path.relpath(path)).as_posix() if not Path(path).is_absolute() else Path(path).as_posix()
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % n == k - 1


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _changed(paths: list[str], ref: str) -> set[Path]:
    """The real paths of the .ipynb files that differ from the merge base of ``ref`` and HEAD, in
    every repository the paths are in."""
    if not ref or ref.startswith("-"):
        raise SelectionError("--changed-since takes a git ref (a branch, a tag or a commit)")
    changed: set[Path] = set()
    for top in sorted({_toplevel(Path(p)) for p in paths if Path(p).exists()}):
        _git(
            top,
            "rev-parse",
            "--verify",
            "--quiet",
            f"{ref}^{{commit}}",
            what=f"{ref!r} is not a commit this repository knows (a shallow clone: fetch it first)",
        )
        try:  # no common history (a shallow clone without it): compare with REF itself
            base = _git(top, "merge-base", ref, "HEAD").strip() or ref
        except SelectionError:
            base = ref
        listed = _git(top, "diff", "--name-only", "--no-renames", "--diff-filter=d", "-z", base, "--")
        listed += _git(top, "ls-files", "--others", "--exclude-standard", "-z")
        for name in listed.split("\0"):
            if name.endswith(".ipynb"):
                changed.add(_real(top / name))
    return changed


def _toplevel(path: Path) -> Path:
    folder = path if path.is_dir() else path.parent
    return Path(_git(folder, "rev-parse", "--show-toplevel", what="--changed-since needs a git repository").strip())


def _git(cwd: Path, *args: str, what: str | None = None) -> str:
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )
    except FileNotFoundError:
        raise SelectionError("--changed-since needs git, and it is not installed") from None
    except subprocess.TimeoutExpired:
        raise SelectionError("git did not answer within 120 s") from None
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit code {done.returncode}"
        raise SelectionError(what or f"git {args[0]} failed: {detail}")
    return done.stdout
