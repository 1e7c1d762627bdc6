"""Third-party code the notebook uses without an exact version recorded anywhere."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from ..environment.distributions import distributions_for, installed_version, normalize
from ..environment.pins import find_pins
from ..notebook.facts import Magic, cell_facts
from ..notebook.model import Notebook
from ..notebook.names import STDLIB_MODULES
from .context import CellScope, Context, Hit, Local


def unpinned_import(ctx: Context) -> Iterator[Hit]:
    seen: set[str] = set()
    pins = None
    for cell, facts in ctx.code:
        for imp in facts.imports:
            if imp.relative or not imp.module:
                continue
            top = imp.module.split(".")[0]
            if top in seen or top in STDLIB_MODULES or ctx.is_local_module(top):
                continue
            seen.add(top)
            if pins is None:
                pins = find_pins(ctx.directory) if ctx.directory is not None else None
            dists, versions = _distributions(ctx, imp.module, top)
            if pins is not None and any(pins.pinned(d) for d in dists):
                continue
            yield _import_hit(cell.index, imp.line, top, dists, versions, pins.files if pins else ())


def _distributions(ctx: Context, module: str, top: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """Candidate distributions for ``module`` and the versions known for them: from the kernel's
    environment when the live kernel answered for this module, else from this process's."""
    kernel = ctx.kernel
    found = kernel.distributions.get(top) if kernel is not None and kernel.distributions is not None else None
    local = distributions_for(module)
    if found:
        names = tuple(dict.fromkeys([normalize(d) for d, _ in found] + list(local)))
        return names, {normalize(d): v for d, v in found}
    return local, {}


def _import_hit(
    index: int, line: int, top: str, dists: tuple[str, ...], versions: dict[str, str], files: tuple[str, ...]
) -> Hit:
    dist = dists[0]
    version = versions.get(dist) or installed_version(dist)
    names = " or ".join(dists[:3])
    source = f"`{top}` comes from {names}" if normalize(top) != dist or len(dists) > 1 else f"`{top}`"
    where = (
        "none of " + ", ".join(Path(f).name for f in files[:3]) + " pins it"
        if files
        else "no requirements or lock file was found beside the notebook or up to the repository root"
    )
    pin = f"`{dist}=={version}`" if version else f"`{dist}==<the version you tested with>`"
    return Hit(
        index,
        line,
        f"{source} is imported but its version is not pinned ({where}): next month's install may bring a release that breaks or changes results.",
        f"Add {pin} to requirements.txt (Readiness ▸ Freeze environment writes the exact versions from your kernel).",
    )


def unpinned_install(ctx: Context) -> Iterator[Hit]:
    return ctx.per_cell("unpinned-install", _installs_in_cell)


def _installs_in_cell(ctx: Context, scope: CellScope) -> Iterator[Local]:
    for magic in scope.facts.magics:
        for line, tool, specs in _install_commands(magic):
            loose = [spec for spec in specs if not _exact(spec, conda=tool == "conda")]
            if not loose:
                continue
            shown = ", ".join(loose[:5]) + (" …" if len(loose) > 5 else "")
            yield (
                line,
                f"`{tool} install` of {shown} without an exact version: each run may install something different.",
                f"Pin every package (e.g. `%pip install {_example(loose[0])}`), or better, list them pinned in requirements.txt and install from it once, outside the notebook.",
            )


def third_party_modules(notebook: Notebook, is_local: Callable[[str], bool]) -> list[str]:
    """Top-level modules the notebook imports that some distribution must provide."""
    tops = {
        imp.module.split(".")[0]
        for cell in notebook.code_cells()
        for imp in cell_facts(cell.source).imports
        if imp.module and not imp.relative
    }
    return sorted(top for top in tops if top not in STDLIB_MODULES and not is_local(top))


def installed_names(facts) -> list[str]:
    """The distribution names a cell's pip/conda installs name (versions and extras dropped)."""
    names = []
    for magic in facts.magics:
        for _, _, specs in _install_commands(magic):
            for spec in specs:
                match = _REQUIREMENT_NAME.match(spec)
                if match:
                    names.append(match.group(0))
    return names


# pip/conda options that consume the next token
_VALUE_OPTIONS = frozenset(
    [
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-e",
        "--editable",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--upgrade-strategy",
        "--progress-bar",
        "--src",
        "-C",
        "--config-settings",
        "--global-option",
        "--no-binary",
        "--only-binary",
        "--trusted-host",
        "--proxy",
        "--retries",
        "--timeout",
        "--log",
        "--cache-dir",
        "--report",
        "-n",
        "--name",
        "-p",
        "--channel",
        "--override-channels",
        "--file",
    ]
)
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&"})
# > log, >>log, 2>/dev/null, 2>&1, &>x, < input: group 1 is what follows the operator, if glued
_REDIRECT = re.compile(r"^(?:\d*|&)(?:>>?|<)(.*)$")


def _install_commands(magic: Magic) -> Iterator[tuple[int, str, list[str]]]:
    """(line in the cell, "pip" | "conda", requirement specs) for each install a magic runs."""
    if magic.kind == "line" and magic.name in ("pip", "conda", "mamba"):
        lines = [(magic.line, f"{magic.name} {magic.args}")]
    elif magic.kind == "shell":
        lines = [(magic.line, magic.args)]
    elif magic.kind == "cell" and magic.name in ("bash", "sh", "script", "system"):
        lines = [(magic.line + 1 + i, text) for i, text in enumerate(magic.body.splitlines())]
    else:
        return
    import shlex  # here, not at start-up: only shell lines get this far

    for line, text in lines:
        try:
            tokens = shlex.split(text, comments=True)
        except ValueError:
            tokens = text.split()
        for tool, specs in _installs_in(_split_separators(tokens)):
            yield line, tool, specs


def _split_separators(tokens: list[str]) -> list[str]:
    # shlex keeps "pkg==1;" as one word: split a trailing ";" or "&" off so it ends the command.
    out: list[str] = []
    for token in tokens:
        if len(token) > 1 and token[-1] in ";&" and not token.endswith("&&"):
            out.extend((token[:-1], token[-1]))
        else:
            out.append(token)
    return out


def _installs_in(tokens: list[str]) -> Iterator[tuple[str, list[str]]]:
    i = 0
    while i < len(tokens):
        tool = _tool(tokens, i)
        if tool is None:
            i += 1
            continue
        tool_name, install_at = tool
        if install_at >= len(tokens) or tokens[install_at] != "install":
            i += 1
            continue
        specs: list[str] = []
        j = install_at + 1
        while j < len(tokens) and tokens[j] not in _SEPARATORS:
            token = tokens[j]
            redirect = _REDIRECT.match(token)
            if redirect:
                j += 1 if redirect.group(1) else 2  # "2>/dev/null" is whole; "> log" takes the next word
                continue
            if token.startswith("-"):
                j += 2 if token in _VALUE_OPTIONS else 1
                continue
            if not _is_path_or_url(token) and not token.startswith(("$", "{")):
                specs.append(token)
            j += 1
        if specs:
            yield tool_name, specs
        i = j


def _tool(tokens: list[str], i: int) -> tuple[str, int] | None:
    """("pip", index of "install") when a pip/conda invocation starts at token i."""
    token = tokens[i].rsplit("/", 1)[-1]
    if token in ("pip", "pip3") or token.startswith("pip3."):
        return "pip", i + 1
    if token in ("conda", "mamba", "micromamba"):
        return "conda", i + 1
    if (
        i + 2 < len(tokens)
        and tokens[i + 1] == "-m"
        and tokens[i + 2] == "pip"
        and ("python" in token or "executable" in token)
    ):
        return "pip", i + 3
    if token in ("uv",) and i + 2 < len(tokens) and tokens[i + 1] == "pip":
        return "pip", i + 2
    return None


def _is_path_or_url(token: str) -> bool:
    return "://" in token or token.startswith((".", "/", "~")) or token.endswith((".whl", ".tar.gz", ".zip"))


def _exact(spec: str, *, conda: bool) -> bool:
    if conda:
        name, sep, rest = spec.partition("=")
        version = rest.lstrip("=").split("=")[0]
        return bool(name and sep and version and not any(ch in version for ch in "*<>!,"))
    # A PEP 508 spec; its clauses follow the name and extras, markers after ";" do not matter.
    match = _REQUIREMENT.match(spec.split(";", 1)[0])
    return bool(match) and any(_EXACT_CLAUSE.fullmatch(clause.strip()) for clause in match.group(1).split(","))


_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_REQUIREMENT = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*(.*)$")
_EXACT_CLAUSE = re.compile(r"===?\s*[^\s*,]+")


def _example(spec: str) -> str:
    name = re.split(r"[=<>\[~!;@ ]", spec, maxsplit=1)[0].strip()
    version = installed_version(normalize(name)) if name else None
    return f"{name}=={version}" if version else f"{name}==X.Y.Z"
