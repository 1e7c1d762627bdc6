"""Waive a finding: write the waiver (check, notebook, cell, reason, expiry) into the file the
project's contract is declared in — format-preserving, atomic through ``apply`` — so a team
accepts a known finding in writing instead of disabling a check for everyone.

Where it goes: the contract's file; else the project's pyproject.toml (a new
``[[tool.jupyter-readiness.contract.waivers]]``, the rest of the default contract unchanged);
else a new ``readiness-contract.toml`` beside the notebook."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

from ...contract.replies import WaiverEntry, WaiveReply
from ...contract.requests import WaiveRequest
from ...files import Root
from ...handoff.edit import NewWaiver, with_waiver
from ...handoff.judge import findings_to_waive
from ...handoff.source import waiver_file
from ...handoff.spec import item_of
from ...lint.config import ConfigError, project_folders
from ..errors import ActionRefused
from ..plan import Plan
from ..source import Source, load


class WaiverRefused(ActionRefused):
    """A waiver that cannot be written (unknown check, no such cell, a check that does not fire
    there, no reason, a past date, an invalid configuration)."""


def plan(request: WaiveRequest, root: Root, today: dt.date, source: Source | None = None) -> Plan[WaiveReply]:
    """Raises WaiverRefused, ContractError (the contract file is invalid, or cannot be edited
    safely) and what source.load raises. Messages never repeat what was sent."""
    source = source or load(request.path, request.notebook, root)
    if item_of(request.check) is None:
        raise WaiverRefused("unknown check id: a waiver names one of the checks")
    ids = {c.cell_id for c in source.model.cells} - {None}
    if request.cell_id is not None and request.cell_id not in ids:
        raise WaiverRefused(
            _no_such_cell(request.cell_id, source)
            if ids
            else "the notebook's cells have no ids: save it in JupyterLab (nbformat 4.5), or waive the whole notebook"
        )
    reason = " ".join(request.reason.split())
    if not reason:
        raise WaiverRefused("a waiver needs a reason: why does the team accept this finding?")
    if request.expires is not None and request.expires < today:
        raise WaiverRefused("the expiry date is in the past: a waiver counts until the day it names")
    _refuse_unless_it_fires(request, source, root)
    # The command line names the notebook as the user sees it, a link in its own folder (where
    # `contract` judges it): its waiver goes to that folder's contract, not to its target's.
    given = source.path
    if root.path is None and os.path.islink(request.path):
        given = root.seen_at(request.path)
    path, kind, before = waiver_file(given.parent, root)
    notebook = given.relative_to(path.parent).as_posix()
    waiver = NewWaiver(request.check, notebook, request.cell_id, reason, request.expires)
    after, replaced = with_waiver(before, kind, waiver, root.shown(path))
    entry = WaiverEntry(
        waiver.check,
        waiver.notebook,
        waiver.cell,
        waiver.reason,
        waiver.expires.isoformat() if waiver.expires is not None else None,
    )
    reply = WaiveReply(root.shown(path), before is None, replaced, entry, before or "", after)
    return Plan(reply, {root.confine(path): after})


@contextlib.contextmanager
def project_lock(notebook_dir: Path, root: Root) -> Iterator[None]:
    """Held from reading the contract's file to writing it back: two waivers written at once into
    one file (the sidebar's and the command line's, two terminals) would otherwise each rewrite
    the file as it was before the other's, and one would be lost while both report it added. An
    exclusive lock on the project's top folder (the repository's, else the highest the lookup
    reaches), the one place every waiver for the project passes; none where the system has no
    ``flock``."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    folder = str(list(project_folders(root.confine(notebook_dir), root.ceiling))[-1])
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # a folder nobody may open: the waiver is written as before, unlocked
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _no_such_cell(sent: str, source: Source) -> str:
    """Where the id is found. Everything the user reads numbers cells (`cell 6 [4]:1`) and
    JupyterLab does not show ids (they are not in the cell's metadata): a number is the likely
    mistake, and the id of that cell is the answer."""
    cells = source.model.cells
    if sent.isdecimal() and 1 <= int(sent) <= len(cells) and cells[int(sent) - 1].cell_id is not None:
        number = int(sent)
        return f"a cell id is not the cell's number: cell {number}'s id is {cells[number - 1].cell_id}"
    return (
        "the notebook has no cell with this id: the ids are the findings' cell_id in "
        "`jupyter-readiness check --format json`, or waive from the Readiness sidebar, or the whole notebook"
    )


def _refuse_unless_it_fires(request: WaiveRequest, source: Source, root: Root) -> None:
    """A waiver accepts a finding: one for a check that reports none where it points would accept
    nothing (a typo, the wrong cell) and read as if something were accepted. The message lists
    what does fire there, never the check or the cell id that was sent."""
    try:
        findings = findings_to_waive(source.model, source.path, root)
    except ConfigError as exc:
        raise WaiverRefused(f"configuration error: {exc}") from None
    if request.cell_id is not None:
        findings = [f for f in findings if f.cell_id == request.cell_id]
    if any(f.check == request.check for f in findings):
        return
    fired = sorted({f.check for f in findings})
    if request.cell_id is None:
        where, there = "in this notebook", "in it"
    else:
        number = next(c.index for c in source.model.cells if c.cell_id == request.cell_id) + 1
        where, there = f"on this cell (cell {number})", "on it"
    which = f"the checks that fire {there}: {', '.join(fired)}" if fired else f"no check fires {there}"
    raise WaiverRefused(f"the check does not fire {where}, so a waiver would accept nothing; {which}")
