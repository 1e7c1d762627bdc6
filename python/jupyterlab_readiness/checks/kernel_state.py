"""What the live checks know about the notebook's kernel: plain data the server fills from the probe.

The core never talks to a kernel; the server probes it (probe.py) and hands this over.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class KernelState:
    names: frozenset[str]  # the user namespace, IPython's own names excluded
    history: dict[int, str]  # execution count → source as this kernel session ran it
    execution_count: int | None = None  # the kernel's current execution count
    # top-level module → (distribution, version) pairs installed in the kernel's environment;
    # None when not asked, so unpinned-import falls back to this process's environment
    distributions: dict[str, tuple[tuple[str, str], ...]] | None = field(default=None)
    # name → (``__qualname__``, ``__module__``) of its value's type, as the probe read them (no value is read)
    types: dict[str, tuple[str, str | None]] = field(default_factory=dict)
