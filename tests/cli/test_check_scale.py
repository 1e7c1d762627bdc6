"""`check` over a tree, as CI runs it: --jobs gives the same bytes and exit codes as --jobs 1, a warm
run prints what a cold one printed without reading any notebook as JSON, the cache lives at the
project root, and --shard / --changed-since select from the command line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.notebooks import REPO, code, md, notebook
from jupyterlab_readiness.cli import main as cli_main
from jupyterlab_readiness.lint import engine

FORMATS = ("text", "json", "sarif")


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "python"), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "jupyterlab_readiness", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


def write(path: Path, *cells) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook(*cells)), encoding="utf-8")
    return path


@pytest.fixture
def tree(project: Path) -> Path:
    """30 notebooks in a few folders: clean ones, warnings, errors, pins in one folder, a
    non-ASCII path and message, and one unreadable file."""
    (project / "pinned" / "requirements.txt").parent.mkdir()
    (project / "pinned" / "requirements.txt").write_text("pandas==2.2.0\n")
    for i in range(30):
        folder = ("pinned", "plain", "deep/er", "ünï")[i % 4]
        kind = i % 3
        if kind == 0:
            cells = [md("# Clean"), code(f"import logging\nx{i} = {i}\nlogging.info('%s', x{i})", 1)]
        elif kind == 1:
            cells = [code("import datetime\nimport pandas as pd\nstamp = datetime.datetime.now()", 2)]
        else:
            cells = [code("import numpy as np", 1), code(f"print(undefined_{i}, 'café')", 1, cell_id=f"c{i}")]
        write(project / folder / f"nb{i:02}.ipynb", *cells)
    (project / "plain" / "broken.ipynb").write_text("{ not json")
    return project


@pytest.mark.parametrize("fmt", FORMATS)
def test_jobs_give_the_output_and_exit_code_of_one_job(tree, fmt):
    one = cli("check", "--no-cache", "--jobs", "1", "--format", fmt, ".", cwd=tree)
    assert one.returncode == 2, one.stderr  # the unreadable notebook
    assert one.stdout
    for jobs in ("2", "3", "8"):
        many = cli("check", "--no-cache", "--jobs", jobs, "--format", fmt, ".", cwd=tree)
        assert (many.returncode, many.stdout) == (one.returncode, one.stdout), jobs
    (tree / "plain" / "broken.ipynb").unlink()
    for fail_on, code_expected in (("error", 1), ("never", 0)):
        runs = [
            cli("check", "--no-cache", "--jobs", j, "--fail-on", fail_on, "--format", fmt, ".", cwd=tree)
            for j in ("1", "2")
        ]
        assert runs[0].returncode == runs[1].returncode == code_expected
        assert runs[0].stdout == runs[1].stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_warm_run_prints_what_a_cold_run_printed(tree, fmt):
    cold = cli("check", "--no-cache", "--format", fmt, ".", cwd=tree)
    first = cli("check", "--format", fmt, ".", cwd=tree)
    warm = cli("check", "--format", fmt, ".", cwd=tree)
    warm_two = cli("check", "--jobs", "2", "--format", fmt, ".", cwd=tree)
    assert cold.stdout == first.stdout == warm.stdout == warm_two.stdout
    assert cold.returncode == first.returncode == warm.returncode == warm_two.returncode == 2


def run_main(args: list[str], monkeypatch, tty: bool = False) -> tuple[int, str]:
    class Out(io.StringIO):
        def isatty(self) -> bool:
            return tty

    out = Out()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setenv("NO_COLOR", "1")
    code = cli_main.main(args)
    monkeypatch.undo()
    return code, out.getvalue()


def test_a_warm_run_reads_no_notebook_as_json(tree, monkeypatch):
    args = ["check", "--jobs", "1", "--format", "json", "."]
    monkeypatch.chdir(tree)
    cold_code, cold = run_main(args, monkeypatch)
    monkeypatch.chdir(tree)

    def no_parsing(raw):
        raise AssertionError("a notebook was parsed on a warm run")

    monkeypatch.setattr(engine, "notebook_from_bytes", no_parsing)
    warm_code, warm = run_main(args, monkeypatch)
    assert (warm_code, warm) == (cold_code, cold)
    # Edit one notebook: only that one is parsed again.
    monkeypatch.chdir(tree)
    write(tree / "plain" / "nb01.ipynb", code("import datetime\nstamp = datetime.date.today()", 2))
    parsed = []
    real = engine.notebook_from_bytes
    monkeypatch.setattr(engine, "notebook_from_bytes", lambda raw: parsed.append(raw) or real(raw))
    run_main(args, monkeypatch)
    assert len(parsed) == 1  # the unreadable notebook's report is cached like any other


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_indented_output_on_a_terminal_is_json_dumps_of_the_whole(tree, monkeypatch, fmt):
    monkeypatch.chdir(tree)
    _, compact = run_main(["check", "--no-cache", "--format", fmt, "."], monkeypatch)
    monkeypatch.chdir(tree)
    _, indented = run_main(["check", "--no-cache", "--jobs", "2", "--format", fmt, "."], monkeypatch, tty=True)
    data = json.loads(compact)
    assert compact == json.dumps(data, ensure_ascii=False) + "\n"
    assert indented == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def test_the_cache_lives_at_the_project_root(tree):
    (tree / "deep" / "er" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert cli("check", "../deep/er", cwd=tree / "plain").returncode == 1
    assert (tree / "deep" / "er" / ".readiness_cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert not (tree / ".readiness_cache").exists() and not (tree / "plain" / ".readiness_cache").exists()
    assert cli("check", "../plain", cwd=tree / "deep").returncode == 2
    assert (tree / ".readiness_cache" / "v1").is_dir()  # the .git folder's
    assert cli("check", "--cache-dir", "../elsewhere", ".", cwd=tree / "plain").returncode == 2
    # 8 notebooks and the unreadable one, of which 3 are byte-identical: one entry for those
    assert len(list((tree / "elsewhere" / "v1").glob("*.json"))) == 7
    before = sorted(p.name for p in tree.rglob("*"))
    assert cli("check", "--no-cache", "--cache-dir", "never", ".", cwd=tree).returncode == 2
    assert sorted(p.name for p in tree.rglob("*")) == before


def test_a_cache_that_cannot_be_written_is_skipped_with_a_warning(tree):
    (tree / "blocked").write_text("a file, not a folder")
    cold = cli("check", "--no-cache", "--format", "json", ".", cwd=tree)
    result = cli("check", "--cache-dir", "blocked", "--format", "json", ".", cwd=tree)
    assert (result.returncode, result.stdout) == (cold.returncode, cold.stdout)
    assert "warning: no cache" in result.stderr


def test_shards_from_the_command_line_cover_the_tree_once(tree):
    full = json.loads(cli("check", "--no-cache", "--format", "json", ".", cwd=tree).stdout)["notebooks"]
    parts = [
        json.loads(cli("check", "--shard", f"{k}/3", "--format", "json", ".", cwd=tree).stdout)["notebooks"]
        for k in (1, 2, 3)
    ]
    assert sorted(json.dumps(nb) for part in parts for nb in part) == sorted(json.dumps(nb) for nb in full)
    assert max(map(len, parts)) - min(map(len, parts)) <= 1


def test_an_empty_selection_is_not_an_error_but_no_notebooks_at_all_is(tree):
    (tree / "few").mkdir()
    write(tree / "few" / "only.ipynb", code("x = 1", 1))
    results = {k: cli("check", "--shard", f"{k}/2", "--format", "json", "few", cwd=tree) for k in (1, 2)}
    empty = next(r for r in results.values() if '"notebooks": []' in r.stdout)
    assert empty.returncode == 0 and empty.stdout == '{"notebooks": [], "version": 1}\n'
    for fmt, expected in (("text", "0 notebooks: 0 errors, 0 warnings, 0 info\n"), ("sarif", '"results": []')):
        out = [cli("check", "--shard", f"{k}/2", "--format", fmt, "few", cwd=tree) for k in (1, 2)]
        assert any(expected in r.stdout and r.returncode == 0 for r in out)
    (tree / "none").mkdir()
    nothing = cli("check", "--shard", "1/2", "none", cwd=tree)
    assert nothing.returncode == 2 and "no notebooks" in nothing.stderr


@pytest.mark.parametrize(
    "flags",
    [["--jobs", "0"], ["--jobs", "many"], ["--shard", "3/2"], ["--shard", "x"], ["--changed-since", "no-such-ref"]],
)
def test_bad_selection_flags_are_usage_errors(tree, flags):
    result = cli("check", *flags, ".", cwd=tree)
    assert result.returncode == 2 and result.stdout == ""
    assert "error" in result.stderr


def test_changed_since_from_the_command_line(tree):
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    (tree / ".git").rmdir()
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run([*git, *args], cwd=tree, env=env, check=True, capture_output=True)
    write(tree / "plain" / "nb01.ipynb", code("import datetime\nstamp = datetime.date.today()", 2))
    result = cli("check", "--changed-since", "HEAD", "--format", "json", ".", cwd=tree)
    assert result.returncode == 0, result.stderr
    assert [nb["path"] for nb in json.loads(result.stdout)["notebooks"]] == [os.path.join("plain", "nb01.ipynb")]


def test_the_configuration_s_check_ids_are_the_registry_s():
    from jupyterlab_readiness.checks.registry import BY_ID
    from jupyterlab_readiness.lint.config import CHECK_IDS

    assert set(BY_ID) == CHECK_IDS


def test_a_warm_run_with_configuration_and_pins_imports_no_check(tree):
    """A run the cache answers reads the configuration (validating its check ids) and the pins, but
    loads neither the checks nor packaging: their imports cost more than the run."""
    (tree / "pyproject.toml").write_text('[tool.jupyter-readiness]\ndisable = ["print-logging"]\n')
    args = ["check", "--disable", "wall-clock", "--format", "json", "."]
    cold = cli(*args, cwd=tree)
    code = (
        "import sys; from jupyterlab_readiness.cli.main import main; import jupyterlab_readiness.cli.main as m; "
        "m._exit_now = lambda code: None; main(sys.argv[1:]); "
        "loaded = sorted(n for n in sys.modules if n.startswith(('jupyterlab_readiness.checks', 'packaging'))); "
        "print(loaded, file=sys.stderr)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "python"), "NO_COLOR": "1"}
    warm = subprocess.run([sys.executable, "-c", code, *args], cwd=tree, env=env, capture_output=True, text=True)
    assert warm.stdout == cold.stdout
    assert warm.stderr.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_shard_prints_the_same_for_any_jobs_and_the_shards_make_the_whole(tree, fmt):
    full = cli("check", "--no-cache", "--jobs", "1", "--format", fmt, ".", cwd=tree)
    parts = []
    for k in (1, 2, 3):
        one = cli("check", "--no-cache", "--jobs", "1", "--shard", f"{k}/3", "--format", fmt, ".", cwd=tree)
        two = cli("check", "--no-cache", "--jobs", "2", "--shard", f"{k}/3", "--format", fmt, ".", cwd=tree)
        assert (two.returncode, two.stdout) == (one.returncode, one.stdout), k
        if fmt == "json":  # the cache too: a cold run that fills it, then one it answers
            for _ in ("cold", "warm"):
                cached = cli("check", "--jobs", "2", "--shard", f"{k}/3", "--format", fmt, ".", cwd=tree)
                assert (cached.returncode, cached.stdout) == (one.returncode, one.stdout), k
        parts.append(one)
    assert [p.returncode for p in parts].count(2) == 1  # the shard holding the unreadable notebook

    def items(run: subprocess.CompletedProcess[str]) -> list[str]:
        if fmt == "text":  # each notebook's heading line
            return [line for line in run.stdout.splitlines() if ".ipynb" in line]
        data = json.loads(run.stdout)
        return [json.dumps(x) for x in (data["runs"][0]["results"] if fmt == "sarif" else data["notebooks"])]

    # Every notebook (or SARIF result) is in exactly one shard, as it is in the whole run.
    assert sorted(x for p in parts for x in items(p)) == sorted(items(full))
    assert len(items(full)) >= (31 if fmt != "sarif" else 10)


def test_a_rehearsal_record_beside_a_notebook_is_reported_whatever_the_jobs(project):
    """Folders are looked at once for a sidecar folder: a record is still found where there is one,
    on every worker, and its folder's other notebooks and other folders are checked as usual."""
    from jupyterlab_readiness.contract.baseline import RehearsalRecord
    from jupyterlab_readiness.contract.report import Finding, to_dict
    from jupyterlab_readiness.notebook.fingerprint import code_fingerprint
    from jupyterlab_readiness.notebook.model import notebook_from_json

    cells = [code("import os\nvalue = os.environ['HOME']", 1), code("print(value)", 2)]
    for folder in ("recorded", "plain"):
        for name in ("a", "b", "c"):
            write(project / folder / f"{name}.ipynb", *cells)
    model = notebook_from_json(notebook(*cells))
    record = RehearsalRecord(
        key=code_fingerprint(model, {}),
        notebook="b.ipynb",
        rehearsed_at="2026-01-01T00:00:00Z",
        kernel="python3",
        parameters={},
        runs=2,
        in_place=False,
        passed=False,
        seconds=1.0,
        code_cells=[0, 1],
        findings=[Finding("rehearsal-error", "error", 1, None, 1, "KeyError: 'HOME'", "Pass it in")],
        cells=[],
        files=[],
    )
    sidecar = project / "recorded" / ".readiness" / "b.ipynb.rehearsal.json"
    sidecar.parent.mkdir()
    sidecar.write_text(json.dumps(to_dict(record)), encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        run = cli("check", "--no-cache", "--jobs", jobs, "--format", "json", "--fail-on", "never", ".", cwd=project)
        assert run.returncode == 0, run.stderr
        outputs.append(run.stdout)
        found = {
            nb["path"]: [f["check"] for f in nb["findings"] if f["check"] == "rehearsal-error"]
            for nb in json.loads(run.stdout)["notebooks"]
        }
        assert found.pop(os.path.join("recorded", "b.ipynb")) == ["rehearsal-error"]
        assert len(found) == 5 and not any(found.values())
    assert outputs[0] == outputs[1]


def test_a_check_command_line_reads_as_with_every_command(project):
    """Only the check command's parser is built for a check command line; its errors still read as
    the whole command line's (the usage lists every command) and it parses what it did."""
    wrong = cli("check", "--bogus", "x.ipynb", cwd=project)
    assert wrong.returncode == 2
    assert "{check,freeze,extract,export,fix,rehearse,contract,waive,test-export,ci}" in wrong.stderr
    assert "unrecognized arguments: --bogus" in wrong.stderr
    bad_choice = cli("check", "--format", "xml", "x.ipynb", cwd=project)
    assert bad_choice.returncode == 2 and "jupyter-readiness check: error: argument --format" in bad_choice.stderr
    write(project / "a.ipynb", code("x = 1", 1))
    ok = cli("check", "--format", "json", "--no-cache", "-j", "1", "a.ipynb", cwd=project)
    assert ok.returncode == 0 and json.loads(ok.stdout)["notebooks"][0]["path"] == "a.ipynb"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_reader_that_goes_away_ends_the_run_without_a_traceback(project, fmt):
    # `check . | head`: far more report than a pipe holds, and the reader closes it after a few bytes.
    cells = [code(f"import random\nx{i} = random.random()", i + 1) for i in range(600)]
    write(project / "many.ipynb", *cells)
    env = {**os.environ, "PYTHONPATH": str(REPO / "python"), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "jupyterlab_readiness", "check", "--format", fmt, "--no-cache", "many.ipynb"]
    with subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout.read(10)
        proc.stdout.close()
        stderr = proc.stderr.read().decode()
        assert proc.wait(timeout=120) == 120
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr
