"""Differences between the Python versions we support (3.10+), and the one way TOML's errors are
reported with them."""

import re

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

__all__ = ["toml_loads", "toml_place", "toml_problem", "tomllib"]


def toml_loads(text: str) -> dict:
    """``tomllib.loads``, where arrays or tables nested a few hundred deep are a TOMLDecodeError
    like any other invalid file (the parser recurses: Python's stack runs out first), and a
    leading byte-order mark (Windows editors write one) is read past, as Python reads source."""
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except RecursionError:
        raise tomllib.TOMLDecodeError("arrays or tables nested too deeply") from None


# tomllib (and tomli) put the place at the end of the message; moved to the front, a problem reads
# like the other mistakes reported in a file (``file:line: …``), which editors and CI logs link to.
_TOML_PLACE = re.compile(r"^(?P<what>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$", re.S)


def toml_problem(exc: Exception, shown: str, text: str) -> str:
    """``shown:line: not valid TOML: …`` for a TOMLDecodeError raised reading ``text``."""
    line, what = toml_place(exc, text)
    return f"{shown}:{line}: {what}" if line is not None else f"{shown}: {what}"


def toml_place(exc: Exception, text: str) -> tuple[int | None, str]:
    """(line, ``not valid TOML: …``) for a TOMLDecodeError raised reading ``text``; the line is
    None when the message gives no place."""
    message = str(exc)
    place = _TOML_PLACE.match(message)
    if place is None:
        return None, f"not valid TOML: {message}"
    if place["line"] is None:
        return max(1, len(text.splitlines())), f"not valid TOML: {place['what']} at the end of the file"
    return int(place["line"]), f"not valid TOML: {place['what']} (column {place['column']})"
