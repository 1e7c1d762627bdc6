"""Which checks run and at what severity: defaults, then ``[tool.jupyter-readiness]``, then flags.

The CLI and the server read the same table from the nearest pyproject.toml, so the sidebar and CI
agree. Example::

    [tool.jupyter-readiness]
    disable = ["print-logging"]
    severity = { unpinned-import = "error" }
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..checks.registry import BY_ID

SEVERITIES = ("error", "warning", "info")


class ConfigError(ValueError):
    """Configuration that names an unknown check or severity."""


@dataclass(frozen=True)
class CheckConfig:
    disabled: frozenset[str] = frozenset()
    severity: Mapping[str, str] = field(default_factory=dict)
    source: str | None = None  # the pyproject.toml it came from, for messages

    def is_enabled(self, check_id: str) -> bool:
        return check_id not in self.disabled

    def severity_of(self, check_id: str) -> str:
        return self.severity.get(check_id) or BY_ID[check_id].severity

    def merged(self, disabled: Iterable[str], severity: Mapping[str, str]) -> CheckConfig:
        """Server settings on top of the project's: more checks off, their severities win."""
        return CheckConfig(self.disabled | frozenset(disabled), {**self.severity, **severity}, self.source)

    def with_flags(self, disable: Iterable[str] = (), enable: Iterable[str] = ()) -> CheckConfig:
        """Command-line --disable/--enable on top of this configuration (flags win)."""
        disable, enable = list(disable), list(enable)
        validate_ids(disable + enable, "command line")
        return CheckConfig((self.disabled | frozenset(disable)) - frozenset(enable), self.severity, self.source)


def validate_ids(ids: Iterable[str], where: str) -> None:
    unknown = sorted(set(ids) - BY_ID.keys())
    if unknown:
        raise ConfigError(f"unknown check id(s) in {where}: {', '.join(unknown)} (known: {', '.join(sorted(BY_ID))})")


def validate_severities(severity: Mapping[str, object], where: str) -> None:
    validate_ids(severity, where)
    bad = {k: v for k, v in severity.items() if v not in SEVERITIES}
    if bad:
        raise ConfigError(f"{where}: severity must be one of {', '.join(SEVERITIES)}: {bad}")


def from_table(table: Mapping[str, object], source: str | None = None) -> CheckConfig:
    where = source or "configuration"
    disable = table.get("disable", [])
    enable = table.get("enable", [])
    severity = table.get("severity", {})
    if not isinstance(disable, list) or not isinstance(enable, list) or not isinstance(severity, dict):
        raise ConfigError(f"{where}: 'disable' and 'enable' must be lists of check ids, 'severity' a table")
    validate_ids([*disable, *enable], where)
    validate_severities(severity, where)
    return CheckConfig(frozenset(disable) - frozenset(enable), dict(severity), source)


def project_config(directory: Path) -> CheckConfig:
    """The configuration from the nearest pyproject.toml (upwards) that has our table."""
    return _project_config(directory.resolve())


@lru_cache(maxsize=1024)
def _project_config(directory: Path) -> CheckConfig:
    for folder in (directory, *directory.parents):
        candidate = folder / "pyproject.toml"
        if not candidate.is_file():
            continue
        from ..compat import tomllib  # here, not at start-up: most folders have no pyproject.toml

        try:
            data = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{candidate}: cannot read it: {exc}") from exc
        table = data.get("tool", {}).get("jupyter-readiness")
        if isinstance(table, dict):
            return from_table(table, str(candidate))
    return CheckConfig()


def clear_cache() -> None:
    _project_config.cache_clear()
