"""ruff with its default rules, on a module the tests generate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def ruff(text: str, tmp_path: Path, name: str = "extracted_mod.py") -> None:
    """The module passes ``ruff check`` with ruff's default rules (no project configuration)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "ruff",
                "check",
                "--isolated",
                "--no-cache",
                "--output-format",
                "concise",
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except FileNotFoundError:  # pragma: no cover
        pytest.fail("ruff is needed by this test: pip install ruff")
    if "No module named ruff" in done.stderr:
        pytest.fail("ruff is needed by this test (python -m ruff): pip install ruff")
    assert done.returncode == 0, f"ruff check failed:\n{done.stdout}{done.stderr}\n--- module ---\n{text}"
