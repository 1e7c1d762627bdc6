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
    outputs = env.ctx.notebook.cells[finding.cell_index].outputs
    # an edit clears a cell's outputs whole: what the failed run showed before failing goes too
    others = sum(1 for o in outputs if not (isinstance(o, dict) and o.get("output_type") == "error"))
    title = "Clear the saved traceback"
    note = "The cell's code is unchanged: if it still fails, the next run shows the error again."
    if others:
        title = "Clear the cell's saved outputs"
        plural = "s" if others > 1 else ""
        note = f"Clears the traceback and the {others} other output{plural} the failed run left before it. {note}"
    return [
        Fix(
            "clear-outputs",
            title,
            True,
            [ClearOutputs(cell_index=finding.cell_index, cell_id=finding.cell_id)],
            note=note,
        )
    ]
