"""Files besides the notebook whose content its report may depend on, apart from the configuration,
the pin files and the modules beside it: the result cache keys on their content (or absence)."""

from __future__ import annotations

import os
from pathlib import Path

from .sidecar import SIDECAR_FOLDER


def side_inputs(path: Path | str) -> tuple[str, ...]:
    """A check that reads another file lists it here: the rehearsal's record is one (its
    ``sidecar.sidecar_path``, built as a string: a warm run asks this of every notebook)."""
    folder, name = os.path.split(os.fspath(path))
    return (os.path.join(folder, SIDECAR_FOLDER, f"{name}.rehearsal.json"),)
