"""The verdict: every clause met and unmet, waivers (valid, expired, mismatching cell), the
evidence records (rehearsal, the exported package's tests), and clauses that cannot be confirmed."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from helpers.notebooks import code, md, notebook
from jupyterlab_readiness.actions.rehearse.baseline import record_path
from jupyterlab_readiness.contract.replies import ContractRun
from jupyterlab_readiness.contract.report import to_dict
from jupyterlab_readiness.contract.schema import CONTRACT_RUN
from jupyterlab_readiness.files import Root
from jupyterlab_readiness.handoff.evidence import (
    load_evidence,
    package_fingerprint,
    package_tests_path,
    package_tests_record,
)
from jupyterlab_readiness.handoff.judge import judge
from jupyterlab_readiness.notebook.fingerprint import code_fingerprint
from jupyterlab_readiness.notebook.model import notebook_from_json, read_notebook

TODAY = dt.date(2026, 12, 1)
CLEAN = "import logging\nlogging.info('%s', 1)"


@pytest.fixture
def judged(project, monkeypatch):
    """judged(contract, *cells) → the verdict of analysis.ipynb under that [tool…contract] text."""
    monkeypatch.chdir(project)
    (project / "requirements.txt").write_text("pandas==2.2.0\n")

    def run(contract: str | None, *cells, name: str = "analysis.ipynb", language: str = "python", today=TODAY):
        if contract is not None:
            (project / "pyproject.toml").write_text(contract)
        path = project / name
        if cells:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(notebook(*cells, language=language)))
        verdict = judge(read_notebook(path), path, name, Root(None), today=today)
        CONTRACT_RUN.validate_python(to_dict(ContractRun([verdict])))  # the documented shape, nothing else
        return verdict

    return run


def clauses(verdict) -> dict[str, tuple[bool, str]]:
    return {c.id: (c.met, c.reason) for c in verdict.clauses}


def contract(*lines: str) -> str:
    return "[tool.jupyter-readiness.contract]\n" + "".join(line + "\n" for line in lines)


# ---------------------------------------------------------------- the default contract


def test_the_default_contract_applies_when_none_is_declared(judged):
    verdict = judged(None, code(f"import pandas as pd\n{CLEAN}", 1))
    assert verdict.ready and verdict.contract is None and verdict.unmet == 0
    assert [c.id for c in verdict.clauses] == ["checklist:pinned-environment", "max-severity:all", "no-secrets"]
    assert clauses(verdict)["max-severity:all"] == (True, "no errors")


def test_the_default_contract_unmet(judged):
    verdict = judged(None, code("import numpy as np\ny = undefined\npassword = 'hunter2hunter2'", 1))
    assert not verdict.ready and verdict.unmet == 3
    found = clauses(verdict)
    assert (
        found["checklist:pinned-environment"][1]
        == "1 finding at warning or above: `unpinned-import` (warning) in cell 1"
    )
    assert found["max-severity:all"][1].startswith(
        "2 findings above what it tolerates: `hidden-state` (error) in cell 1"
    )
    assert found["no-secrets"] == (
        False,
        "1 credential written in cells: move them to the environment or a vault",
    )
    pinned = verdict.clauses[0]
    assert pinned.actions == ["freeze", "waive"] and [f.check for f in pinned.findings] == ["unpinned-import"]


def test_a_reason_counts_a_check_s_findings_in_one_cell_instead_of_repeating_them(judged):
    verdict = judged(None, code("import numpy\nimport scipy\nimport requests", 1), code("import yaml", 2))
    assert clauses(verdict)["checklist:pinned-environment"] == (
        False,
        "4 findings at warning or above: 3 × `unpinned-import` (warning) in cell 1, "
        "`unpinned-import` (warning) in cell 2",
    )


# ---------------------------------------------------------------- each clause, met and unmet


def test_checklist_items_must_pass(judged):
    verdict = judged(
        contract('checklist = ["deterministic-inputs", "observability"]'),
        code("import datetime\nnow = datetime.datetime.now()\nprint(now)", 1),
    )
    found = clauses(verdict)
    assert found["checklist:deterministic-inputs"] == (
        False,
        "1 finding at warning or above: `wall-clock` (warning) in cell 1",
    )
    assert found["checklist:observability"] == (True, "no warning or error among its checks")  # info is a hint


def test_a_checklist_item_whose_checks_did_not_run_cannot_be_confirmed(judged):
    config = '[tool.jupyter-readiness]\ndisable = ["unpinned-import", "unpinned-install"]\n\n'
    verdict = judged(config + contract('checklist = ["pinned-environment"]'), code("import numpy", 1))
    met, reason = clauses(verdict)["checklist:pinned-environment"]
    assert not met and reason.startswith("cannot be confirmed: none of its checks ran")


def test_max_severity_per_check_per_item_and_for_all(judged):
    verdict = judged(
        contract('max-severity = { all = "warning", wall-clock = "none", idempotent-writes = "info" }'),
        code("import datetime\nt = datetime.datetime.now()", 1),
        code("open('log.txt', 'a').write('x')", 2),
        code("import random\nrandom.random()", 3),
    )
    found = clauses(verdict)
    assert found["max-severity:wall-clock"] == (
        False,
        "1 finding above what it tolerates: `wall-clock` (warning) in cell 1",
    )
    assert found["max-severity:idempotent-writes"] == (
        False,
        "1 finding above what it tolerates: `append-write` (warning) in cell 2",
    )
    assert found["max-severity:all"] == (True, "no errors")  # the unseeded-random warning is tolerated
    titles = {c.id: c.title for c in verdict.clauses}
    assert titles == {
        "max-severity:all": "No finding above warning",
        "max-severity:wall-clock": "`wall-clock`: no finding",
        "max-severity:idempotent-writes": "Idempotent writes: at most info",
        "checklist:pinned-environment": "Pinned environment passes",
        "no-secrets": "No secrets in code",
    }
    # the most specific entry judges a finding: tolerating a check more than `all` does
    verdict = judged(
        contract('max-severity = { all = "info", wall-clock = "error" }'),
        code("import datetime\nt = datetime.date.today()", 1),
    )
    assert clauses(verdict)["max-severity:all"] == (True, "nothing above info")
    assert clauses(verdict)["max-severity:wall-clock"] == (True, "every finding is tolerated")


def test_max_severity_of_a_check_that_did_not_run_cannot_be_confirmed(judged):
    config = '[tool.jupyter-readiness]\ndisable = ["wall-clock"]\n\n'
    verdict = judged(
        config
        + contract('max-severity = { wall-clock = "none", edited-since-run = "none", output-mismatch = "none" }'),
        code(CLEAN, 1),
    )
    found = clauses(verdict)
    assert found["max-severity:wall-clock"][1] == (
        "cannot be confirmed: `wall-clock` did not run: disabled in [tool.jupyter-readiness]"
    )
    assert "needs the notebook's live kernel" in found["max-severity:edited-since-run"][1]
    assert "comes from a rehearsal, and there is none of this code" in found["max-severity:output-mismatch"][1]
    assert not verdict.ready


def test_python_clauses_on_an_r_notebook_say_that_the_language_is_why(judged):
    """The default contract never passes an R notebook: the reason names the language and what to
    do, instead of leaving the team to look for a check they disabled."""
    verdict = judged(None, code("x <- read.csv('a.csv')", 1), language="R")
    found = clauses(verdict)
    assert found["checklist:pinned-environment"] == (
        False,
        "cannot be confirmed: none of its checks ran: they read Python code, and this notebook's kernel is R "
        "(write a contract for its folder without this clause)",
    )
    assert found["no-secrets"] == (
        False,
        "cannot be confirmed: `hardcoded-secret` did not run: it reads Python code, and this notebook's kernel "
        "is R (write a contract for its folder without this clause)",
    )
    assert found["max-severity:all"] == (True, "no errors")  # language-neutral checks still ran
    config = '[tool.jupyter-readiness]\ndisable = ["unpinned-import", "unpinned-install"]\n\n'
    verdict = judged(config + contract('checklist = ["pinned-environment"]'), code("import numpy", 1))
    assert clauses(verdict)["checklist:pinned-environment"][1] == (
        "cannot be confirmed: none of its checks ran: disabled in [tool.jupyter-readiness]"
    )


def test_min_score(judged):
    cells = (code("import datetime\nt = datetime.datetime.now()", 1),)
    verdict = judged(contract("min-score = 95"), *cells)
    met, reason = clauses(verdict)["min-score"]
    assert not met and reason == f"score {verdict.score}, below 95"
    assert verdict.clauses[0].findings and verdict.clauses[0].id == "min-score"  # unmet first
    assert clauses(judged(contract("min-score = 90"), *cells))["min-score"] == (True, f"score {verdict.score}")


def test_no_secrets(judged):
    secret = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    verdict = judged(contract("no-secrets = true"), code(f"token = '{secret}'", 1))
    assert not clauses(verdict)["no-secrets"][0] and verdict.clauses[0].actions == ["waive"]
    assert secret[6:] not in json.dumps(to_dict(verdict))  # the value is never echoed
    assert clauses(judged(contract("no-secrets = true"), code("x = 1", 1)))["no-secrets"] == (
        True,
        "no credential found in the code",
    )
    config = '[tool.jupyter-readiness]\ndisable = ["hardcoded-secret"]\n\n'
    met, reason = clauses(judged(config + contract(), code("x = 1", 1)))["no-secrets"]
    assert not met and reason.startswith("cannot be confirmed: `hardcoded-secret` did not run")


def test_a_parameters_cell(judged):
    tagged = {"metadata": {"tags": ["parameters"]}}
    on = contract("parameters-cell = true")
    met, reason = clauses(judged(on, code("day = '2024-01-01'", 1)))["parameters-cell"]
    assert not met and reason.startswith("no code cell is tagged `parameters`")
    good = {**code("day: str = '2024-01-01'\nlimit = 3\n'''the run's inputs'''", 1), **tagged}
    assert clauses(judged(on, md("# Report"), good))["parameters-cell"] == (True, "cell 2: `day`, `limit`")
    computed = {**code("import datetime\nday = datetime.date.today()", 1), **tagged}
    met, reason = clauses(judged(on, computed))["parameters-cell"]
    assert not met and reason.startswith("the parameters cell (cell 1) line 1 is not a name set to a literal")
    broken = {**code("day = (", 1), **tagged}
    assert clauses(judged(on, broken))["parameters-cell"] == (False, "the parameters cell (cell 1) does not parse")


# ---------------------------------------------------------------- rehearsed


def write_rehearsal(
    project: Path,
    name: str = "analysis.ipynb",
    *,
    findings=(),
    runs=2,
    when="2026-11-30T05:31:02Z",
    key=None,
    statuses: dict[int, list[str]] | None = None,
):
    """A rehearsal record as `jupyter-readiness rehearse` writes it beside the notebook;
    ``statuses``: each code cell's status in each run, by its index."""
    path = project / name
    model = notebook_from_json(json.loads(path.read_text()))
    record = {
        "version": 1,
        "key": key or code_fingerprint(model, {}),
        "notebook": name,
        "rehearsed_at": when,
        "kernel": "python3",
        "parameters": {},
        "runs": runs,
        "in_place": False,
        "passed": not any(f["severity"] == "error" for f in findings),
        "seconds": 1.5,
        "code_cells": [c.index for c in model.cells if c.cell_type == "code"],
        "findings": list(findings),
        "cells": [
            {
                "cell_index": index,
                "cell_id": None,
                "runs": [{"status": s, "seconds": None, "peak_memory": None} for s in ran],
                "writes": [],
                "reads": [],
                "external": [],
            }
            for index, ran in (statuses or {}).items()
        ],
        "files": [],
    }
    record_path(path).parent.mkdir(exist_ok=True)
    record_path(path).write_text(json.dumps(record))


def mismatch(cell_index: int) -> dict:
    return {
        "check": "output-mismatch",
        "severity": "warning",
        "cell_index": cell_index,
        "cell_id": None,
        "line": None,
        "message": "the saved output differs from a fresh run's",
        "suggestion": "Run the notebook top to bottom and save it.",
    }


def test_rehearsed_met_and_each_way_it_is_not(judged, project):
    on = contract("rehearsed = true")
    cells = (code(CLEAN, 1, cell_id="c0"), code("print(1)", 2, cell_id="c1"))
    met, reason = clauses(judged(on, *cells))["rehearsed"]
    assert not met and reason.startswith("never rehearsed: run `jupyter-readiness rehearse`")
    write_rehearsal(project)
    assert clauses(judged(on))["rehearsed"] == (
        True,
        "rehearsed on 2026-11-30: no `rehearsal-error` or `output-mismatch`",
    )
    write_rehearsal(project, runs=1)
    assert (
        clauses(judged(on))["rehearsed"][1]
        == "the last rehearsal on 2026-11-30 ran once: rehearse with two runs (the default)"
    )
    write_rehearsal(project, findings=[mismatch(1)])
    verdict = judged(on)
    rehearsed = next(c for c in verdict.clauses if c.id == "rehearsed")
    assert (
        not rehearsed.met
        and rehearsed.reason == "the last rehearsal on 2026-11-30 found `output-mismatch` (warning) in cell 2"
    )
    assert rehearsed.findings[0].cell_id == "c1" and rehearsed.actions == ["rehearse", "waive"]
    # a markdown cell added above: the record still applies, its findings follow their cells
    judged(None, md("# Title"), *cells)
    rehearsed = next(c for c in judged(on).clauses if c.id == "rehearsed")
    assert rehearsed.findings[0].cell_index == 2 and rehearsed.findings[0].cell_id == "c1"
    # a code edit makes it stale
    judged(None, code(CLEAN, 1, cell_id="c0"), code("print(2)", 2, cell_id="c1"))
    assert clauses(judged(on))["rehearsed"] == (
        False,
        "the code changed since the last rehearsal on 2026-11-30: rehearse again",
    )
    record_path(project / "analysis.ipynb").write_text("{ not json")
    assert (
        clauses(judged(on))["rehearsed"][1]
        == "the rehearsal record cannot be read (it is not valid JSON): rehearse again"
    )


def test_a_rehearsal_stopped_by_a_waived_error_did_not_rehearse_the_cells_after_it(judged, project):
    # a cell that calls an API only reachable in production: the team waives its rehearsal-error,
    # but the cell below it (an append) never ran, and the second run was skipped
    cells = (md("# Report"), code(CLEAN, 1, cell_id="c0"), code("fetch()", 2, cell_id="c1"), code("log()", 3))
    judged(None, *cells)
    error = {**mismatch(2), "check": "rehearsal-error", "severity": "error", "message": "raises ConnectionError"}
    on = contract(
        "rehearsed = true",
        "[[tool.jupyter-readiness.contract.waivers]]",
        'check = "rehearsal-error"',
        'notebook = "analysis.ipynb"',
        'cell = "c1"',
        'reason = "the API is only reachable in production"',
    )
    write_rehearsal(project, findings=[error], statuses={1: ["ok"], 2: ["error"], 3: ["not-run"]})
    judged(None, md("# Title"), *cells)  # a markdown cell added since: the cell is named where it is now
    verdict = judged(on)
    assert verdict.waivers[0].status == "applied" and not verdict.ready, verdict.waivers[0].note
    assert clauses(verdict)["rehearsed"] == (
        False,
        "the last rehearsal on 2026-11-30 did not get through the notebook: run 1 stopped at cell 4 (error) "
        "and what follows was not rehearsed: make it run top to bottom, then rehearse again",
    )
    # a cell that fails only when run a second time (os.mkdir)
    error.update(cell_index=3, message="cannot be run twice")  # c1, below the two markdown cells now
    write_rehearsal(project, findings=[error], statuses={2: ["ok", "ok"], 3: ["ok", "error"], 4: ["ok", "not-run"]})
    assert "run 2 stopped at cell 4 (error)" in clauses(judged(on))["rehearsed"][1]
    write_rehearsal(project, statuses={2: ["ok", "ok"], 3: ["ok", "ok"], 4: ["ok", "ok"]})
    assert clauses(judged(on))["rehearsed"][0]


def test_a_rehearsal_older_than_the_contract_allows(judged, project):
    on = contract("rehearsed = true", "rehearsal-max-age-days = 30")
    judged(None, code(CLEAN, 1))
    write_rehearsal(project, when="2026-10-01T08:00:00Z")
    assert clauses(judged(on))["rehearsed"] == (
        False,
        "the last rehearsal on 2026-10-01 is older than 30 days: rehearse again",
    )
    assert clauses(judged(on, today=dt.date(2026, 10, 31)))["rehearsed"][0]


def test_the_rehearsals_findings_count_in_the_other_clauses_and_can_be_waived(judged, project):
    judged(None, code(CLEAN, 1, cell_id="c0"))
    error = {**mismatch(0), "check": "non-idempotent-write", "severity": "error", "message": "grows on every run"}
    write_rehearsal(project, findings=[error])
    verdict = judged(contract())
    assert (
        clauses(verdict)["max-severity:all"][1]
        == "1 finding above what it tolerates: `non-idempotent-write` (error) in cell 1"
    )
    waived = judged(
        contract(
            "[[tool.jupyter-readiness.contract.waivers]]",
            'check = "non-idempotent-write"',
            'notebook = "analysis.ipynb"',
            'cell = "c0"',
            'reason = "the log is rotated by the platform"',
        )
    )
    assert waived.ready and waived.waivers[0].status == "applied"


# ---------------------------------------------------------------- the exported package's tests


def export_package(project: Path, name: str = "analysis") -> Path:
    package = project / name
    (package / "src" / name).mkdir(parents=True)
    (package / "src" / name / "__init__.py").write_text("VALUE = 1\n")
    (package / "tests").mkdir()
    (package / "tests" / "test_value.py").write_text(
        f"from {name} import VALUE\n\n\ndef test_value():\n    assert VALUE == 1\n"
    )
    (package / "pyproject.toml").write_text(f"[project]\nname = '{name}'\n")
    return package


def write_tests_record(project: Path, package: Path, exit_code: int = 0, name: str = "analysis.ipynb") -> None:
    path = project / name
    text = package_tests_record(
        read_notebook(path),
        path,
        package,
        package_fingerprint(package, Root(None)),
        ["python", "-m", "pytest", "-q"],
        exit_code,
        "1 passed in 0.01s" if exit_code == 0 else "1 failed in 0.02s",
        0.5,
        dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.timezone.utc),
    )
    package_tests_path(path).parent.mkdir(exist_ok=True)
    package_tests_path(path).write_text(text)


def test_a_package_beside_the_notebooks_folder_counts_and_one_outside_the_root_never_does(tmp_path):
    project = tmp_path / "project"
    notebooks = project / "notebooks"
    notebooks.mkdir(parents=True)
    (notebooks / "analysis.ipynb").write_text(json.dumps(notebook(code(CLEAN, 1))))
    write_tests_record(notebooks, export_package(project / "packages"))
    path = notebooks / "analysis.ipynb"
    found = load_evidence(read_notebook(path), path, Root(project), rehearsal=False, tests=True).tests
    assert found is not None and found.package == "../packages/analysis" and found.package_found
    served_from_notebooks = Root(notebooks)  # a server rooted at the notebooks' folder reads nothing above it
    found = load_evidence(read_notebook(path), path, served_from_notebooks, rehearsal=False, tests=True).tests
    assert found is not None and not found.package_found and not found.package_unchanged


def test_exported_tests_pass_met_and_each_way_it_is_not(judged, project):
    on = contract("exported-tests-pass = true")
    met, reason = clauses(judged(on, code(CLEAN, 1)))["exported-tests-pass"]
    assert not met and "run `jupyter-readiness test-export` on the notebook" in reason
    package = export_package(project)
    write_tests_record(project, package)
    record = json.loads(package_tests_path(project / "analysis.ipynb").read_text())
    assert record["package"] == "analysis" and record["passed"] is True and record["key"].startswith("sha256:")
    assert clauses(judged(on))["exported-tests-pass"] == (
        True,
        "the tests of analysis passed on 2026-11-30 (1 passed in 0.01s)",
    )
    # caches and build output do not change the package
    (package / "src" / "analysis" / "__pycache__").mkdir()
    (package / "src" / "analysis" / "__pycache__" / "x.cpython-312.pyc").write_bytes(b"\0")
    (package / "output.csv").write_text("a,b\n")
    assert clauses(judged(on))["exported-tests-pass"][0]
    (package / "src" / "analysis" / "__init__.py").write_text("VALUE = 2\n")
    assert clauses(judged(on))["exported-tests-pass"] == (
        False,
        "the package (analysis) changed since its tests ran on 2026-11-30: run `jupyter-readiness test-export` again",
    )
    write_tests_record(project, package, exit_code=1)
    assert clauses(judged(on))["exported-tests-pass"] == (
        False,
        "the package's tests failed on 2026-11-30 (exit code 1: 1 failed in 0.02s)",
    )
    write_tests_record(project, package)
    judged(None, code(CLEAN + "\nx = 2", 1))
    assert clauses(judged(on))["exported-tests-pass"][1].startswith(
        "the notebook's code changed since its package was tested"
    )
    judged(None, code(CLEAN, 1))
    assert clauses(judged(on))["exported-tests-pass"][0]
    shutil.rmtree(package)
    assert clauses(judged(on))["exported-tests-pass"][1].startswith(
        "the package tested on 2026-11-30 (analysis) is not there"
    )


# ---------------------------------------------------------------- waivers


WAIVED = contract(
    'checklist = ["reproducible-execution"]',
    "",
    "[[tool.jupyter-readiness.contract.waivers]]",
    'check = "hidden-state"',
    'notebook = "analysis.ipynb"',
    'cell = "c1"',
    'reason = "the frame comes from the team\'s loader, run before"',
)
HIDDEN = (
    code("import logging", 1, cell_id="c0"),
    code("total = frame.sum()\nlogging.info('%s', total)", 2, cell_id="c1"),
)


def test_a_valid_waiver_accepts_the_finding(judged):
    verdict = judged(WAIVED, *HIDDEN)
    assert verdict.ready, clauses(verdict)
    (waiver,) = verdict.waivers
    assert (waiver.status, waiver.findings, waiver.cell, waiver.note) == ("applied", 1, "c1", "")
    assert clauses(verdict)["checklist:reproducible-execution"] == (
        True,
        "no warning or error among its checks (1 waived)",
    )
    assert clauses(verdict)["max-severity:all"] == (True, "no errors (1 waived)")


def test_an_expired_waiver_stops_counting(judged):
    expiring = WAIVED + "expires = 2026-11-30\n"
    verdict = judged(expiring, *HIDDEN)
    assert not verdict.ready
    (waiver,) = verdict.waivers
    assert waiver.status == "expired" and waiver.findings == 0 and waiver.expires == "2026-11-30"
    assert waiver.note == "expired on 2026-11-30: renew it with a new date, or fix the finding"
    assert judged(expiring, today=dt.date(2026, 11, 30)).ready  # it counts through the day it names


def test_a_waiver_of_another_cell_matches_nothing_and_is_reported(judged):
    moved = (code("x = undefined_here", 1, cell_id="c0"), code("import logging", 2, cell_id="c1"))
    verdict = judged(WAIVED, *moved)
    assert not verdict.ready
    (waiver,) = verdict.waivers
    assert waiver.status == "unused" and waiver.findings == 0
    assert waiver.note == "`hidden-state` fires in cell 1, not in the cell 'c1': fix the waiver's cell or remove it"
    gone = (code("import logging", 1, cell_id="c0"),)
    (waiver,) = judged(WAIVED, *gone).waivers
    assert waiver.note.startswith("no cell has the id 'c1'")
    fixed = (code("import logging", 1, cell_id="c0"), code("total = 1", 2, cell_id="c1"))
    (waiver,) = judged(WAIVED, *fixed).waivers
    assert waiver.note == "no `hidden-state` finding to waive (fixed?): remove the waiver"


def test_a_notebook_wide_waiver_and_waivers_of_other_notebooks(judged, project):
    text = contract(
        "[[tool.jupyter-readiness.contract.waivers]]",
        'check = "unpinned-import"',
        'notebook = "team/report.ipynb"',
        'reason = "the platform pins these"',
        "",
        "[[tool.jupyter-readiness.contract.waivers]]",
        'check = "unpinned-import"',
        'notebook = "analysis.ipynb"',
        'reason = "another notebook\'s waiver"',
    )
    verdict = judged(text, code("import numpy\nimport scipy", 1), code("import sklearn", 2), name="team/report.ipynb")
    assert verdict.ready
    assert [(w.notebook, w.status, w.findings) for w in verdict.waivers] == [("team/report.ipynb", "applied", 3)]


def test_a_non_python_notebook_cannot_confirm_the_python_checks(judged):
    verdict = judged(None, code("x <- 1", 1), language="R", name="r.ipynb")
    assert not verdict.ready
    assert clauses(verdict)["no-secrets"][1].startswith("cannot be confirmed")
    assert clauses(verdict)["checklist:pinned-environment"][1].startswith("cannot be confirmed")
