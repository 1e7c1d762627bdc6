"""Live checks over a kernel's state (the server fills KernelState from a real probe; see test_server)."""

from __future__ import annotations

from helpers.notebooks import code, md, notebook
from jupyterlab_readiness.checks.kernel_state import KernelState
from jupyterlab_readiness.lint.engine import check_notebook


def live(nb, **state):
    kernel = KernelState(
        names=frozenset(state.get("names", ())), history=state.get("history", {}), execution_count=state.get("count")
    )
    return check_notebook(nb, "/tmp/live.ipynb", kernel=kernel)


def of(report, check):
    return [(f.cell_index, f.message) for f in report.findings if f.check == check]


def test_edited_after_it_ran():
    nb = notebook(md("# t"), code("x = 1", 1), code("y = x + 2", 2))
    report = live(nb, history={1: "x = 1", 2: "y = x + 1"}, names={"x", "y"}, count=2)
    ((index, message),) = of(report, "edited-since-run")
    assert index == 2 and "edited after it ran as [2]" in message


def test_unchanged_cells_and_trailing_whitespace_are_not_edits():
    nb = notebook(code("x = 1\n", 1), code("y = x", 2))
    assert of(live(nb, history={1: "x = 1", 2: "y = x"}, names={"x", "y"}), "edited-since-run") == []


def test_counts_the_kernel_never_produced_are_stale_output_not_edits():
    nb = notebook(code("a = 1", 7), code("b = 2", 1))
    report = live(nb, history={1: "b = 2"}, names={"b"})
    ((index, message),) = of(report, "edited-since-run")
    assert index is None and "1 cell (cell 1) come from an earlier kernel session" in message
    # count 1 in the kernel ran another cell's source: that output is from an earlier session too
    nb2 = notebook(code("c = 3", 1), code("b = 2", 2))
    ((index, message),) = of(live(nb2, history={1: "b = 2", 2: "b = 2"}), "edited-since-run")
    assert index is None and "(cell 1)" in message  # counted from 1


def test_a_reopened_notebook_gets_one_stale_output_finding_not_one_per_cell():
    nb = notebook(*(code(f"v{i} = {i}", i + 1) for i in range(14)), code("w = 1", 20))
    findings = of(live(nb, history={}, names=set()), "edited-since-run")
    assert len(findings) == 1 and findings[0][0] is None
    assert "15 cells (cell 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 5 more)" in findings[0][1]  # counted from 1
    (finding,) = [f for f in live(nb, history={}, names=set()).findings if f.check == "edited-since-run"]
    assert finding.cells == list(range(15))  # the cells it is about, 0-based like cell_index


def test_kernel_only_state_lists_names_no_cell_defines():
    nb = notebook(code("import pandas as pd\ndf = pd.DataFrame()", 1))
    report = live(nb, names={"pd", "df", "old_model", "_private", "In", "tmp"})
    ((index, message),) = of(report, "kernel-only-state")
    assert (
        index is None
        and "`old_model`" in message
        and "`tmp`" in message
        and "`df`" not in message
        and "_private" not in message
    )


def test_kernel_only_state_never_guesses_after_a_star_import():
    nb = notebook(code("from os.path import *", 1))
    assert of(live(nb, names={"join", "leftover"}), "kernel-only-state") == []


def test_hidden_state_quotes_the_deleted_code_that_defined_the_name():
    nb = notebook(code("import pandas as pd", 1), code("print(clean.shape)", 3))
    history = {1: "import pandas as pd", 2: "clean = pd.read_csv('data.csv').dropna()", 3: "print(clean.shape)"}
    report = live(nb, history=history, names={"pd", "clean"})
    (finding,) = [f for f in report.findings if f.check == "hidden-state"]
    assert "[2]" in finding.suggestion and "clean = pd.read_csv('data.csv').dropna()" in finding.suggestion


def test_live_checks_do_not_run_without_a_kernel():
    report = check_notebook(notebook(code("x = 1", 5)), "/tmp/live.ipynb")
    assert not {f.check for f in report.findings} & {"edited-since-run", "kernel-only-state"}


def test_kernel_distributions_decide_unpinned_import(project):
    (project / "requirements.txt").write_text("internal-toolkit==2.0.1\n")
    nb = notebook(code("import itk_core\nimport other_thing", 1))
    kernel = KernelState(
        names=frozenset(),
        history={},
        distributions={"itk_core": (("internal_toolkit", "2.0.1"),), "other_thing": (("Other-Dist", "0.3"),)},
    )
    report = check_notebook(nb, project / "nb.ipynb", kernel=kernel)
    findings = [f for f in report.findings if f.check == "unpinned-import"]
    assert len(findings) == 1 and "other-dist" in findings[0].message and "other-dist==0.3" in findings[0].suggestion
