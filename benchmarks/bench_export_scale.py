"""Export-to-package scaling benchmark: how the preview's cost grows with the notebook's size.

Usage: python benchmarks/bench_export_scale.py [--sizes 100,300,1000] [--lines 30] [--runs 5] [--out FILE]

For each size, ``generate.exportable_notebook(size)`` (30-line cells by default, as the issue
measured, a heading every 10 cells, so 1,000 cells are 30,000 lines in 100 sections; ``--lines 6``
gives cells of the corpus's average length) is planned with ``export.plan`` exactly as the
dialog's preview does (refusal checks, parameters, one extraction per section, every file's text),
cold: every cache of the package is cleared before each run, and a full garbage collection after
the plan is timed with it (planning defers collections: their cost belongs to the plan).
Alternated with it, the floor: json load of the same notebook text and ``ast.parse`` of each code
cell, nothing else. Sizes and the floor alternate run by run, so load drift on a shared machine
hits all of them alike.

Reported per size: median / min / max seconds (wall, the subprocesses of ruff and of the compiler
included) and median CPU time (this process's), the CPU cost per code cell, and ours / floor by
both. The preview is linear when the cost per cell (and ours / floor) stays flat as the notebook grows; the
target is 1,000 cells in under 2 s on an idle machine.

Also timed, alternated with them: the preview as a user meets it, warm — the notebook checked first
in the same process, untimed, as in JupyterLab, where the sidebar has checked the notebook before
the export dialog opens and the server's worker for that notebook keeps its cells' facts
(``server/workers.py``); everything else (trees, extractions, ruff, the compilation) is redone.
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

from generate import exportable_notebook
from report import emit

HERE = Path(__file__).resolve().parent
sys.path.insert(1, str(HERE.parent / "python"))  # run from a source tree, like bench_static
TARGET_CELLS, TARGET_SECONDS = 1000, 2.0


def clear_caches() -> None:
    """Forget everything the package caches (cell facts, trees, per-source results): a cold run."""
    from jupyterlab_readiness.notebook.facts import clear_cache

    clear_cache()
    for name, module in list(sys.modules.items()):
        if name.startswith("jupyterlab_readiness"):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def plan_once(notebook: dict, size: int, warm: bool = False) -> tuple[float, float]:
    """(wall, CPU) seconds of one preview; ``warm``: after a check of the notebook, untimed."""
    from jupyterlab_readiness.actions.export import plan as export
    from jupyterlab_readiness.contract.requests import ExportRequest
    from jupyterlab_readiness.environment.answer import Environment
    from jupyterlab_readiness.files import Root

    clear_caches()
    request = ExportRequest(
        path=f"/nonexistent/scale_{size}.ipynb", notebook=notebook, out=f"/nonexistent/scale_{size}"
    )
    if warm:
        source = export.load(request.path, request.notebook, Root(None))
        export.readiness(source.model, source.path)
        gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    reply = export.plan(request, Environment(python="3.11"), Root(None)).reply
    # The collections the plan deferred (notebook/collector.py) are paid here, inside the timing.
    gc.collect()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if reply.refused:
        raise SystemExit(f"the generated notebook of {size} cells was refused: {reply.refused}")
    return elapsed, cpu


def floor_once(text: str) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    for cell in json.loads(text)["cells"]:
        if cell["cell_type"] == "code":
            ast.parse(cell["source"])
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100,300,1000", help="code cells per notebook, comma-separated")
    ap.add_argument(
        "--lines",
        type=int,
        default=30,
        help="lines per code cell (30: the issue's measurement; the corpus's code cells average 6, median 2)",
    )
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, help="also write the markdown report here")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    notebooks = {size: exportable_notebook(size, lines=args.lines) for size in sizes}
    texts = {size: json.dumps(nb) for size, nb in notebooks.items()}
    load_before = os.getloadavg()[0]
    plan_once(exportable_notebook(10), 10)  # imports and lazy set-up, untimed
    ours: dict[int, list[tuple[float, float]]] = {size: [] for size in sizes}  # (wall, CPU) per run
    warm: dict[int, list[tuple[float, float]]] = {size: [] for size in sizes}
    floor: dict[int, list[tuple[float, float]]] = {size: [] for size in sizes}
    for run in range(args.runs):
        for size in sizes:
            ours[size].append(plan_once(notebooks[size], size))
            warm[size].append(plan_once(notebooks[size], size, warm=True))
            floor[size].append(floor_once(texts[size]))
            (wall, cpu), (warm_wall, _) = ours[size][-1], warm[size][-1]
            print(
                f"run {run + 1}/{args.runs}, {size} cells: {wall:.2f} s, CPU {cpu:.2f} s; warm {warm_wall:.2f} s",
                file=sys.stderr,
            )
    load_after = os.getloadavg()[0]

    def med(runs: list[tuple[float, float]], which: int) -> float:
        return statistics.median(r[which] for r in runs)

    lines = [
        f"## Export preview by notebook size ({args.lines}-line cells): {args.runs} alternated runs, medians",
        "",
        "Wall includes ruff's runs on the generated files and their compilation (subprocesses); CPU time is "
        "this process's only (theirs not counted), the figure other load on a shared machine disturbs least.",
        "",
        "| code cells | lines | ours wall | min / max | ours CPU | per cell (CPU) | floor wall / CPU "
        "| ours / floor wall | ours / floor CPU | warm wall | warm / floor wall |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    per_cell = {}
    for size in sizes:
        wall, cpu = med(ours[size], 0), med(ours[size], 1)
        base_wall, base_cpu = med(floor[size], 0), med(floor[size], 1)
        per_cell[size] = cpu / size
        walls = [r[0] for r in ours[size]]
        line_count = sum(c["source"].count("\n") + 1 for c in notebooks[size]["cells"] if c["cell_type"] == "code")
        lines.append(
            f"| {size:,} | {line_count:,} | {wall:.2f} s | {min(walls):.2f} / {max(walls):.2f} s | {cpu:.2f} s | "
            f"{per_cell[size] * 1000:.2f} ms | {base_wall:.3f} / {base_cpu:.3f} s | {wall / base_wall:.1f}× | "
            f"{cpu / base_cpu:.1f}× | {med(warm[size], 0):.2f} s | {med(warm[size], 0) / base_wall:.1f}× |"
        )
    small, large = min(sizes), max(sizes)
    growth = per_cell[large] / per_cell[small]
    lines += [
        "",
        f"Linearity: the CPU cost per cell at {large:,} cells is {growth:.2f}× the cost at {small:,} cells "
        f"({'linear' if growth <= 1.5 else 'NOT linear'}: at most 1.5× allowed for noise and the garbage "
        "collector's larger heap).",
    ]
    if TARGET_CELLS in ours:
        median, warmed = med(ours[TARGET_CELLS], 0), med(warm[TARGET_CELLS], 0)
        lines.append(
            f"Target: {TARGET_CELLS:,} cells in under {TARGET_SECONDS:.0f} s on an idle machine: "
            f"cold {median:.2f} s here ({'met' if median < TARGET_SECONDS else 'not met'} on this machine), "
            f"warm {warmed:.2f} s ({'met' if warmed < TARGET_SECONDS else 'not met'})."
        )
    lines.append(
        f"Load average (1 min) before / after: {load_before:.1f} / {load_after:.1f} on {os.cpu_count()} CPUs; "
        "on a loaded machine compare ours / floor, which load inflates alike."
    )
    emit("\n".join(lines) + "\n", args.out)


if __name__ == "__main__":
    main()
