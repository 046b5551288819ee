"""The keyword index: BM25 over each chunk's content lemmas, in SQLite FTS5 on disk.

llama-index's ``BM25Retriever`` (bm25s) builds its index in memory from every chunk: 7.8 s
at 30k chunks and 22 s at 100k, in every process and again after every change, and its
saved form can only be rebuilt whole. SQLite's FTS5 (in Python's standard library) keeps
the index on disk, ranks by BM25 (its ``bm25()``), opens at once at any size and is updated
file by file, so a question in one process sees what another process ingested.

The lemmas are indexed as the analyzer gave them (no stemmer, no stopword list here), so
the index knows no language. It lives next to the store, also when the chunks live on a
Chroma server.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from store.sqlite import open_database

_WORD = re.compile(r"\w+")


class KeywordIndex:
    """Chunk ids and their lemma text, searchable by BM25."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()  # one connection, shared by the UI's threads
        # FTS5 finds rows by rowid only: ``ids`` maps chunk ids to those rowids.
        self._db = open_database(
            path,
            "the keyword index",
            [
                "CREATE VIRTUAL TABLE IF NOT EXISTS chunks USING fts5("
                "lemmas, tokenize='unicode61 remove_diacritics 0')",
                "CREATE TABLE IF NOT EXISTS ids (row INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE)",
                "CREATE VIRTUAL TABLE IF NOT EXISTS chunks_vocab USING fts5vocab(chunks, row)",
            ],
            wal=True,
        )

    def ids(self) -> list[str]:
        """Every indexed chunk id."""
        with self._lock:
            return [str(i) for (i,) in self._db.execute("SELECT chunk_id FROM ids")]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM ids").fetchone()[0])

    def add(self, entries: Iterable[tuple[str, str]]) -> None:
        """Index (chunk id, lemma text) pairs; an id indexed already is indexed again."""
        rows = list(entries)
        with self._lock, self._db:
            self._delete([chunk_id for chunk_id, _ in rows])
            self._insert(rows)

    def remove(self, chunk_ids: Sequence[str]) -> None:
        with self._lock, self._db:
            self._delete(chunk_ids)

    def replace_all(self, entries: Iterable[tuple[str, str]]) -> None:
        """Index exactly ``entries`` (a rebuild, after the store changed without the index)."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM chunks")
            self._db.execute("DELETE FROM ids")
            self._insert(list(entries))

    def search(self, lemmas: str, k: int) -> list[tuple[str, float]]:
        """The ``k`` best chunk ids for any of ``lemmas``, with their BM25 scores (higher is
        better)."""
        words = list(dict.fromkeys(_WORD.findall(lemmas.lower())))
        if not words or k <= 0:
            return []
        with self._lock:
            words = self._telling(words) or words
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        with self._lock:
            rows = self._db.execute(
                "SELECT ids.chunk_id, found.score FROM ("
                "SELECT rowid, bm25(chunks) AS score FROM chunks WHERE chunks MATCH ? "
                "ORDER BY score LIMIT ?) AS found JOIN ids ON ids.row = found.rowid "
                "ORDER BY found.score, ids.chunk_id",
                (match, k),
            ).fetchall()
        return [(str(chunk_id), -float(score)) for chunk_id, score in rows]

    def _telling(self, words: list[str]) -> list[str]:
        """``words`` less those in more than half of the chunks (none left when all are).

        FTS5's BM25 gives such a word an IDF of 1e-6, so it cannot change the order of the
        best hits; left in the query it makes SQLite score nearly every row (70 ms at 100k).
        """
        total = int(self._db.execute("SELECT count(*) FROM ids").fetchone()[0])
        marks = ",".join("?" * len(words))
        common = {
            str(term)
            for term, docs in self._db.execute(
                f"SELECT term, doc FROM chunks_vocab WHERE term IN ({marks})", words
            )
            if docs * 2 > total
        }
        return [w for w in words if w not in common]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _insert(self, rows: list[tuple[str, str]]) -> None:
        for chunk_id, lemmas in rows:
            cursor = self._db.execute("INSERT INTO ids (chunk_id) VALUES (?)", (chunk_id,))
            self._db.execute(
                "INSERT INTO chunks (rowid, lemmas) VALUES (?, ?)", (cursor.lastrowid, lemmas)
            )

    def _delete(self, chunk_ids: Sequence[str]) -> None:
        ids = list(chunk_ids)
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                f"SELECT row FROM ids WHERE chunk_id IN ({marks})", part
            ).fetchall()
            if rows:
                self._db.executemany("DELETE FROM chunks WHERE rowid = ?", rows)
                self._db.executemany("DELETE FROM ids WHERE row = ?", rows)
