"""CI-scale benchmark (issue 19): `check` cold and warm, on one and two processes, against the floor
and ruff; peak memory for a large and a small tree; `--changed-since` after one notebook changed.

Usage: python benchmarks/bench_ci.py [--rounds 5] [--notebooks 10000] [--tree-rounds N] [--corpus DIR] [--out FILE]
                                     [--workloads corpus,generated,tree] [--keep DIR]
See benchmarks/README.md ("CI scale") for the methodology.
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
from bench_static import corpus_workload, generated_workload, run_env  # noqa: E402

OURS = [sys.executable, "-m", "jupyterlab_readiness", "check", "--format", "json", "--fail-on", "never"]
RUFF = [sys.executable, "-m", "ruff", "check", "--isolated", "--exit-zero", "--output-format", "concise"]


@dataclass
class Run:
    seconds: float
    code: int
    max_rss_kib: int
    cpu: float  # user + system seconds of the process and the children it waited for (its workers)


@dataclass
class Series:
    runs: list[Run] = field(default_factory=list)

    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    def median_cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)


TIME = shutil.which("time", path="/usr/bin:/bin")  # GNU time: the peak RSS of the process it starts


def run(cmd: list[str], cwd: Path, env: dict[str, str], out: Path) -> Run:
    """One process: its wall time, CPU time and the peak RSS of its largest process. RSS and CPU
    time come from GNU time, which forks the command from its own small process: a child forked
    straight from this one (that has read the whole corpus) would inherit this process's peak in
    its rusage. For --jobs, the workers count too (their parent waits for them). CPU time is the
    figure that other load on a shared machine disturbs least."""
    rss_file = out.with_suffix(".rss")
    full = [TIME, "-f", "%M %U %S", "-o", str(rss_file), *cmd] if TIME else cmd
    with open(out, "wb") as stdout:
        start = time.perf_counter()
        proc = subprocess.run(full, cwd=cwd, env=env, stdout=stdout, stderr=subprocess.DEVNULL, check=False)
        elapsed = time.perf_counter() - start
    try:
        rss, user, system = rss_file.read_text().splitlines()[-1].split()
        return Run(elapsed, proc.returncode, int(rss), float(user) + float(system))
    except (OSError, ValueError, IndexError):
        return Run(elapsed, proc.returncode, 0, float("nan"))


# -- the generated tree ----------------------------------------------------------------------------


def python_notebooks(corpus: Path) -> list[Path]:
    with open(corpus / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["kernel_language"] == "python"]
    return [corpus / r["file"] for r in rows]


def varied(nb: dict, copy: int) -> dict:
    """The notebook with every code cell changed for this copy: a comment line at the end of each,
    and a statement at the end of the first that is plain Python (the analysis differs too)."""
    cells = nb.get("cells")
    if cells is None:  # nbformat 3
        cells = [c for ws in nb.get("worksheets", []) for c in ws.get("cells", [])]
    first = True
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        key = "source" if "source" in cell else "input"
        source = cell.get(key, "")
        source = "".join(source) if isinstance(source, list) else source
        extra = f"\n# copy {copy}"
        if first and not source.lstrip().startswith("%%"):
            extra += f"\nrun_copy = {copy}"
            first = False
        cell[key] = source + extra
    return nb


def build_tree(corpus: Path, root: Path, count: int, per_folder: int = 100) -> list[Path]:
    """``count`` notebooks: copy k of the corpus's Python notebooks, varied, ``per_folder`` to a
    folder; a requirements.txt with pins in every third folder and a pyproject.toml with a
    [tool.jupyter-readiness] table in every fifth, so the lookups a real repository causes happen."""
    sources = python_notebooks(corpus)
    loaded = [json.loads(p.read_bytes()) for p in sources]
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "notebooks"\nversion = "0"\n')
    written = []
    for i in range(count):
        folder = root / f"team{i // (per_folder * 10):02}" / f"project{i // per_folder:03}"
        if not folder.exists():
            folder.mkdir(parents=True)
            n = i // per_folder
            if n % 3 == 0:
                (folder / "requirements.txt").write_text("pandas==2.2.3\nnumpy==2.2.6\nscikit-learn==1.6.1\n")
            if n % 5 == 0:
                (folder / "pyproject.toml").write_text(
                    '[tool.jupyter-readiness]\ndisable = ["print-logging"]\nseverity = { unpinned-import = "error" }\n'
                )
        nb = varied(json.loads(json.dumps(loaded[i % len(loaded)])), i // len(loaded))
        path = folder / f"{sources[i % len(sources)].stem[:40]}_{i:05}.ipynb"
        path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
        written.append(path)
    return written


def small_tree(big: list[Path], root: Path, count: int) -> int:
    """The ``count`` largest notebooks of the big tree, copied: the notebook that sets a process's
    peak memory is in both trees, so the difference is what the number of notebooks adds."""
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "notebooks"\nversion = "0"\n')
    chosen = sorted(big, key=lambda p: p.stat().st_size, reverse=True)[:count]
    for i, path in enumerate(chosen):
        shutil.copyfile(path, root / f"{i:03}_{path.name}")
    return len(chosen)


# -- rounds ----------------------------------------------------------------------------------------


def rounds(target: Path, work: Path, env: dict[str, str], n: int, tools: list[str]) -> dict[str, Series]:
    """Alternated rounds: each tool once per round, in the same order; cold runs start from an empty
    cache, warm runs read the cache the round's cold run left."""
    cache = work / "cache"
    ruff_cache = work / "ruff-cache"
    commands = {
        "floor": [sys.executable, str(HERE / "floor.py"), str(target)],
        "cold-j1": [*OURS, "--jobs", "1", "--cache-dir", str(cache), str(target)],
        "cold-j2": [*OURS, "--jobs", "2", "--cache-dir", str(cache), str(target)],
        "nocache-j1": [*OURS, "--jobs", "1", "--no-cache", str(target)],
        "warm": [*OURS, "--cache-dir", str(cache), str(target)],
        "ruff": [*RUFF, "--no-cache", str(target)],
        "ruff-warm": [*RUFF, "--cache-dir", str(ruff_cache), str(target)],
    }
    series = {name: Series() for name in tools}
    for i in range(n + 1):  # round 0 warms the OS file cache and writes .pyc files: not counted
        for name in tools:
            if name.startswith("cold"):
                shutil.rmtree(cache, ignore_errors=True)
            if name == "warm" and not (cache / "v1").is_dir():
                run(commands["cold-j1"], work, env, work / "out.json")
            if name == "ruff-warm" and not ruff_cache.is_dir():
                run(commands["ruff-warm"], work, env, work / "out.ruff")
            result = run(commands[name], work, env, work / f"{name}.out")
            label = "warm-up" if i == 0 else f"round {i}"
            print(
                f"  {target.name[:28]:28} {name:10} {label:>8}: {result.seconds:7.3f} s  cpu {result.cpu:7.3f} s  "
                f"rc={result.code} "
                f"rss={result.max_rss_kib / 1024:.0f} MiB",
                file=sys.stderr,
                flush=True,
            )
            if i:
                series[name].runs.append(result)
    return series


def ratios(series: dict[str, Series], num: str, den: str, cpu: bool = False) -> list[float]:
    """Per round: num's time / den's time (each ratio from one round, so drift in load cancels);
    ``cpu``: of their CPU times."""
    if num not in series or den not in series:
        return []
    pairs = zip(series[num].runs, series[den].runs, strict=True)
    return [a.cpu / b.cpu if cpu else a.seconds / b.seconds for a, b in pairs]


def fmt_ratio(values: list[float], target: str = "") -> str:
    if not values:
        return "–"
    text = f"{statistics.median(values):.2f}× ({min(values):.2f}–{max(values):.2f})"
    return f"{text} {target}" if target else text


def changed_since(tree: Path, work: Path, env: dict[str, str], n: int) -> tuple[list[float], list[float], int]:
    """The tree in a git repository, one notebook edited: `--changed-since HEAD` vs a warm full run
    (both with the cache the full run keeps warm)."""
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "core.compression=0"]
    quiet = {"cwd": tree, "check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run([*git, "init", "-q"], **quiet)
    subprocess.run([*git, "add", "-A"], **quiet)
    subprocess.run([*git, "commit", "-q", "-m", "tree"], **quiet)
    edited = sorted(tree.rglob("*.ipynb"))[len(list(tree.rglob("*.ipynb"))) // 2]
    nb = json.loads(edited.read_bytes())
    cells = nb.get("cells") or [c for ws in nb.get("worksheets", []) for c in ws.get("cells", [])]
    code = next(c for c in cells if c.get("cell_type") == "code")
    key = "source" if "source" in code else "input"
    code[key] = ("".join(code[key]) if isinstance(code[key], list) else code[key]) + "\nedited = True"
    edited.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    cache = work / "cache-changed"
    full = [*OURS, "--cache-dir", str(cache), str(tree)]
    changed = [*OURS, "--cache-dir", str(cache), "--changed-since", "HEAD", str(tree)]
    run(full, work, env, work / "full.json")
    times_changed, times_full = [], []
    for _ in range(n):
        times_changed.append(run(changed, work, env, work / "changed.json").seconds)
        times_full.append(run(full, work, env, work / "full.json").seconds)
    checked = len(json.loads((work / "changed.json").read_bytes())["notebooks"])
    return times_changed, times_full, checked


# -- report ----------------------------------------------------------------------------------------


def table_rows(name: str, series: dict[str, Series]) -> list[str]:
    rows = []
    for tool, s in series.items():
        times = [r.seconds for r in s.runs]
        codes = ",".join(sorted({str(r.code) for r in s.runs}))
        rss = max(r.max_rss_kib for r in s.runs) / 1024
        rows.append(
            f"| {name} | {tool} | {statistics.median(times):.3f} | {min(times):.3f} | {max(times):.3f} | "
            f"{s.median_cpu():.3f} | {rss:.0f} | {codes} |"
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--notebooks", type=int, default=10_000)
    ap.add_argument(
        "--tree-rounds", type=int, help="rounds for the generated tree (default: --rounds; a round there takes minutes)"
    )
    ap.add_argument("--small", type=int, default=100, help="notebooks of the small tree (memory comparison)")
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--workloads", default="corpus,generated,tree")
    ap.add_argument("--keep", type=Path, help="build the trees here and keep them (default: a temporary folder)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    wanted = {w.strip() for w in args.workloads.split(",")}
    env = run_env()
    load_before = os.getloadavg()
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="bench-ci-") as tmp_name:
        tmp = Path(args.keep) if args.keep else Path(tmp_name)
        tmp.mkdir(parents=True, exist_ok=True)
        results: dict[str, dict[str, Series]] = {}
        extra: list[str] = []
        all_tools = ["floor", "cold-j1", "cold-j2", "warm", "nocache-j1", "ruff", "ruff-warm"]
        if "corpus" in wanted:
            w = corpus_workload(args.corpus, tmp)
            (tmp / "work-corpus").mkdir()
            results[f"corpus: {w.notebooks} notebooks"] = rounds(
                w.target, tmp / "work-corpus", env, args.rounds, all_tools
            )
        if "generated" in wanted:
            w = generated_workload(tmp)
            (tmp / "work-generated").mkdir()
            results["generated notebook, 1,000 code cells"] = rounds(
                w.target, tmp / "work-generated", env, args.rounds, ["floor", "cold-j1", "nocache-j1", "warm", "ruff"]
            )
        if "tree" in wanted:
            print(f"building a tree of {args.notebooks} notebooks …", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            big = build_tree(args.corpus, tmp / "tree", args.notebooks)
            size = sum(p.stat().st_size for p in big)
            small = small_tree(big, tmp / "tree-small", args.small)
            extra.append(
                f"Tree: {len(big):,} notebooks in {len(big) // 100} folders, {size / 2**20:,.0f} MiB, built in "
                f"{time.perf_counter() - t0:.0f} s; small tree: its {small} largest notebooks."
            )
            (tmp / "work-tree").mkdir()
            (tmp / "work-small").mkdir()
            tree_rounds = args.tree_rounds or args.rounds
            # Without the no-cache run: on the tree it would cost as much as a cold run and is no target.
            tree_tools = [t for t in all_tools if t != "nocache-j1"]
            results[f"tree: {len(big):,} notebooks"] = rounds(
                tmp / "tree", tmp / "work-tree", env, tree_rounds, tree_tools
            )
            results[f"tree: {small} notebooks"] = rounds(
                tmp / "tree-small", tmp / "work-small", env, args.rounds, ["cold-j1", "cold-j2", "warm"]
            )
            (tmp / "work-changed").mkdir()
            changed, full, checked = changed_since(tmp / "tree", tmp / "work-changed", env, tree_rounds)
            share = statistics.median(c / f for c, f in zip(changed, full, strict=True))
            extra.append(
                f"`--changed-since HEAD` after one notebook of the tree changed: median "
                f"{statistics.median(changed):.3f} s ({min(changed):.3f}–{max(changed):.3f}), {checked} notebook "
                f"checked; the warm full run in the same rounds: {statistics.median(full):.3f} s ({share:.2f}×)."
            )
    load_after = os.getloadavg()
    lines = [
        "# CI-scale benchmark",
        "",
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC} · Python {platform.python_version()} · "
        f"{platform.system()} {platform.machine()} · {os.cpu_count()} CPUs · {args.rounds} alternated rounds "
        f"({args.tree_rounds or args.rounds} on the tree; +1 warm-up each) · load average before "
        f"{load_before[0]:.1f}, after {load_after[0]:.1f} · {(time.time() - started) / 60:.0f} min",
        "",
        "| workload | run | median s | min s | max s | median CPU s | peak RSS MiB (largest process) | exit codes |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, series in results.items():
        lines += table_rows(name, series)
    lines += [
        "",
        "Ratios, each from one round, median (min–max) over the rounds:",
        "",
        "| workload | cold `--jobs 1` / floor (≤ 2) | `--jobs 1` / `--jobs 2` (≥ 1.7) | warm / floor (≤ 0.3) "
        "| cold / ruff | warm / ruff | no cache `--jobs 1` / floor |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in results.items():
        lines.append(
            f"| {name} | {fmt_ratio(ratios(s, 'cold-j1', 'floor'))} | {fmt_ratio(ratios(s, 'cold-j1', 'cold-j2'))} | "
            f"{fmt_ratio(ratios(s, 'warm', 'floor'))} | {fmt_ratio(ratios(s, 'cold-j1', 'ruff'))} | "
            f"{fmt_ratio(ratios(s, 'warm', 'ruff'))} | {fmt_ratio(ratios(s, 'nocache-j1', 'floor'))} |"
        )
    lines += [
        "",
        "The same ratios of CPU time (user + system, workers included), which other load on the machine disturbs "
        "least (`--jobs 2` / `--jobs 1` here is the CPU the second process adds, not a speed-up):",
        "",
        "| workload | cold `--jobs 1` / floor | `--jobs 2` / `--jobs 1` | warm / floor | cold / ruff | warm / ruff "
        "| no cache `--jobs 1` / floor |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in results.items():
        cpu = [
            fmt_ratio(ratios(s, num, den, cpu=True))
            for num, den in (
                ("cold-j1", "floor"),
                ("cold-j2", "cold-j1"),
                ("warm", "floor"),
                ("cold-j1", "ruff"),
                ("warm", "ruff"),
                ("nocache-j1", "floor"),
            )
        ]
        lines.append(f"| {name} | " + " | ".join(cpu) + " |")
    tree_names = [n for n in results if n.startswith("tree: ")]
    if len(tree_names) == 2:
        big, small = (results[n] for n in tree_names)
        for tool in ("cold-j1", "cold-j2"):
            b = max(r.max_rss_kib for r in big[tool].runs) / 1024
            s = max(r.max_rss_kib for r in small[tool].runs) / 1024
            extra.append(
                f"Peak RSS, {tool}: {b:.0f} MiB for the large tree, {s:.0f} MiB for the small one: {b / s:.2f}×."
            )
    lines += ["", *(f"- {e}" for e in extra)]
    emit("\n".join(lines) + "\n", args.out)


if __name__ == "__main__":
    main()
