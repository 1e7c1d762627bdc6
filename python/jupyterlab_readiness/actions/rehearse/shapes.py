"""The shapes of the tables and records a rehearsal's first run wrote: what the export turns into
output schemas (pandera models for tables, pydantic models for records) and row-count thresholds.

A file is read back as the exported package reads it to validate it — CSV/TSV, Parquet and JSON
lists of objects with pandas' defaults, JSON objects with ``json`` — so the schema describes what
a downstream reader gets, not the frame in memory. Read here, in the rehearsing process (a worker
thread), never in a kernel: no user code runs. Without pandas (or pyarrow, for Parquet) a table is
left out, as is a file too large or one that does not parse: a missing shape means no schema, never
an invented one.

A SQLite file (what ``frame.to_sql`` writes through ``sqlite3`` or an SQLAlchemy ``sqlite:///``
engine) gives one shape per table: opened read-only, and nothing run in it but a ``SELECT`` of
each table ``sqlite_master`` lists — never a view, a trigger or any SQL the notebook wrote.
"""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path
from typing import Any

from ...contract.baseline import ColumnShape, FileBaseline, OutputShape
from .sqlite_files import MAX_BYTES, is_sqlite, read_only

TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".json")
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
# A string column is categorical when it has at most this many distinct values, each seen on
# average at least MIN_REPEATS times: a region or a status, not a name or an id.
MAX_CATEGORIES = 20
MIN_REPEATS = 4
_JSON_TYPES = ((bool, "bool"), (int, "int"), (float, "float"), (str, "str"), (list, "list"), (dict, "dict"))


def shapes(folder: Path, files: list[FileBaseline]) -> list[OutputShape]:
    found = []
    for file in files:
        name = file.path.lower()
        if not name.endswith(TABLE_SUFFIXES + SQLITE_SUFFIXES) or not 0 < file.size <= MAX_BYTES:
            continue
        try:
            if name.endswith(SQLITE_SUFFIXES):
                found += sqlite_shapes(folder / file.path, file.path)
                continue
            shape = _shape(folder / file.path, file.path)
        except Exception:  # noqa: BLE001 - any reader's error: this output gets no schema
            shape = None
        if shape is not None:
            found.append(shape)
    return found


def sqlite_shapes(path: Path, relative: str) -> list[OutputShape]:
    """One shape per table of a SQLite file, read back as ``pandas.read_sql_query`` reads it; none
    when the file is not a SQLite database (a ``.db`` of another engine, say)."""
    if not is_sqlite(path):
        return []
    try:
        import pandas
    except ImportError:
        return []
    found = []
    with closing(read_only(path)) as connection:
        listed = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        for (table,) in listed.fetchall():
            frame = pandas.read_sql_query(f"SELECT * FROM {quoted(table)}", connection)
            if all(isinstance(c, str) for c in frame.columns):
                columns = [_column(frame, name) for name in frame.columns]
                found.append(OutputShape(relative, "table", len(frame), columns, table))
    return found


def quoted(table: str) -> str:
    """A table's name as an SQL identifier: in double quotes, each of its own doubled."""
    return '"' + table.replace('"', '""') + '"'


def _shape(path: Path, relative: str) -> OutputShape | None:
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return OutputShape(relative, "record", None, [_json_field(k, v) for k, v in data.items()])
        if not (isinstance(data, list) and data and all(isinstance(row, dict) for row in data)):
            return None
    try:
        import pandas
    except ImportError:
        return None
    if suffix == ".parquet":
        frame = pandas.read_parquet(path)
    elif suffix == ".json":
        frame = pandas.read_json(path)
    else:
        frame = pandas.read_csv(path, sep="\t" if suffix == ".tsv" else ",")
    if type(frame) is not pandas.DataFrame or not all(isinstance(c, str) for c in frame.columns):
        return None
    return OutputShape(relative, "table", len(frame), [_column(frame, name) for name in frame.columns])


def _column(frame: Any, name: str) -> ColumnShape:
    column = frame[name]
    dtype = str(column.dtype)
    values = None
    if dtype in ("object", "str", "string"):
        present = column.dropna()
        distinct = present.unique()
        if (
            all(isinstance(v, str) for v in distinct)
            and 0 < len(distinct) <= MAX_CATEGORIES
            and len(present) >= MIN_REPEATS * len(distinct)
        ):
            values = sorted(distinct)
    return ColumnShape(name, dtype, bool(column.isna().any()), values)


def _json_field(name: str, value: Any) -> ColumnShape:
    kind = next((label for cls, label in _JSON_TYPES if isinstance(value, cls)), "null")
    return ColumnShape(str(name), kind, value is None)
