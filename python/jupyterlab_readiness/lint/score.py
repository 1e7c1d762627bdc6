"""Score, band and must-fix count: computed here and nowhere else, so the CLI, the sidebar, the
toolbar and the export dialog show the same verdict for the same report.

Each check's findings cost a penalty that grows with their number, with diminishing weight: the
k-th finding of one check costs 1/k of the first, so ten unpinned imports cost about three times
one, not ten. A first finding costs 4 points for an error, 1 for a warning, 0.25 for info::

    P = sum over checks c of  weight(severity of c) * (1 + 1/2 + ... + 1/n_c)

    no error:  score = round(50 + 50 * exp(-P / 8))            in 50..100 (100: no finding at all)
    an error:  score = floor(49 * exp(-(P - 4) / 16))          in 0..49   (49: one error, nothing else)

A notebook with an error-severity finding therefore always scores below one without, and adding
a finding never raises the score. The band is "blocked" when an error-severity finding remains
(its count is ``must_fix``; a finding folded under the one it follows from is not counted
again), "attention" when a warning does, else "ready".
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from ..contract.report import Finding

WEIGHT = {"error": 4.0, "warning": 1.0, "info": 0.25}
SCALE = 8.0  # penalty that takes an error-free notebook from 100 to about 68
BLOCKED_SCALE = 16.0  # slower decay below 50, so notebooks with errors still spread out


def penalty(findings: Iterable[Finding]) -> float:
    counts: dict[tuple[str, str], int] = {}
    for f in findings:
        key = (f.check, f.severity)
        counts[key] = counts.get(key, 0) + 1
    return sum(WEIGHT[severity] * _harmonic(n) for (_, severity), n in counts.items())


def score(findings: list[Finding]) -> int:
    total = penalty(findings)
    if any(f.severity == "error" for f in findings):
        return max(0, min(49, math.floor(49 * math.exp(-(total - WEIGHT["error"]) / BLOCKED_SCALE))))
    return max(50, min(100, round(50 + 50 * math.exp(-total / SCALE))))


def must_fix(findings: list[Finding]) -> int:
    return sum(1 for f in findings if f.severity == "error" and f.cause is None)


def band(findings: list[Finding]) -> str:
    if any(f.severity == "error" for f in findings):
        return "blocked"
    if any(f.severity == "warning" for f in findings):
        return "attention"
    return "ready"


def _harmonic(n: int) -> float:
    return sum(1.0 / k for k in range(1, n + 1))
