"""The command line as a user runs it: ``python -m jupyterlab_readiness`` in its own process, on
this tree's code (whatever is installed globally)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers.notebooks import REPO


def readiness(*args: str, cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jupyterlab_readiness", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO / "python")},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
