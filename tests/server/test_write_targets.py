"""What is in the way of a write, against a real server: a FIFO, a device or a folder where a file
goes is refused and left as it is (never replaced, never waited on), and a write the system
refuses is a 400, not a 500."""

from __future__ import annotations

import json
import os
import stat
import time

from helpers.notebooks import code, notebook
from helpers.rest import never_shows, refused

NB = notebook(code("import random\nx = random.random()\nprint(x)", 1))


async def test_a_fix_never_replaces_a_fifo_or_a_folder_with_the_notebook(jp_fetch, jp_root_dir):
    os.mkfifo(jp_root_dir / "piped.ipynb")
    (jp_root_dir / "folder.ipynb").mkdir()
    started = time.monotonic()
    message = await refused(jp_fetch, "fix", 400, {"path": "piped.ipynb", "notebook": NB, "write": True})
    assert message == "cannot write the file: it is not a regular file"
    assert time.monotonic() - started < 10
    assert stat.S_ISFIFO((jp_root_dir / "piped.ipynb").lstat().st_mode)
    message = await refused(jp_fetch, "fix", 400, {"path": "folder.ipynb", "notebook": NB, "write": True})
    assert message == "cannot write the file: it is a folder, not a file"
    assert (jp_root_dir / "folder.ipynb").is_dir() and not list((jp_root_dir / "folder.ipynb").iterdir())


async def test_a_write_under_a_file_is_a_400(jp_fetch, jp_root_dir):
    (jp_root_dir / "nb.ipynb").write_text(json.dumps(NB))
    for route, body in (
        ("fix", {"path": "nb.ipynb/inner.ipynb", "notebook": NB, "write": True}),
        ("export", {"path": "nb.ipynb", "out": "nb.ipynb/pkg", "write": True}),
        ("waive", {"path": "nb.ipynb/inner.ipynb", "notebook": NB, "check": "unseeded-random", "reason": "r"}),
    ):
        body["write"] = True
        message = await refused(jp_fetch, route, 400, body)
        assert message == "cannot write the file: a folder on its path is a file", route
        never_shows(message, "nb.ipynb", "inner")
    assert json.loads((jp_root_dir / "nb.ipynb").read_text()) == NB
