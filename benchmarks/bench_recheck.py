"""Re-check benchmark: cold check vs re-check after editing one cell, in one process.

Usage: python benchmarks/bench_recheck.py [--runs 5] [--cells 1000] [--out FILE]
Target: re-check ≤ 0.1 × cold check (per-cell facts cache). See benchmarks/README.md.

Measured twice: the check alone (the CLI's), and the check as the sidebar asks for it, with each
finding's fixes (the server computes them on every check: what a re-check after an edit costs
there).
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from report import emit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent / "python"))  # run from a source tree, like bench_static
from generate import write_notebook  # noqa: E402


def edit_middle_cell(nb: dict, k: int) -> dict:
    """Return a copy of ``nb`` whose middle code cell gains a line, as a user edit would."""
    edited = copy.deepcopy(nb)
    code = [c for c in edited["cells"] if c["cell_type"] == "code"]
    cell = code[len(code) // 2]
    src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    cell["source"] = (src.rstrip("\n") + f"\nedited_{k} = {k}\n").splitlines(keepends=True)
    return edited


def findings_dump(report) -> list:
    return [f.model_dump() if hasattr(f, "model_dump") else f for f in report.findings]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cells", type=int, default=1000)
    ap.add_argument("--out", type=Path, help="also write the markdown report here")
    args = ap.parse_args()

    from jupyterlab_readiness.fixes.options import FixOptions
    from jupyterlab_readiness.lint.engine import check_model, check_notebook, clear_cache
    from jupyterlab_readiness.notebook.model import notebook_from_json

    def with_fixes(nb: dict, path: Path):
        return check_model(notebook_from_json(nb), path, None, str(path), fixes=FixOptions(now="2024-05-01T09:30:00"))

    with tempfile.TemporaryDirectory(prefix="bench-recheck-") as tmp:
        path = write_notebook(Path(tmp) / "generated.ipynb", code_cells=args.cells, seed=0)
        nb = json.loads(path.read_text(encoding="utf-8"))
        # One untimed check so lazy imports are not charged to the first cold run.
        check_notebook(copy.deepcopy(nb), path)

        cold, warm, mismatches, n_findings = [], [], 0, 0
        for k in range(args.runs):
            edited = edit_middle_cell(nb, k)
            clear_cache()
            start = time.perf_counter()
            n_findings = len(check_notebook(nb, path).findings)
            cold.append(time.perf_counter() - start)

            start = time.perf_counter()
            recheck = check_notebook(edited, path)
            warm.append(time.perf_counter() - start)

            # A fast re-check is worthless if it differs from checking the edited notebook afresh.
            clear_cache()
            mismatches += findings_dump(recheck) != findings_dump(check_notebook(edited, path))

        fixed_cold, fixed_warm = [], []
        for k in range(args.runs):
            edited = edit_middle_cell(nb, k)
            clear_cache()
            start = time.perf_counter()
            with_fixes(nb, path)
            fixed_cold.append(time.perf_counter() - start)
            start = time.perf_counter()
            with_fixes(edited, path)
            fixed_warm.append(time.perf_counter() - start)

    ratio = statistics.median(warm) / statistics.median(cold)
    fixed_ratio = statistics.median(fixed_warm) / statistics.median(fixed_cold)
    text = "\n".join(
        [
            "# Re-check benchmark",
            "",
            f"Generated notebook: {args.cells} code cells, {n_findings} findings; "
            f"{args.runs} runs; edit = one line added to the middle code cell.",
            "",
            "| measure | median ms | min ms | max ms |",
            "|---|---:|---:|---:|",
            *(
                f"| {name} | {statistics.median(ts) * 1e3:.1f} | {min(ts) * 1e3:.1f} | {max(ts) * 1e3:.1f} |"
                for name, ts in (
                    ("cold check (empty cache)", cold),
                    ("re-check after 1-cell edit", warm),
                    ("cold check with fixes, as the sidebar asks", fixed_cold),
                    ("re-check with fixes after 1-cell edit", fixed_warm),
                )
            ),
            "",
            f"Re-check / cold: **{ratio:.3f}** (target ≤ 0.1) {'✅' if ratio <= 0.1 else '❌'}; "
            f"with fixes: **{fixed_ratio:.3f}** {'✅' if fixed_ratio <= 0.1 else '❌'}",
            f"Re-check findings equal to a cold check of the edited notebook: "
            f"{'yes' if not mismatches else f'NO ({mismatches}/{args.runs} runs differ)'}",
            "",
        ]
    )
    emit(text, args.out)


if __name__ == "__main__":
    main()
