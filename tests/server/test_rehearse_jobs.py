"""The rehearse job API in a real jupyter-server, with real kernels: start, progress, reply,
cancel, limits, errors, forgetting finished jobs, and nothing left behind when the server stops."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
import tornado
from jupyter_server.auth.authorizer import Authorizer

from helpers.kernels import processes_mentioning
from helpers.notebooks import code, notebook
from jupyterlab_readiness.contract.schema import CHECK_REPLY, REHEARSE_JOB


@pytest.fixture
def scratch(tmp_path_factory) -> Path:
    """Where this server's rehearsals make their private folders."""
    return tmp_path_factory.mktemp("scratch")


def server_config(scratch: Path, **readiness) -> dict:
    return {
        "ServerApp": {"jpserver_extensions": {"jupyterlab_readiness": True}},
        "Readiness": {"validate_replies": True, "rehearsal_scratch_dir": str(scratch), **readiness},
    }


@pytest.fixture
def jp_server_config(scratch, request):
    """This extension with its rehearsals in ``scratch``; a test changes traits with
    ``@pytest.mark.parametrize("jp_server_config", [{trait: value}], indirect=True)``."""
    return server_config(scratch, **getattr(request, "param", {}))


def leftovers(scratch: Path) -> tuple[list[str], list[int]]:
    return sorted(p.name for p in scratch.iterdir()), processes_mentioning(str(scratch))


async def start(jp_fetch, body: dict) -> dict:
    response = await jp_fetch("readiness", "rehearse", method="POST", body=json.dumps(body))
    assert response.code == 202
    job = json.loads(response.body)
    REHEARSE_JOB.validate_python(job)
    assert response.headers["Location"].endswith(f"/readiness/rehearse/{job['job_id']}")
    return job


async def status(jp_fetch, job_id: str, since: int = 0) -> dict:
    response = await jp_fetch("readiness", "rehearse", job_id, params={"since": str(since)})
    job = json.loads(response.body)
    REHEARSE_JOB.validate_python(job)
    return job


async def until(jp_fetch, job_id: str, done, timeout: float = 120.0) -> tuple[dict, list[dict]]:
    """Poll the job (as the frontend does, asking only for new finished cells) until ``done(job)``;
    the last status and every status seen."""
    seen: list[dict] = []
    finished_cells = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = await status(jp_fetch, job_id, finished_cells)
        finished_cells += len(job["finished_cells"])
        seen.append(job)
        if done(job):
            return job, seen
        await asyncio.sleep(0.1)
    raise AssertionError(f"the job did not get there in {timeout} s: {seen[-1] if seen else None}")


def finished(job: dict) -> bool:
    return job["state"] == "finished"


async def error_of(
    jp_fetch, status_code: int, *path: str, method: str = "POST", body: dict | None = None, **kwargs
) -> dict:
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await jp_fetch(
            "readiness",
            *path,
            method=method,
            body=None if body is None else json.dumps(body),
            allow_nonstandard_methods=True,
            **kwargs,
        )
    assert info.value.code == status_code, info.value.response.body
    return json.loads(info.value.response.body)


HIDDEN = notebook(
    code("import json\nn = 3", count=1),
    code("print(total)", count=2, outputs=[{"output_type": "stream", "name": "stdout", "text": "6\n"}]),
    code("total = n * 2", count=3),
)


# ---------------------------------------------------------------- a whole rehearsal
async def test_a_rehearsal_reports_progress_then_its_reply_and_check_remembers_it(jp_fetch, jp_root_dir, scratch):
    (jp_root_dir / "sub").mkdir()
    (jp_root_dir / "sub" / "nb.ipynb").write_text(json.dumps(HIDDEN))
    clean = notebook(code("n = 3", count=1), code("print(n * 2)", count=2), code("x = n + 1", count=3))
    job = await start(jp_fetch, {"path": "sub/nb.ipynb", "notebook": clean, "runs": 2})
    assert job["state"] == "running" and job["path"] == "sub/nb.ipynb" and job["reply"] is None

    job, seen = await until(jp_fetch, job["job_id"], finished)
    assert job["reply"]["status"] == "passed", job["reply"]
    assert job["first_cell_seconds"] is not None and 0 < job["first_cell_seconds"] < job["elapsed"]
    cells = [c for s in seen for c in s["finished_cells"]]  # each finished cell once, with since=
    assert [(c["run"], c["cell_index"], c["position"], c["status"]) for c in cells] == [
        (run, i, i + 1, "ok") for run in (1, 2) for i in range(3)
    ]
    assert all(c["seconds"] is not None for c in cells)
    assert {s["phase"] for s in seen} <= {
        "started",
        "copying",
        "kernel-starting",
        "cell-started",
        "cell-finished",
        "comparing",
        "finished",
    }
    assert job["reply"]["record_file"] == "sub/.readiness/nb.ipynb.rehearsal.json"
    assert (jp_root_dir / "sub" / ".readiness" / "nb.ipynb.rehearsal.json").is_file()
    assert leftovers(scratch) == ([], [])

    # The check reply says when it was rehearsed and that it passed, with the per-cell results.
    response = await jp_fetch(
        "readiness", "check", method="POST", body=json.dumps({"path": "sub/nb.ipynb", "notebook": clean})
    )
    reply = json.loads(response.body)
    CHECK_REPLY.validate_python(reply)
    summary = reply["rehearsal"]
    assert summary["passed"] is True and summary["applies"] is True and summary["runs"] == 2
    assert [c["cell_index"] for c in summary["cells"]] == [0, 1, 2]
    assert all(len(c["runs"]) == 2 and c["runs"][0]["status"] == "ok" for c in summary["cells"])
    # Another notebook's code: the record does not apply (its findings are not in the report).
    response = await jp_fetch(
        "readiness", "check", method="POST", body=json.dumps({"path": "sub/nb.ipynb", "notebook": HIDDEN})
    )
    summary = json.loads(response.body)["rehearsal"]
    assert summary["applies"] is False and summary["cells"] == [] and summary["passed"] is True


async def test_a_failing_rehearsal_confirms_the_static_finding_on_its_cell(jp_fetch, jp_root_dir, scratch):
    (jp_root_dir / "nb.ipynb").write_text(json.dumps(HIDDEN))
    job = await start(jp_fetch, {"path": "nb.ipynb", "notebook": None, "runs": 1})
    job, _ = await until(jp_fetch, job["job_id"], finished)
    reply = job["reply"]
    assert reply["status"] == "failed"
    assert [(f["check"], f["cell_index"]) for f in reply["findings"]] == [("rehearsal-error", 1)]
    assert "`total` is not defined" in reply["findings"][0]["message"]

    response = await jp_fetch("readiness", "check", method="POST", body=json.dumps({"path": "nb.ipynb"}))
    report = json.loads(response.body)
    assert report["rehearsal"]["passed"] is False and report["rehearsal"]["applies"] is True
    by_check = {(f["check"], f["cell_index"]): f for f in report["findings"]}
    assert ("rehearsal-error", 1) in by_check
    hidden = by_check[("hidden-state", 1)]["message"]
    assert "The rehearsal of " in hidden and "confirmed it: in a fresh kernel the cell raised NameError" in hidden
    assert leftovers(scratch) == ([], [])


async def test_saved_images_sent_as_placeholders_are_compared_by_size(jp_fetch, jp_root_dir):
    """The frontend replaces image payloads by `<image/png N bytes, WxH>`: the comparison with a
    fresh run's image still sees a change of size, and no change."""
    draw = (
        "import base64, struct, zlib\n"
        "def png(w, h):\n"
        "    raw = b''.join(b'\\x00' + b'\\x00' * w * 3 for _ in range(h))\n"
        "    def chunk(kind, data):\n"
        "        body = kind + data\n"
        "        return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body))\n"
        "    ihdr = struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)\n"
        "    head = b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', ihdr)\n"
        "    return head + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')\n"
        "from IPython.display import Image, display\n"
    )
    saved = [
        {
            "output_type": "display_data",
            "metadata": {},
            "data": {"image/png": "<image/png 78 bytes, 20x10>", "text/plain": "<IPython.core.display.Image object>"},
        }
    ]
    nb = notebook(
        code(draw, count=1),
        code("display(Image(png(20, 10)))", count=2, outputs=saved),
        code("display(Image(png(200, 100)))", count=3, outputs=saved),
    )
    job = await start(jp_fetch, {"path": "images.ipynb", "notebook": nb, "runs": 1})
    job, _ = await until(jp_fetch, job["job_id"], finished)
    reply = job["reply"]
    assert [(f["check"], f["cell_index"]) for f in reply["findings"]] == [("output-mismatch", 2)], reply
    assert "200×100" in reply["diffs"][0]["diff"] and "20×10" in reply["diffs"][0]["diff"]


# ---------------------------------------------------------------- cancel, limits, forgetting
SLOW = notebook(code("import time\nprint('start')", count=1), code("time.sleep(120)", count=2), code("x = 1", count=3))


async def test_cancel_stops_a_running_job_and_leaves_nothing(jp_fetch, jp_root_dir, jp_serverapp, scratch):
    kernels_before = json.loads((await jp_fetch("api", "kernels")).body)
    job = await start(jp_fetch, {"path": "slow.ipynb", "notebook": SLOW, "runs": 2})
    running, _ = await until(jp_fetch, job["job_id"], lambda j: j["phase"] == "cell-started" and j["cell_index"] == 1)
    assert running["position"] == 2 and running["cells"] == 3 and running["run"] == 1
    assert processes_mentioning(str(scratch)), "the rehearsal's kernel is running"
    assert json.loads((await jp_fetch("api", "kernels")).body) == kernels_before  # never the server's kernels

    response = await jp_fetch("readiness", "rehearse", job["job_id"], method="DELETE")
    assert json.loads(response.body)["state"] in ("cancelling", "finished")
    began = time.monotonic()
    job, _ = await until(jp_fetch, job["job_id"], finished, timeout=30)
    assert time.monotonic() - began < 15
    assert job["reply"]["status"] == "cancelled" and job["reply"]["record"] is None
    assert leftovers(scratch) == ([], [])
    assert not (jp_root_dir / ".readiness").exists()  # a cancelled rehearsal records nothing

    # DELETE of a finished job forgets it.
    await jp_fetch("readiness", "rehearse", job["job_id"], method="DELETE")
    await error_of(jp_fetch, 404, "rehearse", job["job_id"], method="GET")


@pytest.mark.parametrize("jp_server_config", [{"max_rehearsals": 1, "rehearsal_retention": 1.0}], indirect=True)
async def test_one_job_per_notebook_a_limit_per_server_and_finished_jobs_are_forgotten(jp_fetch, scratch):
    job = await start(jp_fetch, {"path": "secret-name.ipynb", "notebook": SLOW, "runs": 1})
    again = await error_of(jp_fetch, 409, "rehearse", body={"path": "secret-name.ipynb", "notebook": SLOW})
    assert again["job_id"] == job["job_id"] and "already" in again["message"]
    assert "secret-name" not in json.dumps(again)
    other = await error_of(jp_fetch, 503, "rehearse", body={"path": "other.ipynb", "notebook": SLOW})
    assert "max_rehearsals" in other["message"]

    await jp_fetch("readiness", "rehearse", job["job_id"], method="DELETE")
    await until(jp_fetch, job["job_id"], finished, timeout=30)
    # Once finished, the notebook may be rehearsed again; the finished job is forgotten after
    # rehearsal_retention.
    quick = await start(jp_fetch, {"path": "secret-name.ipynb", "notebook": notebook(code("x = 1")), "runs": 1})
    await until(jp_fetch, quick["job_id"], finished)
    await asyncio.sleep(1.5)
    for forgotten in (job, quick):
        error = await error_of(jp_fetch, 404, "rehearse", forgotten["job_id"], method="GET")
        assert forgotten["job_id"] not in error["message"]
    assert leftovers(scratch) == ([], [])


async def test_stopping_the_server_cancels_every_job_and_leaves_nothing(jp_fetch, jp_serverapp, scratch):
    job = await start(jp_fetch, {"path": "slow.ipynb", "notebook": SLOW, "runs": 2})
    await until(jp_fetch, job["job_id"], lambda j: j["phase"] == "cell-started" and j["cell_index"] == 1)
    assert processes_mentioning(str(scratch))
    (extension,) = jp_serverapp.extension_manager.extension_apps["jupyterlab_readiness"]
    began = time.monotonic()
    await extension.stop_extension()
    assert time.monotonic() - began < 20
    assert leftovers(scratch) == ([], [])
    closed = await error_of(jp_fetch, 503, "rehearse", body={"path": "again.ipynb", "notebook": SLOW})
    assert "shutting down" in closed["message"]


# ---------------------------------------------------------------- bad requests, permissions
@pytest.mark.parametrize(
    ("body", "secrets", "expected"),
    [
        ({"path": "a.ipynb", "notebook": HIDDEN, "parameters": {"no-t valid": "1"}}, ["no-t valid"], "identifier"),
        ({"path": "a.ipynb", "notebook": HIDDEN, "kernel_name": "kernel-<x>"}, ["kernel-<x>"], "not installed"),
        ({"path": "a.ipynb", "notebook": HIDDEN, "kernel_name": "echo"}, [], "not Python"),
        ({"path": "a.ipynb", "notebook": HIDDEN, "runs": 3}, [], "runs"),
        ({"path": "a.ipynb", "notebook": HIDDEN, "timeout": -1}, [], "timeout"),
        ({"path": "a.ipynb", "notebook": notebook(code("x <- 1"), language="R")}, [], "Python"),
        ({"path": "../out.ipynb", "notebook": HIDDEN}, ["out.ipynb"], "outside the server root"),
        ({"path": "missing-<b>.ipynb"}, ["missing-<b>"], "no such notebook"),
    ],
)
async def test_bad_requests_are_4xx_that_never_echo_them(jp_fetch, scratch, body, secrets, expected):
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await jp_fetch("readiness", "rehearse", method="POST", body=json.dumps(body))
    assert 400 <= info.value.code < 500
    message = json.loads(info.value.response.body)["message"]
    assert expected in message
    for secret in secrets:
        assert secret not in message
    assert leftovers(scratch) == ([], [])


async def test_unknown_jobs_and_bad_queries(jp_fetch):
    error = await error_of(jp_fetch, 404, "rehearse", "nope-<i>", method="GET")
    assert "nope" not in error["message"]
    await error_of(jp_fetch, 404, "rehearse", "nope", method="DELETE")
    job = await start(jp_fetch, {"path": "q.ipynb", "notebook": notebook(code("x = 1")), "runs": 1})
    error = await error_of(jp_fetch, 400, "rehearse", job["job_id"], method="GET", params={"since": "-1"})
    assert "since" in error["message"]
    await until(jp_fetch, job["job_id"], finished)


class NoKernelsAuthorizer(Authorizer):
    """Everything but executing in kernels."""

    def is_authorized(self, handler, user, action, resource):
        return not (resource == "kernels" and action == "execute")


class ReadOnlyAuthorizer(Authorizer):
    """Reading only."""

    def is_authorized(self, handler, user, action, resource):
        return action == "read"


@pytest.mark.parametrize("authorizer", [NoKernelsAuthorizer, ReadOnlyAuthorizer])
async def test_every_rehearse_route_needs_kernel_execute_and_contents_write(
    jp_fetch, jp_serverapp, scratch, authorizer
):
    jp_serverapp.web_app.settings["authorizer"] = authorizer(
        parent=jp_serverapp, identity_provider=jp_serverapp.identity_provider
    )
    await error_of(jp_fetch, 403, "rehearse", body={"path": "a.ipynb", "notebook": HIDDEN})
    await error_of(jp_fetch, 403, "rehearse", "0" * 32, method="GET")
    await error_of(jp_fetch, 403, "rehearse", "0" * 32, method="DELETE")
    assert leftovers(scratch) == ([], [])


async def test_unauthenticated_rehearse_requests_are_refused(jp_serverapp, http_server_client, jp_base_url):
    for method, url, body in (
        ("POST", "readiness/rehearse", json.dumps({"path": "a.ipynb"})),
        ("GET", "readiness/rehearse/" + "0" * 32, None),
        ("DELETE", "readiness/rehearse/" + "0" * 32, None),
    ):
        with pytest.raises(tornado.httpclient.HTTPClientError) as info:
            await http_server_client.fetch(
                jp_base_url + url, method=method, body=body, headers={"Authorization": "token wrong"}
            )
        assert info.value.code in (401, 403)


# ---------------------------------------------------------------- the event loop stays free
async def test_the_server_answers_while_a_rehearsal_runs_a_busy_cell(jp_fetch, scratch):
    """Thousands of files opened in one cell (the hook's log to parse) and hashed after each run:
    other requests are still answered at once."""
    busy = notebook(
        code(
            "import os\nos.makedirs('many', exist_ok=True)\n"
            "for i in range(3000):\n    open(f'many/{i}.txt', 'w').write(str(i))"
        ),
        code("for i in range(3000):\n    open(f'many/{i}.txt').read()"),
    )
    job = await start(jp_fetch, {"path": "busy.ipynb", "notebook": busy, "runs": 2})
    latencies = []
    while True:
        began = time.perf_counter()
        await jp_fetch("api", "status")
        latencies.append(time.perf_counter() - began)
        current = await status(jp_fetch, job["job_id"], 10**6)
        if finished(current):
            break
        await asyncio.sleep(0.05)
    assert current["reply"]["status"] == "passed", current["reply"]
    assert len(latencies) >= 5
    assert sorted(latencies)[len(latencies) // 2] < 0.1, latencies
    assert leftovers(scratch) == ([], [])
