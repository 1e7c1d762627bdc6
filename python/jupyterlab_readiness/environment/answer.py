"""What an environment (the notebook's kernel, or this Python for the CLI) answers about what is
installed: the typed form of the JSON the environment query returns."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Pair = tuple[str, str]  # (distribution name as installed, version)


@dataclass(frozen=True)
class Environment:
    # import name → the installed distributions that provide it (none: nothing installed does)
    modules: Mapping[str, tuple[Pair, ...]] = field(default_factory=dict)
    # a name given to pip/conda → the distribution installed under it, None when it is not installed
    versions: Mapping[str, Pair | None] = field(default_factory=dict)
    # the installed dependency closure of what was asked for (freeze --lock); None when not asked
    closure: tuple[Pair, ...] | None = None
    # "3.11": the Python the answer comes from
    python: str = f"{sys.version_info[0]}.{sys.version_info[1]}"
    # "3.11.7": the same Python's full version (the exported package's Dockerfile pins its image by
    # it); just "3.11" from an answer that does not say
    python_version: str = ".".join(map(str, sys.version_info[:3]))

    @classmethod
    def from_answer(cls, data: Mapping[str, Any]) -> Environment:
        """From the environment query's JSON (see environment/kernel code); malformed parts are dropped."""
        modules = {
            str(module): tuple(_pair(p) for p in pairs if _pair(p))
            for module, pairs in _mapping(data.get("modules")).items()
            if isinstance(pairs, list)
        }
        versions = {str(name): _pair(pair) for name, pair in _mapping(data.get("versions")).items()}
        closure = data.get("closure")
        python = data.get("python")
        full = data.get("python_version")
        python = python if isinstance(python, str) and python else cls.python
        if not (isinstance(full, str) and _FULL_VERSION.fullmatch(full) and full.startswith(f"{python}.")):
            full = cls.python_version if python == cls.python else python
        return cls(
            modules=modules,
            versions=versions,
            closure=tuple(p for p in map(_pair, closure) if p) if isinstance(closure, list) else None,
            python=python,
            python_version=full,
        )


# What an image tag may hold: a kernel's answer goes into the package's Dockerfile.
_FULL_VERSION = re.compile(r"\d+\.\d+\.\d+")


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _pair(value: Any) -> Pair | None:
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return (value[0], value[1])
    return None
