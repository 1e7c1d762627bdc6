"""The one rule for line breaks when an action rewrites a file (actions/newlines.py): any Windows
line break makes the rewrite all Windows line breaks; anything else, or no file, gives ``\\n``."""

from __future__ import annotations

import pytest

from jupyterlab_readiness.actions.newlines import newline_of, normalized_newlines, with_newline


@pytest.mark.parametrize(
    ("text", "normalized", "newline"),
    [
        ("a = 1\r\nb = 2\r\n", "a = 1\nb = 2\n", "\r\n"),  # saved on Windows
        ("a = 1\nb = 2\n", "a = 1\nb = 2\n", "\n"),
        ("a = 1\r\nb = 2\nc = 3", "a = 1\nb = 2\nc = 3", "\r\n"),  # mixed: one Windows break is enough
        ("a = 1\rb = 2\n", "a = 1\rb = 2\n", "\n"),  # a lone carriage return is not a Windows break
        ("", "", "\n"),
        (None, None, "\n"),  # no file yet
    ],
    ids=["crlf", "lf", "mixed", "lone-cr", "empty", "none"],
)
def test_normalized_newlines(text, normalized, newline):
    assert normalized_newlines(text) == (normalized, newline)
    assert newline_of(text) == newline


@pytest.mark.parametrize(
    ("text", "newline", "written"),
    [
        ("a = 1\nb = 2\n", "\r\n", "a = 1\r\nb = 2\r\n"),
        ("a = 1\nb = 2\n", "\n", "a = 1\nb = 2\n"),
        ("", "\r\n", ""),
        ("", "\n", ""),
    ],
)
def test_with_newline(text, newline, written):
    assert with_newline(text, newline) == written


@pytest.mark.parametrize(
    ("text", "rewritten"),
    [
        ("x\r\ny\r\n", "x\r\ny\r\n"),
        ("x\ny\n", "x\ny\n"),
        ("x\r\ny\n", "x\r\ny\r\n"),  # mixed: all Windows line breaks
        ("", ""),
    ],
    ids=["crlf", "lf", "mixed", "empty"],
)
def test_a_rewrite_that_changes_nothing_gives_the_text_in_its_own_style(text, rewritten):
    assert with_newline(*normalized_newlines(text)) == rewritten
