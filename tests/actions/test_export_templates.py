"""Export to package, the templates: the project template is a Copier template whose copier.yml
declares exactly the variables the export fills in, as plain data; a variable a template needs and
does not get is an error, not an empty string."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import jinja2.meta
import pytest
import yaml

from helpers.notebooks import code, md, notebook
from jupyterlab_readiness.actions.export import plan as export
from jupyterlab_readiness.actions.export import render
from jupyterlab_readiness.contract.requests import ExportRequest
from jupyterlab_readiness.environment.answer import Environment
from jupyterlab_readiness.files import Root

PROJECT = render.TEMPLATES / render.PROJECT
COPIER = yaml.safe_load((PROJECT / "copier.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> render.Package:
    """The Package export.plan renders for a notebook with parameters, the clock, headings and a
    skipped cell."""
    cell = code("threshold = 0.5\nregion = 'north'")
    cell["metadata"]["tags"] = ["parameters"]
    skipped = code("print(big)")
    skipped["metadata"]["tags"] = ["skip-export"]
    nb = notebook(
        md("# Sales"),
        cell,
        code("from datetime import date"),
        md("## Load"),
        code("rows = [x * 2 for x in range(10)]\nprint(region, len(rows))"),
        md("## Summarise"),
        code("big = [r for r in rows if r > threshold]\nopen(f'report_{date.today()}.txt', 'w').write(str(big))"),
        skipped,
    )
    folder = tmp_path_factory.mktemp("templates")
    (folder / "sales.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    seen: list[render.Package] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(export, "render", lambda pkg, scaffold=None: seen.append(pkg) or render.render(pkg, scaffold))
        reply = export.plan(
            ExportRequest(path="sales.ipynb", notebook=nb), Environment.from_answer({"python": "3.11"}), Root(folder)
        ).reply
    assert reply.refused is None and len(seen) == 1
    return seen[0]


def project_templates() -> list[Path]:
    return sorted(p for p in PROJECT.rglob(f"*{render.SUFFIX}"))


def test_copier_yml_declares_exactly_the_variables_the_export_fills_in(package):
    questions = {key for key in COPIER if not key.startswith("_")}
    assert questions == set(render.project_variables(package))
    assert all(COPIER[key].get("help") for key in questions)


def test_copier_renders_with_the_same_jinja_options_and_suffix():
    assert COPIER["_templates_suffix"] == render.SUFFIX
    assert COPIER["_envops"] == render.ENVIRONMENT_OPTIONS


@pytest.mark.parametrize("path", project_templates(), ids=lambda p: p.relative_to(PROJECT).as_posix())
def test_each_project_template_uses_only_declared_variables_and_filters_copier_has(path):
    environment = jinja2.Environment(**render.ENVIRONMENT_OPTIONS)
    environment.filters["to_json"] = json.dumps  # Copier's (Ansible's) to_json; any other filter of ours fails here
    source = path.read_text(encoding="utf-8")
    used = jinja2.meta.find_undeclared_variables(environment.parse(source))
    used |= jinja2.meta.find_undeclared_variables(environment.parse(path.relative_to(PROJECT).as_posix()))
    assert used <= set(COPIER) - {key for key in COPIER if key.startswith("_")}


def test_the_variables_are_plain_data(package):
    """A team's template gets them through Copier (YAML, JSON): no object of ours."""
    for variables in (render.project_variables(package), render.code_variables(package)):
        assert json.loads(json.dumps(variables)) == variables


def test_every_file_comes_from_a_template_or_the_steps(package):
    files = render.render(package)
    src = f"src/{package.name}"
    from_templates = {
        p.relative_to(PROJECT).as_posix().removesuffix(render.SUFFIX).replace("{{ package }}", package.name)
        for p in project_templates()
        if "{% if expectations %}" not in p.name  # the golden test: only with a rehearsal's baseline
    }
    code = {f"{src}/{p.name.removesuffix(render.SUFFIX)}" for p in (render.TEMPLATES / render.CODE).iterdir()}
    drawn = set() if package.pipeline.draws else {f"{src}/displays.py"}  # only when a cell draws
    unrehearsed = {f"{src}/{m}.py" for m in ("schemas", "thresholds", "alerts")}  # no baseline: no contract
    assert package.expectations is None
    assert set(files) == from_templates | (code - drawn - unrehearsed) | {f"{src}/steps.py"}
    assert list(files)[:2] == ["pyproject.toml", "README.md"]
    assert list(files)[-4:] == ["tests/test_steps.py", "Dockerfile", ".dockerignore", ".github/workflows/ci.yml"]
    header = render.header(package.notebook)
    assert all(text.startswith(header) for path, text in files.items() if path.endswith((".py", ".toml")))


def test_a_variable_a_template_needs_and_does_not_get_is_an_error(package):
    variables = render.project_variables(package)
    del variables["distribution"]
    with pytest.raises(jinja2.UndefinedError, match="distribution"):
        render.render_project(variables)


def test_a_cache_of_compiled_templates_it_cannot_write_is_no_cache(tmp_path, package):
    cache = render._CompiledTemplates(str(tmp_path / "not-there"))
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(render.TEMPLATES), bytecode_cache=cache, **render.ENVIRONMENT_OPTIONS
    )
    template = environment.get_template(f"project/src/{{{{ package }}}}/__main__.py{render.SUFFIX}")
    assert template.render(render.project_variables(package)).endswith("raise SystemExit(main())\n")
