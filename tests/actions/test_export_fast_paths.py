"""Shortcuts of export planning that must decide exactly what the long way decides: the test for a
pipeline that leaves no record skips the walk over code that cannot spell a recording call, and
ruff formats the package while the plan compiles it."""

from __future__ import annotations

import ast
import sys

import pytest

from helpers.export_cases import CASES
from jupyterlab_readiness.actions.errors import ExportRefused
from jupyterlab_readiness.actions.export import file_names, steps, style
from jupyterlab_readiness.actions.export.style import ruff_binary, styled

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
