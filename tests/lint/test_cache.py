"""The persistent result cache: every part of the key invalidates, bad entries are never trusted,
the folder stays bounded, and concurrent runs share it safely."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers.git import git
from helpers.notebooks import REPO, code, notebook
from jupyterlab_readiness.contract.report import to_dict
from jupyterlab_readiness.lint import cache as cache_module
from jupyterlab_readiness.lint.batch import BatchSettings, Checker
from jupyterlab_readiness.lint.cache import ResultCache
from jupyterlab_readiness.lint.config import CheckConfig, project_config
from jupyterlab_readiness.lint.engine import check_file


def write(path: Path, *cells) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook(*cells)), encoding="utf-8")
    return path


@pytest.fixture
def nb(project: Path) -> Path:
    return write(project / "sub" / "analysis.ipynb", code("import pandas as pd\nimport requests", 1))


@pytest.fixture
def cache(tmp_path: Path) -> ResultCache:
    return ResultCache.open(tmp_path / "cache")


def key(cache: ResultCache, path: Path, config: CheckConfig | None = None) -> str:
    # A fresh cache object per call, as a new run would make: nothing memoised from before.
    fresh = ResultCache(cache.folder, static=cache.static)
    return fresh.key(path, path.read_bytes(), config or project_config(path.parent))


def test_the_folder_is_created_ignored_by_git_and_tagged(tmp_path):
    folder = tmp_path / "deep" / ".readiness_cache"
    ResultCache.open(folder)
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (folder / "v1").is_dir()


def test_an_existing_folder_gets_no_gitignore_but_git_never_sees_the_entries(tmp_path, nb):
    """``--cache-dir`` naming a folder of the repository: its own files stay as they were, and the
    entries written into it are still invisible to ``git status`` (so ``git add -A`` skips them)."""
    repo = nb.parents[1]
    git(repo, "init", "-q")
    (repo / "mine").mkdir()
    (repo / "mine" / "notes.md").write_text("mine\n")
    git(repo, "add", "-A")
    cache = ResultCache.open(repo / "mine")
    cache.put(key(cache, nb), check_file(nb))
    assert not (repo / "mine" / ".gitignore").exists()
    assert list((repo / "mine" / "v1").glob("*.json"))
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == "A  mine/notes.md\nA  sub/analysis.ipynb"


def test_an_unusable_folder_is_reported(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(cache_module.CacheUnavailable):
        ResultCache.open(tmp_path / "file")


def test_a_stored_report_comes_back_under_the_run_s_path(cache, nb):
    report = check_file(nb)
    k = key(cache, nb)
    assert cache.get(k, "x") is None
    cache.put(k, report)
    found = cache.get(k, "shown/here.ipynb")
    assert found.path == "shown/here.ipynb"
    assert to_dict(found) == {**to_dict(report), "path": "shown/here.ipynb"}


def test_the_key_changes_with_the_content(cache, nb):
    before = key(cache, nb)
    assert key(cache, nb) == before  # stable
    write(nb, code("import pandas as pd\nimport requests ", 1))
    assert key(cache, nb) != before


def test_the_key_changes_with_the_effective_configuration(cache, nb, project):
    before = key(cache, nb)
    assert key(cache, nb, CheckConfig().with_flags(disable=["hidden-state"])) != before
    assert key(cache, nb, CheckConfig(severity={"unpinned-import": "error"})) != before
    (project / "pyproject.toml").write_text('[tool.jupyter-readiness]\ndisable = ["print-logging"]\n')
    assert key(cache, nb) != before
    # The same effective configuration from elsewhere is the same key.
    assert key(cache, nb) == key(cache, nb, CheckConfig(frozenset({"print-logging"})))


def test_the_key_changes_with_pin_files_anywhere_the_lookup_walks(cache, nb, project):
    states = [key(cache, nb)]
    (project / "requirements.txt").write_text("-r base.txt\n")  # added in a parent folder
    states.append(key(cache, nb))
    (project / "base.txt").write_text("pandas==2.2.0\n")  # an included file appears
    states.append(key(cache, nb))
    (project / "base.txt").write_text("pandas==2.2.1\n")  # … is edited
    states.append(key(cache, nb))
    (project / "sub" / "uv.lock").write_text('[[package]]\nname = "requests"\nversion = "2.32.0"\n')
    states.append(key(cache, nb))
    (project / "sub" / "uv.lock").unlink()  # removed: back to the state before it
    assert key(cache, nb) == states[-2]
    assert len(set(states)) == len(states)


def test_pins_above_the_repository_root_are_not_part_of_it(cache, tmp_path):
    repo = tmp_path / "outer" / "repo"
    (repo / ".git").mkdir(parents=True)
    path = write(repo / "nb.ipynb", code("import pandas", 1))
    before = key(cache, path)
    (tmp_path / "outer" / "requirements.txt").write_text("pandas==2.2.0\n")  # above the root: never read
    assert key(cache, path) == before


def test_the_key_changes_with_the_modules_beside_the_notebook(cache, nb):
    before = key(cache, nb)
    (nb.parent / "requests.py").write_text("")
    with_module = key(cache, nb)
    assert with_module != before
    (nb.parent / "requests.py").unlink()
    (nb.parent / "requests").mkdir()
    assert key(cache, nb) == with_module  # a package or a module: the same for the checks
    (nb.parent / "requests").rmdir()
    (nb.parent / "notes.txt").write_text("")  # not a module: no effect
    (nb.parent / "other.ipynb").write_text("{}")
    assert key(cache, nb) == before


def test_the_key_changes_with_a_side_file(cache, nb):
    before = key(cache, nb)
    record = nb.parent / ".readiness" / f"{nb.name}.rehearsal.json"
    record.parent.mkdir()
    record.write_text('{"version": 1}')
    first = key(cache, nb)
    record.write_text('{"version": 1, "passed": true}')
    assert len({before, first, key(cache, nb)}) == 3


def test_a_local_module_the_notebook_imports_is_checked_again_when_it_changes(cache, project):
    # Its findings are reported in the importing cell, so a cached report depends on its content
    # (and on a module file appearing where the import looks), not only on the module's name.
    path = write(project / "nb.ipynb", code("import helpers\nfrom pkg import sub\nhelpers.run()", 1))
    (project / "helpers.py").write_text("def run():\n    return 1\n")
    (project / "pkg").mkdir()
    (project / "pkg" / "__init__.py").write_text("")
    settings = BatchSettings(cache_folder=str(cache.folder), cache_static=cache.static)

    def cached_and_cold() -> tuple[list, list]:
        checks = lambda report: [(f.check, f.file, f.file_line) for f in report.findings]  # noqa: E731
        return checks(Checker(settings).report(path, "nb.ipynb")), checks(check_file(path, memoize=False))

    assert cached_and_cold() == ([], [])
    (project / "helpers.py").write_text("import random\ndef run():\n    return random.random()\n")
    cached, cold = cached_and_cold()
    assert cached == cold == [("unseeded-random", "helpers.py", 3)]
    (project / "pkg" / "sub.py").write_text("import time\nSTARTED = time.time()\n")  # a new file in a package
    cached, cold = cached_and_cold()
    assert cached == cold and ("wall-clock", "pkg/sub.py", 2) in cached
    checker = Checker(settings)
    checker.report(path, "nb.ipynb")
    assert checker.cache.written == 0  # unchanged since: a hit


def test_the_key_changes_with_the_tool_version_and_python(cache, nb, monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_READINESS_CACHE_DIR", str(tmp_path / "installed"))
    before = key(cache, nb)
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    assert ResultCache(cache.folder).key(nb, nb.read_bytes(), CheckConfig()) != before
    monkeypatch.undo()
    monkeypatch.setattr(cache_module.sys, "version", sys.version + " (another build)")
    assert ResultCache(cache.folder).key(nb, nb.read_bytes(), CheckConfig()) != before


def test_the_key_changes_with_the_installed_distributions(cache, nb, fake_site):
    before = ResultCache(cache.folder).key(nb, nb.read_bytes(), CheckConfig())
    fake_site("pandas-2.2.0", "pandas/__init__.py")
    assert ResultCache(cache.folder).key(nb, nb.read_bytes(), CheckConfig()) != before


def test_the_key_has_no_absolute_path(tmp_path, cache):
    # Two checkouts of one tree, in different places: the same keys.
    keys = []
    for where in ("a", "b/c"):
        root = tmp_path / where
        (root / ".git").mkdir(parents=True)
        (root / "requirements.txt").write_text("pandas==2.2.0\n")
        path = write(root / "nb.ipynb", code("import pandas", 1))
        keys.append(key(cache, path))
    assert keys[0] == keys[1]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"garbage \x00\xff",
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: b"",
        lambda data: data.replace(b'"score":', b'"score": ', 1),  # a changed payload: the digest fails
        lambda data: json.dumps({"notebooks": [], "version": 1}).encode(),  # another program's JSON
    ],
    ids=["garbage", "truncated", "empty", "edited", "foreign"],
)
def test_a_damaged_entry_is_ignored_and_rewritten(cache, nb, damage):
    settings = BatchSettings(cache_folder=str(cache.folder), cache_static=cache.static)
    expected = to_dict(check_file(nb, memoize=False))
    Checker(settings).report(nb, str(nb))
    (entry,) = cache.entries.glob("*.json")
    good = entry.read_bytes()
    entry.write_bytes(damage(good))
    checker = Checker(settings)
    assert to_dict(checker.report(nb, str(nb))) == expected
    assert checker.cache.written == 1  # a miss, checked again …
    assert entry.read_bytes() == good  # … and rewritten


def test_an_entry_under_another_key_is_not_trusted(cache, nb):
    other = write(nb.parent / "other.ipynb", code("x = 1", 1))
    k_nb, k_other = key(cache, nb), key(cache, other)
    cache.put(k_other, check_file(other))
    os.replace(cache.entries / f"{k_other}.json", cache.entries / f"{k_nb}.json")
    assert cache.get(k_nb, "x") is None


def test_a_wellformed_entry_with_wrong_fields_is_not_trusted(cache, nb):
    k = key(cache, nb)
    for payload in (
        {"path": "", "score": "90", "findings": [], "checklist": [], "error": None},
        {"path": "", "score": 90, "findings": [{"check": "x"}], "checklist": [], "error": None},
        {
            "path": "",
            "score": 90,
            "checklist": [],
            "error": None,
            "findings": [
                {
                    "check": "x",
                    "severity": "fatal",
                    "cell_index": 0,
                    "cell_id": None,
                    "line": 1,
                    "message": "",
                    "suggestion": "",
                }
            ],
        },
        [1, 2, 3],
    ):
        body = json.dumps(payload).encode()
        digest = cache_module.hashlib.sha256(body).hexdigest()
        (cache.entries / f"{k}.json").write_bytes(f"{k}\n{digest}\n".encode() + body)
        assert cache.get(k, "x") is None, payload


def test_prune_removes_the_least_recently_used_entries_first(tmp_path, nb):
    small = ResultCache.open(tmp_path / "small", max_entries=10)
    report = check_file(nb)
    keys = [f"{i:064x}" for i in range(12)]
    now = time.time()
    for age, k in enumerate(reversed(keys)):
        small.put(k, report)
        os.utime(small.entries / f"{k}.json", (now - 10_000 * (age + 1),) * 2)
    assert small.get(keys[0], "x") is not None  # the oldest entry is used: it becomes the newest
    (small.entries / f".{keys[1]}.123.tmp").write_text("left by a killed run")
    os.utime(small.entries / f".{keys[1]}.123.tmp", (now - 7200,) * 2)
    assert small.prune() == 12 - 8  # down to 80 % of the limit
    assert {p.stem for p in small.entries.glob("*.json")} == {keys[0], *keys[5:]}
    assert not list(small.entries.glob("*.tmp"))
    assert small.prune() == 0


def test_prune_keeps_the_folder_under_its_size(tmp_path, nb):
    report = check_file(nb)
    size = len(json.dumps(to_dict(report))) + 200
    small = ResultCache.open(tmp_path / "small", max_bytes=5 * size)
    for i in range(10):
        small.put(f"{i:064x}", report)
    small.prune()
    assert sum(p.stat().st_size for p in small.entries.glob("*.json")) <= 5 * size * 0.8
    (small.entries / "notes.txt").write_text("not ours")  # never touched
    small.prune()
    assert (small.entries / "notes.txt").exists()


def test_an_entry_written_in_short_pieces_is_whole(cache, nb, monkeypatch):
    report = check_file(nb)
    k = key(cache, nb)
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data[:100])))
    cache.put(k, report)
    monkeypatch.undo()
    assert to_dict(cache.get(k, "x")) == {**to_dict(report), "path": "x"}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_two_runs_at_once_share_one_cache(project, jobs):
    """Two processes check the same tree into one cache folder at the same time; both print the
    report a run without cache prints, and every entry left is valid."""
    for i in range(40):
        write(project / f"nb{i:02}.ipynb", code(f"import pandas as pd\nx{i} = pd.read_csv('f{i}.csv')", 1))
    env = {**os.environ, "PYTHONPATH": str(REPO / "python")}
    command = [sys.executable, "-m", "jupyterlab_readiness", "check", "--format", "json", "--fail-on", "never"]
    expected = subprocess.run(
        [*command, "--no-cache", "."], cwd=project, env=env, capture_output=True, text=True, check=True
    ).stdout
    for _ in range(3):
        runs = [
            subprocess.Popen(
                [*command, "--jobs", jobs, "--cache-dir", "shared", "."],
                cwd=project,
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [p.communicate(timeout=120)[0] for p in runs]
        assert [p.returncode for p in runs] == [0, 0]
        assert outputs == [expected, expected]
    entries = list((project / "shared" / "v1").glob("*.json"))
    assert len(entries) == 40  # one per notebook …
    assert not list((project / "shared" / "v1").glob(".*.tmp"))  # … and no temporary file left
    fresh = ResultCache(project / "shared")
    assert all(fresh.get(entry.stem, "x") is not None for entry in entries)


def test_the_tool_fingerprint_is_kept_while_the_source_files_keep_their_size_and_mtime(tmp_path):
    memo = tmp_path / "tool"
    real = cache_module.tool_fingerprint()
    assert cache_module.tool_fingerprint(memo) == real
    state, _, digest = memo.read_text().rpartition("\n")
    assert digest == real
    memo.write_text(f"{state}\n{'0' * 64}")  # the memo is what answers while the state holds …
    assert cache_module.tool_fingerprint(memo) == "0" * 64
    memo.write_text(f"{state.replace('.py', '.pyx', 1)}\n{'0' * 64}")  # … and a state that differs is not trusted
    assert cache_module.tool_fingerprint(memo) == real
