"""The namespace probe, kernel side: names, types, sizes and ids of the user's namespace, the
execution count and the input history (runs INSIDE the kernel; ``server/probe.py`` documents
the single expression that gets it there and what an execute_request triggers anyway).

Sent as text and exec'd in a private globals dict whose ``__builtins__`` is the interpreter's
builtins dict; importable as a plain module for tests and tools. Standard library only, Python
>= 3.8 syntax, no annotations and no ``from __future__`` (texts are concatenated).

It calls no code the user can reach or replace:

* ``type`` is reached from a literal (``().__class__.__class__``), never by name; every other
  built-in function it calls is checked to be the interpreter's own C function (its type is
  ``builtin_function_or_method`` and its C-level name matches: neither can be forged from
  Python). A replaced ``builtins.id`` makes the probe refuse, never call it.
* On user objects it reads only what C stores: ``type(v)`` and ``id(v)``; on their classes only
  ``type``'s own descriptors (``__qualname__``, ``__module__``, ``__mro__``, ``__dict__``, flags),
  so no metaclass ``__getattr__``/``__eq__``/``__hash__``, no ``__class__`` property, no
  ``__sizeof__``, ``__len__`` or ``nbytes`` of a user class ever runs. Types are compared with
  ``is`` and ids, never with ``==`` or ``in`` over user classes.
* Sizes: exact built-in scalars and containers get their shallow ``sys.getsizeof`` (O(1)), from
  the interpreter's own ``sys.getsizeof`` when ``sys.getsizeof`` is still it; when the user has
  replaced it, the same number is computed from the built-in type's own ``__sizeof__`` plus the
  garbage collector's header (identical on standard CPython builds). NumPy objects get
  ``nbytes`` when ``numpy.ndarray`` or ``numpy.generic`` -- the real classes, taken from
  ``sys.modules["numpy"]`` without importing anything -- is in the type's MRO *and* the
  ``nbytes`` the type resolves to is numpy's own C getter (a subclass overriding ``nbytes``
  gets null). A ``__module__ = "numpy"`` claim counts for nothing. pandas ``Series`` and
  ``Index`` (exact classes, by identity with ``sys.modules["pandas"]``'s) report the ``nbytes``
  of the array behind them when that is a NumPy array or one of pandas' own extension arrays
  (exact classes of ``pandas.arrays``; ``Categorical`` and ``IntervalArray`` excluded, they hold
  further arrays of any kind); a user ``ExtensionArray`` is never called. Everything else: null.
* Names that cannot travel as UTF-8 JSON (lone surrogates, e.g. ``globals()["\\ud800"] = 1``)
  are sent backslash-escaped and listed in ``escaped``; keys that are not exactly ``str`` are
  skipped. Type names, module names and history are escaped the same way.

Trusted, not defended: IPython's own objects (the shell found through ``sys.modules["IPython"]``,
its history manager), the modules ``sys.modules`` holds under ``sys``, ``IPython``, ``numpy``,
``pandas`` and ``pandas.arrays`` (code that replaces those entries, or monkeypatches IPython or
pandas classes, changes every caller in the kernel), and pandas' own ``Series._values``,
``Index._values`` and extension-array ``nbytes``.
"""

import gc
import sys

# ``type`` from a literal: no name lookup, so neither the user's namespace nor a replaced
# builtins module can hand over another one.
_type = ().__class__.__class__
_BUILTIN_FUNCTION = _type([].append)
_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class made by Python code, not by C
_HAVE_GC = 1 << 14  # Py_TPFLAGS_HAVE_GC: sys.getsizeof adds the collector's header
_TYPE_ATTRS = _type.__dict__
# type's own descriptors: read a class's data without going through its metaclass
_qualname = _TYPE_ATTRS["__qualname__"].__get__
_modname = _TYPE_ATTRS["__module__"].__get__
_mro = _TYPE_ATTRS["__mro__"].__get__
_class_dict = _TYPE_ATTRS["__dict__"].__get__
_flags = _TYPE_ATTRS["__flags__"].__get__
_tname = _TYPE_ATTRS["__name__"].__get__
_dict = _type({})
_str = _type("")
_int = _type(0)
_list = _type([])


def _refuse(what):
    """Stop the probe: a KeyError raised by C (no exception class is looked up by name)."""
    return {}.pop(f"{what} is replaced in this kernel: the probe does not call it")


def _own_function(function, name, module="builtins"):
    """``function`` if it is the interpreter's C function ``name``, else refuse."""
    if _type(function) is not _BUILTIN_FUNCTION or function.__name__ != name:
        _refuse(f"{module}.{name}")
    return function


def _own_type(cls, name):
    """``cls`` if it is a built-in (C, not heap) type called ``name``, else refuse."""
    if _type(cls) is not _type or _flags(cls) & _HEAPTYPE or _tname(cls) != name:
        _refuse(f"builtins.{name}")
    return cls


_id = _own_function(id, "id")
_len = _own_function(len, "len")
_Exception = _own_type(Exception, "Exception")
_UnicodeEncodeError = _own_type(UnicodeEncodeError, "UnicodeEncodeError")
_module_type = _type(_id.__self__)  # the builtins module's type: ModuleType
_module_attrs = _module_type.__dict__["__dict__"].__get__
_set = _type({0})
#: exact built-in types whose sys.getsizeof is shallow and O(1), by id
_SHALLOW = _set(
    _id(t)
    for t in (
        _int,
        _type(0.0),
        _type(0j),
        _type(True),
        _str,
        _type(b""),
        _list,
        _type(()),
        _dict,
        _set,
        _type(None),
        _own_type(bytearray, "bytearray"),
        _own_type(frozenset, "frozenset"),
        _own_type(range, "range"),
        _own_type(slice, "slice"),
    )
)
#: the collector's header that sys.getsizeof adds to a GC-tracked type (two words)
_GC_HEADER = 2 * _type(()).__itemsize__
#: IPython's own names (besides ``user_ns_hidden``), never the user's
_IPYTHON_NAMES = (
    "_",
    "__",
    "___",
    "_i",
    "_ii",
    "_iii",
    "_oh",
    "_ih",
    "_dh",
    "In",
    "Out",
    "exit",
    "quit",
    "get_ipython",
    "__builtin__",
    "__builtins__",
    "__name__",
    "__doc__",
    "__package__",
    "__loader__",
    "__spec__",
)
#: pandas extension arrays that hold further arrays of any kind: their nbytes is not read
_PANDAS_NESTED = ("Categorical", "IntervalArray")
#: pandas index classes whose ``_values`` is their own array (RangeIndex would build one)
_PANDAS_INDEXES = ("Index", "DatetimeIndex", "TimedeltaIndex", "PeriodIndex")


def _text(s):
    """``s`` (a str) as JSON can carry it in UTF-8, and whether it had to be escaped."""
    if s.isascii():
        return s, False
    try:
        s.encode("utf-8")
    except _UnicodeEncodeError:  # lone surrogates
        return s.encode("utf-8", "backslashreplace").decode("utf-8"), True
    return s, False


def _as_str(obj):
    """``obj`` as an exact str (a str subclass copied by str's own C code, so none of its methods
    run), or None when it is no str at all."""
    if _type(obj) is _str:
        return obj
    for k in _mro(_type(obj)):
        if k is _str:
            return _str.__str__(obj)
    return None


def _module_dict(modules, name):
    """The globals of the module ``sys.modules[name]`` if it is a plain module, else None."""
    module = _dict.get(modules, name)
    if _type(module) is not _module_type:
        return None
    found = _module_attrs(module)
    return found if _type(found) is _dict else None


def _sizeof():
    """The interpreter's ``sys.getsizeof`` if ``sys.getsizeof`` is still it, else None."""
    function = _dict.get(_module_attrs(sys), "getsizeof")
    if _type(function) is _BUILTIN_FUNCTION and function.__name__ == "getsizeof":
        return function
    return None


def _resolve(cls, attr):
    """The attribute ``attr`` as ``cls`` resolves it from its MRO's class dicts, or None."""
    for k in _mro(cls):
        found = _class_dict(k)
        if attr in found:
            return found[attr]
    return None


class _Sizes:
    """Which types get a size and how: looked up once per type."""

    def __init__(self, modules):
        self.getsizeof = _sizeof()
        # numpy: the real classes, and their own C nbytes getters
        self.numpy_bases = {}  # id(ndarray or generic) -> its nbytes getset
        numpy = _module_dict(modules, "numpy")
        for name in ("ndarray", "generic"):
            cls = _dict.get(numpy, name) if numpy is not None else None
            if _type(cls) is _type and not _flags(cls) & _HEAPTYPE:
                getter = _class_dict(cls).get("nbytes")
                if getter is not None:
                    self.numpy_bases[_id(cls)] = getter
        # pandas: the real Series / Index classes and pandas' own extension arrays, by id
        self.pandas_holders = _set()
        self.pandas_arrays = _set()
        pandas = _module_dict(modules, "pandas")
        arrays = _module_dict(modules, "pandas.arrays")
        if pandas is not None and arrays is not None:
            for name in ("Series", *_PANDAS_INDEXES):
                cls = _dict.get(pandas, name)
                if cls is not None:
                    self.pandas_holders.add(_id(cls))
            for name, cls in _list(_dict.items(arrays)):
                if _type(name) is _str and name[:1] != "_" and name not in _PANDAS_NESTED:
                    self.pandas_arrays.add(_id(cls))

    def kind(self, t):
        """How a ``t`` gets its size: ("shallow", gc-tracked?), ("numpy", C getter),
        ("pandas", holds an array?) or None (null)."""
        if _id(t) in _SHALLOW:
            return ("shallow", _flags(t) & _HAVE_GC)
        if self.numpy_bases:
            for k in _mro(t):
                getter = self.numpy_bases.get(_id(k))
                if getter is not None:
                    # the nbytes t resolves to must be numpy's C getter, not an override
                    return ("numpy", getter) if _resolve(t, "nbytes") is getter else None
        if _id(t) in self.pandas_holders:
            return ("pandas", True)
        if _id(t) in self.pandas_arrays:
            return ("pandas", False)
        return None

    def size(self, v, t, kind):
        how = kind[0]
        if how == "shallow":
            if self.getsizeof is not None:
                return self.getsizeof(v)
            return _resolve(t, "__sizeof__")(v) + (_GC_HEADER if kind[1] else 0)
        if how == "numpy":
            return self._int(kind[1].__get__(v, t))
        # pandas: the array behind a Series/Index, then that array's own nbytes
        if kind[1]:
            v = v._values
            t = _type(v)
            inner = self.kind(t)
            if inner is None or inner[0] == "shallow" or (inner[0] == "pandas" and inner[1]):
                return None
            return self.size(v, t, inner)
        getter = _resolve(t, "nbytes")
        return None if getter is None else self._int(_type(getter).__get__(getter, v, t))

    def _int(self, n):
        if _type(n) is _int:
            return n
        # a numpy integer of numpy's own (C) scalar types: its conversion is C
        t = _type(n)
        kind = self.kind(t)
        if kind is not None and kind[0] == "numpy" and not _flags(t) & _HEAPTYPE:
            return _int(n)
        return None


def _shell(modules):
    """IPython's shell, or None (plain Python, tests)."""
    ipython = _module_dict(modules, "IPython")
    get = _dict.get(ipython, "get_ipython") if ipython is not None else None
    if get is None:
        return None
    try:
        return get()
    except _Exception:
        return None


def _hidden(shell):
    """Names IPython put in the namespace (``user_ns_hidden``) plus its usual ones."""
    hidden = _set(_IPYTHON_NAMES)
    try:
        names = shell.user_ns_hidden
    except _Exception:
        return hidden
    if _type(names) is _dict:
        for name in _list(names):
            if _type(name) is _str:
                hidden.add(name)
    return hidden


def _ipython_name(n):
    """``_N`` (output history) and ``_iN`` (input history)."""
    if n[:1] != "_":
        return False
    rest = n[2:] if n[1:2] == "i" else n[1:]
    return rest.isascii() and rest.isdigit()


def _history(shell, max_history_chars):
    """(count of the last cell run, {count: raw source}, complete?) -- most recent first."""
    count = None
    history = {}
    complete = True
    try:
        c = shell.execution_count
        if _type(c) is _int:
            count = c - 1
        raw = shell.history_manager.input_hist_raw
    except _Exception:
        return count, history, complete
    if _type(raw) is not _list:
        return count, history, complete
    total = 0
    i = _len(raw) - 1
    while i >= 1:
        source = raw[i]
        if _type(source) is _str:
            total += _len(source)
            if total > max_history_chars:
                complete = False
                break
            history[_str(i)] = _text(source)[0]
        i -= 1
    return count, history, complete


def _type_entry(t, sizes):
    """``[qualname, module]`` of a type and how its values get a size (type's own descriptors;
    a class may hold a str subclass there, or anything as ``__module__``)."""
    name = _text(_as_str(_qualname(t)))[0]
    module = _as_str(_modname(t))
    module = _text(module)[0] if module is not None else None
    try:
        kind = sizes.kind(t)
    except _Exception:
        kind = None
    return [name, module], kind


def _columns(items, hidden, sizes, max_names):
    """The name columns of the reply for ``items`` ((key, value) pairs of the namespace)."""
    names = []
    escaped = []
    type_index = []
    size_column = []
    ids = []
    types = []  # [[qualname, module], ...]
    type_info = {}  # id(type) -> (index in types, size kind or None, shallow sizeof or None)
    truncated = False
    # bound once: this loop runs for every name (tens of thousands)
    add_name, add_index, add_size, add_id = (
        names.append,
        type_index.append,
        size_column.append,
        ids.append,
    )
    get_info, size_of, ipython_name = type_info.get, sizes.size, _ipython_name
    shallow_sizeof = sizes.getsizeof
    for key, v in items:
        if _type(key) is not _str or key in hidden or (key[:1] == "_" and ipython_name(key)):
            continue
        if _len(names) >= max_names:
            truncated = True
            break
        t = _type(v)
        info = get_info(_id(t))
        if info is None:
            entry, kind = _type_entry(t, sizes)
            fast = shallow_sizeof if kind is not None and kind[0] == "shallow" else None
            info = type_info[_id(t)] = (_len(types), kind, fast)
            types.append(entry)
        if info[2] is not None:
            add_size(info[2](v))  # the interpreter's sys.getsizeof on an exact built-in type
        elif info[1] is not None:
            try:
                add_size(size_of(v, t, info[1]))
            except _Exception:
                add_size(None)
        else:
            add_size(None)
        if not key.isascii():
            key, was_escaped = _text(key)
            if was_escaped:
                escaped.append(_len(names))
        add_name(key)
        add_index(info[0])
        add_id(_id(v))
    return {
        "names": names,
        "escaped": escaped,
        "type_index": type_index,
        "types": types,
        "sizes": size_column,
        "ids": ids,
        "truncated": truncated,
    }


def snapshot(user_ns, shell, max_names, max_history_chars):
    """The probe's JSON object for the namespace ``user_ns`` (a dict) of ``shell`` (or None).

    Columns, not one dict per name (fewer allocations, smaller JSON); type names interned in a
    table. ``escaped`` lists the indices of names sent backslash-escaped.
    """
    sys_attrs = _module_attrs(sys)
    modules = _dict.get(sys_attrs, "modules")
    if _type(modules) is not _dict:
        modules = {}
    version = _dict.get(sys_attrs, "version")
    # dict's own items() (a dict subclass's overrides never run); another mapping: no names
    is_dict = False
    for k in _mro(_type(user_ns)):
        if k is _dict:
            is_dict = True
    items = _list(_dict.items(user_ns)) if is_dict else []
    hidden = _hidden(shell) if shell is not None else _set(_IPYTHON_NAMES)
    reply = _columns(items, hidden, _Sizes(modules), max_names)
    count, history, complete = _history(shell, max_history_chars) if shell is not None else (None, {}, True)
    reply.update(
        {
            "v": 1,
            "execution_count": count,
            "history": history,
            "history_complete": complete,
            "python": _text(version)[0] if _type(version) is _str else None,
        }
    )
    return reply


def probe(user_ns, max_names, max_history_chars):
    """:func:`snapshot` of ``user_ns`` in this process's IPython shell, with the garbage collector
    paused: tens of thousands of small allocations on a big heap would trigger a collection that
    costs more than the probe. The collector's state is restored."""
    attrs = _module_attrs(gc)
    isenabled = _own_function(_dict.get(attrs, "isenabled"), "isenabled", "gc")
    disable = _own_function(_dict.get(attrs, "disable"), "disable", "gc")
    enable = _own_function(_dict.get(attrs, "enable"), "enable", "gc")
    enabled = isenabled()
    disable()
    try:
        modules = _dict.get(_module_attrs(sys), "modules")
        shell = _shell(modules if _type(modules) is _dict else {})
        return snapshot(user_ns, shell, max_names, max_history_chars)
    finally:
        if enabled:
            enable()
