"""Scope analysis checked against what a real IPython kernel does (tests/helpers/scope_scenarios.py).

hidden-state: every scenario runs top to bottom in one ipykernel, each in a fresh namespace
(``%reset -f`` without its slow ``gc.collect()``, the working directory and the compiler's
``__future__`` flags put back, and the namespace compared with the kernel's pristine one before the
first cell). The first NameError — which cell, which name — or its absence must equal both the
scenario's label and the check's findings. syntax-error: IPython's own path to running a cell —
``transform_cell`` (input
transformations, plus automagic on one-line cells), ``ast_parse``, then compiling statement by
statement as ``run_ast_nodes`` does — decides, in the kernel, without running the cell.
"""

from __future__ import annotations

import ast
import json
import re
import tempfile
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from helpers.notebooks import code, notebook
from helpers.scope_scenarios import HIDDEN_STATE, SYNTAX
from jupyterlab_readiness.lint.engine import check_notebook
from jupyterlab_readiness.notebook.magics import LINE_MAGICS

pytestmark = pytest.mark.kernel

_NAME_ERROR = re.compile(r"name '(\w+)' is not defined")
_REPORTED = re.compile(r"^`(\w+)` is read here|reads `(\w+)`")

# Runs in the kernel, silently; the reset (what ``%reset -f`` does) removes this cell's own names too. It alone
# is not a fresh kernel: it drops ``_``, ``__``, ``___``, ``__doc__``, ``__spec__`` … which a new
# kernel has, so the plain values the new kernel had are put back.
_RESET = """\
import os as _readiness_os
_readiness_os.chdir({cwd!r})
get_ipython().compile.flags = {flags!r}
get_ipython().reset(new_session=False)
get_ipython().user_ns.update({plain!r})
"""
_STATE = (
    "repr((sorted((k, type(v).__name__) for k, v in get_ipython().user_ns.items()), __import__('os').getcwd(), "
    "get_ipython().compile.flags, sorted(dir(__import__('builtins')))))"
)
_PLAIN = "repr({k: v for k, v in get_ipython().user_ns.items() if v is None or type(v) is str})"

# IPython's own steps before running a cell (InteractiveShell.run_cell), without running it.
_VERDICT = """\
def _readiness_verdicts(sources):
    import ast
    ip = get_ipython()
    verdicts = []
    for source in sources:
        try:
            cell = ip.transform_cell(source)
            tree = ip.compile.ast_parse(cell)
            for node in tree.body:
                compile(ast.Module([node], []), "<cell>", "exec", ip.compile.flags | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        except Exception:
            verdicts.append(True)
        else:
            verdicts.append(False)
    return verdicts
"""


class Kernel:
    def __init__(self) -> None:
        self.km, self.kc = start_new_kernel(kernel_name="python3", startup_timeout=60)
        self.folder = tempfile.TemporaryDirectory(prefix="scope-kernel-")
        # Tracebacks in one line: formatting full ones costs ~0.3 s per NameError (not namespace state).
        self.execute("get_ipython().InteractiveTB.set_mode('Minimal')", silent=True, store_history=False)
        self.flags = int(self.expression("get_ipython().compile.flags"))
        self.plain = ast.literal_eval(ast.literal_eval(self.expression(_PLAIN)))
        self.execute(f"__import__('os').chdir({self.folder.name!r})", silent=True, store_history=False)
        self.pristine = self.state()  # a new kernel's namespace, before anything ran

    def execute(self, source: str, **kwargs) -> dict:
        return self.kc.execute_interactive(
            source, timeout=60, output_hook=lambda msg: None, allow_stdin=False, **kwargs
        )["content"]

    def expression(self, expression: str) -> str:
        reply = self.execute("", silent=True, store_history=False, user_expressions={"e": expression})
        result = reply["user_expressions"]["e"]
        assert result["status"] == "ok", result
        return result["data"]["text/plain"]

    def reset(self) -> None:
        reply = self.execute(
            _RESET.format(cwd=self.folder.name, flags=self.flags, plain=self.plain), silent=True, store_history=False
        )
        assert reply["status"] == "ok", reply

    def state(self):
        return ast.literal_eval(ast.literal_eval(self.expression(_STATE)))

    def run(self, cells: list[str]) -> tuple[int, str] | None:
        """Run the cells in order in a fresh namespace; the first NameError as (cell, name)."""
        self.reset()
        assert self.state() == self.pristine, "the namespace is not fresh"
        for index, source in enumerate(cells):
            reply = self.execute(source)
            if reply["status"] == "error":
                assert reply["ename"] == "NameError", (
                    f"cell {index} raised {reply['ename']}: {reply['evalue']} (a scenario raises nothing but NameError)"
                )
                m = _NAME_ERROR.search(reply["evalue"])
                assert m, reply["evalue"]
                return (index, m.group(1))
        return None

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)
        self.folder.cleanup()


@pytest.fixture(scope="module")
def kernel():
    k = Kernel()
    yield k
    k.close()


def static_verdict(cells: list[str]) -> list[tuple[int, str]]:
    report = check_notebook(notebook(*(code(source) for source in cells)), Path("scenario.ipynb"))
    assert [f for f in report.findings if f.check == "syntax-error"] == []
    found = []
    for finding in report.findings:
        if finding.check == "hidden-state":
            m = _REPORTED.search(finding.message)
            assert m, finding.message
            found.append((finding.cell_index, finding.line or 0, m.group(1) or m.group(2)))
    return [(cell, name) for cell, _, name in sorted(found)]


def test_scenarios_are_many_and_distinct():
    assert len(HIDDEN_STATE) >= 60 and len(SYNTAX) >= 50
    assert len({s.id for s in HIDDEN_STATE}) == len(HIDDEN_STATE)
    assert len({s.id for s in SYNTAX}) == len(SYNTAX)


def test_hidden_state_agrees_with_the_kernel(kernel):
    disagreements = []
    for scenario in HIDDEN_STATE:
        actual = kernel.run(scenario.cells)
        static = static_verdict(scenario.cells)
        expected = [scenario.expect] if scenario.expect else []
        if actual != scenario.expect:
            disagreements.append(f"{scenario.id}: label {scenario.expect} but the kernel says {actual}")
        elif static != expected:
            disagreements.append(f"{scenario.id}: the kernel says {actual} but the check reports {static}")
    assert disagreements == []


def ipython_verdicts(kernel: Kernel, sources: list[str], before: tuple[str, ...] = ()) -> list[bool]:
    kernel.reset()
    for cell in before:
        assert kernel.execute(cell)["status"] == "ok"
    assert kernel.execute(_VERDICT, silent=True, store_history=False)["status"] == "ok"
    verdicts = ast.literal_eval(kernel.expression(f"_readiness_verdicts({json.dumps(sources)})"))
    kernel.reset()
    return verdicts


def test_syntax_errors_agree_with_ipython(kernel):
    alone = [s for s in SYNTAX if not s.before]
    verdicts = dict(zip(alone, ipython_verdicts(kernel, [s.source for s in alone]), strict=True))
    for scenario in SYNTAX:
        if scenario.before:
            (verdicts[scenario],) = ipython_verdicts(kernel, [scenario.source], scenario.before)
    disagreements = []
    for scenario in SYNTAX:
        ipython = verdicts[scenario]
        ours = static_syntax_error(scenario.source, scenario.before)
        if ipython != scenario.error:
            disagreements.append(f"{scenario.id}: label error={scenario.error} but IPython says {ipython}")
        elif ours != ipython:
            disagreements.append(f"{scenario.id}: IPython says error={ipython}, the check says {ours}")
    assert disagreements == []


def static_syntax_error(source: str, before: tuple[str, ...] = ()) -> bool:
    report = check_notebook(notebook(*(code(cell) for cell in (*before, source))), Path("scenario.ipynb"))
    return any(f.check == "syntax-error" and f.cell_index == len(before) for f in report.findings)


def test_line_magics_are_the_kernels(kernel):
    names = set(ast.literal_eval(kernel.expression("sorted(get_ipython().magics_manager.magics['line'])")))
    assert names == set(LINE_MAGICS)
