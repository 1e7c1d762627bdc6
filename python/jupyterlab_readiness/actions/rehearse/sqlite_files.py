"""SQLite files a run wrote (what pandas' ``to_sql`` writes into): recognised by their header,
opened read-only — a reader must never create a journal or change the file the run wrote — and
compared by their content, since a rewrite with the same rows changes the file's bytes (its header
counts the writes).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite 3 database file
MAX_BYTES = 50_000_000  # larger outputs (any table or database) are not read back: the rehearsal's time stays the runs'


def is_sqlite(path: Path) -> bool:
    with path.open("rb") as head:
        return head.read(len(MAGIC)) == MAGIC


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


_ROW = re.compile(r'INSERT INTO "((?:[^"]|"")*)" VALUES')


@dataclass(frozen=True, slots=True)
class Content:
    """A SQLite file's content: its SQL dump's digest, its schema's, and the rows of each table."""

    digest: str
    schema: str  # the digest of the dump's lines that are not rows
    rows: tuple[tuple[str, int], ...]  # (table, rows), by table name


def content_of(path: Path) -> Content | None:
    """The database's content from its SQL dump; None for a file that is not a SQLite database,
    is too large, or does not read."""
    try:
        if path.stat().st_size > MAX_BYTES or not is_sqlite(path):
            return None
        digest, schema = hashlib.sha256(), hashlib.sha256()
        rows: dict[str, int] = {}
        with closing(read_only(path)) as connection:
            for line in connection.iterdump():
                encoded = line.encode("utf-8", "surrogatepass") + b"\n"
                digest.update(encoded)
                row = _ROW.match(line)
                if row is None:
                    schema.update(encoded)
                else:
                    table = row.group(1).replace('""', '"')
                    rows[table] = rows.get(table, 0) + 1
        return Content(digest.hexdigest(), schema.hexdigest(), tuple(sorted(rows.items())))
    except (OSError, sqlite3.Error, UnicodeError):
        return None


def rows_added(before: Content, after: Content) -> tuple[tuple[str, int, int], ...]:
    """(table, rows before, rows after) for each table that grew, when the schema is the same and
    no table shrank — what a rerun that inserts again (``to_sql(if_exists='append')``) leaves;
    empty otherwise."""
    if before.schema != after.schema:
        return ()
    old, new = dict(before.rows), dict(after.rows)
    if any(new.get(table, 0) < count for table, count in old.items()):
        return ()
    return tuple((table, old.get(table, 0), count) for table, count in after.rows if count > old.get(table, 0))
