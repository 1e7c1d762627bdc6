"""The probe's kernel-side code as plain modules, run in this process (no kernel).

``jupyterlab_readiness.environment.kernel`` is what the server sends to a kernel as text; here
the same functions are called directly, on hostile namespaces, and the single expression that
carries them is evaluated the way IPython evaluates a user expression (``eval(expr, ns, ns)``).
The same code against real kernels: tests/test_probe.py.
"""

from __future__ import annotations

import _thread
import ast
import builtins
import dis
import gc
import json
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from IPython.core.formatters import DisplayFormatter
from pandas.api.extensions import ExtensionArray

from helpers.kernels import ARCHIVE_PIN, GIT_PIN, direct_url_site
from jupyterlab_readiness.environment.answer import Environment
from jupyterlab_readiness.environment.kernel import distributions, namespace, reply
from jupyterlab_readiness.server import probe as server_probe

KERNEL_DIR = Path(namespace.__file__).parent
MODULES = ("reply", "namespace", "distributions")


class Recorder(list):
    def slow(self, what):
        self.append(what)
        time.sleep(1)


def hostile_namespace(calls: Recorder) -> dict:
    class FakeNumpy:
        __module__ = "numpy"

        @property
        def nbytes(self):
            calls.slow("FakeNumpy.nbytes")
            return 1

        def __sizeof__(self):
            calls.slow("FakeNumpy.__sizeof__")
            return 1

    class OwnArray(np.ndarray):
        @property
        def nbytes(self):
            calls.slow("OwnArray.nbytes")
            return 1

    class Meta(type):
        def __eq__(cls, other):
            calls.append("Meta.__eq__")
            return False

        def __hash__(cls):
            calls.append("Meta.__hash__")
            return 0

        def __getattribute__(cls, name):
            calls.append(("Meta.__getattribute__", name))
            return type.__getattribute__(cls, name)

    class Sneaky(np.ndarray, metaclass=Meta):
        pass

    class UserArray(ExtensionArray):
        @property
        def nbytes(self):
            calls.slow("UserArray.nbytes")
            return 1

    class ClassTrap:
        @property
        def __class__(self):
            calls.append("__class__")
            return int

    class Key(str):
        def __hash__(self):
            calls.append("Key.__hash__")
            return str.__hash__(self)

        def __eq__(self, other):
            calls.append("Key.__eq__")
            return str.__eq__(self, other)

    class Text(str):
        def isascii(self):
            calls.append("Text.isascii")
            return True

        def encode(self, *args):
            calls.append("Text.encode")
            return b""

        def __hash__(self):
            calls.append("Text.__hash__")
            return 0

    class Renamed:
        pass

    Renamed.__qualname__ = Text("Renamed\ud800")
    Renamed.__module__ = Text("mod")

    class NoModule:
        pass

    NoModule.__module__ = 42

    def user_import(*args, **kwargs):
        calls.append("__import__")
        raise ImportError("user __import__")

    ns = {
        "__import__": user_import,
        "__builtins__": {"__import__": user_import},
        "x": 1,
        "text": "abc",
        "items": [1, 2],
        "type": None,
        "id": None,
        "fake": FakeNumpy(),
        "own": np.ones(10).view(OwnArray),
        "sneaky": np.ones(4).view(Sneaky),
        "arr": np.ones(1000),
        "scalar": np.float32(1),
        "series": pd.Series([1, 2, 3]),
        "masked": pd.array([1, 2, None]),
        "categorical": pd.Series(["a", "b"], dtype="category"),
        "user_array": UserArray(),
        "frame": pd.DataFrame({"a": [1]}),
        "class_trap": ClassTrap(),
        "renamed": Renamed(),
        "no_module": NoModule(),
        "\ud800": 1,
        "caf\udce9": 2,
        1: "not a name",
    }
    ns[Key("subclassed")] = 3
    ns["last"] = 4
    calls.clear()
    return ns


def by_name(data: dict) -> dict:
    """name → (type's qualname without the enclosing function's, module, size)."""
    return {
        n: (data["types"][i][0].rpartition("<locals>.")[2], data["types"][i][1], s)
        for n, i, s in zip(data["names"], data["type_index"], data["sizes"], strict=True)
    }


# --------------------------------------------------------------------------- namespace.snapshot
def test_snapshot_reads_a_hostile_namespace_without_calling_user_code():
    calls = Recorder()
    ns = hostile_namespace(calls)
    started = time.perf_counter()
    data = namespace.snapshot(ns, None, 1000, 1000)
    assert time.perf_counter() - started < 0.5 and calls == []
    names = by_name(data)
    assert names["x"] == ("int", "builtins", sys.getsizeof(1))
    assert names["items"][2] == sys.getsizeof([1, 2])
    assert names["type"] == ("NoneType", "builtins", sys.getsizeof(None))
    assert names["fake"] == ("FakeNumpy", "numpy", None)  # __module__ claims count for nothing
    assert names["own"][2] is None  # overrides nbytes
    assert names["sneaky"][2] == 32  # numpy's C getter; the metaclass never runs
    assert (names["arr"][2], names["scalar"][2], names["series"][2]) == (8000, 4, 24)
    assert names["masked"][2] == 27 and names["categorical"][2] is None
    assert names["user_array"][2] is None and names["frame"][2] is None
    assert names["class_trap"][0] == "ClassTrap"  # type(), not __class__
    assert names["renamed"][:2] == ("Renamed\\ud800", "mod") and names["no_module"][1] is None
    # escaped, marked; keys that are not exactly str are skipped; order kept
    assert data["names"][-1] == "last" and "subclassed" not in names and 1 not in names
    escaped = [data["names"][i] for i in data["escaped"]]
    assert escaped == ["\\ud800", "caf\\udce9"]
    json.dumps(data).encode("utf-8")  # strict: no lone surrogate left
    assert data["history"] == {} and data["execution_count"] is None


def test_a_replaced_sys_getsizeof_is_never_called(monkeypatch):
    real = sys.getsizeof
    values = [
        1,
        2**100,
        1.5,
        1j,
        True,
        "abc",
        "é" * 10,
        b"ab",
        bytearray(10),
        [1, 2],
        (1,),
        {"a": 1},
        {1},
        frozenset(),
        None,
        range(3),
        slice(1),
    ]
    expected = [real(v) for v in values]
    calls = Recorder()
    monkeypatch.setattr(sys, "getsizeof", lambda *args: calls.slow("sys.getsizeof"))
    data = namespace.snapshot({f"v{i}": v for i, v in enumerate(values)}, None, 100, 100)
    assert calls == [] and data["sizes"] == expected


def test_a_dict_subclass_namespace_is_read_with_dicts_own_items():
    class Namespace(dict):
        def items(self):
            raise AssertionError("overridden items() called")

        def __iter__(self):
            raise AssertionError("overridden __iter__ called")

    assert namespace.snapshot(Namespace(a=1), None, 10, 10)["names"] == ["a"]
    assert namespace.snapshot(object(), None, 10, 10)["names"] == []  # not a dict: no names


def test_caps_and_ipython_names():
    ns = {"_": 1, "_7": 2, "_i7": 3, "_private": 4, "In": [], "a": 5, "b": 6, "c": 7}
    data = namespace.snapshot(ns, None, 2, 10)
    assert data["names"] == ["_private", "a"] and data["truncated"] is True
    assert namespace.snapshot(ns, None, 4, 10)["truncated"] is False


def test_history_most_recent_first_within_the_cap():
    class History:
        def __init__(self):
            self.input_hist_raw = ["", "a = 1", "b = 2", object(), "c = '\ud800'"]

    class Shell:
        def __init__(self):
            self.execution_count = 5
            self.user_ns_hidden = {"hidden_by_ipython": 1}
            self.history_manager = History()

    data = namespace.snapshot({"hidden_by_ipython": 1, "a": 1}, Shell(), 10, 20)
    assert data["names"] == ["a"] and data["execution_count"] == 4
    assert data["history"] == {"4": "c = '\\ud800'", "2": "b = 2", "1": "a = 1"}  # not a str: left out
    assert data["history_complete"] is True
    assert namespace.snapshot({}, Shell(), 10, 16)["history"] == {"4": "c = '\\ud800'", "2": "b = 2"}


def test_probe_restores_the_collectors_state():
    assert gc.isenabled()
    namespace.probe({"a": 1}, 10, 10)
    assert gc.isenabled()
    gc.disable()
    try:
        namespace.probe({"a": 1}, 10, 10)
        assert not gc.isenabled()
    finally:
        gc.enable()


def _builtins_named(code) -> set[str]:
    names = {
        i.argval
        for i in dis.get_instructions(code)
        if i.opname in ("LOAD_GLOBAL", "LOAD_NAME") and hasattr(builtins, i.argval)
    }
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _builtins_named(const)
    return names - {"__name__"}


def test_every_builtin_the_probe_names_is_checked_before_use():
    """A builtin replaced in the builtins module (not the user's namespace: that one is never
    consulted) makes the namespace probe refuse; it is never called."""
    text = (
        server_probe.kernel_source("reply")
        + server_probe.kernel_source("namespace")
        + "result = JsonReply(probe({'a': 1}, 10, 10), 'probe')\n"
    )
    named = _builtins_named(compile(text, "<probe>", "exec"))
    assert named == {"Exception", "UnicodeEncodeError", "bytearray", "frozenset", "id", "len", "range", "slice"}
    calls = Recorder()
    for name in sorted(named):
        fake = dict(vars(builtins), **{name: lambda *args, _name=name, **kwargs: calls.append(_name)})
        with pytest.raises(KeyError, match=f"builtins.{name} is replaced"):
            exec(text, {"__builtins__": fake, "__name__": "probe_test"})
    assert calls == []
    done = {"__builtins__": dict(vars(builtins)), "__name__": "probe_test"}
    exec(text, done)
    assert done["result"]._repr_json_()["names"] == ["a"]


# --------------------------------------------------------------------------- the expression
def test_the_expression_reaches_the_real_builtins_from_a_hostile_namespace():
    calls = Recorder()
    ns = hostile_namespace(calls)
    keys, ids = list(ns), [id(v) for v in ns.values()]
    result = eval(server_probe.PROBE_USER_EXPRESSION, ns, ns)  # as IPython's user_expressions does
    assert calls == [] and list(ns) == keys and [id(v) for v in ns.values()] == ids
    data = result._repr_mimebundle_()["application/json"]
    assert data["v"] == 1 and by_name(data)["x"] == ("int", "builtins", sys.getsizeof(1))
    # the private globals were cleared: nothing of the probe stays alive through the reply
    assert result._repr_json_() is data


def test_the_expression_called_from_c_takes_the_builtins_from_the_genuine_exec(monkeypatch):
    """A kernel that calls eval from C has no frame above the expression: exec is looked for in
    the namespace's own __builtins__, used only if genuine, and the builtins module it belongs to
    (not the dict it was found in) serves the probe's code."""
    calls = Recorder()

    class Builtins(dict):
        def __getitem__(self, key):
            calls.append(("__getitem__", key))
            return dict.__getitem__(self, key)

        def get(self, *args):
            calls.append("get")
            return dict.get(self, *args)

    def fake_exec(*args):
        calls.append("exec")

    refusals = []  # the thread's exception goes to sys.unraisablehook
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: refusals.append(str(unraisable.exc_value)))
    for user_builtins, works in (
        (builtins, True),
        (Builtins(vars(builtins)), True),
        (Builtins(vars(builtins), exec=fake_exec), False),
    ):
        ns = {"__builtins__": user_builtins, "x": 1, "sink": []}
        # a thread started on eval itself: no Python frame calls it
        _thread.start_new_thread(eval, ("sink.append(" + server_probe.PROBE_USER_EXPRESSION + ")", ns, ns))
        deadline = time.monotonic() + 10
        while not (ns["sink"] if works else refusals) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [r._repr_json_()["names"] for r in ns["sink"]] == ([["x", "sink"]] if works else [])
    assert calls == [] and len(refusals) == 1 and "is replaced in this kernel" in refusals[0]


def test_the_expression_refuses_a_replaced_builtins_exec(monkeypatch):
    calls = Recorder()
    monkeypatch.setattr(builtins, "exec", lambda *args: calls.append("exec"))
    ns = {"__builtins__": builtins, "x": 1}
    with pytest.raises(KeyError, match="is replaced in this kernel"):
        eval(server_probe.PROBE_USER_EXPRESSION, ns, ns)
    assert calls == [] and ns == {"__builtins__": builtins, "x": 1}


def test_user_formatters_never_see_the_reply():
    calls = Recorder()
    formatter = DisplayFormatter()
    printers = [*formatter.formatters.values(), formatter.ipython_display_formatter, formatter.mimebundle_formatter]
    for printer in printers:
        printer.for_type(object, lambda *args, **kwargs: calls.append("formatter"))
        printer.for_type_by_name("jupyterlab_readiness_probe", "JsonReply", lambda *args: calls.append("by name"))
    ns = {"__builtins__": builtins, "x": 1}
    data, _ = formatter.format(eval(server_probe.PROBE_USER_EXPRESSION, ns, ns))
    assert calls == [] and data["application/json"]["names"] == ["x"]
    assert data["text/plain"] == "<jupyterlab_readiness probe>"
    formatter.format(object())
    assert calls  # the printers are live
    # the reply's formatting does not depend on the private globals it came from
    made = reply.JsonReply({"v": 1}, "t")
    assert made._repr_mimebundle_()["application/json"] == {"v": 1}


# --------------------------------------------------------------------------- distributions
def test_distributions_and_environment_in_this_process():
    found = distributions.distributions(["json", "pytest", "os.path", "no_such_module_here"])
    assert found["error"] is None
    assert found["distributions"]["json"] == [] and found["distributions"]["no_such_module_here"] == []
    assert found["distributions"]["pytest"] == [["pytest", pytest.__version__]]
    env = distributions.local_environment(["pytest"], ["pluggy", "not-installed-anywhere"], closure=True)
    assert env["versions"]["not-installed-anywhere"] is None and env["versions"]["pluggy"][0] == "pluggy"
    assert ["pytest", pytest.__version__] in env["closure"] and env[
        "python"
    ] == f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert distributions.local_environment([], [], closure=False)["closure"] is None


def test_the_environment_says_where_a_distribution_was_installed_from(tmp_path, monkeypatch):
    site = direct_url_site(tmp_path / "site")
    monkeypatch.syspath_prepend(str(site))
    env = distributions.local_environment(
        ["from_git_mod", "from_folder_mod", "pytest"], ["readiness-from-archive"], closure=True
    )
    assert env["modules"]["from_git_mod"] == [["readiness-from-git", "0.1.dev0"]]
    assert ["readiness-from-archive", "1.0"] in env["closure"]  # what the git install requires
    # as pip freeze writes it after `name @` (the commit, not the requested branch), and "local"
    # for a folder; what came from the package index (pytest, pluggy) is not listed
    assert env["sources"] == {
        "readiness-from-git": GIT_PIN.split(" @ ")[1],
        "readiness-from-archive": "https://user:secret@files.example.org/readiness-from-archive-1.0.tar.gz#sha256=abcd",
        "readiness-from-folder": "local",
    }
    answer = Environment.from_answer(env)
    # the server reads it by normalised name, and never writes credentials into a pin
    assert dict(answer.sources) == {
        "readiness-from-git": GIT_PIN.split(" @ ")[1],
        "readiness-from-archive": ARCHIVE_PIN.split(" @ ")[1],
        "readiness-from-folder": "local",
    }


def test_an_answer_without_sources_or_with_bad_ones_still_reads():
    old = {"modules": {"yaml": [["PyYAML", "6.0.1"]]}, "versions": {}, "closure": None, "python": "3.11"}
    assert Environment.from_answer(old).sources == {}  # an older kernel-side code
    answer = Environment.from_answer(
        {
            **old,
            "sources": {
                "Py_YAML": "git+ssh://git@github.com/yaml/pyyaml@abc",
                "a": "https://x.org/a.tar.gz\nevil==1",
                "b": 3,
                "c": "not a url",
                "d": "https://${TOKEN}@x.org/d.whl",
                "e": "local",
            },
        }
    )
    assert dict(answer.sources) == {
        "py-yaml": "git+ssh://git@github.com/yaml/pyyaml@abc",
        "d": "https://${TOKEN}@x.org/d.whl",
        "e": "local",
    }


# --------------------------------------------------------------------------- the modules as text
@pytest.mark.parametrize("name", MODULES)
def test_kernel_modules_are_standard_library_python_38(name):
    text = server_probe.kernel_source(name)
    assert text == (KERNEL_DIR / f"{name}.py").read_text(encoding="utf-8")
    tree = ast.parse(text, feature_version=(3, 8))
    optional = {"importlib_metadata", "packaging", "pip"}  # tried in a try block, absence handled
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module.split(".")[0] in sys.stdlib_module_names, node.module
            assert node.module != "__future__"  # the texts are concatenated
        elif isinstance(node, ast.Import):
            for alias in node.names:
                assert alias.name.split(".")[0] in sys.stdlib_module_names | optional, alias.name
        assert not isinstance(node, ast.AnnAssign)
    # what is sent is the same code, without docstrings and comment lines
    sent = server_probe._sent_text(name)
    assert server_probe._code_of(sent) == server_probe._code_of(text) and len(sent) < len(text)


def test_sent_text_keeps_a_string_that_spans_lines(monkeypatch):
    text = 'def f():\n    """Doc."""\n    return """a\n\n# not a comment\nb"""\n'
    monkeypatch.setattr(server_probe, "kernel_source", lambda name: text)
    server_probe._sent_text.cache_clear()
    try:
        assert server_probe._sent_text("any") == text  # dropping lines would change the string
    finally:
        server_probe._sent_text.cache_clear()


def test_kernel_package_init_is_empty_and_modules_pass_ruff():
    assert (KERNEL_DIR / "__init__.py").read_text() == ""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--isolated",
            "--target-version",
            "py38",
            "--output-format",
            "concise",
            str(KERNEL_DIR),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
