"""SQLite files a run wrote (what pandas' ``to_sql`` writes into): recognised by their header,
opened read-only — a reader must never create a journal or change the file the run wrote — and
compared by their content, since a rewrite with the same rows changes the file's bytes (its header
counts the writes).
"""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

MAGIC = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite 3 database file
MAX_BYTES = 50_000_000  # larger outputs (any table or database) are not read back: the rehearsal's time stays the runs'


def is_sqlite(path: Path) -> bool:
    with path.open("rb") as head:
        return head.read(len(MAGIC)) == MAGIC


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def content_digest(path: Path) -> str | None:
    """The SHA-256 of the database's SQL dump (schema and rows); None for a file that is not a
    SQLite database, is too large, or does not read."""
    try:
        if path.stat().st_size > MAX_BYTES or not is_sqlite(path):
            return None
        digest = hashlib.sha256()
        with closing(read_only(path)) as connection:
            for line in connection.iterdump():
                digest.update(line.encode("utf-8", "surrogatepass") + b"\n")
        return digest.hexdigest()
    except (OSError, sqlite3.Error, UnicodeError):
        return None
