"""Figures saved as PDF or SVG (matplotlib's ``savefig``, most plotting libraries): compared
without what changes on every save though the figure does not — a PDF's creation and modification
dates and its file ``/ID``, an SVG's ``<dc:date>`` and the element ids matplotlib salts at random
— so that a figure saved again unchanged is the same file, as a SQLite file rewritten with the
same rows is.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

MAX_BYTES = 50_000_000  # larger files are compared by their bytes only
MAX_SVG_IDS = 20_000  # an SVG with more ids is compared by its bytes (the renaming would be slow)

_PDF_MAGIC = b"%PDF-"
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\((?:[^()\\]|\\.)*\)")
_PDF_ID = re.compile(rb"/ID\s*\[\s*<[0-9A-Fa-f]*>\s*<[0-9A-Fa-f]*>\s*\]")
_SVG_DATE = re.compile(rb"<dc:date>[^<]*</dc:date>")
_SVG_ID = re.compile(rb'\bid="([^"<>&]+)"')


def stable_digest(path: Path) -> str | None:
    """The SHA-256 of a PDF or SVG file without its save dates and generated ids; None for any
    other file, or one too large."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        if path.suffix.lower() == ".svg":
            data = _svg(path.read_bytes())
        else:
            with path.open("rb") as handle:
                if handle.read(len(_PDF_MAGIC)) != _PDF_MAGIC:
                    return None
            data = _PDF_ID.sub(b"/ID []", _PDF_DATE.sub(rb"/\1 ()", path.read_bytes()))
    except OSError:
        return None
    return None if data is None else hashlib.sha256(data).hexdigest()


def _svg(data: bytes) -> bytes | None:
    """Without its date, each id renamed by the order it first appears in (references follow)."""
    data = _SVG_DATE.sub(b"<dc:date></dc:date>", data)
    ids = list(dict.fromkeys(_SVG_ID.findall(data)))
    if len(ids) > MAX_SVG_IDS:
        return None
    if not ids:
        return data
    names = {old: b"id%d" % number for number, old in enumerate(ids)}
    token = re.compile(
        rb"(?<![\w-])(" + b"|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + rb")(?![\w-])"
    )
    return token.sub(lambda match: names[match.group(1)], data)
