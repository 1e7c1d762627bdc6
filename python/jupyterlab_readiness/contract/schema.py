"""Pydantic validation and JSON schema for the report contract (``report.py``).

Used where validation belongs — REST replies and the tests — and never on the CLI's start-up path.
"""

from __future__ import annotations

from pydantic import TypeAdapter

from .baseline import RehearsalRecord
from .replies import Catalogue, CheckReply, ExportReply, ExtractReply, FreezeReply, RehearseReply
from .report import CheckRun, Finding, NotebookReport

FINDING = TypeAdapter(Finding)
NOTEBOOK_REPORT = TypeAdapter(NotebookReport)
CHECK_RUN = TypeAdapter(CheckRun)
CHECK_REPLY = TypeAdapter(CheckReply)
CATALOGUE = TypeAdapter(Catalogue)
FREEZE_REPLY = TypeAdapter(FreezeReply)
EXTRACT_REPLY = TypeAdapter(ExtractReply)
EXPORT_REPLY = TypeAdapter(ExportReply)
REHEARSE_REPLY = TypeAdapter(RehearseReply)
REHEARSAL_RECORD = TypeAdapter(RehearsalRecord)
