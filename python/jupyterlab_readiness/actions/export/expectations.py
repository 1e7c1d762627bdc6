"""What a normal run of the exported package looks like, from the notebook's last rehearsal: the
schemas of the tables and records it writes, the thresholds a run is held to, and the hashes its
golden test expects. Plain data for the templates; ``None`` without a rehearsal that applies (the
package then carries no schema and no threshold: none is invented).

Thresholds are set so that a run on the rehearsal's own inputs never alerts, and far enough from
the baseline that normal variation does not either (a scheduler pages on them):

* rows of each table written: from half to twice the baseline's (a tenth of the rows is an alert);
* run time: under 5× the baseline's cells' time, and never under it plus 30 s (start-up, a slower
  disk);
* peak memory: under 3× the kernel's peak, and never under it plus 256 MB;
* each file written must exist and not be empty.

A file is named by its template (``"{out_dir}/counts.csv"``, ``str.format`` text), which a run
fills in with its own parameters' values: a run with ``--out-dir other`` is checked on the files it
wrote, never on those a run on the notebook's values left behind.

A table of a SQLite file is checked by its schema and its rows like a file's; the file itself never
by its hash (SQLite's bytes change with its page layout, not only with the data).
"""

from __future__ import annotations

import ast
import keyword
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...contract.baseline import ColumnShape, OutputShape, RehearsalRecord
from .file_names import escaped
from .parameters import Parameter

ROWS_LOW, ROWS_HIGH = 0.5, 2.0
SECONDS_FACTOR, SECONDS_MARGIN = 5.0, 30.0
MEMORY_FACTOR, MEMORY_MARGIN_MB = 3.0, 256.0
# pandas dtypes read back → the pandera annotation (Series[...]); others are checked as present only.
_PANDERA_TYPES = {
    "int64": "int",
    "float64": "float",
    "bool": "bool",
    "object": "str",
    "str": "str",
    "string": "str",
    "datetime64[ns]": "pd.Timestamp",
}
_PYDANTIC_TYPES = {"bool": "bool", "int": "int", "float": "float", "str": "str", "list": "list", "dict": "dict"}
# Names a DataFrameModel or BaseModel has itself: a column of that name gets a trailing underscore.
_TAKEN = frozenset({"Config", "validate", "to_schema", "example", "strategy", "model_config", "model_fields"})


@dataclass(frozen=True)
class Expectations:
    rehearsed_at: str
    # pandera models: {path, name, table, model, rows, columns: [{name, field, annotation, dtype, nullable,
    # categories}]} (path: the file the rehearsal read; name: its template; table: the table's name in
    # a SQLite file, else None)
    tables: list[dict[str, Any]]
    records: list[dict[str, Any]]  # pydantic models: {path, name, model, fields: [{name, field, annotation}]}
    thresholds: list[dict[str, Any]]  # {name, annotation, default, description}
    row_checks: list[dict[str, Any]]  # {path, name, table, minimum, maximum} (the names of the thresholds)
    not_empty: list[str]  # files each run must write, not empty
    golden: dict[str, str]  # path → sha256 the run must reproduce exactly
    within: list[str]  # files legitimately different from run to run: checked by schema and thresholds
    seconds: float | None  # the baseline's run time (its cells', first run)
    peak_mb: float | None

    def variables(self) -> dict[str, Any]:
        return {
            "rehearsed_at": self.rehearsed_at,
            "tables": self.tables,
            "records": self.records,
            "thresholds": self.thresholds,
            "row_checks": self.row_checks,
            "not_empty": self.not_empty,
            "golden": self.golden,
            "within": self.within,
            "seconds": self.seconds,
            "peak_mb": self.peak_mb,
        }


def expectations(
    record: RehearsalRecord | None,
    writes: list[str],
    parameters: list[Parameter],
    templates: Mapping[str, str] | None = None,
) -> Expectations | None:
    """``writes``: the files the pipeline writes by a literal name, or one built from the
    parameters, on the notebook's values (a name built at run time, with a date say, cannot be
    checked by name); ``templates``: their templates (file_names), a file not in it a literal
    name. A record that did not pass gives none."""
    if record is None or not record.passed:
        return None
    named = {path: (templates or {}).get(path, escaped(path)) for path in writes}
    wanted = set(writes)
    files = [f for f in record.files if f.path in wanted]
    shapes = [o for o in record.outputs if o.path in wanted]
    # rows and category values belong to the values rehearsed: on others (``-p n 40``) the package,
    # run on the notebook's own values, would alert on its first normal run
    own_values = _own_values(record, parameters)
    stable = own_values and not any(p.origin in ("clock", "seed") for p in parameters)
    # A file whose bytes changed between the rehearsal's runs failed it (non-idempotent-write), but
    # for one saved again with the same content (a PDF's dates): recorded with no SHA-256. And a
    # SQLite file's bytes follow its page layout, not only its rows.
    sqlite = {s.path for s in shapes if s.table is not None}
    golden = {f.path: f.sha256 for f in files if stable and f.path not in sqlite and f.sha256}
    seconds = _seconds(record)
    peak_mb = _peak_mb(record)
    thresholds: list[dict[str, Any]] = []
    row_checks = []
    when = record.rehearsed_at
    stems = _unique([_identifier(_label(s).lower()) for s in shapes])
    for shape, stem in zip(shapes, stems, strict=True):
        if shape.kind != "table" or not shape.rows or not own_values:
            continue
        low, high = max(1, math.floor(shape.rows * ROWS_LOW)), math.ceil(shape.rows * ROWS_HIGH)
        where = shape.path if shape.table is None else f"table '{shape.table}' of {shape.path}"
        basis = f"baseline: {shape.rows} rows in {where} at the rehearsal of {when}"
        thresholds.append(_threshold(f"{stem}_min_rows", "int", low, f"{basis}; alert under half of it"))
        thresholds.append(_threshold(f"{stem}_max_rows", "int", high, f"{basis}; alert over twice it"))
        minimum, maximum = f"{stem}_min_rows", f"{stem}_max_rows"
        check = {"path": shape.path, "name": named[shape.path], "table": shape.table}
        row_checks.append({**check, "minimum": minimum, "maximum": maximum})
    modelled = list(zip(shapes, _unique([_model_name(_label(s)) for s in shapes]), strict=True))
    if seconds is not None:
        limit = math.ceil(max(seconds * SECONDS_FACTOR, seconds + SECONDS_MARGIN))
        basis = f"baseline: {seconds:g} s for the notebook's cells at the rehearsal of {when}"
        thresholds.append(_threshold("max_seconds", "float", limit, f"{basis}; alert over 5x it (30 s at least)"))
    if peak_mb is not None:
        limit = math.ceil(max(peak_mb * MEMORY_FACTOR, peak_mb + MEMORY_MARGIN_MB))
        basis = f"baseline: {peak_mb:g} MB peak memory of the kernel at the rehearsal of {when}"
        note = f"{basis}; alert over 3x it (+256 MB at least)"
        thresholds.append(_threshold("max_peak_memory_mb", "int", limit, note))
    not_empty = [f.path for f in files if f.size > 0]
    if not_empty:
        sizes = ", ".join(f"{f.path} {f.size} bytes" for f in files if f.size > 0)
        note = f"baseline: {sizes} at the rehearsal of {when}; alert when one is missing or empty"
        if any(named[path] != path for path in not_empty):
            note += " (each name filled in with the run's parameters: {name} is a parameter's value)"
        thresholds.append(_threshold("not_empty", "list[str]", [named[path] for path in not_empty], note))
    return Expectations(
        rehearsed_at=when,
        tables=[_table(s, named[s.path], m, own_values) for s, m in modelled if s.kind == "table"],
        records=[_record(s, named[s.path], m) for s, m in modelled if s.kind == "record"],
        thresholds=thresholds,
        row_checks=row_checks,
        not_empty=not_empty,
        golden=dict(sorted(golden.items())),
        within=sorted(f.path for f in files if f.path not in golden),
        seconds=seconds,
        peak_mb=peak_mb,
    )


# Types of the live kernel's values → the annotation of the Results field; other types get none.
_RESULT_TYPES = {
    ("int", "builtins"): "int",
    ("float", "builtins"): "float",
    ("str", "builtins"): "str",
    ("bool", "builtins"): "bool",
    ("list", "builtins"): "list",
    ("dict", "builtins"): "dict",
    ("tuple", "builtins"): "tuple",
    ("DataFrame", "pandas"): "pd.DataFrame",  # pandas 3 names its public classes' module so
    ("DataFrame", "pandas.core.frame"): "pd.DataFrame",
    ("Series", "pandas"): "pd.Series",
    ("Series", "pandas.core.series"): "pd.Series",
}


def result_types(handed: list[str], types: dict[str, tuple[str, str | None]]) -> list[dict[str, Any]]:
    """The fields of the ``Results`` model: each value ``run()`` hands back whose type in the live
    kernel is a plain one ({name, annotation}); none without a kernel (a rehearsal records files,
    not the kernel's values)."""
    fields = []
    for name in handed:
        annotation = _RESULT_TYPES.get(types.get(name, ("", None)))
        # pydantic ignores a leading underscore and keeps model_* for itself
        if annotation is not None and not name.startswith(("_", "model_")):
            fields.append({"name": name, "annotation": annotation})
    return fields


def _own_values(record: RehearsalRecord, parameters: list[Parameter]) -> bool:
    """Whether the rehearsal ran on the notebook's own parameter values, as the package's tests and
    its default run do. Only then may it write the rehearsal's bytes (and not even then when a run
    reads the clock or draws unseeded numbers: the package seeds them, the notebook did not)."""
    defaults = {p.name: p.default for p in parameters if p.origin == "cell"}
    for name, value in record.parameters.items():
        try:
            if name not in defaults or ast.literal_eval(defaults[name]) != value:
                return False
        except (ValueError, SyntaxError):
            return False
    return True


def _seconds(record: RehearsalRecord) -> float | None:
    times = [c.runs[0].seconds for c in record.cells if c.runs]
    if not times or any(t is None for t in times):
        return None
    return round(sum(t for t in times if t is not None), 2)


def _peak_mb(record: RehearsalRecord) -> float | None:
    peaks = [c.runs[0].peak_memory for c in record.cells if c.runs and c.runs[0].peak_memory is not None]
    return round(max(peaks) / 2**20, 1) if peaks else None


def _threshold(name: str, annotation: str, default: Any, description: str) -> dict[str, Any]:
    return {"name": name, "annotation": annotation, "default": repr(default), "description": description}


def _identifier(text: str, taken: frozenset[str] | set[str] = frozenset()) -> str:
    # pandera and pydantic ignore attributes with a leading underscore: a digit gets a word instead
    name = re.sub(r"\W+", "_", text).strip("_").lower() or "column"
    if name[0].isdigit():
        name = f"column_{name}"
    while keyword.iskeyword(name) or name in _TAKEN or name in taken or name.startswith("__"):
        name = f"{name}_"
    return name


def _label(shape: OutputShape) -> str:
    """What names a shape's model and thresholds: its file, and its table in a SQLite file."""
    return shape.path if shape.table is None else f"{shape.path}_{shape.table}"


def _unique(names: list[str]) -> list[str]:
    # two outputs whose names fold to one identifier ("a b.db" and "a_b.db"): the later is numbered
    seen: set[str] = set()
    unique = []
    for name in names:
        candidate, n = name, 1
        while candidate in seen:
            n += 1
            candidate = f"{name}_{n}" if name.islower() else f"{name}{n}"
        seen.add(candidate)
        unique.append(candidate)
    return unique


def _model_name(path: str) -> str:
    return "".join(part.capitalize() for part in _identifier(path.replace(".", "_")).split("_") if part) or "Output"


def _fields(columns: list[ColumnShape]) -> list[tuple[ColumnShape, str]]:
    taken: set[str] = set()
    named = []
    for column in columns:
        field = _identifier(column.name, taken)
        taken.add(field)
        named.append((column, field))
    return named


def _table(shape: OutputShape, name: str, model: str, own_values: bool) -> dict[str, Any]:
    return {
        "path": shape.path,
        "name": name,
        "table": shape.table,
        "model": model,
        "rows": shape.rows,
        "columns": [
            {
                "name": column.name,
                "field": field,
                "annotation": _pandera_type(column.dtype),
                "dtype": column.dtype,
                "nullable": column.nullable,
                "categories": column.values if own_values else None,
            }
            for column, field in _fields(shape.columns)
        ],
    }


def _pandera_type(dtype: str) -> str:
    if dtype.startswith("datetime64["):  # the unit varies with the pandas version and the file
        return "pd.Timestamp"
    return _PANDERA_TYPES.get(dtype, "Any")


def _record(shape: OutputShape, name: str, model: str) -> dict[str, Any]:
    fields = []
    for column, field in _fields(shape.columns):
        kind = _PYDANTIC_TYPES.get(column.dtype, "Any")
        fields.append({"name": column.name, "field": field, "annotation": kind, "alias": field != column.name})
    return {"path": shape.path, "name": name, "model": model, "fields": fields}
