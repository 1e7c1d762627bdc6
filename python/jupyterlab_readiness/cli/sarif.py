"""SARIF 2.1.0 for code-scanning tools: one result per finding, located in the notebook file.

SARIF has no notion of cells: the region's line is the line within the cell, and the cell is
named in a logical location as JupyterLab numbers it (``cell 49``, from 1) and in the result's
properties (``cell_index`` 0-based as in the JSON, ``cell_number`` from 1, ``cell_id``,
``execution_count``). A finding in a local module the notebook imports is located in the module
file at its line, with the importing cell as a related location.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..checks.registry import CHECKS
from ..contract.report import CheckRun, NotebookReport

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_INDEX = {spec.id: i for i, spec in enumerate(CHECKS)}


def build(run: CheckRun) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for nb in run.notebooks:
        note = notification(nb)
        if note is not None:
            notifications.append(note)
        results.extend(results_for(nb))
    return document(results, notifications)


def notification(nb: NotebookReport) -> dict[str, Any] | None:
    """The tool execution notification of a notebook that could not be checked, else None."""
    if not nb.error:
        return None
    return {
        "level": "error",
        "message": {"text": f"{nb.path}: {nb.error}"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(nb.path)}}}],
    }


def results_for(nb: NotebookReport) -> list[dict[str, Any]]:
    """One SARIF result per finding of the notebook (none for one that could not be checked)."""
    if nb.error:
        return []
    shown = uri(nb.path)
    results = []
    for f in nb.findings:
        location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": shown}}}
        if f.line is not None:
            location["physicalLocation"]["region"] = {"startLine": f.line}
        if f.cell_index is not None:
            location["logicalLocations"] = [{"name": f"cell {f.cell_index + 1}", "kind": "member"}]
        result: dict[str, Any] = {
            "ruleId": f.check,
            "ruleIndex": _INDEX[f.check],
            "level": _LEVEL[f.severity],
            "message": {"text": f"{f.message} {f.suggestion}"},
            "locations": [location],
            "properties": {
                "cell_index": f.cell_index,
                "cell_number": None if f.cell_index is None else f.cell_index + 1,
                "cell_id": f.cell_id,
                "execution_count": f.execution_count,
                "line_in_cell": f.line,
            },
        }
        if f.file is not None:
            module = uri(str(Path(nb.path).parent / f.file))
            physical = {"artifactLocation": {"uri": module}, "region": {"startLine": f.file_line or 1}}
            result["locations"] = [{"physicalLocation": physical}]
            result["relatedLocations"] = [{"id": 0, **location, "message": {"text": "imported here"}}]
        results.append(result)
    return results


def uri(path: str) -> str:
    """The path as the URI reference SARIF requires (RFC 3986): spaces and non-ASCII characters
    percent-encoded (`my analysis.ipynb` as written is no URI, and code-scanning tools decode
    it); an absolute path as a ``file:`` URI, which a bare path with a drive letter is not."""
    file = Path(path)
    return file.as_uri() if file.is_absolute() else quote(file.as_posix(), safe="/")


def document(results: list[Any], notifications: list[dict[str, Any]]) -> dict[str, Any]:
    """The SARIF log around the results (``results`` may be a placeholder to stream them into)."""
    rules = [
        {
            "id": spec.id,
            "name": "".join(word.capitalize() for word in spec.id.split("-")),
            "shortDescription": {"text": spec.rationale},
            "defaultConfiguration": {"level": _LEVEL[spec.severity]},
            "properties": {"checklist": spec.item, "family": spec.family},
        }
        for spec in CHECKS
    ]
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "jupyter-readiness",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/jupyterlab-readiness/",
                        "rules": rules,
                    }
                },
                "invocations": [invocation],
                "results": results,
            }
        ],
    }
