"""The handoff commands against what a sweep of hostile and unusual projects found: no traceback,
no write out of the repository, no configuration from outside it, no control character passed to
a terminal or a pull-request comment. Real subprocesses, real files, real symbolic links."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import yaml
from test_contract_cli import CLEAN, cli, write

from helpers.notebooks import REPO, code, notebook
from jupyterlab_readiness.actions.ci.templates import github_workflow


def test_ci_init_where_a_file_or_a_folder_is_in_the_way_is_a_clear_refusal(project):
    (project / ".github").write_text("not a folder")
    blocked = cli("ci", "init", cwd=project)
    assert blocked.returncode == 2 and "Traceback" not in blocked.stderr, blocked.stderr
    assert "nothing written" in blocked.stderr and (project / ".github").read_text() == "not a folder"
    (project / ".github").unlink()
    (project / ".github" / "workflows" / "readiness.yml").mkdir(parents=True)
    forced = cli("ci", "init", "--force", cwd=project)
    assert forced.returncode == 2 and "Traceback" not in forced.stderr, forced.stderr
    assert "folder" in forced.stderr and (project / ".github" / "workflows" / "readiness.yml").is_dir()


def test_ci_init_never_writes_through_a_link_out_of_the_repository(tmp_path):
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    (repo / ".git").mkdir(parents=True)
    outside.mkdir()
    (repo / ".github").symlink_to(outside)
    result = cli("ci", "init", cwd=repo)
    assert result.returncode == 2 and "leads out of the repository" in result.stderr, result.stdout + result.stderr
    assert not any(outside.rglob("*"))


def test_a_default_branch_yaml_would_read_as_another_type_is_quoted():
    for branch in ("null", "yes", "Off", "1.0", "2024"):
        read = yaml.safe_load(github_workflow("1", (branch,)))
        assert read[True]["push"] == {"branches": [branch]}, branch  # YAML reads `on:` as True
    # the usual names stay plain: a workflow written before reads the same
    assert "branches: [main, master]" in github_workflow("1")
    assert "branches: [develop]" in github_workflow("1", ("develop",))


def test_a_contract_nested_too_deeply_is_an_invalid_contract_not_a_crash(project):
    write(project / "a.ipynb", code("print(1)", 1, cell_id="c1"))
    (project / "readiness-contract.toml").write_text("min-score = " + "[" * 600 + "]" * 600 + "\n")
    waive = ("waive", "a.ipynb", "--check", "print-logging", "--cell", "c1", "--reason", "r")
    for command in (("contract", "a.ipynb"), waive):
        result = cli(*command, cwd=project)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert "nested too deeply" in result.stderr + result.stdout
    (project / "readiness-contract.toml").unlink()
    (project / "pyproject.toml").write_text("[tool.jupyter-readiness]\ndisable = " + "[" * 600 + "]" * 600 + "\n")
    checked = cli("check", "a.ipynb", cwd=project)
    assert checked.returncode == 2 and "Traceback" not in checked.stderr, checked.stderr


def test_nothing_above_the_repository_decides_its_contract_or_receives_its_waivers(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.jupyter-readiness.contract]\nmin-score = 100\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo / "sub" / "a.ipynb", code("print(1)", 1, cell_id="c1"))
    verdict = cli("contract", "sub/a.ipynb", cwd=repo)
    assert "the default contract" in verdict.stdout and "../pyproject.toml" not in verdict.stdout, verdict.stdout
    waived = cli("waive", "sub/a.ipynb", "--check", "print-logging", "--reason", "a demo", cwd=repo)
    assert waived.returncode == 0, waived.stderr
    assert (repo / "sub" / "readiness-contract.toml").is_file()
    assert "waivers" not in (tmp_path / "pyproject.toml").read_text()


def test_test_export_needs_a_package_to_record_its_tests(project):
    write(project / "a.ipynb", code(CLEAN, 1))
    (project / "empty").mkdir()
    result = cli("test-export", "a.ipynb", "--package", "empty", "--", "true", cwd=project)
    assert result.returncode == 2 and "no exported package" in result.stderr, result.stderr
    assert not (project / ".readiness").exists()


def test_control_characters_in_names_and_reasons_never_reach_the_terminal_or_the_comment(project):
    name = "evil\n\n## ✅ Handoff contract: every notebook ready\n\n<!--.ipynb"
    path = project / name
    path.write_text(json.dumps(notebook(code("print(1)", 1, cell_id="c1"))), encoding="utf-8")
    write(project / "plain.ipynb", code("print(1)", 1, cell_id="c1"))
    reason = "esc \x1b[31mRED\x07 bell"
    waived = cli("waive", "plain.ipynb", "--check", "print-logging", "--cell", "c1", "--reason", reason, cwd=project)
    assert waived.returncode == 0, waived.stderr
    for fmt in ("text", "markdown"):
        out = cli("contract", "--format", fmt, ".", cwd=project).stdout
        assert "\x1b" not in out and "\x07" not in out, fmt
        assert "\n## ✅" not in out and "\\n## ✅" in out, out
        assert "RED" in out  # the reason is still shown, its escape written out
    assert "\x1b" not in cli("check", ".", cwd=project).stdout.replace("\x1b[", "")


def test_output_that_cannot_be_written_is_a_clear_error_never_findings(project):
    write(project / "a.ipynb", code(CLEAN, 1))
    env = {**os.environ, "PYTHONPATH": str(REPO / "python")}
    for command in (("contract", "a.ipynb"), ("contract", "--format", "json", "a.ipynb"), ("check", "a.ipynb")):
        with open("/dev/full", "w") as full:
            result = subprocess.run(
                [sys.executable, "-m", "jupyterlab_readiness", *command],
                cwd=project,
                env=env,
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                timeout=120,
            )
        assert result.returncode == 120 and "Traceback" not in result.stderr, (command, result.stderr)
        assert "cannot write the output: No space left on device" in result.stderr


def test_waivers_written_at_the_same_moment_are_all_kept(project):
    cells = {
        "print-logging": code("print(1)", 1, cell_id="c1"),
        "wall-clock": code("import datetime\nday = datetime.datetime.now()", 2, cell_id="c2"),
        "unseeded-random": code("import random\ndraw = random.random()", 3, cell_id="c3"),
        "absolute-path": code("data = open('/home/ana/sales.csv').read()", 4, cell_id="c4"),
    }
    write(project / "a.ipynb", *cells.values())
    env = {**os.environ, "PYTHONPATH": str(REPO / "python")}
    for round_ in range(3):
        (project / "pyproject.toml").write_text('[project]\nname = "team"\n\n[tool.jupyter-readiness]\n')
        started = [
            subprocess.Popen(
                [
                    *(sys.executable, "-m", "jupyterlab_readiness", "waive", "a.ipynb", "--check", check),
                    *("--cell", cell["id"], "--reason", f"accepted in round {round_}"),
                ],
                cwd=project,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for check, cell in cells.items()
        ]
        for process in started:
            assert process.wait(timeout=120) == 0, process.stderr.read() if process.stderr else ""
        written = (project / "pyproject.toml").read_text()
        assert all(f'check = "{check}"' in written for check in cells), written


def test_a_waiver_for_a_linked_notebook_goes_where_the_link_is_judged(tmp_path):
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    (repo / ".git").mkdir(parents=True)
    (repo / "readiness-contract.toml").write_text("min-score = 0\n")
    write(outside / "o.ipynb", code("print(1)", 1, cell_id="c1"))
    (repo / "link.ipynb").symlink_to(outside / "o.ipynb")
    waived = cli("waive", "link.ipynb", "--check", "print-logging", "--cell", "c1", "--reason", "a demo", cwd=repo)
    assert waived.returncode == 0, waived.stderr
    assert not (outside / "readiness-contract.toml").exists()
    assert 'notebook = "link.ipynb"' in (repo / "readiness-contract.toml").read_text()
    verdict = cli("contract", "link.ipynb", cwd=repo)
    assert "waiver print-logging in cell c1: applied to 1 finding" in verdict.stdout, verdict.stdout


def test_an_empty_shard_is_bad_usage_not_no_shard(project):
    write(project / "a.ipynb", code(CLEAN, 1))
    for command in ("check", "contract"):
        result = cli(command, "--shard", "", "a.ipynb", cwd=project)
        assert result.returncode == 2 and "--shard takes K/N" in result.stderr, (command, result.stderr)


def test_a_waived_credential_is_not_said_to_be_absent(project):
    write(project / "a.ipynb", code('api_key = "sk-' + "Zq8Rt2Vx7Wm4Np1Ks9Lb3Hd6" + '"', 1, cell_id="c1"))
    waived = cli(
        "waive", "a.ipynb", "--check", "hardcoded-secret", "--cell", "c1", "--reason", "a revoked key", cwd=project
    )
    assert waived.returncode == 0, waived.stderr
    verdict = cli("contract", "a.ipynb", cwd=project).stdout
    assert "✓ No secrets in code: every credential found is waived (1 waived)" in verdict, verdict
    assert "no credential found" not in verdict


def test_hundreds_of_waivers_left_by_a_rename_still_fit_the_comment(project):
    write(project / "a.ipynb", code(CLEAN, 1))
    orphans = "".join(
        f'\n[[waivers]]\ncheck = "print-logging"\nnotebook = "old/{"n" * 150}_{i}.ipynb"\nreason = "renamed since"\n'
        for i in range(500)
    )
    (project / "readiness-contract.toml").write_text("min-score = 0\n" + orphans)
    out = cli("contract", "--format", "markdown", ".", cwd=project).stdout
    assert len(out) < 60_000 and "and 480 more waivers naming no notebook" in out, len(out)
    assert "a.ipynb" in out  # the verdict itself is still there


def test_a_missing_notebook_is_named_as_check_names_it(project):
    """`contract nope.ipynb` said "no notebooks found" where `check` says which argument is missing."""
    write(project / "a.ipynb", code(CLEAN, 1))
    missing = cli("contract", "nope.ipynb", cwd=project)
    assert missing.returncode == 2, missing.stderr
    assert missing.stdout.splitlines()[:2] == ["nope.ipynb  CANNOT BE JUDGED", "  no such file or directory"]
    assert "1 notebook: 0 ready, 0 not ready, 1 cannot be judged" in missing.stdout
    both = cli("contract", "--format", "json", "nope.ipynb", "a.ipynb", cwd=project)
    verdicts = {v["path"]: v for v in json.loads(both.stdout)["notebooks"]}
    assert both.returncode == 2 and verdicts["a.ipynb"]["ready"] and verdicts["nope.ipynb"]["error"]
    assert cli("contract", "empty", cwd=project).returncode == 2  # (no such folder either)
    (project / "empty").mkdir()
    nothing = cli("contract", "empty", cwd=project)
    assert nothing.returncode == 2 and "no notebooks (*.ipynb) found in empty" in nothing.stderr


def test_a_contract_saved_with_a_byte_order_mark_is_read_and_keeps_it(project):
    """Windows editors write a byte-order mark: the contract is read past it, and a waive or a
    freeze that edits the file keeps it."""
    write(project / "a.ipynb", code("import datetime\nday = datetime.date.today()", 1, cell_id="c1"))
    contract = project / "readiness-contract.toml"
    contract.write_bytes(b'\xef\xbb\xbfchecklist = ["pinned-environment"]\n')
    verdict = cli("contract", "a.ipynb", cwd=project)
    assert verdict.returncode == 0 and "(contract: readiness-contract.toml)" in verdict.stdout, verdict.stdout
    waived = cli("waive", "a.ipynb", "--check", "wall-clock", "--cell", "c1", "--reason", "a daily report", cwd=project)
    assert waived.returncode == 0, waived.stderr
    assert contract.read_bytes().startswith(b'\xef\xbb\xbfchecklist = ["pinned-environment"]\n\n[[waivers]]\n')
    assert "waiver wall-clock in cell c1: applied to 1 finding" in cli("contract", "a.ipynb", cwd=project).stdout
    contract.unlink()
    pyproject = project / "pyproject.toml"
    pyproject.write_bytes(b'\xef\xbb\xbf[project]\nname = "team"\ndependencies = []\n')
    write(project / "b.ipynb", code("import requests", 1, cell_id="c1"))
    frozen = cli("freeze", "b.ipynb", cwd=project)
    assert frozen.returncode == 0, frozen.stderr
    assert pyproject.read_bytes().startswith(b'\xef\xbb\xbf[project]\nname = "team"\ndependencies = ["requests==')


def test_ci_init_takes_its_own_workflow_with_windows_line_breaks_as_unchanged(project):
    """A checkout with core.autocrlf has the workflow with CRLF: the same file, not a conflict."""
    assert cli("ci", "init", cwd=project).returncode == 0
    workflow = project / ".github" / "workflows" / "readiness.yml"
    crlf = workflow.read_bytes().replace(b"\n", b"\r\n")
    workflow.write_bytes(crlf)
    again = cli("ci", "init", cwd=project)
    assert again.returncode == 0 and "conflict" not in again.stdout + again.stderr, again.stdout + again.stderr
    assert workflow.read_bytes() == crlf  # nothing rewritten


def test_a_waiver_written_twice_accepts_its_findings_once(project):
    write(project / "t.ipynb", code("print(1)", 1, cell_id="c1"))
    waiver = '\n[[waivers]]\ncheck = "print-logging"\nnotebook = "{}"\nreason = "a demo"\n'
    (project / "readiness-contract.toml").write_text(
        "min-score = 0\n" + waiver.format("./t.ipynb") + waiver.format("t.ipynb")
    )
    verdict = json.loads(cli("contract", "--format", "json", "t.ipynb", cwd=project).stdout)["notebooks"][0]
    assert [(w["status"], w["findings"]) for w in verdict["waivers"]] == [("applied", 1), ("unused", 0)]
    assert verdict["waivers"][1]["note"] == "the same waiver as one before it in the file: remove one of them"
