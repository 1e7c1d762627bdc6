"""Export fidelity on real notebooks: does the exported package compute what the notebook computed?

Usage: python benchmarks/bench_fidelity.py [--only NAME ...] [--jobs 2] [--keep] [--slice]
                                           [--out FILE] [--discover]

For every notebook of the suite (``benchmarks/fidelity_suite.tsv``: real notebooks of public
repositories, read at run time from ``REPO/../shared/corpus`` with their input files from
``REPO/../shared/corpus-inputs``; nothing of theirs is in this repository):

1. copy the notebook to its own path in its repository, inside a scratch folder, with the input
   files of that repository at the paths it expects;
2. run it top to bottom with nbclient in a fresh kernel of the *notebook venv* (pinned libraries,
   ``~/.cache/readiness-fidelity/nb-venv``), twice, each in a fresh copy; record the files each run
   writes (sha256) and what it prints on stdout (sanitised: memory addresses, timings, the scratch
   path). What differs between the two runs is the notebook's own nondeterminism;
3. export it with this source tree's CLI, run by the notebook venv's Python (so the package pins
   that venv's versions, as the CLI pins "this Python's");
4. install the package with its ``[test]`` extra into a fresh, isolated venv (no system site
   packages: its own declared dependencies must make it work; uv installs from a warm cache);
5. run the package's generated tests (pytest) and its console script in a fresh copy of the inputs
   (no flags: every parameter defaults to the notebook's value);
6. compare the files written and the values printed (the notebook's stdout) with what the command
   wrote and logged (its records on stderr): ``exact``, ``nondeterministic`` (equal wherever the
   notebook's two runs agree), or ``mismatch``; or an earlier stop: ``notebook-failed``,
   ``refused``, ``export-error``, ``install-failed``, ``command-failed``;
7. run ``ruff check`` and ``ruff format --check`` with the default rules on the generated package.

Prints a markdown table and the summary line "N of M reproduce exactly, K within the notebook's
own nondeterminism"; writes JSON to ``benchmarks/results/fidelity.json`` (``--out``). Venvs live in
``~/.cache/readiness-fidelity/`` (``--cache``) and are reused across runs; scratch folders are
removed unless ``--keep``. ``--discover`` only runs candidate notebooks of the corpus once each
and says which run (to maintain the suite).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = Path(os.environ.get("READINESS_SHARED", REPO.parent / "shared"))  # the corpus, beside the repo
SUITE = HERE / "fidelity_suite.tsv"
CACHE = Path(os.environ.get("READINESS_FIDELITY_CACHE", Path.home() / ".cache" / "readiness-fidelity"))

# The notebook venv: what the suite's notebooks import, plus what the export CLI and nbclient need.
# Pinned; change a pin and the venv is rebuilt (its folder name carries a hash of this list).
NOTEBOOK_PINS = [
    "numpy==2.2.6",
    "pandas==2.2.3",
    "matplotlib==3.10.3",
    "scikit-learn==1.6.1",
    "seaborn==0.13.2",
    "scipy==1.15.3",
    # kernel and runner
    "ipykernel==7.4.0",
    "ipython==8.12.3",
    "jupyter_client==8.10.0",
    "nbclient==0.11.0",
    "nbformat==5.11.1",
    # the export CLI (run from this source tree with PYTHONPATH) and what the packages use
    "jinja2==3.1.6",  # the export renders its files from templates
    "pyyaml==6.0.3",  # the export reads templates' copier.yml and writes .copier-answers.yml
    "pydantic==2.13.4",
    "pydantic-settings==2.14.1",
    "tomlkit==0.15.2",
    "packaging==26.2",
    "traitlets==5.15.0",
    "pytest==9.0.3",
    "ruff==0.17.6",
]
UV_PIN = "uv==0.9.5"

CELL_TIMEOUT = 300
TESTS_TIMEOUT = 900  # a generated test suite that takes longer is reported as timed out
STEP_TIMEOUT = 1800
SLICE = ["fizzbuzz", "prime_numbers", "series7"]  # small, fast, standard library + numpy: tests/test_fidelity_slice.py

# ------------------------------------------------------------------------------------ the suite


@dataclass(frozen=True)
class Entry:
    """One notebook of the suite: a short name, the corpus file, its path in its repository, the
    libraries it imports (beyond the standard library) and why it was chosen."""

    name: str
    file: str
    repo: str
    path: str
    libraries: str
    why: str
    source: Path | None = None  # a notebook file outside the corpus (the minimal cases)
    inputs_dir: Path | None = None

    @property
    def package(self) -> str:
        return "nb_" + re.sub(r"\W", "_", self.name).lower()

    @property
    def distribution(self) -> str:
        return self.package.replace("_", "-")

    @property
    def inputs(self) -> Path:
        if self.inputs_dir is not None:
            return self.inputs_dir
        return SHARED / "corpus-inputs" / self.repo.replace("/", "__")

    @property
    def notebook_file(self) -> Path:
        return self.source if self.source is not None else SHARED / "corpus" / self.file


def manifest() -> dict[str, dict[str, str]]:
    with open(SHARED / "corpus" / "MANIFEST.tsv", newline="", encoding="utf-8") as f:
        return {row["file"]: row for row in csv.DictReader(f, delimiter="\t")}


def load_suite(path: Path = SUITE) -> list[Entry]:
    rows = manifest()
    entries = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"):
            info = rows[row["file"]]
            entries.append(
                Entry(row["name"], row["file"], info["repo"], info["path_in_repo"], row["libraries"], row["why"])
            )
    return entries


# ------------------------------------------------------------------------------------ venvs

_venv_lock = threading.Lock()


def run(cmd: list[str], timeout: float = STEP_TIMEOUT, **kw: Any) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, **kw)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        return subprocess.CompletedProcess(cmd, -9, out, err + f"\n[timed out after {timeout:.0f} s]")


def pip_env() -> dict[str, str]:
    return {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}


def notebook_venv() -> Path:
    """The notebook venv (built once, then reused): returns its bin folder."""
    key = hashlib.sha256("\n".join(NOTEBOOK_PINS).encode()).hexdigest()[:10]
    folder = CACHE / f"nb-venv-{key}"
    bin_dir = folder / "bin"
    with _venv_lock:
        if (folder / ".complete").exists():
            return bin_dir
        shutil.rmtree(folder, ignore_errors=True)
        folder.parent.mkdir(parents=True, exist_ok=True)
        print(f"building the notebook venv {folder} (once) …", file=sys.stderr)
        done = run([sys.executable, "-m", "venv", str(folder)])
        if done.returncode == 0:
            done = run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", *NOTEBOOK_PINS], env=pip_env())
        if done.returncode != 0:
            raise SystemExit(f"could not build the notebook venv:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        (folder / ".complete").write_text("\n".join(NOTEBOOK_PINS) + "\n", encoding="utf-8")
    return bin_dir


def uv() -> Path | None:
    """uv, in a venv of its own in the cache (pinned); None when it cannot be installed (pip then)."""
    folder = CACHE / "uv-venv"
    exe = folder / "bin" / "uv"
    with _venv_lock:
        if exe.exists():
            return exe
        done = run([sys.executable, "-m", "venv", str(folder)])
        if done.returncode == 0:
            done = run([str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet", UV_PIN], env=pip_env())
        return exe if done.returncode == 0 and exe.exists() else None


def package_venv(project: Path, folder: Path, python: Path) -> tuple[Path | None, str]:
    """A fresh isolated venv (no system site packages) with ``project[test]`` installed: its own
    declared dependencies and nothing else. uv with a cache in CACHE makes it a few seconds."""
    tool = uv()
    if tool is not None:
        env = {**os.environ, "UV_CACHE_DIR": str(CACHE / "uv-cache"), "UV_NO_PROGRESS": "1", "UV_LINK_MODE": "copy"}
        done = run([str(tool), "venv", "--quiet", "--python", str(python), str(folder)], env=env)
        if done.returncode == 0:
            done = run(
                [
                    str(tool),
                    "pip",
                    "install",
                    "--quiet",
                    "--python",
                    str(folder / "bin" / "python"),
                    f"{project}[test]",
                ],
                env=env,
            )
    else:
        done = run([str(python), "-m", "venv", str(folder)])
        if done.returncode == 0:
            done = run(
                [str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile", f"{project}[test]"],
                env=pip_env(),
            )
    if done.returncode != 0:
        return None, (done.stdout[-2000:] + "\n" + done.stderr[-2000:]).strip()
    return folder / "bin", ""


# ------------------------------------------------------------------------------------ running a notebook

ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
TIMING = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:ns|µs|us|ms|s|sec|secs|seconds|min)\b(?:\s*±\s*\d+(?:\.\d+)?\s*(?:ns|µs|us|ms|s))?"
)
TIME_LINE = re.compile(r"^(CPU times:|Wall time:|\d+(?:\.\d+)? ?(?:ns|µs|us|ms|s) ± .* per loop)")


def sanitise_lines(text: str, root: Path | None, tags: list[int]) -> tuple[str, list[int]]:
    """``sanitise`` that also keeps, for each remaining line, its tag (the cell that printed it)."""
    if root is not None:
        text = text.replace(str(root), "<dir>")
    kept = [
        (line, tag)
        for line, tag in zip(text.splitlines(), tags + [-1] * len(text), strict=False)
        if not TIME_LINE.match(line.strip())
    ]
    return "\n".join(TIMING.sub("<time>", ADDRESS.sub("0x…", line)).rstrip() for line, _ in kept), [
        tag for _, tag in kept
    ]


def sanitise(text: str, root: Path | None = None) -> str:
    """Printed text without what changes on every run for reasons outside the notebook's
    computation: memory addresses, %time / %timeit lines, durations, the scratch folder's path."""
    if root is not None:
        text = text.replace(str(root), "<dir>")
    lines = [line for line in text.splitlines() if not TIME_LINE.match(line.strip())]
    return "\n".join(TIMING.sub("<time>", ADDRESS.sub("0x…", line)).rstrip() for line in lines)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder``: relative path → sha256."""
    found = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts:
            found[p.relative_to(folder).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return found


def written(before: dict[str, str], after: dict[str, str]) -> dict[str, str]:
    return {name: digest for name, digest in after.items() if before.get(name) != digest}


def execute_worker(notebook: str, cwd: str, out: str) -> None:
    """Runs inside the notebook venv (``--_execute``): the notebook top to bottom in a fresh
    kernel of this Python, its working folder ``cwd``; writes a JSON summary to ``out``."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    for attempt in (1, 2):
        nb = nbformat.read(notebook, as_version=4)
        error = None
        start = time.perf_counter()
        client = NotebookClient(
            nb,
            timeout=CELL_TIMEOUT,
            startup_timeout=120,
            kernel_name="python3",
            allow_errors=False,
            resources={"metadata": {"path": cwd}},
        )
        try:
            client.execute()
        except CellExecutionError as e:
            error = str(e).strip().splitlines()[-1][:500] if str(e).strip() else type(e).__name__
        except Exception as e:  # noqa: BLE001 - a timeout, a dead kernel: reported, not raised
            error = f"{type(e).__name__}: {e}"[:500]
        # A kernel that dies before it answers, no cell run yet, lost a race for its ports with
        # another kernel starting at the same moment (jupyter_client picks free ports, then the
        # kernel binds them): not the notebook's failure, so it is started once more.
        if attempt == 1 and error is not None and "Kernel died before replying to kernel_info" in error:
            continue
        break
    seconds = time.perf_counter() - start
    stdout, displays, figures = [], 0, 0
    for cell_no, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for o in cell.get("outputs", []):
            if o.output_type == "stream" and o.get("name") == "stdout":
                stdout.append((cell_no, o.get("text", "")))
            elif o.output_type in ("execute_result", "display_data"):
                displays += 1
                figures += "image/png" in o.get("data", {})
    Path(out).write_text(
        json.dumps(
            {
                "error": error,
                "seconds": seconds,
                "stdout": "".join(t for _, t in stdout),
                "stdout_cells": [n for n, t in stdout for _ in t],
                "displays": displays,
                "figures": figures,
                "executable": sys.executable,
            }
        ),
        encoding="utf-8",
    )


def prepare(entry: Entry, root: Path) -> Path:
    """``root/src``: the repository's input files, and the notebook at its path in the repository;
    returns the notebook's path."""
    src = root / "src"
    if entry.inputs.is_dir():
        shutil.copytree(entry.inputs, src)
    target = src / entry.path
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(entry.notebook_file, target)
    return target


def contained_env(bin_dir: Path, home: Path) -> dict[str, str]:
    """The environment of a notebook's kernel (and of the package's command): its own HOME, so a
    ``!git config --global`` or a write under ``~`` stays in the scratch folder; pip without
    index or configuration, so a ``%pip install`` cannot change the shared venv; the notebook
    venv first on PATH (the ``python3`` kernel spec runs ``python``)."""
    home.mkdir(parents=True, exist_ok=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PIP_", "JUPYTER", "MPL", "PYTHON", "GIT_", "XDG_", "VIRTUAL_ENV"))
    }
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        HOME=str(home),
        PIP_CONFIG_FILE=os.devnull,
        PIP_NO_INDEX="1",
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        MPLCONFIGDIR=str(home / ".mpl"),
    )
    return env


def execute_notebook(bin_dir: Path, entry: Entry, root: Path, tag: str) -> dict[str, Any]:
    """A fresh copy of ``root/src`` at ``root/tag``, the notebook run there; its summary with the
    files it wrote."""
    work = root / tag
    shutil.copytree(root / "src", work)
    notebook = work / entry.path
    before = snapshot(work)
    out = root / f"{tag}.json"
    env = contained_env(bin_dir, root / f"{tag}-home")
    done = run(
        [
            str(bin_dir / "python"),
            str(Path(__file__).resolve()),
            "--_execute",
            str(notebook),
            str(notebook.parent),
            str(out),
        ],
        env=env,
    )
    if done.returncode != 0 or not out.exists():
        return {
            "error": f"runner failed ({done.returncode}): {done.stderr[-1000:]}",
            "seconds": 0.0,
            "stdout": "",
            "files": {},
        }
    result = json.loads(out.read_text(encoding="utf-8"))
    files = written(before, snapshot(work))
    files.pop(entry.path, None)  # nbclient does not save the notebook, but be sure
    result["files"] = files
    return printed(result, work)


def printed(result: dict[str, Any], work: Path) -> dict[str, Any]:
    """The worker's raw stdout sanitised, with the cell that printed each remaining line (the cell
    of the line's first character)."""
    cells = result.pop("stdout_cells", [])
    starts = [0] + [i + 1 for i, ch in enumerate(result["stdout"]) if ch == "\n"]
    line_cells = [cells[i] if i < len(cells) else -1 for i in starts[: len(result["stdout"].splitlines())]]
    result["stdout"], result["stdout_line_cells"] = sanitise_lines(result["stdout"], work, line_cells)
    return result


# ------------------------------------------------------------------------------------ the package's run

WARNING = re.compile(r"^\S.*:\d+: \w*Warning: ")
RECORD = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) ([\w.]+): (.*)$")


def step_messages(stderr: str, package: str) -> str:
    """What the steps logged (records of ``PKG.steps``, continuation lines included): the
    package's counterpart of the notebook's stdout."""
    lines: list[str] = []
    inside = warning = False
    for line in stderr.splitlines():
        m = RECORD.match(line)
        if m:
            inside, warning = m[2] == f"{package}.steps" or m[2].startswith(f"{package}.steps."), False
            if inside:
                lines.append(m[3])
        elif WARNING.match(line):  # a warning printed to stderr, not a record (the notebook shows it on stderr too)
            warning = True
        elif warning and line.startswith("  "):  # the warning's source line
            continue
        elif inside:
            warning = False
            lines.append(line)
    return "\n".join(lines)


def summary_line(stdout: str) -> tuple[dict[str, Any] | None, int]:
    """The command's JSON summary (its last stdout line that parses) and how many stdout lines
    there were (the contract is exactly one)."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    for line in reversed(lines):
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict) and "status" in value:
            return value, len(lines)
    return None, len(lines)


def pytest_counts(output: str) -> dict[str, int]:
    counts = {}
    tail = output.strip().splitlines()[-1] if output.strip() else ""
    for n, what in re.findall(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)", tail):
        counts["error" if what.startswith("error") else what] = int(n)
    return counts


def ruff_report(bin_dir: Path, project: Path) -> dict[str, Any]:
    """``ruff check`` (default rules) and ``ruff format --check`` on the generated package,
    ignoring any configuration it carries (``--isolated``), run from the package's folder as its
    engineer would (ruff then knows the package's own imports are first-party, for isort)."""
    try:  # the files the export wrote (not build/ copies that an in-tree install leaves)
        listed = json.loads((project / ".readiness-export.json").read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError):
        listed = [p.relative_to(project).as_posix() for p in project.rglob("*.py")]
    files = [str(project / name) for name in sorted(listed) if name.endswith(".py")]
    if not files:
        return {"check": {}, "format": 0}
    done = run(
        [
            str(bin_dir / "python"),
            "-m",
            "ruff",
            "check",
            "--isolated",
            "--no-cache",
            "--output-format",
            "json",
            "--exit-zero",
            *files,
        ],
        timeout=120,
        cwd=project,
    )
    rules: dict[str, int] = {}
    try:
        for item in json.loads(done.stdout or "[]"):
            code = item.get("code") or "syntax-error"
            rules[code] = rules.get(code, 0) + 1
    except ValueError:
        rules["ruff-crashed"] = 1
    fmt = run(
        [str(bin_dir / "python"), "-m", "ruff", "format", "--isolated", "--no-cache", "--check", *files],
        timeout=120,
        cwd=project,
    )
    # "N files would be reformatted" (ruff 0.17; older ones list "Would reformat: PATH" lines)
    counted = re.search(r"(\d+) files? would be reformatted", fmt.stdout + fmt.stderr)
    unformatted = int(counted[1]) if counted else len(re.findall(r"^Would reformat: ", fmt.stdout, re.MULTILINE))
    return {"check": dict(sorted(rules.items(), key=lambda kv: -kv[1])), "format": unformatted}


# ------------------------------------------------------------------------------------ comparison


NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf")


def shape(line: str) -> str:
    """A line with its numbers masked and its runs of spaces collapsed (column widths follow the numbers)."""
    return " ".join(NUMBER.sub("#", line).split())


def _displayed(name: str) -> bool:
    """A file the package saved in a run's displays/ folder (what the notebook showed)."""
    return name.startswith("displays/") or "/displays/" in name


def compare_text(a: str, b: str, c: str, cells_a: list[int] | None = None, cells_b: list[int] | None = None) -> str:
    """``exact`` when the command's text ``c`` equals the notebook's first run ``a``;
    ``nondeterministic`` when the notebook's two runs ``a`` and ``b`` differ, and ``c`` equals
    ``a`` on every line printed by a cell whose output was the same in both runs, and has the same
    shape (numbers masked) on the lines of the cells whose output differed; else ``mismatch``."""
    if c == a:
        return "exact"
    if a == b:
        return "mismatch"
    la, lb, lc = a.splitlines(), b.splitlines(), c.splitlines()
    if len(la) != len(lc):
        return "mismatch"
    if cells_a is None or cells_b is None or len(cells_a) != len(la) or len(cells_b) != len(lb):
        cells_a, cells_b = list(range(len(la))), list(range(len(lb)))  # no cell tags: line by line
    by_cell: dict[int, tuple[list[str], list[str]]] = {}
    for line, cell in zip(la, cells_a, strict=False):
        by_cell.setdefault(cell, ([], []))[0].append(line)
    for line, cell in zip(lb, cells_b, strict=False):
        by_cell.setdefault(cell, ([], []))[1].append(line)
    volatile = {cell for cell, (x, y) in by_cell.items() if x != y}
    for x, z, cell in zip(la, lc, cells_a, strict=False):
        if cell in volatile:
            if shape(x) != shape(z):
                return "mismatch"
        elif x != z:
            return "mismatch"
    return "nondeterministic"


def compare_files(a: dict[str, str], b: dict[str, str], c: dict[str, str]) -> tuple[str, list[str]]:
    """Same rule for the files written: names must be the same; a file whose hash differs between
    the notebook's two runs may differ in the command's run too."""
    problems = []
    for name in sorted(set(a) | set(c)):
        if name not in c:
            problems.append(f"not written: {name}")
        elif name not in a:
            problems.append(f"extra: {name}")
        elif c[name] != a[name] and a.get(name) == b.get(name):
            problems.append(f"differs: {name}")
    if problems:
        return "mismatch", problems
    return ("exact" if a == c else "nondeterministic"), []


def first_difference(a: str, c: str) -> str:
    diff = [
        line for line in difflib.unified_diff(a.splitlines(), c.splitlines(), "notebook", "package", n=0, lineterm="")
    ][2:8]
    return "\n".join(diff)[:600]


# ------------------------------------------------------------------------------------ one notebook


@dataclass
class Result:
    name: str
    file: str
    status: str = "?"
    detail: str = ""
    notebook_nondeterministic: bool = False
    trivial: bool = False  # the notebook prints nothing and writes nothing: nothing to compare
    displays: int = 0
    figures: int = 0
    saved_displays: int = 0  # files the package saved in displays/ (figures it drew)
    files_written: int = 0
    stdout_lines: int = 0
    export_exit: int | None = None
    refusal: str = ""
    tests: dict[str, int] = field(default_factory=dict)
    tests_tail: str = ""
    command_exit: int | None = None
    stdout_contract: bool | None = None  # exactly one JSON line on stdout
    files_status: str = ""
    text_status: str = ""
    file_problems: list[str] = field(default_factory=list)
    text_diff: str = ""
    ruff: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def bench_one(entry: Entry, scratch: Path, keep: bool = False, nb_bin: Path | None = None) -> Result:
    """The whole measurement for one notebook, in ``scratch/NAME``. ``nb_bin``: the bin folder of
    the environment that runs the notebook and the export (default: the notebook venv)."""
    result = Result(entry.name, entry.file)
    root = scratch / entry.name
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    nb_bin = nb_bin or notebook_venv()
    try:
        notebook = prepare(entry, root)
        t = time.perf_counter()
        with ThreadPoolExecutor(2) as pool:  # the two reference runs side by side
            first, second = pool.map(lambda tag: execute_notebook(nb_bin, entry, root, tag), ["run1", "run2"])
        result.seconds["notebook"] = round(first.get("seconds", 0.0), 1)
        result.seconds["notebook_wall"] = round(time.perf_counter() - t, 1)
        if first["error"] or second["error"]:
            result.status, result.detail = "notebook-failed", (first["error"] or second["error"])
            return result
        result.displays, result.figures = first["displays"], first["figures"]
        result.files_written, result.stdout_lines = len(first["files"]), len(first["stdout"].splitlines())
        result.notebook_nondeterministic = first["files"] != second["files"] or first["stdout"] != second["stdout"]
        result.trivial = not first["files"] and not first["stdout"].strip()

        project = root / "package"
        t = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": str(REPO / "python")}
        done = run(
            [
                str(nb_bin / "python"),
                "-m",
                "jupyterlab_readiness",
                "export",
                str(notebook),
                "--name",
                entry.package,
                "--out",
                str(project),
                "--format",
                "json",
            ],
            env=env,
            timeout=600,
        )
        result.seconds["export"] = round(time.perf_counter() - t, 1)
        result.export_exit = done.returncode
        (root / "export.json").write_text(done.stdout + "\n--- stderr ---\n" + done.stderr, encoding="utf-8")
        if done.returncode != 0:
            try:
                reply = json.loads(done.stdout)
                refused = reply.get("refused") or reply.get("error") or reply
                result.refusal = json.dumps(refused)[:1500]
            except ValueError:
                result.refusal = (done.stdout + done.stderr).strip()[-1500:]
            result.status = "refused" if done.returncode == 1 else "export-error"
            result.detail = result.refusal[:300]
            return result
        result.ruff = ruff_report(nb_bin, project)

        t = time.perf_counter()
        pkg_bin, log = package_venv(project, root / "venv", nb_bin / "python")
        result.seconds["install"] = round(time.perf_counter() - t, 1)
        if pkg_bin is None:
            result.status, result.detail = "install-failed", log[-500:]
            return result

        # the console script, in a fresh copy of the inputs, no flags: the notebook's values
        work = root / "command"
        shutil.copytree(root / "src", work)
        (work / entry.path).unlink()  # the package must not need its notebook
        before = snapshot(work)
        prefix = entry.package.upper() + "_"
        cmd_env = {k: v for k, v in contained_env(pkg_bin, root / "command-home").items() if not k.startswith(prefix)}
        t = time.perf_counter()
        done = run([str(pkg_bin / entry.distribution)], cwd=work / Path(entry.path).parent, env=cmd_env)
        result.seconds["command"] = round(time.perf_counter() - t, 1)
        (root / "command.log").write_text(done.stdout + "\n--- stderr ---\n" + done.stderr, encoding="utf-8")
        result.command_exit = done.returncode
        line, n_lines = summary_line(done.stdout)
        result.stdout_contract = line is not None and n_lines == 1

        t = time.perf_counter()
        tests = run(
            timeout=TESTS_TIMEOUT,
            cmd=[
                str(pkg_bin / "python"),
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-W",
                "ignore::DeprecationWarning",
            ],
            cwd=project,
            env=cmd_env,
        )
        result.seconds["tests"] = round(time.perf_counter() - t, 1)
        (root / "tests.log").write_text(tests.stdout + "\n--- stderr ---\n" + tests.stderr, encoding="utf-8")
        result.tests = pytest_counts(tests.stdout)
        if tests.returncode != 0:
            result.tests.setdefault("exit", tests.returncode)
            fails = re.findall(r"^(?:FAILED|ERROR) .*$", tests.stdout, re.MULTILINE)
            result.tests_tail = (
                "\n".join(fails[:8])[:1200] if tests.returncode != -9 else f"tests timed out after {TESTS_TIMEOUT} s"
            )

        if done.returncode != 0:
            result.status = "command-failed"
            err = (line or {}).get("error") or done.stderr.strip()[-400:]
            result.detail = str(err)[:400]
            return result
        files = written(before, snapshot(work))
        # what the notebook displayed, saved by the package (displays.py): shown, not written, by the notebook
        # (the command runs in the notebook's folder, which may be a subfolder of its repository's copy)
        result.saved_displays = sum(_displayed(name) for name in files)
        files = {name: digest for name, digest in files.items() if not _displayed(name)}
        text = sanitise(step_messages(done.stderr, entry.package), work)
        result.files_status, result.file_problems = compare_files(first["files"], second["files"], files)
        result.text_status = compare_text(
            first["stdout"], second["stdout"], text, first.get("stdout_line_cells"), second.get("stdout_line_cells")
        )
        if result.text_status == "mismatch":
            result.text_diff = first_difference(first["stdout"], text)
        statuses = {result.files_status, result.text_status}
        result.status = (
            "mismatch" if "mismatch" in statuses else "nondeterministic" if "nondeterministic" in statuses else "exact"
        )
        result.detail = "; ".join(
            result.file_problems[:3] + ([result.text_diff.splitlines()[0]] if result.text_diff else [])
        )[:300]
        if not result.stdout_contract:
            result.detail = ("stdout is not one JSON line; " + result.detail)[:300]
        return result
    except Exception as e:  # noqa: BLE001 - the harness must report, not die
        result.status, result.detail = "harness-error", f"{type(e).__name__}: {e}"[:500]
        return result
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


# ------------------------------------------------------------------------------------ report

STATUS_ORDER = [
    "exact",
    "nondeterministic",
    "mismatch",
    "command-failed",
    "install-failed",
    "refused",
    "export-error",
    "notebook-failed",
    "harness-error",
]


def tests_cell(r: Result) -> str:
    if not r.tests and r.tests_tail:
        return r.tests_tail
    if not r.tests:
        return "–"
    if r.tests.get("exit") == -9:
        return f"timed out ({TESTS_TIMEOUT} s)"
    failed = r.tests.get("failed", 0) + r.tests.get("error", 0)
    return (
        f"{r.tests.get('passed', 0)} ✓ / {failed} ✗"
        if failed or r.tests.get("exit")
        else f"{r.tests.get('passed', 0)} ✓"
    )


def ruff_cell(r: Result) -> str:
    if not r.ruff:
        return "–"
    n = sum(r.ruff["check"].values())
    return f"{n} / {r.ruff['format']}"


def markdown(results: list[Result]) -> str:
    out = [
        "| notebook | status | tests | files · printed | ruff check / fmt files | shown "
        "| s nb · export · install · cmd · tests | detail |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        status = r.status + (" (trivial)" if r.trivial and r.status in ("exact", "nondeterministic") else "")
        compared = f"{r.files_written} {r.files_status or '–'} · {r.stdout_lines} {r.text_status or '–'}"
        shown = f"{r.displays} ({r.figures} fig, {r.saved_displays} saved)"
        s = r.seconds
        secs = " · ".join(
            f"{s[k]:.0f}" if k in s else "–" for k in ("notebook", "export", "install", "command", "tests")
        )
        detail = (
            (r.detail or r.tests_tail.splitlines()[0] if (r.detail or r.tests_tail) else "")
            .replace("|", "\\|")
            .replace("\n", " ")[:160]
        )
        out.append(
            f"| {r.name} | {status} | {tests_cell(r)} | {compared} | {ruff_cell(r)} | {shown} | {secs} | {detail} |"
        )
    return "\n".join(out)


def summary(results: list[Result]) -> dict[str, Any]:
    runnable = [r for r in results if r.status not in ("notebook-failed", "harness-error")]
    count = {s: sum(r.status == s for r in runnable) for s in STATUS_ORDER}
    exported = [r for r in runnable if r.export_exit == 0]
    rules: dict[str, int] = {}
    for r in exported:
        for code, n in r.ruff.get("check", {}).items():
            rules[code] = rules.get(code, 0) + n
    return {
        "runnable": len(runnable),
        "exact": count["exact"],
        "nondeterministic": count["nondeterministic"],
        "trivial_exact": sum(r.trivial and r.status == "exact" for r in runnable),
        "by_status": count,
        "exported": len(exported),
        "installed": sum(r.status not in ("install-failed", "refused", "export-error") for r in runnable),
        "tests_pass": sum(
            bool(r.tests) and not (r.tests.get("failed") or r.tests.get("error") or r.tests.get("exit"))
            for r in exported
        ),
        "stdout_contract_broken": [r.name for r in exported if r.stdout_contract is False],
        "ruff_check_clean": sum(bool(r.ruff) and not r.ruff["check"] for r in exported),
        "ruff_format_clean": sum(bool(r.ruff) and r.ruff["format"] == 0 for r in exported),
        "ruff_rules": dict(sorted(rules.items(), key=lambda kv: -kv[1])),
        "not_runnable": [r.name for r in results if r.status in ("notebook-failed", "harness-error")],
    }


def summary_text(s: dict[str, Any]) -> str:
    return (
        f"{s['exact']} of {s['runnable']} reproduce exactly, "
        f"{s['nondeterministic']} within the notebook's own nondeterminism "
        f"({s['trivial_exact']} of the exact ones print and write nothing). "
        f"Exported {s['exported']}, installed {s['installed']}, generated tests pass {s['tests_pass']}; "
        f"ruff check clean {s['ruff_check_clean']}, ruff format clean {s['ruff_format_clean']} "
        f"of {s['exported']}. By status: " + ", ".join(f"{k} {v}" for k, v in s["by_status"].items() if v)
    )


# ------------------------------------------------------------------------------------ discovery


def discover(jobs: int, scratch: Path) -> None:
    """Run every Python notebook of the corpus not in the suite once, importing only what the
    notebook venv has; print which ran (to grow the suite)."""
    allowed = {"numpy", "pandas", "matplotlib", "sklearn", "seaborn", "scipy", "IPython", "pylab", "mpl_toolkits"}
    stdlib = set(sys.stdlib_module_names)
    in_suite = {e.file for e in load_suite()} if SUITE.exists() else set()
    candidates = []
    for file, row in manifest().items():
        if row["kernel_language"] != "python" or file in in_suite:
            continue
        data = json.loads((SHARED / "corpus" / file).read_text(encoding="utf-8"))
        cells = data.get("cells") or [c for ws in data.get("worksheets", []) for c in ws.get("cells", [])]
        source = "\n".join(
            "".join(c.get("source") or c.get("input") or "") for c in cells if c.get("cell_type") == "code"
        )
        imports = {m[0] or m[1] for m in re.findall(r"^\s*(?:from\s+(\w+)|import\s+(\w+))", source, re.MULTILINE)}
        shell = re.search(
            r"^\s*(!|%(cd|pip|conda|sx|system|%bash|%sh|%script|%writefile|run|load)\b)", source, re.MULTILINE
        )
        if imports <= allowed | stdlib and row["nbformat"] == "4" and source.strip() and not shell:
            name = re.sub(r"\W+", "_", Path(file).stem.split("__")[-1])[:40]
            candidates.append(
                Entry(name, file, row["repo"], row["path_in_repo"], ",".join(sorted(imports - stdlib)), "")
            )
    nb_bin = notebook_venv()

    def one(entry: Entry) -> tuple[Entry, dict[str, Any]]:
        root = Path(tempfile.mkdtemp(dir=scratch))
        try:
            prepare(entry, root)
            return entry, execute_notebook(nb_bin, entry, root, "run1")
        finally:
            shutil.rmtree(root, ignore_errors=True)

    with ThreadPoolExecutor(jobs) as pool:
        for entry, res in pool.map(one, candidates):
            ok = "OK  " if not res["error"] else "FAIL"
            print(
                f"{ok} {res['seconds']:6.1f}s files={len(res['files'])} lines={len(res['stdout'].splitlines())} "
                f"{entry.file}\t{entry.libraries}\t{(res['error'] or '')[:150]}",
                flush=True,
            )


# ------------------------------------------------------------------------------------ minimal cases


def case_entries(folder: Path) -> list[Entry]:
    """The minimal cases of ``tests/helpers/export_cases.py`` written as notebooks under ``folder``."""
    sys.path.insert(0, str(REPO / "tests"))
    from helpers.export_cases import CASES, notebook

    entries = []
    for name, case in CASES.items():
        inputs = folder / name / "inputs"
        inputs.mkdir(parents=True, exist_ok=True)
        for rel, text in case.inputs.items():
            (inputs / rel).parent.mkdir(parents=True, exist_ok=True)
            (inputs / rel).write_text(text, encoding="utf-8")
        path = folder / name / f"{name}.ipynb"
        path.write_text(json.dumps(notebook(case), indent=1), encoding="utf-8")
        entries.append(Entry(name, f"case:{name}", "", f"{name}.ipynb", "", case.cause, source=path, inputs_dir=inputs))
    return entries


# ------------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME", help="run only these notebooks (repeatable)"
    )
    parser.add_argument("--slice", action="store_true", help=f"run only the fast slice: {', '.join(SLICE)}")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks benchmarked at once (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folders (printed) for debugging")
    parser.add_argument("--scratch", type=Path, default=None, help="scratch folder (default: a new temporary folder)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="JSON results file (default results/fidelity.json, results/fidelity-cases.json with --cases)",
    )
    parser.add_argument(
        "--discover", action="store_true", help="run candidate corpus notebooks once and list which run"
    )
    parser.add_argument(
        "--current-env",
        action="store_true",
        help="run the notebooks and the export with this Python's environment instead of the notebook venv "
        "(it needs ipykernel, nbclient, pydantic-settings, pytest, ruff and what the notebooks import)",
    )
    parser.add_argument(
        "--cases",
        action="store_true",
        help="run the minimal cases of tests/helpers/export_cases.py instead of the suite",
    )
    parser.add_argument("--_execute", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.out is None:
        args.out = HERE / "results" / ("fidelity-cases.json" if args.cases else "fidelity.json")
    if args._execute:
        execute_worker(*args._execute)
        return 0
    if not (SHARED / "corpus" / "MANIFEST.tsv").exists():
        parser.error(f"no corpus at {SHARED / 'corpus'}")
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="fidelity-"))
    scratch.mkdir(parents=True, exist_ok=True)
    if args.discover:
        discover(args.jobs, scratch)
        return 0
    suite = case_entries(scratch / "_cases") if args.cases else load_suite()
    names = set(args.only) | (set(SLICE) if args.slice else set())
    if names:
        unknown = names - {e.name for e in suite}
        if unknown:
            parser.error(f"not in the suite: {', '.join(sorted(unknown))}")
        suite = [e for e in suite if e.name in names]
    nb_bin = Path(sys.executable).parent if args.current_env else notebook_venv()
    uv()
    start = time.perf_counter()
    results: list[Result] = []
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        for r in pool.map(lambda e: bench_one(e, scratch, args.keep, nb_bin), suite):
            print(f"{r.name}: {r.status} {r.detail[:120]}", file=sys.stderr, flush=True)
            results.append(r)
    total = time.perf_counter() - start
    s = summary(results)
    print(markdown(results))
    print()
    print(summary_text(s))
    print(f"\nRuff rules (default set) over the generated packages: {s['ruff_rules']}")
    print(f"Wall time {total:.0f} s with --jobs {args.jobs}.")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "summary": s,
                "seconds": round(total, 1),
                "jobs": args.jobs,
                "pins": NOTEBOOK_PINS,
                "results": [asdict(r) for r in results],
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    if args.keep:
        print(f"scratch folders kept in {scratch}", file=sys.stderr)
    elif args.scratch is None:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
