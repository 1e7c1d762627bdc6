"""``# readiness: ignore[...]`` comments: on a line, as a cell's first line, for the notebook; what
the report says was suppressed."""

from __future__ import annotations

from helpers.notebooks import code, findings_of, md
from jupyterlab_readiness.notebook.ignore import ignores, parse_comment


def test_a_line_comment_silences_that_line_only(check):
    report = check(
        code(
            "import random\n"
            "a = random.random()  # readiness: ignore[unseeded-random] sampling on purpose\n"
            "b = random.random()",
            1,
        )
    )
    assert findings_of(report, "unseeded-random") == [(0, 3)]
    (suppressed,) = report.suppressed
    assert (suppressed.check, suppressed.cell_index, suppressed.line) == ("unseeded-random", 0, 2)
    assert suppressed.reason == "sampling on purpose"


def test_other_checks_on_the_line_still_fire(check):
    report = check(code('import random\nx = open("/home/ana/x", "a")  # readiness: ignore[append-write]', 1))
    assert findings_of(report, "append-write") == []
    assert findings_of(report, "absolute-path") == [(0, 2)]


def test_several_ids_and_a_bare_ignore(check):
    source = 'import random\nx = open("/home/ana/x", "a")  # readiness: ignore[append-write, absolute-path]\n'
    report = check(code(source + "y = random.random()  # readiness: ignore", 1))
    assert [f.check for f in report.findings if f.cell_index == 0] == []
    assert sorted(s.check for s in report.suppressed) == ["absolute-path", "append-write", "unseeded-random"]


def test_a_first_line_comment_silences_the_cell(check):
    report = check(
        code("# readiness: ignore[unseeded-random]\nimport random\nx = random.random()\ny = random.random()", 1),
        code("import random\nz = random.random()", 2),
    )
    assert findings_of(report, "unseeded-random") == [(1, 2)]
    assert [(s.cell_index, s.line) for s in report.suppressed] == [(0, 3), (0, 4)]


def test_a_cell_level_comment_covers_findings_without_a_line(check):
    error = {"output_type": "error", "ename": "ValueError", "evalue": "x", "traceback": []}
    source = "# readiness: ignore[error-output] the failure is the point\nraise ValueError('x')"
    report = check(code(source, 1, [error]))
    assert findings_of(report, "error-output") == []
    assert report.suppressed[0].reason == "the failure is the point"


def test_after_a_cell_magic_the_second_line_is_the_cell_level_comment(check):
    report = check(code("%%time\n# readiness: ignore\nimport random\nx = random.random()", 1))
    assert findings_of(report, "unseeded-random") == []


def test_a_comment_further_down_is_not_cell_level(check):
    report = check(code("import random\nx = random.random()\n# readiness: ignore\ny = random.random()", 1))
    assert findings_of(report, "unseeded-random") == [(0, 2), (0, 4)]


def test_notebook_level_findings_need_their_id_in_the_first_code_cell(check):
    cells = [code(f"x{i} = {i}", i + 1) for i in range(16)]
    report = check(md("# t"), *cells)
    assert findings_of(report, "unpackaged-code") == [(None, None)]
    cells[0] = code("# readiness: ignore\nx0 = 0", 1)  # bare: the cell, not the notebook
    assert findings_of(check(md("# t"), *cells), "unpackaged-code") == [(None, None)]
    cells[0] = code("# readiness: ignore[unpackaged-code]\nx0 = 0", 1)
    report = check(md("# t"), *cells)
    assert findings_of(report, "unpackaged-code") == []
    assert [(s.check, s.cell_index) for s in report.suppressed] == [("unpackaged-code", None)]


def test_suppressed_findings_do_not_count(check):
    report = check(code('password = "hunter22"  # readiness: ignore[hardcoded-secret] test fixture', 1))
    assert report.findings == [] and report.score == 100 and report.band == "ready" and report.must_fix == 0
    assert all(item.status == "pass" for item in report.checklist if item.status != "skipped")


def test_parse_comment():
    assert parse_comment("x = 1") is None
    found = parse_comment("x = 1  # readiness: ignore[a, b] - why not")
    assert found is not None and found.checks == {"a", "b"} and found.reason == "why not"
    bare = parse_comment("# readiness:ignore")
    assert bare is not None and bare.checks is None and bare.covers("anything")
    assert parse_comment("# readiness: ignored") is None
    both = parse_comment("x  # readiness: ignore[a]  # readiness: ignore[b]")
    assert both is not None and both.checks == {"a", "b"}
    assert ignores("x = 1").cell is None and not ignores("x = 1").lines
