"""Fix as an action: the plan and its atomic write in the file's own style, the command line
(``jupyter-readiness fix``), the REST route, and every fix proved on real kernels (nbclient): the
finding is gone, the fixed notebook runs, and a safe fix gives the same outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tornado

from helpers.executed import execute, execute_all, joined_streams, stdout_of
from helpers.notebooks import REPO, code, md, notebook
from jupyterlab_readiness.actions.fix import plan as fixing
from jupyterlab_readiness.actions.plan import apply
from jupyterlab_readiness.checks.kernel_state import KernelState
from jupyterlab_readiness.contract.requests import FixRequest
from jupyterlab_readiness.contract.schema import FIX_REPLY
from jupyterlab_readiness.environment.answer import Environment
from jupyterlab_readiness.files import Root
from jupyterlab_readiness.lint.fix import fix_notebook

NOW = "2024-05-01T09:30:00"
KEY = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0"
ERROR = {"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero", "traceback": []}


def nbformat_text(nb: dict[str, Any]) -> str:
    """What JupyterLab (nbformat) writes."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def with_ids(nb: dict[str, Any]) -> dict[str, Any]:
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = f"cell-{i}"
    return nb


def plan_for(path: Path, **request: Any):
    return fixing.plan(FixRequest(path=str(path), **request), Environment(), Root(None), now=NOW)


# ------------------------------------------------------------------------------ plan and write
def test_the_write_keeps_the_files_style_and_changes_only_the_fixed_lines(tmp_path):
    nb = with_ids(notebook(md("# Héllo"), code("import random\nx = random.random()\nprint(x)", 1)))
    nb["metadata"]["custom"] = {"keep": [1, 2]}
    for cell in nb["cells"]:
        cell["source"] = cell["source"].splitlines(keepends=True)  # nbformat's list of lines
    path = tmp_path / "nb.ipynb"
    before = nbformat_text(nb)
    path.write_text(before, encoding="utf-8")
    plan = plan_for(path)
    assert [a.fix for a in plan.reply.applied] == ["seed-random"]
    assert apply(plan, Root(None)) == [path.resolve()]
    after = path.read_text(encoding="utf-8")
    data = json.loads(after)
    assert data["metadata"]["custom"] == {"keep": [1, 2]} and "Héllo" in after  # not escaped
    assert isinstance(data["cells"][2]["source"], list)  # lists of lines stay lists
    assert after == nbformat_text(data)  # the same style: indent 1, sorted keys
    removed = [line for line in before.splitlines() if line not in after.splitlines()]
    assert removed == []  # only additions: the parameters cell and the seeding line
    assert plan_for(path).writes == {}  # idempotent: a second run plans nothing


def test_another_style_is_kept_too(tmp_path):
    nb = notebook(code("import random\nx = random.random()", 1))
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb, indent=2), encoding="utf-8")  # unsorted keys, no final line break
    apply(plan_for(path), Root(None))
    text = path.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2) and not text.endswith("\n")


def test_windows_line_breaks_are_kept(tmp_path):
    nb = notebook(code("import random\nx = random.random()", 1))
    path = tmp_path / "nb.ipynb"
    before = json.dumps(nb, indent=2).replace("\n", "\r\n").encode()  # as Jupyter writes on Windows
    path.write_bytes(before)
    apply(plan_for(path), Root(None))
    after = path.read_bytes()
    assert after.count(b"\r\n") == after.count(b"\n") > before.count(b"\n")
    removed = [line for line in before.splitlines() if line not in after.splitlines()]
    assert removed == [b'      "source": "import random\\nx = random.random()",']  # the fixed cell's, only


def test_the_diff_shows_the_cells_and_masks_credentials(tmp_path):
    nb = with_ids(notebook(code(f'password = "hunter22"\ntoken = "{KEY}"\nprint(1)', 1, [ERROR])))
    path = tmp_path / "nb.ipynb"
    path.write_text(nbformat_text(nb))
    plan = plan_for(path, unsafe=True)
    diff = plan.reply.diff
    assert diff.startswith(f"--- a/{path.name}") or diff.startswith("--- a/")
    assert "# %% id=cell-0 outputs=1" in diff and "+# %% id=cell-0\n" in diff  # the traceback was cleared
    assert '+password = os.environ["PASSWORD"]' in diff
    assert "hunter22" not in diff and KEY not in diff
    assert "hunter22" not in json.dumps(FIX_REPLY.dump_python(plan.reply, mode="json"))  # only in the old notebook


# ------------------------------------------------------------------------------------- CLI
def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "python"), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "jupyterlab_readiness", "fix", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


def test_cli_fix_diff_select_unsafe_and_exit_codes(project):
    nb = notebook(
        code("import datetime\nimport random\nt = datetime.datetime.now()\nx = random.random()", 1),
        code("y = 1 / 0", 2, [ERROR]),
        code('password = "hunter22"', 3),
    )
    path = project / "nb.ipynb"
    path.write_text(nbformat_text(nb))
    original = path.read_text()
    diff = cli("nb.ipynb", "--diff", cwd=project)
    assert diff.returncode == 1 and "+random.seed(seed)" in diff.stdout and path.read_text() == original
    assert "fromisoformat" not in diff.stdout  # wall-clock's fix is unsafe
    only_outputs = cli("nb.ipynb", "--diff", "--select", "error-output", cwd=project)
    assert "seed" not in only_outputs.stdout and "outputs=1" in only_outputs.stdout
    done = cli("nb.ipynb", cwd=project)
    assert done.returncode == 1, done.stderr  # the credential (an error) remains: unsafe fix
    assert "fixed 2 (unseeded-random, error-output)" in done.stdout
    assert "fixable with --unsafe-fixes" in done.stdout and "hunter22" not in done.stdout
    again = cli("nb.ipynb", cwd=project)
    assert "fixed 0" in again.stdout and cli("nb.ipynb", "--diff", cwd=project).returncode == 0
    unsafe = cli("nb.ipynb", "--unsafe-fixes", cwd=project)
    assert unsafe.returncode == 0, unsafe.stdout + unsafe.stderr  # nothing at error level is left
    text = path.read_text()
    assert "hunter22" not in text and "fromisoformat(run_date)" in text
    assert cli("nb.ipynb", "--select", "no-such-check", cwd=project).returncode == 2
    (project / "bad.ipynb").write_text("{")
    assert cli("bad.ipynb", cwd=project).returncode == 2
    assert cli("missing.ipynb", cwd=project).returncode == 2


def test_cli_says_what_each_unsafe_fix_may_change(project):
    # the notes (the variable to set, where the prints go) reached only JSON readers: after
    # fix --unsafe-fixes the notebook read os.environ["PASSWORD"] and nobody was told to set it
    nb = notebook(code('password = "hunter22"\nprint(len(password))', 1), code("import random\nx = random.random()", 2))
    path = project / "nb.ipynb"
    path.write_text(nbformat_text(nb))
    preview = cli("nb.ipynb", "--diff", "--unsafe-fixes", cwd=project)
    assert preview.stdout.startswith("--- a/nb.ipynb") and "unsafe fix" not in preview.stdout  # a diff only
    notes = preview.stderr.splitlines()
    assert len(notes) == 2 and all(line.startswith("  unsafe fix, cell 1:") for line in notes)
    assert "Set `PASSWORD` where the notebook runs" in notes[0] and "log.info(...)" in notes[1]
    done = cli("nb.ipynb", "--unsafe-fixes", cwd=project)
    assert [line for line in done.stdout.splitlines() if "unsafe fix" in line] == notes
    assert "hunter22" not in done.stdout + done.stderr + preview.stdout + preview.stderr
    assert "seed" not in " ".join(notes)  # a safe fix keeps what the notebook computes: no note


def test_cli_says_why_an_nbformat_3_notebook_cannot_be_fixed(project):
    # it said "fixed 0", exit 0, while check --show-fixes offered a safe fix that never applied
    from nbformat import v3

    cell = v3.new_code_cell("import random\nx = random.random()\n1 / 0", prompt_number=1)
    cell.outputs = [v3.new_output("pyerr", ename="ZeroDivisionError", evalue="division by zero", traceback=[])]
    path = project / "old.ipynb"
    path.write_text(v3.writes_json(v3.new_notebook(worksheets=[v3.new_worksheet(cells=[cell])])))
    original = path.read_text()
    for args in ((), ("--diff",)):
        done = cli("old.ipynb", *args, cwd=project)
        assert done.returncode == 2 and "fixed 0" not in done.stdout
        assert "nbformat 3" in done.stderr and "save it" in done.stderr
    assert path.read_text() == original
    # nothing this run would fix: nothing to refuse
    assert cli("old.ipynb", "--select", "wall-clock", cwd=project).returncode == 0


def leaky_notebook() -> dict[str, Any]:
    """A saved session: the key in cell 1's source, shown by its repr (cell 1), a print (cell 2), a
    printed config (cell 3) and a traceback (cell 4); cell 5's output does not show it."""
    error = {
        "output_type": "error",
        "ename": "HTTPError",
        "evalue": f"401 Client Error: Unauthorized for url: https://api.example.com/?key={KEY}",
        "traceback": [
            "\x1b[0;31mHTTPError\x1b[0m                                 Traceback (most recent call last)",
            f"\x1b[0;31mHTTPError\x1b[0m: 401 Client Error: Unauthorized for url: https://api.example.com/?key={KEY}",
        ],
    }
    printed = {"url": "https://api.example.com/", "key": KEY}
    return with_ids(
        notebook(
            code(
                f'api_key = "{KEY}"\napi_key',
                1,
                [
                    {
                        "output_type": "execute_result",
                        "execution_count": 1,
                        "metadata": {},
                        "data": {"text/plain": [repr(KEY)]},
                    }
                ],
            ),
            code("print(api_key)", 2, [{"output_type": "stream", "name": "stdout", "text": [KEY + "\n"]}]),
            code(
                'config = {"url": "https://api.example.com/", "key": api_key}\nprint(config)',
                3,
                [{"output_type": "stream", "name": "stdout", "text": [f"{printed}\n"]}],
            ),
            code("requests.get(config['url'], params=config).raise_for_status()", 4, [error]),
            code("rows = 3\nrows", 5, [KEPT]),
        )
    )


KEPT = {"output_type": "execute_result", "execution_count": 5, "metadata": {}, "data": {"text/plain": ["3"]}}


def test_cli_secret_fix_leaves_the_credential_nowhere_in_the_file(project):
    path = project / "nb.ipynb"
    path.write_text(nbformat_text(leaky_notebook()))
    check = subprocess.run(
        [sys.executable, "-m", "jupyterlab_readiness", "check", "nb.ipynb"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(REPO / "python"), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
    )
    assert (
        "show it too" in " ".join(check.stdout.split()) and KEY not in check.stdout
    )  # the user learns the outputs leak it
    done = cli("nb.ipynb", "--unsafe-fixes", "--select", "hardcoded-secret", cwd=project)
    assert "fixed 1 (hardcoded-secret)" in done.stdout, done.stdout + done.stderr
    assert KEY not in done.stdout + done.stderr
    text = path.read_text()
    assert KEY not in text
    cells = json.loads(text)["cells"]
    assert [c["outputs"] for c in cells] == [[], [], [], [], [KEPT]]  # the other cell's output stays
    assert 'os.environ["API_KEY"]' in "".join(cells[0]["source"])
    again = cli("nb.ipynb", "--unsafe-fixes", "--select", "hardcoded-secret", cwd=project)
    assert "fixed 0" in again.stdout and path.read_text() == text


# ------------------------------------------------------------------------------------ REST
async def post_fix(jp_fetch, body):
    response = await jp_fetch("readiness", "fix", method="POST", body=json.dumps(body))
    return FIX_REPLY.validate_json(response.body)


async def test_rest_preview_and_write(jp_fetch, jp_root_dir):
    nb = notebook(code("import random\nx = random.random()", 1))
    (jp_root_dir / "nb.ipynb").write_text(nbformat_text(nb))
    preview = await post_fix(jp_fetch, {"path": "nb.ipynb"})
    assert [a.fix for a in preview.applied] == ["seed-random"] and not preview.written
    assert json.loads((jp_root_dir / "nb.ipynb").read_text()) == nb
    assert preview.notebook["cells"][0]["source"] == "seed = 42  # seeds every random draw"
    # the new parameters cell has not run yet, while the cell below it has: run it (or run all)
    assert [f.check for f in preview.report.findings] == ["unexecuted-cell"] and preview.report.band == "attention"
    done = await post_fix(jp_fetch, {"path": "nb.ipynb", "write": True})
    assert done.written and json.loads((jp_root_dir / "nb.ipynb").read_text()) == done.notebook
    live = await post_fix(jp_fetch, {"path": "nb.ipynb", "notebook": nb, "select": ["absolute-path"]})
    assert live.applied == [] and live.diff == ""
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await jp_fetch("readiness", "fix", method="POST", body=json.dumps({"path": "nb.ipynb", "select": ["nope"]}))
    assert info.value.code == 400


async def test_rest_secret_fix_clears_the_outputs_that_show_it(jp_fetch, jp_root_dir):
    nb = leaky_notebook()
    (jp_root_dir / "nb.ipynb").write_text(nbformat_text(nb))
    preview = await post_fix(jp_fetch, {"path": "nb.ipynb", "unsafe": True, "select": ["hardcoded-secret"]})
    (applied,) = preview.applied
    assert applied.fix == "secret-from-environment" and "outputs of cells 1, 2, 3 and 4" in applied.note
    assert KEY not in json.dumps(FIX_REPLY.dump_python(preview, mode="json"))  # diff, notebook, report
    done = await post_fix(jp_fetch, {"path": "nb.ipynb", "unsafe": True, "select": ["hardcoded-secret"], "write": True})
    text = (jp_root_dir / "nb.ipynb").read_text()
    assert done.written and KEY not in text
    assert [c["outputs"] for c in json.loads(text)["cells"]] == [[], [], [], [], [KEPT]]
    live = await post_fix(jp_fetch, {"path": "nb.ipynb", "notebook": nb, "unsafe": True})  # the browser's model
    assert KEY not in json.dumps(live.notebook)
    response = await jp_fetch("readiness", "check", method="POST", body=json.dumps({"path": "a.ipynb", "notebook": nb}))
    (finding,) = [f for f in json.loads(response.body)["findings"] if f["check"] == "hardcoded-secret"]
    assert "cells 1, 2, 3 and 4" in finding["message"] and KEY not in response.body.decode()
    clears = [e for e in finding["fixes"][0]["edits"] if e["kind"] == "clear-outputs"]
    assert [(e["cell_index"], e["cell_id"]) for e in clears] == [(i, f"cell-{i}") for i in range(4)]


async def test_the_check_route_carries_fixes(jp_fetch):
    nb = notebook(code("import random\nx = random.random()", 1))
    response = await jp_fetch("readiness", "check", method="POST", body=json.dumps({"path": "a.ipynb", "notebook": nb}))
    (finding,) = [f for f in json.loads(response.body)["findings"] if f["check"] == "unseeded-random"]
    assert [f["id"] for f in finding["fixes"]] == ["seed-random", "ignore"]
    assert finding["fixes"][0]["edits"][0] == {
        "kind": "replace-source",
        "cell_index": 0,
        "cell_id": None,
        "source": "import random\nrandom.seed(seed)\nx = random.random()",
    }


# --------------------------------------------------------------------------- on real kernels
# name → (cells, check, unsafe, environment variables the fixed notebook needs, kernel state)
CASES: dict[str, tuple[list[dict[str, Any]], str, bool]] = {
    "wall clock": (
        [
            code("import datetime\nimport time\nimport pandas as pd"),
            code(
                "stamp = datetime.datetime.now()\nday = datetime.date.today()\nt = time.time()\nts = pd.Timestamp.now()"
                "\nprint(type(stamp).__name__, type(day).__name__, type(t).__name__, type(ts).__name__)"
            ),
        ],
        "wall-clock",
        True,
    ),
    "unseeded random": (
        [
            code("import random\nimport numpy as np\nimport pandas as pd"),
            code(
                "x = random.random()\nrng = np.random.default_rng()\nv = rng.integers(0, 10, 5)\ny = np.random.rand(4)"
                "\nprint(len(v), len(y), 0 <= x < 1)"
            ),
            code("df = pd.DataFrame({'a': range(10)})\nprint(len(df.sample(3)))"),
        ],
        "unseeded-random",
        False,
    ),
    "absolute path": (
        [code('import os\npath = "/home/ana/data/sales.csv"\nprint(os.path.basename(path), path)')],
        "absolute-path",
        False,
    ),
    "credential": (
        [code(f'api_key = "{KEY}"\nprint(len(api_key))')],
        "hardcoded-secret",
        True,
    ),
    "append write": (
        [code('with open("log.txt", "a") as f:\n    f.write("run\\n")\nprint(open("log.txt").read().count("run"))')],
        "append-write",
        True,
    ),
    "print": (
        [code("total = 3"), code('print("total", total)\nprint(total * 2, sep="-")')],
        "print-logging",
        True,
    ),
    "print beside a log parameter": (
        [code("def show(x, log=False):\n    print(-x if log else x)\n\nshow(3)\nshow(3, log=True)")],
        "print-logging",
        True,
    ),
    "install": ([code("%pip install --quiet --dry-run --no-index ipykernel")], "unpinned-install", False),
    "traceback": ([code("x = 1\nprint(x)", 1, [ERROR])], "error-output", False),
    "deleted definition": (
        [code("import math", 1), code("print(helper(3))", 3)],
        "hidden-state",
        True,
    ),
}
HISTORY = KernelState(frozenset({"helper", "math"}), {1: "import math", 2: "def helper(x):\n    return x * 2"}, 3)


def _outputs(nb: dict[str, Any]) -> list[Any]:
    shown = []
    for cell in nb["cells"]:
        for out in joined_streams(cell.get("outputs", [])):
            if out["output_type"] == "stream":
                shown.append(("stream", out["name"], out["text"]))
            elif out["output_type"] in ("execute_result", "display_data"):
                shown.append((out["output_type"], out["data"].get("text/plain")))
            elif out["output_type"] == "error":
                shown.append(("error", out["ename"]))
    return shown


@pytest.fixture(scope="module")
def kernel_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every case fixed, and original and fixed notebooks run in fresh kernels, in parallel."""
    os.environ.setdefault("API_KEY", "from-the-environment")  # what the credential fix reads
    runs: dict[str, Any] = {}
    jobs = []
    for name, (cells, check, unsafe) in CASES.items():
        original = notebook(*cells)
        folder = tmp_path_factory.mktemp(name.replace(" ", "_"))
        kernel = HISTORY if check == "hidden-state" else None
        from jupyterlab_readiness.fixes.options import FixOptions

        outcome = fix_notebook(
            original,
            folder / "nb.ipynb",
            None,
            "nb.ipynb",
            select=frozenset({check}),
            unsafe=unsafe,
            kernel=kernel,
            options=FixOptions(NOW),
        )
        runs[name] = {"outcome": outcome, "check": check, "unsafe": unsafe}
        jobs.append((name, "fixed", outcome.notebook, folder))
        if check != "hidden-state":  # the original stops with a NameError: nothing to compare
            jobs.append((name, "original", original, tmp_path_factory.mktemp(name.replace(" ", "_") + "_orig")))
    for (name, which), executed in execute_all({(n, w): (nb, f) for n, w, nb, f in jobs}).items():
        runs[name][which] = executed
    return runs


@pytest.mark.parametrize("name", list(CASES))
def test_each_fix_removes_its_finding_runs_and_keeps_safe_outputs(name, kernel_runs):
    run = kernel_runs[name]
    outcome = run["outcome"]
    assert outcome.applied, f"{name}: no fix was applied"
    assert [f for f in outcome.report.findings if f.check == run["check"]] == []
    fixed = _outputs(run["fixed"])
    assert not any(o[0] == "error" for o in fixed), fixed
    if not run["unsafe"] and "original" in run:
        original = [o for o in _outputs(run["original"]) if o[0] != "error"]
        assert fixed == original


def test_an_append_with_a_header_only_for_a_new_file_keeps_its_header_on_every_rerun(tmp_path):
    # header=not os.path.exists(path) wrote the header once; in overwrite mode the second run
    # replaced the file with one that had none (its first row read as the header)
    nb = notebook(
        code(
            "import os\nimport pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})\n"
            "df.to_csv('out.csv', mode='a', header=not os.path.exists('out.csv'), index=False)\n"
            "print(pd.read_csv('out.csv').to_dict('list'))",
            cell_id="write",
        )
    )
    outcome = fix_notebook(nb, tmp_path / "nb.ipynb", None, "nb.ipynb", select=frozenset({"append-write"}), unsafe=True)
    assert outcome.applied and "header=True" in outcome.notebook["cells"][0]["source"]
    runs = [stdout_of(execute(outcome.notebook, tmp_path)["cells"][0]["outputs"]) for _ in range(2)]
    assert runs == ["{'a': [1, 2]}\n"] * 2


def test_check_shows_fixes_only_when_asked(project):
    (project / "nb.ipynb").write_text(nbformat_text(notebook(code("import random\nx = random.random()", 1))))
    env = {**os.environ, "PYTHONPATH": str(REPO / "python"), "NO_COLOR": "1"}

    def check(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "jupyterlab_readiness", "check", *args, "nb.ipynb"]
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)

    plain = json.loads(check("--format", "json").stdout)["notebooks"][0]["findings"]
    assert all(f["fixes"] == [] for f in plain)
    shown = json.loads(check("--format", "json", "--show-fixes").stdout)["notebooks"][0]["findings"]
    (random,) = [f for f in shown if f["check"] == "unseeded-random"]
    assert [f["id"] for f in random["fixes"]] == ["seed-random", "ignore"]
    assert "✎ Seed the random draws (safe; jupyter-readiness fix)" in check("--show-fixes").stdout
