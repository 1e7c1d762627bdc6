"""Which checks run and at what severity: defaults, then ``[tool.jupyter-readiness]``, then flags.

The CLI and the server read the same table from the nearest pyproject.toml, so the sidebar and CI
agree. Example::

    [tool.jupyter-readiness]
    disable = ["print-logging"]
    severity = { unpinned-import = "error" }
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

SEVERITIES = ("error", "warning", "info")
# The handoff contract's own file (handoff/source.py), beside or above the notebooks it governs.
CONTRACT_FILE = "readiness-contract.toml"


class ConfigError(ValueError):
    """Configuration that names an unknown check or severity."""


class CheckConfig(NamedTuple):
    disabled: frozenset[str] = frozenset()
    severity: Mapping[str, str] = MappingProxyType({})
    source: str | None = None  # the pyproject.toml it came from, for messages

    def is_enabled(self, check_id: str) -> bool:
        return check_id not in self.disabled

    def severity_of(self, check_id: str) -> str:
        return self.severity.get(check_id) or _known()[check_id].severity

    def merged(self, disabled: Iterable[str], severity: Mapping[str, str]) -> CheckConfig:
        """Server settings on top of the project's: more checks off, their severities win."""
        return CheckConfig(self.disabled | frozenset(disabled), {**self.severity, **severity}, self.source)

    def with_flags(self, disable: Iterable[str] = (), enable: Iterable[str] = ()) -> CheckConfig:
        """Command-line --disable/--enable on top of this configuration (flags win). A check both
        disabled and enabled on one command line is a usage error, whatever the order: which of the
        two was meant cannot be known."""
        disable, enable = list(disable), list(enable)
        validate_ids(disable + enable, "command line")
        both = sorted(set(disable) & set(enable))
        if both:
            raise ConfigError(
                f"argument --enable: not allowed with argument --disable for the same check: {', '.join(both)}"
            )
        return CheckConfig((self.disabled | frozenset(disable)) - frozenset(enable), self.severity, self.source)


# Every check id, as in checks/registry.py (a test keeps them equal): validating a configuration
# or the command line's --disable/--enable does not import every check (a warm run checks nothing).
CHECK_IDS = frozenset(
    {
        "absolute-path",
        "append-write",
        "edited-since-run",
        "error-output",
        "external-input",
        "hardcoded-secret",
        "hidden-state",
        "kernel-only-state",
        "non-idempotent-write",
        "non-python-kernel",
        "nondeterministic-output",
        "out-of-order-execution",
        "output-mismatch",
        "print-logging",
        "rehearsal-error",
        "syntax-error",
        "unexecuted-cell",
        "unpackaged-code",
        "unpinned-import",
        "unpinned-install",
        "unseeded-random",
        "wall-clock",
        "write-outside-folder",
    }
)


def validate_ids(ids: Iterable[str], where: str) -> None:
    ids = set(ids)
    if not ids:
        return
    known = CHECK_IDS
    unknown = sorted(ids - known)
    if unknown:
        raise ConfigError(f"unknown check id(s) in {where}: {', '.join(unknown)} (known: {', '.join(sorted(known))})")


def _known():
    from ..checks.registry import BY_ID

    return BY_ID


def validate_severities(severity: Mapping[str, object], where: str) -> None:
    validate_ids(severity, where)
    bad = {k: v for k, v in severity.items() if v not in SEVERITIES}
    if bad:
        raise ConfigError(f"{where}: severity must be one of {', '.join(SEVERITIES)}: {bad}")


# Every key of the table some command reads (``template``: export; ``contract``: the handoff
# contract): any other is a typo (``disabled = [...]``) that would otherwise silently do nothing.
_TABLE_KEYS = ("disable", "enable", "severity", "template", "contract")


def from_table(table: Mapping[str, object], source: str | None = None) -> CheckConfig:
    where = source or "configuration"
    unknown = sorted(str(key) for key in table if key not in _TABLE_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) in [tool.jupyter-readiness]: {', '.join(unknown)} "
            f"(known: {', '.join(_TABLE_KEYS)})"
        )
    disable = table.get("disable", [])
    enable = table.get("enable", [])
    severity = table.get("severity", {})
    if not isinstance(disable, list) or not isinstance(enable, list) or not isinstance(severity, dict):
        raise ConfigError(f"{where}: 'disable' and 'enable' must be lists of check ids, 'severity' a table")
    validate_ids([*disable, *enable], where)
    validate_severities(severity, where)
    return CheckConfig(frozenset(disable) - frozenset(enable), dict(severity), source)


def project_config(directory: Path, ceiling: Path | None = None) -> CheckConfig:
    """The configuration from the nearest pyproject.toml (upwards, never above ``ceiling``, a
    server's root) that has our table; re-read whenever that file changes."""
    found = _nearest_table(directory, ceiling)
    if found is None:
        return CheckConfig()
    table, _, where = found
    return from_table(table, where)


def project_setting(directory: Path, key: str, ceiling: Path | None = None) -> tuple[object, Path] | None:
    """``key`` of the table ``project_config`` reads and the folder of the pyproject.toml it is in
    (relative paths in it are relative to that); None when that table does not set it."""
    found = _nearest_table(directory, ceiling)
    if found is None or key not in found[0]:
        return None
    return found[0][key], found[1]


def _nearest_table(directory: Path, ceiling: Path | None) -> tuple[Mapping[str, object], Path, str] | None:
    """The nearest ``[tool.jupyter-readiness]`` table, its folder, and how messages name its file."""
    for folder in project_folders(directory.resolve(), ceiling):
        candidate = folder / "pyproject.toml"
        # As the contract's messages name it: a server relative to its root (no server path in a
        # reply), the CLI relative to the current folder (as editors and CI logs link it).
        where = candidate.relative_to(ceiling).as_posix() if ceiling is not None else _relative(candidate)
        try:
            info = candidate.stat()
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:  # a link that loops: a file that is there and cannot be read
            raise ConfigError(f"{where}: cannot read it: {exc.strerror or type(exc).__name__}") from None
        # A FIFO is never opened (it would block); a link out of the root never read. Neither is
        # passed over in silence: the configuration it may hold would be.
        if not stat.S_ISREG(info.st_mode):
            why = "it is a folder, not a file" if stat.S_ISDIR(info.st_mode) else "it is not a regular file"
            raise ConfigError(f"{where}: cannot read it: {why}")
        if ceiling is not None and not candidate.resolve().is_relative_to(ceiling):
            raise ConfigError(f"{where}: cannot read it: outside the server root")
        table = _file_table(candidate, info.st_mtime_ns, info.st_size, where)
        if table is not None:
            return table, folder, where
    return None


def project_folders(directory: Path, ceiling: Path | None) -> Iterator[Path]:
    """``directory``, then the folders above it where the project's configuration and contract
    may be: up to the repository's top folder (the first holding ``.git`` or ``.hg``), so a file
    outside the repository never changes its results; never above ``ceiling`` (a server's root).
    Outside any repository, up to the ceiling or the file system's root."""
    for folder in (directory, *directory.parents):
        if ceiling is not None and not folder.is_relative_to(ceiling):
            return
        yield folder
        if (folder / ".git").exists() or (folder / ".hg").exists():
            return


def _relative(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


@lru_cache(maxsize=1024)
def _file_table(path: Path, mtime_ns: int, size: int, where: str) -> Mapping[str, object] | None:
    """The ``[tool.jupyter-readiness]`` table of one pyproject.toml (None when it has none), cached
    while the file is unchanged."""
    from ..compat import toml_loads, toml_problem, tomllib  # here, not at start-up: most folders have no pyproject.toml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
        raise ConfigError(f"{where}: cannot read it: {reason}") from None
    try:
        data = toml_loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(toml_problem(exc, where, text)) from None
    table = data.get("tool", {}).get("jupyter-readiness")
    return MappingProxyType(table) if isinstance(table, dict) else None


def clear_cache() -> None:
    _file_table.cache_clear()
