"""The kernel probe against real ipykernel kernels (no mocks).

One module-scoped kernel serves most tests; its event loop is one ``asyncio.Runner`` kept for the
whole module (zmq sockets of an AsyncKernelClient belong to one loop). Tests that kill or block a
kernel start their own.
"""

from __future__ import annotations

import asyncio
import collections
import dis
import json
import os
import sys
import textwrap
import time
import types
from pathlib import Path
from typing import Any

import jupyter_client
import pytest
from jupyter_client.manager import start_new_async_kernel

from jupyterlab_readiness.server.probe import (
    DISTRIBUTIONS_USER_EXPRESSION,
    PROBE_USER_EXPRESSION,
    KernelSnapshot,
    kernel_distributions,
    probe,
)

START_TIMEOUT = 60


# --------------------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def runner():
    with asyncio.Runner() as r:
        yield r


async def _start(kernel_name: str = "python3"):
    return await start_new_async_kernel(kernel_name=kernel_name, startup_timeout=START_TIMEOUT)


async def _stop(km, kc) -> None:
    try:
        kc.stop_channels()
    finally:
        if await km.is_alive():
            await km.shutdown_kernel(now=True)


async def drain_iopub(kc) -> list[dict[str, Any]]:
    msgs = []
    while True:
        try:
            msgs.append(await kc.get_iopub_msg(timeout=0.05))
        except Exception:  # noqa: BLE001 - a timeout, a dead kernel: reported, not raised
            return msgs


async def execute(kc, code: str, timeout: float = 60) -> dict[str, Any]:
    """Run a real cell (store_history, counted) and wait for its reply and its idle status."""
    msg_id = kc.execute(code)
    while True:
        msg = await kc.get_shell_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") == msg_id:
            reply = msg["content"]
            break
    while True:
        msg = await kc.get_iopub_msg(timeout=timeout)
        if (
            msg["parent_header"].get("msg_id") == msg_id
            and msg["msg_type"] == "status"
            and msg["content"]["execution_state"] == "idle"
        ):
            break
    assert reply["status"] == "ok", reply
    return reply


# The kernel-state query used to compare before/after a probe: a silent user expression of its
# own, returning JSON through the same _repr_json_ trick (so it changes nothing either).
STATE_EXPRESSION = (
    "(lambda d: type('S', (), {'_repr_json_': lambda self: d})())({"
    "'dir': sorted(dir()),"
    "'count': get_ipython().execution_count,"
    "'In': len(In), 'Out': len(Out), 'Out_keys': sorted(Out),"
    "'ids': [id(_), id(__), id(___)],"
    "'_i': _i, '_ii': _ii, '_iii': _iii,"
    "'ns_ids': {k: id(v) for k, v in get_ipython().user_ns.items()},"
    "'trap_calls': list(globals().get('trap_calls', [])),"
    "})"
)


async def kernel_state(kc) -> dict[str, Any]:
    msg_id = kc.execute("", silent=True, store_history=False, user_expressions={"s": STATE_EXPRESSION})
    while True:
        msg = await kc.get_shell_msg(timeout=30)
        if msg["parent_header"].get("msg_id") == msg_id:
            break
    ue = msg["content"]["user_expressions"]["s"]
    assert ue["status"] == "ok", ue
    return ue["data"]["application/json"]


SETUP_CELLS = [
    "x = 1",
    "import json as j",
    'df = {"a": [1]}',
    "big = bytearray(50_000_000)",
    "_private = 'kept'",
    textwrap.dedent(
        """\
        trap_calls = []

        class TrapMeta(type):
            def __getattr__(cls, name):
                trap_calls.append(("meta.__getattr__", name))
                raise AttributeError(name)

        class Trap(metaclass=TrapMeta):
            def __getattr__(self, name):
                trap_calls.append(("__getattr__", name))
                raise AttributeError(name)
            def __len__(self):
                trap_calls.append(("__len__",))
                raise RuntimeError("len called")
            def __sizeof__(self):
                trap_calls.append(("__sizeof__",))
                raise RuntimeError("sizeof called")
            def __repr__(self):
                trap_calls.append(("__repr__",))
                return "Trap()"
            def __eq__(self, other):
                trap_calls.append(("__eq__",))
                return False
            __hash__ = object.__hash__
            @property
            def __class__(self):
                trap_calls.append(("__class__",))
                return int

        class NotNumpy:
            __module__ = "mylib"
            @property
            def nbytes(self):
                trap_calls.append(("nbytes",))
                return 1

        trap = Trap()
        not_numpy = NotNumpy()
        trap_calls.clear()"""
    ),
    "%time y = 2",
    "x + 41",  # an output: sets _, _7 and Out[7]
]


@pytest.fixture(scope="module")
def kernel(runner):
    km, kc = runner.run(_start())
    try:
        for cell in SETUP_CELLS:
            runner.run(execute(kc, cell))
        yield km, kc
    finally:
        runner.run(_stop(km, kc))


@pytest.fixture
def run(runner):
    return runner.run


def by_name(snapshot: KernelSnapshot) -> dict[str, Any]:
    return {e.name: e for e in snapshot.names}


# --------------------------------------------------------------------------- the expression
def _name_lookups(code) -> list[str]:
    """Instructions of ``code`` (and its nested code) that resolve a name through the globals or
    the builtins of the frame: in a user expression, the user's namespace and its ``__builtins__``."""
    found = [
        f"{i.opname} {i.argval}"
        for i in dis.get_instructions(code)
        if i.opname
        in (
            "LOAD_NAME",
            "LOAD_GLOBAL",
            "STORE_NAME",
            "STORE_GLOBAL",
            "DELETE_NAME",
            "IMPORT_NAME",
            "LOAD_BUILD_CLASS",
            "LOAD_FROM_DICT_OR_GLOBALS",
        )
    ]
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found += _name_lookups(const)
    return found


def test_expression_looks_up_no_name():
    # evaluated with the user's namespace as globals: any name would resolve through it (and its
    # __builtins__) first, so the expression has none — shadowing `__import__`, `type`, `exec`…
    # cannot reach the probe
    for expression in (PROBE_USER_EXPRESSION, DISTRIBUTIONS_USER_EXPRESSION):
        assert _name_lookups(compile(expression, "<probe>", "eval")) == []


# --------------------------------------------------------------------------- ok kernel
def test_names_types_modules(kernel, run):
    _, kc = kernel
    snap = run(probe(kc))
    assert snap.status == "ok", snap.error
    assert snap.error is None
    names = by_name(snap)
    assert (names["x"].type, names["x"].module, names["x"].size) == ("int", "builtins", sys.getsizeof(1))
    assert names["j"].type == "module" and names["j"].size is None
    assert names["df"].type == "dict" and names["df"].size == sys.getsizeof({"a": [1]})
    # bytearray: shallow getsizeof (its own buffer), never more
    assert names["big"].type == "bytearray" and 50_000_000 <= names["big"].size < 50_001_000
    assert names["_private"].type == "str"
    assert names["Trap"].type == "TrapMeta" and names["Trap"].module == "__main__"
    # type() is read, not __class__ (the trap's __class__ claims int)
    assert names["trap"].type == "Trap" and names["trap"].size is None
    assert names["not_numpy"].size is None  # module "mylib": its nbytes is never read
    assert names["y"].type == "int"
    assert all(isinstance(e.id, int) for e in snap.names)
    assert snap.python and snap.python.split()[0] == sys.version.split()[0]
    # order is definition order
    order = [e.name for e in snap.names]
    assert order.index("x") < order.index("j") < order.index("df") < order.index("y")


def test_ipython_names_hidden(kernel, run):
    _, kc = kernel
    snap = run(probe(kc))
    names = set(by_name(snap))
    for hidden in (
        "_",
        "__",
        "___",
        "_i",
        "_ii",
        "_iii",
        "_i1",
        "_i8",
        "_8",
        "_oh",
        "_ih",
        "_dh",
        "In",
        "Out",
        "exit",
        "quit",
        "get_ipython",
        "open",
        "__name__",
        "__builtins__",
        "__builtin__",
        "__doc__",
        "__spec__",
        "__loader__",
        "__package__",
    ):
        assert hidden not in names, hidden
    assert {
        "x",
        "j",
        "df",
        "big",
        "_private",
        "trap_calls",
        "TrapMeta",
        "Trap",
        "NotNumpy",
        "trap",
        "not_numpy",
        "y",
    } == names


def test_probe_changes_nothing(kernel, run):
    _, kc = kernel
    run(drain_iopub(kc))
    before = run(kernel_state(kc))
    run(drain_iopub(kc))
    sent: list[dict[str, Any]] = []
    original = kc.execute

    def recording_execute(code, **kwargs):  # a spy on what is sent; the kernel is real
        sent.append({"code": code, **kwargs})
        return original(code, **kwargs)

    kc.execute = recording_execute
    try:
        snap = run(probe(kc))
    finally:
        del kc.execute
    assert snap.status == "ok", snap.error
    iopub = run(_iopub_until_idle(kc))
    after = run(kernel_state(kc))

    assert before == after  # dir(), count, In/Out, _/__/___, ids of every value, trap untouched
    assert before["trap_calls"] == []
    assert snap.execution_count == before["count"] - 1

    # exactly one request: empty code, silent, no history, no stdin, the query in user_expressions
    assert len(sent) == 1
    request = sent[0]
    assert request["code"] == ""
    assert request["silent"] is True and request["store_history"] is False and request["allow_stdin"] is False
    assert list(request["user_expressions"].values()) == [PROBE_USER_EXPRESSION]
    # iopub: busy and idle only, nothing displayed or printed
    assert [(m["msg_type"], m["content"].get("execution_state")) for m in iopub] == [
        ("status", "busy"),
        ("status", "idle"),
    ]


async def _iopub_until_idle(kc) -> list[dict[str, Any]]:
    msgs = []
    while True:
        msg = await kc.get_iopub_msg(timeout=10)
        msgs.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return msgs


def test_trap_never_touched(kernel, run):
    _, kc = kernel
    for _ in range(3):
        assert run(probe(kc)).status == "ok"
    assert run(kernel_state(kc))["trap_calls"] == []
    # the trap does record when touched (so the assertion above means something)
    run(execute(kc, "try:\n    len(trap)\nexcept RuntimeError:\n    pass\ngetattr(trap, 'nbytes', None)"))
    assert run(kernel_state(kc))["trap_calls"] == [["__len__"], ["__getattr__", "nbytes"]]
    run(execute(kc, "trap_calls.clear()"))


def test_history_and_count(kernel, run):
    _, kc = kernel
    snap = run(probe(kc))
    # other tests of this module may have run cells after the setup ones
    assert snap.execution_count >= len(SETUP_CELLS)
    assert sorted(snap.history) == list(range(1, snap.execution_count + 1))
    assert {k: v for k, v in snap.history.items() if k <= len(SETUP_CELLS)} == {
        i + 1: src for i, src in enumerate(SETUP_CELLS)
    }
    assert snap.history[7] == "%time y = 2"  # raw source, not the transformed one
    run(execute(kc, "z = 3\n\n"))
    again = run(probe(kc))
    assert again.execution_count == snap.execution_count + 1
    assert again.history[again.execution_count] == "z = 3"  # IPython strips trailing newlines
    run(execute(kc, "del z"))


def test_history_cap_keeps_most_recent(kernel, run):
    _, kc = kernel
    full = run(probe(kc)).history
    n = max(full)
    snap = run(probe(kc, max_history_chars=len(full[n]) + len(full[n - 1])))
    assert snap.history == {n - 1: full[n - 1], n: full[n]}
    # a cell that does not fit stops the history there, even if older ones would fit
    snap = run(probe(kc, max_history_chars=len(full[n]) + len(full[n - 1]) - 1))
    assert snap.history == {n: full[n]}
    assert run(probe(kc, max_history_chars=0)).history == {}


def test_truncated(kernel, run):
    _, kc = kernel
    snap = run(probe(kc, max_names=2))
    assert snap.status == "ok"
    assert [e.name for e in snap.names] == ["x", "j"]
    assert snap.truncated is True
    n = len(run(probe(kc)).names)
    exact = run(probe(kc, max_names=n))
    assert len(exact.names) == n and exact.truncated is False  # exactly fits
    assert run(probe(kc, max_names=n - 1)).truncated is True


def test_numpy_size_from_nbytes(kernel, run):
    _, kc = kernel
    run(execute(kc, "import numpy as _np\narr = _np.ones(1000)\nscalar = _np.float32(1)"))
    try:
        names = by_name(run(probe(kc)))
        assert (names["arr"].type, names["arr"].module, names["arr"].size) == ("ndarray", "numpy", 8000)
        assert names["scalar"].size == 4
    finally:
        run(execute(kc, "del _np, arr, scalar"))


def test_concurrent_probes_share_one_client(kernel, run):
    _, kc = kernel

    async def both():
        return await asyncio.gather(
            probe(kc, timeout=5), probe(kc, timeout=5), kernel_distributions(kc, ["jupyter_client"], timeout=10)
        )

    a, b, dists = run(both())
    assert a.status == b.status == "ok"
    assert [e.name for e in a.names] == [e.name for e in b.names]
    assert len(dists["jupyter_client"]) == 1


def test_snapshot_is_json_roundtrip(kernel, run):
    _, kc = kernel
    snap = run(probe(kc))
    again = KernelSnapshot.model_validate(json.loads(snap.model_dump_json()))
    assert again == snap


def test_kernel_distributions(kernel, run):
    _, kc = kernel
    before = run(kernel_state(kc))
    dists = run(kernel_distributions(kc, ["json", "jupyter_client", "nosuchmod", "os.path"]))
    assert run(kernel_state(kc)) == before
    assert set(dists) == {"json", "jupyter_client", "nosuchmod", "os.path"}
    assert dists["json"] == [] and dists["nosuchmod"] == [] and dists["os.path"] == []
    [(name, version)] = dists["jupyter_client"]
    assert name.replace("-", "_").lower() == "jupyter_client"
    assert version == jupyter_client.__version__


def test_shadowed_builtins_do_not_matter(kernel, run):
    _, kc = kernel
    shadowed = ["type", "id", "len", "list", "dict", "str", "isinstance", "getattr", "exec", "locals", "sys", "gc"]
    run(execute(kc, "\n".join(f"{n} = None" for n in shadowed)))
    try:
        snap = run(probe(kc))
        assert snap.status == "ok", snap.error
        names = by_name(snap)
        assert all(names[n].type == "NoneType" for n in shadowed)
        assert names["x"].type == "int"
        assert run(kernel_distributions(kc, ["jupyter_client"]))["jupyter_client"]
    finally:
        run(execute(kc, "del " + ", ".join(shadowed)))


def test_user_import_and_builtins_are_never_called(kernel, run):
    """The user's `__import__` and a replaced `__builtins__` entry: the expression looks up no
    name, so neither is reached (the probe used to call a global `__import__`)."""
    _, kc = kernel
    run(
        execute(
            kc,
            textwrap.dedent("""\
        import builtins as _real_builtins
        def __import__(name, *args, **kwargs):
            trap_calls.append(("__import__", name))
            return _real_builtins.__import__(name, *args, **kwargs)
        def _trap_exec(*args, **kwargs):
            trap_calls.append(("exec",))
        __builtins__ = dict(vars(_real_builtins), __import__=__import__, exec=_trap_exec)"""),
        )
    )
    try:
        snap = run(probe(kc))
        assert snap.status == "ok", snap.error
        assert run(kernel_distributions(kc, ["jupyter_client"]))["jupyter_client"]
        assert by_name(snap)["x"].type == "int"
    finally:
        run(execute(kc, "__builtins__ = _real_builtins\ndel __import__, _trap_exec, _real_builtins"))
    assert run(kernel_state(kc))["trap_calls"] == []


# --------------------------------------------------------------------------- busy / dead
def test_busy_kernel(run):
    async def scenario():
        km, kc = await _start()
        try:
            sleep_id = kc.execute("import time; time.sleep(30)")
            await asyncio.sleep(0.3)  # let the cell start
            t0 = time.perf_counter()
            snap = await probe(kc, timeout=1)
            waited = time.perf_counter() - t0
            assert snap.status == "busy", snap
            assert waited < 1.5 and snap.elapsed_ms < 1500
            assert snap.names == [] and snap.error
            assert await kernel_distributions(kc, ["json"], timeout=0.5) is None  # unknown, not []
            await km.interrupt_kernel()
            while True:
                msg = await kc.get_shell_msg(timeout=30)
                if msg["parent_header"].get("msg_id") == sleep_id:
                    assert msg["content"]["status"] == "error"
                    break
            # the queued probe's late reply is discarded; a new probe works
            deadline = time.monotonic() + 10
            while True:
                snap = await probe(kc, timeout=2)
                if snap.status == "ok" or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.2)
            assert snap.status == "ok", snap
            assert snap.history[1] == "import time; time.sleep(30)"
        finally:
            await _stop(km, kc)

    run(scenario())


def test_dead_kernel(run):
    async def scenario():
        km, kc = await _start()
        try:
            assert (await probe(kc)).status == "ok"
            await km.shutdown_kernel(now=True)
            t0 = time.perf_counter()
            snap = await probe(kc, timeout=1)
            assert snap.status == "dead" and snap.error
            assert time.perf_counter() - t0 < 1.5
            assert await kernel_distributions(kc, ["json"]) is None
            kc.stop_channels()
            snap = await probe(kc, timeout=1)
            assert snap.status in ("dead", "unavailable") and snap.error
        finally:
            await _stop(km, kc)

    run(scenario())


def test_no_kernel(run):
    snap = run(probe(None))
    assert snap.status == "none" and snap.error
    assert run(kernel_distributions(None, ["json"])) is None


# --------------------------------------------------------------------------- not Python
ECHO_KERNEL = """
from ipykernel.kernelbase import Kernel

class EchoKernel(Kernel):
    implementation = "echo"
    implementation_version = "1.0"
    language_info = {"name": "echo", "mimetype": "text/plain", "file_extension": ".txt"}
    banner = "echo"

    async def do_execute(self, code, silent, store_history=True, user_expressions=None,
                         allow_stdin=False, *, cell_meta=None, cell_id=None):
        return {"status": "ok", "execution_count": self.execution_count, "payload": [],
                "user_expressions": {k: {"status": "error", "ename": "SyntaxError",
                                         "evalue": "not echo", "traceback": []}
                                     for k in (user_expressions or {})}}

if __name__ == "__main__":
    from ipykernel.kernelapp import IPKernelApp
    IPKernelApp.launch_instance(kernel_class=EchoKernel)
"""


def test_not_python_kernel(run, tmp_path: Path, monkeypatch):
    """A real (non-Python) wrapper kernel that cannot evaluate the expression."""
    (tmp_path / "echo_kernel.py").write_text(ECHO_KERNEL)
    spec = tmp_path / "kernels" / "readiness_echo"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, str(tmp_path / "echo_kernel.py"), "-f", "{connection_file}"],
                "display_name": "echo",
                "language": "echo",
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path) + os.pathsep + os.environ.get("JUPYTER_PATH", ""))

    async def scenario():
        km, kc = await _start("readiness_echo")
        try:
            snap = await probe(kc)
            assert snap.status == "not-python", snap
            assert "echo" in snap.error
            assert await kernel_distributions(kc, ["json"]) is None
        finally:
            await _stop(km, kc)

    run(scenario())


# --------------------------------------------------------------------------- hostile namespaces
# A kernel of its own: these cells patch sys, register formatters for `object` and leave names
# no ordinary notebook has.
HOSTILE_CELLS = [
    "x = 1",
    textwrap.dedent(
        """\
        import sys, time
        import numpy as np
        import pandas as pd
        from pandas.api.extensions import ExtensionArray, ExtensionDtype

        trap_calls = []

        def _slow(what):
            trap_calls.append(what)
            time.sleep(2)

        class FakeNumpy:
            __module__ = "numpy"
            @property
            def nbytes(self):
                _slow("FakeNumpy.nbytes")
                return 1
            def __sizeof__(self):
                _slow("FakeNumpy.__sizeof__")
                return 1

        class FakePandas:
            __module__ = "pandas.core.series"
            __qualname__ = "Series"
            @property
            def nbytes(self):
                _slow("FakePandas.nbytes")
                return 1

        class OwnArray(np.ndarray):
            @property
            def nbytes(self):
                _slow("OwnArray.nbytes")
                return 1

        class Meta(type):
            def __eq__(cls, other):
                trap_calls.append("Meta.__eq__")
                return False
            def __hash__(cls):
                trap_calls.append("Meta.__hash__")
                return 0
            def __getattr__(cls, name):
                trap_calls.append(("Meta.__getattr__", name))
                raise AttributeError(name)

        class Sneaky(np.ndarray, metaclass=Meta):
            pass

        class TrapDtype(ExtensionDtype):
            name = "readiness-trap"
            type = object
            kind = "O"
            @classmethod
            def construct_array_type(cls):
                return TrapArray

        class TrapArray(ExtensionArray):
            def __init__(self, values):
                self._values = np.asarray(values, dtype=object)
            @classmethod
            def _from_sequence(cls, scalars, *, dtype=None, copy=False):
                return cls(scalars)
            @property
            def dtype(self):
                return TrapDtype()
            def __len__(self):
                return len(self._values)
            def __getitem__(self, item):
                return self._values[item] if isinstance(item, int) else TrapArray(self._values[item])
            def isna(self):
                return np.zeros(len(self._values), dtype=bool)
            def copy(self):
                return TrapArray(self._values.copy())
            def take(self, indices, *, allow_fill=False, fill_value=None):
                return TrapArray(self._values.take(indices))
            @classmethod
            def _concat_same_type(cls, to_concat):
                return cls(np.concatenate([a._values for a in to_concat]))
            @property
            def nbytes(self):
                _slow("TrapArray.nbytes")
                return 1

        fake_numpy = FakeNumpy()
        fake_pandas = FakePandas()
        own_array = np.ones(10).view(OwnArray)
        sneaky = np.ones(4).view(Sneaky)
        plain_subclass = np.ones(3).view(type("PlainSubclass", (np.ndarray,), {}))
        arr = np.ones(1000)
        scalar = np.float32(1)
        series = pd.Series([1, 2, 3])
        trap_array = TrapArray([1, 2])
        trap_series = pd.Series(trap_array)
        masked = pd.array([1, 2, None])
        frame = pd.DataFrame({"a": [1]})
        trap_calls.clear()"""
    ),
    textwrap.dedent(
        """\
        _real_getsizeof = sys.getsizeof
        def _slow_getsizeof(obj, *default):
            _slow("sys.getsizeof")
            return 1
        sys.getsizeof = _slow_getsizeof"""
    ),
    textwrap.dedent(
        """\
        class Key(str):
            def __hash__(self):
                trap_calls.append("Key.__hash__")
                return str.__hash__(self)
            def __eq__(self, other):
                trap_calls.append("Key.__eq__")
                return str.__eq__(self, other)

        class Odd:
            pass
        Odd.__qualname__ = "Odd\\udc80"
        odd = Odd()
        globals()["\\ud800"] = 1
        globals()["caf\\udce9"] = 2
        globals()[1] = "a key that is not a name"
        globals()[("a", "tuple")] = 3
        globals()[Key("subclassed_key")] = 4
        after = 5
        trap_calls.clear()"""
    ),
]


@pytest.fixture(scope="module")
def hostile(runner):
    km, kc = runner.run(_start())
    try:
        for cell in HOSTILE_CELLS:
            runner.run(execute(kc, cell))
        yield km, kc
    finally:
        runner.run(_stop(km, kc))


# keys that are not str (or hash through user code) in the namespace: listed without hashing
HOSTILE_STATE = (
    "(lambda d: type('S', (), {'_repr_json_': lambda self: d})())({"
    "'trap_calls': list(trap_calls),"
    "'keys': [repr(k) for k in list(globals())],"
    "'ids': [id(v) for v in list(globals().values())],"
    "'count': get_ipython().execution_count,"
    "})"
)


async def hostile_state(kc) -> dict[str, Any]:
    msg_id = kc.execute("", silent=True, store_history=False, user_expressions={"s": HOSTILE_STATE})
    while True:
        msg = await kc.get_shell_msg(timeout=30)
        if msg["parent_header"].get("msg_id") == msg_id:
            break
    ue = msg["content"]["user_expressions"]["s"]
    assert ue["status"] == "ok", ue
    return ue["data"]["application/json"]


def test_hostile_namespace_is_read_without_calling_user_code(hostile, run):
    _, kc = hostile
    before = run(hostile_state(kc))
    t0 = time.perf_counter()
    snap = run(probe(kc, timeout=1))
    assert time.perf_counter() - t0 < 0.5  # nothing slow ran (each trap sleeps 2 s)
    assert snap.status == "ok", snap.error
    after = run(hostile_state(kc))
    assert after == before and after["trap_calls"] == []
    names = by_name(snap)
    # numpy/pandas only by identity with the real classes, never by __module__
    assert (names["fake_numpy"].module, names["fake_numpy"].size) == ("numpy", None)
    assert (names["fake_pandas"].type, names["fake_pandas"].size) == ("Series", None)
    assert names["own_array"].size is None  # overrides nbytes: not read
    assert names["sneaky"].size == 32  # numpy's own C nbytes, metaclass untouched
    assert names["plain_subclass"].size == 24
    assert (names["arr"].size, names["scalar"].size, names["series"].size) == (8000, 4, 24)
    assert names["masked"].size == 27  # pandas' own IntegerArray: data + mask
    assert names["trap_array"].size is None and names["trap_series"].size is None
    assert names["frame"].size is None
    # the replaced sys.getsizeof is not called: the same sizes from the types' own __sizeof__
    assert (names["x"].size, names["after"].size) == (sys.getsizeof(1), sys.getsizeof(5))
    assert names["trap_calls"].size == sys.getsizeof([])


def test_names_that_cannot_travel_as_utf8_are_escaped(hostile, run):
    _, kc = hostile
    snap = run(probe(kc))
    assert snap.status == "ok", snap.error
    names = by_name(snap)
    assert names["\\ud800"].escaped and names["caf\\udce9"].escaped
    assert names["\\ud800"].type == "int" and not names["x"].escaped
    assert names["odd"].type == "Odd\\udc80"
    assert "subclassed_key" not in names  # keys that are not exactly str are not names
    order = [e.name for e in snap.names]
    assert order[-1] == "after" and "x" in order
    json.loads(snap.model_dump_json())
    assert run(hostile_state(kc))["trap_calls"] == []


async def _iopub_of(kc, msg_id: str) -> list[str]:
    """The iopub message types of one request, up to its idle status."""
    types_seen = []
    while True:
        msg = await kc.get_iopub_msg(timeout=10)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        types_seen.append(msg["msg_type"])
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return types_seen


HOOKS = textwrap.dedent(
    """\
    import ast
    hook_calls = []
    _ip = get_ipython()
    def _recorder(what):
        return lambda *args, **kwargs: hook_calls.append(what)
    for _event in ("pre_execute", "pre_run_cell", "post_execute", "post_run_cell"):
        _ip.events.register(_event, _recorder(_event))
    _ip.input_transformers_cleanup.append(lambda lines: (hook_calls.append("input_transformers_cleanup"), lines)[1])
    _ip.input_transformers_post.append(lambda lines: (hook_calls.append("input_transformers_post"), lines)[1])
    class _AstRecorder(ast.NodeTransformer):
        def visit(self, node):
            hook_calls.append("ast_transformer")
            return node
    _ip.ast_transformers.append(_AstRecorder())
    _formatters = dict(_ip.display_formatter.formatters)
    _formatters["ipython_display"] = _ip.display_formatter.ipython_display_formatter
    _formatters["mimebundle"] = _ip.display_formatter.mimebundle_formatter
    for _mime, _formatter in _formatters.items():
        _formatter.for_type(object, _recorder("formatter " + _mime))"""
)


def test_what_an_execute_request_triggers(run, tmp_path):
    """User formatters (registered for `object`, the widest net) never see the probe's reply; the
    hooks an execute_request runs anyway are the ones the module docstring lists."""

    async def scenario():
        km, kc = await _start()
        try:
            await execute(kc, HOOKS)

            async def calls_between(action) -> list[str]:
                # hook_calls from the end of one cell to the start of the next, with `action`
                # between them; the difference of two such runs is what `action` triggered
                await execute(kc, "hook_calls.clear()")
                await action()
                out = tmp_path / "calls.json"
                await execute(kc, f"import json as _json; open({str(out)!r}, 'w').write(_json.dumps(hook_calls))")
                return json.loads(out.read_text())

            async def nothing():
                pass

            async def one_probe():
                snap = await probe(kc, timeout=5)
                assert snap.status == "ok", snap.error
                assert "x" not in by_name(snap)

            async def user_expression():  # the formatters do fire on an ordinary object
                msg_id = kc.execute("", silent=True, store_history=False, user_expressions={"o": "object()"})
                await _iopub_of(kc, msg_id)

            baseline = collections.Counter(await calls_between(nothing))
            triggered = collections.Counter(await calls_between(one_probe)) - baseline
            assert not [c for c in triggered if c.startswith("formatter")], triggered
            assert triggered["post_execute"] == 1
            assert not {"pre_execute", "pre_run_cell", "post_run_cell", "ast_transformer"} & set(triggered)
            assert set(triggered) <= {"post_execute", "input_transformers_cleanup", "input_transformers_post"}
            ordinary = collections.Counter(await calls_between(user_expression)) - baseline
            assert [c for c in ordinary if c.startswith("formatter")], ordinary  # the recorders are live
        finally:
            await _stop(km, kc)

    run(scenario())
