"""The evidence two clauses need beyond the static report, read from sidecar files beside the
notebook (``.readiness/``), each tied to the notebook's code by ``notebook.fingerprint``:

- **The rehearsal record** ``.readiness/<notebook>.rehearsal.json``, written by
  ``jupyter-readiness rehearse`` (two runs in fresh kernels; its format is the rehearse action's,
  version 1). It applies while its ``key`` (kernel, code cells, parameters) matches the notebook:
  a code edit makes it stale, a markdown edit does not.
- **The exported package's tests record** ``.readiness/<notebook>.tests.json``, written by
  ``jupyter-readiness test-export`` after it ran the package's tests (or a command CI gives it)::

      {"version": 1, "notebook": "analysis.ipynb", "key": "sha256:…", "package": "analysis",
       "package_sha256": "sha256:…", "command": ["python", "-m", "pytest", "-q"], "exit_code": 0,
       "passed": true, "summary": "6 passed in 1.92s", "tested_at": "2026-11-30T06:00:00Z",
       "seconds": 2.4}

  ``key`` is the notebook's code fingerprint when the tests ran, ``package`` the package's folder
  relative to the notebook's, ``package_sha256`` a hash of the package's code as tested (every
  ``.py``/``.pyi`` file and the project files, caches and build output left out). It counts while
  both still match: the same notebook code, the same package code.

A record is evidence, not configuration: one that cannot be read is reported as such (the clause
is unmet and says how to write a new one), never an error of the contract.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..contract.baseline import RehearsalRecord
from ..contract.report import Finding
from ..files import OutsideRoot, Root, Unreadable
from ..lint.sidecar import SIDECAR_FOLDER, current_findings, read_json, read_rehearsal, record_cells, sidecar_path
from ..notebook.fingerprint import code_fingerprint
from ..notebook.model import Notebook

TESTS_VERSION = 1
# What a package's fingerprint reads: its code and the files that decide how it installs and tests.
PACKAGE_FILES = frozenset({"pyproject.toml", "setup.cfg", "setup.py", "tox.ini", "noxfile.py", "pytest.ini"})
PACKAGE_SUFFIXES = (".py", ".pyi")
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "build",
        "dist",
        "node_modules",
        ".ipynb_checkpoints",
        SIDECAR_FOLDER,
    }
)
MAX_PACKAGE_FILES = 5000


def package_tests_path(notebook_path: Path) -> Path:
    return sidecar_path(notebook_path, "tests")


@dataclass(frozen=True)
class Rehearsal:
    """What the contract reads of a rehearsal record."""

    current: bool  # its key matches the notebook's code (kernel, code cells, parameters)
    rehearsed_at: str
    runs: int
    findings: list[Finding]  # moved to the notebook's current cell indices (when current)
    # where a run stopped before the last code cell (an error, a time limit, a dead kernel): (run,
    # the cell's current index or None, its status); None when every run asked for ran every cell
    stopped: tuple[int, int | None, str] | None = None


@dataclass(frozen=True)
class TestsRun:
    """What the contract reads of a tests record, and how the package compares today."""

    current: bool  # its key matches the notebook's code
    package: str
    package_found: bool
    package_unchanged: bool
    passed: bool
    exit_code: int
    summary: str
    tested_at: str


@dataclass(frozen=True)
class Evidence:
    rehearsal: Rehearsal | None = None
    rehearsal_problem: str | None = None  # a record there that cannot be read
    tests: TestsRun | None = None
    tests_problem: str | None = None


def load_evidence(notebook: Notebook, notebook_path: Path, root: Root, *, rehearsal: bool, tests: bool) -> Evidence:
    """The records the contract asks for (``rehearsal``, ``tests``), read through the root."""
    found_rehearsal = rehearsal_problem = found_tests = tests_problem = None
    if rehearsal:
        found_rehearsal, rehearsal_problem = _rehearsal(notebook, notebook_path, root)
    if tests:
        found_tests, tests_problem = _tests(notebook, notebook_path, root)
    return Evidence(found_rehearsal, rehearsal_problem, found_tests, tests_problem)


# ---------------------------------------------------------------- rehearsal


def _rehearsal(notebook: Notebook, notebook_path: Path, root: Root) -> tuple[Rehearsal | None, str | None]:
    record, problem = read_rehearsal(notebook_path, root)
    if record is None:
        return None, problem
    findings = current_findings(record, notebook)
    stopped = _stopped(record, record_cells(notebook, record) or {})
    return Rehearsal(findings is not None, record.rehearsed_at, record.runs, findings or [], stopped), None


def _stopped(record: RehearsalRecord, moved: dict[int, int]) -> tuple[int, int | None, str] | None:
    """The first place a run did not get through: the cell that failed, timed out or lost its
    kernel, else (a run skipped, or a time limit between cells) the first cell it did not run."""
    for run in range(record.runs):
        timings = [
            (cell.cell_index, cell.runs[run].status if run < len(cell.runs) else "not-run") for cell in record.cells
        ]
        failed = next(((i, status) for i, status in timings if status not in ("ok", "not-run")), None)
        missed = failed or next(((i, status) for i, status in timings if status == "not-run"), None)
        if missed is not None:
            return run + 1, moved.get(missed[0]), missed[1]
    return None


def rehearsed_on(rehearsal: Rehearsal) -> dt.date | None:
    try:
        return dt.datetime.strptime(rehearsal.rehearsed_at, "%Y-%m-%dT%H:%M:%SZ").date()
    except ValueError:
        return None


# ---------------------------------------------------------------- the exported package's tests


def _tests(notebook: Notebook, notebook_path: Path, root: Root) -> tuple[TestsRun | None, str | None]:
    data, problem = read_json(package_tests_path(notebook_path), root)
    if data is None:
        return None, problem
    try:
        if data.get("version") != TESTS_VERSION:
            return None, "it is from another version of jupyterlab-readiness"
        package = str(data["package"])
        folder = notebook_path.parent / package
        # a package beside the notebooks' folder (packages/ next to notebooks/) is named with ..;
        # the root keeps the server inside its own tree
        found = root.is_dir(folder) and not Path(package).is_absolute()
        digest = package_fingerprint(folder, root) if found else None
        return TestsRun(
            current=data["key"] == code_fingerprint(notebook),
            package=package,
            package_found=found,
            package_unchanged=digest is not None and digest == data["package_sha256"],
            passed=data["passed"] is True and data["exit_code"] == 0,
            exit_code=int(data["exit_code"]),
            summary=str(data.get("summary") or ""),
            tested_at=str(data["tested_at"]),
        ), None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None, "it is not a tests record this version understands"


def package_fingerprint(folder: Path, root: Root) -> str | None:
    """A hash of the package's code: the relative path and content of every ``.py``/``.pyi`` file
    and project file under ``folder`` (caches, build output, virtual environments and version
    control left out); None when it cannot be read or holds more than MAX_PACKAGE_FILES."""
    folder = root.confine(folder)
    names: list[str] = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info"))
        for name in files:
            if name in PACKAGE_FILES or name.endswith(PACKAGE_SUFFIXES):
                names.append(Path(current, name).relative_to(folder).as_posix())
        if len(names) > MAX_PACKAGE_FILES:
            return None
    digest = hashlib.sha256()
    for name in sorted(names):
        full = folder / name
        if full.is_symlink():
            text = "link:" + os.readlink(full)
        else:
            try:
                text = root.read_text(full) or ""
            except (OutsideRoot, Unreadable):
                return None
        digest.update(f"{name}\0{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()}\n".encode())
    return "sha256:" + digest.hexdigest()


def package_tests_record(
    notebook: Notebook,
    notebook_path: Path,
    package: Path,
    package_sha256: str,
    command: list[str],
    exit_code: int,
    summary: str,
    seconds: float,
    when: dt.datetime,
    key: str | None = None,
) -> str:
    """The text of a tests record (written by ``jupyter-readiness test-export``); ``key`` is the
    code the package was exported from when known, else the notebook's code now."""
    record = {
        "version": TESTS_VERSION,
        "notebook": Path(notebook_path).name,
        "key": key or code_fingerprint(notebook),
        "package": Path(os.path.relpath(package, Path(notebook_path).parent)).as_posix(),
        "package_sha256": package_sha256,
        "command": list(command),
        "exit_code": exit_code,
        "passed": exit_code == 0,
        "summary": summary,
        "tested_at": when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seconds": round(seconds, 3),
    }
    return json.dumps(record, indent=1, ensure_ascii=False) + "\n"
