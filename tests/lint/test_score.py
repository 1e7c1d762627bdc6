"""The score's properties (lint/score.py): a finding more never raises it, an error always puts a
notebook below every notebook without one, findings of one kind cost more with diminishing weight,
and real notebooks spread out."""

from __future__ import annotations

import collections
import csv
import random

import pytest

from helpers.notebooks import CORPUS
from jupyterlab_readiness.contract.fixes import Cause
from jupyterlab_readiness.contract.report import Finding
from jupyterlab_readiness.lint.engine import check_file
from jupyterlab_readiness.lint.score import band, must_fix, score

CHECKS = ["wall-clock", "unseeded-random", "absolute-path", "unpinned-import", "print-logging", "hidden-state"]


def finding(check: str, severity: str, cause: Cause | None = None) -> Finding:
    return Finding(check, severity, 0, None, 1, "m", "s", cause=cause)  # type: ignore[arg-type]


def random_findings(rng: random.Random, severities=("warning", "info", "error")) -> list[Finding]:
    return [finding(rng.choice(CHECKS), rng.choice(severities)) for _ in range(rng.randrange(0, 40))]


def test_a_finding_more_never_raises_the_score():
    rng = random.Random(15)
    for _ in range(2000):
        findings = random_findings(rng)
        more = [*findings, finding(rng.choice(CHECKS), rng.choice(("error", "warning", "info")))]
        assert score(more) <= score(findings)


def test_an_error_is_always_below_any_notebook_without_one():
    rng = random.Random(16)
    worst_without = min(score(random_findings(rng, ("warning", "info"))) for _ in range(2000))
    worst_without = min(worst_without, score([finding(c, "warning") for c in CHECKS for _ in range(200)]))
    best_with = max(
        score([*random_findings(rng, ("warning", "info")), finding("hidden-state", "error")]) for _ in range(2000)
    )
    assert best_with < 50 <= worst_without
    assert score([finding("hidden-state", "error")]) == 49 and score([]) == 100


def test_more_findings_of_a_kind_cost_more_with_diminishing_weight():
    one = score([finding("wall-clock", "warning")])
    ten = score([finding("wall-clock", "warning")] * 10)
    spread = score([finding(c, "warning") for c in CHECKS] + [finding(f"other-{i}", "warning") for i in range(4)])
    assert 100 > one > ten > spread  # ten of one kind cost less than ten different problems
    assert score([finding("print-logging", "info")]) > one  # info costs less than a warning


def test_band_and_must_fix():
    assert (band([]), must_fix([])) == ("ready", 0)
    assert band([finding("print-logging", "info")]) == "ready"
    assert band([finding("wall-clock", "warning"), finding("print-logging", "info")]) == "attention"
    folded = finding("hidden-state", "error", Cause("syntax-error", 0))
    errors = [finding("syntax-error", "error"), folded, finding("hidden-state", "error")]
    assert (band(errors), must_fix(errors)) == ("blocked", 2)  # the folded one follows from the first


@pytest.mark.corpus
def test_real_notebooks_spread_out():
    with open(CORPUS / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    reports = [check_file(CORPUS / row["file"], memoize=False) for row in rows]
    reports = [r for r in reports if r.error is None]
    scores = collections.Counter(r.score for r in reports)
    assert len(scores) >= 40  # the old formula took 15 values
    shared = max(n for value, n in scores.items() if value != 100)
    assert shared <= len(reports) * 0.08  # the old one put 42 of 202 on 84
    with_errors = [r.score for r in reports if r.band == "blocked"]
    without = [r.score for r in reports if r.band != "blocked"]
    assert with_errors and without and max(with_errors) < min(without)
