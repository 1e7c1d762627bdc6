"""Each fix family: the edits it computes, that applying them makes its finding go away, and the
rules every fix follows (edits in order, ids, no credential in a fix, the ignore fix)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers.notebooks import code, md, notebook
from jupyterlab_readiness.checks.kernel_state import KernelState
from jupyterlab_readiness.contract.fixes import InsertCell, InsertText, ReplaceSource
from jupyterlab_readiness.contract.report import Finding, NotebookReport, to_dict
from jupyterlab_readiness.contract.schema import FINDING
from jupyterlab_readiness.fixes.apply import apply_fixes
from jupyterlab_readiness.fixes.options import FixOptions
from jupyterlab_readiness.lint.engine import check_model
from jupyterlab_readiness.lint.fix import fix_notebook
from jupyterlab_readiness.notebook.model import notebook_from_json

NOW = "2024-05-01T09:30:00"
OPTIONS = FixOptions(now=NOW)
KEY = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0"
ERROR = {"output_type": "error", "ename": "KeyError", "evalue": "'x'", "traceback": []}


def report_of(nb: dict[str, Any], tmp_path: Path, kernel: KernelState | None = None) -> NotebookReport:
    return check_model(
        notebook_from_json(nb), tmp_path / "analysis.ipynb", None, "analysis.ipynb", kernel=kernel, fixes=OPTIONS
    )


def fixed(nb: dict[str, Any], tmp_path: Path, check: str, *, unsafe: bool = False, kernel: KernelState | None = None):
    return fix_notebook(
        nb,
        tmp_path / "analysis.ipynb",
        None,
        "analysis.ipynb",
        select=frozenset({check}),
        unsafe=unsafe,
        kernel=kernel,
        options=OPTIONS,
    )


def sources(nb: dict[str, Any]) -> list[str]:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in nb["cells"]]


def only(report: NotebookReport, check: str) -> list[Finding]:
    return [f for f in report.findings if f.check == check]


def fix_ids(finding: Finding) -> list[str]:
    return [f.id for f in finding.fixes]


# ------------------------------------------------------------------------------------ wall clock
def test_wall_clock_becomes_a_run_date_parameter_in_a_new_tagged_cell(tmp_path):
    nb = notebook(
        md("# Daily"), code("import datetime\nstamp = datetime.datetime.now()\nday = datetime.date.today()", 1)
    )
    (finding, _) = only(report_of(nb, tmp_path), "wall-clock")
    fix = finding.fixes[0]
    assert (fix.id, fix.safe) == ("parameterize-clock", False) and "2024-05-01T09:30:00" in fix.note
    assert [type(e) for e in fix.edits] == [ReplaceSource, InsertCell]  # cell edits first, inserts last
    insert = fix.edits[1]
    assert (insert.index, insert.tags) == (1, ["parameters"])  # before the first code cell
    outcome = fixed(nb, tmp_path, "wall-clock", unsafe=True)
    assert sources(outcome.notebook) == [
        "# Daily",
        'run_date = "2024-05-01T09:30:00"  # the run\'s date and time; was the clock',
        "import datetime\nstamp = datetime.datetime.fromisoformat(run_date)\n"
        "day = datetime.date.fromisoformat(run_date[:10])",
    ]
    assert outcome.notebook["cells"][1]["metadata"] == {"tags": ["parameters"]}
    assert only(outcome.report, "wall-clock") == []
    assert not fixed(nb, tmp_path, "wall-clock").applied  # unsafe: not applied without --unsafe-fixes


def test_wall_clock_reuses_the_parameters_cell_and_its_run_date(tmp_path):
    params = code('region = "north"', 1)
    params["metadata"] = {"tags": ["parameters"]}
    nb = notebook(params, code("import pandas as pd\nimport time\nt = time.time()\nnow = pd.Timestamp.now()", 2))
    outcome = fixed(nb, tmp_path, "wall-clock", unsafe=True)
    assert sources(outcome.notebook)[0] == (
        'region = "north"\nrun_date = "2024-05-01T09:30:00"  # the run\'s date and time; was the clock'
    )
    assert 'time.mktime(time.strptime(run_date, "%Y-%m-%dT%H:%M:%S"))' in sources(outcome.notebook)[1]
    assert "now = pd.Timestamp(run_date)" in sources(outcome.notebook)[1]
    assert len(outcome.notebook["cells"]) == 2 and only(outcome.report, "wall-clock") == []


def test_wall_clock_without_an_exact_equivalent_has_no_edit_fix(tmp_path):
    nb = notebook(code("import arrow\nt = arrow.utcnow()", 1))
    (finding,) = only(report_of(nb, tmp_path), "wall-clock")
    assert fix_ids(finding) == ["ignore"]


def test_a_parameters_cell_below_the_read_gets_no_fix(tmp_path):
    params = code('run_date = "2024-01-01"', 2)
    params["metadata"] = {"tags": ["parameters"]}
    nb = notebook(code("import datetime\nt = datetime.datetime.now()", 1), params)
    (finding,) = only(report_of(nb, tmp_path), "wall-clock")
    assert fix_ids(finding) == ["ignore"]


def test_a_deadline_and_the_clock_read_waiting_for_it_are_not_fixed(tmp_path):
    # the read in the loop: on a fixed run date the loop would never end; the deadline: fixed while
    # the loop still reads the clock, the loop never ran (a 260 s load test silently did nothing)
    nb = notebook(
        code("import time", 1),
        code("end_time = time.time() + 5.0\nwhile time.time() < end_time:\n    poll()", 2),
    )
    by_line = {f.line: fix_ids(f) for f in only(report_of(nb, tmp_path), "wall-clock")}
    assert by_line == {1: ["ignore"], 2: ["ignore"]}
    lone = notebook(code("import time\nend = time.time() + 5\nwhile time.time() < end:\n    pass", 1))
    outcome = fixed(lone, tmp_path, "wall-clock", unsafe=True)
    assert outcome.applied == [] and sources(outcome.notebook) == sources(lone)


def test_a_clock_value_compared_with_another_clock_read_in_a_later_cell_keeps_the_clock(tmp_path):
    # a deadline made through a function and arithmetic, tested in a later cell; an elapsed time
    # held in a name and tested against a limit: on one run date either test always came out the same
    nb = notebook(
        code("import datetime as dt\nfrom datetime import timedelta", 1),
        code("def deadline(n):\n    return dt.datetime.now() + timedelta(minutes=n)\nstop = deadline(5)", 2),
        code("if dt.datetime.now() > stop:\n    raise TimeoutError", 3),
        code("t1 = dt.datetime.now()\ntrain()\nt2 = dt.datetime.now()\nlog(t1)", 4),
        code("elapsed = t2 - t1\nslow = elapsed > timedelta(hours=1)", 5),
        code("week_ago = dt.datetime.now() - timedelta(days=7)\nrecent = rows[rows.day > week_ago]", 6),
    )
    findings = only(report_of(nb, tmp_path), "wall-clock")
    assert [(f.cell_index, f.line, fix_ids(f)[0]) for f in findings] == [
        (1, 2, "ignore"),
        (2, 1, "ignore"),
        (3, 1, "ignore"),
        (3, 3, "ignore"),
        (5, 1, "parameterize-clock"),  # a date compared with no other clock read: the run date is right
    ]


@pytest.mark.parametrize(
    "later",
    [
        'print "took", str(t2 - t1)',  # Python 2: once both reads became the run date, it printed 0:00:00
        "print(str(t2 - t1)",
    ],
)
def test_a_clock_value_a_cell_that_does_not_parse_may_read_keeps_the_clock(tmp_path, later):
    # whether it only times something cannot be told there: the fix is withheld, as for a timing
    nb = notebook(
        code("import datetime\nt1 = datetime.datetime.now()\nx = sum(range(10**6))\nt2 = datetime.datetime.now()", 1),
        code(later, 2),
    )
    assert [fix_ids(f) for f in only(report_of(nb, tmp_path), "wall-clock")] == [["ignore"], ["ignore"]]
    assert fixed(nb, tmp_path, "wall-clock", unsafe=True).applied == []
    timed = notebook(code("import time\nstart = time.time()", 1), code('print "took", time.time() - start', 2))
    (finding,) = only(report_of(timed, tmp_path), "wall-clock")  # the check cannot read the second cell
    assert fix_ids(finding) == ["ignore"]


def test_a_cell_that_does_not_parse_elsewhere_leaves_the_run_date_fix(tmp_path):
    # above the read, or naming none of the names its value reaches: it cannot read the value
    nb = notebook(
        code('print "before"\nprint stamp', 1),
        code("import datetime\nstamp = datetime.datetime.now()", 2),
        code('print "after", other_stamp', 3),
    )
    (finding,) = only(report_of(nb, tmp_path), "wall-clock")
    assert fix_ids(finding) == ["parameterize-clock", "ignore"]


def test_a_clock_read_that_only_times_a_cell_is_measured_with_perf_counter(tmp_path):
    # a run date would make the duration 0 (and a division by it fail): the clock meant for
    # durations reads no date, and the difference of two of its readings is the same duration
    nb = notebook(
        code("import time as t", 1),
        code("start = t.time()\nmodel = train()", 2),
        code("elapsed = t.time() - start\nprint(f'{elapsed / 60:.1f} min')", 3),
        code("began = t.time_ns()\nended = t.time_ns()\nprint((ended - began) // 1000)", 4),
    )
    report = report_of(nb, tmp_path)
    assert [fix_ids(f) for f in only(report, "wall-clock")] == [["measure-duration", "ignore"]] * 4
    (fix, *_) = only(report, "wall-clock")[0].fixes
    assert fix.safe and [e.cell_index for e in fix.edits] == [1, 2]  # both ends of the duration
    outcome = fixed(nb, tmp_path, "wall-clock")  # safe: applied without --unsafe-fixes
    assert sources(outcome.notebook)[1:] == [
        "start = t.perf_counter()\nmodel = train()",
        "elapsed = t.perf_counter() - start\nprint(f'{elapsed / 60:.1f} min')",
        "began = t.perf_counter_ns()\nended = t.perf_counter_ns()\nprint((ended - began) // 1000)",
    ]
    assert only(outcome.report, "wall-clock") == []


def test_a_timer_also_used_as_a_date_gets_the_run_date_instead(tmp_path):
    nb = notebook(code("import time\nstart = time.time()\nlog(start)\nprint(time.time() - start)", 1))
    assert [fix_ids(f) for f in only(report_of(nb, tmp_path), "wall-clock")] == [["parameterize-clock", "ignore"]] * 2


def test_a_functions_own_timer_is_another_variable_than_the_notebooks(tmp_path):
    # stamp's t0 is returned (a date); the notebook's t0 only times a loop (a corpus notebook,
    # Lecture-6B-HPC, timed three ways so): the run date made those durations 0
    nb = notebook(
        code("import time", 1),
        code("def stamp():\n    t0 = time.time()\n    return t0", 2),
        code("t0 = time.time()\nwork()\nduration = time.time() - t0", 3),
        code("def timed():\n    t0 = time.time()\n    work()\n    return time.time() - t0", 4),
    )
    report = report_of(nb, tmp_path)
    assert [(f.cell_index, fix_ids(f)[0]) for f in only(report, "wall-clock")] == [
        (1, "parameterize-clock"),
        (2, "measure-duration"),
        (2, "measure-duration"),
        (3, "measure-duration"),
        (3, "measure-duration"),
    ]
    outcome = fixed(nb, tmp_path, "wall-clock")
    assert sources(outcome.notebook)[1:] == [
        "def stamp():\n    t0 = time.time()\n    return t0",
        "t0 = time.perf_counter()\nwork()\nduration = time.perf_counter() - t0",
        "def timed():\n    t0 = time.perf_counter()\n    work()\n    return time.perf_counter() - t0",
    ]


def test_a_clock_read_minus_a_functions_parameter_is_not_a_duration(tmp_path):
    # born comes from the caller (a date here): perf_counter() - born would be another value
    nb = notebook(code("import time\ndef age(born):\n    return time.time() - born\nprint(age(1.5e9))", 1))
    (finding,) = only(report_of(nb, tmp_path), "wall-clock")
    assert fix_ids(finding) == ["parameterize-clock", "ignore"]
    assert fixed(nb, tmp_path, "wall-clock").applied == []  # nothing safe to apply


def test_a_datetime_that_only_times_something_gets_no_run_date(tmp_path):
    # the run date made t2 - t1 always 0:00:00 (a corpus notebook timed its GPUs so); a datetime
    # also used as a date still gets it
    nb = notebook(
        code("import datetime as dt\nfrom datetime import datetime", 1),
        code("t1 = dt.datetime.now()\ntrain()\nt2 = dt.datetime.now()\nprint('took', t2 - t1)", 2),
        code("start = datetime.now()\nprint((datetime.now() - start).total_seconds())", 3),
        code("stamp = datetime.now()\nprint(stamp - start, stamp)", 4),
    )
    findings = only(report_of(nb, tmp_path), "wall-clock")
    assert [(f.cell_index, f.line, fix_ids(f)) for f in findings] == [
        (1, 1, ["ignore"]),
        (1, 3, ["ignore"]),
        (2, 1, ["parameterize-clock", "ignore"]),  # start is also subtracted from stamp, a date
        (2, 2, ["parameterize-clock", "ignore"]),
        (3, 1, ["parameterize-clock", "ignore"]),
    ]


def test_a_deadline_loop_on_a_duration_keeps_its_clock_running(tmp_path):
    nb = notebook(
        code("import time", 1),
        code("started = time.time()\nwhile time.time() - started < 5.0:\n    poll()", 2),
    )
    outcome = fixed(nb, tmp_path, "wall-clock")
    assert sources(outcome.notebook)[1] == (
        "started = time.perf_counter()\nwhile time.perf_counter() - started < 5.0:\n    poll()"
    )


def test_a_timer_spelt_inside_another_word_or_a_string_elsewhere_is_still_a_timer(tmp_path):
    # `start` in `restart`, in a string or a comment is no use of the timer: the fix edits the
    # timer's cells only (a cell holding a secret, once read as a use, withdrew the fix: it may not
    # edit that cell; a cell naming it in a string got an edit that changed nothing)
    nb = notebook(
        code("import time\nstart = time.time()", 1),
        code("restart = 1\nprint('started')\napi_key = 'sk-proj-A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Qstart'", 2),
        code("label = 'start'  # the start of it", 3),
        code("print(time.time() - start)", 4),
    )
    findings = only(report_of(nb, tmp_path), "wall-clock")
    assert [fix_ids(f) for f in findings] == [["measure-duration", "ignore"]] * 2
    assert [e.cell_index for e in findings[0].fixes[0].edits] == [0, 3]
    lookalike = notebook(code("import time\nt0 = time.time()\nprint(time.time() - t0)", 1), code("\uff540 = 2", 2))
    (finding, _) = only(report_of(lookalike, tmp_path), "wall-clock")
    assert fix_ids(finding) == ["parameterize-clock", "ignore"]  # `ｔ0` is `t0` to Python: assigned a number


def test_following_clock_values_parses_only_the_cells_that_may_carry_them(tmp_path, monkeypatch):
    # a re-check computes the wall-clock fixes; cells with no clock read and no name that holds a
    # clock value are not parsed for them (a re-check of a 1,000-cell notebook parsed each: 2.6 s)
    from jupyterlab_readiness.fixes import view

    parsed: list[str] = []
    real = view.cell_tree
    monkeypatch.setattr(view, "cell_tree", lambda source: parsed.append(source) or real(source))
    plain = [f"rows_{i} = list(range({i}))\ntotal_{i} = sum(rows_{i})" for i in range(5)]
    nb = notebook(
        code("from time import time as clock", 1),
        code("end = clock() + 5", 2),
        *(code(s, i + 3) for i, s in enumerate(plain)),
        code("while clock() < end:\n    pass", 9),
    )
    by_line = {(f.cell_index, f.line): fix_ids(f) for f in only(report_of(nb, tmp_path), "wall-clock")}
    assert by_line == {(1, 1): ["ignore"], (7, 1): ["ignore"]}  # a deadline: both keep the clock
    assert not set(plain) & set(parsed)


# ------------------------------------------------------------------------------------ randomness
def test_unseeded_draws_are_seeded_from_a_seed_parameter(tmp_path):
    nb = notebook(
        code("import random\nimport numpy as np\nimport pandas as pd", 1),
        code("x = random.random()\nrng = np.random.default_rng()\ny = np.random.rand(3)", 2),
        code("df = pd.DataFrame({'a': [1, 2, 3]})\ns = df.sample(2)", 3),
    )
    fixes = {f.line: f.fixes[0] for f in only(report_of(nb, tmp_path), "unseeded-random")}
    assert all(fix.id == "seed-random" and fix.safe for fix in fixes.values())
    outcome = fixed(nb, tmp_path, "unseeded-random")
    assert sources(outcome.notebook) == [
        "seed = 42  # seeds every random draw",
        "import random\nimport numpy as np\nimport pandas as pd",
        "random.seed(seed)\nx = random.random()\nrng = np.random.default_rng(seed)\nnp.random.seed(seed)\n"
        "y = np.random.rand(3)",
        "df = pd.DataFrame({'a': [1, 2, 3]})\ns = df.sample(2)",  # numpy's generator, seeded above, draws it
    ]
    assert only(outcome.report, "unseeded-random") == []


def test_a_sample_method_of_an_unknown_value_gets_numpys_generator_seeded_not_a_random_state(tmp_path):
    # TensorFlow Probability's and PyMC's .sample() reject random_state=: the safe fix passed it and
    # the cell raised TypeError; seeding numpy's generator covers pandas and breaks nothing else
    nb = notebook(
        code("import numpy as np\nimport tensorflow_probability as tfp\nimport pandas as pd", 1),
        code("prior = tfp.distributions.Bernoulli(probs=0.5)\ndata = prior.sample(10)  # ten flips", 2),
        code("rows = pd.DataFrame({'a': [1, 2, 3]}).sample(2)", 3),
    )
    outcome = fixed(nb, tmp_path, "unseeded-random")
    assert sources(outcome.notebook)[1:] == [
        "import numpy as np\nimport tensorflow_probability as tfp\nimport pandas as pd",
        "prior = tfp.distributions.Bernoulli(probs=0.5)\nnp.random.seed(seed)\ndata = prior.sample(10)  # ten flips",
        "rows = pd.DataFrame({'a': [1, 2, 3]}).sample(2)",
    ]
    assert only(outcome.report, "unseeded-random") == []


def test_a_sample_method_with_numpy_imported_only_in_its_own_cell_after_it_gets_no_seed(tmp_path):
    nb = notebook(code("rows = frame.sample(2)\nimport numpy as np", 1))
    assert all(fix_ids(f) == ["ignore"] for f in only(report_of(nb, tmp_path), "unseeded-random"))


def test_every_finding_of_a_family_gets_the_seed_before_the_first_draw(tmp_path):
    nb = notebook(code("import random\na = random.random()", 1), code("b = random.randint(0, 3)", 2))
    findings = only(report_of(nb, tmp_path), "unseeded-random")
    assert len(findings) == 2 and findings[0].fixes[0] == findings[1].fixes[0]
    assert "random.seed(seed)\na = random.random()" in findings[1].fixes[0].edits[0].source


def test_a_draw_imported_by_name_gets_numpys_seed_above_it(tmp_path):
    # the seed went above the first draw written np.random.…, below randn: randn stayed unseeded
    nb = notebook(
        code("import numpy as np\nfrom numpy.random import randn", 1),
        code("x = randn(3)", 2),
        code("y = np.random.rand(2)", 3),
    )
    outcome = fixed(nb, tmp_path, "unseeded-random")
    assert sources(outcome.notebook)[2:] == ["np.random.seed(seed)\nx = randn(3)", "y = np.random.rand(2)"]
    assert only(outcome.report, "unseeded-random") == []


def test_an_existing_seed_parameter_is_used(tmp_path):
    params = code("SEED = 7", 1)
    params["metadata"] = {"tags": ["parameters"]}
    nb = notebook(params, code("import sklearn.model_selection as ms\na, b = ms.train_test_split([1, 2, 3, 4])", 2))
    outcome = fixed(nb, tmp_path, "unseeded-random")
    assert sources(outcome.notebook) == [
        "SEED = 7",
        "import sklearn.model_selection as ms\na, b = ms.train_test_split([1, 2, 3, 4], random_state=SEED)",
    ]


def test_a_draw_whose_module_is_imported_inside_a_function_gets_no_seed(tmp_path):
    nb = notebook(code("def f():\n    import random\n    return random.random()\nf()", 1))
    assert all(fix_ids(f) == ["ignore"] for f in only(report_of(nb, tmp_path), "unseeded-random"))


def test_the_seed_goes_above_the_decorators_of_a_function_that_draws(tmp_path):
    # a cached sampler, as notebooks memoise an expensive simulation: the seed line must not split
    # the decorator from its def (the cell would no longer parse)
    nb = notebook(
        code("import functools\nimport numpy as np", 1),
        code("# simulate once per size\n@functools.lru_cache()\ndef simulate(n):\n    return np.random.rand(n)", 2),
    )
    outcome = fixed(nb, tmp_path, "unseeded-random")
    assert sources(outcome.notebook)[2] == (
        "# simulate once per size\nnp.random.seed(seed)\n@functools.lru_cache()\ndef simulate(n):\n"
        "    return np.random.rand(n)"
    )
    assert only(outcome.report, "unseeded-random") == [] and only(outcome.report, "syntax-error") == []


# --------------------------------------------------------------------------------------- paths
def test_an_absolute_path_becomes_a_parameter_of_the_same_value(tmp_path):
    nb = notebook(
        code("import pandas as pd", 1),
        code('df = pd.read_csv("/Users/ana/data/sales.csv")\nbackup = "/Users/ana/data/sales.csv"', 2),
    )
    (finding,) = only(report_of(nb, tmp_path), "absolute-path")
    assert finding.fixes[0].id == "parameterize-path" and finding.fixes[0].safe
    outcome = fixed(nb, tmp_path, "absolute-path")
    assert sources(outcome.notebook) == [
        'sales_path = "/Users/ana/data/sales.csv"',
        "import pandas as pd",
        "df = pd.read_csv(sales_path)\nbackup = sales_path",
    ]
    assert only(outcome.report, "absolute-path") == []  # a parameter's default: a scheduler passes its own


def test_paths_in_f_strings_and_docstrings_are_left_alone(tmp_path):
    nb = notebook(code('user = "ana"\np = f"/home/{user}/x.csv"', 1))
    (finding,) = only(report_of(nb, tmp_path), "absolute-path")
    assert fix_ids(finding) == ["ignore"]


# ------------------------------------------------------------------------------------- secrets
def test_a_credential_is_read_from_the_environment_and_never_written_in_the_fix(tmp_path):
    nb = notebook(
        code(f'import openai\napi_key = "{KEY}"\nclient = openai.OpenAI(api_key="{KEY}")\npassword = "hunter22"', 1)
    )
    report = report_of(nb, tmp_path)
    secrets = only(report, "hardcoded-secret")
    assert len(secrets) == 3
    fix = secrets[0].fixes[0]
    assert (fix.id, fix.safe) == ("secret-from-environment", False)
    assert all(f.fixes[0] == fix for f in secrets)  # one fix removes every credential of the cell
    assert fix.edits[0].source == (
        'import os\nimport openai\napi_key = os.environ["API_KEY"]\n'
        'client = openai.OpenAI(api_key=os.environ["API_KEY_2"])\npassword = os.environ["PASSWORD"]'
    )
    assert "rotate" in fix.note or "revoke" in fix.note
    dumped = json.dumps(to_dict(report))
    assert KEY not in dumped and "hunter22" not in dumped  # not in any fix, note or message
    outcome = fixed(nb, tmp_path, "hardcoded-secret", unsafe=True)
    assert only(outcome.report, "hardcoded-secret") == []


def test_other_fixes_of_a_cell_with_a_credential_carry_no_source(tmp_path):
    nb = notebook(code(f'import datetime\nt = datetime.datetime.now()\ntoken = "{KEY}"', 1))
    report = report_of(nb, tmp_path)
    (clock,) = only(report, "wall-clock")
    assert fix_ids(clock) == ["ignore"] and isinstance(clock.fixes[0].edits[0], InsertText)
    assert KEY not in json.dumps(to_dict(report))


def test_an_environment_default_becomes_the_environment_read(tmp_path):
    nb = notebook(code('import os\npw = os.getenv("DB_PASSWORD", "s3cr3t-Pa55word")', 1))
    outcome = fixed(nb, tmp_path, "hardcoded-secret", unsafe=True)
    assert sources(outcome.notebook) == ['import os\npw = os.environ["DB_PASSWORD"]']


def test_a_credential_in_a_cell_magics_cell_gets_the_import_below_the_magic(tmp_path):
    nb = notebook(code(f'%%capture\napi_key = "{KEY}"\nprint(len(api_key))', 1))
    outcome = fixed(nb, tmp_path, "hardcoded-secret", unsafe=True)
    assert sources(outcome.notebook) == ['%%capture\nimport os\napi_key = os.environ["API_KEY"]\nprint(len(api_key))']
    assert only(outcome.report, "hardcoded-secret") == []


def test_the_credential_fix_clears_every_saved_output_that_shows_it(tmp_path):
    shown = {"output_type": "stream", "name": "stdout", "text": [f"{{'url': 'https://x', 'key': '{KEY}'}}\n"]}
    kept = {"output_type": "execute_result", "execution_count": 4, "metadata": {}, "data": {"text/plain": ["42"]}}
    error = {**ERROR, "evalue": f"401 Unauthorized: {KEY}", "traceback": [f"\x1b[0;31mHTTPError\x1b[0m: {KEY}"]}
    repr_ = {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"text/plain": [repr(KEY)]}}
    nb = notebook(
        md("# Pull"),
        code(f'api_key = "{KEY}"\napi_key', 1, [repr_], cell_id="c1"),
        code('config = {"url": "https://x", "key": api_key}\nprint(config)', 2, [shown], cell_id="c2"),
        code("call(config)", 3, [error], cell_id="c3"),
        code("answer = 42\nanswer", 4, [kept], cell_id="c4"),
    )
    report = report_of(nb, tmp_path)
    (finding,) = only(report, "hardcoded-secret")
    fix = finding.fixes[0]
    assert [(type(e).__name__, e.cell_index, e.cell_id) for e in fix.edits] == [
        ("ReplaceSource", 1, "c1"),
        ("ClearOutputs", 1, "c1"),
        ("ClearOutputs", 2, "c2"),
        ("ClearOutputs", 3, "c3"),
    ]
    assert "clears the saved outputs of cells 2, 3 and 4: they show the credential" in fix.note
    assert KEY not in json.dumps(to_dict(report))  # not in any edit, note or message
    outcome = fixed(nb, tmp_path, "hardcoded-secret", unsafe=True)
    assert KEY not in json.dumps(outcome.notebook)
    assert [c.get("outputs") for c in outcome.notebook["cells"]] == [None, [], [], [], [kept]]
    assert [c.get("execution_count") for c in outcome.notebook["cells"]] == [None, 1, 2, 3, 4]  # counts stay
    assert only(outcome.report, "hardcoded-secret") == []
    assert not fixed(outcome.notebook, tmp_path, "hardcoded-secret", unsafe=True).applied  # nothing left to do


def test_a_credential_fix_clears_no_output_that_does_not_show_it(tmp_path):
    kept = {"output_type": "stream", "name": "stdout", "text": ["48\n"]}
    nb = notebook(code(f'api_key = "{KEY}"\nprint(len(api_key))', 1, [kept]))
    fix = only(report_of(nb, tmp_path), "hardcoded-secret")[0].fixes[0]
    assert [type(e) for e in fix.edits] == [ReplaceSource] and "outputs of" not in fix.note
    assert fixed(nb, tmp_path, "hardcoded-secret", unsafe=True).notebook["cells"][0]["outputs"] == [kept]


# -------------------------------------------------------------------------------------- writes
def test_append_modes_become_overwrite(tmp_path):
    nb = notebook(
        code(
            'import pandas as pd\nf = open("log.txt", "a")\ndf = pd.DataFrame()\ndf.to_csv("out.csv", mode="a", '
            "header=False)\ndf.to_sql('t', None, if_exists='append')",
            1,
        )
    )
    findings = only(report_of(nb, tmp_path), "append-write")
    assert [f.fixes[0].id for f in findings] == ["overwrite"] * 3 and not findings[0].fixes[0].safe
    outcome = fixed(nb, tmp_path, "append-write", unsafe=True)
    assert sources(outcome.notebook) == [
        'import pandas as pd\nf = open("log.txt", "w")\ndf = pd.DataFrame()\ndf.to_csv("out.csv", mode="w", '
        "header=False)\ndf.to_sql('t', None, if_exists='replace')"
    ]


# ------------------------------------------------------------------------------- observability
def test_prints_become_log_calls_after_a_logger_cell(tmp_path):
    nb = notebook(code("x = 3", 1), code('print("rows", x)\nprint(x, sep="")', 2), code("print()", 3))
    (finding,) = only(report_of(nb, tmp_path), "print-logging")
    fix = finding.fixes[0]
    assert (fix.id, fix.safe) == ("print-to-logging", False)
    outcome = fixed(nb, tmp_path, "print-logging", unsafe=True)
    assert sources(outcome.notebook) == [
        "x = 3",
        'import logging\n\nlogging.basicConfig(format="%(asctime)s %(levelname)s %(message)s")\n'
        'log = logging.getLogger("analysis")\nlog.setLevel(logging.INFO)',
        'log.info("%s %s", "rows", x)\nlog.info("%s", x)',
        'log.info("")',
    ]
    assert only(outcome.report, "print-logging") == []


def test_a_print_with_comments_between_its_arguments_keeps_them(tmp_path):
    source = (
        'total = 3\nprint(\n    "total",  # the sum of the sales\n    total,\n)\n'
        'print("é", total  # after the last one\n)\nprint("a",  # the keyword goes: no fix\n      total, sep="-")'
    )
    outcome = fixed(notebook(code(source, 1)), tmp_path, "print-logging", unsafe=True)
    assert sources(outcome.notebook)[1] == (
        'total = 3\nlog.info("%s %s",\n    "total",  # the sum of the sales\n    total,\n)\n'
        'log.info("%s %s", "é", total  # after the last one\n)\n'
        'print("a",  # the keyword goes: no fix\n      total, sep="-")'
    )


def test_a_notebook_that_binds_log_gets_another_logger_name(tmp_path):
    nb = notebook(code("import math\nlog = math.log\nprint(log(1))", 1))
    outcome = fixed(nb, tmp_path, "print-logging", unsafe=True)
    assert "logger.info(" in sources(outcome.notebook)[1]


def test_naming_the_logger_parses_only_the_cells_that_spell_its_name(tmp_path, monkeypatch):
    # every check with fixes names the logger: a cell that spells neither `print` nor the name is
    # not parsed for it (a re-check of a 1,000-cell notebook parsed every cell here, a second)
    from jupyterlab_readiness.fixes import view

    parsed: list[str] = []
    real = view.cell_tree
    monkeypatch.setattr(view, "cell_tree", lambda source: parsed.append(source) or real(source))
    plain = [f"x{i} = {i} * 2" for i in range(6)]
    nb = notebook(*(code(s, i + 1) for i, s in enumerate([*plain, "print(x1)", "blog = x2"])))
    outcome = fixed(nb, tmp_path, "print-logging", unsafe=True)
    assert sources(outcome.notebook)[7] == 'log.info("%s", x1)'  # `blog` spells `log`, binds another name
    assert "blog = x2" in parsed and not set(plain) & set(parsed)


@pytest.mark.parametrize(
    "cell",
    [
        "def show(x, log=False):\n    print(math.log(x) if log else x)",
        "try:\n    1 / 0\nexcept ZeroDivisionError as log:\n    print(log)",
        "show = lambda log: print(log)",
        "def first(xs):\n    match xs:\n        case [*log]:\n            print(log)",
    ],
)
def test_a_log_bound_only_inside_a_cell_gets_another_logger_name(tmp_path, cell):
    # `log.info(...)` where `log` is the function's parameter (or the caught exception) would call
    # .info on a bool: the logger takes a name nothing in the notebook binds
    nb = notebook(code("import math", 1), code(cell, 2))
    outcome = fixed(nb, tmp_path, "print-logging", unsafe=True)
    setup, converted = sources(outcome.notebook)[1:3]
    assert "logger = logging.getLogger(" in setup and "logger.info(" in converted and "print(" not in converted


# --------------------------------------------------------------------------------------- pins
def _pin_installs(nb: dict, tmp_path, versions: dict[str, tuple[str, str]]):
    """The unpinned-install fixes of ``nb``, applied, with ``versions`` installed where it runs."""
    options, select = FixOptions(NOW, versions), frozenset({"unpinned-install"})
    return fix_notebook(nb, tmp_path / "a.ipynb", None, "a.ipynb", options=options, select=select)


def test_an_install_is_pinned_to_the_version_installed_where_it_runs(tmp_path):
    nb = notebook(code("%pip install --quiet requests 'numpy>=1' somethingnotinstalled", 1))
    versions = {"requests": ("requests", "2.31.0"), "numpy": ("numpy", "1.26.4")}
    outcome = _pin_installs(nb, tmp_path, versions)
    assert sources(outcome.notebook) == ["%pip install --quiet requests==2.31.0 'numpy==1.26.4' somethingnotinstalled"]
    (left,) = only(outcome.report, "unpinned-install")  # what nothing installed provides stays, with no fix
    assert "somethingnotinstalled" in left.message and not any(f.edits for f in left.fixes)


def test_an_exact_pin_on_the_line_stays_the_users_version(tmp_path):
    nb = notebook(code("%pip install requests==2.0 numpy\n!conda install -y scipy=1.10 pandas", 1))
    versions = {n: (n, "9.9.9") for n in ("requests", "numpy", "scipy", "pandas")}
    outcome = _pin_installs(nb, tmp_path, versions)
    pip, conda = sources(outcome.notebook)[0].split("\n")
    assert pip == "%pip install requests==2.0 numpy==9.9.9" and conda == "!conda install -y scipy=1.10 pandas=9.9.9"


def test_an_install_is_pinned_only_to_a_version_its_own_range_allows(tmp_path):
    # numpy<2 rules out the 2.x installed here: pinning it would install what the author ruled out
    nb = notebook(code("!pip install 'numpy<2' 'pandas>=2,<3' scipy~=1.10\n%conda install -y requests<2", 1))
    versions = {
        "numpy": ("numpy", "2.1.0"),
        "pandas": ("pandas", "2.2.2"),
        "scipy": ("scipy", "1.14.1"),
        "requests": ("requests", "2.31.0"),
    }
    outcome = _pin_installs(nb, tmp_path, versions)
    assert sources(outcome.notebook)[0].split("\n") == [
        "!pip install 'numpy<2' 'pandas==2.2.2' scipy==1.14.1",
        "%conda install -y requests<2",
    ]
    left = only(outcome.report, "unpinned-install")
    assert [("numpy<2" in f.message, "requests<2" in f.message) for f in left] == [(True, False), (False, True)]
    assert not any(fix.edits for f in left for fix in f.fixes if fix.id != "ignore")


def test_pinning_an_install_leaves_urls_paths_and_editables_as_written(tmp_path):
    lines = [
        "%pip install mypkg @ git+https://github.com/org/mypkg@v1.2 requests",
        "%pip install 'mypkg @ git+https://github.com/org/mypkg@v1.2' mypkg@file:///opt/mypkg requests",
        "!pip install -e git+https://github.com/org/mypkg#egg=mypkg -e ./libs/mypkg libs/mypkg requests",
        "!pip install https://example.org/mypkg-1.0-py3-none-any.whl mypkg-1.0.tar.gz requests",
    ]
    versions = {n: (n, "9.9.9") for n in ("mypkg", "libs", "requests", "https")}
    outcome = _pin_installs(notebook(code("\n".join(lines), 1)), tmp_path, versions)
    # the source the team chose stays; only the loose name beside it is pinned
    assert sources(outcome.notebook) == ["\n".join(line.replace(" requests", " requests==9.9.9") for line in lines)]
    assert only(outcome.report, "unpinned-install") == []


def test_pins_come_from_the_kernel_when_the_check_ran_live(tmp_path):
    nb = notebook(code("!pip install pandas", 1))
    kernel = KernelState(frozenset(), {}, 1, {"pandas": (("pandas", "2.2.1"),)})
    outcome = fixed(nb, tmp_path, "unpinned-install", kernel=kernel)
    assert sources(outcome.notebook) == ["!pip install pandas==2.2.1"]


def test_unpinned_imports_offer_the_freeze_command(tmp_path):
    (finding,) = only(report_of(notebook(code("import pandas", 1)), tmp_path), "unpinned-import")
    assert [(f.id, f.command) for f in finding.fixes] == [("freeze-env", "readiness:freeze-env"), ("ignore", None)]


# ------------------------------------------------------------------------- state in the kernel
def test_a_deleted_definition_is_restored_from_the_kernels_history_above_its_first_use(tmp_path):
    nb = notebook(code("import math", 1), code("y = helper(3)", 3), code("z = helper(4)", 4))
    kernel = KernelState(
        frozenset({"helper", "y", "z"}), {2: "def helper(x):\n    return x * 2", 3: "y = helper(3)"}, 4
    )
    report = report_of(nb, tmp_path, kernel)
    first, second = only(report, "hidden-state")  # both cells read it
    fix = first.fixes[0]
    assert second.fixes[0] == fix  # the definition goes above the first use, whichever read it is fixed
    assert (fix.id, fix.safe) == ("restore-definition", False)
    assert fix.edits == [InsertCell(index=1, cell_type="code", source="def helper(x):\n    return x * 2", tags=[])]
    (orphans,) = only(report, "kernel-only-state")
    assert [f.id for f in orphans.fixes] == ["restore-definition", "restart-run-all", "ignore"]
    outcome = fixed(nb, tmp_path, "hidden-state", unsafe=True, kernel=kernel)
    assert sources(outcome.notebook)[1] == "def helper(x):\n    return x * 2"
    assert only(outcome.report, "hidden-state") == []


# ------------------------------------------------------------------------- outputs and commands
def test_a_saved_traceback_is_cleared(tmp_path):
    nb = notebook(code("x = {}['x']", 1, [ERROR]))
    (finding,) = only(report_of(nb, tmp_path), "error-output")
    assert [(f.id, f.safe) for f in finding.fixes][:1] == [("clear-outputs", True)]
    outcome = fixed(nb, tmp_path, "error-output")
    assert outcome.notebook["cells"][0]["outputs"] == [] and only(outcome.report, "error-output") == []
    assert outcome.notebook["cells"][0]["execution_count"] == 1
    assert (finding.fixes[0].title, finding.fixes[0].note.startswith("The cell's code")) == (
        "Clear the saved traceback",
        True,
    )


def test_clearing_a_traceback_says_what_else_the_cell_showed_goes_too(tmp_path):
    # a corpus notebook (Sudoku) drew its grid, then failed: "Clear the saved traceback" took the grid
    shown = {"output_type": "display_data", "metadata": {}, "data": {"text/plain": ["<grid>"]}}
    nb = notebook(code("show(grid)\ngrid['x']", 1, [shown, ERROR]))
    (fix, *_) = only(report_of(nb, tmp_path), "error-output")[0].fixes
    assert fix.title == "Clear the cell's saved outputs"
    assert fix.note.startswith("Clears the traceback and the 1 other output the failed run left before it.")
    assert fixed(nb, tmp_path, "error-output").notebook["cells"][0]["outputs"] == []


def test_execution_order_findings_offer_commands(tmp_path):
    nb = notebook(code("a = 1", 2), code("b = 2", 1), code("c = 3", None), code("d = 4", 3))
    for check in ("out-of-order-execution", "unexecuted-cell"):
        (finding,) = only(report_of(nb, tmp_path), check)
        assert [(f.id, f.command, f.edits) for f in finding.fixes[:2]] == [
            ("restart-run-all", "notebook:restart-run-all", []),
            ("rehearse", "readiness:rehearse", []),
        ]


# ------------------------------------------------------------------------------------ ignore
@pytest.mark.parametrize(
    ("cells", "check", "expected"),
    [
        (
            [code("import random\nx = random.random()", 1)],
            "unseeded-random",
            "x = random.random()  # readiness: ignore[unseeded-random]",
        ),
        ([code('s = """/home/ana/x\nmore"""', 1)], "absolute-path", "# readiness: ignore[absolute-path]\ns = "),
        ([code("x = {}['x']", 1, [ERROR])], "error-output", "# readiness: ignore[error-output]\nx = "),
        (
            [code("%%time\nimport random\nx = random.random()  \\\n  + 1", 1)],
            "unseeded-random",
            "%%time\n# readiness: ignore[unseeded-random]\n",
        ),
        ([code(f'token = "{KEY}"', 1)], "hardcoded-secret", "# readiness: ignore[hardcoded-secret]"),
        # a magic without its %: IPython runs it so only in a one-line cell, the comment line needs the %
        ([code("pip install requests")], "unpinned-install", "# readiness: ignore[unpinned-install]\n%pip install"),
    ],
)
def test_the_ignore_fix_silences_the_finding(tmp_path, cells, check, expected):
    nb = notebook(*cells)
    (finding,) = only(report_of(nb, tmp_path), check)
    ignore = finding.fixes[-1]
    assert (ignore.id, ignore.safe, ignore.title) == ("ignore", True, f"Ignore this {check} finding")
    assert [type(e) for e in ignore.edits] == [InsertText] and KEY not in json.dumps(to_dict(ignore))
    after = apply_fixes(nb, [ignore])
    assert expected in sources(after)[0]
    report = report_of(after, tmp_path)
    assert only(report, check) == [] and [s.check for s in report.suppressed] == [check]
    assert only(report, "syntax-error") == []


def test_notebook_level_findings_are_ignored_in_the_first_code_cell(tmp_path):
    nb = notebook(md("# t"), *[code(f"x{i} = {i}", i + 1) for i in range(16)])
    (finding,) = only(report_of(nb, tmp_path), "unpackaged-code")
    after = apply_fixes(nb, [finding.fixes[-1]])
    assert sources(after)[1] == "# readiness: ignore[unpackaged-code]\nx0 = 0"
    assert only(report_of(after, tmp_path), "unpackaged-code") == []


# ------------------------------------------------------------------------------------- rules
def test_every_fix_validates_against_the_contract_and_applies(tmp_path):
    nb = notebook(
        md("# All"),
        code("import datetime, random, numpy as np\n%pip install requests\nprint('x')", 1, cell_id="a"),
        code('t = datetime.datetime.now()\nr = random.random()\np = "/home/bob/x.csv"', 3, [ERROR], cell_id="b"),
        code('open("o.txt", "a")\nprint(undefined_thing)', 2, cell_id="c"),
    )
    report = report_of(nb, tmp_path)
    assert all(f.fixes and f.fixes[-1].id == "ignore" for f in report.findings if f.cell_index is not None)
    for finding in report.findings:
        assert FINDING.validate_python(to_dict(finding)) == finding
        for fix in finding.fixes:
            if fix.edits:
                apply_fixes(nb, [fix])  # applies cleanly to the notebook it came from
            assert fix.edits or fix.command
            kinds = [e.kind for e in fix.edits]
            assert kinds == sorted(kinds, key=lambda k: k == "insert-cell")  # inserts last


def test_fixing_twice_changes_nothing(tmp_path):
    nb = notebook(
        code("import datetime\nimport random\nt = datetime.datetime.now()\nx = random.random()\nprint(x)", 1),
        code('open("/home/bob/log.txt", "a").write("x")', 2, [ERROR]),
    )
    first = fix_notebook(nb, tmp_path / "a.ipynb", None, "a.ipynb", unsafe=True, options=OPTIONS)
    assert first.applied
    second = fix_notebook(first.notebook, tmp_path / "a.ipynb", None, "a.ipynb", unsafe=True, options=OPTIONS)
    assert second.applied == [] and second.notebook == first.notebook


def test_applied_fixes_are_located_in_the_notebook_as_it_was_before_fixing(tmp_path):
    # later rounds find the second read in cell 2 (after the inserted parameters cell) and the
    # print on line 4 (after the secret fix's `import os`): neither is where the user wrote it
    nb = notebook(
        md("# Run"),
        code("import datetime\nstamp = datetime.datetime.now()\nx = 1\nday = datetime.date.today()", 1),
        code(f'token = "{KEY}"\nx = 1\nprint(token)', 2),
    )
    outcome = fix_notebook(nb, tmp_path / "a.ipynb", None, "a.ipynb", unsafe=True, options=OPTIONS)
    located = {(a.finding.check, a.at) for a in outcome.applied}
    assert located == {
        ("wall-clock", (1, 2)),
        ("wall-clock", (1, 4)),
        ("hardcoded-secret", (2, 1)),
        ("print-logging", (2, 3)),
    }
    notes = {a.fix.note for a in outcome.applied if a.finding.check == "wall-clock"}
    assert len(notes) == 1 and f'("{NOW}")' in notes.pop()  # one run date, quoted one way


def test_a_fix_in_a_rewritten_line_is_located_at_the_line_it_replaced(tmp_path):
    nb = notebook(code(f'import time\ntoken = "{KEY}"\nt = time.time()\nprint(t, token)', 1))
    outcome = fix_notebook(nb, tmp_path / "a.ipynb", None, "a.ipynb", unsafe=True, options=OPTIONS)
    assert {(a.finding.check, a.at) for a in outcome.applied} >= {
        ("hardcoded-secret", (0, 2)),
        ("wall-clock", (0, 3)),
        ("print-logging", (0, 4)),
    }


def test_cells_whose_metadata_is_not_a_mapping_are_fixed_like_the_others(tmp_path):
    """A hand-edited or generated notebook may carry `"metadata": []` on a cell: the checks read it
    as no metadata, so fixing must too (it raised AttributeError, a 500 from the REST route)."""
    listed, text = code("import random\nx = random.random()\nprint(x)", 1), code("print(x)", 2)
    listed["metadata"], text["metadata"] = [], "tags"
    outcome = fix_notebook(notebook(listed, text), tmp_path / "a.ipynb", None, "a.ipynb", unsafe=True, options=OPTIONS)
    assert {a.finding.check for a in outcome.applied} >= {"unseeded-random", "print-logging"}


def test_plain_checks_compute_no_fixes(tmp_path):
    nb = notebook(code("import random\nx = random.random()", 1))
    report = check_model(notebook_from_json(nb), tmp_path / "a.ipynb", None, "a.ipynb")
    assert all(f.fixes == [] for f in report.findings)


def test_a_cell_of_literals_becomes_the_parameters_cell(tmp_path):
    nb = notebook(code('region = "north"\nlimit = 10', 1), code("import random\nx = random.random()", 2))
    (finding,) = only(report_of(nb, tmp_path), "unseeded-random")
    assert [e.kind for e in finding.fixes[0].edits] == ["replace-source", "replace-source", "set-tags"]
    outcome = fixed(nb, tmp_path, "unseeded-random")
    assert sources(outcome.notebook)[0] == 'region = "north"\nlimit = 10\nseed = 42  # seeds every random draw'
    assert outcome.notebook["cells"][0]["metadata"] == {"tags": ["parameters"]}


def test_a_path_in_a_cell_of_literals_is_fixed_by_tagging_it(tmp_path):
    nb = notebook(code('DATA = "/home/ana/sales.csv"', 1), code("import pandas as pd\ndf = pd.read_csv(DATA)", 2))
    (finding,) = only(report_of(nb, tmp_path), "absolute-path")
    assert [e.kind for e in finding.fixes[0].edits] == ["set-tags"]
    outcome = fixed(nb, tmp_path, "absolute-path")
    assert sources(outcome.notebook) == sources(nb) and only(outcome.report, "absolute-path") == []
