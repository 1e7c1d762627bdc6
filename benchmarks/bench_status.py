"""Server responsiveness benchmark (issue 12): how long `/api/status` takes while the readiness
routes do their heaviest work, against the same requests on the idle server.

Usage: python benchmarks/bench_status.py [--rounds 3] [--cells 3000] [--export-cells 1000] [--out FILE]

A real `jupyter server` with the extension runs in its own process (as JupyterLab's would); this
process is the browser: one thread sends the heavy request, the main thread asks `/api/status`
every 20 ms until it is answered. Workloads: a check, a fix and a freeze of a notebook of
``--cells`` 30-line code cells never seen before (each round renames every variable, so no cell's
facts are cached), and the export preview of ``generate.exportable_notebook(--export-cells)``.
Alternated with them, the peer: the same status requests with nothing else running. Reported per
workload: the status requests' median, 95th percentile and slowest, the slowest against the idle
server's median, and how long the heavy request took. Target (README, Security): every status
request answered within 100 ms while any of the routes works.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from generate import exportable_notebook
from report import emit

HERE = Path(__file__).resolve().parent
TARGET_SECONDS = 0.1
POLL_EVERY = 0.02


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, root: Path) -> None:
        self.port, self.token = free_port(), secrets.token_hex(16)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent / "python"), env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [
                *[sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={self.port}"],
                *[f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root}"],
                "--ServerApp.jpserver_extensions={'jupyterlab_readiness': True}",
                "--allow-root",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                self.get("api/status")
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)

    def _request(self, path: str, body: bytes | None = None, timeout: float = 10) -> bytes:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/{path}",
            data=body,
            method="POST" if body is not None else "GET",
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()

    def get(self, path: str) -> bytes:
        return self._request(path)

    def post(self, route: str, body: bytes) -> bytes:
        return self._request(f"readiness/{route}", body, timeout=600)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def waits_while(server: Server, work) -> tuple[list[float], float]:
    """Status latencies while ``work()`` runs in a thread (or for 2 s when ``work`` is None), and
    how long the work took."""
    done = threading.Event()
    took = [0.0]
    failure: list[BaseException] = []

    def run() -> None:
        started = time.perf_counter()
        try:
            if work is None:
                time.sleep(2.0)
            else:
                work()
        except BaseException as exc:  # noqa: BLE001 - reported after the measurement
            failure.append(exc)
        finally:
            took[0] = time.perf_counter() - started
            done.set()

    thread = threading.Thread(target=run)
    thread.start()
    latencies = []
    while not done.is_set():
        time.sleep(POLL_EVERY)
        started = time.perf_counter()
        server.get("api/status")
        latencies.append(time.perf_counter() - started)
    thread.join()
    if failure:
        raise SystemExit(f"the request failed: {failure[0]}")
    return latencies, took[0]


def big_notebook(cells: int, round_: int) -> dict:
    sources = [
        f"import json as j{i}\n" + "\n".join(f"v{round_}_{i}_{k} = {i} * {k} + len('{round_}')" for k in range(30))
        for i in range(cells)
    ]
    return {
        "cells": [
            {"cell_type": "code", "source": s, "metadata": {}, "outputs": [], "execution_count": i + 1}
            for i, s in enumerate(sources)
        ],
        "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cells", type=int, default=3000)
    ap.add_argument("--export-cells", type=int, default=1000)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-status-") as tmp:
        server = Server(Path(tmp))
        try:
            # warm-up: the worker processes' first request, untimed
            server.post("check", json.dumps({"path": "w.ipynb", "notebook": big_notebook(10, -1)}).encode())
            export_body = json.dumps(
                {"path": "big.ipynb", "notebook": exportable_notebook(args.export_cells, lines=30), "name": "big"}
            ).encode()
            names = ["idle", "check", "fix", "freeze", "export preview"]
            series: dict[str, list[float]] = {n: [] for n in names}
            took: dict[str, list[float]] = {n: [] for n in names}
            for round_ in range(args.rounds):
                notebook = big_notebook(args.cells, round_)
                bodies = {
                    "check": json.dumps({"path": "big.ipynb", "notebook": notebook}).encode(),
                    "fix": json.dumps({"path": "big.ipynb", "notebook": notebook}).encode(),
                    "freeze": json.dumps({"path": "big.ipynb", "notebook": notebook, "write": False}).encode(),
                    "export preview": export_body,
                }
                for name in names:
                    work = None
                    if name != "idle":
                        route, body = {"export preview": "export"}.get(name, name), bodies[name]
                        work = functools.partial(server.post, route, body)
                    latencies, seconds = waits_while(server, work)
                    series[name] += latencies
                    took[name].append(seconds)
                    print(
                        f"round {round_ + 1}/{args.rounds} {name}: {seconds:.2f} s, status max "
                        f"{max(latencies) * 1000:.0f} ms over {len(latencies)}",
                        file=sys.stderr,
                    )
        finally:
            server.stop()
    load_after = os.getloadavg()[0]
    idle = statistics.median(series["idle"])

    def ms(x: float) -> str:
        return f"{x * 1000:.0f} ms" if x >= 0.01 else f"{x * 1000:.1f} ms"

    lines = [
        f"## `/api/status` while the routes work: {args.rounds} alternated rounds",
        "",
        f"A separate `jupyter server` process; {args.cells} 30-line code cells for check, fix and freeze, "
        f"{args.export_cells} for the export preview; a status request every {POLL_EVERY * 1000:.0f} ms.",
        "",
        "| while | requests | median | 95th pct | slowest | slowest / idle median | the route took (median) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in names:
        values = sorted(series[name])
        p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
        lines.append(
            f"| {name} | {len(values)} | {ms(statistics.median(values))} | {ms(p95)} | {ms(values[-1])} "
            f"| {values[-1] / idle:.1f}× | {'—' if name == 'idle' else f'{statistics.median(took[name]):.2f} s'} |"
        )
    worst = max(max(series[n]) for n in names if n != "idle")
    verdict = "met" if worst < TARGET_SECONDS else "not met"
    lines += [
        "",
        f"Target: every status request within {TARGET_SECONDS * 1000:.0f} ms while a route works: slowest "
        f"{ms(worst)}, {verdict}.",
        f"Load average (1 min) before / after: {load_before:.1f} / {load_after:.1f} on {os.cpu_count()} CPUs; "
        f"Python {platform.python_version()}.",
    ]
    emit("\n".join(lines), args.out)


if __name__ == "__main__":
    main()
