"""print-logging: a notebook that reports only through print."""

from __future__ import annotations

import pytest

from helpers.notebooks import code, findings_of, md


def only(report):
    (finding,) = [f for f in report.findings if f.check == "print-logging"]
    return finding


def test_prints_without_logging_fire_once_at_the_first_print(check):
    report = check(
        md("# Report"),
        code("x = 1\ny = 2", 1),
        code("total = x + y\nprint(total)", 2),
        code('print("done")\nprint(x)', 3),
    )
    assert findings_of(report, "print-logging") == [(2, 2)]
    finding = only(report)
    assert finding.severity == "info"
    assert "3 calls" in finding.message
    assert "print()" in finding.message
    assert "logging" in finding.suggestion


def test_single_print_uses_the_singular(check):
    report = check(code('print("hello")', 1))
    assert findings_of(report, "print-logging") == [(0, 1)]
    assert "(1 call)" in only(report).message


def test_print_inside_a_function_counts(check):
    report = check(code("def report(x):\n    print(x)", 1))
    assert findings_of(report, "print-logging") == [(0, 2)]


@pytest.mark.parametrize(
    "logging_cell",
    [
        "import logging",
        "import logging.config",
        "from logging import getLogger",
        "from loguru import logger",
        "import structlog",
    ],
)
def test_any_logging_import_anywhere_silences_it(check, logging_cell):
    # Even when the logging import comes after the prints.
    report = check(code('print("a")', 1), code('print("b")', 2), code(logging_cell, 3))
    assert findings_of(report, "print-logging") == []


def test_no_prints_means_no_finding(check):
    report = check(code("x = 1\ny = x * 2", 1), code("import pandas as pd", 2))
    assert findings_of(report, "print-logging") == []


def test_a_method_named_print_is_not_print(check):
    report = check(code("class Printer:\n    def print(self, x):\n        return x\n\np = Printer()\np.print(1)", 1))
    assert findings_of(report, "print-logging") == []


def test_observability_checklist_item_is_info(check):
    report = check(code('print("hi")', 1))
    (item,) = [i for i in report.checklist if i.id == "observability"]
    assert (item.status, item.findings) == ("info", 1)
