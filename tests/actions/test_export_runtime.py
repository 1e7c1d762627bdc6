"""Export to package, what the package needs to run: a Dockerfile (the kernel's Python, pinned
dependencies, no root, the console script as entry point; parsed and its COPY sources checked, as
no registry is reachable to build it), a CI workflow (install, ruff, tests, the readiness
contract), and a README with the resources a real rehearsal measured, the ways it fails and who
to contact."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import dockerfile
from helpers.notebooks import REPO, code, md, notebook
from jupyterlab_readiness.actions.export import plan as export
from jupyterlab_readiness.actions.export.resources import failure_modes, resources
from jupyterlab_readiness.actions.plan import apply
from jupyterlab_readiness.compat import tomllib
from jupyterlab_readiness.contract.baseline import CellBaseline, CellTiming, FileBaseline, RehearsalRecord
from jupyterlab_readiness.contract.requests import ExportRequest
from jupyterlab_readiness.environment.answer import Environment
from jupyterlab_readiness.files import Root

KERNEL = {"versions": {"pydantic": ["pydantic", "2.9.0"]}, "python": "3.10", "python_version": "3.10.14"}


def sales(*extra: dict) -> dict:
    parameters = code("threshold = 5")
    parameters["metadata"]["tags"] = ["parameters"]
    return notebook(
        md("# Sales"),
        parameters,
        md("## Report"),
        code("big = [x for x in range(10) if x > threshold]\nopen('report.txt', 'w').write(str(big))"),
        *extra,
    )


def export_to(folder: Path, nb: dict, environment: Environment, **request) -> Path:
    (folder / "sales.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    result = export.plan(
        ExportRequest(path="sales.ipynb", notebook=nb, write=True, **request), environment, Root(folder)
    )
    assert result.reply.refused is None, result.reply.refused
    apply(result, Root(folder))
    return folder / "sales"


def test_the_dockerfile_parses_pins_the_kernels_python_runs_the_command_unprivileged_and_copies_what_exists(tmp_path):
    package = export_to(tmp_path, sales(), Environment.from_answer(KERNEL))
    instructions = dockerfile.parse((package / "Dockerfile").read_text(encoding="utf-8"))
    keywords = [k for k, _ in instructions]
    assert instructions[0] == ("FROM", "python:3.10.14-slim")
    for keyword, arguments in instructions:
        if keyword == "COPY":
            for source in dockerfile.copy_sources(arguments):
                assert (package / source).exists(), source
                assert not (package / source).is_relative_to(package / ".dockerignore")
    assert ("RUN", "python -m pip install .") in instructions
    script = next(iter(tomllib.loads((package / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]))
    assert dockerfile.exec_form(dict(instructions)["ENTRYPOINT"]) == [script]
    user = dict(instructions)["USER"]
    assert user not in ("root", "0") and keywords.index("USER") > max(i for i, k in enumerate(keywords) if k == "RUN")
    assert "USER" in keywords[keywords.index("RUN") :] and keywords[-1] == "ENTRYPOINT"
    # the dependencies pip installs are the pinned ones of pyproject.toml
    assert "pydantic==2.9.0" in tomllib.loads((package / "pyproject.toml").read_text())["project"]["dependencies"]


def test_the_dockerfile_installs_git_where_a_dependency_comes_from_a_repository(tmp_path):
    # python:*-slim has no git: pip could not fetch `pyyaml @ git+https://…` in the image
    (tmp_path / "plain").mkdir()
    (tmp_path / "repository").mkdir()
    plain = export_to(tmp_path / "plain", sales(), Environment.from_answer(KERNEL))
    assert not any("apt-get" in arguments for _, arguments in dockerfile.parse((plain / "Dockerfile").read_text()))
    nb = sales(code("!pip install 'PyYAML @ git+https://github.com/yaml/pyyaml@6.0.1'\nimport yaml\nprint(yaml)"))
    answer = {**KERNEL, "versions": {**KERNEL["versions"], "pyyaml": ["PyYAML", "6.0.1"]}}
    package = export_to(tmp_path / "repository", nb, Environment.from_answer(answer))
    dependencies = tomllib.loads((package / "pyproject.toml").read_text())["project"]["dependencies"]
    assert "PyYAML @ git+https://github.com/yaml/pyyaml@6.0.1" in dependencies
    instructions = dockerfile.parse((package / "Dockerfile").read_text(encoding="utf-8"))
    runs = [arguments for keyword, arguments in instructions if keyword == "RUN"]
    apt = next(i for i, run in enumerate(runs) if "apt-get install" in run)
    assert "--no-install-recommends git" in runs[apt] and apt < runs.index("python -m pip install .")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"python": "3.10", "python_version": "3.10.14"}, "3.10.14"),
        ({"python": "3.10"}, "3.10"),  # an answer that does not say: the tag of the minor version
        ({"python": "3.10", "python_version": "3.10.14-slim; rm -rf /"}, "3.10"),
        ({"python": "3.10", "python_version": "3.12.1"}, "3.10"),  # not the same Python
    ],
)
def test_the_image_is_pinned_to_what_the_kernel_says_and_nothing_else(answer, expected):
    assert Environment.from_answer(answer).python_version == expected


def test_the_ci_workflow_installs_lints_tests_and_judges_the_contract(tmp_path):
    package = export_to(tmp_path, sales(), Environment.from_answer(KERNEL))
    workflow = yaml.safe_load((package / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["test"]["steps"]
    assert {"push", "pull_request"} <= set(workflow[True])  # YAML 1.1 reads the key `on` as True
    assert next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))["with"] == {
        "python-version": "3.10.14"
    }
    runs = {s["name"]: s["run"] for s in steps if "run" in s}
    assert list(runs) == ["Install", "Ruff", "Tests", "Readiness contract"]
    assert (
        '-e ".[test]"' in runs["Install"] and "ruff check ." in runs["Ruff"] and "ruff format --check" in runs["Ruff"]
    )
    assert "pytest" in runs["Tests"]
    contract = next(s for s in steps if s.get("name") == "Readiness contract")
    assert (
        contract["env"]["NOTEBOOK"] == "../sales.ipynb" and 'jupyter-readiness contract "$NOTEBOOK"' in contract["run"]
    )


def test_the_contract_step_judges_the_notebook_beside_it_for_real(tmp_path):
    """The step's own shell, run where the package sits beside the notebook (its pip line swapped
    for this tree's CLI: no index is reachable here)."""
    package = export_to(tmp_path, sales(), Environment.from_answer(KERNEL))
    workflow = yaml.safe_load((package / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    step = next(s for s in workflow["jobs"]["test"]["steps"] if s.get("name") == "Readiness contract")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "jupyter-readiness").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m jupyterlab_readiness "$@"\n')
    (bin_dir / "jupyter-readiness").chmod(0o755)
    script = step["run"].replace("python -m pip install", "true")
    env = {**os.environ, **step["env"], "PATH": f"{bin_dir}:{os.environ['PATH']}", "PYTHONPATH": str(REPO / "python")}
    done = subprocess.run(["bash", "-c", script], cwd=package, env=env, capture_output=True, text=True, timeout=120)
    assert "sales.ipynb" in done.stdout and ("READY" in done.stdout), done.stdout + done.stderr


def test_resources_come_from_the_slowest_run_the_highest_peak_and_the_files_written():
    record = RehearsalRecord(
        key="k",
        notebook="sales.ipynb",
        rehearsed_at="2026-11-30T10:00:00Z",
        kernel="python3",
        parameters={},
        runs=2,
        in_place=False,
        passed=True,
        seconds=9.0,
        code_cells=[1, 3],
        findings=[],
        cells=[
            CellBaseline(
                1, None, [CellTiming("ok", 1.5, 100 << 20), CellTiming("ok", 2.0, 90 << 20)], reads=["in.csv"]
            ),
            CellBaseline(
                3,
                None,
                [CellTiming("ok", 60.0, 300 << 20), CellTiming("ok", 61.0, None)],
                writes=["out.csv"],
                reads=["out.csv"],
                external=["/etc/ssl/certs/ca.pem", "api.example.com:443"],
            ),
        ],
        files=[FileBaseline("out.csv", 3 << 20, "0" * 64, [3])],
    )
    assert resources(record) == {
        "seconds": 63.0,
        "time": "1 min 3 s",
        "peak_memory": 300 << 20,
        "memory": "300.0 MiB",
        "disk_written": 3 << 20,
        "disk": "3.0 MiB",
        "files": 1,
        "runs": 2,
        "rehearsed_at": "2026-11-30T10:00:00Z",
        "passed": True,
    }
    assert failure_modes(record, ["params.json"]) == {
        "inputs": ["params.json", "in.csv"],  # what it wrote itself and reads back is no input
        "hosts": ["api.example.com:443"],
        "outside_files": ["/etc/ssl/certs/ca.pem"],
    }
    assert resources(None) is None and failure_modes(None, ["a.csv"])["inputs"] == ["a.csv"]


def test_the_readme_says_what_a_real_rehearsal_measured_what_it_reaches_and_who_to_call(tmp_path):
    shared = tmp_path / "shared" / "lookup.csv"  # a file outside the notebook's folder
    shared.parent.mkdir()
    shared.write_text("region\nnorth\n", encoding="utf-8")
    reaches = code(
        "import socket\nfrom pathlib import Path\n"
        "try:\n    socket.create_connection(('127.0.0.1', 9), timeout=1).close()\nexcept OSError:\n    pass\n"
        f"lookup = Path({str(shared)!r}).read_text()"
    )
    nb = sales(md("## Reach"), reaches)
    tmp_path = tmp_path / "work"
    tmp_path.mkdir()
    (tmp_path / "sales.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO / "python")}
    rehearsal = subprocess.run(
        [sys.executable, "-m", "jupyterlab_readiness", "rehearse", "sales.ipynb"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (tmp_path / ".readiness" / "sales.ipynb.rehearsal.json").is_file(), rehearsal.stdout + rehearsal.stderr
    package = export_to(tmp_path, nb, Environment.from_answer(KERNEL), contact="Ana Lima, #data-platform")
    readme = (package / "README.md").read_text(encoding="utf-8")
    assert "Measured when the notebook was last rehearsed" in readme
    assert "| Disk written | 12 B | 1 file written by one run |" in readme  # report.txt: [6, 7, 8, 9]
    assert "| Peak memory | " in readme and "not measured" not in readme.split("| Peak memory |")[1].split("\n")[0]
    assert "connect to `127.0.0.1:9`" in readme and f"read `{shared}`" in readme
    assert "## Contact\n\nAna Lima, #data-platform\n" in readme


def test_without_a_rehearsal_the_readme_says_how_to_measure(tmp_path):
    package = export_to(tmp_path, sales(), Environment.from_answer(KERNEL))
    readme = (package / "README.md").read_text(encoding="utf-8")
    assert (
        "Not measured: the notebook was not rehearsed" in readme and "jupyter-readiness rehearse sales.ipynb" in readme
    )
    assert "Nobody was named at export time" in readme
