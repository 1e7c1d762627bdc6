"""Writing a waiver into a contract file: format-preserving, one waiver per check, notebook and
cell, and nothing written that would change the file's other keys or break the contract."""

from __future__ import annotations

import datetime as dt

import pytest

from jupyterlab_readiness.compat import tomllib
from jupyterlab_readiness.handoff.edit import NewWaiver, with_waiver
from jupyterlab_readiness.handoff.spec import ContractError

WAIVER = NewWaiver("unpinned-import", "notebooks/a.ipynb", "c1", "an internal wheel", dt.date(2026, 6, 30))
ADDED = """\
[[tool.jupyter-readiness.contract.waivers]]
check = "unpinned-import"
notebook = "notebooks/a.ipynb"
cell = "c1"
reason = "an internal wheel"
expires = 2026-06-30
"""

PYPROJECT = """\
[project]
name = "demo"  # the team's project
dependencies = [
    "pandas==2.2.0",
]

[tool.jupyter-readiness]
disable = ["print-logging"]

[tool.jupyter-readiness.contract]
min-score = 80   # agreed in the handoff review

[[tool.jupyter-readiness.contract.waivers]]
check = "hidden-state"
notebook = "notebooks/a.ipynb"
reason = "loaded by the team's start-up script"

[tool.ruff]
line-length = 100
"""


def test_a_waiver_is_added_after_the_others_and_nothing_else_moves():
    after, replaced = with_waiver(PYPROJECT, "pyproject", WAIVER, "pyproject.toml")
    assert not replaced
    head, tail = PYPROJECT.split("[tool.ruff]")
    assert after == head + ADDED + "\n[tool.ruff]" + tail


def test_a_file_with_windows_line_endings_keeps_them():
    """A pyproject.toml saved on Windows: the waiver's lines end as the file's others do, and the
    rest of the file is byte for byte what it was."""
    windows = PYPROJECT.replace("\n", "\r\n")
    after, _ = with_waiver(windows, "pyproject", WAIVER, "pyproject.toml")
    assert after == with_waiver(PYPROJECT, "pyproject", WAIVER, "pyproject.toml")[0].replace("\n", "\r\n")
    assert after.count("\n") == after.count("\r\n")
    replaced, _ = with_waiver(after, "pyproject", WAIVER, "pyproject.toml")
    assert replaced == after


def test_the_same_waiver_again_replaces_its_reason_and_expiry():
    once, _ = with_waiver(PYPROJECT, "pyproject", WAIVER, "pyproject.toml")
    again, replaced = with_waiver(once, "pyproject", WAIVER, "pyproject.toml")
    assert replaced and again == once  # idempotent
    renewed, replaced = with_waiver(
        once, "pyproject", NewWaiver(WAIVER.check, WAIVER.notebook, "c1", "pinned by the platform", None), "x"
    )
    waivers = tomllib.loads(renewed)["tool"]["jupyter-readiness"]["contract"]["waivers"]
    assert replaced and len(waivers) == 2
    assert waivers[1] == {
        "check": "unpinned-import",
        "notebook": "notebooks/a.ipynb",
        "cell": "c1",
        "reason": "pinned by the platform",
    }


def test_a_hand_written_waiver_naming_the_notebook_otherwise_is_the_one_replaced():
    """The contract reads ``./notebooks/a.ipynb`` as ``notebooks/a.ipynb``: waive must too, or the
    file ends with two waivers of one finding."""
    by_hand = PYPROJECT.replace('notebook = "notebooks/a.ipynb"', 'notebook = "./notebooks/a.ipynb"')
    renewed = NewWaiver("hidden-state", "notebooks/a.ipynb", None, "set by the scheduler", None)
    after, replaced = with_waiver(by_hand, "pyproject", renewed, "pyproject.toml")
    waivers = tomllib.loads(after)["tool"]["jupyter-readiness"]["contract"]["waivers"]
    assert replaced and [(w["notebook"], w["reason"]) for w in waivers] == [
        ("./notebooks/a.ipynb", "set by the scheduler")
    ]


def test_a_project_without_a_contract_gets_one_with_only_the_waiver():
    text = "[project]\nname = 'demo'\n\n[tool.ruff]\nline-length = 100\n"
    after, _ = with_waiver(text, "pyproject", WAIVER, "pyproject.toml")
    assert after == text + "\n" + ADDED
    contract = tomllib.loads(after)["tool"]["jupyter-readiness"]["contract"]
    assert list(contract) == ["waivers"]  # the default contract's clauses are untouched


def test_a_new_standalone_file_and_an_inline_array():
    created, _ = with_waiver(None, "standalone", WAIVER, "readiness-contract.toml")
    assert created.startswith("# The handoff contract of the notebooks in this folder")
    assert created.endswith(ADDED.replace("tool.jupyter-readiness.contract.", ""))
    inline = (
        "[tool.jupyter-readiness.contract]\n"
        'waivers = [\n  { check = "wall-clock", notebook = "b.ipynb", reason = "daily" },\n]\n'
    )
    after, _ = with_waiver(inline, "pyproject", WAIVER, "pyproject.toml")
    waivers = tomllib.loads(after)["tool"]["jupyter-readiness"]["contract"]["waivers"]
    assert [w["check"] for w in waivers] == ["wall-clock", "unpinned-import"]
    assert after.startswith(inline.split("]\n")[0])  # the existing entry is kept as written


def test_a_contract_written_as_an_inline_table_gets_the_waiver_inline():
    for text in (
        "[tool.jupyter-readiness]\ncontract = { min-score = 50 }  # agreed\n",
        "tool = { jupyter-readiness = { contract = { min-score = 50 } } }\n",
    ):
        after, replaced = with_waiver(text, "pyproject", WAIVER, "pyproject.toml")
        contract = tomllib.loads(after)["tool"]["jupyter-readiness"]["contract"]
        assert not replaced and contract == {"min-score": 50, "waivers": [WAIVER.table()]}
        assert after.count("\n") == text.count("\n")
    again, replaced = with_waiver(after, "pyproject", WAIVER, "pyproject.toml")
    assert replaced and again == after


def test_what_cannot_be_edited_safely_is_refused():
    with pytest.raises(ContractError, match=r"pyproject\.toml: not valid TOML"):
        with_waiver("[tool\n", "pyproject", WAIVER, "pyproject.toml")
    with pytest.raises(ContractError, match="without changing other keys"):
        with_waiver("[tool]\njupyter-readiness.contract.min-score = 50\n", "pyproject", WAIVER, "pyproject.toml")
    with pytest.raises(ContractError, match=r"pyproject.toml:2: tool.jupyter-readiness.contract.min-score"):
        with_waiver("[tool.jupyter-readiness.contract]\nmin-score = 500\n", "pyproject", WAIVER, "pyproject.toml")
    with pytest.raises(ContractError, match="waivers: must be an array"):
        with_waiver("[tool.jupyter-readiness.contract]\nwaivers = 3\n", "pyproject", WAIVER, "pyproject.toml")
    table = '{check = "hidden-state", notebook = "a.ipynb", reason = "r"}'
    for entries in ("[1, 2]", '["unpinned-import"]', f"[{table}, 3]"):
        text = f"[tool.jupyter-readiness.contract]\nwaivers = {entries}\n"
        with pytest.raises(ContractError, match="waivers: must be an array of waiver tables"):
            with_waiver(text, "pyproject", WAIVER, "pyproject.toml")
