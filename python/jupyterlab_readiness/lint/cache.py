"""The persistent result cache: a notebook whose content and context are unchanged since a run
is not read as JSON again; its report is read back from one file.

**Key** — a SHA-256 over everything a report depends on, so a stale entry is never found:

- the notebook's bytes;
- the tool: the entry format, the package version and the content of the package's own source
  files (a source checkout that changed is another tool); the Python version (the standard
  library's module names, the parser);
- the effective configuration: the checks disabled and the severities, after ``pyproject.toml``
  and the command-line flags;
- the pins the notebook's folder sees: what ``find_pins`` returns (every exact pin and direct
  reference, the pin files read, relative to the folder, and the files that could not be read
  with why), so adding, editing, breaking or removing a pin file anywhere the lookup walks, or a
  file it includes, changes the key;
- the modules and packages beside the notebook (``is_local_module``);
- the installed distributions' index (import name → distributions, versions) that
  ``unpinned-import`` maps imports through;
- the content of each file of ``inputs.side_inputs`` (the rehearsal's record), or its absence.

The local modules a notebook imports are known only once it is parsed, so they are not in the
key: the entry lists each module file the check looked for (relative to the notebook's folder)
with its content's hash or its absence, and a hit whose files changed is a miss.

Pin and configuration files are parsed on every run (small, each once per process); notebooks
whose key has an entry are only hashed. Keys hold no absolute path: a cache restored into another
checkout of the same tree still hits.

**Entries** — ``<folder>/v1/<key>.json``: the key, the SHA-256 of the rest, the finding counts
and the local module files, then the report as JSON (its path left empty: the path shown is the run's; a JSON report is
written from it without parsing it). An entry whose key, digest or fields do
not check out (garbage, truncated, another program's or another version's) is a miss and is
rewritten. Writes go to a temporary file renamed over the entry (atomic: concurrent runs see the
old entry or the new one, never a mix). A hit older than an hour gets its mtime refreshed; when a
run that wrote entries leaves the folder above ``max_bytes`` or ``max_entries``, the least recently
used entries go until it is back under 80 % of both.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from .. import __version__
from ..contract.report import NotebookReport, report_from_dict, to_dict
from ..environment.local import Folder, folder_state
from .config import CheckConfig
from .inputs import side_inputs

FORMAT = 1
DEFAULT_NAME = ".readiness_cache"
MAX_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 50_000
_TOUCH_AFTER_NS = 3600 * 10**9
_STALE_TEMP_S = 3600
_KEY_CHARS = frozenset("0123456789abcdef")
_GITIGNORE = b"# Created by jupyter-readiness: never committed.\n*\n"


class CacheUnavailable(OSError):
    """The cache folder cannot be created or written."""


def _sha256(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def _file_digest(path: Path | str) -> str:
    """The content's hash, or "absent" (unreadable counts as absent: nothing reads it either)."""
    try:
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        return "absent"


def tool_fingerprint(memo: Path | None = None) -> str:
    """The version, the source of this package (every .py file, by content) and Python's version.

    ``memo``: a file that keeps the result under each source file's (size, mtime): while none
    changed, the files are listed and not read."""
    package = Path(__file__).resolve().parents[1]
    head = f"{FORMAT}\0{__version__}\0{sys.version}\0{sys.implementation.cache_tag}"
    files: list[tuple[str, int, int]] = []
    _source_files(str(package), "", files)
    files.sort()
    state = json.dumps([head, str(package), files])
    if memo is not None:
        try:
            stored_state, _, stored = memo.read_text(encoding="utf-8").rpartition("\n")
            if stored_state == state and len(stored) == 64:
                return stored
        except (OSError, UnicodeDecodeError):
            pass
    h = hashlib.sha256(head.encode())
    for relative, _, _ in files:
        h.update(relative.encode() + b"\0")
        h.update(_file_digest(package / relative).encode())
    digest = h.hexdigest()
    if memo is not None:
        with contextlib.suppress(OSError):
            memo.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(memo, f"{state}\n{digest}".encode())
    return digest


def _source_files(folder: str, prefix: str, found: list[tuple[str, int, int]]) -> None:
    """(path relative to the package, size, mtime) of every .py file under ``folder``."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        try:
            if name.endswith(".py") and entry.is_file():
                info = entry.stat()
                found.append((prefix + name, info.st_size, info.st_mtime_ns))
            elif entry.is_dir() and name not in ("labextension", "__pycache__"):
                _source_files(entry.path, f"{prefix}{name}/", found)
        except OSError:
            continue


def _tool_memo() -> Path:
    """Where the tool's fingerprint is kept: with the installed index, not in a project's cache (a
    first run in a new checkout does not read the package's sources again), one file per install."""
    from ..environment.installed import user_cache_dir

    package = str(Path(__file__).resolve().parents[1])
    return user_cache_dir() / f"tool-{hashlib.sha256(f'{package} {sys.version}'.encode()).hexdigest()[:16]}.txt"


def environment_fingerprint() -> str:
    """The installed distributions' index, as ``unpinned-import`` sees it."""
    from ..environment.installed import installed

    return installed().digest()


def config_text(config: CheckConfig) -> str:
    return json.dumps([sorted(config.disabled), sorted(config.severity.items())], separators=(",", ":"))


def folder_text(folder: Folder, directory: Path) -> str:
    """What a notebook's folder contributes: the pins it sees (the pin files relative to the
    folder, the direct references, the files that could not be read and why, as the finding
    names them) and the modules beside it."""
    base = directory.resolve()
    pins = folder.pins
    files = [os.path.relpath(f, base) for f in pins.files]
    errors = [error.shown(error.name_from(base)) for error in pins.errors]
    return json.dumps(
        [sorted(pins.pins.items()), files, sorted(folder.modules), sorted(pins.direct), sorted(pins.floating), errors],
        separators=(",", ":"),
    )


class ResultCache:
    """One cache folder, used by one process (workers each make their own from ``folder``)."""

    def __init__(
        self,
        folder: Path,
        *,
        max_bytes: int = MAX_BYTES,
        max_entries: int = MAX_ENTRIES,
        static: str | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.entries = self.folder / f"v{FORMAT}"
        self._entries = str(self.entries)  # joined as a string for each notebook of a warm run
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        # Tool and environment: the same for every notebook of a run, computed once (and passed
        # to worker processes, which then do not recompute it).
        if static is None:
            tool = tool_fingerprint(_tool_memo())
            static = _sha256(tool.encode(), environment_fingerprint().encode())
        self.static = static
        # One run sees one state of each folder: what it contributes is computed once.
        self._folders: dict[str, str] = {}
        self._configs: dict[int, tuple[CheckConfig, str]] = {}
        self._side_folders: dict[str, bool] = {}
        self._modules: dict[Path, str] = {}  # a local module file → its digest (notebooks share them)
        self.written = 0

    # -- creating the folder --------------------------------------------------------------------
    @classmethod
    def open(cls, folder: Path, **kwargs) -> ResultCache:
        """The cache in ``folder``, created (with a ``.gitignore`` of ``*``) when absent;
        CacheUnavailable when it cannot be written."""
        folder = Path(folder)
        try:
            created = not folder.exists()
            folder.mkdir(parents=True, exist_ok=True)
            if created:
                _write_new(folder / ".gitignore", _GITIGNORE)
                _write_new(
                    folder / "CACHEDIR.TAG",
                    b"Signature: 8a477f597d28d172789f06886806bc55\n"
                    b"# This file is a cache directory tag created by jupyter-readiness.\n",
                )
            entries = folder / f"v{FORMAT}"
            entries.mkdir(exist_ok=True)
            # `--cache-dir` may name a folder of the user's (its .gitignore is theirs): the entries
            # are hidden from git by their own folder's, or `git add -A` commits them
            _write_new(entries / ".gitignore", _GITIGNORE)
            if not os.access(entries, os.W_OK | os.X_OK):
                raise PermissionError(13, "Permission denied", str(folder))
        except OSError as exc:
            raise CacheUnavailable(f"cannot use {folder}: {exc.strerror or exc}") from None
        return cls(folder, **kwargs)

    # -- keys -----------------------------------------------------------------------------------
    def key(self, path: Path, raw: bytes, config: CheckConfig, state: Folder | None = None) -> str:
        """``state``: the notebook's folder's (the one its check uses), else looked up."""
        directory = os.path.dirname(os.path.abspath(path))
        folder = self._folders.get(directory)
        if folder is None:
            folder = self._folders[directory] = folder_text(state or folder_state(Path(directory)), Path(directory))
        configured = self._configs.get(id(config))
        if configured is None or configured[0] is not config:
            configured = self._configs[id(config)] = (config, config_text(config))
        sides = [self._side_digest(p) for p in side_inputs(path)]
        return _sha256(
            self.static.encode(),
            hashlib.sha256(raw).digest(),
            configured[1].encode(),
            folder.encode(),
            "\0".join(sides).encode(),
        )

    def _side_digest(self, path: str) -> str:
        # Most folders have no side files at all: one look at the folder instead of an open per notebook.
        parent = os.path.dirname(path)
        exists = self._side_folders.get(parent)
        if exists is None:
            exists = self._side_folders[parent] = os.path.isdir(parent)
        return _file_digest(path) if exists else "absent"

    def _module_digest(self, path: Path) -> str:
        found = self._modules.get(path)
        if found is None:
            found = self._modules[path] = _file_digest(path)
        return found

    # -- entries --------------------------------------------------------------------------------
    def get(self, key: str, shown_path: str, directory: Path | None = None) -> NotebookReport | None:
        """The stored report (with ``shown_path``), or None when there is no valid entry."""
        stored = self.get_stored(key, directory)
        return None if stored is None else stored.report(shown_path)

    def get_stored(self, key: str, directory: Path | None = None) -> Stored | None:
        """The entry under ``key`` when its key, digest and fields check out and the local module
        files it lists (relative to ``directory``, the notebook's folder) are as they were, else None."""
        path = os.path.join(self._entries, key + ".json")
        try:
            with open(path, "rb") as fh:
                data = fh.read()
                mtime = os.fstat(fh.fileno()).st_mtime_ns
        except OSError:
            return None
        stored = _decode(data, key)
        if stored is not None and stored.modules:
            base = directory if directory is not None else Path()
            if any(self._module_digest(base / file) != digest for file, digest in stored.modules):
                return None
        if stored is not None and time.time_ns() - mtime > _TOUCH_AFTER_NS:
            with contextlib.suppress(OSError):
                os.utime(path)  # recently used: pruned last
        return stored

    def put(
        self, key: str, report: NotebookReport, module_files: Iterable[Path] = (), directory: Path | None = None
    ) -> Stored:
        """Store a report and return its entry; a failure to write is not an error (the next run
        checks again). ``module_files``: the local module files the check looked for, under
        ``directory`` (the notebook's folder)."""
        data = to_dict(report)
        data["path"] = ""
        counts = (
            sum(f.severity == "error" for f in report.findings),
            sum(f.severity == "warning" for f in report.findings),
            sum(f.severity == "info" for f in report.findings),
        )
        base = directory if directory is not None else Path()
        modules = tuple(
            (file.relative_to(base).as_posix(), self._module_digest(file)) for file in dict.fromkeys(module_files)
        )
        stored = Stored(json.dumps(data, ensure_ascii=False), counts, report.error is not None, modules)
        rest = (json.dumps([*counts, stored.unreadable, modules]) + "\n" + stored.payload).encode()
        body = f"{key}\n{hashlib.sha256(rest).hexdigest()}\n".encode() + rest
        if not _write_atomically(self.entries / f"{key}.json", body):
            return stored
        self.written += 1
        return stored

    # -- size -----------------------------------------------------------------------------------
    def prune(self) -> int:
        """Bring the folder under its limits, least recently used first; returns entries removed."""
        entries = []
        now = time.time()
        try:
            with os.scandir(self.entries) as it:
                for entry in it:
                    name = entry.name
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if _is_entry_name(name):
                        entries.append((info.st_mtime_ns, info.st_size, entry.path))
                    elif name.endswith(".tmp") and name.startswith(".") and now - info.st_mtime > _STALE_TEMP_S:
                        with contextlib.suppress(OSError):
                            os.unlink(entry.path)  # left by a killed run
        except OSError:
            return 0
        total = sum(size for _, size, _ in entries)
        if total <= self.max_bytes and len(entries) <= self.max_entries:
            return 0
        entries.sort()
        keep_bytes, keep_count = self.max_bytes * 0.8, self.max_entries * 0.8
        count, removed = len(entries), 0
        for _, size, path in entries:
            if total <= keep_bytes and count <= keep_count:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
                removed += 1
            total -= size
            count -= 1
        return removed


def _is_entry_name(name: str) -> bool:
    return len(name) == 69 and name.endswith(".json") and _KEY_CHARS.issuperset(name[:64])


_PAYLOAD_START = '{"path": ""'


class Stored(NamedTuple):
    """A valid entry: the report as ``json.dumps(to_dict(report))`` with an empty path, and the
    counts the exit code needs, so a JSON report can be written without parsing it."""

    payload: str
    counts: tuple[int, int, int]  # findings: errors, warnings, infos
    unreadable: bool
    modules: tuple[tuple[str, str], ...] = ()  # (local module file, its content's hash or "absent")

    def report(self, shown_path: str) -> NotebookReport | None:
        try:
            report = report_from_dict(json.loads(self.payload))
        except ValueError:
            return None
        report.path = shown_path
        return report

    def json_text(self, shown_path: str) -> str:
        """``json.dumps(to_dict(report))`` of the report under ``shown_path``."""
        return '{"path": ' + json.dumps(shown_path, ensure_ascii=False) + self.payload[len(_PAYLOAD_START) :]


def _decode(data: bytes, key: str) -> Stored | None:
    stored_key, _, rest = data.partition(b"\n")
    digest, _, rest = rest.partition(b"\n")
    if stored_key != key.encode() or digest != hashlib.sha256(rest).hexdigest().encode():
        return None
    summary, _, payload = rest.partition(b"\n")
    try:
        errors, warnings, infos, unreadable, modules = json.loads(summary)
        text = payload.decode()
        modules = tuple((file, digest) for file, digest in modules)
    except (ValueError, TypeError):  # JSONDecodeError and UnicodeDecodeError included; not 5 items
        return None
    counts = (errors, warnings, infos)
    if (
        not all(type(n) is int for n in counts)
        or type(unreadable) is not bool
        or not all(type(f) is str and type(d) is str and not os.path.isabs(f) for f, d in modules)
        or not text.startswith(_PAYLOAD_START)
    ):
        return None
    return Stored(text, counts, unreadable, modules)


def _write_atomically(path: Path, content: bytes) -> bool:
    """Write to a temporary file renamed over ``path``: a reader sees the old file or the new one."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        # A descriptor, not a file object: three system calls (a stat, a terminal test, a seek) and
        # two Python objects fewer per entry, and a cold run writes one entry per notebook.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            rest = memoryview(content)
            while rest:  # a short write is continued; a failure raises
                rest = rest[os.write(fd, rest) :]
        finally:
            os.close(fd)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        return False
    return True


def _write_new(path: Path, content: bytes) -> None:
    with (
        contextlib.suppress(FileExistsError),
        open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb") as fh,
    ):
        fh.write(content)
