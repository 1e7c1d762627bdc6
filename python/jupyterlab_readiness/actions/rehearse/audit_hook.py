"""The kernel side of a rehearsal: an audit hook (PEP 578) that watches files, processes and the
network of the rehearsal's kernel, and refuses writes outside the notebook's folder.

This module is never imported by the rehearsal: its text is sent to the fresh kernel and run in a
private namespace (see ``audit_log.install_code``), so the user's namespace gains no name, ``dir()``
shows nothing new and the execution count does not move. It uses only the standard library and
Python 3.8 syntax, as the kernel may run another Python than the server. It is installed before
the notebook's first cell and cannot be removed (audit hooks can't be).

What it records, one line per record appended to the log file it is given (opened before the hook
is installed, written with ``os.write``, which raises no audit event): a kind, then the path and
a detail as JSON strings, separated by tabs; each record at most once:

- ``w path mode``  a file under the folder opened for writing (mode ``w`` truncate, ``a``
  append, ``x`` exclusive create, ``u`` update in place), or removed, renamed, created (``os.*``);
- ``m path given``  a file under the folder opened for writing in a folder that does not exist:
  the open fails (FileNotFoundError) and nothing is written; ``given`` is the path as the code
  gave it, which the error names;
- ``W path operation``  the same outside the folder and outside the allowed places: refused
  with ``PermissionError`` before anything is touched;
- ``r path`` / ``R path``  a file opened for reading under / outside the folder
  (the Python installation, system folders, temp folders and tool caches are not recorded);
- ``n host:port event``  a name looked up or a socket connected (``socket.getaddrinfo``,
  ``socket.connect``, ``sqlite3.connect`` to a file is a write);
- ``p command event``  a process started (its own reads and writes are not watched).

Allowed outside the folder: the kernel's temporary folder (``tempfile.gettempdir()``: the
rehearsal gives each kernel a private ``TMPDIR``), ``/dev/shm`` and ``/dev/null``-like devices,
per-user caches and tool state (``$XDG_CACHE_HOME`` or ``~/.cache``, the matplotlib and IPython
folders, Jupyter's runtime folder) and ``__pycache__`` byte-code — what libraries write on their
own, never the user's work. A literal ``/tmp/…`` path is *not* allowed: files there may be
anyone's, and a notebook that needs scratch space should ask ``tempfile`` for it.

What an audit hook cannot see: I/O done by C code through its own calls (pyarrow and parquet,
h5py/HDF5, netCDF, many database drivers, image codecs that open files themselves), what a
subprocess or a shell escape (``!cmd``) does, memory maps and files opened before the hook (the
kernel's own), a file descriptor reused after it was opened, and a symbolic link made by a
subprocess or compiled code (real paths are cached until Python code renames, links or removes
something, or changes folder). Code that really wants to can also get around it (ctypes). It is a
seat belt for honest notebooks, not a sandbox.
"""

import contextlib
import json
import os
import sys

_WRITE_EVENTS = {
    # event: (positions of the paths it changes, position of its dir_fd or None, operation)
    "os.remove": ((0,), 1, "remove"),
    "os.rmdir": ((0,), 1, "rmdir"),
    "os.mkdir": ((0,), 2, "mkdir"),
    "os.rename": ((0, 1), 2, "rename"),  # os.replace raises it too
    "os.truncate": ((0,), None, "truncate"),
    "os.symlink": ((1,), 2, "symlink"),
    "os.link": ((1,), 3, "link"),
    "os.chmod": ((0,), 2, "chmod"),
    "os.chown": ((0,), 3, "chown"),
    "os.utime": ((0,), 3, "utime"),
    "shutil.rmtree": ((0,), 1, "rmtree"),
}
_PROCESS_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "pty.spawn")


def install(config):
    """Install the hook. ``config``: ``folder`` (the folder the notebook may write in), ``log``
    (the log file), ``allow`` (more folders where writes are allowed), ``quiet`` (more folders
    whose reads are not recorded)."""
    places = _places(config)
    real, forget_links = _resolver()
    absolute, forget_cwd = _absolutes()
    record = _recorder(config["log"])
    on_open, check_write = _file_watch(places, real, absolute, record)
    handlers = {
        "open": lambda event, args: on_open(args),
        "sqlite3.connect": lambda event, args: _on_sqlite(check_write, args),
        "os.chdir": lambda event, args: forget_cwd(),
    }
    on_change = _change_watch(check_write, absolute, forget_links)
    for name in _WRITE_EVENTS:
        handlers[name] = on_change
    for name in ("socket.getaddrinfo", "socket.connect", "socket.connect_ex"):
        handlers[name] = lambda event, args: _on_network(record, event, args)
    for name in _PROCESS_EVENTS:
        handlers[name] = lambda event, args: _on_process(record, event, args)
    sys.addaudithook(_hook(handlers))


def _hook(handlers):
    watched = frozenset(handlers)
    lookup = handlers.get

    def hook(event, args):
        if event not in watched:
            return
        try:
            refused = lookup(event)(event, args)
        except Exception:  # noqa: BLE001 - a bug here must never break the user's code
            return
        if refused is not None:
            raise PermissionError(13, "the rehearsal refuses writes outside the notebook's folder", refused)

    return hook


# ------------------------------------------------------------------------------------ places
def _root(path):
    """A folder as a prefix: real, case-normalised, ending with the separator."""
    return os.path.normcase(os.path.realpath(path)).rstrip(os.sep) + os.sep


def _places(config):
    """The folder (a prefix), where else writes are allowed, and where reads are not recorded."""
    home = os.path.expanduser("~")
    allowed = _allowed(home, config)
    quiet = _quiet(home, config)
    quiet = tuple(sorted({_root(p) for p in quiet if p} | set(allowed)))
    return {
        "folder": _root(config["folder"]),
        "allowed": allowed,
        "allowed_files": frozenset(
            ("/dev/null", "/dev/tty", "/dev/stdout", "/dev/stderr", "/dev/zero", "/dev/random", "/dev/urandom")
        ),
        "quiet": quiet,
        # A raw prefix test on the path as given spares most reads (imports) the realpath call.
        "raw_quiet": tuple(sorted({p.rstrip(os.sep) + os.sep for p in quiet})),
    }


def _allowed(home, config):
    """Folders where the kernel may write besides the notebook's: temp, caches, tool state."""
    env = os.environ.get
    import tempfile  # after ``import os``: the kernel's TMPDIR is what the rehearsal set

    allowed = [
        tempfile.gettempdir(),
        env("XDG_CACHE_HOME") or os.path.join(home, ".cache"),
        env("MPLCONFIGDIR") or os.path.join(home, ".config", "matplotlib"),
        os.path.join(home, ".matplotlib"),
        env("IPYTHONDIR") or os.path.join(home, ".ipython"),
        env("JUPYTER_RUNTIME_DIR") or os.path.join(home, ".local", "share", "jupyter", "runtime"),
    ]
    allowed += list(config.get("allow", ()))
    if os.sep == "/":
        allowed += ["/dev/shm"]
    return tuple(sorted({_root(p) for p in allowed if p}))


_SYSTEM_FOLDERS = (
    "/usr",
    "/lib",
    "/lib32",
    "/lib64",
    "/bin",
    "/sbin",
    "/etc",
    "/proc",
    "/sys",
    "/dev",
    "/run",
    "/var/lib",
    "/var/cache",
    "/private/etc",
    "/System",
    "/Library",
)


def _quiet(home, config):
    """Folders whose reads are not recorded: the Python installation, configuration, the system."""
    env = os.environ.get
    import site

    quiet = [
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        getattr(sys, "base_exec_prefix", sys.exec_prefix),
        os.path.join(home, ".config"),
        os.path.join(home, ".local", "share", "jupyter"),
        env("JUPYTER_CONFIG_DIR") or os.path.join(home, ".jupyter"),
        env("JUPYTER_DATA_DIR") or "",
    ]
    with contextlib.suppress(Exception):  # virtualenv's old site module has neither
        quiet += [*site.getsitepackages(), site.getusersitepackages()]
    if os.sep == "/":
        quiet += list(_SYSTEM_FOLDERS)
    return quiet + list(config.get("quiet", ()))


# ------------------------------------------------------------------------------------- paths
# Real paths of folders and of files, and the working folder, are cached: forgotten whenever the
# notebook renames, links or removes something (or changes folder), the only ways Python code
# changes what a path resolves to.
def _resolver():
    """``real(path)``: the real path of an absolute, normalised path — its folder's (cached) plus
    its name, or the whole real path when the name itself is a symbolic link; and ``forget()``."""
    sep = os.sep
    realpath, lstat = os.path.realpath, os.lstat
    S_IFMT, S_IFLNK = 0o170000, 0o120000
    folders = {}
    files = {}
    posix = sep == "/"

    def resolve(path):
        head, _, tail = path.rpartition(sep)
        head = head or sep
        if not tail:
            return realpath(path)
        base = folders.get(head)
        if base is None:
            if len(folders) > 4096:
                folders.clear()
            base = folders[head] = realpath(head)
        full = base + tail if base.endswith(sep) else base + sep + tail
        try:
            if lstat(full).st_mode & S_IFMT == S_IFLNK:
                return realpath(full)
        except OSError:  # not there (yet): nothing to follow
            pass
        return full

    def real(path):
        found = files.get(path)
        if found is None:
            if len(files) > 16384:
                files.clear()
            found = files[path] = resolve(path)
        return found if posix else os.path.normcase(found)

    def forget():
        folders.clear()  # a path may now be, or stop being, a link
        files.clear()

    return real, forget


def _absolutes():
    """``absolute(path, dir_fd)``: the absolute, normalised path (None for a file descriptor or an
    unknown ``dir_fd``), the working folder cached; and ``forget()``, for a change of folder."""
    sep = os.sep
    normpath, fspath, fsdecode, isabs, getcwd = os.path.normpath, os.fspath, os.fsdecode, os.path.isabs, os.getcwd
    cwd = [None]
    posix = sep == "/"
    dot, double = sep + ".", sep + sep

    def absolute(path, dir_fd=None):
        if type(path) is not str:
            if isinstance(path, int):
                return None
            path = fsdecode(fspath(path))
        if not (path[:1] == sep if posix else isabs(path)):
            if dir_fd is not None and dir_fd != -1:
                base = _fd_path(dir_fd)
                if base is None:
                    return None
            else:
                base = cwd[0]
                if base is None:
                    base = cwd[0] = getcwd()
            path = base + sep + path
        if dot in path or double in path or path[-1:] == sep or not posix:
            return normpath(path)
        return path

    def forget():
        cwd[0] = None

    return absolute, forget


def _fd_path(fd):
    try:
        return os.readlink("/proc/self/fd/" + str(fd))
    except OSError:
        return None


# ---------------------------------------------------------------------------------- the log
def _recorder(log_path):
    """``record(kind, path, detail)``: one line — kind, path and detail as JSON strings, separated
    by tabs — appended to the log with ``os.write`` (no audit event), each record at most once."""
    flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_CREAT", 0) | getattr(os, "O_CLOEXEC", 0)
    log = [os.open(log_path, flags, 0o600)]
    seen = set()
    quote = json.encoder.encode_basestring_ascii  # a JSON string, no tab or newline left raw
    write = os.write

    def record(kind, path, detail):
        key = (kind, path, detail)
        if key in seen:
            return
        seen.add(key)
        line = (kind + "\t" + quote(path) + "\t" + quote(detail) + "\n").encode("ascii")
        try:
            write(log[0], line)
        except OSError:
            # A child between fork and exec has closed what it inherited (pexpect does, for
            # ``!cmd`` and ``%pip``): its exec is recorded through the log opened again.
            log[0] = os.open(log_path, flags, 0o600)
            write(log[0], line)

    return record


# ---------------------------------------------------------------------------------- watchers
def _file_watch(places, real, absolute, record):
    """``on_open(args)`` and ``check_write(path, what, dir_fd)``: both return the full path of a
    write to refuse, else None."""
    sep = os.sep
    flag = getattr
    O_WRITE = os.O_WRONLY | os.O_RDWR | flag(os, "O_APPEND", 0) | flag(os, "O_CREAT", 0) | flag(os, "O_TRUNC", 0)
    O_APPEND, O_TRUNC, O_EXCL = flag(os, "O_APPEND", 0), flag(os, "O_TRUNC", 0), flag(os, "O_EXCL", 0)
    O_DIRECTORY = flag(os, "O_DIRECTORY", 0)
    folder, allowed, allowed_files = places["folder"], places["allowed"], places["allowed_files"]
    quiet, raw_quiet = places["quiet"], places["raw_quiet"]
    isdir = os.path.isdir
    pycache = sep + "__pycache__" + sep

    def inside(path):
        return path == folder[:-1] or path.startswith(folder)

    def check_write(path, what, dir_fd=None, opening=False):
        """Record a write; the full path when it must be refused, else None."""
        full = absolute(path, dir_fd)
        if full is None:
            return None
        full = real(full)
        if inside(full):
            kind, detail = _write_kind(full, path, what, opening)
            record(kind, full[len(folder) :], detail)
            return None
        # (full + sep): a temporary folder itself is opened for writing by O_TMPFILE files
        if full in allowed_files or (full + sep).startswith(allowed) or pycache in full:
            return None
        record("W", full, what)
        return full

    def on_read(path):
        full = absolute(path)
        if full is None:
            return
        full = real(full)
        if inside(full):
            if not full.endswith(".pyc"):
                record("r", full[len(folder) :], "")
        elif not full.startswith(quiet) and not isdir(full):
            record("R", full, "")

    def on_open(args):
        path, mode, flags = args[0], args[1], args[2]
        if flags is None:
            flags = 0 if not mode or mode.strip("rbt") == "" else O_WRITE
        if not flags & O_WRITE:
            if not flags & O_DIRECTORY and not (type(path) is str and path.startswith(raw_quiet)):
                on_read(path)
            return None
        what = "a" if flags & O_APPEND else "w" if flags & O_TRUNC else "x" if flags & O_EXCL else "u"
        return check_write(path, what, opening=True)

    return on_open, check_write


def _write_kind(full, path, what, opening):
    """The record of a write: ``("w", what)``, or ``("m", the path as given)`` for an open in a
    folder that does not exist — the hook runs before the open, which will fail and write nothing."""
    if opening and not os.path.isdir(os.path.dirname(full)):
        return "m", os.fsdecode(os.fspath(path))
    return "w", what


_FORGETTING = frozenset(("os.rename", "os.symlink", "os.link", "os.rmdir", "os.remove", "shutil.rmtree"))


def _change_watch(check_write, absolute, forget_links):
    """``on_change(event, args)`` for the events of ``_WRITE_EVENTS``."""

    def on_change(event, args):
        positions, fd_at, operation = _WRITE_EVENTS[event]
        dir_fd = args[fd_at] if fd_at is not None and fd_at < len(args) else None
        if event == "os.mkdir":
            full = absolute(args[0], dir_fd)
            if full is None or os.path.isdir(full):
                return None  # mkdir of an existing folder changes nothing: let it fail as usual
        if event in _FORGETTING:
            forget_links()
        refused = None
        for at in positions:
            refused = check_write(args[at], operation, dir_fd) or refused
        return refused

    return on_change


def _on_sqlite(check_write, args):
    database = args[0]
    if isinstance(database, bytes):
        database = os.fsdecode(database)
    if not isinstance(database, str) and hasattr(database, "__fspath__"):
        database = os.fsdecode(os.fspath(database))
    if not isinstance(database, str) or database in ("", ":memory:") or database.startswith("file:"):
        return None
    return check_write(database, "u")


def _on_network(record, event, args):
    if event == "socket.getaddrinfo":
        host, port = args[0], args[1]
    else:
        address = args[1]
        if isinstance(address, (str, bytes)):
            host, port = "unix:" + os.fsdecode(address), None
        elif isinstance(address, tuple) and len(address) >= 2:
            host, port = address[0], address[1]
        else:
            return None
    if host is None:
        return None
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if port is None or port == "":
        record("n", str(host), event)
    else:
        record("n", f"{host}:{port}", event)
    return None


def _on_process(record, event, args):
    if event == "subprocess.Popen":
        command = args[1] if args[1] is not None else args[0]
    elif event == "os.system":
        command = args[0]
    elif event in ("os.exec", "os.posix_spawn"):
        command = args[1] if len(args) > 1 else args[0]
    elif event == "os.spawn":
        command = args[2] if len(args) > 2 else args[1]
    else:
        command = args[0]
    if isinstance(command, (list, tuple)):
        command = " ".join(os.fsdecode(part) if isinstance(part, (str, bytes)) else str(part) for part in command)
    elif isinstance(command, bytes):
        command = os.fsdecode(command)
    record("p", str(command)[:200], event)
    return None
