"""Request bodies of the REST API (validated with pydantic: a bad body is a 400, never a 500), which
are also what the CLI hands to an action's ``plan``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, max_length=4096, description="the notebook, relative to the server root")
    kernel_id: str | None = Field(default=None, max_length=256, description="the notebook's kernel, to probe it")
    notebook: dict[str, Any] | None = Field(
        default=None, description="the live nbformat-4 model; null to read the file"
    )
    disable: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="check ids the user turned off (sidebar settings); ids the server does not know are a 400",
    )


class FreezeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, max_length=4096, description="the notebook, relative to the server root")
    kernel_id: str | None = Field(
        default=None, max_length=256, description="pin what this kernel has installed; null: the server's environment"
    )
    notebook: dict[str, Any] | None = Field(
        default=None, description="the live nbformat-4 model; null to read the file"
    )
    target: Literal["auto", "requirements", "pyproject"] = "auto"
    lock: bool = False
    write: bool = False
    versions: dict[Annotated[str, Field(max_length=200)], Annotated[str, Field(max_length=200)]] = Field(
        default_factory=dict,
        max_length=1000,
        description="exact versions typed for what the environment does not have: an unresolved name -> "
        "'1.2.3', or 'distribution==1.2.3' when the distribution's name differs from the module's",
    )


class ExtractRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, max_length=4096, description="the notebook, relative to the server root")
    notebook: dict[str, Any] | None = Field(
        default=None, description="the live nbformat-4 model; null to read the file"
    )
    cell_indices: list[int] = Field(
        min_length=1,
        max_length=10_000,
        description="0-based over all cells, contiguous: code cells, and markdown cells that stay in the notebook",
    )
    module: str | None = Field(
        default=None, max_length=100, description="module name (no .py); null: derived from the notebook"
    )
    function: str | None = Field(
        default=None, max_length=100, description="function name; null: from the heading above, else the code"
    )
    write: bool = Field(default=False, description="write the module file; false: preview only")


class ExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, max_length=4096, description="the notebook, relative to the server root")
    notebook: dict[str, Any] | None = Field(
        default=None, description="the live nbformat-4 model; null to read the file"
    )
    kernel_id: str | None = Field(
        default=None, max_length=256, description="pin what this kernel has installed; null: the server's environment"
    )
    name: str | None = Field(
        default=None, max_length=100, description="package (import) name; null: from the notebook's file name"
    )
    out: str | None = Field(
        default=None,
        min_length=1,
        max_length=4096,
        description="destination folder relative to the server root; null: <notebook folder>/<name>",
    )
    write: bool = Field(default=False, description="write the files; false: preview only")
    disable: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="check ids the user turned off (sidebar settings), so the readiness at export is the sidebar's",
    )
    template: str | None = Field(
        default=None,
        min_length=1,
        max_length=4096,
        description="a Copier template folder relative to the server root for the project's scaffolding; null: the "
        "project's [tool.jupyter-readiness] template, else the built-in one (URLs only from the command line or "
        "the project's configuration)",
    )
    contact: str | None = Field(
        default=None,
        max_length=200,
        description="who to contact about the package (the README says it); null: nobody named",
    )


class WaiveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, max_length=4096, description="the notebook, relative to the server root")
    notebook: dict[str, Any] | None = Field(
        default=None, description="the live nbformat-4 model (to find the cell); null to read the file"
    )
    check: str = Field(min_length=1, max_length=100, description="the check id of the finding to waive")
    cell_id: str | None = Field(
        default=None, min_length=1, max_length=256, description="the cell's id; null waives the whole notebook"
    )
    reason: str = Field(min_length=1, max_length=1000, description="why the team accepts the finding")
    expires: date | None = Field(default=None, description="the last day the waiver counts (ISO date); null: never")
    write: bool = Field(default=False, description="write the contract file; false: preview only")


class FixRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, max_length=4096, description="the notebook, relative to the server root")
    notebook: dict[str, Any] | None = Field(
        default=None, description="the live nbformat-4 model; null to read the file"
    )
    kernel_id: str | None = Field(
        default=None,
        max_length=256,
        description="the notebook's kernel: its history restores deleted definitions, its environment pins installs",
    )
    select: list[str] = Field(
        default_factory=list, max_length=100, description="fix only findings of these check ids; empty: all"
    )
    unsafe: bool = Field(default=False, description="also apply fixes that may change what the notebook computes")
    disable: list[str] = Field(
        default_factory=list, max_length=100, description="check ids the user turned off (sidebar settings)"
    )
    write: bool = Field(default=False, description="write the fixed notebook to the file; false: preview only")


class RehearseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, max_length=4096, description="the notebook, relative to the server root")
    notebook: dict[str, Any] | None = Field(
        default=None, description="the live nbformat-4 model (unsaved edits count); null to read the file"
    )
    parameters: dict[str, Annotated[str, Field(max_length=10_000)]] = Field(
        default_factory=dict,
        max_length=200,
        description="name → value text, over the values of the cell tagged `parameters`; a value is read as a "
        "Python literal, anything else as a string (as `jupyter-readiness rehearse -p NAME VALUE`)",
    )
    runs: Literal[1, 2] = Field(default=2, description="fresh runs; 1 skips the comparison between runs")
    timeout: float = Field(default=3600.0, ge=0, le=604_800, description="seconds for the whole rehearsal; 0: no limit")
    cell_timeout: float = Field(default=600.0, ge=0, le=604_800, description="seconds for each cell; 0: no limit")
    in_place: bool = Field(
        default=False, description="run in the notebook's real folder (its files are changed); else a scratch copy"
    )
    kernel_name: str | None = Field(
        default=None, min_length=1, max_length=256, description="the kernelspec to run; null: the notebook's"
    )
