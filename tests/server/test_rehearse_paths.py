"""What a rehearsal's reply (and the record it leaves beside the notebook) shows of the server's
folders, against a real server and real kernels: the notebook's own error texts, never the private
scratch folder it ran in nor the server's root."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from helpers.notebooks import code, notebook
from helpers.rest import never_shows, post, refused


@pytest.fixture
def jp_server_config(tmp_path_factory):
    return {
        "ServerApp": {"jpserver_extensions": {"jupyterlab_readiness": True}},
        "Readiness": {"validate_replies": True, "rehearsal_scratch_dir": str(tmp_path_factory.mktemp("scratch"))},
    }


async def finished_reply(jp_fetch, job_id: str) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = json.loads((await jp_fetch("readiness", "rehearse", job_id)).body)
        if job["state"] == "finished":
            return job["reply"]
        await asyncio.sleep(0.2)
    raise AssertionError("the rehearsal did not finish")


async def test_an_error_quoting_the_folder_it_ran_in_shows_no_server_path(jp_fetch, jp_root_dir, jp_server_config):
    scratch = jp_server_config["Readiness"]["rehearsal_scratch_dir"]
    (jp_root_dir / "sub").mkdir()
    # A local module that fails the way many do: naming where it looked (the scratch copy, here).
    (jp_root_dir / "sub" / "helper.py").write_text(
        "import os\n\ndef load():\n    raise ValueError('no data in ' + os.getcwd() + ' beside ' + __file__)\n"
    )
    cells = [code("import helper", 1), code("helper.load()", 2)]
    (jp_root_dir / "sub" / "nb.ipynb").write_text(json.dumps(notebook(*cells)))
    job = await post(jp_fetch, "rehearse", {"path": "sub/nb.ipynb", "runs": 1})
    reply = await finished_reply(jp_fetch, job["job_id"])
    error = next(f for f in reply["findings"] if f["check"] == "rehearsal-error")
    assert "ValueError: no data in <folder> beside <folder>/helper.py" in error["message"], error["message"]
    record = (jp_root_dir / "sub" / ".readiness" / "nb.ipynb.rehearsal.json").read_text()
    for text in (json.dumps(reply), record):
        never_shows(text, scratch, str(Path(scratch).resolve()), str(jp_root_dir))


async def test_a_live_notebook_in_a_folder_that_is_not_there_is_a_400(jp_fetch, jp_root_dir):
    live = notebook(code("x = 1", 1))
    message = await refused(jp_fetch, "rehearse", 400, {"path": "missing/nb.ipynb", "notebook": live})
    assert message == "the notebook's folder does not exist: save the notebook first"
    never_shows(message, "missing", str(jp_root_dir))
    assert not (jp_root_dir / "missing").exists()
