"""Export to package, the pipeline: the notebook's code split into one function per section (by
its headings) with the extraction logic, and the lines of ``run()`` that call them in order.

How: a working copy of the notebook holds a cell assigning every parameter, the headings and the
exported code cells. Each section in turn is extracted (``extract(..., display=False)``) into the
same ``steps`` module and replaced by its call, so a later section sees what the earlier ones
return as names defined above it — exactly how extract to module treats a notebook. What is left
at the end (the calls, in order) is the body of ``run()``.
"""

from __future__ import annotations

import ast
import re
import symtable
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ...checks.secrets import redact
from ...notebook.facts import cell_facts
from ...notebook.model import Cell, Notebook
from ...notebook.names import BUILTINS
from ...notebook.parse import cell_tree, plain_source, python_tree
from ...notebook.rewrite import apply_edits, binds_any, outermost_edits, print_edits
from ...notebook.scopes import import_key, import_key_bound, read_names, walk
from ..compiling import Pieces
from ..errors import ExportRefused, ExtractionRefused
from ..extract.imports import render_imports
from ..extract.planner import POSTPONED_IMPORT, Extraction, extract
from ..extract.selection import default_names
from ..extract.surroundings import Surroundings
from ..naming import heading_above
from .file_names import WRITE_METHODS, file_names, parameter_values
from .modules import rewrite_imports
from .parameters import SKIP_TAG, ClockRewrite, Parameter, is_heading
from .rewrites import main_guards, star_imports, used_names
from .state import module_state

# The module the working copy's cells import the steps from; it becomes src/PKG/steps.py, and
# imports from it inside that module are dropped (the names are its own).
STEPS_MODULE = "readiness_export_steps"
# The module of the generated package that saves what the notebook displays (displays.py): a cell
# that draws imports ``save_figures`` from it under this name, and calls it at its end with this
# placeholder for the step, replaced by the step's function name once the sections are extracted.
DISPLAYS_MODULE = "readiness_export_displays"
_STEP_PLACEHOLDER = "__readiness_step__"
# pyplot's and seaborn's usual names, and the methods that draw on a figure (pandas' .plot included).
_PLOTTING_NAMES = frozenset({"plt", "pyplot", "sns", "seaborn"})
_DRAWING_METHODS = frozenset(
    {
        "plot",
        "plot_surface",
        "plot_wireframe",
        "scatter",
        "hist",
        "bar",
        "barh",
        "imshow",
        "pie",
        "boxplot",
        "violinplot",
        "contour",
        "contourf",
        "quiver",
        "fill_between",
        "add_subplot",
        "subplots",
        "heatmap",
        "pairplot",
        "countplot",
        "lineplot",
        "scatterplot",
        "histplot",
        "barplot",
    }
)
# The names above none of which holds another: a text holds one of the names iff it holds one of
# these (13 substring tests cost a third of the regex of the 28 names alternated, cell after cell).
_DRAWING_NAMES = _PLOTTING_NAMES | _DRAWING_METHODS
_DRAWING_WORDS = tuple(sorted(w for w in _DRAWING_NAMES if not any(o != w and o in w for o in _DRAWING_NAMES)))
# IPython lines that only set up the notebook's session or environment: a package has its own.
_SESSION_MAGICS = frozenset(
    {"matplotlib", "load_ext", "reload_ext", "autoreload", "aimport", "config", "pip", "conda", "mamba", "precision"}
)
# IPython's help lines (`x?`, `x??`, `?x`): they only show documentation; dropped with a warning.
_HELP_MAGICS = frozenset({"pinfo", "pinfo2", "psearch", "pdoc", "pdef", "psource", "pfile"})
# __future__ features that change nothing on Python 3: their imports are dropped. The others
# (``annotations``) go to the top of steps.py: anywhere else a __future__ import is a SyntaxError,
# and IPython keeps the feature on for the cells after the one that imports it.
_NO_OP_FUTURES = frozenset(
    {
        "division",
        "print_function",
        "absolute_import",
        "unicode_literals",
        "generators",
        "nested_scopes",
        "with_statement",
    }
)
_INSTALL = re.compile(r"^\s*(?:\S*python\S*\s+-m\s+)?(?:pip3?|conda|mamba|uv\s+pip)\s+install\b")
# Methods that only look at a value, called as the whole statement to show it in the notebook.
_VIEW_METHODS = frozenset(
    {
        "head",
        "tail",
        "describe",
        "sample",
        "value_counts",
        "nunique",
        "show",
        "memory_usage",
        "style",
        "to_frame",
    }
)
# The function of displays.py a cell calls with the value it displays as its last value (a table
# is saved as CSV, any other value as its repr).
_SAVE_VALUE = "save_value"
# Where IPython's ``display`` is imported from. Outside IPython it prints the object's repr to
# stdout; the package imports displays.py's ``display`` instead, which saves what it shows.
_IPYTHON_DISPLAY_MODULES = frozenset({"IPython.display", "IPython.core.display", "IPython.core.display_functions"})
# Calls that leave a record of a run besides the writes of WRITE_METHODS.
_RECORDING_CALLS = frozenset(
    {"print", "pprint", "open", "help", "display", "info", "warning", "error", "exception", "critical", "debug"}
)
# Calls whose value on a cell's last line is not kept: None (print, which also becomes a log
# record as a statement of its own), or what a write returns (a count; the file is the output).
_UNKEPT_CALLS = frozenset({"print", "display", "pprint", "write"}) | WRITE_METHODS

# Every name _reports looks for contains one of these: code without any of them records nothing.
_RECORD_WORDS = ("print", "open", "help", "display", "info", "warning", "error", "exception", "critical", "debug")
_RECORD_WORDS += ("to_", "save", "write", "dump", "log", "sys")


@dataclass
class Step:
    function: str
    heading: str | None
    cell_indices: list[int]  # in the notebook
    parameters: list[str]
    returns: list[str]
    lines: list[str]  # the statements of run() that call it


@dataclass
class Pipeline:
    steps_text: str  # src/PKG/steps.py
    steps: list[Step]
    imports: list[str]  # import lines run() needs besides the steps
    inputs: list[str]  # parameters run() reads, in order
    handed: list[str]  # names the steps hand on, bound when run() ends
    left_out: list[int] = field(default_factory=list)  # cells not exported (skip-export, display only)
    draws: bool = False  # some cell draws figures: the package saves them (displays.py)
    tables: bool = False  # some cell displays a value at its end: the package saves it (displays.py)
    rich: bool = False  # some code calls IPython's display(): the package saves what it shows (displays.py)
    warnings: list[str] = field(default_factory=list)
    # relative file names the code writes on the notebook's values → their templates (file_names)
    writes: dict[str, str] = field(default_factory=dict)
    reads: list[str] = field(default_factory=list)  # string literals of the code, candidates for input files
    state: list[str] = field(default_factory=list)  # globals of steps.py: names the notebook declares global


# Why a cell is left out of the package: a code cell is left out too when nothing is left of it
# once what only concerns the notebook is dropped.
LEFT_OUT = f"tagged `{SKIP_TAG}`, or nothing a package runs: values it only displays, session magics, comments"


def _nothing_to_export(notebook: Notebook, parameters_cell: Cell | None, left_out: list[int]) -> ExportRefused:
    if not any(c.cell_type == "code" and c.source.strip() for c in notebook.cells):
        return ExportRefused("The notebook has no code cells: there is no pipeline to package.")
    besides = " besides its parameters" if parameters_cell is not None else ""
    shown = (
        f" (cells {', '.join(str(i + 1) for i in left_out[:10])}{' …' if len(left_out) > 10 else ''}: {LEFT_OUT})"
        if left_out
        else ""
    )
    return ExportRefused(f"The notebook has no code to export{besides}{shown}: there is no pipeline to package.")


def build(
    notebook: Notebook,
    parameters_cell: Cell | None,
    parameters: list[Parameter],
    clock: ClockRewrite,
    notebook_path: Path,
    local_modules: set[str] | frozenset[str] = frozenset(),
    package: str = "",
    pieces: Pieces | None = None,
) -> Pipeline:
    """Raises ExportRefused when a cell cannot go into a package (IPython-only code, or code the
    extraction cannot move safely). ``local_modules``: the notebook's own modules copied into the
    package ``package``, whose imports become imports from it. ``pieces``: where each piece of
    steps.py goes as soon as it is made, to be compiled meanwhile."""
    pieces = pieces or Pieces(0)
    first = "\n".join(f"{p.name} = {p.default if p.origin == 'cell' else 'None'}" for p in parameters) or "pass"
    cells: list[Cell] = [Cell(0, "code", first)]
    left_out: list[int] = []
    origin: list[int] = [-1]
    code_sources: list[str] = []
    definitions: list[str] = []  # functions and classes that go to the module as they are
    definition_imports: set[tuple] = set()
    assigned = _assigned_names(notebook, parameters_cell)
    exported = [c for c in notebook.code_cells() if SKIP_TAG not in c.tags and c is not parameters_cell]
    state = module_state(exported, parameters)
    rebound = _rebound_names(notebook)
    used = _names_for_star_imports(notebook)
    imported: dict[str, tuple] = {}
    draws = tables = False
    help_warnings: list[str] = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and is_heading(cell):
            cells.append(Cell(len(cells), "markdown", cell.source))
            origin.append(cell.index)
        if cell.cell_type != "code" or cell is parameters_cell or not cell.source.strip():
            continue
        if SKIP_TAG in cell.tags:
            left_out.append(cell.index)
            continue
        definition_imports |= _futures(cell.source)  # a cell holding only the import included
        source = _cell_code(cell, clock, local_modules, package, used, help_warnings)
        if source is None:
            left_out.append(cell.index)
            continue
        code_sources.append(source)
        source, shows, drawn = _with_displays(source, cell.index)
        tables, draws = tables or shows, draws or drawn
        hoisted = _hoistable(source, imported, assigned, rebound)
        if hoisted is not None:
            texts, keys, names = hoisted
            definitions.extend(texts)
            pieces.add(*texts)
            definition_imports |= keys
            own = set(_top_level_imports(source).values())
            source = "\n".join(render_imports(own | {("from", STEPS_MODULE, name, None) for name in names}))
            assigned -= set(names)
        imported.update(_top_level_imports(source))
        cells.append(Cell(len(cells), "code", source))
        origin.append(cell.index)

    steps: list[Step] = []
    modules: list[Extraction] = []
    functions: list[tuple[str, set[str]]] = []  # each step's function in steps.py, its imports of displays.py
    warnings: list[str] = list(help_warnings)
    # messages name the notebook's cells as JupyterLab numbers them (the stand-in for the parameters: that cell)
    stand_in = parameters_cell.index + 1 if parameters_cell is not None else 0
    working = Surroundings(cells, [stand_in if i < 0 else i + 1 for i in origin])
    for section in _sections(cells):
        originals = [origin[i] for i in section]
        skipped = _nothing_to_run(cells, section, originals)
        if skipped is not None:  # imports only (no warning), or strings and comments
            warnings.extend(filter(None, [skipped]))
            continue
        # Each section extracted so far became one cell: the ones below it moved up.
        indices = [i - working.removed for i in section]
        working.select(indices[0], indices[-1])
        model = Notebook(working.cells_to_selection_end())
        heading = heading_above(model, indices[0])
        function = _step_name(model, indices, notebook_path, working, steps)
        try:
            # Each section is extracted into a module of its own ("": one that exists, empty, so
            # the working copy may import from it), combined at the end.
            extraction = extract(
                model,
                indices,
                STEPS_MODULE,
                function,
                "",
                notebook_name=notebook_path.name,
                display=False,
                surroundings=working,
                cell_numbers=(originals[0] + 1, originals[-1] + 1),
                verify=False,  # the package's modules are compiled whole at the end (style.styled)
                postponed_annotations=POSTPONED_IMPORT in definition_imports,
                module_state=state,
            )
        except ExtractionRefused as exc:
            where = _cells_shown(originals)
            raise ExportRefused(
                f"The section {f'“{heading.strip()}” ' if heading else ''}({where}) cannot become a function: {exc}"
            ) from None
        modules.append(extraction)
        functions.append(_function(extraction))
        pieces.add(functions[-1][0])
        warnings.extend(extraction.warnings)
        working.replace(extraction.replacement_source)
        steps.append(
            Step(
                extraction.function,
                heading.strip() if heading else None,
                originals,
                extraction.parameters,
                extraction.returns,
                [],
            )
        )
    if not modules:
        raise _nothing_to_export(notebook, parameters_cell, left_out)

    imports, handed, by_function = _run_body(working.code_sources()[1:], {s.function for s in steps})
    for step in steps:
        step.lines = by_function.get(step.function, [])
    names = {p.name for p in parameters}
    body_reads: set[str] = set()
    for step in steps:
        for line in step.lines:
            body_reads |= read_names(python_tree(line))
    inputs = [p.name for p in parameters if p.name in body_reads]
    writes, reads = file_names(code_sources, parameter_values(parameters))
    steps_text, rich = _combine(modules, functions, definitions, definition_imports, pieces)
    if not (draws or tables or rich or any(_reports(source) for source in code_sources)):
        warnings.append(
            "The pipeline writes no file and logs nothing (no print, logging, file write or displayed value): a run "
            "leaves no record of what it computed. Print or save its results in the notebook, then export again."
        )
    return Pipeline(
        steps_text=steps_text,
        steps=steps,
        imports=render_imports({key for key in imports if import_key_bound(key) in body_reads}),
        inputs=inputs,
        handed=[n for n in handed if n not in names],
        left_out=left_out,
        warnings=warnings,
        writes=writes,
        reads=reads,
        draws=draws,
        tables=tables,
        rich=rich,
        state=sorted(state),
    )


def _reports(source: str) -> bool:
    """Whether the code may leave a record: a print, a log call, a call that writes or saves."""
    if source.isascii() and not any(word in source for word in _RECORD_WORDS):
        return False  # no name below can be spelt in it (non-ASCII names are normalised: walk those)
    for node in walk(python_tree(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in _RECORDING_CALLS or name in WRITE_METHODS or name.startswith(("to_", "save", "write", "dump")):
            return True
        root = func
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id in ("logging", "logger", "log", "sys"):
            return True
    return False


# The names the package's own code binds beside the step functions, in steps.py and in the modules
# that import them (pipeline.py, tests/test_steps.py): a section headed "Logging" or "Copy" must not
# become a function that replaces the logging or copy module there.
GENERATED_NAMES = frozenset(
    {"logging", "logger", "random", "numpy", "copy", "sys", "pytest", "Any", "NamedTuple", "Parameters", "run"}
    | {"seed_everything", "validate_outputs", "validate_results", "upstream", _SAVE_VALUE, "save_figures"}
)


def _step_name(
    model: Notebook, indices: list[int], notebook_path: Path, working: Surroundings, steps: list[Step]
) -> str:
    """The step's function name: from its heading or its code, else its place in the pipeline."""
    _, function = default_names(model, indices, notebook_path, working)
    if re.fullmatch(r"step_\d+(?:_\d+)?", function):  # named after a cell index: the step's number reads better
        function = _free_step_name(f"step_{len(steps) + 1}", working, steps)
    elif function.startswith("test"):  # pytest would collect the step as a test where the tests import it
        function = _free_step_name(f"run_{function.removesuffix('_step')}", working, steps)
    elif function in GENERATED_NAMES:
        function = _free_step_name(f"{function}_step", working, steps)
    return function


def _free_step_name(base: str, working: Surroundings, steps: list[Step]) -> str:
    function, n, names = base, 2, {s.function for s in steps}
    while function in working.taken or function in names:
        function, n = f"{base}_{n}", n + 1
    return function


def _with_displays(source: str, cell_index: int) -> tuple[str, bool, bool]:
    """(the cell's code with the imports of displays.py it needs, whether it saves the value it
    shows, whether it draws: then its figures are saved and closed at its end)."""
    tables = f"{_SAVE_VALUE}({_STEP_PLACEHOLDER!r}" in source  # imported by _package_source
    draws = _draws(source)
    if draws:
        number = cell_index + 1  # as JupyterLab shows it
        source = f"from {DISPLAYS_MODULE} import save_figures\n{source}\nsave_figures({_STEP_PLACEHOLDER!r}, {number})"
    return source, tables, draws


def _cell_code(
    cell: Cell,
    clock: ClockRewrite,
    local_modules: Iterable[str],
    package: str,
    used: set[str],
    warnings: list[str],
) -> str | None:
    """The cell's code in the package (None: nothing to run), its help lines in ``warnings``:
    clock reads made the run date's, imports of the notebook's modules the package's, ``__main__``
    guards made their body, star imports from the standard library the names used."""
    for line in help_lines(cell.source):
        text = redact(cell.source.splitlines()[line - 1].strip())
        warnings.append(
            f"Cell {cell.index + 1} line {line}: an IPython help line (`{text}`) only shows documentation: left out."
        )
    source = _package_source(cell, clock.sources.get(cell.index, cell.source))
    if source is None:
        return None
    return star_imports(main_guards(rewrite_imports(source, local_modules, package)), used)


def _function(extraction: Extraction) -> tuple[str, set[str]]:
    """(The step's function as steps.py holds it, before prints become log records; the names it
    imports from displays.py.)"""
    block, displayed = _displays_imports(extraction.function_text)
    return block.strip("\n").replace(repr(_STEP_PLACEHOLDER), repr(extraction.function)), displayed


def _combine(
    modules: list[Extraction],
    functions: list[tuple[str, set[str]]],
    definitions: list[str],
    definition_imports: set[tuple],
    pieces: Pieces,
) -> tuple[str, bool]:
    """(One module from the modules extracted section by section (``functions``: theirs, from
    ``_function``): their imports merged, their functions in order, ``print`` calls made log
    records, IPython's ``display`` made displays.py's; whether it imports that ``display``).
    (Merging into one growing module instead re-reads it for every section, which is quadratic in
    a notebook of a hundred sections.) ``pieces`` has the definitions and functions already: it
    gets what this changes or adds, and the module they make."""
    docstring = ""
    imports: set[tuple] = set(definition_imports)
    blocks: list[str] = list(definitions)
    for extraction, (block, displayed) in zip(modules, functions, strict=True):
        # Each module is its docstring, its imports, then the function (no module existed before).
        text = extraction.module_text
        head = text[: len(text) - len(extraction.function_text)]
        body = ast.parse(head).body
        if _is_docstring(body[0]):
            docstring = docstring or "\n".join(head.split("\n")[body[0].lineno - 1 : body[0].end_lineno])
            body = body[1:]
        imports |= {import_key(s, a) for s in body if isinstance(s, (ast.Import, ast.ImportFrom)) for a in s.names}
        imports |= {("from", ".displays", name, None) for name in displayed}
        blocks.append(block)
    imports = {key for key in imports if not (key[0] == "from" and key[1] == STEPS_MODULE)}
    imports = {("from", ".displays", *key[2:]) if key[1] == DISPLAYS_MODULE else key for key in imports}
    imports = {
        ("from", ".displays", *key[2:])
        if key[0] == "from" and key[1] in _IPYTHON_DISPLAY_MODULES and key[2] == "display"
        else key
        for key in imports
    }
    rich = any(key[:3] == ("from", ".displays", "display") for key in imports)
    logged = _with_logging(blocks)
    head = [docstring, ""]
    if logged is not None:
        for before, after in zip(blocks, logged, strict=True):
            if after is not before:
                pieces.add(after)
        blocks = logged
        # the logger after the imports; two blank lines before the code when the import is the only one
        head += [*render_imports(imports | {_LOGGING}), "", "logger = logging.getLogger(__name__)", "", ""]
        head += [] if imports else [""]
    elif imports:
        head += [*render_imports(imports), "", ""]
    pieces.add("\n".join(head))
    module = "\n".join(head) + "\n\n\n".join(blocks) + "\n"
    pieces.made(module)
    return module, rich


_DISPLAYS_IMPORT = re.compile(rf"^[ \t]*from {DISPLAYS_MODULE} import (\w+(?:, \w+)*)[ \t]*\n(?:[ \t]*\n)?", re.M)


def _displays_imports(block: str) -> tuple[str, set[str]]:
    """The function without the imports of displays.py the export put at the start of its cells
    (the extraction keeps those of a section's later cells in the body), and the names imported."""
    if DISPLAYS_MODULE not in block:  # (the pattern holds its name: a scan of a long function spared)
        return block, set()
    names = {name.strip() for match in _DISPLAYS_IMPORT.finditer(block) for name in match[1].split(",")}
    return (_DISPLAYS_IMPORT.sub("", block), names) if names else (block, names)


def _assigned_names(notebook: Notebook, parameters_cell: Cell | None) -> set[str]:
    """Names some code cell binds other than by an import: a function reading one of them cannot
    move to module level, where that name does not exist."""
    names: set[str] = set()
    for cell in notebook.code_cells():
        facts = cell_facts(cell.source)
        names |= facts.binds - {imp.bound for imp in facts.imports}
        if cell is parameters_cell:
            names |= facts.binds
    return names


def _rebound_names(notebook: Notebook) -> set[str]:
    """Names more than one code cell binds (a helper redefined further down, a function name
    reused for a value). A definition of one of them stays in the steps, where each step sees the
    binding the notebook had at that point: moved to module level, the last definition would
    replace the others for every step (a different result, and no error)."""
    seen: set[str] = set()
    rebound: set[str] = set()
    for cell in notebook.code_cells():
        if SKIP_TAG in cell.tags:
            continue
        binds = cell_facts(cell.source).binds
        rebound |= seen & binds
        seen |= binds
    return rebound


def _names_for_star_imports(notebook: Notebook) -> set[str]:
    """The names the notebook mentions, when it has a star import (which brings those it uses)."""
    if not any("import *" in c.source for c in notebook.code_cells()):
        return set()
    return used_names(plain_source(c.source) for c in notebook.code_cells())


def _top_level_imports(source: str) -> dict[str, tuple]:
    if "import" not in source:  # (the keyword is ASCII: no import statement, no walk)
        return {}
    try:
        tree = python_tree(source)
    except (SyntaxError, ValueError):
        return {}
    return {
        import_key_bound(import_key(s, a)): import_key(s, a)
        for s in tree.body
        if isinstance(s, (ast.Import, ast.ImportFrom)) and not getattr(s, "level", 0)
        for a in s.names
    }


def _hoistable(
    source: str, imported: dict[str, tuple], assigned: set[str], rebound: set[str]
) -> tuple[list[str], set[tuple], list[str]] | None:
    """A cell of only imports and function or class definitions that read nothing but builtins,
    imported names and each other, none of them a name another cell binds too: (their texts, the
    imports they need, their names), to put in the module as they are rather than nested in a
    step. None otherwise."""
    tree = python_tree(source)
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    defs = [s for s in tree.body if isinstance(s, kinds)]
    if not defs or not all(isinstance(s, (*kinds, ast.Import, ast.ImportFrom)) or _is_docstring(s) for s in tree.body):
        return None
    names = [d.name for d in defs]
    if len(set(names)) != len(names) or rebound & set(names):
        return None
    try:
        table = symtable.symtable(source, "<cell>", "exec")
    except SyntaxError:
        return None
    needed = {s.get_name() for s in table.get_symbols() if s.is_referenced()}

    def walk(t: symtable.SymbolTable) -> None:
        for symbol in t.get_symbols():
            if symbol.is_global() and symbol.is_referenced():
                needed.add(symbol.get_name())
        for child in t.get_children():
            walk(child)

    for child in table.get_children():
        walk(child)
    own = _top_level_imports(source)
    keys: set[tuple] = set()
    for name in sorted(needed - set(names)):
        if name in own:
            keys.add(own[name])
        elif name in imported and name not in assigned:
            keys.add(imported[name])
        elif name in BUILTINS and name not in assigned:
            continue
        else:
            return None
    lines = source.split("\n")
    texts = ["\n".join(lines[min([d.lineno, *(x.lineno for x in d.decorator_list)]) - 1 : d.end_lineno]) for d in defs]
    return texts, keys, names


def _package_source(cell: Cell, source: str) -> str | None:
    """The cell's code as the package runs it: session magics and installs gone, statements that
    only show a value gone, the value the cell displays last saved; None when nothing is left.
    Raises ExportRefused for IPython syntax a package cannot run."""
    try:
        translated = plain_source(source)
        tree = python_tree(translated)
    except (SyntaxError, ValueError) as exc:
        raise ExportRefused(
            f"Cell {cell.index + 1} has a syntax error (line {getattr(exc, 'lineno', '?')}): fix it before exporting."
        ) from None
    lines = translated.splitlines()
    originals = source.splitlines()
    drop: set[int] = set()
    session: set[int] = set()
    statements = tree.body
    shown = _shown_value(translated, statements)
    for i, stmt in enumerate(statements):
        # a lone `;` (IPython's `("")`, written to hide a plot's repr) does nothing
        lone_semicolon = stmt.lineno <= len(originals) and originals[stmt.lineno - 1].strip() == ";"
        # (only an expression can be a session line, show a value or ask for help, only an import
        # be a __future__ one: the usual statement, an assignment, is asked nothing more)
        expression = isinstance(stmt, ast.Expr)
        if not (lone_semicolon or expression or isinstance(stmt, ast.ImportFrom)):
            continue
        # alone on its lines: the statements are in order, so only a neighbour can share one
        if (i and statements[i - 1].end_lineno >= stmt.lineno) or (
            i + 1 < len(statements) and statements[i + 1].lineno <= stmt.end_lineno
        ):
            continue
        session_only = expression and _session_only(stmt)
        if session_only:
            session.update(range(stmt.lineno, stmt.end_lineno + 1))
        shows = expression and (_shows_only(stmt) or _help_line(stmt))
        if lone_semicolon or session_only or shows or _future_import(stmt):
            drop.update(range(stmt.lineno, stmt.end_lineno + 1))
    drop |= _introductions(lines, session, statements)
    if shown is not None:  # the cell's last value, which the notebook displays: run once, inside the save
        drop.update(range(statements[-1].lineno, statements[-1].end_lineno + 1))
    kept = [line for number, line in enumerate(lines, 1) if number not in drop]
    if shown is not None:  # imported at the end: the lines messages name (`Cell 5 line 3`) do not move
        kept += [
            f"from {DISPLAYS_MODULE} import {_SAVE_VALUE}",
            f"{_SAVE_VALUE}({_STEP_PLACEHOLDER!r}, {cell.index + 1}, {shown})",
        ]
    # (no line of a cell holds IPython's call when its text does not: the usual cell, not scanned)
    for number, line in enumerate(lines if "get_ipython()" in translated else [], 1):
        if (
            number not in drop
            and "get_ipython()" in line
            and (number > len(originals) or "get_ipython()" not in originals[number - 1])
        ):
            text = redact(originals[number - 1].strip() if number <= len(originals) else line.strip())
            raise ExportRefused(
                f"Cell {cell.index + 1} line {number} uses IPython syntax a package cannot run (`{text}`): write it in "
                "plain Python "
                "(e.g. `subprocess.run` for a shell command), or tag the cell `skip-export` if the package does not "
                "need it."
            )
    if not any(line.strip() and not line.lstrip().startswith("#") for line in kept):
        return None
    return "\n".join(kept)


def _introductions(lines: list[str], session: set[int], statements: list[ast.stmt]) -> set[int]:
    """The comment lines right above session lines (``# Render our plots inline`` above
    ``%matplotlib inline``) that only introduce them: a paragraph of the comment and those lines,
    with nothing after them but a blank line or the cell's end (a comment followed by more code
    may introduce that code too, and stays)."""
    if not session:  # (the usual cell: no lines of every statement to gather)
        return set()
    code = {number for stmt in statements for number in range(stmt.lineno, stmt.end_lineno + 1)}
    found: set[int] = set()
    for number in sorted(session):
        if number - 1 in session:
            continue
        end = number
        while end + 1 in session:
            end += 1
        if end < len(lines) and lines[end].strip():
            continue
        above = number - 1
        while above >= 1 and above not in code and lines[above - 1].lstrip().startswith("#"):
            found.add(above)
            above -= 1
    return found


def _shown_value(source: str, statements: list[ast.stmt]) -> str | None:
    """The text of the value the cell displays: its last statement, alone on its lines, when it is
    an expression the notebook shows (not a string, which reads as a note and is kept as one; not
    a print or a write, nor any call in a cell that draws, whose output is the figure; not hidden
    by a trailing ``;``)."""
    if not statements:
        return None
    last = statements[-1]
    if not isinstance(last, ast.Expr) or (isinstance(last.value, ast.Constant) and isinstance(last.value.value, str)):
        return None
    if len(statements) > 1 and statements[-2].end_lineno >= last.lineno:
        return None
    value = last.value
    if isinstance(value, (ast.Await, ast.Yield, ast.YieldFrom)) or (
        isinstance(value, ast.Constant) and value.value is None
    ):
        return None
    text = ast.get_source_segment(source, value) or ""
    if not text or "get_ipython()" in text:  # IPython syntax: dropped or refused as such
        return None
    if isinstance(value, ast.Call):
        func = value.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in _UNKEPT_CALLS or _draws(source):  # in a cell that draws, the value is an artist (`Text(…)`)
            return None
    after = source.splitlines()[last.end_lineno - 1][last.end_col_offset :]
    if after.lstrip().startswith(";"):  # IPython shows nothing for a cell whose code ends with `;`
        return None
    # inside the call's parentheses, as many lines as it takes (only a tuple can read as several)
    return _one_argument(text) if isinstance(value, ast.Tuple) else text


def _one_argument(text: str) -> str:
    """The expression as the one argument of a call: parenthesized where it would be several
    (a bare tuple ``a, b``) or none."""
    try:
        call = ast.parse(f"f({text})", mode="eval").body
    except SyntaxError:
        return f"({text})"
    return text if isinstance(call, ast.Call) and len(call.args) == 1 and not call.keywords else f"({text})"


def _draws(source: str) -> bool:
    """Whether the cell's own statements (not the bodies of the functions it defines) draw a
    matplotlib figure: a call of pyplot or seaborn, or of a drawing method (``df.plot()``)."""
    if source.isascii() and not any(word in source for word in _DRAWING_WORDS):
        return False  # (identifiers are ASCII here: no such name in the text, no such call)
    tree = python_tree(source)
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
            continue
        for node in ast.walk(stmt):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr in _DRAWING_METHODS:
                return True
            root = node.func.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in _PLOTTING_NAMES:
                return True
    return False


def _help_line(stmt: ast.stmt) -> bool:
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "run_line_magic"
        and isinstance(call.func.value, ast.Call)
        and isinstance(call.func.value.func, ast.Name)
        and call.func.value.func.id == "get_ipython"
        and bool(call.args)
        and isinstance(call.args[0], ast.Constant)
        and call.args[0].value in _HELP_MAGICS
    )


def _future_import(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"


def _futures(source: str) -> set[tuple]:
    """The import keys of the __future__ features the cell turns on that change something on
    Python 3."""
    if "__future__" not in source:
        return set()
    tree = cell_tree(source)
    return {
        ("from", "__future__", alias.name, None)
        for stmt in (tree.body if tree is not None else ())
        if _future_import(stmt)
        for alias in stmt.names
        if alias.name not in _NO_OP_FUTURES
    }


def help_lines(source: str) -> list[int]:
    """The lines of a cell that are IPython help lines (`x?`), 1-based."""
    try:
        translated = plain_source(source)
        if translated.isascii() and "run_line_magic" not in translated:
            return []  # (the call a help line becomes is not spelt in it: no statement to look at)
        tree = python_tree(translated)
    except (SyntaxError, ValueError):
        return []
    return [s.lineno for s in tree.body if _help_line(s)]


def _session_only(stmt: ast.stmt) -> bool:
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return False
    call = stmt.value
    func = call.func
    if not (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "get_ipython"
    ):
        return False
    first = call.args[0].value if call.args and isinstance(call.args[0], ast.Constant) else None
    second = call.args[1].value if len(call.args) > 1 and isinstance(call.args[1], ast.Constant) else ""
    if func.attr == "run_line_magic":
        return first in _SESSION_MAGICS
    if func.attr == "run_cell_magic":
        return first in ("time", "timeit", "capture", "prun") and not second  # the body below stays
    if func.attr == "system":
        return isinstance(first, str) and _INSTALL.match(first) is not None
    return False


def _shows_only(stmt: ast.stmt) -> bool:
    if not isinstance(stmt, ast.Expr):
        return False
    value = stmt.value
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return False  # a docstring-like note: harmless, and ruff keeps it
    if _no_calls(value):
        return True
    if isinstance(value, ast.Call):
        func = value.func
        if isinstance(func, ast.Name) and func.id == "display":
            return True
        if (
            isinstance(func, ast.Attribute)
            and func.attr in _VIEW_METHODS
            and _no_calls(func.value)
            and all(_no_calls(a) for a in value.args)
        ):
            return True
    return False


def _no_calls(node: ast.AST) -> bool:
    return not any(
        isinstance(n, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr, ast.Lambda))
        for n in ast.walk(node)
    )


def _sections(cells: list[Cell]) -> list[list[int]]:
    """Runs of code cells after the parameters cell, split at headings."""
    sections: list[list[int]] = []
    current: list[int] = []
    for i, cell in enumerate(cells):
        if i == 0:
            continue
        if cell.cell_type == "code":
            current.append(i)
        elif current:
            sections.append(current)
            current = []
    if current:
        sections.append(current)
    return sections


def _nothing_to_run(cells: list[Cell], section: list[int], originals: list[int]) -> str | None:
    """Why a section with no code to run is skipped: "" for imports only, a warning for strings (code
    commented out with triple quotes) and ``pass`` too; None for a section with code to run."""
    if all(_imports_only(cells[i].source) for i in section):
        return ""
    for i in section:
        try:
            tree = python_tree(cells[i].source)
        except (SyntaxError, ValueError):
            return None
        if not all(isinstance(s, (ast.Import, ast.ImportFrom, ast.Pass)) or _is_docstring(s) for s in tree.body):
            return None
    heading = heading_above(Notebook(cells), section[0])
    where = _cells_shown(originals)
    return (
        f"The section {f'“{heading.strip()}” ' if heading else ''}({where}) holds nothing to run (only strings, "
        "comments or `pass`): skipped."
    )


def _cells_shown(indices: list[int]) -> str:
    """The cells as JupyterLab numbers them (from 1): "cell 4", "cells 4-9"."""
    first, last = indices[0] + 1, indices[-1] + 1
    return f"cell {first}" if first == last else f"cells {first}-{last}"


def _imports_only(source: str) -> bool:
    try:
        tree = python_tree(source)
    except (SyntaxError, ValueError):
        return False
    return all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in tree.body)


def _run_body(sources: list[str], functions: set[str]) -> tuple[list[tuple], list[str], dict[str, list[str]]]:
    """(imports of the code cells left after the parameters cell, names bound at the end, the lines
    calling each step)."""
    imports: dict[tuple, None] = {}
    handed: list[str] = []
    by_function: dict[str, list[str]] = {}
    for source in sources:
        tree = python_tree(source)
        lines: list[str] = []
        owner: str | None = None
        for stmt in tree.body:
            if isinstance(stmt, ast.ImportFrom) and stmt.module == STEPS_MODULE:
                owner = next((a.name for a in stmt.names if a.name in functions), owner)
                continue
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:
                    imports[import_key(stmt, alias)] = None
                continue
            lines.append(ast.get_source_segment(source, stmt) or ast.unparse(stmt))
            if isinstance(stmt, ast.Delete):
                gone = {t.id for t in stmt.targets if isinstance(t, ast.Name)}
                handed = [n for n in handed if n not in gone]
            for node in ast.walk(stmt):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id not in handed:
                    handed.append(node.id)
        if owner in functions:
            by_function[owner] = lines
    return list(imports), handed, by_function


# ------------------------------------------------------------------------------ print → logging
_LOGGING = ("import", "logging", None)
_NOT_LOGGED = object()  # a piece of the module binds ``print`` or ``logger`` itself, or prints part of a line


def _with_logging(pieces: list[str]) -> list[str] | None:
    """``print(...)`` calls in the module's pieces (its functions and classes) become
    ``logger.info(...)`` (``logger.warning`` for ``file=sys.stderr``) with the same message text;
    prints to other files stay prints (they write a file). None when nothing changes: no print, or
    the module binds ``print`` or ``logger`` itself, or prints part of a line (``end=" "``): the
    prints stay, and the command's stdout logs each whole line, as the notebook showed it, where
    one record per call would split it and put the records of other prints before it."""
    found = [_print_edits(piece) for piece in pieces]
    if any(edits is _NOT_LOGGED for edits in found) or not any(found):
        return None
    return [
        apply_edits(piece, outermost_edits(edits)) if edits else piece
        for piece, edits in zip(pieces, found, strict=True)
    ]


def _print_edits(piece: str) -> list[tuple[int, int, int, int, str]] | object:
    """The edits making the piece's prints log records, or _NOT_LOGGED."""
    if piece.isascii() and "print" not in piece and "logger" not in piece:
        return []  # (identifiers are ASCII here, so neither name can occur)
    tree = ast.parse(piece)
    # (a print of part of a line names its ``end``: ASCII code without the word has none, no walk)
    may_end = not piece.isascii() or "end" in piece
    if binds_any(tree, {"print", "logger"}) or (may_end and any(_prints_part_of_a_line(n) for n in walk(tree))):
        return _NOT_LOGGED
    return print_edits(tree, piece, "logger")


def _prints_part_of_a_line(node: ast.AST) -> bool:
    """``print(…, end=…)`` to the console with an end other than a newline."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"):
        return False
    keywords = {k.arg: k.value for k in node.keywords}
    if "file" in keywords and ast.unparse(keywords["file"]) not in ("sys.stdout", "sys.stderr"):
        return False  # a line of a file
    end = keywords.get("end")
    return end is not None and not (isinstance(end, ast.Constant) and end.value in ("\n", None))


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)
