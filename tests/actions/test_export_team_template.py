"""Export to package with a team's own Copier template (--template, the REST body's template, the
project's [tool.jupyter-readiness] template): it decides the scaffolding, the computed modules stay
the export's, .copier-answers.yml lets `copier update` bring its next version in, and a template
that cannot be used is refused with a reason that never repeats what was given."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import copier
import pytest
import tornado
import yaml

from helpers.git import commit, git, init
from helpers.notebooks import REPO, code, md, notebook
from jupyterlab_readiness.actions.export import plan as export
from jupyterlab_readiness.actions.export import render
from jupyterlab_readiness.actions.export.template import BadTemplate, TemplateSource, render_template
from jupyterlab_readiness.actions.plan import Plan, apply
from jupyterlab_readiness.contract.requests import ExportRequest
from jupyterlab_readiness.environment.answer import Environment
from jupyterlab_readiness.files import Root

EXAMPLE = REPO / "docs" / "export-template-example"
COMPUTED = ("parameters.py", "pipeline.py", "steps.py", "cli.py")
ENVIRONMENT = Environment.from_answer({"versions": {"pydantic": ["pydantic", "2.9.0"]}, "python": "3.11"})


def sales() -> dict:
    parameters = code("threshold = 0.5\nregion = 'north'")
    parameters["metadata"]["tags"] = ["parameters"]
    return notebook(
        md("# Sales"),
        parameters,
        md("## Load"),
        code("rows = [x * 2 for x in range(10)]\nprint(region, len(rows))"),
        md("## Summarise"),
        code("big = [r for r in rows if r > threshold]\nopen('report.txt', 'w').write(str(big))"),
    )


def team_template(folder: Path, tag: str = "v1") -> Path:
    """The example template of docs/, as a team keeps it: a git repository with a version tag."""
    shutil.copytree(EXAMPLE, folder)
    init(folder)
    commit(folder, "the team's template")
    git(folder, "tag", tag)
    return folder


def plan(root: Path, **request) -> Plan:
    nb = sales()
    (root / "sales.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return export.plan(ExportRequest(path="sales.ipynb", notebook=nb, **request), ENVIRONMENT, Root(root))


def texts(result: Plan) -> dict[str, str]:
    return {f.path: f.text for f in result.reply.files}


def test_a_team_template_changes_the_scaffolding_and_keeps_the_computed_modules(tmp_path):
    team_template(tmp_path / "team-template")
    built_in = texts(plan(tmp_path))
    result = plan(tmp_path, template="team-template", contact="Ana, data platform")
    assert result.reply.refused is None, result.reply.refused
    files = texts(result)
    assert 'build-backend = "hatchling.build"' in files["pyproject.toml"]
    assert "Owned by the data-platform team (Ana, data platform)" in files["README.md"]
    assert "tests/test_smoke.py" in files and "tests/test_pipeline.py" not in files and "Dockerfile" not in files
    for module in COMPUTED:
        assert files[f"src/sales/{module}"] == built_in[f"src/sales/{module}"], module
    # the template makes no __init__/__main__: the built-in ones, or the package would not import
    assert files["src/sales/__init__.py"] == built_in["src/sales/__init__.py"]
    answers = yaml.safe_load(files[".copier-answers.yml"])
    assert answers["_src_path"] == "../team-template" and answers["_commit"] == "v1"
    assert {k: answers[k] for k in ("package", "distribution", "notebook", "contact", "team")} == {
        "package": "sales",
        "distribution": "sales",
        "notebook": "sales.ipynb",
        "contact": "Ana, data platform",
        "team": "data-platform",
    }
    assert "pydantic==2.9.0" in answers["dependencies"]


def test_reexport_with_a_template_is_idempotent_previews_the_bytes_it_writes_and_keeps_edits(tmp_path):
    team_template(tmp_path / "team-template")
    first = plan(tmp_path, template="team-template", write=True)
    apply(first, Root(tmp_path))
    package = tmp_path / "sales"
    for file in first.reply.files:
        assert (package / file.path).read_text(encoding="utf-8") == file.text, file.path
    again = plan(tmp_path, template="team-template")
    assert {f.status for f in again.reply.files} == {"unchanged"} and again.writes == {}
    (package / "README.md").write_text("# ours now\n", encoding="utf-8")
    edited = plan(tmp_path, template="team-template")
    assert edited.reply.conflicts == ["README.md"] and package / "README.md" not in edited.writes


def test_copier_update_brings_the_templates_next_version_in(tmp_path, monkeypatch):
    template = team_template(tmp_path / "team-template")
    apply(plan(tmp_path, template="team-template", write=True), Root(tmp_path))
    package = init(tmp_path / "sales")
    commit(package, "exported")
    pipeline = (package / "src" / "sales" / "pipeline.py").read_text(encoding="utf-8")
    readme = template / "README.md.jinja"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nOn call: #{{ team }}-alerts\n", encoding="utf-8")
    commit(template, "on-call channel")
    git(template, "tag", "v2")
    monkeypatch.chdir(package)  # _src_path is relative to the package, where `copier update` runs
    for name, value in (("GIT_AUTHOR_NAME", "Test"), ("GIT_AUTHOR_EMAIL", "t@example.invalid")):
        monkeypatch.setenv(name, value)
        monkeypatch.setenv(name.replace("AUTHOR", "COMMITTER"), value)
    copier.run_update(dst_path=".", defaults=True, overwrite=True, unsafe=False, quiet=True, skip_tasks=True)
    assert "On call: #data-platform-alerts" in (package / "README.md").read_text(encoding="utf-8")
    assert yaml.safe_load((package / ".copier-answers.yml").read_text(encoding="utf-8"))["_commit"] == "v2"
    assert (package / "src" / "sales" / "pipeline.py").read_text(encoding="utf-8") == pipeline


def test_the_built_in_template_renders_the_same_files_with_copier_and_render_py(tmp_path):
    seen: list[render.Package] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(export, "render", lambda pkg, scaffold=None: seen.append(pkg) or render.render(pkg, scaffold))
        plan(tmp_path, contact="ana@example.com")
    variables = render.project_variables(seen[0])
    ours = render.render_project(variables)
    theirs = render_template(TemplateSource(str(render.TEMPLATES / render.PROJECT), False), variables, "built-in")
    assert theirs.pop(".copier-answers.yml").startswith("# Changes here will be overwritten by Copier")
    assert theirs == ours


def test_the_projects_template_setting_is_read_relative_to_its_pyproject(tmp_path):
    team_template(tmp_path / "templates" / "team")
    (tmp_path / "work").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.jupyter-readiness]\ntemplate = "templates/team"\n')
    nb = sales()
    (tmp_path / "work" / "sales.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    result = export.plan(ExportRequest(path="work/sales.ipynb", notebook=nb), ENVIRONMENT, Root(tmp_path))
    files = texts(result)
    assert "tests/test_smoke.py" in files
    assert yaml.safe_load(files[".copier-answers.yml"])["_src_path"] == "../../templates/team"


def template_with(folder: Path, settings: str) -> Path:
    shutil.copytree(EXAMPLE, folder)
    with open(folder / "copier.yml", "a", encoding="utf-8") as handle:
        handle.write(settings)
    return folder


def test_a_templates_tasks_are_never_run_and_the_reply_says_so(tmp_path):
    template_with(tmp_path / "with-tasks", '\n_tasks:\n  - "touch pwned"\n')
    result = plan(tmp_path, template="with-tasks", write=True)
    apply(result, Root(tmp_path))
    assert any("task(s) were not run" in w for w in result.reply.warnings)
    assert not list(tmp_path.rglob("pwned"))


def undefined_filter_template(folder: Path) -> Path:
    shutil.copytree(EXAMPLE, folder)
    (folder / "broken.txt.jinja").write_text("{{ package | no_such_filter }}\n", encoding="utf-8")
    return folder


def fifo_template(folder: Path) -> Path:
    """Copier opens every file it copies: the export would wait forever for the FIFO's writer."""
    shutil.copytree(EXAMPLE, folder)
    os.mkfifo(folder / "README.md.jinja.fifo")
    return folder


def linked_template(folder: Path) -> Path:
    """A file of the template that is a link out of the server root: its contents would land in the
    preview."""
    shutil.copytree(EXAMPLE, folder)
    outside = folder.parent.parent / "outside-secret.txt"
    outside.write_text("the server's secret\n", encoding="utf-8")
    (folder / "leak.txt").symlink_to(outside)
    return folder


@pytest.mark.parametrize(
    ("given", "make", "reason"),
    [
        ("no-such-template-xyz", None, "does not exist"),
        ("plain-folder-xyz", lambda f: f.mkdir(), "has no copier.yml"),
        ("../outside-root-xyz", lambda f: shutil.copytree(EXAMPLE, f), "outside the server root"),
        ("file:///etc/secret-xyz", None, "URL is refused"),
        ("ext::sh -c secret-xyz", None, "URL is refused"),
        ("https://user:token-xyz@example.invalid/t.git", None, "URL is refused"),
        ("https://example.invalid/secret-xyz.git", None, "could not be fetched"),
        ("unsafe-xyz", lambda f: template_with(f, "\n_jinja_extensions: [jinja2.ext.debug]\n"), "run code"),
        ("broken-xyz", undefined_filter_template, "does not render"),
        ("fifo-xyz", lambda f: fifo_template(f), "FIFO"),
        ("link-xyz", lambda f: linked_template(f), "outside itself"),
    ],
)
def test_a_template_that_cannot_be_used_is_refused_without_repeating_it(tmp_path, given, make, reason):
    root = tmp_path / "root"
    root.mkdir()
    if make is not None:
        make((root / given).resolve())
    with pytest.raises(BadTemplate) as info:
        plan(root, template=given)
    assert reason in str(info.value) and "xyz" not in str(info.value)
    assert not (root / "sales").exists() and not (root / "pwned").exists()


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO / "python")}
    return subprocess.run(
        [sys.executable, "-m", "jupyterlab_readiness", "export", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_cli_takes_a_template_and_a_contact_and_exits_2_on_a_bad_template(tmp_path):
    team_template(tmp_path / "team-template")
    (tmp_path / "sales.ipynb").write_text(json.dumps(sales()), encoding="utf-8")
    bad = cli("sales.ipynb", "--template", "missing-template-dir", cwd=tmp_path)
    assert bad.returncode == 2 and "template folder does not exist" in bad.stderr
    assert "missing-template-dir" not in bad.stderr and not (tmp_path / "sales").exists()
    done = cli("sales.ipynb", "--template", "team-template", "--contact", "ana@example.com", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "create  sales/.copier-answers.yml" in done.stdout
    assert "(ana@example.com)" in (tmp_path / "sales" / "README.md").read_text(encoding="utf-8")


async def export_error(jp_fetch, body) -> str:
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await jp_fetch("readiness", "export", method="POST", body=json.dumps(body))
    assert info.value.code == 400, body
    return json.loads(info.value.response.body)["message"]


async def test_rest_takes_a_template_folder_under_the_root_never_a_url(jp_fetch, jp_root_dir):
    team_template(jp_root_dir / "templates" / "team")
    (jp_root_dir / "sales.ipynb").write_text(json.dumps(sales()), encoding="utf-8")
    body = {"path": "sales.ipynb", "template": "templates/team", "contact": "ana@example.com"}
    reply = json.loads((await jp_fetch("readiness", "export", method="POST", body=json.dumps(body))).body)
    files = {f["path"]: f["text"] for f in reply["files"]}
    assert yaml.safe_load(files[".copier-answers.yml"])["_src_path"] == "../templates/team"
    assert "(ana@example.com)" in files["README.md"]
    url = await export_error(jp_fetch, {"path": "sales.ipynb", "template": "https://example.invalid/secret-xyz.git"})
    assert "a folder under the server root" in url and "xyz" not in url
    outside = await export_error(jp_fetch, {"path": "sales.ipynb", "template": "../secret-xyz"})
    assert "outside the server root" in outside and "xyz" not in outside
    too_long = await export_error(jp_fetch, {"path": "sales.ipynb", "contact": "x" * 201})
    assert "contact" in too_long


def test_every_variable_the_export_passes_is_documented():
    documented = (REPO / "docs" / "export-template-variables.md").read_text(encoding="utf-8")
    declared = yaml.safe_load((render.TEMPLATES / render.PROJECT / "copier.yml").read_text(encoding="utf-8"))
    assert [k for k in declared if not k.startswith("_") and f"| `{k}` |" not in documented] == []


@pytest.mark.slow
def test_a_package_from_the_example_template_installs_in_a_fresh_venv_and_its_tests_and_command_pass(tmp_path):
    team_template(tmp_path / "team-template")
    (tmp_path / "sales.ipynb").write_text(json.dumps(sales()), encoding="utf-8")
    assert cli("sales.ipynb", "--template", "team-template", cwd=tmp_path).returncode == 0
    package = tmp_path / "sales"
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True, timeout=300)
    bin_dir = tmp_path / "venv" / "bin"
    install = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--no-compile", f"{package}[test]"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    tests = subprocess.run(
        [str(bin_dir / "python"), "-m", "pytest", "-q"], cwd=package, capture_output=True, text=True, timeout=300
    )
    assert tests.returncode == 0 and "1 passed" in tests.stdout, tests.stdout + tests.stderr
    work = tmp_path / "run"
    work.mkdir()
    ran = subprocess.run([str(bin_dir / "sales")], cwd=work, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0 and json.loads(ran.stdout.splitlines()[-1])["status"] == "ok", ran.stderr
    assert (work / "report.txt").read_text(encoding="utf-8") == "[2, 4, 6, 8, 10, 12, 14, 16, 18]"
