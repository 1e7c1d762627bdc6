"""append-write: writes that a rerun would duplicate."""

from __future__ import annotations

import pytest

from helpers.notebooks import code, findings_of, md

SETUP = 'import pandas as pd\nfrom pathlib import Path\np = "out.csv"\ndf = pd.DataFrame({"a": [1]})\ncon = None\n'
LINE = SETUP.count("\n") + 1  # the line of the statement appended after SETUP


@pytest.mark.parametrize(
    "statement, shown",
    [
        ('f = open(p, "a")', 'open(..., mode="a")'),
        ('f = open(p, mode="a+")', 'open(..., mode="a")'),
        ('f = open(p, "ab")', 'open(..., mode="a")'),
        ('f = open(p, "at", encoding="utf-8")', 'open(..., mode="a")'),
        ('f = Path(p).open("a")', 'open(..., mode="a")'),
        ('f = Path(p).open(mode="a")', 'open(..., mode="a")'),
        ('df.to_csv(p, mode="a")', '.to_csv(..., mode="a")'),
        ('df.to_csv(p, mode="a", header=False)', '.to_csv(..., mode="a")'),
        ('df.to_sql("t", con, if_exists="append")', '.to_sql(..., if_exists="append")'),
        ('df.write.mode("append").parquet(p)', '.mode("append")'),
    ],
    ids=[
        "open-a",
        "open-mode-a+",
        "open-ab",
        "open-at",
        "path-open-a",
        "path-open-mode-a",
        "to_csv-a",
        "to_csv-a-header",
        "to_sql-append",
        "spark-append",
    ],
)
def test_append_mode_writes_fire(check, statement, shown):
    report = check(code(SETUP + statement, 1))
    assert findings_of(report, "append-write") == [(0, LINE)]
    (finding,) = [f for f in report.findings if f.check == "append-write"]
    assert f"`{shown}`" in finding.message
    assert "twice" in finding.message
    assert finding.severity == "warning"
    assert "replace" in finding.suggestion


@pytest.mark.parametrize(
    "statement",
    [
        "f = open(p)",
        'f = open(p, "r")',
        'f = open(p, "w")',
        'f = open(p, "wb")',
        'f = open(p, mode="r+")',
        "f = Path(p).open()",
        'f = Path(p).open("w")',
        "df.to_csv(p)",
        'df.to_csv(p, mode="w")',
        'df.to_sql("t", con, if_exists="replace")',
        'df.to_sql("t", con, if_exists="fail")',
        'df.to_sql("t", con)',
        'df.write.mode("overwrite").parquet(p)',
        'label = "append"',
        'm = df["a"].mode()',
    ],
)
def test_idempotent_writes_do_not_fire(check, statement):
    report = check(code(SETUP + statement, 1))
    assert findings_of(report, "append-write") == []


def test_with_statement_append_fires_at_the_with_line(check):
    report = check(md("# Log"), code('with open("log.txt", "a") as fh:\n    fh.write("ran\\n")', 1))
    assert findings_of(report, "append-write") == [(1, 1)]


def test_each_append_write_is_reported(check):
    report = check(
        code(SETUP + 'df.to_csv(p, mode="a")\ndf.to_sql("t", con, if_exists="append")', 1),
        code('with open("log.txt", "a") as fh:\n    fh.write("x")', 2),
    )
    assert findings_of(report, "append-write") == [(0, LINE), (0, LINE + 1), (1, 1)]


@pytest.mark.parametrize(
    "statement",
    [
        'df.write.parquet(p, mode="append")',
        'df.write.format("delta").save(p, mode="append")',
        'df.write.saveAsTable("t", mode="append")',
        'df.write.mode(saveMode="append").parquet(p)',
    ],
    ids=["parquet-mode-kwarg", "save-mode-kwarg", "saveAsTable-mode-kwarg", "mode-saveMode-kwarg"],
)
def test_spark_append_given_as_a_keyword_fires(check, statement):
    # The same Spark append as `.mode("append")`, spelled with the writer's keyword argument.
    report = check(code(SETUP + statement, 1))
    assert findings_of(report, "append-write") == [(0, LINE)]
