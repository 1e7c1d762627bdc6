"""One row per cause: hidden-state reads of what a cell that does not parse would define are
folded under it and say so."""

from __future__ import annotations

from helpers.notebooks import code, findings_of


def test_reads_of_names_a_broken_cell_binds_are_folded_under_it(check):
    report = check(
        code("import pandas as pd", 1),
        code('df = pd.DataFrame({"a": [1]})\nprint "rows", len(df)\ntotal = 3', 2),
        code("print(df.a.sum() + total)", 3),
        code("print(other)", 4),
    )
    assert findings_of(report, "syntax-error") == [(1, 2)]
    hidden = [f for f in report.findings if f.check == "hidden-state"]
    by_name = {f.message.split("`")[1]: f for f in hidden}
    assert set(by_name) == {"df", "total", "other"}
    for name in ("df", "total"):
        finding = by_name[name]
        assert "cell 2, which does not parse, defines it" in finding.message
        assert "no cell defines it" not in finding.message
        assert finding.cause is not None and (finding.cause.check, finding.cause.cell_index) == ("syntax-error", 1)
        assert "Fix the syntax of cell 2" in finding.suggestion
    # ``other``: the broken cell's statements were all read (a Python 2 print binds nothing)
    assert by_name["other"].cause is None and "no cell defines it" in by_name["other"].message
    assert report.must_fix == 2  # the syntax error and ``other``; the folded rows follow from the first


def test_a_statement_that_cannot_be_read_may_define_anything(check):
    report = check(code("import json\nwith open('x.json') as f loaded = json.load(f)", 1), code("print(loaded)", 2))
    (finding,) = [f for f in report.findings if f.check == "hidden-state"]
    assert "cell 1 above does not parse and may define it" in finding.message
    assert finding.cause is not None and finding.cause.cell_index == 0


def test_a_star_import_or_run_magic_in_a_broken_cell_may_define_anything(check):
    # as in a real notebook (CamDavidsonPilon's sandbox/GithubUsers): `%run` a script, then Python 2
    for opener in ("%run github_events.py", "from events import *"):
        report = check(code(f'{opener}\nprint "loaded"', 1), code("print(ids)", 2))
        (finding,) = [f for f in report.findings if f.check == "hidden-state"]
        assert "cell 1 above does not parse and may define it" in finding.message
        assert "no cell defines it" not in finding.message
        assert finding.cause is not None and finding.cause.cell_index == 0
        assert report.must_fix == 1  # the syntax error only


def test_no_cause_when_the_syntax_error_check_is_off(project):
    import json

    from helpers.notebooks import notebook
    from jupyterlab_readiness.lint.config import CheckConfig
    from jupyterlab_readiness.lint.engine import check_file

    path = project / "n.ipynb"
    path.write_text(json.dumps(notebook(code("x = 1\ny = (", 1), code("print(x)", 2))))
    report = check_file(path, CheckConfig(disabled=frozenset({"syntax-error"})))
    (finding,) = [f for f in report.findings if f.check == "hidden-state"]
    assert finding.cause is None and "which does not parse, defines it" in finding.message


def test_a_broken_cell_below_is_not_a_cause(check):
    report = check(code("print(later)", 1), code("later = (", 2))
    (finding,) = [f for f in report.findings if f.check == "hidden-state"]
    assert finding.cause is None and "no cell defines it" in finding.message
