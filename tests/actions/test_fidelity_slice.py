"""A fast slice of the export fidelity benchmark (``benchmarks/bench_fidelity.py``): three small
real notebooks of the corpus (standard library and numpy only), each run twice with nbclient,
exported with the CLI, installed with its own declared dependencies into a fresh isolated venv,
its generated tests run and its console script compared with the notebook's run.

Runs with this Python's environment as the notebook environment (``--current-env``: the test
extra has ipykernel, nbclient, numpy, pydantic-settings, pytest and ruff), so it needs no
notebook venv; the packages' venvs are made by uv (cached in ``~/.cache/readiness-fidelity``)
or pip. Marked ``corpus``: skipped, with the reason, when ``../shared/corpus`` is not beside the repository.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))

import bench_fidelity  # noqa: E402 - benchmarks/ is not a package: found through sys.path above

pytestmark = [pytest.mark.slow, pytest.mark.corpus]


def test_small_real_notebooks_reproduce_exactly(tmp_path: Path) -> None:
    entries = [e for e in bench_fidelity.load_suite() if e.name in bench_fidelity.SLICE]
    assert [e.name for e in entries] == bench_fidelity.SLICE
    here = Path(sys.executable).parent
    with ThreadPoolExecutor(len(entries)) as pool:
        results = list(pool.map(lambda e: bench_fidelity.bench_one(e, tmp_path, keep=False, nb_bin=here), entries))
    report = bench_fidelity.markdown(results)
    for r in results:
        assert r.status == "exact", report
        assert r.stdout_lines > 0, f"{r.name}: the slice is meant to compare printed values\n{report}"
        assert r.tests.get("passed", 0) > 0 and not (
            r.tests.get("failed") or r.tests.get("error") or r.tests.get("exit")
        ), report
        assert r.stdout_contract, f"{r.name}: the command's stdout is not one JSON line\n{report}"
