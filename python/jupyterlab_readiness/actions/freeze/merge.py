"""Freeze environment, the merging half: exact pins into a requirements file or a pyproject.toml.

Merging keeps comments, order and unrelated lines; replaces a loose spec of a pinned distribution
(``pandas``, ``pandas>=2``) by the pin; never duplicates; and is idempotent — merging the same
pins again gives the same bytes and reports nothing added or changed.

It never changes what a requirement means: a pin keeps the requirement's extras and marker, and
the rest of its line, byte for byte; a URL or path (``pkg @ git+…``, ``-e …``, ``./libs/pkg``) is
exact already and stays as written, as does a distribution split by markers over several lines,
or one whose marker does not hold where the versions were installed. None of these is added
again. Requirements are read as pip reads them (environment/requirement_lines.py).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from ...environment.answer import LOCAL
from ...environment.pep503 import normalize
from ...environment.pins import LOCK_NAME
from ...environment.requirement_lines import Requirement, parse_requirement
from ..errors import ActionRefused
from ..newlines import newline_of, normalized_newlines, with_newline

#: why a distribution installed from a folder on the machine the versions come from is not pinned
LOCAL_REASON = "installed from a folder on this machine"


@dataclass
class Pins:
    versions: dict[str, tuple[str, str]] = field(default_factory=dict)  # normalised → (name, version)
    unresolved: list[str] = field(default_factory=list)
    # PEP 508 marker values of the environment the versions were installed in (python_version …),
    # over this Python's: a requirement whose marker does not hold there is not re-pinned
    markers: dict[str, str] | None = None
    # normalised → the URL it was installed from (environment.answer.Environment.sources): pinned
    # as ``name @ URL``, as pip freeze pins it, never as ``name==version`` from the package index
    sources: dict[str, str] = field(default_factory=dict)

    def requirement(self, key: str) -> str:
        """The pin of one distribution: ``name==version``, or ``name @ URL`` for one installed
        from a URL."""
        name, version = self.versions[key]
        url = self.sources.get(key)
        return f"{name} @ {url}" if url else f"{name}=={version}"


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
    requirements = [(group, parse_requirement(_joined(lines, group), comments=True)) for group in _logical(lines)]
    pinnable = _pinnable([line for _, line in requirements], pins)
    seen: set[str] = set(included)
    changed: list[str] = []
    for group, requirement in requirements:
        if requirement.key is None:
            continue
        seen.add(requirement.key)
        if requirement.key in included or requirement.key not in pinnable:
            continue
        # A trailing backslash joins the next lines (pip-compile's `--hash=` lines) to this
        # requirement: only a requirement written whole on its first line is edited, and the
        # backslash stays, or the hashes become lines of their own.
        if any(not lines[i].strip().startswith("-") for i in group[1:]):
            continue
        first = lines[group[0]]
        continued = len(group) > 1
        head = first.rstrip().removesuffix("\\") if continued else first
        rewritten = _pinned(head, parse_requirement(head, comments=True), pins)
        if rewritten is not None:
            rewritten += first[len(head) :]
            changed.append(f"{first.strip()} → {rewritten.strip()}")
            lines[group[0]] = rewritten
    added = [pins.requirement(key) for key in sorted(pins.versions) if key not in seen]
    lines.extend(added)
    newline = newline_of(text)  # a file saved on Windows keeps its line breaks
    after = newline.join(lines) + newline if lines else ""
    if after == text or (not added and not changed):
        after = text  # nothing to do: the same bytes, even the file's own line endings
    return Merge(text, after, added, changed)


def _logical(lines: list[str]) -> list[list[int]]:
    """The physical lines of each logical line, joined as pip joins them: a line ending with a
    backslash continues on the next one, unless it is a comment."""
    groups: list[list[int]] = []
    current: list[int] = []
    for i, line in enumerate(lines):
        current.append(i)
        if not line.endswith("\\") or line.lstrip().startswith("#"):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _joined(lines: list[str], group: list[int]) -> str:
    return "".join(lines[i].removesuffix("\\") if i != group[-1] else lines[i] for i in group)


def _pinnable(requirements: list[Requirement], pins: Pins) -> set[str]:
    """The pinned distributions whose requirements freeze may re-pin: not one any requirement
    names by URL or path (already exact, and from the source the team chose); not one written
    with different markers on several lines (the author split it by environment); not one whose
    marker does not hold where the versions were installed (that version was not tested there)."""
    about: dict[str, list[Requirement]] = {}
    for requirement in requirements:
        if requirement.key in pins.versions:
            about.setdefault(requirement.key, []).append(requirement)
    pinnable = set()
    for key, found in about.items():
        markers = {requirement.marker for requirement in found}
        if any(requirement.direct for requirement in found) or len(markers) != 1:
            continue
        (marker,) = markers
        if marker is None or _holds(marker, pins.markers):
            pinnable.add(key)
    return pinnable


def _holds(marker: str, environment: dict[str, str] | None) -> bool:
    from packaging.markers import Marker

    try:
        return Marker(marker).evaluate(environment)
    except Exception:  # noqa: BLE001 - a marker that cannot be evaluated here: left as written
        return False


def _pinned(text: str, requirement: Requirement, pins: Pins) -> str | None:
    """``text`` with its version specifier replaced by the pin, the rest of it (extras, marker,
    comment) byte for byte; None when it pins that version already, or cannot be edited. For a
    distribution installed from a URL the pin is that direct reference (``pkg[extra] @ URL``)."""
    if requirement.key is None or requirement.direct or requirement.span is None:
        return None
    version = pins.versions[requirement.key][1]
    url = pins.sources.get(requirement.key)
    if url is None and requirement.exact == version:
        return None
    start, end = requirement.span
    match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\s*\[[^\]]*\])?", text[start:end])
    if match is None:
        return None
    head = text[:start] + match.group(1) + (match.group(2) or "")
    if url is None:
        return head + "==" + version + text[end:]
    rest = text[end:]
    # a URL ends at whitespace: its marker needs one before the `;`
    return head + " @ " + url + (" " + rest if rest.startswith(";") else rest)


def merge_pyproject(text: str, pins: Pins) -> Merge:
    """Pins into ``[project].dependencies``, edited with tomlkit so comments and layout stay."""
    import tomlkit

    text_lf, newline = normalized_newlines(text)  # a file saved on Windows keeps its line breaks
    bom = "\ufeff" if text_lf.startswith("\ufeff") else ""  # and its byte-order mark (tomlkit refuses it)
    document = tomlkit.parse(text_lf.removeprefix(bom))
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
    requirements = [parse_requirement(str(item), comments=False) for item in dependencies]
    pinnable = _pinnable(requirements, pins)
    seen: set[str] = set()
    changed: list[str] = []
    for i, (item, requirement) in enumerate(zip(list(dependencies), requirements, strict=True)):
        if requirement.key is None:
            continue
        seen.add(requirement.key)
        rewritten = _pinned(str(item), requirement, pins) if requirement.key in pinnable else None
        if rewritten is not None:
            changed.append(f"{item} → {rewritten}")
            dependencies[i] = rewritten
    added = [pins.requirement(key) for key in sorted(pins.versions) if key not in seen]
    for requirement in added:
        dependencies.append(requirement)
    if added and len(dependencies) > 1 and not was_multiline:
        dependencies.multiline(True)
    if not (added or changed):
        return Merge(text, text, added, changed)
    return Merge(text, bom + with_newline(tomlkit.dumps(document), newline), added, changed)


def render_lock(
    closure: tuple[tuple[str, str], ...],
    notebook: str,
    left: Mapping[str, str] | None = None,
    sources: Mapping[str, str] | None = None,
) -> str:
    """The lock file's text; ``left``: normalised distributions it does not pin, and why (installed
    from a URL or a path: a pin from the package index would install something else) — a comment
    in the pin's place says so. ``sources``: where the environment installed distributions from
    (Environment.sources): one from a URL is pinned as ``name @ URL``, as pip freeze pins it; one
    from a folder on that machine gets a comment too."""
    left = dict(left or {})
    urls = {}
    for key, source in (sources or {}).items():
        if source == LOCAL:
            left.setdefault(key, LOCAL_REASON)
        else:
            urls[key] = source
    lines = [
        f"# Exact versions of what {notebook} needs, and what those need in turn, as installed",
        "# when it was frozen. Install with: pip install -r " + LOCK_NAME,
    ]
    for name, version in closure:
        why = left.get(normalize(name))
        url = urls.get(normalize(name))
        lines.append(
            (f"{name} @ {url}" if url else f"{name}=={version}")
            if why is None
            else f"# {name}: {why}: left to that install, not pinned from the package index ({version} here)"
        )
    return "\n".join(lines) + "\n"
