"""Re-checks reuse per-cell results; they must equal a cold check of the same notebook, always."""

from __future__ import annotations

import copy

import pytest

from helpers.notebooks import code, md, notebook
from jupyterlab_readiness.contract.report import to_dict
from jupyterlab_readiness.lint.engine import check_notebook, clear_cache

BASE = notebook(
    md("# Pipeline"),
    code("import datetime as dt\nimport numpy as np", 1),
    code("stamp = dt.datetime.now()", 2),
    code("np.random.seed(0)", 3),
    code("x = np.random.rand(3)\ny = open('out.csv', 'a')\nprint(x)", 4),
    code("token_value = 1\npassword = 'hunter22'\npath = '/home/ana/x.csv'", 5),
    code("!pip install pandas", 6),
)


def _dump(report):
    return [to_dict(f) for f in report.findings], [to_dict(i) for i in report.checklist], report.score


def _cold(nb):
    clear_cache()
    return _dump(check_notebook(copy.deepcopy(nb), "/tmp/nb.ipynb"))


EDITS = {
    "unchanged": lambda nb: None,
    "import alias changes meaning for a later cell": lambda nb: nb["cells"][1].update(
        source="import time as dt\nimport numpy as np"
    ),
    "seed removed above a draw": lambda nb: nb["cells"][3].update(source="pass"),
    "cells reordered": lambda nb: nb["cells"].insert(1, nb["cells"].pop(4)),
    "same source twice": lambda nb: nb["cells"].append(copy.deepcopy(nb["cells"][2])),
    "cell deleted": lambda nb: nb["cells"].pop(1),
    "print removed": lambda nb: nb["cells"][4].update(source="x = np.random.rand(3)"),
}


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_recheck_after_an_edit_equals_a_cold_check(edit):
    clear_cache()
    check_notebook(copy.deepcopy(BASE), "/tmp/nb.ipynb")  # fills the per-cell memo
    edited = copy.deepcopy(BASE)
    EDITS[edit](edited)
    warm = _dump(check_notebook(copy.deepcopy(edited), "/tmp/nb.ipynb"))
    assert warm == _cold(edited)


def test_memo_changes_nothing_but_speed():
    clear_cache()
    memo_first = _dump(check_notebook(copy.deepcopy(BASE), "/tmp/nb.ipynb"))
    memo_hit = _dump(check_notebook(copy.deepcopy(BASE), "/tmp/nb.ipynb"))
    from jupyterlab_readiness.lint.engine import check_model
    from jupyterlab_readiness.notebook.model import notebook_from_json

    plain = _dump(check_model(notebook_from_json(copy.deepcopy(BASE)), None, None, "/tmp/nb.ipynb", memoize=False))
    assert memo_first == memo_hit
    assert [f["check"] for f in plain[0]] == [f["check"] for f in memo_first[0]]
    assert plain[1:] == memo_first[1:]
    checks = {f["check"] for f in memo_first[0]}
    assert {
        "wall-clock",
        "append-write",
        "print-logging",
        "hardcoded-secret",
        "absolute-path",
        "unpinned-install",
    } <= checks


def test_alias_change_is_seen_by_a_later_unchanged_cell():
    clear_cache()
    first = check_notebook(copy.deepcopy(BASE), "/tmp/nb.ipynb")
    assert any(f.check == "wall-clock" and f.cell_index == 2 for f in first.findings)
    edited = copy.deepcopy(BASE)
    edited["cells"][1]["source"] = "import numpy as np\nimport mymodule as dt"
    again = check_notebook(edited, "/tmp/nb.ipynb")
    assert not any(f.check == "wall-clock" for f in again.findings)


def test_a_cell_after_the_same_import_sees_what_was_imported_before_it():
    """The imports in force are named by everything imported before a cell, not by the last
    import alone: here the same ``import os`` follows two different meanings of ``dt``."""
    clear_cache()
    clock = notebook(code("import datetime as dt", 1), code("import os", 2), code("t = dt.datetime.now()", 3))
    other = copy.deepcopy(clock)
    other["cells"][0]["source"] = "import mymodule as dt"
    first = check_notebook(copy.deepcopy(clock), "/tmp/nb.ipynb")
    assert any(f.check == "wall-clock" and f.cell_index == 2 for f in first.findings)
    second = _dump(check_notebook(copy.deepcopy(other), "/tmp/nb.ipynb"))
    assert not any(f["check"] == "wall-clock" for f in second[0])
    assert second == _cold(other)
