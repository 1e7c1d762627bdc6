"""The object every kernel-side request evaluates to (runs INSIDE the kernel; see
``server/probe.py`` for how it gets there).

IPython answers a ``user_expressions`` entry with the mime bundle its display formatter makes of
the value, so the value is a :class:`JsonReply` whose ``_repr_mimebundle_`` hands over data that
is already computed: the reply carries ``application/json`` that is a real JSON object, and no
printed repr is ever parsed.

User-registered formatters never see it. IPython's formatters look a registered printer up by
``getattr(obj, "__class__", None)``, then walk that class's ``__mro__``, so a printer registered
for ``object`` (or by module and name) would run on every probe. ``JsonReply.__class__`` is a
property that answers an instance of :class:`NotAType`: it has no ``__mro__``, IPython's fallback
(``type(name, (it, object), {})``) raises ``TypeError`` and it looks at that one object only,
which is registered nowhere (a new class per request: the texts are exec'd afresh each time).
The reply is then formatted by its own ``_repr_mimebundle_`` and ``_repr_json_`` only.

Standard library only, Python >= 3.8 syntax, no annotations and no ``from __future__`` (the
server concatenates this text with the request's own module).
"""


class NotAType:
    """What a :class:`JsonReply` claims as its class to IPython's formatter lookup: not a type."""

    __slots__ = ()
    #: read by IPython as ``(cls.__module__, cls.__name__)`` for printers deferred by name
    __name__ = "jupyterlab_readiness reply (not a type)"


class _Answer:
    """A descriptor that answers ``value`` whatever the instance: bound now, because the globals
    this text runs in are cleared once the request has its result, before IPython formats it
    (and not a ``property``: no builtin is looked up by name)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __get__(self, instance, owner=None):
        return self.value


class JsonReply:
    """``data`` (JSON-ready) for IPython's display formatter, ``label`` for a person."""

    __slots__ = ("_data", "_label")

    def __init__(self, data, label):
        self._data = data
        self._label = label

    __class__ = _Answer(NotAType())

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"application/json": self._data, "text/plain": self.__repr__()}

    def _repr_json_(self):  # when the mimebundle formatter is disabled
        return self._data

    def __repr__(self):
        return f"<jupyterlab_readiness {self._label}>"
