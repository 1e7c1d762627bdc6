"""The notebook an action works on: the live model the editor sent (unsaved edits count), or the
file, read through the root."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..files import Root
from ..notebook.model import Notebook, NotebookError, notebook_from_json


class NoSuchNotebook(Exception):
    def __init__(self) -> None:
        super().__init__("no such notebook")

    def __reduce__(self):  # raised in a worker process, re-raised in the server's
        return (NoSuchNotebook, ())


@dataclass(frozen=True)
class Source:
    path: Path  # the notebook file, confined to the root
    json: dict[str, Any]
    model: Notebook


def load(api_path: str, live: dict[str, Any] | None, root: Root) -> Source:
    """Raises files.OutsideRoot, files.Unreadable, NoSuchNotebook and NotebookError, with messages
    that do not repeat the path."""
    path = root.resolve(api_path)
    if live is None:
        text = root.read_text(path)
        if text is None:
            raise NoSuchNotebook
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise NotebookError(f"not a notebook: invalid JSON at line {exc.lineno}, column {exc.colno}") from None
        except RecursionError:
            raise NotebookError("not a notebook: JSON nested too deeply") from None
    else:
        data = live
    return Source(path, data, notebook_from_json(data))
