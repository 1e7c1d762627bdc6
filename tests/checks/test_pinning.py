"""unpinned-import (with real pin files around the notebook) and unpinned-install."""

from __future__ import annotations

import pytest

from helpers.notebooks import code, findings_of, md


def messages(report, check_id):
    return [f.message for f in report.findings if f.check == check_id]


# -- unpinned-import ----------------------------------------------------------------------------


def test_no_pin_file_fires_and_says_so(check):
    report = check(code("import pandas as pd", 1))
    assert findings_of(report, "unpinned-import") == [(0, 1)]
    (message,) = messages(report, "unpinned-import")
    assert "`pandas`" in message and "not pinned" in message
    assert "no requirements or lock file" in message
    (finding,) = [f for f in report.findings if f.check == "unpinned-import"]
    assert finding.severity == "warning"
    assert "pandas==" in finding.suggestion


def test_an_import_the_notebook_can_run_without_is_not_flagged(check):
    # what freeze does not pin either: the cell runs on without it
    optional = "try:\n    import yaml\nexcept ImportError:\n    yaml = None"
    assert findings_of(check(code(optional, 1)), "unpinned-import") == []
    # imported without a guard elsewhere, it is required: flagged where it is first imported
    assert findings_of(check(code(optional, 1), code("import yaml", 2)), "unpinned-import") == [(0, 2)]


def test_a_module_the_notebook_writes_itself_is_its_own_code(check):
    written = code("%%writefile helpers.py\ndef double(x):\n    return 2 * x", 1)
    assert findings_of(check(written, code("import helpers\nhelpers.double(2)", 2)), "unpinned-import") == []
    # written elsewhere than beside the notebook, it is not the module `import helpers` finds
    elsewhere = code("%%writefile build/helpers.py\ndef double(x):\n    return 2 * x", 1)
    assert findings_of(check(elsewhere, code("import helpers", 2)), "unpinned-import") == [(1, 1)]


def test_exact_pin_in_requirements_txt(check, project):
    (project / "requirements.txt").write_text("pandas==2.2.0\n")
    report = check(code("import pandas as pd", 1))
    assert findings_of(report, "unpinned-import") == []


def test_range_is_not_a_pin(check, project):
    (project / "requirements.txt").write_text("pandas>=2\n")
    report = check(code("import pandas as pd", 1))
    assert findings_of(report, "unpinned-import") == [(0, 1)]
    (message,) = messages(report, "unpinned-import")
    assert "none of requirements.txt pins it" in message


def test_pin_files_of_two_folders_are_named_from_the_notebook(check, project):
    """analysis/requirements.txt and the root's are two files: the message says which is which."""
    (project / "requirements.txt").write_text("pandas>=2\n")
    (project / "analysis").mkdir()
    (project / "analysis" / "requirements.txt").write_text("numpy==2.0.0\n")
    (message,) = messages(check(code("import pandas as pd", 1), name="analysis/a.ipynb"), "unpinned-import")
    assert "none of requirements.txt, ../requirements.txt pins it" in message


@pytest.mark.parametrize(
    "content, fires",
    [
        ("pandas==2.2.*\n", True),
        ("pandas~=2.2.0\n", True),
        ("pandas\n", True),
        ("pandas===2.2.0\n", False),
        ("Pandas == 2.2.0  # tested\n", False),
        ("-r base.txt\n", False),
        ("-c constraints.txt\npandas\n", False),
    ],
    ids=["wildcard", "compatible", "bare", "arbitrary-equality", "spaced-and-commented", "include", "constraint"],
)
def test_what_counts_as_a_pin_in_requirements(check, project, content, fires):
    (project / "base.txt").write_text("pandas==2.2.0\n")
    (project / "constraints.txt").write_text("pandas==2.2.0\n")
    (project / "requirements.txt").write_text(content)
    report = check(code("import pandas as pd", 1))
    assert findings_of(report, "unpinned-import") == ([(0, 1)] if fires else [])


def test_requirements_variants_and_lock_files_are_read(check, project):
    (project / "requirements-dev.txt").write_text("pytest==8.0.0\n")
    (project / "requirements").mkdir()
    (project / "requirements" / "prod.txt").write_text("requests==2.32.3\n")
    (project / "poetry.lock").write_text('[[package]]\nname = "numpy"\nversion = "1.26.4"\n')
    report = check(code("import pytest\nimport requests\nimport numpy\nimport pandas", 1))
    assert findings_of(report, "unpinned-import") == [(0, 4)]


@pytest.mark.parametrize(
    "statement, requirement",
    [
        ("import sklearn", "scikit-learn==1.5.0"),
        ("from sklearn.model_selection import train_test_split", "scikit-learn==1.5.0"),
        ("import yaml", "PyYAML==6.0.1"),
        ("import cv2", "opencv-python-headless==4.9.0.80"),
        ("from PIL import Image", "Pillow==10.3.0"),
        ("import bs4", "beautifulsoup4==4.12.3"),
    ],
)
def test_import_names_map_to_their_distribution(check, project, statement, requirement):
    (project / "requirements.txt").write_text(f"# pinned\n{requirement}\n")
    report = check(code(statement, 1))
    assert findings_of(report, "unpinned-import") == []


def test_message_names_the_distribution_for_sklearn(check):
    report = check(code("from sklearn.linear_model import LinearRegression", 1))
    assert findings_of(report, "unpinned-import") == [(0, 1)]
    (message,) = messages(report, "unpinned-import")
    # One sentence: "`sklearn`, which comes from scikit-learn, is imported but …".
    assert message.startswith("`sklearn`, which comes from scikit-learn, is imported but its version is not pinned")
    (finding,) = [f for f in report.findings if f.check == "unpinned-import"]
    assert "scikit-learn==" in finding.suggestion


def test_a_pin_file_that_cannot_be_read_is_named_with_why(check, project):
    # a broken Pipfile.lock beside a readable requirements.txt: the finding says which file and
    # why, relative to the notebook's folder, never its content
    (project / "Pipfile.lock").write_text('{"default": {"pandas": {"version": "==2.2.0"}},\n  oops\n')
    (project / "requirements.txt").write_text("numpy==2.0.0\n")
    report = check(code("import pandas as pd", 1))
    (finding,) = [f for f in report.findings if f.check == "unpinned-import"]
    assert finding.message == (
        "`pandas` is imported but its version is not pinned (none of requirements.txt pins it; a pin file could not "
        "be read, so its pins do not count: Pipfile.lock:2: invalid JSON: Expecting property name enclosed in double "
        "quotes (column 3)): next month's install may bring a release that breaks or changes results."
    )
    assert finding.suggestion.startswith("Repair `Pipfile.lock` so its pins count, or add `pandas==")
    assert "oops" not in finding.message and str(project) not in finding.message


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("environment.yml", "dependencies:\n  - pandas=2.2.0\n  bad: [\n", "environment.yml:3: not valid YAML"),
        ("poetry.lock", '[[package]]\nname = "pandas"\nversion = "2.2.0"\n[[x]\n', "poetry.lock:4: not valid TOML"),
        ("requirements.txt", b"pandas==2.2.0\n\xff\n", "requirements.txt: not UTF-8 text"),
        ("requirements.txt", "-r base.txt\n", "base.txt: no such file (included by requirements.txt)"),
    ],
)
def test_every_kind_of_unreadable_pin_file_is_reported(check, project, name, content, problem):
    (project / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    report = check(code("import pandas as pd", 1))
    (message,) = messages(report, "unpinned-import")
    assert f"a pin file could not be read, so its pins do not count: {problem}" in message
    assert "no requirements or lock file was found" not in message


def test_an_unreadable_pin_file_in_a_parent_folder_is_named_from_the_notebook(check, project):
    (project / "environment.yml").write_text("dependencies: [\n")
    sub = project / "notebooks"
    sub.mkdir()
    (message,) = messages(check(code("import pandas as pd", 1), name="notebooks/a.ipynb"), "unpinned-import")
    assert "could not be read, so its pins do not count: ../environment.yml:2: not valid YAML" in message


@pytest.mark.parametrize(
    "files",
    [
        {"requirements.txt": "pandas @ git+https://github.com/pandas-dev/pandas@v2.2.0\n"},
        {
            "requirements.txt": "-r base.txt\n",
            "base.txt": "-e git+https://github.com/pandas-dev/pandas@v2.2.0#egg=pandas\n",
        },
        {"requirements.txt": "./libs/pandas\n"},
        {"requirements.txt": "https://files.example.org/pandas-2.2.0-cp311-cp311-linux_x86_64.whl\n"},
        {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["pandas @ file:///opt/src/pandas"]\n'},
        {
            "pyproject.toml": "[tool.poetry.dependencies]\n"
            'pandas = {git = "https://github.com/pandas-dev/pandas", rev = "v2.2.0"}\n'
        },
        {"environment.yml": "dependencies:\n  - pip:\n    - pandas @ git+https://github.com/pandas-dev/pandas@v2\n"},
    ],
)
def test_a_direct_reference_is_an_exact_pin(check, project, files):
    for name, content in files.items():
        (project / name).write_text(content)
    assert findings_of(check(code("import pandas as pd\nimport yaml", 1)), "unpinned-import") == [(0, 2)]


def test_an_import_the_notebook_installs_from_a_url_is_pinned_by_that_install(check):
    # freeze leaves it to that install too: flagging it would ask for a fix that never comes
    installs = code(
        "!pip install 'pandas @ git+https://github.com/pandas-dev/pandas@v2.2.0'\n%pip install -e ./libs/pyyaml", 1
    )
    report = check(installs, code("import pandas as pd\nimport yaml\nimport requests", 2))
    assert findings_of(report, "unpinned-import") == [(1, 3)]
    assert findings_of(report, "unpinned-install") == []


@pytest.mark.parametrize("where", ["requirements.txt", "notebook"])
def test_a_repository_url_with_no_tag_or_commit_is_not_a_pin_and_says_why(check, project, where):
    # corpus: huggingface notebooks `!pip install git+https://github.com/huggingface/accelerate`
    url = "git+https://github.com/pandas-dev/pandas"
    if where == "requirements.txt":
        (project / "requirements.txt").write_text(f"pandas @ {url}\n")
    cells = [code(f"!pip install {url}", 1)] if where == "notebook" else []
    report = check(*cells, code("import pandas as pd", 2))
    (finding,) = [f for f in report.findings if f.check == "unpinned-import"]
    assert finding.message == (
        "`pandas` is imported but its version is not pinned (it is installed from a repository URL with no tag or "
        "commit: each install takes what its default branch holds that day): next month's install may bring a "
        "release that breaks or changes results."
    )
    assert finding.suggestion.startswith("Name the tag or commit you tested in its URL (`…@v1.2` or `…@<commit>`)")


def test_pin_from_pyproject_project_dependencies(check, project):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0"\ndependencies = ["pandas==2.2.0", "numpy>=1.26"]\n'
    )
    report = check(code("import pandas as pd\nimport numpy as np", 1))
    assert findings_of(report, "unpinned-import") == [(0, 2)]
    assert "`numpy`" in messages(report, "unpinned-import")[0]
    assert "pyproject.toml" in messages(report, "unpinned-import")[0]


def test_pin_from_environment_yml(check, project):
    (project / "environment.yml").write_text(
        "name: x\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pandas=2.2.0\n  - numpy\n  - pip\n  "
        "- pip:\n    - requests==2.32.3\n"
    )
    report = check(code("import pandas as pd\nimport numpy as np\nimport requests", 1))
    assert findings_of(report, "unpinned-import") == [(0, 2)]
    assert "`numpy`" in messages(report, "unpinned-import")[0]


def test_pin_from_a_parent_folder_up_to_the_repository_root(check, project):
    (project / "requirements.txt").write_text("pandas==2.2.0\n")
    (project / "notebooks" / "deep").mkdir(parents=True)
    report = check(code("import pandas as pd\nimport numpy as np", 1), name="notebooks/deep/analysis.ipynb")
    assert findings_of(report, "unpinned-import") == [(0, 2)]
    assert "`numpy`" in messages(report, "unpinned-import")[0]


def test_stdlib_and_future_never_fire(check):
    report = check(
        code(
            "from __future__ import annotations\nimport os, json, collections.abc\nfrom pathlib import Path\nimport "
            "sys\nfrom typing import Any",
            1,
        ),
    )
    assert findings_of(report, "unpinned-import") == []


def test_local_module_beside_the_notebook_never_fires(check, project):
    (project / "helpers.py").write_text("def load():\n    return 1\n")
    (project / "mypkg").mkdir()
    (project / "mypkg" / "__init__.py").write_text("")
    report = check(code("import helpers\nfrom mypkg.sub import thing\nfrom helpers import load", 1))
    assert findings_of(report, "unpinned-import") == []


def test_relative_imports_never_fire(check):
    report = check(code("from . import sibling\nfrom .utils import clean\nfrom ..core import base", 1))
    assert findings_of(report, "unpinned-import") == []


def test_one_finding_per_top_level_module_at_the_first_import(check):
    report = check(
        md("# Imports"),
        code("import os\nimport pandas as pd", 1),
        code("from pandas import DataFrame\nimport pandas.io.sql\nimport numpy as np", 2),
        code("import numpy.linalg", 3),
    )
    assert findings_of(report, "unpinned-import") == [(1, 2), (2, 3)]
    assert "`pandas`" in messages(report, "unpinned-import")[0]
    assert "`numpy`" in messages(report, "unpinned-import")[1]


# -- unpinned-install ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, tool, named",
    [
        ("!pip install pandas", "pip", "pandas"),
        ("!pip3 install -U pandas", "pip", "pandas"),
        ("%pip install seaborn", "pip", "seaborn"),
        ("!{sys.executable} -m pip install requests", "pip", "requests"),
        ("!python -m pip install 'numpy<2'", "pip", "numpy<2"),
        ("!conda install -y pandas", "conda", "pandas"),
        ("!pip install pandas==2.2.0 && pip install tqdm", "pip", "tqdm"),
    ],
)
def test_loose_install_fires_and_names_the_package(check, source, tool, named):
    report = check(md("setup"), code("import sys\n" + source, 1))
    assert findings_of(report, "unpinned-install") == [(1, 2)]
    (message,) = messages(report, "unpinned-install")
    assert f"`{tool} install` of {named} without an exact version" in message


def test_only_the_loose_requirement_is_named(check):
    report = check(code('%pip install -q "numpy>=1.26" scipy==1.13.0', 1))
    assert findings_of(report, "unpinned-install") == [(0, 1)]
    (message,) = messages(report, "unpinned-install")
    assert "numpy>=1.26" in message
    assert "scipy" not in message
    (finding,) = [f for f in report.findings if f.check == "unpinned-install"]
    assert "%pip install numpy==" in finding.suggestion


@pytest.mark.parametrize(
    "source",
    [
        "!pip install pandas==2.2.0",
        "%pip install -q pandas==2.2.0 numpy==1.26.4",
        "!conda install -y pandas=2.2.0",
        "!conda install -y pandas==2.2.0",
        "!pip install -r requirements.txt",
        "!pip install -e .",
        "!pip install ./dist/mypkg-0.1-py3-none-any.whl",
        "!pip install git+https://github.com/org/repo@v1.0",
        "!pip install libs/mypkg",  # pip reads a name with a slash as a path
        "%pip install mypkg @ git+https://github.com/org/mypkg@v1.2",  # a direct reference the shell split
        "!pip list",
        "!pip uninstall -y pandas",
        "%pip freeze > requirements.txt",
        "%pip install --index-url https://pypi.org/simple pandas==2.2.0",
    ],
)
def test_pinned_or_non_package_installs_do_not_fire(check, source):
    report = check(code(source, 1))
    assert findings_of(report, "unpinned-install") == []


def test_bash_cell_install_fires(check):
    report = check(code("%%bash\nset -e\npip install seaborn\necho done", 1))
    assert [index for index, _ in findings_of(report, "unpinned-install")] == [0]
    (message,) = messages(report, "unpinned-install")
    assert "seaborn" in message


def test_bash_cell_install_points_at_the_pip_line(check):
    # Findings point at the line the user sees (magics keep line numbers): the pip line is 3.
    report = check(code("%%bash\nset -e\npip install seaborn\necho done", 1))
    assert findings_of(report, "unpinned-install") == [(0, 3)]


@pytest.mark.parametrize(
    "source",
    [
        "!pip install -q pandas==2.2.0 > /dev/null",
        "%pip install pandas==2.2.0 > /dev/null 2>&1",
        "!pip install -q pandas==2.2.0 2>/dev/null",
        "!pip install pandas==2.2.0 2>&1",
        "!pip install pandas==2.2.0 | tail -1",
        "!pip install pandas==2.2.0; pip install numpy==1.26.4",
    ],
    ids=["redirect", "redirect-both", "stderr-redirect", "stderr-to-stdout", "pipe", "glued-semicolon"],
)
def test_shell_redirections_and_separators_are_not_packages(check, source):
    # Shell syntax after a pinned install is not a package spec: nothing to report, and no crash.
    report = check(code(source, 1))
    assert report.error is None
    assert findings_of(report, "unpinned-install") == []


def test_loose_install_with_a_redirect_names_only_the_package(check):
    report = check(code("!pip install pandas > install.log", 1))
    assert findings_of(report, "unpinned-install") == [(0, 1)]
    (message,) = messages(report, "unpinned-install")
    assert "of pandas without" in message
    assert "install.log" not in message and ">" not in message


# -- a long-running server ----------------------------------------------------------------------


def test_a_package_installed_while_the_server_runs_is_named_with_its_version(check, fake_site):
    """The pin a finding suggests is the version installed now, not the one the process saw first."""
    cells = (code("import fakepinmod", 1), code("%pip install readiness-pin-dist", 2))
    before = check(*cells)
    assert "`readiness-pin-dist==" not in " ".join(f.suggestion for f in before.findings)
    fake_site("readiness_pin_dist-4.5.6", "fakepinmod/__init__.py")
    after = check(*cells)
    suggestions = {f.check: f.suggestion for f in after.findings}
    assert "`readiness-pin-dist==4.5.6`" in suggestions["unpinned-import"]
    assert "`%pip install readiness-pin-dist==4.5.6`" in suggestions["unpinned-install"]
