"""absolute-path: string literals that name a path on one person's machine."""

from __future__ import annotations

import pytest

from helpers.notebooks import code, findings_of, md


def path_findings(report):
    return [f for f in report.findings if f.check == "absolute-path"]


@pytest.mark.parametrize(
    "literal, shown",
    [
        ('"/Users/ana/data.csv"', "/Users/ana/data.csv"),
        ('"/home/bob/x"', "/home/bob/x"),
        (r'r"C:\Users\ana\x.csv"', "C:\\Users\\ana\\x.csv"),
        ('"C:\\\\data\\\\x.csv"', "C:\\data\\x.csv"),
        ('"~/data/x.csv"', "~/data/x.csv"),
        ('"~ana/data/x.csv"', "~ana/data/x.csv"),
    ],
    ids=["macos-home", "linux-home", "windows-users", "windows-drive", "tilde", "tilde-user"],
)
def test_user_paths_fire_and_show_the_path(check, literal, shown):
    report = check(code(f"import pandas as pd\ndf = pd.read_csv({literal})", 1))
    assert findings_of(report, "absolute-path") == [(0, 2)]
    (finding,) = path_findings(report)
    assert f"`{shown}`" in finding.message
    assert "one machine" in finding.message
    assert finding.severity == "warning"
    assert "relative" in finding.suggestion


def test_f_string_with_a_user_path_fires(check):
    report = check(code('user = "bob"\np = f"/home/{user}/x"', 1))
    assert findings_of(report, "absolute-path") == [(0, 2)]
    assert "/home/" in path_findings(report)[0].message


def test_f_string_with_a_fixed_user_fires(check):
    report = check(code('name = "sales"\np = f"/Users/ana/{name}.csv"', 1))
    assert findings_of(report, "absolute-path") == [(0, 2)]
    assert "`/Users/ana/`" in path_findings(report)[0].message


@pytest.mark.parametrize(
    "literal",
    [
        '"data/x.csv"',
        '"./x.csv"',
        '"../shared/x.csv"',
        '"/tmp/x"',
        '"/data/x"',
        '"/home"',
        '"~"',
        '"https://example.com/home/bob/x.csv"',
        '"s3://bucket/Users/ana/x.csv"',
        '"file.csv"',
    ],
)
def test_portable_paths_and_urls_do_not_fire(check, literal):
    report = check(code(f"p = {literal}", 1))
    assert findings_of(report, "absolute-path") == []


def test_one_finding_per_distinct_literal_per_cell(check):
    report = check(
        code('a = "/Users/ana/a.csv"\nb = "/Users/ana/a.csv"\nc = "/Users/ana/b.csv"', 1),
        md("again"),
        code('d = "/Users/ana/a.csv"', 2),
    )
    assert findings_of(report, "absolute-path") == [(0, 1), (0, 3), (2, 1)]
    shown = [f.message for f in path_findings(report)]
    assert "`/Users/ana/a.csv`" in shown[0]
    assert "`/Users/ana/b.csv`" in shown[1]
    assert "`/Users/ana/a.csv`" in shown[2]


def test_long_path_is_shortened_in_the_message(check):
    long_path = "/home/bob/" + "sub/" * 30 + "x.csv"
    report = check(code(f'p = "{long_path}"', 1))
    (finding,) = path_findings(report)
    assert long_path not in finding.message
    assert "`/home/bob/sub/" in finding.message and "…`" in finding.message


def test_line_is_the_literal_line_in_a_multiline_call(check):
    report = check(code('import pandas as pd\ndf = pd.read_csv(\n    "/home/bob/data.csv",\n    sep=";",\n)', 1))
    assert findings_of(report, "absolute-path") == [(0, 3)]
