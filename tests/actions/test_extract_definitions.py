"""Extract to module, a selection that only defines names: the definitions move to the module as
they are (a class is then the module's, picklable and importable, and reprs as in the notebook)
and the cell imports them; anything the module could not reproduce keeps the generated function."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers.cli import readiness
from helpers.executed import execute_all, joined_streams
from helpers.notebooks import code, md, notebook
from helpers.ruff import ruff
from jupyterlab_readiness.actions.errors import ExtractionRefused
from jupyterlab_readiness.actions.extract.plan import plan
from jupyterlab_readiness.contract.requests import ExtractRequest
from jupyterlab_readiness.files import Root

HELPERS = '''from dataclasses import dataclass, field

SCALE = 10  # units per square
OPS = ("+", "-")


@dataclass
class Cage:
    """Squares that add up to a target."""

    target: int
    squares: list = field(default_factory=list)

    def size(self):
        # every square counts SCALE units
        return len(self.squares) * SCALE


def area(r):
    return round(math.pi * r**2, 3)'''

PUZZLE = [
    code("import math\nimport pickle"),
    md("## Helpers"),
    code(HELPERS),
    code("cage = Cage(3, ['A1', 'A2'])\nprint(cage, cage.size(), area(2), OPS, field.__name__)"),
    code("blob = pickle.dumps(cage)\nprint(pickle.loads(blob) == cage, type(cage).__qualname__)"),
    code("cage"),
]


def extracted(cells: list[dict[str, Any]], indices: list[int], tmp_path: Path, **names: str | None):
    nb = notebook(*cells)
    (tmp_path / "analysis.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    request = ExtractRequest(path="analysis.ipynb", cell_indices=indices, **names)
    return plan(request, Root(tmp_path))


def _outputs(cell: dict[str, Any]) -> list[Any]:
    return [
        (o["output_type"], o.get("name"), o.get("text"), o.get("data"), o.get("ename"))
        for o in joined_streams(cell.get("outputs", []))
    ]


def test_helpers_move_as_they_are_and_the_rewritten_notebook_shows_what_the_original_did(project: Path) -> None:
    original = notebook(*PUZZLE)
    (project / "analysis.ipynb").write_text(json.dumps(original), encoding="utf-8")
    done = readiness("extract", "analysis.ipynb", "--cells", "1-2", cwd=project, timeout=120)
    assert done.returncode == 0, done.stderr
    module = (project / "analysis.py").read_text(encoding="utf-8")
    # the cell's text at the module's top level, after the imports it needs (math, from the cell above)
    assert module.endswith(HELPERS.split("\n", 2)[2] + "\n")
    assert (
        module.index("import math")
        < module.index("from dataclasses import dataclass, field")
        < module.index("SCALE = 10")
    )
    assert "def step" not in module and "<locals>" not in module
    ruff(module, project, "analysis.py")  # (the same text, written again)
    rewritten = json.loads((project / "analysis.extracted.ipynb").read_text(encoding="utf-8"))
    # `field` is read below: the cell imports it as the selection did
    assert "".join(rewritten["cells"][2]["source"]) == (
        "from dataclasses import field\nfrom analysis import SCALE, OPS, Cage, area"
    )
    (project / "before").mkdir()
    runs = execute_all({"original": (original, project / "before"), "rewritten": (rewritten, project)}, timeout=60)
    before, after = runs["original"]["cells"], runs["rewritten"]["cells"]
    assert [_outputs(c) for c in after[3:]] == [_outputs(c) for c in before[3:]]
    assert not [o for c in after for o in _outputs(c) if o[0] == "error"]
    # pickled by reference to the module's class, whose name is the notebook's own
    assert _outputs(after[4]) == [("stream", "stdout", "True Cage\n", None, None)]
    assert "".join(_outputs(after[5])[0][3]["text/plain"]) == "Cage(target=3, squares=['A1', 'A2'])"


def test_the_reply_says_what_moved_and_no_function(project: Path) -> None:
    planned = extracted(PUZZLE, [2], project)
    reply = planned.reply
    assert (reply.function, reply.parameters, reply.returns) == ("", [], [])
    assert reply.definitions == ["SCALE", "OPS", "Cage", "area"]
    assert reply.warnings == []


def test_a_function_name_asked_for_is_not_generated_and_a_warning_says_why(project: Path) -> None:
    reply = extracted(PUZZLE, [2], project, function="make_helpers").reply
    assert reply.definitions == ["SCALE", "OPS", "Cage", "area"] and reply.function == ""
    assert reply.warnings == [
        "No function was generated: the selection only defines names, which move to the module as they are and "
        "which the replacement cell imports."
    ]
    assert "make_helpers" not in " ".join(reply.warnings)  # never repeat request input


def test_a_future_import_goes_to_the_module_s_top_and_stays_in_the_cell(project: Path) -> None:
    """As the generated function's: the module runs as the notebook did, and IPython keeps the
    feature on for the cells below."""
    cell = (
        "from __future__ import annotations\n\n\nclass Node:\n    def copy(self) -> Node:\n        return Node()\n\n\n"
        "async def fetch(n: Node) -> Node:\n    return n"
    )
    reply = extracted([code(cell), code("print(type(Node().copy()).__name__)")], [0], project).reply
    assert reply.definitions == ["Node", "fetch"]
    assert reply.module_text.endswith(f"\n\nfrom __future__ import annotations\n\n\n{cell.split(chr(10), 3)[3]}\n")
    assert "".join(reply.replacement_cell["source"]) == (
        "from __future__ import annotations\nfrom analysis import Node, fetch"
    )
    ruff(reply.module_text, project, "analysis.py")


WRAPPED = {
    # moved to a module, `df` would be unresolved: the function takes it as a parameter
    "reads a variable of a cell above": (
        [code("df = [3, 1]"), code("def top():\n    return max(df)"), code("print(top())")],
        ["df"],
    ),
    # a decorator runs where the function is defined: same rule
    "decorated by a variable above": (
        [code("registry = []\nremember = registry.append"), code("@remember\ndef f():\n    return 1"), code("f()")],
        ["remember"],
    ),
    "a default from a variable above": ([code("n = 2"), code("def g(k=n):\n    return k"), code("g()")], ["n"]),
    # a call is no definition
    "a constant from a call": (
        [code("import os"), code("SEP = os.sep.upper()\n\ndef h():\n    return SEP"), code("h()")],
        [],
    ),
    "a loop": ([code("x = 1"), code("for i in range(2):\n    pass\n\ndef k():\n    return x"), code("k()")], ["x"]),
}


@pytest.mark.parametrize("name", list(WRAPPED))
def test_definitions_the_module_could_not_reproduce_keep_the_generated_function(name: str, project: Path) -> None:
    cells, parameters = WRAPPED[name]
    reply = extracted(cells, [1], project).reply
    assert (reply.definitions, reply.parameters) == ([], parameters)
    assert f"from analysis import {reply.function}\n" in "".join(reply.replacement_cell["source"])


def test_a_helper_reading_a_name_a_cell_below_rebinds_keeps_today_s_refusal(project: Path) -> None:
    """The module's function would keep reading the module's RATE, not the notebook's new one."""
    cells = [code("RATE = 2\n\ndef scale(v):\n    return v * RATE"), code("print(scale(1))"), code("RATE = 3")]
    with pytest.raises(ExtractionRefused, match="reads `RATE`, which cell 3 rebinds"):
        extracted(cells, [0], project)


def test_a_later_constant_the_class_reads_before_it_binds_it_keeps_today_s_path(project: Path) -> None:
    """The notebook's class body read the value a cell above bound; the module's would not exist yet."""
    cells = [code("LIMIT = 1"), code("class Box:\n    cap = LIMIT\n\nLIMIT = 5"), code("print(Box.cap, LIMIT)")]
    reply = extracted(cells, [1], project).reply
    assert reply.definitions == [] and reply.parameters == ["LIMIT"]


@pytest.mark.parametrize(
    "cell",
    [
        "# Helpers\n# (shared by the plots)\n\nclass Box:\n    size = math.pi",  # a comment standing apart: one line
        "# Helpers\nclass Box:\n    size = math.pi",  # a comment that belongs to the class: two
        "@functools.cache\ndef box():\n    return 1",
        "SIZE = 1\n\n\ndef box():\n    return math.floor(SIZE)",
    ],
)
def test_the_module_s_imports_are_as_ruff_sorts_them_whatever_the_cell_starts_with(cell: str, project: Path) -> None:
    cells = [code("import functools\nimport math"), code(f"{cell}\n\nRATIO = 2"), code("print(math.pi, RATIO)")]
    module = extracted(cells, [1], project).reply.module_text
    assert "\nimport " in module
    ruff(module, project, "analysis.py")


def test_re_extracting_changes_nothing_and_an_edited_definition_is_replaced_where_it_stands(project: Path) -> None:
    mine = '"""My helpers."""\n\nimport os\n\n\ndef mine():\n    return os.sep\n'
    (project / "analysis.py").write_text(mine, encoding="utf-8")
    first = extracted(PUZZLE, [2], project)
    (project / "analysis.py").write_text(first.reply.module_text, encoding="utf-8")
    text = first.reply.module_text
    assert text.startswith('"""My helpers."""\n\nimport math\nimport os\nfrom dataclasses import dataclass, field\n')
    assert "def mine():\n    return os.sep\n" in text and text.endswith(HELPERS.split("\n", 2)[2] + "\n")
    assert extracted(PUZZLE, [2], project).reply.module_text == text
    edited = [*PUZZLE[:2], code(HELPERS.replace("SCALE = 10", "SCALE = 20")), *PUZZLE[3:]]
    again = extracted(edited, [2], project).reply.module_text
    assert again == text.replace("SCALE = 10", "SCALE = 20")


def test_a_new_definition_goes_before_the_replaced_one_that_reads_it_when_defined(project: Path) -> None:
    """The cell gained a constant its function's default reads: at the module's end, importing the
    module would fail with NameError."""
    cells = [code("def area(r=2):\n    return 3 * r * r"), code("print(area())")]
    (project / "analysis.py").write_text(extracted(cells, [0], project).reply.module_text, encoding="utf-8")
    (project / "analysis.py").write_text(
        (project / "analysis.py").read_text(encoding="utf-8") + "\n\ndef mine():\n    return 1\n", encoding="utf-8"
    )
    edited = [
        code("# the default size\nRADIUS = 2\n\n\ndef area(r=RADIUS):\n    return 3 * r * r\n\n\nUNIT = 'cm'"),
        cells[1],
    ]
    text = extracted(edited, [0], project).reply.module_text
    assert text.endswith(
        "# the default size\nRADIUS = 2\n\n\ndef area(r=RADIUS):\n    return 3 * r * r\n\n\nUNIT = 'cm'\n\n\n"
        "def mine():\n    return 1\n"
    )
    namespace: dict[str, object] = {}
    exec(compile(text, "analysis.py", "exec"), namespace)  # the module imports
    assert namespace["area"]() == 12
    (project / "analysis.py").write_text(text, encoding="utf-8")
    assert extracted(edited, [0], project).reply.module_text == text


def test_a_name_an_earlier_extraction_moved_from_another_cell_is_not_replaced(project: Path) -> None:
    """A tutorial binds `x = 1.0`, shows its type, then `x = 1`: extracted one after the other, the
    second replaced the first in the module and the first cell's import showed `int`."""
    cells = [code("x = 1.0"), code("type(x)"), code("x = 1"), code("type(x)")]
    first = extracted(cells, [0], project)
    (project / "analysis.py").write_text(first.reply.module_text, encoding="utf-8")
    assert "".join(first.reply.replacement_cell["source"]) == "from analysis import x"
    with pytest.raises(ExtractionRefused) as info:
        extracted([first.reply.replacement_cell, *cells[1:]], [2], project, module="analysis")
    assert str(info.value) == (
        "Cell 1 imports `x` from the module, which the selection defines too: that cell would import the "
        "selection's `x` instead. Rename one of them, or choose another module name."
    )
    assert extracted(cells, [0], project).reply.module_text == first.reply.module_text  # re-extracting still works


def test_a_name_the_module_defines_otherwise_is_refused(project: Path) -> None:
    (project / "analysis.py").write_text("def Cage():\n    return 1\n", encoding="utf-8")
    with pytest.raises(ExtractionRefused) as info:
        extracted(PUZZLE, [2], project)
    assert str(info.value) == (
        "The module already defines `Cage` as a function, and the selection as a class: rename one of them, or "
        "choose another module name."
    )
    (project / "analysis.py").write_text("from shapes import Cage\n", encoding="utf-8")
    with pytest.raises(ExtractionRefused, match="already defines `Cage` as an import"):
        extracted(PUZZLE, [2], project)
