"""Export to package: the plan (parameters, clock, steps, refusals, re-export), the CLI and the REST
route. The generated packages are installed and run for real in test_export_acceptance.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import tornado

from helpers.kernels import ARCHIVE_PIN, GIT_PIN, direct_url_site, kernel_only_site, running_kernel
from helpers.notebooks import REPO, check_notebook, code, findings_of, md, notebook
from jupyterlab_readiness.actions.errors import BadName
from jupyterlab_readiness.actions.export import plan as export
from jupyterlab_readiness.actions.export.parameters import rewrite_clock
from jupyterlab_readiness.actions.plan import Plan, apply
from jupyterlab_readiness.actions.rehearse.baseline import record_path
from jupyterlab_readiness.contract.report import to_dict
from jupyterlab_readiness.contract.requests import ExportRequest
from jupyterlab_readiness.contract.schema import EXPORT_REPLY
from jupyterlab_readiness.environment.answer import Environment
from jupyterlab_readiness.environment.kernel.distributions import local_environment
from jupyterlab_readiness.files import Root
from jupyterlab_readiness.notebook.fingerprint import code_fingerprint
from jupyterlab_readiness.notebook.model import NotebookError, notebook_from_json
from jupyterlab_readiness.notebook.parse import quiet_compiler

ENVIRONMENT = {
    "modules": {"pandas": [["pandas", "2.2.2"]]},
    "versions": {"pydantic": ["pydantic", "2.9.0"], "pydantic-settings": None},
    "python": "3.11",
}


def tagged(source: str, *tags: str) -> dict:
    cell = code(source)
    cell["metadata"]["tags"] = list(tags)
    return cell


REPORT = notebook(
    md("# Sales"),
    tagged("threshold = 0.5\nregion = 'north'\nsizes = [1, 2]", "parameters"),
    code("import pandas as pd\nfrom datetime import date"),
    md("## Load"),
    code("df = pd.DataFrame({'amount': [0.2, 0.7, 0.9], 'region': [region] * 3})"),
    code("df.head()"),
    md("Some prose, not a heading."),
    code("df"),
    md("## Summarise"),
    code(
        "big = df[df.amount > threshold]\nprint('total', big.amount.sum())\n"
        "big.to_csv(f'report_{date.today()}.csv')\nbig.to_csv('report.csv')"
    ),
    tagged("big.plot()", "skip-export"),
)


def plan(nb: dict, tmp_path: Path, **kwargs) -> Plan:
    path = tmp_path / kwargs.pop("file", "sales.ipynb")
    path.write_text(json.dumps(nb))
    out = kwargs.pop("out", None)
    request = ExportRequest(
        path=path.name,
        notebook=nb,
        name=kwargs.pop("name", None),
        out=Path(out).relative_to(tmp_path).as_posix() if out is not None else None,
    )
    result = export.plan(request, Environment.from_answer(kwargs.pop("environment", ENVIRONMENT)), Root(tmp_path))
    EXPORT_REPLY.validate_python(to_dict(result.reply))
    return result


def write(result: Plan, tmp_path: Path) -> None:
    apply(result, Root(tmp_path))


def files(result: Plan) -> dict[str, str]:
    return {f.path: f.text for f in result.reply.files}


# ------------------------------------------------------------------------------------- the plan
def test_a_report_becomes_steps_parameters_and_a_clock_parameter(tmp_path):
    result = plan(REPORT, tmp_path)
    reply = result.reply
    assert reply.refused is None and (reply.name, reply.distribution, reply.out) == ("sales", "sales", "sales")
    assert [(p.name, p.type, p.default, p.origin) for p in reply.parameters] == [
        ("threshold", "float", "0.5", "cell"),
        ("region", "str", "'north'", "cell"),
        ("sizes", "list[int]", "[1, 2]", "cell"),
        ("run_date", "datetime | None", "None", "clock"),
    ]
    assert reply.parameters_cell == 1 and reply.parameters[-1].cell_index == 9
    assert [(s.function, s.heading, s.cell_indices, s.parameters, s.returns) for s in reply.steps] == [
        ("load", "Load", [4, 5, 7], ["region"], ["df"]),
        ("summarise", "Summarise", [9], ["df", "threshold", "run_date"], []),
    ]
    texts = files(result)
    steps = texts["src/sales/steps.py"]
    assert 'logger.info("%s %s", "total", big.amount.sum())' in steps and "print(" not in steps
    assert 'f"report_{run_date.date()}.csv"' in steps and "date.today" not in steps
    assert "plot()" not in steps  # a skip-export cell is left out
    # what a cell displays last is saved in the run's displays/ folder (a table as CSV)
    assert 'save_value("load", 6, df.head())' in steps and 'save_value("load", 8, df)' in steps  # cells from 1
    assert "Left out: cell 11" in " ".join(reply.warnings)
    pipeline = texts["src/sales/pipeline.py"]
    assert "    df = load(region)\n" in pipeline and "    summarise(df, threshold, run_date)\n" in pipeline
    assert "sizes" not in pipeline  # a parameter nothing reads is not unpacked
    pyproject = texts["pyproject.toml"]
    assert (
        '"pandas==2.2.2"' in pyproject
        and '"pydantic==2.9.0"' in pyproject
        and '"pydantic-settings>=2.1,<3"' in pyproject
    )
    assert 'requires-python = ">=3.11"' in pyproject and 'sales = "sales.cli:main"' in pyproject
    assert "sizes: list[int] = Field(default=[1, 2]" in texts["src/sales/parameters.py"]
    assert '"--sizes", dest="sizes", help="list[int], JSON, default: [1, 2]"' in texts["src/sales/cli.py"]
    assert (
        "| `--run-date` | `SALES_RUN_DATE` | `datetime | None` | now (filled in by the command line) |"
        in texts["README.md"]
    )
    assert "0 6 * * *" in texts["README.md"] and "Score **" in texts["README.md"]
    assert json.loads(texts["tests/conftest.py"].split("INPUTS = ")[1].split("\n")[0]) == []
    assert '["report.csv"]' in texts["tests/test_pipeline.py"]  # the literal output name; the dated one is not literal
    for path, text in texts.items():
        if path.endswith(".py"):
            compile(text, path, "exec")
            assert text.startswith("# Generated by jupyterlab-readiness from sales.ipynb.")


def test_the_value_a_cell_shows_last_is_saved_whatever_its_type_and_without_pandas(tmp_path):
    # no pandas: a shown value was saved only where it might be a pandas table, in a pandas notebook
    nb = notebook(
        md("## Numbers"),
        code("total = sum(range(10))\ntotal"),
        code("primes = [n for n in range(2, 30) if all(n % d for d in range(2, n))]\nprimes"),
        code("len(primes), total"),
        code("hidden = max(primes)\nhidden;"),  # IPython shows nothing for a cell ending with `;`
        code("nothing = None\n'a note'"),  # a lone string is kept as a note
        code("print(total)\nopen('out.txt', 'w').write(str(primes))"),  # a write's count is not kept
    )
    texts = files(plan(nb, tmp_path))
    steps = texts["src/sales/steps.py"]
    assert "from .displays import save_value\n" in steps
    assert '    total = sum(range(10))\n    save_value("numbers", 2, total)\n' in steps  # no `noqa: F841`
    assert 'save_value("numbers", 3, primes)' in steps
    assert 'save_value("numbers", 4, (len(primes), total))' in steps  # a tuple: one argument
    assert steps.count("save_value(") == 3  # not `hidden;`, the note, nor the write
    assert "    hidden = max(primes)  # noqa: F841\n" in steps and "\n    open(" in steps
    displays = texts["src/sales/displays.py"]
    assert "def save_value(" in displays and "STEP-cellCELL.txt" in displays and "import pandas" not in displays
    readme = texts["README.md"]
    assert "any other value as its text" in readme and "`%time` and `%timeit` lines" in readme


def test_findings_the_export_made_parameters_are_not_listed_as_weakening_the_package(tmp_path):
    reply = plan(REPORT, tmp_path).reply
    assert "wall-clock" not in {f.check for f in reply.weakening}  # date.today() became run_date
    assert "wall-clock" not in files(plan(REPORT, tmp_path))["README.md"]
    drawn = notebook(
        code("import random\nimport numpy as np\n\nrng = np.random.default_rng()"),
        code("print(random.random(), rng.random())"),
    )
    result = plan(drawn, tmp_path, file="drawn.ipynb")
    assert [p.name for p in result.reply.parameters] == ["seed"]
    left = [f.message for f in result.reply.weakening if f.check == "unseeded-random"]
    assert len(left) == 1 and "default_rng()" in left[0], left  # the seed does not reach a generator made unseeded
    readme = files(result)["README.md"]
    assert "`np.random.default_rng()`" in readme and "`random.random`" not in readme.split("Findings to look at")[1]


def test_imports_and_installs_the_package_pins_exactly_do_not_weaken_it(tmp_path):
    nb = notebook(
        code("%pip install pandas"),
        code("!pip install requests"),  # not installed here: not in the dependencies
        code("import pandas as pd\nimport mystery_mod\nfrom helpers import total"),
        code("print(total(pd.Series([1]), mystery_mod.x))"),
    )
    (tmp_path / "helpers.py").write_text("import numpy\nimport missing_two\n\n\ndef total(s, x):\n    return s.sum()\n")
    environment = {
        "modules": {"pandas": [["pandas", "2.2.2"]], "numpy": [["numpy", "2.1.0"]]},
        "versions": {"pandas": ["pandas", "2.2.2"], "requests": None},
        "python": "3.11",
    }
    result = plan(nb, tmp_path, file="pins.ipynb", environment=environment)
    reply = result.reply
    pyproject = files(result)["pyproject.toml"]
    assert '"pandas==2.2.2"' in pyproject and '"numpy==2.1.0"' in pyproject
    assert sorted(reply.unresolved) == ["missing_two", "mystery_mod", "requests"]
    left = [(f.check, f.cell_index, f.line, f.file) for f in reply.weakening if f.check.startswith("unpinned")]
    assert left == [
        ("unpinned-install", 1, 1, None),
        ("unpinned-import", 2, 2, None),
        ("unpinned-import", 2, 3, "helpers.py"),
    ], left
    assert "`pandas` is imported" not in files(result)["README.md"]  # the package's own list agrees


def dependencies(result: Plan) -> list[str]:
    """The generated pyproject.toml's [project].dependencies, one requirement a line as written."""
    text = files(result)["pyproject.toml"]
    block = text.split("dependencies = [\n", 1)[1].split("]\n", 1)[0]
    return [json.loads(line.strip().removesuffix(",")) for line in block.splitlines()]


def test_what_a_cell_installs_from_a_url_is_that_url_in_the_dependencies_never_an_index_pin(tmp_path):
    nb = notebook(
        code("!pip install pyyaml pandas"),
        code("!pip install 'PyYAML @ git+https://github.com/yaml/pyyaml@6.0.1#egg=PyYAML'"),
        code("%pip install -e git+https://github.com/org/mine#egg=mine\n!pip install -e ./libs/ourlib"),
        code("import pandas as pd\nimport yaml\nimport mine\nimport ourlib\nprint(pd, yaml, mine, ourlib)"),
    )
    environment = {
        "modules": {
            "pandas": [["pandas", "2.2.2"]],
            "yaml": [["PyYAML", "6.0.1"]],
            "mine": [["mine", "0.3"]],
            "ourlib": [["ourlib", "1.0"]],
        },
        "versions": {
            "pandas": ["pandas", "2.2.2"],
            "pyyaml": ["PyYAML", "6.0.1"],
            "mine": ["mine", "0.3"],
            "ourlib": ["ourlib", "1.0"],
            "pydantic": ["pydantic", "2.9.0"],
            "pydantic-settings": None,
        },
        "python": "3.11",
    }
    result = plan(nb, tmp_path, file="urls.ipynb", environment=environment)
    reply = result.reply
    assert dependencies(result) == [
        "mine @ git+https://github.com/org/mine",
        "pandas==2.2.2",
        "pydantic-settings>=2.1,<3",
        "pydantic==2.9.0",
        "PyYAML @ git+https://github.com/yaml/pyyaml@6.0.1",
    ]
    assert reply.unresolved == []
    assert [w for w in reply.warnings if w.startswith("`")] == [
        "`mine`: cell 3 installs it from a repository URL with no tag or commit, and so does the package (`mine @ "
        "git+https://github.com/org/mine`): each install takes what its default branch holds that day. Name the tag "
        "or commit you tested in the URL (`…@v1.2`), then export again.",
        "`ourlib`: cell 3 installs it from a local path: left out of the package's dependencies (that path is not on "
        "the machine that installs the package). Publish it, or install it from a repository URL with a tag "
        "(`ourlib @ git+https://…@v1.2`), then export again.",
    ]
    # `pip install pyyaml pandas` is answered: pandas pinned, PyYAML installed from its tag; `mine` follows a branch
    left = [(f.check, f.cell_index, f.line) for f in reply.weakening if f.check.startswith("unpinned")]
    assert left == [("unpinned-import", 3, 3)], left


def test_what_the_environment_installed_from_a_url_is_that_url_in_the_dependencies(tmp_path, monkeypatch):
    # installed in a terminal (`pip install git+https://…`, an sdist's URL, `pip install -e ./folder`),
    # not in any cell: the environment's direct_url.json says where from, as pip freeze reads it
    monkeypatch.syspath_prepend(str(direct_url_site(tmp_path / "site")))
    nb = notebook(code("import from_git_mod\nimport from_archive_mod\nimport from_folder_mod\nprint(from_git_mod)"))
    (tmp_path / "work").mkdir()
    want = export.wanted(notebook_from_json(nb), tmp_path / "work" / "urls.ipynb")
    answer = local_environment(want.modules, want.installs, closure=False)
    result = plan(nb, tmp_path / "work", file="urls.ipynb", environment=answer)
    pydantic = [f"pydantic-settings=={version('pydantic-settings')}", f"pydantic=={version('pydantic')}"]
    assert dependencies(result) == [*pydantic, ARCHIVE_PIN, GIT_PIN]  # one requirement per distribution
    assert [w for w in result.reply.warnings if w.startswith("`")] == [
        "`readiness-from-folder`: 0.3 is installed from a folder on this machine: left out of the package's "
        "dependencies (that folder is not on the machine that installs the package, and the package index's "
        "`readiness-from-folder` is another thing). Publish it, or install it from a repository URL with a tag "
        "(`readiness-from-folder @ git+https://…@v1.2`), then export again."
    ]
    # the imports the URLs answer no longer weaken the package; the folder's still does
    left = [(f.check, f.line) for f in result.reply.weakening if f.check.startswith("unpinned")]
    assert left == [("unpinned-import", 3)], left
    assert "git" in files(result)["Dockerfile"].split("apt-get install", 1)[1].split("\n", 1)[0]


def test_a_distribution_the_notebook_imports_is_a_dependency_whatever_the_generated_code_needs(tmp_path):
    nb = notebook(code("import pandas as pd\nimport pandera as pa\n\nprint(pa.Check.ge(0), pd.Series([1]))"))
    environment = {
        "modules": {"pandas": [["pandas", "2.2.2"]], "pandera": [["pandera", "0.20.4"]]},
        "versions": {"pydantic": ["pydantic", "2.9.0"], "pydantic-settings": ["pydantic-settings", "2.5.2"]},
        "python": "3.11",
    }
    # no rehearsal saw a table written: the generated code needs no pandera, the notebook does
    result = plan(nb, tmp_path, file="frames.ipynb", environment=environment)
    assert dependencies(result) == ["pandas==2.2.2", "pandera==0.20.4", "pydantic-settings==2.5.2", "pydantic==2.9.0"]
    # not installed where the versions come from: unresolved, as any import nothing provides
    missing = {**environment, "modules": {"pandas": [["pandas", "2.2.2"]]}}
    result = plan(nb, tmp_path, file="frames.ipynb", environment=missing)
    assert "pandera" not in " ".join(dependencies(result)) and result.reply.unresolved == ["pandera"]
    # a notebook that does not import it: still only the framework's optional addition, left out
    bare = notebook(code("import pandas as pd\n\nprint(pd.Series([1]))"))
    assert dependencies(plan(bare, tmp_path, file="bare.ipynb", environment=environment)) == [
        "pandas==2.2.2",
        "pydantic-settings==2.5.2",
        "pydantic==2.9.0",
    ]


def test_a_pydantic_the_notebook_pins_outside_the_generated_code_s_range_is_one_requirement_and_a_warning(tmp_path):
    nb = notebook(code("!pip install pydantic==1.10.13\nimport pydantic\n\nprint(pydantic.VERSION)"))
    environment = {
        "modules": {"pydantic": [["pydantic", "1.10.13"]]},
        "versions": {"pydantic": ["pydantic", "1.10.13"], "pydantic-settings": None},
        "python": "3.11",
    }
    result = plan(nb, tmp_path, file="old.ipynb", environment=environment)
    assert dependencies(result) == ["pydantic-settings>=2.1,<3", "pydantic==1.10.13"]
    assert (
        "The package pins `pydantic==1.10.13`, the version the notebook runs with, but the generated code needs "
        "pydantic>=2.5,<3: pip cannot install the package as it is. Install a version in that range where the "
        "notebook runs, check the notebook still runs, then export again."
    ) in result.reply.warnings
    # installed from a URL: that reference, and no second requirement for the framework's range
    url = notebook(
        code("!pip install 'pydantic @ git+https://github.com/pydantic/pydantic@v2.9.0'"),
        code("import pydantic\n\nprint(pydantic.VERSION)"),
    )
    result = plan(url, tmp_path, file="fork.ipynb", environment={**environment, "modules": {}, "versions": {}})
    assert dependencies(result) == [
        "pydantic @ git+https://github.com/pydantic/pydantic@v2.9.0",
        "pydantic-settings>=2.1,<3",
    ]


def test_an_append_warns_that_the_package_s_idempotence_test_fails_until_the_write_is_fixed(tmp_path):
    nb = notebook(
        md("# Log"),
        code("import pandas as pd\n\ndf = pd.DataFrame({'a': [1]})\ndf.to_csv('rows.csv', mode='a')"),
        code("with open('log.txt', 'a') as f:\n    f.write('ran')"),
    )
    result = plan(nb, tmp_path, file="log.ipynb")
    assert {(f.check, f.cell_index) for f in result.reply.weakening} >= {("append-write", 1), ("append-write", 2)}
    (told,) = [w for w in result.reply.warnings if "test_running_twice_gives_the_same_files" in w]
    assert "cell 2 line 4, cell 3 line 1" in told and "fails until those writes replace the file" in told
    # the generated test stays as it is: it tells the truth about the package
    assert "def test_running_twice_gives_the_same_files" in files(result)["tests/test_pipeline.py"]
    # an append the rehearsal saw leave its file unchanged is not one the test trips on
    path = tmp_path / "log.ipynb"
    static = [{"check": "append-write", "cell_index": 2, "confirmed": False, "reason": "log.txt was the same"}]
    rehearsed(path, [], static=static)
    (told,) = [w for w in plan(nb, tmp_path, file="log.ipynb").reply.warnings if "twice" in w]
    assert "cell 2 line 4;" in told and "cell 3" not in told and "that write replaces" in told
    quiet = notebook(code("with open('log.txt', 'w') as f:\n    f.write('ran')"))
    assert not [w for w in plan(quiet, tmp_path, file="quiet.ipynb").reply.warnings if "twice" in w]


def test_a_rehearsal_s_non_idempotent_write_weakens_the_package(tmp_path):
    nb = notebook(md("# Totals"), code("import json\n\nwith open('totals.json', 'w') as f:\n    json.dump({}, f)"))
    path = tmp_path / "totals.ipynb"
    path.write_text(json.dumps(nb))
    drift = {
        "check": "non-idempotent-write",
        "severity": "error",
        "cell_index": 1,
        "cell_id": None,
        "line": None,
        "message": "`totals.json` is different after the second run (2 → 3 bytes): rewritten with other content.",
        "suggestion": "Make the file depend only on the notebook's inputs.",
    }
    rehearsed(path, [drift])
    result = export.plan(ExportRequest(path=path.name), Environment.from_answer(ENVIRONMENT), Root(tmp_path))
    assert [(f.check, f.cell_index) for f in result.reply.weakening] == [("non-idempotent-write", 1)]
    assert "`totals.json` is different after the second run" in files(result)["README.md"]


def rehearsed(path: Path, findings: list[dict], static: list[dict] = ()) -> None:
    """A record of a rehearsal of the notebook at ``path`` as it is now, as ``rehearse`` leaves it."""
    model = notebook_from_json(json.loads(path.read_text()))
    record = {
        "version": 1,
        "key": code_fingerprint(model, {}),
        "notebook": path.name,
        "rehearsed_at": "2026-11-30T10:00:00Z",
        "kernel": "python3",
        "parameters": {},
        "runs": 2,
        "in_place": False,
        "passed": not any(f["severity"] == "error" for f in findings),
        "seconds": 1.5,
        "code_cells": [c.index for c in model.cells if c.cell_type == "code"],
        "findings": findings,
        "cells": [],
        "files": [],
        "static": list(static),
    }
    record_path(path).parent.mkdir(exist_ok=True)
    record_path(path).write_text(json.dumps(record))


def test_a_write_in_a_try_block_is_not_a_file_every_run_must_write(tmp_path):
    nb = notebook(
        code("import pandas as pd\n\ndf = pd.DataFrame({'a': [1]})\ndf.to_csv('a.csv')"),
        code("try:\n    df.to_excel('a.xlsx')\nexcept ImportError as e:\n    print(e)"),
    )
    texts = files(plan(nb, tmp_path, file="tried.ipynb"))
    assert 'for name in ["a.csv"]:' in texts["tests/test_pipeline.py"]  # openpyxl may be missing, as in the notebook


def test_without_a_tag_the_first_literal_only_cell_holds_the_parameters(tmp_path):
    nb = notebook(
        code("import math"),
        code("radius = 2.0  # metres\nlabel = None"),
        code("area = math.pi * radius ** 2\nprint(label, area)"),
    )
    reply = plan(nb, tmp_path).reply
    assert [(p.name, p.type, p.origin) for p in reply.parameters] == [
        ("radius", "float", "cell"),
        ("label", "str | None", "cell"),
    ]
    assert reply.parameters_cell == 1 and [s.parameters for s in reply.steps] == [["radius", "label"]]


def test_a_notebook_without_parameters_exports_a_pipeline_without_inputs(tmp_path):
    nb = notebook(
        code("import json"),
        md("## Count"),
        code("counts = {k: len(k) for k in ('a', 'bb')}\nprint(json.dumps(counts))"),
    )
    result = plan(nb, tmp_path)
    assert result.reply.parameters == [] and result.reply.parameters_cell is None
    assert "The notebook has no parameters cell" in files(result)["README.md"]


def test_a_tagged_parameters_cell_must_hold_literals(tmp_path):
    nb = notebook(tagged("n = 3\nstart = n * 2", "parameters"), code("print(start)"))
    reply = plan(nb, tmp_path).reply
    assert (
        reply.refused
        and "The parameters cell (cell 1) line 2 is not a literal assignment" in reply.refused
        and reply.files == []
    )


def test_clock_reads_become_the_run_parameter_only_where_exact():
    source = (
        "import datetime as dt, time\nimport pandas as pd\na = dt.datetime.now()\nb = dt.date.today()\n"
        "c = time.time()\nd = pd.Timestamp('now')\ne = dt.datetime.utcnow()\n"
        "f = dt.datetime.now(dt.timezone.utc).isoformat()"
    )
    cell = notebook_from_json(notebook(code(source))).cells[0]
    result = rewrite_clock([cell], "run_date")
    assert result.sources[0].splitlines()[2:] == [
        "a = run_date",
        "b = run_date.date()",
        "c = run_date.timestamp()",
        "d = pd.Timestamp(run_date)",
        "e = dt.datetime.utcnow()",
        "f = run_date.astimezone(dt.timezone.utc).isoformat()",
    ]
    assert result.left == [(0, 7, "dt.datetime.utcnow()", "no exact equivalent in terms of run_date")]


def test_the_export_knows_the_clock_reads_the_check_flags_and_no_others():
    # One catalogue (notebook/clocks.py): a clock read the check flags is either replaced or named
    # as left; a call that is pure given its argument is neither.
    source = (
        "import time, pendulum\nimport pandas as pd\nt = time.localtime(1700000000)\n"
        "s = time.strftime('%Y', t)\ny = pendulum.yesterday()\nu = pd.Timestamp('now', tz='UTC')\n"
        "v = pd.Timestamp('yesterday')"
    )
    cell = notebook_from_json(notebook(code(source))).cells[0]
    result = rewrite_clock([cell], "run_date")
    assert 0 not in result.sources  # nothing here is the run's date exactly
    left = [(line, call) for _, line, call, _ in result.left]
    assert left == [(5, "pendulum.yesterday()"), (6, "pd.Timestamp('now', tz='UTC')"), (7, "pd.Timestamp('yesterday')")]
    flagged = check_notebook(notebook(code(source, 1)), "clocks.ipynb")
    assert findings_of(flagged, "wall-clock") == [(0, 5), (0, 6), (0, 7)]


def test_clock_reads_that_measure_time_keep_reading_the_clock_and_the_date_of_the_run_still_becomes_run_date():
    cells = notebook_from_json(
        notebook(
            code("import time\nfrom datetime import date, datetime as dt, timedelta\n\nt0 = time.time()\nt = dt.now()"),
            code("deadline = time.time() + 1\nwhile time.time() < deadline:\n    time.sleep(0.1)"),
            code("elapsed = time.time() - t0\nprint(elapsed > 0.5, dt.now() - t)"),
            code("t1 = time.time()\ntoday = date.today()\nweek_ago = today - timedelta(days=7)"),
            code("print(t1 - t0 > 0.5, week_ago)"),
        )
    ).cells
    result = rewrite_clock(cells, "run_date")
    assert result.sources == {3: "t1 = time.time()\ntoday = run_date.date()\nweek_ago = today - timedelta(days=7)"}
    measures = "it measures how long something takes: one date for the whole run would make that 0"
    waits = "it waits for the clock: the run's date never moves"
    assert sorted(result.left) == [
        (0, 4, "time.time()", measures),
        (0, 5, "dt.now()", measures),
        (1, 1, "time.time()", measures),
        (1, 2, "time.time()", waits),
        (2, 1, "time.time()", measures),
        (2, 2, "dt.now()", measures),
        (3, 1, "time.time()", measures),
    ]


def test_the_run_parameter_never_takes_a_name_the_notebook_uses(tmp_path):
    nb = notebook(
        code("from datetime import datetime\nrun_date = 'x'\nnow = datetime.now()\nprint(run_date, now.year > 2000)")
    )
    reply = plan(nb, tmp_path).reply
    assert [p.name for p in reply.parameters if p.origin == "clock"] == ["run_date_2"]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ((code("print(total)"),), "hidden-state"),
        ((code("x = (1,"),), "syntax-error"),
    ],
)
def test_hidden_state_and_syntax_errors_refuse_with_the_findings(tmp_path, cells, expected):
    reply = plan(notebook(*cells), tmp_path).reply
    assert reply.refused and "cannot be exported safely" in reply.refused and reply.files == []
    assert [f.check for f in reply.blocking] == [expected]
    with pytest.raises(ValueError, match="cannot be exported safely"):
        write(plan(notebook(*cells), tmp_path), tmp_path)


def test_a_non_python_notebook_is_refused(tmp_path):
    reply = plan(notebook(code("x <- 1"), language="R"), tmp_path, environment={}).reply
    assert reply.refused and "runs r" in reply.refused


def test_a_notebook_with_nothing_to_run_says_what_it_lacks(tmp_path):
    prose = plan(notebook(md("# Notes"), md("Only prose.")), tmp_path).reply.refused
    assert prose == "The notebook has no code cells: there is no pipeline to package."
    skipped = plan(notebook(md("# Notes"), tagged("x = 1", "skip-export")), tmp_path).reply.refused
    assert skipped.startswith("The notebook has no code to export (cells 2: tagged `skip-export`, or nothing a")
    comments = plan(notebook(md("# Notes"), code("# to do: load the data")), tmp_path).reply.refused
    assert "(cells 2: tagged `skip-export`, or nothing a package runs" in comments and "comments" in comments


def test_ipython_syntax_a_package_cannot_run_is_refused_but_session_magics_go(tmp_path):
    ok = notebook(
        code("%matplotlib inline\n!pip install -q pandas\nimport pandas as pd"),
        code("%%time\nx = pd.Series([1]).sum()\nprint(x)"),
    )
    assert plan(ok, tmp_path).reply.refused is None
    bad = notebook(code("files = !ls\nprint(files)"))
    refused = plan(bad, tmp_path).reply.refused
    assert "Cell 1 line 1 uses IPython syntax" in refused and "`files = !ls`" in refused and "skip-export" in refused


def test_a_waived_credential_in_an_install_url_is_masked_in_the_warning_that_quotes_it(tmp_path):
    # The user accepted the credential (an ignore comment): the package installs what the notebook
    # did, but the reply that quotes the line does not show it again.
    install = "%pip install git+https://ana:s3cretPassw0rd@github.com/org/mine#egg=mine  # readiness: ignore"
    nb = notebook(code(install), code("import mine\nprint(mine)"))
    environment = {
        "modules": {"mine": [["mine", "0.3"]]},
        "versions": {"mine": ["mine", "0.3"], "pydantic": ["pydantic", "2.9.0"], "pydantic-settings": None},
        "python": "3.11",
    }
    reply = plan(nb, tmp_path, environment=environment).reply
    (warning,) = [w for w in reply.warnings if w.startswith("`mine`")]
    assert "(`mine @ git+https://***@github.com/org/mine`)" in warning
    assert "s3cretPassw0rd" not in json.dumps([to_dict(f) for f in reply.blocking + reply.weakening] + reply.warnings)


def test_a_refusal_or_warning_that_quotes_the_notebook_masks_credentials(tmp_path):
    # The notebook's own text, quoted back in the reply: a token in it is shown as ***, as everywhere.
    secret = "s3cretPassw0rd"
    shell = plan(notebook(code(f"files = !curl -s https://ana:{secret}@example.com/list\nprint(files)")), tmp_path)
    assert "`files = !curl -s https://***@example.com/list`" in shell.reply.refused
    parameters = notebook(tagged(f"n = 3\nurl = 'https://ana:{secret}@example.com/' + str(n)", "parameters"))
    refused = plan(parameters, tmp_path).reply.refused
    assert "line 2 is not a literal assignment (`url = 'https://***@example.com/' + str(n)`)" in refused
    for result in (shell, plan(parameters, tmp_path)):
        assert secret not in json.dumps(to_dict(result.reply))


def test_a_comment_that_only_introduced_a_dropped_magic_goes_with_it_and_a_comment_cell_is_said_left_out(tmp_path):
    nb = notebook(
        md("# Setup"),
        code("# Render our plots inline\n%matplotlib inline\n\nimport pandas as pd\n# Bigger\nx = pd.Series([1])"),
        code("# Set up the session, then the data\n%load_ext autoreload\n%autoreload 2\ny = x.sum()"),
        code("# The totals are printed below"),
        code("print(y)"),
    )
    result = plan(nb, tmp_path)
    steps = files(result)["src/sales/steps.py"]
    assert "Render our plots inline" not in steps and "# Bigger" in steps
    assert "# Set up the session, then the data" in steps, "it introduces the code below the magics too"
    left_out = [w for w in result.reply.warnings if w.startswith("Left out:")]
    assert left_out == [
        "Left out: cell 4 (tagged `skip-export`, or nothing a package runs: values it only displays, "
        "session magics, comments)."
    ]


def test_a_section_that_cannot_become_a_function_names_the_notebook_s_cells(tmp_path):
    # the export extracts from a copy of the notebook without prose, whose cells number otherwise
    nb = notebook(
        md("# Counting"),
        code("start = 3"),
        md("## Bump"),
        md("Words about it."),
        code("import asyncio\n\ncount = start\nawait asyncio.sleep(0)"),
        md("## Show"),
        code("shown = [count]\ndef show():\n    print(shown)\nshow()"),
        md("## Reset"),
        code("shown = None"),
        code("show()"),
    )
    refused = plan(nb, tmp_path).reply.refused
    assert "The section “Bump” (cell 5) cannot become a function: Cell 5 line 4 uses top-level `await`" in refused
    nb["cells"][4] = code("count = start + 1")
    refused = plan(nb, tmp_path).reply.refused
    assert "The section “Show” (cell 7) cannot become a function: `show`" in refused
    assert "reads `shown`, which cell 9 rebinds" in refused, refused


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("Sales", "lower case"),
        ("1sales", "not a valid package name"),
        ("json", "shadow"),
        ("pandas", "shadow"),
        ("steps", "shadow"),
    ],
)
def test_bad_package_names_are_refused_with_the_reason(tmp_path, name, why):
    with pytest.raises(BadName, match=why):
        plan(REPORT, tmp_path, name=name)


def test_reexport_changes_nothing_and_edited_files_are_conflicts(tmp_path):
    first = plan(REPORT, tmp_path, name="daily_sales")
    assert {f.status for f in first.reply.files} == {"create"}
    write(first, tmp_path)
    out = tmp_path / "daily_sales"
    assert json.loads((out / ".readiness-export.json").read_text())["files"].keys() == {
        f.path for f in first.reply.files
    } - {".readiness-export.json"}
    again = plan(REPORT, tmp_path, name="daily_sales")
    assert {f.status for f in again.reply.files} == {"unchanged"} and again.writes == {}
    # the user edits one file; the notebook changes so that every file would change
    (out / "README.md").write_text("# mine\n")
    changed = json.loads(json.dumps(REPORT))
    changed["cells"][1]["source"] = "threshold = 0.6\nregion = 'north'\nsizes = [1, 2]"
    third = plan(changed, tmp_path, name="daily_sales")
    statuses = {f.path: f.status for f in third.reply.files}
    assert statuses["README.md"] == "conflict" and third.reply.conflicts == ["README.md"]
    assert statuses["src/daily_sales/parameters.py"] == "update" and statuses["src/daily_sales/steps.py"] == "unchanged"
    write(third, tmp_path)
    assert (out / "README.md").read_text() == "# mine\n"
    assert "default=0.6" in (out / "src/daily_sales/parameters.py").read_text()
    # still a conflict next time: the manifest keeps the hash of what the export last wrote
    assert plan(changed, tmp_path, name="daily_sales").reply.conflicts == ["README.md"]


def test_a_file_that_was_there_before_the_first_export_is_a_conflict(tmp_path):
    out = tmp_path / "sales"
    out.mkdir()
    (out / "pyproject.toml").write_text("[project]\nname = 'theirs'\n")
    result = plan(REPORT, tmp_path)
    assert result.reply.conflicts == ["pyproject.toml"]
    write(result, tmp_path)
    assert (out / "pyproject.toml").read_text() == "[project]\nname = 'theirs'\n"
    (tmp_path / "sales.ipynb").write_text(json.dumps(REPORT))
    # the command line must not claim an export wrote a file no export ever wrote
    told = cli("sales.ipynb", "--name", "sales", "--out", "sales", cwd=tmp_path)
    assert (
        told.returncode == 1
        and "conflict: sales/pyproject.toml is not what the last export wrote (edited since, or there before the first "
        "export)"
        in told.stdout
    )


def test_the_generated_package_runs_and_logs_what_the_notebook_printed(tmp_path):
    nb = notebook(
        tagged("n = 4", "parameters"),
        md("## Squares"),
        code("squares = [i * i for i in range(n)]\nprint('sum', sum(squares))"),
        md("## Save"),
        code("with open('out.txt', 'w') as f:\n    f.write(str(squares))"),
    )
    result = plan(nb, tmp_path, name="squares_job")
    write(result, tmp_path)
    project = tmp_path / "squares_job"
    work = tmp_path / "work"
    work.mkdir()
    env = {"PYTHONPATH": str(project / "src"), "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [sys.executable, "-m", "squares_job", "--n", "5", "--workdir", str(work)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["status"] == "ok" and summary["parameters"] == {"n": 5}
    assert "INFO squares_job.steps: sum 30" in run.stderr
    assert (work / "out.txt").read_text() == "[0, 1, 4, 9, 16]"
    bad = subprocess.run(
        [sys.executable, "-m", "squares_job", "--n", "five"], capture_output=True, text=True, env=env, timeout=120
    )
    assert bad.returncode == 2 and json.loads(bad.stdout)["status"] == "invalid-parameters" and "five" not in bad.stdout
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(project / "tests")],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(project / "src")},
        cwd=project,
        timeout=300,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "5 passed" in tests.stdout  # 3 of the whole pipeline, 1 per step


def test_a_print_in_a_function_with_a_logger_parameter_stays_a_print(tmp_path):
    # logger.info there would call the parameter's .info (None here): the run would fail
    nb = notebook(
        tagged("n = 4", "parameters"),
        code("def report(value, logger=None):\n    print('value', value)\n    return logger\n\nreport(n)"),
    )
    write(plan(nb, tmp_path, name="report_job"), tmp_path)
    steps = (tmp_path / "report_job" / "src" / "report_job" / "steps.py").read_text()
    assert 'print("value", value)' in steps
    run = subprocess.run(
        [sys.executable, "-m", "report_job", "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path / "report_job" / "src"), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "report_job.steps: value 4" in run.stderr  # the package logs what a step prints


# ------------------------------------------------------------------------------------- the CLI
def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO / "python")}  # this tree's package, not an installed one
    return subprocess.run(
        [sys.executable, "-m", "jupyterlab_readiness", "export", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_cli_exports_reports_and_sets_exit_codes(tmp_path):
    (tmp_path / "sales.ipynb").write_text(json.dumps(REPORT))
    dry = cli("sales.ipynb", "--name", "daily", "--out", "pkg", "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0 and "would write 16 files" in dry.stdout and not (tmp_path / "pkg").exists()
    first = cli("sales.ipynb", "--name", "daily", "--out", "pkg", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "   create  pkg/src/daily/steps.py" in first.stdout and "daily: 2 steps (load, summarise)" in first.stdout
    again = json.loads(cli("sales.ipynb", "--name", "daily", "--out", "pkg", "--format", "json", cwd=tmp_path).stdout)
    EXPORT_REPLY.validate_python(again)
    assert {f["status"] for f in again["files"]} == {"unchanged"}
    (tmp_path / "pkg" / "README.md").write_text("mine\n")
    conflict = cli("sales.ipynb", "--name", "daily", "--out", "pkg", cwd=tmp_path)
    assert conflict.returncode == 1 and "conflict: pkg/README.md is not what the last export wrote" in conflict.stdout
    # a folder that already holds the team's own README: never exported, so never "edited since"
    (tmp_path / "fresh").mkdir()
    (tmp_path / "fresh" / "README.md").write_text("ours\n")
    conflict = cli("sales.ipynb", "--name", "daily", "--out", "fresh", cwd=tmp_path)
    assert conflict.returncode == 1 and "there before the first export" in conflict.stdout
    assert "edited since the last export" not in conflict.stdout


def test_cli_lists_what_weakens_the_package_as_the_dialog_does(tmp_path):
    appends = notebook(md("# Log"), code("with open('log.txt', 'a') as f:\n    f.write('ran\\n')"))
    (tmp_path / "log.ipynb").write_text(json.dumps(appends))
    told = cli("log.ipynb", "--name", "log", "--out", "pkg", "--dry-run", cwd=tmp_path)
    assert told.returncode == 0, told.stderr
    assert 'weakens the package: cell 2:1: [append-write] `open(..., mode="a")` appends' in told.stdout


def test_cli_refusals_and_usage_errors(tmp_path):
    (tmp_path / "hidden.ipynb").write_text(json.dumps(notebook(md("# Totals"), code("print(total)"))))
    refused = cli("hidden.ipynb", cwd=tmp_path)
    assert refused.returncode == 1 and "not exported" in refused.stderr and "[hidden-state]" in refused.stderr
    # the finding's cell as JupyterLab numbers it (the second cell), and what to do about it
    assert (
        "  cell 2:1: [hidden-state]" in refused.stderr and "    → Add the code that defines `total`" in refused.stderr
    )
    assert not (tmp_path / "hidden").exists()
    (tmp_path / "broken.ipynb").write_text("{not json")
    assert cli("broken.ipynb", cwd=tmp_path).returncode == 2
    (tmp_path / "sales.ipynb").write_text(json.dumps(REPORT))
    bad = cli("sales.ipynb", "--name", "Bad-Name", cwd=tmp_path)
    assert bad.returncode == 2 and "not a valid package name" in bad.stderr


# ------------------------------------------------------------------------------------ REST
async def post_export(jp_fetch, body):
    response = await jp_fetch("readiness", "export", method="POST", body=json.dumps(body))
    return EXPORT_REPLY.validate_json(response.body)


async def export_error(jp_fetch, status, body):
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await jp_fetch("readiness", "export", method="POST", body=json.dumps(body))
    assert info.value.code == status, body
    return json.loads(info.value.response.body)["message"]


async def test_rest_previews_then_writes_then_reports_unchanged(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    (jp_root_dir / "work" / "sales.ipynb").write_text(json.dumps(REPORT))
    preview = await post_export(jp_fetch, {"path": "work/sales.ipynb"})
    assert preview.out == "work/sales" and preview.written is False and not (jp_root_dir / "work" / "sales").exists()
    assert [s.function for s in preview.steps] == ["load", "summarise"] and preview.parameters_cell == 1
    written = await post_export(
        jp_fetch,
        {"path": "work/sales.ipynb", "notebook": REPORT, "name": "nightly", "out": "jobs/nightly", "write": True},
    )
    assert written.written and (jp_root_dir / "jobs" / "nightly" / "src" / "nightly" / "pipeline.py").is_file()
    again = await post_export(
        jp_fetch, {"path": "work/sales.ipynb", "name": "nightly", "out": "jobs/nightly", "write": True}
    )
    assert {f.status for f in again.files} == {"unchanged"}


async def test_rest_refusals_bad_names_and_confinement(jp_fetch, jp_root_dir):
    hidden = notebook(code("print(total)"))
    preview = await post_export(jp_fetch, {"path": "h.ipynb", "notebook": hidden})
    assert preview.refused and [f.check for f in preview.blocking] == ["hidden-state"] and preview.files == []
    # blocked before any kernel is asked for versions (this one does not even exist)
    assert (await post_export(jp_fetch, {"path": "h.ipynb", "notebook": hidden, "kernel_id": "no-such-kernel"})).refused
    assert "not exported" in await export_error(jp_fetch, 409, {"path": "h.ipynb", "notebook": hidden, "write": True})
    assert not (jp_root_dir / "h").exists()
    assert "lower case" in await export_error(jp_fetch, 400, {"path": "s.ipynb", "notebook": REPORT, "name": "Sales"})
    assert "outside the server root" in await export_error(
        jp_fetch, 403, {"path": "s.ipynb", "notebook": REPORT, "out": "../elsewhere"}
    )
    assert "outside the server root" in await export_error(jp_fetch, 403, {"path": "../s.ipynb", "notebook": REPORT})
    message = await export_error(jp_fetch, 400, {"path": "s.ipynb", "notebook": REPORT, "secret": "hunter2"})
    assert "hunter2" not in message
    assert "no such notebook" in await export_error(jp_fetch, 404, {"path": "missing.ipynb"})


def test_helper_functions_stay_module_level_functions_unless_they_read_notebook_variables(tmp_path):
    nb = notebook(
        tagged("radius = 2.0", "parameters"),
        code(
            "import math\n\n\n@staticmethod\ndef _unused():\n    pass\n\n\n"
            "def area(r):\n    '''Disc area.'''\n    return math.pi * r ** 2"
        ),
        code("scale = 3\n\ndef scaled(x):\n    return x * scale"),
        md("## Report"),
        code("print(round(area(radius), 2), scaled(radius))"),
    )
    result = plan(nb, tmp_path)
    steps = files(result)["src/sales/steps.py"]
    assert (
        "\n\n@staticmethod\ndef _unused():\n    pass\n\n\n"
        'def area(r):\n    """Disc area."""\n    return math.pi * r**2\n'
        in steps  # as the notebook wrote it, formatted by ruff
    )
    assert "\nimport math\n" in steps and "readiness_export_steps" not in steps
    # `scaled` reads the notebook's `scale`: it stays inside the step that defines it, and is handed on
    assert [(s.function, s.parameters, s.returns) for s in result.reply.steps] == [
        ("compute_scale", [], ["scaled"]),
        ("report", ["radius", "scaled"], []),
    ]
    pipeline = files(result)["src/sales/pipeline.py"]
    assert "    scaled = compute_scale()\n" in pipeline and "    report(radius, scaled)\n" in pipeline
    write(result, tmp_path)
    project = tmp_path / "sales"
    run = subprocess.run(
        [sys.executable, "-m", "sales", "--radius", "1"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(project / "src")},
        cwd=tmp_path,
        timeout=120,
    )
    assert run.returncode == 0 and "INFO sales.steps: 3.14 3.0" in run.stderr, run.stderr


async def test_rest_pins_what_the_kernel_has_installed(jp_fetch, jp_serverapp, jp_root_dir, tmp_path_factory):
    site = kernel_only_site(tmp_path_factory)
    nb = notebook(
        code(f"import sys\nsys.path.insert(0, {str(site)!r})"),
        code("import kernel_only_mod\nprint(kernel_only_mod.__name__)"),
    )
    async with running_kernel(jp_fetch, jp_serverapp) as kernel:
        await kernel.run(f"import sys\nsys.path.insert(0, {str(site)!r})")
        reply = await post_export(jp_fetch, {"path": "k.ipynb", "notebook": nb, "kernel_id": kernel.id})
    pyproject = next(f.text for f in reply.files if f.path == "pyproject.toml")
    assert '"readiness-kernel-only==7.7.7"' in pyproject and reply.unresolved == []
    assert f'requires-python = ">={sys.version_info[0]}.{sys.version_info[1]}"' in pyproject


def test_annotations_match_the_kernels_python(tmp_path):
    old = plan(REPORT, tmp_path, environment={**ENVIRONMENT, "python": "3.9"})
    texts = files(old)
    assert "run_date: Optional[datetime] = Field(\n        default=None" in texts["src/sales/parameters.py"]
    assert "def main(argv: Optional[Sequence[str]] = None) -> int:" in texts["src/sales/cli.py"]
    assert 'requires-python = ">=3.9"' in texts["pyproject.toml"]
    new = files(plan(REPORT, tmp_path))
    assert (
        "run_date: datetime | None = Field(\n        default=None" in new["src/sales/parameters.py"]
        and "Optional" not in new["src/sales/cli.py"]
    )


def test_input_files_named_by_code_or_parameters_are_copied_for_the_tests_never_from_outside(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "orders.csv").write_text("a\n1\n")
    (tmp_path / "lookup.json").write_text("{}")
    nb = notebook(
        tagged("source = 'data/orders.csv'", "parameters"),
        code(
            "import json\nwith open('lookup.json') as f:\n    lookup = json.load(f)\n"
            "with open('../outside.txt') as g:\n    print(g.read())\n"
            "with open(source) as h:\n    print(h.read(), lookup)"
        ),
    )
    conftest = files(plan(nb, tmp_path))["tests/conftest.py"]
    assert (
        'INPUTS = ["lookup.json", "data/orders.csv"]' in conftest
        and 'NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / ".."' in conftest
    )


@pytest.mark.corpus
def test_every_corpus_notebook_exports_or_is_refused_with_a_reason():
    from helpers.notebooks import CORPUS

    exported = refused = 0
    for path in sorted(CORPUS.rglob("*.ipynb")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue  # not JSON: the CLI's usage error, tested above
        try:
            request = ExportRequest(path=str(path), notebook=data, out=f"/nonexistent/{path.stem}")
            reply = export.plan(request, Environment.from_answer(ENVIRONMENT), Root(None)).reply
        except (BadName, NotebookError):
            continue  # a clear error, as for any unreadable notebook
        if reply.refused:
            refused += 1
            assert reply.files == [] and len(reply.refused) > 20
            continue
        exported += 1
        with quiet_compiler():  # the notebooks' own "\\l" in LaTeX labels
            for file in reply.files:
                if file.path.endswith(".py"):
                    compile(file.text, f"{path.name}:{file.path}", "exec")
    assert exported >= 80 and refused >= 80
