"""What Linux's ``/proc`` says about the kernel process: its peak memory per cell, its CPU time
and the processes below it (psutil is not needed; elsewhere there are no values).

``VmHWM`` in ``/proc/<pid>/status`` is the process's peak resident set size. Writing ``5`` to
``/proc/<pid>/clear_refs`` (Linux 4.0+, allowed for one's own processes) resets it to the current
size, so resetting before a cell and reading after it gives the cell's own peak. Where the reset
is refused the value is the peak since the kernel started (still an upper bound for the cell);
elsewhere (macOS, Windows) there is no value. Only the kernel process counts: processes it starts
are not added, and a kernelspec whose command is a wrapper (``conda run`` …) measures the wrapper.

The processes a kernel started are found two ways: by parent ids (``descendants``), and by a
variable in their environment (``carrying``), which every process the kernel starts inherits —
also one that double-forked away from it (a daemon, ``nohup cmd &`` from a shell escape, whose
pty is a session of its own) and is now a child of init, in a group and session of its own.
"""

from __future__ import annotations

import os
import sys


class PeakMemory:
    def __init__(self, pid: int | None) -> None:
        self.pid = pid if sys.platform.startswith("linux") else None
        self.resettable = self.pid is not None

    def reset(self) -> None:
        if not self.resettable:
            return
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w") as handle:
                handle.write("5")
        except OSError:
            self.resettable = False

    def peak(self) -> int | None:
        """The peak resident set size in bytes since the last reset, or None."""
        if self.pid is None:
            return None
        try:
            with open(f"/proc/{self.pid}/status", "rb") as handle:
                for line in handle:
                    if line.startswith(b"VmHWM:"):
                        return int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            return None
        return None


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time the process has used so far (not its children's), or None."""
    if pid is None or not sys.platform.startswith("linux"):
        return None
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def descendants(pid: int | None) -> list[int]:
    """The processes below ``pid`` (its children, theirs …) by the parent ids in ``/proc`` — also
    those that left its process group (``setsid``, ``start_new_session=True``); Linux only, else []."""
    if pid is None or not sys.platform.startswith("linux"):
        return []
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                parent = int(handle.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


def carrying(entry: bytes) -> list[int]:
    """The processes whose environment (as they were started, ``/proc/<pid>/environ``) holds
    ``entry`` (``NAME=value``); only one's own processes are readable. Linux only, else []."""
    if not sys.platform.startswith("linux"):
        return []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    found = []
    own = os.getpid()
    for name in entries:
        if not name.isdigit() or int(name) == own:
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as handle:
                environ = handle.read()
        except OSError:
            continue
        if entry in environ.split(b"\0"):
            found.append(int(name))
    return found
