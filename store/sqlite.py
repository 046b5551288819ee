"""Opening the small SQLite files kept beside a store (keyword index, write journal, chats).

Each is one connection shared by the threads of a process (its owner holds a lock around
use) and may be opened by several processes at once, so it waits on a locked file instead
of failing at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from store.errors import StoreError


def open_database(path: Path, what: str, schema: Sequence[str], *, wal: bool) -> sqlite3.Connection:
    """The database at ``path`` with ``schema`` (statements run once, idempotent); with
    ``wal``, in write-ahead mode so readers never wait on a writer. ``StoreError`` naming
    ``what`` and the file when it cannot be opened."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        with db:
            if wal:
                db.execute("PRAGMA journal_mode=WAL")
            for statement in schema:
                db.execute(statement)
    except (sqlite3.Error, OSError) as error:
        raise StoreError(f"cannot open {what} {path}: {error}") from error
    return db
