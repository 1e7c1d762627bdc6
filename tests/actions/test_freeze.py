"""Freeze environment: merging pins into requirements.txt / pyproject.toml, idempotently, and the CLI."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys

import pytest

from helpers.kernels import ARCHIVE_PIN, GIT_PIN, direct_url_site
from helpers.notebooks import REPO, code, md, notebook
from jupyterlab_readiness.actions.errors import ActionRefused
from jupyterlab_readiness.actions.freeze.merge import Pins, merge_pyproject, merge_requirements
from jupyterlab_readiness.actions.freeze.plan import Wanted, choose_target, plan, resolve
from jupyterlab_readiness.contract.requests import FreezeRequest
from jupyterlab_readiness.contract.schema import FREEZE_REPLY
from jupyterlab_readiness.environment.answer import Environment
from jupyterlab_readiness.environment.kernel.distributions import local_environment
from jupyterlab_readiness.files import Root
from jupyterlab_readiness.lint.engine import check_file

PINS = Pins({"pandas": ("pandas", "2.2.2"), "scikit-learn": ("scikit-learn", "1.5.0"), "pyyaml": ("PyYAML", "6.0.1")})


def test_requirements_merge_keeps_comments_order_and_unrelated_lines():
    before = (
        "# data stack\npandas>=2  # dataframes\nrequests==2.31.0\n\nscikit_learn[alldeps] ; python_version >= "
        "'3.9'\n-r more.txt\n"
    )
    merge = merge_requirements(before, PINS)
    assert merge.after == (
        "# data stack\npandas==2.2.2  # dataframes\nrequests==2.31.0\n\nscikit_learn[alldeps]==1.5.0 ; python_version "
        ">= '3.9'\n-r more.txt\nPyYAML==6.0.1\n"
    )
    assert merge.added == ["PyYAML==6.0.1"] and len(merge.changed) == 2
    again = merge_requirements(merge.after, PINS)
    assert again.after == merge.after and again.added == [] and again.changed == []


def test_requirements_merge_never_duplicates_and_creates_a_missing_file():
    assert (
        merge_requirements("pandas\npandas>=1\n", Pins({"pandas": ("pandas", "2.2.2")})).after
        == "pandas==2.2.2\npandas==2.2.2\n"
    )
    created = merge_requirements("", PINS)
    assert created.after == "pandas==2.2.2\nPyYAML==6.0.1\nscikit-learn==1.5.0\n"
    assert merge_requirements(created.after, PINS).after == created.after


def test_pyproject_merge_keeps_comments_and_formatting():
    before = (
        '[project]\nname = "demo"  # the name\ndependencies = [\n    # runtime\n    "pandas>=2",\n    '
        '"requests",\n]\n\n[tool.other]\nx = 1\n'
    )
    merge = merge_pyproject(before, PINS)
    assert "# the name" in merge.after and "# runtime" in merge.after and "[tool.other]" in merge.after
    assert '"pandas==2.2.2"' in merge.after and '"requests"' in merge.after and '"PyYAML==6.0.1"' in merge.after
    assert '"pandas>=2"' not in merge.after
    again = merge_pyproject(merge.after, PINS)
    assert again.after == merge.after and again.added == [] and again.changed == []


def test_pyproject_without_dependencies_gets_them(tmp_path):
    merge = merge_pyproject('[project]\nname = "demo"\n', Pins({"pandas": ("pandas", "2.2.2")}))
    assert 'dependencies = ["pandas==2.2.2"]' in merge.after


def test_auto_target_prefers_the_projects_pyproject(project):
    sub = project / "notebooks"
    sub.mkdir()
    assert choose_target(sub, "auto", Root(None)) == ("requirements", sub / "requirements.txt")
    (project / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    assert choose_target(sub, "auto", Root(None))[0] == "requirements"  # no [project] table
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert choose_target(sub, "auto", Root(None)) == ("pyproject", project / "pyproject.toml")
    assert choose_target(sub, "requirements", Root(None)) == ("requirements", sub / "requirements.txt")
    (project / "pyproject.toml").unlink()
    with pytest.raises(ValueError, match=r"no pyproject\.toml"):
        choose_target(sub, "pyproject", Root(None))


def typed_plan(project, versions):
    """Freeze a notebook whose imports the environment does not have, with ``versions`` typed."""
    (project / "nb.ipynb").write_text(
        json.dumps(notebook(code("import yaml\nimport sklearn\n!pip install nothing-installed", 1)))
    )
    environment = Environment(modules={"yaml": (("PyYAML", "6.0.1"),)}, versions={"nothing-installed": None})
    return plan(FreezeRequest(path="nb.ipynb", versions=versions), environment, Root(project)).reply


def test_a_typed_version_pins_what_the_environment_does_not_have(project):
    reply = typed_plan(project, {})
    assert sorted(reply.unresolved) == ["nothing-installed", "sklearn"]
    reply = typed_plan(project, {"sklearn": "scikit-learn==1.5.0", "nothing-installed": " 2.0 ", "yaml": "1.0"})
    assert reply.unresolved == []
    lines = reply.after.splitlines()
    assert "scikit-learn==1.5.0" in lines and "nothing-installed==2.0" in lines
    # what the environment has keeps the environment's version
    assert "PyYAML==6.0.1" in lines and "PyYAML==1.0" not in lines


@pytest.mark.parametrize("typed", ["latest", ">=1.0", "1.0; os_name=='nt'", "sk learn==1.0", "1.0\nevil==2"])
def test_a_typed_text_that_is_not_an_exact_version_is_refused_without_echo(project, typed):
    with pytest.raises(ActionRefused) as info:
        typed_plan(project, {"sklearn": typed})
    # nor the name it was typed for: both are what the request sent
    assert "sklearn" not in str(info.value) and typed not in str(info.value)


def test_a_module_imported_only_under_except_import_error_is_not_required(project):
    # corpus: handson-ml2's 18_reinforcement_learning tries pyvirtualdisplay and passes without it
    source = (
        "try:\n    import yaml\nexcept ImportError:\n    yaml = None\n"
        "try:\n    from jupyter_client import manager\nexcept (OSError, ModuleNotFoundError):\n    pass\n"
        "try:\n    import sklearn\nexcept Exception:\n    pass\n"
        "def load():\n    try:\n        import pytest\n    except ImportError:\n        return None\n"
        "try:\n    import packaging\nexcept NameError:\n    pass\n"  # an ImportError would stop the notebook
        "import requests  # required wherever else it is imported\n"
        "try:\n    import requests\nexcept ImportError:\n    pass\n"
    )
    (project / "nb.ipynb").write_text(json.dumps(notebook(code(source, 1))))
    environment = Environment(
        modules={name: ((name, "1.0"),) for name in ("yaml", "jupyter_client", "pytest", "packaging", "requests")}
    )
    reply = plan(FreezeRequest(path="nb.ipynb"), environment, Root(project)).reply
    assert reply.added == ["packaging==1.0", "requests==1.0"] and reply.unresolved == []


def test_a_name_both_installed_and_imported_is_unresolved_once(project):
    # corpus: huggingface notebooks `!pip install transformers datasets` then import them
    (project / "nb.ipynb").write_text(
        json.dumps(notebook(code("!pip install tf-agents nothing_here\nimport tf_agents\nimport nothing_here", 1)))
    )
    environment = Environment(versions={"tf-agents": None, "nothing_here": None})
    assert plan(FreezeRequest(path="nb.ipynb"), environment, Root(project)).reply.unresolved == [
        "nothing_here",
        "tf_agents",
    ]
    # the version typed for either spelling pins it
    reply = plan(FreezeRequest(path="nb.ipynb", versions={"tf-agents": "0.19.0"}), environment, Root(project)).reply
    assert reply.unresolved == ["nothing_here"] and reply.added == ["tf_agents==0.19.0"]


def freeze_cli(*args, cwd):
    env = {**os.environ, "PYTHONPATH": str(REPO / "python")}
    return subprocess.run(
        [sys.executable, "-m", "jupyterlab_readiness", "freeze", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def frozen_project(project):
    # yaml (PyYAML) and jupyter_client are installed here: import names that differ from
    # their distributions' names, and one module nothing provides
    (project / "nb.ipynb").write_text(
        json.dumps(
            notebook(
                code(
                    "import yaml\nimport jupyter_client as jc\nimport os\nimport nothing_provides_this\n!pip install "
                    "pytest",
                    1,
                )
            )
        )
    )
    (project / "requirements.txt").write_text("pyyaml>=5  # config\n# keep me\nrequests\n")
    return project


def test_cli_dry_run_shows_a_diff_and_writes_nothing(frozen_project):
    result = freeze_cli("nb.ipynb", "--dry-run", cwd=frozen_project)
    assert result.returncode == 0, result.stderr
    yaml_version = importlib.metadata.version("PyYAML")
    assert f"+pyyaml=={yaml_version}  # config" in result.stdout and "-pyyaml>=5  # config" in result.stdout
    assert "unresolved: nothing_provides_this" in result.stdout and "dry run" in result.stdout
    assert (frozen_project / "requirements.txt").read_text() == "pyyaml>=5  # config\n# keep me\nrequests\n"


def test_cli_writes_idempotently_and_the_findings_go_away(frozen_project):
    before = {
        f.message.split("`")[1]
        for f in check_file(frozen_project / "nb.ipynb").findings
        if f.check == "unpinned-import"
    }
    assert {"yaml", "jupyter_client"} <= before
    first = freeze_cli("nb.ipynb", "--lock", "--format", "json", cwd=frozen_project)
    assert first.returncode == 0, first.stderr
    reply = json.loads(first.stdout)
    FREEZE_REPLY.validate_python(reply)  # the same object as the REST reply
    assert reply["file"] == "requirements.txt" and reply["unresolved"] == ["nothing_provides_this"]
    assert f"jupyter_client=={importlib.metadata.version('jupyter_client')}" in reply["added"]
    assert f"pytest=={importlib.metadata.version('pytest')}" in reply["added"]
    written = (frozen_project / "requirements.txt").read_bytes()
    lock = (frozen_project / "requirements-lock.txt").read_text()
    assert "# keep me" in written.decode() and "requests\n" in written.decode()
    assert f"pluggy=={importlib.metadata.version('pluggy')}" in lock  # pytest's dependency: the closure
    assert "numpy==" not in lock  # installed here, but nothing frozen needs it: not a dump of everything
    second = json.loads(freeze_cli("nb.ipynb", "--lock", "--format", "json", cwd=frozen_project).stdout)
    assert second["added"] == [] and second["changed"] == [] and second["before"] == second["after"]
    assert (frozen_project / "requirements.txt").read_bytes() == written
    after = {
        f.message.split("`")[1]
        for f in check_file(frozen_project / "nb.ipynb").findings
        if f.check == "unpinned-import"
    }
    assert after == {"nothing_provides_this"}


def test_cli_refuses_unreadable_input(project):
    (project / "bad.ipynb").write_text("{nope")
    result = freeze_cli("bad.ipynb", cwd=project)
    assert result.returncode == 2 and "invalid JSON" in result.stderr
    assert freeze_cli("missing.ipynb", cwd=project).returncode == 2
    (project / "r.ipynb").write_text(json.dumps(notebook(code("library(x)", 1), language="R")))
    assert freeze_cli("r.ipynb", cwd=project).returncode == 2


def test_cli_pins_a_typed_version_for_what_is_not_installed(project):
    # sklearn_not_here: a module whose distribution has another name; nothing-installed: a pip install
    (project / "nb.ipynb").write_text(
        json.dumps(notebook(code("import yaml\nimport sklearn_not_here\n!pip install nothing-installed", 1)))
    )
    typed = ("--pin", "sklearn_not_here=scikit-learn==1.5.0", "--pin", "nothing-installed==2.0")
    result = freeze_cli("nb.ipynb", *typed, "--target", "requirements", cwd=project)
    assert result.returncode == 0, result.stderr
    lines = (project / "requirements.txt").read_text().splitlines()
    assert "scikit-learn==1.5.0" in lines and "nothing-installed==2.0" in lines
    assert f"PyYAML=={importlib.metadata.version('PyYAML')}" in lines  # installed: the environment's version
    assert "unresolved" not in result.stdout
    again = freeze_cli("nb.ipynb", *typed, "--format", "json", cwd=project)
    reply = json.loads(again.stdout)
    assert reply["added"] == [] and reply["changed"] == [] and reply["unresolved"] == []
    # without the typed versions they stay unresolved, and what was pinned stays
    rest = json.loads(freeze_cli("nb.ipynb", "--format", "json", "--dry-run", cwd=project).stdout)
    assert sorted(rest["unresolved"]) == ["nothing-installed", "sklearn_not_here"]


@pytest.mark.parametrize(
    ("pin", "message"),
    [
        ("nothing-installed", "expected NAME==VERSION"),
        ("nothing-installed==latest", "not an exact version"),
        ("nothing-installed=>=1.0", "not an exact version"),
        # a range, whatever its operator: once read as name "nothing-installed>" and ignored, exit 0
        *(
            (f"nothing-installed{operator}9.8.7", "not an exact version")
            for operator in (">=", "<=", "~=", "!=", ">", "<", "===")
        ),
        ("nothing-installed=nothing-installed>=9.8.7", "not an exact version"),
    ],
)
def test_cli_refuses_a_typed_pin_that_is_not_an_exact_version(project, pin, message):
    (project / "nb.ipynb").write_text(json.dumps(notebook(code("!pip install nothing-installed", 1))))
    result = freeze_cli("nb.ipynb", "--pin", pin, cwd=project)
    assert result.returncode == 2 and message in result.stderr
    assert "9.8.7" not in result.stderr  # the name is enough to find it; the value typed is not echoed
    assert not (project / "requirements.txt").exists()


def test_cli_refuses_two_versions_for_one_name(project):
    (project / "nb.ipynb").write_text(json.dumps(notebook(code("!pip install nothing-installed", 1))))
    result = freeze_cli("nb.ipynb", "--pin", "nothing-installed==1.0", "--pin", "nothing-installed==2.0", cwd=project)
    assert result.returncode == 2 and "twice" in result.stderr
    assert not (project / "requirements.txt").exists()


def test_requirements_merge_keeps_a_hashed_requirements_continuation():
    hashes = "    --hash=sha256:" + "0" * 64 + "\n"
    before = "pandas==2.2.2 \\\n" + hashes + "numpy==2.0.0 \\\n" + hashes
    pins = Pins({"pandas": ("pandas", "2.2.2"), "numpy": ("numpy", "2.1.0")})
    merge = merge_requirements(before, pins)
    assert merge.after == before.replace("numpy==2.0.0 \\", "numpy==2.1.0 \\")
    assert merge.changed == ["numpy==2.0.0 \\ → numpy==2.1.0 \\"] and merge.added == []
    exact = merge_requirements(merge.after, pins)
    assert exact.after == merge.after and exact.changed == [] and exact.added == []


def test_a_pyproject_with_dynamic_dependencies_is_not_edited(project):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndynamic = ["dependencies"]\n\n[tool.setuptools.dynamic]\n'
        'dependencies = {file = ["requirements.in"]}\n'
    )
    assert choose_target(project, "auto", Root(None)) == ("requirements", project / "requirements.txt")
    with pytest.raises(ValueError, match="declares its dependencies dynamic"):
        choose_target(project, "pyproject", Root(None))


def test_cli_refuses_a_pyproject_whose_dependencies_are_not_a_list(project):
    (project / "nb.ipynb").write_text(json.dumps(notebook(code("import pytest", 1))))
    (project / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = "pytest"\n')
    result = freeze_cli("nb.ipynb", cwd=project)
    assert result.returncode == 2 and "is not a list of requirements" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert (project / "pyproject.toml").read_text() == '[project]\nname = "x"\ndependencies = "pytest"\n'


def test_what_an_included_requirements_file_pins_is_not_pinned_again(project):
    (project / "nb.ipynb").write_text(json.dumps(notebook(code("import yaml\nimport pytest", 1))))
    (project / "base.txt").write_text("PyYAML==5.4.1\n")
    (project / "requirements.txt").write_text("-r base.txt\npyyaml\n")
    environment = Environment(modules={"yaml": (("PyYAML", "6.0.1"),), "pytest": (("pytest", "8.0.0"),)})
    reply = plan(FreezeRequest(path="nb.ipynb"), environment, Root(project)).reply
    # a second, different pin of PyYAML beside `-r base.txt` would make pip refuse the file
    assert reply.after == "-r base.txt\npyyaml\npytest==8.0.0\n" and reply.changed == []
    assert reply.added == ["pytest==8.0.0"]


def test_requirements_merge_keeps_windows_line_breaks():
    merge = merge_requirements("# deps\r\npandas\r\n", PINS)
    assert merge.after == "# deps\r\npandas==2.2.2\r\nPyYAML==6.0.1\r\nscikit-learn==1.5.0\r\n"
    assert merge_requirements(merge.after, PINS).after == merge.after


def test_pyproject_merge_keeps_the_arrays_indentation_and_windows_line_breaks():
    before = '[project]\r\nname = "x"\r\ndependencies = [\r\n  "pandas>=2",  # data\r\n]\r\n'
    merge = merge_pyproject(before, PINS)
    assert merge.after == (
        '[project]\r\nname = "x"\r\ndependencies = [\r\n  "pandas==2.2.2",  # data\r\n  "PyYAML==6.0.1",\r\n'
        '  "scikit-learn==1.5.0",\r\n]\r\n'
    )
    assert merge_pyproject(merge.after, PINS).after == merge.after


# ------------------------------------------------------------------ what freeze leaves as written
def freeze_plan(project, requirements, environment, target="requirements"):
    """Freeze a notebook importing numpy, pandas, yaml and requests against ``requirements`` (a
    requirements.txt or a pyproject.toml's text, by ``target``)."""
    (project / "nb.ipynb").write_text(json.dumps(notebook(code("import numpy, pandas, yaml, requests", 1))))
    (project / ("pyproject.toml" if target == "pyproject" else "requirements.txt")).write_bytes(requirements.encode())
    return plan(FreezeRequest(path="nb.ipynb", target=target), environment, Root(project)).reply


VERSIONS = Environment(
    modules={
        "numpy": (("numpy", "2.1.0"),),
        "pandas": (("pandas", "2.2.1"),),
        "yaml": (("PyYAML", "6.0.1"),),
        "requests": (("requests", "2.31.0"),),
    },
    python="3.11",
    python_version="3.11.7",
)


def test_a_requirement_keeps_its_marker_and_is_pinned_only_where_the_marker_holds(project):
    before = (
        'numpy<2; python_version < "3.9"  # the last numpy for 3.8\r\n'
        "pandas[excel]>=2 ;python_version>='3.9'\r\n"
        'pyyaml>=5; sys_platform == "win32"\r\n'
        'pyyaml>=6; sys_platform != "win32"\r\n'
    )
    reply = freeze_plan(project, before, VERSIONS)
    # numpy's line is for a Python the versions were not installed in: 2.1.0 was never tried there
    # (nor installs there), and an unconditional pin beside it would contradict it; PyYAML is split
    # by platform on purpose; pandas' marker holds here: pinned, its extras and marker byte for byte
    assert reply.after == before.replace("pandas[excel]>=2 ;", "pandas[excel]==2.2.1 ;") + "requests==2.31.0\r\n"
    assert reply.changed == ["pandas[excel]>=2 ;python_version>='3.9' → pandas[excel]==2.2.1 ;python_version>='3.9'"]
    assert reply.added == ["requests==2.31.0"]
    # the kernel's Python decides, not the one freeze runs in
    old = Environment(modules=VERSIONS.modules, python="3.8", python_version="3.8.18")
    assert freeze_plan(project, before, old).after.splitlines()[:2] == [
        'numpy==2.1.0; python_version < "3.9"  # the last numpy for 3.8',
        "pandas[excel]>=2 ;python_version>='3.9'",
    ]


def test_a_direct_reference_is_left_as_written_and_never_pinned_again(project):
    before = (
        "numpy @ git+https://github.com/numpy/numpy@v2.1.0#subdirectory=x  # our fork\n"
        "-e git+https://github.com/psf/requests#egg=requests\n"
        "./libs/pandas\n"
        "https://files.example.org/wheels/PyYAML-6.0.1-cp311-cp311-linux_x86_64.whl\n"
    )
    reply = freeze_plan(project, before, VERSIONS)
    assert reply.after == before and reply.added == [] and reply.changed == []
    for line, name in [
        ("pandas @ file:///opt/src/pandas", "pandas"),
        ("--editable=./libs/numpy[dev]", "numpy"),
        ("git+ssh://git@github.com/org/requests.git@v2", "requests"),
        ("PyYAML-6.0.1.tar.gz", "PyYAML"),
    ]:
        reply = freeze_plan(project, f"{line}\n", VERSIONS)
        assert reply.after.splitlines()[0] == line and not any(a.startswith(f"{name}==") for a in reply.added)


def test_pyproject_dependencies_keep_markers_extras_and_direct_references(project):
    before = (
        '[project]\nname = "x"\ndependencies = [\n'
        "    \"numpy<2; python_version < '3.9'\",\n"
        '    "pandas[excel,plot]>=2",  # data\n'
        '    "PyYAML @ git+https://github.com/yaml/pyyaml@6.0.1#subdirectory=lib",\n'
        "    \"requests>=2; sys_platform == 'linux'\",\n"
        "    \"requests>=2; sys_platform != 'linux'\",\n"
        "]\n"
    )
    reply = freeze_plan(project, before, VERSIONS, target="pyproject")
    assert reply.after == before.replace('"pandas[excel,plot]>=2"', '"pandas[excel,plot]==2.2.1"')
    assert reply.added == [] and len(reply.changed) == 1
    assert freeze_plan(project, reply.after, VERSIONS, target="pyproject").after == reply.after


def test_cli_leaves_direct_references_and_markers_byte_for_byte(project):
    (project / "nb.ipynb").write_text(json.dumps(notebook(code("import yaml\nimport pytest\nimport requests", 1))))
    before = (
        "PyYAML @ git+https://github.com/yaml/pyyaml@6.0.1\n"
        "-e ./libs/pytest\n"
        'requests[socks]>=2; python_version >= "3.8"  # http\n'
    )
    (project / "requirements.txt").write_text(before)
    result = freeze_cli("nb.ipynb", cwd=project)
    assert result.returncode == 0, result.stderr
    version = importlib.metadata.version("requests")
    assert (project / "requirements.txt").read_text() == before.replace(
        "requests[socks]>=2;", f"requests[socks]=={version};"
    )
    again = json.loads(freeze_cli("nb.ipynb", "--format", "json", cwd=project).stdout)
    assert again["added"] == [] and again["changed"] == []


# ------------------------------------------------------------ pin files that cannot be read, URLs
@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[project\nname = 'x'\n", "pyproject.toml:1: not valid TOML: Expected ']' at the end of a table declaration"),
        (b"[project]\nname = '\xff'\n", "pyproject.toml: cannot read it: it is not UTF-8 text"),
    ],
)
def test_a_pyproject_that_cannot_be_read_is_refused_naming_it(project, content, problem):
    sub = project / "notebooks"
    sub.mkdir()
    (project / "pyproject.toml").write_bytes(content if isinstance(content, bytes) else content.encode())
    for target in ("auto", "pyproject"):
        with pytest.raises(ActionRefused) as info:
            choose_target(sub, target, Root(project))
        assert str(info.value).startswith(problem) and str(project) not in str(info.value)
        assert str(info.value).endswith("— repair it, or freeze into requirements.txt (--target requirements)")
    assert choose_target(sub, "requirements", Root(project)) == ("requirements", sub / "requirements.txt")


def test_cli_refuses_a_pyproject_that_is_not_toml_and_writes_nothing(project):
    (project / "nb.ipynb").write_text(json.dumps(notebook(code("import yaml", 1))))
    (project / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = [\n')
    for args in ((), ("--target", "pyproject")):
        result = freeze_cli("nb.ipynb", *args, cwd=project)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr == (
            "jupyter-readiness: error: pyproject.toml:3: not valid TOML: Invalid value at the end of the file — "
            "repair it, or freeze into requirements.txt (--target requirements)\n"
        )
        assert not (project / "requirements.txt").exists()
    # into requirements.txt it freezes, and says the pin file was not read
    result = freeze_cli("nb.ipynb", "--target", "requirements", "--dry-run", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "warning: pin file not read: pyproject.toml:3: not valid TOML: Invalid value at the end of the file\n" in (
        result.stdout
    )


def test_freeze_names_the_pin_files_it_could_not_read(project):
    (project / "work").mkdir()
    (project / "work" / "nb.ipynb").write_text(json.dumps(notebook(code("import yaml", 1))))
    (project / "Pipfile.lock").write_text('{"default": {},\n  oops\n')
    (project / "work" / "requirements.txt").write_text("-r base.txt\n")
    environment = Environment(modules={"yaml": (("PyYAML", "6.0.1"),)})
    reply = plan(FreezeRequest(path="work/nb.ipynb"), environment, Root(project)).reply
    assert reply.added == ["PyYAML==6.0.1"]
    assert reply.warnings == [  # nearest first, named from the root
        "pin file not read: work/base.txt: no such file (included by requirements.txt)",
        "pin file not read: Pipfile.lock:2: invalid JSON: Expecting property name enclosed in double quotes (column 3)",
    ]


def test_a_direct_reference_in_an_included_file_is_not_pinned_again(project):
    (project / "nb.ipynb").write_text(json.dumps(notebook(code("import yaml\nimport requests\nimport numpy", 1))))
    (project / "base.txt").write_text(
        "-e git+https://github.com/yaml/pyyaml#egg=PyYAML\n-r more.txt\n"
        "https://files.example.org/numpy-2.1.0-cp311-cp311-linux_x86_64.whl\n"
    )
    (project / "more.txt").write_text("requests @ git+https://github.com/psf/requests@v2.31.0\n")
    (project / "requirements.txt").write_text("-r base.txt\n")
    reply = plan(FreezeRequest(path="nb.ipynb"), VERSIONS, Root(project)).reply
    assert reply.after == "-r base.txt\n" and reply.added == [] and reply.changed == [] and reply.warnings == []


def test_a_package_the_notebook_installs_from_a_url_is_not_pinned_from_the_index(project):
    source = (
        "!pip install 'PyYAML @ git+https://github.com/yaml/pyyaml@6.0.1' requests\n"
        "%pip install -e git+https://github.com/org/mine#egg=mine\n"
        "import yaml, requests, mine"
    )
    (project / "nb.ipynb").write_text(json.dumps(notebook(md("# setup"), code(source, 1))))
    environment = Environment(
        modules={"yaml": (("PyYAML", "6.0.1"),), "requests": (("requests", "2.31.0"),)},
        versions={"requests": ("requests", "2.31.0")},
    )
    reply = plan(FreezeRequest(path="nb.ipynb"), environment, Root(project)).reply
    assert reply.added == ["requests==2.31.0"] and reply.unresolved == []
    assert reply.warnings == [
        "PyYAML: cell 2 installs it from a URL or a path, which is exact already: left to that install, not pinned "
        "from the package index",
        "mine: cell 2 installs it from a repository URL with no tag or commit (name one in the URL to pin it): left "
        "to that install, not pinned from the package index",
    ]


def test_cli_prints_what_the_notebook_installs_from_a_url(project):
    source = "!pip install 'pytest @ git+https://github.com/pytest-dev/pytest@8.0.0'\nimport pytest\nimport yaml"
    (project / "nb.ipynb").write_text(json.dumps(notebook(code(source, 1))))
    result = freeze_cli("nb.ipynb", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "requirements.txt").read_text() == f"PyYAML=={importlib.metadata.version('PyYAML')}\n"
    assert "warning: pytest: cell 1 installs it from a URL or a path" in result.stdout
    reply = json.loads(freeze_cli("nb.ipynb", "--format", "json", cwd=project).stdout)
    FREEZE_REPLY.validate_python(reply)
    assert reply["added"] == [] and len(reply["warnings"]) == 1


def test_the_lock_leaves_what_is_installed_from_a_url_or_a_path_to_that_install(project):
    source = "!pip install 'PyYAML @ git+https://github.com/yaml/pyyaml@6.0.1' requests\nimport yaml, requests, numpy"
    (project / "nb.ipynb").write_text(json.dumps(notebook(md("# setup"), code(source, 1))))
    (project / "base.txt").write_text("numpy @ https://files.example.org/numpy-2.1.0-cp311-cp311-linux_x86_64.whl\n")
    (project / "requirements.txt").write_text("-r base.txt\n")
    environment = Environment(
        modules={"yaml": (("PyYAML", "6.0.1"),), "requests": (("requests", "2.31.0"),), "numpy": (("numpy", "2.1.0"),)},
        versions={"requests": ("requests", "2.31.0")},
        closure=(("idna", "3.7"), ("numpy", "2.1.0"), ("PyYAML", "6.0.1"), ("requests", "2.31.0")),
    )
    reply = plan(FreezeRequest(path="nb.ipynb", lock=True), environment, Root(project)).reply
    assert reply.lock is not None and reply.lock.after == (
        "# Exact versions of what nb.ipynb needs, and what those need in turn, as installed\n"
        "# when it was frozen. Install with: pip install -r requirements-lock.txt\n"
        "idna==3.7\n"
        "# numpy: a pin file names it by a URL or a path: left to that install, not pinned from the package index "
        "(2.1.0 here)\n"
        "# PyYAML: cell 2 installs it from a URL or a path: left to that install, not pinned from the package index "
        "(6.0.1 here)\n"
        "requests==2.31.0\n"
    )
    assert reply.after == "-r base.txt\nrequests==2.31.0\n"


def test_cli_lock_never_pins_from_the_index_what_a_cell_installs_from_a_url(project):
    source = "!pip install 'pytest @ git+https://github.com/pytest-dev/pytest@8.0.0'\nimport pytest"
    (project / "nb.ipynb").write_text(json.dumps(notebook(code(source, 1))))
    result = freeze_cli("nb.ipynb", "--lock", cwd=project)
    assert result.returncode == 0, result.stderr
    lock = (project / "requirements-lock.txt").read_text().splitlines()
    version = importlib.metadata.version("pytest")
    assert f"pytest=={version}" not in lock
    assert (
        f"# pytest: cell 1 installs it from a URL or a path: left to that install, not pinned from the package index "
        f"({version} here)" in lock
    )
    assert f"pluggy=={importlib.metadata.version('pluggy')}" in lock  # what it needs: installed from the index


# ------------------------------------------------- what the environment installed from a URL
@pytest.fixture
def url_site(tmp_path_factory, monkeypatch):
    """direct_url_site on this process's sys.path (what the CLI's environment answer reads)."""
    site = direct_url_site(tmp_path_factory.mktemp("url-site"))
    monkeypatch.syspath_prepend(str(site))
    return site


URL_IMPORTS = "import from_git_mod, from_archive_mod, from_folder_mod\nimport yaml"
FOLDER_WARNING = (
    "readiness-from-folder 0.3: installed from a folder on this machine: left out, not pinned from the package "
    "index. Publish it, or install it from a repository URL or an archive's URL, then freeze again"
)


def test_what_the_environment_installed_from_a_url_is_pinned_as_pip_freeze_pins_it(project, url_site):
    (project / "nb.ipynb").write_text(json.dumps(notebook(code(URL_IMPORTS, 1))))
    (project / "requirements.txt").write_text(
        "readiness-from-git>=0.1 ; python_version >= '3.8'  # ours\n"
        "readiness-from-archive @ https://mirror.example.org/a-1.0.tar.gz  # written by hand\n"
    )
    want = Wanted(["from_archive_mod", "from_folder_mod", "from_git_mod", "yaml"], [])
    environment = Environment.from_answer(local_environment(want.modules, want.installs, closure=True))
    reply = plan(FreezeRequest(path="nb.ipynb", lock=True), environment, Root(project)).reply
    yaml = f"PyYAML=={importlib.metadata.version('PyYAML')}"
    # a loose spec becomes the direct reference (its marker and comment kept); one written by
    # hand is left alone; the folder install is left out, with a warning
    assert reply.after == (
        f"{GIT_PIN} ; python_version >= '3.8'  # ours\n"
        "readiness-from-archive @ https://mirror.example.org/a-1.0.tar.gz  # written by hand\n"
        f"{yaml}\n"
    )
    assert reply.added == [yaml] and reply.unresolved == [] and reply.warnings == [FOLDER_WARNING]
    assert "0.1.dev0" not in reply.after and "readiness-from-folder" not in reply.after
    assert reply.lock is not None
    # the lock: what a pin file names by a URL is left to it, as before
    assert reply.lock.after.splitlines()[2:] == [
        yaml,
        "# readiness-from-archive: a pin file names it by a URL or a path: left to that install, not pinned from the "
        "package index (1.0 here)",
        "# readiness-from-folder: installed from a folder on this machine: left to that install, not pinned from the "
        "package index (0.3 here)",
        GIT_PIN,
    ]
    # into a pyproject.toml the same, and a second run changes nothing
    pyproject = merge_pyproject('[project]\nname = "x"\n', resolve(want, environment))
    assert f'"{GIT_PIN}"' in pyproject.after and f'"{ARCHIVE_PIN}"' in pyproject.after
    again = merge_pyproject(pyproject.after, resolve(want, environment))
    assert again.after == pyproject.after and again.added == again.changed == []


def test_cli_freezes_what_a_terminal_installed_from_a_url_as_pip_freeze_does(project, url_site):
    (project / "nb.ipynb").write_text(json.dumps(notebook(code(URL_IMPORTS, 1))))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "python"), str(url_site)])}

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "jupyterlab_readiness", "freeze", "nb.ipynb", "--lock", *args],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    result = run()
    assert result.returncode == 0, result.stderr
    assert f"warning: {FOLDER_WARNING}" in result.stdout
    lines = (project / "requirements.txt").read_text().splitlines()
    assert lines == [f"PyYAML=={importlib.metadata.version('PyYAML')}", ARCHIVE_PIN, GIT_PIN]
    lock = (project / "requirements-lock.txt").read_text().splitlines()
    assert ARCHIVE_PIN in lock and GIT_PIN in lock
    assert not any(line.startswith("readiness-from-folder") for line in lock)
    again = json.loads(run("--format", "json").stdout)
    assert again["added"] == [] and again["changed"] == [] and again["warnings"] == [FOLDER_WARNING]
