"""Execution-order checks: out-of-order-execution and unexecuted-cell (language-agnostic)."""

from __future__ import annotations

from helpers.notebooks import code, findings_of, md

# -- out-of-order-execution ---------------------------------------------------------------------


def test_strictly_increasing_counts_are_fine(check):
    report = check(code("a = 1", 1), code("b = a + 1", 2), code("c = b + 1", 5))
    assert findings_of(report, "out-of-order-execution") == []


def test_lower_count_after_higher_is_one_finding_on_the_cell_that_ran_later(check):
    report = check(code("a = 1", 1), code("b = 2", 3), code("c = 3", 2), code("d = 4", 4))
    assert findings_of(report, "out-of-order-execution") == [(1, None)]
    (finding,) = [f for f in report.findings if f.check == "out-of-order-execution"]
    assert finding.cells == [1, 2]  # the cell that ran later, then the cell it put out of order
    assert "[2]" in finding.message and "[3]" in finding.message
    assert finding.message.startswith("Cell 2 ran as [3]") and "cell 3 below" in finding.message  # from 1
    assert finding.severity == "warning"
    assert "restart" in finding.suggestion.lower()


def test_one_re_run_cell_is_one_finding_listing_every_cell_it_affects(check):
    cells = [code(f"x{i} = {i}", i + 1) for i in range(16)]
    cells[2] = code("x2 = 2", 40)  # re-run late: the 13 cells below it now look older
    report = check(*cells)
    (finding,) = [f for f in report.findings if f.check == "out-of-order-execution"]
    assert (finding.cell_index, finding.cells) == (2, list(range(2, 16)))
    assert "the 13 cells below it" in finding.message and "and 7 more" in finding.message


def test_two_causes_are_two_findings(check):
    report = check(code("a = 1", 5), code("b = 2", 3), code("c = 3", 4), code("d = 4", 9), code("e = 5", 6))
    found = [(f.cell_index, f.cells) for f in report.findings if f.check == "out-of-order-execution"]
    assert found == [(0, [0, 1, 2]), (3, [3, 4])]
    messages = [f.message for f in report.findings if f.check == "out-of-order-execution"]
    assert "[5]" in messages[0] and "Cell 1" in messages[0] and "[9]" in messages[1]


def test_repeated_count_is_one_finding_on_the_first_cell(check):
    report = check(code("a = 1", 2), code("b = 2", 2))
    assert findings_of(report, "out-of-order-execution") == [(0, None)]
    (finding,) = [f for f in report.findings if f.check == "out-of-order-execution"]
    assert "both ran as [2]" in finding.message and finding.cells == [0, 1]


def test_count_zero_is_treated_as_no_count(check):
    # A kernel never produces count 0: it must not be taken as "ran before cell [1]".
    report = check(code("a = 1", 1), code("b = 2", 0), code("c = 3", 2))
    assert findings_of(report, "out-of-order-execution") == []


def test_count_zero_first_is_not_out_of_order(check):
    report = check(code("a = 1", 0), code("b = 2", 1))
    assert findings_of(report, "out-of-order-execution") == []


def test_markdown_cells_between_are_ignored_but_counted_in_cell_index(check):
    report = check(
        md("# Title"),
        code("a = 1", 1),
        md("Some prose"),
        md("More prose"),
        code("b = 2", 3),
        md("Even more"),
        code("c = 3", 2),
    )
    assert findings_of(report, "out-of-order-execution") == [(4, None)]
    (finding,) = [f for f in report.findings if f.check == "out-of-order-execution"]
    assert finding.cells == [4, 6]  # indices over ALL cells
    assert "Cell 5" in finding.message and "cell 7" in finding.message  # counted from 1, as JupyterLab does


def test_unexecuted_cells_do_not_break_the_ordering(check):
    report = check(code("a = 1", 1), code("b = 2", None), code("c = 3", 2))
    assert findings_of(report, "out-of-order-execution") == []


def test_cell_id_is_carried_on_the_finding(check):
    report = check(code("a = 1", 2, cell_id="first"), code("b = 2", 1, cell_id="second"))
    (finding,) = [f for f in report.findings if f.check == "out-of-order-execution"]
    assert (finding.cell_index, finding.cell_id, finding.execution_count) == (0, "first", 2)


# -- unexecuted-cell ----------------------------------------------------------------------------


def test_never_run_cell_with_a_run_cell_below_fires(check):
    report = check(code("a = 1", 1), code("b = 2", None), code("c = 3", 2))
    assert findings_of(report, "unexecuted-cell") == [(1, None)]
    (finding,) = [f for f in report.findings if f.check == "unexecuted-cell"]
    assert "never run" in finding.message
    assert finding.severity == "warning"


def test_unexecuted_cell_index_counts_markdown(check):
    report = check(md("# Intro"), code("a = 1", None), md("notes"), code("b = 2", 1))
    assert findings_of(report, "unexecuted-cell") == [(1, None)]


def test_whitespace_only_cell_does_not_fire(check):
    report = check(code("a = 1", 1), code("   \n\t\n", None), code("", None), code("c = 3", 2))
    assert findings_of(report, "unexecuted-cell") == []


def test_unexecuted_cells_after_the_last_run_cell_do_not_fire(check):
    report = check(code("a = 1", 1), code("b = 2", 2), code("c = 3", None), code("d = 4", None))
    assert findings_of(report, "unexecuted-cell") == []


def test_only_cells_above_the_last_run_cell_fire(check):
    report = check(code("a = 1", None), code("b = 2", 1), code("c = 3", None), code("d = 4", 2), code("e = 5", None))
    assert findings_of(report, "unexecuted-cell") == [(0, None), (2, None)]


def test_all_unexecuted_notebook_has_no_finding(check):
    report = check(code("a = 1", None), code("b = 2", None), code("c = 3", None))
    assert findings_of(report, "unexecuted-cell") == []


def test_count_zero_counts_as_never_run(check):
    report = check(code("a = 1", 0), code("b = 2", 1))
    assert findings_of(report, "unexecuted-cell") == [(0, None)]


# -- non-Python notebooks -----------------------------------------------------------------------

ERROR = {"output_type": "error", "ename": "simpleError", "evalue": "object 'y' not found", "traceback": []}


def test_language_agnostic_checks_still_run_on_an_r_notebook(check):
    report = check(
        code("x <- 1", 2),
        code("y <- x", 1),
        code("library(dplyr)", None),
        code("print(y)", 3, outputs=[ERROR]),
        language="R",
    )
    assert findings_of(report, "out-of-order-execution") == [(0, None)]
    assert findings_of(report, "unexecuted-cell") == [(2, None)]
    assert findings_of(report, "error-output") == [(3, None)]


def test_python_checks_do_not_run_on_an_r_notebook(check):
    # Valid-looking Python that would trip many Python checks: none may fire on an R notebook.
    report = check(
        code('import datetime\nt = datetime.datetime.now()\npassword = "hunter22"\nprint(t)', 1),
        code('open("/Users/ana/x.csv", "a")\nimport random\nrandom.random()', 2),
        code("x <- ", 3),  # would be a Python syntax error
        language="R",
    )
    checks = {f.check for f in report.findings}
    assert checks == {"non-python-kernel"}
    statuses = {item.id: item.status for item in report.checklist}
    assert statuses == {
        "pinned-environment": "skipped",
        "deterministic-inputs": "skipped",
        "idempotent-writes": "skipped",
        "reproducible-execution": "info",
        "observability": "skipped",
        "secrets": "skipped",
        "packaged-code": "skipped",
    }


def test_r_notebook_gets_exactly_one_notebook_level_non_python_kernel_info(check):
    report = check(code("x <- 1", 1), code("y <- 2", 2), language="R")
    found = [f for f in report.findings if f.check == "non-python-kernel"]
    assert len(found) == 1
    (finding,) = found
    assert (finding.cell_index, finding.line, finding.cell_id) == (None, None, None)
    assert finding.severity == "info"
    assert "'r'" in finding.message


def test_python_notebook_has_no_non_python_kernel_finding(check):
    report = check(code("x = 1", 1))
    assert findings_of(report, "non-python-kernel") == []
