"""Names a notebook's code meets without defining them, in one place so that the checks, the
extraction and the export agree on them: builtins, what IPython puts in a kernel's namespace, a
module's dunders, the standard library's modules, and the names a star import from one binds."""

from __future__ import annotations

import builtins
import functools
import importlib
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

# Standard library modules whose import does something (prints, opens a browser or a window).
_IMPORT_HAS_EFFECTS = frozenset({"this", "antigravity", "__hello__", "__phello__", "turtle", "idlelib", "tkinter"})


@functools.lru_cache(maxsize=64)
def star_names(module: str) -> frozenset[str] | None:
    """The names ``from module import *`` binds, for a standard library module; None for any
    other module, or one that cannot be imported here."""
    if module.split(".")[0] not in STDLIB_MODULES or module.split(".")[0] in _IMPORT_HAS_EFFECTS:
        return None
    try:
        imported = importlib.import_module(module)
    except Exception:  # noqa: BLE001 - any failure to import: its names stay unknown
        return None
    exported = getattr(imported, "__all__", None)
    if exported is None:
        return frozenset(n for n in vars(imported) if not n.startswith("_"))
    return frozenset(n for n in exported if isinstance(n, str))
