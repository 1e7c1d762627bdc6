"""Files compared without what changes on every save though their content does not, as a SQLite
file rewritten with the same rows is the same file:

- PDF and SVG figures (matplotlib's ``savefig``, most plotting libraries): a PDF's creation and
  modification dates and its file ``/ID``; an SVG's ``<dc:date>`` and the element ids matplotlib
  salts at random;
- gzip files (``to_csv('out.csv.gz')``): the time in the header;
- zip archives (``to_csv('out.zip')``, ``shutil.make_archive``): the members' times — each member
  counts by its name, CRC-32 and size;
- office documents, zips too (``.xlsx``/``.docx``/``.pptx`` from ``to_excel``, openpyxl,
  xlsxwriter, python-docx; ``.ods``/``.odt`` from odfpy): the dates of their properties part,
  written as the time of each save (``docProps/core.xml``: ``dcterms:created``,
  ``dcterms:modified``, ``cp:lastPrinted``; ``meta.xml``: ``meta:creation-date``, ``dc:date``,
  ``meta:print-date``, ``meta:editing-duration``) — that part counts by its content without them.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from pathlib import Path

MAX_BYTES = 50_000_000  # larger PDF, SVG and gzip files are compared by their bytes only
MAX_SVG_IDS = 20_000  # an SVG with more ids is compared by its bytes (the renaming would be slow)

_PDF_MAGIC = b"%PDF-"
_GZIP_MAGIC = b"\x1f\x8b\x08"
_ZIP_MAGIC = b"PK\x03\x04"
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\((?:[^()\\]|\\.)*\)")
_PDF_ID = re.compile(rb"/ID\s*\[\s*<[0-9A-Fa-f]*>\s*<[0-9A-Fa-f]*>\s*\]")
_SVG_DATE = re.compile(rb"<dc:date>[^<]*</dc:date>")
_SVG_ID = re.compile(rb'\bid="([^"<>&]+)"')
_OFFICE_PROPERTIES = frozenset(("docProps/core.xml", "meta.xml"))
MAX_PROPERTIES_BYTES = 1_000_000  # a larger properties part counts by its CRC-32
_OFFICE_DATE = re.compile(
    rb"<((?:dcterms:created|dcterms:modified|cp:lastPrinted|meta:creation-date|dc:date|meta:print-date"
    rb"|meta:editing-duration)\b)[^>]*>[^<]*</\1>"
)


def stable_digest(path: Path) -> str | None:
    """The SHA-256 of a PDF, SVG, gzip or zip file without what each save changes; None for any
    other file, or one that is too large or does not read."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
        if head.startswith(_ZIP_MAGIC):
            return _zip(path)
        if path.stat().st_size > MAX_BYTES:
            return None
        if path.suffix.lower() == ".svg":
            data = _svg(path.read_bytes())
        elif head.startswith(_PDF_MAGIC):
            data = _PDF_ID.sub(b"/ID []", _PDF_DATE.sub(rb"/\1 ()", path.read_bytes()))
        elif head.startswith(_GZIP_MAGIC):
            data = path.read_bytes()
            data = data[:4] + b"\0\0\0\0" + data[8:]  # MTIME, bytes 4–7 of the header
        else:
            return None
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


def _zip(path: Path) -> str | None:
    """The members' names, CRC-32s and sizes, from the archive's directory; an office document's
    properties part, unpacked, by its content without its dates."""
    digest = hashlib.sha256()
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.infolist():
                if member.filename in _OFFICE_PROPERTIES and member.file_size <= MAX_PROPERTIES_BYTES:
                    content = _OFFICE_DATE.sub(rb"<\1/>", archive.read(member))
                    key = f"{member.filename}\0{hashlib.sha256(content).hexdigest()}\n"
                else:
                    key = f"{member.filename}\0{member.CRC}\0{member.file_size}\n"
                digest.update(key.encode("utf-8", "surrogatepass"))
    except (zipfile.BadZipFile, OSError, ValueError, UnicodeError, EOFError, RuntimeError, zlib.error):
        return None
    return digest.hexdigest()
