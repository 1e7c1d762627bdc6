"""The handoff contract over REST, in a real jupyter-server: the verdict in ``POST /readiness/check``
(the same as the CLI's, whatever the sidebar's settings), and ``POST /readiness/waive``."""

from __future__ import annotations

import json

import pytest
import tornado
from jupyter_server.auth.authorizer import Authorizer

from helpers.notebooks import code, notebook
from jupyterlab_readiness.contract.schema import CHECK_REPLY, WAIVE_REPLY

HIDDEN = notebook(
    code("import logging", 1, cell_id="c0"), code("total = frame.sum()\nlogging.info('%s', total)", 2, cell_id="c1")
)
CONTRACT = "[tool.jupyter-readiness.contract]\nchecklist = []\nno-secrets = true\n"


async def post(jp_fetch, route, body):
    response = await jp_fetch("readiness", route, method="POST", body=json.dumps(body))
    reply = json.loads(response.body)
    (CHECK_REPLY if route == "check" else WAIVE_REPLY).validate_python(reply)
    return reply


async def error(jp_fetch, route, status, body):
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await jp_fetch("readiness", route, method="POST", body=json.dumps(body))
    assert info.value.code == status, info.value.response.body
    return json.loads(info.value.response.body)["message"]


def save(root, name, nb=HIDDEN):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb))
    return path


# ---------------------------------------------------------------- the verdict in the check reply


async def test_the_check_reply_carries_the_verdict_unmet_clauses_first(jp_fetch, jp_root_dir):
    save(jp_root_dir, "work/nb.ipynb")
    reply = await post(jp_fetch, "check", {"path": "work/nb.ipynb"})
    verdict = reply["contract"]
    assert verdict["ready"] is False and verdict["contract"] is None and verdict["error"] is None  # the default
    assert [(c["id"], c["met"]) for c in verdict["clauses"]] == [
        ("max-severity:all", False),
        ("checklist:pinned-environment", True),
        ("no-secrets", True),
    ]
    (hidden,) = verdict["clauses"][0]["findings"]
    assert (hidden["check"], hidden["cell_index"], hidden["cell_id"]) == ("hidden-state", 1, "c1")
    assert verdict["clauses"][0]["actions"] == ["waive"] and verdict["unmet"] == 1


async def test_the_verdict_ignores_the_sidebars_settings_and_the_server_traits(jp_fetch, jp_root_dir):
    """The verdict is the CLI's: the sidebar turning a check off hides its findings, not its clause."""
    save(jp_root_dir, "nb.ipynb")
    reply = await post(jp_fetch, "check", {"path": "nb.ipynb", "disable": ["hidden-state"]})
    assert "hidden-state" not in {f["check"] for f in reply["findings"]}
    assert reply["contract"]["ready"] is False and reply["contract"]["clauses"][0]["id"] == "max-severity:all"


async def test_the_projects_contract_and_the_live_model(jp_fetch, jp_root_dir):
    (jp_root_dir / "pyproject.toml").write_text(CONTRACT + "min-score = 60\n")
    clean = notebook(code("import logging\nlogging.info('%s', 1)", 1))
    reply = await post(jp_fetch, "check", {"path": "nb.ipynb", "notebook": clean})
    verdict = reply["contract"]
    assert verdict["ready"] and verdict["contract"] == "pyproject.toml"  # never a server path
    assert [c["id"] for c in verdict["clauses"]] == ["max-severity:all", "min-score", "no-secrets"]


async def test_a_broken_contract_is_the_fields_error_and_the_check_still_answers(jp_fetch, jp_root_dir):
    (jp_root_dir / "pyproject.toml").write_text("[tool.jupyter-readiness.contract]\nmin-scor = 60\n")
    save(jp_root_dir, "nb.ipynb")
    reply = await post(jp_fetch, "check", {"path": "nb.ipynb"})
    assert reply["error"] is None and "hidden-state" in {f["check"] for f in reply["findings"]}
    verdict = reply["contract"]
    assert verdict["ready"] is False and verdict["clauses"] == []
    assert verdict["error"].startswith("invalid contract: pyproject.toml:2: tool.jupyter-readiness.contract.min-scor:")
    assert str(jp_root_dir) not in json.dumps(reply)


async def test_an_unreadable_notebook_has_a_verdict_with_its_error(jp_fetch, jp_root_dir):
    (jp_root_dir / "bad.ipynb").write_text("{ not json")
    reply = await post(jp_fetch, "check", {"path": "bad.ipynb"})
    assert reply["contract"]["ready"] is False and "invalid JSON" in reply["contract"]["error"]


async def test_a_contract_above_the_root_is_never_read(jp_fetch, jp_root_dir):
    # (one behind a link out of the root is a contract that cannot be read: test_unreadable_paths.py)
    above = jp_root_dir.parent / "readiness-contract.toml"
    above.write_text("min-score = 100\n")
    try:
        save(jp_root_dir, "nb.ipynb", notebook(code("import logging\nlogging.info('%s', 1)", 1)))
        verdict = (await post(jp_fetch, "check", {"path": "nb.ipynb"}))["contract"]
        assert verdict["contract"] is None and verdict["ready"] and verdict["error"] is None
    finally:
        above.unlink()


# ---------------------------------------------------------------- waive


WAIVE = {"path": "work/nb.ipynb", "check": "hidden-state", "cell_id": "c1", "reason": "frame is loaded by the runner"}


async def test_waive_previews_then_writes_and_the_verdict_follows(jp_fetch, jp_root_dir):
    pyproject = jp_root_dir / "pyproject.toml"
    pyproject.write_text("[project]\nname = 'demo'  # keep me\n\n" + CONTRACT)
    save(jp_root_dir, "work/nb.ipynb")
    preview = await post(jp_fetch, "waive", {**WAIVE, "expires": "2099-12-31"})
    assert preview["written"] is False and preview["file"] == "pyproject.toml" and not preview["created"]
    assert pyproject.read_text() == preview["before"]  # a preview writes nothing
    assert preview["waiver"] == {
        "check": "hidden-state",
        "notebook": "work/nb.ipynb",
        "cell": "c1",
        "reason": "frame is loaded by the runner",
        "expires": "2099-12-31",
    }
    written = await post(jp_fetch, "waive", {**WAIVE, "expires": "2099-12-31", "write": True})
    assert written["written"] is True and pyproject.read_text() == written["after"] == preview["after"]
    assert written["after"].startswith("[project]\nname = 'demo'  # keep me\n")
    assert written["after"].endswith('reason = "frame is loaded by the runner"\nexpires = 2099-12-31\n')
    verdict = (await post(jp_fetch, "check", {"path": "work/nb.ipynb"}))["contract"]
    assert verdict["ready"] and verdict["waivers"][0]["status"] == "applied"
    again = await post(jp_fetch, "waive", {**WAIVE, "expires": "2099-12-31", "write": True})
    assert again["replaced"] and again["after"] == written["after"]  # idempotent


async def test_waive_creates_a_contract_file_beside_the_notebook_when_the_project_has_none(jp_fetch, jp_root_dir):
    save(jp_root_dir, "work/nb.ipynb")
    (jp_root_dir / ".git").mkdir()
    reply = await post(jp_fetch, "waive", {**WAIVE, "cell_id": None, "write": True})
    assert reply["created"] and reply["file"] == "work/readiness-contract.toml"
    assert reply["waiver"]["notebook"] == "nb.ipynb" and reply["waiver"]["cell"] is None
    verdict = (await post(jp_fetch, "check", {"path": "work/nb.ipynb"}))["contract"]
    assert verdict["ready"] and verdict["contract"] == "work/readiness-contract.toml"


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"check": "no-such-check"}, 400, "unknown check id"),
        ({"cell_id": "nope"}, 400, "no cell with this id"),
        (
            {"check": "wall-clock"},
            400,
            "the check does not fire on this cell (cell 2), so a waiver would accept nothing; "
            "the checks that fire on it: hidden-state",
        ),
        ({"cell_id": "c0"}, 400, "the check does not fire on this cell (cell 1), so a waiver would accept nothing; no"),
        ({"cell_id": None, "check": "print-logging"}, 400, "does not fire in this notebook"),
        ({"reason": "   "}, 400, "needs a reason"),
        ({"reason": ""}, 400, "invalid request body: reason"),
        ({"expires": "2001-01-01"}, 400, "in the past"),
        ({"expires": "soon"}, 400, "invalid request body: expires"),
        ({"path": "../outside.ipynb"}, 403, "outside the server root"),
        ({"path": "work/none.ipynb"}, 404, "no such notebook"),
    ],
)
async def test_waive_refusals_are_4xx_that_never_repeat_what_was_sent(jp_fetch, jp_root_dir, change, status, message):
    save(jp_root_dir, "work/nb.ipynb")
    text = await error(jp_fetch, "waive", status, {**WAIVE, **change, "write": True})
    assert message in text
    for value in change.values():
        if value and value.strip():
            assert value not in text
    assert not (jp_root_dir / "work" / "readiness-contract.toml").exists()


async def test_waive_into_a_broken_contract_is_a_409_and_writes_nothing(jp_fetch, jp_root_dir):
    broken = "[tool.jupyter-readiness.contract]\nmin-score = 'high'\n"
    (jp_root_dir / "pyproject.toml").write_text(broken)
    save(jp_root_dir, "work/nb.ipynb")
    message = await error(jp_fetch, "waive", 409, {**WAIVE, "write": True})
    assert message.startswith("pyproject.toml:2: tool.jupyter-readiness.contract.min-score: must be an integer")
    assert (jp_root_dir / "pyproject.toml").read_text() == broken


class ReadOnlyAuthorizer(Authorizer):
    def is_authorized(self, handler, user, action, resource):
        return action == "read"


@pytest.mark.parametrize(
    "jp_server_config",
    [
        {
            "ServerApp": {
                "jpserver_extensions": {"jupyterlab_readiness": True},
                "authorizer_class": ReadOnlyAuthorizer,
            },
            "Readiness": {"validate_replies": True},
        }
    ],
)
async def test_waiving_needs_contents_write(jp_fetch, jp_root_dir):
    save(jp_root_dir, "work/nb.ipynb")
    assert (await post(jp_fetch, "check", {"path": "work/nb.ipynb"}))["contract"]["ready"] is False
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await jp_fetch("readiness", "waive", method="POST", body=json.dumps({**WAIVE, "write": True}))
    assert info.value.code == 403
    assert not (jp_root_dir / "work" / "readiness-contract.toml").exists()


async def test_waive_is_refused_without_authentication(http_server_client, jp_base_url):
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await http_server_client.fetch(
            jp_base_url + "readiness/waive",
            method="POST",
            body=json.dumps(WAIVE),
            headers={"Authorization": "token wrong"},
        )
    assert info.value.code in (401, 403)
