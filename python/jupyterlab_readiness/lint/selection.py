"""Which notebooks a run checks: discovery under the command-line paths, then ``--changed-since``
and ``--shard``, the same for every command that takes paths (``check``, the contract command).

- **Project root**: the nearest folder with ``.git`` or ``pyproject.toml`` at or above the paths
  (their common folder), else the current folder. The cache lives there and shards hash paths
  relative to it, so every machine of a CI matrix computes the same shards.
- **Changed since REF**: the notebooks that differ between the merge base of REF and HEAD (what
  ``git diff REF...`` compares) and the working tree — committed since, staged, unstaged — plus
  untracked ones that git does not ignore. Deleted notebooks are gone, so not checked. Besides,
  the notebooks whose results a changed file may change (``lint/affected.py``: a pin or
  configuration file of their folder or above, the contract, a module beside them, their sidecar
  records): a pull request that only removes a pin or a waiver is judged on what it affects.
- **Shard K/N**: the notebooks (after ``--changed-since``) sorted by a hash of their path relative
  to the project root (posix separators), dealt round-robin: shard K takes positions K-1, K-1+N …
  The N shards partition the selection, each within one notebook of the others' size, whatever
  the machine. The checked notebooks keep the discovery order.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from .affected import Affected
from .discovery import notebook_paths


class SelectionError(ValueError):
    """A selection that cannot be made (a bad shard, no git repository, an unknown ref)."""


class Shard(NamedTuple):
    index: int  # 1-based
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"K/N"`` with 1 ≤ K ≤ N."""
        k, sep, n = text.partition("/")
        try:
            shard = cls(int(k), int(n))
        except ValueError:
            shard = None
        if not sep or shard is None or not 1 <= shard.index <= shard.count:
            raise SelectionError(f"--shard takes K/N with 1 ≤ K ≤ N (e.g. 2/4), not {text!r}")
        return shard


class Selection(NamedTuple):
    root: Path  # the project root (absolute)
    notebooks: list[tuple[Path, str | None]]  # (path as shown, None) or (argument, why it is unusable)
    found: int  # notebooks discovered before --changed-since and --shard


def project_root(paths: Sequence[str], cwd: Path | None = None) -> Path:
    """The nearest folder with ``.git`` or ``pyproject.toml`` at or above the paths' common folder,
    else the current folder."""
    here = Path(os.path.abspath(cwd or os.getcwd()))
    start = common_folder(paths, here)
    if start is None:
        return here
    for folder in (start, *start.parents):
        if (folder / ".git").exists() or (folder / "pyproject.toml").is_file():
            return folder
    return here


def common_folder(paths: Sequence[str], here: Path) -> Path | None:
    """The deepest folder holding every path (``here`` when there are none; None across drives)."""
    folders = []
    for raw in paths:
        path = Path(os.path.abspath(here / raw))
        # os.path.isdir: a name the system refuses (too long, a link loop) is no folder, not a crash
        folders.append(str(path if os.path.isdir(path) else path.parent))
    try:
        return Path(os.path.commonpath(folders)) if folders else here
    except ValueError:  # different drives (Windows)
        return None


def select_notebooks(
    paths: Sequence[str],
    *,
    shard: Shard | None = None,
    changed_since: str | None = None,
    root: Path | None = None,
) -> Selection:
    """The notebooks to check, in discovery order, with the arguments that name nothing usable."""
    root = root or project_root(paths)
    found = list(notebook_paths(list(paths)))
    discovered = sum(1 for _, problem in found if problem is None)
    chosen = found
    if changed_since is not None:
        changed = _changed_in_repositories(changed_since, paths)
        notebooks = {path for path in changed if path.endswith(".ipynb")}
        affected = Affected(changed - notebooks)
        real = affected.real
        chosen = [(p, problem) for p, problem in chosen if problem is not None or real(p) in notebooks or affected(p)]
    if shard is not None:
        keep = set(in_shard([p for p, problem in chosen if problem is None], shard, root))
        chosen = [(p, problem) for p, problem in chosen if problem is not None or p in keep]
    return Selection(root, chosen, discovered)


def shard_key(path: Path, root: Path) -> str:
    """What a shard is decided by: the path relative to the project root, posix separators."""
    return Path(os.path.relpath(os.path.abspath(path), root)).as_posix()


def in_shard(paths: Iterable[Path], shard: Shard, root: Path) -> list[Path]:
    """The paths of shard K/N: sorted by the hash of ``shard_key`` (ties by the key), dealt round-robin."""
    import hashlib  # here, not at start-up: only --shard hashes paths

    keyed = sorted((hashlib.sha256(shard_key(p, root).encode()).hexdigest(), shard_key(p, root), p) for p in paths)
    return [p for i, (_, _, p) in enumerate(keyed) if i % shard.count == shard.index - 1]


def _changed_in_repositories(ref: str, paths: Sequence[str]) -> set[str]:
    """The changed files of the repository each path is in (not the current folder's, nor their
    common folder's: two checkouts side by side have none), each repository asked once."""
    asked: set[str] = set()
    changed: set[str] = set()
    for raw in paths:
        path = Path(os.path.abspath(raw))
        if not path.exists():
            continue  # reported as an unusable argument
        top = _git(path if path.is_dir() else path.parent, "rev-parse", "--show-toplevel").strip()
        if not top:
            raise SelectionError(f"--changed-since needs a git repository; {raw} is not in one")
        if top not in asked:
            asked.add(top)
            changed |= changed_files(ref, Path(top))
    return changed


def changed_files(ref: str, root: Path) -> set[str]:
    """Real paths of the files that differ from ``ref`` (see the module's docstring), deleted ones
    included (a deleted pin file changes what it pinned)."""
    top = _git(root, "rev-parse", "--show-toplevel").strip()
    if not top:
        raise SelectionError(f"--changed-since needs a git repository; {root} is not in one")
    if not ref or ref.startswith("-"):
        raise SelectionError("--changed-since takes a git ref (a branch, a tag or a commit)")
    _git(
        Path(top),
        "rev-parse",
        "--verify",
        "--quiet",
        f"{ref}^{{commit}}",
        what=f"--changed-since: {ref!r} is not a commit this repository knows (a shallow clone: fetch it first)",
    )
    try:  # no common history (a shallow clone without it): compare with REF itself
        base = _git(Path(top), "merge-base", ref, "HEAD", what="merge-base").strip() or ref
    except SelectionError:
        base = ref
    names = _git(Path(top), "diff", "--name-only", "--no-renames", "-z", base)
    names += _git(Path(top), "ls-files", "--others", "--exclude-standard", "-z")
    return {os.path.realpath(os.path.join(top, name)) for name in names.split("\0") if name}


def _git(cwd: Path, *args: str, what: str | None = None) -> str:
    import subprocess  # here, not at start-up: only --changed-since runs git

    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise SelectionError(f"--changed-since needs git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["git failed"])[-1]
        if what is None and "not a git repository" in done.stderr:
            return ""
        raise SelectionError(f"{what or 'git ' + args[0]}: {reason}")
    return done.stdout
