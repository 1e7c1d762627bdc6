"""What an attacker (or an unlucky user) can send, against a real server: every read and write
stays under the root, bad input is a 4xx that repeats nothing that was sent and shows no server
path, nothing blocks the event loop, and files come out with the user's umask."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import stat
import sys
import threading
import time
from pathlib import Path

import pytest
import tornado

from helpers.kernels import running_kernel
from helpers.notebooks import code, md, notebook
from helpers.rest import never_shows, post, refused

NB = notebook(md("# Load"), code("x = 1\nprint(x)", 1), md("# Double"), code("y = x * 2\nprint(y)", 2))


# ---------------------------------------------------------------- 1. writes stay under the root


async def test_export_through_a_symlinked_subfolder_writes_nothing_outside(jp_fetch, jp_root_dir, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (jp_root_dir / "nb.ipynb").write_text(json.dumps(NB))
    package = jp_root_dir / "pkg"
    package.mkdir()
    (package / "src").symlink_to(outside, target_is_directory=True)
    message = await refused(jp_fetch, "export", 403, {"path": "nb.ipynb", "name": "pkg", "write": True})
    never_shows(message, str(outside))
    assert list(outside.iterdir()) == []


async def test_export_copies_no_module_of_the_notebook_linked_out_of_the_root(jp_fetch, jp_root_dir, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "helpers.py"
    outside.write_text("SECRET = 'outside the root'\n")
    (jp_root_dir / "helpers.py").symlink_to(outside)
    (jp_root_dir / "tools.py").write_text("def double(x):\n    return 2 * x\n")
    cells = [code("import helpers\nfrom tools import double", 1), md("# Use"), code("print(double(2))", 2)]
    reply = await post(jp_fetch, "export", {"path": "nb.ipynb", "notebook": notebook(*cells), "name": "pkg"})
    files = {f["path"]: f["text"] for f in reply["files"]}
    assert "src/pkg/tools.py" in files and "src/pkg/helpers.py" not in files
    assert not any("outside the root" in text for text in files.values())


async def test_freeze_into_a_requirements_file_linked_out_of_the_root_is_refused(
    jp_fetch, jp_root_dir, tmp_path_factory
):
    outside = tmp_path_factory.mktemp("outside") / "requirements.txt"
    outside.write_text("keep==1\n")
    (jp_root_dir / "nb.ipynb").write_text(json.dumps(notebook(code("import tornado", 1))))
    (jp_root_dir / "requirements.txt").symlink_to(outside)
    await refused(jp_fetch, "freeze", 403, {"path": "nb.ipynb", "target": "requirements", "write": True})
    assert outside.read_text() == "keep==1\n"


# ---------------------------------------------------------------- 3. bad input is a 4xx, never a 500


async def test_a_folder_a_binary_file_and_a_nul_byte_are_4xx(jp_fetch, jp_root_dir):
    (jp_root_dir / "folder.ipynb").mkdir()
    (jp_root_dir / "latin1.ipynb").write_bytes('{"cells": ["caf\xe9"]}'.encode("latin-1"))
    for route in ("check", "freeze", "extract", "export", "fix"):
        body = {"path": "folder.ipynb"} | ({"cell_indices": [0]} if route == "extract" else {})
        never_shows(await refused(jp_fetch, route, 400, body), "folder.ipynb")
        body["path"] = "latin1.ipynb"
        message = await refused(jp_fetch, route, 400, body)
        assert "not UTF-8" in message
        never_shows(message, "latin1.ipynb", str(jp_root_dir))
        body["path"] = "a\x00b.ipynb"
        await refused(jp_fetch, route, 403, body)


async def test_an_export_destination_that_is_a_file_is_a_400(jp_fetch, jp_root_dir):
    (jp_root_dir / "nb.ipynb").write_text(json.dumps(NB))
    (jp_root_dir / "taken").write_text("mine")
    message = await refused(jp_fetch, "export", 400, {"path": "nb.ipynb", "out": "taken", "write": True})
    assert "not a folder" in message
    never_shows(message, "taken")
    assert (jp_root_dir / "taken").read_text() == "mine"


@pytest.mark.parametrize("module", ["../outside/x", "a\x00b", "x.py", "con:sole", "Outside"])
async def test_extract_refuses_a_module_name_before_reading_anything(jp_fetch, jp_root_dir, module):
    (jp_root_dir / "nb.ipynb").write_text(json.dumps(NB))
    message = await refused(jp_fetch, "extract", 400, {"path": "nb.ipynb", "cell_indices": [3], "module": module})
    never_shows(message, module)


async def test_extract_never_opens_a_fifo_or_follows_a_module_link_out_of_the_root(
    jp_fetch, jp_root_dir, tmp_path_factory
):
    (jp_root_dir / "nb.ipynb").write_text(json.dumps(NB))
    os.mkfifo(jp_root_dir / "piped.py")
    started = time.monotonic()
    message = await refused(jp_fetch, "extract", 400, {"path": "nb.ipynb", "cell_indices": [3], "module": "piped"})
    assert time.monotonic() - started < 10 and "not a regular file" in message
    outside = tmp_path_factory.mktemp("outside") / "secret.py"
    outside.write_text("TOKEN = 'abc'\n")
    (jp_root_dir / "linked.py").symlink_to(outside)
    await refused(jp_fetch, "extract", 403, {"path": "nb.ipynb", "cell_indices": [3], "module": "linked"})


# ---------------------------------------------------------------- 5. limits, and the event loop stays free


@pytest.mark.parametrize(
    "jp_server_config",
    [
        {
            "ServerApp": {"jpserver_extensions": {"jupyterlab_readiness": True}},
            "Readiness": {"validate_replies": True, "max_body_bytes": 20_000, "max_cells": 50},
        }
    ],
)
async def test_limits_are_413s(jp_fetch):
    big = notebook(code("x = '" + "a" * 30_000 + "'"))
    message = await refused(jp_fetch, "check", 413, {"path": "a.ipynb", "notebook": big})
    assert "max_body_bytes" in message
    many = notebook(*[code(f"x{i} = {i}") for i in range(60)])
    message = await refused(jp_fetch, "check", 413, {"path": "a.ipynb", "notebook": many})
    assert "max_cells" in message


async def test_the_server_answers_other_requests_while_a_large_notebook_is_checked(jp_fetch):
    cells = [code("\n".join(f"v{i}_{j} = {i} + {j}" for j in range(30)), i + 1) for i in range(3000)]
    body = {"path": "big.ipynb", "notebook": notebook(*cells)}
    check = asyncio.ensure_future(post(jp_fetch, "check", body))
    await asyncio.sleep(0.05)
    latencies = []
    while not check.done():
        started = time.perf_counter()
        await jp_fetch("api", "status")
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(0.02)
    reply = await check
    assert reply["error"] is None and len(latencies) >= 3
    assert sorted(latencies)[len(latencies) // 2] < 0.1, latencies  # the median status call


# As a user's server runs: without the debug mode's validation of every reply (tens of ms on the
# event loop for a megabyte reply, which only the tests pay).
AS_DEPLOYED = pytest.mark.parametrize(
    "jp_server_config",
    [{"ServerApp": {"jpserver_extensions": {"jupyterlab_readiness": True}}, "Readiness": {"probe_timeout": 1.0}}],
)


async def _waits_during(jp_fetch, work):
    """How long a status request made at any moment waits while the coroutine ``work`` runs: the
    call, and the event loop's lateness. What ``work`` returned, and the waits. (The client shares
    the server's event loop: ``work`` should neither encode nor decode large bodies, so that the
    client's work is not counted as the server's.)"""
    # What the server's start leaves to finish once it runs is done before the waits are measured,
    # as a deployed server has done before its first request: a callback on the event loop (one
    # last full collection, then freezing what the start made: app.py) and the thread that starts
    # the worker processes (its fork server is a fork of this process). Here this process is the
    # whole suite's, 1-2 GB: that collection (0.4 s) and that fork (0.1-0.2 s) each fell inside
    # the waits once, after 2,600 tests.
    await jp_fetch("api", "status")
    while any(t.name == "readiness-workers-start" for t in threading.enumerate()):
        await asyncio.sleep(0.05)
    answer = asyncio.ensure_future(work)
    waits = []
    while not answer.done():
        started = time.perf_counter()
        await asyncio.sleep(0.02)
        await jp_fetch("api", "status")
        waits.append(time.perf_counter() - started - 0.02)
    result = await answer
    assert len(waits) >= 3
    return result, waits


async def _waits_while(jp_fetch, route, body):
    """The reply to ``route`` asked ``body``, and the status waits while it was made."""
    text = json.dumps(body)
    answer, waits = await _waits_during(
        jp_fetch, jp_fetch("readiness", route, method="POST", body=text, request_timeout=300)
    )
    return json.loads(answer.body), waits


@AS_DEPLOYED
async def test_the_server_answers_other_requests_while_a_large_export_is_planned(jp_fetch):
    # The export benchmark's notebook: 1,000 cells of 30 lines. Compiling its package's steps.py is
    # one call that would hold the interpreter's lock for most of a second if the server made it.
    benchmarks = str(Path(__file__).resolve().parents[2] / "benchmarks")
    if benchmarks not in sys.path:
        sys.path.insert(0, benchmarks)
    from generate import exportable_notebook  # benchmarks/ is not a package

    body = {"path": "big.ipynb", "notebook": exportable_notebook(1000, lines=30), "name": "big"}
    reply, waits = await _waits_while(jp_fetch, "export", body)
    assert reply["refused"] is None
    # Made in the server's process, the compilation alone kept every request waiting 0.7-0.9 s here.
    assert max(waits) < 0.1, sorted(waits)[-5:]


@AS_DEPLOYED
@pytest.mark.parametrize("route", ["freeze", "fix", "check"])
async def test_no_route_reads_every_cell_on_the_event_loop(jp_fetch, jp_serverapp, route):
    # Cells no request has seen (their facts are not cached): what a route asks the environment or
    # the kernel about comes from every cell's facts, a parse of each.
    cells = [
        code(f"import json as j{i}\n" + "\n".join(f"{route}_{i}_{k} = {i} * {k}" for k in range(30)))
        for i in range(3000)
    ]
    body = {"path": "big.ipynb", "notebook": notebook(*cells), "write": False}
    if route == "check":  # with the notebook's kernel: the probe is asked about its imports
        async with running_kernel(jp_fetch, jp_serverapp) as kernel:
            body = {"path": "big.ipynb", "notebook": notebook(*cells), "kernel_id": kernel.id}
            reply, waits = await _waits_while(jp_fetch, route, body)
        assert reply["kernel"]["status"] == "ok", reply["kernel"]
    else:
        _, waits = await _waits_while(jp_fetch, route, body)
    # Parsed on the event loop, the cells kept every request waiting about a second here.
    assert max(waits) < 0.1, sorted(waits)[-5:]


@AS_DEPLOYED
@pytest.mark.parametrize("route", ["fix", "check"])
async def test_the_fixes_of_a_large_notebook_never_stall_the_server(jp_fetch, route):
    # A clock read on top: its fix looks for the parameters cell through every cell's tree, and the
    # trees of the whole notebook are kept for the run, a million objects.
    cells = [code("import datetime\nstarted = datetime.datetime.now()", 1)] + [
        code(f"import json as j{i}\n" + "\n".join(f"{route}_{i}_{k} = {i} * {k}" for k in range(30)), i + 2)
        for i in range(3000)
    ]
    reply, waits = await _waits_while(jp_fetch, route, {"path": "big.ipynb", "notebook": notebook(*cells)})
    findings = reply["findings"] if route == "check" else reply["report"]["findings"]
    assert any(f["check"] == "wall-clock" and f["fixes"] for f in findings)
    # The garbage collector walked those trees again and again, each time holding the interpreter's
    # lock: requests waited 0.7-4 s here.
    assert max(waits) < 0.1, sorted(waits)[-5:]


@AS_DEPLOYED
async def test_starting_a_rehearsal_with_many_parameters_never_stalls_the_server(jp_fetch, jp_root_dir):
    (jp_root_dir / "nb.ipynb").write_text(json.dumps(notebook(code("x = 1", 1))))
    value = "[" + ", ".join(str(k) for k in range(1800)) + "]"  # under the 10,000 characters of a value
    body = {"path": "nb.ipynb", "parameters": {f"p{i}": value for i in range(200)}, "runs": 1}
    job, waits = await _waits_while(jp_fetch, "rehearse", body)
    await jp_fetch("readiness", "rehearse", job["job_id"], method="DELETE")
    while job["state"] != "finished":  # its kernel stopped and its folder removed before the server goes
        await asyncio.sleep(0.1)
        job = json.loads((await jp_fetch("readiness", "rehearse", job["job_id"])).body)
    # Read as literals on the event loop, the values kept every request waiting 1.6-3 s here; the
    # first look at the kernelspecs (which imports IPython) ~0.15 s until the server made it at start;
    # their JSON made in a thread, in one call to the codec, 0.19 s (after 2,600 tests).
    assert max(waits) < 0.1, sorted(waits)[-5:]


@AS_DEPLOYED
async def test_a_rehearsal_given_many_parameters_runs_to_its_reply_without_stalling_the_server(jp_fetch, jp_root_dir):
    (jp_root_dir / "nb.ipynb").write_text(json.dumps(notebook(code("x = 1", 1))))
    value = "[" + ", ".join(str(k) for k in range(1800)) + "]"
    text = json.dumps({"path": "nb.ipynb", "parameters": {f"p{i}": value for i in range(200)}, "runs": 1})

    async def rehearse() -> bytes:
        job = json.loads((await jp_fetch("readiness", "rehearse", method="POST", body=text)).body)
        while True:  # the reply's 2 MB are read as bytes here, decoded once the waits are over
            body = (await jp_fetch("readiness", "rehearse", job["job_id"], params={"since": "1000000"})).body
            if b'"state": "finished"' in body:
                return body
            await asyncio.sleep(0.1)

    body, waits = await _waits_during(jp_fetch, rehearse())
    reply = json.loads(body)["reply"]
    assert reply["status"] == "passed", reply["error"]
    assert reply["record"]["parameters"]["p199"] == list(range(1800))
    # Made in threads of the server's process (the cell that sets the values, their JSON, the text
    # the record's key hashes, the record, the reply: work in proportion to their size), it kept
    # status requests waiting 0.12-0.24 s at a time for about a second.
    assert max(waits) < 0.1, sorted(waits)[-5:]


async def test_what_the_server_made_while_starting_is_left_out_of_full_collections(jp_fetch):
    # A full pass of the garbage collector over a JupyterLab server's heap held every request for
    # 0.1-0.2 s (bench_status.py): the start's objects are frozen once the event loop runs.
    await jp_fetch("api", "status")
    assert gc.get_freeze_count() > 10_000


@pytest.fixture
def made_before_the_server():
    return [[] for _ in range(3)]  # tracked objects, alive as the server starts (jp_fetch is asked for after)


async def test_each_server_freezes_what_lives_as_it_starts(made_before_the_server, jp_fetch):
    # In this process servers came and went before (the suite): what a later one froze nothing of
    # was the suite's heap, walked by every full pass (one /api/status wait of 103 ms, once).
    await jp_fetch("api", "status")
    assert gc.get_freeze_count() > 10_000
    young_or_old = gc.get_objects()  # every generation, not the frozen objects
    assert not any(made is thing for thing in young_or_old for made in made_before_the_server)


# ---------------------------------------------------------------- 6. nothing above the root is read


async def test_configuration_and_pins_above_the_root_are_never_read(jp_fetch, jp_root_dir):
    above = jp_root_dir.parent
    (above / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.jupyter-readiness]\ndisable = [\n')
    (above / "requirements.txt").write_text("tornado==0.0.1\n")
    try:
        (jp_root_dir / "nb.ipynb").write_text(json.dumps(notebook(code("import tornado", 1))))
        reply = await post(jp_fetch, "check", {"path": "nb.ipynb"})
        assert reply["error"] is None
        assert [f["check"] for f in reply["findings"]].count("unpinned-import") == 1  # the pin above is not seen
        freeze = await post(jp_fetch, "freeze", {"path": "nb.ipynb", "target": "auto", "write": False})
        assert freeze["file"] == "requirements.txt"  # not the pyproject.toml above the root
    finally:
        (above / "pyproject.toml").unlink()
        (above / "requirements.txt").unlink()


# ---------------------------------------------------------------- 7, 8. nothing echoed, % shown once


@pytest.mark.parametrize(
    ("route", "body", "secrets"),
    [
        ("check", {"path": "a.ipynb", "sneaky_field": 1}, ["sneaky_field"]),
        ("check", {"path": "a.ipynb", "notebook": NB, "disable": ["evil-<script>"]}, ["evil-<script>"]),
        ("check", {"path": "missing-<b>.ipynb"}, ["missing-<b>"]),
        ("check", {"path": "a.ipynb", "notebook": NB, "kernel_id": "k-<img>"}, ["k-<img>"]),
        ("export", {"path": "a.ipynb", "notebook": NB, "name": "Evil<Name>"}, ["Evil<Name>", "evil<name>"]),
        ("extract", {"path": "a.ipynb", "notebook": NB, "cell_indices": [3], "function": "print"}, ["print"]),
        ("extract", {"path": "a.ipynb", "notebook": NB, "cell_indices": [3], "module": "json"}, ["json"]),
        # What the routes that read the configuration or the contract are sent: check ids, cell ids
        ("export", {"path": "a.ipynb", "notebook": NB, "disable": ["evil-<x>"]}, ["evil-<x>"]),
        ("fix", {"path": "a.ipynb", "notebook": NB, "disable": ["evil-<x>"]}, ["evil-<x>"]),
        ("fix", {"path": "a.ipynb", "notebook": NB, "select": ["evil-<x>"]}, ["evil-<x>"]),
        ("waive", {"path": "a.ipynb", "notebook": NB, "check": "evil-<x>", "reason": "r<y>"}, ["evil-<x>", "r<y>"]),
        (
            "waive",
            {"path": "a.ipynb", "notebook": NB, "check": "wall-clock", "cell_id": "c<x>", "reason": "r"},
            ["c<x>"],
        ),
        ("waive", {"path": "a.ipynb", "notebook": NB, "check": "wall-clock", "reason": "r<y>"}, ["wall-clock", "r<y>"]),
    ],
)
async def test_errors_never_echo_what_was_sent(jp_fetch, route, body, secrets):
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await jp_fetch("readiness", route, method="POST", body=json.dumps(body))
    assert 400 <= info.value.code < 500
    never_shows(json.loads(info.value.response.body)["message"], *secrets)


async def test_a_configuration_error_names_the_files_key_never_what_was_sent(jp_fetch, jp_root_dir):
    # The file's own key is shown (the user fixes the file from it, and can read it anyway): it is
    # not request input. What the request sent never is, nor a server path.
    (jp_root_dir / "pyproject.toml").write_text('[tool.jupyter-readiness]\ndisabled = ["wall-clock"]\n')
    (jp_root_dir / "a.ipynb").write_text(json.dumps(NB))
    problem = "configuration error: pyproject.toml: unknown key(s) in [tool.jupyter-readiness]: disabled"
    reply = await post(jp_fetch, "check", {"path": "a.ipynb", "notebook": NB, "disable": ["print-logging"]})
    assert reply["error"].startswith(problem) and "print-logging" not in reply["error"]
    never_shows(reply["error"], str(jp_root_dir))
    for route, body in (
        ("export", {"path": "a.ipynb", "disable": ["print-logging"]}),
        ("fix", {"path": "a.ipynb", "disable": ["print-logging"]}),
        ("waive", {"path": "a.ipynb", "check": "print-logging", "reason": "r<y>"}),
    ):
        message = await refused(jp_fetch, route, 400, body)
        assert problem in message, route
        never_shows(message, "print-logging", "r<y>", str(jp_root_dir))


async def test_a_percent_sign_in_a_message_is_shown_once(jp_fetch):
    magic = notebook(code("%time y = 1", 1))
    message = await refused(jp_fetch, "extract", 400, {"path": "a.ipynb", "notebook": magic, "cell_indices": [0]})
    assert "`%time y = 1`" in message and "%%" not in message


# ---------------------------------------------------------------- 9. the user's umask


async def test_new_files_get_the_mode_the_umask_gives(jp_fetch, jp_root_dir):
    (jp_root_dir / "nb.ipynb").write_text(json.dumps(NB))
    reply = await post(jp_fetch, "export", {"path": "nb.ipynb", "name": "nb_pkg", "write": True})
    assert reply["written"]
    umask = os.umask(0o022)
    os.umask(umask)
    for written in (jp_root_dir / "nb_pkg" / "pyproject.toml", jp_root_dir / "nb_pkg" / "src" / "nb_pkg" / "steps.py"):
        assert stat.S_IMODE(written.stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE((jp_root_dir / "nb_pkg" / "src").stat().st_mode) == 0o777 & ~umask


# ---------------------------------------------------------------- cookies, XSRF and origins


async def cookie_session(jp_serverapp, http_server_client, jp_base_url) -> tuple[str, str]:
    """(the Cookie header of a session logged in with the token, its XSRF token)."""
    token = jp_serverapp.identity_provider.token
    login = await http_server_client.fetch(
        f"{jp_base_url}tree?token={token}", follow_redirects=False, raise_error=False
    )
    cookies = "; ".join(c.split(";")[0] for c in login.headers.get_list("Set-Cookie"))
    assert "_xsrf=" in cookies, "the token login sets a session cookie and an XSRF cookie"
    return cookies, next(c.split("=", 1)[1] for c in cookies.split("; ") if c.startswith("_xsrf="))


async def test_a_cookie_authenticated_post_needs_the_xsrf_token(jp_serverapp, http_server_client, jp_base_url):
    cookies, xsrf = await cookie_session(jp_serverapp, http_server_client, jp_base_url)
    url, body = f"{jp_base_url}readiness/check", json.dumps({"path": "a.ipynb", "notebook": NB})
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await http_server_client.fetch(url, method="POST", body=body, headers={"Cookie": cookies})
    assert info.value.code == 403
    done = await http_server_client.fetch(
        url, method="POST", body=body, headers={"Cookie": cookies, "X-XSRFToken": xsrf}
    )
    assert done.code == 200


async def test_a_foreign_origin_is_refused(jp_serverapp, http_server_client, jp_base_url):
    """A page on another site riding the user's session cookie (a token in a header is proof
    enough on its own, so jupyter-server checks origins for cookie sessions)."""
    cookies, xsrf = await cookie_session(jp_serverapp, http_server_client, jp_base_url)
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await http_server_client.fetch(
            f"{jp_base_url}readiness/check",
            method="POST",
            body=json.dumps({"path": "a.ipynb", "notebook": NB}),
            headers={"Cookie": cookies, "X-XSRFToken": xsrf, "Origin": "https://evil.example"},
        )
    assert info.value.code in (403, 404)
