"""syntax-error: cells that do not parse once IPython syntax is translated."""

from __future__ import annotations

import pytest

from helpers.notebooks import code, findings_of, md


def syntax_findings(report):
    return [f for f in report.findings if f.check == "syntax-error"]


def test_unclosed_bracket_reports_its_line(check):
    report = check(md("# Setup"), code("x = 1\ny = (\nz = 2", 1))
    assert findings_of(report, "syntax-error") == [(1, 2)]
    (finding,) = syntax_findings(report)
    assert finding.severity == "error"
    assert "does not parse" in finding.message
    assert "never closed" in finding.message
    assert "Python 2" not in finding.message


def test_error_on_a_later_line(check):
    report = check(code("a = 1\nb = 2\n\nif a == b\n    pass", 1))
    assert findings_of(report, "syntax-error") == [(0, 4)]


def test_python2_print_gets_the_python2_hint(check):
    report = check(code('x = 1\nprint "hello"', 1))
    assert findings_of(report, "syntax-error") == [(0, 2)]
    assert "Python 2" in syntax_findings(report)[0].message


def test_other_cells_are_still_analysed(check):
    report = check(
        code('print "hello"\nimport datetime\nt0 = datetime.datetime.now()', 1),
        code("import datetime\nt = datetime.datetime.now()", 2),
    )
    assert findings_of(report, "syntax-error") == [(0, 1)]
    # The broken cell is skipped by the other checks; the next cell still is analysed.
    assert findings_of(report, "wall-clock") == [(1, 2)]


@pytest.mark.parametrize(
    "source",
    [
        "%matplotlib inline\nimport math",
        "!pip list",
        "files = !ls\nn = len(files)",
        '%%bash\nfor f in *.csv; do echo "$f"; done\nif [ -d data ]; then ls data; fi',
        "def f(x):\n    return x\n%time y = f(1)",
        "import pandas as pd\ndf = pd.DataFrame()\ndf.head?",
        "%%time\nimport math\nz = math.sqrt(4)",
        "!!ls -la",
        "?len",
        "%load_ext autoreload\n%autoreload 2",
        "%%writefile helper.py\ndef helper(:\n    pass",
    ],
    ids=[
        "line-magic",
        "shell",
        "assign-shell",
        "bash-cell",
        "time-statement",
        "help-suffix",
        "time-cell",
        "getoutput",
        "help-prefix",
        "autoreload",
        "writefile",
    ],
)
def test_ipython_syntax_is_not_a_syntax_error(check, source):
    report = check(code(source, 1))
    assert findings_of(report, "syntax-error") == []


def test_time_magic_statement_is_analysed_as_python(check):
    report = check(code("import datetime\n%time now = datetime.datetime.now()", 1))
    assert findings_of(report, "syntax-error") == []
    assert findings_of(report, "wall-clock") == [(0, 2)]


@pytest.mark.parametrize(
    "source",
    [
        "x = 1\x00",
        "x = " + "(" * 300 + "1" + ")" * 300,
        "x = " + "[" * 5000 + "]" * 5000,
        "x = " + "-" * 100_000 + "1",
        "y = " + "+".join(["1"] * 50_000),
    ],
    ids=["nul-byte", "nested-parens", "very-nested-lists", "unary-chain", "long-binop"],
)
def test_pathological_cells_do_not_crash(check, source):
    report = check(code(source, 1), code("import datetime\nt = datetime.datetime.now()", 2))
    assert report.error is None
    for finding in syntax_findings(report):
        assert finding.cell_index == 0
        assert "does not parse" in finding.message
    # The notebook is still analysed after the pathological cell.
    assert findings_of(report, "wall-clock") == [(1, 2)]


def test_nul_byte_is_a_syntax_error(check):
    report = check(code("x = 1\x00", 1))
    ((index, line),) = findings_of(report, "syntax-error")
    assert index == 0 and line in (None, 1)


def test_a_one_line_automagic_is_python_once_the_name_is_a_variable(check):
    # IPython runs `cd ..` as %cd only while no variable `cd` exists; then it is Python, and invalid
    report = check(code("cd ..", 1))
    assert findings_of(report, "syntax-error") == []
    report = check(code("cd = 'somewhere'", 1), code("cd ..", 2))
    assert findings_of(report, "syntax-error") == [(1, 1)]
    assert "`cd`" in syntax_findings(report)[0].message
    report = check(code("cd = 'somewhere'\ndel cd", 1), code("cd ..", 2))
    assert findings_of(report, "syntax-error") == []
