"""The calls that read the wall clock: one catalogue for the check that flags them and for the
export that turns them into its run-date parameter (and names the ones it leaves)."""

from __future__ import annotations

from collections.abc import Sequence

# Calls that return the current date/time whatever their arguments.
_ALWAYS = frozenset(
    {
        "datetime.datetime.now",
        "datetime.datetime.today",
        "datetime.datetime.utcnow",
        "datetime.date.today",
        "time.time",
        "time.time_ns",
        "pandas.Timestamp.now",
        "pandas.Timestamp.today",
        "pandas.Timestamp.utcnow",
        "pandas.datetime.now",
        "pandas.datetime.today",
        "arrow.now",
        "arrow.utcnow",
        "pendulum.now",
        "pendulum.today",
        "pendulum.yesterday",
        "pendulum.tomorrow",
        "numpy.datetime64.now",
    }
)
# Pure given their argument: time.localtime(secs), gmtime(secs), ctime(secs), asctime(t) and
# strftime(format, t) read the clock only without it.
_WITHOUT_ARGUMENT = {"time.localtime": 0, "time.gmtime": 0, "time.ctime": 0, "time.asctime": 0, "time.strftime": 1}
# Calls that read the clock when their first argument is the string "now", "today" …
NOW_STRING_CALLS = frozenset(
    {"pandas.Timestamp", "pandas.to_datetime", "numpy.datetime64", "pandas.Period", "arrow.get"}
)
_NOW_WORDS = frozenset({"now", "today", "yesterday", "tomorrow"})

# Every call that may read the clock, depending on its arguments.
MAY_READ_CLOCK = _ALWAYS | frozenset(_WITHOUT_ARGUMENT) | NOW_STRING_CALLS


def reads_clock(qualname: str, args: Sequence[object], keywords: bool) -> bool:
    """Whether calling ``qualname`` (aliases resolved) reads the clock; ``args`` are the positional
    arguments' values where they are literals (a string constant as a ``str``; anything computed as
    any other object), ``keywords`` whether any keyword argument is given."""
    if qualname in _ALWAYS:
        return True
    allowed = _WITHOUT_ARGUMENT.get(qualname)
    if allowed is not None:
        return len(args) <= allowed and not keywords
    if qualname in NOW_STRING_CALLS:
        return bool(args) and says_now(args[0])
    return False


def says_now(value: object) -> bool:
    """Whether a literal argument names the clock (``"now"``, ``" Today"``)."""
    return isinstance(value, str) and value.strip().lower() in _NOW_WORDS
