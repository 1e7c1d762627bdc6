"""error-output: saved tracebacks (nbformat 4 "error" and nbformat 3 "pyerr")."""

from __future__ import annotations

import pytest

from helpers.notebooks import check_notebook, code, findings_of, md

KEY_ERROR = {
    "output_type": "error",
    "ename": "KeyError",
    "evalue": "'x'",
    "traceback": ["\x1b[0;31mKeyError\x1b[0m: 'x'"],
}


def error_findings(report):
    return [f for f in report.findings if f.check == "error-output"]


def test_saved_error_output_fires_with_its_exception_name(check):
    report = check(md("# Load"), code("d = {}\nd['x']", 1, outputs=[KEY_ERROR]))
    assert findings_of(report, "error-output") == [(1, None)]
    (finding,) = error_findings(report)
    assert "KeyError" in finding.message
    assert "'x'" in finding.message
    assert "traceback" in finding.message
    assert finding.severity == "warning"


@pytest.mark.parametrize(
    "output",
    [
        {"output_type": "stream", "name": "stdout", "text": ["Traceback (most recent call last):\n"]},
        {"output_type": "stream", "name": "stderr", "text": "KeyError: 'x'\n"},
        {"output_type": "display_data", "data": {"text/plain": "KeyError"}, "metadata": {}},
        {"output_type": "execute_result", "execution_count": 1, "data": {"text/plain": "'error'"}, "metadata": {}},
    ],
    ids=["stdout", "stderr", "display", "result"],
)
def test_non_error_outputs_do_not_fire(check, output):
    report = check(code("x = 1", 1, outputs=[output]))
    assert findings_of(report, "error-output") == []


def test_ansi_escape_codes_are_stripped_from_the_value(check):
    coloured = {
        "output_type": "error",
        "ename": "ValueError",
        "evalue": "\x1b[1;31mbad\x1b[0m \x1b[32mvalue\x1b[0m",
        "traceback": [],
    }
    report = check(code("raise ValueError('bad value')", 1, outputs=[coloured]))
    (finding,) = error_findings(report)
    assert "\x1b" not in finding.message
    assert "ValueError: bad value" in finding.message


def test_very_long_value_is_truncated(check):
    long = {"output_type": "error", "ename": "RuntimeError", "evalue": "x" * 5000, "traceback": []}
    report = check(code("f()", 1, outputs=[long]))
    (finding,) = error_findings(report)
    assert "RuntimeError" in finding.message
    assert len(finding.message) < 400
    assert "…" in finding.message


def test_one_finding_per_cell_for_several_errors(check):
    report = check(
        code(
            "a()",
            1,
            outputs=[KEY_ERROR, {"output_type": "error", "ename": "TypeError", "evalue": "t", "traceback": []}],
        ),
        code("b = 1", 2),
        code(
            "c()",
            3,
            outputs=[
                {"output_type": "error", "ename": "NameError", "evalue": "name 'c' is not defined", "traceback": []}
            ],
        ),
    )
    assert findings_of(report, "error-output") == [(0, None), (2, None)]
    assert "KeyError" in error_findings(report)[0].message
    assert "NameError" in error_findings(report)[1].message


def test_missing_ename_and_evalue_still_reported(check):
    report = check(code("x()", 1, outputs=[{"output_type": "error", "traceback": []}]))
    assert findings_of(report, "error-output") == [(0, None)]
    assert "Error" in error_findings(report)[0].message


def v3_notebook(outputs, source="x = int('bad')"):
    return {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {},
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "heading", "level": 1, "source": "Title", "metadata": {}},
                    {
                        "cell_type": "code",
                        "input": source,
                        "prompt_number": 1,
                        "language": "python",
                        "outputs": outputs,
                        "metadata": {},
                    },
                ]
            }
        ],
    }


def test_nbformat3_pyerr_output_fires(tmp_path):
    nb = v3_notebook([{"output_type": "pyerr", "ename": "ValueError", "evalue": "bad", "traceback": []}])
    report = check_notebook(nb, tmp_path / "old.ipynb")
    assert report.error is None
    assert findings_of(report, "error-output") == [(1, None)]
    (finding,) = error_findings(report)
    assert "ValueError: bad" in finding.message


def test_nbformat3_without_errors_has_no_error_output(tmp_path):
    nb = v3_notebook([{"output_type": "stream", "stream": "stdout", "text": "ok"}], source="x = 1")
    report = check_notebook(nb, tmp_path / "old.ipynb")
    assert report.error is None
    assert findings_of(report, "error-output") == []
