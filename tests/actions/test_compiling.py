"""Compiling generated modules: the same answer as compile() here, for small and large texts, and
a large one never holds this process's interpreter lock for long (the server's other requests
wait while it is held)."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from jupyterlab_readiness.actions import compiling
from jupyterlab_readiness.actions.compiling import IN_PROCESS_LIMIT, Compilation, NotCompiled, Pieces, first_failure

# 30,000 lines of plain functions: compiling them here holds the lock for about half a second.
LARGE = "".join(
    f"def f{i}(x):\n" + "".join(f"    y{j} = x * {j} + len(str(x))\n" for j in range(30)) for i in range(1000)
)


def _with_error(text: str) -> str:
    return text + "def g(x):\n    global x\n"


def test_a_large_text_is_large():
    assert len(LARGE) > IN_PROCESS_LIMIT


@pytest.mark.parametrize("text", ["x = 1\n", LARGE], ids=["small", "large"])
def test_the_answer_is_the_compilers(text):
    assert first_failure({"a.py": text, "b.py": "y = 2\n"}) is None
    broken = _with_error(text)
    line = broken.count("\n")
    assert first_failure({"a.py": "y = 2\n", "b.py": broken, "c.py": "def (:\n"}) == NotCompiled(
        "b.py", "name 'x' is parameter and global", line
    )
    assert first_failure({"c.py": "z = (\n"}).name == "c.py"


def test_a_large_text_is_compiled_without_holding_the_lock():
    gaps = []
    done = threading.Event()

    def tick() -> None:
        last = time.perf_counter()
        while not done.is_set():
            time.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticker = threading.Thread(target=tick)
    ticker.start()
    started = time.perf_counter()
    try:
        assert Compilation({"steps.py": LARGE}).failure() is None
    finally:
        done.set()
        ticker.join()
    took = time.perf_counter() - started
    assert took > 0.1 and len(gaps) >= 5, (took, len(gaps))  # long enough for the ticks to tell
    assert max(gaps) < 0.1, sorted(gaps)[-3:]


def test_where_no_process_can_be_started_it_is_compiled_here(monkeypatch):
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    assert first_failure({"a.py": LARGE}) is None
    assert first_failure({"a.py": _with_error(LARGE)}).message == "name 'x' is parameter and global"


def _compiler_says(text: str) -> NotCompiled | None:
    try:
        compile(text, "a.py", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return NotCompiled("a.py", exc.msg, exc.lineno)
    return None


def test_a_large_text_is_compiled_in_pieces_side_by_side():
    groups = compiling._groups({"a.py": LARGE}, len(LARGE))
    assert len(groups) == compiling.PIECES > 1
    assert "".join(piece for group in groups for _, piece in group) == LARGE


# Half of the text inside a string whose lines look like top-level definitions: the cut falls in it.
_HALF = LARGE[: len(LARGE) // 2].rpartition("\ndef ")[0] + "\n"
_IN_A_STRING = _HALF + 'NOTE = """\n' + "def looks_like_code(:\n" * 20_000 + '"""\n' + _HALF


@pytest.mark.parametrize(
    "text",
    [
        _IN_A_STRING,  # a piece ends inside the string: it does not compile, the whole does
        _IN_A_STRING + "def g():\n    nonlocal q\n",  # the last piece does not compile, nor the whole
        "x = 1\n" + LARGE + "global x\n",  # fine piece by piece, not as a whole
        LARGE + "from __future__ import annotations\n",  # the same: a future import after code
        "from __future__ import annotations\n" + LARGE + "def h(x: (yield)):\n    pass\n",  # a future changes the rest
    ],
    ids=["cut-in-a-string", "error-after-the-cut", "global-after-assignment", "late-future", "future-first"],
)
def test_pieces_answer_as_the_whole_text_compiles(text):
    pieces = compiling._pieces(text, -(-len(text) // compiling.PIECES))
    if "NOTE" in text:  # the case is what it says: a piece alone does not compile
        assert any(_compiler_says(piece) is not None for piece in pieces[:-1])
    assert first_failure({"a.py": text}) == _compiler_says(text)


# ------------------------------------------------------------------------ a module made in pieces
_FUNCTIONS = ["def f" + text for text in LARGE.split("def f")[1:]]
_HEAD = '"""Steps."""\n\nimport os\n\n'


def _made(functions: list[str], head: str = _HEAD) -> tuple[Pieces, str]:
    """A module made as the export makes steps.py: functions added as they are made, then the head."""
    made = Pieces(sum(len(f) for f in functions))
    for function in functions:
        made.add(function.strip("\n"))
    made.add(head)
    module = head + "\n\n\n".join(f.strip("\n") for f in functions) + "\n"
    made.made(module)
    return made, module


def test_a_module_made_in_pieces_is_compiled_while_it_is_made_and_not_again_here(monkeypatch):
    compiled_here: list[str] = []
    here = compiling._here
    monkeypatch.setattr(compiling, "_here", lambda texts: compiled_here.extend(texts.values()) or here(texts))
    made, module = _made(_FUNCTIONS)
    with made:
        text = "# Generated from a.ipynb\n" + module
        assert Compilation({"steps.py": text, "b.py": "y = 2\n"}, {"steps.py": made}).failure() is None
    assert compiled_here == ["# Generated from a.ipynb\n", "y = 2\n"]  # what the pieces do not cover


def _broken(index: int, statement: str) -> list[str]:
    functions = list(_FUNCTIONS)
    functions[index] = functions[index].rstrip("\n") + f"\n    {statement}\n"
    return functions


@pytest.mark.parametrize(
    ("functions", "before", "after"),
    [
        (_FUNCTIONS, "", ""),
        (_broken(500, "nonlocal q"), "", ""),  # a piece does not compile: the answer names the whole's line
        (_broken(0, "return 1"), "def (:\n", ""),  # neither does what comes before the module
        (_FUNCTIONS, "", "def g(x):\n    global x\n"),  # the text is not the module the pieces made
        ([*_FUNCTIONS, "global y0"], "y0 = 1\n", ""),  # fine piece by piece, not as a whole: compiled whole
        ([*_FUNCTIONS[:10], "from __future__ import annotations"], "", ""),  # a late future import
    ],
    ids=["compiles", "error-in-a-piece", "error-before", "text-not-the-module", "global", "future"],
)
def test_a_module_made_in_pieces_answers_as_the_whole_text_compiles(functions, before, after):
    made, module = _made(functions)
    with made:
        text = before + module + after
        assert Compilation({"steps.py": text}, {"steps.py": made}).failure() == _compiler_says_as(text, "steps.py")


def _compiler_says_as(text: str, name: str) -> NotCompiled | None:
    found = _compiler_says(text)
    return found._replace(name=name) if found is not None else None


def test_a_small_module_starts_no_process_and_is_compiled_whole(monkeypatch):
    started: list[list[str]] = []
    popen = compiling.subprocess.Popen
    monkeypatch.setattr(compiling.subprocess, "Popen", lambda args, **kw: started.append(args) or popen(args, **kw))
    made, module = _made(_FUNCTIONS[:3])
    with made:
        assert made.rest(module) is None
        assert Compilation({"steps.py": module}, {"steps.py": made}).failure() is None
    assert started == []


def test_leaving_the_pieces_ends_their_process_whatever_was_asked():
    made, _ = _made(_FUNCTIONS)
    process = made._process
    with made:
        pass  # the plan was refused before anything compiled the module
    assert process.returncode is not None and made._process is None


def test_where_no_process_can_be_started_a_module_made_in_pieces_is_compiled_whole(monkeypatch):
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    made, module = _made(_broken(3, "nonlocal q"))
    with made:
        assert made.rest(module) is None
        assert Compilation({"steps.py": module}, {"steps.py": made}).failure() == _compiler_says_as(module, "steps.py")
