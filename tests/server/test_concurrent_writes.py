"""Two writing requests at once, against a real server: each reads what the other wrote, so the
file ends with both changes (two fixes of one notebook, two freezes into one requirements.txt, two
waivers in one contract), never with only the last one's."""

from __future__ import annotations

import asyncio
import json

from helpers.notebooks import code, notebook
from helpers.rest import post

# Enough cells that reading, checking and planning take a while: the two requests overlap.
FILLER = [code("\n".join(f"v{i}_{k} = {i} * {k}" for k in range(20)), i + 3) for i in range(200)]
NB = notebook(
    code("import datetime\nstarted = datetime.datetime.now()\nprint(started)", 1),
    code("import random\nx = random.random()\nprint(x)", 2),
    *FILLER,
)


async def test_two_fixes_of_one_notebook_at_once_keep_both(jp_fetch, jp_root_dir):
    for _ in range(3):
        (jp_root_dir / "nb.ipynb").write_text(json.dumps(NB))
        replies = await asyncio.gather(
            post(jp_fetch, "fix", {"path": "nb.ipynb", "select": ["unseeded-random"], "write": True}),
            post(jp_fetch, "fix", {"path": "nb.ipynb", "select": ["wall-clock"], "unsafe": True, "write": True}),
        )
        assert all(len(reply["applied"]) == 1 for reply in replies), replies
        code_ = "\n".join("".join(c["source"]) for c in json.loads((jp_root_dir / "nb.ipynb").read_text())["cells"])
        assert "datetime.datetime.now()" not in code_ and "run_date" in code_  # the wall-clock fix
        assert "random.seed(" in code_  # the seed fix


async def test_two_freezes_and_two_waivers_at_once_keep_both(jp_fetch, jp_root_dir):
    for trial in range(3):
        for name, module in (("a", "nopkg_a"), ("b", "nopkg_b")):
            (jp_root_dir / f"{name}.ipynb").write_text(json.dumps(notebook(code(f"import {module}", 1), *FILLER)))
            (jp_root_dir / f"{name}{trial}.ipynb").write_text(json.dumps(NB))
        await asyncio.gather(
            *(
                post(
                    jp_fetch,
                    "freeze",
                    {"path": f"{n}.ipynb", "versions": {m: v}, "target": "requirements", "write": True},
                )
                for n, m, v in (("a", "nopkg_a", "1.0"), ("b", "nopkg_b", "2.0"))
            ),
            *(
                post(
                    jp_fetch,
                    "waive",
                    {"path": f"{n}{trial}.ipynb", "check": "wall-clock", "reason": "r", "write": True},
                )
                for n in "ab"
            ),
        )
        pins = (jp_root_dir / "requirements.txt").read_text().replace("-", "_")
        assert "nopkg_a==1.0" in pins and "nopkg_b==2.0" in pins, pins
        assert (jp_root_dir / "readiness-contract.toml").read_text().count("[[waivers]]") == 2 * (trial + 1)
        (jp_root_dir / "requirements.txt").unlink()
