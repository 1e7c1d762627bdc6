"""Export to package, what the package needs to run: the README's resource requirements (from the
notebook's last rehearsal, when it rehearsed this code) and its expected failure modes (the files
it reads, the network hosts and outside files the rehearsal saw it reach). Pure: a record in,
plain data for the templates out."""

from __future__ import annotations

from typing import Any

from ...contract.baseline import RehearsalRecord


def resources(record: RehearsalRecord | None) -> dict[str, Any] | None:
    """``{time, memory, disk, seconds, peak_memory, disk_written, files, runs, rehearsed_at}`` of
    the rehearsal's slowest run (cells' own times, kernel start not counted), its highest peak of
    the kernel's resident memory, and the bytes of the files its first run wrote; None without a
    record (or one from a rehearsal that did not finish)."""
    if record is None or not record.cells:
        return None
    runs = range(max(len(c.runs) for c in record.cells))
    seconds = max(sum(c.runs[r].seconds or 0.0 for c in record.cells if r < len(c.runs)) for r in runs)
    peaks = [t.peak_memory for c in record.cells for t in c.runs if t.peak_memory is not None]
    written = sum(f.size for f in record.files)
    return {
        "seconds": round(seconds, 3),
        "time": _duration(seconds),
        "peak_memory": max(peaks) if peaks else None,
        "memory": _size(max(peaks)) if peaks else None,
        "disk_written": written,
        "disk": _size(written),
        "files": len(record.files),
        "runs": record.runs,
        "rehearsed_at": record.rehearsed_at,
        "passed": record.passed,
    }


def failure_modes(record: RehearsalRecord | None, inputs: list[str]) -> dict[str, list[str]]:
    """``{inputs, hosts, outside_files}``: the files beside the notebook the package reads (the
    export's own list, then what the rehearsal saw opened), the network hosts (``host:port``) and
    the files outside the notebook's folder the rehearsal saw it reach."""
    reads = list(inputs)
    hosts: list[str] = []
    outside: list[str] = []
    written = {f.path for f in record.files} if record is not None else set()
    for cell in record.cells if record is not None else ():
        reads += [r for r in cell.reads if r not in written]
        for item in cell.external:
            (outside if item.startswith("/") or item[1:3] == ":\\" else hosts).append(item)
    return {
        "inputs": list(dict.fromkeys(reads)),
        "hosts": list(dict.fromkeys(hosts)),
        "outside_files": list(dict.fromkeys(outside)),
    }


def _duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def _size(count: int) -> str:
    units = ("B", "KiB", "MiB", "GiB")
    value, unit = float(count), 0
    while value >= 1024 and unit < len(units) - 1:
        value, unit = value / 1024, unit + 1
    return f"{count} B" if unit == 0 else f"{value:.1f} {units[unit]}"
