"""Kernel probe benchmark: round trip and kernel memory on a big namespace vs an empty one.

Usage: python benchmarks/bench_probe.py [--probes 20] [--names 10000] [--array-elements 125000000]
                                        [--rows 1000000] [--out FILE]
Target (README, Performance): probe round trip < 100 ms (median) on an idle kernel holding 10,000 names,
a 1 GB numpy array and a 1,000,000-row DataFrame; kernel memory unchanged. Needs numpy and
pandas in the kernel's environment (``pip install numpy pandas``; they are not dependencies of the
package). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import time
from pathlib import Path

from report import emit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "python"))  # run from a source tree, like the other benchmarks

from jupyter_client.manager import start_new_async_kernel  # noqa: E402

from jupyterlab_readiness.server.probe import probe  # noqa: E402


def status_kib(pid: int, field: str) -> int:
    """A ``/proc/<pid>/status`` memory field (VmRSS, VmHWM), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def kernel_pid(km) -> int:
    prov = km.provisioner
    pid = getattr(prov, "pid", None) or getattr(getattr(prov, "process", None), "pid", None)
    if not pid:
        raise RuntimeError("cannot find the kernel's pid (not a local provisioner?)")
    return int(pid)


async def execute(kc, code: str, timeout: float = 600) -> None:
    msg_id = kc.execute(code)
    while True:
        msg = await kc.get_shell_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") == msg_id:
            if msg["content"]["status"] != "ok":
                raise RuntimeError(f"cell failed: {msg['content'].get('ename')}: {msg['content'].get('evalue')}")
            return


async def measure(kc, pid: int, probes: int) -> dict:
    """One untimed warm-up probe (compiles the kernel-side code once), then ``probes`` timed."""
    await asyncio.sleep(0.5)  # let the kernel settle (idle, iopub flushed)
    rss_before = status_kib(pid, "VmRSS")
    hwm_before = status_kib(pid, "VmHWM")
    t0 = time.perf_counter()
    first = await probe(kc, timeout=30)
    first_ms = (time.perf_counter() - t0) * 1000
    assert first.status == "ok", first
    await asyncio.sleep(0.1)
    rss_warm = status_kib(pid, "VmRSS")
    times = []
    for _ in range(probes):
        t0 = time.perf_counter()
        snap = await probe(kc, timeout=30)
        times.append((time.perf_counter() - t0) * 1000)
        assert snap.status == "ok", snap
    await asyncio.sleep(0.2)
    return {
        "names": len(snap.names),
        "truncated": snap.truncated,
        "payload_kb": len(snap.model_dump_json()) / 1024,
        "first_ms": first_ms,
        "median_ms": statistics.median(times),
        "min_ms": min(times),
        "max_ms": max(times),
        "rss_before": rss_before,
        "rss_warm": rss_warm,
        "rss_after": status_kib(pid, "VmRSS"),
        "hwm_before": hwm_before,
        "hwm_after": status_kib(pid, "VmHWM"),
        "sizes": {e.name: e.size for e in snap.names if e.name in ("arr", "df", "series")},
    }


POPULATE = """\
import numpy as np, pandas as pd
for _k in range({names}):
    globals()["v%05d" % _k] = (_k, "s%d" % _k, [_k, _k + 1])[_k % 3]
del _k
arr = np.ones({elements})
_n = {rows}
df = pd.DataFrame({{"a": np.arange(_n), "b": np.linspace(0.0, 1.0, _n), "c": ["s%d" % (i % 1000) for i in range(_n)]}})
series = df["c"]
del _n
"""


async def run(args) -> list[dict]:
    km, kc = await start_new_async_kernel(kernel_name=args.kernel, startup_timeout=120)
    try:
        pid = kernel_pid(km)
        print(f"kernel pid {pid}", file=sys.stderr)
        empty = await measure(kc, pid, args.probes)
        empty["workload"] = "empty namespace"
        print(f"empty: median {empty['median_ms']:.1f} ms", file=sys.stderr)
        t0 = time.perf_counter()
        await execute(kc, POPULATE.format(names=args.names, elements=args.array_elements, rows=args.rows))
        print(f"populated in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        loaded = await measure(kc, pid, args.probes)
        gb = args.array_elements * 8 / 1e9
        loaded["workload"] = f"{args.names:,} names + {gb:g} GB ndarray + {args.rows:,}-row DataFrame"
        print(f"loaded: median {loaded['median_ms']:.1f} ms", file=sys.stderr)
        return [empty, loaded]
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


def report(rows: list[dict], args) -> str:
    mib = lambda kib: f"{kib / 1024:,.1f}"  # noqa: E731
    lines = [
        "# Kernel probe",
        "",
        f"{args.probes} timed probes per workload after one untimed warm-up; one kernel "
        f"({args.kernel}), measured empty first, then populated. Python {platform.python_version()}, "
        f"{platform.machine()}.",
        "",
        "| workload | names reported | snapshot JSON KiB | first probe ms | median ms | min ms | max ms "
        "| kernel VmRSS before MiB | after MiB | Δ KiB | of which warm-up KiB | VmHWM Δ KiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['workload']} | {r['names']:,}{' (truncated)' if r['truncated'] else ''} | {r['payload_kb']:,.0f} "
            f"| {r['first_ms']:.1f} | {r['median_ms']:.1f} | {r['min_ms']:.1f} | {r['max_ms']:.1f} "
            f"| {mib(r['rss_before'])} | {mib(r['rss_after'])} | {r['rss_after'] - r['rss_before']:+,} "
            f"| {r['rss_warm'] - r['rss_before']:+,} "
            f"| {r['hwm_after'] - r['hwm_before']:+,} |"
        )
    loaded = rows[-1]
    ok = loaded["median_ms"] < 100
    lines += [
        "",
        f"Target: median < 100 ms on the loaded namespace: **{'met' if ok else 'MISSED'}** "
        f"({loaded['median_ms']:.1f} ms; empty namespace {rows[0]['median_ms']:.1f} ms). "
        f"Kernel RSS change across the loaded probes: {loaded['rss_after'] - loaded['rss_before']:+,} KiB "
        f"({loaded['rss_warm'] - loaded['rss_before']:+,} KiB of it at the first probe, "
        f"{loaded['rss_after'] - loaded['rss_warm']:+,} KiB over the {args.probes} timed ones; "
        f"peak {loaded['hwm_after'] - loaded['hwm_before']:+,} KiB) on "
        f"{loaded['rss_before'] / 1024:,.0f} MiB.",
        "",
        "Sizes reported for the big objects: "
        + ", ".join(f"`{k}` = {v if v is None else f'{v:,} B'}" for k, v in sorted(loaded["sizes"].items()))
        + " (a DataFrame has no `nbytes`: null by design).",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--probes", type=int, default=20)
    ap.add_argument("--names", type=int, default=10_000)
    ap.add_argument("--array-elements", type=int, default=125_000_000, help="float64 elements (125e6 = 1 GB)")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--kernel", default="python3", help="kernel spec name")
    ap.add_argument("--out", type=Path, help="also write the markdown report here")
    args = ap.parse_args()
    if args.probes < 1:
        ap.error("--probes must be ≥ 1")
    rows = asyncio.run(run(args))
    text = report(rows, args)
    emit(text, args.out)


if __name__ == "__main__":
    main()
