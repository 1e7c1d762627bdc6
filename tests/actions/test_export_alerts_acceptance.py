"""Acceptance test of the handoff contract an exported package carries (issue 18, schemas and
alerts): the four notebooks of the first export acceptance plus two that write DataFrames are each
rehearsed (two fresh kernels, the baseline recorded), exported, and installed into a fresh virtual
environment, where

* the package's own tests pass, the golden test included;
* its command on the notebook's values exits 0, status ``ok``, no alert;
* for the two DataFrame notebooks, on an input with a column dropped it exits 1 with a ``schema``
  alert naming the column, and on a tenth of the rows it exits 3 with a ``row-count`` alert.

Real processes throughout: the rehearse and export CLIs, Jupyter kernels, ``python -m venv``,
``pip install``, the generated command. The six packages share one fresh venv, installed by one
pip command (their pins all come from this environment, so they agree): a sixth of the pip time of
a venv each. The fast slice is test_export_expectations.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_export_acceptance import CASES, PIP_TIMEOUT, flags, summary, write_notebook

from helpers.cli import readiness as run_cli
from helpers.frame_notebooks import FRAME_CASES, FrameCase, dropped_column, tenth_of_rows, write_case

pytestmark = pytest.mark.slow

RUN_TIMEOUT = 300
NAMES = [case.name for case in CASES] + [case.name for case in FRAME_CASES]


@dataclass
class Handed:
    """A notebook rehearsed and exported, and installed in the shared venv."""

    case: Any  # test_export_acceptance.Case or FrameCase
    folder: Path  # the notebook's folder, with its inputs
    project: Path
    rehearse: subprocess.CompletedProcess[str]
    export: subprocess.CompletedProcess[str]
    venv: Path | None  # the shared venv's bin folder

    def bin_dir(self) -> Path:
        if self.venv is None:
            pytest.fail(f"{self.case.name} was not exported:\n{self.export.stdout}\n{self.export.stderr}")
        return self.venv


def readiness(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=cwd, timeout=RUN_TIMEOUT)


def make_venv(folder: Path, projects: list[Path]) -> Path:
    """A fresh venv (no system site-packages) with every ``project[test]`` installed by one pip
    command; returns its ``bin`` folder."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], capture_output=True, timeout=PIP_TIMEOUT, check=True)
    bin_dir = folder / "bin"
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    done = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--no-compile", *(f"{p}[test]" for p in projects)],
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT * 2,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pip install failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return bin_dir


@pytest.fixture(scope="module")
def handed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Handed]]:
    result: dict[str, Handed] = {}
    for case in [*CASES, *FRAME_CASES]:
        root = tmp_path_factory.mktemp(f"{case.name}-handed")
        folder = root / "notebook"
        path = write_case(case, folder) if isinstance(case, FrameCase) else write_notebook(case, folder)
        rehearsed = readiness("rehearse", path.name, cwd=folder)
        done = readiness("export", path.name, "--name", case.name, "--out", str(root / "project"), cwd=folder)
        result[case.name] = Handed(case, folder, root / "project", rehearsed, done, None)
    exported = [h.project for h in result.values() if h.export.returncode == 0]
    venv_dir = tmp_path_factory.mktemp("shared") / "venv"
    bin_dir = make_venv(venv_dir, exported)
    for h in result.values():
        h.venv = bin_dir if h.export.returncode == 0 else None
    yield result
    shutil.rmtree(venv_dir, ignore_errors=True)


@pytest.fixture(scope="module", params=NAMES)
def one(request: pytest.FixtureRequest, handed: dict[str, Handed]) -> Handed:
    return handed[request.param]


def command(one: Handed, cwd: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    prefix = one.case.name.upper() + "_"
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefix)}
    return subprocess.run(
        [str(one.bin_dir() / one.case.distribution), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )


def notebook_values(one: Handed) -> list[str]:
    args = flags(one.case.parameters)
    if getattr(one.case, "reads_clock", False):
        args += ["--run-date", date.today().isoformat()]
    return args


def test_the_rehearsal_records_a_baseline_and_the_package_carries_the_contract(one: Handed) -> None:
    assert one.rehearse.returncode == 0, one.rehearse.stdout + one.rehearse.stderr
    assert one.export.returncode == 0, one.export.stdout + one.export.stderr
    src = one.project / "src" / one.case.name
    assert (src / "thresholds.py").is_file() and (src / "alerts.py").is_file()
    assert (one.project / "tests" / "test_golden.py").is_file()
    readme = (one.project / "README.md").read_text(encoding="utf-8")
    assert "## Alerts and exit codes" in readme and "baseline:" in readme
    if isinstance(one.case, FrameCase):
        schemas = (src / "schemas.py").read_text(encoding="utf-8")
        assert "pa.DataFrameModel" in schemas and f"{one.case.dropped}: Series[str]" in schemas
        assert "pandera" in (one.project / "pyproject.toml").read_text(encoding="utf-8")


def test_the_package_tests_pass_golden_test_included(one: Handed) -> None:
    done = subprocess.run(
        [str(one.bin_dir() / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA"],
        cwd=one.project,
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"PASSED tests/test_golden.py::test_a_run_on_the_notebook_s_values_raises_no_alert", done.stdout)
    assert not re.search(r"\b\d+ (failed|errors?|skipped)\b", done.stdout), done.stdout


def test_the_command_on_the_notebook_values_raises_no_alert(one: Handed, tmp_path: Path) -> None:
    work = shutil.copytree(one.folder, tmp_path / "work")
    done = command(one, work, notebook_values(one))
    record = summary(done)
    assert (done.returncode, record["status"], record["alerts"]) == (0, "ok", []), done.stderr[-3000:]


@pytest.mark.parametrize("name", [case.name for case in FRAME_CASES])
def test_a_dropped_column_fails_with_a_schema_alert_naming_it(handed: dict[str, Handed], name: str, tmp_path: Path):
    one = handed[name]
    work = shutil.copytree(one.folder, tmp_path / "work")
    (work / one.case.table).write_text(dropped_column(one.case), encoding="utf-8")
    done = command(one, work, notebook_values(one))
    record = summary(done)
    assert (done.returncode, record["status"]) == (1, "failed"), done.stderr[-3000:]
    assert [a["check"] for a in record["alerts"]] == ["schema"]
    assert f"column '{one.case.dropped}'" in record["alerts"][0]["expected"]
    drift = [line for line in done.stderr.splitlines() if "schema drift" in line]
    assert len(drift) == 1 and one.case.dropped in drift[0] and "Traceback" not in done.stderr


@pytest.mark.parametrize("name", [case.name for case in FRAME_CASES])
def test_a_tenth_of_the_rows_is_degraded_with_a_row_count_alert(handed: dict[str, Handed], name: str, tmp_path: Path):
    one = handed[name]
    work = shutil.copytree(one.folder, tmp_path / "work")
    (work / one.case.table).write_text(tenth_of_rows(one.case), encoding="utf-8")
    done = command(one, work, notebook_values(one))
    record = summary(done)
    assert (done.returncode, record["status"]) == (3, "degraded"), done.stderr[-3000:]
    assert {a["check"] for a in record["alerts"]} == {"row-count"}, record["alerts"]
