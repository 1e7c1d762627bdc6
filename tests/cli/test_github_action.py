"""The repository's GitHub Action (``action.yml``, composite), run the way a runner runs it: its
``run:`` steps with ``bash --noprofile --norc -eo pipefail``, the step's ``env`` with the
expressions filled in, ``$GITHUB_OUTPUT`` read back between steps and a fake
``$GITHUB_STEP_SUMMARY``, in a fresh clone of a test repository whose pull request changes one
notebook. The ``uses:`` steps (setup-python, upload-sarif) need github.com and are not run; what
they would receive is checked instead."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers.git import commit, git, init, write_notebook
from helpers.notebooks import REPO
from jupyterlab_readiness.actions.ci.templates import JUDGE_SCRIPT

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Runner:
    """Just enough of a GitHub runner for a composite action's ``run:`` steps."""

    def __init__(self, workspace: Path, tmp: Path, context: dict[str, str], inputs: dict[str, str]) -> None:
        self.workspace = workspace
        self.tmp = tmp
        self.context = context
        self.inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()} | inputs
        self.outputs: dict[str, dict[str, str]] = {}
        self.summary = tmp / "step_summary.md"
        self.summary.write_text("")
        bin_dir = tmp / "bin"  # the installed console script: this checkout's package
        bin_dir.mkdir()
        script = bin_dir / "jupyter-readiness"
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m jupyterlab_readiness "$@"\n')
        script.chmod(0o755)
        self.path = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"

    def value(self, expression: str) -> str:
        if expression.startswith("inputs."):
            return self.inputs[expression.removeprefix("inputs.")]
        if expression.startswith("steps."):
            _, step, _, name = expression.split(".")
            return self.outputs.get(step, {}).get(name, "")
        return self.context.get(expression, "")

    def fill(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: self.value(m.group(1)), text)

    def run(self, step: dict) -> int:
        script = self.tmp / f"step-{len(self.outputs)}.sh"
        script.write_text(step["run"])
        output = self.tmp / f"output-{len(self.outputs)}"
        output.write_text("")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")},
            "PATH": self.path,
            "PYTHONPATH": str(REPO / "python"),
            "NO_COLOR": "1",
            "GITHUB_ACTION_PATH": str(REPO),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_OUTPUT": str(output),
            "RUNNER_TEMP": str(self.tmp),
            **{name: self.fill(str(value)) for name, value in step.get("env", {}).items()},
        }
        assert step["shell"] == "bash"
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.outputs[step.get("id", f"step{len(self.outputs)}")] = dict(
            line.split("=", 1) for line in output.read_text().splitlines() if "=" in line
        )
        return done.returncode

    def run_action(self) -> int:
        """Every ``run:`` step in order, as a composite action runs them; the last exit code."""
        code = 0
        for step in ACTION["runs"]["steps"]:
            if "uses" in step:
                continue
            code = self.run(step)
            if code != 0:
                break
        return code


def pull_request(tmp_path: Path, changed_source: str) -> tuple[Path, str]:
    """An origin whose main branch has a notebook that is not ready, and a pull request that
    changes another notebook; returns a fresh clone at the pull request's head and the base."""
    origin = init(tmp_path / "origin")
    (origin / "pyproject.toml").write_text("[tool.jupyter-readiness.contract]\nchecklist = []\n")
    write_notebook(origin / "legacy.ipynb", "y = undefined_name")  # not ready, untouched by the pull request
    write_notebook(origin / "analysis" / "report.ipynb", "import logging\nlogging.info('%s', 1)")
    base = commit(origin, "base")
    git(origin, "checkout", "-q", "-b", "feature")
    write_notebook(origin / "analysis" / "report.ipynb", changed_source)
    commit(origin, "the pull request")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--branch", "feature", str(origin), str(clone))
    return clone, base


def runner(tmp_path: Path, clone: Path, base: str, **inputs: str) -> Runner:
    tmp = tmp_path / "runner"
    tmp.mkdir()
    context = {
        "github.event_name": "pull_request",
        "github.event.pull_request.base.sha": base,
        "github.event.before": "",
    }
    return Runner(clone, tmp, context, {"package": "", **inputs})


def test_a_ready_pull_request_passes_and_its_verdict_is_in_the_job_summary(tmp_path):
    clone, base = pull_request(tmp_path, "import logging\nlogging.info('%s', 2)")
    action = runner(tmp_path, clone, base)
    assert action.run_action() == 0
    summary = action.summary.read_text()
    assert summary.startswith("## Handoff contract: 1 of 1 notebook ready\n")
    assert "<code>analysis/report.ipynb</code>" in summary and "legacy.ipynb" not in summary  # only the changed one
    outputs = action.outputs["contract"]
    assert outputs["status"] == "0" and outputs["ready"] == "true"
    sarif = json.loads(Path(outputs["sarif"]).read_text())  # what upload-sarif receives: every notebook's findings
    assert sarif["version"] == "2.1.0"
    assert {"hidden-state"} <= {r["ruleId"] for r in sarif["runs"][0]["results"]}


def test_a_pull_request_that_is_not_ready_fails_the_job(tmp_path):
    clone, base = pull_request(tmp_path, "total = frame.sum()")
    action = runner(tmp_path, clone, base, sarif="false")
    assert action.run_action() == 1
    summary = action.summary.read_text()
    assert "### ❌ <code>analysis/report.ipynb</code>: not ready: 1 of 2 clauses unmet" in summary
    assert (
        "| ❌ | No finding above warning | 1 finding above what it tolerates: `hidden-state` (error) in cell 1 |"
        in summary
    )
    assert action.outputs["contract"] == {"status": "1", "ready": "false"}  # no SARIF asked for


def test_all_and_a_push_event(tmp_path):
    clone, base = pull_request(tmp_path, "import logging\nlogging.info('%s', 2)")
    action = runner(tmp_path, clone, base, all="true", sarif="false")
    assert action.run_action() == 1  # legacy.ipynb is judged too
    assert "legacy.ipynb" in action.summary.read_text()
    (tmp_path / "push").mkdir()
    pushed = runner(tmp_path / "push", clone, base, sarif="false")
    pushed.context = {"github.event_name": "push", "github.event.before": "0" * 40}  # a new branch: everything
    assert pushed.run_action() == 1


def test_a_force_push_whose_previous_head_is_in_no_clone_judges_every_notebook(tmp_path):
    clone, base = pull_request(tmp_path, "import logging\nlogging.info('%s', 2)")
    action = runner(tmp_path, clone, base, sarif="false")
    action.context = {"github.event_name": "push", "github.event.before": "1234567" * 5 + "89abc"}
    assert action.run_action() == 1  # not an error (2): legacy.ipynb is judged, and is not ready
    summary = action.summary.read_text()
    assert summary.startswith("The event's base commit is not in this clone (a force-push rewrote it)")
    assert "legacy.ipynb" in summary and "analysis/report.ipynb" in summary
    # an explicit changed-since that git does not know is the user's mistake: still an error
    (tmp_path / "explicit").mkdir()
    explicit = runner(tmp_path / "explicit", clone, base, sarif="false", **{"changed-since": "1234567" * 5 + "89abc"})
    assert explicit.run_action() == 2


@pytest.mark.parametrize("source", ["action", "workflow"])
def test_the_action_and_the_written_workflow_run_the_same_script(source, project):
    if source == "action":
        steps = ACTION["runs"]["steps"]
    else:
        from jupyterlab_readiness.actions.ci import plan as ci
        from jupyterlab_readiness.files import Root

        steps = yaml.safe_load(ci.plan("github", project, Root(None)).reply.files[0].text)["jobs"]["handoff-contract"][
            "steps"
        ]
    judge = next(s for s in steps if s.get("id") == "contract")
    assert judge["run"] == JUDGE_SCRIPT
    assert set(judge["env"]) == {"PATHS", "CHANGED_SINCE", "ALL", "EVENT", "PR_BASE", "PUSH_BEFORE", "SARIF"}
    # an upload refused (code scanning off in a private repository, a fork's read-only token) must
    # not fail a ready pull request: the verdict step after it decides the job
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["continue-on-error"] is True
    assert steps[-1]["name"] == "Verdict" and "if" not in steps[-1]


def test_the_action_installs_this_version():
    version = json.loads((REPO / "package.json").read_text())["version"]
    assert ACTION["inputs"]["package"]["default"] == f"jupyterlab-readiness=={version}"
    upload = next(s for s in ACTION["runs"]["steps"] if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] == "${{ steps.contract.outputs.sarif }}"


def test_the_pre_commit_hooks_check_and_judge_the_notebooks_being_committed():
    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["jupyter-readiness"]["entry"] == "jupyter-readiness check"
    assert hooks["jupyter-readiness-contract"]["entry"] == "jupyter-readiness contract"
    assert all(hook["types"] == ["jupyter"] and hook["language"] == "python" for hook in hooks.values())
