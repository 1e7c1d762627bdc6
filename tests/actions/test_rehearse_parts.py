"""The parts of a rehearsal that need no kernel: sanitising and comparing outputs, parameters,
the scratch copy, snapshots, the audit hook (in a child Python), the record and the engine."""

from __future__ import annotations

import base64
import json
import os
import struct
import subprocess
import sys
import zlib

import pytest

from helpers.notebooks import code, md, notebook
from jupyterlab_readiness.actions.rehearse import outputs as out
from jupyterlab_readiness.actions.rehearse import parameters as params
from jupyterlab_readiness.actions.rehearse import scratch, snapshot
from jupyterlab_readiness.actions.rehearse.audit_log import Access, LogReader, install_code
from jupyterlab_readiness.actions.rehearse.baseline import record_path, write_record
from jupyterlab_readiness.actions.rehearse.cancel import Cancellation, Cancelled, TimeLimit
from jupyterlab_readiness.actions.rehearse.commands import Command, command
from jupyterlab_readiness.actions.rehearse.evidence import Evidence
from jupyterlab_readiness.actions.rehearse.findings import build
from jupyterlab_readiness.actions.rehearse.rehearsal import Progress
from jupyterlab_readiness.actions.rehearse.results import CellError, CellRun, RunResult
from jupyterlab_readiness.actions.rehearse.runner import error_line, raising_library
from jupyterlab_readiness.cli.rehearse import progress_line, render
from jupyterlab_readiness.contract.baseline import (
    CellBaseline,
    CellTiming,
    FileBaseline,
    RehearsalRecord,
    record_from_dict,
)
from jupyterlab_readiness.contract.report import Finding, to_dict
from jupyterlab_readiness.contract.schema import REHEARSAL_RECORD
from jupyterlab_readiness.files import Root
from jupyterlab_readiness.lint.config import CheckConfig
from jupyterlab_readiness.lint.engine import check_notebook
from jupyterlab_readiness.lint.sidecar import read_record
from jupyterlab_readiness.notebook.fingerprint import code_fingerprint
from jupyterlab_readiness.notebook.model import notebook_from_json


# ------------------------------------------------------------------------------ sanitising
def _profile(order: str, rows: list[str]) -> str:
    head = f"   3 function calls in 0.004 seconds\n\n   Ordered by: {order}\n\n"
    return (
        head
        + "   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n"
        + "".join(f"   {row}\n" for row in rows)
        + "\n"
    )


def test_sanitising_hides_addresses_ids_durations_and_temp_paths():
    sanitise = out.Sanitiser({"/tmp/rh/work/proj": "<folder>", "/home/ann/proj": "<folder>"}, temp=["/tmp/rh"])
    same_pairs = [
        ("<Foo object at 0x7f3a2b1c9d80>", "<Foo object at 0x55d0c0ffee00>"),
        ("<function f at 0x10a2b3c4d>", "<function f at 0x7ffe12345678>"),
        ("Model(id=140234567890123)", "Model(id=139999999999999)"),
        ("run 3f2504e0-4f89-11d3-9a0c-0305e82c3301 done", "run 9b2e1c3a-0000-4f89-9a0c-123456789abc done"),
        ("CPU times: user 1.2 ms, sys: 30 µs\nWall time: 2.5 s", "CPU times: user 9.9 ms, sys: 0 ns\nWall time: 12 s"),
        (
            "1.23 µs ± 4.5 ns per loop (mean ± std. dev. of 7 runs, 1,000,000 loops each)",
            "2.01 µs ± 9.1 ns per loop (mean ± std. dev. of 7 runs, 100,000 loops each)",
        ),
        ("100%|██████████| 10/10 [00:01<00:00, 9.52it/s]", "100%|██████████| 10/10 [00:03<00:00, 3.10it/s]"),
        ("469/469 - 3s - 6ms/step - loss: 0.2", "469/469 - 2s - 4ms/step - loss: 0.2"),  # Keras
        ("3. AC      11.219 sec/puzzle", "3. AC      3.829 sec/puzzle"),
        ("saved to /home/ann/proj/out.csv", "saved to /tmp/rh/work/proj/out.csv"),
        ("scratch /tmp/rh/tmp-1/tmpa1b2c3", "scratch /tmp/rh/tmp-2/tmpz9y8x7"),
        ("File /tmp/ipykernel_123/456.py, line 3", "File /tmp/ipykernel_999/789.py, line 3"),
        ("\x1b[31mred\x1b[0m", "red"),
        (
            "The slowest run took 5.21 times longer than the fastest. This could mean that an intermediate "
            "result is being cached.\n1000 loops, best of 3: 2 µs per loop\nok",
            "2.1 µs ± 3 ns per loop (mean ± std. dev. of 7 runs, 100,000 loops each)\nok",
        ),
        ("CPU times: user 2 ms, sys: 1 ms, total: 3 ms\nCompiler : 120 ms\n", "CPU times: total: 3 ms\n"),
        ("3. AC      11.219 sec/puzzle (0.1 Hz)", "3. AC      3.829 sec/puzzle (0.3 Hz)"),
        ("5/10 [00:01<00:01, 1.2kit/s]", "5/10 [00:02<00:03, 3.4MB/s]"),
        ("('List time: ', 0.4425089359283447)", "('List time: ', 0.0425089359283447)"),
        ("elapsed=3.2e-05", "elapsed=4.25e-05"),
        ("<matplotlib.axes._subplots.AxesSubplot at 0x7f1234567890>", "<Axes: xlabel='Date'>"),
        ("<matplotlib.figure.Figure at 0x7f12345678>", "<Figure size 640x480 with 1 Axes>"),
        (
            _profile("internal time", ["2 0.002 0.001 0.002 0.001 a.py:1(f)", "1 0.001 0.001 0.003 0.003 a.py:4(g)"]),
            _profile("internal time", ["1 0.009 0.009 0.010 0.010 a.py:4(g)", "2 0.001 0.000 0.001 0.000 a.py:1(f)"]),
        ),
    ]
    for a, b in same_pairs:
        assert sanitise(a) == sanitise(b), (a, b)
    different_pairs = [
        ("42", "43"),
        ("2024-01-01 10:00:00", "2024-01-02 10:00:00"),
        ("[1, 2]", "[2, 1]"),
        ("0.374", "0.951"),
        ("/home/bob/data.csv", "/home/ann/data.csv"),
        ("469/469 - 6ms/step - loss: 0.2", "469/469 - 6ms/step - loss: 0.3"),
        # no duration on the line: a rate that is a result
        ("sampled at 44100 Hz", "sampled at 48000 Hz"),
        # few decimals, or no colon after the label (a Series' row): a result
        ("mean time to failure: 3.25", "mean time to failure: 3.5"),
        ("duration    12.34567\nvalue    1.0", "duration    12.34568\nvalue    1.0"),
        (
            _profile("internal time", ["2 0.002 0.001 0.002 0.001 a.py:1(f)"]),
            _profile("internal time", ["3 0.002 0.001 0.002 0.001 a.py:1(f)"]),
        ),  # calls counted differ
        (
            _profile("call count", ["2 0.002 0.001 0.002 0.001 a.py:1(f)", "1 0.001 0.001 0.003 0.003 a.py:4(g)"]),
            _profile("call count", ["1 0.009 0.009 0.010 0.010 a.py:4(g)", "2 0.001 0.000 0.001 0.000 a.py:1(f)"]),
        ),
    ]
    for a, b in different_pairs:
        assert sanitise(a) != sanitise(b), (a, b)


def _png(width: int, height: int) -> str:
    raw = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    raw += struct.pack(">I", zlib.crc32(raw[12:]) & 0xFFFFFFFF) + b"\x00" * 40
    return base64.b64encode(raw).decode()


def test_outputs_compare_stdout_results_errors_and_images_by_size():
    s = out.Sanitiser()

    def stream(name: str, text) -> dict:
        return {"output_type": "stream", "name": name, "text": text}

    def image(w: int, h: int) -> dict:
        return {
            "output_type": "display_data",
            "metadata": {},
            "data": {"image/png": _png(w, h), "text/plain": "<Figure size 640x480 with 1 Axes>"},
        }

    a = [stream("stdout", "rows: 1"), stream("stderr", "warning!"), stream("stdout", "0\n"), image(640, 480)]
    b = [
        stream("stdout", ["rows: 10\n"]),
        image(652, 480),
    ]  # chunks split differently, no stderr, a slightly wider figure
    assert out.same(out.comparable(a, s), out.comparable(b, s))
    assert out.comparable(a, s)[1].size == (640, 480)
    assert not out.same(out.comparable(a, s), out.comparable([stream("stdout", "rows: 11\n"), image(640, 480)], s))
    assert not out.same(out.comparable(a, s), out.comparable([stream("stdout", "rows: 10\n")], s))  # the image is gone
    assert not out.same(out.comparable(a, s), out.comparable([stream("stdout", "rows: 10\n"), image(1280, 960)], s))
    progress = [stream("stdout", "10%\r50%\r100%\nab\x08c\n")]
    assert out.comparable(progress, s)[0].text == "100%\nac\n"
    result = {
        "output_type": "execute_result",
        "execution_count": 3,
        "metadata": {},
        "data": {"text/plain": "   a\n0  1", "text/html": "<table>…</table>"},
    }
    assert out.comparable([result], s) == [out.Item("result", "   a\n0  1")]
    error = {"output_type": "error", "ename": "ValueError", "evalue": "bad <X at 0x7f0011223344>", "traceback": ["…"]}
    assert out.comparable([error], s) == [out.Item("error", "ValueError: bad <X at 0x…>")]
    v3 = {"output_type": "pyout", "prompt_number": 1, "text": ["4"]}
    assert out.comparable([v3], s) == [out.Item("result", "4")]


def test_diff_and_first_difference_show_the_lines_that_differ():
    s = out.Sanitiser()
    a = out.comparable([{"output_type": "stream", "name": "stdout", "text": "a\nb\nc\n"}], s)
    b = out.comparable([{"output_type": "stream", "name": "stdout", "text": "a\nB\nc\nd\n"}], s)
    assert out.first_difference(a, b) == ("b", "B")
    text = out.diff(a, b, "saved", "fresh run")
    assert text.startswith("--- saved\n+++ fresh run") and "-b\n+B" in text and "+d" in text
    assert out.first_difference(a, [*a, out.Item("stdout", "more")]) == ("", "more")
    # A long line differing near its end (pandas' DatetimeIndex repr, dtype ns → us) shows the difference.
    days = ", ".join(f"'2012-10-{d:02}'" for d in range(1, 12))
    x, y = out.first_difference(
        [out.Item("result", f"[{days}], dtype='datetime64[ns]', name='Date')")],
        [out.Item("result", f"[{days}], dtype='datetime64[us]', name='Date')")],
    )
    assert x != y and "datetime64[ns]" in x and "datetime64[us]" in y and x.startswith("…") and len(x) <= 60
    long = out.comparable(
        [{"output_type": "stream", "name": "stdout", "text": "".join(f"{i}\n" for i in range(500))}], s
    )
    assert out.diff([], long, "a", "b").count("\n") <= out.MAX_DIFF_LINES + 1


def test_reordered_is_the_same_values_in_another_order_only():
    def items(text: str) -> list:
        return [out.Item("stdout", text)]

    assert out.reordered(items("{'b', 'a', 'c'}"), items("{'a', 'c', 'b'}"))
    assert not out.reordered(items("{'a', 'b'}"), items("{'a', 'b'}"))  # the same output
    assert not out.reordered(items("['nota', 'santo']"), items("['into', 'niton']"))  # other values


# ------------------------------------------------------------------------------- parameters
def test_parameter_values_are_literals_else_strings():
    assert params.parse_pairs(
        [
            ("n", "3"),
            ("ratio", "0.5"),
            ("flag", "True"),
            ("none", "None"),
            ("day", "2024-01-31"),
            ("name", "'quoted'"),
            ("region", "eu-west"),
            ("ids", "[1, 2]"),
            ("n", "4"),
        ]
    ) == {
        "n": 4,
        "ratio": 0.5,
        "flag": True,
        "none": None,
        "day": "2024-01-31",
        "name": "quoted",
        "region": "eu-west",
        "ids": [1, 2],
    }
    for bad in ("not-a-name", "class", "1x", ""):
        with pytest.raises(params.BadParameter):
            params.parse_pairs([(bad, "1")])


def test_the_injected_cell_follows_the_parameters_cell_like_papermill():
    nb = notebook(md("# t"), code("day = '2024-01-01'"), code("print(day)"))
    nb["cells"][1]["metadata"]["tags"] = ["parameters"]
    injected, at = params.inject(nb, {"day": "2024-02-29", "n": 3})
    assert at == 2 and injected["cells"][2]["metadata"]["tags"] == ["injected-parameters"]
    assert injected["cells"][2]["source"] == "# Parameters (injected by the rehearsal)\nday = '2024-02-29'\nn = 3\n"
    assert len(nb["cells"]) == 3, "the given notebook is not modified"
    assert params.unknown_names("day = '2024-01-01'", {"day": 1, "n": 2}) == ["n"]
    untagged, at = params.inject(notebook(code("print(1)")), {"x": 1})
    assert at == 0 and untagged["cells"][0]["source"].endswith("x = 1\n")
    assert params.inject(nb, {}) == (nb, None)


def test_a_given_parameter_set_again_before_any_read_is_found():
    cells = notebook(
        md("# t"),
        code("import os\nn = 3"),
        code("limit = limit + 1\ndef f():\n    return day\nfrom m import region"),
        code("n = 4\nday = 'y'\nregion = 2\nprint([k for k in range(3)])"),
    )["cells"]
    given = {"n": 5, "limit": 2, "day": "z", "region": "r", "k": 0, "never": 1}
    # limit is read first, day is read by f's body: both use the given value; k binds only in its comprehension
    assert params.overwritten(cells, 0, given) == {"n": 1, "region": 2}
    assert params.overwritten(cells, 2, {"n": 5}) == {"n": 3}
    assert params.overwritten(cells, 0, {}) == {}


# ---------------------------------------------------------------------------------- scratch
def test_the_copy_skips_repositories_environments_and_caches_and_keeps_links(tmp_path):
    src = tmp_path / "proj"
    for folder in (
        ".git/objects",
        ".ipynb_checkpoints",
        "node_modules/x",
        "__pycache__",
        "env/bin",
        "data/raw",
        ".readiness",
    ):
        (src / folder).mkdir(parents=True)
    (src / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    (src / "env" / "bin" / "python").write_text("x" * 1000)
    (src / ".git" / "objects" / "pack").write_text("x" * 1000)
    (src / "data" / "raw" / "in.csv").write_text("a,b\n")
    (src / "nb.ipynb").write_text("{}")
    (src / "inside").symlink_to(src / "data")
    (src / "outside").symlink_to(tmp_path)
    plan = scratch.plan_copy(src, 10_000)
    assert sorted(plan.files) == ["data/raw/in.csv", "nb.ipynb"] and plan.total_bytes == 6
    dst = tmp_path / "copy" / "proj"
    scratch.copy_folder(src, dst, plan)
    assert (dst / "data" / "raw" / "in.csv").read_text() == "a,b\n"
    assert os.readlink(dst / "inside") == str(dst / "data"), "an absolute link into the folder points into the copy"
    assert os.readlink(dst / "outside") == str(tmp_path)
    assert not (dst / ".git").exists() and not (dst / "env").exists()
    with pytest.raises(scratch.FolderTooBig, match="more than 5 bytes"):
        scratch.plan_copy(src, 5)


def test_the_copy_stops_when_told(tmp_path):
    import threading

    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("a")
    stop = threading.Event()
    stop.set()
    with pytest.raises(scratch.Stopped):
        scratch.copy_folder(src, tmp_path / "dst", scratch.plan_copy(src, None), stop)


def test_sizes_and_abandoned_private_folders(tmp_path):
    assert (
        scratch.parse_size("200MB") == 200_000_000
        and scratch.parse_size("1.5G") == 1_500_000_000
        and scratch.parse_size("64KiB") == 65536
        and scratch.parse_size("12") == 12
    )
    with pytest.raises(ValueError):
        scratch.parse_size("lots")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    ).stdout.strip()
    abandoned = tmp_path / f"{scratch.PREFIX}{dead}-abc"
    (abandoned / "work").mkdir(parents=True)
    (abandoned / "work" / "f").write_text("x")
    os.chmod(abandoned / "work", 0o500)
    mine = tmp_path / f"{scratch.PREFIX}{os.getpid()}-def"
    mine.mkdir()
    assert scratch.sweep_abandoned(tmp_path) == [abandoned]
    assert not abandoned.exists() and mine.exists()
    private = scratch.make_private_dir(tmp_path)
    assert private.name.startswith(f"{scratch.PREFIX}{os.getpid()}-") and oct(private.stat().st_mode & 0o777) == "0o700"


# -------------------------------------------------------------------------------- snapshots
def test_snapshots_tell_appends_from_rewrites_and_new_files(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "input.csv").write_text("in\n")
    (folder / "log.txt").write_text("")
    initial = snapshot.take(folder, None, hash_changes=False)
    assert initial["input.csv"].sha256 is None
    (folder / "log.txt").write_text("run 1\n")
    (folder / "report.txt").write_text("total 1\n")
    (folder / "same.txt").write_text("same\n")
    (folder / "gone.txt").write_text("x")
    first = snapshot.take(folder, initial)
    assert snapshot.written(initial, first) == ["gone.txt", "log.txt", "report.txt", "same.txt"]
    assert first["input.csv"] is initial["input.csv"] and first["log.txt"].sha256
    (folder / "log.txt").write_text("run 1\nrun 1\n")
    (folder / "report.txt").write_text("total 2\n")
    os.utime(folder / "same.txt", ns=(1, 1))  # touched, same bytes
    (folder / "gone.txt").unlink()
    (folder / "new.txt").write_text("n")
    (folder / "input.csv").write_text("IN\n")  # changed by the second run only
    second = snapshot.take(folder, first)
    changes = {
        c.path: c
        for c in snapshot.differences(
            folder,
            first,
            second,
            lambda p: snapshot.sha256_of(folder.parent / "f" / p) if p != "input.csv" else "unknown",
        )
    }
    assert set(changes) == {"log.txt", "report.txt", "gone.txt", "new.txt", "input.csv"}
    assert changes["log.txt"].appended and (changes["log.txt"].before_size, changes["log.txt"].after_size) == (6, 12)
    assert not changes["report.txt"].appended and changes["report.txt"].kind == "changed"
    assert changes["gone.txt"].kind == "removed" and changes["new.txt"].kind == "created"
    unknown = snapshot.differences(folder, first, second, lambda p: None)
    assert "input.csv" not in {c.path for c in unknown}, "same size, no hash to compare: never reported on a time stamp"


def test_a_sqlite_file_is_compared_by_its_rows_and_grown_tables_are_named(tmp_path):
    import sqlite3

    folder = tmp_path / "f"
    folder.mkdir()

    def write(database: str, *statements: str) -> None:
        with sqlite3.connect(folder / database) as connection:
            for statement in statements:
                connection.execute(statement)
        connection.close()

    initial = snapshot.take(folder, None, hash_changes=False)
    write("appended.db", "create table daily (day text, n int)", "insert into daily values ('a', 1), ('b', 2)")
    write("replaced.db", "create table t (x)", "insert into t values (1)")
    write("updated.db", "create table t (x)", "insert into t values (1)")
    first = snapshot.take(folder, initial)
    write("appended.db", "insert into daily values ('a', 1), ('b', 2)")
    write("replaced.db", "drop table t", "create table t (x)", "insert into t values (1)")
    write("updated.db", "update t set x = 2")
    second = snapshot.take(folder, first)
    changes = {c.path: c for c in snapshot.differences(folder, first, second, lambda p: None)}
    assert set(changes) == {"appended.db", "updated.db"}, "the same rows rewritten are the same database"
    assert changes["appended.db"].rows_added == (("daily", 2, 4),)
    assert changes["updated.db"].rows_added == () and not changes["updated.db"].appended


def test_a_file_saved_again_is_the_same_file_without_its_save_time(tmp_path):
    import gzip
    import zipfile

    from jupyterlab_readiness.actions.rehearse.stable_files import stable_digest

    def pdf(date: bytes, body: bytes) -> bytes:
        return b"%PDF-1.4\n1 0 obj << /CreationDate (D:" + date + b"Z) /Producer (x) >>\n" + body + b"\n%%EOF\n"

    def svg(date: bytes, salt: bytes, y: bytes) -> bytes:
        return (
            b"<svg><metadata><dc:date>" + date + b'</dc:date></metadata><path id="m' + salt + b'" d="M 0 0"/>'
            b'<use xlink:href="#m' + salt + b'" y="' + y + b'"/><g clip-path="url(#m' + salt + b')"/></svg>'
        )

    files = {
        "a.pdf": pdf(b"20261201063433", b"stream 1 2 3"),
        "b.pdf": pdf(b"20261202070000", b"stream 1 2 3"),
        "c.pdf": pdf(b"20261201063433", b"stream 1 2 4"),
        "a.svg": svg(b"2026-12-01T06:34:33", b"cb4615820c", b"307.5"),
        "b.svg": svg(b"2026-12-01T06:34:35", b"034f687a8e", b"307.5"),
        "c.svg": svg(b"2026-12-01T06:34:33", b"cb4615820c", b"295.4"),
        "notes.txt": b"a PDF-like note",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    digest = {name: stable_digest(tmp_path / name) for name in files}
    assert digest["a.pdf"] == digest["b.pdf"] != digest["c.pdf"]
    assert digest["a.svg"] == digest["b.svg"] != digest["c.svg"]
    assert digest["notes.txt"] is None
    for name, mtime, text in (("a.csv.gz", 1, b"a\n1\n"), ("b.csv.gz", 2, b"a\n1\n"), ("c.csv.gz", 1, b"a\n2\n")):
        with open(tmp_path / name, "wb") as raw, gzip.GzipFile("out.csv", "wb", fileobj=raw, mtime=mtime) as packed:
            packed.write(text)
    for name, when, text in (("a.zip", 2020, "a\n1\n"), ("b.zip", 2024, "a\n1\n"), ("c.zip", 2020, "a\n2\n")):
        with zipfile.ZipFile(tmp_path / name, "w") as archive:
            archive.writestr(zipfile.ZipInfo("out.csv", (when, 1, 1, 0, 0, 0)), text)
    for kind in ("csv.gz", "zip"):
        a, b, c = (stable_digest(tmp_path / f"{n}.{kind}") for n in "abc")
        assert a is not None and a == b != c, kind


# ------------------------------------------------------------------------------- audit hook
def test_the_audit_hook_refuses_writes_outside_and_records_what_it_sees(tmp_path):
    folder = tmp_path / "proj"
    (folder / "sub").mkdir(parents=True)
    (folder / "in.csv").write_text("x")
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    private_tmp = tmp_path / "private-tmp"
    private_tmp.mkdir()
    log = tmp_path / "audit.jsonl"
    script = f"""
import os, sys, tempfile, socket, shutil
{install_code(folder, log)}
assert sorted(k for k in dir() if not k.startswith('__')) == ['os', 'shutil', 'socket', 'sys', 'tempfile'], dir()
os.chdir({str(folder)!r})
open('out.txt', 'w').write('1')
open('log.txt', 'a').write('1')
open('in.csv').read()
open({str(outside)!r}).read()
for attempt in (
    lambda: open({str(outside)!r}, 'w'),
    lambda: os.remove({str(outside)!r}),
    lambda: os.rename('out.txt', {str(outside)!r}),
    lambda: shutil.rmtree({str(tmp_path / "nothing")!r}),
    lambda: open('../escape.txt', 'x'),
):
    try:
        attempt()
    except PermissionError as exc:
        assert 'refuses writes outside' in str(exc)
    else:
        raise SystemExit('not refused')
with tempfile.NamedTemporaryFile('w') as f:
    f.write('fine')
os.makedirs({str(tmp_path)!r}, exist_ok=True)  # exists: allowed to fail quietly
os.makedirs('sub/deeper', exist_ok=True)
try:
    open('nowhere/made.txt', 'w')
except FileNotFoundError:
    pass
open('/dev/null', 'w').write('x')
try:
    socket.getaddrinfo('host.example.invalid', 443)
except OSError:
    pass
import subprocess
subprocess.run(['true'])
print('done')
"""
    env = {**os.environ, "TMPDIR": str(private_tmp)}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=folder, timeout=60
    )
    assert result.returncode == 0 and result.stdout.strip() == "done", result.stderr
    assert outside.read_text() == "keep" and (folder / "out.txt").exists() and not (tmp_path / "escape.txt").exists()
    found = LogReader(log).read()
    assert (
        Access("w", "out.txt", "w") in found
        and Access("w", "log.txt", "a") in found
        and Access("r", "in.csv", "") in found
    )
    assert Access("R", str(outside), "") in found
    refused = [a for a in found if a.kind == "W"]
    assert {a.detail for a in refused} == {"w", "remove", "rename", "rmtree", "x"}
    assert Access("w", "sub/deeper", "mkdir") in found
    # an open for writing in a folder that does not exist fails: no write, the path as given
    assert Access("m", "nowhere/made.txt", "nowhere/made.txt") in found
    assert not [a for a in found if a.kind == "w" and a.path.startswith("nowhere")]
    assert Access("n", "host.example.invalid:443", "socket.getaddrinfo") in found
    assert Access("p", "true", "subprocess.Popen") in found
    assert not [a for a in found if a.kind in ("w", "W") and "private-tmp" in a.path]
    assert not [a for a in found if a.kind == "R" and (a.path.startswith(sys.prefix) or "site-packages" in a.path)]


def test_the_log_reader_keeps_a_partial_line_for_later(tmp_path):
    log = tmp_path / "log"
    log.write_bytes(b'w\t"a.txt"\t"w"\nr\t"b')
    reader = LogReader(log)
    assert reader.read() == [Access("w", "a.txt", "w")]
    with open(log, "ab") as handle:
        handle.write(b'.txt"\t""\nnot a record\nx\t"y"\t""\n')
    assert reader.read() == [Access("r", "b.txt", "")]
    assert reader.read() == []
    from json.encoder import encode_basestring_ascii as quote  # what the hook writes

    odd = 'tab\there "quoted" é \\ back'
    with open(log, "ab") as handle:
        handle.write(f"R\t{quote(odd)}\t{quote('')}\n".encode("ascii"))
    assert reader.read() == [Access("R", odd, "")]


# --------------------------------------------------------------------------------- tracebacks
def test_the_line_that_raised_comes_from_the_cell_frame():
    ipython8 = [
        "\x1b[0;31mNameError\x1b[0m   Traceback",
        "Cell \x1b[0;32mIn[2], line 4\x1b[0m\n\x1b[0;32m----> 4\x1b[0m f()\n",
        "Cell \x1b[0;32mIn[1], line 2\x1b[0m, in f()\n----> 2 x\n",
        "NameError: name 'x' is not defined",
    ]
    assert error_line(ipython8, 2) == 4
    assert error_line(ipython8, 9) == 4  # no frame of that count: the outermost cell frame
    ipython7 = [
        "---------",
        "<ipython-input-3-abc123> in <module>\n      1 a = 1\n----> 2 b\n",
        "NameError: name 'b' is not defined",
    ]
    assert error_line(ipython7, 3) == 2
    assert error_line(["SyntaxError: invalid syntax"], 1) is None


# ---------------------------------------------------------------------------------- findings
def _evidence(cells, runs, **kw):
    nb = notebook(*cells)
    return Evidence(
        notebook_from_json(nb),
        kw.pop("saved", {}),
        runs,
        kw.pop("changes", []),
        out.Sanitiser(),
        kw.pop("real", "/home/ann/proj"),
        **kw,
    )


def test_a_syntax_error_the_saved_notebook_shows_too_is_told_as_its_authors():
    cells = [code("health_data.loc[(:, 1), (:, 'HR')]", count=32)]
    saved = {0: [{"output_type": "error", "ename": "SyntaxError", "evalue": "invalid syntax (3311942670.py, line 1)"}]}
    error = CellError("SyntaxError", "invalid syntax (1063758517.py, line 1)", 1)
    (finding,) = build(
        _evidence(cells, [RunResult(1, [CellRun(0, "error", error=error)], "error")], saved=saved)
    ).findings
    assert "raises SyntaxError: invalid syntax, as the saved notebook shows it did for its author" in finding.message


def test_a_saved_output_of_the_same_values_in_another_order_is_put_down_to_a_set():
    def result(text: str) -> list:
        return [{"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"text/plain": text}}]

    cells = [code("peers[20]", count=1)]
    runs = [RunResult(1, [CellRun(0, "ok", outputs=result("(0, 1, 2, 65, 9)"))])]
    (finding,) = build(_evidence(cells, runs, saved={0: result("(0, 65, 2, 1, 9)")})).findings
    assert finding.check == "output-mismatch" and "The same values, in another order: a set" in finding.message
    assert "Sort what comes from a set" in finding.suggestion
    other = [RunResult(1, [CellRun(0, "ok", outputs=result("(0, 1, 2, 66, 9)"))])]
    (finding,) = build(_evidence(cells, other, saved={0: result("(0, 65, 2, 1, 9)")})).findings
    assert "another order" not in finding.message


def test_a_saved_output_whose_values_differ_only_by_dtype_is_put_down_to_library_versions():
    def result(text: str) -> list:
        return [{"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"text/plain": text}}]

    saved = "Int64Index([ 1,  2,  3,\n            ...\n            30, 31], dtype='int64', name='Date', length=310)"
    fresh = "Index([ 1,  2,  3,\n       ...\n       30, 31], dtype='int32', name='Date', length=310)"
    cells = [code("bikes.index.day", count=1)]
    runs = [RunResult(1, [CellRun(0, "ok", outputs=result(fresh))])]
    (finding,) = build(_evidence(cells, runs, saved={0: result(saved)})).findings
    assert "The values are the same; their dtype is not (saved `int64`, fresh run `int32`)" in finding.message
    assert "Freeze environment" in finding.suggestion
    series = [RunResult(1, [CellRun(0, "ok", outputs=result("0   2012-01-01\ndtype: datetime64[us]"))])]
    saved_series = {0: result("0   2012-01-01\ndtype: datetime64[ns]")}
    (finding,) = build(_evidence(cells, series, saved=saved_series)).findings
    assert "(saved `datetime64[ns]`, fresh run `datetime64[us]`)" in finding.message
    values = [RunResult(1, [CellRun(0, "ok", outputs=result("0   2012-01-02\ndtype: datetime64[us]"))])]
    (finding,) = build(_evidence(cells, values, saved=saved_series)).findings
    assert "their dtype" not in finding.message


def test_findings_name_the_refused_write_once_and_no_second_error():
    run = RunResult(
        1,
        [
            CellRun(
                0,
                "error",
                error=CellError(
                    "PermissionError",
                    "[Errno 13] the rehearsal refuses writes outside the notebook's folder: '/home/ann/proj/x.csv'",
                    1,
                    True,
                ),
                accesses=[Access("W", "/home/ann/proj/x.csv", "w")],
            )
        ],
        stopped="error",
    )
    built = build(_evidence([code("open('/home/ann/proj/x.csv', 'w')")], [run]))
    (finding,) = built.findings
    assert finding.check == "write-outside-folder" and "absolute path into the notebook's own folder" in finding.message


@pytest.mark.parametrize(("first_seconds", "slow"), [(50.8, True), (0.2, False)])
def test_a_second_run_timeout_is_slowness_when_the_first_run_came_close_to_the_limit(first_seconds, slow):
    runs = [
        RunResult(1, [CellRun(0, "ok", seconds=first_seconds)]),
        RunResult(2, [CellRun(0, "timeout", seconds=60.0)], stopped="timeout"),
    ]
    (finding,) = build(_evidence([code("count_all()")], runs, cell_timeout=60.0)).findings
    assert finding.check == "rehearsal-error"
    if slow:  # a busy machine made it slower the second time: not a leftover of the first run
        assert "took 50.8 s in the first fresh run" in finding.message and "close to the limit" in finding.message
        assert "--cell-timeout" in finding.suggestion and "cannot be run twice" not in finding.suggestion
    else:
        assert finding.message.startswith("The first fresh run passed, but in the second")
        assert "cannot be run twice" in finding.suggestion


def test_a_kernel_killed_only_in_the_second_run_is_not_blamed_on_the_first_runs_files():
    runs = [
        RunResult(1, [CellRun(0, "ok", seconds=3.0)]),
        RunResult(2, [CellRun(0, "dead")], stopped="dead", exit_status=-9),
    ]
    (finding,) = build(_evidence([code("big = load_all()")], runs)).findings
    assert finding.message.startswith("The first fresh run passed, but in the second the kernel died")
    assert "SIGKILL" in finding.message and "files the first one left" not in finding.message
    assert "cannot be run twice" not in finding.suggestion


def test_a_file_a_shell_command_changed_goes_on_the_cell_that_ran_it():
    from jupyterlab_readiness.actions.rehearse.snapshot import FileChange

    shell = [Access("p", "/bin/bash -c date +%N >> out/stamps.txt", "os.exec")]
    runs = [RunResult(n, [CellRun(0, "ok"), CellRun(1, "ok", accesses=shell)]) for n in (1, 2)]
    cells = [code("print('start')"), code("!date +%N >> out/stamps.txt")]
    grown = [FileChange("out/stamps.txt", "changed", 10, 20, True)]
    (finding,) = build(_evidence(cells, runs, changes=grown)).findings
    assert (
        finding.cell_index == 1 and "the shell command this cell ran (`date +%N >> out/stamps.txt`)" in finding.message
    )
    other = [FileChange("out/model.h5", "changed", 10, 12, False)]
    (unnamed,) = build(_evidence(cells, runs, changes=other)).findings
    assert (
        unnamed.cell_index is None and "a command a cell ran (cell 2: `date +%N >> out/stamps.txt`)" in unnamed.message
    )


def test_the_library_that_raised_is_the_innermost_installed_frame_of_the_last_exception():
    chained = [
        "\x1b[0;31mFileNotFoundError\x1b[0m   Traceback (most recent call last)",
        "File \x1b[0;32m~/.venv/lib/python3.11/site-packages/requests/api.py:9\x1b[0m, in get",
        "\nThe above exception was the direct cause of the following exception:\n",
        "\x1b[0;31mOSError\x1b[0m   Traceback (most recent call last)",
        "Cell \x1b[0;32mIn[1], line 2\x1b[0m",
        "File C:\\env\\Lib\\site-packages\\matplotlib\\style\\__init__.py:132, in use",
        "File /usr/lib/python3/dist-packages/numpy/core.py:5, in f",
        "\x1b[0;31mOSError\x1b[0m: bad",
    ]
    assert raising_library(chained) == "numpy"
    assert raising_library(chained[:5]) is None  # the cell's own code raised it
    kernel = ["Traceback (most recent call last)", "File /x/site-packages/IPython/core/magic.py:1, in f"]
    assert raising_library(kernel) is None


def test_a_shell_is_named_by_the_command_it_ran_and_other_processes_as_started():
    assert command("/usr/bin/zsh -c ls -l data", "os.exec") == Command("ls -l data", True)
    assert command("dash -c echo a  b", "subprocess.Popen") == Command("echo a  b", True)
    assert command("wc -l data.csv", "os.system") == Command("wc -l data.csv", True)
    assert command("/usr/bin/python3 -c print(1)", "subprocess.Popen") == Command("/usr/bin/python3 -c print(1)", False)
    assert command("/bin/bash script.sh", "os.exec") == Command("/bin/bash script.sh", False)
    assert command("/opt/ksh -c ls", "os.exec").shell is False
    assert command("sh -c ", "os.exec") == Command("sh -c ", False)
    assert command("/bin/sh -c  [ -e a.txt ] || curl -O x", "os.exec").text == "[ -e a.txt ] || curl -O x"
    assert command("bash", "subprocess.Popen") == Command("bash", True, script=True)


def test_a_package_managers_install_or_uninstall_is_told_apart_from_other_commands():
    installs = [
        "pip install nose",
        "/usr/bin/python3 -m pip install -q nose",
        "pip3.11 uninstall -y nose",
        "conda install -y -c conda-forge gdal",
        "uv pip install polars",
        "apt-get update && apt-get install -y graphviz",
    ]
    others = ["pip --version", "pip show nose", "pip freeze > requirements.txt", "make install-docs", "ls install"]
    assert [Command(text, True).installs for text in installs] == [True] * len(installs)
    assert [Command(text, True).installs for text in others] == [False] * len(others)


def test_a_differing_cell_below_another_is_put_down_to_the_first_that_differed():
    def stdout(text: str) -> list:
        return [{"output_type": "stream", "name": "stdout", "text": text}]

    runs = [
        RunResult(n, [CellRun(0, "ok", outputs=stdout(f"seed {n}\n")), CellRun(1, "ok", outputs=stdout(f"{n * 7}\n"))])
        for n in (1, 2)
    ]
    first, second = build(_evidence([code("x = fetch()\nprint(x)"), code("print(x * 7)")], runs)).findings
    assert "Likely" not in first.message
    assert "Likely because its values come from cell 1, whose output already differed" in second.message
    # Two cells that each draw through the same function: neither takes its values from the other.
    apart = build(_evidence([code("print(pick())"), code("print(pick())")], runs)).findings
    assert [f.check for f in apart] == ["nondeterministic-output"] * 2 and not any("Likely" in f.message for f in apart)


def test_an_injected_parameter_error_goes_on_the_parameters_cell():
    run = RunResult(
        1,
        [
            CellRun(0, "ok"),
            CellRun(0, "error", error=CellError("SyntaxError", "bad", 2), injected=True),
            CellRun(1, "not-run"),
        ],
        stopped="error",
    )
    (finding,) = build(_evidence([code("n = 1"), code("print(n)")], [run])).findings
    assert finding.cell_index == 0 and finding.line is None and "(the injected parameters)" in finding.message


def test_a_host_looked_up_is_listed_once_without_its_address():
    accesses = [
        Access("n", "api.example.com:443", "socket.getaddrinfo"),
        Access("n", "93.184.216.34:443", "socket.connect"),
        Access("n", "10.0.0.5:5432", "socket.connect"),
    ]
    run = RunResult(1, [CellRun(0, "ok", accesses=accesses)])
    (finding,) = build(_evidence([code("fetch()")], [run])).findings
    assert (
        finding.severity == "info"
        and "`api.example.com:443`" in finding.message
        and "`10.0.0.5:5432`" in finding.message
        and "93.184" not in finding.message
    )


def test_static_findings_the_runs_contradict_are_noted():
    from jupyterlab_readiness.actions.rehearse.snapshot import FileChange
    from jupyterlab_readiness.contract.report import NotebookReport

    static = NotebookReport(
        "a.ipynb",
        50,
        [
            Finding("hidden-state", "error", 0, None, 1, "`x` is read here", "s"),
            Finding("append-write", "warning", 1, None, 1, "appends", "s"),
        ],
    )
    appends = [Access("w", "log.txt", "a")]
    runs = [RunResult(n, [CellRun(0, "ok"), CellRun(1, "ok", accesses=appends)]) for n in (1, 2)]
    built = build(_evidence([code("print(x)"), code("open('log.txt', 'a')")], runs, static=static))
    notes = built.notes
    assert any("cell 1: the static `hidden-state` finding is not confirmed" in n for n in notes)
    assert any("cell 2: the static `append-write` finding is not confirmed: `log.txt` was the same" in n for n in notes)
    assert [(v.check, v.cell_index, v.confirmed) for v in built.verdicts] == [
        ("hidden-state", 0, False),
        ("append-write", 1, False),
    ]
    changed = build(
        _evidence(
            [code("print(x)"), code("open('log.txt', 'a')")],
            runs,
            static=static,
            changes=[FileChange("log.txt", "changed", 2, 4, True)],
        )
    )
    assert not any("append-write" in n for n in changed.notes) and [f.check for f in changed.findings] == [
        "non-idempotent-write"
    ]
    assert {(v.check, v.cell_index, v.confirmed) for v in changed.verdicts} == {
        ("hidden-state", 0, False),
        ("append-write", 1, True),
    }


def test_a_name_error_confirms_the_static_hidden_state_as_a_verdict():
    from jupyterlab_readiness.contract.report import NotebookReport

    static = NotebookReport("a.ipynb", 50, [Finding("hidden-state", "error", 1, None, 1, "`df` is read here", "s")])
    failing = CellRun(1, "error", error=CellError("NameError", "name 'df' is not defined", 1))
    built = build(
        _evidence([code("import json"), code("df.head()")], [RunResult(1, [CellRun(0, "ok"), failing])], static=static)
    )
    assert [(v.check, v.cell_index, v.confirmed) for v in built.verdicts] == [("hidden-state", 1, True)]
    assert "`df` is not defined" in built.verdicts[0].reason


# ---------------------------------------------------------------------- the record and engine
def _record(nb: dict, findings: list[Finding], parameters=None) -> RehearsalRecord:
    model = notebook_from_json(nb)
    code_cells = [c.index for c in model.cells if c.cell_type == "code"]
    return RehearsalRecord(
        key=code_fingerprint(model, parameters or {}),
        notebook="a.ipynb",
        rehearsed_at="2026-01-01T00:00:00Z",
        kernel="python3",
        parameters=parameters or {},
        runs=2,
        in_place=False,
        passed=False,
        seconds=3.2,
        code_cells=code_cells,
        findings=findings,
        cells=[
            CellBaseline(i, None, [CellTiming("ok", 0.01, 70_000_000), CellTiming("ok", 0.02, None)], ["out.csv"])
            for i in code_cells
        ],
        files=[FileBaseline("out.csv", 12, "ab" * 32, [code_cells[0]])],
    )


def test_the_record_round_trips_and_bad_records_are_ignored(tmp_path):
    nb = notebook(code("print(1)"))
    record = _record(nb, [Finding("non-idempotent-write", "error", 0, None, None, "m", "s")], {"day": "2024-01-01"})
    path = tmp_path / "a.ipynb"
    written = write_record(path, record, Root(None))
    assert written == record_path(path) == tmp_path / ".readiness" / "a.ipynb.rehearsal.json"
    assert read_record(path, Root(None)) == record
    REHEARSAL_RECORD.validate_python(json.loads(written.read_text()))
    assert not list(written.parent.glob("*.tmp")) and write_record(path, record, Root(None)) == written
    for junk in ("{", "[]", '{"version": 2}', json.dumps({**to_dict(record), "findings": [{"check": "x"}]})):
        written.write_text(junk)
        assert read_record(path, Root(None)) is None
    assert read_record(tmp_path / "none.ipynb", Root(None)) is None
    record_from_dict(to_dict(record))  # no exception
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / ".readiness").symlink_to(outside)
    write_record(
        outside / "x", record, Root(None)
    )  # outside/.readiness/x.rehearsal.json exists, but the link points at outside itself
    (outside / "a.ipynb.rehearsal.json").write_text(json.dumps(to_dict(record)))
    assert read_record(tmp_path / "root" / "a.ipynb", Root(None)) is not None
    assert read_record(tmp_path / "root" / "a.ipynb", Root(tmp_path / "root")) is None


def test_the_engine_adds_remembered_findings_while_the_code_is_the_same():
    nb = notebook(md("# A"), code("import random\nprint(random.random())"), code("open('out.csv', 'a').write('x')"))
    findings = [
        Finding("nondeterministic-output", "warning", 1, None, None, "Two fresh runs give different output", "Seed"),
        Finding("non-idempotent-write", "error", 2, None, None, "`out.csv` grew", "Write whole"),
        Finding("external-input", "info", 2, None, None, "Contacts x:443", "Pin"),
    ]
    record = _record(nb, findings)
    without = check_notebook(nb, "a.ipynb")
    assert not [f for f in without.findings if f.check in ("nondeterministic-output", "non-idempotent-write")]
    report = check_notebook(nb, "a.ipynb", rehearsal=record)
    got = [
        (f.check, f.cell_index, f.severity)
        for f in report.findings
        if f.check in ("nondeterministic-output", "non-idempotent-write", "external-input")
    ]
    assert sorted(got) == [
        ("external-input", 2, "info"),
        ("non-idempotent-write", 2, "error"),
        ("nondeterministic-output", 1, "warning"),
    ]
    idempotent = next(i for i in report.checklist if i.id == "idempotent-writes")
    assert idempotent.status == "fail" and "non-idempotent-write" in idempotent.checks and report.score < without.score
    # a markdown cell added above: the findings follow their cells
    moved = {**nb, "cells": [md("intro"), *nb["cells"]]}
    shifted = check_notebook(moved, "a.ipynb", rehearsal=record)
    assert ("non-idempotent-write", 3) in [(f.check, f.cell_index) for f in shifted.findings]
    # the configuration applies: disabled, or another severity
    config = CheckConfig(frozenset({"nondeterministic-output"}), {"non-idempotent-write": "warning"})
    configured = check_notebook(nb, "a.ipynb", config, rehearsal=record)
    assert not [f for f in configured.findings if f.check == "nondeterministic-output"]
    assert next(f for f in configured.findings if f.check == "non-idempotent-write").severity == "warning"
    # the code changed: the record no longer applies
    edited = json.loads(json.dumps(nb))
    edited["cells"][2]["source"] = "open('out.csv', 'w').write('x')"
    assert not [
        f for f in check_notebook(edited, "a.ipynb", rehearsal=record).findings if f.check == "non-idempotent-write"
    ]


def test_static_findings_say_what_the_rehearsal_found_while_the_record_applies():
    from jupyterlab_readiness.contract.baseline import OutputDiff, StaticVerdict

    nb = notebook(code("print(x)"), code("exec('y = 1')\nprint(y)"), code("open('log.txt', 'a').write('1')"))
    record = _record(nb, [Finding("rehearsal-error", "error", 0, None, 1, "NameError", "Define it")])
    record.static = [
        StaticVerdict("hidden-state", 0, True, "in a fresh kernel the cell raised NameError: `x` is not defined"),
        StaticVerdict("hidden-state", 1, False, "the cell ran without error in a fresh kernel"),
    ]
    record.diffs = [OutputDiff(2, "output-mismatch", "saved", "fresh run", "-a\n+b")]
    messages = {(f.check, f.cell_index): f.message for f in check_notebook(nb, "a.ipynb", rehearsal=record).findings}
    assert messages[("hidden-state", 0)].endswith(
        "The rehearsal of 2026-01-01 00:00 UTC confirmed it: in a fresh kernel the cell raised NameError: "
        "`x` is not defined."
    )
    plain = {(f.check, f.cell_index): f.message for f in check_notebook(nb, "a.ipynb").findings}
    if ("hidden-state", 1) in plain:  # exec() defines it: the static check may or may not see it
        assert "did not confirm it: the cell ran without error" in messages[("hidden-state", 1)]
    assert "rehearsal" not in messages[("append-write", 2)]
    # a markdown cell added above: the verdicts follow their cells; after a code edit they are gone
    moved = check_notebook({**nb, "cells": [md("intro"), *nb["cells"]]}, "a.ipynb", rehearsal=record)
    assert "confirmed it" in next(f.message for f in moved.findings if (f.check, f.cell_index) == ("hidden-state", 1))
    edited = json.loads(json.dumps(nb))
    edited["cells"][2]["source"] = "open('log.txt', 'w').write('1')"
    assert not any("rehearsal of" in f.message for f in check_notebook(edited, "a.ipynb", rehearsal=record).findings)
    # verdicts and diffs are kept in the record, and a record written before they existed still reads
    assert record_from_dict(to_dict(record)) == record
    old = to_dict(record)
    del old["static"], old["diffs"]
    assert record_from_dict(old).static == [] and record_from_dict(old).diffs == []
    REHEARSAL_RECORD.validate_python(to_dict(record))


def test_images_sent_as_placeholders_compare_by_size():
    s = out.Sanitiser()

    def shown(data: str) -> list[out.Item]:
        return out.comparable([{"output_type": "display_data", "metadata": {}, "data": {"image/png": data}}], s)

    assert out.image_size("image/png", "<image/png 1234 bytes, 640x480>") == (640, 480)
    assert out.image_size("image/png", "<image/png 1234 bytes>") is None
    assert out.image_size("image/svg+xml", "<image/svg+xml 99 bytes>") is None
    real = shown(_png(640, 480))
    assert out.same(shown("<image/png 1234 bytes, 640x480>"), real)
    assert out.same(shown("<image/png 1234 bytes, 642x480>"), real)  # within 4 px
    assert not out.same(shown("<image/png 1234 bytes, 64x48>"), real)
    assert out.same(shown("<image/png 1234 bytes>"), real)  # no size known: present is enough
    assert not out.same([], real)


def test_a_passing_record_counts_its_items_as_checked():
    nb = notebook(code("print(1)"))
    report = check_notebook(nb, "a.ipynb", rehearsal=_record(nb, []))
    assert [f.check for f in report.findings if f.check.startswith(("rehearsal", "output", "non-"))] == []
    items = {i.id: i for i in report.checklist}
    assert (
        items["reproducible-execution"].status == "pass" and "rehearsal-error" in items["reproducible-execution"].checks
    )


def test_the_fingerprint_ignores_markdown_and_outputs_but_not_code_kernel_or_parameters():
    nb = notebook(md("a"), code("x = 1", count=3, outputs=[{"output_type": "stream", "name": "stdout", "text": "1"}]))
    key = code_fingerprint(notebook_from_json(nb))
    assert code_fingerprint(notebook_from_json(notebook(md("b"), md("c"), code("x = 1")))) == key
    assert code_fingerprint(notebook_from_json(notebook(code("x = 2")))) != key
    assert code_fingerprint(notebook_from_json(nb), {"x": 1}) != key
    other_kernel = json.loads(json.dumps(nb))
    other_kernel["metadata"]["kernelspec"]["name"] = "py39"
    assert code_fingerprint(notebook_from_json(other_kernel)) != key


# ------------------------------------------------------------------------------ cancellation
def test_race_returns_times_out_and_cancels_across_threads():
    import asyncio
    import threading

    async def main():
        token = Cancellation()
        assert await token.race(asyncio.sleep(0, "done")) == "done"
        with pytest.raises(TimeLimit):
            await token.race(asyncio.sleep(10), timeout=0.05)
        threading.Timer(0.05, token.cancel).start()
        with pytest.raises(Cancelled):
            await token.race(asyncio.sleep(10))
        with pytest.raises(Cancelled):
            await token.race(asyncio.sleep(0))  # already cancelled

    asyncio.run(main())


# ------------------------------------------------------------------------------------- text
def test_progress_lines_and_text_report():
    assert (
        progress_line(Progress("cell-started", 1.0, run=1, runs=2, cell_index=3, position=2, cells=7))
        == "run 1/2  cell 4 (2 of 7) …"  # cell_index 3, numbered as JupyterLab shows it
    )
    assert (
        progress_line(
            Progress(
                "cell-finished",
                1.0,
                run=2,
                runs=2,
                cell_index=3,
                position=2,
                cells=7,
                status="ok",
                seconds=0.4212,
                peak_memory=85 * 2**20,
            )
        )
        == "run 2/2  cell 4 (2 of 7)  ok  0.42 s  85 MiB"
    )
    assert progress_line(Progress("started", 0.0)) is None
    from jupyterlab_readiness.actions.rehearse.rehearsal import Outcome
    from jupyterlab_readiness.contract.replies import OutputDiff

    nb = notebook(code("print(1)"))
    record = _record(nb, [Finding("output-mismatch", "warning", 0, None, None, "The saved output differs", "Run all")])
    outcome = Outcome(
        "failed",
        findings=record.findings,
        diffs=[OutputDiff(0, "output-mismatch", "saved", "fresh run", "--- saved\n+++ fresh run\n-1\n+2")],
        record=record,
        seconds=3.2,
        first_cell_seconds=1.5,
    )
    text = render(outcome.reply("a.ipynb", ".readiness/a.ipynb.rehearsal.json"), colour=False)
    assert "a.ipynb  rehearsal failed: 2 fresh runs of kernel python3, 3.20 s (first cell after 1.50 s)" in text
    # cell_index 0 is JupyterLab's cell 1, in the findings and in the per-cell table
    assert "cell 1       warning output-mismatch" in text and "-1" in text and "+2" in text
    assert "\n  1       " in text and "\n  0       " not in text
    assert (
        "67 MiB" in text
        and "out.csv  12 bytes" in text
        and "baseline recorded in .readiness/a.ipynb.rehearsal.json" in text
    )
    # the first run stopped at the cell, so the second was skipped
    record.cells[0].runs = [CellTiming("error", 0.01, None)]
    stopped = render(Outcome("failed", findings=[], record=record, seconds=1.0).reply("a.ipynb"), colour=False)
    assert stopped.startswith("a.ipynb  rehearsal failed: 1 of 2 fresh runs of kernel python3, 1.00 s")
    assert (
        render(Outcome("error", error="no such kernel").reply("a.ipynb"), colour=False)
        == "a.ipynb  cannot rehearse: no such kernel\n"
    )


SECRET_URL = "https://ana:s3cretPassw0rd@example.com/data.csv"


def test_a_command_line_a_finding_quotes_shows_no_credential():
    from jupyterlab_readiness.actions.rehearse.snapshot import FileChange

    shell = [Access("p", f"/bin/bash -c curl -s {SECRET_URL} >> out/rows.csv", "os.exec")]
    runs = [RunResult(n, [CellRun(0, "ok", accesses=shell)]) for n in (1, 2)]
    grown = [FileChange("out/rows.csv", "changed", 10, 20, True)]
    built = build(_evidence([code(f"!curl -s {SECRET_URL} >> out/rows.csv")], runs, changes=grown))
    (changed,) = [f for f in built.findings if f.check == "non-idempotent-write"]
    assert "the shell command this cell ran (`curl -s https://***@example.com/data.csv >> out/rows.csv`)" in (
        changed.message
    )
    (downloads,) = [f for f in built.findings if f.check == "external-input"]
    assert "https://***@example.com/data.csv" in downloads.message
    assert "s3cretPassw0rd" not in json.dumps([to_dict(f) for f in built.findings])


def test_an_output_diff_shows_no_credential():
    token = "ghp_" + "aBcdEfGhIjKlMnOpQrStUvWxYz0123456789"
    shown = out.diff([out.Item("stdout", f"token {token}\n")], [out.Item("stdout", "token none\n")], "saved", "run")
    assert "token ***" in shown and token not in shown
