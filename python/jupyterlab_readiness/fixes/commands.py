"""Fixes that are a JupyterLab command rather than an edit (the CLI never runs them), and the one
edit for a saved traceback: clearing it."""

from __future__ import annotations

from ..checks.context import Hit
from ..contract.fixes import ClearOutputs, Fix
from ..contract.report import Finding
from .view import FixEnv

RESTART_RUN_ALL = "notebook:restart-run-all"
REHEARSE = "readiness:rehearse"
FREEZE = "readiness:freeze-env"
EXTRACT = "readiness:extract-to-module"


def restart_and_run_all() -> Fix:
    return Fix(
        "restart-run-all",
        "Restart the kernel and run all cells",
        False,
        command=RESTART_RUN_ALL,
        note="Runs every cell again from a fresh kernel: what the kernel holds now is lost, and files the notebook "
        "writes are written again.",
    )


def rehearse() -> Fix:
    return Fix(
        "rehearse",
        "Rehearse: run a copy twice in fresh kernels",
        True,
        command=REHEARSE,
        note="Runs a copy of the notebook in new kernels and reports what fails or differs; the notebook and its "
        "kernel are left as they are.",
    )


def execution(env: FixEnv, finding: Finding, hit: Hit) -> list[Fix]:
    """out-of-order-execution, unexecuted-cell, edited-since-run."""
    return [restart_and_run_all(), rehearse()] if env.options.commands else []


def freeze(env: FixEnv, finding: Finding, hit: Hit) -> list[Fix]:
    if not env.options.commands:
        return []
    return [
        Fix(
            "freeze-env",
            "Freeze environment",
            True,
            command=FREEZE,
            note="Pins what the notebook imports and installs at the versions installed in its kernel; a preview "
            "comes first.",
        )
    ]


def extract(env: FixEnv, finding: Finding, hit: Hit) -> list[Fix]:
    if not env.options.commands:
        return []
    return [
        Fix(
            "extract-to-module",
            "Extract cells to a module",
            True,
            command=EXTRACT,
            note="Moves the selected cells into a function of a module beside the notebook; a preview comes first.",
        )
    ]


def error_output(env: FixEnv, finding: Finding, hit: Hit) -> list[Fix]:
    if finding.cell_index is None:
        return []
    return [
        Fix(
            "clear-outputs",
            "Clear the saved traceback",
            True,
            [ClearOutputs(cell_index=finding.cell_index, cell_id=finding.cell_id)],
            note="The cell's code is unchanged: if it still fails, the next run shows the error again.",
        )
    ]
