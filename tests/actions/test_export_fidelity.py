"""Export fidelity, one minimal case of ``tests/helpers/export_cases.py`` per cause (issue 14): the
case is exported with the CLI, its command run with this Python (the package's ``src`` on the
path), its generated tests run, and ruff run on it with the default rules."""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import io
import json
import os
import posixpath
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers.export_cases import CASES, ExportCase, code, md, notebook
from helpers.notebooks import REPO

PACKAGE = "pkg"


@dataclass
class Exported:
    project: Path
    export: subprocess.CompletedProcess

    @property
    def reply(self) -> dict:
        return json.loads(self.export.stdout)


def export(name: str, tmp_path: Path, case: ExportCase | None = None) -> Exported:
    """Exports the case ``name`` (or ``case``, a variant of it, in a folder of its own)."""
    folder = tmp_path / (name if case is None else f"{name}-variant")
    folder.mkdir()
    case = case or CASES[name]
    (folder / "nb.ipynb").write_text(json.dumps(notebook(case)), encoding="utf-8")
    for relative, text in case.inputs.items():
        (folder / relative).write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "jupyterlab_readiness", "export", "nb.ipynb", "--name", PACKAGE, "--format", "json"],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(REPO / "python")},
        timeout=300,
    )
    return Exported(folder / PACKAGE, done)


def command(exported: Exported, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", PACKAGE, "--workdir", str(work), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(exported.project / "src")},
        timeout=300,
    )


def package_tests(exported: Exported) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        capture_output=True,
        text=True,
        cwd=exported.project,
        env={**os.environ, "PYTHONPATH": str(exported.project / "src")},
        timeout=600,
    )


def logged(run: subprocess.CompletedProcess) -> list[str]:
    """The messages the steps logged, in order."""
    marker = f" INFO {PACKAGE}.steps: "
    return [line.split(marker, 1)[1] for line in run.stderr.splitlines() if marker in line]


def one_json_line(run: subprocess.CompletedProcess) -> dict:
    lines = run.stdout.splitlines()
    assert len(lines) == 1, run.stdout
    return json.loads(lines[0])


def notebook_prints(name: str) -> list[str]:
    """What the case's notebook prints, run top to bottom in one namespace (as a kernel does)."""
    namespace: dict = {"__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in CASES[name].cells:
            if cell["cell_type"] == "code":
                exec(compile(cell["source"], "<cell>", "exec"), namespace)
    return out.getvalue().splitlines()


def ruff(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--isolated", "--no-cache", "."],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=120,
    )


def test_the_generated_package_passes_ruff_and_its_tests_share_the_upstream_run(tmp_path: Path) -> None:
    exported = export("ruff_on_generated_code", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout + exported.export.stderr
    check, fmt = ruff(exported.project, "check"), ruff(exported.project, "format", "--check")
    assert check.returncode == 0, check.stdout
    assert fmt.returncode == 0, fmt.stdout
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert logged(run) == ["7", "40", "5.0", "8 80"]
    tests = package_tests(exported)
    assert tests.returncode == 0 and "7 passed" in tests.stdout, tests.stdout
    steps = (exported.project / "tests" / "test_steps.py").read_text(encoding="utf-8")
    assert steps.count("= make()") == 1, "the steps run once, in the session fixture, not again in every test"


@pytest.mark.parametrize("name", ["unseeded_random_tests", "displayed_values_lost", "matplotlib_state_across_steps"])
def test_notebook_code_kept_as_it_ran_passes_ruff_too(name: str, tmp_path: Path) -> None:
    exported = export(name, tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout + exported.export.stderr
    assert ruff(exported.project, "check").returncode == 0
    assert ruff(exported.project, "format", "--check").returncode == 0


def test_figures_are_saved_by_step_and_closed_at_the_end_of_each_cell_that_draws(tmp_path: Path) -> None:
    exported = export("matplotlib_state_across_steps", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert logged(run) == ["done"]  # the 3-D axes of the first step did not leak into plt.axis of the second
    saved = sorted(p.name for p in (tmp_path / "work" / "displays").iterdir())
    assert saved == ["a_2_d_line-cell5-1.png", "a_3_d_line-cell3-1.png"]
    assert "figure saved to displays/a_3_d_line-cell3-1.png" in run.stderr
    tests = package_tests(exported)
    assert tests.returncode == 0, tests.stdout


def test_everything_a_step_prints_goes_to_the_log_and_stdout_is_one_json_line(tmp_path: Path) -> None:
    exported = export("stdout_written_not_by_print", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok"
    assert logged(run)[:3] == ["HELLO", "Help on built-in function lower:", ""]


@pytest.mark.parametrize(
    ("name", "expected", "warning"),
    [
        ("help_line", ["hello"], "an IPython help line (`word.lower?`) only shows documentation: left out"),
        ("future_import", ["3.5", "1.8708"], None),
        ("future_annotations", ["28.274"], None),
        ("future_annotations_in_a_step", ["8"], None),
        ("parameters_late_literal_cell", ["6", "10"], None),
        ("star_import_from_typing", ["[1, 2, 3]"], None),
        ("string_only_section", ["45"], "The section “Optional” (cell 4) holds nothing to run"),
        ("dunder_main_guard", ["42"], None),
        ("lone_semicolon_line", ["45"], None),
        ("guarded_read_below", ["[1, 2]"], None),
    ],
)
def test_needless_refusals_are_gone(name: str, expected: list[str], warning: str | None, tmp_path: Path) -> None:
    exported = export(name, tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    if warning:
        assert any(warning in w for w in exported.reply["warnings"]), exported.reply["warnings"]
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert logged(run) == expected
    assert ruff(exported.project, "check").returncode == 0
    assert '("")' not in (exported.project / "src" / PACKAGE / "steps.py").read_text(encoding="utf-8")


def test_names_the_notebook_binds_never_replace_the_pipeline_s_logger_parameters_or_test_records(
    tmp_path: Path,
) -> None:
    assert notebook_prints("notebook_binds_the_pipeline_s_names") == ["1.75 [1.75] ok 1"]
    exported = export("notebook_binds_the_pipeline_s_names", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    run = command(exported, tmp_path, "--n", "3")
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert logged(run) == ["1.75 [1.75] ok 1"]
    assert "step 2/2: fit (Fit)" in run.stderr
    pipeline = (exported.project / "src" / PACKAGE / "pipeline.py").read_text(encoding="utf-8")
    assert "noqa" not in pipeline, "nothing in the code the export wrote needs exempting"
    tests = package_tests(exported)
    assert tests.returncode == 0 and "5 passed" in tests.stdout, tests.stdout
    assert ruff(exported.project, "check").returncode == 0


def test_a_line_printed_in_parts_is_logged_whole_as_the_notebook_showed_it(tmp_path: Path) -> None:
    assert notebook_prints("print_part_of_a_line") == ["3 14 15 ", "total 32"]
    exported = export("print_part_of_a_line", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert logged(run) == ["3 14 15 ", "total 32"]
    tests = package_tests(exported)
    assert tests.returncode == 0, tests.stdout


def test_each_step_test_draws_what_its_step_drew_when_it_runs_alone(tmp_path: Path) -> None:
    exported = export("seeded_draws_across_steps", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    run = command(exported, tmp_path)
    assert logged(run) == notebook_prints("seeded_draws_across_steps")
    for step in ("pick", "sample"):  # alone, and not in the notebook's order either
        alone = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", "-k", f"test_{step}"],
            capture_output=True,
            text=True,
            cwd=exported.project,
            env={**os.environ, "PYTHONPATH": str(exported.project / "src")},
            timeout=600,
        )
        assert alone.returncode == 0 and "1 passed" in alone.stdout, alone.stdout
    tests = package_tests(exported)
    assert tests.returncode == 0, tests.stdout
    assert ruff(exported.project, "check").returncode == 0
    assert ruff(exported.project, "format", "--check").returncode == 0


def test_a_stopwatch_keeps_reading_the_clock_and_the_export_says_why(tmp_path: Path) -> None:
    assert notebook_prints("clock_measures_time") == ["total 332833500", "took more than 0.1 s: True", "True"]
    exported = export("clock_measures_time", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    assert [p["name"] for p in exported.reply["parameters"]] == ["run_date"]  # date.today() still dates the run
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert logged(run) == notebook_prints("clock_measures_time")
    warnings = "\n".join(exported.reply["warnings"])
    assert "Cell 3 line 6: `time.time()` still reads the clock (it measures how long something takes" in warnings
    assert "Cell 3 line 4: `time.time()` still reads the clock (it waits for the clock" in warnings


@pytest.mark.parametrize(
    "load",
    [
        "sales = pd.read_csv('../data/sales.csv')",
        "from pathlib import Path\n\nDATA = Path('..') / 'data'\nsales = pd.read_csv(DATA / 'sales.csv')",
        "import os\n\nsales = pd.read_csv(os.path.join('..', 'data', 'sales.csv'))",
    ],
)
def test_an_input_above_the_notebook_s_folder_is_an_input_of_the_package_and_of_its_tests(
    load: str, tmp_path: Path
) -> None:
    """A project laid out with notebooks/ and data/ side by side: the notebook reads ../data/sales.csv,
    named by a literal or joined from literals."""
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    (project / "data").mkdir()
    (project / "data" / "sales.csv").write_text("region,units\nnorth,3\nsouth,5\nnorth,4\n", encoding="utf-8")
    case = ExportCase(
        cells=[
            code("import pandas as pd"),
            md("## Load"),
            code(f"{load}\nprint(len(sales))"),
            md("## Totals"),
            code("totals = sales.groupby('region')['units'].sum()\ntotals.to_csv('t.csv')\nprint(totals.to_dict())"),
        ],
        cause="",
        today="",
        correct="",
    )
    (project / "notebooks" / "nb.ipynb").write_text(json.dumps(notebook(case)), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "jupyterlab_readiness", "export", "notebooks/nb.ipynb", "--name", PACKAGE],
        capture_output=True,
        text=True,
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(REPO / "python")},
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    exported = Exported(project / "notebooks" / PACKAGE, done)
    readme = (exported.project / "README.md").read_text(encoding="utf-8")
    assert "it reads `../data/sales.csv` from its working folder" in readme
    tests = package_tests(exported)  # each test's working folder has ../data/sales.csv beside it, inside its own
    assert tests.returncode == 0 and "5 passed" in tests.stdout, tests.stdout
    assert not (tmp_path / "data").exists()
    run = subprocess.run(
        [sys.executable, "-m", PACKAGE, "--workdir", str(project / "notebooks")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(exported.project / "src")},
        timeout=300,
    )
    assert logged(run) == ["3", "{'north': 7, 'south': 5}"], run.stderr


def test_a_step_never_takes_the_name_of_a_module_the_package_imports_beside_it(tmp_path: Path) -> None:
    exported = export("step_named_like_a_generated_import", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    assert [s["function"] for s in exported.reply["steps"]] == ["logging_step", "copy_step", "random_step"]
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert logged(run) == notebook_prints("step_named_like_a_generated_import")
    tests = package_tests(exported)
    assert tests.returncode == 0, tests.stdout


def test_a_run_changes_a_copy_of_its_parameters_never_the_values_it_was_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exported = export("parameter_changed_in_place", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    run = command(exported, tmp_path)
    assert one_json_line(run)["parameters"] == {"columns": ["region", "units"]}, run.stdout
    monkeypatch.chdir(exported.project.parent)  # the notebook writes report.csv where it runs
    assert logged(run) == notebook_prints("parameter_changed_in_place") == ["['region', 'units', 'flag']"]
    assert (tmp_path / "work" / "report.csv").read_text(encoding="utf-8") == "region,units,flag\nn,3,False\ns,12,True\n"
    tests = package_tests(exported)  # test_running_twice_gives_the_same_files among them
    assert tests.returncode == 0, tests.stdout


def test_unseeded_randomness_gets_a_seed_parameter_so_runs_and_generated_tests_repeat(tmp_path: Path) -> None:
    exported = export("unseeded_random_tests", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    assert [(p["name"], p["type"], p["default"]) for p in exported.reply["parameters"]] == [("seed", "int", "0")]
    saved = []
    for _ in range(2):
        run = command(exported, tmp_path, "--seed", "7")
        assert one_json_line(run)["parameters"] == {"seed": 7}, run.stderr
        saved.append((tmp_path / "work" / "a.npy").read_bytes())
    assert saved[0] == saved[1]
    tests = package_tests(exported)  # "same result twice" and "a second run changes nothing" both hold
    assert tests.returncode == 0 and "5 passed" in tests.stdout, tests.stdout
    assert "seeds them with `seed`" in (exported.project / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["redefined_function", "pipeline_passes_unimported_helper"])
def test_a_redefined_function_keeps_the_definition_each_step_saw(name: str, tmp_path: Path) -> None:
    exported = export(name, tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert logged(run) == notebook_prints(name) == {"redefined_function": ["2", "4"]}.get(name, ["2", "6", "20"])
    steps = (exported.project / "src" / PACKAGE / "steps.py").read_text(encoding="utf-8")
    assert "\ndef score" not in steps and "\ndef f(" not in steps, "no redefined name at module level"
    assert ruff(exported.project, "check").returncode == 0
    tests = package_tests(exported)
    assert tests.returncode == 0, tests.stdout


def test_a_helper_reading_a_redefined_helper_is_refused_rather_than_computing_another_value(tmp_path: Path) -> None:
    assert notebook_prints("redefined_helper_read_by_helper") == ["5", "12"]
    exported = export("redefined_helper_read_by_helper", tmp_path)
    refused = exported.reply["refused"]
    assert "`total`" in refused and "reads `score`, which cell 6 rebinds" in refused, refused
    assert not exported.project.exists()


def test_a_module_of_the_notebook_is_copied_into_the_package_and_imported_from_there(tmp_path: Path) -> None:
    exported = export("local_module", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    assert not any("helpers" in w for w in exported.reply["warnings"]), exported.reply["warnings"]
    pyproject = (exported.project / "pyproject.toml").read_text(encoding="utf-8")
    assert '"numpy==' in pyproject, "helpers.py imports numpy: a dependency of the package"
    copied = (exported.project / "src" / PACKAGE / "helpers.py").read_text(encoding="utf-8")
    assert "def double(x):" in copied
    steps = (exported.project / "src" / PACKAGE / "steps.py").read_text(encoding="utf-8")
    assert f"from {PACKAGE} import helpers" in steps and f"from {PACKAGE}.helpers import double" in steps
    run = command(exported, tmp_path)  # the notebook's folder is not on the path: only the package's copy is
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert logged(run) == ["8 6"]
    assert ruff(exported.project, "check").returncode == 0
    assert ruff(exported.project, "format", "--check").returncode == 0
    tests = package_tests(exported)
    assert tests.returncode == 0, tests.stdout


def test_a_star_import_from_the_standard_library_becomes_the_names_used_and_a_main_guard_its_body(
    tmp_path: Path,
) -> None:
    exported = export("star_import_from_typing", tmp_path)
    steps = (exported.project / "src" / PACKAGE / "steps.py").read_text(encoding="utf-8")
    assert "from typing import List\n" in steps and "*" not in steps
    exported = export("dunder_main_guard", tmp_path)
    steps = (exported.project / "src" / PACKAGE / "steps.py").read_text(encoding="utf-8")
    assert "__main__" not in steps and "    logger.info(" in steps


def test_a_table_a_cell_displays_last_is_saved_as_csv_by_step_and_a_silent_pipeline_is_warned_of(
    tmp_path: Path,
) -> None:
    exported = export("displayed_values_lost", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    assert not any("logs nothing" in w for w in exported.reply["warnings"]), exported.reply["warnings"]
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok", run.stderr
    displays = tmp_path / "work" / "displays"
    assert sorted(p.name for p in displays.iterdir()) == ["chart-cell6-1.png", "table-cell4.csv"]
    assert "table: table saved to displays/table-cell4.csv" in run.stderr
    readme = (exported.project / "README.md").read_text(encoding="utf-8")
    assert "saved in the run's `displays/` folder" in readme and "are not reproduced" in readme
    table = (displays / "table-cell4.csv").read_text(encoding="utf-8").splitlines()
    assert table[0] == ",rides" and table[1] == "count,3.0" and table[2] == "mean,4.0", table
    assert ruff(exported.project, "check").returncode == 0
    assert ruff(exported.project, "format", "--check").returncode == 0
    tests = package_tests(exported)
    assert tests.returncode == 0, tests.stdout

    silent = export("silent_pipeline", tmp_path)
    assert any("writes no file and logs nothing" in w for w in silent.reply["warnings"]), silent.reply["warnings"]


def test_a_value_a_cell_shows_last_that_is_not_a_table_is_saved_as_the_text_the_notebook_showed(
    tmp_path: Path,
) -> None:
    import nbformat
    from nbclient import NotebookClient

    exported = export("displayed_values_not_tables", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    steps = (exported.project / "src" / PACKAGE / "steps.py").read_text(encoding="utf-8")
    assert "total = sum(range(10))\n" in steps  # used by the save, no `noqa: F841`
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok", run.stderr
    executed = NotebookClient(nbformat.from_dict(notebook(CASES["displayed_values_not_tables"])), timeout=120).execute()
    shown = {
        f"numbers-cell{index + 1}.txt": out["data"]["text/plain"]
        for index, cell in enumerate(executed.cells)
        for out in cell.get("outputs", [])
        if out["output_type"] == "execute_result"
    }
    assert len(shown) == 4, shown  # total, primes, the tuple, the joined words; not `hidden;` nor None
    displays = tmp_path / "work" / "displays"
    saved = {p.name: p.read_text(encoding="utf-8") for p in displays.iterdir()}
    assert saved == {name: text + "\n" for name, text in shown.items()}
    assert all(f"numbers: value saved to displays/{name}" in run.stderr for name in shown)
    assert logged(run) == notebook_prints("displayed_values_not_tables")  # still printed, once
    readme = (exported.project / "README.md").read_text(encoding="utf-8")
    assert "any other value as its text" in readme and "`%time` and `%timeit` lines" in readme
    assert ruff(exported.project, "check").returncode == 0
    assert ruff(exported.project, "format", "--check").returncode == 0
    tests = package_tests(exported)
    assert tests.returncode == 0, tests.stdout


SETS = ExportCase(
    cause="A set a cell shows last was saved as its repr: in the order of its hash table, which changes with "
    "PYTHONHASHSEED from run to run, while the notebook shows its items sorted.",
    today="displays/*.txt differ between runs and from the notebook's output.",
    correct="The items of a set or frozenset are saved sorted, as IPython shows them, in lists, tuples and dicts too.",
    cells=[
        md("## Words"),
        code("words = {'pear', 'apple', 'fig', 'kiwi', 'plum', 'date'}\nwords"),
        # (within IPython's 79 characters: past them IPython wraps the value, the file has it on one line)
        code("nested = [frozenset({'c', 'a', 'b'}), {'k': {'z', 'y'}, 'e': set()}, ({1, 'x'},)]\nnested"),
        code("print(len(words))"),
    ],
)


def test_a_set_a_cell_shows_last_is_saved_sorted_as_the_notebook_shows_it_whatever_the_hash_seed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat
    from nbclient import NotebookClient

    exported = export("sets", tmp_path, SETS)
    assert exported.export.returncode == 0, exported.export.stdout
    executed = NotebookClient(nbformat.from_dict(notebook(SETS)), timeout=120).execute()
    shown = {
        f"words_step-cell{index + 1}.txt": out["data"]["text/plain"] + "\n"
        for index, cell in enumerate(executed.cells)
        for out in cell.get("outputs", [])
        if out["output_type"] == "execute_result"
    }
    assert len(shown) == 2, shown
    for seed in ("1", "2", "3"):
        monkeypatch.setenv("PYTHONHASHSEED", seed)
        run = command(exported, tmp_path)
        assert one_json_line(run)["status"] == "ok", run.stderr
        saved = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "work" / "displays").iterdir()}
        assert saved == shown, seed
    displays = (exported.project / "src" / PACKAGE / "displays.py").read_text(encoding="utf-8")
    imported = {a.name for n in ast.walk(ast.parse(displays)) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(ast.parse(displays)) if isinstance(n, ast.ImportFrom)}
    assert not {m for m in imported if m and m.startswith("IPython")}, "the package does not depend on IPython"
    assert ruff(exported.project, "check").returncode == 0


def test_an_optional_dependency_a_pandas_call_names_is_pinned_at_the_installed_version(tmp_path: Path) -> None:
    from importlib.metadata import version

    exported = export("runtime_dependency_not_imported", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    pyproject = (exported.project / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"scipy=={version("scipy")}"' in pyproject, "interpolate(method='cubic') needs SciPy, never imported"
    assert exported.reply["unresolved"] == []
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert logged(run) == notebook_prints("runtime_dependency_not_imported")


def test_steps_named_by_their_place_in_a_heading_are_named_by_their_code_or_their_number(tmp_path: Path) -> None:
    exported = export("step_named_like_test_locals", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    assert [s["function"] for s in exported.reply["steps"]] == ["compute_x", "step_2"]
    tests = package_tests(exported)
    assert tests.returncode == 0, tests.stdout


def test_displays_of_a_section_s_later_cells_are_saved_through_the_package_s_displays_module(tmp_path: Path) -> None:
    exported = export("displays_in_later_cells", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    steps = (exported.project / "src" / PACKAGE / "steps.py").read_text(encoding="utf-8")
    assert "readiness_export" not in steps and steps.count("from .displays import save_figures, save_value") == 1
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert logged(run)[0] == "(2, 2)" and "RangeIndex: 2 entries, 0 to 1" in logged(run)  # df.info() printed
    saved = sorted(p.name for p in (tmp_path / "work" / "displays").iterdir())
    assert saved == ["rides-cell4-1.png", "rides-cell6.csv"]


def test_what_a_helper_shows_with_display_is_saved_not_printed_and_no_step_is_collected_as_a_test(
    tmp_path: Path,
) -> None:
    exported = export("rich_display_in_helper", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    assert [s["function"] for s in exported.reply["steps"]] == ["show_step", "run_tests"]
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert logged(run) == ["shown", "ok"]  # what the notebook printed (the HTML was a display, not stdout)
    saved = sorted((tmp_path / "work" / "displays").iterdir())
    assert [p.suffix for p in saved] == [".html", ".html"]
    assert {p.read_text(encoding="utf-8") for p in saved} == {"<b>1</b>", "<b>2</b>"}
    assert {p.name.split("-display-")[0] for p in saved} == {"show_step", "run_tests"}
    assert f"display saved to displays/{saved[0].name}" in run.stderr
    assert ruff(exported.project, "check").returncode == 0
    assert ruff(exported.project, "format", "--check").returncode == 0
    tests = package_tests(exported)
    assert tests.returncode == 0 and "error" not in tests.stdout, tests.stdout


def test_a_recursive_helper_redefined_later_keeps_calling_itself_unless_it_escapes_under_another_name(
    tmp_path: Path,
) -> None:
    assert notebook_prints("recursive_helper_redefined_later") == ["120", "-24"]
    exported = export("recursive_helper_redefined_later", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert logged(run) == ["120", "-24"]
    assert ruff(exported.project, "check").returncode == 0

    cells = [dict(c) for c in CASES["recursive_helper_redefined_later"].cells]
    cells[2] = {**cells[2], "source": "g = fact\nprint(fact(5))"}
    cells.append({**cells[2], "source": "print(g(3))"})  # the notebook: 3 * the new fact(2) = -6
    variant = export(
        "recursive_helper_redefined_later",
        tmp_path,
        dataclasses.replace(CASES["recursive_helper_redefined_later"], cells=cells),
    )
    assert "reads `fact`, which cell" in variant.reply["refused"], variant.reply["refused"]


def test_a_name_a_function_body_reads_resolves_as_in_the_notebook_when_the_function_is_called(
    tmp_path: Path,
) -> None:
    exported = export("undefined_name_in_uncalled_function", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    assert any("`re` is read inside a function" in w for w in exported.reply["warnings"]), exported.reply["warnings"]
    steps = (exported.project / "src" / PACKAGE / "steps.py").read_text(encoding="utf-8")
    assert "re.search(pattern, line):  # noqa: F821" in steps and "import re" not in steps
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert logged(run) == notebook_prints("undefined_name_in_uncalled_function") == ["42"]
    assert ruff(exported.project, "check").returncode == 0
    assert ruff(exported.project, "format", "--check").returncode == 0

    below = export("name_imported_below_a_function_reading_it", tmp_path)
    assert below.export.returncode == 0, below.export.stdout
    steps = (below.project / "src" / PACKAGE / "steps.py").read_text(encoding="utf-8")
    assert "\nimport re\n" in steps and "noqa" not in steps
    run = command(below, tmp_path)
    assert logged(run) == notebook_prints("name_imported_below_a_function_reading_it") == ["['ab']"]
    assert ruff(below.project, "check").returncode == 0


def test_a_helper_redefined_before_a_name_it_reads_changes_keeps_it_and_is_refused_when_called_after(
    tmp_path: Path,
) -> None:
    name = "helper_replaced_before_what_it_reads_changes"
    assert notebook_prints(name) == ["2 items", "1 items", "-3 things"]
    exported = export(name, tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert logged(run) == ["2 items", "1 items", "-3 things"]

    cells = [dict(c) for c in CASES[name].cells]
    cells[3] = {**cells[3], "source": cells[3]["source"] + "\n\n\nprint(describe([1]))"}  # "-1 items" in the notebook
    variant = export(name, tmp_path, dataclasses.replace(CASES[name], cells=cells))
    assert "reads `size`, which cell" in variant.reply["refused"], variant.reply["refused"]


def test_instances_of_a_class_a_step_defines_compare_by_their_attributes_in_the_generated_tests(
    tmp_path: Path,
) -> None:
    exported = export("class_defined_in_a_step", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    steps = (exported.project / "src" / PACKAGE / "steps.py").read_text(encoding="utf-8")
    assert "\n    class Point:" in steps, "the class stays in its step (the case is about that)"
    run = command(exported, tmp_path)
    assert logged(run) == ["3"]
    tests = package_tests(exported)
    assert tests.returncode == 0, tests.stdout
    assert ruff(exported.project, "format", "--check").returncode == 0


def test_a_data_literal_too_long_for_the_code_is_a_data_file_the_settings_load(tmp_path: Path) -> None:
    exported = export("long_data_literal_parameter", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout
    src = exported.project / "src" / PACKAGE
    data = json.loads((src / "data" / "raw_data.json").read_text(encoding="utf-8"))
    assert data["hp"] == [45, 39, 44, 45]
    parameters = (src / "parameters.py").read_text(encoding="utf-8")
    assert "Bulbasaur" not in parameters and 'default_factory=lambda: _data("raw_data")' in parameters
    assert 'pkg = ["data/raw_data.json"]' in (exported.project / "pyproject.toml").read_text(encoding="utf-8")
    assert "Bulbasaur" not in (exported.project / "README.md").read_text(encoding="utf-8")
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert logged(run) == notebook_prints("long_data_literal_parameter") == ["4 173"]
    run = command(exported, tmp_path, "--raw-data", '{"name": ["Mew"], "hp": [100]}')
    assert logged(run) == ["1 100"]
    assert ruff(exported.project, "check").returncode == 0
    assert ruff(exported.project, "format", "--check").returncode == 0
    tests = package_tests(exported)
    assert tests.returncode == 0, tests.stdout


def test_names_functions_declare_global_are_steps_module_globals_every_step_shares(tmp_path: Path) -> None:
    assert notebook_prints("global_counter_and_cache") == ["3 2 2", "20 2"]
    exported = export("global_counter_and_cache", tmp_path)
    assert exported.export.returncode == 0, exported.export.stdout + exported.export.stderr
    steps = (exported.project / "src" / PACKAGE / "steps.py").read_text(encoding="utf-8")
    assert steps.count("    global hits\n") == 3  # bump, and the two steps that bind it (`hits = 0`, `del hits`)
    assert "def use(bump):" in steps, "the state is no step parameter"
    run = command(exported, tmp_path)
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert logged(run) == ["3 2 2", "20 2"]
    alone = subprocess.run(  # bump() counts on from the `hits` its step found, not from the run's end
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", "-k", "test_use"],
        capture_output=True,
        text=True,
        cwd=exported.project,
        env={**os.environ, "PYTHONPATH": str(exported.project / "src")},
        timeout=600,
    )
    assert alone.returncode == 0 and "1 passed" in alone.stdout, alone.stdout
    tests = package_tests(exported)
    assert tests.returncode == 0, tests.stdout
    assert ruff(exported.project, "check").returncode == 0
    assert ruff(exported.project, "format", "--check").returncode == 0


def test_a_parameter_declared_global_is_refused_naming_the_line(tmp_path: Path) -> None:
    exported = export("global_parameter", tmp_path)
    assert exported.export.returncode == 1
    refused = exported.reply["refused"]
    assert "Cell 2 line 2 declares `global step`, a parameter of the package" in refused
    assert "`global current_step` in the function" in refused
    assert not exported.project.exists()


@pytest.mark.parametrize(
    ("parameters", "save", "written"),
    [
        ("", "totals.to_csv('../out/totals.csv')", "../out/totals.csv"),
        (
            "out_dir = '../out'\nday = '2024-05-01'",
            "totals.to_csv(f'{out_dir}/totals_{day}.csv')",
            "../out/totals_2024-05-01.csv",
        ),
        ("out_dir = 'results'", "totals.to_csv(Path(out_dir) / 'totals.csv')", "results/totals.csv"),
        ("out_dir = '../out'", "totals.to_csv(os.path.join(out_dir, 'totals.csv'))", "../out/totals.csv"),
    ],
)
def test_a_file_written_by_a_built_name_or_above_the_folder_is_an_output_where_the_notebook_wrote_it(
    parameters: str, save: str, written: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """notebooks/ beside data/ and out/: the file is written relative to the working folder as the
    notebook wrote it relative to its own; the package's tests lay out the folder it goes into."""
    project = tmp_path / "project"
    for folder in ("notebooks/results", "data", "out"):
        (project / folder).mkdir(parents=True)
    (project / "data" / "sales.csv").write_text("region,units\nnorth,3\nsouth,5\nnorth,4\n", encoding="utf-8")
    cells = [
        *([code(parameters, tags=["parameters"])] if parameters else []),
        code("import os\nfrom pathlib import Path\n\nimport pandas as pd"),
        md("## Totals"),
        code(f"sales = pd.read_csv('../data/sales.csv')\ntotals = sales.groupby('region')['units'].sum()\n{save}"),
    ]
    case = ExportCase(cells=cells, cause="", today="", correct="")
    (project / "notebooks" / "nb.ipynb").write_text(json.dumps(notebook(case)), encoding="utf-8")
    with monkeypatch.context() as patch:  # the notebook, run from its folder as Jupyter runs it
        patch.chdir(project / "notebooks")
        namespace: dict = {"__name__": "__main__"}
        for cell in cells:
            exec(compile(cell["source"], "<cell>", "exec"), namespace)
    expected = (project / "notebooks" / written).read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "jupyterlab_readiness", "export", "notebooks/nb.ipynb", "--name", PACKAGE],
        capture_output=True,
        text=True,
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(REPO / "python")},
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    exported = Exported(project / "notebooks" / PACKAGE, done)
    readme = (exported.project / "README.md").read_text(encoding="utf-8")
    folder = posixpath.dirname(written)
    assert f"It writes `{written}`, relative to that folder as the notebook did to its own" in readme
    assert f"(the folder `{folder}` must exist, as it did beside the notebook)" in readme
    tests = package_tests(exported)  # their working folders have the output folder where the notebook had it
    assert tests.returncode == 0 and "4 passed" in tests.stdout, tests.stdout
    assert f'for name in ["{written}"]' in (exported.project / "tests" / "test_pipeline.py").read_text("utf-8")
    assert ruff(exported.project, "check").returncode == 0
    assert ruff(exported.project, "format", "--check").returncode == 0
    scheduled = tmp_path / "scheduled"  # another machine's layout: the command's working folder is `work`
    for name in ("work/results", "data", "out"):
        (scheduled / name).mkdir(parents=True)
    (scheduled / "data" / "sales.csv").write_bytes((project / "data" / "sales.csv").read_bytes())
    run = subprocess.run(
        [sys.executable, "-m", PACKAGE, "--workdir", str(scheduled / "work")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(exported.project / "src")},
        timeout=300,
    )
    assert one_json_line(run)["status"] == "ok", run.stderr
    assert (scheduled / "work" / written).read_bytes() == expected
