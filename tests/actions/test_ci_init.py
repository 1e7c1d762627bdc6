"""``jupyter-readiness ci init``: a ready workflow written into the user's repository, idempotent,
never overwriting a different file without --force."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from helpers.notebooks import REPO
from jupyterlab_readiness.actions.ci import plan as ci
from jupyterlab_readiness.actions.ci.templates import JUDGE_SCRIPT
from jupyterlab_readiness.actions.plan import apply
from jupyterlab_readiness.files import Root


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "python")}
    return subprocess.run(
        [sys.executable, "-m", "jupyterlab_readiness", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_github_init_is_idempotent_and_never_overwrites_without_force(project):
    (project / "notebooks").mkdir()
    first = cli("ci", "init", "--github", cwd=project / "notebooks")  # from a subfolder: the repository's top
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ["   create  ../.github/workflows/readiness.yml"]
    workflow = project / ".github" / "workflows" / "readiness.yml"
    text = workflow.read_text()
    stamp = workflow.stat().st_mtime_ns
    second = cli("ci", "init", "--github", cwd=project)
    assert second.returncode == 0 and second.stdout.splitlines() == ["unchanged  .github/workflows/readiness.yml"]
    assert workflow.stat().st_mtime_ns == stamp  # nothing rewritten
    workflow.write_text(text + "# the team's own step\n")
    third = cli("ci", "init", cwd=project)  # GitHub by default
    assert (
        third.returncode == 1 and "nothing written: .github/workflows/readiness.yml exists and differs" in third.stderr
    )
    assert workflow.read_text().endswith("# the team's own step\n")
    dry = cli("ci", "init", "--force", "--dry-run", cwd=project)
    assert (
        dry.returncode == 0 and "overwrite" in dry.stdout and workflow.read_text().endswith("# the team's own step\n")
    )
    forced = cli("ci", "init", "--force", cwd=project)
    assert forced.returncode == 0 and workflow.read_text() == text


def test_a_repo_that_is_not_a_folder_is_bad_usage_and_creates_nothing(project):
    missing = project / "reop"
    result = cli("ci", "init", "--repo", str(missing), cwd=project)
    assert result.returncode == 2 and "--repo: no such folder" in result.stderr, result.stdout + result.stderr
    assert not missing.exists()


def test_the_github_workflow_is_valid_and_runs_the_actions_script(project):
    reply = ci.plan("github", project, Root(None)).reply
    (file,) = reply.files
    workflow = yaml.safe_load(file.text)
    assert workflow["permissions"] == {"contents": "read", "security-events": "write"}
    steps = workflow["jobs"]["handoff-contract"]["steps"]
    assert steps[0] == {"uses": "actions/checkout@v4", "with": {"fetch-depth": 0}}
    judge = next(s for s in steps if s.get("id") == "contract")
    assert judge["run"] == JUDGE_SCRIPT
    assert next(s for s in steps if "upload-sarif" in s.get("uses", ""))["with"]["category"] == "jupyter-readiness"


def test_gitlab_init_includes_its_job_and_leaves_an_existing_pipeline_alone(project):
    created = ci.plan("gitlab", project, Root(None))
    assert [(f.path, f.status) for f in created.reply.files] == [
        (".gitlab/readiness.gitlab-ci.yml", "create"),
        (".gitlab-ci.yml", "create"),
    ]
    apply(created, Root(None))
    assert yaml.safe_load((project / ".gitlab-ci.yml").read_text()) == {
        "include": [{"local": ".gitlab/readiness.gitlab-ci.yml"}]
    }
    job = yaml.safe_load((project / ".gitlab" / "readiness.gitlab-ci.yml").read_text())["handoff-contract"]
    assert job["variables"] == {"GIT_DEPTH": "0"} and "jupyter-readiness contract" in job["script"][1]
    again = ci.plan("gitlab", project, Root(None))
    assert [f.status for f in again.reply.files] == ["unchanged", "unchanged"] and not again.writes
    # a repository with its own pipeline: the job file only, and a note instead of an edit
    own = project / "own"
    (own / ".git").mkdir(parents=True)
    (own / ".gitlab-ci.yml").write_text("test:\n  script: [pytest]\n")
    result = cli("ci", "init", "--repo", str(own), cwd=project)  # GitLab: it has a .gitlab-ci.yml
    assert result.returncode == 0, result.stderr
    assert "note: add to .gitlab-ci.yml: include: [{local: .gitlab/readiness.gitlab-ci.yml}]" in result.stdout
    assert (own / ".gitlab-ci.yml").read_text() == "test:\n  script: [pytest]\n"
    assert (own / ".gitlab" / "readiness.gitlab-ci.yml").is_file()


def test_the_gitlab_job_runs_in_a_stage_the_teams_pipeline_declares(project):
    """A job in a stage the pipeline does not declare makes the whole pipeline invalid: a team
    whose `stages` leave out `test` gets the job in its first stage, and a note saying so."""
    (project / ".gitlab-ci.yml").write_text("stages: [.pre, lint, build, deploy]\nbuild:\n  script: [make]\n")
    result = cli("ci", "init", "--gitlab", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "note: the job runs in the stage lint: .gitlab-ci.yml declares no stage test" in result.stdout
    job = yaml.safe_load((project / ".gitlab" / "readiness.gitlab-ci.yml").read_text())["handoff-contract"]
    assert job["stage"] == "lint"
    assert cli("ci", "init", "--gitlab", cwd=project).stdout.splitlines()[0].startswith("unchanged")
    for pipeline, stage in (
        ("stages: [build, test]\n", "test"),
        ("build:\n  script: [make]\n", "test"),  # GitLab's default stages
        ("stages: ['check: notebooks', deploy]\n", "check: notebooks"),  # quoted, read back as written
        ("stages: [[\n", "test"),  # not YAML: GitLab will say so, the job keeps the default
    ):
        (project / ".gitlab-ci.yml").write_text(pipeline)
        plan = ci.plan("gitlab", project, Root(None), force=True)
        written = yaml.safe_load(plan.reply.files[0].text)["handoff-contract"]
        assert written["stage"] == stage, pipeline


def test_the_gitlab_job_judges_what_a_push_changed_and_everything_after_a_force_push(tmp_path):
    """The job's script run by bash as a runner would, in a real repository: a push judges the
    notebooks it changed; a force-push, whose previous head is in no clone, judges them all."""
    from helpers.git import commit, init, write_notebook

    repo = init(tmp_path / "repo")
    write_notebook(repo / "legacy.ipynb", "y = undefined_name")  # not ready
    before = commit(repo, "base")
    write_notebook(repo / "report.ipynb", "import logging\nlogging.info('%s', 1)")
    commit(repo, "a ready notebook")
    plan = ci.plan("gitlab", repo, Root(None))
    script = yaml.safe_load(plan.reply.files[0].text)["handoff-contract"]["script"][1]
    bin_dir = tmp_path / "bin"  # the installed console script: this checkout's package
    bin_dir.mkdir()
    (bin_dir / "jupyter-readiness").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m jupyterlab_readiness "$@"\n')
    (bin_dir / "jupyter-readiness").chmod(0o755)

    def job(before_sha: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO / "python")}
        env["CI_COMMIT_BEFORE_SHA"] = before_sha
        return subprocess.run(
            ["bash", "-eo", "pipefail", "-c", script], cwd=repo, env=env, capture_output=True, text=True, timeout=120
        )

    pushed = job(before)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr  # only report.ipynb changed, and it is ready
    assert "legacy.ipynb" not in pushed.stdout
    forced = job("1234567" * 5 + "89abc")
    assert forced.returncode == 1, forced.stdout + forced.stderr
    assert "(a force-push rewrote it): every notebook is judged." in forced.stdout
    assert "legacy.ipynb" in (repo / "readiness-contract.md").read_text()


def test_the_github_workflow_judges_pushes_to_the_clones_default_branch(tmp_path):
    from helpers.git import commit, git, write_notebook

    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "develop")
    write_notebook(origin / "report.ipynb", "x = 1")
    commit(origin, "base")
    git(tmp_path, "clone", "-q", str(origin), str(tmp_path / "clone"))
    cloned = ci.plan("github", tmp_path / "clone", Root(None)).reply.files[0].text
    assert yaml.safe_load(cloned)[True]["push"] == {"branches": ["develop"]}  # YAML reads `on:` as True
    fresh = ci.plan("github", origin, Root(None)).reply.files[0].text  # no origin: the usual names
    assert yaml.safe_load(fresh)[True]["push"] == {"branches": ["main", "master"]}
