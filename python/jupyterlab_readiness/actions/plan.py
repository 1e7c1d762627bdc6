"""The one shape of every action: ``plan(request, environment, root)`` decides everything — the
reply and the files to write — reading files through the root but writing nothing; ``apply(plan,
root)`` writes exactly those files, each confined to the root and atomic. The CLI and the server
both call the two, so a preview and a write can never differ."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..files import Root
from .errors import ActionRefused

R = TypeVar("R")


@dataclass
class Plan(Generic[R]):
    reply: R
    # absolute path → text, in the order apply() writes them (an export's manifest comes last, so
    # an interrupted export is finished by the next one rather than taken for user edits)
    writes: dict[Path, str] = field(default_factory=dict)


def apply(plan: Plan[Any], root: Root) -> list[Path]:
    """Write what the plan says; the files that changed. A plan whose reply says ``refused``
    writes nothing (ActionRefused)."""
    refused = getattr(plan.reply, "refused", None)
    if refused:
        raise ActionRefused(refused)
    written = [path for path, text in plan.writes.items() if root.write(path, text)]
    plan.reply.written = True
    return written
