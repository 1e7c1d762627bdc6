"""The pinning findings the export answers: the package installs what the notebook imports or
``%pip install``s at exactly the version the environment has (``pandas==2.2.2`` in its
pyproject.toml) and never runs the notebook's installs, so an ``unpinned-import`` or
``unpinned-install`` finding about a distribution the package pins exactly — or installs from the
URL with a tag or commit the notebook installs it from — no longer weakens it.
What no installed distribution provides stays out of the dependencies (the reply's
``unresolved``): its finding still weakens the package.

A finding does not carry its module, and a report may come from JSON (the server's cache): what it
is about is read again from the code at the finding's cell and line (or, for a notebook's own
module, its file and line), never from the message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from ...contract.report import Finding
from ...environment.answer import Environment
from ...environment.pep503 import normalize
from ...environment.requirements import install_commands, spec_name
from ...notebook.facts import cell_facts
from ...notebook.model import Notebook
from ...notebook.names import STDLIB_MODULES

CHECKS = frozenset({"unpinned-import", "unpinned-install"})


def exactly_pinned(dependencies: Iterable[str]) -> frozenset[str]:
    """The distributions a dependency list pins to one version (``pandas==2.2.2``) or to one thing
    by a direct reference (``pkg @ git+https://…@v1.2``, a wheel's URL): not a repository URL with
    no tag or commit, which installs whatever its default branch holds."""
    from ...environment.requirement_lines import follows_a_branch, parse_requirement

    pinned = set()
    for dependency in dependencies:
        if "@" in dependency:
            requirement = parse_requirement(dependency, comments=False)
            if requirement.reference and requirement.key and not follows_a_branch(requirement.target or ""):
                pinned.add(requirement.key)
        elif "==" in dependency:
            pinned.add(normalize(dependency.split("==", 1)[0]))
    return frozenset(pinned)


def pinned_by_package(
    finding: Finding,
    notebook: Notebook,
    modules: Mapping[str, str],
    is_local: Callable[[str], bool],
    environment: Environment,
    pins: frozenset[str],
) -> bool:
    """Whether every distribution the finding's line imports or installs is pinned exactly in the
    package (``pins``: exactly_pinned() of its dependencies). ``modules``: the notebook's own modules'
    sources by file, for a finding in one of them. A line naming several (``import a, b``) counts
    as answered only when all are, so an unresolved one keeps its finding."""
    if finding.check not in CHECKS:
        return False
    if finding.file is not None:
        source, line = modules.get(finding.file), finding.file_line
    elif finding.cell_index is not None and finding.cell_index < len(notebook.cells):
        source, line = notebook.cells[finding.cell_index].source, finding.line
    else:
        return False
    if source is None or line is None:
        return False
    facts = cell_facts(source)
    if finding.check == "unpinned-import":
        at_line = [imp.module for imp in facts.imports if imp.line == line and imp.module and not imp.relative]
        tops = {module.split(".")[0] for module in at_line}
        tops = {t for t in tops if t not in STDLIB_MODULES and not is_local(t)}
        provided = [environment.modules.get(top) or () for top in tops]
        return bool(tops) and all(pairs and all(normalize(d) in pins for d, _ in pairs) for pairs in provided)
    specs = [spec for magic in facts.magics for at, _, found in install_commands(magic) if at == line for spec in found]
    names = {spec_name(spec) for spec in specs}
    installed = [environment.versions.get(name) for name in names if name]
    return bool(installed) and all(pair is not None and normalize(pair[0]) in pins for pair in installed)
