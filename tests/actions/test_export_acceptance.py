"""Acceptance test of export to package (the issue's): for four realistic notebooks — a pandas
report that writes files, a seeded model training, one with a ``parameters`` cell, one with no
parameters at all — the exported project

* installs with pip into a fresh virtual environment, and its own tests pass there;
* run through its console script with the notebook's parameter values, creates the same files
  (byte for byte) as the notebook run top to bottom with nbclient, and logs, as records of the
  ``PKG.steps`` logger, exactly what the notebook printed;
* passes ruff, and re-exporting it changes nothing.

Real processes throughout: the export CLI, ``python -m venv``, ``pip install``, a Jupyter kernel,
the generated command. The four virtual environments are built in background threads as soon as
the module starts, so pip runs while the notebooks execute; each notebook's checks wait only for
its own environment.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any

import nbformat
import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from helpers import dockerfile
from helpers.cli import python
from helpers.notebooks import code, md, notebook

# Each case installs a package into a fresh virtual environment: minutes, not seconds.
pytestmark = pytest.mark.slow


PIP_TIMEOUT = 600
RUN_TIMEOUT = 120
# A record starts with logging's default asctime, then "LEVEL logger: "; other lines continue it.
RECORD = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}) (DEBUG|INFO|WARNING|ERROR|CRITICAL) ([\w.]+): (.*)$")
RUFF_CONFIG = 'line-length = 200\n\n[lint]\nselect = ["E", "F", "W", "I"]\n'


def parameters_cell(source: str) -> dict[str, Any]:
    """A code cell tagged ``parameters`` (papermill's convention)."""
    cell = code(source)
    cell["metadata"] = {"tags": ["parameters"]}
    return cell


# ---------------------------------------------------------------------------------- the notebooks


@dataclass(frozen=True)
class Case:
    """One notebook to export: its cells, the input files written beside it, its parameter values
    (what the command gets as flags; empty where the notebook has none) and the files it writes."""

    name: str
    cells: list[dict[str, Any]]
    inputs: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    writes: tuple[str, ...] = ()  # the files a run creates; "{today}" stands for date.today()
    reads_clock: bool = False
    displays: bool = False  # a cell shows a value or draws: the package saves it (displays.py)

    @property
    def distribution(self) -> str:
        return self.name.replace("_", "-")


SALES_CSV = "order_id,region,product,amount\n" + "".join(
    f"{i},{region},{product},{amount}\n"
    for i, (region, product, amount) in enumerate(
        [
            ("north", "apples", 12.5),
            ("south", "pears", 8.0),
            ("north", "plums", 3.25),
            ("east", "apples", 20.0),
            ("south", "apples", 15.75),
            ("west", "pears", 4.5),
            ("east", "plums", 9.0),
            ("north", "pears", 7.0),
            ("west", "apples", 30.0),
            ("south", "plums", 2.0),
            ("east", "pears", 11.5),
            ("north", "apples", 6.75),
        ],
        start=1,
    )
)

REPORT = Case(
    name="sales_report",
    displays=True,
    inputs={"sales.csv": SALES_CSV},
    parameters={"n_rows": 1000, "min_amount": 4.0, "currency": "EUR"},
    writes=("report.csv", "totals.json"),
    cells=[
        md(
            "# Regional sales report\n\nReads `sales.csv`, sums revenue per region, writes `report.csv` and "
            "`totals.json`."
        ),
        code("n_rows = 1000\nmin_amount = 4.0\ncurrency = 'EUR'"),
        code("import json\n\nimport pandas as pd"),
        md("## Load the orders"),
        code(
            "orders = pd.read_csv('sales.csv', nrows=n_rows)\n"
            "print(f'loaded {len(orders)} orders')\n"
            "orders = orders[orders['amount'] >= min_amount]\n"
            "print(f'kept {len(orders)} orders of at least {min_amount} {currency}')"
        ),
        code("orders.head()"),
        md("## Revenue per region"),
        code(
            "summary = (\n"
            "    orders.groupby('region')\n"
            "    .agg(orders=('order_id', 'count'), revenue=('amount', 'sum'), average=('amount', 'mean'))\n"
            "    .reset_index()\n"
            "    .sort_values('revenue', ascending=False)\n"
            ")\n"
            "summary['average'] = summary['average'].round(2)\n"
            "total = float(summary['revenue'].sum())\n"
            "print('total revenue', round(total, 2), currency)\n"
            "print(summary.to_string(index=False))"
        ),
        code("summary.head()"),
        md("## Write the report"),
        code(
            "summary.to_csv('report.csv', index=False)\n"
            "with open('totals.json', 'w') as f:\n"
            "    json.dump({'currency': currency, 'regions': len(summary), 'total': round(total, 2)}, f, indent=2, "
            "sort_keys=True)\n"
            "print('wrote report.csv and totals.json')"
        ),
    ],
)

TRAINING = Case(
    name="train_model",
    parameters={"seed": 7, "n_samples": 200, "learning_rate": 0.1, "epochs": 60},
    writes=("weights.npy", "model.json"),
    cells=[
        md(
            "# Train a linear model\n\nSynthetic data from a seeded generator; closed-form least squares, then "
            "gradient descent."
        ),
        code("seed = 7\nn_samples = 200\nlearning_rate = 0.1\nepochs = 60"),
        code("import json\n\nimport numpy as np"),
        md("## Synthetic data"),
        code(
            "rng = np.random.default_rng(seed)\n"
            "X = rng.normal(size=(n_samples, 3))\n"
            "true_w = np.array([1.5, -2.0, 0.5])\n"
            "y = X @ true_w + 0.3 + rng.normal(scale=0.1, size=n_samples)\n"
            "Xb = np.hstack([X, np.ones((n_samples, 1))])\n"
            "print('data', X.shape, round(float(y.mean()), 4))"
        ),
        md("## Closed-form fit"),
        code(
            "w_closed, *_ = np.linalg.lstsq(Xb, y, rcond=None)\nprint('closed-form weights', np.round(w_closed, "
            "4).tolist())"
        ),
        md("## Gradient descent"),
        code(
            "def mse(w):\n"
            "    return float(np.mean((Xb @ w - y) ** 2))\n"
            "\n"
            "w = np.zeros(Xb.shape[1])\n"
            "for epoch in range(epochs):\n"
            "    grad = 2 * Xb.T @ (Xb @ w - y) / n_samples\n"
            "    w = w - learning_rate * grad\n"
            "    if epoch % 20 == 0:\n"
            "        print(f'epoch {epoch}: loss {mse(w):.6f}')\n"
            "print('final loss', round(mse(w), 6))\n"
            "print('gap to closed form', round(float(np.abs(w - w_closed).max()), 6))"
        ),
        md("## Save the model"),
        code(
            "np.save('weights.npy', w)\n"
            "with open('model.json', 'w') as f:\n"
            "    json.dump({'seed': seed, 'weights': np.round(w, 6).tolist(), 'loss': round(mse(w), 6)}, f, indent=2)\n"
            "print('saved weights.npy and model.json')"
        ),
    ],
)

FORECAST = Case(
    name="stock_forecast",
    parameters={
        "warehouse": "berlin",
        "horizon_days": 14,
        "growth_rate": 0.03,
        "safety_factor": 1.2,
        "products": ["apples", "pears", "plums"],
    },
    writes=("order_berlin_{today}.json",),
    reads_clock=True,
    cells=[
        md("# Stock forecast"),
        parameters_cell(
            "warehouse = 'berlin'\nhorizon_days = 14\ngrowth_rate = 0.03\nsafety_factor = 1.2\nproducts = ['apples', "
            "'pears', 'plums']"
        ),
        code("import json\nfrom datetime import date"),
        md("## Helpers"),
        code(
            "def forecast(base, days, rate):\n"
            '    """Daily demand for `days` days, growing by `rate` a day."""\n'
            "    return [round(base * (1 + rate) ** d, 3) for d in range(1, days + 1)]"
        ),
        md("## Forecast demand"),
        code(
            "base_demand = {p: 100 + 15 * i for i, p in enumerate(products)}\n"
            "demand = {p: forecast(base, horizon_days, growth_rate) for p, base in base_demand.items()}\n"
            "for p in products:\n"
            "    print(f'{p}: day {horizon_days} demand {demand[p][-1]}')"
        ),
        md("## Stock to order"),
        code(
            "order = {p: round(sum(demand[p]) * safety_factor) for p in products}\n"
            "print('order', order)\n"
            "print('total units', sum(order.values()))"
        ),
        md("## Write the order"),
        code(
            "today = date.today()\n"
            "out_name = f'order_{warehouse}_{today.isoformat()}.json'\n"
            "with open(out_name, 'w') as f:\n"
            "    json.dump({'warehouse': warehouse, 'date': today.isoformat(), 'order': order}, f, indent=2)\n"
            "print('wrote', out_name)"
        ),
    ],
)

PRIMES = Case(
    name="prime_gaps",
    displays=True,  # the cell `stats` shows a dict: saved as its text
    writes=("primes.txt", "gaps.json"),
    cells=[
        code("import json\nimport math\nimport statistics\nfrom collections import Counter"),
        md("# Prime gaps"),
        md("## Sieve"),
        code(
            "primes = [n for n in range(2, 500) if all(n % d for d in range(2, math.isqrt(n) + 1))]\n"
            "print('primes below 500:', len(primes))\n"
            "print('largest:', primes[-1])"
        ),
        md("## Gaps"),
        code(
            "gaps = [b - a for a, b in zip(primes, primes[1:])]\n"
            "stats = {'mean_gap': round(statistics.mean(gaps), 4), 'max_gap': max(gaps), 'common': "
            "Counter(gaps).most_common(3)}\n"
            "print(json.dumps(stats))"
        ),
        code("stats"),
        md("## Write"),
        code(
            "with open('primes.txt', 'w') as f:\n"
            "    f.write('\\n'.join(map(str, primes)) + '\\n')\n"
            "with open('gaps.json', 'w') as f:\n"
            "    json.dump(stats, f, indent=2)\n"
            "print('wrote primes.txt and gaps.json')"
        ),
    ],
)

CASES = [REPORT, TRAINING, FORECAST, PRIMES]


# ---------------------------------------------------------------------------------- helpers


def write_notebook(case: Case, folder: Path) -> Path:
    """Write the case's notebook, and its input files, into ``folder``; returns the notebook's path."""
    folder.mkdir(parents=True)
    for name, text in case.inputs.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    nb = notebook(*case.cells)
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = f"cell-{i}"
    path = folder / f"{case.name}.ipynb"
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def export(notebook_path: Path, name: str, out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m jupyterlab_readiness export`` in a process of its own."""
    command = [
        sys.executable,
        "-m",
        "jupyterlab_readiness",
        "export",
        str(notebook_path),
        "--name",
        name,
        "--out",
        str(out),
        *options,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)


def make_venv(folder: Path, project: Path) -> Path:
    """A fresh virtual environment (no system site-packages) with ``project[test]`` installed by
    its own pip; returns its ``bin`` folder. Raises with pip's output when a step fails.

    ``--no-compile`` halves pip's CPU time (no .pyc for all of pandas and numpy up front; Python
    compiles what is imported when it is imported)."""
    subprocess.run(
        [sys.executable, "-m", "venv", str(folder)], capture_output=True, text=True, timeout=PIP_TIMEOUT, check=True
    )
    bin_dir = folder / "bin"
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    done = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--no-compile", f"{project}[test]"],
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"pip install {project}[test] failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        )
    return bin_dir


def fresh_copy(source: Path, target: Path) -> Path:
    """A copy of ``source`` (the notebook's folder) to run in, so no run sees another's files."""
    shutil.copytree(source, target)
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def changes(before: dict[str, bytes], after: dict[str, bytes]) -> dict[str, bytes]:
    """The files created or rewritten between two snapshots."""
    return {name: data for name, data in after.items() if before.get(name) != data}


def execute_notebook(path: Path, cwd: Path) -> Any:
    """Run the notebook top to bottom in a fresh ``python3`` kernel whose working folder is ``cwd``."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        timeout=RUN_TIMEOUT,
        startup_timeout=RUN_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
    ).execute()
    return nb


def streams(nb: Any, name: str) -> str:
    """The text the executed notebook wrote to one stream (``stdout`` or ``stderr``), all cells."""
    return "".join(
        out.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "stream" and out.name == name
    )


@dataclass(frozen=True)
class Record:
    """One log record from stderr: level, logger name, message (lines after the first included)."""

    level: str
    logger: str
    message: str


def log_records(stderr: str) -> list[Record]:
    """The log records in a command's stderr; a line without the timestamp prefix continues the
    record before it (a multi-line message, or a traceback)."""
    records: list[Record] = []
    for line in stderr.splitlines():
        match = RECORD.match(line)
        if match:
            records.append(Record(match[2], match[3], match[4]))
        elif records:
            last = records[-1]
            records[-1] = Record(last.level, last.logger, f"{last.message}\n{line}")
        else:
            raise AssertionError(f"stderr starts with a line that is not a log record: {line!r}\n{stderr}")
    return records


def flags(parameters: dict[str, Any]) -> list[str]:
    """The command-line flags that pass these values: ``--name-with-dashes VALUE``, bools as
    ``--x``/``--no-x``, lists and dicts as JSON."""
    args: list[str] = []
    for name, value in parameters.items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            args.append(flag if value else f"--no-{flag[2:]}")
        elif isinstance(value, (list, dict)):
            args += [flag, json.dumps(value)]
        else:
            args += [flag, str(value)]
    return args


def run_command(bin_dir: Path, case: Case, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the package's console script from the venv, with none of its environment variables set."""
    prefix = case.name.upper() + "_"
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefix)}
    return subprocess.run(
        [str(bin_dir / case.distribution), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )


def summary(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The command's one JSON line on stdout."""
    lines = done.stdout.splitlines()
    assert len(lines) == 1, f"stdout should be one JSON line, got:\n{done.stdout}\n--- stderr ---\n{done.stderr}"
    return json.loads(lines[0])


def sections(case: Case) -> dict[str, str]:
    """The notebook's ``##`` sections: heading → the code of its cells."""
    found: dict[str, str] = {}
    heading = None
    for cell in case.cells:
        if cell["cell_type"] == "markdown" and cell["source"].startswith("## "):
            heading = cell["source"][3:].strip()
            found[heading] = ""
        elif cell["cell_type"] == "code" and heading is not None:
            found[heading] += cell["source"] + "\n"
    return found


def generated_files(out: Path) -> list[str]:
    """The files the export wrote, as its manifest records them (plus the manifest)."""
    manifest = json.loads((out / ".readiness-export.json").read_text(encoding="utf-8"))
    return [*manifest["files"], ".readiness-export.json"]


# ---------------------------------------------------------------------------------- fixtures


@dataclass
class Exported:
    """A case exported to ``out`` from the notebook at ``notebook_path`` (its input files beside
    it), with the result of the export command; ``venv`` is being built in the background."""

    case: Case
    notebook_path: Path
    out: Path
    export: subprocess.CompletedProcess[str]
    venv: Future[Path] | None

    def bin_dir(self) -> Path:
        """The ``bin`` folder of the case's virtual environment, once pip is done."""
        if self.venv is None:
            pytest.fail(f"{self.case.name} was not exported:\n{self.export.stdout}\n{self.export.stderr}")
        return self.venv.result(timeout=PIP_TIMEOUT)


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Exported]]:
    """Every case exported; each project's venv is built by pip in a background thread meanwhile.
    The venvs (~100 MB each) are removed afterwards; pytest keeps the rest of the temp folders."""
    pool = ThreadPoolExecutor(max_workers=len(CASES), thread_name_prefix="venv")
    result: dict[str, Exported] = {}
    roots: list[Path] = []
    for case in CASES:
        root = tmp_path_factory.mktemp(case.name)
        roots.append(root)
        notebook_path = write_notebook(case, root / "notebook")
        out = root / "project"
        done = export(notebook_path, case.name, out)
        venv = pool.submit(make_venv, root / "venv", out) if done.returncode == 0 else None
        result[case.name] = Exported(case, notebook_path, out, done, venv)
    yield result
    pool.shutdown(wait=True, cancel_futures=True)
    for root in roots:
        shutil.rmtree(root / "venv", ignore_errors=True)


@pytest.fixture(scope="module", params=CASES, ids=lambda case: case.name)
def exported(request: pytest.FixtureRequest, exports: dict[str, Exported]) -> Exported:
    """Each case in turn (the tests of one case run together)."""
    return exports[request.param.name]


@dataclass(frozen=True)
class Runs:
    """The same work done twice, each in a fresh copy of the notebook's folder."""

    notebook: Any  # the executed notebook
    notebook_files: dict[str, bytes]  # the files its run created
    command: subprocess.CompletedProcess[str]
    command_files: dict[str, bytes]
    today: date


@pytest.fixture(scope="module")
def runs(exported: Exported, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """Run the notebook with nbclient, then the package's command with the notebook's values."""
    case, folder = exported.case, exported.notebook_path.parent
    today = date.today()
    here = fresh_copy(folder, tmp_path_factory.mktemp(f"{case.name}-notebook-run") / "work")
    before = snapshot(here)
    executed = execute_notebook(here / exported.notebook_path.name, here)
    notebook_files = changes(before, snapshot(here))

    there = fresh_copy(folder, tmp_path_factory.mktemp(f"{case.name}-command-run") / "work")
    before = snapshot(there)
    args = flags(case.parameters) + (["--run-date", today.isoformat()] if case.reads_clock else [])
    done = run_command(exported.bin_dir(), case, args, there)
    # what the notebook only displayed (tables, figures) the command saves in displays/: not a file it wrote
    after = changes(before, snapshot(there))
    written = {name: data for name, data in after.items() if not name.startswith("displays/")}
    return Runs(executed, notebook_files, done, written, today)


# ---------------------------------------------------------------------------------- each notebook


def test_export_writes_an_installable_project(exported: Exported) -> None:
    """The export exits 0 and writes the whole project, its dependencies pinned to this environment."""
    assert exported.export.returncode == 0, exported.export.stdout + exported.export.stderr
    pkg = f"src/{exported.case.name}"
    expected = {
        "pyproject.toml",
        "README.md",
        *(f"{pkg}/{m}.py" for m in ("__init__", "__main__", "cli", "parameters", "pipeline", "steps")),
        *((f"{pkg}/displays.py",) if exported.case.displays else ()),
        *(f"tests/{m}.py" for m in ("conftest", "test_pipeline", "test_steps")),
        "Dockerfile",
        ".dockerignore",
        ".github/workflows/ci.yml",
        ".readiness-export.json",
    }
    assert set(generated_files(exported.out)) == expected
    assert all((exported.out / name).is_file() for name in expected)
    project = tomllib.loads((exported.out / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = dict(d.split("==") for d in project["dependencies"])
    assert {"pydantic", "pydantic-settings"} <= pins.keys(), project["dependencies"]
    assert pins == {name: version(name) for name in pins}, "pins are not this environment's versions"
    assert project["scripts"] == {exported.case.distribution: f"{exported.case.name}.cli:main"}


def test_the_package_own_tests_pass_in_a_fresh_venv(exported: Exported) -> None:
    """pip installs ``project[test]`` into a new venv, and the generated tests pass there."""
    bin_dir = exported.bin_dir()
    done = subprocess.run(
        [str(bin_dir / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=exported.out,
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\b\d+ passed\b", done.stdout) and not re.search(
        r"\b\d+ (failed|errors?|skipped)\b", done.stdout
    ), done.stdout


def test_the_notebook_itself_runs_cleanly(exported: Exported, runs: Runs) -> None:
    """The reference is sound: the notebook ran without errors or stderr, printed, and wrote its files."""
    errors = [
        out
        for cell in runs.notebook.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert not errors
    assert streams(runs.notebook, "stderr") == ""
    assert streams(runs.notebook, "stdout").count("\n") >= 3
    assert set(runs.notebook_files) == {w.format(today=runs.today.isoformat()) for w in exported.case.writes}


def test_the_command_succeeds_with_the_notebook_parameters(exported: Exported, runs: Runs) -> None:
    """The console script exits 0, and its JSON line says ``ok`` with the values it was given."""
    done = runs.command
    assert done.returncode == 0, done.stdout + done.stderr
    line = summary(done)
    assert (line["status"], line["exit_code"], line["package"]) == ("ok", 0, exported.case.name)
    given = {k: v for k, v in line["parameters"].items() if k != "run_date"}
    assert given == exported.case.parameters
    if exported.case.reads_clock:
        assert line["parameters"]["run_date"].startswith(runs.today.isoformat())


def test_the_command_writes_the_same_files_as_the_notebook(runs: Runs) -> None:
    """Same file names, same bytes, between the nbclient run and the command's run."""
    assert sorted(runs.command_files) == sorted(runs.notebook_files)
    different = [name for name in runs.notebook_files if runs.command_files[name] != runs.notebook_files[name]]
    assert not different, {
        name: (runs.notebook_files[name][:300], runs.command_files[name][:300]) for name in different
    }


def test_the_command_logs_what_the_notebook_printed(exported: Exported, runs: Runs) -> None:
    """What the notebook printed comes back, message by message, as INFO records of ``PKG.steps``."""
    records = log_records(runs.command.stderr)
    steps = [r for r in records if r.logger == f"{exported.case.name}.steps"]
    assert {r.level for r in steps} == {"INFO"}
    assert "".join(r.message + "\n" for r in steps) == streams(runs.notebook, "stdout")
    unexpected = [
        r
        for r in records
        if r.logger not in (f"{exported.case.name}.steps", f"{exported.case.name}.pipeline")
        and not (r.logger == f"{exported.case.name}.displays" and " saved to displays/" in r.message)
    ]
    assert not unexpected


def test_the_pipeline_logs_its_steps_in_section_order(exported: Exported, runs: Runs) -> None:
    """``PKG.pipeline`` logs "step i/n: function (Heading)" for i = 1..n; each heading is a ``##``
    section, in the notebook's order, and every section that prints is a step (a section that
    only defines helpers may become plain functions instead)."""
    lines = [r.message for r in log_records(runs.command.stderr) if r.logger == f"{exported.case.name}.pipeline"]
    steps = [re.fullmatch(r"step (\d+)/(\d+): (\w+) \((.+)\)", line) for line in lines]
    assert lines and all(steps), lines
    n = len(steps)
    assert [(int(m[1]), int(m[2])) for m in steps] == [(i, n) for i in range(1, n + 1)], lines
    headings = [m[4] for m in steps]
    notebook_sections = sections(exported.case)
    assert headings == [h for h in notebook_sections if h in headings], (
        f"{headings} are not sections in notebook order: {list(notebook_sections)}"
    )
    printing = [h for h, source in notebook_sections.items() if "print(" in source]
    assert set(printing) <= set(headings), lines


def test_the_dockerfile_parses_and_copies_only_files_of_the_package(exported: Exported) -> None:
    """No registry is reachable to build the image: its instructions are read as Docker reads them."""
    instructions = dockerfile.parse((exported.out / "Dockerfile").read_text(encoding="utf-8"))
    assert instructions[0] == ("FROM", f"python:{'.'.join(map(str, sys.version_info[:3]))}-slim")
    for source in (s for k, a in instructions if k == "COPY" for s in dockerfile.copy_sources(a)):
        assert (exported.out / source).exists(), source
    assert dockerfile.exec_form(dict(instructions)["ENTRYPOINT"]) == [exported.case.distribution]


def test_re_export_changes_nothing(exported: Exported) -> None:
    """A second export of the same notebook reports every file ``unchanged`` and rewrites none."""
    names = generated_files(exported.out)
    before = {name: (exported.out / name).read_bytes() for name in names}
    done = export(exported.notebook_path, exported.case.name, exported.out, "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    reply = json.loads(done.stdout)
    assert {f["path"]: f["status"] for f in reply["files"]} == dict.fromkeys(names, "unchanged")
    assert reply["conflicts"] == []
    assert {name: (exported.out / name).read_bytes() for name in names} == before


def test_the_generated_code_passes_ruff(exported: Exported, tmp_path: Path) -> None:
    """``ruff check`` (pycodestyle, pyflakes, isort) finds nothing in the generated Python files."""
    config = tmp_path / "ruff.toml"
    config.write_text(RUFF_CONFIG, encoding="utf-8")
    files = [str(exported.out / name) for name in generated_files(exported.out) if name.endswith(".py")]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--config",
            str(config),
            "--output-format",
            "concise",
            *files,
        ],
        cwd=exported.out,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# ---------------------------------------------------------------------------------- failures


@pytest.fixture(scope="module")
def report(exports: dict[str, Exported]) -> Exported:
    """The pandas report, installed."""
    exports[REPORT.name].bin_dir()
    return exports[REPORT.name]


def test_a_failing_pipeline_exits_1_with_status_failed(report: Exported, tmp_path: Path) -> None:
    """Run where its input CSV is missing: exit 1, ``failed``, the cause in the summary and the traceback logged."""
    done = run_command(report.bin_dir(), report.case, flags(report.case.parameters), tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    line = summary(done)
    assert (line["status"], line["exit_code"]) == ("failed", 1)
    assert line["error"].startswith("FileNotFoundError") and "sales.csv" in line["error"]
    failure = [r for r in log_records(done.stderr) if r.level == "ERROR"]
    assert len(failure) == 1 and "Traceback" in failure[0].message
    assert list(tmp_path.iterdir()) == []


def test_a_bad_parameter_value_exits_2_with_status_invalid_parameters(report: Exported, tmp_path: Path) -> None:
    """``--n-rows abc``: exit 2, ``invalid-parameters`` naming the parameter; nothing runs."""
    fresh_copy(report.notebook_path.parent, tmp_path / "work")
    before = snapshot(tmp_path / "work")
    done = run_command(report.bin_dir(), report.case, ["--n-rows", "abc"], tmp_path / "work")
    assert done.returncode == 2, done.stdout + done.stderr
    line = summary(done)
    assert (line["status"], line["exit_code"]) == ("invalid-parameters", 2)
    assert "n_rows" in line["error"]
    assert not [r for r in log_records(done.stderr) if r.logger == f"{REPORT.name}.pipeline"]
    assert snapshot(tmp_path / "work") == before


# ---------------------------------------------------------------------------------- exporter bugs found here


def test_an_input_named_by_a_parameter_is_copied_for_the_generated_tests(tmp_path: Path) -> None:
    """The parameters cell names the input file (``input_path = 'data/orders.csv'``, which is there
    beside the notebook): the generated tests must copy it, as they copy literal paths, or they
    fail with FileNotFoundError. Run with this environment's Python (it has all the package needs)."""
    case = Case(
        name="orders_count",
        inputs={"data/orders.csv": "id,amount\n1,5\n2,7\n3,9\n"},
        cells=[
            code("input_path = 'data/orders.csv'\nmin_amount = 6"),
            code("import csv"),
            md("## Count"),
            code(
                "with open(input_path, newline='') as f:\n    rows = [r for r in csv.DictReader(f) if "
                "float(r['amount']) >= min_amount]\nprint(len(rows), 'orders')"
            ),
        ],
    )
    notebook_path = write_notebook(case, tmp_path / "notebook")
    out = tmp_path / "project"
    done = export(notebook_path, case.name, out)
    assert done.returncode == 0, done.stdout + done.stderr
    tests = python("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=out, path=out / "src", timeout=RUN_TIMEOUT)
    assert tests.returncode == 0, tests.stdout[-3000:]
