"""The report's JSON form: ``to_dict``'s spelled-out path for reports equals the generic one, and
``report_from_dict`` reads back exactly what ``to_dict`` wrote (the result cache relies on both)."""

from __future__ import annotations

import dataclasses

import pytest

from helpers.notebooks import code, md
from jupyterlab_readiness.contract.report import Finding, NotebookReport, report_from_dict, to_dict


def generic(value):
    """``to_dict`` as it is defined: dataclass fields in order, recursively."""
    if dataclasses.is_dataclass(value):
        return {f.name: generic(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [generic(v) for v in value]
    return value


def test_a_report_s_dict_is_the_generic_one_and_reads_back(check):
    report = check(
        md("# T"),
        code("import pandas as pd\nimport datetime\nnow = datetime.datetime.now()", 2, cell_id="a"),
        code("print(undefined)", 1),
        code("x = (", 4),
        code("print(x)", 5),
        code("import time\nt = time.time()  # readiness: ignore[wall-clock] the run's own timing", 6),
    )
    assert report.findings and report.checklist and report.suppressed
    assert any(f.cause is not None for f in report.findings) and any(f.execution_count for f in report.findings)
    data = to_dict(report)
    assert data == generic(report)
    assert list(data) == [f.name for f in dataclasses.fields(NotebookReport)]
    assert list(data["findings"][0]) == [f.name for f in dataclasses.fields(Finding)]
    assert to_dict(report_from_dict(data)) == data
    failed = NotebookReport("x.ipynb", 0, error="not a notebook")
    assert to_dict(report_from_dict(to_dict(failed))) == to_dict(failed) == generic(failed)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("score"),
        lambda d: d.update(score="100"),
        lambda d: d.update(error=3),
        lambda d: d["findings"][0].update(severity="fatal"),
        lambda d: d["findings"][0].update(line="1"),
        lambda d: d["checklist"][0].update(status="great"),
        lambda d: d["checklist"][0].update(checks="hidden-state"),
        lambda d: d.update(findings={}),
        lambda d: d.update(band="great"),
        lambda d: d["findings"][0].update(cells=["1"]),
        lambda d: d["findings"][0].update(fixes=[{"id": "ignore"}]),  # a report with fixes is never stored
    ],
)
def test_report_from_dict_refuses_what_to_dict_never_writes(check, change):
    data = to_dict(check(code("import datetime\nnow = datetime.datetime.now()", 1)))
    change(data)
    with pytest.raises(ValueError):
        report_from_dict(data)
