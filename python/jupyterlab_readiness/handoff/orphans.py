"""Waivers that name no notebook: the notebook was renamed (``git mv``) or deleted, and the
waiver, written for its old path, accepts nothing any more. No verdict lists it (verdicts list the
waivers naming their own notebook), so the run says it once, with the contract file it is in.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..contract.replies import OrphanedWaiver
from .source import ProjectContract


def orphaned_waivers(contracts: Iterable[ProjectContract]) -> list[OrphanedWaiver]:
    """The waivers of these contracts (each file once, in order) whose notebook is not a file."""
    found: list[OrphanedWaiver] = []
    seen: set[object] = set()
    for project in contracts:
        if project.file is None or project.file in seen or project.folder is None:
            continue
        seen.add(project.file)
        for waiver in project.contract.waivers:
            if not (project.folder / waiver.notebook).is_file():
                found.append(
                    OrphanedWaiver(project.shown or project.file.name, waiver.check, waiver.notebook, waiver.cell)
                )
    return found
