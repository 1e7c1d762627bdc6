"""The command line as a user runs it: ``python -m jupyterlab_readiness`` in its own process, on
this tree's code (whatever is installed globally), and an exported package's commands the same way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers.notebooks import REPO


def python(*args: str, cwd: Path, path: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in its own process with ``path`` on its PYTHONPATH (this tree's code, or an
    exported package's ``src``)."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(path)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def readiness(*args: str, cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return python("-m", "jupyterlab_readiness", *args, cwd=cwd, path=REPO / "python", timeout=timeout)
