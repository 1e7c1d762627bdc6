"""Freeze environment, the deciding half: what to pin, where, and the merged file text.

No I/O here: the caller reads the target, asks an environment for versions (the kernel's, or this
process's for the CLI, see probe.kernel_environment / local_environment), and writes the result.
Merging keeps comments, order and unrelated lines; replaces a loose spec of a pinned distribution
(``pandas``, ``pandas>=2``) by the pin; never duplicates; and is idempotent — merging the same
pins again gives the same bytes and reports nothing added or changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...checks.pinning import installed_names, third_party_modules
from ...contract.replies import FreezeReply, LockFile
from ...environment.distributions import normalize
from ...environment.pins import LOCK_NAME, search_dirs
from ...notebook.facts import cell_facts
from ...notebook.model import Notebook

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass
class Wanted:
    modules: list[str]  # third-party top-level modules the notebook imports
    installs: list[str]  # distributions it installs with pip/conda


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


def wanted(notebook: Notebook, is_local: Callable[[str], bool]) -> Wanted:
    installs = {name: None for cell in notebook.code_cells() for name in installed_names(cell_facts(cell.source))}
    return Wanted(third_party_modules(notebook, is_local), list(installs))


def resolve(want: Wanted, environment: dict[str, Any]) -> Pins:
    """Exact versions from an environment's answer; a module nothing installed provides is
    unresolved — never guessed."""
    pins = Pins()
    for module in want.modules:
        pairs = environment.get("modules", {}).get(module) or []
        if not pairs:
            pins.unresolved.append(module)
        for name, version in pairs:
            pins.versions.setdefault(normalize(name), (name, version))
    for install in want.installs:
        pair = environment.get("versions", {}).get(install)
        if pair:
            pins.versions.setdefault(normalize(pair[0]), (pair[0], pair[1]))
        else:
            pins.unresolved.append(install)
    return pins


def merge_requirements(text: str, pins: Pins) -> Merge:
    lines = text.splitlines()
    seen: set[str] = set()
    changed: list[str] = []
    for i, line in enumerate(lines):
        key, rewritten = _pin_line(line, pins)
        if key is None:
            continue
        seen.add(key)
        if rewritten != line:
            changed.append(f"{line.strip()} → {rewritten.strip()}")
            lines[i] = rewritten
    added = [f"{name}=={version}" for key, (name, version) in sorted(pins.versions.items()) if key not in seen]
    lines.extend(added)
    after = "\n".join(lines) + "\n" if lines else ""
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
    body, hash_, comment = line.partition("#")
    spec, semi, marker = body.partition(";")
    extras = re.match(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?", spec)
    pinned = f"{match.group(1)}{extras.group(1) or '' if extras else ''}=={version}"
    if re.sub(r"\s+", "", spec) == pinned:
        return key, line
    rebuilt = pinned + (f" ;{marker.rstrip()}" if semi else "") + (f"  #{comment}" if hash_ else "")
    indent = line[: len(line) - len(line.lstrip())]
    return key, indent + rebuilt


def merge_pyproject(text: str, pins: Pins) -> Merge:
    """Pins into ``[project].dependencies``, edited with tomlkit so comments and layout stay."""
    import tomlkit

    document = tomlkit.parse(text)
    project = document.get("project")
    if project is None:
        raise ValueError("pyproject.toml has no [project] table")
    if "dependencies" not in project:
        project["dependencies"] = tomlkit.array()
    dependencies = project["dependencies"]
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
    if added and len(dependencies) > 1:
        dependencies.multiline(True)
    after = tomlkit.dumps(document) if (added or changed) else text
    return Merge(text, after, added, changed)


def render_lock(closure: list[list[str]], notebook: str) -> str:
    lines = [
        f"# Exact versions of what {notebook} needs, and what those need in turn, as installed",
        "# when it was frozen. Install with: pip install -r " + LOCK_NAME,
    ]
    lines += [f"{name}=={version}" for name, version in closure]
    return "\n".join(lines) + "\n"


def choose_target(notebook_dir: Path, target: str) -> tuple[str, Path]:
    """("pyproject" | "requirements", file): auto prefers the project's pyproject.toml when it has
    a [project] table (beside the notebook or above it, up to the repository root), else
    requirements.txt beside the notebook."""
    if target in ("auto", "pyproject"):
        pyproject = _project_pyproject(notebook_dir)
        if pyproject is not None:
            return "pyproject", pyproject
        if target == "pyproject":
            raise ValueError(
                "no pyproject.toml with a [project] table beside the notebook or above it in the repository"
            )
    return "requirements", notebook_dir / "requirements.txt"


def _project_pyproject(start: Path) -> Path | None:
    from ...compat import tomllib

    for folder in search_dirs(start):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                if isinstance(tomllib.loads(candidate.read_text(encoding="utf-8")).get("project"), dict):
                    return candidate
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                return None
    return None


@dataclass
class FreezeResult:
    target: Path
    merge: Merge
    unresolved: list[str]
    lock_file: Path | None = None
    lock_before: str = ""
    lock_after: str = ""

    def reply(self, shown: Callable[[Path], str]) -> FreezeReply:
        lock = None if self.lock_file is None else LockFile(shown(self.lock_file), self.lock_before, self.lock_after)
        return FreezeReply(
            shown(self.target),
            self.merge.before,
            self.merge.after,
            self.merge.added,
            self.merge.changed,
            self.unresolved,
            lock,
        )


def plan(
    want: Wanted,
    environment: dict[str, Any],
    notebook_path: Path,
    target: str,
    lock: bool,
    read_text: Callable[[Path], str | None],
) -> FreezeResult:
    """Everything freeze would write, from the environment's answer; ``read_text`` gives a
    file's current text (None when it does not exist)."""
    pins = resolve(want, environment)
    kind, file = choose_target(notebook_path.parent, target)
    before = read_text(file) or ""
    merge = merge_pyproject(before, pins) if kind == "pyproject" else merge_requirements(before, pins)
    result = FreezeResult(file, merge, pins.unresolved)
    if lock:
        result.lock_file = file.parent / LOCK_NAME
        result.lock_before = read_text(result.lock_file) or ""
        result.lock_after = render_lock(environment.get("closure") or [], notebook_path.name)
    return result
