"""Freeze environment, the merging half: exact pins into a requirements file or a pyproject.toml.

Merging keeps comments, order and unrelated lines; replaces a loose spec of a pinned distribution
(``pandas``, ``pandas>=2``) by the pin; never duplicates; and is idempotent — merging the same
pins again gives the same bytes and reports nothing added or changed.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from ...environment.pep503 import normalize
from ...environment.pins import LOCK_NAME
from ..errors import ActionRefused

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass
class Pins:
    versions: dict[str, tuple[str, str]] = field(default_factory=dict)  # normalised → (name, version)
    unresolved: list[str] = field(default_factory=list)


@dataclass
class Merge:
    before: str
    after: str
    added: list[str]
    changed: list[str]


def merge_requirements(text: str, pins: Pins, included: Collection[str] = ()) -> Merge:
    """``included``: distributions a file the text includes (``-r base.txt``) pins exactly; they
    are neither added nor re-pinned here: pip refuses two different pins of one distribution."""
    lines = text.splitlines()
    seen: set[str] = set(included)
    changed: list[str] = []
    for i, line in enumerate(lines):
        key, rewritten = _pin_line(line, pins)
        if key is None or key in included:
            continue
        seen.add(key)
        if rewritten != line:
            changed.append(f"{line.strip()} → {rewritten.strip()}")
            lines[i] = rewritten
    added = [f"{name}=={version}" for key, (name, version) in sorted(pins.versions.items()) if key not in seen]
    lines.extend(added)
    newline = "\r\n" if "\r\n" in text else "\n"  # a file saved on Windows keeps its line breaks
    after = newline.join(lines) + newline if lines else ""
    if after == text or (not added and not changed):
        after = text  # nothing to do: the same bytes, even the file's own line endings
    return Merge(text, after, added, changed)


def _pin_line(line: str, pins: Pins) -> tuple[str | None, str]:
    """The pinned distribution a requirements line is about (None if none), and its pinned form."""
    stripped = line.strip()
    if not stripped or stripped.startswith(("#", "-")):
        return None, line
    match = _NAME.match(line)
    if not match:
        return None, line
    key = normalize(match.group(1))
    if key not in pins.versions:
        return None, line
    version = pins.versions[key][1]
    # A trailing backslash joins the next line (pip-compile's `--hash=` lines) to this requirement:
    # it must stay, or the hashes become lines of their own.
    continued = "#" not in line and line.rstrip().endswith("\\")
    body, hash_, comment = (line.rstrip().removesuffix("\\") if continued else line).partition("#")
    spec, semi, marker = body.partition(";")
    extras = re.match(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?", spec)
    pinned = f"{match.group(1)}{extras.group(1) or '' if extras else ''}=={version}"
    if re.sub(r"\s+", "", spec) == pinned:
        return key, line
    rebuilt = pinned + (f" ;{marker.rstrip()}" if semi else "") + (f"  #{comment}" if hash_ else "")
    indent = line[: len(line) - len(line.lstrip())]
    return key, indent + rebuilt + (" \\" if continued else "")


def merge_pyproject(text: str, pins: Pins) -> Merge:
    """Pins into ``[project].dependencies``, edited with tomlkit so comments and layout stay."""
    import tomlkit

    crlf = "\r\n" in text  # a file saved on Windows keeps its line breaks
    document = tomlkit.parse(text.replace("\r\n", "\n") if crlf else text)
    project = document.get("project")
    if project is None:
        raise ActionRefused("pyproject.toml has no [project] table")
    if "dependencies" not in project:
        project["dependencies"] = tomlkit.array()
    dependencies = project["dependencies"]
    if not isinstance(dependencies, list):
        raise ActionRefused("[project].dependencies in pyproject.toml is not a list of requirements")
    # one already laid out a line per item gets the new items in its own indentation
    was_multiline = "\n" in dependencies.as_string()
    seen: set[str] = set()
    changed: list[str] = []
    for i, item in enumerate(list(dependencies)):
        key, rewritten = _pin_line(str(item), pins)
        if key is None:
            continue
        seen.add(key)
        if rewritten != str(item):
            changed.append(f"{item} → {rewritten}")
            dependencies[i] = rewritten
    added = [f"{name}=={version}" for key, (name, version) in sorted(pins.versions.items()) if key not in seen]
    for requirement in added:
        dependencies.append(requirement)
    if added and len(dependencies) > 1 and not was_multiline:
        dependencies.multiline(True)
    if not (added or changed):
        return Merge(text, text, added, changed)
    after = tomlkit.dumps(document)
    return Merge(text, after.replace("\n", "\r\n") if crlf else after, added, changed)


def render_lock(closure: tuple[tuple[str, str], ...], notebook: str) -> str:
    lines = [
        f"# Exact versions of what {notebook} needs, and what those need in turn, as installed",
        "# when it was frozen. Install with: pip install -r " + LOCK_NAME,
    ]
    lines += [f"{name}=={version}" for name, version in closure]
    return "\n".join(lines) + "\n"
