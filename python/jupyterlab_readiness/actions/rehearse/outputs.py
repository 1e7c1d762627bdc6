"""Cell outputs made comparable: saved outputs against a fresh run's, and one run's against another's.

What is compared, per cell, in order: the standard output (consecutive chunks joined, carriage
returns and backspaces applied as a terminal would), results and displays by their ``text/plain``
(else ``text/html``, ``text/markdown``, ``text/latex``), images as present/absent with their size
in pixels (PNG, JPEG and GIF headers; within 10 % or 4 px, as fonts and renderers differ between
machines, or both sides scaled alike by up to 1.5 — the same figure at another dpi: the inline backend
drew at 72 dpi until it stopped overriding matplotlib's 100 in 2022, ipython/matplotlib-inline#14),
and errors by ``ename: evalue``. Not compared: standard error (warnings, progress
bars, library chatter, whose text varies with versions and terminals) and other MIME types, which
count as present/absent only.

Images sent by JupyterLab arrive as placeholders (``<image/png 12345 bytes, 640x480>``: the
frontend never sends image bytes, only their MIME type, size and, for PNG, GIF and JPEG, pixel
dimensions) and compare with a fresh run's images like the images themselves.

Sanitised before comparing, so that they never count as a difference: ANSI colours, memory
addresses (``0x7f3a…``), object ids (``id=140…``), UUIDs, durations (``1.2 s``, ``6ms/step``,
``[00:01<00:02, 9.5it/s]``, a number of 4 decimals or more after a label such as "time:", "elapsed=" or "took")
and a rate on the same line (``(0.1 Hz)``, ``12.5 MB/s``), the
notebook's folder (its scratch copy and the real one both read ``<folder>``) and temporary paths
(``/tmp/…``, ``/var/folders/…/T/…``, ``%TEMP%``). Whole lines of IPython's timing magics: a
``%timeit`` result in either IPython's format (``3 ms ± 41 µs per loop (mean ± std. dev. of 7
runs, 100 loops each)``, before IPython 5 ``100 loops, best of 3: 3 ms per loop``), its "The
slowest run took …" warning and ``%time``'s "Compiler :" / "Parser   :" lines (printed only when
slow), and ``%time``'s "CPU times:" / "Wall time:" lines (their layout differs by platform).
Profiler tables (``cProfile.run``, ``pstats``): their time columns; the rows of a table ordered
by a time are sorted (the order is the times'), and those of a time-ordered table cut to its first
rows are dropped (which rows make the cut is the times' too). matplotlib's ``Axes`` and ``Figure``
handles, a plotting cell's last value, read ``<Axes>`` / ``<Figure>`` whatever the version's
``repr`` (``<matplotlib.axes._subplots.AxesSubplot at 0x…>``, ``<AxesSubplot:>``, ``<Axes: >``):
the figure itself is compared as an image. NumPy 2's scalar reprs read as NumPy 1 printed them
(``np.float64(662.64)`` as ``662.64``, ``np.True_`` as ``True``, ``np.complex128(1+2j)`` as
``(1+2j)``; ``numpy.datetime64(…)`` as ``np.datetime64(…)``): saved outputs made before NumPy 2
are the same values.
"""

from __future__ import annotations

import base64
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ...checks.secrets import redact

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,16}\b")
_OBJECT_ID = re.compile(r"\b(id\s*[=:]\s*)\d{8,}\b")
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
_STYLER_ID = re.compile(r"\bT_[0-9a-f]{5,}")  # pandas Styler's table ids
# A time per step counts as a duration too (Keras' "6ms/step", "11.2 sec/puzzle").
_DURATION = re.compile(
    r"(?<![\w.])\d+(?:[.,]\d+)?\s?(?:ns|µs|μs|us|ms|s|sec|secs|seconds?|min|mins|minutes?|h|hours?)"
    r"(?:/[A-Za-z]+)?(?![\w/])"
)
# tqdm's "[elapsed<remaining, rate]" (the rate in its unit: it/s, s/it, 1.2kit/s, 3.4MB/s, ?it/s), or a bare rate.
_TQDM = re.compile(r"\[\d+:\d\d(?::\d\d)?<[\d:?]+(?:,[^\]\n]*)?\]|\b[\d.]+\s?(?:it/s|s/it)\b")
# A rate, on a line holding a duration: it is derived from it ("11.2 sec/puzzle (0.1 Hz)").
_RATE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?\s?(?:[kMG]?Hz|[A-Za-z]+/s(?:ec)?)(?![\w/])")
_TIMED_LINES = re.compile(
    r"^[^\n]* per loop \(mean ± std\. dev\. of \d+ runs?, [\d,]+ loops? each\)[ \t]*$"
    r"|^[\d,]+ loops?, best of \d+: [^\n]* per loop[ \t]*$",
    re.MULTILINE,
)
_TIMING_CHATTER = re.compile(
    r"^(?:The slowest run took [^\n]* times longer than the fastest\.[^\n]*|(?:Compiler|Parser)\s*: [^\n]*)(?:\n|$)",
    re.MULTILINE,
)
_NUMPY_REAL = re.compile(
    r"\bnp\.(?:u?int(?:8|16|32|64|c|p)?|u?longlong|u?short|u?byte|float(?:16|32|64|96|128)?|half|single|double"
    r"|longdouble|bool|str_|bytes_)\(([^()]*)\)"
)
_NUMPY_COMPLEX = re.compile(r"\bnp\.(?:complex(?:64|128|192|256)?|csingle|cdouble|clongdouble)\(([^()]*)\)")
_NUMPY_BOOL = re.compile(r"\bnp\.(True|False)_\b")
_NUMPY_TIME = re.compile(r"\bnumpy\.(datetime64|timedelta64)\(")
# A bare number of seconds after a label that says it is one ("Tuple time:  0.0081288", "took
# 1.23456"): a measured duration prints many decimals, a result labelled so rarely does. The label
# needs its colon or equals sign: a Series of means has a "duration    12.34567" row.
_LABELLED_SECONDS = re.compile(
    r"(\b(?:time|times|elapsed|duration|runtime|seconds|secs)\b'?\s*[:=][^\d\n]{0,6}?|\btook\s+)"
    r"(?:\d+\.\d{4,}(?:e-?\d+)?|\d+(?:\.\d+)?e-?\d+)",
    re.IGNORECASE,
)
_SECONDS_LABEL = re.compile(r"(?i:time|took|elapsed|duration|sec)")
_TIME_MAGIC = re.compile(r"^(CPU times|Wall time):[^\n]*", re.MULTILINE)
_PROFILE_ORDER = re.compile(r"^\s*Ordered by: ([^\n]*)$", re.MULTILINE)
_PROFILE_ROW = re.compile(r"^(\s*\d+(?:/\d+)?)(?:\s+\d+\.\d+){4}(\s+\S.*)$")
_AXES = re.compile(
    r"<(?:matplotlib\.[\w.]+\.)?(\w*?)(Axes|Figure)(?:Subplot)?"
    r"(?: at 0x[0-9a-fA-F]+|:[^<>\n]*| size [^<>\n]*)>"
)
_TEMP = re.compile(r"(?:/private)?(?:/tmp|/var/tmp|/dev/shm|/var/folders/[^\s/'\"]+/[^\s/'\"]+/T)/[^\s'\",)\]]*")
_WINDOWS_TEMP = re.compile(
    r"[A-Za-z]:\\{1,2}Users\\{1,2}[^\\\s]+\\{1,2}AppData\\{1,2}Local\\{1,2}Temp\\{1,2}[^\s'\",)\]]*", re.IGNORECASE
)
_BACKSPACE = re.compile("[^\n]\x08")  # a character then a backspace (nbclient's r"[^\n]\b" is a word boundary)
_CARRIAGE_RETURN = re.compile(r".*\r(?=[^\n])")
_TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "text/latex")
_IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
MAX_DIFF_LINES = 80
MAX_SCALE = 1.5  # another dpi (72, 96, 100): a twice larger image (a retina figure, a bigger figsize) differs
# What the frontend sends instead of a non-text MIME payload (src/slim.ts): type, bytes, pixels.
_PLACEHOLDER = re.compile(r"<([\w.+-]+/[\w.+-]+) (\d+) bytes(?:, (\d+)x(\d+))?>")


class Sanitiser:
    """Replaces what differs between runs without being a different result (see the module doc).
    ``folders``: absolute paths → placeholder (the scratch copy and the real folder → ``<folder>``)."""

    def __init__(self, folders: dict[str, str] | None = None, temp: list[str] | tuple[str, ...] = ()) -> None:
        """``temp``: more temporary folders (the kernels' own): a path under one reads ``<tmp>``."""
        self.folders = sorted(((p, r) for p, r in (folders or {}).items() if p), key=lambda item: -len(item[0]))
        roots = sorted({t.rstrip("/\\") for t in temp if t}, key=len, reverse=True)
        self.temp = (
            re.compile("(?:" + "|".join(re.escape(r) for r in roots) + r")(?:[/\\][^\s'\",)\]]*)?") if roots else None
        )

    def __call__(self, text: str) -> str:
        text = self.paths(_ANSI.sub("", text))
        text = _AXES.sub(r"<\1\2>", text)
        if "np." in text or "numpy." in text:
            text = _NUMPY_REAL.sub(r"\1", text)
            text = _NUMPY_COMPLEX.sub(r"(\1)", text)
            text = _NUMPY_BOOL.sub(r"\1", text)
            text = _NUMPY_TIME.sub(r"np.\1(", text)
        if " per loop" in text or "The slowest run" in text or "Compiler" in text or "Parser" in text:
            text = _TIMING_CHATTER.sub("", text)
            text = _TIMED_LINES.sub("<%timeit>", text)
        text = _TIME_MAGIC.sub(r"\1: <time>", text)
        text = _TEMP.sub("<tmp>", text)
        text = _WINDOWS_TEMP.sub("<tmp>", text)
        text = _ADDRESS.sub("0x…", text)
        text = _OBJECT_ID.sub(r"\1…", text)
        text = _UUID.sub("<uuid>", text)
        text = _STYLER_ID.sub("T_…", text)
        text = _TQDM.sub("<time>", text)
        text = _DURATION.sub("<time>", text)
        if _SECONDS_LABEL.search(text):  # a cheap look first: the labelled pattern is slow on long outputs
            text = _LABELLED_SECONDS.sub(r"\1<time>", text)
        if "<time>" in text:
            text = "\n".join(_RATE.sub("<rate>", line) if "<time>" in line else line for line in text.split("\n"))
        return _profile_tables(text)  # last: its rows are sorted as the other placeholders read

    def paths(self, text: str) -> str:
        """Only the folders and the kernels' temporary folders replaced: what a finding's message
        quotes from a run (an error's text, a path it wrote) shows no scratch or server path, and
        nothing else of it changes."""
        for path, placeholder in self.folders:
            text = text.replace(path, placeholder)
        if self.temp is not None:
            text = self.temp.sub("<tmp>", text)
        return text


def _profile_tables(text: str) -> str:
    """A profiler table without its times: each row's four time columns dropped; the rows of a
    table ordered by a time sorted, or dropped when the table shows only the first rows."""
    if "Ordered by:" not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    by_time = cut = False
    rows: list[str] = []

    def flush() -> None:
        if rows and not (by_time and cut):
            out.extend(sorted(rows) if by_time else rows)
        elif rows:
            out.append("<profile rows ordered by time>")
        rows.clear()

    for line in lines:
        order = _PROFILE_ORDER.match(line)
        if order is not None:
            flush()
            by_time, cut = "time" in order.group(1), False
        elif line.lstrip().startswith("List reduced from"):
            cut = True
        row = _PROFILE_ROW.match(line)
        if row is not None:
            rows.append(row.group(1) + row.group(2))
            continue
        flush()
        out.append(line)
    flush()
    return "\n".join(out)


@dataclass(frozen=True, slots=True)
class Item:
    """One comparable piece of a cell's output."""

    kind: str  # "stdout" | "result" | "display" | "error" | "image"
    text: str
    size: tuple[int, int] | None = None  # images: (width, height) in pixels when known

    def same_as(self, other: Item) -> bool:
        if self.kind != other.kind:
            return False
        if self.kind != "image":
            return self.text == other.text
        if self.text.strip("[]").split(" ", 1)[0] != other.text.strip("[]").split(" ", 1)[0]:  # the MIME type
            return False
        if self.size is None or other.size is None:
            return True
        if all(abs(a - b) <= max(4, 0.1 * max(a, b)) for a, b in zip(self.size, other.size, strict=True)):
            return True
        (w1, h1), (w2, h2) = self.size, other.size
        if min(w1, h1, w2, h2) <= 0:
            return False
        scale = w1 / w2
        return 1 / MAX_SCALE <= scale <= MAX_SCALE and abs(scale - h1 / h2) <= 0.03 * max(scale, h1 / h2)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return "" if value is None else str(value)


def _terminal(text: str) -> str:
    old = None
    while old != text:
        old, text = text, _BACKSPACE.sub("", text)
    return _CARRIAGE_RETURN.sub("", text)


def comparable(outputs: Iterable[Any], sanitise: Sanitiser) -> list[Item]:
    """A cell's outputs (nbformat 4 dicts; nbformat 3 names accepted) as comparable items."""
    items: list[Item] = []
    stdout: list[str] = []

    def flush() -> None:
        if stdout:
            items.append(Item("stdout", sanitise(_terminal("".join(stdout)))))
            stdout.clear()

    for out in outputs or ():
        if not isinstance(out, dict):
            continue
        kind = out.get("output_type")
        if kind == "stream":
            if out.get("name", "stdout") == "stdout":
                stdout.append(_text(out.get("text")))
            continue  # stderr is not compared, and does not split stdout
        flush()
        if kind in ("execute_result", "display_data", "pyout"):
            data = out.get("data") if isinstance(out.get("data"), dict) else {}
            if kind == "pyout":  # nbformat 3 keeps MIME data at the top level
                data = {"text/plain": out.get("text"), **{k: v for k, v in out.items() if "/" in k}}
            for mime in _IMAGE_MIMES:
                if mime in data:
                    size = image_size(mime, _text(data[mime]))
                    items.append(Item("image", f"[{mime} {size[0]}×{size[1]}]" if size else f"[{mime}]", size))
            text = next((_text(data[m]) for m in _TEXT_MIMES if data.get(m)), None)
            label = "result" if kind != "display_data" else "display"
            if text is not None:
                items.append(Item(label, sanitise(text)))
            else:
                others = sorted(m for m in data if m not in _IMAGE_MIMES)
                if others:
                    items.append(Item(label, f"[{', '.join(others)}]"))
        elif kind in ("error", "pyerr"):
            items.append(Item("error", sanitise(f"{_text(out.get('ename'))}: {_text(out.get('evalue'))}")))
    flush()
    return items


def same(a: list[Item], b: list[Item]) -> bool:
    return len(a) == len(b) and all(x.same_as(y) for x, y in zip(a, b, strict=True))


def lines(items: list[Item]) -> list[str]:
    out: list[str] = []
    for item in items:
        out.extend(item.text.splitlines() or [""])
    return out


MAX_DIFFED_LINES = 2000  # difflib is quadratic at worst: huge outputs are diffed on their start


def diff(a: list[Item], b: list[Item], a_label: str, b_label: str) -> str:
    """A unified diff of the two outputs' lines, at most MAX_DIFF_LINES lines, credentials masked
    (it goes into the reply and the record in ``.readiness/``, which may be shared)."""
    text = list(
        difflib.unified_diff(
            lines(a)[:MAX_DIFFED_LINES], lines(b)[:MAX_DIFFED_LINES], a_label, b_label, n=1, lineterm=""
        )
    )
    if len(text) > MAX_DIFF_LINES:
        text = [*text[:MAX_DIFF_LINES], f"… ({len(text) - MAX_DIFF_LINES} more diff lines)"]
    return redact("\n".join(text))


def first_difference(a: list[Item], b: list[Item]) -> tuple[str, str]:
    """The first line that differs in each (``""`` where one output has no such line), shortened."""
    la, lb = lines(a), lines(b)
    for x, y in zip(la, lb, strict=False):  # the shorter one's lines
        if x != y:
            return _short_pair(x, y)
    if len(la) == len(lb):  # same lines: an image's size differs
        for x, y in zip(a, b, strict=False):  # the same lines may still be split into other items
            if not x.same_as(y):
                return _short(x.text), _short(y.text)
        return "", ""
    return (_short(la[len(lb)]), "") if len(la) > len(lb) else ("", _short(lb[len(la)]))


_DTYPE = re.compile(r"dtype='([^'\n]+)'|dtype: (\S+)")
_OLD_INDEX = re.compile(r"\b(?:Int64|UInt64|Float64)Index\(")  # pandas < 2's names of Index


def dtypes_only(a: list[Item], b: list[Item]) -> tuple[str, str] | None:
    """The first pair of dtypes that differ when nothing else does but the layout (pandas 2 and 3
    changed dtypes the same data gets: datetime64[ns] → [us], Int64Index → Index of int32), else None."""

    def shape(items: list[Item]) -> tuple[list[str], list[str]]:
        text = "\n".join(i.text for i in items)
        dtypes = [m.group(1) or m.group(2) for m in _DTYPE.finditer(text)]
        rest = _OLD_INDEX.sub("Index(", _DTYPE.sub("dtype", text))
        return dtypes, rest.split()

    if [i.kind for i in a] != [i.kind for i in b]:
        return None
    (types_a, rest_a), (types_b, rest_b) = shape(a), shape(b)
    if rest_a != rest_b or len(types_a) != len(types_b):
        return None
    return next(((x, y) for x, y in zip(types_a, types_b, strict=True) if x != y), None)


_TOKEN = re.compile(r"\w+|[^\w\s]")


def reordered(a: list[Item], b: list[Item]) -> bool:
    """The same values, in another order (a set's or a dict's iteration order changed)."""
    tokens_a = [t for item in a for t in _TOKEN.findall(item.text)]
    tokens_b = [t for item in b for t in _TOKEN.findall(item.text)]
    return tokens_a != tokens_b and sorted(tokens_a) == sorted(tokens_b)


def _short(text: str, width: int = 60) -> str:
    text = text.strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def _short_pair(x: str, y: str, width: int = 60) -> tuple[str, str]:
    """Two differing lines shortened alike, so that both show where they differ: a long common
    start (a wide table row, a long list) is cut from both, leaving a little before the difference."""
    x, y = x.strip(), y.strip()
    common = next((i for i, (a, b) in enumerate(zip(x, y, strict=False)) if a != b), min(len(x), len(y)))
    if common < width - 10:
        return _short(x, width), _short(y, width)
    start = common - 20
    return _short("…" + x[start:], width), _short("…" + y[start:], width)


def image_size(mime: str, data: str) -> tuple[int, int] | None:
    """Width and height from a base64 PNG, GIF or JPEG's header (or from the frontend's
    placeholder); None when not found."""
    placeholder = _PLACEHOLDER.fullmatch(data.strip())
    if placeholder is not None:
        width, height = placeholder.group(3, 4)
        return (int(width), int(height)) if width and height else None
    compact = "".join(data.split())
    try:
        if mime == "image/png":
            head = base64.b64decode(compact[:44] + "=" * (-len(compact[:44]) % 4))
            if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
                return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
        elif mime == "image/gif":
            head = base64.b64decode(compact[:16])
            if head[:3] == b"GIF":
                return int.from_bytes(head[6:8], "little"), int.from_bytes(head[8:10], "little")
        elif mime == "image/jpeg":
            return _jpeg_size(base64.b64decode(compact))
    except (ValueError, TypeError):
        return None
    return None


def _jpeg_size(raw: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 9 < len(raw):
        if raw[at] != 0xFF:
            return None
        marker = raw[at + 1]
        length = int.from_bytes(raw[at + 2 : at + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            return int.from_bytes(raw[at + 7 : at + 9], "big"), int.from_bytes(raw[at + 5 : at + 7], "big")
        at += 2 + length
    return None
