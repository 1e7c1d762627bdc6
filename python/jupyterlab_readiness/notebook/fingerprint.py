"""What a rehearsal's results depend on, as one hash: the kernel, the code cells' sources in order
and the parameters. Markdown, outputs and execution counts are left out: editing prose or running
cells in the editor does not make a rehearsal stale; editing code does."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .model import Notebook


def kernel_name(notebook: Notebook) -> str:
    spec = notebook.metadata.get("kernelspec")
    name = spec.get("name") if isinstance(spec, dict) else None
    return name if isinstance(name, str) and name else "python3"


def code_fingerprint(notebook: Notebook, parameters: dict[str, Any] | None = None) -> str:
    digest = hashlib.sha256()
    digest.update(kernel_name(notebook).encode())
    for cell in notebook.cells:
        if cell.cell_type == "code":
            digest.update(b"\x00cell\x00")
            digest.update(cell.source.encode("utf-8", "surrogatepass"))
    digest.update(b"\x00parameters\x00")
    digest.update(json.dumps(parameters or {}, sort_keys=True, default=repr).encode())
    return "sha256:" + digest.hexdigest()
