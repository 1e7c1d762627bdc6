"""Static-check benchmark: ours vs the floor vs pynblint, on the corpus and a 1,000-cell notebook.

Usage: python benchmarks/bench_static.py [--runs 5] [--corpus DIR] [--pynblint PATH]
                                         [--out benchmarks/results.md] [--tools ours,floor,pynblint]
See benchmarks/README.md for the methodology.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from report import emit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from generate import write_notebook  # noqa: E402

TOOLS = ("ours", "floor", "pynblint")
PYNBLINT_OUT = "pynblint-out.json"
PYNBLINT_INSTALL = 'python -m venv .bench-venv && .bench-venv/bin/pip install pynblint "click<8.2"'


@dataclass
class Workload:
    name: str
    target: Path
    notebooks: int
    cells: int
    code_cells: int


@dataclass
class Timing:
    times: list[float] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)
    stderr: str = ""


def find_pynblint(cli: str | None) -> str | None:
    candidate = cli or os.environ.get("PYNBLINT") or shutil.which("pynblint")
    if candidate and (Path(candidate).is_file() or shutil.which(candidate)):
        return candidate
    return None


def count_cells(paths: list[Path]) -> tuple[int, int]:
    cells = code = 0
    for path in paths:
        nb = json.loads(path.read_bytes())
        # nbformat 3 nests cells under worksheets.
        cs = nb.get("cells") or [c for ws in nb.get("worksheets", []) for c in ws.get("cells", [])]
        cells += len(cs)
        code += sum(c.get("cell_type") == "code" for c in cs)
    return cells, code


def corpus_workload(corpus: Path, tmp: Path) -> Workload:
    """Symlink the corpus's Python notebooks into one flat folder that every tool reads."""
    folder = tmp / "corpus-python"
    folder.mkdir()
    with open(corpus / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["kernel_language"] == "python"]
    paths = []
    for row in rows:
        link = folder / row["file"].replace("/", "__")
        link.symlink_to((corpus / row["file"]).resolve())
        paths.append(link)
    return Workload("corpus (python)", folder, len(paths), *count_cells(paths))


def generated_workload(tmp: Path) -> Workload:
    path = write_notebook(tmp / "generated_1000.ipynb", code_cells=1000, seed=0)
    return Workload("generated 1,000 cells", path, 1, *count_cells([path]))


def commands(pynblint: str | None, tmp: Path) -> dict[str, list[str]]:
    cmds = {
        # One process, nothing cached: what this benchmark has always measured (bench_ci.py measures
        # the cache and --jobs).
        "ours": [
            *[sys.executable, "-m", "jupyterlab_readiness", "check", "--format", "json", "--fail-on", "never"],
            *["--no-cache", "--jobs", "1"],
        ],
        "floor": [sys.executable, str(HERE / "floor.py")],
    }
    if pynblint:
        cmds["pynblint"] = [pynblint, "-q", "-y", "-o", str(tmp / PYNBLINT_OUT)]
    return cmds


def run_env() -> dict[str, str]:
    env = dict(os.environ)
    # An installed package has .pyc files; without them a source tree recompiles on every run,
    # so let the warm-up run write them (__pycache__ is gitignored).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # Prepending the source tree lets ours run from a checkout as well as when installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "python"), env.get("PYTHONPATH")]))
    return env


def time_once(cmd: list[str], cwd: Path, env: dict[str, str], stdout: Path) -> tuple[float, int, str]:
    # Output goes to a file, as a CI job's would, and is kept to check what each tool saw.
    with open(stdout, "wb") as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        elapsed = time.perf_counter() - start
        err.seek(0)
        return elapsed, proc.returncode, err.read().decode(errors="replace")[-2000:]


def bench(
    workload: Workload, cmds: dict[str, list[str]], runs: int, warmup: int, tmp: Path, env: dict[str, str]
) -> dict[str, Timing]:
    timings = {name: Timing() for name in cmds}
    # Interleave tools (A B C A B C …) so drift in machine load hits all of them alike.
    for i in range(warmup + runs):
        for name, cmd in cmds.items():
            elapsed, code, err = time_once([*cmd, str(workload.target)], tmp, env, tmp / f"{name}.stdout")
            t = timings[name]
            if code not in (0, 2) and not t.stderr:
                t.stderr = err
            if i >= warmup:
                t.times.append(elapsed)
                t.codes.append(code)
            label = "warm-up" if i < warmup else f"run {i + 1 - warmup}"
            print(f"  {workload.name:24} {name:9} {label:>7}: {elapsed:7.3f} s  rc={code}", file=sys.stderr, flush=True)
    return timings


def seen_notes(tmp: Path, workload: Workload) -> list[str]:
    """Notes when a tool silently analysed other notebooks than it was given, from its last run."""
    notes = []
    ours, pynblint = tmp / "ours.stdout", tmp / PYNBLINT_OUT
    if ours.is_file() and ours.stat().st_size:
        try:
            reports = json.loads(ours.read_bytes())["notebooks"]
        except (ValueError, KeyError, TypeError):
            reports = None
        if reports is None:
            notes.append(f"- ours on {workload.name}: stdout is not the expected JSON report.")
        elif errors := sum(bool(r.get("error")) for r in reports):
            notes.append(f"- ours on {workload.name}: {errors} of {len(reports)} notebooks unreadable.")
        elif len(reports) != workload.notebooks:
            notes.append(f"- ours analysed {len(reports)} of the {workload.notebooks} notebooks of {workload.name}.")
    if pynblint.is_file():
        stats = json.loads(pynblint.read_bytes()).get("repository_stats")
        seen = stats["number_of_notebooks"] if stats else 1  # a single file has no repository stats
        if seen != workload.notebooks:
            notes.append(f"- pynblint analysed {seen} of the {workload.notebooks} notebooks of {workload.name}.")
    for path in (ours, pynblint):
        path.unlink(missing_ok=True)
    return notes


def fmt(seconds: float) -> str:
    return f"{seconds:.3f}"


def ratio(num: Timing | None, den: Timing | None) -> float | None:
    if not num or not den or not num.times or not den.times:
        return None
    if any(c not in (0, 2) for c in num.codes + den.codes):
        return None  # a crashed run is not a speed
    return statistics.median(num.times) / statistics.median(den.times)


def report(
    args, workloads: list[Workload], results: dict[str, dict[str, Timing]], pynblint: str | None, notes: list[str]
) -> str:
    lines = [
        "# Static-check benchmark",
        "",
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC} · Python {platform.python_version()} · "
        f"{platform.system()} {platform.machine()} · {os.cpu_count()} CPUs · "
        f"{args.runs} timed runs per tool (+{args.warmup} warm-up), alternated · "
        f"pynblint: `{pynblint or 'not found'}`",
        "",
        "| workload | notebooks | cells (code) | tool | median s | min s | max s | exit codes |",
        "|---|---:|---:|---|---:|---:|---:|---|",
    ]
    for w in workloads:
        for name, t in results[w.name].items():
            codes = ",".join(sorted({str(c) for c in t.codes}))
            lines.append(
                f"| {w.name} | {w.notebooks} | {w.cells} ({w.code_cells}) | {name} | "
                f"{fmt(statistics.median(t.times))} | {fmt(min(t.times))} | {fmt(max(t.times))} | "
                f"{codes} |"
            )
    lines += [
        "",
        "| workload | pynblint / ours (target ≥ 10×) | ours / floor (target ≤ 2×) |",
        "|---|---:|---:|",
    ]
    for w in workloads:
        r = results[w.name]
        speedup, overhead = ratio(r.get("pynblint"), r.get("ours")), ratio(r.get("ours"), r.get("floor"))
        cells = [
            "n/a" if speedup is None else f"{speedup:.1f}× {'✅' if speedup >= 10 else '❌'}",
            "n/a" if overhead is None else f"{overhead:.2f}× {'✅' if overhead <= 2 else '❌'}",
        ]
        lines.append(f"| {w.name} | {cells[0]} | {cells[1]} |")
    failures = [
        (w.name, name, t)
        for w in workloads
        for name, t in results[w.name].items()
        if any(c not in (0, 2) for c in t.codes)
    ]
    if failures or notes or not pynblint:
        lines += ["", "Notes:", *notes]
    if not pynblint:
        lines.append(
            f"- pynblint not found; install it with `{PYNBLINT_INSTALL}` and pass "
            "`--pynblint .bench-venv/bin/pynblint` (or set `PYNBLINT`)."
        )
    for wname, name, t in failures:
        tail = t.stderr.strip().splitlines()[-1:] or [""]
        lines.append(f"- {name} on {wname} exited with {sorted(set(t.codes))}: `{tail[0][:200]}`")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs per tool first (default 1)")
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--pynblint", help="pynblint executable (else $PYNBLINT, else PATH)")
    ap.add_argument("--out", type=Path, help="also write the markdown report here")
    ap.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of " + ",".join(TOOLS))
    args = ap.parse_args()
    if args.runs < 1 or args.warmup < 0:
        ap.error("--runs must be ≥ 1 and --warmup ≥ 0")

    wanted = [t.strip() for t in args.tools.split(",") if t.strip()]
    if unknown := set(wanted) - set(TOOLS):
        ap.error(f"unknown tools: {', '.join(sorted(unknown))}")
    pynblint = find_pynblint(args.pynblint) if "pynblint" in wanted else None
    if "pynblint" in wanted and not pynblint:
        print(f"warning: pynblint not found; install: {PYNBLINT_INSTALL}", file=sys.stderr)
    if not (args.corpus / "MANIFEST.tsv").is_file():
        ap.error(f"no MANIFEST.tsv in corpus {args.corpus}")

    with tempfile.TemporaryDirectory(prefix="bench-static-") as tmp_name:
        tmp = Path(tmp_name)
        workloads = [corpus_workload(args.corpus, tmp), generated_workload(tmp)]
        cmds = {k: v for k, v in commands(pynblint, tmp).items() if k in wanted}
        env = run_env()
        results, notes = {}, []
        for w in workloads:
            results[w.name] = bench(w, cmds, args.runs, args.warmup, tmp, env)
            notes += seen_notes(tmp, w)
        text = report(args, workloads, results, pynblint if "pynblint" in wanted else "skipped", notes)

    emit(text, args.out)


if __name__ == "__main__":
    main()
