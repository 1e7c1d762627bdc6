"""unpackaged-code: a pipeline that lives only in notebook cells."""

from __future__ import annotations

from helpers.notebooks import code, findings_of, md

# 16 top-level statements over three cells, no def/class.
SCRIPT = [
    code(
        "import pandas as pd\nimport numpy as np\nraw = pd.read_csv('data.csv')\nraw = raw.dropna()\nraw['y'] = "
        "raw['x'] * 2",
        1,
    ),
    code(
        "means = raw.mean()\nstds = raw.std()\nz = (raw - means) / stds\nz = z.clip(-3, 3)\nz['k'] = np.arange(len(z))",
        2,
    ),
    code(
        "top = z.nlargest(10, 'y')\ntop = top.reset_index()\ntop.to_csv('top.csv', index=False)\nsummary = "
        "top.describe()\nn = len(top)\nsummary",
        3,
    ),
]


def test_long_notebook_without_functions_fires_notebook_level_info(check):
    report = check(md("# Pipeline"), *SCRIPT)
    assert findings_of(report, "unpackaged-code") == [(None, None)]
    (finding,) = [f for f in report.findings if f.check == "unpackaged-code"]
    assert finding.severity == "info"
    assert finding.cell_id is None
    assert "All 16 top-level statements" in finding.message
    assert "function" in finding.suggestion
    (item,) = [i for i in report.checklist if i.id == "packaged-code"]
    assert (item.status, item.findings) == ("info", 1)


def test_exactly_fifteen_statements_fires(check):
    report = check(code("\n".join(f"x{i} = {i}" for i in range(15)), 1))
    assert findings_of(report, "unpackaged-code") == [(None, None)]


def test_fewer_than_fifteen_statements_is_a_sketch(check):
    report = check(code("\n".join(f"x{i} = {i}" for i in range(14)), 1))
    assert findings_of(report, "unpackaged-code") == []


def test_a_def_anywhere_silences_it(check):
    report = check(*SCRIPT, code("def describe(frame):\n    return frame.describe()", 4))
    assert findings_of(report, "unpackaged-code") == []


def test_a_class_silences_it(check):
    report = check(*SCRIPT, code("class Config:\n    path = 'data.csv'", 4))
    assert findings_of(report, "unpackaged-code") == []


def test_import_from_a_local_module_silences_it(check, project):
    (project / "mymodule.py").write_text("def run():\n    return 1\n")
    report = check(code("from mymodule import run", 1), *SCRIPT)
    assert findings_of(report, "unpackaged-code") == []


def test_import_of_a_missing_module_does_not_silence_it(check):
    # No mymodule.py beside the notebook: the import is a third-party one, not packaged code.
    report = check(code("from mymodule import run", 1), *SCRIPT)
    assert findings_of(report, "unpackaged-code") == [(None, None)]


def test_empty_notebook_has_no_finding(check):
    report = check(md("# Nothing yet"))
    assert findings_of(report, "unpackaged-code") == []
