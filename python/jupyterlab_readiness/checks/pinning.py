"""Third-party code the notebook uses without an exact version recorded anywhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..environment.distributions import distributions_for, installed_version
from ..environment.pep503 import normalize
from ..environment.pins import PinSet, file_shown
from ..environment.requirements import direct_installs, install_commands
from ..notebook.names import STDLIB_MODULES
from .context import CellScope, Context, Hit, Local


def unpinned_import(ctx: Context) -> Iterator[Hit]:
    seen: set[str] = set()
    # A module imported only under a try that catches ImportError is one the notebook runs without,
    # which freeze does not pin either: flagging it would ask for a fix that never comes.
    required = {imp.module.split(".")[0] for _, facts in ctx.code for imp in facts.imports if not imp.optional}
    pins = None
    from_references: dict[str, bool] | None = None  # what the notebook installs by URL → follows a branch
    for cell, facts in ctx.code:
        for imp in facts.imports:
            if imp.relative or not imp.module:
                continue
            top = imp.module.split(".")[0]
            if top in seen or top not in required or top in STDLIB_MODULES or ctx.is_local_module(top):
                continue
            seen.add(top)
            if pins is None:
                pins = ctx.pins()
            dists, versions = _distributions(ctx, imp.module, top)
            if pins is not None and any(pins.pinned(d) for d in dists):
                continue
            # What the notebook itself installs from a URL or a path (`!pip install 'pkg @ git+…@v1'`)
            # is exact, and freeze leaves it to that install: no pin would ever be added for it.
            if from_references is None:
                from_references = {}
                for _, f in ctx.code:
                    for _, key, floating in direct_installs(f) if f.magics else ():
                        from_references[key] = from_references.get(key, True) and floating
            installs = [from_references[normalize(d)] for d in dists if normalize(d) in from_references]
            if installs and not all(installs):
                continue
            # a repository URL with no tag or commit: freeze cannot pin it either, the URL must say
            floating = bool(installs) or (pins is not None and any(normalize(d) in pins.floating for d in dists))
            yield _import_hit(ctx, cell.index, imp.line, top, dists, versions, pins, floating)


def _distributions(ctx: Context, module: str, top: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """Candidate distributions for ``module`` and the versions known for them: from the kernel's
    environment when the live kernel answered for this module, else from this process's."""
    kernel = ctx.kernel
    found = kernel.distributions.get(top) if kernel is not None and kernel.distributions is not None else None
    local = distributions_for(module, ctx.environment)
    if found:
        names = tuple(dict.fromkeys([normalize(d) for d, _ in found] + list(local)))
        return names, {normalize(d): v for d, v in found}
    return local, {}


def _import_hit(
    ctx: Context,
    index: int,
    line: int,
    top: str,
    dists: tuple[str, ...],
    versions: dict[str, str],
    pins: PinSet | None,
    floating: bool = False,
) -> Hit:
    dist = dists[0]
    version = versions.get(dist) or installed_version(dist, ctx.environment)
    names = " or ".join(dists[:3])
    source = f"`{top}`, which comes from {names}," if normalize(top) != dist or len(dists) > 1 else f"`{top}`"
    files = pins.files if pins is not None else ()
    # A pin file that cannot be read is never passed over in silence: its pins do not count (pip
    # could not install from it either), and the finding says which file and why, named from
    # the notebook's folder (no server path; the same words wherever the check runs).
    failed = pins.errors if pins is not None and ctx.directory is not None else ()
    unread_names = [error.name_from(ctx.directory, ctx.ceiling) for error in failed] if failed else []
    unread = [error.shown(name) for error, name in zip(failed, unread_names, strict=True)]
    where = (
        "it is installed from a repository URL with no tag or commit: each install takes what its default branch "
        "holds that day"
        if floating
        else "none of " + ", ".join(_shown(f, ctx) for f in files[:3]) + " pins it"
        if files
        else ""
        if unread
        else "no requirements or lock file was found beside the notebook or up to the repository root"
    )
    if unread:
        more = f"; and {len(unread) - 2} more" if len(unread) > 2 else ""
        problem = "a pin file could not be read, so its pins do not count: " + "; ".join(unread[:2]) + more
        where = f"{where}; {problem}" if where else problem
    pin = f"`{dist}=={version}`" if version else f"`{dist}==<the version you tested with>`"
    repair = f"Repair `{unread_names[0]}` so its pins count, or add" if unread else "Add"
    suggestion = (
        f"Name the tag or commit you tested in its URL (`…@v1.2` or `…@<commit>`), or install {pin} instead."
        if floating
        else f"{repair} {pin} to requirements.txt (Readiness ▸ Freeze environment writes the exact versions from "
        "your kernel)."
    )
    return Hit(
        index,
        line,
        f"{source} is imported but its version is not pinned ({where}): next month's install may bring a release that "
        "breaks or changes results.",
        suggestion,
        subject=top,
    )


def unpinned_install(ctx: Context) -> Iterator[Hit]:
    # Not memoised with the cell's facts: the suggested pin names the version installed now.
    for scope in ctx.scopes:
        if scope.facts.magics:
            for line, message, suggestion in _installs_in_cell(ctx, scope):
                yield Hit(scope.cell.index, line, message, suggestion)


def _installs_in_cell(ctx: Context, scope: CellScope) -> Iterator[Local]:
    for magic in scope.facts.magics:
        for line, tool, specs in install_commands(magic):
            loose = [spec for spec in specs if not exact(spec, conda=tool == "conda")]
            if not loose:
                continue
            shown = ", ".join(loose[:5]) + (" …" if len(loose) > 5 else "")
            yield (
                line,
                f"`{tool} install` of {shown} without an exact version: each run may install something different.",
                f"Pin every package (e.g. `%pip install {_example(ctx, loose[0])}`), or better, list them pinned in "
                "requirements.txt and install from it once, outside the notebook.",
            )


def exact(spec: str, *, conda: bool) -> bool:
    if conda:
        name, sep, rest = spec.partition("=")
        version = rest.lstrip("=").split("=")[0]
        return bool(name and sep and version and not any(ch in version for ch in "*<>!,"))
    # A PEP 508 spec; its clauses follow the name and extras, markers after ";" do not matter.
    match = _REQUIREMENT.match(spec.split(";", 1)[0])
    return bool(match) and any(_EXACT_CLAUSE.fullmatch(clause.strip()) for clause in match.group(1).split(","))


_REQUIREMENT = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*(.*)$")
_EXACT_CLAUSE = re.compile(r"===?\s*[^\s*,]+")


def _example(ctx: Context, spec: str) -> str:
    name = re.split(r"[=<>\[~!;@ ]", spec, maxsplit=1)[0].strip()
    version = installed_version(normalize(name), ctx.environment) if name else None
    return f"{name}=={version}" if version else f"{name}==X.Y.Z"


def _shown(file: str, ctx: Context) -> str:
    """Named from the notebook's folder: two folders' ``requirements.txt`` read as two files."""
    return file_shown(file, ctx.directory, ctx.ceiling) if ctx.directory is not None else Path(file).name
