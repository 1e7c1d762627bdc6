"""Compiling generated modules: the same answer as compile() here, for small and large texts, and
a large one never holds this process's interpreter lock for long (the server's other requests
wait while it is held)."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from jupyterlab_readiness.actions.compiling import IN_PROCESS_LIMIT, Compilation, NotCompiled, first_failure

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
