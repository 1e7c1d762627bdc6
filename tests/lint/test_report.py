"""The report: checklist, score, configuration, unreadable notebooks and the pydantic contract."""

from __future__ import annotations

import json
import math

import pytest

from helpers.notebooks import check_notebook, code, findings_of, md, notebook
from jupyterlab_readiness.checks.registry import CHECKS
from jupyterlab_readiness.contract.report import to_dict
from jupyterlab_readiness.contract.schema import FINDING, NOTEBOOK_REPORT
from jupyterlab_readiness.lint.config import CheckConfig
from jupyterlab_readiness.lint.engine import check_file

ITEMS = [
    "pinned-environment",
    "deterministic-inputs",
    "idempotent-writes",
    "reproducible-execution",
    "observability",
    "secrets",
    "packaged-code",
]

CLEAN = code("x = 1\ny = x + 1", 1)


def statuses(report):
    return {item.id: item.status for item in report.checklist}


def save(project, nb, name="analysis.ipynb"):
    path = project / name
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


# -- checklist and score ------------------------------------------------------------------------


def test_checklist_has_the_seven_items_in_order(check):
    report = check(CLEAN)
    assert [item.id for item in report.checklist] == ITEMS
    assert [item.title for item in report.checklist] == [
        "Pinned environment",
        "Deterministic inputs",
        "Idempotent writes",
        "Reproducible execution",
        "Observability",
        "No secrets in code",
        "Packaged code",
    ]
    # Each item lists the checks that feed it, and every registered check feeds exactly one item.
    listed = [c for item in report.checklist for c in item.checks]
    assert sorted(listed) == sorted(spec.id for spec in CHECKS)
    assert "wall-clock" in next(i for i in report.checklist if i.id == "deterministic-inputs").checks


def test_clean_notebook_passes_everything_and_scores_100(check):
    report = check(md("# Title"), CLEAN)
    assert report.error is None
    assert report.findings == []
    assert set(statuses(report).values()) == {"pass"}
    assert all(item.findings == 0 for item in report.checklist)
    assert report.score == 100


def test_one_warning_item(check):
    report = check(code("import random\nx = random.random()\ny = random.random()", 1))
    assert statuses(report) == dict.fromkeys(ITEMS, "pass") | {"deterministic-inputs": "warn"}
    assert next(i for i in report.checklist if i.id == "deterministic-inputs").findings == 2
    # two warnings of one check: 1 + 1/2 penalty points (score.py)
    assert report.score == round(50 + 50 * math.exp(-1.5 / 8)) == 91
    assert (report.band, report.must_fix) == ("attention", 0)


def test_one_info_item(check):
    report = check(code('print("hi")', 1))
    assert statuses(report) == dict.fromkeys(ITEMS, "pass") | {"observability": "info"}
    assert report.score == round(50 + 50 * math.exp(-0.25 / 8)) == 98
    assert (report.band, report.must_fix) == ("ready", 0)


def test_one_error_item(check):
    report = check(code('password = "hunter22"', 1))
    assert statuses(report) == dict.fromkeys(ITEMS, "pass") | {"secrets": "fail"}
    assert report.score == 49  # one error and nothing else: the top of the blocked range
    assert (report.band, report.must_fix) == ("blocked", 1)


def test_item_status_is_its_worst_finding(check):
    # reproducible-execution gets a warning (out of order) and an error (syntax): it fails.
    report = check(code("a = 1", 2), code("b = (", 1))
    assert statuses(report)["reproducible-execution"] == "fail"
    assert next(i for i in report.checklist if i.id == "reproducible-execution").findings == 2
    assert report.score == math.floor(49 * math.exp(-1 / 16)) == 46


def test_mixed_items_score(check):
    report = check(
        code('import random\nx = random.random()\npassword = "hunter22"\nprint(x)', 1),
    )
    assert statuses(report) == dict.fromkeys(ITEMS, "pass") | {
        "deterministic-inputs": "warn",
        "secrets": "fail",
        "observability": "info",
    }
    assert report.score == math.floor(49 * math.exp(-(1 + 0.25) / 16)) == 45


def test_findings_are_sorted_notebook_level_first_then_by_cell_and_line(check):
    report = check(*[code(f"x{i} = {i}\nprint(x{i})", i + 1) for i in range(8)], code("a = 1", 1))
    keys = [(-1 if f.cell_index is None else f.cell_index, f.line or 0, f.check) for f in report.findings]
    assert keys == sorted(keys)
    assert report.findings[0].check == "unpackaged-code"


# -- configuration ------------------------------------------------------------------------------


def test_disabled_check_removes_its_findings_and_skips_an_item_with_no_other_check(project):
    path = save(project, notebook(code('password = "hunter22"\nprint(1)', 1)))
    report = check_file(path, CheckConfig(disabled=frozenset({"hardcoded-secret"})))
    assert findings_of(report, "hardcoded-secret") == []
    assert findings_of(report, "print-logging") == [(0, 2)]
    assert statuses(report)["secrets"] == "skipped"
    assert next(i for i in report.checklist if i.id == "secrets").findings == 0
    assert report.score == 98  # the info finding alone


def test_disabling_some_checks_of_an_item_keeps_the_item(project):
    path = save(project, notebook(code("import random\nx = random.random()\np = '/home/bob/x.csv'", 1)))
    report = check_file(path, CheckConfig(disabled=frozenset({"unseeded-random"})))
    assert findings_of(report, "unseeded-random") == []
    assert findings_of(report, "absolute-path") == [(0, 3)]
    assert statuses(report)["deterministic-inputs"] == "warn"


def test_disabling_every_check_of_an_item_skips_it(project):
    path = save(project, notebook(code("import random\nx = random.random()", 1)))
    report = check_file(path, CheckConfig(disabled=frozenset({"wall-clock", "unseeded-random", "absolute-path"})))
    assert report.findings == []
    assert statuses(report)["deterministic-inputs"] == "skipped"
    assert report.score == 100


def test_with_flags_disable_like_the_cli(project):
    path = save(project, notebook(code('print("x")', 1)))
    report = check_file(path, CheckConfig().with_flags(disable=["print-logging"]))
    assert report.findings == []
    assert statuses(report)["observability"] == "skipped"


def test_severity_override_changes_the_finding_and_the_item(project):
    path = save(project, notebook(code("import random\nx = random.random()", 1)))
    report = check_file(path, CheckConfig(severity={"unseeded-random": "error"}))
    (finding,) = [f for f in report.findings if f.check == "unseeded-random"]
    assert finding.severity == "error"
    assert statuses(report)["deterministic-inputs"] == "fail"
    assert (report.score, report.band) == (49, "blocked")

    report = check_file(path, CheckConfig(severity={"unseeded-random": "info"}))
    (finding,) = [f for f in report.findings if f.check == "unseeded-random"]
    assert finding.severity == "info"
    assert statuses(report)["deterministic-inputs"] == "info"


# -- unreadable notebooks -----------------------------------------------------------------------

UNREADABLE = {
    "invalid-json": b'{"nbformat": 4, "cells": [',
    "json-list": b'[{"nbformat": 4}]',
    "json-string": b'"notebook"',
    "nbformat-5": json.dumps({"nbformat": 5, "nbformat_minor": 0, "metadata": {}, "cells": []}).encode(),
    "nbformat-missing": b'{"cells": []}',
    "nbformat-string": b'{"nbformat": "4", "cells": []}',
    "cells-not-a-list": b'{"nbformat": 4, "cells": {"a": 1}}',
    "binary-junk": bytes(range(256)) * 4,
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
    "latin-1": '{"nbformat": 4, "cells": [], "x": "café"}'.encode("latin-1"),
    "empty": b"",
    "deep-nesting": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("content", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_unreadable_notebook_gives_an_error_report(project, content):
    path = project / "broken.ipynb"
    path.write_bytes(content)
    report = check_file(path)
    assert report.error
    assert report.score == 0
    assert report.findings == []
    assert report.checklist == []
    assert report.path == str(path)
    NOTEBOOK_REPORT.validate_json(json.dumps(to_dict(report)))


def test_error_messages_say_why(project):
    cases = {
        "list": (b"[]", "not an object"),
        "v5": (b'{"nbformat": 5, "cells": []}', "nbformat 5"),
        "json": (b"{", "invalid JSON"),
    }
    for name, (content, reason) in cases.items():
        path = project / f"{name}.ipynb"
        path.write_bytes(content)
        assert reason in check_file(path).error


def test_missing_file_and_directory_give_an_error_report(project):
    for path in (project / "nope.ipynb", project):
        report = check_file(path)
        assert report.error and report.score == 0


def test_unreadable_dict_through_check_notebook(tmp_path):
    for nb in ([], {"nbformat": 5, "cells": []}, {"nbformat": 4}, "x"):
        report = check_notebook(nb, tmp_path / "live.ipynb")  # type: ignore[arg-type]
        assert report.error and report.score == 0


def test_odd_cells_inside_a_valid_notebook_do_not_crash(project):
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": None, "language_info": "python"},
        "cells": [
            {"cell_type": "code", "source": []},
            {"cell_type": "code", "source": "", "execution_count": "3", "outputs": "none"},
            {
                "cell_type": "code",
                "source": ["x = 1\n", "y = 2"],
                "execution_count": True,
                "outputs": [None, {"output_type": "error"}],
            },
            {"cell_type": 3, "source": "z"},
        ],
    }
    report = check_file(save(project, nb))
    assert report.error is None
    assert [item.id for item in report.checklist] == ITEMS
    assert findings_of(report, "error-output") == [(2, None)]


# -- the pydantic contract ----------------------------------------------------------------------


def test_every_finding_validates_and_the_report_round_trips(check, project):
    error = {"output_type": "error", "ename": "KeyError", "evalue": "'x'", "traceback": []}
    report = check(
        md("# Everything wrong"),
        code("import pandas as pd\nimport random\nimport datetime\n!pip install seaborn", 3, cell_id="imports"),
        code(
            'df = pd.read_csv("/Users/ana/data.csv")\nt = datetime.datetime.now()\nx = random.random()',
            2,
            outputs=[error],
        ),
        code('password = "hunter22"\ndf.to_csv("out.csv", mode="a")\nprint(undefined_name)', None),
        code("y = (", 4),
        code("\n".join(f"v{i} = {i}" for i in range(15)), 5),
    )
    checks = {f.check for f in report.findings}
    assert checks >= {
        "unpinned-import",
        "unpinned-install",
        "absolute-path",
        "wall-clock",
        "unseeded-random",
        "error-output",
        "out-of-order-execution",
        "unexecuted-cell",
        "hardcoded-secret",
        "append-write",
        "print-logging",
        "syntax-error",
        "unpackaged-code",
        "hidden-state",
    }
    for finding in report.findings:
        again = FINDING.validate_python(to_dict(finding))
        assert again == finding
        FINDING.validate_json(json.dumps(to_dict(finding)))
        assert finding.cell_index is None or 0 <= finding.cell_index < 6
        assert finding.line is None or finding.line >= 1
        assert finding.message and finding.suggestion
        assert finding.severity == next(s.severity for s in CHECKS if s.id == finding.check)
    assert [f.cell_id for f in report.findings if f.cell_index == 1] and all(
        f.cell_id == "imports" for f in report.findings if f.cell_index == 1
    )
    dumped = json.dumps(to_dict(report))
    assert NOTEBOOK_REPORT.validate_json(dumped) == report
    data = json.loads(dumped)
    assert set(data) == {"path", "score", "findings", "checklist", "error", "band", "must_fix", "suppressed"}
    assert set(data["findings"][0]) == {
        "check",
        "severity",
        "cell_index",
        "cell_id",
        "line",
        "message",
        "suggestion",
        "fixes",
        "cells",
        "cause",
        "file",
        "file_line",
        "execution_count",
    }
    assert all(f["fixes"] == [] for f in data["findings"])  # computed only when asked for
    assert 0 <= report.score <= 100


def test_finding_model_rejects_contract_violations():
    good = {
        "check": "wall-clock",
        "severity": "warning",
        "cell_index": 0,
        "cell_id": None,
        "line": 1,
        "message": "m",
        "suggestion": "s",
    }
    FINDING.validate_python(good)
    with pytest.raises(ValueError):
        FINDING.validate_python(good | {"severity": "fatal"})
    with pytest.raises(ValueError):
        FINDING.validate_python(good | {"extra": 1})
    with pytest.raises(ValueError):
        NOTEBOOK_REPORT.validate_python({"path": "x", "score": 101, "findings": [], "checklist": []})
