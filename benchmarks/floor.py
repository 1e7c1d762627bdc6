"""The floor: the least any static notebook checker must do.

json-load each notebook and ``ast.parse`` each code cell; cells that do not parse (magics, shell
escapes, syntax errors) are skipped. Usage: ``python benchmarks/floor.py DIR_OR_FILE`` (a folder
is searched recursively).
"""

import ast
import json
import sys
from pathlib import Path


def main(target: Path) -> None:
    paths = sorted(target.rglob("*.ipynb")) if target.is_dir() else [target]
    for path in paths:
        with open(path, "rb") as fh:
            nb = json.load(fh)
        # nbformat 3 keeps cells under worksheets and code under "input".
        cells = nb.get("cells") or [c for ws in nb.get("worksheets", []) for c in ws.get("cells", [])]
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            src = cell.get("source", cell.get("input", ""))
            if isinstance(src, list):
                src = "".join(src)
            try:  # noqa: SIM105 - contextlib.suppress per cell would slow the very floor being measured
                ast.parse(src)
            except (SyntaxError, ValueError):
                pass


if __name__ == "__main__":
    main(Path(sys.argv[1]))
