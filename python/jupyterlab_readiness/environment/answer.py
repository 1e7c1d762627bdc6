"""What an environment (the notebook's kernel, or this Python for the CLI) answers about what is
installed: the typed form of the JSON the environment query returns."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .pep503 import normalize

Pair = tuple[str, str]  # (distribution name as installed, version)

#: the source of a distribution installed from a folder (or a ``file:`` URL) on that machine
LOCAL = "local"


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
    # normalised distribution → where it was installed from, as its direct_url.json (PEP 610)
    # records it: the URL ``pip freeze`` writes after ``name @`` (``git+https://…@<commit>``, an
    # archive's URL with its hash), or LOCAL; installed from the package index: not listed. Empty
    # from an answer that does not say (an older kernel-side code)
    sources: Mapping[str, str] = field(default_factory=dict)

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
            sources={
                normalize(str(name)): found
                for name, value in _mapping(data.get("sources")).items()
                if (found := _source(value)) is not None
            },
        )


# What an image tag may hold: a kernel's answer goes into the package's Dockerfile.
_FULL_VERSION = re.compile(r"\d+\.\d+\.\d+")


# A URL a requirement can carry: one scheme, then no whitespace or control character (a kernel's
# answer goes into requirements files, where a line break would be another requirement).
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\x00-\x1f\x7f]+")
# a user part pip keeps in what it records: environment variables (``${TOKEN}``)
_ENV_VARS = re.compile(r"\$\{[A-Za-z0-9_-]+\}(?::\$\{[A-Za-z0-9_-]+\})?")


def _source(value: Any) -> str | None:
    """A source as the answer gives it, or None when it is not one. Credentials in the URL are
    left out, as pip leaves them out of what it records (``git@`` and ``${VAR}`` stay)."""
    if value == LOCAL:
        return LOCAL
    if not isinstance(value, str) or not _URL.fullmatch(value):
        return None
    scheme, _, rest = value.partition("://")
    netloc, slash, path = rest.partition("/")
    user, at, host = netloc.rpartition("@")
    if at and user != "git" and not _ENV_VARS.fullmatch(user):
        netloc = host
    return f"{scheme}://{netloc}{slash}{path}"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _pair(value: Any) -> Pair | None:
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return (value[0], value[1])
    return None
