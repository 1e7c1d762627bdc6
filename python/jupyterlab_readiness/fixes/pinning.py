"""Fixes for unpinned packages: an install pinned to the version installed where the notebook runs
(the kernel's environment when the check ran live, else this Python's), and the Freeze command
for imports."""

from __future__ import annotations

import re

from ..checks.context import Hit
from ..checks.pinning import exact
from ..contract.fixes import Fix, ReplaceSource
from ..contract.report import Finding
from ..environment.distributions import installed_version
from ..environment.pep503 import normalize
from ..environment.requirements import install_commands
from ..notebook.facts import cell_facts
from .view import FixEnv, cell_of

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?")


def unpinned_install(env: FixEnv, finding: Finding, hit: Hit) -> list[Fix]:
    cell = cell_of(env.ctx, finding)
    if cell is None or finding.line is None:
        return []
    lines = cell.source.split("\n")
    if not 1 <= finding.line <= len(lines):
        return []
    text = lines[finding.line - 1]
    pinned: list[str] = []
    for magic in cell_facts(cell.source).magics:
        for line, tool, specs in install_commands(magic):
            if line != finding.line:
                continue
            for spec in specs:
                if exact(spec, conda=tool == "conda"):
                    continue  # the user's own pin, not the finding's: an install of that version stays one
                pin = _pin(env, spec, tool)
                if pin is None or pin == spec:
                    continue
                new = re.sub(
                    r"(?<![^\s\"'])" + re.escape(spec) + r"(?![^\s\"';&|])", lambda _m, p=pin: p, text, count=1
                )
                if new != text:
                    text = new
                    pinned.append(pin)
    if not pinned:
        return []
    lines[finding.line - 1] = text
    return [
        Fix(
            "pin-install",
            "Pin to the installed version",
            True,
            [ReplaceSource(cell_index=cell.index, cell_id=cell.cell_id, source="\n".join(lines))],
            note=f"Pins {', '.join(f'`{p}`' for p in pinned)}: the versions installed where the notebook was "
            "checked (its kernel's environment in JupyterLab), which its results come from.",
        )
    ]


def _pin(env: FixEnv, spec: str, tool: str) -> str | None:
    requirement, semicolon, marker = spec.partition(";")
    match = _NAME.match(requirement)
    if match is None or (match.end() < len(requirement.rstrip()) and "@" in requirement):
        return None
    name, extras = match.group(1), match.group(2) or ""
    version = _version(env, name)
    if version is None or not _allowed(version, requirement[match.end() :]):
        return None
    if tool == "conda":
        return f"{name}={version}"
    return f"{name}{extras}=={version}" + (f";{marker}" if semicolon else "")


def _allowed(version: str, constraint: str) -> bool:
    """Whether the installed version is one the spec's own range allows (``numpy<2`` with 2.1
    installed: pinning 2.1 would install what the user ruled out); a range this cannot read
    allows nothing."""
    constraint = constraint.strip().strip("\"'")
    if not constraint:
        return True
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        return SpecifierSet(constraint).contains(Version(version), prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return False


def _version(env: FixEnv, name: str) -> str | None:
    key = normalize(name)
    versions = env.options.versions
    if versions is not None:
        pair = versions.get(name) or versions.get(key)
        if pair:
            return pair[1]
    kernel = env.ctx.kernel
    if kernel is not None and kernel.distributions is not None:
        for pairs in kernel.distributions.values():
            for dist, version in pairs:
                if normalize(dist) == key:
                    return version
    return installed_version(key, env.ctx.environment)
