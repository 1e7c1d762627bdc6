"""Extract to module: refusals, parameters/returns/imports, module merging, and equivalence of the
rewritten notebook with the original, proved by running both in fresh kernels (nbclient)."""

from __future__ import annotations

import contextlib
import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from helpers.executed import execute_all, joined_streams
from helpers.notebooks import code, md, notebook
from helpers.ruff import ruff
from jupyterlab_readiness.actions.errors import ExtractionRefused
from jupyterlab_readiness.actions.extract.body import LINE_BREAK, split_lines, string_lines
from jupyterlab_readiness.actions.extract.notebook_edit import replace_cells as apply
from jupyterlab_readiness.actions.extract.plan import plan
from jupyterlab_readiness.actions.extract.planner import Extraction, extract
from jupyterlab_readiness.actions.extract.planner import _Planner as Planner
from jupyterlab_readiness.actions.extract.selection import default_names
from jupyterlab_readiness.actions.naming import heading_name
from jupyterlab_readiness.contract.requests import ExtractRequest
from jupyterlab_readiness.files import Root
from jupyterlab_readiness.notebook.model import notebook_from_json


def model(*cells: dict[str, Any]):
    return notebook_from_json(notebook(*cells))


def run_extract(
    cells: list[dict[str, Any]],
    indices: list[int],
    function: str = "step",
    existing: str | None = None,
    module: str = "steps",
) -> Extraction:
    return extract(
        notebook_from_json(notebook(*cells)), indices, module, function, existing, notebook_name="analysis.ipynb"
    )


# ------------------------------------------------------------------------------------ refusals
REFUSALS = [
    ("magic", [code("x = 1"), code("%timeit x + 1\ny = x")], [1], "IPython syntax"),
    ("shell", [code("x = 1"), code("!ls\ny = x")], [1], "magics or shell escapes"),
    ("star import", [code("x = 1"), code("from math import *\ny = sqrt(x)")], [1], "star import"),
    ("global", [code("x = 1"), code("def f():\n    global x\n    x = 2\nf()")], [1], "global x"),
    (
        "nonlocal",
        [code("def f():\n    a = 1\n    def g():\n        nonlocal a\n        a = 2\n    g()\n    return a\nr = f()")],
        [0],
        "nonlocal a",
    ),
    ("syntax error", [code("x = 1"), code("y = (x +")], [1], "syntax error"),
    ("hidden state", [code("x = 1"), code("y = x + z")], [1], "`z`"),
    ("defined below", [code("x = 1"), code("y = x + later"), code("later = 3")], [1], "cell 3, below"),
    (
        "read in helper, defined nowhere",
        [code("x = 1"), code("def f():\n    return x + ghost\ny = f()")],
        [1],
        "`ghost`",
    ),
    # compile errors: IPython never runs such a cell
    ("top-level return", [code("x = 1"), code("return x")], [1], "'return' outside function"),
    ("top-level yield", [code("x = 1"), code("yield x")], [1], "'yield' outside function"),
    (
        "raw in between",
        [code("x = 1"), code("y = x"), {"cell_type": "raw", "source": "note", "metadata": {}}, code("z = y")],
        [1, 2, 3],
        "raw cell",
    ),
    ("only markdown selected", [code("x = 1"), md("# note")], [1], "no code cell"),
    ("not contiguous", [code("x = 1"), code("y = x"), code("w = 2"), code("z = y")], [1, 3], "not contiguous"),
    ("out of range", [code("x = 1")], [3], "does not exist"),
    ("empty selection", [code("x = 1")], [], "No cells selected"),
    ("only imports", [code("import os")], [0], "nothing to extract"),
    ("blank cells", [code("x = 1"), code("  \n")], [1], "no code"),
    ("IPython names", [code("x = 1"), code("y = Out[1]")], [1], "IPython"),
    # a fresh run in IPython has `_`: the user is told to name the value, not of a NameError
    ("IPython's last value", [code("x = 1"), code("x + 1"), code("y = _ * 2")], [2], "give the value it stands for a"),
    # the idiom is named, with the change to make, not only the name it reads
    (
        "main guard",
        [code("x = 1"), code("def main():\n    print(x)\n\nif __name__ == '__main__':\n    main()")],
        [1],
        'Cell 2 line 4: `if __name__ == "__main__":` is always true in a notebook and never inside a module: '
        "replace the guard with its body",
    ),
    ("__name__ read otherwise", [code("x = 1"), code("label = __name__ + str(x)")], [1], "`__name__` is IPython's"),
]


@pytest.mark.parametrize(("cells", "indices", "expected"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_refusals(cells: list[dict[str, Any]], indices: list[int], expected: str) -> None:
    with pytest.raises(ExtractionRefused) as info:
        run_extract(cells, indices)
    assert expected in str(info.value)


def test_a_refusal_that_quotes_a_line_masks_its_credential():
    cells = [code("x = 1"), code("!curl -s https://ana:s3cretPassw0rd@example.com/d.csv -o d.csv\ny = x")]
    with pytest.raises(ExtractionRefused) as info:
        run_extract(cells, [1])
    assert "(line 1: `!curl -s https://***@example.com/d.csv -o d.csv`)" in str(info.value)
    assert "s3cretPassw0rd" not in str(info.value)


_SELF_ANNOTATED = "class Node:\n    def copy(self) -> Node:\n        return Node()\n\n\nnode = Node().copy()"


def test_a_class_annotated_with_itself_is_refused_unless_annotations_are_postponed_above() -> None:
    """As the hidden-state check judges it: without the future import the annotation is read
    before the class binds the name (NameError in a fresh run); with it, never read."""
    with pytest.raises(ExtractionRefused, match="reads it before binding it"):
        run_extract([code("x = 1"), code(_SELF_ANNOTATED)], [1])
    extraction = run_extract([code("from __future__ import annotations\nx = 1"), code(_SELF_ANNOTATED)], [1])
    assert "def copy(self) -> Node:" in extraction.module_text
    assert "from __future__ import annotations" in extraction.module_text  # the module runs as the notebook did


def test_future_imports_leave_the_function_for_the_module_top_and_stay_in_the_notebook(tmp_path: Path) -> None:
    postponed = run_extract(
        [
            code(
                "from __future__ import annotations\nimport math\n\ndef area(r: float) -> float:\n    return r\n\n"
                "x = area(2)"
            ),
            code("print(x)"),
        ],
        [0],
    )
    assert postponed.module_text.index("from __future__ import annotations") < postponed.module_text.index("def step")
    assert "__future__" not in postponed.function_text.split("def step", 1)[1]
    # the cells below keep the feature the notebook turned on
    assert postponed.replacement_source.startswith("from __future__ import annotations\n")
    ruff(postponed.module_text, tmp_path)
    no_ops = run_extract([code("from __future__ import division, print_function\nz = 3 / 2"), code("print(z)")], [0])
    assert "__future__" not in no_ops.module_text  # nothing they turn on differs on Python 3
    assert no_ops.replacement_source.startswith("from __future__ import division, print_function\n")
    compile(no_ops.replacement_source, "<cell>", "exec")


def test_a_future_import_sharing_its_line_is_refused_with_the_place() -> None:
    with pytest.raises(ExtractionRefused, match=r"Cell 2 line 1: the `__future__` import shares its line"):
        run_extract([code("x = 1"), code("from __future__ import division; y = x / 2"), code("print(y)")], [1])


def test_a_class_read_by_its_own_methods_is_not_said_to_be_bound_conditionally() -> None:
    cell = "class Node:\n    def child(self):\n        return Node()\n\n\ndef make():\n    return Node()"
    warnings = run_extract([code(cell), code("print(make().child())")], [0]).warnings
    assert not [w for w in warnings if "only inside a loop" in w or "only conditionally" in w]


def test_a_name_only_annotations_read_needs_no_definition_when_annotations_are_postponed() -> None:
    pairs = (
        "def pairs(items) -> Iterable[tuple]:\n    return list(zip(items, items[1:]))\n\n\nresult: Sequence = pairs(x)"
    )
    with pytest.raises(ExtractionRefused, match="`Iterable`"):
        run_extract([code("x = [1, 2, 3]"), code(pairs)], [1])
    extraction = run_extract([code("from __future__ import annotations\nx = [1, 2, 3]"), code(pairs)], [1])
    assert "-> Iterable[tuple]:" in extraction.module_text
    # a variable of the same name inside a function is another variable: the global is still only annotated
    same_name = "def neighbors(cell) -> List[cell]:\n    return [cell + 1 for cell in [cell]]\n\n\nfound = neighbors(1)"
    extraction = run_extract([code("from __future__ import annotations\nx = 1"), code(same_name)], [1])
    assert "-> List[cell]:" in extraction.module_text
    with pytest.raises(ExtractionRefused, match="`Iterable`"):  # read outside an annotation too: still needed
        run_extract([code("from __future__ import annotations\nx = [1, 2, 3]"), code(pairs + "\nkind = Iterable")], [1])


@pytest.mark.parametrize(
    ("module", "function", "expected"),
    [
        ("steps.py", "step", "without `.py`"),
        ("my-steps", "step", "not a valid module name"),
        ("class", "step", "not a valid module name"),
        ("json", "step", "shadow"),
        ("pandas", "step", "shadow"),  # the notebook imports pandas
        ("Steps", "step", "lower case"),
        ("steps", "2step", "not a valid function name"),
        ("steps", "lambda", "not a valid function name"),
        ("steps", "list", "builtin"),
        ("steps", "total", "already uses the function's name"),
    ],
)
def test_bad_names_are_refused(module: str, function: str, expected: str) -> None:
    nb = model(code("import pandas as pd\nx = 1"), code("total = x + 1"), code("print(total)"))
    with pytest.raises(ExtractionRefused) as info:
        extract(nb, [1], module, function, None)
    assert expected in str(info.value)


def test_non_python_notebook_is_refused() -> None:
    nb = notebook_from_json(notebook(code("x <- 1"), language="R"))
    with pytest.raises(ExtractionRefused, match="Python"):
        extract(nb, [0], "steps", "step", None)


def test_existing_module_that_does_not_parse_is_refused() -> None:
    with pytest.raises(ExtractionRefused, match="does not parse"):
        run_extract([code("x = 1"), code("y = x + 1"), code("print(y)")], [1], existing="def broken(:\n")


def test_existing_non_function_with_the_name_is_refused() -> None:
    with pytest.raises(ExtractionRefused, match="other than a function"):
        run_extract([code("x = 1"), code("y = x + 1"), code("print(y)")], [1], existing="step = 3\n")


def test_existing_import_conflict_is_refused() -> None:
    cells = [code("import pandas as pd\nraw = pd.Series([1])"), code("y = pd.concat([raw])"), code("print(y)")]
    with pytest.raises(ExtractionRefused, match="already imports `pd`"):
        run_extract(cells, [1], existing="import polars as pd\n\n\ndef other():\n    return pd\n")


def test_helper_closing_over_a_name_rebound_below_is_refused() -> None:
    cells = [code("rate = 2"), code("def scale(v):\n    return v * rate"), code("rate = 3\nprint(scale(1))")]
    with pytest.raises(ExtractionRefused, match="rebinds"):
        run_extract(cells, [1])


# ----------------------------------------------------------------------- parameters, returns, imports
def test_parameters_returns_and_imports(tmp_path: Path) -> None:
    cells = [
        code(
            "import pandas as pd\nimport numpy as np\nfrom math import sqrt as root\nthreshold = 2\nraw = "
            "pd.DataFrame({'a': [1, 2, 3]})"
        ),
        md("## Filter the rows"),
        code("kept = raw[raw['a'] >= threshold]\nscore = root(float(np.sum(kept['a'])))\ntmp = 1"),
        code("print(kept, score)"),
    ]
    e = run_extract(cells, [2], function="filter_rows")
    assert e.parameters == ["raw", "threshold"]
    assert e.returns == ["kept", "score"]
    assert (
        '"""\n\nfrom math import sqrt as root\nfrom typing import Any, NamedTuple\n\nimport numpy as np\n\n\nclass'
        in e.module_text
    )  # reproduced, isort order
    assert "import pandas" not in e.module_text  # not used by the cells
    assert "class FilterRowsResult(NamedTuple):" in e.module_text
    assert "def filter_rows(raw, threshold) -> FilterRowsResult:" in e.module_text
    assert "tmp = 1  # noqa: F841" in e.module_text
    assert (
        '    """Filter the rows.\n\n    Extracted by jupyterlab-readiness from cell 3 of analysis.ipynb.\n    '
        "Parameters: raw, threshold.\n" in e.module_text
    )
    assert e.replacement_source == "from steps import filter_rows\nkept, score = filter_rows(raw, threshold)"
    ruff(e.module_text, tmp_path)


def test_single_return_is_plain_and_read_and_rebound_is_parameter_and_return(tmp_path: Path) -> None:
    cells = [code("total = 0\nvalues = [1, 2]"), code("for v in values:\n    total += v"), code("print(total)")]
    e = run_extract(cells, [1], function="accumulate")
    assert e.parameters == ["values", "total"]
    assert e.returns == ["total"]
    assert "    return total\n" in e.module_text
    assert "NamedTuple" not in e.module_text
    assert e.replacement_source.endswith("total = accumulate(values, total)")
    ruff(e.module_text, tmp_path)


def test_clean_rebinding_is_not_a_parameter() -> None:
    e = run_extract([code("x = 1"), code("x = 2\ny = x * 3"), code("print(x, y)")], [1])
    assert e.parameters == []
    assert e.returns == ["x", "y"]


def test_nested_function_reads_become_parameters(tmp_path: Path) -> None:
    cells = [
        code("import re\nsep = '-'"),
        code("def slug(s):\n    return re.sub(r'\\W+', sep, s)"),
        code("print(slug('a b'))"),
    ]
    e = run_extract(cells, [1], function="make_slug")
    assert e.parameters == ["sep"]
    assert e.returns == ["slug"]
    assert "import re\n" in e.module_text
    assert any("pickled" in w for w in e.warnings)
    ruff(e.module_text, tmp_path)


def test_later_reads_inside_functions_and_functions_above_count() -> None:
    cells = [
        code("def report():\n    return shown"),
        code("shown = 1\nalso = 2\nother = 3"),
        code("def g():\n    return also\nprint(report(), g())"),
    ]
    e = run_extract(cells, [1])
    assert e.returns == ["shown", "also"]
    assert "    other = 3  # noqa: F841\n" in e.module_text


def test_unused_results_return_nothing(tmp_path: Path) -> None:
    cells = [code("data = [1, 2]"), code("n = len(data)\nprint(n)"), code("print('done')")]
    e = run_extract(cells, [1])
    assert e.returns == []
    assert e.replacement_source == "from steps import step\nstep(data)"
    assert any("prints" in w for w in e.warnings)
    ruff(e.module_text, tmp_path)


def test_selection_imports_go_to_module_and_to_the_cell_when_read_later(tmp_path: Path) -> None:
    cells = [
        code("x = 4"),
        code("import math\nimport json\nimport this_is_for_side_effects_only\ny = math.sqrt(x)"),
        code("print(json.dumps(y))"),
    ]
    e = run_extract(cells, [1])
    assert "import math\n" in e.module_text
    assert "json" not in e.module_text and "this_is_for" not in e.module_text
    assert e.replacement_source.splitlines()[:4] == [
        "import json",
        "",
        "import this_is_for_side_effects_only",
        "from steps import step",
    ]
    assert e.returns == ["y"]
    ruff(e.module_text, tmp_path)


def test_display_is_imported_from_ipython(tmp_path: Path) -> None:
    e = run_extract([code("x = 1"), code("display(x)\ny = x"), code("print(y)")], [1])
    assert "from IPython.display import display\n" in e.module_text
    ruff(e.module_text, tmp_path)


def test_dead_names_that_ruff_would_report_differently_are_returned(tmp_path: Path) -> None:
    e = run_extract([code("pairs = [(1, 2)]"), code("a, b = pairs[0]\nprint(a)\nc = 1\nc = 2\n_skip = 3")], [1])
    assert e.returns == ["b", "c"]
    ruff(e.module_text, tmp_path)


def test_multiline_strings_keep_their_content(tmp_path: Path) -> None:
    src = 'q = """\nSELECT *\n  FROM t\n"""\nn = f"""{q}\nx"""'
    e = run_extract([code("pass"), code(src), code("print(q, n)")], [1])
    assert '    q = """\nSELECT *\n  FROM t\n"""' in e.module_text
    namespace: dict[str, Any] = {}
    exec(compile(e.module_text, "m", "exec"), namespace)
    assert namespace["step"]() == ("\nSELECT *\n  FROM t\n", "\nSELECT *\n  FROM t\n\nx")
    ruff(e.module_text, tmp_path)


def test_displayed_last_expression(tmp_path: Path) -> None:
    base = [code("vals = [3, 1, 2]")]
    # a bare name the selection binds: returned, and the replacement cell ends with it
    e = run_extract([*base, code("s = sorted(vals)\ns"), code("print(1)")], [1])
    assert e.returns == ["s"] and e.replacement_source.endswith("s = step(vals)\ns")
    # an expression and nothing else returned: the function returns it, the call is shown
    e = run_extract([*base, code("n = len(vals)\nn * 2"), code("print(1)")], [1])
    assert e.returns == [] and "    return n * 2\n" in e.module_text and e.replacement_source.endswith("\nstep(vals)")
    # an expression besides other returns: an extra value, shown at the end
    e = run_extract([*base, code("n = len(vals)\nn * 2"), code("print(n)")], [1])
    assert e.returns == ["n", "step_output"] and e.replacement_source.endswith(
        "n, step_output = step(vals)\nstep_output"
    )
    # silenced with ';', or a print: nothing extra
    e = run_extract([*base, code("n = len(vals)\nn * 2;"), code("print(1)")], [1])
    assert "return" not in e.module_text.split('"""')[-1]
    # shown by a cell before the last: dropped when it only reads, with a warning
    e = run_extract([*base, code("n = len(vals)\nn"), code("m = n + 1"), code("print(m)")], [1, 2])
    assert "    n\n" not in e.module_text and any("no longer shown" in w for w in e.warnings)
    ruff(e.module_text, tmp_path)


def test_parameter_named_and_displayed() -> None:
    e = run_extract([code("items = [2, 1]"), code("items.sort()\nitems"), code("print(items)")], [1])
    assert e.parameters == ["items"] and e.returns == []
    assert e.replacement_source == "from steps import step\nstep(items)\nitems"


def test_deleted_names_are_deleted_in_the_notebook_too() -> None:
    e = run_extract([code("tmp = [1]\nkeep = 2"), code("out = tmp + [keep]\ndel tmp"), code("print(out)")], [1])
    assert e.parameters == ["tmp", "keep"]
    assert e.replacement_source.endswith("out = step(tmp, keep)\ndel tmp")


EDGE_CASES = {
    "tabs": ([code("xs = [1]"), code("for x in xs:\n\tif x:\n\t\ty = x\n"), code("print(y)")], [1], ["xs"], ["y"]),
    "crlf": ([code("a = 1"), code("b = a + 1\r\nc = b * 2\r\n"), code("print(c)")], [1], ["a"], ["c"]),
    "trailing comment": ([code("a = 1"), code("b = a + 1\n# done\n"), code("print(b)")], [1], ["a"], ["b"]),
    "comment-only cell": ([code("a = 1"), code("# a note"), code("b = a"), code("print(b)")], [1, 2], ["a"], ["b"]),
    "conditional import above": (
        [
            code("try:\n    import ujson as json\nexcept ImportError:\n    import json"),
            code("s = json.dumps([1])"),
            code("print(s)"),
        ],
        [1],
        ["json"],
        ["s"],
    ),
    "dotted import": (
        [code("p = 'a'"), code("import os.path\nq = os.path.join(p, 'b')"), code("print(q)")],
        [1],
        ["p"],
        ["q"],
    ),
    "long import line": (
        [
            code("from os.path import join, basename, dirname, splitext, exists, isdir, isfile, getsize, abspath"),
            code("v = [join, basename, dirname, splitext, exists, isdir, isfile, getsize, abspath]"),
            code("print(len(v))"),
        ],
        [1],
        [],
        ["v"],
    ),
    "shown import": ([code("a = 1"), code("import math\nb = a\nmath"), code("print(b)")], [1], ["a"], ["b"]),
    "dead with and except": (
        [
            code("a = 'x'"),
            code(
                "import io\nwith io.StringIO(a) as fh:\n    pass\ntry:\n    b = 1 / len(a)\nexcept ZeroDivisionError "
                "as err:\n    b = 0"
            ),
            code("print(b)"),
        ],
        [1],
        ["a"],
        ["b"],
    ),
    "match": (
        [code("v = (1, 2)"), code("match v:\n    case (p, q):\n        s = p + q"), code("print(s)")],
        [1],
        ["v"],
        ["s"],
    ),
    "class reading a parameter": (
        [
            code("base = 2"),
            code("class K:\n    factor = base\n\n    def m(self):\n        return base"),
            code("print(K().m())"),
        ],
        [1],
        ["base"],
        ["K"],
    ),
    "loop variable defined above, read below": (
        [code("i = -1\nn = 3"), code("for i in range(n):\n    pass"), code("print(i)")],
        [1],
        ["n"],
        ["i"],
    ),
    "later cell binds its own loop variable": (
        [code("n = 3"), code("for i in range(n):\n    pass"), code("for i in range(2):\n    print(i)")],
        [1],
        ["n"],
        [],
    ),
    "middle shown attribute of a call": (
        [code("s = 'ab'"), code("t = s.upper()\nt.lower().upper"), code("u = t * 2"), code("print(u)")],
        [1, 2],
        ["s"],
        ["u"],
    ),
}


@pytest.mark.parametrize("name", list(EDGE_CASES))
def test_edge_cases_lint_clean_and_idempotent(name: str, tmp_path: Path) -> None:
    cells, indices, parameters, returns = EDGE_CASES[name]
    e = run_extract(cells, indices)
    assert (e.parameters, e.returns) == (parameters, returns)
    ruff(e.module_text, tmp_path)
    assert run_extract(cells, indices, existing=e.module_text).module_text == e.module_text
    compile(e.replacement_source, "cell", "exec")


def test_shown_import_is_imported_in_the_cell() -> None:
    e = run_extract(*EDGE_CASES["shown import"][:2])
    assert "import math" not in e.module_text
    assert e.replacement_source == "import math\nfrom steps import step\nb = step(a)\nmath"


def test_tab_indented_cells_keep_tabs() -> None:
    e = run_extract(*EDGE_CASES["tabs"][:2])
    assert "\tfor x in xs:\n\t\tif x:\n\t\t\ty = x\n\treturn y\n" in e.module_text


def test_default_names() -> None:
    nb = model(
        code("import pandas as pd"),
        md("# Report\n## 2. Load & clean the Data!"),
        code("df = pd.DataFrame()"),
        code("x = 1"),
    )
    assert default_names(nb, [2], Path("/w/01 Sales Analysis.ipynb")) == ("sales_analysis", "load_clean_data")
    assert (
        default_names(nb, [0], Path("pandas.ipynb")) == ("pandas_lib", "compute_pd")
        or default_names(nb, [0], Path("pandas.ipynb"))[0] == "pandas_lib"
    )
    nb2 = model(code("value = 3"), code("total = value * 2"))
    assert default_names(nb2, [1], Path("json.ipynb")) == ("json_lib", "compute_total")
    nb3 = model(code("compute_total = 1"), code("total = 2"))
    assert default_names(nb3, [1], Path("a.ipynb")) == ("a", "step_1")


@pytest.mark.parametrize(
    ("heading", "name"),
    [
        ("Adding a weekday column to the data set", "adding_weekday_column_to_data"),
        ("Plot of the results for each year", "plot_of_results"),
        ("Merge with the", "merge"),
        ("First", ""),
        ("Part 2", ""),
        ("Next step", ""),
        ("Solve", "solve"),
        ("A 3-D line", "a_3_d_line"),
        ("---", ""),
        ("😀", ""),
    ],
)
def test_function_names_from_headings_read_as_names(heading: str, name: str) -> None:
    assert heading_name(heading) == name


def test_a_heading_that_only_says_where_gives_no_name_and_a_taken_one_a_step_name() -> None:
    nb = model(md("## First"), code("x = 2"), md("## Solve"), code("def solve():\n    return 1\ny = solve()"))
    assert default_names(nb, [1], Path("a.ipynb"))[1] == "compute_x"
    assert default_names(nb, [3], Path("a.ipynb"))[1] == "solve_step"


# ------------------------------------------------------------------------------------ merging
MERGE_CELLS = [
    code("import numpy as np\nvals = [1.0, 2.0]"),
    code("arr = np.array(vals)\nmean = float(arr.mean())"),
    code("spread = max(vals) - min(vals)"),
    code("print(arr, mean, spread)"),
]


def test_merge_adds_replaces_and_is_idempotent(tmp_path: Path) -> None:
    first = run_extract(MERGE_CELLS, [1], function="stats")
    assert first.module_text.startswith(
        '"""Functions extracted from notebook analysis.ipynb by jupyterlab-readiness."""\n\nfrom typing import Any, '
        "NamedTuple\n\nimport numpy as np\n\n\nclass StatsResult"
    )
    again = run_extract(MERGE_CELLS, [1], function="stats", existing=first.module_text)
    assert again.module_text == first.module_text  # idempotent
    both = run_extract(MERGE_CELLS, [2], function="spread_of", existing=first.module_text)
    assert both.module_text.startswith(first.module_text.rstrip("\n"))  # appended; the rest untouched
    assert "def stats(vals) -> StatsResult:" in both.module_text and "def spread_of(vals):" in both.module_text
    ruff(both.module_text, tmp_path)
    # re-extracting `stats` with a different selection replaces it (and its result class) in place
    changed = run_extract(MERGE_CELLS, [1, 2], function="stats", existing=both.module_text)
    assert changed.module_text.count("def stats(") == 1 and changed.module_text.count("class StatsResult") == 1
    assert "spread = max(vals) - min(vals)" in changed.module_text.split("def spread_of")[0]
    assert changed.module_text.index("def stats(") < changed.module_text.index("def spread_of(")
    assert (
        run_extract(MERGE_CELLS, [1, 2], function="stats", existing=changed.module_text).module_text
        == changed.module_text
    )
    ruff(changed.module_text, tmp_path)


def test_merge_keeps_user_text_and_imports(tmp_path: Path) -> None:
    existing = (
        '"""My helpers."""\n\nimport os\nfrom typing import Any\n\nLIMIT = 3  # keep me\n\n\ndef other(x: Any) '
        "-> str:\n    # a comment\n    return os.sep * x\n"
    )
    e = run_extract(MERGE_CELLS, [1], function="stats", existing=existing)
    text = e.module_text
    assert text.startswith(
        '"""My helpers."""\n\nimport os\nfrom typing import Any, NamedTuple\n\nimport numpy as np\n\nLIMIT = 3  # '
        "keep me\n"
    )
    assert "def other(x: Any) -> str:\n    # a comment\n    return os.sep * x\n" in text
    assert run_extract(MERGE_CELLS, [1], function="stats", existing=text).module_text == text
    ruff(text, tmp_path)
    # switching to a single return value drops the result class and the typing names it needed,
    # never an import the module used before for something else
    single = run_extract(
        [*MERGE_CELLS[:1], code("arr = np.array(vals)"), code("print(arr)")], [1], function="stats", existing=text
    )
    assert "StatsResult" not in single.module_text and "NamedTuple" not in single.module_text
    assert "from typing import Any\n" in single.module_text and "import os\n" in single.module_text
    ruff(single.module_text, tmp_path)


def test_merge_into_module_without_docstring_or_imports(tmp_path: Path) -> None:
    existing = "def other():\n    return 1\n"
    e = run_extract(MERGE_CELLS, [1], function="stats", existing=existing)
    assert e.module_text.startswith("from typing import Any, NamedTuple\n\nimport numpy as np\n\n\ndef other():")
    assert run_extract(MERGE_CELLS, [1], function="stats", existing=e.module_text).module_text == e.module_text
    ruff(e.module_text, tmp_path)


def test_markdown_in_the_selection_is_not_extracted_and_its_heading_names_the_function() -> None:
    cells = [
        code("x = 1"),
        md("## Scale the values\nTimes two, then plus one."),
        code("y = x * 2"),
        md("Then the offset."),
        code("z = y + 1"),
        code("print(z)"),
    ]
    e = run_extract(cells, [1, 2, 3, 4])
    assert "y = x * 2" in e.module_text and "z = y + 1" in e.module_text
    assert "Times two" not in e.module_text and "Then the offset" not in e.module_text
    assert e.parameters == ["x"] and e.returns == ["z"]
    assert default_names(model(*cells), [1, 2, 3, 4], Path("analysis.ipynb")) == ("analysis", "scale_values")


def test_apply_keeps_the_selections_markdown_above_the_replacement_cell() -> None:
    nb = notebook(
        code("x = 1", cell_id="a1"),
        {**md("## Scale"), "id": "m1"},
        code("y = x * 2", cell_id="b2"),
        {**md("Then the offset."), "id": "m2"},
        code("z = y + 1", cell_id="c3"),
        code("print(z)", cell_id="d4"),
    )
    out = apply(nb, [1, 2, 3, 4], "from steps import step\nz = step(x)")
    assert [c.get("id") for c in out["cells"][:3]] == ["a1", "m1", "m2"]
    assert out["cells"][3]["source"] == "from steps import step\nz = step(x)"
    assert [c.get("id") for c in out["cells"][4:]] == ["d4"]
    nbformat.validate(nbformat.from_dict(out))


def test_plan_names_the_replacement_cell_below_the_kept_markdown(tmp_path: Path) -> None:
    nb = notebook(code("x = 1"), md("## Scale"), code("y = x * 2"), code("print(y)"))
    (tmp_path / "analysis.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    planned = plan(ExtractRequest(path="analysis.ipynb", cell_indices=[1, 2]), Root(tmp_path))
    assert planned.reply.function == "scale"
    assert planned.reply.replacement_cell == planned.notebook["cells"][2]
    assert planned.notebook["cells"][1]["source"] == "## Scale"


# ------------------------------------------------------------------------------------ apply
def test_apply_replaces_the_cells_and_keeps_the_rest() -> None:
    nb = notebook(
        code("x = 1", count=1, cell_id="a1"),
        md("# hi"),
        code("y = x + 1", count=2, outputs=[{"output_type": "stream", "name": "stdout", "text": "hi\n"}], cell_id="b2"),
        code("z = y * 2", count=3, cell_id="c3"),
        code("print(z)", count=4, cell_id="d4"),
    )
    for cell in nb["cells"]:
        cell.setdefault("id", "m0")
    before = copy.deepcopy(nb)
    out = apply(nb, [2, 3], "from steps import step\nz = step(x)")
    assert nb == before  # input untouched
    assert [c.get("id") for c in out["cells"]][:2] == ["a1", "m0"] and out["cells"][3:] == before["cells"][4:]
    new = out["cells"][2]
    assert new["cell_type"] == "code" and new["outputs"] == [] and new["execution_count"] is None
    assert new["source"] == "from steps import step\nz = step(x)"
    assert new["id"] not in {"a1", "m0", "b2", "c3", "d4"}
    nbformat.validate(nbformat.from_dict(out))
    assert apply(nb, [2, 3], "from steps import step\nz = step(x)") == out  # deterministic
    with pytest.raises(ExtractionRefused):
        apply(nb, [1], "x")  # markdown only: nothing to replace


def test_apply_keeps_list_sources_and_no_ids_for_old_minor() -> None:
    nb = {
        "nbformat": 4,
        "nbformat_minor": 4,
        "metadata": {},
        "cells": [
            {
                "cell_type": "code",
                "source": ["a = 1\n", "b = 2"],
                "metadata": {},
                "outputs": [],
                "execution_count": None,
            }
        ],
    }
    out = apply(nb, [0], "from m import f\na = f()")
    assert out["cells"][0]["source"] == ["from m import f\n", "a = f()"] and "id" not in out["cells"][0]
    nbformat.validate(nbformat.from_dict(out))


# ------------------------------------------------------------------------------------ equivalence
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def _normal_outputs(cell: dict[str, Any]) -> list[Any]:
    """Outputs without execution counts or memory addresses; consecutive stream outputs of the
    same name joined (how they are split depends on timing)."""
    result: list[Any] = []
    for out in joined_streams(cell.get("outputs", [])):
        kind = out["output_type"]
        if kind == "stream":
            result.append(("stream", out["name"], out["text"]))
        elif kind in ("execute_result", "display_data"):
            data = {
                k: _ADDRESS.sub(
                    "0x?", "".join(v) if isinstance(v, list) else v if isinstance(v, str) else json.dumps(v)
                )
                for k, v in out["data"].items()
            }
            result.append((kind, json.dumps(data, sort_keys=True)))
        else:
            result.append((kind, out.get("ename"), _ADDRESS.sub("0x?", str(out.get("evalue")))))
    return result


def _selection_outputs(cells: list[dict[str, Any]]) -> list[Any]:
    """What the replacement cell should show: the selection's printed text, per stream, then the
    value the last selected cell displayed."""
    streams: dict[str, str] = {}
    shown: list[Any] = []
    for i, cell in enumerate(cells):
        for out in _normal_outputs(cell):
            if out[0] == "stream":
                streams[out[1]] = streams.get(out[1], "") + out[2]
            elif out[0] == "execute_result" and i == len(cells) - 1:
                shown.append(out)
            elif out[0] == "error":
                raise AssertionError(f"the original notebook failed: {out}")
    return [("stream", name, text) for name, text in sorted(streams.items())] + shown


def _as_streams_then_rest(outputs: list[Any]) -> list[Any]:
    streams = sorted(o for o in outputs if o[0] == "stream")
    return streams + [o for o in outputs if o[0] != "stream"]


EQUIVALENCE = {
    "pandas pipeline": (
        [
            code("import numpy as np\nimport pandas as pd"),
            md("# Sales"),
            code(
                "raw = pd.DataFrame({'region': ['n', 's', 'n', 'e', 's'], 'units': [3, 5, None, 2, 7], 'price': [9.5, "
                "3.0, 4.0, 10.0, 2.5]})"
            ),
            md("## Clean and enrich"),
            code(
                "clean = raw.dropna().copy()\nclean['revenue'] = clean['units'] * clean['price']\nclean['log_rev'] = "
                "np.log(clean['revenue']).round(3)\nprint(len(clean), 'rows kept')"
            ),
            code("by_region = clean.groupby('region')['revenue'].sum().sort_values()\nby_region"),
            code("print(by_region.to_dict())\nclean.describe()"),
            code("clean.assign(share=clean['revenue'] / clean['revenue'].sum()).round(3)"),
        ],
        [4, 5],
        "clean_and_enrich",
        ["raw"],
        ["clean", "by_region"],
    ),
    "accumulating loop": (
        [
            code("values = [3, 1, 4, 1, 5, 9, 2, 6]\ntotal = 0\ncounts = {}"),
            code(
                "for v in values:\n    total += v\n    counts[v % 3] = counts.get(v % 3, 0) + 1\nprint('running', "
                "total)"
            ),
            code("mean = total / len(values)\nmean"),
            code("print(total, counts, mean)"),
            code("total * 2"),
        ],
        [1, 2],
        "accumulate",
        ["values", "total", "counts"],
        ["total", "mean"],
    ),
    "helper functions": (
        [
            code("import math\nimport re\nSCALE = 10"),
            md("## Helpers"),
            code(
                "def slug(text):\n    return re.sub(r'[^a-z0-9]+', '-', text.lower()).strip('-')\n\n\n"
                "def scaled(x):\n    return math.floor(x * SCALE)\n\n\n"
                "class Box:\n    def __init__(self, v):\n        self.v = v\n\n    def __repr__(self):\n        "
                "return f'Box({self.v})'"
            ),
            code("titles = ['Hello World', 'Data  Science!']\nprint([slug(t) for t in titles], scaled(1.234))\nBox(3)"),
        ],
        [2],
        "helpers",
        ["SCALE"],
        ["slug", "scaled", "Box"],
    ),
    # norvig's Differentiation: a cell opening with a __future__ import (a compile error anywhere in
    # a function body) whose class and function read each other
    "future import and self-referring class": (
        [
            code("def arity(e):\n    return 0"),
            code(
                "from __future__ import division\n\nclass Expr:\n    def __init__(self, *args):\n        "
                "self.args = args\n\n    def __repr__(self):\n        return f'Expr/{arity(self)}'\n\n\n"
                "def arity(e):\n    return len(e.args) if isinstance(e, Expr) else 0"
            ),
            code("print(Expr(1, 2), arity(3), 7 / 2)"),
        ],
        [1],
        "expressions",
        ["arity"],
        ["Expr", "arity"],
    ),
    "mutated list": (
        [
            code("items = [5, 3, 8]\nlog = []"),
            code("items.append(1)\nitems.sort()\nlog.append(f'sorted {len(items)}')\nitems"),
            code("print(items, log)\nlen(log)"),
        ],
        [1],
        "tidy_items",
        ["items", "log"],
        [],
    ),
    "unused results": (
        [
            code("import json\ndata = {'b': 2, 'a': 1}"),
            code(
                "blob = json.dumps(data, sort_keys=True)\nchecksum = sum(map(ord, blob))\nprint('size', "
                "len(blob))\nlen(blob) * 2"
            ),
            code("print(sorted(data))"),
        ],
        [1],
        "serialise",
        ["data"],
        [],
    ),
}


@pytest.fixture(scope="module")
def equivalence_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Plan, rewrite, and execute original and rewritten notebooks, all kernels in parallel."""
    plans: dict[str, Any] = {}
    jobs = []
    for name, (cells, indices, function, _, _) in EQUIVALENCE.items():
        folder = tmp_path_factory.mktemp(re.sub(r"\W", "_", name))
        original = notebook(*cells)
        for i, cell in enumerate(original["cells"]):
            cell["id"] = f"cell-{i}"
        e = extract(notebook_from_json(original), indices, "nb_steps", function, None, notebook_name="analysis.ipynb")
        (folder / "nb_steps.py").write_text(e.module_text, encoding="utf-8")
        rewritten = apply(original, indices, e.replacement_source)
        (folder / "analysis.ipynb").write_text(json.dumps(rewritten), encoding="utf-8")
        orig_folder = tmp_path_factory.mktemp(re.sub(r"\W", "_", name) + "_orig")
        plans[name] = {"extraction": e, "folder": folder}
        jobs.append((name, "original", original, orig_folder))
        jobs.append((name, "rewritten", rewritten, folder))
    for (name, which), executed in execute_all({(n, w): (nb, f) for n, w, nb, f in jobs}, timeout=60).items():
        plans[name][which] = executed
    return plans


@pytest.mark.parametrize("name", list(EQUIVALENCE))
def test_equivalence(name: str, equivalence_runs: dict[str, Any], tmp_path: Path) -> None:
    _, indices, function, parameters, returns = EQUIVALENCE[name]
    run = equivalence_runs[name]
    e: Extraction = run["extraction"]
    assert (e.function, e.parameters, e.returns) == (function, parameters, returns)
    ruff(e.module_text, tmp_path, "nb_steps.py")
    original, rewritten = run["original"]["cells"], run["rewritten"]["cells"]
    start, stop = indices[0], indices[-1] + 1
    assert len(rewritten) == len(original) - (stop - start) + 1
    # every cell after the selection: identical outputs (and none of them is an error)
    after_original = [_normal_outputs(c) for c in original[stop:]]
    after_rewritten = [_normal_outputs(c) for c in rewritten[start + 1 :]]
    assert after_rewritten == after_original
    assert not any(o[0] == "error" for outs in after_original for o in outs)
    # cells above: untouched and identical
    assert [_normal_outputs(c) for c in rewritten[:start]] == [_normal_outputs(c) for c in original[:start]]
    # the replacement cell shows what the selection showed: its printed text, then the value its
    # last cell displayed
    assert _as_streams_then_rest(_normal_outputs(rewritten[start])) == _selection_outputs(original[start:stop])


def test_equivalence_selection_outputs_are_not_empty(equivalence_runs: dict[str, Any]) -> None:
    """The comparisons above are not vacuous: selections print and display."""
    shown = {
        name: _selection_outputs(run["original"]["cells"][EQUIVALENCE[name][1][0] : EQUIVALENCE[name][1][-1] + 1])
        for name, run in equivalence_runs.items()
    }
    assert all(shown[name] for name in ("pandas pipeline", "accumulating loop", "mutated list", "unused results"))
    assert any(o[0] == "execute_result" for o in shown["pandas pipeline"])


def test_a_nested_functions_own_parameter_is_not_a_read_of_the_outer_name():
    nb = notebook_from_json(
        notebook(
            code("def mse(w):\n    return w * 2\n\nw = 1\nfor _ in range(3):\n    w = w + mse(w)"), code("print(w)")
        )
    )
    extraction = extract(nb, [0], "m", "fit", None)
    assert extraction.parameters == [] and "bound only conditionally" not in " ".join(extraction.warnings)


def test_returned_names_keep_one_order_whatever_the_hash_seed() -> None:
    """Names bound with no assignment (two imports in one statement) are returned in the order
    they are bound, the same in every process: string hashes, hence set order, vary by process."""
    program = (
        "from helpers.notebooks import code, notebook\n"
        "from jupyterlab_readiness.actions.extract.planner import extract\n"
        "from jupyterlab_readiness.notebook.model import notebook_from_json\n"
        "nb = notebook_from_json(notebook(code('if True:\\n    import sys, os\\n    from os import sep, path'), "
        "code('print(os, sys, path, sep)')))\n"
        "print(extract(nb, [0], 'm', 'f', None).returns)\n"
    )
    root = Path(__file__).resolve().parents[2]
    seen = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        done = subprocess.run(
            [sys.executable, "-c", program],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            cwd=root,
            env={"PYTHONHASHSEED": seed, "PYTHONPATH": f"{root / 'python'}:{root / 'tests'}", "PATH": ""},
        )
        seen.add(done.stdout.strip())
    assert seen == {"['sys', 'os', 'sep', 'path']"}


@pytest.mark.parametrize(
    "selection",
    [
        "import os, json as j\nx = a + os.sep\ny = x = b.c(d, *e, k=f)\nprint(y)",
        "z = 1\ndf.head().shape",  # a shown value the body keeps as ``_ = …``
        "from pathlib import Path\nimport math\np = Path(math.pi)\nq = f'{p!r:>{w}}'",
        "x = [a for a in b]\ny = x",  # a comprehension: symtable's answer
        "x = lambda v: v + a\ny = x(1)",
        "x, y = a\nz = x",
        "x += a\nz = x",
        "global a\na = 1",
    ],
)
def test_plain_symbols_are_symtables(monkeypatch: pytest.MonkeyPatch, selection: str) -> None:
    """The symbols read from the trees of a plain body are those symtable finds (locals, reads,
    globals read, closures, names read when called): an extraction is the same with symtable read
    for every body."""
    nb = model(code("a = 1\nb = [1]\nd = e = f = w = 2\ndf = 3"), code(selection), code("print(x, y, z, p, q)"))
    planner = "jupyterlab_readiness.actions.extract.planner._Planner"
    analyse = Planner._analyse_names
    seen: list[Any] = []

    def names(self: Planner) -> None:
        analyse(self)
        seen.append((self.locals, self.referenced, self.globals_read, self.closures, self.read_when_called))

    monkeypatch.setattr(f"{planner}._analyse_names", names)

    def run() -> Extraction | str:
        try:
            return extract(nb, [1], "mod", "step", None, display=False)  # as the export extracts
        except ExtractionRefused as exc:
            return str(exc)

    fast, symbols = run(), list(seen)
    seen.clear()
    monkeypatch.setattr(f"{planner}._plain_symbols", lambda self: None)
    assert run() == fast
    assert seen == symbols


@pytest.mark.parametrize(
    "selection",
    [
        "x = a + 1\ny = x * b\na = y\nprint(a)",  # read before it is bound, then rebound: a parameter
        "import math\nx = math.sqrt(a)\ny = x\nb = y + b",
        "z = 1\ndf.head().shape\nw = _",  # a shown value kept as ``_ = …`` binds nothing in the flow
        "import json as _\nz = 1\ndf.head().shape",  # ``_`` bound in the flow by the hoisted import only
        "from os import sep as a\nx = a\nimport json\ny = json.dumps(x)",
        "x = y = a\nb = x + y\nx = b",
        "q = f'{a!r:>{w}}'\np = q\nd = p + d",
    ],
)
def test_the_flow_of_a_plain_body_is_flows(monkeypatch: pytest.MonkeyPatch, selection: str) -> None:
    """What ``_plain_symbols`` finds on its way through a plain body (what is read before being
    bound, what is bound at the end) is what ``flow`` finds for the selection's locals."""
    from jupyterlab_readiness.notebook.flow import flow

    above, below = code("a = 1\nb = [1]\nd = e = f = w = 2\ndf = 3"), code("print(x, y, z, p, q, a, b, d, _)")
    nb = model(above, code(selection), below)
    fast = Planner._flow_of_locals
    plain: list[bool] = []

    def both(self: Planner) -> tuple[set[str], set[str]]:
        read_first, bound = fast(self)
        walked = flow(self.all_stmts, self.locals)
        assert (set(read_first), set(bound)) == (set(walked[0]), set(walked[1]))
        plain.append(self._plain_flow is not None)
        return read_first, bound

    monkeypatch.setattr(Planner, "_flow_of_locals", both)
    with contextlib.suppress(ExtractionRefused):
        extract(nb, [1], "mod", "step", None, display=False)  # as the export extracts
    assert plain == [True]


@pytest.mark.parametrize(
    "source",
    ["x = '''a\nb'''", 'x = """a\nb"""', 'x = "a\\\nb"', 'x = "a\\\r\nb"', "y = 1\nx = '''a\n\nb'''"],
)
def test_strings_spanning_lines_are_found(source: str) -> None:
    """A string goes on to the next line only after one of the texts string_lines looks for
    before tokenizing: each of them is found."""
    first = source.count("\n", 0, source.index("=", source.rindex("x"))) + 1
    last = len(source.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    assert string_lines(source) == (set(range(first + 1, last + 1)), set(range(first, last)))


@pytest.mark.parametrize("source", ["", "a", "a\nb\n", "a\r\nb", "a\rb\n\nc\r", "a\n\r\n\rb", "x\u2028y\x0cz"])
def test_split_lines_splits_as_line_break(source: str) -> None:
    assert split_lines(source) == LINE_BREAK.split(source)


def test_a_function_s_own_local_of_the_same_name_is_not_a_read_of_the_selection_s_variable() -> None:
    """``path`` inside walk() is walk's own: the selection binds its ``path`` once, unconditionally;
    ``total``, which add() reads without binding it, is the selection's, read before it is bound."""
    nb = notebook_from_json(
        notebook(
            code("path = 'old'\ntotal = 0"),
            code(
                "def walk(n):\n    path = [0]\n    for i in range(n):\n        path.append(i)\n    return path\n\n\n"
                "def add(n):\n    return total + n\n\n\npath = walk(3)\ntotal = add(1)"
            ),
            code("print(path, total)"),
        )
    )
    result = extract(nb, [1], "m", "walker", None)
    assert result.warnings == []
    assert result.parameters == ["total"]  # add() reads the notebook's total before the selection binds it


def test_a_name_bound_only_in_a_loop_body_is_warned_about_the_loop_not_a_branch() -> None:
    nb = notebook_from_json(
        notebook(
            code("rows = [1, 2]"),
            code("for r in rows:\n    last = r * 2\nif rows[0] > 5:\n    big = True"),
            code("print(last, big)"),
        )
    )
    warnings = extract(nb, [1], "m", "scan", None).warnings
    assert (
        "`last` is bound only inside a loop in the selection: if the loop runs zero times, calling scan() fails "
        "(UnboundLocalError)." in warnings
    )
    assert "`big` is bound only conditionally in the selection: if that branch does not run, calling scan() fails." in (
        warnings
    )
