"""How well the score separates notebooks: the score of every corpus notebook under the old
formula (the mean of the checklist items' credits: pass 1, info 0.9, warn 0.5, fail 0) and the new
one (lint/score.py), with how many values each takes, how many notebooks share the most common
one, the spread, and whether every notebook with an error scores below every one without.

Usage: python benchmarks/score_spread.py [--corpus DIR]
"""

from __future__ import annotations

import argparse
import collections
import csv
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "python"))

from jupyterlab_readiness.lint.engine import check_file  # noqa: E402

_CREDIT = {"pass": 1.0, "info": 0.9, "warn": 0.5, "fail": 0.0}


def old_score(report) -> int:
    scored = [_CREDIT[i.status] for i in report.checklist if i.status != "skipped"]
    return round(100 * sum(scored) / len(scored)) if scored else 0


def describe(name: str, scores: list[tuple[int, bool]]) -> str:
    values = [s for s, _ in scores]
    common, count = collections.Counter(values).most_common(1)[0]
    quartiles = statistics.quantiles(values, n=4)
    with_errors = [s for s, e in scores if e]
    without = [s for s, e in scores if not e]
    overlap = sum(1 for s in with_errors if without and s >= min(without))
    return (
        f"| {name} | {len(set(values))} | {common} ({count}) | {statistics.pstdev(values):.1f} | "
        f"{quartiles[0]:.0f}–{quartiles[2]:.0f} | {min(values)}–{max(values)} | "
        f"{max(with_errors, default='-')} / {min(without, default='-')} | {overlap} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared" / "corpus")
    args = parser.parse_args()
    with open(args.corpus / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    old, new = [], []
    for row in rows:
        report = check_file(args.corpus / row["file"], memoize=False)
        if report.error:
            continue
        errors = any(f.severity == "error" for f in report.findings)
        old.append((old_score(report), errors))
        new.append((report.score, errors))
    print(f"{len(new)} notebooks ({sum(e for _, e in new)} with an error-severity finding)\n")
    print(
        "| formula | distinct scores | most common (notebooks) | std dev | IQR | range | "
        "best with an error / worst without | notebooks with an error not below all without |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(describe("old: mean of the checklist items' credits", old))
    print(describe("new: lint/score.py", new))
    bands = collections.Counter(report_band for report_band in _bands(args.corpus, rows))
    print(f"\nbands: {dict(bands)}")


def _bands(corpus: Path, rows):
    for row in rows:
        report = check_file(corpus / row["file"], memoize=False)
        if not report.error:
            yield report.band


if __name__ == "__main__":
    main()
