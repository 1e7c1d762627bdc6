"""Notebooks run top to bottom in fresh kernels with nbclient, several at once, each in a process
of its own: nbclient clients in threads of one process share pyzmq's state, and a kernel shutdown
request once blocked forever in ``Socket.send`` there, hanging the whole suite.

Each kernel speaks over Unix sockets in a folder of its own: the free TCP ports that separate
processes pick for kernels starting at the same moment can collide (jupyter_client#487), and a CI
run once lost a kernel at start-up ("Kernel died before replying to kernel_info"). A kernel that
still dies before its first reply is started once more: no cell has run then, so nothing the test
looks at can differ."""

from __future__ import annotations

import copy
import json
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Hashable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import nbformat

# More kernels starting at once on a small machine can lose one at start-up.
MAX_KERNELS = 4


def execute(nb_json: dict[str, Any], folder: Path, timeout: int = 120) -> dict[str, Any]:
    """The notebook as nbclient leaves it after running it with ``folder`` as working folder."""
    nb = nbformat.from_dict(copy.deepcopy(nb_json))
    try:
        _run(nb, folder, timeout)
    except RuntimeError as error:
        if "before replying to kernel_info" not in str(error):
            raise
        print(f"kernel died at start-up, starting another: {error}", file=sys.stderr)
        _run(nb, folder, timeout)
    return json.loads(nbformat.writes(nb))


def _run(nb: nbformat.NotebookNode, folder: Path, timeout: int) -> None:
    from nbclient import NotebookClient
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = os.path.join(sockets, "kernel")
        resources = {"metadata": {"path": str(folder)}}
        NotebookClient(nb, timeout=timeout, kernel_name="python3", config=config, resources=resources).execute()


def execute_all(
    jobs: dict[Hashable, tuple[dict[str, Any], Path]], timeout: int = 120
) -> dict[Hashable, dict[str, Any]]:
    """``execute`` for each job, at most MAX_KERNELS at a time, each in a fresh process."""
    spawn = multiprocessing.get_context("spawn")  # no fork of a process that holds threads and sockets
    with ProcessPoolExecutor(max_workers=min(MAX_KERNELS, len(jobs)), mp_context=spawn) as pool:
        futures = {key: pool.submit(execute, nb, folder, timeout) for key, (nb, folder) in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


def joined_streams(outputs: list[Any]) -> list[Any]:
    """Outputs as the page shows them: a kernel splits one print across stream messages when its
    flush timer fires between the writes, so consecutive pieces of one stream are joined."""
    shown: list[Any] = []
    for out in outputs:
        if out.get("output_type") != "stream":
            shown.append(out)
            continue
        text = "".join(out["text"]) if isinstance(out["text"], list) else out["text"]
        last = shown[-1] if shown else {}
        if last.get("output_type") == "stream" and last.get("name") == out.get("name"):
            shown[-1] = {**last, "text": last["text"] + text}
        else:
            shown.append({**out, "text": text})
    return shown


def stdout_of(outputs: list[Any]) -> str:
    """A cell's printed text, however the kernel split it into messages."""
    return "".join(o["text"] for o in joined_streams(outputs) if o["output_type"] == "stream" and o["name"] == "stdout")
