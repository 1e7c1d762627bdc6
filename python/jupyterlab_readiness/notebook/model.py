"""The notebook model the checks read: cells with their index over ALL cells, source, count, outputs.

Loading is plain ``json`` plus a small nbformat-3 → 4 normalisation: importing nbformat costs more
than analysing a whole folder of notebooks, and the checks need only these few fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class NotebookError(Exception):
    """The file is not a notebook this tool can read; the message says why, for a person."""


@dataclass(frozen=True, slots=True)
class Cell:
    index: int
    cell_type: str
    source: str
    cell_id: str | None = None
    execution_count: int | None = None
    errors: tuple[tuple[str, str], ...] = ()  # (ename, evalue) of each saved error output
    tags: tuple[str, ...] = ()  # metadata.tags: "parameters" (papermill), "skip-export"
    # The code cell's saved outputs as the notebook JSON holds them: a reference, never copied nor
    # read while checking. Only a cell with a credential has them scanned (checks/secrets.py:
    # whether an output shows it). Not compared, not in repr: an output may hold a secret.
    outputs: list[Any] | tuple[()] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Notebook:
    cells: tuple[Cell, ...]
    language: str = "python"
    nbformat: int = 4
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def is_python(self) -> bool:
        return self.language == "python"

    def code_cells(self) -> list[Cell]:
        return [c for c in self.cells if c.cell_type == "code"]


def read_notebook(path: Path) -> Notebook:
    """Read a notebook file; every failure is a NotebookError with a readable reason."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise NotebookError(f"cannot read file: {exc.strerror or exc}") from exc
    return notebook_from_bytes(raw)


def notebook_from_bytes(raw: bytes) -> Notebook:
    """The model of a notebook file's content; every failure is a NotebookError."""
    return notebook_from_json(notebook_json(raw))


def notebook_json(raw: bytes) -> Any:
    """The JSON of a notebook file's content (UTF-8, a byte-order mark allowed); every failure is
    a NotebookError with a readable reason."""
    try:
        return json.loads(raw)
    except UnicodeDecodeError as exc:
        raise NotebookError("not a notebook: the file is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        if not raw.strip():  # a save that never finished, or a file touched and never written
            raise NotebookError("not a notebook: the file is empty") from exc
        raise NotebookError(f"not a notebook: invalid JSON at line {exc.lineno}, column {exc.colno}") from exc
    except RecursionError as exc:
        raise NotebookError("not a notebook: JSON nested too deeply") from exc


def notebook_from_json(data: Any) -> Notebook:
    """Build the model from notebook JSON (nbformat 4, or 3 converted)."""
    if not isinstance(data, dict):
        raise NotebookError("not a notebook: the JSON top level is not an object")
    major = data.get("nbformat")
    if major is None:
        raise NotebookError("not a notebook: no 'nbformat' version")
    if not isinstance(major, int):  # "4", 4.0: the value is not echoed, it may be anything
        raise NotebookError("not a notebook: its 'nbformat' version is not a number (a whole number, such as 4)")
    if major == 3:
        worksheets = data.get("worksheets")
        if not isinstance(worksheets, list):  # as 'cells' for 4: else a broken file would pass as "ready"
            raise NotebookError("not a notebook: 'worksheets' is missing or not a list")
        raw_cells = [c for ws in worksheets if isinstance(ws, dict) for c in _list(ws.get("cells"))]
    elif major == 4:
        raw_cells = data.get("cells")
        if not isinstance(raw_cells, list):
            raise NotebookError("not a notebook: 'cells' is missing or not a list")
    else:
        raise NotebookError(f"unsupported nbformat {major} (versions 3 and 4 are read)")
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    cells = tuple(_cell(i, c, major) for i, c in enumerate(raw_cells))
    return Notebook(
        cells=cells, language=kernel_language(metadata, major, raw_cells), nbformat=major, metadata=metadata
    )


def kernel_language(metadata: dict[str, Any], major: int = 4, raw_cells: list[Any] | None = None) -> str:
    """The kernel's language in lower case; notebooks that do not say are taken as Python."""
    for key in ("kernelspec", "language_info"):
        section = metadata.get(key)
        if isinstance(section, dict):
            lang = section.get("language") if key == "kernelspec" else section.get("name")
            if isinstance(lang, str) and lang:
                return lang.lower()
    if major == 3:
        for c in raw_cells or ():
            if isinstance(c, dict) and c.get("cell_type") == "code" and isinstance(c.get("language"), str):
                return c["language"].lower()
    name = metadata.get("kernelspec", {}).get("name") if isinstance(metadata.get("kernelspec"), dict) else None
    if isinstance(name, str) and name and not name.lower().startswith(("python", "conda", "py")):
        return name.lower()
    return "python"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        try:
            return "".join(value)
        except TypeError:  # a list with non-strings in it: keep the strings
            return "".join(v for v in value if isinstance(v, str))
    return ""


_MISSING = object()


def _kind(value: Any) -> str:
    """What a JSON value is, for a message that must not repeat the value itself."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "a string"


def _source_text(value: Any, index: int, key: str) -> str:
    """A cell's source that is not a plain string: a list of strings (nbformat's multiline string),
    joined; anything else is a corrupt notebook, never an empty cell (its code would be lost)."""
    where = f"not a notebook: cell {index + 1}'s '{key}'"
    if value is _MISSING:
        raise NotebookError(f"not a notebook: cell {index + 1} has no '{key}'")
    if isinstance(value, list):
        try:
            return "".join(value)
        except TypeError:
            item = next(i for i, v in enumerate(value) if not isinstance(v, str))
            raise NotebookError(
                f"{where} is a list holding {_kind(value[item])} (item {item + 1}), not only strings"
            ) from None
    if value is None:
        raise NotebookError(f"{where} is null, not text (a string or a list of strings)")
    raise NotebookError(f"{where} is {_kind(value)}, not text (a string or a list of strings)")


def _cell(index: int, raw: Any, major: int) -> Cell:
    # Runs for every cell on every live re-check: plain type tests, no work for absent fields.
    if type(raw) is not dict:  # not a cell at all: what it held, and whether it was code, is lost
        raise NotebookError(f"not a notebook: cell {index + 1} is {_kind(raw)}, not a cell (an object)")
    cell_type = raw.get("cell_type")
    if type(cell_type) is not str:
        cell_type = "raw"
    if major == 3:
        if cell_type == "heading":
            cell_type = "markdown"
        key = "input" if cell_type == "code" else "source"
        count = raw.get("prompt_number")
    else:
        key = "source"
        count = raw.get("execution_count")
    source = raw.get(key, _MISSING)
    if type(source) is not str:
        source = _source_text(source, index, key)
    # A kernel never produces count 0: treat it, like any non-int, as "not run".
    if type(count) is not int or count <= 0:
        count = None
    cell_id = raw.get("id")
    if type(cell_id) is not str:
        cell_id = None
    # Of the outputs only saved errors are read here; the list itself is kept by reference (no copy,
    # no scan) for the credential check, which looks into it only when a cell holds a credential.
    outputs = raw.get("outputs")
    if outputs and type(outputs) is list:
        errors = tuple(
            (_text(o.get("ename")), _text(o.get("evalue")))
            for o in outputs
            if type(o) is dict and o.get("output_type") in ("error", "pyerr")  # pyerr: nbformat 3
        )
    else:
        errors = outputs = ()
    metadata = raw.get("metadata")
    tags = metadata.get("tags") if type(metadata) is dict else None
    tags = tuple(t for t in tags if type(t) is str) if type(tags) is list and tags else ()
    return Cell(index, cell_type, source, cell_id, count, errors, tags, outputs)
