"""Why an action refuses: the message says why and what to do, for a person, and never repeats a
name or path that was sent (the server shows it as it is)."""

from __future__ import annotations


class ActionRefused(ValueError):
    """The action cannot be done safely; nothing was written."""


class ExtractionRefused(ActionRefused):
    """Cells that cannot be extracted to a module."""


class ExportRefused(ActionRefused):
    """A notebook that cannot be exported to a package safely."""


class BadName(ActionRefused):
    """A module, function or package name asked for that cannot be used."""
