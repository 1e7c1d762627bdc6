"""Names a notebook's code meets without defining them, in one place so that the checks, the
extraction and the export agree on them: builtins, what IPython puts in a kernel's namespace, a
module's dunders, and the standard library's modules."""

from __future__ import annotations

import builtins
import sys

BUILTINS = frozenset(dir(builtins))

# The history names IPython keeps in the user namespace: meaningless once code is in a module.
IPYTHON_HISTORY = frozenset({"get_ipython", "In", "Out", "_", "__", "___", "_i", "_ii", "_iii", "_ih", "_oh", "_dh"})

# Everything a fresh ipykernel's user namespace holds that no cell defined (ipykernel rebinds
# exit, quit and open there).
KERNEL_NAMESPACE = IPYTHON_HISTORY | {"exit", "quit", "open"}

# Dunders every module has; a kernel's namespace has all of them but ``__file__``.
MODULE_DUNDERS = frozenset({"__name__", "__doc__", "__spec__", "__loader__", "__package__", "__file__", "__builtins__"})

# Names a cell can read in a fresh kernel before any cell ran (IPython adds ``display`` to the
# builtins while a cell runs).
ALWAYS_DEFINED = BUILTINS | KERNEL_NAMESPACE | {"display"} | (MODULE_DUNDERS - {"__file__"})

# Top-level modules that are never a dependency to pin, nor a name to give a module of one's own.
STDLIB_MODULES = frozenset(sys.stdlib_module_names) | frozenset(sys.builtin_module_names) | {"__main__", "builtins"}
