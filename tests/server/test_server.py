"""The REST API in a real jupyter-server with a real ipykernel (pytest-jupyter's jp_fetch)."""

from __future__ import annotations

import asyncio
import json
import time

import jsonschema
import pytest
import tornado
from jupyter_server.auth.authorizer import Authorizer

from helpers.kernels import ARCHIVE_PIN, GIT_PIN, direct_url_site, kernel_only_site, running_kernel
from helpers.notebooks import code, md, notebook
from jupyterlab_readiness.checks.registry import BY_ID
from jupyterlab_readiness.contract.schema import CATALOGUE, CHECK_REPLY, EXTRACT_REPLY, FREEZE_REPLY, SCHEMA_FILE
from jupyterlab_readiness.files import Root

# ---------------------------------------------------------------- fixtures


async def post_check(jp_fetch, body, **kwargs):
    response = await jp_fetch("readiness", "check", method="POST", body=json.dumps(body), **kwargs)
    reply = json.loads(response.body)
    CHECK_REPLY.validate_python(reply)  # every reply is validated against the contract
    return reply


async def expect_error(jp_fetch, status, body):
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await jp_fetch("readiness", "check", method="POST", body=body if isinstance(body, str) else json.dumps(body))
    assert info.value.code == status
    return json.loads(info.value.response.body)


# ---------------------------------------------------------------- catalogue


async def test_catalogue_lists_every_check(jp_fetch):
    response = await jp_fetch("readiness", "checks")
    CATALOGUE.validate_json(response.body)
    checks = json.loads(response.body)["checks"]
    assert [c["id"] for c in checks] == list(BY_ID)
    live = {c["id"] for c in checks if c["live"]}
    assert live == {"edited-since-run", "kernel-only-state"}
    hidden = next(c for c in checks if c["id"] == "hidden-state")
    assert hidden == {
        **hidden,
        "category": "hidden_state",
        "checklist": "reproducible-execution",
        "severity": "error",
        "enabled": True,
    }
    assert hidden["rationale"]


@pytest.mark.parametrize(
    "jp_server_config",
    [
        {
            "ServerApp": {"jpserver_extensions": {"jupyterlab_readiness": True}},
            "Readiness": {
                "disabled_checks": ["print-logging"],
                "severity_overrides": {"wall-clock": "error"},
                "validate_replies": True,
            },
        }
    ],
)
async def test_server_settings_apply_to_catalogue_and_reports(jp_fetch, jp_root_dir):
    checks = {c["id"]: c for c in json.loads((await jp_fetch("readiness", "checks")).body)["checks"]}
    assert checks["print-logging"]["enabled"] is False and checks["wall-clock"]["severity"] == "error"
    nb = notebook(code("import datetime\nprint(datetime.datetime.now())", 1))
    reply = await post_check(jp_fetch, {"path": "x.ipynb", "notebook": nb})
    assert [
        (f["check"], f["severity"]) for f in reply["findings"] if f["check"] in ("wall-clock", "print-logging")
    ] == [("wall-clock", "error")]


# ---------------------------------------------------------------- static checks over REST


async def test_check_reads_the_file_through_the_contents_manager(jp_fetch, jp_root_dir):
    (jp_root_dir / "sub").mkdir()
    (jp_root_dir / "sub" / "nb.ipynb").write_text(
        json.dumps(notebook(md("# t"), code("y = x + 1", 1), code("x = 1", 2)))
    )
    reply = await post_check(jp_fetch, {"path": "sub/nb.ipynb"})
    assert reply["path"] == "sub/nb.ipynb" and reply["error"] is None
    assert ("hidden-state", 1, 1) in {(f["check"], f["cell_index"], f["line"]) for f in reply["findings"]}
    assert reply["kernel"]["status"] == "none"


async def test_the_live_model_wins_over_the_file_and_pyproject_applies(jp_fetch, jp_root_dir):
    (jp_root_dir / "pyproject.toml").write_text('[tool.jupyter-readiness]\ndisable = ["hidden-state"]\n')
    (jp_root_dir / "nb.ipynb").write_text(
        json.dumps(notebook(code("import datetime\nnow = datetime.datetime.now()", 1)))
    )
    unsaved = notebook(code("y = undefined_name", 1), code("import random\nrandom.random()", 2))
    reply = await post_check(jp_fetch, {"path": "nb.ipynb", "notebook": unsaved})
    checks = {f["check"] for f in reply["findings"]}
    assert "unseeded-random" in checks and "wall-clock" not in checks and "hidden-state" not in checks


async def test_check_adds_the_remembered_rehearsal_while_the_code_is_the_same(jp_fetch, jp_root_dir):
    from jupyterlab_readiness.actions.rehearse.baseline import write_record
    from jupyterlab_readiness.contract.baseline import RehearsalRecord
    from jupyterlab_readiness.contract.report import Finding
    from jupyterlab_readiness.notebook.fingerprint import code_fingerprint
    from jupyterlab_readiness.notebook.model import notebook_from_json

    nb = notebook(code("open('log.csv', 'a').write('x')", 1))
    (jp_root_dir / "nb.ipynb").write_text(json.dumps(nb))
    finding = Finding("non-idempotent-write", "error", 0, None, None, "`log.csv` grew", "Write it whole")
    record = RehearsalRecord(
        code_fingerprint(notebook_from_json(nb)),
        "nb.ipynb",
        "2026-01-01T00:00:00Z",
        "python3",
        {},
        2,
        False,
        False,
        4.0,
        [0],
        [finding],
        [],
        [],
    )
    write_record(jp_root_dir / "nb.ipynb", record, Root(None))
    reply = await post_check(jp_fetch, {"path": "nb.ipynb"})
    assert ("non-idempotent-write", 0) in {(f["check"], f["cell_index"]) for f in reply["findings"]}
    edited = notebook(code("open('log.csv', 'w').write('x')", 1))
    reply = await post_check(jp_fetch, {"path": "nb.ipynb", "notebook": edited})
    assert "non-idempotent-write" not in {f["check"] for f in reply["findings"]}


async def test_a_corrupt_notebook_is_a_report_with_an_error(jp_fetch, jp_root_dir):
    (jp_root_dir / "bad.ipynb").write_text("{ not json")
    reply = await post_check(jp_fetch, {"path": "bad.ipynb"})
    assert reply["error"] and "invalid JSON" in reply["error"] and reply["findings"] == [] and reply["score"] == 0
    reply = await post_check(jp_fetch, {"path": "x.ipynb", "notebook": {"nbformat": 9, "cells": []}})
    assert "unsupported nbformat 9" in reply["error"]


async def test_a_cell_source_of_the_wrong_type_is_a_corrupt_notebook_never_an_empty_cell(jp_fetch, jp_root_dir):
    secret = "sk-live-0123456789abcdef"
    nb = notebook(md("# t"), code("x = 1", 1))
    nb["cells"][1]["source"] = ["x = 1\n", {"token": secret}]
    (jp_root_dir / "bad.ipynb").write_text(json.dumps(nb))
    expected = "not a notebook: cell 2's 'source' is a list holding an object (item 2), not only strings"
    # The check answers like any corrupt notebook: a report with its error (a file, or the live model).
    for body in ({"path": "bad.ipynb"}, {"path": "x.ipynb", "notebook": nb}):
        reply = await post_check(jp_fetch, body)
        assert reply["error"] == expected and reply["findings"] == [] and reply["score"] == 0
    # An action is a 400 with the reason, never the content.
    error = await expect_error_at(jp_fetch, "extract", 400, {"path": "bad.ipynb", "cell_indices": [1]})
    assert error["message"] == f"cannot read the notebook: {expected}" and secret not in error["message"]


async def test_a_pyproject_that_is_not_toml_is_a_configuration_error_named_from_the_root(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    (jp_root_dir / "work" / "pyproject.toml").write_text('[project]\nname = "x"\nversion = = 1\n')
    nb = notebook(code("import datetime\nprint(datetime.datetime.now())", 1))
    (jp_root_dir / "work" / "nb.ipynb").write_text(json.dumps(nb))
    reply = await post_check(jp_fetch, {"path": "work/nb.ipynb"})
    where = "work/pyproject.toml:3: not valid TOML: Invalid value (column 11)"
    assert reply["error"] == f"configuration error: {where}" and reply["findings"] == []
    assert str(jp_root_dir) not in json.dumps(reply)
    error = await expect_error_at(jp_fetch, "export", 400, {"path": "work/nb.ipynb"})
    assert error["message"] == f"configuration error: {where}"


async def test_checks_the_user_turned_off_are_not_run(jp_fetch):
    nb = notebook(code("import datetime\nprint(datetime.datetime.now())", 1))
    reply = await post_check(jp_fetch, {"path": "x.ipynb", "notebook": nb, "disable": ["wall-clock"]})
    assert "wall-clock" not in {f["check"] for f in reply["findings"]}
    item = next(i for i in reply["checklist"] if i["id"] == "deterministic-inputs")
    assert item["status"] == "pass"
    error = await expect_error(jp_fetch, 400, {"path": "x.ipynb", "notebook": nb, "disable": ["no-such-check"]})
    assert "unknown check id" in error["message"] and "no-such-check" not in error["message"]  # never echoed


# ---------------------------------------------------------------- bad requests and security


@pytest.mark.parametrize(
    "body",
    [
        "not json at all",
        "[]",
        json.dumps({"kernel_id": None}),
        json.dumps({"path": "", "notebook": None}),
        json.dumps({"path": "a.ipynb", "extra": 1}),
        json.dumps({"path": "a.ipynb", "notebook": "a string"}),
    ],
)
async def test_a_malformed_body_is_a_400_with_a_json_message(jp_fetch, body):
    error = await expect_error(jp_fetch, 400, body)
    assert error["message"].startswith("invalid request body")


async def test_a_bad_body_is_never_echoed(jp_fetch):
    secret = "sk-proj-THISISASECRETVALUE1234567890"
    error = await expect_error(jp_fetch, 400, {"path": ["not", "a", "string", secret]})
    assert secret not in json.dumps(error)


@pytest.mark.parametrize(
    "path", ["../../etc/passwd", "/etc/passwd", "sub/../../outside.ipynb", "..\\..\\x.ipynb", "C:/Windows/x.ipynb"]
)
async def test_paths_outside_the_root_are_refused(jp_fetch, path):
    error = await expect_error(jp_fetch, 403, {"path": path})
    assert "outside the server root" in error["message"]


async def test_a_symlink_out_of_the_root_is_refused_and_never_read(jp_fetch, jp_root_dir, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.ipynb"
    outside.write_text(json.dumps(notebook(code("password = 'hunter22'", 1))))
    (jp_root_dir / "link.ipynb").symlink_to(outside)
    error = await expect_error(jp_fetch, 403, {"path": "link.ipynb"})
    assert "hunter22" not in json.dumps(error)


async def test_a_missing_notebook_is_a_404(jp_fetch):
    error = await expect_error(jp_fetch, 404, {"path": "nope.ipynb"})
    assert error["message"] == "no such notebook"  # the path is not echoed


async def test_an_unknown_kernel_is_a_404(jp_fetch):
    error = await expect_error(
        jp_fetch, 404, {"path": "x.ipynb", "notebook": notebook(code("x = 1")), "kernel_id": "no-such-kernel"}
    )
    assert "no such kernel" in error["message"]


async def test_unauthenticated_requests_are_refused(jp_serverapp, http_server_client, jp_base_url):
    post = json.dumps({"path": "a.ipynb"})
    for method, url, body in (
        ("GET", "readiness/checks", None),
        *(("POST", f"readiness/{route}", post) for route in ("check", "freeze", "extract", "export", "fix")),
    ):
        with pytest.raises(tornado.httpclient.HTTPClientError) as info:
            await http_server_client.fetch(
                jp_base_url + url, method=method, body=body, headers={"Authorization": "token wrong"}
            )
        assert info.value.code in (401, 403)


class NoKernelsAuthorizer(Authorizer):
    """A real authorizer policy: everything but executing in kernels."""

    def is_authorized(self, handler, user, action, resource):
        return not (resource == "kernels" and action == "execute")


@pytest.mark.parametrize(
    "jp_server_config",
    [
        {
            "ServerApp": {
                "jpserver_extensions": {"jupyterlab_readiness": True},
                "authorizer_class": NoKernelsAuthorizer,
            },
            "Readiness": {"validate_replies": True},
        }
    ],
)
async def test_probing_a_kernel_needs_kernel_execute_permission(jp_fetch):
    reply = await post_check(jp_fetch, {"path": "a.ipynb", "notebook": notebook(code("x = 1", 1))})
    assert reply["kernel"]["status"] == "none"
    error = await expect_error(
        jp_fetch, 403, {"path": "a.ipynb", "notebook": notebook(code("x = 1", 1)), "kernel_id": "any"}
    )
    assert "kernels" in error["message"]


# ---------------------------------------------------------------- the live kernel


async def test_live_checks_against_a_real_kernel(jp_fetch, jp_serverapp):
    async with running_kernel(jp_fetch, jp_serverapp) as kernel:
        sources = [
            "import json as js",
            "data = js.loads('[1, 2]')",
            "total = sum(data)",
            "scratch = 42",
            "clean = [d * 2 for d in data]",
        ]
        counts = [await kernel.run(s) for s in sources]
        # the notebook as the user now sees it: cell 2 edited, the `scratch` and `clean` cells deleted
        cells = [
            code(sources[0], counts[0]),
            code("data = js.loads('[1, 2, 3]')", counts[1]),
            code(sources[2], counts[2]),
            code("print(clean)", None),
        ]
        before_names = await kernel.query("sorted(get_ipython().user_ns)")
        before_count = await kernel.query("get_ipython().execution_count")
        reply = await post_check(jp_fetch, {"path": "live.ipynb", "notebook": notebook(*cells), "kernel_id": kernel.id})
        assert reply["kernel"]["status"] == "ok" and reply["kernel"]["elapsed_ms"] < 2000
        found = {(f["check"], f["cell_index"]) for f in reply["findings"]}
        assert ("edited-since-run", 1) in found
        assert ("edited-since-run", 0) not in found and ("edited-since-run", 2) not in found
        (orphans,) = [f for f in reply["findings"] if f["check"] == "kernel-only-state"]
        assert (
            "`scratch`" in orphans["message"] and "`clean`" in orphans["message"] and "`data`" not in orphans["message"]
        )
        (hidden,) = [f for f in reply["findings"] if f["check"] == "hidden-state"]
        assert hidden["cell_index"] == 3 and "clean = [d * 2 for d in data]" in hidden["suggestion"]
        # the probe changed nothing in the kernel
        assert await kernel.query("sorted(get_ipython().user_ns)") == before_names
        assert await kernel.query("get_ipython().execution_count") == before_count


async def test_a_busy_kernel_is_answered_quickly_with_static_findings(jp_fetch, jp_serverapp):
    async with running_kernel(jp_fetch, jp_serverapp) as kernel:
        kernel.client.execute("import time; time.sleep(30)")
        for _ in range(100):  # until the server has seen the kernel go busy
            if kernel.manager.execution_state == "busy":
                break
            await asyncio.sleep(0.05)
        started = time.perf_counter()
        reply = await post_check(
            jp_fetch,
            {
                "path": "b.ipynb",
                "notebook": notebook(code("import datetime\nt = datetime.datetime.now()", 1)),
                "kernel_id": kernel.id,
            },
        )
        assert time.perf_counter() - started < 2.0
        assert reply["kernel"]["status"] == "busy"
        assert "wall-clock" in {f["check"] for f in reply["findings"]}
        await jp_serverapp.kernel_manager.interrupt_kernel(kernel.id)


def many_distributions(tmp_path_factory, count=2000):
    """A folder of ``count`` installed distributions: a kernel with it on sys.path takes half a
    second or more to map import names to distributions (as a big environment does)."""
    site = tmp_path_factory.mktemp("many-distributions")
    for i in range(count):
        info = site / f"readiness_filler_{i}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: readiness-filler-{i}\nVersion: 1.0\n")
        (info / "top_level.txt").write_text(f"readiness_filler_{i}\n")
    return site


async def _while_busy(kernel, first):
    """Start ``first`` (a coroutine) and return its task once our own request keeps the kernel
    busy: its probe has answered and its distributions request is scanning."""
    task = asyncio.ensure_future(first)
    for _ in range(400):
        if kernel.manager.execution_state == "busy":
            break
        await asyncio.sleep(0.005)
    await asyncio.sleep(0.15)
    assert not task.done() and kernel.manager.execution_state == "busy"
    return task


async def test_concurrent_probes_of_one_kernel_do_not_report_each_other_busy(jp_fetch, jp_serverapp, tmp_path_factory):
    """Two tabs on one kernel. The server's own requests make the kernel "busy" while they run:
    they must queue behind each other or share one answer, never read each other as a running
    cell (each phase asks about a module no request has resolved yet, so the kernel scans)."""
    inspector = jp_serverapp.web_app.settings["readiness_service"].inspector
    site = many_distributions(tmp_path_factory)
    async with running_kernel(jp_fetch, jp_serverapp) as kernel:
        await kernel.run(f"import sys\nsys.path.insert(0, {str(site)!r})")
        # the same notebook in two tabs, and another notebook on the same kernel
        first = await _while_busy(kernel, inspector.inspect(kernel.id, ["jupyter_client"]))
        results = await asyncio.gather(
            first, inspector.inspect(kernel.id, ["jupyter_client"]), inspector.inspect(kernel.id, ["pytest"])
        )
        assert [info.status for info, _ in results] == ["ok", "ok", "ok"]
        assert results[0][1].distributions["jupyter_client"] and results[1][1].distributions["jupyter_client"]
        assert results[2][1].distributions["pytest"]
        # a freeze while a check runs, and the other way round
        first = await _while_busy(kernel, inspector.inspect(kernel.id, ["tornado"]))
        environment = await inspector.environment(kernel.id, ["pydantic"], [], False)
        assert (await first)[0].status == "ok"
        assert environment is not None and environment["modules"]["pydantic"]
        first = await _while_busy(kernel, inspector.environment(kernel.id, ["nbformat"], [], True))
        info, state = await inspector.inspect(kernel.id, ["tornado"])
        assert info.status == "ok" and state.distributions["tornado"] and (await first)["closure"]
        # and through REST: two checks of one notebook
        nb = notebook(code("import traitlets", 1))
        body = {"path": "c.ipynb", "notebook": nb, "kernel_id": kernel.id}
        first = await _while_busy(kernel, post_check(jp_fetch, body))
        replies = await asyncio.gather(first, post_check(jp_fetch, body))
        assert [r["kernel"]["status"] for r in replies] == ["ok", "ok"]


async def test_a_dead_kernel_gives_its_status_not_a_500(jp_fetch, jp_serverapp):
    async with running_kernel(jp_fetch, jp_serverapp) as kernel:
        await kernel.manager.shutdown_kernel(now=True)  # dead, but still registered with the server
        reply = await post_check(
            jp_fetch, {"path": "d.ipynb", "notebook": notebook(code("x = 1", 1)), "kernel_id": kernel.id}
        )
        assert reply["kernel"]["status"] in ("dead", "unavailable")
        assert reply["error"] is None


async def test_a_non_python_notebook_is_not_probed(jp_fetch, jp_serverapp):
    async with running_kernel(jp_fetch, jp_serverapp) as kernel:
        reply = await post_check(
            jp_fetch, {"path": "r.ipynb", "notebook": notebook(code("x <- 1", 1), language="R"), "kernel_id": kernel.id}
        )
        assert reply["kernel"]["status"] == "not-python"
        assert "non-python-kernel" in {f["check"] for f in reply["findings"]}


async def test_unpinned_import_is_resolved_in_the_kernels_environment(jp_fetch, jp_serverapp, tmp_path_factory):
    site = kernel_only_site(tmp_path_factory)
    async with running_kernel(jp_fetch, jp_serverapp) as kernel:
        count = await kernel.run(f"import sys\nsys.path.insert(0, {str(site)!r})\nimport kernel_only_mod")
        nb = notebook(code(f"import sys\nsys.path.insert(0, {str(site)!r})\nimport kernel_only_mod", count))
        reply = await post_check(jp_fetch, {"path": "k.ipynb", "notebook": nb, "kernel_id": kernel.id})
        assert reply["kernel"]["status"] == "ok"
        (finding,) = [f for f in reply["findings"] if f["check"] == "unpinned-import"]
        assert "readiness-kernel-only" in finding["message"] and "readiness-kernel-only==7.7.7" in finding["suggestion"]


# ---------------------------------------------------------------- freeze env


async def post_freeze(jp_fetch, body):
    response = await jp_fetch("readiness", "freeze", method="POST", body=json.dumps(body))
    FREEZE_REPLY.validate_json(response.body)
    return json.loads(response.body)


async def test_freeze_pins_what_the_kernel_has_installed(jp_fetch, jp_serverapp, jp_root_dir, tmp_path_factory):
    site = kernel_only_site(tmp_path_factory)
    source = f"import sys\nsys.path.insert(0, {str(site)!r})\nimport kernel_only_mod\nimport not_installed_anywhere"
    (jp_root_dir / "work").mkdir()
    (jp_root_dir / "work" / "requirements.txt").write_text("# pins\nreadiness-kernel-only>=7\n")
    async with running_kernel(jp_fetch, jp_serverapp) as kernel:
        await kernel.run(f"import sys\nsys.path.insert(0, {str(site)!r})")
        (jp_root_dir / "work" / "nb.ipynb").write_text(json.dumps(notebook(code(source, 1))))
        body = {"path": "work/nb.ipynb", "kernel_id": kernel.id, "lock": True, "write": False}
        preview = await post_freeze(jp_fetch, body)
        assert preview["file"] == "work/requirements.txt"
        assert preview["changed"] == ["readiness-kernel-only>=7 → readiness-kernel-only==7.7.7"]
        assert preview["unresolved"] == ["not_installed_anywhere"]
        assert preview["lock"]["file"] == "work/requirements-lock.txt"
        assert (
            "readiness-kernel-dep==1.2.3" in preview["lock"]["after"]
            and "notinstalled-extra" not in preview["lock"]["after"]
        )
        assert (
            jp_root_dir / "work" / "requirements.txt"
        ).read_text() == "# pins\nreadiness-kernel-only>=7\n"  # a preview writes nothing
        assert not (jp_root_dir / "work" / "requirements-lock.txt").exists()
        written = await post_freeze(jp_fetch, {**body, "write": True})
        assert (
            (jp_root_dir / "work" / "requirements.txt").read_text()
            == written["after"]
            == "# pins\nreadiness-kernel-only==7.7.7\n"
        )
        again = await post_freeze(jp_fetch, {**body, "write": True})
        assert again["added"] == [] and again["changed"] == [] and again["before"] == again["after"]
        # the re-check no longer reports the frozen import
        report = await post_check(jp_fetch, {"path": "work/nb.ipynb", "kernel_id": kernel.id})
        unpinned = [f["message"] for f in report["findings"] if f["check"] == "unpinned-import"]
        assert len(unpinned) == 1 and "not_installed_anywhere" in unpinned[0]


async def test_freeze_pins_what_the_kernel_installed_from_a_url_as_pip_freeze_does(
    jp_fetch, jp_serverapp, jp_root_dir, tmp_path_factory
):
    # installed where only the kernel sees it, from a repository, an archive and a folder: the
    # kernel reads their direct_url.json (the server's own environment has none of them)
    site = direct_url_site(tmp_path_factory.mktemp("url-site"))
    (jp_root_dir / "urls.ipynb").write_text(json.dumps(notebook(code("import from_git_mod, from_folder_mod", 1))))
    async with running_kernel(jp_fetch, jp_serverapp) as kernel:
        await kernel.run(f"import sys\nsys.path.insert(0, {str(site)!r})")
        body = {"path": "urls.ipynb", "kernel_id": kernel.id, "lock": True, "write": False, "target": "requirements"}
        reply = await post_freeze(jp_fetch, body)
    assert reply["added"] == [GIT_PIN] and reply["unresolved"] == []
    assert [w.split(":")[0] for w in reply["warnings"]] == ["readiness-from-folder 0.3"]
    lock = reply["lock"]["after"].splitlines()
    assert GIT_PIN in lock and ARCHIVE_PIN in lock  # what the git install requires, from its archive


async def test_freeze_refuses_bad_requests(jp_fetch, jp_root_dir):
    (jp_root_dir / "nb.ipynb").write_text(json.dumps(notebook(code("import yaml", 1))))
    for body, status in (
        ({"path": "../../etc/passwd"}, 403),
        ({"path": "nb.ipynb", "target": "setup.py"}, 400),
        ({"path": "nb.ipynb", "target": "pyproject"}, 400),
        ({"path": "missing.ipynb"}, 404),
        ({"path": "nb.ipynb", "kernel_id": "no-such-kernel"}, 404),
    ):
        with pytest.raises(tornado.httpclient.HTTPClientError) as info:
            await jp_fetch("readiness", "freeze", method="POST", body=json.dumps(body))
        assert info.value.code == status, body
    assert not (jp_root_dir / "requirements.txt").exists()


async def test_freeze_and_check_name_unreadable_pin_files_from_the_root(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    (jp_root_dir / "work" / "nb.ipynb").write_text(json.dumps(notebook(code("import yaml", 1))))
    (jp_root_dir / "work" / "pyproject.toml").write_text("[project\n")
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await jp_fetch("readiness", "freeze", method="POST", body=json.dumps({"path": "work/nb.ipynb"}))
    assert info.value.code == 400
    message = json.loads(info.value.response.body)["message"]
    assert message.startswith("work/pyproject.toml:1: not valid TOML: ") and str(jp_root_dir) not in message
    (jp_root_dir / "work" / "pyproject.toml").unlink()
    (jp_root_dir / "Pipfile.lock").write_text("{oops")
    reply = await post_freeze(jp_fetch, {"path": "work/nb.ipynb", "write": False})
    assert reply["warnings"] == [
        "pin file not read: Pipfile.lock:1: invalid JSON: Expecting property name enclosed in double quotes (column 2)"
    ]
    report = await post_check(jp_fetch, {"path": "work/nb.ipynb"})
    (unpinned,) = [f["message"] for f in report["findings"] if f["check"] == "unpinned-import"]
    assert "so its pins do not count: ../Pipfile.lock:1: invalid JSON" in unpinned and str(jp_root_dir) not in unpinned


# ---------------------------------------------------------------- extract to module


async def test_extract_previews_then_writes_the_module(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    nb = notebook(
        code("raw = [1, 2, 3]", 1),
        md("## Totals"),
        code("total = sum(raw)\ncount = len(raw)", 2),
        code("print(total / count)", 3),
    )
    body = {"path": "work/report.ipynb", "notebook": nb, "cell_indices": [2]}
    response = await jp_fetch("readiness", "extract", method="POST", body=json.dumps(body))
    preview = EXTRACT_REPLY.validate_json(response.body)
    assert (preview.module, preview.function, preview.module_file) == ("report", "totals", "work/report.py")
    assert preview.parameters == ["raw"] and preview.returns == ["total", "count"] and preview.written is False
    assert "".join(preview.replacement_cell["source"]) == "from report import totals\ntotal, count = totals(raw)"
    assert not (jp_root_dir / "work" / "report.py").exists()
    written = json.loads(
        (await jp_fetch("readiness", "extract", method="POST", body=json.dumps({**body, "write": True}))).body
    )
    assert written["written"] is True and (jp_root_dir / "work" / "report.py").read_text() == written["module_text"]


async def test_extract_of_definitions_moves_them_and_the_reply_follows_the_committed_schema(jp_fetch, jp_root_dir):
    nb = notebook(
        code("import math", 1),
        code("RADIUS = 2\n\n\ndef area(r=RADIUS):\n    return math.pi * r**2", 2),
        code("print(area())", 3),
    )
    body = {"path": "shapes.ipynb", "notebook": nb, "cell_indices": [1]}
    response = await jp_fetch("readiness", "extract", method="POST", body=json.dumps(body))
    reply = json.loads(response.body)
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.validate(reply, {"$ref": "#/$defs/ExtractReply", "$defs": schema["$defs"]})
    assert (reply["definitions"], reply["function"], reply["parameters"], reply["returns"]) == (
        ["RADIUS", "area"],
        "",
        [],
        [],
    )
    assert "".join(reply["replacement_cell"]["source"]) == "from shapes import RADIUS, area"
    moved = "RADIUS = 2\n\n\ndef area(r=RADIUS):\n    return math.pi * r**2\n"
    assert reply["module_text"].endswith(f"\nimport math\n\n{moved}")


async def test_extract_refusals_are_400s_and_paths_are_confined(jp_fetch):
    nb = notebook(code("x = undefined_above + 1", 1), code("print(x)", 2))
    error = await expect_error_at(jp_fetch, "extract", 400, {"path": "a.ipynb", "notebook": nb, "cell_indices": [0]})
    assert "undefined_above" in error["message"]
    error = await expect_error_at(jp_fetch, "extract", 403, {"path": "../x.ipynb", "notebook": nb, "cell_indices": [0]})
    assert "outside the server root" in error["message"]


async def expect_error_at(jp_fetch, route, status, body):
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await jp_fetch("readiness", route, method="POST", body=json.dumps(body))
    assert info.value.code == status
    return json.loads(info.value.response.body)
