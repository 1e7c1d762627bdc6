"""Every file this project reads or writes on the user's behalf goes through a ``Root``.

A server's root is its ``root_dir``: a path that leaves it — ``..``, an absolute path, a drive
letter, a NUL byte, or a symbolic link anywhere on the way that points outside — is refused before
anything is read, and configuration and pin files are looked up no higher than the root. The CLI
has no root (``Root(None)``): it reads what it is pointed at, and looks pins up to the repository.

Writes are atomic (a reader sees the old file or the new one, never half), create nothing when the
content is already there, keep an existing file's permissions, and give a new file the mode the
user's umask gives (as JupyterLab's contents manager does), never ``mkstemp``'s 0600.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import threading
from pathlib import Path, PurePosixPath

# A notebook, a module or a pin file larger than this is not something to read in a request.
MAX_TEXT_BYTES = 64 * 1024 * 1024


class OutsideRoot(Exception):
    """A path that leads outside the root. The message never repeats the path."""

    def __init__(self) -> None:
        super().__init__("the path is refused: it is outside the server root")

    def __reduce__(self):  # raised in a worker process, re-raised in the server's
        return (OutsideRoot, ())


class Unreadable(Exception):
    """A file that exists but is not text this project can read (a folder, a FIFO, binary, huge);
    the message says why without naming the file."""


class Unwritable(Unreadable):
    """A file that cannot be written: a FIFO, a device or a folder where the file goes (replacing
    it would destroy what the user put there), or what the system refused (a parent that is a
    file, no permission, a full disk). An ``Unreadable`` so that every caller that reports a file
    it cannot use reports this one too; the message never names the file."""


class Root:
    """The folder every read and write is confined to (``None``: no confinement, for the CLI)."""

    def __init__(self, path: Path | str | None) -> None:
        self.path = Path(path).resolve() if path is not None else None

    # -- paths ------------------------------------------------------------------------------
    def resolve(self, api_path: str) -> Path:
        """The file a root-relative, '/'-separated path names, symbolic links resolved."""
        if self.path is None:
            return self.confine(Path(api_path))
        if not api_path or "\x00" in api_path or "\\" in api_path or api_path.startswith("/"):
            raise OutsideRoot
        parts = PurePosixPath(api_path).parts
        if not parts or ".." in parts or ":" in parts[0]:
            raise OutsideRoot
        return self.confine(self.path.joinpath(*parts))

    def confine(self, path: Path) -> Path:
        """``path`` with every symbolic link on the way resolved; refused when that leaves the root.
        A path that does not exist yet is resolved as far as it exists: what follows cannot be a link.
        One that cannot be followed (a loop, a name too long) is ``Unreadable``."""
        if "\x00" in str(path):
            raise OutsideRoot if self.path is not None else Unreadable("a path with a NUL byte")
        full = _followed(Path(path))
        if self.path is not None and not full.is_relative_to(self.path):
            raise OutsideRoot
        return full

    def seen_at(self, path: Path | str) -> Path:
        """Where the user sees the file ``path`` names: its folder, links resolved and confined,
        with its own name kept, so a link stays the link (where `contract` judges a notebook)."""
        return self.confine(Path(os.path.abspath(path)).parent) / Path(path).name

    @property
    def ceiling(self) -> Path | None:
        """The highest folder whose configuration and pin files may be read (None: no limit)."""
        return self.path

    def shown(self, path: Path) -> str:
        """How a reply names a file: relative to the root ('/'-separated); for the CLI, relative to
        the current folder. A link that leads out of the root, or loops, is named as it is in the
        root (its target's name would tell what is outside)."""
        try:
            full = _followed(Path(path))
        except Unreadable:
            full = Path(os.path.abspath(path))
        if self.path is not None:
            if not full.is_relative_to(self.path):
                full = Path(os.path.abspath(path))
            return full.relative_to(self.path).as_posix() if full.is_relative_to(self.path) else full.name
        try:
            return os.path.relpath(full)
        except ValueError:  # another drive on Windows
            return str(full)

    # -- reading ----------------------------------------------------------------------------
    def read_text(self, path: Path, limit: int = MAX_TEXT_BYTES) -> str | None:
        """The file's text, None when there is no such file. Only regular files are opened (a FIFO
        would block the reader forever); not UTF-8, too large or a folder is ``Unreadable``."""
        full = self.confine(path)
        try:
            with open(full, "rb", opener=_opener_nonblocking) as handle:
                info = os.fstat(handle.fileno())
                if stat.S_ISDIR(info.st_mode):
                    raise Unreadable("it is a folder, not a file")
                if not stat.S_ISREG(info.st_mode):
                    raise Unreadable("it is not a regular file")
                if info.st_size > limit:
                    raise Unreadable(f"it is larger than {limit // (1024 * 1024)} MB")
                data = handle.read(limit + 1)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except IsADirectoryError:
            raise Unreadable("it is a folder, not a file") from None
        except PermissionError:
            raise Unreadable("permission denied") from None
        except OSError as exc:
            raise Unreadable(exc.strerror or "cannot read it") from None
        if len(data) > limit:
            raise Unreadable(f"it is larger than {limit // (1024 * 1024)} MB")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise Unreadable("it is not UTF-8 text") from None

    def is_file(self, path: Path) -> bool:
        try:
            return self.confine(path).is_file()
        except (OutsideRoot, Unreadable, OSError):
            return False

    def is_dir(self, path: Path) -> bool:
        try:
            return self.confine(path).is_dir()
        except (OutsideRoot, Unreadable, OSError):
            return False

    # -- writing ----------------------------------------------------------------------------
    def write(self, path: Path, text: str) -> bool:
        """Write ``text`` to ``path`` atomically, creating its folders (each confined); False, and
        nothing touched, when the file already holds it. A FIFO, a device or a folder in its place
        is refused, never replaced (``Unwritable``), and so is what the system refuses."""
        try:
            full = self.confine(path)
            self._make_dirs(full.parent)
            full = self.confine(full)  # a folder made concurrently could be a link: check again
            try:
                info = full.stat()
            except FileNotFoundError:
                info = None
            if info is not None and stat.S_ISDIR(info.st_mode):
                raise Unwritable("it is a folder, not a file")
            if info is not None and not stat.S_ISREG(info.st_mode):
                raise Unwritable("it is not a regular file")
            try:
                if self.read_text(full) == text:
                    return False
            except Unreadable:
                pass  # a file that is not text: replaced
            return _write_atomic(full, text)
        except Unwritable:
            raise
        except Unreadable as exc:  # a path that cannot be followed (a loop, a name too long)
            raise Unwritable(str(exc)) from None
        except NotADirectoryError:
            raise Unwritable("a folder on its path is a file") from None
        except PermissionError:
            raise Unwritable("permission denied") from None
        except OSError as exc:
            raise Unwritable(exc.strerror or "cannot write it") from None

    def _make_dirs(self, folder: Path) -> None:
        missing: list[Path] = []
        current = folder
        while not current.exists():
            missing.append(current)
            if current.parent == current:
                break
            current = current.parent
        self.confine(current)
        for each in reversed(missing):
            with contextlib.suppress(FileExistsError):
                os.mkdir(self.confine(each), 0o777)  # the umask applies, as for any new folder


# The longest name of one folder or file (bytes) the usual file systems take (ext4, APFS, NTFS).
_NAME_MAX = 255


def _followed(path: Path) -> Path:
    """``path`` made absolute with every symbolic link on the way resolved. A loop, or a name the
    system refuses (too long, no permission to look), is ``Unreadable``: every later stat or open
    of it would raise an ``OSError`` where callers test whether a file exists (``Path.exists``
    passes over a loop but not those), and a loop is named ``RuntimeError`` by Python < 3.13."""
    if any(len(os.fsencode(part)) > _NAME_MAX for part in path.parts):
        raise Unreadable(os.strerror(errno.ENAMETOOLONG))
    try:
        full = path.resolve()
        os.stat(full)
    except RuntimeError:
        raise Unreadable(os.strerror(errno.ELOOP)) from None
    except (FileNotFoundError, NotADirectoryError):
        return full  # not there yet (a file to write): what follows cannot be a link
    except PermissionError:
        raise Unreadable("permission denied") from None
    except OSError as exc:
        raise Unreadable(exc.strerror or "cannot follow its path") from None
    return full


def _opener_nonblocking(path: str, flags: int) -> int:
    # O_NONBLOCK: opening a FIFO for reading must not wait for a writer; fstat then refuses it.
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


_UMASK: int | None = None
_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """The process's umask, read without changing it where the system allows (the server writes
    from several threads, and ``os.umask`` can only be read by setting it)."""
    global _UMASK
    if _UMASK is None:
        with _UMASK_LOCK:
            if _UMASK is None:
                _UMASK = _read_umask()
    return _UMASK


def _read_umask() -> int:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    current = os.umask(0o022)
    os.umask(current)
    return current


def _write_atomic(path: Path, text: str) -> bool:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True
