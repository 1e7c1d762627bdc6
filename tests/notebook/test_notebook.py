"""Loading: nbformat 4 and 3, kernel languages, and a clear error for everything else."""

from __future__ import annotations

import json

import pytest

from helpers.notebooks import code, md, notebook
from jupyterlab_readiness.lint.engine import check_file
from jupyterlab_readiness.notebook.model import NotebookError, notebook_from_json, read_notebook

V3 = {
    "nbformat": 3,
    "nbformat_minor": 0,
    "metadata": {"name": "old"},
    "worksheets": [
        {
            "cells": [
                {"cell_type": "heading", "level": 1, "source": ["Title"], "metadata": {}},
                {
                    "cell_type": "code",
                    "language": "python",
                    "input": ["import datetime\n", "t = datetime.datetime.now()"],
                    "prompt_number": 3,
                    "outputs": [],
                    "metadata": {},
                },
                {
                    "cell_type": "code",
                    "language": "python",
                    "input": "x = 1",
                    "prompt_number": 2,
                    "outputs": [],
                    "metadata": {},
                },
            ]
        }
    ],
}


def test_nbformat4_cells_keep_index_over_all_cells_and_ids():
    nb = notebook_from_json(notebook(md("# hi"), code("x = 1", 0, cell_id="abc"), code("y", 4)))
    assert [(c.index, c.cell_type, c.cell_id, c.execution_count) for c in nb.cells] == [
        (0, "markdown", None, None),
        (1, "code", "abc", None),
        (2, "code", None, 4),
    ]


def test_code_cells_keep_a_reference_to_their_outputs_never_a_copy():
    # The credential check looks into outputs only when a cell holds a credential (checks/secrets.py);
    # the model keeps the list as the JSON holds it, and leaves it out of equality and repr.
    shown = [{"output_type": "stream", "name": "stdout", "text": ["s3cr3t-value\n"]}]
    data = notebook(md("# hi"), code("print(x)", 1, shown), code("y = 1", None), code("z", 2))
    data["cells"][3]["outputs"] = {"not": "a list"}
    cells = notebook_from_json(data).cells
    assert cells[1].outputs is data["cells"][1]["outputs"]
    assert [c.outputs for c in (cells[0], cells[2], cells[3])] == [(), (), ()]
    assert "s3cr3t-value" not in repr(cells[1])
    assert cells[1] == notebook_from_json(notebook(md("# hi"), code("print(x)", 1))).cells[1]


def test_nbformat3_is_converted(tmp_path):
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(V3))
    nb = read_notebook(path)
    assert (nb.nbformat, nb.language) == (3, "python")
    assert [(c.cell_type, c.execution_count) for c in nb.cells] == [("markdown", None), ("code", 3), ("code", 2)]
    report = check_file(path)
    checks = {(f.check, f.cell_index, f.line) for f in report.findings}
    assert ("wall-clock", 1, 2) in checks and (
        "out-of-order-execution",
        1,
        None,
    ) in checks  # on the cell that ran later


@pytest.mark.parametrize(
    ("metadata", "language"),
    [
        ({"kernelspec": {"name": "ir", "language": "R"}}, "r"),
        ({"language_info": {"name": "julia"}}, "julia"),
        ({"kernelspec": {"name": "python3", "language": "python"}}, "python"),
        ({"kernelspec": {"name": "conda-env-py37-py"}}, "python"),
        ({}, "python"),
    ],
)
def test_kernel_language(metadata, language):
    assert notebook_from_json({"nbformat": 4, "metadata": metadata, "cells": []}).language == language


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b" \n", "the file is empty"),
        (b"{not json", "invalid JSON"),
        (b"[1, 2]", "top level is not an object"),
        (b'{"cells": []}', "no 'nbformat'"),
        (b'{"nbformat": "4", "cells": []}', "'nbformat' version is not a number"),
        (b'{"nbformat": 4.0, "cells": []}', "'nbformat' version is not a number"),
        (b'{"nbformat": 5, "cells": []}', "unsupported nbformat 5"),
        (b'{"nbformat": 4, "cells": {}}', "'cells' is missing or not a list"),
        (b'{"nbformat": 3, "nbformat_minor": 0}', "'worksheets' is missing or not a list"),
        (b'{"nbformat": 3, "worksheets": null}', "'worksheets' is missing or not a list"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not UTF-8"),
        (b"[" * 100000, "nested too deeply"),
    ],
)
def test_unreadable_files_give_a_reason_never_a_traceback(tmp_path, content, reason):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(NotebookError, match=reason):
        read_notebook(path)
    report = check_file(path)
    assert report.error and reason in report.error and report.score == 0 and report.findings == []


def test_odd_cells_are_tolerated(tmp_path):
    nb = {
        "nbformat": 4,
        "metadata": {},
        "cells": [
            {"cell_type": "code", "source": [], "execution_count": "7", "outputs": [1, None]},
            {"source": ["x"]},
        ],
    }
    parsed = notebook_from_json(nb)
    assert [(c.cell_type, c.source, c.execution_count) for c in parsed.cells] == [
        ("code", "", None),
        ("raw", "x", None),
    ]


@pytest.mark.parametrize(
    ("cell", "kind"), [("junk", "a string"), (None, "null"), (7, "a number"), (["x = 1"], "a list")]
)
def test_a_cell_that_is_not_an_object_makes_the_notebook_unreadable(cell, kind):
    nb = {"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "source": "x = 1"}, cell]}
    with pytest.raises(NotebookError) as info:
        notebook_from_json(nb)
    assert str(info.value) == f"not a notebook: cell 2 is {kind}, not a cell (an object)"


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (5, "cell 2's 'source' is a number, not text"),
        ({"code": "x = 1"}, "cell 2's 'source' is an object, not text"),
        (None, "cell 2's 'source' is null, not text"),
        (True, "cell 2's 'source' is a boolean, not text"),
        (["x = 1\n", 7, "y = 2"], "cell 2's 'source' is a list holding a number \\(item 2\\), not only strings"),
        (["x = 1\n", ["y"]], "cell 2's 'source' is a list holding a list \\(item 2\\)"),
    ],
)
def test_a_cell_source_of_the_wrong_type_makes_the_notebook_unreadable(tmp_path, source, reason):
    # Read as an empty cell, its code would be lost and the notebook reported "ready" unseen.
    nb = {"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "markdown", "source": "# t"}, {"cell_type": "code"}]}
    nb["cells"][1]["source"] = source
    with pytest.raises(NotebookError, match="^not a notebook: " + reason) as caught:
        notebook_from_json(nb)
    assert "x = 1" not in str(caught.value) and "code" not in str(caught.value)  # never the content
    path = tmp_path / "bad.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    report = check_file(path)
    assert report.error == str(caught.value) and report.score == 0 and report.findings == []


def test_a_cell_without_its_source_makes_the_notebook_unreadable():
    with pytest.raises(NotebookError, match=r"^not a notebook: cell 1 has no 'source'$"):
        notebook_from_json({"nbformat": 4, "cells": [{"cell_type": "code", "outputs": []}]})
    v3 = {"nbformat": 3, "worksheets": [{"cells": [{"cell_type": "markdown", "source": ""}, {"cell_type": "code"}]}]}
    with pytest.raises(NotebookError, match=r"^not a notebook: cell 2 has no 'input'$"):
        notebook_from_json(v3)
    v3["worksheets"][0]["cells"][1]["input"] = 3
    with pytest.raises(NotebookError, match=r"^not a notebook: cell 2's 'input' is a number"):
        notebook_from_json(v3)
