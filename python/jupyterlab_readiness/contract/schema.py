"""Pydantic validation and JSON schema for the REST contract (``report.py``, ``replies.py``,
``requests.py``): the one source from which ``rest.schema.json`` and the TypeScript types are made.

Used where validation belongs — the tests, the server's debug mode — and never on the CLI's start-up
path. ``python -m jupyterlab_readiness.contract.schema`` writes the schema file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from . import fixes, report
from .baseline import RehearsalRecord
from .replies import (
    Catalogue,
    CheckReply,
    ContractRun,
    ExportReply,
    ExtractReply,
    FixReply,
    FreezeReply,
    RehearseJob,
    RehearseReply,
    WaiveReply,
)
from .report import CheckRun, Finding, NotebookReport
from .requests import (
    CheckRequest,
    ExportRequest,
    ExtractRequest,
    FixRequest,
    FreezeRequest,
    RehearseRequest,
    WaiveRequest,
)

# report.py names the classes of fixes.py for type checkers only (a plain check never creates
# them): pydantic resolves the report's annotations in report.py's namespace, so they go there.
for _name in ("Cause", "Fix", "Suppressed"):
    setattr(report, _name, getattr(fixes, _name))

FINDING = TypeAdapter(Finding)
NOTEBOOK_REPORT = TypeAdapter(NotebookReport)
CHECK_RUN = TypeAdapter(CheckRun)
CHECK_REPLY = TypeAdapter(CheckReply)
CATALOGUE = TypeAdapter(Catalogue)
FREEZE_REPLY = TypeAdapter(FreezeReply)
EXTRACT_REPLY = TypeAdapter(ExtractReply)
EXPORT_REPLY = TypeAdapter(ExportReply)
FIX_REPLY = TypeAdapter(FixReply)
REHEARSE_REPLY = TypeAdapter(RehearseReply)
REHEARSAL_RECORD = TypeAdapter(RehearsalRecord)
REHEARSE_JOB = TypeAdapter(RehearseJob)

WAIVE_REPLY = TypeAdapter(WaiveReply)
CONTRACT_RUN = TypeAdapter(ContractRun)

# Each route's reply, by the route's name (see server/handlers.py).
REPLIES: dict[str, TypeAdapter] = {
    "checks": CATALOGUE,
    "check": CHECK_REPLY,
    "freeze": FREEZE_REPLY,
    "extract": EXTRACT_REPLY,
    "export": EXPORT_REPLY,
    "waive": WAIVE_REPLY,
    "fix": FIX_REPLY,
    "rehearse": REHEARSE_JOB,
}

# The committed schema beside this file; src/contract.ts is generated from it (jlpm build:contract).
SCHEMA_FILE = Path(__file__).with_name("rest.schema.json")


def json_schema() -> dict[str, Any]:
    """One JSON schema for the whole REST contract: every request body and reply, with shared
    definitions, named as the TypeScript interfaces will be."""
    adapters: list[tuple[str, str, TypeAdapter]] = [
        ("CheckRequest", "validation", TypeAdapter(CheckRequest)),
        ("FreezeRequest", "validation", TypeAdapter(FreezeRequest)),
        ("ExtractRequest", "validation", TypeAdapter(ExtractRequest)),
        ("ExportRequest", "validation", TypeAdapter(ExportRequest)),
        ("WaiveRequest", "validation", TypeAdapter(WaiveRequest)),
        ("FixRequest", "validation", TypeAdapter(FixRequest)),
        ("RehearseRequest", "validation", TypeAdapter(RehearseRequest)),
        ("Catalogue", "serialization", CATALOGUE),
        ("CheckReply", "serialization", CHECK_REPLY),
        ("FreezeReply", "serialization", FREEZE_REPLY),
        ("ExtractReply", "serialization", EXTRACT_REPLY),
        ("ExportReply", "serialization", EXPORT_REPLY),
        ("WaiveReply", "serialization", WAIVE_REPLY),
        ("FixReply", "serialization", FIX_REPLY),
        ("CheckRun", "serialization", CHECK_RUN),
        ("RehearseReply", "serialization", REHEARSE_REPLY),
        ("ContractRun", "serialization", CONTRACT_RUN),
        ("RehearseJob", "serialization", REHEARSE_JOB),
    ]
    refs, definitions = TypeAdapter.json_schemas(
        [(name, mode, adapter) for name, mode, adapter in adapters], ref_template="#/$defs/{model}"
    )
    for definition in definitions["$defs"].values():
        for prop in definition.get("properties", {}).values():
            prop.pop("title", None)  # a titled property would become a TypeScript type of its own
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ReadinessContract",
        "description": "The REST API of jupyterlab-readiness (/readiness/...) and the CLI's JSON output. "
        "Generated from python/jupyterlab_readiness/contract/ by `python -m jupyterlab_readiness.contract.schema`.",
        "type": "object",
        "properties": {name: refs[(name, mode)] for name, mode, _ in adapters},
        "additionalProperties": False,
        "$defs": definitions["$defs"],
    }


def render() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    SCHEMA_FILE.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {SCHEMA_FILE}\n")
