"""Freeze environment: which distributions to pin (what the notebook imports and installs, at the
versions an environment has installed — the kernel's, or this Python's for the CLI) and where.
The merging itself is in merge.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ...contract.replies import FreezeReply, LockFile
from ...contract.requests import FreezeRequest
from ...environment.answer import LOCAL, Environment
from ...environment.pep503 import normalize
from ...environment.pins import LOCK_NAME, PinSet, find_pins, included_names, search_dirs
from ...environment.requirements import installed_names, notebook_direct_references, third_party_modules
from ...files import Root, Unreadable
from ...notebook.facts import cell_facts
from ...notebook.model import Notebook
from ..errors import ActionRefused
from ..plan import Plan
from ..source import Source, load
from .merge import LOCAL_REASON, Pins, merge_pyproject, merge_requirements, render_lock


@dataclass
class Wanted:
    modules: list[str]  # third-party top-level modules the notebook imports
    installs: list[str]  # distributions it installs with pip/conda


def wanted(notebook: Notebook, is_local: Callable[[str], bool]) -> Wanted:
    installs = {name: None for cell in notebook.code_cells() for name in installed_names(cell_facts(cell.source))}
    return Wanted(third_party_modules(notebook, is_local), list(installs))


def resolve(want: Wanted, environment: Environment) -> Pins:
    """Exact versions from an environment's answer; a module nothing installed provides is
    unresolved — never guessed — and named once, though the notebook both installs and imports it
    (``!pip install tf-agents`` and ``import tf_agents``)."""
    # a requirement's marker is evaluated for the Python the versions come from (the kernel's)
    pins = Pins(markers={"python_version": environment.python, "python_full_version": environment.python_version})
    missing: set[str] = set()

    def unresolved(name: str) -> None:
        if normalize(name) not in missing:
            missing.add(normalize(name))
            pins.unresolved.append(name)

    for module in want.modules:
        pairs = environment.modules.get(module) or ()
        if not pairs:
            unresolved(module)
        for name, version in pairs:
            pins.versions.setdefault(normalize(name), (name, version))
    for install in want.installs:
        pair = environment.versions.get(install)
        if pair:
            pins.versions.setdefault(normalize(pair[0]), pair)
        else:
            unresolved(install)
    # installed from a URL or a folder (direct_url.json): what pip freeze would write instead
    pins.sources = {key: environment.sources[key] for key in pins.versions if key in environment.sources}
    return pins


def leave_local_installs(pins: Pins) -> list[str]:
    """Take out of ``pins`` what the environment installed from a folder on its machine (``pip
    install -e ./libs/pkg``, in a terminal or a cell): that folder is not on the machine that
    installs the pins, and the package index's distribution of that name is another thing. Says
    so, once per distribution."""
    notes = []
    for key, source in sorted(pins.sources.items()):
        if source != LOCAL or key not in pins.versions:
            continue
        name, version = pins.versions.pop(key)
        del pins.sources[key]
        notes.append(
            f"{name} {version}: {LOCAL_REASON}: left out, not pinned from the package index. Publish it, "
            "or install it from a repository URL or an archive's URL, then freeze again"
        )
    return notes


# A PEP 508 distribution name and a PEP 440 version (public, or with a local label): no specifiers,
# no markers, nothing a requirements file would read as another line.
_DISTRIBUTION = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
_VERSION = re.compile(r"^[0-9][A-Za-z0-9.!+_-]*$")


def pin_typed(pins: Pins, typed: dict[str, str]) -> None:
    """Pin what the environment does not have at the version the user typed for it ('1.2.3', or
    'distribution==1.2.3' when the module's distribution has another name); names that are not
    unresolved keep the environment's version. Raises ActionRefused for a text that is not an
    exact version (without echoing it)."""
    # a name as the user typed it or as freeze lists it: tf-agents and tf_agents are one distribution
    typed = {normalize(name): text for name, text in typed.items()}
    for name in list(pins.unresolved):
        text = typed.get(normalize(name), "").strip()
        if not text:
            continue
        distribution, pinned, version = text.partition("==")
        if not pinned:
            distribution, version = name, text
        distribution, version = distribution.strip(), version.strip()
        if not _DISTRIBUTION.match(distribution) or not _VERSION.match(version):
            raise ActionRefused(
                "a version typed for an unresolved name is not an exact version: type one such as 1.2.3, or "
                "distribution==1.2.3 when the package's name differs from the module's"
            )
        pins.versions.setdefault(normalize(distribution), (distribution, version))
        pins.unresolved.remove(name)


def direct_installs_of(notebook: Notebook) -> dict[str, tuple[int, bool]]:
    """What the notebook installs from a URL or a path: normalised distribution → (index of the
    first cell installing it so, whether that install follows a branch), in the cells' order."""
    found: dict[str, tuple[int, bool]] = {}
    for index, install in notebook_direct_references(notebook):
        found.setdefault(install.key, (index, install.floating))
    return found


def leave_direct_installs(notebook: Notebook, pins: Pins) -> list[str]:
    """Take out of ``pins`` what the notebook installs from a URL or a path (``!pip install 'pkg @
    git+…'``, ``-e git+…#egg=pkg``, ``./libs/pkg``): a pin from the package index would install
    something else than that install does. Says so, once per distribution."""
    notes = []
    for key, (index, floating) in direct_installs_of(notebook).items():
        pair = pins.versions.pop(key, None)
        unresolved = [name for name in pins.unresolved if normalize(name) == key]
        for name in unresolved:
            pins.unresolved.remove(name)
        if pair is not None or unresolved:
            name = pair[0] if pair is not None else unresolved[0]
            how = (
                "a repository URL with no tag or commit (name one in the URL to pin it)"
                if floating
                else "a URL or a path, which is exact already"
            )
            notes.append(
                f"{name}: cell {index + 1} installs it from {how}: left to that install, not pinned from "
                "the package index"
            )
    return notes


def left_out_of_lock(notebook: Notebook, pinset: PinSet) -> dict[str, str]:
    """What the lock file must not pin from the package index, and why: a distribution the
    notebook installs from a URL or a path, or one a pin file around it names so (the lock installs
    what the notebook installed, and an index pin of it is another thing)."""
    installs = direct_installs_of(notebook)
    left = {key: f"cell {index + 1} installs it from a URL or a path" for key, (index, _) in installs.items()}
    for key in sorted(pinset.direct | pinset.floating):
        left.setdefault(key, "a pin file names it by a URL or a path")
    return left


def choose_target(notebook_dir: Path, target: str, root: Root) -> tuple[str, Path]:
    """("pyproject" | "requirements", file): auto prefers the project's pyproject.toml when it has
    a [project] table (beside the notebook or above it, up to the repository root and never above
    the root), else requirements.txt beside the notebook."""
    if target in ("auto", "pyproject"):
        found = _project_pyproject(notebook_dir, root)
        if found is None:
            if target == "pyproject":
                raise ActionRefused(
                    "no pyproject.toml with a [project] table beside the notebook or above it in the repository"
                )
        elif "dependencies" not in _names(found[1].get("dynamic")):
            return "pyproject", found[0]
        elif target == "pyproject":
            # a build backend refuses dependencies both listed and declared dynamic
            raise ActionRefused(
                "pyproject.toml declares its dependencies dynamic (the build backend reads them from another "
                "file): freeze into requirements.txt (--target requirements) or the file it reads"
            )
    return "requirements", notebook_dir / "requirements.txt"


def _names(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _project_pyproject(start: Path, root: Root) -> tuple[Path, dict] | None:
    """The nearest pyproject.toml with a [project] table, and that table. One that cannot be read
    or is not valid TOML is refused, naming it (and TOML's line and column): freeze cannot tell
    whether it holds the project's dependencies, and writing requirements.txt beside it instead
    would pass it over in silence."""
    from ...compat import toml_loads, toml_problem, tomllib

    for folder in search_dirs(start, root.ceiling):
        candidate = folder / "pyproject.toml"
        try:
            text = root.read_text(candidate)
        except Unreadable as exc:
            raise ActionRefused(f"{root.shown(candidate)}: cannot read it: {exc}{_REPAIR}") from None
        if text is None:
            continue
        try:
            project = toml_loads(text).get("project")
        except tomllib.TOMLDecodeError as exc:
            raise ActionRefused(toml_problem(exc, root.shown(candidate), text) + _REPAIR) from None
        if isinstance(project, dict):
            return candidate, project
    return None


_REPAIR = " — repair it, or freeze into requirements.txt (--target requirements)"


def plan(
    request: FreezeRequest, environment: Environment, root: Root, source: Source | None = None
) -> Plan[FreezeReply]:
    """Everything freeze would write, from the environment's answer. Raises ActionRefused, and what
    source.load raises; ``source``: the notebook, when the caller has loaded it already."""
    source = source or load(request.path, request.notebook, root)
    from ...checks.context import Context

    want = wanted(source.model, Context(source.model, source.path).is_local_module)
    pins = resolve(want, environment)
    warnings = leave_direct_installs(source.model, pins)
    warnings += leave_local_installs(pins)
    pin_typed(pins, request.versions)
    kind, file = choose_target(source.path.parent, request.target, root)
    # a pin file that cannot be read is never passed over in silence (what it pins is not counted)
    pinset = find_pins(source.path.parent, root.ceiling)
    unread = pinset.errors
    warnings += [f"pin file not read: {error.shown(root.shown(Path(error.file)))}" for error in unread]
    before = root.read_text(file) or ""
    if kind == "pyproject":
        merge = merge_pyproject(before, pins)
    else:
        merge = merge_requirements(before, pins, included_names(file, before, root.ceiling))
    writes = {file: merge.after}
    lock = None
    if request.lock:
        lock_file = file.parent / LOCK_NAME
        left = left_out_of_lock(source.model, pinset)
        lock_after = render_lock(environment.closure or (), source.path.name, left, environment.sources)
        lock = LockFile(root.shown(lock_file), root.read_text(lock_file) or "", lock_after)
        writes[lock_file] = lock_after
    reply = FreezeReply(
        root.shown(file), merge.before, merge.after, merge.added, merge.changed, pins.unresolved, lock, warnings
    )
    return Plan(reply, writes)
