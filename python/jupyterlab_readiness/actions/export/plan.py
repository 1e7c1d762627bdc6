"""Export to package: the notebook becomes an installable, parameterised, tested package.

``plan`` decides everything — refusal, parameters, steps, pins, every file's text and whether it
may be written — from the notebook, an environment's answer (the kernel's, or this process's for
the CLI) and the files already there; ``actions.plan.apply`` writes what the plan allows.

Re-export is idempotent: every generated file carries a header, and ``.readiness-export.json``
records the hash of what was written. A file whose text differs from both the new text and the
recorded hash was edited by someone (or was there before): it is a conflict and is left alone.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import hashlib
import json
import posixpath
from pathlib import Path

from ...checks.context import Context
from ...checks.kernel_state import KernelState
from ...checks.secrets import redact
from ...contract.baseline import RehearsalRecord
from ...contract.replies import ExportFile, ExportParameter, ExportReply, ExportStep
from ...contract.report import Finding, NotebookReport
from ...contract.requests import ExportRequest
from ...environment.answer import LOCAL, Environment
from ...environment.pep503 import normalize
from ...environment.requirement_lines import follows_a_branch
from ...environment.requirements import DirectInstall, installed_names, notebook_direct_references, optional_modules
from ...files import OutsideRoot, Root, Unreadable
from ...lint.config import ConfigError, project_config
from ...lint.engine import check_model
from ...lint.sidecar import read_record, record_cells
from ...notebook.collector import collector_paused
from ...notebook.facts import cell_facts
from ...notebook.fingerprint import code_fingerprint
from ...notebook.model import Notebook
from ...notebook.names import STDLIB_MODULES
from ...notebook.parse import cell_tree, quiet_compiler
from ...notebook.rewrite import free_name
from ...notebook.run_memo import forget, one_run
from ...notebook.scopes import imported_packages, known_loads, notebook_names
from ..compiling import Pieces
from ..errors import BadName, ExportRefused
from ..freeze import plan as freeze
from ..freeze.merge import LOCAL_REASON
from ..naming import module_name_problem, snake
from ..plan import Plan
from ..source import Source, load
from .expectations import expectations, result_types
from .modules import copied, dotted
from .parameters import SKIP_TAG, ClockRewrite, Parameter, find_parameters, rewrite_clock
from .pinned import exactly_pinned, pinned_by_package
from .render import Package, header, relative_dir, render
from .resources import failure_modes, resources
from .steps import LEFT_OUT, build
from .style import styled
from .template import chosen, recorded_source, render_template

MANIFEST = ".readiness-export.json"
BLOCKING = frozenset({"syntax-error", "hidden-state", "non-python-kernel"})
# What the generated code itself imports; pinned like the notebook's imports when installed.
FRAMEWORK = {"pydantic": ">=2.5,<3", "pydantic-settings": ">=2.1,<3"}
# What the generated schemas.py imports when the package writes tables: asked for whenever the
# notebook imports pandas, a dependency only when the rehearsal saw a table written.
FRAMES = {"pandera": ">=0.24,<1"}
# Modules of the generated package: a package of the same name would shadow one of them.
RESERVED = frozenset({"steps", "tests", "test", "src", "pipeline", "parameters", "cli"})


def default_name(notebook: Notebook, notebook_path: Path) -> str:
    name = snake(Path(notebook_path).stem) or "pipeline"
    if module_name_problem(name, imported_packages(notebook), RESERVED, kind="package"):
        name = f"{name}_pipeline"
    return name


def check_name(name: str, notebook: Notebook) -> None:
    problem = module_name_problem(name, imported_packages(notebook), RESERVED, kind="package")
    if problem:
        raise BadName(problem)


def readiness(
    notebook: Notebook, notebook_path: Path, ceiling: Path | None = None, rehearsal: RehearsalRecord | None = None
) -> NotebookReport:
    """The readiness report at export time: what blocks the export, and what goes in the README.
    The project's configuration applies, as for ``check``, and so do the findings of the
    notebook's last rehearsal (``rehearsal``: its record, ignored when it rehearsed other code) —
    the server passes the sidebar's report instead: the same configuration and rehearsal, the
    user's settings and the kernel."""
    try:
        config = project_config(notebook_path.parent, ceiling)
    except ConfigError as exc:
        raise ExportRefused(f"configuration error: {exc}") from None
    return check_model(notebook, notebook_path, config, notebook_path.name, rehearsal=rehearsal)


def blocked(notebook: Notebook, report: NotebookReport) -> bool:
    """Whether plan() will refuse for the kernel's language or the findings, before any work."""
    return not notebook.is_python or any(f.check in BLOCKING for f in report.findings)


def wanted(notebook: Notebook, notebook_path: Path, ceiling: Path | None = None) -> freeze.Wanted:
    """What to ask an environment for: the third-party modules of the notebook and of its own
    modules (copied into the package), what it installs, and the distributions the generated code
    imports. ``ceiling``: the server's root, above which no module is read."""
    context = Context(notebook, notebook_path, ceiling=ceiling)
    want = freeze.wanted(notebook, context.is_local_module)
    modules = set(want.modules)
    for module in context.local_modules:
        for imp in cell_facts(module.source).imports:
            top = (imp.module or "").split(".")[0]
            if top and not imp.relative and top not in STDLIB_MODULES and not context.is_local_module(top):
                modules.add(top)
    modules |= {m for m in optional_modules(notebook) if not context.is_local_module(m)}
    framework = [*FRAMEWORK, *(FRAMES if "pandas" in modules else ())]
    # what a cell installs from a URL or a path: asked for, so its name is the one installed
    direct = [key for key in direct_installs(notebook) if key not in want.installs]
    installs = [*want.installs, *direct]
    return freeze.Wanted(sorted(modules), [*installs, *(d for d in framework if d not in installs)])


def direct_installs(notebook: Notebook) -> dict[str, tuple[int, DirectInstall]]:
    """What the notebook installs from a URL or a path: normalised distribution → (index of the
    cell, the install), the last one of each distribution (what a top-to-bottom run ends with)."""
    found: dict[str, tuple[int, DirectInstall]] = {}
    for index, install in notebook_direct_references(notebook):
        found.pop(install.key, None)  # in the order of the last installs
        found[install.key] = (index, install)
    return found


def plan(
    request: ExportRequest,
    environment: Environment,
    root: Root,
    source: Source | None = None,
    report: NotebookReport | None = None,
    kernel: KernelState | None = None,
) -> Plan[ExportReply]:
    """Raises BadName, ExportRefused (the destination is a file), and what source.load raises; a
    notebook that cannot be exported safely gives a plan whose reply says ``refused`` and writes
    nothing. ``source`` and ``report`` (readiness() of it): when the caller has them already.
    ``kernel``: the live kernel's state, whose types of the values the steps hand on become the
    ``Results`` schema."""
    source = source or load(request.path, request.notebook, root)
    # The run's trees go (one_run) before the collector runs again (collector_paused), so
    # the first collection after the plan walks what it returns, never a tree it parsed.
    # steps.py is compiled while it is made, beside the extraction (about its code cells' size).
    steps = Pieces(sum(len(cell.source) for cell in source.model.code_cells()))
    with quiet_compiler(), collector_paused(), one_run(), steps:
        return _plan(request, environment, root, source, report, kernel, steps)


def _plan(
    request: ExportRequest,
    environment: Environment,
    root: Root,
    source: Source,
    report: NotebookReport | None,
    kernel: KernelState | None,
    steps: Pieces,
) -> Plan[ExportReply]:
    notebook, notebook_path = source.model, source.path
    if notebook.is_python:
        _parse_once(notebook)
    name = request.name or default_name(notebook, notebook_path)
    check_name(name, notebook)
    out = root.resolve(request.out) if request.out is not None else root.confine(notebook_path.parent / name)
    if out.exists() and not out.is_dir():
        raise ExportRefused("The destination exists and is not a folder: choose another destination.")
    template = chosen(request.template, notebook_path.parent, root)  # a bad one: refused before any work
    distribution = name.replace("_", "-")
    recorded = read_record(notebook_path, root)
    report = report or readiness(notebook, notebook_path, root.ceiling, recorded)
    blocking = [f for f in report.findings if f.check in BLOCKING]
    weakening = [f for f in report.findings if f.check not in BLOCKING and f.severity in ("error", "warning")]
    reply = ExportReply(
        name,
        distribution,
        root.shown(out),
        notebook_path.name,
        [],
        [],
        None,
        [],
        None,
        blocking,
        weakening,
        report.score,
        [],
        [],
        [],
        False,
    )
    if not notebook.is_python:
        reply.refused = (
            f"This notebook's kernel runs {notebook.language}: only Python notebooks can be exported to a "
            "Python package."
        )
        return Plan(reply)
    if blocking:
        count = f"{len(blocking)} finding{'s' if len(blocking) != 1 else ''}"
        reply.refused = (
            f"The notebook cannot be exported safely: {count} to fix first (hidden state or syntax errors), "
            "listed below. A fresh top-to-bottom run would fail or compute something else."
        )
        return Plan(reply)
    try:
        parameters_cell, parameters = find_parameters(notebook)
        _check_parameters_first(notebook, parameters_cell, parameters)
        exported = [c for c in notebook.code_cells() if SKIP_TAG not in c.tags and c is not parameters_cell]
        run_name = free_name("run_date", notebook_names(notebook) | {p.name for p in parameters})
        clock = rewrite_clock(exported, run_name)
        if clock.sources:
            parameters.append(Parameter(run_name, "datetime | None", "None", "clock", min(clock.sources)))
        random_cells = [
            f.cell_index for f in report.findings if f.check == "unseeded-random" and f.cell_index is not None
        ]
        if random_cells:  # the package seeds every run with it, so its results and tests repeat
            seed_name = free_name("seed", notebook_names(notebook) | {p.name for p in parameters} | {run_name})
            parameters.append(Parameter(seed_name, "int", "0", "seed", min(random_cells)))
        context = Context(notebook, notebook_path, ceiling=root.ceiling)
        local = [m for m in context.local_modules if m.file.endswith(".py")]
        pipeline = build(
            notebook,
            parameters_cell,
            parameters,
            clock,
            notebook_path,
            {dotted(m).split(".")[0] for m in local},
            name,
            steps,
        )
    except ExportRefused as exc:
        reply.refused = str(exc)
        return Plan(reply)
    reply.parameters = [ExportParameter(p.name, p.type, p.default, p.origin, p.cell_index) for p in parameters]
    reply.parameters_cell = parameters_cell.index if parameters_cell is not None else None
    reply.steps = [ExportStep(s.function, s.heading, s.cell_indices, s.parameters, s.returns) for s in pipeline.steps]
    warnings = list(pipeline.warnings)
    warnings += [
        f"Cell {cell + 1} line {line}: `{call}` still reads the clock ({why}): "
        "the pipeline's result depends on when it runs."
        for cell, line, call, why in clock.left
    ]
    bundled = {dotted(m).split(".")[0] for m in local}
    for module in sorted(imported_packages(notebook)):
        if context.is_local_module(module) and module not in bundled:
            warnings.append(
                f"The notebook imports `{module}` from its own folder: copy that module into src/{name}/ and import "
                "it from there, or the package will not find it once installed."
            )
    if pipeline.left_out:
        cells = f"cell{'s' if len(pipeline.left_out) > 1 else ''} {', '.join(str(i + 1) for i in pipeline.left_out)}"
        warnings.append(f"Left out: {cells} ({LEFT_OUT}).")
    # only a rehearsal of this code with these parameters describes the package's program
    record = recorded if recorded is not None and record_cells(notebook, recorded) is not None else None
    expected = expectations(record, list(pipeline.writes), parameters, pipeline.writes) if record is not None else None
    if expected is None:
        warnings.append(
            "No passing rehearsal of this notebook's current code: the package carries no output schemas and no "
            "alert thresholds. Rehearse the notebook, then export again to add them."
        )
    frames = expected is not None and bool(expected.tables)
    want = wanted(notebook, notebook_path, root.ceiling)
    dependencies, unresolved, notes = _dependencies(
        freeze.resolve(want, environment), frames, _own(notebook, want, environment), direct_installs(notebook)
    )
    warnings += notes
    seeds_numpy = any(d.lower().startswith(("numpy==", "numpy @", "numpy[")) for d in dependencies)
    sources = {m.file: m.source for m in context.local_modules}
    pins = exactly_pinned(dependencies)
    handled = [
        f
        for f in report.findings
        if _made_parameter(f, clock, bool(random_cells), seeds_numpy)
        or pinned_by_package(f, notebook, sources, context.is_local_module, environment, pins)
    ]
    reply.weakening = [f for f in weakening if f not in handled]
    warnings += _not_idempotent(reply.weakening, record, notebook)
    optional = set(optional_modules(notebook))  # pandas' engines: pinned when installed, never asked for
    reply.unresolved = [u for u in unresolved if u not in optional]
    reply.warnings = warnings
    notebook_dir = notebook_path.parent
    package = Package(
        name=name,
        distribution=distribution,
        notebook=notebook_path.name,
        notebook_dir=relative_dir(str(notebook_dir), str(out)),
        requires_python=f">={environment.python}",
        dependencies=dependencies,
        parameters=parameters,
        parameters_cell=reply.parameters_cell,
        pipeline=pipeline,
        report=dataclasses.replace(report, findings=[f for f in report.findings if f not in handled]),
        inputs=[
            r for r in dict.fromkeys([*pipeline.reads, *_string_defaults(parameters)]) if root.is_file(notebook_dir / r)
        ],
        output_folders=_output_folders(list(pipeline.writes), notebook_dir, root),
        python_version=environment.python_version,
        contact=" ".join((request.contact or "").split()),  # one line: the README's Contact section
        expectations=expected,
        results=result_types(pipeline.handed, kernel.types if kernel is not None else {}),
    )
    package.resources = resources(record)
    package.failure_modes = failure_modes(record, package.inputs)
    scaffold, notes = None, []
    if template is not None:
        scaffold = functools.partial(render_template, template, src_path=recorded_source(template, out), notes=notes)
    try:
        # (the run's trees are done with once the files are rendered: freed while ruff works)
        texts, style_warnings = styled(
            {**render(package, scaffold), **copied(local, name, header(notebook_path.name))},
            name,
            meanwhile=forget,
            pieces={f"src/{name}/steps.py": steps},
        )
    except ExportRefused as exc:
        reply.refused = str(exc)
        return Plan(reply)
    reply.warnings = [*warnings, *notes, *style_warnings]
    return _reconcile(out, reply, texts, root, code_fingerprint(notebook))


def _parse_once(notebook: Notebook) -> None:
    """The export reads each cell's tree, its facts and what each of its statements reads: each
    cell parsed once for all three, and walked once for the last two. (A function: no tree of the
    run is left in the plan's frame when the run's trees are freed.)"""
    for cell in notebook.code_cells():
        tree = cell_tree(cell.source)
        known_loads(tree, cell_facts(cell.source, tree))


# The suggestions of the unseeded-random findings whose draws the package's seed covers: Python's
# global generator, and numpy's when the package has numpy (pandas' ``.sample`` and scikit-learn's
# ``random_state`` draw from it). A generator made without a seed (``default_rng()``) stays random.
_SEEDED_BY_RANDOM = ("`random.seed(42)`",)
_SEEDED_BY_NUMPY = ("`numpy.random.seed(42)`", "random_state=42")


def _made_parameter(finding: Finding, clock: ClockRewrite, seeded: bool, seeds_numpy: bool) -> bool:
    """Whether the export turned what the finding is about into a parameter, so that it no longer
    weakens the package: a clock read that became the run's date, a draw the ``seed`` covers."""
    if finding.check == "wall-clock":
        left = {(cell, line) for cell, line, _, _ in clock.left}
        return finding.cell_index in clock.sources and (finding.cell_index, finding.line) not in left
    if finding.check == "unseeded-random" and seeded:
        covered = _SEEDED_BY_RANDOM + (_SEEDED_BY_NUMPY if seeds_numpy else ())
        return any(text in finding.suggestion for text in covered)
    return False


def _not_idempotent(weakening: list[Finding], record: RehearsalRecord | None, notebook: Notebook) -> list[str]:
    """The warning that the package's own idempotence test will fail: it runs the pipeline twice
    and compares every file, and a file the notebook appends to grows on the second run. An append
    the notebook's rehearsal saw leave its file unchanged (written afresh first) is not counted
    (``record``: that rehearsal, when it rehearsed this code)."""
    moved = (record_cells(notebook, record) if record is not None else None) or {}
    unconfirmed = {
        moved[v.cell_index]
        for v in (record.static if record is not None else ())
        if v.check == "append-write" and not v.confirmed and v.cell_index in moved
    }
    appends = [
        f for f in weakening if f.check == "append-write" and (f.file is not None or f.cell_index not in unconfirmed)
    ]
    if not appends:
        return []
    where = ", ".join(_place(f) for f in appends)
    writes = "that write replaces" if len(appends) == 1 else "those writes replace"
    return [
        f"The notebook appends to a file ({where}; `append-write` below): the package's test "
        f"`test_running_twice_gives_the_same_files` fails until {writes} the file on every run. The "
        "test is right: a scheduled rerun would add the same data again."
    ]


def _place(finding: Finding) -> str:
    """Where a finding is, numbered as JupyterLab numbers cells (a notebook's own module: its line)."""
    if finding.file is not None:
        return f"`{finding.file}` line {finding.file_line}"
    cell = f"cell {finding.cell_index + 1}" if finding.cell_index is not None else "the notebook"
    return f"{cell} line {finding.line}" if finding.line else cell


def _output_folders(writes: list[str], notebook_dir: Path, root: Root) -> list[str]:
    """The folders beside the notebook (below it or above: ``../out``) that its writes go into, as
    far as they exist there: the package's tests lay them out around their working folder, as the
    notebook had them (pandas writes no file into a folder that does not exist)."""
    folders = {posixpath.dirname(posixpath.normpath(w)) for w in writes}
    return sorted(f for f in folders if f and root.is_dir(notebook_dir / f))


def _string_defaults(parameters: list[Parameter]) -> list[str]:
    """Parameter values that may name an input file (``input_path = "data/orders.csv"``)."""
    values = []
    for p in parameters:
        try:
            value = ast.literal_eval(p.default)
        except (ValueError, SyntaxError):
            continue
        if isinstance(value, str) and value and not Path(value).is_absolute() and ".." not in Path(value).parts:
            values.append(value)
    return values


def _check_parameters_first(notebook: Notebook, cell, parameters: list[Parameter]) -> None:
    """The pipeline takes the parameters before any step: a cell above the parameters cell that
    assigns one would, in the package, override the value passed in."""
    if cell is None:
        return
    names = {p.name for p in parameters}
    for above in notebook.code_cells():
        if above.index >= cell.index:
            break
        clash = sorted(names & cell_facts(above.source).binds)
        if clash and SKIP_TAG not in above.tags:
            raise ExportRefused(
                f"Cell {above.index + 1}, above the parameters cell (cell {cell.index + 1}), assigns `{clash[0]}`: "
                "move the parameters cell to the top, or rename one of them."
            )


def _own(notebook: Notebook, want: freeze.Wanted, environment: Environment) -> frozenset[str]:
    """The normalised names the notebook's own code asks for (not the generated code): the modules
    it and its own modules import, their distributions, and what its cells install."""
    own = {normalize(module) for module in want.modules}
    own |= {normalize(name) for module in want.modules for name, _ in environment.modules.get(module) or ()}
    own |= {normalize(name) for cell in notebook.code_cells() for name in installed_names(cell_facts(cell.source))}
    return frozenset(own)


def _dependencies(
    pins: freeze.Pins,
    frames: bool,
    own: frozenset[str] = frozenset(),
    direct: dict[str, tuple[int, DirectInstall]] | None = None,
) -> tuple[list[str], list[str], list[str]]:
    """(the package's dependencies, what is unresolved, warnings). One requirement per
    distribution: what the notebook imports or installs from the index, pinned at the installed
    version; what a cell installs from a URL as that direct reference (``pkg @ git+…@v1.2``), and so
    what the environment installed from a URL (its direct_url.json, as pip freeze pins it); what it
    installed from a folder is left out, with a warning; what the generated code imports
    (``FRAMEWORK``, and ``FRAMES`` when the rehearsal saw a table written) pinned the same way when
    installed (from the index or a URL), else its range. ``own``: _own(); a distribution the
    notebook's code imports itself is a dependency whatever the generated code needs."""
    direct = direct or {}
    wanted = {normalize(d): d for d in {**FRAMEWORK, **(FRAMES if frames else {})}}
    frames_keys = {normalize(d) for d in FRAMES}
    versions = dict(pins.versions)
    for key in frames_keys - set(wanted) - own:
        versions.pop(key, None)
    for key in set(wanted) & {key for key, source in pins.sources.items() if source == LOCAL}:
        versions.pop(key, None)  # the generated code's range, as when it is not installed

    def needed(name: str) -> bool:
        key = normalize(name)
        if key in direct or key in wanted:  # installed from its URL, or the fallback range below
            return False
        return key in own or key not in frames_keys  # FRAMEWORK is always wanted

    unresolved = [u for u in pins.unresolved if needed(u)]
    lines, warnings = _installed_pins(versions, pins.sources, direct)
    for key, (index, install) in direct.items():
        pair = versions.get(key)
        name = pair[0] if pair is not None else _written_name(install) or key
        cell = f"cell {index + 1}"
        if install.local:
            warnings.append(
                f"`{name}`: {cell} installs it from a local path: left out of the package's dependencies (that path is "
                f"not on the machine that installs the package). Publish it, or install it from a repository URL with "
                f"a tag (`{name} @ git+https://…@v1.2`), then export again."
            )
            continue
        line = _reference(name, install)
        if line is None:
            warnings.append(f"`{name}`: {cell} installs it from a URL pip cannot read as a requirement: left out.")
            continue
        lines.append(line)
        if install.floating:
            warnings.append(
                f"`{name}`: {cell} installs it from a repository URL with no tag or commit, and so does the package "
                f"(`{redact(line)}`): each install takes what its default branch holds that day. Name the tag or "
                "commit you tested in the URL (`…@v1.2`), then export again."
            )
    for key, dist in wanted.items():
        if key in direct:
            continue
        spec = {**FRAMEWORK, **FRAMES}[dist]
        pair = versions.get(key)
        if pair is None:
            lines.append(f"{dist}{spec}")  # not installed where the versions came from
        elif not _satisfies(pair[1], spec):
            warnings.append(
                f"The package pins `{pair[0]}=={pair[1]}`, the version the notebook runs with, but the generated code "
                f"needs {dist}{spec}: pip cannot install the package as it is. Install a version in that range where "
                "the notebook runs, check the notebook still runs, then export again."
            )
    return sorted(lines, key=str.lower), unresolved, warnings


def _installed_pins(
    versions: dict[str, tuple[str, str]], sources: dict[str, str], direct: dict[str, tuple[int, DirectInstall]]
) -> tuple[list[str], list[str]]:
    """(requirements, warnings) for what the environment has installed, but what a cell installs
    from a URL or a path (``direct``): ``name==version``, or, for what the environment installed
    from a URL (``sources``: its direct_url.json), that direct reference as pip freeze pins it; what
    it installed from a folder is left out, with a warning."""
    lines: list[str] = []
    warnings: list[str] = []
    for key, (name, version) in sorted(versions.items()):
        if key in direct:
            continue
        source = sources.get(key)
        if source is None:
            lines.append(f"{name}=={version}")
        elif source == LOCAL:
            warnings.append(
                f"`{name}`: {version} is {LOCAL_REASON}: left out of the package's dependencies (that folder is not "
                f"on the machine that installs the package, and the package index's `{name}` is another thing). "
                f"Publish it, or install it from a repository URL with a tag (`{name} @ git+https://…@v1.2`), then "
                "export again."
            )
        else:  # installed from a URL (a terminal's pip install git+…): that direct reference, as pip freeze pins it
            line = _reference(name, DirectInstall(0, key, source, follows_a_branch(source), f"{name} @ {source}"))
            if line is None:
                warnings.append(f"`{name}`: installed from a URL pip cannot read as a requirement: left out.")
            else:
                lines.append(line)
    return lines, warnings


def _written_name(install: DirectInstall) -> str | None:
    """The distribution's name as the install writes it (``PyYAML @ git+…``), when it does."""
    from packaging.requirements import InvalidRequirement, Requirement

    if install.text.startswith("-") or "@" not in install.text:
        return None
    try:
        return Requirement(install.text).name
    except InvalidRequirement:
        return None


def _reference(name: str, install: DirectInstall) -> str | None:
    """The PEP 508 direct reference that installs what the cell installed: ``name[extras] @ URL ;
    marker``, the URL without its ``#egg=`` (the name says it); None when it is not a requirement."""
    from packaging.requirements import InvalidRequirement, Requirement

    extras, marker = "", ""
    if not install.text.startswith("-") and "@" in install.text:
        try:
            written = Requirement(install.text)
        except InvalidRequirement:
            written = None
        if written is not None:
            extras = f"[{','.join(sorted(written.extras))}]" if written.extras else ""
            marker = f" ; {written.marker}" if written.marker is not None else ""
    location, _, fragment = install.target.partition("#")
    kept = [part for part in fragment.split("&") if part and not part.startswith("egg=")]
    text = f"{name}{extras} @ {location}{'#' + '&'.join(kept) if kept else ''}{marker}"
    try:
        Requirement(text)
    except InvalidRequirement:
        return None
    return text


def _satisfies(version: str, spec: str) -> bool:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        return SpecifierSet(spec).contains(Version(version), prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return True  # a version packaging cannot read: nothing to say about it


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def exported_from(out: Path, root: Root) -> str | None:
    """The code fingerprint of the notebook the package in ``out`` was exported from, as its
    manifest records it; None for a package without one (exported by an earlier version, or not
    by the export)."""
    try:
        key = json.loads(root.read_text(out / MANIFEST) or "{}").get("key")
    except (ValueError, AttributeError, Unreadable):
        return None
    return key if isinstance(key, str) else None


def _reconcile(out: Path, reply: ExportReply, texts: dict[str, str], root: Root, key: str) -> Plan[ExportReply]:
    try:
        recorded = json.loads(root.read_text(out / MANIFEST) or "{}").get("files", {})
        recorded = recorded if isinstance(recorded, dict) else {}
    except (ValueError, AttributeError):
        recorded = {}  # a manifest someone broke: every existing file that differs is a conflict
    plan = Plan(reply)
    manifest: dict[str, str] = {}
    for relative, text in texts.items():
        existing = _existing(out / relative, root)
        if existing is None:
            status = "create"
        elif existing == text:
            status = "unchanged"
        elif recorded.get(relative) == _sha(existing):
            status = "update"
        else:
            status = "conflict"
            reply.conflicts.append(relative)
        if status == "conflict":
            if isinstance(recorded.get(relative), str):
                manifest[relative] = recorded[relative]
        else:
            manifest[relative] = _sha(text)
        if status in ("create", "update"):
            plan.writes[out / relative] = text
        reply.files.append(ExportFile(relative, status, text))
    for relative, digest in recorded.items():
        # A file this export no longer generates (schemas and thresholds without a current
        # rehearsal): still ours while unedited, so the export that generates it again updates it
        # instead of calling it the user's edit.
        if relative in texts or not isinstance(digest, str) or Path(relative).is_absolute():
            continue
        try:
            existing = _existing(out / relative, root)
        except OutsideRoot:  # a manifest naming a file outside the package's root: not one we wrote
            continue
        if existing is not None and _sha(existing) == digest:
            manifest[relative] = digest
    manifest_text = (
        json.dumps(
            {
                "generator": "jupyterlab-readiness",
                "header": header(reply.notebook).strip(),
                "notebook": reply.notebook,
                # the notebook's code the package was made from: test-export's record holds this key,
                # so tests of a package exported before a code edit never count for the edited code
                "key": key,
                "files": dict(sorted(manifest.items())),
            },
            indent=1,
        )
        + "\n"
    )
    before = root.read_text(out / MANIFEST)
    status = "create" if before is None else "unchanged" if before == manifest_text else "update"
    if status != "unchanged":
        plan.writes[out / MANIFEST] = manifest_text
    reply.files.append(ExportFile(MANIFEST, status, manifest_text))
    return plan


def _existing(path: Path, root: Root) -> str | None:
    """A file already at a generated file's place: its text; a folder or binary file there reads as
    text nobody generated, so it is a conflict and is left alone."""
    try:
        return root.read_text(path)
    except Unreadable:
        return "\x00"
