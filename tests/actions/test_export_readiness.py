"""The export's "readiness at export" is the report the sidebar shows: the same configuration
(the project's, the server's settings, the user's ``disable``) and so the same score."""

from __future__ import annotations

import json

from helpers.notebooks import code, notebook
from jupyterlab_readiness.actions.export import plan as export
from jupyterlab_readiness.contract.requests import ExportRequest
from jupyterlab_readiness.contract.schema import CHECK_REPLY, EXPORT_REPLY
from jupyterlab_readiness.environment.answer import Environment
from jupyterlab_readiness.files import Root
from jupyterlab_readiness.lint.config import project_config
from jupyterlab_readiness.lint.engine import check_file

NB = notebook(
    code('import datetime\nrun = datetime.datetime.now()\nprint("ran", run)', 1),
    code('with open("out.txt", "a") as f:\n    f.write("x")', 2),
)


def test_the_cli_export_uses_the_projects_configuration(project):
    (project / "pyproject.toml").write_text('[tool.jupyter-readiness]\ndisable = ["append-write", "print-logging"]\n')
    path = project / "daily.ipynb"
    path.write_text(json.dumps(NB))
    plan = export.plan(ExportRequest(path=str(path)), Environment(), Root(None))
    checked = check_file(path, project_config(project))
    assert plan.reply.score == checked.score
    assert not any(f.check == "append-write" for f in plan.reply.weakening)


async def test_the_export_route_scores_as_the_check_route(jp_fetch, jp_root_dir):
    (jp_root_dir / "pyproject.toml").write_text('[tool.jupyter-readiness]\ndisable = ["print-logging"]\n')
    (jp_root_dir / "daily.ipynb").write_text(json.dumps(NB))
    body = {"path": "daily.ipynb", "disable": ["append-write"]}
    checked = CHECK_REPLY.validate_json(
        (await jp_fetch("readiness", "check", method="POST", body=json.dumps(body))).body
    )
    exported = EXPORT_REPLY.validate_json(
        (await jp_fetch("readiness", "export", method="POST", body=json.dumps({**body, "write": False}))).body
    )
    assert exported.score == checked.score
    shown = {f.check for f in checked.findings if f.severity != "info"}
    assert "wall-clock" in shown and [p.origin for p in exported.parameters] == ["clock"]
    assert {f.check for f in exported.weakening} == shown - {"wall-clock"}  # the clock read became run_date
