"""The contract a team writes: where it is found, the default when none is declared, and invalid
contracts — each mistake one line naming the file, the line, the key and what is allowed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from helpers.notebooks import code, notebook
from jupyterlab_readiness.files import Root
from jupyterlab_readiness.handoff.judge import judge
from jupyterlab_readiness.handoff.source import DEFAULT_CONTRACT, find_contract
from jupyterlab_readiness.handoff.spec import DEFAULT, ContractError, parse
from jupyterlab_readiness.notebook.model import read_notebook

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def in_project(project, monkeypatch):
    monkeypatch.chdir(project)  # the CLI names files relative to the current folder


def problems(project: Path, text: str, name: str = "pyproject.toml") -> list[str]:
    (project / name).write_text(text, encoding="utf-8")
    with pytest.raises(ContractError) as info:
        find_contract(project, Root(None))
    return info.value.problems


def test_the_default_contract():
    assert DEFAULT.checklist == ["pinned-environment"]
    assert DEFAULT.max_severity == {"all": "warning"}
    assert DEFAULT.no_secrets is True
    assert DEFAULT.min_score is None and not DEFAULT.parameters_cell and not DEFAULT.rehearsed
    assert not DEFAULT.exported_tests_pass and DEFAULT.waivers == []


def test_a_declared_contract_starts_from_the_default(project):
    (project / "pyproject.toml").write_text(
        "[tool.jupyter-readiness.contract]\nmin-score = 80\nno-secrets = false\n"
        'max-severity = { hidden-state = "none" }\n'
    )
    found = find_contract(project, Root(None))
    assert found.file == project / "pyproject.toml" and found.kind == "pyproject"
    contract = found.contract
    assert contract.min_score == 80 and contract.no_secrets is False
    assert contract.max_severity == {"hidden-state": "none"}  # a key written replaces the default's value
    assert contract.checklist == ["pinned-environment"]  # a key not written keeps it


def test_where_the_contract_is_found(project):
    sub = project / "team" / "notebooks"
    sub.mkdir(parents=True)
    assert find_contract(sub, Root(None)) is DEFAULT_CONTRACT  # nothing declared
    (project / "pyproject.toml").write_text("[tool.jupyter-readiness.contract]\nmin-score = 50\n")
    assert find_contract(sub, Root(None)).contract.min_score == 50  # found upwards
    (project / "team" / "readiness-contract.toml").write_text("min-score = 70\n")
    nearer = find_contract(sub, Root(None))
    assert nearer.kind == "standalone" and nearer.contract.min_score == 70  # the nearest wins
    (project / "team" / "readiness-contract.toml").unlink()
    (project / "team" / "pyproject.toml").write_text('[tool.jupyter-readiness]\ndisable = ["print-logging"]\n')
    assert find_contract(sub, Root(None)) is DEFAULT_CONTRACT  # a project configured without a contract
    (project / "team" / "pyproject.toml").write_text("[project]\nname = 'team'\n")
    assert find_contract(sub, Root(None)).contract.min_score == 50  # a pyproject without our table: look further


def test_nothing_above_the_server_root_is_read(project):
    (project / "pyproject.toml").write_text("[tool.jupyter-readiness.contract]\nmin-score = 50\n")
    served = project / "served"
    served.mkdir()
    assert find_contract(served, Root(served)) is DEFAULT_CONTRACT
    assert find_contract(served, Root(None)).contract.min_score == 50


def test_declaring_it_twice_in_one_folder_is_an_error(project):
    (project / "pyproject.toml").write_text("[tool.jupyter-readiness.contract]\nmin-score = 50\n")
    (project / "readiness-contract.toml").write_text("min-score = 60\n")
    with pytest.raises(ContractError, match="declare it once"):
        find_contract(project, Root(None))


INVALID = """\
[project]
name = "demo"

[tool.jupyter-readiness.contract]
checklist = ["pinned-environment", "tests-pass"]
min-scor = 80
min-score = "80"
max-severity = { all = "warn", hiden-state = "none", secrets = "none" }
no-secrets = "yes"

[[tool.jupyter-readiness.contract.waivers]]
check = "hidden-state"
notebook = "analysis.ipynb"
reason = "   "

[[tool.jupyter-readiness.contract.waivers]]
check = "hiden-state"
notebook = "/home/ann/analysis.ipynb"
expires = "next week"
owner = "ann"
"""


def test_every_mistake_is_one_line_with_the_file_the_line_and_what_is_allowed(project):
    found = problems(project, INVALID)
    prefix = "pyproject.toml:{}: tool.jupyter-readiness.contract."
    expected = [
        (5, "checklist[1]: unknown checklist item 'tests-pass' (known: pinned-environment, deterministic-inputs, "),
        (6, "min-scor: unknown clause (allowed: checklist, max-severity, min-score, no-secrets, parameters-cell, "),
        (7, "min-score: must be an integer from 0 to 100, not a string"),
        (8, "max-severity.all: must be one of none, info, warning, error"),
        (8, "max-severity.hiden-state: 'hiden-state' is neither 'all', a checklist item ("),
        (9, "no-secrets: must be true or false, not a string"),
        (14, "waivers[0].reason: must be a non-empty text saying why the finding is accepted"),
        (16, "waivers[1].reason: missing: a waiver needs a non-empty text saying why the finding is accepted"),
        (17, "waivers[1].check: unknown check id 'hiden-state' (known: absolute-path, "),
        (18, "waivers[1].notebook: the notebook is named relative to the folder of the contract file, inside it"),
        (19, "waivers[1].expires: a date is written 2026-06-30"),
        (20, "waivers[1].owner: unknown key in a waiver (allowed: check, notebook, cell, reason, expires)"),
    ]
    assert len(found) == len(expected), "\n".join(found)
    for problem, (line, start) in zip(found, expected, strict=True):
        assert problem.startswith(prefix.format(line) + start), problem
    assert not any("max-severity.secrets" in p for p in found)  # a checklist item is a valid key


def test_the_missing_reason_points_at_the_waiver(project):
    found = problems(project, INVALID)
    (missing,) = [p for p in found if "missing" in p]
    assert missing.startswith("pyproject.toml:16:")  # the [[…waivers]] header of the second waiver


def test_a_standalone_file_names_its_keys_without_a_prefix(project):
    found = problems(
        project,
        "# the team's contract\nrehearsal-max-age-days = 0\nparameters-cell = 1\n",
        name="readiness-contract.toml",
    )
    assert found == [
        "readiness-contract.toml:2: rehearsal-max-age-days: must be a whole number of days, at least 1",
        "readiness-contract.toml:3: parameters-cell: must be true or false, not an integer",
    ]
    found = problems(project, "rehearsal-max-age-days = 30\n", name="readiness-contract.toml")
    assert found == ["readiness-contract.toml: contract: rehearsal-max-age-days applies only with rehearsed = true"]


def test_dates_and_waivers_in_other_layouts(project):
    (project / "readiness-contract.toml").write_text(
        "waivers = [\n"
        '  { check = "wall-clock", notebook = "a.ipynb", reason = "daily report", expires = 2026-06-30 },\n'
        '  { check = "wall-clock", notebook = "b.ipynb", reason = "x", expires = "2026-07-01" },\n'
        '  { check = "wall-clock", notebook = "c.ipynb", reason = "x", expires = 2026-07-01T10:00:00 },\n'
        "]\n"
    )
    with pytest.raises(ContractError) as info:
        find_contract(project, Root(None))
    assert info.value.problems == [
        "readiness-contract.toml:1: waivers[2].expires: a date is written 2026-06-30, without a time"
    ]


def test_not_toml_or_not_a_table(project):
    # the line first, as for the contract's other mistakes (tomllib says it at the end)
    assert problems(project, "[tool.jupyter-readiness.contract\nmin-score = 1\n") == [
        "pyproject.toml:1: not valid TOML: Expected ']' at the end of a table declaration (column 33)"
    ]
    assert problems(project, "[tool.jupyter-readiness]\ncontract = 3\n") == [
        "pyproject.toml:2: tool.jupyter-readiness.contract: must be a table of clauses"
    ]
    assert problems(project, "# team\nmax-severity = { all =", name="readiness-contract.toml") == [
        "readiness-contract.toml:2: not valid TOML: Invalid value at the end of the file"
    ]


def test_an_invalid_contract_is_the_verdicts_error(project):
    (project / "pyproject.toml").write_text("[tool.jupyter-readiness.contract]\nmin-score = 101\n")
    path = project / "a.ipynb"
    path.write_text(json.dumps(notebook(code("x = 1", 1))))
    verdict = judge(read_notebook(path), path, "a.ipynb", Root(None), today=TODAY)
    assert not verdict.ready and verdict.clauses == []
    assert verdict.error.endswith(
        "pyproject.toml:2: tool.jupyter-readiness.contract.min-score: must be an integer from 0 to 100"
    )


def test_parse_without_text_has_no_line_numbers():
    with pytest.raises(ContractError) as info:
        parse({"min-score": True}, "contract")
    assert info.value.problems == ["contract: min-score: must be an integer from 0 to 100, not a boolean"]
