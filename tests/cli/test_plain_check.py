"""A plain ``check`` command line is parsed without argparse: whatever plain_check accepts, argparse
reads the same way, and what it does not accept (errors above all) is left to argparse."""

from __future__ import annotations

import contextlib
import io
import random

import pytest

from jupyterlab_readiness.cli.main import plain_check
from jupyterlab_readiness.cli.parser import parse_args

WORDS = (
    *("a.ipynb", "dir/", "b c.ipynb", "", "-", "--", "-x", "json", "text", "sarif", "xml", "never", "info"),
    *("--format", "--format=json", "--format=", "--fail-on", "--fail-on=warning", "--show-fixes", "--show-fixes=1"),
    *("--no-cache", "--disable", "--disable=wall-clock", "wall-clock", "--enable", "--changed-since", "HEAD~1"),
    *("--shard", "1/3", "--jobs", "-j", "-j2", "-j=2", "--jobs=3", "--jobs=0", "0", "-1", "2", " 3", "+4", "1_0", "²"),
    *("--cache-dir", "/tmp/c", "--cache-dir=", "--no", "--form", "-h", "--help", "--version", "-a b"),
)


def argparse_reading(given: list[str]) -> dict | None:
    """What the whole parser makes of ``given``; None when it refuses it."""
    try:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            return vars(parse_args(given))
    except SystemExit:
        return None


@pytest.mark.parametrize(
    "given",
    [
        ["check", "."],
        ["check", "--format", "json", "--fail-on", "never", "--no-cache", "--jobs", "1", "a.ipynb", "b.ipynb"],
        ["check", "a.ipynb", "--format=sarif", "-j", "4", "--disable", "x", "--disable=y", "--enable", "z"],
        ["check", "--show-fixes", "--changed-since", "main", "--shard", "2/5", "--cache-dir", "c", "nb"],
        ["check", "--format", "json", "--format", "text", "nb"],
    ],
)
def test_a_plain_command_line_reads_as_argparse_reads_it(given):
    plain = plain_check(given)
    assert plain is not None
    assert vars(plain) == argparse_reading(given)


@pytest.mark.parametrize(
    "given",
    [
        ["check"],
        ["check", "a", "--no-cache", "b"],  # argparse refuses a second run of paths
        ["check", "--jobs", "0", "a"],
        ["check", "--jobs", "-1", "a"],
        ["check", "--format", "xml", "a"],
        ["check", "--form", "json", "a"],  # an abbreviation: argparse's to expand
        ["check", "-j2", "a"],
        ["check", "--cache-dir", "", "a"],
        ["check", "-h"],
    ],
)
def test_anything_else_is_left_to_argparse(given):
    assert plain_check(given) is None


def test_random_command_lines_read_the_same_whenever_plain_check_takes_them():
    rng = random.Random(19)
    taken = 0
    for _ in range(5000):
        given = ["check", *(rng.choice(WORDS) for _ in range(rng.randint(0, 7)))]
        plain = plain_check(given)
        if plain is not None:
            taken += 1
            assert vars(plain) == argparse_reading(given), given
    assert taken > 200
