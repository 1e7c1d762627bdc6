"""The verdict: a contract, a notebook's report and the evidence records in; READY or NOT READY
out, with every clause met or unmet and why. Pure: nothing is read here (``source`` finds the
contract, ``evidence`` reads the records) and the day is given.

The report is the one ``jupyter-readiness check`` makes with the project's configuration and no
kernel, so the sidebar, the CLI and CI reach the same verdict. Waivers of this notebook are
matched first; the findings they accept count for no clause (and a min-score clause counts the
score without them). A clause about a check that did not run (disabled, or a Python check on a
notebook in another language) is unmet: it cannot be confirmed, and the reason says which.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..checks.context import cell_label
from ..checks.registry import BY_ID, CHECKS
from ..contract.replies import ClauseAction, ClauseKind, ClauseVerdict, ContractVerdict, WaiverVerdict
from ..contract.report import Finding, NotebookReport
from ..lint.config import CheckConfig
from ..lint.engine import rescored
from ..notebook.model import Notebook
from ..notebook.parse import python_tree
from .evidence import Evidence, TestsRun, rehearsed_on
from .source import ProjectContract
from .spec import ALL, ITEMS, REHEARSAL_CHECKS, Contract, Waiver, item_of

_RANK = {"none": 0, "info": 1, "warning": 2, "error": 3}
_BLOCKING_REHEARSAL = ("rehearsal-error", "output-mismatch")
PARAMETERS_TAG = "parameters"


def checks_run(config: CheckConfig, notebook: Notebook, evidence: Evidence | None = None) -> set[str]:
    """The checks whose findings the report (and the current rehearsal record) holds."""
    ran = {
        spec.id
        for spec in CHECKS
        if spec.id not in REHEARSAL_CHECKS
        and config.is_enabled(spec.id)
        and (notebook.is_python or not spec.python_only)
        and not spec.live
    }
    if evidence is not None and evidence.rehearsal is not None and evidence.rehearsal.current:
        ran |= {check for check in REHEARSAL_CHECKS if config.is_enabled(check)}
    return ran


def failed_verdict(path: str, error: str, project: ProjectContract | None = None, score: int = 0) -> ContractVerdict:
    shown = project.shown if project is not None else None
    return ContractVerdict(path, False, shown, [], 0, [], score, error)


@dataclass
class _Notebook:
    """What the clauses read, gathered once."""

    report: NotebookReport
    notebook: Notebook
    ran: set[str]
    kept: list[Finding]  # the findings (the report's and the current rehearsal's) no waiver accepts
    waived: list[Finding]  # what the waivers accepted
    evidence: Evidence
    today: dt.date


def evaluate(
    project: ProjectContract,
    report: NotebookReport,
    notebook: Notebook,
    evidence: Evidence,
    ran: set[str],
    *,
    waiver_name: str | None,
    today: dt.date,
) -> ContractVerdict:
    """``waiver_name``: how the contract's waivers name this notebook (relative to the contract
    file's folder); ``ran``: ``checks_run(...)``."""
    if report.error is not None:
        return failed_verdict(report.path, f"cannot read the notebook: {report.error}", project)
    contract = project.contract
    mine = [w for w in contract.waivers if waiver_name is not None and w.notebook == waiver_name]
    findings = judged_findings(report, evidence, ran)
    waivers, waived = _waive(mine, findings, notebook, today)
    state = _Notebook(
        report,
        notebook,
        ran,
        [f for f in findings if id(f) not in waived],
        [f for f in findings if id(f) in waived],
        evidence,
        today,
    )
    clauses = _clauses(contract, state)
    unmet = [c for c in clauses if not c.met]
    return ContractVerdict(
        path=report.path,
        ready=not unmet,
        contract=project.shown,
        clauses=[*unmet, *(c for c in clauses if c.met)],
        unmet=len(unmet),
        waivers=waivers,
        score=report.score,
        error=None,
    )


def judged_findings(report: NotebookReport, evidence: Evidence, ran: set[str]) -> list[Finding]:
    """The findings a verdict judges and its waivers may accept: the report's, and the current
    rehearsal record's of the checks enabled unless the engine already added them to the report
    (an adapter that hands the record to the check engine)."""
    if evidence.rehearsal is None or not evidence.rehearsal.current:
        return list(report.findings)
    if any(f.check in REHEARSAL_CHECKS for f in report.findings):
        return list(report.findings)
    return [*report.findings, *(f for f in evidence.rehearsal.findings if f.check in ran)]


# ---------------------------------------------------------------- waivers


def _waive(
    waivers: list[Waiver], findings: list[Finding], notebook: Notebook, today: dt.date
) -> tuple[list[WaiverVerdict], set[int]]:
    """Each waiver's verdict, and the ids of the findings the valid ones accept."""
    waived: set[int] = set()
    verdicts = []
    cell_ids = {c.cell_id for c in notebook.cells if c.cell_id}
    in_force: set[tuple[str, str, str | None]] = set()
    for waiver in waivers:
        matched = [f for f in findings if f.check == waiver.check and (waiver.cell is None or f.cell_id == waiver.cell)]
        expires = waiver.expires.isoformat() if waiver.expires is not None else None
        key = (waiver.check, waiver.notebook, waiver.cell)  # (`./t.ipynb` is `t.ipynb` by now)
        if waiver.expired(today):
            status, note = "expired", f"expired on {expires}: renew it with a new date, or fix the finding"
            matched = []
        elif key in in_force:
            # the findings are the first one's: counting them twice would say two waivers accept them
            status, note = "unused", "the same waiver as one before it in the file: remove one of them"
            matched = []
        elif matched:
            status, note = "applied", ""
            waived |= {id(f) for f in matched}
            in_force.add(key)
        else:
            status, note = "unused", _unused(waiver, findings, cell_ids)
        verdicts.append(
            WaiverVerdict(
                waiver.check, waiver.notebook, waiver.cell, waiver.reason, expires, status, len(matched), note
            )
        )
    return verdicts, waived


def _unused(waiver: Waiver, findings: list[Finding], cell_ids: set[str | None]) -> str:
    if waiver.cell is not None and waiver.cell not in cell_ids:
        return f"no cell has the id {waiver.cell!r} (deleted or re-created?): remove the waiver or fix its cell"
    elsewhere = sorted({f.cell_index for f in findings if f.check == waiver.check and f.cell_index is not None})
    if elsewhere and waiver.cell is not None:
        cells = ", ".join(str(i + 1) for i in elsewhere)
        where = f"cell{'s' if len(elsewhere) > 1 else ''} {cells}"
        return f"`{waiver.check}` fires in {where}, not in the cell {waiver.cell!r}: fix the waiver's cell or remove it"
    return f"no `{waiver.check}` finding to waive (fixed?): remove the waiver"


# ---------------------------------------------------------------- clauses


def _clauses(contract: Contract, state: _Notebook) -> list[ClauseVerdict]:
    clauses = [_checklist(item, state) for item in contract.checklist]
    clauses += _max_severity(contract.max_severity, state)
    if contract.min_score is not None:
        clauses.append(_min_score(contract.min_score, state))
    if contract.no_secrets:
        clauses.append(_no_secrets(state))
    if contract.parameters_cell:
        clauses.append(_parameters_cell(state.notebook))
    if contract.rehearsed:
        clauses.append(_rehearsed(contract.rehearsal_max_age_days, state))
    if contract.exported_tests_pass:
        clauses.append(_exported_tests(state.evidence))
    return clauses


def _clause(
    id_: str,
    kind: ClauseKind,
    title: str,
    met: bool,
    reason: str,
    findings: Iterable[Finding] = (),
    actions: Iterable[ClauseAction] = (),
) -> ClauseVerdict:
    found = list(findings)
    wanted = list(actions)
    if found and "waive" not in wanted:
        wanted.append("waive")
    return ClauseVerdict(id_, kind, title, met, reason, [] if met else found, [] if met else wanted)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _listed(findings: list[Finding], limit: int = 4) -> str:
    """'`hidden-state` (error) in cell 3, 3 × `unpinned-import` (warning) in cell 1 …' for a
    reason: a check's findings in one cell once, counted (three imports of a cell are not three
    identical phrases)."""
    groups: dict[tuple[str, str, int | None], int] = {}
    for f in findings:
        groups[f.check, f.severity, f.cell_index] = groups.get((f.check, f.severity, f.cell_index), 0) + 1
    shown = list(groups.items())[:limit]
    parts = [
        f"{f'{n} × ' if n > 1 else ''}`{check}` ({severity}) in {'the notebook' if cell is None else cell_label(cell)}"
        for (check, severity, cell), n in shown
    ]
    more = len(findings) - sum(n for _, n in shown)
    return ", ".join(parts) + (f" and {more} more" if more > 0 else "")


def _checklist(item: str, state: _Notebook) -> ClauseVerdict:
    title = f"{ITEMS[item]} passes"
    status = next((i.status for i in state.report.checklist if i.id == item), "skipped")
    actions: list[ClauseAction] = ["freeze"] if item == "pinned-environment" else []
    if status == "skipped":
        checks = [c for c in BY_ID if item_of(c) == item]
        return _clause(
            f"checklist:{item}", "checklist", title, False, _not_run("none of its checks ran", checks, state)
        )
    failing = [f for f in state.kept if item_of(f.check) == item and f.severity in ("warning", "error")]
    if failing:
        reason = f"{_count(len(failing), 'finding')} at warning or above: {_listed(failing)}"
        return _clause(f"checklist:{item}", "checklist", title, False, reason, failing, actions)
    reason = "no warning or error among its checks" + _waived(state, lambda f: item_of(f.check) == item)
    return _clause(f"checklist:{item}", "checklist", title, True, reason)


def _waived(state: _Notebook, judged: Callable[[Finding], bool]) -> str:
    n = sum(1 for f in state.waived if judged(f))
    return f" ({n} waived)" if n else ""


def _tolerance(level: str) -> str:
    return {
        "none": "no finding",
        "info": "at most info",
        "warning": "at most warnings",
        "error": "any severity tolerated",
    }[level]


def _scope_of(finding: Finding, entries: dict[str, str]) -> str | None:
    """The most specific entry that judges a finding: its check, else its item, else all."""
    if finding.check in entries:
        return finding.check
    item = item_of(finding.check)
    if item in entries:
        return item
    return ALL if ALL in entries else None


def _max_severity(entries: dict[str, str], state: _Notebook) -> list[ClauseVerdict]:
    judged: dict[str, list[Finding]] = {key: [] for key in entries}
    for finding in state.kept:
        scope = _scope_of(finding, entries)
        if scope is not None:
            judged[scope].append(finding)
    clauses = []
    for key, level in entries.items():
        if key == ALL:
            title = {"none": "No findings", "error": "Any finding tolerated"}.get(level, f"No finding above {level}")
        else:
            name = ITEMS.get(key, f"`{key}`")
            title = f"{name}: {_tolerance(level)}"
        breaking = [f for f in judged[key] if _RANK[f.severity] > _RANK[level]]
        unconfirmed = _unconfirmed(key, state)
        if unconfirmed:
            clauses.append(_clause(f"max-severity:{key}", "max-severity", title, False, unconfirmed))
        elif breaking:
            reason = f"{_count(len(breaking), 'finding')} above what it tolerates: {_listed(breaking)}"
            actions: list[ClauseAction] = ["rehearse"] if any(f.check in REHEARSAL_CHECKS for f in breaking) else []
            clauses.append(_clause(f"max-severity:{key}", "max-severity", title, False, reason, breaking, actions))
        else:
            reason = _met_severity(level) + _waived(state, lambda f, key=key: _scope_of(f, entries) == key)
            clauses.append(_clause(f"max-severity:{key}", "max-severity", title, True, reason))
    return clauses


def _met_severity(level: str) -> str:
    return {
        "none": "no findings",
        "info": "nothing above info",
        "warning": "no errors",
        "error": "every finding is tolerated",
    }[level]


def _unconfirmed(key: str, state: _Notebook) -> str | None:
    """Why a max-severity entry cannot be judged: its check (or all its item's checks) did not run."""
    ran = state.ran
    if key == ALL:
        return None
    if key in ITEMS:
        checks = [c for c in [*BY_ID, *REHEARSAL_CHECKS] if item_of(c) == key]
        if any(c in ran for c in checks):
            return None
        return _not_run("none of its checks ran", checks, state)
    if key in ran:
        return None
    if key in REHEARSAL_CHECKS:
        return f"cannot be confirmed: `{key}` comes from a rehearsal, and there is none of this code: rehearse it"
    spec = BY_ID.get(key)
    if spec is not None and spec.live:
        return f"cannot be confirmed: `{key}` needs the notebook's live kernel, and a contract is judged without one"
    return _not_run(f"`{key}` did not run", [key], state)


def _not_run(what: str, checks: list[str], state: _Notebook) -> str:
    """'cannot be confirmed: … did not run' and why: the notebook is not Python (the checks read
    Python code: only a contract without the clause can pass it), else the configuration disables them."""
    if not state.notebook.is_python and any(BY_ID[c].python_only for c in checks if c in BY_ID):
        language = state.notebook.language
        language = language.upper() if len(language) == 1 else language.capitalize()
        return (
            f"cannot be confirmed: {what}: {'it reads' if len(checks) == 1 else 'they read'} Python code, and "
            f"this notebook's kernel is {language} (write a contract for its folder without this clause)"
        )
    return f"cannot be confirmed: {what}: disabled in [tool.jupyter-readiness]"


def _min_score(minimum: int, state: _Notebook) -> ClauseVerdict:
    title = f"Score at least {minimum}"
    score = rescored(state.kept)
    counted = f"score {score}"
    if state.waived and score != state.report.score:
        counted += f" with the waived findings accepted ({state.report.score} without)"
    if score >= minimum:
        return _clause("min-score", "min-score", title, True, counted)
    failing = [f for f in state.kept if f.severity in ("warning", "error")]
    return _clause("min-score", "min-score", title, False, f"{counted}, below {minimum}", failing)


def _no_secrets(state: _Notebook) -> ClauseVerdict:
    title = "No secrets in code"
    if "hardcoded-secret" not in state.ran:
        return _clause(
            "no-secrets",
            "no-secrets",
            title,
            False,
            _not_run("`hardcoded-secret` did not run", ["hardcoded-secret"], state),
        )
    secrets = [f for f in state.kept if f.check == "hardcoded-secret"]
    if secrets:
        reason = f"{_count(len(secrets), 'credential')} written in cells: move them to the environment or a vault"
        return _clause("no-secrets", "no-secrets", title, False, reason, secrets)
    waived = _waived(state, lambda f: f.check == "hardcoded-secret")
    reason = f"every credential found is waived{waived}" if waived else "no credential found in the code"
    return _clause("no-secrets", "no-secrets", title, True, reason)


def _parameters_cell(notebook: Notebook) -> ClauseVerdict:
    title = "A parameters cell"
    tagged = [c for c in notebook.code_cells() if PARAMETERS_TAG in c.tags]
    if not tagged:
        return _clause(
            "parameters-cell",
            "parameters-cell",
            title,
            False,
            "no code cell is tagged `parameters`: tag the cell that sets the run's inputs (papermill's "
            "convention), so a scheduler, a rehearsal and the export can pass other values",
        )
    cell = tagged[0]
    try:
        tree = python_tree(cell.source)
    except (SyntaxError, ValueError):
        return _clause(
            "parameters-cell",
            "parameters-cell",
            title,
            False,
            f"the parameters cell ({cell_label(cell.index)}) does not parse",
        )
    names = []
    for statement in tree.body:
        name = _literal_assignment(statement)
        if name is None:
            return _clause(
                "parameters-cell",
                "parameters-cell",
                title,
                False,
                f"the parameters cell ({cell_label(cell.index)}) line {statement.lineno} is not a name set to a "
                "literal: a scheduler could not pass another value for it; move the computation to a later cell",
            )
        if name:
            names.append(name)
    if not names:
        return _clause(
            "parameters-cell",
            "parameters-cell",
            title,
            False,
            f"the parameters cell ({cell_label(cell.index)}) sets nothing",
        )
    return _clause(
        "parameters-cell",
        "parameters-cell",
        title,
        True,
        f"{cell_label(cell.index)}: {', '.join(f'`{n}`' for n in names)}",
    )


def _literal_assignment(statement: ast.stmt) -> str | None:
    """The name a statement sets to a literal; '' for a docstring-like string; None otherwise."""
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return "" if isinstance(statement.value.value, str) else None
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target, value = statement.targets[0], statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target, value = statement.target, statement.value
    else:
        return None
    if not isinstance(target, ast.Name):
        return None
    try:
        ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return target.id


def _rehearsed(max_age: int | None, state: _Notebook) -> ClauseVerdict:
    title = "Rehearsed: two fresh runs pass"
    found, problem = state.evidence.rehearsal, state.evidence.rehearsal_problem

    def unmet(reason: str, findings: Iterable[Finding] = ()) -> ClauseVerdict:
        return _clause("rehearsed", "rehearsed", title, False, reason, findings, ["rehearse"])

    if found is None:
        if problem is not None:
            return unmet(f"the rehearsal record cannot be read ({problem}): rehearse again")
        return unmet("never rehearsed: run `jupyter-readiness rehearse` on it (two runs in fresh kernels)")
    when = rehearsed_on(found)
    on = f" on {when.isoformat()}" if when is not None else ""
    if not found.current:
        return unmet(f"the code changed since the last rehearsal{on}: rehearse again")
    if found.runs < 2:
        return unmet(f"the last rehearsal{on} ran once: rehearse with two runs (the default)")
    if max_age is not None and (when is None or (state.today - when).days > max_age):
        return unmet(f"the last rehearsal{on} is older than {max_age} days: rehearse again")
    failing = [f for f in state.kept if f.check in _BLOCKING_REHEARSAL]
    if failing:
        return unmet(f"the last rehearsal{on} found {_listed(failing)}", failing)
    if found.stopped is not None:
        # a waived rehearsal-error is accepted, but the cells below it were never rehearsed
        run, index, status = found.stopped
        at = f" at {cell_label(index)} ({status})" if index is not None and status != "not-run" else ""
        return unmet(
            f"the last rehearsal{on} did not get through the notebook: run {run} stopped{at} and what "
            "follows was not rehearsed: make it run top to bottom, then rehearse again"
        )
    return _clause("rehearsed", "rehearsed", title, True, f"rehearsed{on}: no `rehearsal-error` or `output-mismatch`")


def _exported_tests(evidence: Evidence) -> ClauseVerdict:
    title = "Exported package's tests pass"
    found, problem = evidence.tests, evidence.tests_problem
    how = "export it (`jupyter-readiness export`), then run `jupyter-readiness test-export` on the notebook"

    def unmet(reason: str) -> ClauseVerdict:
        return _clause(
            "exported-tests-pass", "exported-tests-pass", title, False, reason, (), ["export", "test-export"]
        )

    if found is None:
        if problem is not None:
            return unmet(f"the tests record cannot be read ({problem}): run `jupyter-readiness test-export` again")
        return unmet(f"no record of its package's tests: {how}")
    return _tests_verdict(found, title, unmet)


def _tests_verdict(found: TestsRun, title: str, unmet) -> ClauseVerdict:
    on = f" on {found.tested_at[:10]}"
    if not found.current:
        return unmet(
            f"the notebook's code changed since its package was tested{on}: export it again and re-run the tests"
        )
    if not found.package_found:
        return unmet(f"the package tested{on} ({found.package}) is not there any more: export it again")
    if not found.package_unchanged:
        return unmet(
            f"the package ({found.package}) changed since its tests ran{on}: run `jupyter-readiness test-export` again"
        )
    if not found.passed:
        summary = f": {found.summary}" if found.summary else ""
        return unmet(f"the package's tests failed{on} (exit code {found.exit_code}{summary})")
    summary = f" ({found.summary})" if found.summary else ""
    return _clause(
        "exported-tests-pass", "exported-tests-pass", title, True, f"the tests of {found.package} passed{on}{summary}"
    )
