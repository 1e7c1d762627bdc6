"""Minimal notebooks for each cause of export infidelity found by ``benchmarks/bench_fidelity.py``
on real notebooks (issue 14): one case per distinct cause, the smallest notebook that shows it.

Each case says what today's exporter does (``today``), what the correct behaviour is
(``correct``: what a test should assert) and which notebooks of the fidelity suite it breaks
(``suite``; a case from issue 14's list that this suite did not hit has none). Input files, if
any, go beside the notebook (``inputs``). Build one with ``notebook(CASES[name])``.

``python benchmarks/bench_fidelity.py --cases`` runs every case through the same harness as the
real notebooks (nbclient run, export, isolated install, generated tests, console script,
comparison), so each ``today`` can be checked against the exporter of the moment. These are not
tests yet: the engineer fixing the exporter turns each ``correct`` into one.
"""

# ruff: noqa: E501 - the causes and behaviours are prose, kept one sentence per string
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def code(source: str, tags: list[str] | None = None) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "source": source,
        "execution_count": None,
        "metadata": {"tags": tags} if tags else {},
        "outputs": [],
    }


def md(source: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "source": source, "metadata": {}}


@dataclass(frozen=True)
class ExportCase:
    cells: list[dict[str, Any]]
    cause: str
    today: str
    correct: str
    suite: tuple[str, ...] = ()
    inputs: dict[str, str] = field(default_factory=dict)


def notebook(case: ExportCase) -> dict[str, Any]:
    """The case as nbformat 4 JSON (cell ids included)."""
    cells = [{**cell, "id": f"cell-{i}"} for i, cell in enumerate(case.cells)]
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"},
            "language_info": {"name": "python"},
        },
        "cells": cells,
    }


CASES: dict[str, ExportCase] = {
    # ---------------------------------------------------------------- wrong results or a failing package
    "matplotlib_state_across_steps": ExportCase(
        cause="pyplot's global state crosses steps: in the notebook the inline backend closes every figure when its cell ends; "
        "in the package the 3-D axes of one step is still pyplot's current axes in the next, so plt.axis([4 values]) fails.",
        today="Exported; the command exits 1 (TypeError: The first argument to axis() must be an iterable of the form "
        "[xmin, xmax, ymin, ymax, zmin, zmax]); the step test of the 2-D section fails the same way when run after the 3-D one.",
        correct="Every exported cell that draws ends with plt.close('all') (or the step runs in its own figure context); the "
        "generated tests isolate pyplot state (an autouse fixture closing figures); the command exits 0 and logs `done`.",
        suite=("linear_algebra_ml3",),
        cells=[
            code("import matplotlib.pyplot as plt"),
            md("## A 3-D line"),
            code("ax = plt.figure().add_subplot(projection='3d')\nax.plot([0, 1], [0, 1], [0, 1])"),
            md("## A 2-D line"),
            code("plt.plot([0, 1], [1, 0])\nplt.axis([0, 1, 0, 1])\nprint('done')"),
        ],
    ),
    "redefined_function": ExportCase(
        cause="Two cells define a function of the same name (a helper rewritten further down, as notebooks do); both "
        "definitions move to module level in steps.py and the second replaces the first, so the step that used the first "
        "computes something else (issue 14's wrong answer without an error).",
        today="Exported; steps.py holds both `def score` at module level, the second wins: the command exits 0 and logs 4 "
        "and 4 where the notebook printed 2 and 4 (mismatch, no error), and its 5 generated tests pass.",
        correct="Each step computes with the definition the notebook had at that point (rename the second, or keep a "
        "redefinition local to the steps that use it): the command logs 2 then 4, as the notebook printed.",
        suite=("cheryl_mind", "differentiation", "triplets"),
        cells=[
            md("## Add"),
            code("def score(x):\n    return x + 1"),
            code("print(score(1))"),
            md("## Multiply"),
            code("def score(x):\n    return x * 4"),
            code("print(score(1))"),
        ],
    ),
    "redefined_helper_read_by_helper": ExportCase(
        cause="A helper reads another helper that a later section redefines: in the notebook each call of the first helper "
        "sees the definition current at the call, so the same call prints different values before and after.",
        today="Exported; both `score` definitions at module level, the second wins: the command logs 12 twice where the "
        "notebook printed 5 then 12 (mismatch, no error).",
        correct="Never a different value without an error: exported so that each call sees the notebook's definition of "
        "the moment, or refused with a reason naming the redefinition.",
        suite=(),  # found while fixing redefined_function
        cells=[
            md("## Sum"),
            code("def score(x):\n    return x + 1"),
            code("def total(xs):\n    return sum(score(x) for x in xs)"),
            code("print(total([1, 2]))"),
            md("## Again"),
            code("def score(x):\n    return x * 4"),
            code("print(total([1, 2]))"),
        ],
    ),
    "local_module": ExportCase(
        cause="The notebook imports its own module (helpers.py beside it, which imports numpy): the package imported it "
        "without bundling it, so installed elsewhere it fails at once.",
        today="Exported with a warning to copy the module by hand; the command and every generated test fail with "
        "ModuleNotFoundError: No module named 'helpers'.",
        correct="helpers.py is copied into src/PKG/ with the steps' imports made the package's (`from PKG.helpers import "
        "double`, `from PKG import helpers`); numpy, which only helpers.py imports, is a dependency; the command logs 8 6.",
        cells=[
            code("import helpers\nfrom helpers import double"),
            md("## Use"),
            code("print(double(4), helpers.triple(2))"),
        ],
        inputs={
            "helpers.py": "import numpy as np\n\n\ndef double(x):\n    return 2 * x\n\n\n"
            "def triple(x):\n    return int(np.sum([x, x, x]))\n",
        },
    ),
    "displays_in_later_cells": ExportCase(
        cause="A section of several cells whose later cells draw or show a table: the extraction keeps the imports a "
        "later cell starts with inside the step, so the step imported displays.py under the export's placeholder name.",
        today="Exported; the command fails with ModuleNotFoundError: No module named 'readiness_export_displays' "
        "(numpy_tools_ml2 in the fidelity suite).",
        correct="displays.py is imported once at module level (`from .displays import save_figures, save_value`); "
        "the command saves the figure and the table and logs (2, 2).",
        suite=("numpy_tools_ml2",),
        cells=[
            code("import matplotlib.pyplot as plt\nimport pandas as pd"),
            md("## Rides"),
            code("df = pd.DataFrame({'a': [1, 2]})"),
            code("df.plot()\nplt.title('a')"),
            code("df['b'] = df.a * 2\nprint(df.shape)\ndf.info()"),
            code("df.head()"),
        ],
    ),
    "silent_pipeline": ExportCase(
        cause="A notebook that computes, prints nothing, writes nothing and displays nothing: its package runs and "
        "leaves no record.",
        today="Exported without a word; the command exits 0 and its log holds only the step names.",
        correct="The export warns that the pipeline writes no file and logs nothing.",
        cells=[
            md("## Compute"),
            code("x = sum(range(10))\ny = x * 2"),
        ],
    ),
    "stdout_written_not_by_print": ExportCase(
        cause="Only `print` calls become log records; text a step writes to stdout otherwise (help(), pprint, "
        "sys.stdout.write, a library's own printing) goes to the command's stdout, before its JSON line, and is missing "
        "from the log. Found behind python3_basics' first refusal (`help(firstVariable.lower)`).",
        today="Exported; the command's stdout is the help text followed by the JSON summary (two lines and more, where "
        "the contract is one), and the logged values miss the help text (mismatch).",
        correct="Everything a step writes to stdout goes to the log (sys.stdout redirected to a logging stream while steps "
        "run); stdout holds exactly the one JSON line; the help text is logged as the notebook showed it.",
        suite=("python3_basics",),
        cells=[
            md("## Help"),
            code("word = 'Hello'\nprint(word.upper())"),
            code("help(word.lower)"),
        ],
    ),
    "pipeline_passes_unimported_helper": ExportCase(
        cause="A section calls a helper defined in an earlier section, then redefines it: the helper becomes a parameter of "
        "the step, and pipeline.py passes the module-level function by name without importing it. Found behind "
        "differentiation's first refusal (its `D`).",
        today="Exported ('2 steps'); the command exits 1: NameError: name 'f' is not defined, raised in pipeline.run().",
        correct="Every generated module compiles and its names resolve before the export reports success; here the step "
        "uses the first definition, then its own (no parameter needed): the command logs 2, 6, 20 as the notebook printed.",
        suite=("differentiation",),
        cells=[
            md("## Define"),
            code("def f(y):\n    return y + 1"),
            code("print(f(1))"),
            md("## Redefine"),
            code("print(f(5))\n\n\ndef f(y):\n    return y * 10\n\n\nprint(f(2))"),
        ],
    ),
    "step_named_like_test_locals": ExportCase(
        cause="Generated step tests keep results in locals named `first` and `second`; a step function named `first` or "
        "`second` (a section headed 'First' or 'Second') is shadowed inside its own test.",
        today="Exported; the command is right, but test_first and test_second fail with UnboundLocalError: cannot access "
        "local variable 'first'.",
        correct="Test locals never collide with step names (e.g. `result_1`, `result_2`, or the step called through the "
        "module: `steps.first()`); both tests pass.",
        suite=(),  # found while writing the redefined_function case
        cells=[
            md("## First"),
            code("x = 2\nprint(x)"),
            md("## Second"),
            code("print(x * 2)"),
        ],
    ),
    "notebook_binds_the_pipeline_s_names": ExportCase(
        cause="run() logs its progress through a module-level `logger` and reads the parameters from its argument "
        "`params`; the steps' test fixture keeps its records in locals `seen`, `received`, `patch`. A notebook that "
        "binds those names (`logger = logging.getLogger(…)`, `params = {…}` for a model, `seen = []`) and hands them "
        "to a later step makes them locals of run() and of the fixture.",
        today="Exported; the command exits 1 (UnboundLocalError: cannot access local variable 'logger'), and every step "
        "test errors (TypeError: list indices must be integers, as `seen` is the notebook's list); the F823 ruff reports "
        "in pipeline.py was exempted as the notebook's own code.",
        correct="The generated code's own names step aside (`logger_`, `params_` …) wherever the notebook's code in run() "
        "or the fixture binds or reads them; the command logs what the notebook printed and the generated tests pass.",
        suite=(),  # found on a notebook written for the fidelity review (logger and params bound in a setup section)
        cells=[
            code("n = 3", tags=["parameters"]),
            md("## Setup"),
            code(
                "import logging\n\nlogger = logging.getLogger('analysis')\nparams = {'alpha': 0.5}\nseen = []\n"
                "received = 'ok'\npatch = 1"
            ),
            md("## Fit"),
            code(
                "result = sum(params['alpha'] ** k for k in range(n))\nseen.append(result)\nlogger.info('fitted')\n"
                "print(result, seen, received, patch)"
            ),
        ],
    ),
    "print_part_of_a_line": ExportCase(
        cause="`print(v, end=' ')` in a loop prints one line in the notebook; print → logging made each call a record of "
        "its own (the `end` dropped), so the line the notebook showed became one record per value, then an empty one.",
        today="Exported; the command logs `3`, `14`, `15`, `` and `total 32` where the notebook printed `3 14 15 ` and "
        "`total 32`.",
        correct="A module that prints part of a line keeps its prints: the command's stdout logs each whole line as the "
        "notebook showed it, in order with the module's other prints.",
        suite=(),  # found on a notebook written for the fidelity review
        cells=[
            code("values = [3, 14, 15]"),
            md("## Show"),
            code("for v in values:\n    print(v, end=' ')\nprint()\nprint('total', sum(values))"),
        ],
    ),
    "seeded_draws_across_steps": ExportCase(
        cause="The notebook seeds Python's and numpy's generators once, then two sections draw: what the second draws "
        "depends on the first's draws. Each generated step test ran its step again on a copy of what it received, "
        "but from the generators' state the tests before it left.",
        today="Exported; the command reproduces the notebook and the whole test file passes (in its order), but "
        "`pytest -k test_pick` fails: pick() gave different results for the same inputs.",
        correct="The fixture records the generators' state each step started from and its test restores it: each step "
        "test passes alone as in the file's order.",
        suite=(),  # found on a notebook written for the fidelity review (a seeded Monte-Carlo estimate, then a walk)
        cells=[
            code("import random\n\nimport numpy as np\n\nrandom.seed(1)\nnp.random.seed(0)"),
            md("## Sample"),
            code("a = np.random.rand(3).round(6).tolist()\nprint(a, random.random())"),
            md("## Pick"),
            code("b = np.random.rand(3).round(6).tolist()\nc = random.choice('xyz')\nprint(b, c)"),
            md("## Report"),
            code("print(sum(a) < sum(b), c)"),
        ],
    ),
    "clock_measures_time": ExportCase(
        cause="Every clock read with an exact equivalent became the run's date, stopwatches too: `t0 = time.time()` … "
        "`time.time() - t0` became `run_date.timestamp() - run_date.timestamp()`, 0, and a loop waiting with "
        "`while time.time() < deadline` would never end.",
        today="Exported; the command logs `took more than 0.1 s: False` where the notebook printed True, silently.",
        correct="Reads that measure time (subtracted from or compared with another read or a name holding one) or wait "
        "for it (a `while` test) keep reading the clock, with a warning saying why; a read that dates the run still "
        "becomes run_date.",
        suite=(),  # found on a notebook written for the fidelity review (a timed computation)
        cells=[
            code("import time\nfrom datetime import date"),
            md("## Compute"),
            code(
                "t0 = time.time()\ntotal = sum(i * i for i in range(1000))\ndeadline = time.time() + 0.2\n"
                "while time.time() < deadline:\n    time.sleep(0.05)\nelapsed = time.time() - t0\n"
                "print('total', total)\nprint('took more than 0.1 s:', elapsed > 0.1)\nprint(date.today().year > 2000)"
            ),
        ],
    ),
    "step_named_like_a_generated_import": ExportCase(
        cause="A section headed 'Logging' (or 'Copy', 'Random', 'Run') became a step function of that name, imported by "
        "pipeline.py and tests/test_steps.py beside their own `import logging` (`copy`, `random`): the function replaced "
        "the module.",
        today="Exported; the package cannot be imported (AttributeError: 'function' object has no attribute "
        "'getLogger'): the command and every test fail.",
        correct="A step never takes a name the package's own code binds beside it (`logging_step`, `copy_step` …); the "
        "command logs what the notebook printed and the generated tests pass.",
        suite=(),  # found on a notebook written for the fidelity review
        cells=[
            code("x = [1, 2, 3]"),
            md("## Logging"),
            code("print('setup', x)"),
            md("## Copy"),
            code("y = list(x)\nprint(y)"),
            md("## Random"),
            code("print(sum(y))"),
        ],
    ),
    "parameter_changed_in_place": ExportCase(
        cause="A list parameter the code appends to (`columns.append('flag')`): in the notebook the parameters cell makes "
        "a fresh list on every run; run() read the settings' own list and changed it.",
        today="Exported; the JSON line reports the parameters as the run left them (`columns` with `flag`), not as given, "
        "and test_running_twice_gives_the_same_files fails: the session's parameters grew on the first run.",
        correct="run() and the steps' fixture work on a deep copy of the parameters: the JSON line reports what was "
        "given, and a second run writes the same files.",
        suite=(),  # found on a notebook written for the fidelity review (a report choosing its columns)
        cells=[
            code("columns = ['region', 'units']", tags=["parameters"]),
            md("## Build"),
            code(
                "rows = [{'region': 'n', 'units': 3}, {'region': 's', 'units': 12}]\ncolumns.append('flag')\nprint(columns)"
            ),
            md("## Save"),
            code(
                "with open('report.csv', 'w') as f:\n    f.write(','.join(columns) + '\\n')\n    for row in rows:\n"
                "        f.write(','.join(str(row.get(c, row['units'] > 10)) for c in columns) + '\\n')"
            ),
        ],
    ),
    "runtime_dependency_not_imported": ExportCase(
        cause="A library the notebook needs but never imports (pandas loads SciPy for interpolate(method='cubic')) is not a "
        "dependency of the package: the pins come from the notebook's import statements only.",
        today="Exported with dependencies pandas, numpy (and pydantic…) only; in a fresh venv the command fails with "
        "ImportError: Missing optional dependency 'scipy'.",
        correct="The package's dependencies include every distribution the notebook's run loaded (a rehearsal or the kernel's "
        "sys.modules, mapped to distributions), here scipy pinned; or the export warns that a run-time import is not pinned.",
        suite=("pandas_tools_ml3",),
        cells=[
            code("import pandas as pd"),
            md("## Fill the gaps"),
            code(
                "s = pd.Series([1.0, None, 3.0, 2.0, None, 5.0])\nprint(s.interpolate(method='cubic').round(3).tolist())"
            ),
        ],
    ),
    "displayed_values_lost": ExportCase(
        cause="What the notebook shows is its output: a table displayed as a cell's last expression and a figure drawn by "
        "pyplot. Display-only cells are left out of the package and a figure is drawn where nobody sees it.",
        today="Exported; the command exits 0, writes no file and logs nothing of the table or the figure (the benchmark "
        "counts this 'exact' because the notebook printed and wrote nothing: 'trivial' in its table).",
        correct="The package saves what the notebook displays into the run's output folder, named by step (the table as CSV, "
        "the figure as PNG), and logs where; the export warns when a pipeline would write and log nothing.",
        suite=(
            "onehot_encoding",
            "datetime_basics",
            "fictitious_names",
            "pokemon",
            "bikes_csv",
            "bikes_weekday",
            "kenken",
            "anigrams",
        ),
        cells=[
            code("import matplotlib.pyplot as plt\nimport pandas as pd"),
            md("## Table"),
            code("df = pd.DataFrame({'day': ['mon', 'tue', 'wed'], 'rides': [3, 5, 4]})"),
            code("df.describe()"),
            md("## Chart"),
            code("df.plot(x='day', y='rides')\nplt.title('rides')"),
        ],
    ),
    "displayed_values_not_tables": ExportCase(
        cause="A cell's last value that is not a pandas table (a number, a list, a dict, a tuple, a string, a call's "
        "value) is what the notebook shows, yet only tables were saved, and only in a notebook importing pandas: the "
        "others were dropped (`total = sum(range(10))\\ntotal` became `total = ...  # noqa: F841`).",
        today="Exported; the command saves nothing of `total` or `primes`, and the package README does not say so.",
        correct="Each such value is saved as its repr, the notebook's text/plain output, in `displays/STEP-cellN.txt` "
        "and logged; None, a value hidden by a trailing `;` and a lone string are not; no `noqa: F841` is needed.",
        cells=[
            md("## Numbers"),
            code("total = sum(range(10))\ntotal"),
            code("primes = [n for n in range(2, 30) if all(n % d for d in range(2, n))]\nprimes"),
            code("counts = {'a': 1, 'b': [1, 2]}\nlen(primes), counts"),
            code("words = 'to be or not'.split()\n' '.join(reversed(words))"),
            code("hidden = max(primes)\nhidden;"),
            code("nothing = None\nnothing"),
            code("print(total + hidden)"),
        ],
    ),
    # ---------------------------------------------------------------- generated tests that cannot pass, or cost too much
    "unseeded_random_tests": ExportCase(
        cause="Unseeded random draws (np.random.rand): the export itself reports unseeded randomness, yet generates "
        "'same result twice' step tests and a 'second run changes nothing' pipeline test, which are bound to fail.",
        today="Exported; the command reproduces within the notebook's own nondeterminism, but 2 generated tests fail: "
        "test_draw ('draw() gave different results for the same inputs') and test_running_twice_gives_the_same_files "
        "('a second run changed [a.npy]').",
        correct="The package gets a `seed` parameter applied at the start of run() (random, numpy's global state, and the "
        "frameworks the notebook imports) so both tests pass with it; or those tests are not generated and the README says "
        "why. The README lists the notebook's randomness among what the package does not reproduce byte for byte.",
        suite=("housing_market", "numpy_tools_ml2", "numpy_tools_ml3"),
        cells=[
            code("import numpy as np"),
            md("## Draw"),
            code("a = np.random.rand(3)\nprint(a.shape)"),
            md("## Save"),
            code("np.save('a.npy', a)\nprint('saved')"),
        ],
    ),
    "tests_rerun_the_pipeline": ExportCase(
        cause="The generated tests run the whole pipeline again and again: each pipeline test runs it (one twice), and each "
        "step test re-runs every step before it, twice for the step itself; nothing is shared between tests.",
        today="Exported; the command takes ~1 s, the generated tests ~7 s (the slow step runs 7 times). On the suite: "
        "set_game (a 2-minute pipeline of one step) spent over 15 minutes in its tests, anigrams 2 minutes for a 20-second run.",
        correct="Upstream results are computed once per session (a session-scoped fixture) and shared by the step tests; "
        "the 'same result twice' check reuses them; the whole test suite costs at most ~3 pipeline runs.",
        suite=("set_game", "anigrams"),
        cells=[
            code("import time"),
            md("## Slow"),
            code("time.sleep(1)\ntotal = sum(range(100))\nprint(total)"),
            md("## Report"),
            code("print(total * 2)"),
        ],
    ),
    "ruff_on_generated_code": ExportCase(
        cause="The generated files fail ruff with its default rules (0.17): `ruff check` because each step test calls "
        "every step above it and binds all their results, used or not (F841 for one value, RUF059 for unpacked ones), "
        "test_steps.py's _copy catches a blind Exception (BLE001), and import blocks are left unformatted (I001: a long "
        "`from .steps import …` line, no blank lines after imports); `ruff format --check` because cli.py and "
        "test_pipeline.py (in every package), pipeline.py, steps.py (quotes, long calls, docstrings of copied code) and "
        "test_steps.py are not in ruff's format.",
        today="Exported; `ruff check --isolated`, run from the package folder, reports BLE001, F841 (`c`) and RUF059 (`a`) "
        "in tests/test_steps.py; `ruff format --isolated --check` would reformat cli.py, test_pipeline.py and more.",
        correct="`ruff check` and `ruff format --check` pass with the default rules on every generated file (a test binds "
        "only what it passes on, e.g. `_, b = make()`, or shares upstream results through a fixture; no blind except; the "
        "export formats what it writes, code copied from the notebook included).",
        suite=("every exported notebook",),
        cells=[
            code("import math"),
            md("## Make"),
            code("a = 3\nb = 4\nprint(a + b)"),
            md("## Scale"),
            code("c = 10 * b\nprint(c)"),
            md("## Hypotenuse"),
            code("print(math.hypot(a, b))"),
            md("## Twice"),
            code("print(b * 2, c * 2)"),
        ],
    ),
    # ---------------------------------------------------------------- refusals that are not needed
    "future_import": ExportCase(
        cause="`from __future__ import …` in a section: the section's code is put into steps.py after other statements, "
        "where a __future__ import is a SyntaxError.",
        today="Refused: 'Could not generate a valid module (from __future__ imports must occur at the beginning of the file, "
        "line N); nothing was written. Please report this.'",
        correct="__future__ imports are hoisted to the top of every generated module (or dropped where they change nothing on "
        "Python 3, as `division` and `print_function`); the command prints 3.5.",
        suite=("differentiation",),
        cells=[
            md("# Ratios"),
            md("## Divide"),
            code("from __future__ import division\nimport math\n\nratio = 7 / 2\nprint(ratio)"),
            md("## Root"),
            code("print(round(math.sqrt(ratio), 4))"),
        ],
    ),
    "future_annotations": ExportCase(
        cause="`from __future__ import annotations` in a section: it changes what the code means (annotations are not "
        "evaluated), so it cannot be dropped as `division` is, and inside a step function it is a SyntaxError.",
        today="Refused: 'Could not generate a valid module (src/…/steps.py: from __future__ imports must occur at the "
        "beginning of the file, line N); nothing was written. Please report this.'",
        correct="The import goes to the top of steps.py (IPython keeps the feature on after the cell that imports it): "
        "a method annotated with its own class runs; the command prints 28.274.",
        cells=[
            md("# Shapes"),
            code("from __future__ import annotations\n\nimport math"),
            md("## Define"),
            code(
                "class Circle:\n"
                "    def __init__(self, r: float):\n"
                "        self.r = r\n\n"
                "    def scaled(self, k: float) -> Circle:\n"
                "        return Circle(self.r * k)\n\n"
                "    def area(self) -> float:\n"
                "        return math.pi * self.r**2"
            ),
            md("## Use"),
            code("c = Circle(2).scaled(1.5)\nprint(round(c.area(), 3))"),
        ],
    ),
    "future_annotations_in_a_step": ExportCase(
        cause="A class that reads a notebook variable (so it stays inside its step) annotated with its own name, "
        "under `from __future__ import annotations` in an earlier cell: the extraction read the annotation as "
        "evaluated, before the class binds the name.",
        today="Refused: 'The selection reads `Layout`, but cell 5 reads it before binding it, and no cell above "
        "defines it' (false: the notebook ran; the hidden-state check already knew annotations are not evaluated).",
        correct="Exported, the future import at the top of steps.py and the class inside its step; the command prints 8.",
        cells=[
            md("# Seats"),
            code("from __future__ import annotations\n\nimport math"),
            md("## Rules"),
            code("occupied = '#'\nrows = ['L#L', '##L', 'L.#']"),
            md("## Layout"),
            code(
                "class Layout(list):\n"
                "    def next_generation(self) -> Layout:\n"
                "        return Layout(row.replace('L', occupied) for row in self)\n\n"
                "    def count(self, seat: str) -> int:\n"
                "        return sum(row.count(seat) for row in self)\n\n\n"
                "seats = Layout(rows).next_generation().count(occupied)\n"
                "print(seats)"
            ),
        ],
    ),
    "dunder_main_guard": ExportCase(
        cause="`if __name__ == '__main__':` in a cell: always true in a notebook; the extractor reads `__name__` as hidden "
        "state and refuses (and inside a module it would be false, silently skipping the block).",
        today="Refused: 'The selection reads `__name__`, but `__name__` is IPython's … a fresh top-to-bottom run fails there "
        "with NameError' (false: the notebook ran).",
        correct="Exported, with the guarded block kept as the notebook ran it (the condition is true in a notebook: inline the "
        "body, or evaluate `__name__` as '__main__'); the command logs 42. The hidden-state check does not fire on `__name__`.",
        suite=("cheryl_mind", "triplets"),
        cells=[
            md("## Solve"),
            code("def solve():\n    return 6 * 7\n\n\nif __name__ == '__main__':\n    print(solve())"),
        ],
    ),
    "star_import_from_typing": ExportCase(
        cause="`from typing import *` (a module whose exported names are known): refused as 'nobody can tell which names it brings'.",
        today="Refused: 'Cell N has a star import (line 1): nobody can tell which names it brings. Import the names you use "
        "explicitly, then extract.'",
        correct="Star imports from modules whose names are known (typing, math, itertools, collections …: anything importable "
        "in the export's environment with __all__ or public names) are resolved to the names used (`from typing import List`); "
        "the command logs [1, 2, 3].",
        suite=("triplets",),
        cells=[
            md("## Numbers"),
            code(
                "from typing import *\n\n\ndef firsts(n: int) -> List[int]:\n    return list(range(1, n + 1))\n\n\nprint(firsts(3))"
            ),
        ],
    ),
    "help_line": ExportCase(
        cause="An IPython help line (`name.method?`) is refused as 'IPython syntax a package cannot run'.",
        today="Refused: 'Cell N line 1 uses IPython syntax a package cannot run (`word.lower?`) …'.",
        correct="Help lines (`x?`, `x??`, `?x`) are dropped like display cells, with a warning in the reply; the command logs "
        "'hello'.",
        suite=("python_basics_video1", "python3_basics"),
        cells=[
            md("## Strings"),
            code("word = 'Hello'"),
            code("word.lower?"),
            code("print(word.lower())"),
        ],
    ),
    "lone_semicolon_line": ExportCase(
        cause="A cell ends with a line holding only `;` (to hide a plot's repr): IPython runs it as the autocall escape "
        '`("")`, the checks parse it so, but the export read the cell as plain Python.',
        today="Refused: 'Cell N has a syntax error (line 3): fix it before exporting.' while `check` finds no syntax error.",
        correct="Exported as IPython runs it: the `;` line shows nothing and goes, the command logs 45.",
        suite=(),  # found on the corpus (rhiever's notebooks end plotting cells with a lone `;`)
        cells=[
            md("## Total"),
            code("total = sum(range(10))\nprint(total)\n;"),
        ],
    ),
    "guarded_read_below": ExportCase(
        cause="A later section reads a name only inside `try: … except Exception:` (a call to an API client made above): "
        "the reads a caught NameError cannot break were not counted as reads, so the first step did not return the "
        "client.",
        today="Refused: 'The section “Query” (cell 4) cannot become a function: The selection reads `decoder`, but no cell "
        "above the selection defines it …' while cell 2 defines it.",
        correct="The first step returns `decoder`, the second takes it: the command logs [1, 2].",
        suite=(),  # found on the corpus (rhiever's optimal road trip: `gmaps` read in a try)
        cells=[
            md("## Client"),
            code("import json\n\ndecoder = json.JSONDecoder()"),
            md("## Query"),
            code("try:\n    value = decoder.decode('[1, 2]')\nexcept Exception:\n    value = None\nprint(value)"),
        ],
    ),
    "string_only_section": ExportCase(
        cause="A section whose code is only a string literal (code commented out with triple quotes) and comments: "
        "'Besides imports, the selection holds no statements'.",
        today="Refused: 'The section “Optional” (cell N) cannot become a function: Besides imports, the selection holds no "
        "statements …'.",
        correct="A section with nothing to run (only strings, comments, pass, or empty cells) is skipped with a note; the "
        "command logs 45.",
        suite=("titanic_cart",),
        cells=[
            md("## Total"),
            code("total = sum(range(10))\nprint(total)"),
            md("## Optional"),
            code('"""\nprint(total * 2)\n"""'),
            code("# print(total * 3)"),
        ],
    ),
    "parameters_late_literal_cell": ExportCase(
        cause="The parameters heuristic takes 'the first cell made only of literal assignments' even when it comes after "
        "computation, then refuses because an earlier cell assigns the same name.",
        today="Refused: 'Cell 1, above the parameters cell (cell 2), assigns `num`: move the parameters cell to the top, or "
        "rename one of them.'",
        correct="Only a literal-only cell before any other computation (imports, markdown and other literal cells aside) is "
        "taken as parameters; here there are none: exported without parameters, the command logs 6 then 10.",
        suite=("python3_basics",),
        cells=[
            md("## Numbers"),
            code("num = 3\nprint(num * 2)"),
            code("num = 10"),
            code("print(num)"),
        ],
    ),
    "helper_reads_global_rebound_later": ExportCase(
        cause="A helper defined in one section reads a global that a later section rebinds (norvig's `Factors` reads "
        "`primes`, which a later `%time primes = Primes(...)` cell rebinds). In the notebook each call sees the current value; "
        "the extractor refuses rather than freeze the old one. Found behind euler_utils' first refusal.",
        today="Refused: '`small`, defined in the selection and used below it, reads `limit`, which cell N rebinds: inside "
        "setup() it would keep seeing the old value. Pass `limit` to `small` as a parameter, then extract.'",
        correct="Exported so that every call sees the value the notebook had at that point (the name lives in one namespace "
        "the steps share and update, or the rebinding step re-creates the helper); the command logs [0, 1, 2] then "
        "[0, 1, 2, 3, 4]. If the export still refuses, the message names the later cell and the rewrite is offered.",
        suite=("euler_utils",),
        cells=[
            md("## Setup"),
            code("limit = 3\n\n\ndef small(n):\n    return [k for k in range(n) if k < limit]"),
            md("## Use"),
            code("print(small(10))"),
            md("## Raise"),
            code("limit = 5\nprint(small(10))"),
        ],
    ),
    "undefined_name_in_uncalled_function": ExportCase(
        cause="A helper whose body reads a name the notebook never defines (`re`, never imported) and that is never called: "
        "harmless in the notebook, but the extractor treats a function body's free name like a top-level read.",
        today="Refused: 'The selection reads `re`, but no cell above the selection defines it: a fresh top-to-bottom run "
        "fails there with NameError' (false: the notebook ran; only a call would fail).",
        correct="Exported (the function is copied as is: calling it fails exactly as in the notebook), with a warning naming "
        "the undefined name; the generated module passes ruff (the line carries `# noqa: F821` or the warning says why not); "
        "the command logs 42. Function-body reads resolve at call time, as the hidden-state check already says.",
        suite=("euler_utils",),
        cells=[
            md("## Utilities"),
            code(
                "def grep(pattern, lines):\n    for line in lines:\n        if re.search(pattern, line):\n            print(line)\n\n\n"
                "def double(x):\n    return 2 * x"
            ),
            md("## Use"),
            code("print(double(21))"),
        ],
    ),
    "rich_display_in_helper": ExportCase(
        cause="A helper shows HTML with IPython's `display` (norvig's KenKen `show`): outside IPython, `display` prints "
        "the object's repr to stdout, so the package logs `<IPython.core.display.HTML object>` lines the notebook never "
        "printed. And a section headed \u201cTests\u201d became a step `tests_step`, which pytest collects as a test "
        "when the generated tests import it (fixture not found).",
        today="Mismatch: 2 log lines `<IPython.core.display.HTML object>`; the generated tests error on `tests_step`.",
        correct="The package's displays.py `display` saves the HTML in displays/ (named by step) and logs where; the step "
        "is named `run_tests`; the steps log only what the notebook printed; the generated tests pass.",
        suite=("kenken",),
        cells=[
            md("## Show"),
            code(
                "from IPython.display import HTML, display\n\n\ndef show(n):\n    display(HTML(f'<b>{n}</b>'))\n    "
                "return n\n\n\nshow(1)\nprint('shown')"
            ),
            md("## Tests"),
            code("assert show(2) == 2\nprint('ok')"),
        ],
    ),
    "recursive_helper_redefined_later": ExportCase(
        cause="A recursive helper that a later section redefines (norvig's Differentiation `D`): the helper reads its own "
        "name, which a later cell rebinds, so the extractor refused it as a helper that would keep seeing an old value. "
        "But the old definition is only ever called by that name, which names the new one from that cell on in the "
        "notebook and in the package alike.",
        today="Refused: '`fact`, defined in the selection and used below it, reads `fact`, which cell N rebinds'.",
        correct="Exported; the command logs 120 then -24 as the notebook printed. When the old definition escapes under "
        "another name before the redefinition (`g = fact`), it is still refused.",
        suite=("differentiation",),
        cells=[
            md("## Define"),
            code("def fact(n):\n    return 1 if n <= 1 else n * fact(n - 1)"),
            code("print(fact(5))"),
            md("## Redefine"),
            code("def fact(n):\n    return -1 if n <= 1 else n * fact(n - 1)\n\n\nprint(fact(4))"),
        ],
    ),
    "name_imported_below_a_function_reading_it": ExportCase(
        cause="A function body reads a module the notebook imports only in a later cell: in the notebook the name is "
        "looked up when the function is called, after that import ran.",
        today="Refused: 'The selection reads `re`, but only cell N, below the selection, defines it'.",
        correct="Exported: the module imports `re` (as the notebook had by the time of the call); the command logs "
        "['ab'].",
        cells=[
            md("## Helpers"),
            code("def words(text):\n    return re.findall(r'[a-z]+', text)"),
            md("## Use"),
            code("import re\n\nprint(words('ab 12'))"),
        ],
    ),
    "helper_replaced_before_what_it_reads_changes": ExportCase(
        cause="A helper reads another function that a later section redefines, but the helper itself is redefined "
        "before anyone calls it again (norvig's Differentiation: `D` reads `arity`; `arity` is redefined for a new "
        "representation, then `D` too). Every call of the first `D` saw the first `arity`, so the function may keep it.",
        today="Refused: '`describe`, defined in the selection and used below it, reads `size`, which cell N rebinds'.",
        correct="Exported; the command logs '2 items', '1 items' then '-3 things'. Refused still when the old helper is called after "
        "the rebinding (it would see the new `size` in the notebook).",
        suite=("differentiation",),
        cells=[
            md("## First"),
            code(
                "def size(x):\n    return len(x)\n\n\ndef describe(x):\n    return f'{size(x)} items'\n\n\nprint(describe([1, 2]))"
            ),
            md("## Second"),
            code("print(describe([5]))\n\n\ndef size(x):\n    return -len(x)"),
            md("## Third"),
            code("def describe(x):\n    return f'{size(x)} things'\n\n\nprint(describe([1, 2, 3]))"),
        ],
    ),
    "class_defined_in_a_step": ExportCase(
        cause="A section defines a class whose `__eq__` checks `isinstance(other, Cls)` and builds instances (norvig's "
        "Differentiation `Expression`): the class stays in the step, so each call of the step makes a new class object, "
        "and the generated test 'returns the same again' compares instances of two class objects: never equal.",
        today="Exact, but the step's generated test fails ('gave different results for the same inputs').",
        correct="The generated tests compare instances of a class the step defines by their attributes when their classes "
        "are one definition; they pass.",
        suite=("differentiation",),
        cells=[
            md("## Points"),
            code(
                "class Point:\n    def __init__(self, x):\n        self.x = x\n\n    def __eq__(self, other):\n        "
                "return isinstance(other, Point) and self.x == other.x\n\n    __hash__ = None\n\n\np = Point(2)"
            ),
            md("## Use"),
            code("print(p.x + 1)"),
        ],
    ),
    "global_counter_and_cache": ExportCase(
        cause="Functions declare `global` to change the notebook's state: a call counter and a table loaded once "
        "(norvig's Project Euler Utils counts calls so). Each step became a function, so the state must be one "
        "namespace every step and function shares, as the kernel's was.",
        today="Refused: 'Cell 1 line 2 declares `global table`: code that rebinds names outside its own scope cannot be "
        "moved into a function safely.'",
        correct="Exported: the names are globals of steps.py, a step binding one declares it `global`, none is a step "
        "parameter or returned value; the command logs what the notebook printed ('3 2 2', '20 2'); each step's test "
        "passes alone too (it starts from the globals its step found); ruff passes.",
        cells=[
            code(
                "def load():\n    global table\n    table = {'a': 1, 'b': 2}\n\n\ndef bump(key):\n    global hits\n"
                "    hits = hits + 1\n    return table[key]"
            ),
            md("## Setup"),
            code("hits = 0\nload()"),
            md("## Use"),
            code("total = bump('a') + bump('b')\nseen = hits\nprint(total, seen, len(table))"),
            md("## Report"),
            code("print(seen * 10, hits)\ndel hits"),
        ],
    ),
    "global_parameter": ExportCase(
        cause="A function declares a parameter `global` and changes it: the package hands parameters to its steps, so "
        "the steps after the call would not see the change.",
        today="Refused with the extraction's generic message about `global`.",
        correct="Refused, naming the cell and line and the parameter, and saying to keep the changing value in a name "
        "of its own.",
        cells=[
            code("step = 2", tags=["parameters"]),
            code("def grow():\n    global step\n    step = step * 2\n\n\ngrow()\nprint(step)"),
        ],
    ),
    "long_data_literal_parameter": ExportCase(
        cause="The parameters cell holds a data literal (a dict of lists, as pandas_exercises' `raw_data`): it became a "
        "`Field(default=…)` line of 300-400 characters, a --flag default and a README cell nobody can read.",
        today="Exported with the literal in parameters.py, cli.py's help and the README's table.",
        correct="The literal is a data file, src/PKG/data/raw_data.json, that the settings model loads as the default "
        "(the package's build includes it); the command logs what the notebook printed; a --raw-data flag still "
        "overrides it; ruff passes.",
        suite=("pokemon", "fictitious_names"),
        cells=[
            code(
                "raw_data = {'name': ['Bulbasaur', 'Charmander', 'Squirtle', 'Caterpie'], 'evolution': ['Ivysaur', "
                "'Charmeleon', 'Wartortle', 'Metapod'], 'type': ['grass', 'fire', 'water', 'bug'], 'hp': [45, 39, 44, 45]}"
            ),
            md("## Use"),
            code("print(len(raw_data['name']), sum(raw_data['hp']))"),
        ],
    ),
}
