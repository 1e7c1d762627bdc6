"""One notebook's handoff verdict, the way the CLI and the server both reach it: find the project's
contract and configuration, check the notebook as ``jupyter-readiness check`` would (no kernel),
read the evidence records the contract asks for, evaluate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..contract.replies import ContractVerdict
from ..contract.report import Finding, NotebookReport
from ..files import Root
from ..lint.config import CheckConfig, ConfigError, project_config
from ..lint.engine import check_model
from ..lint.sidecar import read_record
from ..notebook.model import Notebook
from .evidence import load_evidence
from .source import ProjectContract, find_contract
from .spec import ContractError
from .verdict import checks_run, evaluate, failed_verdict, judged_findings


def project_contract(directory: Path, root: Root) -> ProjectContract | str:
    """The contract for notebooks in ``directory``, or why it is invalid (one problem a line)."""
    try:
        return find_contract(directory, root)
    except ContractError as exc:
        return f"invalid contract: {exc}"


def judge(
    notebook: Notebook,
    notebook_path: Path,
    shown: str,
    root: Root,
    *,
    today: dt.date,
    report: NotebookReport | None = None,
    config: CheckConfig | None = None,
    memoize: bool = True,
    project: ProjectContract | str | None = None,
) -> ContractVerdict:
    """``report`` and ``config``: the report the caller already made with the project's
    configuration and no kernel (then it is not made twice); ``project``: the notebook folder's
    ``project_contract`` when the caller looked it up already."""
    if project is None:
        project = project_contract(notebook_path.parent, root)
    if isinstance(project, str):
        return failed_verdict(shown, project)
    if config is None:
        try:
            config = project_config(notebook_path.parent, root.ceiling)
        except ConfigError as exc:
            return failed_verdict(shown, f"configuration error: {exc}", project)
    if report is None:
        report = check_model(
            notebook,
            notebook_path,
            config,
            shown,
            memoize=memoize,
            rehearsal=read_record(notebook_path, root),
            ceiling=root.ceiling,
        )
    contract = project.contract
    evidence = load_evidence(notebook, notebook_path, root, rehearsal=True, tests=contract.exported_tests_pass)
    return evaluate(
        project,
        report,
        notebook,
        evidence,
        checks_run(config, notebook, evidence),
        waiver_name=project.waiver_name(notebook_path),
        today=today,
    )


def findings_to_waive(notebook: Notebook, notebook_path: Path, root: Root) -> list[Finding]:
    """What a waiver for the notebook may accept: the findings its verdict judges, found as
    ``judge`` finds them (the project's configuration, no kernel, the current rehearsal's).
    Raises ConfigError when the project's configuration is invalid."""
    config = project_config(notebook_path.parent, root.ceiling)
    report = check_model(
        notebook, notebook_path, config, "", rehearsal=read_record(notebook_path, root), ceiling=root.ceiling
    )
    evidence = load_evidence(notebook, notebook_path, root, rehearsal=True, tests=False)
    return judged_findings(report, evidence, checks_run(config, notebook, evidence))
