"""How writers share a store: a lock file that serialises them, a journal of unfinished writes.

A write of a file's new version goes: journal the path, write the new chunks (under the new
generation), flip the file's record to that generation, delete the other generations'
chunks, clear the journal. Searches only answer from chunks of the generation the record
names, so a kill at any step leaves the old version or the new one answerable, never both;
what a kill leaves behind (new chunks without a record, old chunks after the flip) is found
through the journal and swept by the next writer.

Both live in small files next to the store, also when the chunks live on a Chroma server:
the lock then serialises the writers on this machine only (the README says so).
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from store.errors import StoreError
from store.sqlite import open_database

WAITING = "another ingest is writing to this store; waiting…"


class WriteLock:
    """An exclusive lock on the store for one writer at a time, across processes and threads.

    ``flock`` on a file in the store folder: the kernel drops it when its holder dies, so a
    killed ingest never leaves the store locked.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._threads = threading.RLock()  # flock is per open file; threads queue here first
        self._depth = 0  # the holding thread may take it again (an ingest removes files)

    @contextmanager
    def held(self, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        with self._threads:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            handle = self._open()
            try:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    if on_wait is not None:
                        on_wait(WAITING)
                    fcntl.flock(handle, fcntl.LOCK_EX)
                self._depth = 1
                try:
                    yield
                finally:
                    self._depth = 0
            finally:
                os.close(handle)  # closing releases the lock

    def free(self) -> bool:
        """Whether no writer holds the lock now (it is not taken)."""
        if self._depth:
            return False
        try:
            handle = self._open()
        except StoreError:
            return True  # nothing can hold a lock file that cannot be opened
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
        finally:
            os.close(handle)

    def _open(self) -> int:
        try:
            return os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise StoreError(f"cannot open the lock file {self._path}: {error}") from error


class Journal:
    """Paths whose write has begun and not finished, in SQLite (each change is one commit)."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = open_database(
            path,
            "the write journal",
            ["CREATE TABLE IF NOT EXISTS pending (path TEXT PRIMARY KEY)"],
            wal=False,
        )

    def begin(self, paths: Iterable[str]) -> None:
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR IGNORE INTO pending (path) VALUES (?)", [(p,) for p in paths]
            )

    def end(self, paths: Iterable[str]) -> None:
        with self._lock, self._db:
            self._db.executemany("DELETE FROM pending WHERE path = ?", [(p,) for p in paths])

    def pending(self) -> list[str]:
        with self._lock:
            return [str(p) for (p,) in self._db.execute("SELECT path FROM pending ORDER BY path")]

    def close(self) -> None:
        with self._lock:
            self._db.close()
