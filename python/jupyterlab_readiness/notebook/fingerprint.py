"""What a rehearsal's results depend on, as one hash: the kernel, the code cells' sources in order
and the parameters. Markdown, outputs and execution counts are left out: editing prose or running
cells in the editor does not make a rehearsal stale; editing code does."""

from __future__ import annotations

import hashlib
from typing import Any

from .. import json_pieces
from .model import Notebook


def kernel_name(notebook: Notebook) -> str:
    spec = notebook.metadata.get("kernelspec")
    name = spec.get("name") if isinstance(spec, dict) else None
    return name if isinstance(name, str) and name else "python3"


def parameters_text(parameters: dict[str, Any] | None) -> str:
    """The parameters as the fingerprint hashes them: JSON, keys sorted, a repr for the rest (a
    piece at a time: a rehearsal makes it where it reads the values, a server's worker process)."""
    return json_pieces.dumps(parameters or {}, sort_keys=True, default=repr)


def code_fingerprint(notebook: Notebook, parameters: dict[str, Any] | None = None, *, text: str | None = None) -> str:
    """``text``: ``parameters_text(parameters)``, made already."""
    digest = hashlib.sha256()
    digest.update(kernel_name(notebook).encode())
    for cell in notebook.cells:
        if cell.cell_type == "code":
            digest.update(b"\x00cell\x00")
            digest.update(cell.source.encode("utf-8", "surrogatepass"))
    digest.update(b"\x00parameters\x00")
    digest.update((parameters_text(parameters) if text is None else text).encode())
    return "sha256:" + digest.hexdigest()
