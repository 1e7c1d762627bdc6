"""Export to package, the notebook's own globals: names a function of the notebook declares
``global`` to change them (a call counter, a cache, a setting loaded once).

In the notebook they are the kernel's globals, which every cell and every function shares. In the
package they become globals of steps.py, which every step and every function of the notebook
shares in the same way: a step that binds one declares it ``global``, a step that reads one reads
the module's, and none of them is a step parameter or a returned value (a copy handed from step to
step would miss what a function changes later). Each run starts them afresh, as a fresh kernel
does, by running the cells that bind them.

The one case that cannot keep its meaning is a parameter declared global: the package hands its
parameters to the steps, so a function changing one would not change what the steps after it read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from ...notebook.model import Cell
from ...notebook.parse import cell_tree
from ..errors import ExportRefused
from .parameters import Parameter


def module_state(cells: Iterable[Cell], parameters: list[Parameter]) -> frozenset[str]:
    """The names the exported ``cells`` declare ``global`` (anywhere: a function, a class, a
    cell's top level). Raises ExportRefused, naming the cell and line, for a parameter."""
    parameter_names = {p.name for p in parameters}
    names: set[str] = set()
    for cell in cells:
        if "global" not in cell.source:
            continue  # (the statement needs its keyword: most cells have none, and no walk)
        tree = cell_tree(cell.source)
        for node in ast.walk(tree) if tree is not None else ():
            if not isinstance(node, ast.Global):
                continue
            clash = next((name for name in node.names if name in parameter_names), None)
            if clash is not None:
                raise ExportRefused(
                    f"Cell {cell.index + 1} line {node.lineno} declares `global {clash}`, a parameter of the package: "
                    "the package hands each step its parameters, so a function changing one would not change what "
                    f"the cells after it read. Keep the value that changes in a name of its own (`current_{clash} = "
                    f"{clash}` in a cell, `global current_{clash}` in the function), then export again."
                )
            names.update(node.names)
    return frozenset(names)
