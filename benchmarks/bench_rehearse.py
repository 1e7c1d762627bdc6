"""Rehearsal benchmark: a rehearsal (two runs) against two plain nbclient runs of the same notebook.

Usage: python benchmarks/bench_rehearse.py [--rounds 5] [--corpus DIR] [--only NAME,...] [--out FILE]

Target (DESIGN.md): the rehearsal's overhead — audit hook and comparison — at most 10 % of the run
time of plain nbclient runs. Also measured: the time from starting a rehearsal to its first cell
being sent to the kernel, against the same for plain nbclient. Everything runs in this process
(kernels are its children), workloads and tools alternated, medians reported. See
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type] # as the CLI does: see cli/rehearse.py

from report import emit  # noqa: E402 - benchmarks/ is the script's own folder

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "python"))

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

from jupyterlab_readiness.actions.rehearse.procfs import cpu_seconds  # noqa: E402
from jupyterlab_readiness.actions.rehearse.rehearsal import Options, Rehearsal  # noqa: E402

# Corpus notebooks that run offline here with only numpy and pandas (checked by running them).
CORPUS_NOTEBOOKS = (
    "guipsamora__pandas_exercises/05_Merge__Housing_Market__Exercises_with_solutions.ipynb",
    "guipsamora__pandas_exercises/08_Creating_Series_and_DataFrames__Pokemon__Exercises-with-solutions-and-code.ipynb",
    "guipsamora__pandas_exercises/02_Filtering_&_Sorting__Fictional_Army__Solutions.ipynb",
    "WillKoehrsen__Data-Analysis/bayesian_lr__One Hot Encoding Example.ipynb",
)


def _code(source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}


def _notebook(cells: list[str]) -> dict:
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
        "cells": [{**_code(s), "id": f"c{i}"} for i, s in enumerate(cells)],
    }


def generated() -> dict[str, dict]:
    """Workloads made here: compute-bound pandas, many small files (the hook's busiest case),
    and many trivial cells (per-cell overhead)."""
    compute = ["import numpy as np\nimport pandas as pd\nrng = np.random.default_rng(0)"]
    compute += [
        f"df{i} = pd.DataFrame({{'k': rng.integers(0, 50, 200_000), 'v': rng.normal(size=200_000)}})\n"
        f"summary{i} = df{i}.groupby('k')['v'].agg(['mean', 'std', 'count'])\nprint(summary{i}.head(3).round(3))"
        for i in range(30)
    ]
    files = ["from pathlib import Path\nPath('out').mkdir(exist_ok=True)"]
    files += [
        f"for j in range(100):\n    Path(f'out/{i}-{{j}}.txt').write_text(str(j) * 50)\n"
        f"total = sum(len(Path(f'out/{i}-{{j}}.txt').read_text()) for j in range(100))\nprint(total)"
        for i in range(30)
    ]
    tiny = [f"x{i} = {i}\nprint(x{i} * 2)" for i in range(100)]
    return {
        "generated: pandas, 31 cells": _notebook(compute),
        "generated: 6,000 small files, 31 cells": _notebook(files),
        "generated: 100 tiny cells": _notebook(tiny),
    }


def _kernel_seconds(cells) -> float:
    total = 0.0
    for cell in cells:
        timing = cell.get("metadata", {}).get("execution", {})
        try:
            start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
        except (KeyError, ValueError):
            continue
        total += (end - start).total_seconds()
    return total


async def plain_runs(data: dict, folder: Path, shutdown: str, runs: int = 2) -> dict:
    """``runs`` plain nbclient runs one after the other, in ``folder``, as papermill or nbmake do
    (``shutdown``: nbclient's ``shutdown_kernel``, "immediate" like a rehearsal, or its default "graceful")."""
    started, cpu_started = time.perf_counter(), time.process_time()
    first: list[float] = []
    kernel = kernel_cpu = 0.0
    for _ in range(runs):
        nb = nbformat.reader.reads(json.dumps(data))
        last_cpu: list[float] = [0.0]

        def on_execute(cell, cell_index):
            if not first:
                first.append(time.perf_counter() - started)

        def on_executed(cell, cell_index, execute_reply, last_cpu=last_cpu):
            last_cpu[0] = cpu_seconds(client.km.provisioner.pid) or 0.0  # noqa: B023 - called during this iteration's run

        client = NotebookClient(
            nb,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(folder)}},
            on_cell_execute=on_execute,
            on_cell_executed=on_executed,
            shutdown_kernel=shutdown,
        )
        await client.async_execute()
        kernel += _kernel_seconds(nb.cells)
        kernel_cpu += last_cpu[0]
    return {
        "seconds": time.perf_counter() - started,
        "first_cell": first[0] if first else None,
        "kernel": kernel,
        "kernel_cpu": kernel_cpu,
        "cpu": time.process_time() - cpu_started,
    }


async def rehearsal(data: dict, folder: Path, base: Path) -> dict:
    marks: dict[str, float] = {}

    def progress(event) -> None:
        marks.setdefault(event.event, time.perf_counter())

    started, cpu_started = time.perf_counter(), time.process_time()
    outcome = await Rehearsal(
        data, folder / "notebook.ipynb", Options(scratch_base=base, timeout=None, kernel_name="python3"), progress
    ).run()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if outcome.status == "error":
        raise RuntimeError(f"rehearsal could not run: {outcome.error}")
    kernel = sum(t.seconds or 0.0 for c in outcome.record.cells for t in c.runs) if outcome.record else 0.0
    t = outcome.timings
    return {
        "seconds": seconds,
        "first_cell": outcome.first_cell_seconds,
        "kernel": kernel,
        "copy": t.get("copy", 0.0),
        "snapshots": t.get("snapshots", 0.0),
        "compare": t.get("compare", 0.0),
        "cleanup": t.get("cleanup", 0.0),
        "status": outcome.status,
        "findings": sorted({f.check for f in outcome.findings}),
        "kernel_cpu": sum(run.cpu_seconds or 0.0 for run in outcome.runs),
        "cpu": cpu,
    }


def _median(rows: list[dict], key: str) -> float:
    values = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(values) if values else float("nan")


async def main_async(args: argparse.Namespace) -> str:
    workloads: dict[str, dict] = {}
    for relative in CORPUS_NOTEBOOKS:
        path = args.corpus / relative
        if path.is_file():
            workloads[f"corpus: {Path(relative).name}"] = json.loads(path.read_text(encoding="utf-8"))
    workloads.update(generated())
    if args.only:
        wanted = [w.strip() for w in args.only.split(",")]
        workloads = {k: v for k, v in workloads.items() if any(w in k for w in wanted)}
    results: dict[str, dict[str, list[dict]]] = {name: {"plain": [], "rehearsal": []} for name in workloads}
    work = Path(tempfile.mkdtemp(prefix="bench-rehearse-"))
    try:
        for round_number in range(args.rounds + 1):  # round 0 is an untimed warm-up
            for index, (name, data) in enumerate(workloads.items()):
                order = ("plain", "rehearsal") if (round_number + index) % 2 == 0 else ("rehearsal", "plain")
                for tool in order:
                    folder = work / f"r{round_number}-{index}-{tool}"
                    folder.mkdir()
                    (folder / "notebook.ipynb").write_text(json.dumps(data), encoding="utf-8")
                    base = work / "private"
                    base.mkdir(exist_ok=True)
                    row = await (
                        plain_runs(data, folder, args.plain_shutdown)
                        if tool == "plain"
                        else rehearsal(data, folder, base)
                    )
                    shutil.rmtree(folder, ignore_errors=True)
                    if round_number > 0:
                        results[name][tool].append(row)
                    print(f"round {round_number} {tool:<9} {row['seconds']:6.2f} s  {name}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report(results, args)


def report(results: dict[str, dict[str, list[dict]]], args: argparse.Namespace) -> str:
    lines = [
        "# Rehearsal vs plain nbclient",
        "",
        f"{platform.python_implementation()} {platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"{args.rounds} timed rounds after a warm-up, workloads and tools alternated, medians. "
        "Plain = two nbclient runs one after the other (what a rehearsal runs), "
        f"`shutdown_kernel={args.plain_shutdown!r}`; "
        "rehearsal = `Rehearsal.run()` with its defaults (scratch copy, audit hook, two runs, snapshots, comparison, "
        "record built, cleanup).",
        "",
        "Wall time (what a user waits; sensitive to other load on the machine). Hook = the cells' kernel-side time in "
        "the rehearsal minus in the plain runs; "
        "comparison = snapshots (listing and hashing the folder after each run) + findings, diffs and record; the "
        "target is (hook + comparison) / plain ≤ 10 %.",
        "",
        "| workload | plain s | rehearsal s | total | hook s | comparison s | **(hook + comparison) / plain** | copy "
        "s | cleanup s | first cell plain / rehearsal s | rehearsal found |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    cpu_lines = [
        "",
        "CPU time (robust to other load): kernels = the two kernel processes' CPU at their last cell; ours = this "
        "process (nbclient's message handling, and for the rehearsal "
        "also the copy, snapshots, comparison and cleanup). Overhead = (rehearsal − plain) / plain over kernels + "
        "ours.",
        "",
        "| workload | kernels plain / rehearsal s | ours plain / rehearsal s | **CPU overhead** |",
        "|---|---:|---:|---:|",
    ]
    overheads, targeted, firsts, cpu_overheads = [], [], [], []
    for name, rows in results.items():
        plain, ours = rows["plain"], rows["rehearsal"]
        if not plain or not ours:
            continue
        p, r = _median(plain, "seconds"), _median(ours, "seconds")
        hook = max(0.0, _median(ours, "kernel") - _median(plain, "kernel"))
        comparison = _median(ours, "snapshots") + _median(ours, "compare")
        share = (hook + comparison) / p
        overheads.append(r / p - 1)
        targeted.append(share)
        firsts.append(_median(ours, "first_cell") - _median(plain, "first_cell"))
        found = ", ".join(ours[-1]["findings"]) or "nothing"
        lines.append(
            f"| {name} | {p:.2f} | {r:.2f} | {100 * (r / p - 1):+.1f} % | {hook:.2f} | {comparison:.3f} | "
            f"**{100 * share:.1f} %** | {_median(ours, 'copy'):.3f} | {_median(ours, 'cleanup'):.3f} | "
            f"{_median(plain, 'first_cell'):.2f} / {_median(ours, 'first_cell'):.2f} | {ours[-1]['status']}: {found} |"
        )
        kp, kr = _median(plain, "kernel_cpu"), _median(ours, "kernel_cpu")
        cp, cr = _median(plain, "cpu"), _median(ours, "cpu")
        cpu_overhead = (kr + cr) / (kp + cp) - 1
        cpu_overheads.append(cpu_overhead)
        cpu_lines.append(f"| {name} | {kp:.2f} / {kr:.2f} | {cp:.2f} / {cr:.2f} | **{100 * cpu_overhead:+.1f} %** |")
    if overheads:
        lines += [
            "",
            f"Median over workloads: (hook + comparison) / plain {100 * statistics.median(targeted):.1f} % (worst "
            f"{100 * max(targeted):.1f} %; target ≤ 10 %); "
            f"total rehearsal / plain {100 * statistics.median(overheads):+.1f} %; first cell "
            f"{statistics.median(firsts):+.2f} s later than plain nbclient's.",
        ]
        cpu_lines += [
            "",
            f"Median CPU overhead {100 * statistics.median(cpu_overheads):+.1f} % (worst "
            f"{100 * max(cpu_overheads):+.1f} %).",
        ]
    return "\n".join(lines + cpu_lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument(
        "--corpus",
        type=Path,
        default=next(
            (p / "shared" / "corpus" for p in REPO.parents if (p / "shared" / "corpus").is_dir()),
            REPO.parent / "shared" / "corpus",
        ),
    )
    ap.add_argument("--only", help="comma-separated substrings of workload names")
    ap.add_argument(
        "--plain-shutdown",
        choices=("immediate", "graceful"),
        default="immediate",
        help="nbclient's shutdown_kernel for the plain runs (default immediate, as the rehearsal kills its kernels)",
    )
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    emit(asyncio.run(main_async(args)), args.out)


if __name__ == "__main__":
    main()
