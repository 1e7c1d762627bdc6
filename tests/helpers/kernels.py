"""Real kernels for the server tests: started through the server's REST API, with a client to run
cells in them, a folder of distributions only such a kernel can see, and the processes still naming
a folder (the rehearsals' kernels name their private folder)."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path


class Kernel:
    """A real kernel started through the server, and a client to run cells in it."""

    def __init__(self, serverapp, kernel_id):
        self.id = kernel_id
        self.manager = serverapp.kernel_manager.get_kernel(kernel_id)
        self.client = self.manager.client()
        self.client.start_channels()

    async def run(self, source: str) -> int:
        msg_id = self.client.execute(source)
        while True:
            reply = await self.client.get_shell_msg(timeout=30)
            if reply["parent_header"].get("msg_id") == msg_id:
                assert reply["content"]["status"] == "ok", reply["content"]
                return reply["content"]["execution_count"]

    async def query(self, expression: str):
        """Evaluate an expression silently; JSON comes back as a mime bundle (no repr parsing)."""
        wrapped = (
            f'type("Q", (), {{"_repr_mimebundle_": lambda self, include=None, exclude=None: '
            f'{{"application/json": {{"v": {expression}}}}}}})()'
        )
        msg_id = self.client.execute("", silent=True, store_history=False, user_expressions={"q": wrapped})
        while True:
            reply = await self.client.get_shell_msg(timeout=30)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]["user_expressions"]["q"]["data"]["application/json"]["v"]


@contextlib.asynccontextmanager
async def running_kernel(jp_fetch, jp_serverapp):
    response = await jp_fetch("api", "kernels", method="POST", body=json.dumps({"name": "python3"}))
    kernel_id = json.loads(response.body)["id"]
    k = Kernel(jp_serverapp, kernel_id)
    await k.client.wait_for_ready(timeout=60)
    yield k
    k.client.stop_channels()
    if kernel_id in jp_serverapp.kernel_manager:
        with contextlib.suppress(Exception):  # a test may have killed it already
            await jp_serverapp.kernel_manager.shutdown_kernel(kernel_id, now=True)


def kernel_only_site(tmp_path_factory):
    """Distributions only a kernel that puts this folder on sys.path can see: import name
    kernel_only_mod from readiness-kernel-only 7.7.7, which requires readiness-kernel-dep 1.2.3."""
    site = tmp_path_factory.mktemp("kernel-site")
    for dist, version, module, requires in (
        (
            "readiness_kernel_only",
            "7.7.7",
            "kernel_only_mod",
            "readiness-kernel-dep>=1\nRequires-Dist: notinstalled-extra ; extra == 'x'\n",
        ),
        ("readiness_kernel_dep", "1.2.3", "kernel_dep_mod", ""),
    ):
        (site / module).mkdir()
        (site / module / "__init__.py").write_text("")
        info = site / f"{dist}-{version}.dist-info"
        info.mkdir()
        name = dist.replace("_", "-")
        requires_line = f"Requires-Dist: {requires}" if requires else ""
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{requires_line}")
        (info / "RECORD").write_text(f"{module}/__init__.py,,\n{info.name}/METADATA,,\n")
    return site


COMMIT = "3f786850e387550fdab836ed7e6dc881de23001b"
#: what pip freeze writes for the distributions direct_url_site installs from a URL
GIT_PIN = f"readiness-from-git @ git+https://github.com/org/readiness-from-git@{COMMIT}"
ARCHIVE_PIN = "readiness-from-archive @ https://files.example.org/readiness-from-archive-1.0.tar.gz#sha256=abcd"


def direct_url_site(site: Path) -> Path:
    """Distributions installed as pip installs them from somewhere else than the package index,
    with the ``direct_url.json`` (PEP 610) pip writes: import name from_git_mod from
    readiness-from-git 0.1.dev0 (``pip install git+https://…``, requested at ``main``; it requires
    readiness-from-archive), from_archive_mod from readiness-from-archive 1.0 (an sdist's URL, with
    its hash, and credentials pip would not have recorded), from_folder_mod from
    readiness-from-folder 0.3 (``pip install -e ./from-folder``)."""
    site.mkdir(parents=True, exist_ok=True)
    for dist, version, module, requires, direct_url in (
        (
            "readiness_from_git",
            "0.1.dev0",
            "from_git_mod",
            "readiness-from-archive",
            {
                "url": "https://github.com/org/readiness-from-git",
                "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "main"},
            },
        ),
        (
            "readiness_from_archive",
            "1.0",
            "from_archive_mod",
            "",
            {
                "url": "https://user:secret@files.example.org/readiness-from-archive-1.0.tar.gz",
                "archive_info": {"hash": "sha256=abcd", "hashes": {"sha256": "abcd"}},
            },
        ),
        (
            "readiness_from_folder",
            "0.3",
            "from_folder_mod",
            "",
            {"url": "file:///home/someone/from-folder", "dir_info": {"editable": True}},
        ),
    ):
        (site / module).mkdir()
        (site / module / "__init__.py").write_text("")
        info = site / f"{dist}-{version}.dist-info"
        info.mkdir()
        requires_line = f"Requires-Dist: {requires}\n" if requires else ""
        name = dist.replace("_", "-")
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{requires_line}")
        (info / "direct_url.json").write_text(json.dumps(direct_url))
        (info / "RECORD").write_text(f"{module}/__init__.py,,\n{info.name}/METADATA,,\n{info.name}/direct_url.json,,\n")
    return site


def processes_mentioning(marker: str) -> list[int]:
    """Processes whose command line contains ``marker`` (the kernels' connection files live in
    the rehearsal's private folder, so a kernel names it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            state = next(
                (line for line in (entry / "status").read_text().splitlines() if line.startswith("State:")), ""
            )
        except OSError:
            continue
        if marker in cmdline and "Z" not in state.split()[1:2]:
            found.append(int(entry.name))
    return found
