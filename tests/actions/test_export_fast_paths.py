"""Shortcuts of export planning that must decide exactly what the long way decides: the test for a
pipeline that leaves no record skips the walk over code that cannot spell a recording call, ruff
formats the package while the plan compiles it, and steps.py is compiled piece by piece while its
sections are extracted."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

from helpers.export_cases import CASES
from helpers.export_cases import notebook as case_notebook
from helpers.notebooks import code, md, notebook
from jupyterlab_readiness.actions import compiling
from jupyterlab_readiness.actions.errors import ExportRefused
from jupyterlab_readiness.actions.export import file_names, steps, style
from jupyterlab_readiness.actions.export import plan as export
from jupyterlab_readiness.actions.export.style import ruff_binary, styled
from jupyterlab_readiness.contract.requests import ExportRequest
from jupyterlab_readiness.environment.answer import Environment
from jupyterlab_readiness.files import Root

SNIPPETS = [
    "x = sum(range(10))\ny = x * 2",
    "print(x)",
    "df.to_parquet(path)",
    "fig.savefig('a.png')",
    "logger.info('done')",
    "log.debug(x)",
    "sys.stdout.write('x')",
    "json.dump(data, fh)",
    "Path('a').write_text(s)",
    "help(len)",
    "display(df)",
    "informative = errors + warnings",  # the words, but no recording call
    "ｐrint(x)",  # a non-ASCII name that Python reads as print
    "ｄf = 1\ny = ｄf + 1",
]


def _walked(source: str) -> bool:
    """The decision of steps._reports taken by walking every node, without the text test."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if (
            name in steps._RECORDING_CALLS
            or name in file_names.WRITE_METHODS
            or name.startswith(("to_", "save", "write", "dump"))
        ):
            return True
        root = func
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id in ("logging", "logger", "log", "sys"):
            return True
    return False


def test_every_recording_name_contains_a_word_of_the_text_test():
    names = {*steps._RECORDING_CALLS, *file_names.WRITE_METHODS, "to_", "save", "write", "dump"}
    names |= {"logging", "logger", "log", "sys"}
    for name in names:
        assert any(word in name for word in steps._RECORD_WORDS), name


def _sources() -> list[str]:
    found = list(SNIPPETS)
    for case in CASES.values():
        found += [cell["source"] for cell in case.cells if cell["cell_type"] == "code"]
    return found


@pytest.mark.parametrize("source", _sources())
def test_the_text_test_decides_as_the_walk(source):
    try:
        expected = _walked(source)
    except SyntaxError:
        return  # IPython syntax: the export hands _reports translated code only
    assert steps._reports(source) is expected


def test_a_text_holds_a_drawing_name_exactly_when_it_holds_a_word_of_the_text_test():
    # each word is a drawing name, and each drawing name holds a word: the tests agree on any text
    names = steps._PLOTTING_NAMES | steps._DRAWING_METHODS
    assert set(steps._DRAWING_WORDS) <= names
    for name in names:
        assert any(word in name for word in steps._DRAWING_WORDS), name


@pytest.mark.parametrize(
    "source",
    ["x = 1\ny = x", "len?", "x = 1\nlen??\ny = 2", "?len", "%pinfo len", "get_ipython().run_line_magic('pinfo', 'x')"],
)
def test_the_help_lines_text_test_decides_as_the_walk(source):
    from jupyterlab_readiness.notebook.parse import plain_source

    tree = ast.parse(plain_source(source))
    assert steps.help_lines(source) == [s.lineno for s in tree.body if steps._help_line(s)]


def test_a_function_without_the_displays_module_keeps_its_text():
    block = "def f():\n    x = 1\n    return x\n"
    assert steps._displays_imports(block) == (block, set())
    shown = f"def f():\n    from {steps.DISPLAYS_MODULE} import save_value\n    save_value(1)\n"
    assert steps._displays_imports(shown) == ("def f():\n    save_value(1)\n", {"save_value"})


def test_a_module_that_does_not_compile_is_refused_while_ruff_runs():
    assert ruff_binary() is not None  # a dependency of the package
    files = {"src/pkg/__init__.py": "", "src/pkg/steps.py": "def f(:\n    pass\n", "README.md": "x"}
    with pytest.raises(ExportRefused, match=r"src/pkg/steps\.py"):
        styled(files, "pkg")


def test_formatted_by_ruff_and_compiled():
    files = {"src/pkg/steps.py": "import sys\nimport os\nx=[os.sep,sys.path]\n", "README.md": "# pkg\n"}
    texts, warnings = styled(files, "pkg")
    assert texts["src/pkg/steps.py"] == "import os\nimport sys\n\nx = [os.sep, sys.path]\n"
    assert texts["README.md"] == "# pkg\n"
    assert warnings == []


def test_a_ruff_that_fails_leaves_the_files_as_generated_and_says_so(tmp_path, monkeypatch):
    broken = tmp_path / "ruff"
    broken.write_text("#!/bin/sh\necho 'ruff: cannot run' >&2\nexit 2\n")
    broken.chmod(0o755)
    monkeypatch.setattr(style, "ruff_binary", lambda: str(broken))
    files = {"src/pkg/steps.py": "import sys\nimport os\nx=[os.sep,sys.path]\n", "README.md": "# pkg\n"}
    texts, warnings = styled(files, "pkg")
    assert texts == files
    assert warnings == ["ruff failed on the generated files (SubprocessError): they were not formatted."]


def test_where_no_process_can_be_started_the_modules_are_compiled_here(monkeypatch):
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    files = {"src/pkg/__init__.py": "", "src/pkg/steps.py": "def f(x):\n    global x\n"}
    with pytest.raises(ExportRefused, match=r"src/pkg/steps\.py: name 'x' is parameter and global, line 2"):
        styled(files, "pkg")
    texts, warnings = styled({"src/pkg/steps.py": "x=1\n"}, "pkg")
    assert texts == {"src/pkg/steps.py": "x=1\n"}
    assert warnings == ["ruff failed on the generated files (FileNotFoundError): they were not formatted."]


def test_a_module_that_only_the_compiler_rejects_is_refused():
    # parses, but the compiler's symbol table rejects it: an ast.parse would let it through
    files = {"src/pkg/steps.py": "def f(x):\n    global x\n", "README.md": "x"}
    with pytest.raises(ExportRefused, match=r"src/pkg/steps\.py: name 'x' is parameter and global, line 2"):
        styled(files, "pkg")


# ------------------------------------------------------------------ steps.py compiled as it is made
def _plan(nb: dict, tmp_path: Path) -> export.Plan:
    tmp_path.mkdir(exist_ok=True)
    path = tmp_path / "a.ipynb"
    path.write_text(json.dumps(nb))
    environment = Environment.from_answer({"modules": {}, "versions": {}, "python": "3.11"})
    return export.plan(ExportRequest(path=path.name, notebook=nb), environment, Root(tmp_path))


def _files(result: export.Plan) -> dict[str, str]:
    return {f.path: f.text for f in result.reply.files}


_MADE_IN_PIECES = {
    **{name: case_notebook(case) for name, case in CASES.items()},
    "prints-become-log-records": notebook(
        code("import math"), md("## One"), code("x = math.pi\nprint(x)"), md("## Two"), code("y = x * 2\nprint(y)")
    ),
    "definitions-and-displays": notebook(
        code("from IPython.display import display\ndef double(v):\n    return 2 * v"),
        md("## Use"),
        code("class Box:\n    size = 3\nz = double(Box.size)\ndisplay(z)"),
    ),
}


# Refused before any step is made (hidden state): nothing is compiled in pieces.
_REFUSED_BEFORE_THE_STEPS = {"redefined_helper_read_by_helper", "helper_reads_global_rebound_later", "global_parameter"}


@pytest.mark.parametrize("name", list(_MADE_IN_PIECES))
def test_every_line_of_steps_py_is_in_a_piece_compiled_while_it_was_made(name, tmp_path, monkeypatch):
    """Whatever the export makes of a notebook, what it hands the compiler as it goes covers all of
    steps.py, and the package is the one it plans without compiling in pieces."""
    nb = _MADE_IN_PIECES[name]
    whole = _plan(nb, tmp_path / "whole")
    added: list[str] = []
    made: list[str] = []
    add, made_ = compiling.Pieces.add, compiling.Pieces.made
    monkeypatch.setattr(compiling.Pieces, "add", lambda self, *texts: added.extend(texts) or add(self, *texts))
    monkeypatch.setattr(compiling.Pieces, "made", lambda self, module: made.append(module) or made_(self, module))
    monkeypatch.setattr(compiling, "IN_PROCESS_LIMIT", 0)  # every notebook is large
    pieces = _plan(nb, tmp_path / "pieces")
    assert pieces.reply == whole.reply
    assert _files(pieces) == _files(whole)
    if whole.reply.refused and not made:
        assert name in _REFUSED_BEFORE_THE_STEPS
        return
    (module,) = made
    left = module
    for text in sorted(set(added), key=len, reverse=True):
        left = left.replace(text, "", 1)
    assert set(left) <= {"\n"}, left


def _large_notebook(sections: int) -> dict:
    cells = [code("import math")]
    for s in range(sections):
        cells.append(md(f"## Section {s}"))
        for c in range(5):
            lines = [f"v{s}_{c}_0 = {s + c}"]
            lines += [f"v{s}_{c}_{j} = math.sqrt(abs(v{s}_{c}_{j - 1})) + {j}" for j in range(1, 30)]
            cells.append(code("\n".join(lines)))
    return notebook(*cells)


def test_a_step_of_a_large_notebook_that_does_not_compile_refuses_the_plan_at_its_line(tmp_path, monkeypatch):
    """A bug of the generator in one step's function: the pieces catch it while the sections are
    extracted, and the answer is the whole module's (the line is steps.py's, not the piece's)."""
    nb = _large_notebook(30)
    assert sum(len(c["source"]) for c in nb["cells"] if c["cell_type"] == "code") > compiling.IN_PROCESS_LIMIT
    function = steps._function
    broken = {"count": 0}

    def breaks_the_seventh(extraction):
        text, displayed = function(extraction)
        broken["count"] += 1
        return (f"{text}\n    nonlocal undefined_q" if broken["count"] == 7 else text), displayed

    compiled: list[dict[str, str]] = []
    real = style.Compilation

    class Recorded(real):
        def __init__(self, texts, pieces=None):
            compiled.append(texts)
            super().__init__(texts, pieces)
            assert self._pieces, "steps.py was not compiled in pieces"

    monkeypatch.setattr(steps, "_function", breaks_the_seventh)
    monkeypatch.setattr(style, "Compilation", Recorded)
    reply = _plan(nb, tmp_path).reply
    text = compiled[0]["src/a/steps.py"]
    with pytest.raises(SyntaxError) as raised:
        compile(text, "steps.py", "exec")
    assert reply.refused == (
        f"Could not generate a valid module (src/a/steps.py: {raised.value.msg}, line {raised.value.lineno}); "
        "nothing was written. Please report this."
    )
    assert "nonlocal undefined_q" in text.splitlines()[raised.value.lineno - 1]
