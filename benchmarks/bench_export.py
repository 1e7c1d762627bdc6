"""Export-to-package benchmark: planning the whole package (what the dialog previews) against
nbconvert's Python script export of the same notebook, side by side in one process.

Usage: python benchmarks/bench_export.py [--runs 5] [--out FILE]

For every Python notebook of ../shared/corpus/, one run times ``export.plan`` (refusal checks,
parameters, one extraction per section, pins, every file's text) and nbconvert's
``PythonExporter`` (JSON → a .py script, the peer that does the least); runs alternate and the
medians are reported, with the per-notebook distribution of ours. Caches of cell facts are
cleared before each run of ours, so every run is cold. No target was set for this: it measures what
the preview costs, and that it stays interactive on the corpus's largest notebooks.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time
from pathlib import Path

from report import emit

HERE = Path(__file__).resolve().parent
sys.path.insert(1, str(HERE.parent / "python"))  # run from a source tree, like bench_static
CORPUS = HERE.parent.parent / "shared" / "corpus"


def notebooks() -> list[tuple[Path, dict]]:
    from jupyterlab_readiness.notebook.model import NotebookError, notebook_from_json

    found = []
    for path in sorted(CORPUS.rglob("*.ipynb")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if notebook_from_json(data).is_python:
                found.append((path, data))
        except (ValueError, NotebookError):
            continue
    return found


def run_ours(items: list[tuple[Path, dict]]) -> tuple[float, list[float], int]:
    from jupyterlab_readiness.actions.export import plan as export
    from jupyterlab_readiness.contract.requests import ExportRequest
    from jupyterlab_readiness.environment.answer import Environment
    from jupyterlab_readiness.files import Root
    from jupyterlab_readiness.lint.engine import clear_cache
    from jupyterlab_readiness.notebook.parse import cell_tree
    from jupyterlab_readiness.notebook.scopes import source_function_body_reads, source_reads

    for cached in (cell_tree, source_reads, source_function_body_reads):
        cached.cache_clear()
    clear_cache()
    environment = Environment(python="3.11")  # versions are the kernel's answer, not timed here
    root = Root(None)
    each, exported = [], 0
    start = time.perf_counter()
    for path, data in items:
        t = time.perf_counter()
        request = ExportRequest(path=str(path), notebook=data, out=f"/nonexistent/{path.stem}")
        reply = export.plan(request, environment, root).reply
        each.append(time.perf_counter() - t)
        exported += reply.refused is None
    return time.perf_counter() - start, each, exported


def run_nbconvert(items: list[tuple[Path, dict]]) -> float:
    import nbformat
    from nbconvert import PythonExporter

    exporter = PythonExporter()
    start = time.perf_counter()
    for _, data in items:
        with contextlib.suppress(Exception):  # the peer's failures cost what they cost
            exporter.from_notebook_node(nbformat.from_dict(data))
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, help="also write the markdown report here")
    args = ap.parse_args()
    items = notebooks()
    run_nbconvert(items[:3])  # imports and templates loaded before timing
    ours, peer, per_notebook, exported = [], [], [], 0
    for _ in range(args.runs):
        total, each, exported = run_ours(items)
        ours.append(total)
        per_notebook = each
        peer.append(run_nbconvert(items))
    ours_s, peer_s = statistics.median(ours), statistics.median(peer)
    ranked = sorted(per_notebook)
    lines = [
        f"## Export to package: {len(items)} Python notebooks of the corpus ({exported} exportable), {args.runs} "
        "alternated runs, medians",
        "",
        "| | whole corpus | per notebook, median | per notebook, slowest |",
        "|---|---|---|---|",
        f"| jupyterlab-readiness `export.plan` | {ours_s:.2f} s | {statistics.median(ranked) * 1000:.0f} ms | "
        f"{ranked[-1] * 1000:.0f} ms |",
        f"| nbconvert `PythonExporter` (peer) | {peer_s:.2f} s | | |",
        "",
        f"Ours / peer: **{ours_s / peer_s:.2f}×** (the peer only concatenates cells into a script).",
    ]
    emit("\n".join(lines) + "\n", args.out)


if __name__ == "__main__":
    main()
