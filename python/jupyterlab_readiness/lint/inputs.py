"""Files besides the notebook whose content its report may depend on, apart from the configuration,
the pin files and the modules beside it: the result cache keys on their content (or absence)."""

from __future__ import annotations

from pathlib import Path

from .sidecar import sidecar_path


def side_inputs(path: Path) -> tuple[Path, ...]:
    """A check that reads another file lists it here: the rehearsal's record is one."""
    return (sidecar_path(path, "rehearsal"),)
