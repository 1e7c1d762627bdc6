"""Rehearsals with real kernels: two fresh runs, compared, in a scratch copy of the folder.

Every test checks, after the rehearsal, that no kernel process and no private folder is left
(``leftovers``). The pure parts (sanitising, parameters, copies, snapshots, the record and the
engine) are tested without kernels in test_rehearse_parts.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from helpers.executed import stdout_of
from helpers.kernels import processes_mentioning
from helpers.notebooks import REPO, code, md, notebook
from jupyterlab_readiness.actions.rehearse.baseline import record_path
from jupyterlab_readiness.actions.rehearse.rehearsal import Options, Rehearsal, rehearse_sync
from jupyterlab_readiness.contract.report import to_dict
from jupyterlab_readiness.contract.schema import REHEARSE_REPLY
from jupyterlab_readiness.files import Root
from jupyterlab_readiness.lint.engine import check_file
from jupyterlab_readiness.lint.sidecar import read_record


def tagged(source: str, *tags: str) -> dict:
    cell = code(source)
    cell["metadata"]["tags"] = list(tags)
    return cell


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """Where rehearsals put their private folders in these tests."""
    folder = tmp_path / "scratch-base"
    folder.mkdir()
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / ".git").mkdir()
    return folder


def leftovers(base: Path) -> tuple[list[str], list[int]]:
    return sorted(p.name for p in base.iterdir()), processes_mentioning(str(base))


@pytest.fixture
def rehearse(project: Path, base: Path):
    """rehearse(*cells, **options) → Outcome, for a notebook saved in ``project``; afterwards no
    private folder and no kernel process may be left."""

    def run(*cells: dict, name: str = "analysis.ipynb", progress=None, **options):
        nb = notebook(*cells)
        path = project / name
        path.write_text(json.dumps(nb), encoding="utf-8")
        outcome = rehearse_sync(nb, path, Options(scratch_base=base, **options), progress)
        assert leftovers(base) == ([], []), "a rehearsal left a private folder or a kernel process behind"
        REHEARSE_REPLY.validate_python(to_dict(outcome.reply(name)))
        return outcome

    return run


def checks(outcome) -> list[tuple[str, int | None]]:
    return [(f.check, f.cell_index) for f in outcome.findings]


# ----------------------------------------------------------------------------------- passes
def test_a_clean_notebook_passes_and_records_its_baseline(rehearse, project):
    outcome = rehearse(
        md("# Squares"),
        code("import json\nn = 4", count=1),
        code(
            "squares = [i * i for i in range(n)]\nprint(squares)",
            count=2,
            outputs=[{"output_type": "stream", "name": "stdout", "text": "[0, 1, 4, 9]\n"}],
        ),
        code("with open('squares.json', 'w') as f:\n    json.dump(squares, f)", count=3),
        code("", count=None),
        code(
            "len(squares)",
            count=4,
            outputs=[
                {"output_type": "execute_result", "execution_count": 4, "metadata": {}, "data": {"text/plain": "4"}}
            ],
        ),
    )
    assert outcome.status == "passed" and outcome.findings == [] and outcome.error is None
    record = outcome.record
    assert record is not None and record.passed and record.runs == 2 and record.kernel == "python3"
    assert [c.cell_index for c in record.cells] == [1, 2, 3, 5]  # the blank cell does not run
    for cell in record.cells:
        assert [t.status for t in cell.runs] == ["ok", "ok"]
        assert all(t.seconds is not None and t.seconds >= 0 for t in cell.runs)
        if sys.platform.startswith("linux"):
            assert all(t.peak_memory and t.peak_memory > 10 * 2**20 for t in cell.runs)
    assert record.cells[2].writes == ["squares.json"]
    (written,) = record.files
    assert written.path == "squares.json" and written.size == len("[0, 1, 4, 9]") and written.cells == [3]
    assert len(written.sha256) == 64
    assert not (project / "squares.json").exists(), "the notebook's real folder is untouched"
    assert outcome.first_cell_seconds is not None and 0 < outcome.first_cell_seconds < outcome.seconds


def test_the_audit_hook_adds_no_name_and_no_execution_count(rehearse, project):
    """The same cell prints the same namespace in a rehearsal as in a plain nbclient run."""
    cells = (code("print(sorted(dir()))"), code("print(len(In), _ih[-1][:5])"))
    plain = nbformat.from_dict(notebook(*cells))
    NotebookClient(plain, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(project)}}).execute()
    outcome = rehearse(*cells)
    fresh = outcome.runs[0].by_index()
    for index in (0, 1):
        assert stdout_of(fresh[index].outputs) == stdout_of(plain.cells[index].outputs)
    assert "'In', 'Out', '_'" in stdout_of(fresh[0].outputs) and "install" not in stdout_of(fresh[0].outputs)


# ------------------------------------------------------------------------------ rehearsal-error
def test_hidden_state_fails_with_the_name_and_confirms_the_static_finding(rehearse):
    outcome = rehearse(code("x = 1"), code("y = 2\ntotal = x + undefined_total\nprint(total)"), code("print('never')"))
    assert outcome.status == "failed"
    (finding,) = outcome.findings
    assert (finding.check, finding.cell_index, finding.line, finding.severity) == ("rehearsal-error", 1, 2, "error")
    assert "`undefined_total` is not defined" in finding.message and "hidden-state" in finding.message
    assert "1 cell below did not run" in finding.message
    assert "Define `undefined_total`" in finding.suggestion
    assert len(outcome.runs) == 1 and any("second run was skipped" in n for n in outcome.notes)
    assert [c.status for c in outcome.runs[0].cells] == ["ok", "error", "not-run"]


def test_a_cell_that_failed_for_its_author_too_is_told_to_be_tagged_if_meant_to_raise(rehearse):
    error = {"output_type": "error", "ename": "TypeError", "evalue": "'tuple' object does not support item assignment"}
    demo = code("z = (3, 7, 4, 2)\nz[1] = 'fish'", count=1, outputs=[{**error, "traceback": []}])
    outcome = rehearse(demo, code("print('after')"), runs=1)
    (finding,) = outcome.findings
    assert "raises TypeError: 'tuple' object does not support item assignment, as the saved notebook shows" in (
        finding.message
    )
    assert "tag it `raises-exception`" in finding.suggestion
    demo["metadata"]["tags"] = ["raises-exception"]
    tagged_outcome = rehearse(demo, code("print('after')"), runs=1)
    assert tagged_outcome.findings == [] and stdout_of(tagged_outcome.runs[0].by_index()[1].outputs) == "after\n"


def test_an_error_from_inside_a_library_in_a_cell_that_ran_when_saved_points_to_its_version(rehearse):
    saved = [{"output_type": "execute_result", "execution_count": 2, "metadata": {}, "data": {"text/plain": "0    1"}}]
    outcome = rehearse(
        code("import pandas as pd\nframe = pd.DataFrame({'a': [1]})", count=1),
        code("frame['b']", count=2, outputs=saved),
        runs=1,
    )
    (finding,) = outcome.findings
    assert "raises KeyError: 'b', from inside `pandas`; the saved notebook shows the cell ran without error" in (
        finding.message
    )
    assert "Find the version of `pandas` the notebook last ran with" in finding.suggestion
    own = rehearse(code("x = 1 / 0", count=1), runs=1)  # raised by the cell's own code: no library to blame
    assert "from inside" not in own.findings[0].message


def test_a_cell_asking_for_input_is_told_to_take_a_parameter(rehearse):
    outcome = rehearse(code("name = input('Your name? ')\nprint(name)"), code("print('never')"))
    (finding,) = outcome.findings
    assert (finding.check, finding.cell_index, finding.line) == ("rehearsal-error", 0, 1)
    assert "waits for someone to type an answer" in finding.message and "StdinNotImplementedError" in finding.message
    assert ".." not in finding.message
    assert "tagged `parameters`" in finding.suggestion and "os.environ" in finding.suggestion


def test_a_file_missing_from_the_real_folder_too_is_told_as_a_missing_input(rehearse, project):
    (project / "data").mkdir()
    outcome = rehearse(code("import pandas as pd\nweather = pd.read_csv('./data/weather_2012.csv')"))
    (finding,) = outcome.findings
    assert finding.check == "rehearsal-error" and "FileNotFoundError" in finding.message
    assert "The notebook's own folder lacks this file too" in finding.message
    assert "needs a file it does not have" in finding.suggestion and "--folder" not in finding.suggestion


def test_a_missing_file_a_shell_command_above_should_have_made_is_put_down_to_it(rehearse):
    # A download that fails (cp from nowhere: no network needed), then the file is read.
    outcome = rehearse(
        code("!test -e words.txt || cp /nonexistent/words.txt ."),
        code("print('counting')"),
        code("words = open('words.txt').read().split()"),
    )
    (finding,) = outcome.findings
    assert finding.check == "rehearsal-error" and finding.cell_index == 2
    assert (
        "A command above names it (cell 1 ran `test -e words.txt || cp /nonexistent/words.txt .`) and left no such "
        "file: if it was to make it (a download), it failed — what it printed shows why" in finding.message
    )


def test_a_url_a_shell_command_names_is_an_external_input(rehearse):
    # `.invalid` never resolves (RFC 2606), and `true` fetches nothing: no network is needed.
    outcome = rehearse(code("!true https://data.invalid/words.txt || wget 'http://mirror.invalid/w.txt'"), runs=1)
    (finding,) = outcome.findings
    assert (finding.check, finding.severity, finding.cell_index) == ("external-input", "info", 0)
    assert finding.message.startswith(
        "A command it runs names `https://data.invalid/words.txt`, `http://mirror.invalid/w.txt`: a network input"
    )


def test_a_file_the_scratch_copy_lacks_points_to_the_folder_option(rehearse, tmp_path):
    (tmp_path / "shared.csv").write_text("a\n1\n")
    outcome = rehearse(code("open('../shared.csv').read()"))
    (finding,) = outcome.findings
    assert finding.check == "rehearsal-error" and "lacks this file too" not in finding.message
    assert "--folder" in finding.suggestion


@pytest.mark.parametrize(
    ("written", "target", "folder"),
    [
        ("with open('out/result.txt', 'w') as f:\n    f.write('\\n'.join(rows))", "out/result.txt", "out"),
        ("open('logs/run.log', 'a').write(rows[0])", "logs/run.log", "logs"),
        ("%%writefile tests/test_x.py\ndef test_x():\n    assert True", "tests/test_x.py", "tests"),
        (
            "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.savefig('figures/a/plot.png')",
            "figures/a/plot.png",
            "figures/a",
        ),
        ("import pandas as pd\npd.DataFrame({'row': rows}).to_csv('out/rows.csv')", None, "out"),  # pandas: no open
    ],
)
def test_a_write_into_a_folder_that_does_not_exist_is_told_as_such_and_wrote_nothing(rehearse, written, target, folder):
    outcome = rehearse(code("rows = ['a', 'b']"), code(written))
    (finding,) = outcome.findings
    assert (finding.check, finding.cell_index) == ("rehearsal-error", 1)
    told = (
        f"It opens `{target}` for writing, and the folder `{folder}` does not exist"
        if target
        else f"It writes into the folder `{folder}`, which does not exist"
    )
    assert told in finding.message and "(this is not a missing input)" in finding.message
    assert "lacks this file too" not in finding.message and "needs a file" not in finding.suggestion
    assert f"os.makedirs({folder!r}, exist_ok=True)" in finding.suggestion
    assert outcome.record.cells[1].writes == [] and outcome.record.files == []


def test_a_write_that_failed_for_want_of_its_folder_and_was_caught_is_no_write(rehearse):
    outcome = rehearse(
        code("try:\n    open('cache/x.txt', 'w')\nexcept FileNotFoundError:\n    pass"),
        code("import os\nos.makedirs('out', exist_ok=True)\nopen('out/x.txt', 'w').write('x')"),
    )
    assert outcome.status == "passed" and outcome.findings == []
    assert [c.writes for c in outcome.record.cells] == [[], ["out", "out/x.txt"]]


def test_a_failed_download_is_told_as_a_network_input_to_keep_a_copy_of(rehearse):
    # `.invalid` never resolves (RFC 2606): the same failure online and offline.
    outcome = rehearse(
        code("import urllib.request\ndata = urllib.request.urlopen('http://weather.invalid/2012.csv', timeout=5)")
    )
    (error,) = [f for f in outcome.findings if f.check == "rehearsal-error"]
    assert "URLError" in error.message
    assert "fetches from `weather.invalid:80`" in error.suggestion and "dated copy" in error.suggestion


def test_a_cell_that_fails_only_on_the_second_run_cannot_be_run_twice(rehearse):
    outcome = rehearse(code("import os\nos.mkdir('out')"), code("print('done')"))
    (finding,) = [f for f in outcome.findings if f.check == "rehearsal-error"]
    assert finding.cell_index == 0 and "FileExistsError" in finding.message and "cannot be run twice" in finding.message


@pytest.mark.parametrize(
    ("second", "told"),
    [
        ("import time\ntime.sleep(60)", "this cell did not finish within 2 s"),
        ("os._exit(1)", "the kernel died while running this cell"),
    ],
)
def test_a_cell_that_hangs_or_dies_only_on_the_second_run_cannot_be_run_twice(rehearse, second, told):
    body = "\n".join("    " + line for line in second.splitlines())
    outcome = rehearse(
        code(f"import os\nif os.path.exists('marker'):\n{body}\nelse:\n    open('marker', 'w').close()"),
        cell_timeout=2,
    )
    (finding,) = [f for f in outcome.findings if f.check == "rehearsal-error"]
    assert finding.message.startswith("The first fresh run passed, but in the second — on the files the first one left")
    assert told in finding.message and "cannot be run twice" in finding.suggestion


@pytest.mark.parametrize(
    ("death", "told"),
    [
        ("import os\nos._exit(3)", "exited with status 3"),
        ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "killed (SIGKILL) — when memory runs out"),
        ("import ctypes\nctypes.string_at(0)", "crashed (SIGSEGV) in compiled code"),
    ],
)
def test_a_dying_kernel_is_reported_on_its_cell_with_how_it_died(rehearse, death, told):
    outcome = rehearse(code("print('hi')"), code(death), code("print('never')"))
    (finding,) = outcome.findings
    assert finding.check == "rehearsal-error" and finding.cell_index == 1 and "kernel died" in finding.message
    assert told in finding.message
    # What the kernel printed while starting (ipykernel's warnings) is not why it died.
    assert "IPKernelApp" not in finding.message and "last words" not in finding.message


def test_a_dying_kernels_last_words_are_what_it_printed_while_running(rehearse):
    outcome = rehearse(code("import os\nos.write(2, b'fatal: out of widgets\\n')\nos.abort()"))
    (finding,) = outcome.findings
    assert "crashed (SIGABRT)" in finding.message and "Its last words: `fatal: out of widgets`." in finding.message


# ----------------------------------------------------------------------- non-idempotent-write
def test_an_appending_writer_is_caught_and_an_overwriting_writer_is_not(rehearse, project):
    (project / "seed.csv").write_text("a,b\n")
    outcome = rehearse(
        code("with open('report.csv', 'w') as f:\n    f.write('total,3\\n')"),
        code("with open('history.csv', 'a') as f:\n    f.write('run,1\\n')"),
        code("import shutil\nshutil.copy('seed.csv', 'copy.csv')"),
    )
    assert checks(outcome) == [("non-idempotent-write", 1)]
    (finding,) = outcome.findings
    assert (
        "`history.csv`" in finding.message
        and "grew from 6 to 12 bytes" in finding.message
        and "appended" in finding.message
    )
    assert "append-write" in finding.message  # the static finding, confirmed
    assert {f.path for f in outcome.record.files} == {"report.csv", "history.csv", "copy.csv"}
    assert (project / "seed.csv").read_text() == "a,b\n" and not (project / "history.csv").exists()


def test_rows_appended_to_a_sqlite_table_are_told_as_an_append(rehearse):
    outcome = rehearse(
        code("import sqlite3\nimport pandas as pd\ndf = pd.DataFrame({'day': ['01-01', '01-02'], 'n': [3, 4]})"),
        code("with sqlite3.connect('warehouse.db') as con:\n    df.to_sql('daily', con, if_exists='append')"),
    )
    (finding,) = outcome.findings
    assert (finding.check, finding.cell_index) == ("non-idempotent-write", 1)
    assert "table `daily` grew from 2 to 4 rows" in finding.message and "`append-write`" in finding.message
    assert "if_exists='replace'" in finding.suggestion and "seed" not in finding.suggestion


def test_figures_and_archives_saved_again_are_the_same_files_and_new_data_is_not(rehearse):
    outcome = rehearse(
        code("import random\nimport matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt"),
        code("fig, ax = plt.subplots()\nax.plot([1, 3, 2])\nfig.savefig('fixed.pdf')\nfig.savefig('fixed.svg')"),
        code(
            "import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})\ndf.to_csv('fixed.csv.gz')\ndf.to_csv('fixed.zip')"
        ),
        code("fig, ax = plt.subplots()\nax.plot([random.random() for _ in range(3)])\nfig.savefig('drawn.pdf')"),
        # the two runs' saves at least 2 s apart: a zip's times are in 2-s steps, and saves in the
        # same step are the same bytes (then rightly kept as a baseline)
        code("import time\ntime.sleep(2.1)"),
    )
    assert [(f.check, f.cell_index) for f in outcome.findings if f.check == "non-idempotent-write"] == [
        ("non-idempotent-write", 3)
    ]
    assert "`drawn.pdf`" in outcome.findings[-1].message
    hashes = {f.path: f.sha256 for f in outcome.record.files}
    assert [path for path, sha in sorted(hashes.items()) if not sha] == [
        "fixed.csv.gz",
        "fixed.pdf",
        "fixed.svg",
        "fixed.zip",
    ], "bytes no later run reproduces are no baseline"
    assert len(hashes["drawn.pdf"]) == 64


def test_office_documents_saved_again_with_the_same_content_are_the_same_files(rehearse):
    # openpyxl is not installed here: each file is written as openpyxl (and odfpy) write them, the
    # properties part dated with the time of the save.
    save = (
        "import datetime, random, time, zipfile\n"
        "def save(path, properties, dates, part, content):\n"
        "    now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')\n"
        "    stamped = ''.join(f'<{d} xsi:type=\"dcterms:W3CDTF\">{now}</{d}>' for d in dates)\n"
        "    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:\n"
        "        z.writestr(properties, f'<props><dc:creator>ann</dc:creator>{stamped}</props>')\n"
        "        z.writestr(part, content)\n"
    )
    outcome = rehearse(
        code(save),
        code(
            "save('table.xlsx', 'docProps/core.xml', ['dcterms:created', 'dcterms:modified'], "
            "'xl/worksheets/sheet1.xml', '<sheetData>1,2</sheetData>')"
        ),
        code("save('report.ods', 'meta.xml', ['meta:creation-date', 'dc:date'], 'content.xml', '<table>1,2</table>')"),
        code(
            "save('drawn.xlsx', 'docProps/core.xml', ['dcterms:modified'], 'xl/worksheets/sheet1.xml', "
            "f'<sheetData>{random.random()}</sheetData>')"
        ),
        code("time.sleep(1.1)"),  # the two runs' saves are dated other seconds
    )
    assert [(f.check, f.cell_index) for f in outcome.findings] == [("non-idempotent-write", 3)], outcome.findings
    assert "`drawn.xlsx`" in outcome.findings[0].message


def test_a_figure_saved_again_is_no_golden_file_of_the_export(rehearse):
    from jupyterlab_readiness.actions.export.expectations import expectations

    outcome = rehearse(
        code("import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt"),
        code("fig, ax = plt.subplots()\nax.plot([1, 3, 2])\nfig.savefig('fig.pdf')"),
        code("with open('total.txt', 'w') as f:\n    f.write('6')"),
        code("import time\ntime.sleep(1.1)"),  # the two saves' dates (in seconds) differ
    )
    assert outcome.status == "passed" and outcome.findings == []
    expected = expectations(outcome.record, ["fig.pdf", "total.txt"], [])
    assert expected is not None and set(expected.golden) == {"total.txt"}


def test_a_file_named_by_the_clock_is_created_anew_by_the_second_run(rehearse):
    outcome = rehearse(code("import time\nopen(f'out-{time.time_ns()}.txt', 'w').write('x')"))
    (finding,) = outcome.findings
    assert finding.check == "non-idempotent-write" and finding.cell_index == 0 and "created" in finding.message


# -------------------------------------------------------------------- nondeterministic-output
def test_an_unseeded_draw_is_nondeterministic_and_a_seeded_one_is_not(rehearse):
    outcome = rehearse(
        code("import random\nrng = random.Random(7)\nprint(rng.random())"),
        code("print(random.random())"),
    )
    assert checks(outcome) == [("nondeterministic-output", 1)]
    (finding,) = outcome.findings
    assert "run 1 `0." in finding.message and "unseeded-random" in finding.message
    (diff,) = outcome.diffs
    assert (
        diff.cell_index == 1
        and diff.check == "nondeterministic-output"
        and diff.diff.startswith("--- run 1\n+++ run 2")
    )


def test_a_cell_showing_values_drawn_above_is_put_down_to_the_drawing_cell(rehearse):
    outcome = rehearse(
        code("import random\nvalues = [random.random() for _ in range(3)]"),
        code("total = sum(values)"),
        code("print(round(total, 6))"),
    )
    (finding,) = outcome.findings
    assert (finding.check, finding.cell_index) == ("nondeterministic-output", 2)
    assert "its values come from cell 1, which draws random numbers without a seed (`unseeded-random`)" in (
        finding.message
    )


def test_a_set_of_strings_printed_in_another_order_is_put_down_to_string_hashing(rehearse):
    # 26 names: the chance that two processes' hash seeds give the same order is negligible.
    outcome = rehearse(code("names = {chr(97 + i) * 3 for i in range(26)}\nprint(names)"))
    (finding,) = outcome.findings
    assert finding.check == "nondeterministic-output"
    assert "same values come out in another order" in finding.message and "PYTHONHASHSEED" in finding.message


def test_a_pick_from_a_set_of_strings_with_no_other_cause_is_put_down_to_string_hashing(rehearse, monkeypatch):
    # Its first 3 of 26 names: the same in two processes with a chance of 1 in 15,600 (each
    # process its own hash seed, whatever this one's environment fixes).
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    outcome = rehearse(code("names = {chr(97 + i) * 3 for i in range(26)}\nprint(list(names)[:3])"))
    (finding,) = outcome.findings
    assert finding.check == "nondeterministic-output" and "another order" not in finding.message
    assert "No random draw, clock read or file the first run changed reaches it" in finding.message
    assert "PYTHONHASHSEED" in finding.message and "picking from them" in finding.suggestion


# --------------------------------------------------------------------------- output-mismatch
def test_saved_outputs_are_compared_after_sanitising(rehearse, project):
    stream = lambda text: [{"output_type": "stream", "name": "stdout", "text": text}]  # noqa: E731
    outcome = rehearse(
        code(
            "class Thing: pass\nprint(Thing())", count=1, outputs=stream("<__main__.Thing object at 0x7f3a2b1c9d80>\n")
        ),
        code(
            "import time\nt = time.perf_counter()\nprint(f'took {time.perf_counter() - t:.4f} s')",
            count=2,
            outputs=stream("took 12.5000 s\n"),
        ),
        code("import os\nprint(os.getcwd())", count=3, outputs=stream(f"{project}\n")),
        code("import tempfile\nprint(tempfile.mkdtemp())", count=4, outputs=stream("/tmp/tmpab12cd34\n")),
        code("print(6 * 7)", count=5, outputs=stream("41\n")),
        code("print('unsaved')"),  # no saved output, never run: nothing to compare
    )
    assert checks(outcome) == [("output-mismatch", 4)]
    (finding,) = outcome.findings
    assert "saved `41`, fresh run `42`" in finding.message
    (diff,) = outcome.diffs
    assert diff.diff.splitlines()[-2:] == ["-41", "+42"]


def test_timings_profiles_progress_and_plot_handles_are_no_difference(rehearse, project):
    stream = lambda text: [{"output_type": "stream", "name": "stdout", "text": text}]  # noqa: E731
    profile = code(
        "import cProfile, time\ndef a():\n    time.sleep(0.002)\ndef b():\n    time.sleep(0.001)\n"
        "cProfile.run('a(); b()', sort='tottime')"
    )
    # The profile's saved output: a plain run's, as another day's would be (other times, rows in another order).
    plain = nbformat.from_dict(notebook(profile))
    NotebookClient(plain, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(project)}}).execute()
    table = stdout_of(plain.cells[0].outputs).split("\n")
    rows = [i for i, line in enumerate(table) if re.match(r"\s*\d+\s+\d+\.\d{3}\s", line)]
    assert len(rows) > 3
    table[rows[0] : rows[-1] + 1] = [
        re.sub(r"\d+\.\d{3}", "9.999", line) for line in table[rows[-1] : rows[0] - 1 : -1]
    ]
    profile["execution_count"], profile["outputs"] = 3, stream("\n".join(table))
    outcome = rehearse(
        code("%timeit -r 3 sum(range(100))", count=1, outputs=stream("100000 loops, best of 3: 1.52 µs per loop\n")),
        code(
            "%%time\ntotal = sum(range(10**5))",
            count=2,
            outputs=stream("CPU times: user 4 ms, sys: 0 ns, total: 4 ms\nWall time: 4.1 ms\n"),
        ),
        profile,
        code(
            "start = time.perf_counter()\nfor i in range(1, 4):\n    time.sleep(0.02)\n"
            "    took = time.perf_counter() - start\n"
            "    print(f'\\r{i}/3 [00:00<00:00, {i / took / 1000:.2f}kB/s]', end='')\nprint()",
            count=4,
            outputs=stream("3/3 [00:00<00:00, 0.05kB/s]\n"),
        ),
        code(
            "start = time.perf_counter()\ntime.sleep(0.01)\ntook = time.perf_counter() - start\n"
            "print(f'solved {took:.3f} sec/puzzle ({1 / took:.1f} Hz)')",
            count=5,
            outputs=stream("solved 11.219 sec/puzzle (0.1 Hz)\n"),
        ),
        code(
            "import matplotlib\nmatplotlib.use('agg')\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.gca()",
            count=6,
            outputs=[
                {
                    "output_type": "execute_result",
                    "execution_count": 6,
                    "metadata": {},
                    "data": {"text/plain": "<matplotlib.axes._subplots.AxesSubplot at 0x7f3a2b1c9d80>"},
                }
            ],
        ),
        code("%time print(6 * 7)", count=7, outputs=stream("41\nCPU times: user 5 µs, sys: 1 µs, total: 6 µs\n")),
    )
    assert checks(outcome) == [("output-mismatch", 6)], outcome.findings
    assert "saved `41`, fresh run `42`" in outcome.findings[0].message


def test_a_labelled_duration_is_no_difference_and_an_unlabelled_one_is_put_down_to_its_timer(rehearse):
    stream = lambda text: [{"output_type": "stream", "name": "stdout", "text": text}]  # noqa: E731
    outcome = rehearse(
        code(
            "import timeit\nprint('Tuple time: ', timeit.timeit('x = (1, 2)', number=1000))",
            count=1,
            outputs=stream("Tuple time:  0.09162306785583496\n"),
        ),
        code("from time import perf_counter\nstart = perf_counter()\nsum(range(1000))\nprint(perf_counter() - start)"),
    )
    (finding,) = outcome.findings
    assert (finding.check, finding.cell_index) == ("nondeterministic-output", 1)
    assert "Likely because it measures a duration (`perf_counter`), which differs on every run." in finding.message


def test_a_value_saved_before_numpy_2_is_the_same_value(rehearse):
    def result(count: int, text: str) -> list:
        return [
            {"output_type": "execute_result", "execution_count": count, "metadata": {}, "data": {"text/plain": text}}
        ]

    outcome = rehearse(
        code("import numpy as np\nnp.float64(662.64)", count=1, outputs=result(1, "662.64")),
        code(
            "[np.int64(3), np.True_, np.complex128(1 + 2j), np.str_('a')]",
            count=2,
            outputs=result(2, "[3, True, (1+2j), 'a']"),
        ),
        code("np.datetime64('2024-01-31')", count=3, outputs=result(3, "numpy.datetime64('2024-01-31')")),
        code("np.float64(6543.51)", count=4, outputs=result(4, "6543.52")),
    )
    assert checks(outcome) == [("output-mismatch", 3)], [f.message for f in outcome.findings]
    assert "saved `6543.52`, fresh run `6543.51`" in outcome.findings[0].message


def test_a_figure_saved_at_another_resolution_is_the_same_figure(rehearse):
    import base64
    import struct
    import zlib

    def png(width: int, height: int) -> list:
        head = (
            b"\x89PNG\r\n\x1a\n"
            + struct.pack(">I", 13)
            + b"IHDR"
            + struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
        )
        head += struct.pack(">I", zlib.crc32(head[12:]) & 0xFFFFFFFF)
        data = {"image/png": base64.b64encode(head).decode(), "text/plain": "<IPython.core.display.Image object>"}
        return [{"output_type": "display_data", "metadata": {}, "data": data}]

    # The fresh run shows 640×480 (100 dpi); the saved outputs were drawn at 72 dpi, or are another figure.
    draw = (
        "import io\nimport matplotlib\nmatplotlib.use('agg')\nimport matplotlib.pyplot as plt\n"
        "from IPython.display import Image, display\nfig = plt.figure(figsize=(6.4, 4.8))\nplt.plot([1, 3, 2])\n"
        "buffer = io.BytesIO()\nfig.savefig(buffer, format='png', dpi=100)\ndisplay(Image(buffer.getvalue()))"
    )
    outcome = rehearse(code(draw, count=1, outputs=png(461, 346)), code(draw, count=2, outputs=png(461, 173)))
    assert checks(outcome) == [("output-mismatch", 1)], [f.message for f in outcome.findings]
    assert "saved `[image/png 461×173]`, fresh run `[image/png 640×480]`" in outcome.findings[0].message


def test_a_saved_output_of_another_day_is_put_down_to_the_clock(rehearse):
    saved = [{"output_type": "stream", "name": "stdout", "text": "report for 2020-01-31\n"}]
    outcome = rehearse(code("import datetime\nprint('report for', datetime.date.today())", count=1, outputs=saved))
    (finding,) = outcome.findings
    assert finding.check == "output-mismatch" and "it reads the clock (`wall-clock`)" in finding.message
    assert "pass dates in as parameters" in finding.suggestion


def test_a_saved_output_of_a_date_read_above_is_put_down_to_the_cell_that_reads_the_clock(rehearse):
    saved = [{"output_type": "stream", "name": "stdout", "text": "report for 2020-01-31\n"}]
    outcome = rehearse(
        code("import datetime\nday = datetime.date.today()", count=1),
        code("print('report for', day)", count=2, outputs=saved),
    )
    (finding,) = outcome.findings
    assert finding.check == "output-mismatch" and finding.cell_index == 1
    assert "its values come from cell 1, which reads the clock (`wall-clock`)" in finding.message


# ---------------------------------------------------------------------- write-outside-folder
def test_a_write_outside_the_folder_is_refused_reported_and_the_file_untouched(rehearse, tmp_path):
    outside = tmp_path / "elsewhere" / "results.csv"
    outside.parent.mkdir()
    outside.write_text("precious\n")
    outcome = rehearse(
        code(f"with open({str(outside)!r}, 'w') as f:\n    f.write('overwritten')"), code("print('after')")
    )
    assert outside.read_text() == "precious\n"
    assert checks(outcome) == [("write-outside-folder", 0)]  # the PermissionError is not a second finding
    (finding,) = outcome.findings
    assert finding.severity == "error" and str(outside) in finding.message and "run stopped there" in finding.message
    assert outcome.status == "failed"


def test_temp_files_and_caches_may_be_written(rehearse):
    outcome = rehearse(
        code(
            "import tempfile, os, pathlib\nwith tempfile.NamedTemporaryFile('w') as "
            "f:\n    f.write('x')\nopen('/dev/null', 'w').write('x')\nprint('ok')"
        )
    )
    assert outcome.status == "passed", outcome.findings


# ----------------------------------------------------------------------------- external-input
def test_files_read_from_outside_and_hosts_contacted_are_external_inputs(rehearse, tmp_path):
    data = tmp_path / "private-data.csv"
    data.write_text("1,2\n")
    outcome = rehearse(
        code(f"print(open({str(data)!r}).read())"),
        code("import socket\ntry:\n    socket.getaddrinfo('data.example.invalid', 443)\nexcept OSError:\n    pass"),
        code("import subprocess\nsubprocess.run(['true'])"),
    )
    files, hosts = [f for f in outcome.findings if f.check == "external-input"]
    assert files.cell_index == 0 and files.severity == "warning" and str(data) in files.message
    assert hosts.cell_index == 1 and hosts.severity == "info" and "data.example.invalid:443" in hosts.message
    assert any("cell 3 started a process (`true`)" in note for note in outcome.notes)
    assert outcome.record.cells[0].external == [str(data)]


def test_a_shell_escape_and_pip_magic_are_noted_as_unwatched_shell_commands(rehearse):
    # IPython runs `!cmd` and `%pip` through pexpect, whose child closes every inherited
    # descriptor (the hook's log too) before its exec. The shell is IPython's choice ($SHELL, else
    # the first `sh` on PATH): the note names the command the user wrote, not the shell.
    outcome = rehearse(
        code("!echo made > made.txt"),
        code("%pip --version"),
        code("import subprocess\nsubprocess.run('echo run', shell=True)\nsubprocess.run(['bash', '-c', 'true'])"),
        code("%%bash\necho script > script.txt"),
    )
    notes = [n for n in outcome.notes if "is not watched by the rehearsal" in n]
    assert "cell 1 ran a shell command (`echo made > made.txt`)" in notes[0]
    assert re.match(r"cell 2 ran a shell command \(`\S*python\S* -m pip --version`\)", notes[1]), notes
    assert notes[2:] == [
        "cell 3 ran a shell command (`echo run`): what it reads and writes is not watched by the rehearsal",
        "cell 3 ran a shell command (`true`): what it reads and writes is not watched by the rehearsal",
        "cell 4 ran a shell script (`bash` reading its commands from its input, as `%%bash` does): what it "
        "reads and writes is not watched by the rehearsal",
    ]
    assert not any(" -c " in n for n in notes)


def test_an_install_command_is_noted_as_changing_the_machine_for_real(rehearse):
    # --no-index and a name no index has: pip fails at once, offline, and installs nothing.
    outcome = rehearse(
        code("!pip install --no-index --quiet readiness-no-such-package"),
        code("%pip install --no-index --quiet readiness-no-such-package"),
        code("!pip --version"),
        runs=1,
    )
    unwatched = "what it reads and writes is not watched by the rehearsal"
    notes = [n for n in outcome.notes if unwatched in n]
    real = "it installs or removes packages on this machine for real (the rehearsal undoes nothing of it)"
    assert notes[0].startswith("cell 1 ran a shell command (`pip install --no-index") and real in notes[0]
    assert notes[1].startswith("cell 2 ran a shell command (") and real in notes[1]
    assert notes[2] == f"cell 3 ran a shell command (`pip --version`): {unwatched}"


def test_a_syntax_error_is_told_by_cell_and_line_without_ipythons_file_name(rehearse):
    outcome = rehearse(code("print(1)"), code("x = 1\ndef f(:\n    pass"), runs=1)
    (finding,) = outcome.findings
    assert (finding.check, finding.cell_index, finding.line) == ("rehearsal-error", 1, 2)
    assert "raises SyntaxError: invalid syntax." in finding.message and ".py, line" not in finding.message


# ------------------------------------------------------------------------------- parameters
def test_parameters_override_the_parameters_cell(rehearse, project):
    outcome = rehearse(
        md("# Report"),
        tagged("day = '2024-01-01'\nlimit = 10", "parameters"),
        code(
            "print(day, limit * 2)",
            count=2,
            outputs=[{"output_type": "stream", "name": "stdout", "text": "2024-01-01 20\n"}],
        ),
        parameters={"day": "2024-02-29", "limit": 3},
    )
    assert outcome.status == "passed" and outcome.findings == []  # saved outputs are not compared with other parameters
    assert stdout_of(outcome.runs[0].by_index()[2].outputs) == "2024-02-29 6\n"
    injected = [c for c in outcome.runs[0].cells if c.injected]
    assert len(injected) == 1 and injected[0].cell_index == 1 and injected[0].status == "ok"
    assert outcome.record.parameters == {"day": "2024-02-29", "limit": 3}


def test_a_parameter_the_notebook_sets_again_before_reading_it_is_called_out(rehearse):
    # no cell is tagged: the value goes in at the top and the notebook's own `n = 3` replaces it
    outcome = rehearse(
        md("# Report"), code("n = 3\nlabel = 'x'"), code("print(n * 2, label)"), parameters={"n": 5}, runs=1
    )
    assert stdout_of(outcome.runs[0].by_index()[2].outputs) == "6 x\n"
    assert any(
        "`n` is set again in cell 2 before any cell reads it: the value given for it is never used" in note
        for note in outcome.notes
    ), outcome.notes


# ----------------------------------------------------------------- time limits and cancelling
def test_processes_that_left_the_kernels_process_group_die_with_it(rehearse, base):
    # A server started in its own session, and a forked child that called setsid: both outside the
    # kernel's process group. Each names the private folder (the fixture looks for such processes).
    outcome = rehearse(
        code(
            "import subprocess, sys, os\n"
            f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', {str(base)!r}], "
            "start_new_session=True)"
        ),
        code("if os.fork() == 0:\n    os.setsid()\n    import time\n    time.sleep(600)\n    os._exit(0)"),
    )
    assert outcome.status == "passed"


def test_daemons_the_notebook_started_die_with_its_kernel(rehearse, base):
    # Each double-forks: its parent exits, init adopts it, and it is in no process group or session
    # of the kernel's (`!` runs its shell on a pty, in a session of its own). Each names the private
    # folder (the fixture looks for such processes).
    sleeper = f"{sys.executable} -c 'import time; time.sleep(600)' {base}"
    outcome = rehearse(
        code(f"!nohup {sleeper} > /dev/null 2>&1 & echo started"),
        code(f"import subprocess\nsubprocess.Popen(['sh', '-c', \"setsid {sleeper} &\"]).wait()"),
        code(
            "import os, sys, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
            f"        os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(600)', {str(base)!r}])\n"
            "    os._exit(0)"
        ),
        code("time.sleep(1)"),  # the last daemon has called exec: its command line names the folder
        runs=1,
    )
    assert outcome.status == "passed"


def test_a_cell_over_its_time_limit_is_stopped_and_everything_cleaned_up(rehearse):
    outcome = rehearse(
        code("print('start')"), code("import time\ntime.sleep(60)"), code("print('never')"), cell_timeout=2
    )
    (finding,) = outcome.findings
    assert (
        finding.check == "rehearsal-error"
        and finding.cell_index == 1
        and "did not finish within 2 s" in finding.message
    )
    assert outcome.seconds < 30


def test_the_total_time_limit_stops_the_rehearsal(rehearse):
    outcome = rehearse(code("import time\ntime.sleep(60)"), timeout=12)
    if outcome.status == "error":  # a very slow machine: the kernel was not even ready in time
        assert "time limit" in outcome.error
    else:
        (finding,) = outcome.findings
        assert "time limit (12 s) ran out" in finding.message
    assert outcome.seconds < 40


def test_cancel_from_another_thread_stops_and_cleans_up(project, base):
    nb = notebook(code("print(1)"), code("import time\ntime.sleep(60)"))
    path = project / "slow.ipynb"
    seen = []

    def progress(event):
        seen.append(event.event)
        if event.event == "cell-started" and event.cell_index == 1:
            threading.Timer(0.5, rehearsal.cancel).start()

    rehearsal = Rehearsal(nb, path, Options(scratch_base=base), progress)
    started = time.monotonic()
    outcome = asyncio.run(rehearsal.run())
    assert outcome.status == "cancelled" and outcome.record is None
    assert time.monotonic() - started < 30
    assert seen[-1] == "finished" and rehearsal.progress.status == "cancelled"
    assert [(e.run, e.cell_index, e.status) for e in rehearsal.finished_cells] == [(1, 0, "ok"), (1, 1, "cancelled")]
    assert leftovers(base) == ([], [])
    assert not record_path(path).exists()


def test_cancel_before_the_start_and_after_the_end_is_harmless(project, base):
    nb = notebook(code("print(1)"))
    early = Rehearsal(nb, project / "a.ipynb", Options(scratch_base=base))
    early.cancel()
    cancelled = asyncio.run(early.run())
    # Its cleanup once waited a whole minute for a worker thread that was never started.
    assert cancelled.status == "cancelled" and cancelled.seconds < 30
    late = Rehearsal(nb, project / "a.ipynb", Options(scratch_base=base, runs=1))
    assert asyncio.run(late.run()).status == "passed"
    late.cancel()
    assert leftovers(base) == ([], [])


def test_a_task_cancelled_from_outside_still_cleans_up(project, base):
    nb = notebook(code("import time\ntime.sleep(60)"))

    async def main():
        events = asyncio.Queue()
        rehearsal = Rehearsal(nb, project / "a.ipynb", Options(scratch_base=base), lambda e: events.put_nowait(e))
        task = asyncio.create_task(rehearsal.run())
        while (await events.get()).event != "cell-started":
            pass
        assert processes_mentioning(str(base)), "the kernel is running"
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert leftovers(base) == ([], [])


# ------------------------------------------------------------------------------------- CLI
def cli(*args: str, cwd: Path, base: Path, stderr=subprocess.PIPE) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO / "python"), "NO_COLOR": "1", "TMPDIR": str(base)}
    return subprocess.run(
        [sys.executable, "-m", "jupyterlab_readiness", "rehearse", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        timeout=300,
    )


def test_cli_reports_records_and_sets_exit_codes(project, base):
    good = notebook(
        tagged("n = 2", "parameters"),
        code("print(n + 1)", count=2, outputs=[{"output_type": "stream", "name": "stdout", "text": "3\n"}]),
    )
    (project / "good.ipynb").write_text(json.dumps(good))
    result = cli("good.ipynb", cwd=project, base=base)
    assert result.returncode == 0, result.stderr
    assert (
        "rehearsal passed: 2 fresh runs of kernel python3" in result.stdout
        and "baseline recorded in .readiness/good.ipynb.rehearsal.json" in result.stdout
    )
    record = read_record(project / "good.ipynb", Root(None))
    assert record is not None and record.passed
    as_json = cli(
        "good.ipynb", "-p", "n", "41", "--runs", "1", "--format", "json", "--no-record", cwd=project, base=base
    )
    reply = REHEARSE_REPLY.validate_json(as_json.stdout)
    assert (
        as_json.returncode == 0
        and reply.status == "passed"
        and reply.record.parameters == {"n": 41}
        and reply.record_file is None
    )
    assert read_record(project / "good.ipynb", Root(None)).parameters == {}  # --no-record left the first record

    bad = notebook(code("print(missing)"))
    (project / "bad.ipynb").write_text(json.dumps(bad))
    failed = cli("bad.ipynb", cwd=project, base=base)
    assert failed.returncode == 1 and "rehearsal-error" in failed.stdout
    assert cli("bad.ipynb", "--fail-on", "never", "--no-record", cwd=project, base=base).returncode == 0
    # `check` shows the remembered finding while the code is the same, and not once it changes
    report = check_file(project / "bad.ipynb", rehearsal=read_record(project / "bad.ipynb", Root(None)))
    assert ("rehearsal-error", 0) in [(f.check, f.cell_index) for f in report.findings]
    bad["cells"][0]["source"] = "missing = 1\nprint(missing)"
    (project / "bad.ipynb").write_text(json.dumps(bad))
    report = check_file(project / "bad.ipynb", rehearsal=read_record(project / "bad.ipynb", Root(None)))
    assert not [f for f in report.findings if f.check == "rehearsal-error"]
    assert leftovers(base) == ([], [])


def test_a_name_error_confirms_in_check_and_export_only_the_name_it_names(project, base):
    nb = notebook(code("import math"), code("figsize(12.5, 4)\nplt.scatter(challenger_data[:, 0], math.pi)"))
    (project / "shuttle.ipynb").write_text(json.dumps(nb))
    assert cli("shuttle.ipynb", cwd=project, base=base).returncode == 1
    report = check_file(project / "shuttle.ipynb", rehearsal=read_record(project / "shuttle.ipynb", Root(None)))
    said = {f.message.split("`")[1]: f.message for f in report.findings if f.check == "hidden-state"}
    raised = "in a fresh kernel the cell raised NameError: `figsize` is not defined."
    assert set(said) == {"figsize", "plt", "challenger_data"}
    assert said["figsize"].endswith(f"confirmed it: {raised}")
    stopped = f"stopped in this cell before it could tell (not confirmed, not refuted): {raised}"
    assert said["plt"].endswith(stopped) and said["challenger_data"].endswith(stopped)
    export = subprocess.run(
        [sys.executable, "-m", "jupyterlab_readiness", "export", "shuttle.ipynb", "--dry-run"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(REPO / "python"), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    refusal = export.stdout + export.stderr
    assert export.returncode == 1 and "`plt` is read here" in refusal
    assert refusal.count("confirmed it:") == 1 and refusal.count("(not confirmed, not refuted)") == 2
    assert leftovers(base) == ([], [])


def test_cli_exit_2_when_it_cannot_run(project, base):
    (project / "broken.ipynb").write_text("{not json")
    other = notebook(code("print(1)"))
    other["metadata"]["kernelspec"]["name"] = "no-such-kernel"
    (project / "other.ipynb").write_text(json.dumps(other))
    (project / "fine.ipynb").write_text(json.dumps(notebook(code("print(1)"))))
    (project / "big.bin").write_bytes(b"x" * 5000)
    unreadable = cli("broken.ipynb", cwd=project, base=base)
    assert unreadable.returncode == 2 and "invalid JSON at line 1, column 2" in unreadable.stderr
    (project / "empty.ipynb").write_text("")
    empty = cli("empty.ipynb", cwd=project, base=base)
    assert empty.returncode == 2 and "not a notebook: the file is empty" in empty.stderr
    # A notebook saved with a byte-order mark (some Windows editors) is read, as `check` reads it.
    (project / "bom.ipynb").write_bytes(b"\xef\xbb\xbf" + json.dumps(notebook(code("print(1)"))).encode())
    assert cli("bom.ipynb", "--runs", "1", "--no-record", cwd=project, base=base).returncode == 0
    assert cli("missing.ipynb", cwd=project, base=base).returncode == 2
    no_kernel = cli("other.ipynb", cwd=project, base=base)
    assert (
        no_kernel.returncode == 2
        and "no such kernel: 'no-such-kernel'" in no_kernel.stderr
        and "python3" in no_kernel.stderr
        and "--kernel NAME" in no_kernel.stderr
    )
    assert (
        cli("other.ipynb", "--kernel", "python3", "--runs", "1", "--no-record", cwd=project, base=base).returncode == 0
    )
    too_big = cli("fine.ipynb", "--max-folder-size", "4kB", cwd=project, base=base)
    assert too_big.returncode == 2 and "more than 4 KB" in too_big.stderr and "--in-place" in too_big.stderr
    bad_name = cli("fine.ipynb", "-p", "not-a-name", "1", cwd=project, base=base)
    assert bad_name.returncode == 2 and "not a Python identifier" in bad_name.stderr
    # a negative limit failed every cell as 'did not finish within -1 s' and recorded it
    negative = cli("fine.ipynb", "--cell-timeout", "-1", cwd=project, base=base)
    assert negative.returncode == 2 and "'-1' is not a number of seconds (0: no limit)" in negative.stderr
    assert cli("fine.ipynb", "--timeout", "nan", cwd=project, base=base).returncode == 2
    assert not (project / ".readiness").exists()
    assert leftovers(base) == ([], [])


@pytest.mark.parametrize("signum, code_expected", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_cli_interrupted_leaves_no_kernel_and_no_folder(project, base, signum, code_expected):
    (project / "slow.ipynb").write_text(json.dumps(notebook(code("import time\ntime.sleep(120)"))))
    env = {**os.environ, "PYTHONPATH": str(REPO / "python"), "NO_COLOR": "1", "TMPDIR": str(base)}
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab_readiness", "rehearse", "slow.ipynb"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not processes_mentioning(str(base)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert processes_mentioning(str(base)), "the kernel started"
        time.sleep(1.0)
        process.send_signal(signum)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == code_expected, err
    assert leftovers(base) == ([], [])
    assert not (project / ".readiness").exists()


def test_cli_in_place_runs_in_the_real_folder_with_a_progress_line_per_cell_on_a_terminal(project, base):
    import pty

    (project / "w.ipynb").write_text(json.dumps(notebook(code("open('made.txt', 'w').write('1')"), code("print(2)"))))
    controller, terminal = pty.openpty()
    try:
        result = cli("w.ipynb", "--in-place", "--runs", "1", cwd=project, base=base, stderr=terminal)
        os.close(terminal)
        progress = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal was closed and drained
                break
            if not chunk:
                break
            progress += chunk
    finally:
        os.close(controller)
    assert result.returncode == 0
    assert (project / "made.txt").read_text() == "1"
    lines = progress.decode().replace("\r\x1b[K", "\n").splitlines()
    # cells numbered as JupyterLab shows them: cell_index 0 is cell 1
    assert any(line.startswith("run 1/1  cell 1 (1 of 2)  ok  ") and line.endswith("MiB") for line in lines), lines
    assert any(line.startswith("run 1/1  cell 2 (2 of 2)  ok  ") for line in lines), lines
    assert leftovers(base) == ([], [])


def test_an_nbformat_3_notebook_is_rehearsed(project, base):
    v3 = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": "old"},
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "heading", "level": 1, "source": ["Old"], "metadata": {}},
                    {
                        "cell_type": "code",
                        "input": ["x = 2\n", "print(x * 3)"],
                        "language": "python",
                        "outputs": [{"output_type": "stream", "stream": "stdout", "text": ["6\n"]}],
                        "prompt_number": 1,
                        "metadata": {},
                    },
                ]
            }
        ],
    }
    outcome = rehearse_sync(v3, project / "old.ipynb", Options(scratch_base=base, runs=1))
    assert (
        outcome.status == "passed"
        and outcome.findings == []
        and stdout_of(outcome.runs[0].by_index()[1].outputs) == "6\n"
    )
    assert leftovers(base) == ([], [])


def test_what_a_rehearsal_quotes_from_a_command_shows_no_credential(rehearse):
    # The reply goes to the browser and the record into .readiness/, which teams commit.
    outcome = rehearse(code("!echo https://ana:s3cretPassw0rd@example.com/data.csv > got.txt"))
    reply = json.dumps(to_dict(outcome.reply("analysis.ipynb")))
    assert "cell 1 ran a shell command (`echo https://***@example.com/data.csv > got.txt`)" in reply
    assert "s3cretPassw0rd" not in reply
    assert "s3cretPassw0rd" not in json.dumps(to_dict(outcome.record))
