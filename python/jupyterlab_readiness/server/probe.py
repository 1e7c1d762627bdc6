"""Kernel probe: one silent request that reads a live kernel's namespace and history.

The rules (``DESIGN.md``, "The kernel probe — rules"):

* ONE ``execute_request`` with empty code, ``silent=True``, ``store_history=False``,
  ``allow_stdin=False``; the query travels in ``user_expressions``. The user's namespace is
  neither added to nor changed (``dir()``, ``_``/``__``/``___``/``Out`` are untouched), the
  execution count does not move and nothing is published on iopub except busy/idle.
* The kernel may run another Python than the server, so the query is *text* that uses only the
  standard library (Python ≥ 3.6 syntax, no f-strings), and import → distribution resolution
  happens in the kernel (:func:`kernel_distributions`).
* A printed repr is never parsed. IPython answers ``user_expressions`` with a mime bundle made by
  its display formatter, so the expression evaluates to an instance of a throwaway class with
  ``_repr_json_`` (and ``_repr_mimebundle_``) returning the already-computed data: the reply
  carries ``application/json`` data that is a real JSON object.
* Names, types, sizes and ids are read, never values: ``sys.getsizeof`` only on exact builtin
  types (shallow, O(1)), ``nbytes`` only on numpy/pandas classes that define it (looked up on the
  type, so a user ``__getattr__`` never runs); anything else has ``size`` null.

How the expression works
------------------------
A Python expression cannot hold ``try``/``except``, and one odd object (a property that raises)
must not void the whole probe. So the expression is::

    (lambda b, g: (b.exec(SOURCE, g), g.pop("result"), g.clear())[1])(
        __import__("builtins"), {"__builtins__": __import__("builtins"), "user_ns": <locals()>, ...})

``SOURCE`` (a string literal inside the expression) runs in ``g``, a fresh dict that is thrown
away with the lambda (and cleared, so its functions do not linger as reference cycles): every
helper name lives there, none in the user's namespace. ``locals()``
evaluated at the expression's top level is the namespace IPython passed to ``eval`` — the user's.
Builtins are reached through ``__import__("builtins")``, so a user variable called ``type``,
``id`` or ``list`` changes nothing. The data is computed before the result object is returned;
``_repr_json_`` only hands it over, so the display formatter cannot fail (a failing formatter
would print a traceback into the notebook).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import queue
import time
import weakref
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

__all__ = [
    "DISTRIBUTIONS_USER_EXPRESSION",
    "PROBE_USER_EXPRESSION",
    "KernelSnapshot",
    "KernelStatus",
    "NamespaceEntry",
    "distributions_expression",
    "kernel_distributions",
    "probe",
    "probe_expression",
]

KernelStatus = Literal["ok", "busy", "dead", "unavailable", "not-python", "none"]

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


# --------------------------------------------------------------------------- kernel-side code
# Runs INSIDE the kernel, in a private globals dict (see the module docstring). Only the standard
# library, syntax of Python ≥ 3.6, no f-strings. Inputs (globals): user_ns, max_names,
# max_history_chars. Output: the global `result`.
_NAMESPACE_SOURCE = r"""
import sys

def _probe(user_ns, max_names, max_history_chars):
    _type = type
    _id = id
    _getsizeof = sys.getsizeof
    # descriptors of `type` itself: read a class's name/module/mro/dict without going through
    # its metaclass (a metaclass __getattribute__/__getattr__ never runs)
    _qualname = type.__dict__["__qualname__"].__get__
    _modname = type.__dict__["__module__"].__get__
    _mro = type.__dict__["__mro__"].__get__
    _tdict = type.__dict__["__dict__"].__get__
    # exact builtin types whose sys.getsizeof is shallow and O(1); compared by id, so a
    # metaclass __eq__/__hash__ never runs
    shallow = set(_id(t) for t in (int, float, complex, bool, str, bytes, bytearray, list, tuple,
                                   dict, set, frozenset, type(None), range, slice))

    ip = None
    try:
        mod = sys.modules.get("IPython")
        if mod is not None:
            ip = mod.get_ipython()
    except Exception:
        ip = None
    hidden = set()
    try:
        h = getattr(ip, "user_ns_hidden", None)
        if _type(h) is dict:
            hidden = set(k for k in h if _type(k) is str)
    except Exception:
        pass
    hidden.update(("_", "__", "___", "_i", "_ii", "_iii", "_oh", "_ih", "_dh", "In", "Out",
                   "exit", "quit", "get_ipython", "__builtin__", "__builtins__", "__name__",
                   "__doc__", "__package__", "__loader__", "__spec__"))

    def ipython_name(n):
        # _N (output history) and _iN (input history)
        if n[:1] != "_":
            return False
        rest = n[2:] if n[1:2] == "i" else n[1:]
        return rest.isdigit() and rest.isascii() if hasattr(rest, "isascii") else rest.isdigit()

    def nbytes_of(t, m):
        # the class attribute `nbytes` of a numpy/pandas type (looked up on the type, never on
        # the instance), or None
        if m is None or not (m == "numpy" or m.startswith("numpy.") or m == "pandas"
                             or m.startswith("pandas.")):
            return None
        for k in _mro(t):
            d = _tdict(k)
            if "nbytes" in d:
                attr = d["nbytes"]
                if getattr(_type(attr), "__get__", None) is None:
                    return None
                return attr
        return None

    def as_int(r):
        if _type(r) is int:
            return r
        rm = _modname(_type(r))
        if _type(rm) is str and (rm == "numpy" or rm.startswith("numpy.")) and hasattr(_type(r), "__index__"):
            return int(r)
        return None

    if isinstance(user_ns, dict):
        items = list(dict.items(user_ns))
    else:
        items = list(user_ns.items())
    # columns, not one list per name: fewer allocations, smaller JSON; types interned in a table
    names = []
    type_index = []
    sizes = []
    ids = []
    types = []        # [[qualname, module], ...]
    type_info = {}    # id(type) -> (index in types, shallow?, nbytes descriptor or None)
    truncated = False
    for n, v in items:
        if _type(n) is not str or n in hidden or ipython_name(n):
            continue
        if len(names) >= max_names:
            truncated = True
            break
        t = _type(v)
        info = type_info.get(_id(t))
        if info is None:
            try:
                tn = _qualname(t)
            except Exception:
                tn = "?"
            try:
                m = _modname(t)
                if _type(m) is not str:
                    m = None
            except Exception:
                m = None
            try:
                nb = nbytes_of(t, m)
            except Exception:
                nb = None
            info = (len(types), _id(t) in shallow, nb)
            types.append([tn, m])
            type_info[_id(t)] = info
        s = None
        if info[1]:
            s = _getsizeof(v)
        elif info[2] is not None:
            try:
                s = as_int(_type(info[2]).__get__(info[2], v, t))
            except Exception:
                s = None
        names.append(n)
        type_index.append(info[0])
        sizes.append(s)
        ids.append(_id(v))

    count = None
    history = {}
    history_complete = True
    if ip is not None:
        try:
            c = ip.execution_count
            if _type(c) is int:
                count = c - 1
        except Exception:
            pass
        try:
            raw = ip.history_manager.input_hist_raw
            total = 0
            i = len(raw) - 1
            while i >= 1:
                src = raw[i]
                if _type(src) is not str:
                    src = str(src)
                total += len(src)
                if total > max_history_chars:
                    history_complete = False
                    break
                history[str(i)] = src
                i -= 1
        except Exception:
            pass
    return {"v": 1, "execution_count": count, "names": names, "type_index": type_index,
            "types": types, "sizes": sizes, "ids": ids, "truncated": truncated,
            "history": history, "history_complete": history_complete, "python": sys.version}


def _probe_without_gc(user_ns, max_names, max_history_chars):
    # the probe allocates tens of thousands of small objects on a big heap: a collection
    # triggered by them would cost more than the probe; the collector's state is restored
    import gc
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _probe(user_ns, max_names, max_history_chars)
    finally:
        if enabled:
            gc.enable()


result = JsonResult(_probe_without_gc(user_ns, max_names, max_history_chars), "probe")
"""

_DISTRIBUTIONS_SOURCE = r"""
import sys

def _distributions(modules):
    try:
        import importlib.metadata as md
    except ImportError:
        try:
            import importlib_metadata as md
        except ImportError:
            return {"v": 1, "error": "importlib.metadata is not available in the kernel",
                    "distributions": {}}
    stdlib = set(getattr(sys, "stdlib_module_names", ())) | set(sys.builtin_module_names)
    pd = getattr(md, "packages_distributions", None)
    if pd is not None:
        mapping = pd()
    else:
        # Python < 3.10: the same inference as importlib.metadata.packages_distributions
        mapping = {}
        for dist in md.distributions():
            try:
                name = dist.metadata["Name"]
                tops = (dist.read_text("top_level.txt") or "").split()
                if not tops:
                    for f in (dist.files or ()):
                        parts = f.parts
                        if len(parts) > 1:
                            if parts[0].endswith(".dist-info") or parts[0].endswith(".egg-info") or parts[0] == "..":
                                continue
                            tops.append(parts[0])
                        elif f.suffix == ".py":
                            tops.append(f.stem)
                for top in set(tops):
                    mapping.setdefault(top, []).append(name)
            except Exception:
                continue
    versions = {}
    out = {}
    for module in modules:
        top = module.split(".")[0]
        found = []
        if top and top not in stdlib:
            seen = set()
            for dist in mapping.get(top, ()):
                if not isinstance(dist, str) or dist in seen:
                    continue
                seen.add(dist)
                if dist not in versions:
                    try:
                        versions[dist] = md.version(dist)
                    except Exception:
                        versions[dist] = None
                if versions[dist] is not None:
                    found.append([dist, versions[dist]])
        out[module] = found
    return {"v": 1, "error": None, "distributions": out}

"""


# Both requests answer with this: IPython's display formatter turns it into an application/json
# bundle, so the reply carries real JSON and nothing ever parses a printed repr.
_RESULT_SOURCE = r"""
class JsonResult(object):
    __slots__ = ("_data", "_label")

    def __init__(self, data, label):
        self._data = data
        self._label = label

    def _repr_json_(self):
        return self._data

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"application/json": self._data, "text/plain": "<jupyterlab_readiness %s>" % self._label}

    def __repr__(self):
        return "<jupyterlab_readiness %s>" % self._label
"""


def _wrap(source: str, inputs: str) -> str:
    """The single expression: exec ``source`` in a throwaway dict, evaluate to its ``result``."""
    return (
        "(lambda b, g: (b.exec(" + repr(_RESULT_SOURCE + source) + ', g), g.pop("result"), g.clear())[1])'
        '(__import__("builtins"), {"__builtins__": __import__("builtins"), '
        '"__name__": "jupyterlab_readiness_probe", ' + inputs + "})"
    )


@functools.lru_cache(maxsize=16)
def probe_expression(max_names: int = 20000, max_history_chars: int = 1_000_000) -> str:
    """The user expression for these caps (``PROBE_USER_EXPRESSION`` is the default one)."""
    return _wrap(
        _NAMESPACE_SOURCE,
        '"user_ns": __import__("builtins").locals(), '
        f'"max_names": {int(max_names)}, "max_history_chars": {int(max_history_chars)}',
    )


def distributions_expression(modules: list[str]) -> str:
    """The user expression resolving ``modules`` to ``[distribution, version]`` in the kernel."""
    return _wrap(
        _DISTRIBUTIONS_SOURCE + 'result = JsonResult(_distributions(modules), "distributions")\n',
        '"modules": ' + repr([str(m) for m in modules]),
    )


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
    except Exception:
        return True  # cannot tell: do not call it dead


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
        except Exception as e:
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
        except Exception as e:
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
    except Exception:
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
    return [
        {"name": n, "type": table[i][0], "module": table[i][1], "size": s, "id": k}
        for n, i, s, k in zip(names, index, sizes, ids)
    ]


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


# ---------------------------------------------------------------------------------------------
# Freeze: exact versions for modules and installed names, and their installed dependency closure.
# The same standard-library source runs in the kernel (kernel_environment) or, without a kernel,
# in this process (local_environment).

_ENVIRONMENT_SOURCE = r"""
import re


def _environment(modules, dists, closure):
    try:
        import importlib.metadata as md
    except ImportError:
        import importlib_metadata as md
    found = _distributions(modules)
    versions = {}
    for name in dists:
        try:
            versions[name] = [md.distribution(name).metadata["Name"], md.version(name)]
        except Exception:
            versions[name] = None
    lock = None
    if closure:
        roots = [pair[0] for pairs in found["distributions"].values() for pair in pairs]
        roots += [pair[0] for pair in versions.values() if pair]
        lock = _closure(md, roots)
    python = "%d.%d" % __import__("sys").version_info[:2]
    return {"v": 1, "error": found.get("error"), "modules": found["distributions"], "versions": versions, "closure": lock, "python": python}


def _closure(md, roots):
    # Requirements whose markers do not hold here (another platform, an extra nobody asked for)
    # are not followed; packaging evaluates markers when the environment has it.
    marker_class = None
    for where in ("packaging.markers", "pip._vendor.packaging.markers"):
        try:
            marker_class = __import__(where, fromlist=["Marker"]).Marker
            break
        except Exception:
            pass
    name_re = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
    seen = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        try:
            dist = md.distribution(name)
        except Exception:
            continue
        seen[key] = [dist.metadata["Name"], dist.version]
        for requirement in dist.requires or ():
            spec, _, marker = requirement.partition(";")
            marker = marker.strip()
            if marker:
                if marker_class is None:
                    if "extra" in marker:
                        continue
                else:
                    try:
                        if not marker_class(marker).evaluate({"extra": ""}):
                            continue
                    except Exception:
                        continue
            match = name_re.match(spec)
            if match:
                todo.append(match.group(1))
    return sorted(seen.values(), key=lambda pair: pair[0].lower())
"""


def _environment_inputs(modules: list[str], dists: list[str], closure: bool) -> str:
    return (
        f'"modules": {[str(m) for m in modules]!r}, "dists": {[str(d) for d in dists]!r}, "closure": {bool(closure)!r}'
    )


async def kernel_environment(
    client: Any, modules: list[str], dists: list[str], *, closure: bool, timeout: float = 10.0
) -> dict[str, Any] | None:
    """Versions for ``modules`` (via their distributions) and installed names ``dists``, plus the
    installed dependency closure when asked, all from the KERNEL's environment. None when the
    kernel cannot answer."""
    source = (
        _DISTRIBUTIONS_SOURCE
        + _ENVIRONMENT_SOURCE
        + 'result = JsonResult(_environment(modules, dists, closure), "environment")\n'
    )
    try:
        data, _ = await _evaluate(client, _wrap(source, _environment_inputs(modules, dists, closure)), timeout)
    except _KernelProblem:
        return None
    return None if data.get("error") else data


def local_environment(modules: list[str], dists: list[str], *, closure: bool) -> dict[str, Any]:
    """The same answer as kernel_environment, from this process's environment (the CLI)."""
    namespace: dict[str, Any] = {"__name__": "jupyterlab_readiness_environment"}
    exec(_DISTRIBUTIONS_SOURCE + _ENVIRONMENT_SOURCE, namespace)
    return namespace["_environment"](list(modules), list(dists), closure)
