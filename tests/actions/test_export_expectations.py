"""The handoff contract an exported package carries from the notebook's rehearsal: the shapes the
rehearsal reads back from the files it wrote, the schemas, thresholds and golden hashes the export
derives from them, and — the fast slice of test_export_alerts_acceptance.py — one real notebook
rehearsed in a real kernel, exported, and its command run on its own input (exit 0, no alert), on
an input with a column dropped (exit 1, a schema alert naming the column) and on a tenth of the
rows (exit 3, a row-count alert), with the package's own tests, golden test included, passing."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from helpers.cli import python, readiness
from helpers.frame_notebooks import (
    ORDERS,
    ORDERS_PARQUET,
    ORDERS_SQL,
    FrameCase,
    dropped_column,
    tenth_of_rows,
    write_case,
)
from helpers.kernels import running_kernel
from helpers.notebooks import code, md, notebook
from jupyterlab_readiness.actions.export.expectations import expectations
from jupyterlab_readiness.actions.export.file_names import file_names
from jupyterlab_readiness.actions.export.parameters import Parameter
from jupyterlab_readiness.actions.rehearse.shapes import shapes
from jupyterlab_readiness.actions.rehearse.snapshot import differences, take
from jupyterlab_readiness.contract.baseline import (
    CellBaseline,
    CellTiming,
    ColumnShape,
    FileBaseline,
    OutputShape,
    RehearsalRecord,
    record_from_dict,
)
from jupyterlab_readiness.contract.report import to_dict
from jupyterlab_readiness.contract.schema import EXPORT_REPLY

TIMEOUT = 180


def _file(folder: Path, name: str, text: str) -> FileBaseline:
    (folder / name).write_text(text, encoding="utf-8")
    return FileBaseline(name, len(text.encode()), "0" * 64, [3])


def test_shapes_read_tables_and_records_back_as_a_reader_would(tmp_path):
    rows = "".join(f"{i},{'ab'[i % 2]},{'' if i == 3 else i * 1.5},{f'id{i}'}\n" for i in range(12))
    files = [
        _file(tmp_path, "out.csv", "n,kind,value,name\n" + rows),
        _file(tmp_path, "totals.json", json.dumps({"total": 1.5, "n": 3, "label": "x", "extra": None})),
        _file(tmp_path, "rows.json", json.dumps([{"a": 1, "b": "x"}, {"a": 2, "b": None}])),
        _file(tmp_path, "list.json", json.dumps([1, 2, 3])),  # not a table, not a record
        _file(tmp_path, "broken.csv", '"unclosed\n'),
        _file(tmp_path, "notes.txt", "hello\n"),
    ]
    found = {s.path: s for s in shapes(tmp_path, files)}
    assert set(found) == {"out.csv", "totals.json", "rows.json"}
    table = found["out.csv"]
    assert (table.kind, table.rows) == ("table", 12)
    columns = {c.name: c for c in table.columns}
    assert columns["n"].dtype == "int64" and not columns["n"].nullable
    assert columns["value"].dtype == "float64" and columns["value"].nullable
    assert columns["kind"].values == ["a", "b"], "2 values over 12 rows: categorical"
    assert columns["name"].values is None, "12 distinct names in 12 rows: not categorical"
    record = found["totals.json"]
    assert (record.kind, record.rows) == ("record", None)
    assert [(c.name, c.dtype, c.nullable) for c in record.columns] == [
        ("total", "float", False),
        ("n", "int", False),
        ("label", "str", False),
        ("extra", "null", True),
    ]
    assert found["rows.json"].rows == 2


def test_shapes_read_each_table_of_a_sqlite_file_and_nothing_else(tmp_path):
    import pandas as pd

    database = tmp_path / "out.db"
    with closing(sqlite3.connect(database)) as connection:
        pd.DataFrame({"id": range(12), "kind": ["a", "b"] * 6}).to_sql("items", connection, index=False)
        pd.DataFrame({"total": [1.5, None]}).to_sql('odd "name"', connection, index=False)
        connection.execute("CREATE VIEW doubled AS SELECT id * 2 AS id FROM items")
        connection.commit()
    before = database.read_bytes()
    (tmp_path / "not_sqlite.db").write_bytes(b"a key-value store, not SQLite\n")
    files = [
        FileBaseline(name, (tmp_path / name).stat().st_size, "0" * 64, [3]) for name in ("out.db", "not_sqlite.db")
    ]
    found = {s.table: s for s in shapes(tmp_path, files)}
    assert set(found) == {"items", 'odd "name"'}, "one shape per table; no view, nothing from the other file"
    items = found["items"]
    assert (items.path, items.kind, items.rows) == ("out.db", "table", 12)
    (ids, kinds) = items.columns
    assert (ids.name, ids.dtype, ids.values) == ("id", "int64", None)
    assert (kinds.name, kinds.values) == ("kind", ["a", "b"]) and kinds.dtype in ("object", "str"), "pandas 2 or 3"
    assert [(c.name, c.dtype, c.nullable) for c in found['odd "name"'].columns] == [("total", "float64", True)]
    assert database.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["not_sqlite.db", "out.db"]


def test_a_sqlite_file_is_a_write_when_the_code_writes_tables_into_it_else_a_read():
    writing = [
        "import sqlite3\nconnection = sqlite3.connect('out.db')\nframe.to_sql('t', connection)",
        "from sqlalchemy import create_engine\nengine = create_engine('sqlite:///warehouse.sqlite')",
    ]
    assert file_names(writing) == ({"out.db": "out.db", "warehouse.sqlite": "warehouse.sqlite"}, [])
    reading = ["import sqlite3\nframe = pd.read_sql_query('SELECT 1', sqlite3.connect('input.db'))"]
    assert file_names(reading) == ({}, ["input.db"])
    not_sqlite = ["import psycopg\nframe.to_sql('t', psycopg.connect('dbname.conf'))"]
    assert file_names(not_sqlite) == ({}, ["dbname.conf"])


def test_a_file_named_from_a_parameter_is_the_notebook_s_file_and_a_template_a_run_fills_in():
    cells = [
        "import os\nfrom pathlib import Path\nos.makedirs(out_dir, exist_ok=True)",
        "df.to_csv(f'{out_dir}/weekday_counts.csv')\nreport = Path(out_dir) / f'report_{day}'",
        "df.to_json(report / 'totals.json')\ndf.to_csv('plain{1}.csv')\ndf.to_csv(Path(out_dir) / '..' / 'up.csv')",
    ]
    writes, _ = file_names(cells, {"out_dir": "out", "day": "7"})
    assert writes == {
        "out/weekday_counts.csv": "{out_dir}/weekday_counts.csv",
        "out/report_7/totals.json": "{out_dir}/report_{day}/totals.json",
        "plain{1}.csv": "plain{{1}}.csv",  # a literal's braces: text, not a field
        # out_dir may hold two folders in a run: its `..` is not resolved away
        "up.csv": "{out_dir}/../up.csv",
    }
    assert all(t.format(out_dir="out", day=7) in (p, "out/../up.csv") for p, t in writes.items())


def test_a_sqlite_file_rewritten_with_the_same_rows_is_no_change_and_with_other_rows_is(tmp_path):
    import pandas as pd

    database = tmp_path / "out.db"

    def write(rows: int) -> None:
        with closing(sqlite3.connect(database)) as connection:
            pd.DataFrame({"n": range(rows)}).to_sql("t", connection, index=False, if_exists="replace")

    original = take(tmp_path, None)
    write(5)
    first = take(tmp_path, original)
    write(5)
    second = take(tmp_path, first)
    assert first["out.db"].sha256 != second["out.db"].sha256, "SQLite's header counts the writes"
    assert differences(tmp_path, first, second, lambda _: None) == []
    write(6)
    third = take(tmp_path, second)
    assert [c.path for c in differences(tmp_path, second, third, lambda _: None)] == ["out.db"]


def _record(**changes) -> RehearsalRecord:
    fields = dict(
        key="k",
        notebook="nb.ipynb",
        rehearsed_at="2026-01-02T03:04:05Z",
        kernel="python3",
        parameters={},
        runs=2,
        in_place=False,
        passed=True,
        seconds=3.0,
        code_cells=[1, 2],
        findings=[],
        cells=[
            CellBaseline(1, None, [CellTiming("ok", 1.0, 100 * 2**20)]),
            CellBaseline(2, None, [CellTiming("ok", 3.0, 200 * 2**20)]),
        ],
        files=[FileBaseline("out.csv", 500, "a" * 64, [2]), FileBaseline("other.csv", 10, "b" * 64, [2])],
        outputs=[
            OutputShape(
                "out.csv",
                "table",
                40,
                [ColumnShape("region", "str", False, ["n", "s"]), ColumnShape("2nd value", "float64", True)],
            )
        ],
    )
    fields.update(changes)
    return RehearsalRecord(**fields)


def test_thresholds_come_from_the_baseline_and_never_alert_on_it():
    got = expectations(_record(), ["out.csv"], [Parameter("n", "int", "5", "cell", 1)])
    assert got is not None
    defaults = {t["name"]: t["default"] for t in got.thresholds}
    assert defaults == {
        "out_csv_min_rows": "20",
        "out_csv_max_rows": "80",
        "max_seconds": "34",  # 4 s: the 30 s margin is more than 5x
        "max_peak_memory_mb": "600",  # 3x 200 MB
        "not_empty": "['out.csv']",  # other.csv: not written by the pipeline under that name
    }
    assert all("2026-01-02T03:04:05Z" in t["description"] for t in got.thresholds)
    assert got.golden == {"out.csv": "a" * 64} and got.within == []
    (table,) = got.tables
    assert table["model"] == "OutCsv"
    assert [(c["field"], c["name"], c["annotation"], c["categories"]) for c in table["columns"]] == [
        ("region", "region", "str", ["n", "s"]),
        ("column_2nd_value", "2nd value", "float", None),
    ]


def test_sql_tables_get_a_model_and_thresholds_each_named_uniquely_and_no_hash():
    column = [ColumnShape("n", "int64", False)]
    record = _record(
        files=[FileBaseline("out.db", 8192, "a" * 64, [2]), FileBaseline("plain.csv", 9, "b" * 64, [2])],
        outputs=[
            OutputShape("out.db", "table", 10, column, "t"),
            OutputShape("out.db", "table", 30, column, "T"),
            OutputShape("plain.csv", "table", 3, column),
        ],
    )
    got = expectations(record, ["out.db", "plain.csv"], [])
    assert got is not None
    assert [(t["path"], t["table"], t["model"]) for t in got.tables] == [
        ("out.db", "t", "OutDbT"),
        ("out.db", "T", "OutDbT2"),
        ("plain.csv", None, "PlainCsv"),
    ]
    assert [(r["table"], r["minimum"]) for r in got.row_checks] == [
        ("t", "out_db_t_min_rows"),
        ("T", "out_db_t_2_min_rows"),
        (None, "plain_csv_min_rows"),
    ]
    assert "table 't' of out.db" in got.thresholds[0]["description"]
    assert got.golden == {"plain.csv": "b" * 64} and got.within == ["out.db"]


def test_no_thresholds_without_a_passing_rehearsal_and_no_hashes_for_what_differs_between_runs():
    assert expectations(None, ["out.csv"], []) is None
    assert expectations(_record(passed=False), ["out.csv"], []) is None
    clock = expectations(_record(), ["out.csv"], [Parameter("run_date", "datetime | None", "None", "clock", 1)])
    assert clock is not None and clock.golden == {} and clock.within == ["out.csv"]
    other_values = expectations(_record(parameters={"n": 6}), ["out.csv"], [Parameter("n", "int", "5", "cell", 1)])
    assert other_values is not None and other_values.golden == {}
    # saved again by the second run with other bytes and the same content (a PDF's dates): no hash recorded
    resaved = expectations(_record(files=[FileBaseline("out.csv", 500, "", [2])]), ["out.csv"], [])
    assert resaved is not None and resaved.golden == {} and resaved.within == ["out.csv"]


def test_a_rehearsal_on_other_parameter_values_sets_no_row_band_and_no_categories():
    # rehearsed with `-p n 40`: the package, run on the notebook's n = 5, writes other rows and values
    other = expectations(_record(parameters={"n": 40}), ["out.csv"], [Parameter("n", "int", "5", "cell", 1)])
    assert other is not None and other.row_checks == [] and other.golden == {}
    assert {t["name"] for t in other.thresholds} == {"max_seconds", "max_peak_memory_mb", "not_empty"}
    assert [c["categories"] for c in other.tables[0]["columns"]] == [None, None]
    own = expectations(_record(parameters={"n": 5}), ["out.csv"], [Parameter("n", "int", "5", "cell", 1)])
    assert own is not None and len(own.row_checks) == 1 and own.tables[0]["columns"][0]["categories"] == ["n", "s"]


def test_the_record_keeps_its_output_shapes_through_json():
    record = _record()
    record.outputs.append(OutputShape("out.db", "table", 2, [ColumnShape("n", "int64", False)], "t"))
    again = record_from_dict(json.loads(json.dumps(to_dict(record))))
    assert again is not None and again.outputs == record.outputs
    older = to_dict(record)
    del older["outputs"][1]["table"]  # a shape recorded before SQL tables were read back
    assert record_from_dict(older).outputs[1].table is None
    del older["outputs"]  # a record written before shapes were recorded
    assert record_from_dict(older).outputs == []


# ------------------------------------------------------------------------- the fast slice, for real


def _readiness(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return readiness(*args, cwd=cwd, timeout=TIMEOUT)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """ORDERS rehearsed once in a real kernel, then exported beside it."""
    folder = tmp_path_factory.mktemp("orders") / "nb"
    path = write_case(ORDERS, folder)
    rehearsed = _readiness("rehearse", path.name, "--runs", "1", cwd=folder)
    assert rehearsed.returncode == 0, rehearsed.stdout + rehearsed.stderr
    done = _readiness("export", path.name, "--out", "project", cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder / "project"


def _command(project: Path, folder: Path, table: str, case: FrameCase = ORDERS) -> tuple[int, dict]:
    folder.mkdir()
    (folder / case.table).write_text(table, encoding="utf-8")
    done = python("-m", case.name, cwd=folder, path=project / "src", timeout=TIMEOUT)
    lines = done.stdout.splitlines()
    assert len(lines) == 1, done.stdout + done.stderr
    return done.returncode, json.loads(lines[0])


def test_the_memory_of_the_process_that_started_the_command_is_not_the_run_s(exported, tmp_path):
    """A scheduler or test runner that holds much memory starts the command: on Linux getrusage's
    peak survives exec, so the package reads its own VmHWM, as the rehearsal measured the kernel."""
    thresholds = (exported / "src" / ORDERS.name / "thresholds.py").read_text(encoding="utf-8")
    assert "max_peak_memory_mb" in thresholds
    folder = tmp_path / "large_parent"
    folder.mkdir()
    (folder / ORDERS.table).write_text(ORDERS.inputs[ORDERS.table], encoding="utf-8")
    parent = (
        "import os, sys\n"
        "held = b'x' * (800 * 2**20)\n"  # far above the threshold, written so that it is resident
        f"os.execv(sys.executable, [sys.executable, '-m', {ORDERS.name!r}])"
    )
    done = python("-c", parent, cwd=folder, path=exported / "src", timeout=TIMEOUT)
    summary = json.loads(done.stdout.splitlines()[-1])
    assert (done.returncode, summary["status"], summary["alerts"]) == (0, "ok", []), done.stderr[-2000:]


def test_the_package_alerts_on_a_dropped_column_and_on_a_tenth_of_the_rows(exported, tmp_path):
    names = {p.relative_to(exported).as_posix() for p in exported.rglob("*.py")}
    src = f"src/{ORDERS.name}"
    assert {f"{src}/schemas.py", f"{src}/thresholds.py", f"{src}/alerts.py", "tests/test_golden.py"} <= names
    assert "pandera" in (exported / "pyproject.toml").read_text(encoding="utf-8")

    code, summary = _command(exported, tmp_path / "same", ORDERS.inputs[ORDERS.table])
    assert (code, summary["status"], summary["alerts"]) == (0, "ok", [])

    code, summary = _command(exported, tmp_path / "dropped", dropped_column(ORDERS))
    assert (code, summary["status"]) == (1, "failed")
    (alert,) = summary["alerts"]
    assert alert["check"] == "schema" and f"'{ORDERS.dropped}'" in alert["got"], alert
    assert "\n" not in summary["error"] and ORDERS.dropped in summary["error"]

    code, summary = _command(exported, tmp_path / "tenth", tenth_of_rows(ORDERS))
    assert (code, summary["status"]) == (3, "degraded")
    assert [a["check"] for a in summary["alerts"]] == ["row-count"], summary["alerts"]
    assert "clean_orders.csv" in summary["alerts"][0]["expected"]


def test_a_parquet_table_is_read_back_by_its_schema_and_alerts_like_a_csv(tmp_path):
    folder = tmp_path / "nb"
    path = write_case(ORDERS_PARQUET, folder)
    rehearsed = _readiness("rehearse", path.name, "--runs", "1", cwd=folder)
    assert rehearsed.returncode == 0, rehearsed.stdout + rehearsed.stderr
    done = _readiness("export", path.name, "--out", "project", cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    project = folder / "project"
    schemas = (project / "src" / ORDERS_PARQUET.name / "schemas.py").read_text(encoding="utf-8")
    assert "clean_orders.parquet" in schemas and "DataFrameModel" in schemas
    assert "pyarrow" in (project / "pyproject.toml").read_text(encoding="utf-8"), "the engine pandas writes with"

    code, summary = _command(project, tmp_path / "same", ORDERS.inputs[ORDERS.table], ORDERS_PARQUET)
    assert (code, summary["status"], summary["alerts"]) == (0, "ok", [])
    code, summary = _command(project, tmp_path / "dropped", dropped_column(ORDERS_PARQUET), ORDERS_PARQUET)
    assert (code, summary["status"]) == (1, "failed")
    (alert,) = summary["alerts"]
    assert alert["check"] == "schema" and f"'{ORDERS.dropped}'" in alert["got"], alert


def test_tables_written_through_sql_are_read_back_from_the_database_and_alert_like_files(tmp_path):
    folder = tmp_path / "nb"
    path = write_case(ORDERS_SQL, folder)
    rehearsed = _readiness("rehearse", path.name, cwd=folder)  # two runs: the database rewritten alike
    assert rehearsed.returncode == 0, rehearsed.stdout + rehearsed.stderr
    done = _readiness("export", path.name, "--out", "project", cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    project = folder / "project"
    package = project / "src" / ORDERS_SQL.name
    schemas = (package / "schemas.py").read_text(encoding="utf-8")
    assert "class OrdersDbCleanOrders(pa.DataFrameModel)" in schemas
    assert "class OrdersDbRegionTotals(pa.DataFrameModel)" in schemas
    thresholds = (package / "thresholds.py").read_text(encoding="utf-8")
    assert "orders_db_clean_orders_min_rows" in thresholds and "orders_db_region_totals_max_rows" in thresholds
    golden = (project / "tests" / "test_golden.py").read_text(encoding="utf-8")
    assert "GOLDEN" not in golden, "a SQLite file's bytes are not stable: schemas and thresholds only"
    assert "4 passed" in _package_tests(project), "idempotent by the database's content, not its bytes"

    code, summary = _command(project, tmp_path / "same", ORDERS.inputs[ORDERS.table], ORDERS_SQL)
    assert (code, summary["status"], summary["alerts"]) == (0, "ok", [])

    code, summary = _command(project, tmp_path / "dropped", dropped_column(ORDERS_SQL), ORDERS_SQL)
    assert (code, summary["status"]) == (1, "failed")
    (alert,) = summary["alerts"]
    assert alert["check"] == "schema" and f"'{ORDERS.dropped}'" in alert["got"], alert
    line = summary["error"]
    assert "\n" not in line and all(word in line for word in ("orders.db", "clean_orders", ORDERS.dropped)), line

    code, summary = _command(project, tmp_path / "tenth", tenth_of_rows(ORDERS_SQL), ORDERS_SQL)
    assert (code, summary["status"]) == (3, "degraded")
    (alert,) = summary["alerts"]
    assert alert["check"] == "row-count" and "'clean_orders' of orders.db" in alert["expected"], alert


RIDES = notebook(
    md("# Rides per weekday"),
    {**code('out_dir = "out"'), "metadata": {"tags": ["parameters"]}},
    code("import os\n\nimport pandas as pd"),
    code("rides = pd.read_csv('rides.csv')\ncounts = rides.groupby('weekday', as_index=False).sum(numeric_only=True)"),
    code('os.makedirs(out_dir, exist_ok=True)\ncounts.to_csv(f"{out_dir}/weekday_counts.csv", index=False)'),
)
RIDES_CSV = "weekday,bikes,scooters\n" + "".join(f"{d},{i},{i * 2}\n" for i, d in enumerate(["mon", "tue", "wed"] * 8))


def test_alerts_and_schemas_check_the_file_a_run_wrote_under_a_name_built_from_its_parameters(tmp_path):
    folder = tmp_path / "nb"
    folder.mkdir()
    (folder / "rides.ipynb").write_text(json.dumps(RIDES), encoding="utf-8")
    (folder / "rides.csv").write_text(RIDES_CSV, encoding="utf-8")
    rehearsed = _readiness("rehearse", "rides.ipynb", "--runs", "1", cwd=folder)
    assert rehearsed.returncode == 0, rehearsed.stdout + rehearsed.stderr
    done = _readiness("export", "rides.ipynb", "--out", "project", cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    project = folder / "project"
    package = project / "src" / "rides"
    assert 'TABLES: dict[str, Any] = {"{out_dir}/weekday_counts.csv": ' in (package / "schemas.py").read_text()
    assert 'default=["{out_dir}/weekday_counts.csv"]' in (package / "thresholds.py").read_text()

    def command(work: Path, table: str, *args: str) -> tuple[int, dict]:
        (work / "rides.csv").write_text(table, encoding="utf-8")
        run = python("-m", "rides", *args, cwd=work, path=project / "src", timeout=TIMEOUT)
        return run.returncode, json.loads(run.stdout.splitlines()[-1])

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    code, summary = command(fresh, RIDES_CSV, "--out-dir", "out2")
    assert (code, summary["status"], summary["alerts"]) == (0, "ok", []), summary
    assert (fresh / "out2" / "weekday_counts.csv").is_file() and not (fresh / "out").exists()

    # a folder where a run on the notebook's values left a good out/weekday_counts.csv behind: the
    # run on out2, on an input with a column dropped, is checked on what it wrote, not on that
    stale = tmp_path / "stale"
    (stale / "out").mkdir(parents=True)
    (stale / "out" / "weekday_counts.csv").write_bytes((fresh / "out2" / "weekday_counts.csv").read_bytes())
    dropped = "".join(line.rsplit(",", 1)[0] + "\n" for line in RIDES_CSV.splitlines())
    code, summary = command(stale, dropped, "--out-dir", "out2")
    assert (code, summary["status"]) == (1, "failed"), summary
    (alert,) = summary["alerts"]
    assert alert["check"] == "schema" and "out2/weekday_counts.csv" in alert["got"] and "scooters" in alert["got"]
    assert "5 passed" in _package_tests(project)


def _package_tests(project: Path) -> str:
    """The project's golden and pipeline tests run, and ruff on the project: pytest's output."""
    tests = python(
        *("-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_golden.py", "tests/test_pipeline.py"),
        cwd=project,
        path=project / "src",
        timeout=TIMEOUT,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    for ruff in (["check", "."], ["format", "--check", "."]):
        done = subprocess.run([sys.executable, "-m", "ruff", *ruff], cwd=project, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    return tests.stdout


def test_the_package_tests_pass_golden_included_and_pass_ruff(exported):
    assert "5 passed" in _package_tests(exported)


def test_reexport_is_identical_and_leaves_an_edited_schema_alone(exported):
    folder = exported.parent
    schemas = exported / "src" / ORDERS.name / "schemas.py"
    edited = schemas.read_text(encoding="utf-8").replace("nullable=False", "nullable=True", 1)
    schemas.write_text(edited, encoding="utf-8")
    first = _readiness(
        "export", f"{ORDERS.name}.ipynb", "--out", "project", "--dry-run", "--format", "json", cwd=folder
    )
    second = _readiness(
        "export", f"{ORDERS.name}.ipynb", "--out", "project", "--dry-run", "--format", "json", cwd=folder
    )
    assert first.stdout == second.stdout, "the preview differs between two runs"
    reply = json.loads(first.stdout)
    assert reply["conflicts"] == [f"src/{ORDERS.name}/schemas.py"]
    assert schemas.read_text(encoding="utf-8") == edited


def test_schemas_left_out_without_a_current_rehearsal_come_back_as_updates_not_conflicts(tmp_path):
    """An export after a code edit leaves schemas, thresholds and the golden test out (nothing
    rehearsed that code); once the new code is rehearsed, the next export updates them as its own
    files: nobody edited them."""
    folder = tmp_path / "nb"
    path = write_case(ORDERS, folder)
    assert _readiness("rehearse", path.name, "--runs", "1", cwd=folder).returncode == 0
    assert _readiness("export", path.name, "--out", "project", cwd=folder).returncode == 0
    edited = json.loads(path.read_text(encoding="utf-8"))
    code_cell = [c for c in edited["cells"] if c["cell_type"] == "code"][-1]
    code_cell["source"] = "".join(code_cell["source"]) + "\nextra = 1"
    path.write_text(json.dumps(edited), encoding="utf-8")
    unrehearsed = _readiness("export", path.name, "--out", "project", cwd=folder)
    assert unrehearsed.returncode == 0 and "No passing rehearsal" in unrehearsed.stdout, unrehearsed.stdout
    assert _readiness("rehearse", path.name, "--runs", "1", cwd=folder).returncode == 0
    again = _readiness("export", path.name, "--out", "project", "--format", "json", cwd=folder)
    reply = json.loads(again.stdout)
    assert again.returncode == 0 and reply["conflicts"] == [], again.stdout + again.stderr
    assert {f["path"]: f["status"] for f in reply["files"]}[f"src/{ORDERS.name}/thresholds.py"] == "update"


# ------------------------------------------------------------------------- results, from the live kernel

TOTALS = notebook(
    md("# Totals"),
    code("import pandas as pd"),
    md("## Load"),
    code(
        "orders = pd.DataFrame({'region': ['n', 's', 'n'], 'amount': [1.0, 2.0, 3.0]})\n"
        "total = float(orders['amount'].sum())\n"
        "label = 'sum'\n"
        "print(total, label)"
    ),
    md("## Report"),
    code("by_region = orders.groupby('region')['amount'].sum()\nprint(by_region.to_string(), total, label)"),
)


async def test_the_live_kernel_types_what_run_returns(jp_fetch, jp_serverapp, jp_root_dir):
    (jp_root_dir / "totals.ipynb").write_text(json.dumps(TOTALS), encoding="utf-8")
    async with running_kernel(jp_fetch, jp_serverapp) as kernel:
        for cell in TOTALS["cells"]:
            if cell["cell_type"] == "code":
                await kernel.run(cell["source"])
        body = {"path": "totals.ipynb", "kernel_id": kernel.id, "write": True}
        response = await jp_fetch("readiness", "export", method="POST", body=json.dumps(body))
    reply = EXPORT_REPLY.validate_json(response.body)
    texts = {f.path: f.text for f in reply.files}
    schemas = texts["src/totals/schemas.py"]
    assert "class Results(BaseModel):" in schemas
    for line in ("orders: pd.DataFrame", "total: float", "label: str"):
        assert line in schemas, schemas
    assert "validate_results(results)" in texts["src/totals/pipeline.py"]
    assert "src/totals/thresholds.py" not in texts, "no rehearsal: no thresholds invented"
    project = jp_root_dir / "totals"
    ran = python("-m", "totals", cwd=jp_root_dir, path=project / "src", timeout=TIMEOUT)
    assert ran.returncode == 0 and json.loads(ran.stdout)["status"] == "ok", ran.stdout + ran.stderr
    drifted = python(
        "-c",
        "from totals.pipeline import run\nfrom totals.parameters import Parameters\n"
        "import totals.pipeline as p\np.validate_results({**run(Parameters()), 'total': 'many'})",
        cwd=jp_root_dir,
        path=project / "src",
        timeout=TIMEOUT,
    )
    last = drifted.stderr.strip().splitlines()[-1]
    assert last.startswith("totals.schemas.SchemaDrift:") and "'total'" in last, drifted.stderr
