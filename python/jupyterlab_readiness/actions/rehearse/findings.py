"""From what the runs produced to findings (pure: no kernel, no file is read).

One finding per cell and check, on the cell concerned (the injected parameters cell's findings go
on the ``parameters`` cell), each with a concrete suggestion; static findings the rehearsal
confirms are named in the message (a NameError proves a ``hidden-state``, a grown file an
``append-write``, a changing output an ``unseeded-random`` or ``wall-clock``). Those it confirms
or contradicts are also listed as verdicts (``StaticVerdict``), which the record keeps so that
``check`` can say so on the static finding itself.
"""

from __future__ import annotations

import ipaddress
import re

from ...checks.context import cell_label
from ...contract.baseline import OutputDiff
from ...notebook.facts import cell_facts
from ...notebook.model import Notebook
from . import outputs as out
from .commands import Command, command
from .error_findings import rehearsal_errors
from .evidence import MAX_LISTED, Built, Evidence, add, listed, plural, static_findings, verdict
from .results import CellRun
from .snapshot import FileChange


def build(ev: Evidence) -> Built:
    built = Built([], [], [])
    rehearsal_errors(ev, built)
    _refused_writes(ev, built)
    _external(ev, built)
    nondeterministic = _nondeterministic(ev, built)
    _mismatches(ev, built, nondeterministic)
    _non_idempotent(ev, built)
    _processes(ev, built)
    _not_confirmed(ev, built)
    built.findings.sort(key=lambda f: (-1 if f.cell_index is None else f.cell_index, f.line or 0, f.check))
    return built


# ------------------------------------------------------------------------ write-outside-folder
def _refused_writes(ev: Evidence, built: Built) -> None:
    by_cell: dict[int, list[tuple[str, str]]] = {}
    stopped_at: set[int] = set()
    for run in ev.runs:
        for cell in run.cells:
            for access in cell.accesses:
                if access.kind == "W" and (access.path, access.detail) not in by_cell.get(cell.cell_index, []):
                    by_cell.setdefault(cell.cell_index, []).append((access.path, access.detail))
            if cell.error is not None and cell.error.refused_write:
                stopped_at.add(cell.cell_index)
    for index, refused in sorted(by_cell.items()):
        paths = sorted({p for p, _ in refused})
        into_folder = [p for p in paths if _under(p, ev.real_folder)]
        message = f"The rehearsal refused {plural(len(paths), 'write')} outside the notebook's folder: {listed(paths)}."
        if into_folder:
            message += " An absolute path into the notebook's own folder works only where the folder is at this path."
        if index in stopped_at:
            message += " The cell raised PermissionError and the run stopped there."
        suggestion = (
            "Write under the notebook's folder by a relative path (e.g. `output/result.csv`), "
            "or make the destination a parameter, so that no run touches files its project does not own."
        )
        add(ev, built, "write-outside-folder", "error", index, None, message, suggestion)


def _under(path: str, folder: str) -> bool:
    return bool(folder) and (path == folder or path.startswith(folder.rstrip("/\\") + ("/" if "/" in folder else "\\")))


# ------------------------------------------------------------------------------ external-input
def _external(ev: Evidence, built: Built) -> None:
    files: dict[int, list[str]] = {}
    hosts: dict[int, list[str]] = {}
    for cell in ev.runs[0].cells:
        looked_up_ports = {
            h.rsplit(":", 1)[-1]
            for h in (a.path for a in cell.accesses if a.kind == "n" and a.detail == "socket.getaddrinfo")
        }
        for access in cell.accesses:
            if access.kind == "R" and access.path not in files.get(cell.cell_index, []):
                files.setdefault(cell.cell_index, []).append(access.path)
            elif access.kind == "n":
                host = access.path
                if (
                    access.detail != "socket.getaddrinfo"
                    and _is_ip(host)
                    and host.rsplit(":", 1)[-1] in looked_up_ports
                ):
                    continue  # the address of a name this cell looked up: the name is listed
                if host not in hosts.get(cell.cell_index, []):
                    hosts.setdefault(cell.cell_index, []).append(host)
    for index, paths in sorted(files.items()):
        into_folder = [p for p in paths if _under(p, ev.real_folder)]
        others = [p for p in paths if p not in into_folder]
        parts = []
        if others:
            parts.append(
                f"Reads {listed(others)} from outside the notebook's folder: "
                f"{'a file' if len(others) == 1 else 'files'} only this machine has."
            )
        if into_folder:
            parts.append(
                f"Reads {listed(into_folder)} by an absolute path into the notebook's "
                "own folder: it works only where the folder is at this path."
            )
        suggestion = (
            "Keep inputs under the project folder and read them by relative paths, or make "
            "each path a parameter and document where the file comes from."
        )
        add(ev, built, "external-input", "warning", index, None, " ".join(parts), suggestion)
    urls = _command_urls(ev)
    for index in sorted(set(hosts) | set(urls)):
        parts = []
        if hosts.get(index):
            parts.append(
                f"Contacts {listed(hosts[index])} over the network: an input that can change, or "
                "be unreachable, on the next run."
            )
        if urls.get(index):
            parts.append(
                f"A command it runs names {listed(urls[index])}: a network input that can change, or be "
                "unreachable, on the next run (what commands do is not watched: whether it was fetched is not known)."
            )
        message = " ".join(parts)
        suggestion = (
            "Pin what you read (a dated snapshot, a version, a commit), cache it under the "
            "project, and fail with a clear message when the host is down."
        )
        add(ev, built, "external-input", "info", index, None, message, suggestion)


def _command_urls(ev: Evidence) -> dict[int, list[str]]:
    """The URLs the commands of each cell name: a command's downloads (``!curl -O https://…``,
    ``!wget …``) are not seen by the hook, its command line is."""
    urls: dict[int, list[str]] = {}
    for cell in ev.runs[0].cells:
        for access in cell.accesses:
            if access.kind == "p":
                for url in _URL.findall(command(access.path, access.detail).text):
                    if url not in urls.get(cell.cell_index, []):
                        urls.setdefault(cell.cell_index, []).append(url)
    return urls


_URL = re.compile(r"\b(?:https?|ftp|s3|gs)://[^\s'\"<>|;)]+", re.IGNORECASE)


def _is_ip(host_port: str) -> bool:
    host = host_port.rsplit(":", 1)[0]
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------- nondeterministic-output
def _nondeterministic(ev: Evidence, built: Built) -> set[int]:
    if len(ev.runs) < 2:
        return set()
    first, second = ev.runs[0].by_index(), ev.runs[1].by_index()
    changed_paths = {c.path for c in ev.changes}
    found: set[int] = set()
    for index, a in first.items():
        b = second.get(index)
        if b is None or a.status != "ok" or b.status != "ok":
            continue
        items_a, items_b = out.comparable(a.outputs, ev.sanitise), out.comparable(b.outputs, ev.sanitise)
        if out.same(items_a, items_b):
            continue
        found.add(index)
        x, y = out.first_difference(items_a, items_b)
        causes = []
        if static_findings(ev, "unseeded-random", index):
            causes.append("it draws random numbers without a seed (`unseeded-random`)")
            verdict(built, "unseeded-random", index, True, "two fresh runs gave different output here")
        if static_findings(ev, "wall-clock", index):
            causes.append("it reads the clock (`wall-clock`)")
            verdict(built, "wall-clock", index, True, "two fresh runs gave different output here")
        timer = _timer(ev, index)
        if timer is not None:
            causes.append(f"it measures a duration (`{timer}`), which differs on every run")
        read_changed = sorted({acc.path for acc in b.accesses if acc.kind == "r" and acc.path in changed_paths})
        if read_changed:
            causes.append(f"it reads {listed(read_changed)}, which the first run left different")
        if not causes and out.reordered(items_a, items_b):
            causes.append(
                "the same values come out in another order: a set (or what is built from one) "
                "iterated — Python orders a set of strings differently in each new process "
                "(PYTHONHASHSEED)"
            )
        if not causes:
            upstream = _upstream(ev, index, found)
            if upstream:
                causes.append(upstream)
        because = f" Likely because {' and '.join(causes)}." if causes else _NO_CAUSE_SEEN
        message = f"Two fresh runs give different output here: run 1 `{x}`, run 2 `{y}`.{because}"
        suggestion = (
            "Seed every random generator (random.seed, np.random.default_rng(seed), random_state=…), "
            "pass dates and times in as parameters, and sort sets before printing or picking from "
            "them, so that every run prints the same."
        )
        add(ev, built, "nondeterministic-output", "warning", index, None, message, suggestion)
        built.diffs.append(
            OutputDiff(index, "nondeterministic-output", "run 1", "run 2", out.diff(items_a, items_b, "run 1", "run 2"))
        )
    return found


# Neither a random draw, the clock nor a changed file: what is left most often (Anigrams.ipynb:
# max(chains, key=len) over a set of words picks another of the longest in each process).
_NO_CAUSE_SEEN = (
    " No random draw, clock read or file the first run changed reaches it: most often, then, a set "
    "of strings is iterated — Python orders one differently in each new process (PYTHONHASHSEED), "
    "and what is taken from it follows (its first items, the max or min among ties)."
)


_TIMERS = frozenset(
    {
        "time.perf_counter",
        "time.perf_counter_ns",
        "time.monotonic",
        "time.monotonic_ns",
        "time.process_time",
        "time.process_time_ns",
        "timeit.timeit",
        "timeit.repeat",
        "timeit.default_timer",
        "perf_counter",
        "perf_counter_ns",
        "monotonic",
        "process_time",
        "default_timer",
        "timeit",
    }
)


def _timer(ev: Evidence, index: int) -> str | None:
    """The first timer the cell calls (``time.time()`` is the static ``wall-clock``'s), as written."""
    if index >= len(ev.notebook.cells):
        return None
    for call in cell_facts(ev.notebook.cells[index].source).calls:
        name = ".".join(p for p in call.parts if p)
        if name in _TIMERS:
            return name
    return None


_UPSTREAM_CAUSES = {
    "unseeded-random": "draws random numbers without a seed",
    "wall-clock": "reads the clock",
}


def _upstream(ev: Evidence, index: int, found: set[int]) -> str | None:
    """A cell above whose values reach this one (a name it binds is read here, directly or through
    the cells between): the first the static checks call random or clock-bound, else the first
    whose output already differed."""
    static = sorted(
        (f.cell_index, f.check)
        for f in (ev.static.findings if ev.static is not None else [])
        if f.check in _UPSTREAM_CAUSES and f.cell_index is not None and f.cell_index < index
    )
    for at, check in static:
        if _flows(ev.notebook, at, index):
            return f"its values come from {cell_label(at)}, which {_UPSTREAM_CAUSES[check]} (`{check}`)"
    for at in sorted(i for i in found if i < index):
        if _flows(ev.notebook, at, index):
            return f"its values come from {cell_label(at)}, whose output already differed between the runs"
    return None


def _flows(notebook: Notebook, source: int, target: int) -> bool:
    """A name cell ``source`` binds is read by cell ``target``, directly or through the code
    cells between (a cell reading a reached name binds reached names)."""
    reached: set[str] = set()
    for cell in notebook.cells:
        if cell.cell_type != "code" or not source <= cell.index <= target:
            continue
        facts = cell_facts(cell.source)
        reads = {name for _, name in facts.free_reads}
        if cell.index == target:
            return bool(reads & reached)
        if cell.index == source or reads & reached:
            reached |= facts.binds
    return False


# ----------------------------------------------------------------------------- output-mismatch
def _mismatches(ev: Evidence, built: Built, nondeterministic: set[int]) -> None:
    if ev.parameters:
        return  # the saved outputs came from the notebook's own parameter values
    fresh = ev.runs[0].by_index()
    for index, saved in sorted(ev.saved.items()):
        run = fresh.get(index)
        if run is None or run.status != "ok" or index in nondeterministic:
            continue
        items_saved, items_run = out.comparable(saved, ev.sanitise), out.comparable(run.outputs, ev.sanitise)
        if out.same(items_saved, items_run):
            continue
        x, y = out.first_difference(items_saved, items_run)
        shown_x = f"`{x}`" if x else "nothing"
        shown_y = f"`{y}`" if y else "nothing"
        message = f"The saved output differs from a fresh run's: saved {shown_x}, fresh run {shown_y}."
        suggestion = (
            "Restart the kernel, Run All and save, so that the saved outputs come from the "
            "code as it is — or find what the saved run had that a fresh one lacks (deleted "
            "cells, other input files, another date, other library versions)."
        )
        # Not proved by one run (the second may have been skipped, or ran on the same day): likely.
        likely = []
        if static_findings(ev, "unseeded-random", index):
            likely.append("it draws random numbers without a seed (`unseeded-random`)")
        if static_findings(ev, "wall-clock", index):
            likely.append("it reads the clock (`wall-clock`), and the saved run was at another time")
        timer = _timer(ev, index)
        if timer is not None:
            likely.append(f"it measures a duration (`{timer}`), which differs on every run")
        if not likely:
            upstream = _upstream(ev, index, set())  # a random or clock-bound cell above, its names reaching here
            if upstream:
                likely.append(upstream)
        dtypes = None if likely else out.dtypes_only(items_saved, items_run)
        if dtypes is not None:
            message += (
                f" The values are the same; their dtype is not (saved `{dtypes[0]}`, fresh run `{dtypes[1]}`): "
                "likely the saved output was made with another version of pandas or NumPy."
            )
            suggestion = (
                "Pin the versions the notebook is meant to run with (Freeze environment); if the new dtype "
                "is the one you want, Restart, Run All and save."
            )
        elif not likely and out.reordered(items_saved, items_run):
            message += (
                " The same values, in another order: a set (or what is built from one) iterated — its order "
                "can change with the Python version, and for strings with each process (PYTHONHASHSEED)."
            )
            suggestion = "Sort what comes from a set before showing it (sorted(…)), then Restart, Run All and save."
        elif likely:
            message += f" Likely because {' and '.join(likely)}."
            suggestion = (
                "Seed every random generator and pass dates in as parameters first: until then, "
                "every Run All saves other values."
            )
        add(ev, built, "output-mismatch", "warning", index, None, message, suggestion)
        built.diffs.append(
            OutputDiff(
                index, "output-mismatch", "saved", "fresh run", out.diff(items_saved, items_run, "saved", "fresh run")
            )
        )


# ------------------------------------------------------------------------ non-idempotent-write
def _non_idempotent(ev: Evidence, built: Built) -> None:
    if len(ev.runs) < 2:
        return
    writers: dict[str, list[CellRun]] = {}
    for cell in ev.runs[1].cells:
        for access in cell.accesses:
            if access.kind == "w":
                writers.setdefault(access.path, []).append(cell)
    appended_by: dict[str, int] = {}
    for cell in ev.runs[1].cells:
        for access in cell.accesses:
            if access.kind == "w" and access.detail == "a":
                appended_by.setdefault(access.path, cell.cell_index)
    processes = list(
        dict.fromkeys(
            (cell.cell_index, command(a.path, a.detail))
            for cell in ev.runs[1].cells
            for a in cell.accesses
            if a.kind == "p"
        )
    )
    for change in ev.changes:
        cells = writers.get(change.path, [])
        index = appended_by.get(change.path, cells[-1].cell_index if cells else None)
        path = change.path
        ran = None
        if index is None:  # no Python code opened it: a command that names it, when one cell ran such
            naming = [(i, c) for i, c in processes if path.rsplit("/", 1)[-1] in c.text]
            if len({i for i, _ in naming}) == 1:
                index, ran = naming[0]
        message, suggestion = _changed(change)
        if index is not None and (change.appended or change.rows_added) and static_findings(ev, "append-write", index):
            message += " This is the append the static check `append-write` pointed at, confirmed."
            verdict(built, "append-write", index, True, f"`{path}` grew in the second run (appended)")
        if ran is not None:
            what = "shell command" if ran.shell else "command"
            message += f" No cell opened it through Python: the {what} this cell ran (`{ran.text}`) wrote it."
        elif index is None:
            started = "; ".join(f"{cell_label(i)}: `{c.text}`" for i, c in processes[:MAX_LISTED])
            message += (
                " No cell opened it through Python: it was written by "
                + (f"a command a cell ran ({started}) or by " if processes else "")
                + "compiled code the rehearsal's audit hook cannot see (parquet, HDF5, a database driver)."
            )
        add(ev, built, "non-idempotent-write", "error", index, None, message, suggestion)


def _changed(change: FileChange) -> tuple[str, str]:
    """What the second run did to the file, and how to make a rerun leave it as it was."""
    path = change.path
    if change.kind == "created":
        message = (
            f"The second run created `{path}`, which the first run did not: a file name "
            "made from the time, a counter or a random value?"
        )
        suggestion = (
            "Name output files from the notebook's parameters (e.g. the run date passed "
            "in), not from the clock or a counter, so that a rerun replaces its own output."
        )
    elif change.kind == "removed":
        message = f"The second run removed `{path}`, which the first run had left."
        suggestion = (
            "Make the notebook leave the same files every run: create what it removes, "
            "or remove it at the end of every run."
        )
    elif change.rows_added:
        grown = ", ".join(
            f"table `{table}` grew from {a:,} to {b:,} rows" for table, a, b in change.rows_added[:MAX_LISTED]
        )
        message = f"`{path}` is different after the second run: {grown} — the rerun inserted its rows again (appended)."
        suggestion = (
            "Replace the table on every run (to_sql(if_exists='replace'), or DELETE the run's "
            "rows before inserting them), so that a rerun leaves the same rows."
        )
    elif change.appended:
        message = (
            f"`{path}` is different after the second run: it grew from {change.before_size:,} "
            f"to {change.after_size:,} bytes, the first run's content followed by more (appended)."
        )
        suggestion = (
            "Write the file whole on every run (open(…, 'w'), to_csv without mode='a', "
            "to_sql(if_exists='replace')), or remove it first, so that a rerun gives the same file."
        )
    else:
        message = (
            f"`{path}` is different after the second run ({change.before_size:,} → {change.after_size:,} "
            "bytes): rewritten with other content."
        )
        suggestion = (
            "Make the file depend only on the notebook's inputs: seed randomness, pass "
            "the date in as a parameter, keep timestamps out of it — then a rerun writes the same bytes."
        )
    return message, suggestion


# -------------------------------------------------------------------------------------- notes
# A rehearsal runs commands for real, unconfined: an install outlives it, and the user must know.
_INSTALLED = "it installs or removes packages on this machine for real (the rehearsal undoes nothing of it); "


def _processes(ev: Evidence, built: Built) -> None:
    seen: set[tuple[int, Command]] = set()
    for cell in ev.runs[0].cells:
        for access in cell.accesses:
            if access.kind != "p":
                continue
            ran = command(access.path, access.detail)
            if (cell.cell_index, ran) not in seen:
                seen.add((cell.cell_index, ran))
                installed = _INSTALLED if ran.installs else ""
                built.notes.append(
                    f"{cell_label(cell.cell_index)} {ran.started()}: {installed}what it reads and writes "
                    "is not watched by the rehearsal"
                )


def _not_confirmed(ev: Evidence, built: Built) -> None:
    """Static findings the runs contradict are named in the notes (the static finding stays: the
    code may take another path on another day)."""
    if ev.static is None:
        return
    first = ev.runs[0].by_index()
    changed = {c.path for c in ev.changes}
    noted: set[tuple[str, int]] = set()
    for f in ev.static.findings:
        if f.cell_index is None or (f.check, f.cell_index) in noted:
            continue
        run = first.get(f.cell_index)
        if f.check == "hidden-state" and run is not None and run.status == "ok":
            noted.add((f.check, f.cell_index))
            built.notes.append(
                f"{cell_label(f.cell_index)}: the static `hidden-state` finding is not confirmed: "
                "the cell ran without error in a fresh kernel"
            )
            verdict(built, f.check, f.cell_index, False, "the cell ran without error in a fresh kernel")
        elif f.check == "append-write" and len(ev.runs) == 2 and all(r.completed for r in ev.runs):
            appended = {
                a.path
                for c in ev.runs[1].cells
                if c.cell_index == f.cell_index
                for a in c.accesses
                if a.kind == "w" and a.detail == "a"
            }
            if appended and not appended & changed:
                noted.add((f.check, f.cell_index))
                built.notes.append(
                    f"{cell_label(f.cell_index)}: the static `append-write` finding is not confirmed: "
                    f"{listed(sorted(appended))} was the same after both runs"
                )
                verdict(built, f.check, f.cell_index, False, f"{listed(sorted(appended))} was the same after both runs")
