"""Secret detection: ours vs detect-secrets (and an older tree of ours), accuracy and cost.

Accuracy: every labelled cell of tests/helpers/secret_cases.py, through our real engine (a notebook of one
cell, `hardcoded-secret` findings) and through detect-secrets' library with its default plugins
and filters (the cell saved as a .py file, `SecretsCollection.scan_file`); a case fires when the
tool reports anything in it.

Cost: what detect-secrets would add to a `check` process — its import, its plugin set-up and its
per-line scan over the Python corpus's code cells — against what our check costs on the same
cells and against the static benchmark's floor (json + ast.parse of the corpus).

Usage: python benchmarks/bench_secrets.py [--detect-secrets PYTHON] [--baseline SRC_TREE]
                                          [--cases FILE] [--corpus DIR] [--runs 5] [--out FILE]
detect-secrets is never a dependency of this project: install it in a venv of its own
(`python -m venv /tmp/ds-venv --system-site-packages && /tmp/ds-venv/bin/pip install detect-secrets`)
and pass that venv's python. --baseline is the root of another checkout (e.g. a `git worktree`
or `git archive` of an older commit) whose `python/` is measured the same way. --cases scores
another labelled set instead: a Python file that defines CASES like tests/helpers/secret_cases.py.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tests"))


def corpus_sources(corpus: Path) -> list[list[str]]:
    """Code cells of the corpus's Python notebooks, one list per notebook."""
    with open(corpus / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["kernel_language"] == "python"]
    notebooks = []
    for row in rows:
        nb = json.loads((corpus / row["file"]).read_bytes())
        cells = nb.get("cells") or [c for ws in nb.get("worksheets", []) for c in ws.get("cells", [])]
        sources = []
        for cell in cells:
            if cell.get("cell_type") == "code":
                src = cell.get("source", cell.get("input", ""))
                sources.append("".join(src) if isinstance(src, list) else src)
        notebooks.append(sources)
    return notebooks


# -- workers: each runs in the interpreter and source tree being measured -----------------------


def load_cases(path: Path | None) -> list:
    if path is None:
        from helpers.secret_cases import CASES

        return CASES
    namespace: dict = {"__name__": "cases"}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    return namespace["CASES"]


def worker_ours(corpus: Path, runs: int, cases_path: Path | None) -> dict:
    CASES = load_cases(cases_path)

    from jupyterlab_readiness.checks import secrets
    from jupyterlab_readiness.lint.engine import check_notebook
    from jupyterlab_readiness.notebook.facts import cell_facts

    verdicts = {}
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            nb = {
                "nbformat": 4,
                "nbformat_minor": 5,
                "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
                "cells": [
                    {"cell_type": "code", "source": case.source, "execution_count": 1, "metadata": {}, "outputs": []}
                ],
            }
            report = check_notebook(nb, Path(tmp) / "case.ipynb")
            verdicts[case.id] = any(f.check == "hardcoded-secret" for f in report.findings)
    if not runs:
        return {"verdicts": verdicts}

    class Scope:  # what the check reads of a CellScope
        __slots__ = ("facts",)

    scopes = []
    for sources in corpus_sources(corpus):
        for src in sources:
            scope = Scope()
            scope.facts = cell_facts(src)
            scopes.append(scope)
    times = []
    for _ in range(max(runs, 5) * 4):
        start = time.process_time()
        for scope in scopes:
            for _hit in secrets._secrets_in(None, scope):
                pass
        times.append(time.process_time() - start)
    return {"verdicts": verdicts, "check_s": min(times), "cells": len(scopes)}


def worker_detect_secrets(corpus: Path, runs: int, cases_path: Path | None) -> dict:
    start = time.perf_counter()
    from detect_secrets import SecretsCollection
    from detect_secrets.core.scan import _process_line_based_plugins
    from detect_secrets.settings import default_settings

    imported = time.perf_counter() - start
    CASES = load_cases(cases_path)

    with default_settings(), tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        probe = Path(tmp) / "probe.py"
        probe.write_text("x = 1\n")
        SecretsCollection().scan_file(str(probe))
        setup = time.perf_counter() - start

        verdicts = {}
        for i, case in enumerate(CASES):
            path = Path(tmp) / f"case{i}.py"
            path.write_text(case.source + "\n", encoding="utf-8")
            found = SecretsCollection()
            found.scan_file(str(path))
            verdicts[case.id] = bool(list(found))
        if not runs:
            return {"verdicts": verdicts}

        notebooks = corpus_sources(corpus)
        files = []
        for i, sources in enumerate(notebooks):
            path = Path(tmp) / f"nb{i}.py"
            path.write_text("\n".join(sources) + "\n", encoding="utf-8")
            files.append(path)
        lines = [(n, line) for sources in notebooks for n, line in enumerate("\n".join(sources).splitlines(), 1)]
        # Public API, one file per notebook (reads the file; what an integration would call) …
        start = time.perf_counter()
        for path in files:
            SecretsCollection().scan_file(str(path))
        scan_file_s = time.perf_counter() - start
        # … and the internal line loop, in memory: the least detect-secrets can cost.
        line_times = []
        for _ in range(max(1, runs // 2)):
            start = time.perf_counter()
            for _secret in _process_line_based_plugins(lines, "corpus.py"):
                pass
            line_times.append(time.perf_counter() - start)
    return {
        "verdicts": verdicts,
        "import_s": imported,
        "setup_s": setup,
        "scan_file_s": scan_file_s,
        "lines_s": min(line_times),
        "lines": len(lines),
    }


def worker_import(runs: int) -> dict:
    """Fresh-process import time of detect-secrets (median), measured from inside that process."""
    code = (
        "import time; t = time.perf_counter(); from detect_secrets import SecretsCollection; "
        "from detect_secrets.settings import default_settings; print(time.perf_counter() - t)"
    )
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(float(out.stdout))
    return {"import_median_s": statistics.median(times)}


# -- driver -------------------------------------------------------------------------------------


def run_worker(python: str, mode: str, src: Path | None, corpus: Path, runs: int, cases: Path | None = None) -> dict:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src / "python"), env.get("PYTHONPATH")]))
    cmd = [python, str(Path(__file__).resolve()), "--worker", mode, "--corpus", str(corpus), "--runs", str(runs)]
    if cases is not None:
        cmd += ["--cases", str(cases.resolve())]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"{mode} worker failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def floor_seconds(corpus: Path, runs: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with open(corpus / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                if row["kernel_language"] == "python":
                    (folder / row["file"].replace("/", "__")).symlink_to((corpus / row["file"]).resolve())
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, str(HERE / "floor.py"), str(folder)], check=True)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def score(verdicts: dict[str, bool], CASES: list) -> dict:
    tp = sum(verdicts[c.id] for c in CASES if c.fires)
    fn = sum(not verdicts[c.id] for c in CASES if c.fires)
    fp = sum(verdicts[c.id] for c in CASES if not c.fires)
    tn = sum(not verdicts[c.id] for c in CASES if not c.fires)
    missed = sorted(c.id for c in CASES if c.fires and not verdicts[c.id])
    false = sorted(c.id for c in CASES if not c.fires and verdicts[c.id])
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "missed": missed,
        "false": false,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--detect-secrets", metavar="PYTHON", help="a python that can import detect_secrets")
    ap.add_argument(
        "--baseline", type=Path, metavar="SRC_TREE", help="another checkout of this repo to measure as well"
    )
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument(
        "--cases",
        type=Path,
        metavar="FILE",
        help="a Python file defining CASES (default: tests/helpers/secret_cases.py)",
    )
    ap.add_argument("--out", type=Path)
    ap.add_argument("--accuracy-only", action="store_true", help="skip the cost measurements")
    ap.add_argument("--worker", choices=("ours", "detect-secrets", "import"), help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker == "ours":
        print(json.dumps(worker_ours(args.corpus, args.runs, args.cases)))
        return
    if args.worker == "detect-secrets":
        print(json.dumps(worker_detect_secrets(args.corpus, args.runs, args.cases)))
        return
    if args.worker == "import":
        print(json.dumps(worker_import(args.runs)))
        return

    from report import emit

    CASES = load_cases(args.cases)
    if args.accuracy_only:
        args.runs = 0
    tools: dict[str, dict] = {"ours": run_worker(sys.executable, "ours", REPO, args.corpus, args.runs, args.cases)}
    if args.baseline:
        tools["ours (baseline tree)"] = run_worker(
            sys.executable, "ours", args.baseline, args.corpus, args.runs, args.cases
        )
    if args.detect_secrets:
        tools["detect-secrets"] = run_worker(
            args.detect_secrets, "detect-secrets", None, args.corpus, args.runs, args.cases
        )
        if args.runs:
            tools["detect-secrets"].update(run_worker(args.detect_secrets, "import", None, args.corpus, args.runs))
    floor = floor_seconds(args.corpus, args.runs) if args.runs else None

    positives = sum(c.fires for c in CASES)
    lines = [
        "# Secret detection: accuracy and cost",
        "",
        f"{len(CASES)} labelled cells ({args.cases or 'tests/helpers/secret_cases.py'}): {positives} that must fire, "
        f"{len(CASES) - positives} that must not.",
        "",
        "| tool | TP | FP | FN | TN | precision | recall |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    scores = {name: score(result["verdicts"], CASES) for name, result in tools.items()}
    for name, s in scores.items():
        lines.append(
            f"| {name} | {s['tp']} | {s['fp']} | {s['fn']} | {s['tn']} | {s['precision']:.2f} | {s['recall']:.2f} |"
        )
    lines += ["", "Misses and false alarms:", ""]
    for name, s in scores.items():
        lines.append(
            f"- {name}: missed {', '.join(s['missed']) or 'none'}; false alarms {', '.join(s['false']) or 'none'}"
        )
    if floor is None:
        emit("\n".join(lines) + "\n", args.out)
        return
    lines += [
        "",
        "| cost on the Python corpus | seconds |",
        "|---|---:|",
        f"| floor (json + ast.parse, one process, median of {args.runs}) | {floor:.3f} |",
    ]
    for name, result in tools.items():
        if "check_s" in result:
            lines.append(
                f"| {name}: `hardcoded-secret` over {result['cells']} code cells, facts given (CPU, best of runs) | "
                f"{result['check_s']:.4f} |"
            )
    if "detect-secrets" in tools:
        ds = tools["detect-secrets"]
        lines += [
            f"| detect-secrets: import in a fresh process (median of {args.runs}) | {ds['import_median_s']:.3f} |",
            f"| detect-secrets: default plugins and filters set up (first scan) | {ds['setup_s']:.3f} |",
            f"| detect-secrets: `scan_file` over the corpus's code, one .py per notebook | {ds['scan_file_s']:.3f} |",
            f"| detect-secrets: in-memory line loop over {ds['lines']} lines (best) — "
            f"{1e6 * ds['lines_s'] / ds['lines']:.0f} µs a line | {ds['lines_s']:.3f} |",
        ]
    emit("\n".join(lines) + "\n", args.out)


if __name__ == "__main__":
    main()
