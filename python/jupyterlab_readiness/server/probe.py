"""Kernel probe: one silent request that reads a live kernel's namespace and history.

The rules (``DESIGN.md``, "The kernel probe — rules"):

* ONE ``execute_request`` with empty code, ``silent=True``, ``store_history=False``,
  ``allow_stdin=False``; the query travels in ``user_expressions``. The user's namespace is
  neither added to nor changed (``dir()``, ``_``/``__``/``___``/``Out`` are untouched), the
  execution count does not move and nothing is published on iopub except busy/idle.
* The kernel may run another Python than the server, so the code that runs in the kernel is
  *text*: the modules of ``jupyterlab_readiness.environment.kernel`` (``reply``, ``namespace``,
  ``distributions``: real, importable, standard-library-only modules in Python ≥ 3.8 syntax,
  read here as text once and cached), and import → distribution resolution happens in the kernel
  (:func:`kernel_distributions`).
* A printed repr is never parsed: the request evaluates to a ``JsonReply`` whose mime bundle is
  the already-computed ``application/json`` data (``kernel/reply.py``).
* Names, types, sizes and ids are read, never values, and no code the user can reach or replace
  runs (``kernel/namespace.py`` says exactly what is read and what is trusted).

How the expression reaches the real builtins
--------------------------------------------
IPython evaluates a user expression with ``eval(expression, user_global_ns, user_ns)``: every
name in it resolves through the user's namespace first and then through *its* ``__builtins__``
entry, which the user may replace too. ``__import__("builtins")`` is therefore the user's
``__import__`` if they defined one, and ``sys.modules`` is only reachable through an import. So
the expression looks up no name at all — only literals, lambda parameters, attribute reads on
interpreter types (generator, frame, dict, function) and calls of what those give. It is, in
outline::

    (lambda T, D, box: (
        box.append((lambda: (yield box[0].gi_frame.f_back))()),   # a generator that reads the
        (lambda here: ...)(box[0].send(None)),                    # frame that resumed it
    )[1])(().__class__.__class__, {}.__class__.get, [])

``here`` is the frame of the outer lambda. From it the expression walks ``f_back`` while the
frame's globals are the user's; the last such frame is the one ``eval`` made (its ``f_locals`` is
the user namespace IPython passed) and the next one is IPython's own ``user_expressions``, code
the user did not write, whose ``f_builtins`` is the interpreter's builtins dict as IPython was
bound to it when imported (a kernel that calls ``eval`` from C has no such frame: then the eval
frame's own builtins, the namespace's ``__builtins__``, are where ``exec`` is looked for). That
``exec`` is used only if it is the interpreter's own C function: ``type(f) is type([].append)``
and its C-level ``__name__`` is ``"exec"``, which Python code cannot forge. Its ``__self__`` is
then the ``builtins`` module itself, and *that* module's dict — not the dict it was found in —
becomes the builtins of the probe's code, after its ``__import__`` passes the same check.
Otherwise the expression raises a KeyError instead of calling anything (the probe answers
"unavailable"). Dicts are read with ``dict.get`` itself, so a dict subclass's ``__getitem__``
never runs. Then ``exec(SOURCE, g)`` runs the kernel module texts in ``g``, a fresh dict whose
``__builtins__`` is that dict; ``g`` holds every helper name, is cleared afterwards (so nothing
lingers as a reference cycle) and none of it lands in the user's namespace.

Limits of the route: it trusts the interpreter and IPython — the frame that calls ``eval``, the
contents of the ``builtins`` module (the probe's own code refuses to call a replaced
``builtins.exec``, ``__import__``, ``id``, ``len``…; IPython's code, which formats the reply,
calls whatever is there), the ``sys.modules`` entries for ``sys``, ``gc``, ``IPython``,
``numpy``, ``pandas`` and ``pandas.arrays``, and IPython's and pandas' own code. Code that
rewrites those changes every caller in the kernel, IPython included; the probe does not try to
outwit it. Dict lookups of the probe's own str keys (in class dicts, ``sys.modules``) compare
hashes first, so only a key crafted to collide with one of them could have its ``__eq__`` run.

What an execute_request triggers anyway
---------------------------------------
The probe is an ``execute_request``, so the kernel does what it does for every request before
the expression is evaluated (measured on IPython 8 / ipykernel 7): input transformers registered
in ``input_transformers_cleanup`` and ``input_transformers_post`` are called (twice) with the
empty cell, and ``post_execute`` callbacks run once (for example matplotlib-inline's
``flush_figures``, which has nothing to draw unless a figure is pending). ``pre_execute``,
``pre_run_cell`` and ``post_run_cell`` do not fire (empty code, ``silent=True``), AST transformers
and the display hook do not run, the execution count and history do not move, and IPython's
``last_execution_result`` becomes the probe's empty one. The reply object is formatted only by
its own methods: a display formatter the user registered — for ``object`` too — never sees it
(``kernel/reply.py``); only a formatter *class* replaced in IPython itself would.
"""

from __future__ import annotations

import ast
import asyncio
import functools
import gc
import queue
import time
import weakref
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ..contract.replies import KernelStatus

__all__ = [
    "DISTRIBUTIONS_USER_EXPRESSION",
    "PROBE_USER_EXPRESSION",
    "KernelSnapshot",
    "KernelStatus",
    "NamespaceEntry",
    "distributions_expression",
    "kernel_distributions",
    "kernel_environment",
    "kernel_source",
    "probe",
    "probe_expression",
]


#: the key of the probe's entry in ``user_expressions`` (anything unique to us would do)
EXPRESSION_KEY = "jupyterlab_readiness"
#: version of the JSON object the kernel-side code returns
PROTOCOL = 1


class NamespaceEntry(BaseModel):
    """One name of the user's namespace. Never its value."""

    model_config = ConfigDict(extra="forbid")

    name: str
    #: ``__qualname__`` of the value's type, e.g. ``int``, ``module``, ``DataFrame``, ``Outer.Inner``
    type: str
    #: ``__module__`` of the value's type, e.g. ``builtins``, ``numpy``, ``pandas.core.frame``;
    #: null when the type has no string ``__module__``
    module: str | None
    #: bytes: shallow ``sys.getsizeof`` for exact builtin scalars/containers, ``nbytes`` for
    #: numpy/pandas objects whose class defines it (ndarray, Series, Index …); otherwise null
    #: (a DataFrame has no ``nbytes``, so it is null too — computing it would be O(columns) or deep)
    size: int | None
    #: ``id()`` of the value in the kernel: tells whether two names hold the same object and
    #: whether a name was rebound between two probes
    id: int
    #: True when the key cannot travel as UTF-8 (lone surrogates, e.g. ``globals()["\\ud800"]``):
    #: ``name`` is then its backslash-escaped form, e.g. the six characters ``\\ud800``
    escaped: bool = False


class KernelSnapshot(BaseModel):
    """What one probe saw. ``status`` says whether the other fields mean anything."""

    model_config = ConfigDict(extra="forbid")

    status: KernelStatus
    #: wall time of the probe call, server side (send → reply parsed, or → giving up)
    elapsed_ms: float
    #: the execution count of the LAST cell the kernel ran with history (the ``[n]`` shown on that
    #: cell, the ``execution_count`` of an execute_reply); the next cell runs as this + 1. 0 when
    #: nothing has run yet in this kernel session; null when unknown (status is not ok)
    execution_count: int | None = None
    #: user names in the namespace, in definition (dict insertion) order, IPython's own excluded
    names: list[NamespaceEntry] = []
    #: True when more names existed than ``max_names``; only the first ``max_names`` are listed
    truncated: bool = False
    #: execution count → the raw source the kernel ran for it (IPython's ``In``/raw input history
    #: of THIS kernel session; IPython strips trailing newlines). Capped to ``max_history_chars``
    #: in total, most recent kept: counts 1…execution_count all exist in the kernel, so missing
    #: low counts mean the cap was hit
    history: dict[int, str] = {}
    #: the kernel's ``sys.version``
    python: str | None = None
    #: why the status is not ok, for a person
    error: str | None = None


# --------------------------------------------------------------------------- the expression
@functools.cache
def kernel_source(name: str) -> str:
    """The text of the kernel-side module ``jupyterlab_readiness.environment.kernel.<name>``."""
    return resources.files("jupyterlab_readiness.environment.kernel").joinpath(f"{name}.py").read_text(encoding="utf-8")


def _docstring(node: ast.AST) -> ast.Expr | None:
    """The docstring statement of a module, class or function body (unless it is the body's only
    statement: that one must stay)."""
    body = getattr(node, "body", None) if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) else None
    if body and len(body) > 1:
        first = body[0]
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            return first
    return None


def _code_of(text: str) -> str:
    """The AST of ``text`` without docstrings, dumped: what the code does, not how it is laid out."""
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if _docstring(node) is not None:
            del node.body[0]  # type: ignore[attr-defined]
    return ast.dump(tree)


@functools.cache
def _sent_text(name: str) -> str:
    """``kernel_source(name)`` as sent: docstrings, comment lines and blank lines left out (the
    kernel compiles the text on every request; the code is the module's own, line for line).
    The full text when leaving lines out would change the code (a string spanning lines)."""
    text = kernel_source(name)
    drop: set[int] = set()
    for node in ast.walk(ast.parse(text)):
        docstring = _docstring(node)
        if docstring is not None:
            drop.update(range(docstring.lineno, (docstring.end_lineno or docstring.lineno) + 1))
    lines = [
        line
        for number, line in enumerate(text.splitlines(), 1)
        if number not in drop and line.strip() and not line.lstrip().startswith("#")
    ]
    compact = "\n".join(lines) + "\n"
    try:
        same = _code_of(compact) == _code_of(text)
    except SyntaxError:
        same = False
    return compact if same else text


# The single expression (see the module docstring). @SOURCE@ and @INPUTS@ are filled in by
# _wrap; nothing in it is a name lookup: T (type), D (dict.get), box, here, E, X, B, g, c, W and f
# are lambda parameters.
_REFUSE = "{}.pop('builtins.exec or builtins.__import__ is replaced in this kernel: the probe does not run')"
_BOOTSTRAP = (
    "(lambda T, D, box: ("
    # a generator that, while running, reads the frame that resumed it
    "box.append((lambda: (yield box[0].gi_frame.f_back))()), "
    "(lambda here: (lambda E: (lambda X: (lambda B: (lambda g: (X(@SOURCE@, g), g.pop('result'), g.clear(), "
    "box.clear())[1])("
    "{'__builtins__': B, '__name__': 'jupyterlab_readiness_probe', 'user_ns': E.f_locals, @INPUTS@})"
    " if T(D(B, '__import__')) is T([].append) and D(B, '__import__').__name__ == '__import__' else " + _REFUSE + ""
    # B: the builtins module's own dict, reached from the genuine exec
    ")(X.__self__.__dict__)"
    # X: exec from the builtins of the frame above the expression, if it is the C function
    ")((lambda c: c if T(c) is T([].append) and c.__name__ == 'exec' else "
    + _REFUSE
    + ")(D((E.f_back or E).f_builtins, 'exec')))"
    # E: the last frame running with the user's globals (the one eval made)
    ")((lambda W: W(W, here))(lambda W, f: f if f.f_back is None or f.f_back.f_globals is not here.f_globals else "
    "W(W, f.f_back)))"
    ")(box[0].send(None))"
    ")[1])(().__class__.__class__, {}.__class__.get, [])"
)


def _wrap(modules: tuple[str, ...], call: str, inputs: str) -> str:
    """The expression that runs the kernel modules' texts, then ``result = JsonReply(<call>)``,
    with ``inputs`` (dict entries) as globals, and evaluates to that result."""
    source = "".join(_sent_text(m) for m in ("reply", *modules)) + f"result = JsonReply({call})\n"
    return _BOOTSTRAP.replace("@SOURCE@", repr(source)).replace("@INPUTS@", inputs)


@functools.lru_cache(maxsize=16)
def probe_expression(max_names: int = 20000, max_history_chars: int = 1_000_000) -> str:
    """The user expression for these caps (``PROBE_USER_EXPRESSION`` is the default one)."""
    return _wrap(
        ("namespace",),
        'probe(user_ns, max_names, max_history_chars), "probe"',
        f"'max_names': {int(max_names)}, 'max_history_chars': {int(max_history_chars)}",
    )


def distributions_expression(modules: list[str]) -> str:
    """The user expression resolving ``modules`` to ``[distribution, version]`` in the kernel."""
    return _wrap(
        ("distributions",), 'distributions(modules), "distributions"', "'modules': " + repr([str(m) for m in modules])
    )


def environment_expression(modules: list[str], dists: list[str], closure: bool) -> str:
    """The user expression answering what freeze pins, from the kernel's environment."""
    inputs = (
        f"'modules': {[str(m) for m in modules]!r}, 'dists': {[str(d) for d in dists]!r}, 'closure': {bool(closure)!r}"
    )
    return _wrap(("distributions",), 'environment(modules, dists, closure), "environment"', inputs)


#: the probe's expression text with the default caps (20,000 names, 1,000,000 history chars)
PROBE_USER_EXPRESSION: str = probe_expression()
#: the distributions expression for an empty module list (the text ``kernel_distributions`` sends
#: differs only in the module list)
DISTRIBUTIONS_USER_EXPRESSION: str = distributions_expression([])


# --------------------------------------------------------------------------- server side
class _KernelProblem(Exception):
    """The request could not be answered; ``status`` says how, ``str()`` says why."""

    def __init__(self, status: KernelStatus, message: str):
        super().__init__(message)
        self.status = status


# One request at a time per client: replies are matched by msg_id and others are discarded, so
# two concurrent probes on one client would eat each other's replies.
_locks: weakref.WeakKeyDictionary[Any, asyncio.Lock] = weakref.WeakKeyDictionary()


def _lock_for(client: Any) -> asyncio.Lock:
    try:
        lock = _locks.get(client)
        if lock is None:
            lock = _locks[client] = asyncio.Lock()
        return lock
    except TypeError:  # not weak-referenceable: no sharing guard
        return asyncio.Lock()


async def _is_alive(client: Any) -> bool:
    try:
        return bool(await client.is_alive())
    except Exception:  # noqa: BLE001 - cannot tell: do not call it dead
        return True


async def _request(client: Any, expression: str, deadline: float) -> dict[str, Any]:
    """Send one silent execute_request carrying ``expression``; return its execute_reply content.

    Raises _KernelProblem (busy / dead / unavailable) instead of transport errors.
    """
    lock = _lock_for(client)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _KernelProblem("busy", "no time left to send the request")
    if lock.locked():
        try:
            await asyncio.wait_for(lock.acquire(), remaining)
        except asyncio.TimeoutError:
            raise _KernelProblem("busy", "another probe of this kernel is still waiting for its reply") from None
    else:
        await lock.acquire()  # free: taken at once
    try:
        if not getattr(client, "channels_running", True):
            raise _KernelProblem("unavailable", "the kernel client's channels are not running")
        if not await _is_alive(client):
            raise _KernelProblem("dead", "the kernel is not running")
        try:
            msg_id = client.execute(
                "",
                silent=True,
                store_history=False,
                user_expressions={EXPRESSION_KEY: expression},
                allow_stdin=False,
                stop_on_error=False,
            )
        except Exception as e:  # noqa: BLE001 - any failure to send is reported as unavailable
            raise _KernelProblem("unavailable", f"could not send the request: {type(e).__name__}: {e}") from None
        return await _wait_reply(client, msg_id, deadline, "execute_reply")
    finally:
        lock.release()


async def _wait_reply(client: Any, msg_id: str, deadline: float, msg_type: str) -> dict[str, Any]:
    """Read the shell channel until the reply to ``msg_id`` (others are stale: discarded)."""
    while True:
        remaining = deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise queue.Empty
            msg = await client.get_shell_msg(timeout=remaining)
        except queue.Empty:
            if not await _is_alive(client):
                raise _KernelProblem("dead", "the kernel died (no reply, process gone)") from None
            raise _KernelProblem(
                "busy",
                "no reply within the timeout: the kernel is running a cell "
                "(the probe is queued and will run later, silently)",
            ) from None
        except Exception as e:  # noqa: BLE001 - a channel error of any kind is reported, never raised
            alive = await _is_alive(client)
            raise _KernelProblem(
                "unavailable" if alive else "dead",
                f"kernel channel error: {type(e).__name__}: {e}",
            ) from None
        if not isinstance(msg, dict):
            continue
        if (msg.get("parent_header") or {}).get("msg_id") != msg_id:
            continue  # a reply to an earlier probe that timed out
        if msg.get("msg_type") != msg_type:
            continue
        content = msg.get("content")
        return content if isinstance(content, dict) else {}


async def _language(client: Any, deadline: float) -> str | None:
    """The kernel's ``language_info.name`` (a kernel_info round trip), or None if unknown."""
    try:
        msg_id = client.kernel_info()
        content = await _wait_reply(client, msg_id, deadline, "kernel_info_reply")
    except Exception:  # noqa: BLE001 - no language: the caller reports unavailable
        return None
    info = content.get("language_info") or {}
    name = info.get("name") if isinstance(info, dict) else None
    return name if isinstance(name, str) else None


async def _evaluate(client: Any, expression: str, timeout: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """Send ``expression``; return (its JSON data, the execute_reply content).

    Raises _KernelProblem; a failed expression becomes not-python / unavailable.
    """
    deadline = time.monotonic() + timeout
    content = await _request(client, expression, deadline)
    status = content.get("status")
    if status == "aborted":
        raise _KernelProblem("busy", "the kernel aborted the request (a cell failed while it was queued)")
    problem: str | None = None
    data: Any = None
    if status != "ok":
        problem = f"the kernel answered {status!r}: {content.get('ename', '')}: {content.get('evalue', '')}".rstrip(
            ": "
        )
    else:
        ue = (content.get("user_expressions") or {}).get(EXPRESSION_KEY)
        if not isinstance(ue, dict):
            problem = "the kernel did not evaluate the user expression"
        elif ue.get("status") != "ok":
            problem = f"the probe expression failed in the kernel: {ue.get('ename', '?')}: {ue.get('evalue', '')}"
        else:
            data = (ue.get("data") or {}).get("application/json")
            if not isinstance(data, dict) or data.get("v") != PROTOCOL:
                problem = "the kernel's reply has no application/json probe data"
    if problem is not None:
        # give the language question at least a short time of its own
        language = await _language(client, max(deadline, time.monotonic() + min(timeout, 1.0)))
        if language is not None and language.lower() != "python":
            raise _KernelProblem("not-python", f"the kernel's language is {language!r}, not Python ({problem})")
        raise _KernelProblem("unavailable", problem)
    return data, content


def _entries(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The kernel's columns (names, type_index → types table, sizes, ids) → one dict per name."""
    names, index, sizes, ids = data["names"], data["type_index"], data["sizes"], data["ids"]
    types = data["types"]
    if not (len(names) == len(index) == len(sizes) == len(ids)):
        raise ValueError("columns of different lengths")
    table = [(t[0], t[1]) for t in types]
    entries = [
        {"name": n, "type": table[i][0], "module": table[i][1], "size": s, "id": k}
        for n, i, s, k in zip(names, index, sizes, ids, strict=True)
    ]
    for i in data.get("escaped") or ():
        entries[i]["escaped"] = True
    return entries


def _snapshot(data: dict[str, Any], content: dict[str, Any]) -> KernelSnapshot:
    count = data.get("execution_count")
    if count is None:
        count = content.get("execution_count")
    # tens of thousands of small objects: keep the server's garbage collector out of it
    enabled = gc.isenabled()
    gc.disable()
    try:
        return KernelSnapshot.model_validate(
            {
                "status": "ok",
                "elapsed_ms": 0.0,
                "execution_count": count,
                "names": _entries(data),
                "truncated": bool(data.get("truncated")),
                "history": data.get("history") or {},
                "python": data.get("python"),
            }
        )
    finally:
        if enabled:
            gc.enable()


async def probe(
    client: Any,
    *,
    timeout: float = 1.0,
    max_names: int = 20000,
    max_history_chars: int = 1_000_000,
) -> KernelSnapshot:
    """Read the kernel's user namespace and input history with one silent request.

    ``client``: a started ``jupyter_client.asynchronous.AsyncKernelClient`` (channels started;
    only shell, and hb or a parent manager for liveness, are used), dedicated to probes — replies
    that are not ours are discarded. ``None`` gives ``status="none"``.

    Waits at most ``timeout`` seconds for the reply (``busy`` after that: the request stays
    queued behind the running cell and runs later, harmlessly). Never raises for kernel problems.
    """
    start = time.perf_counter()

    def elapsed() -> float:
        return (time.perf_counter() - start) * 1000.0

    if client is None:
        return KernelSnapshot(status="none", elapsed_ms=elapsed(), error="no kernel")
    try:
        data, content = await _evaluate(client, probe_expression(max_names, max_history_chars), timeout)
    except _KernelProblem as p:
        return KernelSnapshot(status=p.status, elapsed_ms=elapsed(), error=str(p))
    try:
        snapshot = _snapshot(data, content)
    except (ValidationError, TypeError, ValueError, KeyError, IndexError) as e:
        return KernelSnapshot(
            status="unavailable", elapsed_ms=elapsed(), error=f"malformed probe data from the kernel: {e}"
        )
    snapshot.elapsed_ms = elapsed()
    return snapshot


async def kernel_distributions(
    client: Any, modules: list[str], *, timeout: float = 5.0
) -> dict[str, list[tuple[str, str]]] | None:
    """Resolve import names to ``[(distribution, version), …]`` in the KERNEL's environment.

    One silent request (same rules as :func:`probe`) running
    ``importlib.metadata.packages_distributions()`` and ``importlib.metadata.version`` in the
    kernel. A dotted name is resolved by its top-level package; standard-library modules and
    modules no installed distribution provides map to ``[]``. Slower than :func:`probe` (it scans
    the installed distributions): cache the result.

    Never raises for kernel problems: if the kernel cannot answer (no client, busy, dead, not
    Python, no ``importlib.metadata`` …) the result is ``None`` — nothing was resolved, which the
    caller must not cache as "no distribution". An empty ``modules`` list gives ``{}``.
    """
    if client is None:
        return None
    if not modules:
        return {}
    try:
        data, _ = await _evaluate(client, distributions_expression(list(modules)), timeout)
    except _KernelProblem:
        return None
    found = data.get("distributions")
    if data.get("error") or not isinstance(found, dict):
        return None
    out: dict[str, list[tuple[str, str]]] = {}
    for module in modules:
        pairs = found.get(module) or []
        out[module] = [
            (str(p[0]), str(p[1]))
            for p in pairs
            if isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) and isinstance(p[1], str)
        ]
    return out


async def kernel_environment(
    client: Any, modules: list[str], dists: list[str], *, closure: bool, timeout: float = 10.0
) -> dict[str, Any] | None:
    """Versions for ``modules`` (via their distributions) and installed names ``dists``, plus the
    installed dependency closure when asked, all from the KERNEL's environment
    (``kernel/distributions.py``; :func:`local_environment` is the same answer from this
    process). None when the kernel cannot answer."""
    try:
        data, _ = await _evaluate(client, environment_expression(modules, dists, closure), timeout)
    except _KernelProblem:
        return None
    return None if data.get("error") else data
